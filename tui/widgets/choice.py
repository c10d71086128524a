"""ChoiceOption: one lettered option of a choice card."""

from __future__ import annotations

from dataclasses import dataclass

from textual import events
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.content import Content
from textual.message import Message
from textual.widgets import Static

from flashcards.latex import UNBREAKABLE_SPACE, fit_formulas, unescape_markdown
from tui.review_flow import ChoiceMark

#: What follows an option's text once the choice is submitted.
MARK_TEXT = {"right": "  ✓", "wrong": "  ✗", "missed": "  ← right"}


def option_text(markdown: str) -> str:
    """An option's rendered Markdown as plain text, its formulas still joined by
    `UNBREAKABLE_SPACE` so that they wrap as units, as in the card's text."""
    return UNBREAKABLE_SPACE.join(unescape_markdown(p) for p in markdown.split(UNBREAKABLE_SPACE))


class ChoiceText(Static):
    """An option's text, its formulas fitted to the width it has (see `fit_formulas`)."""

    def __init__(self, content: Content) -> None:
        super().__init__(classes="choice-text")
        self.content = content
        self._width = 0

    def show(self, content: Content) -> None:
        self.content = content
        self._fit()

    def _fit(self) -> None:
        width = self.content_size.width
        if width > 0:
            self.update(Content(fit_formulas(self.content.plain, width)))
        else:
            self.update(self.content)

    def on_resize(self, event: events.Resize) -> None:
        if event.size.width != self._width:
            self._width = event.size.width
            # after this layout pass: an update inside it does not resize the option
            self.call_after_refresh(self._fit)


class ChoiceOption(Horizontal):
    """One lettered option of a choice card; a click posts `ChoiceOption.Clicked`. The letter
    and box sit in their own column, so a long option wraps under its text, not under the
    letter."""

    @dataclass
    class Clicked(Message):
        """The option was clicked (the screen toggles it)."""

        index: int

    def __init__(self, index: int, text: str) -> None:
        super().__init__(classes="choice")
        self.index = index
        self.text = text
        self.selected = False
        self.mark: ChoiceMark = None

    def compose(self) -> ComposeResult:
        key, text = self._parts()
        yield Static(key, classes="choice-key")
        yield ChoiceText(text)

    def _parts(self) -> tuple[Content, Content]:
        """The letter with its box, and the option's text with its mark (plain text)."""
        letter = chr(ord("a") + self.index)
        box = "[x]" if self.selected else "[ ]"
        mark = MARK_TEXT.get(self.mark or "", "")
        return Content(f"{letter}) {box} "), Content(f"{self.text}{mark}")

    def show(self) -> None:
        key, text = self._parts()
        self.query_one(".choice-key", Static).update(key)
        self.query_one(ChoiceText).show(text)
        self.set_class(self.selected, "selected")
        for m in MARK_TEXT:
            self.set_class(self.mark == m, m)

    def on_click(self) -> None:
        self.post_message(self.Clicked(self.index))
