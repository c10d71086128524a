"""Anki export: fields rendered from notes, and packages imported by the real Anki backend."""

from __future__ import annotations

import os
import zipfile
from dataclasses import replace
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import pytest

from flashcards.cards import CardKind, Choice, Deck, MathSpec, Note, TextSpec
from flashcards.cli import main
from flashcards.decks import load_decks
from flashcards.export import (
    CHOICE_MODEL_ID,
    CLOZE_MODEL_ID,
    FIELDS,
    MODEL_IDS,
    TEMPLATES,
    ExportError,
    anki_cloze_text,
    anki_schedule,
    anki_tags,
    day_zero,
    media_name,
    next_stamp,
    note_fields,
    render_markdown,
    write_apkg,
)
from flashcards.scheduler import ReviewState

DECK = r"""---
name: Probability
description: Random variables and $p(x \mid \theta)$.
tags: [probability, "two words"]
macros:
  \E: \mathbb{E}
---

Q: What is the log of a product? {#log-product .algebra}
A: The sum of the logs: $\log \prod_i x_i = \sum_i \log x_i$, and $a<b$ with <b>raw</b> HTML.

KL divergence ::: $D_{\mathrm{KL}}(q \,\|\, p) = \E_{q}[\log q - \log p]$ {#kl}

The derivative of the log: $\frac{d}{dx}\log x = {{c1::\frac{1}{x}}}$, for {{c2::$x > 0$::domain}}. {#dlog}

## $\frac{d}{dx} \log \sigma(x) = \;?$ {#dlog-sigmoid}

```answer
expected: 1 - \sigma(x)
define:
  - sigma(x) = 1/(1 + e^(-x))
assume:
  - x real
```

Because $\log\sigma(x) = -\log(1+e^{-x})$.

![the sigmoid](figures/sigmoid.png)

## Which are true of $D_{\mathrm{KL}}(q \| p)$? {#kl-facts}

- [x] It is never negative
- [ ] It is symmetric in $q$ and $p$
- [x] It is zero when $q = p$

Symmetry fails in general.

## What is the lower bound on $\log p(x)$ that VAEs maximise called? {#elbo-name}

```answer
text: evidence lower bound
alternatives: [ELBO, variational lower bound]
```

```python
loss = -elbo  # maximise the bound
```
"""

PNG = bytes.fromhex("89504e470d0a1a0a") + b"not really a picture"


def write_tree(root: Path, text: str = DECK) -> Path:
    """A deck tree `root/ML/probability.md` with its image; returns the tree's folder."""
    folder = root / "ML"
    (folder / "figures").mkdir(parents=True, exist_ok=True)
    (folder / "figures" / "sigmoid.png").write_bytes(PNG)
    (folder / "probability.md").write_text(text, encoding="utf-8")
    return root


def load(root: Path) -> list[Deck]:
    decks, problems = load_decks([root])
    assert problems == []
    return decks


def collection(path: Path):
    import anki.collection  # noqa: F401  (imported first: anki.cards alone is a circular import)
    from anki.collection import Collection

    return Collection(str(path))


def import_apkg(col, apkg: Path, with_scheduling: bool = False):
    from anki.collection import ImportAnkiPackageOptions, ImportAnkiPackageRequest

    options = ImportAnkiPackageOptions(with_scheduling=with_scheduling)
    request = ImportAnkiPackageRequest(package_path=str(apkg), options=options)
    return col.import_anki_package(request).log


def assert_no_warnings(log) -> None:
    assert list(log.conflicting) == []
    assert list(log.missing_notetype) == []
    assert list(log.missing_deck) == []
    assert list(log.empty_first_field) == []
    assert list(log.first_field_match) == []


def notes_by_guid(col) -> dict:
    return {col.get_note(nid).guid: col.get_note(nid) for nid in col.find_notes("")}


# --- Rendering (pure) ---------------------------------------------------------------------


def test_math_becomes_mathjax_with_less_than_escaped():
    out = render_markdown(r"If $a<b$ then $$\sum_i x_i < 1$$ holds.")
    assert r"\(a&lt;b\)" in out
    assert r"\[\sum_i x_i &lt; 1\]" in out
    assert "$" not in out


def test_display_math_block_becomes_mathjax_display():
    out = render_markdown("Before\n\n$$\n\\int_0^1 x\\,dx\n$$\n")
    assert r"\[\int_0^1 x\,dx\]" in out


