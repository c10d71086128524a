"""Today's queue and due counts, in SQL.

The rules are `flashcards.today.plan_today` (the tests hold these queries to it); here they
are index scans stopped by LIMIT, with shortcuts for speed: notes seen today are skipped in
Python rather than with a `NOT IN` on every row, seen notes of one card are counted from
today's log rows, and the statements are built once with `today` as a parameter.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import sqlalchemy as sa

from flashcards.config import Limits
from flashcards.grades import SAME_DAY_OK
from flashcards.session import DeckCounts, combined, subdeck_range
from flashcards.store.connection import Prepared, raw_rows, serial_plans
from flashcards.store.tables import (
    CARDS,
    DECKS,
    LOG,
    SEVERAL_KINDS,
    TAGS,
    chunks,
)


@dataclass(frozen=True, slots=True)
class DueSummary:
    """Due counts per deck and in total (the global limits apply to the total)."""

    decks: tuple[DeckCounts, ...]
    total: DeckCounts


@dataclass(frozen=True, slots=True)
class TodayLog:
    """What today's review-log rows say about today's queue."""

    #: Per deck, (new cards, reviews) studied today (kind "review", not undone).
    studied: Mapping[str, tuple[int, int]]
    #: Notes with a card reviewed or repeated today: their siblings wait until tomorrow.
    seen_notes: frozenset[str]
    #: (card id, deck) of today's same-day repeats, in the order of their last grade.
    repeats: tuple[tuple[str, str], ...]
    #: Per deck, seen notes of one card whose card is new (due NULL) and may come today.
    seen_new: Mapping[str, int]
    #: Per deck, seen notes of one card whose card is due today and may come.
    seen_review: Mapping[str, int]
    #: Seen notes of several cards (reversible, cloze): their siblings are looked up.
    seen_multi_notes: frozenset[str]


def deck_condition(decks: Sequence[str]) -> Any:
    """The card is in one of `decks` or in one of their sub-decks: `session.in_decks` in
    SQL, over the same `session.subdeck_range`."""
    return sa.or_(*(_in_deck(d, *subdeck_range(d)) for d in decks))


def _in_deck(deck: str, low: str, high: str) -> Any:
    return sa.or_(CARDS.c.deck == deck, sa.and_(CARDS.c.deck > low, CARDS.c.deck < high))


def active(today: Any) -> tuple[Any, ...]:
    """The card may come on study day `today` (a date or a bound parameter): not removed,
    not suspended, not buried past it."""
    return (
        CARDS.c.removed == sa.false(),
        CARDS.c.suspended == sa.false(),
        sa.or_(CARDS.c.buried_until.is_(None), CARDS.c.buried_until <= today),
    )


def _tag_condition(tags: Sequence[str]) -> Any:
    """The card's note has one of `tags`."""
    return CARDS.c.note_id.in_(sa.select(TAGS.c.note_id).where(TAGS.c.tag.in_(list(tags))))


def _deck_caps(
    limits: Limits, deck_names: Sequence[str], studied: Mapping[str, tuple[int, int]]
) -> tuple[dict[str, int], dict[str, int]]:
    """The per-deck new and review caps left today, for decks with their own limits."""
    new_caps: dict[str, int] = {}
    review_caps: dict[str, int] = {}
    if not limits.per_deck:
        return new_caps, review_caps  # no deck has limits of its own (1,000 lookups spared)
    for deck in deck_names:
        deck_limits = limits.for_deck(deck)
        done_new, done_review = studied.get(deck, (0, 0))
        if deck_limits.new_per_day is not None:
            new_caps[deck] = max(0, deck_limits.new_per_day - done_new)
        if deck_limits.reviews_per_day is not None:
            review_caps[deck] = max(0, deck_limits.reviews_per_day - done_review)
    return new_caps, review_caps


def _first_per_note(rows: list[Any], skip_notes: set[str], limit: int) -> list[Any]:
    """The first `limit` rows (note id last) whose note is not in `skip_notes` and did not
    come in an earlier row; in C-level passes, since there may be 20,000 rows."""
    notes = [row[-1] for row in rows]
    if skip_notes.isdisjoint(notes) and len(set(notes)) == len(notes):
        return rows[:limit]  # no sibling and no note seen today among them
    # each note -> the index of its first row (a later pair in the reversed list wins)
    first = dict(zip(reversed(notes), range(len(notes) - 1, -1, -1), strict=True))
    for note in skip_notes.intersection(first):
        del first[note]
    return [rows[i] for i in sorted(first.values())[:limit]]


