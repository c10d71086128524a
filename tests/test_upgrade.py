"""Upgrades: a collection made with the first released schema opens with every review intact.

`tests/data/collection-v1.sqlite` was made once with schema revision 0001 and is never
regenerated: one deck `ml::probability` (bayes, kl (reversible), elbo, var), eleven graded
reviews over nine days (a same-day repeat among them, the last one undone), one practice,
one accepted answer, and `var:0` suspended. Tests open copies of it.

Opening it runs the shipped migrations; the migration path is also proven by adding a future
revision (FUTURE, after the shipped head) in a copy of the migrations folder: the copy taken
before migrating, the reviews after, and a failing migration that must leave the file as it was.
"""

from __future__ import annotations

import shutil
import sqlite3
from contextlib import closing
from dataclasses import replace
from datetime import date, datetime
from pathlib import Path

import pytest

import flashcards.store
import flashcards.store.schema as store_module
from flashcards.cli import main
from flashcards.config import parse_settings, sqlite_url
from flashcards.errors import FlashcardsError
from flashcards.grades import Grade
from flashcards.scheduler import ReviewState, schedule
from flashcards.store import SCHEMA_REVISION, Store

FIXTURE = Path(__file__).parent / "data" / "collection-v1.sqlite"

#: (card, kind, grade, study day, undone) of every row, in order, as written in 0001.
LOG = [
    ("bayes:0", "review", 4, date(2026, 11, 1), False),
    ("kl:0", "review", 3, date(2026, 11, 1), False),
    ("kl:1", "review", 5, date(2026, 11, 1), False),
    ("elbo:0", "review", 1, date(2026, 11, 1), False),
    ("elbo:0", "repeat", 4, date(2026, 11, 1), False),
    ("elbo:0", "review", 4, date(2026, 11, 2), False),
    ("bayes:0", "review", 5, date(2026, 11, 2), False),
    ("kl:0", "review", 2, date(2026, 11, 7), False),
    ("kl:0", "review", 4, date(2026, 11, 8), False),
    ("bayes:0", "review", 4, date(2026, 11, 8), False),
    ("var:0", "review", 0, date(2026, 11, 9), True),
    ("kl:1", "practice", 3, date(2026, 11, 9), False),
]
STATES = {
    "bayes:0": ReviewState(3, 16, 260, date(2026, 11, 24), 0),
    "elbo:0": ReviewState(1, 6, 250, date(2026, 11, 8), 1),
    "kl:0": ReviewState(1, 6, 236, date(2026, 11, 14), 1),
    "kl:1": ReviewState(1, 1, 260, date(2026, 11, 2), 0),
    "var:0": ReviewState(0, 0, 250, None, 0),
}

#: A revision after the shipped ones.
FUTURE = f"{int(SCHEMA_REVISION) + 1:04}"

FUTURE_MIGRATION = '''"""A future revision, for the upgrade tests: one new table."""

import sqlalchemy as sa
from alembic import op

revision = "{revision}"
down_revision = "{down}"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table("upgrade_probe", sa.Column("id", sa.Integer(), primary_key=True))
    op.execute("UPDATE cards SET line = line")
    {failure}


def downgrade() -> None:
    op.drop_table("upgrade_probe")
'''


def raw_revision(path: Path) -> str:
    with closing(sqlite3.connect(f"{path.absolute().as_uri()}?mode=ro", uri=True)) as conn:
        return conn.execute("SELECT version_num FROM alembic_version").fetchone()[0]


def tables(path: Path) -> set[str]:
    with closing(sqlite3.connect(f"{path.absolute().as_uri()}?mode=ro", uri=True)) as conn:
        return {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}


def dump(path: Path) -> list[str]:
    """The database's schema and rows as SQL text."""
    with closing(sqlite3.connect(f"{path.absolute().as_uri()}?mode=ro", uri=True)) as conn:
        return list(conn.iterdump())


