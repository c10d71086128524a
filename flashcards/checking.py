"""`flashcards check`: every problem of a deck tree, math examples included, and a summary."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from flashcards.cards import CardKind, Deck, Note
from flashcards.errors import Problem


@dataclass(frozen=True)
class CheckReport:
    """What `flashcards check` found."""

    decks: int
    cards: dict[str, int]
    problems: list[Problem] = field(default_factory=list)
    #: The decks that were read, for callers that look further (accepted answers).
    decks_checked: list[Deck] = field(default_factory=list, compare=False, repr=False)

    @property
    def clean(self) -> bool:
        return not self.problems

    def as_dict(self) -> dict[str, Any]:
        return {
            "decks": self.decks,
            "cards": self.cards,
            "problems": [p.as_dict() for p in self.problems],
        }


def count_cards(decks: Sequence[Deck]) -> dict[str, int]:
    """Notes per kind, as written in the decks."""
    counts = Counter(note.kind.value for deck in decks for note in deck.notes)
    return {kind.value: counts.get(kind.value, 0) for kind in CardKind}


#: check(expected, given, options) -> (accepted, feedback); the answer checker in production.
Checker = Callable[[str, str, dict[str, Any]], tuple[bool, str]]


def _default_checker(expected: str, given: str, options: dict[str, Any]) -> tuple[bool, str]:
    from flashcards.answers import check_answer

    verdict = check_answer(expected, given, **options)
    return verdict.accepted, f"{verdict.status}: {verdict.feedback}".strip()


def math_problems(
    deck: Deck, note: Note, checker: Checker | None = _default_checker
) -> list[Problem]:
    """An unreadable expected answer, and examples the checker gets wrong."""
    from flashcards.answers import validate_expected

    spec = note.math
    assert spec is not None
    options = {**spec.options(), "macros": deck.macro_map}
    error = validate_expected(spec.expected, **options)
    if error:
        return [Problem(deck.path, note.line, 1, f"expected answer is not readable math: {error}")]
    if checker is None:
        return []
    problems = []
    for examples, want in ((spec.accept, True), (spec.reject, False)):
        for given, line in examples:
            accepted, feedback = checker(spec.expected, given, options)
            if accepted != want:
                verb = "accepted" if want else "rejected"
                problems.append(
                    Problem(
                        deck.path,
                        line,
                        1,
                        f"example `{given}` should be {verb} but is not ({feedback})",
                    )
                )
    return problems


def check_decks(
    paths: Sequence[Path], *, run_examples: bool = True, checker: Checker | None = None
) -> CheckReport:
    """Load decks, check them, and run every math card's examples."""
    from flashcards.decks import load_decks

    decks, problems = load_decks(paths)
    cards = count_cards(decks)
    use = (checker or _default_checker) if run_examples else None
    for deck in decks:
        for note in deck.notes:
            if note.math is not None:
                problems.extend(math_problems(deck, note, use))
    problems.sort(key=lambda p: (str(p.path), p.line, p.col))
    return CheckReport(len(decks), cards, problems, decks)
