"""A collection on a PostgreSQL server: faults a user meets, said clearly, and nothing lost.

The server is the throwaway cluster of `tests/pg_server.py` (the tests skip, saying why, where
none can be started). Each test gets its own database.
"""

from __future__ import annotations

import re
import shutil
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa

from flashcards.cards import CardKind, Deck, Note
from flashcards.cli import main
from flashcards.errors import FlashcardsError
from flashcards.store import LOG, SCHEMA_REVISION, NewerDatabaseError, Store, StoreError
from flashcards.store import schema as store_schema

TODAY = date(2026, 3, 2)
NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def notes(count: int) -> tuple[Note, ...]:
    return tuple(
        Note(f"n{i}", CardKind.BASIC, f"q{i}", f"a{i}", i + 1, i + 1) for i in range(count)
    )


def filled(url: str, count: int = 5) -> Store:
    store = Store(url)
    store.sync([Deck("d", Path("/decks/d.md"), notes=notes(count))], ["/decks"])
    return store


def database_of(url: str) -> str:
    return sa.engine.make_url(url).database


def admin(cluster, sql: str) -> None:
    import psycopg

    with psycopg.connect(cluster.dsn("postgres"), autocommit=True) as conn:
        conn.execute(sql)


def terminate(cluster, url: str) -> None:
    """Drop every connection to the database, as a server restart or an admin would, and
    wait until they are gone (pg_terminate_backend only asks)."""
    import time

    import psycopg

    others = f"FROM pg_stat_activity WHERE datname = '{database_of(url)}'"
    with psycopg.connect(cluster.dsn("postgres"), autocommit=True) as conn:
        conn.execute(f"SELECT pg_terminate_backend(pid) {others}")
        deadline = time.monotonic() + 10
        while conn.execute(f"SELECT count(*) {others}").fetchone()[0]:
            assert time.monotonic() < deadline, "the server did not drop the connections"
            time.sleep(0.01)


# --- opening: unreachable, refused, unknown, newer ------------------------------------------


def test_unreachable_server_says_what_to_check(tmp_path):
    url = f"postgresql+psycopg://someone@/db?host={tmp_path / 'no-server'}"
    with pytest.raises(FlashcardsError) as raised:
        Store(url)
    message = str(raised.value)
    assert message.startswith("cannot open the collection postgresql+psycopg://someone@/db")
    assert "Is the server running" in message or "is the server running" in message
    assert "\n" not in message


def test_unknown_role_names_the_credentials_and_hides_the_password(pg_cluster, pg_url):
    url = pg_url.replace("flashcards@", "nobody:s3cret@")
    with pytest.raises(FlashcardsError) as raised:
        Store(url)
    message = str(raised.value)
    assert 'role "nobody" does not exist' in message
    assert "check the user and password" in message
    assert "s3cret" not in message
    assert "nobody:***@" in message


def test_unknown_database_says_to_create_it(pg_cluster):
    url = pg_cluster.url("no_such_database")
    with pytest.raises(
        FlashcardsError, match=r'database "no_such_database" does not exist.*createdb'
    ):
        Store(url)


def test_only_an_unknown_database_is_told_to_create_it():
    """A table or column the server does not know (a failing migration) is no missing
    database: the reason is shown without the createdb hint."""
    from flashcards.store.connection import storage_message

    url = "postgresql+psycopg://flashcards@db.example.org/flashcards"
    for reason in ('relation "ix_cards_queue" does not exist', "column cards.x does not exist"):
        message = storage_message("write", url, Exception(reason))
        assert message == f"cannot write the collection {url}: {reason}"
    missing = storage_message("open", url, Exception('FATAL: database "fc" does not exist'))
    assert missing.endswith("(create the database (createdb NAME) or fix its name in the URL)")


def test_cli_reports_a_bad_server_in_one_line_without_traceback(tmp_path, capsys):
    url = f"postgresql+psycopg://someone@/db?host={tmp_path / 'no-server'}"
    assert main(["due", "--db", url]) == 1
    err = capsys.readouterr().err
    assert err.startswith("flashcards: cannot open the collection")
    assert "Traceback" not in err


