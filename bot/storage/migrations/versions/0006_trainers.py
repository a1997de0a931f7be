"""Trainers, groups, invites, plans, weekly themes, frozen reports, broadcasts; reflection tone.

Revision ID: 0006
Revises: 0005
"""

import sqlalchemy as sa
from alembic import op

from bot.storage.models import UTCDateTime

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def _id() -> sa.Column:
    return sa.Column("id", sa.Integer(), primary_key=True)


def _created() -> sa.Column:
    return sa.Column("created_at", UTCDateTime(), nullable=False)


def upgrade() -> None:
    op.create_table(
        "trainers",
        _id(),
        sa.Column("telegram_user_id", sa.BigInteger(), nullable=True, unique=True),
        sa.Column("username", sa.String(length=64), nullable=True),
        sa.Column("chat_id", sa.BigInteger(), nullable=True),
        sa.Column("display_name", sa.String(length=64), nullable=False),
        sa.Column("locale", sa.String(length=16), nullable=False),
        sa.Column("timezone", sa.String(length=64), nullable=True),
        sa.Column("digest_enabled", sa.Boolean(), nullable=False),
        sa.Column("last_digest_on", sa.Date(), nullable=True),
        sa.Column("awaiting", sa.String(length=80), nullable=True),
        sa.Column("commands", sa.String(length=10), nullable=True),
        sa.Column("removed_at", UTCDateTime(), nullable=True),
        _created(),
    )
    op.create_index("ix_trainers_username", "trainers", ["username"])
    op.create_table(
        "trainer_invites",
        _id(),
        sa.Column("code_hash", sa.String(length=64), nullable=False, unique=True),
        sa.Column("expires_at", UTCDateTime(), nullable=False),
        sa.Column("used_at", UTCDateTime(), nullable=True),
        _created(),
    )
    op.create_table(
        "plans",
        _id(),
        sa.Column(
            "trainer_id", sa.Integer(), sa.ForeignKey("trainers.id", ondelete="CASCADE")
        ),
        sa.Column("key", sa.String(length=40), nullable=True, unique=True),
        sa.Column("name", sa.String(length=60), nullable=False),
        sa.Column("weeks", sa.Text(), nullable=False),
        _created(),
    )
    op.create_index("ix_plans_trainer_id", "plans", ["trainer_id"])
    op.create_table(
        "care_groups",
        _id(),
        sa.Column(
            "trainer_id",
            sa.Integer(),
            sa.ForeignKey("trainers.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("name", sa.String(length=60), nullable=False),
        sa.Column("plan_id", sa.Integer(), sa.ForeignKey("plans.id", ondelete="SET NULL")),
        sa.Column("start_date", sa.Date(), nullable=False),
        sa.Column("archived_at", UTCDateTime(), nullable=True),
        _created(),
    )
    op.create_index("ix_care_groups_trainer_id", "care_groups", ["trainer_id"])
    _group_child(
        "group_invites",
        sa.Column("code", sa.String(length=32), nullable=False, unique=True),
        sa.Column("expires_at", UTCDateTime(), nullable=True),
        sa.Column("max_uses", sa.Integer(), nullable=True),
        sa.Column("uses", sa.Integer(), nullable=False),
        sa.Column("revoked_at", UTCDateTime(), nullable=True),
        _created(),
    )
    _group_child(
        "group_members",
        sa.Column(
            "carer_id",
            sa.Integer(),
            sa.ForeignKey("carers.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("joined_at", UTCDateTime(), nullable=False),
        sa.Column("left_at", UTCDateTime(), nullable=True),
        sa.UniqueConstraint("group_id", "carer_id", name="uq_group_member"),
    )
    op.create_index("ix_group_members_carer_id", "group_members", ["carer_id"])
    _group_child(
        "group_themes",
        sa.Column("week", sa.Integer(), nullable=False),
        sa.Column("dimension", sa.String(length=30), nullable=True),
        sa.Column("note", sa.Text(), nullable=False),
        sa.UniqueConstraint("group_id", "week", name="uq_group_week"),
    )
    _group_child(
        "group_week_reports",
        sa.Column("week", sa.Integer(), nullable=False),
        sa.Column("figures", sa.Text(), nullable=False),
        sa.Column("frozen_at", UTCDateTime(), nullable=False),
        sa.UniqueConstraint("group_id", "week", name="uq_group_week_report"),
    )
    _group_child(
        "broadcasts",
        sa.Column("text", sa.Text(), nullable=False),
        _created(),
        sa.Column("queued_at", UTCDateTime(), nullable=True),
        sa.Column("recipients", sa.Integer(), nullable=False),
    )
    with op.batch_alter_table("prompt_deliveries") as batch:
        batch.add_column(
            sa.Column(
                "broadcast_id",
                sa.Integer(),
                sa.ForeignKey(
                    "broadcasts.id", ondelete="CASCADE", name="fk_prompt_deliveries_broadcast"
                ),
                nullable=True,
            )
        )
        batch.add_column(sa.Column("note", sa.Text(), nullable=True))
    op.create_index(
        "ix_prompt_deliveries_broadcast_id", "prompt_deliveries", ["broadcast_id"]
    )
    with op.batch_alter_table("reflections") as batch:
        batch.add_column(sa.Column("tone", sa.String(length=10), nullable=True))


def _group_child(name: str, *columns: sa.Column | sa.UniqueConstraint) -> None:
    """Create a table that belongs to a group and goes when the group goes."""
    op.create_table(
        name,
        _id(),
        sa.Column(
            "group_id",
            sa.Integer(),
            sa.ForeignKey("care_groups.id", ondelete="CASCADE"),
            nullable=False,
        ),
        *columns,
    )
    op.create_index(f"ix_{name}_group_id", name, ["group_id"])


def downgrade() -> None:
    with op.batch_alter_table("reflections") as batch:
        batch.drop_column("tone")
    op.drop_index("ix_prompt_deliveries_broadcast_id", table_name="prompt_deliveries")
    with op.batch_alter_table("prompt_deliveries") as batch:
        batch.drop_column("note")
        batch.drop_column("broadcast_id")
    for table in (
        "broadcasts",
        "group_week_reports",
        "group_themes",
        "group_members",
        "group_invites",
        "care_groups",
        "plans",
        "trainer_invites",
        "trainers",
    ):
        op.drop_table(table)
