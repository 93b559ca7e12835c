"""The ``buttons`` kind's inspector form: the text, then the buttons (at most 10, labels of at most 20 characters)."""

from __future__ import annotations

import reflex as rx

from flowstudio.components.layout import t
from flowstudio.pages.editor.inspector_state import InspectorState
from flowstudio.pages.editor.state import EditorState
from flowstudio.pages.editor.widgets import DEBOUNCE_MS, label, text_area, variables_bar


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


def form() -> rx.Component:
    """Text, variables and the buttons' editor."""
    return rx.vstack(text_area("text", "editor.text"), variables_bar(), _buttons_editor(), spacing="3", width="100%")
