"""LaTeX -> Unicode text for the terminal: σ(x), ∑ᵢ, ∂/∂θ, x², θ̂, (a+b)/c.

pylatexenc tokenises the LaTeX (groups, macros, environments) and supplies the Unicode of
its symbols (`\\alpha` -> α, `\\le` -> ≤); the layout a terminal needs (scripts, fractions,
roots, accents, fonts) is done here, since pylatexenc's own text output flattens it
(`\\frac{a+b}{c}` -> `a+b/c`). Unknown commands are left as written, so they show.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache

from flashcards.latexnames import SIZING_COMMANDS
from flashcards.macros import expand_macros

# ---------------------------------------------------------------------------------------------
# In-band markers: control characters (never in LaTeX text) that the renderer leaves in its
# output for a later pass to settle, and that are all gone from what it returns.

#: After an operator name (`log`): a space goes between it and a following word.
_NAME_END = "\x00"
#: Around a `\boxed{...}` (a cloze deletion in math): shown as `⟦...⟧`.
_BOX_OPEN, _BOX_CLOSE = "\x01", "\x02"
#: After an opening fence (`⟨`, `‖`) and before a closing one: no space inside them.
_FENCE_OPEN, _FENCE_CLOSE = "\x03", "\x04"
#: After a fraction: like `_NAME_END`, a space before a following word.
_FRACTION_END = "\x05"
#: Around a fraction that `_bracket_fractions` brackets or not, once its neighbours are known.
_FRACTION_OPEN, _FRACTION_CLOSE = "\x06", "\x07"
#: The markers, removed from a formula before rendering so a deck cannot forge one.
_MARKERS = re.compile("[\x00-\x07]")

# ---------------------------------------------------------------------------------------------
# Tables

_SUPERSCRIPT = dict(
    zip(
        "0123456789+-−=()abcdefghijklmnoprstuvwxyzABDEGHIJKLMNOPRTUVWβγδθιφχ⊤'",
        "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁻⁼⁽⁾ᵃᵇᶜᵈᵉᶠᵍʰⁱʲᵏˡᵐⁿᵒᵖʳˢᵗᵘᵛʷˣʸᶻᴬᴮᴰᴱᴳᴴᴵᴶᴷᴸᴹᴺᴼᴾᴿᵀᵁⱽᵂᵝᵞᵟᶿᶥᵠᵡᵀ′",
        strict=True,
    )
)
_SUBSCRIPT = dict(
    zip(
        "0123456789+-−=()aehijklmnoprstuvxβγρφχ",
        "₀₁₂₃₄₅₆₇₈₉₊₋₋₌₍₎ₐₑₕᵢⱼₖₗₘₙₒₚᵣₛₜᵤᵥₓᵦᵧᵨᵩᵪ",
        strict=True,
    )
)

_COMBINING = {
    "hat": "\u0302",
    "widehat": "\u0302",
    "bar": "\u0304",
    "overline": "\u0305",
    "tilde": "\u0303",
    "widetilde": "\u0303",
    "dot": "\u0307",
    "ddot": "\u0308",
    "vec": "\u20d7",
    "check": "\u030c",
    "acute": "\u0301",
    "grave": "\u0300",
    "breve": "\u0306",
    "underline": "\u0332",
}


def _alphabet(first_upper: int, first_lower: int | None, exceptions: Mapping[str, str]) -> dict:
    table: dict[str, str] = {}
    for i in range(26):
        upper, lower = chr(65 + i), chr(97 + i)
        table[upper] = exceptions.get(upper, chr(first_upper + i))
        if first_lower is not None:
            table[lower] = exceptions.get(lower, chr(first_lower + i))
    return table


_FONTS: dict[str, dict[str, str]] = {
    "mathbb": {
        **_alphabet(
            0x1D538,
            0x1D552,
            {"C": "ℂ", "H": "ℍ", "N": "ℕ", "P": "ℙ", "Q": "ℚ", "R": "ℝ", "Z": "ℤ"},
        ),
        **{str(d): chr(0x1D7D8 + d) for d in range(10)},
    },
    "mathcal": _alphabet(
        0x1D49C,
        None,
        {"B": "ℬ", "E": "ℰ", "F": "ℱ", "H": "ℋ", "I": "ℐ", "L": "ℒ", "M": "ℳ", "R": "ℛ"},
    ),
    "mathfrak": _alphabet(0x1D504, 0x1D51E, {"C": "ℭ", "H": "ℌ", "I": "ℑ", "R": "ℜ", "Z": "ℨ"}),
    "mathbf": {**_alphabet(0x1D400, 0x1D41A, {}), **{str(d): chr(0x1D7CE + d) for d in range(10)}},
}
_FONTS["mathscr"] = _FONTS["mathcal"]
_FONTS["bm"] = _FONTS["boldsymbol"] = _FONTS["mathbf"]

#: Commands whose argument is shown as written text (fonts without a Unicode alphabet).
_TEXT_COMMANDS = {
    "text",
    "textrm",
    "textit",
    "textbf",
    "texttt",
    "textsf",
    "textnormal",
    "mathrm",
    "mathit",
    "mathsf",
    "mathtt",
    "mathnormal",
    "mbox",
    "hbox",
    "emph",
}
#: Commands shown as their name, like `\log`: operators written upright.
_FUNCTIONS = {
    *[
        "arccos",
        "arcsin",
        "arctan",
        "arg",
        "cos",
        "cosh",
        "cot",
        "coth",
        "csc",
        "deg",
        "det",
        "dim",
        "exp",
        "gcd",
        "hom",
        "inf",
        "ker",
        "lg",
        "lim",
        "liminf",
        "limsup",
        "ln",
        "log",
        "max",
        "min",
        "sec",
        "sin",
        "sinh",
        "sup",
        "tan",
        "tanh",
    ],
    "Pr",
    "argmax",
    "argmin",
    "softmax",
    "tr",
    "Tr",
    "diag",
    "rank",
    "sign",
    "sgn",
    "Var",
    "Cov",
    "KL",
    "erf",
}
#: Commands that only size or space things: dropped.
_DROPPED = SIZING_COMMANDS | {
    "middle",
    "!",
    "negthinspace",
    "displaystyle",
    "textstyle",
    "scriptstyle",
    "limits",
    "nolimits",
    "nonumber",
    "notag",
    "label",
    "tag",
    "phantom",
    "hphantom",
    "vphantom",
    "mathstrut",
    "strut",
    "hfill",
}
#: Dropped commands that take one braced argument, dropped with them.
_DROPPED_WITH_ARG = {"label", "tag", "phantom", "hphantom", "vphantom"}

#: Symbols pylatexenc lacks, or renders in a way less fit for a terminal.
_SYMBOLS = {
    "|": "‖",
    "lVert": "‖",
    "rVert": "‖",
    "Vert": "‖",
    "lvert": "|",
    "rvert": "|",
    "vert": "|",
    "mid": "|",
    "{": "{",
    "}": "}",
    "lbrace": "{",
    "rbrace": "}",
    "langle": "⟨",
    "rangle": "⟩",
    "lfloor": "⌊",
    "rfloor": "⌋",
    "lceil": "⌈",
    "rceil": "⌉",
    "sim": "∼",
    "top": "⊤",
    "intercal": "⊤",
    "T": "ᵀ",
    "cdots": "⋯",
    "ldots": "…",
    "dots": "…",
    "dotsc": "…",
    "dotsb": "⋯",
    "vdots": "⋮",
    "ddots": "⋱",
    "varepsilon": "ε",
    "epsilon": "ϵ",
    "varphi": "φ",
    "phi": "ϕ",
    "vartheta": "ϑ",
    "ell": "ℓ",
    "hbar": "ℏ",
    "emptyset": "∅",
    "varnothing": "∅",
    "%": "%",
    "$": "$",
    "&": "&",
    "#": "#",
    "_": "_",
    "backslash": "\\",
    "colon": ":",
    "iff": "⟺",
    "implies": "⟹",
    "impliedby": "⟸",
    "coloneqq": "≔",
    "triangleq": "≜",
    "doteq": "≐",
    "stackrel": "",
    "gets": "←",
    "to": "→",
    "prime": "′",
    "dagger": "†",
    "star": "⋆",
    "ast": "∗",
    "circ": "∘",
    "odot": "⊙",
    "oplus": "⊕",
    "otimes": "⊗",
    "perp": "⊥",
    "independent": "⊥",
    "setminus": "∖",
    "lnot": "¬",
    "neg": "¬",
    "land": "∧",
    "lor": "∨",
    "square": "□",
    "checkmark": "✓",
}
#: Symbols that bind to what follows: the space written after them is dropped (`\\partial x`).
_PREFIXES = ("∂", "∇", "¬", _FENCE_OPEN)
#: Thin and wide spaces: one space (collapsed with the spaces around them).
_SPACES = {
    ",",
    ";",
    ":",
    ">",
    "quad",
    "qquad",
    "enspace",
    " ",
    "thinspace",
    "medspace",
    "thickspace",
}
#: Opening and closing fences: no space inside them.
_OPENING = {"lVert": "‖", "langle": "⟨", "lfloor": "⌊", "lceil": "⌈", "lvert": "|"}
_CLOSING = {"rVert": "‖", "rangle": "⟩", "rfloor": "⌋", "rceil": "⌉", "rvert": "|"}

#: Relations get a space either side (outside scripts) so `a\le b` reads `a ≤ b`.
_RELATIONS = set("=≠<>≤≥≈∼≃≅≡∝→←↦⇒⇐⇔⟹⟸⟺∈∉∋⊂⊃⊆⊇⊥≪≫≔≜≐")

#: Environments whose rows are joined with `; ` and cells with spaces.
_MATRIX = {"matrix", "pmatrix", "bmatrix", "Bmatrix", "vmatrix", "Vmatrix", "smallmatrix"}
_MATRIX_BRACKETS = {
    "pmatrix": "()",
    "bmatrix": "[]",
    "Bmatrix": "{}",
    "vmatrix": "||",
    "Vmatrix": "‖‖",
}


@lru_cache(maxsize=1)
def _symbol_db():  # noqa: ANN202 - pylatexenc has no types
    from pylatexenc.latex2text import get_default_latex_context_db

    return get_default_latex_context_db()


@lru_cache(maxsize=1024)
def _symbol(name: str) -> str | None:
    """The Unicode of a symbol command, from our table or pylatexenc's."""
    if name in _SYMBOLS:
        return _SYMBOLS[name]
    spec = _symbol_db().get_macro_spec(name)
    repl = getattr(spec, "simplify_repl", None)
    if isinstance(repl, str) and "%" not in repl and spec.macroname == name:
        return repl
    return None


