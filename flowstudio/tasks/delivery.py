"""Outbound delivery: one task per turn (its later messages follow in the same chain), retried with
exponential backoff, idempotent by status.

A message is sent only while it is `queued`, at least once and once where it can be told apart:
- the task is acknowledged after it ran (`task_acks_late`), so a worker that dies hands it back to the
  broker, which gives it to another worker after the redelivery window (see `celery_app`);
- before calling the provider a worker commits its claim (`send_attempts`, `sending_at`), then calls it with
  the row locked: a copy of the task running meanwhile waits for the lock and finds the message `sent`;
- a message already `sent` is skipped, so a redelivered turn sends only what its dead worker had not sent.
The one window left is a worker that dies after the provider accepted a message and before the `sent`
commit: the redelivery finds the claim standing, logs `channel.delivery.resend` and sends it again (the
REST channel's `X-FlowStudio-Message-Id` lets a receiver drop that copy; WhatsApp and Telegram have no such
key). A claim found cut off so MAX_CUT_OFFS times (a send that kills its worker every time) fails the
message. A message the channel sends as several provider messages (a WhatsApp carousel) records each part
that went out (`sent_parts`): a retry or a redelivery sends only the rest. Failures that a retry cannot fix
(a refused payload, the WhatsApp 24-hour window) mark it `failed` with the reason. Each channel's adapter
(`flowstudio.channels.registry`) renders and sends.
"""

from __future__ import annotations

import logging
import time
from datetime import timedelta
from typing import Any

from celery import shared_task
from sqlmodel import select

from flowstudio.channels.base import DeliveryError
from flowstudio.db import get_engine, session_scope
from flowstudio.models import DeliveryStatus, Message, utcnow
from flowstudio.services.conversations import outbox
from flowstudio.services.system import live
from flowstudio.tasks import delivery_rows as rows
from flowstudio.tasks.delivery_rows import MAX_CUT_OFFS, NotYet  # noqa: F401 - part of this module's interface
from flowstudio.tasks.publish import publish

log = logging.getLogger("flowstudio.delivery")
MAX_RETRIES = 8
STUCK_AFTER = timedelta(minutes=2)
WAIT_TURN_S = 0.5
"""How soon a message waiting for an earlier one of its conversation looks again (not a failure)."""


def deliver_message(message_id: int, *, final_attempt: bool) -> str:
    """Send one queued message; returns `sent`, `skipped` or `failed`.

    Messages of a conversation go out in order: while an earlier one is still queued (being retried),
    this one waits. The claim is committed first (`delivery_rows.take_claim`); the provider is then called
    with the row locked, only while that claim is still the latest. A message the channel renders as several
    provider messages records each part as it goes out (`sent_parts`), so a retry sends only the rest. One
    pooled connection serves the claim and the send, without an ORM session (see `delivery_rows`).

    Raises:
        DeliveryError: a retryable failure while attempts remain (the claim is released).
        NotYet: an earlier message of the conversation has not gone out yet.
    """
    with get_engine().connect() as db:  # closing it rolls back what was not committed, and releases the lock
        claim = rows.take_claim(db, message_id)
        db.commit()
        if isinstance(claim, rows.Shown):  # the widget shows it now: tell it (and the inbox)
            live.publish(*claim.topics)
            return "sent"
        if isinstance(claim, str):
            return claim
        if not rows.still_claimed(db, message_id, claim.number):
            return "skipped"  # a copy of the task took it over meanwhile
        adapter = claim.adapter
        try:
            parts = adapter.render(claim.channel, claim.outgoing)
            external_id = ""
            for number in range(claim.sent_parts, len(parts)):
                external_id = adapter.send(claim.channel, parts[number])
                if number < len(parts) - 1:
                    # a part out, more to go: counted before the next is sent (not its provider id, whose
                    # statuses must not settle the message while parts are missing)
                    rows.part_sent(db, message_id, number + 1)
                    db.commit()
                    if not rows.still_claimed(db, message_id, claim.number):
                        return "skipped"
        except DeliveryError as error:
            if error.retryable and not final_attempt:
                rows.release(db, message_id)  # answered: nothing more reached the customer
                db.commit()
                raise
            rows.fail(db, message_id, claim.conversation_id, claim.workspace_id, str(error))
            db.commit()
            return "failed"
        rows.sent(db, message_id, external_id, len(parts))
        db.commit()
        return "sent"


