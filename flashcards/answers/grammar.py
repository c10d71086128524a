"""Read typed math and LaTeX into a small plain tree, without sympy and without `eval`.

The reading rules, in short (docs/answers.md has the long version):

- Implicit multiplication (`2x`, `2 x`, `x(x+1)`, `(a)(b)`) binds tighter than `*` and `/`,
  so `1/2x` is `1/(2·x)`, as in WeBWorK. The reading is always shown.
- Letters typed together are split into known names and single letters (`2xy` is 2·x·y,
  `sinx` is sin(x), `2pix` is 2·π·x); a run of four or more single letters that is no known
  name is rejected as an unknown word (`eval`, `abcd`).
- A name followed by digits or `_` carries a subscript: `x1`, `x_1` and `x_{1}` are one name.
- `e` is Euler's number, `pi`/`π` is π; Greek names (`sigma`, `lambda`, ...) are letters.
- Functions without parentheses take the product that follows: `\\sin 2x` is sin(2·x).

Every limit that keeps hostile input cheap (`limits.py`) is checked on the way, before any CAS
sees the text.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from flashcards.answers.limits import (
    DECK_LIMIT,
    LEARNER_LIMIT,
    MAX_DEPTH,
    MAX_DIGITS,
    ReadError,
    check_characters,
    check_limits,
)
from flashcards.answers.names import (
    CONSTANT_WORDS,
    FUNCTION_ALIASES,
    FUNCTIONS,
    GREEK,
    GREEK_ALIASES,
    GREEK_LETTERS,
    GREEK_SYMBOL,
    INVERSES,
    LATEX_IGNORED,
    LATEX_OPS,
    LATEX_SPECIAL,
    RESERVED,
    SUPERSCRIPTS,
    UNICODE_OPS,
    canonical_function,
    function_key,
)
from flashcards.answers.printer import pretty
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
    walk,
)
from flashcards.mathspans import strip_math_delimiters

#: Arity of a function named without one (`functions=["f"]`): any number of arguments.
ANY_ARITY = 0

# ---------------------------------------------------------------------------------------------
# Errors and readings


@dataclass(frozen=True, slots=True)
class Reading:
    """How a text was read: the tree and its unambiguous rendering, or the problem."""

    text: str
    tree: Node | None = None
    pretty: str = ""
    error: str | None = None
    #: 0-based position in `text` of the problem, when it has one.
    position: int | None = None

    @property
    def ok(self) -> bool:
        return self.error is None


# ---------------------------------------------------------------------------------------------
# Tokens


@dataclass(frozen=True, slots=True)
class Token:
    kind: str  # num, name, func, const, op, latex, end
    value: str
    pos: int


@dataclass(frozen=True, slots=True)
class Context:
    """What the reader knows: declared names and functions defined by the card."""

    names: frozenset[str] = frozenset()
    functions: Mapping[str, int] = field(default_factory=dict)

    def known_words(self) -> set[str]:
        words = set(FUNCTIONS) | set(FUNCTION_ALIASES) | set(CONSTANT_WORDS) | set(GREEK)
        words |= set(GREEK_ALIASES) | set(self.names) | set(self.functions)
        return {w for w in words if len(w) > 1}


def _describe_char(ch: str) -> str:
    if ch.isprintable() and not ch.isspace():
        name = unicodedata.name(ch, "")
        return f"'{ch}'" + (f" ({name.lower()})" if ord(ch) > 127 and name else "")
    return f"U+{ord(ch):04X}"


class _Lexer:
    def __init__(self, text: str, ctx: Context) -> None:
        self.text = text
        self.ctx = ctx
        self.words = sorted(ctx.known_words(), key=len, reverse=True)
        self.tokens: list[Token] = []

    def run(self) -> list[Token]:
        text, i, n = self.text, 0, len(self.text)
        while i < n:
            ch = text[i]
            if ch.isspace() or ch == "~":
                i += 1
            elif ch in DIGITS or (ch == "." and i + 1 < n and text[i + 1] in DIGITS):
                i = self._number(i)
            elif ch.isascii() and ch.isalpha():
                i = self._letters(i)
            elif ch in GREEK_LETTERS:
                i = self._subscript(self._add_name(GREEK_LETTERS[ch], i), i + 1)
            elif ch in SUPERSCRIPTS:
                j = i
                while j < n and text[j] in SUPERSCRIPTS:
                    j += 1
                digits = "".join(SUPERSCRIPTS[c] for c in text[i:j])
                self.tokens.append(Token("op", "^", i))
                if digits.startswith("-"):
                    self.tokens.append(Token("op", "-", i))
                    digits = digits[1:]
                if not digits.isdigit():
                    raise ReadError("a superscript needs digits", i)
                self.tokens.append(Token("num", digits, i))
                i = j
            elif ch in UNICODE_OPS:
                self._op(UNICODE_OPS[ch], i)
                i += 1
            elif ch == "*" and text.startswith("**", i):
                self.tokens.append(Token("op", "^", i))
                i += 2
            elif ch == "=" and text.startswith("==", i):
                self.tokens.append(Token("op", "=", i))
                i += 2
            elif ch in "+-*/^!=,()[]{}|":
                self.tokens.append(Token("op", ch, i))
                i += 1
            elif ch == "\\":
                i = self._latex(i)
            elif ch == "_":
                raise ReadError("'_' (a subscript) must follow a name, as in x_1", i)
            else:
                raise ReadError(f"unexpected character {_describe_char(ch)}", i)
        self.tokens.append(Token("end", "", n))
        return self.tokens

    def _op(self, value: str, pos: int) -> None:
        if value == "oo" or value == "pi":
            self.tokens.append(Token("const", value, pos))
        else:
            self.tokens.append(Token("op", value, pos))

    def _number(self, i: int) -> int:
        text, j, n = self.text, i, len(self.text)
        while j < n and text[j] in DIGITS:
            j += 1
        if j < n and text[j] == "." and j + 1 < n and text[j + 1] in DIGITS:
            j += 1
            while j < n and text[j] in DIGITS:
                j += 1
        elif j < n and text[j] == "." and (j + 1 == n or not text[j + 1].isalpha()):
            j += 1  # "2." is 2
        digits = sum(c in DIGITS for c in text[i:j])
        if digits > MAX_DIGITS:
            raise ReadError(f"number too long ({digits} digits; at most {MAX_DIGITS})", i)
        number = text[i:j].rstrip(".")
        # Scientific notation: 1e-3, 2.5E4 (a digit must follow, so 2e^x stays 2·e^x).
        k = j + 1 if j < n and text[j] in "eE" else j
        if k > j and k < n and text[k] in "+-":
            k += 1
        if k > j and k < n and text[k] in DIGITS:
            m = k
            while m < n and text[m] in DIGITS:
                m += 1
            if m - k > 3:
                raise ReadError("exponent of the number too large", j)
            number, j = f"{number}e{text[j + 1 : m]}", m
        self.tokens.append(Token("num", number, i))
        return j

    def _add_name(self, word: str, pos: int) -> Token:
        """Add a token for a name: constant, function or variable."""
        if word in CONSTANT_WORDS:
            token = Token("const", CONSTANT_WORDS[word], pos)
        elif word == "e" and word not in self.ctx.names:
            token = Token("const", "e", pos)
        elif word in self.ctx.functions:
            token = Token("func", word, pos)
        elif canonical_function(word) and word not in self.ctx.names:
            token = Token("func", canonical_function(word) or word, pos)
        else:
            token = Token("name", GREEK_ALIASES.get(word, word), pos)
        self.tokens.append(token)
        return token

    def _letters(self, i: int) -> int:
        text, j = self.text, i
        while j < len(text) and text[j].isascii() and text[j].isalpha():
            j += 1
        run = text[i:j]
        if run in RESERVED and run not in self.ctx.names and run not in self.ctx.functions:
            raise ReadError(f"'{run}' is a word, not math", i)
        k, singles, start = 0, 0, i
        while k < len(run):
            word = next((w for w in self.words if run.startswith(w, k)), None)
            if word is None:
                word = run[k]
                singles += 1
                if singles >= 4:
                    raise ReadError(self._unknown_word(run), start)
            else:
                singles = 0
            self._add_name(word, i + k)
            k += len(word)
        return self._subscript(self.tokens[-1], j)

    def _unknown_word(self, run: str) -> str:
        """What to say of a word the reader does not know: a close name, and the card's."""
        import difflib

        message = f"unknown word '{run}': "
        close = difflib.get_close_matches(run, self.words, n=1, cutoff=0.75)
        if close:
            message += f"did you mean {close[0]}? Or write"
        else:
            message += "write"
        message += " a product with * (like a*b); "
        own = sorted(self.ctx.names) + sorted(f"{f}(...)" for f in self.ctx.functions)
        if not own:
            return message + (
                "this card knows no names of its own, only the built-in functions and Greek letters"
            )
        listed = ", ".join(own[:-1]) + " and " + own[-1] if len(own) > 1 else own[0]
        return (
            message + f"besides the built-in functions and Greek letters, this card knows {listed}"
        )

    def _subscript(self, token: Token, j: int) -> int:
        """Attach digits or `_sub` after a name to it; return the next position."""
        text = self.text
        sub = ""
        if j < len(text) and text[j] in DIGITS and token.kind == "name":
            k = j
            while k < len(text) and text[k] in DIGITS:
                k += 1
            sub, j = text[j:k], k
        elif j < len(text) and text[j] == "_":
            k = j + 1
            while k < len(text) and text[k] == " ":
                k += 1
            if k < len(text) and text[k] == "{":
                end = text.find("}", k)
                if end < 0:
                    raise ReadError("subscript '{' is never closed", k)
                sub, j = text[k + 1 : end].strip(), end + 1
            elif k < len(text) and text[k] == "\\":
                m = k + 1
                while m < len(text) and text[m].isalpha():
                    m += 1
                sub, j = text[k + 1 : m], m
            elif k < len(text) and text[k] in DIGITS:
                m = k
                while m < len(text) and text[m] in DIGITS:
                    m += 1
                sub, j = text[k:m], m
            elif k < len(text) and (text[k].isascii() and text[k].isalpha()):
                sub, j = text[k], k + 1
            else:
                raise ReadError("'_' must be followed by a subscript, as in x_1 or x_{12}", j)
            if not sub or not all(c.isascii() and c.isalnum() for c in sub):
                raise ReadError("a subscript may only hold letters and digits", j - 1)
        if not sub:
            return j
        if token.kind == "const" and token.value == "e":
            raise ReadError("e is Euler's number and takes no subscript", token.pos)
        if token.kind == "func" and token.value != "log":
            raise ReadError(f"{token.value} takes no subscript", token.pos)
        if token.kind == "const":
            raise ReadError(f"{token.value} takes no subscript", token.pos)
        self.tokens[-1] = Token(token.kind, f"{token.value}_{sub}", token.pos)
        return j

    def _latex(self, i: int) -> int:
        text = self.text
        j = i + 1
        if j >= len(text):
            raise ReadError("a lone backslash", i)
        if not text[j].isalpha():
            if text[j] in ",;:! ":
                return j + 1
            if text[j] in "{}":
                self.tokens.append(Token("op", text[j], i))
                return j + 1
            if text[j] == "|":
                raise ReadError("\\| (a norm) is not supported", i)
            raise ReadError(f"unexpected \\{text[j]}", i)
        while j < len(text) and text[j].isalpha():
            j += 1
        command = text[i + 1 : j]
        if command in ("mathrm", "operatorname", "mathit"):
            k = j
            while k < len(text) and text[k] == " ":
                k += 1
            if k < len(text) and text[k] == "{":
                end = text.find("}", k)
                inner = text[k + 1 : end].strip() if end > 0 else ""
                if end < 0 or not inner.isascii() or not inner.isalpha():
                    raise ReadError(f"\\{command}{{...}} must hold a plain name", i)
                return self._subscript(self._add_name(inner, i), end + 1)
            return j
        if command in LATEX_IGNORED:
            return j
        if command in LATEX_OPS:
            self._op(LATEX_OPS[command], i)
            return j
        if command in LATEX_SPECIAL:
            self.tokens.append(Token("latex", command.lstrip("dtc"), i))
            return j
        if command in GREEK or command in GREEK_ALIASES or canonical_function(command):
            return self._subscript(self._add_name(command, i), j)
        if command in ("exp", "ln", "log") or command in self.ctx.functions:
            return self._subscript(self._add_name(command, i), j)
        raise ReadError(f"unknown LaTeX command \\{command}", i)