# ---------------------------------------------------------------------------------------------
# Tokens: pylatexenc nodes flattened so arguments can be taken the same way for every command.


@dataclass(frozen=True, slots=True)
class _Tok:
    kind: str  # "c" char, "m" macro, "g" group, "&" cell, "env" environment
    text: str = ""
    body: tuple[_Tok, ...] = ()


def _tokens(nodes) -> list[_Tok]:  # noqa: ANN001 - pylatexenc nodes
    from pylatexenc import latexwalker as lw

    out: list[_Tok] = []
    for node in nodes or ():
        if isinstance(node, lw.LatexCharsNode):
            out.extend(
                _Tok("&") if ch == "&" else _Tok("c", " " if ch.isspace() else ch)
                for ch in node.chars
            )
        elif isinstance(node, lw.LatexMacroNode):
            out.append(_Tok("m", node.macroname))
            if node.macro_post_space:
                out.append(_Tok("c", " ", body=(_Tok("post"),)))
        elif isinstance(node, lw.LatexGroupNode):
            if node.delimiters and node.delimiters[0] == "{":
                out.append(_Tok("g", body=tuple(_tokens(node.nodelist))))
            else:
                out.append(_Tok("c", node.delimiters[0] if node.delimiters else ""))
                out.extend(_tokens(node.nodelist))
                out.append(_Tok("c", node.delimiters[1] if node.delimiters else ""))
        elif isinstance(node, lw.LatexEnvironmentNode):
            out.append(_Tok("env", node.environmentname, tuple(_tokens(node.nodelist))))
        elif isinstance(node, lw.LatexMathNode):
            out.extend(_tokens(node.nodelist))
        elif isinstance(node, lw.LatexSpecialsNode):
            out.append(_Tok("&", node.specials_chars))
        # comments are dropped
    return out


