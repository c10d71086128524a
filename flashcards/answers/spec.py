"""A card's declarations (definitions, assumptions, names) read into plain data, and the job
that the checker runs: everything here is grammar only, no sympy."""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TypeVar

from flashcards.answers.grammar import Context, make_context, parse
from flashcards.answers.limits import DECK_LIMIT, ReadError, constant_value
from flashcards.answers.names import function_key
from flashcards.answers.tree import Call, Eq, Node, Sym, Tuple, symbols, walk
from flashcards.cards import ANSWER_FORMS, ANSWER_MODES
from flashcards.mathspans import strip_math_delimiters

V = TypeVar("V")

MODES = ANSWER_MODES
FORMS = ANSWER_FORMS


@dataclass(frozen=True, slots=True)
class Definition:
    """A function (`sigma(x) = ...`) or a named value (`c = 3`) the card defines."""

    name: str
    params: tuple[str, ...]
    body: Node

    def bind(self, values: Iterable[V]) -> dict[str, V]:
        """The parameters bound to `values`: with the card's variables, all a body may see."""
        return dict(zip(self.params, values, strict=True))


@dataclass(frozen=True, slots=True)
class Assumption:
    """What is assumed of one variable: integer or real, within bounds."""

    name: str
    integer: bool = False
    low: float | None = None
    high: float | None = None
    low_open: bool = True
    high_open: bool = True
    nonzero: bool = False

    def merge(self, other: Assumption) -> Assumption:
        """Both assumptions at once (the tighter bounds)."""
        low, low_open = self.low, self.low_open
        if other.low is not None and (low is None or other.low >= low):
            low, low_open = other.low, other.low_open if other.low != low else low_open
        high, high_open = self.high, self.high_open
        if other.high is not None and (high is None or other.high <= high):
            high, high_open = other.high, other.high_open if other.high != high else high_open
        return Assumption(
            self.name,
            self.integer or other.integer,
            low,
            high,
            low_open,
            high_open,
            self.nonzero or other.nonzero,
        )


@dataclass(frozen=True, slots=True)
class Job:
    """Everything one check needs, as plain picklable data."""

    expected: Node
    given: Node
    definitions: tuple[Definition, ...] = ()
    assumptions: tuple[Assumption, ...] = ()
    mode: str = "expression"
    form: str | None = None
    rel_tol: float | None = None
    abs_tol: float | None = None
    seed: int = 0
    #: Compare numbers after rounding both to this many significant figures.
    sig_figs: int | None = None


class SpecError(ValueError):
    """A card declaration that cannot be used."""


_DEF = re.compile(r"^\s*(\\?[A-Za-z]+|[α-ωΑ-Ω])\s*(?:\(([^()]*)\))?\s*=(?!=)(.*)$", re.S)


def _name_of(text: str, ctx: Context) -> str:
    """The canonical variable name of `text` (`\\mu_1`, `mu1`, `μ1` are all `mu_1`)."""
    try:
        node = parse(text.strip(), ctx, limit=60)
    except ReadError as error:
        raise SpecError(f"'{text.strip()}' is not a name: {error.message}") from None
    if not isinstance(node, Sym):
        raise SpecError(f"'{text.strip()}' is not a variable name")
    return node.name


