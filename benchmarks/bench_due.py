"""`flashcards due --json` on a large collection, beside `python -c "import sqlmodel"`.

Builds a deck tree of `--cards` cards in `--files` files (bench_parse's generator: every kind
of card), syncs it into a fresh collection in the default folders (XDG_DATA_HOME, XDG_CONFIG_HOME under
a temporary folder, no settings file), then runs the command and the bare import in
turns, measuring each child's CPU time (user + system, the kernel's rusage of the waited-for children) and its
wall-clock time. Prints the medians, their ratio and the median of each pair's ratio; the CPU
figures are the ones reported in benchmarks/README.md (the wall clock of a shared machine
swings more).

Usage: python benchmarks/bench_due.py [--cards 100000] [--files 1000] [--repeat 15]
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench_parse import generate
from collection import save_result


def run(argv: list[str], env: dict[str, str]) -> tuple[float, float]:
    """One run of `argv`: its CPU time and wall-clock time in seconds; fails if it fails."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(
        argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True
    )
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode:
        raise SystemExit(f"{' '.join(argv)} failed ({done.returncode}): {done.stderr.strip()}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return cpu, wall


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cards", type=int, default=100_000)
    parser.add_argument("--files", type=int, default=1_000)
    parser.add_argument("--repeat", type=int, default=15)
    args = parser.parse_args()

    command = shutil.which("flashcards", path=str(Path(sys.executable).parent))
    if command is None:
        raise SystemExit("no flashcards command beside this python; install the project first")
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "decks"
        generate(root, args.cards, args.files)
        # The user's own folders, as a fresh install finds them (no settings file), under tmp.
        env = {k: v for k, v in os.environ.items() if not k.startswith("FLASHCARDS_")}
        env.update(XDG_CONFIG_HOME=str(Path(tmp) / "config"), XDG_DATA_HOME=str(Path(tmp) / "data"))
        # Bytecode is written as on a user's machine, so no run compiles the sources again.
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        subprocess.run([command, "sync", "-q", str(root)], env=env, check=True)
        due = [command, "due", "--json"]
        bare = [sys.executable, "-c", "import sqlmodel"]
        for _ in range(2):  # warm-up: the day's backup, the bytecode, the file caches
            run(due, env)
            run(bare, env)
        samples: dict[str, list[tuple[float, float]]] = {"due": [], "import": []}
        for _ in range(args.repeat):
            samples["due"].append(run(due, env))
            samples["import"].append(run(bare, env))

    def median(name: str, which: int) -> float:
        return statistics.median(s[which] for s in samples[name])

    lines = [
        f"{args.cards:,} cards in {args.files:,} files, median of {args.repeat}, runs in turns",
    ]
    result = {}
    for which, clock in ((0, "cpu"), (1, "wall")):
        d, i = median("due", which), median("import", which)
        # each command run beside the import run right after it: a shared machine's load
        # changes from minute to minute, so the ratio of each pair is steadier
        pairs = [
            a[which] / b[which] for a, b in zip(samples["due"], samples["import"], strict=True)
        ]
        paired = statistics.median(pairs)
        result[clock] = {
            "due_ms": d * 1000,
            "import_ms": i * 1000,
            "ratio": d / i,
            "paired": paired,
        }
        lines.append(
            f"{clock:>4}: flashcards due --json {d * 1000:7.1f} ms   "
            f'python -c "import sqlmodel" {i * 1000:7.1f} ms   ratio {d / i:.2f}x   '
            f"median of the pairs' ratios {paired:.2f}x"
        )
    print("\n".join(lines))
    save_result("due", {"cards": args.cards, "files": args.files, "repeat": args.repeat, **result})
    return 0


if __name__ == "__main__":
    sys.exit(main())
