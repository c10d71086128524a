"""Decks: the deck file's text as last synced, for machines that do not have the file.

Deck files stay on each machine; one collection (a PostgreSQL server) holds the cards of
them all. With each deck's text stored, a machine without the file rebuilds the deck from
it and studies its cards (`flashcards.stored`). Decks synced before this revision have no
text: their digests and the file stamps are cleared, so the next sync on the machine that
has the files reads and writes each of them once (the stamps only save parsing unchanged
files; the cards and their history are untouched).

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-03 08:40:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("decks", schema=None) as batch_op:
        batch_op.add_column(sa.Column("source_text", sa.Text(), nullable=False, server_default=""))
    op.execute("UPDATE decks SET digest = ''")
    op.execute("DELETE FROM files")


def downgrade() -> None:
    with op.batch_alter_table("decks", schema=None) as batch_op:
        batch_op.drop_column("source_text")
