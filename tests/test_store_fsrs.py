"""FSRS in the store: memory kept per card and per log row, undo, switching by replay, fits."""

from __future__ import annotations

import random
import subprocess
import sys
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

import pytest

from flashcards.config import Scheduling
from flashcards.fsrs_model import FsrsSettings, Memory, default_parameters
from flashcards.schedulers import replay
from flashcards.store import FittedParameters, Store
from tests.test_store import deck, note

START = date(2026, 1, 5)
FSRS = Scheduling("fsrs")
SM2 = Scheduling()


def at(day: date) -> datetime:
    return datetime.combine(day, time(12), tzinfo=UTC)


def collection(tmp_path: Path, scheduling: Scheduling | None = None) -> Store:
    store = Store(f"sqlite:///{tmp_path / 'c.sqlite3'}", scheduling=scheduling)
    store.sync(
        [deck("ml", *(note(f"n{i}") for i in range(6))), deck("stats", note("s1"))], ["/decks"]
    )
    return store


def study(store: Store, days: int = 40, seed: int = 3) -> None:
    """A few weeks of study: due reviews, same-day repeats, quiz practice and undone grades."""
    rng = random.Random(seed)
    ids = store.card_ids()
    for offset in range(days):
        today = START + timedelta(days=offset)
        for cid in ids:
            state = store.state(cid)
            if state.due is not None and state.due > today:
                continue
            grade = rng.choice([1, 2, 3, 4, 4, 5, 5])
            store.grade(cid, grade, now=at(today), today=today)
            if grade < 4:
                store.grade(cid, 4, now=at(today), today=today, kind="repeat")
            if rng.random() < 0.2:
                store.grade(cid, rng.randint(0, 5), now=at(today), today=today, kind="practice")
            if rng.random() < 0.1:
                store.grade(cid, 5, now=at(today), today=today)
                store.undo_last(today, cid)


def states(store: Store) -> dict:
    return {cid: (info.state, info.memory) for cid, info in store.cards(store.card_ids()).items()}


def test_a_grade_under_fsrs_keeps_the_memory_and_undo_restores_it(tmp_path):
    store = collection(tmp_path, FSRS)
    first = store.grade("n1:0", 4, now=at(START), today=START)
    assert first.before_memory is None and first.after_memory is not None
    assert store.card("n1:0").memory == first.after_memory
    later = START + timedelta(days=first.after.interval_days)
    second = store.grade("n1:0", 5, now=at(later), today=later)
    assert second.before_memory == first.after_memory
    assert second.after_memory.stability > first.after_memory.stability
    # the due date is FSRS's: the interval at which recall falls to 90%
    assert store.state("n1:0").due == second.after.due
    assert store.review_log("n1:0")[-1].after_memory == second.after_memory
    assert store.undo_last(later) == "n1:0"
    assert store.card("n1:0").memory == first.after_memory
    assert store.state("n1:0") == first.after
    store.close()


def test_fsrs_intervals_follow_the_desired_retention(tmp_path):
    low = collection(tmp_path, Scheduling("fsrs", desired_retention=0.8))
    low.grade("n1:0", 5, now=at(START), today=START)
    low.switch_scheduler(Scheduling("fsrs", desired_retention=0.97))
    low.grade("n2:0", 5, now=at(START), today=START)
    assert low.state("n1:0").interval_days > low.state("n2:0").interval_days
    low.close()


def test_sm2_grades_leave_the_memory_alone(tmp_path):
    store = collection(tmp_path)
    entry = store.grade("n1:0", 4, now=at(START), today=START)
    assert entry.after_memory is None and store.card("n1:0").memory is None
    store.close()


def test_switching_to_fsrs_and_back_gives_back_the_sm2_states(tmp_path):
    store = collection(tmp_path)
    study(store)
    sm2_states = states(store)
    assert any(e.undone for e in store.review_log())
    assert {e.kind for e in store.review_log()} == {"review", "repeat", "practice"}

    assert store.switch_scheduler(FSRS) == len(store.card_ids())
    under_fsrs = states(store)
    assert all(memory is not None for _, memory in under_fsrs.values())
    assert under_fsrs != sm2_states
    # the same as a replay of each card's log through FSRS
    settings = FsrsSettings(tuple(default_parameters()))
    for cid, (state, memory) in under_fsrs.items():
        assert (state, memory) == replay(store.review_log(cid), settings)

    assert store.switch_scheduler(SM2) == len(store.card_ids())
    assert {cid: s for cid, (s, _) in states(store).items()} == {
        cid: s for cid, (s, _) in sm2_states.items()
    }
    store.close()


def test_grading_under_fsrs_matches_the_replay_of_the_log(tmp_path):
    store = collection(tmp_path, FSRS)
    study(store, days=30, seed=8)
    settings = FsrsSettings(tuple(default_parameters()))
    for cid, (state, memory) in states(store).items():
        assert (state, memory) == replay(store.review_log(cid), settings)
    store.close()


def test_the_switch_happens_once_at_open_and_only_for_decks_that_change(tmp_path):
    store = collection(tmp_path)
    study(store, days=20)
    store.close()
    url = f"sqlite:///{tmp_path / 'c.sqlite3'}"
    per_deck = Scheduling("sm2", per_deck=(("stats", "fsrs"),))
    with Store(url, scheduling=per_deck) as reopened:
        assert reopened.card("s1:0").memory is not None
        assert reopened.card("n1:0").memory is None
    with Store(url, scheduling=per_deck) as again:
        assert again.switch_scheduler(per_deck) == 0  # nothing changed: no replay
        assert again.switch_scheduler(FSRS) == 6  # only the "ml" cards
    with Store(url) as unconfigured:  # no settings (backups, checks): states left alone
        assert unconfigured.card("n1:0").memory is not None


