"""The `flashcards` command line: one subcommand per module in `flashcards.commands`.

Each command module exposes `add_parser(subparsers)` and `run(args) -> int`, and imports
nothing heavy at module level (sympy, genanki, textual, sqlmodel load inside `run`), so
`flashcards --help` and start-up stay fast. Each also lists in `STARTUP_MODULES` the heavy
modules its `run` needs every time: the `flashcards` program loads them before `run`, with
the garbage collector paused (`flashcards.collector`).
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
    "serve",
    "check",
    "answer",
    "sync",
    "due",
    "suspended",
    "stats",
    "export",
    "import_reviews",
    "import_apkg",
    "evaluate",
    "optimize",
    "backup",
    "restore",
    "config",
)

DEFAULT_COMMAND = "study"


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    """The argument parser with every command, or with just the command `only`.

    Building one command's parser imports one command module: start-up stays short.
    """
    parser = argparse.ArgumentParser(
        prog="flashcards",
        description="Spaced-repetition flashcards and concept quizzes for the terminal.",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in (only,) if only else COMMANDS:
        module = importlib.import_module(f"flashcards.commands.{name}")
        command_parser = module.add_parser(sub)
        command_parser.set_defaults(run=module.run)
    return parser


def command_module(args: Sequence[str]) -> str | None:
    """The command module the arguments name (the default when they start with an option)."""
    if not args or (args[0].startswith("-") and args[0] not in ("-h", "--help")):
        return DEFAULT_COMMAND
    name = args[0].replace("-", "_")
    return name if name in COMMANDS else None


def program() -> int:
    """The `flashcards` program: the command line in a process of its own."""
    return main(program=True)


def main(argv: Sequence[str] | None = None, *, program: bool = False) -> int:
    """Run the command line; returns the exit status.

    Args:
        program: this process runs the one command (the `flashcards` program), so its
            start-up pauses the garbage collector; a caller sharing its process, such as a
            test, leaves it False and the collector alone.
    """
    from flashcards import collector

    if program:
        collector.pause()
    try:
        args_list = list(sys.argv[1:] if argv is None else argv)
        only = command_module(args_list)
        parser = build_parser(only)
        if only == DEFAULT_COMMAND and (not args_list or args_list[0].startswith("-")):
            args_list.insert(0, DEFAULT_COMMAND)
        args = parser.parse_args(args_list)
        run = getattr(args, "run", None)
        if run is None:
            parser.print_help()
            return 2
        try:
            if program:
                module = importlib.import_module(f"flashcards.commands.{only}")
                for name in module.STARTUP_MODULES:
                    importlib.import_module(name)
                collector.resume()
            return int(run(args) or 0)
        except FlashcardsError as error:
            print(f"flashcards: {printable(str(error))}", file=sys.stderr)
            return 1
        except KeyboardInterrupt:
            return 130
        except BrokenPipeError:
            return 0
    finally:
        if program:
            collector.resume()


if __name__ == "__main__":
    sys.exit(program())
