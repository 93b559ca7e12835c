"""The chat pane: the conversation's history, its actions, the message box, and the contact's details."""

from __future__ import annotations

import reflex as rx

from flowstudio.components.layout import t
from flowstudio.pages.inbox.forget import forget_section
from flowstudio.pages.inbox.items import ChatMessage, Variable
from flowstudio.pages.inbox.state import UPLOAD_ID, InboxState
from flowstudio.pages.inbox.types import inactive_badge, type_select
from flowstudio.state.session import SessionState

S = InboxState
PRIORITIES = ("low", "normal", "high", "urgent")


def tr(prefix: str, value: rx.Var) -> rx.Var:
    """A translated label for a data value (``inbox.status_open``...)."""
    return SessionState.tr[f"inbox.{prefix}_" + value]


def _sender_label(message: rx.Var[ChatMessage]) -> rx.Component:
    return rx.match(
        message.sender,
        (
            "bot",
            rx.hstack(
                rx.icon("bot", size=12),
                rx.text(t("inbox.sender_bot"), size="1"),
                spacing="1",
                align="center",
                color=rx.color("accent", 11),
            ),
        ),
        (
            "agent",
            rx.hstack(
                rx.icon("headset", size=12),
                rx.text(message.author, size="1"),
                spacing="1",
                align="center",
                color=rx.color("grass", 11),
            ),
        ),
        rx.fragment(),
    )


def _message_body(message: rx.Var[ChatMessage]) -> rx.Component:
    return rx.vstack(
        rx.cond(
            message.kind == "image",
            rx.link(
                rx.image(
                    src=message.image_url,
                    max_width="220px",
                    max_height="220px",
                    border_radius="6px",
                    alt=message.file_name,
                ),
                href=message.image_url,
                is_external=True,
            ),
        ),
        rx.cond(
            message.kind == "file",
            rx.cond(
                message.file_url != "",
                rx.link(
                    rx.hstack(
                        rx.icon("paperclip", size=14), rx.text(message.file_name, size="2"), spacing="1", align="center"
                    ),
                    href=message.file_url,
                    is_external=True,
                    data_testid="chat-file",
                ),
                rx.hstack(rx.icon("paperclip", size=14), rx.text(message.file_name, size="2"), spacing="1"),
            ),
        ),
        rx.cond(
            message.kind == "template",
            rx.badge(rx.icon("file-text", size=10), t("inbox.template"), variant="outline", size="1"),
        ),
        rx.cond(
            message.text != "",
            rx.text(message.text, size="2", white_space="pre-wrap", style={"overflow_wrap": "anywhere"}),
        ),
        rx.cond(
            message.buttons.length() > 0,
            rx.flex(
                rx.foreach(
                    message.buttons,
                    lambda label: rx.badge(
                        rx.cond(
                            message.kind == "cards",
                            rx.icon("layout-template", size=10),
                            rx.icon("mouse-pointer-click", size=10),
                        ),
                        label,
                        variant="surface",
                        size="1",
                        style={"white_space": "normal"},
                    ),
                ),
                wrap="wrap",
                gap="4px",
            ),
        ),
        spacing="1",
        align="start",
    )


def _edited_mark(message: rx.Var[ChatMessage]) -> rx.Component:
    """The "(edited)" mark of a message the customer changed; the text before the edit shows on hover."""
    return rx.text(
        t("inbox.message_edited"),
        size="1",
        color_scheme="gray",
        title=message.previous_text,
        style={"font_style": "italic", "cursor": "help"},
        data_testid="chat-edited",
    )


