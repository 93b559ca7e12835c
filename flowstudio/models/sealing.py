"""Encryption at rest in the persistence layer: ORM events seal on flush and open on load.

Why events and not a column type: a value is bound to where it lives (AES-GCM associated data), and a
column type never sees the row. The bindings all work with one INSERT (no row id is needed):

- `Message.text`: `message:<conversation id>`; `Message.payload` becomes `{"_sealed": <sealed JSON>}`
  bound to `message-payload:<conversation id>` (a bot's payload repeats its text).
- A sensitive variable (the workspace lists them) in `Contact.variables` or in the flow session's
  `variables` of `Conversation.session`: its JSON, bound to `variable:<workspace id>:<name>`.

So a sealed body copied into another conversation, or a variable into another workspace or name, does
not open. Loaded objects hold plaintext (the bot engine, deliveries and exports read it as before);
only the database holds ciphertext. Who may *see* plaintext is decided when it is shown
(`flowstudio.services.privacy.access`).

Whether a workspace seals comes from its `WorkspaceSettings`, cached per process for `POLICY_TTL`
seconds (a change made elsewhere applies within that time). Values are sealed only when they change, so
the per-message cost is one AES-GCM seal (microseconds) and nothing for workspaces that do not encrypt.
Statements that bypass the ORM (`update(Message)...`) are not sealed: use objects, or seal the values with
`message_at_rest` / `session_at_rest` as `flowstudio.services.conversations.turn_writes` does.
"""

from __future__ import annotations

import json
import logging
import time
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session as OrmSession
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.orm.util import identity_key

from flowstudio import crypto
from flowstudio.models.conversation import Contact, Conversation, Message
from flowstudio.models.privacy import WorkspaceSettings

log = logging.getLogger("flowstudio.sealing")
SEALED_KEY = "_sealed"
POLICY_TTL = 5.0
_PENDING = "flowstudio.unsealed"


@dataclass(frozen=True)
class Policy:
    """What a workspace seals: message bodies, and which variables."""

    encrypt_messages: bool = False
    sensitive_variables: frozenset[str] = frozenset()


NO_POLICY = Policy()
_policies: dict[tuple[Any, int], tuple[float, Policy]] = {}
_workspace_of: dict[tuple[Any, int], int] = {}


def text_binding(conversation_id: int) -> str:
    """The associated data of a message's text."""
    return f"message:{conversation_id}"


def payload_binding(conversation_id: int) -> str:
    """The associated data of a message's payload."""
    return f"message-payload:{conversation_id}"


def variable_binding(workspace_id: int, name: str) -> str:
    """The associated data of a sensitive variable's value."""
    return f"variable:{workspace_id}:{name}"


def _bind_of(session: OrmSession) -> Any:
    bind = session.get_bind()
    return getattr(bind, "engine", bind)


def policy_for(session: OrmSession, workspace_id: int | None) -> Policy:
    """The workspace's sealing policy (cached for `POLICY_TTL` seconds per process)."""
    if workspace_id is None:
        return NO_POLICY
    key = (_bind_of(session), workspace_id)
    now = time.monotonic()
    hit = _policies.get(key)
    if hit is not None and hit[0] > now:
        return hit[1]
    with session.no_autoflush:
        row = session.execute(
            sa.select(WorkspaceSettings.encrypt_messages, WorkspaceSettings.sensitive_variables).where(
                WorkspaceSettings.workspace_id == workspace_id
            )
        ).first()
    found = Policy(bool(row[0]), frozenset(row[1] or ())) if row is not None else NO_POLICY
    _policies[key] = (now + POLICY_TTL, found)
    return found


def forget_policies() -> None:
    """Drop the cached policies (after a settings change in this process, and between tests)."""
    _policies.clear()
    _workspace_of.clear()


