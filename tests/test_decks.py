"""Deck trees on disk: naming, file-system checks, hostile files, and `flashcards check`."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from flashcards.cli import main
from flashcards.decks import builtin_decks_dir, load_decks, resolve_image


def write(path: Path, text: str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def test_folders_become_sub_decks_and_front_matter_names_the_leaf(tmp_path):
    write(tmp_path / "ml" / "probability.md", "a :: b\n")
    write(tmp_path / "ml" / "vi" / "elbo.md", "---\nname: The ELBO\n---\nc :: d\n")
    write(tmp_path / "ml" / "README.md", "Not a deck.\n")
    decks, problems = load_decks([tmp_path])
    assert problems == []
    assert sorted(d.name for d in decks) == ["ml::probability", "ml::vi::The ELBO"]


def test_a_single_file_is_a_top_level_deck(tmp_path):
    path = write(tmp_path / "x" / "logs.md", "a :: b\n")
    decks, _ = load_decks([path])
    assert [d.name for d in decks] == ["logs"]


def test_duplicate_ids_across_files_are_reported_at_the_second(tmp_path):
    write(tmp_path / "a.md", "x :: y {#kl}\n")
    write(tmp_path / "b.md", "\nz :: w {#kl}\n")
    decks, problems = load_decks([tmp_path])
    assert [(p.path.name, p.line) for p in problems] == [("b.md", 2)]
    assert "duplicate id `kl`" in problems[0].message and "a.md:1" in problems[0].message
    assert sum(len(d.notes) for d in decks) == 1


def test_duplicate_cards_across_files(tmp_path):
    write(tmp_path / "a.md", "x :: y\n")
    write(tmp_path / "b.md", "x :: y\n")
    _, problems = load_decks([tmp_path])
    assert len(problems) == 1 and "duplicate card" in problems[0].message


@pytest.mark.parametrize(
    ("src", "fragment"),
    [
        ("missing.png", "is missing"),
        ("../outside.png", "outside the deck's folder"),
        ("/etc/passwd", "absolute path"),
        ("link.png", "outside the deck's folder"),
        ("https://example.org/x.png", "not a local file"),
        ("file:///etc/passwd", "not a local file"),
    ],
)
def test_bad_images_are_reported_and_their_card_left_out(tmp_path, src, fragment):
    deck_dir = tmp_path / "decks"
    write(tmp_path / "outside.png", b"\x89PNG")
    write(deck_dir / "fig.png", b"\x89PNG")
    os.symlink(tmp_path / "outside.png", deck_dir / "link.png")
    write(deck_dir / "d.md", f"## Graph\n\n![dag]({src})\n\n---\n\nok :: card\n")
    decks, problems = load_decks([deck_dir])
    assert [(p.line, fragment in p.message) for p in problems] == [(3, True)]
    assert [n.front for n in decks[0].notes] == ["ok"]


def test_image_inside_the_deck_folder_resolves(tmp_path):
    write(tmp_path / "figures" / "dag.png", b"\x89PNG")
    deck = write(tmp_path / "d.md", "## Graph\n\n![dag](figures/dag.png)\n")
    decks, problems = load_decks([deck])
    assert problems == []
    assert resolve_image("figures/dag.png", deck) == (tmp_path / "figures" / "dag.png").resolve()
    assert resolve_image("../../etc/passwd", deck) is None


@pytest.mark.parametrize(
    ("content", "fragment"),
    [
        (b"", None),
        (b"\x00\x01\x02binary", "binary file"),
        (b"a :: b\n\xff\xfe bad", "not valid UTF-8"),
    ],
)
def test_hostile_files_give_a_clear_problem_not_a_traceback(tmp_path, content, fragment):
    write(tmp_path / "d.md", content)
    decks, problems = load_decks([tmp_path])
    if fragment is None:
        assert problems == [] and decks[0].notes == ()
    else:
        assert len(problems) == 1 and fragment in problems[0].message


def test_invalid_utf8_is_located(tmp_path):
    write(tmp_path / "d.md", b"a :: b\nc :: \xff\n")
    _, problems = load_decks([tmp_path])
    assert (problems[0].line, problems[0].col) == (2, 6)


def test_deeply_nested_lists_and_huge_files_do_not_crash(tmp_path):
    nested = "- " * 5000 + "x\n\n" + "> " * 5000 + "y\n"
    write(tmp_path / "nested.md", "Q: deep?\nA:\n\n" + nested)
    long_back = ("word " * 1000 + "\n") * 2
    write(tmp_path / "huge.md", "".join(f"## Card {i}\n\n{long_back}\n" for i in range(1000)))
    assert (tmp_path / "huge.md").stat().st_size > 10_000_000
    decks, problems = load_decks([tmp_path])
    assert problems == []
    by_name = {d.name: d for d in decks}
    assert len(by_name["huge"].notes) == 1000
    assert by_name["nested"].notes[0].back.count("- ") == 5000


def test_missing_path_is_a_problem(tmp_path):
    _, problems = load_decks([tmp_path / "nope"])
    assert "no such deck file or folder" in problems[0].message


def test_a_folder_of_thousands_of_decks(tmp_path):
    for i in range(2000):
        write(tmp_path / f"sub{i % 10}" / f"d{i}.md", f"q{i} :: a{i}\n")
    decks, problems = load_decks([tmp_path])
    assert problems == [] and len(decks) == 2000


def test_builtin_decks_folder_is_found():
    assert builtin_decks_dir().is_dir()


# -- the command ------------------------------------------------------------------------


def test_check_prints_problems_and_exits_1(tmp_path, capsys):
    write(tmp_path / "d.md", "Q: no answer\n\nx :: y\n")
    assert main(["check", str(tmp_path)]) == 1
    out, err = capsys.readouterr()
    assert f"{tmp_path / 'd.md'}:1:1: question with no answer" in out
    assert "1 deck, 1 card as written (1 basic); 1 problem" in err


def test_check_prints_warnings_as_such_keeps_their_cards_and_exits_1(tmp_path, capsys):
    write(tmp_path / "d.md", "Q: noise x \\sim N(0, 1)?\nA: yes\n\nx :: {{c1::}}\n")
    assert main(["check", str(tmp_path)]) == 1
    out, err = capsys.readouterr()
    path = tmp_path / "d.md"
    assert f"{path}:1:12: warning: LaTeX outside math: \\sim; is a `$` missing?" in out
    assert f"{path}:4:6: empty cloze `{{{{c1::}}}}`" in out
    assert "1 deck, 1 card as written (1 basic); 2 problems (1 warning)" in err
    assert main(["check", "--json", str(tmp_path)]) == 1
    report = json.loads(capsys.readouterr().out)
    assert [p["severity"] for p in report["problems"]] == ["warning", "error"]


def test_check_json_counts_cards_by_kind(tmp_path, capsys):
    write(
        tmp_path / "d.md",
        "a :: b\nc ::: d\n\nC: {{c1::x}} {{c2::y}}\n\n## Pick\n\n- [x] a\n- [ ] b\n\n"
        "## Say\n\n```answer\ntext: hi\n```\n",
    )
    assert main(["check", "--json", str(tmp_path)]) == 0
    report = json.loads(capsys.readouterr().out)
    assert "accepted" not in report  # listed only when learners accepted answers
    assert report == {
        "decks": 1,
        "cards": {"basic": 1, "reversible": 1, "cloze": 1, "math": 0, "choice": 1, "text": 1},
        "problems": [],
    }


def test_check_json_lists_problems(tmp_path, capsys):
    write(tmp_path / "d.md", "x :: y\n\nstray\n")
    assert main(["check", "--json", str(tmp_path)]) == 1
    report = json.loads(capsys.readouterr().out)
    assert [(p["line"], p["col"]) for p in report["problems"]] == [(3, 1)]
    assert set(report["problems"][0]) == {"path", "line", "col", "message", "severity"}


def test_a_parse_cache_parses_again_only_files_whose_text_changed(tmp_path, monkeypatch):
    import flashcards.parsing

    calls: list[str] = []
    parse = flashcards.parsing.parse_deck

    def counting(text, path):
        calls.append(path.name)
        return parse(text, path)

    monkeypatch.setattr(flashcards.parsing, "parse_deck", counting)
    write(tmp_path / "ml" / "a.md", "a1 :: b1\n")
    b = write(tmp_path / "ml" / "b.md", "a2 :: b2\n\nbroken {{c1::\n")
    write(tmp_path / "c.md", "x :: y {#kl}\n")
    cache: dict = {}
    first = load_decks([tmp_path], None, cache)
    assert sorted(calls) == ["a.md", "b.md", "c.md"]
    calls.clear()
    assert load_decks([tmp_path], None, cache) == first  # problems kept too
    assert calls == []
    stat = b.stat()
    write(b, "a3 :: b2\n\nbroken {{c1::\n")  # same size, same time stamp: still re-read
    os.utime(b, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    write(tmp_path / "d.md", "x :: y {#kl}\n")  # a duplicate id across files, checked again
    decks, problems = load_decks([tmp_path], None, cache)
    assert sorted(calls) == ["b.md", "d.md"]
    assert (decks, problems) == load_decks([tmp_path])
    assert any("a3" in n.front for d in decks for n in d.notes)
    assert any("duplicate id" in p.message for p in problems)
    assert len(first[1]) == 1 and first[1][0].path == b  # the unterminated cloze


def test_a_deck_inside_a_deck_folder_keeps_its_name_however_it_is_opened(tmp_path):
    folder = tmp_path / "decks"
    write(folder / "ml" / "vi.md", "---\nname: Variational inference\n---\na :: b\n")
    write(folder / "ml" / "deep" / "x.md", "c :: d\n")
    outside = write(tmp_path / "elsewhere" / "y.md", "e :: f\n")
    whole, _ = load_decks([folder])
    names = sorted(d.name for d in whole)
    assert names == ["ml::Variational inference", "ml::deep::x"]
    for given in (folder / "ml" / "vi.md", folder / "ml", folder / "ml" / "deep" / "x.md"):
        decks, _ = load_decks([given], name_roots=[tmp_path / "nope", folder])
        assert {d.name for d in decks} <= set(names) and decks
    # without the deck folders, or outside them, a file is a top-level deck
    assert [d.name for d in load_decks([folder / "ml" / "vi.md"])[0]] == ["Variational inference"]
    assert [d.name for d in load_decks([outside], name_roots=[folder])[0]] == ["y"]


def test_check_counts_the_cards_to_study_beside_those_written(tmp_path, capsys):
    write(tmp_path / "a.md", "a ::: b\n\nThe {{c1::mean}} and {{c2::variance}}.\n\nx :: y\n")
    assert main(["check", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "1 deck, 3 cards as written (1 basic, 1 reversible, 1 cloze), 5 to study" in out


def test_a_relative_path_or_a_folder_above_a_deck_folder_names_decks_the_same(
    tmp_path, monkeypatch
):
    folder = tmp_path / "home" / "decks"
    write(folder / "ml" / "vi.md", "a :: b\n")
    write(tmp_path / "home" / "notes.md", "c :: d\n")
    monkeypatch.chdir(tmp_path / "home")
    decks, problems = load_decks([Path("decks/ml/vi.md")], name_roots=[Path("decks")])
    assert problems == [] and [d.name for d in decks] == ["ml::vi"]
    decks, _ = load_decks([Path("decks/ml")], name_roots=[folder])
    assert [d.name for d in decks] == ["ml::vi"]
    # loading the home folder: the deck folder inside it still names its decks
    decks, _ = load_decks([tmp_path / "home"], name_roots=[folder])
    assert sorted(d.name for d in decks) == ["ml::vi", "notes"]
