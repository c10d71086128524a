"""Pilot tests: whole study sessions driven by keys, checked against the store afterwards."""

from __future__ import annotations

import html
import sys
import threading
from datetime import timedelta
from pathlib import Path

import pytest
from textual.widgets import Input, Markdown, Static
from tui_helpers import DATA, TODAY, FakeVerdict, fake_checker, make_app

from flashcards.cards import CardKind
from flashcards.scheduler import ReviewState
from tui.app import StudyOptions
from tui.screens.decks import DecksScreen
from tui.screens.quiz import QuizScreen, QuizSummaryScreen
from tui.screens.review import ReviewScreen
from tui.screens.summary import SummaryScreen


async def settle(app, pilot) -> None:
    await app.workers.wait_for_complete()
    await pilot.pause()


async def start(app, pilot) -> ReviewScreen:
    """From the deck list, study all decks."""
    await settle(app, pilot)
    assert isinstance(app.screen, DecksScreen)
    await pilot.press("enter")
    await pilot.pause()
    assert isinstance(app.screen, ReviewScreen)
    return app.screen


async def answer_current(app, pilot, *, right: bool = True, grade: str | None = None) -> str:
    """Answer the card on screen the way its kind asks, then grade it; returns its id."""
    screen = app.screen
    card = screen.card
    if card.kind in (CardKind.BASIC, CardKind.REVERSIBLE, CardKind.CLOZE):
        await pilot.press("space")
    elif card.kind is CardKind.CHOICE:
        letters = [chr(97 + i) for i, c in enumerate(card.note.choices) if c.correct == right]
        await pilot.press(*letters, "enter")
    elif card.kind is CardKind.MATH:
        await pilot.press(*("2x" if right else "3x"), "enter")
        await settle(app, pilot)
    elif card.kind is CardKind.TEXT:
        await pilot.press(*("ELBO" if right else "nope"), "enter")
    await pilot.pause()
    assert screen.phase == "verdict"
    await pilot.press(grade or "enter" if card.kind not in _SELF_GRADED else grade or "4")
    await pilot.pause()
    return card.id


_SELF_GRADED = (CardKind.BASIC, CardKind.REVERSIBLE, CardKind.CLOZE)


async def start_at(app, pilot, kind: CardKind) -> ReviewScreen:
    """Study all decks, answering each card until one of `kind` shows."""
    screen = await start(app, pilot)
    while screen.card.kind is not kind:
        await answer_current(app, pilot)
    return screen


def held_checker(release: threading.Event):
    """The stand-in checker, answering only once `release` is set (5 s at most)."""

    def check(*args):
        release.wait(5)
        return fake_checker(*args)

    return check


def log_rows(store, card_id=None):
    return [(e.card_id, e.kind, e.grade, e.undone) for e in store.review_log(card_id)]


