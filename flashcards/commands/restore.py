"""`flashcards restore FILE`: put a backup back in place of the collection."""

from __future__ import annotations

import argparse
from pathlib import Path


def add_parser(sub: argparse._SubParsersAction) -> argparse.ArgumentParser:
    from flashcards.config import add_settings_arguments

    parser = sub.add_parser(
        "restore",
        help="replace the collection by a backup (the current one is backed up first)",
        description="Replace the collection by FILE, a backup made by `flashcards backup` or a "
        "daily one. FILE is checked first (a flashcards collection, readable, intact); the "
        "current collection is then copied to the backups folder, so a restore can be undone.",
    )
    parser.add_argument("file", type=Path, metavar="FILE", help="the backup to restore")
    add_settings_arguments(parser)
    return parser


def run(args: argparse.Namespace) -> int:
    from datetime import datetime

    from flashcards.backup import check_collection_file, collection_path, restore
    from flashcards.config import settings_from_args
    from flashcards.store import Store

    settings = settings_from_args(args)
    path = collection_path(settings)
    check_collection_file(args.file)  # before anything is created or changed
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        from flashcards.errors import FlashcardsError

        raise FlashcardsError(f"cannot write {path.parent}: {error.strerror or error}") from None
    with Store(settings.db_url) as store:
        before = restore(store, settings, args.file, datetime.now())
        reviews = len(store.review_log())
    print(f"restored {args.file} ({reviews} reviews); the previous collection is in {before}")
    return 0
