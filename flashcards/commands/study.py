"""`flashcards study [PATH...] [--tag T]`: daily reviews in the terminal (the default command)."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path
from typing import Any

#: Empty: the app pauses the garbage collector until its first screen itself.
STARTUP_MODULES: tuple[str, ...] = ()


def add_parser(sub: argparse._SubParsersAction) -> argparse.ArgumentParser:
    from flashcards.config import add_settings_arguments

    parser = sub.add_parser(
        "study",
        help="study today's cards in the terminal (the default command)",
        description="Open the study app on the built-in decks and the configured deck folders, "
        "or on the given deck files and folders.",
    )
    add_paths_and_tag(parser)
    add_settings_arguments(parser)
    return parser


def add_paths_and_tag(parser: argparse.ArgumentParser) -> None:
    """The arguments `study` and `quiz` share."""
    parser.add_argument(
        "paths",
        nargs="*",
        type=Path,
        metavar="PATH",
        help="deck files or folders (default: the built-in decks and the configured folders)",
    )
    parser.add_argument("--tag", metavar="T", help="only cards with this tag")
    # Used by benchmarks/bench_startup.py: exit once the first screen with content is drawn.
    parser.add_argument("--exit-after-first-screen", action="store_true", help=argparse.SUPPRESS)


def run(args: argparse.Namespace) -> int:
    return open_app(args, quiz=False)


def open_app(
    args: argparse.Namespace, *, quiz: bool, count: int = 20, seed: int | None = None
) -> int:
    """Open the collection and run the study app on it."""
    from flashcards.config import settings_from_args
    from flashcards.decks import deck_folders
    from flashcards.errors import FlashcardsError

    settings = settings_from_args(args)
    if args.paths:
        missing = [p for p in args.paths if not p.exists()]
        if missing:
            raise FlashcardsError(f"{missing[0]}: no such deck file or folder")
        roots = [p.absolute() for p in args.paths]
    else:
        roots = deck_folders(settings)
    if count < 1:
        raise FlashcardsError("--count must be 1 or more")

    from flashcards import collector

    # The app's start-up lasts until its first screen is drawn (`flashcards.collector`).
    collector.pause()
    try:
        return _run_app(args, settings, roots, quiz=quiz, count=count, seed=seed)
    finally:
        collector.resume()


def _run_app(
    args: argparse.Namespace,
    settings: Any,
    roots: list[Path],
    *,
    quiz: bool,
    count: int,
    seed: int | None,
) -> int:
    from datetime import datetime

    from flashcards import collector
    from flashcards.commands.collection import open_collection
    from flashcards.decks import deck_folders
    from tui.app import FlashcardsApp, StudyOptions

    # Decks inside the deck folders keep the names the folders give them, however opened.
    name_roots = deck_folders(settings)
    # Parses kept from one load to the next: after an edit only the changed file is parsed.
    parsed: dict[Any, Any] = {}

    def load(progress: Any = None) -> tuple[list[Any], list[Any]]:
        from flashcards.decks import load_decks

        return load_decks(roots, progress, parsed, name_roots)

    today = settings.study_day(datetime.now())
    options = StudyOptions(
        tag=args.tag,
        quiz=quiz,
        count=count,
        seed=seed,
        only_loaded=bool(args.paths),
    )
    # The day's backup is taken by the app once its first screen is drawn.
    store = open_collection(settings, backup=False)

    def backup(warn: Callable[[str], None]) -> None:
        from flashcards.backup import daily_backup

        daily_backup(store, settings, warn=warn)

    try:
        # With paths, the first frame lists the decks stored from them; the files are read
        # after it.
        stored = store.decks_under(roots) if args.paths else ()
        app = FlashcardsApp(
            store,
            None,
            (),
            today=today,
            settings=settings,
            options=options,
            deck_loader=load,
            roots=roots,
            exit_after_first_screen=args.exit_after_first_screen,
            daily_backup=backup,
            on_first_screen=collector.resume,
            stored_decks=stored,
        )
        app.run()
    finally:
        store.close()
    return int(app.return_code or 0)
