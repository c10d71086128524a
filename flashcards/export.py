"""Decks -> an Anki package (`.apkg`) that Anki can import again and again without duplicates.

The rendering of a note to Anki fields is pure (`note_fields`); `write_apkg` is the shell that
reads images and the last export stamp, writes the package with genanki and renames it into
place. genanki and markdown-it load inside functions, so importing this module stays light.

What keeps re-export safe (see docs/anki.md): the note-type ids, field names and template
names below never change; a note's guid is its stable id, never a hash of its text; every
export is stamped later than the one before it, since Anki only updates a note from a newer
package.
"""

from __future__ import annotations

import hashlib
import html
import json
import os
import posixpath
import re
import sqlite3
import tempfile
import zipfile
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from flashcards.cards import CardKind, Deck, MathSpec, Note
from flashcards.decks import image_problem
from flashcards.errors import FlashcardsError
from flashcards.macros import expand_macros
from flashcards.mathspans import strip_math_delimiters

if TYPE_CHECKING:
    from flashcards.scheduler import ReviewState

# --- Note types: fixed forever --------------------------------------------------------------
# Anki matches note types by id and then by field and template names; changing any of them
# makes every exported note "conflicting" on the next import. Add new note types, never edit.

BASIC_MODEL_ID = 1964425717
REVERSIBLE_MODEL_ID = 1769207337
CLOZE_MODEL_ID = 1362123408
MATH_MODEL_ID = 1774392831
CHOICE_MODEL_ID = 2098280403
TEXT_MODEL_ID = 1593625268

MODEL_IDS: dict[CardKind, int] = {
    CardKind.BASIC: BASIC_MODEL_ID,
    CardKind.REVERSIBLE: REVERSIBLE_MODEL_ID,
    CardKind.CLOZE: CLOZE_MODEL_ID,
    CardKind.MATH: MATH_MODEL_ID,
    CardKind.CHOICE: CHOICE_MODEL_ID,
    CardKind.TEXT: TEXT_MODEL_ID,
}

MODEL_NAMES: dict[CardKind, str] = {
    CardKind.BASIC: "flashcards: basic",
    CardKind.REVERSIBLE: "flashcards: basic and reversed",
    CardKind.CLOZE: "flashcards: cloze",
    CardKind.MATH: "flashcards: math (type the answer)",
    CardKind.CHOICE: "flashcards: choice",
    CardKind.TEXT: "flashcards: typed text",
}

#: Field names per kind, in order. The last field of each is the flashcards note id.
FIELDS: dict[CardKind, tuple[str, ...]] = {
    CardKind.BASIC: ("Front", "Back", "Id"),
    CardKind.REVERSIBLE: ("Front", "Back", "Id"),
    CardKind.CLOZE: ("Text", "Back Extra", "Id"),
    CardKind.MATH: ("Front", "Answer", "Answer Math", "Declarations", "Back", "Id"),
    CardKind.CHOICE: ("Question", "Options", "Answer", "Back", "Id"),
    CardKind.TEXT: ("Front", "Answer", "Alternatives", "Back", "Id"),
}

_BACK = '<hr id="answer">'

#: (template name, question format, answer format) per kind; card ordinal = template index.
TEMPLATES: dict[CardKind, tuple[tuple[str, str, str], ...]] = {
    CardKind.BASIC: (("Card 1", "{{Front}}", "{{FrontSide}}\n" + _BACK + "\n{{Back}}"),),
    CardKind.REVERSIBLE: (
        ("Card 1", "{{Front}}", "{{FrontSide}}\n" + _BACK + "\n{{Back}}"),
        ("Card 2", "{{Back}}", "{{FrontSide}}\n" + _BACK + "\n{{Front}}"),
    ),
    CardKind.CLOZE: (
        (
            "Cloze",
            "{{cloze:Text}}",
            '{{cloze:Text}}\n{{#Back Extra}}<div class="fc-extra">{{Back Extra}}</div>'
            "{{/Back Extra}}",
        ),
    ),
    CardKind.MATH: (
        (
            "Card 1",
            '{{Front}}\n<div class="fc-type">{{type:Answer}}</div>',
            "{{Front}}\n" + _BACK + '\n<div class="fc-type">{{type:Answer}}</div>\n'
            '<div class="fc-expected">{{Answer Math}}</div>\n'
            '{{#Declarations}}<div class="fc-decl">{{Declarations}}</div>{{/Declarations}}\n'
            '{{#Back}}<div class="fc-explain">{{Back}}</div>{{/Back}}',
        ),
    ),
    CardKind.CHOICE: (
        (
            "Card 1",
            "{{Question}}\n{{Options}}",
            "{{Question}}\n" + _BACK + "\n{{Answer}}\n"
            '{{#Back}}<div class="fc-explain">{{Back}}</div>{{/Back}}',
        ),
    ),
    CardKind.TEXT: (
        (
            "Card 1",
            '{{Front}}\n<div class="fc-type">{{type:Answer}}</div>',
            "{{Front}}\n" + _BACK + '\n<div class="fc-type">{{type:Answer}}</div>\n'
            '{{#Alternatives}}<div class="fc-alt">Also accepted: {{Alternatives}}</div>'
            "{{/Alternatives}}\n"
            '{{#Back}}<div class="fc-explain">{{Back}}</div>{{/Back}}',
        ),
    ),
}

