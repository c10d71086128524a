"""The kinds of note, apart from `flashcards.cards` so the store can name them without
building the deck's value classes (commands that only read the collection start faster)."""

from __future__ import annotations

from enum import StrEnum


class CardKind(StrEnum):
    """How a note is studied."""

    BASIC = "basic"
    REVERSIBLE = "reversible"
    CLOZE = "cloze"
    MATH = "math"
    CHOICE = "choice"
    TEXT = "text"