async def test_every_kind_is_studied_and_each_grade_is_stored(store, deck_dir) -> None:
    app = make_app(store, deck_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await start(app, pilot)
        kinds = set()
        seen = []
        while isinstance(app.screen, ReviewScreen) and screen.card is not None:
            kinds.add(screen.card.kind)
            seen.append(await answer_current(app, pilot))
            # Committed before the next card shows.
            assert store.review_log(seen[-1])[-1].grade >= 3
        assert isinstance(app.screen, SummaryScreen)
    assert kinds == set(CardKind)
    rows = log_rows(store)
    assert [r[0] for r in rows] == seen
    assert all(kind == "review" for _, kind, _, _ in rows)
    for card_id in seen:
        assert store.state(card_id).due == TODAY + timedelta(days=1)


async def test_a_grade_below_four_comes_back_the_same_day_without_rescheduling(
    store, deck_dir
) -> None:
    app = make_app(store, deck_dir, files=["study.md"])
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await start(app, pilot)
        first = screen.card.id
        await pilot.press("space", "2")
        await pilot.pause()
        state_after_lapse = store.state(first)
        while screen.card is not None and screen.card.id != first:
            await answer_current(app, pilot)
        assert screen.card is not None and screen.card.id == first
        await pilot.press("space", "4")
        await pilot.pause()
    rows = log_rows(store, first)
    assert [(k, g) for _, k, g, _ in rows] == [("review", 2), ("repeat", 4)]
    assert store.state(first) == state_after_lapse


async def test_undo_restores_the_state_and_shows_the_card_again(store, deck_dir) -> None:
    app = make_app(store, deck_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await start(app, pilot)
        first = screen.card.id
        before = store.state(first)
        await pilot.press("space", "5")
        await pilot.pause()
        assert screen.card.id != first
        await pilot.press("u")
        await pilot.pause()
        assert screen.card.id == first
        assert store.state(first) == before
        assert log_rows(store, first) == [(first, "review", 5, True)]


async def test_suspend_and_bury_keep_cards_out_of_the_queue(store, deck_dir) -> None:
    app = make_app(store, deck_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await start(app, pilot)
        suspended = screen.card.id
        await pilot.press("exclamation_mark")
        await pilot.pause()
        buried = screen.card.id
        assert buried != suspended
        await pilot.press("minus")
        await pilot.pause()
        assert screen.card.id not in (suspended, buried)
    assert store.card(suspended).suspended
    assert store.card(buried).buried_until == TODAY + timedelta(days=1)
    today_queue = store.queue(TODAY)
    assert suspended not in today_queue and buried not in today_queue
    assert buried in store.queue(TODAY + timedelta(days=1))
    assert suspended not in store.queue(TODAY + timedelta(days=1))


async def test_undo_takes_back_a_suspension_or_a_burial_not_the_grade_before(
    store, deck_dir
) -> None:
    app = make_app(store, deck_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await start(app, pilot)
        graded = screen.card.id
        await pilot.press("space", "5")
        await pilot.pause()
        for key, flag in (("exclamation_mark", "suspended"), ("minus", "buried_until")):
            card = screen.card.id
            remaining = str(screen.query_one("#remaining", Static).render())
            await pilot.press(key)
            await pilot.pause()
            assert screen.card.id != card and getattr(store.card(card), flag)
            await pilot.press("u")
            await pilot.pause()
            assert screen.card.id == card  # the same card again, free to come today
            assert not getattr(store.card(card), flag)
            assert card in store.queue(TODAY)
            assert str(screen.query_one("#remaining", Static).render()) == remaining
        # the grade before them was never touched; one more undo takes it back
        assert [r[2] for r in log_rows(store, graded)] == [5]
        await pilot.press("u")
        await pilot.pause()
        assert screen.card.id == graded
        assert log_rows(store, graded) == [(graded, "review", 5, True)]
        # nothing left to undo: the footer no longer offers it
        from textual.widgets._footer import FooterKey

        from tui.widgets import Footer

        keys = [k.description for k in screen.query_one(Footer).query(FooterKey)]
        assert "Undo" not in keys and "Bury" in keys


async def test_keys_type_into_the_answer_box(store, deck_dir) -> None:
    app = make_app(store, deck_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await start_at(app, pilot, CardKind.MATH)
        math_card = screen.card.id
        await pilot.press("minus", "exclamation_mark", "e", "u", "s", "question_mark", "space", "q")
        await pilot.pause()
        assert screen.query_one("#answer", Input).value == "-!eus? q"
        assert screen.card.id == math_card and screen.phase == "typing"
        assert not store.card(math_card).suspended
        assert isinstance(app.screen, ReviewScreen)


async def test_enter_before_the_verdict_shows_never_grades(store, deck_dir, monkeypatch) -> None:
    monkeypatch.setattr(ReviewScreen, "enter_guard_seconds", 0.3)
    now = [500.0]  # the guard's clock moves only when the test moves it
    monkeypatch.setattr(ReviewScreen, "guard_clock", staticmethod(lambda: now[0]))
    release = threading.Event()

    app = make_app(store, deck_dir, checker=held_checker(release))
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await start_at(app, pilot, CardKind.MATH)
        card = screen.card.id
        await pilot.press("2", "x", "enter")
        await pilot.pause()
        assert screen.phase == "checking"
        await pilot.press("enter", "enter")  # impatient
        release.set()
        await settle(app, pilot)
        assert screen.phase == "verdict"
        await pilot.press("enter")  # at once: typed ahead of the verdict
        await pilot.pause()
        assert screen.card.id == card and store.review_log(card) == []
        now[0] += 0.35
        await pilot.press("enter")
        await pilot.pause()
    assert log_rows(store, card) == [(card, "review", 4, False)]


async def test_escape_cancels_a_check(store, deck_dir) -> None:
    release = threading.Event()

    app = make_app(store, deck_dir, checker=held_checker(release))
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await start_at(app, pilot, CardKind.MATH)
        await pilot.press("2", "x", "enter")
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
        release.set()
        await settle(app, pilot)
        assert screen.phase == "typing"
        assert screen.query_one("#answer", Input).value == "2x"


async def test_a_wrong_math_answer_can_be_accepted_and_is_remembered(store, deck_dir) -> None:
    app = make_app(store, deck_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await start_at(app, pilot, CardKind.MATH)
        card = screen.card.id
        await pilot.press(*"x+x", "enter")
        await settle(app, pilot)
        verdict = str(screen.query_one("#verdict", Static).render())
        assert "Not right" in verdict and "Check the factor." in verdict and "2x" in verdict
        assert screen.proposed == 1
        await pilot.press("a")
        await pilot.pause()
    assert [a.text for a in store.accepted_answers(card)] == ["x+x"]
    assert log_rows(store, card) == [(card, "review", 4, False)]


async def test_a_number_overrides_the_proposed_grade(store, deck_dir) -> None:
    app = make_app(store, deck_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await start_at(app, pilot, CardKind.MATH)
        card = screen.card.id
        await pilot.press("2", "x", "enter")
        await settle(app, pilot)
        assert screen.proposed == 4
        await pilot.press("5")
        await pilot.pause()
    assert log_rows(store, card) == [(card, "review", 5, False)]


async def test_choice_options_toggle_by_letter_and_click_and_are_marked(store, deck_dir) -> None:
    app = make_app(store, deck_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await start_at(app, pilot, CardKind.CHOICE)
        await pilot.press("a", "b")  # a right, b wrong
        await pilot.click("ChoiceOption", offset=(2, 0))  # the first option: a off again
        await pilot.pause()
        assert [o.selected for o in screen.choices] == [False, True, False]
        await pilot.press("a", "enter")
        await pilot.pause()
        assert [o.mark for o in screen.choices] == ["right", "wrong", "missed"]
        assert screen.proposed == 1
        card = screen.card.id
        await pilot.press("enter")
        await pilot.pause()
    assert store.review_log(card)[-1].grade == 1
    assert store.review_log(card)[-1].typed == "a, b"


async def test_typed_text_accepts_alternatives_after_normalising(store, deck_dir) -> None:
    app = make_app(store, deck_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await start_at(app, pilot, CardKind.TEXT)
        await pilot.press(*"  Evidence  LOWER bound! ", "enter")
        await pilot.pause()
        assert screen.checked.accepted and screen.proposed == 4


async def test_a_cloze_shows_its_hidden_text_in_place(store, deck_dir) -> None:
    app = make_app(store, deck_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await start_at(app, pilot, CardKind.CLOZE)
        front = screen.query_one("#front", Markdown)
        assert "1/x" not in front.source and "⟦…⟧" in front.source
        await pilot.press("space")
        await pilot.pause()
        assert "1/x" in front.source.replace("\\", "")


async def test_quitting_mid_session_loses_nothing_and_the_queue_continues(store, deck_dir) -> None:
    app = make_app(store, deck_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await start(app, pilot)
        done = [await answer_current(app, pilot, grade="5") for _ in range(2)]
        await pilot.press("ctrl+q")
    assert [r[0] for r in log_rows(store)] == done
    again = make_app(store, deck_dir)
    async with again.run_test(size=(80, 24)) as pilot:
        screen = await start(again, pilot)
        assert screen.card.id not in done
        assert not set(done) & set(screen.session.pending)


async def test_an_eighth_lapse_makes_a_leech_that_is_suspended(store, deck_dir) -> None:
    app = make_app(store, deck_dir, files=["study.md"])
    notes = []
    app.notify = lambda message, **kw: notes.append(message)  # type: ignore[method-assign]
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        card = store.queue(TODAY)[0]
        store.set_state(card, ReviewState(repetitions=3, interval_days=10, due=TODAY, lapses=7))
        await pilot.press("enter")
        await pilot.pause()
        screen = app.screen
        assert screen.card.id == card
        await pilot.press("space", "1")
        await pilot.pause()
        assert screen.card is None or screen.card.id != card
    assert store.card(card).suspended
    assert any("leech" in n for n in notes)


async def test_edit_opens_the_editor_at_the_card_and_shows_it_edited(
    store, deck_dir, tmp_path, monkeypatch
) -> None:
    # A stand-in $EDITOR: replaces a word on the given line of the given file.
    script = tmp_path / "editor.py"
    script.write_text(
        "import sys\n"
        "line, path = int(sys.argv[1][1:]), sys.argv[2]\n"
        "lines = open(path).read().split('\\n')\n"
        "lines[line - 1] = lines[line - 1].replace('Bernoulli', 'Bernoulli (coin)')\n"
        "open(path, 'w').write('\\n'.join(lines))\n"
    )
    monkeypatch.setenv("EDITOR", f"{sys.executable} {script}")
    monkeypatch.delenv("VISUAL", raising=False)
    app = make_app(store, deck_dir, files=["study.md"])
    app.editor = __import__("tui.app", fromlist=["system_editor"]).system_editor
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await start(app, pilot)
        while screen.card.id != "bern-range:0":
            await answer_current(app, pilot)
        await pilot.press("e")
        await pilot.pause()
        assert screen.card.id == "bern-range:0"
        assert "Bernoulli (coin)" in screen.query_one("#front", Markdown).source
        await pilot.press("space", "4")
        await pilot.pause()
    assert "Bernoulli (coin)" in (deck_dir / "study.md").read_text()
    assert log_rows(store, "bern-range:0") == [("bern-range:0", "review", 4, False)]


async def test_quiz_is_scored_and_never_changes_the_schedule(store, deck_dir) -> None:
    app = make_app(store, deck_dir, options=StudyOptions(quiz=True, count=20, seed=3))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        assert isinstance(app.screen, QuizScreen)
        screen = app.screen
        states = {cid: store.state(cid) for cid in screen.session.pending}
        missed = None
        while isinstance(app.screen, QuizScreen) and screen.card is not None:
            wrong = missed is None and screen.card.kind is CardKind.MATH
            card = await answer_current(
                app, pilot, right=not wrong, grade="1" if screen.card.kind in _SELF_GRADED else None
            )
            if wrong:
                missed = card
        assert isinstance(app.screen, QuizSummaryScreen)
        text = " ".join(str(s.render()) for s in app.screen.query(Static))
        assert "Quiz score:" in text and "math" in text and "Sample" in text
        await pilot.press("r")
        await pilot.pause()
        assert isinstance(app.screen, QuizScreen)
        assert set(app.screen.session.pending) <= set(states)
    assert {e.kind for e in store.review_log()} == {"practice"}
    for cid, state in states.items():
        assert store.state(cid) == state


async def test_deck_markup_and_escapes_are_shown_as_text(store) -> None:
    app = make_app(store, DATA, files=["hostile.md"])
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await start(app, pilot)
        front = screen.query_one("#front", Markdown)
        assert "[@click=app.quit]" in front.source
        await pilot.click("#front")
        await pilot.press("space")
        await pilot.pause()
        back = screen.query_one("#back", Markdown).source
        assert "\x1b" not in back and "[31m" not in back
        assert "\\<script>" in back
        assert app.is_running and isinstance(app.screen, ReviewScreen)
        shown = html.unescape(app.export_screenshot()).replace("\xa0", " ")
        assert "[@click=app.quit]here[/]" in shown and "[bold red]shout" in shown
        assert "<script>alert(1)</script>" in shown


async def test_deck_problems_are_listed_with_file_and_line_and_dismissed(store) -> None:
    app = make_app(store, DATA, files=["broken.md"])
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        panel = app.screen.query_one("#problems")
        text = str(app.screen.query_one("#problem-list", Static).render())
        assert panel.display and "broken.md:3:1" in text and "broken.md:7:17" in text
        await pilot.press("escape")
        await pilot.pause()
        assert not panel.display
        await pilot.press("enter")  # the good card of the file still works
        await pilot.pause()
        assert isinstance(app.screen, ReviewScreen) and app.screen.card.id == "fine:0"


async def test_tag_filter_studies_only_tagged_cards(store, deck_dir) -> None:
    (deck_dir / "other.md").write_text("Untagged :: card {#plain}\n")
    app = make_app(store, deck_dir, options=StudyOptions(tag="sample"))
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await start(app, pilot)
        assert "plain:0" not in screen.session.pending
        assert len(screen.session.pending) > 3


async def test_help_and_info_screens_open_and_close(store, deck_dir) -> None:
    app = make_app(store, deck_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await start(app, pilot)
        await pilot.press("question_mark")
        await pilot.pause()
        assert type(app.screen).__name__ == "HelpScreen"
        await pilot.press("escape")
        await pilot.press("i")
        await pilot.pause()
        assert type(app.screen).__name__ == "InfoScreen"
        text = str(app.screen.query_one(Static).render())
        assert "study.md:" in text and "ease 2.50" in text
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is screen


def test_checker_failure_is_a_verdict_not_a_crash(store, deck_dir) -> None:
    def broken(*args):
        raise RuntimeError("worker died")

    import asyncio

    async def run() -> None:
        app = make_app(store, deck_dir, checker=broken)
        async with app.run_test(size=(80, 24)) as pilot:
            screen = await start_at(app, pilot, CardKind.MATH)
            await pilot.press("2", "x", "enter")
            await settle(app, pilot)
            assert screen.phase == "verdict" and not screen.checked.accepted
            assert "worker died" in str(screen.query_one("#verdict", Static).render())

    asyncio.run(run())


@pytest.mark.parametrize("verdict_status", ["wrong_form", "timeout"])
async def test_other_verdicts_propose_a_failing_grade(store, deck_dir, verdict_status) -> None:
    def checker(*args):
        return FakeVerdict(False, verdict_status, "feedback here", "2*x")

    app = make_app(store, deck_dir, checker=checker)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await start_at(app, pilot, CardKind.MATH)
        await pilot.press("2", "x", "enter")
        await settle(app, pilot)
        assert screen.proposed == 1
        assert "feedback here" in str(screen.query_one("#verdict", Static).render())
        # only an answer the checker read and judged may be accepted as right
        assert screen._can_accept_anyway() is (verdict_status == "wrong_form")


async def test_an_unreadable_answer_goes_back_to_the_box_and_is_never_accepted(
    store, deck_dir
) -> None:
    def checker(expected, given, options, macros):
        if "(" in given and ")" not in given:
            return FakeVerdict(False, "unreadable", "the answer ends too early.", "")
        return fake_checker(expected, given, options, macros)

    app = make_app(store, deck_dir, checker=checker)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await start_at(app, pilot, CardKind.MATH)
        card = screen.card.id
        await pilot.press("2", "(", "x", "enter")
        await settle(app, pilot)
        assert screen.phase == "typing" and screen.card.id == card
        assert screen.query_one("#answer", Input).has_focus
        verdict = str(screen.query_one("#verdict", Static).render())
        assert "Could not read that answer (the answer ends too early): fix it" in verdict
        assert "Expected" not in verdict and not screen.query_one("#back").display
        await pilot.press("a")  # types into the box: no accept-anyway here
        assert screen.query_one("#answer", Input).value == "2(xa"
        await pilot.press("backspace", "backspace", "backspace", "x", "enter")
        await settle(app, pilot)
        assert screen.phase == "verdict" and screen.checked.accepted
    assert store.accepted_answers(card) == []


def test_data_folder_is_where_the_tests_expect() -> None:
    assert (Path(DATA) / "study" / "study.md").is_file()


async def test_command_palette_starts_a_study_session(store, deck_dir) -> None:
    app = make_app(store, deck_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"Study all decks")
        from textual.command import CommandList

        for _ in range(100):  # the palette searches in the background: wait for its hits
            await pilot.pause(0.05)
            if app.screen.query_one(CommandList).option_count:
                break
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ReviewScreen)


async def test_a_write_the_collection_refuses_is_reported_and_the_card_stays(
    store, deck_dir, monkeypatch
) -> None:
    from flashcards.errors import FlashcardsError

    def refuse(*args, **kwargs):
        raise FlashcardsError("cannot write the collection (is the disk full?)")

    app = make_app(store, deck_dir)
    notes = []
    app.notify = lambda message, **kw: notes.append(message)  # type: ignore[method-assign]
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await start(app, pilot)
        card = screen.card.id
        monkeypatch.setattr(store, "suspend", refuse)
        monkeypatch.setattr(store, "bury", refuse)
        await pilot.press("exclamation_mark", "minus")
        await pilot.pause()
        assert screen.card.id == card and app.is_running
    assert any("suspension was not saved" in n for n in notes)
    assert any("Burying was not saved" in n for n in notes)
    assert not store.card(card).suspended and store.card(card).buried_until is None


async def test_an_image_is_a_placeholder_and_o_opens_it(store) -> None:
    opened = []
    app = make_app(store, DATA, files=["images"])
    app.opener = opened.append
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await start(app, pilot)
        front = screen.query_one("#front", Markdown).source
        assert "image: a three-node DAG" in front and "dag.png" not in front
        await pilot.press("o")
        await settle(app, pilot)
    assert opened == [(DATA / "images" / "dag.png").resolve()]
    assert any("outside the deck's folder" in p.message for p in app.problems)


async def test_the_deck_tree_is_walked_with_j_and_k_and_a_deck_studied_alone(
    store, deck_dir
) -> None:
    (deck_dir / "more").mkdir()
    (deck_dir / "more" / "extra.md").write_text("Extra card :: its back {#extra}\n")
    app = make_app(store, deck_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        from textual.widgets import OptionList

        options = app.screen.query_one(OptionList)
        ids = [options.get_option_at_index(i).id for i in range(options.option_count)]
        assert ids == ["*", "more", "more::extra", "Sample"]  # file order: more/ < study.md
        await pilot.press("j", "j", "j", "k")
        assert options.highlighted == 2
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ReviewScreen)
        assert list(app.screen.session.pending) == ["extra:0"]
        await pilot.press("q", "enter")  # summary, then back to the decks
        await pilot.pause()
        await pilot.click("#deck-list", offset=(3, 3))  # the Sample row
        await pilot.pause()
        assert isinstance(app.screen, ReviewScreen)
        assert "extra:0" not in app.screen.session.pending


async def test_a_long_answer_scrolls_with_the_keys(store, tmp_path) -> None:
    lines = "\n\n".join(f"Line {i} of a long explanation." for i in range(60))
    (tmp_path / "long.md").write_text(f"Q: A long one? {{#long}}\nA: {lines}\n")
    app = make_app(store, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await start(app, pilot)
        await pilot.press("space")
        await pilot.pause()
        card = screen.query_one("#card")
        assert card.scroll_y == 0
        await pilot.press("pagedown")
        await pilot.pause()
        paged = card.scroll_y
        await pilot.press("down")
        await pilot.pause()
        assert 0 < paged < card.scroll_y


async def test_with_a_tag_the_deck_list_counts_only_tagged_cards(store, deck_dir) -> None:
    (deck_dir / "other.md").write_text("One :: card {#one}\n\nTwo :: card {#two .sample}\n")
    app = make_app(store, deck_dir, options=StudyOptions(tag="sample"))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        counts = app.backend.counts(TODAY, "sample")
        assert counts["other"].new == 1 and counts["Sample"].new == 7
        totals = str(app.screen.query_one("#totals", Static).render())
        assert "today: 8 new" in totals and "tag: sample" in totals


async def test_the_remaining_counts_follow_grades_and_undo_without_rereading_states(
    store, deck_dir
) -> None:
    app = make_app(store, deck_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await start(app, pilot)
        reads: dict[str, int] = {}
        state = app.backend.state

        def counted(card_id):
            reads[card_id] = reads.get(card_id, 0) + 1
            return state(card_id)

        app.backend.state = counted

        def remaining() -> str:
            return str(screen.query_one("#remaining", Static).render())

        first = len(screen.session.pending)
        assert remaining() == f"{first} new · 0 review · 0 repeat"
        while screen.card.kind is not CardKind.BASIC:
            await answer_current(app, pilot)
        left = len(screen.session.pending)
        await answer_current(app, pilot, grade="1")  # wrong: comes back as a repeat
        assert remaining() == f"{left - 1} new · 0 review · 1 repeat"
        await answer_current(app, pilot)
        assert remaining() == f"{left - 2} new · 0 review · 1 repeat"
        assert reads == {}  # each card's state was read when the session began
        await pilot.press("u")
        await pilot.pause()
        assert remaining() == f"{left - 1} new · 0 review · 1 repeat"


async def test_the_footer_follows_the_phase_and_is_rebuilt_only_when_its_keys_change(store):
    from textual.widgets._footer import FooterKey

    from tui.widgets import Footer

    def keys(screen) -> list[str]:
        footer = screen.query_one(Footer)
        return [k.description for k in footer.query(FooterKey) if not k.disabled]

    app = make_app(store, DATA / "study")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await start(app, pilot)
        assert screen.card.kind in _SELF_GRADED
        await pilot.pause()
        asking = keys(screen)
        assert not any(d in asking for d in ("Good", "Wrong"))
        footer = screen.query_one(Footer)
        built = footer.query(FooterKey).first()
        screen.refresh_bindings()  # nothing it shows changed: the same keys stay
        await pilot.pause()
        assert footer.query(FooterKey).first() is built
        await pilot.press("space")
        await pilot.pause()
        graded = keys(screen)
        assert "Good" in graded and "Wrong" in graded  # the grades, now that they work
        assert footer.query(FooterKey).first() is not built


async def test_esc_once_the_answer_shows_does_not_end_the_session(store, deck_dir) -> None:
    app = make_app(store, deck_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await start(app, pilot)
        assert screen.card.kind in _SELF_GRADED
        await pilot.press("space", "escape")
        await pilot.pause()
        assert app.screen is screen and screen.phase == "verdict"
        await pilot.press("4", "escape")  # from the next question, Esc ends the session
        await pilot.pause()
        assert isinstance(app.screen, SummaryScreen)


async def test_undoing_an_accept_anyway_forgets_the_answer_too(store, deck_dir) -> None:
    app = make_app(store, deck_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await start_at(app, pilot, CardKind.MATH)
        card = screen.card.id
        await pilot.press("3", "x", "enter")
        await settle(app, pilot)
        await pilot.press("a")
        await pilot.pause()
        assert [a.text for a in store.accepted_answers(card)] == ["3x"]
        await pilot.press("u")
        await pilot.pause()
        assert screen.card.id == card and store.accepted_answers(card) == []
        await pilot.press("3", "x", "enter")
        await settle(app, pilot)
        assert not screen.checked.accepted  # judged again, not taken as accepted before


async def test_esc_after_esc_showed_the_answer_does_not_end_the_session(store, deck_dir) -> None:
    app = make_app(store, deck_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await start_at(app, pilot, CardKind.MATH)
        card = screen.card.id
        await pilot.press("escape")  # gives up: the answer shows
        await pilot.pause()
        assert screen.phase == "verdict"
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is screen and screen.card.id == card and screen.phase == "verdict"
        await pilot.press("1")
        await pilot.pause()
        assert screen.card.id != card


async def test_out_of_the_answer_box_the_card_keys_work_again(store, deck_dir) -> None:
    app = make_app(store, deck_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await start_at(app, pilot, CardKind.MATH)
        card = screen.card.id
        await pilot.press("tab")
        await pilot.pause()
        assert screen.phase == "question"
        await pilot.press("enter")  # back into the box
        await pilot.pause()
        assert screen.phase == "typing" and screen.query_one("#answer", Input).has_focus
        await pilot.press("tab", "exclamation_mark")
        await pilot.pause()
        assert store.card(card).suspended and screen.card.id != card


async def test_a_choice_needs_a_pick_before_enter_submits(store, deck_dir) -> None:
    app = make_app(store, deck_dir)
    notes = []
    app.notify = lambda message, **kw: notes.append(message)  # type: ignore[method-assign]
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await start_at(app, pilot, CardKind.CHOICE)
        await pilot.press("enter")
        await pilot.pause()
        assert screen.phase == "question" and screen.checked is None
        assert any(n.startswith("Pick your answer first") for n in notes)
        await pilot.press("a", "enter")
        await pilot.pause()
        assert screen.phase == "verdict"


async def test_option_letters_hide_the_card_keys_they_take(store, deck_dir) -> None:
    from dataclasses import replace

    app = make_app(store, deck_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await start_at(app, pilot, CardKind.CHOICE)
        assert screen.check_action("edit", ()) is True  # three options: a-c
        card, deck = screen.card, screen.deck
        five = (*card.note.choices, card.note.choices[1], card.note.choices[1])
        screen.show_card(replace(card, note=replace(card.note, choices=five)), deck)
        await pilot.pause()
        assert screen.check_action("edit", ()) is False  # `e` ticks option e)
        assert screen.check_action("info", ()) is True
        await pilot.press("e")
        assert screen.choices[4].selected


async def test_ending_a_quiz_early_asks_first(store, deck_dir) -> None:
    app = make_app(store, deck_dir, options=StudyOptions(quiz=True, count=20, seed=3))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        screen = app.screen
        assert isinstance(screen, QuizScreen)
        await answer_current(app, pilot, grade="4")
        key = "q" if screen.phase == "question" else "tab"
        if key == "tab":  # a math or text card: leave the answer box first
            await pilot.press("tab")
        await pilot.press("q")
        await pilot.pause()
        assert app.screen is screen
        await pilot.press("q")
        await pilot.pause()
        assert isinstance(app.screen, QuizSummaryScreen)


async def test_an_edit_that_changes_nothing_reloads_nothing(store, deck_dir) -> None:
    edited: list[tuple[Path, int]] = []
    app = make_app(store, deck_dir, editor=lambda path, line: edited.append((path, line)))
    reloads: list[bool] = []
    app.reload_after_edit = lambda: reloads.append(True)  # type: ignore[method-assign]
    notes = []
    app.notify = lambda message, **kw: notes.append(message)  # type: ignore[method-assign]
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await start(app, pilot)
        await pilot.press("space", "4")
        await pilot.pause()
        card = screen.card.id
        await pilot.press("e")
        await pilot.pause()
        assert edited and reloads == [] and notes[-1] == "No change."
        assert screen.card.id == card and screen.check_action("undo", ()) is True


async def test_built_in_decks_are_not_opened_in_the_editor(store) -> None:
    from flashcards.decks import builtin_decks_dir

    edited: list[Path] = []
    app = make_app(store, builtin_decks_dir(), editor=lambda path, line: edited.append(path))
    notes = []
    app.notify = lambda message, **kw: notes.append(message)  # type: ignore[method-assign]
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await start(app, pilot)
        if screen.phase == "typing":
            await pilot.press("tab")
        await pilot.press("e")
        await pilot.pause()
    assert edited == []
    assert any("built-in deck" in n and "deck_folders" in n for n in notes)


async def test_an_answer_accepted_before_counts_as_right_for_math_and_text(store, deck_dir):
    app = make_app(store, deck_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await start_at(app, pilot, CardKind.MATH)
        store.add_accepted_answer(screen.card.id, "3x")  # the stand-in checker rejects 3x
        await pilot.press("3", "space", "x", "enter")
        await settle(app, pilot)
        assert screen.phase == "verdict" and screen.checked.accepted
        assert "You accepted this answer before." in str(
            screen.query_one("#verdict", Static).render()
        )
        await pilot.press("enter")
        await pilot.pause()
        while screen.card.kind is not CardKind.TEXT:
            await answer_current(app, pilot)
        card = screen.card.id
        await pilot.press(*"variational bound", "enter")
        await pilot.pause()
        verdict_text = str(screen.query_one("#verdict", Static).render())
        assert not screen.checked.accepted and "also:" in verdict_text
        assert "a: my answer is right" in verdict_text
        await pilot.press("a")
        await pilot.pause()
        assert screen.phase == "done" or screen.card.id != card
    assert [a.text for a in store.accepted_answers(card)] == ["variational bound"]
    assert log_rows(store, card)[-1][2] == 4


async def test_a_long_choice_wraps_under_its_text_not_its_letter(store, deck_dir) -> None:
    from dataclasses import replace

    app = make_app(store, deck_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await start_at(app, pilot, CardKind.CHOICE)
        card, deck = screen.card, screen.deck
        long = replace(card.note.choices[0], text="word " * 40)
        choices = (long, *card.note.choices[1:])
        screen.show_card(replace(card, note=replace(card.note, choices=choices)), deck)
        await pilot.pause()
        key = screen.choices[0].query_one(".choice-key")
        text = screen.choices[0].query_one(".choice-text")
        assert text.region.height >= 3  # wrapped
        assert text.region.x == key.region.x + key.region.width  # every line starts there


async def test_enter_typed_right_after_the_arrows_studies_the_deck_they_reached(
    store, deck_dir
) -> None:
    """Keys typed ahead are taken in order: Enter opens the deck the arrows before it
    reached, not the one highlighted when Enter came in."""
    (deck_dir / "more").mkdir()
    (deck_dir / "more" / "extra.md").write_text("Extra card :: its back {#extra}\n")
    app = make_app(store, deck_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        from textual import events

        # as a terminal delivers them: all queued before the app handles the first
        for key in ("down", "down", "enter"):
            app.post_message(events.Key(key, "\r" if key == "enter" else None))
        await pilot.pause()
        await pilot.pause()
        assert isinstance(app.screen, ReviewScreen)
        assert list(app.screen.session.pending) == ["extra:0"]