def test_a_fitted_model_is_stored_and_reused(tmp_path):
    store = collection(tmp_path, FSRS)
    study(store, days=20)
    default_state = states(store)
    fitted = tuple(w * 1.2 if i in (0, 1, 2, 3) else w for i, w in enumerate(default_parameters()))
    fit = FittedParameters("", fitted, START, 123, 0.3)
    assert store.save_fitted_parameters(fit) == len(store.card_ids())
    assert states(store) != default_state  # the cards were replayed with the fit
    store.close()
    with Store(f"sqlite:///{tmp_path / 'c.sqlite3'}", scheduling=FSRS) as reopened:
        assert reopened.fitted_parameters() == {"": fit}
        assert reopened.fsrs_settings("ml::deep").parameters == fitted
        day = START + timedelta(days=60)
        entry = reopened.grade("n1:0", 4, now=at(day), today=day)
        expected = replay(reopened.review_log("n1:0"), FsrsSettings(fitted, FSRS.desired_retention))
        assert (entry.after, entry.after_memory) == expected
    # a deck's own fit wins over the collection's
    with Store(f"sqlite:///{tmp_path / 'c.sqlite3'}", scheduling=FSRS) as store2:
        own = FittedParameters("stats", tuple(default_parameters()), START, 500)
        store2.save_fitted_parameters(own)
        assert store2.fsrs_settings("stats").parameters == own.parameters
        assert store2.fsrs_settings("ml").parameters == fitted
        assert store2.fsrs_settings("ml") is not None
        store2.switch_scheduler(SM2)
        assert store2.fsrs_settings("ml") is None


@pytest.mark.parametrize("scheduling", [None, "sm2"])
def test_sm2_study_never_loads_the_fsrs_library(tmp_path, scheduling):
    code = f"""
import sys
from datetime import UTC, date, datetime
from flashcards.config import Scheduling
from flashcards.store import Store
from tests.test_store import deck, note
s = Store("sqlite:///{tmp_path / "x.sqlite3"}", scheduling={
        "None" if scheduling is None else "Scheduling()"
    })
s.sync([deck("a", note("n1"))], ["/decks"])
s.queue(date(2026, 1, 1))
s.grade("n1:0", 4, now=datetime(2026, 1, 1, tzinfo=UTC), today=date(2026, 1, 1))
s.undo_last(date(2026, 1, 1))
s.close()
print("fsrs_rs_python" in sys.modules)
"""
    root = Path(__file__).parents[1]
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=root, check=True
    )
    assert out.stdout.strip() == "False"


def test_memory_type_round_trips():
    assert Memory(1.5, 5.0) == Memory(1.5, 5.0)


def test_stats_show_fsrs_retention_and_workload(tmp_path):
    from flashcards.report import report
    from flashcards.stats import compute_stats, fsrs_stats, stats_to_json

    store = collection(tmp_path, FSRS)
    study(store, days=25)
    today = START + timedelta(days=25)
    stats = compute_stats(store, today)
    f = stats.fsrs
    assert f is not None and f.cards == len(store.card_ids())
    assert 0.5 < f.predicted_retention <= 1
    dues = [store.state(cid).due for cid in store.card_ids()]
    assert len(f.forecast.counts) == 30
    assert f.forecast.total == sum((d - today).days < 30 for d in dues)
    assert f.forecast.counts[7] == sum((d - today).days == 7 for d in dues)
    doc = stats_to_json(stats)["fsrs"]
    assert doc["cards"] == f.cards and len(doc["forecast"]["days"]) == 30
    assert "FSRS: predicted retention today" in report(stats)
    one_deck = compute_stats(store, today, "stats").fsrs
    assert one_deck is not None and one_deck.cards == 1
    store.switch_scheduler(SM2)
    assert compute_stats(store, today).fsrs is None
    assert stats_to_json(compute_stats(store, today))["fsrs"] is None
    store.close()
    # the pure part: recall at the stability is 90%, a card past the window is not counted
    w = default_parameters()
    day = date(2026, 3, 1)
    pure = fsrs_stats([(day, 10, 10.0, w), (day + timedelta(days=40), 40, 60.0, w)], day)
    assert pure.cards == 2 and pure.forecast.counts[0] == 1 and pure.forecast.total == 1
    assert pure.predicted_retention == pytest.approx((0.9 + 1.0) / 2)


def test_the_card_info_shows_stability_difficulty_and_recall_now(tmp_path):
    from tui.screens.info import fsrs_lines

    store = collection(tmp_path, FSRS)
    entry = store.grade("n1:0", 4, now=at(START), today=START)
    memory = entry.after_memory
    at_stability = START + timedelta(days=round(memory.stability))
    (line,) = fsrs_lines(store, "n1:0", at_stability)
    assert line.startswith(f"FSRS: stability {memory.stability:.1f} d  difficulty ")
    from flashcards.fsrs_model import retrievability

    expected = retrievability(round(memory.stability), memory.stability, default_parameters())
    assert 0.88 < expected < 0.93  # near 90% at the stability
    assert line.endswith(f"recall now {expected:.0%}")
    assert fsrs_lines(store, "n2:0", START) == []  # never reviewed: no memory yet
    store.switch_scheduler(SM2)
    assert fsrs_lines(store, "n1:0", START) == []
    store.close()