def _parse(latex: str) -> list[_Tok]:
    from pylatexenc.latexwalker import LatexWalker
    from pylatexenc.macrospec import LatexContextDb

    # An empty context: every macro comes bare, and arguments are taken below.
    walker = LatexWalker(latex, tolerant_parsing=True, latex_context=LatexContextDb())
    try:
        nodes, _, _ = walker.get_latex_nodes()
    except Exception:  # noqa: BLE001 - a broken formula is shown as written
        return [_Tok("c", ch) for ch in latex]
    return _tokens(nodes)


# ---------------------------------------------------------------------------------------------
# Rendering


@dataclass(slots=True)
class _Style:
    """How exponents are written, shared by the renderers of one card side."""

    #: Exponents other than numbers written `e^(-x)`: set when one had to be.
    caret: bool = False
    #: An exponent was written with `^` because it was long or had no Unicode form.
    caret_used: bool = False


class _Renderer:
    """Turns a token list into text; `script` is True inside a super- or subscript."""

    def __init__(
        self,
        tokens: list[_Tok] | tuple[_Tok, ...],
        script: bool = False,
        style: _Style | None = None,
    ) -> None:
        self.toks = list(tokens)
        self.i = 0
        self.script = script
        self.style = style or _Style()
        self.out: list[str] = []

    def _next_arg(self) -> list[_Tok] | None:
        """Take one argument: a group, a command, or a single character (spaces skipped)."""
        while (
            self.i < len(self.toks)
            and self.toks[self.i].kind == "c"
            and self.toks[self.i].text == " "
        ):
            self.i += 1
        if self.i >= len(self.toks):
            return None
        tok = self.toks[self.i]
        self.i += 1
        if tok.kind == "g":
            return list(tok.body)
        return [tok]

    def _optional_arg(self) -> list[_Tok] | None:
        """Take `[...]` if it comes next."""
        if self.i < len(self.toks) and self.toks[self.i] == _Tok("c", "["):
            depth, j = 0, self.i
            while j < len(self.toks):
                t = self.toks[j]
                if t.kind == "c" and t.text == "[":
                    depth += 1
                elif t.kind == "c" and t.text == "]":
                    depth -= 1
                    if depth == 0:
                        arg = self.toks[self.i + 1 : j]
                        self.i = j + 1
                        return arg
                j += 1
        return None

    def _after_operator(self) -> bool:
        """Whether what was just written is a big operator: 𝔼, ∑, ∏, max, arg min, lim..."""
        before = next((piece for piece in reversed(self.out) if piece), "")
        name = before.rstrip(_NAME_END)
        return before.endswith(_BIG_OPERATORS) or (
            before.endswith(_NAME_END) and name.endswith(_RANGE_OPERATORS)
        )

    def sub(self, tokens: list[_Tok] | None, script: bool | None = None) -> str:
        if tokens is None:
            return ""
        return _Renderer(tokens, self.script if script is None else script, self.style).render()

    def render(self) -> str:
        while self.i < len(self.toks):
            tok = self.toks[self.i]
            self.i += 1
            if tok.kind == "c":
                self._char(tok)
            elif tok.kind == "g":
                self.out.append(self.sub(list(tok.body)))
            elif tok.kind == "m":
                self._macro(tok.text)
            elif tok.kind == "&":
                self.out.append(" ")
            elif tok.kind == "env":
                self.out.append(self._environment(tok.text, list(tok.body)))
        return _tidy("".join(self.out), self.script)

    def _char(self, tok: _Tok) -> None:
        ch = tok.text
        if ch in "^_":
            under_operator = ch == "_" and self._after_operator()
            arg = self._next_arg()
            script = _script(self.sub(arg, script=True), superscript=ch == "^", style=self.style)
            if under_operator and script.startswith("_(") and _is_range(script[2:-1]):
                script = "_" + script[2:-1]  # 𝔼_x∼p_data, max_x∈X: the relation holds it
            self.out.append(script)
        elif ch == "'":
            self.out.append("′")
        elif ch == "~":
            self.out.append(" ")
        elif ch == " ":
            # The space after a command is kept as written, except after a prefix like ∂.
            if not (tok.body and self.out and self.out[-1].endswith(_PREFIXES)):
                self.out.append(" ")
        elif ch in _RELATIONS:
            self.out.append(f" {ch} ")
        else:
            self.out.append(ch)

    def _macro(self, name: str) -> None:
        out = self.out
        if name in ("frac", "dfrac", "tfrac", "cfrac"):
            top, bottom = self.sub(self._next_arg()), self.sub(self._next_arg())
            fraction = f"{_operand(top)}/{_operand(bottom, strict=True)}"
            if not _is_differential(top):
                # Bracketed or not once its neighbours are known (`_bracket_fractions`).
                fraction = f"{_FRACTION_OPEN}{fraction}{_FRACTION_CLOSE}"
            out.append(fraction + _FRACTION_END)
        elif name == "sqrt":
            index = self._optional_arg()
            body = self.sub(self._next_arg())
            root = {"3": "∛", "4": "∜"}.get(self.sub(index), "√") if index else "√"
            if index and root == "√":
                root = _script(self.sub(index, script=True), True, self.style) + "√"
            out.append(root + _operand(body, strict=True))
        elif name == "binom":
            n, k = self.sub(self._next_arg()), self.sub(self._next_arg())
            out.append(f"C({n}, {k})")
        elif name in _COMBINING:
            body = self.sub(self._next_arg())
            out.append(_accent(body, _COMBINING[name]))
        elif name in _FONTS:
            body = self.sub(self._next_arg())
            out.append("".join(_FONTS[name].get(c, c) for c in body))
        elif name in _TEXT_COMMANDS:
            arg = self._next_arg()
            text = _plain_text(arg) if name.startswith("text") or name == "mbox" else None
            out.append(text if text is not None else self.sub(arg))
        elif name in ("operatorname", "mathop", "operatorname*"):
            if self.i < len(self.toks) and self.toks[self.i] == _Tok("c", "*"):
                self.i += 1  # `\operatorname*`: limits below, the same in a terminal
            out.append(self.sub(self._next_arg()) + _NAME_END)
        elif name == "boxed":
            out.append(_BOX_OPEN + self.sub(self._next_arg()) + _BOX_CLOSE)
        elif name in ("overset", "underset", "stackrel"):
            self._next_arg()
            out.append(self.sub(self._next_arg()))
        elif name in ("not",):
            arg = self.sub(self._next_arg()).strip()
            out.append(f" {arg}\u0338 " if arg else "")
        elif name in _FUNCTIONS:
            # A word apart from what it follows: `(n - k) log(1 - θ)`, `x log x`.
            before = next((piece for piece in reversed(out) if piece), "")
            if before and (before[-1].isalnum() or before[-1] in ")]}|‖" + _SCRIPT_CHARS):
                out.append(" ")
            out.append(name + _NAME_END)
        elif name in _DROPPED:
            if name in _DROPPED_WITH_ARG:
                self._next_arg()
            elif name in ("left", "right", "middle") or name.startswith(("big", "Big")):
                self._delimiter(name)
        elif name == "\\":
            out.append("\n")
        elif name in _SPACES:
            out.append(" ")
        elif name in _OPENING:
            out.append(_OPENING[name] + _FENCE_OPEN)
        elif name in _CLOSING:
            out.append(_FENCE_CLOSE + _CLOSING[name])
        elif name == "mid":
            out.append(" | ")
        elif name in ("ne", "neq"):
            out.append(" ≠ ")
        else:
            symbol = _symbol(name)
            if symbol is None:
                out.append("\\" + name)  # unknown: shown as written
            elif symbol.strip() in _RELATIONS and symbol.strip():
                out.append(f" {symbol.strip()} ")
            else:
                out.append(symbol)

    def _delimiter(self, name: str) -> None:
        """`\\left(` -> `(`; `\\left.` -> nothing."""
        if self.i < len(self.toks):
            tok = self.toks[self.i]
            if tok.kind == "c" and tok.text == ".":
                self.i += 1
            elif tok.kind == "c" and tok.text == "|":
                self.i += 1
                self.out.append("|")

    def _environment(self, name: str, body: list[_Tok]) -> str:
        rows: list[list[str]] = [[]]
        cell: list[_Tok] = []
        for tok in body + [_Tok("&")]:
            if tok.kind == "&" or (tok.kind == "m" and tok.text == "\\"):
                rows[-1].append(self.sub(cell).strip())
                cell = []
                if tok.kind == "m":
                    rows.append([])
            else:
                cell.append(tok)
        rows = [r for r in rows if any(r)]
        base = name.rstrip("*")
        if base in _MATRIX:
            inner = "; ".join(" ".join(r) for r in rows)
            left, right = _MATRIX_BRACKETS.get(base, "[]")
            return f"{left}{inner}{right}"
        if base == "cases":
            parts = [f"{r[0]} if {r[1]}" if len(r) > 1 and r[1] else r[0] for r in rows]
            parts = [
                p.replace(" if if ", " if ").replace(" if otherwise", " otherwise") for p in parts
            ]
            return "{ " + "; ".join(parts)
        # align, aligned, gather, split, array, equation: rows on their own lines
        return "\n".join(" ".join(c for c in r if c) for r in rows)


