"""The schema's revisions: creating and migrating a collection (alembic), with a copy first.

`SCHEMA_REVISION` is the alembic revision the tables of `flashcards.store.tables` match; a
current collection is recognised with one small query, without importing alembic. Before any
migration the database file is copied beside it (or to `backup_dir`). One connection migrates
at a time (a server's advisory lock, SQLite's write lock); the others wait, then find the
schema current.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from datetime import UTC, datetime
from pathlib import Path

import sqlalchemy as sa

from flashcards.config import sqlite_path
from flashcards.errors import FlashcardsError
from flashcards.store.connection import StoreError, sqlite_copy

#: The alembic revision the tables match; checked at open without importing alembic.
SCHEMA_REVISION = "0006"

MIGRATIONS_DIR = Path(__file__).parents[1] / "migrations"

#: `tx(write=False)`: one transaction on the store's connection (`Store._tx`).
Transaction = Callable[..., AbstractContextManager[sa.Connection]]


class NewerDatabaseError(FlashcardsError):
    """The collection was made by a newer version of flashcards."""


def revision(conn: sa.Connection) -> str | None:
    """The alembic revision of the database, or None for an empty one."""
    if not sa.inspect(conn).has_table("alembic_version"):
        return None
    return conn.execute(sa.text("SELECT version_num FROM alembic_version")).scalar()


def ensure_schema(tx: Transaction, url: str, backup_dir: Path | None) -> None:
    """Create or migrate the schema; when it is current this costs one small query."""
    try:
        with tx() as conn:
            current = conn.execute(sa.text("SELECT version_num FROM alembic_version")).scalar()
        if current == SCHEMA_REVISION:
            return
    except StoreError:
        pass  # no version table: a new collection (or not a collection at all)
    with tx() as conn:
        current = revision(conn)
        if current is None and sa.inspect(conn).get_table_names():
            raise FlashcardsError(f"{url} is not a flashcards collection")
    if current is not None and current not in known_revisions():
        raise _newer(current)
    migrate(tx, url, backup_dir)


def _newer(current: str) -> NewerDatabaseError:
    return NewerDatabaseError(
        f"the collection was made by a newer flashcards (schema {current}); upgrade"
    )


#: The key of the advisory lock a migration holds on a server (any fixed number: the
#: server keeps advisory locks per database).
MIGRATION_LOCK = 0x666C6173  # "flas"


#: How long a machine waits for another's migration on a server before it stops and says so:
#: a migration holding its lock for longer is most likely hung (a laptop closed mid-upgrade
#: keeps its connection until the server's TCP keepalive gives up on it, hours later).
MIGRATION_WAIT_SECONDS = 60.0

#: PostgreSQL's SQLSTATE for a lock wait that reached `lock_timeout`.
LOCK_NOT_AVAILABLE = "55P03"


def lock_for_migration(conn: sa.Connection) -> None:
    """Wait until no other connection migrates this database, and keep it so until the
    transaction ends. A server's (PostgreSQL) advisory lock, waited for at most
    MIGRATION_WAIT_SECONDS; on SQLite the write transaction (BEGIN IMMEDIATE) already holds
    the database's one write lock (waited for on the busy timeout)."""
    if conn.dialect.name != "postgresql":
        return
    # SET LOCAL: for this transaction only, and back to the default for the migration's own
    # statements once the lock is held
    conn.execute(sa.text(f"SET LOCAL lock_timeout = {round(MIGRATION_WAIT_SECONDS * 1000)}"))
    try:
        conn.execute(sa.text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK})
    except sa.exc.OperationalError as error:
        if getattr(error.orig, "sqlstate", None) != LOCK_NOT_AVAILABLE:
            raise
        raise FlashcardsError(
            "another machine is upgrading the collection on the server and has not finished "
            f"after {MIGRATION_WAIT_SECONDS:g} s; nothing was changed here. Try again once it "
            "has; if no machine is upgrading it, a stuck connection holds the upgrade's lock "
            "(the server frees it when the connection closes)"
        ) from None
    conn.execute(sa.text("SET LOCAL lock_timeout = DEFAULT"))


def migrate(tx: Transaction, url: str = "", backup_dir: Path | None = None) -> bool:
    """Run the alembic migrations up to SCHEMA_REVISION on the store's connection, in one
    transaction, after the copy of a SQLite file; returns False when there was nothing to do.

    One machine (or process) migrates at a time: the others wait for its lock, then read the
    revision again, find it current and do nothing, so two opening an old collection at
    once never both run a migration.
    """
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    with tx(write=True) as conn:
        lock_for_migration(conn)
        current = revision(conn)
        if current == SCHEMA_REVISION:
            return False  # migrated by another machine while this one waited
        if current is not None:
            if current not in known_revisions():
                raise _newer(current)
            backup_before_migration(url, current, backup_dir)
        config.attributes["connection"] = conn
        command.upgrade(config, SCHEMA_REVISION)
    return True


def backup_before_migration(url: str, current: str, backup_dir: Path | None) -> Path | None:
    """Copy the SQLite file before migrating it from revision `current`; None if not a file."""
    path = sqlite_path(url)
    if path is None:
        return None
    folder = backup_dir or path.parent
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
    target = folder / f"{path.stem}.before-{SCHEMA_REVISION}-from-{current}-{stamp}{path.suffix}"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        sqlite_copy(path, target)
    except Exception as error:
        # no migration without its copy
        raise FlashcardsError(
            f"{target}: cannot copy the collection before upgrading it: {error}"
        ) from None
    return target


def known_revisions() -> set[str]:
    """Revision ids of the migrations shipped with this version."""
    return {p.stem.split("_", 1)[0] for p in (MIGRATIONS_DIR / "versions").glob("*.py")}


def copy_database(source: Path, target: Path) -> None:
    """Copy a SQLite collection consistently, even while it is open (for backups)."""
    if target.exists():
        raise FlashcardsError(f"{target}: already exists")
    sqlite_copy(source, target)


def stored_revision(path: Path) -> str | None:
    """The schema revision of the SQLite file `path`, read without changing anything; None
    when it holds no flashcards schema (for checking a backup before restoring it)."""
    import sqlite3
    from contextlib import closing

    try:
        with closing(
            sqlite3.connect(Path(path).absolute().as_uri() + "?mode=ro", uri=True)
        ) as conn:
            names = conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
            if "alembic_version" not in {row[0] for row in names}:
                return None
            row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
    except sqlite3.Error as error:
        raise StoreError(f"{path}: {error}") from None
    return row[0] if row else None


def known_revision(revision: str) -> bool:
    """True when this version's migrations know `revision` (else the file is newer)."""
    return revision in known_revisions()
