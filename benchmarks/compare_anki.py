"""flashcards and Anki's own backend side by side, on the same synthetic collections.

Builds each collection (10,000 and 100,000 cards by default: ~40% new, 50% in review due over
a year, 10% lapsed, ~10 review-log rows per reviewed card, in eight decks; one lapsed card in
ten was failed today, the others on the days before) in both programs, then times the same
work in each: today's queue and the due counts per deck, under Anki's default daily limits
(20 new, 200 reviews) and under the highest it takes (9,999), and answering 100 cards, under
SM-2 and again under FSRS (each program switched to it untimed beforehand, memory states
computed from the same review log); plus work only flashcards does (sync, export, math
checks, first screen). Every figure is the median of `--repeat` runs after a warm-up, and
(SM-2 rows) of that over `--rounds` rounds in which the two programs take turns. Each side
runs in a process of its own, so that its peak memory is its own.

Usage: python benchmarks/compare_anki.py [--sizes 10000,100000] [--repeat 5] [--rounds 3]
       [--clock wall|cpu] [--quick]
Writes the table as JSON to benchmarks/results/compare_anki.json (see --out).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from anki_collection import (  # noqa: E402
    PARENT_DECK,
    SyntheticCard,
    build_anki,
    check_anki,
    set_limits,
    synthetic_cards,
)
from collection import median_ms as shared_median_ms  # noqa: E402

DEFAULT_OUT = HERE / "results" / "compare_anki.json"
#: (name, new per day, reviews per day): Anki's default daily limits, and the highest it takes.
LIMITS = (("20/200 a day", 20, 200), ("9,999 a day", 9_999, 9_999))
ANSWERS = 100
DECKS = 8
#: The smallest collection whose queue under the 20/200 limits holds 100 cards to answer.
MIN_SIZE = 1_000


# --- timing ----------------------------------------------------------------------------------


#: The environment variable that carries `--clock` to the worker processes.
CLOCK_VARIABLE = "COMPARE_ANKI_CLOCK"


def median_ms(
    work: Callable[[], Any], repeat: int, setup: Callable[[], Any] | None = None
) -> float:
    """The median time of `work` in ms over `repeat` runs after one warm-up run (each run
    on a large collection is slow); `setup` runs untimed before every run.

    Wall time, or with `--clock cpu` the CPU time of this process (all its threads): on a
    machine shared with other work, the time the process waits for a core is left out, for
    both programs alike (waits for the disk are left out too).
    """
    if os.environ.get(CLOCK_VARIABLE, "wall") != "cpu":
        return shared_median_ms(work, repeat, warmup=1, setup=setup)
    times = []
    for i in range(1 + repeat):
        if setup is not None:
            setup()
        start = time.process_time()
        work()
        if i >= 1:
            times.append(time.process_time() - start)
    return statistics.median(times) * 1000


def peak_mb() -> float:
    """This process's peak resident memory in MB (Linux reports kB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


# --- flashcards ------------------------------------------------------------------------------


def _note_id(card: SyntheticCard) -> str:
    return f"n{card.index:06}"


def build_flashcards(path: Path, cards: Sequence[SyntheticCard], today: date) -> None:
    """Write `cards` into a new flashcards store at `path` through the store's own API: sync
    their decks, then import each card's state and review log in bulk."""
    from flashcards.cards import CardKind, Deck, Note
    from flashcards.scheduler import ReviewState
    from flashcards.store import LogEntry, Store

    by_deck: dict[str, list[Note]] = {}
    for c in cards:
        notes = by_deck.setdefault(c.deck, [])
        line = len(notes) * 4 + 1
        notes.append(
            Note(_note_id(c), CardKind.BASIC, c.front, c.back, line, line + 2, explicit_id=True)
        )
    root = Path("/bench-decks")
    decks = [
        Deck(name, root / (name.replace("::", "/") + ".md"), notes=tuple(notes))
        for name, notes in sorted(by_deck.items())
    ]
    states: dict[str, ReviewState] = {}
    log: list[LogEntry] = []
    for c in cards:
        if c.state == "new":
            continue
        cid = f"{_note_id(c)}:0"
        before = ReviewState()
        for r in c.log:
            day = today - timedelta(days=r.days_ago)
            failed = r.grade < 3
            interval = max(1, r.interval)
            after = ReviewState(
                repetitions=0 if failed else before.repetitions + 1,
                interval_days=interval,
                ease_pct=r.ease_pct,
                due=day + timedelta(days=interval),
                lapses=before.lapses + failed,
            )
            at = datetime(day.year, day.month, day.day, 9, tzinfo=UTC) + timedelta(
                seconds=len(log) % 36_000
            )
            log.append(
                LogEntry(0, cid, at, day, "review", r.grade, None, None, 8.0, before, after,
                         False, False)
            )  # fmt: skip
            before = after
        if c.state == "review":
            due = today + timedelta(days=c.due_in)
            states[cid] = ReviewState(c.repetitions, c.interval, c.ease_pct, due, c.lapses)
        else:
            # Failed: SM-2 starts again, due the day after (a card failed today also comes
            # back today under the same-day rule).
            due = today - timedelta(days=c.log[-1].days_ago - 1)
            states[cid] = ReviewState(0, 1, c.ease_pct, due, c.lapses)
    with Store(f"sqlite:///{path}") as store:
        store.sync(decks, [root])
        store.import_states(states)
        store.import_log(log)


