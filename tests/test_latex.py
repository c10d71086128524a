"""Golden tests for LaTeX -> Unicode: snippets from ML cards with their exact terminal text."""

from __future__ import annotations

import re

import pytest

from flashcards.latex import UNBREAKABLE_SPACE as U
from flashcards.latex import latex_to_unicode, markdown_for_terminal

GOLDEN = [
    ("\\frac{a+b}{c}", "(a+b)/c"),
    ("\\frac{1}{x}", "1/x"),
    ("x^{2}", "x²"),
    ("x^2 + y^2", "x² + y²"),
    ("x_1", "x₁"),
    ("x_{ij}", "xᵢⱼ"),
    ("w_{t+1}", "wₜ₊₁"),
    # the range under a big operator is one relation: no brackets needed to see its end
    ("\\mathbb{E}_{x\\sim p}", "𝔼_x∼p"),
    (r"\mathbb{E}_{x \sim p_{\text{data}}}[\log D(x)]", "𝔼_x∼p_data[log D(x)]"),
    (r"\max_{x \in X} f(x) + \lim_{n \to \infty} a_n", "max_x∈X f(x) + lim_n→∞ aₙ"),
    (r"\operatorname*{argmax}_{a \in A} Q(s, a)", "argmax_a∈A Q(s, a)"),
    (r"\mathbb{E}_{z \sim q_\phi(z \mid x)}[x]", "𝔼_(z∼q_ϕ(z|x))[x]"),
    (r"x_{i \in S}", "x_(i∈S)"),
    ("\\mathbb{E}_{q(z)}[\\log p(x, z) - \\log q(z)]", "𝔼_(q(z))[log p(x, z) - log q(z)]"),
    ("\\nabla_\\theta", "∇_θ"),
    ("\\nabla_\\theta J(\\theta)", "∇_θ J(θ)"),
    ("\\log p(x \\mid \\theta)", "log p(x | θ)"),
    ("D_{\\mathrm{KL}}(q \\,\\|\\, p)", "D_KL(q ‖ p)"),
    ("\\sigma(x) = \\frac{1}{1 + e^{-x}}", "σ(x) = 1/(1 + e⁻ˣ)"),
    ("\\sigma'(x) = \\sigma(x)(1 - \\sigma(x))", "σ′(x) = σ(x)(1 - σ(x))"),
    (
        "\\mathrm{softmax}(z)_i = \\frac{e^{z_i}}{\\sum_j e^{z_j}}",
        "softmax(z)ᵢ = e^(zᵢ)/(∑ⱼ e^(zⱼ))",
    ),
    (
        "\\mathcal{N}(x \\mid \\mu, \\sigma^2) = \\frac{1}{\\sqrt{2\\pi\\sigma^2}} \\exp\\left(-\\frac{(x-\\mu)^2}{2\\sigma^2}\\right)",
        "𝒩(x | μ, σ²) = (1/√(2πσ²)) exp(-(x-μ)²/(2σ²))",
    ),
    ("\\sum_i x_i", "∑ᵢ xᵢ"),
    ("\\sum_{i=1}^{n} x_i", "∑ᵢ₌₁ⁿ xᵢ"),
    ("\\prod_{i=1}^n p(x_i \\mid \\theta)", "∏ᵢ₌₁ⁿ p(xᵢ | θ)"),
    ("\\frac{\\partial}{\\partial\\theta}", "∂/∂θ"),
    ("\\frac{\\partial L}{\\partial w_{ij}}", "∂L/∂wᵢⱼ"),
    ("\\frac{d}{dx}\\log x = \\frac{1}{x}", "d/dx log x = 1/x"),
    ("\\hat\\theta", "θ̂"),
    (
        "\\hat{\\theta}_{\\text{MLE}} = \\arg\\max_\\theta \\sum_i \\log p(x_i \\mid \\theta)",
        "θ̂_MLE = arg max_θ ∑ᵢ log p(xᵢ | θ)",
    ),
    ("\\bar{x} = \\frac{1}{n}\\sum_i x_i", "x̄ = (1/n) ∑ᵢ xᵢ"),
    ("\\tilde{x}", "x̃"),
    ("\\dot{x}", "ẋ"),
    ("\\sqrt{x}", "√x"),
    ("\\sqrt{x+1}", "√(x+1)"),
    ("\\sqrt[3]{x}", "∛x"),
    ("\\left( a + b \\right)^2", "(a + b)²"),
    ("\\operatorname{Var}(X) = \\mathbb{E}[X^2] - \\mathbb{E}[X]^2", "Var(X) = 𝔼[X²] - 𝔼[X]²"),
    ("p(\\theta \\mid x) \\propto p(x \\mid \\theta)\\, p(\\theta)", "p(θ | x) ∝ p(x | θ) p(θ)"),
    (
        "p(\\theta \\mid x) = \\frac{p(x \\mid \\theta)\\, p(\\theta)}{p(x)}",
        "p(θ | x) = (p(x | θ) p(θ))/p(x)",
    ),
    ("0 \\le p \\le 1", "0 ≤ p ≤ 1"),
    ("\\lim_{n\\to\\infty} (1 + 1/n)^n = e", "lim_n→∞ (1 + 1/n)ⁿ = e"),
    ("\\int_0^\\infty e^{-x}\\,dx = 1", "∫₀^∞ e⁻ˣ dx = 1"),
    ("x \\sim \\mathcal{N}(0, I)", "x ∼ 𝒩(0, I)"),
    ("W \\in \\mathbb{R}^{m \\times n}", "W ∈ ℝ^(m×n)"),
    ("\\mathbf{x}^\\top \\mathbf{W}", "𝐱ᵀ 𝐖"),
    ("\\lVert x \\rVert_2^2", "‖x‖₂²"),
    ("\\langle x, y \\rangle", "⟨x, y⟩"),
    ("H(p) = -\\sum_x p(x) \\log p(x)", "H(p) = -∑ₓ p(x) log p(x)"),
    (
        "\\log \\sum_i e^{x_i} = m + \\log \\sum_i e^{x_i - m}",
        "log ∑ᵢ e^(xᵢ) = m + log ∑ᵢ e^(xᵢ-m)",
    ),
    ("\\theta_{t+1} = \\theta_t - \\eta \\nabla_\\theta L(\\theta_t)", "θₜ₊₁ = θₜ - η ∇_θ L(θₜ)"),
    # a three-letter exponent is written with a caret, and then so is every other one
    ("\\binom{n}{k} p^k (1-p)^{n-k}", "C(n, k) p^k (1-p)^(n-k)"),
    (
        "\\begin{cases} 1 & x > 0 \\\\ 0 & \\text{otherwise} \\end{cases}",
        "{ 1 if x > 0; 0 otherwise",
    ),
    ("\\begin{pmatrix} a & b \\\\ c & d \\end{pmatrix}", "(a b; c d)"),
    ("\\text{if } x \\ne 0", "if x ≠ 0"),
    ("a \\cdot b \\times c", "a · b × c"),
    ("\\hat p = \\frac{k}{n}", "p̂ = k/n"),
    ("\\tanh(x) = 2\\sigma(2x) - 1", "tanh(x) = 2σ(2x) - 1"),
    ("\\boxed{\\text{…}}", "⟦…⟧"),
    (r"\log \frac{p(x, z)}{q(z)}", "log (p(x, z)/q(z))"),
    (r"\frac{d^2 f}{dx^2}", "d²f/dx²"),
    (r"\frac{3}{3x}", "3/(3x)"),
    # A fraction next to a factor is bracketed: typed back, `1/2 x` would read as 1/(2x).
    (r"\frac{1}{2} x", "(1/2) x"),
    (r"\frac{1}{2} x^{-1/2}", "(1/2) x^(-1/2)"),
    (r"-\frac{1}{T}\sum_t \log p(x_t)", "-(1/T) ∑ₜ log p(xₜ)"),
    (r"-\frac{1}{2}\log(2\pi\sigma^2)", "-(1/2) log(2πσ²)"),
    (r"\frac{1}{2}(x - \mu)^2", "(1/2)(x - μ)²"),
    (r"\tfrac{1}{2}x + \dfrac{1}{3}y", "(1/2) x + (1/3) y"),
    (r"\frac{a+b}{c} x", "((a+b)/c) x"),
    (r"2\frac{1}{3}", "2(1/3)"),
    (r"x\frac{1}{2}", "x(1/2)"),
    (r"\frac{1}{2}\frac{1}{4}", "(1/2)(1/4)"),
    (r"a/\frac{1}{2}", "a/(1/2)"),
    (r"e^{\frac{1}{2}x}", "e^((1/2)x)"),
    (r"\frac{d}{d\theta} \frac{k}{\theta}", "d/dθ (k/θ)"),
    (r"\begin{pmatrix} \frac{1}{2} & \frac{1}{4} \end{pmatrix}", "((1/2) (1/4))"),
    (r"\pi = \frac{1}{\boxed{Z}} \pi_0", "π = (1/⟦Z⟧) π₀"),
    # Standing alone, it keeps its short form.
    (r"\frac{1}{2}", "1/2"),
    (r"\gamma = \frac{1}{2} + \frac{r}{1 - \gamma}, \frac{3}{4}", "γ = 1/2 + r/(1 - γ), 3/4"),
    (r"\mathrm{Bern}(\frac{1}{4}) \le \left[\frac{1}{2}\right]", "Bern(1/4) ≤ [1/2]"),
    (r"2 + \frac{1}{2} \cdot 6", "2 + 1/2 · 6"),
    (r"\frac{p(x)}{\boxed{q(x)}}", "p(x)/⟦q(x)⟧"),
    # A script stays on what it belongs to.
    (r"\frac{1}{2}^n", "(1/2)ⁿ"),
    (r"\sin^2 x + \cos^2 x = 1", "sin² x + cos² x = 1"),
    (r"\log_2 x = \frac{\ln x}{\ln 2}", "log₂ x = (ln x)/(ln 2)"),
    # the star of an optimum stays a plain star after its symbol
    ("\\pi^*(s)", "π*(s)"),
    ("\\theta^{*} = \\arg\\max_\\theta L", "θ* = arg max_θ L"),
    ("Q^{\\ast}(s, a)", "Q*(s, a)"),
    # Read well in a terminal (issue 20): a long exponent with a caret, and then every one
    (r"\theta e^{-\theta x}", "θ e^(-θx)"),
    (r"\prod_{i=1}^n \theta e^{-\theta x_i}", "∏ᵢ₌₁^n θ e^(-θxᵢ)"),
    (r"e^{-x} + x^2 + e^{-\theta x}", "e^(-x) + x² + e^(-θx)"),
    (r"e^{-x} + x^{10}", "e⁻ˣ + x¹⁰"),
    (r"\int_0^\infty e^{-x}\,dx", "∫₀^∞ e⁻ˣ dx"),
    # no brackets around a root or a bracketed power in a denominator
    (r"\frac{1}{\sqrt{n}}", "1/√n"),
    (r"\frac{s}{\sqrt{2n}}", "s/√(2n)"),
    (r"-\frac{n - k}{(1 - \theta)^2}", "-(n - k)/(1 - θ)²"),
    (r"\frac{1}{p(x)^2}", "1/p(x)²"),
    (r"\frac{1}{2\sqrt{n}}", "1/(2√n)"),
    (r"\frac{1}{\lvert x \rvert^2}", "1/|x|²"),
    (r"\frac{1}{(1 - \theta)(1 + \theta)}", "1/((1 - θ)(1 + θ))"),
    # an operator name after a bracket or a letter is a word apart
    (r"k \log\theta + (n - k)\log(1 - \theta)", "k log θ + (n - k) log(1 - θ)"),
    (r"x\log x", "x log x"),
    (r"p(x)\log p(x)", "p(x) log p(x)"),
]


