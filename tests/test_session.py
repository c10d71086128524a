"""The study day's rules as pure functions: what a grade does, sub-decks, capped counts."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import sqlalchemy as sa
from hypothesis import given, settings
from hypothesis import strategies as st

from flashcards.grades import Grade
from flashcards.scheduler import ReviewState, schedule
from flashcards.session import DeckCounts, apply_grade, combined, in_decks, reviewed_today
from flashcards.store import CARDS, deck_condition

TODAY = date(2026, 3, 1)
NOW = datetime(2026, 3, 1, 9, tzinfo=UTC)


def test_a_review_applies_sm2_and_logs_both_states():
    before = ReviewState()
    entry = apply_grade("n:0", before, Grade.GOOD, now=NOW, today=TODAY, typed="x", seconds=2.0)
    assert entry.kind == "review" and entry.before == before
    assert entry.after == schedule(before, Grade.GOOD, TODAY)
    assert (entry.card_id, entry.study_day, entry.reviewed_at) == ("n:0", TODAY, NOW)
    assert (entry.grade, entry.typed, entry.seconds) == (4, "x", 2.0)
    assert not entry.leech and not entry.undone and entry.id == 0


def test_a_review_of_a_card_reviewed_today_is_a_repeat_that_keeps_the_state():
    state = ReviewState(1, 1, 250, TODAY + timedelta(days=1), 0)
    assert reviewed_today(state, TODAY) and not reviewed_today(state, TODAY + timedelta(days=1))
    entry = apply_grade("n:0", state, Grade.PERFECT, now=NOW, today=TODAY)
    assert entry.kind == "repeat" and entry.after == entry.before == state


def test_practice_and_repeat_leave_the_state_and_are_never_leeches():
    state = ReviewState(3, 20, 200, TODAY, 7)
    for kind in ("repeat", "practice"):
        entry = apply_grade("n:0", state, Grade.BLACKOUT, now=NOW, today=TODAY, kind=kind)
        assert entry.kind == kind and entry.after == state and not entry.leech


def test_a_failing_review_reaching_the_threshold_is_a_leech():
    state = ReviewState(3, 20, 200, TODAY, 7)
    entry = apply_grade("n:0", state, Grade.BLACKOUT, now=NOW, today=TODAY, leech_threshold=8)
    assert entry.leech and entry.after.lapses == 8
    off = apply_grade("n:0", state, Grade.BLACKOUT, now=NOW, today=TODAY, leech_threshold=0)
    assert not off.leech
    # a passing grade is no lapse: never a leech, even past the threshold
    lapsed = ReviewState(3, 20, 200, TODAY, 9)
    assert not apply_grade("n:0", lapsed, Grade.HARD, now=NOW, today=TODAY).leech


def test_counts_add_and_cap_field_by_field():
    a = DeckCounts(new=3, repeat=1, review=5, deck="a")
    assert a + DeckCounts(new=1, deck="a") == DeckCounts(4, 1, 5, "a")
    assert (a + DeckCounts(review=1, deck="b")).deck == ""
    assert a.capped(DeckCounts(new=2, repeat=9, review=4)) == DeckCounts(2, 1, 4, "a")
    assert a.total == 9


def test_decks_combined_show_no_more_than_the_global_limits_leave():
    a = DeckCounts(new=3, repeat=1, review=5, deck="a")
    b = DeckCounts(new=4, repeat=2, review=1, deck="a::b")
    left = DeckCounts(new=5, repeat=3, review=20, deck="total")
    assert combined([a, b], left) == DeckCounts(new=5, repeat=3, review=6)
    assert combined([a, b], left, "a") == DeckCounts(new=5, repeat=3, review=6, deck="a")
    assert combined([], left) == DeckCounts()


names = st.lists(st.sampled_from(["a", "b", ":", ";", "x"]), min_size=1, max_size=4).map(
    lambda parts: "::".join("".join(parts[i : i + 2]) for i in range(0, len(parts), 2))
)


@settings(deadline=None)  # a SQLite engine per example; the first one pays for set-up
@given(st.lists(names, min_size=1, max_size=8), st.lists(names, min_size=1, max_size=3))
def test_the_sql_deck_condition_is_the_in_decks_rule(decks, chosen):
    """`store.deck_condition` picks exactly the decks `in_decks` names (one rule, two forms)."""
    engine = sa.create_engine("sqlite://")
    with engine.connect() as conn:
        conn.exec_driver_sql("CREATE TABLE cards (id TEXT PRIMARY KEY, deck TEXT)")
        for i, deck in enumerate(decks):
            conn.exec_driver_sql("INSERT INTO cards VALUES (?, ?)", (str(i), deck))
        picked = conn.execute(sa.select(CARDS.c.id).where(deck_condition(chosen))).scalars()
        got = {decks[int(i)] for i in picked}
    engine.dispose()
    assert got == {d for d in decks if in_decks(d, chosen)}
    assert in_decks("ml::probability", ["ml"]) and not in_decks("mlx", ["ml"])