def test_raw_html_is_escaped_never_passed_through():
    out = render_markdown('A <script>alert(1)</script> and <img src="x" onerror="y">')
    assert "<script>" not in out and "<img" not in out
    assert "&lt;script&gt;" in out


def test_macros_are_expanded_inside_math_only():
    macros = {r"\E": r"\mathbb{E}"}
    out = render_markdown(r"$\E[x]$ and `\E` in code", macros)
    assert r"\(\mathbb{E}[x]\)" in out
    assert r"<code>\E</code>" in out


def test_code_blocks_are_styled_and_escaped():
    out = render_markdown("```python\nif a < b:\n    pass\n```")
    assert '<pre class="fc-code"><code class="language-python">if a &lt; b:' in out


def test_images_are_renamed_to_their_packaged_name():
    out = render_markdown("![a dag](figures/dag.png)", media={"figures/dag.png": "dag-0123.png"})
    assert '<img src="dag-0123.png" alt="a dag">' in out


def test_cloze_inside_math_closes_with_a_space_for_anki():
    text = r"$r = {{c1::\frac{a}{b}}}$ and {{c2::plain}} and $x = {{c3::y::hint}}$"
    out = anki_cloze_text(text)
    assert r"{{c1::\frac{a}{b} }}" in out
    assert "{{c2::plain}}" in out
    assert "{{c3::y::hint }}" in out


def test_cloze_fields_keep_numbers_hints_and_mathjax():
    note = Note(
        id="bayes",
        kind=CardKind.CLOZE,
        front=r"$p(\theta \mid x) = {{c1::\frac{p(x)}{q}}}$ for {{c2::all $x$::domain}}",
        back="",
        line=1,
        end_line=1,
        cloze_numbers=(1, 2),
    )
    text, extra, note_id = note_fields(note, Deck("d", Path("d.md"), (note,)))
    assert r"\(p(\theta \mid x) = {{c1::\frac{p(x)}{q} }}\)" in text
    assert r"{{c2::all \(x\)::domain}}" in text
    assert note_id == "bayes"


def test_choice_fields_list_options_and_mark_the_right_ones_on_the_back():
    note = Note(
        id="c",
        kind=CardKind.CHOICE,
        front="Which?",
        back="Because.",
        line=1,
        end_line=5,
        choices=(Choice("right $x$", True), Choice("wrong", False)),
    )
    question, options, answer, back, _ = note_fields(note, Deck("d", Path("d.md"), (note,)))
    assert "right \\(x\\)" in options and "wrong" in options
    assert "fc-right" not in options
    assert '<li class="fc-right"><span class="fc-mark">&#10003;</span>right' in answer
    assert '<li class="fc-wrong"><span class="fc-mark">&#10007;</span>wrong' in answer
    assert "Choose one answer." in options


def test_math_fields_hold_the_typed_answer_and_its_declarations():
    spec = MathSpec(
        expected=r"$\frac{1}{x}$",
        definitions=("f(x) = log(x)",),
        assumptions=("x > 0",),
        mode="antiderivative",
    )
    note = Note("m", CardKind.MATH, "d/dx?", "", 1, 3, math=spec)
    front, answer, shown, decl, back, _ = note_fields(note, Deck("d", Path("d.md"), (note,)))
    assert answer == r"\frac{1}{x}"
    assert shown == r"\(\frac{1}{x}\)"
    assert "<code>f(x) = log(x)</code>" in decl and "<code>x &gt; 0</code>" in decl
    assert "up to a constant" in decl


def test_plain_math_answers_are_shown_as_code():
    note = Note("m", CardKind.MATH, "?", "", 1, 3, math=MathSpec(expected="1/(1+e^(-x))"))
    fields = note_fields(note, Deck("d", Path("d.md"), (note,)))
    assert fields[2] == "<code>1/(1+e^(-x))</code>"


def test_text_fields_hold_the_answer_and_alternatives():
    note = Note("t", CardKind.TEXT, "?", "", 1, 3, text=TextSpec("a & b", ("ab", "a+b")))
    front, answer, alternatives, back, _ = note_fields(note, Deck("d", Path("d.md"), (note,)))
    assert answer == "a &amp; b"
    assert alternatives == "ab, a+b"


