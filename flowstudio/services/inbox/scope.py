"""Which conversations a member may see: the one rule the inbox (list, counts, search, the chat pane), its
page events and the REST API share.

Members whose role has `conversations.all` (admins, supervisors, developers) see every conversation of
their workspace. Everyone else (agents) sees only the conversations they own and those waiting in a queue
they serve, as the README's roles table says. An API token has a role and, when it was created for a member,
acts for that member (`ApiCaller.user_id`): an agent's token sees what the agent sees; one for no member sees
no conversation.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, select

from flowstudio.models import AgentQueue, Contact, Conversation, OwnerType, Role
from flowstudio.services.identity import permissions


def sees_all(role: Role | str | None) -> bool:
    """Whether the role sees every conversation of the workspace (not only its own and its queues')."""
    return permissions.allows(role, permissions.CONVERSATIONS_ALL)


def agent_clause(user_id: int | None) -> Any:
    """The SQL condition "owned by this member, or waiting in a queue they serve" (false for no member)."""
    if user_id is None:
        return sa.false()
    served = select(AgentQueue.queue_id).where(AgentQueue.user_id == user_id)
    return sa.or_(
        sa.and_(Conversation.owner_type == OwnerType.AGENT, Conversation.owner_agent_id == user_id),
        sa.and_(Conversation.owner_type == OwnerType.QUEUE, Conversation.owner_queue_id.in_(served)),
    )


def clause(*, role: Role | str | None, user_id: int | None) -> Any:
    """The SQL condition on `Conversation` a member (or a token: `user_id` None) may see, within a workspace
    the caller already filters on."""
    return sa.true() if sees_all(role) else agent_clause(user_id)


def member_clause(*, session: Session, workspace_id: int, user_id: int) -> Any:
    """`clause` for a member, their role read now (a demotion narrows it at the next read)."""
    role = permissions.member_role(session=session, workspace_id=workspace_id, user_id=user_id)
    return clause(role=role, user_id=user_id) if role is not None else sa.false()


def may_see(*, session: Session, conversation: Conversation, role: Role | str | None, user_id: int | None) -> bool:
    """Whether the member (or token) may see this conversation, whose workspace the caller already checked."""
    if sees_all(role):
        return True
    if user_id is None:
        return False
    if conversation.owner_type == OwnerType.AGENT:
        return conversation.owner_agent_id == user_id
    if conversation.owner_type == OwnerType.QUEUE and conversation.owner_queue_id is not None:
        return session.get(AgentQueue, (conversation.owner_queue_id, user_id)) is not None
    return False


def member_may_see(*, session: Session, conversation: Conversation, user_id: int) -> bool:
    """`may_see` for a member of the conversation's workspace, their role read now."""
    role = permissions.member_role(session=session, workspace_id=conversation.workspace_id, user_id=user_id)
    return role is not None and may_see(session=session, conversation=conversation, role=role, user_id=user_id)


def may_see_contact(*, session: Session, contact: Contact, role: Role | str | None, user_id: int | None) -> bool:
    """Whether the member (or token) may see a contact: any role that sees all, or one of the contact's
    conversations is visible to them."""
    if sees_all(role):
        return True
    found = session.exec(
        select(Conversation.id)
        .where(
            Conversation.contact_id == contact.id,
            Conversation.workspace_id == contact.workspace_id,
            clause(role=role, user_id=user_id),
        )
        .limit(1)
    ).first()
    return found is not None
