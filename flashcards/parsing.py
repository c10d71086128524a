"""Deck files -> notes: `parse_deck(text, path)` walks markdown-it's block tokens.

Pure: no I/O, no database, no clock. Every problem of a file is collected in one pass and
the good cards are still returned. The Markdown of each side is kept as its source text
(sliced by line from the file), so what the learner wrote is what every renderer sees.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path
from typing import Any

from flashcards.cards import (
    ANSWER_FORMS,
    ANSWER_MODES,
    CardKind,
    Choice,
    Deck,
    ImageRef,
    MathSpec,
    Note,
    TextSpec,
)
from flashcards.cloze import ClozeError, find_clozes
from flashcards.errors import Problem
from flashcards.identity import content_id
from flashcards.mathspans import math_spans, strip_math_delimiters
from flashcards.slips import CLOZE_TYPO, cloze_typos, latex_outside_math

#: Options of a choice card are picked with the letters a-z.
MAX_CHOICES = 26

LIST_KEYS = ("define", "assume", "names", "accept", "reject", "alternatives")
SCALAR_KEYS = ("expected", "mode", "form", "rel_tol", "abs_tol", "sig_figs", "text")
ANSWER_KEYS = SCALAR_KEYS[:6] + ("define", "assume", "names", "accept", "reject")
TEXT_KEYS = ("text", "alternatives")
FRONT_MATTER_KEYS = ("name", "description", "sources", "tags", "macros", "defaults")

_ATTRS = re.compile(r"[ \t]*\{([^{}]*)\}[ \t]*$")
_ATTR_TOKEN = re.compile(r"#([A-Za-z0-9][A-Za-z0-9_-]*)|\.([^\s.#=]+)|(reverse)|([A-Za-z_]+)=(\S+)")
_TASK_ITEM = re.compile(r"^( {0,3})([-*+])[ \t]+\[([ xX])\](?:[ \t]+(.*))?$")
_LIST_ITEM = re.compile(r"^ {0,3}(?:[-*+]|\d{1,9}[.)])(?:[ \t]|$)")
_IMAGE = re.compile(r"!\[([^\]]*)\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
_CLOZE_START = re.compile(r"\{\{c\d+::")
_MACRO_NAME = re.compile(r"^\\[A-Za-z]+$")


@lru_cache(maxsize=1)
def _markdown() -> Any:
    """The block-level Markdown parser, built once (inline parsing is not needed here)."""
    from markdown_it import MarkdownIt
    from mdit_py_plugins.front_matter import front_matter_plugin

    md = MarkdownIt("commonmark", {"maxNesting": 100}).enable("table")
    md.use(front_matter_plugin)
    md.disable(["inline", "text_join"])
    return md


@dataclass(slots=True)
class Block:
    """A top-level Markdown block: its kind, 0-based line span [start, end) and details."""

    kind: str  # heading, paragraph, list, fence, code, hr, html, comment, table, quote, front
    start: int
    end: int
    level: int = 0
    text: str = ""  # heading text, fence info or front-matter YAML


@dataclass(slots=True)
class Attrs:
    """What an attribute list `{#id .tag reverse}` at the end of a first line says."""

    id: str | None = None
    tags: tuple[str, ...] = ()
    reverse: bool = False


def split_attrs(line: str) -> tuple[str, Attrs | None]:
    """Split a trailing attribute list off a line; None when there is none."""
    m = _ATTRS.search(line)
    if not m or not m.group(1).strip():
        return line, None
    attrs = Attrs()
    tags: list[str] = []
    for word in m.group(1).split():
        t = _ATTR_TOKEN.fullmatch(word)
        if not t:
            return line, None  # not an attribute list, e.g. a LaTeX group
        if t.group(1):
            attrs.id = t.group(1)
        elif t.group(2):
            tags.append(t.group(2))
        elif t.group(3):
            attrs.reverse = True
        elif t.group(4) == "tags":
            tags.extend(x for x in t.group(5).strip("\"'").split(",") if x)
        else:
            return line, None
    attrs.tags = tuple(tags)
    return line[: m.start()], attrs


def _mask_spans(line: str) -> str:
    """The line with code spans, math and clozes blanked out, to look for `::` safely."""
    out = list(line)

    def blank(a: int, b: int) -> None:
        for k in range(a, min(b, len(out))):
            out[k] = " "

    try:
        for cloze in find_clozes(line):
            blank(cloze.start, cloze.end)
    except ClozeError:
        pass
    for m in re.finditer(r"`+[^`]*`+|\$\$.*?\$\$|\$[^$]*\$", "".join(out)):
        blank(m.start(), m.end())
    return "".join(out)


def _separator(line: str) -> tuple[int, int] | None:
    """Where an Obsidian-style `front :: back` or `front ::: back` separator is."""
    masked = _mask_spans(line)
    m = re.search(r":{2,3}", masked)
    if not m or m.group(0) == "::::" or masked[m.end() : m.end() + 1] == ":":
        return None
    return m.start(), m.end()


@dataclass
class _Builder:
    """Collects the notes and problems of one file while its blocks are walked."""

    path: Path
    lines: list[str]
    deck_tags: tuple[str, ...] = ()
    defaults: dict[str, Any] = field(default_factory=dict)
    notes: list[Note] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    seen: dict[str, int] = field(default_factory=dict)

    def problem(self, line0: int, message: str, col: int = 1, *, warning: bool = False) -> None:
        line = max(1, min(line0 + 1, max(len(self.lines), 1)))
        self.problems.append(Problem(self.path, line, max(col, 1), message, warning))

    def source(self, blocks: list[Block]) -> str:
        """The Markdown source of blocks, each as written, separated by blank lines."""
        return "\n\n".join(
            "\n".join(self.lines[x.start : x.end]).strip("\n")
            for x in blocks
            if x.kind != "comment"
        )

    def check_math(self, text: str, first_line: int) -> None:
        """Report unterminated `$` math, likely cloze typos and LaTeX outside math, paragraph
        by paragraph (math never spans two). All are warnings: the text still makes its card."""
        for para, line0 in _paragraphs(text, first_line):
            at = math_spans(para)[1]
            if at is not None:
                # The card is kept: the rest of the paragraph shows as written.
                line, col = _line_col(para, at, line0)
                self.problem(line, _unterminated(para[at : at + 2]), col, warning=True)
            if "{c" in para:
                for slip in cloze_typos(para):
                    line, col = _line_col(para, slip.offset, line0)
                    self.problem(line, slip.message, col, warning=True)
            if "\\" in para:
                for slip in latex_outside_math(para, _is_latex_command):
                    line, col = _line_col(para, slip.offset, line0)
                    self.problem(line, slip.message, col, warning=True)

    def typos_left_out(self, start: int, end: int) -> bool:
        """Make the cloze-typo warnings of lines [start, end) errors, as no card is made of
        them; True if there were any."""
        found = False
        for k, p in enumerate(self.problems):
            if p.warning and p.message.startswith(CLOZE_TYPO) and start < p.line <= end:
                self.problems[k] = replace(p, warning=False)
                found = True
        return found

    def locate(self, snippet: str, start: int, end: int) -> tuple[int, int]:
        """The 0-based line and 1-based column where `snippet`'s first line is written in
        lines [start, end), for text that was joined from a card's parts."""
        first = snippet.split("\n", 1)[0]
        line = next((n for n in range(start, end) if first in self.lines[n]), start)
        col = self.lines[line].find(first) + 1 if line < len(self.lines) else 1
        return line, max(col, 1)

    def images(self, text: str, start: int, end: int) -> tuple[ImageRef, ...]:
        """The images a note's text shows, each with the file line it is written on."""
        refs = []
        for m in _IMAGE.finditer(text):
            line = next((n for n in range(start, end) if m.group(0) in self.lines[n]), start)
            refs.append(ImageRef(m.group(2), m.group(1), line + 1))
        return tuple(refs)

    def add(
        self,
        kind: CardKind,
        front: str,
        back: str,
        start: int,
        end: int,
        attrs: Attrs | None,
        **extra: Any,
    ) -> None:
        """Check a note's text, give it its id and keep it unless it duplicates another."""
        body = front + "\n\n" + back
        tags = tuple(dict.fromkeys(self.deck_tags + (attrs.tags if attrs else ())))
        if attrs and attrs.id:
            note_id, explicit = attrs.id, True
        else:
            parts = [front, back]
            if extra.get("math"):
                parts.append(extra["math"].expected)
            if extra.get("text"):
                parts.append(extra["text"].answer)
            note_id, explicit = content_id(kind, *parts), False
        if note_id in self.seen:
            first = self.seen[note_id]
            what = f"duplicate id `{note_id}`" if explicit else "duplicate card"
            self.problem(start, f"{what}: the same as the card at line {first}; remove one")
            return
        self.seen[note_id] = start + 1
        note = Note(
            id=note_id,
            kind=kind,
            front=front,
            back=back,
            line=start + 1,
            end_line=end,
            tags=tags,
            explicit_id=explicit,
            images=self.images(body, start, end),
            **extra,
        )
        self.notes.append(note)

    # -- answer blocks -------------------------------------------------------------------

    def answer_block(self, block: Block) -> tuple[MathSpec | None, TextSpec | None]:
        """Read a fenced `answer` block into a MathSpec or TextSpec, reporting problems."""
        import yaml

        first = block.start + 1  # 0-based line of the first YAML line
        closed = block.end - 1 > block.start and self.lines[block.end - 1].strip().startswith(
            self.lines[block.start].strip()[:3]
        )
        body = "\n".join(self.lines[first : block.end - 1 if closed else block.end])
        try:
            loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
            node = yaml.compose(body, Loader=loader)
        except yaml.YAMLError as error:
            mark = getattr(error, "problem_mark", None)
            line = first + (mark.line if mark else 0)
            reason = getattr(error, "problem", None) or "not valid YAML"
            self.problem(line, f"answer block: {reason}; write `key: value` lines", 1)
            return None, None
        if node is None or not isinstance(node, yaml.MappingNode):
            self.problem(
                block.start, "empty answer block; add `expected: ...` (math) or `text: ...`"
            )
            return None, None
        values: dict[str, Any] = {}
        lines: dict[str, list[int]] = {}
        for key_node, value_node in node.value:
            key = str(key_node.value)
            kline = first + key_node.start_mark.line
            if key not in SCALAR_KEYS + LIST_KEYS:
                known = ", ".join(SCALAR_KEYS + LIST_KEYS)
                self.problem(kline, f"unknown answer key `{key}`; known keys: {known}")
                continue
            if isinstance(value_node, yaml.ScalarNode):
                items = [(str(value_node.value), first + value_node.start_mark.line)]
            elif isinstance(value_node, yaml.SequenceNode) and all(
                isinstance(v, yaml.ScalarNode) for v in value_node.value
            ):
                items = [(str(v.value), first + v.start_mark.line) for v in value_node.value]
            else:
                self.problem(kline, f"answer key `{key}` takes text or a list of text")
                continue
            if key in SCALAR_KEYS:
                if len(items) != 1:
                    self.problem(kline, f"answer key `{key}` takes one value, not a list")
                    continue
                values[key] = items[0][0]
            else:
                values[key] = [text for text, _ in items]
                lines[key] = [ln + 1 for _, ln in items]
        return self._spec(block, values, lines)

    def _spec(
        self, block: Block, values: dict[str, Any], lines: dict[str, list[int]]
    ) -> tuple[MathSpec | None, TextSpec | None]:
        if "text" in values:
            bad = [k for k in values if k not in TEXT_KEYS]
            if bad:
                self.problem(
                    block.start, f"a text answer takes only `alternatives`, not `{bad[0]}`"
                )
            if not values["text"].strip():
                self.problem(block.start, "empty `text:` answer")
                return None, None
            return None, TextSpec(values["text"].strip(), tuple(values.get("alternatives", ())))
        if "alternatives" in values:
            self.problem(
                block.start, "`alternatives` belongs to a `text:` answer; use `accept` for math"
            )
        merged = dict(self.defaults)
        for key, value in values.items():
            if key in LIST_KEYS and key in merged:
                merged[key] = list(merged[key]) + list(value)
            else:
                merged[key] = value
        expected = strip_math_delimiters(str(merged.get("expected", "")))
        if not expected:
            self.problem(block.start, "math card without an expected answer; add `expected: ...`")
            return None, None
        mode = str(merged.get("mode", "expression")).strip()
        if mode not in ANSWER_MODES:
            self.problem(
                block.start, f"unknown mode `{mode}`; use one of {', '.join(ANSWER_MODES)}"
            )
            return None, None
        form = merged.get("form")
        if form is not None and str(form).strip() not in ANSWER_FORMS:
            self.problem(
                block.start, f"unknown form `{form}`; use one of {', '.join(ANSWER_FORMS)}"
            )
            return None, None
        tolerances: dict[str, float | None] = {}
        for key in ("rel_tol", "abs_tol"):
            raw = merged.get(key)
            try:
                value = None if raw is None else float(raw)
            except ValueError:
                self.problem(block.start, f"`{key}` must be a number, like 0.001")
                return None, None
            if value is not None and not (0 <= value < 1e6):
                self.problem(block.start, f"`{key}` must be a non-negative number")
                return None, None
            tolerances[key] = value
        figures = str(merged.get("sig_figs", "")).strip() or None
        if figures is not None and not (figures.isdigit() and 1 <= int(figures) <= 15):
            self.problem(block.start, "`sig_figs` must be a whole number from 1 to 15, like 3")
            return None, None
        if figures is not None and any(v is not None for v in tolerances.values()):
            self.problem(
                block.start, "`sig_figs` replaces `rel_tol` and `abs_tol`: give one or the other"
            )
            return None, None

        def examples(key: str) -> tuple[tuple[str, int], ...]:
            texts = values.get(key, [])
            at = lines.get(key, [block.start + 1] * len(texts))
            return tuple((strip_math_delimiters(t), ln) for t, ln in zip(texts, at, strict=False))

        spec = MathSpec(
            expected=expected,
            definitions=tuple(str(x) for x in merged.get("define", ())),
            assumptions=tuple(str(x) for x in merged.get("assume", ())),
            names=tuple(str(x) for x in merged.get("names", ())),
            mode=mode,
            form=str(form).strip() if form is not None else None,
            rel_tol=tolerances["rel_tol"],
            abs_tol=tolerances["abs_tol"],
            sig_figs=int(figures) if figures is not None else None,
            accept=examples("accept"),
            reject=examples("reject"),
        )
        return spec, None

    # -- choice lists --------------------------------------------------------------------

    def choices(self, block: Block) -> tuple[Choice, ...] | None:
        """The options of a task list, or None when the list is not a task list."""
        items: list[list[str]] = []
        flags: list[bool] = []
        for line in self.lines[block.start : block.end]:
            m = _TASK_ITEM.match(line)
            if m:
                items.append([m.group(4) or ""])
                flags.append(m.group(3) != " ")
            elif _LIST_ITEM.match(line):
                return None  # a plain item: an ordinary list
            elif items and line.strip():
                items[-1].append(line.strip())
        if not items:
            return None
        return tuple(
            Choice(" ".join(x for x in item if x).strip(), flag)
            for item, flag in zip(items, flags, strict=True)
        )

    # -- note kinds ----------------------------------------------------------------------

    def build(
        self,
        front_text: str,
        front_blocks: list[Block],
        back_blocks: list[Block],
        start: int,
        end: int,
        attrs: Attrs | None,
        qa: bool = False,
        answer_text: str = "",
    ) -> None:
        """Make a note from a front (heading or `Q:` text) and the blocks that follow it.

        For a `Q:`/`A:` card (`qa`), `front_blocks` follow the `Q:` line, `answer_text` is the
        text on the `A:` line and `back_blocks` follow it; for a heading, all is in `back_blocks`.
        """
        blocks = front_blocks + back_blocks
        fence = next((b for b in blocks if b.kind == "fence" and b.text == "answer"), None)
        if fence is not None:
            extra = [
                b for b in blocks if b.kind == "fence" and b.text == "answer" and b is not fence
            ]
            for b in extra:
                self.problem(b.start, "a card takes one answer block; split it into two cards")
            before = [b for b in blocks if b.end <= fence.start]
            after = [b for b in blocks if b.start >= fence.end and b not in extra]
            if qa:
                front = _join(front_text, self.source(front_blocks))
                back_before = [b for b in back_blocks if b.end <= fence.start]
                back = _join(answer_text, self.source(back_before), self.source(after))
            else:
                front = _join(front_text, self.source(before))
                back = self.source(after)
            math, text = self.answer_block(fence)
            if math is not None:
                self.add(CardKind.MATH, front, back, start, end, attrs, math=math)
            elif text is not None:
                self.add(CardKind.TEXT, front, back, start, end, attrs, text=text)
            return
        task, options = next(
            (
                (b, found)
                for b in front_blocks + back_blocks
                if b.kind == "list" and (found := self.choices(b))
            ),
            (None, ()),
        )
        if task is not None:
            before = [b for b in blocks if b.end <= task.start]
            after = [b for b in blocks if b.start >= task.end]
            front = _join(front_text, self.source(before))
            if not any(o.correct for o in options):
                self.problem(task.start, "choice card with no right option; mark one with `- [x]`")
                return
            if len(options) < 2:
                self.problem(task.start, "choice card with one option; add at least one more")
                return
            if len(options) > MAX_CHOICES:
                self.problem(
                    task.start,
                    f"choice card with {len(options)} options; options are picked with the "
                    f"letters a-z, so keep it to {MAX_CHOICES} or split the card",
                )
                return
            back = _join(answer_text, self.source(after))
            self.add(CardKind.CHOICE, front, back, start, end, attrs, choices=options)
            return
        if qa:
            front = _join(front_text, self.source(front_blocks))
            back = _join(answer_text, self.source(back_blocks))
        else:
            front, back = front_text, self.source(back_blocks)
        if _CLOZE_START.search(front) or _CLOZE_START.search(back):
            self.cloze(_join(front, back), start, end, attrs)
            return
        if not back.strip():
            self.problem(start, "card with an empty back; write the answer below the front")
            return
        kind = CardKind.REVERSIBLE if attrs and attrs.reverse else CardKind.BASIC
        self.add(kind, front, back, start, end, attrs)

    def cloze(self, text: str, start: int, end: int, attrs: Attrs | None) -> None:
        try:
            clozes = find_clozes(text)
        except ClozeError as error:
            # The text joins the card's parts: find the file line the deletion starts on.
            line, col = self.locate(text[error.offset :], start, end)
            self.problem(line, str(error), col)
            return
        if not clozes:
            if not self.typos_left_out(start, end):
                self.problem(
                    start, "cloze card without a deletion; mark the hidden part `{{c1::...}}`"
                )
            return
        empty = [c for c in clozes if not c.content.strip()]
        for c in empty:
            line, col = self.locate(text[c.start : c.end], start, end)
            self.problem(
                line,
                f"empty cloze `{text[c.start : c.end]}`; write the hidden text after `::`",
                col,
            )
        if empty:
            return
        numbers = tuple(dict.fromkeys(c.number for c in clozes))
        if 0 in numbers:
            self.problem(start, "cloze numbers start at 1: write `{{c1::...}}`")
            return
        if attrs and attrs.reverse:
            self.problem(start, "`reverse` does not apply to a cloze card")
        self.add(CardKind.CLOZE, text, "", start, end, attrs, cloze_numbers=numbers)


