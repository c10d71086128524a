"""The collection's tables (SQLModel), their column sets, and rows to core values and back.

The tables describe the schema that the alembic migrations in `flashcards/migrations/`
create and upgrade (`flashcards.store.schema`); every query is SQLAlchemy Core over the
`Table` objects below, so no ORM object is built in a loop and the SQL stays portable.

Each table is declared as a SQLModel model (`TableModel`): typed fields with SQLModel's
`Field`, from which SQLModel's own column builder makes the `Table`'s columns (`table`).
The models are not ORM-mapped classes (`table=True`), since nothing instantiates them:
mapping them, and building their pydantic validators, cost about 30 ms of every command's
start-up (`benchmarks/bench_due.py`). The annotations are not postponed (no `from __future__
import annotations`): pydantic would evaluate each of the models' 72 field annotations from
its text again.
"""

from collections.abc import Iterator, Sequence
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from pydantic import ConfigDict
from sqlmodel import Field, SQLModel
from sqlmodel.main import get_column_from_field

from flashcards.kinds import CardKind
from flashcards.scheduler import ReviewState
from flashcards.session import LogEntry

if TYPE_CHECKING:
    from flashcards.fsrs_model import Memory

METADATA = sa.MetaData()


class TableModel(SQLModel):
    """A table's columns as the fields of a SQLModel model (`__tablename__` names it,
    `__table_args__` holds its indexes and constraints); `table` makes the `Table`. Never
    instantiated, so pydantic builds no validator for it."""

    model_config = ConfigDict(defer_build=True)


def table(model: type[TableModel]) -> sa.Table:
    """The `Table` of a model in METADATA, its columns made by SQLModel from the fields as
    for a `table=True` model, named as declarative mapping names them (by field)."""
    columns = []
    for name, field in model.model_fields.items():
        column = get_column_from_field(field)
        column.name = column.key = name
        columns.append(column)
    extra = getattr(model, "__table_args__", ())
    return sa.Table(model.__tablename__, METADATA, *columns, *extra)


class DeckRow(TableModel):
    """A deck file that was synced."""

    __tablename__ = "decks"

    path: str = Field(primary_key=True, sa_type=sa.String)
    name: str = Field(sa_type=sa.String, index=True)
    description: str = Field(default="", sa_type=sa.Text)
    #: Digest of what sync wrote for this deck: an equal digest means nothing to do.
    digest: str = Field(default="", sa_type=sa.String)
    #: The deck file's text as last synced, so that a machine without the file studies the
    #: deck from it (`flashcards.stored`); "" when synced before revision 0006.
    source_text: str = Field(default="", sa_type=sa.Text)


class FileRow(TableModel):
    """A deck file's stamp, so unchanged files are not parsed again."""

    __tablename__ = "files"

    path: str = Field(primary_key=True, sa_type=sa.String)
    mtime_ns: int = Field(sa_type=sa.BigInteger)
    size: int = Field(sa_type=sa.BigInteger)
    sha256: str = Field(default="", sa_type=sa.String)


class NoteRow(TableModel):
    """A note (one written entry) as last synced; kept when removed, for its history."""

    __tablename__ = "notes"

    id: str = Field(primary_key=True, sa_type=sa.String)
    kind: str = Field(sa_type=sa.String)
    front: str = Field(default="", sa_type=sa.Text)
    back: str = Field(default="", sa_type=sa.Text)
    content_hash: str = Field(default="", sa_type=sa.String)
    explicit_id: bool = False
    removed: bool = False


class NoteTagRow(TableModel):
    """A tag of a note (its own and its deck's), for `--tag`."""

    __tablename__ = "note_tags"

    note_id: str = Field(primary_key=True, sa_type=sa.String)
    tag: str = Field(primary_key=True, sa_type=sa.String, index=True)


