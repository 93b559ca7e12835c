"""The agent's inbox: Mine / Queue / All, filters and search, the conversation list (list_pane.py), the chat pane
(chat.py) and the contact's details; on a phone the list and the chat stack, with a back button."""

from __future__ import annotations

import reflex as rx

from flowstudio.components.layout import shell, t
from flowstudio.pages.inbox.chat import chat_pane, info_panel
from flowstudio.pages.inbox.dialogs import close_dialog, quick_replies_dialog, transfer_dialog
from flowstudio.pages.inbox.list_pane import list_pane, view_tabs
from flowstudio.pages.inbox.state import InboxState
from flowstudio.state.session import SessionState

S = InboxState


MONITOR_ROUTE = "/inbox/monitor"


# Two panes side by side; under 768px one at a time (the chat when one is open). User text never goes
# through here: this is a fixed stylesheet.
CSS = """
.fs-inbox { display: flex; height: calc(100vh - 150px); min-height: 420px; border: 1px solid var(--gray-5);
  border-radius: 10px; overflow: hidden; background: var(--color-panel-solid); }
.fs-list { width: 340px; min-width: 340px; display: flex; flex-direction: column; border-right: 1px solid var(--gray-5); }
.fs-chat { flex: 1; min-width: 0; display: flex; }
.fs-info-col { width: 280px; min-width: 280px; border-left: 1px solid var(--gray-5); overflow-y: auto; display: none; }
.fs-back { display: none !important; }
@media (min-width: 1280px) {
  .fs-inbox.has-chat .fs-info-col { display: block; }
  .fs-info-toggle, .fs-info-inline { display: none !important; }
}
@media (max-width: 767px) {
  .fs-inbox { height: calc(100vh - 170px); }
  .fs-list { width: 100%; min-width: 0; border-right: none; }
  .fs-inbox.has-chat .fs-list { display: none; }
  .fs-inbox:not(.has-chat) .fs-chat { display: none; }
  .fs-back { display: inline-flex !important; }
}
"""


def _status_select() -> rx.Component:
    return rx.select.root(
        rx.select.trigger(data_testid="my-status", aria_label="status"),
        rx.select.content(
            *[
                rx.select.item(
                    rx.hstack(
                        rx.box(width="8px", height="8px", border_radius="50%", background=rx.color(color, 9)),
                        t(f"inbox.agent_{status}"),
                        align="center",
                        spacing="2",
                    ),
                    value=status,
                )
                for status, color in (("online", "grass"), ("away", "amber"), ("offline", "gray"))
            ]
        ),
        value=S.my_status,
        on_change=S.set_my_status,
        size="2",
    )


def header() -> rx.Component:
    """Shortcuts, the agent's status and the monitor link."""
    return rx.flex(
        view_tabs(),
        rx.spacer(),
        _status_select(),
        rx.cond(
            SessionState.role != "agent",
            rx.link(
                rx.button(rx.icon("activity", size=14), t("nav.monitor"), variant="soft", size="2"),
                href=MONITOR_ROUTE,
                data_testid="inbox-monitor-link",
            ),
        ),
        gap="8px",
        align="center",
        wrap="wrap",
        width="100%",
        margin_bottom="12px",
    )


def inbox_page() -> rx.Component:
    """The inbox page."""
    return shell(
        t("inbox.title"),
        rx.el.style(CSS),
        header(),
        rx.cond(
            (S.error != "") & ~S.transfer_open & ~S.quick_edit_open,
            rx.callout(
                S.error,
                icon="triangle-alert",
                color_scheme="red",
                size="1",
                margin_bottom="8px",
                data_testid="inbox-error",
            ),
        ),
        rx.box(
            rx.box(*list_pane(), class_name="fs-list"),
            rx.box(chat_pane(), class_name="fs-chat"),
            rx.cond(S.selected_id > 0, rx.box(info_panel(), class_name="fs-info-col")),
            class_name=rx.cond(S.selected_id > 0, "fs-inbox has-chat", "fs-inbox"),
            data_testid="inbox",
        ),
        transfer_dialog(),
        close_dialog(),
        quick_replies_dialog(),
    )
