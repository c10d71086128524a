"""Evaluate a tree at a point with real-number semantics, and pick points to compare at.

Real semantics, as WeBWorK uses: the square root or logarithm of a negative number, a
fractional power of a negative base and division by zero are undefined, even where a complex
detour would come back to a real value. Values use mpmath (30 significant digits).
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

import mpmath
from mpmath import mpf

from flashcards.answers.spec import Assumption, Definition
from flashcards.answers.tree import (
    Abs,
    Add,
    Call,
    Const,
    Div,
    Fact,
    Mul,
    Neg,
    Node,
    Num,
    Pow,
    Sub,
    Sym,
)

#: Working precision, in decimal digits.
DPS = 30
#: Values beyond 10^LIMIT count as overflow (undefined), which keeps big-number work cheap.
LIMIT = 5000
_BIG = mpf(10) ** LIMIT
_LN_BIG = LIMIT * mpmath.log(10)


class Undefined(ArithmeticError):
    """The tree has no real value at this point."""


Point = dict[str, mpf]


@dataclass(slots=True)
class Comparison:
    """Result of comparing two expressions: the values at the sampled points, for feedback."""

    equal: bool
    reason: str = ""
    names: list[str] = field(default_factory=list)
    points: list[Point] = field(default_factory=list)
    expected_values: list[mpf] = field(default_factory=list)
    given_values: list[mpf] = field(default_factory=list)


def _check(value: mpf) -> mpf:
    if not isinstance(value, mpf):
        raise Undefined("not a real number")
    if mpmath.isnan(value) or mpmath.isinf(value) or abs(value) > _BIG:
        raise Undefined("overflow")
    return value


def _pow(base: mpf, exp: mpf) -> mpf:
    if base == 0:
        if exp < 0:
            raise Undefined("division by zero")
        return mpf(1) if exp == 0 else mpf(0)
    if abs(exp) * abs(mpmath.log(abs(base))) > _LN_BIG:
        raise Undefined("overflow")
    if base < 0:
        if not mpmath.isint(exp):
            raise Undefined("fractional power of a negative number")
        return _check(mpmath.power(base, int(exp)))
    return _check(mpmath.power(base, exp))


def _factorial(x: mpf) -> mpf:
    if x > 1000:
        raise Undefined("overflow")
    if mpmath.isint(x) and x < 0:
        raise Undefined("factorial of a negative integer")
    return _check(mpmath.factorial(x))


def _log(x: mpf) -> mpf:
    if x <= 0:
        raise Undefined("log of a number that is not positive")
    return mpmath.log(x)


def _sqrt(x: mpf) -> mpf:
    if x < 0:
        raise Undefined("square root of a negative number")
    return mpmath.sqrt(x)


def _inside(low: float, high: float) -> Callable[[Callable[[mpf], mpf]], Callable[[mpf], mpf]]:
    def wrap(func: Callable[[mpf], mpf]) -> Callable[[mpf], mpf]:
        def checked(x: mpf) -> mpf:
            if not low <= x <= high:
                raise Undefined("outside the function's domain")
            return func(x)

        return checked

    return wrap


def _recip(func: Callable[[mpf], mpf]) -> Callable[[mpf], mpf]:
    def inverse(x: mpf) -> mpf:
        value = func(x)
        if value == 0:
            raise Undefined("division by zero")
        return 1 / value

    return inverse


def _exp(x: mpf) -> mpf:
    if x > _LN_BIG:
        raise Undefined("overflow")
    return mpmath.exp(x)


def _root(x: mpf, n: mpf) -> mpf:
    if n == 0:
        raise Undefined("zeroth root")
    if x < 0:
        if mpmath.isint(n) and int(n) % 2:
            return -mpmath.root(-x, int(n))
        raise Undefined("even root of a negative number")
    return _pow(x, 1 / n)


def _binomial(n: mpf, k: mpf) -> mpf:
    if abs(n) > 10**6:
        raise Undefined("overflow")
    return mpmath.binomial(n, k)


def _sigmoid(x: mpf) -> mpf:
    """The logistic function 1/(1 + e^-x), computed without overflow on either side."""
    if x >= 0:
        return 1 / (1 + mpmath.exp(-x))
    t = mpmath.exp(x)
    return t / (1 + t)


def _softplus(x: mpf) -> mpf:
    """log(1 + e^x), computed without overflow for large x."""
    return max(x, mpf(0)) + mpmath.log1p(mpmath.exp(-abs(x)))


FUNCS: dict[str, Callable[..., mpf]] = {
    "sin": mpmath.sin,
    "cos": mpmath.cos,
    "tan": mpmath.tan,
    "sec": _recip(mpmath.cos),
    "csc": _recip(mpmath.sin),
    "cot": _recip(mpmath.tan),
    "asin": _inside(-1, 1)(mpmath.asin),
    "acos": _inside(-1, 1)(mpmath.acos),
    "atan": mpmath.atan,
    "sinh": mpmath.sinh,
    "cosh": mpmath.cosh,
    "tanh": mpmath.tanh,
    "asinh": mpmath.asinh,
    "acosh": _inside(1, float("inf"))(mpmath.acosh),
    "atanh": _inside(-1, 1)(mpmath.atanh),
    "exp": _exp,
    "ln": _log,
    "log": _log,
    "sqrt": _sqrt,
    "abs": abs,
    "sign": mpmath.sign,
    "floor": mpmath.floor,
    "ceil": mpmath.ceil,
    "factorial": _factorial,
    "binomial": _binomial,
    "root": _root,
    "max": max,
    "min": min,
    "sigmoid": _sigmoid,
    "softplus": _softplus,
}


class Evaluator:
    """Evaluates trees with the card's definitions expanded."""

    def __init__(self, definitions: Sequence[Definition] = ()) -> None:
        self.defs = {d.name: d for d in definitions}
        #: The point being evaluated at: a definition's body sees it, not its caller's names.
        self._point: Mapping[str, mpf] = {}

    def value(self, node: Node, point: Mapping[str, mpf]) -> mpf:
        """The real value of `node` at `point`, or raise Undefined."""
        self._point = point
        with mpmath.workdps(DPS):
            try:
                return _check(self._ev(node, point))
            except (ZeroDivisionError, ValueError, OverflowError, TypeError) as error:
                raise Undefined(str(error)) from None

    def _ev(self, node: Node, env: Mapping[str, mpf]) -> mpf:
        ev = self._ev
        match node:
            case Num(text):
                return mpf(text)
            case Sym(name):
                if name in env:
                    return env[name]
                d = self.defs.get(name)
                if d is not None and not d.params:
                    return ev(d.body, self._point)
                raise Undefined(f"no value for {name}")
            case Const("e"):
                return +mpmath.e
            case Const("pi"):
                return +mpmath.pi
            case Const():
                raise Undefined("infinity")
            case Neg(a):
                return -ev(a, env)
            case Add(a, b):
                return _check(ev(a, env) + ev(b, env))
            case Sub(a, b):
                return _check(ev(a, env) - ev(b, env))
            case Mul(a, b, _):
                return _check(ev(a, env) * ev(b, env))
            case Div(a, b):
                den = ev(b, env)
                if den == 0:
                    raise Undefined("division by zero")
                return _check(ev(a, env) / den)
            case Pow(Const("e"), b):
                return _exp(ev(b, env))
            case Pow(a, b):
                return _pow(ev(a, env), ev(b, env))
            case Fact(a):
                return _factorial(ev(a, env))
            case Abs(a):
                return abs(ev(a, env))
            case Call("log", (a, base)):
                b = _log(ev(base, env))
                if b == 0:
                    raise Undefined("logarithm base 1")
                return _log(ev(a, env)) / b
            case Call(name, args):
                values = [ev(a, env) for a in args]
                d = self.defs.get(name)
                if d is not None:
                    return _check(ev(d.body, {**self._point, **d.bind(values)}))
                return _check(mpf(FUNCS[name](*values)))
        raise Undefined(f"cannot evaluate {type(node).__name__}")


