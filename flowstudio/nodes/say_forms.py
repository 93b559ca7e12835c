"""Inspector forms of the kinds that say something: message, buttons, carousel, media."""

from __future__ import annotations

from collections.abc import Callable

import reflex as rx

from flowstudio.components.layout import t
from flowstudio.pages.editor.inspector_state import InspectorState
from flowstudio.pages.editor.state import EditorState
from flowstudio.pages.editor.widgets import (
    DEBOUNCE_MS,
    choice,
    label,
    text_area,
    text_input,
    variables_bar,
)


def _buttons_editor() -> rx.Component:
    def row(button: rx.Var, index: rx.Var) -> rx.Component:
        return rx.hstack(
            rx.input(
                value=button["label"].to(str),
                on_change=lambda v: EditorState.set_field("buttons." + index.to_string() + ".label", v),
                debounce_timeout=DEBOUNCE_MS,
                flex="1",
                color_scheme=rx.cond(button["too_long"].to(bool), "red", "gray"),
                data_testid="button-label",
            ),
            rx.text(
                button["length"].to_string() + "/20",
                size="1",
                color=rx.cond(button["too_long"].to(bool), rx.color("red", 11), rx.color("gray", 10)),
            ),
            rx.icon_button(
                rx.icon("x", size=14),
                size="1",
                variant="ghost",
                color_scheme="gray",
                on_click=EditorState.remove_item("buttons", index),
            ),
            width="100%",
            align="center",
        )

    return rx.vstack(
        label("editor.buttons"),
        rx.foreach(InspectorState.selected_buttons, row),
        rx.button(
            rx.icon("plus", size=14),
            t("editor.add_button"),
            size="1",
            variant="soft",
            on_click=EditorState.add_item("buttons"),
            disabled=InspectorState.selected_buttons.length() >= 10,
            data_testid="add-button",
        ),
        rx.cond(
            InspectorState.selected_buttons.length() >= 10,
            rx.text(t("editor.button_limit"), size="1", color_scheme="amber"),
        ),
        spacing="1",
        width="100%",
    )


def _cards_editor() -> rx.Component:
    def card(item: rx.Var, index: rx.Var) -> rx.Component:
        base = "cards." + index.to_string()
        return rx.card(
            rx.vstack(
                rx.hstack(
                    rx.input(
                        value=item["title"].to(str),
                        placeholder=t("editor.card_title"),
                        flex="1",
                        on_change=lambda v: EditorState.set_field(base + ".title", v),
                        debounce_timeout=DEBOUNCE_MS,
                    ),
                    rx.icon_button(
                        rx.icon("x", size=14),
                        size="1",
                        variant="ghost",
                        color_scheme="gray",
                        on_click=EditorState.remove_item("cards", index),
                    ),
                    width="100%",
                ),
                rx.input(
                    value=item["subtitle"].to(str),
                    placeholder=t("editor.card_subtitle"),
                    width="100%",
                    on_change=lambda v: EditorState.set_field(base + ".subtitle", v),
                    debounce_timeout=DEBOUNCE_MS,
                ),
                rx.input(
                    value=item["image"].to(str),
                    placeholder=t("editor.card_image"),
                    width="100%",
                    on_change=lambda v: EditorState.set_field(base + ".image", v),
                    debounce_timeout=DEBOUNCE_MS,
                ),
                rx.input(
                    value=item["button"].to(str),
                    placeholder=t("editor.card_button"),
                    width="100%",
                    on_change=lambda v: EditorState.set_field(base + ".buttons.0.label", v),
                    debounce_timeout=DEBOUNCE_MS,
                ),
                spacing="1",
            ),
            width="100%",
            size="1",
        )

    return rx.vstack(
        label("editor.cards"),
        rx.foreach(InspectorState.selected_cards, card),
        rx.button(
            rx.icon("plus", size=14),
            t("editor.add_card"),
            size="1",
            variant="soft",
            on_click=EditorState.add_item("cards"),
        ),
        spacing="1",
        width="100%",
    )


def message_form() -> rx.Component:
    """The `message` form."""
    return rx.vstack(
        text_area("text", "editor.text", rows="4"),
        variables_bar(),
        text_area("variants", "editor.variants", lines=True, rows="2"),
        text_input("delay_seconds", "editor.delay"),
        spacing="3",
        width="100%",
    )


def buttons_form() -> rx.Component:
    """The `buttons` form."""
    return rx.vstack(text_area("text", "editor.text"), variables_bar(), _buttons_editor(), spacing="3", width="100%")


def carousel_form() -> rx.Component:
    """The `carousel` form."""
    return rx.vstack(text_area("text", "editor.text", rows="2"), _cards_editor(), spacing="3", width="100%")


def media_form() -> rx.Component:
    """The `media` form."""
    return rx.vstack(
        choice("type", "editor.media_type", ["image", "video", "audio", "document", "sticker"]),
        text_input("url", "editor.url"),
        text_input("caption", "editor.caption"),
        spacing="3",
        width="100%",
    )


FORMS: dict[str, Callable[[], rx.Component]] = {
    "message": message_form,
    "buttons": buttons_form,
    "carousel": carousel_form,
    "media": media_form,
}
"""Kind -> its inspector form."""
