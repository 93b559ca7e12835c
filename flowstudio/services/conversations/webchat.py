"""What the webchat widget shows a visitor: their messages with who wrote them, notices of the humans'
handling, whether someone is really typing, and the widget's own texts in the bot's language.

- Messages carry their sender kind (``visitor``, ``bot``, ``agent``, ``system``); an agent's carry the agent's
  name and initials.
- Notices come from the conversation's events: an agent took it (``agent_joined``), the humans' handling
  ended (``closed``), it went back to a bot (``back_to_bot``). They have their own cursor (event ids).
- "typing…" is shown while the owning agent types (`flowstudio.services.conversations.typing_indicator`), or while the owning bot
  still has replies waiting for their delivery (a flow's delayed outputs); never because the visitor wrote.
- A new web contact is named after what the page passed (``data-name``), else "Visitante 12" numbered per
  workspace, in the bot's language.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, select

from flow_runtime.outputs import template_text
from flowstudio.db import session_scope
from flowstudio.i18n import translate
from flowstudio.models import (
    Bot,
    Channel,
    ChannelKind,
    ContactIdentity,
    Conversation,
    ConversationStatus,
    DeliveryStatus,
    Direction,
    Event,
    Message,
    OwnerType,
    SenderType,
    User,
    as_utc,
    utcnow,
)
from flowstudio.services.conversations.typing_indicator import webchat_typing

LANGUAGES = {"pt": "pt-BR", "es": "es", "en": "en"}
"""A bot's language -> the catalog the widget's texts come from (others fall back to pt-BR)."""
TEXT_KEYS = (
    "title",
    "placeholder",
    "send",
    "typing",
    "open",
    "close",
    "agent",
    "agent_joined",
    "closed",
    "back_to_bot",
)
"""The widget's own texts (`webchat.<name>` in the catalogs)."""
BOT_TYPING_S = 20.0
"""How long the widget shows the bot "typing…" per status; renewed while its replies are still pending."""
PENDING_FOR = timedelta(minutes=10)
"""A bot reply queued longer ago than this is not waited for (a stopped worker must not type forever)."""
SHOWN = (DeliveryStatus.SENT, DeliveryStatus.DELIVERED, DeliveryStatus.READ)
ACTIVE = (ConversationStatus.OPEN, ConversationStatus.PENDING)
FROM = {SenderType.CONTACT: "visitor", SenderType.BOT: "bot", SenderType.AGENT: "agent", SenderType.SYSTEM: "system"}
_SPACES = re.compile(r"[\s\x00-\x1f\x7f]+")


@dataclass
class Feed:
    """A visitor's news after the widget's cursors.

    Attributes:
        items: messages and notices in the order they happened (notices have ``notice`` set).
        status: ``{"owner": "bot"|"queue"|"agent", "typing": seconds, "typing_by": "bot"|"agent"|None}``.
    """

    items: list[dict[str, Any]] = field(default_factory=list)
    status: dict[str, Any] = field(default_factory=dict)


def language_of(session: Session, channel_id: int) -> str:
    """The catalog language of the channel's bot (else the workspace's default bot; else pt-BR)."""
    channel = session.get(Channel, channel_id)
    if channel is None:
        return "pt-BR"
    bot = (
        session.get(Bot, channel.bot_id)
        if channel.bot_id
        else session.exec(select(Bot).where(Bot.workspace_id == channel.workspace_id, Bot.is_default)).first()
    )
    return LANGUAGES.get(((bot.language if bot else None) or "pt")[:2], "pt-BR")


def widget_config(*, channel_id: int) -> dict[str, Any]:
    """The widget's language and its texts in it (``{"language": "en", "texts": {"send": "Send", ...}}``)."""
    with session_scope() as session:
        lang = language_of(session, channel_id)
    return {"language": lang, "texts": {key: translate(f"webchat.{key}", lang) for key in TEXT_KEYS}}


