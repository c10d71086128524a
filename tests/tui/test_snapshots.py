"""Snapshots of each screen at 80×24 on a fixed date (pytest-textual-snapshot)."""

from __future__ import annotations

from pathlib import Path

import pytest
from tui_helpers import DATA, make_app

from flashcards.cards import CardKind
from tui.app import StudyOptions

SIZE = (80, 24)


@pytest.fixture
def app(store, deck_dir):
    return make_app(store, deck_dir)


async def _ready(pilot) -> None:
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def _study(pilot) -> None:
    await _ready(pilot)
    await pilot.press("enter")
    await pilot.pause()


async def _to_kind(pilot, kind: CardKind) -> None:
    """Study until a card of `kind` shows, grading the others 5."""
    await _study(pilot)
    screen = pilot.app.screen
    while screen.card.kind is not kind:
        if screen.card.kind in (CardKind.BASIC, CardKind.REVERSIBLE, CardKind.CLOZE):
            await pilot.press("space", "5")
        elif screen.card.kind is CardKind.CHOICE:
            await pilot.press("a", "c", "enter", "5")
        elif screen.card.kind is CardKind.MATH:
            await pilot.press("2", "x", "enter")
            await pilot.app.workers.wait_for_complete()
            await pilot.pause()
            await pilot.press("5")
        else:
            await pilot.press(*"ELBO", "enter", "5")
        await pilot.pause()


def test_decks_screen(snap_compare, app) -> None:
    assert snap_compare(app, terminal_size=SIZE, run_before=_ready)


def test_question_of_a_basic_card(snap_compare, app) -> None:
    assert snap_compare(app, terminal_size=SIZE, run_before=_study)


def test_answer_of_a_basic_card_with_grades(snap_compare, app) -> None:
    async def run_before(pilot) -> None:
        await _study(pilot)
        await pilot.press("space")
        await pilot.pause()

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


def test_cloze_revealed_in_place(snap_compare, app) -> None:
    async def run_before(pilot) -> None:
        await _to_kind(pilot, CardKind.CLOZE)
        await pilot.press("space")
        await pilot.pause()

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


def test_math_answer_with_reading_preview(snap_compare, app) -> None:
    async def run_before(pilot) -> None:
        await _to_kind(pilot, CardKind.MATH)
        await pilot.press(*"2x/3y")
        await pilot.pause()

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


def test_math_verdict_of_a_wrong_answer(snap_compare, app) -> None:
    async def run_before(pilot) -> None:
        await _to_kind(pilot, CardKind.MATH)
        await pilot.press("3", "x", "enter")
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


def test_choice_marked_after_submitting(snap_compare, app) -> None:
    async def run_before(pilot) -> None:
        await _to_kind(pilot, CardKind.CHOICE)
        await pilot.press("a", "b", "enter")
        await pilot.pause()

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


def test_summary_screen(snap_compare, app) -> None:
    async def run_before(pilot) -> None:
        await _study(pilot)
        await pilot.press("space", "5", "space", "2", "q")
        await pilot.pause()

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


def test_help_screen(snap_compare, app) -> None:
    async def run_before(pilot) -> None:
        await _ready(pilot)
        await pilot.press("question_mark")
        await pilot.pause()

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


def test_quiz_summary_screen(snap_compare, store, deck_dir) -> None:
    app = make_app(store, deck_dir, options=StudyOptions(quiz=True, count=3, seed=1))

    async def run_before(pilot) -> None:
        await _ready(pilot)
        screen = pilot.app.screen
        while getattr(screen, "card", None) is not None and pilot.app.screen is screen:
            kind = screen.card.kind
            if kind in (CardKind.BASIC, CardKind.REVERSIBLE, CardKind.CLOZE):
                await pilot.press("space", "1")
            elif kind is CardKind.CHOICE:
                await pilot.press("a", "enter", "enter")
            elif kind is CardKind.MATH:
                await pilot.press("3", "x", "enter")
                await pilot.app.workers.wait_for_complete()
                await pilot.pause()
                await pilot.press("enter")
            else:
                await pilot.press(*"ELBO", "enter", "enter")
            await pilot.pause()

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


def test_problems_panel(snap_compare, store, monkeypatch) -> None:
    monkeypatch.chdir(DATA)  # problems name their files as given: keep them short
    app = make_app(store, Path("."), files=["broken.md", "hostile.md"])
    assert snap_compare(app, terminal_size=SIZE, run_before=_ready)


def test_light_theme_question(snap_compare, app) -> None:
    async def run_before(pilot) -> None:
        await _study(pilot)
        await pilot.press("ctrl+t")
        await pilot.pause()

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


def test_card_info_after_a_grade_and_its_undo(snap_compare, app) -> None:
    async def run_before(pilot) -> None:
        await _study(pilot)
        await pilot.press("space", "4", "u")
        await pilot.pause()
        await pilot.press("i")
        await pilot.pause()

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


def test_choice_question_with_one_option_picked(snap_compare, app) -> None:
    async def run_before(pilot) -> None:
        await _to_kind(pilot, CardKind.CHOICE)
        await pilot.press("c")
        await pilot.pause()

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


def test_at_60x20_the_footer_shows_the_keys_that_fit(snap_compare, app) -> None:
    assert snap_compare(app, terminal_size=(60, 20), run_before=_study)


def test_a_notice_sits_under_the_card(snap_compare, app) -> None:
    app.NOTIFICATION_TIMEOUT = 60  # still there when the snapshot is taken on a busy machine

    async def run_before(pilot) -> None:
        await _study(pilot)
        await pilot.press("minus")  # "Buried until tomorrow", then the next card
        await pilot.pause()

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


# -- a phone's width in a browser (about 45 columns) ----------------------------------------

PHONE = (45, 40)


def test_decks_screen_at_a_phones_width(snap_compare, app) -> None:
    assert snap_compare(app, terminal_size=PHONE, run_before=_ready)


def test_answer_with_grades_at_a_phones_width(snap_compare, app) -> None:
    async def run_before(pilot) -> None:
        await _study(pilot)
        await pilot.press("space")
        await pilot.pause()

    assert snap_compare(app, terminal_size=PHONE, run_before=run_before)


def test_math_verdict_at_a_phones_width(snap_compare, app) -> None:
    async def run_before(pilot) -> None:
        await _to_kind(pilot, CardKind.MATH)
        await pilot.press("3", "x", "enter")
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()

    assert snap_compare(app, terminal_size=PHONE, run_before=run_before)


def test_choice_marked_at_a_phones_width(snap_compare, app) -> None:
    async def run_before(pilot) -> None:
        await _to_kind(pilot, CardKind.CHOICE)
        await pilot.press("a", "b", "enter")
        await pilot.pause()

    assert snap_compare(app, terminal_size=PHONE, run_before=run_before)


def test_summary_at_a_phones_width(snap_compare, app) -> None:
    async def run_before(pilot) -> None:
        await _study(pilot)
        await pilot.press("space", "5", "space", "2", "q")
        await pilot.pause()

    assert snap_compare(app, terminal_size=PHONE, run_before=run_before)
