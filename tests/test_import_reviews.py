"""Reviews made in the real Anki backend come back into the review log, once."""

from __future__ import annotations

import sys
import zipfile
from datetime import UTC, date, datetime, time, timedelta

import pytest

from flashcards.anki_import import (
    GRADES,
    AnkiAnswer,
    collection_bytes,
    import_reviews,
    ms_key,
    plan_import,
    read_reviews,
    study_day,
)
from flashcards.cli import main
from flashcards.config import sqlite_url
from flashcards.decks import load_decks
from flashcards.errors import FlashcardsError
from flashcards.export import write_apkg
from flashcards.grades import Grade
from flashcards.store import Store

DECK = r"""---
name: Logs
---

Q: What is the log of a product? {#log-product}
A: The sum of the logs.

KL divergence ::: $D_{\mathrm{KL}}(q \,\|\, p)$ {#kl}

The derivative of the log: $\frac{d}{dx}\log x = {{c1::\frac{1}{x}}}$, for {{c2::$x > 0$}}. {#dlog}
"""

DAY = timedelta(days=1)


def answer(col, guid: str, ord: int, ease: int, when: datetime) -> None:
    """Answer one card in Anki, then date the answer `when` (Anki dates it now)."""
    nid = next(n for n in col.find_notes("") if col.get_note(n).guid == guid)
    card = next(c for c in col.get_note(nid).cards() if c.ord == ord)
    before = set(col.db.list("select id from revlog"))
    card.start_timer()
    col.sched.answerCard(card, ease)
    (new,) = set(col.db.list("select id from revlog")) - before
    col.db.execute("update revlog set id = ? where id = ?", ms_key(when), new)


@pytest.fixture
def setup(tmp_path):
    """Decks synced into a store, exported, imported into Anki and answered there over days."""
    import anki.collection  # noqa: F401  (first: anki.cards alone is a circular import)
    from anki.collection import (
        Collection,
        ExportAnkiPackageOptions,
        ImportAnkiPackageOptions,
        ImportAnkiPackageRequest,
    )

    root = tmp_path / "decks"
    root.mkdir()
    (root / "logs.md").write_text(DECK, encoding="utf-8")
    decks, problems = load_decks([root])
    assert problems == []
    store = Store(sqlite_url(tmp_path / "collection.sqlite3"))
    store.sync(decks, [root])
    write_apkg(decks, tmp_path / "logs.apkg")

    (tmp_path / "anki").mkdir()
    col = Collection(str(tmp_path / "anki" / "collection.anki2"))
    request = ImportAnkiPackageRequest(
        package_path=str(tmp_path / "logs.apkg"), options=ImportAnkiPackageOptions()
    )
    col.import_anki_package(request)
    # noon of each study day, so no answer falls near a day boundary
    today = study_day(datetime.now(UTC), time(4, 0))
    noon = datetime.combine(today, time(12, 0)).astimezone()
    answer(col, "log-product", 0, 3, noon - 7 * DAY)  # Good
    answer(col, "log-product", 0, 3, noon - 6 * DAY)  # Good
    answer(col, "kl", 0, 1, noon - 2 * DAY)  # Again
    answer(col, "dlog", 1, 4, noon - DAY)  # Easy, on cloze number 2
    answer(col, "log-product", 0, 2, noon)  # Hard
    answer(col, "log-product", 0, 3, noon + timedelta(minutes=5))  # Good, again the same day
    other = col.new_note(col.models.by_name("Basic"))
    other["Front"], other["Back"] = "A note made in Anki", "not in any deck file"
    col.add_note(other, col.decks.id_for_name("Logs"))
    answer(col, other.guid, 0, 3, noon - 3 * DAY)

    options = ExportAnkiPackageOptions(with_scheduling=True, legacy=True)
    col.export_anki_package(out_path=str(tmp_path / "phone.apkg"), options=options, limit=None)
    col.export_collection_package(str(tmp_path / "phone.colpkg"), include_media=False, legacy=True)
    # Anki's default since 2.1.50: the collection compressed with zstd (collection.anki21b)
    col.reopen()  # exporting a collection package closes it
    col.export_collection_package(
        str(tmp_path / "phone-modern.colpkg"), include_media=False, legacy=False
    )
    yield store, tmp_path, today
    store.close()


