"""The agent's inbox: which conversations a list shows (filters and search), one conversation read for the
chat pane, manual tags, files agents send, and a cheap "anything new?" signature the page polls. Who may see
which conversation is `flowstudio.services.inbox.scope`; canned answers are `flowstudio.services.inbox.quick_replies`.

Every filter is a SQLAlchemy expression with bound parameters: no text from the user is ever pasted into
SQL. Actions that change who owns a conversation live in `flowstudio.services.assignment.handling`.
"""

from __future__ import annotations

import json
import mimetypes
import re
import secrets
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import sqlalchemy as sa
from sqlmodel import Session, select

from flow_runtime.outputs import template_text
from flowstudio.models import (
    AgentQueue,
    Bot,
    Contact,
    Conversation,
    ConversationStatus,
    ConversationTag,
    Direction,
    Event,
    Membership,
    Message,
    OwnerType,
    Priority,
    Queue,
    Role,
    SenderType,
    Tag,
    User,
    as_utc,
    utcnow,
)
from flowstudio.services.inbox import scope as inbox_scope
from flowstudio.services.integrations import webhooks
from flowstudio.services.privacy import access as privacy
from flowstudio.settings import get_settings

VIEWS = ("mine", "queue", "all")
STATUSES = ("active", "inactive", "open", "pending", "closed", "archived", "any")
ACTIVE = (ConversationStatus.OPEN, ConversationStatus.PENDING)
LIST_LIMIT = 100
HISTORY_LIMIT = 300
MAX_TAG = 64
MAX_SEARCH = 200
MAX_UPLOAD_BYTES = 16 * 1024 * 1024
_PRIORITY_ORDER = {Priority.URGENT.value: 0, Priority.HIGH.value: 1, Priority.NORMAL.value: 2, Priority.LOW.value: 3}
_SAFE_NAME = re.compile(r"[^A-Za-z0-9._-]+")
INLINE_IMAGES = {".png", ".jpg", ".jpeg", ".gif", ".webp"}


class InboxError(ValueError):
    """An inbox operation that cannot be done; the message says why (shown to the user)."""


# ------------------------------------------------------------------------------------------------ the list


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


def _role(session: Session, workspace_id: int, user_id: int) -> Role:
    role = session.exec(
        select(Membership.role).where(Membership.workspace_id == workspace_id, Membership.user_id == user_id)
    ).first()
    if role is None:
        raise InboxError("you are not in this workspace")
    return Role(role)


def filter_query(*, session: Session, workspace_id: int, user_id: int, filters: InboxFilters) -> Any:
    """The SELECT of conversation ids the filters keep among those the member may see (`inbox_scope`;
    bound parameters only), newest activity first.

    Raises:
        InboxError: an unknown view, status or priority.
    """
    if filters.view not in VIEWS:
        raise InboxError(f"view must be one of {', '.join(VIEWS)}")
    if filters.status not in STATUSES:
        raise InboxError(f"status must be one of {', '.join(STATUSES)}")
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
            raise InboxError(f"priority must be one of {', '.join(p.value for p in Priority)}") from error
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


def _owner_labels(session: Session, conversations: list[Conversation]) -> dict[int, str]:
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


def _tags(session: Session, ids: list[int]) -> dict[int, list[str]]:
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
    from flowstudio.services.system.workspace_settings import zone_of

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


def _clock(moment: datetime | None, zone: ZoneInfo, now: datetime) -> str:
    if moment is None:
        return ""
    local = as_utc(moment).astimezone(zone)
    return local.strftime("%H:%M") if local.date() == now.astimezone(zone).date() else local.strftime("%d/%m %H:%M")


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
    from flowstudio.services.assignment.handling import unread_counts

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
    labels = _owner_labels(session, conversations)
    last = _last_messages(session, ids)
    unread = unread_counts(session=session, conversation_ids=ids)
    tags = _tags(session, ids)
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
                last_at=_clock(conversation.last_message_at or conversation.created_at, zone, now),
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
    from flowstudio.services.assignment.handling import unread_counts

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


# --------------------------------------------------------------------------------------------- the chat pane


