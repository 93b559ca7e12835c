"""What a node decides: the few frozen results a node's ``run`` may return."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from flow_runtime.outputs import Output

_EMPTY: Mapping[str, Any] = MappingProxyType({})


@dataclass(frozen=True, slots=True)
class Updates:
    """Changes to apply to the session.

    Attributes:
        variables: Variables to set (replacing the previous value).
        add_tags: Tags to add.
        remove_tags: Tags to remove.
        session: Other session fields to set (``muted_until``, ``status``...).
    """

    variables: Mapping[str, Any] = field(default_factory=lambda: _EMPTY)
    add_tags: tuple[str, ...] = ()
    remove_tags: tuple[str, ...] = ()
    session: Mapping[str, Any] = field(default_factory=lambda: _EMPTY)


NO_UPDATES = Updates()


@dataclass(frozen=True, slots=True)
class Continue:
    """Follow the edge leaving ``handle``; the path ends if nothing is connected."""

    handle: str = "next"
    outputs: tuple[Output, ...] = ()
    updates: Updates = NO_UPDATES


@dataclass(frozen=True, slots=True)
class Wait:
    """Stop here until the user answers; ``retries`` is the count of invalid answers so far."""

    outputs: tuple[Output, ...] = ()
    updates: Updates = NO_UPDATES
    retries: int = 0


@dataclass(frozen=True, slots=True)
class GoTo:
    """Jump to another node (an intent) without an edge."""

    target: str
    outputs: tuple[Output, ...] = ()
    updates: Updates = NO_UPDATES


@dataclass(frozen=True, slots=True)
class Handoff:
    """Give the conversation to a queue, an agent or another bot; the walk stops."""

    owner_kind: str
    owner_id: str
    outputs: tuple[Output, ...] = ()
    updates: Updates = NO_UPDATES


@dataclass(frozen=True, slots=True)
class End:
    """Stop the walk; the next message is matched against intents again."""

    outputs: tuple[Output, ...] = ()
    updates: Updates = NO_UPDATES


Step = Continue | Wait | GoTo | Handoff | End


@dataclass(frozen=True, slots=True)
class NotForMe:
    """Returned by a waiting node's ``resume`` when the event is not an answer to it."""

    reason: str = field(default="")