def test_anki_answers_are_read_with_their_cards_and_buttons(setup):
    store, tmp_path, today = setup
    reviews = read_reviews(tmp_path / "phone.colpkg")
    assert reviews.source == "collection.anki21"
    ours = {"log-product", "kl", "dlog"}
    assert [(a.card_id, a.ease) for a in reviews.answers if a.guid in ours] == [
        ("log-product:0", 3),
        ("log-product:0", 3),
        ("kl:0", 1),
        ("dlog:2", 4),  # Anki's cloze ordinal 1 is cloze number 2
        ("log-product:0", 2),
        ("log-product:0", 3),
    ]
    assert read_reviews(tmp_path / "phone.apkg").answers == reviews.answers


def test_modern_zstd_compressed_collection_exports_are_read(setup):
    _, tmp_path, _ = setup
    modern = read_reviews(tmp_path / "phone-modern.colpkg")
    assert modern.source == "collection.anki21b"
    assert modern.answers == read_reviews(tmp_path / "phone.colpkg").answers


def test_import_replays_anki_answers_through_sm2_in_time_order(setup):
    store, tmp_path, today = setup
    report = import_reviews(store, tmp_path / "phone.colpkg")
    assert (report.added, report.repeats, report.unknown, report.cards) == (6, 1, 1, 3)

    log = [e for e in store.review_log() if e.card_id == "log-product:0"]
    assert [(e.study_day, e.grade, e.kind) for e in log] == [
        (today - 7 * DAY, Grade.GOOD, "review"),
        (today - 6 * DAY, Grade.GOOD, "review"),
        (today, Grade.HARD, "review"),
        (today, Grade.GOOD, "repeat"),  # the same day once more: no new schedule
    ]
    product = store.state("log-product:0")
    # SM-2: 1 day, 6 days, then ceil(6 x 2.5) = 15 days; Hard takes the ease to 2.36
    assert (product.repetitions, product.interval_days, product.ease_pct) == (3, 15, 236)
    assert product.due == today + 15 * DAY
    kl = store.state("kl:0")
    assert (kl.repetitions, kl.lapses, kl.due) == (0, 1, today - DAY)
    cloze = store.state("dlog:2")
    assert (cloze.ease_pct, cloze.due) == (260, today)
    assert store.state("dlog:1").due is None  # never answered in Anki
    assert [e.grade for e in store.review_log("kl:0")] == [GRADES[1]]


def test_importing_the_same_reviews_again_adds_nothing(setup):
    store, tmp_path, today = setup
    import_reviews(store, tmp_path / "phone.colpkg")
    before = store.review_log()
    again = import_reviews(store, tmp_path / "phone.apkg")  # the same answers, other format
    assert (again.added, again.already) == (0, 6)
    assert store.review_log() == before


def test_cli_imports_reviews_into_the_collection(setup, capsys):
    store, tmp_path, today = setup
    store.close()
    args = ["import-reviews", str(tmp_path / "phone.colpkg"), "--data-dir", str(tmp_path)]
    args += ["--db", sqlite_url(tmp_path / "collection.sqlite3")]
    assert main(args) == 0
    out = capsys.readouterr().out
    assert "Added 6 reviews of 3 cards" in out and "flashcards sync" in out
    assert main(args) == 0
    assert "Added 0 reviews" in capsys.readouterr().out


# --- Without Anki ------------------------------------------------------------------------------