def time_flashcards(path: Path, today: date, repeat: int) -> dict[str, Any]:
    """Time the shared work on the store at `path`; return timings and what was done."""
    from flashcards.config import Limits
    from flashcards.store import Store

    out: dict[str, Any] = {"ms": {}, "work": {}}
    store = Store(f"sqlite:///{path}")
    try:
        for name, new, reviews in LIMITS:
            limits = Limits(new_per_day=new, reviews_per_day=reviews)
            out["ms"][f"queue ({name})"] = median_ms(
                lambda limits=limits: store.queue(today, limits=limits), repeat
            )
            out["ms"][f"due counts ({name})"] = median_ms(
                lambda limits=limits: store.due_counts(today, limits), repeat
            )
            out["work"][f"queue ({name})"] = len(store.queue(today, limits=limits))
            out["work"][f"due counts ({name})"] = {
                c.deck: [c.new, c.repeat, c.review] for c in store.due_counts(today, limits)
            }
    finally:
        store.close()
    out["ms"]["answer 100 cards"], out["work"]["answers"] = time_flashcards_answers(
        path, today, repeat
    )
    out["peak_mb"] = peak_mb()
    return out


def time_flashcards_answers(path: Path, today: date, repeat: int) -> tuple[float, float]:
    """Grade the first 100 cards of today's queue, each run on a fresh copy of the collection;
    return the median ms and the review-log rows added per run."""
    import sqlalchemy as sa

    from flashcards.store import LOG

    def added(store: Any, last: int) -> int:
        with store.reading() as conn:
            return int(conn.execute(sa.select(sa.func.count()).where(LOG.c.id > last)).scalar())

    ms, runs = _time_flashcards_grading(path, "answering.sqlite3", today, repeat, 4, added)
    return ms, statistics.mean(runs)


def _time_flashcards_grading(
    path: Path,
    copy_name: str,
    today: date,
    repeat: int,
    grade: int,
    measure: Callable[[Any, int], Any],
    scheduling: Any = None,
) -> tuple[float, list[Any]]:
    """Grade the first 100 cards of today's queue `grade`, one commit each, every run on a
    fresh copy of the store at `path` opened with `scheduling`; return the median ms and,
    per run, `measure(store, id of the last log row before the run)`."""
    from flashcards.config import Limits
    from flashcards.store import Store, copy_database

    now = datetime.now(UTC)
    copy = path.with_name(copy_name)
    session: dict[str, Any] = {}
    runs: list[Any] = []

    def open_copy() -> None:
        close()
        copy_database(path, copy)
        # Opened with the settings the copy was made under: nothing is replayed (one query).
        store = Store(f"sqlite:///{copy}", scheduling=scheduling)
        session.update(store=store, queue=store.queue(today, limits=Limits())[:ANSWERS])
        session["last"] = _flashcards_last_log_id(store)

    def close() -> None:
        store = session.pop("store", None)
        if store is not None:
            runs.append(measure(store, session["last"]))
            store.close()
        for leftover in path.parent.glob(copy.name + "*"):
            leftover.unlink()

    def answer() -> None:
        store = session["store"]
        for cid in session["queue"]:
            store.grade(cid, grade, now=now, today=today)

    try:
        ms = median_ms(answer, repeat, setup=open_copy)
    finally:
        close()
    return ms, runs


# --- Anki ------------------------------------------------------------------------------------


