"""Anki packages made by the real Anki backend become Markdown decks, and go back to Anki."""

from __future__ import annotations

import json
import re
import shutil
import sqlite3
import zipfile
from datetime import UTC, datetime, time, timedelta
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from flashcards.anki_import import ms_key, study_day
from flashcards.apkg import (
    MANIFEST,
    deck_paths,
    field_markdown,
    media_file_name,
    safe_name,
)
from flashcards.cards import CardKind
from flashcards.cli import main
from flashcards.config import sqlite_url
from flashcards.decks import load_decks
from flashcards.export import write_apkg
from flashcards.guids import guid_for_note_id, note_id_for_guid
from flashcards.parsing import parse_deck
from flashcards.store import Store

DAY = timedelta(days=1)
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def _collection(path: Path):
    import anki.collection  # noqa: F401  (first: anki.cards alone is a circular import)
    from anki.collection import Collection

    return Collection(str(path))


def _answer(col, card, ease: int, when: datetime) -> None:
    """Answer a card in Anki, then date the answer `when` (Anki dates it now)."""
    before = set(col.db.list("select id from revlog"))
    card.start_timer()
    col.sched.answerCard(card, ease)
    (new,) = set(col.db.list("select id from revlog")) - before
    col.db.execute("update revlog set id = ? where id = ?", ms_key(when), new)


def _add(col, notetype: str, deck: str, tags=(), **fields):
    note = col.new_note(col.models.by_name(notetype))
    for name, value in fields.items():
        note[name.replace("_", " ")] = value
    note.tags = list(tags)
    col.add_note(note, col.decks.id(deck))
    return note


@pytest.fixture(scope="module")
def anki(tmp_path_factory):
    """A collection with every stock note type, a deck tree, media, tags, math, a custom note
    type, suspended and buried cards and a review history, exported as packages."""
    from anki.collection import ExportAnkiPackageOptions

    root = tmp_path_factory.mktemp("anki")
    (root / "col").mkdir()
    col = _collection(root / "col" / "collection.anki2")
    (root / "dag.png").write_bytes(PNG)
    col.media.add_file(str(root / "dag.png"))
    notes = {
        "basic": _add(
            col,
            "Basic",
            "ML::Probability",
            tags=["prob", "ml::basics"],
            Front=r"What is <b>p(x | &theta;)</b>, with \(x &lt; 1\)?",
            Back='The likelihood <img src="dag.png"> [sound:likelihood.mp3]'
            r"<div>\[\int p(x)\,dx = 1\]</div><script>alert(1)</script>",
        ),
        "reversed": _add(
            col, "Basic (and reversed card)", "ML::Probability", Front="KL", Back="relative entropy"
        ),
        "optional_both": _add(
            col,
            "Basic (optional reversed card)",
            "ML::Info: Theory",
            Front="ELBO",
            Back="evidence lower bound",
            Add_Reverse="y",
        ),
        "optional_one": _add(
            col, "Basic (optional reversed card)", "ML::Info: Theory", Front="H(X)", Back="entropy"
        ),
        "typed": _add(
            col, "Basic (type in the answer)", "ML", Front="Name of $D_{KL}$?", Back="KL divergence"
        ),
        "cloze": _add(
            col,
            "Cloze",
            "ML",
            Text=r"Bayes: \(p(\theta \mid x) = {{c1::\frac{p(x \mid \theta) p(\theta)}{p(x)} }}\)"
            " for {{c2::any prior::what kind}}",
        ),
    }
    vocab = col.models.new("Vocab")
    for name in ("Word", "Meaning", "Example"):
        col.models.add_field(vocab, col.models.new_field(name))
    template = col.models.new_template("Card 1")
    template["qfmt"], template["afmt"] = "{{Word}}", "{{Meaning}}<br>{{Example}}"
    col.models.add_template(vocab, template)
    col.models.add(vocab)
    notes["vocab"] = _add(
        col, "Vocab", "Default", Word="posterior", Meaning="after the data", Example="p(θ|x)"
    )

    today = study_day(datetime.now(UTC), time(4, 0))
    noon = datetime.combine(today, time(12, 0)).astimezone()
    card = notes["basic"].cards()[0]
    _answer(col, card, 3, noon - 9 * DAY)  # Good
    _answer(col, col.get_card(card.id), 3, noon - 8 * DAY)  # Good
    _answer(col, col.get_card(card.id), 1, noon - 2 * DAY)  # Again
    cloze2 = next(c for c in notes["cloze"].cards() if c.ord == 1)
    _answer(col, cloze2, 4, noon - DAY)  # Easy, cloze number 2
    col.sched.suspend_cards([notes["reversed"].cards()[1].id])
    col.sched.bury_cards([notes["typed"].cards()[0].id])

    guids = {key: note.guid for key, note in notes.items()}
    options = ExportAnkiPackageOptions(with_scheduling=True, with_media=True, legacy=False)
    col.export_anki_package(out_path=str(root / "modern.apkg"), options=options, limit=None)
    options = ExportAnkiPackageOptions(with_scheduling=True, with_media=True, legacy=True)
    col.export_anki_package(out_path=str(root / "legacy.apkg"), options=options, limit=None)
    col.close()
    return root, guids, today


