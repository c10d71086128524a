"""Decide whether a read answer equals the expected one: numbers, expressions, equations,
antiderivatives, sets and lists, then the required form.

Expressions are compared at random points of the real domain of the expected answer, as
WeBWorK does: an answer that differs at a point, or has no value where the expected answer
has one, is wrong; an isolated removable hole is tolerated. sympy (with real symbols and the
card's assumptions) settles what sampling cannot: too few points in the domain, infinities,
solution sets of equations, and forms. This module runs inside the checker's worker process.
"""

from __future__ import annotations

import random
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

import mpmath
from mpmath import mpf

from flashcards.answers.feedback import find_hint
from flashcards.answers.forms import form_problem
from flashcards.answers.numeric import (
    DPS,
    Comparison,
    Evaluator,
    Point,
    Undefined,
    close,
    round_to_figures,
    sample_points,
)
from flashcards.answers.printer import display_name, pretty
from flashcards.answers.spec import Definition, Job, free_names
from flashcards.answers.tree import (
    Const,
    Eq,
    Node,
    Num,
    Sub,
    Sym,
    Tuple,
    rewrite,
    walk,
)
from flashcards.answers.verdict import Status

if TYPE_CHECKING:
    from flashcards.answers.build import Builder

#: Default tolerances when the card gives none: exact up to rounding at 30 digits.
REL_TOL = 1e-12
ABS_TOL = 1e-15
#: Numbers with no variables are compared far more tightly.
CONST_REL_TOL = 1e-20
#: Points wanted where the expected answer has a value, and fewest accepted to decide.
POINTS = 10
MIN_POINTS = 3
#: Names a learner may use for the arbitrary constant of an antiderivative.
CONSTANT_NAMES = ("C", "K", "c")
#: The hint for an indefinite integral typed without its arbitrary constant.
ADD_CONSTANT = "Add the constant of integration: + C."
#: Two values given to the learner's constant, to see that the answer is right for both
#: and depends on it (it is arbitrary, not cancelled out).
_CONSTANT_TRIALS = ("2", "3")


@dataclass(frozen=True, slots=True)
class Outcome:
    """What the comparison found, before it becomes a Verdict."""

    status: Status
    feedback: str
    hint: str | None = None


def _fmt(value: mpf) -> str:
    if mpmath.isint(value) and abs(value) < 10**15:
        return str(int(value))
    return mpmath.nstr(value, 4, strip_zeros=True)


def _at(point: Point) -> str:
    return ", ".join(f"{display_name(k)} = {_fmt(v)}" for k, v in sorted(point.items()))


