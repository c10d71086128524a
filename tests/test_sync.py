"""Sync of real deck files into a real SQLite store: every identity rule of the deck format."""

from __future__ import annotations

import json
import os
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from flashcards.cards import CardKind, Note
from flashcards.decks import load_decks
from flashcards.grades import Grade
from flashcards.store import Store
from flashcards.sync import sync_paths
from flashcards.syncplan import NoteRecord, StoredNote, match_vanished, plan_sync

TODAY = date(2026, 4, 10)
NOW = datetime(2026, 4, 10, 12, 0, tzinfo=UTC)

LOG_CARD = (
    "Q: What is the log of a product?\nA: The sum of the logs: $\\log xy = \\log x + \\log y$.\n"
)
EXP_CARD = "Q: What is $e^0$?\nA: One, since any nonzero number to the power zero is one.\n"
KL_CARD = "KL divergence ::: never negative, zero only when the two distributions agree\n"
CLOZE_CARD = "The derivative of the log is {{c1::$1/x$}}, for {{c2::$x > 0$}}.\n"


@pytest.fixture
def store(db_url):
    s = Store(db_url)
    yield s
    s.close()


@pytest.fixture
def decks(tmp_path):
    root = tmp_path / "decks"
    root.mkdir()
    return root


def write(path: Path, *cards: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(cards), encoding="utf-8")
    # make sure a rewrite within the same clock tick is seen as a change
    st = path.stat()
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000))
    return path


def sync(store: Store, *paths: Path, **kw):
    report = sync_paths(store, list(paths), **kw)
    assert report.problems == ()
    return report


def ids_in(path: Path) -> list[str]:
    decks, _ = load_decks([path])
    return [c.id for d in decks for c in d.cards]


def history(store: Store, card_id: str) -> list[int]:
    return [e.grade for e in store.review_log(card_id)]


def test_first_sync_adds_every_card(store, decks):
    write(decks / "a.md", LOG_CARD, EXP_CARD, KL_CARD, CLOZE_CARD)
    report = sync(store, decks)
    assert report.added == 6 and report.removed == 0
    assert sorted(store.card_ids()) == sorted(ids_in(decks))


def test_typo_fix_keeps_the_history(store, decks):
    path = write(decks / "a.md", LOG_CARD, EXP_CARD)
    sync(store, decks)
    [log_id, exp_id] = ids_in(decks)
    state = store.grade(log_id, Grade.GOOD, now=NOW, today=TODAY).after
    write(path, LOG_CARD.replace("product", "prodcut"), EXP_CARD)
    report = sync(store, decks)
    [new_id, same_exp] = ids_in(decks)
    assert new_id != log_id and same_exp == exp_id
    assert report.relinked == 1 and report.relinks == ((log_id.split(":")[0], new_id[:-2]),)
    assert report.removed == 0 and report.added == 0
    assert store.state(new_id) == state
    assert history(store, new_id) == [4]
    assert log_id not in store.card_ids(include_removed=True)


def test_rewrite_is_a_new_card(store, decks):
    path = write(decks / "a.md", LOG_CARD, EXP_CARD)
    sync(store, decks)
    [log_id, _] = ids_in(decks)
    store.grade(log_id, Grade.GOOD, now=NOW, today=TODAY)
    write(path, "Q: Name the Gaussian's two parameters.\nA: Mean and variance.\n", EXP_CARD)
    report = sync(store, decks)
    [new_id, _] = ids_in(decks)
    assert report.relinked == 0 and report.added == 1 and report.removed == 1
    assert store.state(new_id).is_new
    assert store.card(log_id).removed and history(store, log_id) == [4]


def test_reorder_keeps_ids_and_history(store, decks):
    path = write(decks / "a.md", LOG_CARD, EXP_CARD, KL_CARD)
    sync(store, decks)
    before = ids_in(decks)
    store.grade(before[0], Grade.PERFECT, now=NOW, today=TODAY)
    write(path, KL_CARD, EXP_CARD, LOG_CARD)
    report = sync(store, decks)
    assert sorted(ids_in(decks)) == sorted(before)
    assert report.added == report.removed == report.relinked == 0
    assert history(store, before[0]) == [5]
    # new cards now come in the new deck order
    assert store.queue(TODAY)[0] == ids_in(decks)[0]


