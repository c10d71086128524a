"""Statistics over a known review history: every view's numbers, deck filters, the CLI."""

from __future__ import annotations

import json
import re
from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

import pytest

from flashcards.cards import CardKind, Deck, Note
from flashcards.cli import main
from flashcards.report import (
    hardest_lines,
    question_line,
    report,
    state_bars,
)
from flashcards.scheduler import ReviewState
from flashcards.stats import (
    CardStates,
    DayCount,
    Streak,
    compute_stats,
    ease_buckets,
    stats_to_json,
    streak_of,
)
from flashcards.store import LogEntry, Store
from flashcards.text import cells, fit

T = date(2026, 4, 10)


def bar_length(bar: str) -> float:
    """The length, in columns, of a bar of block characters (eighths of a column)."""
    eighths = "▏▎▍▌▋▊▉"
    return sum(1 if c == "█" else (eighths.index(c) + 1) / 8 for c in bar if c in eighths + "█")


def day(n: int) -> date:
    """The study day `n` days from T (negative: before)."""
    return T + timedelta(days=n)


def at(n: int, minute: int = 0) -> datetime:
    return datetime.combine(day(n), time(12, minute), tzinfo=UTC)


def note(nid: str, line: int) -> Note:
    return Note(nid, CardKind.BASIC, f"front of {nid}", f"back of {nid}", line, line)


def decks(with_g: bool = True) -> list[Deck]:
    other = [note("f", 1), note("h", 4), note("i", 7), note("j", 12)]
    if with_g:
        other.append(note("g", 10))
    return [
        Deck("ml", Path("/decks/ml.md"), notes=(note("a", 3), note("b", 6), note("c", 9))),
        Deck("ml::prob", Path("/decks/ml/prob.md"), notes=(note("d", 2), note("e", 5))),
        Deck("other", Path("/decks/other.md"), notes=tuple(other)),
    ]


def mature(store: Store, card: str, interval: int, due: date) -> None:
    store.set_state(card, ReviewState(5, interval, 250, due, 0))


def fill(store: Store) -> None:
    """The history the tests below count on (worked out by hand in each assertion)."""
    store.sync(decks(), ["/decks"])
    store.sync(decks(with_g=False), ["/decks"])  # g is removed from its file
    store.suspend("h:0")
    # j: a state from elsewhere, due two days ago and not reviewed since
    store.set_state("j:0", ReviewState(2, 6, 250, day(-2), 0))

    # f: reviewed once long ago (outside the year), later mature and recalled on T-5
    store.grade("f:0", 4, now=at(-400), today=day(-400), seconds=9)
    mature(store, "f:0", 40, day(-5))
    store.grade("f:0", 5, now=at(-5), today=day(-5), seconds=4)

    # b: mature, forgotten on T-3 (then a same-day repeat), recalled on T-2 (now young)
    mature(store, "b:0", 30, day(-3))
    store.grade("b:0", 2, now=at(-3), today=day(-3), seconds=8)
    store.grade("b:0", 4, now=at(-3, 5), today=day(-3), kind="repeat", seconds=6)
    store.grade("b:0", 3, now=at(-2), today=day(-2), seconds=7)

    # a: new on T-2, recalled on T-1
    store.grade("a:0", 4, now=at(-2, 1), today=day(-2), seconds=11)
    store.grade("a:0", 5, now=at(-1), today=day(-1), seconds=5)

    # d: new on T-1 and forgotten; forgotten again on T, then a repeat and a quiz answer
    store.grade("d:0", 0, now=at(-1, 1), today=day(-1), seconds=15)
    # e: only ever quizzed
    store.grade("e:0", 4, now=at(-1, 2), today=day(-1), kind="practice", seconds=2)

    # today: c (mature) graded 1, undone, graded 5; d; i new
    mature(store, "c:0", 25, day(0))
    store.grade("c:0", 1, now=at(0), today=day(0), seconds=7)
    assert store.undo_last(day(0)) == "c:0"
    store.grade("c:0", 5, now=at(0, 1), today=day(0), seconds=10)
    store.grade("d:0", 1, now=at(0, 2), today=day(0), seconds=20)
    store.grade("d:0", 4, now=at(0, 3), today=day(0), kind="repeat", seconds=5)
    store.grade("d:0", 5, now=at(0, 4), today=day(0), kind="practice", seconds=3)
    store.grade("i:0", 3, now=at(0, 5), today=day(0), seconds=12)