class CardRow(TableModel):
    """One studied card with its SM-2 state."""

    __tablename__ = "cards"
    __table_args__ = (
        # Today's queue and due counts: due reviews in due order, new cards (due NULL) in
        # deck order; `id` right after the sort columns makes the queue's ORDER BY the index
        # order (no sort before LIMIT), and with the filter columns no query reads the table.
        sa.Index(
            "ix_cards_queue",
            "due",
            "deck",
            "position",
            "id",
            "removed",
            "suspended",
            "buried_until",
            "note_id",
            "kind",
        ),
        # New cards in file order (deck file, then place in it): the queue's new cards are
        # this index's order, read without the table.
        sa.Index(
            "ix_cards_new_order",
            "due",
            "source_path",
            "position",
            "id",
            "removed",
            "suspended",
            "buried_until",
            "deck",
            "note_id",
        ),
        # The cards of reversible and cloze notes (the only notes of several cards): due
        # counts count distinct notes among these alone and plain rows everywhere else.
        sa.Index(
            "ix_cards_siblings",
            "kind",
            "due",
            "deck",
            "note_id",
            "removed",
            "suspended",
            "buried_until",
        ),
    )

    id: str = Field(primary_key=True, sa_type=sa.String)
    note_id: str = Field(sa_type=sa.String, index=True)
    ordinal: int = 0
    kind: str = Field(sa_type=sa.String)
    #: Not indexed on its own: the planner would pick it for GROUP BY deck over ix_cards_queue.
    deck: str = Field(sa_type=sa.String)
    source_path: str = Field(sa_type=sa.String, index=True)
    line: int = 0
    #: Place in its deck, for new cards in deck order.
    position: int = 0
    repetitions: int = 0
    interval_days: int = 0
    ease_pct: int = 250
    due: date | None = None
    lapses: int = 0
    suspended: bool = False
    buried_until: date | None = None
    removed: bool = False
    #: FSRS memory state (NULL until FSRS computed it: a card scheduled by SM-2 has none).
    fsrs_stability: float | None = None
    fsrs_difficulty: float | None = None