def _conversation_workspace(session: OrmSession, conversation_id: int) -> int | None:
    key = (_bind_of(session), conversation_id)
    found = _workspace_of.get(key)
    if found is None:
        conversation = session.identity_map.get(identity_key(Conversation, conversation_id))
        if conversation is not None:
            found = conversation.workspace_id
        else:
            with session.no_autoflush:
                found = session.execute(
                    sa.select(Conversation.workspace_id).where(Conversation.id == conversation_id)
                ).scalar()
        if found is not None:
            if len(_workspace_of) > 100_000:
                _workspace_of.clear()
            _workspace_of[key] = found  # a conversation never changes workspace
    return found


def _changed(obj: Any, attribute: str) -> bool:
    state = sa.inspect(obj)
    return state.transient or state.pending or state.attrs[attribute].history.has_changes()


def is_sealed_payload(payload: Any) -> bool:
    """Whether a stored payload is a sealed one."""
    return isinstance(payload, dict) and len(payload) == 1 and crypto.is_sealed(payload.get(SEALED_KEY))


def seal_payload(payload: dict[str, Any], conversation_id: int) -> dict[str, str]:
    """A payload as stored sealed."""
    return {SEALED_KEY: crypto.seal(json.dumps(payload, ensure_ascii=False), payload_binding(conversation_id))}


def open_payload(payload: dict[str, Any], conversation_id: int) -> dict[str, Any]:
    """A stored payload as plain data (plain payloads pass through)."""
    if not is_sealed_payload(payload):
        return payload
    return json.loads(crypto.open_sealed(payload[SEALED_KEY], payload_binding(conversation_id)))


def seal_variables(values: dict[str, Any], workspace_id: int, sensitive: frozenset[str]) -> dict[str, Any] | None:
    """A copy of `values` with the sensitive ones sealed; None when nothing needed sealing."""
    if not sensitive or not values:
        return None
    sealed: dict[str, Any] | None = None
    for name, value in values.items():
        if name in sensitive and value is not None and not crypto.is_sealed(value):
            sealed = sealed if sealed is not None else dict(values)
            sealed[name] = crypto.seal(json.dumps(value, ensure_ascii=False), variable_binding(workspace_id, name))
    return sealed


def open_variables(values: dict[str, Any], workspace_id: int) -> dict[str, Any] | None:
    """A copy of `values` with sealed ones opened; None when none was sealed. A value no key opens stays
    sealed (and is shown redacted)."""
    opened: dict[str, Any] | None = None
    for name, value in (values or {}).items():
        if crypto.is_sealed(value):
            try:
                plain = json.loads(crypto.open_sealed(value, variable_binding(workspace_id, name)))
            except (crypto.DecryptionError, ValueError):
                log.error("sealing.open_failed", extra={"what": "variable", "workspace_id": workspace_id})
                continue
            opened = opened if opened is not None else dict(values)
            opened[name] = plain
    return opened


def message_at_rest(
    policy: Policy, conversation_id: int, text: str | None, payload: dict[str, Any] | None
) -> tuple[str | None, dict[str, Any] | None]:
    """A message's text and payload as the database keeps them under `policy` (the same objects when
    nothing is sealed)."""
    if not policy.encrypt_messages:
        return text, payload
    if text and not crypto.is_sealed(text):
        text = crypto.seal(text, text_binding(conversation_id))
    if payload and not is_sealed_payload(payload):
        payload = seal_payload(payload, conversation_id)
    return text, payload


def session_at_rest(policy: Policy, workspace_id: int, value: dict[str, Any] | None) -> dict[str, Any] | None:
    """A conversation's flow session as the database keeps it: its sensitive variables sealed (the same
    object when none needed sealing)."""
    sealed = seal_variables((value or {}).get("variables") or {}, workspace_id, policy.sensitive_variables)
    return value if sealed is None else {**value, "variables": sealed}


# ------------------------------------------------------------------------------------------ on flush