def _plain_text(arg: list[_Tok] | None) -> str | None:
    """The text of a `\\text{...}` argument, spaces kept; None if it holds commands."""
    if arg is None:
        return ""
    if all(t.kind == "c" for t in arg):
        return "".join(t.text for t in arg)
    return None


_SCRIPT_CHARS = "".join(sorted(set(_SUPERSCRIPT.values()) | set(_SUBSCRIPT.values())))
_NAME_THEN_WORD = re.compile(
    rf"[{_NAME_END}{_FRACTION_END}](?=(?![{re.escape(_SCRIPT_CHARS)}])[^\W_]|[\\√∑∏∫∂∇𝐀-𝟿ℝℂℕℤℚℙ𝔼])"
)


def _tidy(text: str, script: bool) -> str:
    """Collapse the spaces, drop them in scripts, and settle operator names."""
    if script:
        text = text.replace(" ", "")
    else:
        text = re.sub(r" {2,}", " ", text)
        # An operator name before a letter, digit or other name needs a space: `log x`;
        # not before its own script: `sin² x`, `(1/2)ⁿ`.
        text = _NAME_THEN_WORD.sub(" ", text)
    text = re.sub(_FENCE_OPEN + " +", _FENCE_OPEN, text)
    text = re.sub(" +" + _FENCE_CLOSE, _FENCE_CLOSE, text)
    return text.replace(_NAME_END, "").replace(_FRACTION_END, "")


