"""Every `flashcards ...` command shown in a code block of README.md and docs/*.md runs.

Each command runs through the command line's `main` on a fresh collection holding the
built-in decks (as after a first run), in a working folder holding a copy of `decks/`. It
must not end in a traceback (an exception out of `main`). Where the docs show its output (`$ command`
followed by output lines), the output must be exactly that; a command shown without output
must exit 0. Interactive commands and commands that need a file the docs assume the reader
has are skipped, each with the reason.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest

from flashcards.cli import main

ROOT = Path(__file__).resolve().parent.parent
DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]

#: Commands that open the terminal app: they wait for keys, so they cannot run here.
INTERACTIVE = {"study": "opens the study app", "quiz": "opens the quiz app"}
#: Commands that read a file the docs take the reader to have.
NEEDS_FILE = {"import-reviews": "needs a collection exported from Anki on the reader's phone"}

_FENCE = re.compile(
    r"^(?P<fence>`{3,}|~{3,})(?P<info>[^\n]*)\n(?P<body>.*?)^(?P=fence)[ \t]*$", re.M | re.S
)
#: `flashcards` as a command: at the start of a line or after `&&`, with or without a path.
_COMMAND = re.compile(r"(?:^|&&\s*)(?:\$ )?(?:\S*/)?(?P<cmd>flashcards(?:\s.*)?)$")


@dataclass(frozen=True)
class Shown:
    """One command as a document shows it, with the output shown under it (if any)."""

    source: str  # file:line
    command: str
    output: tuple[str, ...] | None  # None when the docs show no output

    @property
    def argv(self) -> list[str]:
        return shlex.split(self.command, comments=True)[1:]


def shown_commands(paths: list[Path]) -> list[Shown]:
    """The `flashcards` commands in the code blocks of these Markdown files."""
    found: list[Shown] = []
    for path in paths:
        text = path.read_text(encoding="utf-8")
        for block in _FENCE.finditer(text):
            first_line = text.count("\n", 0, block.start("body")) + 1
            lines = block.group("body").split("\n")
            for i, line in enumerate(lines):
                match = _COMMAND.search(line.strip())
                if not match:
                    continue
                output = None
                if line.lstrip().startswith("$ "):
                    rest = []
                    for after in lines[i + 1 :]:
                        if after.lstrip().startswith("$ "):
                            break
                        rest.append(after.rstrip())
                    while rest and not rest[-1]:
                        rest.pop()
                    output = tuple(rest)
                name = path.relative_to(ROOT) if path.is_relative_to(ROOT) else path.name
                source = f"{name}:{first_line + i}"
                found.append(Shown(source, match.group("cmd").strip(), output))
    return found


SHOWN = shown_commands(DOCS)


def test_the_docs_show_commands_to_run() -> None:
    """The extraction finds the commands (a test over no commands would pass on nothing)."""
    commands = [s.command for s in SHOWN]
    assert len(commands) >= 10
    assert "flashcards answer '1-\\sigma(x)' 'sigma(-x)'" in commands  # the README's example
    assert any(s.source.startswith("README.md") for s in SHOWN)
    assert any(s.output for s in SHOWN)


def test_the_extraction_reads_commands_outputs_and_comments(tmp_path: Path) -> None:
    sample = "```sh\n$ flashcards answer 'x' 'x'  # one\nread as: x\ncorrect: Correct.\n\n```\n"
    sample += "```\nflashcards stats --json    # for scripts\npip install . && .venv/bin/flashcards\n```\n"
    doc = tmp_path / "doc.md"
    doc.write_text(sample, encoding="utf-8")
    found = shown_commands([doc])
    assert [(s.argv, s.output) for s in found] == [
        (["answer", "x", "x"], ("read as: x", "correct: Correct.")),
        (["stats", "--json"], None),
        ([], None),
    ]


def _use_home(monkeypatch: pytest.MonkeyPatch, home: Path) -> None:
    for key in [k for k in os.environ if k.startswith("FLASHCARDS_")]:
        monkeypatch.delenv(key)
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("FLASHCARDS_DATA_DIR", str(home / "data"))
    monkeypatch.setenv("XDG_DATA_HOME", str(home / "xdg-data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / "xdg-config"))
    monkeypatch.setenv("COLUMNS", "100")
    monkeypatch.setenv("NO_COLOR", "1")


@pytest.fixture(scope="module")
def synced(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data folder holding the built-in decks, as after a first `flashcards` run."""
    home = tmp_path_factory.mktemp("synced")
    with pytest.MonkeyPatch.context() as monkeypatch:
        _use_home(monkeypatch, home)
        monkeypatch.chdir(home)
        assert main(["sync"]) == 0
    return home / "data"


@pytest.fixture
def place(tmp_path: Path, synced: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A home with a copy of the synced collection, and a working folder with decks/."""
    home = tmp_path / "home"
    work = tmp_path / "work"
    work.mkdir(parents=True)
    shutil.copytree(ROOT / "decks", work / "decks")
    shutil.copytree(synced, home / "data")
    _use_home(monkeypatch, home)
    monkeypatch.chdir(work)
    return home


@pytest.mark.parametrize("shown", SHOWN, ids=[f"{s.source} {s.command}" for s in SHOWN])
def test_a_command_shown_in_the_docs_runs_as_shown(
    shown: Shown, place: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = shown.argv
    name = argv[0] if argv else "study"
    if name in INTERACTIVE:
        pytest.skip(f"{shown.source}: `flashcards {name}` {INTERACTIVE[name]}")
    if name in NEEDS_FILE:
        pytest.skip(f"{shown.source}: `flashcards {name}` {NEEDS_FILE[name]}")
    argv = [str(place) + a[1:] if a.startswith("~/") else a for a in argv]
    status = main(argv)  # an exception here is the traceback a reader would see
    out, err = capsys.readouterr()
    where = f"{shown.source}: {shown.command}\nstdout:\n{out}\nstderr:\n{err}"
    if shown.output is None:
        assert status == 0, where
    else:
        assert tuple(line.rstrip() for line in out.rstrip().split("\n")) == shown.output, where
