"""Plain helpers the flow manager, agents and queues pages share: who may manage, and form text <-> data.

Nothing here touches Reflex state, so each helper is tested on its own (tests/test_admin_pages_forms.py).
"""

from __future__ import annotations

import re
from typing import Any

import reflex as rx
from sqlmodel import Session

from flowstudio.errors import Invalid
from flowstudio.models import Role, User
from flowstudio.services.identity import permissions
from flowstudio.services.privacy import audit

MANAGER_ROLES = tuple(role.value for role in Role if permissions.allows(role, permissions.AGENTS_MANAGE))
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
NOT_ALLOWED = "forms.not_allowed"
_SPAN = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*[-–]\s*(\d{1,2}):(\d{2})\s*$")


class FormError(Invalid):
    """Form text that cannot be read; the message is an i18n key plus the offending text."""


def member_role(*, session: Session, workspace_id: int | None, user_id: int | None) -> str | None:
    """The user's role in the workspace now (read at every change, so a demotion takes effect at once)."""
    role = permissions.member_role(session=session, workspace_id=workspace_id, user_id=user_id)
    return role.value if role is not None else None


def can_manage(role: str | None, capability: str = permissions.AGENTS_MANAGE) -> bool:
    """Whether the role may edit routing, agents and queues (the matrix: `services.permissions`)."""
    return permissions.allows(role, capability)


def managers_only(session: Session, workspace_id: int, user_id: int | None) -> str | None:
    """A `PageActions` permit: refuse (``forms.not_allowed``) a member who may not manage routing, agents, queues."""
    return None if can_manage(member_role(session=session, workspace_id=workspace_id, user_id=user_id)) else NOT_ALLOWED


def audit_member(
    session: Session,
    action: str,
    *,
    workspace_id: int,
    actor_id: int | None,
    target_id: int | None,
    details: dict[str, Any],
    ip: str = "",
) -> None:
    """Record a change to the workspace's members (`member.added`, `member.role_changed`, `member.removed`)."""
    actor = session.get(User, actor_id) if actor_id else None
    audit.record(
        session, action, workspace_id=workspace_id, actor=actor, target=("user", target_id), details=details, ip=ip
    )


def parse_list(text: str) -> list[str]:
    """Names separated by commas, semicolons or new lines; blanks and repeats dropped, order kept."""
    return list(dict.fromkeys(part.strip() for part in re.split(r"[,;\n]", text or "") if part.strip()))


def parse_pairs(text: str) -> dict[str, str]:
    """``name = value`` lines or ``;``-separated pairs (or ``name: value``) into a dict.

    Raises:
        FormError: a non-empty line without ``=``/``:`` or without a name.
    """
    pairs: dict[str, str] = {}
    for line in re.split(r"[\n;]", text or ""):
        if not line.strip():
            continue
        match = re.match(r"^\s*([^=:]+?)\s*[=:]\s*(.*?)\s*$", line)
        if match is None or not match.group(1):
            raise FormError("forms.bad_pair", detail=line.strip())
        pairs[match.group(1)] = match.group(2)
    return pairs


def pairs_text(pairs: dict[str, Any]) -> str:
    """The inverse of `parse_pairs`."""
    return "\n".join(f"{name} = {value}" for name, value in (pairs or {}).items())


def _hhmm(hours: str, minutes: str) -> str:
    return f"{int(hours):02d}:{minutes}"


def parse_spans(text: str) -> list[list[str]]:
    """``09:00-12:00, 13:00-18:00`` into ``[["09:00", "12:00"], ["13:00", "18:00"]]``.

    Raises:
        FormError: a span that is not ``HH:MM-HH:MM``.
    """
    spans = []
    for part in re.split(r"[,;]", text or ""):
        if not part.strip():
            continue
        match = _SPAN.match(part)
        if match is None:
            raise FormError("forms.bad_span", detail=part.strip())
        spans.append([_hhmm(match.group(1), match.group(2)), _hhmm(match.group(3), match.group(4))])
    return spans


def hours_to_rows(hours: dict[str, Any] | None) -> tuple[bool, str, list[dict[str, str]]]:
    """Stored business hours -> (always open, time zone, one row per weekday ``{day, open, spans}``).

    ``open`` is ``"1"`` or ``""`` (Reflex state rows are plain strings).
    """
    hours = hours or {}
    days = hours.get("days")
    rows = []
    for day in WEEKDAYS:
        spans = (days or {}).get(day) or []
        rows.append(
            {
                "day": day,
                "open": "1" if spans else "",
                "spans": ", ".join(f"{start}-{end}" for start, end in spans) or "09:00-18:00",
            }
        )
    return days is None, str(hours.get("timezone") or "America/Sao_Paulo"), rows


def rows_to_hours(always_open: bool, timezone: str, rows: list[dict[str, str]]) -> dict[str, Any]:
    """The weekday rows of the queue form -> business hours for `queues.update_queue` (``{}`` = always open).

    A day marked closed is left out; an open day must have at least one span.

    Raises:
        FormError: a bad span, or an open day without one.
    """
    if always_open:
        return {}
    days: dict[str, list[list[str]]] = {}
    for row in rows:
        if not row.get("open"):
            continue
        spans = parse_spans(row.get("spans", ""))
        if not spans:
            raise FormError("forms.open_day_needs_hours", detail=row.get("day", ""))
        days[row["day"]] = spans
    return {"timezone": (timezone or "UTC").strip(), "days": days}


def minutes_to_seconds(text: str) -> int:
    """A wait typed in minutes (``5``, ``1.5``, ``2,5``) -> whole seconds.

    Raises:
        FormError: not a number.
    """
    try:
        minutes = float(str(text).strip().replace(",", "."))
    except ValueError as error:
        raise FormError("forms.bad_minutes", detail=str(text)) from error
    return round(minutes * 60)


def seconds_to_minutes(seconds: int) -> str:
    """The inverse of `minutes_to_seconds`, without a useless ``.0``."""
    minutes = seconds / 60
    return str(int(minutes)) if minutes == int(minutes) else f"{minutes:.2f}".rstrip("0")


def not_allowed(t) -> rx.Component:
    """What an agent sees on a supervisor's page."""
    return rx.callout(
        t("forms.not_allowed"), icon="lock", color_scheme="amber", max_width="640px", data_testid="not-allowed"
    )
