"""Connecting to the collection's database: engine set-up, write transactions, copies.

SQLite-only code lives here (WAL, busy timeout, BEGIN IMMEDIATE, the online backup), and so
does PostgreSQL's (noticing a connection the server dropped, messages naming what to check).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from flashcards.config import sqlite_path
from flashcards.errors import FlashcardsError


class StoreError(FlashcardsError):
    """The database refused an operation (locked, read-only, full, damaged)."""


#: How much of a SQLite collection is read through memory mapping (address space, not
#: memory: pages are shared with the system's file cache).
MMAP_BYTES = 256 * 1024 * 1024


def sqlite_engine(url: str, durability: str) -> sa.Engine:
    """A SQLite engine in WAL mode with a busy timeout, taking write locks up front.

    SQLite-only. pysqlite's own transaction handling is turned off so that a write
    transaction starts with BEGIN IMMEDIATE: two processes never deadlock upgrading a read
    lock, they wait on the busy timeout instead.
    """
    engine = sa.create_engine(
        url,
        connect_args={"check_same_thread": False, "timeout": BUSY_TIMEOUT_MS / 1000},
        poolclass=sa.pool.StaticPool,
    )
    synchronous = "FULL" if durability == "full" else "NORMAL"

    @sa.event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        _switch_to_wal(cursor)
        cursor.execute(f"PRAGMA synchronous = {synchronous}")
        cursor.execute("PRAGMA foreign_keys = ON")
        # Reads from the file's pages in place instead of copying each into SQLite's own
        # cache: the due counts at 100,000 cards read some 40,000 index rows, and took a
        # quarter less (writes still go through write(), so durability is unchanged).
        cursor.execute(f"PRAGMA mmap_size = {MMAP_BYTES}")
        cursor.close()

    @sa.event.listens_for(engine, "begin")
    def _on_begin(conn: sa.Connection) -> None:
        statement = "BEGIN IMMEDIATE" if conn.info.get("write") else "BEGIN"
        # on the driver's connection: through SQLAlchemy's execution this cost 50 µs, a
        # tenth of a grade or of the due counts; errors are wrapped as SQLAlchemy's would be
        raw = conn.connection.dbapi_connection
        try:
            raw.execute(statement)  # type: ignore[union-attr]
        except conn.dialect.loaded_dbapi.Error as error:
            raise as_sqlalchemy_error(conn, statement, (), error) from error

    return engine


#: How long a SQLite connection waits for another's lock (its busy timeout).
BUSY_TIMEOUT_MS = 30_000


def _switch_to_wal(cursor: Any) -> None:
    """Put the file in WAL mode (nothing when it is already). Switching a file still in
    rollback-journal mode (an old collection) needs its exclusive lock, and SQLite answers
    "database is locked" at once, without waiting on the busy timeout, when another
    connection is writing to it then (waiting could deadlock): the switch is tried again
    until the busy timeout, so two processes opening an old collection at once both open it.
    """
    import sqlite3
    import time

    deadline = time.monotonic() + BUSY_TIMEOUT_MS / 1000
    while True:
        try:
            cursor.execute("PRAGMA journal_mode = WAL")
            return
        except sqlite3.OperationalError as error:
            if "locked" not in str(error) or time.monotonic() > deadline:
                raise
            time.sleep(0.01)


def as_sqlalchemy_error(
    conn: sa.Connection, statement: str, args: Sequence[Any], error: Exception
) -> sa.exc.DBAPIError:
    """A driver's error from a statement run on its own cursor, wrapped as SQLAlchemy would
    raise it, so callers see the same errors either way."""
    return sa.exc.DBAPIError.instance(statement, args, error, conn.dialect.loaded_dbapi.Error)


class Prepared:
    """A Core statement compiled once for SQLite and run on the driver's own cursor.

    SQLAlchemy's execution of even a cached statement (an execution context, events, a
    result object) costs some 60 µs, as much as a small query of today's queue or a grade's
    write itself; these statements run many times a session. The values go through the
    columns' own bind processors, so they are stored as SQLAlchemy would store them.
    SQLite-only: other backends execute `statement` through SQLAlchemy as usual.

    Args:
        column_keys: for an INSERT or UPDATE, the columns given (their values are the
            parameters of those names); columns left out take their scalar default.
    """

    __slots__ = ("_compiled", "_results", "column_keys", "statement")

    def __init__(self, statement: sa.Executable, column_keys: Sequence[str] | None = None) -> None:
        self.statement = statement
        self.column_keys = list(column_keys) if column_keys is not None else None
        self._compiled: tuple[str, tuple[tuple[str, Any, Any], ...]] | None = None
        self._results: tuple[Any, ...] | None = None

    def typed(self, dialect: sa.Dialect, row: Sequence[Any]) -> tuple[Any, ...]:
        """A driver's row of this SELECT with its values as SQLAlchemy returns them (a date
        for a date column, a bool for a boolean)."""
        if self._results is None:
            self._results = tuple(
                column.type.dialect_impl(dialect).result_processor(dialect, None)
                for column in self.statement.selected_columns  # type: ignore[attr-defined]
            )
        return tuple(
            value if process is None else process(value)
            for process, value in zip(self._results, row, strict=True)
        )

    def _compile(self, dialect: sa.Dialect) -> tuple[str, tuple[tuple[str, Any, Any], ...]]:
        compiled = self.statement.compile(dialect=dialect, column_keys=self.column_keys)
        if compiled.positiontup is None or "POSTCOMPILE" in compiled.string:
            raise ValueError("Prepared takes statements of positional, fixed parameters")
        table = getattr(self.statement, "table", None)
        params = []
        for name in compiled.positiontup:
            bind = compiled.binds[name]
            default: Any = _REQUIRED
            if not bind.required:
                default = bind.effective_value
            if table is not None and name in table.c and name not in (self.column_keys or ()):
                column_default = table.c[name].default
                if column_default is None or not column_default.is_scalar:
                    raise ValueError(f"column {name} has no scalar default")
                default = column_default.arg
            process = bind.type.dialect_impl(dialect).bind_processor(dialect)
            params.append((name, default, process))
        return compiled.string, tuple(params)

    def args(self, dialect: sa.Dialect, values: Mapping[str, Any]) -> tuple[str, list[Any]]:
        """The SQL text and its positional arguments, processed for the driver."""
        if self._compiled is None:
            self._compiled = self._compile(dialect)
        sql, params = self._compiled
        out = []
        for name, default, process in params:
            value = values[name] if name in values or default is _REQUIRED else default
            out.append(value if process is None else process(value))
        return sql, out

    def rows(self, conn: sa.Connection, values: Mapping[str, Any] | None = None) -> list[Any]:
        """The rows as the driver returns them (as `raw_rows` gives them), in `conn`'s transaction."""
        values = values or {}
        if conn.dialect.name != "sqlite":
            return raw_rows(conn, self.statement, values)
        sql, args = self.args(conn.dialect, values)
        cursor = conn.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
        try:
            return cursor.execute(sql, args).fetchall()
        except conn.dialect.loaded_dbapi.Error as error:
            raise as_sqlalchemy_error(conn, sql, args, error) from error
        finally:
            cursor.close()


