"""Hostile decks: deck files written to attack the terminal, the study app or the Anki export.

Terminal escape sequences (CSI, OSC title and clipboard, C1), bidirectional overrides, Textual
and Rich markup (`[@click=app.quit]`, a stray `[/]`), HTML and script, in cards, deck names,
tags, descriptions and file names (so in the problems reported about them); images and deck
files outside the deck's folder; enormous and deeply nested cards; invalid UTF-8 in content
and in file names. Each is reported clearly or shown as text: nothing is interpreted or
executed, no escape sequence reaches the terminal, nothing outside the deck's folder is read.
"""

from __future__ import annotations

import asyncio
import html.parser
import json
import os
import re
import sqlite3
import subprocess
import sys
import zipfile
from contextlib import closing
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from flashcards.cards import CardKind, Deck, Note
from flashcards.cli import main
from flashcards.decks import load_decks, resolve_image
from flashcards.store import Store

ROOT = Path(__file__).resolve().parents[1]
TODAY = date(2026, 11, 26)

# --- the payloads ------------------------------------------------------------------------------

ESC = "\x1b[2J\x1b[31mRED\x1b[0m"
TITLE = "\x1b]0;PWNED-TITLE\x07"
CLIPBOARD = "\x1b]52;c;ZWNobyBwd25lZA==\x07"
C1 = "\x9b31mC1RED"
BIDI = "\u202eevil\u202c"
MARKUP = "[@click=app.quit]click[/] [bold red]loud[/bold red] [/] [link=https://x.y]l[/link]"
SCRIPT = (
    "<script>alert(1)</script><img src=x onerror=alert(2)>"
    '<a href="javascript:alert(3)">a</a><iframe src="//evil.example"></iframe>'
)
EVERYTHING = f"{MARKUP} {ESC} {TITLE} {CLIPBOARD} {C1} {BIDI} {SCRIPT}"
#: Byte strings that must never reach a terminal from a deck.
RAW_SEQUENCES = (b"\x1b]0;PWNED", b"\x1b]52;", b"\x1b[2J", b"\x1b[31mRED", b"\xc2\x9b31m")

# YAML double-quoted strings spell ESC and BEL as \e and \a.
YAML_ESC = r"\e]0;PWNED-TITLE\a \e[31mRED"
HOSTILE_DECK = f"""---
name: "[/]Evil [@click=app.quit]deck {YAML_ESC}"
tags: ["[/]t", "<script>alert(5)</script>", "{YAML_ESC}"]
description: "desc <script>alert(6)</script> [@click=app.quit]x {YAML_ESC}"
---

Q: front {EVERYTHING} {{#h-basic}}
A: back {EVERYTHING}

The cloze {{{{c1::{MARKUP} hidden::hint [/] {ESC}}}}} card {TITLE}. {{#h-cloze}}

## Pick one {MARKUP} {ESC} {{#h-choice}}

- [x] right {ESC} {MARKUP} {SCRIPT}
- [ ] wrong {TITLE} <script>alert(4)</script>

Explanation {SCRIPT}.

## Type it {MARKUP} {CLIPBOARD} {{#h-text}}

```answer
text: "[/]answer"
```

Why {BIDI}.
"""