# ---------------------------------------------------------------------------------------------
# Parser


DIGITS = frozenset("0123456789")
#: Full-width digits (`２`, as some input methods type them) read as ASCII digits, one for
#: one, so positions stay right; full-width letters stay refused.
FULL_WIDTH_DIGITS = str.maketrans("０１２３４５６７８９", "0123456789")
#: Blanks a formula copied off the screen holds where it had spaces: the braille blank the
#: terminal renderer puts between a formula's parts (so it never breaks inside one) reads as
#: a space, one for one. (The no-break, narrow no-break and thin spaces are white space to
#: the lexer already.)
PASTED_BLANKS = str.maketrans({"\u2800": " "})
_STARTS = {"num", "name", "func", "const", "latex"}


class _Parser:
    def __init__(self, tokens: list[Token], ctx: Context) -> None:
        self.tokens = tokens
        self.i = 0
        self.ctx = ctx
        self.depth = 0
        self.abs_depth = 0

    @property
    def tok(self) -> Token:
        return self.tokens[self.i]

    def next(self) -> Token:
        token = self.tokens[self.i]
        self.i += 1
        return token

    def at(self, *values: str) -> bool:
        return self.tok.kind == "op" and self.tok.value in values

    def expect(self, value: str, what: str) -> Token:
        if not self.at(value):
            raise ReadError(f"expected '{value}' {what}, found {self._found()}", self.tok.pos)
        return self.next()

    def _found(self) -> str:
        return "the end" if self.tok.kind == "end" else f"'{self.tok.value}'"

    def enter(self) -> None:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise ReadError(f"nested too deeply (at most {MAX_DEPTH} levels)", self.tok.pos)

    def leave(self) -> None:
        self.depth -= 1

    # top := item (',' item)* ; item := expr ('=' expr)?
    def top(self) -> Node:
        if self.tok.kind == "end":
            raise ReadError("the answer is empty", 0)
        items = self.items()
        if self.tok.kind != "end":
            raise ReadError(f"unexpected {self._found()}", self.tok.pos)
        if len(items) == 1 and isinstance(items[0], Tuple):
            return items[0]
        return items[0] if len(items) == 1 else Tuple(tuple(items))

    def items(self) -> list[Node]:
        items = [self.item()]
        while self.at(","):
            self.next()
            items.append(self.item())
        return items

    def item(self) -> Node:
        left = self.expr()
        if self.at("="):
            pos = self.next().pos
            if self.tok.kind == "end" or self.at(",", ")", "]", "}"):
                raise ReadError("nothing after '='", pos)
            right = self.expr()
            if self.at("="):
                raise ReadError("only one '=' is allowed in an equation", self.tok.pos)
            return Eq(left, right)
        return left

    def expr(self) -> Node:
        left = self.term()
        while self.at("+", "-"):
            op = self.next()
            if self.tok.kind == "end":
                raise ReadError(f"nothing after '{op.value}'", op.pos)
            right = self.term()
            left = Add(left, right) if op.value == "+" else Sub(left, right)
        return left

    def term(self) -> Node:
        if self.at("-", "+"):
            op = self.next()
            self.enter()
            arg = self.term()
            self.leave()
            return Neg(arg) if op.value == "-" else arg
        return self.product()

    def product(self) -> Node:
        left = self.juxt()
        while self.at("*", "/"):
            op = self.next()
            if self.tok.kind == "end":
                raise ReadError(f"nothing after '{op.value}'", op.pos)
            if self.at("*", "/"):
                raise ReadError(f"'{op.value}{self.tok.value}' is not an operator", op.pos)
            if self.at("-", "+"):  # 2*-x
                sign = self.next()
                self.enter()
                right: Node = self.juxt()
                self.leave()
                if sign.value == "-":
                    right = Neg(right)
            else:
                right = self.juxt()
            left = Mul(left, right) if op.value == "*" else Div(left, right)
        return left

    def starts_operand(self, stop_at_function: bool = False) -> bool:
        tok = self.tok
        if tok.kind in _STARTS:
            return not (stop_at_function and tok.kind == "func")
        if tok.kind == "op":
            if tok.value in "([{√":
                return True
            if tok.value == "|":
                return self.abs_depth == 0
        return False

    def juxt(self, stop_at_function: bool = False) -> Node:
        left = last = self.power()
        while self.starts_operand(stop_at_function):
            if self.tok.kind == "num" and not self.number_may_follow(last):
                raise ReadError(
                    "a number right after another term: use * to multiply", self.tok.pos
                )
            last = self.power()
            left = Mul(left, last, implicit=True)
        return left

    def number_may_follow(self, last: Node) -> bool:
        """Whether the number at hand multiplies the factor `last` before it.

        `x 2` and `2 3` look like typos; after a closing bracket (`(x+1) 2`, `ln(2) 2^x`) a
        number is a factor, and so is a power of a number after a power (`2^x 2^y`).
        """
        previous = self.tokens[self.i - 1]
        if previous.kind == "op" and previous.value in ")]}|":
            return True
        after = self.tokens[self.i + 1]
        return isinstance(last, Pow) and after.kind == "op" and after.value == "^"

    def power(self) -> Node:
        self.enter()
        base = self.postfix()
        if self.at("^"):
            pos = self.next().pos
            if self.tok.kind == "end":
                raise ReadError("nothing after '^'", pos)
            if self.at("-", "+"):
                sign = self.next()
                exp: Node = self.power()
                if sign.value == "-":
                    exp = Neg(exp)
            else:
                exp = self.power()
            base = Pow(base, exp)
            base = self.factorials(base)
        self.leave()
        return base

    def postfix(self) -> Node:
        return self.factorials(self.primary())

    def factorials(self, node: Node) -> Node:
        while self.at("!"):
            self.next()
            node = Fact(node)
        return node

    def group(self, close: str) -> Node:
        open_tok = self.next()
        if self.at(close):
            raise ReadError(f"empty '{open_tok.value}{close}'", open_tok.pos)
        saved, self.abs_depth = self.abs_depth, 0
        items = self.items()
        self.abs_depth = saved
        if not self.at(close):
            raise ReadError(
                f"'{open_tok.value}' at position {open_tok.pos + 1} is never closed "
                f"(found {self._found()})",
                self.tok.pos,
            )
        self.next()
        return items[0] if len(items) == 1 else Tuple(tuple(items))

    def latex_arg(self, what: str) -> Node:
        """One argument of \\frac or \\sqrt: a `{...}` group or a single token."""
        if self.at("{"):
            return self.group("}")
        tok = self.tok
        if tok.kind == "num":
            self.next()
            if len(tok.value) > 1 and tok.value.isascii() and tok.value.isdigit():  # \frac12 is 1/2
                self.tokens.insert(self.i, Token("num", tok.value[1:], tok.pos + 1))
                return Num(tok.value[0])
            return Num(tok.value)
        if tok.kind in ("name", "const"):
            return self.primary()
        raise ReadError(f"{what} needs an argument in braces", tok.pos)

    def primary(self) -> Node:
        tok = self.tok
        if tok.kind == "num":
            self.next()
            return Num(tok.value)
        if tok.kind == "const":
            self.next()
            return Const(tok.value)
        if tok.kind == "name":
            self.next()
            return Sym(tok.value)
        if tok.kind == "func":
            return self.call()
        if tok.kind == "latex":
            self.next()
            if tok.value == "frac":
                num = self.latex_arg("\\frac")
                return Div(num, self.latex_arg("\\frac"))
            if tok.value == "binom":
                n = self.latex_arg("\\binom")
                return Call("binomial", (n, self.latex_arg("\\binom")))
            if self.at("["):  # \sqrt[n]{x}
                self.next()
                index = self.expr()
                self.expect("]", "after the root's index")
                return Call("root", (self.latex_arg("\\sqrt"), index))
            return Call("sqrt", (self.latex_arg("\\sqrt"),))
        if tok.kind == "op":
            if tok.value == "(":
                return self.group(")")
            if tok.value == "[":
                return self.group("]")
            if tok.value == "{":
                return self.group("}")
            if tok.value == "|":
                self.next()
                self.abs_depth += 1
                inner = self.expr()
                self.abs_depth -= 1
                if not self.at("|"):
                    raise ReadError(f"'|' at position {tok.pos + 1} is never closed", tok.pos)
                self.next()
                return Abs(inner)
            if tok.value == "√":
                self.next()
                if self.tok.kind == "end":
                    raise ReadError("nothing after '√'", tok.pos)
                return Call("sqrt", (self.power(),))
            if tok.value in ")]}":
                raise ReadError(f"'{tok.value}' without a matching opening bracket", tok.pos)
        if tok.kind == "end":
            raise ReadError("the answer ends too early", tok.pos)
        raise ReadError(f"unexpected '{tok.value}'", tok.pos)

    def call(self) -> Node:
        tok = self.next()
        name, base = tok.value, None
        if "_" in name:  # log_2
            name, base = name.split("_", 1)
            base_node: Node = Num(base) if base.isdigit() else Sym(base)
        power: Node | None = None
        if self.at("^"):  # \sin^2 x
            pos = self.next().pos
            if self.at("-"):
                self.next()
                power = Neg(self.power())
            else:
                power = self.power()
            if power == Neg(Num("1")) and name in INVERSES:
                name, power = INVERSES[name], None  # \sin^{-1} x is arcsin, as in print
            elif isinstance(power, Neg):
                raise ReadError(f"write 1/{name}(x) for a negative power of {name}", pos)
        user = name in self.ctx.functions
        if self.at("("):
            open_tok = self.next()
            if self.at(")"):
                raise ReadError(f"{name}() needs an argument", open_tok.pos)
            saved, self.abs_depth = self.abs_depth, 0
            args = [self.expr()]
            while self.at(","):
                self.next()
                args.append(self.expr())
            self.abs_depth = saved
            if not self.at(")"):
                raise ReadError(
                    f"'(' at position {open_tok.pos + 1} is never closed (found {self._found()})",
                    self.tok.pos,
                )
            self.next()
        elif user:
            raise ReadError(f"{name} is a function here: write {name}(...)", tok.pos)
        else:
            if not self.starts_operand():
                raise ReadError(f"{name} needs an argument, as in {name}(x)", tok.pos)
            args = [self.juxt(stop_at_function=True)]
        if base is not None:
            args.append(base_node)
        if user:
            arity = self.ctx.functions[name]
            low, high = (1, 8) if arity == ANY_ARITY else (arity, arity)
        else:
            low, high = FUNCTIONS[name]
        if not low <= len(args) <= high:
            want = str(low) if low == high else f"{low} to {high}"
            raise ReadError(f"{name} takes {want} argument(s), not {len(args)}", tok.pos)
        node: Node = Call(name, tuple(args))
        return Pow(node, power) if power is not None else node


