"""Untrusted text (deck files, their names, typed answers) made safe for a terminal, and the
small words of counts and times, in one place for the command line and the study app.

What is unsafe is defined once (`unsafe`): C0 and C1 controls but tab and newline, DEL,
format characters such as bidirectional overrides (but the zero-width joiner that emoji need),
and lone surrogates (bytes of a file name that is not UTF-8). Screens drop it
(`strip_controls`, with whole escape sequences); messages that name a file show it as escapes
(`printable`), so the file can still be found.
"""

from __future__ import annotations

import re
import unicodedata

#: ESC sequences (CSI, OSC, and two-byte ones) and C1 CSI ones: dropped whole, not only
#: their first character, so no `[31m` is left behind.
_ESCAPES = re.compile(
    r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?|\x1b[@-_]?|\x9b[0-?]*[ -/]*[@-~]"
)
#: Kept although controls or format characters: tab, newline, the zero-width joiner.
_KEPT = frozenset("\t\n\u200d")


def unsafe(char: str) -> bool:
    """Whether one character must not reach a terminal as it is."""
    return char not in _KEPT and unicodedata.category(char) in ("Cc", "Cf", "Cs")


def strip_controls(text: str) -> str:
    """Text without terminal escape sequences or unsafe characters (tab and newline kept)."""
    text = _ESCAPES.sub("", text)
    return "".join(c for c in text if not unsafe(c))


def single_line(text: str) -> str:
    """`strip_controls`, with tabs and line breaks as spaces: for one line of a table."""
    return strip_controls(text).replace("\t", " ").replace("\n", " ")


def printable(text: str) -> str:
    """`text` safe for a terminal: unsafe characters shown as escapes (`\\x1b`), not sent."""
    out = []
    for c in text:
        if not unsafe(c):
            out.append(c)
            continue
        code = ord(c)
        if 0xDC80 <= code <= 0xDCFF:  # a byte that os.fsdecode could not decode
            out.append(f"\\x{code - 0xDC00:02x}")
        else:
            out.append(f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}")
    return "".join(out)


def cells(text: str) -> int:
    """Terminal columns `text` takes: wide (East Asian) characters two, combining marks none."""
    return sum(
        0
        if unicodedata.combining(c) or unicodedata.category(c) in ("Mn", "Me", "Cf")
        else 2
        if unicodedata.east_asian_width(c) in ("W", "F")
        else 1
        for c in text
    )


def fit(text: str, width: int) -> str:
    """`text` cut to at most `width` columns, ending in `…` when something was cut."""
    if cells(text) <= width:
        return text
    out, used = [], 0
    for c in text:
        w = cells(c)
        if used + w > width - 1:
            break
        out.append(c)
        used += w
    return "".join(out).rstrip() + "…" if width > 0 else ""


def plural(n: int, word: str, many: str | None = None) -> str:
    """`1 card`, `2 cards`."""
    return f"{n} {word if n == 1 else (many or word + 's')}"


def percent(share: float | None) -> str:
    """`0.8` -> `80%`; None -> `-`."""
    return "-" if share is None else f"{100 * share:.0f}%"


def duration(seconds: float) -> str:
    """`75` -> `1 min 15 s`."""
    total = int(round(seconds))
    if total < 60:
        return f"{total} s"
    minutes, secs = divmod(total, 60)
    if minutes < 60:
        return f"{minutes} min {secs} s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes} min"
