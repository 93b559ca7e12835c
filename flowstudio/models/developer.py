"""What developers add to a workspace: reusable code actions, secrets, outgoing webhooks and their deliveries."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from flowstudio.models.base import created_at_field, enum_field, json_field, utcnow


class ActionFlavour(StrEnum):
    """How a code action runs: inline Python in the sandbox, or a Rasa SDK action server."""

    PYTHON = "python"
    RASA = "rasa"


class CodeAction(SQLModel, table=True):
    """A code action defined once per workspace and dropped onto canvases as an `action` node.

    `parameters` is a list of `{"name", "type" (text|number|boolean|json), "required", "default"}`;
    `outcomes` the names of the extra handles besides `ok` and `error`.
    """

    __tablename__ = "code_action"
    __table_args__ = (sa.UniqueConstraint("workspace_id", "key"),)

    id: int | None = Field(default=None, primary_key=True)
    workspace_id: int = Field(foreign_key="workspace.id", index=True, ondelete="CASCADE")
    key: str = Field(max_length=64)
    name: str = Field(max_length=120)
    description: str = Field(default="", sa_type=sa.Text, nullable=False)
    flavour: ActionFlavour = enum_field(ActionFlavour, ActionFlavour.PYTHON)
    code: str = Field(default="", sa_type=sa.Text, nullable=False)
    server_url: str = Field(default="", max_length=500)
    rasa_action: str = Field(default="", max_length=120)
    parameters: list[dict[str, Any]] = json_field(list)
    outcomes: list[str] = json_field(list)
    allowed_hosts: list[str] = json_field(list)
    timeout: float = Field(default=5.0)
    updated_by: int | None = Field(default=None, foreign_key="app_user.id", ondelete="SET NULL")
    created_at: datetime = created_at_field()
    updated_at: datetime = Field(default_factory=utcnow, sa_type=sa.DateTime(timezone=True), nullable=False)


class WorkspaceSecret(SQLModel, table=True):
    """A named secret (an API key, a password) flows use as `{{secret.NAME}}`; the value is sealed at rest
    (bound to `secret:<workspace id>:<name>`) and never shown back."""

    __tablename__ = "workspace_secret"
    __table_args__ = (sa.UniqueConstraint("workspace_id", "name"),)

    id: int | None = Field(default=None, primary_key=True)
    workspace_id: int = Field(foreign_key="workspace.id", index=True, ondelete="CASCADE")
    name: str = Field(max_length=64)
    value: str = Field(sa_type=sa.Text, nullable=False)
    updated_by: int | None = Field(default=None, foreign_key="app_user.id", ondelete="SET NULL")
    created_at: datetime = created_at_field()
    updated_at: datetime = Field(default_factory=utcnow, sa_type=sa.DateTime(timezone=True), nullable=False)


class WebhookSubscription(SQLModel, table=True):
    """A URL that receives the workspace's events, signed with its own secret (sealed at rest)."""

    __tablename__ = "webhook_subscription"

    id: int | None = Field(default=None, primary_key=True)
    workspace_id: int = Field(foreign_key="workspace.id", index=True, ondelete="CASCADE")
    url: str = Field(max_length=500)
    events: list[str] = json_field(list)
    secret: str = Field(default="", sa_type=sa.Text, nullable=False)
    active: bool = Field(default=True)
    description: str = Field(default="", max_length=200)
    created_by: int | None = Field(default=None, foreign_key="app_user.id", ondelete="SET NULL")
    created_at: datetime = created_at_field()
    updated_at: datetime = Field(default_factory=utcnow, sa_type=sa.DateTime(timezone=True), nullable=False)


class WebhookStatus(StrEnum):
    """Where one delivery stands."""

    PENDING = "pending"
    DELIVERED = "delivered"
    FAILED = "failed"


class WebhookDelivery(SQLModel, table=True):
    """One event for one subscription: the payload as sent, and how its attempts went.

    `event_id` is the receiver's idempotency key: the same on every attempt, and on a redelivery by hand
    (a new row, so the log keeps the failed one).
    """

    __tablename__ = "webhook_delivery"
    __table_args__ = (
        sa.Index("ix_webhook_delivery_subscription_created", "subscription_id", "id"),
        sa.Index("ix_webhook_delivery_status_next", "status", "next_attempt_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    subscription_id: int = Field(foreign_key="webhook_subscription.id", ondelete="CASCADE")
    workspace_id: int = Field(foreign_key="workspace.id", index=True, ondelete="CASCADE")
    event: str = Field(max_length=64)
    event_id: str = Field(max_length=36)
    payload: dict[str, Any] = json_field(dict)
    attempts: int = Field(default=0)
    status: WebhookStatus = enum_field(WebhookStatus, WebhookStatus.PENDING)
    last_status_code: int | None = Field(default=None)
    last_error: str = Field(default="", sa_type=sa.Text, nullable=False)
    next_attempt_at: datetime | None = Field(default=None, sa_type=sa.DateTime(timezone=True))
    duration_ms: int | None = Field(default=None)
    created_at: datetime = created_at_field()
    updated_at: datetime = Field(default_factory=utcnow, sa_type=sa.DateTime(timezone=True), nullable=False)