def time_anki(path: Path, repeat: int) -> dict[str, Any]:
    """Time the shared work on the Anki collection at `path`; return timings and what was done."""
    from anki.collection import Collection

    out: dict[str, Any] = {"ms": {}, "work": {}}
    col = Collection(str(path))
    try:
        parent = col.decks.id_for_name(PARENT_DECK)
        default_deck = 1

        def fresh_queue() -> None:
            # Anki keeps the queue it built until the deck or the cards change: switching decks
            # makes the next call build it again, which is the work being timed.
            col.decks.select(default_deck)
            col.sched.get_queued_cards(fetch_limit=1)
            col.decks.select(parent)

        for name, new, reviews in LIMITS:
            set_limits(col, new, reviews)
            out["ms"][f"queue ({name})"] = median_ms(
                lambda: col.sched.get_queued_cards(fetch_limit=1), repeat, setup=fresh_queue
            )
            out["ms"][f"due counts ({name})"] = median_ms(col.sched.deck_due_tree, repeat)
            fresh_queue()
            queued = col.sched.get_queued_cards(fetch_limit=1)
            out["work"][f"queue ({name})"] = (
                queued.new_count + queued.learning_count + queued.review_count
            )
            tree = col.sched.deck_due_tree()
            counts = {}
            for top in tree.children:
                for child in top.children:
                    # flashcards has no interday learning: a card failed on an earlier day is a
                    # review due today, so those count with the reviews here.
                    counts[f"{top.name}::{child.name}"] = [
                        child.new_count,
                        child.intraday_learning,
                        child.learn_count - child.intraday_learning + child.review_count,
                    ]
            out["work"][f"due counts ({name})"] = counts
    finally:
        col.close()
    out["ms"]["answer 100 cards"], out["work"]["answers"] = time_anki_answers(path, repeat)
    out["peak_mb"] = peak_mb()
    return out


def time_anki_answers(path: Path, repeat: int) -> tuple[float, float]:
    """Answer the first 100 cards of today's queue (Good), each run on a fresh copy of the
    collection; return the median ms and the review-log rows added per run."""
    # isort: off
    from anki.collection import Collection  # first: importing anki.cards first is circular
    from anki.cards import Card
    from anki.scheduler.v3 import CardAnswer

    # isort: on

    copy = path.with_name("answering.anki2")
    session: dict[str, Any] = {}
    added: list[int] = []

    def open_copy() -> None:
        close()
        shutil.copyfile(path, copy)
        col = Collection(str(copy))
        set_limits(col, 20, 200)
        col.decks.select(col.decks.id_for_name(PARENT_DECK))
        col.sched.get_queued_cards(fetch_limit=1)  # today's queue, built before the clock runs
        session.update(col=col, rows=col.db.scalar("select count() from revlog"))

    def close() -> None:
        col = session.pop("col", None)
        if col is not None:
            added.append(col.db.scalar("select count() from revlog") - session["rows"])
            col.close()
        for leftover in path.parent.glob(copy.name + "*"):
            leftover.unlink()

    def answer() -> None:
        col = session["col"]
        for _ in range(ANSWERS):
            queued = col.sched.get_queued_cards(fetch_limit=1).cards[0]
            card = Card(col)
            card._load_from_backend_card(queued.card)
            card.start_timer()
            col.sched.answer_card(
                col.sched.build_answer(card=card, states=queued.states, rating=CardAnswer.GOOD)
            )

    try:
        ms = median_ms(answer, repeat, setup=open_copy)
    finally:
        close()
    return ms, statistics.mean(added)


def set_anki_today_counts(path: Path, cards: Sequence[SyntheticCard]) -> None:
    """Record in Anki's decks the reviews done today, as answering them in Anki would have.

    flashcards counts today's review-log rows against the daily limits; Anki keeps a count in
    each deck (and its parents) instead, which rows written directly do not update.
    """
    from anki.collection import Collection

    col = Collection(str(path))
    try:
        today = col.sched.today
        done: dict[str, int] = {}
        for c in cards:
            if c.log and c.log[-1].days_ago == 0:
                for name in (c.deck, PARENT_DECK):
                    done[name] = done.get(name, 0) + 1
        for name, count in done.items():
            deck = col.decks.by_name(name)
            deck["revToday"] = [today, count]
            col.decks.save(deck)
    finally:
        col.close()


# --- FSRS on both sides ----------------------------------------------------------------------

#: The probability of recall both programs schedule for under FSRS (Anki's default, ours too).
FSRS_RETENTION = 0.9


def fsrs_paths(folder: Path, size: int) -> tuple[Path, Path]:
    """The copies of a size's two collections switched to FSRS: (Anki's, flashcards')."""
    return folder / f"anki-fsrs-{size}.anki2", folder / f"flashcards-fsrs-{size}.sqlite3"


