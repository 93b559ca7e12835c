"""Retention (LGPD/GDPR): erase what a workspace's policy says is due, and "forget this contact" now.

Erasure is anonymisation: rows, times, statuses, owners, tags and CSAT scores stay, so metrics still
add up; the person goes.

- **Personal data** (`retention_days`): a contact whose last activity (its own last change, its
  conversations' last message) is older than the limit loses its name, e-mail, phone and variables; its
  channel ids become tombstones (a new message from that person starts a fresh contact); its
  conversations lose the flow session's variables and contact fields and the CSAT comment. Message
  bodies (text and payload) older than the limit are erased, whoever wrote them.
- **Events of erased conversations** (the contact's, whether erased by retention or forgotten): each
  `Event.data` keeps only structural facts from an allow-list (`_KEPT_EVENT_KEYS`: ids, scores, priorities,
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
import re
import secrets
import shutil
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, select

from flowstudio.db import session_scope
from flowstudio.models import (
    Contact,
    ContactIdentity,
    Conversation,
    Erased,
    Event,
    Membership,
    Message,
    RetentionRun,
    Role,
    User,
    WorkspaceSettings,
    utcnow,
)
from flowstudio.services.inbox.files import media_dir
from flowstudio.services.privacy import audit

log = logging.getLogger("flowstudio.retention")
BATCH = 500
FILE_KINDS = ("image", "audio", "video", "document", "file", "media", "sticker")
_FILE_KEYS = ("url", "media_id", "file_id", "path", "filename", "caption", "mime_type", "sha256", "link")
_KEPT_FILE_KEYS = ("type", "url", "media_type", "media_id", "file_id", "mime_type", "path")
_KEPT_EVENT_KEYS = frozenset(
    {
        "type",
        "name",
        "node_id",
        "queue_id",
        "rule_id",
        "bot_id",
        "message_id",
        "score",
        "priority",
        "minutes",
        "csat_requested",
        "returned_to_bot",
        "conversation_type",
        "tag",
        "owner",
        "from",
        "to",
    }
)
_OWNER_KEYS = ("owner", "from", "to")  # kept only as {"type": "bot"|"queue"|"agent", "id": int}
_LOCAL = re.compile(r"/api/v1/media/(\d+)/([A-Za-z0-9_-]{8,40})/([A-Za-z0-9._-]{1,100})$")
FORGET_ROLES = (Role.ADMIN, Role.SUPERVISOR)


class RetentionError(ValueError):
    """An erasure that cannot be done; `key` is the i18n key of the reason."""

    def __init__(self, key: str, message: str) -> None:
        super().__init__(message)
        self.key = key


@dataclass
class Erasure:
    """What one pass (or one forgotten contact) erased, and the files to delete once it commits."""

    contacts: int = 0
    identities: int = 0
    conversations: int = 0
    message_bodies: int = 0
    file_messages: int = 0
    files_deleted: int = 0
    events: int = 0
    files: list[Path] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        """The counts, as stored on the run and in the audit entry."""
        return {
            "contacts": self.contacts,
            "identities": self.identities,
            "conversations": self.conversations,
            "message_bodies": self.message_bodies,
            "file_messages": self.file_messages,
            "files_deleted": self.files_deleted,
            "events": self.events,
        }

    def add(self, other: Erasure) -> None:
        """Sum another batch into this one."""
        for name in (
            "contacts",
            "identities",
            "conversations",
            "message_bodies",
            "file_messages",
            "files_deleted",
            "events",
        ):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.files.extend(other.files)


# ------------------------------------------------------------------------------------------ the pieces


def _local_file(workspace_id: int, url: Any) -> Path | None:
    """The folder of a file the inbox stored for this workspace (never another workspace's)."""
    match = _LOCAL.search(str(url or ""))
    if match is None or int(match.group(1)) != workspace_id:
        return None
    return media_dir() / str(workspace_id) / match.group(2)


def scrub_event_data(data: dict[str, Any] | None) -> dict[str, Any]:
    """An event's data with only the allow-listed structural facts (see the module's docstring), marked
    ``"erased": true`` when anything else was dropped."""

    def kept(key: str, value: Any) -> bool:
        if key not in _KEPT_EVENT_KEYS:
            return False
        if key in _OWNER_KEYS:
            return (
                isinstance(value, dict)
                and set(value) <= {"type", "id"}
                and all(v is None or isinstance(v, int | str) and len(str(v)) <= 16 for v in value.values())
            )
        return value is None or isinstance(value, int | float | bool) or (isinstance(value, str) and len(value) <= 80)

    data = dict(data or {})
    clean = {key: value for key, value in data.items() if key != "erased" and kept(key, value)}
    return {**clean, "erased": True} if len(clean) != len(data) else clean


def erase_contact(session: Session, contact: Contact, *, now: datetime) -> Erasure:
    """Anonymise one contact, its channel ids, its conversations' personal fields and their events' data
    (not messages)."""
    done = Erasure(contacts=1)
    contact.name, contact.email, contact.phone, contact.variables = "", None, None, {}
    contact.erased_at = now
    session.add(contact)
    for identity in session.exec(select(ContactIdentity).where(ContactIdentity.contact_id == contact.id)).all():
        identity.external_id = f"erased:{secrets.token_hex(12)}"
        session.add(identity)
        done.identities += 1
    for conversation in session.exec(select(Conversation).where(Conversation.contact_id == contact.id)).all():
        stored = dict(conversation.session or {})
        if stored:
            stored.update(variables={}, contact={}, last_text=None)
        conversation.session = stored
        conversation.csat_comment = None
        session.add(conversation)
        done.conversations += 1
    conversation_ids = select(Conversation.id).where(Conversation.contact_id == contact.id)
    for event in session.exec(select(Event).where(Event.conversation_id.in_(conversation_ids))).all():
        scrubbed = scrub_event_data(event.data)
        if scrubbed != event.data:
            event.data = scrubbed
            session.add(event)
            done.events += 1
    return done


def erase_body(message: Message, reason: str) -> None:
    """Drop a message's text and payload; a file it still carries keeps its reference (until files expire)."""
    payload = dict(message.payload or {})
    keeps_file = message.erased is None and message.kind in FILE_KINDS and any(k in payload for k in _FILE_KEYS)
    kept = {k: payload[k] for k in _KEPT_FILE_KEYS if k in payload} if keeps_file else {}
    message.text = None
    message.payload = {**kept, "erased": reason}
    message.erased = Erased.BODY.value if keeps_file else Erased.ALL.value


def erase_file(message: Message, workspace_id: int, reason: str) -> Path | None:
    """Drop a message's file; returns the stored folder to delete once committed (None: not ours)."""
    payload = dict(message.payload or {})
    folder = _local_file(workspace_id, payload.get("url") or payload.get("path"))
    media_type = payload.get("media_type") or message.kind
    rest = {k: v for k, v in payload.items() if k not in _FILE_KEYS and k != "erased"}
    message.payload = {**rest, "media_type": media_type, "file_removed": reason}
    # The caption, if any, stays: it goes with the body's own retention.
    message.erased = Erased.FILE.value if message.erased is None else Erased.ALL.value
    return folder


def delete_files(folders: list[Path]) -> int:
    """Delete stored files' folders (after the erasure committed); returns how many went."""
    deleted = 0
    root = media_dir().resolve()
    for folder in folders:
        try:
            resolved = folder.resolve()
            if root not in resolved.parents or not resolved.is_dir():
                continue
            shutil.rmtree(resolved)
            deleted += 1
        except OSError:
            log.exception("retention.file_delete_failed", extra={"folder": str(folder)})
    return deleted


def _in_workspace(query: Any, workspace_id: int) -> Any:
    return query.join(Conversation, Conversation.id == Message.conversation_id).where(
        Conversation.workspace_id == workspace_id
    )


# ------------------------------------------------------------------------------------------ due work


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


# ------------------------------------------------------------------------------------ forget a contact


def forget_contact_in(
    session: Session,
    *,
    workspace_id: int,
    contact_id: int,
    actor: Any,
    role: Role | str | None,
    ip: str = "",
    now: datetime | None = None,
) -> Erasure:
    """Erase one person now, in the caller's transaction: contact fields, variables, channel ids (the
    webchat visitor id too), and the bodies and files of all their conversations' messages. Audited as
    `contact.forgotten`. The caller commits, then deletes `Erasure.files` with `delete_files`.

    Raises:
        RetentionError: the role may not (admins and supervisors only), or no such contact here.
    """
    if role is None or Role(role) not in FORGET_ROLES:
        raise RetentionError("privacy.forget_not_allowed", "only administrators and supervisors may forget a contact")
    contact = session.get(Contact, contact_id)
    if contact is None or contact.workspace_id != workspace_id:
        raise RetentionError("privacy.contact_not_found", f"contact {contact_id} not found")
    now = now or utcnow()
    done = erase_contact(session, contact, now=now)
    conversation_ids = select(Conversation.id).where(Conversation.contact_id == contact.id)
    for message in session.exec(
        select(Message).where(
            Message.conversation_id.in_(conversation_ids),
            sa.or_(Message.erased.is_(None), Message.erased != Erased.ALL.value),
        )
    ).all():
        if message.kind in FILE_KINDS and message.erased != Erased.FILE.value:
            folder = erase_file(message, workspace_id, "forgotten")
            if folder is not None:
                done.files.append(folder)
            done.file_messages += 1
        erase_body(message, "forgotten")
        message.erased = Erased.ALL.value
        session.add(message)
        done.message_bodies += 1
    session.flush()
    audit.record(
        session,
        "contact.forgotten",
        workspace_id=workspace_id,
        actor=actor,
        target=("contact", contact.id),
        ip=ip,
        details={**done.counts(), "files": len(done.files)},
    )
    return done


def forget_contact(*, workspace_id: int, contact_id: int, user_id: int, actor: Any = None, ip: str = "") -> Erasure:
    """`forget_contact_in` in its own transaction for a member (role read now), then the files deleted."""
    with session_scope() as session:
        role = session.exec(
            select(Membership.role).where(Membership.workspace_id == workspace_id, Membership.user_id == user_id)
        ).first()
        done = forget_contact_in(
            session,
            workspace_id=workspace_id,
            contact_id=contact_id,
            actor=actor or session.get(User, user_id),
            role=role,
            ip=ip,
        )
    done.files_deleted = delete_files(done.files)
    return done


def forget_conversation_contact(*, workspace_id: int, conversation_id: int, user_id: int, ip: str = "") -> Erasure:
    """`forget_contact` for the contact of a conversation of the workspace (the inbox's button).

    Raises:
        RetentionError: no such conversation here, or the member may not.
    """
    with session_scope() as session:
        conversation = session.get(Conversation, conversation_id)
        if conversation is None or conversation.workspace_id != workspace_id:
            raise RetentionError("privacy.contact_not_found", f"conversation {conversation_id} not found")
        contact_id = conversation.contact_id
    return forget_contact(workspace_id=workspace_id, contact_id=contact_id, user_id=user_id, ip=ip)
