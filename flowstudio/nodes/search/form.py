"""The ``search`` kind's inspector form: where to search and the query."""

from __future__ import annotations

from typing import get_args

import reflex as rx

from flow_runtime.nodes.search.schema import SearchNode
from flowstudio.pages.editor.widgets import choice, text_input

SOURCES = list(get_args(SearchNode.model_fields["source"].annotation))
"""``knowledge`` and ``site``, in the schema's order (the model is the one list)."""


def form() -> rx.Component:
    """Source and query."""
    return rx.vstack(
        choice("source", "editor.search_source", SOURCES),
        text_input("query", "editor.query"),
        spacing="3",
        width="100%",
    )
