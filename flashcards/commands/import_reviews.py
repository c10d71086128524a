"""`flashcards import-reviews FILE`: add the reviews made in Anki to the review log."""

from __future__ import annotations

import argparse
from pathlib import Path

from flashcards.commands.collection import COLLECTION_MODULES

#: What `run` loads first (`flashcards.cli`).
STARTUP_MODULES = (*COLLECTION_MODULES, "flashcards.anki_import", "flashcards.export")


def add_parser(sub: argparse._SubParsersAction) -> argparse.ArgumentParser:
    from flashcards.config import add_settings_arguments

    parser = sub.add_parser(
        "import-reviews",
        help="bring reviews made in Anki back into the review log",
        description="Read an Anki export (.colpkg, or .apkg exported with scheduling) and add "
        "every answer the review log does not have yet, replayed through SM-2 in time order. "
        "Importing the same file again adds nothing.",
    )
    parser.add_argument("file", type=Path, metavar="FILE", help="the Anki .colpkg or .apkg")
    add_settings_arguments(parser)
    return parser


def run(args: argparse.Namespace) -> int:
    from flashcards.anki_import import import_reviews
    from flashcards.commands.collection import open_collection
    from flashcards.commands.export import STAMP_FILE
    from flashcards.config import settings_from_args
    from flashcards.errors import FlashcardsError
    from flashcards.export import guid_map
    from flashcards.text import plural

    path: Path = args.file
    if not path.exists():
        raise FlashcardsError(f"{path}: no such file")
    settings = settings_from_args(args)
    with open_collection(settings) as store:
        report = import_reviews(
            store,
            path,
            day_start=settings.day_start,
            note_ids=guid_map(settings.data_dir / STAMP_FILE),
        )
    line = f"Added {plural(report.added, 'review')} of {plural(report.cards, 'card')}"
    if report.repeats:
        line += f" ({report.repeats} on days the card was not due: logged as repeats)"
    if report.already:
        line += f"; {report.already} already in the log"
    print(line + ".")
    if not (report.added or report.already or report.unknown or report.not_answers):
        print(
            "The file holds no reviews; in Anki, export a collection package (.colpkg), or a "
            'deck package with "Include scheduling information".'
        )
    if report.unknown:
        print(
            f"{plural(report.unknown, 'review')} of cards not in the "
            "collection were skipped; run `flashcards sync` on their decks first."
        )
    return 0
