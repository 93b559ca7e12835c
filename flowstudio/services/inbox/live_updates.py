"""A cheap "anything new?" signature the inbox page polls."""

from __future__ import annotations

import sqlalchemy as sa
from sqlmodel import Session, col, select

from flowstudio.models import (
    Conversation,
    Event,
    Message,
)


def signature(*, session: Session, workspace_id: int) -> str:
    """A short string that changes whenever something the inbox shows may have changed in the workspace: a
    new message, an event (owner changes, closes, tags), or a conversation row updated."""
    newest_event = session.exec(select(sa.func.max(Event.id)).where(Event.workspace_id == workspace_id)).one()
    newest_message = session.exec(
        select(sa.func.max(Message.id))
        .join(Conversation, col(Conversation.id) == Message.conversation_id)
        .where(Conversation.workspace_id == workspace_id)
    ).one()
    updated = session.exec(
        select(sa.func.max(Conversation.updated_at), sa.func.max(Conversation.last_read_at)).where(
            Conversation.workspace_id == workspace_id
        )
    ).one()
    return f"{newest_event or 0}:{newest_message or 0}:{updated[0] or ''}:{updated[1] or ''}"
