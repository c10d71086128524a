"""Deck text made safe for the terminal: escape sequences and control characters removed.

Kept apart from `tui.render` so the first screen needs none of the Markdown and LaTeX work.
"""

from __future__ import annotations

import re
import unicodedata

#: ESC sequences (CSI, OSC, and two-byte ones), then any other C0 (but tab and newline) or C1.
_ESCAPES = re.compile(
    r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?|\x1b[@-_]?|\x9b[0-?]*[ -/]*[@-~]"
)
_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def strip_controls(text: str) -> str:
    """Text without terminal escape sequences or control characters (tab and newline kept)."""
    text = _ESCAPES.sub("", text)
    text = _CONTROLS.sub("", text)
    # Bidirectional overrides can make text read differently than it is.
    return "".join(c for c in text if unicodedata.category(c) != "Cf" or c in "\u200d")


def plain(text: str) -> str:
    """Deck text for a plain-text widget: controls stripped (widgets get it as Content)."""
    return strip_controls(text)