def copy_fixture(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / "collection.sqlite3"
    shutil.copyfile(FIXTURE, target)
    return target


def settings_for(path: Path):
    settings = parse_settings(
        None, config_path=path.parent / "config.toml", default_data_dir=path.parent
    )
    return replace(settings, db_url=sqlite_url(path))


def assert_intact(store: Store) -> None:
    """Every review, state, accepted answer and flag of the fixture is there."""
    assert store.integrity_ok()
    got = [(e.card_id, e.kind, e.grade, e.study_day, e.undone) for e in store.review_log()]
    assert got == LOG
    assert {c: store.state(c) for c in store.card_ids()} == STATES
    assert store.card("var:0").suspended and not store.card("bayes:0").suspended
    assert [a.text for a in store.accepted_answers("elbo:0")] == ["log evidence"]
    assert store.decks() == ["ml::probability"]
    for card in STATES:
        replayed = ReviewState()
        for e in store.review_log(card, include_undone=False):
            if e.kind == "review":
                assert e.before == replayed
                # The fixture's passes after a lapse were scheduled by the lapse rule of
                # its time (the failing review counted as the first view: 6 days next); the
                # states are kept as they are, without migration. Every other review
                # replays to the same state with today's scheduler.
                if e.before.lapses == 0 or not Grade(e.grade).passing:
                    assert schedule(e.before, e.grade, e.study_day) == e.after
                replayed = e.after
        assert replayed == STATES[card]


@pytest.fixture
def future_schema(tmp_path, monkeypatch):
    """A migrations folder with a revision FUTURE after the shipped ones; returns its writer."""
    folder = tmp_path / "migrations"
    shutil.copytree(
        store_module.MIGRATIONS_DIR, folder, ignore=shutil.ignore_patterns("__pycache__")
    )
    monkeypatch.setattr(store_module, "MIGRATIONS_DIR", folder)
    monkeypatch.setattr(store_module, "SCHEMA_REVISION", FUTURE)
    # the package re-exports it, for readers such as flashcards.backup
    monkeypatch.setattr(flashcards.store, "SCHEMA_REVISION", FUTURE)

    def write(failure: str = "") -> None:
        text = FUTURE_MIGRATION.format(
            failure=failure or "pass", revision=FUTURE, down=SCHEMA_REVISION
        )
        (folder / "versions" / f"{FUTURE}_upgrade_probe.py").write_text(text)

    return write


def test_the_fixture_is_the_first_released_schema():
    assert raw_revision(FIXTURE) == "0001"
    assert FIXTURE.stat().st_size < 200_000


def test_the_v1_collection_opens_through_the_normal_path_with_every_review(tmp_path):
    path = copy_fixture(tmp_path / "data")
    with Store.open(settings_for(path)) as store:
        assert store.schema_revision() == SCHEMA_REVISION
        assert_intact(store)
    assert raw_revision(FIXTURE) == "0001"  # the fixture itself is never touched
    # the shipped migrations ran after a copy of the v1 file was taken
    copies = list(path.parent.glob(f"collection.before-{SCHEMA_REVISION}-from-0001-*.sqlite3"))
    assert len(copies) == (SCHEMA_REVISION != "0001")
    for copy in copies:
        assert raw_revision(copy) == "0001" and dump(copy) == dump(FIXTURE)


def test_the_v1_collection_through_the_command_line(tmp_path, capsys):
    path = copy_fixture(tmp_path / "data")
    (tmp_path / "config.toml").write_text("")
    argv = ["--config", str(tmp_path / "config.toml"), "--db", sqlite_url(path)]
    assert main(["due", "--json", *argv]) == 0
    assert "ml::probability" in capsys.readouterr().out
    with Store(sqlite_url(path)) as store:
        assert_intact(store)


def test_a_newer_revision_migrates_after_a_copy_is_taken(tmp_path, future_schema):
    future_schema()
    path = copy_fixture(tmp_path / "data")
    with Store.open(settings_for(path)) as store:
        assert store.schema_revision() == FUTURE
        assert_intact(store)
    assert "upgrade_probe" in tables(path)
    copies = sorted(path.parent.glob(f"collection.before-{FUTURE}-from-0001-*.sqlite3"))
    assert len(copies) == 1
    assert raw_revision(copies[0]) == "0001" and "upgrade_probe" not in tables(copies[0])
    with Store(sqlite_url(copies[0])) as before:  # the copy itself is a v1 collection...
        assert before.schema_revision() == FUTURE  # (this store version migrates it too)
        assert_intact(before)


def test_a_failing_migration_leaves_the_collection_as_it_was(tmp_path, future_schema):
    future_schema('raise RuntimeError("the migration broke halfway")')
    path = copy_fixture(tmp_path / "data")
    with pytest.raises(RuntimeError, match="halfway"):
        Store.open(settings_for(path))
    assert raw_revision(path) == "0001" and "upgrade_probe" not in tables(path)
    future_schema()
    with Store(sqlite_url(path)) as store:  # the fixed migration then runs from 0001
        assert store.schema_revision() == FUTURE
        assert_intact(store)


def test_no_migration_without_its_copy(tmp_path, future_schema):
    future_schema()
    path = copy_fixture(tmp_path / "data")
    blocked = tmp_path / "blocked"
    blocked.write_text("a file where the copy's folder should be")
    with pytest.raises(FlashcardsError, match="cannot copy the collection before upgrading"):
        Store(sqlite_url(path), backup_dir=blocked / "sub")
    assert raw_revision(path) == "0001" and "upgrade_probe" not in tables(path)


def test_a_collection_from_a_newer_flashcards_is_refused_untouched(tmp_path, capsys):
    path = copy_fixture(tmp_path / "data")
    with closing(sqlite3.connect(path)) as conn:
        conn.execute("UPDATE alembic_version SET version_num = '0099'")
        conn.commit()
    before = dump(path)
    (tmp_path / "config.toml").write_text("")
    assert main(["due", "--config", str(tmp_path / "config.toml"), "--db", sqlite_url(path)]) == 1
    assert "newer flashcards" in capsys.readouterr().err
    assert dump(path) == before  # (only the journal mode in the header may differ)


def test_a_v1_backup_restores_into_a_newer_schema_migrated_on_a_copy(tmp_path, future_schema):
    from datetime import datetime

    from flashcards.backup import restore

    future_schema()
    backup = copy_fixture(tmp_path / "kept")
    kept = dump(backup)
    path = copy_fixture(tmp_path / "data")
    settings = settings_for(path)
    with Store.open(settings) as store:
        store.grade("var:0", 5, now=datetime(2026, 11, 20, 9), today=date(2026, 11, 20))
        assert len(store.review_log()) == len(LOG) + 1
        restore(store, settings, backup, datetime(2026, 11, 20, 10))
        assert store.schema_revision() == FUTURE
        assert_intact(store)
    assert dump(backup) == kept  # migrated on a copy, never in the backup itself


def test_flashcards_restore_takes_a_v1_backup(tmp_path, capsys):
    backup = copy_fixture(tmp_path / "kept")
    data = tmp_path / "data"
    (tmp_path / "config.toml").write_text("")
    argv = ["--config", str(tmp_path / "config.toml"), "--data-dir", str(data)]
    assert main(["restore", str(backup), *argv]) == 0
    assert f"({len(LOG)} reviews)" in capsys.readouterr().out
    with Store(sqlite_url(data / "collection.sqlite3")) as store:
        assert store.schema_revision() == SCHEMA_REVISION
        assert_intact(store)
    assert raw_revision(backup) == "0001"


# --- the v1 collection on a PostgreSQL server ----------------------------------------------------


def load_v1_on_server(url: str) -> None:
    """A server database at revision 0001 (the shipped first migration) holding the v1 rows,
    as a server collection made with the first release would."""
    import sqlalchemy as sa
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(store_module.MIGRATIONS_DIR))
    server = sa.create_engine(url)
    v1 = sa.create_engine(f"sqlite:///{FIXTURE.absolute().as_uri()}?mode=ro&uri=true")
    try:
        with server.begin() as conn:
            config.attributes["connection"] = conn
            command.upgrade(config, "0001")
        old, new = sa.MetaData(), sa.MetaData()
        with v1.connect() as source, server.begin() as target:
            old.reflect(source)
            new.reflect(target)
            for table in old.sorted_tables:
                if table.name == "alembic_version":
                    continue
                rows = [dict(r) for r in source.execute(sa.select(table)).mappings()]
                if rows:
                    target.execute(sa.insert(new.tables[table.name]), rows)
                if "id" in table.c and isinstance(table.c.id.type, sa.Integer):
                    target.exec_driver_sql(
                        f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                        f"(SELECT MAX(id) FROM {table.name}))"
                    )
    finally:
        server.dispose()
        v1.dispose()


