"""A quiz round draws at random, one card per note: siblings never meet in one round."""

from __future__ import annotations

import random

from hypothesis import given
from hypothesis import strategies as st

from flashcards.quiz import quiz_round
from flashcards.session import note_of

cards = st.lists(st.tuples(st.integers(0, 6), st.integers(0, 2)), unique=True).map(
    lambda pairs: [f"n{n}:{o}" for n, o in pairs]
)


@given(cards, st.integers(0, 10), st.integers())
def test_a_round_has_one_card_per_note_and_as_many_as_asked(pool, count, seed) -> None:
    drawn = quiz_round(pool, count, random.Random(seed))
    notes = [note_of(c) for c in drawn]
    assert len(set(notes)) == len(notes)
    assert set(drawn) <= set(pool)
    assert len(drawn) == min(count, len({note_of(c) for c in pool}))


def test_the_same_seed_draws_the_same_round_whatever_the_pool_order() -> None:
    pool = [f"n{i}:{o}" for i in range(10) for o in range(2)]
    first = quiz_round(pool, 5, random.Random(7))
    assert quiz_round(list(reversed(pool)), 5, random.Random(7)) == first


def test_both_sides_of_a_reversible_note_can_be_drawn_in_different_rounds() -> None:
    sides = {quiz_round(["kl:0", "kl:1"], 1, random.Random(seed))[0] for seed in range(20)}
    assert sides == {"kl:0", "kl:1"}
