"""`Session` values as the study app and the quiz change them."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from flashcards.session import Session

ids = st.lists(st.sampled_from([f"n{i}:{o}" for i in range(4) for o in range(2)]), unique=True)


@given(ids, st.data())
def test_replacing_a_card_keeps_its_place_and_the_others(queue, data) -> None:
    session = Session.start(queue)
    if not queue:
        assert session.replace_card("x:0", "y:0") == session
        return
    old = data.draw(st.sampled_from(queue))
    after = session.replace_card(old, "edited:0")
    assert after.pending == tuple("edited:0" if c == old else c for c in queue)
    assert (after.graded, after.done) == (session.graded, session.done)


@given(ids, st.data())
def test_a_dropped_card_is_done_and_never_comes_again(queue, data) -> None:
    session = Session.start(queue)
    card = data.draw(st.sampled_from(queue)) if queue else "n9:0"
    after = session.drop(card)
    assert card not in after.pending
    assert card in after.done and card in after.graded
    # unlike a grade, a drop keeps the card's siblings (a quiz buries them when it draws)
    assert after.pending == tuple(c for c in queue if c != card)