@pytest.fixture
def store(db_url) -> Store:
    s = Store(db_url)
    yield s
    s.close()


@pytest.fixture
def filled(store: Store) -> Store:
    fill(store)
    return store


# --- pure helpers -----------------------------------------------------------------------------


def test_streak_counts_days_in_a_row_up_to_today():
    days = [day(-9), day(-8), day(-2), day(-1), day(0)]
    assert streak_of(days, T) == Streak(3, 3, True, T)


def test_streak_stays_alive_until_today_is_over():
    assert streak_of([day(-2), day(-1)], T) == Streak(2, 2, False, day(-1))


def test_streak_is_broken_by_a_missed_day():
    assert streak_of([day(-6), day(-5), day(-4), day(-3), day(-2)], T) == Streak(
        0, 5, False, day(-2)
    )


def test_no_study_days_no_streak():
    assert streak_of([], T) == Streak()


def test_ease_bins_are_tenths_from_1_3_with_an_open_top():
    dist = ease_buckets([(130, 1), (139, 2), (140, 1), (250, 3), (320, 4)])
    assert dist.cards == 11
    counts = {b.label: b.count for b in dist.buckets}
    assert counts["1.3"] == 3
    assert counts["1.4"] == 1
    assert counts["2.5"] == 3
    assert counts["3.0+"] == 4
    assert sum(counts.values()) == 11
    assert dist.mean == pytest.approx((130 + 278 + 140 + 750 + 1280) / 11 / 100)


# --- the views on a known history -------------------------------------------------------------


def test_today(filled):
    t = compute_stats(filled, T).today
    # reviews: c, d, i (c's undone grade left out); one repeat and one quiz answer of d
    assert (t.reviews, t.repeats, t.practice, t.answers) == (3, 1, 1, 5)
    assert t.correct == 4  # c 5, d's repeat 4 and practice 5, i 3
    assert t.correct_share == pytest.approx(0.8)
    assert t.seconds == pytest.approx(10 + 20 + 5 + 3 + 12)
    assert t.new_learned == 1  # i


def test_streak_of_the_collection(filled):
    assert compute_stats(filled, T).streak == Streak(4, 4, True, T)
    # the next day, before any answer, the streak is still alive
    assert compute_stats(filled, day(1)).streak == Streak(4, 4, False, T)
    assert compute_stats(filled, day(2)).streak == Streak(0, 4, False, T)


def test_heatmap_counts_answers_per_day_over_the_past_year(filled):
    heat = compute_stats(filled, T).heatmap
    assert heat.start == day(-364) and heat.end == T
    assert heat.days == (
        DayCount(day(-5), 1),
        DayCount(day(-3), 2),  # b's review and its repeat
        DayCount(day(-2), 2),
        DayCount(day(-1), 3),  # a, d and e's quiz answer
        DayCount(day(0), 5),  # the undone grade left out
    )
    assert heat.total == 13 and heat.days_studied == 5
    assert heat.count(day(-400)) == 0  # outside the year


def test_forecast_of_the_next_30_days(filled):
    fc = compute_stats(filled, T).forecast
    assert len(fc.counts) == 30
    assert fc.overdue == 2  # j, due T-2, and b, due T-1
    expected = [0] * 30
    expected[0] = 2  # j and b (overdue; b's first pass after its lapse gave 1 day)
    expected[1] = 2  # d and i
    expected[5] = 1  # a (interval 6 from T-1)
    assert list(fc.counts) == expected
    assert fc.total == 5  # c (T+63) and f (T+95) fall later; h is suspended, e new


