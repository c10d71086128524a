"""Connecting to the collection's database: engine set-up, write transactions, copies.

SQLite-only code lives here (WAL, busy timeout, BEGIN IMMEDIATE, the online backup), so that
another database has one obvious place for its own set-up.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import sqlalchemy as sa

from flashcards.config import sqlite_path
from flashcards.errors import FlashcardsError


class StoreError(FlashcardsError):
    """The database refused an operation (locked, read-only, full, damaged)."""


def sqlite_engine(url: str, durability: str) -> sa.Engine:
    """A SQLite engine in WAL mode with a busy timeout, taking write locks up front.

    SQLite-only. pysqlite's own transaction handling is turned off so that a write
    transaction starts with BEGIN IMMEDIATE: two processes never deadlock upgrading a read
    lock, they wait on the busy timeout instead.
    """
    engine = sa.create_engine(
        url,
        connect_args={"check_same_thread": False, "timeout": 30},
        poolclass=sa.pool.StaticPool,
    )
    synchronous = "FULL" if durability == "full" else "NORMAL"

    @sa.event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA busy_timeout = 30000")
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute(f"PRAGMA synchronous = {synchronous}")
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.close()

    @sa.event.listens_for(engine, "begin")
    def _on_begin(conn: sa.Connection) -> None:
        conn.exec_driver_sql("BEGIN IMMEDIATE" if conn.info.get("write") else "BEGIN")

    return engine


def sqlite_copy(source: Path, target: Path) -> None:
    """Copy a live SQLite database consistently (the backup API, WAL included). SQLite-only."""
    import sqlite3
    from contextlib import closing

    # closing(), not the connection's own `with`, which only commits: both are closed even
    # when the copy fails
    with closing(sqlite3.connect(source)) as src, closing(sqlite3.connect(target)) as dst:
        src.backup(dst)


def storage_message(action: str, url: str, error: Exception) -> str:
    """`cannot <action> the collection <file>: <SQLite's reason>`, with a hint when the disk
    is full or the folder read-only (the two a user can fix)."""
    reason = str(getattr(error, "orig", None) or error)
    hint = ""
    if "disk I/O error" in reason or "disk is full" in reason:
        hint = " (is the disk full?)"
    elif "readonly" in reason or "unable to open" in reason:
        hint = " (is its folder read-only?)"
    return f"cannot {action} the collection {sqlite_path(url) or url}: {reason}{hint}"


def sqlite_integrity_ok(conn: sa.Connection) -> bool:
    """PRAGMA integrity_check. SQLite-only."""
    return conn.exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"
