"""Initial schema: decks, files, notes, note tags, cards, review log, accepted answers.

Revision ID: 0001
Revises:
Create Date: 2026-11-26 07:04:43.317622
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "accepted_answers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("card_id", sa.String(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("added_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("card_id", "text"),
    )
    with op.batch_alter_table("accepted_answers", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_accepted_answers_card_id"), ["card_id"], unique=False)

    op.create_table(
        "cards",
        sa.Column("id", sa.String(), nullable=False),
        sa.Column("note_id", sa.String(), nullable=False),
        sa.Column("ordinal", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(), nullable=False),
        sa.Column("deck", sa.String(), nullable=False),
        sa.Column("source_path", sa.String(), nullable=False),
        sa.Column("line", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("repetitions", sa.Integer(), nullable=False),
        sa.Column("interval_days", sa.Integer(), nullable=False),
        sa.Column("ease_pct", sa.Integer(), nullable=False),
        sa.Column("due", sa.Date(), nullable=True),
        sa.Column("lapses", sa.Integer(), nullable=False),
        sa.Column("suspended", sa.Boolean(), nullable=False),
        sa.Column("buried_until", sa.Date(), nullable=True),
        sa.Column("removed", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("cards", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_cards_note_id"), ["note_id"], unique=False)
        batch_op.create_index(
            "ix_cards_queue",
            ["due", "deck", "position", "removed", "suspended", "buried_until", "note_id"],
            unique=False,
        )
        batch_op.create_index(batch_op.f("ix_cards_source_path"), ["source_path"], unique=False)

    op.create_table(
        "decks",
        sa.Column("path", sa.String(), nullable=False),
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("digest", sa.String(), nullable=False),
        sa.PrimaryKeyConstraint("path"),
    )
    with op.batch_alter_table("decks", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_decks_name"), ["name"], unique=False)

    op.create_table(
        "files",
        sa.Column("path", sa.String(), nullable=False),
        sa.Column("mtime_ns", sa.BigInteger(), nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("sha256", sa.String(), nullable=False),
        sa.PrimaryKeyConstraint("path"),
    )
    op.create_table(
        "note_tags",
        sa.Column("note_id", sa.String(), nullable=False),
        sa.Column("tag", sa.String(), nullable=False),
        sa.PrimaryKeyConstraint("note_id", "tag"),
    )
    with op.batch_alter_table("note_tags", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_note_tags_tag"), ["tag"], unique=False)

    op.create_table(
        "notes",
        sa.Column("id", sa.String(), nullable=False),
        sa.Column("kind", sa.String(), nullable=False),
        sa.Column("front", sa.Text(), nullable=False),
        sa.Column("back", sa.Text(), nullable=False),
        sa.Column("content_hash", sa.String(), nullable=False),
        sa.Column("explicit_id", sa.Boolean(), nullable=False),
        sa.Column("removed", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "review_log",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("card_id", sa.String(), nullable=False),
        sa.Column("reviewed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("study_day", sa.Date(), nullable=False),
        sa.Column("kind", sa.String(), nullable=False),
        sa.Column("grade", sa.Integer(), nullable=False),
        sa.Column("typed", sa.Text(), nullable=True),
        sa.Column("verdict", sa.String(), nullable=True),
        sa.Column("seconds", sa.Float(), nullable=True),
        sa.Column("before_repetitions", sa.Integer(), nullable=False),
        sa.Column("before_interval_days", sa.Integer(), nullable=False),
        sa.Column("before_ease_pct", sa.Integer(), nullable=False),
        sa.Column("before_due", sa.Date(), nullable=True),
        sa.Column("before_lapses", sa.Integer(), nullable=False),
        sa.Column("after_repetitions", sa.Integer(), nullable=False),
        sa.Column("after_interval_days", sa.Integer(), nullable=False),
        sa.Column("after_ease_pct", sa.Integer(), nullable=False),
        sa.Column("after_due", sa.Date(), nullable=True),
        sa.Column("after_lapses", sa.Integer(), nullable=False),
        sa.Column("leech", sa.Boolean(), nullable=False),
        sa.Column("undone", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("review_log", schema=None) as batch_op:
        batch_op.create_index("ix_review_log_card", ["card_id", "id"], unique=False)
        batch_op.create_index(batch_op.f("ix_review_log_study_day"), ["study_day"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("review_log", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_review_log_study_day"))
        batch_op.drop_index("ix_review_log_card")

    op.drop_table("review_log")
    op.drop_table("notes")
    with op.batch_alter_table("note_tags", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_note_tags_tag"))

    op.drop_table("note_tags")
    op.drop_table("files")
    with op.batch_alter_table("decks", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_decks_name"))

    op.drop_table("decks")
    with op.batch_alter_table("cards", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_cards_source_path"))
        batch_op.drop_index("ix_cards_queue")
        batch_op.drop_index(batch_op.f("ix_cards_note_id"))

    op.drop_table("cards")
    with op.batch_alter_table("accepted_answers", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_accepted_answers_card_id"))

    op.drop_table("accepted_answers")
