"""DecksScreen: the deck tree with today's new / repeat / review counts; pick what to study."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Static

from tui.backend import DeckCounts
from tui.render import plain

ALL = ""  # the row key of "All decks"


def deck_tree(counts: dict[str, DeckCounts]) -> list[tuple[str, int, DeckCounts]]:
    """Rows (deck name, depth, counts summed over its sub-decks), parents before children."""
    names: set[str] = set()
    for name in counts:
        parts = name.split("::")
        names.update("::".join(parts[: i + 1]) for i in range(len(parts)))
    rows = []
    for name in sorted(names, key=lambda n: n.split("::")):
        total = DeckCounts()
        for deck, c in counts.items():
            if deck == name or deck.startswith(name + "::"):
                total = total + c
        rows.append((name, name.count("::"), total))
    return rows


class DecksScreen(Screen[None]):
    """The first screen: every deck with what is due today."""

    CSS_PATH = "decks.tcss"
    BINDINGS = [
        Binding("enter", "study", "Study", priority=True),
        Binding("z", "quiz", "Quiz"),
        Binding("j", "cursor_down", "Down", show=False),
        Binding("k", "cursor_up", "Up", show=False),
        Binding("p", "problems", "Problems"),
        Binding("escape", "hide_problems", "Hide problems", show=False),
        Binding("r", "refresh_counts", "Refresh", show=False),
        Binding("q", "app.quit", "Quit"),
    ]

    def compose(self) -> ComposeResult:
        yield Static("", id="heading", classes="title")
        table: DataTable[str] = DataTable(id="deck-table", cursor_type="row", zebra_stripes=False)
        yield table
        yield Static("", id="totals", classes="quiet")
        with VerticalScroll(id="problems"):
            yield Static("", id="problem-list")
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_column("Deck", key="deck", width=44)
        table.add_column("New", key="new", width=6)
        table.add_column("Repeat", key="repeat", width=7)
        table.add_column("Review", key="review", width=7)
        self.refresh_counts()
        self.call_after_refresh(self.app.first_screen_drawn)

    def decks_changed(self) -> None:
        self.refresh_counts()
        if self.app.problems:
            self.show_problems()

    def refresh_counts(self) -> None:
        app = self.app
        counts = app.backend.counts(app.today)
        if app.options.only_loaded:
            loaded = {d.name for d in app.decks}
            counts = {n: c for n, c in counts.items() if n in loaded}
        if app.options.decks:
            counts = {
                n: c
                for n, c in counts.items()
                if any(n == d or n.startswith(d + "::") for d in app.options.decks)
            }
        table = self.query_one(DataTable)
        keep = table.cursor_row
        table.clear()
        total = DeckCounts()
        for c in counts.values():
            total = total + c
        limit = app.backend.total(app.today)
        total = total.capped(limit)
        table.add_row("All decks", *_cells(total), key=ALL)
        for name, depth, c in deck_tree(counts):
            c = c.capped(limit)
            label = "  " * depth + plain(name.split("::")[-1])
            # Text, not str: DataTable reads markup in a str cell, and deck names are untrusted
            table.add_row(Text(label), *_cells(c), key=name)
        if keep is not None and 0 <= keep < table.row_count:
            table.move_cursor(row=keep)
        heading = "Decks" if app.decks_ready else "Decks  (loading…)"
        self.query_one("#heading", Static).update(heading)
        when = app.today.strftime("%A %d %B %Y")
        self.query_one("#totals", Static).update(
            f"{when}  ·  today: {total.new} new, {total.repeat} repeat, {total.review} review"
            + (f"  ·  tag: {app.options.tag}" if app.options.tag else "")
        )

    def show_problems(self) -> None:
        problems = self.app.problems
        text = "\n".join(plain(str(p)) for p in problems[:200])
        more = f"\n… and {len(problems) - 200} more" if len(problems) > 200 else ""
        # Content: problem messages quote file names and deck text, never read as markup
        self.query_one("#problem-list", Static).update(
            Content(
                f"{len(problems)} problem(s) in the decks (those cards are left out; Esc hides):\n"
                + text
                + more
            )
        )
        self.query_one("#problems").add_class("shown")

    def _selected(self) -> str | None:
        table = self.query_one(DataTable)
        if table.row_count == 0:
            return None
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        return key or ALL

    def action_study(self) -> None:
        if not self.app.decks_ready:
            self.notify("Still loading the decks…")
            return
        name = self._selected()
        self.app.start_study(None if name in (None, ALL) else [name])

    def action_quiz(self) -> None:
        if not self.app.decks_ready:
            self.notify("Still loading the decks…")
            return
        name = self._selected()
        self.app.start_quiz(None if name in (None, ALL) else [name])

    def study_all(self) -> None:
        if self.app.decks_ready:
            self.app.start_study(None)
        else:
            self.notify("Still loading the decks…")

    def quiz_all(self) -> None:
        if self.app.decks_ready:
            self.app.start_quiz(None)
        else:
            self.notify("Still loading the decks…")

    def action_cursor_down(self) -> None:
        self.query_one(DataTable).action_cursor_down()

    def action_cursor_up(self) -> None:
        self.query_one(DataTable).action_cursor_up()

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

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        # A click on the highlighted row studies it, like Enter.
        event.stop()
        self.action_study()

    def on_screen_resume(self) -> None:
        self.refresh_counts()


def _cells(c: DeckCounts) -> tuple[str, str, str]:
    return (str(c.new or "·"), str(c.repeat or "·"), str(c.review or "·"))