def _import(tmp_path: Path, package: Path, *extra: str) -> int:
    return main(["import-apkg", str(package), "--to", str(tmp_path / "out"), *extra])


def _notes(folder: Path) -> dict:
    decks, problems = load_decks([folder])
    assert problems == []
    return {note.id: (deck, note) for deck in decks for note in deck.notes}


# --- converting a real package -----------------------------------------------------------------


@pytest.mark.parametrize("package", ["modern.apkg", "legacy.apkg"])
def test_stock_note_types_become_card_kinds_with_their_guids(anki, tmp_path, package):
    root, guids, _ = anki
    assert _import(tmp_path, root / package) == 0
    notes = _notes(tmp_path / "out")
    kind = {key: notes[note_id_for_guid(guid)][1].kind for key, guid in guids.items()}
    assert kind == {
        "basic": CardKind.BASIC,
        "reversed": CardKind.REVERSIBLE,
        "optional_both": CardKind.REVERSIBLE,
        "optional_one": CardKind.BASIC,  # only the cards that exist
        "typed": CardKind.TEXT,
        "cloze": CardKind.CLOZE,
        "vocab": CardKind.BASIC,  # another note type: first field asked, the rest answers
    }
    assert all(note.explicit_id for _, note in notes.values())


def test_the_deck_tree_becomes_folders_with_safe_names(anki, tmp_path):
    root, guids, _ = anki
    _import(tmp_path, root / "modern.apkg")
    out = tmp_path / "out"
    files = sorted(p.relative_to(out).as_posix() for p in out.rglob("*.md"))
    assert files == ["Default.md", "ML.md", "ML/Info_ Theory.md", "ML/Probability.md"]
    notes = _notes(out)
    deck_of = {key: notes[note_id_for_guid(g)][0].name for key, g in guids.items()}
    assert deck_of["basic"] == "ML::Probability"
    assert deck_of["optional_one"] == "ML::Info: Theory"  # the name is kept in front matter
    assert deck_of["cloze"] == "ML"


def test_fields_become_markdown_with_math_images_and_tags(anki, tmp_path, capsys):
    root, guids, _ = anki
    _import(tmp_path, root / "modern.apkg")
    out = tmp_path / "out"
    output = capsys.readouterr().out
    notes = _notes(out)
    _, basic = notes[note_id_for_guid(guids["basic"])]
    assert basic.front == r"What is **p(x | θ)**, with $x < 1$?"
    assert "![](media/dag.png)" in basic.back
    assert "$$\\int p(x)\\,dx = 1$$" in basic.back
    assert "sound" not in basic.back and "alert" not in basic.back
    assert (out / "ML" / "media" / "dag.png").read_bytes() == PNG
    assert set(basic.tags) == {"prob", "ml::basics"}
    assert "Dropped 1 sound" in output
    assert "Removed <script> from 1 field" in output
    assert "1 note of other note types became basic cards" in output and "'Vocab' (1)" in output
    assert "<!-- Anki note type: Vocab -->" in (out / "Default.md").read_text()
    _, vocab = notes[note_id_for_guid(guids["vocab"])]
    assert (vocab.front, vocab.back) == ("posterior", "after the data\n\np(θ|x)")


def test_cloze_keeps_numbers_hints_and_clozes_inside_math(anki, tmp_path):
    root, guids, _ = anki
    _import(tmp_path, root / "modern.apkg")
    _, cloze = _notes(tmp_path / "out")[note_id_for_guid(guids["cloze"])]
    assert cloze.front == (
        r"Bayes: $p(\theta \mid x) = {{c1::\frac{p(x \mid \theta) p(\theta)}{p(x)} }}$"
        " for {{c2::any prior::what kind}}"
    )
    assert cloze.cloze_numbers == (1, 2)


