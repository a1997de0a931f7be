"""Delivery leases and outcomes: when a row was claimed, how often tried, why it failed.

Revision ID: 0004
Revises: 0003
"""

import sqlalchemy as sa
from alembic import op

from bot.storage.models import UTCDateTime

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("prompt_deliveries") as batch:
        batch.add_column(sa.Column("claimed_at", UTCDateTime(), nullable=True))
        batch.add_column(
            sa.Column("attempts", sa.Integer(), nullable=False, server_default="0")
        )
        batch.add_column(sa.Column("last_error", sa.String(length=40), nullable=True))
    op.create_index(
        "ix_prompt_deliveries_status_due_at", "prompt_deliveries", ["status", "due_at"]
    )


def downgrade() -> None:
    op.drop_index("ix_prompt_deliveries_status_due_at", table_name="prompt_deliveries")
    with op.batch_alter_table("prompt_deliveries") as batch:
        batch.drop_column("last_error")
        batch.drop_column("attempts")
        batch.drop_column("claimed_at")
