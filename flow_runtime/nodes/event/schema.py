"""The ``event`` node's data: inactivity, or a media or location received."""

from __future__ import annotations

from typing import ClassVar, Literal

from pydantic import Field, model_validator

from flow_runtime.schema.common import NodeBase

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


MODEL = EventNode
ORDER = 40
"""Where the kind comes among the kinds (``NODE_KINDS``, the palette within its group): ascending."""
