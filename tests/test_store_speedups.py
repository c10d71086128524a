"""Today's queue and due counts against a plain-Python reference, on random collections.

The store builds both in SQL with shortcuts (an index in queue order, notes seen today
skipped in Python, seen notes of one card counted from the log); the reference here reads
every card and log row and applies the rules directly, so the shortcuts cannot change what
comes or how much is counted.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from flashcards.cards import CardKind, Deck, Note
from flashcards.config import DeckLimits, Limits
from flashcards.grades import SAME_DAY_OK
from flashcards.scheduler import ReviewState
from flashcards.session import order_queue
from flashcards.store import CARDS, TAGS, Store

TODAY = date(2026, 4, 10)
NOW = datetime(2026, 4, 10, 12, 0, tzinfo=UTC)
DECKS = ("a", "a::b", "a::b::c", "z")
KINDS = (CardKind.BASIC, CardKind.BASIC, CardKind.MATH, CardKind.REVERSIBLE, CardKind.CLOZE)


def random_decks(rng: random.Random) -> list[Deck]:
    """A few decks of notes of every shape: one card, two sides, several clozes."""
    decks = []
    for d, name in enumerate(DECKS):
        notes = []
        for i in range(rng.randint(3, 14)):
            kind = rng.choice(KINDS)
            clozes = tuple(sorted(rng.sample(range(1, 5), rng.randint(1, 3))))
            notes.append(
                Note(
                    f"n{d}x{i}",
                    kind,
                    f"front {d} {i}",
                    "back",
                    i * 3 + 1,
                    i * 3 + 2,
                    tags=(f"t{i % 3}",),
                    cloze_numbers=clozes if kind is CardKind.CLOZE else (),
                )
            )
        decks.append(Deck(name, Path("/decks", f"{d}.md"), notes=tuple(notes)))
    return decks


def other_kind(rng: random.Random, note: Note) -> Note:
    """The same note id as another kind (one card, two sides or clozes)."""
    kind = rng.choice([k for k in KINDS if k is not note.kind])
    clozes = (1, 3) if kind is CardKind.CLOZE else ()
    return replace(note, kind=kind, cloze_numbers=clozes)


def random_collection(rng: random.Random, store: Store) -> None:
    """Sync random decks (on odd seeds again, with some notes of another kind, so that cards
    are removed and kinds change), give the cards random states, then study a little today."""
    decks = random_decks(rng)
    store.sync(decks, ["/decks"])
    if rng.random() < 0.5:
        store.import_states({cid: ReviewState(1, 1, 250, TODAY, 0) for cid in store.card_ids()})
        decks = [
            replace(
                d, notes=tuple(other_kind(rng, n) if rng.random() < 0.3 else n for n in d.notes)
            )
            for d in decks
        ]
        store.sync(decks, ["/decks"])
    ids = store.card_ids()
    states = {}
    for cid in ids:
        if rng.random() < 0.4:
            continue  # new
        days = rng.randint(-5, 5)
        states[cid] = ReviewState(rng.randint(1, 4), 6, 250, TODAY + timedelta(days=days), 0)
    store.import_states(states)
    for cid in rng.sample(ids, len(ids) // 10):
        (store.suspend if rng.random() < 0.5 else store.unsuspend)(cid)
        if rng.random() < 0.5:
            store.bury(cid, TODAY + timedelta(days=rng.choice((0, 1))))
    graded: list[str] = []
    for _ in range(rng.randint(0, 12)):
        queue = store.queue(TODAY, limits=Limits(9999, 9999))
        pick = rng.choice(queue) if queue else None
        if pick is None:
            break
        kind = "repeat" if pick in graded else "review"
        store.grade(pick, rng.choice((1, 2, 3, 4, 5)), now=NOW, today=TODAY, kind=kind)
        graded.append(pick)
        if rng.random() < 0.15:
            store.undo_last(TODAY)


def rows(store: Store) -> tuple[list[Any], list[Any]]:
    cards = store.select(sa.select(CARDS))
    log = [e for e in store.review_log() if e.study_day == TODAY and not e.undone]
    return cards, log


def in_decks(deck: str, decks: Sequence[str] | None) -> bool:
    return not decks or any(deck == d or deck.startswith(d + "::") for d in decks)


def reference(
    store: Store,
    limits: Limits,
    decks: Sequence[str] | None = None,
    tags: Sequence[str] | None = None,
) -> tuple[list[str], dict[str, tuple[int, int, int]]]:
    """Today's queue and per-deck (new, repeat, review) counts, straight from the rules."""
    cards, log = rows(store)
    by_id = {c.id: c for c in cards}
    tagged: set[str] | None = None
    if tags:
        tagged = {r.note_id for r in store.select(sa.select(TAGS)) if r.tag in tags}
    studied: dict[str, list[int]] = {}
    seen: set[str] = set()
    last: dict[str, Any] = {}
    for e in sorted(log, key=lambda e: e.id):
        if e.kind == "practice":
            continue
        seen.add(by_id[e.card_id].note_id)
        last.pop(e.card_id, None)
        last[e.card_id] = e
        if e.kind == "review":
            s = studied.setdefault(by_id[e.card_id].deck, [0, 0])
            s[0 if e.before.due is None else 1] += 1

    def active(c: Any) -> bool:
        return (
            not c.removed
            and not c.suspended
            and (c.buried_until is None or c.buried_until <= TODAY)
            and in_decks(c.deck, decks)
            and (tagged is None or c.note_id in tagged)
        )

    repeats = [
        cid
        for cid, e in last.items()
        if e.grade < SAME_DAY_OK
        and not by_id[cid].removed
        and not by_id[cid].suspended
        and in_decks(by_id[cid].deck, decks)
        and (tagged is None or by_id[cid].note_id in tagged)
    ]

    def caps(kind: int, total: int) -> tuple[int, dict[str, int]]:
        done = sum(s[kind] for s in studied.values())
        per: dict[str, int] = {}
        for deck in DECKS:
            own = limits.for_deck(deck)
            value = (own.new_per_day, own.reviews_per_day)[kind]
            if value is not None:
                per[deck] = max(0, value - studied.get(deck, [0, 0])[kind])
        return total - done, per

    def pick(pool: list[Any], kind: int, total: int, skip: set[str]) -> list[Any]:
        left, per = caps(kind, total)
        out: list[Any] = []
        taken: dict[str, int] = {}
        notes = set(skip)
        for c in pool:
            if len(out) >= left:
                break
            if c.note_id in notes or taken.get(c.deck, 0) >= per.get(c.deck, 1 << 30):
                continue
            notes.add(c.note_id)
            taken[c.deck] = taken.get(c.deck, 0) + 1
            out.append(c)
        return out

    pool = [c for c in cards if active(c) and c.note_id not in seen]
    due_pool = sorted(
        (c for c in pool if c.due is not None and c.due <= TODAY),
        key=lambda c: (c.due, c.deck, c.position, c.id),
    )
    new_pool = sorted(
        (c for c in pool if c.due is None), key=lambda c: (c.source_path, c.position, c.id)
    )
    reviews = pick(due_pool, 1, limits.reviews_per_day, set())
    new = pick(new_pool, 0, limits.new_per_day, {c.note_id for c in reviews})
    queue = order_queue([c.id for c in reviews], [c.id for c in new], repeats)

    counts: dict[str, tuple[int, int, int]] = {}
    if decks is None and tags is None:
        for deck in DECKS:
            n = len({c.note_id for c in new_pool if c.deck == deck})
            r = len({c.note_id for c in due_pool if c.deck == deck})
            rep = sum(1 for cid in repeats if by_id[cid].deck == deck)
            done = studied.get(deck, [0, 0])
            own = limits.for_deck(deck)
            if own.new_per_day is not None:
                n = min(n, max(0, own.new_per_day - done[0]))
            if own.reviews_per_day is not None:
                r = min(r, max(0, own.reviews_per_day - done[1]))
            # no deck row shows more than the global limits leave today, over all decks
            n = min(n, max(0, limits.new_per_day - sum(s[0] for s in studied.values())))
            r = min(r, max(0, limits.reviews_per_day - sum(s[1] for s in studied.values())))
            if n or r or rep or deck in {c.deck for c in new_pool + due_pool}:
                counts[deck] = (n, rep, r)
    return queue, counts


