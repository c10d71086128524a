"""flashcards: spaced-repetition flashcards and concept quizzes for the terminal."""

from flashcards.cards import Card, CardKind, Choice, Deck, MathSpec, Note, TextSpec
from flashcards.errors import DeckError, FlashcardsError, Problem

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
