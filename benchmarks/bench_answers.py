"""Time the answer checker: first check (worker start and sympy import), then every case of
the evaluation set through a warm worker (median, 99th percentile, max), the restart after
a timeout, and the slowest refusal of a hostile input. Prints the figures and the evaluation's accuracy; writes benchmarks/results/answers.json.

Usage: python benchmarks/bench_answers.py [--repeat 3] [--first 3]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

from collection import save_result

ROOT = Path(__file__).resolve().parent.parent

FIRST_CHECK = """
import time
start = time.perf_counter()
from flashcards.answers import check_answer
imported = time.perf_counter()
verdict = check_answer("2x", "x + x")
done = time.perf_counter()
assert verdict.accepted, verdict
print(imported - start, done - imported)
"""


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def outcome(verdict: Any) -> str:
    """The evaluation set's word for a verdict: "accept", "form" or "reject"."""
    from flashcards.answers import Status

    return {Status.CORRECT: "accept", Status.WRONG_FORM: "form"}.get(verdict.status, "reject")


def first_check(runs: int) -> tuple[float, float]:
    """Median import time and first-check time, each in a fresh process."""
    imports, firsts = [], []
    for _ in range(runs):
        out = subprocess.run(
            [sys.executable, "-c", FIRST_CHECK],
            capture_output=True,
            text=True,
            check=True,
            cwd=ROOT,
        )
        a, b = map(float, out.stdout.split())
        imports.append(a)
        firsts.append(b)
    return statistics.median(imports), statistics.median(firsts)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=3, help="passes over the evaluation set")
    parser.add_argument("--first", type=int, default=3, help="fresh processes for the first check")
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT / "tests"))
    from answer_eval import CASES

    from flashcards.answers import Status, check_answer, judge_answer
    from flashcards.answers.worker import WORKER

    import_s, first_s = first_check(args.first)

    start = time.perf_counter()
    WORKER.ensure()
    start_s = time.perf_counter() - start

    times: list[float] = []
    outcomes = Counter()
    hints = 0
    for n in range(args.repeat):
        for case in CASES:
            t = time.perf_counter()
            verdict = check_answer(case.expected, case.given, **case.options)
            times.append(time.perf_counter() - t)
            if n:
                continue
            got = outcome(verdict)
            if verdict.status is Status.TIMEOUT:
                outcomes["timeout"] += 1
            if got == case.verdict:
                outcomes["right"] += 1
            elif got == "accept":
                outcomes["false accept"] += 1
            elif case.verdict == "accept":
                outcomes["false reject"] += 1
            else:
                outcomes["form mix-up"] += 1
            if case.verdict == "reject" and verdict.hint:
                hints += 1

    in_process = []
    for case in CASES:
        t = time.perf_counter()
        judge_answer(case.expected, case.given, **case.options)
        in_process.append(time.perf_counter() - t)

    # Hostile input is refused by the grammar before the worker: the slowest refusal.
    from test_answers_hostile import HOSTILE

    hostile = []
    for text in HOSTILE:
        t = time.perf_counter()
        verdict = check_answer("x + 1", text)
        hostile.append(time.perf_counter() - t)
        assert verdict.status is Status.UNREADABLE, (text, verdict)

    # Restart after a timeout: kill the worker, then time until a check succeeds again.
    slow = ("sqrt(-1-x^2) (x+1)^300", "sqrt(-1-x^2) (x-1)^300")
    assert check_answer(*slow, timeout=0.1).status is Status.TIMEOUT
    t = time.perf_counter()
    assert check_answer("2x", "x + x").accepted
    restart_s = time.perf_counter() - t
    WORKER.stop()

    counts = Counter(case.verdict for case in CASES)
    result = {
        "cases": len(CASES),
        "verdicts": dict(counts),
        "outcomes": dict(outcomes),
        "rejects_with_hint": hints,
        "import_s": import_s,
        "first_check_s": first_s,
        "worker_start_s": start_s,
        "warm_median_s": statistics.median(times),
        "warm_p99_s": percentile(times, 0.99),
        "warm_max_s": max(times),
        "in_process_median_s": statistics.median(in_process),
        "in_process_p99_s": percentile(in_process, 0.99),
        "restart_after_timeout_s": restart_s,
        "hostile_inputs": len(HOSTILE),
        "hostile_max_s": max(hostile),
    }
    ms = 1000
    print(f"evaluation set: {len(CASES)} cases {dict(counts)}")
    print(f"outcomes: {dict(outcomes)}; rejects with a hint: {hints} of {counts['reject']}")
    print(f"import flashcards.answers: {import_s * ms:.0f} ms")
    print(f"first check (worker start + sympy import + check): {first_s * ms:.0f} ms")
    print(f"worker start in this process (fork server with sympy preloaded): {start_s * ms:.0f} ms")
    print(
        f"warm worker, {len(times)} checks: median {result['warm_median_s'] * ms:.1f} ms, "
        f"p99 {result['warm_p99_s'] * ms:.1f} ms, max {result['warm_max_s'] * ms:.0f} ms"
    )
    print(
        f"in process: median {result['in_process_median_s'] * ms:.1f} ms, "
        f"p99 {result['in_process_p99_s'] * ms:.1f} ms"
    )
    print(f"next check after a timeout (worker replaced): {restart_s * ms:.0f} ms")
    print(f"{len(HOSTILE)} hostile inputs refused, slowest in {max(hostile) * ms:.1f} ms")
    save_result("answers", result)
    return 0


if __name__ == "__main__":
    sys.exit(main())
