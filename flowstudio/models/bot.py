"""Bots and the versions of their flow documents."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from flowstudio.models.base import JSONType, created_at_field, enum_field, json_field, utcnow

BOT_LANGUAGES = ("pt", "es", "en", "fr")  # fr: NLU and messages fall back to language-neutral processing


class Bot(SQLModel, table=True):
    """A bot of a workspace, with its language and knowledge areas; at most one default per workspace."""

    __table_args__ = (
        sa.UniqueConstraint("workspace_id", "name"),
        sa.Index(
            "uq_bot_one_default_per_workspace",
            "workspace_id",
            unique=True,
            sqlite_where=sa.text("is_default"),
            postgresql_where=sa.text("is_default"),
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    workspace_id: int = Field(foreign_key="workspace.id", index=True, ondelete="CASCADE")
    name: str = Field(max_length=120)
    description: str = Field(default="", sa_type=sa.Text)
    language: str = Field(default="pt", max_length=8)
    knowledge_areas: list[str] = json_field(list)
    is_default: bool = Field(default=False)
    created_at: datetime = created_at_field()
    updated_at: datetime = Field(default_factory=utcnow, sa_type=sa.DateTime(timezone=True))


class FlowVersionStatus(StrEnum):
    """A draft is edited; a published version is immutable and numbered."""

    DRAFT = "draft"
    PUBLISHED = "published"


class FlowVersion(SQLModel, table=True):
    """One version of a bot's flow document: the single draft, or an immutable numbered publication."""

    __tablename__ = "flow_version"
    __table_args__ = (
        sa.UniqueConstraint("bot_id", "number"),
        sa.CheckConstraint(
            "(status = 'draft' AND number IS NULL) OR (status = 'published' AND number IS NOT NULL)",
            name="numbered_when_published",
        ),
        sa.Index(
            "uq_flow_version_one_draft_per_bot",
            "bot_id",
            unique=True,
            sqlite_where=sa.text("status = 'draft'"),
            postgresql_where=sa.text("status = 'draft'"),
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    bot_id: int = Field(foreign_key="bot.id", index=True, ondelete="CASCADE")
    status: FlowVersionStatus = enum_field(FlowVersionStatus, FlowVersionStatus.DRAFT)
    number: int | None = Field(default=None)
    document: dict[str, Any] = Field(default_factory=dict, sa_type=JSONType, nullable=False)
    author_id: int | None = Field(default=None, foreign_key="app_user.id", ondelete="SET NULL")
    changelog: str = Field(default="", sa_type=sa.Text)
    revision: int = Field(default=0, sa_column_kwargs={"server_default": "0"})
    created_at: datetime = created_at_field()
    updated_at: datetime = Field(default_factory=utcnow, sa_type=sa.DateTime(timezone=True))


class ConversationTest(SQLModel, table=True):
    """A recorded conversation (the runtime's JSONL test format) kept with a bot and run before publishing."""

    __tablename__ = "conversation_test"
    __table_args__ = (sa.UniqueConstraint("bot_id", "name"),)

    id: int | None = Field(default=None, primary_key=True)
    bot_id: int = Field(foreign_key="bot.id", index=True, ondelete="CASCADE")
    name: str = Field(max_length=120)
    content: str = Field(sa_type=sa.Text)
    created_at: datetime = created_at_field()
