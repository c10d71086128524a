"""`flashcards serve [--host H] [--port P]`: the study app in a browser (a phone's too)."""

from __future__ import annotations

import argparse

#: What `run` loads first (`flashcards.cli`).
STARTUP_MODULES: tuple[str, ...] = ("flashcards.serving",)


def add_parser(sub: argparse._SubParsersAction) -> argparse.ArgumentParser:
    from flashcards.config import add_settings_arguments

    parser = sub.add_parser(
        "serve",
        help="serve the study app to a browser",
        description="Serve the study app with textual-serve, so that a browser (a phone on "
        "the same network too) can study. It binds to 127.0.0.1 unless told otherwise; any "
        "other address needs a password, from FLASHCARDS_SERVE_PASSWORD or `serve_password` "
        "in the settings file. The traffic is plain HTTP. See docs/study.md.",
    )
    parser.add_argument("paths", nargs="*", metavar="PATH", help="deck files or folders")
    parser.add_argument(
        "--host", default="127.0.0.1", help="address to bind (default: 127.0.0.1, this machine)"
    )
    parser.add_argument("--port", type=int, default=8000, help="port (default: 8000)")
    add_settings_arguments(parser)
    return parser


def run(args: argparse.Namespace) -> int:
    import os

    from flashcards.config import settings_from_args
    from flashcards.errors import FlashcardsError
    from flashcards.serving import PASSWORD_ENV, check_binding, make_server, study_command

    settings = settings_from_args(args)
    password = os.environ.get(PASSWORD_ENV) or settings.serve_password
    check_binding(args.host, password)
    if not 0 < args.port < 65536:
        raise FlashcardsError(f"--port must be 1-65535, not {args.port}")
    # the study app each browser gets sees the same collection and settings as this command
    argv = [str(p) for p in args.paths]
    for option, value in (("--config", args.config), ("--data-dir", args.data_dir)):
        if value is not None:
            argv += [option, str(value)]
    if args.db is not None:
        argv += ["--db", args.db]
    server = make_server(study_command(argv), args.host, args.port, password)
    try:
        server.serve()
    except OSError as error:
        raise FlashcardsError(
            f"cannot serve on {args.host}:{args.port}: {error.strerror or error}"
        ) from None
    return 0
