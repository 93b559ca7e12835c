"""message send parts and cut-offs (issue 19)

`message.sent_parts`: how many of an outbound message's provider messages went out (a WhatsApp carousel or a
long menu takes several), so a retry after a failure half-way sends only the rest. `message.cut_offs`: how
many of its claims were found cut off by a dying worker; past a few the message is failed instead of killing
worker after worker. Existing rows: nothing sent in parts, no cut-off.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-07
"""

from collections.abc import Sequence

import sqlalchemy as sa

from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("message", schema=None) as batch_op:
        batch_op.add_column(sa.Column("sent_parts", sa.Integer(), server_default="0", nullable=False))
        batch_op.add_column(sa.Column("cut_offs", sa.Integer(), server_default="0", nullable=False))


def downgrade() -> None:
    with op.batch_alter_table("message", schema=None) as batch_op:
        batch_op.drop_column("cut_offs")
        batch_op.drop_column("sent_parts")
