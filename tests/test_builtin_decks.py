"""The built-in decks stay clean, examples included, and keep the mix of kinds they promise."""

from __future__ import annotations

import re
from collections import Counter

import pytest

from flashcards.answers import judge_answer, read_answer
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
    # the second edition: at least 650 cards as written, 160 of them math cards (each with
    # accepted and rejected examples, checked below)
    assert sum(kinds.values()) >= 650
    assert kinds[CardKind.MATH] >= 160
    assert kinds[CardKind.CHOICE] >= 40
    assert kinds[CardKind.CLOZE] >= 100
    assert kinds[CardKind.REVERSIBLE] >= 40


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
    assert len(decks) >= 13
    for deck in decks:
        assert deck.name.startswith("ML::")
        assert deck.sources, deck.name
        assert deck.description, deck.name


#: Writes a named function applied to something: `\sigma(`, `\sigma\left(`, `σ(`, `sigma(`.
_FUNCTION_CALL = re.compile(r"(?:\\|\b)(sigma|softmax|softplus)\s*(?:\\left\s*)?\(|σ\s*\(")
#: Cards whose answer must be written without the function their text uses.
_WRITTEN_WITHOUT = {"calc-log-sigmoid"}


def test_math_cards_that_write_a_function_read_the_typed_call_as_that_function(builtin):
    decks, _ = builtin
    misread = []
    for deck in decks:
        for note in deck.notes:
            if not note.math or note.id in _WRITTEN_WITHOUT:
                continue
            text = "\n".join([note.front, note.back, note.math.expected])
            for name in {m.group(1) or "sigma" for m in _FUNCTION_CALL.finditer(text)}:
                shown = "σ(t)" if name == "sigma" else f"{name}(t)"
                for typed in {f"{name}(t)", shown}:
                    reading = read_answer(typed, **note.math.options())
                    if reading.pretty != shown:
                        misread.append(f"{deck.path.name}:{note.line} {typed} -> {reading.pretty}")
    assert misread == []


@pytest.mark.parametrize("typed", ["σ(a-b)", "sigma(a-b)", "1/(1 + e^(b-a))"])
def test_log_sum_exp_gradient_card_accepts_the_sigmoid_of_the_logit_difference(builtin, typed):
    decks, _ = builtin
    note = next(n for d in decks for n in d.notes if n.id == "calc-lse-grad")
    assert judge_answer(note.math.expected, typed, **note.math.options()).accepted


def test_log_sum_exp_gradient_card_rejects_the_sigmoid_of_the_wrong_difference(builtin):
    decks, _ = builtin
    note = next(n for d in decks for n in d.notes if n.id == "calc-lse-grad")
    assert not judge_answer(note.math.expected, "σ(b-a)", **note.math.options()).accepted
