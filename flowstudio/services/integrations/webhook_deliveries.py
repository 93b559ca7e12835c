"""Webhook deliveries: the log, sending one again, and when a failed one is tried next."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlmodel import Session, select

from flowstudio.models import (
    WebhookDelivery,
    WebhookStatus,
    WebhookSubscription,
    utcnow,
)
from flowstudio.services.integrations.webhook_subscriptions import WebhookNotFound
from flowstudio.services.integrations.webhooks import queue_after_commit

BACKOFF_S: tuple[float, ...] = (10, 60, 300, 1800, 7200)  # wait before attempt 2, 3, ...; then `failed`


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
    queue_after_commit(session, [row.id])
    return row


def next_attempt_after(attempts: int, now: datetime) -> datetime | None:
    """When attempt `attempts + 1` is due after `attempts` failed ones, or None once the budget is spent."""
    if attempts > len(BACKOFF_S) or attempts < 1:
        return None
    return now + timedelta(seconds=BACKOFF_S[attempts - 1])
