"""Reviews made in Anki -> the review log: read an Anki export, match its cards, replay them.

Reading uses only the standard library (`zipfile`, `sqlite3`): a `.colpkg`, or an `.apkg`
exported with scheduling, is a zip holding the collection as SQLite, either plain
(`collection.anki21`, `collection.anki2`) or zstd-compressed (`collection.anki21b`, Anki's
default since 2.1.50, read when a zstd module is installed).

Matching: a note's guid is the flashcards note id (see `flashcards.export`), and Anki's card
ordinal gives the card (a cloze's ordinal is its number - 1). Anki's answer buttons map to
SM-2 grades by `GRADES`. Each Anki answer is keyed by its revlog id, which is the time of
the answer in milliseconds; an answer already in the log at that time is not added again.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any

from flashcards.anki_package import collection_bytes
from flashcards.errors import FlashcardsError
from flashcards.grades import Grade
from flashcards.guids import note_id_for_guid
from flashcards.identity import card_id as card_id_of  # variables here are named card_id

#: Anki's answer buttons (revlog `ease`) -> SM-2 quality. Again is a failed recall that the
#: learner recognised once shown (1); Hard, Good and Easy are the three passing grades.
GRADES: dict[int, Grade] = {
    1: Grade.WRONG_REMEMBERED,  # Again
    2: Grade.HARD,  # Hard
    3: Grade.GOOD,  # Good
    4: Grade.PERFECT,  # Easy
}

#: revlog `type`: 0 learning, 1 review, 2 relearning, 3 filtered deck, 4 manual, 5 rescheduled.
#: Manual and rescheduled entries are not answers.
ANSWER_TYPES = frozenset({0, 1, 2, 3})


@dataclass(frozen=True, slots=True)
class AnkiAnswer:
    """One answer from Anki's review log, with the card it belongs to."""

    revlog_id: int  # milliseconds since the epoch: when the answer was given
    guid: str
    anki_ord: int
    cloze: bool
    ease: int  # 1 Again, 2 Hard, 3 Good, 4 Easy
    revlog_type: int
    ivl: int  # the interval Anki gave (days; negative: seconds)
    factor: int  # ease in permille
    time_ms: int  # time taken to answer

    @property
    def ordinal(self) -> int:
        """The flashcards card ordinal (a cloze's ordinal is its number)."""
        return self.anki_ord + 1 if self.cloze else self.anki_ord

    @property
    def card_id(self) -> str:
        """The flashcards card id when the guid is the note's id."""
        return card_id_of(self.guid, self.ordinal)

    @property
    def reviewed_at(self) -> datetime:
        """When the answer was given, in UTC."""
        return datetime.fromtimestamp(self.revlog_id / 1000, UTC)

    @property
    def grade(self) -> Grade:
        return GRADES[self.ease]


@dataclass(frozen=True, slots=True)
class AnkiReviews:
    """What an Anki export holds for the import: every answer, oldest first."""

    answers: tuple[AnkiAnswer, ...]
    notes: int
    cards: int
    source: str  # the collection file read in the package


@dataclass(frozen=True, slots=True)
class ImportPlan:
    """Which answers to add, and why the others are left out."""

    #: (card id, answer), oldest first.
    to_add: tuple[tuple[str, AnkiAnswer], ...]
    already: int = 0  # in the log already (imported before)
    unknown: int = 0  # answers of cards the collection does not have
    not_answers: int = 0  # manual reschedules and other non-answers
    unknown_cards: tuple[str, ...] = field(default=())


@dataclass(frozen=True, slots=True)
class ImportReport:
    """What one import did."""

    added: int
    repeats: int  # added answers logged as same-day repeats (not rescheduling)
    already: int
    unknown: int
    not_answers: int
    cards: int  # cards whose log grew
    source: str


def ms_key(moment: datetime) -> int:
    """A time as whole milliseconds since the epoch (naive times are UTC, as the store keeps)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return round(moment.timestamp() * 1000)


def logged_answers(store: Any) -> set[tuple[str, int]]:
    """(card id, milliseconds) of every row of the store's log, undone ones included: the
    answers an import must not add again. Two columns, not `review_log()`'s whole entries."""
    import sqlalchemy as sa

    from flashcards.store import LOG

    query = sa.select(LOG.c.card_id, LOG.c.reviewed_at)
    return {(card_id, ms_key(when)) for card_id, when in store.select(query)}


