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
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import sqlalchemy as sa
from celery import shared_task
from sqlalchemy.orm import aliased
from sqlmodel import Session, select

from flowstudio.channels.base import ChannelInfo, DeliveryError, Outgoing
from flowstudio.channels.registry import adapter_for
from flowstudio.db import session_scope
from flowstudio.models import (
    Bot,
    ContactIdentity,
    Conversation,
    DeliveryStatus,
    Direction,
    Event,
    Message,
    utcnow,
)
from flowstudio.services.conversations import outbox
from flowstudio.tasks.channel_cache import known_channel
from flowstudio.tasks.publish import publish

log = logging.getLogger("flowstudio.delivery")
MAX_RETRIES = 8
MAX_CUT_OFFS = 3
"""Claims found cut off (the worker died mid-send) before a message is failed instead of tried again."""
STUCK_AFTER = timedelta(minutes=2)
WAIT_TURN_S = 0.5
"""How soon a message waiting for an earlier one of its conversation looks again (not a failure)."""


class NotYet(RuntimeError):
    """An earlier message of the same conversation is still on its way: this one waits its turn."""


def _locked(session: Session, message_id: int) -> Message | None:
    return session.exec(select(Message).where(Message.id == message_id).with_for_update()).first()


def _still_claimed(session: Session, message_id: int, number: int) -> bool:
    """Lock the message again and say whether it is still queued under claim `number` (not the whole row:
    the claim's copy of it is current while the claim stands)."""
    row = session.exec(
        select(Message.status, Message.send_attempts).where(Message.id == message_id).with_for_update()
    ).first()
    return row is not None and row[0] == DeliveryStatus.QUEUED and row[1] == number


@dataclass(frozen=True)
class Claim:
    """A claim taken on a queued message: its number, the message, the channel and what to send."""

    number: int
    message: Message
    channel: ChannelInfo
    outgoing: Outgoing
    workspace_id: int


def _claim_query(message_id: int) -> Any:
    """The message (locked), its conversation's fields, the contact's id on the channel and whether an
    earlier reply of the conversation is still queued: everything a claim reads, in one round trip."""
    earlier = aliased(Message)
    return (
        select(
            Message,
            Conversation.workspace_id,
            Conversation.channel_id,
            Conversation.last_inbound_at,
            sa.func.coalesce(Conversation.language, Bot.language),
            ContactIdentity.external_id,
            select(earlier.id)
            .where(
                earlier.conversation_id == Message.conversation_id,
                earlier.direction == Direction.OUTBOUND,
                earlier.status == DeliveryStatus.QUEUED,
                earlier.id < Message.id,
            )
            .limit(1)
            .scalar_subquery(),
        )
        .join(Conversation, Conversation.id == Message.conversation_id)
        .outerjoin(Bot, Bot.id == sa.func.coalesce(Conversation.owner_bot_id, Conversation.last_bot_id))
        .outerjoin(
            ContactIdentity,
            sa.and_(
                ContactIdentity.contact_id == Conversation.contact_id,
                ContactIdentity.channel_id == Conversation.channel_id,
            ),
        )
        .where(Message.id == message_id)
        .with_for_update(of=Message)
    )


