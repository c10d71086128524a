"""Start-up stays light: the core and the command line load no heavy module up front."""

from __future__ import annotations

import json
import subprocess
import sys

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
