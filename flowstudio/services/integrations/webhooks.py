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
"""

from __future__ import annotations

import json
import secrets as random_secrets
import threading
import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlparse

import sqlalchemy as sa
from sqlmodel import Session, select

from flowstudio.crypto import open_sealed, seal
from flowstudio.errors import Invalid, NotFound
from flowstudio.models import (
    Bot,
    Contact,
    Conversation,
    Message,
    User,
    WebhookDelivery,
    WebhookStatus,
    WebhookSubscription,
    as_utc,
    utcnow,
)
from flowstudio.services.conversations import outbox
from flowstudio.services.privacy import audit

EVENTS = ("message.created", "conversation.assigned", "conversation.closed", "contact.updated", "flow.published")
BACKOFF_S: tuple[float, ...] = (10, 60, 300, 1800, 7200)  # wait before attempt 2, 3, ...; then `failed`
CACHE_TTL_S = 15.0
MAX_URL = 500
_AFTER_COMMIT = "flowstudio.webhooks.after_commit"

_subscribed: dict[int, tuple[float, frozenset[str]]] = {}
_cache_lock = threading.Lock()


class WebhookError(Invalid):
    """A subscription that cannot be saved, or a delivery that cannot be redelivered; the message says why."""


class WebhookNotFound(WebhookError, NotFound):
    """No such subscription or delivery in the workspace (or its subscription is gone)."""


def _user_id(actor: Any) -> int | None:
    """The acting user's id: a `Principal`'s `user_id`, a `User`'s `id`, else None."""
    return getattr(actor, "user_id", None) or (actor.id if isinstance(actor, User) else None)


@dataclass(frozen=True)
class SubscriptionView:
    """A subscription as pages and the API show it (never its secret)."""

    id: int
    url: str
    events: list[str]
    active: bool
    description: str
    created_at: datetime
    delivered: int
    failed: int


# ---------------------------------------------------------------------------------------------- the cache


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


def _queue_after_commit(session: Session, delivery_ids: list[int]) -> None:
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
    _queue_after_commit(session, ids)
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


# ----------------------------------------------------------------------------------------- subscriptions


def _sealed_with(workspace_id: int, subscription_id: int) -> str:
    return f"webhook:{workspace_id}:{subscription_id}"


def signing_secret(subscription: WebhookSubscription) -> str:
    """The subscription's signing secret in clear (for the delivery task only)."""
    return open_sealed(subscription.secret, _sealed_with(subscription.workspace_id, subscription.id))


def _clean(url: str, events: list[str]) -> tuple[str, list[str]]:
    url = (url or "").strip()
    parsed = urlparse(url)
    if parsed.scheme not in ("http", "https") or not parsed.hostname:
        raise WebhookError("developers.err.url")
    if len(url) > MAX_URL:
        raise WebhookError("developers.err.url_long", max=MAX_URL)
    unknown = [e for e in events if e not in EVENTS]
    if unknown:
        raise WebhookError("developers.err.events_unknown", unknown=", ".join(unknown), known=", ".join(EVENTS))
    chosen = [e for e in EVENTS if e in events]
    if not chosen:
        raise WebhookError("developers.err.events_none")
    return url, chosen


def _owned(session: Session, workspace_id: int, subscription_id: int) -> WebhookSubscription:
    row = session.get(WebhookSubscription, subscription_id)
    if row is None or row.workspace_id != workspace_id:
        raise WebhookNotFound("developers.err.no_webhook")
    return row


def create_subscription(
    *, session: Session, workspace_id: int, url: str, events: list[str], description: str = "", actor: Any = None
) -> tuple[WebhookSubscription, str]:
    """A new active subscription; returns it and its signing secret, shown this once.

    Raises:
        WebhookError: a bad URL, no events or an unknown one.
    """
    url, chosen = _clean(url, events)
    row = WebhookSubscription(
        workspace_id=workspace_id,
        url=url,
        events=chosen,
        description=description.strip()[:200],
        created_by=_user_id(actor),
    )
    session.add(row)
    session.flush()
    secret = "whsec_" + random_secrets.token_urlsafe(24)
    row.secret = seal(secret, _sealed_with(workspace_id, row.id))
    session.add(row)
    audit.record(
        session,
        "webhook.created",
        workspace_id=workspace_id,
        actor=actor,
        target=("webhook", row.id),
        details={"url": url, "events": chosen},
    )
    session.flush()
    invalidate(workspace_id)
    return row, secret