def server_revision(url: str) -> tuple[str, set[str]]:
    import sqlalchemy as sa

    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            found = conn.execute(sa.text("SELECT version_num FROM alembic_version")).scalar()
            return found, set(sa.inspect(conn).get_table_names())
    finally:
        engine.dispose()


def test_a_v1_server_collection_opens_migrated_with_every_review(pg_url):
    load_v1_on_server(pg_url)
    assert server_revision(pg_url)[0] == "0001"
    with Store(pg_url) as store:
        assert store.schema_revision() == SCHEMA_REVISION
        assert_intact(store)
        # the log's ids go on after the migrated ones
        entry = store.grade("var:0", 5, now=datetime(2026, 11, 20, 9), today=date(2026, 11, 20))
        assert entry.id == len(LOG) + 1


def test_a_failing_migration_leaves_a_v1_server_collection_at_v1(pg_url, future_schema):
    load_v1_on_server(pg_url)
    future_schema('raise RuntimeError("the migration broke halfway")')
    with pytest.raises(RuntimeError, match="halfway"):
        Store(pg_url)
    # every shipped upgrade from 0001 ran in the same transaction, and was taken back
    revision, names = server_revision(pg_url)
    assert revision == "0001" and "upgrade_probe" not in names
    future_schema()
    with Store(pg_url) as store:
        assert store.schema_revision() == FUTURE
        assert_intact(store)
    assert "upgrade_probe" in server_revision(pg_url)[1]


