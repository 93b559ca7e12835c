"""The pieces of an erasure (anonymisation): a contact's personal data, a message's body or file, an event's data
beyond its structural facts, and the files on disk once the transaction that stopped pointing at them commits.
Used by the retention passes (`retention`) and by "forget this contact" (`forgetting`).
"""

from __future__ import annotations

import logging
import re
import secrets
import shutil
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlmodel import Session, col, select

from flowstudio.models import (
    Contact,
    ContactIdentity,
    Conversation,
    Erased,
    Event,
    Message,
)
from flowstudio.services.inbox.files import media_dir

log = logging.getLogger("flowstudio.retention")


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
    for event in session.exec(select(Event).where(col(Event.conversation_id).in_(conversation_ids))).all():
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
