"""Outgoing webhooks: subscriptions to the workspace's events, and the deliveries they get.

`emit(session, workspace_id, event, data)` records one `WebhookDelivery` per active subscription to the
event, in the caller's transaction, and queues its Celery task once that transaction commits (nothing is
sent for a rolled-back action). The task (`flowstudio.tasks.webhooks`) POSTs the envelope

    {"id": <event id, uuid>, "event": "message.created", "created_at": <ISO 8601>, "workspace": <id>,
     "data": {...}}

signed like the REST channel (`flowstudio.services.integrations.signing`), and retries network errors, 5xx, 408 and
429 after 10 s, 1 min, 5 min, 30 min and 2 h before giving up (`failed`); other answers fail at once.

`message.created` fires on every message, so whether a workspace subscribes to an event at all is cached
per process (invalidated here on every change, and after `CACHE_TTL_S` for changes made elsewhere).

Subscriptions are `webhook_subscriptions`; the delivery log and redelivery `webhook_deliveries`.
"""

from __future__ import annotations

import json
import threading
import time
import uuid
from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, select

from flowstudio.models import (
    Bot,
    Contact,
    Conversation,
    Message,
    WebhookDelivery,
    WebhookSubscription,
    as_utc,
    utcnow,
)
from flowstudio.services.conversations import outbox

EVENTS = ("message.created", "conversation.assigned", "conversation.closed", "contact.updated", "flow.published")


CACHE_TTL_S = 15.0


_AFTER_COMMIT = "flowstudio.webhooks.after_commit"

_subscribed: dict[int, tuple[float, frozenset[str]]] = {}
_cache_lock = threading.Lock()


def subscribed_events(session: Session, workspace_id: int) -> frozenset[str]:
    """The events some active subscription of the workspace wants (cached; one query per miss)."""
    now = time.monotonic()
    with _cache_lock:
        cached = _subscribed.get(workspace_id)
    if cached is not None and now - cached[0] < CACHE_TTL_S:
        return cached[1]
    rows = session.exec(
        select(WebhookSubscription.events).where(
            WebhookSubscription.workspace_id == workspace_id, WebhookSubscription.active
        )
    ).all()
    events = frozenset(event for row in rows for event in (row or []))
    with _cache_lock:
        _subscribed[workspace_id] = (now, events)
    return events


def invalidate(workspace_id: int | None = None) -> None:
    """Forget what is cached for one workspace (or all)."""
    with _cache_lock:
        if workspace_id is None:
            _subscribed.clear()
        else:
            _subscribed.pop(workspace_id, None)


# ------------------------------------------------------------------------------------------------ emitting


def _jsonable(data: Any) -> Any:
    return json.loads(json.dumps(data, default=str))


def queue_after_commit(session: Session, delivery_ids: list[int]) -> None:
    """Queue the deliveries' tasks once the caller's transaction commits (dropped on rollback)."""
    pending: list[int] | None = session.info.get(_AFTER_COMMIT)
    if pending is None:
        pending = session.info[_AFTER_COMMIT] = []

        def committed(_session: Any) -> None:
            ids = list(pending)
            pending.clear()
            if ids:
                outbox.enqueue_webhooks(ids)

        def rolled_back(_session: Any, _previous: Any = None) -> None:
            pending.clear()

        sa.event.listen(session, "after_commit", committed)
        sa.event.listen(session, "after_soft_rollback", rolled_back)
    pending.extend(delivery_ids)


def emit(session: Session, workspace_id: int, event: str, data: dict[str, Any]) -> list[int]:
    """Record `event` for every active subscription of the workspace that wants it (caller's transaction).

    Cheap when nobody subscribes: a cached lookup, no query.

    Returns:
        The ids of the deliveries recorded.
    """
    if event not in subscribed_events(session, workspace_id):
        return []
    subscriptions = [
        s
        for s in session.exec(
            select(WebhookSubscription).where(
                WebhookSubscription.workspace_id == workspace_id, WebhookSubscription.active
            )
        ).all()
        if event in s.events
    ]
    if not subscriptions:
        return []
    now = utcnow()
    envelope = {
        "id": str(uuid.uuid4()),
        "event": event,
        "created_at": now.isoformat(timespec="seconds"),
        "workspace": workspace_id,
        "data": _jsonable(data),
    }
    rows = [
        WebhookDelivery(
            subscription_id=s.id,
            workspace_id=workspace_id,
            event=event,
            event_id=envelope["id"],
            payload=envelope,
            next_attempt_at=now,
        )
        for s in subscriptions
    ]
    session.add_all(rows)
    session.flush()
    ids = [row.id for row in rows]
    queue_after_commit(session, ids)
    return ids


