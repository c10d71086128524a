"""`flashcards sync [PATH...]`: load decks into the collection, keeping every card's history."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TextIO

from flashcards.commands.collection import COLLECTION_MODULES

#: What `run` loads first (`flashcards.cli`).
STARTUP_MODULES = (*COLLECTION_MODULES, "flashcards.decks", "flashcards.sync")


def add_parser(sub: argparse._SubParsersAction) -> argparse.ArgumentParser:
    from flashcards.config import add_settings_arguments

    parser = sub.add_parser(
        "sync",
        help="load decks into the collection (new, edited and removed cards)",
        description="Load deck files and folders into the collection: new cards are added, "
        "edited ones keep their history, removed ones are marked removed (and come back with "
        "their history when restored). Unchanged files are skipped. Deck files are never "
        "written to.",
    )
    parser.add_argument(
        "paths",
        nargs="*",
        type=Path,
        metavar="PATH",
        help="deck files or folders (default: the built-in decks and the configured folders)",
    )
    parser.add_argument(
        "--force", action="store_true", help="parse every file, even those that did not change"
    )
    parser.add_argument("-q", "--quiet", action="store_true", help="print only problems")
    add_settings_arguments(parser)
    return parser


def _progress_printer(stream: TextIO) -> Callable[[int, int], None] | None:
    """A progress callback drawing a one-line bar on a terminal; None when not a terminal."""
    if not stream.isatty():
        return None

    def show(done: int, total: int) -> None:
        if total < 200:
            return  # small syncs are instant: no bar
        width = 30
        filled = width * done // max(total, 1)
        stream.write(f"\rsyncing [{'#' * filled}{'.' * (width - filled)}] {done}/{total}")
        stream.flush()
        if done >= total:
            stream.write("\n")

    return show


def run(args: argparse.Namespace) -> int:
    from flashcards.commands.collection import open_collection
    from flashcards.config import settings_from_args
    from flashcards.decks import deck_folders, load_decks
    from flashcards.sync import sync_paths

    settings = settings_from_args(args)
    name_roots = deck_folders(settings)
    paths = list(args.paths) or name_roots
    progress = None if args.quiet else _progress_printer(sys.stderr)

    def load(roots):
        # parsing is the slow part of a first sync: the bar follows the files
        return load_decks(roots, progress=progress, name_roots=name_roots)

    with open_collection(settings) as store:
        report = sync_paths(store, paths, load=load, force=args.force)
    for problem in report.problems:
        print(problem, file=sys.stderr)
    if not args.quiet:
        if report.decks_synced or report.problems:
            print(report.summary())
        else:
            print(f"nothing changed ({report.files_skipped} files as at the last sync)")
    return 1 if report.problems else 0