# ---------------------------------------------------------------------------------------------
# Entry points


def make_context(
    names: Iterable[str] = (), functions: Iterable[str] | Mapping[str, int] = ()
) -> Context:
    """A reading context from declared names and defined functions.

    `functions` maps names to arities, or lists names (`sigma`, `\\sigma`, `f/2`); a name
    listed without an arity takes any number of arguments.
    """
    funcs: dict[str, int] = {}
    if isinstance(functions, Mapping):
        funcs = {function_key(k): int(v) for k, v in functions.items()}
    else:
        for f in functions:
            name, _, arity = str(f).partition("/")
            funcs[function_key(name)] = int(arity) if arity.isdigit() else ANY_ARITY
    bases = set()
    for n in names:
        base = str(n).strip().rstrip("0123456789").split("_")[0]
        if base.isascii() and base.isalpha():
            bases.add(base)
    return Context(frozenset(bases), funcs)


def parse(text: str, ctx: Context | None = None, *, limit: int = DECK_LIMIT) -> Node:
    """Parse text into a tree, raising ReadError with the problem's position."""
    ctx = ctx or Context()
    check_characters(text, limit)
    tokens = _Lexer(text.translate(FULL_WIDTH_DIGITS).translate(PASTED_BLANKS), ctx).run()
    tree = _Parser(tokens, ctx).top()
    _check_placement(tree)
    check_limits(tree)
    return tree


