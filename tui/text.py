"""Deck text for the screens' plain-text widgets: `flashcards.text.strip_controls` says what
is removed, for the command line and the study app alike.

Kept apart from `tui.render` so the first screen needs none of the Markdown and LaTeX work.
"""

from __future__ import annotations

from flashcards.text import strip_controls


def plain(text: str) -> str:
    """Deck text for a plain-text widget: controls stripped (widgets get it as Content)."""
    return strip_controls(text)
