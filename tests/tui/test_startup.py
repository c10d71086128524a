"""Start-up of the study app: what runs before the first screen and what waits until after."""

from __future__ import annotations

import fcntl
import gc
import json
import os
import pty
import select
import struct
import subprocess
import sys
import termios
import time
from pathlib import Path

from tui_helpers import DATA, TODAY

from flashcards import collector
from flashcards.backup import daily_backup, list_backups
from flashcards.commands.collection import open_collection
from flashcards.config import load_settings
from flashcards.store import Store
from tui.app import FlashcardsApp
from tui.backend import DeckCounts, in_decks
from tui.screens.decks import DecksScreen, deck_tree

ROOT = Path(__file__).resolve().parents[2]


def settings_for(tmp_path: Path):
    config = tmp_path / "config.toml"
    config.write_text("", encoding="utf-8")
    return load_settings(config=config, data_dir=tmp_path / "data", env={})


def test_opening_without_backup_leaves_the_daily_backup_to_the_caller(tmp_path) -> None:
    settings = settings_for(tmp_path)
    open_collection(settings, backup=False).close()
    assert list_backups(settings) == []
    Store.open(settings).close()  # the store alone never backs up
    assert list_backups(settings) == []
    open_collection(settings).close()
    assert [b.reason for b in list_backups(settings)] == ["daily"]


def test_a_failing_daily_backup_is_passed_to_warn(tmp_path, capsys) -> None:
    settings = settings_for(tmp_path)
    with Store.open(settings) as store:
        (settings.db_path.parent / "backups").write_text("a file, not a folder")
        warnings: list[str] = []
        assert daily_backup(store, settings, warn=warnings.append) is None
    assert len(warnings) == 1 and warnings[0].startswith("no daily backup: cannot write")
    assert capsys.readouterr().err == ""


async def test_the_daily_backup_runs_after_the_first_screen(store) -> None:
    seen: list[bool] = []

    def backup(warn) -> None:
        # by now the deck list has its counts on screen
        seen.append("today:" in app.screen.query_one("#totals").render().plain)

    app = FlashcardsApp(
        store, None, today=TODAY, daily_backup=backup, deck_loader=lambda p: ([], [])
    )
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, DecksScreen)
        assert app.decks_ready
    assert seen == [True]


async def test_the_first_screen_hook_runs_once_with_the_counts_drawn(store) -> None:
    seen: list[bool] = []

    def hook() -> None:
        seen.append("today:" in app.screen.query_one("#totals").render().plain)

    app = FlashcardsApp(store, None, today=TODAY, on_first_screen=hook)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        app.first_screen_drawn()  # a second call (a refresh) runs nothing again
        await pilot.pause()
    assert seen == [True]


def test_the_collector_paused_for_start_up_is_resumed() -> None:
    gc.disable()
    try:
        collector.resume()
        assert gc.isenabled()
        assert gc.get_freeze_count() > 0  # start-up's objects are out of its passes
    finally:
        gc.enable()
        gc.unfreeze()


async def test_a_failing_daily_backup_warns_and_the_decks_still_load(store) -> None:
    def backup(warn) -> None:
        raise OSError("disk full")

    loaded: list[bool] = []

    def load(progress):
        loaded.append(True)
        return [], []

    app = FlashcardsApp(store, None, today=TODAY, daily_backup=backup, deck_loader=load)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        # the deck list shows notices as lines (NoticeBar), not as Textual's toasts
        messages = [n.message for n in app.notices]
        assert any("no daily backup: disk full" in m for m in messages)
        assert "no daily backup: disk full" in str(app.screen.query_one("#notices").render())
        assert loaded == [True] and app.decks_ready


def run_on_a_terminal(argv: list[str], env: dict[str, str], timeout: float = 60.0) -> int:
    """Run `argv` on an 80x24 pseudo-terminal until it exits, draining what it writes."""
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
    process = subprocess.Popen(argv, stdin=slave, stdout=slave, stderr=slave, env=env, cwd=ROOT)
    os.close(slave)
    end = time.monotonic() + timeout
    try:
        while process.poll() is None and time.monotonic() < end:
            ready, _, _ = select.select([master], [], [], 0.05)
            if ready:
                try:
                    os.read(master, 65536)
                except OSError:
                    break
        return process.wait(timeout=max(0.1, end - time.monotonic()))
    finally:
        if process.poll() is None:
            process.kill()
        os.close(master)