def switch_anki_to_fsrs(source: Path, target: Path) -> dict[str, Any]:
    """Copy the Anki collection at `source` to `target` and turn FSRS on there as Anki's deck
    options screen does: one `update_deck_configs` call with `fsrs` on, desired retention
    0.9 and default parameters, which computes every reviewed card's memory state from its
    review log and reschedules the cards in review ("reschedule cards on change").

    Returns the seconds it took and the cards that got a memory state.
    """
    from anki.collection import Collection
    from anki.decks import UpdateDeckConfigs, UpdateDeckConfigsMode

    shutil.copyfile(source, target)
    col = Collection(str(target))
    try:
        parent = col.decks.id_for_name(PARENT_DECK)
        current = col.decks.get_deck_configs_for_update(parent)
        chosen = current.current_deck.config_id
        config = next(c.config for c in current.all_config if c.config.id == chosen)
        config.config.desired_retention = FSRS_RETENTION
        started = time.perf_counter()
        col.decks.update_deck_configs(
            UpdateDeckConfigs(
                target_deck_id=parent,
                configs=[config],
                mode=UpdateDeckConfigsMode.UPDATE_DECK_CONFIGS_MODE_NORMAL,
                card_state_customizer=current.card_state_customizer,
                limits=current.current_deck.limits,
                new_cards_ignore_review_limit=current.new_cards_ignore_review_limit,
                apply_all_parent_limits=current.apply_all_parent_limits,
                fsrs=True,
                fsrs_reschedule=True,
                fsrs_health_check=False,
            )
        )
        seconds = time.perf_counter() - started
        _require(col.get_config("fsrs") is True, "Anki did not turn FSRS on")
        # A card's memory state is kept in its data (JSON, empty for a card never studied).
        with_memory = sum('"s":' in data for data in col.db.list("select data from cards"))
        reviewed = col.db.scalar("select count() from cards where type != 0")
    finally:
        col.close()
    _require(with_memory == reviewed > 0, f"{with_memory} of {reviewed} cards have a memory state")
    return {"s": seconds, "cards_with_memory": with_memory}


def switch_flashcards_to_fsrs(source: Path, target: Path) -> dict[str, Any]:
    """Copy the store at `source` to `target` and switch it to FSRS as the `scheduler =
    "fsrs"` setting does: every reviewed card's memory state and due date replayed from
    its review log (default parameters, desired retention 0.9).

    Returns the seconds it took and the cards that got a memory state.
    """
    import sqlalchemy as sa

    from flashcards.config import Scheduling
    from flashcards.store import CARDS, Store, copy_database

    copy_database(source, target)
    with Store(f"sqlite:///{target}") as store:
        started = time.perf_counter()
        replayed = store.switch_scheduler(Scheduling("fsrs", desired_retention=FSRS_RETENTION))
        seconds = time.perf_counter() - started
        with store.reading() as conn:
            with_memory = conn.execute(
                sa.select(sa.func.count()).where(CARDS.c.fsrs_stability.is_not(None))
            ).scalar()
    _require(with_memory == replayed > 0, f"{with_memory} of {replayed} cards have a memory state")
    return {"s": seconds, "cards_with_memory": with_memory}


def compare_memory_states(anki_path: Path, flashcards_path: Path) -> dict[str, Any]:
    """How far apart the two programs' memory states are, card by card, after the switch:
    the cards compared, and the largest relative difference in stability and absolute
    difference in difficulty (Anki keeps stability to 4 decimals, difficulty to 3)."""
    import sqlite3
    from contextlib import closing

    anki: dict[str, tuple[float, float]] = {}
    with closing(sqlite3.connect(f"file:{anki_path}?mode=ro", uri=True)) as db:
        query = "select n.guid, c.data from cards c join notes n on n.id = c.nid"
        for guid, data in db.execute(query):
            memory = json.loads(data) if data else {}
            if "s" in memory:
                anki[f"n{int(guid.removeprefix('bench')):06}:0"] = (memory["s"], memory["d"])
    ours: dict[str, tuple[float, float]] = {}
    with closing(sqlite3.connect(f"file:{flashcards_path}?mode=ro", uri=True)) as db:
        query = "select id, fsrs_stability, fsrs_difficulty from cards"
        for cid, stability, difficulty in db.execute(query + " where fsrs_stability is not null"):
            ours[cid] = (stability, difficulty)
    both = anki.keys() & ours.keys()
    return {
        "anki_only": len(anki.keys() - both),
        "flashcards_only": len(ours.keys() - both),
        "compared": len(both),
        "max_stability_rel_diff": max(
            (abs(ours[c][0] - anki[c][0]) / anki[c][0] for c in both), default=0.0
        ),
        "max_difficulty_diff": max((abs(ours[c][1] - anki[c][1]) for c in both), default=0.0),
    }


