"""Human queues, their agents, and tags."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from flowstudio.models.base import JSONType, created_at_field, enum_field, json_field, utcnow


class AssignmentStrategy(StrEnum):
    """How a queue hands waiting conversations to its agents."""

    ROUND_ROBIN = "round_robin"  # the next online agent with room, in turn
    LEAST_BUSY = "least_busy"  # the online agent holding the fewest conversations
    MANUAL = "manual"  # nobody is assigned: agents pick from the line


_STRATEGY_TYPE = enum_field(AssignmentStrategy).sa_type  # the same CHECKed string column enum_field builds


class Queue(SQLModel, table=True):
    """A line of conversations waiting for human agents; flows address it by `key`."""

    __table_args__ = (
        sa.UniqueConstraint("workspace_id", "key"),
        sa.Index(
            "uq_queue_one_default_per_workspace",
            "workspace_id",
            unique=True,
            sqlite_where=sa.text("is_default"),
            postgresql_where=sa.text("is_default"),
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    workspace_id: int = Field(foreign_key="workspace.id", index=True, ondelete="CASCADE")
    key: str = Field(max_length=64)
    name: str = Field(max_length=120)
    is_default: bool = Field(default=False)
    # {"timezone": "America/Sao_Paulo", "days": {"mon": [["09:00", "18:00"]], ...}}; no days = always open
    business_hours: dict[str, Any] = Field(
        default_factory=dict, sa_type=JSONType, nullable=False, sa_column_kwargs={"server_default": "{}"}
    )
    strategy: AssignmentStrategy = Field(
        default=AssignmentStrategy.ROUND_ROBIN,
        sa_type=_STRATEGY_TYPE,
        nullable=False,
        sa_column_kwargs={"server_default": AssignmentStrategy.ROUND_ROBIN.value},
    )
    max_wait_seconds: int = Field(default=300, sa_column_kwargs={"server_default": "300"})
    position_message: str = Field(default="", sa_type=sa.Text)
    closed_message: str = Field(default="", sa_type=sa.Text)
    return_to_bot_on_close: bool = Field(default=True)
    csat_enabled: bool = Field(default=False)
    csat_question: str = Field(default="", sa_type=sa.Text)
    rr_cursor: int | None = Field(default=None)  # the user id last given a conversation by round robin
    created_at: datetime = created_at_field()
    updated_at: datetime | None = Field(default_factory=utcnow, sa_type=sa.DateTime(timezone=True))


class AgentQueue(SQLModel, table=True):
    """An agent's membership of a queue (an agent may serve many)."""

    __tablename__ = "agent_queue"

    queue_id: int = Field(foreign_key="queue.id", primary_key=True, ondelete="CASCADE")
    user_id: int = Field(foreign_key="app_user.id", primary_key=True, ondelete="CASCADE")
    created_at: datetime = created_at_field()


class Tag(SQLModel, table=True):
    """A label for conversations and contacts."""

    __table_args__ = (sa.UniqueConstraint("workspace_id", "name"),)

    id: int | None = Field(default=None, primary_key=True)
    workspace_id: int = Field(foreign_key="workspace.id", index=True, ondelete="CASCADE")
    name: str = Field(max_length=64)
    color: str = Field(default="gray", max_length=16)
    created_at: datetime = created_at_field()


class ConversationTag(SQLModel, table=True):
    """A tag on a conversation."""

    __tablename__ = "conversation_tag"

    conversation_id: int = Field(foreign_key="conversation.id", primary_key=True, ondelete="CASCADE")
    tag_id: int = Field(foreign_key="tag.id", primary_key=True, ondelete="CASCADE")


class RuleTarget(StrEnum):
    """Where a routing rule sends a conversation."""

    BOT = "bot"
    QUEUE = "queue"
    KNOWLEDGE = "knowledge"  # the bot whose intents and knowledge areas best match the first message


_ONE_TARGET = (
    "(target_type = 'bot' AND target_bot_id IS NOT NULL AND target_queue_id IS NULL)"
    " OR (target_type = 'queue' AND target_queue_id IS NOT NULL AND target_bot_id IS NULL)"
    " OR (target_type = 'knowledge' AND target_bot_id IS NULL AND target_queue_id IS NULL)"
)


class RoutingRule(SQLModel, table=True):
    """One rule of a workspace's routing, tried in `position` order; the first whose conditions all hold wins.

    `conditions` (every key optional, all given must hold): ``channels`` (channel kinds), ``languages``,
    ``variables`` (contact variable -> expected value), ``tags`` (any of these tag names on the
    conversation), ``knowledge_areas`` (the first message's best knowledge area is one of these).
    """

    __tablename__ = "routing_rule"
    __table_args__ = (
        sa.CheckConstraint(_ONE_TARGET, name="one_target"),
        sa.Index("ix_routing_rule_workspace_position", "workspace_id", "position"),
    )

    id: int | None = Field(default=None, primary_key=True)
    workspace_id: int = Field(foreign_key="workspace.id", ondelete="CASCADE")
    position: int = Field(default=0)
    name: str = Field(max_length=120)
    conditions: dict[str, Any] = json_field(dict)
    target_type: RuleTarget = enum_field(RuleTarget)
    target_bot_id: int | None = Field(default=None, foreign_key="bot.id", ondelete="CASCADE")
    target_queue_id: int | None = Field(default=None, foreign_key="queue.id", ondelete="CASCADE")
    enabled: bool = Field(default=True)
    created_at: datetime = created_at_field()
    updated_at: datetime = Field(default_factory=utcnow, sa_type=sa.DateTime(timezone=True))
