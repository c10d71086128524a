"""`flashcards due --json` on a large collection, beside `python -c "import sqlmodel"`.

Builds a deck tree of `--cards` cards in `--files` files (bench_parse's generator: every kind
of card), syncs it into a fresh collection in the default folders (XDG_DATA_HOME, XDG_CONFIG_HOME under
a temporary folder, no settings file), then runs the command and the bare import in
turns, measuring each child's CPU time (user + system, the kernel's rusage of the waited-for children) and its
wall-clock time. Prints the medians, their ratio and the median of each pair's ratio; the CPU
figures are the ones reported in benchmarks/README.md (the wall clock of a shared machine
swings more).

A third child is the same import with the garbage collector paused for it and its objects
frozen after, as the `flashcards` program does for a command's start-up
(`flashcards.collector`): beside it, the ratio is what the command adds on top of loading
sqlmodel, like for like.

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

#: `import sqlmodel` as the program's start-up loads it (`flashcards.collector`).
PAUSED_IMPORT = "import gc; gc.disable(); import sqlmodel; gc.freeze(); gc.enable()"


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
        paused = [sys.executable, "-c", PAUSED_IMPORT]
        children = {"due": due, "import": bare, "paused import": paused}
        for _ in range(2):  # warm-up: the day's backup, the bytecode, the file caches
            for argv in children.values():
                run(argv, env)
        samples: dict[str, list[tuple[float, float]]] = {name: [] for name in children}
        for _ in range(args.repeat):
            for name, argv in children.items():
                samples[name].append(run(argv, env))

    def median(name: str, which: int) -> float:
        return statistics.median(s[which] for s in samples[name])

    lines = [
        f"{args.cards:,} cards in {args.files:,} files, median of {args.repeat}, runs in turns",
    ]
    result = {}
    for which, clock in ((0, "cpu"), (1, "wall")):
        d, i, p = (median(name, which) for name in ("due", "import", "paused import"))

        def paired(base: str, which: int = which) -> float:
            # each command run beside the import run right after it: a shared machine's
            # load changes from minute to minute, so the ratio of each pair is steadier
            pairs = zip(samples["due"], samples[base], strict=True)
            return statistics.median(a[which] / b[which] for a, b in pairs)

        result[clock] = {
            "due_ms": d * 1000,
            "import_ms": i * 1000,
            "ratio": d / i,
            "paired": paired("import"),
            "paused_import_ms": p * 1000,
            "like_for_like_ratio": d / p,
            "like_for_like_paired": paired("paused import"),
        }
        lines.append(
            f"{clock:>4}: flashcards due --json {d * 1000:7.1f} ms   "
            f'python -c "import sqlmodel" {i * 1000:7.1f} ms   ratio {d / i:.2f}x   '
            f"median of the pairs' ratios {paired('import'):.2f}x"
        )
        lines.append(
            f"      the import with the collector paused {p * 1000:7.1f} ms   "
            f"ratio {d / p:.2f}x   median of the pairs' ratios {paired('paused import'):.2f}x"
        )
    print("\n".join(lines))
    save_result("due", {"cards": args.cards, "files": args.files, "repeat": args.repeat, **result})
    return 0


if __name__ == "__main__":
    sys.exit(main())