class Comparer:
    """Compares trees for one job: its definitions, assumptions and tolerances."""

    def __init__(self, job: Job) -> None:
        self.job = job
        self.ev = Evaluator(job.definitions)
        self.defs = self.ev.defs
        self.assumed = {a.name: a for a in job.assumptions}
        self.rng = random.Random(job.seed)
        self.custom_tol = job.rel_tol is not None or job.abs_tol is not None
        self.rel_tol = (
            job.rel_tol if job.rel_tol is not None else (0.0 if self.custom_tol else REL_TOL)
        )
        self.abs_tol = (
            job.abs_tol if job.abs_tol is not None else (0.0 if self.custom_tol else ABS_TOL)
        )
        self._builder: Builder | None = None

    @property
    def builder(self) -> Builder:
        if self._builder is None:
            from flashcards.answers.build import Builder

            self._builder = Builder(self.job.definitions, self.job.assumptions)
        return self._builder

    # -- expressions ---------------------------------------------------------------------------

    def names(self, *nodes: Node) -> list[str]:
        out: set[str] = set()
        for node in nodes:
            out |= free_names(node, self.defs)
        return sorted(out)

    def defined(self, node: Node, point: Point) -> bool:
        try:
            self.ev.value(node, point)
        except Undefined:
            return False
        return True

    def compare(self, expected: Node, given: Node, *, up_to_constant: bool = False) -> Comparison:
        """Compare two expressions (`up_to_constant` for antiderivatives)."""
        if any(isinstance(n, Const) and n.name == "oo" for t in (expected, given) for n in walk(t)):
            return self.compare_symbolically(expected, given)
        names = self.names(expected, given)
        if not names:
            return self.compare_numbers(expected, given)
        points = sample_points(
            names, self.assumed, self.rng, lambda p: self.defined(expected, p), POINTS
        )
        if len(points) < MIN_POINTS:
            return self.compare_symbolically(expected, given)
        result = Comparison(True, names=names)
        for point in points:
            e = self.ev.value(expected, point)
            try:
                g = self.ev.value(given, point)
            except Undefined as why:
                if self.is_hole(expected, given, point):
                    continue
                return Comparison(
                    False,
                    f"Your answer has no value at {_at(point)} ({why}), "
                    "where the expected answer has one.",
                    names,
                )
            result.points.append(point)
            result.expected_values.append(e)
            result.given_values.append(g)
        if len(result.points) < MIN_POINTS:
            return Comparison(False, "Your answer has no value where the expected answer has.")
        if up_to_constant:
            diffs = [
                g - e for e, g in zip(result.expected_values, result.given_values, strict=True)
            ]
            for e, d in zip(result.expected_values, diffs, strict=True):
                scale = max(abs(e), abs(diffs[0]), mpf(1))
                if abs(d - diffs[0]) > max(self.rel_tol * scale, self.abs_tol):
                    result.equal = False
                    result.reason = (
                        "Its derivative is not the integrand: they differ by more than a constant."
                    )
                    return result
            return result
        for point, e, g in zip(
            result.points, result.expected_values, result.given_values, strict=True
        ):
            if not close(e, g, self.rel_tol, self.abs_tol):
                result.equal = False
                result.reason = f"They differ at {_at(point)}."
                return result
        return result

    def is_hole(self, expected: Node, given: Node, point: Point) -> bool:
        """Whether `given` only has an isolated hole at `point` (defined and right nearby)."""
        if any(self.assumed.get(n) and self.assumed[n].integer for n in point):
            return False
        for sign in (1, -1):
            near = {k: v + sign * mpf("1e-9") * (1 + abs(v)) for k, v in point.items()}
            try:
                e, g = self.ev.value(expected, near), self.ev.value(given, near)
            except Undefined:
                return False
            if not close(e, g, 1e-5, 1e-7):
                return False
        return True

    def compare_numbers(self, expected: Node, given: Node) -> Comparison:
        try:
            with mpmath.workdps(DPS + 20):
                e = self.ev.value(expected, {})
        except Undefined:
            return self.compare_symbolically(expected, given)
        try:
            g = self.ev.value(given, {})
        except Undefined as why:
            return Comparison(False, f"Your answer has no value ({why}).")
        figures = self.job.sig_figs
        if figures is not None:
            rounded = round_to_figures(g, figures)
            if rounded == round_to_figures(e, figures):
                return Comparison(True, "", [], [{}], [e], [g])
            reason = f"At {figures} significant figures, your answer is {rounded}."
            return Comparison(False, reason, [], [{}], [e], [g])
        rel = self.rel_tol if self.custom_tol else CONST_REL_TOL
        abs_tol = self.abs_tol if self.custom_tol else 0.0
        equal = close(e, g, rel, abs_tol) or (not self.custom_tol and abs(e - g) < mpf("1e-25"))
        return Comparison(equal, "", [], [{}], [e], [g])

    def compare_symbolically(self, expected: Node, given: Node) -> Comparison:
        import sympy

        e, g = self.builder.build(expected), self.builder.build(given)
        if any(x.has(sympy.nan, sympy.zoo) for x in (e, g)):
            return Comparison(False, "It has no value (a division by zero).")
        if e == g:
            return Comparison(True)
        if e.has(sympy.oo, -sympy.oo) or g.has(sympy.oo, -sympy.oo):
            return Comparison(False)
        return Comparison(sympy.simplify(e - g) == 0)

    # -- modes ---------------------------------------------------------------------------------

    def judge(self) -> Outcome:
        job = self.job
        expected, given = job.expected, job.given
        if job.mode in ("set", "list"):
            return self.judge_items(expected, given)
        if isinstance(given, Tuple):
            if len(given.items) == 2 and all(isinstance(i, Num) for i in given.items):
                return Outcome(
                    Status.WRONG,
                    "One answer is expected, not a list: write decimals with a point (0.5).",
                )
            return Outcome(Status.WRONG, "One answer is expected, not a list.")
        if job.mode == "equation":
            if not isinstance(given, Eq):
                return Outcome(Status.WRONG, "The answer is an equation: write it with '='.")
            if not isinstance(expected, Eq):
                return Outcome(Status.WRONG, "The expected answer is not an equation.")
            return self.finish(*self.same_equation(expected, given), expected, given)
        if isinstance(given, Eq):
            if job.mode == "expression" and isinstance(expected, Eq):
                return self.finish(*self.same_equation(expected, given), expected, given)
            return Outcome(
                Status.WRONG, "The answer is an expression, not an equation: leave out '='."
            )
        if isinstance(expected, Eq):
            return Outcome(Status.WRONG, "The answer is an equation: write it with '='.")
        if job.mode == "antiderivative" and _constants(expected, set(), self.defs):
            return self.judge_integral(expected, given)
        if job.mode in ("antiderivative", "any_antiderivative"):
            expected = _drop_constant(expected, set())
            given = _drop_constant(given, free_names(expected, self.defs))
            result = self.compare(expected, given, up_to_constant=True)
        else:
            result = self.compare(expected, given)
        if result.equal:
            return self.check_form(expected, given)
        return self.wrong(result, expected, given)

    def judge_integral(self, expected: Node, given: Node) -> Outcome:
        """An indefinite integral written with `+ C`: one arbitrary constant is required."""
        base = _drop_constant(expected, set())
        variables = free_names(base, self.defs)
        constants = _constants(given, variables, self.defs)
        if len(constants) > 1:
            listed = ", ".join(display_name(n) for n in constants)
            return Outcome(
                Status.WRONG,
                f"Not the expected answer: write one arbitrary constant, not {listed}.",
            )
        if not constants:
            result = self.compare(base, given, up_to_constant=True)
            if not result.equal:
                return self.wrong(result, base, given)
            return Outcome(
                Status.WRONG,
                _wrong_text("An indefinite integral has an arbitrary constant."),
                ADD_CONSTANT,
            )
        trials = [_substitute(given, constants[0], value) for value in _CONSTANT_TRIALS]
        for trial in trials:
            result = self.compare(base, trial, up_to_constant=True)
            if not result.equal:
                return self.wrong(result, base, trial)
        if self.compare(*trials).equal:  # `x^2 + C - C`: the constant cancels out
            return Outcome(
                Status.WRONG,
                _wrong_text("Its constant cancels out: the answer has no arbitrary constant."),
                ADD_CONSTANT,
            )
        return self.check_form(expected, given)

    def finish(self, same: bool, reason: str, expected: Node, given: Node) -> Outcome:
        if same:
            return self.check_form(expected, given)
        return Outcome(Status.WRONG, _wrong_text(reason))

    def wrong(self, result: Comparison, expected: Node, given: Node) -> Outcome:
        hint = None
        if result.points:
            hint = find_hint(self.ev, expected, given, result)
        extra = set(free_names(given, self.defs)) - set(free_names(expected, self.defs))
        if hint is None and extra:
            listed = ", ".join(display_name(n) for n in sorted(extra))
            hint = f"The expected answer does not use {listed}."
        return Outcome(Status.WRONG, _wrong_text(result.reason), hint)

    def same_equation(self, expected: Eq, given: Eq) -> tuple[bool, str]:
        """Whether two equations have the same solutions."""
        f1, f2 = Sub(expected.left, expected.right), Sub(given.left, given.right)
        names = self.names(f1, f2)
        if not names:
            return False, "An equation with no unknown cannot be compared."
        points = sample_points(names, self.assumed, self.rng, lambda p: self.defined(f1, p), 12)
        ratios = []
        for point in points:
            try:
                a, b = self.ev.value(f1, point), self.ev.value(f2, point)
            except Undefined:
                continue
            if abs(a) > mpf("1e-20"):
                ratios.append(b / a)
        if (
            len(ratios) >= MIN_POINTS
            and ratios[0] != 0
            and all(close(ratios[0], r, 1e-9, 1e-15) for r in ratios)
        ):
            return True, ""
        if len(names) == 1:
            return self.same_solutions(expected, given, names[0])
        return False, "The two equations do not have the same solutions."

    def same_solutions(self, expected: Eq, given: Eq, name: str) -> tuple[bool, str]:
        import sympy

        x = self.builder.symbol(name)
        domain = (
            sympy.S.Integers
            if self.assumed.get(name) and self.assumed[name].integer
            else sympy.S.Reals
        )
        a = self.assumed.get(name)
        if a is not None and (a.low is not None or a.high is not None) and domain is sympy.S.Reals:
            low = sympy.Float(a.low) if a.low is not None else -sympy.oo
            high = sympy.Float(a.high) if a.high is not None else sympy.oo
            domain = sympy.Interval(low, high, a.low_open, a.high_open)
        sets = []
        try:
            for eq in (expected, given):
                built = self.builder.build(eq)
                sets.append(sympy.solveset(built.lhs - built.rhs, x, domain))
        except (NotImplementedError, ValueError, TypeError):
            return False, "The two equations could not be compared; try the form x = ..."
        s1, s2 = sets
        if s1 == s2:
            return True, ""
        if (
            isinstance(s1, sympy.FiniteSet)
            and isinstance(s2, sympy.FiniteSet)
            and len(s1) == len(s2)
        ):
            v1 = sorted(float(sympy.N(v)) for v in s1)
            v2 = sorted(float(sympy.N(v)) for v in s2)
            if all(abs(p - q) <= 1e-9 * max(1, abs(p)) for p, q in zip(v1, v2, strict=True)):
                return True, ""
        if any(isinstance(s, sympy.ConditionSet) for s in sets):
            return False, "The two equations could not be compared; try the form x = ..."
        return False, "The two equations do not have the same solutions."

    def judge_items(self, expected: Node, given: Node) -> Outcome:
        """Set mode (any order) or list mode (in order)."""
        want = list(expected.items) if isinstance(expected, Tuple) else [expected]
        got = list(given.items) if isinstance(given, Tuple) else [given]
        if len(want) != len(got):
            return Outcome(Status.WRONG, f"{len(want)} answer(s) expected, {len(got)} given.")

        def same(a: Node, b: Node) -> bool:
            if isinstance(a, Eq) != isinstance(b, Eq):
                return False
            if isinstance(a, Eq):
                return self.same_equation(a, b)[0]
            return self.compare(a, b).equal

        if self.job.mode == "list":
            for i, (a, b) in enumerate(zip(want, got, strict=True), 1):
                if not same(a, b):
                    return Outcome(Status.WRONG, f"Not the expected answer: item {i} is wrong.")
        else:
            free = list(range(len(got)))
            for i, a in enumerate(want, 1):
                match = next((j for j in free if same(a, got[j])), None)
                if match is None:
                    return Outcome(
                        Status.WRONG, f"Not the expected answer: item {i} of the answer is missing."
                    )
                free.remove(match)
        return self.check_form(expected, given)

    # -- forms ---------------------------------------------------------------------------------

    def check_form(self, expected: Node, given: Node) -> Outcome:
        if self.job.form is None:
            return Outcome(Status.CORRECT, "Correct.")
        items = given.items if isinstance(given, Tuple) else (given,)
        for item in items:
            sides = (item.left, item.right) if isinstance(item, Eq) else (item,)
            for side in sides:
                problem = form_problem(self.job.form, side, expected, self.builder)
                if problem:
                    return Outcome(
                        Status.WRONG_FORM,
                        f"Right value, not in the required form ({self.job.form}): {problem}",
                    )
        return Outcome(Status.CORRECT, "Correct.")


