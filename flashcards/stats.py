"""The numbers behind `flashcards stats` and the Stats screen, computed in SQL.

Every figure is a frozen dataclass built from grouped SQLAlchemy Core queries run on the store's
connection (`Store.reading()`): grouping is by the study day stored in each review-log row, so
no dialect's date functions are needed and no table is read row by row into Python.

What counts (see docs/stats.md): undone grades never count; "answers" are every grade given
(reviews, same-day repeats and quiz practice); retention counts only each card's first
scheduled review of a day, and only of cards seen before.

    stats = compute_stats(store, today, deck="ml")
    print(stats_to_json(stats))
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from flashcards.grades import PASSING
from flashcards.scheduler import MIN_EASE_PCT

if TYPE_CHECKING:
    from flashcards.store import Store

#: Days in the heatmap, ending today.
HEATMAP_DAYS = 365
#: Days in the forecast, starting today.
FORECAST_DAYS = 30
#: Days of reviews the retention covers, ending today.
RETENTION_DAYS = 30
#: An interval of this many days or more makes a card mature.
MATURE_DAYS = 21
#: A seen card with an interval of at most this many days is learning: SM-2's first step,
#: after its first view or after it was forgotten.
LEARNING_DAYS = 1
#: Grades of at least this count as recalled.
PASSING_GRADE = int(PASSING)
#: How many of the hardest cards are listed.
HARDEST_LIMIT = 10
#: Ease bins, in hundredths: 1.3-1.4, 1.4-1.5, ..., and 3.0 or more.
EASE_BIN_PCT = 10
EASE_TOP_PCT = 300
#: Interval buckets: (label, lowest day, highest day or None).
INTERVAL_BUCKETS: tuple[tuple[str, int, int | None], ...] = (
    ("1 d", 1, 1),
    ("2-6 d", 2, 6),
    ("1-3 wk", 7, 20),
    ("3 wk-2 mo", 21, 59),
    ("2-6 mo", 60, 179),
    ("6-12 mo", 180, 364),
    ("1 yr+", 365, None),
)
STATES = ("new", "learning", "young", "mature", "suspended", "removed")


def _share(part: int, whole: int) -> float | None:
    return part / whole if whole else None


@dataclass(frozen=True, slots=True)
class TodayStats:
    """What was done on the study day `day`."""

    day: date
    #: Scheduled reviews (first grade of a card today).
    reviews: int = 0
    #: Same-day repeats (a card graded again today).
    repeats: int = 0
    #: Quiz answers, which do not change the schedule.
    practice: int = 0
    #: Answers graded 3 or more, of all kinds.
    correct: int = 0
    #: Time spent answering, in seconds (answers without a recorded time add nothing).
    seconds: float = 0.0
    #: Cards seen for the first time today.
    new_learned: int = 0

    @property
    def answers(self) -> int:
        """Every grade given today, of all kinds."""
        return self.reviews + self.repeats + self.practice

    @property
    def correct_share(self) -> float | None:
        """Share of today's answers graded 3 or more; None with no answers."""
        return _share(self.correct, self.answers)


@dataclass(frozen=True, slots=True)
class Streak:
    """Consecutive study days (a day with at least one answer)."""

    #: Days in a row up to today, or up to yesterday while today has no answer yet.
    current: int = 0
    #: The longest run within the heatmap's year.
    longest: int = 0
    studied_today: bool = False
    last_day: date | None = None


@dataclass(frozen=True, slots=True)
class DayCount:
    """A number for one study day."""

    day: date
    count: int


@dataclass(frozen=True, slots=True)
class Heatmap:
    """Answers per study day from `start` to `end` (inclusive); days without any are left out."""

    start: date
    end: date
    days: tuple[DayCount, ...] = ()

    @property
    def total(self) -> int:
        return sum(d.count for d in self.days)

    @property
    def days_studied(self) -> int:
        return len(self.days)

    def count(self, day: date) -> int:
        """Answers on `day` (0 when none or outside the range)."""
        for d in self.days:
            if d.day == day:
                return d.count
        return 0


@dataclass(frozen=True, slots=True)
class Forecast:
    """Cards due per study day from `start`, before daily limits."""

    start: date
    #: counts[i] is due on start + i days; counts[0] includes the overdue cards.
    counts: tuple[int, ...] = ()
    #: Cards due before `start` (part of counts[0]).
    overdue: int = 0

    @property
    def total(self) -> int:
        return sum(self.counts)

    def days(self) -> list[DayCount]:
        """The counts with their days."""
        return [DayCount(self.start + timedelta(days=i), n) for i, n in enumerate(self.counts)]