# Today's queue and due counts, built once with `today` as a parameter (a statement of many
# parts costs as much to build as to run on a small collection).
_TODAY = sa.bindparam("today", type_=sa.Date)
_ACTIVE = active(_TODAY)
_TODAY_LOG = Prepared(
    # Tests rather than the strings they test where that is enough: the driver's making
    # of a string object per value was a third of this query's time.
    sa.select(
        LOG.c.id,
        LOG.c.card_id,
        LOG.c.kind == "review",
        LOG.c.grade,
        LOG.c.before_due.is_(None),
        CARDS.c.note_id,
        CARDS.c.deck,
        # whether the card may come back as a same-day repeat: in a deck file, not suspended
        sa.and_(CARDS.c.removed == sa.false(), CARDS.c.suspended == sa.false()),
        # not `in_`: its list is expanded into the SQL text at every run
        sa.or_(*(CARDS.c.kind == kind for kind in SEVERAL_KINDS)),
        # whether the card counts today (new or due, active, not buried), as the database
        # compares dates
        sa.and_(*_ACTIVE, CARDS.c.due.is_(None)),
        sa.and_(*_ACTIVE, CARDS.c.due <= _TODAY),
    )
    .select_from(LOG.join(CARDS, CARDS.c.id == LOG.c.card_id))
    .where(
        LOG.c.study_day == _TODAY,
        LOG.c.undone == sa.false(),
        # not `in_`: its list is expanded into the SQL text at every run
        sa.or_(LOG.c.kind == "review", LOG.c.kind == "repeat"),
    )
)


def _note_count_parts(when: Any) -> list[sa.Select]:
    """(deck, notes) of the active cards meeting `when`, per deck: a plain count over the
    cards of notes of one card, count(DISTINCT note_id) over each kind of several cards."""
    parts = [
        sa.select(CARDS.c.deck, sa.func.count())
        .where(*_ACTIVE, when, *(CARDS.c.kind != kind for kind in SEVERAL_KINDS))
        .group_by(CARDS.c.deck)
    ]
    # one kind a part: `kind = ?` makes the planner take ix_cards_siblings
    parts.extend(
        sa.select(CARDS.c.deck, sa.func.count(sa.distinct(CARDS.c.note_id)))
        .where(*_ACTIVE, when, CARDS.c.kind == kind)
        .group_by(CARDS.c.deck)
        for kind in SEVERAL_KINDS
    )
    return parts


#: Due notes per deck, and new notes per deck, all of them (each part one index range).
_DUE_COUNTS = Prepared(sa.union_all(*_note_count_parts(CARDS.c.due <= _TODAY)))
_ALL_NEW_NOTES = Prepared(sa.union_all(*_note_count_parts(CARDS.c.due.is_(None))))


def _new_notes() -> sa.Select:
    """(deck, its new notes counted up to the bound parameter `cap`) per synced deck name.

    Each count is one range of ix_cards_queue (due NULL, the deck) stopped by LIMIT once
    `cap` distinct notes were read, so on a collection of many new cards only the few that
    can show today are read: no deck shows more new cards than the global limit leaves.
    """
    names = sa.select(DECKS.c.name).distinct().subquery("d")
    notes = (
        sa.select(CARDS.c.note_id)
        .where(CARDS.c.due.is_(None), CARDS.c.deck == names.c.name, *_ACTIVE)
        .distinct()
        .limit(sa.bindparam("cap", type_=sa.Integer))
        .correlate(names)
        .subquery()
    )
    return sa.select(names.c.name, sa.select(sa.func.count()).select_from(notes).scalar_subquery())


