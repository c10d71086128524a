"""The review store on real SQLite: schema, grades, undo, leeches, queue, due counts."""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from flashcards.cards import CardKind, Deck, Note
from flashcards.config import DeckLimits, Limits, parse_settings
from flashcards.errors import FlashcardsError
from flashcards.grades import Grade
from flashcards.scheduler import ReviewState
from flashcards.store import SCHEMA_REVISION, DeckCounts, Store

TODAY = date(2026, 4, 10)
NOW = datetime(2026, 4, 10, 12, 0, tzinfo=UTC)


def note(nid: str, kind: CardKind = CardKind.BASIC, line: int = 1, **kw) -> Note:
    if kind is CardKind.CLOZE and "cloze_numbers" not in kw:
        kw["cloze_numbers"] = (1, 2)
    return Note(nid, kind, f"front of {nid}", f"back of {nid}", line, line, **kw)


def deck(name: str, *notes: Note, folder: str = "/decks") -> Deck:
    return Deck(name, Path(folder, name.replace("::", "/") + ".md"), notes=notes)


@pytest.fixture
def store(db_url):
    s = Store(db_url)
    yield s
    s.close()


def due(store: Store, card: str, days_ago: int, reps: int = 2, interval: int = 6) -> None:
    store.set_state(card, ReviewState(reps, interval, 250, TODAY - timedelta(days=days_ago), 0))


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)  # a file on disk
def test_new_collection_gets_the_current_schema(store, tmp_path):
    assert store.schema_revision() == SCHEMA_REVISION
    assert store.integrity_ok()
    assert (tmp_path / "c.sqlite3").exists()


def test_migrated_schema_matches_the_tables(store):
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from flashcards.store import METADATA

    with store.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), METADATA)
    assert diff == []


