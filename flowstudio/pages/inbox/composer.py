"""The message box: quick replies, the text, attachments (by address or upload)."""

from __future__ import annotations

import reflex as rx

from flowstudio.components.layout import t
from flowstudio.pages.inbox.state import UPLOAD_ID
from flowstudio.pages.inbox.state import InboxState as S


def _attach_panel() -> rx.Component:
    return rx.vstack(
        rx.upload.root(
            rx.hstack(rx.icon("upload", size=14), rx.text(t("inbox.upload"), size="2"), align="center", spacing="2"),
            id=UPLOAD_ID,
            multiple=False,
            max_size=16 * 1024 * 1024,
            on_drop=S.upload(rx.upload_files(upload_id=UPLOAD_ID)),
            border=f"1px dashed {rx.color('gray', 7)}",
            padding="10px",
            border_radius="8px",
            width="100%",
            cursor="pointer",
            data_testid="chat-upload",
        ),
        rx.hstack(
            rx.input(
                value=S.file_url,
                on_change=S.set_file_url,
                placeholder="https://…/file.pdf",
                size="1",
                flex="1",
                data_testid="chat-file-url",
            ),
            rx.button(t("inbox.send_url"), size="1", on_click=S.send_url, data_testid="chat-send-url"),
            width="100%",
        ),
        width="100%",
        spacing="2",
        padding="8px 12px 0 12px",
    )


def composer() -> rx.Component:
    quick = rx.dropdown_menu.root(
        rx.dropdown_menu.trigger(
            rx.icon_button(
                rx.icon("zap", size=16), variant="soft", aria_label="quick replies", data_testid="chat-quick"
            )
        ),
        rx.dropdown_menu.content(
            rx.foreach(
                S.quick_replies,
                lambda q: rx.dropdown_menu.item(
                    rx.text(q.title, weight="bold", size="2"),
                    on_click=S.use_quick_reply(q.text),
                    data_testid="quick-item",
                ),
            ),
            rx.dropdown_menu.separator(),
            rx.dropdown_menu.item(
                rx.icon("pencil", size=12), t("inbox.quick_edit"), on_click=S.set_quick_edit_open(True)
            ),
        ),
    )
    return rx.cond(
        S.can_write,
        rx.vstack(
            rx.cond(S.file_open, _attach_panel()),
            rx.hstack(
                quick,
                rx.icon_button(
                    rx.icon("paperclip", size=16),
                    variant=rx.cond(S.file_open, "solid", "soft"),
                    on_click=S.set_file_open(~S.file_open),
                    aria_label="attach",
                    data_testid="chat-attach",
                ),
                rx.text_area(
                    value=S.draft,
                    on_change=S.set_draft,
                    placeholder=t("inbox.type_message"),
                    rows="2",
                    flex="1",
                    max_length=4000,
                    data_testid="chat-input",
                ),
                rx.icon_button(rx.icon("send", size=16), on_click=S.send, aria_label="send", data_testid="chat-send"),
                width="100%",
                align="end",
                padding="8px 12px 12px 12px",
            ),
            width="100%",
            spacing="0",
            border_top=f"1px solid {rx.color('gray', 5)}",
        ),
        rx.box(
            rx.text(
                rx.cond(S.can_pick | S.can_take, t("inbox.pick_to_answer"), t("inbox.read_only")),
                size="2",
                color_scheme="gray",
            ),
            padding="12px",
            border_top=f"1px solid {rx.color('gray', 5)}",
            width="100%",
            data_testid="chat-readonly",
        ),
    )
