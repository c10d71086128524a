"""Settings: defaults, the TOML file, the environment, CLI options, and the study day."""

from __future__ import annotations

import argparse
from dataclasses import replace
from datetime import date, datetime, time
from pathlib import Path

import pytest

from flashcards.config import (
    DeckLimits,
    Limits,
    add_settings_arguments,
    default_data_dir,
    load_settings,
    parse_settings,
    settings_from_args,
    sqlite_path,
    study_day,
)
from flashcards.errors import FlashcardsError

CFG = Path("/home/u/.config/flashcards/config.toml")
DATA = Path("/home/u/.local/share/flashcards")


def parse(text: str | None, **kw):
    return parse_settings(text, config_path=CFG, default_data_dir=DATA, home=Path("/home/u"), **kw)


def test_defaults_without_a_file():
    s = parse(None)
    assert s.data_dir == DATA
    assert s.db_url == f"sqlite:///{DATA}/collection.sqlite3"
    assert s.db_path == DATA / "collection.sqlite3"
    assert s.day_start == time(4, 0)
    assert s.limits == Limits(20, 200)
    assert s.durability == "normal"
    assert s.leech_threshold == 8
    assert s.fuzz is False
    assert dict(s.origins)["db"] == "default"


def test_file_values_are_read():
    s = parse(
        """
day_start = "05:30"
deck_folders = ["~/decks", "more"]
durability = "full"
leech_threshold = 5
backups_kept = 3

[limits]
new_per_day = 10
reviews_per_day = 100

[decks."ml::probability"]
new_per_day = 5
"""
    )
    assert s.day_start == time(5, 30)
    assert s.deck_folders == (Path("/home/u/decks"), CFG.parent / "more")
    assert s.durability == "full"
    assert s.leech_threshold == 5
    assert s.backups_kept == 3
    assert s.limits.new_per_day == 10 and s.limits.reviews_per_day == 100
    assert s.limits.for_deck("ml::probability") == DeckLimits(5, None)
    assert s.limits.for_deck("ml::probability::bayes") == DeckLimits(5, None)
    assert s.limits.for_deck("ml") == DeckLimits()
    assert dict(s.origins)["day_start"] == "file"


def test_environment_beats_file_and_options_beat_environment():
    text = 'db = "sqlite:////from/file.db"'
    env = {"FLASHCARDS_DB": "sqlite:////from/env.db", "FLASHCARDS_DATA_DIR": "/env/data"}
    s = parse(text, env=env)
    assert s.db_url == "sqlite:////from/env.db"
    assert s.data_dir == Path("/env/data")
    s = parse(text, env=env, db="sqlite:////from/option.db", data_dir=Path("/opt/data"))
    assert s.db_url == "sqlite:////from/option.db"
    assert s.data_dir == Path("/opt/data")
    assert dict(s.origins)["db"] == "option"
    # the data dir moves the default database with it
    assert parse(None, data_dir=Path("/d")).db_url == "sqlite:////d/collection.sqlite3"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("day_start = 4", "day_start"),
        ('day_start = "25:00"', "day_start"),
        ("nonsense = 1", "unknown setting `nonsense`"),
        ('durability = "extreme"', "durability"),
        ("[limits]\nnew_per_day = -1", "new_per_day"),
        ("[limits]\nnew = 3", "unknown key `new`"),
        ("leech_threshold = true", "leech_threshold"),
        ("this is not toml", "not valid TOML"),
        ("deck_folders = 'x'", "deck_folders"),
    ],
)
def test_bad_settings_give_a_clear_message(text, message):
    with pytest.raises(FlashcardsError, match=message) as info:
        parse(text)
    assert str(CFG) in str(info.value)


def test_db_must_be_a_url():
    with pytest.raises(FlashcardsError, match="not a database URL"):
        parse(None, db="collection.db")


def test_study_day_starts_at_day_start():
    assert study_day(datetime(2026, 5, 2, 1, 0)) == date(2026, 5, 1)
    assert study_day(datetime(2026, 5, 2, 3, 59)) == date(2026, 5, 1)
    assert study_day(datetime(2026, 5, 2, 4, 0)) == date(2026, 5, 2)
    assert study_day(datetime(2026, 5, 2, 23, 0)) == date(2026, 5, 2)
    assert study_day(datetime(2026, 5, 2, 0, 30), time(0, 0)) == date(2026, 5, 2)
    assert parse(None).study_day(datetime(2026, 1, 1, 2, 0)) == date(2025, 12, 31)