def _paragraphs(text: str, first_line: int) -> list[tuple[str, int]]:
    """The paragraphs of a block's text, each with its 0-based first line in the file."""
    out = []
    line0 = first_line
    for para in re.split(r"\n[ \t]*\n", text):
        out.append((para, line0))
        line0 += para.count("\n") + 2
    return out


def _line_col(text: str, offset: int, first_line: int) -> tuple[int, int]:
    """The 0-based file line and 1-based column of `offset` in `text`, which starts a line."""
    before = text[:offset]
    return first_line + before.count("\n"), offset - (before.rfind("\n") + 1) + 1


def _unterminated(opening: str) -> str:
    """The warning for math opened by `opening` (its first two characters) and never closed."""
    if opening == "$$":
        return "unterminated math: close the `$$`"
    return "unterminated math: close the `$` (write `\\$` for a dollar sign)"


def _is_latex_command(name: str) -> bool:
    from flashcards.latex import is_latex_command

    return is_latex_command(name)


def _join(*parts: str) -> str:
    return "\n\n".join(p for p in parts if p and p.strip())


def _blocks(tokens: list[Any], lines: list[str]) -> list[Block]:
    """Sort top-level markdown-it tokens into blocks."""
    out: list[Block] = []
    for i, tok in enumerate(tokens):
        if tok.level != 0 or tok.map is None or tok.nesting == -1:
            continue
        start, end = tok.map
        t = tok.type
        if t == "heading_open":
            text = tokens[i + 1].content if i + 1 < len(tokens) else ""
            out.append(Block("heading", start, end, int(tok.tag[1:]), text))
        elif t == "paragraph_open":
            out.append(Block("paragraph", start, end))
        elif t in ("bullet_list_open", "ordered_list_open"):
            out.append(Block("list", start, end))
        elif t == "fence":
            out.append(Block("fence", start, end, text=tok.info.strip().split(" ")[0]))
        elif t == "code_block":
            out.append(Block("code", start, end))
        elif t == "hr":
            out.append(Block("hr", start, end))
        elif t == "html_block":
            kind = "comment" if tok.content.lstrip().startswith("<!--") else "html"
            out.append(Block(kind, start, end))
        elif t == "table_open":
            out.append(Block("table", start, end))
        elif t == "blockquote_open":
            out.append(Block("quote", start, end))
        elif t == "front_matter":
            out.append(Block("front", start, end, text=tok.content))
    return out


