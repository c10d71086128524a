"""How typed math and LaTeX are read, without sympy."""

from __future__ import annotations

import subprocess
import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from flashcards.answers import describe, read, read_answer
from flashcards.answers.limits import LEARNER_LIMIT
from flashcards.answers.tree import Call, Eq, Mul, Sym, Tuple


def reading(text: str, **kwargs) -> str:
    r = read(text, **kwargs)
    assert r.ok, r.error
    return r.pretty


@pytest.mark.parametrize(
    ("text", "pretty"),
    [
        ("2x", "2·x"),
        ("2*x", "2·x"),
        ("2 x", "2·x"),
        ("x y", "x·y"),
        ("2xy", "2·x·y"),
        ("2(x+1)", "2·(x + 1)"),
        ("(a)(b)", "a·b"),
        ("x(x+1)", "x·(x + 1)"),
        ("(x+1) 2", "(x + 1)·2"),
        ("x^2", "x^2"),
        ("x**2", "x^2"),
        ("x^2y", "x^2·y"),
        ("-x^2", "-x^2"),
        ("2^-1", "2^(-1)"),
        ("2^3^2", "2^3^2"),
        ("n!", "n!"),
        ("(n-1)!", "(n - 1)!"),
        ("|x|", "|x|"),
        ("||x| - 1|", "||x| - 1|"),
        ("|a||b|", "|a|·|b|"),
        ("abs(x)", "abs(x)"),
        ("sqrt(x)", "sqrt(x)"),
        ("e^x", "e^x"),
        ("exp(x)", "exp(x)"),
        ("ln(x)", "ln(x)"),
        ("log x + 1", "log(x) + 1"),
        ("sin x/x", "sin(x)/x"),
        ("sinx", "sin(x)"),
        ("sin 2x", "sin(2·x)"),
        ("pi", "π"),
        ("2pix", "2·π·x"),
        ("a/b*c", "(a/b)·c"),
        ("2*-x", "2·(-x)"),
        ("1e-3", "1e-3"),
        ("0.5x", "0.5·x"),
        ("max(0, x)", "max(0, x)"),
        ("log_2(8)", "log_2(8)"),
    ],
)
def test_plain_input_is_read_as_shown(text: str, pretty: str) -> None:
    assert reading(text) == pretty


def test_implicit_product_binds_tighter_than_division() -> None:
    assert reading("1/2x") == "1/(2·x)"
    assert reading("a/bc") == "a/(b·c)"
    assert reading("1/2 x") == "1/(2·x)"
    assert reading("(1/2)x") == "(1/2)·x"
    assert reading("2x/(3y)") == "2·x/(3·y)"


@pytest.mark.parametrize(
    ("text", "pretty"),
    [
        ("σ²", "σ^2"),
        ("x³", "x^3"),
        ("x⁻¹", "x^(-1)"),
        ("2·x", "2·x"),
        ("3×y", "3·y"),
        ("x − 1", "x - 1"),
        ("√x", "sqrt(x)"),
        ("√(x+1)", "sqrt(x + 1)"),
        ("∞", "∞"),
        ("π r²", "π·r^2"),
        ("μ + θ", "μ + θ"),
    ],
)
def test_unicode_math_is_read(text: str, pretty: str) -> None:
    assert reading(text) == pretty


def test_greek_names_are_letters_and_lambda_is_not_a_keyword() -> None:
    assert reading("lambda x") == "λ·x"
    assert reading("sigma^2 + mu") == "σ^2 + μ"
    assert reading("theta") == "θ"
    assert reading("2lambda") == "2·λ"


def test_subscripts_make_one_name() -> None:
    for text in ("x1", "x_1", "x_{1}", r"x_{1}"):
        assert read(text).tree == Sym("x_1")
    for text in ("mu1", "mu_1", r"\mu_1", "μ1", "μ_1"):
        assert read(text).tree == Sym("mu_1")
    assert read("x_{ij}").tree == Sym("x_ij")
    assert reading("x_12") == "x_12"


def test_declared_names_are_kept_whole() -> None:
    assert read("lr").tree == Mul(Sym("l"), Sym("r"), implicit=True)
    assert read("lr", names=["lr"]).tree == Sym("lr")
    assert reading("2 lr x", names=["lr"]) == "2·lr·x"


def test_unknown_long_words_are_rejected_with_a_clear_message() -> None:
    r = read("abcd + 1")
    assert not r.ok
    assert "unknown word 'abcd'" in r.error
    assert r.position == 0
    assert not read("relu(x)").ok  # sigmoid and softplus are known; other words are not
    assert read("xyz").ok  # up to three letters are a product


def test_functions_defined_by_the_card_are_calls() -> None:
    assert read("sigma(x)").tree == Mul(Sym("sigma"), Sym("x"), implicit=True)
    tree = read("sigma(x)", functions=["sigma"]).tree
    assert tree == Call("sigma", (Sym("x"),))
    assert reading("2sigma(x)", functions=["sigma"]) == "2·σ(x)"
    assert reading("sigmoid(z)", functions=["sigmoid"]) == "sigmoid(z)"
    r = read("sigma + 1", functions=["sigma"])
    assert not r.ok and "sigma(...)" in r.error
    r = read("f(x, y)", functions={"f": 1})
    assert not r.ok and "takes 1" in r.error


def test_functions_named_without_arity_take_any_arguments_and_any_spelling() -> None:
    assert reading("s(a, b)", functions=["s"]) == "s(a, b)"
    assert reading("f(x, y)", functions=["f/2"]) == "f(x, y)"
    assert not read("f(x)", functions=["f/2"]).ok
    for spelling in ("sigma", "\\sigma", "σ"):
        assert (
            read("1 - σ(x)", functions=[spelling]).tree
            == read("1 - sigma(x)", functions=["sigma"]).tree
        )