def parse_definitions(
    definitions: Iterable[str], names: Iterable[str] = ()
) -> tuple[tuple[Definition, ...], dict[str, int]]:
    """Read `name(params) = body` lines; each may use the ones before it."""
    defs: list[Definition] = []
    functions: dict[str, int] = {}
    names = tuple(names)
    for text in definitions:
        if not isinstance(text, str):
            raise SpecError(f"a definition must be text, not {type(text).__name__}")
        text = strip_math_delimiters(text)
        m = _DEF.match(text)
        if not m:
            raise SpecError(f"cannot read definition '{text}': write it as f(x) = ... or c = ...")
        name = function_key(m.group(1))
        if name in ("e", "pi") or name in [d.name for d in defs]:
            raise SpecError(f"'{name}' cannot be defined (again)")
        params_text = m.group(2)
        ctx = make_context(names, functions)
        params: tuple[str, ...] = ()
        if params_text is not None:
            params = tuple(_name_of(p, ctx) for p in params_text.split(","))
            if len(set(params)) != len(params):
                raise SpecError(f"definition of {name}: a parameter is repeated")
        body_ctx = make_context((*names, *params), functions)
        try:
            body = parse(m.group(3).strip(), body_ctx, limit=DECK_LIMIT)
        except ReadError as error:
            raise SpecError(f"cannot read the definition of {name}: {error.message}") from None
        if isinstance(body, Eq | Tuple):
            raise SpecError(f"the definition of {name} must be one expression")
        defs.append(Definition(name, params, body))
        if params:
            functions[name] = len(params)
    return tuple(defs), functions


_WORDS = {
    "real": {},
    "positive": {"low": 0.0, "low_open": True},
    "negative": {"high": 0.0, "high_open": True},
    "nonnegative": {"low": 0.0, "low_open": False},
    "nonpositive": {"high": 0.0, "high_open": False},
    "nonzero": {"nonzero": True},
    "integer": {"integer": True},
    "natural": {"integer": True, "low": 0.0, "low_open": False},
}
_OPS = {">=": ">=", "≥": ">=", "<=": "<=", "≤": "<=", ">": ">", "<": "<", "!=": "!=", "≠": "!="}


def _number(text: str, ctx: Context) -> float:
    try:
        value = constant_value(parse(text.strip(), ctx, limit=60))
    except ReadError as error:
        raise SpecError(f"'{text.strip()}' is not a number: {error.message}") from None
    if value is None or math.isnan(value):
        raise SpecError(f"'{text.strip()}' is not a number")
    return value


def _bound(name: str, op: str, value: float) -> Assumption:
    if op == ">":
        return Assumption(name, low=value, low_open=True)
    if op == ">=":
        return Assumption(name, low=value, low_open=False)
    if op == "<":
        return Assumption(name, high=value, high_open=True)
    if op == "<=":
        return Assumption(name, high=value, high_open=False)
    return Assumption(name, nonzero=True)


def parse_assumption(text: str, names: Iterable[str] = ()) -> list[Assumption]:
    """Read one assumption: `x > 0`, `n positive integer`, `p in (0, 1)`, `0 < p < 1`."""
    if not isinstance(text, str):
        raise SpecError(f"an assumption must be text, not {type(text).__name__}")
    ctx = make_context(names)
    s = strip_math_delimiters(text).replace("\\in", " in ").replace("∈", " in ")
    for latex, op in (("\\geq", "≥"), ("\\ge", "≥"), ("\\leq", "≤"), ("\\le", "≤"), ("\\neq", "≠")):
        s = s.replace(latex, op)
    s = s.strip()
    # p in (0, 1)
    m = re.match(r"^(.+?)\s+in\s*([(\[])(.+),(.+)([)\]])$", s)
    if m:
        low, high = _number(m.group(3), ctx), _number(m.group(4), ctx)
        if not low < high:
            raise SpecError(f"empty interval in '{text}'")
        return [
            Assumption(_name_of(n, ctx), False, low, high, m.group(2) == "(", m.group(5) == ")")
            for n in m.group(1).split(",")
        ]
    # 0 < p < 1
    parts = re.split(r"(>=|<=|!=|≥|≤|≠|>|<)", s)
    if len(parts) == 5 and _OPS.get(parts[1]) in ("<", "<=") and parts[1][0] == parts[3][0]:
        name = _name_of(parts[2], ctx)
        low, high = _number(parts[0], ctx), _number(parts[4], ctx)
        return [Assumption(name, False, low, high, _OPS[parts[1]] == "<", _OPS[parts[3]] == "<")]
    if len(parts) == 3:
        op = _OPS[parts[1]]
        try:
            value = _number(parts[0], ctx)
        except SpecError:
            return [
                _bound(_name_of(n, ctx), op, _number(parts[2], ctx)) for n in parts[0].split(",")
            ]
        flipped = {">": "<", "<": ">", ">=": "<=", "<=": ">=", "!=": "!="}[op]  # 0 < x
        return [_bound(_name_of(n, ctx), flipped, value) for n in parts[2].split(",")]
    # x, y positive integer
    words = s.split()
    traits = []
    while words and words[-1].lower() in _WORDS:
        traits.append(words.pop().lower())
    if not traits or not words:
        raise SpecError(
            f"cannot read assumption '{text}': write x > 0, n positive integer or p in (0, 1)"
        )
    result = []
    for n in " ".join(words).split(","):
        a = Assumption(_name_of(n, ctx))
        for trait in traits:
            a = a.merge(Assumption(a.name, **_WORDS[trait]))
        result.append(a)
    return result


