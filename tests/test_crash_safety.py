"""Crash safety: the real study app on a pseudo-terminal, killed with SIGKILL after grade keys;
and a full disk or a read-only folder: a clear message, never a traceback or half a write.

Each run starts `flashcards study` on a deck of 200 cards whose fronts and backs carry
unique tokens (`Front007zq`, `Back007zq`), grades a few cards, and after the last grade key
sleeps a seeded 0-50 ms and sends SIGKILL, so some kills land before, some during and some
after the commit. A grade counts as acknowledged once another card's front is on screen.
Afterwards every acknowledged grade is in the store, a killed grade is either wholly there
(log row and card state) or not at all, and the database passes its integrity check.
"""

from __future__ import annotations

import os
import random
import re
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from pty_app import CARDS, ROOT, Terminal, open_review, other_front, write_deck

from flashcards.config import sqlite_url
from flashcards.scheduler import ReviewState, schedule
from flashcards.store import Store

RUNS = 24
SEED = 20261126


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
            current, shown_at = open_review(term)
            for step in range(rng.randint(1, 3), -1, -1):
                term.press(b" ")
                term.wait_for(re.compile(b"Back%03dzq" % current), shown_at)
                grade = rng.choice((1, 3, 4, 4, 5, 5))
                card = f"c{current:03d}:0"
                assert all(not acked for _, acked in given.get(card, ())), "shown again"
                mark = term.press(b"%d" % grade)
                if step:
                    current, shown_at = other_front(term, current, mark)
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


# --- a full disk, a read-only folder ----------------------------------------------------------


def file_size_limit(limit: int) -> Any:
    """A preexec function: files may not grow past `limit` bytes (a full disk, for SQLite)."""
    import resource

    def apply() -> None:
        # ignored, a write past the limit fails with EFBIG instead of killing the process
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    return apply


def cli_env(tmp_path: Path) -> dict[str, str]:
    return {
        **{k: v for k, v in os.environ.items() if not k.startswith("FLASHCARDS_")},
        "PYTHONPATH": str(ROOT),
        "HOME": str(tmp_path / "home"),
        "TERM": "xterm-256color",
    }


def flashcards(tmp_path: Path, *args: str, data: Path, limit: int | None = None, **kw: Any):
    config = tmp_path / "config.toml"
    if not config.exists():
        config.write_text("[limits]\nnew_per_day = 1000\n")
    command = [sys.executable, "-m", "flashcards", *args]
    command += ["--config", str(config), "--data-dir", str(data)]
    return subprocess.run(
        command,
        capture_output=True,
        text=True,
        env=cli_env(tmp_path),
        stdin=subprocess.DEVNULL,
        timeout=120,
        preexec_fn=file_size_limit(limit) if limit else None,
        **kw,
    )


def assert_clear_failure(done: subprocess.CompletedProcess, *fragments: str) -> None:
    assert done.returncode == 1, done.stderr
    assert done.stderr.startswith("flashcards: cannot "), done.stderr
    assert "Traceback" not in done.stderr and "sqlalche.me" not in done.stderr, done.stderr
    for fragment in fragments:
        assert fragment in done.stderr, done.stderr


def synced(tmp_path: Path, cards: int = 20) -> tuple[Path, Path]:
    """A data folder with a collection of `cards` synced cards; (data folder, deck file)."""
    decks = tmp_path / "decks"
    write_deck(decks)
    data = tmp_path / "data"
    done = flashcards(tmp_path, "sync", str(decks), data=data)
    assert done.returncode == 0, done.stderr
    return data, decks / "crash.md"


def card_count(data: Path) -> int:
    with Store(sqlite_url(data / "collection.sqlite3")) as store:
        assert store.integrity_ok()
        return len(store.card_ids())


def big_deck(folder: Path, cards: int = 20_000) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "big.md"
    lines = [
        f"Big card {i} with some padding words :: answer {i} padding padding" for i in range(cards)
    ]
    path.write_text("\n".join(lines) + "\n")
    return path


def test_a_full_disk_during_sync_is_a_clear_message_and_no_half_sync(tmp_path):
    data, _ = synced(tmp_path)
    before = card_count(data)
    done = flashcards(tmp_path, "sync", str(big_deck(tmp_path / "big")), data=data, limit=300_000)
    assert_clear_failure(done, "cannot write the collection", "(is the disk full?)")
    assert card_count(data) == before  # the sync is one transaction: none of it stays


