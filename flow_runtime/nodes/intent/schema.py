"""The ``intent`` node's data: an intent the NLU recognises, its trigger phrases and conditions."""

from __future__ import annotations

from typing import ClassVar, Literal

from pydantic import Field

from flow_runtime.schema.common import NodeBase, Rule


class IntentNode(NodeBase):
    """An intent the NLU can recognise from the user's text.

    Attributes:
        name: Intent name (unique per flow).
        topic: Id of the topic it belongs to.
        triggers: Example phrases, each at least two words, at most 70.
        conditions: Rules that must hold for the intent to be eligible.
        conditions_match: Whether ``all`` or ``any`` condition must hold.
        suggestion: Short label used when the bot offers it as "did you mean".
    """

    kind: Literal["intent"] = "intent"
    name: str = Field(min_length=1)
    topic: str | None = None
    triggers: list[str] = Field(default_factory=list)
    conditions: list[Rule] = Field(default_factory=list)
    conditions_match: Literal["all", "any"] = "all"
    suggestion: str | None = None
    entry: ClassVar[bool] = True


MODEL = IntentNode
ORDER = 20
"""Where the kind comes among the kinds (``NODE_KINDS``, the palette within its group): ascending."""