def test_every_kind_has_fields_for_its_note_type():
    assert set(FIELDS) == set(CardKind) == set(MODEL_IDS) == set(TEMPLATES)
    assert len(set(MODEL_IDS.values())) == len(MODEL_IDS)
    assert len(TEMPLATES[CardKind.REVERSIBLE]) == 2


def test_tags_have_no_spaces_and_no_repeats():
    note = Note("n", CardKind.BASIC, "f", "b", 1, 1, tags=("vi", "two words", "kl"))
    deck = Deck("d", Path("d.md"), (note,), tags=("kl", "deck tag"))
    assert anki_tags(note, deck) == ["kl", "deck_tag", "vi", "two_words"]


def test_each_stamp_is_later_than_the_last():
    assert next_stamp(1000.7, None) == 1000
    assert next_stamp(1000.7, 999) == 1000
    assert next_stamp(1000.7, 1000) == 1001
    assert next_stamp(1000.7, 5000) == 5001


def test_media_names_differ_by_content_and_keep_the_suffix():
    a, b = media_name("figures/dag.png", "a" * 40), media_name("other/dag.png", "b" * 40)
    assert a != b and a.endswith(".png") and b.startswith("dag-")
    assert media_name("x/My Figure!.PNG", "c" * 40) == "My-Figure-cccccccccccc.png"


def test_day_zero_is_the_latest_4am_rollover():
    tz = timezone(timedelta(hours=2))
    assert day_zero(datetime(2026, 3, 5, 10, 0, tzinfo=tz)) == datetime(2026, 3, 5, 4, tzinfo=tz)
    assert day_zero(datetime(2026, 3, 5, 3, 0, tzinfo=tz)) == datetime(2026, 3, 4, 4, tzinfo=tz)


def test_review_state_becomes_an_anki_review_card():
    state = ReviewState(repetitions=3, interval_days=15, ease_pct=236, due=date(2026, 3, 20))
    s = anki_schedule(state, date(2026, 3, 5))
    assert (s.ctype, s.queue, s.due, s.ivl, s.factor, s.reps) == (2, 2, 15, 15, 2360, 3)
    assert anki_schedule(ReviewState(), date(2026, 3, 5)).ctype == 0


# --- Packages and the shell ----------------------------------------------------------------


def test_package_is_a_zip_with_collection_media_and_renamed_images(tmp_path):
    decks = load(write_tree(tmp_path / "decks"))
    report = write_apkg(decks, tmp_path / "out.apkg")
    with zipfile.ZipFile(report.path) as z:
        names = set(z.namelist())
        assert {"collection.anki2", "media", "0"} <= names
        assert z.read("0") == PNG
    assert report.media == 1 and report.notes == 6 and report.cards == 8
    assert dict(report.kinds) == {k.value: 1 for k in CardKind}
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []


def test_missing_image_fails_and_leaves_no_file(tmp_path):
    note = Note("n", CardKind.BASIC, "f", "![x](missing.png)", 1, 1)
    deck = Deck("d", tmp_path / "d.md", (note,))
    out = tmp_path / "out.apkg"
    with pytest.raises(ExportError, match=r"d.md:1: image `missing.png` is missing"):
        write_apkg([deck], out)
    assert list(tmp_path.iterdir()) == []


def test_image_symlinked_out_of_the_deck_folder_is_refused(tmp_path):
    secret = tmp_path / "secret.png"
    secret.write_bytes(PNG)
    folder = tmp_path / "deck"
    folder.mkdir()
    (folder / "link.png").symlink_to(secret)
    note = Note("n", CardKind.BASIC, "f", "![x](link.png)", 3, 3)
    deck = Deck("d", folder / "d.md", (note,))
    with pytest.raises(ExportError, match="outside the deck's folder"):
        write_apkg([deck], tmp_path / "out.apkg")
    with pytest.raises(ExportError, match="outside the deck's folder"):
        note = replace(note, back="![x](../secret.png)")
        write_apkg([replace(deck, notes=(note,))], tmp_path / "out.apkg")
    assert not (tmp_path / "out.apkg").exists()


