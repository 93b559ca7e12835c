"""Who sees plaintext of encrypted messages, the redacted marker the others see, and re-encryption.

Storage is sealed and opened in the persistence layer (`flowstudio.models.sealing`): loaded objects
hold plaintext, so the bot engine, deliveries and channels work unchanged. What a *person* sees is
decided here, when it is shown:

- In a workspace with "encrypt messages at rest" on, message bodies (text, buttons, captions, file
  names) are shown only to members granted `Membership.can_read_encrypted` (Botmaker's "special
  agents": grant it to the agents who handle those conversations); everyone else sees the translated
  marker `privacy.redacted`.
- Variables the workspace lists as sensitive are shown the same way, whether or not bodies are encrypted.
- REST API tokens have no person behind them: admin tokens (integrations an administrator created) see
  plaintext, other tokens see the marker.

Search in the inbox does not look inside sealed bodies or variables (they are ciphertext in the database):
a search for their words finds nothing, and never fails.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, select

from flowstudio import crypto
from flowstudio.db import session_scope
from flowstudio.i18n import translate
from flowstudio.models import (
    Contact,
    Conversation,
    Membership,
    Message,
    Role,
    WorkspaceSettings,
    channel_secrets,
    sealing,
)

log = logging.getLogger("flowstudio.privacy")
MARKER_KEY = "privacy.redacted"


@dataclass(frozen=True)
class Visibility:
    """What one viewer may see in one workspace."""

    encrypt_messages: bool = False
    sensitive_variables: frozenset[str] = frozenset()
    may_read: bool = True
    marker: str = "🔒"

    @property
    def hides_bodies(self) -> bool:
        """Whether message bodies are replaced by the marker."""
        return self.encrypt_messages and not self.may_read

    def hides_variable(self, name: str) -> bool:
        """Whether a variable's value is replaced by the marker."""
        return not self.may_read and name in self.sensitive_variables


def member_may_read(session: Session, workspace_id: int, user_id: int | None) -> bool:
    """Whether the member was granted reading encrypted messages (read now: a revoked grant applies at once)."""
    if user_id is None:
        return False
    granted = session.exec(
        select(Membership.can_read_encrypted).where(
            Membership.workspace_id == workspace_id, Membership.user_id == user_id
        )
    ).first()
    return bool(granted)


def token_may_read(role: Role | str) -> bool:
    """Whether an API token sees plaintext (admin tokens only)."""
    return str(role) == Role.ADMIN.value


def visibility(
    session: Session,
    workspace_id: int,
    *,
    user_id: int | None = None,
    may_read: bool | None = None,
    language: str = "pt-BR",
) -> Visibility:
    """The viewer's visibility: a member (`user_id`) or a caller whose right is known (`may_read`)."""
    settings = session.get(WorkspaceSettings, workspace_id)
    encrypt = bool(settings and settings.encrypt_messages)
    sensitive = frozenset(settings.sensitive_variables or ()) if settings else frozenset()
    if not encrypt and not sensitive:
        return Visibility()
    allowed = may_read if may_read is not None else member_may_read(session, workspace_id, user_id)
    return Visibility(
        encrypt_messages=encrypt,
        sensitive_variables=sensitive,
        may_read=allowed,
        marker=translate(MARKER_KEY, language),
    )


def redact_rendered(item: dict[str, Any], seen: Visibility) -> dict[str, Any]:
    """A message as the chat pane draws it (`inbox.render_message`), with its body hidden if it must be."""
    if not seen.hides_bodies or item.get("kind") == "erased":
        return item
    return {
        **item,
        "kind": "text",
        "text": seen.marker,
        "buttons": [],
        "image_url": "",
        "file_url": "",
        "file_name": "",
        "previous_text": "",
    }


def redact_variables(variables: dict[str, Any], seen: Visibility) -> dict[str, Any]:
    """Variables with the sensitive ones' values hidden if they must be (and any value no key opens)."""
    return {
        name: seen.marker if seen.hides_variable(name) or crypto.is_sealed(value) else value
        for name, value in (variables or {}).items()
    }


def redact_message_fields(text: str | None, payload: dict[str, Any], seen: Visibility) -> tuple[str | None, dict]:
    """A message's text and payload for the API: the marker and an empty payload when hidden."""
    if seen.hides_bodies and (text or payload) and not (payload or {}).get("erased"):
        return seen.marker, {}
    return text, payload


# ---------------------------------------------------------------------------------------- re-encryption


@dataclass
class Reencrypted:
    """What a re-encryption pass rewrote, and the values no configured key opens."""

    messages: int = 0
    contacts: int = 0
    conversations: int = 0
    channels: int = 0
    failed: list[str] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        """The counts (failures as a number)."""
        return {
            "messages": self.messages,
            "contacts": self.contacts,
            "conversations": self.conversations,
            "channels": self.channels,
            "failed": len(self.failed),
        }


def _reseal(value: Any, binding: str, ring: crypto.Keyring, seal_plain: bool) -> Any:
    """The value sealed with the current key (opened first if sealed with another); None = unchanged."""
    if crypto.is_sealed(value):
        return ring.seal(ring.open(value, binding), binding) if ring.needs_rotation(value) else None
    if seal_plain and isinstance(value, str) and value:
        return ring.seal(value, binding)
    return None


