"""The answer package's layout: no import cycle, and only the reader reads text into trees."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import flashcards.answers

PACKAGE = Path(flashcards.answers.__file__).parent
#: Modules that work on trees without reading text: they import the tree, never the grammar.
TREE_USERS = {"build", "equivalence", "feedback", "forms", "numeric", "printer"}


def _imports() -> dict[str, set[str]]:
    """Module -> the modules of the package it imports, at the top or inside functions."""
    graph: dict[str, set[str]] = {}
    for path in PACKAGE.glob("*.py"):
        found: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module:
                if node.module.startswith("flashcards.answers."):
                    found.add(node.module.rsplit(".", 1)[1])
                elif node.module == "flashcards.answers":
                    found |= {alias.name for alias in node.names}
        graph[path.stem] = found & {p.stem for p in PACKAGE.glob("*.py")}
    return graph


def _cycle(graph: dict[str, set[str]]) -> list[str] | None:
    state: dict[str, int] = {}

    def visit(node: str, path: list[str]) -> list[str] | None:
        state[node] = 1
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                return [*path, node, nxt]
            if nxt not in state and (found := visit(nxt, [*path, node])):
                return found
        state[node] = 2
        return None

    for start in sorted(graph):
        if start not in state and (found := visit(start, [])):
            return found
    return None


def test_the_answer_modules_import_each_other_without_a_cycle() -> None:
    graph = _imports()
    assert _cycle(graph) is None


def test_a_cycle_would_be_found() -> None:
    assert _cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert _cycle({"a": {"b"}, "b": set()}) is None


def test_modules_that_work_on_trees_import_the_tree_not_the_grammar() -> None:
    graph = _imports()
    for module in TREE_USERS:
        assert "grammar" not in graph[module], module
        assert module == "printer" or "tree" in graph[module], module
    assert {"tree", "names", "limits", "printer"} <= graph["grammar"]
    assert graph["tree"] == set()
    assert graph["names"] == set()
    assert graph["limits"] == {"tree"}


def test_one_strip_math_delimiters_serves_the_parser_the_export_and_the_reader() -> None:
    from flashcards import export, mathspans, parsing
    from flashcards.answers import grammar, spec

    home = mathspans.strip_math_delimiters
    for module in (parsing, export, grammar, spec):
        assert module.strip_math_delimiters is home, module.__name__


@pytest.mark.parametrize(
    ("text", "stripped"),
    [
        ("$x$", "x"),
        ("$$ x + 1 $$", "x + 1"),
        ("  $\\frac{1}{2}$ ", "\\frac{1}{2}"),
        ("\\(x^2\\)", "x^2"),
        ("\\[x^2\\]", "x^2"),
        ("x + 1", "x + 1"),
        ("$", "$"),
        ("$$", "$$"),
        ("$x", "$x"),
    ],
)
def test_math_delimiters_around_a_whole_formula_are_stripped(text: str, stripped: str) -> None:
    from flashcards.mathspans import strip_math_delimiters

    assert strip_math_delimiters(text) == stripped