def test_image_in_a_symlink_loop_is_refused_with_a_message(tmp_path):
    (tmp_path / "a.png").symlink_to(tmp_path / "b.png")
    (tmp_path / "b.png").symlink_to(tmp_path / "a.png")
    note = Note("n", CardKind.BASIC, "f", "![x](a.png)", 2, 2)
    deck = Deck("d", tmp_path / "d.md", (note,))
    with pytest.raises(ExportError, match=r"d.md:2: image `a.png` cannot be resolved"):
        write_apkg([deck], tmp_path / "out.apkg")
    assert not (tmp_path / "out.apkg").exists()


def test_a_failed_export_keeps_the_previous_package(tmp_path):
    decks = load(write_tree(tmp_path / "decks"))
    out = tmp_path / "out.apkg"
    write_apkg(decks, out)
    before = out.read_bytes()
    bad = Note("n", CardKind.BASIC, "f", "![x](gone.png)", 1, 1)
    with pytest.raises(ExportError):
        write_apkg([replace(decks[0], notes=(*decks[0].notes, bad))], out)
    assert out.read_bytes() == before


def test_two_notes_with_one_id_are_refused(tmp_path):
    note = Note("same", CardKind.BASIC, "f", "b", 1, 1)
    decks = [Deck("a", tmp_path / "a.md", (note,)), Deck("b", tmp_path / "b.md", (note,))]
    with pytest.raises(ExportError, match="note id `same` is also used"):
        write_apkg(decks, tmp_path / "out.apkg")


def test_cli_exports_and_keeps_the_stamp_in_the_data_folder(tmp_path, capsys):
    root = write_tree(tmp_path / "decks")
    out = tmp_path / "ml.apkg"
    args = ["export", str(root), "-o", str(out), "--data-dir", str(tmp_path / "data")]
    assert main(args) == 0
    assert "6 notes" in capsys.readouterr().out
    first = (tmp_path / "data" / "anki-export.json").read_text()
    assert main(args) == 0
    assert (tmp_path / "data" / "anki-export.json").read_text() != first


@pytest.mark.parametrize(
    ("output", "message"),
    [
        ("nowhere/ml.apkg", "no such folder"),
        ("decks", "is a folder"),
        ("ml.zip", "must end in .apkg"),
    ],
)
def test_cli_refuses_outputs_it_cannot_write(tmp_path, capsys, output, message):
    root = write_tree(tmp_path / "decks")
    target = tmp_path / output
    if output == "decks":
        target = tmp_path / "decks.apkg"
        target.mkdir()
    args = ["export", str(root), "-o", str(target), "--data-dir", str(tmp_path / "data")]
    assert main(args) == 1
    assert message in capsys.readouterr().err


def test_cli_refuses_decks_with_problems(tmp_path, capsys):
    root = write_tree(tmp_path / "decks")
    (root / "ML" / "broken.md").write_text("Q: a question without its answer\n")
    out = tmp_path / "ml.apkg"
    assert main(["export", str(root), "-o", str(out), "--data-dir", str(tmp_path / "d")]) == 1
    err = capsys.readouterr().err
    assert "broken.md:1:" in err and "fix them" in err
    assert not out.exists()


def test_cli_refuses_a_missing_image(tmp_path, capsys):
    root = write_tree(tmp_path / "decks")
    (root / "ML" / "figures" / "sigmoid.png").unlink()
    out = tmp_path / "ml.apkg"
    assert main(["export", str(root), "-o", str(out), "--data-dir", str(tmp_path / "d")]) == 1
    assert "sigmoid.png" in capsys.readouterr().err
    assert not out.exists()


# --- Into real Anki ------------------------------------------------------------------------


