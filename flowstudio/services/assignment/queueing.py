"""Within a caller's transaction: putting a conversation in a queue, trying to assign it, its position in line,
and giving it to an agent.
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Session, select

from flowstudio.models import (
    AssignmentStrategy,
    Conversation,
    ConversationStatus,
    Event,
    Membership,
    OwnerType,
    Queue,
    utcnow,
)
from flowstudio.services.assignment import queues as queue_settings
from flowstudio.services.assignment.agent_choice import choose_agent, has_room
from flowstudio.services.assignment.handling import (
    ACTIVE,
    AssignmentConflict,
    AssignmentError,
    AssignmentNotFound,
    Deliveries,
)
from flowstudio.services.assignment.system_messages import language_of, send_system_message
from flowstudio.services.flow_manager import deciding, owner_changes
from flowstudio.services.integrations import webhooks


def _set_agent(
    session: Session,
    conversation: Conversation,
    user_id: int,
    *,
    actor_type: str,
    actor_id: int | str | None,
    reason: str,
) -> None:
    now = utcnow()
    owner_changes.change_owner(
        session=session,
        conversation=conversation,
        owner_type=OwnerType.AGENT,
        owner_id=user_id,
        actor_type=actor_type,
        actor_id=actor_id,
        reason=reason,
        data={"queue_id": conversation.queue_id},
    )
    conversation.status = ConversationStatus.OPEN
    conversation.waiting_since = None
    conversation.assigned_at = now
    conversation.position_notified = None
    conversation.queued_at = conversation.queued_at or now
    webhooks.conversation_event(
        session,
        conversation,
        "conversation.assigned",
        agent_id=user_id,
        reason=reason,
        actor={"type": actor_type, "id": actor_id},
    )


def try_assign(
    *,
    session: Session,
    conversation: Conversation,
    actor_type: str = "system",
    actor_id: int | str | None = None,
    now: datetime | None = None,
) -> int | None:
    """Give a waiting conversation (row already locked) to an agent of its queue, if one can take it.

    Nothing happens outside business hours, in a manual queue, or when no online agent has room.

    Returns:
        The agent's user id, or None.
    """
    if conversation.owner_type != OwnerType.QUEUE or conversation.status not in ACTIVE:
        return None
    queue = session.exec(select(Queue).where(Queue.id == conversation.owner_queue_id).with_for_update()).one()
    if not queue_settings.is_open(queue, now):
        return None
    for _attempt in range(3):
        user_id = choose_agent(session=session, queue=queue)
        if user_id is None:
            return None
        room, _why = has_room(session, queue.workspace_id, user_id)
        if not room:  # filled up by another queue's chooser meanwhile: choose again
            continue
        if AssignmentStrategy(queue.strategy) == AssignmentStrategy.ROUND_ROBIN:
            queue.rr_cursor = user_id
            session.add(queue)
        _set_agent(
            session,
            conversation,
            user_id,
            actor_type=actor_type,
            actor_id=actor_id,
            reason=f"{AssignmentStrategy(queue.strategy).value} assignment in queue {queue.name}",
        )
        session.add(conversation)
        session.flush()
        return user_id
    return None


def enqueue(
    *,
    session: Session,
    conversation: Conversation,
    queue_id: int | None,
    actor_type: str,
    actor_id: int | str | None,
    reason: str,
    assign_now: bool = True,
    now: datetime | None = None,
) -> Deliveries:
    """Put a conversation (row locked) in a queue's line and try to give it to an agent at once.

    Outside business hours the customer is told (the queue's closed message) and it waits; otherwise when
    no agent can take it, the customer is told their place in line (when the queue has a position message).

    Args:
        queue_id: the queue (None = the workspace's default queue).

    Returns:
        The outbound messages queued.
    """
    now = now or utcnow()
    if queue_id is None:
        queue = deciding.default_queue(session=session, workspace_id=conversation.workspace_id)
    else:
        queue = session.get(Queue, queue_id)
        if queue is None or queue.workspace_id != conversation.workspace_id:
            raise AssignmentNotFound("errors.assignment.queue_not_found")
    already_human = (
        conversation.owner_type != OwnerType.BOT
        and conversation.queued_at is not None
        and conversation.closed_at is None
    )
    owner_changes.change_owner(
        session=session,
        conversation=conversation,
        owner_type=OwnerType.QUEUE,
        owner_id=queue.id,
        actor_type=actor_type,
        actor_id=actor_id,
        reason=reason,
    )
    conversation.queue_id = queue.id
    conversation.status = ConversationStatus.PENDING
    conversation.waiting_since = now
    conversation.sla_breached_at = None
    conversation.position_notified = None
    if not already_human:  # a new stay with humans: the figures start over
        conversation.queued_at, conversation.assigned_at, conversation.first_response_at = now, None, None
        conversation.closed_at = None
        conversation.last_read_at = now
        conversation.csat_requested_at = conversation.csat_score = conversation.csat_comment = None
    session.add(conversation)
    session.flush()
    deliveries: Deliveries = []
    if not queue_settings.is_open(queue, now):
        opens = queue_settings.next_opening(queue, now)
        template = queue.closed_message or queue_settings.default_text("closed", language_of(conversation))
        text = queue_settings.render(template, queue=queue.name, opens=opens.strftime("%d/%m %H:%M") if opens else "-")
        deliveries.append(
            send_system_message(session=session, conversation=conversation, text=text, purpose="queue.closed")
        )
        session.add(
            Event(
                workspace_id=conversation.workspace_id,
                conversation_id=conversation.id,
                name="queue.outside_hours",
                data={"queue_id": queue.id, "opens": opens.isoformat() if opens else None},
            )
        )
        return deliveries
    if assign_now and try_assign(session=session, conversation=conversation, now=now) is not None:
        return deliveries
    deliveries.extend(notify_position(session=session, conversation=conversation, queue=queue))
    return deliveries


def requeue(
    *, session: Session, conversation: Conversation, actor_type: str, actor_id: int | str | None, reason: str
) -> Deliveries:
    """Put an agent's conversation back in its queue's line (the agent left, or gave it back)."""
    return enqueue(
        session=session,
        conversation=conversation,
        queue_id=conversation.queue_id,
        actor_type=actor_type,
        actor_id=actor_id,
        reason=reason,
    )


def position_in_line(*, session: Session, conversation: Conversation) -> int | None:
    """1 for the next conversation of its queue to be served, None when it is not waiting in a queue."""
    if conversation.owner_type != OwnerType.QUEUE or conversation.waiting_since is None:
        return None
    ahead = session.exec(
        select(sa.func.count())
        .select_from(Conversation)
        .where(
            Conversation.owner_type == OwnerType.QUEUE,
            Conversation.owner_queue_id == conversation.owner_queue_id,
            Conversation.status.in_(ACTIVE),
            Conversation.waiting_since.is_not(None),
            sa.or_(
                Conversation.waiting_since < conversation.waiting_since,
                sa.and_(Conversation.waiting_since == conversation.waiting_since, Conversation.id < conversation.id),
            ),
        )
    )
    return int(ahead.one()) + 1


def notify_position(*, session: Session, conversation: Conversation, queue: Queue | None = None) -> Deliveries:
    """Tell the customer their place in line if it changed since they were last told (and the queue has a
    position message, and is open)."""
    queue = queue or session.get(Queue, conversation.owner_queue_id)
    if queue is None or not queue.position_message or not queue_settings.is_open(queue):
        return []
    position = position_in_line(session=session, conversation=conversation)
    if position is None or position == conversation.position_notified:
        return []
    conversation.position_notified = position
    session.add(conversation)
    text = queue_settings.render(queue.position_message, position=position, queue=queue.name)
    return [send_system_message(session=session, conversation=conversation, text=text, purpose="queue.position")]


def assign_to_agent(
    *,
    session: Session,
    conversation: Conversation,
    user_id: int,
    actor_type: str,
    actor_id: int | str | None,
    reason: str,
    force: bool = False,
) -> None:
    """Give the conversation (row locked) to an agent of the workspace, within their capacity.

    Args:
        force: a supervisor's transfer may go over the agent's capacity.

    Raises:
        AssignmentError: not a member of the workspace, or at capacity (without `force`).
    """
    if conversation.status not in ACTIVE:
        raise AssignmentConflict("errors.assignment.closed")
    member = session.exec(
        select(Membership.id).where(Membership.workspace_id == conversation.workspace_id, Membership.user_id == user_id)
    ).first()
    if member is None:
        raise AssignmentError("errors.assignment.agent_not_member")
    if conversation.owner_type == OwnerType.AGENT and conversation.owner_agent_id == user_id:
        return
    if not force:
        _room, why = has_room(session, conversation.workspace_id, user_id)
        if why is not None:
            raise why
    if conversation.queue_id is None:
        conversation.queue_id = deciding.default_queue(session=session, workspace_id=conversation.workspace_id).id
    if conversation.queued_at is None or conversation.closed_at is not None:
        conversation.queued_at, conversation.first_response_at, conversation.closed_at = utcnow(), None, None
        conversation.last_read_at = utcnow()
    _set_agent(session, conversation, user_id, actor_type=actor_type, actor_id=actor_id, reason=reason)
    session.add(conversation)
    session.flush()
