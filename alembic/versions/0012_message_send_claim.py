"""message send claim (issue 19)

`message.send_attempts` and `message.sending_at`: a worker commits its claim on an outbound message before
calling the provider, so a redelivered task after a worker died mid-send knows the message may already have
reached the provider (logged, and a message that kills its worker again and again is failed). Existing rows:
no attempt recorded.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-05
"""

from collections.abc import Sequence

import sqlalchemy as sa

from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("message", schema=None) as batch_op:
        batch_op.add_column(sa.Column("send_attempts", sa.Integer(), server_default="0", nullable=False))
        batch_op.add_column(sa.Column("sending_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("message", schema=None) as batch_op:
        batch_op.drop_column("sending_at")
        batch_op.drop_column("send_attempts")
