"""What keeps hostile input cheap: the caps on text and trees, checked before any CAS work.

A text is refused here when it is too long, holds invisible or control characters or nests
too deeply; a tree when its size, exponents, factorials or power towers could keep a CAS
busy for minutes. Both raise `ReadError`, the one error of reading.
"""

from __future__ import annotations

import math
import unicodedata

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
    children,
)

#: Longest answer a learner may type, and longest expected answer a deck may give.
LEARNER_LIMIT = 300
DECK_LIMIT = 1000
#: Deepest nesting of brackets, bars and fractions, and of the parser's recursion.
MAX_DEPTH = 30
#: Largest constant exponent, constant factorial argument and digits in one number.
MAX_EXPONENT = 10_000
MAX_FACTORIAL = 1000
MAX_DIGITS = 30
#: Highest power tower (`a^b^c` is 3 levels) and largest constant result, in decimal digits.
MAX_TOWER = 3
MAX_RESULT_DIGITS = 10000
#: Most nodes in one tree.
MAX_NODES = 1500


class ReadError(ValueError):
    """Text that cannot be read, with the 0-based position of the problem."""

    def __init__(self, message: str, position: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.position = position


def check_characters(text: str, limit: int) -> None:
    """Refuse text that is too long, or has control, format, private-use or odd characters."""
    if len(text) > limit:
        raise ReadError(
            f"the answer is too long ({len(text):,} characters; at most {limit:,} are read)"
        )
    depth = 0
    for i, ch in enumerate(text):
        if ch in "\t\n\r":
            continue
        cat = unicodedata.category(ch)
        if cat in ("Cc", "Cf", "Cs", "Co", "Cn"):
            raise ReadError(f"invisible or control character U+{ord(ch):04X} is not allowed", i)
        if ch in "([{":
            depth += 1
            if depth > MAX_DEPTH:
                raise ReadError(f"brackets nested too deeply (at most {MAX_DEPTH} levels)", i)
        elif ch in ")]}":
            depth = max(0, depth - 1)


def constant_value(node: Node) -> float | None:
    """A float for a constant subtree (inf when huge), or None when it has variables."""
    try:
        return _fv(node)
    except (OverflowError, ZeroDivisionError, ValueError):
        return math.inf
    except _HasVariables:
        return None


class _HasVariables(Exception):
    pass


_FLOAT_FUNCS = {
    "sin": math.sin,
    "cos": math.cos,
    "tan": math.tan,
    "exp": math.exp,
    "sqrt": math.sqrt,
    "ln": math.log,
    "abs": abs,
    "sinh": math.sinh,
    "cosh": math.cosh,
    "tanh": math.tanh,
    "atan": math.atan,
}


def _fv(node: Node) -> float:
    match node:
        case Num(text):
            return float(text)
        case Const(name):
            return {"e": math.e, "pi": math.pi}.get(name, math.inf)
        case Sym():
            raise _HasVariables
        case Neg(arg):
            return -_fv(arg)
        case Add(a, b):
            return _fv(a) + _fv(b)
        case Sub(a, b):
            return _fv(a) - _fv(b)
        case Mul(a, b):
            return _fv(a) * _fv(b)
        case Div(a, b):
            return _fv(a) / _fv(b)
        case Pow(a, b):
            base, exp = _fv(a), _fv(b)
            if abs(exp) > MAX_RESULT_DIGITS * 10 or (
                base != 0 and abs(exp) * math.log10(abs(base) + 1e-300) > 300
            ):
                return math.inf
            return float(abs(base) ** exp)
        case Fact(arg):
            value = _fv(arg)
            return math.inf if value > 170 else math.gamma(max(value, 0) + 1)
        case Abs(arg):
            return abs(_fv(arg))
        case Call(name, args):
            values = [_fv(a) for a in args]
            func = _FLOAT_FUNCS.get(name)
            if func is None:
                return max(abs(v) for v in values)  # a rough size is enough here
            return float(func(values[0]))
        case _:
            raise _HasVariables


def _tower(node: Node) -> int:
    """Height of the highest power tower in a tree (`x^2` is 1, `a^b^c` is 2, exp counts)."""
    match node:
        case Pow(base, exp):
            return max(_tower(base), 1 + _tower(exp))
        case Call("exp", (arg,)):
            return 1 + _tower(arg)
    return max((_tower(child) for child in children(node)), default=0)


def check_limits(tree: Node) -> None:
    """Refuse trees whose size, exponents, factorials or towers could run a CAS for ages."""
    if _tower(tree) > MAX_TOWER:
        raise ReadError(f"power tower too tall (at most {MAX_TOWER} levels)")
    count = 0
    stack: list[Node] = [tree]
    while stack:
        node = stack.pop()
        count += 1
        if count > MAX_NODES:
            raise ReadError(f"too large (more than {MAX_NODES} parts)")
        match node:
            case Pow(base, exp):
                e = constant_value(exp)
                if e is not None and (math.isinf(e) or math.isnan(e) or abs(e) > MAX_EXPONENT):
                    raise ReadError(f"exponent too large (at most {MAX_EXPONENT})")
                b = constant_value(base)
                if b is not None and e is not None and b != 0 and not math.isinf(b):
                    if abs(e) * math.log10(abs(b)) > MAX_RESULT_DIGITS:
                        raise ReadError("number too large")
                elif b is not None and math.isinf(b):
                    raise ReadError("number too large")
            case Call("exp" | "sinh" | "cosh", (arg,)):
                v = constant_value(arg)
                if v is not None and (math.isnan(v) or abs(v) > MAX_RESULT_DIGITS):
                    raise ReadError("number too large")
            case Fact(arg) | Call("factorial", (arg,)):
                v = constant_value(arg)
                if v is not None and (math.isnan(v) or v > MAX_FACTORIAL):
                    raise ReadError(f"factorial too large (at most {MAX_FACTORIAL}!)")
            case Call("binomial", (n, _)):
                v = constant_value(n)
                if v is not None and (math.isnan(v) or abs(v) > 10**6):
                    raise ReadError("binomial coefficient too large")
        stack.extend(children(node))
