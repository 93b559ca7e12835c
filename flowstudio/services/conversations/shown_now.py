"""Messages the customer's client reads itself (webchat): shown by marking them sent, without a task-queue hop,
and the live topics to nudge once a change of a conversation is committed.

A webchat message is "delivered" when the widget may show it (its status `sent`); the delivery task did only
that, a Celery round trip after the agent pressed send. `show_now` does it in the action's own transaction
when the message has no countdown and nothing earlier of the conversation is still queued (the widget reads
messages after the last id it showed, so a later one must never become visible first); otherwise the
deliveries go through the queue as before.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlmodel import Session, col, select

from flowstudio.models import ChannelKind, ContactIdentity, Conversation, DeliveryStatus, Direction, Message, utcnow
from flowstudio.services.conversations.outbox import Deliveries
from flowstudio.services.system import live


def show_now(session: Session, conversation: Conversation, deliveries: Deliveries) -> Deliveries:
    """Mark the webchat conversation's messages without countdown sent (visible) now; returns the deliveries
    still to queue (all of them on other channels, or when an earlier message still waits)."""
    if conversation.channel != ChannelKind.WEBCHAT or not deliveries:
        return deliveries
    now_ids = [message_id for message_id, countdown in deliveries if not countdown]
    if not now_ids or any(countdown and message_id < max(now_ids) for message_id, countdown in deliveries):
        return deliveries  # a message with a countdown comes before one without: keep their order in the queue
    waiting = session.exec(
        select(Message.id)
        .where(
            Message.conversation_id == conversation.id,
            Message.direction == Direction.OUTBOUND,
            Message.status == DeliveryStatus.QUEUED,
            col(Message.id) < min(now_ids),
        )
        .limit(1)
    ).first()
    if waiting is not None:
        return deliveries
    session.execute(
        sa.update(Message)
        .where(col(Message.id).in_(now_ids), col(Message.status) == DeliveryStatus.QUEUED)
        .values(status=DeliveryStatus.SENT, updated_at=utcnow())
    )
    return [(message_id, countdown) for message_id, countdown in deliveries if countdown]


def topics_of(session: Session, conversation: Conversation) -> list[str]:
    """The live topics showing the conversation: its workspace's inbox, and its visitor's widget on webchat."""
    topics = [live.inbox_topic(conversation.workspace_id)]
    if conversation.channel == ChannelKind.WEBCHAT and conversation.channel_id:
        visitor = session.exec(
            select(ContactIdentity.external_id).where(
                ContactIdentity.contact_id == conversation.contact_id,
                ContactIdentity.channel_id == conversation.channel_id,
            )
        ).first()
        if visitor:
            topics.append(live.webchat_topic(conversation.channel_id, visitor))
    return topics
