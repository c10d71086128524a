"""SM-2 as published, worked by hand, plus properties over random grade sequences."""

from __future__ import annotations

import random
from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from flashcards.grades import PASSING, Grade
from flashcards.identity import note_of
from flashcards.scheduler import (
    MAX_INTERVAL_DAYS,
    ReviewState,
    ease_delta_pct,
    fuzz,
    schedule,
)
from flashcards.session import Session, is_leech

DAY = date(2026, 3, 1)


def run(grades: list[int], state: ReviewState | None = None) -> list[ReviewState]:
    """Review on each due day in turn; return every state."""
    state = state or ReviewState()
    today = DAY
    out = []
    for g in grades:
        state = schedule(state, g, today)
        out.append(state)
        today = state.due
    return out


def test_grade_keys_labels_and_passing():
    assert [g.key for g in Grade] == ["0", "1", "2", "3", "4", "5"]
    assert Grade.PERFECT.label == "perfect"
    assert Grade.BLACKOUT.label == "complete blackout"
    assert PASSING == 3
    assert Grade.HARD.passing and not Grade.WRONG_EASY.passing


def test_ease_change_follows_the_published_formula():
    # EF' = EF + (0.1 - (5-q)(0.08 + (5-q)0.02)), in hundredths
    assert ease_delta_pct(5) == 10
    assert ease_delta_pct(4) == 0
    assert ease_delta_pct(3) == -14


def test_perfect_grades_give_1_6_then_interval_times_the_ease_before_update():
    states = run([5, 5, 5, 5])
    assert [s.interval_days for s in states] == [1, 6, 17, 48]
    # ease 2.5 -> 2.6 -> 2.7 -> 2.8 -> 2.9; third interval 6 * 2.7 = 16.2 -> 17
    assert [s.ease_pct for s in states] == [260, 270, 280, 290]
    assert states[0].due == DAY + timedelta(days=1)
    assert states[1].due == DAY + timedelta(days=7)
    assert [s.repetitions for s in states] == [1, 2, 3, 4]


def test_good_grades_keep_the_ease_at_2_5():
    states = run([4, 4, 4, 4])
    assert [s.interval_days for s in states] == [1, 6, 15, 38]  # 15 * 2.5 = 37.5 -> 38
    assert {s.ease_pct for s in states} == {250}


def test_hard_grades_lower_the_ease_by_0_14():
    states = run([3, 3, 3])
    assert [s.ease_pct for s in states] == [236, 222, 208]
    assert [s.interval_days for s in states] == [1, 6, 14]  # 6 * 2.22 = 13.32 -> 14


def test_ease_is_exact_six_days_times_1_5_is_nine():
    state = ReviewState(repetitions=2, interval_days=6, ease_pct=150, due=DAY)
    assert schedule(state, Grade.GOOD, DAY).interval_days == 9


def test_ease_never_drops_below_1_3():
    state = ReviewState(repetitions=3, interval_days=10, ease_pct=130, due=DAY)
    after = schedule(state, Grade.HARD, DAY)
    assert after.ease_pct == 130
    assert after.ease == 1.3
    assert after.interval_days == 13


def test_failing_grade_restarts_repetitions_keeps_ease_and_counts_a_lapse():
    state = ReviewState(repetitions=5, interval_days=40, ease_pct=200, due=DAY, lapses=1)
    after = schedule(state, Grade.WRONG_EASY, DAY)
    assert after == ReviewState(
        repetitions=0, interval_days=1, ease_pct=200, due=DAY + timedelta(days=1), lapses=2
    )
    # SuperMemo's reference code: repetitions 0, interval 1; the passing reviews after it
    # give 1 day, 6 days, then interval x ease (with the unchanged ease 2.0)
    again = run([4, 4, 4], after)
    assert [s.interval_days for s in again] == [1, 6, 12]
    assert [s.repetitions for s in again] == [1, 2, 3]


