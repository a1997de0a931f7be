"""Record whether a safeguarding flag was a signpost or a softer note.

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("reflections") as batch:
        batch.add_column(sa.Column("risk_strength", sa.String(length=10), nullable=True))
    # Every flag before this revision replaced the suggestion.
    op.execute(
        "UPDATE reflections SET risk_strength = 'signpost' WHERE risk_level IS NOT NULL"
    )


def downgrade() -> None:
    with op.batch_alter_table("reflections") as batch:
        batch.drop_column("risk_strength")