def test_backup_to_a_full_disk_leaves_no_partial_file(tmp_path):
    data, _ = synced(tmp_path)
    big = big_deck(tmp_path / "big", 3000)
    assert flashcards(tmp_path, "sync", str(big), data=data).returncode == 0
    target = tmp_path / "copy.sqlite3"
    done = flashcards(tmp_path, "backup", "--to", str(target), data=data, limit=100_000)
    assert_clear_failure(done, f"cannot write {target}")
    assert not target.exists() and not list(tmp_path.glob(".copy.sqlite3*"))


def test_a_file_where_the_data_folder_should_be_is_a_clear_message(tmp_path):
    blocker = tmp_path / "blocker"
    blocker.write_text("not a folder")
    for command in (["due"], ["sync", str(tmp_path)], ["study", str(tmp_path)]):
        done = flashcards(tmp_path, *command, data=blocker / "data")
        assert done.returncode == 1 and "Traceback" not in done.stderr, done.stderr
        assert done.stderr.startswith(f"flashcards: {blocker / 'data'}: cannot create the folder")


def test_a_read_only_data_folder_is_a_clear_message(tmp_path):
    data, deck = synced(tmp_path)
    before = card_count(data)
    probe = subprocess.run(["unshare", "-m", "true"], capture_output=True)
    if probe.returncode != 0:
        pytest.skip("no mount namespaces here (unshare -m) to make a read-only folder")
    for command in (["sync", str(big_deck(tmp_path / "big", 50))], ["due"], ["study", str(deck)]):
        config = tmp_path / "config.toml"
        args = [sys.executable, "-m", "flashcards", *command]
        args += ["--config", str(config), "--data-dir", str(data)]
        script = (
            f"mount --bind '{data}' '{data}' && mount -o remount,bind,ro '{data}' && exec \"$@\""
        )
        done = subprocess.run(
            ["unshare", "-m", "sh", "-c", script, "sh", *args],
            capture_output=True,
            text=True,
            env=cli_env(tmp_path),
            stdin=subprocess.DEVNULL,
            timeout=120,
        )
        assert_clear_failure(done, "the collection", "(is its folder read-only?)")
    assert card_count(data) == before


def test_the_study_app_on_a_full_disk_says_so_and_keeps_every_saved_grade(tmp_path):
    data, deck = synced(tmp_path)
    wal = data / "collection.sqlite3-wal"
    limit = (wal.stat().st_size if wal.exists() else 0) + 120_000
    args = [sys.executable, "-m", "flashcards", "study", str(deck)]
    args += ["--config", str(tmp_path / "config.toml"), "--data-dir", str(data)]
    term = Terminal.start(args, cli_env(tmp_path), preexec_fn=file_size_limit(limit))
    acknowledged = []
    try:
        term.wait_for(re.compile(rb"Crash"), 0)
        current, shown_at = open_review(term)
        for _ in range(CARDS):
            term.press(b" ")
            term.wait_for(re.compile(b"Back%03dzq" % current), shown_at)
            mark = term.press(b"4")
            shown = term.wait_for(re.compile(rb"not saved|Front(?!%03d)(\d{3})zq" % current), mark)
            if shown.group(0) == b"not saved":
                break
            acknowledged.append(f"c{current:03d}:0")
            current, shown_at = int(shown.group(1)), shown.start()
        else:
            raise AssertionError("the disk never filled")
        term.pump(0.3)
        assert term.process.poll() is None, "the app stopped"
        mark = term.press(b"4")  # grading again fails again, and says so again
        term.wait_for(re.compile(rb"not saved"), mark)
        assert term.process.poll() is None
    finally:
        term.kill()
    assert b"Traceback" not in term.output
    with Store(sqlite_url(data / "collection.sqlite3")) as store:
        assert store.integrity_ok()
        assert [e.card_id for e in store.review_log()] == acknowledged
        assert f"c{current:03d}:0" not in acknowledged
        assert store.state(f"c{current:03d}:0") == ReviewState()
    assert len(acknowledged) >= 2
