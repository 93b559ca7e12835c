"""Manual tags on a conversation and its priority, each change recorded as an event."""

from __future__ import annotations

import sqlalchemy as sa
from sqlmodel import Session, select

from flowstudio.models import (
    Conversation,
    ConversationTag,
    Event,
    Tag,
)
from flowstudio.services.inbox import scope as inbox_scope
from flowstudio.services.inbox.listing import InboxError, InboxNotFound
from flowstudio.services.integrations import webhooks

MAX_TAG = 64


def _clean_tag(name: str) -> str:
    name = " ".join((name or "").split())
    if not name:
        raise InboxError("errors.inbox.tag_name")
    if len(name) > MAX_TAG:
        raise InboxError("errors.inbox.tag_long", max=MAX_TAG)
    return name


def _conversation_in(session: Session, workspace_id: int, conversation_id: int, user_id: int | None) -> Conversation:
    """The conversation, if in the workspace and (for a member, `user_id`) one they may see."""
    conversation = session.get(Conversation, conversation_id)
    if (
        conversation is None
        or conversation.workspace_id != workspace_id
        or (
            user_id is not None
            and not inbox_scope.member_may_see(session=session, conversation=conversation, user_id=user_id)
        )
    ):
        raise InboxNotFound("errors.inbox.conversation_not_found")
    return conversation


def add_tag(*, session: Session, workspace_id: int, conversation_id: int, name: str, actor_id: int | None) -> str:
    """Tag a conversation (the tag is created in the workspace if new; the same name in another case is the
    same tag). Returns the tag's name as stored.

    Raises:
        InboxError: a bad name, or a conversation the actor (a member) may not see.
    """
    conversation = _conversation_in(session, workspace_id, conversation_id, actor_id)
    name = _clean_tag(name)
    tag = session.exec(
        select(Tag).where(Tag.workspace_id == workspace_id, sa.func.lower(Tag.name) == name.lower())
    ).first()
    if tag is None:
        tag = Tag(workspace_id=workspace_id, name=name)
        session.add(tag)
        session.flush()
    if session.get(ConversationTag, (conversation.id, tag.id)) is None:
        session.add(ConversationTag(conversation_id=conversation.id, tag_id=tag.id))
        session.add(
            Event(
                workspace_id=workspace_id,
                conversation_id=conversation.id,
                name="conversation.tag_added",
                actor_type="agent",
                actor_id=None if actor_id is None else str(actor_id),
                data={"tag": tag.name},
            )
        )
        webhooks.contact_tagged(session, conversation, added=[tag.name])
    session.flush()
    return tag.name


def remove_tag(*, session: Session, workspace_id: int, conversation_id: int, name: str, actor_id: int | None) -> None:
    """Take a tag off a conversation (the tag stays in the workspace).

    Raises:
        InboxError: a conversation the actor (a member) may not see.
    """
    conversation = _conversation_in(session, workspace_id, conversation_id, actor_id)
    tag = session.exec(select(Tag).where(Tag.workspace_id == workspace_id, Tag.name == name)).first()
    link = session.get(ConversationTag, (conversation.id, tag.id)) if tag else None
    if link is not None:
        session.delete(link)
        session.add(
            Event(
                workspace_id=workspace_id,
                conversation_id=conversation.id,
                name="conversation.tag_removed",
                actor_type="agent",
                actor_id=None if actor_id is None else str(actor_id),
                data={"tag": tag.name},
            )
        )
        webhooks.contact_tagged(session, conversation, removed=[tag.name])
        session.flush()


def record_priority(
    *, session: Session, workspace_id: int, conversation_id: int, priority: str, actor_id: int | None
) -> None:
    """An event for a priority change (other agents' inboxes notice it)."""
    session.add(
        Event(
            workspace_id=workspace_id,
            conversation_id=conversation_id,
            name="conversation.priority",
            actor_type="agent",
            actor_id=None if actor_id is None else str(actor_id),
            data={"priority": priority},
        )
    )
