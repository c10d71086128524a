"""Cards: `id` (after `position`) and `kind` in the queue index, and an index of the cards by
kind; review log: grade and before_due in the day index.

With the card id right after the sort columns, the queue's `ORDER BY due, deck, position,
id` is the index order itself: SQLite stops at the LIMIT without sorting and never reads the
table. With `kind` in it and an index led by `kind`, the due counts count distinct notes
only among the cards of reversible and cloze notes (the only notes of several cards) and
plain rows elsewhere. With the grade and the state before in the day index, today's log rows (studied
counts, notes seen, same-day repeats) are read from the index alone.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-26 08:00:00
"""

from __future__ import annotations

from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

QUEUE_BEFORE = ["due", "deck", "position", "removed", "suspended", "buried_until", "note_id"]
QUEUE_AFTER = [
    "due",
    "deck",
    "position",
    "id",
    "removed",
    "suspended",
    "buried_until",
    "note_id",
    "kind",
]
SIBLINGS = ["kind", "due", "deck", "note_id", "removed", "suspended", "buried_until"]
DAY_BEFORE = ["study_day", "undone", "kind", "card_id"]
DAY_AFTER = ["study_day", "undone", "kind", "card_id", "grade", "before_due"]


def upgrade() -> None:
    with op.batch_alter_table("cards", schema=None) as batch_op:
        batch_op.drop_index("ix_cards_queue")
        batch_op.create_index("ix_cards_queue", QUEUE_AFTER, unique=False)
        batch_op.create_index("ix_cards_siblings", SIBLINGS, unique=False)
    with op.batch_alter_table("review_log", schema=None) as batch_op:
        batch_op.drop_index("ix_review_log_day")
        batch_op.create_index("ix_review_log_day", DAY_AFTER, unique=False)


def downgrade() -> None:
    with op.batch_alter_table("review_log", schema=None) as batch_op:
        batch_op.drop_index("ix_review_log_day")
        batch_op.create_index("ix_review_log_day", DAY_BEFORE, unique=False)
    with op.batch_alter_table("cards", schema=None) as batch_op:
        batch_op.drop_index("ix_cards_siblings")
        batch_op.drop_index("ix_cards_queue")
        batch_op.create_index("ix_cards_queue", QUEUE_BEFORE, unique=False)
