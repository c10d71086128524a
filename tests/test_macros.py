"""Deck LaTeX macros: expanded before rendering, checking and export."""

from __future__ import annotations

from flashcards.macros import expand_macros

MACROS = {
    "\\E": "\\mathbb{E}",
    "\\KL": "D_{\\mathrm{KL}}",
    "\\norm": "\\left\\lVert #1 \\right\\rVert",
    "\\pair": "(#1, #2)",
}


def test_a_macro_is_replaced_only_as_a_whole_command():
    assert expand_macros(r"\E_{x} \Ex \E x", MACROS) == r"\mathbb{E}_{x} \Ex \mathbb{E} x"


def test_arguments_are_groups_or_single_tokens():
    assert expand_macros(r"\norm{x+y}", MACROS) == r"\left\lVert x+y \right\rVert"
    assert expand_macros(r"\pair{a}{\theta}", MACROS) == r"(a, \theta)"
    assert expand_macros(r"\pair a\theta", MACROS) == r"(a, \theta)"


def test_escaped_braces_and_backslashes_inside_an_argument():
    assert expand_macros(r"\norm{\{x\}}", MACROS) == r"\left\lVert \{x\} \right\rVert"
    assert expand_macros(r"\norm{a \\ b}", MACROS) == r"\left\lVert a \\ b \right\rVert"
    assert expand_macros(r"\norm{a\\}", MACROS) == r"\left\lVert a\\ \right\rVert"


def test_missing_arguments_leave_the_macro_as_written():
    assert expand_macros(r"\pair{a}", MACROS) == r"\pair{a}"


def test_macros_using_macros_expand_and_self_reference_stops():
    assert expand_macros(r"\KLE", {"\\KLE": r"\KL \E", **MACROS}) == r"D_{\mathrm{KL}} \mathbb{E}"
    looped = expand_macros(r"\loop", {"\\loop": r"x\loop"})
    assert looped.startswith("xxxx") and looped.endswith(r"\loop")


def test_no_macros_returns_the_text_unchanged():
    assert expand_macros(r"\frac{a}{b}", None) == r"\frac{a}{b}"
    assert expand_macros(r"\frac{a}{b}", {}) == r"\frac{a}{b}"
