"""LaTeX macros from a deck's front matter, expanded before rendering, checking or export."""

from __future__ import annotations

import re
from collections.abc import Mapping

#: Expansion stops after this many rounds, so a macro that uses itself cannot loop forever.
MAX_ROUNDS = 10

_ARG = re.compile(r"#([1-9])")


def macro_arity(body: str) -> int:
    """The number of arguments a macro body uses (`#1` … `#9`)."""
    return max((int(n) for n in _ARG.findall(body)), default=0)


def _read_group(text: str, i: int) -> tuple[str, int] | None:
    """Read one argument at `i`: a `{...}` group or a single non-space character."""
    while i < len(text) and text[i] == " ":
        i += 1
    if i >= len(text):
        return None
    if text[i] != "{":
        if text[i] == "\\":
            m = re.match(r"\\[A-Za-z]+|\\.", text[i:])
            if m:
                return m.group(0), i + len(m.group(0))
        return text[i], i + 1
    depth = 0
    j = i
    while j < len(text):
        c = text[j]
        if c == "\\":
            j += 2  # an escaped character, `\{` or `\\` included, is never a brace
            continue
        if c == "{":
            depth += 1
        elif c == "}":
            depth -= 1
            if depth == 0:
                return text[i + 1 : j], j + 1
        j += 1
    return None


def expand_macros(text: str, macros: Mapping[str, str] | None) -> str:
    """Replace each `\\name` of `macros` (not followed by a letter) with its body."""
    if not macros or "\\" not in text:
        return text
    names = sorted((name.lstrip("\\") for name in macros), key=len, reverse=True)
    pattern = re.compile(r"\\(" + "|".join(re.escape(n) for n in names) + r")(?![A-Za-z])")
    bodies = {name.lstrip("\\"): body for name, body in macros.items()}
    arities = {name: macro_arity(body) for name, body in bodies.items()}
    for _ in range(MAX_ROUNDS):
        out: list[str] = []
        pos = 0
        changed = False
        for m in pattern.finditer(text):
            if m.start() < pos:
                continue
            name = m.group(1)
            body, end = bodies[name], m.end()
            args: list[str] = []
            for _n in range(arities[name]):
                group = _read_group(text, end)
                if group is None:
                    break
                args.append(group[0])
                end = group[1]
            if len(args) < arities[name]:
                continue  # missing arguments: leave the macro as written
            expansion = _ARG.sub(lambda a, args=args: args[int(a.group(1)) - 1], body)
            # Keep a following letter from gluing onto a body that ends in a command.
            if re.search(r"\\[A-Za-z]+$", expansion) and end < len(text) and text[end].isalpha():
                expansion += " "
            out.append(text[pos : m.start()])
            out.append(expansion)
            pos = end
            changed = True
        if not changed:
            return text
        out.append(text[pos:])
        text = "".join(out)
    return text
