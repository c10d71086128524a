"""A synthetic collection as plain data, and the same collection built in Anki's own backend.

`synthetic_cards` describes a collection without reference to either program: which deck each
card is in, whether it is new, in review (due dates spread over a year) or in learning, and its
review history. `build_anki` writes that description straight into an Anki collection in one
transaction (adding 100,000 notes through Anki's note API would take minutes), so both
programs can be timed on the same cards.

Usage: python benchmarks/anki_collection.py [--cards 10000] [--out collection.anki2]
"""

from __future__ import annotations

import argparse
import hashlib
import random
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from anki.collection import Collection

#: The parent deck every synthetic deck lives under, so one study queue covers them all.
PARENT_DECK = "bench"
#: Days of history before today: Anki's day numbers count from the collection's creation.
HISTORY_DAYS = 400

#: "learning" cards were failed today and come back within minutes (Anki's intraday
#: learning, flashcards' same-day repeats); "relearning" ones were failed on an earlier day
#: and are due today (Anki's interday learning, a due review in flashcards).
CardState = Literal["new", "review", "learning", "relearning"]


@dataclass(frozen=True, slots=True)
class Review:
    """One review-log row of a synthetic card."""

    #: Days before today the review happened (0 is today).
    days_ago: int
    #: The SM-2 grade given, 0-5.
    grade: int
    #: The interval in days the review set (0 for a card sent back to learning).
    interval: int
    #: The interval before the review.
    last_interval: int
    #: The ease after the review, in hundredths.
    ease_pct: int


@dataclass(frozen=True, slots=True)
class SyntheticCard:
    """One card of a synthetic collection, with one note of its own."""

    index: int
    deck: str
    state: CardState
    #: Days from today to the due date (negative when overdue); 0 for new and learning cards.
    due_in: int = 0
    #: The interval in days (for a learning card, the one it will have after relearning).
    interval: int = 0
    ease_pct: int = 250
    repetitions: int = 0
    lapses: int = 0
    log: tuple[Review, ...] = ()

    @property
    def front(self) -> str:
        """The card's question text."""
        return f"Question {self.index}: what is $\\partial_x x^{{{self.index % 97 + 2}}}$?"

    @property
    def back(self) -> str:
        """The card's answer text."""
        return f"Answer {self.index}: ${self.index % 97 + 2} x^{{{self.index % 97 + 1}}}$"


def deck_names(decks: int) -> list[str]:
    """The names of `decks` synthetic decks, all under `PARENT_DECK`."""
    return [f"{PARENT_DECK}::deck{d:02}" for d in range(decks)]


def _history(
    rng: random.Random, last_days_ago: int, failed: bool, interval: int, ease_pct: int
) -> list[Review]:
    """6 to 14 reviews, intervals growing, the last `last_days_ago` days ago setting
    `interval` (or failing, for a card in learning)."""
    rows = rng.randint(6, 14)
    days = sorted(rng.sample(range(last_days_ago + 1, HISTORY_DAYS), rows - 1), reverse=True)
    out: list[Review] = []
    last = 0
    for day in days:
        ivl = max(1, min(last * 2 + 1, 120))
        out.append(Review(day, rng.choice((3, 4, 4, 5, 2)), ivl, last, ease_pct))
        last = ivl
    if failed:
        out.append(Review(last_days_ago, rng.choice((1, 2)), 0, last, ease_pct))
    else:
        out.append(Review(last_days_ago, 4, interval, last, ease_pct))
    return out


