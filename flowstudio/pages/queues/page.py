"""The queues page: the list, the queue dialog and the delete confirmation."""

from __future__ import annotations

import reflex as rx

from flowstudio.components.dialogs import confirm_delete_dialog
from flowstudio.components.layout import shell, t
from flowstudio.pages.admin_forms import (
    not_allowed,
)
from flowstudio.pages.queues.card import queue_card
from flowstudio.pages.queues.form import queue_dialog
from flowstudio.pages.queues.state import S


def _delete_dialog() -> rx.Component:
    return confirm_delete_dialog(
        title_key="queues.delete",
        text_key="queues.delete_text",
        name=S.confirm_name,
        on_confirm=S.delete,
        open=S.confirm_id > 0,
        on_open_change=S.close_confirm,
        testid="queue-confirm-delete",
    )


def queues_page() -> rx.Component:
    """The workspace's queues, for admins and supervisors."""
    return shell(
        t("queues.title"),
        rx.cond(
            S.loaded,
            rx.cond(
                S.allowed,
                rx.vstack(
                    rx.hstack(
                        rx.text(t("queues.subtitle"), size="2", color_scheme="gray"),
                        rx.spacer(),
                        rx.button(
                            rx.icon("plus", size=14), t("queues.new"), on_click=S.open_new, data_testid="queue-new"
                        ),
                        width="100%",
                        align="center",
                        wrap="wrap",
                        spacing="2",
                    ),
                    rx.cond(
                        S.error != "",
                        rx.callout(
                            S.error, icon="triangle-alert", color_scheme="red", width="100%", data_testid="queues-error"
                        ),
                    ),
                    rx.grid(
                        rx.foreach(S.queues, queue_card),
                        columns=rx.breakpoints(initial="1", lg="2"),
                        spacing="3",
                        width="100%",
                    ),
                    queue_dialog(),
                    _delete_dialog(),
                    spacing="3",
                    width="100%",
                ),
                not_allowed(t),
            ),
            rx.center(rx.spinner(), width="100%", padding="48px"),
        ),
    )
