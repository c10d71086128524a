"""Errors and problems shown to the user, always with where and how to fix them."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from flashcards.text import printable

__all__ = ["DeckError", "FlashcardsError", "Problem", "printable"]


@dataclass(frozen=True, slots=True, order=True)
class Problem:
    """A problem in a deck file, shown as `path:line:col: message` (line and col 1-based).

    An error leaves its card out; a warning (`path:line:col: warning: message`) keeps the
    card as written, since it still reads, only not as probably meant.
    """

    path: Path
    line: int
    col: int
    message: str
    warning: bool = False

    def __str__(self) -> str:
        kind = "warning: " if self.warning else ""
        return printable(f"{self.path}:{self.line}:{self.col}: {kind}{self.message}")

    def as_dict(self) -> dict[str, object]:
        # printable: a file name that is not UTF-8 would make the JSON output invalid UTF-8
        return {
            "path": printable(str(self.path)),
            "line": self.line,
            "col": self.col,
            "message": printable(self.message),
            "severity": "warning" if self.warning else "error",
        }


def problems_summary(problems: Sequence[Problem]) -> str:
    """`3 problems in the decks: 1 error (card left out), 2 warnings (cards kept)`."""
    errors = sum(not p.warning for p in problems)
    warnings = len(problems) - errors
    parts = []
    if errors:
        parts.append(f"{errors} error{'s' * (errors != 1)} (card{'s' * (errors != 1)} left out)")
    if warnings:
        parts.append(
            f"{warnings} warning{'s' * (warnings != 1)} (card{'s' * (warnings != 1)} kept)"
        )
    count = len(problems)
    head = f"{count} problem{'s' * (count != 1)} in the decks"
    return f"{head}: {', '.join(parts)}" if parts else "no problems in the decks"


class FlashcardsError(Exception):
    """An error the command line prints as `flashcards: <message>` before exiting 1."""


class DeckError(FlashcardsError, ValueError):
    """A problem in a deck file that stops an operation."""

    def __init__(self, path: Path, line: int, message: str) -> None:
        super().__init__(f"{path}:{line}: {message}")
        self.path, self.line = path, line
