"""API tokens: the member a token acts for (issue 19)

`api_token.user_id`: a token created for a member (an agent's) sees the conversations that member sees in
the inbox (theirs and their queues'); without one, a token that does not see every conversation sees none.
Existing rows: no member. A deleted member's tokens keep their role and see nothing more.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-07
"""

from collections.abc import Sequence

import sqlalchemy as sa

from alembic import op

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("api_token", schema=None) as batch_op:
        batch_op.add_column(sa.Column("user_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            "fk_api_token_user_id_app_user", "app_user", ["user_id"], ["id"], ondelete="SET NULL"
        )


def downgrade() -> None:
    with op.batch_alter_table("api_token", schema=None) as batch_op:
        batch_op.drop_constraint("fk_api_token_user_id_app_user", type_="foreignkey")
        batch_op.drop_column("user_id")
