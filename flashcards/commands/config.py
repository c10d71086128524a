"""`flashcards config`: where the settings file is and what is in effect."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from flashcards.config import Settings

#: What `run` loads first (`flashcards.cli`).
STARTUP_MODULES: tuple[str, ...] = ("flashcards.config",)


def add_parser(sub: argparse._SubParsersAction) -> argparse.ArgumentParser:
    from flashcards.config import add_settings_arguments

    parser = sub.add_parser(
        "config",
        help="show where the settings file is and the settings in effect",
        description="Show the settings file's location and every setting in effect, with "
        "where it comes from (default, file, environment or option).",
    )
    parser.add_argument("--json", action="store_true", help="print the settings as JSON")
    parser.add_argument(
        "--init",
        action="store_true",
        help="write the settings file, every key commented out at its default "
        "(never over an existing file)",
    )
    add_settings_arguments(parser)
    return parser


def settings_table(settings: Settings) -> list[tuple[str, str, str]]:
    """(setting, value, origin) rows for the settings in effect."""
    origins = dict(settings.origins)
    limits = settings.limits

    def row(key: str, value: object, origin_of: str | None = None) -> tuple[str, str, str]:
        return (key, str(value), origins.get(origin_of or key, "default"))

    rows = [
        row("config", settings.config_path),
        row("data_dir", settings.data_dir),
        row("db", settings.db_url),
        row("day_start", settings.day_start.strftime("%H:%M")),
        row("limits.new_per_day", limits.new_per_day),
        row("limits.reviews_per_day", limits.reviews_per_day),
    ]
    for deck, deck_limits in limits.per_deck:
        for key in ("new_per_day", "reviews_per_day"):
            value = getattr(deck_limits, key)
            if value is not None:
                rows.append((f'decks."{deck}".{key}', str(value), "file"))
    scheduling = settings.scheduling
    rows.append(row("scheduler", scheduling.scheduler))
    rows += [(f'decks."{deck}".scheduler', name, "file") for deck, name in scheduling.per_deck]
    rows.append(row("desired_retention", f"{scheduling.desired_retention:g}"))
    rows += [
        row("deck_folders", ", ".join(str(p) for p in settings.deck_folders) or "(none)"),
        row("durability", settings.durability),
        row("leech_threshold", settings.leech_threshold),
        row("backups_kept", settings.backups_kept),
        row("fuzz", str(settings.fuzz).lower()),
        # never the password itself
        row("serve_password", "(set)" if settings.serve_password else "(not set)"),
    ]
    return rows


def init(path: Path) -> int:
    """Write the commented settings file at `path`, refusing to replace one."""
    from flashcards.config import config_template, default_data_dir

    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("x", encoding="utf-8") as out:  # "x": never over an existing file
            out.write(config_template(default_data_dir()))
    except FileExistsError:
        print(
            f"flashcards: {path} already exists; edit it, or remove it to start again",
            file=sys.stderr,
        )
        return 1
    except OSError as error:
        print(f"flashcards: {path}: cannot write the settings file: {error}", file=sys.stderr)
        return 1
    print(f"wrote {path}: every setting is there, commented out at its default")
    return 0


def run(args: argparse.Namespace) -> int:
    from flashcards.config import settings_from_args

    settings = settings_from_args(args, may_be_missing=True)
    if args.init:
        return init(settings.config_path)
    rows = settings_table(settings)
    exists = settings.config_path.exists()
    if args.json:
        print(
            json.dumps(
                {
                    "config_file": str(settings.config_path),
                    "config_file_exists": exists,
                    "settings": {k: {"value": v, "from": o} for k, v, o in rows},
                },
                indent=2,
            )
        )
        return 0
    state = (
        ""
        if exists
        else " (not created yet: defaults apply; `flashcards config --init` writes one "
        "with every setting)"
    )
    print(f"settings file: {settings.config_path}{state}")
    width = max(len(k) for k, _, _ in rows)
    for key, value, origin in rows:
        print(f"{key:<{width}}  {value}  [{origin}]")
    return 0
