"""Where conversations come from: channels (webchat, WhatsApp, Telegram, REST), the contacts' ids on them,
and API tokens."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from flowstudio.models.base import created_at_field, enum_field, json_field
from flowstudio.models.workspace import Role


class ChannelKind(StrEnum):
    """The wire a channel speaks."""

    WEBCHAT = "webchat"
    WHATSAPP = "whatsapp"
    TELEGRAM = "telegram"
    REST = "rest"


class Channel(SQLModel, table=True):
    """A configured channel of a workspace; `key` is its public id in URLs (webhooks, the webchat script)."""

    id: int | None = Field(default=None, primary_key=True)
    workspace_id: int = Field(foreign_key="workspace.id", index=True, ondelete="CASCADE")
    bot_id: int | None = Field(default=None, foreign_key="bot.id", ondelete="SET NULL")
    kind: ChannelKind = enum_field(ChannelKind)
    name: str = Field(max_length=120)
    key: str = Field(max_length=64, unique=True)
    config: dict[str, Any] = json_field(dict)
    secrets: dict[str, Any] = json_field(dict)
    is_active: bool = Field(default=True)
    created_at: datetime = created_at_field()


class ContactIdentity(SQLModel, table=True):
    """How a contact is known on one channel (a phone number, a Telegram chat id, a webchat visitor id)."""

    __tablename__ = "contact_identity"
    __table_args__ = (sa.UniqueConstraint("channel_id", "external_id"),)

    id: int | None = Field(default=None, primary_key=True)
    contact_id: int = Field(foreign_key="contact.id", index=True, ondelete="CASCADE")
    channel_id: int = Field(foreign_key="channel.id", ondelete="CASCADE")
    external_id: str = Field(max_length=255)
    created_at: datetime = created_at_field()


class ApiToken(SQLModel, table=True):
    """A bearer token for the REST API; only its hash is stored, with its first characters (`prefix`) to tell
    tokens apart. `last_used_at` is refreshed at most once a minute; a revoked token (`revoked_at`) is refused."""

    __tablename__ = "api_token"

    id: int | None = Field(default=None, primary_key=True)
    workspace_id: int = Field(foreign_key="workspace.id", index=True, ondelete="CASCADE")
    name: str = Field(max_length=120)
    token_hash: str = Field(max_length=64, unique=True)
    role: Role = enum_field(Role, Role.ADMIN)
    user_id: int | None = Field(default=None, foreign_key="app_user.id", ondelete="SET NULL")
    """The member a token acts for: its conversations are theirs and their queues' (`services.inbox.scope`)."""
    prefix: str = Field(default="", max_length=16)
    created_by: str = Field(default="", max_length=254)
    created_at: datetime = created_at_field()
    last_used_at: datetime | None = Field(default=None, sa_type=sa.DateTime(timezone=True))
    revoked_at: datetime | None = Field(default=None, sa_type=sa.DateTime(timezone=True))
