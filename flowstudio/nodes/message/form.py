"""The ``message`` kind's inspector form: text with the variable chips, variants (one per line) and the delay."""

from __future__ import annotations

import reflex as rx

from flowstudio.pages.editor.widgets import text_area, text_input, variables_bar


def form() -> rx.Component:
    """Text, variables, variants and delay."""
    return rx.vstack(
        text_area("text", "editor.text", rows="4"),
        variables_bar(),
        text_area("variants", "editor.variants", lines=True, rows="2"),
        text_input("delay_seconds", "editor.delay"),
        spacing="3",
        width="100%",
    )