#: Up to this cap each deck's new notes are counted in one range stopped at the cap
#: (`_new_notes`): few rows are read, but its DISTINCT goes through a temporary b-tree and
#: each deck is a subquery. Above it most of a deck's new cards are read either way, and
#: counting them all, grouped in index order (`_ALL_NEW_NOTES`), costs less. 100,000 cards
#: in 1,000 decks of 100: 10.9 against 37 ms at a cap of 20; in 8 decks, at 9,999: 7.4 ms
#: against 11.4 for three capped ranges a deck.
FEW_NEW_NOTES = 50

_NEW_NOTES = Prepared(_new_notes())
_DECK_NAMES = Prepared(sa.select(DECKS.c.name).distinct())


def _filters(today: date, decks: Sequence[str] | None, tags: Sequence[str] | None) -> list[Any]:
    """Conditions every queued card meets: active, not buried, in `decks`, with `tags`.

    Notes seen today are not tested here: a `NOT IN` on every row of the index range cost
    more than the whole scan; callers skip or subtract them (see `TodayLog`).
    """
    where: list[Any] = list(active(today))
    if decks:
        where.append(deck_condition(decks))
    if tags:
        where.append(_tag_condition(tags))
    return where


def _today_log(conn: sa.Connection, today: date) -> TodayLog:
    """Today's review and repeat rows, read once (from `ix_review_log_day` and the cards'
    primary key), for the studied counts, the notes seen and the same-day repeats."""
    rows = _TODAY_LOG.rows(conn, {"today": today})
    rows.sort()  # by log id: the order grades were given
    studied: dict[str, tuple[int, int]] = {}
    seen: set[str] = set()
    single: dict[str, tuple[str, bool, bool]] = {}
    multi: set[str] = set()
    last: dict[str, tuple[Any, ...]] = {}
    for row in rows:
        _, card_id, is_review, _, was_new, note_id, deck, _, several, new_now, due_now = row
        seen.add(note_id)
        if several:
            multi.add(note_id)
        else:
            single[note_id] = (deck, bool(new_now), bool(due_now))
        last.pop(card_id, None)  # re-inserted, so `last` keeps the order of last grades
        last[card_id] = row
        if is_review:
            new, review = studied.get(deck, (0, 0))
            studied[deck] = (new + 1, review) if was_new else (new, review + 1)
    repeats = tuple(
        (row[1], row[6]) for row in last.values() if row[3] < int(SAME_DAY_OK) and row[7]
    )
    seen_new: dict[str, int] = {}
    seen_review: dict[str, int] = {}
    for deck, new_now, due_now in single.values():
        if new_now:
            seen_new[deck] = seen_new.get(deck, 0) + 1
        elif due_now:
            seen_review[deck] = seen_review.get(deck, 0) + 1
    return TodayLog(studied, frozenset(seen), repeats, seen_new, seen_review, frozenset(multi))


def _repeats(
    conn: sa.Connection,
    today: date,
    decks: Sequence[str] | None = None,
    tags: Sequence[str] | None = None,
) -> list[tuple[str, str]]:
    """(card id, deck) of today's same-day repeats, in the order they were graded."""
    last = (
        sa.select(sa.func.max(LOG.c.id))
        .where(
            LOG.c.study_day == today,
            LOG.c.undone == sa.false(),
            LOG.c.kind.in_(("review", "repeat")),
        )
        .group_by(LOG.c.card_id)
    )
    query = (
        sa.select(LOG.c.card_id, CARDS.c.deck)
        .select_from(LOG.join(CARDS, CARDS.c.id == LOG.c.card_id))
        .where(
            LOG.c.id.in_(last),
            LOG.c.grade < int(SAME_DAY_OK),
            CARDS.c.removed == sa.false(),
            CARDS.c.suspended == sa.false(),
        )
        .order_by(LOG.c.id)
    )
    if decks:
        query = query.where(deck_condition(decks))
    if tags:
        query = query.where(_tag_condition(tags))
    return [(r[0], r[1]) for r in conn.execute(query)]


