"""Per-workspace IP rules: a block list (everyone) and an allow list (agents only, when not empty)."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from flowstudio.models.base import created_at_field, enum_field


class IpRuleKind(StrEnum):
    """What a rule does: `block` refuses everyone from the network; `allow` lists where agents may work."""

    BLOCK = "block"
    ALLOW = "allow"


class IpRule(SQLModel, table=True):
    """One address or network (IPv4 or IPv6 CIDR, stored normalised: `203.0.113.0/24`, `2001:db8::/32`)."""

    __tablename__ = "ip_rule"
    __table_args__ = (sa.UniqueConstraint("workspace_id", "kind", "network"),)

    id: int | None = Field(default=None, primary_key=True)
    workspace_id: int = Field(foreign_key="workspace.id", index=True, ondelete="CASCADE")
    kind: IpRuleKind = enum_field(IpRuleKind)
    network: str = Field(max_length=64)
    note: str = Field(default="", max_length=200)
    created_by_user_id: int | None = Field(default=None, foreign_key="app_user.id", ondelete="SET NULL")
    created_at: datetime = created_at_field()
