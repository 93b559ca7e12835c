"""The ``tag`` kind's inspector form: tags to add and to remove, one per line."""

from __future__ import annotations

import reflex as rx

from flowstudio.pages.editor.widgets import text_area


def form() -> rx.Component:
    """The two lists."""
    return rx.vstack(
        text_area("tags_add", "editor.tags_add", lines=True, rows="2"),
        text_area("tags_remove", "editor.tags_remove", lines=True, rows="2"),
        spacing="3",
        width="100%",
    )
