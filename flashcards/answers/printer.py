"""Show a tree unambiguously: a dot for every product, parentheses wherever they matter.

The rendering reads back to the same value, so a learner sees how an answer was read.
"""

from __future__ import annotations

from flashcards.answers.names import GREEK_SYMBOL
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


def display_name(name: str) -> str:
    base, _, sub = name.partition("_")
    base = GREEK_SYMBOL.get(base, base)
    if sub and len(sub) > 1 and not sub.isdigit():
        return f"{base}_{{{sub}}}"
    return f"{base}_{sub}" if sub else base


def _prec(node: Node) -> int:
    match node:
        case Tuple():
            return -1
        case Eq():
            return 0
        case Add() | Sub():
            return 1
        case Neg():
            return 2
        case Mul() | Div():
            return 3
        case Pow():
            return 4
        case Fact():
            return 5
    return 6


def pretty(node: Node) -> str:
    """Render a tree with a dot for every product and parentheses wherever they matter."""

    def wrap(child: Node, ok: bool) -> str:
        text = pretty(child)
        return text if ok else f"({text})"

    match node:
        case Num(text):
            return text
        case Sym(name):
            return display_name(name)
        case Const(name):
            return {"e": "e", "pi": "π", "oo": "∞"}[name]
        case Neg(arg):
            return "-" + wrap(arg, _prec(arg) >= 3)
        case Add(a, b):
            return f"{wrap(a, _prec(a) >= 1)} + {wrap(b, _prec(b) >= 1 and _prec(b) != 2)}"
        case Sub(a, b):
            return f"{wrap(a, _prec(a) >= 1)} - {wrap(b, _prec(b) >= 3)}"
        case Mul(a, b, _):
            left = wrap(a, _prec(a) >= 3 and not isinstance(a, Div))
            right = wrap(b, _prec(b) >= 3 and not isinstance(b, Div))
            return f"{left}·{right}"
        case Div(a, b):
            left = wrap(a, _prec(a) >= 3)
            return f"{left}/{wrap(b, _prec(b) >= 4)}"
        case Pow(a, b):
            return f"{wrap(a, _prec(a) >= 5)}^{wrap(b, _prec(b) >= 4)}"
        case Fact(arg):
            return wrap(arg, _prec(arg) >= 6) + "!"
        case Abs(arg):
            return f"|{pretty(arg)}|"
        case Call("log", (arg, base)):
            return (
                f"log_{pretty(base)}({pretty(arg)})"
                if isinstance(base, Num | Sym)
                else (f"log({pretty(arg)})/log({pretty(base)})")
            )
        case Call("root", (arg, index)):
            return f"root({pretty(arg)}, {pretty(index)})"
        case Call(name, args):
            return f"{display_name(name)}({', '.join(pretty(a) for a in args)})"
        case Eq(a, b):
            return f"{pretty(a)} = {pretty(b)}"
        case Tuple(items):
            return ", ".join(pretty(i) for i in items)
    raise TypeError(f"not a tree node: {node!r}")
