"""Inactivity markers (a workspace's general settings): conversations whose customer went silent.

- **Inactive** (`inactive_after_minutes`): an open or pending conversation whose customer's last message (or,
  when they never wrote, its creation) is at least that many minutes old gets `inactive_since`: the inbox
  shows an "inactive" badge and its status filter can list them. The customer's next message clears it (the
  inbound path, `flowstudio.services.conversations.inbound`).
- **Closed** (`close_after_minutes`): at least that many minutes of silence and the system closes it, reason
  ``inactivity``, whoever owns it:

  - humans (a queue or an agent): through `handoffs.close_conversation`, exactly as when an agent closes
    (the queue's CSAT question, the agent's room freed and waiting conversations then assigned); when the
    queue hands conversations back to the bot on close, the bot's part is closed as well;
  - a bot: closed as it stands (no CSAT question: that is a queue's setting).

  The customer's next message starts a new conversation.

"At least N minutes" is inclusive: silent since `now - N minutes` or earlier. A sweep (the Celery beat task
`flowstudio.inactivity.sweep`, every minute) visits only workspaces with a marker set; marking is one UPDATE
per workspace, closing takes each conversation's lock and re-reads its silence first, so a message that
arrives meanwhile keeps the conversation open.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, select

from flowstudio.db import session_scope
from flowstudio.models import (
    Conversation,
    ConversationStatus,
    Event,
    OwnerType,
    WorkspaceSettings,
    as_utc,
    utcnow,
)
from flowstudio.services.assignment import handling as assignment
from flowstudio.services.assignment import handoffs, locking
from flowstudio.services.assignment import sweep as queue_sweep
from flowstudio.services.conversations import outbox
from flowstudio.services.flow_manager import owner_changes
from flowstudio.services.integrations import webhooks

log = logging.getLogger("flowstudio.inactivity")
REASON = "inactivity"
BATCH = 200  # conversations closed per workspace and sweep (the rest wait a minute)
ACTIVE = (ConversationStatus.OPEN, ConversationStatus.PENDING)


@dataclass
class InactivityResult:
    """What one sweep did."""

    workspaces: int = 0
    marked: int = 0
    closed: int = 0


def _silent_since() -> Any:
    """When the customer last spoke (the conversation's creation when they never did), as SQL."""
    return sa.func.coalesce(Conversation.last_inbound_at, Conversation.created_at)


def mark_inactive(*, session: Session, workspace_id: int, minutes: int, now: datetime) -> list[int]:
    """Mark the workspace's active conversations silent for at least `minutes` (not yet marked) as inactive
    since `now`, each with a `conversation.inactive` event; returns their ids."""
    limit = now - timedelta(minutes=minutes)
    ids = list(
        session.execute(
            sa.update(Conversation)
            .where(
                Conversation.workspace_id == workspace_id,
                Conversation.status.in_(ACTIVE),
                Conversation.inactive_since.is_(None),
                _silent_since() <= limit,
            )
            .values(inactive_since=now, updated_at=now)
            .returning(Conversation.id)
        )
        .scalars()
        .all()
    )
    for conversation_id in ids:
        session.add(
            Event(
                workspace_id=workspace_id,
                conversation_id=conversation_id,
                name="conversation.inactive",
                actor_type="system",
                data={"minutes": minutes},
            )
        )
    session.flush()
    return ids


def due_to_close(*, session: Session, workspace_id: int, minutes: int, now: datetime, limit: int = BATCH) -> list[int]:
    """Ids of the workspace's active conversations silent for at least `minutes`, oldest silence first."""
    return list(
        session.exec(
            select(Conversation.id)
            .where(
                Conversation.workspace_id == workspace_id,
                Conversation.status.in_(ACTIVE),
                _silent_since() <= now - timedelta(minutes=minutes),
            )
            .order_by(_silent_since(), Conversation.id)
            .limit(limit)
        ).all()
    )


def _close_bot_part(session: Session, conversation: Conversation, now: datetime) -> None:
    """Close a conversation a bot owns (no queue, so no CSAT; `closed_at` stays the humans' end)."""
    conversation.status = ConversationStatus.CLOSED
    conversation.waiting_since = None
    conversation.updated_at = now
    session.add(
        Event(
            workspace_id=conversation.workspace_id,
            conversation_id=conversation.id,
            name="conversation.closed",
            actor_type="system",
            data={"reason": REASON, "owner": owner_changes.owner_of(conversation), "csat_requested": False},
        )
    )
    webhooks.conversation_event(
        session,
        conversation,
        "conversation.closed",
        reason=REASON,
        actor={"type": "system", "id": None},
        returned_to_bot=False,
    )
    session.add(conversation)
    session.flush()


def close_inactive(*, conversation_id: int, minutes: int, now: datetime | None = None) -> bool:
    """Close one conversation for inactivity if it is still active and silent for `minutes` (read again
    under its lock); returns whether it was closed."""
    now = now or utcnow()
    deliveries: assignment.Deliveries = []
    freed_queue: int | None = None
    with locking.locked(conversation_id) as (session, conversation):
        silent_since = as_utc(conversation.last_inbound_at or conversation.created_at)
        if conversation.status not in ACTIVE or silent_since > now - timedelta(minutes=minutes):
            return False  # the customer wrote meanwhile, or somebody closed it
        if conversation.owner_type != OwnerType.BOT:
            freed_queue = conversation.queue_id
            deliveries = handoffs.close_conversation(
                session=session, conversation=conversation, actor_type="system", actor_id=None, reason=REASON
            )
        if conversation.status in ACTIVE:  # a bot's, or handed back to one by the queue
            _close_bot_part(session, conversation, now)
    if deliveries:
        outbox.enqueue_deliveries(deliveries)
    if freed_queue:
        queue_sweep.assign_waiting(queue_id=freed_queue)
    return True


def sweep(*, now: datetime | None = None) -> InactivityResult:
    """Every workspace with an inactivity marker: mark what became inactive, close what is due.

    One workspace or conversation failing does not stop the others (logged).
    """
    now = now or utcnow()
    result = InactivityResult()
    with session_scope() as session:
        policies = [
            (row.workspace_id, row.inactive_after_minutes, row.close_after_minutes)
            for row in session.exec(
                select(WorkspaceSettings)
                .where(
                    sa.or_(
                        WorkspaceSettings.inactive_after_minutes.is_not(None),
                        WorkspaceSettings.close_after_minutes.is_not(None),
                    )
                )
                .order_by(WorkspaceSettings.workspace_id)
            ).all()
        ]
    for workspace_id, inactive_after, close_after in policies:
        result.workspaces += 1
        try:
            if inactive_after:
                with session_scope() as session:
                    result.marked += len(
                        mark_inactive(session=session, workspace_id=workspace_id, minutes=inactive_after, now=now)
                    )
            if close_after:
                with session_scope() as session:
                    due = due_to_close(session=session, workspace_id=workspace_id, minutes=close_after, now=now)
                for conversation_id in due:
                    try:
                        result.closed += close_inactive(conversation_id=conversation_id, minutes=close_after, now=now)
                    except Exception:
                        log.exception("inactivity.close_failed", extra={"conversation_id": conversation_id})
        except Exception:
            log.exception("inactivity.sweep_failed", extra={"workspace_id": workspace_id})
    if result.marked or result.closed:
        log.info("inactivity.sweep", extra={"marked": result.marked, "closed": result.closed})
    return result