def study_day(moment: datetime, day_start: time, tz: Any = None) -> date:
    """The study day an answer belongs to, in local time (`tz`, default the machine's)."""
    return (moment.astimezone(tz) - _day_shift(day_start)).date()


def _day_shift(day_start: time) -> timedelta:
    """How far a study day's start lies after midnight."""
    return timedelta(hours=day_start.hour, minutes=day_start.minute, seconds=day_start.second)


def plan_import(
    answers: Iterable[AnkiAnswer],
    known_cards: set[str],
    logged: set[tuple[str, int]],
    note_ids: Mapping[str, str] | None = None,
) -> ImportPlan:
    """Choose the answers to add: real answers of known cards not logged yet, in time order.

    Args:
        known_cards: the card ids of the collection.
        logged: (card id, milliseconds) of every answer in the log already.
        note_ids: guid -> note id for notes exported under an older id (edited hash-id notes).
    """
    note_ids = note_ids or {}
    to_add: list[tuple[str, AnkiAnswer]] = []
    already = unknown = not_answers = 0
    unknown_cards: dict[str, None] = {}
    seen: set[tuple[str, int]] = set()
    for answer in sorted(answers, key=lambda a: a.revlog_id):
        if answer.ease not in GRADES or answer.revlog_type not in ANSWER_TYPES:
            not_answers += 1
            continue
        card = card_id_of(note_ids.get(answer.guid, answer.guid), answer.ordinal)
        if card not in known_cards and answer.guid not in note_ids:
            # a note imported from Anki (`import-apkg`) has an id that stands for its guid
            card = card_id_of(note_id_for_guid(answer.guid), answer.ordinal)
        if card not in known_cards:
            unknown += 1
            unknown_cards.setdefault(card)
            continue
        key = (card, answer.revlog_id)
        if key in logged or key in seen:
            already += 1
            continue
        seen.add(key)
        to_add.append((card, answer))
    return ImportPlan(tuple(to_add), already, unknown, not_answers, tuple(unknown_cards))


# --- shell: the package file -------------------------------------------------------------------


_ANSWERS_SQL = """
SELECT r.id, n.guid, c.ord, n.mid, r.ease, r.type, r.ivl, r.factor, r.time
FROM revlog r JOIN cards c ON c.id = r.cid JOIN notes n ON n.id = c.nid
ORDER BY r.id
"""


def read_reviews(path: Path) -> AnkiReviews:
    """Every answer in an Anki export, with the guid and ordinal of its card.

    A card's note is a cloze when its note type is flashcards' cloze or of Anki's cloze kind
    (the stock Cloze of decks that came from Anki with `import-apkg`).
    """
    from flashcards.apkg import cloze_notetype_ids
    from flashcards.export import CLOZE_MODEL_ID

    data, name = collection_bytes(Path(path))
    if data[18:20] == b"\x02\x02":  # collection_bytes checked the SQLite header
        # A collection saved in WAL mode (Anki's modern exports): an in-memory database
        # cannot open WAL, so mark the copy as a rollback-journal database.
        data = data[:18] + b"\x01\x01" + data[20:]
    conn = sqlite3.connect(":memory:")
    try:
        try:
            conn.deserialize(data)
            rows = conn.execute(_ANSWERS_SQL).fetchall()
            notes = conn.execute("SELECT count() FROM notes").fetchone()[0]
            cards = conn.execute("SELECT count() FROM cards").fetchone()[0]
            clozes = {CLOZE_MODEL_ID, *cloze_notetype_ids(conn)}
        except sqlite3.DatabaseError as error:
            raise FlashcardsError(f"{path}: the Anki collection cannot be read ({error})") from None
    finally:
        conn.close()
    answers = tuple(
        AnkiAnswer(
            revlog_id=int(rid),
            guid=str(guid),
            anki_ord=int(ord_),
            cloze=int(mid) in clozes,
            ease=int(ease),
            revlog_type=int(rtype),
            ivl=int(ivl),
            factor=int(factor),
            time_ms=int(taken or 0),
        )
        for rid, guid, ord_, mid, ease, rtype, ivl, factor, taken in rows
    )
    return AnkiReviews(answers, int(notes), int(cards), name)