def write(path: Path, text: str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def hostile_folder(tmp_path: Path) -> Path:
    """A deck folder with the hostile deck and a broken deck whose file name is hostile."""
    folder = tmp_path / "decks"
    write(folder / "hostile.md", HOSTILE_DECK)
    write(folder / "[@click=app.quit]named [b]bold.md", "Q: a question with no answer\n")
    write(folder / "escape\x1b]0;PWNED-TITLE\x07name.md", "Q: another one with no answer\n")
    return folder


def no_raw_controls(text: str) -> bool:
    """No C0 (but tab and newline) or C1 control character, no bidi override."""
    return not re.search(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]", text)


# --- loading: what is reported ------------------------------------------------------------------


def test_the_hostile_deck_loads_its_cards_and_names_the_broken_files(tmp_path):
    decks, problems = load_decks([hostile_folder(tmp_path)])
    by_id = {n.id: n for d in decks for n in d.notes}
    assert {"h-basic", "h-cloze", "h-choice", "h-text"} <= set(by_id)
    broken = sorted(p.path.name for p in problems)
    assert broken == ["[@click=app.quit]named [b]bold.md", "escape\x1b]0;PWNED-TITLE\x07name.md"]
    assert all("no answer" in p.message for p in problems)


@pytest.mark.parametrize(
    ("src", "fragment"),
    [
        ("../../etc/passwd", "outside the deck's folder"),
        ("../secret.png", "outside the deck's folder"),
        ("/etc/passwd", "absolute path"),
        ("~/secret.png", "absolute path"),
        ("file:///etc/passwd", "not a local file"),
        ("data:image/png;base64,iVBORw0KGgo=", "not a local file"),
        ("linked.png", "outside the deck's folder"),
        ("linked-folder/secret.png", "outside the deck's folder"),
        ("figures/../../secret.png", "outside the deck's folder"),
    ],
)
def test_images_outside_the_deck_folder_are_reported_and_never_read(tmp_path, src, fragment):
    outside = write(tmp_path / "secret.png", b"\x89PNG SECRET-BYTES")
    folder = tmp_path / "decks"
    write(folder / "figures" / "ok.png", b"\x89PNG")
    os.symlink(outside, folder / "linked.png")
    os.symlink(tmp_path, folder / "linked-folder")
    deck = write(folder / "d.md", f"## Look\n\n![x]({src})\n\n---\n\nfine :: card\n")
    decks, problems = load_decks([folder])
    assert [(p.path, p.line) for p in problems] == [(deck, 3)]
    assert fragment in problems[0].message
    assert [n.front for d in decks for n in d.notes] == ["fine"]
    assert resolve_image(src, deck) is None
    from tui.render import resolve_image as shown_image

    assert shown_image(src, deck) is None


def test_a_deck_file_linked_from_outside_the_folder_is_not_read(tmp_path):
    write(tmp_path / "private" / "diary.md", "my secret :: diary entry\n")
    folder = tmp_path / "decks"
    write(folder / "fine.md", "fine :: card\n")
    os.symlink(tmp_path / "private" / "diary.md", folder / "diary.md")
    decks, problems = load_decks([folder])
    assert [n.front for d in decks for n in d.notes] == ["fine"]
    assert len(problems) == 1 and problems[0].path.name == "diary.md"
    assert "outside the deck folder" in problems[0].message


def test_a_file_name_that_is_not_utf8_is_reported_and_sync_goes_on(tmp_path, capsys):
    folder = tmp_path / "decks"
    write(folder / "fine.md", "fine :: card\n")
    write(Path(os.fsdecode(bytes(folder) + b"/bad\xff\x1b[31mname.md")), "x :: y\n")
    decks, problems = load_decks([folder])
    assert [n.front for d in decks for n in d.notes] == ["fine"]
    assert len(problems) == 1 and "not valid UTF-8" in problems[0].message
    (tmp_path / "config.toml").write_text("")
    options = ["--config", str(tmp_path / "config.toml"), "--data-dir", str(tmp_path / "data")]
    assert main(["sync", str(folder), *options]) == 1
    captured = capsys.readouterr()
    assert "Traceback" not in captured.err and "not valid UTF-8" in captured.err
    assert no_raw_controls(captured.out + captured.err)
    with Store(f"sqlite:///{tmp_path / 'data' / 'collection.sqlite3'}") as store:
        assert len(store.card_ids()) == 1


def test_invalid_utf8_content_is_located(tmp_path):
    write(tmp_path / "d.md", b"a :: b\nc :: d \xc3\x28 e\n")
    _, problems = load_decks([tmp_path])
    assert [(p.line, p.col) for p in problems] == [(2, 8)]
    assert "not valid UTF-8" in problems[0].message


def test_an_oversized_deck_file_is_refused_unread(tmp_path):
    from flashcards.decks import MAX_DECK_BYTES

    with (tmp_path / "huge.md").open("wb") as f:
        f.truncate(MAX_DECK_BYTES + 1)  # sparse: size is all that is looked at
    decks, problems = load_decks([tmp_path])
    assert decks == [] and "larger than" in problems[0].message


# --- the command line: problems printed without raw escapes -------------------------------------


def test_check_and_sync_print_hostile_names_without_raw_escapes(tmp_path):
    folder = hostile_folder(tmp_path)
    (tmp_path / "config.toml").write_text("")
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("FLASHCARDS_")},
        "PYTHONPATH": str(ROOT),
        "HOME": str(tmp_path / "home"),
    }
    options = ["--config", str(tmp_path / "config.toml"), "--data-dir", str(tmp_path / "data")]
    for command in (["check", "--no-examples"], ["sync"]):
        done = subprocess.run(
            [sys.executable, "-m", "flashcards", *command, str(folder), *options],
            capture_output=True,
            env=env,
        )
        output = done.stdout + done.stderr
        assert done.returncode == 1, output
        assert b"Traceback" not in output
        assert b"no answer" in output and b"[@click=app.quit]named" in output
        for raw in RAW_SEQUENCES:
            assert raw not in output, (command, raw)
        assert b"\x1b" not in output and b"\x07" not in output


