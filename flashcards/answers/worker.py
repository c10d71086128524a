"""The process that runs the sympy work, so a slow check can be killed.

`signal.alarm` cannot stop a long big-integer operation, so checks run in a separate process
started with `forkserver` (or `spawn` where that is missing): forking a threaded app can
deadlock. The fork server preloads sympy, so a worker killed after its timeout is replaced in
milliseconds. One worker serves one check at a time; callers wait on a lock, from a thread,
never from the UI loop.
"""

from __future__ import annotations

import atexit
import multiprocessing
import os
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

#: How long the first start (a Python process importing sympy) may take.
START_TIMEOUT = 60.0
#: Address-space cap of the worker, so a runaway expansion fails instead of swapping.
MEMORY_LIMIT = 2 * 1024**3
_PRELOAD = ["flashcards.answers.equivalence", "flashcards.answers.build"]


def _context() -> Any:
    methods = multiprocessing.get_all_start_methods()
    if "forkserver" in methods:
        ctx = multiprocessing.get_context("forkserver")
        ctx.set_forkserver_preload(_PRELOAD)
        return ctx
    return multiprocessing.get_context("spawn")


def _limit_memory() -> None:
    try:
        import resource

        soft, hard = resource.getrlimit(resource.RLIMIT_AS)
        if hard == resource.RLIM_INFINITY or hard > MEMORY_LIMIT:
            resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, hard))
    except (ImportError, ValueError, OSError):
        pass


def _serve(conn: Any) -> None:
    """Worker loop: receive jobs, send outcomes, until the pipe closes."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is for the app, not the worker
    _limit_memory()
    from flashcards.answers.build import Builder  # noqa: F401 - imports sympy now
    from flashcards.answers.equivalence import judge_safely

    conn.send("ready")
    while True:
        try:
            job = conn.recv()
        except (EOFError, OSError):
            return
        conn.send(judge_safely(job))


@contextmanager
def _main_file_hidden_if_missing() -> Iterator[None]:
    """Keep the child from re-importing a main script that is not a file (`python -`)."""
    main = sys.modules.get("__main__")
    path = getattr(main, "__file__", None)
    if main is None or path is None or os.path.exists(path):
        yield
        return
    del main.__file__
    try:
        yield
    finally:
        main.__file__ = path


def _start_resource_tracker() -> None:
    """Start multiprocessing's resource tracker, with the real stderr if need be.

    Inside a Textual app `sys.stderr` is a capture whose `fileno()` is -1; the tracker passes
    that to its child, which fails ("bad value(s) in fds_to_keep"). A running tracker is
    reused, so the stream is swapped (a process-wide change) only when the first try fails.
    """
    from multiprocessing import resource_tracker

    try:
        resource_tracker.ensure_running()
        return
    except ValueError:
        pass
    saved = sys.stderr
    sys.stderr = sys.__stderr__
    try:
        resource_tracker.ensure_running()
    finally:
        sys.stderr = saved


#: What `Worker.run` returns when the worker process cannot be started.
UNAVAILABLE = "unavailable"


class Worker:
    """One checking process, started on demand and replaced after a timeout."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._process: Any = None
        self._conn: Any = None

    @property
    def alive(self) -> bool:
        return self._process is not None and self._process.is_alive()

    def _start(self) -> bool:
        ctx = _context()
        parent, child = ctx.Pipe()
        process = ctx.Process(target=_serve, args=(child,), daemon=True, name="answers-worker")
        try:
            _start_resource_tracker()
            with _main_file_hidden_if_missing():
                process.start()
        except (OSError, ValueError):
            parent.close()
            return False
        finally:
            child.close()
        if not parent.poll(START_TIMEOUT):
            process.kill()
            process.join(1)
            return False
        try:
            ready = parent.recv()
        except (EOFError, OSError):
            return False
        if ready != "ready":
            return False
        self._process, self._conn = process, parent
        return True

    def ensure(self) -> bool:
        """Start the worker if it is not running; True once it is ready."""
        with self._lock:
            return self.alive or self._start()

    def _kill(self) -> None:
        if self._process is not None:
            self._process.kill()
            self._process.join(5)
        if self._conn is not None:
            self._conn.close()
        self._process = self._conn = None

    def run(self, job: Any, timeout: float) -> Any | None:
        """The outcome of `job`, None when it took longer than `timeout` seconds, or
        UNAVAILABLE when no worker could be started."""
        with self._lock:
            if not self.alive and not self._start():
                return UNAVAILABLE
            try:
                self._conn.send(job)
                if self._conn.poll(timeout):
                    return self._conn.recv()
            except (EOFError, OSError, BrokenPipeError):
                self._kill()
                return None
            self._kill()
        self.restart_in_background()
        return None

    def restart_in_background(self) -> None:
        """Start a fresh worker on a thread, so the next check finds it ready."""
        threading.Thread(target=self.ensure, name="answers-warm-up", daemon=True).start()

    def stop(self) -> None:
        """End the worker process."""
        with self._lock:
            self._kill()


WORKER = Worker()
atexit.register(WORKER.stop)
