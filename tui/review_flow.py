"""The review's rules, without a screen: its phases, which keys work in each, and the text
shown once an answer is judged (verdict wording, choice marks, answers accepted before).

Pure functions over plain values: `tui.screens.review.ReviewScreen` asks them and draws
what they say, and tests ask them directly.

Phases: `question` (the front; Space or Enter reveals, letters pick choices), `typing` (an
answer box has focus, so every key types), `checking` (a math answer is being checked in a
worker; Esc cancels), `verdict` (the answer is shown; a number grades, Enter accepts the
proposed grade), `done` (the session is over).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from flashcards.cards import CardKind
from flashcards.fsrs_model import FSRS_TO_SM2, RATING_NAMES
from flashcards.grades import Grade

if TYPE_CHECKING:
    from flashcards.answers.verdict import Verdict

Phase = Literal["question", "typing", "checking", "verdict", "done"]

#: Short grade names for the footer (the full SM-2 meanings are in the help screen).
GRADE_SHORT = {0: "Blank", 1: "Wrong", 2: "Almost", 3: "Hard", 4: "Good", 5: "Easy"}
#: The grade proposed after a checked answer: right or not.
PROPOSED = {True: 4, False: 1}
#: Under FSRS the keys are Anki's four buttons; each logs the SM-2 grade of
#: `flashcards.fsrs_model.FSRS_TO_SM2` (1 Again -> 1, 2 Hard -> 3, 3 Good -> 4, 4 Easy -> 5).
FSRS_KEYS: dict[int, str] = dict(RATING_NAMES)
#: What a grade of 3 means for when the card comes back (SM-2 repeats it the same day).
HARD_NOTE = "3 (Hard) counts as recalled but brings the card back later today."
#: The same under FSRS, whose Hard is key 2 (the same-day rule applies to both scales).
FSRS_HARD_NOTE = "2 (Hard) counts as recalled but brings the card back later today."

#: What the answer box asks for, by card kind: a formula or words, then its keys (Tab leaving
#: the box is in the help: the box is 65 columns wide at 80).
_BOX_KEYS = " · Enter checks · Esc shows the answer"
PROMPTS = {
    CardKind.MATH: "type a formula, e.g. 2x + 1" + _BOX_KEYS,
    CardKind.TEXT: "type your answer in words" + _BOX_KEYS,
}


def answer_prompt(kind: CardKind) -> str:
    """The empty answer box's text for a card of `kind` (it fits the box at 80 columns)."""
    return PROMPTS.get(kind, "type your answer" + _BOX_KEYS)


#: Cards answered by typing (an answer box), and those that reveal their back on a key.
TYPED = (CardKind.MATH, CardKind.TEXT)
REVEALED = (CardKind.BASIC, CardKind.REVERSIBLE, CardKind.CLOZE)

#: Actions allowed in each phase (others are hidden from the footer and do nothing).
PHASE_ACTIONS: dict[str, frozenset[str]] = {
    "question": frozenset(
        {
            "scroll_card",
            "reveal",
            "submit_choice",
            "undo",
            "suspend",
            "bury",
            "edit",
            "info",
            "open_image",
            "leave",
            "focus_answer",
            "give_up",
        }
    ),
    "typing": frozenset({"give_up"}),
    "checking": frozenset({"cancel_check"}),
    "verdict": frozenset(
        {
            "scroll_card",
            "grade",
            "fsrs_grade",
            "accept_grade",
            "accept_anyway",
            "undo",
            "suspend",
            "bury",
            "edit",
            "info",
            "open_image",
            "leave",
        }
    ),
    "done": frozenset({"leave"}),
}

#: Actions bound to a letter, which a choice card's options may take (a, b, c, ...).
LETTER_KEYS = {"undo": "u", "edit": "e", "info": "i", "open_image": "o", "leave": "q"}

#: Actions with two bindings: a footer one for the question and a quiet one (with a
#: parameter) once the answer shows, where the grades need the footer's room (suspend
#: keeps its one binding: `!` shows in both).
QUIET_IN_VERDICT = frozenset({"bury", "edit", "info", "open_image"})

