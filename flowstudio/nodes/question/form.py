"""The ``question`` kind's inspector form: the question, the input type with its own limits, the variable, the
retry text and how many retries."""

from __future__ import annotations

import reflex as rx

from flowstudio.pages.editor.inspector_state import InspectorState
from flowstudio.pages.editor.widgets import choice, text_area, text_input, variables_bar

INPUT_TYPES = [
    "text",
    "number",
    "email",
    "phone",
    "date",
    "cpf",
    "cnpj",
    "cpf_cnpj",
    "cep",
    "location",
    "choice",
    "entity",
]


def form() -> rx.Component:
    """Text, variables, input type (number: min/max; text: lengths; choice: options; entity: the list), then
    where to save, the retry text and the retries."""
    return rx.vstack(
        text_area("text", "editor.text", testid="field-text"),
        variables_bar(),
        choice("input.type", "editor.input_type", INPUT_TYPES, label_prefix="answer."),
        rx.cond(
            InspectorState.form["input.type"] == "number",
            rx.hstack(text_input("input.min", "editor.min"), text_input("input.max", "editor.max"), width="100%"),
        ),
        rx.cond(
            InspectorState.form["input.type"] == "text",
            rx.hstack(
                text_input("input.min_length", "editor.min_length"),
                text_input("input.max_length", "editor.max_length"),
                width="100%",
            ),
        ),
        rx.cond(
            InspectorState.form["input.type"] == "choice", text_area("input.options", "editor.options", lines=True)
        ),
        rx.cond(InspectorState.form["input.type"] == "entity", text_input("input.entity", "editor.entity")),
        text_input("save_as", "editor.save_as"),
        text_area("retry_text", "editor.retry_text", rows="2"),
        text_input("max_retries", "editor.max_retries"),
        spacing="3",
        width="100%",
    )
