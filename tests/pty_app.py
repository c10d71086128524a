"""The study app on a pseudo-terminal, for tests: keys in, what it draws read back.

Card decks for these tests carry unique tokens (`Front007zq`, `Back007zq`), so what is on
screen can be found in the raw output whatever escape sequences surround it.
"""

from __future__ import annotations

import fcntl
import os
import re
import select
import signal
import struct
import subprocess
import termios
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
CARDS = 200
FRONT = re.compile(rb"Front(\d{3})zq")


@dataclass
class Terminal:
    """The app on a pseudo-terminal: keys in, screen output accumulated."""

    process: subprocess.Popen
    master: int
    output: bytearray = field(default_factory=bytearray)

    @classmethod
    def start(cls, args: list[str], env: dict[str, str], preexec_fn: Any = None) -> Terminal:
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
            preexec_fn=preexec_fn,
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


def other_front(term: Terminal, card: int, since: int, timeout: float = 20.0) -> tuple[int, int]:
    """Wait for the front of a card other than `card` after `since`: (its number, where)."""
    pattern = re.compile(rb"Front(?!%03d)(\d{3})zq" % card)
    match = term.wait_for(pattern, since, timeout)
    return int(match.group(1)), match.start()


def open_review(term: Terminal) -> tuple[int, int]:
    """Press Enter on the deck list until the first card shows: (its number, where)."""
    # Enter studies once the decks are loaded; before that it only says so. A second Enter
    # that lands on the card reveals it, so the back is looked for from the front on.
    since = term.press(b"\r")
    for _ in range(10):
        try:
            match = term.wait_for(FRONT, since, timeout=3.0)
            return int(match.group(1)), match.start()
        except AssertionError:
            since = term.press(b"\r")
    raise AssertionError("the review screen never opened")
