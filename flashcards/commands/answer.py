"""`flashcards answer EXPECTED GIVEN`: check one typed answer and print the verdict."""

from __future__ import annotations

import argparse
import json
import math
import re
import sys

from flashcards.cards import ANSWER_FORMS, ANSWER_MODES

#: Exit statuses: accepted, rejected (wrong, wrong form, timeout), unreadable.
EXIT_ACCEPTED, EXIT_REJECTED, EXIT_UNREADABLE = 0, 1, 2

#: What `run` loads first (`flashcards.cli`).
STARTUP_MODULES: tuple[str, ...] = ("flashcards.answers",)


def _seconds(text: str) -> float:
    """A --timeout value: a positive, finite number of seconds."""
    from flashcards.answers import usable_timeout

    try:
        seconds = float(text)
    except ValueError:
        seconds = math.nan
    if not usable_timeout(seconds):
        raise argparse.ArgumentTypeError(f"{text!r} is no positive number of seconds")
    return seconds


def add_parser(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:
    """Register the `answer` command."""
    parser = subparsers.add_parser(
        "answer",
        help="check a typed math answer against an expected one",
        description=(
            "Check GIVEN against EXPECTED (plain math or LaTeX) and print the verdict and "
            "how GIVEN was read. Exit status: 0 accepted, 1 rejected, 2 unreadable."
        ),
    )
    # Every option here is long (--define): an argument starting with one `-` is a negative
    # answer (-x^2, -1000*log(10)), not an unknown option. argparse tells the two apart with
    # this matcher (it already lets plain negative numbers through).
    parser._negative_number_matcher = re.compile(r"^-[^-]")
    parser.add_argument("expected", metavar="EXPECTED", help="the right answer")
    parser.add_argument("given", metavar="GIVEN", help="the answer to check")
    parser.add_argument(
        "--define",
        action="append",
        default=[],
        metavar="DEF",
        help="a definition such as 'sigma(x) = 1/(1+e^(-x))' (repeatable)",
    )
    parser.add_argument(
        "--assume",
        action="append",
        default=[],
        metavar="ASSUMPTION",
        help="an assumption such as 'x > 0' or 'n positive integer' (repeatable)",
    )
    parser.add_argument(
        "--names",
        action="append",
        default=[],
        metavar="NAME",
        help="multi-letter names kept whole, comma-separated (repeatable)",
    )
    parser.add_argument(
        "--mode",
        default="expression",
        choices=ANSWER_MODES,
        help="how answers are compared (default: expression)",
    )
    parser.add_argument("--form", choices=ANSWER_FORMS, help="a required form")
    parser.add_argument("--rel-tol", type=float, metavar="X", help="relative tolerance")
    parser.add_argument("--abs-tol", type=float, metavar="X", help="absolute tolerance")
    parser.add_argument(
        "--sig-figs",
        type=int,
        metavar="N",
        help="accept a number that agrees with the expected value at N significant figures",
    )
    parser.add_argument(
        "--timeout", type=_seconds, default=2.0, metavar="S", help="seconds (default: 2)"
    )
    parser.add_argument("--json", action="store_true", help="print the verdict as JSON")
    return parser


def run(args: argparse.Namespace) -> int:
    """Check the answer; print the verdict; return the exit status."""
    from flashcards.answers import Status, check_answer

    names = tuple(n.strip() for group in args.names for n in group.split(",") if n.strip())
    verdict = check_answer(
        args.expected,
        args.given,
        definitions=tuple(args.define),
        assumptions=tuple(args.assume),
        names=names,
        mode=args.mode,
        form=args.form,
        rel_tol=args.rel_tol,
        abs_tol=args.abs_tol,
        sig_figs=args.sig_figs,
        timeout=args.timeout,
    )
    if args.json:
        json.dump(verdict.as_dict(), sys.stdout, ensure_ascii=False)
        sys.stdout.write("\n")
    else:
        if verdict.reading:
            print(f"read as: {verdict.reading}")
        print(f"{verdict.status}: {verdict.feedback}")
        if verdict.hint:
            print(f"hint: {verdict.hint}")
    if verdict.accepted:
        return EXIT_ACCEPTED
    return EXIT_UNREADABLE if verdict.status is Status.UNREADABLE else EXIT_REJECTED