class ReviewLogRow(TableModel):
    """One grade. Undo marks a row undone; rows are never deleted."""

    __tablename__ = "review_log"
    __table_args__ = (
        sa.Index("ix_review_log_card", "card_id", "id"),
        # Today's rows (undo, due counts) and the statistics: the per-day counts, the
        # retention's first review of a day and today's studied counts, seen notes and
        # same-day repeats read this index alone, never the table.
        sa.Index(
            "ix_review_log_day", "study_day", "undone", "kind", "card_id", "grade", "before_due"
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    card_id: str = Field(sa_type=sa.String)
    #: When, in UTC (returned aware).
    reviewed_at: datetime
    #: The study day (day start applied), so stats group without date functions.
    study_day: date
    #: "review", "repeat" (same-day rule) or "practice" (quiz).
    kind: str = Field(sa_type=sa.String)
    grade: int
    typed: str | None = Field(default=None, sa_type=sa.Text)
    verdict: str | None = Field(default=None, sa_type=sa.String)
    seconds: float | None = None
    before_repetitions: int = 0
    before_interval_days: int = 0
    before_ease_pct: int = 250
    before_due: date | None = None
    before_lapses: int = 0
    after_repetitions: int = 0
    after_interval_days: int = 0
    after_ease_pct: int = 250
    after_due: date | None = None
    after_lapses: int = 0
    #: This grade made the card a leech and suspended it (undo unsuspends).
    leech: bool = False
    undone: bool = False
    #: The card's FSRS memory before and after the grade (undo restores it).
    before_stability: float | None = None
    before_difficulty: float | None = None
    after_stability: float | None = None
    after_difficulty: float | None = None


class FsrsParametersRow(TableModel):
    """FSRS parameters fitted by `flashcards optimize`, for a deck ("" for the collection)."""

    __tablename__ = "fsrs_parameters"

    deck: str = Field(primary_key=True, sa_type=sa.String)
    #: JSON list of floats.
    parameters: str = Field(sa_type=sa.Text)
    fitted_on: date
    #: Reviews the fit used.
    reviews: int
    #: Log loss of the fitted parameters on those reviews.
    log_loss: float | None = None


class MetaRow(TableModel):
    """A collection-wide value, such as the scheduler settings the states were computed with."""

    __tablename__ = "collection_meta"

    key: str = Field(primary_key=True, sa_type=sa.String)
    value: str = Field(sa_type=sa.Text)


class AcceptedAnswerRow(TableModel):
    """An answer the learner marked as right for a math card, accepted from then on."""

    __tablename__ = "accepted_answers"
    __table_args__ = (sa.UniqueConstraint("card_id", "text"),)

    id: int | None = Field(default=None, primary_key=True)
    card_id: str = Field(sa_type=sa.String, index=True)
    text: str = Field(sa_type=sa.Text)
    added_at: datetime


DECKS = table(DeckRow)
FILES = table(FileRow)
NOTES = table(NoteRow)
TAGS = table(NoteTagRow)
CARDS = table(CardRow)
LOG = table(ReviewLogRow)
ACCEPTED = table(AcceptedAnswerRow)
FSRS_PARAMETERS = table(FsrsParametersRow)
META = table(MetaRow)

#: Card kinds whose notes make several cards (see `Note.ordinals`); every other kind's note
#: has one card.
SEVERAL_CARDS = frozenset({str(CardKind.REVERSIBLE), str(CardKind.CLOZE)})
SEVERAL_KINDS = tuple(sorted(SEVERAL_CARDS))

STATE_COLUMNS = (
    CARDS.c.repetitions,
    CARDS.c.interval_days,
    CARDS.c.ease_pct,
    CARDS.c.due,
    CARDS.c.lapses,
    CARDS.c.suspended,
)


def state_of(row: Any, prefix: str = "") -> ReviewState:
    """The SM-2 state in a row's columns (a result row, or a mapping of column names)."""
    values = getattr(row, "_mapping", row)
    return ReviewState(
        repetitions=values[f"{prefix}repetitions"],
        interval_days=values[f"{prefix}interval_days"],
        ease_pct=values[f"{prefix}ease_pct"],
        due=values[f"{prefix}due"],
        lapses=values[f"{prefix}lapses"],
    )


def state_values(state: ReviewState, prefix: str = "") -> dict[str, Any]:
    return {
        f"{prefix}repetitions": state.repetitions,
        f"{prefix}interval_days": state.interval_days,
        f"{prefix}ease_pct": state.ease_pct,
        f"{prefix}due": state.due,
        f"{prefix}lapses": state.lapses,
    }


def memory_of(
    row: Any, stability: str = "fsrs_stability", difficulty: str = "fsrs_difficulty"
) -> "Memory | None":
    """The FSRS memory in a row's two columns, or None when FSRS has not computed it."""
    values = getattr(row, "_mapping", row)
    s, d = values[stability], values[difficulty]
    if s is None or d is None:
        return None
    from flashcards.fsrs_model import Memory  # not at start-up: reading counts needs none

    return Memory(s, d)


def memory_values(
    memory: "Memory | None", stability: str = "fsrs_stability", difficulty: str = "fsrs_difficulty"
) -> dict[str, Any]:
    if memory is None:
        return {stability: None, difficulty: None}
    return {stability: memory.stability, difficulty: memory.difficulty}


def log_memory_of(row: Any, prefix: str) -> "Memory | None":
    return memory_of(row, f"{prefix}stability", f"{prefix}difficulty")


def log_values(e: LogEntry) -> dict[str, Any]:
    """The column values of a review-log row to insert (its `id` is left to the database)."""
    return {
        "card_id": e.card_id,
        "reviewed_at": utc(e.reviewed_at),
        "study_day": e.study_day,
        "kind": e.kind,
        "grade": int(e.grade),
        "typed": e.typed,
        "verdict": e.verdict,
        "seconds": e.seconds,
        "leech": e.leech,
        "undone": e.undone,
        **state_values(e.before, "before_"),
        **state_values(e.after, "after_"),
        **memory_values(e.before_memory, "before_stability", "before_difficulty"),
        **memory_values(e.after_memory, "after_stability", "after_difficulty"),
    }


def utc(now: datetime) -> datetime:
    """`now` in UTC; a naive `now` is taken as local time."""
    return now.astimezone(UTC)


def chunks(items: Sequence[Any], size: int = 500) -> Iterator[Sequence[Any]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]
