"""`flashcards backup [--to FILE] [--list]`: a consistent copy of the collection."""

from __future__ import annotations

import argparse
from pathlib import Path

#: What `run` loads first (`flashcards.cli`): `--list` reads the backups' folder alone, so
#: the collection's modules load only when a backup is taken.
STARTUP_MODULES: tuple[str, ...] = ("flashcards.backup",)


def add_parser(sub: argparse._SubParsersAction) -> argparse.ArgumentParser:
    from flashcards.config import add_settings_arguments

    parser = sub.add_parser(
        "backup",
        help="copy the collection (also done automatically once a day)",
        description="Copy the collection consistently, even while the study app has it open. "
        "Without --to the copy goes to the backups folder beside the collection, where the "
        "newest `backups_kept` (default 10) are kept; the first open of each day adds one. "
        "A collection on a PostgreSQL server is copied into a SQLite file of the same schema "
        "(in DATA_DIR/backups without --to), which `flashcards restore` puts back into either "
        "kind; the daily backup is SQLite-only, so back a server up on purpose (or with the "
        "server's own tools).",
    )
    parser.add_argument("--to", type=Path, metavar="FILE", help="write the copy to FILE (new)")
    parser.add_argument("--list", action="store_true", help="list the backups and exit")
    add_settings_arguments(parser)
    return parser


def run(args: argparse.Namespace) -> int:
    from datetime import datetime

    from flashcards.backup import (
        backup_folder,
        collection_path,
        list_backups,
        on_server,
        take_backup,
        write_backup,
    )
    from flashcards.config import settings_from_args
    from flashcards.errors import FlashcardsError

    settings = settings_from_args(args)
    server = on_server(settings)
    if args.list:
        backups = list_backups(settings)
        if not backups:
            print(f"no backups in {backup_folder(settings)}")
        for b in backups:
            print(f"{b.taken:%Y-%m-%d %H:%M:%S}  {b.reason:<14}  {b.path}")
        return 0
    if not server and not (path := collection_path(settings)).is_file():
        raise FlashcardsError(f"{path}: no collection yet (nothing to back up)")
    from flashcards.commands.collection import open_collection

    # no daily copy on top of the one asked for
    with open_collection(settings, backup=False) as store:
        if args.to is not None:
            target = write_backup(store, args.to)
        else:
            target = take_backup(store, settings, "manual", datetime.now())
    print(f"backed up to {target}")
    if server:
        print(
            "(a SQLite copy of the server's collection; no daily backup is taken of a "
            "server's collection)"
        )
    return 0
