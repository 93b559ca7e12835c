"""Shapes shared by several node kinds: the node base, positions, rules, buttons and media."""

from __future__ import annotations

from typing import Any, ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field

RESERVED_HANDLES = frozenset({"next", "else", "valid", "invalid", "ok", "error", "found", "not_found"})


class StrictModel(BaseModel):
    """Base for every document model: immutable, and unknown fields are an error.

    Typos in a known kind (``buttns``) must not pass silently, so extra fields are
    forbidden. The canvas keeps anything of its own under a node's ``ui`` mapping.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)


class Position(StrictModel):
    """Where the node sits on the canvas."""

    x: float = 0
    y: float = 0


class NodeBase(StrictModel):
    """Fields every node has, whatever its kind.

    Attributes:
        id: Unique node id within the flow; edges refer to it.
        position: Canvas position.
        label: Optional title the designer gave the node.
        note: Optional free-text designer note.
        ui: Free-form canvas data (size, colour, collapsed...); ignored by the engine.
    """

    id: str = Field(min_length=1)
    position: Position = Position()
    label: str | None = None
    note: str | None = None
    ui: dict[str, Any] = Field(default_factory=dict)

    waits: ClassVar[bool] = False
    """True for kinds that stop the walk to wait for the user."""
    entry: ClassVar[bool] = False
    """True for kinds a conversation can begin at (start, intent, fallback, event)."""

    def handles(self) -> tuple[str, ...]:
        """The source handles edges may leave this node from."""
        return ("next",)

    def stops_for_input(self) -> bool:
        """Whether running this node ends the walk until the user answers."""
        return self.waits


class Rule(StrictModel):
    """One comparison used by conditions and intent trigger conditions.

    Attributes:
        source: What is compared: a variable, a tag, a constant, the channel, the
            language, a contact field, the weekday or the time of day.
        name: Variable/tag/constant/contact field name (unused for channel, weekday, time).
        op: The comparison.
        value: The right-hand side (templated when it is a string).
    """

    source: Literal["variable", "tag", "constant", "contact", "channel", "language", "weekday", "time"] = "variable"
    name: str | None = None
    op: Literal[
        "eq",
        "ne",
        "contains",
        "not_contains",
        "starts_with",
        "gt",
        "gte",
        "lt",
        "lte",
        "exists",
        "not_exists",
        "in",
        "not_in",
        "matches",
        "between",
    ] = "eq"
    value: Any = None


class Button(StrictModel):
    """A reply button; its id is the handle edges leave from."""

    id: str = Field(min_length=1)
    label: str


class CardButton(Button):
    """A carousel card button; with ``url`` it opens a link and needs no edge."""

    url: str | None = None


class Media(StrictModel):
    """An attachment: image, video, audio, document or sticker at a URL."""

    type: Literal["image", "video", "audio", "document", "sticker"] = "image"
    url: str = Field(min_length=1)
    filename: str | None = None
