"""Whether a right answer is in the form the card asks for: simplified, factored, expanded.

Forms are judged on the tree as typed (sympy would already have tidied `x + x` into `2·x`),
with sympy only to tell whether a polynomial factor can be split further.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from flashcards.answers.printer import pretty
from flashcards.answers.tree import (
    Abs,
    Add,
    Call,
    Div,
    Eq,
    Fact,
    Mul,
    Neg,
    Node,
    Num,
    Pow,
    Sub,
    Sym,
    Tuple,
    walk,
)

if TYPE_CHECKING:
    from flashcards.answers.build import Builder

_OPS = (Add, Sub, Mul, Div, Pow, Neg, Fact, Abs, Call)


def _has_symbol(node: Node) -> bool:
    return any(isinstance(n, Sym) for n in walk(node))


def _is_number(node: Node) -> bool:
    return isinstance(node, Num) or (isinstance(node, Neg) and isinstance(node.arg, Num))


def _is_sum(node: Node) -> bool:
    while isinstance(node, Neg):
        node = node.arg
    return isinstance(node, Add | Sub) and _has_symbol(node)


def _size(node: Node) -> tuple[int, int]:
    """Variable occurrences and operations in a tree."""
    occurrences = sum(isinstance(n, Sym) for n in walk(node))
    operations = sum(isinstance(n, _OPS) for n in walk(node))
    return occurrences, operations


def simplified_problem(given: Node, expected: Node) -> str | None:
    """Why `given` is not simplified, or None."""
    for node in walk(given):
        match node:
            case Div(Num(a), Num(b)) if "." not in a + b and "e" not in a + b:
                p, q = int(a), int(b)
                if q == 1 or (q and math.gcd(p, q) > 1):
                    return f"the fraction {pretty(node)} can be reduced."
            case Add(x, y) | Sub(x, y) | Mul(x, y, _) if _is_number(x) and _is_number(y):
                return f"{pretty(node)} can be worked out."
            case Mul(Num("1"), _) | Mul(_, Num("1"), _) | Div(_, Num("1")) | Pow(_, Num("1")):
                return f"{pretty(node)} has a needless 1."
            case Add(Num("0"), _) | Add(_, Num("0")) | Sub(_, Num("0")):
                return f"{pretty(node)} has a needless 0."
    if not isinstance(expected, Eq | Tuple):
        (occ, ops), (e_occ, e_ops) = _size(given), _size(expected)
        if occ > e_occ:
            return "it can be written with fewer terms."
        if ops > e_ops + 2:
            return "it can be written more simply."
    return None


def _factors(node: Node) -> list[Node]:
    match node:
        case Mul(a, b, _) | Div(a, b):
            return _factors(a) + _factors(b)
        case Neg(a):
            return _factors(a)
        case Pow(base, Num()):
            return _factors(base)
    return [node]


def factored_problem(given: Node, builder: Builder) -> str | None:
    """Why `given` is not fully factored, or None."""
    import sympy

    for factor in _factors(given):
        if not _is_sum(factor):
            continue
        expr = builder.build(factor)
        try:
            coeff, parts = sympy.factor_list(expr)
        except (sympy.PolynomialError, NotImplementedError, ValueError, TypeError):
            continue  # not a polynomial in any sense sympy knows: nothing to factor
        splits = len(parts) > 1 or (parts and parts[0][1] > 1)
        if splits or (coeff.is_Integer and abs(coeff) > 1):
            return f"{pretty(factor)} can be factored further."
    return None


def _terms(node: Node) -> list[Node]:
    """The terms of a sum as typed, signs left out (`x^2 - x + 1` has x^2, x and 1)."""
    match node:
        case Add(a, b) | Sub(a, b):
            return _terms(a) + _terms(b)
        case Neg(a):
            return _terms(a)
    return [node]


def _monomial(term: Node) -> tuple[str, ...]:
    """What a term is a multiple of: its factors other than numbers, in any order."""
    factors: list[str] = []
    stack = [term]
    while stack:
        node = stack.pop()
        match node:
            case Mul(a, b, _):
                stack += [a, b]
            case Neg(a):
                stack.append(a)
            case Div(a, b):
                stack.append(a)
                if not _is_number(b):
                    factors.append("/" + pretty(b))
            case Num():
                pass
            case _:
                factors.append(pretty(node))
    return tuple(sorted(factors))


def expanded_problem(given: Node) -> str | None:
    """Why `given` is not multiplied out with its like terms collected, or None."""
    for node in walk(given):
        match node:
            case Mul(a, b, _) if _is_sum(a) or _is_sum(b):
                return f"{pretty(node)} can be multiplied out."
            case Pow(base, Num(n)) if _is_sum(base) and n.isdigit() and int(n) >= 2:
                return f"{pretty(node)} can be multiplied out."
    seen: dict[tuple[str, ...], Node] = {}
    for term in _terms(given):
        key = _monomial(term)
        if key in seen:
            return f"the like terms {pretty(seen[key])} and {pretty(term)} can be collected."
        seen[key] = term
    return None


def form_problem(form: str, given: Node, expected: Node, builder: Builder) -> str | None:
    """Why a right answer is not in `form`, or None when it is (`builder` makes sympy trees)."""
    if form == "simplified":
        return simplified_problem(given, expected)
    if form == "factored":
        return factored_problem(given, builder)
    if form == "expanded":
        return expanded_problem(given)
    return None
