"""Crash safety: the real study app on a pseudo-terminal, killed with SIGKILL after grade keys.

Each run starts `flashcards study` on a deck of 200 cards whose fronts and backs carry
unique tokens (`Front007zq`, `Back007zq`), grades a few cards, and after the last grade key
sleeps a seeded 0-50 ms and sends SIGKILL, so some kills land before, some during and some
after the commit. A grade counts as acknowledged once another card's front is on screen.
Afterwards every acknowledged grade is in the store, a killed grade is either wholly there
(log row and card state) or not at all, and the database passes its integrity check.
"""

from __future__ import annotations

import fcntl
import os
import random
import re
import select
import signal
import struct
import subprocess
import sys
import termios
import time
from dataclasses import dataclass, field
from pathlib import Path

from flashcards.config import sqlite_url
from flashcards.scheduler import ReviewState, schedule
from flashcards.store import Store

ROOT = Path(__file__).resolve().parents[1]
CARDS = 200
RUNS = 24
SEED = 20261126
FRONT = re.compile(rb"Front(\d{3})zq")


@dataclass
class Terminal:
    """The app on a pseudo-terminal: keys in, screen output accumulated."""

    process: subprocess.Popen
    master: int
    output: bytearray = field(default_factory=bytearray)

    @classmethod
    def start(cls, args: list[str], env: dict[str, str]) -> Terminal:
        master, slave = os.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 30, 100, 0, 0))
        process = subprocess.Popen(
            args,
            stdin=slave,
            stdout=slave,
            stderr=slave,
            env=env,
            cwd=ROOT,
            start_new_session=True,
        )
        os.close(slave)
        return cls(process, master)

    def pump(self, timeout: float) -> bool:
        """Read what the app wrote within `timeout` seconds; False once the terminal closed."""
        ready, _, _ = select.select([self.master], [], [], timeout)
        if not ready:
            return True
        try:
            chunk = os.read(self.master, 1 << 16)
        except OSError:
            return False
        self.output += chunk
        return bool(chunk)

    def wait_for(self, pattern: re.Pattern[bytes], since: int, timeout: float = 20.0):
        """The first match of `pattern` written after offset `since`, waiting for it."""
        end = time.monotonic() + timeout
        while True:
            match = pattern.search(self.output, since)
            if match:
                return match
            left = end - time.monotonic()
            if left <= 0 or not self.pump(min(left, 0.05)):
                match = pattern.search(self.output, since)
                if match:
                    return match
                tail = bytes(self.output[-1500:])
                raise AssertionError(f"{pattern.pattern!r} not on screen; last output: {tail!r}")

    def press(self, key: bytes) -> int:
        """Send a key; returns the output offset at that moment."""
        while self.pump(0):  # take in what is pending, so offsets are up to date
            if not select.select([self.master], [], [], 0)[0]:
                break
        os.write(self.master, key)
        return len(self.output)

    def kill(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)
        for _ in range(100):  # what reached the terminal before the kill
            if not self.pump(0.01):
                break
        os.close(self.master)


def write_deck(folder: Path) -> None:
    folder.mkdir(parents=True)
    lines = ["---", "name: Crash", "---", ""]
    lines += [f"Front{i:03d}zq :: Back{i:03d}zq {{#c{i:03d}}}" for i in range(CARDS)]
    (folder / "crash.md").write_text("\n".join(lines) + "\n")


def other_front(term: Terminal, card: int, since: int, timeout: float = 20.0) -> int:
    """Wait for the front of a card other than `card` after `since`; its number."""
    pattern = re.compile(rb"Front(?!%03d)(\d{3})zq" % card)
    return int(term.wait_for(pattern, since, timeout).group(1))