def _is_compact_start(b: _Builder, block: Block) -> bool:
    """Whether a block opens a compact card: `Q:`, `C:` or a `front :: back` line.

    (A bare cloze paragraph right under a heading is that heading's long-form cloze.)
    """
    if block.kind != "paragraph":
        return False
    first = b.lines[block.start].lstrip()
    if first.startswith(("Q:", "C:")):
        return True
    return any(_separator(line) for line in b.lines[block.start : block.end])


def _starts_compact_card(b: _Builder, block: Block, before: list[Block]) -> bool:
    """Whether a block inside a long-form card's section starts a compact card instead.

    A `Q:` or `C:` paragraph, a paragraph of `front :: back` lines, or a cloze paragraph
    after a section that had no cloze ends the long-form card, so a compact card written
    after it is never silently taken into its back.
    """
    if block.kind != "paragraph":
        return False
    lines = b.lines[block.start : block.end]
    first = lines[0].lstrip()
    if first.startswith(("Q:", "C:")):
        return True
    if all(_separator(line) for line in lines if line.strip()):
        return True
    if _CLOZE_START.search("\n".join(lines)):
        return not any(
            _CLOZE_START.search(x.text if x.kind == "heading" else b.source([x])) for x in before
        )
    return False


@dataclass(slots=True)
class _OpenQuestion:
    """A `Q:` card being read: its blocks grow until the next card starts."""

    #: The question's text after `Q:`, its attribute list split off.
    text: str
    #: 0-based first line and end line (exclusive) in the file.
    start: int
    end: int
    attrs: Attrs | None
    #: The answer's text after `A:`; None until an `A:` line is read.
    answer: str | None = None
    #: Blocks after the question (before any `A:`) and after the answer.
    front_blocks: list[Block] = field(default_factory=list)
    back_blocks: list[Block] = field(default_factory=list)