#: One style for every note type, light and dark (Anki adds `.nightMode` in dark mode).
#: Anki never updates a note type's CSS on import, so this is chosen once.
CSS = """\
.card {
  --fc-fg: #1f2328; --fc-bg: #ffffff; --fc-muted: #59636e; --fc-accent: #0969da;
  --fc-code-bg: #f6f8fa; --fc-border: #d1d9e0; --fc-right: #1a7f37; --fc-wrong: #cf222e;
  --fc-right-bg: #dafbe1; --fc-wrong-bg: #ffebe9;
  font-family: -apple-system, BlinkMacSystemFont, "Segoe UI", "Noto Sans", Helvetica, Arial,
    sans-serif;
  font-size: 20px; line-height: 1.5; text-align: left;
  color: var(--fc-fg); background-color: var(--fc-bg);
  max-width: 42em; margin: 0 auto; padding: 0.5em 1em;
}
.card.nightMode, .nightMode .card, .card.night_mode, .night_mode .card {
  --fc-fg: #e6edf3; --fc-bg: #1e1e1e; --fc-muted: #9198a1; --fc-accent: #4493f8;
  --fc-code-bg: #2b2b2b; --fc-border: #3d444d; --fc-right: #3fb950; --fc-wrong: #f85149;
  --fc-right-bg: #12261e; --fc-wrong-bg: #2d1214;
}
.card p { margin: 0.5em 0; }
.card a { color: var(--fc-accent); }
.card hr#answer { border: none; border-top: 1px solid var(--fc-border); margin: 1em 0; }
.card img { max-width: 100%; height: auto; }
.card code {
  font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, "Liberation Mono", monospace;
  font-size: 0.85em; background: var(--fc-code-bg); border-radius: 4px; padding: 0.1em 0.3em;
}
.card pre {
  background: var(--fc-code-bg); border: 1px solid var(--fc-border); border-radius: 6px;
  padding: 0.6em 0.8em; overflow-x: auto; line-height: 1.4;
}
.card pre code { background: none; padding: 0; font-size: 0.8em; }
.card table { border-collapse: collapse; margin: 0.5em 0; }
.card th, .card td { border: 1px solid var(--fc-border); padding: 0.2em 0.6em; }
.card blockquote {
  margin: 0.5em 0; padding-left: 0.8em; border-left: 3px solid var(--fc-border);
  color: var(--fc-muted);
}
.card .fc-math-block { overflow-x: auto; margin: 0.5em 0; }
.card .cloze { font-weight: bold; color: var(--fc-accent); }
.card .fc-extra, .card .fc-explain {
  margin-top: 0.8em; padding-top: 0.4em; border-top: 1px dashed var(--fc-border);
}
.card .fc-expected { margin: 0.6em 0; font-size: 1.1em; }
.card .fc-decl, .card .fc-alt, .card .fc-hint { color: var(--fc-muted); font-size: 0.85em; }
.card .fc-decl ul { margin: 0.2em 0; padding-left: 1.2em; }
.card ul.fc-options { list-style: none; padding-left: 0; }
.card ul.fc-options li {
  margin: 0.3em 0; padding: 0.2em 0.5em; border: 1px solid var(--fc-border); border-radius: 6px;
}
.card ul.fc-options li.fc-right {
  border-color: var(--fc-right); background: var(--fc-right-bg); color: var(--fc-fg);
}
.card ul.fc-options li.fc-wrong { color: var(--fc-muted); }
.card .fc-mark { display: inline-block; width: 1.4em; font-weight: bold; }
.card li.fc-right .fc-mark { color: var(--fc-right); }
.card li.fc-wrong .fc-mark { color: var(--fc-wrong); }
.card .fc-type { margin: 0.8em 0; }
.card input#typeans, .card #typeans {
  font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 0.9em;
  width: 100%; box-sizing: border-box; padding: 0.3em; color: var(--fc-fg);
  background: var(--fc-code-bg); border: 1px solid var(--fc-border); border-radius: 4px;
}
.card .typeGood { color: var(--fc-right); background: var(--fc-right-bg); }
.card .typeBad { color: var(--fc-wrong); background: var(--fc-wrong-bg); }
.card .typeMissed { color: var(--fc-muted); background: var(--fc-code-bg); }
"""


