"""The ``archive`` node's data: none besides the common fields."""

from __future__ import annotations

from typing import Literal

from flow_runtime.schema.common import NodeBase


class ArchiveNode(NodeBase):
    """Archives the conversation and ends the walk."""

    kind: Literal["archive"] = "archive"

    def handles(self) -> tuple[str, ...]:
        return ()


MODEL = ArchiveNode
ORDER = 230
"""Where the kind comes among the kinds (``NODE_KINDS``, the palette within its group): ascending."""
