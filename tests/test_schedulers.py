"""The two schedulers: FSRS's grading, the grade table, and the replay that switches."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from flashcards.anki_import import GRADES
from flashcards.fsrs_model import (
    SM2_TO_FSRS,
    FsrsSettings,
    default_parameters,
    fsrs_rating,
    retrievability,
)
from flashcards.scheduler import ReviewState, schedule
from flashcards.schedulers import replay, review

DAY = date(2026, 1, 5)


@dataclass(frozen=True)
class Row:
    kind: str
    grade: int
    study_day: date
    undone: bool = False


def fsrs() -> FsrsSettings:
    return FsrsSettings(tuple(default_parameters()), 0.9)


def test_grades_map_to_ratings_as_documented():
    assert SM2_TO_FSRS == {0: 1, 1: 1, 2: 1, 3: 2, 4: 3, 5: 4}
    # an Anki button brought in by import-reviews goes back to the same button
    assert all(fsrs_rating(grade) == button for button, grade in GRADES.items())
    with pytest.raises(ValueError):
        fsrs_rating(6)


def test_fsrs_schedules_for_the_desired_retention():
    state, memory = review(ReviewState(), None, 4, DAY, fsrs())
    assert memory is not None and memory.stability > 0
    days = state.interval_days
    assert state.due == DAY + timedelta(days=days)
    # at the due date the predicted recall is the desired retention, to the day's rounding
    params = default_parameters()
    assert (
        retrievability(days - 0.5, memory.stability, params)
        >= 0.9
        >= retrievability(days + 0.5, memory.stability, params)
    )
    # a higher desired retention brings the card back sooner
    later, _ = review(state, memory, 4, state.due, fsrs())
    sooner, _ = review(state, memory, 4, state.due, FsrsSettings(tuple(params), 0.97))
    assert sooner.interval_days < later.interval_days


grades = st.lists(st.tuples(st.integers(0, 5), st.integers(0, 40)), min_size=1, max_size=30)


@settings(deadline=None, max_examples=60)
@given(grades)
def test_fsrs_due_is_after_the_review_day_and_stability_stays_positive(sequence):
    state, memory = ReviewState(), None
    day = DAY
    for grade, gap in sequence:
        day += timedelta(days=gap)
        state, memory = review(state, memory, grade, day, fsrs())
        assert memory is not None and memory.stability > 0
        assert 1 <= memory.difficulty <= 10
        assert state.due is not None and state.due > day


@settings(deadline=None, max_examples=60)
@given(grades)
def test_switching_to_fsrs_and_back_gives_the_sm2_state_again(sequence):
    rows, day = [], DAY
    state = ReviewState()
    for grade, gap in sequence:
        day += timedelta(days=gap)
        rows.append(Row("review", grade, day))
        rows.append(Row("repeat", 1, day))  # same-day repeats never move a schedule
        rows.append(Row("practice", 0, day))  # nor do quiz answers
        state = schedule(state, grade, day)
    rows.append(Row("review", 0, day + timedelta(days=1), undone=True))  # never happened
    as_fsrs, memory = replay(rows, fsrs())
    assert memory is not None
    back, none = replay(rows)
    assert none is None
    assert back == state


def test_fsrs_replay_is_the_same_as_grading_one_by_one():
    sequence = [(4, 0), (4, 3), (1, 9), (3, 1), (5, 4)]
    rows, day = [], DAY
    state, memory = ReviewState(), None
    for grade, gap in sequence:
        day += timedelta(days=gap)
        rows.append(Row("review", grade, day))
        state, memory = review(state, memory, grade, day, fsrs())
    assert replay(rows, fsrs()) == (state, memory)
