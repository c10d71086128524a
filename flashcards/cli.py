"""The `flashcards` command line: one subcommand per module in `flashcards.commands`.

Each command module exposes `add_parser(subparsers)` and `run(args) -> int`, and imports
nothing heavy at module level (sympy, genanki, textual, sqlmodel load inside `run`), so
`flashcards --help` and start-up stay fast.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from flashcards.errors import FlashcardsError, printable

#: Command modules under `flashcards.commands`, in the order `--help` lists them.
COMMANDS = (
    "study",
    "quiz",
    "check",
    "answer",
    "sync",
    "due",
    "stats",
    "export",
    "import_reviews",
    "backup",
    "restore",
    "config",
)

DEFAULT_COMMAND = "study"


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with every available command."""
    parser = argparse.ArgumentParser(
        prog="flashcards",
        description="Spaced-repetition flashcards and concept quizzes for the terminal.",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMANDS:
        try:
            module = importlib.import_module(f"flashcards.commands.{name}")
        except ModuleNotFoundError as error:
            if error.name == f"flashcards.commands.{name}":
                continue  # command not built yet
            raise
        command_parser = module.add_parser(sub)
        command_parser.set_defaults(run=module.run)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    args_list = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser()
    if not args_list or (args_list[0].startswith("-") and args_list[0] not in ("-h", "--help")):
        args_list.insert(0, DEFAULT_COMMAND)
    args = parser.parse_args(args_list)
    run = getattr(args, "run", None)
    if run is None:
        parser.print_help()
        return 2
    try:
        return int(run(args) or 0)
    except FlashcardsError as error:
        print(f"flashcards: {printable(str(error))}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0


if __name__ == "__main__":
    sys.exit(main())
