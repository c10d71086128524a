"""The review store: the only module that touches the database.

SQLModel tables describe the schema (alembic migrations in `flashcards/migrations/` create
and upgrade it); every query is SQLAlchemy Core, so no ORM object is built in a loop and the
SQL stays portable. The one place with SQLite-only SQL is marked `SQLite-only`.

Use:

    store = Store.open(settings)            # or Store("sqlite://") in memory
    report = store.sync(decks, scanned)     # decks -> cards (see flashcards.sync)
    ids = store.queue(today, limits=settings.limits)
    entry = store.grade(ids[0], Grade.GOOD, now=now, today=today, kind="review")
    store.undo_last(today)
    store.close()

The API (every method is one transaction; dates are study days, see `Settings.study_day`):

- open and close: `Store(url)`, `Store.open(settings)`, `close()` (also a context manager);
- sync: `sync(decks, scanned_paths, progress=)` -> `SyncReport`; `file_stamps`,
  `set_file_stamps` (used by `flashcards.sync.sync_paths`, which skips unchanged files);
- today: `queue(today, decks=, tags=, limits=)` -> card ids; `due_summary(today, limits)`
  -> `DueSummary` (per deck and total); `due_counts(today, limits)` -> `list[DeckCounts]`;
- cards: `state(id)` -> `ReviewState`; `card(id)` -> `CardInfo`; `card_ids()`; `decks()`;
- grading: `grade(id, grade, now=, today=, kind=, typed=, verdict=, seconds=)` ->
  the `LogEntry` written (kind, before, after, leech); `undo_last(today)` -> card id or None;
- marks: `suspend`, `unsuspend`, `bury(id, until)`, `unbury`;
- answers and history: `add_accepted_answer(id, text)`, `accepted_answers(id=None)`,
  `review_log(id=None)` -> `list[LogEntry]`;
- imports and stats: `import_states`, `import_log`, `set_state`, `select(statement)` for
  read-only queries built over the tables below (`CARDS`, `LOG`, `NOTES`, `TAGS`, ...).

Errors the user can act on are `FlashcardsError`s (`StoreError` when the database refuses).
Each grade is its own transaction, committed before `grade()` returns. A Store may be used
from several threads (calls are serialised on one connection); two processes may share a
SQLite collection (WAL, busy timeout, write transactions taken up front).
"""

from __future__ import annotations

import threading
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from flashcards.cards import CardKind
from flashcards.config import Limits, sqlite_path
from flashcards.errors import FlashcardsError
from flashcards.grades import SAME_DAY_OK
from flashcards.identity import card_id as card_id_of  # parameters here are named card_id
from flashcards.scheduler import ReviewState
from flashcards.session import (
    DEFAULT_LEECH_THRESHOLD,
    REVIEW_KINDS,
    DeckCounts,
    LogEntry,
    apply_grade,
    subdeck_range,
)

if TYPE_CHECKING:
    from flashcards.cards import Deck
    from flashcards.config import Settings
    from flashcards.syncplan import FileStamp, Progress, StoredNote, SyncPlan, SyncReport

#: The alembic revision the tables below match; checked at open without importing alembic.
SCHEMA_REVISION = "0004"

MIGRATIONS_DIR = Path(__file__).with_name("migrations")

# --- tables ------------------------------------------------------------------------------


class DeckRow(SQLModel, table=True):
    """A deck file that was synced."""

    __tablename__ = "decks"

    path: str = Field(primary_key=True, sa_type=sa.String)
    name: str = Field(sa_type=sa.String, index=True)
    description: str = Field(default="", sa_type=sa.Text)
    #: Digest of what sync wrote for this deck: an equal digest means nothing to do.
    digest: str = Field(default="", sa_type=sa.String)


class FileRow(SQLModel, table=True):
    """A deck file's stamp, so unchanged files are not parsed again."""

    __tablename__ = "files"

    path: str = Field(primary_key=True, sa_type=sa.String)
    mtime_ns: int = Field(sa_type=sa.BigInteger)
    size: int = Field(sa_type=sa.BigInteger)
    sha256: str = Field(default="", sa_type=sa.String)


class NoteRow(SQLModel, table=True):
    """A note (one written entry) as last synced; kept when removed, for its history."""

    __tablename__ = "notes"

    id: str = Field(primary_key=True, sa_type=sa.String)
    kind: str = Field(sa_type=sa.String)
    front: str = Field(default="", sa_type=sa.Text)
    back: str = Field(default="", sa_type=sa.Text)
    content_hash: str = Field(default="", sa_type=sa.String)
    explicit_id: bool = False
    removed: bool = False


class NoteTagRow(SQLModel, table=True):
    """A tag of a note (its own and its deck's), for `--tag`."""

    __tablename__ = "note_tags"

    note_id: str = Field(primary_key=True, sa_type=sa.String)
    tag: str = Field(primary_key=True, sa_type=sa.String, index=True)


class CardRow(SQLModel, table=True):
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


class ReviewLogRow(SQLModel, table=True):
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


class AcceptedAnswerRow(SQLModel, table=True):
    """An answer the learner marked as right for a math card, accepted from then on."""

    __tablename__ = "accepted_answers"
    __table_args__ = (sa.UniqueConstraint("card_id", "text"),)

    id: int | None = Field(default=None, primary_key=True)
    card_id: str = Field(sa_type=sa.String, index=True)
    text: str = Field(sa_type=sa.Text)
    added_at: datetime


METADATA = SQLModel.metadata
DECKS = DeckRow.__table__  # type: ignore[attr-defined]
FILES = FileRow.__table__  # type: ignore[attr-defined]
NOTES = NoteRow.__table__  # type: ignore[attr-defined]
TAGS = NoteTagRow.__table__  # type: ignore[attr-defined]
CARDS = CardRow.__table__  # type: ignore[attr-defined]
LOG = ReviewLogRow.__table__  # type: ignore[attr-defined]
ACCEPTED = AcceptedAnswerRow.__table__  # type: ignore[attr-defined]

# --- values returned -----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class DueSummary:
    """Due counts per deck and in total (the global limits apply to the total)."""

    decks: tuple[DeckCounts, ...]
    total: DeckCounts


@dataclass(frozen=True, slots=True)
class CardInfo:
    """A card's row: where it comes from and how it stands."""

    id: str
    note_id: str
    ordinal: int
    kind: str
    deck: str
    source_path: str
    line: int
    state: ReviewState
    suspended: bool
    buried_until: date | None
    removed: bool


@dataclass(frozen=True, slots=True)
class AcceptedAnswer:
    """An accepted alternative answer of a math card."""

    card_id: str
    text: str
    added_at: datetime


#: Card kinds whose notes make several cards (see `Note.ordinals`); every other kind's note
#: has one card.
_SEVERAL_CARDS = frozenset({str(CardKind.REVERSIBLE), str(CardKind.CLOZE)})
_SEVERAL_KINDS = tuple(sorted(_SEVERAL_CARDS))


@dataclass(frozen=True, slots=True)
class _TodayLog:
    """What today's review-log rows say about today's queue."""

    #: Per deck, (new cards, reviews) studied today (kind "review", not undone).
    studied: Mapping[str, tuple[int, int]]
    #: Notes with a card reviewed or repeated today: their siblings wait until tomorrow.
    seen_notes: frozenset[str]
    #: (card id, deck) of today's same-day repeats, in the order of their last grade.
    repeats: tuple[tuple[str, str], ...]
    #: Per deck, seen notes of one card whose card is new (due NULL) and may come today.
    seen_new: Mapping[str, int]
    #: Per deck, seen notes of one card whose card is due today and may come.
    seen_review: Mapping[str, int]
    #: Seen notes of several cards (reversible, cloze): their siblings are looked up.
    seen_multi_notes: frozenset[str]


