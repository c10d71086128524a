"""A grade survives the process being killed right after `grade()` returns."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from flashcards.store import Store

CHILD = textwrap.dedent(
    """
    import sys, time
    from datetime import UTC, date, datetime
    from flashcards.store import Store

    url, durability, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
    store = Store(url, durability=durability)
    ids = store.queue(date(2026, 4, 10))
    for i in range(count):
        store.grade(ids[i], 4, now=datetime.now(UTC), today=date(2026, 4, 10))
        print(ids[i], flush=True)
    # keep writing so the kill lands while another transaction may be open
    while True:
        store.grade(ids[count], 2, now=datetime.now(UTC), today=date(2026, 4, 10), kind="practice")
    """
)


def make_collection(path: Path) -> str:
    from flashcards.cards import CardKind, Deck, Note

    url = f"sqlite:///{path}"
    notes = tuple(Note(f"n{i}", CardKind.BASIC, f"q{i}", f"a{i}", i, i) for i in range(10))
    with Store(url) as store:
        store.sync([Deck("d", Path("/decks/d.md"), notes=notes)], ["/decks"])
    return url


@pytest.mark.parametrize(("durability", "count"), [("normal", 1), ("normal", 3), ("full", 2)])
def test_sigkill_right_after_a_grade_keeps_it(tmp_path, durability, count):
    url = make_collection(tmp_path / "c.sqlite3")
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1])}
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, url, durability, str(count)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    graded = []
    try:
        for _ in range(count):
            line = child.stdout.readline()
            assert line, child.stderr.read()
            graded.append(line.strip())
        child.send_signal(signal.SIGKILL)
    finally:
        child.kill()
        child.wait()
        child.stdout.close()
        child.stderr.close()
    assert child.returncode == -signal.SIGKILL
    with Store(url) as store:
        assert store.integrity_ok()
        reviews = [e.card_id for e in store.review_log() if e.kind == "review"]
        assert reviews == graded
        for card in graded:
            assert store.state(card).repetitions == 1