def test_read_answer_uses_the_cards_definitions() -> None:
    r = read_answer("sigma(-x)", definitions=["sigma(x) = 1/(1+e^(-x))"])
    assert r.tree == Call("sigma", (read("-x").tree,))


@pytest.mark.parametrize(
    ("latex", "pretty"),
    [
        (r"\frac{1}{2}", "1/2"),
        (r"\frac12", "1/2"),
        (r"\dfrac{x}{y+1}", "x/(y + 1)"),
        (r"\sqrt{x+1}", "sqrt(x + 1)"),
        (r"\sqrt[3]{x}", "root(x, 3)"),
        (r"\log x + 1", "log(x) + 1"),
        (r"\ln\left(x\right)", "ln(x)"),
        (r"\exp(-x^2)", "exp(-x^2)"),
        (r"2 \cdot x", "2·x"),
        (r"2 \times x", "2·x"),
        (r"\left|x\right|", "|x|"),
        (r"\lvert x \rvert", "|x|"),
        (r"e^{-x^2/2}", "e^(-x^2/2)"),
        (r"x^{n-1}", "x^(n - 1)"),
        (r"\sigma^2", "σ^2"),
        (r"\mu_{1}", "μ_1"),
        (r"\sin^2 x + \cos^2 x", "sin(x)^2 + cos(x)^2"),
        (r"\sin 2x", "sin(2·x)"),
        (r"\sin^{-1} x", "asin(x)"),
        (r"\tanh^{-1}(x)", "atanh(x)"),
        (r"\log_{10} x", "log_10(x)"),
        (r"\binom{n}{k}", "binomial(n, k)"),
        (r"\pi r^2", "π·r^2"),
        (r"\infty", "∞"),
        (r"\frac{1}{2}\, m v^2", "(1/2)·m·v^2"),
        ("$1 - x$", "1 - x"),
        (r"\mathrm{KL}", "KL"),
        (r"\varepsilon", "ε"),
    ],
)
def test_latex_is_read(latex: str, pretty: str) -> None:
    assert reading(latex) == pretty


def test_latex_sigma_is_a_call_when_the_card_defines_it() -> None:
    assert (
        read(r"1 - \sigma(x)", functions=["sigma"]).tree
        == read("1 - sigma(x)", functions=["sigma"]).tree
    )


def test_equations_and_lists() -> None:
    assert isinstance(read("y = 2x + 1").tree, Eq)
    tree = read("1, 2, x").tree
    assert isinstance(tree, Tuple) and len(tree.items) == 3
    assert isinstance(read("{1, 2}").tree, Tuple)
    assert not read("(1, 2) + 3").ok
    assert not read("x = 1 = 2").ok
    assert not read("(x = 1) + 2").ok


@pytest.mark.parametrize(
    ("text", "message", "position"),
    [
        ("2x+)", "without a matching opening bracket", 3),
        ("(x+1", "never closed", 4),
        ("x +", "nothing after '+'", 2),
        ("", "empty", 0),
        ("x 2", "use * to multiply", 2),
        ("x # y", "unexpected character '#'", 2),
        ("x.real", "unexpected character '.'", 1),
        ("f'(x)", "unexpected character", 1),
        (r"\foo{x}", r"unknown LaTeX command \foo", 0),
        ("sin()", "needs an argument", 3),
        ("x_{i+1}", "subscript", 6),
        ("2 * * 3", "is not an operator", 2),
        (r"\sin^{-2} x", "negative power of sin", 4),
    ],
)
def test_unreadable_input_says_what_and_where(text: str, message: str, position: int) -> None:
    r = read(text)
    assert not r.ok
    assert message in r.error
    assert r.position == position


def test_describe_shows_the_reading_or_a_caret() -> None:
    assert describe("1/2x") == "read as: 1/(2·x)"
    text = describe("2x+)")
    assert text.startswith("cannot read:")
    assert text.splitlines()[-1] == "     ^"


def test_length_is_capped() -> None:
    assert read("x+" * 149 + "x").ok
    r = read("x+" * 200 + "x")
    assert not r.ok and "too long" in r.error
    assert read("x+" * 200 + "x", limit=1000).ok
    assert LEARNER_LIMIT == 300


def test_importing_the_grammar_loads_no_sympy() -> None:
    code = (
        "import sys, flashcards.answers, flashcards.commands.answer; "
        "from flashcards.answers import read, validate_expected; read('2x + sin(x)'); "
        "assert validate_expected('x^2', definitions=['f(x) = x'], assumptions=['x > 0']) is None; "
        "bad = [m for m in sys.modules if m.split('.')[0] in ('sympy', 'mpmath')]; "
        "print(','.join(bad))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=80))
def test_arbitrary_text_never_raises(text: str) -> None:
    r = read(text)
    assert r.ok or (r.error and (r.position is None or 0 <= r.position <= len(text)))


_TOKENS = [
    "x", "y", "2", "0.5", "+", "-", "*", "/", "^", "(", ")", "sin", "|", "!", "e", "pi", "σ",
    "·", "²", " ", r"\frac{", "}", "{", ",", "=", "sqrt", "ln", "x_1", "mu1", "**", "√", "−",
]  # fmt: skip


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(_TOKENS), min_size=1, max_size=14).map("".join))
def test_the_shown_reading_reads_back_the_same(text: str) -> None:
    r = read(text)
    if r.ok:
        again = read(r.pretty)
        assert again.ok, (r.pretty, again.error)
        assert again.pretty == r.pretty
