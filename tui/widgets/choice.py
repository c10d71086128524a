"""ChoiceOption: one lettered option of a choice card."""

from __future__ import annotations

from dataclasses import dataclass

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.content import Content
from textual.message import Message
from textual.widgets import Static

from tui.review_flow import ChoiceMark

#: What follows an option's text once the choice is submitted.
MARK_TEXT = {"right": "  ✓", "wrong": "  ✗", "missed": "  ← right"}


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
        yield Static(text, classes="choice-text")

    def _parts(self) -> tuple[Content, Content]:
        """The letter with its box, and the option's text with its mark (plain text)."""
        letter = chr(ord("a") + self.index)
        box = "[x]" if self.selected else "[ ]"
        mark = MARK_TEXT.get(self.mark or "", "")
        return Content(f"{letter}) {box} "), Content(f"{self.text}{mark}")

    def show(self) -> None:
        key, text = self._parts()
        for widget, content in zip(self.query(Static), (key, text), strict=False):
            widget.update(content)
        self.set_class(self.selected, "selected")
        for m in MARK_TEXT:
            self.set_class(self.mark == m, m)

    def on_click(self) -> None:
        self.post_message(self.Clicked(self.index))
