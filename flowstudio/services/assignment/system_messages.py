"""Messages the system sends into a conversation (queue position, transfers, CSAT), in its language, and handing
the queued deliveries to the outbox after commit.
"""

from __future__ import annotations

from sqlmodel import Session

from flowstudio.models import (
    Conversation,
    DeliveryStatus,
    Direction,
    Message,
    SenderType,
    utcnow,
)
from flowstudio.services.assignment.handling import Deliveries
from flowstudio.services.conversations import outbox
from flowstudio.services.integrations import webhooks


def language_of(conversation: Conversation) -> str:
    """The conversation's language for system messages (two letters; Portuguese by default)."""
    return (conversation.language or (conversation.session or {}).get("language") or "pt")[:2]


def send_system_message(
    *, session: Session, conversation: Conversation, text: str, purpose: str, key: str | None = None
) -> tuple[int, float]:
    """Queue a platform message to the customer (position in line, closed hours, CSAT) through delivery.

    Returns:
        ``(message id, 0)`` to hand to `enqueue_deliveries` after commit.
    """
    message = Message(
        conversation_id=conversation.id,
        direction=Direction.OUTBOUND,
        sender_type=SenderType.SYSTEM,
        kind="text",
        text=text,
        payload={"type": "text", "text": text, "purpose": purpose},
        idempotency_key=key,
        status=DeliveryStatus.QUEUED,
    )
    session.add(message)
    session.flush()
    conversation.last_message_at = utcnow()
    webhooks.message_created(session, conversation, message)
    return message.id, 0.0


def deliver(deliveries: Deliveries) -> None:
    """Queue the outbound messages (after the transaction that wrote them committed)."""
    if deliveries:
        outbox.enqueue_deliveries(deliveries)
