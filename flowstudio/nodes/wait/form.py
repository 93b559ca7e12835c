"""The ``wait`` kind's inspector form: a delay or a pause for input, and the seconds."""

from __future__ import annotations

from typing import get_args

import reflex as rx

from flow_runtime.nodes.wait.schema import WaitNode
from flowstudio.pages.editor.widgets import choice, text_input

MODES = list(get_args(WaitNode.model_fields["mode"].annotation))
"""``delay`` and ``input``, in the schema's order (the model is the one list)."""


def form() -> rx.Component:
    """Mode and seconds."""
    return rx.vstack(
        choice("mode", "editor.wait_mode", MODES),
        text_input("seconds", "editor.seconds"),
        spacing="3",
        width="100%",
    )
