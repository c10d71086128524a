"""Parse a generated deck tree of 10,000 cards in 100 files; print the median time.

Usage: python benchmarks/bench_parse.py [--cards 10000] [--files 100] [--repeat 5]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

from collection import save_result, write_deck_tree

KINDS = 8


def card(i: int) -> str:
    """One card of a rotating kind, shaped like the built-in decks."""
    k = i % KINDS
    if k == 0:
        return f"## What does $p(x_{{{i}}} \\mid \\theta)$ say? {{#c{i}}}\n\nThe density of $x_{{{i}}}$ given $\\theta$, card {i}.\n"
    if k == 1:
        return f"Q: What is the log of product number {i}?\nA: The sum of the logs, $\\sum_i \\log x_{{{i}}}$.\n"
    if k == 2:
        return f"Term {i} ::: definition {i} with $\\mathbb{{E}}[x_{{{i}}}]$\n"
    if k == 3:
        return f"C: The derivative {i}: $\\frac{{d}}{{dx}}\\log x = {{{{c1::\\frac{{1}}{{x}}}}}}$ for {{{{c2::$x > {i}$}}}}.\n"
    if k == 4:
        return (
            f"## $\\frac{{d}}{{dx}} x^{{{i}}}$ {{#m{i}}}\n\n```answer\nexpected: {i}*x^{i - 1}\n"
            f"accept:\n  - {i} x^({i} - 1)\nreject:\n  - x^{i - 1}\n```\n\nPower rule.\n"
        )
    if k == 5:
        return f"## Which hold for case {i}?\n\n- [x] right {i}\n- [ ] wrong {i}\n- [x] also right\n\nBecause.\n"
    if k == 6:
        return f"## Name of bound {i}?\n\n```answer\ntext: evidence lower bound {i}\nalternatives: [ELBO {i}]\n```\n"
    return f"log of product {i} :: sum of logs {i}\n"


def generate(root: Path, cards: int, files: int) -> None:
    """The benchmark's deck tree: `files` decks with front matter, cards of every kind."""
    per_file = cards // files
    write_deck_tree(
        root,
        cards,
        files,
        card=lambda f, j: card(f * per_file + j) + "\n---\n",
        header=lambda f: f"---\nname: Deck {f}\ntags: [bench]\n---\n\n",
    )


def tree_arguments(description: str | None) -> argparse.Namespace:
    """The size of the generated tree and the repeat count, from the command line."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--cards", type=int, default=10_000)
    parser.add_argument("--files", type=int, default=100)
    parser.add_argument("--repeat", type=int, default=5)
    return parser.parse_args()


def main() -> int:
    args = tree_arguments(__doc__)

    from markdown_it import MarkdownIt

    from flashcards.decks import load_decks

    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        generate(root, args.cards, args.files)
        load_decks([root])  # warm-up: imports, caches
        times, md_times = [], []
        for _ in range(args.repeat):
            start = time.perf_counter()
            decks, problems = load_decks([root])
            times.append(time.perf_counter() - start)
        assert not problems, problems[:3]
        notes = sum(len(d.notes) for d in decks)
        md = MarkdownIt("commonmark").enable("table")
        texts = [p.read_text() for p in sorted(root.rglob("*.md"))]
        for _ in range(args.repeat):
            start = time.perf_counter()
            for text in texts:
                md.parse(text)
            md_times.append(time.perf_counter() - start)
    result = {
        "cards": notes,
        "files": args.files,
        "parse_tree_s": statistics.median(times),
        "markdown_it_full_parse_s": statistics.median(md_times),
    }
    print(
        f"parse {notes} notes in {args.files} files: {result['parse_tree_s'] * 1000:.0f} ms (median of {args.repeat})"
    )
    print(
        f"markdown-it-py alone, full parse of the same files: {result['markdown_it_full_parse_s'] * 1000:.0f} ms"
    )
    save_result("parse", result)
    return 0


if __name__ == "__main__":
    sys.exit(main())
