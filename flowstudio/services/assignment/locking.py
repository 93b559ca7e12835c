"""What actions share: the conversation's lock (the one the inbound path holds for its contact) plus its row
locked ``FOR UPDATE``, and `act`, which runs a change under them and queues its deliveries after commit.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from sqlmodel import Session, select

from flowstudio.db import session_scope
from flowstudio.models import (
    ContactIdentity,
    Conversation,
    ConversationStatus,
    Membership,
    Role,
)
from flowstudio.services.assignment.handling import AssignmentNotFound, Deliveries
from flowstudio.services.assignment.system_messages import deliver
from flowstudio.services.conversations import shown_now
from flowstudio.services.conversations.locks import contact_lock_key, conversation_lock
from flowstudio.services.flow_manager import owner_changes
from flowstudio.services.system import live


@dataclass
class ActionResult:
    """What an action did: the conversation's owner after it and the messages queued."""

    conversation_id: int
    owner: dict[str, Any]
    status: str
    deliveries: Deliveries = field(default_factory=list)
    detail: dict[str, Any] = field(default_factory=dict)


def lock_key(session: Session, conversation: Conversation) -> str:
    """The lock the inbound path holds for this conversation's contact (so actions and messages take turns)."""
    identity = (
        session.exec(
            select(ContactIdentity).where(
                ContactIdentity.contact_id == conversation.contact_id,
                ContactIdentity.channel_id == conversation.channel_id,
            )
        ).first()
        if conversation.channel_id
        else None
    )
    return (
        contact_lock_key(conversation.channel_id, identity.external_id)
        if identity
        else f"conversation:{conversation.id}"
    )


@contextmanager
def locked(conversation_id: int, *, workspace_id: int | None = None) -> Iterator[tuple[Session, Conversation]]:
    """The conversation's lock, a transaction, and its row locked ``FOR UPDATE`` (committed on exit).

    Raises:
        AssignmentError: no such conversation (in that workspace).
    """
    with session_scope() as session:
        conversation = session.get(Conversation, conversation_id)
        if conversation is None or (workspace_id is not None and conversation.workspace_id != workspace_id):
            raise AssignmentNotFound("errors.assignment.conversation_not_found")
        key = lock_key(session, conversation)
    with conversation_lock(key), session_scope() as session:
        row = session.exec(select(Conversation).where(Conversation.id == conversation_id).with_for_update()).one()
        yield session, row


def act(
    conversation_id: int, workspace_id: int | None, work: Callable[[Session, Conversation], Deliveries | None]
) -> ActionResult:
    """Run `work` on the conversation under its lock and row lock, commit, then queue the deliveries it returned
    (a webchat's are shown at once when they can be: `shown_now`) and nudge the pages and widget showing it."""
    with locked(conversation_id, workspace_id=workspace_id) as (session, conversation):
        deliveries = work(session, conversation) or []
        result = ActionResult(
            conversation_id=conversation_id,
            owner=owner_changes.owner_of(conversation),
            status=ConversationStatus(conversation.status).value,
            deliveries=list(deliveries),
        )
        queued = shown_now.show_now(session, conversation, result.deliveries)
        topics = shown_now.topics_of(session, conversation)
    deliver(queued)
    live.publish(*topics)
    return result


def member_role(session: Session, workspace_id: int, user_id: int) -> Role | None:
    """The user's role in the workspace, or None when not a member."""
    role = session.exec(
        select(Membership.role).where(Membership.workspace_id == workspace_id, Membership.user_id == user_id)
    ).first()
    return Role(role) if role else None