def test_move_between_files_keeps_history(store, decks):
    a = write(decks / "a.md", LOG_CARD, EXP_CARD)
    write(decks / "sub" / "b.md", KL_CARD)
    sync(store, decks)
    [log_id, _] = ids_in(a)
    store.grade(log_id, Grade.GOOD, now=NOW, today=TODAY)
    write(a, EXP_CARD)
    write(decks / "sub" / "b.md", KL_CARD, LOG_CARD)
    report = sync(store, decks)
    assert report.removed == report.added == 0
    card = store.card(log_id)
    assert card.deck == "sub::b" and card.source_path == str(decks / "sub" / "b.md")
    assert history(store, log_id) == [4]


def test_renaming_a_deck_file_keeps_history(store, decks):
    a = write(decks / "a.md", LOG_CARD, EXP_CARD)
    sync(store, decks)
    ids = ids_in(a)
    store.grade(ids[1], Grade.GOOD, now=NOW, today=TODAY)
    a.rename(decks / "renamed.md")
    report = sync(store, decks)
    assert report.removed == report.added == 0
    assert {store.card(i).deck for i in ids} == {"renamed"}
    assert history(store, ids[1]) == [4]
    assert store.decks() == ["renamed"]


def test_delete_and_restore_brings_the_history_back(store, decks):
    path = write(decks / "a.md", LOG_CARD, EXP_CARD)
    sync(store, decks)
    [log_id, exp_id] = ids_in(decks)
    state = store.grade(log_id, Grade.PERFECT, now=NOW, today=TODAY).after
    write(path, EXP_CARD)
    report = sync(store, decks)
    assert report.removed == 1
    assert store.card(log_id).removed and log_id not in store.card_ids()
    assert log_id not in store.queue(date(2027, 1, 1))
    write(path, LOG_CARD, EXP_CARD)
    report = sync(store, decks)
    assert report.restored == 1 and report.added == 0
    assert not store.card(log_id).removed
    assert store.state(log_id) == state and history(store, log_id) == [5]


def test_deleting_a_deck_file_marks_its_cards_removed(store, decks):
    write(decks / "a.md", LOG_CARD)
    b = write(decks / "b.md", EXP_CARD)
    sync(store, decks)
    b.unlink()
    report = sync(store, decks)
    assert report.removed == 1
    assert store.decks() == ["a"]


def test_explicit_id_keeps_history_whatever_changes(store, decks):
    path = write(decks / "a.md", "## A question {#kept}\n\nAn answer.\n")
    sync(store, decks)
    store.grade("kept:0", Grade.GOOD, now=NOW, today=TODAY)
    write(decks / "other.md", "## Something else entirely {#kept}\n\nWith new text.\n")
    path.unlink()
    report = sync(store, decks)
    assert report.added == 0 and report.removed == 0
    assert history(store, "kept:0") == [4]
    assert store.card("kept:0").deck == "other"


def test_cloze_numbers_added_and_removed(store, decks):
    path = write(decks / "a.md", CLOZE_CARD)
    sync(store, decks)
    c1, c2 = ids_in(decks)
    store.grade(c1, Grade.GOOD, now=NOW, today=TODAY)
    write(path, CLOZE_CARD.replace("{{c2::$x > 0$}}", "{{c2::$x > 0$}} and {{c3::real $x$}}"))
    report = sync(store, decks)
    ids = ids_in(decks)
    assert len(ids) == 3 and report.relinked == 1 and report.added == 1
    new_c1 = ids[0]
    assert history(store, new_c1) == [4]
    write(path, "The derivative of the log is {{c1::$1/x$}}, for $x > 0$ and real $x$.\n")
    report = sync(store, decks)
    ids = ids_in(decks)
    assert len(ids) == 1 and report.removed == 2
    assert history(store, ids[0]) == [4]


def test_syncing_some_paths_never_removes_other_decks_cards(store, tmp_path):
    one = write(tmp_path / "one" / "a.md", LOG_CARD)
    two = write(tmp_path / "two" / "b.md", EXP_CARD, KL_CARD)
    sync(store, tmp_path / "one", tmp_path / "two")
    write(one, LOG_CARD, CLOZE_CARD)
    sync(store, tmp_path / "one")
    assert len(store.card_ids()) == 1 + 2 + 1 + 2
    sync(store, two)  # a single file
    assert len(store.card_ids()) == 6
    assert not any(store.card(c).removed for c in ids_in(tmp_path / "two"))


