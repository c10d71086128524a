"""How well each scheduler predicts recall on a review log: pure functions over plain data.

A review log is replayed in time order. At every review of a card on a later study day than
its previous review, each scheduler predicts the probability that the card is recalled, and
the prediction is scored against what happened (recalled unless the rating is Again). Reviews
on the same day as the card's previous one (learning steps, same-day repeats) are not scored,
since SM-2 schedules in whole days and has nothing to say about them; they still count in
each card's history, as the schedulers see them.

The schedulers:
- `sm2`: the app's SM-2, replayed on the first review of each study day (later reviews on the
  same day are the app's same-day repeats, which leave the state alone), with the SM-2 grade
  of each rating from `flashcards.anki_import.GRADES`. Its prediction is the FSRS benchmark's
  SM-2 baseline: an exponential forgetting curve on which the SM-2 interval is the time of 90%
  recall, p = 0.9 ** (elapsed days / interval).
- `fsrs_default`: FSRS-6 with its default parameters.
- `fsrs_fitted`: FSRS-6 with parameters fitted to the log itself, under time-series splits:
  the scored reviews are cut by time into `splits + 1` equal parts; part k is predicted by
  parameters fitted on the reviews before part k began, so no fit sees what it is scored on.
  Part 0 is never scored, by any scheduler: all three are scored on the same reviews.

The scores (lower is better for the first two):
- `log_loss`: mean binary cross-entropy, predictions clipped to [1e-4, 1 - 1e-4];
- `rmse_bins`: the FSRS benchmark's RMSE over bins: reviews grouped by elapsed days, review
  number and lapses (each on a geometric scale), then the root mean squared difference between
  each group's mean prediction and its recall rate, weighted by the group's size;
- `auc`: the area under the ROC curve (how well predictions rank recalled above forgotten).
"""

from __future__ import annotations

import csv
import io
import math
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Protocol

from flashcards.errors import FlashcardsError
from flashcards.fsrs_model import AGAIN, EASY, Step

#: Columns of a review log file (the format of py-fsrs's published logs).
CSV_COLUMNS = ("card_id", "review_rating", "review_time", "review_duration")

#: Predictions are clipped to this distance from 0 and 1 before the log loss.
CLIP = 1e-4

#: Time-series splits for the fitted model (as the FSRS benchmark's TimeSeriesSplit).
DEFAULT_SPLITS = 5

SCHEDULERS = ("sm2", "fsrs_default", "fsrs_fitted")


@dataclass(frozen=True, slots=True)
class LoggedReview:
    """One answer of a review log, as every scheduler reads it."""

    card: str
    moment: datetime
    #: The study day of the answer (the day start applied).
    day: date
    #: FSRS's rating: 1 Again, 2 Hard, 3 Good, 4 Easy.
    rating: int
    duration_ms: int = 0


@dataclass(frozen=True, slots=True)
class Scores:
    log_loss: float
    rmse_bins: float
    auc: float

    def as_dict(self) -> dict[str, float]:
        return {"log_loss": self.log_loss, "rmse_bins": self.rmse_bins, "auc": self.auc}


@dataclass(frozen=True, slots=True)
class Evaluation:
    reviews_scored: int
    cards: int
    schedulers: Mapping[str, Scores]
    #: Seconds spent fitting FSRS, over all splits.
    fit_seconds: float = 0.0
    #: The parameters fitted on the whole log (what `optimize` would store).
    fitted_parameters: Sequence[float] = field(default_factory=tuple)

    def as_dict(self) -> dict[str, object]:
        return {
            "reviews_scored": self.reviews_scored,
            "cards": self.cards,
            "schedulers": {name: s.as_dict() for name, s in self.schedulers.items()},
            "fit_seconds": self.fit_seconds,
        }


def parse_review_csv(
    text: str, source: str, *, day_of: Callable[[datetime], date]
) -> list[LoggedReview]:
    """The reviews of a CSV review log; a bad row raises `FlashcardsError` as `file:line: ...`."""
    reader = csv.DictReader(io.StringIO(text))
    missing = [c for c in CSV_COLUMNS[:3] if c not in (reader.fieldnames or ())]
    if missing:
        raise FlashcardsError(
            f"{source}:1: a review log needs the columns {', '.join(CSV_COLUMNS)}; "
            f"missing {', '.join(missing)}"
        )
    reviews = []
    for line, row in enumerate(reader, start=2):
        try:
            rating = int(row["review_rating"])
            if not AGAIN <= rating <= EASY:
                raise ValueError("rating")
        except (TypeError, ValueError):
            raise FlashcardsError(
                f"{source}:{line}: review_rating must be 1-4, not {row['review_rating']!r}"
            ) from None
        try:
            moment = datetime.fromisoformat(row["review_time"] or "")
        except ValueError:
            raise FlashcardsError(
                f"{source}:{line}: review_time must be an ISO 8601 time, not {row['review_time']!r}"
            ) from None
        if moment.tzinfo is None:
            raise FlashcardsError(f"{source}:{line}: review_time has no time zone (add +00:00)")
        duration = row.get("review_duration") or "0"
        try:
            duration_ms = int(float(duration))
        except ValueError:
            raise FlashcardsError(
                f"{source}:{line}: review_duration must be milliseconds, not {duration!r}"
            ) from None
        card = (row["card_id"] or "").strip()
        if not card:
            raise FlashcardsError(f"{source}:{line}: card_id is empty")
        reviews.append(LoggedReview(card, moment, day_of(moment), rating, duration_ms))
    return reviews


