"""What delivery reads and writes of a message row: the claim (one locked read, one write) and how each attempt
ends, as statements built once on the `message` table.

Every reply pays for these, so they are SQLAlchemy Core, not ORM objects: loading a `Message`, tracking its
changes and flushing them through the unit of work cost more CPU than the statements themselves (a profile of
the worker, issue 21). Sealing at rest (`flowstudio.models.sealing`) still holds: the columns written here
(status, attempts, claim, parts, provider id, error) are never sealed, and the payload read here is opened with
`sealing.open_payload`, as loading a `Message` would open it.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

import sqlalchemy as sa

from flowstudio import crypto
from flowstudio.channels.base import ChannelAdapter, ChannelInfo, Outgoing
from flowstudio.channels.registry import adapter_for
from flowstudio.models import Bot, ContactIdentity, Conversation, DeliveryStatus, Direction, Event, Message, utcnow
from flowstudio.models.sealing import open_payload
from flowstudio.services.system import live
from flowstudio.tasks.channel_cache import known_channel

log = logging.getLogger("flowstudio.delivery")
MAX_CUT_OFFS = 3
"""Claims found cut off (the worker died mid-send) before a message is failed instead of tried again."""


def _table(model: type) -> sa.Table:
    return cast(sa.Table, sa.inspect(model).local_table)  # (`Model.__table__`, typed)


_messages, _events = _table(Message), _table(Event)


class NotYet(RuntimeError):
    """An earlier message of the same conversation is still on its way: this one waits its turn."""


@dataclass(frozen=True)
class Claim:
    """A claim taken on a queued message: its number, the parts already sent, the channel, its adapter and what
    to send."""

    number: int
    sent_parts: int
    channel: ChannelInfo
    adapter: ChannelAdapter
    outgoing: Outgoing
    workspace_id: int
    conversation_id: int


_conversations, _bots, _identities = _table(Conversation), _table(Bot), _table(ContactIdentity)
_earlier = _messages.alias("earlier")
_READ = (
    sa.select(
        _messages.c.status,
        _messages.c.conversation_id,
        _messages.c.payload,
        _messages.c.sender_type,
        _messages.c.sending_at,
        _messages.c.send_attempts,
        _messages.c.sent_parts,
        _messages.c.cut_offs,
        _conversations.c.workspace_id,
        _conversations.c.channel_id,
        _conversations.c.last_inbound_at,
        sa.func.coalesce(_conversations.c.language, _bots.c.language),
        _identities.c.external_id,
        sa.select(_earlier.c.id)
        .where(
            _earlier.c.conversation_id == _messages.c.conversation_id,
            _earlier.c.direction == Direction.OUTBOUND,
            _earlier.c.status == DeliveryStatus.QUEUED,
            _earlier.c.id < _messages.c.id,
        )
        .limit(1)
        .scalar_subquery(),
    )
    .select_from(
        _messages.join(_conversations, _conversations.c.id == _messages.c.conversation_id)
        .outerjoin(_bots, _bots.c.id == sa.func.coalesce(_conversations.c.owner_bot_id, _conversations.c.last_bot_id))
        .outerjoin(
            _identities,
            sa.and_(
                _identities.c.contact_id == _conversations.c.contact_id,
                _identities.c.channel_id == _conversations.c.channel_id,
            ),
        )
    )
    .where(_messages.c.id == sa.bindparam("message_id"))
    .with_for_update(of=_messages)
)
"""Everything a claim reads, in one round trip: the message (locked), its conversation's fields, the contact's
id on the channel and whether an earlier reply of the conversation is still queued. Built once: building it
(the alias above all) cost more than running it."""
_READ_PG = _READ.add_columns(sa.func.set_config("synchronous_commit", "off", True))
"""The same, also setting `synchronous_commit` off for its transaction (`SET LOCAL`, without a round trip)."""

_STILL_CLAIMED = (
    sa.select(_messages.c.status, _messages.c.send_attempts)
    .where(_messages.c.id == sa.bindparam("message_id"))
    .with_for_update()
)


def _update(**values: Any) -> sa.Update:
    return sa.update(_messages).where(_messages.c.id == sa.bindparam("message_id")).values(**values)


_TAKE = _update(send_attempts=sa.bindparam("number"), sending_at=sa.bindparam("at"), cut_offs=sa.bindparam("cuts"))
_RELEASE = _update(sending_at=None)
_PART_SENT = _update(sent_parts=sa.bindparam("parts"))
_SENT = _update(
    status=DeliveryStatus.SENT,
    channel_message_id=sa.bindparam("external_id"),
    updated_at=sa.bindparam("at"),
    sent_parts=sa.bindparam("parts"),
    sending_at=None,
)
_PUSHED_BY_NOBODY = _update(status=DeliveryStatus.SENT, updated_at=sa.bindparam("at"))
_FAILED = _update(
    status=DeliveryStatus.FAILED, error=sa.bindparam("reason"), updated_at=sa.bindparam("at"), sending_at=None
)
_CUT_OFF = _update(cut_offs=sa.bindparam("cuts"))


@dataclass(frozen=True)
class Shown:
    """A message of a channel whose client reads it (webchat) marked sent: the live topics to nudge once the
    caller has committed it (the visitor's widget, the inbox)."""

    topics: tuple[str, ...]


def take_claim(db: sa.Connection, message_id: int) -> Claim | Shown | str:
    """Take this attempt's claim on a queued message (the caller commits it); returns the claim, `Shown` for
    channels that push nothing (now visible), or the outcome when there is nothing to send (`skipped`;
    `failed` for a message whose claims kept being cut off: a send that kills its worker every time is not
    tried for ever).

    The claim's transaction does not wait for the disk as it commits (on PostgreSQL, `synchronous_commit` off
    for it, set by the read itself: `_READ_PG`): a claim is there for a worker that dies, and a committed
    transaction is visible to every other at once, waited for or not; only a crash of the database server
    itself within a fraction of a second could lose it, and the message would then look unclaimed, the resend
    window `flowstudio.tasks.delivery` describes (or, for the outcomes, be settled again). The `sent` commit
    waits.

    Raises:
        NotYet: an earlier message of the conversation has not gone out yet.
    """
    row = db.execute(_READ_PG if db.dialect.name == "postgresql" else _READ, {"message_id": message_id}).first()
    if row is None or row[0] != DeliveryStatus.QUEUED:
        return "skipped"
    (_, conversation_id, payload, sender_type, sending_at, attempts, sent_parts, cut_offs) = row[:8]
    workspace_id, channel_id, last_inbound_at, language, recipient, earlier = row[8:14]
    if earlier is not None:
        raise NotYet(f"message {earlier} goes first")
    channel = known_channel(channel_id) if channel_id else None
    adapter = adapter_for(channel.info.kind) if channel else None
    if channel is None or adapter is None or not adapter.capabilities.push:  # webchat clients read their messages
        db.execute(_PUSHED_BY_NOBODY, {"message_id": message_id, "at": utcnow()})
        visitor = (live.webchat_topic(channel_id, recipient),) if channel_id and recipient else ()
        return Shown((*visitor, live.inbox_topic(workspace_id)))
    if sending_at is not None:  # claimed before and never settled: that worker died mid-send
        cut_offs += 1
        log.warning("channel.delivery.resend", extra={"message_id": message_id, "attempts": attempts})
        if cut_offs >= MAX_CUT_OFFS:
            db.execute(_CUT_OFF, {"message_id": message_id, "cuts": cut_offs})
            fail(db, message_id, conversation_id, workspace_id, f"the send was cut off {cut_offs} times")
            return "failed"
    db.execute(_TAKE, {"message_id": message_id, "number": attempts + 1, "at": utcnow(), "cuts": cut_offs})
    return Claim(
        number=attempts + 1,
        sent_parts=sent_parts,
        channel=channel.info,
        adapter=adapter,
        outgoing=Outgoing(
            recipient=recipient or "",
            output=_opened(payload, conversation_id, message_id),
            last_inbound_at=last_inbound_at,
            message_id=message_id,
            conversation_id=conversation_id,
            sender_type=str(getattr(sender_type, "value", sender_type)),
            language=language or "pt",
        ),
        workspace_id=workspace_id,
        conversation_id=conversation_id,
    )


def _opened(payload: dict[str, Any], conversation_id: int, message_id: int) -> dict[str, Any]:
    """The payload as the engine wrote it (a sealed one opened; one that no key opens stays as stored, as a
    loaded `Message` keeps it, logged)."""
    try:
        return dict(open_payload(payload, conversation_id))
    except (crypto.DecryptionError, ValueError):
        log.error("sealing.open_failed", extra={"what": "message", "message_id": message_id})
        return dict(payload)


def still_claimed(db: sa.Connection, message_id: int, number: int) -> bool:
    """Lock the message again and say whether it is still queued under claim `number`."""
    row = db.execute(_STILL_CLAIMED, {"message_id": message_id}).first()
    return row is not None and row[0] == DeliveryStatus.QUEUED and row[1] == number


def part_sent(db: sa.Connection, message_id: int, parts: int) -> None:
    """Count the parts of the message that went out so far."""
    db.execute(_PART_SENT, {"message_id": message_id, "parts": parts})


def release(db: sa.Connection, message_id: int) -> None:
    """The provider answered with a failure worth retrying: the claim no longer stands (not a cut-off)."""
    db.execute(_RELEASE, {"message_id": message_id})


def sent(db: sa.Connection, message_id: int, external_id: str, parts: int, at: datetime | None = None) -> None:
    """The message went out, all `parts` of it; `external_id` is the provider's id of its last part."""
    db.execute(_SENT, {"message_id": message_id, "external_id": external_id, "parts": parts, "at": at or utcnow()})


def fail(db: sa.Connection, message_id: int, conversation_id: int, workspace_id: int, reason: str) -> None:
    """Mark the message failed with `reason`, and record a `message.failed` event."""
    at = utcnow()
    db.execute(_FAILED, {"message_id": message_id, "reason": reason, "at": at})
    db.execute(
        _events.insert(),
        {
            "workspace_id": workspace_id,
            "conversation_id": conversation_id,
            "name": "message.failed",
            "actor_type": "system",
            "data": {"message_id": message_id, "reason": reason},
            "created_at": at,
        },
    )
    log.warning("channel.delivery.failed", extra={"message_id": message_id, "reason": reason})
