"""Mends of the math answer checker: significant figures, the constant of integration,
expanded form, products of powers, full-width digits, sigmoid and softplus."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, localcontext
from fractions import Fraction
from pathlib import Path

import pytest
from hypothesis import given as hgiven
from hypothesis import settings
from hypothesis import strategies as st

from flashcards.answers import Status, judge_answer, read, read_answer, validate_expected
from flashcards.answers.worker import WORKER
from flashcards.cli import main
from flashcards.parsing import parse_deck


def status(expected: str, given: str, **options) -> Status:
    return judge_answer(expected, given, **options).status


def accepted(expected: str, given: str, **options) -> bool:
    return judge_answer(expected, given, **options).accepted


@pytest.fixture(scope="module")
def worker():
    assert WORKER.ensure()
    yield WORKER


# --------------------------------------------------------------------------------------------
# Significant figures


@pytest.mark.parametrize(
    ("expected", "given", "figures"),
    [
        ("pi", "3.14", 3),
        ("pi", "3.1416", 5),
        ("e", "2.718", 4),
        (r"\sqrt{2}", "1.41", 3),
        ("1/3", "0.333", 3),
        ("-1/3", "-0.3333", 4),
        ("2/3", "0.667", 3),  # rounds up
        ("123456", "123000", 3),
        ("123456", "1.23e5", 3),
        ("0.000123456", "0.000123", 3),
        ("pi", "3.14159", 3),  # value-based: more digits, rounding to the same
    ],
)
def test_a_number_agreeing_to_the_significant_figures_is_accepted(
    expected: str, given: str, figures: int
) -> None:
    assert accepted(expected, given, sig_figs=figures)


@pytest.mark.parametrize(
    ("expected", "given", "figures"),
    [
        ("pi", "3.1", 3),  # 3.10 at 3 s.f., not 3.14
        ("pi", "3.15", 3),
        ("pi", "3.14", 4),  # 3.140 is not 3.142
        ("e", "2.71", 3),  # e is 2.72 at 3 s.f.
        ("2/3", "0.666", 3),  # truncated, not rounded
        ("123456", "124000", 3),
        ("1/3", "-0.333", 3),
    ],
)
def test_a_number_disagreeing_at_the_significant_figures_is_rejected(
    expected: str, given: str, figures: int
) -> None:
    assert not accepted(expected, given, sig_figs=figures)


def test_without_significant_figures_a_rounded_number_is_still_wrong() -> None:
    assert not accepted("pi", "3.14")
    verdict = judge_answer("pi", "3.1", sig_figs=3)
    assert verdict.status is Status.WRONG
    assert "3 significant figures" in verdict.feedback


@pytest.mark.parametrize("figures", [0, -1, 16, 2.5, "3", True])
def test_significant_figures_must_be_a_whole_number_from_1_to_15(figures) -> None:
    verdict = judge_answer("pi", "3.14", sig_figs=figures)
    assert verdict.status is Status.UNREADABLE
    assert "sig_figs" in verdict.feedback


def test_significant_figures_and_a_tolerance_do_not_go_together() -> None:
    problem = validate_expected("pi", sig_figs=3, rel_tol=0.01)
    assert problem is not None and "sig_figs" in problem


def test_a_deck_answer_block_takes_sig_figs(tmp_path: Path) -> None:
    text = "## Give pi to 3 s.f.\n\n```answer\nexpected: \\pi\nsig_figs: 3\n```\n"
    deck, problems = parse_deck(text, tmp_path / "d.md")
    assert problems == []
    spec = deck.notes[0].math
    assert spec is not None and spec.sig_figs == 3
    assert judge_answer(spec.expected, "3.14", **spec.options()).accepted
    assert not judge_answer(spec.expected, "3.1", **spec.options()).accepted


@pytest.mark.parametrize("value", ["three", "0", "2.5", "40"])
def test_a_bad_sig_figs_in_a_deck_is_a_problem_at_its_block(tmp_path: Path, value: str) -> None:
    text = f"## Give pi\n\n```answer\nexpected: \\pi\nsig_figs: {value}\n```\n"
    _deck, problems = parse_deck(text, tmp_path / "d.md")
    assert [p.line for p in problems] == [3]
    assert "sig_figs" in problems[0].message


def test_sig_figs_with_a_tolerance_in_a_deck_is_a_problem(tmp_path: Path) -> None:
    text = "## Give pi\n\n```answer\nexpected: \\pi\nsig_figs: 3\nrel_tol: 0.1\n```\n"
    deck, problems = parse_deck(text, tmp_path / "d.md")
    assert [(p.line, "give one or the other" in p.message) for p in problems] == [(3, True)]
    assert deck.notes == ()


def test_the_answer_command_takes_sig_figs(capsys: pytest.CaptureFixture[str], worker) -> None:
    assert main(["answer", "pi", "3.14", "--sig-figs", "3"]) == 0
    assert main(["answer", "pi", "3.1", "--sig-figs", "3"]) == 1
    assert main(["answer", "e", "2.718", "--sig-figs", "4"]) == 0
    capsys.readouterr()


# --------------------------------------------------------------------------------------------
# The constant of integration

A = {"mode": "antiderivative"}
ANY = {"mode": "any_antiderivative"}


@pytest.mark.parametrize(
    "given",
    [
        "x^2 + C",
        "C + x^2",
        "x^2 + K",
        "x^2 + c",
        "x^2 - C",
        "x^2 + 2C",
        "(x^2 + 1) + C",
        "x^2 + C_1",
    ],
)
def test_an_expected_plus_c_accepts_one_arbitrary_constant(given: str) -> None:
    assert accepted("x^2 + C", given, **A)


@pytest.mark.parametrize("given", ["x^2", "x^2 + 5", "x^2 - 1/2", "(x^2 + 1)", "x^2 + C - C"])
def test_an_expected_plus_c_refuses_a_missing_constant_with_a_hint(given: str) -> None:
    verdict = judge_answer("x^2 + C", given, **A)
    assert verdict.status is Status.WRONG
    assert "add the constant of integration" in (verdict.hint or "").lower()


def test_an_expected_plus_c_refuses_what_is_no_antiderivative() -> None:
    for given in ("x^3 + C", "2x + C", "x^2 + C x", "x^2 C"):
        verdict = judge_answer("x^2 + C", given, **A)
        assert verdict.status is Status.WRONG, given
        assert "constant of integration" not in (verdict.hint or ""), given


def test_an_expected_plus_c_refuses_two_constants() -> None:
    verdict = judge_answer("x^2 + C", "x^2 + C + K", **A)
    assert verdict.status is Status.WRONG
    assert "one arbitrary constant" in verdict.feedback


def test_the_constant_may_be_in_latex_or_after_a_log() -> None:
    assert accepted(r"\ln|x| + C", "ln|2x| + C", **A)
    assert accepted(r"-\cos x + C", "C - cos(x)", **A)
    assert not accepted(r"\ln|x| + C", "ln|x|", **A)


def test_a_subscripted_constant_in_the_expected_answer_is_required_too() -> None:
    assert accepted("x^2 + C_1", "x^2 + C", **A)
    assert "constant of integration" in (judge_answer("x^2 + C_1", "x^2", **A).hint or "")
    assert accepted("x^2 + C_1", "x^2 + 4", **ANY)


def test_without_plus_c_the_constant_stays_optional() -> None:
    for given in ("x^3/3", "x^3/3 + C", "x^3/3 + 5"):
        assert accepted("x^3/3", given, **A), given


@pytest.mark.parametrize("given", ["x^2", "x^2 + 5", "x^2 + C", "x^2 + K"])
def test_any_antiderivative_mode_takes_any_constant_or_none(given: str) -> None:
    assert accepted("x^2 + C", given, **ANY)
    assert accepted("x^2", given, **ANY)


def test_any_antiderivative_mode_still_refuses_a_wrong_function() -> None:
    assert not accepted("x^2 + C", "x^3 + C", **ANY)
    assert not accepted(r"\ln|x|", "ln(x)", **ANY)


def test_a_deck_and_the_command_know_both_modes(tmp_path: Path, capsys, worker) -> None:
    for mode in ("antiderivative", "any_antiderivative"):
        text = f"## Integrate 2x\n\n```answer\nexpected: x^2 + C\nmode: {mode}\n```\n"
        deck, problems = parse_deck(text, tmp_path / "d.md")
        assert problems == [] and deck.notes[0].math.mode == mode
    assert main(["answer", "x^2 + C", "x^2", "--mode", "antiderivative"]) == 1
    assert "add the constant of integration" in capsys.readouterr().out.lower()
    assert main(["answer", "x^2 + C", "x^2", "--mode", "any_antiderivative"]) == 0
    capsys.readouterr()


# --------------------------------------------------------------------------------------------
# Expanded form


@pytest.mark.parametrize(
    ("given", "terms"),
    [
        ("x^2 + x + x + 1", "x"),
        ("x^2 + 2x - x + x + 1", "x"),
        ("x^2 + x + 1 + x", "x"),
        ("x*x + x^2 - x^2 + 2x + 1", "x^2"),
        ("x^2 + 2x + 1 + 0.5 + 0.5 - 1", ""),
    ],
)
def test_expanded_form_requires_like_terms_collected(given: str, terms: str) -> None:
    verdict = judge_answer("x^2 + 2x + 1", given, form="expanded")
    assert verdict.status is Status.WRONG_FORM, verdict
    assert "like terms" in verdict.feedback
    if terms:  # the pair is named (two numbers are named by their values)
        assert f"{terms} and {terms}" in verdict.feedback


@pytest.mark.parametrize(
    ("expected", "given"),
    [
        ("x^2 + 2x + 1", "1 + 2x + x^2"),
        ("x^2 + 2x + 1", "x^2 + 2 x + 1"),
        ("x y + y x", "2xy"),
        ("2x y + x + y", "x + y + 2 x y"),
        ("x^2 - y^2", "x^2 - y^2"),
        ("x^2 + x", "x^2 + x"),
        ("(x + 1)/2", "x/2 + 1/2"),
    ],
)
def test_expanded_form_with_distinct_terms_is_accepted(expected: str, given: str) -> None:
    assert judge_answer(expected, given, form="expanded").status is Status.CORRECT


def test_terms_that_differ_only_in_order_of_factors_are_like_terms() -> None:
    verdict = judge_answer("2xy", "x y + y x", form="expanded")
    assert verdict.status is Status.WRONG_FORM


# --------------------------------------------------------------------------------------------
# Reading: products of powers, full-width digits


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("2^x 2^y", "2^x·2^y"),
        ("e^x 2^x", "e^x·2^x"),
        ("x^2 3^x", "x^2·3^x"),
        ("2^x 3^(x+1)", "2^x·3^(x + 1)"),
    ],
)
def test_a_power_of_a_number_after_a_power_is_a_product(text: str, shown: str) -> None:
    reading = read(text)
    assert reading.ok, reading.error
    assert reading.pretty == shown


def test_products_of_powers_are_checked_as_products() -> None:
    assert accepted("2^{x+y}", "2^x 2^y")
    assert not accepted("2^{x+y}", "2^x 3^y")


@pytest.mark.parametrize("text", ["x 2", "2 3", "x 2^y", "2^x 3", "2^x 2"])
def test_a_number_after_a_term_that_is_no_power_stays_refused(text: str) -> None:
    reading = read(text)
    assert not reading.ok
    assert "a number right after another term" in (reading.error or "")


@pytest.mark.parametrize(
    ("text", "shown"),
    [("２x", "2·x"), ("x^２", "x^2"), ("１２３", "123"), ("３.５", "3.5"), ("x_１", "x_1")],
)
def test_full_width_digits_read_as_ascii_digits(text: str, shown: str) -> None:
    reading = read(text)
    assert reading.ok, reading.error
    assert reading.pretty == shown


def test_full_width_digits_are_checked_as_numbers() -> None:
    assert accepted("2x + 1", "２x + １")


@pytest.mark.parametrize("text", ["２ｘ", "ｅｖａｌ(1)", "ｓｉｎ(x)"])
def test_full_width_letters_stay_refused(text: str) -> None:
    reading = read(text)
    assert not reading.ok
    assert "unexpected character" in (reading.error or "")


def test_a_full_width_digit_problem_points_at_the_character_typed() -> None:
    reading = read("２x +")
    assert not reading.ok and reading.position == 3


# --------------------------------------------------------------------------------------------
# sigmoid and softplus


def test_sigmoid_and_softplus_are_known_functions() -> None:
    assert read("sigmoid(x)").pretty == "sigmoid(x)"
    assert read("softplus(2x)").pretty == "softplus(2·x)"
    assert accepted("1/(1+e^(-x))", "sigmoid(x)")
    assert accepted("sigmoid(x)(1 - sigmoid(x))", "e^(-x)/(1+e^(-x))^2")
    assert accepted(r"\log(1 + e^x)", "softplus(x)")
    assert accepted("softplus(x) - softplus(-x)", "x")
    assert accepted("sigmoid(x)", "e^x/(1+e^x)")
    assert not accepted("sigmoid(x)", "sigmoid(-x)")
    assert not accepted("softplus(x)", "log(1 + e^(-x))")


def test_sigmoid_and_softplus_work_in_latex_and_sympy_comparisons() -> None:
    assert accepted(r"\operatorname{sigmoid}(x)", "1/(1+exp(-x))")
    assert accepted(r"\mathrm{softplus}(x)", "ln(1 + exp(x))")
    # Infinities go through sympy rather than sampling.
    assert accepted("sigmoid(oo)", "1")


def test_a_card_that_defines_sigmoid_keeps_its_definition() -> None:
    mine = ["sigmoid(x) = 2x"]
    assert accepted("sigmoid(x)", "2x", definitions=mine)
    assert not accepted("sigmoid(x)", "1/(1+e^(-x))", definitions=mine)
    assert accepted("softplus(x)", "x^2", definitions=["softplus(x) = x^2"])


# --------------------------------------------------------------------------------------------
# sigma written as a function is the logistic function


@pytest.mark.parametrize(
    ("expected", "given"),
    [
        (r"1-\sigma(x)", "sigma(-x)"),
        (r"1 - \sigma(x)", "1 - 1/(1 + e^(-x))"),
        (r"\sigma(x)(1-\sigma(x))", "sigma(x) sigma(-x)"),
        (r"\sigma(x)(1-\sigma(x))", "sigmoid(x) - sigmoid(x)^2"),
        ("σ(2x)", "1/(1+exp(-2x))"),
    ],
)
def test_sigma_called_like_a_function_is_the_logistic_function(expected, given) -> None:
    verdict = judge_answer(expected, given)
    assert verdict.accepted, verdict
    if "sigma(" in given:
        assert "σ(" in verdict.reading


def test_sigma_as_a_function_still_tells_wrong_answers() -> None:
    assert not accepted(r"1-\sigma(x)", "sigma(x)")
    assert not accepted(r"1-\sigma(x)", "sigma(x) - 1")


def test_sigma_used_as_a_variable_stays_a_variable() -> None:
    gauss = r"\frac{1}{\sigma\sqrt{2\pi}}"
    assert accepted(gauss, "1/(sigma sqrt(2pi))", assumptions=["sigma > 0"])
    assert accepted(r"\sigma^2", "sigma sigma")
    # A Greek sigma with a subscript is a variable too.
    assert accepted(r"\sigma_1 + \sigma_2", "sigma2 + sigma1")
    # The answer to a card whose sigma is a variable reads sigma(...) as a product.
    assert accepted(r"\sigma x + \sigma", "sigma(x + 1)")


def test_a_card_that_defines_or_declares_sigma_keeps_its_meaning() -> None:
    assert accepted(r"\sigma(x)", "2x", definitions=["sigma(x) = 2x"])
    assert not accepted(r"\sigma(x)", "1/(1+e^(-x))", definitions=["sigma(x) = 2x"])
    # Assumed positive: sigma is the card's variable, so sigma(x) is sigma times x.
    assert accepted(r"\sigma(x)", "sigma x", assumptions=["sigma > 0"])


def test_the_command_reads_the_readme_example_as_written(capsys, worker) -> None:
    assert main(["answer", r"1-\sigma(x)", "sigma(-x)"]) == 0
    out = capsys.readouterr().out
    assert "read as: σ(-x)" in out and "correct" in out


def test_the_live_preview_reads_sigma_as_the_check_does() -> None:
    assert read_answer("sigma(-x)", expected=r"1 - \sigma(x)").pretty == "σ(-x)"
    assert read_answer("sigma(-x)", expected=r"\sigma^2").pretty == "σ·(-x)"
    assert read_answer("sigma(-x)").pretty == "σ·(-x)"
    defined = {"definitions": ["sigma(x) = 2x"]}
    assert read_answer("sigma(-x)", expected=r"\sigma(x)", **defined).pretty == "σ(-x)"


# --------------------------------------------------------------------------------------------
# Messages: unknown words, long pastes


def test_an_unknown_word_says_which_names_the_card_knows() -> None:
    verdict = judge_answer("lr * x", "abcd x", names=["lr"], definitions=["f(x) = x^2"])
    assert verdict.status is Status.UNREADABLE
    assert "declared" not in verdict.feedback
    assert "unknown word 'abcd'" in verdict.feedback
    assert "lr" in verdict.feedback and "f(...)" in verdict.feedback


def test_an_unknown_word_on_a_card_with_no_names_says_so() -> None:
    r = read("abcd + 1")
    assert "declared" not in r.error
    assert "no names of its own" in r.error
    assert "a*b" in r.error  # how to write a product instead


def test_an_unknown_word_close_to_a_known_one_suggests_it() -> None:
    assert "did you mean sigmoid?" in read("sigmod(x)").error
    assert "did you mean lambda?" in read("lamda + 1").error
    assert "did you mean" not in read("abcd + 1").error


def test_a_long_paste_gets_one_clear_sentence() -> None:
    verdict = judge_answer("x", "x+" * 1000)
    assert verdict.status is Status.UNREADABLE
    text = verdict.feedback
    assert "too long" in text
    assert "2,000 characters" in text and "at most 300" in text
    assert "at character" not in text
    assert text.count("(") <= 1 and "\n" not in text


# --------------------------------------------------------------------------------------------
# Properties

_FULL_WIDTH = str.maketrans("0123456789", "０１２３４５６７８９")


@hgiven(st.text(alphabet="0123456789xy+-*/^()., ", max_size=24))
@settings(max_examples=200, deadline=None)
def test_full_width_digits_read_exactly_as_ascii_digits(text: str) -> None:
    ascii_reading, wide_reading = read(text), read(text.translate(_FULL_WIDTH))
    assert wide_reading.tree == ascii_reading.tree
    assert wide_reading.error == ascii_reading.error
    assert wide_reading.position == ascii_reading.position


def _rounded(value: Fraction, figures: int) -> Decimal:
    """`value` to `figures` significant figures, halves away from zero, from exact arithmetic."""
    with localcontext() as ctx:
        ctx.prec = 60
        exact = Decimal(value.numerator) / Decimal(value.denominator)
        step = Decimal(1).scaleb(exact.adjusted() - figures + 1)
        return exact.quantize(step, rounding=ROUND_HALF_UP)


@hgiven(
    st.fractions(min_value=-(10**6), max_value=10**6, max_denominator=997).filter(lambda f: f != 0),
    st.integers(min_value=1, max_value=6),
)
@settings(max_examples=40, deadline=None)
def test_the_rounded_value_is_accepted_and_its_neighbours_are_not(
    value: Fraction, figures: int
) -> None:
    expected = f"{value.numerator}/{value.denominator}"
    right = _rounded(value, figures)
    assert accepted(expected, f"{right:f}", sig_figs=figures), (expected, right)
    ulp = Decimal(1).scaleb(right.adjusted() - figures + 1)
    for wrong in (right + ulp, right - ulp):
        if _rounded(Fraction(wrong), figures) != right:
            assert not accepted(expected, f"{wrong:f}", sig_figs=figures), (expected, wrong)