def test_reopening_a_current_collection_does_not_load_alembic(tmp_path):
    url = f"sqlite:///{tmp_path / 'c.sqlite3'}"
    Store(url).close()
    code = (
        "import sys; from flashcards.store import Store; "
        f"Store({url!r}).close(); print('alembic' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_wal_mode_and_synchronous_setting(tmp_path):
    from flashcards.store.connection import MMAP_BYTES

    s = Store(f"sqlite:///{tmp_path / 'a.db'}")
    f = Store(f"sqlite:///{tmp_path / 'b.db'}", durability="full")
    with s._tx() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 1  # NORMAL
        # reads map the file (the library may cap the size it maps, never to none)
        assert 0 < conn.exec_driver_sql("PRAGMA mmap_size").scalar() <= MMAP_BYTES
    with f._tx() as conn:
        assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL
    s.close()
    f.close()


def test_a_file_that_is_not_a_collection_is_refused(tmp_path):
    path = tmp_path / "other.db"
    engine = sa.create_engine(f"sqlite:///{path}")
    with engine.begin() as conn:
        conn.exec_driver_sql("CREATE TABLE t (x)")
    engine.dispose()
    with pytest.raises(FlashcardsError, match="not a flashcards collection"):
        Store(f"sqlite:///{path}")


def test_a_newer_schema_is_refused(tmp_path):
    url = f"sqlite:///{tmp_path / 'c.db'}"
    Store(url).close()
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        conn.exec_driver_sql("UPDATE alembic_version SET version_num = '9999'")
    engine.dispose()
    with pytest.raises(FlashcardsError, match="newer flashcards"):
        Store(url)


def test_open_from_settings_creates_the_data_folder(tmp_path):
    settings = parse_settings(
        None, config_path=tmp_path / "c.toml", default_data_dir=tmp_path / "new" / "data"
    )
    with Store.open(settings) as s:
        assert s.card_ids() == []
    assert (tmp_path / "new" / "data" / "collection.sqlite3").exists()


def test_missing_folder_is_a_clear_error(tmp_path):
    with pytest.raises(FlashcardsError, match="no such folder"):
        Store(f"sqlite:///{tmp_path / 'nope' / 'c.db'}")


def test_grade_applies_sm2_logs_and_commits(store, tmp_path):
    store.sync([deck("a", note("n1"))], ["/decks"])
    graded = store.grade(
        "n1:0", Grade.GOOD, now=NOW, today=TODAY, typed="x", verdict="correct", seconds=3.5
    )
    after = graded.after
    assert after == ReviewState(1, 1, 250, TODAY + timedelta(days=1), 0)
    # another connection sees it: the grade is committed
    other = Store(store.url)
    assert other.state("n1:0") == after
    [entry] = other.review_log("n1:0")
    other.close()
    assert entry.kind == "review" and entry.grade == 4 and entry.study_day == TODAY
    assert entry.typed == "x" and entry.verdict == "correct" and entry.seconds == 3.5
    assert entry.before == ReviewState() and entry.after == after
    assert entry.reviewed_at == NOW and not entry.undone
    # grade returns the entry it logged, numbered as the log numbers it
    assert graded == entry and entry.id > 0 and not entry.leech


def test_repeat_and_practice_grades_leave_the_schedule(store):
    store.sync([deck("a", note("n1"))], ["/decks"])
    first = store.grade("n1:0", Grade.WRONG_EASY, now=NOW, today=TODAY).after
    repeat = store.grade("n1:0", Grade.PERFECT, now=NOW, today=TODAY, kind="repeat")
    assert repeat.before == repeat.after == first
    practice = store.grade("n1:0", Grade.BLACKOUT, now=NOW, today=TODAY, kind="practice")
    assert practice.before == practice.after == first
    assert store.state("n1:0") == first
    assert [e.kind for e in store.review_log("n1:0")] == ["review", "repeat", "practice"]


def test_a_second_review_the_same_day_is_logged_as_a_repeat(store):
    store.sync([deck("a", note("n1"))], ["/decks"])
    first = store.grade("n1:0", Grade.GOOD, now=NOW, today=TODAY).after
    second = store.grade("n1:0", Grade.PERFECT, now=NOW, today=TODAY)
    assert second.kind == "repeat" and second.after == first == store.state("n1:0")
    assert [e.kind for e in store.review_log("n1:0")] == ["review", "repeat"]


def test_unknown_card_and_bad_kind_are_clear_errors(store):
    with pytest.raises(FlashcardsError, match="no card"):
        store.grade("nope:0", 4, now=NOW, today=TODAY)
    with pytest.raises(FlashcardsError, match="no card"):
        store.state("nope:0")
    with pytest.raises(FlashcardsError, match="unknown review kind"):
        store.grade("nope:0", 4, now=NOW, today=TODAY, kind="cram")


def test_a_refused_grade_writes_nothing_and_the_next_one_goes_through(store):
    """A grade that fails half way (a bad grade, an unknown card) is rolled back whole: no
    log row, no state change, and the store's next transactions work."""
    store.sync([deck("a", note("n1"))], ["/decks"])
    with pytest.raises(ValueError):
        store.grade("n1:0", 9, now=NOW, today=TODAY)
    with pytest.raises(FlashcardsError, match="no card"):
        store.grade("nope:0", 4, now=NOW, today=TODAY)
    assert store.review_log() == [] and store.state("n1:0") == ReviewState()
    entry = store.grade("n1:0", Grade.GOOD, now=NOW, today=TODAY)
    assert store.review_log() == [entry] and store.state("n1:0") == entry.after


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_a_grade_while_another_process_holds_the_write_lock_is_a_clear_error(store):
    """Past the busy timeout, a grade says the collection is locked (a StoreError naming
    the file), writes nothing, and works once the lock is gone."""
    import sqlite3

    from flashcards.store import StoreError

    store.sync([deck("a", note("n1"))], ["/decks"])
    path = store.url.removeprefix("sqlite:///")
    with store.reading() as conn:  # a short busy timeout, so the test does not wait 30 s
        conn.connection.dbapi_connection.execute("PRAGMA busy_timeout = 50")
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    try:
        with pytest.raises(StoreError, match=r"cannot write the collection .*locked"):
            store.grade("n1:0", Grade.GOOD, now=NOW, today=TODAY)
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert store.review_log() == []
    assert store.grade("n1:0", Grade.GOOD, now=NOW, today=TODAY).kind == "review"


def test_undo_restores_the_state_and_marks_the_row(store):
    store.sync([deck("a", note("n1"), note("n2"))], ["/decks"])
    due(store, "n1:0", 3)
    before = store.state("n1:0")
    store.grade("n1:0", Grade.PERFECT, now=NOW, today=TODAY)
    store.grade("n2:0", Grade.GOOD, now=NOW, today=TODAY, kind="practice")
    assert store.undo_last(TODAY) == "n2:0"
    assert store.undo_last(TODAY) == "n1:0"
    assert store.state("n1:0") == before
    assert store.undo_last(TODAY) is None
    log = store.review_log()
    assert len(log) == 2 and all(e.undone for e in log)
    assert store.review_log(include_undone=False) == []


def test_undo_only_reaches_today(store):
    store.sync([deck("a", note("n1"))], ["/decks"])
    store.grade("n1:0", Grade.GOOD, now=NOW, today=TODAY - timedelta(days=1))
    assert store.undo_last(TODAY) is None


def test_eighth_lapse_suspends_a_leech_and_undo_unsuspends(tmp_path):
    s = Store(f"sqlite:///{tmp_path / 'c.db'}", leech_threshold=8)
    s.sync([deck("a", note("n1"))], ["/decks"])
    s.set_state("n1:0", ReviewState(3, 20, 200, TODAY, 7))
    entry = s.grade("n1:0", Grade.BLACKOUT, now=NOW, today=TODAY)
    assert entry.leech and entry.after.lapses == 8
    assert s.card("n1:0").suspended
    assert s.review_log("n1:0")[-1].leech
    assert s.queue(TODAY) == []
    s.undo_last(TODAY)
    assert not s.card("n1:0").suspended
    s.close()


def test_queue_reviews_most_overdue_first_then_new_in_deck_order(store):
    store.sync(
        [
            deck(
                "a", note("a1", line=1), note("a2", line=5), note("a3", line=9), note("a4", line=12)
            )
        ],
        ["/decks"],
    )
    due(store, "a3:0", 1)
    due(store, "a4:0", 10)
    store.set_state("a2:0", ReviewState(2, 6, 250, TODAY + timedelta(days=2), 0))
    assert store.queue(TODAY) == ["a4:0", "a3:0", "a1:0"]


def test_new_cards_come_in_file_order_whatever_the_deck_names(store):
    from dataclasses import replace

    calculus = replace(
        deck("calc", note("c1", line=1), note("c2", line=4)),
        name="ml::Calculus",
        path=Path("/decks/ml/02-calculus.md"),
    )
    probability = replace(
        deck("prob", note("p1", line=1), note("p2", line=4)),
        name="ml::Probability",
        path=Path("/decks/ml/01-probability.md"),
    )
    store.sync([calculus, probability], ["/decks"])
    assert store.queue(TODAY) == ["p1:0", "p2:0", "c1:0", "c2:0"]
    limits = Limits(new_per_day=3, per_deck=(("ml::Probability", DeckLimits(new_per_day=1)),))
    assert store.queue(TODAY, limits=limits) == ["p1:0", "c1:0", "c2:0"]


def test_queue_respects_daily_limits_counting_what_was_studied(store):
    notes = [note(f"n{i:02}", line=i) for i in range(10)]
    store.sync([deck("a", *notes)], ["/decks"])
    for i in range(5):
        due(store, f"n{i:02}:0", 5 - i)
    limits = Limits(new_per_day=2, reviews_per_day=3)
    assert store.queue(TODAY, limits=limits) == ["n00:0", "n01:0", "n02:0", "n05:0", "n06:0"]
    store.grade("n00:0", Grade.PERFECT, now=NOW, today=TODAY)
    store.grade("n05:0", Grade.PERFECT, now=NOW, today=TODAY)
    assert store.queue(TODAY, limits=limits) == ["n01:0", "n02:0", "n06:0"]
    counts = store.due_summary(TODAY, limits)
    assert counts.total == DeckCounts(new=1, repeat=0, review=2, deck="total")


def test_no_deck_shows_more_than_the_global_limits_leave_today(store):
    store.sync(
        [
            deck("a", *(note(f"a{i}", line=i) for i in range(5))),
            deck("b", *(note(f"b{i}", line=i) for i in range(5))),
        ],
        ["/decks"],
    )
    limits = Limits(new_per_day=3)
    store.grade("a0:0", Grade.PERFECT, now=NOW, today=TODAY)
    summary = store.due_summary(TODAY, limits)
    # 2 new cards are left today over both decks; b studied none but still gets only 2
    assert {c.deck: c.new for c in summary.decks} == {"a": 2, "b": 2}
    assert summary.total.new == 2
    assert len(store.queue(TODAY, limits=limits)) == 2


def test_per_deck_limits_apply_to_the_deck_and_its_sub_decks(store):
    store.sync(
        [
            deck("a", *(note(f"a{i}", line=i) for i in range(5))),
            deck("b::c", *(note(f"c{i}", line=i) for i in range(5))),
        ],
        ["/decks"],
    )
    limits = Limits(new_per_day=6, per_deck=(("b", DeckLimits(new_per_day=1)),))
    queue = store.queue(TODAY, limits=limits)
    assert [c for c in queue if c.startswith("c")] == ["c0:0"]
    assert len(queue) == 6
    counts = {c.deck: c for c in store.due_counts(TODAY, limits)}
    assert counts["b::c"].new == 1 and counts["a"].new == 5


def test_failed_cards_come_back_as_same_day_repeats_after_the_rest(store):
    store.sync([deck("a", note("n1", line=1), note("n2", line=2))], ["/decks"])
    store.grade("n1:0", Grade.WRONG_EASY, now=NOW, today=TODAY)
    assert store.queue(TODAY) == ["n2:0", "n1:0"]
    assert store.due_counts(TODAY) == [DeckCounts(new=1, repeat=1, review=0, deck="a")]
    store.grade("n1:0", Grade.HARD, now=NOW, today=TODAY, kind="repeat")
    assert store.queue(TODAY) == ["n2:0", "n1:0"]
    store.grade("n1:0", Grade.GOOD, now=NOW, today=TODAY, kind="repeat")
    assert store.queue(TODAY) == ["n2:0"]
    # tomorrow the lapsed card is a due review again
    assert store.queue(TODAY + timedelta(days=1))[0] == "n1:0"


def test_siblings_are_buried_once_one_is_seen(store):
    store.sync(
        [
            deck(
                "a",
                note("r", CardKind.REVERSIBLE, line=1),
                note("z", CardKind.CLOZE, line=2, cloze_numbers=(1, 2, 3)),
            )
        ],
        ["/decks"],
    )
    assert store.queue(TODAY) == ["r:0", "z:1"]
    assert store.due_counts(TODAY) == [DeckCounts(new=2, deck="a")]
    store.grade("r:0", Grade.PERFECT, now=NOW, today=TODAY)
    assert store.queue(TODAY) == ["z:1"]
    tomorrow = TODAY + timedelta(days=1)
    # r:0 is due tomorrow, so its sibling r:1 waits until a day r:0 is not seen
    assert store.queue(tomorrow) == ["r:0", "z:1"]
    store.grade("r:0", Grade.PERFECT, now=NOW, today=tomorrow)
    assert store.queue(tomorrow + timedelta(days=1)) == ["r:1", "z:1"]


def test_suspended_buried_and_removed_cards_never_come(store):
    store.sync([deck("a", note("n1"), note("n2"), note("n3"), note("n4"))], ["/decks"])
    store.suspend("n1:0")
    store.bury("n2:0", TODAY + timedelta(days=1))
    store.sync([deck("a", note("n1"), note("n2"), note("n4"))], ["/decks"])
    assert store.queue(TODAY) == ["n4:0"]
    assert store.queue(TODAY + timedelta(days=1)) == ["n2:0", "n4:0"]
    store.unsuspend("n1:0")
    store.unbury("n2:0")
    assert store.queue(TODAY) == ["n1:0", "n2:0", "n4:0"]


def test_queue_filters_by_deck_with_sub_decks_and_by_tag(store):
    store.sync(
        [
            deck("ml", note("m1", tags=("vi",))),
            deck("ml::prob", note("p1")),
            deck("mlx", note("x1", tags=("vi",))),
        ],
        ["/decks"],
    )
    assert store.queue(TODAY, decks=["ml"]) == ["m1:0", "p1:0"]
    assert store.queue(TODAY, tags=["vi"]) == ["m1:0", "x1:0"]
    assert store.queue(TODAY, decks=["ml"], tags=["vi"]) == ["m1:0"]


def test_accepted_answers(store):
    store.sync([deck("a", note("m", CardKind.MATH))], ["/decks"])
    assert store.add_accepted_answer("m:0", " 2*x ", now=NOW)
    assert not store.add_accepted_answer("m:0", "2*x", now=NOW)
    with pytest.raises(FlashcardsError):
        store.add_accepted_answer("m:0", "  ")
    [answer] = store.accepted_answers("m:0")
    assert answer.text == "2*x" and answer.added_at == NOW
    assert store.accepted_answers("other:0") == []
    assert len(store.accepted_answers()) == 1


def test_in_memory_store_for_tests_and_pilot():
    with Store("sqlite://") as s:
        s.sync([deck("a", note("n1"))], ["/decks"])
        assert s.queue(TODAY) == ["n1:0"]


def test_select_runs_read_queries_over_the_tables(store):
    from flashcards.store import CARDS

    store.sync([deck("a", note("n1"), note("n2")), deck("b", note("n3"))], ["/decks"])
    rows = store.select(
        sa.select(CARDS.c.deck, sa.func.count()).group_by(CARDS.c.deck).order_by(CARDS.c.deck)
    )
    assert [tuple(r) for r in rows] == [("a", 2), ("b", 1)]


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)  # a file on disk
def test_a_copy_is_taken_before_migrating(store, tmp_path):
    store.sync([deck("a", note("n1"))], ["/decks"])
    store.grade("n1:0", Grade.GOOD, now=NOW, today=TODAY)
    copy = store._backup_before_migration("0000", tmp_path / "backups")
    assert copy is not None and copy.parent == tmp_path / "backups"
    assert "before-" in copy.name and "from-0000" in copy.name
    with Store(f"sqlite:///{copy}") as old:
        assert [e.grade for e in old.review_log()] == [4]
        assert old.integrity_ok()


