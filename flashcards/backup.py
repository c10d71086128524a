"""Backups of the collection: a daily copy at the day's first open, `backup` and `restore`.

Every copy goes through the store's online backup (`Store.backup_to`), so it is consistent
even while another process studies, and is written under a temporary name then renamed: a
half-written copy never looks like a backup. A copy is always a SQLite file: a PostgreSQL
collection's is a new SQLite collection of the same schema holding every row, restorable into
either backend. The daily backup is for SQLite collections only. Automatic backups live in a `backups` folder
beside the collection, named `<stem>-YYYYMMDD-HHMMSS-<reason><suffix>`; the newest
`Settings.backups_kept` of them are kept.

The naming and pruning rules are pure functions; the rest is the shell that reads the clock
and the folder.
"""

from __future__ import annotations

import contextlib
import os
import re
import sys
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from flashcards.errors import FlashcardsError

if TYPE_CHECKING:
    from flashcards.config import Settings
    from flashcards.store import Store

BACKUP_FOLDER = "backups"
#: Why a backup was taken, the last part of its name.
REASONS = ("daily", "manual", "before-restore")
_STAMP = "%Y%m%d-%H%M%S"
_SQLITE_HEADER = b"SQLite format 3\x00"


@dataclass(frozen=True, slots=True, order=True)
class BackupFile:
    """One backup in the backups folder."""

    taken: datetime
    path: Path
    reason: str


# --- pure: names, what to keep ----------------------------------------------------------------


def backup_name(stem: str, suffix: str, when: datetime, reason: str) -> str:
    """The file name of a backup of collection `<stem><suffix>` taken at `when`."""
    if reason not in REASONS:
        raise ValueError(f"unknown backup reason {reason!r}")
    return f"{stem}-{when.strftime(_STAMP)}-{reason}{suffix}"


def parse_backup_name(name: str, stem: str, suffix: str) -> tuple[datetime, str] | None:
    """(time taken, reason) of a backup file name, or None if it names no backup of `stem`."""
    reasons = "|".join(re.escape(r) for r in REASONS)
    pattern = rf"{re.escape(stem)}-(\d{{8}}-\d{{6}})-({reasons}){re.escape(suffix)}"
    match = re.fullmatch(pattern, name)
    if match is None:
        return None
    s = match.group(1)  # _STAMP's digits, read without strptime (its module costs ~3 ms)
    try:
        taken = datetime(
            int(s[:4]), int(s[4:6]), int(s[6:8]), int(s[9:11]), int(s[11:13]), int(s[13:])
        )
    except ValueError:
        return None
    return taken, match.group(2)


def needs_daily_backup(backups: Iterable[BackupFile], today: date) -> bool:
    """True when no backup was taken on `today` (any reason counts)."""
    return all(b.taken.date() != today for b in backups)


def to_prune(backups: Sequence[BackupFile], keep: int) -> list[BackupFile]:
    """The backups beyond the newest `keep`, oldest first (none when `keep` is 0: no limit)."""
    if keep <= 0:
        return []
    ordered = sorted(backups)
    return ordered[: max(0, len(ordered) - keep)]


# --- shell: the folder, the clock ---------------------------------------------------------------


def collection_path(settings: Settings) -> Path:
    """The collection's file, for a SQLite collection (the one kind with a file)."""
    path = settings.db_path
    if path is None:
        raise FlashcardsError(f"{settings.db_url}: backups need a SQLite collection file")
    return path


def on_server(settings: Settings) -> bool:
    """True for a collection on a database server (PostgreSQL), not in a SQLite file."""
    return not settings.db_url.startswith("sqlite")


def backup_location(settings: Settings) -> tuple[Path, str, str]:
    """(folder, stem, suffix) of the collection's backups, always SQLite files.

    Beside a SQLite collection, in its `backups/` folder and named after its file; for a
    server's collection in `backups/` of the data folder, named `postgresql-<database>`.
    """
    if on_server(settings):
        import sqlalchemy as sa

        name = sa.engine.make_url(settings.db_url).database or "collection"
        stem = f"{settings.db_url.split(':', 1)[0].split('+', 1)[0]}-{name}"
        return settings.data_dir / BACKUP_FOLDER, re.sub(r"[^\w.-]", "_", stem), ".sqlite3"
    path = collection_path(settings)
    return path.parent / BACKUP_FOLDER, path.stem, path.suffix


def backup_folder(settings: Settings) -> Path:
    """Where automatic backups go: `backups/` beside the collection (in the data folder for
    a server's collection)."""
    return backup_location(settings)[0]


def list_backups(settings: Settings) -> list[BackupFile]:
    """The backups in the backups folder, oldest first."""
    folder, stem, suffix = backup_location(settings)
    found = []
    try:
        entries = list(folder.iterdir())
    except OSError:
        return []
    for entry in entries:
        parsed = parse_backup_name(entry.name, stem, suffix)
        if parsed is not None and entry.is_file():
            found.append(BackupFile(parsed[0], entry, parsed[1]))
    return sorted(found)


