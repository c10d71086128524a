"""The tree that typed math is read into: small frozen dataclasses, and ways to walk it.

Every other answer module works on these nodes; only `grammar` makes them from text.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, fields, replace


@dataclass(frozen=True, slots=True)
class Num:
    """A decimal number as written (`2`, `0.5`)."""

    text: str


@dataclass(frozen=True, slots=True)
class Sym:
    """A variable: `x`, `x_1`, `mu`, `mu_1`, or a declared multi-letter name."""

    name: str


@dataclass(frozen=True, slots=True)
class Const:
    """A named constant: `e`, `pi` or `oo` (infinity)."""

    name: str


@dataclass(frozen=True, slots=True)
class Neg:
    arg: Node


@dataclass(frozen=True, slots=True)
class Add:
    left: Node
    right: Node


@dataclass(frozen=True, slots=True)
class Sub:
    left: Node
    right: Node


@dataclass(frozen=True, slots=True)
class Mul:
    left: Node
    right: Node
    #: True for juxtaposition (`2x`), which binds tighter than `/`.
    implicit: bool = False


@dataclass(frozen=True, slots=True)
class Div:
    left: Node
    right: Node


@dataclass(frozen=True, slots=True)
class Pow:
    base: Node
    exp: Node


@dataclass(frozen=True, slots=True)
class Fact:
    arg: Node


@dataclass(frozen=True, slots=True)
class Abs:
    arg: Node


@dataclass(frozen=True, slots=True)
class Call:
    """A function applied to arguments: built-in (`sin`) or defined by the card (`sigma`)."""

    name: str
    args: tuple[Node, ...]


@dataclass(frozen=True, slots=True)
class Eq:
    left: Node
    right: Node


@dataclass(frozen=True, slots=True)
class Tuple:
    """Several answers: `a, b` (only as the whole input)."""

    items: tuple[Node, ...]


Node = Num | Sym | Const | Neg | Add | Sub | Mul | Div | Pow | Fact | Abs | Call | Eq | Tuple


def children(node: Node) -> tuple[Node, ...]:
    """The direct subtrees of a node, in order."""
    match node:
        case Neg(a) | Fact(a) | Abs(a):
            return (a,)
        case Add(a, b) | Sub(a, b) | Mul(a, b, _) | Div(a, b) | Eq(a, b):
            return (a, b)
        case Pow(a, b):
            return (a, b)
        case Call(_, args):
            return args
        case Tuple(items):
            return items
    return ()


def walk(node: Node) -> Iterable[Node]:
    """Every node of a tree, parents first."""
    stack = [node]
    while stack:
        current = stack.pop()
        yield current
        stack.extend(reversed(children(current)))


def rewrite(node: Node, change: Callable[[Node], Node | None]) -> Node:
    """The tree with each outermost subtree that `change` maps to a new tree replaced by it."""
    new = change(node)
    if new is not None:
        return new
    if not children(node):
        return node
    parts = {}
    for f in fields(node):
        value = getattr(node, f.name)
        if isinstance(value, tuple):
            parts[f.name] = tuple(rewrite(v, change) for v in value)
        elif not isinstance(value, str | bool):
            parts[f.name] = rewrite(value, change)
    return replace(node, **parts)


def symbols(node: Node) -> set[str]:
    """The names of the variables a tree uses."""
    return {n.name for n in walk(node) if isinstance(n, Sym)}
