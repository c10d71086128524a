"""What got in a new learner's way while studying: prompts, notices, time, quiz siblings,
the footer, Hard's same-day repeat, answers written as numbered lines, the new-card limit."""

from __future__ import annotations

from textual.widgets import Input, Static
from tui_helpers import DATA, make_app

from flashcards.cards import CardKind
from flashcards.session import note_of
from tui.app import StudyOptions
from tui.screens.quiz import QuizScreen, QuizSummaryScreen
from tui.screens.review import ReviewScreen
from tui.screens.summary import SummaryScreen
from tui.widgets.notices import NoticeBar


async def settle(app, pilot) -> None:
    await app.workers.wait_for_complete()
    await pilot.pause()


async def study(app, pilot) -> ReviewScreen:
    await settle(app, pilot)
    await pilot.press("enter")
    await pilot.pause()
    assert isinstance(app.screen, ReviewScreen)
    return app.screen


async def answer(app, pilot, grade: str = "4") -> None:
    """Answer the card on screen right, then grade it."""
    screen = app.screen
    card = screen.card
    if card.kind in (CardKind.BASIC, CardKind.REVERSIBLE, CardKind.CLOZE):
        await pilot.press("space")
    elif card.kind is CardKind.CHOICE:
        letters = [chr(97 + i) for i, c in enumerate(card.note.choices) if c.correct]
        await pilot.press(*letters, "enter")
    elif card.kind is CardKind.MATH:
        await pilot.press("2", "x", "enter")
        await settle(app, pilot)
    else:
        await pilot.press(*"ELBO", "enter")
    await pilot.pause()
    await pilot.press(grade)
    await pilot.pause()


async def study_to(app, pilot, kind: CardKind) -> ReviewScreen:
    screen = await study(app, pilot)
    while screen.card.kind is not kind:
        await answer(app, pilot)
    return screen


def notices(screen) -> str:
    bar = screen.query_one(NoticeBar)
    return str(bar.render()) if bar.display else ""


# -- 5. prompts ------------------------------------------------------------------------------


