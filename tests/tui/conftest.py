"""Fixtures for the study app: a small deck folder, an in-memory store, no Enter guard."""

from __future__ import annotations

import asyncio
import inspect
import shutil
from pathlib import Path

import pytest
from tui_helpers import DATA

from flashcards.store import Store
from tui.screens.review import ReviewScreen


@pytest.fixture
def deck_dir(tmp_path: Path) -> Path:
    """A copy of the test deck folder, so edits stay in the test."""
    folder = tmp_path / "decks"
    shutil.copytree(DATA / "study", folder)
    return folder


@pytest.fixture
def store() -> Store:
    s = Store("sqlite://")
    yield s
    s.close()


@pytest.fixture(autouse=True)
def no_enter_guard(monkeypatch: pytest.MonkeyPatch) -> None:
    """Pilot presses come faster than a person; the guard has its own test."""
    monkeypatch.setattr(ReviewScreen, "enter_guard_seconds", 0.0)


@pytest.hookimpl(tryfirst=True)
def pytest_pyfunc_call(pyfuncitem: pytest.Function) -> bool | None:
    """Run `async def` tests in a fresh event loop (Pilot needs one)."""
    if inspect.iscoroutinefunction(pyfuncitem.obj):
        names = pyfuncitem._fixtureinfo.argnames
        asyncio.run(pyfuncitem.obj(**{n: pyfuncitem.funcargs[n] for n in names}))
        return True
    return None
