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
import zipfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any

from flashcards.errors import FlashcardsError
from flashcards.grades import Grade
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

#: Collection files in an Anki package, preferred first (newer packages also hold an old-format
#: placeholder that only says to update Anki).
COLLECTION_FILES = ("collection.anki21b", "collection.anki21", "collection.anki2")

#: Refuse collections larger than this once decompressed (a guard against zip bombs).
MAX_COLLECTION_BYTES = 2 * 1024**3

_ZSTD_MAGIC = b"\x28\xb5\x2f\xfd"


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


def study_day(moment: datetime, day_start: time, tz: Any = None) -> date:
    """The study day an answer belongs to, in local time (`tz`, default the machine's)."""
    local = moment.astimezone(tz)
    shift = timedelta(hours=day_start.hour, minutes=day_start.minute, seconds=day_start.second)
    return (local - shift).date()


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


def _zstd_decompress(data: bytes) -> bytes:
    """Decompress a zstd frame with whichever zstd module is installed."""
    decompress = None
    try:
        from compression import zstd  # type: ignore[import-not-found]  # Python 3.14+

        decompress = zstd.decompress
    except ImportError:
        try:
            import zstandard  # type: ignore[import-not-found]

            def decompress(data: bytes) -> bytes:
                return zstandard.ZstdDecompressor().decompressobj().decompress(data)

        except ImportError:
            pass
    if decompress is not None:
        try:
            return bytes(decompress(data))
        except Exception as error:  # each module has its own error type
            raise FlashcardsError(f"the compressed collection is damaged ({error})") from None
    raise FlashcardsError(
        "this Anki export is in the compressed format of Anki 2.1.50 and later; export it "
        'again with "Support older Anki versions" ticked, or install the `zstandard` package'
    )


def collection_bytes(path: Path) -> tuple[bytes, str]:
    """The SQLite collection inside an Anki package, and the name of the file it came from."""
    try:
        archive = zipfile.ZipFile(path)
    except FileNotFoundError:
        raise FlashcardsError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise FlashcardsError(f"{path} is a folder, not an Anki export") from None
    except zipfile.BadZipFile:
        raise FlashcardsError(f"{path}: not an Anki export (.colpkg or .apkg)") from None
    except OSError as error:
        raise FlashcardsError(f"{path}: cannot read it: {error.strerror or error}") from None
    with archive:
        names = set(archive.namelist())
        name = next((n for n in COLLECTION_FILES if n in names), None)
        if name is None:
            raise FlashcardsError(f"{path}: no Anki collection inside; is it an Anki export?")
        info = archive.getinfo(name)
        if info.file_size > MAX_COLLECTION_BYTES:
            raise FlashcardsError(f"{path}: the collection is too large to import")
        try:
            data = archive.read(name)
        except (zipfile.BadZipFile, OSError, EOFError) as error:
            raise FlashcardsError(f"{path}: the file is damaged ({error})") from None
    if data.startswith(_ZSTD_MAGIC):
        data = _zstd_decompress(data)
    if not data.startswith(b"SQLite format 3\x00"):
        raise FlashcardsError(f"{path}: the collection inside is damaged (not an SQLite file)")
    return data, name


_ANSWERS_SQL = """
SELECT r.id, n.guid, c.ord, n.mid, r.ease, r.type, r.ivl, r.factor, r.time
FROM revlog r JOIN cards c ON c.id = r.cid JOIN notes n ON n.id = c.nid
ORDER BY r.id
"""


def read_reviews(path: Path) -> AnkiReviews:
    """Every answer in an Anki export, with the guid and ordinal of its card."""
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
        except sqlite3.DatabaseError as error:
            raise FlashcardsError(f"{path}: the Anki collection cannot be read ({error})") from None
    finally:
        conn.close()
    answers = tuple(
        AnkiAnswer(
            revlog_id=int(rid),
            guid=str(guid),
            anki_ord=int(ord_),
            cloze=int(mid) == CLOZE_MODEL_ID,
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
    logged = {(entry.card_id, ms_key(entry.reviewed_at)) for entry in store.review_log()}
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