def _claim(session: Session, message_id: int) -> Claim | str:
    """Take this attempt's claim on a queued message (the caller commits it); returns the claim, or the
    outcome when there is nothing to send (`skipped`; `sent` for channels that push nothing; `failed` for a
    message whose claims kept being cut off: a send that kills its worker every time is not tried for ever).

    The claim's commit does not wait for the disk (PostgreSQL's `synchronous_commit` off for it): it is there
    for a worker that dies, and a committed transaction is visible to every other at once, waited for or not;
    only a crash of the database server itself within a fraction of a second could lose it, and the message
    would then look unclaimed, the resend window the module's docstring describes. The `sent` commit waits.

    Raises:
        NotYet: an earlier message of the conversation has not gone out yet.
    """
    row = session.exec(_claim_query(message_id)).first()
    if row is None or row[0].status != DeliveryStatus.QUEUED:
        return "skipped"
    message, workspace_id, channel_id, last_inbound_at, language, recipient, earlier = row
    if earlier is not None:
        raise NotYet(f"message {earlier} goes first")
    channel = known_channel(session, channel_id) if channel_id else None
    adapter = adapter_for(channel.info.kind) if channel else None
    if adapter is None or not adapter.capabilities.push:  # webchat clients read their messages
        message.status, message.updated_at = DeliveryStatus.SENT, utcnow()
        session.add(message)
        return "sent"
    if message.sending_at is not None:  # claimed before and never settled: that worker died mid-send
        message.cut_offs += 1
        log.warning("channel.delivery.resend", extra={"message_id": message.id, "attempts": message.send_attempts})
        if message.cut_offs >= MAX_CUT_OFFS:
            _fail(session, message, workspace_id, f"the send was cut off {message.cut_offs} times")
            return "failed"
    message.send_attempts += 1
    message.sending_at = utcnow()
    session.add(message)
    if session.get_bind().dialect.name == "postgresql":
        session.execute(sa.text("SET LOCAL synchronous_commit TO OFF"))
    return Claim(
        number=message.send_attempts,
        message=message,
        channel=channel.info,
        outgoing=Outgoing(
            recipient=recipient or "",
            output=dict(message.payload),
            last_inbound_at=last_inbound_at,
            message_id=message.id,
            conversation_id=message.conversation_id,
            sender_type=message.sender_type.value,
            language=language or "pt",
        ),
        workspace_id=workspace_id,
    )


def _fail(session: Session, message: Message, workspace_id: int, reason: str) -> None:
    message.status, message.error, message.updated_at = DeliveryStatus.FAILED, reason, utcnow()
    message.sending_at = None
    session.add(message)
    session.add(
        Event(
            workspace_id=workspace_id,
            conversation_id=message.conversation_id,
            name="message.failed",
            data={"message_id": message.id, "reason": reason},
        )
    )
    log.warning("channel.delivery.failed", extra={"message_id": message.id, "reason": reason})


def deliver_message(message_id: int, *, final_attempt: bool) -> str:
    """Send one queued message; returns `sent`, `skipped` or `failed`.

    Messages of a conversation go out in order: while an earlier one is still queued (being retried),
    this one waits. The claim is committed first (`_claim`); the provider is then called with the row
    locked, only while that claim is still the latest. A message the channel renders as several provider
    messages records each part as it goes out (`sent_parts`), so a retry sends only the rest. One database
    session (one pooled connection) serves the claim and the send.

    Raises:
        DeliveryError: a retryable failure while attempts remain (the claim is released).
        NotYet: an earlier message of the conversation has not gone out yet.
    """
    with session_scope() as session:
        claim = _claim(session, message_id)
        session.commit()
        if isinstance(claim, str):
            return claim
        if not _still_claimed(session, message_id, claim.number):
            return "skipped"  # a copy of the task took it over meanwhile
        adapter = adapter_for(claim.channel.kind)
        message: Message | None = claim.message
        try:
            parts = adapter.render(claim.channel, claim.outgoing)
            external_id = ""
            for number in range(message.sent_parts, len(parts)):
                external_id = adapter.send(claim.channel, parts[number])
                if number < len(parts) - 1:
                    # a part out, more to go: counted before the next is sent (not its provider id, whose
                    # statuses must not settle the message while parts are missing)
                    message.sent_parts = number + 1
                    session.add(message)
                    session.commit()
                    message = _locked(session, message_id)
                    if message is None or message.send_attempts != claim.number:
                        return "skipped"
        except DeliveryError as error:
            if error.retryable and not final_attempt:
                message.sending_at = None  # answered: nothing more reached the customer, not a cut-off attempt
                session.add(message)
                session.commit()
                raise
            _fail(session, message, claim.workspace_id, str(error))
            return "failed"
        message.status, message.channel_message_id, message.updated_at = DeliveryStatus.SENT, external_id, utcnow()
        message.sent_parts, message.sending_at = len(parts), None
        session.add(message)
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
