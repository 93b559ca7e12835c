"""agents, queue settings, routing rules, inbox fields

Agent profiles (status, capacity), queue settings (business hours, strategy, waits, messages, CSAT),
ordered routing rules, and the conversation fields of the inbox and the queue monitor. Existing queues
get the defaults (round robin, always open, back to the bot on close); existing conversations are
`normal` priority with no figures yet.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-21
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from sqlalchemy.dialects import postgresql

from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "agent_profile",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("membership_id", sa.Integer(), nullable=False),
        sa.Column(
            "status",
            sa.Enum("online", "away", "offline", name="agentstatus", native_enum=False, create_constraint=True),
            nullable=False,
        ),
        sa.Column("capacity", sa.Integer(), nullable=False),
        sa.Column("last_seen_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("status_changed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("capacity >= 0", name=op.f("ck_agent_profile_capacity_not_negative")),
        sa.ForeignKeyConstraint(
            ["membership_id"],
            ["membership.id"],
            name=op.f("fk_agent_profile_membership_id_membership"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_agent_profile")),
        sa.UniqueConstraint("membership_id", name=op.f("uq_agent_profile_membership_id")),
    )
    op.create_table(
        "routing_rule",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("workspace_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
        sa.Column(
            "conditions", sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"), nullable=False
        ),
        sa.Column(
            "target_type",
            sa.Enum("bot", "queue", "knowledge", name="ruletarget", native_enum=False, create_constraint=True),
            nullable=False,
        ),
        sa.Column("target_bot_id", sa.Integer(), nullable=True),
        sa.Column("target_queue_id", sa.Integer(), nullable=True),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "(target_type = 'bot' AND target_bot_id IS NOT NULL AND target_queue_id IS NULL) OR (target_type = 'queue' AND target_queue_id IS NOT NULL AND target_bot_id IS NULL) OR (target_type = 'knowledge' AND target_bot_id IS NULL AND target_queue_id IS NULL)",
            name=op.f("ck_routing_rule_one_target"),
        ),
        sa.ForeignKeyConstraint(
            ["target_bot_id"], ["bot.id"], name=op.f("fk_routing_rule_target_bot_id_bot"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["target_queue_id"], ["queue.id"], name=op.f("fk_routing_rule_target_queue_id_queue"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["workspace_id"], ["workspace.id"], name=op.f("fk_routing_rule_workspace_id_workspace"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_routing_rule")),
    )
    with op.batch_alter_table("routing_rule", schema=None) as batch_op:
        batch_op.create_index("ix_routing_rule_workspace_position", ["workspace_id", "position"], unique=False)

    with op.batch_alter_table("conversation", schema=None) as batch_op:
        batch_op.add_column(sa.Column("last_bot_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("queue_id", sa.Integer(), nullable=True))
        batch_op.add_column(
            sa.Column(
                "priority",
                sa.Enum("low", "normal", "high", "urgent", name="priority", native_enum=False, create_constraint=True),
                server_default="normal",
                nullable=False,
            )
        )
        batch_op.add_column(sa.Column("last_read_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("queued_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("assigned_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("first_response_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("sla_breached_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("position_notified", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("csat_requested_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("csat_score", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("csat_comment", sa.Text(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_conversation_last_bot_id_bot"), "bot", ["last_bot_id"], ["id"], ondelete="SET NULL"
        )
        batch_op.create_index(batch_op.f("ix_conversation_queue_id"), ["queue_id"], unique=False)
        batch_op.create_foreign_key(
            batch_op.f("fk_conversation_queue_id_queue"), "queue", ["queue_id"], ["id"], ondelete="SET NULL"
        )
        batch_op.create_check_constraint(
            batch_op.f("ck_conversation_csat_score_1_to_5"), "csat_score IS NULL OR (csat_score BETWEEN 1 AND 5)"
        )

    with op.batch_alter_table("queue", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "business_hours",
                sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
                server_default="{}",
                nullable=False,
            )
        )
        batch_op.add_column(
            sa.Column(
                "strategy",
                sa.Enum(
                    "round_robin",
                    "least_busy",
                    "manual",
                    name="assignmentstrategy",
                    native_enum=False,
                    create_constraint=True,
                ),
                server_default="round_robin",
                nullable=False,
            )
        )
        batch_op.add_column(sa.Column("max_wait_seconds", sa.Integer(), server_default="300", nullable=False))
        batch_op.add_column(sa.Column("position_message", sa.Text(), server_default="", nullable=False))
        batch_op.add_column(sa.Column("closed_message", sa.Text(), server_default="", nullable=False))
        batch_op.add_column(
            sa.Column("return_to_bot_on_close", sa.Boolean(), server_default=sa.text("true"), nullable=False)
        )
        batch_op.add_column(sa.Column("csat_enabled", sa.Boolean(), server_default=sa.text("false"), nullable=False))
        batch_op.add_column(sa.Column("csat_question", sa.Text(), server_default="", nullable=False))
        batch_op.add_column(sa.Column("rr_cursor", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("updated_at", sa.DateTime(timezone=True), nullable=True))

    # The defaults above only fill existing rows; new rows get theirs from the model (SQLite and PostgreSQL
    # render '' and boolean defaults differently, so the schema keeps none).
    with op.batch_alter_table("queue", schema=None) as batch_op:
        for column in ("position_message", "closed_message", "return_to_bot_on_close", "csat_enabled", "csat_question"):
            batch_op.alter_column(column, server_default=None)


def downgrade() -> None:
    with op.batch_alter_table("queue", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("ck_queue_assignmentstrategy"), type_="check")
        batch_op.drop_column("updated_at")
        batch_op.drop_column("rr_cursor")
        batch_op.drop_column("csat_question")
        batch_op.drop_column("csat_enabled")
        batch_op.drop_column("return_to_bot_on_close")
        batch_op.drop_column("closed_message")
        batch_op.drop_column("position_message")
        batch_op.drop_column("max_wait_seconds")
        batch_op.drop_column("strategy")
        batch_op.drop_column("business_hours")

    with op.batch_alter_table("conversation", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("ck_conversation_csat_score_1_to_5"), type_="check")
        batch_op.drop_constraint(batch_op.f("ck_conversation_priority"), type_="check")
        batch_op.drop_constraint(batch_op.f("fk_conversation_queue_id_queue"), type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_conversation_queue_id"))
        batch_op.drop_constraint(batch_op.f("fk_conversation_last_bot_id_bot"), type_="foreignkey")
        batch_op.drop_column("csat_comment")
        batch_op.drop_column("csat_score")
        batch_op.drop_column("csat_requested_at")
        batch_op.drop_column("position_notified")
        batch_op.drop_column("sla_breached_at")
        batch_op.drop_column("first_response_at")
        batch_op.drop_column("assigned_at")
        batch_op.drop_column("queued_at")
        batch_op.drop_column("last_read_at")
        batch_op.drop_column("priority")
        batch_op.drop_column("queue_id")
        batch_op.drop_column("last_bot_id")

    with op.batch_alter_table("routing_rule", schema=None) as batch_op:
        batch_op.drop_index("ix_routing_rule_workspace_position")

    op.drop_table("routing_rule")
    op.drop_table("agent_profile")
