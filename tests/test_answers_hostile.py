"""Hostile answers and expected answers: each is refused with a clear message before any CAS
work, nothing is executed, and the worker process is never involved."""

from __future__ import annotations

import builtins
import os
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager

import pytest

from flashcards.answers import Status, check_answer, read, validate_expected
from flashcards.answers.worker import WORKER

CANARY = "answers-canary-file"

HOSTILE = [
    # code injection: Python syntax, builtins, dunder names, attribute access
    f"__import__('os').system('touch {CANARY}')",
    "eval('2+2')",
    "exec('import os')",
    "compile('1', 'f', 'eval')",
    "f\"{__import__('os')}\"",
    "lambda: 1",
    "x.__class__",
    "().__class__.__bases__[0].__subclasses__()",
    "open('/etc/passwd').read()",
    "import os",
    "os.system('ls')",
    "breakpoint()",
    "globals()",
    "getattr(x, 'y')",
    "x if 1 else 2",
    "[x for x in y]",
    "{**x}",
    "x; import os",
    "x # comment",
    "`ls`",
    "${7*7}",
    "x @ y",
    "x % y",
    "x & y",
    "ｅｖａｌ(1)",  # fullwidth letters become `eval` under NFKC
    "𝑥 + 1",  # mathematical italic x
    "sum(x)",
    "nan",
    "zoo",
    # CAS bombs: exponents, factorials, towers, big numbers
    "9^9^9^9",
    "9**9**9**9",
    "2^(2^(2^(2^2)))",
    "x^(10^10)",
    "x**-1**-1**-1**-1",
    "factorial(10^9)",
    "(10^9)!",
    "3!!!!",
    "exp(exp(exp(100)))",
    "2²²²²²²²²",
    "1" * 100,
    "1e99999",
    "10^(10^5)",
    # nesting and size
    "(" * 10000 + "x" + ")" * 10000,
    "(" * 40 + "x" + ")" * 40,
    "sqrt(" * 40 + "x" + ")" * 40,
    "|" * 200,
    "-" * 250 + "x",
    r"\frac{" * 40 + "1" + "}{2}" * 40,
    "x" * 100000,
    "1+" * 50000 + "1",
    # characters
    "x\x00",
    "x\ud800",
    "\x1b[2J",
    "x\u202e1",  # right-to-left override
    "x\u200d",  # zero-width joiner
    "\ue000",  # private use
    "x\x07",
    # LaTeX that a TeX engine would run
    r"\input{/etc/passwd}",
    r"\def\x{\x}\x",
    r"\newcommand{\a}{b}",
    r"\write18{ls}",
    "\\",
]


def _refuse(*args, **kwargs):
    raise AssertionError("hostile input reached code execution or the worker")


@contextmanager
def guarded() -> Iterator[None]:
    """Fail if anything reaches the worker, evaluates code or starts a process."""
    saved = {name: getattr(builtins, name) for name in ("eval", "exec", "compile", "breakpoint")}
    saved_system, saved_popen, saved_run = os.system, subprocess.Popen, WORKER.run
    try:
        for name in saved:
            setattr(builtins, name, _refuse)
        os.system = _refuse
        subprocess.Popen = _refuse
        WORKER.run = _refuse
        yield
    finally:
        for name, value in saved.items():
            setattr(builtins, name, value)
        os.system, subprocess.Popen = saved_system, saved_popen
        del WORKER.run
        assert WORKER.run == saved_run


@pytest.fixture
def no_worker_no_code(monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:
    """Run in an empty folder, so a created canary file would show."""
    monkeypatch.chdir(tmp_path)


def test_there_are_at_least_forty_hostile_inputs() -> None:
    assert len(HOSTILE) >= 40


@pytest.mark.parametrize("text", HOSTILE, ids=range(len(HOSTILE)))
def test_hostile_answer_is_unreadable_before_the_worker(text: str, no_worker_no_code) -> None:
    with guarded():
        verdict = check_answer("x + 1", text)
    assert verdict.status is Status.UNREADABLE
    assert not verdict.accepted
    assert verdict.feedback.startswith("cannot read: ")
    assert "Traceback" not in verdict.feedback
    assert len(verdict.feedback) < 400
    assert not os.path.exists(CANARY)


@pytest.mark.parametrize("text", HOSTILE, ids=range(len(HOSTILE)))
def test_hostile_expected_answer_is_reported_by_validation(text: str, no_worker_no_code) -> None:
    with guarded():
        problem = validate_expected(text)
    assert problem is not None
    assert problem.startswith("the expected answer cannot be read")


def test_hostile_definitions_and_assumptions_are_reported(no_worker_no_code) -> None:
    with guarded():
        _check_declarations()


def _check_declarations() -> None:
    assert validate_expected("f(x)", definitions=["f(x) = __import__('os')"]) is not None
    assert validate_expected("f(x)", definitions=["f(x) = 9^9^9^9"]) is not None
    assert validate_expected("x", assumptions=["x > eval(1)"]) is not None
    assert validate_expected("x", definitions=["import os"]) is not None
    verdict = check_answer("x", "x", definitions=["f(x) = (" * 50 + "x"])
    assert verdict.status is Status.UNREADABLE
    assert "card" in verdict.feedback


def test_macro_bombs_stay_small(no_worker_no_code) -> None:
    macros = {f"\\m{c}": f"\\m{chr(ord(c) + 1)}\\m{chr(ord(c) + 1)}" for c in "abcdefghijklm"}
    with guarded():
        problem = validate_expected(r"\ma", macros=macros)
    assert problem is not None


def test_hostile_looking_but_harmless_input_is_only_math() -> None:
    # Brackets group: x[0] is x·0, shown as such; nothing is indexed.
    assert read("x[0]").pretty == "x·0"
    assert read("{{7*7}}").pretty == "7·7"
