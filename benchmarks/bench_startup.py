"""Start-up of the study app on a 10,000-card collection, beside importing textual and sqlmodel.

Usage: python benchmarks/bench_startup.py [--repeat 10] [--cards 10000]

Times `flashcards study` from process start until its first screen with study content (the
deck list with today's counts) is written to a pseudo-terminal of 80x24, and
`python -c "import textual, sqlmodel"` until it exits. Each figure is
the median of `--repeat` runs after one warm-up. Target: the app within 1.3x the imports.
The ratio of the fastest runs is printed too: it moves less with other work on the machine.
"""

from __future__ import annotations

import argparse
import fcntl
import os
import pty
import select
import statistics
import struct
import subprocess
import sys
import tempfile
import termios
import time
from pathlib import Path

from collection import write_deck_tree

CARD = """Q: What is $\\frac{{d}}{{dx}} x^{{{n}}}$ in deck {f}, card {j}?
A: ${n} x^{{{m}}}$, by the power rule; see also $\\sum_{{i=1}}^{{{n}}} i$.
"""


STUDY = [sys.executable, "-m", "flashcards", "study"]
#: The totals line under the deck list, drawn with the counts in the first frame.
FIRST_SCREEN = b"today:"


def study_setup(root: Path, cards: int) -> tuple[dict[str, str], int, int]:
    """Deck files, a config and a collection synced once (as after a first start) under `root`.

    Returns the environment that runs `STUDY` on them, the cards in the collection and the
    cards the sync added.
    """
    from flashcards.config import load_settings
    from flashcards.decks import builtin_decks_dir
    from flashcards.store import Store
    from flashcards.sync import sync_paths

    decks, data = root / "decks", root / "data"
    data.mkdir(parents=True)
    write_deck_tree(decks, cards, card=lambda f, j: CARD.format(n=j + 2, m=j + 1, f=f, j=j))
    config = root / "config.toml"
    config.write_text(f"deck_folders = [{str(decks)!r}]\n", encoding="utf-8")
    env = {
        **os.environ,
        "FLASHCARDS_CONFIG": str(config),
        "FLASHCARDS_DATA_DIR": str(data),
        "TERM": "xterm-256color",
    }
    env.pop("FLASHCARDS_DB", None)
    # As after any install, both sides run from bytecode caches: pip compiles textual and
    # sqlmodel when installing them, and the warm-up run writes the project's own.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    settings = load_settings(config=config, data_dir=data, env={})
    with Store.open(settings) as store:
        report = sync_paths(store, [builtin_decks_dir(), decks])
        total = len(store.card_ids())
    return env, total, report.added


def run_in_pty(
    argv: list[str], env: dict[str, str], until: bytes | None = None, timeout: float = 60.0
) -> float:
    """Seconds from spawning `argv` in an 80x24 pseudo-terminal until it writes `until`
    (then it is stopped), or until it exits."""
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
    start = time.perf_counter()
    process = subprocess.Popen(
        argv, stdin=slave, stdout=slave, stderr=slave, env=env, close_fds=True
    )
    os.close(slave)
    output = bytearray()
    try:
        while process.poll() is None:
            # Drain the terminal output so the app never blocks writing to it.
            ready, _, _ = select.select([master], [], [], 0.05)
            if ready:
                try:
                    output += os.read(master, 65536)
                except OSError:
                    break
                if until is not None and until in output:
                    elapsed = time.perf_counter() - start
                    process.kill()
                    process.wait()
                    return elapsed
            if time.perf_counter() - start > timeout:
                process.kill()
                raise RuntimeError(f"{argv} took over {timeout} s")
        process.wait()
        elapsed = time.perf_counter() - start
    finally:
        os.close(master)
    if process.returncode != 0:
        raise RuntimeError(f"{argv} exited {process.returncode}: {output[-2000:]!r}")
    return elapsed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=10)
    parser.add_argument("--cards", type=int, default=10_000)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        env, cards, added = study_setup(Path(tmp), args.cards)
        print(f"collection: {cards} cards ({added} added by the first sync)")

        imports = [sys.executable, "-c", "import textual, sqlmodel"]
        # Interleaved, so a change in the machine's load hits both sides alike.
        run_in_pty(STUDY, env, FIRST_SCREEN)  # warm-up: file caches, .pyc files
        run_in_pty(imports, env)
        app_times, base_times = [], []
        for _ in range(args.repeat):
            app_times.append(run_in_pty(STUDY, env, FIRST_SCREEN))
            base_times.append(run_in_pty(imports, env))
        app_median = statistics.median(app_times)
        base_median = statistics.median(base_times)

    ratio = app_median / base_median
    print(
        f"import textual, sqlmodel      median {base_median * 1000:7.1f} ms  "
        f"(min {min(base_times) * 1000:.1f}, max {max(base_times) * 1000:.1f})"
    )
    print(
        f"flashcards study, 1st screen  median {app_median * 1000:7.1f} ms  "
        f"(min {min(app_times) * 1000:.1f}, max {max(app_times) * 1000:.1f})"
    )
    print(f"ratio {ratio:.2f} (target <= 1.30), {args.repeat} runs each after a warm-up")
    # On a shared machine the medians move with the load; the fastest runs move less.
    print(f"ratio of the fastest runs {min(app_times) / min(base_times):.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