def test_typed_answer_note_becomes_a_typed_text_card(anki, tmp_path):
    root, guids, _ = anki
    _import(tmp_path, root / "modern.apkg")
    _, typed = _notes(tmp_path / "out")[note_id_for_guid(guids["typed"])]
    assert typed.text is not None and typed.text.answer == "KL divergence"
    assert typed.front == r"Name of \$D\_{KL}\$?"  # dollars in Anki text are not math there


def test_imported_decks_check_clean(anki, tmp_path, capsys):
    root, _, _ = anki
    _import(tmp_path, root / "modern.apkg")
    capsys.readouterr()
    assert main(["check", str(tmp_path / "out")]) == 0
    assert "no problems" in capsys.readouterr().out


# --- identity: a second import, the way back to Anki -------------------------------------------


def test_a_second_import_updates_its_files_and_refuses_changed_ones(anki, tmp_path, capsys):
    root, guids, _ = anki
    out = tmp_path / "out"
    _import(tmp_path, root / "legacy.apkg")
    assert "5 new" in capsys.readouterr().out  # 4 deck files and an image
    assert _import(tmp_path, root / "modern.apkg") == 0
    assert "0 new, 0 updated, 5 unchanged" in capsys.readouterr().out
    # a newer package, with a note edited in Anki: the file written before is updated
    newer = _legacy_copy(
        anki,
        tmp_path,
        lambda c: c.execute(
            "update notes set flds = ? where guid = ?",
            ("H(X)\x1fShannon entropy", guids["optional_one"]),
        ),
    )
    assert _import(tmp_path, newer) == 0
    assert "0 new, 1 updated, 4 unchanged" in capsys.readouterr().out
    _, note = _notes(out)[note_id_for_guid(guids["optional_one"])]
    assert note.back == "Shannon entropy"
    assert json.loads((out / MANIFEST).read_text())["source"] == "changed.apkg"
    # files the user changed since: refused, and nothing written
    edited = (out / "ML" / "Probability.md").read_text() + "\nQ: mine\nA: my answer\n"
    (out / "ML" / "Probability.md").write_text(edited, encoding="utf-8")
    (out / "ML" / "Info_ Theory.md").write_text("changed too\n", encoding="utf-8")
    before = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}
    assert _import(tmp_path, root / "modern.apkg") == 1
    err = capsys.readouterr().err
    assert "2 files" in err and "Probability.md" in err and "Info_ Theory.md" in err
    assert {p: p.read_bytes() for p in out.rglob("*") if p.is_file()} == before


def test_study_then_export_back_to_anki_adds_no_note(anki, tmp_path):
    """Import, check, study through the Store, export, and import into Anki again."""
    root, guids, today = anki
    _import(tmp_path, root / "modern.apkg")
    decks, problems = load_decks([tmp_path / "out"])
    assert problems == []
    store = Store(sqlite_url(tmp_path / "collection.sqlite3"))
    store.sync(decks, [tmp_path / "out"])
    for card_id in store.card_ids()[:3]:
        store.grade(card_id, 4, now=datetime.now(UTC), today=today)
    store.close()
    write_apkg(decks, tmp_path / "back.apkg")

    shutil.copytree(root / "col", tmp_path / "col")
    col = _collection(tmp_path / "col" / "collection.anki2")
    before = {col.get_note(n).guid for n in col.find_notes("")}
    from anki.collection import ImportAnkiPackageOptions, ImportAnkiPackageRequest

    request = ImportAnkiPackageRequest(
        package_path=str(tmp_path / "back.apkg"), options=ImportAnkiPackageOptions()
    )
    log = col.import_anki_package(request).log
    assert list(log.new) == []
    assert {col.get_note(n).guid for n in col.find_notes("")} == before == set(guids.values())
    col.close()
    # and into an empty Anki: the same guids as the notes came with
    (tmp_path / "fresh").mkdir()
    fresh = _collection(tmp_path / "fresh" / "collection.anki2")
    fresh.import_anki_package(request)
    assert {fresh.get_note(n).guid for n in fresh.find_notes("")} == set(guids.values())
    fresh.close()


