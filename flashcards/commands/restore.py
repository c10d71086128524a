"""`flashcards restore FILE`: put a backup back in place of the collection."""

from __future__ import annotations

import argparse
from pathlib import Path

from flashcards.commands.collection import COLLECTION_MODULES

#: What `run` loads first (`flashcards.cli`).
STARTUP_MODULES = COLLECTION_MODULES


def add_parser(sub: argparse._SubParsersAction) -> argparse.ArgumentParser:
    from flashcards.config import add_settings_arguments

    parser = sub.add_parser(
        "restore",
        help="replace the collection by a backup (the current one is backed up first)",
        description="Replace the collection by FILE, a backup made by `flashcards backup` or a "
        "daily one. FILE is checked first (a flashcards collection, readable, intact); the "
        "current collection is then copied to the backups folder, so a restore can be undone. "
        "A PostgreSQL collection gets FILE's rows in one transaction.",
    )
    parser.add_argument("file", type=Path, metavar="FILE", help="the backup to restore")
    add_settings_arguments(parser)
    return parser


def run(args: argparse.Namespace) -> int:
    import tempfile
    from datetime import datetime

    import sqlalchemy as sa

    from flashcards.backup import collection_path, on_server, prepare_restore, restore
    from flashcards.commands.collection import open_collection
    from flashcards.config import settings_from_args
    from flashcards.store import LOG

    settings = settings_from_args(args)
    if not on_server(settings):
        collection_path(settings)  # an in-memory collection cannot be restored
    with tempfile.TemporaryDirectory(prefix="flashcards-restore-") as work:
        # checked before anything is created or changed, and the checked copy is restored
        prepared = prepare_restore(args.file, Path(work))
        # the folder is created as for every command; the restore takes its own backup
        with open_collection(settings, backup=False) as store:
            before = restore(store, settings, args.file, datetime.now(), prepared=prepared)
            reviews = store.select(sa.select(sa.func.count()).select_from(LOG))[0][0]
    print(f"restored {args.file} ({reviews} reviews); the previous collection is in {before}")
    return 0
