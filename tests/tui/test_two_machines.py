"""Two machines, one collection: each keeps its own deck files, and studies the other's decks
from the text the collection stores (on SQLite and on a PostgreSQL server)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from textual.widgets import Markdown, OptionList, Static
from tui_helpers import TODAY

from flashcards.cards import CardKind
from flashcards.decks import load_decks
from flashcards.store import Store
from tui.app import FlashcardsApp
from tui.screens.review import ReviewScreen
from tui.widgets.notices import NoticeBar

#: The laptop's deck: a front-matter macro and a math card with its own `define`; the typed
#: answer `x^2/2` is right only with both (without the macro the expected answer cannot be
#: read, without the definition `g` is an unknown function).
LAPTOP_DECK = r"""---
macros:
  \half: \frac{1}{2}
---

Q: What does PPO clip? {#ppo}
A: The probability ratio.

## $\half g(x)$ for $g(x) = x^2$? {#half-g}

```answer
expected: \half g(x)
define: [g(x) = x^2]
```

Q: What does ![the policy loop](loop.png) show? {#loop}
A: Act, observe, update.
"""

DESKTOP_DECK = "Q: A desktop card? {#desk}\nA: Yes.\n"


def machines(tmp_path: Path) -> tuple[Path, Path]:
    """The laptop's deck folder (with an image) and the desktop's, which share nothing."""
    laptop = tmp_path / "laptop" / "decks"
    (laptop / "ml").mkdir(parents=True)
    (laptop / "ml" / "rl.md").write_text(LAPTOP_DECK)
    (laptop / "ml" / "loop.png").write_bytes(b"\x89PNG")
    desktop = tmp_path / "desktop" / "decks"
    desktop.mkdir(parents=True)
    (desktop / "desk.md").write_text(DESKTOP_DECK)
    return laptop, desktop


def sync_folder(store: Store, root: Path) -> Any:
    decks, problems = load_decks([root])
    assert problems == []
    return store.sync(decks, [str(root)])


def desktop_app(store: Store, root: Path, edited: list[Any]) -> FlashcardsApp:
    """The study app as `flashcards study` opens it on the desktop: its folder is read and
    synced by the app's worker; the answers are checked by the real checker."""
    return FlashcardsApp(
        store,
        None,
        today=TODAY,
        deck_loader=lambda progress=None: load_decks([root], progress),
        editor=lambda path, line: edited.append(path),
        roots=[root],
        clock=lambda: 1000.0,
    )


async def settle(app, pilot) -> None:
    await app.workers.wait_for_complete()
    await pilot.pause()


def notices(screen) -> str:
    return (
        " ".join(str(n.message) for n in screen.app.notices)
        + " "
        + str(screen.query_one(NoticeBar).render())
    )


async def test_the_desktop_studies_the_laptops_deck_from_the_stored_text(db_url, tmp_path):
    laptop_root, desktop_root = machines(tmp_path)
    laptop, desktop = Store(db_url), Store(db_url)
    try:
        assert sync_folder(laptop, laptop_root).added == 3
        # The laptop's files are not on the desktop (one file system here: moved away).
        away = laptop_root.parent.rename(tmp_path / "away")
        edited: list[Any] = []
        app = desktop_app(desktop, desktop_root, edited)
        shown: list[str] = []
        async with app.run_test(size=(100, 30)) as pilot:
            await settle(app, pilot)
            assert {"ppo:0", "half-g:0", "loop:0", "desk:0"} <= set(app.cards)
            assert [d.name for d in app.elsewhere] == ["ml::rl"]
            # the deck list marks the laptop's deck, and only it, and says what the mark means
            options = app.screen.query_one(OptionList)
            rows = {o.id: str(o.prompt) for o in options.options}
            assert "⇄" in rows["ml::rl"]
            assert not any("⇄" in text for key, text in rows.items() if key != "ml::rl")
            totals = str(app.screen.query_one("#totals", Static).render())
            assert "⇄ another machine's files" in totals
            app.start_study(["ml::rl"])
            await pilot.pause()
            screen = app.screen
            assert isinstance(screen, ReviewScreen)
            while isinstance(app.screen, ReviewScreen) and screen.card is not None:
                card = screen.card
                shown.append(card.id)
                if card.kind is CardKind.MATH:
                    await pilot.press(*"x^2/2", "enter")
                    await settle(app, pilot)
                    verdict = str(screen.query_one("#verdict", Static).render())
                    assert screen.checked.accepted, verdict
                else:
                    if card.id == "loop:0":
                        front = screen.query_one("#front", Markdown).source
                        assert "the policy loop — its file is not on this machine" in front
                        await pilot.press("e")  # edit: the file is on the laptop
                        await pilot.pause()
                        assert "not on this machine" in notices(screen)
                        assert "Edit it there" in notices(screen)
                    await pilot.press("space")
                    await pilot.pause()
                await pilot.press("4")
                await pilot.pause()
        assert sorted(shown) == ["half-g:0", "loop:0", "ppo:0"]
        assert edited == []  # no editor was run on a path the desktop does not have
        # The grades reached the collection: the laptop's own store reads them.
        log = {e.card_id: e for e in laptop.review_log()}
        assert set(log) == {"half-g:0", "loop:0", "ppo:0"}
        assert (log["half-g:0"].typed, log["half-g:0"].verdict) == ("x^2/2", "correct")
        # The desktop's sync saw only its folder: the laptop's cards are not removed.
        assert not any(laptop.card(c).removed for c in log)
        assert set(desktop.decks()) == {"desk", "ml::rl"}
        studied = {c: laptop.state(c) for c in log}
        assert all(s.repetitions == 1 and s.due is not None for s in studied.values())

        # Back on the laptop: its next sync (the deck edited meanwhile) keeps that history.
        away.rename(laptop_root.parent)
        (laptop_root / "ml" / "rl.md").write_text(
            LAPTOP_DECK + "\nQ: A card added later? {#later}\nA: Yes.\n"
        )
        report = sync_folder(laptop, laptop_root)
        assert (report.added, report.removed) == (1, 0)
        assert {c: laptop.state(c) for c in log} == studied
        assert {e.card_id for e in laptop.review_log()} == set(log)
        assert [d.name for d in desktop.stored_decks([str(desktop_root / "desk.md")])] == ["ml::rl"]
    finally:
        laptop.close()
        desktop.close()


async def test_decks_synced_without_their_text_are_counted_and_said_so(tmp_path):
    laptop_root, desktop_root = machines(tmp_path)
    url = f"sqlite:///{tmp_path / 'c.sqlite3'}"
    with Store(url) as laptop:
        sync_folder(laptop, laptop_root)
        # as a collection synced before the store kept deck text
        import sqlalchemy as sa

        with laptop._tx(write=True) as conn:
            conn.execute(sa.text("UPDATE decks SET source_text = ''"))
    with Store(url) as desktop:
        app = desktop_app(desktop, desktop_root, [])
        said: list[str] = []
        app.notify = lambda message, **kw: said.append(message)  # type: ignore[method-assign]
        async with app.run_test(size=(100, 30)) as pilot:
            await settle(app, pilot)
            assert app.elsewhere == [] and "ppo:0" not in app.cards
            (warning,) = [m for m in said if "ml::rl" in m]
            assert "cannot be studied here" in warning and "flashcards sync" in warning
            # its cards are counted in the deck list, but there is nothing to show
            assert app.backend.counts(TODAY)["ml::rl"].new == 3
            app.start_study(["ml::rl"])
            await pilot.pause()
            assert not isinstance(app.screen, ReviewScreen)
            assert said[-1].startswith("3 cards due here are in decks whose files are not on")


async def test_quiz_and_card_info_take_the_other_machines_cards(tmp_path):
    from tui.screens.info import InfoScreen
    from tui.screens.quiz import QuizScreen

    laptop_root, desktop_root = machines(tmp_path)
    url = f"sqlite:///{tmp_path / 'c.sqlite3'}"
    with Store(url) as laptop:
        sync_folder(laptop, laptop_root)
    laptop_root.parent.rename(tmp_path / "away")
    with Store(url) as desktop:
        app = desktop_app(desktop, desktop_root, [])
        async with app.run_test(size=(100, 30)) as pilot:
            await settle(app, pilot)
            app.start_quiz(["ml::rl"])
            await pilot.pause()
            quiz = app.screen
            assert isinstance(quiz, QuizScreen)
            assert quiz.total == 3 and quiz.card.id in {"half-g:0", "loop:0", "ppo:0"}
            card, deck = app.cards["ppo:0"]
            app.push_screen(InfoScreen(card, deck))
            await pilot.pause()
            text = str(app.screen.query_one(Static).render())
            assert "rl.md:6" in text and "on another machine" in text


async def laptop_syncs_while_open(app, pilot, laptop: Store, laptop_root: Path) -> None:
    """The desktop's app has read its decks (none of the laptop's yet); then the laptop
    syncs its folder, whose files are not on the desktop."""
    await settle(app, pilot)
    assert app.elsewhere == []
    assert sync_folder(laptop, laptop_root).added == 3
    laptop_root.parent.rename(laptop_root.parent.parent / "away")


async def test_a_deck_the_other_machine_syncs_while_the_app_is_open_can_be_studied(
    db_url, tmp_path
):
    """The desktop's app is open when the laptop syncs a new deck: the deck list shows its
    counts, and choosing it studies its cards from the stored text (it used to say the
    collection had no text of them, until the app was started again)."""
    laptop_root, desktop_root = machines(tmp_path)
    laptop, desktop = Store(db_url), Store(db_url)
    try:
        app = desktop_app(desktop, desktop_root, [])
        async with app.run_test(size=(100, 30)) as pilot:
            await laptop_syncs_while_open(app, pilot, laptop, laptop_root)
            app.start_study(["ml::rl"])
            await pilot.pause()
            assert isinstance(app.screen, ReviewScreen), notices(app.screen)
            assert app.screen.card.id in {"ppo:0", "half-g:0", "loop:0"}
            assert [d.name for d in app.elsewhere] == ["ml::rl"]
            assert "from another machine" in notices(app.screen)
            assert "no text of them" not in notices(app.screen)
            await pilot.press("q")  # back to the deck list, which marks the deck
            await settle(app, pilot)
            await pilot.press("escape")
            await settle(app, pilot)
            rows = {o.id: str(o.prompt) for o in app.screen.query_one(OptionList).options}
            assert "⇄" in rows["ml::rl"]
    finally:
        laptop.close()
        desktop.close()


async def test_a_quiz_on_a_deck_the_other_machine_synced_while_the_app_was_open(db_url, tmp_path):
    laptop_root, desktop_root = machines(tmp_path)
    laptop, desktop = Store(db_url), Store(db_url)
    try:
        app = desktop_app(desktop, desktop_root, [])
        async with app.run_test(size=(100, 30)) as pilot:
            await laptop_syncs_while_open(app, pilot, laptop, laptop_root)
            app.start_quiz(["ml::rl"])
            await pilot.pause()
            assert type(app.screen).__name__ == "QuizScreen", notices(app.screen)
            assert "No cards to quiz on" not in notices(app.screen)
    finally:
        laptop.close()
        desktop.close()


async def test_a_deck_synced_from_a_path_on_this_machine_is_not_called_another_machines(
    tmp_path,
):
    """`flashcards study PATH` once, then `flashcards` on the deck folders: the path's deck
    is studied from the stored text as before, but its file is here, so the app says it is
    outside the deck folders and how to edit it, not that another machine has it."""
    laptop_root, desktop_root = machines(tmp_path)
    store = Store(f"sqlite:///{tmp_path / 'one.sqlite3'}")
    try:
        assert sync_folder(store, laptop_root).added == 3  # as `flashcards study PATH` did
        app = desktop_app(store, desktop_root, [])
        async with app.run_test(size=(100, 30)) as pilot:
            await settle(app, pilot)
            assert [d.name for d in app.elsewhere] == ["ml::rl"]
            said = notices(app.screen)
            assert "another machine" not in said
            assert "outside the deck folders" in said
            totals = str(app.screen.query_one("#totals", Static).render())
            assert "another machine" not in totals
            deck = app.elsewhere[0]
            card = next(c for c in deck.cards if c.id == "ppo:0")
            edited = app.edit_card(card, deck)
            assert "another" not in edited.message
            assert f"flashcards study {laptop_root}" in edited.message
    finally:
        store.close()
