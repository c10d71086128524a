"""`flashcards check` runs math cards through the answer checker and reports at the line."""

from __future__ import annotations

from pathlib import Path

from flashcards.checking import check_decks

DECK = """\
## $\\frac{d}{dx} x^2$ {#d-square}

```answer
expected: 2x
accept:
  - x + x
  - 2 x^2
reject:
  - 2
  - 2*x
```

## Unreadable {#bad}

```answer
expected: 2 +* x
```

## With a macro {#macro}

```answer
expected: \\two x
accept:
  - 2x
reject:
  - 3x
```
"""


def test_failing_examples_and_unreadable_answers_are_reported_at_their_lines(tmp_path: Path):
    deck = tmp_path / "d.md"
    deck.write_text("---\nmacros:\n  \\two: 2\n---\n" + DECK, encoding="utf-8")
    report = check_decks([tmp_path])
    found = [(p.line, p.message.split(" (")[0].split(":")[0]) for p in report.problems]
    # The front matter takes 4 lines: examples at 7 and 10 of DECK, the heading at 13.
    assert found == [
        (11, "example `2 x^2` should be accepted but is not"),
        (14, "example `2*x` should be rejected but is not"),
        (17, "expected answer is not readable math"),
    ]
    assert report.cards["math"] == 3


def test_without_examples_only_readability_is_checked(tmp_path: Path):
    (tmp_path / "d.md").write_text(DECK, encoding="utf-8")
    report = check_decks([tmp_path], run_examples=False)
    # The second card is unreadable; the third uses a macro this deck does not define.
    assert [p.line for p in report.problems] == [13, 19]


def test_check_lists_answers_learners_accepted_for_the_author(tmp_path: Path, capsys):
    from flashcards.cli import main
    from flashcards.config import settings_from_args
    from flashcards.store import Store

    decks = tmp_path / "decks"
    decks.mkdir()
    (decks / "d.md").write_text(DECK.split("## Unreadable")[0].replace("  - 2 x^2\n", ""))
    data = tmp_path / "data"
    assert main(["check", str(decks), "--data-dir", str(data)]) == 1  # `2*x` is not rejected
    assert not data.exists()  # checking never creates a collection

    import argparse

    settings = settings_from_args(argparse.Namespace(data_dir=data, db=None, config=None))
    store = Store.open(settings)
    store.add_accepted_answer("d-square:0", "2*x^1")
    store.close()
    main(["check", str(decks), "--data-dir", str(data)])
    out = capsys.readouterr().out
    assert f"{decks / 'd.md'}:1:1: note: a learner accepted `2*x^1`" in out
