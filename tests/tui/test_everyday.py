"""Small things met every day in the study app: the live reading of a typed formula reads
it as the check does, formulas in choice options wrap whole, the deck list's notices are
lines of its layout."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Static
from tui_helpers import make_app

from flashcards.cards import CardKind
from tui.screens.review import ReviewScreen

SIGMA_DECK = """\
## Write $1 - \\sigma(x)$ another way {#logistic}

```answer
expected: 1 - \\sigma(x)
```

## Write the variance of a scaled variable {#variance}

```answer
expected: \\sigma^2
```

## Write the logistic function's complement {#defined}

```answer
expected: s(x)
define:
  - s(x) = 1/(1 + e^(-x))
```
"""


async def settle(app, pilot) -> None:
    await app.workers.wait_for_complete()
    await pilot.pause()


def sigma_app(store, tmp_path: Path):
    folder = tmp_path / "decks"
    folder.mkdir()
    (folder / "sigma.md").write_text(SIGMA_DECK, encoding="utf-8")
    app = make_app(store, folder)
    assert not app.problems
    return app


async def preview_of(app, pilot, note_id: str, typed: str) -> str:
    """The line under the answer box after typing `typed` on the card of `note_id`."""
    screen = app.screen
    assert isinstance(screen, ReviewScreen)
    while screen.card.note.id != note_id:
        await pilot.press("escape")  # give up: the answer shows
        await pilot.pause()
        await pilot.press("5")
        await pilot.pause()
    assert screen.card.kind is CardKind.MATH
    await pilot.press(*typed)
    await pilot.pause()
    return str(screen.query_one("#preview", Static).render())


async def test_the_preview_reads_sigma_as_the_logistic_function_where_the_check_does(
    store, tmp_path
) -> None:
    from flashcards.answers import read_answer

    app = sigma_app(store, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await pilot.press("enter")
        await pilot.pause()
        shown = await preview_of(app, pilot, "logistic", "sigma(-x)")
        # the expected answer writes σ as a function: the check reads σ(-x), so does the line
        checked = read_answer("sigma(-x)", expected=r"1 - \sigma(x)")
        assert checked.pretty == "σ(-x)"
        assert shown == "read as: σ(-x)"


async def test_the_preview_keeps_sigma_a_variable_where_the_card_does(store, tmp_path) -> None:
    app = sigma_app(store, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await pilot.press("enter")
        await pilot.pause()
        assert await preview_of(app, pilot, "variance", "sigma(-x)") == "read as: σ·(-x)"


async def test_the_preview_reads_a_function_the_card_defines(store, tmp_path) -> None:
    app = sigma_app(store, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await pilot.press("enter")
        await pilot.pause()
        assert await preview_of(app, pilot, "defined", "s(-x)") == "read as: s(-x)"


# -- formulas in choice options ----------------------------------------------------------------

CHOICE_DECK = """\
## Which is the ELBO's gap? {#gap}

- [x] It is, for every q and every x, $D_{\\mathrm{KL}}(q(z) \\| p(z \\mid x)) = \\mathbb{E}_{q}[\\log q(z) - \\log p(z \\mid x)]$ always
- [ ] It is $\\log p(x)$
"""
#: The first option's formula as the screen shows it (blanks as spaces).
PREFIX = "It is, for every q and every x,"
LONG_FORMULA = "D_KL(q(z) ‖ p(z | x)) = 𝔼_q[log q(z) - log p(z | x)]"


def option_lines(screen, index: int) -> list[str]:
    """The lines the option's text takes on screen, blanks read as spaces."""
    from flashcards.latex import UNBREAKABLE_SPACE

    text = screen.choices[index].query_one(".choice-text", Static)
    lines = [text.render_line(y).text for y in range(text.size.height)]
    return [line.replace(UNBREAKABLE_SPACE, " ").rstrip() for line in lines]


async def choice_screen(app, pilot):
    await settle(app, pilot)
    await pilot.press("enter")
    await pilot.pause()
    screen = app.screen
    assert screen.card.kind is CardKind.CHOICE
    return screen


def choice_app(store, tmp_path: Path):
    folder = tmp_path / "decks"
    folder.mkdir()
    (folder / "choice.md").write_text(CHOICE_DECK, encoding="utf-8")
    app = make_app(store, folder)
    assert not app.problems
    return app


