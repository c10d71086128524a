"""Scoring schedulers on a review log: the metrics, the replays, the splits, the command."""

from __future__ import annotations

import json
import math
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from flashcards.anki_import import study_day
from flashcards.errors import FlashcardsError
from flashcards.evaluation import (
    LoggedReview,
    auc,
    evaluate,
    fsrs_predictions,
    histories,
    log_loss,
    parse_review_csv,
    review_csv,
    rmse_bins,
    scored_reviews,
    sm2_predictions,
    steps_of,
)
from flashcards.fsrs_model import default_parameters, library_log_loss

LOG = Path(__file__).parents[1] / "benchmarks" / "data" / "py-fsrs-josh.csv"


def day_of(moment: datetime) -> date:
    return study_day(moment, time(4), UTC)


def review(card: str, day: int, rating: int, hour: int = 12) -> LoggedReview:
    moment = datetime(2024, 1, 1, hour, tzinfo=UTC) + timedelta(days=day)
    return LoggedReview(card, moment, day_of(moment), rating)


@pytest.fixture(scope="module")
def real_log() -> list[LoggedReview]:
    return parse_review_csv(LOG.read_text(), str(LOG), day_of=day_of)


def test_log_loss_of_known_predictions():
    assert log_loss([True, False], [0.8, 0.4]) == pytest.approx(
        -(math.log(0.8) + math.log(0.6)) / 2
    )
    # a certain prediction that is wrong is clipped, not infinite
    assert log_loss([False], [1.0]) == pytest.approx(-math.log(1e-4))


def test_auc_counts_ranked_pairs_and_ties_as_half():
    assert auc([False, True], [0.2, 0.9]) == 1.0
    assert auc([True, False], [0.2, 0.9]) == 0.0
    assert auc([True, False, True, False], [0.5, 0.5, 0.7, 0.1]) == pytest.approx(0.875)
    assert auc([True, True], [0.3, 0.9]) == 0.5  # one outcome only


@given(st.lists(st.tuples(st.booleans(), st.floats(0, 1)), min_size=2))
def test_auc_matches_its_definition_over_pairs(pairs):
    y = [a for a, _ in pairs]
    p = [b for _, b in pairs]
    pos = [q for a, q in pairs if a]
    neg = [q for a, q in pairs if not a]
    if not pos or not neg:
        assert auc(y, p) == 0.5
        return
    wins = sum((a > b) + 0.5 * (a == b) for a in pos for b in neg)
    assert auc(y, p) == pytest.approx(wins / (len(pos) * len(neg)))


def test_rmse_bins_of_one_bin_is_the_gap_between_mean_prediction_and_recall_rate():
    log = [review("a", 0, 3), review("a", 3, 3), review("b", 0, 3), review("b", 3, 1)]
    scored = scored_reviews(histories(log))
    assert len(scored) == 2
    assert rmse_bins(scored, [0.9, 0.7]) == pytest.approx(abs(0.5 - 0.8))


def test_sm2_predicts_ninety_percent_at_its_interval_and_ignores_same_day_repeats():
    log = [
        review("a", 0, 3),
        review("a", 0, 1, hour=13),  # a same-day repeat: SM-2 stays as the day's first left it
        review("a", 1, 3),  # interval 1 after the first pass: 90%
        review("a", 13, 3),  # interval 6, 12 days on: 0.9 ** 2
    ]
    p = sm2_predictions(histories(log)["a"])
    assert p == {2: pytest.approx(0.9), 3: pytest.approx(0.81)}


def test_fsrs_predicts_ninety_percent_at_the_stability():
    log = [review("a", 0, 3), review("a", 5, 3)]
    by_card = histories(log)
    p = fsrs_predictions(by_card, default_parameters())[("a", 1)]
    # default FSRS-6: a first Good gives a stability of w[2] days
    s = default_parameters()[2]
    assert p > 0.9 if s > 5 else p <= 0.9


def test_our_fsrs_log_loss_agrees_with_the_librarys_own(real_log):
    """The replay and the forgetting curve here are the library's: same loss on the same items."""
    by_card = histories(real_log)
    scored = scored_reviews(by_card)
    predicted = fsrs_predictions(by_card, default_parameters())
    ours = log_loss([s.recalled for s in scored], [predicted[s.card, s.index] for s in scored])
    theirs = library_log_loss([steps_of(h) for h in by_card.values()], default_parameters())
    assert ours == pytest.approx(theirs, abs=2e-3)


def test_fitted_fsrs_beats_sm2_on_the_real_log(real_log):
    result = evaluate(real_log)
    scores = result.schedulers
    assert result.reviews_scored > 5000
    assert scores["fsrs_fitted"].log_loss < scores["sm2"].log_loss - 0.05
    assert scores["fsrs_fitted"].rmse_bins < scores["sm2"].rmse_bins
    assert scores["fsrs_fitted"].log_loss <= scores["fsrs_default"].log_loss
    assert len(result.fitted_parameters) == len(default_parameters())


def test_no_fit_sees_the_reviews_it_is_scored_on(real_log):
    """Each fit is given only reviews before the first one it predicts."""
    from flashcards import fsrs_model

    seen: list[int] = []

    def counting_fit(card_steps):
        seen.append(sum(len(s) for s in card_steps))
        return fsrs_model.fit_parameters(card_steps)

    evaluate(real_log, splits=3, fit=counting_fit)
    # three splits on growing histories, then the whole log once
    assert len(seen) == 4
    assert seen == sorted(seen) and seen[-1] == len(real_log) and seen[0] < len(real_log) / 2


def test_a_bad_row_names_its_file_and_line():
    text = "card_id,review_rating,review_time,review_duration\n1,3,2024-01-01T10:00:00+00:00,5\n"
    with pytest.raises(FlashcardsError, match=r"log.csv:3: review_rating must be 1-4"):
        parse_review_csv(text + "1,7,2024-01-02T10:00:00+00:00,5\n", "log.csv", day_of=day_of)
    with pytest.raises(FlashcardsError, match=r"log.csv:2: review_time must be an ISO"):
        parse_review_csv(text.replace("2024-01-01T10", "yesterday"), "log.csv", day_of=day_of)
    with pytest.raises(FlashcardsError, match=r"log.csv:1: .*missing review_time"):
        parse_review_csv("card_id,review_rating\n1,3\n", "log.csv", day_of=day_of)


def test_the_csv_written_reads_back_the_same(real_log):
    again = parse_review_csv(review_csv(real_log[:200]), "x.csv", day_of=day_of)
    assert again == real_log[:200]


def test_evaluate_command_prints_json_for_a_file(tmp_path, capsys):
    from flashcards.cli import main

    assert main(["evaluate", str(LOG), "--json", "--data-dir", str(tmp_path)]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["reviews_scored"] > 5000
    assert set(out["schedulers"]) == {"sm2", "fsrs_default", "fsrs_fitted"}
    assert set(out["schedulers"]["sm2"]) == {"log_loss", "rmse_bins", "auc"}


def test_evaluate_command_on_an_empty_collection_says_why(tmp_path, capsys):
    from flashcards.cli import main

    assert main(["evaluate", "--data-dir", str(tmp_path)]) == 1
    assert "too few reviews to evaluate" in capsys.readouterr().err