def test_after_a_lapse_the_next_passes_give_1_then_6_days_as_for_a_new_card():
    lapsed = run([0, 4, 4, 4])
    assert [s.interval_days for s in lapsed] == [1, 1, 6, 15]
    assert [s.repetitions for s in lapsed] == [0, 1, 2, 3]
    assert lapsed[0].lapses == 1 and lapsed[-1].lapses == 1
    # the passing reviews after the lapse follow a new card's 1, 6, 15
    assert [s.interval_days for s in lapsed[1:]] == [s.interval_days for s in run([4, 4, 4])]


def test_intervals_are_capped_at_36500_days():
    state = ReviewState(repetitions=9, interval_days=30_000, ease_pct=250, due=DAY)
    assert schedule(state, Grade.PERFECT, DAY).interval_days == MAX_INTERVAL_DAYS


def test_new_card_state():
    state = ReviewState()
    assert state.is_new and state.ease == 2.5 and state.lapses == 0


def test_grade_out_of_range_is_refused():
    with pytest.raises(ValueError):
        schedule(ReviewState(), 6, DAY)


grades = st.lists(st.integers(min_value=0, max_value=5), min_size=1, max_size=60)
gaps = st.integers(min_value=0, max_value=400)


@given(grades, st.lists(gaps, min_size=60, max_size=60))
def test_properties_over_random_grade_sequences(seq, delays):
    state = ReviewState()
    today = DAY
    for grade, delay in zip(seq, delays, strict=False):
        after = schedule(state, grade, today)
        assert after.ease_pct >= 130
        assert after.due is not None and after.due > today
        assert 1 <= after.interval_days <= MAX_INTERVAL_DAYS
        if grade < 3:
            assert after.repetitions == 0
            assert after.ease_pct == state.ease_pct
            assert after.lapses == state.lapses + 1
        else:
            assert after.repetitions == state.repetitions + 1
            assert after.lapses == state.lapses
            assert after.ease_pct == max(130, state.ease_pct + ease_delta_pct(grade))
        state = after
        today = today + timedelta(days=delay)


@given(st.integers(3, 3000), st.integers(0, 10**6))
def test_fuzz_moves_due_by_at_most_five_percent(interval, seed):
    state = ReviewState(repetitions=3, interval_days=interval, due=DAY + timedelta(days=interval))
    fuzzed = fuzz(state, DAY, random.Random(seed))
    assert abs(fuzzed.interval_days - interval) <= max(1, round(interval * 0.05))
    assert fuzzed.due == DAY + timedelta(days=fuzzed.interval_days)


def test_fuzz_keeps_short_intervals():
    state = ReviewState(repetitions=1, interval_days=1, due=DAY + timedelta(days=1))
    assert fuzz(state, DAY, random.Random(1)) == state


# --- session rules ----------------------------------------------------------------------


def test_same_day_rule_brings_cards_below_4_back_until_graded_4():
    session = Session.start(["a:0", "b:0", "c:0"])
    assert session.kind_of("a:0") == "review"
    session = session.after_grade("a:0", Grade.HARD)
    assert session.pending == ("b:0", "c:0", "a:0")
    assert session.kind_of("a:0") == "repeat"
    session = session.after_grade("b:0", Grade.PERFECT)
    session = session.after_grade("c:0", Grade.GOOD)
    session = session.after_grade("a:0", Grade.WRONG_EASY)
    assert session.pending == ("a:0",)
    session = session.after_grade("a:0", Grade.GOOD)
    assert session.current is None
    assert session.done == {"a:0", "b:0", "c:0"}


def test_suspended_leech_does_not_come_back():
    session = Session.start(["a:0"]).after_grade("a:0", Grade.BLACKOUT, suspended=True)
    assert session.current is None


def test_grading_a_card_buries_its_pending_siblings():
    session = Session.start(["n:1", "m:0", "n:2"]).after_grade("n:1", Grade.PERFECT)
    assert session.pending == ("m:0",)


def test_leech_on_the_eighth_lapse_and_configurable():
    assert not is_leech(ReviewState(lapses=7))
    assert is_leech(ReviewState(lapses=8))
    assert is_leech(ReviewState(lapses=3), threshold=3)
    assert not is_leech(ReviewState(lapses=50), threshold=0)


def test_the_note_of_a_card_id_is_all_before_the_last_colon():
    assert note_of("abc:def:3") == "abc:def"
