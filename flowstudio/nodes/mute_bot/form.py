"""The ``mute_bot`` kind's inspector form: the minutes (empty: until unmuted)."""

from __future__ import annotations

import reflex as rx

from flowstudio.pages.editor.widgets import text_input


def form() -> rx.Component:
    """The minutes."""
    return text_input("minutes", "editor.minutes")