def test_sigkill_after_grade_keys_never_loses_an_acknowledged_grade(tmp_path):
    rng = random.Random(SEED)
    decks, data, home = tmp_path / "decks", tmp_path / "data", tmp_path / "home"
    write_deck(decks)
    config = tmp_path / "config.toml"
    config.write_text("[limits]\nnew_per_day = 1000\nreviews_per_day = 1000\n")
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("FLASHCARDS_")},
        "TERM": "xterm-256color",
        "HOME": str(home),
        "PYTHONPATH": str(ROOT),
        "COLUMNS": "100",
        "LINES": "30",
    }
    args = [sys.executable, "-m", "flashcards", "study", str(decks)]
    args += ["--config", str(config), "--data-dir", str(data)]
    #: Per card, each grade given: (grade, acknowledged). A killed grade that was not
    #: committed brings its card back at the next start, to be graded again.
    given: dict[str, list[tuple[int, bool]]] = {}
    delays: list[float] = []
    started = time.monotonic()
    for _run in range(RUNS):
        term = Terminal.start(args, env)
        try:
            term.wait_for(re.compile(rb"Crash"), 0)
            # Enter studies once the decks are loaded; before that it only says so.
            since = term.press(b"\r")
            current = None
            for _ in range(20):
                try:
                    current = int(term.wait_for(FRONT, since, timeout=1.0).group(1))
                    break
                except AssertionError:
                    since = term.press(b"\r")
            assert current is not None, "the review screen never opened"
            for step in range(rng.randint(1, 3), -1, -1):
                mark = term.press(b" ")
                term.wait_for(re.compile(b"Back%03dzq" % current), mark)
                grade = rng.choice((1, 3, 4, 4, 5, 5))
                card = f"c{current:03d}:0"
                assert all(not acked for _, acked in given.get(card, ())), "shown again"
                mark = term.press(b"%d" % grade)
                if step:
                    current = other_front(term, current, mark)
                    given.setdefault(card, []).append((grade, True))
                    continue
                delay = rng.uniform(0.0, 0.050)
                delays.append(delay)
                time.sleep(delay)
                term.kill()
                # acknowledged if the next card was drawn before the kill
                acked = bool(re.search(rb"Front(?!%03d)\d{3}zq" % current, term.output[mark:]))
                given.setdefault(card, []).append((grade, acked))
        finally:
            if term.process.poll() is None:
                term.kill()
    elapsed = time.monotonic() - started

    with Store(sqlite_url(data / "collection.sqlite3")) as store:
        assert store.integrity_ok()
        log = [e for e in store.review_log() if e.kind != "practice"]
        by_card: dict[str, list] = {}
        for e in log:
            by_card.setdefault(e.card_id, []).append(e)
        assert set(by_card) <= set(given), "a grade nobody gave"
        for card, grades in given.items():
            rows = [e.grade for e in by_card.get(card, [])]
            assert fits(rows, grades), f"{card}: log {rows}, given {grades}"
            replayed = ReviewState()
            for e in by_card.get(card, []):
                assert e.before == replayed and not e.undone
                replayed = schedule(replayed, e.grade, e.study_day)
            # a killed grade is wholly there (row and state) or not at all
            assert store.state(card) == replayed, f"{card}: state differs from its log"
    acknowledged = sum(acked for gs in given.values() for _, acked in gs)
    unacknowledged = [g for gs in given.values() for g in gs if not g[1]]
    found = sum(len(rows) for rows in by_card.values())
    committed = found - acknowledged
    assert len(delays) == RUNS >= 20
    print(
        f"\ncrash safety: {RUNS} SIGKILLs {min(delays) * 1000:.0f}-{max(delays) * 1000:.0f} ms "
        f"after a grade key; {acknowledged} acknowledged grades, all {acknowledged} found; "
        f"{len(unacknowledged)} killed before acknowledgement: {committed} committed whole, "
        f"{len(unacknowledged) - committed} not at all; integrity ok; {elapsed:.1f} s"
    )


def fits(rows: list[int], given: list[tuple[int, bool]]) -> bool:
    """True if the logged grades are the given ones, each unacknowledged one optional."""
    if not given:
        return not rows
    (grade, acked), rest = given[0], given[1:]
    if rows and rows[0] == grade and fits(rows[1:], rest):
        return True
    return not acked and fits(rows, rest)
