"""Card sides as safe Markdown for the terminal: math readable, deck text never interpreted.

Deck files come from strangers, so their text is shown as text: terminal escape sequences
and control characters are removed, raw HTML is escaped, and images become a placeholder.
Textual's Markdown widget does not read Rich markup, so `[bold]` shows as written.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from flashcards.cards import Card, CardKind, Deck
from flashcards.decks import resolve_image
from flashcards.latex import (
    first_line_text,
    latex_to_unicode,
    markdown_for_terminal,
)
from flashcards.text import strip_controls
from tui.text import plain

__all__ = ["plain", "strip_controls"]  # re-exported: most screens import them from here

_IMAGE = re.compile(r"!\[([^\]]*)\]\(([^)\s]*)(?:\s+\"[^\"]*\")?\)")


def _escape_html(markdown: str) -> str:
    """Escape `<` outside code, so raw HTML shows as text."""
    out: list[str] = []
    fence = None
    for line in markdown.splitlines(keepends=True):
        marker = re.match(r"\s{0,3}(`{3,}|~{3,})", line)
        if fence:
            out.append(line)
            if marker and marker.group(1).startswith(fence):
                fence = None
            continue
        if marker:
            fence = marker.group(1)
            out.append(line)
            continue
        parts = re.split(r"(`+[^`]*`+)", line)
        # `\<` is already escaped (converted math escapes its own punctuation).
        out.append(
            "".join(p if p.startswith("`") else re.sub(r"(?<!\\)<", r"\\<", p) for p in parts)
        )
    return "".join(out)


@dataclass(frozen=True, slots=True)
class ShownImage:
    """An image of the card side: its caption and where the file is."""

    caption: str
    path: Path | None


def _images(markdown: str, deck_path: Path | None) -> tuple[str, list[ShownImage]]:
    found: list[ShownImage] = []

    def placeholder(m: re.Match[str]) -> str:
        caption, src = m.group(1) or "image", m.group(2)
        path = resolve_image(src, deck_path) if deck_path else None
        found.append(ShownImage(caption, path))
        if path is None and deck_path is not None:
            # A deck of another machine (studied from its stored text): its files stay there.
            return f"\\[image: {caption} — its file is not on this machine\\]"
        return f"\\[image: {caption} — press o to open\\]"

    return _IMAGE.sub(placeholder, markdown), found


def side_markdown(
    markdown: str, macros: Mapping[str, str] | None = None, deck_path: Path | None = None
) -> tuple[str, list[ShownImage]]:
    """One side of a card as safe terminal Markdown, and the images it shows."""
    text = strip_controls(markdown)
    text, images = _images(text, deck_path)
    # Math first: its `<` and `>` are LaTeX, and come out escaped for Markdown.
    text = markdown_for_terminal(text, macros)
    return _escape_html(text), images


def front_source(card: Card, reveal: bool = False) -> str:
    """The Markdown source of what the card asks (cloze deletions hidden unless `reveal`)."""
    note = card.note
    if note.kind is CardKind.CLOZE:
        from flashcards.cloze import ClozeError, render_cloze

        try:
            return render_cloze(note.front, card.ordinal, reveal)
        except ClozeError:
            return note.front
    if note.kind is CardKind.REVERSIBLE and card.ordinal == 1:
        return note.back
    return note.front


def back_source(card: Card) -> str:
    """The Markdown source of the answer side (for a cloze: the extra text), its first
    line shown as written (see `first_line_as_written`)."""
    note = card.note
    if note.kind is CardKind.REVERSIBLE and card.ordinal == 1:
        return first_line_as_written(note.front)
    return first_line_as_written(note.back)


#: A numbered list item's marker at the start of a line: `1.` or `1)` then a space.
_NUMBERED = re.compile(r"\A(\s{0,3})(\d{1,9})([.)])(?=\s|\Z)")


def first_line_as_written(source: str) -> str:
    """Markdown whose first line reads as written: an answer written `A: 1. Every
    probability...` starts with the number 1, not a list numbered from 1 (which would hide
    that the answer is "1"). The marker's dot is escaped; later lines keep their lists."""
    return _NUMBERED.sub(lambda m: f"{m[1]}{m[2]}\\{m[3]}", source, count=1)


def expected_text(card: Card, deck: Deck) -> str:
    """The expected answer of a math or text card, as terminal text."""
    note = card.note
    if note.math is not None:
        expected = note.math.expected.strip().strip("$")
        if "\\" in expected:
            return latex_to_unicode(expected, deck.macro_map)
        # Plain syntax (`3*x^2`): the same layout, with `·` for the product and Greek
        # letters as symbols, as the checker's reading of an answer shows them.
        shown = latex_to_unicode(_braced_powers(expected.replace("**", "^")), deck.macro_map)
        shown = shown.replace("*", "·").replace("sqrt(", "√(")
        return _GREEK_WORD.sub(lambda m: _greek_symbols()[m[0]], shown)
    if note.text is not None:
        also = [a for a in note.text.alternatives if a != note.text.answer]
        return note.text.answer + (f"  (also: {', '.join(also)})" if also else "")
    return ""