def bubble(message: rx.Var[ChatMessage]) -> rx.Component:
    """One message: the customer's on the left, the bot's and agents' on the right, platform notes centred."""
    system = rx.center(
        rx.text(
            message.text,
            size="1",
            color_scheme="gray",
            white_space="pre-wrap",
            text_align="center",
            style={"font_style": "italic"},
        ),
        rx.text(message.time, size="1", color_scheme="gray", margin_left="6px"),
        width="100%",
        padding="2px 24px",
        data_testid="chat-system",
    )
    out = message.side == "out"
    regular = rx.flex(
        rx.box(
            _sender_label(message),
            _message_body(message),
            rx.hstack(
                rx.cond(message.edited, _edited_mark(message)),
                rx.text(message.time, size="1", color_scheme="gray"),
                rx.cond(message.status == "failed", rx.icon("circle-alert", size=12, color=rx.color("red", 9))),
                justify="end",
                width="100%",
                spacing="1",
            ),
            background=rx.match(
                message.sender, ("bot", rx.color("accent", 3)), ("agent", rx.color("grass", 3)), rx.color("gray", 3)
            ),
            border_radius="10px",
            padding="6px 10px",
            max_width="78%",
            data_testid=rx.match(message.sender, ("bot", "chat-bot"), ("agent", "chat-agent"), "chat-contact"),
        ),
        justify=rx.cond(out, "end", "start"),
        width="100%",
    )
    return rx.cond(message.sender == "system", system, regular)


def _variable(variable: rx.Var[Variable]) -> rx.Component:
    return rx.data_list.item(
        rx.data_list.label(variable.name, min_width="80px"),
        rx.data_list.value(rx.text(variable.value, size="2", style={"overflow_wrap": "anywhere"})),
    )


def info_panel() -> rx.Component:
    """The contact's details, variables and tags (tags can be added and removed)."""
    return rx.vstack(
        rx.heading(S.contact_name, size="3"),
        rx.cond(S.contact_phone != "", rx.text(S.contact_phone, size="2", color_scheme="gray")),
        rx.cond(S.contact_email != "", rx.text(S.contact_email, size="2", color_scheme="gray")),
        rx.hstack(
            rx.badge(S.channel, variant="outline"),
            rx.badge(tr("status", S.status)),
            rx.cond(S.csat > 0, rx.badge("CSAT ", S.csat, "/5", color_scheme="amber")),
            wrap="wrap",
        ),
        type_select(),
        rx.divider(),
        rx.text(t("inbox.tags"), size="2", weight="bold"),
        rx.flex(
            rx.foreach(
                S.tags,
                lambda tag: rx.badge(
                    tag,
                    rx.icon(
                        "x",
                        size=12,
                        cursor="pointer",
                        on_click=S.remove_tag(tag),
                        aria_label="remove",
                        data_testid="tag-remove",
                    ),
                    variant="soft",
                    size="2",
                    data_testid="chat-tag",
                ),
            ),
            rx.foreach(S.flow_tags, lambda tag: rx.badge(rx.icon("bot", size=10), tag, variant="outline", size="1")),
            wrap="wrap",
            gap="4px",
        ),
        rx.form(
            rx.hstack(
                rx.input(
                    name="tag",
                    id="inbox-new-tag",
                    placeholder=t("inbox.new_tag"),
                    size="1",
                    max_length=64,
                    list="inbox-tag-names",
                    data_testid="tag-input",
                    flex="1",
                ),
                rx.icon_button(rx.icon("plus", size=14), size="1", type="submit", data_testid="tag-add"),
                width="100%",
            ),
            rx.el.datalist(rx.foreach(S.all_tags, lambda o: rx.el.option(value=o.value)), id="inbox-tag-names"),
            on_submit=S.add_tag,
            reset_on_submit=False,
            width="100%",
        ),
        rx.divider(),
        rx.text(t("inbox.variables"), size="2", weight="bold"),
        rx.cond(
            S.variables.length() > 0,
            rx.data_list.root(rx.foreach(S.variables, _variable), orientation="vertical", size="1"),
            rx.text(t("inbox.no_variables"), size="1", color_scheme="gray"),
        ),
        forget_section(),
        spacing="2",
        align="start",
        width="100%",
        padding="12px",
        data_testid="chat-info",
    )