#: Operators whose subscript is a range, `𝔼_x∼p`, `max_x∈X`: written without brackets when it
#: is one relation without spaces or brackets, since the relation shows where it ends.
_BIG_OPERATORS = ("𝔼", "∑", "∏", "⋃", "⋂", "∐")
_RANGE_OPERATORS = ("max", "min", "sup", "inf", "lim", "argmax", "argmin")


def _is_range(text: str) -> bool:
    """`x∼p_data`, `x∈X`, `n→∞`: one relation between two terms, no space or bracket."""
    relations = [c for c in text if c in _RELATIONS]
    return len(relations) == 1 and not re.search(r"[\s()\[\]{}⟨⟩,]", text)


#: Exponents longer than this (numbers aside) are written `e^(-θx)`: tiny raised letters
#: are hard to read past two.
MAX_RAISED = 2


def _script(text: str, superscript: bool, style: _Style | None = None) -> str:
    """`2` -> `²`; characters without a Unicode script -> `^x` or `^(xy)`.

    A superscript longer than `MAX_RAISED` (a number aside) is written `^(...)` as well, and
    once one is, `style.caret` asks for every exponent but numbers to be written so.
    """
    table = _SUPERSCRIPT if superscript else _SUBSCRIPT
    text = text.replace(_NAME_END, "")
    mark = "^" if superscript else "_"
    if not text:
        return ""
    if superscript and text in ("*", "∗", "⋆"):
        return "*"  # the star of an optimum: π*, θ*, as written on paper
    number = re.fullmatch(r"[0-9′]+", text) is not None
    raised = all(c in table for c in text) and (
        not superscript
        or number
        or (len(text) <= MAX_RAISED and not (style is not None and style.caret))
    )
    if raised:
        return "".join(table[c] for c in text)
    if superscript and style is not None and not number and len(text) > 1:
        style.caret_used = True  # a lone `^∞` reads well enough to leave the others raised
    if len(text) == 1 or (not superscript and re.fullmatch(r"[A-Za-z0-9]+", text)):
        return f"{mark}{text}"
    return f"{mark}({text})"


