"""Decks rebuilt from their stored text (flashcards.stored): the same cards as the file makes."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from flashcards.parsing import parse_deck
from flashcards.store import Store
from flashcards.stored import RebuiltDecks, StoredDeck, rebuild_deck, rebuild_decks

PATH = Path("/laptop/decks/ml/probability.md")

WORD = st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789", min_size=1, max_size=8)
PHRASE = st.lists(WORD, min_size=1, max_size=5).map(" ".join)
SIDE = st.one_of(PHRASE, st.tuples(PHRASE, WORD).map(lambda t: f"{t[0]} $\\E[x_{{{t[1]}}}]$"))
KINDS = ["qa", "long", "line", "reverse", "cloze", "choice", "math", "text", "comment", "group"]


def render(kind: str, front: str, back: str, n: int, explicit: bool) -> str:
    attrs = f" {{#card-{n} .t{n % 3}}}" if explicit else ""
    if kind == "qa":
        return f"Q: {front} q{n}{attrs}\nA: {back}\n"
    if kind == "long":
        return f"## {front} q{n}{attrs}\n\n{back}\n"
    if kind == "line":
        return f"{front} q{n} :: {back}{attrs}\n"
    if kind == "reverse":
        return f"{front} q{n} ::: {back}{attrs}\n"
    if kind == "cloze":
        return f"C: {front} q{n} {{{{c1::{back}}}}} and {{{{c2::more}}}}{attrs}\n"
    if kind == "choice":
        return f"## {front} q{n}{attrs}\n\n- [x] {back}\n- [ ] not {back}\n"
    if kind == "math":
        return (
            f"## $\\E[{front.split()[0]}]$ q{n}{attrs}\n\n```answer\nexpected: f(x) + {n}\n"
            f"define: [f(x) = x^2]\nrel_tol: 0.01\naccept: [x^2 + {n}]\n```\n\n{back}\n"
        )
    if kind == "comment":
        return f"<!-- a draft: {front} -->\n\n{back} q{n} :: {front}{attrs}\n"
    if kind == "group":
        return f"## {front} group{n}\n\n### {back} q{n}{attrs}\n\nthe answer {n}\n"
    return f"## {front} q{n}{attrs}\n\n```answer\ntext: {back}\nalternatives: [b{n}]\n```\n"


FRONT_MATTER = """---
name: probability
description: Expectations and friends
tags: [ml, prob]
macros:
  \\E: \\mathbb{E}
defaults:
  assume: [x > 0]
---