def test_check_json_stays_valid_utf8_with_a_name_that_is_not(tmp_path):
    folder = tmp_path / "decks"
    write(Path(os.fsdecode(bytes(folder) + b"/bad\xff\x1b[31mname.md")), "x :: y\n")
    env = {**os.environ, "PYTHONPATH": str(ROOT), "HOME": str(tmp_path / "home")}
    done = subprocess.run(
        [sys.executable, "-m", "flashcards", "check", "--json", "--no-examples", str(folder)],
        capture_output=True,
        env={k: v for k, v in env.items() if not k.startswith("FLASHCARDS_")},
    )
    report = json.loads(done.stdout.decode("utf-8"))
    assert report["problems"][0]["path"].endswith("bad\\xff\\x1b[31mname.md")
    assert "not valid UTF-8" in report["problems"][0]["message"]


@settings(
    max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.binary(max_size=300))
def test_any_bytes_in_a_deck_file_give_problems_located_inside_it(tmp_path, data):
    path = write(tmp_path / "fuzz" / "d.md", data)
    decks, problems = load_decks([path])
    # CommonMark's line endings: \r\n, \n and a lone \r
    lines = data.replace(b"\r\n", b"\n").replace(b"\r", b"\n").count(b"\n") + 1
    for problem in problems:
        assert problem.path == path and 1 <= problem.line <= lines and problem.col >= 1
        assert no_raw_controls(str(problem))


# --- the study app: a Pilot run over every hostile card -----------------------------------------


def _fake_checker(expected: str, given: str, options: Any, macros: Any) -> Any:
    from types import SimpleNamespace

    return SimpleNamespace(accepted=False, status="wrong", feedback=EVERYTHING, reading=MARKUP)


def _screen_text(app: Any) -> str:
    """What the screen shows, cell by cell, as text."""
    return "\n".join(strip.text for strip in app.screen._compositor.render_strips())


