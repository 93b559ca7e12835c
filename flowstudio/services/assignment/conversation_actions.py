"""Actions on a conversation an agent has (they own the lock): close, archive, write to the customer, mark read,
set the priority; and the unread counts the inbox shows.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, select

from flowstudio.db import session_scope
from flowstudio.models import (
    Conversation,
    ConversationStatus,
    DeliveryStatus,
    Direction,
    Event,
    Message,
    OwnerType,
    Priority,
    SenderType,
    utcnow,
)
from flowstudio.services.assignment.handling import (
    ACTIVE,
    AssignmentConflict,
    AssignmentError,
    AssignmentNotFound,
    Deliveries,
)
from flowstudio.services.assignment.handoffs import close_conversation
from flowstudio.services.assignment.locking import ActionResult, act
from flowstudio.services.assignment.sweep import assign_waiting
from flowstudio.services.conversations import typing_indicator
from flowstudio.services.flow_manager import owner_changes
from flowstudio.services.integrations import webhooks


def close(
    *,
    conversation_id: int,
    actor_type: str = "agent",
    actor_id: int | None = None,
    reason: str = "closed by the agent",
    workspace_id: int | None = None,
) -> ActionResult:
    """Close the humans' handling (see `close_conversation`), then give waiting conversations to agents who
    now have room."""
    queue_ids: list[int] = []

    def work(session: Session, conversation: Conversation) -> Deliveries:
        queue_ids.append(conversation.queue_id)
        return close_conversation(
            session=session, conversation=conversation, actor_type=actor_type, actor_id=actor_id, reason=reason
        )

    result = act(conversation_id, workspace_id, work)
    if queue_ids and queue_ids[0]:
        assign_waiting(queue_id=queue_ids[0])
    return result


def archive(
    *, conversation_id: int, actor_type: str = "agent", actor_id: int | None = None, workspace_id: int | None = None
) -> ActionResult:
    """Archive a closed conversation (it leaves the inbox's default lists)."""

    def work(session: Session, conversation: Conversation) -> None:
        if conversation.status in ACTIVE and conversation.owner_type != OwnerType.BOT:
            raise AssignmentConflict("errors.assignment.close_first")
        conversation.status = ConversationStatus.ARCHIVED
        session.add(conversation)
        session.add(
            Event(
                workspace_id=conversation.workspace_id,
                conversation_id=conversation.id,
                name="conversation.archived",
                actor_type=actor_type,
                actor_id=None if actor_id is None else str(actor_id),
            )
        )

    return act(conversation_id, workspace_id, work)


def send_agent_message(
    *,
    conversation_id: int,
    agent_id: int,
    text: str = "",
    kind: str = "text",
    payload: dict[str, Any] | None = None,
    workspace_id: int | None = None,
) -> ActionResult:
    """The owning agent writes to the customer (text, or a file: kind ``image``/``document``/... with
    ``payload={"url": ..., "caption": ...}``); queued through the normal delivery path.

    The first one sets the conversation's first response time.

    Raises:
        AssignmentError: the agent does not own the conversation, or the message is empty.
    """

    def work(session: Session, conversation: Conversation) -> Deliveries:
        if conversation.owner_type != OwnerType.AGENT or conversation.owner_agent_id != agent_id:
            raise AssignmentConflict("errors.assignment.accept_first")
        if conversation.status not in ACTIVE:
            raise AssignmentConflict("errors.assignment.closed")
        body = (text or "").strip()
        if kind == "text" and not body:
            raise AssignmentError("errors.assignment.empty_message")
        if kind != "text" and not (payload or {}).get("url"):
            raise AssignmentError("errors.assignment.file_url")
        now = utcnow()
        output = {"type": kind, **({"text": body} if body else {}), **(payload or {})}
        message = Message(
            conversation_id=conversation.id,
            direction=Direction.OUTBOUND,
            sender_type=SenderType.AGENT,
            sender_user_id=agent_id,
            kind=kind,
            text=body or None,
            payload=output,
            status=DeliveryStatus.QUEUED,
        )
        session.add(message)
        conversation.first_response_at = conversation.first_response_at or now
        conversation.last_message_at = conversation.last_read_at = conversation.updated_at = now
        session.add(conversation)
        session.flush()
        webhooks.message_created(session, conversation, message)
        typing_indicator.agent_sent(session=session, conversation=conversation)
        return [(message.id, 0.0)]

    return act(conversation_id, workspace_id, work)


def mark_read(*, conversation_id: int, agent_id: int, workspace_id: int | None = None) -> ActionResult:
    """The agent has read the conversation up to now (its unread count drops to 0)."""
    with session_scope() as session:
        conversation = session.get(Conversation, conversation_id)
        if conversation is None or (workspace_id is not None and conversation.workspace_id != workspace_id):
            raise AssignmentNotFound("errors.assignment.conversation_not_found")
        conversation.last_read_at = utcnow()
        session.add(conversation)
        return ActionResult(
            conversation_id=conversation_id,
            owner=owner_changes.owner_of(conversation),
            status=ConversationStatus(conversation.status).value,
        )


def set_priority(*, conversation_id: int, priority: str, workspace_id: int | None = None) -> None:
    """Set a conversation's priority (low, normal, high, urgent)."""
    try:
        value = Priority(priority)
    except ValueError as error:
        raise AssignmentError("errors.assignment.priority", choices=", ".join(p.value for p in Priority)) from error
    with session_scope() as session:
        conversation = session.get(Conversation, conversation_id)
        if conversation is None or (workspace_id is not None and conversation.workspace_id != workspace_id):
            raise AssignmentNotFound("errors.assignment.conversation_not_found")
        conversation.priority = value
        session.add(conversation)


def unread_counts(*, session: Session, conversation_ids: list[int]) -> dict[int, int]:
    """Conversation id -> customer messages after the last read (all of them if never read)."""
    if not conversation_ids:
        return {}
    rows = session.exec(
        select(Message.conversation_id, sa.func.count())
        .join(Conversation, Conversation.id == Message.conversation_id)
        .where(
            Message.conversation_id.in_(conversation_ids),
            Message.direction == Direction.INBOUND,
            sa.or_(Conversation.last_read_at.is_(None), Message.created_at > Conversation.last_read_at),
        )
        .group_by(Message.conversation_id)
    ).all()
    return {conversation_id: count for conversation_id, count in rows}