def test_our_own_export_comes_back_as_it_went_out(tmp_path):
    deck = r"""---
name: Round trip
---

Q: What is the log of a product? {#log-product .logs}
A: The sum of the logs: $\log \prod_i x_i = \sum_i \log x_i$.

Q: A note without an id, its id a hash of its text
A: It comes back with the *same* id, its history kept.

Q: Another one, whose Markdown does not come back the same
A: _underscores_ become stars: it gets its guid as its id.

KL divergence ::: $D_{\mathrm{KL}}(q \,\|\, p)$ {#kl}

C: The derivative of the log: $\frac{d}{dx}\log x = {{c1::\frac{1}{x}}}$, for {{c2::$x > 0$::domain}}. {#dlog}

## $\frac{d}{dx} \log \sigma(x) = \;?$ {#dlog-sigmoid}

```answer
expected: 1 - \sigma(x)
define:
  - sigma(x) = 1/(1 + e^(-x))
assume: [x real]
```

Because of the chain rule.

## Which are true of $D_{\mathrm{KL}}(q \| p)$? {#kl-facts}

- [x] It is never negative
- [ ] It is symmetric in $q$ and $p$

Symmetry fails.

## What do VAEs maximise? {#elbo}

```answer
text: evidence lower bound
alternatives: [ELBO, variational lower bound]
```
"""
    (tmp_path / "decks").mkdir()
    (tmp_path / "decks" / "round.md").write_text(deck, encoding="utf-8")
    decks, problems = load_decks([tmp_path / "decks"])
    assert problems == []
    write_apkg(decks, tmp_path / "round.apkg")
    assert _import(tmp_path, tmp_path / "round.apkg") == 0
    before = {n.id: n for n in decks[0].notes}
    after = {n.id: n for _, n in _notes(tmp_path / "out").values()}
    changed = next(n.id for n in decks[0].notes if n.front.startswith("Another"))
    assert changed.startswith("~")
    encoded = note_id_for_guid(changed)
    assert encoded.startswith("anki-") and guid_for_note_id(encoded) == changed
    before[encoded] = before.pop(changed)
    assert after.keys() == before.keys()
    assert sum(not n.explicit_id for n in after.values()) == 1  # the hash id kept
    for note_id, note in before.items():
        back = after[note_id]
        assert back.kind == note.kind, note_id
        assert back.front == note.front, note_id
        assert back.tags == note.tags
        assert back.choices == note.choices
        assert back.text == note.text
        assert back.cloze_numbers == note.cloze_numbers
    math = after["dlog-sigmoid"].math
    assert math is not None and before["dlog-sigmoid"].math is not None
    assert (math.expected, math.definitions, math.assumptions) == (
        r"1 - \sigma(x)",
        ("sigma(x) = 1/(1 + e^(-x))",),
        ("x real",),
    )


# --- history -------------------------------------------------------------------------------------


def test_with_history_replays_the_log_and_keeps_suspended_and_buried(anki, tmp_path, capsys):
    root, guids, today = anki
    db = tmp_path / "collection.sqlite3"
    args = ["--with-history", "--db", sqlite_url(db)]
    assert _import(tmp_path, root / "modern.apkg", *args) == 0
    assert "Added 4 reviews of 2 cards" in capsys.readouterr().out
    store = Store(sqlite_url(db))
    basic = f"{note_id_for_guid(guids['basic'])}:0"
    log = [e for e in store.review_log() if e.card_id == basic]
    assert [(e.study_day, e.grade, e.kind) for e in log] == [
        (today - 9 * DAY, 4, "review"),
        (today - 8 * DAY, 4, "review"),
        (today - 2 * DAY, 1, "review"),
    ]
    assert store.state(basic).due == today - DAY  # a lapse: due the day after
    cloze = f"{note_id_for_guid(guids['cloze'])}:2"  # Anki's ordinal 1 is cloze number 2
    assert [e.grade for e in store.review_log() if e.card_id == cloze] == [5]
    suspended = {c.id for c in store.suspended_cards()}
    assert suspended == {f"{note_id_for_guid(guids['reversed'])}:1"}
    typed = store.card(f"{note_id_for_guid(guids['typed'])}:0")
    assert typed.buried_until is not None and typed.buried_until > today
    entries = len(store.review_log())
    store.close()
    # the same history again: nothing added
    assert _import(tmp_path, root / "modern.apkg", *args) == 0
    assert "Added 0 reviews of 0 cards; 4 already in the log" in capsys.readouterr().out
    store = Store(sqlite_url(db))
    assert len(store.review_log()) == entries
    store.close()