def test_flashcards_restore_takes_a_v1_backup_into_a_server(pg_url, tmp_path, capsys):
    backup = copy_fixture(tmp_path / "kept")
    (tmp_path / "config.toml").write_text("")
    argv = ["--config", str(tmp_path / "config.toml"), "--data-dir", str(tmp_path / "data")]
    assert main(["restore", str(backup), "--db", pg_url, *argv]) == 0
    assert f"({len(LOG)} reviews)" in capsys.readouterr().out
    with Store(pg_url) as store:
        assert store.schema_revision() == SCHEMA_REVISION
        assert_intact(store)
    assert raw_revision(backup) == "0001"


# --- deck text (revision 0006): decks synced before it are studied elsewhere after one sync ---


def test_v1_decks_have_no_text_until_the_machine_with_the_files_syncs(tmp_path):
    from flashcards.decks import load_decks
    from flashcards.stored import rebuild_decks

    path = copy_fixture(tmp_path / "data")
    with Store.open(settings_for(path)) as store:
        before = rebuild_decks(store.stored_decks())
        # stored before decks kept their text: counted, told, not studied elsewhere
        assert before.decks == () and before.without_text == ("ml::probability",)
        root = tmp_path / "decks"
        (root / "ml").mkdir(parents=True)
        (root / "ml" / "probability.md").write_text(
            "Bayes' rule? :: posterior {#bayes}\n\n"
            "KL divergence ::: relative entropy {#kl}\n\n"
            "What does the ELBO bound? :: log evidence {#elbo}\n\n"
            "Var[X] = ? :: E[X^2] - E[X]^2 {#var}\n"
        )
        store.sync(load_decks([root])[0], [str(root)])
        after = rebuild_decks(store.stored_decks())
        assert after.without_text == ()
        assert sorted(c.id for d in after.decks for c in d.cards) == sorted(STATES)
        assert [d.name for d in after.decks] == ["ml::probability"]
        assert_intact(store)  # the same cards, with every review


