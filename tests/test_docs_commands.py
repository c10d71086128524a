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
INTERACTIVE = {
    "study": "opens the study app",
    "quiz": "opens the quiz app",
    "serve": "serves the study app until it is stopped (tests/test_serve.py runs it)",
}
#: Commands that read a file the docs take the reader to have.
NEEDS_FILE = {"import-reviews": "needs a collection exported from Anki on the reader's phone"}
#: Commands that need weeks of the reader's own reviews, which a fresh collection has not.
NEEDS_HISTORY = {
    ("evaluate", "--json"): "scores the reader's own review log, empty in a fresh collection",
}

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
    #: The commands above it in the same code block, which a reader runs first.
    earlier: tuple[str, ...] = ()

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
            in_block: list[str] = []
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
                command = match.group("cmd").strip()
                found.append(Shown(source, command, output, tuple(in_block)))
                in_block.append(command)
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


@pytest.fixture(scope="module")
def anki_package(synced: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The built-in decks exported as an Anki package (what `import-apkg` reads)."""
    out = tmp_path_factory.mktemp("package") / "ML.apkg"
    with pytest.MonkeyPatch.context() as monkeypatch:
        _use_home(monkeypatch, synced.parent)
        monkeypatch.chdir(ROOT)
        assert main(["export", "-o", str(out)]) == 0
    return out


@pytest.fixture
def place(
    tmp_path: Path, synced: Path, anki_package: Path, monkeypatch: pytest.MonkeyPatch
) -> Path:
    """A home with a copy of the synced collection, and a working folder with decks/."""
    home = tmp_path / "home"
    work = tmp_path / "work"
    work.mkdir(parents=True)
    shutil.copytree(ROOT / "decks", work / "decks")
    shutil.copytree(ROOT / "benchmarks" / "data", work / "benchmarks" / "data")
    shutil.copytree(synced, home / "data")
    downloads = home / "Downloads"  # the Anki packages the docs import: the built-in decks
    downloads.mkdir(parents=True)
    shutil.copy(anki_package, downloads / "ML.apkg")
    shutil.copy(anki_package, downloads / "collection.colpkg")
    _use_home(monkeypatch, home)
    monkeypatch.chdir(work)
    return home


def why_not_run(argv: list[str]) -> str | None:
    """Why a command shown in the docs cannot run here, or None."""
    name = argv[0] if argv else "study"
    if name in INTERACTIVE:
        return INTERACTIVE[name]
    if name in NEEDS_FILE:
        return NEEDS_FILE[name]
    return NEEDS_HISTORY.get(tuple(argv))


def at_home(argv: list[str], home: Path) -> list[str]:
    """The arguments with `~/` read as the home folder."""
    return [str(home) + a[1:] if a.startswith("~/") else a for a in argv]


@pytest.mark.parametrize("shown", SHOWN, ids=[f"{s.source} {s.command}" for s in SHOWN])
def test_a_command_shown_in_the_docs_runs_as_shown(
    shown: Shown, place: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    reason = why_not_run(shown.argv)
    if reason:
        pytest.skip(f"{shown.source}: `{shown.command}` {reason}")
    for earlier in shown.earlier:  # what the block has the reader run first
        argv = Shown(shown.source, earlier, None).argv
        if not why_not_run(argv):
            main(at_home(argv, place))
    capsys.readouterr()
    status = main(at_home(shown.argv, place))  # an exception here is the traceback a reader sees
    out, err = capsys.readouterr()
    where = f"{shown.source}: {shown.command}\nstdout:\n{out}\nstderr:\n{err}"
    if shown.output is None:
        assert status == 0, where
    else:
        assert tuple(line.rstrip() for line in out.rstrip().split("\n")) == shown.output, where
