"""The ``fallback`` node's data: where a conversation goes when nothing was understood."""

from __future__ import annotations

from typing import ClassVar, Literal

from flow_runtime.schema.common import NodeBase


class FallbackNode(NodeBase):
    """Runs when nothing was understood. Exactly one per flow."""

    kind: Literal["fallback"] = "fallback"
    entry: ClassVar[bool] = True


MODEL = FallbackNode
ORDER = 30
"""Where the kind comes among the kinds (``NODE_KINDS``, the palette within its group): ascending."""