def test_decks_synced_at_0005_are_read_and_written_again_by_the_next_sync(tmp_path):
    """0006 clears the deck digests and file stamps: without that, the first sync after the
    upgrade would skip the unchanged files and the decks would never get their text."""
    import sqlalchemy as sa
    from alembic import command
    from alembic.config import Config

    from flashcards.stored import rebuild_decks
    from flashcards.sync import sync_paths

    root = tmp_path / "decks"
    root.mkdir()
    (root / "calc.md").write_text("Q: $\\frac{d}{dx} x^2$\nA: $2x$\n")
    url = sqlite_url(tmp_path / "c.sqlite3")
    with Store(url) as store:
        assert sync_paths(store, [root]).added == 1
    engine = sa.create_engine(url)
    try:
        with engine.begin() as conn:
            config = Config()
            config.set_main_option("script_location", str(store_module.MIGRATIONS_DIR))
            config.attributes["connection"] = conn
            command.downgrade(config, "0005")  # the collection as 0005 synced it
    finally:
        engine.dispose()
    with Store(url) as store:
        assert store.schema_revision() == SCHEMA_REVISION
        assert rebuild_decks(store.stored_decks()).without_text == ("calc",)
        report = sync_paths(store, [root])  # no file changed since the sync at 0005
        assert report.decks_synced == 1 and report.unchanged == 1 and report.added == 0
        (deck,) = rebuild_decks(store.stored_decks()).decks
        assert deck.cards[0].note.back == "$2x$"
        assert sync_paths(store, [root]).files_skipped == 1  # and then skipped as before


# --- two machines opening an old collection at the same moment ------------------------------------

#: A process opening the collection at argv[1] once the file argv[4] appears, with the
#: migrations of the folder argv[2] (head argv[3]); it writes what happened to argv[5] as JSON:
#: whether it went for the migration (found an old revision) and ran alembic's upgrade, the
#: revision and reviews it found, or its error.
OPENER = """
import json, sys, time
from pathlib import Path

url, migrations, head, go, out = sys.argv[1:6]
import flashcards.store
import flashcards.store.schema as schema
from alembic import command

schema.MIGRATIONS_DIR = Path(migrations)
schema.SCHEMA_REVISION = flashcards.store.SCHEMA_REVISION = head
upgrades, migrations = [], []
real_upgrade, real_migrate = command.upgrade, schema.migrate
command.upgrade = lambda *args, **kw: (upgrades.append(1), real_upgrade(*args, **kw))
schema.migrate = lambda *args, **kw: (migrations.append(1), real_migrate(*args, **kw))[1]
Path(out + ".ready").touch()
while not Path(go).exists():
    time.sleep(0.002)
start = time.monotonic()
try:
    with flashcards.store.Store(url) as store:
        result = {
            "ok": True,
            "upgrades": len(upgrades),
            "migrations": len(migrations),
            "revision": store.schema_revision(),
            "reviews": len(store.review_log()),
        }
except BaseException as error:
    result = {"ok": False, "error": f"{type(error).__name__}: {error}"}
result["seconds"] = time.monotonic() - start
Path(out).write_text(json.dumps(result))
"""


def open_at_once(
    url: str, folder: Path, tmp_path: Path, *, head: str = FUTURE, count: int = 2
) -> list[dict]:
    """Start `count` processes opening `url` with the migrations of `folder` up to `head`,
    release them together once all have imported everything, and return their reports."""
    import json
    import subprocess
    import sys
    import time

    go = tmp_path / "go"
    outs = [tmp_path / f"opener-{i}.json" for i in range(count)]
    processes = [
        subprocess.Popen(
            [sys.executable, "-c", OPENER, url, str(folder), head, str(go), str(out)],
            stderr=subprocess.PIPE,
            text=True,
        )
        for out in outs
    ]
    try:
        deadline = time.monotonic() + 60
        while not all(Path(f"{out}.ready").exists() for out in outs):
            assert all(p.poll() is None for p in processes), [p.stderr.read() for p in processes]
            assert time.monotonic() < deadline, "the openers did not start"
            time.sleep(0.01)
        go.touch()
        for process in processes:
            process.wait(timeout=120)
            assert process.returncode == 0, process.stderr.read()
    finally:
        for process in processes:
            if process.poll() is None:
                process.kill()
            process.stderr.close()
    return [json.loads(out.read_text()) for out in outs]


#: The FUTURE migration's own step, slow enough that the second opener arrives during it.
SLOW = "import time; time.sleep(2.5)"


