"""Anki guids <-> flashcards note ids, for notes imported from Anki.

An explicit note id is letters, digits, `-` and `_` (see docs/deck-format.md); Anki's own
guids are base91 text (`Kid&zyin=X`). A guid that is already a valid id is kept as it is; any
other is written as `anki-` and the hex digits of its UTF-8 bytes, and turned back into the
guid when the note is exported, so Anki sees the note it has.
"""

from __future__ import annotations

import re

PREFIX = "anki-"

_EXPLICIT = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]*")
_ENCODED = re.compile(r"anki-((?:[0-9a-f]{2})+)")


def note_id_for_guid(guid: str) -> str:
    """The explicit note id that stands for an Anki guid."""
    if _EXPLICIT.fullmatch(guid) and not guid.startswith(PREFIX):
        return guid
    return PREFIX + guid.encode("utf-8", "surrogatepass").hex()


def guid_for_note_id(note_id: str) -> str:
    """The Anki guid of a note id: the guid an `anki-` id stands for, else the id itself."""
    m = _ENCODED.fullmatch(note_id)
    if m is None:
        return note_id
    try:
        guid = bytes.fromhex(m.group(1)).decode("utf-8")
    except UnicodeDecodeError:
        return note_id
    # only ids this module makes are decoded: a guid that needed no encoding was never one
    return guid if note_id_for_guid(guid) == note_id else note_id