async def test_a_formula_in_a_choice_option_stays_on_one_line_where_it_fits(
    store, tmp_path
) -> None:
    assert len(LONG_FORMULA) == 52
    app = choice_app(store, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await choice_screen(app, pilot)
        lines = option_lines(screen, 0)
        assert any(LONG_FORMULA in line for line in lines), lines
        assert " ".join(lines) == f"{PREFIX} {LONG_FORMULA} always"


async def test_a_formula_wider_than_a_choice_option_breaks_only_after_a_top_level_sign(
    store, tmp_path
) -> None:
    app = choice_app(store, tmp_path)
    async with app.run_test(size=(45, 40)) as pilot:
        screen = await choice_screen(app, pilot)
        lines = option_lines(screen, 0)
        assert " ".join(line.strip() for line in lines) == f"{PREFIX} {LONG_FORMULA} always"
        # broken where the renderer allows it: after the top-level "=", never inside brackets
        at = lines.index("D_KL(q(z) ‖ p(z | x)) =")
        assert lines[at + 1].startswith("𝔼_q[log q(z) - log p(z | x)]")
        assert all(len(line) <= 45 for line in lines)


# -- the deck list's notices -------------------------------------------------------------------


def limit_used_app(store, tmp_path: Path):
    """A deck of 25 new cards (see `use_up_the_limit`)."""
    folder = tmp_path / "decks"
    folder.mkdir()
    (folder / "many.md").write_text(
        "".join(f"Question {i} :: answer {i}\n\n" for i in range(25)), encoding="utf-8"
    )
    return make_app(store, folder)


async def use_up_the_limit(app, pilot, store) -> None:
    """The day's 20 new cards were studied (in another window): five new cards wait."""
    from datetime import UTC, datetime

    from tui_helpers import TODAY

    await settle(app, pilot)
    for card in store.queue(TODAY)[:20]:
        store.grade(card, 5, now=datetime.now(UTC), today=TODAY)


def bar_lines(screen) -> list[str]:
    from tui.widgets.notices import NoticeBar

    bar = screen.query_one(NoticeBar)
    if not bar.display:
        return []
    return [bar.render_line(y).text.strip() for y in range(bar.size.height)]


async def test_the_deck_list_shows_notices_as_lines_above_its_footer(store, tmp_path) -> None:
    from textual.widgets._toast import Toast

    from tui.screens.decks import DecksScreen
    from tui.widgets import Footer
    from tui.widgets.notices import NoticeBar

    app = limit_used_app(store, tmp_path)
    app.NOTIFICATION_TIMEOUT = 60
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await use_up_the_limit(app, pilot, store)
        await pilot.press("enter")  # nothing to study: the notice says why
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, DecksScreen)
        shown = " ".join(bar_lines(screen))
        assert "new-card limit is used up" in shown and "Press n" in shown
        assert not any(t.display for t in screen.query(Toast))  # nothing pops over the decks
        bar = screen.query_one(NoticeBar).region
        assert screen.query_one("#deck-box").region.bottom <= bar.y
        assert bar.bottom <= screen.query_one(Footer).region.y


async def test_at_45_columns_the_new_card_limit_notice_reads_whole(store, tmp_path) -> None:
    app = limit_used_app(store, tmp_path)
    app.NOTIFICATION_TIMEOUT = 60
    async with app.run_test(size=(45, 40)) as pilot:
        await use_up_the_limit(app, pilot, store)
        await pilot.press("enter")
        await pilot.pause()
        lines = bar_lines(app.screen)
        assert all(len(line) <= 45 for line in lines)
        assert " ".join(lines) == (
            "Nothing due: Today's new-card limit is used up; 5 new cards wait here. Press n "
            "to study 20 more today (the setting stays as it is)."
        )
        await pilot.press("n")
        await pilot.pause()
        assert isinstance(app.screen, ReviewScreen)


# -- formulas in the card text at a phone's width ---------------------------------------------

WIDE_CARD = """\
Q: What is the gap of the ELBO, in full? {#gap-text}
A: It is $D_{\\mathrm{KL}}(q(z) \\| p(z \\mid x)) = \\mathbb{E}_{q}[\\log q(z) - \\log p(z \\mid x)]$ always.
"""


def markdown_lines(markdown) -> list[str]:
    """The lines a Markdown widget shows, blanks read as spaces."""
    from flashcards.latex import UNBREAKABLE_SPACE

    lines: list[str] = []
    for block in markdown.query("MarkdownParagraph"):
        for y in range(block.size.height):
            line = block.render_line(y).text.replace(UNBREAKABLE_SPACE, " ").strip()
            if line:
                lines.append(line)
    return lines


async def test_at_a_phones_width_a_formula_in_the_card_breaks_only_after_a_top_level_sign(
    store, tmp_path
) -> None:
    folder = tmp_path / "decks"
    folder.mkdir()
    (folder / "wide.md").write_text(WIDE_CARD, encoding="utf-8")
    app = make_app(store, folder)
    assert not app.problems
    async with app.run_test(size=(45, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("enter")
        await pilot.pause()
        await pilot.press("space")
        await pilot.pause()
        await pilot.pause()
        lines = markdown_lines(app.screen.query_one("#back"))
        assert " ".join(lines) == f"It is {LONG_FORMULA} always."
        at = next(i for i, line in enumerate(lines) if line.endswith("D_KL(q(z) ‖ p(z | x)) ="))
        assert lines[at + 1].startswith("𝔼_q[log q(z) - log p(z | x)]")
