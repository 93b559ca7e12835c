"""Every owner change of a conversation: `change_owner` gives it to one new owner (a bot, a queue or an agent) and
records a ``conversation.owner_changed`` event with who did it (bot, agent, user or system, and their id) and why.
"""

from __future__ import annotations

from typing import Any

from sqlmodel import Session

from flowstudio.models import (
    Conversation,
    Event,
    OwnerType,
    utcnow,
)
from flowstudio.services.flow_manager.rules import RoutingError

ACTOR_TYPES = ("bot", "agent", "user", "system")


def owner_of(conversation: Conversation) -> dict[str, Any]:
    """The conversation's owner as plain data: ``{"type": "bot"|"queue"|"agent", "id": int}``."""
    kind = OwnerType(conversation.owner_type)
    ids = {
        OwnerType.BOT: conversation.owner_bot_id,
        OwnerType.QUEUE: conversation.owner_queue_id,
        OwnerType.AGENT: conversation.owner_agent_id,
    }
    return {"type": kind.value, "id": ids[kind]}


def change_owner(
    *,
    session: Session,
    conversation: Conversation,
    owner_type: OwnerType | str,
    owner_id: int,
    actor_type: str,
    actor_id: int | str | None,
    reason: str,
    data: dict[str, Any] | None = None,
) -> Event | None:
    """Give the conversation to one new owner and record who did it and why.

    Keeps the one-owner rule (the other owner columns are cleared), remembers the last bot that had it
    (closing may return it there), tells the flow session whether its bot owns the conversation (so a bot
    stays silent while humans have it), and adds a ``conversation.owner_changed`` event with
    ``{"from": owner, "to": owner, "reason": ..., **data}``.

    Returns:
        The event, or None when the owner did not change.

    Raises:
        RoutingError: an unknown actor type.
    """
    if actor_type not in ACTOR_TYPES:
        raise RoutingError("errors.routing.actor", choices=", ".join(ACTOR_TYPES))
    owner_type = OwnerType(owner_type)
    before = owner_of(conversation)
    if before == {"type": owner_type.value, "id": owner_id}:
        return None
    if conversation.owner_type == OwnerType.BOT and conversation.owner_bot_id:
        conversation.last_bot_id = conversation.owner_bot_id
    conversation.owner_type = owner_type
    conversation.owner_bot_id = owner_id if owner_type == OwnerType.BOT else None
    conversation.owner_queue_id = owner_id if owner_type == OwnerType.QUEUE else None
    conversation.owner_agent_id = owner_id if owner_type == OwnerType.AGENT else None
    flow_session = dict(conversation.session or {})
    if flow_session:
        flow_session["owner_kind"] = "bot" if owner_type == OwnerType.BOT else owner_type.value
        flow_session["owner_id"] = None if owner_type == OwnerType.BOT else str(owner_id)
        conversation.session = flow_session
    conversation.updated_at = utcnow()
    session.add(conversation)
    event = Event(
        workspace_id=conversation.workspace_id,
        conversation_id=conversation.id,
        name="conversation.owner_changed",
        actor_type=actor_type,
        actor_id=None if actor_id is None else str(actor_id),
        data={"from": before, "to": {"type": owner_type.value, "id": owner_id}, "reason": reason, **(data or {})},
    )
    session.add(event)
    return event