def write_backup(store: Store, target: Path) -> Path:
    """Copy the open collection to `target` (which must not exist), all or nothing."""
    if target.exists():
        raise FlashcardsError(f"{target}: already exists; choose another file")
    if not target.parent.is_dir():
        raise FlashcardsError(f"{target.parent}: no such folder")
    partial = target.with_name(f".{target.name}.partial")
    try:
        partial.unlink(missing_ok=True)
        store.backup_to(partial)
        os.replace(partial, target)
    except OSError as error:
        raise FlashcardsError(f"cannot write {target}: {error.strerror or error}") from None
    except FlashcardsError as error:
        raise FlashcardsError(f"cannot write {target}: {error}") from None
    finally:
        # the folder may be gone or read-only; a partial name never counts as a backup, and
        # SQLite leaves its rollback journal beside a copy that failed half-way (full disk)
        # (and a server's row copy is a SQLite collection that may leave its WAL files)
        for leftover in [partial] + [
            partial.with_name(partial.name + end) for end in ("-journal", "-wal", "-shm")
        ]:
            with contextlib.suppress(OSError):
                leftover.unlink(missing_ok=True)
    return target


def take_backup(store: Store, settings: Settings, reason: str, now: datetime) -> Path:
    """A new backup in the backups folder, then the oldest pruned past `backups_kept`."""
    folder, stem, suffix = backup_location(settings)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise FlashcardsError(f"cannot write {folder}: {error.strerror or error}") from None
    target = folder / backup_name(stem, suffix, now, reason)
    if target.exists():  # two in the same second: the one there is as good
        return target
    write_backup(store, target)
    prune(settings)
    return target


def prune(settings: Settings) -> list[Path]:
    """Delete the backups beyond the newest `backups_kept`; returns those deleted."""
    removed = []
    for old in to_prune(list_backups(settings), settings.backups_kept):
        try:
            old.path.unlink()
            removed.append(old.path)
        except OSError:
            continue  # tried again at the next backup
    return removed


def daily_backup(
    store: Store,
    settings: Settings,
    now: datetime | None = None,
    warn: Callable[[str], None] | None = None,
) -> Path | None:
    """Back up the collection if no backup was taken today (`backups_kept` 0 turns it off).

    SQLite collections only: a server's collection (PostgreSQL) is backed up by the server's
    own means, or by `flashcards backup` run on purpose, never at every machine's first open.

    A failure is a warning, never a reason not to open the collection: passed to `warn`
    (the study app shows it), by default printed on stderr.
    """
    if settings.backups_kept <= 0 or settings.db_path is None:
        return None
    now = now or datetime.now()
    if not needs_daily_backup(list_backups(settings), now.date()):
        return None
    try:
        return take_backup(store, settings, "daily", now)
    except FlashcardsError as error:
        message = f"no daily backup: {error}"
        if warn is not None:
            warn(message)
        else:
            print(f"flashcards: warning: {message}", file=sys.stderr)
        return None


def _read_only_url(path: Path) -> str:
    from urllib.parse import quote

    from flashcards.config import sqlite_url

    return sqlite_url(Path(f"file:{quote(str(path.absolute()))}")) + "?mode=ro&uri=true"


def prepare_restore(source: Path, work: Path) -> Path:
    """A checked copy of the backup `source` in the folder `work`, at the current schema.

    Refuses what is not a flashcards collection, one from a newer flashcards, and a damaged
    one; a collection of an older schema is migrated, on the copy only. `source` itself is
    never changed.
    """
    import sqlite3

    from flashcards.config import sqlite_url
    from flashcards.store import (
        SCHEMA_REVISION,
        Store,
        copy_database,
        known_revision,
        stored_revision,
    )

    if not source.is_file():
        raise FlashcardsError(f"{source}: no such file")
    try:
        with source.open("rb") as f:
            header = f.read(len(_SQLITE_HEADER))
    except OSError as error:
        raise FlashcardsError(f"{source}: cannot read it: {error.strerror or error}") from None
    if header != _SQLITE_HEADER:
        raise FlashcardsError(f"{source}: not a flashcards collection (not a SQLite database)")
    copy = work / "restore.sqlite3"
    try:
        copy_database(source, copy)
        revision = stored_revision(copy)
    except (sqlite3.Error, FlashcardsError) as error:
        raise FlashcardsError(f"{source}: not a flashcards collection ({error})") from None
    if revision is None:
        raise FlashcardsError(f"{source}: not a flashcards collection")
    if not known_revision(revision):
        raise FlashcardsError(
            f"{source}: the collection was made by a newer flashcards (schema {revision}); upgrade"
        )
    if revision != SCHEMA_REVISION:
        # an older schema: migrated on the copy, the backup itself stays as it is
        try:
            with Store(sqlite_url(copy), backup_dir=work / "before-migration") as migrated:
                revision = migrated.schema_revision()
        except FlashcardsError as error:
            raise FlashcardsError(f"{source}: cannot upgrade it: {error}") from None
    with Store(_read_only_url(copy)) as checked:
        ok = revision == SCHEMA_REVISION and checked.integrity_ok()
    if not ok:
        raise FlashcardsError(f"{source}: the collection is damaged (integrity check failed)")
    return copy


def restore(
    store: Store, settings: Settings, source: Path, now: datetime, *, prepared: Path | None = None
) -> Path:
    """Replace the open collection by the backup `source`, after backing up the current one.

    Args:
        prepared: what `prepare_restore` made of `source`, when the caller checked it already
            (so the copy, upgrade and integrity check are not done twice).

    Returns the backup of the collection as it was before.
    """
    import tempfile

    if not on_server(settings) and source.resolve() == collection_path(settings).resolve():
        raise FlashcardsError(f"{source}: this is the collection itself")
    with tempfile.TemporaryDirectory(prefix="flashcards-restore-") as work:
        if prepared is None:
            prepared = prepare_restore(source, Path(work))
        before = take_backup(store, settings, "before-restore", now)
        store.restore_from(prepared)
    if not store.integrity_ok():
        raise FlashcardsError(
            f"the restored collection fails its integrity check; the previous one is in {before}"
        )
    return before
