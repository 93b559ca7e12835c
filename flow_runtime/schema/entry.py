"""Entry node kinds: where a conversation or a topic begins."""

from __future__ import annotations

from typing import ClassVar, Literal

from pydantic import Field, model_validator

from flow_runtime.schema.common import NodeBase, Rule

FirstMessage = Literal["match", "start"]


class StartNode(NodeBase):
    """The initial message: where a new session begins. Exactly one per flow.

    Attributes:
        first_message: What a session's first message does. ``match``: it is matched
            against the intents like any other message, and the start path runs only when
            no intent is taken (so "quero falar com um atendente" hands off at once).
            ``start``: the start path always runs first, whatever the message says.
            Documents written before the option existed load with the default, ``match``.
    """

    kind: Literal["start"] = "start"
    first_message: FirstMessage = "match"
    entry: ClassVar[bool] = True


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


class FallbackNode(NodeBase):
    """Runs when nothing was understood. Exactly one per flow."""

    kind: Literal["fallback"] = "fallback"
    entry: ClassVar[bool] = True


EventType = Literal["inactivity", "image", "document", "audio", "video", "location"]


class EventNode(NodeBase):
    """Runs on a non-text event: inactivity for ``minutes`` or a media/location received."""

    kind: Literal["event"] = "event"
    event: EventType
    minutes: int | None = Field(default=None, ge=1)
    entry: ClassVar[bool] = True

    @model_validator(mode="after")
    def _minutes_for_inactivity(self) -> EventNode:
        if self.event == "inactivity" and self.minutes is None:
            raise ValueError("an inactivity event needs 'minutes'")
        return self
