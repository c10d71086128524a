"""The Stats screen: snapshots at 80×24 and 120×40 on a fixed date, empty views, keys."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import UTC, datetime, time, timedelta

import pytest
from textual.geometry import Region
from textual.widget import Widget
from textual.widgets import Static
from textual_plotext import PlotextPlot
from tui_helpers import TODAY, make_app

from flashcards.decks import load_decks
from flashcards.scheduler import ReviewState
from flashcards.stats import CardStates
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


def test_stats_screen_at_a_phones_width(snap_compare, app) -> None:
    async def run_before(pilot) -> None:
        await open_stats(pilot)
        await pilot.pause(0.2)  # the charts are drawn again at the width they are given

    assert snap_compare(app, terminal_size=(45, 40), run_before=run_before)


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
        # no empty axes: only the card states are drawn
        assert [p.id for p in screen.query(PlotextPlot) if p.display] == []
        assert screen.query_one("#states-bars").display


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


def rows(widget: Widget) -> list[str]:
    """The lines `widget` draws, as text."""
    return [strip.text for strip in widget.render_lines(Region(0, 0, *widget.size))]


def drawn(panel: Widget) -> list[str]:
    """Every line drawn by the widgets inside `panel` (the panel's own border left out)."""
    return [row for w in panel.walk_children() if not w.children for row in rows(w)]


BLOCKS = "█▉▊▋▌▍▎▏"
STATE_LINE = re.compile(
    rf"(new|learning|young|mature|suspended|removed)\s+(\d+)[^{BLOCKS}\d]*([{BLOCKS}]*)"
)


def bar_length(bar: str) -> float:
    return sum(1 if c == "█" else (8 - BLOCKS.index(c)) / 8 for c in bar)


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
async def test_state_bars_are_to_scale(app, size) -> None:
    counts = CardStates(new=540, learning=20, young=35, mature=3, suspended=0, removed=1)
    async with app.run_test(size=size) as pilot:
        await open_stats(pilot)
        screen = pilot.app.screen
        screen.show(replace(screen.stats, states=counts))
        await pilot.pause()
        bars = {}
        for line in drawn(screen.query_one("#states")):
            m = STATE_LINE.search(line)
            if m:
                bars[m.group(1)] = (int(m.group(2)), bar_length(m.group(3)))
        assert {s: n for s, (n, _) in bars.items()} == dict(counts.items())
        full = bars["new"][1]
        assert full >= 30
        for state, (n, length) in bars.items():
            assert length == pytest.approx(full * n / 540, abs=1 / 8), state
        assert bars["removed"][1] > 0 and bars["suspended"][1] == 0


def lapse(store: Store, card: str, times: int) -> None:
    """`card` forgotten `times` times, on the days before TODAY."""
    for n in range(times):
        day = TODAY - timedelta(days=times - n)
        store.set_state(card, ReviewState(5, 30, 250, day, n))
        store.grade(card, 0, now=datetime.combine(day, time(8), tzinfo=UTC), today=day)


GAUSS = r"""Q: What is $\frac{d}{dx} e^{-x^2/2}$ in terms of $x$ and the density? {#gauss}
A: $-x e^{-x^2/2}$
"""


@pytest.fixture
def math_app(store, deck_dir):
    """The hardest cards are questions with math: the deck's macro `\\E`, a fraction, a
    cloze in math, long ones, one in a file with a long name."""
    (deck_dir / "calculus-and-gradients.md").write_text(GAUSS)
    fill(store, deck_dir)
    lapse(store, "expect:0", 5)
    lapse(store, "dx2:0", 4)
    lapse(store, "elbo:0", 3)
    lapse(store, "gauss:0", 1)
    return make_app(store, deck_dir)


async def test_hardest_questions_show_their_math_as_text(math_app) -> None:
    async with math_app.run_test(size=(80, 24)) as pilot:
        await open_stats(pilot)
        lines = rows(pilot.app.screen.query_one("#hardest-text"))
        assert [line.split("×")[0].strip() for line in lines[:3]] == ["5", "4", "3"]
        shown = "\n".join(lines)
        assert "What does 𝔼[X] mean?" in lines[0]  # the deck's macro
        assert "d/dx x² = ?" in lines[1]
        assert "log p(x)" in lines[2]
        assert not any(c in shown for c in "\\$")
        assert "{{c" not in shown  # a cloze shows its question, not its markup


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
async def test_every_line_of_the_screen_fits_its_width(math_app, size) -> None:
    async with math_app.run_test(size=size) as pilot:
        await open_stats(pilot)
        screen = pilot.app.screen
        hardest = screen.query_one("#hardest-text", Static)
        cards = len(screen.stats.hardest)
        assert cards >= 4
        # one row a card: nothing wrapped onto a row of its own
        assert hardest.size.height == cards
        lines = rows(hardest)
        assert all("×" in line for line in lines)
        assert any(line.rstrip().endswith("…") for line in lines)  # the long one is cut
        for widget in screen.query(Static):
            assert not any(row.strip() == "…" for row in rows(widget)), widget.id
