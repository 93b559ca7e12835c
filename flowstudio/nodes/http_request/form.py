"""The ``http_request`` kind's inspector form: method and URL (headers, body and the response map are edited as
JSON, under "advanced")."""

from __future__ import annotations

from typing import get_args

import reflex as rx

from flow_runtime.nodes.http_request.schema import HttpRequestNode
from flowstudio.pages.editor.widgets import choice, text_input

METHODS = list(get_args(HttpRequestNode.model_fields["method"].annotation))
"""The HTTP methods, in the schema's order (the model is the one list)."""


def form() -> rx.Component:
    """Method and URL."""
    return rx.vstack(
        choice("method", "editor.method", METHODS),
        text_input("url", "editor.url"),
        spacing="3",
        width="100%",
    )
