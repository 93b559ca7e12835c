"""A queue as the queues page lists it, and the choices its dialog offers (no Reflex state here)."""

from __future__ import annotations

from dataclasses import dataclass, field

from flowstudio.models import AssignmentStrategy
from flowstudio.pages.admin_forms import (
    hours_to_rows,
    seconds_to_minutes,
)
from flowstudio.services.assignment import queues as queue_service

STRATEGIES = tuple(s.value for s in AssignmentStrategy)


TIMEZONES = (
    "America/Sao_Paulo",
    "America/Manaus",
    "America/Argentina/Buenos_Aires",
    "America/Mexico_City",
    "America/Bogota",
    "America/Santiago",
    "America/New_York",
    "Europe/Madrid",
    "Europe/Lisbon",
    "Europe/Paris",
    "UTC",
)


@dataclass
class DayHours:
    """A weekday's opening hours as the list shows them."""

    day: str
    spans: str


@dataclass
class QueueRow:
    """One queue in the list."""

    id: int
    key: str
    name: str
    is_default: bool
    strategy: str
    always_open: bool
    timezone: str
    days: list[DayHours] = field(default_factory=list)
    max_wait: str = ""
    agents: list[str] = field(default_factory=list)
    csat_enabled: bool = False
    return_to_bot: bool = True


@dataclass
class Member:
    """A workspace member who may serve a queue."""

    value: str
    label: str


def queue_row(view: queue_service.QueueView, names: dict[int, str]) -> QueueRow:
    """A queue's settings as the list shows them (open days only)."""
    always_open, zone, rows = hours_to_rows(view.business_hours)
    return QueueRow(
        id=view.id,
        key=view.key,
        name=view.name,
        is_default=view.is_default,
        strategy=view.strategy,
        always_open=always_open,
        timezone=zone,
        days=[DayHours(day=row["day"], spans=row["spans"]) for row in rows if row["open"]],
        max_wait=seconds_to_minutes(view.max_wait_seconds),
        agents=[names[user_id] for user_id in view.agent_ids if user_id in names],
        csat_enabled=view.csat_enabled,
        return_to_bot=view.return_to_bot_on_close,
    )
