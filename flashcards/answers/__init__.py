"""Check typed math answers: `check_answer(expected, given, **options) -> Verdict`.

Importing this package is cheap: the grammar is plain Python, and sympy loads only in the
worker process (or on the first in-process `judge_answer`).
"""

from __future__ import annotations

import math
import zlib
from collections.abc import Iterable, Mapping
from typing import Any

from flashcards.answers.grammar import (
    Reading,
    describe,
    drop_thousands_separators,
    error_text,
    read,
)
from flashcards.answers.limits import DECK_LIMIT, LEARNER_LIMIT
from flashcards.answers.spec import (
    Assumption,
    Definition,
    Job,
    SpecError,
    check_options,
    parse_assumptions,
    parse_definitions,
)
from flashcards.answers.tree import Call, Eq, Tuple, walk
from flashcards.answers.verdict import Status, Verdict, verdict
from flashcards.macros import expand_macros

__all__ = [
    "Reading",
    "Status",
    "Verdict",
    "check_answer",
    "describe",
    "judge_answer",
    "read",
    "read_answer",
    "usable_timeout",
    "validate_expected",
    "warm_up",
]

TIMEOUT_TEXT = "Took too long to check (over {:g} s); try a simpler form, or grade yourself."
#: Seconds a check may take when no usable timeout is given.
DEFAULT_TIMEOUT = 2.0


def usable_timeout(seconds: object) -> bool:
    """Whether `seconds` can bound a check: a positive, finite number."""
    return isinstance(seconds, int | float) and 0 < seconds < math.inf


def _expand(text: str, macros: Mapping[str, str] | None) -> str:
    if not macros or not isinstance(text, str):
        return text
    # A macro may use others; a length cap keeps a doubling macro from growing without end.
    expanded = expand_macros(text[: DECK_LIMIT + 1], macros)
    return expanded[: DECK_LIMIT * 2 + 1]


def _as_tuple(value: Iterable[str] | str | None) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        return (value,)
    return tuple(value)


def _prepare(
    expected: str,
    given: str | None,
    *,
    definitions: Iterable[str] | str = (),
    assumptions: Iterable[str] | str = (),
    names: Iterable[str] | str = (),
    mode: str = "expression",
    form: str | None = None,
    rel_tol: float | None = None,
    abs_tol: float | None = None,
    sig_figs: int | None = None,
    macros: Mapping[str, str] | None = None,
) -> tuple[Job | None, Reading | None, str | None]:
    """Read everything a check needs: (job, reading of the answer, card problem)."""
    try:
        check_options(mode, form, rel_tol, abs_tol, sig_figs)
        names_t = _as_tuple(names)
        defs_text = tuple(_expand(d, macros) for d in _as_tuple(definitions))
        defs, functions = parse_definitions(defs_text, names_t)
        assumed = parse_assumptions(_as_tuple(assumptions), names_t)
    except SpecError as error:
        return None, None, str(error)
    if not isinstance(expected, str):
        return None, None, "the expected answer must be text"
    if _sigma_is_logistic(_expand(expected, macros), names_t, defs, functions, assumed):
        defs, functions = parse_definitions((*defs_text, LOGISTIC_SIGMA), names_t)
    ctx_names = (*names_t, *(d.name for d in defs if not d.params))
    expected_reading = read(_expand(expected, macros), ctx_names, functions, limit=DECK_LIMIT * 2)
    if not expected_reading.ok:
        return None, None, f"the expected answer cannot be read: {expected_reading.error}"
    problem = _mode_problem(mode, expected_reading)
    if problem:
        return None, None, problem
    if given is None:
        return None, expected_reading, None
    reading = read(_one_answer_text(given, mode), ctx_names, functions, limit=LEARNER_LIMIT)
    if not reading.ok:
        return None, reading, None
    seed = zlib.crc32(f"{expected}\x00{given}".encode("utf-8", "replace"))
    job = Job(
        expected_reading.tree,  # type: ignore[arg-type]
        reading.tree,  # type: ignore[arg-type]
        defs,
        assumed,
        mode,
        form,
        rel_tol,
        abs_tol,
        seed,
        sig_figs,
    )
    return job, reading, None


#: What sigma is on a card that writes it as a function without defining it.
LOGISTIC_SIGMA = "sigma(x) = sigmoid(x)"


def _sigma_is_logistic(
    expected: str,
    names: tuple[str, ...],
    defs: tuple[Definition, ...],
    functions: Mapping[str, int],
    assumed: tuple[Assumption, ...],
) -> bool:
    """Whether the card's sigma is the logistic function, as σ(x) means in ML.

    It is when the expected answer writes sigma only as a one-argument function (`1 -
    \\sigma(x)`) and the card neither defines, declares nor assumes anything of sigma. An
    expected answer that uses sigma as a variable (`\\sigma^2`, `\\sigma_1`) keeps it one.
    """
    if "sigma" not in expected and "σ" not in expected:
        return False
    if "sigma" in functions or "sigma" in names or any(d.name == "sigma" for d in defs):
        return False
    if any(a.name == "sigma" for a in assumed):
        return False
    trial = read(expected, names, {**functions, "sigma": 1}, limit=DECK_LIMIT * 2)
    return trial.tree is not None and any(
        isinstance(n, Call) and n.name == "sigma" for n in walk(trial.tree)
    )


