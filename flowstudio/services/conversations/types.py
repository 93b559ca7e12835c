"""A conversation's type: one of the workspace's named conversation types (general settings), or none.

Agents, supervisors and administrators set it in the inbox, API tokens through the REST API; both call
`set_type`. A name outside the workspace's list is refused; the case of the stored name wins ("Sales" for
"sales"). Each change is recorded as a `conversation.type_changed` event (the inbox notices it).
"""

from __future__ import annotations

from sqlmodel import Session

from flowstudio.errors import Invalid, NotFound
from flowstudio.models import Conversation, Event, utcnow
from flowstudio.services.system.workspace_settings import conversation_types


class ConversationTypeError(Invalid):
    """A type that cannot be set; `key` is the i18n key of the reason (`name` the offending one)."""


class ConversationNotFound(ConversationTypeError, NotFound):
    """No such conversation in the workspace."""


def resolve(*, session: Session, workspace_id: int, name: str | None) -> str | None:
    """The workspace's spelling of `name` (None or blank: no type).

    Raises:
        ConversationTypeError: not one of the workspace's types.
    """
    clean = " ".join((name or "").split())
    if not clean:
        return None
    for known in conversation_types(session=session, workspace_id=workspace_id):
        if known.lower() == clean.lower():
            return known
    raise ConversationTypeError("types.unknown", name=clean[:60])


def set_type(
    *,
    session: Session,
    workspace_id: int,
    conversation_id: int,
    name: str | None,
    actor_type: str = "agent",
    actor_id: int | str | None = None,
) -> str | None:
    """Give a conversation of the workspace one of its types (None or blank clears it); returns the stored
    name.

    Raises:
        ConversationTypeError: no such conversation in the workspace, or an unknown type.
    """
    conversation = session.get(Conversation, conversation_id)
    if conversation is None or conversation.workspace_id != workspace_id:
        raise ConversationNotFound("types.not_found")
    value = resolve(session=session, workspace_id=workspace_id, name=name)
    if value == conversation.conversation_type:
        return value
    conversation.conversation_type = value
    conversation.updated_at = utcnow()
    session.add(conversation)
    session.add(
        Event(
            workspace_id=workspace_id,
            conversation_id=conversation.id,
            name="conversation.type_changed",
            actor_type=actor_type,
            actor_id=None if actor_id is None else str(actor_id),
            data={"conversation_type": value},
        )
    )
    session.flush()
    return value