def test_unchanged_files_are_not_parsed_again(store, decks):
    write(decks / "a.md", LOG_CARD)
    write(decks / "b.md", EXP_CARD)
    calls = []

    def spy(paths):
        calls.append(paths)
        return load_decks(paths)

    sync(store, decks, load=spy)
    report = sync(store, decks, load=spy)
    assert len(calls) == 1 and report.files_skipped == 2
    # touched but identical bytes (a git checkout): still skipped
    path = decks / "a.md"
    st = path.stat()
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + 5_000_000_000))
    sync(store, decks, load=spy)
    assert len(calls) == 1
    write(decks / "b.md", EXP_CARD, KL_CARD)
    report = sync(store, decks, load=spy)
    assert len(calls) == 2 and report.added == 2
    assert report.decks_skipped == 1 and report.decks_synced == 1


def test_a_new_file_is_noticed(store, decks):
    write(decks / "a.md", LOG_CARD)
    sync(store, decks)
    write(decks / "b.md", EXP_CARD)
    assert sync(store, decks).added == 1


def test_deck_problems_leave_good_cards_and_are_reported_again(store, decks):
    write(decks / "a.md", LOG_CARD, "Q: a question with no answer\n")
    report = sync_paths(store, [decks])
    assert report.added == 1
    assert report.problems and report.problems[0].path.name == "a.md"
    again = sync_paths(store, [decks])
    assert again.problems  # the file with problems is parsed again


def test_sync_never_writes_the_markdown(store, decks):
    path = write(decks / "a.md", LOG_CARD, EXP_CARD)
    before = (path.read_bytes(), path.stat().st_mtime_ns)
    sync(store, decks)
    write(path, LOG_CARD.replace("product", "prodcut"))
    after_write = (path.read_bytes(), path.stat().st_mtime_ns)
    sync(store, decks)
    assert (path.read_bytes(), path.stat().st_mtime_ns) == after_write != before


def test_progress_is_reported(store, decks):
    write(decks / "a.md", *(f"Q: question {i}?\nA: answer {i}.\n" for i in range(30)))
    seen = []
    sync(store, decks, progress=lambda done, total: seen.append((done, total)))
    assert seen and seen[-1][0] == seen[-1][1] == 30


def test_a_missing_path_is_a_clear_error(store, tmp_path):
    from flashcards.errors import FlashcardsError

    with pytest.raises(FlashcardsError, match="nope: no such deck file or folder"):
        sync_paths(store, [tmp_path / "nope"])


# --- the pure matching rules ---------------------------------------------------------------


def stored(nid: str, front: str, back: str = "", kind: str = "basic") -> StoredNote:
    return StoredNote(nid, kind, front, back, "h", False, (), ())


def record(nid: str, front: str, back: str = "", kind: str = "basic", explicit=False):
    return NoteRecord(nid, kind, front, back, "h2", explicit, ())


def test_matching_is_one_to_one_most_similar_first():
    vanished = [stored("old1", "the quick brown fox"), stored("old2", "the quick brown dog")]
    appeared = [record("new1", "the quick brown dog!"), record("new2", "the quick brown fox!")]
    assert sorted(match_vanished(vanished, appeared)) == [("old1", "new2"), ("old2", "new1")]
    one = match_vanished(vanished[:1], appeared)
    assert one == [("old1", "new2")]


def test_matching_needs_the_same_kind_a_hash_id_and_60_percent():
    vanished = [stored("old", "what is a prior distribution")]
    assert (
        match_vanished(vanished, [record("n", "what is a prior distribution?", kind="cloze")]) == []
    )
    assert (
        match_vanished(vanished, [record("n", "what is a prior distribution?", explicit=True)])
        == []
    )
    assert match_vanished(vanished, [record("n", "define the softmax function")]) == []


def test_plan_marks_only_cards_in_scope_removed():
    from flashcards.cards import Deck
    from flashcards.syncplan import StoredCard

    kept = StoredNote(
        "x",
        "basic",
        "f",
        "b",
        "h",
        False,
        (),
        (StoredCard("x:0", 0, "d", "/other/d.md", 1, 0, False),),
    )
    plan = plan_sync(
        [Deck("a", Path("/decks/a.md"), notes=(Note("n", CardKind.BASIC, "f", "b", 1, 1),))],
        {"x": kept},
        ["/decks"],
    )
    assert plan.removed_cards == ()
    assert [c.id for c in plan.new_cards] == ["n:0"]