def test_anki_imports_every_kind_with_decks_tags_mathjax_and_media(tmp_path):
    decks = load(write_tree(tmp_path / "decks"))
    apkg = tmp_path / "ml.apkg"
    write_apkg(decks, apkg, stamp_file=tmp_path / "stamp.json")
    col = collection(tmp_path / "collection.anki2")
    try:
        log = import_apkg(col, apkg)
        assert_no_warnings(log)
        assert len(log.new) == 6
        notes = notes_by_guid(col)
        assert set(notes) == {"log-product", "kl", "dlog", "dlog-sigmoid", "kl-facts", "elbo-name"}
        names = {guid: note.note_type()["name"] for guid, note in notes.items()}
        assert names["kl"] == "flashcards: basic and reversed"
        assert {n.note_type()["id"] for n in notes.values()} == set(MODEL_IDS.values())
        cards = {guid: sorted(c.ord for c in note.cards()) for guid, note in notes.items()}
        assert cards == {
            "log-product": [0],
            "kl": [0, 1],
            "dlog": [0, 1],  # one card per cloze number
            "dlog-sigmoid": [0],
            "kl-facts": [0],
            "elbo-name": [0],
        }
        assert col.card_count() == 8
        deck_names = {d.name for d in col.decks.all_names_and_ids()}
        assert {"ML", "ML::Probability"} <= deck_names
        assert all(col.decks.name(c.did) == "ML::Probability" for c in notes["kl"].cards())
        assert sorted(notes["log-product"].tags) == ["algebra", "probability", "two_words"]

        basic = notes["log-product"]
        assert r"\(\log \prod_i x_i = \sum_i \log x_i\)" in basic["Back"]
        assert r"\(a&lt;b\)" in basic["Back"] and "&lt;b&gt;raw&lt;/b&gt;" in basic["Back"]
        assert r"\mathbb{E}_{q}" in notes["kl"]["Back"]  # the deck macro, expanded
        cloze = notes["dlog"]
        assert cloze.note_type()["id"] == CLOZE_MODEL_ID
        assert r"{{c1::\frac{1}{x} }}" in cloze["Text"]
        front = cloze.cards()[0].question()
        assert r"\log x = [...]\)" in front  # the deletion hidden inside the math
        hinted = [c for c in cloze.cards() if c.ord == 1][0].question()
        assert "[domain]" in hinted
        math = notes["dlog-sigmoid"]
        assert math["Answer"] == r"1 - \sigma(x)"
        assert "[[type:Answer]]" in math.cards()[0].question()
        assert "<code>sigma(x) = 1/(1 + e^(-x))</code>" in math["Declarations"]
        image = next(iter(os.listdir(col.media.dir())))
        assert image.startswith("sigmoid-") and f'<img src="{image}"' in math["Back"]
        assert (Path(col.media.dir()) / image).read_bytes() == PNG
        choice = notes["kl-facts"]
        assert choice.note_type()["id"] == CHOICE_MODEL_ID
        assert choice["Answer"].count("fc-right") == 2
        assert notes["elbo-name"]["Alternatives"] == "ELBO, variational lower bound"
    finally:
        col.close()


def test_reexport_after_edits_updates_notes_in_place_and_adds_none(tmp_path):
    root = write_tree(tmp_path / "decks")
    stamp = tmp_path / "stamp.json"
    col = collection(tmp_path / "collection.anki2")
    try:
        write_apkg(load(root), tmp_path / "v1.apkg", stamp_file=stamp)
        assert len(import_apkg(col, tmp_path / "v1.apkg").new) == 6
        ids_before = {guid: note.id for guid, note in notes_by_guid(col).items()}
        cards_before = sorted(col.find_cards(""))

        edited = (
            DECK.replace("The sum of the logs", "The sum of their logs")
            .replace("{{c2::$x > 0$::domain}}", "{{c2::$x > 0$::where}}")
            .replace("Symmetry fails in general.", "It is not symmetric.")
            .replace("[ELBO, variational", "[ELBO, the variational")
        )
        (root / "ML" / "probability.md").write_text(edited, encoding="utf-8")
        # exported at once, in the same second: the stamp file still makes it newer
        write_apkg(load(root), tmp_path / "v2.apkg", stamp_file=stamp)
        log = import_apkg(col, tmp_path / "v2.apkg")
        assert_no_warnings(log)
        assert len(log.new) == 0
        assert len(log.updated) == 6  # every note is newer; the edited ones changed
        notes = notes_by_guid(col)
        assert {guid: note.id for guid, note in notes.items()} == ids_before
        assert sorted(col.find_cards("")) == cards_before
        assert "The sum of their logs" in notes["log-product"]["Back"]
        assert "::where}}" in notes["dlog"]["Text"]
        assert "It is not symmetric." in notes["kl-facts"]["Back"]
        assert "the variational" in notes["elbo-name"]["Alternatives"]

        added = edited + "\n---\n\nA new card :: with its back {#new-card}\n"
        (root / "ML" / "probability.md").write_text(added, encoding="utf-8")
        write_apkg(load(root), tmp_path / "v3.apkg", stamp_file=stamp)
        log = import_apkg(col, tmp_path / "v3.apkg")
        assert len(log.new) == 1 and col.note_count() == 7
    finally:
        col.close()