def preview(message: Message) -> str:
    """A message in one line of plain text (the list's preview)."""
    body = render_message(message, UTC, utcnow())
    text = body["text"] or body["file_name"] or (body["buttons"][0] if body["buttons"] else "")
    if body["kind"] in ("image", "file") and not text:
        text = body["kind"]
    return " ".join(str(text).split())[:120]


def render_message(message: Message, zone: ZoneInfo, now: datetime) -> dict[str, Any]:
    """A message as the chat pane draws it (plain strings only: the page renders them as text).

    Returns:
        ``{id, side ("in"|"out"), sender, kind ("text"|"buttons"|"cards"|"image"|"file"|"template"),
        text, buttons [labels], image_url, file_url, file_name, time, status, purpose}``.
    """
    payload = dict(message.payload or {})
    kind, text, buttons_, image, file_url, file_name = "text", message.text or "", [], "", "", ""
    output_type = payload.get("type") if message.direction == Direction.OUTBOUND else None
    if output_type == "buttons":
        kind, text = "buttons", payload.get("text") or text
        buttons_ = [str(b.get("label", "")) for b in payload.get("buttons") or []]
    elif output_type == "carousel":
        kind, text = "cards", payload.get("text") or ""
        for card in payload.get("cards") or []:
            buttons_.append(" · ".join(x for x in (str(card.get("title") or ""), str(card.get("subtitle") or "")) if x))
    elif output_type == "template":
        kind, text = "template", template_text(payload)
    elif output_type == "media" or payload.get("url"):
        url = str(payload.get("url") or "")
        media_type = str(payload.get("media_type") or message.kind or "")
        text = str(payload.get("caption") or message.text or "")
        file_name = str(payload.get("filename") or url.rsplit("/", 1)[-1])
        if url.startswith(("http://", "https://", "/")):
            if media_type == "image":
                kind, image = "image", url
            else:
                kind, file_url = "file", url
        else:
            kind = "file"
    elif message.direction == Direction.INBOUND and message.kind == "click":
        kind, text = "text", text or str(payload.get("label") or payload.get("button_id") or "")
    return {
        "id": message.id,
        "side": "in" if message.direction == Direction.INBOUND else "out",
        "sender": SenderType(message.sender_type).value,
        "kind": kind,
        "text": text,
        "buttons": buttons_,
        "image_url": image,
        "file_url": file_url,
        "file_name": file_name,
        "time": _clock(message.created_at, zone, now),
        "status": str(message.status),
        "purpose": str(payload.get("purpose") or ""),
    }