@dataclass(frozen=True, slots=True)
class Retention:
    """Reviews recalled (graded 3+) of cards seen before, young and mature, for one deck."""

    deck: str
    young_passed: int = 0
    young_total: int = 0
    mature_passed: int = 0
    mature_total: int = 0

    @property
    def young(self) -> float | None:
        """Share of young-card reviews recalled; None with none."""
        return _share(self.young_passed, self.young_total)

    @property
    def mature(self) -> float | None:
        """Share of mature-card reviews recalled; None with none."""
        return _share(self.mature_passed, self.mature_total)

    @property
    def passed(self) -> int:
        return self.young_passed + self.mature_passed

    @property
    def total(self) -> int:
        return self.young_total + self.mature_total

    @property
    def overall(self) -> float | None:
        return _share(self.passed, self.total)


@dataclass(frozen=True, slots=True)
class RetentionReport:
    """Retention over the study days `start` to `end`, per deck and over all of them."""

    start: date
    end: date
    decks: tuple[Retention, ...] = ()
    total: Retention = Retention("total")


@dataclass(frozen=True, slots=True)
class CardStates:
    """Cards by state; each card is in exactly one."""

    new: int = 0
    #: Seen, on SM-2's 1-day first step (just seen for the first time, or just forgotten).
    learning: int = 0
    #: Interval from 2 to 20 days.
    young: int = 0
    #: Interval of 21 days or more.
    mature: int = 0
    suspended: int = 0
    #: Gone from their deck file; kept for their history.
    removed: int = 0

    @property
    def total(self) -> int:
        return sum(getattr(self, s) for s in STATES)

    def items(self) -> list[tuple[str, int]]:
        """(state, count) pairs in the order of STATES."""
        return [(s, getattr(self, s)) for s in STATES]


@dataclass(frozen=True, slots=True)
class Bucket:
    """Cards whose value lies in [low, high] (high None: no upper bound)."""

    label: str
    low: float
    high: float | None
    count: int


@dataclass(frozen=True, slots=True)
class Distribution:
    """How the cards seen so far (not removed) spread over a value."""

    buckets: tuple[Bucket, ...] = ()
    #: Cards counted.
    cards: int = 0
    #: The mean value; None with no cards.
    mean: float | None = None


@dataclass(frozen=True, slots=True)
class HardCard:
    """A card that lapsed often, with where to find it to rewrite it."""

    card_id: str
    deck: str
    path: str
    line: int
    lapses: int
    ease_pct: int
    interval_days: int
    #: Suspended (as a leech, or by hand).
    suspended: bool
    #: The start of the side the card asks (a reversed card: its note's back).
    front: str
    #: The card's kind (`CardKind` value) and ordinal: a cloze card hides its own deletion.
    kind: str = "basic"
    ordinal: int = 0


#: Days of FSRS's workload forecast.
FSRS_FORECAST_DAYS = 30


@dataclass(frozen=True, slots=True)
class FsrsStats:
    """What FSRS predicts for the cards it schedules (those with a memory state)."""

    #: Cards scheduled by FSRS with a memory state, in scope (not removed or suspended).
    cards: int
    #: Mean probability of recall today over those cards (None without any).
    predicted_retention: float | None
    #: Those cards due per day over the next `FSRS_FORECAST_DAYS` days, from FSRS's due dates.
    forecast: Forecast


def fsrs_stats(rows: Iterable[tuple[date, int, float, Sequence[float]]], today: date) -> FsrsStats:
    """FSRS's numbers from (due, interval_days, stability, parameters) of each card."""
    from flashcards.fsrs_model import retrievability

    counts = [0] * FSRS_FORECAST_DAYS
    overdue = n = 0
    recall = 0.0
    for due, interval, stability, parameters in rows:
        n += 1
        elapsed = (today - (due - timedelta(days=interval))).days
        recall += retrievability(elapsed, stability, parameters)
        offset = (due - today).days
        if offset < 0:
            overdue += 1
        if offset < FSRS_FORECAST_DAYS:
            counts[max(0, offset)] += 1
    return FsrsStats(n, recall / n if n else None, Forecast(today, tuple(counts), overdue))


