"""QuizScreen: a practice round that never changes the schedule, scored at the end."""

from __future__ import annotations

from collections import Counter

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Static

from flashcards.cards import Card
from tui.backend import LogEntry
from tui.render import one_line, plain
from tui.review_flow import recalled
from tui.screens.review import ReviewScreen
from tui.widgets import Footer
from tui.widgets.notices import NoticeBar


class QuizScreen(ReviewScreen):
    """Cards drawn at random, every kind answered; answers are logged as practice."""

    practice = True

    def __init__(self, cards: list[str]) -> None:
        super().__init__(cards)
        self.results: dict[str, bool] = {}
        #: The card on screen when ending the quiz was asked for (a second press ends it).
        self._leave_asked: Card | None = None

    def after_grade(self, card: Card, grade: int, entry: LogEntry) -> None:
        # A quiz asks each card once; no same-day repeats, no leeches.
        self.results[card.id] = recalled(grade)
        self.session = self.session.drop(card.id)
        self.show_next()

    def action_undo(self) -> None:
        if self.undo_stack:
            self.results.pop(self.undo_stack[-1].card_id, None)
        super().action_undo()

    def action_leave(self, _key: str = "") -> None:
        # Ending early throws the rest of the round away: the first press only asks.
        left = len(self.session.pending)
        if left and self._leave_asked != self.card:
            self._leave_asked = self.card
            key = "Esc" if _key == "escape" else "q"
            self.card_notice(f"{left} card(s) not answered yet: press {key} again to end the quiz.")
            return
        super().action_leave(_key)

    def finish(self) -> None:
        self.dismiss_card_notices()
        self.phase = "done"
        self.app.switch_screen(QuizSummaryScreen(dict(self.results)))


def score_table(
    results: dict[str, bool], cards: dict, width: int = 72
) -> tuple[list[str], list[str]]:
    """Lines of the score by deck and by kind, and the missed cards (each line at most
    `width` long)."""
    by_deck: Counter[str] = Counter()
    right_deck: Counter[str] = Counter()
    by_kind: Counter[str] = Counter()
    right_kind: Counter[str] = Counter()
    missed: list[str] = []
    for cid, ok in results.items():
        card, deck = cards[cid]
        by_deck[deck.name] += 1
        by_kind[card.kind.value] += 1
        right_deck[deck.name] += ok
        right_kind[card.kind.value] += ok
        if not ok:
            where = f"{deck.path.name}:{card.note.line}"
            question = one_line(card, deck, max(20, width - 1 - len(where)))
            missed.append(f"{plain(where)} {plain(question)}")
    # the names' column: 40 wide, narrower on a narrow screen (the score takes up to 8)
    column = max(8, min(40, width - 10))
    lines = ["By deck"]
    lines += [
        f"  {_fit(plain(d), max(8, width - 10)):<{column}} {right_deck[d]}/{n}"
        for d, n in sorted(by_deck.items())
    ]
    lines.append("By kind")
    lines += [f"  {k:<{column}} {right_kind[k]}/{n}" for k, n in sorted(by_kind.items())]
    return lines, missed


def _fit(name: str, width: int) -> str:
    """`name`, cut with "…" to `width` columns when longer."""
    return name if len(name) <= width else name[: width - 1] + "…"


class QuizSummaryScreen(Screen[None]):
    """The quiz score by deck and kind, the missed cards, and a retry of just those."""

    CSS_PATH = "quiz.tcss"
    BINDINGS = [
        Binding("r", "retry", "Retry missed"),
        Binding("enter", "back", "Decks"),
        Binding("escape", "back", "Decks", show=False),
        Binding("q", "app.quit", "Quit"),
    ]

    def __init__(self, results: dict[str, bool]) -> None:
        super().__init__()
        self.results = results

    def compose(self) -> ComposeResult:
        from textual.content import Content

        right = sum(self.results.values())
        total = len(self.results)
        lines, missed = score_table(
            {c: ok for c, ok in self.results.items() if c in self.app.cards},
            self.app.cards,
            # inside the border, the padding and a scroll bar
            self.app.size.width - 9,
        )
        with VerticalScroll(id="quiz-summary"):
            yield Static(f"Quiz score: {right}/{total}", classes="title")
            yield Static(Content("\n".join(lines)), id="scores")
            if missed:
                yield Static("Missed:", classes="title")
                yield Static(Content("\n".join(missed)), id="missed")
            else:
                yield Static("Nothing missed.", id="missed")
            yield Static("Practice never changes the review schedule.", classes="quiet")
        yield NoticeBar()
        yield Footer()

    def on_mount(self) -> None:
        self.app.show_notices()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "retry":
            return any(not ok for ok in self.results.values())
        return True

    def action_retry(self) -> None:
        missed = [c for c, ok in self.results.items() if not ok and c in self.app.cards]
        if missed:
            self.app.switch_screen(QuizScreen(missed))

    def action_back(self) -> None:
        self.app.pop_screen()