def _check_placement(tree: Node) -> None:
    """Lists only as the whole answer, and '=' only at the top of an answer."""
    items = tree.items if isinstance(tree, Tuple) else (tree,)
    for item in items:
        sides = (item.left, item.right) if isinstance(item, Eq) else (item,)
        for side in sides:
            for node in walk(side):
                if isinstance(node, Tuple):
                    raise ReadError("a list (with ',') is only allowed as the whole answer")
                if isinstance(node, Eq):
                    raise ReadError("'=' is only allowed at the top of an answer")


#: A whole answer that is one number written with thousands separators (`38,597,376`,
#: `-1,024.5`): groups of exactly three digits after a first group of one to three that does
#: not start with 0, so `1,2`, `1,24` and `0,500` (a decimal comma) are not.
_THOUSANDS = re.compile(r"\s*[+\-−]?[1-9][0-9]{0,2}(?:,[0-9]{3})+(?:\.[0-9]+)?\s*")


def drop_thousands_separators(text: str) -> str:
    """`text` without its commas if the whole of it is one thousands-separated number."""
    if isinstance(text, str) and _THOUSANDS.fullmatch(text):
        return text.replace(",", "")
    return text


def read(
    text: str,
    names: Iterable[str] = (),
    functions: Iterable[str] | Mapping[str, int] = (),
    *,
    limit: int = LEARNER_LIMIT,
) -> Reading:
    """Read typed math or LaTeX; never raises, the problem is in `Reading.error`.

    Args:
        names: multi-letter names kept whole (`mu1`, `lr`).
        functions: functions the card defines, as names (`sigma`), `name/arity`, or a
            mapping name -> arity.
        limit: the longest text accepted.
    """
    ctx = make_context(names, functions)
    body = strip_math_delimiters(text) if isinstance(text, str) else ""
    offset = text.find(body) if body else 0
    try:
        tree = parse(body, ctx, limit=limit)
    except ReadError as error:
        pos = None if error.position is None else offset + error.position
        return Reading(text, None, "", error.message, pos)
    except RecursionError:
        return Reading(text, None, "", "nested too deeply", None)
    return Reading(text, tree, pretty(tree))


def describe(
    text: str,
    names: Iterable[str] = (),
    functions: Iterable[str] | Mapping[str, int] = (),
    *,
    limit: int = LEARNER_LIMIT,
) -> str:
    """One or a few lines saying how the text was read, or where it could not be."""
    reading = read(text, names, functions, limit=limit)
    if reading.ok:
        return f"read as: {reading.pretty}"
    return error_text(reading)


def error_text(reading: Reading) -> str:
    """The problem of an unreadable text, with a caret under its position when short."""
    message = f"cannot read: {reading.error}"
    pos = reading.position
    if pos is not None and len(reading.text) <= 80 and reading.text.isprintable():
        return f"{message}\n  {reading.text}\n  {' ' * pos}^"
    if pos is not None:
        return f"{message} (at character {pos + 1})"
    return message


__all__ = [
    "GREEK_SYMBOL",  # read here by the terminal renderer
    "Context",
    "Reading",
    "describe",
    "drop_thousands_separators",
    "error_text",
    "make_context",
    "parse",
    "read",
]
