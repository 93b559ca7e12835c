"""The chat pane: the conversation's history (bubbles.py), its actions, the message box (composer.py); the contact's
details beside it (info.py)."""

from __future__ import annotations

import reflex as rx

from flowstudio.components.layout import t
from flowstudio.pages.inbox.bubbles import bubble, tr
from flowstudio.pages.inbox.composer import composer
from flowstudio.pages.inbox.info import info_panel
from flowstudio.pages.inbox.state import InboxState
from flowstudio.pages.inbox.types import inactive_badge

__all__ = ["PRIORITIES", "chat_pane", "info_panel", "tr"]

S = InboxState


PRIORITIES = ("low", "normal", "high", "urgent")


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
            composer(),
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
