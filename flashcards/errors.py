"""Errors and problems shown to the user, always with where and how to fix them."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from flashcards.text import printable

__all__ = ["DeckError", "FlashcardsError", "Problem", "printable"]


@dataclass(frozen=True, slots=True, order=True)
class Problem:
    """A problem in a deck file, shown as `path:line:col: message` (line and col 1-based)."""

    path: Path
    line: int
    col: int
    message: str

    def __str__(self) -> str:
        return printable(f"{self.path}:{self.line}:{self.col}: {self.message}")

    def as_dict(self) -> dict[str, object]:
        # printable: a file name that is not UTF-8 would make the JSON output invalid UTF-8
        return {
            "path": printable(str(self.path)),
            "line": self.line,
            "col": self.col,
            "message": printable(self.message),
        }


class FlashcardsError(Exception):
    """An error the command line prints as `flashcards: <message>` before exiting 1."""


class DeckError(FlashcardsError, ValueError):
    """A problem in a deck file that stops an operation."""

    def __init__(self, path: Path, line: int, message: str) -> None:
        super().__init__(f"{path}:{line}: {message}")
        self.path, self.line = path, line
