"""FSRS, the Free Spaced Repetition Scheduler, through the `fsrs-rs-python` library.

The model itself (memory states, the forgetting curve, the optimizer) is the library's; this
module turns our plain data into its items and back, and holds the one table that maps the
app's SM-2 grades (0-5) to FSRS's four ratings. The library is imported inside the functions
that use it, so nothing here loads it until FSRS is asked for.

FSRS ratings are Anki's buttons: 1 Again, 2 Hard, 3 Good, 4 Easy.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from flashcards.errors import FlashcardsError

if TYPE_CHECKING:  # pragma: no cover
    import fsrs_rs_python

#: FSRS's four ratings (Anki's answer buttons).
AGAIN, HARD, GOOD, EASY = 1, 2, 3, 4

#: An SM-2 grade (0-5) as an FSRS rating: 0-2 Again, 3 Hard, 4 Good, 5 Easy. The table of
#: `docs/scheduling.md`; it is the inverse of `flashcards.anki_import.GRADES` on 1-4.
SM2_TO_FSRS: dict[int, int] = {0: AGAIN, 1: AGAIN, 2: AGAIN, 3: HARD, 4: GOOD, 5: EASY}

#: The fewest reviews on a later day than the card's previous one (the reviews FSRS learns
#: from) that `fit_parameters` accepts: below this the optimizer only echoes the defaults.
MIN_REVIEWS_TO_FIT = 400

#: The default desired retention: the probability of recall FSRS schedules each review for.
DEFAULT_DESIRED_RETENTION = 0.9


#: The SM-2 grade the log records for each FSRS button (the study app's keys 1-4 under
#: FSRS): 1 Again -> 1, 2 Hard -> 3, 3 Good -> 4, 4 Easy -> 5. Its inverse is `SM2_TO_FSRS`
#: (`SM2_TO_FSRS[FSRS_TO_SM2[r]] == r`), so a replay reads back the button that was pressed.
FSRS_TO_SM2: dict[int, int] = {AGAIN: 1, HARD: 3, GOOD: 4, EASY: 5}

#: The names of the four buttons.
RATING_NAMES: dict[int, str] = {AGAIN: "Again", HARD: "Hard", GOOD: "Good", EASY: "Easy"}


def fsrs_rating(grade: int) -> int:
    """The FSRS rating of an SM-2 grade (0-5), by `SM2_TO_FSRS`."""
    try:
        return SM2_TO_FSRS[int(grade)]
    except KeyError:
        raise ValueError(f"an SM-2 grade is 0-5, not {grade!r}") from None


@dataclass(frozen=True, slots=True)
class Step:
    """One review of a card as FSRS sees it: the rating and the days since the previous one."""

    rating: int
    #: Whole study days since the card's previous review (0 for the first, and on the same day).
    elapsed_days: int


@dataclass(frozen=True, slots=True)
class Memory:
    """A card's FSRS memory state."""

    #: Days until the probability of recall falls to 90%.
    stability: float
    #: 1 (easy) to 10 (hard).
    difficulty: float


def _library() -> fsrs_rs_python:
    try:
        import fsrs_rs_python
    except ImportError:  # pragma: no cover - it is a dependency; a broken install says so
        raise FlashcardsError(
            "FSRS needs the fsrs-rs-python package: pip install fsrs-rs-python"
        ) from None
    return fsrs_rs_python


def default_parameters() -> list[float]:
    """FSRS's default parameters (fitted by its authors on many Anki users' reviews)."""
    return list(_library().DEFAULT_PARAMETERS)


def decay(parameters: Sequence[float]) -> float:
    """The exponent of the forgetting curve: the last parameter (FSRS-6)."""
    return float(parameters[20]) if len(parameters) > 20 else 0.5


def retrievability(elapsed_days: float, stability: float, parameters: Sequence[float]) -> float:
    """FSRS-6's probability of recall after `elapsed_days`: (1 + f t / S)^-d, 0.9 at t = S."""
    d = decay(parameters)
    factor = 0.9 ** (-1 / d) - 1
    return (1 + factor * max(0.0, elapsed_days) / stability) ** -d


