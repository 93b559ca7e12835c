"""Human queues, their agents, and tags."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from flowstudio.models.base import created_at_field


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
    created_at: datetime = created_at_field()


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