def test_the_study_app_shows_hostile_decks_as_text(tmp_path, monkeypatch):
    from tui.app import FlashcardsApp
    from tui.screens.review import ReviewScreen

    # A relative path keeps each problem on one screen line, whatever the tmp folder's length.
    folder = hostile_folder(tmp_path).relative_to(tmp_path)
    monkeypatch.chdir(tmp_path)

    def load() -> tuple[list[Deck], list[Any]]:
        return load_decks([folder])

    async def run() -> list[str]:
        store = Store("sqlite://")
        decks, problems = load()
        app = FlashcardsApp(
            store,
            decks,
            problems,
            today=TODAY,
            deck_loader=load,
            checker=_fake_checker,
            roots=[folder],
            clock=lambda: 1000.0,
        )
        screens: list[str] = []
        graded = 0
        async with app.run_test(size=(120, 50)) as pilot:
            await app.workers.wait_for_complete()
            await pilot.pause()
            screens.append(_screen_text(app))  # the deck list and the problems panel
            await pilot.press("escape", "enter")
            await pilot.pause()
            for _ in range(12):
                screen = app.screen
                if not isinstance(screen, ReviewScreen) or screen.card is None:
                    break
                screens.append(_screen_text(app))
                kind = screen.card.kind
                if kind in (CardKind.MATH, CardKind.TEXT):
                    await pilot.press("x", "enter")  # the checker's feedback is hostile too
                elif kind is CardKind.CHOICE:
                    await pilot.press("a", "enter")
                else:
                    await pilot.press("space")
                await app.workers.wait_for_complete()
                await pilot.pause()
                screens.append(_screen_text(app))
                await pilot.press("3")
                await pilot.pause()
                graded += 1
            await pilot.press("i")  # the info panel shows names and tags too
            await pilot.pause()
            screens.append(_screen_text(app))
            assert app.is_running, "the app quit: markup was run"
        log = store.review_log()
        store.close()
        assert graded >= 4 and len(log) == graded
        return screens

    screens = asyncio.run(run())
    everything = "\n".join(screens)
    assert no_raw_controls(everything)
    # markup shows as written, in deck names, problems (file names) and cards
    assert "[@click=app.quit]named [b]bold.md" in screens[0]
    assert "Evil [@click=app.quit]deck" in screens[0]
    assert "[@click=app.quit]click[/]" in everything
    assert "<script>" in everything or "\\<script>" in everything


# --- the real terminal: nothing raw reaches it ----------------------------------------------------


def test_no_escape_sequence_from_a_deck_reaches_the_terminal(tmp_path):
    from pty_app import Terminal

    folder = hostile_folder(tmp_path)
    (tmp_path / "config.toml").write_text("")
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("FLASHCARDS_")},
        "TERM": "xterm-256color",
        "HOME": str(tmp_path / "home"),
        "PYTHONPATH": str(ROOT),
    }
    args = [sys.executable, "-m", "flashcards", "study", str(folder)]
    args += ["--config", str(tmp_path / "config.toml"), "--data-dir", str(tmp_path / "data")]
    term = Terminal.start(args, env)
    try:
        term.wait_for(re.compile(rb"no answer"), 0)  # the problems, with the hostile names
        mark = term.press(b"\x1b")
        term.wait_for(re.compile(rb"Evil"), 0)
        mark = term.press(b"\r")
        term.wait_for(re.compile(rb"front|cloze|Pick one|Type it"), mark)
        for _ in range(4):
            for key in (b" ", b"a", b"\r", b"3"):
                term.press(key)
                term.pump(0.3)
        term.press(b"q")
        term.pump(0.5)
    finally:
        term.kill()
    output = bytes(term.output)
    for raw in RAW_SEQUENCES:
        assert raw not in output, raw
    assert b"Evil [@click=app.quit]deck" in output  # shown as written


# --- the Anki export: fields escaped, nothing outside read -------------------------------------