@dataclass(frozen=True, slots=True)
class Stats:
    """Every statistic for one day, over the whole collection or one deck tree."""

    day: date
    #: The deck (with its sub-decks) the numbers cover; None for all.
    deck: str | None
    #: Any answer ever recorded (not undone) in scope.
    has_reviews: bool
    today: TodayStats
    streak: Streak
    heatmap: Heatmap
    forecast: Forecast
    retention: RetentionReport
    states: CardStates
    ease: Distribution
    intervals: Distribution
    hardest: tuple[HardCard, ...] = ()
    #: FSRS's predictions, when some deck is scheduled by FSRS (None otherwise).
    fsrs: FsrsStats | None = None


# --- pure helpers over grouped rows ---------------------------------------------------------


def streak_of(days: Iterable[date], today: date) -> Streak:
    """The current and longest streak over the study days `days` (any order, no repeats)."""
    ordered = sorted(set(days))
    if not ordered:
        return Streak()
    longest = run = 1
    for prev, day in zip(ordered, ordered[1:], strict=False):
        run = run + 1 if day - prev == timedelta(days=1) else 1
        longest = max(longest, run)
    present = set(ordered)
    studied_today = today in present
    # A streak stays alive through today until the day is over.
    cursor = today if studied_today else today - timedelta(days=1)
    current = 0
    while cursor in present:
        current += 1
        cursor -= timedelta(days=1)
    last = max((d for d in ordered if d <= today), default=None)
    return Streak(current, longest, studied_today, last)


