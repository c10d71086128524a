"""Deck files and folders -> decks: reading files, naming the deck tree, and the checks that
need the file system (images, duplicates across files). The parsing itself is pure
(`flashcards.parsing`)."""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from flashcards.cards import Deck
from flashcards.errors import Problem

#: Deck files larger than this are refused rather than parsed.
MAX_DECK_BYTES = 20 * 1024 * 1024
SEPARATOR = "::"
#: Files in a deck folder that are not decks.
NOT_DECKS = {"readme.md", "license.md", "changelog.md", "contributing.md"}


def builtin_decks_dir() -> Path:
    """The folder of the decks shipped with flashcards."""
    import decks

    return Path(decks.__file__).resolve().parent


def deck_folders(settings: Any) -> list[Path]:
    """The built-in decks and the configured deck folders that exist: what `study` and
    `sync` load by default, and what names the decks inside them."""
    return [builtin_decks_dir(), *(p for p in settings.deck_folders if p.exists())]


def deck_files(root: Path) -> list[Path]:
    """The deck files under a folder, in a stable order, skipping hidden folders."""
    found: list[Path] = []
    for dirpath, dirnames, filenames in os.walk(root, followlinks=False):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith((".", "_")))
        for name in sorted(filenames):
            if name.lower().endswith(".md") and name.lower() not in NOT_DECKS:
                found.append(Path(dirpath) / name)
    return found


def refused_file(path: Path, resolved_root: Path) -> Problem | None:
    """Why a file found in a deck folder is not read: a name that is not UTF-8 (it could not
    be stored), or a link to a file outside the folder (only the folder is read).

    `resolved_root` is the folder, already resolved (once for all its files)."""
    try:
        str(path).encode("utf-8")
    except UnicodeEncodeError:
        return Problem(path, 1, 1, "the file name is not valid UTF-8; rename the file")
    try:
        inside = path.resolve().is_relative_to(resolved_root)
    except (OSError, RuntimeError):
        inside = False
    if not inside:
        return Problem(
            path, 1, 1, "the file links outside the deck folder; copy it into the folder instead"
        )
    return None


def read_deck_text(path: Path) -> tuple[str | None, Problem | None]:
    """A deck file's text, or the problem that stops it from being read."""
    try:
        size = path.stat().st_size
        if size > MAX_DECK_BYTES:
            mb = MAX_DECK_BYTES // (1024 * 1024)
            return None, Problem(path, 1, 1, f"file is larger than {mb} MB; split it into decks")
        data = path.read_bytes()
    except OSError as error:
        return None, Problem(path, 1, 1, f"cannot read the file: {error.strerror or error}")
    if b"\x00" in data[:8192]:
        return None, Problem(path, 1, 1, "this is a binary file, not a Markdown deck")
    try:
        return data.decode("utf-8-sig"), None
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        col = error.start - (data.rfind(b"\n", 0, error.start) + 1) + 1
        return None, Problem(path, line, col, "not valid UTF-8; save the file as UTF-8")


def deck_name(path: Path, root: Path | None, own_name: str) -> str:
    """The deck's full name: the folders below the root, then its own name."""
    if root is None:
        return own_name
    parts = list(path.parent.relative_to(root).parts)
    return SEPARATOR.join([*parts, own_name])


#: Parses kept between loads: (file, root) -> (its text, the deck, its problems).
ParseCache = dict[tuple[Path, Path | None], tuple[str, Deck | None, list[Problem]]]


def load_deck(
    path: Path, root: Path | None = None, cache: ParseCache | None = None
) -> tuple[Deck | None, list[Problem]]:
    """Read and parse one deck file; `root` is the folder the deck tree is named from.

    With a `cache`, a file whose text is the same as at its last load is not parsed again
    (the text is compared, not a time stamp: an edit within the file system's clock tick
    still counts).
    """
    text, problem = read_deck_text(path)
    if text is None:
        return None, [problem] if problem else []
    if cache is not None:
        hit = cache.get((path, root))
        if hit is not None and hit[0] == text:
            return hit[1], list(hit[2])
    # Imported here: the study app's start-up needs `builtin_decks_dir`, not the parser.
    from flashcards.parsing import parse_deck

    deck, problems = parse_deck(text, path)
    name = deck_name(path, root, deck.name)
    if name != deck.name:
        deck = replace(deck, name=name)
    if cache is not None:
        cache[path, root] = (text, deck, list(problems))
    return deck, problems


