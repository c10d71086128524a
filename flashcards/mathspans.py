"""Where the `$...$` and `$$...$$` math of a Markdown text is, outside code spans."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class MathSpan:
    """One math span: `text[start:end]` with its delimiters."""

    start: int
    end: int
    display: bool

    @property
    def delimiter(self) -> str:
        return "$$" if self.display else "$"


def math_spans(text: str) -> tuple[list[MathSpan], int | None]:
    """The math spans of `text`, and the offset of a `$` that is never closed (else None).

    A backslash escapes the next character (`\\$` is a dollar sign); backtick code spans
    hold no math.
    """
    spans: list[MathSpan] = []
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c == "\\":
            i += 2
            continue
        if c == "`":
            run = len(text[i:]) - len(text[i:].lstrip("`"))
            j = text.find(text[i : i + run], i + run)
            i = i + run if j < 0 else j + run
            continue
        if c == "$":
            display = text.startswith("$$", i)
            delim = "$$" if display else "$"
            j = i + len(delim)
            while j < n:
                if text[j] == "\\":
                    j += 2
                    continue
                if text.startswith(delim, j):
                    break
                j += 1
            if j >= n:
                return spans, i
            spans.append(MathSpan(i, j + len(delim), display))
            i = j + len(delim)
            continue
        i += 1
    return spans, None


#: Delimiter pairs that may surround a whole formula, longest first.
_DELIMITERS = (("$$", "$$"), ("$", "$"), ("\\(", "\\)"), ("\\[", "\\]"))


def strip_math_delimiters(text: str) -> str:
    """`text` without one pair of `$...$`, `$$...$$`, `\\(...\\)` or `\\[...\\]` around it.

    White space around and just inside the delimiters goes too; other text comes back only
    stripped, and `$$` or `$` alone are kept (they hold no formula).
    """
    s = text.strip()
    for left, right in _DELIMITERS:
        if len(s) > len(left) + len(right) and s.startswith(left) and s.endswith(right):
            return s[len(left) : len(s) - len(right)].strip()
    return s