def _is_atom(text: str) -> bool:
    """One symbol possibly with scripts or marks: no operators or spaces inside."""
    stripped = text.strip()
    if not stripped:
        return True
    if re.fullmatch(r"[A-Za-z0-9.]+", stripped):
        return True
    base = [c for c in stripped if not unicodedata.combining(c)]
    return len(base) == 1 or (
        len(base) > 1
        and all(c in _SUPERSCRIPT.values() or c in _SUBSCRIPT.values() for c in base[1:])
    )


def _operand(text: str, strict: bool = False) -> str:
    """A fraction part or root body, in parentheses unless it is one term."""
    text = text.strip()
    # `d^2 f` is one differential: d²f.
    m = re.fullmatch(r"([d∂δ][⁰¹²³⁴⁵⁶⁷⁸⁹]*) +(\S+)", text)
    if m and _is_atom(m.group(2)):
        text = m.group(1) + m.group(2)
    if _needs_parens(text, strict):
        return f"({text})"
    return text


def _one_factor(text: str) -> bool:
    """A number, or one symbol with its marks and scripts (`x`, `σ²`, `θ̂`), not `3x`."""
    if re.fullmatch(r"[0-9.]+", text):
        return True
    scripts = set(_SUPERSCRIPT.values()) | set(_SUBSCRIPT.values())
    base = [c for c in text if not unicodedata.combining(c) and c not in scripts]
    return len(base) == 1


def _needs_parens(text: str, strict: bool) -> bool:
    if not text or (text[0] in "([{⟨|‖" + _BOX_OPEN and _balanced_whole(text)):
        return False
    depth = 0
    for i, ch in enumerate(text):
        if ch in "([{⟨":
            depth += 1
        elif ch in ")]}⟩":
            depth -= 1
        elif depth == 0 and (ch in " +−=/·×±,<>≤≥" or (ch == "-" and i > 0)):
            return True
    # A denominator or root of several factors is bracketed: 1/(2σ²), √(xy); but d/dx.
    if not strict or _one_factor(text):
        return False
    if text[0] in "d∂δ" and len(text) > 1 and _is_atom(text[1:].lstrip("⁰¹²³⁴⁵⁶⁷⁸⁹")):
        return False  # a differential: d/dx, ∂L/∂wᵢⱼ
    # A bracket with its scripts is one term: (1 - θ)²; so is a root of one term: √n, √(2π).
    core = text.rstrip(_SCRIPT_CHARS)
    if core and core[0] in "([{⟨|‖" and _balanced_whole(core):
        return False
    root = re.match(r"[⁰¹²³⁴⁵⁶⁷⁸⁹]*[√∛∜]", text)
    if root and (_one_factor(text[root.end() :]) or not _needs_parens(text[root.end() :], True)):
        return False
    # A function applied to an argument, `p(x)`, `p(x)²` or `√(2π)`, is one term.
    m = re.match(r"[^\s()]?[^\s(]*\(", core)
    return not (m and m.end() <= 3 and _balanced_whole(core[m.end() - 1 :]))


def _balanced_whole(text: str) -> bool:
    """True if the opening bracket at 0 closes at the very end."""
    pairs = {"(": ")", "[": "]", "{": "}", "⟨": "⟩", "|": "|", "‖": "‖", _BOX_OPEN: _BOX_CLOSE}
    close = pairs[text[0]]
    if close == text[0]:
        return text.endswith(close) and text.count(close) == 2
    depth = 0
    for i, ch in enumerate(text):
        if ch == text[0]:
            depth += 1
        elif ch == close:
            depth -= 1
            if depth == 0:
                return i == len(text) - 1
    return False


def _accent(text: str, mark: str) -> str:
    """Put a combining mark on every base character."""
    return "".join(
        c + mark if c.isprintable() and not c.isspace() and not unicodedata.combining(c) else c
        for c in text
    )


def _is_differential(numerator: str) -> bool:
    """`d`, `∂²`: the fraction is an operator on what follows (`d/dx log x`), not a factor."""
    return re.fullmatch(r"[d∂δ][⁰¹²³⁴⁵⁶⁷⁸⁹]*", numerator.strip()) is not None


#: What may stand before or after a fraction left unbracketed: an end, an operator that is
#: not a product by juxtaposition, a relation, a bracket (box marks included), a new row.
_ALONE_BEFORE = frozenset("+-−±∓=,;:([{⟨⌊⌈|‖·×\n" + _BOX_OPEN) | _RELATIONS
_ALONE_AFTER = frozenset("+-−±∓=,;:)]}⟩⌋⌉|‖·×\n" + _BOX_CLOSE) | _RELATIONS
#: Looked through when finding a fraction's neighbours: spaces, fence and fraction marks.
_SEE_THROUGH = " " + _FENCE_OPEN + _FENCE_CLOSE + _FRACTION_OPEN + _FRACTION_CLOSE