def test_schema_newer_than_the_app_is_refused(pg_url):
    with Store(pg_url) as store, store._tx(write=True) as conn:
        conn.execute(sa.text("UPDATE alembic_version SET version_num = '9999'"))
    with pytest.raises(NewerDatabaseError, match=r"newer flashcards \(schema 9999\); upgrade"):
        Store(pg_url)


def test_failing_migration_leaves_the_old_revision_and_no_half_schema(
    pg_url, tmp_path, monkeypatch
):
    """PostgreSQL's DDL is transactional and every upgrade runs in one transaction: a
    migration failing half-way takes back the ones before it too."""
    from alembic import command
    from alembic.config import Config

    migrations = tmp_path / "migrations"
    shutil.copytree(
        store_schema.MIGRATIONS_DIR, migrations, ignore=shutil.ignore_patterns("__pycache__")
    )
    (head,) = (migrations / "versions").glob(f"{SCHEMA_REVISION}_*.py")
    text = head.read_text()
    head.write_text(
        text + "\n\n_upgrade = upgrade\n\n\ndef upgrade():\n    _upgrade()\n"
        '    op.execute("SELECT 1/0")\n'
    )
    first = sorted((migrations / "versions").glob("*.py"))[0].name.split("_", 1)[0]
    # the database at the first revision: the failing upgrade has several steps to take back
    engine = sa.create_engine(pg_url)
    config = Config()
    config.set_main_option("script_location", str(store_schema.MIGRATIONS_DIR))
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, first)
    with engine.connect() as conn:
        before = {t: sa.inspect(conn).get_indexes(t) for t in sa.inspect(conn).get_table_names()}
    monkeypatch.setattr(store_schema, "MIGRATIONS_DIR", migrations)
    assert first != SCHEMA_REVISION

    with pytest.raises(StoreError, match="division by zero"):
        Store(pg_url)

    with engine.connect() as conn:
        assert conn.execute(sa.text("SELECT version_num FROM alembic_version")).scalar() == first
        after = {t: sa.inspect(conn).get_indexes(t) for t in sa.inspect(conn).get_table_names()}
    engine.dispose()
    assert after == before
    monkeypatch.undo()
    with Store(pg_url) as store:  # the real migrations then bring it to head
        assert store.schema_revision() == SCHEMA_REVISION


# --- a session whose connection drops ----------------------------------------------------------


def test_grade_after_the_server_dropped_the_connection_reconnects(pg_cluster, pg_url):
    with filled(pg_url) as store:
        store.grade("n0:0", 4, now=NOW, today=TODAY)
        terminate(pg_cluster, pg_url)
        store.grade("n1:0", 4, now=NOW, today=TODAY)
        terminate(pg_cluster, pg_url)
        assert store.queue(TODAY)[:1] == ["n2:0"]
    with Store(pg_url) as other:
        assert [(e.card_id, e.kind) for e in other.review_log()] == [
            ("n0:0", "review"),
            ("n1:0", "review"),
        ]


def test_grade_racing_the_drop_fails_clearly_and_the_next_one_reconnects(
    pg_cluster, pg_url, monkeypatch
):
    """The drop arrives while the grade is on its way: that grade is refused with a message
    (never half-applied), the next goes through on a new connection."""
    import flashcards.store as store_module

    with filled(pg_url) as store:
        store.grade("n0:0", 4, now=NOW, today=TODAY)
        monkeypatch.setattr(store_module, "dropped_by_server", lambda conn: False)
        terminate(pg_cluster, pg_url)
        with pytest.raises(StoreError) as raised:
            store.grade("n1:0", 4, now=NOW, today=TODAY)
        assert "the connection to the server was lost" in str(raised.value)
        store.grade("n2:0", 4, now=NOW, today=TODAY)
    with Store(pg_url) as other:
        assert [e.card_id for e in other.review_log()] == ["n0:0", "n2:0"]
        assert other.state("n1:0").due is None


