"""Helpers for the study app tests: the test decks, a stand-in answer checker, the app."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from flashcards.answers.verdict import Status, Verdict
from flashcards.decks import load_decks
from flashcards.store import Store
from tui.app import FlashcardsApp, StudyOptions

DATA = Path(__file__).parent / "data"
TODAY = date(2026, 11, 26)


def FakeVerdict(accepted: bool, status: str, feedback: str = "", reading: str = "") -> Verdict:  # noqa: N802 - stands for the type
    """A checker's verdict, as a stand-in checker gives it."""
    return Verdict(accepted, Status(status), feedback, reading)


def fake_checker(expected: str, given: str, options: dict[str, Any], macros: Any) -> Verdict:
    """Accepts `2x` and `2*x` for the deck's one math card; reads the input back."""
    ok = given.replace(" ", "") in ("2x", "2*x")
    return FakeVerdict(ok, "correct" if ok else "wrong", "" if ok else "Check the factor.", given)


def make_app(
    store: Store,
    folder: Path,
    *,
    options: StudyOptions | None = None,
    checker: Any = fake_checker,
    editor: Any = None,
    files: list[str] | None = None,
) -> FlashcardsApp:
    """The app on `folder` (or some of its files), synced into `store`."""
    roots = [folder / f for f in files] if files else [folder]

    def load(progress: Any = None) -> tuple[list[Any], list[Any]]:
        return load_decks(roots, progress)

    decks, problems = load()
    return FlashcardsApp(
        store,
        decks,
        problems,
        today=TODAY,
        options=options,
        deck_loader=load,
        checker=checker,
        editor=editor,
        roots=roots,
        clock=lambda: 1000.0,
    )
