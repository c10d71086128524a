"""`flashcards import-apkg FILE --to FOLDER [--with-history]`: Anki decks -> Markdown decks.

The conversion is `flashcards.apkg`'s; this shell reads the package, refuses to overwrite a
file changed since the last import (the digests of what it wrote are kept in
`FOLDER/anki-import.json`), writes the deck files and images, and with `--with-history`
syncs the new decks and replays the package's review log through
`flashcards.anki_import`.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

#: Packages with fewer notes than this show no progress bar.
PROGRESS_MIN_NOTES = 500

#: What `run` loads first (`flashcards.cli`): the collection is opened only for
#: `--with-history`, so its modules load then.
STARTUP_MODULES: tuple[str, ...] = ("flashcards.apkg",)


def add_parser(sub: argparse._SubParsersAction) -> argparse.ArgumentParser:
    from flashcards.config import add_settings_arguments

    parser = sub.add_parser(
        "import-apkg",
        help="turn an Anki package into Markdown decks (and bring its reviews)",
        description="Write the notes of an Anki package (.apkg or .colpkg) as Markdown deck "
        "files in FOLDER, one file per Anki deck, with its images. Importing a newer package "
        "again updates the files written before, but never a file changed since.",
    )
    parser.add_argument("file", type=Path, metavar="FILE", help="the Anki .apkg or .colpkg")
    parser.add_argument(
        "--to", type=Path, required=True, metavar="FOLDER", help="the folder to write decks in"
    )
    parser.add_argument(
        "--with-history",
        action="store_true",
        help="also load the decks into the collection and add the package's review log "
        "(suspended and buried cards stay so); importing the same history twice adds nothing",
    )
    add_settings_arguments(parser)
    return parser


def progress_bar(stream: TextIO, what: str) -> Callable[[int, int], None] | None:
    """A one-line progress bar on a terminal; None when `stream` is not one."""
    if not stream.isatty():
        return None

    def show(done: int, total: int) -> None:
        if total < PROGRESS_MIN_NOTES and what != "history":
            return
        width = 30
        filled = width * done // max(total, 1)
        stream.write(f"\r{what} [{'#' * filled}{'.' * (width - filled)}] {done}/{total}")
        if done >= total:
            stream.write("\n")
        stream.flush()

    return show


# --- what to write -----------------------------------------------------------------------------


def digest(data: bytes) -> str:
    """The digest the manifest keeps of a file's content (SHA-256, hex)."""
    import hashlib

    return hashlib.sha256(data).hexdigest()


@dataclass(frozen=True, slots=True)
class WritePlan:
    """The files an import writes, and the ones it leaves as they are."""

    write: Mapping[str, bytes]  # relative path -> content (new or updated)
    new: int
    updated: int
    unchanged: int
    conflicts: tuple[str, ...]  # files changed since the last import (or never written by it)
    #: Files an earlier import wrote that this one does not (a deck renamed or deleted in
    #: Anki): removed when unchanged since, else kept (`kept`) for the user to sort out.
    remove: tuple[str, ...] = ()
    kept: tuple[str, ...] = ()


def read_manifest(folder: Path) -> dict[str, str]:
    """Relative path -> digest of every file the last import wrote in `folder`."""
    from flashcards.apkg import MANIFEST

    try:
        data = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
        files = data.get("files", {})
        return {str(k): str(v) for k, v in files.items()} if isinstance(files, dict) else {}
    except (OSError, ValueError, AttributeError):
        return {}


def plan_writes(
    files: Mapping[str, bytes], current: Mapping[str, str | None], manifest: Mapping[str, str]
) -> WritePlan:
    """Which files to write: new ones, and ones unchanged since the import that wrote them.

    Args:
        current: relative path -> digest of the file in the folder now (None: no file), for
            the files to write and those in the manifest.
    """
    write: dict[str, bytes] = {}
    conflicts: list[str] = []
    new = updated = unchanged = 0
    for rel, data in files.items():
        now = current.get(rel)
        if now is None:
            write[rel] = data
            new += 1
        elif now == digest(data):
            unchanged += 1
        elif manifest.get(rel) == now:
            write[rel] = data
            updated += 1
        else:
            conflicts.append(rel)
    remove: list[str] = []
    kept: list[str] = []
    for rel, written in manifest.items():
        if rel in files or current.get(rel) is None:
            continue
        (remove if current[rel] == written else kept).append(rel)
    return WritePlan(write, new, updated, unchanged, tuple(conflicts), tuple(remove), tuple(kept))


