"""The ``end`` node's data: none besides the common fields."""

from __future__ import annotations

from typing import Literal

from flow_runtime.schema.common import NodeBase


class EndNode(NodeBase):
    """Ends the current path explicitly."""

    kind: Literal["end"] = "end"

    def handles(self) -> tuple[str, ...]:
        return ()


MODEL = EndNode
ORDER = 240
"""Where the kind comes among the kinds (``NODE_KINDS``, the palette within its group): ascending."""