def review_csv(reviews: Iterable[LoggedReview]) -> str:
    """A review log as CSV text in the format `parse_review_csv` reads."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for r in reviews:
        writer.writerow((r.card, r.rating, r.moment.isoformat(), r.duration_ms))
    return out.getvalue()


def histories(reviews: Iterable[LoggedReview]) -> dict[str, list[LoggedReview]]:
    """Each card's reviews in time order."""
    by_card: dict[str, list[LoggedReview]] = defaultdict(list)
    for r in reviews:
        by_card[r.card].append(r)
    for card in by_card.values():
        card.sort(key=lambda r: r.moment)
    return dict(by_card)


def steps_of(history: Sequence[LoggedReview]) -> list[Step]:
    """A card's reviews as FSRS steps (whole study days since the previous review)."""
    steps = []
    previous: date | None = None
    for r in history:
        steps.append(Step(r.rating, 0 if previous is None else (r.day - previous).days))
        previous = r.day
    return steps


@dataclass(frozen=True, slots=True)
class Scored:
    """A review that is scored: where it is in its card's history, and what happened."""

    card: str
    #: The review's place in its card's history (0 is the first review).
    index: int
    moment: datetime
    recalled: bool
    elapsed_days: int
    #: Failed reviews on a later day than the one before, before this one.
    lapses: int


def scored_reviews(by_card: Mapping[str, Sequence[LoggedReview]]) -> list[Scored]:
    """Every review on a later study day than its card's previous review, in time order."""
    out = []
    for card, history in by_card.items():
        lapses = 0
        for i in range(1, len(history)):
            elapsed = (history[i].day - history[i - 1].day).days
            if elapsed > 0:
                out.append(
                    Scored(card, i, history[i].moment, history[i].rating > AGAIN, elapsed, lapses)
                )
                lapses += history[i].rating == AGAIN
    out.sort(key=lambda s: (s.moment, s.card))
    return out


def sm2_predictions(history: Sequence[LoggedReview]) -> dict[int, float]:
    """SM-2's probability of recall at each review after the card's first study day."""
    from flashcards.anki_import import GRADES
    from flashcards.scheduler import ReviewState, schedule

    state = ReviewState()
    last_day: date | None = None
    out: dict[int, float] = {}
    for i, r in enumerate(history):
        if last_day is not None and r.day == last_day:
            continue  # a same-day repeat: SM-2's state stays as the day's first review left it
        if last_day is not None:
            elapsed = (r.day - last_day).days
            out[i] = 0.9 ** (elapsed / max(1, state.interval_days))
        state = schedule(state, GRADES[r.rating], r.day)
        last_day = r.day
    return out


def fsrs_predictions(
    by_card: Mapping[str, Sequence[LoggedReview]], parameters: Sequence[float]
) -> dict[tuple[str, int], float]:
    """FSRS's probability of recall at every review after a card's first, by (card, index)."""
    from flashcards.fsrs_model import memory_histories, retrievability

    cards = list(by_card)
    all_steps = [steps_of(by_card[c]) for c in cards]
    states = memory_histories(all_steps, parameters)
    out: dict[tuple[str, int], float] = {}
    for card, steps, memory in zip(cards, all_steps, states, strict=True):
        for i in range(1, len(steps)):
            out[card, i] = retrievability(
                steps[i].elapsed_days, memory[i - 1].stability, parameters
            )
    return out


def before(
    by_card: Mapping[str, Sequence[LoggedReview]], moment: datetime
) -> dict[str, list[LoggedReview]]:
    """The log as it stood just before `moment`."""
    cut = {c: [r for r in h if r.moment < moment] for c, h in by_card.items()}
    return {c: h for c, h in cut.items() if h}


