"""Export 10,000 cards to an Anki package; print parsing, rendering and writing apart.

The writing step (genanki notes with our cards and schedule, the SQLite collection, the zip,
the rename) is timed side by side with genanki alone writing the same rendered notes in its
usual way (`genanki.Note` + `Package.write_to_file`), alternating runs; the target is a
ratio of at most 1.2.

Usage: python benchmarks/bench_export.py [--cards 10000] [--files 100] [--repeat 5]
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from functools import partial
from pathlib import Path

# the same generated decks, and the same options, as the parse benchmark
from bench_parse import generate, tree_arguments
from collection import save_result


def genanki_alone(rendered, path: Path, stamp: int) -> None:
    """genanki writing the same rendered notes by itself: its Note, its cards, its package."""
    import genanki

    from flashcards.export import _models, deck_id

    models = _models()
    anki_decks = []
    for deck in rendered:
        anki_deck = genanki.Deck(deck_id(deck.name), deck.name, description=deck.description)
        for note in deck.notes:
            anki_deck.add_note(
                genanki.Note(models[note.kind], note.fields, tags=note.tags, guid=note.guid)
            )
        anki_decks.append(anki_deck)
    genanki.Package(anki_decks).write_to_file(str(path), timestamp=stamp)


def main() -> int:
    args = tree_arguments(__doc__)

    from flashcards.decks import load_decks
    from flashcards.export import ExportRecord, assign_guids, render_decks, write_package

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        root = folder / "decks"
        generate(root, args.cards, args.files)
        decks, problems = load_decks([root])  # warm-up: imports, caches
        assert not problems, problems[:3]
        guids = assign_guids(decks, ExportRecord())
        rendered = render_decks(decks, guids, {})  # warm-up
        write_package(rendered, Path(tmp) / "warm.apkg", stamp=1, crt=0)
        genanki_alone(rendered, Path(tmp) / "warm2.apkg", 1)

        parse_s, render_s, ours_s, ours_stored_s, alone_s = [], [], [], [], []
        for i in range(args.repeat):
            start = time.perf_counter()
            decks, _ = load_decks([root])
            parse_s.append(time.perf_counter() - start)

            start = time.perf_counter()
            rendered = render_decks(decks, guids, {})
            render_s.append(time.perf_counter() - start)

            stamp = 1_700_000_000 + i
            runs = [
                (ours_s, partial(write_package, rendered, folder / "ours.apkg", stamp=stamp, crt=0)),
                (
                    ours_stored_s,
                    partial(
                        write_package, rendered, folder / "stored.apkg", stamp=stamp, crt=0,
                        compress=False,
                    ),
                ),
                (alone_s, partial(genanki_alone, rendered, folder / "alone.apkg", stamp)),
            ]  # fmt: skip
            if i % 2:
                runs.reverse()  # alternate the order, so neither side always runs warm
            for times, run in runs:
                start = time.perf_counter()
                run()
                times.append(time.perf_counter() - start)
        notes = sum(len(d.notes) for d in rendered)
        cards = sum(len(n.cards) for d in rendered for n in d.notes)
        sizes = {
            name: (Path(tmp) / f"{name}.apkg").stat().st_size
            for name in ("ours", "stored", "alone")
        }

    med = statistics.median
    result = {
        "notes": notes,
        "cards": cards,
        "files": args.files,
        "repeat": args.repeat,
        "parse_s": med(parse_s),
        "render_s": med(render_s),
        "write_s": med(ours_s),
        "write_uncompressed_s": med(ours_stored_s),
        "genanki_alone_s": med(alone_s),
        "write_vs_genanki": med(ours_s) / med(alone_s),
        "write_uncompressed_vs_genanki": med(ours_stored_s) / med(alone_s),
        "apkg_bytes": sizes["ours"],
        "apkg_uncompressed_bytes": sizes["stored"],
        "genanki_apkg_bytes": sizes["alone"],
    }
    print(
        f"export of {notes} notes ({cards} cards) in {args.files} files, median of {args.repeat}:"
    )
    print(f"  parse decks        {result['parse_s'] * 1000:7.0f} ms")
    print(f"  render Markdown    {result['render_s'] * 1000:7.0f} ms")
    print(
        f"  write .apkg        {result['write_s'] * 1000:7.0f} ms   "
        f"({result['apkg_bytes'] / 1e6:.1f} MB, deflated)"
    )
    print(
        f"  write, no deflate  {result['write_uncompressed_s'] * 1000:7.0f} ms   "
        f"({result['apkg_uncompressed_bytes'] / 1e6:.1f} MB)"
    )
    print(
        f"  genanki alone      {result['genanki_alone_s'] * 1000:7.0f} ms   "
        f"({result['genanki_apkg_bytes'] / 1e6:.1f} MB, stored)"
    )
    print(
        f"  write / genanki    {result['write_vs_genanki']:7.2f}    "
        f"(no deflate: {result['write_uncompressed_vs_genanki']:.2f}; target <= 1.2)"
    )
    save_result("export", result)
    return 0


if __name__ == "__main__":
    sys.exit(main())