def test_sqlite_path():
    assert sqlite_path("sqlite:///rel.db") == Path("rel.db")
    assert sqlite_path("sqlite:////abs/x.db?mode=ro") == Path("/abs/x.db")
    assert sqlite_path("sqlite://") is None
    assert sqlite_path("postgresql://host/db") is None


def test_load_settings_reads_the_file_named_by_the_environment(tmp_path):
    cfg = tmp_path / "c.toml"
    cfg.write_text("leech_threshold = 4\n")
    s = load_settings(env={"FLASHCARDS_CONFIG": str(cfg), "FLASHCARDS_DATA_DIR": str(tmp_path)})
    assert s.leech_threshold == 4
    assert s.config_path == cfg
    assert s.data_dir == tmp_path
    assert dict(s.origins)["config"] == "environment"


def test_missing_named_config_file_is_an_error(tmp_path):
    with pytest.raises(FlashcardsError, match="no such config file"):
        load_settings(config=tmp_path / "nope.toml", env={})


def test_shared_command_options(tmp_path, monkeypatch):
    monkeypatch.delenv("FLASHCARDS_DB", raising=False)
    monkeypatch.delenv("FLASHCARDS_CONFIG", raising=False)
    cfg = tmp_path / "c.toml"
    cfg.write_text("")
    parser = argparse.ArgumentParser()
    add_settings_arguments(parser)
    args = parser.parse_args(["--config", str(cfg), "--data-dir", str(tmp_path)])
    s = settings_from_args(args)
    assert s.db_path == tmp_path / "collection.sqlite3"
    args = parser.parse_args(["--config", str(cfg), "--db", "sqlite:///x.db"])
    assert settings_from_args(args).db_url == "sqlite:///x.db"