def _message_data(message: Message, conversation: Conversation) -> dict[str, Any]:
    return {
        "message": {
            "id": message.id,
            "direction": getattr(message.direction, "value", message.direction),
            "sender": getattr(message.sender_type, "value", message.sender_type),
            "sender_user_id": message.sender_user_id,
            "kind": message.kind,
            "text": message.text,
            "payload": message.payload,
            "created_at": as_utc(message.created_at).isoformat() if message.created_at else None,
        },
        "conversation": conversation_data(conversation),
    }


def conversation_data(conversation: Conversation) -> dict[str, Any]:
    """The `conversation` object of event payloads."""
    return {
        "id": conversation.id,
        "channel": conversation.channel,
        "contact_id": conversation.contact_id,
        "status": getattr(conversation.status, "value", conversation.status),
        "owner_type": getattr(conversation.owner_type, "value", conversation.owner_type),
        "owner_id": conversation.owner_agent_id or conversation.owner_queue_id or conversation.owner_bot_id,
    }


def message_created(session: Session, conversation: Conversation, message: Message) -> None:
    """`message.created` for one stored message (flushed, so it has its id)."""
    if "message.created" in subscribed_events(session, conversation.workspace_id):
        emit(session, conversation.workspace_id, "message.created", _message_data(message, conversation))


def turn_stored(session: Session, conversation: Conversation, result: Any) -> None:
    """`message.created` for the messages of one inbound turn: the contact's message and every reply queued
    (`result` is the turn's `InboundResult`)."""
    if "message.created" not in subscribed_events(session, conversation.workspace_id):
        return
    ids = [i for i in [result.message_id, *(message_id for message_id, _ in result.deliveries)] if i]
    if not ids:
        return
    for message in session.exec(select(Message).where(Message.id.in_(ids)).order_by(Message.id)).all():
        emit(session, conversation.workspace_id, "message.created", _message_data(message, conversation))


def conversation_event(session: Session, conversation: Conversation, event: str, **extra: Any) -> None:
    """`conversation.assigned` / `conversation.closed` with the conversation and `extra` facts."""
    if event in subscribed_events(session, conversation.workspace_id):
        emit(session, conversation.workspace_id, event, {"conversation": conversation_data(conversation), **extra})


def contact_updated(session: Session, contact: Contact, **extra: Any) -> None:
    """`contact.updated` with the contact as it is now (and what changed, in `extra`)."""
    if "contact.updated" in subscribed_events(session, contact.workspace_id):
        emit(
            session,
            contact.workspace_id,
            "contact.updated",
            {
                "contact": {
                    "id": contact.id,
                    "name": contact.name,
                    "email": contact.email,
                    "phone": contact.phone,
                    "variables": contact.variables,
                },
                **extra,
            },
        )


def flow_published(session: Session, version: Any) -> None:
    """`flow.published` for a newly published `FlowVersion` (its bot, number, changelog and author)."""
    bot = session.get(Bot, version.bot_id)
    if bot is not None and "flow.published" in subscribed_events(session, bot.workspace_id):
        emit(
            session,
            bot.workspace_id,
            "flow.published",
            {
                "bot": {"id": bot.id, "name": bot.name},
                "version": {
                    "number": version.number,
                    "changelog": version.changelog,
                    "author_id": version.author_id,
                    "created_at": version.created_at,
                    "node_count": len((version.document or {}).get("nodes", [])),
                },
            },
        )


def contact_tagged(
    session: Session, conversation: Conversation, *, added: Sequence[str] = (), removed: Sequence[str] = ()
) -> None:
    """`contact.updated` when an agent tags (or untags) the contact's conversation."""
    if "contact.updated" in subscribed_events(session, conversation.workspace_id):
        contact = session.get(Contact, conversation.contact_id)
        if contact is not None:
            contact_updated(
                session,
                contact,
                changed=["tags"],
                conversation_id=conversation.id,
                tags_added=list(added),
                tags_removed=list(removed),
            )