def test_retention_young_and_mature_per_deck(filled):
    ret = compute_stats(filled, T).retention
    assert (ret.start, ret.end) == (day(-29), T)
    by_deck = {r.deck: r for r in ret.decks}
    assert set(by_deck) == {"ml", "ml::prob", "other"}
    ml = by_deck["ml"]
    # young: a on T-1 and b on T-2, both recalled; a's first review (new) does not count
    assert (ml.young_passed, ml.young_total) == (2, 2)
    # mature: b forgotten on T-3 (its repeat left out), c recalled on T (undone grade left out)
    assert (ml.mature_passed, ml.mature_total) == (1, 2)
    prob = by_deck["ml::prob"]
    # d forgotten on T; its first review, repeat and quiz answer do not count; e only quizzed
    assert (prob.young_passed, prob.young_total, prob.mature_total) == (0, 1, 0)
    assert prob.young == 0.0 and prob.mature is None
    other = by_deck["other"]
    # f recalled on T-5; its review 400 days ago is outside; i was new today
    assert (other.young_total, other.mature_passed, other.mature_total) == (0, 1, 1)
    total = ret.total
    assert (total.young_passed, total.young_total) == (2, 3)
    assert (total.mature_passed, total.mature_total) == (2, 3)
    assert total.overall == pytest.approx(4 / 6)


def test_retention_counts_only_the_first_review_of_a_card_a_day(store):
    store.sync(decks(), ["/decks"])
    before = ReviewState(5, 30, 250, day(-10), 0)
    after_fail = ReviewState(0, 1, 250, day(-9), 1)
    after_pass = ReviewState(1, 1, 250, day(-8), 1)

    def row(grade: int, minute: int, b: ReviewState, a: ReviewState) -> LogEntry:
        return LogEntry(
            0,
            "a:0",
            at(-10, minute),
            day(-10),
            "review",
            grade,
            None,
            None,
            3.0,
            b,
            a,
            False,
            False,
        )

    # an imported log may hold two scheduled reviews of a card on one day
    store.import_log([row(2, 0, before, after_fail), row(5, 1, after_fail, after_pass)])
    ml = compute_stats(store, T).retention.decks[0]
    assert (ml.deck, ml.mature_passed, ml.mature_total, ml.young_total) == ("ml", 0, 1, 0)


def test_cards_by_state(filled):
    states = compute_stats(filled, T).states
    assert states.items() == [
        ("new", 1),  # e
        ("learning", 3),  # b (1 day after its first pass since a lapse), d (forgotten
        # today), i (new today)
        ("young", 2),  # a, j
        ("mature", 2),  # c, f
        ("suspended", 1),  # h
        ("removed", 1),  # g
    ]
    assert states.total == 10


def test_ease_and_interval_distributions(filled):
    stats = compute_stats(filled, T)
    # a, c, f at 2.6; b and i at 2.36 (a grade 3); d (forgetting keeps the ease) and j at 2.5
    ease = {b.label: b.count for b in stats.ease.buckets if b.count}
    assert ease == {"2.3": 2, "2.5": 2, "2.6": 3}
    assert stats.ease.cards == 7
    assert stats.ease.mean == pytest.approx((3 * 260 + 2 * 236 + 2 * 250) / 7 / 100)
    intervals = {b.label: b.count for b in stats.intervals.buckets if b.count}
    assert intervals == {"1 d": 3, "2-6 d": 2, "2-6 mo": 2}  # b d i; a j; c (63) f (100)
    assert stats.intervals.mean == pytest.approx((1 + 1 + 1 + 6 + 6 + 63 + 100) / 7)


def test_hardest_cards_most_lapses_first_with_file_and_line(filled):
    hard = compute_stats(filled, T).hardest
    assert [(h.card_id, h.lapses) for h in hard] == [("d:0", 2), ("b:0", 1)]
    d = hard[0]
    assert (d.deck, Path(d.path).name, d.line, d.front) == ("ml::prob", "prob.md", 2, "front of d")
    assert d.interval_days == 1 and d.ease_pct == 250 and not d.suspended


