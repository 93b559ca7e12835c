"""The ``carousel`` kind's inspector form: the text, then the cards (title, subtitle, image, first button)."""

from __future__ import annotations

import reflex as rx

from flowstudio.components.layout import t
from flowstudio.pages.editor.inspector_state import InspectorState
from flowstudio.pages.editor.state import EditorState
from flowstudio.pages.editor.widgets import DEBOUNCE_MS, label, text_area


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


def form() -> rx.Component:
    """Text and the cards' editor."""
    return rx.vstack(text_area("text", "editor.text", rows="2"), _cards_editor(), spacing="3", width="100%")
