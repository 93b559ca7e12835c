"""The ``event`` kind's inspector form: which event, and the minutes of inactivity."""

from __future__ import annotations

from typing import get_args

import reflex as rx

from flow_runtime.nodes.event.schema import EventType
from flowstudio.pages.editor.widgets import choice, text_input

EVENTS = list(get_args(EventType))
"""The events, in the schema's order (the model is the one list)."""


def form() -> rx.Component:
    """The event and, for inactivity, after how many minutes."""
    return rx.vstack(
        choice("event", "editor.event", EVENTS),
        text_input("minutes", "editor.minutes"),
        spacing="3",
        width="100%",
    )
