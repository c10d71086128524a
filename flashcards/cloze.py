"""Anki-style cloze deletions, `{{c1::text}}` and `{{c1::text::hint}}`, also inside LaTeX math."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from flashcards.mathspans import math_spans

_OPEN = re.compile(r"\{\{c(\d+)::")


@dataclass(frozen=True, slots=True)
class Cloze:
    """One deletion: its number, hidden text, optional hint and span in the source."""

    number: int
    content: str
    hint: str | None
    start: int
    end: int
    #: True when the deletion stands inside `$...$` or `$$...$$` math.
    in_math: bool


class ClozeError(ValueError):
    """An unterminated deletion; `offset` is where it starts."""

    def __init__(self, offset: int, message: str) -> None:
        super().__init__(message)
        self.offset = offset


def _close(text: str, start: int) -> tuple[int, int, int]:
    """From just after `{{cN::`, find the hint separator (or -1), the end of the content, and
    the index after the closing `}}`, matching the braces of LaTeX inside the deletion."""
    depth = 0
    hint_at = -1
    i, n = start, len(text)
    while i < n:
        c = text[i]
        if c == "\\":
            i += 2
            continue
        if c == "{":
            if text.startswith("{{c", i) and _OPEN.match(text, i):
                raise ClozeError(i, "a cloze inside a cloze; close the first with `}}` before")
            depth += 1
        elif c == "}":
            if depth == 0 and text.startswith("}}", i):
                return hint_at, i, i + 2
            depth -= 1
            if depth < 0:
                raise ClozeError(start, "unbalanced `}` inside a cloze")
        elif c == ":" and depth == 0 and hint_at < 0 and text.startswith("::", i):
            hint_at = i
            i += 2
            continue
        i += 1
    raise ClozeError(start, "unterminated cloze; close it with `}}`")


def find_clozes(text: str) -> list[Cloze]:
    """Every deletion in `text`, in order; raises ClozeError for an unterminated one."""
    if "{{c" not in text:
        return []
    math = [(m.start, m.end) for m in math_spans(text)[0]]
    found: list[Cloze] = []
    pos = 0
    while True:
        m = _OPEN.search(text, pos)
        if m is None:
            return found
        try:
            hint_at, content_end, end = _close(text, m.end())
        except ClozeError as error:
            error.offset = m.start()
            raise
        if hint_at >= 0:
            content, hint = text[m.end() : hint_at], text[hint_at + 2 : content_end]
        else:
            content, hint = text[m.end() : content_end], None
        in_math = any(a < m.start() < b for a, b in math)
        found.append(Cloze(int(m.group(1)), content, hint, m.start(), end, in_math))
        pos = end


#: fmt(cloze, hidden) -> replacement text for one of the card's own deletions: `hidden` on
#: the front, revealed on the back. Deletions of other numbers always show their text.
ClozeFormatter = Callable[[Cloze, bool], str]


def plain_format(cloze: Cloze, hidden: bool) -> str:
    """Markdown: `⟦…⟧` or `⟦hint⟧` when hidden (white square brackets, which math does not
    use), the text highlighted when revealed."""
    if hidden:
        label = cloze.hint or "…"
        return rf"\boxed{{\text{{{label}}}}}" if cloze.in_math else f"**⟦{label}⟧**"
    return rf"\boxed{{{cloze.content}}}" if cloze.in_math else f"**{cloze.content}**"


def render_cloze(text: str, number: int, reveal: bool, fmt: ClozeFormatter = plain_format) -> str:
    """The text of card `number`: its deletions hidden (front) or shown (back), others shown."""
    out: list[str] = []
    pos = 0
    for cloze in find_clozes(text):
        out.append(text[pos : cloze.start])
        if cloze.number == number:
            out.append(fmt(cloze, not reveal))
        else:
            out.append(cloze.content)
        pos = cloze.end
    out.append(text[pos:])
    return "".join(out)
