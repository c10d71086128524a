"""Hints for wrong answers, found by general tests rather than lists of wrong answers.

Each test compares the values of the expected and given answers at the sampled points: a
constant ratio (a factor missing, or the sign flipped), a constant difference, a ratio equal
to the derivative of an inner function (the chain rule forgotten), and a logarithm of a sum
split into a sum of logarithms.
"""

from __future__ import annotations

from collections.abc import Iterator
from fractions import Fraction

import mpmath
from mpmath import mpf

from flashcards.answers.numeric import Comparison, Evaluator, Undefined, close
from flashcards.answers.printer import pretty
from flashcards.answers.spec import free_names
from flashcards.answers.tree import (
    Add,
    Call,
    Const,
    Div,
    Mul,
    Node,
    Pow,
    Sub,
    Sym,
    rewrite,
    walk,
)

#: How tightly values must agree for a slip to explain a wrong answer.
TOL = 1e-8
CLOSE = "Very close to the right value but not equal: is a number rounded?"
SIGN = "Check the sign: your answer is the negative of the right one."
LOG_SUM = "The log of a sum is not the sum of the logs: log(a + b) ≠ log(a) + log(b)."
LOG_PRODUCT = "The log of a product is a sum of logs, not a product: log(a·b) = log(a) + log(b)."


def _number(value: mpf) -> str:
    fraction = Fraction(float(value)).limit_denominator(100)
    if abs(float(value) - fraction) < 1e-9 * max(1.0, abs(float(value))):
        return str(fraction)
    return mpmath.nstr(value, 4)


def _constant(values: list[mpf]) -> mpf | None:
    if len(values) < 3:
        return None
    first = values[0]
    return first if all(close(first, v, TOL, 1e-12) for v in values) else None


def _inner_parts(node: Node) -> Iterator[Node]:
    """Inner functions: arguments of functions and powers that are more than a variable."""
    for n in walk(node):
        match n:
            case Call(_, args):
                yield from args
            case Pow(Const("e"), exp):
                yield exp
            case Pow(base, _):
                yield base
            case Div(_, den):
                yield den  # 1/u is the outer derivative of log(u)


def _derivatives(ev: Evaluator, part: Node, points: list[dict]) -> Iterator[tuple[str, list]]:
    """For each variable of `part`, its derivative at every point (numerically)."""
    for name in sorted(free_names(part, ev.defs)):
        values = []
        try:
            for point in points:

                def f(t: mpf, point: dict = point, name: str = name) -> mpf:
                    return ev.value(part, {**point, name: t})

                values.append(mpmath.diff(f, point[name]))
        except (Undefined, ValueError, ZeroDivisionError, KeyError):
            continue
        yield name, values


def _chain_rule(ev: Evaluator, expected: Node, given: Node, result: Comparison) -> str | None:
    e_vals, g_vals = result.expected_values, result.given_values
    seen: set[Node] = set()
    for part in (*_inner_parts(given), *_inner_parts(expected)):
        if part in seen or isinstance(part, Sym) or not free_names(part, ev.defs):
            continue
        seen.add(part)
        for _name, dus in _derivatives(ev, part, result.points):
            if all(close(du, mpf(1), 1e-9, 1e-9) for du in dus):
                continue
            if all(
                close(e, g * du, 1e-6, 1e-10) for e, g, du in zip(e_vals, g_vals, dus, strict=True)
            ):
                return (
                    "Check the chain rule: the derivative of the inner part "
                    f"{pretty(part)} seems to be missing."
                )
    return None


def _split_logs(node: Node) -> Iterator[tuple[Node, str]]:
    """Variants of `node` with one log of a sum (or product) wrongly split."""
    targets = [
        n
        for n in walk(node)
        if isinstance(n, Call) and n.name in ("log", "ln") and len(n.args) == 1
    ]
    for target in targets:
        arg = target.args[0]
        if isinstance(arg, Add):
            wrong: Node = Add(Call(target.name, (arg.left,)), Call(target.name, (arg.right,)))
            yield _replace(node, target, wrong), LOG_SUM
        elif isinstance(arg, Sub):
            wrong = Sub(Call(target.name, (arg.left,)), Call(target.name, (arg.right,)))
            yield _replace(node, target, wrong), LOG_SUM
        elif isinstance(arg, Mul):
            wrong = Mul(Call(target.name, (arg.left,)), Call(target.name, (arg.right,)))
            yield _replace(node, target, wrong), LOG_PRODUCT


def _replace(node: Node, old: Node, new: Node) -> Node:
    return rewrite(node, lambda n: new if n == old else None)


def _log_split(ev: Evaluator, expected: Node, given: Node, result: Comparison) -> str | None:
    for source, target_values in ((expected, result.given_values), (given, result.expected_values)):
        for variant, message in _split_logs(source):
            try:
                values = [ev.value(variant, p) for p in result.points]
            except Undefined:
                continue
            if all(close(t, v, 1e-9, 1e-12) for t, v in zip(target_values, values, strict=True)):
                return message
    return None


def find_hint(ev: Evaluator, expected: Node, given: Node, result: Comparison) -> str | None:
    """A hint naming the slip that explains a wrong answer, or None.

    `ev` evaluates trees with the card's definitions, at the points `result` sampled.
    """
    e_vals, g_vals = result.expected_values, result.given_values
    has_variables = bool(result.names)
    pairs = [(e, g) for e, g in zip(e_vals, g_vals, strict=True) if e != 0]
    ratio = _constant([g / e for e, g in pairs]) if len(pairs) >= 3 else None
    if not has_variables:
        if e_vals and g_vals and close(e_vals[0], g_vals[0], 1e-6, 1e-12):
            return CLOSE
        if e_vals and g_vals and e_vals[0] != 0 and close(-e_vals[0], g_vals[0], 1e-15, 0):
            return SIGN
        return None
    if all(close(e, g, 1e-6, 1e-12) for e, g in zip(e_vals, g_vals, strict=True)):
        return CLOSE
    if ratio is not None and close(ratio, mpf(-1), TOL, 0):
        return SIGN
    chain = _chain_rule(ev, expected, given, result)
    if chain:
        return chain
    if ratio is not None and ratio != 0:
        return (
            "Off by a constant factor: your answer is "
            f"{_number(ratio)} times the right one. Is a factor missing or extra?"
        )
    diff = _constant([g - e for e, g in zip(e_vals, g_vals, strict=True)])
    if diff is not None:
        return f"Off by a constant: your answer differs from the right one by {_number(diff)}."
    return _log_split(ev, expected, given, result)