def _reseal_variables(
    values: dict[str, Any], workspace_id: int, sensitive: frozenset[str], ring: crypto.Keyring
) -> dict[str, Any] | None:
    import json

    changed: dict[str, Any] | None = None
    for name, value in (values or {}).items():
        binding = sealing.variable_binding(workspace_id, name)
        if crypto.is_sealed(value):
            new = ring.seal(ring.open(value, binding), binding) if ring.needs_rotation(value) else None
        elif name in sensitive and value is not None:
            new = ring.seal(json.dumps(value, ensure_ascii=False), binding)
        else:
            new = None
        if new is not None:
            changed = changed if changed is not None else dict(values)
            changed[name] = new
    return changed


def _policies(session: Session) -> dict[int, sealing.Policy]:
    return {
        row.workspace_id: sealing.Policy(row.encrypt_messages, frozenset(row.sensitive_variables or ()))
        for row in session.exec(select(WorkspaceSettings)).all()
    }


def reencrypt(*, workspace_id: int | None = None, batch_size: int = 500) -> Reencrypted:
    """Rewrite every sealed value whose key is not the current one with the current key, and seal what
    each workspace's policy says should be sealed but is still plaintext (rows from before it was turned
    on). Sealed values of workspaces that turned encryption off stay sealed (under the new key).

    Runs in batches by id, one transaction each, with plain UPDATEs (the ORM's sealing is not involved).
    After it reports no failures, keys other than the current one can be removed from the configuration.
    """
    import json

    ring = crypto.keyring()
    done = Reencrypted()
    with session_scope() as session:
        policies = _policies(session)

    def scoped(query: Any, column: Any) -> Any:
        return query.where(column == workspace_id) if workspace_id is not None else query

    last = 0
    while True:  # messages
        with session_scope() as session:
            rows = session.execute(
                scoped(
                    sa.select(
                        Message.id, Message.conversation_id, Message.text, Message.payload, Conversation.workspace_id
                    )
                    .join(Conversation, Conversation.id == Message.conversation_id)
                    .where(Message.id > last),
                    Conversation.workspace_id,
                )
                .order_by(Message.id)
                .limit(batch_size)
            ).all()
            for row in rows:
                last = row.id
                seal_plain = policies.get(row.workspace_id, sealing.NO_POLICY).encrypt_messages
                try:
                    text = _reseal(row.text, sealing.text_binding(row.conversation_id), ring, seal_plain)
                    payload = None
                    if sealing.is_sealed_payload(row.payload):
                        inner = row.payload[sealing.SEALED_KEY]
                        if ring.needs_rotation(inner):
                            payload = sealing.seal_payload(
                                json.loads(ring.open(inner, sealing.payload_binding(row.conversation_id))),
                                row.conversation_id,
                            )
                    elif seal_plain and row.payload:
                        payload = sealing.seal_payload(row.payload, row.conversation_id)
                except crypto.DecryptionError:
                    done.failed.append(f"message:{row.id}")
                    continue
                values = {k: v for k, v in (("text", text), ("payload", payload)) if v is not None}
                if values:
                    session.execute(sa.update(Message).where(Message.id == row.id).values(**values))
                    done.messages += 1
        if len(rows) < batch_size:
            break
    for model, column, get, put in (
        (Contact, "variables", lambda vars_: vars_, lambda _old, new: new),
        (
            Conversation,
            "session",
            lambda s: (s or {}).get("variables") or {},
            lambda old, new: {**(old or {}), "variables": new},
        ),
    ):
        last = 0
        while True:
            with session_scope() as session:
                rows = session.execute(
                    scoped(
                        sa.select(model.id, model.workspace_id, getattr(model, column)).where(model.id > last),
                        model.workspace_id,
                    )
                    .order_by(model.id)
                    .limit(batch_size)
                ).all()
                for row_id, row_workspace, stored in rows:
                    last = row_id
                    sensitive = policies.get(row_workspace, sealing.NO_POLICY).sensitive_variables
                    try:
                        changed = _reseal_variables(get(stored), row_workspace, sensitive, ring)
                    except crypto.DecryptionError:
                        done.failed.append(f"{model.__tablename__}:{row_id}")
                        continue
                    if changed is not None:
                        session.execute(
                            sa.update(model).where(model.id == row_id).values({column: put(stored, changed)})
                        )
                        if model is Contact:
                            done.contacts += 1
                        else:
                            done.conversations += 1
            if len(rows) < batch_size:
                break
    with session_scope() as session:
        done.channels, failed = channel_secrets.seal_stored_channel_secrets(session, workspace_id)
        done.failed += failed
    log.info("reencrypt.done", extra=done.counts())
    return done


def shown_message(item: dict[str, Any], erased: str | None, seen: Visibility, language: str) -> dict[str, Any]:
    """A rendered message (`inbox.render_message`) as this viewer sees it: what retention or a forgotten
    contact erased says so, and a body hidden from them shows the marker."""
    if erased in ("all", "body"):
        return {
            **item,
            "kind": "text",
            "text": translate("privacy.erased_message", language),
            "buttons": [],
            "image_url": "",
            "file_url": "",
            "file_name": "",
            "previous_text": "",
        }
    if erased == "file":
        item = {
            **item,
            "kind": "text",
            "image_url": "",
            "file_url": "",
            "file_name": "",
            "previous_text": "",
            "text": " · ".join(x for x in (translate("privacy.file_removed", language), item.get("text")) if x),
        }
        return item if not seen.hides_bodies else {**item, "text": translate("privacy.file_removed", language)}
    return redact_rendered(item, seen)
