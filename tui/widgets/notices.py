"""NoticeBar: the app's notifications as lines of the screen's layout, not toasts over it.

A toast is drawn over whatever is under it (a card's border, the quiz's missed cards at
80×24); a line of the layout takes its own room, so the card above it shrinks instead of
being covered. A screen with a NoticeBar gets the app's notices in it (see
`FlashcardsApp.notify`); other screens keep Textual's toasts.
"""

from __future__ import annotations

from collections.abc import Iterable
from time import time

from textual.content import Content
from textual.notifications import Notification
from textual.timer import Timer
from textual.widgets import Static

#: Shown before a notice of each severity, so it reads without colour too.
MARKS = {"information": "", "warning": "! ", "error": "✗ "}


def notice_text(notice: Notification) -> str:
    """One notice as text: its title (if any), then its message."""
    title = f"{notice.title}: " if notice.title else ""
    return f"{MARKS.get(notice.severity, '')}{title}{notice.message}"


class NoticeBar(Static):
    """The live notices, newest last; hidden when there is none."""

    DEFAULT_CSS = """
    NoticeBar {
        height: auto;
        max-height: 4;
        padding: 0 1;
        display: none;
        color: $text;
        background: $boost;
    }
    NoticeBar.-warning {
        color: $text-warning;
    }
    NoticeBar.-error {
        color: $text-error;
    }
    """

    def __init__(self) -> None:
        super().__init__("", id="notices", markup=False)
        self._expiry: Timer | None = None
        self._live: list[Notification] = []

    def show(self, notices: Iterable[Notification]) -> None:
        """Show the notices not yet expired, and come back when the next one expires."""
        live = [n for n in notices if not n.has_expired]
        self._live = live
        # Deck text in a message (a file name) is never markup: the notices are plain text.
        self.update(Content("\n".join(notice_text(n) for n in live)))
        self.display = bool(live)
        self.set_class(any(n.severity == "warning" for n in live), "-warning")
        self.set_class(any(n.severity == "error" for n in live), "-error")
        if self._expiry is not None:
            self._expiry.stop()
            self._expiry = None
        if live:
            wait = max(0.05, min(n.raised_at + n.timeout for n in live) - time())
            self._expiry = self.set_timer(wait, self._expired)

    def _expired(self) -> None:
        self._expiry = None
        self.show(self._live)