def test_progress_export_continues_the_schedule_in_anki(tmp_path):
    decks = load(write_tree(tmp_path / "decks"))
    now = datetime.now().astimezone()
    today = day_zero(now).date()
    states = {
        "log-product:0": ReviewState(repetitions=3, interval_days=15, ease_pct=236,
                                     due=today + timedelta(days=9), lapses=1),
        "kl:1": ReviewState(repetitions=1, interval_days=1, ease_pct=250,
                            due=today - timedelta(days=2)),
        "dlog:2": ReviewState(repetitions=2, interval_days=6, ease_pct=260,
                              due=today + timedelta(days=6)),
    }  # fmt: skip
    apkg = tmp_path / "progress.apkg"
    report = write_apkg(decks, apkg, states=states, now=now)
    assert report.scheduled == 3
    col = collection(tmp_path / "collection.anki2")
    try:
        assert_no_warnings(import_apkg(col, apkg, with_scheduling=True))
        notes = notes_by_guid(col)
        today_anki = col.sched.today

        def card(guid: str, ord: int):
            return next(c for c in notes[guid].cards() if c.ord == ord)

        product = card("log-product", 0)
        assert (product.type, product.queue) == (2, 2)
        assert product.due - today_anki == 9
        assert (product.ivl, product.factor, product.lapses) == (15, 2360, 1)
        overdue = card("kl", 1)
        assert overdue.due - today_anki == -2 and overdue.ivl == 1
        cloze = card("dlog", 1)  # cloze number 2 is Anki's ordinal 1
        assert cloze.due - today_anki == 6 and cloze.factor == 2600
        assert card("kl", 0).type == 0  # never studied: still new
        assert len(col.find_cards("is:new")) == 5
    finally:
        col.close()


def test_without_a_later_stamp_anki_ignores_the_edits(tmp_path):
    """Why the stamp matters: Anki skips an update that is not newer than its note."""
    root = write_tree(tmp_path / "decks")
    now = datetime.now().astimezone()
    col = collection(tmp_path / "collection.anki2")
    try:
        write_apkg(load(root), tmp_path / "v1.apkg", now=now)
        import_apkg(col, tmp_path / "v1.apkg")
        text = DECK.replace("The sum of the logs", "The sum of their logs")
        (root / "ML" / "probability.md").write_text(text, encoding="utf-8")
        write_apkg(load(root), tmp_path / "v2.apkg", now=now)  # same second, no stamp kept
        log = import_apkg(col, tmp_path / "v2.apkg")
        assert len(log.updated) == 0 and len(log.new) == 0
        assert "The sum of the logs" in notes_by_guid(col)["log-product"]["Back"]
    finally:
        col.close()


def test_cli_with_progress_takes_the_schedule_from_the_store(tmp_path, capsys):
    from flashcards.config import sqlite_url, study_day
    from flashcards.store import Store

    root = write_tree(tmp_path / "decks")
    db = sqlite_url(tmp_path / "collection.sqlite3")
    now = datetime.now().astimezone()
    today = study_day(now)
    with Store(db) as store:
        store.sync(load(root), [root])
        store.grade("log-product:0", 4, now=now, today=today)
    out = tmp_path / "ml.apkg"
    args = ["export", str(root), "-o", str(out), "--with-progress", "--data-dir", str(tmp_path)]
    assert main([*args, "--db", db]) == 0
    assert "1 card with its schedule" in capsys.readouterr().out
    col = collection(tmp_path / "anki.anki2")
    try:
        import_apkg(col, out, with_scheduling=True)
        card = notes_by_guid(col)["log-product"].cards()[0]
        assert (card.type, card.ivl, card.due - col.sched.today) == (2, 1, 1)
        assert col.card_count() - len(col.find_cards("is:new")) == 1
    finally:
        col.close()


HASH_DECK = """---
name: Hashes
---

The range of a Bernoulli parameter :: the closed interval from zero to one

Q: What does ELBO stand for?
A: Evidence lower bound, a lower bound on the log evidence.
"""


