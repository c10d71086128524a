"""A quiz round: which cards a practice round asks (the round itself never changes a
schedule)."""

from __future__ import annotations

import random
from collections.abc import Iterable

from flashcards.session import note_of


def quiz_round(pool: Iterable[str], count: int, rng: random.Random) -> list[str]:
    """`count` cards drawn at random from `pool`, at most one per note: the siblings of a
    card drawn (the other side of a reversible note, the other deletions of a cloze) are
    buried for the round, as in a study session."""
    notes: dict[str, list[str]] = {}
    for card in sorted(set(pool)):
        notes.setdefault(note_of(card), []).append(card)
    drawn = rng.sample(sorted(notes), min(count, len(notes)))
    return [rng.choice(notes[note]) for note in drawn]