def test_grades_map_anki_buttons_to_sm2():
    assert GRADES == {1: Grade.WRONG_REMEMBERED, 2: Grade.HARD, 3: Grade.GOOD, 4: Grade.PERFECT}
    assert all(GRADES[ease].passing for ease in (2, 3, 4)) and not GRADES[1].passing


def test_plan_skips_non_answers_unknown_cards_and_logged_answers():
    def a(ms: int, guid: str, ease: int = 3, rtype: int = 1) -> AnkiAnswer:
        return AnkiAnswer(ms, guid, 0, False, ease, rtype, 1, 2500, 1000)

    answers = [a(3, "x"), a(1, "x"), a(2, "x", ease=0, rtype=4), a(4, "y"), a(5, "x")]
    plan = plan_import(answers, {"x:0"}, {("x:0", 5)})
    assert [(c, p.revlog_id) for c, p in plan.to_add] == [("x:0", 1), ("x:0", 3)]  # oldest first
    assert (plan.already, plan.unknown, plan.not_answers) == (1, 1, 1)
    assert plan.unknown_cards == ("y:0",)


def test_study_day_starts_at_the_day_start():
    utc = UTC
    assert study_day(datetime(2026, 3, 5, 3, 59, tzinfo=utc), time(4, 0), utc) == date(2026, 3, 4)
    assert study_day(datetime(2026, 3, 5, 4, 0, tzinfo=utc), time(4, 0), utc) == date(2026, 3, 5)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "no such file"),
        (b"not a zip", "not an Anki export"),
        ({"media": b"{}"}, "no Anki collection inside"),
        ({"collection.anki21": b"garbage, not sqlite" * 100}, "damaged"),
    ],
)
def test_bad_files_give_a_clear_message(tmp_path, content, message):
    path = tmp_path / "export.colpkg"
    if isinstance(content, bytes):
        path.write_bytes(content)
    elif isinstance(content, dict):
        with zipfile.ZipFile(path, "w") as z:
            for name, data in content.items():
                z.writestr(name, data)
    with pytest.raises(FlashcardsError, match=message):
        read_reviews(path)


def test_a_damaged_compressed_collection_is_reported(tmp_path):
    path = tmp_path / "new.colpkg"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("collection.anki21b", b"\x28\xb5\x2f\xfd" + b"\x00" * 16)
    with pytest.raises(FlashcardsError, match="damaged|cannot be read"):
        read_reviews(path)


def test_without_a_zstd_module_the_message_says_how_to_export(tmp_path, monkeypatch):
    path = tmp_path / "new.colpkg"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("collection.anki21b", b"\x28\xb5\x2f\xfd" + b"\x00" * 16)
    monkeypatch.setitem(sys.modules, "zstandard", None)
    monkeypatch.setitem(sys.modules, "compression", None)
    with pytest.raises(FlashcardsError, match="Support older Anki versions"):
        collection_bytes(path)


def test_missing_file_on_the_command_line(tmp_path, capsys):
    args = ["import-reviews", str(tmp_path / "nope.colpkg"), "--data-dir", str(tmp_path)]
    assert main(args) == 1
    assert "no such file" in capsys.readouterr().err


def test_answers_of_an_edited_note_reach_its_new_id():
    answer = AnkiAnswer(7, "~old", 1, True, 3, 1, 1, 2500, 0)
    plan = plan_import([answer], {"~new:2"}, set(), {"~old": "~new"})
    assert [card for card, _ in plan.to_add] == ["~new:2"]


def test_an_export_without_reviews_says_how_to_export_them(tmp_path, capsys):
    root = tmp_path / "decks"
    root.mkdir()
    (root / "logs.md").write_text(DECK, encoding="utf-8")
    decks, _ = load_decks([root])
    write_apkg(decks, tmp_path / "plain.apkg")  # a package without any review
    args = ["import-reviews", str(tmp_path / "plain.apkg"), "--data-dir", str(tmp_path)]
    assert main(args) == 0
    assert "Include scheduling information" in capsys.readouterr().out
