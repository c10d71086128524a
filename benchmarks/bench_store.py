"""The review store on a 100,000-card collection: queue, due counts, one grade, unchanged sync.

Usage: python benchmarks/bench_store.py [--repeat 21] [--cards 100000]

Each figure is the median of repeated runs after a warm-up. Targets (2-core machine):
queue <= 58 ms, due counts <= 30 ms, one grade with its commit <= 0.84 ms (SM-2 and FSRS), sync of
10,000 cards in 100 unchanged files <= 200 ms. Results go to benchmarks/results/store.json.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.collection import (  # noqa: E402
    TODAY,
    collection_copy,
    median_ms,
    save_result,
    write_deck_tree,
)

TARGETS_MS = {
    "queue": 58.0,
    "due_counts": 30.0,
    "grade": 0.84,
    "grade_fsrs": 0.84,
    "sync_unchanged_files": 200.0,
}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=21)
    parser.add_argument("--cards", type=int, default=100_000)
    args = parser.parse_args()

    from flashcards.config import Limits
    from flashcards.decks import load_decks
    from flashcards.store import Store
    from flashcards.sync import sync_paths

    results: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as tmp:
        tmp_path = Path(tmp)
        start = time.perf_counter()
        path = collection_copy(tmp_path / "c.sqlite3", cards=args.cards)
        prepare_s = time.perf_counter() - start
        store = Store(f"sqlite:///{path}")
        limits = Limits()
        queue = store.queue(TODAY, limits=limits)
        results["queue"] = median_ms(lambda: store.queue(TODAY, limits=limits), args.repeat)
        results["due_counts"] = median_ms(lambda: store.due_counts(TODAY, limits), args.repeat)

        # one grade each on distinct due cards: read state, schedule, update, log, commit
        cards = iter(queue * 10)
        now = datetime(2026, 6, 1, 9, 0, tzinfo=UTC)

        def grade() -> None:
            store.grade(next(cards), 4, now=now, today=TODAY)

        results["grade"] = median_ms(grade, min(len(queue) - 3, 200), warmup=3)

        # the same under FSRS (default parameters): memory state, interval, update, log, commit
        # (the grading rule alone: the switch's replay of the log is not timed here)
        from flashcards.config import Scheduling

        store.scheduling = Scheduling("fsrs")
        later = TODAY + timedelta(days=1)  # cards not graded yet: each grade is a review
        later_queue = store.queue(later, limits=limits)
        fsrs_cards = iter(later_queue)

        def grade_fsrs() -> None:
            store.grade(next(fsrs_cards), 4, now=now + timedelta(days=1), today=later)

        results["grade_fsrs"] = median_ms(grade_fsrs, min(len(later_queue) - 3, 200), warmup=3)
        store.scheduling = Scheduling()

        # 10,000 cards in 100 files, synced once, then synced again unchanged
        root = tmp_path / "decks"
        write_deck_tree(root, 10_000, 100)
        first_start = time.perf_counter()
        sync_paths(store, [root])
        results["sync_first_10k"] = (time.perf_counter() - first_start) * 1000
        results["sync_unchanged_files"] = median_ms(lambda: sync_paths(store, [root]), args.repeat)
        decks, _ = load_decks([root])
        results["sync_unchanged_parsed_decks"] = median_ms(
            lambda: store.sync(decks, [str(root)]), max(5, args.repeat // 3)
        )
        store.close()

    print(f"collection: {args.cards} cards (prepared in {prepare_s:.1f} s)")
    print(f"{'operation':<30} {'median ms':>10} {'target ms':>10}")
    for name, value in results.items():
        target = TARGETS_MS.get(name)
        mark = (
            "" if target is None else f"{target:>10.2f}" + ("" if value <= target else "  MISSED")
        )
        print(f"{name:<30} {value:>10.2f} {mark}")
    doc = {
        "cards": args.cards,
        "repeat": args.repeat,
        "median_ms": results,
        "targets_ms": TARGETS_MS,
    }
    save_result("store", doc)
    return 0


if __name__ == "__main__":
    sys.exit(main())
