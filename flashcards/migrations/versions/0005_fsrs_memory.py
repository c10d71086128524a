"""FSRS: each card's memory state, the log's before/after memory, fitted parameters, metadata.

A card scheduled by FSRS keeps its memory state (stability, difficulty; NULL until FSRS has
computed it) beside its SM-2 fields, and each log row keeps the memory before and after the
grade, so undo restores it as it restores the SM-2 state. `fsrs_parameters` holds the
parameters `flashcards optimize` fitted (per deck, "" for the whole collection) with the
date and the number of reviews used; `collection_meta` holds the scheduler settings the
cards' states were computed with, so a change of scheduler is replayed once, at the next
open after it.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-03 06:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

LOG_MEMORY = ("before_stability", "before_difficulty", "after_stability", "after_difficulty")


def upgrade() -> None:
    with op.batch_alter_table("cards", schema=None) as batch_op:
        batch_op.add_column(sa.Column("fsrs_stability", sa.Float(), nullable=True))
        batch_op.add_column(sa.Column("fsrs_difficulty", sa.Float(), nullable=True))
    with op.batch_alter_table("review_log", schema=None) as batch_op:
        for name in LOG_MEMORY:
            batch_op.add_column(sa.Column(name, sa.Float(), nullable=True))
    op.create_table(
        "fsrs_parameters",
        sa.Column("deck", sa.String(), nullable=False),
        sa.Column("parameters", sa.Text(), nullable=False),
        sa.Column("fitted_on", sa.Date(), nullable=False),
        sa.Column("reviews", sa.Integer(), nullable=False),
        sa.Column("log_loss", sa.Float(), nullable=True),
        sa.PrimaryKeyConstraint("deck"),
    )
    op.create_table(
        "collection_meta",
        sa.Column("key", sa.String(), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("key"),
    )


def downgrade() -> None:
    op.drop_table("collection_meta")
    op.drop_table("fsrs_parameters")
    with op.batch_alter_table("review_log", schema=None) as batch_op:
        for name in LOG_MEMORY:
            batch_op.drop_column(name)
    with op.batch_alter_table("cards", schema=None) as batch_op:
        batch_op.drop_column("fsrs_difficulty")
        batch_op.drop_column("fsrs_stability")
