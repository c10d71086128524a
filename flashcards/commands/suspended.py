"""`flashcards suspended [--unsuspend CARD...] [--all]`: list suspended cards, let them come again."""

from __future__ import annotations

import argparse

from flashcards.commands.collection import COLLECTION_MODULES

#: What `run` loads first (`flashcards.cli`).
STARTUP_MODULES = COLLECTION_MODULES


def add_parser(sub: argparse._SubParsersAction) -> argparse.ArgumentParser:
    from flashcards.config import add_settings_arguments

    parser = sub.add_parser(
        "suspended",
        help="list suspended cards (`!` in the study app, leeches), or unsuspend them",
        description="List the suspended cards (suspended with `!` while studying, or as "
        "leeches), with their deck file and line. --unsuspend lets the given cards come "
        "again; --all unsuspends every listed card (of one deck with --deck).",
    )
    parser.add_argument(
        "--unsuspend", nargs="+", metavar="CARD", default=[], help="card ids to unsuspend"
    )
    parser.add_argument("--all", action="store_true", help="unsuspend every suspended card")
    parser.add_argument("--deck", metavar="D", help="only this deck and its sub-decks")
    add_settings_arguments(parser)
    return parser


def run(args: argparse.Namespace) -> int:
    from flashcards.commands.collection import open_collection
    from flashcards.config import settings_from_args
    from flashcards.errors import FlashcardsError
    from flashcards.text import plural

    settings = settings_from_args(args)
    with open_collection(settings) as store:
        if args.deck and not store.deck_exists(args.deck):
            raise FlashcardsError(f"no deck named {args.deck!r} (see `flashcards due`)")
        cards = store.suspended_cards([args.deck] if args.deck else None)
        if args.unsuspend or args.all:
            listed = {c.id for c in cards}
            ids = [c.id for c in cards] if args.all else args.unsuspend
            unknown = [i for i in ids if i not in listed]
            if unknown:
                raise FlashcardsError(
                    f"{unknown[0]}: not a suspended card (see `flashcards suspended`)"
                )
            for card_id in ids:
                store.unsuspend(card_id)
            print(f"unsuspended {plural(len(ids), 'card')}: they come again from today")
            return 0
    if not cards:
        print("no suspended cards")
        return 0
    width = max(len(c.id) for c in cards)
    for c in cards:
        print(f"{c.id:<{width}}  {c.deck}  {c.source_path}:{c.line}  lapses {c.state.lapses}")
    print(f"{len(cards)} suspended; `flashcards suspended --unsuspend CARD` lets one come again")
    return 0
