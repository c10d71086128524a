"""`flashcards export [PATH...] -o FILE.apkg`: write decks as an Anki package."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TextIO

#: The file in the data folder that keeps the last export's stamp and the guids of notes
#: whose id is a content hash (see flashcards.export.ExportRecord).
STAMP_FILE = "anki-export.json"
#: Exports with fewer notes than this show no progress bar.
PROGRESS_MIN_NOTES = 500

#: What `run` loads first (`flashcards.cli`).
STARTUP_MODULES: tuple[str, ...] = ("flashcards.decks", "flashcards.export")


def add_parser(sub: argparse._SubParsersAction) -> argparse.ArgumentParser:
    from flashcards.config import add_settings_arguments

    parser = sub.add_parser(
        "export",
        help="export decks as an Anki package (.apkg)",
        description="Write decks as an Anki package. Importing a later export into Anki "
        "updates the notes already there instead of adding copies.",
    )
    parser.add_argument(
        "paths",
        nargs="*",
        type=Path,
        metavar="PATH",
        help="deck files or folders (default: the built-in decks)",
    )
    parser.add_argument(
        "-o", "--output", type=Path, required=True, metavar="FILE", help="the .apkg file to write"
    )
    parser.add_argument(
        "--with-progress",
        action="store_true",
        help="carry each card's schedule (due date, interval, ease) into Anki; import the "
        "package in Anki with scheduling included",
    )
    add_settings_arguments(parser)
    return parser


def progress_bar(stream: TextIO, label: str = "Exporting") -> Callable[[int, int], None]:
    """A progress callback drawing one updating line on `stream`."""
    shown = {"percent": -1}

    def update(done: int, total: int) -> None:
        percent = 100 * done // max(total, 1)
        if percent == shown["percent"]:
            return
        shown["percent"] = percent
        width = 30
        filled = width * done // max(total, 1)
        bar = "#" * filled + "." * (width - filled)
        stream.write(f"\r{label} [{bar}] {percent:3d}% {done}/{total}")
        if done >= total:
            stream.write("\n")
        stream.flush()

    return update


def load_states(settings: Any, card_ids: list[str]) -> dict[str, Any]:
    """Each studied card's SM-2 state from the store (new and unsynced cards are left out)."""
    from flashcards.commands.collection import open_collection

    path = settings.db_path
    if path is not None and not path.exists():
        return {}  # no collection yet: nothing studied, and no empty one is created
    with open_collection(settings) as store:
        studied = store.studied_states()
    return {card_id: studied[card_id] for card_id in card_ids if card_id in studied}


def run(args: argparse.Namespace) -> int:
    from flashcards.config import settings_from_args
    from flashcards.decks import builtin_decks_dir, deck_folders, load_decks
    from flashcards.errors import FlashcardsError
    from flashcards.export import write_apkg
    from flashcards.text import plural

    output: Path = args.output
    if output.suffix.lower() != ".apkg":
        raise FlashcardsError(f"{output}: an Anki package must end in .apkg")
    if output.is_dir():
        raise FlashcardsError(f"{output} is a folder; give the .apkg file to write")
    settings = settings_from_args(args)
    paths = args.paths or [builtin_decks_dir()]
    # named as the study app names them (a file inside a deck folder keeps its place)
    decks, problems = load_decks(paths, name_roots=deck_folders(settings))
    if problems:
        for problem in problems[:20]:
            print(problem, file=sys.stderr)
        more = f" (first 20 of {len(problems)} shown)" if len(problems) > 20 else ""
        raise FlashcardsError(
            f"decks have {plural(len(problems), 'problem')}{more}; "
            "fix them (see `flashcards check`) and export again"
        )
    if not any(deck.notes for deck in decks):
        raise FlashcardsError("no cards to export in " + ", ".join(str(p) for p in paths))
    states = None
    if args.with_progress:
        states = load_states(settings, [card.id for deck in decks for card in deck.cards])
    total = sum(len(deck.notes) for deck in decks)
    progress = None
    if sys.stderr.isatty() and total >= PROGRESS_MIN_NOTES:
        progress = progress_bar(sys.stderr)
    report = write_apkg(
        decks,
        output,
        stamp_file=settings.data_dir / STAMP_FILE,
        progress=progress,
        states=states,
    )
    kinds = ", ".join(f"{n} {kind}" for kind, n in report.kinds)
    line = (
        f"Wrote {report.path}: {plural(report.decks, 'deck')}, "
        f"{report.notes} notes ({kinds}), {report.cards} cards"
    )
    if report.media:
        line += f", {plural(report.media, 'image')}"
    if args.with_progress:
        n = report.scheduled
        line += f"; {plural(n, 'card')} with {'its' if n == 1 else 'their'} schedule"
    print(line)
    return 0
