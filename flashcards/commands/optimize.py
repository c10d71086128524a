"""`flashcards optimize [--deck D]`: fit FSRS's parameters to the learner's own reviews."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from typing import TextIO

from flashcards.commands.collection import COLLECTION_MODULES

#: The phases the progress bar steps through.
PHASES = ("reading the review log", "scoring the parameters in force", "fitting", "scoring the fit")

#: What `run` loads first (`flashcards.cli`).
STARTUP_MODULES = (*COLLECTION_MODULES, "flashcards.evaluation")


def add_parser(sub: argparse._SubParsersAction) -> argparse.ArgumentParser:
    from flashcards.config import add_settings_arguments

    parser = sub.add_parser(
        "optimize",
        help="fit FSRS's parameters to your own reviews",
        description="Fit FSRS's parameters to the collection's review log (or one deck's, "
        "with its sub-decks), store them with the date and the number of reviews used, and "
        "print the log loss of the parameters in force before and of the fit after, on the "
        "same reviews. Decks scheduled by FSRS use the fit from then on. See "
        "docs/scheduling.md.",
    )
    parser.add_argument(
        "--deck", metavar="D", help="fit to this deck and its sub-decks only (stored for them)"
    )
    add_settings_arguments(parser)
    return parser


def progress_printer(stream: TextIO) -> Callable[[int, str], None]:
    """A one-line bar of the phases on `stream` (a line a phase when not a terminal)."""
    tty = stream.isatty()

    def show(done: int, phase: str) -> None:
        width = 20
        filled = width * done // len(PHASES)
        bar = f"optimize [{'#' * filled}{'.' * (width - filled)}] {done}/{len(PHASES)} {phase}"
        if tty:
            stream.write(f"\r\x1b[K{bar}")
            if done == len(PHASES):
                stream.write("\n")
        else:
            stream.write(bar + "\n")
        stream.flush()

    return show


def run(args: argparse.Namespace) -> int:
    from datetime import datetime

    import sqlalchemy as sa

    from flashcards.commands.collection import open_collection
    from flashcards.config import settings_from_args
    from flashcards.errors import FlashcardsError
    from flashcards.evaluation import from_store_log, histories, steps_of
    from flashcards.fsrs_model import (
        default_parameters,
        fit_parameters,
        library_log_loss,
        training_items,
    )
    from flashcards.store import CARDS, FittedParameters, deck_condition
    from flashcards.store.scheduling import parameters_for

    settings = settings_from_args(args)
    progress = progress_printer(sys.stderr)
    deck = args.deck or ""
    with open_collection(settings) as store:
        if deck and not store.deck_exists(deck):
            raise FlashcardsError(f"no deck {deck!r} in the collection")
        progress(0, PHASES[0])
        entries = store.review_log(include_undone=False)
        if deck:
            chosen = {
                r.id for r in store.select(sa.select(CARDS.c.id).where(deck_condition([deck])))
            }
            entries = [e for e in entries if e.card_id in chosen]
        cards = list(histories(from_store_log(entries)).values())
        steps = [steps_of(h) for h in cards]
        reviews = len(training_items(steps))
        # the parameters in force for the deck: its own fit, a parent's, the collection's
        previous = parameters_for(store.fitted_parameters(), deck)
        before = previous.parameters if previous else tuple(default_parameters())
        progress(1, PHASES[1])
        loss_before = library_log_loss(steps, before) if reviews else None
        progress(2, PHASES[2])
        fitted = tuple(fit_parameters(steps))  # refuses, saying how many are needed
        progress(3, PHASES[3])
        loss_after = library_log_loss(steps, fitted)
        today = settings.study_day(datetime.now().astimezone())
        # the one write, at the end: a fit killed before it leaves the old parameters in force
        replayed = store.save_fitted_parameters(
            FittedParameters(deck, fitted, today, reviews, loss_after)
        )
        progress(4, "done")
    where = f"deck {deck!r} and its sub-decks" if deck else "the collection"
    print(f"Fitted FSRS to {reviews} reviews of {len(cards)} cards in {where} ({today}).")
    if previous is None:
        source = "default parameters"
    elif previous.deck == deck:
        source = f"fitted on {previous.fitted_on} parameters"
    else:
        owner = f"deck {previous.deck!r}" if previous.deck else "the collection"
        source = f"{owner}'s parameters fitted on {previous.fitted_on}, in force here"
    print(f"log loss before ({source}): {loss_before:.4f}")
    print(f"log loss after (fitted parameters):  {loss_after:.4f}")
    if store.scheduling.uses_fsrs:
        print(f"Rescheduled {replayed} cards scheduled by FSRS with the fit.")
    else:
        print('The fit is used by decks with scheduler = "fsrs" in the settings.')
    return 0
