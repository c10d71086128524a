"""The review store on a 100,000-card collection: queue, due counts, one grade, unchanged sync.

Usage: python benchmarks/bench_store.py [--repeat 21] [--cards 100000]
       [--backend sqlite|postgresql|both]

Each figure is the median of repeated runs after a warm-up. Targets (2-core machine):
queue <= 58 ms, due counts <= 30 ms, one grade with its commit <= 0.84 ms (SM-2 and FSRS), sync of
10,000 cards in 100 unchanged files <= 200 ms (SQLite's). Results go to
benchmarks/results/store.json (and store-postgresql.json).
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


def measure(store, repeat: int, tmp_path: Path) -> dict[str, float]:
    """The figures on an open store holding the synthetic collection."""
    from flashcards.config import Limits
    from flashcards.decks import load_decks
    from flashcards.sync import sync_paths

    results: dict[str, float] = {}
    limits = Limits()
    queue = store.queue(TODAY, limits=limits)
    results["queue"] = median_ms(lambda: store.queue(TODAY, limits=limits), repeat)
    results["due_counts"] = median_ms(lambda: store.due_counts(TODAY, limits), repeat)

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
    if not root.exists():
        write_deck_tree(root, 10_000, 100)
    first_start = time.perf_counter()
    sync_paths(store, [root])
    results["sync_first_10k"] = (time.perf_counter() - first_start) * 1000
    results["sync_unchanged_files"] = median_ms(lambda: sync_paths(store, [root]), repeat)
    decks, _ = load_decks([root])
    results["sync_unchanged_parsed_decks"] = median_ms(
        lambda: store.sync(decks, [str(root)]), max(5, repeat // 3)
    )
    return results


def report(title: str, results: dict[str, float], targets: bool) -> None:
    print(title)
    print(f"{'operation':<30} {'median ms':>10} {'target ms':>10}")
    for name, value in results.items():
        target = TARGETS_MS.get(name) if targets else None
        mark = (
            "" if target is None else f"{target:>10.2f}" + ("" if value <= target else "  MISSED")
        )
        print(f"{name:<30} {value:>10.2f} {mark}")


def settle(cluster) -> None:
    """VACUUM (ANALYZE) the restored database: what the server's autovacuum does on its own a
    minute or two after a restore (statistics for the planner, and the visibility map that
    lets the due counts' index-only scans skip the table), done now rather than waited for."""
    import psycopg

    with psycopg.connect(cluster.dsn("bench"), autocommit=True) as conn:
        conn.execute("VACUUM (ANALYZE)")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=21)
    parser.add_argument("--cards", type=int, default=100_000)
    parser.add_argument(
        "--backend",
        choices=("sqlite", "postgresql", "both"),
        default="sqlite",
        help="postgresql: the same collection restored into a throwaway local server "
        "(tests/pg_server.py, Debian's PostgreSQL, fsync on)",
    )
    args = parser.parse_args()

    from flashcards.store import Store

    backends = ("sqlite", "postgresql") if args.backend == "both" else (args.backend,)
    with tempfile.TemporaryDirectory() as tmp:
        tmp_path = Path(tmp)
        start = time.perf_counter()
        path = collection_copy(tmp_path / "c.sqlite3", cards=args.cards)
        prepare_s = time.perf_counter() - start
        print(f"collection: {args.cards} cards (prepared in {prepare_s:.1f} s)")
        if "postgresql" in backends:
            # before the SQLite run grades and syncs the file
            pristine = collection_copy(tmp_path / "pristine.sqlite3", cards=args.cards)
        if "sqlite" in backends:
            with Store(f"sqlite:///{path}") as store:
                results = measure(store, args.repeat, tmp_path)
            report("SQLite (WAL, synchronous=NORMAL)", results, targets=True)
            save_result(
                "store",
                {
                    "cards": args.cards,
                    "repeat": args.repeat,
                    "median_ms": results,
                    "targets_ms": TARGETS_MS,
                },
            )
        if "postgresql" in backends:
            sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
            from pg_server import Cluster, missing

            reason = missing()
            if reason:
                print(f"PostgreSQL skipped: {reason}")
                return 0
            cluster = Cluster.start(durable=True)
            try:
                url = cluster.create_database("bench")
                with Store(url) as store:
                    start = time.perf_counter()
                    store.restore_from(pristine)
                    restore_s = time.perf_counter() - start
                    start = time.perf_counter()
                    store.backup_to(tmp_path / "backup.sqlite3")
                    backup_s = time.perf_counter() - start
                    settle(cluster)
                    with store.reading() as conn:
                        version = conn.exec_driver_sql("SHOW server_version").scalar()
                    results = measure(store, args.repeat, tmp_path)
            finally:
                cluster.stop()
            print(
                f"(restored into PostgreSQL in {restore_s:.1f} s, backed up to SQLite in "
                f"{backup_s:.1f} s)"
            )
            report(f"PostgreSQL {version} (local Unix socket, fsync on)", results, targets=False)
            save_result(
                "store-postgresql",
                {
                    "cards": args.cards,
                    "repeat": args.repeat,
                    "server_version": version,
                    "median_ms": results,
                    "restore_s": restore_s,
                    "backup_s": backup_s,
                },
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
