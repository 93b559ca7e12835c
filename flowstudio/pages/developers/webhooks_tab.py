"""The webhooks tab: subscriptions (the signing secret shown once, at creation) and the delivery log."""

from __future__ import annotations

import dataclasses
import json

import reflex as rx

from flowstudio.components.layout import t
from flowstudio.db import session_scope
from flowstudio.i18n import translate
from flowstudio.pages.developers.common import error_text, scope, when
from flowstudio.services.identity.permissions import DEVELOPERS_MANAGE
from flowstudio.services.integrations import webhooks
from flowstudio.state.guard import requires


@dataclasses.dataclass
class SubscriptionRow:
    """One subscription as the list shows it."""

    id: int
    url: str
    events: list[str]
    active: bool
    description: str
    delivered: int
    failed: int


@dataclasses.dataclass
class DeliveryRow:
    """One delivery of the log."""

    id: int
    event: str
    status: str
    attempts: int
    code: str
    error: str
    created_at: str
    next_attempt_at: str
    url: str
    payload: str


class WebhooksState(rx.State):
    """Subscriptions, the new-subscription form, the secret of the one just created, the delivery log."""

    subscriptions: list[SubscriptionRow] = []
    deliveries: list[DeliveryRow] = []
    url: str = ""
    description: str = ""
    chosen: list[str] = ["message.created"]
    error: str = ""
    new_secret: str = ""
    open_payload: int = 0

    def _read(self, workspace_id: int) -> None:
        with session_scope() as session:
            views = webhooks.list_subscriptions(session=session, workspace_id=workspace_id)
            self.subscriptions = [
                SubscriptionRow(
                    id=v.id,
                    url=v.url,
                    events=v.events,
                    active=v.active,
                    description=v.description,
                    delivered=v.delivered,
                    failed=v.failed,
                )
                for v in views
            ]
            urls = {v.id: v.url for v in views}
            self.deliveries = [
                DeliveryRow(
                    id=d.id,
                    event=d.event,
                    status=getattr(d.status, "value", d.status),
                    attempts=d.attempts,
                    code="" if d.last_status_code is None else str(d.last_status_code),
                    error=d.last_error[:160],
                    created_at=when(d.created_at),
                    next_attempt_at=when(d.next_attempt_at),
                    url=urls.get(d.subscription_id, ""),
                    payload=json.dumps(d.payload, ensure_ascii=False, indent=2),
                )
                for d in webhooks.deliveries(session=session, workspace_id=workspace_id, limit=50)
            ]

    @rx.event
    @requires(DEVELOPERS_MANAGE)
    async def load(self):
        """Read subscriptions and the newest deliveries."""
        workspace_id, _, _ = await scope(self)
        self.new_secret = ""
        self._read(workspace_id)

    @rx.event
    @requires(DEVELOPERS_MANAGE)
    async def refresh(self):
        """Read the log again."""
        workspace_id, _, _ = await scope(self)
        self._read(workspace_id)

    @rx.event
    def set_url(self, value: str):
        """The URL being typed."""
        self.url = value

    @rx.event
    def set_description(self, value: str):
        """The description being typed."""
        self.description = value

    @rx.event
    def toggle_event(self, event: str, on: bool):
        """An event checkbox of the form."""
        self.chosen = [e for e in webhooks.EVENTS if (e in self.chosen and e != event) or (e == event and on)]

    @rx.event
    def dismiss_secret(self):
        """The developer has copied the secret: forget it."""
        self.new_secret = ""

    @rx.event
    def toggle_payload(self, delivery_id: int):
        """Show or hide a delivery's payload."""
        self.open_payload = 0 if self.open_payload == delivery_id else delivery_id

    @rx.event
    @requires(DEVELOPERS_MANAGE)
    async def create(self):
        """Subscribe the typed URL to the chosen events; its secret is shown once."""
        workspace_id, actor, lang = await scope(self)
        try:
            with session_scope() as session:
                _, secret = webhooks.create_subscription(
                    session=session,
                    workspace_id=workspace_id,
                    url=self.url,
                    events=list(self.chosen),
                    description=self.description,
                    actor=actor,
                )
        except webhooks.WebhookError as error:
            self.error = error_text(error, lang)
            return None
        self.url, self.description, self.error, self.new_secret = "", "", "", secret
        self._read(workspace_id)
        return rx.toast.success(translate("developers.webhooks.created", lang))

    @rx.event
    @requires(DEVELOPERS_MANAGE)
    async def set_active(self, subscription_id: int, active: bool):
        """Pause or resume a subscription."""
        workspace_id, actor, lang = await scope(self)
        try:
            with session_scope() as session:
                webhooks.update_subscription(
                    session=session,
                    workspace_id=workspace_id,
                    subscription_id=subscription_id,
                    active=active,
                    actor=actor,
                )
        except webhooks.WebhookError as error:
            return rx.toast.error(error_text(error, lang))
        self._read(workspace_id)
        return None

    @rx.event
    @requires(DEVELOPERS_MANAGE)
    async def delete(self, subscription_id: int):
        """Delete a subscription and its log."""
        workspace_id, actor, lang = await scope(self)
        try:
            with session_scope() as session:
                webhooks.delete_subscription(
                    session=session, workspace_id=workspace_id, subscription_id=subscription_id, actor=actor
                )
        except webhooks.WebhookError as error:
            return rx.toast.error(error_text(error, lang))
        self._read(workspace_id)
        return rx.toast.success(translate("developers.webhooks.deleted", lang))

    @rx.event
    @requires(DEVELOPERS_MANAGE)
    async def redeliver(self, delivery_id: int):
        """Send a delivery's event again now."""
        workspace_id, _, lang = await scope(self)
        try:
            with session_scope() as session:
                webhooks.redeliver(session=session, workspace_id=workspace_id, delivery_id=delivery_id)
        except webhooks.WebhookError as error:
            return rx.toast.error(error_text(error, lang))
        self._read(workspace_id)
        return rx.toast.success(translate("developers.webhooks.redelivering", lang))


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
