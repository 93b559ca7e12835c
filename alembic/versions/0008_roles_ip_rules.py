"""roles and permissions, IP rules (issue 8)

Two more roles (designer, developer) in the role CHECK constraints of memberships and API tokens; the
per-membership permission to read encrypted messages (off for everyone already there); and the
per-workspace IP rules (block list, agents' allow list).

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-21
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel

from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_OLD_ROLES = ("admin", "supervisor", "agent")
_NEW_ROLES = ("admin", "supervisor", "designer", "developer", "agent")
_ROLE_TABLES = ("membership", "api_token")


def _roles_check(roles: tuple[str, ...]) -> str:
    return "role IN (" + ", ".join(f"'{role}'" for role in roles) + ")"


def _set_roles(roles: tuple[str, ...]) -> None:
    # The enum's CHECK is named by the naming convention: ck_<table>_role.
    for table in _ROLE_TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_constraint(batch_op.f(f"ck_{table}_role"), type_="check")
            batch_op.create_check_constraint(batch_op.f(f"ck_{table}_role"), _roles_check(roles))


def upgrade() -> None:
    _set_roles(_NEW_ROLES)

    with op.batch_alter_table("membership", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("can_read_encrypted", sa.Boolean(), server_default=sa.text("false"), nullable=False)
        )
    # The default only fills existing rows; new rows get theirs from the model.
    with op.batch_alter_table("membership", schema=None) as batch_op:
        batch_op.alter_column("can_read_encrypted", server_default=None)

    op.create_table(
        "ip_rule",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("workspace_id", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum("block", "allow", name="iprulekind", native_enum=False, create_constraint=True),
            nullable=False,
        ),
        sa.Column("network", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("note", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("created_by_user_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by_user_id"],
            ["app_user.id"],
            name=op.f("fk_ip_rule_created_by_user_id_app_user"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["workspace_id"], ["workspace.id"], name=op.f("fk_ip_rule_workspace_id_workspace"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ip_rule")),
        sa.UniqueConstraint("workspace_id", "kind", "network", name=op.f("uq_ip_rule_workspace_id_kind_network")),
    )
    with op.batch_alter_table("ip_rule", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_ip_rule_workspace_id"), ["workspace_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("ip_rule", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_ip_rule_workspace_id"))
    op.drop_table("ip_rule")

    with op.batch_alter_table("membership", schema=None) as batch_op:
        batch_op.drop_column("can_read_encrypted")

    # Members and tokens with a role the old schema does not know become agents (the least privilege).
    for table in _ROLE_TABLES:
        op.execute(sa.text(f"UPDATE {table} SET role = 'agent' WHERE role IN ('designer', 'developer')"))
    _set_roles(_OLD_ROLES)