# --- Pure core: notes -> fields ---------------------------------------------------------------


class ExportError(FlashcardsError):
    """An export that cannot be written; nothing is left at the target path."""


@dataclass(frozen=True, slots=True)
class ExportReport:
    """What one export wrote."""

    path: Path
    decks: int
    notes: int
    cards: int
    media: int
    #: The stamp (seconds since the epoch) given to every note of the package.
    stamp: int
    #: Notes per card kind, e.g. (("basic", 12), ("cloze", 3)).
    kinds: tuple[tuple[str, int], ...]
    #: Cards written with their study progress (0 without --with-progress).
    scheduled: int = 0


@dataclass(frozen=True, slots=True)
class AnkiSchedule:
    """The scheduling columns of one Anki card (a review card in days since `day_zero`)."""

    ctype: int  # 0 new, 2 review
    queue: int  # 0 new, 2 review
    due: int  # days since the package's day zero (review); position (new)
    ivl: int  # days
    factor: int  # ease in permille (2500 is 2.5)
    reps: int
    lapses: int


NEW_CARD = AnkiSchedule(0, 0, 0, 0, 0, 0, 0)


def anki_guid(note: Note) -> str:
    """The note's guid in Anki when it has no history: its stable id.

    A note imported from Anki keeps the guid it had there (see `flashcards.guids`).
    """
    from flashcards.guids import guid_for_note_id

    return guid_for_note_id(note.id)


@dataclass(frozen=True, slots=True)
class ExportedNote:
    """What the last export recorded of a note whose id is a content hash."""

    guid: str
    kind: str
    deck: str
    front: str
    back: str


@dataclass(frozen=True, slots=True)
class ExportRecord:
    """Kept between exports: the last stamp, and the guids hash-id notes were exported under."""

    stamp: int | None = None
    #: note id -> what was exported; only notes without an explicit id.
    notes: tuple[tuple[str, ExportedNote], ...] = ()


def assign_guids(decks: Sequence[Deck], record: ExportRecord) -> dict[str, str]:
    """Each note's guid: the one it was exported under before, else its id.

    A note with an explicit id keeps it whatever changes. A hash id changes when the note is
    edited; then the edited note takes the guid of the most similar note of the same kind that
    vanished from the same decks since the last export (the rule sync uses to keep history), so
    Anki updates that note instead of adding a copy.
    """
    from flashcards.syncplan import NoteRecord, StoredNote, match_vanished

    previous = dict(record.notes)
    names = {deck.name for deck in decks}
    guids: dict[str, str] = {}
    appeared: list[NoteRecord] = []
    for deck in decks:
        for note in deck.notes:
            if note.id in previous:
                guids[note.id] = previous[note.id].guid
            elif note.explicit_id:
                guids[note.id] = anki_guid(note)
            else:
                appeared.append(
                    NoteRecord(note.id, note.kind.value, note.front, note.back, "", False, ())
                )
    used = set(guids.values())
    vanished = [
        StoredNote(old_id, e.kind, e.front, e.back, "", False, (), ())
        for old_id, e in previous.items()
        if e.deck in names and old_id not in guids and e.guid not in used
    ]
    by_old = {old_id: e.guid for old_id, e in previous.items()}
    for old_id, new_id in match_vanished(vanished, appeared) if vanished and appeared else ():
        guids[new_id] = by_old[old_id]
    for new in appeared:
        guids.setdefault(new.id, new.id)
    # Two notes never share a guid: a note whose inherited guid is taken keeps its own id.
    owner: dict[str, str] = {}
    for note_id, guid in list(guids.items()):
        if owner.setdefault(guid, note_id) != note_id:
            guids[note_id] = note_id
    return guids


def next_record(
    decks: Sequence[Deck], guids: Mapping[str, str], record: ExportRecord, stamp: int
) -> ExportRecord:
    """The record after an export: its stamp, and the hash-id notes of every deck exported.

    Notes of decks not in this export are kept as they were, so a partial export forgets
    nothing.
    """
    names = {deck.name for deck in decks}
    notes = {note_id: e for note_id, e in record.notes if e.deck not in names}
    for deck in decks:
        for note in deck.notes:
            if not note.explicit_id:
                notes[note.id] = ExportedNote(
                    guids[note.id], note.kind.value, deck.name, note.front, note.back
                )
    return ExportRecord(stamp, tuple(sorted(notes.items())))


_UNSAFE_IN_TAG = re.compile(r"[\x00-\x1f\x7f-\x9f<>&\"']")


