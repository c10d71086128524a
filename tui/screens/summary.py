"""SummaryScreen: the numbers at the end of a session, and what is due tomorrow."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import Static

from flashcards.text import duration
from tui.widgets import Footer


class SummaryScreen(Screen[None]):
    """Cards reviewed, the share recalled, time spent, and tomorrow's load."""

    CSS_PATH = "summary.tcss"
    BINDINGS = [
        Binding("enter", "back", "Decks"),
        Binding("escape", "back", "Decks", show=False),
        Binding("q", "app.quit", "Quit"),
    ]

    def __init__(self, stats: dict[str, float]) -> None:
        super().__init__()
        #: reviewed, correct, and `seconds`: the time spent answering (the sum of the
        #: answers' logged times, as the statistics count it).
        self.stats = stats

    def compose(self) -> ComposeResult:
        app = self.app
        reviewed = int(self.stats.get("reviewed", 0))
        correct = int(self.stats.get("correct", 0))
        share = f"{100 * correct / reviewed:.0f}%" if reviewed else "–"
        due = app.backend.due_count(app.tomorrow, app.scope(None))
        lines = [
            f"Cards reviewed     {reviewed}",
            f"Recalled (3-5)     {share}",
            f"Time spent         {duration(self.stats.get('seconds', 0.0))}",
            f"Due tomorrow       {due}",
        ]
        with Vertical(id="summary"):
            yield Static("Session over", classes="title")
            yield Static("\n".join(lines), id="numbers")
            yield Static(
                "Quitting is safe at any time: every grade is saved as you give it.",
                classes="quiet",
            )
        yield Footer()

    def action_back(self) -> None:
        from tui.screens.decks import DecksScreen

        if len(self.app.screen_stack) > 1:
            self.app.pop_screen()
        else:
            self.app.switch_screen(DecksScreen())
