"""The ``carousel`` node's data: cards, each with its buttons."""

from __future__ import annotations

from typing import ClassVar, Literal

from pydantic import Field

from flow_runtime.schema.common import CardButton, NodeBase, StrictModel


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


MODEL = CarouselNode
ORDER = 70
"""Where the kind comes among the kinds (``NODE_KINDS``, the palette within its group): ascending."""