def time_anki_fsrs_answers(path: Path, repeat: int) -> dict[str, Any]:
    """Answer the first 100 cards of today's queue Good under FSRS in the collection at `path`
    (switched by `switch_anki_to_fsrs`), each run on a fresh copy; return the median ms and,
    per run, the review-log rows added and the answered cards whose memory state FSRS set
    (and changed)."""
    # isort: off
    from anki.collection import Collection  # first: importing anki.cards first is circular
    from anki.cards import Card
    from anki.scheduler.v3 import CardAnswer

    # isort: on

    copy = path.with_name("answering-fsrs.anki2")
    session: dict[str, Any] = {}
    runs: list[dict[str, int]] = []

    def open_copy() -> None:
        close()
        shutil.copyfile(path, copy)
        col = Collection(str(copy))
        col.decks.select(col.decks.id_for_name(PARENT_DECK))
        col.sched.get_queued_cards(fetch_limit=1)  # today's queue, built before the clock runs
        session.update(col=col, rows=col.db.scalar("select count() from revlog"), before={})

    def close() -> None:
        col = session.pop("col", None)
        if col is not None:
            before = session["before"]
            after = {cid: Card(col, cid).memory_state for cid in before}
            runs.append(
                {
                    "answers": col.db.scalar("select count() from revlog") - session["rows"],
                    "with_memory": sum(m is not None for m in after.values()),
                    "memory_changed": sum(
                        m is not None and m != before[cid] for cid, m in after.items()
                    ),
                }
            )
            col.close()
        for leftover in path.parent.glob(copy.name + "*"):
            leftover.unlink()

    def answer() -> None:
        col, before = session["col"], session["before"]
        for _ in range(ANSWERS):
            queued = col.sched.get_queued_cards(fetch_limit=1).cards[0]
            card = Card(col)
            card._load_from_backend_card(queued.card)
            before[card.id] = card.memory_state  # a field already read: no work timed
            card.start_timer()
            col.sched.answer_card(
                col.sched.build_answer(card=card, states=queued.states, rating=CardAnswer.GOOD)
            )

    col = Collection(str(path))
    try:
        _require(col.get_config("fsrs") is True, f"{path}: FSRS is off")
    finally:
        col.close()
    try:
        ms = median_ms(answer, repeat, setup=open_copy)
    finally:
        close()
    return {"ms": ms, **_fsrs_work(runs)}


def time_flashcards_fsrs_answers(path: Path, today: date, repeat: int) -> dict[str, Any]:
    """Grade the first 100 cards of today's queue Good (FSRS's button 3: SM-2 grade 4 in the
    log) under FSRS in the store at `path` (switched by `switch_flashcards_to_fsrs`), each run
    on a fresh copy; return the median ms and, per run, the review-log rows added and those
    whose card's memory state FSRS set (and changed)."""
    import sqlalchemy as sa

    from flashcards.config import Scheduling
    from flashcards.fsrs_model import FSRS_TO_SM2, GOOD
    from flashcards.store import LOG

    if not path.exists():
        raise FileNotFoundError(f"{path}: not switched to FSRS (the fsrs-switch step)")

    def memory_work(store: Any, last: int) -> dict[str, int]:
        changed = sa.or_(
            LOG.c.before_stability.is_(None),
            LOG.c.after_stability != LOG.c.before_stability,
            LOG.c.after_difficulty != LOG.c.before_difficulty,
        )
        with store.reading() as conn:
            answers, with_memory, memory_changed = conn.execute(
                sa.select(
                    sa.func.count(),
                    sa.func.count(LOG.c.after_stability),
                    sa.func.count(LOG.c.after_stability).filter(changed),
                ).where(LOG.c.id > last)
            ).one()
        return {"answers": answers, "with_memory": with_memory, "memory_changed": memory_changed}

    ms, runs = _time_flashcards_grading(
        path,
        "answering-fsrs.sqlite3",
        today,
        repeat,
        FSRS_TO_SM2[GOOD],
        memory_work,
        Scheduling("fsrs", desired_retention=FSRS_RETENTION),
    )
    return {"ms": ms, **_fsrs_work(runs)}


def _flashcards_last_log_id(store: Any) -> int:
    """The id of the store's last review-log row (0 when it has none)."""
    import sqlalchemy as sa

    from flashcards.store import LOG

    with store.reading() as conn:
        return int(conn.execute(sa.select(sa.func.max(LOG.c.id))).scalar() or 0)


def _fsrs_work(runs: Sequence[dict[str, int]]) -> dict[str, Any]:
    """What the FSRS answering runs did, the same in each (checked): answers recorded, and
    answered cards with a memory state after, and with one FSRS moved."""
    _require(bool(runs) and all(r == runs[0] for r in runs), f"the runs differ: {runs}")
    work = dict(runs[0])
    _require(work["answers"] == work["with_memory"] == ANSWERS, f"not FSRS answers: {work}")
    _require(work["memory_changed"] > 0, f"FSRS moved no memory state: {work}")
    return work


def _require(condition: bool, message: str) -> None:
    """Stop the benchmark when a side did not do the work it is timed for."""
    if not condition:
        raise RuntimeError(message)


