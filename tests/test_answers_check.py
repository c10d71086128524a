"""Checking answers: equivalence, modes, forms, tolerances, assumptions, the worker, the CLI.

Most tests call `judge_answer` (the same checking, in this process); the worker path has its
own tests and shares one warm worker.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from hypothesis import given as hgiven
from hypothesis import settings
from hypothesis import strategies as st
from mpmath import mpf

from flashcards.answers import (
    Status,
    Verdict,
    check_answer,
    judge_answer,
    read_answer,
    validate_expected,
)
from flashcards.answers.spec import parse_assumption
from flashcards.answers.worker import WORKER
from flashcards.cards import MathSpec
from flashcards.cli import main

SIG = ["sigma(x) = 1/(1+e^(-x))"]


def status(expected: str, given: str, **options) -> Status:
    return judge_answer(expected, given, **options).status


def accepted(expected: str, given: str, **options) -> bool:
    return judge_answer(expected, given, **options).accepted


def test_two_x_written_three_ways_agree() -> None:
    for given in ("2x", "x*2", "x+x", "2 x", "x·2"):
        assert accepted("2x", given), given
    assert not accepted("2x", "x^2")
    assert not accepted("2x", "2x + 1")


def test_verdict_shows_how_the_answer_was_read() -> None:
    verdict = judge_answer(r"\frac{1}{2x}", "1/2x")
    assert verdict == Verdict(True, Status.CORRECT, "Correct.", "1/(2·x)", None, None)
    assert not accepted("x/2", "1/2x")


def test_defined_functions_reach_both_sides() -> None:
    assert accepted(r"1 - \sigma(x)", "sigma(-x)", definitions=SIG)
    assert accepted(r"1 - \sigma(x)", "1 - 1/(1 + e^(-x))", definitions=SIG)
    assert not accepted(r"1 - \sigma(x)", "sigma(x)", definitions=SIG)
    assert accepted("c x", "3x", definitions=["c = 3"])


def test_identities_sympy_cannot_simplify_are_confirmed_numerically() -> None:
    assert accepted(r"\tanh(x)", "2 sigma(2x) - 1", definitions=SIG)
    assert accepted(r"\log(e^a + e^b)", "a + log(1 + e^(b - a))")
    assert accepted(r"\arcsin x + \arccos x", "pi/2")


def test_a_defined_functions_body_sees_the_cards_variables_not_its_callers_parameters() -> None:
    # g's x is the card's variable x, whatever f names its own parameter.
    defs = ["g(t) = t + x", "f(x) = g(2)"]
    assert accepted("f(5)", "2 + x", definitions=defs)
    assert not accepted("f(5)", "7", definitions=defs)


def test_a_definitions_body_is_evaluated_with_the_cards_variables() -> None:
    from flashcards.answers.grammar import make_context, parse
    from flashcards.answers.numeric import Evaluator
    from flashcards.answers.spec import parse_definitions

    defs, functions = parse_definitions(["c = 2x", "g(t) = t + x", "f(x) = g(2) + c"])
    evaluate = Evaluator(defs).value
    ctx = make_context(("c",), functions)
    assert evaluate(parse("c", ctx), {"x": mpf(3)}) == 6
    assert evaluate(parse("f(5)", ctx), {"x": mpf(3)}) == 11


def test_undefined_where_the_expected_answer_is_defined_is_wrong() -> None:
    assert not accepted("x", "sqrt(x^2)")
    assert accepted("|x|", "sqrt(x^2)")
    assert not accepted(r"\log(x^2)", "2 log(x)")
    assert accepted(r"\log(x^2)", "2 log(x)", assumptions=["x > 0"])
    verdict = judge_answer("x", "sqrt(x)^2")
    assert "has no value" in verdict.feedback


def test_an_isolated_removable_hole_is_tolerated() -> None:
    assert accepted("x + 1", "(x^2 - 1)/(x - 1)")
    assert accepted(r"\frac{\sin x}{x}", "sin(x)/x")
    assert accepted(r"\frac{x^2 - 4}{x - 2}", "x + 2")


def test_nan_zoo_and_division_by_zero_never_equal_anything() -> None:
    assert not accepted("1", "1/0")
    assert not accepted("1/0", "1/0")
    assert not accepted("x", "x + 0/0")
    assert not accepted("0", "0/0")
    assert not accepted("oo", "1/0")
    assert accepted("oo", "∞")


def test_assumptions_change_the_domain() -> None:
    assert not accepted("x", "|x|")
    assert accepted("x", "|x|", assumptions=["x > 0"])
    assert accepted("x", "|x|", assumptions=["x positive"])
    assert accepted("1", "(-1)^(2n)", assumptions=["n integer"])
    assert not accepted("1", "(-1)^(2n)")
    assert accepted("n", "n!/(n-1)!", assumptions=["n positive integer"])
    assert accepted("p", "sqrt(p^2)", assumptions=["p in (0, 1)"])
    assert accepted(r"\log p + \log(1-p)", "log(p - p^2)", assumptions=["0 < p < 1"])
    assert accepted(r"\sigma", "sqrt(sigma^2)", assumptions=[r"\sigma > 0"])


@pytest.mark.parametrize(
    ("text", "name", "low", "high", "integer"),
    [
        ("x > 0", "x", 0, None, False),
        ("1 < x", "x", 1, None, False),
        ("n positive integer", "n", 0, None, True),
        ("p in (0, 1)", "p", 0, 1, False),
        (r"0 \le p \le 1", "p", 0, 1, False),
        (r"\sigma_1 > 0", "sigma_1", 0, None, False),
        ("sigma1 >= 0", "sigma_1", 0, None, False),
        ("k integer", "k", None, None, True),
    ],
)
def test_assumptions_are_read(text: str, name: str, low, high, integer: bool) -> None:
    (a,) = parse_assumption(text)
    assert (a.name, a.low, a.high, a.integer) == (name, low, high, integer)


def test_a_decimal_comma_gets_a_word() -> None:
    verdict = judge_answer("0.5", "0,5")
    assert verdict.status is Status.WRONG
    assert "decimals with a point" in verdict.feedback


@pytest.mark.parametrize(
    ("expected", "typed"),
    [
        ("38597376", "38,597,376"),
        ("1024", "1,024"),
        ("-1024.5", "-1,024.5"),
        ("-1024.5", "−1,024.5"),
        ("1000000", " +1,000,000 "),
        ("2^20", "1,048,576"),
    ],
)
def test_a_number_with_thousands_separators_is_one_number_when_one_answer_is_expected(
    expected: str, typed: str
) -> None:
    verdict = judge_answer(expected, typed)
    assert verdict.status is Status.CORRECT, verdict.feedback
    assert "," not in verdict.reading


@pytest.mark.parametrize(
    ("expected", "typed", "options"),
    [
        # Not groups of exactly three digits, or not the whole answer: still a list.
        ("12", "1,2", {}),
        ("124", "1,24", {}),
        ("12345", "12,345x", {}),
        ("10245", "1,0245", {}),
        # A leading zero group is not thousands: 0,500 is a decimal comma.
        ("500", "0,500", {}),
        ("1024", "(1,024)", {}),
        # A card that expects several values keeps commas as separators.
        ("1024", "1,024", {"mode": "set"}),
    ],
)
def test_commas_that_are_not_thousands_separators_keep_their_meaning(
    expected: str, typed: str, options: dict
) -> None:
    assert judge_answer(expected, typed, **options).status is not Status.CORRECT


def test_a_list_answer_still_reads_three_digit_groups_as_items() -> None:
    assert accepted("1, 24", "1,024", mode="list")
    assert accepted("1, 24, 512", "1,024,512", mode="set")


def test_a_decimal_comma_after_zero_still_gets_a_word() -> None:
    verdict = judge_answer("0.5", "0,500")
    assert "decimals with a point" in verdict.feedback


def test_the_live_reading_drops_thousands_separators_under_a_one_answer_card() -> None:
    assert read_answer("38,597,376").pretty == "38597376"
    assert read_answer("1,024", mode="set").pretty != "1024"


def test_tolerances() -> None:
    assert not accepted("1/3", "0.333")
    assert accepted("1/3", "0.333", rel_tol=0.01)
    assert not accepted("1/3", "0.3", rel_tol=0.01)
    assert accepted(r"\pi", "3.14", abs_tol=0.01)
    assert not accepted(r"\pi", "3.14", abs_tol=0.001)
    assert accepted("x/3", "0.333x", rel_tol=0.01)
    assert not accepted("x/3", "0.333x")
    assert accepted("0.5", "1/2")
    assert accepted("1e-3", "0.001")


def test_equation_mode_compares_solution_sets() -> None:
    for given in ("x = 2", "2 = x", "2x = 4", "x - 2 = 0"):
        assert accepted("x = 2", given, mode="equation"), given
    assert accepted("x^2 = 4", "|x| = 2", mode="equation")
    assert accepted("e^x = 1", "x = 0", mode="equation")
    assert not accepted("x^2 = 4", "x = 2", mode="equation")
    assert not accepted("x = 2", "2", mode="equation")


def test_an_expression_never_equals_an_equation() -> None:
    verdict = judge_answer("2", "x = 2")
    assert verdict.status is Status.WRONG
    assert "not an equation" in verdict.feedback
    assert not accepted("2x", "y = 2x")


def test_antiderivative_mode_ignores_the_constant() -> None:
    a = {"mode": "antiderivative"}
    for given in ("x^3/3", "x^3/3 + C", "x^3/3 + 5", "(x^3 + 1)/3"):
        assert accepted("x^3/3", given, **a), given
    assert not accepted("x^3/3", "x^3", **a)
    assert accepted(r"\ln|x|", "ln|2x| + C", **a)
    assert not accepted(r"\ln|x|", "ln(x)", **a)
    assert not accepted("x^3/3", "x^3/3 + C")  # only antiderivatives ignore C


def test_set_and_list_modes() -> None:
    assert accepted("2, -2", "-2, 2", mode="set")
    assert accepted(r"\{1, 2\}", "{2, 1}", mode="set")
    assert not accepted("1, 2", "2, 1", mode="list")
    assert accepted("1, 2", "1, 2", mode="list")
    assert not accepted("2, -2", "2, 2", mode="set")
    verdict = judge_answer("2, -2", "2", mode="set")
    assert "2 answer(s) expected, 1 given" in verdict.feedback
    assert not accepted("2", "2, -2")


@pytest.mark.parametrize(
    ("expected", "given", "form", "want"),
    [
        ("(x-1)(x+1)", "(x+1)(x-1)", "factored", Status.CORRECT),
        ("(x-1)(x+1)", "x^2 - 1", "factored", Status.WRONG_FORM),
        ("2(x+1)", "2x + 2", "factored", Status.WRONG_FORM),
        ("x^2 + 2x + 1", "(x+1)^2", "expanded", Status.WRONG_FORM),
        ("x^2 + 2x + 1", "1 + 2x + x^2", "expanded", Status.CORRECT),
        ("2x", "x + x", "simplified", Status.WRONG_FORM),
        ("2x", "x*2", "simplified", Status.CORRECT),
        ("1/2", "2/4", "simplified", Status.WRONG_FORM),
        ("x + 1", "(x^2-1)/(x-1)", "simplified", Status.WRONG_FORM),
        ("(x-1)(x+1)", "(x-1)^2", "factored", Status.WRONG),
    ],
)
def test_required_forms(expected: str, given: str, form: str, want: Status) -> None:
    verdict = judge_answer(expected, given, form=form)
    assert verdict.status is want
    if want is Status.WRONG_FORM:
        assert verdict.feedback.startswith("Right value, not in the required form")
        assert not verdict.accepted


def test_macros_are_expanded_in_the_expected_answer() -> None:
    macros = {"\\half": "\\frac{1}{2}", "\\sq": "#1^2"}
    assert judge_answer(r"\half x", "x/2", macros=macros).accepted
    assert judge_answer(r"\sq{x}", "x*x", macros=macros).accepted


def test_unreadable_answers_give_the_position() -> None:
    verdict = judge_answer("x", "2x + )")
    assert verdict.status is Status.UNREADABLE
    assert verdict.error_position == 5
    assert verdict.reading == ""
    assert "cannot read" in verdict.feedback


def test_a_card_problem_is_not_blamed_on_the_learner() -> None:
    verdict = judge_answer("x +", "x")
    assert verdict.status is Status.UNREADABLE
    assert verdict.feedback.startswith("This card's answer cannot be checked")


def test_validate_expected_uses_the_grammar_only() -> None:
    assert validate_expected(r"1 - \sigma(x)", definitions=SIG) is None
    assert validate_expected("x = 2", mode="equation") is None
    assert "cannot be read" in validate_expected("x +")
    assert "unknown mode" in validate_expected("x", mode="integral")
    assert "unknown form" in validate_expected("x", form="pretty")
    assert "equation" in validate_expected("x", mode="equation")
    assert "definition" in validate_expected("f(x)", definitions=["f(x) ="])
    assert "assumption" in validate_expected("x", assumptions=["x is nice"])
    assert "rel_tol" in validate_expected("x", rel_tol=-1)
    spec = MathSpec("k/n", assumptions=("n positive integer",))
    assert validate_expected(spec.expected, **spec.options()) is None


# --------------------------------------------------------------------------------------------
# The worker process


@pytest.fixture(scope="module")
def worker():
    assert WORKER.ensure()
    yield WORKER


def test_the_worker_gives_the_same_verdicts(worker) -> None:
    cases = [
        ("2x", "x+x", {}),
        (r"1 - \sigma(x)", "sigma(-x)", {"definitions": SIG}),
        (r"2x\cos(x^2)", "cos(x^2)", {}),
        ("(x-1)(x+1)", "x^2-1", {"form": "factored"}),
        ("x", "2x+)", {}),
    ]
    for expected, given, options in cases:
        assert check_answer(expected, given, **options) == judge_answer(expected, given, **options)


def test_a_check_that_takes_too_long_is_killed_and_the_worker_comes_back(worker) -> None:
    # No real x makes sqrt(-1 - x^2) defined, so sympy must simplify: about a second of work.
    slow = ("sqrt(-1-x^2) (x+1)^300", "sqrt(-1-x^2) (x-1)^300")
    verdict = check_answer(*slow, timeout=0.1)
    assert verdict.status is Status.TIMEOUT
    assert not verdict.accepted
    assert "too long" in verdict.feedback
    assert verdict.reading == "sqrt(-1 - x^2)·(x - 1)^300"
    assert check_answer("x^2 + 1", "(x+1)^2 - 2x").status is Status.CORRECT


def test_checks_from_several_threads_share_the_worker(worker) -> None:
    from concurrent.futures import ThreadPoolExecutor

    cases = [("2x", "x+x"), ("x^2", "x*x"), ("2x", "x^2"), (r"\sin(2x)", "2sin(x)cos(x)")] * 3
    with ThreadPoolExecutor(4) as pool:
        verdicts = list(pool.map(lambda c: check_answer(*c), cases))
    assert [v.accepted for v in verdicts] == [True, True, False, True] * 3


def test_a_worker_that_cannot_start_gives_no_verdict(monkeypatch: pytest.MonkeyPatch) -> None:
    from flashcards.answers import worker as worker_module

    broken = worker_module.Worker()
    monkeypatch.setattr(broken, "_start", lambda: False)
    monkeypatch.setattr(worker_module, "WORKER", broken)
    verdict = check_answer("2x", "x + x")
    assert verdict.status is Status.TIMEOUT
    assert "could not start" in verdict.feedback
    assert verdict.reading == "x + x"


def test_a_process_start_that_raises_gives_no_verdict(monkeypatch: pytest.MonkeyPatch) -> None:
    from flashcards.answers import worker as worker_module

    def refuse() -> None:
        raise ValueError("bad value(s) in fds_to_keep")

    monkeypatch.setattr(worker_module, "_start_resource_tracker", refuse)
    monkeypatch.setattr(worker_module, "WORKER", worker_module.Worker())
    verdict = check_answer("2x", "x + x")
    assert verdict.status is Status.TIMEOUT
    assert "could not start" in verdict.feedback


def test_the_worker_starts_when_stderr_has_no_file_descriptor() -> None:
    # As inside a Textual app, whose captured stderr answers fileno() with -1; a fresh
    # process, so multiprocessing's resource tracker is not running yet.
    code = (
        "import io, sys\n"
        "class Captured(io.StringIO):\n"
        "    def fileno(self): return -1\n"
        "sys.stderr = Captured()\n"
        "from flashcards.answers import check_answer\n"
        "print(check_answer('2x', 'x + x').status.name)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["CORRECT"]


def test_warm_up_starts_the_worker_in_the_background() -> None:
    from flashcards.answers import warm_up

    warm_up()
    assert WORKER.ensure()
    assert WORKER.alive


@pytest.mark.parametrize(
    ("error", "feedback"),
    [
        (ZeroDivisionError, "Could not be checked (ZeroDivisionError); grade yourself."),
        (MemoryError, "Too large to check; try a simpler form."),
    ],
)
def test_a_failure_of_the_cas_gives_no_verdict(
    monkeypatch: pytest.MonkeyPatch, error: type[BaseException], feedback: str
) -> None:
    from flashcards.answers import equivalence

    def fail(job) -> None:
        raise error()

    monkeypatch.setattr(equivalence, "judge", fail)
    verdict = judge_answer("2x", "x + x")
    assert (verdict.status, verdict.feedback, verdict.reading) == (
        Status.TIMEOUT,
        feedback,
        "x + x",
    )


def test_a_timeout_that_is_no_positive_number_means_the_default(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from flashcards.answers import worker as worker_module

    waited: list[float] = []

    class Slow(worker_module.Worker):
        def run(self, job, timeout: float):
            waited.append(timeout)
            return None

    monkeypatch.setattr(worker_module, "WORKER", Slow())
    for timeout in (0, -1.0, float("nan"), float("inf")):
        verdict = check_answer("2x", "x + x", timeout=timeout)
        assert verdict.status is Status.TIMEOUT
        assert "over 2 s" in verdict.feedback
    assert waited == [2.0] * 4


def test_an_infinite_timeout_still_gives_a_verdict(worker) -> None:
    assert check_answer("2x", "x + x", timeout=float("inf")).status is Status.CORRECT


# --------------------------------------------------------------------------------------------
# The command line


def test_cli_exit_status_and_output(capsys: pytest.CaptureFixture[str], worker) -> None:
    assert main(["answer", r"1 - \sigma(x)", "sigma(-x)", "--define", SIG[0]]) == 0
    out = capsys.readouterr().out
    assert "read as: σ(-x)" in out and "correct" in out
    assert main(["answer", r"2x\cos(x^2)", "cos(x^2)"]) == 1
    assert "hint: Check the chain rule" in capsys.readouterr().out
    assert main(["answer", "x", "2x+)"]) == 2
    assert "cannot read" in capsys.readouterr().out
    assert main(["answer", "x", "|x|", "--assume", "x > 0", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["status"] == "correct" and data["reading"] == "|x|"
    assert main(["answer", "1/3", "0.33", "--rel-tol", "0.05"]) == 0
    assert main(["answer", "x = 2", "2x = 4", "--mode", "equation"]) == 0
    assert main(["answer", "x^2-1", "(x-1)(x+1)", "--form", "expanded"]) == 1
    capsys.readouterr()


def test_cli_takes_answers_that_start_with_a_minus(capsys: pytest.CaptureFixture[str], worker):
    assert main(["answer", "-1000*log(10)", "-1000*ln(10)"]) == 0
    assert main(["answer", "-x^2", "-x*x", "--json"]) == 0
    assert json.loads(capsys.readouterr().out.splitlines()[-1])["reading"] == "-x·x"
    assert main(["answer", "-x", "x"]) == 1


@pytest.mark.parametrize("timeout", ["0", "-1", "inf", "nan", "soon"])
def test_cli_rejects_a_timeout_that_is_no_positive_number(
    capsys: pytest.CaptureFixture[str], timeout: str
) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["answer", "x", "x", "--timeout", timeout])
    assert exited.value.code == 2
    assert "--timeout" in capsys.readouterr().err


# --------------------------------------------------------------------------------------------
# Arbitrary input

_TOKENS = [
    "x", "y", "2", "0.5", "+", "-", "*", "/", "^", "(", ")", "sin", "|", "!", "e", "pi", "σ",
    "·", "²", " ", r"\frac{", "}", "{", ",", "=", "sqrt", "ln", "x_1", "log", "exp", "n", "0",
]  # fmt: skip
_MODES = [
    ("x^2 + 1", {}),
    ("x = 2", {"mode": "equation"}),
    ("x", {"mode": "antiderivative"}),
    ("1, 2", {"mode": "set"}),
    ("x + 1", {"form": "factored"}),
    ("2x", {"form": "simplified"}),
]


@settings(max_examples=150, deadline=None)
@hgiven(
    st.one_of(st.text(max_size=40), st.lists(st.sampled_from(_TOKENS), max_size=12).map("".join)),
    st.sampled_from(_MODES),
)
def test_any_text_gets_a_verdict_and_never_an_exception(text: str, mode: tuple) -> None:
    expected, options = mode
    verdict = judge_answer(expected, text, **options)
    assert isinstance(verdict.status, Status)
    assert verdict.accepted == (verdict.status is Status.CORRECT)
    if verdict.status is Status.UNREADABLE:
        assert verdict.feedback.startswith("cannot read: ")
    else:
        assert verdict.reading
