"""Outgoing webhook deliveries: one task per attempt, the next attempt queued with its backoff.

The delivery row holds the state (attempts, next attempt, status), so the task is idempotent: it sends only
a `pending` delivery that is due, with the row locked while the receiver is called, and a copy of the task
(a redelivery after a worker died, the stuck sweep) finds it delivered or not yet due and does nothing.
"""

from __future__ import annotations

import json
import logging
import time
from dataclasses import dataclass
from datetime import timedelta

import httpx
from celery import shared_task
from sqlmodel import select

from flowstudio import http_pool
from flowstudio.db import session_scope
from flowstudio.models import WebhookDelivery, WebhookStatus, WebhookSubscription, as_utc, utcnow
from flowstudio.services.conversations import outbox
from flowstudio.services.integrations import webhook_deliveries, webhook_subscriptions
from flowstudio.services.integrations.signing import signed_headers

log = logging.getLogger("flowstudio.webhooks")
TIMEOUT_S = 10
EARLY_TOLERANCE = timedelta(seconds=1)
STUCK_AFTER = timedelta(minutes=2)
MAX_ERROR = 500


@dataclass(frozen=True)
class Attempt:
    """What one run of the task did: `delivered`, `retry` (after `countdown` s), `failed` or `skipped`."""

    outcome: str
    countdown: float = 0.0


def _retryable(status_code: int | None) -> bool:
    return status_code is None or status_code >= 500 or status_code in (408, 429)


def attempt_delivery(delivery_id: int) -> Attempt:
    """POST one due, pending delivery to its subscription's URL, signed, and record how it went."""
    with session_scope() as session:
        delivery = session.exec(
            select(WebhookDelivery).where(WebhookDelivery.id == delivery_id).with_for_update()
        ).first()
        now = utcnow()
        if delivery is None or delivery.status != WebhookStatus.PENDING:
            return Attempt("skipped")
        if delivery.next_attempt_at is not None and as_utc(delivery.next_attempt_at) > now + EARLY_TOLERANCE:
            return Attempt("skipped")  # a copy of the task; the due one comes later
        subscription = session.get(WebhookSubscription, delivery.subscription_id)
        if subscription is None or not subscription.active:
            delivery.status, delivery.last_error, delivery.next_attempt_at = (
                WebhookStatus.FAILED,
                "the webhook is paused or deleted",
                None,
            )
            delivery.updated_at = now
            session.add(delivery)
            return Attempt("failed")
        body = json.dumps(delivery.payload, ensure_ascii=False, separators=(",", ":")).encode()
        headers = {
            **signed_headers(webhook_subscriptions.signing_secret(subscription), body),
            "X-FlowStudio-Event": delivery.event,
            "X-FlowStudio-Delivery": delivery.event_id,
        }
        started = time.monotonic()
        status_code: int | None = None
        try:
            response = http_pool.post(subscription.url, content=body, headers=headers, timeout=TIMEOUT_S)
            status_code, error = response.status_code, "" if response.is_success else response.text[:MAX_ERROR]
        except httpx.HTTPError as failure:
            error = f"{type(failure).__name__}: {failure}"[:MAX_ERROR]
        delivery.attempts += 1
        delivery.duration_ms = int((time.monotonic() - started) * 1000)
        delivery.last_status_code, delivery.updated_at = status_code, utcnow()
        if status_code is not None and 200 <= status_code < 300:
            delivery.status, delivery.last_error, delivery.next_attempt_at = WebhookStatus.DELIVERED, "", None
            session.add(delivery)
            return Attempt("delivered")
        delivery.last_error = error or f"HTTP {status_code}"
        due = (
            webhook_deliveries.next_attempt_after(delivery.attempts, delivery.updated_at)
            if _retryable(status_code)
            else None
        )
        delivery.next_attempt_at = due
        if due is None:
            delivery.status = WebhookStatus.FAILED
            session.add(delivery)
            log.warning("webhook.delivery.failed", extra={"delivery_id": delivery.id, "reason": delivery.last_error})
            return Attempt("failed")
        session.add(delivery)
        return Attempt("retry", (due - delivery.updated_at).total_seconds())


@shared_task(name="flowstudio.webhooks.deliver", acks_late=True)
def deliver(delivery_id: int) -> str:
    """One attempt; a retryable failure queues the next one after its backoff."""
    result = attempt_delivery(delivery_id)
    if result.outcome == "retry":
        enqueue([delivery_id], countdown=result.countdown)
    return result.outcome


@shared_task(name="flowstudio.webhooks.requeue_due")
def requeue_due() -> int:
    """Queue again pending deliveries overdue for a while (broker down at emit time, a lost task)."""
    with session_scope() as session:
        ids = session.exec(
            select(WebhookDelivery.id)
            .where(
                WebhookDelivery.status == WebhookStatus.PENDING,
                WebhookDelivery.next_attempt_at < utcnow() - STUCK_AFTER,
            )
            .limit(1000)
        ).all()
    enqueue(list(ids))
    return len(ids)


def enqueue(delivery_ids: list[int], *, countdown: float = 0.0) -> None:
    """Queue the deliveries' tasks (a broker that is down is logged; `requeue_due` catches up later)."""
    for delivery_id in delivery_ids:
        try:
            deliver.apply_async(args=[delivery_id], countdown=countdown or None)
        except Exception:
            log.exception("webhook.delivery.not_queued", extra={"delivery_id": delivery_id})


outbox.provide(outbox.WEBHOOK, lambda delivery_ids: enqueue(delivery_ids))  # read at call time (tests replace it)