def anki_tags(note: Note, deck: Deck) -> list[str]:
    """Deck tags then note tags, spaces replaced (Anki tags cannot hold spaces), no repeats."""
    tags: dict[str, None] = {}
    for tag in (*deck.tags, *note.tags):
        # a template may show {{Tags}} as HTML: no markup or control characters from decks
        clean = "_".join(_UNSAFE_IN_TAG.sub("", tag).split())
        if clean:
            tags.setdefault(clean)
    return list(tags)


def anki_ordinal(kind: CardKind, ordinal: int) -> int:
    """Anki's card ordinal (template or cloze index) for a flashcards card ordinal."""
    return ordinal - 1 if kind is CardKind.CLOZE else ordinal


def deck_id(name: str) -> int:
    """A stable Anki deck id from the deck's name (Anki itself matches decks by name)."""
    return (1 << 30) + int(hashlib.sha1(name.encode()).hexdigest()[:12], 16) % (1 << 40)


def media_name(src: str, digest: str) -> str:
    """The unique name an image gets in the package: its stem, a content digest, its suffix."""
    base = posixpath.basename(src.replace("\\", "/")) or "image"
    stem, dot, suffix = base.rpartition(".")
    if not dot:
        stem, suffix = base, ""
    stem = re.sub(r"[^A-Za-z0-9_-]+", "-", stem).strip("-")[:40] or "image"
    suffix = re.sub(r"[^A-Za-z0-9]+", "", suffix)[:8].lower()
    return f"{stem}-{digest[:12]}" + (f".{suffix}" if suffix else "")


def next_stamp(now: float, last: int | None) -> int:
    """The stamp for a new export: now, but always at least a second after the last one."""
    return int(now) if last is None else max(int(now), last + 1)


def day_zero(now: datetime, rollover_hour: int = 4) -> datetime:
    """The start of Anki's current day (it rolls over at 4 am local time): the package's `crt`.

    `now` must carry its time zone. Anki counts a review card's due date in days from its
    collection's creation; giving the package this creation time makes "today" day 0.
    """
    start = now.replace(hour=rollover_hour, minute=0, second=0, microsecond=0)
    return start if start <= now else start - timedelta(days=1)


def anki_schedule(state: ReviewState | None, anki_today: date) -> AnkiSchedule:
    """Anki's card columns for an SM-2 `ReviewState`; a new card stays new."""
    if state is None or state.due is None:
        return NEW_CARD
    return AnkiSchedule(
        ctype=2,
        queue=2,
        due=(state.due - anki_today).days,
        ivl=max(1, state.interval_days),
        factor=state.ease_pct * 10,
        reps=max(state.repetitions, 1),
        lapses=state.lapses,
    )


# Markdown -> HTML


def _math_html(content: str, display: bool, macros: Mapping[str, str] | None) -> str:
    """MathJax source: `\\(…\\)` or `\\[…\\]`, macros expanded, `<` `>` `&` escaped."""
    body = html.escape(expand_macros(content.strip(), macros), quote=False)
    if display:
        return f'<div class="fc-math-block">\\[{body}\\]</div>'
    return f"\\({body}\\)"


@lru_cache(maxsize=1)
def _markdown() -> Any:
    """The Markdown renderer: CommonMark, tables, strikethrough, `$` math; raw HTML escaped."""
    from markdown_it import MarkdownIt
    from mdit_py_plugins.dollarmath import dollarmath_plugin

    md = MarkdownIt("commonmark", {"html": False, "maxNesting": 100})
    md.enable(["table", "strikethrough"])
    md.use(dollarmath_plugin, allow_labels=False, double_inline=True)

    def math_inline(self: Any, tokens: Any, idx: int, options: Any, env: Any) -> str:
        return _math_html(tokens[idx].content, False, env.get("macros"))

    def math_display(self: Any, tokens: Any, idx: int, options: Any, env: Any) -> str:
        return _math_html(tokens[idx].content, True, env.get("macros"))

    def image(self: Any, tokens: Any, idx: int, options: Any, env: Any) -> str:
        token = tokens[idx]
        src = str(token.attrGet("src") or "")
        name = env.get("media", {}).get(src, src)
        alt = self.renderInlineAsText(token.children or [], options, env)
        return f'<img src="{html.escape(name)}" alt="{html.escape(alt)}">'

    def fence(self: Any, tokens: Any, idx: int, options: Any, env: Any) -> str:
        token = tokens[idx]
        lang = token.info.strip().split()[0] if token.info.strip() else ""
        cls = f' class="language-{html.escape(lang)}"' if lang else ""
        return f'<pre class="fc-code"><code{cls}>{html.escape(token.content, quote=False)}</code></pre>\n'

    md.add_render_rule("math_inline", math_inline)
    md.add_render_rule("math_inline_double", math_display)
    md.add_render_rule("math_block", math_display)
    md.add_render_rule("image", image)
    md.add_render_rule("fence", fence)
    md.add_render_rule("code_block", fence)
    return md