def _inside(folder: Path, rel: str) -> Path:
    """The file `rel` inside `folder`, refused when it would land outside (`..`, a link)."""
    from flashcards.errors import FlashcardsError

    target = folder / rel
    parts = Path(rel).parts
    if Path(rel).is_absolute() or ".." in parts:
        raise FlashcardsError(f"{rel}: not a path inside {folder}")
    # resolve what exists of the path: a folder that is a link out is refused
    existing = target
    while not existing.exists() and existing != folder:
        existing = existing.parent
    if not existing.resolve().is_relative_to(folder.resolve()):
        raise FlashcardsError(f"{target}: lies outside {folder} (a link?); refused")
    return target


def _write_atomic(path: Path, data: bytes) -> None:
    """Write a file through a temporary file beside it, renamed into place."""
    import tempfile

    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".import-", suffix=".tmp")
    try:
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)  # as any new file, not mkstemp's owner-only mode
        with os.fdopen(fd, "wb") as out:
            out.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


# --- the command -------------------------------------------------------------------------------


def run(args: argparse.Namespace) -> int:
    from flashcards.apkg import MANIFEST, convert_package, read_media, read_package
    from flashcards.errors import FlashcardsError
    from flashcards.parsing import parse_deck
    from flashcards.text import plural

    path: Path = args.file
    folder: Path = args.to
    if not path.is_file():
        raise FlashcardsError(f"{path}: no such file")
    if folder.exists() and not folder.is_dir():
        raise FlashcardsError(f"{folder}: not a folder")
    settings = None
    if args.with_history:  # a bad option is reported before anything is written
        from flashcards.config import settings_from_args

        settings = settings_from_args(args)
    package, media = read_package(path)
    try:
        conversion = convert_package(package, progress=progress_bar(sys.stderr, "converting"))
    except FlashcardsError as error:
        raise FlashcardsError(f"{path}: {error}") from None

    from flashcards import decks as deck_files

    files: dict[str, bytes] = {}
    for deck_file in conversion.files:
        files[deck_file.path] = deck_file.text.encode("utf-8")
        if len(files[deck_file.path]) > deck_files.MAX_DECK_BYTES:
            mb = deck_files.MAX_DECK_BYTES // 1024**2
            raise FlashcardsError(
                f"{path}: the deck {deck_file.deck!r} would make a deck file of more than "
                f"{mb} MB, which flashcards does not read; split it into sub-decks in Anki "
                "first. Nothing was written."
            )
        for rel, name in deck_file.media:
            if rel not in files:
                files[rel] = read_media(media, name)
    manifest = read_manifest(folder)
    current: dict[str, str | None] = {}
    for rel in {**manifest, **files}:
        target = _inside(folder, rel)
        current[rel] = digest(target.read_bytes()) if target.is_file() else None
        if target.exists() and not target.is_file():
            raise FlashcardsError(f"{target}: in the way (not a file); move it and import again")
    plan = plan_writes(files, current, manifest)
    if plan.conflicts:
        listed = "\n".join(f"  {folder / rel}" for rel in plan.conflicts)
        raise FlashcardsError(
            f"{plural(len(plan.conflicts), 'file')} in {folder} changed since the last import "
            f"(or not written by it); nothing was written:\n{listed}\n"
            "Move your changes elsewhere or import into another folder."
        )
    show = progress_bar(sys.stderr, "writing")
    for done, (rel, data) in enumerate(plan.write.items(), 1):
        _write_atomic(_inside(folder, rel), data)
        if show:
            show(done, len(plan.write))
    for rel in plan.remove:
        _inside(folder, rel).unlink(missing_ok=True)
    gone = {rel for rel in manifest if current.get(rel) is None} | set(plan.remove)
    kept = {rel: d for rel, d in manifest.items() if rel not in gone}
    written = {**kept, **{rel: digest(data) for rel, data in files.items()}}
    _write_atomic(
        folder / MANIFEST,
        (
            json.dumps({"source": path.name, "files": dict(sorted(written.items()))}, indent=1)
            + "\n"
        ).encode("utf-8"),
    )

    decks = len(conversion.files)
    images = sum(1 for rel in files if not rel.endswith(".md"))
    kinds = ", ".join(f"{n} {kind}" for kind, n in sorted(conversion.kinds.items()))
    print(
        f"Wrote {plural(conversion.notes, 'note')} ({kinds or 'none'}) in "
        f"{plural(decks, 'deck file')} and {plural(images, 'image')} to {folder}: "
        f"{plan.new} new, {plan.updated} updated, {plan.unchanged} unchanged."
    )
    if conversion.other_types:
        named = ", ".join(f"{name!r} ({n})" for name, n in sorted(conversion.other_types.items()))
        count = sum(conversion.other_types.values())
        print(
            f"{plural(count, 'note')} of other note types became basic cards (first field the "
            f"question, the rest the answer): {named}."
        )
    if conversion.sounds:
        print(f"Dropped {plural(conversion.sounds, 'sound')} ([sound:...]): not played here.")
    if conversion.scripts:
        print(f"Removed <script> from {plural(conversion.scripts, 'field')}; kept as text.")
    if plan.remove:
        print(
            f"Removed {plural(len(plan.remove), 'file')} an earlier import wrote, of decks no "
            "longer in the package (renamed or deleted in Anki)."
        )
    for rel in plan.kept:
        print(
            f"Kept {folder / rel}: written by an earlier import, changed since, and no longer "
            "in the package; its notes may now also be in another file (move or delete it).",
            file=sys.stderr,
        )
    for line in conversion.skipped:
        print(f"Skipped {line}.")
    if settings is not None:  # the sync parses the decks and reports their problems
        problems = _import_history(settings, path, folder, conversion)
    else:
        problems = []
        for deck_file in conversion.files:
            problems.extend(parse_deck(deck_file.text, folder / deck_file.path)[1])
    for problem in problems:
        print(problem, file=sys.stderr)
    return 1 if problems else 0