def run_study_probe(tmp_path: Path, probe: str) -> int:
    """Run `probe` (Python that starts `flashcards study`) on a terminal, over the test deck
    folder and an existing collection (no schema to create) under `tmp_path`."""
    config = tmp_path / "config.toml"
    config.write_text(f"deck_folders = [{str(DATA / 'study')!r}]\n", encoding="utf-8")
    env = {
        **os.environ,
        "FLASHCARDS_CONFIG": str(config),
        "FLASHCARDS_DATA_DIR": str(tmp_path / "data"),
        "TERM": "xterm-256color",
    }
    env.pop("FLASHCARDS_DB", None)
    Store.open(load_settings(config=config, data_dir=tmp_path / "data", env={})).close()
    return run_on_a_terminal([sys.executable, "-c", probe], env)


def test_the_first_screen_loads_no_card_rendering_checker_or_parser(tmp_path) -> None:
    """`flashcards study` up to its first screen imports only what the deck list needs."""
    report = tmp_path / "modules.json"
    probe = (
        "import json, sys\n"
        "from flashcards.cli import main\n"
        "status = main(['study', '--exit-after-first-screen'])\n"
        f"open({str(report)!r}, 'w').write(json.dumps([status, sorted(sys.modules)]))\n"
    )
    assert run_study_probe(tmp_path, probe) == 0
    status, names = json.loads(report.read_text(encoding="utf-8"))
    modules = set(names)
    assert status == 0
    assert "tui.screens.decks" in modules  # the probe did reach the first screen
    not_needed = {
        "flashcards.parsing",
        "flashcards.sync",
        "flashcards.syncplan",
        "flashcards.backup",
        "flashcards.answers",
        "flashcards.latex",
        "markdown_it",
        "sympy",
        "plotext",
        "alembic",
        "genanki",
        "tui.render",
        "tui.screens.review",
        "tui.screens.stats",
        "shlex",
    }
    assert modules & not_needed == set()


def test_the_first_frame_holds_the_whole_deck_list_before_any_deck_is_read(tmp_path) -> None:
    """The deck list is filled in when composed, so one frame brings the rows and the totals
    to the terminal; reading the decks and the backup start only after it is written."""
    report = tmp_path / "frames.json"
    probe = (
        "import json, sys\n"
        "from textual.drivers import linux_driver\n"
        "frames = []\n"
        "write = linux_driver.LinuxDriver.write\n"
        "def spy(self, data):\n"
        "    if 'All decks' in data or 'today:' in data:\n"
        "        frames.append(['All decks' in data, 'today:' in data,\n"
        "            [m for m in ('flashcards.parsing', 'flashcards.backup') if m in sys.modules]])\n"
        "    return write(self, data)\n"
        "linux_driver.LinuxDriver.write = spy\n"
        "from flashcards.cli import main\n"
        "status = main(['study', '--exit-after-first-screen'])\n"
        f"open({str(report)!r}, 'w').write(json.dumps([status, frames]))\n"
    )
    assert run_study_probe(tmp_path, probe) == 0
    status, frames = json.loads(report.read_text(encoding="utf-8"))
    assert status == 0
    assert frames, "no frame with the deck list was written"
    assert frames[0] == [True, True, []]


def test_the_deck_tree_sums_each_deck_into_all_its_parents() -> None:
    counts = {
        "ml::probability": DeckCounts(1, 0, 2),
        "ml::probability::bayes": DeckCounts(0, 1, 1),
        "ml::calculus": DeckCounts(3, 0, 0),
        "algebra": DeckCounts(0, 0, 4),
        "mlx": DeckCounts(5, 0, 0),  # a sibling whose name starts like "ml", not a child
    }
    # in the order given (the decks' file order), each parent before its children
    assert deck_tree(counts) == [
        ("ml", 0, DeckCounts(4, 1, 3)),
        ("ml::probability", 1, DeckCounts(1, 1, 3)),
        ("ml::probability::bayes", 2, DeckCounts(0, 1, 1)),
        ("ml::calculus", 1, DeckCounts(3, 0, 0)),
        ("algebra", 0, DeckCounts(0, 0, 4)),
        ("mlx", 0, DeckCounts(5, 0, 0)),
    ]
    # a child listed before its parent still comes after it
    assert [n for n, _, _ in deck_tree({"a::b": DeckCounts(), "a": DeckCounts()})] == ["a", "a::b"]


