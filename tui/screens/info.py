"""InfoScreen: where a card is written, its tags, its SM-2 numbers and its review history."""

from __future__ import annotations

from typing import Any

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from flashcards.cards import Card, Deck
from tui.backend import describe_state
from tui.render import plain


class InfoScreen(ModalScreen[None]):
    """Card info: where it is written, its tags, SM-2 numbers and review history."""

    BINDINGS = [Binding("escape,i,q", "dismiss", "Close")]
    CSS_PATH = "info.tcss"

    def __init__(self, card: Card, deck: Deck) -> None:
        super().__init__()
        self.card, self.deck = card, deck

    def compose(self) -> ComposeResult:
        from textual.content import Content

        app = self.app
        card, deck = self.card, self.deck
        lines = [
            f"{deck.path.name}:{card.note.line}   ({plain(deck.name)}, {card.kind.value})",
            "tags: "
            + (" ".join(plain(t) for t in dict.fromkeys((*deck.tags, *card.note.tags))) or "none"),
            f"id: {plain(card.id)}",
        ]
        if app.is_elsewhere(deck):
            where = "outside the deck folders" if deck.path.is_file() else "on another machine"
            lines.insert(1, f"the file is {where}: studied from the text stored at its sync")
        try:
            state = describe_state(app.backend.state(card.id))
            lines.append(
                "ease {ease}  interval {interval}  due {due}  repetitions {repetitions}"
                "  lapses {lapses}".format(**state)
            )
            lines += fsrs_lines(getattr(app.backend, "store", None), card.id, app.today)
            history = app.backend.history(card.id)
        except KeyError:
            history = []
        lines.append("")
        lines.append("history:" if history else "history: none yet")
        for h in history[-10:]:
            undone = " (undone)" if h.undone else ""
            lines.append(f"  {h.study_day}  {h.kind:<8} grade {h.grade}{undone}")
        with VerticalScroll(id="info") as box:
            box.border_subtitle = "Esc closes"
            yield Static(Content("\n".join(lines)))

    async def action_dismiss(self, result: None = None) -> None:
        self.dismiss(result)


def fsrs_lines(store: Any, card_id: str, today: Any) -> list[str]:
    """A card's FSRS memory (stability, difficulty) and probability of recall now, when
    FSRS schedules its deck and has computed its memory."""
    from flashcards.errors import FlashcardsError

    if store is None or not store.scheduling.uses_fsrs:
        return []
    try:
        info = store.card(card_id)
        settings = store.fsrs_settings(info.deck)
    except FlashcardsError:
        return []
    if settings is None or info.memory is None or info.state.due is None:
        return []
    from flashcards.fsrs_model import retrievability

    last = info.state.due.toordinal() - info.state.interval_days
    recall = retrievability(today.toordinal() - last, info.memory.stability, settings.parameters)
    return [
        f"FSRS: stability {info.memory.stability:.1f} d  difficulty "
        f"{info.memory.difficulty:.2f}  recall now {recall:.0%}"
    ]