def parse_assumptions(texts: Iterable[str], names: Iterable[str] = ()) -> tuple[Assumption, ...]:
    """All assumptions of a card, merged per variable."""
    if isinstance(texts, str):
        texts = (texts,)
    merged: dict[str, Assumption] = {}
    for text in texts:
        for a in parse_assumption(text, names):
            merged[a.name] = merged[a.name].merge(a) if a.name in merged else a
    for a in merged.values():
        if a.low is not None and a.high is not None and a.low >= a.high:
            raise SpecError(f"the assumptions on {a.name} leave no value")
    return tuple(merged.values())


#: Most significant figures a card may ask for (the checker works with 30 digits).
MAX_SIG_FIGS = 15


def check_options(
    mode: str,
    form: str | None,
    rel_tol: float | None,
    abs_tol: float | None,
    sig_figs: int | None = None,
) -> None:
    """Refuse an unknown mode or form, a negative tolerance, or unusable significant figures."""
    if mode not in MODES:
        raise SpecError(f"unknown mode '{mode}': use one of {', '.join(MODES)}")
    if form is not None and form not in FORMS:
        raise SpecError(f"unknown form '{form}': use one of {', '.join(FORMS)}")
    for name, tol in (("rel_tol", rel_tol), ("abs_tol", abs_tol)):
        if tol is not None and (
            isinstance(tol, bool)
            or not isinstance(tol, int | float)
            or not math.isfinite(tol)
            or tol < 0
        ):
            raise SpecError(f"{name} must be a number of at least 0")
    if sig_figs is not None:
        if isinstance(sig_figs, bool) or not isinstance(sig_figs, int):
            raise SpecError(f"sig_figs must be a whole number from 1 to {MAX_SIG_FIGS}")
        if not 1 <= sig_figs <= MAX_SIG_FIGS:
            raise SpecError(f"sig_figs must be a whole number from 1 to {MAX_SIG_FIGS}")
        if rel_tol is not None or abs_tol is not None:
            raise SpecError("sig_figs replaces rel_tol and abs_tol: give one or the other")


def free_names(
    node: Node, definitions: Mapping[str, Definition] | Iterable[Definition]
) -> set[str]:
    """The variables a tree uses once the card's definitions are expanded."""
    defs = definitions if isinstance(definitions, Mapping) else {d.name: d for d in definitions}
    out: set[str] = set()
    seen: set[str] = set()

    def visit(n: Node, bound: frozenset[str]) -> None:
        for name in symbols(n):
            if name in defs and not defs[name].params:
                if name not in seen:
                    seen.add(name)
                    visit(defs[name].body, frozenset())
            elif name not in bound:
                out.add(name)
        for sub in walk(n):
            if isinstance(sub, Call) and sub.name in defs and sub.name not in seen:
                seen.add(sub.name)
                d = defs[sub.name]
                visit(d.body, frozenset(d.params))

    visit(node, frozenset())
    return out


__all__ = [
    "FORMS",
    "MODES",
    "Assumption",
    "Definition",
    "Job",
    "SpecError",
    "check_options",
    "free_names",
    "parse_assumption",
    "parse_assumptions",
    "parse_definitions",
]
