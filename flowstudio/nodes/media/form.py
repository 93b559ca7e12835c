"""The ``media`` kind's inspector form: the attachment's type, URL and caption."""

from __future__ import annotations

from typing import get_args

import reflex as rx

from flow_runtime.nodes.media.schema import MediaNode
from flowstudio.pages.editor.widgets import choice, text_input

MEDIA_TYPES = list(get_args(MediaNode.model_fields["type"].annotation))
"""The attachment types, in the schema's order (the model is the one list)."""


def form() -> rx.Component:
    """Type, URL and caption."""
    return rx.vstack(
        choice("type", "editor.media_type", MEDIA_TYPES),
        text_input("url", "editor.url"),
        text_input("caption", "editor.caption"),
        spacing="3",
        width="100%",
    )
