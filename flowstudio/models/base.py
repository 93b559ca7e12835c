"""Shared column helpers for FlowStudio's SQLModel tables."""

from __future__ import annotations

from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql
from sqlmodel import Field, SQLModel

# Stable constraint names, so migrations can drop and alter them on PostgreSQL and SQLite alike.
SQLModel.metadata.naming_convention = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

JSONType = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


def utcnow() -> datetime:
    """Now, timezone-aware in UTC (the only time FlowStudio stores)."""
    return datetime.now(UTC)


def as_utc(moment: datetime) -> datetime:
    """A stored time as timezone-aware UTC (SQLite hands naive datetimes back)."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def created_at_field() -> Any:
    """A `created_at` column set on insert."""
    return Field(default_factory=utcnow, sa_type=sa.DateTime(timezone=True), nullable=False)


def json_field(default_factory: Any = dict) -> Any:
    """A JSON column (JSONB on PostgreSQL)."""
    return Field(default_factory=default_factory, sa_type=JSONType, nullable=False)


def enum_field(enum_cls: type[StrEnum], default: StrEnum | None = None, *, index: bool = False) -> Any:
    """A string column restricted to the enum's values by a CHECK constraint (portable, no native enum)."""
    column_type = sa.Enum(
        enum_cls,
        name=enum_cls.__name__.lower(),
        native_enum=False,
        create_constraint=True,
        length=max(len(m.value) for m in enum_cls),
        values_callable=lambda members: [m.value for m in members],
        validate_strings=True,
    )
    if default is None:
        return Field(sa_type=column_type, nullable=False, index=index)
    return Field(default=default, sa_type=column_type, nullable=False, index=index)