#: Every action the review screen rules on; any other (the app's) is always allowed.
REVIEW_ACTIONS = frozenset().union(*PHASE_ACTIONS.values())


@dataclass(frozen=True, slots=True)
class Situation:
    """What the rules need to know about the screen: the phase and the card on it."""

    phase: str
    kind: CardKind | None = None
    #: Options of a choice card (their letters pick them in the question phase).
    choices: int = 0
    #: A grade is proposed (Enter accepts it).
    proposed: bool = False
    can_accept_anyway: bool = False
    can_undo: bool = False
    has_image: bool = False
    #: The decks can be read again after an edit.
    can_edit: bool = False
    #: A quiz: nothing is suspended or buried.
    practice: bool = False
    #: The scheduler of the card's deck: "sm2" grades 0-5, "fsrs" the four buttons 1-4.
    scheduler: str = "sm2"


def grade_of_key(key: int, scheduler: str) -> int:
    """The SM-2 grade a number key logs: itself under SM-2, FSRS_TO_SM2's under FSRS."""
    return FSRS_TO_SM2[key] if scheduler == "fsrs" else key


def key_of_grade(grade: int, scheduler: str) -> int:
    """The key that gives an SM-2 grade (the proposed one) on the scheduler's scale."""
    if scheduler != "fsrs":
        return grade
    from flashcards.fsrs_model import SM2_TO_FSRS

    return SM2_TO_FSRS[grade]


def allowed(action: str, parameters: tuple[object, ...], at: Situation) -> bool:
    """Whether `action` (with its binding's `parameters`) works in situation `at`; an action
    the review does not know (the app's) always does."""
    if action not in REVIEW_ACTIONS:
        return True
    if action not in PHASE_ACTIONS.get(at.phase, frozenset()):
        return False
    if action in QUIET_IN_VERDICT and (at.phase == "verdict") != bool(parameters):
        return False
    kind = at.kind
    if action == "reveal":
        return kind in REVEALED
    if action == "submit_choice":
        return kind is CardKind.CHOICE
    if action == "focus_answer":
        return kind in TYPED
    if action == "give_up":
        return at.phase == "typing" or kind in TYPED
    if action == "leave" and parameters:  # Esc: from a question only (or the end)
        if at.phase == "done":
            return True
        return at.phase == "question" and kind not in TYPED
    if at.phase == "question" and kind is CardKind.CHOICE:
        letter = LETTER_KEYS.get(action)
        if letter is not None and ord(letter) - ord("a") < at.choices:
            return False  # the letter picks an option on this card
    if action == "grade":
        return at.scheduler != "fsrs"
    if action == "fsrs_grade":
        return at.scheduler == "fsrs"
    if action == "accept_grade":
        return at.proposed
    if action == "accept_anyway":
        return at.can_accept_anyway
    if action == "undo":
        return at.can_undo
    if action == "open_image":
        return at.has_image
    if action == "edit":
        return kind is not None and at.can_edit
    if action in ("suspend", "bury"):
        return kind is not None and not at.practice
    return True


# -- judging an answer --------------------------------------------------------------------

Status = Literal["correct", "wrong_form", "wrong", "unreadable", "timeout", "error", "skipped"]


@dataclass(frozen=True, slots=True)
class Checked:
    """What the screen shows after an answer was checked."""

    accepted: bool
    #: A checker's status, or "error" (the check failed) or "skipped" (not answered).
    status: str
    feedback: str
    reading: str
    hint: str = ""


def checked_from_verdict(verdict: Verdict) -> Checked:
    """The checker's verdict as the screen shows it."""
    return Checked(
        verdict.accepted,
        str(verdict.status),
        verdict.feedback or "",
        verdict.reading or "",
        verdict.hint or "",
    )


