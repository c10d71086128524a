"""SM-2 against FSRS: predictions on a real review log, and the workload of a simulated year.

    .venv/bin/python benchmarks/bench_schedulers.py [--cards 1000] [--write-docs]

1. `flashcards evaluate` on `benchmarks/data/py-fsrs-josh.csv` (a real learner's 12,580
   reviews): log loss, RMSE(bins) and AUC of SM-2, FSRS default and FSRS fitted, and the time
   to fit.
2. A simulated learner studies `--cards` cards for a year (20 new a day, every due card
   reviewed, Good when recalled and Again when not). The learner's memory follows FSRS-6 with
   the parameters fitted to the real log above: it is not the default model either scheduler
   starts from. Each scheduler's intervals are stretched or shrunk by one factor (Anki's
   interval modifier) found by bisection so that the cards learnt are recalled with
   probability 0.90 on average over the year (the learner's true probability, every 7th
   day); the figure is the reviews a day each needs for that same retention. FSRS schedules with its default
   parameters (what a new user starts with) and, as a second row, with the learner's own.

With `--write-docs` the tables replace the part of `docs/scheduling.md` between the markers
`<!-- bench_schedulers -->` and `<!-- /bench_schedulers -->`.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from dataclasses import dataclass
from datetime import UTC, date, timedelta
from datetime import time as day_time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from flashcards.anki_import import study_day  # noqa: E402
from flashcards.evaluation import evaluate, parse_review_csv  # noqa: E402
from flashcards.fsrs_model import (  # noqa: E402
    AGAIN,
    GOOD,
    default_parameters,
    interval_for,
    retrievability,
)
from flashcards.grades import Grade  # noqa: E402
from flashcards.scheduler import ReviewState, schedule  # noqa: E402

LOG = ROOT / "benchmarks" / "data" / "py-fsrs-josh.csv"
DOCS = ROOT / "docs" / "scheduling.md"
RESULTS = ROOT / "benchmarks" / "results" / "bench_schedulers.json"
START, END = "<!-- bench_schedulers -->", "<!-- /bench_schedulers -->"

DAYS = 365
NEW_PER_DAY = 20
TARGET = 0.90


@dataclass
class SimCard:
    true_memory: object = None
    sched_memory: object = None
    sm2: ReviewState = ReviewState()
    last: int = 0
    due: int = 0
    reviews: int = 0


def simulate(kind: str, cards: int, modifier: float, truth, scheduler_params, seed: int = 7):
    """One simulated year: (reviews a day, the mean probability of recall of the cards learnt).

    The probability of recall is the true one (the simulated learner's), of every card seen
    so far, averaged over every 7th day of the year.
    """
    import fsrs_rs_python as lib

    true_model = lib.FSRS(truth)
    sched_model = lib.FSRS(scheduler_params) if kind == "fsrs" else None
    deck = [SimCard() for _ in range(cards)]
    reviews = 0
    recall_sum = recall_n = 0.0
    day0 = date(2025, 1, 1)
    introduced = 0
    for day in range(DAYS):
        for _ in range(NEW_PER_DAY):
            if introduced < cards:
                card = deck[introduced]
                card.due = day
                introduced += 1
        for index in range(introduced):
            card = deck[index]
            if card.due != day:
                continue
            elapsed = day - card.last
            if card.reviews == 0:
                ok = True  # the first view shows the answer: learnt, rated Good
            else:
                p = retrievability(elapsed, card.true_memory.stability, truth)
                # common random numbers: the same card's n-th review draws the same number
                ok = random.Random(seed * 1_000_003 + index * 1009 + card.reviews).random() < p
                reviews += 1
            rating = GOOD if ok else AGAIN
            card.true_memory = _next(true_model, card.true_memory, elapsed, rating)
            if sched_model is not None:
                card.sched_memory = _next(sched_model, card.sched_memory, elapsed, rating)
                wait = interval_for(card.sched_memory.stability, TARGET, scheduler_params)
            else:
                card.sm2 = schedule(
                    card.sm2, Grade.GOOD if ok else Grade.WRONG_REMEMBERED, day0 + timedelta(day)
                )
                wait = card.sm2.interval_days
            card.last = day
            card.due = day + max(1, round(wait * modifier))
            card.reviews += 1
        if day % 7 == 6:
            for card in deck[:introduced]:
                recall_sum += retrievability(day - card.last, card.true_memory.stability, truth)
                recall_n += 1
    return reviews / DAYS, recall_sum / recall_n


def _next(model, memory, elapsed, rating):
    states = model.next_states(memory, TARGET, elapsed)
    return (states.again if rating == AGAIN else states.good).memory


def calibrated(kind: str, cards: int, truth, params) -> dict[str, float]:
    """The interval factor giving 90% retention, and the reviews a day at that factor."""
    low, high = 0.05, 5.0
    for _ in range(12):
        mid = (low * high) ** 0.5
        _, retention = simulate(kind, cards, mid, truth, params)
        if retention > TARGET:
            low = mid  # too easy: wait longer
        else:
            high = mid
    factor = (low * high) ** 0.5
    per_day, retention = simulate(kind, cards, factor, truth, params)
    return {"interval_factor": factor, "reviews_per_day": per_day, "retention": retention}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cards", type=int, default=1000)
    parser.add_argument("--write-docs", action="store_true")
    args = parser.parse_args()

    began = time.perf_counter()
    reviews = parse_review_csv(
        LOG.read_text(), LOG.name, day_of=lambda m: study_day(m, day_time(4), UTC)
    )
    result = evaluate(reviews, clock=time.perf_counter)
    evaluate_seconds = time.perf_counter() - began
    fitted = list(result.fitted_parameters)

    rows = [
        ("SM-2", calibrated("sm2", args.cards, fitted, fitted)),
        ("FSRS, default parameters", calibrated("fsrs", args.cards, fitted, default_parameters())),
        ("FSRS, the learner's parameters", calibrated("fsrs", args.cards, fitted, fitted)),
    ]

    lines = [
        f"On `benchmarks/data/py-fsrs-josh.csv` ({len(reviews):,} reviews of "
        f"{result.cards:,} cards; {result.reviews_scored:,} reviews scored, the first of the "
        "six time-ordered parts being only trained on):",
        "",
        "| scheduler | log loss | RMSE (bins) | AUC |",
        "| --- | ---: | ---: | ---: |",
    ]
    names = {"sm2": "SM-2", "fsrs_default": "FSRS, default", "fsrs_fitted": "FSRS, fitted"}
    for key, s in result.schedulers.items():
        lines.append(f"| {names[key]} | {s.log_loss:.4f} | {s.rmse_bins:.4f} | {s.auc:.4f} |")
    lines += [
        "",
        f"Fitting FSRS took {result.fit_seconds:.2f} s in all (six fits: one per split and one "
        f"on the whole log); the whole evaluation {evaluate_seconds:.1f} s.",
        "",
        f"A simulated year, {args.cards:,} cards (20 new a day), intervals scaled so that the "
        "cards learnt are recalled with probability 0.90 on average over the year; the simulated learner's memory is FSRS-6 with the parameters "
        "fitted to the log above:",
        "",
        "| scheduler | interval factor | reviews a day | retention |",
        "| --- | ---: | ---: | ---: |",
    ]
    for name, row in rows:
        lines.append(
            f"| {name} | {row['interval_factor']:.2f} | {row['reviews_per_day']:.1f} | "
            f"{row['retention']:.3f} |"
        )
    sm2_load = rows[0][1]["reviews_per_day"]
    lines += [
        "",
        f"FSRS with its defaults needs {rows[1][1]['reviews_per_day'] / sm2_load:.2f}× the "
        f"reviews of SM-2 for the same retention; with the learner's own parameters, "
        f"{rows[2][1]['reviews_per_day'] / sm2_load:.2f}×.",
    ]
    table = "\n".join(lines)
    print(table)
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(
        json.dumps(
            {"evaluation": result.as_dict(), "workload": dict(rows), "cards": args.cards},
            indent=2,
        )
    )
    if args.write_docs:
        text = DOCS.read_text()
        head, rest = text.split(START, 1)
        _, tail = rest.split(END, 1)
        DOCS.write_text(f"{head}{START}\n{table}\n{END}{tail}")


if __name__ == "__main__":
    main()