def synthetic_cards(count: int, decks: int = 8, seed: int = 0) -> list[SyntheticCard]:
    """A collection of `count` cards: ~40% new, 50% in review (due over a year), 10% learning
    (one in ten of those failed today, the others on one of the three days before)."""
    rng = random.Random(seed)
    names = deck_names(decks)
    out: list[SyntheticCard] = []
    for i in range(count):
        deck = names[i % decks]
        roll = rng.random()
        if roll < 0.4:
            out.append(SyntheticCard(i, deck, "new"))
            continue
        ease = rng.randrange(130, 300, 2)
        state: CardState
        if roll < 0.9:
            state = "review"
            # Spread over a year, a month of it overdue, as in a collection used for a while.
            due_in = rng.randint(-30, 334)
            interval = max(1, min(365, abs(due_in) + rng.randint(1, 30)))
            log = _history(rng, interval - due_in, False, interval, ease)
        elif roll < 0.91:
            state, due_in, interval = "learning", 0, 1
            log = _history(rng, 0, True, interval, ease)
        else:
            # Failed 1-3 days ago, with a one-day relearning step: due today or overdue.
            failed_days_ago = rng.randint(1, 3)
            state, due_in, interval = "relearning", 1 - failed_days_ago, 1
            log = _history(rng, failed_days_ago, True, interval, ease)
        out.append(
            SyntheticCard(
                i,
                deck,
                state,
                due_in=due_in,
                interval=interval,
                ease_pct=ease,
                repetitions=len(log),
                lapses=sum(1 for r in log if r.grade < 3),
                log=tuple(log),
            )
        )
    return out


def anki_ease(grade: int) -> int:
    """The Anki answer button for an SM-2 grade: 0-2 Again, 3 Hard, 4 Good, 5 Easy."""
    return 1 if grade < 3 else grade - 1


#: Anki's review-log types.
REVLOG_LEARN, REVLOG_REVIEW, REVLOG_RELEARN = 0, 1, 2


def revlog_type(index: int, review: Review) -> int:
    """The Anki review-log type of a card's review number `index` (0 the first).

    A card's first review in Anki is a learning one (here it graduates at once, to a one-day
    interval); a failed review sends the card to relearning. The learning entry also makes
    the history complete for FSRS: Anki computes a card's memory state from its first
    learning entry on, as flashcards replays a log from its first row, where without one
    it would start from the SM-2 ease and interval of the first review.
    """
    if index == 0:
        return REVLOG_LEARN
    return REVLOG_RELEARN if review.interval == 0 else REVLOG_REVIEW


@dataclass(frozen=True, slots=True)
class AnkiCollection:
    """An open Anki collection holding a synthetic collection."""

    col: Collection
    parent_id: int
    deck_ids: dict[str, int]
    today: int

    def close(self) -> None:
        """Close the collection, writing it to disk."""
        self.col.close()


def set_limits(col: Collection, new_per_day: int, reviews_per_day: int) -> None:
    """Give every deck the same daily limits (Anki's default preset is shared by all decks)."""
    conf = col.decks.get_config(1)
    conf["new"]["perDay"] = new_per_day
    conf["rev"]["perDay"] = reviews_per_day
    # Learning cards in the synthetic collection have one step left, as relearning cards.
    conf["lapse"]["delays"] = [10.0]
    col.decks.update_config(conf)
    # flashcards' new-card limit does not depend on the reviews due, so neither does Anki's here.
    col.set_config("newCardsIgnoreReviewLimit", True)


