"""SM-2 grades (quality of recall 0-5), each with the key that gives it and a label."""

from __future__ import annotations

from enum import IntEnum


class Grade(IntEnum):
    """How well a card was recalled, as SM-2 defines the quality of a response."""

    BLACKOUT = 0
    WRONG_REMEMBERED = 1
    WRONG_EASY = 2
    HARD = 3
    GOOD = 4
    PERFECT = 5

    @property
    def key(self) -> str:
        """The key that gives this grade in the study app."""
        return str(int(self))

    @property
    def label(self) -> str:
        """A short description of the grade."""
        return _LABELS[self]

    @property
    def passing(self) -> bool:
        """True for grades that count as recalled (3 or more)."""
        return self >= PASSING


#: Grades below this one are lapses: the repetitions start again.
PASSING = Grade.HARD

#: Grades below this one bring the card back in the same session.
SAME_DAY_OK = Grade.GOOD

_LABELS = {
    Grade.PERFECT: "perfect",
    Grade.GOOD: "correct after a hesitation",
    Grade.HARD: "correct with serious difficulty",
    Grade.WRONG_EASY: "wrong, but the answer seemed easy once seen",
    Grade.WRONG_REMEMBERED: "wrong, but remembered once seen",
    Grade.BLACKOUT: "complete blackout",
}
