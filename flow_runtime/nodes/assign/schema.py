"""The ``assign`` node's data: the queue, agent or bot the conversation is handed to."""

from __future__ import annotations

from typing import Literal

from pydantic import model_validator

from flow_runtime.schema.common import NodeBase, StrictModel


class AssignTarget(StrictModel):
    """Exactly one of a queue, an agent or another bot."""

    queue: str | None = None
    agent: str | None = None
    bot: str | None = None

    @model_validator(mode="after")
    def _exactly_one(self) -> AssignTarget:
        if sum(v is not None for v in (self.queue, self.agent, self.bot)) != 1:
            raise ValueError("assign 'to' needs exactly one of queue, agent or bot")
        return self


class AssignNode(NodeBase):
    """Hands the conversation to a queue, an agent or another bot; the walk stops."""

    kind: Literal["assign"] = "assign"
    to: AssignTarget

    def handles(self) -> tuple[str, ...]:
        return ()


MODEL = AssignNode
ORDER = 210
"""Where the kind comes among the kinds (``NODE_KINDS``, the palette within its group): ascending."""