def test_bulk_import_of_states_and_log(store):
    from flashcards.store import LogEntry

    store.sync([deck("a", note("n1"), note("n2"))], ["/decks"])
    state = ReviewState(3, 15, 260, TODAY, 1)
    assert store.import_states({"n1:0": state}) == 1
    assert store.state("n1:0") == state
    entry = LogEntry(
        0, "n1:0", NOW, TODAY, "review", 5, None, None, 4.0, ReviewState(), state, False, False
    )
    assert store.import_log([entry, entry]) == 2
    assert [e.after for e in store.review_log("n1:0")] == [state, state]


def test_bulk_import_of_the_log_stores_what_a_grade_row_stores(store):
    """`import_log`'s fast insert keeps every column as SQLAlchemy's insert stores it."""
    from datetime import timezone

    from flashcards.store import _INSERT_LOG, LogEntry
    from flashcards.store.tables import LOG, log_values

    store.sync([deck("a", note("n1"), note("n2"))], ["/decks"])
    state = ReviewState(3, 15, 260, TODAY, 1)
    away = datetime(2024, 3, 31, 1, 30, 15, 250, tzinfo=timezone(timedelta(hours=-7)))
    entries = [
        LogEntry(0, "n1:0", NOW, TODAY, "review", 5, None, None, 4.0, ReviewState(), state, False, False),
        LogEntry(0, "n2:0", away, TODAY, "repeat", 1, "x^2", "wrong", None, state, state, True, True),
        LogEntry(0, "n1:0", NOW.replace(tzinfo=None), TODAY, "practice", 3, "", None, 0.5,
                 state, ReviewState(), True, False),
    ]  # fmt: skip
    assert store.import_log(entries) == 3
    with store._tx(write=True) as conn:
        columns = [c.name for c in LOG.c if c.name != "id"]
        query = f"SELECT {', '.join(columns)} FROM review_log ORDER BY id"
        fast = conn.exec_driver_sql(query).fetchall()
        conn.execute(sa.delete(LOG))
        conn.execute(_INSERT_LOG, [log_values(e) for e in entries])
        assert conn.exec_driver_sql(query).fetchall() == fast
    assert store.review_log()[1].reviewed_at == away
    assert [e.leech for e in store.review_log()] == [False, True, True]