def _pick(
    conn: sa.Connection,
    where: list[Any],
    order: Sequence[Any],
    limit: int,
    deck_names: list[str],
    caps: Mapping[str, int],
    skip_notes: set[str],
) -> list[tuple[Any, ...]]:
    """Up to `limit` cards in `order`, at most caps[deck] from a capped deck, one per note.

    Returns (sort key..., card id, note id) tuples as the driver gives them (the sort key
    only to merge several queries' rows, where raw values order as the typed ones do).
    Decks without a cap share one query; each capped deck has its own, so every query is
    an index scan stopped by LIMIT.
    """
    if limit <= 0:
        return []
    capped = [d for d in deck_names if d in caps]
    groups: list[tuple[Any, int]] = []
    if capped:
        groups.append((CARDS.c.deck.not_in(capped), limit))
        groups.extend((CARDS.c.deck == d, min(limit, caps[d])) for d in capped)
    else:
        groups.append((sa.true(), limit))
    picked: list[tuple[Any, ...]] = []
    # The sort key is needed only to merge several queries' rows; leaving it out spares
    # parsing a date per row (20,000 rows under high limits).
    columns = (
        (*order, CARDS.c.id, CARDS.c.note_id) if len(groups) > 1 else (CARDS.c.id, CARDS.c.note_id)
    )
    for condition, cap in groups:
        if cap <= 0:
            continue
        fetch = cap + 16
        while True:
            rows = raw_rows(
                conn,
                sa.select(*columns)
                .where(*where, condition)
                .order_by(*order, CARDS.c.id)
                .limit(fetch),
            )
            kept = _first_per_note(rows, skip_notes, cap)
            if len(kept) == cap or len(rows) < fetch:
                break
            fetch *= 4  # siblings crowded the first rows: look further
        picked.extend(kept)
    if len(groups) == 1:
        return picked  # one query: already in order, one card per note, within the limit
    picked.sort(key=lambda r: tuple((x is None, x) for x in r[:-2]) + (r[-2],))
    out: list[tuple[Any, ...]] = []
    seen_notes = set(skip_notes)
    for row in picked:
        if row[-1] in seen_notes:
            continue
        seen_notes.add(row[-1])
        out.append(row)
        if len(out) == limit:
            break
    return out


def queue(
    conn: sa.Connection,
    today: date,
    decks: Sequence[str] | None = None,
    tags: Sequence[str] | None = None,
    limits: Limits | None = None,
) -> list[str]:
    """Today's cards in order: due reviews (most overdue first), new cards in file order
    (deck file, then place in it), then same-day repeats; within the daily limits, minus
    what was studied today.

    Args:
        decks: only these decks and their sub-decks (`ml` takes `ml::probability`).
        tags: only cards with one of these tags.
    """
    limits = limits or Limits()
    log = _today_log(conn, today)
    deck_names = _deck_names(conn)
    new_done = sum(n for n, _ in log.studied.values())
    review_done = sum(r for _, r in log.studied.values())
    new_caps, review_caps = _deck_caps(limits, deck_names, log.studied)
    where = _filters(today, decks, tags)
    reviews = _pick(
        conn,
        [*where, CARDS.c.due <= today],
        (CARDS.c.due, CARDS.c.deck, CARDS.c.position),
        limits.reviews_per_day - review_done,
        deck_names,
        review_caps,
        set(log.seen_notes),
    )
    new = _pick(
        conn,
        [*where, CARDS.c.due.is_(None)],
        (CARDS.c.source_path, CARDS.c.position),
        limits.new_per_day - new_done,
        deck_names,
        new_caps,
        {*log.seen_notes, *(r[-1] for r in reviews)},
    )
    repeats = _repeats(conn, today, decks, tags) if decks or tags else list(log.repeats)
    # One card per note, none of a note seen today nor of a review's note, then the
    # repeats: each card once, and none in the queue already, since their notes were seen
    # today (the rules are `flashcards.today.plan_today`, which the tests hold this to).
    return [r[-2] for r in (*reviews, *new)] + [c for c, _ in repeats]


def _deck_names(conn: sa.Connection) -> list[str]:
    return [name for (name,) in _DECK_NAMES.rows(conn)]


