"""StatsScreen: today's numbers, the streak, and the charts of `flashcards stats`.

The numbers come from `flashcards.stats` (SQL, in a thread worker, so a large collection never
blocks the screen); the charts are drawn by the same `draw_*` functions as the terminal
report, on textual-plotext widgets, and the card states by its `state_bars`, drawn again at
each width. A view with nothing to show says so instead of a chart. The hardest cards'
questions are shown as everywhere in the app (`tui.render.one_line`: math as Unicode with the
deck's macros), each on one line cut to the panel's width.
"""

from __future__ import annotations

from datetime import date
from pathlib import PurePath
from typing import Any

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Static
from textual.worker import Worker, WorkerState
from textual_plotext import PlotextPlot

from flashcards.report import (
    BLOCKS,
    HEAT_MARGIN,
    distribution_heading,
    draw_distribution,
    draw_forecast,
    draw_heatmap,
    forecast_heading,
    forecast_width,
    fsrs_lines,
    heat_legend,
    heatmap_heading,
    heatmap_weeks,
    question_line,
    retention_lines,
    state_bars,
    today_lines,
)
from flashcards.stats import CardStates, HardCard, Stats
from flashcards.text import plural, single_line
from tui.widgets import Footer

#: From this width the panels sit two by two.
WIDE = 110
#: Characters of a hardest card's question kept before the panel cuts it to its width.
QUESTION_CHARS = 200


class StateBars(Widget):
    """Cards per state as bars to scale, redrawn to fill the width it is given."""

    def __init__(self, *, id: str | None = None) -> None:  # noqa: A002 - Textual's name
        super().__init__(id=id)
        self.states: CardStates | None = None

    def show(self, states: CardStates) -> None:
        self.states = states
        self.refresh(layout=True)

    def render(self) -> Content:
        if self.states is None:
            return Content("")
        lines = state_bars(self.states, self.content_size.width)
        content = Content("\n".join(lines))
        start = 0
        for line in lines:
            bar = len(line.rstrip("".join(BLOCKS)))
            content = content.stylize("$success", start + bar, start + len(line))
            start += len(line) + 1
        return content


