"""The side-by-side benchmark with Anki: both programs do the same work on the same cards."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path

import pytest

pytest.importorskip("anki.collection")

BENCHMARKS = Path(__file__).resolve().parent.parent / "benchmarks"


def load(name: str):
    """A module of benchmarks/ (not a package), imported by path."""
    if name in sys.modules:
        return sys.modules[name]
    sys.path.insert(0, str(BENCHMARKS))
    spec = importlib.util.spec_from_file_location(name, BENCHMARKS / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def result(tmp_path_factory):
    compare = load("compare_anki")
    out = tmp_path_factory.mktemp("compare") / "compare_anki.json"
    assert compare.main(["--quick", "--out", str(out)]) == 0
    return json.loads(out.read_text(encoding="utf-8"))


def test_synthetic_collection_has_the_promised_mix():
    cards = load("anki_collection").synthetic_cards(2_000, decks=8, seed=1)
    states = [c.state for c in cards]
    assert 0.35 < states.count("new") / len(cards) < 0.45
    assert 0.45 < states.count("review") / len(cards) < 0.55
    learning = states.count("learning") + states.count("relearning")
    assert 0.07 < learning / len(cards) < 0.13
    assert 0 < states.count("learning") < states.count("relearning")
    reviewed = [c for c in cards if c.state != "new"]
    assert 8 <= sum(len(c.log) for c in reviewed) / len(reviewed) <= 12
    assert len({c.deck for c in cards}) == 8
    due = [c.due_in for c in cards if c.state == "review"]
    assert min(due) < 0 < 300 < max(due)
    assert all(c.log[-1].days_ago == 0 for c in cards if c.state == "learning")
    assert all(c.log[-1].days_ago > 0 >= c.due_in for c in cards if c.state == "relearning")
    for c in reviewed:
        days = [r.days_ago for r in c.log]
        assert days == sorted(days, reverse=True) and len(set(days)) == len(days)


def test_anki_finds_nothing_to_fix_in_the_collection_built_for_it(result):
    for size in result["sizes"]:
        assert result["sides"][str(size)]["build"]["anki_check"] == []


def test_both_programs_queue_the_same_number_of_cards(result):
    for size in result["sizes"]:
        side = result["sides"][str(size)]
        queues = [k for k in side["anki"]["work"] if k.startswith("queue")]
        assert len(queues) == 2
        for key in queues:
            assert side["flashcards"]["work"][key] == side["anki"]["work"][key] > 0


def test_both_programs_count_the_same_cards_due_per_deck(result):
    for size in result["sizes"]:
        side = result["sides"][str(size)]
        counts = [k for k in side["anki"]["work"] if k.startswith("due counts")]
        assert len(counts) == 2
        for key in counts:
            anki = side["anki"]["work"][key]
            assert len(anki) == 8
            assert side["flashcards"]["work"][key] == anki
            # new, learning (same-day repeats) and reviews all occur
            assert all(sum(c[i] for c in anki.values()) > 0 for i in range(3))


def test_both_programs_record_one_hundred_answers_a_round(result):
    for size in result["sizes"]:
        side = result["sides"][str(size)]
        assert side["anki"]["work"]["answers"] == side["flashcards"]["work"]["answers"] == 100


def test_both_programs_switch_to_fsrs_with_the_same_memory_states(result):
    """Before the FSRS answers are timed, each program computed every reviewed card's
    memory state from the same review log, and they agree card by card."""
    for size in result["sizes"]:
        switch = result["sides"][str(size)]["fsrs"]["switch"]
        reviewed = switch["anki"]["cards_with_memory"]
        assert reviewed == switch["flashcards"]["cards_with_memory"] > 0.5 * size
        states = switch["memory_states"]
        assert states["compared"] == reviewed
        assert states["anki_only"] == states["flashcards_only"] == 0
        # Anki rounds stability to 4 decimals and difficulty to 3
        assert states["max_stability_rel_diff"] < 1e-3
        assert states["max_difficulty_diff"] < 1e-2


def test_both_programs_answer_one_hundred_cards_under_fsrs(result):
    """Each answer is an FSRS one: recorded, with a memory state set on the card after it,
    and FSRS moved the memory state of the cards it reviewed."""
    for size in result["sizes"]:
        fsrs = result["sides"][str(size)]["fsrs"]
        for side in ("anki", "flashcards"):
            work = fsrs[side]
            assert work["answers"] == work["with_memory"] == 100, side
            assert work["memory_changed"] > 50, side
            assert work["ms"] > 0


def test_the_fsrs_check_refuses_answers_fsrs_did_not_schedule():
    """The workers' check fails on what SM-2 answers would leave: no memory state set, or
    none moved."""
    compare = load("compare_anki")
    fine = {"answers": 100, "with_memory": 100, "memory_changed": 90}
    assert compare._fsrs_work([fine, fine]) == fine
    for run in (
        {**fine, "with_memory": 0, "memory_changed": 0},
        {**fine, "memory_changed": 0},
        {**fine, "answers": 99},
    ):
        with pytest.raises(RuntimeError):
            compare._fsrs_work([run])
    with pytest.raises(RuntimeError):
        compare._fsrs_work([fine, {**fine, "memory_changed": 80}])


def test_table_has_a_figure_on_each_side_of_every_shared_row(result):
    shared = [r for r in result["rows"] if r["anki"] is not None]
    names = " ".join(r["row"] for r in shared)
    for work in (
        "queue",
        "due counts",
        "answer 100 cards",
        "answer 100 cards, FSRS",
        "peak memory",
    ):
        assert work in names
    assert all(r["flashcards"] > 0 and r["anki"] > 0 and r["ratio"] > 0 for r in shared)
    alone = {r["row"].split(",")[0] for r in result["rows"] if r["anki"] is None}
    assert {"sync decks (cold)", "sync decks (unchanged)", "export to .apkg"} <= alone
    assert {"math check (median)", "math check (99th percentile)", "first card on screen"} <= alone
    assert result["machine"]["cpus"] >= 1 and result["machine"]["python"]


def test_flashcards_alone_synced_exported_and_checked_everything(result):
    work = result["sides"]["alone"]["work"]
    assert work["synced"] >= 300 and work["exported"] >= 300
    assert work["math checks"] > 100
    assert work["math checks as expected"] > 0.9


def test_bad_sizes_get_a_message_not_a_traceback(capsys):
    compare = load("compare_anki")
    with pytest.raises(SystemExit) as exit_info:
        compare.main(["--sizes", "ten"])
    assert exit_info.value.code == 2
    assert "--sizes" in capsys.readouterr().err


def test_the_cpu_clock_leaves_out_time_spent_waiting(monkeypatch):
    """`--clock cpu` times the process's CPU: a run that only sleeps counts as nearly 0 ms,
    while the wall clock counts the sleep."""
    import time

    compare = load("compare_anki")
    monkeypatch.setenv(compare.CLOCK_VARIABLE, "wall")
    assert compare.median_ms(lambda: time.sleep(0.05), 1) >= 50
    monkeypatch.setenv(compare.CLOCK_VARIABLE, "cpu")
    assert compare.median_ms(lambda: time.sleep(0.05), 1) < 25


def test_rounds_take_turns_and_keep_the_median_of_each_figure(monkeypatch, tmp_path):
    """Both programs are timed in turn, round after round; a figure is the median of the
    rounds' figures, the peak memory the highest."""
    from datetime import date

    compare = load("compare_anki")
    calls = []
    figures = {"anki": iter([5.0, 1.0, 3.0]), "flashcards": iter([2.0, 9.0, 4.0])}

    def fake_worker(step, size, folder, repeat, today):
        calls.append(step)
        ms = next(figures[step])
        return {"ms": {"queue": ms}, "work": {"queue": 7}, "peak_mb": ms * 10}

    monkeypatch.setattr(compare, "_run_worker", fake_worker)
    anki, fc = compare._timed_rounds(1000, tmp_path, 5, date(2026, 1, 1), 3, lambda _: None)
    assert calls == ["anki", "flashcards"] * 3
    assert anki["ms"] == {"queue": 3.0} and fc["ms"] == {"queue": 4.0}
    assert anki["peak_mb"] == 50.0 and fc["peak_mb"] == 90.0
    assert fc["work"] == {"queue": 7} and len(fc["rounds_ms"]) == 3
