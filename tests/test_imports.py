"""Start-up stays light: the core and the command line load no heavy module up front."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

HEAVY = (
    "textual",
    "sympy",
    "genanki",
    "sqlalchemy",
    "sqlmodel",
    "alembic",
    "anki",
    "plotext",
    "fsrs_rs_python",
)


def loaded_after(code: str) -> set[str]:
    probe = f"{code}\nimport sys, json\nprint(json.dumps(sorted(sys.modules)))"
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    modules = set(json.loads(out.stdout.strip().splitlines()[-1]))
    return {name for name in HEAVY if name in modules}


def test_import_flashcards_loads_no_heavy_module():
    assert loaded_after("import flashcards") == set()


def test_building_the_command_line_loads_no_heavy_module():
    assert loaded_after("from flashcards.cli import build_parser\nbuild_parser()") == set()


def test_parsing_a_deck_loads_no_heavy_module():
    code = (
        "from pathlib import Path\nfrom flashcards.parsing import parse_deck\n"
        "parse_deck('Q: a\\nA: b\\n\\n## c\\n\\n```answer\\nexpected: x\\n```\\n', Path('d.md'))"
    )
    assert loaded_after(code) == set()


def test_the_package_exports_load_when_asked_for():
    """`from flashcards import Card` works, and each name is its home module's object; the
    package itself builds none of them (commands that only read the store skip their
    classes at start-up)."""
    import importlib

    import flashcards

    probe = "import flashcards, sys\nprint('flashcards.cards' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
    for name in flashcards.__all__:
        home = importlib.import_module(flashcards._HOMES[name])
        assert getattr(flashcards, name) is getattr(home, name)
    assert set(flashcards.__all__) == set(flashcards._HOMES)
    with pytest.raises(AttributeError, match="NoSuchThing"):
        flashcards.NoSuchThing  # noqa: B018