def assert_one_migrated(
    reports: list[dict], *, head: str = FUTURE, reviews: int = len(LOG)
) -> None:
    """None failed, all went for the migration at once, exactly one ran it, the others
    waited for it and found the head, and all saw every review."""
    assert all(r["ok"] for r in reports), reports
    assert [r["migrations"] for r in reports] == [1] * len(reports), reports
    assert sorted(r["upgrades"] for r in reports) == [0] * (len(reports) - 1) + [1], reports
    assert [r["revision"] for r in reports] == [head] * len(reports)
    assert [r["reviews"] for r in reports] == [reviews] * len(reports)
    for waited in (r for r in reports if r["upgrades"] == 0):
        assert waited["seconds"] >= 1.0, reports  # it waited for the migration to end


def test_two_processes_opening_a_v1_collection_at_once_migrate_it_once(tmp_path, future_schema):
    """SQLite: the migration's write transaction is the file's one write lock; the second
    opener waits on the busy timeout, then finds the head. One copy is taken, not two."""
    future_schema(SLOW)
    path = copy_fixture(tmp_path / "data")
    reports = open_at_once(sqlite_url(path), store_module.MIGRATIONS_DIR, tmp_path)
    assert_one_migrated(reports)
    assert raw_revision(path) == FUTURE
    copies = list(path.parent.glob(f"collection.before-{FUTURE}-from-0001-*.sqlite3"))
    assert len(copies) == 1 and raw_revision(copies[0]) == "0001"
    with Store(sqlite_url(path)) as store:
        assert_intact(store)


def test_two_machines_opening_a_v1_server_collection_at_once_migrate_it_once(
    pg_url, tmp_path, future_schema
):
    """PostgreSQL: the migration holds an advisory lock; the second machine waits for it,
    reads the revision again, finds the head and runs nothing (without the lock it ran the
    shipped migrations a second time and failed on the tables already there)."""
    load_v1_on_server(pg_url)
    future_schema(SLOW)
    reports = open_at_once(pg_url, store_module.MIGRATIONS_DIR, tmp_path)
    assert_one_migrated(reports)
    revision, names = server_revision(pg_url)
    assert revision == FUTURE and "upgrade_probe" in names
    with Store(pg_url) as store:
        assert_intact(store)


def test_machines_opening_a_new_server_collection_at_once_create_it_once(pg_url, tmp_path):
    """An empty database: one creates the schema, the others wait for it and find it made."""
    folder = tmp_path / "migrations"
    shutil.copytree(
        store_module.MIGRATIONS_DIR, folder, ignore=shutil.ignore_patterns("__pycache__")
    )
    (head,) = (folder / "versions").glob(f"{SCHEMA_REVISION}_*.py")
    head.write_text(
        head.read_text().replace(
            "def upgrade() -> None:\n", f"def upgrade() -> None:\n    {SLOW}\n"
        )
    )
    assert SLOW in head.read_text()
    reports = open_at_once(pg_url, folder, tmp_path, head=SCHEMA_REVISION, count=3)
    assert_one_migrated(reports, head=SCHEMA_REVISION, reviews=0)
    assert server_revision(pg_url)[0] == SCHEMA_REVISION


def test_a_machine_waiting_too_long_for_anothers_migration_stops_with_a_message(
    pg_url, monkeypatch
):
    """A machine whose migration hangs (its laptop closed mid-upgrade keeps the connection
    and the lock until the server's keepalive gives up) no longer leaves the others waiting
    without a word: after the wait they stop and say why, having changed nothing."""
    import sqlalchemy as sa

    monkeypatch.setattr(store_module, "MIGRATION_WAIT_SECONDS", 0.5)
    holder = sa.create_engine(pg_url)
    try:
        with holder.connect() as other:
            other.execute(
                sa.text("SELECT pg_advisory_xact_lock(:key)"), {"key": store_module.MIGRATION_LOCK}
            )
            started = datetime.now()
            with pytest.raises(FlashcardsError, match="another machine is upgrading"):
                Store(pg_url)
            assert (datetime.now() - started).total_seconds() < 30
            other.rollback()
    finally:
        holder.dispose()
    # nothing was created while it waited; once the lock is free the collection opens
    engine = sa.create_engine(pg_url)
    try:
        with engine.connect() as conn:
            assert sa.inspect(conn).get_table_names() == []
    finally:
        engine.dispose()
    with Store(pg_url) as store:
        assert store.decks() == []
