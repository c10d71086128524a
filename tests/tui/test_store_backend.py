"""The study app's backend passes the store's answers through, working no rule out again."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from flashcards.cards import CardKind, Deck, Note
from flashcards.scheduler import ReviewState
from flashcards.store import Store
from tui.store_backend import StoreBackend

TODAY = date(2026, 3, 1)


def backend_with(store: Store, *ids: str) -> StoreBackend:
    notes = tuple(Note(i, CardKind.BASIC, f"q {i}", "a", n + 1, n + 1) for n, i in enumerate(ids))
    store.sync([Deck("d", Path("/decks/d.md"), notes=notes)], ["/decks"])
    return StoreBackend(store)


def test_grade_returns_the_entry_the_store_logged(store: Store) -> None:
    backend = backend_with(store, "n1")
    entry = backend.grade("n1:0", 4, TODAY, "review", answer="x", seconds=2.5)
    assert entry == store.review_log("n1:0")[-1]
    assert entry.kind == "review" and entry.before == ReviewState() and entry.id > 0
    assert (entry.typed, entry.seconds, entry.study_day) == ("x", 2.5, TODAY)
    # a second review the same day is the store's repeat, and the entry says so
    again = backend.grade("n1:0", 5, TODAY, "review")
    assert again.kind == "repeat" and again.after == entry.after
    assert backend.history("n1:0") == store.review_log("n1:0")


def test_a_leech_is_suspended_once_by_the_store_and_the_entry_says_so(store: Store) -> None:
    backend = backend_with(store, "n1")
    store.set_state("n1:0", ReviewState(3, 20, 200, TODAY, 7))
    entry = backend.grade("n1:0", 0, TODAY, "review")
    assert entry.leech and entry.after.lapses == 8
    assert store.card("n1:0").suspended
    backend.undo(entry)
    assert not store.card("n1:0").suspended and store.state("n1:0").lapses == 7


def test_queue_marks_cards_graded_today_as_repeats(store: Store) -> None:
    backend = backend_with(store, "n1", "n2")
    backend.grade("n1:0", 1, TODAY, "review")
    queue, repeats = backend.queue(TODAY)
    assert queue == ["n2:0", "n1:0"] and repeats == ["n1:0"]
    counts = backend.counts(TODAY)
    assert (counts["d"].new, counts["d"].repeat, counts["d"].deck) == (1, 1, "d")
    assert backend.total(TODAY) == store.due_summary(TODAY).total
