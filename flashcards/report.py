"""The statistics as words and charts: the report `flashcards stats` prints and the panels
of the study app's Stats screen, drawn by the same functions.

The charts are drawn by plotext. The `draw_*` functions take a plotext-like object (the
`plotext` module for the terminal report, a textual-plotext `PlotextPlot.plt` in the Stats
screen) and the numbers from `flashcards.stats`. The card states are lines of text
(`state_bars`): plotext's horizontal bars, one row each, bled into the next row and were not
to scale. The hardest cards' questions are shown with their math as Unicode
(`question_line`), cut by display width (`fit`).
"""

from __future__ import annotations

import contextlib
import math
from collections.abc import Mapping
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from flashcards.text import cells, duration, fit, percent, plural, single_line, strip_controls

if TYPE_CHECKING:
    from flashcards.stats import CardStates, Distribution, Forecast, Heatmap, RetentionReport, Stats

#: Markers of the heatmap's four levels, lightest first: they read without colour too.
HEAT_MARKERS = ("·", "▪", "■", "█")
HEAT_COLORS = ("cyan", "green", "orange", "red")
#: Columns and rows of a heatmap chart beyond one column a week and one row a weekday:
#: the weekday labels and the frame; the frame and the month labels.
HEAT_MARGIN = (5, 3)
#: Bars of the card states are drawn in eighths of a column: these end a bar, shortest first.
EIGHTHS = ("▏", "▎", "▍", "▌", "▋", "▊", "▉")
BLOCKS = ("█", *EIGHTHS)

# --- time ------------------------------------------------------------------------------------


def answer_seconds(shown: float, graded: float) -> float:
    """The time one answer took, as the review log records it: from the card shown to its
    grade (seconds on a monotonic clock), to a tenth of a second.

    The time spent on a session is the sum of these, in the session summary as in the
    statistics' "today" (which sum the logged column): never the wall-clock time between
    the first card and the end.
    """
    return round(graded - shown, 1)


# --- words -----------------------------------------------------------------------------------

# The small words (plural, percent, duration) and the terminal-safe text are flashcards.text's.


def question_line(
    front: str, macros: Mapping[str, str] | None = None, cloze: int | None = None
) -> str:
    """A card's question (Markdown with `$…$` math) as one line of plain terminal text.

    The math becomes Unicode with the deck's `macros`, as the study app shows it; Markdown
    escapes and emphasis marks are removed, and only the first non-empty line is kept.

    Args:
        cloze: the number of a cloze card, whose deletion is then shown hidden (`⟦…⟧`).
    """
    from flashcards.latex import first_line_text, markdown_for_terminal

    if cloze is not None:
        from flashcards.cloze import ClozeError, render_cloze

        # a front cut short inside a deletion is shown as stored
        with contextlib.suppress(ClozeError):
            front = render_cloze(front, cloze, reveal=False)
    text = markdown_for_terminal(strip_controls(front).replace("\t", " "), macros)
    return " ".join(single_line(first_line_text(text)).split())


def today_lines(stats: Stats) -> list[str]:
    """What was done today and the streak, in words."""
    t = stats.today
    if not stats.has_reviews:
        return ["No reviews yet: study a deck and your numbers show up here."]
    if t.answers == 0:
        first = "No answers yet today."
    else:
        kinds = [plural(t.reviews, "review")]
        if t.repeats:
            kinds.append(plural(t.repeats, "repeat"))
        if t.practice:
            kinds.append(plural(t.practice, "quiz answer"))
        first = (
            f"{plural(t.answers, 'answer')} ({', '.join(kinds)}) · "
            f"{percent(t.correct_share)} correct · {duration(t.seconds)} · "
            f"{plural(t.new_learned, 'new card')}"
        )
    s = stats.streak
    if s.current:
        streak = f"Streak: {plural(s.current, 'day')}"
        if not s.studied_today:
            streak += " (study today to keep it)"
    else:
        last = f"; last studied {s.last_day.isoformat()}" if s.last_day else ""
        streak = f"Streak: none{last}"
    return [first, f"{streak} · longest in the past year: {plural(s.longest, 'day')}"]


