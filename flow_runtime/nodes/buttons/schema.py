"""The ``buttons`` node's data: a text with reply buttons, one exit per button."""

from __future__ import annotations

from typing import ClassVar, Literal

from pydantic import Field

from flow_runtime.schema.common import Button, NodeBase


class ButtonsNode(NodeBase):
    """A question with reply buttons; waits for a click or a typed label."""

    kind: Literal["buttons"] = "buttons"
    text: str = ""
    buttons: list[Button] = Field(default_factory=list)
    waits: ClassVar[bool] = True

    def handles(self) -> tuple[str, ...]:
        return tuple(b.id for b in self.buttons)


MODEL = ButtonsNode
ORDER = 60
"""Where the kind comes among the kinds (``NODE_KINDS``, the palette within its group): ascending."""