def _bracket_fractions(text: str) -> str:
    """Settle each marked fraction: `(1/2) x`, `-(1/T) ∑ₜ`, `2(1/3)`, but `1/2 + x` and `(1/2)`.

    A product written without an operator binds tighter than `/` when an answer is typed
    (`1/2 x` is 1/(2x)), so a fraction shown next to such a factor is bracketed: what the
    learner sees reads the same when typed. `·` and `×` are explicit and read left to right.
    """
    marked = f"{_FRACTION_OPEN}([^{_FRACTION_OPEN}{_FRACTION_CLOSE}]*){_FRACTION_CLOSE}"
    while (m := re.search(marked, text)) is not None:
        before = text[: m.start()].rstrip(_SEE_THROUGH)
        after = text[m.end() :].lstrip(_SEE_THROUGH)
        alone = (not before or before[-1] in _ALONE_BEFORE) and (
            not after or after[0] in _ALONE_AFTER
        )
        shown = m.group(1) if alone else f"({m.group(1)})"
        text = text[: m.start()] + shown + text[m.end() :]
    # an unpaired mark, should one occur
    return text.replace(_FRACTION_OPEN, "").replace(_FRACTION_CLOSE, "")


# ---------------------------------------------------------------------------------------------
# Public API

#: Commands `_Renderer._macro` handles by name, besides those in the tables above.
_LAYOUT_COMMANDS = frozenset(
    {"frac", "dfrac", "tfrac", "cfrac", "sqrt", "binom", "operatorname", "mathop", "boxed"}
    | {"overset", "underset", "stackrel", "not", "ne", "neq", "mid"}
)


def is_latex_command(name: str) -> bool:
    """Whether `\\name` is a LaTeX command this renderer (or pylatexenc) knows: `sim`,
    `mathrm`, `frac`, but not `n` or `Users`."""
    return (
        name in _LAYOUT_COMMANDS
        or name in _FUNCTIONS
        or name in _FONTS
        or name in _TEXT_COMMANDS
        or name in _COMBINING
        or name in _DROPPED
        or name in _SPACES
        or name in _OPENING
        or name in _CLOSING
        or (name.isalpha() and _symbol(name) is not None)
    )


def _render(latex: str, macros: Mapping[str, str] | None, style: _Style) -> str:
    """One formula through the renderer, markers of fractions settled, others left."""
    text = _MARKERS.sub("", expand_macros(latex, macros) if macros else latex)
    return _bracket_fractions(_Renderer(_parse(text), style=style).render())


def latex_to_unicode(latex: str, macros: Mapping[str, str] | None = None) -> str:
    """A LaTeX formula (without `$`) as Unicode text, the deck's macros expanded first."""
    style = _Style()
    rendered = _render(latex, macros, style)
    if style.caret_used:  # one style of exponent in a formula: render it again so
        rendered = _render(latex, macros, _Style(caret=True))
    return _finish(rendered).strip()


def _finish(text: str) -> str:
    """Strip the internal markers: operator ends and boxes (shown as brackets)."""
    # A box (a cloze deletion in math) in white square brackets: `[` and `]` are math.
    text = text.replace(_NAME_END, "").replace(_BOX_OPEN, "⟦").replace(_BOX_CLOSE, "⟧")
    text = text.replace(_FENCE_OPEN, "").replace(_FENCE_CLOSE, "")
    text = re.sub(r"⟦ +", "⟦", re.sub(r" +⟧", "⟧", text))
    text = re.sub(r" *\n *", "\n", text)
    text = re.sub(r"\( +", "(", text)
    text = re.sub(r" +\)", ")", text)
    return re.sub(r"[ ]{2,}", " ", text)


_MD_PUNCT = re.compile(r"([\\`*_{}\[\]()<>#+\-.!|~\"'&$^:;=?@%/,])")


def _escape_markdown(text: str) -> str:
    """Backslash-escape ASCII punctuation so converted math is never read as Markdown."""
    return _MD_PUNCT.sub(r"\\\1", text)


def _math_markdown(
    latex: str, macros: Mapping[str, str] | None, display: bool, style: _Style
) -> str:
    rendered = _render(latex, macros, style)
    rendered = rendered.replace(_NAME_END, "").replace(_FENCE_OPEN, "").replace(_FENCE_CLOSE, "")
    rendered = re.sub(_BOX_OPEN + " +", _BOX_OPEN, re.sub(" +" + _BOX_CLOSE, _BOX_CLOSE, rendered))
    rendered = re.sub(r" *\n *", "\n", rendered).strip()
    rendered = re.sub(r"\( +", "(", rendered)
    rendered = re.sub(r" +\)", ")", rendered)
    rendered = re.sub(r"[ ]{2,}", " ", rendered)
    rendered = "\n".join(_unbreakable(line) for line in rendered.split("\n"))
    escaped = _escape_markdown(rendered)
    # A box (a cloze in math) is shown bold in white square brackets, apart from the math's.
    escaped = escaped.replace(_BOX_OPEN, "**⟦").replace(_BOX_CLOSE, "⟧**")
    lines = escaped.split("\n")
    return ("  \n" if display else " ").join(lines)


#: A blank that terminals show as a space but text wrapping does not break at: Textual, like
#: most wrappers, breaks at any Unicode white space, the no-break space included, and the
#: braille blank is not white space.
UNBREAKABLE_SPACE = "\u2800"
#: A formula up to this many columns is kept on one line whole; a longer one may break only
#: after a relation or a `+` or `-` outside brackets.
MAX_UNBROKEN = 60
_BREAK_AFTER = _RELATIONS | set("+-−±∓,")