def render_markdown(
    text: str, macros: Mapping[str, str] | None = None, media: Mapping[str, str] | None = None
) -> str:
    """Markdown -> HTML for an Anki field: math for MathJax, raw HTML escaped, images renamed.

    Args:
        media: image src as written -> its name in the package.
    """
    if not text.strip():
        return ""
    env = {"macros": macros or {}, "media": media or {}}
    return _markdown().render(text, env).strip()


def render_inline(
    text: str, macros: Mapping[str, str] | None = None, media: Mapping[str, str] | None = None
) -> str:
    """One line of Markdown -> inline HTML (no paragraph), for options and short answers."""
    if not text.strip():
        return ""
    return _markdown().renderInline(text, {"macros": macros or {}, "media": media or {}}).strip()


def anki_cloze_text(text: str) -> str:
    """The cloze text with every deletion inside math closed as ` }}`.

    In math, a deletion often ends in `}` (`\\frac{a}{b}`) and Anki would read `}}}` as the end
    of the deletion one brace early; a space before the closing braces is harmless in TeX.
    """
    from flashcards.cloze import find_clozes

    out: list[str] = []
    pos = 0
    for cloze in find_clozes(text):
        if not cloze.in_math:
            continue
        inner = cloze.content if cloze.hint is None else f"{cloze.content}::{cloze.hint}"
        out.append(text[pos : cloze.start])
        out.append(f"{{{{c{cloze.number}::{inner} }}}}")
        pos = cloze.end
    out.append(text[pos:])
    return "".join(out)


def image_sources(note: Note) -> list[str]:
    """Every image src a note shows, as written: the parser's list and any in its Markdown."""
    found: dict[str, None] = {image.src: None for image in note.images}
    texts = [note.front, note.back, *(c.text for c in note.choices)]
    for text in texts:
        if "![" not in text:
            continue
        for token in _markdown().parse(text):
            for child in token.children or ():
                if child.type == "image":
                    found.setdefault(str(child.attrGet("src") or ""))
    return [src for src in found if src]


def _looks_like_latex(expr: str) -> bool:
    return "\\" in expr or "{" in expr or expr.strip().startswith("$")


def math_answer_html(expr: str, macros: Mapping[str, str] | None) -> str:
    """The expected answer as shown on the back: MathJax for LaTeX, code for plain notation."""
    if _looks_like_latex(expr):
        return _math_html(strip_math_delimiters(expr), False, macros)
    return f"<code>{html.escape(expr.strip(), quote=False)}</code>"


_MODE_TEXT = {
    "equation": "Answer with an equation.",
    "antiderivative": "Any antiderivative is right, up to a constant; where the answer writes "
    "+ C, type the constant of integration too.",
    "any_antiderivative": "Any antiderivative is right (up to a constant).",
    "set": "Answer with a set; the order does not matter.",
    "list": "Answer with a list, in order.",
}


def declarations_html(spec: MathSpec) -> str:
    """The definitions, assumptions and answer rules of a math card, as an HTML list."""
    items: list[str] = []

    def code(values: Sequence[str]) -> str:
        return ", ".join(f"<code>{html.escape(v, quote=False)}</code>" for v in values)

    if spec.definitions:
        items.append("Where " + code(spec.definitions))
    if spec.assumptions:
        items.append("Assuming " + code(spec.assumptions))
    if spec.names:
        items.append("Names " + code(spec.names))
    if spec.mode in _MODE_TEXT:
        items.append(_MODE_TEXT[spec.mode])
    if spec.form:
        items.append(f"Give the answer in {html.escape(spec.form)} form.")
    tolerances = [
        f"{name} {value:g}"
        for name, value in (("relative", spec.rel_tol), ("absolute", spec.abs_tol))
        if value is not None
    ]
    if tolerances:
        items.append("Decimals within " + " or ".join(tolerances) + ".")
    if spec.sig_figs is not None:
        figures = "figure" if spec.sig_figs == 1 else "figures"
        items.append(f"Give the number to {spec.sig_figs} significant {figures}.")
    if not items:
        return ""
    return "<ul>" + "".join(f"<li>{item}</li>" for item in items) + "</ul>"