@pytest.mark.parametrize(("latex", "expected"), GOLDEN)
def test_latex_snippet_renders_exactly(latex: str, expected: str) -> None:
    assert latex_to_unicode(latex) == expected


def test_golden_set_is_large_enough() -> None:
    assert len(GOLDEN) >= 40


def test_deck_macros_are_expanded_first() -> None:
    macros = {r"\E": r"\mathbb{E}", r"\norm": r"\left\lVert #1 \right\rVert"}
    assert latex_to_unicode(r"\E[\norm{x - y}^2]", macros) == "𝔼[‖x - y‖²]"


def test_unknown_command_is_left_visible() -> None:
    assert latex_to_unicode(r"\frobnicate x") == r"\frobnicate x"


def test_scripts_without_unicode_form_use_brackets() -> None:
    assert latex_to_unicode(r"e^{i\pi}") == "e^(iπ)"
    assert latex_to_unicode(r"x_{\theta}") == "x_θ"


def test_broken_latex_is_shown_not_raised() -> None:
    assert latex_to_unicode(r"\frac{a}{") == "a/"
    assert latex_to_unicode("x^") == "x"


def test_markdown_math_spans_are_converted() -> None:
    md = "The derivative is $\\sigma(x)(1-\\sigma(x))$, and\n\n$$\\sum_i x_i$$\n"
    assert (
        markdown_for_terminal(md)
        == f"The derivative is σ\\(x\\)\\(1\\-σ\\(x\\)\\), and\n\n∑ᵢ{U}xᵢ\n"
    )