def test_a_chosen_deck_takes_in_its_sub_decks_but_not_look_alike_siblings() -> None:
    chosen = ["ml::probability", "algebra"]
    assert in_decks("ml::probability", chosen)
    assert in_decks("ml::probability::bayes", chosen)
    assert in_decks("algebra", chosen)
    assert not in_decks("ml", chosen)
    assert not in_decks("ml::probabilityx", chosen)
    assert not in_decks("algebra2", chosen)
    assert not in_decks("algebra", [])


async def test_studying_or_quizzing_before_the_decks_load_starts_nothing(store) -> None:
    import threading

    release = threading.Event()

    def load(progress):
        release.wait(5)
        return [], []

    app = FlashcardsApp(store, None, today=TODAY, deck_loader=load)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, DecksScreen) and not app.decks_ready
        screen.action_study()
        screen.action_quiz()
        screen.study_all()
        screen.quiz_all()
        await pilot.pause()
        messages = [n.message for n in app.notices]  # the deck list's notice lines
        assert messages.count("Still loading the decks…") == 4
        assert app.screen is screen
        release.set()
        await app.workers.wait_for_complete()


async def test_the_deck_names_take_the_width_of_a_wide_terminal(store) -> None:
    from textual.widgets import OptionList

    app = FlashcardsApp(store, None, today=TODAY)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        options = app.screen.query_one(OptionList)
        assert len(options.get_option_at_index(0).prompt.plain) == 46 + 3 * 8
        await pilot.resize_terminal(120, 40)
        await pilot.pause()
        assert len(options.get_option_at_index(0).prompt.plain) == 120 - 34 + 3 * 8


def test_study_with_a_path_shows_the_decks_stored_from_it_in_the_first_frame(tmp_path) -> None:
    """`flashcards study PATH` draws the decks stored from PATH, with their counts, in its
    first frame, as the default does; other stored decks stay out, and the files are read
    only after that frame."""
    from flashcards.sync import sync_paths

    mine, other = tmp_path / "mine", tmp_path / "other"
    for folder, name in ((mine, "Alphadeck"), (other, "Betadeck")):
        folder.mkdir()
        cards = "\n".join(f"Q: {name} question {i}?\nA: answer {i}\n" for i in range(3))
        (folder / "d.md").write_text(f"---\nname: {name}\n---\n{cards}", encoding="utf-8")
    config = tmp_path / "config.toml"
    config.write_text("", encoding="utf-8")
    settings = load_settings(config=config, data_dir=tmp_path / "data", env={})
    with Store.open(settings) as store:
        sync_paths(store, [mine, other])
    report = tmp_path / "frames.json"
    probe = (
        "import json, sys\n"
        "from textual.drivers import linux_driver\n"
        "frames = []\n"
        "write = linux_driver.LinuxDriver.write\n"
        "def spy(self, data):\n"
        "    if 'All decks' in data:\n"
        "        frames.append([data, 'flashcards.parsing' in sys.modules])\n"
        "    return write(self, data)\n"
        "linux_driver.LinuxDriver.write = spy\n"
        "from flashcards.cli import main\n"
        f"status = main(['study', {str(mine)!r}, '--exit-after-first-screen'])\n"
        f"open({str(report)!r}, 'w').write(json.dumps([status, frames]))\n"
    )
    env = {
        **os.environ,
        "FLASHCARDS_CONFIG": str(config),
        "FLASHCARDS_DATA_DIR": str(tmp_path / "data"),
        "TERM": "xterm-256color",
    }
    env.pop("FLASHCARDS_DB", None)
    assert run_on_a_terminal([sys.executable, "-c", probe], env) == 0
    status, frames = json.loads(report.read_text(encoding="utf-8"))
    assert status == 0
    assert frames, "no frame with the deck list was written"
    first, parsed = frames[0]
    assert "Alphadeck" in first and "today: 3 new" in first
    assert "Betadeck" not in first
    assert not parsed
