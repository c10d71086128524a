"""Formulas copied off the screen and pasted back as answers: the blanks the terminal shows
between a formula's parts (U+2800, so it never breaks inside one) read as spaces."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from flashcards.answers import judge_answer, read
from flashcards.decks import load_decks
from flashcards.latex import UNBREAKABLE_SPACE, markdown_for_terminal

ROOT = Path(__file__).resolve().parents[1]
#: Blanks a copied text may hold where the formula had spaces.
BLANKS = ["\u2800", "\u00a0", "\u202f", "\u2009"]


@pytest.mark.parametrize("blank", BLANKS, ids=[f"U+{ord(b):04X}" for b in BLANKS])
def test_a_pasted_blank_reads_as_a_space(blank: str) -> None:
    pasted = read(f"k{blank}*{blank}log(theta){blank}+{blank}(n{blank}-{blank}k)")
    assert pasted.ok, pasted.error
    assert pasted.pretty == read("k * log(theta) + (n - k)").pretty


def test_a_blank_between_two_letters_still_separates_them() -> None:
    # "a b" is a product of two names, never the word "ab"
    assert read(f"a{UNBREAKABLE_SPACE}b").pretty == read("a b").pretty


def on_screen(markdown: str) -> str:
    """Rendered Markdown as the screen shows it: backslash escapes and bold marks gone, the
    formula's blanks kept (they are what a copy of the screen holds)."""
    return re.sub(r"\\([!-/:-@\[-`{-~])", r"\1", markdown).replace("**", "")


def test_a_built_in_formula_copied_off_the_screen_is_accepted_as_its_answer() -> None:
    decks, _ = load_decks([ROOT / "decks"])
    pasted = 0
    for deck in decks:
        for card in deck.cards:
            spec = card.note.math
            if spec is None:
                continue
            shown = on_screen(markdown_for_terminal(f"${spec.expected}$", deck.macro_map))
            if UNBREAKABLE_SPACE not in shown:
                continue
            options = {**spec.options(), "macros": deck.macro_map}
            typed = judge_answer(spec.expected, shown.replace(UNBREAKABLE_SPACE, " "), **options)
            if not typed.accepted:
                continue  # a rendering the grammar cannot read back when typed either
            copied = judge_answer(spec.expected, shown, **options)
            assert copied.accepted, f"{deck.path.name}:{card.note.line}: {shown!r} {copied}"
            pasted += 1
    assert pasted >= 40
