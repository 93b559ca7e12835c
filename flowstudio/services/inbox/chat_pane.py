"""The chat pane: one conversation read for the agent (history, contact, owner, tags), marking it read, and
where it may be transferred.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, select

from flowstudio.models import (
    AgentQueue,
    Bot,
    Contact,
    Conversation,
    ConversationStatus,
    Direction,
    Message,
    OwnerType,
    Priority,
    Queue,
    Role,
    Tag,
    User,
    utcnow,
)
from flowstudio.services.assignment import agents as agent_service
from flowstudio.services.inbox import scope as inbox_scope
from flowstudio.services.inbox.listing import ACTIVE, InboxNotFound, owner_labels, role_of, tags_of, workspace_timezone
from flowstudio.services.inbox.rendering import render_message
from flowstudio.services.privacy import access as privacy

HISTORY_LIMIT = 300


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
        raise InboxNotFound("errors.inbox.conversation_not_found")
    role = role_of(session, workspace_id, user_id)
    if not inbox_scope.may_see(session=session, conversation=conversation, role=role, user_id=user_id):
        raise InboxNotFound(
            "errors.inbox.conversation_not_found"
        )  # the same answer as a missing one: ids are not probed
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
    labels = owner_labels(session, [conversation])
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
        "tags": tags_of(session, [conversation.id]).get(conversation.id, []),
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