def _free(b: _Builder, blocks: list[Block]) -> None:
    """Compact cards: `Q:`/`A:`, `front :: back`, `front ::: back` and cloze paragraphs."""
    q: _OpenQuestion | None = None

    def finish() -> None:
        nonlocal q
        if q is None:
            return
        has_choices = any(x.kind == "list" and b.choices(x) for x in q.front_blocks)
        if q.answer is None and not has_choices:
            b.problem(q.start, "question with no answer; add an `A:` line below it")
        else:
            b.build(
                q.text,
                q.front_blocks,
                q.back_blocks,
                q.start,
                q.end,
                q.attrs,
                qa=True,
                answer_text=q.answer or "",
            )
        q = None

    for block in blocks:
        if block.kind == "comment":
            continue
        lines = b.lines[block.start : block.end]
        first = lines[0].lstrip() if lines else ""
        if block.kind == "paragraph" and first.startswith("Q:"):
            finish()
            q_lines: list[str] = []
            a_lines: list[str] | None = None
            for line in lines:
                if a_lines is None and line.lstrip().startswith("A:"):
                    a_lines = [line.lstrip()[2:].strip()]
                elif a_lines is not None:
                    a_lines.append(line)
                else:
                    q_lines.append(line)
            q_first, attrs = split_attrs(q_lines[0].lstrip()[2:].strip())
            q = _OpenQuestion(
                text="\n".join([q_first, *q_lines[1:]]).strip(),
                start=block.start,
                end=block.end,
                attrs=attrs,
                answer="\n".join(a_lines).strip() if a_lines is not None else None,
            )
            continue
        if block.kind == "paragraph" and first.startswith("A:"):
            if q is None:
                b.problem(block.start, "answer with no question; add a `Q:` line above it")
                continue
            if q.answer is not None:
                b.problem(block.start, "a second `A:` for one question; merge the answers")
                continue
            q.answer = "\n".join([first[2:].strip(), *lines[1:]]).strip()
            q.end = block.end
            continue
        if block.kind == "paragraph" and (
            first.startswith("C:") or _CLOZE_START.search("\n".join(lines))
        ):
            finish()
            text_lines = list(lines)
            if first.startswith("C:"):
                text_lines[0] = first[2:].strip()
            head, attrs = split_attrs(text_lines[0])
            text_lines[0] = head
            b.cloze("\n".join(text_lines).strip(), block.start, block.end, attrs)
            continue
        if block.kind == "paragraph" and any(_separator(line) for line in lines):
            finish()
            for k, line in enumerate(lines):
                line0 = block.start + k
                sep = _separator(line)
                if sep is None:
                    if line.strip():
                        b.problem(
                            line0, "line without `::` among one-line cards; add `front :: back`"
                        )
                    continue
                head, attrs = split_attrs(line)
                front, back = head[: sep[0]].strip(), head[sep[1] :].strip()
                if not front or not back:
                    b.problem(line0, "one-line card with an empty side; write `front :: back`")
                    continue
                kind = CardKind.REVERSIBLE if sep[1] - sep[0] == 3 else CardKind.BASIC
                if attrs and attrs.reverse:
                    kind = CardKind.REVERSIBLE
                b.add(kind, front, back, line0, line0 + 1, attrs)
            continue
        if q is not None:
            (q.back_blocks if q.answer is not None else q.front_blocks).append(block)
            q.end = block.end
            continue
        if b.typos_left_out(block.start, block.end):
            continue  # the typo says what the text was meant to be
        b.problem(
            block.start,
            "text outside any card; start a card with `Q:`, a `##` heading, `::` or a cloze, "
            "move it to the front matter's `description`, or hide it in <!-- -->",
        )
    finish()


