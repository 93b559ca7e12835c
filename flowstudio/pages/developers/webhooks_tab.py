"""The webhooks tab: subscriptions (the signing secret shown once, at creation) and the delivery log
(state: webhooks_state.py).
"""

from __future__ import annotations

import reflex as rx

from flowstudio.components.layout import t
from flowstudio.pages.developers.webhooks_state import WebhooksState
from flowstudio.services.integrations import webhooks

S = WebhooksState


_STATUS_COLOR = {"delivered": "green", "failed": "red", "pending": "amber"}


def _subscription(row: rx.Var) -> rx.Component:
    return rx.table.row(
        rx.table.cell(
            rx.vstack(
                rx.code(row.url, size="1"), rx.text(row.description, size="1", color=rx.color("gray", 10)), spacing="1"
            )
        ),
        rx.table.cell(
            rx.flex(rx.foreach(row.events, lambda e: rx.badge(e, variant="soft", size="1")), gap="4px", wrap="wrap")
        ),
        rx.table.cell(
            rx.switch(checked=row.active, on_change=lambda on: S.set_active(row.id, on), data_testid="webhook-active")
        ),
        rx.table.cell(
            rx.hstack(rx.badge(row.delivered, color_scheme="green"), rx.badge(row.failed, color_scheme="red"))
        ),
        rx.table.cell(
            rx.icon_button(
                rx.icon("trash-2", size=14),
                variant="ghost",
                color_scheme="red",
                on_click=S.delete(row.id),
                aria_label=t("developers.delete"),
                data_testid="webhook-delete",
            ),
            text_align="right",
        ),
        data_testid="webhook-row",
    )


def _delivery(row: rx.Var) -> rx.Component:
    return rx.fragment(
        rx.table.row(
            rx.table.cell(rx.text(row.created_at, size="1")),
            rx.table.cell(rx.code(row.event, size="1")),
            rx.table.cell(
                rx.badge(
                    rx.match(row.status, *[(s, t(f"developers.status.{s}")) for s in _STATUS_COLOR], row.status),
                    color_scheme=rx.match(row.status, *_STATUS_COLOR.items(), "gray"),
                    custom_attrs={"data-status": row.status},
                    data_testid="delivery-status",
                )
            ),
            rx.table.cell(rx.text(row.attempts, size="1")),
            rx.table.cell(rx.text(row.code, size="1")),
            rx.table.cell(
                rx.text(
                    row.error,
                    size="1",
                    color=rx.color("red", 11),
                    max_width="260px",
                    overflow="hidden",
                    text_overflow="ellipsis",
                    white_space="nowrap",
                )
            ),
            rx.table.cell(
                rx.hstack(
                    rx.button(
                        t("developers.webhooks.payload"),
                        size="1",
                        variant="ghost",
                        on_click=S.toggle_payload(row.id),
                        data_testid="delivery-payload",
                    ),
                    rx.button(
                        rx.icon("rotate-cw", size=12),
                        t("developers.webhooks.redeliver"),
                        size="1",
                        variant="soft",
                        on_click=S.redeliver(row.id),
                        data_testid="delivery-redeliver",
                    ),
                    justify="end",
                ),
                text_align="right",
            ),
            data_testid="delivery-row",
        ),
        rx.cond(
            S.open_payload == row.id,
            rx.table.row(rx.table.cell(rx.code_block(row.payload, language="json", width="100%"), col_span=7)),
        ),
    )


def _new_secret() -> rx.Component:
    return rx.callout.root(
        rx.callout.icon(rx.icon("key-round")),
        rx.vstack(
            rx.text(t("developers.webhooks.secret_once"), size="2", weight="medium"),
            rx.hstack(
                rx.code(S.new_secret, data_testid="webhook-secret"),
                rx.icon_button(
                    rx.icon("copy", size=14),
                    size="1",
                    variant="soft",
                    on_click=[rx.set_clipboard(S.new_secret), rx.toast.info(t("developers.webhooks.copied"))],
                    aria_label=t("developers.webhooks.copy"),
                    data_testid="webhook-secret-copy",
                ),
                rx.button(t("developers.webhooks.done"), size="1", variant="ghost", on_click=S.dismiss_secret),
                align="center",
                wrap="wrap",
            ),
            spacing="2",
        ),
        color_scheme="amber",
        width="100%",
    )


def webhooks_tab() -> rx.Component:
    """Subscriptions, the form, and the log."""
    return rx.vstack(
        rx.text(t("developers.webhooks.intro"), size="2", color=rx.color("gray", 11)),
        rx.cond(S.new_secret != "", _new_secret()),
        rx.cond(
            S.subscriptions.length() > 0,
            rx.table.root(
                rx.table.header(
                    rx.table.row(
                        *[
                            rx.table.column_header_cell(t(f"developers.col.{c}"))
                            for c in ("url", "events", "active", "deliveries")
                        ],
                        rx.table.column_header_cell(""),
                    )
                ),
                rx.table.body(rx.foreach(S.subscriptions, _subscription)),
                width="100%",
            ),
            rx.text(t("developers.webhooks.empty"), size="2", color=rx.color("gray", 10)),
        ),
        rx.card(
            rx.vstack(
                rx.heading(t("developers.webhooks.add_title"), size="3"),
                rx.flex(
                    rx.input(
                        value=S.url,
                        on_change=S.set_url,
                        placeholder="https://example.com/flowstudio",
                        flex="2",
                        min_width="260px",
                        data_testid="webhook-url",
                    ),
                    rx.input(
                        value=S.description,
                        on_change=S.set_description,
                        placeholder=t("developers.webhooks.description"),
                        flex="1",
                        min_width="160px",
                    ),
                    gap="8px",
                    wrap="wrap",
                    width="100%",
                ),
                rx.flex(
                    *[
                        rx.checkbox(
                            t(f"developers.event.{e}"),
                            checked=S.chosen.contains(e),
                            on_change=lambda on, e=e: S.toggle_event(e, on),
                            data_testid=f"event-{e}",
                        )
                        for e in webhooks.EVENTS
                    ],
                    gap="16px",
                    wrap="wrap",
                ),
                rx.button(
                    rx.icon("plus", size=14),
                    t("developers.webhooks.add"),
                    on_click=S.create,
                    data_testid="webhook-create",
                ),
                rx.cond(
                    S.error != "",
                    rx.callout(
                        S.error,
                        icon="triangle-alert",
                        color_scheme="red",
                        size="1",
                        width="100%",
                        data_testid="webhook-error",
                    ),
                ),
                spacing="3",
                width="100%",
            ),
            width="100%",
        ),
        rx.hstack(
            rx.heading(t("developers.webhooks.log"), size="4"),
            rx.spacer(),
            rx.button(
                rx.icon("refresh-cw", size=14),
                t("developers.webhooks.refresh"),
                size="1",
                variant="soft",
                on_click=S.refresh,
                data_testid="deliveries-refresh",
            ),
            width="100%",
            align="center",
        ),
        rx.cond(
            S.deliveries.length() > 0,
            rx.table.root(
                rx.table.header(
                    rx.table.row(
                        *[
                            rx.table.column_header_cell(t(f"developers.col.{c}"))
                            for c in ("when", "event", "status", "attempts", "code", "error")
                        ],
                        rx.table.column_header_cell(""),
                    )
                ),
                rx.table.body(rx.foreach(S.deliveries, _delivery)),
                width="100%",
                size="1",
            ),
            rx.text(t("developers.webhooks.no_deliveries"), size="2", color=rx.color("gray", 10)),
        ),
        spacing="3",
        width="100%",
    )
