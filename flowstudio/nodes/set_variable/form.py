"""The ``set_variable`` kind's inspector form: the variable and its value."""

from __future__ import annotations

import reflex as rx

from flowstudio.pages.editor.widgets import text_input


def form() -> rx.Component:
    """Name and value."""
    return rx.vstack(
        text_input("name", "editor.variable"), text_input("value", "editor.value"), spacing="3", width="100%"
    )
