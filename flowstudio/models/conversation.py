"""Contacts, their conversations, and every message and event of them."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from flowstudio.models.base import created_at_field, enum_field, json_field, utcnow


class Contact(SQLModel, table=True):
    """A customer, known by the channels they wrote from; `variables` persist across conversations."""

    id: int | None = Field(default=None, primary_key=True)
    workspace_id: int = Field(foreign_key="workspace.id", index=True, ondelete="CASCADE")
    name: str = Field(default="", max_length=200)
    email: str | None = Field(default=None, max_length=254)
    phone: str | None = Field(default=None, max_length=32)
    language: str | None = Field(default=None, max_length=8)
    variables: dict[str, Any] = json_field(dict)
    created_at: datetime = created_at_field()
    updated_at: datetime = Field(default_factory=utcnow, sa_type=sa.DateTime(timezone=True))
    # Set when retention or "forget this contact" anonymised it: the row stays (metrics), the person is gone.
    erased_at: datetime | None = Field(default=None, sa_type=sa.DateTime(timezone=True))


class ConversationStatus(StrEnum):
    """Where a conversation stands for the people who work it."""

    OPEN = "open"
    PENDING = "pending"
    CLOSED = "closed"
    ARCHIVED = "archived"


class OwnerType(StrEnum):
    """Who answers a conversation: a bot, a queue of humans, or one agent. Exactly one at a time."""

    BOT = "bot"
    QUEUE = "queue"
    AGENT = "agent"


class Priority(StrEnum):
    """How urgently a conversation should be answered (an inbox filter and sort key)."""

    LOW = "low"
    NORMAL = "normal"
    HIGH = "high"
    URGENT = "urgent"


_PRIORITY_TYPE = enum_field(Priority).sa_type

_ONE_OWNER = (
    "(owner_type = 'bot' AND owner_bot_id IS NOT NULL AND owner_queue_id IS NULL AND owner_agent_id IS NULL)"
    " OR (owner_type = 'queue' AND owner_queue_id IS NOT NULL AND owner_bot_id IS NULL AND owner_agent_id IS NULL)"
    " OR (owner_type = 'agent' AND owner_agent_id IS NOT NULL AND owner_bot_id IS NULL AND owner_queue_id IS NULL)"
)


class Conversation(SQLModel, table=True):
    """A contact's conversation on one channel, owned by exactly one bot, queue or agent."""

    __table_args__ = (
        sa.CheckConstraint(_ONE_OWNER, name="exactly_one_owner"),
        sa.CheckConstraint("csat_score IS NULL OR (csat_score BETWEEN 1 AND 5)", name="csat_score_1_to_5"),
        sa.Index("ix_conversation_workspace_status_last", "workspace_id", "status", "last_message_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    workspace_id: int = Field(foreign_key="workspace.id", index=True, ondelete="CASCADE")
    contact_id: int = Field(foreign_key="contact.id", index=True, ondelete="CASCADE")
    channel: str = Field(max_length=32)
    channel_id: int | None = Field(default=None, foreign_key="channel.id", index=True, ondelete="SET NULL")
    last_inbound_at: datetime | None = Field(default=None, sa_type=sa.DateTime(timezone=True))
    status: ConversationStatus = enum_field(ConversationStatus, ConversationStatus.OPEN)
    owner_type: OwnerType = enum_field(OwnerType)
    owner_bot_id: int | None = Field(default=None, foreign_key="bot.id", index=True, ondelete="RESTRICT")
    owner_queue_id: int | None = Field(default=None, foreign_key="queue.id", index=True, ondelete="RESTRICT")
    owner_agent_id: int | None = Field(default=None, foreign_key="app_user.id", index=True, ondelete="RESTRICT")
    language: str | None = Field(default=None, max_length=8)
    session: dict[str, Any] = json_field(dict)
    waiting_since: datetime | None = Field(default=None, sa_type=sa.DateTime(timezone=True))
    last_message_at: datetime | None = Field(default=None, sa_type=sa.DateTime(timezone=True))
    created_at: datetime = created_at_field()
    updated_at: datetime = Field(default_factory=utcnow, sa_type=sa.DateTime(timezone=True))
    closed_at: datetime | None = Field(default=None, sa_type=sa.DateTime(timezone=True))
    # Humans' side: who had it last among bots (closing may return it there), the queue it waits in or
    # was taken from (its settings apply while humans have it), and the figures of the inbox
    # and the queue monitor. queued_at: handed to humans; assigned_at: an agent took it; first_response_at:
    # that agent's first message; closed_at: the human handling ended.
    last_bot_id: int | None = Field(default=None, foreign_key="bot.id", ondelete="SET NULL")
    queue_id: int | None = Field(default=None, foreign_key="queue.id", index=True, ondelete="SET NULL")  # humans' line
    priority: Priority = Field(
        default=Priority.NORMAL,
        sa_type=_PRIORITY_TYPE,
        nullable=False,
        sa_column_kwargs={"server_default": Priority.NORMAL.value},
    )
    last_read_at: datetime | None = Field(default=None, sa_type=sa.DateTime(timezone=True))
    queued_at: datetime | None = Field(default=None, sa_type=sa.DateTime(timezone=True))
    assigned_at: datetime | None = Field(default=None, sa_type=sa.DateTime(timezone=True))
    first_response_at: datetime | None = Field(default=None, sa_type=sa.DateTime(timezone=True))
    sla_breached_at: datetime | None = Field(default=None, sa_type=sa.DateTime(timezone=True))
    position_notified: int | None = Field(default=None)  # the place in line the customer was last told
    csat_requested_at: datetime | None = Field(default=None, sa_type=sa.DateTime(timezone=True))
    csat_score: int | None = Field(default=None)
    csat_comment: str | None = Field(default=None, sa_type=sa.Text)
    conversation_type: str | None = Field(default=None, max_length=40)  # one of the workspace's named types
    # Set when the customer has been silent for the workspace's "inactive after" minutes; their next message
    # clears it (flowstudio.services.conversations.inactivity).
    inactive_since: datetime | None = Field(default=None, sa_type=sa.DateTime(timezone=True))


class Direction(StrEnum):
    """Whether a message came from the contact or went to them."""

    INBOUND = "inbound"
    OUTBOUND = "outbound"


class SenderType(StrEnum):
    """Who wrote a message."""

    CONTACT = "contact"
    BOT = "bot"
    AGENT = "agent"
    SYSTEM = "system"


class DeliveryStatus(StrEnum):
    """A message's delivery, as the channel reports it."""

    RECEIVED = "received"
    QUEUED = "queued"
    SENT = "sent"
    DELIVERED = "delivered"
    READ = "read"
    FAILED = "failed"


class Erased(StrEnum):
    """What of a message retention or a forgotten contact removed (its row, times and status stay)."""

    BODY = "body"  # text and payload; a file it carried is still kept
    FILE = "file"  # the file (deleted from disk) and its reference; the text is still kept
    ALL = "all"


class Message(SQLModel, table=True):
    """One message of a conversation, in either direction, with its delivery status.

    In workspaces that encrypt at rest, `text` and `payload` are stored sealed (see
    `flowstudio.models.privacy`); loaded objects hold the plaintext.
    """

    __table_args__ = (sa.Index("ix_message_conversation_created", "conversation_id", "created_at"),)

    id: int | None = Field(default=None, primary_key=True)
    conversation_id: int = Field(foreign_key="conversation.id", ondelete="CASCADE")
    direction: Direction = enum_field(Direction)
    sender_type: SenderType = enum_field(SenderType)
    sender_user_id: int | None = Field(default=None, foreign_key="app_user.id", ondelete="SET NULL")
    kind: str = Field(default="text", max_length=32)
    text: str | None = Field(default=None, sa_type=sa.Text)
    payload: dict[str, Any] = json_field(dict)
    channel_message_id: str | None = Field(default=None, max_length=255, index=True)
    idempotency_key: str | None = Field(default=None, max_length=255, unique=True)
    status: DeliveryStatus = enum_field(DeliveryStatus, DeliveryStatus.QUEUED)
    error: str | None = Field(default=None, sa_type=sa.Text)
    send_attempts: int = Field(default=0, sa_column_kwargs={"server_default": "0"})
    """Outbound: how many times a worker claimed it to call the provider (committed before each call)."""
    sending_at: datetime | None = Field(default=None, sa_type=sa.DateTime(timezone=True))
    """Outbound: when the last claim was taken; set while `queued` means that attempt may have reached the provider."""
    sent_parts: int = Field(default=0, sa_column_kwargs={"server_default": "0"})
    """Outbound: how many of its provider messages went out (a WhatsApp carousel takes several): a retry sends the rest."""
    cut_offs: int = Field(default=0, sa_column_kwargs={"server_default": "0"})
    """Outbound: how many claims were found cut off (their worker died mid-send); past a few it is failed."""
    created_at: datetime = created_at_field()
    updated_at: datetime = Field(default_factory=utcnow, sa_type=sa.DateTime(timezone=True))
    erased: str | None = Field(default=None, max_length=8)  # an `Erased` value, None while intact


class Event(SQLModel, table=True):
    """Something that happened, with who did it and why: owner changes, errors, flow events, logins."""

    __table_args__ = (sa.Index("ix_event_conversation_created", "conversation_id", "created_at"),)

    id: int | None = Field(default=None, primary_key=True)
    workspace_id: int = Field(foreign_key="workspace.id", index=True, ondelete="CASCADE")
    conversation_id: int | None = Field(default=None, foreign_key="conversation.id", ondelete="CASCADE")
    name: str = Field(max_length=80, index=True)
    actor_type: str = Field(default="system", max_length=16)
    actor_id: str | None = Field(default=None, max_length=64)
    data: dict[str, Any] = json_field(dict)
    created_at: datetime = created_at_field()
