"""`latex.fit_formulas`: a formula wider than the column it is shown in may break only where
the renderer lets a long formula break (after a top-level relation, + or -)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from flashcards.latex import UNBREAKABLE_SPACE, fit_formulas, markdown_for_terminal

B = UNBREAKABLE_SPACE
KL = markdown_for_terminal(r"$D_{\mathrm{KL}}(q \| p) = \mathbb{E}_q[\log q(z) - \log p(z)]$")


def test_a_formula_that_fits_is_left_whole() -> None:
    assert fit_formulas(f"so a{B}+{B}b here", 40) == f"so a{B}+{B}b here"


def test_a_wider_formula_breaks_after_its_top_level_signs_only() -> None:
    shown = fit_formulas("D_KL(q ‖ p) = 𝔼_q[log q(z) - log p(z)]".replace(" ", B), 30)
    assert shown == f"D_KL(q{B}‖{B}p){B}= 𝔼_q[log{B}q(z){B}-{B}log{B}p(z)]"
    assert B in KL  # the renderer's output is what the screens fit


words = st.text(alphabet="ab(+-=) ", min_size=1, max_size=40)


@given(words, st.integers(min_value=1, max_value=80))
def test_fitting_only_turns_blanks_into_spaces(text: str, width: int) -> None:
    formula = text.replace(" ", B)
    shown = fit_formulas(formula, width)
    assert shown.replace(" ", B) == formula
    if len(formula) <= width:
        assert shown == formula
    depth = 0
    for i, ch in enumerate(shown):
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth = max(0, depth - 1)
        elif ch == " ":
            assert shown[i - 1] in "+-=" and depth == 0, shown
