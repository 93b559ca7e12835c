"""Customer satisfaction: the question sent on closing, and the customer's answer (a score of 1-5, stars, and an
optional comment) taken within `CSAT_WINDOW`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlmodel import Session, select

from flowstudio.models import (
    ContactIdentity,
    Conversation,
    DeliveryStatus,
    Direction,
    Event,
    Message,
    SenderType,
    as_utc,
    utcnow,
)
from flowstudio.services.assignment import queues as queue_settings
from flowstudio.services.assignment.handling import Deliveries
from flowstudio.services.assignment.system_messages import language_of, send_system_message
from flowstudio.services.integrations import webhooks

CSAT_WINDOW = timedelta(hours=24)  # how long a CSAT question waits for its answer
_CSAT_ANSWER = re.compile(
    r"^\s*([1-5])\s*(?:(?:/\s*5|estrelas?|stars?|étoiles?|estrellas?)\s*)?"
    r"(?:[-–:,.!)]+\s*(.*))?\s*$",
    re.IGNORECASE | re.DOTALL,
)
_STARS = re.compile(r"^\s*(⭐|★){1,5}\s*$")


@dataclass
class CsatAnswer:
    """A customer's reply taken as the CSAT answer of a conversation."""

    conversation_id: int
    message_id: int
    score: int
    deliveries: Deliveries = field(default_factory=list)


def parse_csat(text: str) -> tuple[int, str | None] | None:
    """A 1-5 score (and an optional comment after it: ``4 - quick and kind``), or None if not an answer."""
    text = (text or "").strip()
    if _STARS.match(text):
        return len(re.findall("⭐|★", text)), None
    match = _CSAT_ANSWER.match(text)
    if match is None:
        return None
    return int(match.group(1)), (match.group(2) or "").strip() or None


def take_csat_answer(
    *,
    session: Session,
    event: Any,
    key: str | None = None,
    conversation: Conversation | None = None,
    now: datetime | None = None,
) -> CsatAnswer | None:
    """Store a customer's reply to a pending CSAT question as the conversation's score.

    Args:
        event: the inbound event (an `InboundEvent`: channel_id, external_user_id, kind, text,
            external_message_id).
        key: the inbound message's idempotency key.
        conversation: the contact's open conversation on the channel (row locked), if any; else the
            newest of the contact's conversations there asked within `CSAT_WINDOW` is looked up.

    A reply that is not a 1-5 score ends the wait (the message is then handled as usual, by the bot or the
    humans); a score is stored with its message and thanked.

    Returns:
        The answer, or None when the message is not a CSAT answer (handle it as usual).
    """
    now = now or utcnow()
    if conversation is None:
        conversation = session.exec(
            select(Conversation)
            .join(ContactIdentity, ContactIdentity.contact_id == Conversation.contact_id)
            .where(
                ContactIdentity.channel_id == event.channel_id,
                ContactIdentity.external_id == event.external_user_id,
                Conversation.channel_id == event.channel_id,
                Conversation.csat_requested_at.is_not(None),
                Conversation.csat_score.is_(None),
                Conversation.csat_requested_at > now - CSAT_WINDOW,
            )
            .order_by(Conversation.id.desc())
            .limit(1)
            .with_for_update(of=Conversation)
        ).first()
    if conversation is None or conversation.csat_requested_at is None or conversation.csat_score is not None:
        return None
    kind, text = event.kind, event.text or ""
    if as_utc(conversation.csat_requested_at) <= now - CSAT_WINDOW:
        conversation.csat_requested_at = None  # too late to count as the answer
        session.add(conversation)
        return None
    parsed = parse_csat(text) if kind in ("text", "click") else None
    if parsed is None:
        conversation.csat_requested_at = None
        session.add(conversation)
        session.add(
            Event(
                workspace_id=conversation.workspace_id,
                conversation_id=conversation.id,
                name="csat.skipped",
                actor_type="system",
                data={"reply": (text or "")[:200]},
            )
        )
        return None
    score, comment = parsed
    inbound = Message(
        conversation_id=conversation.id,
        direction=Direction.INBOUND,
        sender_type=SenderType.CONTACT,
        kind=kind,
        text=text or None,
        payload={"purpose": "csat.answer"},
        channel_message_id=event.external_message_id,
        idempotency_key=key,
        status=DeliveryStatus.RECEIVED,
        created_at=now,
    )
    session.add(inbound)
    conversation.csat_score, conversation.csat_comment = score, comment
    conversation.last_inbound_at = conversation.last_message_at = now
    conversation.inactive_since = None  # the customer answered: not silent any more
    session.add(conversation)
    session.flush()
    webhooks.message_created(session, conversation, inbound)
    session.add(
        Event(
            workspace_id=conversation.workspace_id,
            conversation_id=conversation.id,
            name="csat.answered",
            actor_type="system",
            data={"score": score, "comment": comment},
        )
    )
    thanks = send_system_message(
        session=session,
        conversation=conversation,
        text=queue_settings.default_text("csat_thanks", language_of(conversation)),
        purpose="csat.thanks",
        key=f"csat:{inbound.id}",
    )
    return CsatAnswer(conversation_id=conversation.id, message_id=inbound.id, score=score, deliveries=[thanks])