def due_summary(conn: sa.Connection, today: date, limits: Limits | None = None) -> DueSummary:
    """New, repeat and review cards due today per deck and in total, within the limits."""
    limits = limits or Limits()
    serial_plans(conn)  # a server's parallel workers made these counts twice as slow
    log = _today_log(conn, today)
    studied = log.studied
    # Count every note, then take away the notes seen today (found through
    # ix_cards_note_id): a NOT IN test on each of 100,000 rows cost more than both.
    # One card per note comes a day (siblings are buried), so count notes. Only
    # reversible and cloze notes have several cards: count(DISTINCT note_id) runs on
    # their cards alone (ix_cards_siblings), a plain count on the rest (a note has one
    # kind). New and due are separate parts, since each is an index range and an OR
    # would scan the table.
    counted: dict[tuple[str, int], int] = {}
    for deck, n in _DUE_COUNTS.rows(conn, {"today": today}):
        counted[deck, 0] = counted.get((deck, 0), 0) + int(n)
    # A seen note of one card is counted from today's log row itself; only notes of
    # several cards (reversible, cloze) need their siblings looked up.
    seen_new = dict(log.seen_new)
    seen_review = dict(log.seen_review)
    multi = sorted(log.seen_multi_notes)
    for chunk in chunks(multi):
        for deck, n, r in conn.execute(
            sa.select(
                CARDS.c.deck,
                sa.func.count(sa.distinct(sa.case((CARDS.c.due.is_(None), CARDS.c.note_id)))),
                sa.func.count(sa.distinct(sa.case((CARDS.c.due <= today, CARDS.c.note_id)))),
            )
            .where(*_filters(today, None, None), CARDS.c.note_id.in_(chunk))
            .group_by(CARDS.c.deck)
        ):
            seen_new[deck] = seen_new.get(deck, 0) + int(n)
            seen_review[deck] = seen_review.get(deck, 0) + int(r)
    # A deck shows at most what the global limit leaves of new cards, after its new notes
    # seen today are taken away: counting each deck's new notes up to that plus the most
    # seen new notes of any deck is exact for what shows, since a count stopped at the cap
    # is alone enough to reach the limit (the notes seen today are mostly reviews and
    # repeats, not new: the cap stays near the limit), and at least 1, so a deck with new
    # cards is listed even when none are left.
    new_left = max(0, limits.new_per_day - sum(n for n, _ in studied.values()))
    cap = max(1, new_left + max(seen_new.values(), default=0))
    if cap <= FEW_NEW_NOTES:
        new_counts = _NEW_NOTES.rows(conn, {"today": today, "cap": cap})
    else:  # every new note: exact too, since a count above the cap shows as the cap
        new_counts = _ALL_NEW_NOTES.rows(conn, {"today": today})
    for deck, n in new_counts:
        if n:
            counted[deck, 1] = counted.get((deck, 1), 0) + n
    new_rows = [(deck, n) for (deck, is_new), n in counted.items() if is_new]
    review_rows = [(deck, n) for (deck, is_new), n in counted.items() if not is_new]
    repeats = log.repeats
    new_rows = [(deck, n - seen_new.get(deck, 0)) for deck, n in new_rows]
    review_rows = [(deck, r - seen_review.get(deck, 0)) for deck, r in review_rows]
    repeat_counts: dict[str, int] = {}
    for _, deck in repeats:
        repeat_counts[deck] = repeat_counts.get(deck, 0) + 1
    new_by_deck = {deck: int(n) for deck, n in new_rows}
    review_by_deck = {deck: int(n) for deck, n in review_rows}
    raw = {
        deck: (new_by_deck.get(deck, 0), review_by_deck.get(deck, 0))
        for deck in set(new_by_deck) | set(review_by_deck)
    }
    shown = sorted(set(raw) | set(repeat_counts))
    new_caps, review_caps = _deck_caps(limits, shown, studied)
    # what the global limits leave today, over all decks: no deck shows more than that
    left = DeckCounts(
        new=max(0, limits.new_per_day - sum(n for n, _ in studied.values())),
        repeat=len(repeats),
        review=max(0, limits.reviews_per_day - sum(r for _, r in studied.values())),
        deck="total",
    )
    out = []
    for deck in shown:
        new, review = raw.get(deck, (0, 0))
        counts = DeckCounts(
            new=min(new, new_caps.get(deck, new)),
            repeat=repeat_counts.get(deck, 0),
            review=min(review, review_caps.get(deck, review)),
            deck=deck,
        )
        out.append(counts.capped(left))
    total = combined(out, left, "total")
    return DueSummary(tuple(out), total)
