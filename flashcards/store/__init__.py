"""The review store: the only package that touches the database; `Store` is its facade.

The package, one concept a module:

- `tables`: the SQLModel tables and column sets, rows to core values and back;
- `connection`: engine set-up, write transactions and file copies (SQLite-only code here);
- `schema`: the schema revision, alembic migrations (in `flashcards/migrations/`), the copy
  taken before migrating;
- `queue`: today's queue and due counts in SQL (the rules: `flashcards.today.plan_today`);
- `notes`: stored notes and file stamps as the sync needs them, writing a sync plan
  (planned by the pure `flashcards.syncplan`);
- here: `Store`, one transaction a call; the rules it applies live in the core
  (`flashcards.session.apply_grade` for grades and leeches).

Every query is SQLAlchemy Core, so no ORM object is built in a loop and the SQL stays
portable; on SQLite the hottest ones (a grade, the due counts) are compiled once and run on
the driver's cursor (`connection.Prepared`). The day's first backup is the command layer's (`flashcards.commands.collection`).

Use:

    store = Store.open(settings)            # or Store("sqlite://") in memory
    report = store.sync(decks, scanned)     # decks -> cards (see flashcards.sync)
    ids = store.queue(today, limits=settings.limits)
    entry = store.grade(ids[0], Grade.GOOD, now=now, today=today, kind="review")
    store.undo_last(today)
    store.close()

The API (every method is one transaction; dates are study days, see `Settings.study_day`):

- open and close: `Store(url)`, `Store.open(settings)` (no backup: see
  `flashcards.commands.collection.open_collection`), `close()` (also a context manager);
- sync: `sync(decks, scanned_paths, progress=)` -> `SyncReport`; `file_stamps`,
  `set_file_stamps` (used by `flashcards.sync.sync_paths`, which skips unchanged files);
- today: `queue(today, decks=, tags=, limits=)` -> card ids; `due_summary(today, limits)`
  -> `DueSummary` (per deck and total); `due_counts(today, limits)` -> `list[DeckCounts]`;
- cards: `state(id)` -> `ReviewState`; `card(id)` -> `CardInfo`; `card_ids()`; `decks()`;
  `stored_decks(loaded)` -> the decks of files not on this machine, with their stored text;
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

from flashcards.config import Limits, Scheduling, sqlite_path
from flashcards.errors import FlashcardsError
from flashcards.scheduler import ReviewState
from flashcards.session import (
    DEFAULT_LEECH_THRESHOLD,
    REVIEW_KINDS,
    DeckCounts,
    LogEntry,
    apply_grade,
)
from flashcards.store import notes as _notes
from flashcards.store import queue as _queue
from flashcards.store import scheduling as _scheduling
from flashcards.store.connection import (
    Prepared,
    StoreError,
    copy_rows,
    dropped_by_server,
    replace_rows,
    server_engine,
    snapshot,
    sqlite_engine,
    sqlite_integrity_ok,
    storage_message,
)
from flashcards.store.queue import DueSummary, deck_condition
from flashcards.store.scheduling import FittedParameters
from flashcards.store.schema import (
    MIGRATIONS_DIR,
    SCHEMA_REVISION,
    NewerDatabaseError,
    backup_before_migration,
    copy_database,
    ensure_schema,
    known_revision,
    revision,
    stored_revision,
)
from flashcards.store.tables import (
    ACCEPTED,
    CARDS,
    DECKS,
    FILES,
    LOG,
    METADATA,
    NOTES,
    STATE_COLUMNS,
    TAGS,
    chunks,
    log_memory_of,
    log_values,
    memory_of,
    memory_values,
    state_of,
    state_values,
    utc,
)

if TYPE_CHECKING:
    from flashcards.cards import Deck
    from flashcards.config import Settings
    from flashcards.fsrs_model import FsrsSettings, Memory
    from flashcards.stored import StoredDeck
    from flashcards.syncplan import FileStamp, Progress, SyncReport

__all__ = [
    "ACCEPTED",
    "CARDS",
    "DECKS",
    "FILES",
    "LOG",
    "METADATA",
    "MIGRATIONS_DIR",
    "NOTES",
    "SCHEMA_REVISION",
    "TAGS",
    "AcceptedAnswer",
    "CardInfo",
    "DeckCounts",
    "DueSummary",
    "FittedParameters",
    "LogEntry",
    "NewerDatabaseError",
    "Store",
    "StoreError",
    "copy_database",
    "deck_condition",
    "known_revision",
    "stored_revision",
]


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
    #: The FSRS memory state (None until FSRS computed it).
    memory: Memory | None = None


@dataclass(frozen=True, slots=True)
class AcceptedAnswer:
    """An accepted alternative answer of a math card."""

    card_id: str
    text: str
    added_at: datetime


# Built once, so SQLAlchemy's compiled cache serves the hot path (on PostgreSQL).
_SELECT_STATE = sa.select(*STATE_COLUMNS).where(CARDS.c.id == sa.bindparam("cid"))
# The SET clause comes from the parameter names (the state columns and `suspended`).
_UPDATE_STATE = sa.update(CARDS).where(CARDS.c.id == sa.bindparam("cid"))
_INSERT_LOG = sa.insert(LOG)
# A grade on SQLite: the same statements, run on the driver's cursor (see `Prepared`).
_GRADE_COLUMNS = (*(c.name for c in STATE_COLUMNS), "deck", "fsrs_stability", "fsrs_difficulty")
_GRADE_ROW = sa.select(*(CARDS.c[name] for name in _GRADE_COLUMNS)).where(
    CARDS.c.id == sa.bindparam("cid")
)
_SELECT_GRADE = _GRADE_ROW.with_for_update()  # a server's other machines wait for it
_SQLITE_SELECT_GRADE = Prepared(_GRADE_ROW)
_SQLITE_UPDATE_STATE = Prepared(
    _UPDATE_STATE,
    [*(c.name for c in STATE_COLUMNS), "fsrs_stability", "fsrs_difficulty"],
)
_SQLITE_INSERT_LOG = Prepared(_INSERT_LOG, [c.name for c in LOG.c if c.name != "id"])
# The synced decks in file order (by the first file of each).
_DECKS_IN_FILE_ORDER = Prepared(
    sa.select(DECKS.c.name).group_by(DECKS.c.name).order_by(sa.func.min(DECKS.c.path), DECKS.c.name)
)


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
        scheduling: Scheduling | None = None,
    ) -> None:
        """Open (creating or migrating) the collection at the SQLAlchemy `url`.

        Args:
            url: `sqlite://` is a private in-memory collection.
            durability: "full" makes each commit survive power loss (SQLite FULL sync).
            leech_threshold: lapses after which a card is suspended (0: never).
            fuzz: spread due dates a little (off by default).
            backup_dir: where the copy taken before a migration goes (default: beside the
                database file).
            scheduling: the scheduler of each deck; given, a change since the collection was
                last opened is replayed now (`switch_scheduler`); None grades with SM-2 and
                leaves the states as they are (backups, checks).
        """
        self.url = url
        self.leech_threshold = leech_threshold
        self.fuzz = fuzz
        self.scheduling = scheduling or Scheduling()
        self._fitted: dict[str, FittedParameters] | None = None
        self._lock = threading.RLock()
        self._rng: Any = None
        self._sqlite = url.startswith("sqlite")
        try:
            if self._sqlite:
                path = sqlite_path(url)
                if path is not None and not path.parent.is_dir():
                    raise FlashcardsError(f"{path.parent}: no such folder for the collection")
                self.engine = sqlite_engine(url, durability)
            else:
                self.engine = server_engine(url)
            self._conn = self.engine.connect()
        except sa.exc.SQLAlchemyError as error:
            raise FlashcardsError(storage_message("open", url, error)) from None
        try:
            ensure_schema(self._tx, url, backup_dir)
            if scheduling is not None:
                self.switch_scheduler(scheduling)
        except BaseException:
            self.close()
            raise

    @classmethod
    def open(cls, settings: Settings) -> Store:
        """Open the collection the settings name, creating its folder when needed.

        The day's first backup is the caller's: commands open the collection with
        `flashcards.commands.collection.open_collection`, which takes it.
        """
        path = sqlite_path(settings.db_url)
        if path is not None:
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
            except OSError as error:
                raise FlashcardsError(f"{path.parent}: cannot create the folder: {error}") from None
        return cls(
            settings.db_url,
            durability=settings.durability,
            leech_threshold=settings.leech_threshold,
            fuzz=settings.fuzz,
            scheduling=settings.scheduling,
        )

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
            try:
                if not self._sqlite and dropped_by_server(conn):
                    # before anything of this transaction was sent: reconnecting is safe,
                    # nothing is applied twice
                    conn.invalidate()
                conn.info["write"] = write  # (re)connects when the connection was lost
                with conn.begin():
                    yield conn
            except sa.exc.DatabaseError as error:
                # locked past the busy timeout, read-only folder, full disk, not a database...
                action = "write" if write else "read"
                raise StoreError(storage_message(action, self.url, error)) from error

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
            return revision(conn)

    def _backup_before_migration(self, current: str, backup_dir: Path | None) -> Path | None:
        return backup_before_migration(self.url, current, backup_dir)

    def integrity_ok(self) -> bool:
        """True when the database file passes its integrity check (always for non-SQLite)."""
        if not self._sqlite:
            return True
        with self._tx() as conn:
            return sqlite_integrity_ok(conn)

    # --- backups (flashcards.backup) ----------------------------------------------------------

    def _raw_connection(self) -> Any:
        """The DB-API connection under the store's, outside any transaction. SQLite-only."""
        if not self._sqlite or self._conn is None:
            raise FlashcardsError("backups need an open SQLite collection")
        return self._conn.connection.dbapi_connection

    def backup_to(self, target: Path) -> None:
        """Write a consistent copy of the collection to the new SQLite file `target`.

        A SQLite collection is copied by SQLite's online backup, so other processes may go on
        writing; a server's (PostgreSQL) row by row from one snapshot into a new SQLite
        collection of the same schema, which `restore_from` takes back into either backend.
        """
        import sqlite3
        from contextlib import closing

        if not self._sqlite:
            self._copy_rows_to(target)
            return
        with self._lock:
            raw = self._raw_connection()
            try:
                with closing(sqlite3.connect(target)) as dst:
                    raw.backup(dst)
            except sqlite3.Error as error:
                raise StoreError(f"{target}: {error}") from None

    def _copy_rows_to(self, target: Path) -> None:
        from flashcards.config import sqlite_url

        with Store(sqlite_url(target)) as copy, self._tx() as source:
            snapshot(source)
            if revision(source) != SCHEMA_REVISION:  # pragma: no cover - opened at head
                raise FlashcardsError("the collection changed its schema while copying")
            with copy._tx(write=True) as conn:
                copy_rows(source, conn, METADATA.sorted_tables)

    def restore_from(self, source: Path) -> None:
        """Replace the whole collection by the SQLite database `source` (at this schema), in
        one step that other connections see whole: SQLite's online backup into this one, or
        on a server every table's rows replaced in one transaction."""
        import sqlite3
        from contextlib import closing

        if not self._sqlite:
            self._replace_rows_from(source)
            return
        with self._lock:
            raw = self._raw_connection()
            uri = Path(source).absolute().as_uri() + "?mode=ro"
            try:
                with closing(sqlite3.connect(uri, uri=True)) as src:
                    src.backup(raw)
            except sqlite3.Error as error:
                raise StoreError(f"{source}: {error}") from None

    def _replace_rows_from(self, source: Path) -> None:
        from flashcards.config import sqlite_url

        with (
            Store(sqlite_url(Path(source))) as backup,
            backup._tx() as rows,
            self._tx(write=True) as conn,
        ):
            replace_rows(rows, conn, METADATA.sorted_tables)

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
        return state_of(row)

    def studied_states(self) -> dict[str, ReviewState]:
        """The SM-2 state of every card studied at least once (due set), in one query."""
        statement = sa.select(CARDS.c.id, *STATE_COLUMNS).where(CARDS.c.due.is_not(None))
        with self._tx() as conn:
            return {row.id: state_of(row) for row in conn.execute(statement)}

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
            for chunk in chunks(list(card_ids)):
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
                        state_of(row),
                        m["suspended"],
                        m["buried_until"],
                        m["removed"],
                        memory_of(row),
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
        with self._tx() as conn:
            return [name for (name,) in _DECKS_IN_FILE_ORDER.rows(conn)]

    def decks_under(self, roots: Sequence[str | Path]) -> set[str]:
        """Names of the synced decks whose file is one of `roots` or inside one (absolute
        paths): what the deck list shows for `flashcards study PATH` before it reads them."""
        if not roots:
            return set()
        query = sa.select(DECKS.c.name).where(
            sa.or_(*(_notes.under(DECKS.c.path, str(r)) for r in roots))
        )
        with self._tx() as conn:
            return set(conn.execute(query).scalars())

    def stored_decks(self, loaded: Sequence[str | Path] = ()) -> list[StoredDeck]:
        """The synced decks whose file is not one of `loaded` (absolute paths: the decks this
        machine read), with their stored text and live cards, for `flashcards.stored`."""
        with self._tx() as conn:
            return _notes.stored_decks(conn, [str(p) for p in loaded])

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
        options: dict[str, Any] = {
            "now": now,
            "today": today,
            "kind": kind,
            "typed": typed,
            "verdict": verdict,
            "seconds": seconds,
            "leech_threshold": self.leech_threshold,
            "rng": rng,
        }
        if self._sqlite:
            return self._grade_sqlite(card_id, grade, options)
        with self._tx(write=True) as conn:
            row = conn.execute(_SELECT_GRADE, {"cid": card_id}).mappings().first()
            if row is None:
                raise FlashcardsError(f"no card {card_id!r} in the collection")
            entry, values = self._graded(conn, card_id, row, grade, options)
            if values is not None:
                conn.execute(_UPDATE_STATE, values)
            result = conn.execute(_INSERT_LOG, log_values(entry))
            (log_id,) = result.inserted_primary_key
        return replace(entry, id=log_id)

    def _grade_sqlite(self, card_id: str, grade: int, options: dict[str, Any]) -> LogEntry:
        """`grade` on SQLite: one SELECT, one UPDATE and one INSERT on the driver's cursor,
        in a BEGIN IMMEDIATE transaction committed before returning, as `_tx` would run
        them (the same durability: the COMMIT is the one SQLAlchemy would send), without
        SQLAlchemy's execution machinery, which cost more than the writes themselves."""
        import sqlite3

        if self.scheduling.uses_fsrs:
            self.fitted_parameters()  # read before the transaction: it is a query of its own
        dialect = self.engine.dialect
        with self._lock:
            conn = self._conn
            if conn is None:
                raise FlashcardsError("the collection is closed")
            raw = conn.connection.dbapi_connection
            cursor = raw.cursor()  # type: ignore[union-attr]
            try:
                cursor.execute("BEGIN IMMEDIATE")
                try:
                    sql, args = _SQLITE_SELECT_GRADE.args(dialect, {"cid": card_id})
                    found = cursor.execute(sql, args).fetchone()
                    if found is None:
                        raise FlashcardsError(f"no card {card_id!r} in the collection")
                    row = dict(
                        zip(_GRADE_COLUMNS, _SQLITE_SELECT_GRADE.typed(dialect, found), strict=True)
                    )
                    entry, values = self._graded(conn, card_id, row, grade, options)
                    if values is not None:
                        cursor.execute(*_SQLITE_UPDATE_STATE.args(dialect, values))
                    cursor.execute(*_SQLITE_INSERT_LOG.args(dialect, log_values(entry)))
                    log_id = cursor.lastrowid
                    cursor.execute("COMMIT")
                except BaseException:
                    if raw.in_transaction:  # type: ignore[union-attr]
                        cursor.execute("ROLLBACK")
                    raise
            except sqlite3.DatabaseError as error:
                # locked past the busy timeout, read-only folder, full disk, not a database...
                raise StoreError(storage_message("write", self.url, error)) from error
            finally:
                cursor.close()
        return replace(entry, id=log_id)

    def _graded(
        self,
        conn: sa.Connection,
        card_id: str,
        row: Mapping[str, Any],
        grade: int,
        options: dict[str, Any],
    ) -> tuple[LogEntry, dict[str, Any] | None]:
        """What a grade of the card in `row` (the `_GRADE_COLUMNS`) logs, and the card's new
        column values when it changes the card's state (a review; None for a repeat)."""
        fsrs = self._fsrs_settings(conn, row["deck"]) if self.scheduling.uses_fsrs else None
        entry = apply_grade(
            card_id, state_of(row), grade, memory=memory_of(row), fsrs=fsrs, **options
        )
        if entry.kind != "review":
            return entry, None
        values = state_values(entry.after)
        values.update(memory_values(entry.after_memory))  # unchanged under SM-2
        values["cid"] = card_id
        values["suspended"] = bool(row["suspended"]) or entry.leech
        return entry, values

    # --- schedulers: FSRS settings, fitted parameters, switching -------------------------------

    def fsrs_settings(self, deck: str) -> FsrsSettings | None:
        """What FSRS schedules `deck` with (its fitted parameters, else the defaults), or None
        when the deck is scheduled by SM-2."""
        with self._tx() as conn:
            return self._fsrs_settings(conn, deck)

    def _fsrs_settings(self, conn: sa.Connection, deck: str) -> FsrsSettings | None:
        if self.scheduling.for_deck(deck) != "fsrs":
            return None
        from flashcards.fsrs_model import FsrsSettings, default_parameters

        if self._fitted is None:
            self._fitted = _scheduling.fitted_parameters(conn)
        fitted = _scheduling.parameters_for(self._fitted, deck)
        parameters = fitted.parameters if fitted else tuple(default_parameters())
        return FsrsSettings(parameters, self.scheduling.desired_retention)

    def fitted_parameters(self) -> dict[str, FittedParameters]:
        """The stored FSRS fits by deck ("" for the whole collection), read once."""
        if self._fitted is None:
            with self._tx() as conn:
                self._fitted = _scheduling.fitted_parameters(conn)
        return self._fitted

    def save_fitted_parameters(self, fitted: FittedParameters) -> int:
        """Store a fit (replacing the deck's previous one) and, in the same transaction,
        replay the cards it schedules; returns the number of cards replayed."""
        with self._tx(write=True) as conn:
            _scheduling.save_parameters(conn, fitted)
            self._fitted = _scheduling.fitted_parameters(conn)
            decks = dict(conn.execute(sa.select(CARDS.c.id, CARDS.c.deck)).all())
            covered = [
                cid
                for cid, deck in decks.items()
                if self.scheduling.for_deck(deck) == "fsrs"
                and _scheduling.parameters_for(self._fitted, deck) == fitted
            ]
            return _scheduling.replay_cards(
                conn, sorted(covered), lambda deck: self._fsrs_settings(conn, deck), decks
            )

    def switch_scheduler(self, scheduling: Scheduling) -> int:
        """Grade with `scheduling` from now on; the cards whose deck's scheduler differs from
        the one their state was computed with are replayed from their logs, in one
        transaction. Returns the number of cards replayed (0, one query, when unchanged)."""
        self.scheduling = scheduling
        with self._tx() as conn:
            unchanged = _scheduling.same_schedulers(_scheduling.stored_scheduling(conn), scheduling)
        if unchanged:
            return 0
        with self._tx(write=True) as conn:
            return _scheduling.switch(
                conn, scheduling, lambda deck: self._fsrs_settings(conn, deck)
            )

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
                values = state_values(state_of(row, "before_"))
                values.update(memory_values(log_memory_of(row, "before_")))
                if row.leech:
                    values["suspended"] = False
                conn.execute(sa.update(CARDS).where(CARDS.c.id == row.card_id).values(**values))
            return row.card_id

    def set_state(self, card_id: str, state: ReviewState) -> None:
        """Overwrite a card's SM-2 state (imports and repairs; not logged)."""
        self._update_card(card_id, **state_values(state))

    def import_states(self, states: Mapping[str, ReviewState]) -> int:
        """Overwrite many cards' SM-2 states in one transaction (imports); returns the count."""
        rows = [{"cid": cid, **state_values(state)} for cid, state in states.items()]
        if not rows:
            return 0
        with self._tx(write=True) as conn:
            conn.execute(_UPDATE_STATE, rows)
        return len(rows)

    def import_log(self, entries: Sequence[LogEntry]) -> int:
        """Append review-log rows as given (imports; their `id` is ignored), in one transaction.

        On SQLite the rows go to the driver's `executemany` as tuples, each value through its
        column type's own bind processor (so they are stored as `log_values` would store
        them): SQLAlchemy's per-row parameter building cost more than the insert itself.
        """
        if not self._sqlite:
            rows = [log_values(e) for e in entries]
            with self._tx(write=True) as conn:
                for chunk in chunks(rows, 5000):
                    conn.execute(_INSERT_LOG, list(chunk))
            return len(rows)
        from functools import lru_cache

        # the keys of `log_values`, in the order of the tuples below
        columns = (
            "card_id",
            "reviewed_at",
            "study_day",
            "kind",
            "grade",
            "typed",
            "verdict",
            "seconds",
            "leech",
            "undone",
            "before_repetitions",
            "before_interval_days",
            "before_ease_pct",
            "before_due",
            "before_lapses",
            "after_repetitions",
            "after_interval_days",
            "after_ease_pct",
            "after_due",
            "after_lapses",
        )
        with self._tx(write=True) as conn:
            dialect = conn.dialect

            def bind(name: str, cache: bool = False) -> Any:
                process = LOG.c[name].type.dialect_impl(dialect).bind_processor(dialect)
                if process is None:
                    return lambda value: value
                # days and flags repeat over a history: each distinct value is processed once
                return lru_cache(maxsize=None)(process) if cache else process

            when, secs = bind("reviewed_at"), bind("seconds")
            day, leech, undone = bind("study_day", True), bind("leech", True), bind("undone", True)
            due_before, due_after = bind("before_due", True), bind("after_due", True)
            rows = [
                (
                    e.card_id,
                    when(utc(e.reviewed_at)),
                    day(e.study_day),
                    e.kind,
                    int(e.grade),
                    e.typed,
                    e.verdict,
                    secs(e.seconds),
                    leech(e.leech),
                    undone(e.undone),
                    e.before.repetitions,
                    e.before.interval_days,
                    e.before.ease_pct,
                    due_before(e.before.due),
                    e.before.lapses,
                    e.after.repetitions,
                    e.after.interval_days,
                    e.after.ease_pct,
                    due_after(e.after.due),
                    e.after.lapses,
                )
                for e in entries
            ]
            quote = dialect.identifier_preparer.quote
            sql = (
                f"INSERT INTO {quote(LOG.name)} ({', '.join(quote(c) for c in columns)})"
                f" VALUES ({', '.join('?' for _ in columns)})"
            )
            if rows:
                conn.exec_driver_sql(sql, rows)
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
        query = sa.select(CARDS.c.id).where(_queue.deck_condition([deck])).limit(1)
        with self._tx() as conn:
            return conn.execute(query).first() is not None

    def suspended_cards(self, decks: Sequence[str] | None = None) -> list[CardInfo]:
        """Every suspended card still in a deck file (of `decks` and their sub-decks), in
        deck order."""
        where = [CARDS.c.suspended == sa.true(), CARDS.c.removed == sa.false()]
        if decks:
            where.append(_queue.deck_condition(decks))
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
        when = utc(now or datetime.now(UTC))
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
                    state_of(r, "before_"),
                    state_of(r, "after_"),
                    r.leech,
                    r.undone,
                    log_memory_of(r, "before_"),
                    log_memory_of(r, "after_"),
                )
                for r in conn.execute(query)
            ]

    # --- today's queue and due counts -------------------------------------------------------

    def queue(
        self,
        today: date,
        decks: Sequence[str] | None = None,
        tags: Sequence[str] | None = None,
        limits: Limits | None = None,
    ) -> list[str]:
        """Today's cards in order: due reviews (most overdue first), new cards in file order
        (deck file, then place in it), then same-day repeats; within the daily limits, minus
        what was studied today (`flashcards.today.plan_today` states the rules).

        Args:
            decks: only these decks and their sub-decks (`ml` takes `ml::probability`).
            tags: only cards with one of these tags.
        """
        with self._tx() as conn:
            return _queue.queue(conn, today, decks, tags, limits)

    def due_summary(self, today: date, limits: Limits | None = None) -> DueSummary:
        """New, repeat and review cards due today per deck and in total, within the limits."""
        with self._tx() as conn:
            return _queue.due_summary(conn, today, limits)

    def due_counts(self, today: date, limits: Limits | None = None) -> list[DeckCounts]:
        """New, repeat and review cards due today per deck, within the limits."""
        return list(self.due_summary(today, limits).decks)

    # --- sync ---------------------------------------------------------------------------------

    def file_stamps(self, roots: Sequence[str]) -> dict[str, FileStamp]:
        """Stored stamps of the deck files under `roots` (absolute paths)."""
        with self._tx() as conn:
            return _notes.file_stamps(conn, roots)

    def set_file_stamps(self, stamps: Mapping[str, FileStamp], scanned: Sequence[str]) -> None:
        """Store file stamps, replacing those under `scanned` roots."""
        with self._tx(write=True) as conn:
            _notes.write_stamps(conn, stamps, scanned)

    def sync(
        self,
        decks: Sequence[Deck],
        scanned_paths: Sequence[str | Path],
        *,
        progress: Progress | None = None,
        file_stamps: Mapping[str, FileStamp] | None = None,
    ) -> SyncReport:
        """Bring the store in line with `decks`, parsed from `scanned_paths`, in one transaction.

        New cards are added, edited ones keep their history (flashcards.syncplan.plan_sync),
        cards gone from the scanned paths are marked removed (cards elsewhere are untouched),
        and a deck whose content is unchanged since the last sync is skipped.
        """
        with self._tx(write=True) as conn:
            return _notes.sync(
                conn, decks, scanned_paths, progress=progress, file_stamps=file_stamps
            )