# --- flashcards alone --------------------------------------------------------------------------


def time_flashcards_alone(workdir: Path, cards: int, repeat: int) -> dict[str, Any]:
    """Work only flashcards does: sync (cold, unchanged) and export of `cards` deck cards."""
    from bench_parse import generate

    from flashcards.store import Store
    from flashcards.sync import sync_paths

    out: dict[str, Any] = {"ms": {}, "work": {}}
    decks = workdir / "decks"
    generate(decks, cards, max(1, cards // 100))
    counter = iter(range(10**6))
    stores: list[Any] = []

    def fresh_store() -> None:
        for s in stores:
            s.close()
        stores[:] = [Store(f"sqlite:///{workdir / f'sync{next(counter)}.sqlite3'}")]

    def sync() -> None:
        stores[0].sync_report = sync_paths(stores[0], [decks])

    out["ms"]["sync decks (cold)"] = median_ms(sync, repeat, setup=fresh_store)
    out["work"]["synced"] = stores[0].sync_report.added
    out["ms"]["sync decks (unchanged)"] = median_ms(sync, repeat)
    for s in stores:
        s.close()

    from flashcards.decks import load_decks
    from flashcards.export import write_apkg

    loaded, _ = load_decks([decks])
    target = workdir / "export.apkg"
    out["ms"]["export to .apkg"] = median_ms(lambda: write_apkg(loaded, target), repeat)
    out["work"]["exported"] = sum(len(d.cards) for d in loaded)
    checks = time_math_checks(1 if cards < 1000 else 3)
    out["ms"]["math check (median)"] = checks["median"]
    out["ms"]["math check (99th percentile)"] = checks["p99"]
    out["work"]["math checks"] = checks["count"]
    out["work"]["math checks as expected"] = checks["as_expected"]
    out["ms"]["first card on screen"] = time_first_screen(workdir, cards, repeat)
    out["peak_mb"] = peak_mb()  # the checker's worker and the study app are processes of their own
    return out


def time_math_checks(passes: int) -> dict[str, float]:
    """Median and 99th percentile of `check_answer` (through the worker process, as the study
    app calls it) over the answer benchmark's evaluation set, `passes` times."""
    sys.path.insert(0, str(HERE.parent / "tests"))
    from answer_eval import CASES
    from bench_answers import outcome, percentile

    from flashcards.answers import check_answer

    check_answer("2x", "x + x")  # start the worker and load sympy in it: not a check's cost
    times: list[float] = []
    as_expected = 0
    for n in range(passes):
        for case in CASES:
            started = time.perf_counter()
            verdict = check_answer(case.expected, case.given, **case.options)
            times.append((time.perf_counter() - started) * 1000)
            if n == 0:
                as_expected += outcome(verdict) == case.verdict
    return {
        "median": statistics.median(times),
        "p99": percentile(times, 0.99),
        "count": len(times),
        "as_expected": as_expected / len(CASES),
    }


def time_first_screen(workdir: Path, cards: int, repeat: int) -> float:
    """Median ms from starting `flashcards study` on a synced collection of `cards` deck cards
    until its first screen with today's counts is drawn (the start-up benchmark's measure)."""
    from bench_startup import FIRST_SCREEN, STUDY, run_in_pty, study_setup

    env, _, _ = study_setup(workdir / "startup", cards)
    # wall time whatever the clock: the app runs in a process of its own
    return shared_median_ms(lambda: run_in_pty(STUDY, env, FIRST_SCREEN), repeat, warmup=1)


# --- driver ----------------------------------------------------------------------------------


def _worker(args: argparse.Namespace) -> int:
    """One step in a process of its own; prints its result as JSON."""
    size, workdir, repeat = args.size, Path(args.workdir), args.repeat
    today = date.fromisoformat(args.today)
    result: dict[str, Any] = {}
    if args.worker == "build":
        cards = synthetic_cards(size, DECKS)
        started = time.perf_counter()
        anki = build_anki(workdir / f"anki-{size}.anki2", cards)
        problems = check_anki(anki) if size <= 20_000 else []
        anki.close()
        set_anki_today_counts(workdir / f"anki-{size}.anki2", cards)
        built_anki = time.perf_counter()
        build_flashcards(workdir / f"flashcards-{size}.sqlite3", cards, today)
        result = {
            "anki_build_s": built_anki - started,
            "flashcards_build_s": time.perf_counter() - built_anki,
            "anki_check": problems,
        }
    elif args.worker == "anki":
        result = time_anki(workdir / f"anki-{size}.anki2", repeat)
    elif args.worker == "flashcards":
        result = time_flashcards(workdir / f"flashcards-{size}.sqlite3", today, repeat)
    elif args.worker == "alone":
        result = time_flashcards_alone(workdir, size, repeat)
    elif args.worker == "fsrs-switch":
        anki_fsrs, fc_fsrs = fsrs_paths(workdir, size)
        result = {
            "anki": switch_anki_to_fsrs(workdir / f"anki-{size}.anki2", anki_fsrs),
            "flashcards": switch_flashcards_to_fsrs(
                workdir / f"flashcards-{size}.sqlite3", fc_fsrs
            ),
            "memory_states": compare_memory_states(anki_fsrs, fc_fsrs),
        }
    elif args.worker == "fsrs-anki":
        result = time_anki_fsrs_answers(fsrs_paths(workdir, size)[0], repeat)
    elif args.worker == "fsrs-flashcards":
        result = time_flashcards_fsrs_answers(fsrs_paths(workdir, size)[1], today, repeat)
    print(json.dumps(result, default=str))
    return 0


def _run_worker(step: str, size: int, workdir: Path, repeat: int, today: date) -> dict[str, Any]:
    cmd = [
        sys.executable,
        str(Path(__file__).resolve()),
        "--worker",
        step,
        "--size",
        str(size),
        "--workdir",
        str(workdir),
        "--repeat",
        str(repeat),
        "--today",
        today.isoformat(),
    ]
    done = subprocess.run(cmd, capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"{step} {size} failed:\n{done.stderr}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def _timed_rounds(
    size: int,
    folder: Path,
    repeat: int,
    today: date,
    rounds: int,
    progress: Callable[[str], None],
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Time both programs `rounds` times, taking turns, each time in new processes; each
    figure is the median of the rounds' medians (peak memory: the highest).

    Other work on a shared machine slows a whole process down, up to twice, for seconds at
    a time, and the CPU clock as much as the wall clock (a busy core runs slower, not only
    less often): two programs timed one after the other can meet different moments. Taking
    turns gives both the same moments.
    """
    runs: dict[str, list[dict[str, Any]]] = {"anki": [], "flashcards": []}
    for n in range(1, rounds + 1):
        of = f" (round {n} of {rounds})" if rounds > 1 else ""
        for step, name in (("anki", "Anki"), ("flashcards", "flashcards")):
            progress(f"timing {name} on {size:,} cards{of}")
            runs[step].append(_run_worker(step, size, folder, repeat, today))

    def merged(results: list[dict[str, Any]]) -> dict[str, Any]:
        out = dict(results[0])
        out["ms"] = {k: statistics.median(r["ms"][k] for r in results) for k in results[0]["ms"]}
        out["peak_mb"] = max(r["peak_mb"] for r in results)
        out["rounds_ms"] = [r["ms"] for r in results]
        return out

    return merged(runs["anki"]), merged(runs["flashcards"])


@dataclass(frozen=True, slots=True)
class Row:
    """One line of the table: a piece of work timed in both programs (or in flashcards alone)."""

    name: str
    flashcards: float | None
    anki: float | None
    unit: str = "ms"

    @property
    def ratio(self) -> float | None:
        """flashcards' figure over Anki's: below 1.0 flashcards is faster (or smaller)."""
        if self.flashcards is None or not self.anki:
            return None
        return self.flashcards / self.anki


def run(
    sizes: Sequence[int],
    repeat: int,
    workdir: Path,
    *,
    alone_cards: int = 10_000,
    rounds: int = 1,
    progress: Callable[[str], None] = lambda _: None,
) -> dict[str, Any]:
    """Build, time and compare; return the table and what each side did, as plain data."""
    today = date.today()
    rows: list[Row] = []
    sides: dict[str, Any] = {}
    for size in sizes:
        folder = workdir / str(size)
        folder.mkdir(parents=True, exist_ok=True)
        progress(f"building {size:,} cards in both")
        built = _run_worker("build", size, folder, repeat, today)
        progress(f"switching both to FSRS on {size:,} cards")
        # From the collections as built, before the timing below changes Anki's limits.
        switched = _run_worker("fsrs-switch", size, folder, repeat, today)
        anki, fc = _timed_rounds(size, folder, repeat, today, rounds, progress)
        progress(f"timing FSRS answers on {size:,} cards in both")
        fsrs = {
            "switch": switched,
            "anki": _run_worker("fsrs-anki", size, folder, repeat, today),
            "flashcards": _run_worker("fsrs-flashcards", size, folder, repeat, today),
        }
        sides[str(size)] = {"build": built, "anki": anki, "flashcards": fc, "fsrs": fsrs}
        for name in fc["ms"]:
            rows.append(Row(f"{name}, {size:,} cards", fc["ms"][name], anki["ms"].get(name)))
        rows.append(
            Row(
                f"answer 100 cards, FSRS, {size:,} cards",
                fsrs["flashcards"]["ms"],
                fsrs["anki"]["ms"],
            )
        )
        rows.append(Row(f"peak memory, {size:,} cards", fc["peak_mb"], anki["peak_mb"], "MB"))
    progress(f"timing flashcards alone on {alone_cards:,} deck cards")
    alone_dir = workdir / "alone"
    alone_dir.mkdir(parents=True, exist_ok=True)
    alone = _run_worker("alone", alone_cards, alone_dir, repeat, today)
    sides["alone"] = alone
    for name, ms in alone["ms"].items():
        if name.startswith("math"):
            rows.append(Row(f"{name}, {alone['work']['math checks']} checks", ms, None))
        else:
            rows.append(Row(f"{name}, {alone_cards:,} cards", ms, None))
    rows.append(Row("peak memory, sync/export/checks", alone["peak_mb"], None, "MB"))
    return {
        "machine": machine(),
        "sizes": list(sizes),
        "repeat": repeat,
        "rounds": rounds,
        "clock": os.environ.get(CLOCK_VARIABLE, "wall"),
        "rows": [
            {
                "row": r.name,
                "unit": r.unit,
                "flashcards": r.flashcards,
                "anki": r.anki,
                "ratio": r.ratio,
            }
            for r in rows
        ],
        "sides": sides,
    }


def machine() -> dict[str, Any]:
    """What the figures were measured on."""
    cpu = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        cpu = platform.processor()
    from importlib.metadata import version

    return {
        "cpus": os.cpu_count(),
        "cpu": cpu,
        "python": platform.python_version(),
        "anki": version("anki"),
        "sqlite": __import__("sqlite3").sqlite_version,
    }


def table(result: dict[str, Any]) -> str:
    """The rows as a Markdown table."""

    def fmt(value: float | None, unit: str) -> str:
        if value is None:
            return "-"
        return f"{value:.0f} MB" if unit == "MB" else f"{value:.1f}"

    lines = ["| work | flashcards ms | Anki ms | ratio |", "|---|---:|---:|---:|"]
    for r in result["rows"]:
        ratio = "-" if r["ratio"] is None else f"{r['ratio']:.2f}"
        lines.append(
            f"| {r['row']} | {fmt(r['flashcards'], r['unit'])} | {fmt(r['anki'], r['unit'])} "
            f"| {ratio} |"
        )
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="10000,100000", help="collection sizes, comma-separated")
    parser.add_argument("--repeat", type=int, default=5, help="timed runs after a warm-up")
    parser.add_argument(
        "--quick", action="store_true", help="a smoke test: 1,000 cards, one run after the warm-up"
    )
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="where the JSON goes")
    parser.add_argument(
        "--clock",
        choices=("wall", "cpu"),
        default="wall",
        help="time the work in wall time (default) or in the process's CPU time, which moves "
        "less on a shared machine (the first screen is always wall time)",
    )
    parser.add_argument(
        "--rounds",
        type=int,
        default=3,
        help="time both programs this many times, taking turns; each figure is the median "
        "of the rounds (default 3; 1 with --quick)",
    )
    parser.add_argument("--workdir", help=argparse.SUPPRESS)
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    parser.add_argument("--size", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--today", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        return _worker(args)
    try:
        sizes = [int(s.replace("_", "")) for s in args.sizes.split(",") if s.strip()]
    except ValueError:
        parser.error(f"--sizes takes numbers separated by commas, not {args.sizes!r}")
    if not sizes or any(s < MIN_SIZE for s in sizes):
        parser.error(f"each size must be at least {MIN_SIZE:,} cards")
    os.environ[CLOCK_VARIABLE] = args.clock  # read by the workers, which inherit it
    repeat, rounds = args.repeat, args.rounds
    alone_cards = 10_000
    if args.quick:
        sizes = [1000] if args.sizes == parser.get_default("sizes") else sizes
        repeat, rounds, alone_cards = 1, 1, 300
    if repeat < 1:
        parser.error("--repeat must be at least 1")
    if rounds < 1:
        parser.error("--rounds must be at least 1")

    def say(message: str) -> None:
        print(f"... {message}", file=sys.stderr, flush=True)

    with tempfile.TemporaryDirectory(prefix="compare-anki-") as tmp:
        result = run(sizes, repeat, Path(tmp), alone_cards=alone_cards, rounds=rounds, progress=say)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2, default=str) + "\n", encoding="utf-8")
    m = result["machine"]
    print(f"{m['cpus']} CPUs, {m['cpu']}, Python {m['python']}, anki {m['anki']}; "
          f"median of {repeat} runs after a warm-up, {args.clock} time, "
          f"median of {rounds} rounds taking turns")  # fmt: skip
    print(table(result))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
