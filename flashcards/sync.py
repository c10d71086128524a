"""Deck files into the store: scan them, parse the changed ones, run the sync plan.

The shell of the sync: it stats deck files so that unchanged ones are not even parsed
(`scan_files`, `changed_files`), then hands the decks to `Store.sync`, which plans with the
pure `flashcards.syncplan` and writes in one transaction. The store never imports this module.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from flashcards.cards import Deck
from flashcards.errors import Problem
from flashcards.syncplan import FileStamp, Progress, SyncReport, in_scope

if TYPE_CHECKING:
    from flashcards.store import Store


def deck_files(root: Path) -> list[Path]:
    """The deck files under `root` (or `root` itself), as the deck loader finds them."""
    if root.is_file():
        return [root]
    from flashcards.decks import deck_files as tree_files

    return tree_files(root)


def file_sha256(path: Path) -> str:
    """The SHA-256 of a file's bytes."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


def scan_files(roots: Sequence[Path]) -> dict[str, dict[str, FileStamp]]:
    """For each root (absolute path string), the stamp of every deck file under it."""
    out: dict[str, dict[str, FileStamp]] = {}
    for root in roots:
        stamps: dict[str, FileStamp] = {}
        for path in deck_files(root):
            try:
                st = path.stat()
            except OSError:
                continue
            stamps[str(path.absolute())] = FileStamp(st.st_mtime_ns, st.st_size)
        out[str(root.absolute())] = stamps
    return out


def changed_files(
    current: Mapping[str, FileStamp],
    known: Mapping[str, FileStamp],
    sha: Callable[[str], str] = lambda p: file_sha256(Path(p)),
) -> tuple[bool, dict[str, FileStamp]]:
    """Whether any file differs from the stored stamps, and the stamps to store.

    A file whose time changed but whose size did not is hashed: a checkout that rewrote the
    same bytes is not a change.
    """
    changed = set(current) != set(known)
    stamps: dict[str, FileStamp] = {}
    for path, stamp in current.items():
        old = known.get(path)
        if old is not None and (old.mtime_ns, old.size) == (stamp.mtime_ns, stamp.size):
            stamps[path] = old
            continue
        digest = sha(path) if old is not None and old.size == stamp.size else ""
        if digest and digest == old.sha256:
            stamps[path] = FileStamp(stamp.mtime_ns, stamp.size, digest)
            continue
        changed = True
        stamps[path] = FileStamp(stamp.mtime_ns, stamp.size, digest or sha(path))
    return changed, stamps


def sync_paths(
    store: Store,
    paths: Sequence[Path],
    *,
    load: Callable[[Sequence[Path]], tuple[list[Deck], list[Problem]]] | None = None,
    progress: Progress | None = None,
    force: bool = False,
) -> SyncReport:
    """Sync deck files and folders into `store`, parsing only roots where a file changed.

    Args:
        load: the deck loader (default `flashcards.decks.load_decks`).
        force: parse and sync every root even when no file changed.
    """
    if load is None:
        from flashcards.decks import load_decks as load

    missing = [p for p in paths if not p.exists()]
    if missing:
        from flashcards.errors import FlashcardsError

        raise FlashcardsError(f"{missing[0]}: no such deck file or folder")
    roots = [p.absolute() for p in paths]
    scanned = scan_files(roots)
    known = store.file_stamps(list(scanned))
    to_load: list[Path] = []
    new_stamps: dict[str, FileStamp] = {}
    skipped_files = 0
    for root, files in scanned.items():
        under = {p: s for p, s in known.items() if in_scope(p, [root])}
        changed, stamps = changed_files(files, under)
        if changed or force:
            to_load.append(Path(root))
            new_stamps.update(stamps)
        else:
            skipped_files += len(files)
            if stamps != under:
                new_stamps.update(stamps)
    if not to_load:
        if new_stamps:
            store.set_file_stamps(new_stamps, [])
        return SyncReport(files_skipped=skipped_files)
    decks, problems = load(to_load)
    # Files with problems are parsed again next time, so their problems are reported again.
    for problem in problems:
        new_stamps.pop(str(Path(problem.path).absolute()), None)
    report = store.sync(
        decks,
        [str(p) for p in to_load],
        progress=progress,
        file_stamps=new_stamps,
    )
    return replace(report, files_skipped=skipped_files, problems=tuple(problems))
