"""The agent's inbox list: which conversations a list shows (filters and search) and the views' counts. Who may see
which conversation is `flowstudio.services.inbox.scope`; one conversation for the chat pane is `chat_pane`, its
tags `tags`, files agents send `files`, the "anything new?" signature `live_updates`.

Every filter is a SQLAlchemy expression with bound parameters: no text from the user is ever pasted into
SQL. Actions that change who owns a conversation live in `flowstudio.services.assignment.handling`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import sqlalchemy as sa
from sqlmodel import Session, select

from flowstudio.errors import Invalid, NotFound
from flowstudio.models import (
    Bot,
    Contact,
    Conversation,
    ConversationStatus,
    ConversationTag,
    Direction,
    Membership,
    Message,
    OwnerType,
    Priority,
    Queue,
    Role,
    Tag,
    User,
    as_utc,
    utcnow,
)
from flowstudio.services.assignment.conversation_actions import unread_counts
from flowstudio.services.inbox import scope as inbox_scope
from flowstudio.services.inbox.rendering import clock_text, preview
from flowstudio.services.privacy import access as privacy
from flowstudio.services.system.workspace_settings import zone_of

VIEWS = ("mine", "queue", "all")
STATUSES = ("active", "inactive", "open", "pending", "closed", "archived", "any")
ACTIVE = (ConversationStatus.OPEN, ConversationStatus.PENDING)
LIST_LIMIT = 100


MAX_SEARCH = 200


_PRIORITY_ORDER = {Priority.URGENT.value: 0, Priority.HIGH.value: 1, Priority.NORMAL.value: 2, Priority.LOW.value: 3}


class InboxError(Invalid):
    """An inbox operation that cannot be done: an i18n key and its parameters (shown to the user)."""


class InboxNotFound(InboxError, NotFound):
    """The conversation is not there, or not one this user may see (the same answer: ids are not probed)."""


@dataclass
class InboxFilters:
    """What the conversation list shows; every field combines with the others (AND).

    Attributes:
        view: ``mine`` (owned by the agent), ``queue`` (waiting in a queue), ``all`` (everything the
            member may see). Every view keeps to `inbox_scope`: agents see only their own conversations
            and those waiting in the queues they serve; supervisors and admins the whole workspace.
        status: ``active`` (open or pending), ``inactive`` (active, the customer silent past the workspace's
            inactivity marker), one status, or ``any``.
        variable_name / variable_value: a contact variable equal to the value (the value may be empty:
            the variable is set at all).
        search: part of the contact's name, phone or e-mail, or of a message's text (case-insensitive).
        conversation_type: one of the workspace's conversation types (case-insensitive); empty: any.
    """

    view: str = "mine"
    status: str = "active"
    queue_id: int | None = None
    agent_id: int | None = None
    channel: str = ""
    tag: str = ""
    variable_name: str = ""
    variable_value: str = ""
    priority: str = ""
    unread_only: bool = False
    search: str = ""
    conversation_type: str = ""


@dataclass
class ConversationRow:
    """One line of the conversation list."""

    id: int
    contact_name: str
    contact_phone: str
    channel: str
    status: str
    owner_type: str
    owner_label: str
    queue_name: str
    priority: str
    preview: str
    last_at: str
    unread: int
    waiting_seconds: int
    tags: list[str] = field(default_factory=list)
    inactive: bool = False
    conversation_type: str = ""


def _like(column: Any, term: str) -> Any:
    """``lower(column) LIKE '%term%'`` with the term bound and its % and _ escaped."""
    return sa.func.lower(column).contains(term.lower(), autoescape=True)


def role_of(session: Session, workspace_id: int, user_id: int) -> Role:
    """The user's role in the workspace (refused when not a member)."""
    role = session.exec(
        select(Membership.role).where(Membership.workspace_id == workspace_id, Membership.user_id == user_id)
    ).first()
    if role is None:
        raise InboxError("errors.inbox.not_member")
    return Role(role)