# --- hostile and broken packages ---------------------------------------------------------------


def _refused(tmp_path: Path, package: Path, capsys, message: str) -> None:
    assert _import(tmp_path, package) == 1
    err = capsys.readouterr().err
    assert err.startswith("flashcards: ") and "Traceback" not in err
    assert message in err, err
    assert not (tmp_path / "out").exists()


def _legacy_copy(anki, tmp_path: Path, change) -> Path:
    """The legacy package with its collection changed by `change(conn)`."""
    root, _, _ = anki
    target = tmp_path / "changed.apkg"
    with zipfile.ZipFile(root / "legacy.apkg") as src:
        members = {name: src.read(name) for name in src.namelist()}
    db = tmp_path / "c.anki21"
    db.write_bytes(members["collection.anki21"])
    conn = sqlite3.connect(db)
    change(conn)
    conn.commit()
    conn.close()
    members["collection.anki21"] = db.read_bytes()
    with zipfile.ZipFile(target, "w") as out:
        for name, data in members.items():
            out.writestr(name, data)
    return target


def test_a_file_that_is_not_a_zip_is_refused(tmp_path, capsys):
    (tmp_path / "notes.apkg").write_text("not a zip")
    _refused(tmp_path, tmp_path / "notes.apkg", capsys, "not an Anki export")


def test_a_collection_that_is_not_sqlite_is_refused(tmp_path, capsys):
    with zipfile.ZipFile(tmp_path / "bad.apkg", "w") as out:
        out.writestr("collection.anki2", b"hello" * 100)
    _refused(tmp_path, tmp_path / "bad.apkg", capsys, "not an SQLite file")


def test_an_unknown_schema_version_is_refused(anki, tmp_path, capsys):
    package = _legacy_copy(anki, tmp_path, lambda c: c.execute("update col set ver = 99"))
    _refused(tmp_path, package, capsys, "schema version 99")


def test_a_huge_field_is_refused(anki, tmp_path, capsys):
    huge = "x" * 1_500_000
    package = _legacy_copy(
        anki,
        tmp_path,
        lambda c: c.execute(
            "update notes set flds = ? where id = (select min(id) from notes)", (huge,)
        ),
    )
    _refused(tmp_path, package, capsys, "a field longer than")


@pytest.mark.parametrize("name", ["../evil.png", "/etc/passwd", "..", "sub/dir.png", ".hidden"])
def test_media_paths_that_leave_the_folder_are_refused(anki, tmp_path, capsys, name):
    root, _, _ = anki
    with zipfile.ZipFile(root / "legacy.apkg") as src:
        members = {n: src.read(n) for n in src.namelist()}
    members["media"] = json.dumps({"0": name}).encode()
    with zipfile.ZipFile(tmp_path / "evil.apkg", "w") as out:
        for n, data in members.items():
            out.writestr(n, data)
    _refused(tmp_path, tmp_path / "evil.apkg", capsys, "not a plain file name")
    assert not (tmp_path / "evil.png").exists()


def test_a_zip_bomb_is_refused(anki, tmp_path, capsys, monkeypatch):
    from flashcards import apkg

    monkeypatch.setattr(apkg, "MAX_PACKAGE_BYTES", 256 * 1024**2)  # the real cap is 4 GB
    root, _, _ = anki
    with zipfile.ZipFile(root / "legacy.apkg") as src:
        members = {n: src.read(n) for n in src.namelist()}
    with zipfile.ZipFile(tmp_path / "bomb.apkg", "w", zipfile.ZIP_DEFLATED) as out:
        for n, data in members.items():
            out.writestr(n, data)
        with out.open("1", "w") as big:  # 320 MB of zeros, packed into 300 kB
            chunk = b"\x00" * (64 * 1024**2)
            for _ in range(5):
                big.write(chunk)
    _refused(tmp_path, tmp_path / "bomb.apkg", capsys, "unpacks to more than")


def test_a_zstd_bomb_in_the_collection_is_refused(tmp_path, capsys, monkeypatch):
    import zstandard

    from flashcards import anki_package

    monkeypatch.setattr(anki_package, "MAX_COLLECTION_BYTES", 1024**2)
    data = zstandard.ZstdCompressor().compress(b"SQLite format 3\x00" + b"\x00" * 8 * 1024**2)
    with zipfile.ZipFile(tmp_path / "bomb.colpkg", "w") as out:
        out.writestr("collection.anki21b", data)
    _refused(tmp_path, tmp_path / "bomb.colpkg", capsys, "unpacks to more than")


