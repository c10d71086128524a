"""`plan_today`, the queue's specification, on hand-made days (tests/test_store_speedups.py
holds the store's SQL to it on random collections)."""

from __future__ import annotations

from datetime import date, timedelta

from flashcards.config import DeckLimits, Limits
from flashcards.session import DeckCounts
from flashcards.today import LoggedGrade, QueueCard, plan_today

TODAY = date(2026, 4, 10)
PAST = TODAY - timedelta(days=3)


def card(cid: str, deck: str = "a", due: date | None = None, position: int = 0, **kw) -> QueueCard:
    return QueueCard(cid, cid.rpartition(":")[0], deck, f"/{deck}.md", position, due, **kw)


def test_reviews_then_new_then_repeats_one_card_per_note():
    cards = [
        card("r:0", due=PAST),
        card("s:1", due=TODAY, position=1),
        card("s:2", position=2),  # a sibling of a review: waits
        card("n:0", position=3),
        card("n:1", position=4),  # a sibling of n:0: waits
        card("x:0", due=TODAY + timedelta(days=1)),  # graded today, comes back
    ]
    log = [LoggedGrade(1, "x:0", "review", 2, was_new=False)]
    plan = plan_today(cards, log, TODAY, Limits())
    assert plan.queue == ("r:0", "s:1", "n:0", "x:0")
    # counts are of notes: s is new (s:2) and due (s:1), as the store counts it
    assert plan.counts == {"a": DeckCounts(new=2, repeat=1, review=2, deck="a")}


def test_a_passing_grade_today_is_no_repeat_and_its_note_waits():
    cards = [card("x:0", due=TODAY + timedelta(days=4)), card("x:1", due=PAST)]
    log = [LoggedGrade(1, "x:0", "review", 4, was_new=True)]
    assert plan_today(cards, log, TODAY, Limits()).queue == ()


def test_limits_take_off_what_was_studied_today_globally_and_per_deck():
    cards = [card(f"a{i}:0", position=i) for i in range(5)]
    cards += [card(f"b{i}:0", deck="b", position=i) for i in range(5)]
    cards.append(card("done:0", due=TODAY + timedelta(days=1)))
    log = [LoggedGrade(1, "done:0", "review", 5, was_new=True)]
    limits = Limits(4, 10, per_deck=(("b", DeckLimits(1, None)),))
    plan = plan_today(cards, log, TODAY, limits)
    # 4 new a day, one studied: 3 left; deck b's own limit is 1
    assert plan.queue == ("a0:0", "a1:0", "a2:0")
    assert plan.counts["a"].new == 3 and plan.counts["b"].new == 1


def test_suspended_buried_removed_and_unchosen_cards_stay_out():
    cards = [
        card("s:0", suspended=True),
        card("b:0", buried_until=TODAY + timedelta(days=1)),
        card("gone:0", removed=True),
        card("back:0", buried_until=TODAY, tags=("t",)),
        card("sub:0", deck="a::b", tags=("t",)),
        card("other:0", deck="ab"),
    ]
    assert plan_today(cards, [], TODAY, Limits()).queue == ("back:0", "sub:0", "other:0")
    assert plan_today(cards, [], TODAY, Limits(), decks=["a"]).queue == ("back:0", "sub:0")
    assert plan_today(cards, [], TODAY, Limits(), tags=["t"]).queue == ("back:0", "sub:0")