def _import_history(settings: Any, path: Path, folder: Path, conversion: Any) -> list[Any]:
    """Sync the written decks, add the package's review log, keep suspensions and burials;
    returns the problems the sync found in the decks."""
    from datetime import datetime, timedelta

    from flashcards.anki_import import import_history, read_reviews
    from flashcards.commands.collection import open_collection
    from flashcards.decks import deck_folders, load_decks, naming_root
    from flashcards.sync import sync_paths
    from flashcards.text import plural

    roots = deck_folders(settings)
    if naming_root(folder, roots) is None:
        roots.append(folder)

    def load(paths):
        return load_decks(paths, name_roots=roots)

    reviews = read_reviews(path)
    with open_collection(settings) as store:  # the day's backup first, as every command
        synced = sync_paths(store, [folder], load=load)
        report = import_history(
            store,
            reviews,
            conversion.note_ids,
            day_start=settings.day_start,
            progress=progress_bar(sys.stderr, "history") if len(reviews.answers) > 10_000 else None,
        )
        known = set(store.card_ids())
        tomorrow = settings.study_day(datetime.now()) + timedelta(days=1)
        suspended = buried = 0
        for card in conversion.cards:
            if card.card_id not in known:
                continue
            if card.suspended:
                store.suspend(card.card_id)
                suspended += 1
            elif card.buried:
                store.bury(card.card_id, tomorrow)
                buried += 1
    print(f"Collection: {synced.summary()}.")
    line = f"Added {plural(report.added, 'review')} of {plural(report.cards, 'card')}"
    if report.repeats:
        line += f" ({report.repeats} on days the card was not due: logged as repeats)"
    if report.already:
        line += f"; {report.already} already in the log"
    print(line + ".")
    if suspended or buried:
        print(f"Kept {suspended} suspended and {buried} buried as in Anki.")
    return list(synced.problems)
