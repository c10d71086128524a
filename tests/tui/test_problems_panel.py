"""The deck list's problems panel says what happened to each card: left out or kept."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Static
from tui_helpers import make_app

from flashcards.errors import Problem, problems_summary
from tui.screens.review import ReviewScreen


def test_the_summary_counts_errors_and_warnings_and_says_what_each_does():
    error = Problem(Path("d.md"), 1, 1, "question with no answer")
    warning = Problem(Path("d.md"), 2, 5, "unterminated math", warning=True)
    assert problems_summary([error]) == "1 problem in the decks: 1 error (card left out)"
    assert problems_summary([warning, warning]) == (
        "2 problems in the decks: 2 warnings (cards kept)"
    )
    assert problems_summary([error, error, warning]) == (
        "3 problems in the decks: 2 errors (cards left out), 1 warning (card kept)"
    )
    assert problems_summary([]) == "no problems in the decks"


async def test_a_card_with_a_warning_is_studied_and_the_panel_says_it_is_kept(
    store, tmp_path
) -> None:
    (tmp_path / "d.md").write_text("Q: no answer here\n\nQ: price?\nA: it costs $5 today\n")
    app = make_app(store, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        text = str(app.screen.query_one("#problem-list", Static).render())
        assert "2 problems in the decks: 1 error (card left out), 1 warning (card kept)" in text
        assert "d.md:4:13: warning: unterminated math" in text
        assert "left out;" not in text.replace("card left out", "")
        await pilot.press("escape", "enter")
        await pilot.pause()
        assert isinstance(app.screen, ReviewScreen)
        assert app.screen.card.note.front == "price?"  # the card with a warning is studied
