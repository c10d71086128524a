"""What the study app needs from the collection, and an in-memory collection for tests.

The app talks to a `Backend`; `store_backend(store)` adapts the SQL store to it. Keeping the
screen code on this small surface lets Pilot tests drive whole sessions without a database,
and keeps every write (grade, undo, suspend, bury) one call that commits before returning.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from typing import Any, Protocol

from flashcards.cards import Card, Deck
from flashcards.scheduler import ReviewState, schedule
from flashcards.session import ReviewKind, buried_until, comes_back_today, order_queue


@dataclass(frozen=True, slots=True)
class DeckCounts:
    """Cards of one deck to study today."""

    new: int = 0
    repeat: int = 0
    review: int = 0

    @property
    def total(self) -> int:
        return self.new + self.repeat + self.review

    def __add__(self, other: DeckCounts) -> DeckCounts:
        return DeckCounts(
            self.new + other.new, self.repeat + other.repeat, self.review + other.review
        )


@dataclass(frozen=True, slots=True)
class LogEntry:
    """One row of a card's review history."""

    id: int
    card_id: str
    day: date
    kind: ReviewKind
    grade: int
    answer: str | None = None
    verdict: str | None = None
    seconds: float = 0.0
    before: ReviewState = field(default_factory=ReviewState)
    after: ReviewState = field(default_factory=ReviewState)
    undone: bool = False


class Backend(Protocol):
    """The collection as the study app sees it. Every write commits before it returns."""

    def sync(self, decks: Sequence[Deck]) -> None: ...
    def counts(self, today: date) -> dict[str, DeckCounts]: ...
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
    ) -> LogEntry: ...
    def undo(self, entry: LogEntry) -> None: ...
    def suspend(self, card_id: str) -> None: ...
    def bury(self, card_id: str, until: date) -> None: ...
    def add_accepted_answer(self, card_id: str, answer: str) -> None: ...
    def history(self, card_id: str) -> list[LogEntry]: ...
    def due_count(self, day: date) -> int: ...


@dataclass
class _Row:
    deck: str
    tags: tuple[str, ...]
    order: int
    state: ReviewState = field(default_factory=ReviewState)
    suspended: bool = False
    buried_until: date | None = None
    removed: bool = False