LIMITS = (
    Limits(),
    Limits(3, 4),
    Limits(9999, 9999),
    Limits(5, 6, per_deck=(("a::b", DeckLimits(1, 2)), ("z", DeckLimits(None, 0)))),
)


@pytest.mark.parametrize("seed", range(12))
def test_queue_and_due_counts_match_the_rules(tmp_path, seed):
    rng = random.Random(seed)
    with Store(f"sqlite:///{tmp_path / 'c.sqlite3'}") as store:
        random_collection(rng, store)
        for limits in LIMITS:
            expected_queue, expected_counts = reference(store, limits)
            assert store.queue(TODAY, limits=limits) == expected_queue
            got = {c.deck: (c.new, c.repeat, c.review) for c in store.due_counts(TODAY, limits)}
            assert {d: v for d, v in got.items() if any(v)} == {
                d: v for d, v in expected_counts.items() if any(v)
            }
            for decks, tags in ((["a::b"], None), (None, ["t1"]), (["z", "a::b::c"], ["t0"])):
                assert (
                    store.queue(TODAY, decks, tags, limits)
                    == reference(store, limits, decks, tags)[0]
                )


def test_a_sibling_of_a_note_seen_today_waits_even_past_the_first_rows(tmp_path):
    """Many notes seen today sort before the first card that may come: the store reads
    further than its first batch of rows to find it."""
    notes = [Note(f"r{i:03}", CardKind.REVERSIBLE, f"q{i}", "a", i, i) for i in range(60)]
    with Store(f"sqlite:///{tmp_path / 'c.sqlite3'}") as store:
        store.sync([Deck("d", Path("/decks/d.md"), notes=tuple(notes))], ["/decks"])
        due = TODAY - timedelta(days=1)
        store.import_states(
            {f"r{i:03}:{o}": ReviewState(2, 6, 250, due, 0) for i in range(60) for o in (0, 1)}
        )
        for i in range(59):
            store.grade(f"r{i:03}:0", 5, now=NOW, today=TODAY)
        assert store.queue(TODAY, limits=Limits(20, 100)) == ["r059:0"]
        [counts] = store.due_counts(TODAY, Limits(20, 200))
        assert (counts.new, counts.repeat, counts.review) == (0, 0, 1)


def test_a_seen_note_of_one_card_still_due_is_taken_off_the_counts(tmp_path):
    """A practice grade leaves a card due; a review graded then undone is no longer seen."""
    notes = [Note(f"b{i}", CardKind.BASIC, f"q{i}", "a", i, i) for i in range(3)]
    with Store(f"sqlite:///{tmp_path / 'c.sqlite3'}") as store:
        store.sync([Deck("d", Path("/decks/d.md"), notes=tuple(notes))], ["/decks"])
        store.import_states({"b0:0": ReviewState(2, 6, 250, TODAY, 0)})
        store.grade("b1:0", 5, now=NOW, today=TODAY, kind="repeat")  # seen, still new
        store.grade("b2:0", 5, now=NOW, today=TODAY)
        store.undo_last(TODAY)  # b2 not seen any more
        [counts] = store.due_counts(TODAY)
        assert (counts.new, counts.repeat, counts.review) == (1, 0, 1)
        assert store.queue(TODAY) == ["b0:0", "b2:0"]
