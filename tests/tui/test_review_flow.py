"""The review's rules without a screen: phases and keys, verdict words, choice marks."""

from __future__ import annotations

from dataclasses import replace

import pytest
from hypothesis import given
from hypothesis import strategies as st

from flashcards.answers.verdict import Status, Verdict
from flashcards.cards import CardKind
from tui import review_flow as flow
from tui.review_flow import Checked, Situation, allowed


def test_an_unknown_action_is_the_apps_and_always_allowed() -> None:
    for phase in ("question", "typing", "checking", "verdict", "done"):
        assert allowed("help", (), Situation(phase))
        assert allowed("stats", (), Situation(phase))


def test_while_typing_every_key_types_but_esc() -> None:
    at = Situation("typing", CardKind.MATH, can_undo=True, can_edit=True)
    assert allowed("give_up", (), at)
    for action in ("undo", "suspend", "bury", "edit", "info", "leave", "grade", "reveal"):
        assert not allowed(action, (), at), action


def test_checking_allows_only_cancelling() -> None:
    at = Situation("checking", CardKind.MATH, can_undo=True)
    assert allowed("cancel_check", (), at)
    assert not allowed("give_up", (), at)
    assert not allowed("leave", (), at)


@pytest.mark.parametrize(
    ("kind", "action"),
    [
        (CardKind.BASIC, "reveal"),
        (CardKind.CLOZE, "reveal"),
        (CardKind.REVERSIBLE, "reveal"),
        (CardKind.CHOICE, "submit_choice"),
        (CardKind.MATH, "focus_answer"),
        (CardKind.TEXT, "focus_answer"),
    ],
)
def test_each_kind_answers_its_own_way(kind: CardKind, action: str) -> None:
    at = Situation("question", kind)
    answering = {"reveal", "submit_choice", "focus_answer"}
    assert allowed(action, (), at)
    for other in answering - {action}:
        assert not allowed(other, (), at), other


def test_esc_ends_the_session_only_from_a_question_of_a_card_without_a_box() -> None:
    assert allowed("leave", ("escape",), Situation("question", CardKind.BASIC))
    assert not allowed("leave", ("escape",), Situation("question", CardKind.MATH))
    assert not allowed("leave", ("escape",), Situation("verdict", CardKind.BASIC))
    assert allowed("leave", ("escape",), Situation("done"))
    assert allowed("leave", (), Situation("verdict", CardKind.BASIC))  # q


def test_option_letters_take_the_keys_of_card_commands() -> None:
    # a choice with five options (a-e) takes `e` (edit); `i`, `o`, `q`, `u` stay commands
    at = Situation("question", CardKind.CHOICE, choices=5, can_edit=True, can_undo=True)
    assert not allowed("edit", (), at)
    assert allowed("info", (), at)
    assert allowed("undo", (), at)
    assert allowed("leave", (), at)
    # once the answer shows, letters are commands again
    assert allowed("edit", ("quiet",), Situation("verdict", CardKind.CHOICE, 5, can_edit=True))


def test_quiet_bindings_work_once_the_answer_shows_and_loud_ones_before() -> None:
    question = Situation("question", CardKind.BASIC, can_edit=True)
    verdict = Situation("verdict", CardKind.BASIC, can_edit=True)
    assert allowed("edit", (), question) and not allowed("edit", ("quiet",), question)
    assert allowed("edit", ("quiet",), verdict) and not allowed("edit", (), verdict)


def test_a_quiz_neither_suspends_nor_buries() -> None:
    for phase, quiet in (("question", ()), ("verdict", ("quiet",))):
        assert allowed("suspend", (), Situation(phase, CardKind.BASIC))
        assert not allowed("suspend", (), Situation(phase, CardKind.BASIC, practice=True))
        assert allowed("bury", quiet, Situation(phase, CardKind.BASIC))
        assert not allowed("bury", quiet, Situation(phase, CardKind.BASIC, practice=True))


def test_suspend_has_one_binding_for_the_question_and_the_answer() -> None:
    # `!` shows in the footer once the answer shows too (bury, edit... go quiet there)
    assert "suspend" not in flow.QUIET_IN_VERDICT
    assert allowed("suspend", (), Situation("verdict", CardKind.BASIC))


def test_what_the_situation_offers_is_what_is_allowed() -> None:
    verdict = Situation("verdict", CardKind.MATH)
    assert not allowed("undo", (), verdict)
    assert not allowed("accept_grade", (), verdict)
    assert not allowed("accept_anyway", (), verdict)
    assert not allowed("open_image", ("quiet",), verdict)
    offered = Situation(
        "verdict", CardKind.MATH, proposed=True, can_accept_anyway=True, can_undo=True
    )
    offered = replace(offered, has_image=True)
    assert allowed("undo", (), offered)
    assert allowed("accept_grade", (), offered)
    assert allowed("accept_anyway", (), offered)
    assert allowed("open_image", ("quiet",), offered)