class _Tags(html.parser.HTMLParser):
    """Collects the tags and attributes of an HTML field."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, attrs))


def dangerous_html(field: str) -> list[str]:
    """What in an HTML field could run or load something: tags, handlers, URLs."""
    parser = _Tags()
    parser.feed(field)
    found = []
    for tag, attrs in parser.tags:
        if tag in ("script", "iframe", "object", "embed", "style", "link", "meta", "base"):
            found.append(f"<{tag}>")
        for name, value in attrs:
            if name.startswith("on"):
                found.append(f"{tag} {name}=")
            if name in ("href", "src", "action") and value and ":" in value.split("/")[0]:
                found.append(f"{tag} {name}={value}")
    return found


def test_the_anki_export_escapes_every_field(tmp_path):
    from flashcards.export import write_apkg

    folder = hostile_folder(tmp_path)
    decks, _ = load_decks([folder])
    out = tmp_path / "out.apkg"
    write_apkg(decks, out)
    with zipfile.ZipFile(out) as z:
        z.extract("collection.anki2", tmp_path)
    with closing(sqlite3.connect(tmp_path / "collection.anki2")) as conn:
        fields = [
            f for (flds,) in conn.execute("SELECT flds FROM notes") for f in flds.split("\x1f")
        ]
        tags = " ".join(t for (t,) in conn.execute("SELECT tags FROM notes"))
        decks_json = conn.execute("SELECT decks FROM col").fetchone()[0]
    assert len(fields) >= 15
    for field in fields:
        assert dangerous_html(field) == [], field
    assert "<script" not in tags.lower() and "\x1b" not in tags
    descriptions = [d["desc"] for d in json.loads(decks_json).values()]
    assert any("alert(6)" in d for d in descriptions)  # shown in Anki's overview as HTML
    for description in descriptions:
        assert dangerous_html(description) == [], description


def test_the_export_never_packs_a_file_from_outside_the_deck_folder(tmp_path):
    from flashcards.errors import FlashcardsError
    from flashcards.export import write_apkg

    write(tmp_path / "secret.png", b"\x89PNG SECRET-BYTES")
    folder = tmp_path / "decks"
    os.symlink(tmp_path / "secret.png", write(folder / "ok.png", b"\x89PNG").with_name("ln.png"))
    for src in ("../secret.png", str(tmp_path / "secret.png"), "ln.png"):
        note = Note("n", CardKind.BASIC, f"![x]({src})", "b", 1, 1)
        deck = Deck("d", folder / "d.md", (note,))
        out = tmp_path / "out.apkg"
        with pytest.raises(FlashcardsError):
            write_apkg([deck], out)
        assert not out.exists()


# --- enormous and deeply nested cards -----------------------------------------------------------


def test_enormous_and_deeply_nested_cards_render_without_crashing(tmp_path):
    from tui.render import side_markdown

    folder = tmp_path / "decks"
    nested = "- " * 3000 + "x\n\n" + "> " * 3000 + "y\n\n" + "[" * 5000 + "]" * 5000
    math = "$" + "{" * 3000 + "x" + "}" * 3000 + "$ and $" + "\\frac{1}{" * 500 + "}" * 500 + "$"
    write(folder / "big.md", f"Q: deep? {{#deep}}\nA:\n\n{nested}\n\n{math}\n")
    write(folder / "wide.md", f"Q: wide? {{#wide}}\nA: {'word ' * 400_000}\n")
    decks, problems = load_decks([folder])
    assert problems == []
    for deck in decks:
        for note in deck.notes:
            text, _ = side_markdown(note.back, deck.macro_map, deck.path)
            assert no_raw_controls(text)


# --- fuzzing: any deck text, shown or exported, stays inert -------------------------------------

_PIECES = st.sampled_from(
    [ESC, TITLE, CLIPBOARD, C1, BIDI, MARKUP, SCRIPT, "$x^2$", "`code`", "**b**", "\n", "<", "["]
)
_TEXT = st.lists(st.one_of(_PIECES, st.text(max_size=20)), max_size=12).map("".join)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_TEXT, _TEXT)
def test_any_card_text_is_shown_without_controls_and_exported_inert(front, back):
    from flashcards.export import note_fields
    from tui.render import side_markdown

    for text in (front, back):
        shown, _ = side_markdown(text, None, Path("/decks/d.md"))
        assert no_raw_controls(shown.replace("\t", " "))
    note = Note("n", CardKind.BASIC, front, back, 1, 1)
    for field in note_fields(note, Deck("d", Path("/decks/d.md"), (note,))):
        assert dangerous_html(field) == [], field
