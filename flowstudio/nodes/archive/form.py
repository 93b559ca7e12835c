"""The ``archive`` kind's inspector form: it has no fields of its own."""

from __future__ import annotations

import reflex as rx

from flowstudio.pages.editor.widgets import no_fields


def form() -> rx.Component:
    """A note that there is nothing to fill in."""
    return no_fields()
