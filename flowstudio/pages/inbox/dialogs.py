"""The inbox's dialogs: transfer, close, and the quick replies editor."""

from __future__ import annotations

import reflex as rx

from flowstudio.components.layout import t
from flowstudio.pages.inbox.items import Option
from flowstudio.pages.inbox.state import InboxState as S


def transfer_dialog() -> rx.Component:
    def target(options: rx.Var[list[Option]]) -> rx.Component:
        return rx.select.root(
            rx.select.trigger(placeholder=t("inbox.choose"), width="100%", data_testid="transfer-target"),
            rx.select.content(rx.foreach(options, lambda o: rx.select.item(o.label, value=o.value))),
            value=S.transfer_target,
            on_change=S.set_transfer_target,
        )

    return rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title(t("inbox.transfer")),
            rx.vstack(
                rx.segmented_control.root(
                    *[
                        rx.segmented_control.item(t(f"inbox.to_{kind}"), value=kind)
                        for kind in ("agent", "queue", "bot")
                    ],
                    value=S.transfer_type,
                    on_change=S.set_transfer_type,
                    width="100%",
                    data_testid="transfer-type",
                ),
                rx.match(S.transfer_type, ("queue", target(S.queues)), ("bot", target(S.bots)), target(S.agents)),
                rx.cond(S.error != "", rx.callout(S.error, icon="triangle-alert", color_scheme="red", size="1")),
                rx.hstack(
                    rx.dialog.close(rx.button(t("common.cancel"), variant="soft", color_scheme="gray")),
                    rx.button(t("inbox.transfer"), on_click=S.transfer, data_testid="transfer-confirm"),
                    justify="end",
                    width="100%",
                ),
                spacing="3",
            ),
            max_width="420px",
        ),
        open=S.transfer_open,
        on_open_change=S.set_transfer_open,
    )


def close_dialog() -> rx.Component:
    return rx.alert_dialog.root(
        rx.alert_dialog.content(
            rx.alert_dialog.title(t("inbox.close_title")),
            rx.alert_dialog.description(t("inbox.close_text")),
            rx.hstack(
                rx.alert_dialog.cancel(rx.button(t("common.cancel"), variant="soft", color_scheme="gray")),
                rx.alert_dialog.action(
                    rx.button(t("inbox.close"), color_scheme="grass", on_click=S.close, data_testid="close-confirm")
                ),
                justify="end",
                margin_top="12px",
            ),
            max_width="420px",
        ),
        open=S.close_open,
        on_open_change=S.set_close_open,
    )


def quick_replies_dialog() -> rx.Component:
    return rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title(t("inbox.quick_title")),
            rx.dialog.description(t("inbox.quick_help"), size="2"),
            rx.text_area(
                value=S.quick_edit_text,
                on_change=S.set_quick_edit_text,
                rows="8",
                width="100%",
                margin_top="8px",
                data_testid="quick-edit",
            ),
            rx.cond(
                S.error != "",
                rx.callout(S.error, icon="triangle-alert", color_scheme="red", size="1", margin_top="8px"),
            ),
            rx.hstack(
                rx.dialog.close(rx.button(t("common.cancel"), variant="soft", color_scheme="gray")),
                rx.button(t("inbox.save"), on_click=S.save_quick_replies, data_testid="quick-save"),
                justify="end",
                margin_top="12px",
            ),
        ),
        open=S.quick_edit_open,
        on_open_change=S.set_quick_edit_open,
    )
