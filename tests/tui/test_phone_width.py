"""A phone's width (about 45 columns in a browser) and other terminals narrower than 80
columns: the footer shows the keys that fit with short labels, and every screen wraps its
text at the width it has, never cutting it off."""

from __future__ import annotations

from textual.widgets import Static
from textual.widgets._footer import FooterKey
from tui_helpers import make_app

from flashcards.cards import CardKind
from tui.screens.decks import DecksScreen
from tui.screens.review import ReviewScreen
from tui.widgets import Footer, FooterItem, narrow_footer

PHONE = (45, 40)
SMALL = (60, 20)


def item(key: str, description: str, action: str, display: str | None = None) -> FooterItem:
    return FooterItem(key, display or key, description, action, True)


REVIEW_QUESTION = [
    item("space", "Show answer", "reveal"),
    item("u", "Undo", "undo"),
    item("exclamation_mark", "Suspend", "suspend", "!"),
    item("minus", "Bury", "bury", "-"),
    item("e", "Edit", "edit"),
    item("i", "Info", "info"),
    item("q", "End", "leave"),
    item("question_mark", "Help", "help", "?"),
]
VERDICT = [
    *(
        item(str(g), name, f"grade({g})")
        for g, name in enumerate(["Blank", "Wrong", "Almost", "Hard", "Good", "Easy"])
    ),
    item("u", "Undo", "undo"),
    item("exclamation_mark", "Suspend", "suspend", "!"),
    item("q", "End", "leave"),
    item("question_mark", "Help", "help", "?"),
]


def labels(shown) -> list[str]:
    return [f"{s.display} {s.label}".strip() for s in shown]


def width_of(shown) -> int:
    """Columns the shown keys take: each key and its label, a space after each."""
    return sum(len(s.display) + (len(s.label) + 1 if s.label else 0) + 1 for s in shown)


# -- the pure choice of keys ---------------------------------------------------------------


def test_at_45_columns_the_most_needed_keys_show_with_short_labels_and_help_last() -> None:
    shown = narrow_footer(REVIEW_QUESTION, 45)
    assert labels(shown)[0] == "space answer"
    assert {"u undo", "q end"} <= set(labels(shown))
    assert labels(shown)[-1] == "? help"
    assert width_of(shown) <= 45


def test_the_grades_are_one_group_of_keys_with_one_label() -> None:
    shown = narrow_footer(VERDICT, 45)
    assert [s.display for s in shown[:6]] == list("012345")
    assert [s.label for s in shown[:5]] == [""] * 5 and shown[5].label == "grade"
    assert "u undo" in labels(shown) and "q end" in labels(shown)
    assert labels(shown)[-1] == "? help"
    assert width_of(shown) <= 45


def test_keys_that_do_not_fit_are_left_out_in_order_of_need() -> None:
    wide = narrow_footer(REVIEW_QUESTION, 79)
    assert labels(wide) == [
        "space answer",
        "u undo",
        "! suspend",
        "- bury",
        "e edit",
        "i info",
        "q end",
        "? help",
    ]
    narrow = narrow_footer(REVIEW_QUESTION, 33)
    assert labels(narrow) == ["space answer", "u undo", "q end", "? help"]
    assert narrow_footer(REVIEW_QUESTION, 8) == []  # not even one key and help


def test_whatever_the_width_the_keys_fit_and_keep_their_order() -> None:
    order = [i.key for i in REVIEW_QUESTION]
    for width in range(1, 80):
        shown = narrow_footer(REVIEW_QUESTION, width)
        assert width_of(shown) <= width
        keys = [s.key for s in shown]
        assert keys == sorted(keys, key=order.index)


# -- the study app at a phone's width -----------------------------------------------------


async def settle(app, pilot) -> None:
    await app.workers.wait_for_complete()
    await pilot.pause()
    await pilot.pause()


def footer_labels(screen) -> list[str]:
    keys = screen.query_one(Footer).query(FooterKey)
    return [f"{k.key_display} {k.description}".strip() for k in keys if not k.disabled]


def footer_text(screen) -> str:
    """Everything the footer shows: its keys and any line of text."""
    footer = screen.query_one(Footer)
    return " ".join([*footer_labels(screen), *(str(s.render()) for s in footer.query(Static))])


def lines_of(widget) -> list[str]:
    return [widget.render_line(y).text for y in range(widget.size.height)]


async def test_at_a_phones_width_the_footer_shows_keys_and_they_work(store, deck_dir) -> None:
    app = make_app(store, deck_dir)
    async with app.run_test(size=PHONE) as pilot:
        await settle(app, pilot)
        shown = footer_labels(app.screen)
        assert shown[0] == "⏎ study" and "z quiz" in shown and shown[-1] == "? help"
        assert "80×24" not in footer_text(app.screen)
        await pilot.press("enter")
        await settle(app, pilot)
        screen = app.screen
        assert isinstance(screen, ReviewScreen)
        assert screen.card.kind is CardKind.BASIC
        assert footer_labels(screen)[0] == "space answer"
        await pilot.press("space")
        await settle(app, pilot)
        shown = footer_labels(screen)
        assert shown[:6] == ["0", "1", "2", "3", "4", "5 grade"]
        assert "q end" in shown and shown[-1] == "? help"
        first = screen.card.id
        await pilot.press("4")
        await settle(app, pilot)
        assert screen.card.id != first
        assert "u undo" in footer_labels(screen)
        await pilot.press("u")
        await settle(app, pilot)
        assert screen.card.id == first