def _front_matter(b: _Builder, block: Block) -> dict[str, Any]:
    """Read and check the YAML front matter; problems are reported, never raised."""
    import yaml

    try:
        data = yaml.load(block.text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = block.start + 1 + (mark.line if mark else 0)
        reason = getattr(error, "problem", None) or "not valid YAML"
        b.problem(line, f"front matter: {reason}")
        return {}
    if data is None:
        return {}
    if not isinstance(data, dict):
        b.problem(block.start, "front matter must be `key: value` lines (name, description, ...)")
        return {}
    meta: dict[str, Any] = {}
    for key, value in data.items():
        if key not in FRONT_MATTER_KEYS:
            b.problem(
                block.start,
                f"unknown front-matter key `{key}`; known: {', '.join(FRONT_MATTER_KEYS)}",
            )
            continue
        if key in ("name", "description"):
            if not isinstance(value, str | int | float) or (
                key == "name" and not str(value).strip()
            ):
                b.problem(block.start, f"front matter `{key}` must be text")
                continue
            meta[key] = str(value).strip()
        elif key in ("sources", "tags"):
            items = [value] if isinstance(value, str) else value
            if not isinstance(items, list) or not all(
                isinstance(x, str | int | float) for x in items
            ):
                b.problem(block.start, f"front matter `{key}` must be a list of text")
                continue
            meta[key] = tuple(str(x).strip() for x in items if str(x).strip())
        elif key == "macros":
            if not isinstance(value, dict):
                b.problem(block.start, "front matter `macros` must map `\\name` to its LaTeX")
                continue
            macros = []
            for name, body in value.items():
                if (
                    not isinstance(name, str)
                    or not _MACRO_NAME.match(name)
                    or not isinstance(body, str | int | float)
                ):
                    b.problem(block.start, f"bad macro `{name}`: write `\\name: replacement`")
                    continue
                macros.append((name, str(body)))
            meta[key] = tuple(macros)
        elif key == "defaults":
            if not isinstance(value, dict):
                b.problem(block.start, "front matter `defaults` must be answer-block keys")
                continue
            good = {}
            for k, v in value.items():
                if k not in ANSWER_KEYS:
                    b.problem(
                        block.start, f"unknown default `{k}`; known: {', '.join(ANSWER_KEYS)}"
                    )
                elif k in LIST_KEYS:
                    good[k] = [str(x) for x in (v if isinstance(v, list) else [v])]
                else:
                    good[k] = str(v)
            meta[key] = good
    return meta


def parse_deck(text: str, path: Path, name: str | None = None) -> tuple[Deck, list[Problem]]:
    """Parse one deck file's text into a Deck and every problem found in it."""
    path = Path(path)
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\x00", "\ufffd")
    lines = text.split("\n")
    b = _Builder(path, lines)
    try:
        tokens = _markdown().parse(text)
    except RecursionError:
        b.problem(0, "the file nests too deeply to read; flatten its lists or quotes")
        return Deck(name or path.stem, path, text=text), b.problems
    blocks = _blocks(tokens, lines)
    for block in blocks:
        if block.kind in ("paragraph", "heading", "list", "table", "quote"):
            b.check_math("\n".join(lines[block.start : block.end]), block.start)
    meta: dict[str, Any] = {}
    if blocks and blocks[0].kind == "front":
        meta = _front_matter(b, blocks.pop(0))
    b.deck_tags = meta.get("tags", ())
    b.defaults = meta.get("defaults", {})

    i = 0
    free: list[Block] = []
    while i < len(blocks):
        block = blocks[i]
        if block.kind == "hr":
            _free(b, free)
            free = []
            i += 1
            continue
        if block.kind != "heading" or block.level == 1:
            if block.kind == "heading":  # a `#` section title
                _free(b, free)
                free = []
            else:
                free.append(block)
            i += 1
            continue
        _free(b, free)
        free = []
        # A `##`-or-deeper heading: a long-form card, or a group title.
        j = i + 1
        while j < len(blocks) and not (
            blocks[j].kind == "hr"
            or (blocks[j].kind == "heading" and blocks[j].level <= block.level)
            or (j > i + 1 and _starts_compact_card(b, blocks[j], blocks[i:j]))
        ):
            j += 1
        body = [x for x in blocks[i + 1 : j] if x.kind != "comment"]
        if body and (body[0].kind == "heading" or _is_compact_start(b, body[0])):
            i += 1  # a group title: what follows is read as compact cards or deeper cards
            continue
        heading, attrs = split_attrs(block.text)
        end = blocks[j - 1].end if j - 1 > i else block.end
        if not body:
            b.problem(
                block.start,
                "heading with no answer below it; write the back under it, "
                "or make it a `#` section title",
            )
        else:
            b.build(heading.strip(), [], body, block.start, end, attrs)
        i = j
    _free(b, free)

    deck = Deck(
        name=str(meta.get("name") or name or path.stem),
        path=path,
        notes=tuple(b.notes),
        description=meta.get("description", ""),
        sources=meta.get("sources", ()),
        tags=meta.get("tags", ()),
        macros=meta.get("macros", ()),
        defaults=tuple(sorted(b.defaults.items())),
        text=text,
    )
    return deck, sorted(b.problems, key=lambda p: (p.line, p.col))