class StoreError(FlashcardsError):
    """The database refused an operation (locked, read-only, full, damaged)."""


class NewerDatabaseError(FlashcardsError):
    """The collection was made by a newer version of flashcards."""


# --- SQLite-only: connection set-up, write transactions, file copies -----------------------


def _sqlite_engine(url: str, durability: str) -> sa.Engine:
    """A SQLite engine in WAL mode with a busy timeout, taking write locks up front.

    SQLite-only. pysqlite's own transaction handling is turned off so that a write
    transaction starts with BEGIN IMMEDIATE: two processes never deadlock upgrading a read
    lock, they wait on the busy timeout instead.
    """
    engine = sa.create_engine(
        url,
        connect_args={"check_same_thread": False, "timeout": 30},
        poolclass=sa.pool.StaticPool,
    )
    synchronous = "FULL" if durability == "full" else "NORMAL"

    @sa.event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA busy_timeout = 30000")
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute(f"PRAGMA synchronous = {synchronous}")
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.close()

    @sa.event.listens_for(engine, "begin")
    def _on_begin(conn: sa.Connection) -> None:
        conn.exec_driver_sql("BEGIN IMMEDIATE" if conn.info.get("write") else "BEGIN")

    return engine


def _sqlite_copy(source: Path, target: Path) -> None:
    """Copy a live SQLite database consistently (the backup API, WAL included). SQLite-only."""
    import sqlite3
    from contextlib import closing

    # closing(), not the connection's own `with`, which only commits: both are closed even
    # when the copy fails
    with closing(sqlite3.connect(source)) as src, closing(sqlite3.connect(target)) as dst:
        src.backup(dst)


def _storage_message(action: str, url: str, error: Exception) -> str:
    """`cannot <action> the collection <file>: <SQLite's reason>`, with a hint when the disk
    is full or the folder read-only (the two a user can fix)."""
    reason = str(getattr(error, "orig", None) or error)
    hint = ""
    if "disk I/O error" in reason or "disk is full" in reason:
        hint = " (is the disk full?)"
    elif "readonly" in reason or "unable to open" in reason:
        hint = " (is its folder read-only?)"
    return f"cannot {action} the collection {sqlite_path(url) or url}: {reason}{hint}"


def _integrity_ok(conn: sa.Connection) -> bool:
    """PRAGMA integrity_check. SQLite-only."""
    return conn.exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"


# --- the store ------------------------------------------------------------------------------


def _state(row: Any, prefix: str = "") -> ReviewState:
    return ReviewState(
        repetitions=row._mapping[f"{prefix}repetitions"],
        interval_days=row._mapping[f"{prefix}interval_days"],
        ease_pct=row._mapping[f"{prefix}ease_pct"],
        due=row._mapping[f"{prefix}due"],
        lapses=row._mapping[f"{prefix}lapses"],
    )


def _state_values(state: ReviewState, prefix: str = "") -> dict[str, Any]:
    return {
        f"{prefix}repetitions": state.repetitions,
        f"{prefix}interval_days": state.interval_days,
        f"{prefix}ease_pct": state.ease_pct,
        f"{prefix}due": state.due,
        f"{prefix}lapses": state.lapses,
    }


def _log_values(e: LogEntry) -> dict[str, Any]:
    """The column values of a review-log row to insert (its `id` is left to the database)."""
    return {
        "card_id": e.card_id,
        "reviewed_at": _utc(e.reviewed_at),
        "study_day": e.study_day,
        "kind": e.kind,
        "grade": int(e.grade),
        "typed": e.typed,
        "verdict": e.verdict,
        "seconds": e.seconds,
        "leech": e.leech,
        "undone": e.undone,
        **_state_values(e.before, "before_"),
        **_state_values(e.after, "after_"),
    }


def _utc(now: datetime) -> datetime:
    """`now` in UTC; a naive `now` is taken as local time."""
    return now.astimezone(UTC)


def _raw_rows(
    conn: sa.Connection, statement: sa.Executable, params: Mapping[str, Any] | None = None
) -> list[Any]:
    """The rows of `statement` as the driver returns them, without SQLAlchemy's Row objects
    or result processing: for the hot queries, which read ids, strings, integers and NULL
    tests only (a date would come back as the driver stores it)."""
    result = conn.execute(statement, params)
    try:
        return list(result.cursor.fetchall())
    finally:
        result.close()


def _first_per_note(rows: list[Any], skip_notes: set[str], limit: int) -> list[Any]:
    """The first `limit` rows (note id last) whose note is not in `skip_notes` and did not
    come in an earlier row; in C-level passes, since there may be 20,000 rows."""
    notes = [row[-1] for row in rows]
    if skip_notes.isdisjoint(notes) and len(set(notes)) == len(notes):
        return rows[:limit]  # no sibling and no note seen today among them
    # each note -> the index of its first row (a later pair in the reversed list wins)
    first = dict(zip(reversed(notes), range(len(notes) - 1, -1, -1), strict=True))
    for note in skip_notes.intersection(first):
        del first[note]
    return [rows[i] for i in sorted(first.values())[:limit]]


