"""`flashcards quiz [PATH...] [--count N] [--tag T] [--seed S]`: a practice round, off the schedule."""

from __future__ import annotations

import argparse

#: Empty: the app pauses the garbage collector until its first screen itself.
STARTUP_MODULES: tuple[str, ...] = ()


def add_parser(sub: argparse._SubParsersAction) -> argparse.ArgumentParser:
    from flashcards.commands.study import add_paths_and_tag
    from flashcards.config import add_settings_arguments

    parser = sub.add_parser(
        "quiz",
        help="a practice round of random cards, scored; never changes the schedule",
        description="Draw N cards at random from the decks, whatever their due dates, answer "
        "each, and see the score by deck and kind with the missed cards. Practice answers are "
        "logged as practice and never change the review schedule.",
    )
    add_paths_and_tag(parser)
    parser.add_argument("--count", type=int, default=20, metavar="N", help="cards (default 20)")
    parser.add_argument("--seed", type=int, metavar="S", help="seed of the random draw")
    add_settings_arguments(parser)
    return parser


def run(args: argparse.Namespace) -> int:
    from flashcards.commands.study import open_app

    return open_app(args, quiz=True, count=args.count, seed=args.seed)
