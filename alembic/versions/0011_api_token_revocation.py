"""API tokens: prefix, creator and revocation (issue 19)

`api_token.prefix` (the token's first characters, to tell tokens apart in lists and in
`flowstudio token revoke`), `created_by` (who created it: an e-mail, or `cli`) and `revoked_at` (a revoked
token is refused). Existing rows: no prefix or creator recorded, not revoked.

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-24
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel

from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("api_token", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("prefix", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False, server_default="")
        )
        batch_op.add_column(
            sa.Column("created_by", sqlmodel.sql.sqltypes.AutoString(length=254), nullable=False, server_default="")
        )
        batch_op.add_column(sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True))
    with op.batch_alter_table("api_token", schema=None) as batch_op:  # the defaults only filled existing rows
        batch_op.alter_column("prefix", server_default=None)
        batch_op.alter_column("created_by", server_default=None)


def downgrade() -> None:
    with op.batch_alter_table("api_token", schema=None) as batch_op:
        batch_op.drop_column("revoked_at")
        batch_op.drop_column("created_by")
        batch_op.drop_column("prefix")
