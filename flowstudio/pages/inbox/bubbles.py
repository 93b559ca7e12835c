"""The chat pane's messages: who wrote each, its body (text, buttons, cards, media, template), the edited mark."""

from __future__ import annotations

import reflex as rx

from flowstudio.components.layout import t
from flowstudio.pages.inbox.items import ChatMessage
from flowstudio.state.session import SessionState


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