def _interval(a: Assumption | None, spread: float) -> tuple[float, float]:
    """Where to sample a variable: inside its bounds, near zero first, wider with `spread`."""
    low = None if a is None else a.low
    high = None if a is None else a.high
    if low is not None and high is not None:
        return low, high
    if low is not None:
        return low, low + spread * 1.5
    if high is not None:
        return high - spread * 1.5, high
    return -spread, spread


def _integer_bounds(a: Assumption, spread: float) -> tuple[int, int]:
    """The smallest and largest integer a variable may take in one round of sampling."""
    lo = hi = None
    if a.low is not None:
        lo = math.floor(a.low) + 1 if a.low_open or a.low != math.floor(a.low) else int(a.low)
    if a.high is not None:
        hi = math.ceil(a.high) - 1 if a.high_open or a.high != math.ceil(a.high) else int(a.high)
    size = max(6, int(spread * 3))
    if lo is None and hi is None:
        return -size, size
    if lo is None:
        return hi - 2 * size, hi
    if hi is None:
        return lo, lo + 2 * size
    return lo, max(lo, hi)


def sample_point(
    names: Sequence[str], assumptions: Mapping[str, Assumption], rng: random.Random, spread: float
) -> Point:
    """One random point for `names`, within their assumptions."""
    point: Point = {}
    for name in names:
        a = assumptions.get(name)
        lo, hi = _interval(a, spread)
        if a is not None and a.integer:
            ilo, ihi = _integer_bounds(a, spread)
            value = mpf(rng.randint(ilo, ihi))
            if a.nonzero and value == 0:
                value = mpf(1) if ihi >= 1 else mpf(-1)
        else:
            # Stay off the bounds, where functions often stop being defined.
            width = hi - lo
            value = mpf(lo + width * (0.02 + 0.96 * rng.random()))
        point[name] = value
    return point


#: How widely the rounds of sampling spread, and how many tries each gets.
SPREADS = (2.0, 2.0, 10.0, 0.5, 50.0)


def sample_points(
    names: Sequence[str],
    assumptions: Mapping[str, Assumption],
    rng: random.Random,
    defined: Callable[[Point], bool],
    want: int = 10,
    tries: int = 60,
) -> list[Point]:
    """Up to `want` points where `defined` holds, trying near zero first, then wider."""
    points: list[Point] = []
    for spread in SPREADS:
        for _ in range(tries):
            point = sample_point(names, assumptions, rng, spread)
            if defined(point):
                points.append(point)
                if len(points) >= want:
                    return points
        if len(points) >= want // 2 and spread >= 10:
            break
    return points


def round_to_figures(value: mpf, figures: int) -> Decimal:
    """`value` rounded to `figures` significant figures, halves away from zero (`2.5` -> 3).

    The decimal digits come from 25 of the 30 working digits, so a typed `0.15` rounds as
    written rather than as its nearest binary value.
    """
    exact = Decimal(mpmath.nstr(value, 25, min_fixed=-30, max_fixed=30))
    if exact == 0:
        return Decimal(0)
    step = Decimal(1).scaleb(exact.adjusted() - figures + 1)
    return exact.quantize(step, rounding=ROUND_HALF_UP)


def close(a: mpf, b: mpf, rel_tol: float, abs_tol: float) -> bool:
    """Whether `b` is within tolerance of `a` (the expected value)."""
    return abs(a - b) <= max(rel_tol * abs(a), abs_tol)