async def test_a_tap_on_a_footer_key_presses_it(store, deck_dir) -> None:
    app = make_app(store, deck_dir)
    async with app.run_test(size=PHONE) as pilot:
        await settle(app, pilot)
        await pilot.press("enter")
        await settle(app, pilot)
        screen = app.screen
        await pilot.press("space")
        await settle(app, pilot)
        first = screen.card.id
        five = next(k for k in screen.query_one(Footer).query(FooterKey) if k.key == "5")
        await pilot.click(five)
        await settle(app, pilot)
        assert screen.card.id != first


async def test_at_60x20_the_footer_shows_the_keys_not_the_minimum_size(store, deck_dir) -> None:
    app = make_app(store, deck_dir)
    async with app.run_test(size=SMALL) as pilot:
        await settle(app, pilot)
        await pilot.press("enter")
        await settle(app, pilot)
        screen = app.screen
        assert "80×24" not in footer_text(screen)
        assert footer_labels(screen)[0] == "space answer"
        assert {"u undo", "q end", "? help"} <= set(footer_labels(screen)) or (
            {"q end", "? help"} <= set(footer_labels(screen))
        )
        await pilot.resize_terminal(80, 24)
        await settle(app, pilot)
        assert footer_labels(screen)[0] == "space Show answer"  # the full footer again
        await pilot.resize_terminal(*SMALL)
        await settle(app, pilot)
        assert footer_labels(screen)[0] == "space answer"


async def test_too_narrow_for_any_key_the_footer_says_so(store, deck_dir) -> None:
    app = make_app(store, deck_dir)
    async with app.run_test(size=(10, 20)) as pilot:
        await settle(app, pilot)
        await pilot.press("enter")
        await settle(app, pilot)
        assert "10×20" in footer_text(app.screen)


async def test_at_a_phones_width_the_deck_list_rows_fit_on_one_line(store, deck_dir) -> None:
    from textual.widgets import OptionList

    app = make_app(store, deck_dir)
    async with app.run_test(size=PHONE) as pilot:
        await settle(app, pilot)
        screen = app.screen
        assert isinstance(screen, DecksScreen)
        options = screen.query_one(OptionList)
        shown = [line.rstrip() for line in lines_of(options)[: options.option_count]]
        assert shown[0].split()[:2] == ["All", "decks"]
        assert all(line.split()[-1] in ("·",) or line.split()[-1].isdigit() for line in shown)
        columns = str(screen.query_one("#columns", Static).render())
        assert columns.split() == ["Deck", "New", "Rep", "Rev"]
        totals = screen.query_one("#totals", Static)
        text = " ".join(line.strip() for line in lines_of(totals))
        assert "today:" in text and text.rstrip().endswith("review")


def inside_screen(screen) -> list[str]:
    """Shown widgets that reach past the screen's right edge (cut off), by id or type."""
    width = screen.size.width
    return [
        w.id or type(w).__name__
        for w in screen.query("*")
        if w.display and w.region.width and w.region.right > width
    ]


async def test_at_a_phones_width_no_screen_reaches_past_the_right_edge(store, deck_dir) -> None:
    from tui.screens.quiz import QuizSummaryScreen
    from tui.screens.stats import StatsScreen
    from tui.screens.summary import SummaryScreen

    app = make_app(store, deck_dir)
    async with app.run_test(size=PHONE) as pilot:
        await settle(app, pilot)
        assert inside_screen(app.screen) == []
        await pilot.press("question_mark")
        await settle(app, pilot)
        assert inside_screen(app.screen) == []  # the help
        await pilot.press("escape")
        await settle(app, pilot)
        await pilot.press("enter")
        await settle(app, pilot)
        screen = app.screen
        await pilot.press("space")
        await settle(app, pilot)
        assert inside_screen(screen) == []
        await pilot.press("i")
        await settle(app, pilot)
        assert inside_screen(app.screen) == []  # the card's info
        await pilot.press("escape")
        await settle(app, pilot)
        assert app.screen is screen
        await pilot.press("5", "q")
        await settle(app, pilot)
        assert isinstance(app.screen, SummaryScreen)
        assert inside_screen(app.screen) == []
        summary = app.screen.query_one("#numbers", Static)
        assert "Cards reviewed     1" in str(summary.render())
        await pilot.press("enter")
        await settle(app, pilot)
        app.push_screen(StatsScreen())
        await settle(app, pilot)
        await settle(app, pilot)
        assert isinstance(app.screen, StatsScreen)
        assert inside_screen(app.screen) == []
        for panel in app.screen.query(".panel"):
            for child in panel.query("*"):
                if child.display and child.region.width:
                    assert child.region.right <= panel.region.right, child.id
        await pilot.press("escape")
        await settle(app, pilot)
        await pilot.press("z")
        await settle(app, pilot)
        app.screen.finish()  # end the quiz, whatever card it began with
        await settle(app, pilot)
        assert isinstance(app.screen, QuizSummaryScreen)
        assert inside_screen(app.screen) == []


async def test_at_a_phones_width_quiz_scores_keep_name_and_score_on_one_line(
    store, deck_dir
) -> None:
    from tui.screens.quiz import score_table

    app = make_app(store, deck_dir)
    async with app.run_test(size=PHONE):
        cards = app.cards
        results = dict.fromkeys(list(cards)[:3], True)
        lines, _ = score_table(results, cards, PHONE[0] - 9)
        assert all(len(line) <= PHONE[0] - 9 for line in lines)
        assert any(line.strip().startswith("Sample") and line.endswith("/3") for line in lines)
