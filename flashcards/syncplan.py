"""What a sync must add, re-link and remove: pure planning over plain values.

`plan_sync` decides, from the parsed decks and what the store holds for them, what changes,
following the identity rules of docs/deck-format.md (`flashcards.identity`); `match_vanished`
pairs an edited hash-id note with the vanished note it most resembles; `deck_digest` tells an
unchanged deck. The store (`flashcards.store.notes`) reads the stored notes and applies the
plan in one transaction; `flashcards.sync` is the shell that scans deck files.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from difflib import SequenceMatcher

from flashcards.cards import Deck, Note
from flashcards.errors import Problem
from flashcards.identity import card_id, content_hash

#: How alike (difflib ratio over front and back) a new note must be to a vanished one of the
#: same kind to inherit its history.
RELINK_SIMILARITY = 0.6

#: `progress(done, total)` is called as decks are written.
Progress = Callable[[int, int], None]


@dataclass(frozen=True, slots=True)
class StoredCard:
    """What the store holds about one card, as far as sync is concerned."""

    id: str
    ordinal: int
    deck: str
    source_path: str
    line: int
    position: int
    removed: bool


@dataclass(frozen=True, slots=True)
class StoredNote:
    """What the store holds about one note and its cards."""

    id: str
    kind: str
    front: str
    back: str
    content_hash: str
    removed: bool
    tags: tuple[str, ...]
    cards: tuple[StoredCard, ...]


@dataclass(frozen=True, slots=True)
class NoteRecord:
    """A note to insert or update."""

    id: str
    kind: str
    front: str
    back: str
    content_hash: str
    explicit_id: bool
    tags: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class CardRecord:
    """A card to insert or update (scheduling state untouched)."""

    id: str
    note_id: str
    ordinal: int
    kind: str
    deck: str
    source_path: str
    line: int
    position: int


@dataclass(frozen=True, slots=True)
class SyncPlan:
    """The changes one sync makes."""

    #: (old note id, new note id): the new note inherits the old one's cards and history.
    relinks: tuple[tuple[str, str], ...] = ()
    new_notes: tuple[NoteRecord, ...] = ()
    changed_notes: tuple[NoteRecord, ...] = ()
    new_cards: tuple[CardRecord, ...] = ()
    #: Existing cards (after relinks) whose place changed or that come back from removal.
    changed_cards: tuple[CardRecord, ...] = ()
    removed_cards: tuple[str, ...] = ()
    removed_notes: tuple[str, ...] = ()
    restored_cards: tuple[str, ...] = ()
    unchanged_cards: int = 0


@dataclass(frozen=True, slots=True)
class SyncReport:
    """What a sync did, for the command line and the study app."""

    added: int = 0
    updated: int = 0
    relinked: int = 0
    removed: int = 0
    restored: int = 0
    unchanged: int = 0
    decks_synced: int = 0
    decks_skipped: int = 0
    files_skipped: int = 0
    relinks: tuple[tuple[str, str], ...] = ()
    problems: tuple[Problem, ...] = field(default=())

    def summary(self) -> str:
        """One line for the command line."""
        return (
            f"{self.added} added, {self.updated} updated, {self.relinked} re-linked, "
            f"{self.removed} removed, {self.restored} restored, {self.unchanged} unchanged "
            f"({self.decks_synced} decks synced, {self.decks_skipped} unchanged)"
        )


def deck_digest(deck: Deck, path: str) -> str:
    """A digest of everything sync writes for a deck, so an unchanged deck is skipped.

    The deck's text is in it: sync stores the text (for machines without the file), so an
    edit that changes no card (a macro, a comment) is written too.
    """
    h = hashlib.blake2b(digest_size=16)
    h.update(repr((deck.name, path, deck.description, deck.tags)).encode())
    h.update(hashlib.blake2b(deck.text.encode("utf-8", "surrogatepass")).digest())
    for note in deck.notes:
        h.update(
            repr(
                (note.id, note.line, note.explicit_id, note.tags, note.ordinals, content_hash(note))
            ).encode()
        )
    return h.hexdigest()


def deck_path(deck: Deck) -> str:
    """The path a deck's cards are stored under (absolute, as given when not resolvable)."""
    return str(deck.path.absolute())


def in_scope(path: str, scanned: Iterable[str]) -> bool:
    """True when `path` is one of the scanned files or inside a scanned folder."""
    return any(path == root or path.startswith(root.rstrip(os.sep) + os.sep) for root in scanned)


def _similarity(a: StoredNote, b: NoteRecord) -> float:
    """difflib's ratio over front and back, with its cheap upper bounds tried first."""
    matcher = SequenceMatcher(None, f"{a.front}\n{a.back}", f"{b.front}\n{b.back}", autojunk=False)
    if matcher.real_quick_ratio() < RELINK_SIMILARITY or matcher.quick_ratio() < RELINK_SIMILARITY:
        return 0.0
    return matcher.ratio()