def filter_query(*, session: Session, workspace_id: int, user_id: int, filters: InboxFilters) -> Any:
    """The SELECT of conversation ids the filters keep among those the member may see (`inbox_scope`;
    bound parameters only), newest activity first.

    Raises:
        InboxError: an unknown view, status or priority.
    """
    if filters.view not in VIEWS:
        raise InboxError("errors.inbox.view", choices=", ".join(VIEWS))
    if filters.status not in STATUSES:
        raise InboxError("errors.inbox.status", choices=", ".join(STATUSES))
    query = (
        select(Conversation.id)
        .join(Contact, Contact.id == Conversation.contact_id)
        .where(
            Conversation.workspace_id == workspace_id,
            inbox_scope.member_clause(session=session, workspace_id=workspace_id, user_id=user_id),
        )
    )
    if filters.view == "mine":
        query = query.where(Conversation.owner_type == OwnerType.AGENT, Conversation.owner_agent_id == user_id)
    elif filters.view == "queue":
        query = query.where(Conversation.owner_type == OwnerType.QUEUE)
    if filters.status == "active":
        query = query.where(Conversation.status.in_(ACTIVE))
    elif filters.status == "inactive":
        query = query.where(Conversation.status.in_(ACTIVE), Conversation.inactive_since.is_not(None))
    elif filters.status != "any":
        query = query.where(Conversation.status == ConversationStatus(filters.status))
    if filters.queue_id:
        query = query.where(
            sa.or_(Conversation.queue_id == filters.queue_id, Conversation.owner_queue_id == filters.queue_id)
        )
    if filters.agent_id:
        query = query.where(Conversation.owner_type == OwnerType.AGENT, Conversation.owner_agent_id == filters.agent_id)
    if filters.channel:
        query = query.where(Conversation.channel == filters.channel)
    if filters.conversation_type.strip():
        query = query.where(sa.func.lower(Conversation.conversation_type) == filters.conversation_type.strip().lower())
    if filters.priority:
        try:
            query = query.where(Conversation.priority == Priority(filters.priority))
        except ValueError as error:
            raise InboxError("errors.inbox.priority", choices=", ".join(p.value for p in Priority)) from error
    if filters.tag.strip():
        tagged = (
            select(ConversationTag.conversation_id)
            .join(Tag, Tag.id == ConversationTag.tag_id)
            .where(Tag.workspace_id == workspace_id, sa.func.lower(Tag.name) == filters.tag.strip().lower())
        )
        query = query.where(Conversation.id.in_(tagged))
    name = filters.variable_name.strip()
    if name:
        value = Contact.variables[name]
        if filters.variable_value.strip():
            query = query.where(sa.func.lower(value.as_string()) == filters.variable_value.strip().lower())
        else:
            query = query.where(value.as_string().is_not(None))
    if filters.unread_only:
        query = query.where(
            sa.exists().where(
                Message.conversation_id == Conversation.id,
                Message.direction == Direction.INBOUND,
                sa.or_(Conversation.last_read_at.is_(None), Message.created_at > Conversation.last_read_at),
            )
        )
    term = filters.search.strip()[:MAX_SEARCH]
    if term:
        in_messages = sa.exists().where(Message.conversation_id == Conversation.id, _like(Message.text, term))
        query = query.where(
            sa.or_(
                _like(Contact.name, term),
                _like(sa.func.coalesce(Contact.phone, ""), term),
                _like(sa.func.coalesce(Contact.email, ""), term),
                in_messages,
            )
        )
    return query.order_by(
        sa.func.coalesce(Conversation.last_message_at, Conversation.created_at).desc(), Conversation.id.desc()
    )


def owner_labels(session: Session, conversations: list[Conversation]) -> dict[int, str]:
    """Conversation id -> the name of its owner (agent, bot or queue)."""
    agent_ids = {c.owner_agent_id for c in conversations if c.owner_agent_id}
    bot_ids = {c.owner_bot_id for c in conversations if c.owner_bot_id}
    queue_ids = {c.owner_queue_id for c in conversations if c.owner_queue_id} | {
        c.queue_id for c in conversations if c.queue_id
    }
    agents = dict(session.exec(select(User.id, User.name).where(User.id.in_(agent_ids))).all()) if agent_ids else {}
    bots = dict(session.exec(select(Bot.id, Bot.name).where(Bot.id.in_(bot_ids))).all()) if bot_ids else {}
    queues = dict(session.exec(select(Queue.id, Queue.name).where(Queue.id.in_(queue_ids))).all()) if queue_ids else {}
    labels = {}
    for c in conversations:
        if c.owner_type == OwnerType.AGENT:
            labels[c.id] = agents.get(c.owner_agent_id, "")
        elif c.owner_type == OwnerType.BOT:
            labels[c.id] = bots.get(c.owner_bot_id, "")
        else:
            labels[c.id] = queues.get(c.owner_queue_id, "")
    labels.update({-c.id: queues.get(c.queue_id or c.owner_queue_id or 0, "") for c in conversations})
    return labels


def _last_messages(session: Session, ids: list[int]) -> dict[int, Message]:
    if not ids:
        return {}
    newest = select(sa.func.max(Message.id)).where(Message.conversation_id.in_(ids)).group_by(Message.conversation_id)
    return {m.conversation_id: m for m in session.exec(select(Message).where(Message.id.in_(newest))).all()}