def clean_name(name: str) -> str:
    """A name the embedding page passed, as one line of at most 80 characters ("" when nothing is left)."""
    return _SPACES.sub(" ", name or "").strip()[:80]


def visitor_name(*, channel_id: int, visitor_id: str, given: str = "") -> str:
    """The display name for the visitor's contact: the given name, else "Visitante <n>" (n = how many web
    contacts the workspace has had, plus one) in the bot's language. "" when the visitor is already known
    (the contact keeps its name)."""
    with session_scope() as session:
        known = session.exec(
            select(ContactIdentity.id).where(
                ContactIdentity.channel_id == channel_id, ContactIdentity.external_id == visitor_id
            )
        ).first()
        if known is not None:
            return ""
        if clean_name(given):
            return clean_name(given)
        channel = session.get(Channel, channel_id)
        count = session.exec(
            select(sa.func.count())
            .select_from(ContactIdentity)
            .join(Channel, Channel.id == ContactIdentity.channel_id)
            .where(Channel.workspace_id == channel.workspace_id, Channel.kind == ChannelKind.WEBCHAT)
        ).one()
        return translate("webchat.visitor", language_of(session, channel_id), number=int(count) + 1)


def initials(name: str) -> str:
    """Up to two letters for an avatar: "Ana Souza" -> "AS"."""
    parts = [part for part in re.split(r"\s+", name.strip()) if part]
    return "".join(part[0] for part in (parts[:1] + parts[1:][-1:])).upper() or "?"


def _message(message: Message, agents: dict[int, str]) -> dict[str, Any]:
    outbound = message.direction == Direction.OUTBOUND
    text = (
        template_text(message.payload)
        if message.payload.get("type") == "template"
        else message.text or message.payload.get("label", "")
    )
    item = {
        "id": message.id,
        "from": FROM.get(SenderType(message.sender_type), "bot") if outbound else "visitor",
        "kind": message.kind,
        "text": text,
        "payload": message.payload if outbound else {},
    }
    if item["from"] == "agent":
        name = agents.get(message.sender_user_id or 0, "")
        item["agent"] = {"name": name, "initials": initials(name)}
    return item


def _notice(event: Event, agents: dict[int, str], lang: str) -> dict[str, Any] | None:
    data = event.data or {}
    to = data.get("to") or {}
    if event.name == "conversation.closed":
        kind, name = "closed", ""
    elif event.name == "conversation.owner_changed" and to.get("type") == "agent":
        kind, name = "agent_joined", agents.get(int(to.get("id") or 0), "")
    elif (
        event.name == "conversation.owner_changed"
        and to.get("type") == "bot"
        and (data.get("from") or {}).get("type") in ("agent", "queue")
    ):
        kind, name = "back_to_bot", ""
    else:
        return None
    return {
        "notice": kind,
        "notice_id": event.id,
        "text": translate(f"webchat.{kind}", lang, name=name),
        "agent": {"name": name, "initials": initials(name)} if name else None,
    }


def _agents(session: Session, ids: set[int]) -> dict[int, str]:
    ids.discard(0)
    if not ids:
        return {}
    return dict(session.exec(select(User.id, User.name).where(User.id.in_(ids))).all())


def _status(session: Session, channel_id: int, visitor_id: str, conversation: Conversation | None) -> dict[str, Any]:
    """Who owns the visitor's open conversation (with no open one: who the next message goes to) and
    whether someone is typing for them."""
    if conversation is None:
        channel = session.get(Channel, channel_id)
        has_bot = channel is not None and (
            channel.bot_id is not None
            or session.exec(select(Bot.id).where(Bot.workspace_id == channel.workspace_id, Bot.is_default)).first()
            is not None
        )
        return {"owner": "bot" if has_bot else "queue", "typing": 0, "typing_by": None}
    owner = OwnerType(conversation.owner_type).value
    if owner == "agent":
        seconds = round(webchat_typing(channel_id, visitor_id)[0], 1)
        return {"owner": owner, "typing": seconds, "typing_by": "agent" if seconds else None}
    pending = (
        owner == "bot"
        and session.exec(
            select(Message.id)
            .where(
                Message.conversation_id == conversation.id,
                Message.direction == Direction.OUTBOUND,
                Message.sender_type == SenderType.BOT,
                Message.status == DeliveryStatus.QUEUED,
                Message.created_at > utcnow() - PENDING_FOR,
            )
            .limit(1)
        ).first()
        is not None
    )
    return {"owner": owner, "typing": BOT_TYPING_S if pending else 0, "typing_by": "bot" if pending else None}


