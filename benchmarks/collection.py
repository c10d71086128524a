"""A synthetic collection for benchmarks, shaped like the one Anki was measured on.

100,000 cards by default in 100 decks: about 40% new, 50% in review with due dates spread
over a year (some overdue), 10% learning (lapsed, due today or tomorrow), and about 10
review-log rows per reviewed card. Built through the store's own API and cached in
`benchmarks/results/` (git-ignored), so later runs only copy a file.

    from benchmarks.collection import collection_copy, write_deck_tree, TODAY
    path = collection_copy(tmp_dir / "c.sqlite3")       # a fresh copy to measure on
"""

from __future__ import annotations

import json
import random
import shutil
import statistics
import time as clock
from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

TODAY = date(2026, 6, 1)
RESULTS = Path(__file__).resolve().parent / "results"


def synthetic_decks(cards: int = 100_000, decks: int = 100, seed: int = 1) -> list:
    """Decks of basic notes with some reversible ones (siblings), `cards` cards in all."""
    from flashcards.cards import CardKind, Deck, Note

    rng = random.Random(seed)
    per_deck = cards // decks
    out = []
    for d in range(decks):
        notes = []
        made = 0
        i = 0
        while made < per_deck:
            reversible = rng.random() < 0.1 and per_deck - made >= 2
            kind = CardKind.REVERSIBLE if reversible else CardKind.BASIC
            nid = f"d{d:03}n{i:05}"
            notes.append(
                Note(
                    nid,
                    kind,
                    f"Question {i} of deck {d}: what is $x_{{{i}}}$?",
                    f"Answer {i}",
                    i * 3 + 1,
                    i * 3 + 2,
                    tags=("bench", f"t{i % 7}"),
                )
            )
            made += 2 if reversible else 1
            i += 1
        name = f"bench::topic{d % 10}::deck{d:03}"
        out.append(Deck(name, Path(f"/bench/topic{d % 10}/deck{d:03}.md"), notes=tuple(notes)))
    return out


def _history(rng: random.Random, card_id: str, final, rows: int) -> list:
    """`rows` plausible log rows ending in the state `final` (states walk up to it)."""
    from flashcards.scheduler import ReviewState
    from flashcards.store import LogEntry

    out = []
    day = TODAY - timedelta(days=rng.randint(rows * 5, 700))
    state = ReviewState()
    for n in range(rows):
        grade = rng.choice((2, 3, 4, 4, 4, 5, 5))
        after = ReviewState(
            repetitions=min(n + 1, final.repetitions),
            interval_days=max(1, final.interval_days * (n + 1) // rows),
            ease_pct=final.ease_pct,
            due=day + timedelta(days=1 + n),
            lapses=min(final.lapses, n),
        )
        when = datetime.combine(day, time(9, rng.randint(0, 59)), tzinfo=UTC)
        out.append(
            LogEntry(
                0, card_id, when, day, "review", grade, None, None, 6.0, state, after, False, False
            )
        )
        state = after
        day += timedelta(days=max(1, after.interval_days // 2))
        if day >= TODAY:
            day = TODAY - timedelta(days=1)
    return out


def build_collection(path: Path, cards: int = 100_000, decks: int = 100, seed: int = 1) -> dict:
    """Create the synthetic collection at `path`; returns its shape (counts by state)."""
    from flashcards.scheduler import ReviewState
    from flashcards.store import Store

    rng = random.Random(seed)
    deck_list = synthetic_decks(cards, decks, seed)
    shape = {"cards": 0, "new": 0, "review": 0, "learning": 0, "log_rows": 0}
    with Store(f"sqlite:///{path}") as store:
        store.sync(deck_list, ["/bench"])
        states: dict[str, ReviewState] = {}
        log = []
        for deck in deck_list:
            for card in deck.cards:
                shape["cards"] += 1
                r = rng.random()
                if r < 0.4:
                    shape["new"] += 1
                    continue
                if r < 0.9:
                    shape["review"] += 1
                    interval = rng.randint(7, 365)
                    state = ReviewState(
                        repetitions=rng.randint(3, 12),
                        interval_days=interval,
                        ease_pct=rng.randrange(130, 300, 2),
                        due=TODAY + timedelta(days=rng.randint(-30, 335)),
                        lapses=rng.choice((0, 0, 0, 1, 2)),
                    )
                else:
                    shape["learning"] += 1
                    state = ReviewState(
                        repetitions=rng.randint(0, 1),
                        interval_days=1,
                        ease_pct=rng.randrange(130, 250, 2),
                        due=TODAY + timedelta(days=rng.randint(0, 1)),
                        lapses=rng.randint(1, 4),
                    )
                states[card.id] = state
                log.extend(_history(rng, card.id, state, rng.randint(8, 12)))
        store.import_states(states)
        store.import_log(log)
        shape["log_rows"] = len(log)
    return shape


def collection_copy(target: Path, cards: int = 100_000, decks: int = 100, seed: int = 1) -> Path:
    """A fresh copy of the cached synthetic collection at `target` (built on first use)."""
    from flashcards.store import copy_database

    RESULTS.mkdir(exist_ok=True)
    cached = RESULTS / f"collection-{cards}-{decks}-{seed}.sqlite3"
    if not cached.exists():
        partial = cached.with_suffix(".partial")
        for leftover in RESULTS.glob(partial.name + "*"):
            leftover.unlink()
        build_collection(partial, cards, decks, seed)
        shutil.move(partial, cached)
        for leftover in RESULTS.glob(partial.name + "*"):
            leftover.unlink()
    copy_database(cached, target)
    return target


def qa_card(f: int, j: int) -> str:
    """Card `j` of file `f`: a plain Q/A card."""
    return f"Q: What is the log of product {f}-{j}?\nA: The sum of the logs, {f}-{j}.\n"


def write_deck_tree(
    root: Path,
    cards: int = 10_000,
    files: int = 100,
    card: Callable[[int, int], str] = qa_card,
    header: Callable[[int], str] | None = None,
) -> None:
    """A deck tree of `files` Markdown files in 10 folders, `cards` cards in all.

    Args:
        card: the text of card j of file f, given (f, j); blank lines go between cards.
        header: the text that opens file f (front matter), if any.
    """
    per_file = cards // files
    for f in range(files):
        folder = root / f"topic{f % 10}"
        folder.mkdir(parents=True, exist_ok=True)
        body = "\n".join(card(f, j) for j in range(per_file))
        text = header(f) + body if header is not None else body
        (folder / f"deck{f:03}.md").write_text(text, encoding="utf-8")


def save_result(name: str, doc: dict) -> Path:
    """Write a benchmark's figures as JSON to `benchmarks/results/<name>.json`."""
    RESULTS.mkdir(exist_ok=True)
    path = RESULTS / f"{name}.json"
    path.write_text(json.dumps(doc, indent=2))
    return path


def median_ms(
    fn: Callable[[], object],
    repeat: int,
    warmup: int = 2,
    setup: Callable[[], object] | None = None,
) -> float:
    """Median wall time of `fn` in milliseconds, over `repeat` runs after `warmup` runs.

    `setup`, when given, runs untimed before every run, warm-ups included.
    """
    times = []
    for i in range(warmup + repeat):
        if setup is not None:
            setup()
        start = clock.perf_counter()
        fn()
        if i >= warmup:
            times.append(clock.perf_counter() - start)
    return statistics.median(times) * 1000
