"""The ``condition`` node's data: branches of rules, one exit per branch plus ``else``."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from flow_runtime.schema.common import NodeBase, Rule, StrictModel


class Branch(StrictModel):
    """One condition branch; its id is the handle its edge leaves from."""

    id: str = Field(min_length=1)
    label: str | None = None
    match: Literal["all", "any"] = "all"
    rules: list[Rule] = Field(default_factory=list)


class ConditionNode(NodeBase):
    """Takes the first branch whose rules hold, else the ``else`` handle."""

    kind: Literal["condition"] = "condition"
    branches: list[Branch] = Field(default_factory=list)

    def handles(self) -> tuple[str, ...]:
        return (*(b.id for b in self.branches), "else")


MODEL = ConditionNode
ORDER = 100
"""Where the kind comes among the kinds (``NODE_KINDS``, the palette within its group): ascending."""