def test_markdown_math_brackets_a_fraction_next_to_a_factor() -> None:
    assert markdown_for_terminal(r"So $\frac{1}{2} x$, not $\frac{1}{2}$.") == (
        f"So \\(1\\/2\\){U}x, not 1\\/2."
    )


@pytest.mark.parametrize(
    "latex",
    [
        r"\frac{1}{2} x^{-1/2}",
        r"-\frac{1}{2}\log(2\pi\sigma^2)",
        r"\frac{1}{2}(x - \mu)^2",
        r"2\frac{1}{3}",
        r"\tfrac{1}{2}x + \dfrac{1}{3}y",
        r"\frac{x+1}{3} y",
        r"\frac{1}{2}\frac{1}{4}",
        r"x - \frac{1}{2} + \frac{1}{2} \cdot 6 x",
    ],
)
def test_a_shown_formula_typed_back_reads_as_the_formula(latex: str) -> None:
    from flashcards.answers import judge_answer

    shown = latex_to_unicode(latex)
    assert judge_answer(latex, shown).accepted, shown


def test_markdown_code_is_left_alone() -> None:
    md = "Inline `$x^2$` stays.\n\n```python\ny = '$x^2$'\n```\n\nBut $x^2$ changes.\n"
    assert markdown_for_terminal(md) == (
        "Inline `$x^2$` stays.\n\n```python\ny = '$x^2$'\n```\n\nBut x² changes.\n"
    )


