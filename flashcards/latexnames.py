"""LaTeX command names that more than one reader of LaTeX treats alike."""

from __future__ import annotations

#: Commands that only size a delimiter (`\left(`, `\Big|`): the delimiter is kept, they go.
SIZING_COMMANDS = frozenset(
    {
        "left",
        "right",
        "big",
        "Big",
        "bigg",
        "Bigg",
        "bigl",
        "bigr",
        "Bigl",
        "Bigr",
        "biggl",
        "biggr",
        "Biggl",
        "Biggr",
    }
)
