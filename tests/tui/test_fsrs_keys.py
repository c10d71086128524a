"""The grading scale follows the scheduler: 0-5 under SM-2, Anki's four buttons under FSRS."""

from __future__ import annotations

import pytest
from textual.widgets import Static
from tui_helpers import make_app

from flashcards.cards import CardKind
from flashcards.config import Scheduling
from flashcards.fsrs_model import FSRS_TO_SM2, SM2_TO_FSRS
from flashcards.store import Store
from tui import review_flow
from tui.screens.decks import DecksScreen
from tui.screens.review import ReviewScreen

SELF_GRADED = (CardKind.BASIC, CardKind.REVERSIBLE, CardKind.CLOZE)


def test_the_fsrs_keys_log_the_documented_sm2_grades():
    assert {k: review_flow.grade_of_key(k, "fsrs") for k in range(1, 5)} == {
        1: 1,
        2: 3,
        3: 4,
        4: 5,
    }
    assert {k: review_flow.grade_of_key(k, "sm2") for k in range(6)} == {k: k for k in range(6)}
    # a replay reads back the button pressed
    assert all(SM2_TO_FSRS[FSRS_TO_SM2[r]] == r for r in range(1, 5))
    assert review_flow.FSRS_KEYS == {1: "Again", 2: "Hard", 3: "Good", 4: "Easy"}


@pytest.mark.parametrize("scheduler", ["sm2", "fsrs"])
def test_one_scale_of_grade_keys_per_scheduler(scheduler):
    at = review_flow.Situation(phase="verdict", kind=CardKind.BASIC, scheduler=scheduler)
    assert review_flow.allowed("grade", (5,), at) is (scheduler == "sm2")
    assert review_flow.allowed("fsrs_grade", (2,), at) is (scheduler == "fsrs")
    question = review_flow.Situation(phase="question", kind=CardKind.BASIC, scheduler=scheduler)
    assert not review_flow.allowed("fsrs_grade", (2,), question)


def test_the_verdict_proposes_the_grade_on_the_scale_in_force():
    checked = review_flow.Checked(True, "correct", "", "2x")
    lines = review_flow.verdict_lines(checked, CardKind.MATH, "2x", scheduler="fsrs")
    assert "Enter: 3 (Good), or 1-4 (FSRS)." in lines
    lines = review_flow.verdict_lines(checked, CardKind.MATH, "2x")
    assert "Enter: grade 4 (Good), or 0-5." in lines


def grade_keys(screen) -> dict[str, str]:
    """The number keys the footer offers now, with their labels."""
    return {
        key: active.binding.description
        for key, active in screen.active_bindings.items()
        if key.isdigit() and active.enabled
    }


async def reveal_self_graded(app, pilot) -> ReviewScreen:
    await app.workers.wait_for_complete()
    await pilot.pause()
    assert isinstance(app.screen, DecksScreen)
    await pilot.press("enter")
    await pilot.pause()
    screen = app.screen
    assert isinstance(screen, ReviewScreen)
    while screen.card.kind not in SELF_GRADED:
        screen.session = screen.session.skip(screen.card.id)
        screen.show_next()
        await pilot.pause()
    await pilot.press("space")
    await pilot.pause()
    assert screen.phase == "verdict"
    return screen


async def test_under_fsrs_the_keys_are_again_hard_good_easy(deck_dir) -> None:
    store = Store("sqlite://", scheduling=Scheduling("fsrs"))
    app = make_app(store, deck_dir)
    async with app.run_test(size=(100, 24)) as pilot:
        screen = await reveal_self_graded(app, pilot)
        assert "FSRS: 1 Again 2 Hard 3 Good 4 Easy" in str(
            screen.query_one("#meta", Static).render()
        )
        assert grade_keys(screen) == {"1": "Again", "2": "Hard", "3": "Good", "4": "Easy"}
        # the first grades shown say what Hard does on this scale (key 2), not SM-2's key 3
        from tui.review_flow import FSRS_HARD_NOTE, HARD_NOTE

        notices = str(screen.query_one("#notices", Static).render())
        assert FSRS_HARD_NOTE in notices and HARD_NOTE not in notices
        card = screen.card.id
        await pilot.press("5", "0")  # not keys of this scale: nothing happens
        await pilot.pause()
        assert screen.phase == "verdict" and store.review_log(card) == []
        await pilot.press("3")  # Good
        await pilot.pause()
        entry = store.review_log(card)[-1]
        assert entry.grade == 4 and entry.after_memory is not None
    store.close()


async def test_under_sm2_the_keys_are_0_to_5(store, deck_dir) -> None:
    app = make_app(store, deck_dir)
    async with app.run_test(size=(100, 24)) as pilot:
        screen = await reveal_self_graded(app, pilot)
        assert "FSRS" not in str(screen.query_one("#meta", Static).render())
        assert set(grade_keys(screen)) == {"0", "1", "2", "3", "4", "5"}
        card = screen.card.id
        await pilot.press("5")
        await pilot.pause()
        assert store.review_log(card)[-1].grade == 5