ops = st.lists(
    st.tuples(
        st.sampled_from(["a:0", "b:0", "r:0", "r:1"]),
        st.integers(0, 5),
        st.sampled_from(["review", "review", "repeat", "practice", "undo"]),
        st.integers(0, 8),
    ),
    max_size=25,
)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(ops)
def test_every_card_state_equals_a_replay_of_its_log(sequence):
    from flashcards.scheduler import schedule

    with Store("sqlite://") as s:
        s.sync([deck("d", note("a"), note("b"), note("r", CardKind.REVERSIBLE))], ["/decks"])
        today = TODAY
        for card, grade, kind, gap in sequence:
            if kind == "undo":
                s.undo_last(today)
            else:
                s.grade(card, grade, now=NOW, today=today, kind=kind)
            today += timedelta(days=gap)
        for card in s.card_ids():
            replayed = ReviewState()
            for e in s.review_log(card, include_undone=False):
                if e.kind == "review":
                    assert e.before == replayed
                    replayed = schedule(replayed, e.grade, e.study_day)
            assert s.state(card) == replayed


def test_a_file_that_is_not_a_database_is_a_clear_error(tmp_path):
    path = tmp_path / "notes.txt"
    path.write_text("hello, this is not SQLite\n" * 100)
    with pytest.raises(FlashcardsError, match="not a database"):
        Store(f"sqlite:///{path}")