def import_reviews(
    store: Any,
    path: Path,
    *,
    day_start: time = time(4, 0),
    note_ids: Mapping[str, str] | None = None,
    tz: Any = None,
) -> ImportReport:
    """Add the answers of an Anki export that the store's log lacks, replayed in time order.

    Each answer is graded through the store (SM-2) on its own study day; as in the terminal,
    an answer on a day the card is not due by SM-2 is logged as a repeat.

    Args:
        note_ids: guid -> note id for edited hash-id notes (`flashcards.export.guid_map`).
    """
    reviews = read_reviews(path)
    known = set(store.card_ids())
    logged = logged_answers(store)
    plan = plan_import(reviews.answers, known, logged, note_ids)
    repeats = 0
    cards: set[str] = set()
    for card_id, answer in plan.to_add:
        when = answer.reviewed_at
        before = store.state(card_id)
        day = study_day(when, day_start, tz)
        store.grade(
            card_id,
            answer.grade,
            now=when,
            today=day,
            kind="review",
            seconds=answer.time_ms / 1000 if answer.time_ms > 0 else None,
        )
        if before.due is not None and before.due > day:
            repeats += 1
        cards.add(card_id)
    return ImportReport(
        added=len(plan.to_add),
        repeats=repeats,
        already=plan.already,
        unknown=plan.unknown,
        not_answers=plan.not_answers,
        cards=len(cards),
        source=reviews.source,
    )


# --- many answers at once (a whole Anki history) -----------------------------------------------


@dataclass(frozen=True, slots=True)
class Replayed:
    """The review-log rows and final SM-2 states of a planned import, worked out in memory."""

    #: (card id, when, study day, kind, grade, seconds, state before, state after), in order.
    rows: tuple[tuple[str, datetime, date, str, Grade, float | None, Any, Any], ...]
    states: dict[str, Any]  # card id -> its state after its last answer
    repeats: int


def replay(
    plan: ImportPlan,
    states: Mapping[str, Any],
    *,
    day_start: time = time(4, 0),
    tz: Any = None,
) -> Replayed:
    """Replay the planned answers through SM-2, in time order, as `Store.grade` would.

    The same rule as the terminal and `import_reviews`: an answer on a study day the card is
    not due is a repeat and leaves the schedule alone. No fuzz: an import is reproducible.

    Args:
        states: card id -> SM-2 state before the import (cards not in it are new).
    """
    from flashcards.scheduler import ReviewState, schedule

    current: dict[str, Any] = {}
    rows = []
    repeats = 0
    shift = _day_shift(day_start)  # `study_day`, with the shift worked out once
    for card_id, answer in plan.to_add:
        before = current.get(card_id) or states.get(card_id) or ReviewState()
        when = answer.reviewed_at
        day = (when.astimezone(tz) - shift).date()
        if before.due is not None and before.due > day:
            kind, after = "repeat", before
            repeats += 1
        else:
            kind, after = "review", schedule(before, answer.grade, day)
        current[card_id] = after
        seconds = answer.time_ms / 1000 if answer.time_ms > 0 else None
        rows.append((card_id, when, day, kind, answer.grade, seconds, before, after))
    return Replayed(tuple(rows), current, repeats)


def import_history(
    store: Any,
    reviews: AnkiReviews,
    note_ids: Mapping[str, str],
    *,
    day_start: time = time(4, 0),
    tz: Any = None,
    progress: Callable[[int, int], None] | None = None,
) -> ImportReport:
    """Add a whole Anki history to the log in two bulk writes (rows, then states).

    The plan is `plan_import`'s (grades by `GRADES`, answers already logged skipped), the
    replay `replay`'s; only the writing differs from `import_reviews`, which grades answer by
    answer and is too slow for a collection's years of answers.

    Args:
        note_ids: guid -> note id of every imported note.
    """
    from flashcards.store import LogEntry

    known = set(store.card_ids())
    logged = logged_answers(store)
    plan = plan_import(reviews.answers, known, logged, note_ids)
    done = replay(plan, store.studied_states(), day_start=day_start, tz=tz)
    entries: Sequence[LogEntry] = [
        LogEntry(
            id=0,
            card_id=card_id,
            reviewed_at=when,
            study_day=day,
            kind=kind,
            grade=int(grade),
            typed=None,
            verdict=None,
            seconds=seconds,
            before=before,
            after=after,
            leech=False,
            undone=False,
        )
        for card_id, when, day, kind, grade, seconds, before, after in done.rows
    ]
    if progress:
        progress(0, 2)
    store.import_log(entries)
    if progress:
        progress(1, 2)
    store.import_states(done.states)
    if progress:
        progress(2, 2)
    return ImportReport(
        added=len(plan.to_add),
        repeats=done.repeats,
        already=plan.already,
        unknown=plan.unknown,
        not_answers=plan.not_answers,
        cards=len(done.states),
        source=reviews.source,
    )