# --- pure parts ---------------------------------------------------------------------------------


def test_script_is_removed_and_markup_kept_as_text():
    text, found = field_markdown("<script>steal()</script>a <b>bold</b> &lt;tag&gt; 5$ {{x}}")
    assert text == "a **bold** <tag> 5\\$ {\\{x}}"
    assert found.scripts == 1
    decks, problems = parse_deck(f"Q: q\nA: {text}\n", Path("x.md"))
    assert problems == [] and decks.notes[0].back == text


@pytest.mark.parametrize(
    "field",
    [
        "<div>Q: not a card</div><div># not a heading</div><div>a :: b</div>",
        "<div>a line</div><div>===</div><div>---</div>",
        "<div>&lt;!-- never closed</div>",
        "<div>&lt;script&gt; never closed</div>",
        "A: a second answer",
    ],
)
def test_lines_that_would_start_cards_headings_or_html_are_escaped(field):
    text, _ = field_markdown(field)
    deck, problems = parse_deck(f"Q: front\nA: x\n\n{text}\n\nQ: next\nA: y\n", Path("x.md"))
    assert problems == []
    assert [note.front for note in deck.notes] == ["front", "next"]
    assert text in deck.notes[0].back


@given(st.text(min_size=1, max_size=30))
def test_guids_become_explicit_ids_and_come_back(guid):
    note_id = note_id_for_guid(guid)
    assert re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_-]*", note_id)
    assert guid_for_note_id(note_id) == guid


@given(st.text(max_size=40))
def test_safe_names_never_leave_the_folder_or_hide(name):
    safe = safe_name(name)
    assert safe and "/" not in safe and "\\" not in safe and safe not in (".", "..")
    assert not safe.startswith((".", "_")) and not safe.endswith((".", " "))
    assert not re.search(r'[<>:"|?*\x00-\x1f]', safe)


@given(st.lists(st.text(max_size=20), min_size=1, max_size=8))
def test_deck_paths_are_distinct_and_relative(names):
    paths = deck_paths(names)
    assert len({p.lower() for p in paths.values()}) == len(set(names))
    for path in paths.values():
        assert not path.startswith("/") and ".." not in path.split("/")


@given(st.text(min_size=1, max_size=30))
def test_media_names_are_link_safe(name):
    safe = media_file_name(name)
    assert re.fullmatch(r"[A-Za-z0-9._-]+", safe) and not safe.startswith(".")


def test_a_folder_linked_out_of_the_target_is_refused(anki, tmp_path, capsys):
    root, _, _ = anki
    (tmp_path / "out").mkdir()
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    (tmp_path / "out" / "ML").symlink_to(outside, target_is_directory=True)
    assert _import(tmp_path, root / "modern.apkg") == 1
    assert "outside" in capsys.readouterr().err
    assert list(outside.iterdir()) == []
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["ML"]


def test_the_progress_bar_shows_on_a_terminal_for_large_packages():
    import io

    from flashcards.commands.import_apkg import progress_bar

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    assert progress_bar(io.StringIO(), "converting") is None
    screen = Terminal()
    show = progress_bar(screen, "converting")
    assert show is not None
    show(0, 10)
    assert screen.getvalue() == ""  # a small package: no bar
    show(500, 1000)
    show(1000, 1000)
    assert screen.getvalue().endswith("converting [" + "#" * 30 + "] 1000/1000\n")
    assert "converting [###############...............] 500/1000" in screen.getvalue()


def test_control_characters_in_fields_are_dropped(anki, tmp_path):
    root, guids, _ = anki
    package = _legacy_copy(
        anki,
        tmp_path,
        lambda c: c.execute(
            "update notes set flds = ? where guid = ?",
            ("H(X)\x00\x07\x1fen\x00tropy \\(x\x00\\)", guids["optional_one"]),
        ),
    )
    assert _import(tmp_path, package) == 0
    _, note = _notes(tmp_path / "out")[note_id_for_guid(guids["optional_one"])]
    assert (note.front, note.back) == ("H(X)", "entropy $x$")


