"""Import a generated Anki package of 10,000 notes and 100,000 review-log rows.

The package is written with genanki (Anki's stock Basic and Cloze note types, HTML, MathJax,
tags, 20 decks in a tree), then 100,000 answers are added to its revlog. The whole command,
`flashcards import-apkg FILE --to FOLDER --with-history`, is timed into a fresh folder and
collection each run (target: under 10 s), with its steps timed apart once; `--breakdown`
runs it once more and prints the CPU time of each part of the command.

Usage: python benchmarks/bench_import_apkg.py [--notes 10000] [--reviews 100000] [--repeat 3]
    [--breakdown]
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import os
import random
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
import zipfile
from collections.abc import Iterator
from pathlib import Path

from collection import save_result

#: The parts of the command timed by `--breakdown`: (label, module or class, function).
PARTS = (
    ("read the package (zip, SQLite, note types, decks)", "flashcards.apkg", "read_package"),
    ("convert the notes to Markdown", "flashcards.apkg", "convert_package"),
    ("read the revlog (`read_reviews`)", "flashcards.anki_import", "read_reviews"),
    ("parse the deck files (`load_decks`)", "flashcards.decks", "load_decks"),
    ("write them into the collection (`Store.sync`)", "flashcards.store:Store", "sync"),
    ("the answers logged already (`logged_answers`)", "flashcards.anki_import", "logged_answers"),
    ("plan the answers (`plan_import`)", "flashcards.anki_import", "plan_import"),
    ("replay them through SM-2 (`replay`)", "flashcards.anki_import", "replay"),
    ("write the review log (`Store.import_log`)", "flashcards.store:Store", "import_log"),
    ("write the cards' states (`Store.import_states`)", "flashcards.store:Store", "import_states"),
)


def generate(path: Path, notes: int, reviews: int, seed: int = 7) -> None:
    """Write an Anki package of `notes` notes (1 in 5 a cloze) with `reviews` answers."""
    import genanki

    rng = random.Random(seed)
    basic = genanki.Model(
        1607392319,
        "Basic",
        fields=[{"name": "Front"}, {"name": "Back"}],
        templates=[{"name": "Card 1", "qfmt": "{{Front}}", "afmt": "{{FrontSide}}<hr>{{Back}}"}],
    )
    cloze = genanki.Model(
        1550428389,
        "Cloze",
        model_type=genanki.Model.CLOZE,
        fields=[{"name": "Text"}, {"name": "Back Extra"}],
        templates=[{"name": "Cloze", "qfmt": "{{cloze:Text}}", "afmt": "{{cloze:Text}}"}],
    )
    decks = [genanki.Deck(2_000_000 + i, f"Bench::Part {i // 5}::Deck {i}") for i in range(20)]
    for i in range(notes):
        deck = decks[i % len(decks)]
        tags = [f"topic{i % 7}", "bench"]
        if i % 5 == 4:
            text = (
                rf"Note {i}: \(\log p(x_{{{i}}}) = {{{{c1::\sum_k \log p(x_k) }}}}\)"
                f" and {{{{c2::<b>term {i}</b>::hint}}}}"
            )
            note = genanki.Note(cloze, [text, ""], tags=tags, guid=f"bench{i}")
        elif i % 3 == 0:
            front = f"<div>What is <i>item {i}</i> of \\(\\mathbb{{E}}[X_{{{i}}}]\\)?</div>"
            back = f"<ul><li>the mean</li><li>of {i} &lt; {i + 1}</li></ul>"
            note = genanki.Note(basic, [front, back], tags=tags, guid=f"bench{i}")
        else:
            note = genanki.Note(basic, [f"Question {i}", f"Answer {i}"], tags=tags, guid=f"b{i}")
        deck.add_note(note)
    genanki.Package(decks).write_to_file(str(path), timestamp=1_700_000_000)

    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "collection.anki2"
        with zipfile.ZipFile(path) as z:
            db.write_bytes(z.read("collection.anki2"))
            media = z.read("media")
        conn = sqlite3.connect(db)
        cards = [row[0] for row in conn.execute("SELECT id FROM cards")]
        start_ms = 1_700_000_000_000
        rows = []
        for k in range(reviews):
            when = start_ms + k * 250_000  # every ~4 minutes, about 290 days in all
            rows.append(
                (when, rng.choice(cards), -1, rng.choice((1, 3, 3, 3, 4, 2)), 1, 0, 2500, 6000, 1)
            )
        conn.executemany(
            "INSERT INTO revlog (id, cid, usn, ease, ivl, lastIvl, factor, time, type)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            rows,
        )
        conn.commit()
        conn.close()
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
            z.write(db, "collection.anki2")
            z.writestr("media", media)


@contextlib.contextmanager
def timed_parts(cpu: dict[str, float]) -> Iterator[None]:
    """Add the CPU time spent in each of `PARTS` to `cpu` while the block runs."""
    undo = []
    for label, where, name in PARTS:
        module, _, cls = where.partition(":")
        owner = importlib.import_module(module)
        owner = getattr(owner, cls) if cls else owner
        original = getattr(owner, name)

        def timed(*args, _original=original, _label=label, **kwargs):
            started = time.process_time()
            try:
                return _original(*args, **kwargs)
            finally:
                cpu[_label] = cpu.get(_label, 0.0) + time.process_time() - started

        setattr(owner, name, timed)
        undo.append((owner, name, original))
    try:
        yield
    finally:
        for owner, name, original in undo:
            setattr(owner, name, original)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--notes", type=int, default=10_000)
    parser.add_argument("--reviews", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--breakdown", action="store_true", help="time the parts once more")
    args = parser.parse_args()

    from flashcards.apkg import convert_package, read_package
    from flashcards.cli import main as cli
    from flashcards.config import sqlite_url

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        package = folder / "bench.apkg"
        started = time.perf_counter()
        generate(package, args.notes, args.reviews)
        print(
            f"generated {package.stat().st_size / 1e6:.1f} MB in {time.perf_counter() - started:.1f} s"
        )

        t0 = time.perf_counter()
        read, _ = read_package(package)
        t1 = time.perf_counter()
        conversion = convert_package(read)
        t2 = time.perf_counter()
        steps = {"read the package": t1 - t0, "convert notes to deck files": t2 - t1}
        assert conversion.notes == args.notes, conversion.notes

        totals, cpu = [], []
        for run in range(args.repeat):
            out, db = folder / f"out{run}", folder / f"c{run}.sqlite3"
            argv = ["import-apkg", str(package), "--to", str(out), "--with-history"]
            argv += ["--db", sqlite_url(db)]
            started, started_cpu = time.perf_counter(), time.process_time()
            status = cli(argv)
            totals.append(time.perf_counter() - started)
            cpu.append(time.process_time() - started_cpu)
            assert status == 0, status
            shutil.rmtree(out)
        total = statistics.median(totals)
        parts: dict[str, float] = {}
        if args.breakdown:
            out, db = folder / "parts", folder / "parts.sqlite3"
            argv = ["import-apkg", str(package), "--to", str(out), "--with-history"]
            started_cpu = time.process_time()
            with timed_parts(parts):
                assert cli([*argv, "--db", sqlite_url(db)]) == 0
            whole = time.process_time() - started_cpu
            parts["the rest (checks, writing files, suspensions, imports)"] = whole - sum(
                parts.values()
            )
    print("\n| step | time |\n| --- | ---: |")
    for name, seconds in steps.items():
        print(f"| {name} | {seconds:.2f} s |")
    print(f"| whole command, with history (median of {args.repeat}) | {total:.2f} s |")
    print(f"| its CPU time (median) | {statistics.median(cpu):.2f} s |")
    if parts:
        print("\n| part (one run) | CPU |\n| --- | ---: |")
        for name, seconds in parts.items():
            print(f"| {name} | {seconds:.2f} s |")
        print(f"| whole command | {sum(parts.values()):.2f} s |")
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"\nload average during the runs: {load:.1f}")
    path = save_result(
        "import_apkg",
        {
            "notes": args.notes,
            "reviews": args.reviews,
            "steps_s": steps,
            "total_s": totals,
            "cpu_s": cpu,
            "parts_cpu_s": parts,
        },
    )
    print(f"\nwritten to {path}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
