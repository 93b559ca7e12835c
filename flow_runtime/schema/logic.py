"""Logic node kinds: condition, set_variable, tag, go_to, wait."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field, model_validator

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


class SetVariableNode(NodeBase):
    """Sets a variable; string values are templated (``"${x}"`` alone keeps x's type)."""

    kind: Literal["set_variable"] = "set_variable"
    name: str = Field(min_length=1)
    value: Any = None


class TagNode(NodeBase):
    """Adds and removes contact tags."""

    kind: Literal["tag"] = "tag"
    add: list[str] = Field(default_factory=list)
    remove: list[str] = Field(default_factory=list)


class GoToNode(NodeBase):
    """Jumps to an intent (by node id or intent name) as if the user had said it."""

    kind: Literal["go_to"] = "go_to"
    intent: str = Field(min_length=1)

    def handles(self) -> tuple[str, ...]:
        return ()


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