@given(
    st.sampled_from(sorted(flow.REVIEW_ACTIONS)),
    st.sampled_from(["question", "typing", "checking", "verdict", "done"]),
    st.sampled_from([None, *CardKind]),
)
def test_no_action_works_outside_its_phases(action: str, phase: str, kind: CardKind | None):
    at = Situation(phase, kind, proposed=True, can_accept_anyway=True, can_undo=True)
    if allowed(action, (), at) or allowed(action, ("quiet",), at):
        assert action in flow.PHASE_ACTIONS[phase]


def test_a_verdict_becomes_what_the_screen_shows() -> None:
    verdict = Verdict(False, Status.WRONG_FORM, "Not expanded.", "2·x", hint="expand it")
    assert flow.checked_from_verdict(verdict) == Checked(
        False, "wrong_form", "Not expanded.", "2·x", "expand it"
    )
    assert flow.checked_from_verdict(Verdict(True, Status.CORRECT, "")).hint == ""


def test_verdict_lines_say_the_outcome_the_reading_and_the_proposed_grade() -> None:
    checked = Checked(False, "wrong", "Check the factor.", "3·x", "a factor of 2")
    lines = flow.verdict_lines(checked, CardKind.MATH, "2x", can_accept=True)
    assert lines == [
        "✗ Not right.",
        "Check the factor.",
        "Hint: a factor of 2",
        "Read as: 3·x",
        "Expected: 2x",
        "Enter: grade 1 (Wrong), or 0-5.",
        "a: my answer is right; accept it and remember it for this card.",
    ]
    right = flow.verdict_lines(Checked(True, "correct", "Correct.", "2·x"), CardKind.TEXT, "")
    assert right == ["✓ Correct.", "Enter: grade 4 (Good), or 0-5."]


@pytest.mark.parametrize(
    ("status", "headline"),
    [
        ("wrong_form", "≈ Right value, not in the required form."),
        ("timeout", "⌛ The check took too long."),
        ("error", "? The answer could not be checked."),
        ("wrong", "✗ Not right."),
    ],
)
def test_each_rejection_has_its_headline(status: str, headline: str) -> None:
    assert flow.verdict_lines(Checked(False, status, "", ""), CardKind.MATH, "")[0] == headline


def test_giving_up_says_not_answered_and_not_how_it_was_read() -> None:
    lines = flow.verdict_lines(
        Checked(False, "skipped", "", "2x"), CardKind.MATH, "2x", gave_up=True
    )
    assert lines[0] == "Not answered."
    assert not any(line.startswith("Read as") for line in lines)


def test_choice_marks_and_whether_the_pick_was_right() -> None:
    marks, right = flow.mark_choices([True, False, True], [True, True, False])
    assert marks == ["right", "missed", "wrong"] and not right
    marks, right = flow.mark_choices([True, False], [True, False])
    assert marks == ["right", None] and right
    assert flow.picked_letters([True, False, True]) == "a, c"
    assert flow.picked_letters([False, False]) == "nothing"


def test_an_answer_accepted_before_matches_as_its_kind_compares() -> None:
    assert flow.accepted_before(CardKind.MATH, "2 x + 1", ["2x+1"])
    assert not flow.accepted_before(CardKind.MATH, "2x+2", ["2x+1"])
    assert flow.accepted_before(CardKind.TEXT, "  The ELBO ", ["the elbo"])
    assert not flow.accepted_before(CardKind.TEXT, "KL", [])


def test_only_a_read_and_judged_typed_answer_can_be_accepted_anyway() -> None:
    wrong = Checked(False, "wrong", "", "3x")
    assert flow.can_accept_anyway(False, CardKind.MATH, wrong, "3x")
    assert not flow.can_accept_anyway(True, CardKind.MATH, wrong, "3x")  # a quiz
    assert not flow.can_accept_anyway(False, CardKind.BASIC, wrong, "3x")
    assert not flow.can_accept_anyway(False, CardKind.MATH, wrong, "  ")
    for status in ("timeout", "error", "unreadable", "skipped"):
        assert not flow.can_accept_anyway(False, CardKind.MATH, Checked(False, status, "", ""), "x")
    assert not flow.can_accept_anyway(False, CardKind.TEXT, Checked(True, "correct", "", ""), "x")


def test_a_grade_of_three_or_more_is_recalled() -> None:
    assert [flow.recalled(g) for g in range(6)] == [False, False, False, True, True, True]