def test_a_number_starting_a_line_does_not_make_a_list() -> None:
    assert markdown_for_terminal("$1$. Every probability") == "1\\. Every probability"
    assert markdown_for_terminal("So $1$. Done") == "So 1. Done"


def test_escaped_dollar_is_not_math() -> None:
    assert markdown_for_terminal(r"It costs \$5 and \$6.") == r"It costs \$5 and \$6."


def test_converted_math_cannot_become_markdown() -> None:
    # `*` and `[..](..)` from math must not turn into emphasis or a link.
    out = markdown_for_terminal(r"$a * b * c$ and $[x](y)$")
    assert "\\*" in out and "\\[" in out and "\\(" in out


def test_cloze_box_in_math_is_bold_brackets() -> None:
    assert markdown_for_terminal(r"$x = \boxed{\text{…}}$") == f"x{U}\\= **⟦…⟧**"


def test_no_builtin_card_shows_a_leftover_command() -> None:
    from flashcards.decks import builtin_decks_dir, load_decks

    decks, _problems = load_decks([builtin_decks_dir()])
    if not any(deck.notes for deck in decks):
        pytest.skip("no built-in cards yet")
    leftovers: list[str] = []
    for deck in decks:
        for note in deck.notes:
            for side in (note.front, note.back):
                shown = markdown_for_terminal(side, deck.macro_map)
                # Drop code, where a backslash is the author's own text.
                shown = re.sub(r"```.*?```|`[^`]*`", "", shown, flags=re.S)
                for match in re.finditer(r"(?<!\\)\\[A-Za-z]+", shown):
                    leftovers.append(f"{deck.path}:{note.line}: {match.group(0)}")
    assert leftovers == []