def conversation_detail(
    *,
    session: Session,
    workspace_id: int,
    user_id: int,
    conversation_id: int,
    now: datetime | None = None,
    language: str = "pt-BR",
) -> dict[str, Any]:
    """One conversation for the chat pane: contact, variables, tags, owner, what the agent may do, and the
    last `HISTORY_LIMIT` messages (oldest first).

    Raises:
        InboxError: not found in the workspace, or not one the member may see (`inbox_scope`).
    """
    now = now or utcnow()
    conversation = session.get(Conversation, conversation_id)
    if conversation is None or conversation.workspace_id != workspace_id:
        raise InboxError("conversation not found")
    role = _role(session, workspace_id, user_id)
    if not inbox_scope.may_see(session=session, conversation=conversation, role=role, user_id=user_id):
        raise InboxError("conversation not found")  # the same answer as a missing one: ids are not probed
    contact = session.get(Contact, conversation.contact_id)
    zone = workspace_timezone(session, workspace_id)
    messages = list(
        reversed(
            session.exec(
                select(Message)
                .where(Message.conversation_id == conversation_id)
                .order_by(Message.id.desc())
                .limit(HISTORY_LIMIT)
            ).all()
        )
    )
    agent_names = (
        dict(
            session.exec(
                select(User.id, User.name).where(User.id.in_({m.sender_user_id for m in messages if m.sender_user_id}))
            ).all()
        )
        if messages
        else {}
    )
    rendered = []
    seen = privacy.visibility(session, workspace_id, user_id=user_id, language=language)
    for message in messages:
        item = privacy.shown_message(render_message(message, zone, now), message.erased, seen, language)
        item["author"] = agent_names.get(message.sender_user_id, "") if message.sender_user_id else ""
        rendered.append(item)
    labels = _owner_labels(session, [conversation])
    owner_type = OwnerType(conversation.owner_type).value
    active = conversation.status in ACTIVE
    mine = owner_type == "agent" and conversation.owner_agent_id == user_id
    serves = (
        conversation.owner_queue_id is not None
        and session.get(AgentQueue, (conversation.owner_queue_id, user_id)) is not None
    )
    variables = (
        [
            {"name": str(k), "value": v if isinstance(v, str) else json.dumps(v, ensure_ascii=False)}
            for k, v in sorted(privacy.redact_variables(contact.variables or {}, seen).items())
        ]
        if contact
        else []
    )
    return {
        "id": conversation.id,
        "contact_name": (contact.name if contact else "") or f"#{conversation.contact_id}",
        "contact_phone": (contact.phone if contact else "") or "",
        "contact_email": (contact.email if contact else "") or "",
        "channel": str(conversation.channel),
        "status": ConversationStatus(conversation.status).value,
        "owner_type": owner_type,
        "owner_label": labels.get(conversation.id, ""),
        "queue_id": conversation.queue_id or conversation.owner_queue_id or 0,
        "queue_name": labels.get(-conversation.id, ""),
        "priority": Priority(conversation.priority).value,
        "variables": variables,
        "tags": _tags(session, [conversation.id]).get(conversation.id, []),
        "flow_tags": [str(t) for t in (conversation.session or {}).get("tags") or []],
        "csat": conversation.csat_score or 0,
        "messages": rendered,
        "conversation_type": conversation.conversation_type or "",
        "inactive": active and conversation.inactive_since is not None,
        "can_write": active and mine,
        "can_pick": active and owner_type == "queue" and (serves or role != Role.AGENT),
        "can_take": active and owner_type == "bot" and role != Role.AGENT,
        "can_close": active and owner_type != "bot" and (mine or role != Role.AGENT),
        "can_transfer": active and (mine or role != Role.AGENT),
        "can_archive": (not active or owner_type == "bot") and conversation.status != ConversationStatus.ARCHIVED,
    }


def read_open(
    *, session: Session, workspace_id: int, user_id: int, conversation_id: int, now: datetime | None = None
) -> bool:
    """The member has this conversation open: if it is theirs and the customer wrote since it was last read,
    it is read now (an open chat never shows an unread badge to its agent). Whether it changed anything.
    """
    conversation = session.get(Conversation, conversation_id)
    if (
        conversation is None
        or conversation.workspace_id != workspace_id
        or conversation.status not in ACTIVE
        or conversation.owner_type != OwnerType.AGENT
        or conversation.owner_agent_id != user_id
    ):
        return False
    unread = select(Message.id).where(
        Message.conversation_id == conversation_id, Message.direction == Direction.INBOUND
    )
    if conversation.last_read_at is not None:
        unread = unread.where(Message.created_at > conversation.last_read_at)
    if session.exec(unread.limit(1)).first() is None:
        return False
    # One column, by statement: a turn may be writing the same row's other columns under its own lock.
    session.exec(sa.update(Conversation).where(Conversation.id == conversation_id).values(last_read_at=now or utcnow()))
    return True


def transfer_options(*, session: Session, workspace_id: int) -> dict[str, list[dict[str, str]]]:
    """What the filters and the transfer dialog offer: queues, agents (with status and load), bots, channels,
    tags (``value``/``label`` strings, for select lists)."""
    from flowstudio.services.assignment import agents as agent_service

    queues = session.exec(
        select(Queue).where(Queue.workspace_id == workspace_id).order_by(Queue.is_default.desc(), Queue.name)
    ).all()
    bots = session.exec(select(Bot).where(Bot.workspace_id == workspace_id).order_by(Bot.name)).all()
    channels = session.exec(
        select(Conversation.channel).where(Conversation.workspace_id == workspace_id).distinct()
    ).all()
    tags = session.exec(select(Tag.name).where(Tag.workspace_id == workspace_id).order_by(Tag.name)).all()
    agents = agent_service.list_agents(session=session, workspace_id=workspace_id)
    return {
        "queues": [{"value": str(q.id), "label": q.name} for q in queues],
        "agents": [
            {"value": str(a.user_id), "label": f"{a.name} · {a.status} · {a.load}/{a.capacity}"} for a in agents
        ],
        "bots": [{"value": str(b.id), "label": b.name} for b in bots],
        "channels": [{"value": str(c), "label": str(c)} for c in sorted(set(channels))],
        "tags": [{"value": t, "label": t} for t in tags],
    }


