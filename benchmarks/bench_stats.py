"""Every statistic of `flashcards stats` on 100,000 cards and 1,000,000 review-log rows.

Usage: python benchmarks/bench_stats.py [--repeat 7]

The collection is the store benchmark's synthetic one (benchmarks/collection.py: 100,000
cards, about 600,000 scheduled reviews over two years), topped up to 1,000,000 log rows with
reviews, same-day repeats, quiz answers and undone grades over the past year, and cached in
benchmarks/results/ (git-ignored). Each figure is the median of repeated runs after a
warm-up. Target (2-core machine): all statistics in under 1 s. Results go to
benchmarks/results/stats.json.
"""

from __future__ import annotations

import argparse
import random
import shutil
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.collection import (  # noqa: E402
    RESULTS,
    TODAY,
    collection_copy,
    median_ms,
    save_result,
)

TARGET_MS = 1000.0
REVIEWS = 1_000_000


def top_up(path: Path, reviews: int, seed: int = 2) -> int:
    """Add log rows to the collection at `path` until it holds `reviews`; returns the count."""
    import sqlalchemy as sa

    from flashcards.scheduler import ReviewState
    from flashcards.store import LOG, LogEntry, Store

    rng = random.Random(seed)
    with Store(f"sqlite:///{path}") as store:
        with store.reading() as conn:
            have = conn.execute(sa.select(sa.func.count()).select_from(LOG)).scalar()
            cards = list(conn.execute(sa.select(LOG.c.card_id).distinct()).scalars())
        missing = reviews - have
        kinds = ("review",) * 70 + ("repeat",) * 20 + ("practice",) * 8 + ("undone",) * 2
        batch: list[LogEntry] = []
        for _ in range(missing):
            day = TODAY - timedelta(days=rng.randint(0, 364))
            kind = rng.choice(kinds)
            interval = rng.choice((1, 1, 3, 6, 10, 15, 25, 40, 80, 150))
            before = ReviewState(3, interval, rng.randrange(130, 300, 2), day, rng.randint(0, 3))
            grade = rng.choice((1, 2, 3, 4, 4, 5))
            after = ReviewState(4, interval * 2, before.ease_pct, day + timedelta(days=interval))
            when = datetime.combine(day, datetime.min.time(), tzinfo=UTC) + timedelta(hours=10)
            batch.append(
                LogEntry(
                    0,
                    rng.choice(cards),
                    when,
                    day,
                    "review" if kind == "undone" else kind,
                    grade,
                    None,
                    None,
                    rng.uniform(2, 30),
                    before,
                    after if kind in ("review", "undone") else before,
                    False,
                    kind == "undone",
                )
            )
            if len(batch) == 50_000:
                store.import_log(batch)
                batch = []
        if batch:
            store.import_log(batch)
        with store.reading() as conn:
            return conn.execute(sa.select(sa.func.count()).select_from(LOG)).scalar()


def stats_collection(target: Path, reviews: int = REVIEWS) -> Path:
    """A fresh copy of the cached 100,000-card, `reviews`-row collection at `target`."""
    from flashcards.store import copy_database

    RESULTS.mkdir(exist_ok=True)
    cached = RESULTS / f"stats-100000-{reviews}.sqlite3"
    if not cached.exists():
        partial = RESULTS / f"stats-100000-{reviews}.partial"
        collection_copy(partial)
        top_up(partial, reviews)
        shutil.move(partial, cached)
        for leftover in RESULTS.glob(partial.name + "*"):
            leftover.unlink()
    copy_database(cached, target)
    return target


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()

    import sqlalchemy as sa

    from flashcards.report import report
    from flashcards.stats import compute_stats
    from flashcards.store import CARDS, LOG, Store

    results: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as tmp:
        start = time.perf_counter()
        path = stats_collection(Path(tmp) / "c.sqlite3")
        prepare_s = time.perf_counter() - start
        with Store(f"sqlite:///{path}") as store:
            with store.reading() as conn:
                cards = conn.execute(sa.select(sa.func.count()).select_from(CARDS)).scalar()
                rows = conn.execute(sa.select(sa.func.count()).select_from(LOG)).scalar()
            results["all_statistics"] = median_ms(lambda: compute_stats(store, TODAY), args.repeat)
            results["one_topic_10k_cards"] = median_ms(
                lambda: compute_stats(store, TODAY, "bench::topic3"), args.repeat
            )
            results["one_deck_1k_cards"] = median_ms(
                lambda: compute_stats(store, TODAY, "bench::topic3::deck013"), args.repeat
            )
            stats = compute_stats(store, TODAY)
            results["report_with_charts"] = median_ms(lambda: report(stats), args.repeat)

    print(f"collection: {cards} cards, {rows} review-log rows (prepared in {prepare_s:.1f} s)")
    print(f"{'operation':<24} {'median ms':>10}")
    for name, value in results.items():
        mark = ""
        if name == "all_statistics":
            mark = f"  target {TARGET_MS:.0f}" + ("" if value <= TARGET_MS else "  MISSED")
        print(f"{name:<24} {value:>10.1f}{mark}")
    doc = {
        "cards": cards,
        "review_log_rows": rows,
        "repeat": args.repeat,
        "median_ms": results,
        "target_ms": TARGET_MS,
    }
    save_result("stats", doc)
    return 0


if __name__ == "__main__":
    sys.exit(main())
