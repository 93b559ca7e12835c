"""The ``go_to`` kind's inspector form: the intent to jump to (its name or node id)."""

from __future__ import annotations

import reflex as rx

from flowstudio.pages.editor.widgets import text_input


def form() -> rx.Component:
    """The intent."""
    return text_input("intent", "editor.go_to_intent")
