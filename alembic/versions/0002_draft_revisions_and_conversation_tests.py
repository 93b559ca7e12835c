"""draft revisions and conversation tests

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-21
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel

from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "conversation_test",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("bot_id", sa.Integer(), nullable=False),
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
        sa.Column("content", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["bot_id"], ["bot.id"], name=op.f("fk_conversation_test_bot_id_bot"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_conversation_test")),
        sa.UniqueConstraint("bot_id", "name", name=op.f("uq_conversation_test_bot_id_name")),
    )
    with op.batch_alter_table("conversation_test", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_conversation_test_bot_id"), ["bot_id"], unique=False)

    with op.batch_alter_table("flow_version", schema=None) as batch_op:
        batch_op.add_column(sa.Column("revision", sa.Integer(), server_default="0", nullable=False))
        batch_op.add_column(sa.Column("updated_at", sa.DateTime(timezone=True), nullable=True))
    op.execute("UPDATE flow_version SET updated_at = created_at")
    with op.batch_alter_table("flow_version", schema=None) as batch_op:
        batch_op.alter_column("updated_at", existing_type=sa.DateTime(timezone=True), nullable=False)


def downgrade() -> None:
    with op.batch_alter_table("flow_version", schema=None) as batch_op:
        batch_op.drop_column("updated_at")
        batch_op.drop_column("revision")

    with op.batch_alter_table("conversation_test", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_conversation_test_bot_id"))

    op.drop_table("conversation_test")