def feed(*, channel_id: int, visitor_id: str, after: int = 0, notices_after: int = 0) -> Feed:
    """The visitor's messages after message id `after` and notices after event id `notices_after`, and
    their status.

    A bot reply still waiting for its turn (its flow's wait seconds) holds back everything after it, so
    the widget shows the conversation in order.
    """
    with session_scope() as session:
        identity = session.exec(
            select(ContactIdentity).where(
                ContactIdentity.channel_id == channel_id, ContactIdentity.external_id == visitor_id
            )
        ).first()
        if identity is None:  # a visitor yet to write: nothing to show, the cursors unchanged
            return Feed(status={**_status(session, channel_id, visitor_id, None), "notices_after": notices_after})
        conversations = session.exec(
            select(Conversation)
            .where(Conversation.contact_id == identity.contact_id, Conversation.channel_id == channel_id)
            .order_by(Conversation.id)
        ).all()
        ids = [conversation.id for conversation in conversations]
        rows = (
            session.exec(
                select(Message).where(Message.conversation_id.in_(ids), Message.id > after).order_by(Message.id)
            ).all()
            if ids
            else []
        )
        shown, held_from = [], None
        for message in rows:
            if message.direction == Direction.OUTBOUND and message.status not in SHOWN:
                held_from = message.created_at
                break  # keep order: nothing after a reply still waiting for its turn
            shown.append(message)
        events = (
            session.exec(
                select(Event)
                .where(
                    Event.conversation_id.in_(ids),
                    Event.id > notices_after,
                    Event.name.in_(("conversation.closed", "conversation.owner_changed")),
                )
                .order_by(Event.id)
            ).all()
            if ids
            else []
        )
        if held_from is not None:
            events = [event for event in events if as_utc(event.created_at) < as_utc(held_from)]
        # the cursor moves past every event read, shown or not (a notice must never repeat)
        last_event = events[-1].id if events else notices_after
        agents = _agents(
            session,
            {m.sender_user_id or 0 for m in shown}
            | {
                int(((e.data or {}).get("to") or {}).get("id") or 0)
                for e in events
                if ((e.data or {}).get("to") or {}).get("type") == "agent"
            },
        )
        lang = language_of(session, channel_id) if events else ""
        timeline = [(as_utc(m.created_at), 0, _message(m, agents)) for m in shown]
        timeline += [(as_utc(e.created_at), 1, notice) for e in events if (notice := _notice(e, agents, lang))]
        timeline.sort(key=lambda entry: (entry[0], entry[1]))
        current = next((c for c in reversed(conversations) if c.status in ACTIVE), None)
        status = _status(session, channel_id, visitor_id, current)
        status["notices_after"] = last_event
        return Feed(items=[entry[2] for entry in timeline], status=status)


def status(*, channel_id: int, visitor_id: str) -> dict[str, Any]:
    """The visitor's status alone (see `Feed.status`), e.g. right after their message's turn."""
    with session_scope() as session:
        current = session.exec(
            select(Conversation)
            .join(ContactIdentity, ContactIdentity.contact_id == Conversation.contact_id)
            .where(
                ContactIdentity.channel_id == channel_id,
                ContactIdentity.external_id == visitor_id,
                Conversation.channel_id == channel_id,
                Conversation.status.in_(ACTIVE),
            )
            .order_by(Conversation.id.desc())
        ).first()
        return _status(session, channel_id, visitor_id, current)
