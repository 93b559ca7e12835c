"""The ``go_to`` node's data: the intent to jump to."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from flow_runtime.schema.common import NodeBase


class GoToNode(NodeBase):
    """Jumps to an intent (by node id or intent name) as if the user had said it."""

    kind: Literal["go_to"] = "go_to"
    intent: str = Field(min_length=1)

    def handles(self) -> tuple[str, ...]:
        return ()


MODEL = GoToNode
ORDER = 130
"""Where the kind comes among the kinds (``NODE_KINDS``, the palette within its group): ascending."""