def interval_for(stability: float, desired_retention: float, parameters: Sequence[float]) -> float:
    """The days after which the probability of recall is `desired_retention` (the inverse)."""
    d = decay(parameters)
    factor = 0.9 ** (-1 / d) - 1
    return stability / factor * (desired_retention ** (-1 / d) - 1)


def _item(steps: Sequence[Step]) -> fsrs_rs_python.FSRSItem:
    lib = _library()
    return lib.FSRSItem([lib.FSRSReview(s.rating, s.elapsed_days) for s in steps])


def memory_histories(
    histories: Sequence[Sequence[Step]], parameters: Sequence[float]
) -> list[list[Memory]]:
    """For each card's steps, its memory state after each step (one batch call)."""
    lib = _library()
    model = lib.FSRS(list(parameters))
    items = [_item(steps) for steps in histories]
    states = model.historical_memory_state_batch(items) if items else []
    return [[Memory(s.stability, s.difficulty) for s in card] for card in states]


def memory_after(steps: Sequence[Step], parameters: Sequence[float]) -> Memory | None:
    """A card's memory state after its steps; None for a card never reviewed."""
    if not steps:
        return None
    return memory_histories([steps], parameters)[0][-1]


def training_items(histories: Sequence[Sequence[Step]]) -> list[Sequence[Step]]:
    """What FSRS learns from: each prefix of a card's steps that ends on a later day."""
    items: list[Sequence[Step]] = []
    for steps in histories:
        for end in range(1, len(steps)):
            if steps[end].elapsed_days > 0:
                items.append(steps[: end + 1])
    return items


def fit_parameters(histories: Sequence[Sequence[Step]]) -> list[float]:
    """FSRS parameters fitted to the cards' steps by the library's optimizer.

    Raises `FlashcardsError` (saying how many are needed) below `MIN_REVIEWS_TO_FIT`.
    """
    items = training_items(histories)
    if len(items) < MIN_REVIEWS_TO_FIT:
        raise FlashcardsError(
            f"too few reviews to fit FSRS: {len(items)} on a later day than the card's "
            f"previous review, and at least {MIN_REVIEWS_TO_FIT} are needed"
        )
    lib = _library()
    model = lib.FSRS(default_parameters())
    return [float(w) for w in model.compute_parameters([_item(i) for i in items])]


def library_log_loss(histories: Sequence[Sequence[Step]], parameters: Sequence[float]) -> float:
    """The library's own log loss of `parameters` on the cards' steps (a cross-check)."""
    items = training_items(histories)
    lib = _library()
    return float(lib.FSRS(list(parameters)).evaluate([_item(i) for i in items]).log_loss)


@dataclass(frozen=True, slots=True)
class FsrsSettings:
    """What FSRS schedules with: the parameters and the desired retention."""

    parameters: tuple[float, ...]
    desired_retention: float = DEFAULT_DESIRED_RETENTION


def next_memory(
    memory: Memory | None, rating: int, elapsed_days: int, parameters: Sequence[float]
) -> Memory:
    """The memory state after one review rated `rating`, `elapsed_days` after the previous."""
    lib = _library()
    current = None if memory is None else lib.MemoryState(memory.stability, memory.difficulty)
    states = lib.FSRS(list(parameters)).next_states(current, 0.9, max(0, elapsed_days))
    chosen = {AGAIN: states.again, HARD: states.hard, GOOD: states.good, EASY: states.easy}[rating]
    return Memory(chosen.memory.stability, chosen.memory.difficulty)


def review_interval(memory: Memory, settings: FsrsSettings, max_days: int) -> int:
    """Whole days until the probability of recall falls to the desired retention (1 or more)."""
    days = interval_for(memory.stability, settings.desired_retention, settings.parameters)
    return max(1, min(max_days, round(days)))
