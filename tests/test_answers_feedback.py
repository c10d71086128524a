"""Hints for common slips come from general tests, and unrelated wrong answers get none."""

from __future__ import annotations

import pytest

from flashcards.answers import Status, judge_answer
from flashcards.answers.feedback import CLOSE, LOG_PRODUCT, LOG_SUM, SIGN

SIG = {"definitions": ["sigma(x) = 1/(1+e^(-x))"]}
POS = {"assumptions": ["x > 0", "y > 0"]}
S = {"assumptions": ["sigma > 0"]}


def hint(expected: str, given: str, **options) -> str | None:
    verdict = judge_answer(expected, given, **options)
    assert verdict.status is Status.WRONG, verdict
    return verdict.hint


SIGN_SLIPS = [
    (r"-\sin x", "sin x", {}),
    (r"\frac{x-\mu}{\sigma^2}", "(mu-x)/sigma^2", S),
    (r"-\frac{1}{x^2}", "1/x^2", {}),
    (r"\sigma(z) - y", "y - sigma(z)", SIG),
    ("x - 1", "1 - x", {}),
    ("e^{-x}", "-e^(-x)", {}),
    ("2", "-2", {}),
]


@pytest.mark.parametrize(("expected", "given", "options"), SIGN_SLIPS)
def test_a_flipped_sign_is_named(expected: str, given: str, options: dict) -> None:
    assert hint(expected, given, **options) == SIGN


FACTOR_SLIPS = [
    ("3x^2", "x^2", {}, "1/3"),
    (r"\frac{x^2}{2}", "x^2", {}, "2"),
    (r"2\sin x \cos x", "sin x cos x", {}, "1/2"),
    (r"\frac{1}{2\sqrt x}", "1/sqrt(x)", {"assumptions": ["x > 0"]}, "2"),
    (r"\pi r^2", "2 pi r^2", {}, "2"),
    (r"\frac{(b-a)^2}{12}", "(b-a)^2/6", {}, "2"),
]


@pytest.mark.parametrize(("expected", "given", "options", "ratio"), FACTOR_SLIPS)
def test_a_constant_factor_is_named(expected: str, given: str, options: dict, ratio: str) -> None:
    text = hint(expected, given, **options)
    assert text is not None and text.startswith("Off by a constant factor")
    assert f"{ratio} times" in text


CONSTANT_SLIPS = [
    ("x^2+1", "x^2", {}),
    (r"\sin x + 2", "sin x", {}),
    (
        r"-\frac{1}{2}\log(2\pi\sigma^2) - \frac{(x-\mu)^2}{2\sigma^2}",
        "-log(sigma) - (x-mu)^2/(2sigma^2)",
        S,
    ),
    (r"\frac{\sigma^2 + \mu^2}{2} - \frac{1}{2}", "(sigma^2 + mu^2)/2", {}),
    ("e^x - 1", "e^x", {}),
    (r"\log(2x)", "log(x)", {"assumptions": ["x > 0"]}),
]


@pytest.mark.parametrize(("expected", "given", "options"), CONSTANT_SLIPS)
def test_a_constant_difference_is_named(expected: str, given: str, options: dict) -> None:
    text = hint(expected, given, **options)
    assert text is not None and text.startswith("Off by a constant:")


CHAIN_SLIPS = [
    (r"2x\cos(x^2)", "cos(x^2)", {}, "x^2"),
    (r"3\cos(3x)", "cos(3x)", {}, "3·x"),
    ("-2xe^{-x^2}", "e^(-x^2)", {}, "-x^2"),
    (r"\frac{2x}{x^2+1}", "1/(x^2+1)", {}, "x^2 + 1"),
    ("6(2x+1)^2", "3(2x+1)^2", {}, "2·x + 1"),
    (r"\frac{\cos\sqrt{x}}{2\sqrt{x}}", "cos(sqrt(x))", {"assumptions": ["x > 0"]}, "sqrt(x)"),
    (r"e^{\sin x}\cos x", "e^(sin x)", {}, "sin(x)"),
]


