"""`flashcards study PATH`: the app studies the decks of those paths alone, and its daily
limits, counts and notices are about them, not the rest of the collection."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from textual.widgets import Static
from tui_helpers import TODAY

from flashcards.config import Limits, Settings
from flashcards.decks import load_decks
from flashcards.store import Store
from tui.app import FlashcardsApp, StudyOptions
from tui.screens.review import ReviewScreen

OTHER = "".join(f"Q: other {i}?\nA: {i}\n\n" for i in range(5))
MINE = "".join(f"Q: mine {i}?\nA: {i}\n\n" for i in range(3))


def collection(tmp_path: Path, graded_elsewhere: int = 0) -> tuple[Store, Path]:
    """A collection holding another folder's deck (first in file order, 5 new cards, the
    first `graded_elsewhere` of them learned today, due tomorrow) and the studied folder's
    (3 new cards)."""
    (tmp_path / "a_other").mkdir()
    (tmp_path / "a_other" / "other.md").write_text(OTHER)
    mine = tmp_path / "z_mine"
    mine.mkdir()
    (mine / "mine.md").write_text(MINE)
    store = Store(f"sqlite:///{tmp_path / 'c.sqlite3'}")
    for root in (tmp_path / "a_other", mine):
        decks, problems = load_decks([root])
        assert problems == []
        store.sync(decks, [str(root)])
    first = store.queue(TODAY)[:graded_elsewhere]  # new cards in file order: the other's
    assert {store.cards(first)[c].deck for c in first} <= {"other"}
    for card_id in first:
        store.grade(card_id, 4, now=datetime(2026, 11, 26, 12, tzinfo=UTC), today=TODAY)
    return store, mine


def app_on(store: Store, root: Path, new_per_day: int) -> FlashcardsApp:
    settings = Settings(
        data_dir=root.parent,
        db_url=store.url,
        config_path=root.parent / "config.toml",
        limits=Limits(new_per_day=new_per_day),
    )
    return FlashcardsApp(
        store,
        None,
        today=TODAY,
        settings=settings,
        options=StudyOptions(only_loaded=True),
        deck_loader=lambda progress=None: load_decks([root], progress),
        roots=[root],
        stored_decks=store.decks_under([root]),
        clock=lambda: 1000.0,
    )


async def start_studying(app: FlashcardsApp, pilot) -> None:
    """Once the decks are read, study "All decks" (Enter on the deck list's first row)."""
    await app.workers.wait_for_complete()
    await pilot.pause()
    app.start_study(None)
    await pilot.pause()


async def test_the_daily_new_cards_go_to_the_studied_paths_decks(tmp_path):
    """Two new cards a day: the session takes two of the folder's, not two of the other
    deck's that come first in file order (which the app then dropped, and said the limit
    was used up)."""
    store, mine = collection(tmp_path)
    try:
        app = app_on(store, mine, new_per_day=2)
        async with app.run_test(size=(100, 30)) as pilot:
            await start_studying(app, pilot)
            assert isinstance(app.screen, ReviewScreen), [n.message for n in app.notices]
            queue = list(app.screen.session.pending)
            assert len(queue) == 2
            assert all(app.cards[c][1].name == "mine" for c in queue)
    finally:
        store.close()


async def test_nothing_left_in_the_studied_paths_says_all_done(tmp_path):
    """Every new card of the folder studied, the other deck's waiting: all done here, not
    "the new-card limit is used up; 5 new cards wait"."""
    store, mine = collection(tmp_path, graded_elsewhere=2)
    try:
        app = app_on(store, mine, new_per_day=20)
        async with app.run_test(size=(100, 30)) as pilot:
            await start_studying(app, pilot)
            assert isinstance(app.screen, ReviewScreen)
            for _ in range(3):
                await pilot.press("space")
                await pilot.pause()
                await pilot.press("4")
                await app.workers.wait_for_complete()
                await pilot.pause()
            summary = str(app.screen.query_one("#numbers", Static).render())
            assert "Due tomorrow       3" in summary  # the folder's, not the collection's 5
            await pilot.press("escape")
            await pilot.pause()
            app.start_study(None)
            await pilot.pause()
            messages = " ".join(str(n.message) for n in app.notices)
            assert "Nothing due here today." in messages
            assert "wait here" not in messages
    finally:
        store.close()


TAGGED = "Q: tagged? {.vi}\nA: yes\n\nQ: plain?\nA: yes\n"


async def test_a_tag_no_card_has_is_named_in_a_notice(tmp_path):
    """`flashcards study --tag nosuch` (a typo) used to open on empty counts without a word."""
    root = tmp_path / "decks"
    root.mkdir()
    (root / "t.md").write_text(TAGGED)
    seen = {}
    for tag in ("nosuch", "vi"):
        store = Store("sqlite://")
        app = FlashcardsApp(
            store,
            None,
            today=TODAY,
            options=StudyOptions(tag=tag),
            deck_loader=lambda progress=None: load_decks([root], progress),
            roots=[root],
        )
        async with app.run_test(size=(100, 30)) as pilot:
            await app.workers.wait_for_complete()
            await pilot.pause()
            seen[tag] = " ".join(str(n.message) for n in app.notices)
        store.close()
    assert "No card has the tag `nosuch`" in seen["nosuch"]
    assert "No card has the tag" not in seen["vi"]
