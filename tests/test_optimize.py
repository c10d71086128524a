"""`flashcards optimize`: fits FSRS to the collection's log, stores the fit, keeps the old one
when the fit fails or the process is killed."""

from __future__ import annotations

import random
import subprocess
import sys
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

import pytest

from flashcards.cli import main
from flashcards.config import Scheduling
from flashcards.fsrs_model import MIN_REVIEWS_TO_FIT, default_parameters
from flashcards.scheduler import ReviewState
from flashcards.session import LogEntry
from flashcards.store import FittedParameters, Store
from tests.test_store import deck, note

START = date(2025, 9, 1)


def make_collection(data: Path, cards: int = 60, reviews: int = 10, seed: int = 1) -> None:
    """A collection whose log has `cards * (reviews - 1)` reviews on a later day."""
    rng = random.Random(seed)
    with Store(f"sqlite:///{data / 'collection.sqlite3'}") as store:
        store.sync(
            [deck("ml", *(note(f"a{i}") for i in range(cards // 2)))]
            + [deck("stats", *(note(f"b{i}") for i in range(cards - cards // 2)))],
            ["/decks"],
        )
        entries = []
        for cid in store.card_ids():
            day, gap = START, 1
            for _ in range(reviews):
                grade = rng.choice([1, 3, 4, 4, 4, 5])
                moment = datetime.combine(day, time(9), tzinfo=UTC)
                state = ReviewState()
                entries.append(
                    LogEntry(
                        0,
                        cid,
                        moment,
                        day,
                        "review",
                        grade,
                        None,
                        None,
                        5.0,
                        state,
                        state,
                        False,
                        False,
                    )
                )
                gap = 1 if grade < 3 else gap * 2
                day += timedelta(days=gap + rng.randint(0, 2))
        store.import_log(entries)


def optimize(data: Path, *extra: str) -> int:
    return main(["optimize", "--data-dir", str(data), *extra])


def test_optimize_fits_stores_and_reports_before_and_after(tmp_path, capsys):
    make_collection(tmp_path)
    assert optimize(tmp_path) == 0
    captured = capsys.readouterr()
    assert "Fitted FSRS to 540 reviews of 60 cards in the collection" in captured.out
    assert "log loss before (default parameters):" in captured.out
    assert "log loss after (fitted parameters):" in captured.out
    assert "optimize [" in captured.err and "fitting" in captured.err
    with Store(f"sqlite:///{tmp_path / 'collection.sqlite3'}") as store:
        fit = store.fitted_parameters()[""]
    assert fit.reviews == 540
    assert fit.parameters != tuple(default_parameters())
    assert len(fit.parameters) == len(default_parameters())
    before = float(captured.out.split("before (default parameters): ")[1].split()[0])
    after = float(captured.out.split("after (fitted parameters):")[1].split()[0])
    assert after <= before + 1e-9
    assert fit.log_loss == pytest.approx(after, abs=1e-4)
    # a second run starts from the stored fit
    assert optimize(tmp_path) == 0
    assert f"fitted on {fit.fitted_on} parameters" in capsys.readouterr().out


def test_optimize_one_deck_stores_the_fit_for_that_deck(tmp_path, capsys):
    make_collection(tmp_path, cards=100)
    assert optimize(tmp_path, "--deck", "ml") == 0
    assert "450 reviews of 50 cards in deck 'ml'" in capsys.readouterr().out
    with Store(f"sqlite:///{tmp_path / 'collection.sqlite3'}", scheduling=Scheduling("fsrs")) as s:
        assert set(s.fitted_parameters()) == {"ml"}
        assert s.fsrs_settings("ml::sub").parameters == s.fitted_parameters()["ml"].parameters
        assert s.fsrs_settings("stats").parameters == tuple(default_parameters())
    assert optimize(tmp_path, "--deck", "nope") == 1
    assert "no deck 'nope'" in capsys.readouterr().err


def test_too_few_reviews_say_how_many_are_needed(tmp_path, capsys):
    make_collection(tmp_path, cards=10, reviews=5)
    assert optimize(tmp_path) == 1
    err = capsys.readouterr().err
    assert f"at least {MIN_REVIEWS_TO_FIT} are needed" in err and "40 on a later day" in err
    assert "Traceback" not in err


def stored_fit(data: Path) -> dict:
    with Store(f"sqlite:///{data / 'collection.sqlite3'}") as store:
        return store.fitted_parameters()


OLD = FittedParameters("", tuple(default_parameters()), START, 999, 0.5)


def test_a_failing_fit_leaves_the_old_parameters(tmp_path, monkeypatch, capsys):
    make_collection(tmp_path)
    with Store(f"sqlite:///{tmp_path / 'collection.sqlite3'}") as store:
        store.save_fitted_parameters(OLD)

    def broken(steps):
        raise KeyboardInterrupt

    monkeypatch.setattr("flashcards.fsrs_model.fit_parameters", broken)
    assert optimize(tmp_path) == 130
    assert stored_fit(tmp_path) == {"": OLD}


def test_a_process_killed_during_the_fit_leaves_the_old_parameters(tmp_path):
    make_collection(tmp_path)
    with Store(f"sqlite:///{tmp_path / 'collection.sqlite3'}") as store:
        store.save_fitted_parameters(OLD)
    code = f"""
import os, signal
import flashcards.fsrs_model as model
real = model.fit_parameters
def killed(steps):
    real(steps)  # the whole fit runs, then the process dies before storing it
    os.kill(os.getpid(), signal.SIGKILL)
model.fit_parameters = killed
from flashcards.cli import main
main(["optimize", "--data-dir", {str(tmp_path)!r}])
"""
    root = Path(__file__).parents[1]
    done = subprocess.run([sys.executable, "-c", code], cwd=root, capture_output=True, text=True)
    assert done.returncode == -9
    assert "fitting" in done.stderr
    assert stored_fit(tmp_path) == {"": OLD}


def test_optimize_a_deck_compares_with_the_fit_in_force_there(tmp_path, capsys):
    """With `--deck`, "before" is the fit the deck was scheduled with: the collection's here."""
    make_collection(tmp_path, cards=100)
    assert optimize(tmp_path) == 0
    with Store(f"sqlite:///{tmp_path / 'collection.sqlite3'}") as store:
        collection_fit = store.fitted_parameters()[""]
    capsys.readouterr()
    assert optimize(tmp_path, "--deck", "ml") == 0
    out = capsys.readouterr().out
    assert (
        f"log loss before (the collection's parameters fitted on {collection_fit.fitted_on}, "
        "in force here):" in out
    )
    # the deck's own fit is what a second run compares with
    assert optimize(tmp_path, "--deck", "ml") == 0
    assert "before (fitted on " in capsys.readouterr().out
