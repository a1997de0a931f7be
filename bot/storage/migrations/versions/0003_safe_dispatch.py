"""Dispatch bookkeeping (handled updates, refused chats), why prompts stopped, retention index.

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

from bot.storage.models import UTCDateTime

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("carers") as batch:
        batch.add_column(sa.Column("pause_reason", sa.String(length=20), nullable=True))
        batch.add_column(sa.Column("paused_at", UTCDateTime(), nullable=True))
    op.create_index("ix_reflections_created_at", "reflections", ["created_at"])
    op.create_table(
        "handled_updates",
        sa.Column("update_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("received_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("update_id"),
    )
    op.create_index("ix_handled_updates_received_at", "handled_updates", ["received_at"])
    op.create_table(
        "refused_chats",
        sa.Column("chat_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("refused_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("chat_id"),
    )


def downgrade() -> None:
    op.drop_table("refused_chats")
    op.drop_index("ix_handled_updates_received_at", table_name="handled_updates")
    op.drop_table("handled_updates")
    op.drop_index("ix_reflections_created_at", table_name="reflections")
    with op.batch_alter_table("carers") as batch:
        batch.drop_column("paused_at")
        batch.drop_column("pause_reason")
