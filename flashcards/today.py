"""Today's queue and due counts, straight from the rules: the specification of the store's SQL.

`flashcards.store` builds the queue and the counts in SQL with shortcuts (an index in queue
order, notes seen today skipped in Python, seen notes of one card counted from the log);
`plan_today` reads every card and today's log entries and applies the rules directly, and
the tests hold the SQL to it on random collections. The rules:

- a card may come when it is not removed, not suspended, not buried past today, in the
  chosen decks (or their sub-decks) and with one of the chosen tags;
- one card per note a day: a note with a card reviewed or repeated today waits until
  tomorrow, and so does a sibling of a card already in the queue;
- due reviews first (most overdue first, then deck and place), then new cards in file order
  (deck file, then place in it), within the daily limits (global and per deck) minus what was
  reviewed today; then today's same-day repeats (last grade below 4), in the order of their
  last grade;
- a deck's counts are its notes (not cards) new and due, within the same limits, none above
  what the global limits leave today over all decks.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from flashcards.grades import SAME_DAY_OK
from flashcards.session import DeckCounts, in_decks

if TYPE_CHECKING:
    from flashcards.config import Limits


@dataclass(frozen=True, slots=True)
class QueueCard:
    """A card as the queue sees it."""

    id: str
    note_id: str
    deck: str
    source_path: str
    #: Place in its deck.
    position: int
    #: None for a new card.
    due: date | None
    removed: bool = False
    suspended: bool = False
    buried_until: date | None = None
    #: Its note's tags (the note's own and its deck's).
    tags: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class LoggedGrade:
    """One of today's review-log entries (not undone), as the queue sees it."""

    #: The log's number: grades were given in this order.
    id: int
    card_id: str
    #: "review", "repeat" or "practice" (practice does not count here).
    kind: str
    grade: int
    #: The card was new before this grade.
    was_new: bool


@dataclass(frozen=True, slots=True)
class TodayPlan:
    """Today's queue (card ids in order) and per-deck counts."""

    queue: tuple[str, ...]
    counts: dict[str, DeckCounts]


def plan_today(
    cards: Iterable[QueueCard],
    log: Iterable[LoggedGrade],
    today: date,
    limits: Limits,
    decks: Sequence[str] | None = None,
    tags: Sequence[str] | None = None,
) -> TodayPlan:
    """Today's queue and due counts from every card and today's log entries.

    Args:
        log: today's entries not undone, in any order.
        decks: only these decks and their sub-decks; tags: only cards with one of these.
    """
    cards = list(cards)
    by_id = {c.id: c for c in cards}
    studied: dict[str, list[int]] = {}  # deck -> [new, reviews] reviewed today
    seen: set[str] = set()
    last: dict[str, LoggedGrade] = {}  # in the order of each card's last grade
    for e in sorted(log, key=lambda e: e.id):
        if e.kind == "practice" or e.card_id not in by_id:
            continue
        card = by_id[e.card_id]
        seen.add(card.note_id)
        last.pop(e.card_id, None)
        last[e.card_id] = e
        if e.kind == "review":
            studied.setdefault(card.deck, [0, 0])[0 if e.was_new else 1] += 1

    def chosen(c: QueueCard) -> bool:
        return (not decks or in_decks(c.deck, decks)) and (
            not tags or any(t in tags for t in c.tags)
        )

    def active(c: QueueCard) -> bool:
        return (
            not c.removed
            and not c.suspended
            and (c.buried_until is None or c.buried_until <= today)
            and chosen(c)
        )

    repeats = [
        cid
        for cid, e in last.items()
        if e.grade < SAME_DAY_OK
        and not by_id[cid].removed
        and not by_id[cid].suspended
        and chosen(by_id[cid])
    ]
    deck_names = sorted({c.deck for c in cards})
    done = [sum(s[kind] for s in studied.values()) for kind in (0, 1)]

    def deck_cap(deck: str, kind: int) -> int | None:
        own = limits.for_deck(deck)
        value = (own.new_per_day, own.reviews_per_day)[kind]
        if value is None:
            return None
        return max(0, value - studied.get(deck, [0, 0])[kind])

    def pick(pool: list[QueueCard], kind: int, total: int, skip: set[str]) -> list[QueueCard]:
        left = total - done[kind]
        per = {d: cap for d in deck_names if (cap := deck_cap(d, kind)) is not None}
        out: list[QueueCard] = []
        taken: dict[str, int] = {}
        notes = set(skip)
        for c in pool:
            if len(out) >= left:
                break
            if c.note_id in notes or taken.get(c.deck, 0) >= per.get(c.deck, len(pool)):
                continue
            notes.add(c.note_id)
            taken[c.deck] = taken.get(c.deck, 0) + 1
            out.append(c)
        return out

    pool = [c for c in cards if active(c) and c.note_id not in seen]
    due_pool = sorted(
        (c for c in pool if c.due is not None and c.due <= today),
        key=lambda c: (c.due, c.deck, c.position, c.id),
    )
    new_pool = sorted(
        (c for c in pool if c.due is None), key=lambda c: (c.source_path, c.position, c.id)
    )
    reviews = pick(due_pool, 1, limits.reviews_per_day, set())
    new = pick(new_pool, 0, limits.new_per_day, {c.note_id for c in reviews})
    # the repeats' notes were seen today, so none of them is in the queue already
    queue = (*(c.id for c in reviews), *(c.id for c in new), *repeats)

    # what the global limits leave today, over all decks: no deck shows more than that
    left = DeckCounts(
        new=max(0, limits.new_per_day - done[0]),
        repeat=len(repeats),
        review=max(0, limits.reviews_per_day - done[1]),
    )
    counts: dict[str, DeckCounts] = {}
    counted = {c.deck for c in (*new_pool, *due_pool)} | {by_id[c].deck for c in repeats}
    for deck in sorted(counted):
        n = len({c.note_id for c in new_pool if c.deck == deck})
        r = len({c.note_id for c in due_pool if c.deck == deck})
        own_new, own_review = deck_cap(deck, 0), deck_cap(deck, 1)
        counts[deck] = DeckCounts(
            new=n if own_new is None else min(n, own_new),
            repeat=sum(1 for cid in repeats if by_id[cid].deck == deck),
            review=r if own_review is None else min(r, own_review),
            deck=deck,
        ).capped(left)
    return TodayPlan(queue, counts)
