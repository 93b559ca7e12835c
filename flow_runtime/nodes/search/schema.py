"""The ``search`` node's data: what to search, where, and what to do with the hits."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from flow_runtime.schema.common import NodeBase


class SearchNode(NodeBase):
    """Searches a site or the knowledge base; ``found`` or ``not_found``."""

    kind: Literal["search"] = "search"
    source: Literal["knowledge", "site"] = "knowledge"
    site: str | None = None
    query: str = "${last_message}"
    max_results: int = Field(default=3, ge=1, le=10)
    save_as: str | None = None
    reply: bool = True

    def handles(self) -> tuple[str, ...]:
        return ("found", "not_found")


MODEL = SearchNode
ORDER = 200
"""Where the kind comes among the kinds (``NODE_KINDS``, the palette within its group): ascending."""
