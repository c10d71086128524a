"""Stored notes and deck-file stamps, as the sync needs them; writing a sync plan.

`sync` reads what the store holds for the changed decks, asks the pure
`flashcards.syncplan.plan_sync` what changes, and writes it, all inside the caller's
transaction. The planning module is imported when a sync runs: opening the collection to
study does not load it.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from flashcards.identity import card_id as card_id_of  # parameters here are named card_id
from flashcards.scheduler import ReviewState
from flashcards.store.tables import (
    ACCEPTED,
    CARDS,
    DECKS,
    FILES,
    LOG,
    NOTES,
    TAGS,
    chunks,
    state_values,
)

if TYPE_CHECKING:
    from flashcards.cards import Deck
    from flashcards.stored import StoredDeck
    from flashcards.syncplan import FileStamp, Progress, StoredNote, SyncPlan, SyncReport


def _note_values(note: Any) -> dict[str, Any]:
    return {
        "id": note.id,
        "kind": note.kind,
        "front": note.front,
        "back": note.back,
        "content_hash": note.content_hash,
        "explicit_id": note.explicit_id,
        "removed": False,
    }


def under(column: Any, root: str) -> Any:
    """`column` is `root` or a path inside it; a range, so an index serves it (no LIKE).

    Ranges compare in byte order: SQLite's default collation; on PostgreSQL the path and
    deck columns need the "C" collation.
    """
    base = root.rstrip(os.sep)
    # every path inside `base` sorts between "base/" and "base0" ("0" follows "/")
    return sa.or_(
        column == root,
        sa.and_(column >= base + os.sep, column < base + chr(ord(os.sep) + 1)),
    )


def file_stamps(conn: sa.Connection, roots: Sequence[str]) -> dict[str, FileStamp]:
    """Stored stamps of the deck files under `roots` (absolute paths)."""
    rows = conn.execute(
        sa.select(FILES).where(sa.or_(*(under(FILES.c.path, r) for r in roots)))
    ).all()
    from flashcards.syncplan import FileStamp

    return {r.path: FileStamp(r.mtime_ns, r.size, r.sha256) for r in rows}


def write_stamps(
    conn: sa.Connection, stamps: Mapping[str, FileStamp], scanned: Sequence[str]
) -> None:
    if scanned:
        conn.execute(sa.delete(FILES).where(sa.or_(*(under(FILES.c.path, r) for r in scanned))))
    paths = list(stamps)
    for chunk in chunks(paths):
        conn.execute(sa.delete(FILES).where(FILES.c.path.in_(chunk)))
    if stamps:
        conn.execute(
            sa.insert(FILES),
            [
                {"path": p, "mtime_ns": s.mtime_ns, "size": s.size, "sha256": s.sha256}
                for p, s in stamps.items()
            ],
        )


def sync(
    conn: sa.Connection,
    decks: Sequence[Deck],
    scanned_paths: Sequence[str | Path],
    *,
    progress: Progress | None = None,
    file_stamps: Mapping[str, FileStamp] | None = None,
) -> SyncReport:
    """Bring the store in line with `decks`, parsed from `scanned_paths`, in one transaction.

    New cards are added, edited ones keep their history (flashcards.syncplan.plan_sync), cards
    gone from the scanned paths are marked removed (cards elsewhere are untouched), and a
    deck whose content is unchanged since the last sync is skipped.
    """
    # Imported here: opening the collection to study does not need the sync's code.
    from flashcards.syncplan import SyncReport, deck_digest, deck_path, in_scope, plan_sync

    scanned = [str(Path(p).absolute()) for p in scanned_paths]
    known = {r.path: r.digest for r in conn.execute(sa.select(DECKS.c.path, DECKS.c.digest))}
    digests: dict[str, str] = {}
    changed_decks = []
    for deck in decks:
        path = deck_path(deck)
        digests[path] = deck_digest(deck, path)
        if known.get(path) != digests[path]:
            changed_decks.append(deck)
    # Cards can vanish only from changed decks and from deck files that are gone.
    gone = [p for p in known if p not in digests and in_scope(p, scanned)]
    scope = [*(deck_path(d) for d in changed_decks), *gone]
    stored = _stored_notes(conn, changed_decks, scope)
    plan = plan_sync(changed_decks, stored, scope)
    apply_plan(conn, plan, progress)
    for path in gone:
        conn.execute(sa.delete(DECKS).where(DECKS.c.path == path))
    for deck in changed_decks:
        path = deck_path(deck)
        conn.execute(sa.delete(DECKS).where(DECKS.c.path == path))
        conn.execute(
            sa.insert(DECKS).values(
                path=path,
                name=deck.name,
                description=deck.description,
                digest=digests[path],
                source_text=deck.text,
            )
        )
    if file_stamps is not None:
        write_stamps(conn, file_stamps, scanned)
    changed_ids = {id(d) for d in changed_decks}
    return SyncReport(
        added=len(plan.new_cards),
        updated=len(plan.changed_cards) - len(plan.restored_cards),
        relinked=len(plan.relinks),
        removed=len(plan.removed_cards),
        restored=len(plan.restored_cards),
        unchanged=plan.unchanged_cards
        + sum(len(d.cards) for d in decks if id(d) not in changed_ids),
        decks_synced=len(changed_decks),
        decks_skipped=len(decks) - len(changed_decks),
        relinks=plan.relinks,
    )


def _stored_notes(
    conn: sa.Connection, decks: Sequence[Deck], scanned: Sequence[str]
) -> dict[str, StoredNote]:
    """Notes with a card under `scanned`, or sharing an id with a note of `decks`."""
    from flashcards.syncplan import StoredCard, StoredNote

    note_ids: set[str] = set()
    if scanned:
        for chunk in chunks(scanned, 100):
            note_ids.update(
                conn.execute(
                    sa.select(CARDS.c.note_id)
                    .where(sa.or_(*(under(CARDS.c.source_path, r) for r in chunk)))
                    .distinct()
                ).scalars()
            )
    wanted = [n.id for d in decks for n in d.notes if n.id not in note_ids]
    for chunk in chunks(wanted):
        note_ids.update(conn.execute(sa.select(NOTES.c.id).where(NOTES.c.id.in_(chunk))).scalars())
    ids = sorted(note_ids)
    notes: dict[str, Any] = {}
    cards: dict[str, list[StoredCard]] = {}
    tags: dict[str, list[str]] = {}
    for chunk in chunks(ids):
        for r in conn.execute(sa.select(NOTES).where(NOTES.c.id.in_(chunk))):
            notes[r.id] = r
        for r in conn.execute(
            sa.select(
                CARDS.c.id,
                CARDS.c.note_id,
                CARDS.c.ordinal,
                CARDS.c.deck,
                CARDS.c.source_path,
                CARDS.c.line,
                CARDS.c.position,
                CARDS.c.removed,
            ).where(CARDS.c.note_id.in_(chunk))
        ):
            cards.setdefault(r.note_id, []).append(
                StoredCard(r.id, r.ordinal, r.deck, r.source_path, r.line, r.position, r.removed)
            )
        for r in conn.execute(sa.select(TAGS).where(TAGS.c.note_id.in_(chunk))):
            tags.setdefault(r.note_id, []).append(r.tag)
    return {
        nid: StoredNote(
            nid,
            r.kind,
            r.front,
            r.back,
            r.content_hash,
            r.removed,
            tuple(sorted(tags.get(nid, ()))),
            tuple(sorted(cards.get(nid, ()), key=lambda c: c.ordinal)),
        )
        for nid, r in notes.items()
    }


def apply_plan(conn: sa.Connection, plan: SyncPlan, progress: Progress | None) -> None:
    """Write a sync plan (inside the caller's transaction)."""
    total = len(plan.new_cards) + len(plan.changed_cards)
    done = 0
    for old, new in plan.relinks:
        card_ids = conn.execute(
            sa.select(CARDS.c.id, CARDS.c.ordinal).where(CARDS.c.note_id == old)
        ).all()
        for cid, ordinal in card_ids:
            new_id = card_id_of(new, ordinal)
            conn.execute(sa.update(CARDS).where(CARDS.c.id == cid).values(id=new_id, note_id=new))
            conn.execute(sa.update(LOG).where(LOG.c.card_id == cid).values(card_id=new_id))
            conn.execute(
                sa.update(ACCEPTED).where(ACCEPTED.c.card_id == cid).values(card_id=new_id)
            )
        conn.execute(sa.update(NOTES).where(NOTES.c.id == old).values(id=new))
        conn.execute(sa.update(TAGS).where(TAGS.c.note_id == old).values(note_id=new))
    if plan.new_notes:
        conn.execute(sa.insert(NOTES), [_note_values(n) for n in plan.new_notes])
    for note in plan.changed_notes:  # _note_values also brings a removed note back
        conn.execute(sa.update(NOTES).where(NOTES.c.id == note.id).values(**_note_values(note)))
    tagged = [*plan.new_notes, *plan.changed_notes]
    changed_ids = [n.id for n in plan.changed_notes]
    for chunk in chunks(changed_ids):
        conn.execute(sa.delete(TAGS).where(TAGS.c.note_id.in_(chunk)))
    tag_rows = [{"note_id": n.id, "tag": t} for n in tagged for t in n.tags]
    if tag_rows:
        conn.execute(sa.insert(TAGS), tag_rows)
    new_state = state_values(ReviewState())
    for chunk in chunks(plan.new_cards, 2000):
        conn.execute(
            sa.insert(CARDS),
            [
                {
                    "id": c.id,
                    "note_id": c.note_id,
                    "ordinal": c.ordinal,
                    "kind": c.kind,
                    "deck": c.deck,
                    "source_path": c.source_path,
                    "line": c.line,
                    "position": c.position,
                    **new_state,
                    "suspended": False,
                    "buried_until": None,
                    "removed": False,
                }
                for c in chunk
            ],
        )
        done += len(chunk)
        if progress:
            progress(done, total)
    if plan.changed_cards:
        conn.execute(
            sa.update(CARDS)
            .where(CARDS.c.id == sa.bindparam("card_id"))
            .values(
                kind=sa.bindparam("kind"),
                deck=sa.bindparam("deck"),
                source_path=sa.bindparam("source_path"),
                line=sa.bindparam("line"),
                position=sa.bindparam("position"),
                removed=False,
            ),
            [
                {
                    "card_id": c.id,
                    "kind": c.kind,
                    "deck": c.deck,
                    "source_path": c.source_path,
                    "line": c.line,
                    "position": c.position,
                }
                for c in plan.changed_cards
            ],
        )
        done += len(plan.changed_cards)
        if progress:
            progress(done, total)
    for chunk in chunks(plan.removed_cards):
        conn.execute(sa.update(CARDS).where(CARDS.c.id.in_(chunk)).values(removed=True))
    for chunk in chunks(plan.removed_notes):
        conn.execute(sa.update(NOTES).where(NOTES.c.id.in_(chunk)).values(removed=True))
    if progress and total == 0:
        progress(0, 0)


def stored_decks(conn: sa.Connection, loaded: Sequence[str]) -> list[StoredDeck]:
    """The synced decks whose file is not among `loaded` (absolute paths), with their text
    and the cards studied from them, in file order."""
    from flashcards.stored import StoredDeck

    skip = set(loaded)
    # The paths first: the text of the decks read here (most of them) is never fetched.
    paths = [
        p
        for p in conn.execute(sa.select(DECKS.c.path).order_by(DECKS.c.path)).scalars()
        if p not in skip
    ]
    decks: dict[str, tuple[str, str]] = {}
    cards: dict[str, set[str]] = {p: set() for p in paths}
    for chunk in chunks(paths):
        for r in conn.execute(
            sa.select(DECKS.c.path, DECKS.c.name, DECKS.c.source_text).where(
                DECKS.c.path.in_(chunk)
            )
        ):
            decks[r.path] = (r.name, r.source_text)
        for cid, path in conn.execute(
            sa.select(CARDS.c.id, CARDS.c.source_path).where(
                CARDS.c.source_path.in_(chunk), CARDS.c.removed == sa.false()
            )
        ):
            cards[path].add(cid)
    return [StoredDeck(p, *decks[p], frozenset(cards[p])) for p in paths if p in decks]