def heatmap_heading(heat: Heatmap) -> str:
    if not heat.total:
        return "Reviews per day: No reviews in the past year."
    return (
        f"Reviews per day, past year: {plural(heat.total, 'answer')} "
        f"on {plural(heat.days_studied, 'day')}"
    )


def forecast_heading(forecast: Forecast) -> str:
    days = len(forecast.counts)
    if not forecast.total:
        return f"Due in the next {days} days: No cards due in the next {days} days."
    overdue = f", {forecast.overdue} overdue" if forecast.overdue else ""
    return f"Due in the next {days} days: {plural(forecast.total, 'card')}{overdue}"


def _days(report: RetentionReport) -> int:
    return (report.end - report.start).days + 1


def retention_lines(report: RetentionReport) -> list[str]:
    """A table of young, mature and overall retention per deck."""
    if not report.total.total:
        return [f"No reviews of cards seen before in the last {_days(report)} days."]

    def cell(share: float | None, n: int) -> str:
        return f"{percent(share)} of {n}" if n else "-"

    rows = [
        (
            single_line(r.deck),
            cell(r.young, r.young_total),
            cell(r.mature, r.mature_total),
            cell(r.overall, r.total),
        )
        for r in (*report.decks, report.total)
    ]
    head = ("deck", "young", "mature", "all")
    widths = [max(len(x[i]) for x in (head, *rows)) for i in range(4)]
    lines = []
    for i, row in enumerate((head, *rows)):
        if i == len(rows):  # the total
            lines.append("  ".join("-" * w for w in widths))
        lines.append(
            "  ".join(
                row[0].ljust(widths[0]) if j == 0 else row[j].rjust(widths[j]) for j in range(4)
            )
        )
    return lines


def distribution_heading(name: str, dist: Distribution, unit: str = "") -> str:
    if not dist.cards:
        return f"{name}: No card has been reviewed yet."
    mean = f"{dist.mean:.2f}" if unit == "" else f"{dist.mean:.1f}{unit}"
    return f"{name} of {plural(dist.cards, 'card')} seen: mean {mean}"


def hardest_lines(
    stats: Stats,
    width: int = 78,
    macros: Mapping[str, Mapping[str, str]] | None = None,
) -> list[str]:
    """The cards with most lapses, each as `path:line` to open and rewrite, then its question.

    Args:
        width: columns each line may take; the question is cut to fit.
        macros: each deck file's LaTeX macros, by its path as stored, for the questions' math.
    """
    if not stats.hardest:
        return ["No card has lapsed yet."]
    lines = []
    for h in stats.hardest:
        leech = ", suspended" if h.suspended else ""
        start = f"{plural(h.lapses, 'lapse') + leech:<10}  {single_line(h.path)}:{h.line}  "
        cloze = h.ordinal if h.kind == "cloze" else None
        question = question_line(h.front, (macros or {}).get(h.path), cloze)
        # a long path leaves the question at least a few words
        lines.append(start + fit(question, max(width - cells(start), 20)))
    return lines


