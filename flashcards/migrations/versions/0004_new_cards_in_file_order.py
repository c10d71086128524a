"""Cards: an index for new cards in file order (deck file, then place in the file).

New cards come in the order of their deck files and their place in each file, so a deck
folder whose files are numbered (`01-probability.md`, `02-calculus.md`) is studied in that
order, whatever the decks' names. With the filter columns in it, the queue's new cards are an
index scan stopped by LIMIT, as the reviews are with `ix_cards_queue`.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-26 10:10:00
"""

from __future__ import annotations

from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

NEW_ORDER = [
    "due",
    "source_path",
    "position",
    "id",
    "removed",
    "suspended",
    "buried_until",
    "deck",
    "note_id",
]


def upgrade() -> None:
    with op.batch_alter_table("cards", schema=None) as batch_op:
        batch_op.create_index("ix_cards_new_order", NEW_ORDER, unique=False)


def downgrade() -> None:
    with op.batch_alter_table("cards", schema=None) as batch_op:
        batch_op.drop_index("ix_cards_new_order")
