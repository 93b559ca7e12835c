"""Node kinds that say something: message, buttons, carousel, media (``template`` is in ``flow_runtime/nodes/template``)."""

from __future__ import annotations

from typing import ClassVar, Literal

from pydantic import Field

from flow_runtime.schema.common import Button, CardButton, Media, NodeBase, StrictModel


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


class ButtonsNode(NodeBase):
    """A question with reply buttons; waits for a click or a typed label."""

    kind: Literal["buttons"] = "buttons"
    text: str = ""
    buttons: list[Button] = Field(default_factory=list)
    waits: ClassVar[bool] = True

    def handles(self) -> tuple[str, ...]:
        return tuple(b.id for b in self.buttons)


class Card(StrictModel):
    """One carousel card with its own id and buttons."""

    id: str = Field(min_length=1)
    title: str
    subtitle: str | None = None
    image: str | None = None
    buttons: list[CardButton] = Field(default_factory=list)


class CarouselNode(NodeBase):
    """A row of cards; waits for a click on a card button."""

    kind: Literal["carousel"] = "carousel"
    text: str | None = None
    cards: list[Card] = Field(default_factory=list)
    waits: ClassVar[bool] = True

    def handles(self) -> tuple[str, ...]:
        return tuple(b.id for c in self.cards for b in c.buttons if b.url is None)


class MediaNode(NodeBase):
    """Sends one attachment."""

    kind: Literal["media"] = "media"
    type: Literal["image", "video", "audio", "document", "sticker"] = "image"
    url: str = Field(min_length=1)
    filename: str | None = None
    caption: str | None = None
