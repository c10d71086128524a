"""`flashcards check PATH...`: report every problem in decks, with a summary."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

#: What `run` loads first (`flashcards.cli`).
STARTUP_MODULES: tuple[str, ...] = ("flashcards.decks", "flashcards.checking")


def add_parser(sub: argparse._SubParsersAction) -> argparse.ArgumentParser:
    parser = sub.add_parser(
        "check",
        help="check decks and report every problem as file:line:col",
        description="Check deck files and folders: every problem as path:line:col: message, "
        "math cards' accept/reject examples run through the answer checker, and a summary.",
    )
    parser.add_argument(
        "paths",
        nargs="*",
        type=Path,
        metavar="PATH",
        help="deck files or folders (default: the built-in decks)",
    )
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    parser.add_argument(
        "--no-examples", action="store_true", help="do not run math cards' examples"
    )
    from flashcards.config import add_settings_arguments

    add_settings_arguments(parser)
    return parser


def learner_accepted(args: argparse.Namespace, decks: list) -> list[dict[str, object]]:
    """Answers learners accepted for these decks' math cards, for the author to review.

    Read from the collection only when one exists: checking decks never creates one.
    """
    from flashcards.config import settings_from_args, sqlite_path

    settings = settings_from_args(args)
    path = sqlite_path(settings.db_url)
    if path is not None and not path.exists():
        return []
    from flashcards.commands.collection import open_collection

    where = {
        card.id: (deck.path, note.line, "accept:" if note.math is not None else "alternatives:")
        for deck in decks
        for note in deck.notes
        if note.math is not None or note.text is not None
        for card in note.cards
    }
    store = open_collection(settings)
    try:
        accepted = store.accepted_answers()
    finally:
        store.close()
    return [
        {
            "path": str(where[a.card_id][0]),
            "line": where[a.card_id][1],
            "text": a.text,
            "key": where[a.card_id][2],
        }
        for a in accepted
        if a.card_id in where
    ]


def run(args: argparse.Namespace) -> int:
    from flashcards.checking import check_decks
    from flashcards.decks import builtin_decks_dir

    paths = args.paths or [builtin_decks_dir()]
    report = check_decks(paths, run_examples=not args.no_examples)
    accepted = learner_accepted(args, report.decks_checked)
    if args.json:
        data = report.as_dict()
        if accepted:
            data["accepted"] = accepted
        print(json.dumps(data, indent=2, ensure_ascii=False))
    else:
        for problem in report.problems:
            print(problem)
        for item in accepted:
            print(
                f"{item['path']}:{item['line']}:1: note: a learner accepted `{item['text']}`; "
                f"add it to `{item['key']}` if it is right"
            )
        kinds = ", ".join(f"{n} {kind}" for kind, n in report.cards.items() if n)
        total = sum(report.cards.values())
        summary = f"{report.decks} deck{'s' * (report.decks != 1)}, "
        summary += f"{total} card{'s' * (total != 1)} as written"
        if kinds:
            summary += f" ({kinds})"
        # reversible and cloze entries give several cards to study (what `stats` counts)
        studied = sum(len(deck.cards) for deck in report.decks_checked)
        if studied != total:
            summary += f", {studied} to study"
        count = len(report.problems)
        summary += f"; {count} problem{'s' * (count != 1)}" if count else "; no problems"
        warnings = sum(p.warning for p in report.problems)
        if warnings:
            summary += f" ({warnings} warning{'s' * (warnings != 1)})"
        print(summary, file=sys.stderr if report.problems else sys.stdout)
    return 0 if report.clean else 1
