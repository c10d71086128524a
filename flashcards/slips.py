"""Slips in a deck's Markdown that still parse: LaTeX written outside math, mistyped clozes.

Pure: each function takes the text of one Markdown block and returns `Slip`s at offsets into
it; the parser turns the offsets into file lines and columns.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from flashcards.mathspans import math_spans

#: `{c1::` with one opening brace, or `{{c1:` with one colon: a cloze mistyped.
_ONE_BRACE = re.compile(r"(?<!\{)\{c(\d+)::")
_ONE_COLON = re.compile(r"\{\{c(\d+):(?!:)")
_COMMAND = re.compile(r"\\([A-Za-z]+)")
#: Characters Markdown lets a backslash escape (CommonMark: ASCII punctuation).
_MARKDOWN_ESCAPABLE = frozenset("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~")
_BACKTICKS = re.compile(r"`+")
_FENCE = re.compile(r"[ \t]{0,3}(`{3,}|~{3,})")


#: How a cloze-typo message starts.
CLOZE_TYPO = "likely cloze typo"


@dataclass(frozen=True, slots=True)
class Slip:
    """One slip: where it starts in the block's text, and what to say about it."""

    offset: int
    message: str


def _code_free(text: str) -> str:
    """The text with fenced code and backtick code spans blanked out (offsets kept)."""
    out = list(text)
    pos = 0
    fence: str | None = None
    for line in text.splitlines(keepends=True):
        marker = _FENCE.match(line)
        if fence is not None or marker:
            if fence is None and marker:
                fence = marker.group(1)
            elif marker and marker.group(1).startswith(fence) and not line[marker.end() :].strip():
                fence = None
            out[pos : pos + len(line)] = [" " if c != "\n" else c for c in line]
        pos += len(line)
    # Code spans as `math_spans` reads them, so both agree on what is code.
    blanked = "".join(out)
    i = 0
    while (i := blanked.find("`", i)) >= 0:
        ticks = _BACKTICKS.match(blanked, i)
        run = ticks.end() - i if ticks else 1
        j = blanked.find(blanked[i : i + run], i + run)
        if j < 0:
            i += run
            continue
        out[i : j + run] = [" " if c != "\n" else c for c in blanked[i : j + run]]
        i = j + run
    return "".join(out)


def latex_outside_math(text: str, is_command: Callable[[str], bool]) -> list[Slip]:
    """LaTeX commands (`\\sim`, `\\mathrm`, `\\frac`) in plain text, outside `$...$` math.

    Markdown's own backslash escapes (`\\*`, `\\$`, `\\\\`) are not commands, and a name
    `is_command` does not know (`\\n` in prose) is left alone. After a `$` that is never
    closed nothing is reported: that slip has its own message.
    """
    plain = _code_free(text)
    spans, unterminated = math_spans(plain)
    end = len(plain) if unterminated is None else unterminated
    slips: list[Slip] = []
    i = 0
    math = iter(spans)
    next_math = next(math, None)
    while i < end:
        if next_math is not None and i >= next_math.start:
            i = next_math.end
            next_math = next(math, None)
            continue
        if plain[i] != "\\":
            i += 1
            continue
        if plain[i + 1 : i + 2] in _MARKDOWN_ESCAPABLE:
            i += 2  # an escape: `\\` is a backslash, so `\\sim` is the text `\sim`
            continue
        m = _COMMAND.match(plain, i)
        if m is None:
            i += 1
            continue
        if is_command(m.group(1)):
            slips.append(Slip(i, f"LaTeX outside math: {m.group(0)}; is a `$` missing?"))
        i = m.end()
    return slips


def cloze_typos(text: str) -> list[Slip]:
    """`{c1::text}}` and `{{c1:text}}`: clozes with a brace or a colon missing."""
    plain = _code_free(text)
    slips = [
        Slip(
            m.start(),
            f"{CLOZE_TYPO} `{m.group(0)}` (one `{{`); write `{{{{c{m.group(1)}::text}}}}`",
        )
        for m in _ONE_BRACE.finditer(plain)
    ]
    slips += [
        Slip(
            m.start(),
            f"{CLOZE_TYPO} `{m.group(0)}` (one `:`); write `{{{{c{m.group(1)}::text}}}}`",
        )
        for m in _ONE_COLON.finditer(plain)
    ]
    return sorted(slips, key=lambda s: s.offset)
