"""The two schedulers behind one grading function, and the replay that switches between them.

SM-2 (`flashcards.scheduler`) is the default. With FSRS, a review still keeps the SM-2
fields (repetitions, ease, lapses) as SM-2 would, but the interval and the due date are
FSRS's, from the card's memory state (stability, difficulty). Both are functions of the
card's review log: a card's state under either scheduler is the replay of its kept "review"
rows (same-day repeats and quiz answers never move a schedule, undone rows never happened),
so switching scheduler is a replay, and switching back gives back exactly the SM-2 states.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from datetime import date, timedelta
from typing import Literal, Protocol

from flashcards.fsrs_model import FsrsSettings, Memory, fsrs_rating, next_memory, review_interval
from flashcards.grades import Grade
from flashcards.scheduler import MAX_INTERVAL_DAYS, ReviewState, schedule

SchedulerName = Literal["sm2", "fsrs"]
SCHEDULERS: tuple[SchedulerName, ...] = ("sm2", "fsrs")
DEFAULT_SCHEDULER: SchedulerName = "sm2"


def last_review_day(state: ReviewState) -> date | None:
    """The study day of the card's last review (its due date less its interval)."""
    if state.due is None:
        return None
    return state.due - timedelta(days=state.interval_days)


def review(
    state: ReviewState,
    memory: Memory | None,
    grade: int,
    today: date,
    fsrs: FsrsSettings | None = None,
) -> tuple[ReviewState, Memory | None]:
    """One review under SM-2 (`fsrs` None) or FSRS; returns the state and the memory after it.

    Under SM-2 the memory is kept as it was (it is recomputed by a replay on a switch).
    """
    after = schedule(state, Grade(grade), today)
    if fsrs is None:
        return after, memory
    last = last_review_day(state)
    elapsed = 0 if last is None else max(0, (today - last).days)
    memory = next_memory(memory, fsrs_rating(grade), elapsed, fsrs.parameters)
    interval = review_interval(memory, fsrs, MAX_INTERVAL_DAYS)
    return replace(after, interval_days=interval, due=today + timedelta(days=interval)), memory


class ReplayedRow(Protocol):
    """What a replay reads of a review-log row."""

    kind: str
    grade: int
    study_day: date
    undone: bool


def replay(
    rows: Iterable[ReplayedRow], fsrs: FsrsSettings | None = None
) -> tuple[ReviewState, Memory | None]:
    """A card's state from its log rows in order, under SM-2 (`fsrs` None) or FSRS.

    Under FSRS the memory state is computed whatever the scheduler was when each row was
    graded; under SM-2 the memory is None.
    """
    state, memory = ReviewState(), None
    for row in rows:
        if row.undone or row.kind != "review":
            continue
        state, memory = review(state, memory, row.grade, row.study_day, fsrs)
    return state, memory