def test_a_deck_filter_takes_its_sub_decks(filled):
    stats = compute_stats(filled, T, deck="ml")
    assert stats.deck == "ml"
    assert stats.today.answers == 4  # i is in "other"
    assert stats.heatmap.total == 11  # f's review on T-5 and i's today are elsewhere
    assert stats.states.items() == [
        ("new", 1),
        ("learning", 2),
        ("young", 1),
        ("mature", 1),
        ("suspended", 0),
        ("removed", 0),
    ]
    assert [r.deck for r in stats.retention.decks] == ["ml", "ml::prob"]
    assert stats.forecast.total == 3  # b, d, a
    sub = compute_stats(filled, T, deck="ml::prob")
    assert sub.states.total == 2 and sub.today.answers == 3
    assert [h.card_id for h in sub.hardest] == ["d:0"]
    # a name that only shares a prefix is another deck
    assert compute_stats(filled, T, deck="m").states.total == 0
    assert filled.deck_exists("ml::prob") and not filled.deck_exists("m")


def test_a_streak_longer_than_the_heatmap_reads_older_days(store):
    store.sync(decks(), ["/decks"])
    for n in range(-399, 1):
        store.grade("e:0", 4, now=at(n), today=day(n), kind="practice")
    streak = compute_stats(store, T).streak
    assert streak == Streak(400, 400, True, T)
    assert compute_stats(store, T).heatmap.days_studied == 365


def test_empty_collection_has_no_reviews(store):
    stats = compute_stats(store, T)
    assert not stats.has_reviews
    assert stats.today.answers == 0 and stats.today.correct_share is None
    assert stats.streak == Streak()
    assert stats.heatmap.days == () and stats.forecast.total == 0
    assert stats.retention.decks == () and stats.retention.total.overall is None
    assert stats.states.total == 0 and stats.ease.cards == 0 and stats.ease.mean is None
    assert stats.hardest == ()


def test_json_has_every_number(filled):
    doc = stats_to_json(compute_stats(filled, T))
    json.dumps(doc)  # plain data only
    assert doc["today"]["answers"] == 5 and doc["today"]["correct_share"] == 0.8
    assert doc["streak"] == {
        "current": 4,
        "longest": 4,
        "studied_today": True,
        "last_day": "2026-04-10",
    }
    assert doc["heatmap"]["days"]["2026-04-09"] == 3
    assert doc["forecast"]["days"]["2026-04-11"] == 2
    assert doc["retention"]["total"]["mature"] == {"passed": 2, "reviews": 3, "share": 0.6667}
    assert doc["states"]["learning"] == 3 and doc["states"]["total"] == 10
    assert doc["hardest"][0]["card"] == "d:0" and doc["hardest"][0]["line"] == 2


# --- the command ------------------------------------------------------------------------------


@pytest.fixture
def collection(tmp_path: Path) -> list[str]:
    """Options for a file collection holding the known history, with an empty config file."""
    config = tmp_path / "config.toml"
    config.write_text("")
    url = f"sqlite:///{tmp_path / 'c.sqlite3'}"
    with Store(url) as s:
        fill(s)
    return ["--config", str(config), "--db", url]


