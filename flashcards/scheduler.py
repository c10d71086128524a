"""SM-2 as Wozniak published it (SuperMemo, 1990), as a pure function over plain data.

The ease is kept in hundredths (`ease_pct = 250` is 2.5): every SM-2 ease change is a
multiple of 0.02, so integers keep it exact and `6 days x 1.5` is 9 days, never 10.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, replace
from datetime import date, timedelta

from flashcards.grades import PASSING, Grade

#: A new card's ease, in hundredths.
INITIAL_EASE_PCT = 250
#: SM-2's floor for the ease, in hundredths.
MIN_EASE_PCT = 130
#: Intervals never exceed this many days (100 years).
MAX_INTERVAL_DAYS = 36_500
#: The first two intervals after (re)starting the repetitions.
FIRST_INTERVALS = (1, 6)


@dataclass(frozen=True, slots=True)
class ReviewState:
    """Where one card stands in SM-2."""

    #: Successful reviews in a row since the card was new or last lapsed.
    repetitions: int = 0
    #: Days from the last review to `due`; 0 for a new card.
    interval_days: int = 0
    #: The ease factor in hundredths (250 is 2.5).
    ease_pct: int = INITIAL_EASE_PCT
    #: The study day the card is next due; None until the first review.
    due: date | None = None
    #: Grades below 3 over the card's life.
    lapses: int = 0

    @property
    def ease(self) -> float:
        """The ease factor as a float (2.5 for a new card)."""
        return self.ease_pct / 100

    @property
    def is_new(self) -> bool:
        """True until the card's first review."""
        return self.due is None


def ease_delta_pct(grade: int) -> int:
    """SM-2's ease change 0.1 - (5-q)(0.08 + (5-q)0.02) for a passing grade, in hundredths."""
    d = 5 - grade
    # 0.1 - d*(0.08 + d*0.02) == (10 - d*(8 + 2d)) / 100
    return 10 - d * (8 + 2 * d)


def next_interval(state: ReviewState) -> int:
    """The interval after one more passing review from `state` (ease before its update).

    The position in the run is the repetitions so far plus one: after a lapse SuperMemo's
    reference code sets the repetitions to 0, so the next pass gives 1 day again, then 6.
    """
    position = state.repetitions + 1
    if position <= len(FIRST_INTERVALS):
        return FIRST_INTERVALS[position - 1]
    # ceil(prev * ease) in integers: ease_pct is exact, so no float rounding creeps in
    return min(MAX_INTERVAL_DAYS, -(-state.interval_days * state.ease_pct // 100))


def schedule(state: ReviewState, grade: int, today: date) -> ReviewState:
    """Return the state after one review graded `grade` (0-5) on `today`."""
    grade = Grade(grade)
    if grade < PASSING:
        # SuperMemo's reference code: repetitions 0 and interval 1, the ease unchanged.
        interval = FIRST_INTERVALS[0]
        return replace(
            state,
            repetitions=0,
            interval_days=interval,
            due=today + timedelta(days=interval),
            lapses=state.lapses + 1,
        )
    # next_interval is capped already; a state imported with a 0-day interval still moves on
    interval = max(1, next_interval(state))
    ease_pct = max(MIN_EASE_PCT, state.ease_pct + ease_delta_pct(grade))
    return replace(
        state,
        repetitions=state.repetitions + 1,
        interval_days=interval,
        ease_pct=ease_pct,
        due=today + timedelta(days=interval),
    )


def fuzz(state: ReviewState, today: date, rng: random.Random) -> ReviewState:
    """Move the due date of a scheduled state by up to 5% of its interval, to spread the load.

    Off by default; never applied inside `schedule()`. Intervals under 3 days are kept.
    """
    if state.due is None or state.interval_days < 3:
        return state
    spread = max(1, round(state.interval_days * 0.05))
    shift = rng.randint(-spread, spread)
    interval = min(MAX_INTERVAL_DAYS, max(1, state.interval_days + shift))
    return replace(state, interval_days=interval, due=today + timedelta(days=interval))
