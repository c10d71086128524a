"""`flashcards stats [--deck NAME] [--json]`: what was done, what is coming, what is hard.

The words and charts are `flashcards.report`'s, shared with the study app's Stats screen.
"""

from __future__ import annotations

import argparse
import json
from datetime import date
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from flashcards.stats import Stats

from flashcards.commands.collection import COLLECTION_MODULES

#: What `run` loads first (`flashcards.cli`).
STARTUP_MODULES = (*COLLECTION_MODULES, "flashcards.stats")


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date like YYYY-MM-DD") from None


def add_parser(sub: argparse._SubParsersAction) -> argparse.ArgumentParser:
    from flashcards.config import add_settings_arguments

    parser = sub.add_parser(
        "stats",
        help="show review statistics: today, streak, heatmap, forecast, retention",
        description="Show what was studied today and the streak, a heatmap of the past "
        "year, the cards due in the next 30 days, retention over the last 30 days, cards "
        "by state, ease and interval distributions, and the cards lapsed most often.",
    )
    parser.add_argument("--deck", metavar="NAME", help="only this deck and its sub-decks")
    parser.add_argument("--json", action="store_true", help="print the numbers as JSON")
    parser.add_argument(
        "--day",
        type=_day,
        metavar="YYYY-MM-DD",
        help="the statistics as of this study day (default: today)",
    )
    add_settings_arguments(parser)
    return parser


def run(args: argparse.Namespace) -> int:
    import shutil
    import sys
    from datetime import datetime

    from flashcards.commands.collection import open_collection
    from flashcards.config import settings_from_args
    from flashcards.errors import FlashcardsError
    from flashcards.stats import compute_stats, stats_to_json

    settings = settings_from_args(args)
    today = args.day or settings.study_day(datetime.now())
    with open_collection(settings) as store:
        if args.deck and not store.deck_exists(args.deck):
            names = store.decks()
            known = f"; decks: {', '.join(names)}" if names else " (no decks yet)"
            raise FlashcardsError(f"no deck named {args.deck!r}{known}")
        stats = compute_stats(store, today, args.deck)
    if args.json:
        print(json.dumps(stats_to_json(stats), indent=2, ensure_ascii=False))
        return 0
    tty = sys.stdout.isatty()
    width = shutil.get_terminal_size((80, 24)).columns if tty else 80
    from flashcards.report import report

    print(report(stats, width=width, colors=tty, macros=deck_macros(stats)))
    return 0


def deck_macros(stats: Stats) -> dict[str, dict[str, str]]:
    """The LaTeX macros of the hardest cards' deck files, by path (none for a file not read)."""
    from pathlib import Path

    from flashcards.decks import load_deck

    found: dict[str, dict[str, str]] = {}
    for path in {h.path for h in stats.hardest}:
        deck, _ = load_deck(Path(path))
        if deck is not None and deck.macros:
            found[path] = deck.macro_map
    return found