# ------------------------------------------------------------------------------------------------------ tags


def _clean_tag(name: str) -> str:
    name = " ".join((name or "").split())
    if not name:
        raise InboxError("type the tag's name")
    if len(name) > MAX_TAG:
        raise InboxError(f"a tag has at most {MAX_TAG} characters")
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
        raise InboxError("conversation not found")
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


# ----------------------------------------------------------------------------------------- live updates


def signature(*, session: Session, workspace_id: int) -> str:
    """A short string that changes whenever something the inbox shows may have changed in the workspace: a
    new message, an event (owner changes, closes, tags), or a conversation row updated."""
    newest_event = session.exec(select(sa.func.max(Event.id)).where(Event.workspace_id == workspace_id)).one()
    newest_message = session.exec(
        select(sa.func.max(Message.id))
        .join(Conversation, Conversation.id == Message.conversation_id)
        .where(Conversation.workspace_id == workspace_id)
    ).one()
    updated = session.exec(
        select(sa.func.max(Conversation.updated_at), sa.func.max(Conversation.last_read_at)).where(
            Conversation.workspace_id == workspace_id
        )
    ).one()
    return f"{newest_event or 0}:{newest_message or 0}:{updated[0] or ''}:{updated[1] or ''}"


# ---------------------------------------------------------------------------------------------------- files


def media_dir() -> Path:
    """Where files agents send are kept (inside the data folder)."""
    return get_settings().data_dir / "media"


def store_file(*, workspace_id: int, filename: str, data: bytes) -> dict[str, str]:
    """Keep a file an agent sends under an unguessable path; returns the payload of a media message
    (``media_type`` image or document, relative ``path`` served by `/api/v1/media/...`, ``filename``).

    Raises:
        InboxError: empty or larger than `MAX_UPLOAD_BYTES`.
    """
    if not data:
        raise InboxError("the file is empty")
    if len(data) > MAX_UPLOAD_BYTES:
        raise InboxError(f"files are limited to {MAX_UPLOAD_BYTES // (1024 * 1024)} MB")
    original = Path(filename or "file").name
    safe = _SAFE_NAME.sub("_", original).strip("._") or "file"
    safe = safe[-100:]
    token = secrets.token_urlsafe(12)
    folder = media_dir() / str(int(workspace_id)) / token
    folder.mkdir(parents=True, exist_ok=True)
    (folder / safe).write_bytes(data)
    media_type = "image" if Path(safe).suffix.lower() in INLINE_IMAGES else "document"
    return {
        "media_type": media_type,
        "path": f"/api/v1/media/{int(workspace_id)}/{token}/{safe}",
        "filename": original[:200],
    }


def media_file(workspace_id: int, token: str, name: str) -> tuple[Path, str, bool] | None:
    """The stored file for a media URL, its content type, and whether it may be shown inline (images only);
    None for anything else (no path tricks: every part must be a plain name)."""
    if (
        not re.fullmatch(r"[A-Za-z0-9_-]{8,40}", token)
        or not re.fullmatch(r"[A-Za-z0-9._-]{1,100}", name)
        or name.startswith(".")
    ):
        return None
    path = media_dir() / str(int(workspace_id)) / token / name
    if not path.is_file():
        return None
    inline = path.suffix.lower() in INLINE_IMAGES
    content_type = mimetypes.guess_type(name)[0] if inline else "application/octet-stream"
    return path, content_type or "application/octet-stream", inline


def priority_rank(priority: str) -> int:
    """Urgent first (for sorting in the UI)."""
    return _PRIORITY_ORDER.get(priority, 2)
