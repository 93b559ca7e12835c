"""Dialogs every page uses the same way."""

from __future__ import annotations

import reflex as rx

from flowstudio.components.layout import t


def confirm_delete_dialog(
    *,
    title_key: str,
    text_key: str,
    name: rx.Var,
    on_confirm,
    open: rx.Var,
    on_open_change,
    testid: str,
    confirm_key: str | None = None,
) -> rx.Component:
    """ "Delete <name>?" with Cancel and a red confirm button (labelled `confirm_key`, else like the title)."""
    return rx.alert_dialog.root(
        rx.alert_dialog.content(
            rx.alert_dialog.title(t(title_key)),
            rx.alert_dialog.description(rx.text(t(text_key), " ", rx.text.strong(name))),
            rx.hstack(
                rx.alert_dialog.cancel(rx.button(t("common.cancel"), variant="soft", color_scheme="gray")),
                rx.alert_dialog.action(
                    rx.button(t(confirm_key or title_key), color_scheme="red", on_click=on_confirm, data_testid=testid)
                ),
                justify="end",
                margin_top="12px",
            ),
        ),
        open=open,
        on_open_change=on_open_change,
    )
