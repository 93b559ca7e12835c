"""Retention (LGPD/GDPR): erase what a workspace's policy says is due ("forget this contact" now is `forgetting`; the
pieces of an erasure are `erasure`).

Erasure is anonymisation: rows, times, statuses, owners, tags and CSAT scores stay, so metrics still
add up; the person goes.

- **Personal data** (`retention_days`): a contact whose last activity (its own last change, its
  conversations' last message) is older than the limit loses its name, e-mail, phone and variables; its
  channel ids become tombstones (a new message from that person starts a fresh contact); its
  conversations lose the flow session's variables and contact fields and the CSAT comment. Message
  bodies (text and payload) older than the limit are erased, whoever wrote them.
- **Events of erased conversations** (the contact's, whether erased by retention or forgotten): each
  `Event.data` keeps only structural facts from an allow-list (`erasure._KEPT_EVENT_KEYS`: ids, scores, priorities,
  owners as ``{"type", "id"}``, the flow event's name and node, the conversation type and tags, which stay
  on the conversation too) and gets ``"erased": true`` when anything else was dropped. An allow-list
  rather than a list of personal keys: flow events carry whatever a node put there (a question's rejected
  answer, an HTTP error quoting the request, a hand-off's target), CSAT events the customer's words. The
  queue monitor still counts SLA breaches per queue. Events of other conversations are untouched.
- **Files** (`file_retention_days`): media messages older than the limit lose their file: a file the
  inbox stored is deleted from disk, the provider's ids and links are dropped, and the message says
  "file removed".

"Older than N days" is strict: created (or last active) before `now - N days`. Each pass records a
`RetentionRun` (counts per kind) and a `retention.erased` audit entry; work is done in batches, each its
own transaction, and files are deleted after the transaction that stopped pointing at them commits.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, select

from flowstudio.db import session_scope
from flowstudio.models import (
    Contact,
    Conversation,
    Erased,
    Message,
    RetentionRun,
    WorkspaceSettings,
    utcnow,
)
from flowstudio.services.privacy import audit
from flowstudio.services.privacy.erasure import FILE_KINDS, Erasure, delete_files, erase_body, erase_contact, erase_file

log = logging.getLogger("flowstudio.retention")
BATCH = 500


def _in_workspace(query: Any, workspace_id: int) -> Any:
    return query.join(Conversation, Conversation.id == Message.conversation_id).where(
        Conversation.workspace_id == workspace_id
    )


def _due_contacts(session: Session, workspace_id: int, cutoff: datetime) -> list[int]:
    recent = sa.exists().where(
        Conversation.contact_id == Contact.id,
        sa.func.coalesce(Conversation.last_message_at, Conversation.created_at) >= cutoff,
    )
    return list(
        session.exec(
            select(Contact.id)
            .where(
                Contact.workspace_id == workspace_id,
                Contact.erased_at.is_(None),
                sa.func.coalesce(Contact.updated_at, Contact.created_at) < cutoff,
                ~recent,
            )
            .order_by(Contact.id)
            .limit(BATCH)
        ).all()
    )


def _due_bodies(session: Session, workspace_id: int, cutoff: datetime) -> list[int]:
    return list(
        session.exec(
            _in_workspace(select(Message.id), workspace_id)
            .where(Message.created_at < cutoff, sa.or_(Message.erased.is_(None), Message.erased == Erased.FILE.value))
            .order_by(Message.id)
            .limit(BATCH)
        ).all()
    )


def _due_files(session: Session, workspace_id: int, cutoff: datetime) -> list[int]:
    return list(
        session.exec(
            _in_workspace(select(Message.id), workspace_id)
            .where(
                Message.created_at < cutoff,
                Message.kind.in_(FILE_KINDS),
                sa.or_(Message.erased.is_(None), Message.erased == Erased.BODY.value),
            )
            .order_by(Message.id)
            .limit(BATCH)
        ).all()
    )


def _batches(pick: Any, work: Any) -> Erasure:
    """Repeat `pick(session)` -> ids, `work(session, ids)` -> Erasure, one transaction per batch, until
    nothing is due; the files of each batch are deleted after it commits."""
    total = Erasure()
    while True:
        with session_scope() as session:
            ids = pick(session)
            if not ids:
                return total
            done = work(session, ids)
        done.files_deleted = delete_files(done.files)
        done.files = []
        total.add(done)
        if len(ids) < BATCH:
            return total


def erase_due(
    *, workspace_id: int, retention_days: int | None, file_retention_days: int | None, now: datetime
) -> Erasure:
    """Erase everything due in one workspace (see the module's docstring)."""
    total = Erasure()
    reason = "retention"
    if file_retention_days:
        cutoff = now - timedelta(days=file_retention_days)

        def files(session: Session, ids: list[int]) -> Erasure:
            done = Erasure()
            for message in session.exec(select(Message).where(Message.id.in_(ids))).all():
                folder = erase_file(message, workspace_id, reason)
                if folder is not None:
                    done.files.append(folder)
                session.add(message)
                done.file_messages += 1
            return done

        total.add(_batches(lambda s: _due_files(s, workspace_id, cutoff), files))
    if retention_days:
        cutoff = now - timedelta(days=retention_days)

        def bodies(session: Session, ids: list[int]) -> Erasure:
            messages = session.exec(select(Message).where(Message.id.in_(ids))).all()
            for message in messages:
                erase_body(message, reason)
                session.add(message)
            return Erasure(message_bodies=len(messages))

        def contacts(session: Session, ids: list[int]) -> Erasure:
            done = Erasure()
            for contact in session.exec(select(Contact).where(Contact.id.in_(ids))).all():
                done.add(erase_contact(session, contact, now=now))
            return done

        total.add(_batches(lambda s: _due_bodies(s, workspace_id, cutoff), bodies))
        total.add(_batches(lambda s: _due_contacts(s, workspace_id, cutoff), contacts))
    return total


def run(
    *, workspace_id: int, trigger: str = "schedule", actor: Any = None, now: datetime | None = None, ip: str = ""
) -> RetentionRun:
    """One retention pass over a workspace: erase what is due, record the run and an audit entry.

    Args:
        trigger: ``schedule`` (the daily task), ``manual`` (the settings page) or ``cli``.
        actor: Who asked (a user or principal), None for the schedule.
    """
    now = now or utcnow()
    with session_scope() as session:
        policy = session.get(WorkspaceSettings, workspace_id)
        retention_days = policy.retention_days if policy else None
        file_days = policy.file_retention_days if policy else None
    done = erase_due(workspace_id=workspace_id, retention_days=retention_days, file_retention_days=file_days, now=now)
    with session_scope() as session:
        record = RetentionRun(
            workspace_id=workspace_id,
            trigger=trigger[:16],
            started_at=now,
            finished_at=utcnow(),
            actor_user_id=getattr(actor, "user_id", None) or getattr(actor, "id", None),
            data_cutoff=now - timedelta(days=retention_days) if retention_days else None,
            file_cutoff=now - timedelta(days=file_days) if file_days else None,
            counts=done.counts(),
        )
        session.add(record)
        session.flush()
        audit.record(
            session,
            "retention.erased",
            workspace_id=workspace_id,
            actor=actor,
            target=("retention_run", record.id),
            ip=ip,
            details={
                "trigger": trigger,
                "retention_days": retention_days,
                "file_retention_days": file_days,
                **done.counts(),
            },
        )
    log.info("retention.run", extra={"workspace_id": workspace_id, **done.counts()})
    return record


def run_all(*, trigger: str = "schedule", now: datetime | None = None) -> list[RetentionRun]:
    """A pass over every workspace with a retention limit (the daily task); one failing does not stop the
    others."""
    with session_scope() as session:
        workspace_ids = list(
            session.exec(
                select(WorkspaceSettings.workspace_id)
                .where(
                    sa.or_(
                        WorkspaceSettings.retention_days.is_not(None),
                        WorkspaceSettings.file_retention_days.is_not(None),
                    )
                )
                .order_by(WorkspaceSettings.workspace_id)
            ).all()
        )
    runs = []
    for workspace_id in workspace_ids:
        try:
            runs.append(run(workspace_id=workspace_id, trigger=trigger, now=now))
        except Exception:
            log.exception("retention.run_failed", extra={"workspace_id": workspace_id})
    return runs


def recent_runs(*, session: Session, workspace_id: int, limit: int = 10) -> list[RetentionRun]:
    """The workspace's last runs, newest first."""
    return list(
        session.exec(
            select(RetentionRun)
            .where(RetentionRun.workspace_id == workspace_id)
            .order_by(RetentionRun.started_at.desc(), RetentionRun.id.desc())
            .limit(limit)
        ).all()
    )
