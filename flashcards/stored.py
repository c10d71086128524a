"""Decks rebuilt from the collection: the decks of files that are not on this machine.

Each machine keeps its own deck files (in git), and one collection (a PostgreSQL server)
holds the cards of all of them. A sync stores each deck file's text with its deck, so a
machine without the file rebuilds the deck by parsing that text with the normal parser
(`flashcards.parsing.parse_deck`): the same rules make the same cards, with the same ids,
answer checks (`define`, tolerances, forms) and the front matter's macros. Pure: the store
reads the rows (`Store.stored_decks`), this module only parses.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from pathlib import Path

from flashcards.cards import Deck


@dataclass(frozen=True, slots=True)
class StoredDeck:
    """What the collection holds of one synced deck file."""

    #: The file's path on the machine that synced it.
    path: str
    name: str
    #: The file's text as last synced ("" for a deck synced before the collection kept it).
    text: str
    #: The deck's cards the collection studies (stored under this path, not removed).
    card_ids: frozenset[str]


@dataclass(frozen=True, slots=True)
class RebuiltDecks:
    """Decks rebuilt from their stored text, and what could not be."""

    decks: tuple[Deck, ...] = ()
    #: Names of decks with cards but no stored text: synced before the collection kept
    #: deck text, they are studied here once the machine with the file has synced again.
    without_text: tuple[str, ...] = ()
    #: Cards stored under a rebuilt deck that its text does not make (cannot happen when the
    #: text was stored with the cards; counted, so the learner is told).
    unmatched: int = 0

    @property
    def cards(self) -> int:
        return sum(len(d.cards) for d in self.decks)


def rebuild_deck(stored: StoredDeck) -> tuple[Deck, int]:
    """The deck a stored text makes, keeping only the notes whose cards are stored under its
    path (a note whose cards moved to another file, or that the loader left out there for a
    problem, is not this deck's), and how many stored cards the text did not make."""
    from flashcards.parsing import parse_deck

    deck, _problems = parse_deck(stored.text, Path(stored.path), stored.name)
    # The stored name is the full name (folders included) the other machine gave it.
    notes = tuple(n for n in deck.notes if any(c.id in stored.card_ids for c in n.cards))
    made = {c.id for n in notes for c in n.cards}
    return replace(deck, name=stored.name, notes=notes), len(stored.card_ids - made)


def rebuild_decks(stored: Iterable[StoredDeck]) -> RebuiltDecks:
    """Rebuild every stored deck that has cards to study; say which have no text."""
    decks: list[Deck] = []
    without: list[str] = []
    unmatched = 0
    for s in stored:
        if not s.card_ids:
            continue  # every card of it is studied from another file, or removed
        if not s.text:
            without.append(s.name)
            continue
        deck, missing = rebuild_deck(s)
        unmatched += missing
        if deck.notes:
            decks.append(deck)
    return RebuiltDecks(tuple(decks), tuple(dict.fromkeys(without)), unmatched)
