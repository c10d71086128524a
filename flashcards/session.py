"""The order cards come in a session, the same-day rule, leeches and sibling burying.

Pure helpers over card ids: the store builds today's queue in SQL and the study app keeps a
`Session` value, replacing it after every grade.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import Literal

from flashcards.grades import SAME_DAY_OK
from flashcards.scheduler import ReviewState

#: What a review-log row records: a scheduled review, a same-day repeat, or quiz practice.
ReviewKind = Literal["review", "repeat", "practice"]
REVIEW_KINDS: tuple[ReviewKind, ...] = ("review", "repeat", "practice")

#: The lapse count at which a card is a leech and is suspended (0 turns the rule off).
DEFAULT_LEECH_THRESHOLD = 8


def note_of(card_id: str) -> str:
    """The note id of a card id (`note:ordinal`)."""
    return card_id.rpartition(":")[0]


def comes_back_today(grade: int) -> bool:
    """The same-day rule: a card graded below 4 comes back in the same session."""
    return grade < SAME_DAY_OK


def is_leech(state: ReviewState, threshold: int = DEFAULT_LEECH_THRESHOLD) -> bool:
    """True when the card has lapsed `threshold` times or more (never when threshold is 0)."""
    return threshold > 0 and state.lapses >= threshold


def buried_until(today: date) -> date:
    """The first study day a buried sibling comes back: tomorrow."""
    return today + timedelta(days=1)


def order_queue(reviews: Iterable[str], new: Iterable[str], repeats: Iterable[str]) -> list[str]:
    """Today's order: due reviews, then new cards, then same-day repeats; one card per note.

    A card later in the order is dropped when a sibling (same note) came earlier, since
    siblings are buried once one of them is seen; a repeat is never dropped for its own
    earlier self.
    """
    seen_notes: set[str] = set()
    seen_cards: set[str] = set()
    out: list[str] = []
    for card in (*reviews, *new):
        note = note_of(card)
        if note in seen_notes:
            continue
        seen_notes.add(note)
        seen_cards.add(card)
        out.append(card)
    for card in repeats:
        if card in seen_cards:
            continue
        seen_cards.add(card)
        out.append(card)
    return out


@dataclass(frozen=True, slots=True)
class Session:
    """One study session: the cards still to show and those graded so far."""

    #: Cards still to show, in order.
    pending: tuple[str, ...] = ()
    #: Cards graded at least once in this session (their next grade is a repeat).
    graded: frozenset[str] = frozenset()
    #: Cards done for today: graded 4 or more, or suspended as leeches.
    done: frozenset[str] = frozenset()

    @classmethod
    def start(cls, queue: Iterable[str], repeats: Iterable[str] = ()) -> Session:
        """A session over `queue`; `repeats` are cards already graded today (same-day repeats)."""
        return cls(pending=tuple(queue), graded=frozenset(repeats))

    @property
    def current(self) -> str | None:
        """The card to show now, or None when the session is over."""
        return self.pending[0] if self.pending else None

    def kind_of(self, card_id: str) -> ReviewKind:
        """How the next grade of `card_id` is logged: its first grade today is a review."""
        return "repeat" if card_id in self.graded else "review"

    def after_grade(self, card_id: str, grade: int, *, suspended: bool = False) -> Session:
        """The session after `card_id` was graded: it goes to the back if graded below 4.

        Its siblings still pending are dropped: they are buried until tomorrow.
        """
        note = note_of(card_id)
        pending = tuple(c for c in self.pending if c != card_id and note_of(c) != note)
        graded = self.graded | {card_id}
        if comes_back_today(grade) and not suspended:
            return replace(self, pending=(*pending, card_id), graded=graded)
        return replace(self, pending=pending, graded=graded, done=self.done | {card_id})

    def skip(self, card_id: str) -> Session:
        """The session without `card_id` (buried or suspended by the learner)."""
        return replace(self, pending=tuple(c for c in self.pending if c != card_id))

    def replace_card(self, old: str, new: str) -> Session:
        """The session with card `old` renamed `new` where it waits (its id changed in an
        edit of its deck)."""
        return replace(self, pending=tuple(new if c == old else c for c in self.pending))

    def drop(self, card_id: str) -> Session:
        """The session after `card_id` was asked once and for all (a quiz asks each card
        once): it leaves the queue, graded and done."""
        return replace(
            self,
            pending=tuple(c for c in self.pending if c != card_id),
            graded=self.graded | {card_id},
            done=self.done | {card_id},
        )