def tags_of(session: Session, ids: list[int]) -> dict[int, list[str]]:
    """Conversation id -> its tag names."""
    if not ids:
        return {}
    rows = session.exec(
        select(ConversationTag.conversation_id, Tag.name)
        .join(Tag, Tag.id == ConversationTag.tag_id)
        .where(ConversationTag.conversation_id.in_(ids))
        .order_by(Tag.name)
    ).all()
    tags: dict[int, list[str]] = {}
    for conversation_id, name in rows:
        tags.setdefault(conversation_id, []).append(name)
    return tags


def workspace_timezone(session: Session, workspace_id: int) -> ZoneInfo:
    """The zone times are shown in: the workspace's (general settings), else the default queue's business
    hours zone, else UTC."""
    configured = zone_of(session, workspace_id)
    if configured is not None:
        return configured
    hours = (
        session.exec(
            select(Queue.business_hours)
            .where(Queue.workspace_id == workspace_id)
            .order_by(Queue.is_default.desc(), Queue.id)
        ).first()
        or {}
    )
    try:
        return ZoneInfo(str(hours.get("timezone") or "UTC"))
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def list_conversations(
    *,
    session: Session,
    workspace_id: int,
    user_id: int,
    filters: InboxFilters,
    limit: int = LIST_LIMIT,
    now: datetime | None = None,
    language: str = "pt-BR",
) -> list[ConversationRow]:
    """The conversation list for the filters (at most `limit`), each with its unread count and last message
    (in `language`, the marker for a body the user may not read: `flowstudio.services.privacy.access`).

    Raises:
        InboxError: a filter with an unknown value.
    """
    now = now or utcnow()
    ids = list(
        session.exec(
            filter_query(session=session, workspace_id=workspace_id, user_id=user_id, filters=filters).limit(limit)
        ).all()
    )
    if not ids:
        return []
    rows = session.exec(
        select(Conversation, Contact)
        .join(Contact, Contact.id == Conversation.contact_id)
        .where(Conversation.id.in_(ids))
    ).all()
    by_id = {conversation.id: (conversation, contact) for conversation, contact in rows}
    conversations = [conversation for conversation, _ in rows]
    labels = owner_labels(session, conversations)
    last = _last_messages(session, ids)
    unread = unread_counts(session=session, conversation_ids=ids)
    tags = tags_of(session, ids)
    zone = workspace_timezone(session, workspace_id)
    seen = privacy.visibility(session, workspace_id, user_id=user_id, language=language)
    result = []
    for conversation_id in ids:
        conversation, contact = by_id[conversation_id]
        message = last.get(conversation_id)
        waiting = (
            int((now - as_utc(conversation.waiting_since)).total_seconds())
            if conversation.waiting_since and conversation.owner_type == OwnerType.QUEUE
            else 0
        )
        result.append(
            ConversationRow(
                id=conversation_id,
                contact_name=contact.name or contact.phone or f"#{contact.id}",
                contact_phone=contact.phone or "",
                channel=str(conversation.channel),
                status=ConversationStatus(conversation.status).value,
                owner_type=OwnerType(conversation.owner_type).value,
                owner_label=labels.get(conversation_id, ""),
                queue_name=labels.get(-conversation_id, ""),
                priority=Priority(conversation.priority).value,
                preview=(seen.marker if seen.hides_bodies and not message.erased else preview(message))
                if message
                else "",
                last_at=clock_text(conversation.last_message_at or conversation.created_at, zone, now),
                unread=unread.get(conversation_id, 0),
                waiting_seconds=max(waiting, 0),
                tags=tags.get(conversation_id, []),
                inactive=conversation.inactive_since is not None and conversation.status in ACTIVE,
                conversation_type=conversation.conversation_type or "",
            )
        )
    return result


def counts(*, session: Session, workspace_id: int, user_id: int) -> dict[str, int]:
    """How many active conversations each shortcut holds, and how many of the agent's own are unread."""
    result = {}
    for view in VIEWS:
        query = filter_query(
            session=session, workspace_id=workspace_id, user_id=user_id, filters=InboxFilters(view=view)
        ).order_by(None)
        result[view] = session.exec(select(sa.func.count()).select_from(query.subquery())).one()
    mine = list(
        session.exec(
            filter_query(session=session, workspace_id=workspace_id, user_id=user_id, filters=InboxFilters(view="mine"))
        ).all()
    )
    result["unread"] = sum(1 for n in unread_counts(session=session, conversation_ids=mine).values() if n)
    return result


def priority_rank(priority: str) -> int:
    """Urgent first (for sorting in the UI)."""
    return _PRIORITY_ORDER.get(priority, 2)