def _wrong_text(reason: str) -> str:
    return "Not the expected answer." + (f" {reason}" if reason else "")


def _drop_constant(node: Node, keep: set[str]) -> Node:
    """Replace an arbitrary constant (`+ C`) that the expected answer does not use by 0."""

    def change(n: Node) -> Node | None:
        if isinstance(n, Sym) and _is_constant_name(n.name) and n.name not in keep:
            return Num("0")
        return None

    return rewrite(node, change)


def _constants(node: Node, variables: set[str], defs: Mapping[str, Definition]) -> list[str]:
    """The names in `node` that stand for an arbitrary constant (`C`, `K`, `c`, `C_1`), sorted."""
    names = free_names(node, defs) - variables
    return sorted(n for n in names if _is_constant_name(n))


def _is_constant_name(name: str) -> bool:
    """`C`, `K`, `c`, or one of them with a subscript (`C_1`)."""
    return name.partition("_")[0] in CONSTANT_NAMES


def _substitute(node: Node, name: str, value: str) -> Node:
    return rewrite(node, lambda n: Num(value) if isinstance(n, Sym) and n.name == name else None)


def judge(job: Job) -> Outcome:
    """Check one job (in the worker process, or directly in tests)."""
    return Comparer(job).judge()


def judge_safely(job: Job) -> Outcome:
    """`judge(job)`, with a failure of the CAS as an outcome that gives no verdict."""
    try:
        return judge(job)
    except MemoryError:
        return Outcome(Status.TIMEOUT, "Too large to check; try a simpler form.")
    except Exception as error:  # noqa: BLE001 - a CAS failure is never a wrong answer
        text = f"Could not be checked ({type(error).__name__}); grade yourself."
        return Outcome(Status.TIMEOUT, text)


__all__ = ["Comparer", "Comparison", "Outcome", "judge", "judge_safely", "pretty"]