def evaluate(
    reviews: Sequence[LoggedReview],
    *,
    splits: int = DEFAULT_SPLITS,
    clock: Callable[[], float] | None = None,
    fit: Callable[[Sequence[Sequence[Step]]], list[float]] | None = None,
) -> Evaluation:
    """Score SM-2, FSRS with its defaults and FSRS fitted (see the module's docstring)."""
    from flashcards.fsrs_model import default_parameters, fit_parameters

    fit = fit or fit_parameters
    by_card = histories(reviews)
    scored = scored_reviews(by_card)
    parts = _parts(len(scored), splits + 1)
    if len(parts) < 2:
        raise FlashcardsError(
            f"too few reviews to evaluate: {len(scored)} on a later day than the card's "
            f"previous review, and at least {2 * (splits + 1)} are needed"
        )
    tested = [s for start, end in parts[1:] for s in scored[start:end]]

    sm2: dict[tuple[str, int], float] = {}
    for card, history in by_card.items():
        for i, p in sm2_predictions(history).items():
            sm2[card, i] = p
    default = fsrs_predictions(by_card, default_parameters())

    fitted: dict[tuple[str, int], float] = {}
    tick = clock or (lambda: 0.0)
    fit_seconds = 0.0
    for start, end in parts[1:]:
        history_then = before(by_card, scored[start].moment)
        began = tick()
        parameters = fit([steps_of(h) for h in history_then.values()])
        fit_seconds += tick() - began
        predicted = fsrs_predictions(by_card, parameters)
        for s in scored[start:end]:
            fitted[s.card, s.index] = predicted[s.card, s.index]
    began = tick()
    overall = fit([steps_of(h) for h in by_card.values()])
    fit_seconds += tick() - began

    def score(predictions: Mapping[tuple[str, int], float]) -> Scores:
        p = [predictions[s.card, s.index] for s in tested]
        return Scores(
            log_loss([s.recalled for s in tested], p),
            rmse_bins(tested, p),
            auc([s.recalled for s in tested], p),
        )

    return Evaluation(
        reviews_scored=len(tested),
        cards=len(by_card),
        schedulers={
            "sm2": score(sm2),
            "fsrs_default": score(default),
            "fsrs_fitted": score(fitted),
        },
        fit_seconds=fit_seconds,
        fitted_parameters=tuple(overall),
    )


def _parts(n: int, k: int) -> list[tuple[int, int]]:
    """`n` items cut into `k` consecutive parts of (nearly) equal size, as TimeSeriesSplit."""
    if n < 2 * k:
        return []
    size = n // k
    first = n - size * (k - 1)  # TimeSeriesSplit gives the remainder to the training part
    bounds = [(0, first)] + [(first + j * size, first + (j + 1) * size) for j in range(k - 1)]
    return bounds


def log_loss(recalled: Sequence[bool], p: Sequence[float]) -> float:
    """Mean binary cross-entropy, in nats."""
    total = 0.0
    for y, q in zip(recalled, p, strict=True):
        q = min(1 - CLIP, max(CLIP, q))
        total -= math.log(q) if y else math.log(1 - q)
    return total / len(p)


def _geometric_bin(x: float, base: float, scale: float, digits: int) -> float:
    return round(scale * base ** math.floor(math.log(x) / math.log(base)), digits)


def rmse_bins(scored: Sequence[Scored], p: Sequence[float]) -> float:
    """The FSRS benchmark's RMSE(bins) (see the module's docstring)."""
    groups: dict[tuple[float, float, float], list[float]] = defaultdict(lambda: [0.0, 0.0, 0])
    for s, q in zip(scored, p, strict=True):
        key = (
            _geometric_bin(s.elapsed_days, 3.62, 2.48, 2),
            _geometric_bin(s.index + 1, 1.89, 1.99, 0),
            _geometric_bin(s.lapses, 1.73, 1.65, 0) if s.lapses else 0.0,
        )
        g = groups[key]
        g[0] += s.recalled
        g[1] += q
        g[2] += 1
    squared = sum(n * (y / n - q / n) ** 2 for y, q, n in groups.values())
    return math.sqrt(squared / len(p))


def auc(recalled: Sequence[bool], p: Sequence[float]) -> float:
    """Area under the ROC curve: the chance a recalled review is ranked above a forgotten one.

    Ties count one half (the Mann-Whitney statistic with average ranks); 0.5 when either
    outcome is missing.
    """
    positives = sum(recalled)
    negatives = len(recalled) - positives
    if not positives or not negatives:
        return 0.5
    order = sorted(range(len(p)), key=lambda i: p[i])
    rank_sum = 0.0
    i = 0
    while i < len(order):
        j = i
        while j + 1 < len(order) and p[order[j + 1]] == p[order[i]]:
            j += 1
        average_rank = (i + j) / 2 + 1
        rank_sum += average_rank * sum(recalled[order[k]] for k in range(i, j + 1))
        i = j + 1
    return (rank_sum - positives * (positives + 1) / 2) / (positives * negatives)


class LogRow(Protocol):
    """What `from_store_log` reads of a review-log entry of the store."""

    card_id: str
    reviewed_at: datetime
    study_day: date
    kind: str
    grade: int
    seconds: float | None
    undone: bool


def from_store_log(entries: Iterable[LogRow]) -> list[LoggedReview]:
    """The app's own review log as `LoggedReview`s: its kept review and repeat rows.

    Quiz answers (kind "practice") never move a schedule and undone rows never happened,
    so neither is evaluated. Grades map to FSRS ratings by `SM2_TO_FSRS`.
    """
    from flashcards.fsrs_model import fsrs_rating

    return [
        LoggedReview(
            e.card_id,
            e.reviewed_at,
            e.study_day,
            fsrs_rating(e.grade),
            round((e.seconds or 0) * 1000),
        )
        for e in entries
        if not e.undone and e.kind in ("review", "repeat")
    ]
