"""Card sides as safe terminal Markdown: controls stripped, HTML escaped, images contained."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tui_helpers import DATA

from flashcards.decks import load_decks
from tui.render import (
    expected_text,
    normalise_text,
    resolve_image,
    side_markdown,
    strip_controls,
    text_answer_matches,
)


def test_escape_sequences_and_control_characters_are_removed() -> None:
    hostile = "a\x1b[31mred\x1b[0m \x1b]0;title\x07b\x9b2Jc\x00d\u202eevil\ttab\nline"
    assert strip_controls(hostile) == "ared bcdevil\ttab\nline"


def test_raw_html_is_escaped_outside_code() -> None:
    md, _ = side_markdown("<b>bold</b> and `<i>` kept\n\n```\n<div>\n```\n")
    assert md.startswith("\\<b>bold\\</b> and `<i>` kept")
    assert "\n<div>\n" in md


def test_rich_markup_is_left_as_text() -> None:
    md, _ = side_markdown("[@click=app.quit]x[/] [bold]y[/bold]")
    assert md == "[@click=app.quit]x[/] [bold]y[/bold]"


def test_image_becomes_a_placeholder_with_its_caption(tmp_path: Path) -> None:
    deck = tmp_path / "deck.md"
    (tmp_path / "dag.png").write_bytes(b"\x89PNG")
    md, images = side_markdown("See ![the DAG](dag.png) here.", None, deck)
    assert "\\[image: the DAG — press o to open\\]" in md
    assert images[0].caption == "the DAG" and images[0].path == (tmp_path / "dag.png").resolve()


def test_images_outside_the_deck_folder_are_never_opened(tmp_path: Path) -> None:
    inner = tmp_path / "decks"
    inner.mkdir()
    (tmp_path / "secret.png").write_bytes(b"x")
    deck = inner / "d.md"
    assert resolve_image("../secret.png", deck) is None
    assert resolve_image(str(tmp_path / "secret.png"), deck) is None
    assert resolve_image("file:///etc/passwd", deck) is None
    (inner / "link.png").symlink_to(tmp_path / "secret.png")
    assert resolve_image("link.png", deck) is None


def test_typed_text_is_compared_after_normalising() -> None:
    assert text_answer_matches(" Evidence  LOWER-bound ", "evidence lower bound")
    assert text_answer_matches("elbo", "evidence lower bound", ("ELBO",))
    assert not text_answer_matches("lower bound", "evidence lower bound")
    assert not text_answer_matches("", "")


def test_typed_text_ignores_a_leading_article_and_surrounding_punctuation() -> None:
    assert text_answer_matches("An Ablation study!", "ablation study")
    assert text_answer_matches("the collider.", "collider")
    assert text_answer_matches("  'a collider'  ", "collider")
    assert text_answer_matches("(evidence lower bound)", "evidence lower bound")
    assert text_answer_matches("evidence, lower bound", "evidence lower bound")
    assert text_answer_matches("Return to go?", "return-to-go")


def test_a_leading_article_counts_when_the_answer_starts_with_one() -> None:
    assert text_answer_matches("The Bitter Lesson", "the bitter lesson")
    assert not text_answer_matches("a", "a star")
    assert not text_answer_matches("the", "ablation")
    assert not text_answer_matches("an", "")


def test_typed_text_drops_thousands_separators_between_digits() -> None:
    assert text_answer_matches("1,024", "1024")
    assert text_answer_matches("1,024 tokens", "1024", ("1024 tokens",))
    assert text_answer_matches("38,597,376", "38597376")
    assert normalise_text("1,024.5") == "1024.5"
    assert not text_answer_matches("1,2", "12")
    assert not text_answer_matches("1,24", "124")


def test_typed_text_still_rejects_different_answers() -> None:
    assert not text_answer_matches("lower bound", "evidence lower bound")
    assert not text_answer_matches("not ablation", "ablation")
    assert not text_answer_matches("an ablation study", "ablation")
    assert not text_answer_matches("ablations", "ablation")
    assert not text_answer_matches("1024", "1,024,000")


def test_typed_text_keeps_the_characters_that_matter_in_math_like_answers() -> None:
    assert not text_answer_matches("x+1", "x-1")
    assert not text_answer_matches("-1", "1")
    assert not text_answer_matches("3.14", "314")
    assert not text_answer_matches("O(n)^2", "O(n^2)")
    assert not text_answer_matches("x^2", "x2")
    assert not text_answer_matches("p <= q", "p = q")
    assert text_answer_matches("O(n^2).", "O(n^2)")
    assert text_answer_matches("x + 1", "x+1")
    assert text_answer_matches("-1", "−1")
    assert text_answer_matches("3.14!", "3.14")


def test_expected_math_answer_is_shown_readably() -> None:
    decks, _ = load_decks([DATA / "study"])
    cards = {c.id: (c, d) for d in decks for c in d.cards}
    card, deck = cards["dx2:0"]
    assert expected_text(card, deck) == "2x"


def test_start_up_path_imports_no_sympy_genanki_or_alembic() -> None:
    code = (
        "import sys, flashcards.cli as c; c.build_parser();"
        "import flashcards.store, tui.app, tui.screens.decks, tui.store_backend;"
        "print(sorted(m for m in ('sympy', 'genanki', 'alembic') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_a_less_than_in_math_is_escaped_once() -> None:
    md, _ = side_markdown("$x_{<t}$ and $a < b$ but <b>")
    # inside a formula the spaces are unbreakable, so that it wraps as a unit
    assert md == "x\\_\\(\\<t\\) and a\u2800\\<\u2800b but \\<b>"


def test_a_plain_expected_answer_shows_greek_letters_as_symbols() -> None:
    from dataclasses import replace

    decks, _ = load_decks([DATA / "study"])
    cards = {c.id: (c, d) for d in decks for c in d.cards}
    card, deck = cards["dx2:0"]

    def shown(expected: str) -> str:
        math = replace(card.note.math, expected=expected)
        return expected_text(replace(card, note=replace(card.note, math=math)), deck)

    assert shown("-(x - mu)^2/(2*sigma^2) - log(sigma)") == "-(x - μ)²/(2·σ²) - log(σ)"
    # a three-letter exponent is written with a caret, and then so is every other one
    assert shown("theta^k * (1 - theta)^(n-k)") == "θ^k · (1 - θ)^(n-k)"
    assert shown("sigma_1 + 2*pi") == "σ₁ + 2·π"
    assert shown("beta + eta + zeta + mud + lambdas") == "β + η + ζ + mud + lambdas"


def test_an_image_whose_file_is_not_here_says_so_with_its_caption(tmp_path: Path) -> None:
    # a deck of another machine, studied from its stored text: the image stayed there
    md, images = side_markdown("See ![the DAG](dag.png) here.", None, tmp_path / "elsewhere.md")
    assert "\\[image: the DAG — its file is not on this machine\\]" in md
    assert images[0].path is None  # nothing for `o` to open
