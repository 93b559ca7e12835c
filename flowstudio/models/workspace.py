"""Workspaces, users and their roles in each workspace."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from flowstudio.models.base import created_at_field, enum_field


class Role(StrEnum):
    """What a member may do in a workspace (the capabilities of each: `flowstudio.services.identity.permissions`)."""

    ADMIN = "admin"
    SUPERVISOR = "supervisor"
    DESIGNER = "designer"
    DEVELOPER = "developer"
    AGENT = "agent"


class AgentStatus(StrEnum):
    """Whether an agent takes conversations now: only `online` agents are assigned any."""

    ONLINE = "online"
    AWAY = "away"
    OFFLINE = "offline"


class Workspace(SQLModel, table=True):
    """A tenant: its bots, people, queues and conversations belong to it."""

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=120)
    slug: str = Field(max_length=64, unique=True)
    default_language: str = Field(default="pt-BR", max_length=8)
    created_at: datetime = created_at_field()


class User(SQLModel, table=True):
    """A person who logs in (an administrator, supervisor, designer, developer or agent of a workspace)."""

    __tablename__ = "app_user"  # `user` is reserved in PostgreSQL

    id: int | None = Field(default=None, primary_key=True)
    email: str = Field(max_length=254, unique=True)
    name: str = Field(max_length=120)
    password_hash: str = Field(max_length=255)
    is_active: bool = Field(default=True)
    language: str | None = Field(default=None, max_length=8)
    created_at: datetime = created_at_field()
    last_login_at: datetime | None = Field(default=None, sa_type=sa.DateTime(timezone=True))


class Membership(SQLModel, table=True):
    """A user's role in one workspace, and whether they may read encrypted message bodies."""

    __table_args__ = (sa.UniqueConstraint("workspace_id", "user_id"),)

    id: int | None = Field(default=None, primary_key=True)
    workspace_id: int = Field(foreign_key="workspace.id", index=True, ondelete="CASCADE")
    user_id: int = Field(foreign_key="app_user.id", index=True, ondelete="CASCADE")
    role: Role = enum_field(Role, Role.AGENT)
    can_read_encrypted: bool = Field(default=False)
    """Granted per person (Botmaker's "special agents"): sees plaintext of encrypted messages."""
    created_at: datetime = created_at_field()


class AgentProfile(SQLModel, table=True):
    """How a member works the inbox: status and capacity (the most conversations they hold at once).

    One per membership; a member without a profile is an offline agent.
    """

    __tablename__ = "agent_profile"
    __table_args__ = (sa.CheckConstraint("capacity >= 0", name="capacity_not_negative"),)

    id: int | None = Field(default=None, primary_key=True)
    membership_id: int = Field(foreign_key="membership.id", unique=True, ondelete="CASCADE")
    status: AgentStatus = enum_field(AgentStatus, AgentStatus.OFFLINE)
    capacity: int = Field(default=3)
    last_seen_at: datetime | None = Field(default=None, sa_type=sa.DateTime(timezone=True))
    status_changed_at: datetime | None = Field(default=None, sa_type=sa.DateTime(timezone=True))
    created_at: datetime = created_at_field()
