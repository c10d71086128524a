"""Build sympy objects from a read tree, node by node, from a whitelist of functions.

No text ever reaches sympy's parser: every object is made by a constructor called here.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import sympy

from flashcards.answers.spec import Assumption, Definition
from flashcards.answers.tree import (
    Abs,
    Add,
    Call,
    Const,
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
)


def _sigmoid(x: Any, evaluate: bool = True) -> Any:
    """The logistic function, as sympy writes it: 1/(1 + e^-x)."""
    return sympy.Pow(1 + sympy.exp(-x, evaluate=evaluate), -1, evaluate=evaluate)


def _softplus(x: Any, evaluate: bool = True) -> Any:
    """log(1 + e^x)."""
    return sympy.log(1 + sympy.exp(x, evaluate=evaluate), evaluate=evaluate)


FUNCTIONS: dict[str, Any] = {
    "sin": sympy.sin,
    "cos": sympy.cos,
    "tan": sympy.tan,
    "sec": sympy.sec,
    "csc": sympy.csc,
    "cot": sympy.cot,
    "asin": sympy.asin,
    "acos": sympy.acos,
    "atan": sympy.atan,
    "sinh": sympy.sinh,
    "cosh": sympy.cosh,
    "tanh": sympy.tanh,
    "asinh": sympy.asinh,
    "acosh": sympy.acosh,
    "atanh": sympy.atanh,
    "exp": sympy.exp,
    "ln": sympy.log,
    "log": sympy.log,
    "sqrt": sympy.sqrt,
    "abs": sympy.Abs,
    "sign": sympy.sign,
    "floor": sympy.floor,
    "ceil": sympy.ceiling,
    "factorial": sympy.factorial,
    "binomial": sympy.binomial,
    "root": sympy.root,
    "max": sympy.Max,
    "min": sympy.Min,
    "sigmoid": _sigmoid,
    "softplus": _softplus,
}


def make_symbol(name: str, assumption: Assumption | None) -> sympy.Symbol:
    """A real symbol carrying what the card assumes of it."""
    facts: dict[str, bool] = {"real": True}
    if assumption is not None:
        if assumption.integer:
            facts["integer"] = True
        low, high = assumption.low, assumption.high
        if low is not None and (low > 0 or (low == 0 and assumption.low_open)):
            facts["positive"] = True
        elif low is not None and low >= 0:
            facts["nonnegative"] = True
        if high is not None and (high < 0 or (high == 0 and assumption.high_open)):
            facts["negative"] = True
        elif high is not None and high <= 0:
            facts["nonpositive"] = True
        if assumption.nonzero:
            facts["nonzero"] = True
    return sympy.Symbol(name, **facts)


class Builder:
    """Turns trees into sympy expressions with the card's symbols and definitions."""

    def __init__(
        self,
        definitions: Sequence[Definition] = (),
        assumptions: Sequence[Assumption] = (),
        evaluate: bool = True,
    ) -> None:
        self.defs = {d.name: d for d in definitions}
        self.assumed = {a.name: a for a in assumptions}
        self.evaluate = evaluate
        self.symbols: dict[str, sympy.Symbol] = {}

    def symbol(self, name: str) -> sympy.Symbol:
        if name not in self.symbols:
            self.symbols[name] = make_symbol(name, self.assumed.get(name))
        return self.symbols[name]

    def build(self, node: Node, env: Mapping[str, Any] | None = None) -> Any:
        """A sympy expression (or Eq, or tuple of them) for the tree."""
        return self._b(node, env or {})

    def _b(self, node: Node, env: Mapping[str, Any]) -> Any:
        b, ev = self._b, self.evaluate
        match node:
            case Num(text):
                return sympy.Rational(text) if ("." in text or "e" in text) else sympy.Integer(text)
            case Sym(name):
                if name in env:
                    return env[name]
                d = self.defs.get(name)
                if d is not None and not d.params:
                    return b(d.body, {})
                return self.symbol(name)
            case Const("e"):
                return sympy.E
            case Const("pi"):
                return sympy.pi
            case Const(_):
                return sympy.oo
            case Neg(a):
                return sympy.Mul(-1, b(a, env), evaluate=ev)
            case Add(x, y):
                return sympy.Add(b(x, env), b(y, env), evaluate=ev)
            case Sub(x, y):
                return sympy.Add(b(x, env), sympy.Mul(-1, b(y, env), evaluate=ev), evaluate=ev)
            case Mul(x, y, _):
                return sympy.Mul(b(x, env), b(y, env), evaluate=ev)
            case Div(x, y):
                return sympy.Mul(b(x, env), sympy.Pow(b(y, env), -1, evaluate=ev), evaluate=ev)
            case Pow(Const("e"), y):
                return sympy.exp(b(y, env), evaluate=ev)
            case Pow(x, y):
                return sympy.Pow(b(x, env), b(y, env), evaluate=ev)
            case Fact(a):
                return sympy.factorial(b(a, env), evaluate=ev)
            case Abs(a):
                return sympy.Abs(b(a, env), evaluate=ev)
            case Call(name, args):
                values = [b(a, env) for a in args]
                d = self.defs.get(name)
                if d is not None:
                    return b(d.body, d.bind(values))
                return FUNCTIONS[name](*values, evaluate=ev)
            case Eq(x, y):
                return sympy.Eq(b(x, env), b(y, env), evaluate=False)
            case Tuple(items):
                return tuple(b(i, env) for i in items)
        raise TypeError(f"not a tree node: {node!r}")