def test_a_note_type_posing_as_ours_with_other_fields_is_read_as_another_type():
    from flashcards.apkg import AnkiCard, AnkiNote, AnkiPackage, NoteType, convert_package
    from flashcards.export import TEXT_MODEL_ID

    package = AnkiPackage(
        notetypes={TEXT_MODEL_ID: NoteType(TEXT_MODEL_ID, "flashcards: typed text", False, ("A",))},
        decks={1: "Default"},
        notes=(AnkiNote(1, "g1", TEXT_MODEL_ID, ("only one field",)),),
        cards=(AnkiCard(1, 0, 1),),
    )
    conversion = convert_package(package)
    assert conversion.kinds == {"basic": 1}
    assert conversion.other_types == {"flashcards: typed text": 1}
    deck, problems = parse_deck(conversion.files[0].text, Path("Default.md"))
    assert problems == [] and deck.notes[0].front == "only one field"


def test_bulk_history_is_what_grading_answer_by_answer_gives(anki, tmp_path):
    """`import-reviews` on the imported decks (guids matched through their `anki-` ids, the
    stock Cloze read as a cloze) logs the same answers, and leaves the same states, as the
    bulk replay of `--with-history`."""
    from flashcards.anki_import import import_history, import_reviews, read_reviews
    from flashcards.apkg import convert_package, read_package

    root, guids, _ = anki
    _import(tmp_path, root / "modern.apkg")
    decks, _ = load_decks([tmp_path / "out"])
    conversion = convert_package(read_package(root / "modern.apkg")[0])
    results = []
    for name, run in (
        ("one.sqlite3", lambda s: import_reviews(s, root / "modern.apkg")),
        (
            "bulk.sqlite3",
            lambda s: import_history(s, read_reviews(root / "modern.apkg"), conversion.note_ids),
        ),
    ):
        store = Store(sqlite_url(tmp_path / name))
        store.sync(decks, [tmp_path / "out"])
        report = run(store)
        log = [
            (e.card_id, e.reviewed_at, e.study_day, e.kind, e.grade, e.after)
            for e in store.review_log()
        ]
        results.append((report.added, report.cards, sorted(log), store.studied_states()))
        store.close()
    assert results[0] == results[1]
    assert results[0][0] == 4
    cloze = f"{note_id_for_guid(guids['cloze'])}:2"
    assert [row[0] for row in results[0][2]].count(cloze) == 1


def test_a_deck_too_large_for_a_deck_file_is_refused(anki, tmp_path, capsys, monkeypatch):
    from flashcards import decks

    monkeypatch.setattr(decks, "MAX_DECK_BYTES", 200)
    root, _, _ = anki
    _refused(tmp_path, root / "modern.apkg", capsys, "split it into sub-decks")


def test_a_deck_renamed_in_anki_moves_to_its_new_file(anki, tmp_path, capsys):
    root, guids, _ = anki
    out = tmp_path / "out"
    assert _import(tmp_path, root / "legacy.apkg") == 0
    renamed = _legacy_copy(
        anki,
        tmp_path,
        lambda c: c.execute("update col set decks = replace(decks, 'Info: Theory', 'Information')"),
    )
    assert _import(tmp_path, renamed) == 0
    assert "Removed 1 file an earlier import wrote" in capsys.readouterr().out
    assert not (out / "ML" / "Info_ Theory.md").exists()
    notes = _notes(out)  # no duplicate ids: the old file is gone
    assert notes[note_id_for_guid(guids["optional_one"])][0].name == "ML::Information"
    assert "ML/Info_ Theory.md" not in json.loads((out / MANIFEST).read_text())["files"]
    # a renamed deck's old file that the user changed is kept, and said so
    (out / "ML" / "Information.md").write_text("Q: mine\nA: yes\n", encoding="utf-8")
    assert _import(tmp_path, root / "legacy.apkg") == 0
    err = capsys.readouterr().err
    assert "Kept" in err and "Information.md" in err
    assert (out / "ML" / "Information.md").read_text() == "Q: mine\nA: yes\n"
    assert (out / "ML" / "Info_ Theory.md").exists()


@pytest.mark.parametrize(
    "change",
    [
        "update col set models = '[]'",
        "update col set models = '{\"1\": 5}'",
        "update col set decks = '[1, 2]'",
        'update col set decks = \'{"1": {"id": "x"}}\'',
    ],
)
def test_note_types_or_decks_that_are_not_anki_objects_are_refused(anki, tmp_path, capsys, change):
    package = _legacy_copy(anki, tmp_path, lambda c: c.execute(change))
    _refused(tmp_path, package, capsys, "the Anki collection is damaged")