"""


@st.composite
def deck_texts(draw) -> str:
    items = draw(
        st.lists(
            st.tuples(st.sampled_from(KINDS), SIDE, SIDE, st.booleans()), min_size=1, max_size=10
        )
    )
    body = "\n---\n\n".join(render(k, f, b, n, e) for n, (k, f, b, e) in enumerate(items))
    return (FRONT_MATTER if draw(st.booleans()) else "") + body


def stored_of(text: str, name: str = "ml::probability") -> tuple[StoredDeck, object]:
    deck, problems = parse_deck(text, PATH)
    assert problems == []
    ids = frozenset(c.id for c in deck.cards)
    return StoredDeck(str(PATH), name, deck.text, ids), deck


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(deck_texts())
def test_a_stored_deck_text_rebuilds_the_same_deck_and_cards(text):
    stored, deck = stored_of(text)
    rebuilt, unmatched = rebuild_deck(stored)
    assert unmatched == 0
    # Every value of every note (ids, answer specs with define/tolerance/accept lines,
    # choices, cloze numbers, tags, lines), the macros and defaults: the file's deck.
    assert rebuilt.notes == deck.notes
    assert [c.id for c in rebuilt.cards] == [c.id for c in deck.cards]
    assert (rebuilt.macros, rebuilt.defaults, rebuilt.tags, rebuilt.description) == (
        deck.macros,
        deck.defaults,
        deck.tags,
        deck.description,
    )
    # The stored name, which the other machine's folders gave it, wins over the file's own.
    assert rebuilt.name == "ml::probability" and rebuilt.path == PATH


def test_a_rebuilt_math_card_keeps_its_define_and_the_decks_macros():
    text = FRONT_MATTER + (
        "## $\\E[X]$ of a die {#die}\n\n```answer\nexpected: s(6)/6\ndefine: [s(n) = n(n+1)/2]\n"
        "sig_figs: 3\n```\n"
    )
    (deck,) = rebuild_decks([stored_of(text)[0]]).decks
    (card,) = deck.cards
    assert card.id == "die:0"
    assert card.note.math.definitions == ("s(n) = n(n+1)/2",)
    assert card.note.math.assumptions == ("x > 0",)  # from the front matter's defaults
    assert card.note.math.sig_figs == 3
    assert deck.macro_map == {"\\E": "\\mathbb{E}"}


def test_only_notes_with_cards_stored_under_the_deck_are_rebuilt():
    text = "a :: b {#a}\nc :: d {#c}\ne ::: f {#e}\n"
    stored = StoredDeck(str(PATH), "d", text, frozenset({"a:0", "e:1", "gone:0"}))
    rebuilt = rebuild_decks([stored])
    (deck,) = rebuilt.decks
    assert [n.id for n in deck.notes] == ["a", "e"]  # `c` is studied from another file
    assert rebuilt.unmatched == 1  # `gone:0` is not in the text


def test_decks_without_text_or_cards_are_told_apart():
    rebuilt = rebuild_decks(
        [
            StoredDeck("/a/old.md", "old", "", frozenset({"x:0"})),
            StoredDeck("/a/moved.md", "moved", "a :: b\n", frozenset()),
        ]
    )
    assert rebuilt == RebuiltDecks((), ("old",), 0)


def test_sync_stores_the_text_and_an_edit_that_changes_no_card_rewrites_it(tmp_path):
    from flashcards.decks import load_decks

    folder = tmp_path / "laptop"
    folder.mkdir()
    deck_file = folder / "calc.md"
    deck_file.write_text("---\nmacros:\n  \\R: \\mathbb{R}\n---\n\nQ: $\\R$?\nA: reals\n")
    with Store(f"sqlite:///{tmp_path / 'c.sqlite3'}") as store:
        store.sync(load_decks([folder])[0], [str(folder)])
        (stored,) = store.stored_decks()
        assert stored.text == deck_file.read_text() and stored.name == "calc"
        assert store.stored_decks([str(deck_file)]) == []  # loaded here: nothing to rebuild
        # only a macro changes: no card does, the stored text must
        deck_file.write_text(deck_file.read_text().replace("mathbb", "mathcal"))
        report = store.sync(load_decks([folder])[0], [str(folder)])
        assert report.decks_synced == 1
        (stored,) = store.stored_decks()
        (deck,) = rebuild_decks([stored]).decks
        assert deck.macro_map == {"\\R": "\\mathcal{R}"}


@pytest.fixture(scope="module")
def shared_store():
    """One in-memory collection for every example (opening one runs the migrations)."""
    with Store("sqlite://") as store:
        yield store


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(deck_texts(), st.integers(min_value=0, max_value=10**9))
def test_synced_decks_come_back_from_the_store_with_the_same_cards(shared_store, text, n):
    from dataclasses import replace

    store = shared_store
    deck, problems = parse_deck(text, Path(f"/laptop/{n}/decks/ml/rl.md"))
    assert problems == []
    deck = replace(deck, name="ml::rl")
    store.sync([deck], [str(deck.path.parent)])
    (stored,) = [s for s in store.stored_decks() if s.path == str(deck.path)]
    assert stored.card_ids == {c.id for c in deck.cards}
    rebuilt = rebuild_decks([stored])
    assert rebuilt.unmatched == 0 and rebuilt.without_text == ()
    (again,) = rebuilt.decks
    assert again == deck  # every note, card id, answer spec, macro, default and the name
