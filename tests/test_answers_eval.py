"""The evaluation set (tests/answer_eval.py): no false accepts, and the stated false rejects."""

from __future__ import annotations

from collections import Counter

from flashcards.answers import Status, judge_answer

try:
    from answer_eval import CASES, Case
except ImportError:  # tests/ imported as a package
    from tests.answer_eval import CASES, Case

#: Accept cases the checker rejects, each with the reason; docs/answers.md reports them.
KNOWN_FALSE_REJECTS = {
    # Implicit products bind tighter than "/": 1/(A) e^B reads as 1/(A·e^B), as shown.
    (
        r"-\frac{1}{2}\log(2\pi\sigma^2) - \frac{(x-\mu)^2}{2\sigma^2}",
        "log(1/(sigma sqrt(2pi)) e^(-(x-mu)^2/(2sigma^2)))",
    ),
}

_OUTCOME = {Status.CORRECT: "accept", Status.WRONG_FORM: "form"}


def outcome(case: Case) -> str:
    return _OUTCOME.get(judge_answer(case.expected, case.given, **case.options).status, "reject")


def test_the_set_is_large_and_mostly_near_misses() -> None:
    counts = Counter(case.verdict for case in CASES)
    assert len(CASES) >= 200
    assert (counts["reject"] + counts["form"]) / len(CASES) >= 0.4
    topics = {case.topic for case in CASES}
    assert {"algebra", "derivatives", "antiderivatives", "probability/ML"} <= topics


def test_no_false_accepts_and_only_the_known_false_rejects() -> None:
    false_accepts, false_rejects, form_mixups = [], set(), []
    for case in CASES:
        got = outcome(case)
        if got == case.verdict:
            continue
        if got == "accept":
            false_accepts.append(case)
        elif case.verdict == "accept":
            false_rejects.add((case.expected, case.given))
        else:
            form_mixups.append(case)
    assert false_accepts == []
    assert form_mixups == []
    assert false_rejects == KNOWN_FALSE_REJECTS