def _options_html(
    note: Note, macros: Mapping[str, str], media: Mapping[str, str] | None, reveal: bool
) -> str:
    """A choice card's options: plain on the front; right ones marked on the back."""
    rows: list[str] = []
    for choice in note.choices:
        text = render_inline(choice.text, macros, media)
        if not reveal:
            rows.append(f'<li><span class="fc-mark">&#9744;</span>{text}</li>')
        elif choice.correct:
            rows.append(f'<li class="fc-right"><span class="fc-mark">&#10003;</span>{text}</li>')
        else:
            rows.append(f'<li class="fc-wrong"><span class="fc-mark">&#10007;</span>{text}</li>')
    right = sum(c.correct for c in note.choices)
    hint = ""
    if not reveal:
        what = "one answer" if right == 1 else f"{right} answers"
        hint = f'<div class="fc-hint">Choose {what}.</div>'
    return hint + '<ul class="fc-options">' + "".join(rows) + "</ul>"


def note_fields(note: Note, deck: Deck, media: Mapping[str, str] | None = None) -> list[str]:
    """The HTML fields of a note for its Anki note type (`FIELDS[note.kind]`), in order.

    Args:
        media: image src as written -> its name in the package (from `write_apkg`).
    """
    macros = deck.macro_map
    kind = note.kind

    def md(text: str) -> str:
        return render_markdown(text, macros, media)

    if kind in (CardKind.BASIC, CardKind.REVERSIBLE):
        return [md(note.front), md(note.back), note.id]
    if kind is CardKind.CLOZE:
        return [md(anki_cloze_text(note.front)), md(note.back), note.id]
    if kind is CardKind.MATH:
        spec = note.math or MathSpec(expected="")
        answer = html.escape(strip_math_delimiters(spec.expected), quote=False)
        shown = math_answer_html(spec.expected, macros) if spec.expected.strip() else ""
        return [md(note.front), answer, shown, declarations_html(spec), md(note.back), note.id]
    if kind is CardKind.CHOICE:
        return [
            md(note.front),
            _options_html(note, macros, media, reveal=False),
            _options_html(note, macros, media, reveal=True),
            md(note.back),
            note.id,
        ]
    if kind is CardKind.TEXT:
        answer = note.text.answer if note.text else ""
        alternatives = note.text.alternatives if note.text else ()
        return [
            md(note.front),
            html.escape(answer, quote=False),
            ", ".join(html.escape(a, quote=False) for a in alternatives),
            md(note.back),
            note.id,
        ]
    raise ValueError(f"unknown card kind {kind!r}")


# --- Shell: files, genanki -------------------------------------------------------------------


def _models() -> dict[CardKind, Any]:
    """The genanki note types, one per card kind."""
    import genanki

    models = {}
    for kind, model_id in MODEL_IDS.items():
        models[kind] = genanki.Model(
            model_id,
            MODEL_NAMES[kind],
            fields=[{"name": name} for name in FIELDS[kind]],
            templates=[{"name": n, "qfmt": q, "afmt": a} for n, q, a in TEMPLATES[kind]],
            css=CSS,
            model_type=genanki.Model.CLOZE if kind is CardKind.CLOZE else genanki.Model.FRONT_BACK,
        )
    return models


@lru_cache(maxsize=1)
def _genanki_classes() -> tuple[type, type]:
    """A genanki Note whose cards are given (not guessed from templates), and its Card that
    carries Anki's scheduling columns."""
    import genanki

    class ScheduledCard(genanki.Card):  # type: ignore[misc]
        def __init__(self, ord: int, schedule: AnkiSchedule) -> None:
            super().__init__(ord)
            self.schedule = schedule

        def write_to_db(
            self,
            cursor: Any,
            timestamp: float,
            deck_id: int,
            note_id: int,
            id_gen: Any,
            due: int = 0,
        ) -> None:
            s = self.schedule
            cursor.execute(
                "INSERT INTO cards VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?);",
                (next(id_gen), note_id, deck_id, self.ord, int(timestamp), -1, s.ctype, s.queue,
                 s.due if s.ctype else due, s.ivl, s.factor, s.reps, s.lapses, 0, 0, 0, 0, ""),
            )  # fmt: skip

    class ExportNote(genanki.Note):  # type: ignore[misc]
        def __init__(self, model: Any, fields: list[str], tags: list[str], guid: str,
                     cards: list[Any], due: int) -> None:  # fmt: skip
            super().__init__(model=model, fields=fields, tags=tags, guid=guid, due=due)
            self.__dict__["cards"] = cards  # genanki's `cards` is a cached property

    return ExportNote, ScheduledCard