@pytest.mark.parametrize(("expected", "given", "options", "inner"), CHAIN_SLIPS)
def test_a_missing_inner_derivative_is_named(
    expected: str, given: str, options: dict, inner: str
) -> None:
    text = hint(expected, given, **options)
    assert text is not None and text.startswith("Check the chain rule")
    assert f"inner part {inner} " in text


LOG_SLIPS = [
    (r"\log(1+x)", "log(1) + log(x)", {"assumptions": ["x > 0"]}, LOG_SUM),
    (r"\log(x+y)", "log(x)+log(y)", POS, LOG_SUM),
    (r"\log(e^a+e^b)", "a + b", {}, LOG_SUM),
    (r"z_1 - \log(e^{z_1}+e^{z_2})", "z_1 - log(e^(z_1)) - log(e^(z_2))", {}, LOG_SUM),
    (r"\log(x^2+1)", "2log(x) + log(1)", {"assumptions": ["x > 0"]}, LOG_SUM),
    (r"\log(x - y)", "log(x) - log(y)", {"assumptions": ["x > 2", "y in (0, 1)"]}, LOG_SUM),
    (r"\log(xy)", "log(x)log(y)", POS, LOG_PRODUCT),
]


@pytest.mark.parametrize(("expected", "given", "options", "message"), LOG_SLIPS)
def test_a_split_log_of_a_sum_is_named(
    expected: str, given: str, options: dict, message: str
) -> None:
    assert hint(expected, given, **options) == message


UNRELATED = [
    ("x^2", "x^3", {}),
    (r"\sin x", "cos x", {}),
    ("e^x", "x e^x", {}),
    (r"\log x", "1/x", {"assumptions": ["x > 0"]}),
    ("x+1", "x^2+1", {}),
    (r"\sqrt x", "x^2", {"assumptions": ["x > 0"]}),
    (r"\tan x", "sin x", {}),
    (r"\frac{1}{x}", "log x", {"assumptions": ["x > 0"]}),
    ("x^2 y", "x y^2", {}),
    (r"\sigma(x)", "tanh(x)", SIG),
    ("a+b", "ab", {}),
    (r"\cos(2x)", "cos(x)^2", {}),
    ("e^{-x^2}", "e^(-x)", {}),
    (r"\frac{k}{n}", "n/k", {}),
    ("p(1-p)", "p(1+p)", {}),
    ("x^3 - x", "x^2 - 1", {}),
    (r"\sin(x^2)", "sin(x)^2", {}),
    (r"\arctan x", "1/(1+x^2)", {}),
    ("2^x", "x^2", {}),
    (r"\log(1+x)", "x", {"assumptions": ["x > 0"]}),
    (r"\cosh x", "e^x", {}),
    ("n!", "n^n", {"assumptions": ["n positive integer"]}),
    ("5", "7", {}),
]


@pytest.mark.parametrize(("expected", "given", "options"), UNRELATED)
def test_unrelated_wrong_answers_get_no_hint(expected: str, given: str, options: dict) -> None:
    assert hint(expected, given, **options) is None


def test_there_are_enough_cases_per_slip() -> None:
    for cases in (SIGN_SLIPS, FACTOR_SLIPS, CONSTANT_SLIPS, CHAIN_SLIPS, LOG_SLIPS):
        assert len(cases) >= 5
    assert len(UNRELATED) >= 20


@pytest.mark.parametrize(
    ("expected", "given"),
    [
        ("e^x", "2.718281828^x"),
        ("1/3", "0.3333333"),
        (r"\pi x", "3.1415927x"),
        ("x/7", "0.1428571x"),
    ],
)
def test_a_rounded_number_is_named(expected: str, given: str) -> None:
    assert hint(expected, given) == CLOSE


def test_a_variable_the_question_does_not_use_is_named() -> None:
    assert hint("2x", "2y") == "The expected answer does not use y."