_REQUIRED = object()


def raw_rows(
    conn: sa.Connection, statement: sa.Executable, params: Mapping[str, Any] | None = None
) -> list[Any]:
    """The rows of `statement` as the driver returns them, without SQLAlchemy's Row objects
    or result processing: for the hot queries, which read ids, strings, integers and NULL
    tests only (a date would come back as the driver stores it)."""
    result = conn.execute(statement, params)
    try:
        return list(result.cursor.fetchall())
    finally:
        result.close()


def sqlite_copy(source: Path, target: Path) -> None:
    """Copy a live SQLite database consistently (the backup API, WAL included). SQLite-only."""
    import sqlite3
    from contextlib import closing

    # closing(), not the connection's own `with`, which only commits: both are closed even
    # when the copy fails
    with closing(sqlite3.connect(source)) as src, closing(sqlite3.connect(target)) as dst:
        src.backup(dst)


def display_url(url: str) -> str:
    """The collection as a message names it: the SQLite file, or the URL without password."""
    import re

    path = sqlite_path(url)
    if path is not None:
        return str(path)
    return re.sub(r"(://[^:/@?]*:)[^@/?]*@", r"\1***@", url)


#: A server's or driver's reason (a regular expression over it, lowered) -> what the user
#: should check.
_SERVER_HINTS = (
    (r"password authentication failed|\brole\b", "check the user and password in the URL"),
    (
        r'database "[^"]*" does not exist',
        "create the database (createdb NAME) or fix its name in the URL",
    ),
    (
        r"terminating connection|server closed the connection|connection is lost",
        "the connection to the server was lost before this was confirmed; try again, it reconnects",
    ),
    (
        r"connection refused|no such file|could not translate host|timeout expired",
        "is the server running, and are the host, port and socket in the URL right?",
    ),
)


def storage_message(action: str, url: str, error: Exception) -> str:
    """`cannot <action> the collection <file or URL>: <the database's reason>`, with a hint
    at what to fix: a full disk or read-only folder (SQLite), a server that cannot be reached,
    refused credentials or an unknown database (PostgreSQL). Never the URL's password."""
    import re

    reason = str(getattr(error, "orig", None) or error)
    # libpq's reasons span lines ("...failed: FATAL:  ...\n\tIs the server running...")
    reason = " ".join(reason.split())
    hint = ""
    lowered = reason.lower()
    if "disk I/O error" in reason or "disk is full" in reason:
        hint = " (is the disk full?)"
    elif "readonly" in reason or "unable to open" in reason:
        hint = " (is its folder read-only?)"
    elif sqlite_path(url) is None and not url.startswith("sqlite"):
        for pattern, advice in () if "Is the server running" in reason else _SERVER_HINTS:
            if re.search(pattern, lowered):
                hint = f" ({advice})"
                break
    return f"cannot {action} the collection {display_url(url)}: {reason}{hint}"