class MemoryBackend:
    """A collection kept in memory: the same rules as the store, for tests and trials."""

    def __init__(self, new_per_day: int = 20, reviews_per_day: int = 200) -> None:
        self.rows: dict[str, _Row] = {}
        self.log: list[LogEntry] = []
        self.accepted: dict[str, list[str]] = {}
        self.new_per_day = new_per_day
        self.reviews_per_day = reviews_per_day

    def sync(self, decks: Sequence[Deck]) -> None:
        """Add new cards, keep known ones (and their state), mark vanished ones removed."""
        seen: set[str] = set()
        order = len(self.rows)
        for deck in decks:
            for card in deck.cards:
                seen.add(card.id)
                tags = tuple(dict.fromkeys((*deck.tags, *card.note.tags)))
                row = self.rows.get(card.id)
                if row is None:
                    self.rows[card.id] = _Row(deck.name, tags, order)
                    order += 1
                else:
                    row.deck, row.tags, row.removed = deck.name, tags, False
        synced = {deck.name for deck in decks}
        for card_id, row in self.rows.items():
            if card_id not in seen and row.deck in synced:
                row.removed = True

    def _live(
        self, today: date, decks: Iterable[str] | None, tag: str | None
    ) -> list[tuple[str, _Row]]:
        chosen = None if decks is None else tuple(decks)

        def in_decks(name: str) -> bool:
            return chosen is None or any(name == d or name.startswith(d + "::") for d in chosen)

        return [
            (cid, row)
            for cid, row in self.rows.items()
            if not row.removed
            and not row.suspended
            and not (row.buried_until and row.buried_until > today)
            and in_decks(row.deck)
            and (tag is None or tag in row.tags)
        ]

    def _today_log(self, today: date) -> list[LogEntry]:
        return [e for e in self.log if e.day == today and not e.undone and e.kind != "practice"]

    def _repeats(self, today: date) -> dict[str, bool]:
        """Cards graded today: True when their last grade brings them back today."""
        last: dict[str, bool] = {}
        for entry in self._today_log(today):
            last[entry.card_id] = comes_back_today(entry.grade)
        return last

    def queue(
        self, today: date, decks: Iterable[str] | None = None, tag: str | None = None
    ) -> tuple[list[str], list[str]]:
        """Today's cards in order, and those already graded today (their next grade repeats)."""
        live = self._live(today, decks, tag)
        graded = self._repeats(today)
        first_today = {e.card_id: e.before for e in reversed(self._today_log(today))}
        new_seen = sum(1 for before in first_today.values() if before.is_new)
        reviews_seen = len(first_today) - new_seen
        reviews = sorted(
            (
                (row.state.due, cid)
                for cid, row in live
                if cid not in graded and row.state.due and row.state.due <= today
            ),
        )
        new = sorted(
            (row.order, cid) for cid, row in live if row.state.is_new and cid not in graded
        )
        repeats = [cid for cid, row in live if graded.get(cid)]
        queue = order_queue(
            [c for _, c in reviews][: max(0, self.reviews_per_day - reviews_seen)],
            [c for _, c in new][: max(0, self.new_per_day - new_seen)],
            repeats,
        )
        return queue, list(graded)

    def counts(self, today: date) -> dict[str, DeckCounts]:
        """New, repeat and review cards due today per deck (before the daily limits)."""
        out: dict[str, DeckCounts] = {}
        graded = self._repeats(today)
        for cid, row in self._live(today, None, None):
            c = out.get(row.deck, DeckCounts())
            if graded.get(cid):
                c = replace(c, repeat=c.repeat + 1)
            elif cid in graded:
                pass
            elif row.state.is_new:
                c = replace(c, new=c.new + 1)
            elif row.state.due and row.state.due <= today:
                c = replace(c, review=c.review + 1)
            out[row.deck] = c
        for row in self.rows.values():
            out.setdefault(row.deck, DeckCounts())
        return out

    def state(self, card_id: str) -> ReviewState:
        return self.rows[card_id].state

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
        """Log a grade; a review changes the schedule, a repeat or practice does not."""
        row = self.rows[card_id]
        before = row.state
        after = schedule(before, grade, today) if kind == "review" else before
        entry = LogEntry(
            len(self.log) + 1, card_id, today, kind, grade, answer, verdict, seconds, before, after
        )
        self.log.append(entry)
        row.state = after
        return entry

    def undo(self, entry: LogEntry) -> None:
        """Mark the log row undone and put the card's state back."""
        index = entry.id - 1
        self.log[index] = replace(self.log[index], undone=True)
        self.rows[entry.card_id].state = entry.before

    def suspend(self, card_id: str) -> None:
        self.rows[card_id].suspended = True

    def unsuspend(self, card_id: str) -> None:
        self.rows[card_id].suspended = False

    def bury(self, card_id: str, until: date) -> None:
        self.rows[card_id].buried_until = until

    def add_accepted_answer(self, card_id: str, answer: str) -> None:
        self.accepted.setdefault(card_id, []).append(answer)

    def history(self, card_id: str) -> list[LogEntry]:
        return [e for e in self.log if e.card_id == card_id]

    def due_count(self, day: date) -> int:
        """Reviews due on or before `day` (new cards not counted)."""
        return sum(
            1
            for _cid, row in self._live(day, None, None)
            if row.state.due is not None and row.state.due <= day
        )


def card_index(decks: Sequence[Deck]) -> dict[str, tuple[Card, Deck]]:
    """Every card of the decks by id, with its deck."""
    return {card.id: (card, deck) for deck in decks for card in deck.cards}


def now() -> datetime:
    """The wall clock, read only by the shell."""
    return datetime.now()


def bury_date(today: date) -> date:
    """When a buried card comes back."""
    return buried_until(today)


def describe_state(state: ReviewState) -> dict[str, Any]:
    """A card's scheduling numbers for the info panel."""
    return {
        "ease": f"{state.ease:.2f}",
        "interval": f"{state.interval_days} d",
        "due": state.due.isoformat() if state.due else "new",
        "repetitions": state.repetitions,
        "lapses": state.lapses,
    }