def _seal_message(session: OrmSession, message: Message, unsealed: list[tuple[Any, str, Any]]) -> None:
    if message.conversation_id is None:
        return
    text_changed, payload_changed = _changed(message, "text"), _changed(message, "payload")
    if not (text_changed or payload_changed):
        return
    policy = policy_for(session, _conversation_workspace(session, message.conversation_id))
    text, payload = message_at_rest(policy, message.conversation_id, message.text, message.payload)
    if text_changed and text is not message.text:
        unsealed.append((message, "text", message.text))
        message.text = text
    if payload_changed and payload is not message.payload:
        unsealed.append((message, "payload", message.payload))
        message.payload = payload


def _seal_contact(session: OrmSession, contact: Contact, unsealed: list[tuple[Any, str, Any]]) -> None:
    if not contact.variables or not _changed(contact, "variables"):
        return
    sealed = seal_variables(
        contact.variables, contact.workspace_id, policy_for(session, contact.workspace_id).sensitive_variables
    )
    if sealed is not None:
        unsealed.append((contact, "variables", contact.variables))
        contact.variables = sealed


def _seal_conversation(session: OrmSession, conversation: Conversation, unsealed: list[tuple[Any, str, Any]]) -> None:
    if not (conversation.session or {}).get("variables") or not _changed(conversation, "session"):
        return
    stored = session_at_rest(
        policy_for(session, conversation.workspace_id), conversation.workspace_id, conversation.session
    )
    if stored is not conversation.session:
        unsealed.append((conversation, "session", conversation.session))
        conversation.session = stored


@sa.event.listens_for(OrmSession, "before_flush")
def _before_flush(session: OrmSession, _context: Any, _instances: Any) -> None:
    unsealed: list[tuple[Any, str, Any]] = []
    for obj in (*session.new, *session.dirty):
        if isinstance(obj, Message):
            _seal_message(session, obj, unsealed)
        elif isinstance(obj, Contact):
            _seal_contact(session, obj, unsealed)
        elif isinstance(obj, Conversation):
            _seal_conversation(session, obj, unsealed)
    if unsealed:
        session.info.setdefault(_PENDING, []).extend(unsealed)


@sa.event.listens_for(OrmSession, "after_flush_postexec")
def _after_flush(session: OrmSession, _context: Any) -> None:
    """The objects go back to plaintext, as if loaded (the database keeps the sealed values)."""
    for obj, attribute, plain in session.info.pop(_PENDING, ()):
        set_committed_value(obj, attribute, plain)


@sa.event.listens_for(OrmSession, "after_soft_rollback")
def _after_rollback(session: OrmSession, _previous: Any) -> None:
    session.info.pop(_PENDING, None)


# ------------------------------------------------------------------------------------------- on load


def _open_message(message: Message) -> None:
    values = message.__dict__
    conversation_id = values.get("conversation_id")
    text, payload = values.get("text"), values.get("payload")
    try:
        if crypto.is_sealed(text):
            set_committed_value(message, "text", crypto.open_sealed(text, text_binding(conversation_id)))
        if is_sealed_payload(payload):
            set_committed_value(message, "payload", open_payload(payload, conversation_id))
    except (crypto.DecryptionError, ValueError):
        log.error("sealing.open_failed", extra={"what": "message", "message_id": values.get("id")})


def _open_contact(contact: Contact) -> None:
    opened = open_variables(contact.__dict__.get("variables") or {}, contact.__dict__.get("workspace_id"))
    if opened is not None:
        set_committed_value(contact, "variables", opened)


def _open_conversation(conversation: Conversation) -> None:
    stored = conversation.__dict__.get("session") or {}
    opened = open_variables(stored.get("variables") or {}, conversation.__dict__.get("workspace_id"))
    if opened is not None:
        set_committed_value(conversation, "session", {**stored, "variables": opened})


for _model, _open in ((Message, _open_message), (Contact, _open_contact), (Conversation, _open_conversation)):
    sa.event.listen(_model, "load", lambda target, _context, _open=_open: _open(target))
    sa.event.listen(_model, "refresh", lambda target, _context, _attrs, _open=_open: _open(target))
