"""Review log: one index on (study_day, undone, kind, card_id) in place of study_day alone.

The statistics count answers per study day and find each card's first review of a day; with
the undone mark, the kind and the card in the index they never read the table.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-26 07:30:00
"""

from __future__ import annotations

from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("review_log", schema=None) as batch_op:
        batch_op.drop_index("ix_review_log_study_day")
        batch_op.create_index(
            "ix_review_log_day", ["study_day", "undone", "kind", "card_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("review_log", schema=None) as batch_op:
        batch_op.drop_index("ix_review_log_day")
        batch_op.create_index("ix_review_log_study_day", ["study_day"], unique=False)
