"""flashcards: spaced-repetition flashcards and concept quizzes for the terminal.

The deck's values and the errors are importable from here; each is loaded when first asked
for, so a command that never builds a deck does not build their classes at start-up.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from flashcards.cards import Card, CardKind, Choice, Deck, MathSpec, Note, TextSpec
    from flashcards.errors import DeckError, FlashcardsError, Problem

_HOMES = {
    "Card": "flashcards.cards",
    "CardKind": "flashcards.kinds",
    "Choice": "flashcards.cards",
    "Deck": "flashcards.cards",
    "MathSpec": "flashcards.cards",
    "Note": "flashcards.cards",
    "TextSpec": "flashcards.cards",
    "DeckError": "flashcards.errors",
    "FlashcardsError": "flashcards.errors",
    "Problem": "flashcards.errors",
}

__all__ = [
    "Card",
    "CardKind",
    "Choice",
    "Deck",
    "DeckError",
    "FlashcardsError",
    "MathSpec",
    "Note",
    "Problem",
    "TextSpec",
]


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module 'flashcards' has no attribute {name!r}")
    value = getattr(importlib.import_module(home), name)
    globals()[name] = value
    return value
