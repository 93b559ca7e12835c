"""The ``start`` kind's inspector form: what a session's first message does."""

from __future__ import annotations

from typing import get_args

import reflex as rx

from flow_runtime.nodes.start.schema import FirstMessage
from flowstudio.components.layout import t
from flowstudio.pages.editor.widgets import choice

FIRST_MESSAGE = list(get_args(FirstMessage))
"""The choices, in the schema's order (the model is the one list)."""


def form() -> rx.Component:
    """The first-message choice and what it means."""
    return rx.vstack(
        choice("first_message", "editor.first_message", FIRST_MESSAGE, label_prefix="first_message."),
        rx.text(t("editor.first_message_hint"), size="1", color_scheme="gray"),
        spacing="3",
        width="100%",
    )
