"""The ``tag`` node's data: contact tags to add and to remove."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from flow_runtime.schema.common import NodeBase


class TagNode(NodeBase):
    """Adds and removes contact tags."""

    kind: Literal["tag"] = "tag"
    add: list[str] = Field(default_factory=list)
    remove: list[str] = Field(default_factory=list)


MODEL = TagNode
ORDER = 120
"""Where the kind comes among the kinds (``NODE_KINDS``, the palette within its group): ascending."""