def ease_buckets(counts: Iterable[tuple[int, int]]) -> Distribution:
    """Bin (ease in hundredths, cards) pairs into 0.1-wide bins from 1.3 to 3.0+."""
    pairs = [(int(e), int(n)) for e, n in counts]
    cards = sum(n for _, n in pairs)
    if not cards:
        return Distribution()
    low = MIN_EASE_PCT
    top = EASE_TOP_PCT
    bins: dict[int, int] = {b: 0 for b in range(low, top + 1, EASE_BIN_PCT)}
    for ease, n in pairs:
        start = min(top, max(low, low + (ease - low) // EASE_BIN_PCT * EASE_BIN_PCT))
        bins[start] += n
    buckets = tuple(
        Bucket(
            f"{b / 100:.1f}+" if b == top else f"{b / 100:.1f}",
            b / 100,
            None if b == top else (b + EASE_BIN_PCT - 1) / 100,
            n,
        )
        for b, n in bins.items()
    )
    mean = sum(e * n for e, n in pairs) / cards / 100
    return Distribution(buckets, cards, mean)


# --- the queries ------------------------------------------------------------------------------


def _grouped(conn: Any, key: Any, where: Sequence[Any], summed: Any = None) -> list[Any]:
    """(key, cards[, sum of `summed`]) rows of the cards table grouped by the expression `key`.

    The expression is grouped through a subquery column, so databases that compare GROUP BY
    expressions with their bound parameters (PostgreSQL) accept a CASE with literals.
    """
    import sqlalchemy as sa

    from flashcards.store import CARDS

    columns = [key.label("k")]
    if summed is not None:
        columns.append(summed.label("v"))
    inner = sa.select(*columns).select_from(CARDS).where(*where).subquery()
    outer = [inner.c.k, sa.func.count()]
    if summed is not None:
        outer.append(sa.func.sum(inner.c.v))
    return list(conn.execute(sa.select(*outer).group_by(inner.c.k)).all())


def compute_stats(
    store: Store, today: date, deck: str | None = None, *, hardest: int = HARDEST_LIMIT
) -> Stats:
    """Every statistic on study day `today`, for `deck` and its sub-decks (None: all cards)."""
    import sqlalchemy as sa

    from flashcards.store import CARDS, LOG, NOTES, deck_condition

    in_scope = [deck_condition([deck])] if deck else []
    # A deck narrows the log through its card ids, so the database can start from the deck's
    # cards (ix_review_log_card); the whole-collection views read the log alone.
    if deck:
        kept = sa.and_(
            LOG.c.undone == sa.false(),
            LOG.c.card_id.in_(sa.select(CARDS.c.id).where(*in_scope)),
        )
    else:
        kept = LOG.c.undone == sa.false()

    def count_if(condition: Any) -> Any:
        return sa.func.coalesce(sa.func.sum(sa.case((condition, 1), else_=0)), 0)

    with store.reading() as conn:
        # today: one aggregate over today's rows (an index range on study_day)
        row = conn.execute(
            sa.select(
                count_if(LOG.c.kind == "review"),
                count_if(LOG.c.kind == "repeat"),
                count_if(LOG.c.kind == "practice"),
                count_if(LOG.c.grade >= PASSING_GRADE),
                sa.func.coalesce(sa.func.sum(LOG.c.seconds), 0.0),
                sa.func.count(
                    sa.distinct(
                        sa.case(
                            (
                                sa.and_(LOG.c.kind == "review", LOG.c.before_due.is_(None)),
                                LOG.c.card_id,
                            )
                        )
                    )
                ),
            ).where(LOG.c.study_day == today, kept)
        ).one()
        today_stats = TodayStats(
            today, int(row[0]), int(row[1]), int(row[2]), int(row[3]), float(row[4]), int(row[5])
        )

        # the heatmap: answers per stored study day over the past year
        start = today - timedelta(days=HEATMAP_DAYS - 1)
        per_day = conn.execute(
            sa.select(LOG.c.study_day, sa.func.count())
            .where(LOG.c.study_day >= start, LOG.c.study_day <= today, kept)
            .group_by(LOG.c.study_day)
            .order_by(LOG.c.study_day)
        ).all()
        heatmap = Heatmap(start, today, tuple(DayCount(d, int(n)) for d, n in per_day))

        # the streak: from the heatmap's days; only a streak as long as the year reads further
        days = [d.day for d in heatmap.days]
        streak = streak_of(days, today)
        if streak.current and today - timedelta(days=streak.current) < start:
            older = conn.execute(
                sa.select(LOG.c.study_day)
                .where(LOG.c.study_day < start, kept)
                .group_by(LOG.c.study_day)
                .order_by(LOG.c.study_day.desc())
            )
            expected = start - timedelta(days=1)
            extra = 0
            for (day,) in older:  # streamed: stops at the first gap
                if day != expected:
                    break
                extra += 1
                expected -= timedelta(days=1)
            older.close()
            current = streak.current + extra
            streak = replace(streak, current=current, longest=max(streak.longest, current))
        if heatmap.days:
            has_reviews = True
        else:
            has_reviews = conn.execute(sa.select(LOG.c.id).where(kept).limit(1)).first() is not None
        if streak.last_day is None and has_reviews:
            last = conn.execute(
                sa.select(sa.func.max(LOG.c.study_day)).where(LOG.c.study_day <= today, kept)
            ).scalar()
            streak = replace(streak, last_day=last)

        # the forecast: active cards due per day (ix_cards_queue starts with `due`)
        end = today + timedelta(days=FORECAST_DAYS - 1)
        active = [CARDS.c.removed == sa.false(), CARDS.c.suspended == sa.false(), *in_scope]
        due_rows = _grouped(
            conn,
            sa.case((CARDS.c.due < today, None), else_=CARDS.c.due),
            [CARDS.c.due.is_not(None), CARDS.c.due <= end, *active],
        )
        counts = [0] * FORECAST_DAYS
        overdue = 0
        for due, n in due_rows:
            if due is None:
                overdue = int(n)
                counts[0] += int(n)
            else:
                counts[(due - today).days] += int(n)
        forecast = Forecast(today, tuple(counts), overdue)

        # retention: each card's first scheduled review of a day, of cards seen before
        r_start = today - timedelta(days=RETENTION_DAYS - 1)
        firsts = (
            sa.select(sa.func.min(LOG.c.id).label("id"))
            .where(
                LOG.c.study_day >= r_start,
                LOG.c.study_day <= today,
                LOG.c.kind == "review",
                kept,
            )
            .group_by(LOG.c.card_id, LOG.c.study_day)
            .subquery()
        )
        young = LOG.c.before_interval_days < MATURE_DAYS
        passed = LOG.c.grade >= PASSING_GRADE
        ret_rows = conn.execute(
            sa.select(
                CARDS.c.deck,
                count_if(sa.and_(young, passed)),
                count_if(young),
                count_if(sa.and_(sa.not_(young), passed)),
                count_if(sa.not_(young)),
            )
            .select_from(
                firsts.join(LOG, LOG.c.id == firsts.c.id).join(CARDS, CARDS.c.id == LOG.c.card_id)
            )
            .where(LOG.c.before_due.is_not(None), *in_scope)
            .group_by(CARDS.c.deck)
            .order_by(CARDS.c.deck)
        ).all()
        per_deck = tuple(Retention(d, int(a), int(b), int(c), int(e)) for d, a, b, c, e in ret_rows)
        retention = RetentionReport(
            r_start,
            today,
            per_deck,
            Retention(
                "total",
                sum(r.young_passed for r in per_deck),
                sum(r.young_total for r in per_deck),
                sum(r.mature_passed for r in per_deck),
                sum(r.mature_total for r in per_deck),
            ),
        )

        # cards by state: one CASE, grouped
        state = sa.case(
            (CARDS.c.removed == sa.true(), "removed"),
            (CARDS.c.suspended == sa.true(), "suspended"),
            (CARDS.c.due.is_(None), "new"),
            (CARDS.c.interval_days <= LEARNING_DAYS, "learning"),
            (CARDS.c.interval_days < MATURE_DAYS, "young"),
            else_="mature",
        )
        by_state = dict(_grouped(conn, state, in_scope))
        states = CardStates(**{s: int(by_state.get(s, 0)) for s in STATES})

        # ease and interval distributions of the cards seen so far
        seen = [CARDS.c.removed == sa.false(), CARDS.c.due.is_not(None), *in_scope]
        ease = ease_buckets(
            conn.execute(
                sa.select(CARDS.c.ease_pct, sa.func.count()).where(*seen).group_by(CARDS.c.ease_pct)
            ).all()
        )
        bucket = sa.case(
            *(
                (CARDS.c.interval_days <= high, label)
                for label, _, high in INTERVAL_BUCKETS
                if high is not None
            ),
            else_=INTERVAL_BUCKETS[-1][0],
        )
        interval_rows = {
            label: (int(n), int(total))
            for label, n, total in _grouped(conn, bucket, seen, CARDS.c.interval_days)
        }
        interval_cards = sum(n for n, _ in interval_rows.values())
        intervals = Distribution(
            tuple(
                Bucket(label, low, high, interval_rows.get(label, (0, 0))[0])
                for label, low, high in INTERVAL_BUCKETS
            ),
            interval_cards,
            sum(t for _, t in interval_rows.values()) / interval_cards if interval_cards else None,
        )

        # the hardest cards: most lapses first, then the lowest ease
        hard_rows = conn.execute(
            sa.select(
                CARDS.c.id,
                CARDS.c.deck,
                CARDS.c.source_path,
                CARDS.c.line,
                CARDS.c.lapses,
                CARDS.c.ease_pct,
                CARDS.c.interval_days,
                CARDS.c.suspended,
                # the side the card asks: a reversed card asks with its note's back
                sa.case(
                    (
                        sa.and_(CARDS.c.kind == "reversible", CARDS.c.ordinal == 1),
                        sa.func.substr(NOTES.c.back, 1, 200),
                    ),
                    else_=sa.func.substr(NOTES.c.front, 1, 200),
                ),
                CARDS.c.kind,
                CARDS.c.ordinal,
            )
            .select_from(CARDS.outerjoin(NOTES, NOTES.c.id == CARDS.c.note_id))
            .where(CARDS.c.removed == sa.false(), CARDS.c.lapses > 0, *in_scope)
            .order_by(CARDS.c.lapses.desc(), CARDS.c.ease_pct, CARDS.c.id)
            .limit(hardest)
        ).all()
    hard = tuple(
        HardCard(
            cid, d, path, int(line), int(lapses), int(e), int(iv), bool(susp), front or "", kind, n
        )
        for cid, d, path, line, lapses, e, iv, susp, front, kind, n in hard_rows
    )
    return Stats(
        today,
        deck,
        has_reviews,
        today_stats,
        streak,
        heatmap,
        forecast,
        retention,
        states,
        ease,
        intervals,
        hard,
        _fsrs_of(store, today, in_scope),
    )


def _fsrs_of(store: Store, today: date, in_scope: Sequence[Any]) -> FsrsStats | None:
    """FSRS's numbers over the cards in scope that FSRS schedules; None when no deck uses it."""
    scheduling = getattr(store, "scheduling", None)
    if scheduling is None or not scheduling.uses_fsrs:
        return None
    import sqlalchemy as sa

    from flashcards.store import CARDS

    rows = store.select(
        sa.select(CARDS.c.deck, CARDS.c.due, CARDS.c.interval_days, CARDS.c.fsrs_stability).where(
            *in_scope,
            CARDS.c.fsrs_stability.is_not(None),
            CARDS.c.due.is_not(None),
            CARDS.c.removed == sa.false(),
            CARDS.c.suspended == sa.false(),
        )
    )
    parameters: dict[str, Any] = {}
    for d in {r.deck for r in rows}:
        settings = store.fsrs_settings(d)
        if settings is not None:
            parameters[d] = settings.parameters
    return fsrs_stats(
        (
            (r.due, r.interval_days, r.fsrs_stability, parameters[r.deck])
            for r in rows
            if r.deck in parameters
        ),
        today,
    )


# --- plain data for --json --------------------------------------------------------------------


def _round(x: float | None, digits: int = 4) -> float | None:
    return None if x is None else round(x, digits)


def _retention_json(r: Retention) -> dict[str, Any]:
    return {
        "deck": r.deck,
        "young": {"passed": r.young_passed, "reviews": r.young_total, "share": _round(r.young)},
        "mature": {
            "passed": r.mature_passed,
            "reviews": r.mature_total,
            "share": _round(r.mature),
        },
        "overall": {"passed": r.passed, "reviews": r.total, "share": _round(r.overall)},
    }


def _distribution_json(dist: Distribution) -> dict[str, Any]:
    return {
        "cards": dist.cards,
        "mean": _round(dist.mean, 2),
        "buckets": [
            {"label": b.label, "low": b.low, "high": b.high, "cards": b.count} for b in dist.buckets
        ],
    }


def stats_to_json(stats: Stats) -> dict[str, Any]:
    """Every number of `stats` as JSON-ready plain data (dates as ISO strings)."""
    t = stats.today
    s = stats.streak
    return {
        "day": stats.day.isoformat(),
        "deck": stats.deck,
        "has_reviews": stats.has_reviews,
        "today": {
            "answers": t.answers,
            "reviews": t.reviews,
            "repeats": t.repeats,
            "practice": t.practice,
            "correct": t.correct,
            "correct_share": _round(t.correct_share),
            "seconds": round(t.seconds, 1),
            "new_learned": t.new_learned,
        },
        "streak": {
            "current": s.current,
            "longest": s.longest,
            "studied_today": s.studied_today,
            "last_day": s.last_day.isoformat() if s.last_day else None,
        },
        "heatmap": {
            "start": stats.heatmap.start.isoformat(),
            "end": stats.heatmap.end.isoformat(),
            "total": stats.heatmap.total,
            "days_studied": stats.heatmap.days_studied,
            "days": {d.day.isoformat(): d.count for d in stats.heatmap.days},
        },
        "forecast": {
            "start": stats.forecast.start.isoformat(),
            "overdue": stats.forecast.overdue,
            "total": stats.forecast.total,
            "days": {d.day.isoformat(): d.count for d in stats.forecast.days()},
        },
        "retention": {
            "start": stats.retention.start.isoformat(),
            "end": stats.retention.end.isoformat(),
            "total": _retention_json(stats.retention.total),
            "decks": [_retention_json(r) for r in stats.retention.decks],
        },
        "states": dict(stats.states.items()) | {"total": stats.states.total},
        "ease": _distribution_json(stats.ease),
        "intervals": _distribution_json(stats.intervals),
        "hardest": [
            {
                "card": h.card_id,
                "deck": h.deck,
                "path": h.path,
                "line": h.line,
                "lapses": h.lapses,
                "ease": h.ease_pct / 100,
                "interval_days": h.interval_days,
                "suspended": h.suspended,
                "front": h.front,
            }
            for h in stats.hardest
        ],
        "fsrs": None
        if stats.fsrs is None
        else {
            "cards": stats.fsrs.cards,
            "predicted_retention": _round(stats.fsrs.predicted_retention),
            "forecast": {
                "start": stats.fsrs.forecast.start.isoformat(),
                "overdue": stats.fsrs.forecast.overdue,
                "total": stats.fsrs.forecast.total,
                "days": {d.day.isoformat(): d.count for d in stats.fsrs.forecast.days()},
            },
        },
    }


__all__ = [
    "Bucket",
    "CardStates",
    "DayCount",
    "Distribution",
    "Forecast",
    "FsrsStats",
    "HardCard",
    "Heatmap",
    "Retention",
    "RetentionReport",
    "Stats",
    "Streak",
    "TodayStats",
    "compute_stats",
    "ease_buckets",
    "fsrs_stats",
    "stats_to_json",
    "streak_of",
]