async def test_math_and_text_cards_ask_for_a_formula_and_for_words(store, deck_dir) -> None:
    app = make_app(store, deck_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await study_to(app, pilot, CardKind.MATH)
        box = screen.query_one("#answer", Input)
        math_prompt = box.placeholder
        assert "formula" in math_prompt and "2x + 1" in math_prompt
        shown = "".join(box.render_line(y).text for y in range(box.size.height))
        assert math_prompt in shown  # whole at 80 columns, not cut at its last word
        while screen.card.kind is not CardKind.TEXT:
            await answer(app, pilot)
        text_prompt = screen.query_one("#answer", Input).placeholder
        assert "words" in text_prompt and "formula" not in text_prompt
        # whole in the box at 80 columns (a longer one is cut at its last word that fits)
        box = screen.query_one("#answer", Input)
        shown = "".join(box.render_line(y).text for y in range(box.size.height))
        assert text_prompt in shown


# -- 6. notices ------------------------------------------------------------------------------


async def test_a_notice_about_a_card_goes_when_the_next_card_shows(store, deck_dir) -> None:
    app = make_app(store, deck_dir)
    app.NOTIFICATION_TIMEOUT = 60  # a busy machine never sees it expire first
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await study_to(app, pilot, CardKind.CHOICE)
        await pilot.press("enter")  # nothing picked
        await pilot.pause()
        assert "Pick your answer first" in notices(screen)
        await pilot.press("a", "c", "enter", "4")
        await pilot.pause()
        assert screen.card.kind is not CardKind.CHOICE
        assert "Pick your answer first" not in notices(screen)


async def test_a_notice_takes_its_own_lines_and_never_covers_the_card(store, deck_dir) -> None:
    app = make_app(store, deck_dir)
    app.NOTIFICATION_TIMEOUT = 60
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await study(app, pilot)
        await pilot.press("minus")  # bury: "Buried until tomorrow"
        await pilot.pause()
        bar = screen.query_one(NoticeBar)
        assert "Buried until tomorrow" in notices(screen)
        card = screen.query_one("#card").region
        assert card.bottom <= bar.region.y  # under the card, not over its border
        assert not app.screen.query("Toast")


async def test_a_toast_left_from_the_deck_list_is_not_drawn_over_a_card(store, deck_dir):
    from textual.app import App
    from textual.widgets._toast import Toast

    app = make_app(store, deck_dir)
    app.NOTIFICATION_TIMEOUT = 60
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await settle(app, pilot)
        app.notify("a notice on the deck list")
        await pilot.pause()
        # the deck list shows notices as lines too (NoticeBar), not as toasts over the decks
        assert "a notice on the deck list" in notices(app.screen)
        assert not app.screen.query(Toast)
        # a toast of Textual's own (raised where no notice line is) is not drawn either
        App.notify(app, "a toast on the deck list")
        await pilot.pause()
        assert app.screen.query(Toast)
        assert not any(t.display for t in app.screen.query(Toast))
        screen = await study(app, pilot)
        await pilot.pause()
        assert screen.query(Toast)  # Textual moved it to the study screen, which hides it
        assert not any(t.display for t in screen.query(Toast))


async def test_at_80x24_the_quiz_missed_list_is_not_covered(store, deck_dir) -> None:
    app = make_app(store, deck_dir, options=StudyOptions(quiz=True, count=20, seed=3))
    app.NOTIFICATION_TIMEOUT = 60
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        screen = app.screen
        assert isinstance(screen, QuizScreen)
        await answer(app, pilot, grade="1")  # one missed card
        if screen.phase == "typing":
            await pilot.press("tab")
        await pilot.press("q")  # asks first: a notice
        await pilot.pause()
        assert "not answered yet" in notices(screen)
        await pilot.press("q")
        await pilot.pause()
        summary = app.screen
        assert isinstance(summary, QuizSummaryScreen)
        assert "not answered yet" not in notices(summary)
        missed = summary.query_one("#missed", Static)
        assert missed.region.height >= 1
        assert missed.region.bottom <= summary.query_one(NoticeBar).region.y or not notices(summary)
        assert not summary.query("Toast")


async def test_a_notice_from_a_worker_thread_reaches_the_notice_line(store, deck_dir) -> None:
    import threading

    app = make_app(store, deck_dir)
    app.NOTIFICATION_TIMEOUT = 60
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await study(app, pilot)
        thread = threading.Thread(target=lambda: app.notify("from a thread"))
        thread.start()
        while thread.is_alive():
            await pilot.pause(0.05)
        await pilot.pause()
        assert "from a thread" in notices(screen)


# -- 7. time ---------------------------------------------------------------------------------


async def test_the_summary_and_the_stats_count_the_same_time(store, deck_dir) -> None:
    from tui_helpers import TODAY

    from flashcards.stats import compute_stats
    from flashcards.text import duration

    now = [1000.0]

    def clock() -> float:
        now[0] += 7.3  # every read of the clock is 7.3 s later
        return now[0]

    app = make_app(store, deck_dir)
    app.clock = clock
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await study(app, pilot)
        for _ in range(3):
            await answer(app, pilot)
        now[0] += 600  # a long pause before ending: not time spent answering
        await pilot.press("q")
        await pilot.pause()
        assert isinstance(app.screen, SummaryScreen)
        shown = str(app.screen.query_one("#numbers", Static).render())
    spent = compute_stats(store, TODAY).today.seconds
    assert spent > 0 and screen.stats["seconds"] == spent
    assert f"Time spent         {duration(spent)}" in shown


# -- 8. quiz siblings ------------------------------------------------------------------------


async def test_a_quiz_round_never_asks_both_sides_of_one_note(store, deck_dir) -> None:
    for seed in range(6):
        app = make_app(store, deck_dir, options=StudyOptions(quiz=True, count=20, seed=seed))
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(app, pilot)
            screen = app.screen
            assert isinstance(screen, QuizScreen)
            notes = [note_of(c) for c in screen.session.pending]
            assert len(notes) == len(set(notes))
            # the deck's reversible note is asked once, one side or the other
            assert sum(n == note_of(c) for n in notes for c in app.cards if "kl-rev" in c) == 2


# -- 9. footer and palette -------------------------------------------------------------------


def footer_keys(screen) -> list[str]:
    from textual.widgets._footer import FooterKey

    from tui.widgets import Footer

    return [k.key_display for k in screen.query_one(Footer).query(FooterKey) if not k.disabled]


async def test_once_the_answer_shows_the_footer_offers_suspend(store, deck_dir) -> None:
    app = make_app(store, deck_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await study_to(app, pilot, CardKind.MATH)
        await pilot.press("3", "x", "enter")  # rejected: every key of the answer shows
        await settle(app, pilot)
        assert screen.phase == "verdict"
        await pilot.press("4")
        await pilot.press("u")  # something to undo as well
        await settle(app, pilot)
        await pilot.press("3", "x", "enter")
        await settle(app, pilot)
        keys = footer_keys(screen)
        assert "!" in keys and "u" in keys and "5" in keys
        # every key fits at 80 columns: none is cut
        from textual.widgets._footer import FooterKey

        for key in screen.query(FooterKey):
            assert key.region.right <= 80
        await pilot.press("exclamation_mark")
        await pilot.pause()
        assert screen.card is None or store.state(screen.card.id) is not None
    assert any(c.suspended for c in store.cards(store.card_ids()).values())


async def test_the_command_palette_opens_the_statistics(store, deck_dir) -> None:
    from tui.screens.stats import StatsScreen

    app = make_app(store, deck_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        names = [c.title for c in app.get_system_commands(app.screen)]
        assert "Statistics" in names
        command = next(c for c in app.get_system_commands(app.screen) if c.title == "Statistics")
        command.callback()
        await pilot.pause()
        assert isinstance(app.screen, StatsScreen)


async def test_below_80_columns_the_footer_shows_the_keys_that_fit(store, deck_dir) -> None:
    from tui.widgets import Footer

    app = make_app(store, deck_dir)
    async with app.run_test(size=(60, 20)) as pilot:
        screen = await study(app, pilot)
        footer = screen.query_one(Footer)
        # short labels, the most needed keys first, help last; no minimum-size line
        assert footer_keys(screen)[0] == "space" and footer_keys(screen)[-1] == "?"
        assert "q" in footer_keys(screen)
        assert not footer.query(Static)
        await pilot.resize_terminal(10, 20)  # not even one key and help fit: it says so
        await pilot.pause()
        await pilot.pause()
        assert "10×20" in " ".join(str(s.render()) for s in footer.query(Static))
        await pilot.resize_terminal(80, 24)
        await pilot.pause()
        await pilot.pause()
        assert not footer.query(Static)
        assert footer_keys(screen)


# -- 10. Hard ----------------------------------------------------------------------------------


async def test_the_first_grades_shown_say_that_hard_comes_back_today(store, deck_dir) -> None:
    from tui.review_flow import HARD_NOTE
    from tui.screens.help import HELP

    assert "later today" in HARD_NOTE and "3" in HARD_NOTE
    assert HARD_NOTE in " ".join(HELP.split())
    app = make_app(store, deck_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await study(app, pilot)
        await pilot.press("space")
        await pilot.pause()
        # a line above the footer's grade keys, not inside the card between its sides
        notices = screen.query_one("#notices", Static)
        assert notices.display and HARD_NOTE in str(notices.render())
        assert HARD_NOTE not in str(screen.query_one("#verdict", Static).render())
        assert notices.region.y > screen.query_one("#card").region.bottom - 1
        await pilot.press("4")
        await pilot.pause()
        assert HARD_NOTE not in str(notices.render())  # it went with its card
        await answer(app, pilot)  # the second card: grades shown before, no note
        await pilot.pause()
        if screen.card is not None and screen.phase == "question":
            await pilot.press("space")
            await pilot.pause()
            assert HARD_NOTE not in str(notices.render())


async def test_an_answer_that_starts_like_a_numbered_line_is_shown_as_written(store, tmp_path):
    folder = tmp_path / "decks"
    folder.mkdir()
    (folder / "numbers.md").write_text(
        "Q: How many values does a probability take at most?\n"
        "A: 1. Every probability lies in [0, 1].\n"
    )
    app = make_app(store, folder)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await study(app, pilot)
        await pilot.press("space")
        await pilot.pause()
        from textual.widgets import Markdown

        back = screen.query_one("#back", Markdown)
        shown = " ".join(str(b.render()) for b in back.query("MarkdownBlock"))
        assert "1. Every probability" in shown
        assert not back.query("MarkdownOrderedList")


def test_only_the_first_line_loses_its_list_number() -> None:
    from tui.render import first_line_as_written

    assert first_line_as_written("1. Every probability") == "1\\. Every probability"
    assert first_line_as_written("  12) twelve") == "  12\\) twelve"
    assert first_line_as_written("1.5 is a number") == "1.5 is a number"
    assert first_line_as_written("Steps:\n1. one\n2. two") == "Steps:\n1. one\n2. two"


def test_data_folder_holds_the_study_deck() -> None:
    assert (DATA / "study" / "study.md").is_file()


# -- 12. the daily new-card limit ------------------------------------------------------------


async def test_with_the_new_limit_used_up_the_deck_list_says_why_and_offers_more(
    store, tmp_path
) -> None:
    from datetime import UTC, datetime

    from tui_helpers import TODAY

    folder = tmp_path / "decks"
    folder.mkdir()
    (folder / "many.md").write_text(
        "".join(f"Question {i} :: answer {i}\n\n" for i in range(25)), encoding="utf-8"
    )
    app = make_app(store, folder)
    shown: list[str] = []
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        # the day's 20 new cards were studied already (in another window)
        for card in store.queue(TODAY)[:20]:
            store.grade(card, 5, now=datetime.now(UTC), today=TODAY)
        app.notify = lambda message, **kw: shown.append(message)  # type: ignore[method-assign]
        assert "n" not in footer_keys(app.screen)
        await pilot.press("enter")
        await pilot.pause()
        assert not isinstance(app.screen, ReviewScreen)
        assert any("new-card limit is used up" in m and "5 new cards wait" in m for m in shown)
        assert "n" in footer_keys(app.screen)
        await pilot.press("n")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ReviewScreen)
        assert len(screen.session.pending) == 5
    # the setting is as it was: a new run of the app finds nothing new today
    assert store.queue(TODAY) == []
