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


def test_every_command_names_the_modules_its_start_up_loads():
    import importlib
    import importlib.util

    from flashcards.cli import COMMANDS

    for command in COMMANDS:
        modules = importlib.import_module(f"flashcards.commands.{command}").STARTUP_MODULES
        assert isinstance(modules, tuple), command
        for name in modules:
            assert importlib.util.find_spec(name) is not None, (command, name)


#: Runs `flashcards due` in a process of its own with `run` replaced by a probe that reports
#: what start-up did: collector passes before `run`, the collector's state in `run`. START is
#: how the command line is entered.
COLLECTOR_PROBE = """
import gc, json, runpy, sys
import flashcards.commands.due as due

passes = []
gc.callbacks.append(lambda phase, info: phase == "start" and passes.append(info["generation"]))

def probe(args):
    print(json.dumps({
        "passes_before_run": len(passes),
        "enabled": gc.isenabled(),
        "frozen": gc.get_freeze_count(),
        "store_loaded": "flashcards.store" in sys.modules,
    }))
    return 0

due.run = probe
from flashcards.cli import main
sys.argv = ["flashcards", "due"]
passes.clear()  # only the command line's own start-up counts
START
"""

#: `python -m flashcards due`, as the program runs; `main` as a test in its process calls it.
AS_PROGRAM = 'runpy.run_module("flashcards", run_name="__main__")'
IN_PROCESS = 'sys.exit(main(["due"]))'


def start_up_of_due(start: str) -> dict:
    code = COLLECTOR_PROBE.replace("START", start)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_the_program_loads_a_commands_modules_with_the_collector_paused_then_resumes_it():
    seen = start_up_of_due(AS_PROGRAM)
    # sqlmodel, sqlalchemy and the store loaded without one pass of the collector
    assert seen["store_loaded"]
    assert seen["passes_before_run"] == 0
    # and the command runs with it on, start-up's objects left out of its passes
    assert seen["enabled"]
    assert seen["frozen"] > 10_000


def test_main_called_by_a_caller_sharing_its_process_leaves_the_collector_alone():
    seen = start_up_of_due(IN_PROCESS)
    assert seen["passes_before_run"] > 0  # the same loading, with the collector's passes
    assert seen["enabled"]
    assert seen["frozen"] == 0


def test_the_installed_command_is_the_program():
    from importlib.metadata import entry_points

    (script,) = entry_points(group="console_scripts", name="flashcards")
    assert script.value == "flashcards.cli:program"
