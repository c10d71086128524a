"""DecksScreen: the deck tree with today's new / repeat / review counts; pick what to study."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from flashcards.errors import problems_summary
from flashcards.session import DeckCounts, combined, in_decks
from tui.text import plain
from tui.widgets import Footer
from tui.widgets.notices import NoticeBar

if TYPE_CHECKING:
    from flashcards.cards import Deck

ALL = "*"  # the option id of "All decks" (deck names never start with `*`)
#: Columns of the deck list: the deck name, then three counts.
NAME_WIDTH, COUNT_WIDTH = 46, 8
#: Columns around the deck names: the box's border and padding, the counts, a margin.
AROUND_NAMES = 34
#: Below this width (a phone is about 45 columns) the counts take narrower columns under
#: short headings, so that each deck stays on one line; the names get all but the counts,
#: the box and room for a scroll bar.
NARROW = 80
NARROW_COUNT_WIDTH = 5
AROUND_NARROW_NAMES = 3 * NARROW_COUNT_WIDTH + 5
#: The count columns' headings, full and short.
HEADINGS = ("New", "Repeat", "Review")
SHORT_HEADINGS = ("New", "Rep", "Rev")


def name_width(screen_width: int) -> int:
    """Width of the deck-name column: 46 at 80 columns, wider on a wider terminal, and what
    the narrow count columns leave on a narrower one."""
    if screen_width < NARROW:
        return max(8, screen_width - AROUND_NARROW_NAMES)
    return max(NAME_WIDTH, screen_width - AROUND_NAMES)


def count_width(screen_width: int) -> int:
    """Width of each count column."""
    return NARROW_COUNT_WIDTH if screen_width < NARROW else COUNT_WIDTH


#: After a deck's name: its files are on another machine (studied from the stored text).
ELSEWHERE_MARK = "⇄"


def row_text(
    label: str,
    new: str,
    repeat: str,
    review: str,
    width: int = NAME_WIDTH,
    count: int = COUNT_WIDTH,
) -> Content:
    """One line of the deck list, as plain text (deck names are never read as markup)."""
    if len(label) > width:
        label = label[: width - 1] + "…"
    counts = "".join(c.rjust(count) for c in (new, repeat, review))
    return Content(label.ljust(width) + counts)


def deck_tree(counts: dict[str, DeckCounts]) -> list[tuple[str, int, DeckCounts]]:
    """Rows (deck name, depth, counts summed over its sub-decks), each parent before its
    children, in the order of `counts` (the decks' file order): a parent where its first
    deck comes, siblings in the order of their first decks."""
    # Each deck's counts go to it and to every parent: one pass, not one per row.
    totals: dict[str, DeckCounts] = {}
    first: dict[str, int] = {}
    for rank, (deck, c) in enumerate(counts.items()):
        parts = deck.split("::")
        for i in range(len(parts)):
            name = "::".join(parts[: i + 1])
            totals[name] = totals[name] + c if name in totals else c
            first.setdefault(name, rank)

    def place(name: str) -> tuple[tuple[int, str], ...]:
        parts = name.split("::")
        prefixes = ("::".join(parts[: i + 1]) for i in range(len(parts)))
        return tuple((first[p], p) for p in prefixes)

    return [(name, name.count("::"), totals[name]) for name in sorted(totals, key=place)]


class DeckList(OptionList):
    """The deck rows; Enter (shown as Study) selects the highlighted deck, which the screen
    studies."""

    BINDINGS = [Binding("enter", "select", "Study")]


class DecksScreen(Screen[None]):
    """The first screen: every deck with what is due today."""

    #: The deck-name column's width the rows were built for.
    _built_width = 0
    #: The screen was shown once (its first showing reads the counts itself).
    _resumed_once = False

    # Its style sheet (decks.tcss) is the app's: see FlashcardsApp.CSS_PATH.
    BINDINGS = [
        # Enter studies the highlighted deck: the list's own Enter (DeckList), which takes
        # it in turn after any arrows typed before it; this one serves when the list is
        # not focused. (A priority binding ran at once, on the deck highlighted before the
        # arrows typed ahead of it were taken.)
        Binding("enter", "study", "Study"),
        Binding("z", "quiz", "Quiz"),
        Binding("j", "cursor_down", "Down", show=False),
        Binding("k", "cursor_up", "Up", show=False),
        Binding("p", "problems", "Problems"),
        Binding("n", "more_new", "More new cards"),
        Binding("escape", "hide_problems", "Hide problems", show=False),
        Binding("r", "refresh_counts", "Refresh", show=False),
        Binding("q", "app.quit", "Quit"),
    ]

    def compose(self) -> ComposeResult:
        # Filled with today's counts from the start: the first frame is the whole screen.
        rows, heading, totals = self._contents()
        yield Static(heading, id="heading", classes="title")
        # An OptionList, not a DataTable: it draws the first frame much sooner.
        with Vertical(id="deck-box"):
            yield Static(self._columns(), id="columns")
            yield DeckList(*rows, id="deck-list")
        yield Static(totals, id="totals", classes="quiet")
        with VerticalScroll(id="problems"):
            yield Static("", id="problem-list")
        # Notices are lines above the footer (as on the study screens), never over the decks.
        yield NoticeBar()
        yield Footer()

    def on_mount(self) -> None:
        self.app.show_notices()
        if self.app.problems:  # problems already known at start show at once
            self.show_problems()
        self.query_one(OptionList).focus()

    def decks_changed(self) -> None:
        self.refresh_counts()
        if self.app.problems:
            self.show_problems()

    def _columns(self) -> Content:
        width = self.app.size.width
        headings = SHORT_HEADINGS if width < NARROW else HEADINGS
        return row_text(" Deck", *headings, name_width(width), count_width(width))

    def on_resize(self) -> None:
        # The name column follows the terminal's width (start-up's resize changes nothing).
        if self.is_mounted and name_width(self.app.size.width) != self._built_width:
            self.query_one("#columns", Static).update(self._columns())
            self.refresh_counts()

    def refresh_counts(self) -> None:
        rows, heading, totals = self._contents()
        options = self.query_one(OptionList)
        keep = options.highlighted
        options.clear_options()
        options.add_options(rows)
        options.highlighted = keep if keep is not None and keep < len(rows) else 0
        self.query_one("#heading", Static).update(heading)
        self.query_one("#totals", Static).update(totals)

    def _contents(self) -> tuple[list[Option], str, Content]:
        """The deck list's rows, the heading and the totals line, from today's counts."""
        app = self.app
        counts = app.backend.counts(app.today, app.options.tag)
        if app.options.only_loaded:
            # before the files are read, the decks stored from them, as last synced
            loaded = {d.name for d in app.decks} if app.decks_ready else app.stored_decks
            counts = {n: c for n, c in counts.items() if n in loaded}
        if app.options.decks:
            counts = {n: c for n, c in counts.items() if in_decks(n, app.options.decks)}
        # Every row sums decks ("All decks" all of them, a parent its sub-decks): none shows
        # more than the global limits leave today (the rule of flashcards.session.combined).
        limit = app.backend.total(app.today)
        total = combined(counts.values(), limit)
        width = self._built_width = name_width(app.size.width)
        count = count_width(app.size.width)
        rows = [Option(row_text(" All decks", *_cells(total), width, count), id=ALL)]
        # decks whose files are on another machine, studied from their stored text
        elsewhere = {d.name for d in app.elsewhere}
        for name, depth, c in deck_tree(counts):
            label = " " + "  " * depth + plain(name.split("::")[-1])
            if name in elsewhere:
                label += f" {ELSEWHERE_MARK}"
            rows.append(Option(row_text(label, *_cells(c.capped(limit)), width, count), id=name))
        marked = elsewhere.intersection(counts)
        heading = "Decks" if app.decks_ready else "Decks  (loading…)"
        when = app.today.strftime("%A %d %B %Y" if app.size.width >= NARROW else "%a %d %b")
        totals = Content(
            f"{when}  ·  today: {total.new} new, {total.repeat} repeat, {total.review} review"
            + (f"  ·  tag: {plain(app.options.tag)}" if app.options.tag else "")
            + (f"  ·  {ELSEWHERE_MARK} {stored_legend(app.elsewhere)}" if marked else "")
        )
        return rows, heading, totals

    def show_loading(self, text: str) -> None:
        """Progress of reading and syncing the decks, in the heading."""
        if not self.app.decks_ready:
            self.query_one("#heading", Static).update(Content(f"Decks  ({text or 'loading…'})"))

    def show_problems(self) -> None:
        problems = self.app.problems
        text = "\n".join(plain(str(p)) for p in problems[:200])
        more = f"\n… and {len(problems) - 200} more" if len(problems) > 200 else ""
        # Content: problem messages quote file names and deck text, never read as markup
        self.query_one("#problem-list", Static).update(
            Content(f"{problems_summary(problems)}; Esc hides:\n" + text + more)
        )
        self.query_one("#problems").add_class("shown")

    def _chosen(self) -> list[str] | None:
        """The highlighted deck, or None for every deck."""
        options = self.query_one(OptionList)
        if options.highlighted is None:
            return None
        name = options.get_option_at_index(options.highlighted).id
        return None if name in (None, ALL) else [name]

    def _start(self, start: Callable[[list[str] | None], None], decks: list[str] | None) -> None:
        """Start a study session or quiz once the decks are loaded."""
        if self.app.decks_ready:
            start(decks)
        else:
            self.notify("Still loading the decks…")

    def action_study(self) -> None:
        self._start(self.app.start_study, self._chosen())

    def action_quiz(self) -> None:
        self._start(self.app.start_quiz, self._chosen())

    def study_all(self) -> None:
        self._start(self.app.start_study, None)

    def quiz_all(self) -> None:
        self._start(self.app.start_quiz, None)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "more_new":
            return self.app.more_new is not None
        return True

    def action_more_new(self) -> None:
        self.app.study_more_new()

    def action_cursor_down(self) -> None:
        self.query_one(OptionList).action_cursor_down()

    def action_cursor_up(self) -> None:
        self.query_one(OptionList).action_cursor_up()

    def action_problems(self) -> None:
        panel = self.query_one("#problems")
        if panel.has_class("shown"):
            panel.remove_class("shown")
        elif self.app.problems:
            self.show_problems()
        else:
            self.notify("No problems in the decks.")

    def action_hide_problems(self) -> None:
        self.query_one("#problems").remove_class("shown")

    def action_refresh_counts(self) -> None:
        self.refresh_counts()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        # A click on a deck studies it, like Enter.
        event.stop()
        self.action_study()

    def on_screen_resume(self) -> None:
        # Back from a session: the counts changed. (The first showing has just read them.)
        if self._resumed_once:
            self.refresh_counts()
            self.app.show_notices()
        self._resumed_once = True


def _cells(c: DeckCounts) -> tuple[str, str, str]:
    return (str(c.new or "·"), str(c.repeat or "·"), str(c.review or "·"))


def stored_legend(decks: Iterable[Deck]) -> str:
    """What the mark of decks studied from their stored text means: another machine's
    files, unless some were synced from a path on this machine outside the deck folders."""
    if any(d.path.is_file() for d in decks):
        return "studied from the text stored at their sync"
    return "another machine's files"