def build_anki(
    path: Path,
    cards: Sequence[SyntheticCard],
    *,
    new_per_day: int = 20,
    reviews_per_day: int = 200,
    now: float | None = None,
) -> AnkiCollection:
    """Write `cards` into a new Anki collection at `path`, in one transaction."""
    from anki.collection import Collection

    now = time.time() if now is None else now
    col = Collection(str(path))
    # Move the creation day back so that past due dates and review days are positive numbers.
    col.crt = col.crt - HISTORY_DAYS * 86_400
    today = col.sched.today
    set_limits(col, new_per_day, reviews_per_day)
    parent_id = int(col.decks.id(PARENT_DECK))
    deck_ids = {name: int(col.decks.id(name)) for name in sorted({c.deck for c in cards})}
    model = col.models.by_name("Basic")
    assert model is not None
    mid = model["id"]
    stamp = int(now)
    day_start = col.crt  # seconds at the start of day 0

    notes: list[tuple] = []
    rows: list[tuple] = []
    log: list[tuple] = []
    base_nid = int(now * 1000) - 10 * len(cards)
    for c in cards:
        nid = base_nid + c.index
        cid = nid
        sfld = c.front
        csum = int(hashlib.sha1(sfld.encode()).hexdigest()[:8], 16)
        notes.append(
            (
                nid,
                f"bench{c.index}",
                mid,
                stamp,
                -1,
                "",
                f"{c.front}\x1f{c.back}",
                sfld,
                csum,
                0,
                "",
            )
        )
        last_review = 0
        for n, r in enumerate(c.log):
            # Review-log ids are millisecond stamps and must be unique: a day holds 86.4
            # million of them, more than the rows of any collection built here.
            seconds = day_start + (today - r.days_ago) * 86_400 + 3_600
            log.append(
                (seconds * 1000 + len(log), cid, -1, anki_ease(r.grade), r.interval,
                 r.last_interval, r.ease_pct * 10, 8_000, revlog_type(n, r))
            )  # fmt: skip
            last_review = log[-1][0] // 1000
        if c.state == "new":
            ctype, queue, due, left = 0, 0, c.index, 0
        elif c.state == "review":
            ctype, queue, due, left = 2, 2, today + c.due_in, 0
        elif c.state == "relearning":
            ctype, queue, due, left = 3, 3, today + c.due_in, 1
        else:
            # Failed today, due again a little before now so it is in today's queue.
            ctype, queue, due, left = 3, 1, int(now) - 60 - c.index % 600, 1
        # Anki keeps the last review's time in the card's data; its check adds it if missing.
        data = f'{{"lrt":{last_review}}}' if last_review else ""
        rows.append(
            (cid, nid, deck_ids[c.deck], 0, stamp, -1, ctype, queue, due, c.interval,
             c.ease_pct * 10 if c.state != "new" else 0, c.repetitions, c.lapses, left,
             0, 0, 0, data)
        )  # fmt: skip

    def write() -> None:
        col.db.executemany("insert into notes values (?,?,?,?,?,?,?,?,?,?,?)", notes)
        col.db.executemany("insert into cards values (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)", rows)
        col.db.executemany("insert into revlog values (?,?,?,?,?,?,?,?,?)", log)

    col.db.transact(write)
    col.decks.select(parent_id)
    return AnkiCollection(col, parent_id, deck_ids, today)


def check_anki(anki: AnkiCollection) -> list[str]:
    """Anki's own database check; an empty list when it found nothing to fix."""
    problems = list(anki.col._backend.check_database())
    return problems


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--cards", type=int, default=10_000)
    parser.add_argument("--decks", type=int, default=8)
    parser.add_argument("--out", type=Path, default=Path("collection.anki2"))
    parser.add_argument("--check", action="store_true", help="run Anki's database check")
    args = parser.parse_args()
    if args.out.exists():
        print(f"{args.out} exists; remove it first", file=sys.stderr)
        return 1
    started = time.perf_counter()
    cards = synthetic_cards(args.cards, args.decks)
    generated = time.perf_counter()
    anki = build_anki(args.out, cards)
    built = time.perf_counter()
    counts = anki.col.db.first(
        "select count(), sum(queue = 0), sum(queue = 2), sum(queue = 1) from cards"
    )
    revlog = anki.col.db.scalar("select count() from revlog")
    print(
        f"generated in {(generated - started) * 1000:.0f} ms, built in {(built - generated) * 1000:.0f} ms"
    )
    print(
        f"cards {counts[0]}: new {counts[1]}, review {counts[2]}, learning {counts[3]}; revlog {revlog}"
    )
    if args.check:
        problems = check_anki(anki)
        print("check:", problems or "ok")
    anki.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