def update_subscription(
    *,
    session: Session,
    workspace_id: int,
    subscription_id: int,
    url: str | None = None,
    events: list[str] | None = None,
    active: bool | None = None,
    description: str | None = None,
    actor: Any = None,
) -> WebhookSubscription:
    """Change a subscription's URL, events, description or whether it is active.

    Raises:
        WebhookError: not found in the workspace, or bad values.
    """
    row = _owned(session, workspace_id, subscription_id)
    clean_url, chosen = _clean(row.url if url is None else url, row.events if events is None else events)
    row.url, row.events = clean_url, chosen
    if active is not None:
        row.active = bool(active)
    if description is not None:
        row.description = description.strip()[:200]
    row.updated_at = utcnow()
    session.add(row)
    audit.record(
        session,
        "webhook.changed",
        workspace_id=workspace_id,
        actor=actor,
        target=("webhook", row.id),
        details={"url": row.url, "events": chosen, "active": row.active},
    )
    session.flush()
    invalidate(workspace_id)
    return row


def delete_subscription(*, session: Session, workspace_id: int, subscription_id: int, actor: Any = None) -> None:
    """Delete a subscription and its delivery log."""
    row = _owned(session, workspace_id, subscription_id)
    session.exec(sa.delete(WebhookDelivery).where(WebhookDelivery.subscription_id == row.id))
    session.delete(row)
    audit.record(
        session,
        "webhook.deleted",
        workspace_id=workspace_id,
        actor=actor,
        target=("webhook", row.id),
        details={"url": row.url},
    )
    session.flush()
    invalidate(workspace_id)


def list_subscriptions(*, session: Session, workspace_id: int) -> list[SubscriptionView]:
    """The workspace's subscriptions, oldest first, with their delivered and failed counts."""
    counts: dict[tuple[int, str], int] = {
        (sid, getattr(st, "value", st)): n
        for sid, st, n in session.exec(
            select(WebhookDelivery.subscription_id, WebhookDelivery.status, sa.func.count())
            .where(WebhookDelivery.workspace_id == workspace_id)
            .group_by(WebhookDelivery.subscription_id, WebhookDelivery.status)
        ).all()
    }
    rows = session.exec(
        select(WebhookSubscription)
        .where(WebhookSubscription.workspace_id == workspace_id)
        .order_by(WebhookSubscription.id)
    ).all()
    return [
        SubscriptionView(
            id=r.id,
            url=r.url,
            events=list(r.events),
            active=r.active,
            description=r.description,
            created_at=r.created_at,
            delivered=counts.get((r.id, "delivered"), 0),
            failed=counts.get((r.id, "failed"), 0),
        )
        for r in rows
    ]


def get_subscription(*, session: Session, workspace_id: int, subscription_id: int) -> SubscriptionView:
    """One subscription of the workspace (raises `WebhookError` when it is not there)."""
    _owned(session, workspace_id, subscription_id)
    return next(s for s in list_subscriptions(session=session, workspace_id=workspace_id) if s.id == subscription_id)


# -------------------------------------------------------------------------------------------- deliveries


def deliveries(
    *,
    session: Session,
    workspace_id: int,
    subscription_id: int | None = None,
    status: str | None = None,
    limit: int = 50,
) -> list[WebhookDelivery]:
    """The workspace's deliveries, newest first (optionally of one subscription, or in one status)."""
    query = select(WebhookDelivery).where(WebhookDelivery.workspace_id == workspace_id)
    if subscription_id is not None:
        query = query.where(WebhookDelivery.subscription_id == subscription_id)
    if status:
        query = query.where(WebhookDelivery.status == WebhookStatus(status))
    return list(session.exec(query.order_by(WebhookDelivery.id.desc()).limit(max(1, min(limit, 500)))).all())


def redeliver(*, session: Session, workspace_id: int, delivery_id: int) -> WebhookDelivery:
    """Send a delivery's event again, now, as a new delivery with the same event id (the log keeps both).

    Raises:
        WebhookError: not found in the workspace, or its subscription is gone.
    """
    original = session.get(WebhookDelivery, delivery_id)
    if original is None or original.workspace_id != workspace_id:
        raise WebhookNotFound("developers.err.no_delivery")
    subscription = session.get(WebhookSubscription, original.subscription_id)
    if subscription is None:
        raise WebhookNotFound("developers.err.webhook_deleted")
    row = WebhookDelivery(
        subscription_id=original.subscription_id,
        workspace_id=workspace_id,
        event=original.event,
        event_id=original.event_id,
        payload=dict(original.payload),
        next_attempt_at=utcnow(),
    )
    session.add(row)
    session.flush()
    _queue_after_commit(session, [row.id])
    return row


def next_attempt_after(attempts: int, now: datetime) -> datetime | None:
    """When attempt `attempts + 1` is due after `attempts` failed ones, or None once the budget is spent."""
    if attempts > len(BACKOFF_S) or attempts < 1:
        return None
    return now + timedelta(seconds=BACKOFF_S[attempts - 1])


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
