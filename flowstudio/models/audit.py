"""The audit log: security-relevant actions, append-only and hash-chained."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from flowstudio.models.base import created_at_field, json_field


class AuditEntry(SQLModel, table=True):
    """One security-relevant action: who did what to what, from where, and when.

    Rows are never updated or deleted: database triggers refuse it (see migration 0005), and each
    row carries the SHA-256 of its content chained to the previous row of its workspace, so a row
    edited or removed behind the database's back shows up in `audit.verify_chain`. There is no
    foreign key to the workspace or the user on purpose: the record outlives both.
    """

    __tablename__ = "audit_entry"
    __table_args__ = (sa.Index("ix_audit_entry_workspace_created", "workspace_id", "created_at"),)

    id: int | None = Field(default=None, primary_key=True)
    workspace_id: int | None = Field(default=None)
    actor_user_id: int | None = Field(default=None)
    actor_email: str = Field(default="", max_length=254)
    action: str = Field(max_length=64, index=True)
    target_type: str = Field(default="", max_length=40)
    target_id: str = Field(default="", max_length=64)
    ip: str = Field(default="", max_length=45)
    details: dict[str, Any] = json_field(dict)
    previous_hash: str = Field(default="", max_length=64)
    entry_hash: str = Field(max_length=64)
    created_at: datetime = created_at_field()
