"""The ``message`` node's data: a templated text, its variants, an optional attachment and delay."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from flow_runtime.schema.common import Media, NodeBase


class MessageNode(NodeBase):
    """A text message with ``${var}`` templating, optional media and a delay before it.

    ``variants`` are alternative wordings; one of ``text`` and the variants is picked at
    random (through the random port) each time.
    """

    kind: Literal["message"] = "message"
    text: str = ""
    variants: list[str] = Field(default_factory=list)
    media: Media | None = None
    delay_seconds: float = Field(default=0, ge=0, le=300)


MODEL = MessageNode
ORDER = 50
"""Where the kind comes among the kinds (``NODE_KINDS``, the palette within its group): ascending."""
