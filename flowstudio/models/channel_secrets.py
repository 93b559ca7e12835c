"""A channel's secrets (access tokens, webhook secrets, bot tokens) sealed at rest, always.

Unlike message bodies (sealed only when the workspace asks), a channel's secrets are credentials to a provider:
whoever reads the database (a backup, a replica, a support dump) must not be able to speak as the workspace on
WhatsApp or Telegram. So `Channel.secrets` is stored as ``{"_sealed": <AES-GCM of its JSON>}`` bound to
``channel-secrets:<channel key>`` (a sealed value copied onto another channel does not open), sealed on flush and
opened on load, as `flowstudio.models.sealing` does for messages: the services, tasks and routes keep reading a
plain dict.

Rows written before this existed hold a plain dict: they load as they are and are sealed on their next change, or
all at once by `seal_stored_channel_secrets`, which `flowstudio privacy reencrypt` runs (no schema change).
"""

from __future__ import annotations

import json
import logging
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session as OrmSession
from sqlalchemy.orm.attributes import set_committed_value

from flowstudio import crypto
from flowstudio.models.channel import Channel

log = logging.getLogger("flowstudio.sealing")
SEALED_KEY = "_sealed"
_PENDING = "flowstudio.unsealed_channel_secrets"


def binding(channel_key: str) -> str:
    """The associated data of a channel's sealed secrets."""
    return f"channel-secrets:{channel_key}"


def is_sealed_secrets(value: Any) -> bool:
    """Whether a stored `secrets` column is a sealed one."""
    return isinstance(value, dict) and len(value) == 1 and crypto.is_sealed(value.get(SEALED_KEY))


def seal_secrets(secrets: dict[str, Any], channel_key: str) -> dict[str, str]:
    """The secrets as the database keeps them."""
    return {SEALED_KEY: crypto.seal(json.dumps(secrets, ensure_ascii=False, sort_keys=True), binding(channel_key))}


def open_secrets(stored: dict[str, Any], channel_key: str) -> dict[str, Any]:
    """The stored secrets as a plain dict (a plain, not yet sealed dict passes through)."""
    if not is_sealed_secrets(stored):
        return stored
    return json.loads(crypto.open_sealed(stored[SEALED_KEY], binding(channel_key)))


def seal_stored_channel_secrets(session: OrmSession, workspace_id: int | None = None) -> tuple[int, list[str]]:
    """Seal (with the current key) every channel's secrets still stored in plaintext or under an older key.

    Plain UPDATEs on the stored values, so a channel no configured key opens is reported, never overwritten.
    Returns how many channels changed and the ones that failed (``channel:<id>``).
    """
    ring, table = crypto.keyring(), Channel.__table__
    query = sa.select(table.c.id, table.c.key, table.c.secrets)
    if workspace_id is not None:
        query = query.where(table.c.workspace_id == workspace_id)
    changed, failed = 0, []
    for row_id, key, stored in session.execute(query).all():
        if not stored or (is_sealed_secrets(stored) and not ring.needs_rotation(stored[SEALED_KEY])):
            continue
        try:
            plain = open_secrets(stored, key)
        except crypto.DecryptionError:
            failed.append(f"channel:{row_id}")
            continue
        session.execute(sa.update(table).where(table.c.id == row_id).values(secrets=seal_secrets(plain, key)))
        changed += 1
    return changed, failed


@sa.event.listens_for(OrmSession, "before_flush")
def _before_flush(session: OrmSession, _context: Any, _instances: Any) -> None:
    pending = []
    for obj in (*session.new, *session.dirty):
        if not isinstance(obj, Channel) or not obj.secrets or is_sealed_secrets(obj.secrets):
            continue
        state = sa.inspect(obj)
        if state.transient or state.pending or state.attrs["secrets"].history.has_changes():
            pending.append((obj, obj.secrets))
            obj.secrets = seal_secrets(obj.secrets, obj.key)
    if pending:
        session.info.setdefault(_PENDING, []).extend(pending)


@sa.event.listens_for(OrmSession, "after_flush_postexec")
def _after_flush(session: OrmSession, _context: Any) -> None:
    """The objects go back to plaintext, as if loaded (the database keeps the sealed value)."""
    for channel, plain in session.info.pop(_PENDING, ()):
        set_committed_value(channel, "secrets", plain)


@sa.event.listens_for(OrmSession, "after_soft_rollback")
def _after_rollback(session: OrmSession, _previous: Any) -> None:
    session.info.pop(_PENDING, None)


def _open(channel: Channel) -> None:
    stored = channel.__dict__.get("secrets")
    if not is_sealed_secrets(stored):
        return
    try:
        set_committed_value(channel, "secrets", open_secrets(stored, channel.__dict__.get("key", "")))
    except (crypto.DecryptionError, ValueError):
        log.error("sealing.open_failed", extra={"what": "channel_secrets", "channel_id": channel.__dict__.get("id")})
        set_committed_value(channel, "secrets", {})


sa.event.listen(Channel, "load", lambda target, _context: _open(target))
sa.event.listen(Channel, "refresh", lambda target, _context, _attrs: _open(target))