def state_bars(states: CardStates, width: int, colors: bool = False) -> list[str]:
    """One line a state, `learning   20 ██▍`: bars to scale, a sliver for any card at all.

    Bars are drawn in eighths of a column; the longest takes what `width` leaves after the
    names and counts.
    """
    items = states.items()
    name_w = max(len(name) for name, _ in items)
    count_w = max(len(str(n)) for _, n in items)
    room = max(width - name_w - count_w - 2, 1)
    top = max((n for _, n in items), default=0)
    lines = []
    for name, n in items:
        eighths = max(round(8 * room * n / top), 1) if n else 0
        bar = "█" * (eighths // 8) + ("", *EIGHTHS)[eighths % 8]
        if colors and bar:
            bar = f"\x1b[32m{bar}\x1b[0m"
        lines.append(f"{name:<{name_w}} {n:>{count_w}} {bar}".rstrip())
    return lines


# --- charts --------------------------------------------------------------------------------


def heat_levels(heat: Heatmap) -> list[tuple[str, int, int]]:
    """(marker, lowest count, highest count) of each level in use, lightest first."""
    top = max((d.count for d in heat.days), default=0)
    if not top:
        return []
    # a count c is on level ceil(c * n / top): equal shares of the busiest day
    n = min(len(HEAT_MARKERS), top)
    markers = HEAT_MARKERS[len(HEAT_MARKERS) - n :]
    levels = []
    for i, marker in enumerate(markers):
        low = math.floor(top * i / n) + 1
        high = math.floor(top * (i + 1) / n)
        if high >= low:
            levels.append((marker, low, high))
    return levels


def heat_legend(heat: Heatmap) -> str:
    """`· 1-2  ▪ 3-4 ... answers`: the answers each marker stands for."""
    levels = heat_levels(heat)
    word = "answer" if levels and levels[-1][2] == 1 else "answers"
    return "  ".join(f"{m} {lo}" if lo == hi else f"{m} {lo}-{hi}" for m, lo, hi in levels) + (
        f" {word}" if levels else ""
    )


def heatmap_weeks(heat: Heatmap) -> int:
    """Columns of the calendar: weeks from the Monday on or before the start to the end."""
    first = heat.start - timedelta(days=heat.start.weekday())
    return (heat.end - first).days // 7 + 1


def count_ticks(top: int, most: int = 4) -> list[int]:
    """Whole-number ticks from 0 to at least `top`, at most `most` + 1 of them."""
    if top <= 0:
        return [0]
    step = 1
    while top / step > most:
        for factor in (2, 2.5, 2):
            step = int(step * factor)
            if top / step <= most:
                break
    return list(range(0, top + step, step))


def draw_heatmap(plt: Any, heat: Heatmap) -> None:
    """A calendar: one column a week, Monday on top, a marker per level of answers."""
    first = heat.start - timedelta(days=heat.start.weekday())
    weeks = heatmap_weeks(heat)
    levels = heat_levels(heat)
    for i, (marker, low, high) in enumerate(levels):
        points = [d for d in heat.days if low <= d.count <= high]
        xs = [(d.day - first).days // 7 for d in points]
        ys = [6 - d.day.weekday() for d in points]
        plt.scatter(xs, ys, marker=marker, color=HEAT_COLORS[i])
    ticks, labels = [], []
    month = date(heat.start.year, heat.start.month, 1)
    while month <= heat.end:
        if month >= heat.start and month.month % 3 == 1:
            ticks.append((month - first).days // 7)
            labels.append(month.strftime("%b"))
        month = date(month.year + month.month // 12, month.month % 12 + 1, 1)
    plt.xticks(ticks, labels)
    plt.yticks([6, 4, 2, 0], ["Mon", "Wed", "Fri", "Sun"])
    # the first and the last week on the first and the last column: one column a week
    plt.xlim(0, weeks - 1)
    plt.ylim(0, 6)


def forecast_width(forecast: Forecast) -> int:
    """Chart width giving each day two columns, a gap and a bar, beside the count labels."""
    label = len(str(count_ticks(max(forecast.counts, default=0))[-1]))
    # plotext spreads the x range over the columns between the first and the last: 2n + 1
    # columns for n days put day k on column 2k + 1
    return 2 * len(forecast.counts) + 1 + label + 2


def draw_forecast(plt: Any, forecast: Forecast) -> None:
    """Bars of cards due per day, today first (best at `forecast_width` columns)."""
    days = forecast.days()
    counts = [d.count for d in days]
    plt.bar(list(range(len(days))), counts, color="blue", width=0.1)
    ticks = list(range(0, len(days), 7))
    plt.xticks(ticks, [days[i].day.strftime("%b %d") for i in ticks])
    plt.xlim(-0.5, len(days) - 0.5)
    ticks = count_ticks(max(counts, default=0))
    plt.yticks(ticks)
    plt.ylim(0, ticks[-1])


def draw_distribution(plt: Any, dist: Distribution, color: str = "magenta") -> None:
    """Bars of cards per bucket."""
    counts = [b.count for b in dist.buckets]
    plt.bar([b.label for b in dist.buckets], counts, color=color)
    ticks = count_ticks(max(counts, default=0))
    plt.yticks(ticks)
    plt.ylim(0, ticks[-1])


def chart(draw: Any, width: int, height: int, colors: bool, *data: Any) -> str:
    """Build one plotext chart as text (colourless unless `colors`)."""
    import plotext as plt

    plt.clear_figure()
    plt.theme("clear")
    plt.plotsize(width, height)
    draw(plt, *data)
    text = plt.build()
    if not colors:
        text = plt.uncolorize(text)
    return "\n".join(line.rstrip() for line in text.splitlines())


# --- the report ----------------------------------------------------------------------------


def fsrs_lines(stats: Stats) -> list[str]:
    """FSRS's predictions (when some deck is scheduled by FSRS): retention today, workload."""
    f = stats.fsrs
    if f is None:
        return []
    if not f.cards:
        return ["FSRS: no card has an FSRS memory state yet (review some, or switch decks)."]
    busiest = max(f.forecast.days(), key=lambda d: d.count)
    return [
        f"FSRS: predicted retention today {f.predicted_retention:.1%} "
        f"over {plural(f.cards, 'card')}",
        f"FSRS: {plural(f.forecast.total, 'review')} due in the next {len(f.forecast.counts)} "
        f"days (busiest {busiest.day.isoformat()}: {busiest.count})",
    ]


def report(
    stats: Stats,
    width: int = 80,
    colors: bool = False,
    macros: Mapping[str, Mapping[str, str]] | None = None,
) -> str:
    """The whole terminal report; a view with nothing to show says so instead of a chart.

    Args:
        macros: each deck file's LaTeX macros, by path, for the hardest cards' questions.
    """
    scope = f"deck {single_line(stats.deck)} and its sub-decks" if stats.deck else "all decks"
    out = [f"Statistics on {stats.day.isoformat()}, {scope}", "", "Today"]
    out += [f"  {line}" for line in today_lines(stats)]
    out += ["", heatmap_heading(stats.heatmap)]
    if stats.heatmap.total:
        weeks = heatmap_weeks(stats.heatmap)
        out.append(
            chart(draw_heatmap, weeks + HEAT_MARGIN[0], 7 + HEAT_MARGIN[1], colors, stats.heatmap)
        )
        out.append(f"  {heat_legend(stats.heatmap)}")
    out += ["", forecast_heading(stats.forecast)]
    if stats.forecast.total:
        out.append(chart(draw_forecast, forecast_width(stats.forecast), 12, colors, stats.forecast))
    out += [
        "",
        f"Retention, last {_days(stats.retention)} days "
        "(first review of a card a day, graded 3 or more)",
    ]
    out += [f"  {line}" for line in retention_lines(stats.retention)]
    out += [f"  {line}" for line in fsrs_lines(stats)]
    out += ["", f"Cards by state: {plural(stats.states.total, 'card')}"]
    if stats.states.total:
        out += [f"  {line}" for line in state_bars(stats.states, min(width, 80) - 2, colors)]
    else:
        out.append("  No cards yet: run `flashcards sync`.")
    out += ["", distribution_heading("Ease", stats.ease)]
    if stats.ease.cards:
        out.append(chart(draw_distribution, min(width, 100), 12, colors, stats.ease))
    out += ["", distribution_heading("Intervals", stats.intervals, " d")]
    if stats.intervals.cards:
        out.append(chart(draw_distribution, min(width, 80), 12, colors, stats.intervals, "cyan"))
    out += ["", "Hardest cards (most lapses)"]
    out += [f"  {line}" for line in hardest_lines(stats, width - 2, macros)]
    return "\n".join(out)
