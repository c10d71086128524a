"""What the study app needs from the collection.

The screens talk to a `Backend`; `tui.store_backend.StoreBackend` adapts the SQL store to
it. Keeping the screens on this small surface keeps every write (grade, undo, suspend,
bury) one call that commits before returning.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from typing import TYPE_CHECKING, Any, Protocol

from flashcards.cards import Card, Deck
from flashcards.scheduler import ReviewState
from flashcards.session import DeckCounts, LogEntry, ReviewKind, in_decks

# The study app's values are the core's: one DeckCounts, one LogEntry, one sub-deck rule.
__all__ = [
    "Backend",
    "DeckCounts",
    "LogEntry",
    "card_index",
    "describe_state",
    "in_decks",
]

if TYPE_CHECKING:
    from flashcards.stats import Stats
    from flashcards.stored import RebuiltDecks


class Backend(Protocol):
    """The collection as the study app sees it. Every write commits before it returns."""

    def sync(self, decks: Sequence[Deck], progress: Any = None) -> None: ...
    def counts(self, today: date, tag: str | None = None) -> dict[str, DeckCounts]: ...
    def total(self, today: date) -> DeckCounts: ...
    def queue(
        self, today: date, decks: Iterable[str] | None = None, tag: str | None = None
    ) -> tuple[list[str], list[str]]: ...
    def state(self, card_id: str) -> ReviewState: ...
    def grade(
        self,
        card_id: str,
        grade: int,
        today: date,
        kind: ReviewKind,
        *,
        answer: str | None = None,
        verdict: str | None = None,
        seconds: float = 0.0,
    ) -> LogEntry:
        """Record a grade; the entry logged says its kind (a review of a card reviewed today
        is a repeat), the states before and after, and whether the card became a leech (and
        was suspended)."""
        ...

    def undo(self, entry: LogEntry) -> None: ...
    def suspend(self, card_id: str) -> None: ...
    def unsuspend(self, card_id: str) -> None: ...
    def bury(self, card_id: str, until: date) -> None: ...
    def unbury(self, card_id: str) -> None: ...
    def add_accepted_answer(self, card_id: str, answer: str) -> bool: ...
    def remove_accepted_answer(self, card_id: str, answer: str) -> None: ...
    def accepted_answers(self, card_id: str) -> list[str]: ...
    def history(self, card_id: str) -> list[LogEntry]: ...
    def due_count(self, day: date, decks: Sequence[str] | None = None) -> int: ...
    def stats(self, today: date, deck: str | None = None) -> Stats: ...
    def new_waiting(
        self, today: date, decks: Iterable[str] | None = None, tag: str | None = None
    ) -> int: ...
    def allow_more_new(self, count: int) -> None: ...
    def scheduler(self, deck: str) -> str:
        """The scheduler of a deck ("sm2" or "fsrs"), as the collection's settings say."""
        ...

    def decks_elsewhere(self, loaded: Sequence[Deck]) -> RebuiltDecks:
        """The synced decks whose files are not among `loaded` (decks of another machine),
        rebuilt from the text the collection keeps of them (`flashcards.stored`)."""
        ...


def card_index(
    decks: Sequence[Deck], elsewhere: Sequence[Deck] = ()
) -> dict[str, tuple[Card, Deck]]:
    """Every card of the decks by id, with its deck; a card of both a deck read here and a
    deck rebuilt from the collection (`elsewhere`) is the one read here."""
    return {card.id: (card, deck) for deck in (*elsewhere, *decks) for card in deck.cards}


def describe_state(state: ReviewState) -> dict[str, Any]:
    """A card's scheduling numbers for the info panel."""
    return {
        "ease": f"{state.ease:.2f}",
        "interval": f"{state.interval_days} d",
        "due": state.due.isoformat() if state.due else "new",
        "repetitions": state.repetitions,
        "lapses": state.lapses,
    }