# --- the command ---------------------------------------------------------------------------


def test_sync_and_due_commands(tmp_path, decks, capsys, monkeypatch):
    from flashcards.cli import main

    monkeypatch.setenv("FLASHCARDS_CONFIG", str(tmp_path / "none.toml"))
    (tmp_path / "none.toml").write_text("")
    write(decks / "a.md", LOG_CARD, EXP_CARD)
    data = ["--data-dir", str(tmp_path / "data")]
    assert main(["sync", str(decks), *data]) == 0
    assert "2 added" in capsys.readouterr().out
    assert main(["sync", str(decks), *data]) == 0
    assert "nothing changed" in capsys.readouterr().out
    assert main(["due", "--json", *data]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["decks"] == [{"deck": "a", "new": 2, "repeat": 0, "review": 0}]
    assert out["total"] == {"new": 2, "repeat": 0, "review": 0}
    assert main(["due", *data]) == 0
    assert "total" in capsys.readouterr().out
    write(decks / "b.md", "Q: no answer here\n")
    assert main(["sync", str(decks), *data]) == 1
    err = capsys.readouterr().err
    assert "b.md:1:" in err
    assert main(["sync", str(tmp_path / "nope"), *data]) == 1
    assert "no such deck file or folder" in capsys.readouterr().err


def test_syncing_one_file_of_a_deck_folder_keeps_its_deck_name(tmp_path, capsys, monkeypatch):
    from flashcards.cli import main

    folder = tmp_path / "decks"
    write(folder / "ml" / "vi.md", "a :: b {#vi-a}\n")
    config = tmp_path / "config.toml"
    config.write_text(f"deck_folders = [{str(folder)!r}]\n")
    monkeypatch.setenv("FLASHCARDS_CONFIG", str(config))
    data = ["--data-dir", str(tmp_path / "data")]
    assert main(["sync", *data]) == 0
    assert main(["sync", str(folder / "ml" / "vi.md"), *data]) == 0
    capsys.readouterr()
    assert main(["due", "--json", *data]) == 0
    decks = [d["deck"] for d in json.loads(capsys.readouterr().out)["decks"]]
    assert "ml::vi" in decks and "vi" not in decks


def test_due_lists_the_decks_in_file_order(tmp_path, capsys, monkeypatch):
    from flashcards.cli import main

    folder = tmp_path / "decks"
    write(folder / "01-prob.md", "---\nname: Zeta probability\n---\na :: b\n")
    write(folder / "02-calc.md", "---\nname: Alpha calculus\n---\nc :: d\n")
    config = tmp_path / "config.toml"
    config.write_text("")
    monkeypatch.setenv("FLASHCARDS_CONFIG", str(config))
    data = ["--data-dir", str(tmp_path / "data")]
    assert main(["sync", str(folder), *data]) == 0
    capsys.readouterr()
    assert main(["due", "--json", *data]) == 0
    decks = [d["deck"] for d in json.loads(capsys.readouterr().out)["decks"]]
    assert decks == ["Zeta probability", "Alpha calculus"]


@given(
    rows=st.lists(
        st.tuples(
            st.text(min_size=1, max_size=30),
            st.integers(0, 9999),
            st.integers(0, 9999),
            st.integers(0, 9999),
        ),
        max_size=8,
    ),
    total=st.tuples(st.integers(0, 9999), st.integers(0, 9999), st.integers(0, 9999)),
)
def test_due_json_is_the_counts_one_deck_a_line(rows, total):
    """Any deck name (quotes, backslashes, newlines, `", "`, non-ASCII) reads back as itself,
    with its counts, one deck a line."""
    from flashcards.commands.due import as_json

    text = as_json("2026-12-03", rows, total)
    keys = ("new", "repeat", "review")
    assert json.loads(text) == {
        "day": "2026-12-03",
        "decks": [{"deck": d, **dict(zip(keys, n, strict=True))} for d, *n in rows],
        "total": dict(zip(keys, total, strict=True)),
    }
    assert len(text.split("\n")) == 6 + len(rows) - (not rows)