def match_vanished(
    vanished: Sequence[StoredNote], appeared: Sequence[NoteRecord]
) -> list[tuple[str, str]]:
    """Pair new hash-id notes with vanished notes: same kind, most similar first, one to one."""
    pairs: list[tuple[float, str, str]] = []
    for new in appeared:
        if new.explicit_id:
            continue  # an explicit id is its own identity
        for old in vanished:
            if old.kind != new.kind:
                continue
            ratio = _similarity(old, new)
            if ratio >= RELINK_SIMILARITY:
                pairs.append((ratio, old.id, new.id))
    pairs.sort(key=lambda p: (-p[0], p[1], p[2]))
    used_old: set[str] = set()
    used_new: set[str] = set()
    out: list[tuple[str, str]] = []
    for _, old_id, new_id in pairs:
        if old_id in used_old or new_id in used_new:
            continue
        used_old.add(old_id)
        used_new.add(new_id)
        out.append((old_id, new_id))
    return out


def plan_sync(
    decks: Sequence[Deck], stored: Mapping[str, StoredNote], scanned: Sequence[str]
) -> SyncPlan:
    """Decide what a sync of `decks` changes.

    Args:
        decks: the decks parsed from the scanned paths (those to write).
        stored: the store's notes that are in scope (cards under `scanned`) or that share an
            id with a note of `decks`, keyed by note id.
        scanned: absolute paths (files or folders) that were scanned; cards elsewhere are
            never marked removed.
    """
    present: dict[str, tuple[Note, NoteRecord, list[CardRecord]]] = {}
    for deck in decks:
        path = deck_path(deck)
        position = 0
        for note in deck.notes:
            if note.id in present:
                continue  # duplicate ids are reported by the loader; the first one wins
            tags = tuple(sorted(set(deck.tags) | set(note.tags)))
            record = NoteRecord(
                note.id,
                str(note.kind),
                note.front,
                note.back,
                content_hash(note),
                note.explicit_id,
                tags,
            )
            cards = []
            for ordinal in note.ordinals:
                cards.append(
                    CardRecord(
                        card_id(note.id, ordinal),
                        note.id,
                        ordinal,
                        str(note.kind),
                        deck.name,
                        path,
                        note.line,
                        position,
                    )
                )
                position += 1
            present[note.id] = (note, record, cards)

    vanished = [
        n
        for n in stored.values()
        if n.id not in present
        and not n.removed
        and any(not c.removed and in_scope(c.source_path, scanned) for c in n.cards)
    ]
    appeared = [rec for nid, (_, rec, _) in present.items() if nid not in stored]
    relinks = match_vanished(vanished, appeared)
    relinked_old = {old for old, _ in relinks}

    # The store as it will look after the relinks: the new id takes over the old note.
    effective: dict[str, StoredNote] = dict(stored)
    for old, new in relinks:
        note = effective.pop(old)
        effective[new] = replace(
            note,
            id=new,
            cards=tuple(replace(c, id=card_id(new, c.ordinal)) for c in note.cards),
        )

    new_notes: list[NoteRecord] = []
    changed_notes: list[NoteRecord] = []
    new_cards: list[CardRecord] = []
    changed_cards: list[CardRecord] = []
    removed_cards: list[str] = []
    restored: list[str] = []
    unchanged = 0
    for nid, (_, record, cards) in present.items():
        old_note = effective.get(nid)
        if old_note is None:
            new_notes.append(record)
            new_cards.extend(cards)
            continue
        if (
            old_note.removed
            or old_note.content_hash != record.content_hash
            or old_note.tags != record.tags
            or old_note.kind != record.kind
        ):
            changed_notes.append(record)
        old_cards = {c.ordinal: c for c in old_note.cards}
        for card in cards:
            old = old_cards.pop(card.ordinal, None)
            if old is None:
                new_cards.append(card)
            elif old.removed:
                restored.append(card.id)
                changed_cards.append(card)
            elif (old.deck, old.source_path, old.line, old.position) != (
                card.deck,
                card.source_path,
                card.line,
                card.position,
            ) or old_note.kind != record.kind:
                changed_cards.append(card)
            else:
                unchanged += 1
        # a cloze number that disappeared: that card is gone, its siblings stay
        removed_cards.extend(c.id for c in old_cards.values() if not c.removed)

    removed_notes: list[str] = []
    for note in vanished:
        if note.id in relinked_old:
            continue
        gone = [c.id for c in note.cards if not c.removed and in_scope(c.source_path, scanned)]
        removed_cards.extend(gone)
        if len(gone) == sum(1 for c in note.cards if not c.removed):
            removed_notes.append(note.id)
    return SyncPlan(
        relinks=tuple(relinks),
        new_notes=tuple(new_notes),
        changed_notes=tuple(changed_notes),
        new_cards=tuple(new_cards),
        changed_cards=tuple(changed_cards),
        removed_cards=tuple(removed_cards),
        removed_notes=tuple(removed_notes),
        restored_cards=tuple(restored),
        unchanged_cards=unchanged,
    )


@dataclass(frozen=True, slots=True)
class FileStamp:
    """What tells an unchanged deck file: its modification time and size (and hash)."""

    mtime_ns: int
    size: int
    sha256: str = ""
