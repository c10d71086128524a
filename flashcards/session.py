"""The rules of a study day: what a grade does, leeches, the same-day rule, sibling burying,
which decks a name covers, and due counts within the daily limits.

Pure functions over plain values: the store builds today's queue in SQL and applies grades
through `apply_grade`; the study app keeps a `Session` value, replacing it after every grade.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Literal

from flashcards.grades import SAME_DAY_OK, Grade
from flashcards.identity import note_of
from flashcards.scheduler import ReviewState, fuzz, schedule

if TYPE_CHECKING:
    import random

    from flashcards.fsrs_model import FsrsSettings, Memory

#: What a review-log row records: a scheduled review, a same-day repeat, or quiz practice.
ReviewKind = Literal["review", "repeat", "practice"]
REVIEW_KINDS: tuple[ReviewKind, ...] = ("review", "repeat", "practice")

#: The lapse count at which a card is a leech and is suspended (0 turns the rule off).
DEFAULT_LEECH_THRESHOLD = 8


@dataclass(frozen=True, slots=True)
class LogEntry:
    """One grade as the review log records it (and as `Store.grade` returns it)."""

    #: The log row's number (0 until the database numbers it).
    id: int
    card_id: str
    #: When, in UTC.
    reviewed_at: datetime
    #: The study day (day start applied).
    study_day: date
    kind: ReviewKind
    grade: int
    typed: str | None
    verdict: str | None
    seconds: float | None
    before: ReviewState
    after: ReviewState
    #: This grade made the card a leech and suspended it (undo unsuspends).
    leech: bool
    undone: bool
    #: The card's FSRS memory before and after (None where FSRS has not computed it).
    before_memory: Memory | None = None
    after_memory: Memory | None = None


@dataclass(frozen=True, slots=True)
class DeckCounts:
    """Cards to study today (in one deck, or over several), within the daily limits."""

    new: int = 0
    #: Same-day repeats: graded below 4 today and not yet graded 4 or more.
    repeat: int = 0
    review: int = 0
    #: The deck counted; "" for a sum over several decks, "total" for the whole collection.
    deck: str = ""

    @property
    def total(self) -> int:
        return self.new + self.repeat + self.review

    def __add__(self, other: DeckCounts) -> DeckCounts:
        return DeckCounts(
            self.new + other.new,
            self.repeat + other.repeat,
            self.review + other.review,
            self.deck if self.deck == other.deck else "",
        )

    def capped(self, limit: DeckCounts) -> DeckCounts:
        """These counts, none above `limit` (what the global daily limits leave today)."""
        # built directly, not with `replace`, and only when one is above: this runs for
        # each of 1,000 decks
        if self.new <= limit.new and self.repeat <= limit.repeat and self.review <= limit.review:
            return self
        return DeckCounts(
            min(self.new, limit.new),
            min(self.repeat, limit.repeat),
            min(self.review, limit.review),
            self.deck,
        )


def combined(counts: Iterable[DeckCounts], limit: DeckCounts, deck: str = "") -> DeckCounts:
    """Several decks' counts together (a parent deck's row, or the whole collection's), none
    above `limit`, what the global daily limits leave today over all decks."""
    new = repeat = review = 0
    for c in counts:
        new, repeat, review = new + c.new, repeat + c.repeat, review + c.review
    return DeckCounts(new, repeat, review, deck).capped(limit)


def subdeck_range(deck: str) -> tuple[str, str]:
    """The names strictly between these two (byte order) are the sub-decks of `deck`:
    `deck::...` sorts after `deck::` and before `deck:;`."""
    return deck + "::", deck + ":;"


def in_decks(name: str, chosen: Iterable[str]) -> bool:
    """Whether deck `name` is one of `chosen` or a sub-deck of one (`ml` covers
    `ml::probability`, not `mlx`); `store.deck_condition` is the same test in SQL."""
    for deck in chosen:
        low, high = subdeck_range(deck)
        if name == deck or low < name < high:
            return True
    return False


def reviewed_today(state: ReviewState, today: date) -> bool:
    """A card whose due date is after `today` was reviewed today: another grade today is a
    same-day repeat, not a review (so two windows cannot schedule a card twice)."""
    return state.due is not None and state.due > today


def apply_grade(
    card_id: str,
    before: ReviewState,
    grade: int,
    *,
    now: datetime,
    today: date,
    kind: ReviewKind = "review",
    typed: str | None = None,
    verdict: str | None = None,
    seconds: float | None = None,
    leech_threshold: int = DEFAULT_LEECH_THRESHOLD,
    rng: random.Random | None = None,
    memory: Memory | None = None,
    fsrs: FsrsSettings | None = None,
) -> LogEntry:
    """What one grade does to a card in state `before`, as the log entry to record.

    A "review" applies SM-2 (spread by `rng` when given); a "review" of a card already
    reviewed today becomes a "repeat"; a "repeat" (same-day rule) and "practice" (quiz)
    leave the state. A failing review that reaches the leech threshold sets `leech`: the
    card is to be suspended.

    With `fsrs` settings a review is scheduled by FSRS (`flashcards.schedulers.review`) from
    the card's `memory`, and the entry keeps the memory before and after; without, by SM-2,
    the memory kept as it was.
    """
    grade = Grade(grade)
    if kind == "review" and reviewed_today(before, today):
        kind = "repeat"
    after, after_memory = before, memory
    leech = False
    if kind == "review":
        if fsrs is None:
            after = schedule(before, grade, today)
        else:
            from flashcards.schedulers import review

            after, after_memory = review(before, memory, grade, today, fsrs)
        if rng is not None:
            after = fuzz(after, today, rng)
        leech = not grade.passing and is_leech(after, leech_threshold)
    return LogEntry(
        id=0,
        card_id=card_id,
        reviewed_at=now,
        study_day=today,
        kind=kind,
        grade=int(grade),
        typed=typed,
        verdict=verdict,
        seconds=seconds,
        before=before,
        after=after,
        leech=leech,
        undone=False,
        before_memory=memory,
        after_memory=after_memory,
    )


def comes_back_today(grade: int) -> bool:
    """The same-day rule: a card graded below 4 comes back in the same session."""
    return grade < SAME_DAY_OK


def is_leech(state: ReviewState, threshold: int = DEFAULT_LEECH_THRESHOLD) -> bool:
    """True when the card has lapsed `threshold` times or more (never when threshold is 0)."""
    return threshold > 0 and state.lapses >= threshold


def buried_until(today: date) -> date:
    """The first study day a buried sibling comes back: tomorrow."""
    return today + timedelta(days=1)


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