def read_record(path: Path) -> ExportRecord:
    """The record of the last export kept in `path`; an empty one when there is none."""
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return ExportRecord()
    if not isinstance(doc, dict):
        return ExportRecord()
    stamp = doc.get("stamp")
    notes = []
    for note_id, fields in (doc.get("notes") or {}).items():
        try:
            notes.append((str(note_id), ExportedNote(*(str(f) for f in fields))))
        except TypeError:
            continue  # an entry written by another version: forget it
    return ExportRecord(stamp if isinstance(stamp, int) else None, tuple(notes))


def save_record(path: Path, record: ExportRecord) -> None:
    """Keep `record` in `path` (written whole, then renamed into place)."""
    doc = {
        "stamp": record.stamp,
        "notes": {
            note_id: [e.guid, e.kind, e.deck, e.front, e.back] for note_id, e in record.notes
        },
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            json.dump(doc, out, ensure_ascii=False)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def guid_map(path: Path) -> dict[str, str]:
    """guid -> current note id, for the hash-id notes exported under an older id."""
    return {e.guid: note_id for note_id, e in read_record(path).notes if e.guid != note_id}


def collect_media(
    decks: Sequence[Deck],
) -> tuple[dict[str, dict[str, str]], dict[str, Path]]:
    """Find, check and name every image of the decks.

    Returns deck name -> (src -> packaged name), and packaged name -> file. Raises ExportError
    for an image that is missing or not inside its deck's folder (symlinks are resolved first).
    """
    names: dict[str, dict[str, str]] = {}
    files: dict[str, Path] = {}
    for deck in decks:
        folder = deck.path.parent.resolve()
        deck_names = names.setdefault(deck.name, {})
        for note in deck.notes:
            for src in image_sources(note):
                if src in deck_names:
                    continue
                where = f"{deck.path}:{note.line}"
                # the same rule the deck loader and the study screen apply
                problem = image_problem(src, folder)
                if problem is not None:
                    raise ExportError(f"{where}: {problem}")
                path = (folder / src).resolve()
                try:
                    data = path.read_bytes()
                except OSError as error:
                    raise ExportError(
                        f"{where}: image `{src}` cannot be read: {error.strerror or error}"
                    ) from None
                name = media_name(src, hashlib.sha1(data).hexdigest())
                deck_names[src] = name
                files[name] = path
    return names, files


def _check_unique_ids(decks: Sequence[Deck]) -> None:
    """Refuse two notes with one id: they would be one Anki note (the guid is the id)."""
    seen: dict[str, tuple[Path, int]] = {}
    for deck in decks:
        for note in deck.notes:
            where = seen.setdefault(note.id, (deck.path, note.line))
            if where != (deck.path, note.line):
                raise ExportError(
                    f"{deck.path}:{note.line}: note id `{note.id}` is also used at "
                    f"{where[0]}:{where[1]}; give one of the notes another id"
                )


@dataclass(frozen=True, slots=True)
class RenderedNote:
    """A note ready for the package: its note type, fields, tags, guid and cards."""

    kind: CardKind
    fields: list[str]
    tags: list[str]
    guid: str
    #: (Anki ordinal, schedule) per card.
    cards: tuple[tuple[int, AnkiSchedule], ...]


@dataclass(frozen=True, slots=True)
class RenderedDeck:
    """A deck ready for the package."""

    name: str
    description: str
    notes: tuple[RenderedNote, ...]


def render_decks(
    decks: Sequence[Deck],
    guids: Mapping[str, str],
    media_names: Mapping[str, Mapping[str, str]],
    *,
    states: Mapping[str, ReviewState] | None = None,
    anki_today: date | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> list[RenderedDeck]:
    """Every note rendered to its Anki fields, tags, guid and cards (pure).

    Args:
        guids: note id -> guid (`assign_guids`).
        media_names: deck name -> (image src -> packaged name) (`collect_media`).
        states: card id -> SM-2 state, for an export with progress; `anki_today` then is the
            study day of the package's day zero.
    """
    total = sum(len(deck.notes) for deck in decks)
    done = 0
    out = []
    for deck in decks:
        media = media_names.get(deck.name, {})
        notes = []
        for note in deck.notes:
            cards = []
            for card in note.cards:
                state = states.get(card.id) if states else None
                schedule = NEW_CARD
                if state is not None and anki_today is not None:
                    schedule = anki_schedule(state, anki_today)
                cards.append((anki_ordinal(note.kind, card.ordinal), schedule))
            notes.append(
                RenderedNote(
                    note.kind,
                    note_fields(note, deck, media),
                    anki_tags(note, deck),
                    guids.get(note.id, note.id),
                    tuple(cards),
                )
            )
            done += 1
            if progress is not None:
                progress(done, total)
        description = render_markdown(deck.description, deck.macro_map)
        out.append(RenderedDeck(deck.name, description, tuple(notes)))
    return out


def write_package(
    rendered: Sequence[RenderedDeck],
    path: Path,
    *,
    stamp: int,
    crt: int,
    media_files: Mapping[str, Path] | None = None,
    compress: bool = True,
) -> None:
    """Write rendered decks with genanki to `path` (a temporary file renamed into place)."""
    import genanki

    models = _models()
    note_class, card_class = _genanki_classes()
    anki_decks = []
    for deck in rendered:
        anki_deck = genanki.Deck(deck_id(deck.name), deck.name, description=deck.description)
        for position, note in enumerate(deck.notes):
            cards = [card_class(ordinal, schedule) for ordinal, schedule in note.cards]
            anki_deck.add_note(
                note_class(models[note.kind], note.fields, note.tags, note.guid, cards, position)
            )
        anki_decks.append(anki_deck)
    media_files = media_files or {}
    package = genanki.Package(anki_decks, media_files=list(media_files.values()))
    _write_package(package, Path(path), stamp, crt, media_files, compress)


def write_apkg(
    decks: Sequence[Deck],
    path: Path,
    *,
    stamp_file: Path | None = None,
    now: datetime | None = None,
    progress: Callable[[int, int], None] | None = None,
    states: Mapping[str, ReviewState] | None = None,
) -> ExportReport:
    """Write `decks` to the Anki package `path`, whole or not at all.

    Args:
        stamp_file: keeps the last export's stamp and the guids of hash-id notes (an
            `ExportRecord`); read before writing and updated after.
        now: the current time (time-zone aware); the clock by default.
        progress: called with (notes done, notes in all) while rendering.
        states: card id -> SM-2 `ReviewState`; given, cards carry their schedule into Anki.
    """
    path = Path(path)
    now = now or datetime.now().astimezone()
    if now.tzinfo is None:
        now = now.astimezone()
    record = read_record(stamp_file) if stamp_file is not None else ExportRecord()
    stamp = next_stamp(now.timestamp(), record.stamp)
    zero = day_zero(now)

    _check_unique_ids(decks)
    media_names, media_files = collect_media(decks)
    guids = assign_guids(decks, record)
    rendered = render_decks(
        decks, guids, media_names, states=states, anki_today=zero.date(), progress=progress
    )
    write_package(
        rendered,
        path,
        stamp=stamp,
        crt=int(zero.timestamp()),
        media_files=media_files,
    )
    if stamp_file is not None:
        save_record(stamp_file, next_record(decks, guids, record, stamp))
    kinds: dict[str, int] = {}
    for deck in decks:
        for note in deck.notes:
            kinds[note.kind.value] = kinds.get(note.kind.value, 0) + 1
    notes = [note for deck in rendered for note in deck.notes]
    return ExportReport(
        path=path,
        decks=len(decks),
        notes=len(notes),
        cards=sum(len(note.cards) for note in notes),
        media=len(media_files),
        stamp=stamp,
        kinds=tuple(sorted(kinds.items())),
        scheduled=sum(s is not NEW_CARD for note in notes for _, s in note.cards),
    )


def _write_package(
    package: Any, path: Path, stamp: int, crt: int, media: Mapping[str, Path], compress: bool
) -> None:
    """Write the package to a temporary file beside `path`, then rename it into place."""
    import itertools

    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise ExportError(f"cannot write {path}: no such folder {folder}")
    try:
        fd, tmp_name = tempfile.mkstemp(dir=folder, prefix=f".{path.name}.", suffix=".tmp")
    except OSError as error:
        raise ExportError(f"cannot write {path}: {error.strerror or error}") from None
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        conn = sqlite3.connect(":memory:")
        try:
            cursor = conn.cursor()
            package.write_to_db(cursor, stamp, itertools.count(stamp * 1000))
            # Day zero of the package's collection is the start of today, so a review card's
            # `due` counts days from today (Anki shifts it into the importing collection).
            cursor.execute("UPDATE col SET crt = ?, mod = ?", (crt, stamp * 1000))
            conn.commit()
            data = conn.serialize()
        finally:
            conn.close()
        method = zipfile.ZIP_DEFLATED if compress else zipfile.ZIP_STORED
        with zipfile.ZipFile(tmp, "w", method, compresslevel=1) as z:
            z.writestr("collection.anki2", data)
            z.writestr("media", json.dumps({str(i): name for i, name in enumerate(media)}))
            for i, file in enumerate(media.values()):
                z.write(file, str(i))
        # mkstemp makes the file private; a package is an ordinary document
        os.chmod(tmp, path.stat().st_mode & 0o777 if path.exists() else 0o644)
        os.replace(tmp, path)
    except OSError as error:
        tmp.unlink(missing_ok=True)
        raise ExportError(f"cannot write {path}: {error.strerror or error}") from None
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