def server_engine(url: str) -> sa.Engine:
    """An engine for a database server (PostgreSQL): a pooled connection checked when taken."""
    return sa.create_engine(url, pool_pre_ping=True)


def dropped_by_server(conn: sa.Connection) -> bool:
    """True when the server has closed this idle connection (restart, pg_terminate_backend).

    Costs no round trip: an idle connection has nothing to read until the server says
    goodbye or closes the socket. A false alarm only costs a reconnect, since it is asked
    between transactions.
    """
    import select

    if conn.invalidated:
        return False  # the next use reconnects anyway
    try:
        raw = conn.connection.dbapi_connection
        fileno = raw.fileno()  # type: ignore[union-attr]
    except Exception:
        return True
    if fileno < 0:
        return True
    readable, _, _ = select.select([fileno], [], [], 0)
    return bool(readable)


def serial_plans(conn: sa.Connection) -> None:
    """Plan the rest of this transaction's queries without parallel workers (PostgreSQL;
    nothing elsewhere).

    For queries of many small index scans, such as the due counts' UNION ALL: the server's
    Parallel Append handed the parts to workers whose start and hand-over cost more than
    they shared (twice as slow on 100,000 cards). Per transaction, since the statistics'
    scans of the whole review log do gain from the workers.
    """
    if conn.dialect.name == "postgresql":
        conn.exec_driver_sql("SET LOCAL max_parallel_workers_per_gather = 0")


def sqlite_integrity_ok(conn: sa.Connection) -> bool:
    """PRAGMA integrity_check. SQLite-only."""
    return conn.exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"


# --- copies between databases (a PostgreSQL collection's backup and restore) ----------------


def snapshot(conn: sa.Connection) -> None:
    """Make the transaction just begun on a server see one moment of the whole database, so
    a copy read table by table is consistent while other machines write."""
    if conn.dialect.name == "postgresql":
        conn.exec_driver_sql("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")


def copy_rows(
    source: sa.Connection, target: sa.Connection, tables: Sequence[sa.Table], chunk: int = 5000
) -> int:
    """Insert every row of `tables` (parents first) read on `source` into `target`, through
    SQLAlchemy's types, so a PostgreSQL collection and a SQLite one exchange rows; returns
    the number of rows."""
    count = 0
    for table in tables:
        order = list(table.primary_key.columns) or list(table.columns)
        # (a statement's option: the connection's would stay on it after the copy)
        result = source.execute(
            sa.select(table).order_by(*order).execution_options(yield_per=chunk)
        )
        if target.dialect.name == "postgresql":
            count += _copy_into_server(target, table, result)
            continue
        for rows in result.mappings().partitions():
            target.execute(sa.insert(table), [dict(row) for row in rows])
            count += len(rows)
    return count


def _copy_into_server(target: sa.Connection, table: sa.Table, result: sa.CursorResult) -> int:
    """PostgreSQL's COPY, in the target's transaction: far quicker than INSERTs for a
    restore's hundreds of thousands of rows. Values are SQLAlchemy's Python ones, which the
    driver writes in each column's type."""
    names = [column.name for column in table.columns]
    quoted = ", ".join(f'"{name}"' for name in names)
    raw = target.connection.dbapi_connection
    count = 0
    statement = f'COPY "{table.name}" ({quoted}) FROM STDIN'
    with raw.cursor() as cursor, cursor.copy(statement) as copy:  # type: ignore[union-attr]
        for rows in result.partitions():
            for row in rows:
                copy.write_row(tuple(row))
            count += len(rows)
    return count


def replace_rows(source: sa.Connection, target: sa.Connection, tables: Sequence[sa.Table]) -> int:
    """Delete every row of `tables` on `target` and copy `source`'s instead, in the caller's
    one transaction; the server's id sequences then go on after the copied ids."""
    for table in reversed(tables):
        target.execute(sa.delete(table))
    count = copy_rows(source, target, tables)
    if target.dialect.name == "postgresql":
        for table in tables:
            column = table.autoincrement_column
            if column is not None:
                target.exec_driver_sql(
                    f"SELECT setval(pg_get_serial_sequence('{table.name}', '{column.name}'), "
                    f"COALESCE((SELECT MAX({column.name}) FROM {table.name}), 0) + 1, false)"
                )
    return count