def judged_text(
    kind: CardKind | None, typed: str, answer: str, alternatives: Sequence[str]
) -> Checked:
    """A typed-text answer judged against the card's answer and its alternatives."""
    from tui.render import text_answer_matches

    ok = kind is CardKind.TEXT and text_answer_matches(typed, answer, tuple(alternatives))
    return Checked(ok, "correct" if ok else "wrong", "", typed)


ACCEPTED_BEFORE = Checked(True, "correct", "You accepted this answer before.", "")
ACCEPTED_NOW = "Accepted by you."


def accepted_before(kind: CardKind, typed: str, accepted: Sequence[str]) -> bool:
    """Whether `typed` is an answer the learner accepted for the card before (`a`): the same
    words for a text card (as the text check compares them), the same characters but spaces
    for a math card."""
    if not accepted:
        return False
    if kind is CardKind.TEXT:
        from tui.render import text_answer_matches

        return text_answer_matches(typed, accepted[0], tuple(accepted[1:]))
    given = "".join(typed.split())  # spaces mean nothing in a math answer
    return any("".join(a.split()) == given for a in accepted)


def can_accept_anyway(
    practice: bool, kind: CardKind | None, checked: Checked | None, typed: str
) -> bool:
    """Whether the learner may overrule a rejected math or text answer (never in a quiz):
    only one that was read and judged, not one the checker could not read or finish
    checking."""
    return (
        not practice
        and kind in TYPED
        and checked is not None
        and not checked.accepted
        and checked.status in ("wrong", "wrong_form")
        and bool(typed.strip())
    )


ChoiceMark = Literal["right", "wrong", "missed"] | None


def mark_choices(
    selected: Sequence[bool], correct: Sequence[bool]
) -> tuple[list[ChoiceMark], bool]:
    """Each option's mark once a choice is submitted, and whether the pick was right (every
    correct option picked, nothing else)."""
    marks: list[ChoiceMark] = []
    for picked, good in zip(selected, correct, strict=False):
        if picked:
            marks.append("right" if good else "wrong")
        else:
            marks.append("missed" if good else None)
    return marks, all(m in ("right", None) for m in marks)


def picked_letters(selected: Sequence[bool]) -> str:
    """The letters picked, `a, c`, or `nothing`."""
    return ", ".join(chr(97 + i) for i, s in enumerate(selected) if s) or "nothing"


def verdict_lines(
    checked: Checked,
    kind: CardKind,
    expected: str,
    *,
    gave_up: bool = False,
    can_accept: bool = False,
    scheduler: str = "sm2",
) -> list[str]:
    """The verdict panel, line by line (plain text; the caller strips deck controls)."""
    if gave_up:
        lines = ["Not answered."]
    elif checked.accepted:
        lines = ["✓ Correct."]
    else:
        lines = [_HEADLINES.get(checked.status, "✗ Not right.")]
    if checked.feedback and checked.feedback.strip(" .").lower() != "correct":
        lines.append(checked.feedback)
    if checked.hint and checked.hint not in checked.feedback:
        lines.append(f"Hint: {checked.hint}")
    if kind is CardKind.MATH and checked.reading and not gave_up:
        lines.append(f"Read as: {checked.reading}")
    if expected:
        lines.append(f"Expected: {expected}")
    proposed = PROPOSED[checked.accepted]
    if scheduler == "fsrs":
        key = key_of_grade(proposed, scheduler)
        lines.append(f"Enter: {key} ({FSRS_KEYS[key]}), or 1-4 (FSRS).")
    else:
        lines.append(f"Enter: grade {proposed} ({GRADE_SHORT[proposed]}), or 0-5.")
    if can_accept:
        lines.append("a: my answer is right; accept it and remember it for this card.")
    return lines


_HEADLINES = {
    "wrong_form": "≈ Right value, not in the required form.",
    "error": "? The answer could not be checked.",
    "timeout": "⌛ The check took too long.",
}


def recalled(grade: int) -> bool:
    """Whether a grade counts as recalled in the session's numbers and a quiz's score."""
    return Grade(grade).passing
