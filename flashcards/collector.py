"""The garbage collector during a command's start-up: paused while its modules load, then
resumed with what start-up made left out of its later passes.

Start-up makes a few hundred thousand objects (modules, classes, functions, the first
widgets) that live to the end of the process, and next to no garbage. The collector's
passes over them while sqlmodel, sqlalchemy and textual load, and its full pass at exit,
took about a sixth of `flashcards due` and of the study app's time to its first screen
(`benchmarks/bench_due.py`, `benchmarks/bench_startup.py`). Frozen, they are never
traversed again; what the command makes afterwards is collected as usual.
"""

from __future__ import annotations

import gc


def pause() -> None:
    """Stop the collector's passes until `resume`."""
    gc.disable()


def resume() -> None:
    """Turn the collector back on after start-up, leaving every object start-up made out of
    its later passes; nothing when it was not paused."""
    if not gc.isenabled():
        gc.freeze()
        gc.enable()
