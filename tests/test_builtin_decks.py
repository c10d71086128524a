"""The built-in decks stay clean, examples included, and keep the mix of kinds they promise."""

from __future__ import annotations

from collections import Counter

import pytest

from flashcards.cards import CardKind
from flashcards.checking import check_decks
from flashcards.decks import builtin_decks_dir, load_decks


@pytest.fixture(scope="module")
def builtin():
    decks, problems = load_decks([builtin_decks_dir()])
    return decks, problems


def test_flashcards_check_is_clean_on_the_builtin_decks_examples_included():
    report = check_decks([builtin_decks_dir()])
    assert [str(p) for p in report.problems] == []


def test_builtin_decks_have_the_promised_mix_of_kinds(builtin):
    decks, _ = builtin
    kinds = Counter(note.kind for deck in decks for note in deck.notes)
    assert sum(kinds.values()) >= 250
    assert kinds[CardKind.MATH] >= 60
    assert kinds[CardKind.CHOICE] >= 20
    assert kinds[CardKind.CLOZE] >= 30
    assert kinds[CardKind.REVERSIBLE] >= 10


def test_every_math_card_has_an_accepted_and_a_rejected_example(builtin):
    decks, _ = builtin
    lacking = [
        f"{deck.path.name}:{note.line}"
        for deck in decks
        for note in deck.notes
        if note.math and not (note.math.accept and note.math.reject)
    ]
    assert lacking == []


def test_every_topic_is_a_deck_with_sources(builtin):
    decks, _ = builtin
    assert len(decks) >= 9
    for deck in decks:
        assert deck.name.startswith("ML::")
        assert deck.sources, deck.name
        assert deck.description, deck.name
