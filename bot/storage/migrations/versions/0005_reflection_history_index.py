"""Index a carer's reflections newest first with their suggestion, for the reflection path.

Revision ID: 0005
Revises: 0004
"""

from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index(
        "ix_reflections_carer_history",
        "reflections",
        ["carer_id", "created_at", "id", "suggestion_id"],
    )


def downgrade() -> None:
    op.drop_index("ix_reflections_carer_history", table_name="reflections")