def _one_answer_text(given: str, mode: str) -> str:
    """The typed text as read: `38,597,376` is one number unless the card wants a list."""
    return given if mode in ("set", "list") else drop_thousands_separators(given)


def _mode_problem(mode: str, reading: Reading) -> str | None:
    tree = reading.tree
    if mode == "equation" and not isinstance(tree, Eq):
        return "mode equation needs an expected answer with '='"
    integral = mode in ("antiderivative", "any_antiderivative")
    if (mode == "expression" or integral) and isinstance(tree, Tuple):
        return f"mode {mode} needs one expected answer; use mode set or list for several"
    if integral and isinstance(tree, Eq):
        return "mode antiderivative needs an expression, not an equation"
    return None


def _unreadable(reading: Reading | None, problem: str | None) -> Verdict:
    if problem is not None:
        return verdict(Status.UNREADABLE, f"This card's answer cannot be checked: {problem}.")
    assert reading is not None
    return verdict(Status.UNREADABLE, error_text(reading), "", None, reading.position)


def check_answer(
    expected: str,
    given: str,
    *,
    definitions: Iterable[str] = (),
    assumptions: Iterable[str] = (),
    names: Iterable[str] = (),
    mode: str = "expression",
    form: str | None = None,
    rel_tol: float | None = None,
    abs_tol: float | None = None,
    sig_figs: int | None = None,
    timeout: float = DEFAULT_TIMEOUT,
    macros: Mapping[str, str] | None = None,
) -> Verdict:
    """Check a typed answer in the worker process; never raises for bad input.

    Blocks the calling thread until the verdict (at most about `timeout` seconds once the
    worker is warm), so call it from a thread worker in the UI.
    """
    job, reading, problem = _prepare(
        expected,
        given,
        definitions=definitions,
        assumptions=assumptions,
        names=names,
        mode=mode,
        form=form,
        rel_tol=rel_tol,
        abs_tol=abs_tol,
        sig_figs=sig_figs,
        macros=macros,
    )
    if job is None:
        return _unreadable(reading, problem)
    assert reading is not None
    from flashcards.answers.worker import UNAVAILABLE, WORKER

    limit = timeout if usable_timeout(timeout) else DEFAULT_TIMEOUT
    outcome = WORKER.run(job, limit)
    if outcome == UNAVAILABLE:
        return verdict(
            Status.TIMEOUT, "The checker could not start; grade yourself.", reading.pretty
        )
    if outcome is None:
        return verdict(Status.TIMEOUT, TIMEOUT_TEXT.format(limit), reading.pretty)
    return verdict(outcome.status, outcome.feedback, reading.pretty, outcome.hint)


def judge_answer(expected: str, given: str, **options: Any) -> Verdict:
    """Check a typed answer in this process, with no timeout (tests, benchmarks, tools)."""
    options.pop("timeout", None)
    job, reading, problem = _prepare(expected, given, **options)
    if job is None:
        return _unreadable(reading, problem)
    assert reading is not None
    from flashcards.answers.equivalence import judge_safely

    outcome = judge_safely(job)
    return verdict(outcome.status, outcome.feedback, reading.pretty, outcome.hint)


def validate_expected(expected: str, **options: Any) -> str | None:
    """Why a card's expected answer and declarations cannot be checked, or None (no sympy)."""
    options.pop("timeout", None)
    try:
        _job, _reading, problem = _prepare(expected, None, **options)
    except TypeError as error:
        return str(error)
    return problem


def read_answer(text: str, expected: str | None = None, **options: Any) -> Reading:
    """How a learner's answer is read under a card's declarations (for a live preview).

    With the card's `expected` answer, the reading is the one the check makes: a sigma that
    the expected answer writes as a function is a function here too.
    """
    names = _as_tuple(options.get("names"))
    try:
        defs, functions = parse_definitions(_as_tuple(options.get("definitions")), names)
        assumed = parse_assumptions(_as_tuple(options.get("assumptions")), names)
    except SpecError:
        defs, functions, assumed = (), {}, ()
    if isinstance(expected, str) and _sigma_is_logistic(
        _expand(expected, options.get("macros")), names, defs, functions, assumed
    ):
        functions = {**functions, "sigma": 1}
    mode = options.get("mode") or "expression"
    return read(_one_answer_text(text, mode), names, functions, limit=LEARNER_LIMIT)


def warm_up() -> None:
    """Start the worker process in the background, so the first check is quick."""
    from flashcards.answers.worker import WORKER

    WORKER.restart_in_background()