def test_grade_while_the_server_refuses_fails_clearly_and_loses_nothing_acknowledged(
    pg_cluster, pg_url
):
    name = database_of(pg_url)
    with filled(pg_url) as store:
        store.grade("n0:0", 4, now=NOW, today=TODAY)
        admin(pg_cluster, f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS false')
        try:
            terminate(pg_cluster, pg_url)
            with pytest.raises(StoreError) as raised:
                store.grade("n1:0", 4, now=NOW, today=TODAY)
            assert str(raised.value).startswith("cannot write the collection postgresql")
            assert "not currently accepting connections" in str(raised.value)
            with pytest.raises(StoreError):
                store.grade("n1:0", 4, now=NOW, today=TODAY)
        finally:
            admin(pg_cluster, f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS true')
        # back: the next grade goes through on a new connection
        store.grade("n2:0", 3, now=NOW, today=TODAY)
    with Store(pg_url) as other:
        log = other.review_log()
        assert [(e.card_id, e.grade) for e in log] == [("n0:0", 4), ("n2:0", 3)]
        assert other.state("n1:0").due is None
        count = other.select(sa.select(sa.func.count()).select_from(LOG))[0][0]
        assert count == 2


# --- a server restart mid-session -------------------------------------------------------------


@pytest.fixture(scope="module")
def _restartable_cluster():
    """A cluster of the module's own, since its tests stop and start the server: the
    session's `pg_cluster` stays up for the other tests of this process."""
    from pg_server import cluster_or_skip

    yield from cluster_or_skip()


@pytest.fixture
def restartable(_restartable_cluster):
    """(cluster, URL of a fresh database on it); the server is running again afterwards,
    whatever the test did."""
    import uuid

    cluster = _restartable_cluster
    name = "r_" + uuid.uuid4().hex[:12]
    url = cluster.create_database(name)
    yield cluster, url
    if not cluster.running():
        cluster.start_server()
    cluster.drop_database(name)


def logged(url: str) -> list[tuple[str, int]]:
    """(card, grade) of every review-log row on the server, read on a new connection."""
    with Store(url) as other:
        return [(e.card_id, e.grade) for e in other.review_log()]


def test_grade_while_the_server_is_down_fails_in_one_line_and_goes_through_once_it_is_back(
    restartable,
):
    cluster, url = restartable
    with filled(url) as store:
        store.grade("n0:0", 4, now=NOW, today=TODAY)
        cluster.stop_server()
        assert not cluster.running()
        for _ in range(2):  # and again: nothing sticks while the server is away
            with pytest.raises(StoreError) as raised:
                store.grade("n1:0", 3, now=NOW, today=TODAY)
            message = str(raised.value)
            assert message.startswith(f"cannot write the collection {url}: ")
            assert "Is the server running" in message
            assert "\n" not in message and "Traceback" not in message
        cluster.start_server()  # the same data folder and socket
        entry = store.grade("n1:0", 3, now=NOW, today=TODAY)
        assert entry.card_id == "n1:0" and entry.id == 2
        assert store.queue(TODAY)[:1] == ["n2:0"]
    assert logged(url) == [("n0:0", 4), ("n1:0", 3)]


def test_a_restart_between_grades_goes_unnoticed(restartable):
    """Stopped and started again while the session sat idle: the connection the server
    closed is noticed before the next grade and replaced, so that grade just goes through."""
    cluster, url = restartable
    with filled(url) as store:
        store.grade("n0:0", 4, now=NOW, today=TODAY)
        cluster.stop_server()
        cluster.start_server()
        store.grade("n1:0", 5, now=NOW, today=TODAY)
        assert store.state("n1:0").repetitions == 1
    assert logged(url) == [("n0:0", 4), ("n1:0", 5)]


def test_a_server_stopping_under_a_grade_leaves_nothing_half_written(restartable, monkeypatch):
    """The server goes away while the grade is on its way (the check between transactions
    saw nothing): the grade is refused, its card unchanged, the next grade reconnects."""
    import flashcards.store as store_module

    cluster, url = restartable
    with filled(url) as store:
        store.grade("n0:0", 4, now=NOW, today=TODAY)
        monkeypatch.setattr(store_module, "dropped_by_server", lambda conn: False)
        cluster.stop_server()
        with pytest.raises(StoreError) as raised:
            store.grade("n1:0", 4, now=NOW, today=TODAY)
        message = str(raised.value)
        assert message.startswith("cannot write the collection postgresql")
        assert "terminating connection due to administrator command" in message
        assert "the connection to the server was lost before this was confirmed" in message
        assert "\n" not in message
        with pytest.raises(StoreError, match="Is the server running"):  # still down
            store.grade("n1:0", 4, now=NOW, today=TODAY)
        cluster.start_server()
        store.grade("n2:0", 4, now=NOW, today=TODAY)
    with Store(url) as other:
        assert [e.card_id for e in other.review_log()] == ["n0:0", "n2:0"]
        assert other.state("n1:0") == other.state("n3:0")  # never studied
        assert other.state("n1:0").due is None


def test_the_study_app_keeps_the_card_while_the_server_is_down(restartable, tmp_path):
    """The study app on a server collection: the learner grades while the server is away,
    is told the grade was not saved and keeps the card; once the server is back, grading
    the same card goes through and the session moves on."""
    import asyncio

    from flashcards.decks import load_decks
    from tui.app import FlashcardsApp
    from tui.screens.review import ReviewScreen

    cluster, url = restartable
    write_deck(tmp_path / "decks" / "d.md", "first", "second")
    roots = [tmp_path / "decks"]
    decks, problems = load_decks(roots)
    notices: list[tuple[str, str]] = []

    async def study(store: Store) -> tuple[str, str]:
        app = FlashcardsApp(
            store,
            decks,
            problems,
            today=TODAY,
            deck_loader=lambda progress=None: load_decks(roots, progress),
            roots=roots,
            clock=lambda: 1000.0,
        )
        app.notify = lambda message, **kw: notices.append(  # type: ignore[method-assign]
            (message, kw.get("severity", "information"))
        )
        async with app.run_test(size=(80, 24)) as pilot:
            await app.workers.wait_for_complete()
            await pilot.pause()
            await pilot.press("enter")  # study all decks
            await pilot.pause()
            screen = app.screen
            assert isinstance(screen, ReviewScreen)
            card = screen.card.id
            await pilot.press("space")  # show the answer
            await pilot.pause()
            cluster.stop_server()
            await pilot.press("4")
            await pilot.pause()
            assert app.is_running and app.screen is screen
            assert screen.card.id == card and screen.phase == "verdict"
            assert screen.stats["reviewed"] == 0  # not counted as done
            cluster.start_server()
            await pilot.press("4")
            await pilot.pause()
            assert screen.stats["reviewed"] == 1
            assert screen.card.id != card
            return card, screen.card.id

    with Store(url) as store:
        graded, next_card = asyncio.run(study(store))
    errors = [m for m, severity in notices if severity == "error"]
    assert len(errors) == 1, notices
    assert errors[0].startswith("The grade was not saved: cannot write the collection")
    assert "Is the server running" in errors[0] and "\n" not in errors[0]
    assert logged(url) == [(graded, 4)]
    assert next_card != graded


# --- due counts: planned without parallel workers ----------------------------------------------


def test_due_counts_are_planned_serially_and_only_they(pg_url):
    """The due counts' transaction turns the server's parallel workers off (they made the
    counts twice as slow on 100,000 cards); the next transaction has them back, for the
    statistics' long scans."""
    from flashcards.store import queue

    with filled(pg_url) as store:
        with store.reading() as conn:
            default = conn.exec_driver_sql("SHOW max_parallel_workers_per_gather").scalar()
            assert default != "0"
            summary = queue.due_summary(conn, TODAY)
            assert conn.exec_driver_sql("SHOW max_parallel_workers_per_gather").scalar() == "0"
        assert summary.total.new == 5
        with store.reading() as conn:
            assert conn.exec_driver_sql("SHOW max_parallel_workers_per_gather").scalar() == default


# --- backup and restore: a portable SQLite copy ------------------------------------------------


def rich(url: str) -> Store:
    """A collection with a bit of everything: states, log (with an undone row), an accepted
    answer, a suspended and a buried card, tags."""
    store = Store(url)
    tagged = tuple(
        Note(f"n{i}", CardKind.BASIC, f"q{i}", f"a{i}", i + 1, i + 1, tags=("t",)) for i in range(6)
    )
    store.sync([Deck("d::e", Path("/decks/d/e.md"), notes=tagged)], ["/decks"])
    for i, grade in enumerate((4, 1, 5)):
        store.grade(f"n{i}:0", grade, now=NOW, today=TODAY, typed=f"t{i}", seconds=1.5)
    store.undo_last(TODAY)
    store.add_accepted_answer("n3:0", "x^2", now=NOW)
    store.suspend("n4:0")
    store.bury("n5:0", date(2026, 3, 9))
    return store


def rows_of(store: Store) -> dict[str, list[tuple]]:
    from flashcards.store import METADATA

    return {
        table.name: sorted(store.select(sa.select(table)), key=lambda row: tuple(map(str, row)))
        for table in METADATA.sorted_tables
    }


def run_cli(*args: str) -> int:
    return main([*args, "--config", "/dev/null"])


def test_backup_of_a_server_collection_is_a_sqlite_collection_with_every_row(
    pg_url, tmp_path, capsys
):
    with rich(pg_url) as store:
        expected = rows_of(store)
    target = tmp_path / "copy.sqlite3"
    assert run_cli("backup", "--db", pg_url, "--to", str(target)) == 0
    out = capsys.readouterr().out
    assert f"backed up to {target}" in out and "no daily backup" in out
    assert target.read_bytes()[:16] == b"SQLite format 3\x00"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["copy.sqlite3"]  # no leftovers
    with Store(f"sqlite:///{target}") as copy:
        assert copy.schema_revision() == SCHEMA_REVISION
        assert rows_of(copy) == expected
        assert sum(map(len, expected.values())) > 20


def test_server_backup_without_a_file_goes_to_the_data_folder(pg_url, tmp_path, capsys):
    with rich(pg_url):
        pass
    data = tmp_path / "data"
    assert run_cli("backup", "--db", pg_url, "--data-dir", str(data)) == 0
    (made,) = (data / "backups").iterdir()
    assert re.fullmatch(
        rf"postgresql-{database_of(pg_url)}-\d{{8}}-\d{{6}}-manual\.sqlite3", made.name
    )
    assert run_cli("backup", "--db", pg_url, "--data-dir", str(data), "--list") == 0
    assert str(made) in capsys.readouterr().out


def test_opening_a_server_collection_takes_no_daily_backup(pg_url, tmp_path):
    from flashcards.commands.collection import open_collection
    from flashcards.config import parse_settings

    settings = parse_settings(
        "", config_path=tmp_path / "config.toml", env={}, default_data_dir=tmp_path, db=pg_url
    )
    with open_collection(settings) as store:
        assert store.card_ids() == []
    assert not (tmp_path / "backups").exists()


@pytest.mark.parametrize("into", ["postgresql", "sqlite"])
def test_a_server_backup_restores_into_either_backend(pg_cluster, pg_url, tmp_path, into):
    with rich(pg_url) as store:
        expected = rows_of(store)
    saved = tmp_path / "saved.sqlite3"
    assert run_cli("backup", "--db", pg_url, "--to", str(saved)) == 0
    if into == "postgresql":
        name = database_of(pg_url) + "_r"
        target = pg_cluster.create_database(name)
        with filled(target, 3) as other:  # something there to be replaced
            other.grade("n1:0", 2, now=NOW, today=TODAY)
    else:
        target = f"sqlite:///{tmp_path / 'restored.sqlite3'}"
    try:
        assert run_cli("restore", "--db", target, "--data-dir", str(tmp_path), str(saved)) == 0
        with Store(target) as restored:
            assert rows_of(restored) == expected
            # the log's ids go on after the restored ones
            entry = restored.grade("n3:0", 4, now=NOW, today=TODAY)
            assert entry.id == max(e.id for e in restored.review_log()) > 3
        (before,) = (tmp_path / "backups").glob("*before-restore*")
        with Store(f"sqlite:///{before}") as kept:
            assert len(kept.review_log()) == (1 if into == "postgresql" else 0)
    finally:
        if into == "postgresql":
            pg_cluster.drop_database(name)


def test_restore_into_a_server_is_one_transaction(pg_url, tmp_path, monkeypatch):
    """A restore failing half-way leaves the server's collection as it was."""
    from flashcards.store import connection

    with rich(pg_url) as store:
        saved = tmp_path / "saved.sqlite3"
        store.backup_to(saved)
        store.grade("n5:0", 3, now=NOW, today=TODAY)
        expected = rows_of(store)
        real = connection.copy_rows

        def failing(source, target, tables, chunk=5000):
            real(source, target, tables[:2], chunk)
            target.exec_driver_sql("SELECT 1/0")

        monkeypatch.setattr(connection, "copy_rows", failing)
        with pytest.raises(StoreError, match="division by zero"):
            store.restore_from(saved)
        assert rows_of(store) == expected


# --- two machines, each with its own deck folders ---------------------------------------------


def write_deck(path: Path, *questions: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(f"Q: {q}\nA: answer to {q}\n\n" for q in questions))
    return path


def test_a_sync_never_removes_the_decks_of_a_folder_it_did_not_see(pg_url, tmp_path):
    """The laptop has `probability/`, the desktop `calculus/` and a clone of the shared
    `common/` at another path: each machine's sync touches only what it scanned."""
    from flashcards.sync import sync_paths

    laptop, desktop = tmp_path / "laptop", tmp_path / "desktop"
    write_deck(laptop / "probability" / "bayes.md", "prior", "posterior")
    write_deck(laptop / "common" / "notation.md", "argmax")
    write_deck(desktop / "calculus" / "chain.md", "chain rule")
    write_deck(desktop / "common" / "notation.md", "argmax")
    laptop_roots = [laptop / "probability", laptop / "common"]
    desktop_roots = [desktop / "calculus", desktop / "common"]
    with Store(pg_url) as on_laptop, Store(pg_url) as on_desktop:
        sync_paths(on_laptop, laptop_roots)
        (shared,) = [
            c for c in on_laptop.card_ids() if on_laptop.card(c).source_path.endswith("tion.md")
        ]
        on_laptop.grade(shared, 4, now=NOW, today=TODAY)
        bayes = sorted(c for c in on_laptop.card_ids() if on_laptop.card(c).deck == "bayes")
        on_laptop.grade(bayes[0], 4, now=NOW, today=TODAY)
        report = sync_paths(on_desktop, desktop_roots)
        assert report.removed == 0
        for machine in (on_laptop, on_desktop):
            assert set(machine.decks()) == {"bayes", "chain", "notation"}
            assert not any(machine.card(c).removed for c in machine.card_ids(include_removed=True))
        # the desktop's counts and queue include the laptop's deck, from the stored cards
        names = {c.deck for c in on_desktop.due_counts(TODAY)}
        assert "bayes" in names
        assert bayes[1] in on_desktop.queue(TODAY, decks=["bayes"])
        # the shared deck's history is one, whichever clone synced last
        assert len(on_desktop.review_log(shared)) == 1
        assert on_desktop.state(shared).repetitions == 1
        assert sync_paths(on_laptop, laptop_roots, force=True).removed == 0
        assert not on_laptop.card(shared).removed
        # a file deleted on the desktop, in a folder it scans, is removed there as ever
        (desktop / "calculus" / "chain.md").unlink()
        assert sync_paths(on_desktop, desktop_roots).removed == 1
        assert {on_desktop.card(c).deck for c in on_desktop.card_ids()} == {"bayes", "notation"}