def test_a_formula_cannot_forge_the_renderers_markers() -> None:
    # The renderer marks its own text with control characters; a deck's are dropped first.
    assert latex_to_unicode("a\x06b\x01c\x00") == "abc"
    assert markdown_for_terminal("$a\x01b\x07$") == "ab"


def _formula_extents(side: str, macros) -> list[tuple[str, list[tuple[int, int]]]]:
    """Each paragraph of a card side as the terminal shows it (one line of text), with
    where each of its formulas lies, found by marking the math before rendering."""
    from flashcards.mathspans import math_spans

    start, end = "\ue000", "\ue001"  # private-use marks, never in a deck
    out = []
    for para in re.split(r"\n[ \t]*\n", side):
        if "```" in para or "$" not in para:
            continue
        spans = math_spans(para)[0]
        marked, pos = [], 0
        for span in spans:
            marked += [para[pos : span.start], start, para[span.start : span.end], end]
            pos = span.end
        marked.append(para[pos:])
        shown = markdown_for_terminal("".join(marked), macros)
        shown = re.sub(r"\\([!-/:-@\[-`{-~])", r"\1", shown).replace("**", "")
        for line in shown.split("  \n"):  # a display formula's rows are hard line breaks
            text = re.sub(r"^\s*(?:[-*+]|\d+[.)]|#+)\s+", "", line.replace("\n", " "))
            extents, plain, opened = [], [], None
            for ch in text:
                if ch == start:
                    opened = len(plain)
                elif ch == end:
                    if opened is not None:
                        extents.append((opened, len(plain)))
                    opened = None
                else:
                    plain.append(ch)
            out.append(("".join(plain), extents))
    return out


def test_no_builtin_formula_is_split_across_lines_at_80_columns() -> None:
    from textual._wrap import compute_wrap_offsets

    from flashcards.decks import builtin_decks_dir, load_decks
    from flashcards.latex import MAX_UNBROKEN

    decks, _problems = load_decks([builtin_decks_dir()])
    split: list[str] = []
    formulas = 0
    for deck in decks:
        for note in deck.notes:
            for side in (note.front, note.back):
                for text, extents in _formula_extents(side, deck.macro_map):
                    formulas += len(extents)
                    for width in (80, 76, 72):  # the terminal, and the card inside its frame
                        for at in compute_wrap_offsets(text, width, 4):
                            for a, b in extents:
                                # a long formula may break after a top-level `=` or `+`
                                allowed = b - a > MAX_UNBROKEN and text[at - 1] == " "
                                if a < at < b and not allowed:
                                    split.append(f"{deck.path.name}:{note.line}: {text[a:b]}")
    assert formulas > 500
    assert sorted(set(split)) == []


def test_a_formula_wraps_as_a_unit() -> None:
    from textual._wrap import compute_wrap_offsets

    ((text, [(a, b)]),) = _formula_extents(
        "Some words first, then $D_{\\mathrm{KL}}(q \\,\\|\\, p)$ and more", None
    )
    assert text[a:b] == f"D_KL(q{U}‖{U}p)"
    assert all(
        not a < at < b for width in range(b - a, 60) for at in compute_wrap_offsets(text, width, 4)
    )
    # a formula longer than a line breaks only after a top-level relation or sign
    long = "$" + " + ".join(f"\\log p(x_{i} \\mid \\theta)" for i in range(8)) + "$"
    ((text, [(a, b)]),) = _formula_extents(long, None)
    assert b - a > 80
    assert all(text[at - 2 : at] == "+ " for at in compute_wrap_offsets(text, 60, 4))


def test_plain_text_of_a_card_has_plain_spaces() -> None:
    from flashcards.latex import first_line_text, unescape_markdown

    shown = markdown_for_terminal(r"What is $D_{\mathrm{KL}}(q \,\|\, p)$?")
    assert U in shown
    assert unescape_markdown(shown) == first_line_text(shown) == "What is D_KL(q ‖ p)?"
