"""Sessions and inbound events: plain data that round-trips through JSON."""

from __future__ import annotations

import json
from dataclasses import dataclass, field, fields
from typing import Any, Literal

EventType = Literal["text", "click", "location", "image", "document", "audio", "video", "inactivity"]


@dataclass(slots=True)
class Session:
    """One conversation's runtime state. Treat as a value: ``step`` never mutates its input.

    Attributes:
        id: Conversation id (set by the caller).
        flow_version: Version of the published flow the session runs on.
        language: Conversation language (``pt``, ``es``, ``en``).
        channel: Channel name (``whatsapp``, ``webchat``, ``emulator``...), usable in conditions.
        variables: Conversation variables.
        tags: Contact tags, sorted.
        contact: Contact fields readable as ``${contact.name}``.
        cursor: Id of the node waiting for the user, if any.
        retries: Invalid answers given to the waiting node so far.
        menu: The last menu (buttons or carousel) that waited, if nothing has waited since:
            a typed label of it is still taken after the walk moved past it, as a click is.
        owner_kind: ``bot`` (this flow), ``queue``, ``agent`` or ``other_bot``.
        owner_id: Queue/agent/bot id when not owned by this bot.
        status: ``new``, ``active`` or ``archived``.
        muted: Whether a ``mute_bot`` node silenced the bot.
        muted_until: Epoch seconds when the mute lapses (``None`` = until unmuted by the app).
        topic: Topic of the last matched intent (for the related-topic fallback).
        intent: Last matched intent node id.
        last_text: The last text the user typed (``${last_message}``).
        turns: Number of events processed.
        version: Optimistic-concurrency counter, bumped by the session stores on save.
    """

    id: str = ""
    flow_version: str | int | None = None
    language: str = "pt"
    channel: str = "emulator"
    variables: dict[str, Any] = field(default_factory=dict)
    tags: list[str] = field(default_factory=list)
    contact: dict[str, Any] = field(default_factory=dict)
    cursor: str | None = None
    retries: int = 0
    menu: str | None = None
    owner_kind: str = "bot"
    owner_id: str | None = None
    status: str = "new"
    muted: bool = False
    muted_until: float | None = None
    topic: str | None = None
    intent: str | None = None
    last_text: str | None = None
    turns: int = 0
    version: int = 0

    def copy(self) -> Session:
        """A working copy whose containers can be changed without touching this one."""
        clone = Session.__new__(Session)
        for name in _FIELD_NAMES:
            setattr(clone, name, getattr(self, name))
        clone.variables = dict(self.variables)
        clone.tags = list(self.tags)
        clone.contact = dict(self.contact)
        return clone

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready data (top-level containers copied; values are JSON data)."""
        data = {name: getattr(self, name) for name in _FIELD_NAMES}
        data["variables"] = dict(self.variables)
        data["tags"] = list(self.tags)
        data["contact"] = dict(self.contact)
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Session:
        """Rebuild a session; unknown keys (from newer runtimes) are ignored."""
        return cls(**{k: v for k, v in data.items() if k in _FIELD_NAMES})

    def to_json(self) -> str:
        """Serialise to a JSON string."""
        return json.dumps(self.to_dict(), ensure_ascii=False, separators=(",", ":"))

    @classmethod
    def from_json(cls, text: str | bytes) -> Session:
        """Parse a session serialised with :meth:`to_json`."""
        return cls.from_dict(json.loads(text))


_FIELD_NAMES = tuple(f.name for f in fields(Session))


def new_session(*, id: str = "", language: str = "pt", channel: str = "emulator", **values: Any) -> Session:
    """Create a fresh session that will start at the flow's ``start`` node."""
    return Session(id=id, language=language, channel=channel, **values)


@dataclass(frozen=True, slots=True)
class Event:
    """Something the user (or the platform) did.

    Attributes:
        type: ``text``, ``click`` (a button id), ``location``, a media type, or ``inactivity``.
        text: The typed text, or the clicked button id.
        data: Extra payload: ``lat``/``lng`` for location, ``url`` for media, ``minutes`` for inactivity.
    """

    type: EventType = "text"
    text: str = ""
    data: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def message(cls, text: str) -> Event:
        """The user typed ``text``."""
        return cls("text", text)

    @classmethod
    def click(cls, button_id: str) -> Event:
        """The user pressed the button (or card button) ``button_id``."""
        return cls("click", button_id)

    @classmethod
    def location(cls, lat: float, lng: float) -> Event:
        """The user shared a location."""
        return cls("location", "", {"lat": lat, "lng": lng})

    @classmethod
    def media(cls, media_type: str, url: str) -> Event:
        """The user sent an image, document, audio or video."""
        return cls(media_type, "", {"url": url})  # type: ignore[arg-type]

    @classmethod
    def inactivity(cls, minutes: int) -> Event:
        """The user has been silent for ``minutes``."""
        return cls("inactivity", "", {"minutes": minutes})

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready data."""
        return {"type": self.type, "text": self.text, "data": dict(self.data)}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Event:
        """Rebuild an event from :meth:`to_dict` output."""
        return cls(data.get("type", "text"), data.get("text", ""), dict(data.get("data") or {}))
