"""Note and card identity: the one home of every id rule (see docs/deck-format.md).

A note's id (its Anki guid) is the explicit id the deck gives, else `content_id` of its kind
and normalised text; sync re-links an edited hash-id note to the vanished note it most
resembles (`flashcards.syncplan.match_vanished`), spotting edits with `content_hash`. A
card's id, the database key, is its note id and ordinal (`card_id`, read back by `note_of`).
"""

from __future__ import annotations

import hashlib
import re
from typing import Any, Protocol

_WS = re.compile(r"\s+")


def normalise(text: str) -> str:
    """Text with runs of white space folded, for hashing and comparing."""
    return _WS.sub(" ", text).strip()


class NoteContent(Protocol):
    """What a note shows and checks (`flashcards.cards.Note` has it), for `content_hash`;
    a protocol, so that this module, which `cards` imports, imports nothing of the project."""

    @property
    def kind(self) -> str: ...
    @property
    def front(self) -> str: ...
    @property
    def back(self) -> str: ...
    @property
    def choices(self) -> Any: ...
    @property
    def math(self) -> Any: ...
    @property
    def text(self) -> Any: ...


def content_id(kind: str, *parts: str) -> str:
    """A note id from its kind (a `CardKind`) and normalised content: `~` and 16 hex digits."""
    h = hashlib.blake2b(digest_size=8)
    h.update(str(kind).encode())
    for part in parts:
        h.update(b"\x1f")
        h.update(normalise(part).encode("utf-8", "surrogatepass"))
    return "~" + h.hexdigest()


def card_id(note_id: str, ordinal: int) -> str:
    """The store key of a card: its note id and ordinal."""
    return f"{note_id}:{ordinal}"


def note_of(card_id: str) -> str:
    """The note id of a card id (`note:ordinal`)."""
    return card_id.rpartition(":")[0]


def content_hash(note: NoteContent) -> str:
    """A digest of everything a note shows and checks, to spot edits."""
    payload = repr((str(note.kind), note.front, note.back, note.choices, note.math, note.text))
    return hashlib.blake2b(payload.encode(), digest_size=16).hexdigest()
