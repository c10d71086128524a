"""`flashcards due [--json]`: new, repeat and review cards due today, per deck and in total."""

from __future__ import annotations

import argparse
import json

from flashcards.commands.collection import COLLECTION_MODULES

#: What `run` loads first (`flashcards.cli`).
STARTUP_MODULES = COLLECTION_MODULES


def add_parser(sub: argparse._SubParsersAction) -> argparse.ArgumentParser:
    from flashcards.config import add_settings_arguments

    parser = sub.add_parser(
        "due",
        help="show the cards due today per deck",
        description="Show, per deck, the new cards, same-day repeats and reviews due today "
        "within the daily limits, and the totals. Run `flashcards sync` first to load decks.",
    )
    parser.add_argument("--json", action="store_true", help="print the counts as JSON")
    add_settings_arguments(parser)
    return parser


def run(args: argparse.Namespace) -> int:
    from datetime import datetime

    from flashcards.commands.collection import open_collection
    from flashcards.config import settings_from_args

    settings = settings_from_args(args)
    today = settings.study_day(datetime.now())
    with open_collection(settings) as store:
        summary = store.due_summary(today, settings.limits)
        # in the decks' file order, as the study app lists them and new cards come
        place = {name: i for i, name in enumerate(store.decks())}
    ordered = sorted(summary.decks, key=lambda c: (place.get(c.deck, len(place)), c.deck))
    rows = [(c.deck, c.new, c.repeat, c.review) for c in ordered]
    total = summary.total
    if args.json:
        print(as_json(today.isoformat(), rows, (total.new, total.repeat, total.review)))
        return 0
    if not rows:
        print("nothing due today (no cards yet? run `flashcards sync`)")
        return 0
    width = max(len("deck"), *(len(d) for d, *_ in rows))
    print(f"{'deck':<{width}}  {'new':>5}  {'repeat':>6}  {'review':>6}")
    for deck, new, repeat, review in rows:
        print(f"{deck:<{width}}  {new:>5}  {repeat:>6}  {review:>6}")
    print(f"{'total':<{width}}  {total.new:>5}  {total.repeat:>6}  {total.review:>6}")
    return 0


def as_json(day: str, rows: list[tuple[str, int, int, int]], total: tuple[int, int, int]) -> str:
    """The counts as a JSON document, one deck a line (a collection may have 1,000 decks:
    the standard library's indenting encoder, written in Python, took longer than the
    counts themselves)."""

    def counts(new: int, repeat: int, review: int) -> str:
        return f'"new": {new}, "repeat": {repeat}, "review": {review}'

    decks = ",\n".join(
        f'    {{"deck": {json.dumps(deck, ensure_ascii=False)}, {counts(*numbers)}}}'
        for deck, *numbers in rows
    )
    listed = f"[\n{decks}\n  ]" if rows else "[]"
    return f'{{\n  "day": "{day}",\n  "decks": {listed},\n  "total": {{{counts(*total)}}}\n}}'
