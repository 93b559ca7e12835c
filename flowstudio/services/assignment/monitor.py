"""The queue monitor: each queue's line, load, response times, SLA breaches and CSAT, and each agent's load."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, select

from flowstudio.models import (
    AgentStatus,
    AssignmentStrategy,
    Conversation,
    Event,
    OwnerType,
    Queue,
    as_utc,
    utcnow,
)
from flowstudio.services.assignment import agents as agent_service
from flowstudio.services.assignment import queues as queue_settings
from flowstudio.services.assignment.handling import ACTIVE


def _avg(values: list[float]) -> float | None:
    return round(sum(values) / len(values), 1) if values else None


def monitor(
    *, session: Session, workspace_id: int, now: datetime | None = None, since: datetime | None = None
) -> dict[str, Any]:
    """The queue monitor's figures, as plain dicts.

    Args:
        since: the period of the averages and breaches (default: the last 24 hours).

    Returns:
        ``{"generated_at", "since", "queues": [...], "agents": [...], "totals": {...}}`` where each queue
        has ``id, key, name, strategy, open, waiting, longest_wait_seconds, in_progress, agents_online,
        agents_total, avg_first_response_seconds, avg_handling_seconds, sla_breaches, csat_average,
        csat_count``; each agent ``user_id, name, email, role, status, capacity, load, queues``; totals the
        same figures for the whole workspace. First response = the agent's first message minus the time
        the conversation was handed to humans; handling (TMA) = closed minus assigned.
    """
    now = now or utcnow()
    since = since or now - timedelta(hours=24)
    queues = session.exec(
        select(Queue).where(Queue.workspace_id == workspace_id).order_by(Queue.is_default.desc(), Queue.name)
    ).all()
    active = session.exec(
        select(Conversation).where(
            Conversation.workspace_id == workspace_id,
            Conversation.owner_type != OwnerType.BOT,
            Conversation.status.in_(ACTIVE),
        )
    ).all()
    recent = session.exec(
        select(Conversation).where(
            Conversation.workspace_id == workspace_id,
            Conversation.queued_at.is_not(None),
            sa.or_(
                Conversation.first_response_at >= since,
                Conversation.closed_at >= since,
                Conversation.csat_score.is_not(None) & (Conversation.csat_requested_at >= since),
            ),
        )
    ).all()
    breaches = session.exec(
        select(Event).where(
            Event.workspace_id == workspace_id, Event.name == "queue.sla_breached", Event.created_at >= since
        )
    ).all()
    agents = agent_service.list_agents(session=session, workspace_id=workspace_id)

    def figures(
        conversations_now: list[Conversation], done: list[Conversation], breach_count: int, members: list[Any]
    ) -> dict[str, Any]:
        waiting = [c for c in conversations_now if c.owner_type == OwnerType.QUEUE]
        waits = [(now - as_utc(c.waiting_since)).total_seconds() for c in waiting if c.waiting_since]
        first = [
            (as_utc(c.first_response_at) - as_utc(c.queued_at)).total_seconds()
            for c in done
            if c.first_response_at and c.queued_at and as_utc(c.first_response_at) >= since
        ]
        handling = [
            (as_utc(c.closed_at) - as_utc(c.assigned_at)).total_seconds()
            for c in done
            if c.closed_at
            and c.assigned_at
            and as_utc(c.closed_at) >= since
            and as_utc(c.closed_at) >= as_utc(c.assigned_at)
        ]
        scores = [c.csat_score for c in done if c.csat_score]
        return {
            "waiting": len(waiting),
            "longest_wait_seconds": int(max(waits)) if waits else 0,
            "in_progress": sum(1 for c in conversations_now if c.owner_type == OwnerType.AGENT),
            "agents_online": sum(1 for a in members if a.status == AgentStatus.ONLINE.value),
            "agents_total": len(members),
            "avg_first_response_seconds": _avg(first),
            "avg_handling_seconds": _avg(handling),
            "sla_breaches": breach_count,
            "csat_average": _avg([float(s) for s in scores]),
            "csat_count": len(scores),
        }

    queue_rows = []
    for queue in queues:
        members = [a for a in agents if any(q["id"] == queue.id for q in a.queues)]
        row = {
            "id": queue.id,
            "key": queue.key,
            "name": queue.name,
            "strategy": AssignmentStrategy(queue.strategy).value,
            "open": queue_settings.is_open(queue, now),
            "max_wait_seconds": queue.max_wait_seconds,
            **figures(
                [c for c in active if c.queue_id == queue.id or c.owner_queue_id == queue.id],
                [c for c in recent if c.queue_id == queue.id],
                sum(1 for e in breaches if e.data.get("queue_id") == queue.id),
                members,
            ),
        }
        queue_rows.append(row)
    agent_rows = [
        {
            "user_id": a.user_id,
            "name": a.name,
            "email": a.email,
            "role": a.role,
            "status": a.status,
            "capacity": a.capacity,
            "load": a.load,
            "queues": [q["name"] for q in a.queues],
        }
        for a in agents
    ]
    return {
        "generated_at": now.isoformat(),
        "since": since.isoformat(),
        "queues": queue_rows,
        "agents": agent_rows,
        "totals": figures(list(active), list(recent), len(breaches), agents),
    }
