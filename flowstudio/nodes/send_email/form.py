"""The ``send_email`` kind's inspector form: recipient, subject and body."""

from __future__ import annotations

import reflex as rx

from flowstudio.pages.editor.widgets import text_area, text_input


def form() -> rx.Component:
    """To, subject and body."""
    return rx.vstack(
        text_input("to", "editor.email_to"),
        text_input("subject", "editor.subject"),
        text_area("body", "editor.body", rows="5"),
        spacing="3",
        width="100%",
    )