def test_stats_json_through_the_cli(collection, capsys):
    assert main(["stats", "--json", "--day", T.isoformat(), *collection]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["day"] == "2026-04-10" and doc["deck"] is None
    assert doc["today"]["reviews"] == 3 and doc["states"]["total"] == 10
    assert doc["retention"]["total"]["young"]["reviews"] == 3


def test_stats_json_for_one_deck(collection, capsys):
    assert main(["stats", "--json", "--day", "2026-04-10", "--deck", "ml::prob", *collection]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["deck"] == "ml::prob" and doc["states"]["total"] == 2


def test_stats_report_in_the_terminal(collection, capsys):
    assert main(["stats", "--day", "2026-04-10", *collection]) == 0
    out = capsys.readouterr().out
    assert "\x1b[" not in out  # no colours when not a terminal
    for heading in ("Today", "Reviews per day", "Due in the next 30 days", "Retention"):
        assert heading in out
    assert "5 answers" in out and "80%" in out
    assert "Streak: 4 days" in out
    assert "prob.md:2" in out  # the hardest card, ready to be rewritten


def test_unknown_deck_is_a_clear_error(collection, capsys):
    assert main(["stats", "--deck", "nope", *collection]) == 1
    err = capsys.readouterr().err
    assert err.startswith("flashcards: no deck named 'nope'")
    assert "ml::prob" in err


def test_bad_day_is_a_clear_error(collection, capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["stats", "--day", "yesterday", *collection])
    assert exit_info.value.code == 2
    assert "YYYY-MM-DD" in capsys.readouterr().err


def test_no_reviews_yet_says_so_in_every_view(tmp_path, capsys):
    config = tmp_path / "config.toml"
    config.write_text("")
    url = f"sqlite:///{tmp_path / 'c.sqlite3'}"
    with Store(url) as s:
        s.sync(decks(), ["/decks"])
    assert main(["stats", "--day", "2026-04-10", "--config", str(config), "--db", url]) == 0
    out = capsys.readouterr().out
    assert "No reviews yet" in out
    assert "No reviews in the past year" in out
    assert "No cards due in the next 30 days" in out
    assert "No reviews of cards seen before in the last 30 days" in out
    assert "No card has been reviewed yet" in out
    assert "No card has lapsed yet" in out
    assert "┌" not in out.split("Cards by state")[0]  # no empty axes before the card states


def test_deck_text_is_printed_without_control_characters(tmp_path, capsys):
    config = tmp_path / "config.toml"
    config.write_text("")
    url = f"sqlite:///{tmp_path / 'c.sqlite3'}"
    hostile = Note("x", CardKind.BASIC, "\x1b[2J[bold]wipe\u202eevil\x07", "b", 4, 4)
    with Store(url) as s:
        s.sync([Deck("evil\x1b[31m", Path("/decks/evil.md"), notes=(hostile,))], ["/decks"])
        mature(s, "x:0", 30, T)
        s.grade("x:0", 0, now=at(0), today=T)
    assert main(["stats", "--day", "2026-04-10", "--config", str(config), "--db", url]) == 0
    out = capsys.readouterr().out
    assert "[bold]wipe" in out  # shown as written, minus the controls
    assert not any(c in out for c in "\x1b\x07\u202e")


def test_building_the_command_line_does_not_load_the_stats_queries():
    import subprocess
    import sys

    probe = (
        "from flashcards.cli import build_parser\nbuild_parser()\n"
        "import sys\nprint('flashcards.stats' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert out.stdout.strip().splitlines()[-1] == "False"


# --- the report's words and bars ---------------------------------------------------------------

BLOCKS = "█▉▊▋▌▍▎▏"
STATE_LINE = re.compile(
    rf"(new|learning|young|mature|suspended|removed)\s+(\d+)[^{BLOCKS}\d]*([{BLOCKS}]*)"
)


def drawn_bars(text: str) -> dict[str, tuple[int, float]]:
    """State -> (count, bar length in columns) from the lines under "Cards by state"."""
    bars = {}
    for line in text.split("Cards by state", 1)[1].splitlines()[1:8]:
        m = STATE_LINE.search(line)
        if m:
            bars[m.group(1)] = (int(m.group(2)), bar_length(m.group(3)))
    return bars


def test_state_bars_in_the_report_are_to_scale(filled):
    counts = CardStates(new=540, learning=20, young=35, mature=3, suspended=0, removed=1)
    stats = replace(compute_stats(filled, T), states=counts)
    bars = drawn_bars(report(stats, width=80))
    assert {s: n for s, (n, _) in bars.items()} == dict(counts.items())
    full = bars["new"][1]
    assert full > 50
    for state, (n, length) in bars.items():
        assert length == pytest.approx(full * n / 540, abs=1 / 8), state
    assert bars["removed"][1] > 0  # one card still shows
    assert bars["suspended"][1] == 0


def test_state_bars_fit_their_width_and_keep_a_sliver_for_one_card():
    counts = CardStates(new=100_000, learning=1, young=2, mature=500)
    for width in (30, 60, 78):
        lines = state_bars(counts, width)
        assert all(cells(line) <= width for line in lines)
        lengths = {line.split()[0]: bar_length(line) for line in lines}
        assert lengths["learning"] > 0 and lengths["young"] > 0
        assert lengths["suspended"] == 0 and lengths["removed"] == 0


def test_hardest_questions_are_readable_text(tmp_path, capsys):
    deck_file = tmp_path / "calc.md"
    deck_file.write_text(
        "---\nname: calc\nmacros:\n  \\E: \\mathbb{E}\n---\n\n"
        "Q: What is $\\frac{d}{dx} e^{-x^2/2}$ in terms of $x$ and the density itself?\n"
        "A: $-x e^{-x^2/2}$\n\nQ: $\\E[X]$, $\\nabla_\\theta L$?\nA: a mean\n"
    )
    config = tmp_path / "config.toml"
    config.write_text("")
    url = f"sqlite:///{tmp_path / 'c.sqlite3'}"
    from flashcards.decks import load_deck

    deck, _ = load_deck(deck_file)
    with Store(url) as s:
        s.sync([deck], [deck_file])
        for card in deck.cards:
            mature(s, card.id, 30, T)
            s.grade(card.id, 0, now=at(0), today=T)
    assert main(["stats", "--day", T.isoformat(), "--config", str(config), "--db", url]) == 0
    out = capsys.readouterr().out
    hardest = out.split("Hardest cards")[1].splitlines()[1:]
    assert len(hardest) == 2
    assert not any(c in line for line in hardest for c in "\\$")
    gauss, mean = sorted(hardest, key=lambda line: "𝔼" in line)
    assert "d/dx" in gauss and gauss.endswith("…")  # cut to fit
    assert "𝔼[X]" in mean and "∇" in mean  # the deck's macro \E, and plain LaTeX


def test_hardest_lines_fit_the_width(filled):
    stats = compute_stats(filled, T)
    long = "What is $\\frac{d}{dx} e^{-x^2/2}$ in terms of $x$ and the Gaussian density itself?"
    hard = tuple(replace(h, path="decks/calc.md", front=long) for h in stats.hardest)
    stats = replace(stats, hardest=hard)
    for width in (60, 78, 118):
        lines = hardest_lines(stats, width)
        assert all(cells(line) <= width for line in lines)
        assert all("\\" not in line and "$" not in line for line in lines)
    assert all(line.endswith("…") for line in hardest_lines(stats, 60))


def test_question_line_renders_math_and_unescapes_markdown():
    assert question_line("## What is $x^2$ *here*?\n\nMore") == "What is x² *here*?"
    assert question_line("$\\E[X]$", {"\\E": "\\mathbb{E}"}) == "𝔼[X]"
    # the escape sequence goes whole (flashcards.text), not only its ESC
    assert question_line("a \x1b[2J\u202eb") == "a b"
    cloze = "Then $\\frac{d}{dx}\\log x = {{c1::\\frac{1}{x}}}$, for {{c2::$x > 0$::domain}}."
    assert question_line(cloze, cloze=1) == "Then d/dx log x = ⟦…⟧, for x > 0."
    assert question_line(cloze, cloze=2) == "Then d/dx log x = 1/x, for ⟦domain⟧."


def test_fit_cuts_by_display_width():
    assert fit("short", 10) == "short"
    assert fit("abcdefghij", 5) == "abcd…"
    assert fit("日本語の文章", 7) == "日本語…"  # six columns of text, then the mark
    assert cells(fit("日本語の文章", 8)) <= 8


def test_a_reversed_card_among_the_hardest_shows_the_side_it_asks(store):
    rev = Note("r", CardKind.REVERSIBLE, "the ELBO", "a lower bound on log p(x)", 1, 1)
    store.sync([Deck("vi", Path("/decks/vi.md"), notes=(rev,))], ["/decks"])
    store.grade("r:1", 1, now=at(0), today=day(0))
    (hard,) = compute_stats(store, T).hardest
    assert hard.card_id == "r:1" and hard.front == "a lower bound on log p(x)"


def test_the_heatmap_legend_says_answer_in_the_singular_for_one(store):
    from flashcards.report import heat_legend

    store.sync(decks(), ["/decks"])
    store.grade("a:0", 4, now=at(0), today=day(0))
    assert heat_legend(compute_stats(store, T).heatmap).endswith("1 answer")
    store.grade("b:0", 4, now=at(0, 1), today=day(0))
    assert heat_legend(compute_stats(store, T).heatmap).endswith("2 answers")