def test_edited_notes_without_ids_keep_their_guid_and_update_in_anki(tmp_path):
    root = tmp_path / "decks"
    root.mkdir()
    deck_file = root / "hashes.md"
    deck_file.write_text(HASH_DECK, encoding="utf-8")
    record = tmp_path / "anki-export.json"
    col = collection(tmp_path / "collection.anki2")
    try:
        first = load(root)
        write_apkg(first, tmp_path / "v1.apkg", stamp_file=record)
        import_apkg(col, tmp_path / "v1.apkg")
        guids_before = set(notes_by_guid(col))
        assert guids_before == {note.id for note in first[0].notes}

        deck_file.write_text(HASH_DECK.replace("closed interval", "closed intervall"), "utf-8")
        second = load(root)
        assert {note.id for note in second[0].notes} != guids_before  # the hash id changed
        write_apkg(second, tmp_path / "v2.apkg", stamp_file=record)
        log = import_apkg(col, tmp_path / "v2.apkg")
        assert (len(log.new), len(log.updated)) == (0, 2)
        assert set(notes_by_guid(col)) == guids_before
        assert any("intervall" in n["Back"] for n in notes_by_guid(col).values())

        from flashcards.export import guid_map

        edited = next(n for n in second[0].notes if "intervall" in n.back)
        assert guid_map(record) == {
            (guids_before - {n.id for n in second[0].notes}).pop(): edited.id
        }
    finally:
        col.close()


def test_guids_follow_the_most_similar_vanished_note_of_the_same_deck():
    from flashcards.export import ExportedNote, ExportRecord, assign_guids

    def note(note_id: str, back: str, explicit: bool = False) -> Note:
        return Note(note_id, CardKind.BASIC, "front", back, 1, 1, explicit_id=explicit)

    record = ExportRecord(
        10,
        (
            ("~old", ExportedNote("~guid", "basic", "d", "front", "a long answer here")),
            ("~other", ExportedNote("~other", "basic", "elsewhere", "front", "a long answer")),
        ),
    )
    deck = Deck(
        "d",
        Path("d.md"),
        (note("~new", "a long answer, here"), note("~fresh", "zzz"), note("kl", "x", True)),
    )
    assert assign_guids([deck], record) == {"~new": "~guid", "~fresh": "~fresh", "kl": "kl"}


def test_the_builtin_decks_import_into_anki_whole(tmp_path):
    from flashcards.decks import builtin_decks_dir

    decks = load(builtin_decks_dir())
    report = write_apkg(decks, tmp_path / "builtin.apkg")
    col = collection(tmp_path / "collection.anki2")
    try:
        log = import_apkg(col, tmp_path / "builtin.apkg")
        assert_no_warnings(log)
        assert len(log.new) == report.notes
        assert col.card_count() == report.cards == sum(len(d.cards) for d in decks)
        fields = [f for nid in col.find_notes("") for f in col.get_note(nid).fields]
        assert not [f for f in fields if "$" in f]  # all math is MathJax
    finally:
        col.close()


def test_progress_bar_draws_one_updating_line():
    import io

    from flashcards.commands.export import progress_bar

    stream = io.StringIO()
    update = progress_bar(stream)
    for done in range(1, 201):
        update(done, 200)
    text = stream.getvalue()
    assert text.count("\r") == 101 and text.endswith("100% 200/200\n")


def test_images_in_choice_options_are_renamed_too():
    note = Note(
        "c", CardKind.CHOICE, "Which plot?", "", 1, 4,
        choices=(Choice("![a](a.png)", True), Choice("![b](b.png)", False)),
    )  # fmt: skip
    media = {"a.png": "a-1.png", "b.png": "b-2.png"}
    options = note_fields(note, Deck("d", Path("d.md"), (note,)), media)[1]
    assert '<img src="a-1.png" alt="a">' in options and '<img src="b-2.png" alt="b">' in options


def test_the_back_says_which_integral_rule_and_how_many_figures():
    from flashcards.export import declarations_html

    with_constant = declarations_html(MathSpec("x^2 + C", mode="antiderivative"))
    up_to_constant = declarations_html(MathSpec("x^2", mode="any_antiderivative"))
    assert "type the constant of integration" in with_constant
    assert "up to a constant" in up_to_constant and "constant of integration" not in up_to_constant
    assert "3 significant figures" in declarations_html(MathSpec("pi", sig_figs=3))
    assert "1 significant figure." in declarations_html(MathSpec("pi", sig_figs=1))
