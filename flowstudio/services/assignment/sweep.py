"""The periodic sweep: assign waiting conversations to agents with room, refresh positions in line, record SLA
breaches; and the same for one agent who just came online.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, select

from flowstudio.db import session_scope
from flowstudio.models import (
    AgentQueue,
    AssignmentStrategy,
    Conversation,
    Event,
    OwnerType,
    Queue,
    as_utc,
    utcnow,
)
from flowstudio.services.assignment import queues as queue_settings
from flowstudio.services.assignment.agent_choice import choose_agent
from flowstudio.services.assignment.handling import ACTIVE, Deliveries
from flowstudio.services.assignment.locking import locked
from flowstudio.services.assignment.queueing import notify_position, try_assign
from flowstudio.services.assignment.system_messages import deliver

log = logging.getLogger("flowstudio.assignment")


@dataclass
class SweepResult:
    """What one sweep did."""

    assigned: int = 0
    positions_sent: int = 0
    sla_breaches: int = 0


def _waiting_ids(session: Session, queue_id: int) -> list[int]:
    return list(
        session.exec(
            select(Conversation.id)
            .where(
                Conversation.owner_type == OwnerType.QUEUE,
                Conversation.owner_queue_id == queue_id,
                Conversation.status.in_(ACTIVE),
            )
            .order_by(Conversation.waiting_since, Conversation.id)
        ).all()
    )


def assign_waiting(*, queue_id: int, now: datetime | None = None) -> SweepResult:
    """Give a queue's waiting conversations, oldest first, to agents with room; then update the places in
    line of those still waiting. One transaction per conversation, each under its lock."""
    result = SweepResult()
    with session_scope() as session:
        queue = session.get(Queue, queue_id)
        if queue is None:
            return result
        waiting = _waiting_ids(session, queue_id)
        can_assign = AssignmentStrategy(queue.strategy) != AssignmentStrategy.MANUAL and queue_settings.is_open(
            queue, now
        )
        has_position = bool(queue.position_message)
    for conversation_id in waiting if can_assign else []:
        with session_scope() as session:
            queue = session.get(Queue, queue_id)
            if choose_agent(session=session, queue=queue) is None:
                break  # nobody has room: the rest keep waiting
        try:
            with locked(conversation_id) as (session, conversation):
                if try_assign(session=session, conversation=conversation, now=now) is not None:
                    result.assigned += 1
        except Exception:
            log.exception("assignment.failed", extra={"conversation_id": conversation_id})
    if has_position:
        result.positions_sent += update_positions(queue_id=queue_id)
    return result


def update_positions(*, queue_id: int) -> int:
    """Tell each waiting customer of the queue their new place in line when it changed; returns how many
    were told. Conversations busy elsewhere (row locked) are skipped until the next sweep."""
    deliveries: Deliveries = []
    with session_scope() as session:
        queue = session.get(Queue, queue_id)
        for conversation_id in _waiting_ids(session, queue_id):
            conversation = session.exec(
                select(Conversation).where(Conversation.id == conversation_id).with_for_update(skip_locked=True)
            ).first()
            if conversation is not None and conversation.owner_type == OwnerType.QUEUE:
                deliveries.extend(notify_position(session=session, conversation=conversation, queue=queue))
    deliver(deliveries)
    return len(deliveries)


def record_sla_breaches(*, session: Session, now: datetime | None = None) -> int:
    """Mark conversations waiting longer than their queue's max wait (once per wait) with a
    ``queue.sla_breached`` event; returns how many."""
    now = now or utcnow()
    rows = session.exec(
        select(Conversation, Queue)
        .join(Queue, Queue.id == Conversation.owner_queue_id)
        .where(
            Conversation.owner_type == OwnerType.QUEUE,
            Conversation.status.in_(ACTIVE),
            Conversation.waiting_since.is_not(None),
            Conversation.sla_breached_at.is_(None),
        )
        .with_for_update(of=Conversation, skip_locked=True)
    ).all()
    count = 0
    for conversation, queue in rows:
        waited = (now - as_utc(conversation.waiting_since)).total_seconds()
        if waited <= queue.max_wait_seconds:
            continue
        conversation.sla_breached_at = now
        session.add(conversation)
        session.add(
            Event(
                workspace_id=conversation.workspace_id,
                conversation_id=conversation.id,
                name="queue.sla_breached",
                actor_type="system",
                data={"queue_id": queue.id, "waited_seconds": int(waited), "max_wait_seconds": queue.max_wait_seconds},
            )
        )
        count += 1
    return count


def sweep(*, now: datetime | None = None) -> SweepResult:
    """The periodic task's work: assign waiting conversations of every queue with any, update places in
    line, record SLA breaches."""
    total = SweepResult()
    with session_scope() as session:
        queue_ids = list(
            session.exec(
                select(Conversation.owner_queue_id)
                .where(Conversation.owner_type == OwnerType.QUEUE, Conversation.status.in_(ACTIVE))
                .distinct()
            ).all()
        )
    for queue_id in queue_ids:
        try:
            done = assign_waiting(queue_id=queue_id, now=now)
        except Exception:
            log.exception("assignment.sweep.failed", extra={"queue_id": queue_id})
            continue
        total.assigned += done.assigned
        total.positions_sent += done.positions_sent
    with session_scope() as session:
        total.sla_breaches = record_sla_breaches(session=session, now=now)
    return total


def agent_went_online(*, workspace_id: int, user_id: int) -> SweepResult:
    """After an agent goes online (or gets more capacity): assign them waiting conversations of their queues."""
    total = SweepResult()
    with session_scope() as session:
        queue_ids = list(
            session.exec(
                select(AgentQueue.queue_id)
                .join(Queue, Queue.id == AgentQueue.queue_id)
                .where(AgentQueue.user_id == user_id, Queue.workspace_id == workspace_id)
            ).all()
        )
    for queue_id in queue_ids:
        done = assign_waiting(queue_id=queue_id)
        total.assigned += done.assigned
        total.positions_sent += done.positions_sent
    return total
