"""`flashcards check PATH...`: report every problem in decks, with a summary."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path


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
    return parser


def run(args: argparse.Namespace) -> int:
    from flashcards.checking import check_decks
    from flashcards.decks import builtin_decks_dir

    paths = args.paths or [builtin_decks_dir()]
    report = check_decks(paths, run_examples=not args.no_examples)
    if args.json:
        print(json.dumps(report.as_dict(), indent=2, ensure_ascii=False))
    else:
        for problem in report.problems:
            print(problem)
        kinds = ", ".join(f"{n} {kind}" for kind, n in report.cards.items() if n)
        total = sum(report.cards.values())
        summary = f"{report.decks} deck{'s' * (report.decks != 1)}, {total} cards"
        if kinds:
            summary += f" ({kinds})"
        count = len(report.problems)
        summary += f"; {count} problem{'s' * (count != 1)}" if count else "; no problems"
        print(summary, file=sys.stderr if report.problems else sys.stdout)
    return 0 if report.clean else 1
