"""Backups: the daily copy at first open, `flashcards backup`, `flashcards restore`."""

from __future__ import annotations

import sqlite3
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from flashcards.backup import (
    BackupFile,
    backup_name,
    daily_backup,
    list_backups,
    needs_daily_backup,
    parse_backup_name,
    to_prune,
)
from flashcards.cards import CardKind, Deck, Note
from flashcards.cli import main
from flashcards.commands.collection import open_collection
from flashcards.config import parse_settings
from flashcards.store import Store

TODAY = date(2026, 11, 26)
NOW = datetime(2026, 11, 26, 9, 30, tzinfo=UTC)


def settings_for(folder: Path, keep: int = 10):
    settings = parse_settings(None, config_path=folder / "config.toml", default_data_dir=folder)
    return replace(settings, backups_kept=keep)


def make_collection(folder: Path, grades: int = 3) -> Path:
    """A collection with five cards and `grades` reviews, in `folder`."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "collection.sqlite3"
    notes = tuple(Note(f"n{i}", CardKind.BASIC, f"q{i}", f"a{i}", i + 1, i + 1) for i in range(5))
    with Store(f"sqlite:///{path}") as store:
        store.sync([Deck("d", Path("/decks/d.md"), notes=notes)], ["/decks"])
        for i in range(grades):
            store.grade(f"n{i}:0", 4, now=NOW, today=TODAY)
    return path


def reviews_in(path: Path) -> list[str]:
    with Store(f"sqlite:///{path}") as store:
        assert store.integrity_ok()
        return [e.card_id for e in store.review_log()]


def cli(folder: Path, *args: str) -> int:
    config = folder / "config.toml"
    if not config.exists():
        config.write_text("")
    return main([*args, "--config", str(config), "--data-dir", str(folder)])


# -- pure rules ------------------------------------------------------------------------------


def test_backup_names_round_trip_and_ignore_other_files():
    when = datetime(2026, 3, 4, 5, 6, 7)
    name = backup_name("collection", ".sqlite3", when, "daily")
    assert name == "collection-20260304-050607-daily.sqlite3"
    assert parse_backup_name(name, "collection", ".sqlite3") == (when, "daily")
    for other in (
        "collection.sqlite3",
        "collection-20260304-050607-daily.sqlite3-wal",
        ".collection-20260304-050607-daily.sqlite3.partial",
        "other-20260304-050607-daily.sqlite3",
        "collection-20261399-050607-daily.sqlite3",
    ):
        assert parse_backup_name(other, "collection", ".sqlite3") is None


def test_pruning_keeps_the_newest_n_and_zero_keeps_all():
    backups = [BackupFile(datetime(2026, 1, d), Path(f"b{d}"), "daily") for d in (5, 1, 3, 2, 4)]
    assert [b.taken.day for b in to_prune(backups, 2)] == [1, 2, 3]
    assert to_prune(backups, 5) == [] and to_prune(backups, 0) == []


def test_a_daily_backup_is_needed_once_a_day():
    taken = [BackupFile(datetime(2026, 1, 1, 23, 59), Path("x"), "manual")]
    assert not needs_daily_backup(taken, date(2026, 1, 1))
    assert needs_daily_backup(taken, date(2026, 1, 2))
    assert needs_daily_backup([], date(2026, 1, 1))


# -- the daily backup ------------------------------------------------------------------------


def test_the_first_open_of_a_day_backs_up_once(tmp_path):
    path = make_collection(tmp_path)
    settings = settings_for(tmp_path)
    open_collection(settings).close()
    open_collection(settings).close()
    backups = list_backups(settings)
    assert [b.reason for b in backups] == ["daily"]
    assert reviews_in(backups[0].path) == reviews_in(path)


def test_daily_backups_keep_the_newest_configured_number(tmp_path):
    make_collection(tmp_path)
    settings = settings_for(tmp_path, keep=3)
    with Store(settings.db_url) as store:
        for day in range(6):
            when = datetime(2026, 11, 1, 8) + timedelta(days=day)
            assert daily_backup(store, settings, when) is not None
            assert daily_backup(store, settings, when + timedelta(hours=1)) is None
    kept = list_backups(settings)
    assert [b.taken.day for b in kept] == [4, 5, 6]
    assert not list((tmp_path / "backups").glob("*.partial"))


def test_zero_backups_kept_turns_the_daily_backup_off(tmp_path):
    make_collection(tmp_path)
    settings = settings_for(tmp_path, keep=0)
    open_collection(settings).close()
    assert list_backups(settings) == []


def test_a_failing_daily_backup_warns_and_the_collection_still_opens(tmp_path, capsys):
    make_collection(tmp_path)
    (tmp_path / "backups").write_text("a file where the backups folder should be")
    settings = settings_for(tmp_path)
    with open_collection(settings) as store:
        assert len(store.review_log()) == 3
    err = capsys.readouterr().err
    assert err.startswith("flashcards: warning: no daily backup: cannot write")
    assert "Traceback" not in err


def test_a_backup_taken_while_another_process_writes_is_consistent(tmp_path):
    path = make_collection(tmp_path, grades=0)
    writer = Store(f"sqlite:///{path}")
    reader = Store(f"sqlite:///{path}")
    try:
        for i in range(5):
            writer.grade(f"n{i}:0", 4, now=NOW, today=TODAY)
            reader.backup_to(tmp_path / f"copy{i}.sqlite3")
    finally:
        writer.close()
        reader.close()
    for i in range(5):
        assert len(reviews_in(tmp_path / f"copy{i}.sqlite3")) == i + 1


# -- flashcards backup -----------------------------------------------------------------------


def test_backup_command_writes_to_the_backups_folder_or_a_file(tmp_path, capsys):
    path = make_collection(tmp_path)
    assert cli(tmp_path, "backup") == 0
    assert cli(tmp_path, "backup", "--to", str(tmp_path / "mine.sqlite3")) == 0
    out = capsys.readouterr().out
    assert "backed up to" in out and "mine.sqlite3" in out
    assert reviews_in(tmp_path / "mine.sqlite3") == reviews_in(path)
    assert [b.reason for b in list_backups(settings_for(tmp_path))] == ["manual"]
    assert cli(tmp_path, "backup", "--list") == 0
    assert "manual" in capsys.readouterr().out


def test_backup_refuses_to_overwrite_and_needs_a_collection(tmp_path, capsys):
    assert cli(tmp_path, "backup") == 1
    assert "no collection yet" in capsys.readouterr().err
    assert not (tmp_path / "collection.sqlite3").exists()
    make_collection(tmp_path)
    (tmp_path / "taken.sqlite3").write_text("precious")
    assert cli(tmp_path, "backup", "--to", str(tmp_path / "taken.sqlite3")) == 1
    assert "already exists" in capsys.readouterr().err
    assert (tmp_path / "taken.sqlite3").read_text() == "precious"
    assert cli(tmp_path, "backup", "--to", str(tmp_path / "nofolder" / "x.sqlite3")) == 1
    assert "no such folder" in capsys.readouterr().err


# -- flashcards restore ----------------------------------------------------------------------


def test_restore_puts_a_backup_back_and_keeps_the_current_one(tmp_path, capsys):
    path = make_collection(tmp_path, grades=2)
    saved = tmp_path / "saved.sqlite3"
    assert cli(tmp_path, "backup", "--to", str(saved)) == 0
    with Store(f"sqlite:///{path}") as store:
        store.grade("n4:0", 1, now=NOW, today=TODAY)
    assert len(reviews_in(path)) == 3
    assert cli(tmp_path, "restore", str(saved)) == 0
    assert "restored" in capsys.readouterr().out
    assert reviews_in(path) == ["n0:0", "n1:0"]
    before = [b for b in list_backups(settings_for(tmp_path)) if b.reason == "before-restore"]
    assert len(before) == 1 and len(reviews_in(before[0].path)) == 3


def test_restore_into_an_open_collection_is_seen_by_the_other_connection(tmp_path):
    path = make_collection(tmp_path, grades=1)
    saved = tmp_path / "saved.sqlite3"
    with Store(f"sqlite:///{path}") as store:
        store.backup_to(saved)
    with Store(f"sqlite:///{path}") as app_store:
        app_store.grade("n3:0", 4, now=NOW, today=TODAY)
        assert cli(tmp_path, "restore", str(saved)) == 0
        assert [e.card_id for e in app_store.review_log()] == ["n0:0"]
        app_store.grade("n2:0", 4, now=NOW, today=TODAY)
        assert app_store.integrity_ok()
    assert reviews_in(path) == ["n0:0", "n2:0"]


def _not_collections(folder: Path) -> dict[str, Path]:
    folder.mkdir()
    text = folder / "notes.txt"
    text.write_text("SQLite format 2, honestly\n" * 50)
    empty = folder / "empty.sqlite3"
    empty.write_bytes(b"")
    bare = folder / "bare.sqlite3"
    sqlite3.connect(bare).close()
    other = folder / "other.sqlite3"
    with sqlite3.connect(other) as conn:
        conn.execute("CREATE TABLE songs (title TEXT)")
    conn.close()
    schemaless = folder / "schemaless.sqlite3"
    with sqlite3.connect(schemaless) as conn:
        conn.execute("CREATE TABLE t (x)")
        conn.execute("DROP TABLE t")
    conn.close()
    truncated = folder / "truncated.sqlite3"
    good = make_collection(folder / "good")
    truncated.write_bytes(good.read_bytes()[:5000])
    newer = folder / "newer.sqlite3"
    newer.write_bytes(good.read_bytes())
    with sqlite3.connect(newer) as conn:
        conn.execute("UPDATE alembic_version SET version_num = '9999'")
    conn.close()
    return {
        "text": text,
        "empty": empty,
        "bare": bare,
        "other": other,
        "schemaless": schemaless,
        "truncated": truncated,
        "newer": newer,
        "missing": folder / "missing.sqlite3",
        "folder": folder,
    }


@pytest.mark.parametrize(
    ("which", "fragment"),
    [
        ("text", "not a flashcards collection (not a SQLite database)"),
        ("empty", "not a flashcards collection (not a SQLite database)"),
        ("bare", "not a flashcards collection"),
        ("other", "not a flashcards collection"),
        ("schemaless", "not a flashcards collection"),
        ("truncated", "not a flashcards collection"),
        ("newer", "newer flashcards"),
        ("missing", "no such file"),
        ("folder", "no such file"),
    ],
)
def test_restore_refuses_what_is_not_a_collection_and_changes_nothing(
    tmp_path, capsys, which, fragment
):
    path = make_collection(tmp_path / "data")
    before = path.read_bytes()
    bad = _not_collections(tmp_path / "bad")[which]
    snapshot = bad.read_bytes() if bad.is_file() else None
    assert cli(tmp_path / "data", "restore", str(bad)) == 1
    err = capsys.readouterr().err
    assert err.startswith(f"flashcards: {bad}") and fragment in err, err
    assert "Traceback" not in err
    assert path.read_bytes() == before
    assert not (tmp_path / "data" / "backups").exists()  # nothing taken, nothing changed
    if snapshot is not None:
        assert bad.read_bytes() == snapshot  # the file checked is left as it was


def test_restoring_the_collection_onto_itself_is_refused(tmp_path, capsys):
    path = make_collection(tmp_path)
    assert cli(tmp_path, "restore", str(path)) == 1
    assert "the collection itself" in capsys.readouterr().err