def test_a_read_only_collection_gives_a_clear_error_on_grade(tmp_path):
    url = f"sqlite:///{tmp_path / 'c.db'}"
    with Store(url) as s:
        s.sync([deck("a", note("n1"))], ["/decks"])
    read_only = f"sqlite:///file:{tmp_path / 'c.db'}?mode=ro&uri=true"
    with Store(read_only) as s, pytest.raises(FlashcardsError, match="readonly"):
        s.grade("n1:0", 4, now=NOW, today=TODAY)


def test_a_database_copy_that_fails_leaves_no_connection_open(tmp_path, monkeypatch):
    import sqlite3

    from flashcards.store import copy_database

    source = tmp_path / "c.sqlite3"
    Store(f"sqlite:///{source}").close()
    opened = []
    real_connect = sqlite3.connect

    def connect(*args, **kwargs):
        conn = real_connect(*args, **kwargs)
        opened.append(conn)
        return conn

    monkeypatch.setattr(sqlite3, "connect", connect)
    with pytest.raises(sqlite3.Error):
        copy_database(source, tmp_path / "no such folder" / "copy.sqlite3")
    assert opened
    for conn in opened:
        with pytest.raises(sqlite3.ProgrammingError):
            conn.execute("SELECT 1")


def test_studied_states_holds_every_studied_card_and_no_new_one(tmp_path):
    from flashcards.grades import Grade
    from flashcards.parsing import parse_deck

    deck, _ = parse_deck("a :: b\nc :: d\n", tmp_path / "d.md")
    store = Store("sqlite://")
    store.sync([deck], [str(tmp_path)])
    first, second = (card.id for card in deck.cards)
    today = date(2026, 11, 26)
    store.grade(
        first, Grade.GOOD, now=datetime(2026, 11, 26, 12, tzinfo=UTC), today=today, kind="review"
    )
    assert store.studied_states() == {first: store.state(first)}
    assert second not in store.studied_states()
    store.close()


def test_cards_reads_many_rows_at_once_and_leaves_out_unknown_ids(store):
    store.sync([deck("a", *(note(f"n{i:04}", line=i + 1) for i in range(1200)))], ["/decks"])
    due(store, "n0700:0", 3)
    ids = [f"n{i:04}:0" for i in range(1200)]
    found = store.cards([*ids, "nope:0"])
    assert sorted(found) == ids  # more ids than one IN (...) list takes
    assert found["n0700:0"] == store.card("n0700:0")
    assert found["n0700:0"].state.due == TODAY - timedelta(days=3)
    assert found["n0001:0"].line == 2 and found["n0001:0"].deck == "a"
    with pytest.raises(FlashcardsError, match="no card 'nope:0'"):
        store.card("nope:0")