class StatsScreen(Screen[None]):
    """Statistics of the collection, or of one deck and its sub-decks."""

    CSS_PATH = "stats.tcss"
    BINDINGS = [
        Binding("escape", "back", "Back"),
        Binding("q", "back", "Back", show=False),
    ]

    def __init__(self, deck: str | None = None, today: date | None = None) -> None:
        super().__init__()
        self.deck = deck
        self.day = today
        self.stats: Stats | None = None

    def compose(self) -> ComposeResult:
        yield Static("Statistics", id="stats-title", classes="title", markup=False)
        with VerticalScroll(id="stats-body"):
            with Vertical(id="today", classes="panel"):
                yield Static("Counting…", id="today-text", markup=False)
            with Vertical(id="heat", classes="panel"):
                yield Static("", id="heat-heading", classes="heading", markup=False)
                yield PlotextPlot(id="heat-plot")
                yield Static("", id="heat-legend", classes="quiet", markup=False)
            with Vertical(id="forecast", classes="panel"):
                yield Static("", id="forecast-heading", classes="heading", markup=False)
                yield PlotextPlot(id="forecast-plot")
            # side by side when the screen is wide, one under the other when not
            with Horizontal(classes="pair"):
                with Vertical(id="retention", classes="panel"):
                    yield Static("Retention, last 30 days", classes="heading", markup=False)
                    yield Static("", id="retention-text", markup=False)
                with Vertical(id="hardest", classes="panel"):
                    yield Static("Hardest cards (most lapses)", classes="heading", markup=False)
                    yield Static("", id="hardest-text", markup=False)
            with Horizontal(classes="pair"):
                with Vertical(id="states", classes="panel"):
                    yield Static("", id="states-heading", classes="heading", markup=False)
                    yield StateBars(id="states-bars")
                with Vertical(id="intervals", classes="panel"):
                    yield Static("", id="intervals-heading", classes="heading", markup=False)
                    yield PlotextPlot(id="intervals-plot")
            with Vertical(id="ease", classes="panel"):
                yield Static("", id="ease-heading", classes="heading", markup=False)
                yield PlotextPlot(id="ease-plot")
        yield Footer()

    def on_mount(self) -> None:
        self.set_class(self.app.size.width >= WIDE, "-wide")
        for plot in self.query(PlotextPlot):
            plot.display = False
        self.load()

    def on_resize(self) -> None:
        self.set_class(self.size.width >= WIDE, "-wide")
        if self.stats is not None and _panel_width(self.app.size.width) != self._fitted_for:
            self.show(self.stats)  # the charts' widths follow the screen's

    #: The panel width the charts were last fitted to.
    _fitted_for = 0

    def _fitted(self, best: int) -> int:
        """A chart's width: its best, or the width of a full-width panel when narrower (a
        phone), so that it is drawn whole instead of cut at the panel's edge."""
        self._fitted_for = _panel_width(self.app.size.width)
        return min(best, self._fitted_for)

    @work(thread=True, exclusive=True, group="stats")
    def load(self) -> Stats:
        """Compute the statistics off the event loop; the result arrives as a state change."""
        return self.app.backend.stats(self.day or self.app.today, self.deck)

    @on(Worker.StateChanged)
    def loaded(self, event: Worker.StateChanged) -> None:
        if event.worker.group != "stats":
            return
        if event.state is WorkerState.SUCCESS:
            self.show(event.worker.result)
        elif event.state is WorkerState.ERROR:
            self.query_one("#today-text", Static).update(
                f"Could not count the statistics: {event.worker.error}"
            )

    # -- filling the panels -------------------------------------------------------------------

    def show(self, stats: Stats) -> None:
        """Fill every panel from `stats`."""
        self.stats = stats
        scope = f"{single_line(stats.deck)} and its sub-decks" if stats.deck else "all decks"
        self.query_one("#stats-title", Static).update(
            f"Statistics · {scope} · {stats.day.isoformat()}"
        )
        self.query_one("#today-text", Static).update("\n".join(today_lines(stats)))

        heat = stats.heatmap
        self.query_one("#heat-heading", Static).update(heatmap_heading(heat))
        self.query_one("#heat-legend", Static).update(heat_legend(heat) if heat.total else "")
        plot = self._plot("heat-plot", draw_heatmap, heat, show=bool(heat.total))
        plot.styles.width = self._fitted(heatmap_weeks(heat) + HEAT_MARGIN[0])
        plot.styles.height = 7 + HEAT_MARGIN[1]

        self.query_one("#forecast-heading", Static).update(forecast_heading(stats.forecast))
        best = forecast_width(stats.forecast)
        width = self._fitted(best)
        plot = self._plot(
            "forecast-plot",
            draw_forecast if width == best else _draw_narrow_forecast,
            stats.forecast,
            show=bool(stats.forecast.total),
        )
        plot.styles.width = width

        self.query_one("#retention-text", Static).update(
            "\n".join(retention_lines(stats.retention) + fsrs_lines(stats))
        )

        states = stats.states
        heading = f"Cards by state: {plural(states.total, 'card')}"
        if not states.total:
            heading += "\nNo cards yet: sync a deck folder."
        self.query_one("#states-heading", Static).update(heading)
        bars = self.query_one("#states-bars", StateBars)
        bars.show(states)
        bars.display = bool(states.total)

        self.query_one("#hardest-text", Static).update("\n".join(self._hardest(stats)))

        self.query_one("#ease-heading", Static).update(distribution_heading("Ease", stats.ease))
        self._plot("ease-plot", draw_distribution, stats.ease, show=bool(stats.ease.cards))
        self.query_one("#intervals-heading", Static).update(
            distribution_heading("Intervals", stats.intervals, " d")
        )
        self._plot(
            "intervals-plot",
            lambda plt, dist: draw_distribution(plt, dist, "cyan"),
            stats.intervals,
            show=bool(stats.intervals.cards),
        )

    def _plot(self, plot_id: str, draw: Any, data: Any, *, show: bool) -> PlotextPlot:
        plot = self.query_one(f"#{plot_id}", PlotextPlot)
        plot.plt.clear_figure()
        if show:
            draw(plot.plt, data)
        plot.display = show
        plot.refresh()
        return plot

    def _hardest(self, stats: Stats) -> list[str]:
        """One line a card: lapses, file name and line, then its question (the panel cuts
        each line to its width, with `…`, instead of wrapping it)."""
        if not stats.hardest:
            return ["No card has lapsed yet."]
        lines = []
        for h in stats.hardest:
            where = f"{single_line(PurePath(h.path).name)}:{h.line}"
            mark = "(suspended) " if h.suspended else ""
            lines.append(f"{h.lapses:>3} × {where:<18} {mark}{self._question(h)}")
        return lines

    def _question(self, hard: HardCard) -> str:
        """The card's question as the app shows it in lists; the stored front with its math
        rendered when the card is in no loaded deck."""
        from tui.render import one_line

        found = self.app.cards.get(hard.card_id)
        if found is None:
            return question_line(hard.front, cloze=hard.ordinal if hard.kind == "cloze" else None)
        card, deck = found
        return " ".join(single_line(one_line(card, deck, QUESTION_CHARS)).split())

    def action_back(self) -> None:
        if len(self.app.screen_stack) > 1:
            self.app.pop_screen()


def _panel_width(screen_width: int) -> int:
    """Columns inside a full-width panel: the body's padding and scroll bar and the panel's
    border and padding taken off."""
    return max(10, screen_width - 8)


def _draw_narrow_forecast(plt: Any, forecast: Any) -> None:
    """The forecast narrower than its best width: a date every two weeks, not every week,
    so that the labels never overlap."""
    draw_forecast(plt, forecast)
    days = forecast.days()
    ticks = list(range(0, len(days), 14))
    plt.xticks(ticks, [days[i].day.strftime("%b %d") for i in ticks])
