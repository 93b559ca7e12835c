"""Recording and reading the audit log (see `flowstudio.models.audit.AuditEntry`).

Callers record inside the transaction of the action itself, so the action and its record commit
(or roll back) together:

    audit.record(session, "member.role_changed", workspace_id=ws, actor=principal,
                 target=("user", user.id), details={"from": "agent", "to": "supervisor"}, ip=ip)

Action names are dotted, `area.what`: `auth.sign_in`, `auth.sign_in_failed`, `auth.locked`,
`auth.signed_out_everywhere`, `auth.password_changed`, `auth.2fa_enabled`, `auth.2fa_disabled`,
`member.added`, `member.role_changed`, `member.removed`, `settings.changed`, `data.exported`,
`flow.published`, `contact.forgotten`, `retention.erased`, `token.created`, `secret.changed`...
Never put a secret, a password or a code in `details`.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, select

from flowstudio.models import AuditEntry, utcnow
from flowstudio.models.base import as_utc


@dataclass(frozen=True)
class Actor:
    """Who acted, when it is not a logged-in principal (a CLI command, a scheduled task)."""

    user_id: int | None = None
    email: str = ""


SYSTEM = Actor(email="system")


def _digest(entry: AuditEntry) -> str:
    body = {
        "workspace_id": entry.workspace_id,
        "actor_user_id": entry.actor_user_id,
        "actor_email": entry.actor_email,
        "action": entry.action,
        "target_type": entry.target_type,
        "target_id": entry.target_id,
        "ip": entry.ip,
        "details": entry.details,
        "previous_hash": entry.previous_hash,
        "created_at": as_utc(entry.created_at).isoformat(timespec="microseconds"),
    }
    return hashlib.sha256(json.dumps(body, sort_keys=True, default=str).encode()).hexdigest()


def _jsonable(details: dict[str, Any] | None) -> dict[str, Any]:
    return json.loads(json.dumps(details or {}, default=str))


def _serialize_writers(session: Session, workspace_id: int | None) -> None:
    """One writer per workspace at a time on PostgreSQL, so the chain has no forks."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(sa.text("SELECT pg_advisory_xact_lock(:k)"), {"k": 7_201_000_000 + (workspace_id or 0)})


def record(
    session: Session,
    action: str,
    *,
    workspace_id: int | None = None,
    actor: Any = None,
    target: tuple[str, Any] | None = None,
    details: dict[str, Any] | None = None,
    ip: str = "",
) -> AuditEntry:
    """Append one entry in the caller's transaction (the caller commits).

    Args:
        action: Dotted action name (`auth.sign_in`).
        workspace_id: The workspace it concerns (None for sign-in failures of unknown e-mails).
        actor: A `Principal`, a `User`, an `Actor`, or None for the system.
        target: `(kind, id)` of what was acted on, e.g. `("contact", 42)`.
        details: JSON-able facts (never secrets).
        ip: The client address the request came from.
    """
    actor = actor or SYSTEM
    user_id = getattr(actor, "user_id", None) or (getattr(actor, "id", None) if not isinstance(actor, Actor) else None)
    _serialize_writers(session, workspace_id)
    last = session.exec(
        select(AuditEntry.entry_hash)
        .where(
            AuditEntry.workspace_id == workspace_id if workspace_id is not None else AuditEntry.workspace_id.is_(None)
        )
        .order_by(AuditEntry.id.desc())
        .limit(1)
    ).first()
    entry = AuditEntry(
        workspace_id=workspace_id,
        actor_user_id=user_id,
        actor_email=(getattr(actor, "email", "") or "")[:254],
        action=action[:64],
        target_type=str(target[0])[:40] if target else "",
        target_id=str(target[1])[:64] if target else "",
        ip=(ip or "")[:45],
        details=_jsonable(details),
        previous_hash=last or "",
        entry_hash="",
        created_at=utcnow(),
    )
    entry.entry_hash = _digest(entry)
    session.add(entry)
    session.flush()
    return entry


def entries(
    session: Session,
    workspace_id: int,
    *,
    action_prefix: str = "",
    actor_email: str = "",
    since: datetime | None = None,
    before_id: int | None = None,
    limit: int = 100,
) -> list[AuditEntry]:
    """A workspace's entries, newest first, optionally filtered (all filters are bound parameters)."""
    query = select(AuditEntry).where(AuditEntry.workspace_id == workspace_id)
    if action_prefix:
        query = query.where(AuditEntry.action.startswith(action_prefix, autoescape=True))
    if actor_email:
        query = query.where(AuditEntry.actor_email.contains(actor_email.strip().lower(), autoescape=True))
    if since is not None:
        query = query.where(AuditEntry.created_at >= since)
    if before_id is not None:
        query = query.where(AuditEntry.id < before_id)
    return list(session.exec(query.order_by(AuditEntry.id.desc()).limit(max(1, min(limit, 1000)))))


def verify_chain(session: Session, workspace_id: int | None) -> list[int]:
    """Ids of the entries whose content or link to the previous entry does not check out ([] = intact)."""
    where = AuditEntry.workspace_id == workspace_id if workspace_id is not None else AuditEntry.workspace_id.is_(None)
    broken: list[int] = []
    previous = ""
    for entry in session.exec(
        select(AuditEntry).where(where).order_by(AuditEntry.id).execution_options(populate_existing=True)
    ):
        if entry.previous_hash != previous or _digest(entry) != entry.entry_hash:
            broken.append(entry.id)
        previous = entry.entry_hash
    return broken
