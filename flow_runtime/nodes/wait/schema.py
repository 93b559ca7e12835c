"""The ``wait`` node's data: a delay, or a pause until the user writes anything."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from flow_runtime.schema.common import NodeBase


class WaitNode(NodeBase):
    """Pauses: ``delay`` emits a delay of ``seconds``; ``input`` waits for any user message."""

    kind: Literal["wait"] = "wait"
    mode: Literal["delay", "input"] = "delay"
    seconds: float = Field(default=0, ge=0, le=86400)
    save_as: str | None = None

    @model_validator(mode="after")
    def _input_waits(self) -> WaitNode:
        if self.mode == "delay" and self.save_as:
            raise ValueError("'save_as' only applies to mode 'input'")
        return self

    def stops_for_input(self) -> bool:
        return self.mode == "input"


MODEL = WaitNode
ORDER = 140
"""Where the kind comes among the kinds (``NODE_KINDS``, the palette within its group): ascending."""