def test_config_command_shows_the_file_and_settings(tmp_path, capsys, monkeypatch):
    import json

    from flashcards.cli import main

    cfg = tmp_path / "c.toml"
    cfg.write_text('day_start = "03:00"\n[decks."ml"]\nnew_per_day = 7\n')
    assert main(["config", "--config", str(cfg), "--data-dir", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert f"settings file: {cfg}" in out
    assert "03:00  [file]" in out and 'decks."ml".new_per_day' in out
    assert main(["config", "--json", "--config", str(cfg)]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["config_file_exists"] and doc["settings"]["day_start"]["value"] == "03:00"
    cfg.write_text("durability = 'lots'\n")
    assert main(["config", "--config", str(cfg)]) == 1
    assert "durability" in capsys.readouterr().err


def test_each_daily_limit_says_where_it_comes_from(tmp_path, capsys):
    from flashcards.cli import main

    cfg = tmp_path / "c.toml"
    cfg.write_text("[limits]\nnew_per_day = 60\n")
    assert main(["config", "--config", str(cfg), "--data-dir", str(tmp_path)]) == 0
    lines = {line.split()[0]: line for line in capsys.readouterr().out.splitlines()[1:]}
    assert lines["limits.new_per_day"].endswith("60  [file]")
    assert lines["limits.reviews_per_day"].endswith("200  [default]")


def test_a_config_file_named_by_the_environment_that_does_not_exist_yet_gives_the_defaults(
    tmp_path,
):
    missing = tmp_path / "not-yet" / "config.toml"
    s = load_settings(env={"FLASHCARDS_CONFIG": str(missing), "FLASHCARDS_DATA_DIR": "d"})
    assert s.config_path == missing and not missing.exists()
    assert (s.leech_threshold, s.limits.new_per_day, s.durability) == (8, 20, "normal")
    assert dict(s.origins)["config"] == "environment"


def test_every_command_runs_with_a_config_file_that_does_not_exist_yet(
    tmp_path, capsys, monkeypatch
):
    from flashcards.cli import main

    missing = tmp_path / "config.toml"
    monkeypatch.setenv("FLASHCARDS_CONFIG", str(missing))
    monkeypatch.setenv("FLASHCARDS_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("FLASHCARDS_DB", raising=False)
    assert main(["config"]) == 0
    out = capsys.readouterr().out
    assert f"settings file: {missing} (not created yet: defaults apply;" in out
    assert "flashcards config --init" in out
    assert main(["due"]) == 0
    assert not missing.exists()


def test_config_init_writes_a_commented_file_with_every_key_and_never_overwrites(
    tmp_path, capsys, monkeypatch
):
    from flashcards.cli import main
    from flashcards.config import config_template

    target = tmp_path / "sub" / "config.toml"
    monkeypatch.setenv("FLASHCARDS_CONFIG", str(target))
    assert main(["config", "--init"]) == 0
    assert f"wrote {target}" in capsys.readouterr().out
    text = target.read_text()
    assert text == config_template(default_data_dir())
    # as written, every setting is a comment: the defaults apply
    settings = parse_settings(text, config_path=target, default_data_dir=tmp_path)
    assert dict(settings.origins)["leech_threshold"] == "default"
    # every key is there, and uncommenting all of them gives the defaults again
    keys = {"data_dir", "db", "day_start", "deck_folders", "durability", "leech_threshold"}
    keys |= {"backups_kept", "fuzz", "[limits]", "new_per_day", "reviews_per_day", "[decks."}
    assert all(f"# {key}" in text for key in keys), text
    uncommented = "\n".join(
        line[2:] if line.startswith("# ") and ("=" in line or line[2:].startswith("[")) else line
        for line in text.splitlines()
    )
    active = parse_settings(uncommented, config_path=target, default_data_dir=tmp_path)
    defaults = parse_settings(None, config_path=target, default_data_dir=default_data_dir())
    assert active.limits.per_deck  # the example deck's limits
    assert replace(active, origins=(), limits=defaults.limits) == replace(defaults, origins=())
    assert (active.limits.new_per_day, active.limits.reviews_per_day) == (20, 200)

    target.write_text("leech_threshold = 3\n")
    assert main(["config", "--init"]) == 1
    assert "already exists" in capsys.readouterr().err
    assert target.read_text() == "leech_threshold = 3\n"


def test_scheduler_defaults_to_sm2_with_retention_090():
    s = parse(None)
    assert s.scheduling.scheduler == "sm2"
    assert s.scheduling.desired_retention == 0.9
    assert s.scheduling.for_deck("ml::probability") == "sm2"
    assert not s.scheduling.uses_fsrs


def test_scheduler_per_deck_resolves_through_parents():
    s = parse(
        'scheduler = "sm2"\ndesired_retention = 0.85\n'
        '[decks."ml"]\nscheduler = "fsrs"\n'
        '[decks."ml::rl"]\nscheduler = "sm2"\nnew_per_day = 3\n'
        '[decks."stats"]\nnew_per_day = 4\n'
        '[decks."stats::tests"]\nscheduler = "fsrs"\n'
    )
    sched = s.scheduling
    assert sched.desired_retention == 0.85
    assert sched.for_deck("ml") == "fsrs"
    assert sched.for_deck("ml::probability::kl") == "fsrs"
    assert sched.for_deck("ml::rl::ppo") == "sm2"
    assert sched.for_deck("mlx") == "sm2"
    assert sched.uses_fsrs
    # a deck table with only a scheduler keeps its parent's limits
    assert s.limits.for_deck("stats::tests") == DeckLimits(new_per_day=4)
    assert s.limits.for_deck("ml::rl") == DeckLimits(new_per_day=3)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('scheduler = "anki"', '`scheduler` must be "sm2" or "fsrs"'),
        ('[decks."ml"]\nscheduler = 2', 'decks.ml.scheduler` must be "sm2" or "fsrs"'),
        ("desired_retention = 0.5", "`desired_retention` must be a number from 0.7 to 0.99"),
        ("desired_retention = 1", "desired_retention"),
        ('desired_retention = "high"', "desired_retention"),
        ("desired_retention = true", "desired_retention"),
    ],
)
def test_bad_scheduling_settings_give_a_clear_message(text, message):
    with pytest.raises(FlashcardsError, match=message) as info:
        parse(text)
    assert str(CFG) in str(info.value)


def test_config_command_shows_the_scheduler_and_retention(tmp_path, capsys):
    from flashcards.cli import main

    cfg = tmp_path / "c.toml"
    cfg.write_text('desired_retention = 0.92\n[decks."ml"]\nscheduler = "fsrs"\n')
    assert main(["config", "--config", str(cfg), "--data-dir", str(tmp_path)]) == 0
    lines = {line.split()[0]: line for line in capsys.readouterr().out.splitlines()[1:]}
    assert lines["scheduler"].endswith("sm2  [default]")
    assert lines['decks."ml".scheduler'].endswith("fsrs  [file]")
    assert lines["desired_retention"].endswith("0.92  [file]")