def _unbreakable(formula: str, max_unbroken: int = MAX_UNBROKEN) -> str:
    """One line of rendered math with its spaces made unbreakable, so that a terminal wraps
    it as a unit (`D_KL(q ‖ p)` never ends a line at `‖`).

    A space beside a box marker stays a space: the `**` the box becomes must touch white
    space to be read as bold.
    """
    long = len(formula) > max_unbroken
    out = list(formula)
    depth = 0
    for i, ch in enumerate(formula):
        if ch in "([{⟨":
            depth += 1
        elif ch in ")]}⟩":
            depth = max(0, depth - 1)
        elif ch == " ":
            beside_box = formula[i - 1 : i] == _BOX_CLOSE or formula[i + 1 : i + 2] == _BOX_OPEN
            may_break = long and depth == 0 and formula[i - 1 : i] in _BREAK_AFTER
            if not (beside_box or may_break):
                out[i] = UNBREAKABLE_SPACE
    return "".join(out)


def fit_formulas(text: str, width: int) -> str:
    """Rendered text whose formulas wider than `width` columns may break after a top-level
    relation, `+` or `-`, as a formula wider than `MAX_UNBROKEN` may: for a column narrower
    than the renderer assumes (a choice option, a phone's screen). A formula is a run of
    characters joined by `UNBREAKABLE_SPACE`; one that fits is left whole."""

    def fit(match: re.Match[str]) -> str:
        unit = match.group(0)
        if len(unit) <= width or UNBREAKABLE_SPACE not in unit:
            return unit
        return _unbreakable(unit.replace(UNBREAKABLE_SPACE, " "), max_unbroken=width)

    return re.sub(r"\S+", fit, text)


def markdown_for_terminal(markdown: str, macros: Mapping[str, str] | None = None) -> str:
    """Markdown with its `$…$` and `$$…$$` math turned into Unicode text; code left alone.

    Exponents are written in one style throughout: when one must be written `e^(-θx)`,
    every exponent but a number is, so `e⁻ˣ` and `e^(-θxᵢ)` never meet in one text.
    """
    if "$" not in markdown:
        return markdown
    style = _Style()
    shown = _markdown_pass(markdown, macros, style)
    if style.caret_used:
        shown = _markdown_pass(markdown, macros, _Style(caret=True))
    return shown


def _markdown_pass(markdown: str, macros: Mapping[str, str] | None, style: _Style) -> str:
    out: list[str] = []
    fence: str | None = None
    paragraph: list[str] = []

    def flush() -> None:
        if paragraph:
            out.append(_convert_spans("".join(paragraph), macros, style))
            paragraph.clear()

    for line in markdown.splitlines(keepends=True):
        stripped = line.lstrip()
        marker = re.match(r"(`{3,}|~{3,})", stripped)
        if fence is not None:
            out.append(line)
            if (
                marker
                and stripped.startswith(fence)
                and not stripped[len(marker.group(1)) :].strip()
            ):
                fence = None
            continue
        if marker and len(line) - len(stripped) < 4:
            flush()
            fence = marker.group(1)[0] * len(marker.group(1))
            out.append(line)
            continue
        if line.startswith(("    ", "\t")) and not paragraph:
            out.append(line)  # an indented code block
            continue
        paragraph.append(line)
        if not line.strip():
            flush()
    flush()
    return "".join(out)


def _convert_spans(text: str, macros: Mapping[str, str] | None, style: _Style) -> str:
    """Convert the math spans of a run of Markdown lines outside fenced code."""
    from flashcards.mathspans import math_spans

    out: list[str] = []
    pos = 0
    for span in math_spans(text)[0]:
        out.append(text[pos : span.start])
        d = len(span.delimiter)
        latex = text[span.start + d : span.end - d]
        shown = _math_markdown(latex, macros, span.display, style)
        # `$1$. Text` at the start of a line must not become a numbered list.
        at_line_start = not "".join(out).rsplit("\n", 1)[-1].strip()
        if at_line_start and shown.isdigit() and text[span.end : span.end + 1] in (".", ")"):
            shown += "\\"
        out.append(shown)
        pos = span.end
    out.append(text[pos:])
    return "".join(out)


def unescape_markdown(markdown: str) -> str:
    """Markdown shown as plain text: backslash escapes and emphasis marks removed, and the
    spaces of formulas plain spaces again (plain text is copied, not wrapped as Markdown)."""
    text = re.sub(r"\\([!-/:-@\[-`{-~])", r"\1", markdown).replace("**", "")
    return text.replace(UNBREAKABLE_SPACE, " ")


def first_line_text(markdown: str) -> str:
    """The first non-empty line of Markdown as plain text (heading marks, backslash escapes
    and emphasis marks removed): a card's question in a list."""
    first = next((line.strip() for line in markdown.splitlines() if line.strip()), "")
    return unescape_markdown(first.lstrip("#").strip())
