"""`flashcards evaluate [FILE.csv] [--json]`: how well each scheduler predicts recall."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

#: What `run` loads first (`flashcards.cli`).
STARTUP_MODULES: tuple[str, ...] = ("flashcards.evaluation",)


def add_parser(sub: argparse._SubParsersAction) -> argparse.ArgumentParser:
    from flashcards.config import add_settings_arguments

    parser = sub.add_parser(
        "evaluate",
        help="score SM-2 and FSRS on a review log",
        description="Replay a review log in time order and score each scheduler's predicted "
        "probability of recall at every review on a later day than the card's previous one: "
        "SM-2, FSRS with its default parameters, and FSRS fitted to the log (time-series "
        "splits: a fit never sees the reviews it is scored on). Without FILE, the collection's "
        "own log. See docs/scheduling.md.",
    )
    parser.add_argument(
        "file",
        type=Path,
        nargs="?",
        metavar="FILE.csv",
        help="a review log (columns card_id, review_rating 1-4, review_time, review_duration)",
    )
    parser.add_argument("--json", action="store_true", help="print the scores as JSON")
    parser.add_argument(
        "--export-log",
        type=Path,
        metavar="FILE.csv",
        help="write the collection's review log in that format, and evaluate nothing",
    )
    parser.add_argument(
        "--timezone",
        metavar="ZONE",
        default="UTC",
        help="time zone of FILE's study days, e.g. Europe/Paris (default: UTC)",
    )
    add_settings_arguments(parser)
    return parser


def run(args: argparse.Namespace) -> int:
    from flashcards.config import settings_from_args
    from flashcards.errors import FlashcardsError
    from flashcards.evaluation import evaluate, from_store_log, parse_review_csv, review_csv

    settings = settings_from_args(args)
    if args.file is not None and args.export_log is not None:
        raise FlashcardsError("give FILE.csv or --export-log, not both")
    if args.file is not None:
        from flashcards.anki_import import study_day

        zone = _zone(args.timezone)
        try:
            text = args.file.read_text(encoding="utf-8")
        except OSError as error:
            raise FlashcardsError(f"{args.file}: {error.strerror or error}") from None
        except UnicodeDecodeError:
            raise FlashcardsError(f"{args.file}: not a UTF-8 text file") from None
        reviews = parse_review_csv(
            text, str(args.file), day_of=lambda m: study_day(m, settings.day_start, zone)
        )
    else:
        from flashcards.commands.collection import open_collection

        with open_collection(settings) as store:
            reviews = from_store_log(store.review_log(include_undone=False))
        if args.export_log is not None:
            args.export_log.write_text(review_csv(reviews), encoding="utf-8")
            print(f"Wrote {len(reviews)} reviews to {args.export_log}.")
            return 0
    import time

    result = evaluate(reviews, clock=time.perf_counter)
    if args.json:
        print(json.dumps(result.as_dict(), indent=2))
        return 0
    print(f"{result.reviews_scored} reviews of {result.cards} cards scored.")
    print(f"{'scheduler':<14}  {'log loss':>8}  {'RMSE(bins)':>10}  {'AUC':>6}")
    for name, s in result.schedulers.items():
        print(f"{name:<14}  {s.log_loss:>8.4f}  {s.rmse_bins:>10.4f}  {s.auc:>6.4f}")
    print("Lower log loss and RMSE are better; higher AUC is better.")
    return 0


def _zone(name: str):  # noqa: ANN202 - a tzinfo
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    from flashcards.errors import FlashcardsError

    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise FlashcardsError(f"unknown time zone {name!r} (e.g. UTC, Europe/Paris)") from None
