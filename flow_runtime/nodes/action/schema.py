"""The ``action`` node's data: a reusable workspace action and its parameters."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field

from flow_runtime.schema.common import NodeBase


class ActionNode(NodeBase):
    """A reusable workspace action (``ActionDefinition`` in ``flow_runtime.ports``) with its parameters.

    Attributes:
        action: The definition's key.
        params: Parameter values; strings may hold ``${...}`` placeholders (rendered, then
            checked against the parameter's type when the node runs).
        outcomes: The definition's outcomes, copied when the node is placed so its exits are
            known without the catalog.
    """

    kind: Literal["action"] = "action"
    action: str = ""
    params: dict[str, Any] = Field(default_factory=dict)
    outcomes: list[str] = Field(default_factory=list)

    def handles(self) -> tuple[str, ...]:
        return ("ok", "error", *self.outcomes)


MODEL = ActionNode
ORDER = 170
"""Where the kind comes among the kinds (``NODE_KINDS``, the palette within its group): ascending."""
