"""Untrusted text made safe for a terminal: one rule, dropped on screens, escaped in messages."""

from __future__ import annotations

from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from flashcards.errors import Problem
from flashcards.text import printable, single_line, strip_controls, unsafe

HOSTILE = "a\x1b[31mred\x1b[0m \x1b]0;title\x07b\x9b2Jc\x00d\u202eevil\u2066x\ttab\nline"


def test_screens_drop_whole_escape_sequences_and_unsafe_characters() -> None:
    assert strip_controls(HOSTILE) == "ared bcdevilx\ttab\nline"
    assert single_line(HOSTILE) == "ared bcdevilx tab line"


def test_messages_show_unsafe_characters_as_escapes() -> None:
    assert printable("a\x1bb\u202ec\ttab") == "a\\x1bb\\u202ec\ttab"
    assert printable("bad\udcffname") == "bad\\xffname"  # a file name byte that is not UTF-8
    assert str(Problem(Path("x\x1b.md"), 1, 2, "oops")) == "x\\x1b.md:1:2: oops"


def test_emoji_joiners_tabs_and_line_breaks_are_kept() -> None:
    family = "👩\u200d👩\u200d👧"
    assert strip_controls(family) == family == printable(family)


@given(st.text())
def test_no_unsafe_character_survives_either_way(text: str) -> None:
    for shown in (strip_controls(text), printable(text)):
        assert not any(unsafe(c) for c in shown)
        assert "\x1b" not in shown