Later = list[list]
"""A turn's messages after a wait: ``[[ids, epoch seconds due], ...]`` in the order they go out."""


@shared_task(
    bind=True, name="flowstudio.delivery.deliver", acks_late=True, max_retries=None, ignore_result=True
)  # nobody reads it: no result stored, no result channel subscribed per send
def deliver(self, message_ids: int | list[int], later: Later | None = None, failures: int = 0) -> str:
    """Deliver outbound messages in order (one id, or the ids a turn queued with the same countdown),
    retrying retryable failures with exponential backoff (2 s .. 5 min, MAX_RETRIES times); then queue the
    turn's next messages (`later`) for when they are due.

    A turn is one broker message instead of one per message or per wait, and its messages cannot race
    each other (as separate tasks, the second often waited a second for the first): the web request
    publishes once, the chain paces the rest. A retry carries the messages not sent yet, `later` and the
    failures so far (the batch shares one budget). Waiting for an earlier message of the conversation is
    not a failure: it neither spends the budget nor lengthens the backoff (Celery's own retry count does
    both, which once left a burst's last reply minutes late, or failed on its first provider error).
    """
    ids = [message_ids] if isinstance(message_ids, int) else list(message_ids)
    outcome = "skipped"
    for position, message_id in enumerate(ids):
        try:
            outcome = deliver_message(message_id, final_attempt=failures >= MAX_RETRIES)
        except NotYet as waiting:
            raise self.retry(
                args=[ids[position:]], kwargs=_later_kwargs(later, failures), exc=waiting, countdown=WAIT_TURN_S
            ) from waiting
        except DeliveryError as error:
            raise self.retry(
                args=[ids[position:]],
                kwargs=_later_kwargs(later, failures + 1),
                exc=error,
                countdown=min(2 ** (failures + 1), 300),
            ) from error
    if later:
        (next_ids, due), rest = later[0], later[1:]
        _queue(next_ids, max(0.0, float(due) - time.time()), rest)
    return outcome


def _later_kwargs(later: Later | None, failures: int = 0) -> dict:
    return {**({"later": later} if later else {}), **({"failures": failures} if failures else {})}


def _queue(
    ids: int | list[int], countdown: float, later: Later, pipeline: tuple[Any, str | None] | None = None
) -> None:
    """Publish a delivery task; a broker that is down is logged (`requeue_stuck` sends the messages later)."""
    try:
        publish(deliver, [ids], _later_kwargs(later), countdown=countdown or None, pipeline=pipeline)
    except Exception:
        log.exception("channel.delivery.not_queued", extra={"message_ids": ids})


@shared_task(name="flowstudio.delivery.requeue_stuck")
def requeue_stuck() -> int:
    """Queue again messages still `queued` after a while (broker down at send time, a lost task)."""
    with session_scope() as session:
        ids = session.exec(
            select(Message.id).where(
                Message.status == DeliveryStatus.QUEUED, Message.created_at < utcnow() - STUCK_AFTER
            )
        ).all()
    for message_id in ids:
        deliver.delay(message_id)
    return len(ids)


def enqueue_deliveries(deliveries: list[tuple[int, float]], *, pipeline: tuple[Any, str | None] | None = None) -> None:
    """Queue the delivery of outbound messages after their countdowns (the flow's wait seconds, from now): one
    task for the first run of consecutive messages with the same countdown, carrying the later runs with
    the time each is due (a single id keeps the plain form). `pipeline`: see `tasks.publish.publish`."""
    planned = outbox.plan(deliveries)
    if planned is not None:
        _queue(*planned, pipeline)


# services queue deliveries through the port; this process publishes them fast
outbox.provide(outbox.DELIVER, enqueue_deliveries)