#: A Greek letter's name (or pi) standing alone in plain syntax: `mu`, `sigma_1`, not `mud`.
_GREEK_WORD = re.compile(
    r"(?<![A-Za-z])(alpha|beta|gamma|delta|epsilon|zeta|eta|theta|iota|kappa|lambda|mu|nu|xi|"
    r"rho|sigma|tau|upsilon|phi|chi|psi|omega|pi|Gamma|Delta|Theta|Lambda|Xi|Pi|Sigma|"
    r"Upsilon|Phi|Psi|Omega)(?![A-Za-z])"
)


def _greek_symbols() -> dict[str, str]:
    from flashcards.answers.grammar import GREEK_SYMBOL

    return {**GREEK_SYMBOL, "pi": "π", "Upsilon": "Υ"}


def _braced_powers(text: str) -> str:
    """`x^(n-1)` -> `x^{n-1}`, so a plain exponent in brackets is laid out as one."""
    out, i = [], 0
    while i < len(text):
        if text.startswith("^(", i):
            depth, j = 0, i + 1
            while j < len(text):
                depth += {"(": 1, ")": -1}.get(text[j], 0)
                if depth == 0:
                    break
                j += 1
            if j < len(text):
                out.append("^{" + _braced_powers(text[i + 2 : j]) + "}")
                i = j + 1
                continue
        out.append(text[i])
        i += 1
    return "".join(out)


_ARTICLES = frozenset({"a", "an", "the"})
#: A number written with thousands separators: 1,024 and 38,597,376, not 1,2 or 1,24.
_GROUPED_NUMBER = re.compile(r"(?<![\w,.])\d{1,3}(?:,\d{3})+(?![\w,])")
#: A decimal number, a run of letters and digits, or any other single character.
_TEXT_TOKEN = re.compile(r"\d+(?:\.\d+)+|[^\W_]+|\S")
_BRACKETS = {"(": ")", "[": "]", "{": "}"}
#: Characters that change what a math-like answer says (x+1, x^2, O(n), A*), kept as tokens
#: with the math symbols (Unicode category Sm: + = < > ≤ ...).
_KEPT = frozenset("()[]{}^*/%")


def _balanced(tokens: list[str]) -> bool:
    depth = 0
    for token in tokens:
        depth += (token in _BRACKETS) - (token in _BRACKETS.values())
        if depth < 0:
            return False
    return depth == 0


def normalise_text(text: str) -> str:
    """Case, spacing and punctuation folded, for typed-text answers.

    Punctuation around and between words goes, as do thousands separators (`1,024`) and
    brackets around the whole answer. What changes a math-like answer stays: operators and
    other math symbols, brackets, a decimal point between digits, and a minus sign in front
    of something (`-1`); a hyphen or minus between two terms separates them like a space
    (`lower-bound`, `x-1`).
    """
    text = unicodedata.normalize("NFKC", text).casefold().replace("\u2212", "-")
    text = _GROUPED_NUMBER.sub(lambda m: m.group().replace(",", ""), text)
    matches = list(_TEXT_TOKEN.finditer(text))
    tokens: list[str] = []
    for i, match in enumerate(matches):
        token = match.group()
        if token[0].isalnum():
            tokens.append(token)
        elif token == "-":
            before = matches[i - 1].group() if i else ""
            after = matches[i + 1] if i + 1 < len(matches) else None
            unary = not before or not (before[0].isalnum() or before in ")]}")
            if unary and after is not None and after.start() == match.end():
                tokens.append(token)
        elif token in _KEPT or unicodedata.category(token) == "Sm":
            tokens.append(token)
    while len(tokens) >= 2 and _BRACKETS.get(tokens[0]) == tokens[-1] and _balanced(tokens[1:-1]):
        tokens = tokens[1:-1]
    return " ".join(tokens)


def text_answer_matches(given: str, answer: str, alternatives: tuple[str, ...] = ()) -> bool:
    """True if `given` equals the answer or an alternative after normalising.

    A leading article (a, an, the) in `given` is ignored unless the answer starts with one.
    """
    typed = normalise_text(given).split()
    if not typed:
        return False
    for option in (answer, *alternatives):
        wanted = normalise_text(option).split()
        if not wanted:
            continue
        if typed[0] in _ARTICLES and wanted[0] not in _ARTICLES and typed[1:] == wanted:
            return True
        if typed == wanted:
            return True
    return False


def one_line(card: Card, deck: Deck, width: int = 60) -> str:
    """The card's question as one short line of plain text (for lists)."""
    text, _ = side_markdown(front_source(card), deck.macro_map)
    first = first_line_text(text)
    return first if len(first) <= width else first[: width - 1] + "…"
