"""The Stats screen: snapshots at 80×24 and 120×40 on a fixed date, empty views, keys."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

import pytest
from textual.widgets import Static
from textual_plotext import PlotextPlot
from tui_helpers import TODAY, make_app

from flashcards.decks import load_decks
from flashcards.store import Store
from tui.screens.stats import StatsScreen

#: (days before TODAY, card, grade, kind) of the history the snapshots show.
HISTORY = [
    (40, "expect:0", 4, "review"),
    (40, "bern-range:0", 5, "review"),
    (39, "expect:0", 4, "review"),
    (33, "expect:0", 5, "review"),
    (20, "kl-rev:0", 1, "review"),
    (20, "kl-rev:0", 4, "repeat"),
    (19, "kl-rev:0", 3, "review"),
    (14, "dlog:1", 4, "review"),
    (13, "dlog:1", 2, "review"),
    (12, "dlog:1", 4, "review"),
    (9, "kl-true:0", 5, "practice"),
    (6, "dlog:1", 1, "review"),
    (6, "dlog:1", 4, "repeat"),
    (5, "dlog:1", 4, "review"),
    (3, "elbo:0", 4, "review"),
    (2, "elbo:0", 5, "review"),
    (2, "kl-rev:1", 0, "review"),
    (1, "kl-rev:1", 3, "review"),
    (1, "dx2:0", 5, "review"),
    (0, "bern-range:0", 4, "review"),
    (0, "dlog:2", 3, "review"),
    (0, "kl-true:0", 4, "review"),
]


def fill(store: Store, folder) -> None:
    decks, _ = load_decks([folder])
    store.sync(decks, [folder])
    for n, (days, card, grade, kind) in enumerate(HISTORY):
        day = TODAY - timedelta(days=days)
        when = datetime.combine(day, time(9, n), tzinfo=UTC)
        store.grade(card, grade, now=when, today=day, kind=kind, seconds=8.0 + n)


@pytest.fixture
def app(store, deck_dir):
    fill(store, deck_dir)
    return make_app(store, deck_dir)


async def open_stats(pilot) -> None:
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    pilot.app.push_screen(StatsScreen())
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


def test_stats_screen_80x24(snap_compare, app) -> None:
    assert snap_compare(app, terminal_size=(80, 24), run_before=open_stats)


def test_stats_screen_120x40(snap_compare, app) -> None:
    assert snap_compare(app, terminal_size=(120, 40), run_before=open_stats)


def test_stats_screen_scrolled_to_the_charts_80x24(snap_compare, app) -> None:
    async def run_before(pilot) -> None:
        await open_stats(pilot)
        pilot.app.screen.query_one("#forecast").scroll_visible(animate=False, top=True)
        await pilot.pause()

    assert snap_compare(app, terminal_size=(80, 24), run_before=run_before)


def texts(screen) -> str:
    return "\n".join(str(w.render()) for w in screen.query(Static))


async def test_numbers_on_the_screen(app) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await open_stats(pilot)
        screen = pilot.app.screen
        stats = screen.stats
        assert stats is not None and stats.day == TODAY
        assert stats.today.reviews == 3 and stats.streak.current == 4
        shown = texts(screen)
        assert "3 answers (3 reviews)" in shown
        assert "Streak: 4 days" in shown
        assert "study.md:" in shown  # hardest cards with their file and line
        assert all(p.display for p in screen.query(PlotextPlot))


async def test_empty_collection_says_so_in_every_view(store, deck_dir) -> None:
    decks, _ = load_decks([deck_dir])
    store.sync(decks, [deck_dir])
    app = make_app(store, deck_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_stats(pilot)
        screen = pilot.app.screen
        shown = texts(screen)
        for message in (
            "No reviews yet",
            "No reviews in the past year",
            "No cards due in the next 30 days",
            "No reviews of cards seen before in the last 30 days",
            "No card has been reviewed yet",
            "No card has lapsed yet",
        ):
            assert message in shown
        # no empty axes: only the card states have a chart
        shown_plots = [p.id for p in screen.query(PlotextPlot) if p.display]
        assert shown_plots == ["states-plot"]


async def test_escape_and_q_go_back(app) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        await open_stats(pilot)
        assert isinstance(pilot.app.screen, StatsScreen)
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(pilot.app.screen, StatsScreen)
        await open_stats(pilot)
        await pilot.press("q")
        await pilot.pause()
        assert not isinstance(pilot.app.screen, StatsScreen)


async def test_the_keys_scroll_a_small_screen(app) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        await open_stats(pilot)
        body = pilot.app.screen.query_one("#stats-body")
        assert body.max_scroll_y > 0
        await pilot.press("pagedown")
        await pilot.pause()
        assert body.scroll_y > 0


async def test_s_opens_the_stats_from_the_deck_list(app) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        await pilot.press("s")
        await pilot.pause()
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(pilot.app.screen, StatsScreen)
        assert pilot.app.screen.stats is not None
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(pilot.app.screen, StatsScreen)


async def test_markup_and_controls_in_a_card_are_shown_as_text(store, deck_dir) -> None:
    from flashcards.cards import CardKind, Deck, Note
    from flashcards.scheduler import ReviewState

    fill(store, deck_dir)
    hostile = Note("x", CardKind.BASIC, "[bold red]boom[/] \x1b[2J\u202e", "b", 3, 3)
    # outside the app's deck folder, so the app's own sync leaves it alone
    evil = deck_dir.parent / "elsewhere" / "evil.md"
    store.sync([Deck("evil", evil, notes=(hostile,))], [evil])
    for lapse in range(3):
        day = TODAY - timedelta(days=2 - lapse)
        store.set_state("x:0", ReviewState(5, 30, 250, day, lapse))
        store.grade("x:0", 0, now=datetime.combine(day, time(8), tzinfo=UTC), today=day)
    app = make_app(store, deck_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_stats(pilot)
        hardest = str(pilot.app.screen.query_one("#hardest-text", Static).render())
        assert "[bold red]boom[/]" in hardest.splitlines()[0]
        assert not any(c in hardest for c in "\x1b\u202e")
