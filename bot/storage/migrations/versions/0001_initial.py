"""Create carers, prompt deliveries and reflections.

Revision ID: 0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

from bot.storage.models import UTCDateTime

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "carers",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("telegram_user_id", sa.BigInteger(), nullable=False),
        sa.Column("chat_id", sa.BigInteger(), nullable=False),
        sa.Column("locale", sa.String(length=16), nullable=False),
        sa.Column("role", sa.String(length=20), nullable=True),
        sa.Column("age_band", sa.String(length=20), nullable=True),
        sa.Column("weekdays", sa.String(length=20), nullable=False),
        sa.Column("prompt_time", sa.String(length=5), nullable=False),
        sa.Column("timezone", sa.String(length=64), nullable=True),
        sa.Column("onboarded_at", UTCDateTime(), nullable=True),
        sa.Column("paused", sa.Boolean(), nullable=False),
        sa.Column("next_prompt_at", UTCDateTime(), nullable=True),
        sa.Column("awaiting", sa.String(length=40), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
    )
    op.create_index("ix_carers_telegram_user_id", "carers", ["telegram_user_id"], unique=True)
    op.create_index("ix_carers_next_prompt_at", "carers", ["next_prompt_at"])
    op.create_table(
        "prompt_deliveries",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("carer_id", sa.Integer(),
                  sa.ForeignKey("carers.id", ondelete="CASCADE"), nullable=False),
        sa.Column("prompt_id", sa.String(length=80), nullable=False),
        sa.Column("dimension", sa.String(length=30), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("due_at", UTCDateTime(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("sent_at", UTCDateTime(), nullable=True),
        sa.Column("telegram_message_id", sa.BigInteger(), nullable=True),
    )
    op.create_index("uq_scheduled_slot", "prompt_deliveries", ["carer_id", "due_at"], unique=True,
                    sqlite_where=sa.text("kind = 'scheduled'"),
                    postgresql_where=sa.text("kind = 'scheduled'"))
    op.create_index("ix_prompt_deliveries_carer_id", "prompt_deliveries", ["carer_id"])
    op.create_index("ix_prompt_deliveries_due_at", "prompt_deliveries", ["due_at"])
    op.create_index("ix_prompt_deliveries_status", "prompt_deliveries", ["status"])
    op.create_table(
        "reflections",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("carer_id", sa.Integer(),
                  sa.ForeignKey("carers.id", ondelete="CASCADE"), nullable=False),
        sa.Column("delivery_id", sa.Integer(),
                  sa.ForeignKey("prompt_deliveries.id", ondelete="SET NULL"), nullable=True),
        sa.Column("prompt_id", sa.String(length=80), nullable=True),
        sa.Column("dimension", sa.String(length=30), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("locale", sa.String(length=16), nullable=False),
        sa.Column("telegram_message_id", sa.BigInteger(), nullable=False),
        sa.Column("suggestion_id", sa.String(length=80), nullable=True),
        sa.Column("risk_level", sa.String(length=20), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.UniqueConstraint("carer_id", "telegram_message_id", name="uq_reflection_message"),
    )
    op.create_index("ix_reflections_carer_id", "reflections", ["carer_id"])


def downgrade() -> None:
    op.drop_table("reflections")
    op.drop_table("prompt_deliveries")
    op.drop_table("carers")
