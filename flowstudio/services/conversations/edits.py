"""A customer edited a message they had sent: the stored message takes the new text and keeps the old.

An edit is not a new message: no turn runs and nothing is answered. The message keeps its row and time;
its payload gains ``edited_at`` (ISO time of the latest edit) and ``previous_texts`` (oldest first), so the
inbox can mark it edited and the history stays. A message that retention or a "forget me" erased stays
erased.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlmodel import col, select

from flowstudio.db import session_scope
from flowstudio.models import Conversation, Direction, Event, Message, utcnow
from flowstudio.services.conversations.locks import contact_lock_key, conversation_lock

log = logging.getLogger("flowstudio.conversations")


@dataclass(frozen=True)
class MessageEdit:
    """A channel-neutral edit, as adapters parse it from the wire.

    Attributes:
        channel_id: The channel it came through.
        external_user_id: The sender's id there (whose contact lock is taken).
        external_message_id: The edited message's id, as the adapter gave it when the message arrived.
        text: The new text.
        edited_at: When it was edited, by the provider's clock.
    """

    channel_id: int
    external_user_id: str
    external_message_id: str
    text: str
    edited_at: datetime


def record_edit(edit: MessageEdit) -> bool:
    """Store an edit on the message it changes, under the contact's lock (so an edit right after its message
    finds it written); returns whether anything changed.

    Nothing changes for an unknown message (sent before the bot saw the chat), an erased one, or an edit
    that is not newer than the one stored (a redelivered update).
    """
    stamp = edit.edited_at.astimezone(UTC).isoformat()
    with conversation_lock(contact_lock_key(edit.channel_id, edit.external_user_id)), session_scope() as session:
        found = session.exec(
            select(Message, Conversation.workspace_id)
            .join(Conversation, col(Conversation.id) == Message.conversation_id)
            .where(
                Message.channel_message_id == edit.external_message_id,
                Conversation.channel_id == edit.channel_id,
                Message.direction == Direction.INBOUND,
            )
            .with_for_update(of=Message)
        ).first()
        if found is None:
            log.info(
                "channel.edit.unknown_message",
                extra={"channel_id": edit.channel_id, "external_message_id": edit.external_message_id},
            )
            return False
        message, workspace_id = found
        payload = dict(message.payload or {})
        if message.erased is not None or str(payload.get("edited_at") or "") >= stamp:
            return False
        payload["previous_texts"] = [*payload.get("previous_texts", []), message.text or ""]
        payload["edited_at"] = stamp
        message.text, message.payload, message.updated_at = edit.text, payload, utcnow()
        session.add(message)
        session.add(
            Event(
                workspace_id=workspace_id,
                conversation_id=message.conversation_id,
                name="message.edited",
                actor_type="contact",
                data={"message_id": message.id, "edited_at": stamp},
            )
        )
    return True


def edited_at(message: Message) -> datetime | None:
    """When the customer last edited the message, if they did."""
    stamp = (message.payload or {}).get("edited_at")
    return datetime.fromisoformat(stamp) if stamp else None