def _actions() -> rx.Component:
    return rx.flex(
        rx.cond(
            S.can_pick | S.can_take,
            rx.button(rx.icon("hand", size=14), t("inbox.pick"), size="1", on_click=S.pick, data_testid="chat-pick"),
        ),
        rx.cond(
            S.can_transfer,
            rx.button(
                rx.icon("arrow-right-left", size=14),
                t("inbox.transfer"),
                size="1",
                variant="soft",
                on_click=S.set_transfer_open(True),
                data_testid="chat-transfer",
            ),
        ),
        rx.cond(
            S.can_close,
            rx.button(
                rx.icon("circle-check", size=14),
                t("inbox.close"),
                size="1",
                variant="soft",
                color_scheme="grass",
                on_click=S.set_close_open(True),
                data_testid="chat-close",
            ),
        ),
        rx.cond(
            S.can_archive,
            rx.button(
                rx.icon("archive", size=14),
                t("inbox.archive"),
                size="1",
                variant="soft",
                color_scheme="gray",
                on_click=S.archive,
                data_testid="chat-archive",
            ),
        ),
        rx.select.root(
            rx.select.trigger(aria_label="priority", data_testid="chat-priority"),
            rx.select.content(*[rx.select.item(t(f"inbox.priority_{p}"), value=p) for p in PRIORITIES]),
            value=S.priority,
            on_change=S.set_priority,
            size="1",
        ),
        gap="6px",
        wrap="wrap",
        align="center",
    )


def _chat_header() -> rx.Component:
    return rx.flex(
        rx.icon_button(
            rx.icon("arrow-left", size=16),
            variant="ghost",
            on_click=S.back_to_list,
            class_name="fs-back",
            aria_label="back",
            data_testid="chat-back",
        ),
        rx.vstack(
            rx.text(S.contact_name, weight="bold", size="3", data_testid="chat-contact"),
            rx.hstack(
                rx.badge(tr("status", S.status), size="1", data_testid="chat-status"),
                rx.cond(S.inactive, inactive_badge("chat-inactive")),
                rx.badge(
                    rx.match(
                        S.owner_type,
                        ("bot", rx.icon("bot", size=10)),
                        ("queue", rx.icon("users", size=10)),
                        rx.icon("headset", size=10),
                    ),
                    S.owner_label,
                    size="1",
                    variant="outline",
                    data_testid="chat-owner",
                ),
                spacing="1",
                wrap="wrap",
            ),
            spacing="0",
            align="start",
            min_width="0",
        ),
        rx.spacer(),
        _actions(),
        rx.icon_button(
            rx.icon("contact", size=16),
            variant=rx.cond(S.show_info, "solid", "soft"),
            size="2",
            on_click=S.toggle_info,
            class_name="fs-info-toggle",
            aria_label="contact",
            data_testid="chat-info-toggle",
        ),
        gap="8px",
        align="center",
        wrap="wrap",
        padding="10px 12px",
        width="100%",
        border_bottom=f"1px solid {rx.color('gray', 5)}",
    )


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


def _composer() -> rx.Component:
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


def chat_pane() -> rx.Component:
    """The open conversation (or a hint to open one)."""
    return rx.cond(
        S.selected_id > 0,
        rx.flex(
            _chat_header(),
            rx.cond(
                S.show_info,
                rx.box(
                    info_panel(),
                    class_name="fs-info-inline",
                    border_bottom=f"1px solid {rx.color('gray', 5)}",
                    max_height="45%",
                    overflow_y="auto",
                    width="100%",
                ),
            ),
            rx.auto_scroll(
                rx.vstack(rx.foreach(S.messages, bubble), spacing="2", width="100%", padding="12px"),
                id="inbox-messages",
                flex="1",
                min_height="0",
                width="100%",
                data_testid="chat-messages",
            ),
            _composer(),
            direction="column",
            height="100%",
            width="100%",
        ),
        rx.center(
            rx.vstack(
                rx.icon("messages-square", size=40, color=rx.color("gray", 8)),
                rx.text(t("inbox.pick_conversation"), color_scheme="gray"),
                align="center",
            ),
            height="100%",
            width="100%",
        ),
    )
