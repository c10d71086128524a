"""`flashcards suspended`: the suspended cards listed, and let come again."""

from __future__ import annotations

from datetime import date

from flashcards.cli import main
from flashcards.config import load_settings
from flashcards.store import Store

TODAY = date(2026, 4, 10)


def test_suspended_cards_are_listed_and_can_come_again(tmp_path, capsys, monkeypatch):
    config = tmp_path / "none.toml"
    config.write_text("")
    monkeypatch.setenv("FLASHCARDS_CONFIG", str(config))
    decks = tmp_path / "decks"
    (decks / "ml").mkdir(parents=True)
    (decks / "ml" / "a.md").write_text("Q: one?\nA: 1\n\nQ: two? {#two}\nA: 2\n")
    (decks / "b.md").write_text("Q: three? {#three}\nA: 3\n")
    data = ["--data-dir", str(tmp_path / "data")]
    assert main(["sync", str(decks), *data]) == 0
    capsys.readouterr()
    assert main(["suspended", *data]) == 0
    assert capsys.readouterr().out == "no suspended cards\n"

    settings = load_settings(config=config, data_dir=tmp_path / "data", env={})
    with Store.open(settings) as store:
        store.suspend("two:0")
        store.suspend("three:0")
        assert "two:0" not in store.queue(TODAY)
    capsys.readouterr()
    assert main(["suspended", *data]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert [line.split()[0] for line in lines[:2]] == ["three:0", "two:0"]
    assert lines[1].endswith("a.md:4  lapses 0") and "ml" in lines[1]
    assert lines[2].startswith("2 suspended")

    assert main(["suspended", "--unsuspend", "nope:0", *data]) == 1
    assert "nope:0: not a suspended card" in capsys.readouterr().err
    assert main(["suspended", "--deck", "nope", *data]) == 1
    assert "no deck named 'nope'" in capsys.readouterr().err
    assert main(["suspended", "--all", "--deck", "ml", *data]) == 0
    assert "unsuspended 1 card: they come again" in capsys.readouterr().out
    with Store.open(settings) as store:
        assert "two:0" in store.queue(TODAY)
        assert [c.id for c in store.suspended_cards()] == ["three:0"]
    assert main(["suspended", "--unsuspend", "three:0", *data]) == 0
    with Store.open(settings) as store:
        assert store.suspended_cards() == []