def _chunks(items: Sequence[Any], size: int = 500) -> Iterator[Sequence[Any]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


class Store:
    """The collection: cards with their SM-2 state, the review log, and synced decks."""

    def __init__(
        self,
        url: str = "sqlite://",
        *,
        durability: str = "normal",
        leech_threshold: int = DEFAULT_LEECH_THRESHOLD,
        fuzz: bool = False,
        backup_dir: Path | None = None,
    ) -> None:
        """Open (creating or migrating) the collection at the SQLAlchemy `url`.

        Args:
            url: `sqlite://` is a private in-memory collection.
            durability: "full" makes each commit survive power loss (SQLite FULL sync).
            leech_threshold: lapses after which a card is suspended (0: never).
            fuzz: spread due dates a little (off by default).
            backup_dir: where the copy taken before a migration goes (default: beside the
                database file).
        """
        self.url = url
        self.leech_threshold = leech_threshold
        self.fuzz = fuzz
        self._lock = threading.RLock()
        self._rng: Any = None
        self._sqlite = url.startswith("sqlite")
        try:
            if self._sqlite:
                path = sqlite_path(url)
                if path is not None and not path.parent.is_dir():
                    raise FlashcardsError(f"{path.parent}: no such folder for the collection")
                self.engine = _sqlite_engine(url, durability)
            else:
                self.engine = sa.create_engine(url, pool_pre_ping=True)
            self._conn = self.engine.connect()
        except sa.exc.SQLAlchemyError as error:
            raise FlashcardsError(_storage_message("open", url, error)) from None
        try:
            self._ensure_schema(backup_dir)
        except BaseException:
            self.close()
            raise

    @classmethod
    def open(cls, settings: Settings, *, backup: bool = True) -> Store:
        """Open the collection the settings name, creating its folder when needed.

        `backup=False` leaves the day's first backup to the caller (the study app takes it
        after its first screen, see `flashcards.backup.daily_backup`).
        """
        path = sqlite_path(settings.db_url)
        if path is not None:
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
            except OSError as error:
                raise FlashcardsError(f"{path.parent}: cannot create the folder: {error}") from None
        store = cls(
            settings.db_url,
            durability=settings.durability,
            leech_threshold=settings.leech_threshold,
            fuzz=settings.fuzz,
        )
        if backup:
            # The day's first open keeps a copy (flashcards.backup; a failure only warns).
            from flashcards.backup import daily_backup

            daily_backup(store, settings)
        return store

    def close(self) -> None:
        """Close the connection; the store cannot be used afterwards."""
        with self._lock:
            conn = getattr(self, "_conn", None)
            if conn is not None:
                conn.close()
                self._conn = None  # type: ignore[assignment]
            engine = getattr(self, "engine", None)
            if engine is not None:
                engine.dispose()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def _tx(self, write: bool = False) -> Iterator[sa.Connection]:
        """One transaction on the store's connection (a write one takes its lock up front)."""
        with self._lock:
            conn = self._conn
            if conn is None:
                raise FlashcardsError("the collection is closed")
            conn.info["write"] = write
            try:
                with conn.begin():
                    yield conn
            except sa.exc.DatabaseError as error:
                # locked past the busy timeout, read-only folder, full disk, not a database...
                action = "write" if write else "read"
                raise StoreError(_storage_message(action, self.url, error)) from error

    @contextmanager
    def reading(self) -> Iterator[sa.Connection]:
        """A read transaction on the store's connection, for Core queries kept elsewhere.

        For read-only modules such as `flashcards.stats`; nothing may be written through it.
        """
        with self._tx() as conn:
            yield conn

    # --- schema -----------------------------------------------------------------------------

    def schema_revision(self) -> str | None:
        """The alembic revision of the database, or None for an empty one."""
        with self._tx() as conn:
            return self._revision(conn)

    def _revision(self, conn: sa.Connection) -> str | None:
        if not sa.inspect(conn).has_table("alembic_version"):
            return None
        return conn.execute(sa.text("SELECT version_num FROM alembic_version")).scalar()

    def _ensure_schema(self, backup_dir: Path | None) -> None:
        """Create or migrate the schema; when it is current this costs one small query."""
        try:
            with self._tx() as conn:
                current = conn.execute(sa.text("SELECT version_num FROM alembic_version")).scalar()
            if current == SCHEMA_REVISION:
                return
        except StoreError:
            pass  # no version table: a new collection (or not a collection at all)
        with self._tx() as conn:
            current = self._revision(conn)
            if current is None and sa.inspect(conn).get_table_names():
                raise FlashcardsError(f"{self.url} is not a flashcards collection")
        if current is not None:
            if current not in _known_revisions():
                raise NewerDatabaseError(
                    f"the collection was made by a newer flashcards (schema {current}); upgrade"
                )
            self._backup_before_migration(current, backup_dir)
        self._migrate()

    def _backup_before_migration(self, current: str, backup_dir: Path | None) -> Path | None:
        path = sqlite_path(self.url)
        if path is None:
            return None
        folder = backup_dir or path.parent
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
        target = (
            folder / f"{path.stem}.before-{SCHEMA_REVISION}-from-{current}-{stamp}{path.suffix}"
        )
        try:
            folder.mkdir(parents=True, exist_ok=True)
            _sqlite_copy(path, target)
        except Exception as error:
            # no migration without its copy
            raise FlashcardsError(
                f"{target}: cannot copy the collection before upgrading it: {error}"
            ) from None
        return target

    def _migrate(self) -> None:
        """Run the alembic migrations up to SCHEMA_REVISION on the store's connection."""
        from alembic import command
        from alembic.config import Config

        config = Config()
        config.set_main_option("script_location", str(MIGRATIONS_DIR))
        with self._tx(write=True) as conn:
            config.attributes["connection"] = conn
            command.upgrade(config, SCHEMA_REVISION)

    def integrity_ok(self) -> bool:
        """True when the database file passes its integrity check (always for non-SQLite)."""
        if not self._sqlite:
            return True
        with self._tx() as conn:
            return _integrity_ok(conn)

    # --- backups (flashcards.backup) ----------------------------------------------------------

    def _raw_connection(self) -> Any:
        """The DB-API connection under the store's, outside any transaction. SQLite-only."""
        if not self._sqlite or self._conn is None:
            raise FlashcardsError("backups need an open SQLite collection")
        return self._conn.connection.dbapi_connection

    def backup_to(self, target: Path) -> None:
        """Write a consistent copy of the collection to the new file `target` (SQLite's online
        backup, so other processes may go on writing). SQLite-only."""
        import sqlite3
        from contextlib import closing

        with self._lock:
            raw = self._raw_connection()
            try:
                with closing(sqlite3.connect(target)) as dst:
                    raw.backup(dst)
            except sqlite3.Error as error:
                raise StoreError(f"{target}: {error}") from None

    def restore_from(self, source: Path) -> None:
        """Replace the whole collection by the SQLite database `source`, in one step that other
        connections see whole (SQLite's online backup into this one). SQLite-only."""
        import sqlite3
        from contextlib import closing

        with self._lock:
            raw = self._raw_connection()
            uri = Path(source).absolute().as_uri() + "?mode=ro"
            try:
                with closing(sqlite3.connect(uri, uri=True)) as src:
                    src.backup(raw)
            except sqlite3.Error as error:
                raise StoreError(f"{source}: {error}") from None

    def select(self, statement: sa.Select) -> list[sa.Row]:
        """Run a read-only Core SELECT built over this module's tables (for stats), in one
        transaction; rows are plain tuples with named fields."""
        with self._tx() as conn:
            return list(conn.execute(statement).all())

    # --- cards and their state --------------------------------------------------------------

    def state(self, card_id: str) -> ReviewState:
        """The SM-2 state of a card."""
        with self._tx() as conn:
            row = conn.execute(_SELECT_STATE, {"cid": card_id}).first()
        if row is None:
            raise FlashcardsError(f"no card {card_id!r} in the collection")
        return _state(row)

    def studied_states(self) -> dict[str, ReviewState]:
        """The SM-2 state of every card studied at least once (due set), in one query."""
        statement = sa.select(CARDS.c.id, *_STATE_COLUMNS).where(CARDS.c.due.is_not(None))
        with self._tx() as conn:
            return {row.id: _state(row) for row in conn.execute(statement)}

    def card(self, card_id: str) -> CardInfo:
        """A card's row: deck, source, state, suspended, buried, removed."""
        found = self.cards([card_id])
        if card_id not in found:
            raise FlashcardsError(f"no card {card_id!r} in the collection")
        return found[card_id]

    def cards(self, card_ids: Sequence[str]) -> dict[str, CardInfo]:
        """The rows of these cards (those in the collection), a few queries for any number."""
        found: dict[str, CardInfo] = {}
        with self._tx() as conn:
            for chunk in _chunks(list(card_ids)):
                for row in conn.execute(sa.select(CARDS).where(CARDS.c.id.in_(chunk))):
                    m = row._mapping
                    found[m["id"]] = CardInfo(
                        m["id"],
                        m["note_id"],
                        m["ordinal"],
                        m["kind"],
                        m["deck"],
                        m["source_path"],
                        m["line"],
                        _state(row),
                        m["suspended"],
                        m["buried_until"],
                        m["removed"],
                    )
        return found

    def card_ids(self, *, include_removed: bool = False) -> list[str]:
        """Every card id (removed ones too when asked), sorted."""
        query = sa.select(CARDS.c.id).order_by(CARDS.c.id)
        if not include_removed:
            query = query.where(CARDS.c.removed == sa.false())
        with self._tx() as conn:
            return list(conn.execute(query).scalars())

    def decks(self) -> list[str]:
        """Names of the synced decks in file order (by the first file of each), the order
        their new cards come in."""
        first = sa.func.min(DECKS.c.path)
        query = sa.select(DECKS.c.name).group_by(DECKS.c.name).order_by(first, DECKS.c.name)
        with self._tx() as conn:
            return list(conn.execute(query).scalars())

    def grade(
        self,
        card_id: str,
        grade: int,
        *,
        now: datetime,
        today: date,
        kind: str = "review",
        typed: str | None = None,
        verdict: str | None = None,
        seconds: float | None = None,
    ) -> LogEntry:
        """Record a grade and return the review-log entry, committed before returning.

        `flashcards.session.apply_grade` decides what the grade does (SM-2 for a review, a
        review of a card reviewed today logged as a repeat, leeches); a leech is suspended
        here, in the same transaction, and `entry.leech` says so.
        """
        if kind not in REVIEW_KINDS:
            raise FlashcardsError(f"unknown review kind {kind!r}")
        rng = self._random() if self.fuzz else None
        with self._tx(write=True) as conn:
            row = conn.execute(_SELECT_STATE_FOR_UPDATE, {"cid": card_id}).first()
            if row is None:
                raise FlashcardsError(f"no card {card_id!r} in the collection")
            entry = apply_grade(
                card_id,
                _state(row),
                grade,
                now=now,
                today=today,
                kind=kind,  # type: ignore[arg-type]  # checked above
                typed=typed,
                verdict=verdict,
                seconds=seconds,
                leech_threshold=self.leech_threshold,
                rng=rng,
            )
            if entry.kind == "review":
                values = _state_values(entry.after)
                values["cid"] = card_id
                values["suspended"] = bool(row.suspended) or entry.leech
                conn.execute(_UPDATE_STATE, values)
            result = conn.execute(_INSERT_LOG, _log_values(entry))
            (log_id,) = result.inserted_primary_key
        return replace(entry, id=log_id)

    def _random(self) -> Any:
        if self._rng is None:
            import random

            self._rng = random.Random()
        return self._rng

    def undo_last(self, today: date, card_id: str | None = None) -> str | None:
        """Undo today's last grade not yet undone: restore the state, mark the row undone.

        Args:
            card_id: only a grade of this card, so that a window undoes its own grade even
                when another window has graded other cards since.

        Returns the card id, or None when there is nothing to undo today.
        """
        query = sa.select(LOG).where(LOG.c.study_day == today, LOG.c.undone == sa.false())
        if card_id is not None:
            query = query.where(LOG.c.card_id == card_id)
        with self._tx(write=True) as conn:
            row = conn.execute(query.order_by(LOG.c.id.desc()).limit(1)).first()
            if row is None:
                return None
            conn.execute(sa.update(LOG).where(LOG.c.id == row.id).values(undone=True))
            if row.kind == "review":
                values = _state_values(_state(row, "before_"))
                if row.leech:
                    values["suspended"] = False
                conn.execute(sa.update(CARDS).where(CARDS.c.id == row.card_id).values(**values))
            return row.card_id

    def set_state(self, card_id: str, state: ReviewState) -> None:
        """Overwrite a card's SM-2 state (imports and repairs; not logged)."""
        self._update_card(card_id, **_state_values(state))

    def import_states(self, states: Mapping[str, ReviewState]) -> int:
        """Overwrite many cards' SM-2 states in one transaction (imports); returns the count."""
        rows = [{"cid": cid, **_state_values(state)} for cid, state in states.items()]
        if not rows:
            return 0
        with self._tx(write=True) as conn:
            conn.execute(_UPDATE_STATE, rows)
        return len(rows)

    def import_log(self, entries: Sequence[LogEntry]) -> int:
        """Append review-log rows as given (imports; their `id` is ignored), in one transaction."""
        rows = [_log_values(e) for e in entries]
        with self._tx(write=True) as conn:
            for chunk in _chunks(rows, 5000):
                conn.execute(_INSERT_LOG, list(chunk))
        return len(rows)

    def _update_card(self, card_id: str, **values: Any) -> None:
        with self._tx(write=True) as conn:
            result = conn.execute(sa.update(CARDS).where(CARDS.c.id == card_id).values(**values))
            if result.rowcount == 0:
                raise FlashcardsError(f"no card {card_id!r} in the collection")

    def suspend(self, card_id: str) -> None:
        """Suspend a card: it never comes in a queue until unsuspended."""
        self._update_card(card_id, suspended=True)

    def unsuspend(self, card_id: str) -> None:
        """Let a suspended card come again."""
        self._update_card(card_id, suspended=False)

    def deck_exists(self, deck: str) -> bool:
        """Whether some card (even a removed one) lies in `deck` or a sub-deck."""
        query = sa.select(CARDS.c.id).where(deck_condition([deck])).limit(1)
        with self._tx() as conn:
            return conn.execute(query).first() is not None

    def suspended_cards(self, decks: Sequence[str] | None = None) -> list[CardInfo]:
        """Every suspended card still in a deck file (of `decks` and their sub-decks), in
        deck order."""
        where = [CARDS.c.suspended == sa.true(), CARDS.c.removed == sa.false()]
        if decks:
            where.append(deck_condition(decks))
        statement = (
            sa.select(CARDS.c.id).where(*where).order_by(CARDS.c.deck, CARDS.c.position, CARDS.c.id)
        )
        with self._tx() as conn:
            ids = list(conn.execute(statement).scalars())
        found = self.cards(ids)
        return [found[i] for i in ids]

    def bury(self, card_id: str, until: date) -> None:
        """Keep a card out of the queue before study day `until`."""
        self._update_card(card_id, buried_until=until)

    def unbury(self, card_id: str) -> None:
        """Let a buried card come again today."""
        self._update_card(card_id, buried_until=None)

    # --- accepted answers and the log ---------------------------------------------------------

    def add_accepted_answer(self, card_id: str, text: str, *, now: datetime | None = None) -> bool:
        """Accept `text` as a right answer of `card_id` from now on; False if it already was."""
        text = text.strip()
        if not text:
            raise FlashcardsError("an accepted answer cannot be empty")
        when = _utc(now or datetime.now(UTC))
        with self._tx(write=True) as conn:
            exists = conn.execute(
                sa.select(ACCEPTED.c.id).where(
                    ACCEPTED.c.card_id == card_id, ACCEPTED.c.text == text
                )
            ).first()
            if exists is not None:
                return False
            conn.execute(sa.insert(ACCEPTED).values(card_id=card_id, text=text, added_at=when))
        return True

    def remove_accepted_answer(self, card_id: str, text: str) -> bool:
        """Stop accepting `text` for `card_id` (an undone 'accept anyway'); False if absent."""
        with self._tx(write=True) as conn:
            result = conn.execute(
                sa.delete(ACCEPTED).where(
                    ACCEPTED.c.card_id == card_id, ACCEPTED.c.text == text.strip()
                )
            )
        return bool(result.rowcount)

    def accepted_answers(self, card_id: str | None = None) -> list[AcceptedAnswer]:
        """Accepted answers of one card, or of every card, oldest first."""
        query = sa.select(ACCEPTED).order_by(ACCEPTED.c.id)
        if card_id is not None:
            query = query.where(ACCEPTED.c.card_id == card_id)
        with self._tx() as conn:
            return [AcceptedAnswer(r.card_id, r.text, r.added_at) for r in conn.execute(query)]

    def review_log(
        self, card_id: str | None = None, *, include_undone: bool = True
    ) -> list[LogEntry]:
        """The review log of one card or of all, oldest first."""
        query = sa.select(LOG).order_by(LOG.c.id)
        if card_id is not None:
            query = query.where(LOG.c.card_id == card_id)
        if not include_undone:
            query = query.where(LOG.c.undone == sa.false())
        with self._tx() as conn:
            return [
                LogEntry(
                    r.id,
                    r.card_id,
                    r.reviewed_at,
                    r.study_day,
                    r.kind,
                    r.grade,
                    r.typed,
                    r.verdict,
                    r.seconds,
                    _state(r, "before_"),
                    _state(r, "after_"),
                    r.leech,
                    r.undone,
                )
                for r in conn.execute(query)
            ]

    # --- today's queue and due counts -------------------------------------------------------

    def _filters(
        self, today: date, decks: Sequence[str] | None, tags: Sequence[str] | None
    ) -> list[Any]:
        """Conditions every queued card meets: active, not buried, in `decks`, with `tags`.

        Notes seen today are not tested here: a `NOT IN` on every row of the index range cost
        more than the whole scan; callers skip or subtract them (see `_TodayLog`).
        """
        where: list[Any] = list(_active(today))
        if decks:
            where.append(deck_condition(decks))
        if tags:
            where.append(_tag_condition(tags))
        return where

    def _today_log(self, conn: sa.Connection, today: date) -> _TodayLog:
        """Today's review and repeat rows, read once (from `ix_review_log_day` and the cards'
        primary key), for the studied counts, the notes seen and the same-day repeats."""
        rows = _raw_rows(conn, _TODAY_LOG, {"today": today})
        rows.sort()  # by log id: the order grades were given
        studied: dict[str, tuple[int, int]] = {}
        seen: set[str] = set()
        single: dict[str, tuple[str, bool, bool]] = {}
        multi: set[str] = set()
        last: dict[str, tuple[Any, ...]] = {}
        for row in rows:
            _, card_id, kind, _, was_new, note_id, deck, _, _, card_kind, new_now, due_now = row
            seen.add(note_id)
            if card_kind in _SEVERAL_CARDS:
                multi.add(note_id)
            else:
                single[note_id] = (deck, bool(new_now), bool(due_now))
            last.pop(card_id, None)  # re-inserted, so `last` keeps the order of last grades
            last[card_id] = row
            if kind == "review":
                new, review = studied.get(deck, (0, 0))
                studied[deck] = (new + 1, review) if was_new else (new, review + 1)
        repeats = tuple(
            (row[1], row[6])
            for row in last.values()
            if row[3] < int(SAME_DAY_OK) and not row[7] and not row[8]
        )
        seen_new: dict[str, int] = {}
        seen_review: dict[str, int] = {}
        for deck, new_now, due_now in single.values():
            if new_now:
                seen_new[deck] = seen_new.get(deck, 0) + 1
            elif due_now:
                seen_review[deck] = seen_review.get(deck, 0) + 1
        return _TodayLog(studied, frozenset(seen), repeats, seen_new, seen_review, frozenset(multi))

    def _repeats(
        self,
        conn: sa.Connection,
        today: date,
        decks: Sequence[str] | None = None,
        tags: Sequence[str] | None = None,
    ) -> list[tuple[str, str]]:
        """(card id, deck) of today's same-day repeats, in the order they were graded."""
        last = (
            sa.select(sa.func.max(LOG.c.id))
            .where(
                LOG.c.study_day == today,
                LOG.c.undone == sa.false(),
                LOG.c.kind.in_(("review", "repeat")),
            )
            .group_by(LOG.c.card_id)
        )
        query = (
            sa.select(LOG.c.card_id, CARDS.c.deck)
            .select_from(LOG.join(CARDS, CARDS.c.id == LOG.c.card_id))
            .where(
                LOG.c.id.in_(last),
                LOG.c.grade < int(SAME_DAY_OK),
                CARDS.c.removed == sa.false(),
                CARDS.c.suspended == sa.false(),
            )
            .order_by(LOG.c.id)
        )
        if decks:
            query = query.where(deck_condition(decks))
        if tags:
            query = query.where(_tag_condition(tags))
        return [(r[0], r[1]) for r in conn.execute(query)]

    def _pick(
        self,
        conn: sa.Connection,
        where: list[Any],
        order: Sequence[Any],
        limit: int,
        deck_names: list[str],
        caps: Mapping[str, int],
        skip_notes: set[str],
    ) -> list[tuple[Any, ...]]:
        """Up to `limit` cards in `order`, at most caps[deck] from a capped deck, one per note.

        Returns (sort key..., card id, note id) tuples as the driver gives them (the sort key
        only to merge several queries' rows, where raw values order as the typed ones do).
        Decks without a cap share one query; each capped deck has its own, so every query is
        an index scan stopped by LIMIT.
        """
        if limit <= 0:
            return []
        capped = [d for d in deck_names if d in caps]
        groups: list[tuple[Any, int]] = []
        if capped:
            groups.append((CARDS.c.deck.not_in(capped), limit))
            groups.extend((CARDS.c.deck == d, min(limit, caps[d])) for d in capped)
        else:
            groups.append((sa.true(), limit))
        picked: list[tuple[Any, ...]] = []
        # The sort key is needed only to merge several queries' rows; leaving it out spares
        # parsing a date per row (20,000 rows under high limits).
        columns = (
            (*order, CARDS.c.id, CARDS.c.note_id)
            if len(groups) > 1
            else (CARDS.c.id, CARDS.c.note_id)
        )
        for condition, cap in groups:
            if cap <= 0:
                continue
            fetch = cap + 16
            while True:
                rows = _raw_rows(
                    conn,
                    sa.select(*columns)
                    .where(*where, condition)
                    .order_by(*order, CARDS.c.id)
                    .limit(fetch),
                )
                kept = _first_per_note(rows, skip_notes, cap)
                if len(kept) == cap or len(rows) < fetch:
                    break
                fetch *= 4  # siblings crowded the first rows: look further
            picked.extend(kept)
        if len(groups) == 1:
            return picked  # one query: already in order, one card per note, within the limit
        picked.sort(key=lambda r: tuple((x is None, x) for x in r[:-2]) + (r[-2],))
        out: list[tuple[Any, ...]] = []
        seen_notes = set(skip_notes)
        for row in picked:
            if row[-1] in seen_notes:
                continue
            seen_notes.add(row[-1])
            out.append(row)
            if len(out) == limit:
                break
        return out

    def queue(
        self,
        today: date,
        decks: Sequence[str] | None = None,
        tags: Sequence[str] | None = None,
        limits: Limits | None = None,
    ) -> list[str]:
        """Today's cards in order: due reviews (most overdue first), new cards in file order
        (deck file, then place in it), then same-day repeats; within the daily limits, minus
        what was studied today.

        Args:
            decks: only these decks and their sub-decks (`ml` takes `ml::probability`).
            tags: only cards with one of these tags.
        """
        limits = limits or Limits()
        with self._tx() as conn:
            log = self._today_log(conn, today)
            deck_names = self._deck_names(conn)
            new_done = sum(n for n, _ in log.studied.values())
            review_done = sum(r for _, r in log.studied.values())
            new_caps, review_caps = _deck_caps(limits, deck_names, log.studied)
            where = self._filters(today, decks, tags)
            reviews = self._pick(
                conn,
                [*where, CARDS.c.due <= today],
                (CARDS.c.due, CARDS.c.deck, CARDS.c.position),
                limits.reviews_per_day - review_done,
                deck_names,
                review_caps,
                set(log.seen_notes),
            )
            new = self._pick(
                conn,
                [*where, CARDS.c.due.is_(None)],
                (CARDS.c.source_path, CARDS.c.position),
                limits.new_per_day - new_done,
                deck_names,
                new_caps,
                {*log.seen_notes, *(r[-1] for r in reviews)},
            )
            if decks or tags:
                repeats = self._repeats(conn, today, decks, tags)
            else:
                repeats = list(log.repeats)
        # One card per note, none of a note seen today nor of a review's note, then the
        # repeats: each card once, and none in the queue already, since their notes were seen
        # today (the rules are `flashcards.today.plan_today`, which the tests hold this to).
        return [r[-2] for r in (*reviews, *new)] + [c for c, _ in repeats]

    def _deck_names(self, conn: sa.Connection) -> list[str]:
        return list(conn.execute(sa.select(DECKS.c.name).distinct()).scalars())

    def due_summary(self, today: date, limits: Limits | None = None) -> DueSummary:
        """New, repeat and review cards due today per deck and in total, within the limits."""
        limits = limits or Limits()
        with self._tx() as conn:
            log = self._today_log(conn, today)
            studied = log.studied
            # Count every note, then take away the notes seen today (found through
            # ix_cards_note_id): a NOT IN test on each of 100,000 rows cost more than both.
            # One card per note comes a day (siblings are buried), so count notes. Only
            # reversible and cloze notes have several cards: count(DISTINCT note_id) runs on
            # their cards alone (ix_cards_siblings), a plain count on the rest (a note has one
            # kind). New and due are separate parts, since each is an index range and an OR
            # would scan the table.
            counted: dict[tuple[str, int], int] = {}
            for is_new, deck, n in _raw_rows(conn, _DUE_COUNTS, {"today": today}):
                counted[deck, is_new] = counted.get((deck, is_new), 0) + int(n)
            new_rows = [(deck, n) for (deck, is_new), n in counted.items() if is_new]
            review_rows = [(deck, n) for (deck, is_new), n in counted.items() if not is_new]
            # A seen note of one card is counted from today's log row itself; only notes of
            # several cards (reversible, cloze) need their siblings looked up.
            seen_new = dict(log.seen_new)
            seen_review = dict(log.seen_review)
            multi = sorted(log.seen_multi_notes)
            for chunk in _chunks(multi):
                for deck, n, r in conn.execute(
                    sa.select(
                        CARDS.c.deck,
                        sa.func.count(
                            sa.distinct(sa.case((CARDS.c.due.is_(None), CARDS.c.note_id)))
                        ),
                        sa.func.count(
                            sa.distinct(sa.case((CARDS.c.due <= today, CARDS.c.note_id)))
                        ),
                    )
                    .where(*self._filters(today, None, None), CARDS.c.note_id.in_(chunk))
                    .group_by(CARDS.c.deck)
                ):
                    seen_new[deck] = seen_new.get(deck, 0) + int(n)
                    seen_review[deck] = seen_review.get(deck, 0) + int(r)
            repeats = log.repeats
        new_rows = [(deck, n - seen_new.get(deck, 0)) for deck, n in new_rows]
        review_rows = [(deck, r - seen_review.get(deck, 0)) for deck, r in review_rows]
        repeat_counts: dict[str, int] = {}
        for _, deck in repeats:
            repeat_counts[deck] = repeat_counts.get(deck, 0) + 1
        new_by_deck = {deck: int(n) for deck, n in new_rows}
        review_by_deck = {deck: int(n) for deck, n in review_rows}
        raw = {
            deck: (new_by_deck.get(deck, 0), review_by_deck.get(deck, 0))
            for deck in set(new_by_deck) | set(review_by_deck)
        }
        shown = sorted(set(raw) | set(repeat_counts))
        new_caps, review_caps = _deck_caps(limits, shown, studied)
        # what the global limits leave today, over all decks: no deck shows more than that
        left = DeckCounts(
            new=max(0, limits.new_per_day - sum(n for n, _ in studied.values())),
            repeat=len(repeats),
            review=max(0, limits.reviews_per_day - sum(r for _, r in studied.values())),
            deck="total",
        )
        out = []
        for deck in shown:
            new, review = raw.get(deck, (0, 0))
            counts = DeckCounts(
                new=min(new, new_caps.get(deck, new)),
                repeat=repeat_counts.get(deck, 0),
                review=min(review, review_caps.get(deck, review)),
                deck=deck,
            )
            out.append(counts.capped(left))
        total = replace(sum(out, DeckCounts()), deck="total").capped(left)
        return DueSummary(tuple(out), total)

    def due_counts(self, today: date, limits: Limits | None = None) -> list[DeckCounts]:
        """New, repeat and review cards due today per deck, within the limits."""
        return list(self.due_summary(today, limits).decks)

    # --- sync ---------------------------------------------------------------------------------

    def file_stamps(self, roots: Sequence[str]) -> dict[str, FileStamp]:
        """Stored stamps of the deck files under `roots` (absolute paths)."""
        with self._tx() as conn:
            rows = conn.execute(
                sa.select(FILES).where(sa.or_(*(_under(FILES.c.path, r) for r in roots)))
            ).all()
        from flashcards.syncplan import FileStamp

        return {r.path: FileStamp(r.mtime_ns, r.size, r.sha256) for r in rows}

    def set_file_stamps(self, stamps: Mapping[str, FileStamp], scanned: Sequence[str]) -> None:
        """Store file stamps, replacing those under `scanned` roots."""
        with self._tx(write=True) as conn:
            self._write_stamps(conn, stamps, scanned)

    def _write_stamps(
        self, conn: sa.Connection, stamps: Mapping[str, FileStamp], scanned: Sequence[str]
    ) -> None:
        if scanned:
            conn.execute(
                sa.delete(FILES).where(sa.or_(*(_under(FILES.c.path, r) for r in scanned)))
            )
        paths = list(stamps)
        for chunk in _chunks(paths):
            conn.execute(sa.delete(FILES).where(FILES.c.path.in_(chunk)))
        if stamps:
            conn.execute(
                sa.insert(FILES),
                [
                    {"path": p, "mtime_ns": s.mtime_ns, "size": s.size, "sha256": s.sha256}
                    for p, s in stamps.items()
                ],
            )

    def sync(
        self,
        decks: Sequence[Deck],
        scanned_paths: Sequence[str | Path],
        *,
        progress: Progress | None = None,
        file_stamps: Mapping[str, FileStamp] | None = None,
    ) -> SyncReport:
        """Bring the store in line with `decks`, parsed from `scanned_paths`, in one transaction.

        New cards are added, edited ones keep their history (flashcards.syncplan.plan_sync), cards
        gone from the scanned paths are marked removed (cards elsewhere are untouched), and a
        deck whose content is unchanged since the last sync is skipped.
        """
        # Imported here: opening the collection to study does not need the sync's code.
        from flashcards.syncplan import SyncReport, deck_digest, deck_path, in_scope, plan_sync

        scanned = [str(Path(p).absolute()) for p in scanned_paths]
        with self._tx(write=True) as conn:
            known = {
                r.path: r.digest for r in conn.execute(sa.select(DECKS.c.path, DECKS.c.digest))
            }
            digests: dict[str, str] = {}
            changed_decks = []
            for deck in decks:
                path = deck_path(deck)
                digests[path] = deck_digest(deck, path)
                if known.get(path) != digests[path]:
                    changed_decks.append(deck)
            # Cards can vanish only from changed decks and from deck files that are gone.
            gone = [p for p in known if p not in digests and in_scope(p, scanned)]
            scope = [*(deck_path(d) for d in changed_decks), *gone]
            stored = self._stored_notes(conn, changed_decks, scope)
            plan = plan_sync(changed_decks, stored, scope)
            self._apply(conn, plan, progress)
            for path in gone:
                conn.execute(sa.delete(DECKS).where(DECKS.c.path == path))
            for deck in changed_decks:
                path = deck_path(deck)
                conn.execute(sa.delete(DECKS).where(DECKS.c.path == path))
                conn.execute(
                    sa.insert(DECKS).values(
                        path=path,
                        name=deck.name,
                        description=deck.description,
                        digest=digests[path],
                    )
                )
            if file_stamps is not None:
                self._write_stamps(conn, file_stamps, scanned)
        changed_ids = {id(d) for d in changed_decks}
        return SyncReport(
            added=len(plan.new_cards),
            updated=len(plan.changed_cards) - len(plan.restored_cards),
            relinked=len(plan.relinks),
            removed=len(plan.removed_cards),
            restored=len(plan.restored_cards),
            unchanged=plan.unchanged_cards
            + sum(len(d.cards) for d in decks if id(d) not in changed_ids),
            decks_synced=len(changed_decks),
            decks_skipped=len(decks) - len(changed_decks),
            relinks=plan.relinks,
        )

    def _stored_notes(
        self, conn: sa.Connection, decks: Sequence[Deck], scanned: Sequence[str]
    ) -> dict[str, StoredNote]:
        """Notes with a card under `scanned`, or sharing an id with a note of `decks`."""
        from flashcards.syncplan import StoredCard, StoredNote

        note_ids: set[str] = set()
        if scanned:
            for chunk in _chunks(scanned, 100):
                note_ids.update(
                    conn.execute(
                        sa.select(CARDS.c.note_id)
                        .where(sa.or_(*(_under(CARDS.c.source_path, r) for r in chunk)))
                        .distinct()
                    ).scalars()
                )
        wanted = [n.id for d in decks for n in d.notes if n.id not in note_ids]
        for chunk in _chunks(wanted):
            note_ids.update(
                conn.execute(sa.select(NOTES.c.id).where(NOTES.c.id.in_(chunk))).scalars()
            )
        ids = sorted(note_ids)
        notes: dict[str, Any] = {}
        cards: dict[str, list[StoredCard]] = {}
        tags: dict[str, list[str]] = {}
        for chunk in _chunks(ids):
            for r in conn.execute(sa.select(NOTES).where(NOTES.c.id.in_(chunk))):
                notes[r.id] = r
            for r in conn.execute(
                sa.select(
                    CARDS.c.id,
                    CARDS.c.note_id,
                    CARDS.c.ordinal,
                    CARDS.c.deck,
                    CARDS.c.source_path,
                    CARDS.c.line,
                    CARDS.c.position,
                    CARDS.c.removed,
                ).where(CARDS.c.note_id.in_(chunk))
            ):
                cards.setdefault(r.note_id, []).append(
                    StoredCard(
                        r.id, r.ordinal, r.deck, r.source_path, r.line, r.position, r.removed
                    )
                )
            for r in conn.execute(sa.select(TAGS).where(TAGS.c.note_id.in_(chunk))):
                tags.setdefault(r.note_id, []).append(r.tag)
        return {
            nid: StoredNote(
                nid,
                r.kind,
                r.front,
                r.back,
                r.content_hash,
                r.removed,
                tuple(sorted(tags.get(nid, ()))),
                tuple(sorted(cards.get(nid, ()), key=lambda c: c.ordinal)),
            )
            for nid, r in notes.items()
        }

    def _apply(self, conn: sa.Connection, plan: SyncPlan, progress: Progress | None) -> None:
        """Write a sync plan (inside the caller's transaction)."""
        total = len(plan.new_cards) + len(plan.changed_cards)
        done = 0
        for old, new in plan.relinks:
            card_ids = conn.execute(
                sa.select(CARDS.c.id, CARDS.c.ordinal).where(CARDS.c.note_id == old)
            ).all()
            for cid, ordinal in card_ids:
                new_id = card_id_of(new, ordinal)
                conn.execute(
                    sa.update(CARDS).where(CARDS.c.id == cid).values(id=new_id, note_id=new)
                )
                conn.execute(sa.update(LOG).where(LOG.c.card_id == cid).values(card_id=new_id))
                conn.execute(
                    sa.update(ACCEPTED).where(ACCEPTED.c.card_id == cid).values(card_id=new_id)
                )
            conn.execute(sa.update(NOTES).where(NOTES.c.id == old).values(id=new))
            conn.execute(sa.update(TAGS).where(TAGS.c.note_id == old).values(note_id=new))
        if plan.new_notes:
            conn.execute(sa.insert(NOTES), [_note_values(n) for n in plan.new_notes])
        for note in plan.changed_notes:  # _note_values also brings a removed note back
            conn.execute(sa.update(NOTES).where(NOTES.c.id == note.id).values(**_note_values(note)))
        tagged = [*plan.new_notes, *plan.changed_notes]
        changed_ids = [n.id for n in plan.changed_notes]
        for chunk in _chunks(changed_ids):
            conn.execute(sa.delete(TAGS).where(TAGS.c.note_id.in_(chunk)))
        tag_rows = [{"note_id": n.id, "tag": t} for n in tagged for t in n.tags]
        if tag_rows:
            conn.execute(sa.insert(TAGS), tag_rows)
        new_state = _state_values(ReviewState())
        for chunk in _chunks(plan.new_cards, 2000):
            conn.execute(
                sa.insert(CARDS),
                [
                    {
                        "id": c.id,
                        "note_id": c.note_id,
                        "ordinal": c.ordinal,
                        "kind": c.kind,
                        "deck": c.deck,
                        "source_path": c.source_path,
                        "line": c.line,
                        "position": c.position,
                        **new_state,
                        "suspended": False,
                        "buried_until": None,
                        "removed": False,
                    }
                    for c in chunk
                ],
            )
            done += len(chunk)
            if progress:
                progress(done, total)
        if plan.changed_cards:
            conn.execute(
                sa.update(CARDS)
                .where(CARDS.c.id == sa.bindparam("card_id"))
                .values(
                    kind=sa.bindparam("kind"),
                    deck=sa.bindparam("deck"),
                    source_path=sa.bindparam("source_path"),
                    line=sa.bindparam("line"),
                    position=sa.bindparam("position"),
                    removed=False,
                ),
                [
                    {
                        "card_id": c.id,
                        "kind": c.kind,
                        "deck": c.deck,
                        "source_path": c.source_path,
                        "line": c.line,
                        "position": c.position,
                    }
                    for c in plan.changed_cards
                ],
            )
            done += len(plan.changed_cards)
            if progress:
                progress(done, total)
        for chunk in _chunks(plan.removed_cards):
            conn.execute(sa.update(CARDS).where(CARDS.c.id.in_(chunk)).values(removed=True))
        for chunk in _chunks(plan.removed_notes):
            conn.execute(sa.update(NOTES).where(NOTES.c.id.in_(chunk)).values(removed=True))
        if progress and total == 0:
            progress(0, 0)


def _note_values(note: Any) -> dict[str, Any]:
    return {
        "id": note.id,
        "kind": note.kind,
        "front": note.front,
        "back": note.back,
        "content_hash": note.content_hash,
        "explicit_id": note.explicit_id,
        "removed": False,
    }


def _under(column: Any, root: str) -> Any:
    """`column` is `root` or a path inside it; a range, so an index serves it (no LIKE).

    Ranges compare in byte order: SQLite's default collation; on PostgreSQL the path and
    deck columns need the "C" collation.
    """
    import os

    base = root.rstrip(os.sep)
    # every path inside `base` sorts between "base/" and "base0" ("0" follows "/")
    return sa.or_(
        column == root,
        sa.and_(column >= base + os.sep, column < base + chr(ord(os.sep) + 1)),
    )


def deck_condition(decks: Sequence[str]) -> Any:
    """The card is in one of `decks` or in one of their sub-decks: `session.in_decks` in
    SQL, over the same `session.subdeck_range`."""
    return sa.or_(*(_in_deck(d, *subdeck_range(d)) for d in decks))


def _in_deck(deck: str, low: str, high: str) -> Any:
    return sa.or_(CARDS.c.deck == deck, sa.and_(CARDS.c.deck > low, CARDS.c.deck < high))


def _active(today: Any) -> tuple[Any, ...]:
    """The card may come on study day `today` (a date or a bound parameter): not removed,
    not suspended, not buried past it."""
    return (
        CARDS.c.removed == sa.false(),
        CARDS.c.suspended == sa.false(),
        sa.or_(CARDS.c.buried_until.is_(None), CARDS.c.buried_until <= today),
    )


def _tag_condition(tags: Sequence[str]) -> Any:
    """The card's note has one of `tags`."""
    return CARDS.c.note_id.in_(sa.select(TAGS.c.note_id).where(TAGS.c.tag.in_(list(tags))))


def _deck_caps(
    limits: Limits, deck_names: Sequence[str], studied: Mapping[str, tuple[int, int]]
) -> tuple[dict[str, int], dict[str, int]]:
    """The per-deck new and review caps left today, for decks with their own limits."""
    new_caps: dict[str, int] = {}
    review_caps: dict[str, int] = {}
    for deck in deck_names:
        deck_limits = limits.for_deck(deck)
        done_new, done_review = studied.get(deck, (0, 0))
        if deck_limits.new_per_day is not None:
            new_caps[deck] = max(0, deck_limits.new_per_day - done_new)
        if deck_limits.reviews_per_day is not None:
            review_caps[deck] = max(0, deck_limits.reviews_per_day - done_review)
    return new_caps, review_caps


def _known_revisions() -> set[str]:
    """Revision ids of the migrations shipped with this version."""
    return {p.stem.split("_", 1)[0] for p in (MIGRATIONS_DIR / "versions").glob("*.py")}


def copy_database(source: Path, target: Path) -> None:
    """Copy a SQLite collection consistently, even while it is open (for backups)."""
    if target.exists():
        raise FlashcardsError(f"{target}: already exists")
    _sqlite_copy(source, target)


def stored_revision(path: Path) -> str | None:
    """The schema revision of the SQLite file `path`, read without changing anything; None
    when it holds no flashcards schema (for checking a backup before restoring it)."""
    import sqlite3
    from contextlib import closing

    try:
        with closing(
            sqlite3.connect(Path(path).absolute().as_uri() + "?mode=ro", uri=True)
        ) as conn:
            names = conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
            if "alembic_version" not in {row[0] for row in names}:
                return None
            row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
    except sqlite3.Error as error:
        raise StoreError(f"{path}: {error}") from None
    return row[0] if row else None


def known_revision(revision: str) -> bool:
    """True when this version's migrations know `revision` (else the file is newer)."""
    return revision in _known_revisions()


_STATE_COLUMNS = (
    CARDS.c.repetitions,
    CARDS.c.interval_days,
    CARDS.c.ease_pct,
    CARDS.c.due,
    CARDS.c.lapses,
    CARDS.c.suspended,
)
# Built once, so SQLAlchemy's compiled cache serves the hot path.
_SELECT_STATE = sa.select(*_STATE_COLUMNS).where(CARDS.c.id == sa.bindparam("cid"))
_SELECT_STATE_FOR_UPDATE = _SELECT_STATE.with_for_update()
# The SET clause comes from the parameter names (the state columns and `suspended`).
_UPDATE_STATE = sa.update(CARDS).where(CARDS.c.id == sa.bindparam("cid"))
_INSERT_LOG = sa.insert(LOG)


# Today's queue and due counts, built once with `today` as a parameter (a statement of many
# parts costs as much to build as to run on a small collection).
_TODAY = sa.bindparam("today", type_=sa.Date)
_ACTIVE = _active(_TODAY)
_TODAY_LOG = (
    sa.select(
        LOG.c.id,
        LOG.c.card_id,
        LOG.c.kind,
        LOG.c.grade,
        LOG.c.before_due.is_(None),
        CARDS.c.note_id,
        CARDS.c.deck,
        CARDS.c.removed,
        CARDS.c.suspended,
        CARDS.c.kind,
        # whether the card counts today (new or due, active, not buried), as the database
        # compares dates
        sa.and_(*_ACTIVE, CARDS.c.due.is_(None)),
        sa.and_(*_ACTIVE, CARDS.c.due <= _TODAY),
    )
    .select_from(LOG.join(CARDS, CARDS.c.id == LOG.c.card_id))
    .where(
        LOG.c.study_day == _TODAY,
        LOG.c.undone == sa.false(),
        # not `in_`: its list is expanded into the SQL text at every run
        sa.or_(LOG.c.kind == "review", LOG.c.kind == "repeat"),
    )
)


def _due_count_parts() -> list[sa.Select]:
    """(1 for new or 0 for due, deck, notes) per deck: a plain count over the cards of notes
    of one card, count(DISTINCT note_id) over each kind of several cards."""
    parts = []
    for is_new, condition in ((1, CARDS.c.due.is_(None)), (0, CARDS.c.due <= _TODAY)):
        parts.append(
            sa.select(sa.literal(is_new), CARDS.c.deck, sa.func.count())
            .where(*_ACTIVE, condition, *(CARDS.c.kind != kind for kind in _SEVERAL_KINDS))
            .group_by(CARDS.c.deck)
        )
        # one kind a part: `kind = ?` makes the planner take ix_cards_siblings
        parts.extend(
            sa.select(sa.literal(is_new), CARDS.c.deck, sa.func.count(sa.distinct(CARDS.c.note_id)))
            .where(*_ACTIVE, condition, CARDS.c.kind == kind)
            .group_by(CARDS.c.deck)
            for kind in _SEVERAL_KINDS
        )
    return parts


_DUE_COUNTS = sa.union_all(*_due_count_parts())