def naming_root(path: Path, name_roots: Sequence[Path]) -> Path | None:
    """The deck folder among `name_roots` that holds `path` (the innermost), if any."""
    target = path.absolute()
    holding = [r for r in name_roots if target.is_relative_to(r.absolute()) and r.is_dir()]
    return max(holding, key=lambda r: len(r.absolute().parts), default=None)


def _named(path: Path, name_roots: Sequence[Path], root: Path | None) -> tuple[Path, Path | None]:
    """A deck file and the folder its deck is named from: the deck folder holding it (both
    made absolute, whatever way the path was given), else the folder it was loaded with."""
    base = naming_root(path, name_roots)
    if base is None:
        return path, root
    return path.absolute(), base.absolute()


def load_decks(
    paths: Sequence[Path],
    progress: Callable[[int, int], None] | None = None,
    cache: ParseCache | None = None,
    name_roots: Sequence[Path] = (),
) -> tuple[list[Deck], list[Problem]]:
    """Load deck files and folders into decks, with every problem found in them.

    A folder is a deck tree: its subfolders become sub-decks (`ml::probability`). A file or
    folder inside one of the `name_roots` (the deck folders: built-in and configured) is
    named from that folder, as when the whole folder is loaded, so a deck keeps its name
    however it is opened. With a `cache` (kept by the caller between loads), only files
    whose text changed are parsed.
    """
    jobs: list[tuple[Path, Path | None]] = []
    problems: list[Problem] = []
    for given in paths:
        path = Path(given)
        if path.is_dir():
            resolved = path.resolve()
            for f in deck_files(path):
                refused = refused_file(f, resolved)
                if refused:
                    problems.append(refused)
                else:
                    jobs.append(_named(f, name_roots, path))
        elif path.is_file():
            jobs.append(_named(path, name_roots, None))
        else:
            problems.append(Problem(path, 1, 1, "no such deck file or folder"))
    decks: list[Deck] = []
    for n, (path, root) in enumerate(jobs, 1):
        deck, found = load_deck(path, root, cache)
        problems.extend(found)
        if deck is not None:
            decks.append(deck)
        if progress is not None:
            progress(n, len(jobs))
    decks, more = check_tree(decks)
    problems.extend(more)
    return decks, problems


def check_tree(decks: Iterable[Deck]) -> tuple[list[Deck], list[Problem]]:
    """Checks across files: images on disk and inside the deck's folder, duplicate notes.

    Notes with a problem are left out of the returned decks.
    """
    problems: list[Problem] = []
    seen: dict[str, tuple[Path, int]] = {}
    kept: list[Deck] = []
    for deck in decks:
        notes = []
        folder = deck.path.parent.resolve()
        for note in deck.notes:
            bad = False
            for image in note.images:
                message = image_problem(image.src, folder)
                if message:
                    problems.append(Problem(deck.path, image.line, 1, message))
                    bad = True
            if note.id in seen:
                where = seen[note.id]
                what = f"duplicate id `{note.id}`" if note.explicit_id else "duplicate card"
                problems.append(
                    Problem(deck.path, note.line, 1, f"{what}: the same as {where[0]}:{where[1]}")
                )
                bad = True
            else:
                seen[note.id] = (deck.path, note.line)
            if not bad:
                notes.append(note)
        kept.append(replace(deck, notes=tuple(notes)) if len(notes) != len(deck.notes) else deck)
    return kept, problems


def image_problem(src: str, folder: Path) -> str | None:
    """Why an image reference cannot be shown, or None when it is a file in the deck folder."""
    if re.match(r"[a-zA-Z][a-zA-Z0-9+.-]*:", src):  # a URL or URI: http:, file:, data:, ...
        return f"image `{src}` is not a local file; put the file next to the deck"
    if os.path.isabs(src) or src.startswith("~"):
        return f"image `{src}` has an absolute path; use a path relative to the deck file"
    target = folder / src
    try:
        resolved = target.resolve()
    except (OSError, RuntimeError):
        return f"image `{src}` cannot be resolved"
    if not resolved.is_relative_to(folder):
        return f"image `{src}` is outside the deck's folder; copy it next to the deck"
    if not resolved.is_file():
        return f"image `{src}` is missing; no such file next to the deck"
    return None


def resolve_image(src: str, deck_path: Path) -> Path | None:
    """The file an image reference names, only when it is inside the deck's folder."""
    folder = deck_path.parent.resolve()
    if image_problem(src, folder) is not None:
        return None
    return (folder / src).resolve()
