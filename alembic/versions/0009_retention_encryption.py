"""retention, forget a contact, encryption at rest, general settings (issue 8)

A workspace's general configuration and privacy policy (`workspace_settings`: time zone, inactivity,
conversation types, retention days, encryption, sensitive variables), the record of each retention run,
and the markers of erasure: `contact.erased_at`, `message.erased`. Conversations may carry a type.
Existing rows: no settings row (the defaults), nothing erased, no type.

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-21
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from sqlalchemy.dialects import postgresql

from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")


def upgrade() -> None:
    op.create_table(
        "workspace_settings",
        sa.Column("workspace_id", sa.Integer(), nullable=False),
        sa.Column("timezone", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("inactive_after_minutes", sa.Integer(), nullable=True),
        sa.Column("close_after_minutes", sa.Integer(), nullable=True),
        sa.Column("conversation_types", _JSON, nullable=False),
        sa.Column("retention_days", sa.Integer(), nullable=True),
        sa.Column("file_retention_days", sa.Integer(), nullable=True),
        sa.Column("encrypt_messages", sa.Boolean(), nullable=False),
        sa.Column("sensitive_variables", _JSON, nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "retention_days IS NULL OR retention_days >= 1", name=op.f("ck_workspace_settings_retention_days_positive")
        ),
        sa.CheckConstraint(
            "file_retention_days IS NULL OR file_retention_days >= 1",
            name=op.f("ck_workspace_settings_file_retention_days_positive"),
        ),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspace.id"],
            name=op.f("fk_workspace_settings_workspace_id_workspace"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("workspace_id", name=op.f("pk_workspace_settings")),
    )
    op.create_table(
        "retention_run",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("workspace_id", sa.Integer(), nullable=False),
        sa.Column("trigger", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("actor_user_id", sa.Integer(), nullable=True),
        sa.Column("data_cutoff", sa.DateTime(timezone=True), nullable=True),
        sa.Column("file_cutoff", sa.DateTime(timezone=True), nullable=True),
        sa.Column("counts", _JSON, nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["actor_user_id"],
            ["app_user.id"],
            name=op.f("fk_retention_run_actor_user_id_app_user"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["workspace_id"], ["workspace.id"], name=op.f("fk_retention_run_workspace_id_workspace"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_retention_run")),
    )
    with op.batch_alter_table("retention_run", schema=None) as batch_op:
        batch_op.create_index("ix_retention_run_workspace_started", ["workspace_id", "started_at"], unique=False)

    with op.batch_alter_table("contact", schema=None) as batch_op:
        batch_op.add_column(sa.Column("erased_at", sa.DateTime(timezone=True), nullable=True))
    with op.batch_alter_table("conversation", schema=None) as batch_op:
        batch_op.add_column(sa.Column("conversation_type", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=True))
    with op.batch_alter_table("message", schema=None) as batch_op:
        batch_op.add_column(sa.Column("erased", sqlmodel.sql.sqltypes.AutoString(length=8), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("message", schema=None) as batch_op:
        batch_op.drop_column("erased")
    with op.batch_alter_table("conversation", schema=None) as batch_op:
        batch_op.drop_column("conversation_type")
    with op.batch_alter_table("contact", schema=None) as batch_op:
        batch_op.drop_column("erased_at")

    with op.batch_alter_table("retention_run", schema=None) as batch_op:
        batch_op.drop_index("ix_retention_run_workspace_started")
    op.drop_table("retention_run")
    op.drop_table("workspace_settings")
