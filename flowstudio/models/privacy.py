"""A workspace's general configuration and privacy policy, and the record of each retention run.

Importing this module also registers encryption at rest (`flowstudio.models.sealing`), so every process
that uses the models seals and opens message bodies the same way.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from flowstudio.models.base import created_at_field, json_field, utcnow


class WorkspaceSettings(SQLModel, table=True):
    """One row per workspace (absent = the defaults): time zone, inactivity, conversation types, privacy.

    Attributes:
        timezone: IANA zone the inbox and reports show times in ("" = the default queue's zone, else UTC).
        inactive_after_minutes: Silence after which a conversation shows as inactive (None = never).
        close_after_minutes: Silence after which a conversation counts as abandoned and is closed (None = never).
        conversation_types: Named types a conversation may be given (sales, support...).
        retention_days: Days contacts' personal data (name, e-mail, phone, variables) and message bodies are
            kept after their last activity / creation (None = forever).
        file_retention_days: Days files (images, audio, video, documents) are kept (None = forever).
        encrypt_messages: Whether message bodies are sealed at rest and redacted for members without the
            permission to read them.
        sensitive_variables: Variable names sealed at rest and redacted (cpf, email...).
    """

    __tablename__ = "workspace_settings"
    __table_args__ = (
        sa.CheckConstraint("retention_days IS NULL OR retention_days >= 1", name="retention_days_positive"),
        sa.CheckConstraint(
            "file_retention_days IS NULL OR file_retention_days >= 1", name="file_retention_days_positive"
        ),
    )

    workspace_id: int = Field(foreign_key="workspace.id", primary_key=True, ondelete="CASCADE")
    timezone: str = Field(default="", max_length=64)
    inactive_after_minutes: int | None = Field(default=None)
    close_after_minutes: int | None = Field(default=None)
    conversation_types: list[str] = json_field(list)
    retention_days: int | None = Field(default=None)
    file_retention_days: int | None = Field(default=None)
    encrypt_messages: bool = Field(default=False)
    sensitive_variables: list[str] = json_field(list)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=sa.DateTime(timezone=True))


class RetentionRun(SQLModel, table=True):
    """What one retention pass erased in a workspace (counts per kind), and why it ran."""

    __tablename__ = "retention_run"
    __table_args__ = (sa.Index("ix_retention_run_workspace_started", "workspace_id", "started_at"),)

    id: int | None = Field(default=None, primary_key=True)
    workspace_id: int = Field(foreign_key="workspace.id", ondelete="CASCADE")
    trigger: str = Field(max_length=16)  # schedule, manual (the settings page), cli
    actor_user_id: int | None = Field(default=None, foreign_key="app_user.id", ondelete="SET NULL")
    data_cutoff: datetime | None = Field(default=None, sa_type=sa.DateTime(timezone=True))
    file_cutoff: datetime | None = Field(default=None, sa_type=sa.DateTime(timezone=True))
    counts: dict[str, Any] = json_field(dict)
    started_at: datetime = created_at_field()
    finished_at: datetime | None = Field(default=None, sa_type=sa.DateTime(timezone=True))
