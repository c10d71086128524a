"""An Anki package -> Markdown decks: the notes, note types and deck tree, as deck files.

Pure core: `convert_package` turns an `AnkiPackage` (plain data) into the text of each deck
file and the media each needs. The shell at the end, `read_package` and `read_media`, reads a
package file (zip, SQLite, zstd), refusing damaged and hostile ones; the command
`flashcards.commands.import_apkg` writes the files.
HTML fields become Markdown with markdownify (loaded on first use); MathJax `\\( \\)` and
`\\[ \\]` become `$ $` and `$$ $$`; `[sound:...]` is dropped and counted; `<script>` and
`<style>` are removed. A note keeps its Anki guid as its explicit id (`flashcards.guids`).

Stock note types map to card kinds (`STOCK_KINDS`); flashcards' own note types (an earlier
`flashcards export`) come back as the kinds they went out as, with their math and choice
blocks; any other note type becomes a basic card, its first field the question and the
others the answer, under a comment naming the note type.
"""

from __future__ import annotations

import html
import json
import re
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from flashcards.cards import CardKind
from flashcards.guids import note_id_for_guid

#: Anki's stock note types, by name, -> the kind their notes become. A reversed note type
#: gives a reversible card only when its note has both cards (see `note_kind`).
STOCK_KINDS: dict[str, CardKind] = {
    "Basic": CardKind.BASIC,
    "Basic (and reversed card)": CardKind.REVERSIBLE,
    "Basic (optional reversed card)": CardKind.REVERSIBLE,
    "Basic (type in the answer)": CardKind.TEXT,
    "Cloze": CardKind.CLOZE,
}

#: Refuse a field longer than this (characters): no flashcard is that long, and a deck file
#: over 20 MB is not read.
MAX_FIELD_CHARS = 1_000_000

#: The file in the target folder that records what the import wrote (paths and digests).
MANIFEST = "anki-import.json"

#: Anki's queue values for suspended and buried cards.
SUSPENDED_QUEUE = -1
BURIED_QUEUES = frozenset({-2, -3})


# --- plain data --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class NoteType:
    """An Anki note type: its fields and card templates (question formats), in order."""

    id: int
    name: str
    cloze: bool
    fields: tuple[str, ...]
    templates: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class AnkiNote:
    """A note of the package: its guid, note type, fields (HTML) and tags."""

    id: int
    guid: str
    notetype: int
    fields: tuple[str, ...]
    tags: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class AnkiCard:
    """A card of the package: its note, ordinal (template, or cloze number - 1), deck and
    queue (negative: suspended or buried)."""

    note: int
    ord: int
    deck: int
    queue: int = 0


@dataclass(frozen=True, slots=True)
class AnkiPackage:
    """What an Anki package holds, as read from its collection."""

    notetypes: Mapping[int, NoteType]
    decks: Mapping[int, str]  # deck id -> full name, `Parent::Child`
    notes: tuple[AnkiNote, ...]
    cards: tuple[AnkiCard, ...]
    media: frozenset[str] = frozenset()  # the media file names the package holds


@dataclass(frozen=True, slots=True)
class DeckFile:
    """One deck file to write: its path in the target folder, text and images."""

    path: str  # relative, `/`-separated: `ML/Probability.md`
    deck: str  # the Anki deck name
    text: str
    #: (path in the target folder, media name in the package) of each image it shows.
    media: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True, slots=True)
class ImportedCard:
    """Where an Anki card went: its flashcards card id, and whether Anki had it suspended or
    buried."""

    card_id: str
    suspended: bool
    buried: bool


@dataclass(frozen=True, slots=True)
class Conversion:
    """The result of converting a package: deck files and what was left out."""

    files: tuple[DeckFile, ...]
    notes: int
    kinds: Mapping[str, int]
    other_types: Mapping[str, int]  # note type name -> notes converted as basic
    sounds: int  # `[sound:...]` references dropped
    scripts: int  # fields with a `<script>` removed
    skipped: tuple[str, ...] = ()  # why notes were left out, one line each
    note_ids: Mapping[str, str] = field(default_factory=dict)  # guid -> note id
    cards: tuple[ImportedCard, ...] = ()


# --- names -------------------------------------------------------------------------------------

_UNSAFE_NAME = re.compile(r'[\x00-\x1f\x7f<>:"/\\|?*]')
_RESERVED = re.compile(r"(?i)(con|prn|aux|nul|com\d|lpt\d)(\..*)?")


def safe_name(name: str, fallback: str = "deck") -> str:
    """A file or folder name that every file system takes and that is never hidden: no
    separators, no `..`, no characters Windows refuses, no reserved device names."""
    name = unicodedata.normalize("NFC", name)
    name = _UNSAFE_NAME.sub("_", name)
    name = " ".join(name.split())
    name = name.strip(" .")
    name = name.lstrip("_.")  # deck folders skip names starting with `.` or `_`
    if _RESERVED.fullmatch(name) or name.lower() in {"readme", "license", "changelog"}:
        name += "_"
    name = name[:80].rstrip(" .")
    return name or fallback


def deck_paths(names: Sequence[str]) -> dict[str, str]:
    """Anki deck name -> deck file path (`A::B` -> `A/B.md`), distinct even where file names
    ignore case."""
    out: dict[str, str] = {}
    taken: dict[str, str] = {}  # lower-case path -> the deck that has it
    for name in sorted(names):
        parts = [safe_name(p) for p in name.split("::")]
        base = "/".join(parts)
        path, n = base, 1
        while path.lower() in taken and taken[path.lower()] != name:
            n += 1
            path = f"{base} ({n})"
        taken[path.lower()] = name
        out[name] = path + ".md"
    return out


_UNSAFE_TAG = re.compile(r"[\s.#={}\"'<>&]")


def safe_tag(tag: str) -> str:
    """An Anki tag as a deck tag: characters an attribute list cannot hold become `_`."""
    return _UNSAFE_TAG.sub("_", tag).strip("_")


_MEDIA_BAD = re.compile(r"[\x00-\x1f\x7f/\\:]")


def media_problem(name: str) -> str | None:
    """Why a media name in a package's media map is refused, or None."""
    if not name or name in (".", "..") or _MEDIA_BAD.search(name) or name.startswith("."):
        return f"the media file name {name!r} is not a plain file name"
    if len(name) > 255:
        return "a media file name is longer than 255 characters"
    return None


def media_file_name(name: str) -> str:
    """The name a media file gets in a deck's `media` folder: letters, digits, `.`, `-`, `_`
    only (a Markdown image link holds no spaces), with a digest of the original name when
    anything had to change, so two files never share a name."""
    import hashlib

    safe = re.sub(r"[^A-Za-z0-9._-]+", "-", unicodedata.normalize("NFC", name)).strip("-.")
    if safe == name and safe:
        return safe
    stem, dot, suffix = (safe or "media").rpartition(".")
    if not dot:
        stem, suffix = safe or "media", ""
    digest = hashlib.sha1(name.encode("utf-8", "surrogatepass")).hexdigest()[:8]
    return f"{stem[:60] or 'media'}-{digest}" + (f".{suffix[:8]}" if suffix else "")


# --- fields: HTML -> Markdown ------------------------------------------------------------------

_SOUND = re.compile(r"\[sound:[^\]]*\]")
_MATH = re.compile(r"\\\((.*?)\\\)|\\\[(.*?)\\\]", re.DOTALL)
_TAG = re.compile(r"<[^>]*>")
_PLACEHOLDER = re.compile(r"FCMATH(\d+)X")
_SCRIPT = re.compile(r"(?is)<\s*(script|style)\b")


@dataclass
class FieldText:
    """What converting one field found besides its Markdown."""

    images: list[str] = field(default_factory=list)  # media names, in order
    sounds: int = 0
    scripts: int = 0


@lru_cache(maxsize=1)
def _converter() -> Any:
    """The markdownify converter for Anki fields, made once (markdownify loads on first use;
    each conversion sets the `found` and `media` options it reads)."""
    from bs4 import BeautifulSoup, Tag
    from markdownify import MarkdownConverter

    class FastParent:
        """`find_parent(name)` by walking the parents: markdownify asks it of every tag (is
        it inside a `<pre>`?), and bs4's general matching made it a fifth of a conversion."""

        def find_parent(self, name: Any = None, attrs: Any = None, **kwargs: Any) -> Any:
            if type(name) is not str or attrs or kwargs:
                return super().find_parent(name, attrs, **kwargs)  # type: ignore[misc]
            parent = self.parent  # type: ignore[attr-defined]
            while parent is not None and parent.name != name:
                parent = parent.parent
            return parent

    class FieldTag(FastParent, Tag):  # type: ignore[misc]
        pass

    class FieldSoup(FastParent, BeautifulSoup):  # type: ignore[misc]
        pass

    class Converter(MarkdownConverter):  # type: ignore[misc]
        def convert(self, html: str) -> str:
            soup = FieldSoup(html, "html.parser", element_classes={Tag: FieldTag})
            return str(self.convert_soup(soup))

        def convert_img(self, el: Any, text: str, parent_tags: Any) -> str:
            src = str(el.get("src") or "")
            alt = " ".join(str(el.get("alt") or "").split()).replace("]", "")
            found: FieldText = self.options["found"]
            media: frozenset[str] = self.options["media"]
            if src in media:
                found.images.append(src)
                return f"![{alt}](media/{media_file_name(src)})"
            if re.match(r"https?://", src):
                return f"[{alt or 'image'}]({src})"
            return f"[image {src}]" if src else ""

        def convert_hN(self, n: int, el: Any, text: str, parent_tags: Any) -> str:
            # a heading inside a field would end the card in a deck file: bold text instead
            text = text.strip()
            return f"\n\n**{text}**\n\n" if text else ""

        def convert_hr(self, el: Any, text: str, parent_tags: Any) -> str:
            return "\n\n"  # a `---` line ends a card

        def convert_script(self, el: Any, text: str, parent_tags: Any) -> str:
            return ""

        def convert_style(self, el: Any, text: str, parent_tags: Any) -> str:
            return ""

    return Converter(
        heading_style="ATX",
        bullets="-",
        escape_misc=False,
        escape_asterisks=True,
        escape_underscores=True,
        code_language_callback=_code_language,
    )


def _code_language(el: Any) -> str | None:
    code = el.find("code") if el is not None else None
    for item in (code.get("class") or []) if code is not None else []:
        if item.startswith("language-"):
            return str(item[len("language-") :])
    return None


def _math_source(raw: str) -> str:
    """The LaTeX of a MathJax span as stored in HTML: tags out, entities decoded."""
    text = _TAG.sub(" ", raw.replace("<br>", " "))
    return " ".join(_CONTROL.sub("", html.unescape(text)).replace("\xa0", " ").split())


#: Control characters other than tab and newline: a NUL would make the deck a binary file.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
_LINE_START = re.compile(r"(?m)^(\s*)([QAC]):")
_HEADING_LIKE = re.compile(r"(?m)^(\s*)(#{1,6}(?:\s|$)|[-*_](?:\s*[-*_]){2,}\s*$|=+\s*$|\+\+\+)")
#: `<` at the start of a line can open an HTML block, which an unclosed `<!--` or `<script`
#: would stretch to the end of the file; `&lt;` shows the same character.
_HTML_START = re.compile(r"(?m)^( {0,3})<")


def _escape_text(text: str, cloze: bool) -> str:
    """Escape what would change the structure of a deck file: `$`, a line starting `Q:` or a
    heading, and (outside cloze notes) `::` and `{{`."""
    text = text.replace("$", "\\$")
    text = _LINE_START.sub(r"\1\2\\:", text)
    text = _HEADING_LIKE.sub(r"\1\\\2", text)
    text = _HTML_START.sub(r"\1&lt;", text)
    if not cloze:
        text = text.replace("::", ":\\:").replace("{{", "{\\{")
    return text


def field_markdown(
    value: str, media: frozenset[str] = frozenset(), *, cloze: bool = False
) -> tuple[str, FieldText]:
    """One Anki field (HTML) as Markdown, with the images, sounds and scripts found in it."""
    found = FieldText()
    value, found.sounds = _SOUND.subn("", value)
    if _SCRIPT.search(value):
        found.scripts = 1
    maths: list[str] = []

    def protect(m: re.Match[str]) -> str:
        display = m.group(2) is not None
        source = _math_source(m.group(2) if display else m.group(1))
        maths.append(f"$${source}$$" if display else f"${source}$")
        return f"FCMATH{len(maths) - 1}X"

    value = _MATH.sub(protect, value)
    if "<" in value or "&" in value:
        converter = _converter()
        converter.options.update(found=found, media=media)
        text = converter.convert(value)
    else:  # plain text (most fields): markdownify would only escape these, and is slow
        text = value.replace("*", "\\*").replace("_", "\\_")
    text = _CONTROL.sub("", text.replace("\xa0", " ").replace("\r\n", "\n"))
    text = "\n".join(
        line.rstrip() if not line.endswith("  ") else line for line in text.split("\n")
    )
    text = re.sub(r"\n{3,}", "\n\n", text).strip()
    text = _escape_text(text, cloze)
    text = _PLACEHOLDER.sub(lambda m: maths[int(m.group(1))], text)
    return text, found


# --- notes -> deck text ------------------------------------------------------------------------


def own_kind(notetype: NoteType) -> CardKind | None:
    """The kind of one of flashcards' own note types (same id and fields), else None."""
    from flashcards.export import FIELDS, MODEL_IDS

    for kind, model_id in MODEL_IDS.items():
        if notetype.id == model_id and notetype.fields == FIELDS[kind]:
            return kind
    return None


def note_kind(notetype: NoteType, ords: Sequence[int]) -> CardKind | None:
    """The card kind an Anki note becomes (None: another note type, read as basic)."""
    kind = own_kind(notetype)
    if kind is not None:
        return kind
    kind = STOCK_KINDS.get(notetype.name)
    if kind is None and notetype.cloze:
        return CardKind.CLOZE
    if kind is CardKind.REVERSIBLE and set(ords) != {0, 1}:
        return CardKind.BASIC  # only the cards that exist
    if kind is None and any("{{type:" in t for t in notetype.templates):
        return CardKind.TEXT
    return kind


def _attrs(note_id: str | None, tags: Sequence[str], reverse: bool = False) -> str:
    words = ([f"#{note_id}"] if note_id else []) + [f".{t}" for t in tags if t]
    if reverse:
        words.append("reverse")
    return " {" + " ".join(words) + "}" if words else ""


def _yaml(value: str) -> str:
    """A YAML scalar that reads back as exactly `value` (JSON strings are YAML)."""
    return json.dumps(value, ensure_ascii=False)


_BLOCK_START = re.compile(r"(?:[-*+][ \t]|\d{1,9}[.)][ \t]|>|```|~~~|\||    |\t)")


def _one_paragraph(text: str) -> str:
    """Text as one paragraph (a cloze or `Q:` first line cannot span blank lines)."""
    return re.sub(r"\n\s*\n", "\n", text).strip()


def _plain(value: str) -> str:
    """A field as plain text (typed answers): tags out, entities decoded, spaces folded."""
    return " ".join(html.unescape(_TAG.sub(" ", value.replace("<br>", " "))).split())


_LI = re.compile(r"<li(?: class=\"(fc-right|fc-wrong)\")?>(.*?)</li>", re.DOTALL)
_MARK = re.compile(r'<span class="fc-mark">[^<]*</span>')
_DECL = re.compile(r"<li>(Where|Assuming|Names) (.*?)</li>", re.DOTALL)
_CODE = re.compile(r"<code>(.*?)</code>", re.DOTALL)


def _declarations(value: str) -> dict[str, list[str]]:
    """A flashcards math note's Declarations field back as `define`, `assume`, `names`."""
    keys = {"Where": "define", "Assuming": "assume", "Names": "names"}
    out: dict[str, list[str]] = {}
    for m in _DECL.finditer(value):
        out[keys[m.group(1)]] = [html.unescape(c) for c in _CODE.findall(m.group(2))]
    for mode, text in (
        ("equation", "Answer with an equation."),
        ("antiderivative", "Any antiderivative"),
        ("set", "Answer with a set"),
        ("list", "Answer with a list"),
    ):
        if text in value:
            out["mode"] = [mode]
    form = re.search(r"Give the answer in (\w+) form", value)
    if form:
        out["form"] = [form.group(1)]
    return out


def _answer_block(lines: Mapping[str, Sequence[str] | str]) -> str:
    out = ["```answer"]
    for key, value in lines.items():
        if isinstance(value, str):
            out.append(f"{key}: {_yaml(value)}")
        elif value:
            out.append(f"{key}:")
            out.extend(f"  - {_yaml(v)}" for v in value)
    out.append("```")
    return "\n".join(out)


@dataclass
class _Note:
    """One note rendered: its Markdown entry and what it needed."""

    text: str
    found: FieldText
    kind: CardKind
    note_id: str
    ords: tuple[int, ...]
    #: Written without an explicit id: a flashcards content-hash id, which the entry's
    #: text must hash to again (else it is rendered again with its guid as the id).
    hashed: bool = False


_HASH_ID = re.compile(r"~[0-9a-f]{16}")


def render_note(
    note: AnkiNote,
    notetype: NoteType,
    ords: Sequence[int],
    media: frozenset[str],
    keep_hash: bool = True,
) -> _Note:
    """One Anki note as a deck entry (`Q:`/`A:`, `C:` or with an answer block).

    Args:
        keep_hash: write a note of flashcards' own note types whose id is a content hash
            (and its guid the same) without an id, so that its text gives that id again.
    """
    from flashcards.export import FIELDS

    kind = note_kind(notetype, ords)
    found = FieldText()
    own = own_kind(notetype) is not None
    values = dict(zip(notetype.fields, note.fields, strict=False))
    note_id = note_id_for_guid(note.guid)
    hashed = False
    if own and kind is not None:
        # flashcards' own note type: its Id field is the note id it went out with
        written = values.get(FIELDS[kind][-1], "")
        if written and note_id_for_guid(written) == written:
            note_id = written
        elif keep_hash and _HASH_ID.fullmatch(written) and written == note.guid:
            note_id, hashed = written, True
    tags = [safe_tag(t) for t in note.tags]
    shown_id = None if hashed else note_id

    def md(value: str, cloze: bool = False) -> str:
        text, f = field_markdown(value, media, cloze=cloze)
        found.images.extend(f.images)
        found.sounds += f.sounds
        found.scripts += f.scripts
        return text

    def qa(front: str, back: str, reverse: bool = False, middle: str = "") -> str:
        lead, _, front_rest = front.partition("\n\n")
        if _BLOCK_START.match(lead):  # a list or table cannot share the `Q:` line
            lead, front_rest = "", front
        first, _, rest = lead.partition("\n")
        parts = [
            f"Q: {first}".rstrip() + _attrs(shown_id, tags, reverse) + (f"\n{rest}" if rest else "")
        ]
        if front_rest:
            parts.append(front_rest)
        if middle:
            parts.append(middle)
        if back:
            parts.extend(("A:", back) if _BLOCK_START.match(back) else (f"A: {back}",))
        return "\n\n".join(parts)

    fields = list(note.fields)
    comment = ""
    if kind is None:
        comment = f"<!-- Anki note type: {notetype.name.replace('--', '- -')} -->\n"
        kind = CardKind.BASIC
        front = md(fields[0]) if fields else ""
        back = "\n\n".join(t for t in (md(v) for v in fields[1:]) if t)
        text = qa(front, back or "(no answer in Anki)")
    elif kind is CardKind.CLOZE:
        body = md(values.get("Text", fields[0] if fields else ""), cloze=True)
        extra_name = "Back Extra" if "Back Extra" in values else None
        extra = md(values[extra_name]) if extra_name else ""
        body = _one_paragraph(body + ("\n" + extra if extra else ""))
        if own:
            body = _unpad_math_clozes(body)
        first, _, rest = body.partition("\n")
        text = "C: " + first + _attrs(shown_id, tags) + (f"\n{rest}" if rest else "")
    elif kind is CardKind.TEXT and own:
        alternatives = [a.strip() for a in html.unescape(values["Alternatives"]).split(",")]
        block = _answer_block(
            {
                "text": html.unescape(values["Answer"]),
                "alternatives": [a for a in alternatives if a],
            }
        )
        back = md(values["Back"])
        text = qa(md(values["Front"]), "", middle="A:\n" + block + (f"\n\n{back}" if back else ""))
    elif kind is CardKind.TEXT:
        front_name, back_name = (notetype.fields + ("", ""))[:2]
        block = _answer_block({"text": _plain(values.get(back_name, ""))})
        extra = "\n\n".join(md(v) for n, v in values.items() if n not in (front_name, back_name))
        text = qa(
            md(values.get(front_name, "")),
            "",
            middle="A:\n" + block + (f"\n\n{extra}" if extra.strip() else ""),
        )
    elif kind is CardKind.MATH:
        decl = _declarations(values["Declarations"])
        spec: dict[str, Sequence[str] | str] = {"expected": html.unescape(values["Answer"])}
        for key in ("define", "assume", "names"):
            if decl.get(key):
                spec[key] = decl[key]
        for key in ("mode", "form"):
            if decl.get(key):
                spec[key] = decl[key][0]
        back = md(values["Back"])
        text = qa(
            md(values["Front"]),
            "",
            middle="A:\n" + _answer_block(spec) + (f"\n\n{back}" if back else ""),
        )
    elif kind is CardKind.CHOICE:
        options = []
        for m in _LI.finditer(values["Answer"]):
            mark = "x" if m.group(1) == "fc-right" else " "
            option = _one_paragraph(md(_MARK.sub("", m.group(2)))).replace("\n", " ")
            options.append(f"- [{mark}] {option}")
        back = md(values["Back"])
        text = qa(md(values["Question"]), back, middle="\n".join(options))
    else:
        front_name, back_name = (notetype.fields + ("", ""))[:2]
        if own:
            front_name, back_name = "Front", "Back"
        front, back = md(values.get(front_name, "")), md(values.get(back_name, ""))
        reverse = kind is CardKind.REVERSIBLE
        if not own:
            extra = [md(v) for n, v in values.items() if n not in (front_name, back_name)]
            back = "\n\n".join(t for t in (back, *extra) if t and t.strip())
        if kind is CardKind.BASIC and tuple(ords) == (1,):
            front, back = back, front  # only the reverse card exists: keep that direction
        text = qa(front, back or "(no answer in Anki)", reverse=reverse)
    return _Note(comment + text, found, kind, note_id, tuple(ords), hashed)


def _unpad_math_clozes(text: str) -> str:
    """Undo the space `flashcards export` puts before `}}` of a deletion inside math."""
    from flashcards.cloze import ClozeError, find_clozes

    try:
        clozes = find_clozes(text)
    except ClozeError:
        return text
    out: list[str] = []
    pos = 0
    for cloze in clozes:
        if cloze.in_math and text[cloze.end - 3 : cloze.end] == " }}":
            out.append(text[pos : cloze.end - 3] + "}}")
            pos = cloze.end
    out.append(text[pos:])
    return "".join(out)


def _hashes_to(entry: str, note_id: str) -> bool:
    """Whether a deck entry written without an id parses to one note of id `note_id`."""
    from pathlib import Path

    from flashcards.parsing import parse_deck

    deck, problems = parse_deck(entry + "\n", Path("entry.md"))
    return not problems and [n.id for n in deck.notes] == [note_id]


def _card_ordinal(kind: CardKind, anki_ord: int, ords: Sequence[int]) -> int:
    """The flashcards ordinal of an Anki card (a cloze's number; 0 for a basic)."""
    if kind is CardKind.CLOZE:
        return anki_ord + 1
    if kind is CardKind.REVERSIBLE:
        return anki_ord
    return 0


def convert_package(
    package: AnkiPackage,
    comment: str = "",
    progress: Callable[[int, int], None] | None = None,
) -> Conversion:
    """Every note of a package, as the deck files of its deck tree.

    A note goes to the deck of its first card. A note whose note type the package lacks is
    left out and listed in `skipped`; a field over `MAX_FIELD_CHARS` refuses the package.
    """
    by_note: dict[int, list[AnkiCard]] = {}
    for card in package.cards:
        by_note.setdefault(card.note, []).append(card)
    entries: dict[str, list[str]] = {}
    images: dict[str, dict[str, str]] = {}
    kinds: dict[str, int] = {}
    others: dict[str, int] = {}
    skipped: list[str] = []
    note_ids: dict[str, str] = {}
    imported: list[ImportedCard] = []
    sounds = scripts = count = 0
    for index, note in enumerate(package.notes):
        if progress and index % 500 == 0:
            progress(index, len(package.notes))
        notetype = package.notetypes.get(note.notetype)
        cards = sorted(by_note.get(note.id, ()), key=lambda c: c.ord)
        if notetype is None:
            skipped.append(f"note {note.guid!r}: its note type is not in the package")
            continue
        if not cards:
            continue  # a note without cards (an empty cloze) shows nothing in Anki either
        if any(len(v) > MAX_FIELD_CHARS for v in note.fields):
            from flashcards.errors import FlashcardsError

            raise FlashcardsError(
                f"note {note.guid!r} has a field longer than {MAX_FIELD_CHARS:,} characters; "
                "refused (no card is that long: a damaged or hostile package)"
            )
        ords = [c.ord for c in cards]
        rendered = render_note(note, notetype, ords, package.media)
        if rendered.hashed and not _hashes_to(rendered.text, rendered.note_id):
            rendered = render_note(note, notetype, ords, package.media, keep_hash=False)
        deck = package.decks.get(cards[0].deck, "Default")
        entries.setdefault(deck, []).append(rendered.text)
        folder_images = images.setdefault(deck, {})
        for name in rendered.found.images:
            folder_images.setdefault(media_file_name(name), name)
        kinds[rendered.kind.value] = kinds.get(rendered.kind.value, 0) + 1
        if note_kind(notetype, rendered.ords) is None:
            others[notetype.name] = others.get(notetype.name, 0) + 1
        sounds += rendered.found.sounds
        scripts += rendered.found.scripts
        count += 1
        note_ids[note.guid] = rendered.note_id
        seen: set[int] = set()
        for card in cards:
            ordinal = _card_ordinal(rendered.kind, card.ord, rendered.ords)
            if ordinal in seen:
                continue
            seen.add(ordinal)
            imported.append(
                ImportedCard(
                    f"{rendered.note_id}:{ordinal}",
                    card.queue == SUSPENDED_QUEUE,
                    card.queue in BURIED_QUEUES,
                )
            )
    if progress:
        progress(len(package.notes), len(package.notes))
    paths = deck_paths(list(entries))
    files = []
    for deck, texts in entries.items():
        path = paths[deck]
        leaf = deck.split("::")[-1]
        stem = path.rsplit("/", 1)[-1][: -len(".md")]
        head = f"---\nname: {_yaml(leaf)}\n---\n\n" if stem != leaf else ""
        head += f"<!-- Imported from the Anki deck {_yaml(deck)}{comment}. -->\n\n"
        folder = path.rpartition("/")[0]
        media = tuple(
            (f"{folder}/media/{name}" if folder else f"media/{name}", source)
            for name, source in sorted(images.get(deck, {}).items())
        )
        files.append(DeckFile(path, deck, head + "\n\n".join(texts) + "\n", media))
    return Conversion(
        files=tuple(sorted(files, key=lambda f: f.path)),
        notes=count,
        kinds=kinds,
        other_types=others,
        sounds=sounds,
        scripts=scripts,
        skipped=tuple(skipped),
        note_ids=note_ids,
        cards=tuple(imported),
    )


# --- shell: reading a package ------------------------------------------------------------------

#: Refuse a package whose files unpack to more than this in all (a zip bomb).
MAX_PACKAGE_BYTES = 4 * 1024**3
#: Refuse a single media file larger than this once unpacked.
MAX_MEDIA_BYTES = 100 * 1024**2
#: Collection schema versions read: 11 (Anki 2.1.x "legacy" packages, genanki), 18 (Anki
#: 2.1.50 and later).
KNOWN_SCHEMAS = frozenset({11, 18})


def _protobuf(data: bytes) -> dict[int, list[Any]]:
    """The fields of a protobuf message (numbers -> varints or bytes), for the few small
    messages of an Anki package (media list, note-type and template configs)."""
    out: dict[int, list[Any]] = {}
    i, n = 0, len(data)

    def varint() -> int:
        nonlocal i
        shift = value = 0
        while True:
            if i >= n or shift > 63:
                raise ValueError("truncated varint")
            byte = data[i]
            i += 1
            value |= (byte & 0x7F) << shift
            shift += 7
            if not byte & 0x80:
                return value

    while i < n:
        key = varint()
        number, wire = key >> 3, key & 7
        if wire == 0:
            value: Any = varint()
        elif wire == 2:
            length = varint()
            if i + length > n:
                raise ValueError("truncated field")
            value, i = data[i : i + length], i + length
        elif wire == 1:
            value, i = data[i : i + 8], i + 8
        elif wire == 5:
            value, i = data[i : i + 4], i + 4
        else:
            raise ValueError(f"unknown wire type {wire}")
        out.setdefault(number, []).append(value)
    return out


@dataclass(frozen=True, slots=True)
class MediaSource:
    """Where each media file of a package is: media name -> zip member, and whether each
    member is zstd-compressed (packages of Anki 2.1.50 and later)."""

    path: Any
    members: Mapping[str, str]
    compressed: bool


def _media_map(archive: Any, path: Any) -> tuple[dict[str, str], bool]:
    from flashcards.anki_package import zstd_decompress
    from flashcards.errors import FlashcardsError

    names = set(archive.namelist())
    meta = _protobuf(archive.read("meta")) if "meta" in names else {}
    modern = bool(meta.get(1)) and meta[1][0] >= 3
    if "media" not in names:
        return {}, modern
    raw = archive.read("media")
    members: dict[str, str] = {}
    try:
        if modern:
            entries = _protobuf(zstd_decompress(raw, 64 * 1024**2)).get(1, [])
            for index, entry in enumerate(entries):
                fields = _protobuf(entry)
                name = fields.get(1, [b""])[0].decode("utf-8")
                member = str(fields[4][0]) if 4 in fields else str(index)
                members[name] = member
        else:
            loaded = json.loads(raw.decode("utf-8") or "{}")
            if not isinstance(loaded, dict):
                raise ValueError("not a map")
            members = {str(name): str(member) for member, name in loaded.items()}
    except (ValueError, UnicodeDecodeError, IndexError) as error:
        raise FlashcardsError(f"{path}: the package's media list is damaged ({error})") from None
    for name, member in members.items():
        problem = media_problem(name)
        if problem:
            raise FlashcardsError(f"{path}: {problem}; refused (a damaged or hostile package)")
        if member not in names:
            raise FlashcardsError(f"{path}: the media file {name!r} is missing from the package")
    return members, modern


def read_media(source: MediaSource, name: str) -> bytes:
    """The bytes of one media file of a package."""
    import zipfile

    from flashcards.anki_package import zstd_decompress
    from flashcards.errors import FlashcardsError

    with zipfile.ZipFile(source.path) as archive:
        info = archive.getinfo(source.members[name])
        if info.file_size > MAX_MEDIA_BYTES:
            raise FlashcardsError(f"{source.path}: the media file {name!r} is too large")
        data = archive.read(info)
    if source.compressed:
        data = zstd_decompress(data, MAX_MEDIA_BYTES)
    return data


def _rows(conn: Any, sql: str) -> list[Any]:
    return conn.execute(sql).fetchall()


def _notetypes(conn: Any, schema: int) -> dict[int, NoteType]:
    if schema == 11:
        models = json.loads(conn.execute("SELECT models FROM col").fetchone()[0] or "{}")
        out = {}
        for model in models.values():
            fields = sorted(model.get("flds", []), key=lambda f: f.get("ord", 0))
            tmpls = sorted(model.get("tmpls", []), key=lambda t: t.get("ord", 0))
            out[int(model["id"])] = NoteType(
                int(model["id"]),
                str(model.get("name", "")),
                int(model.get("type", 0)) == 1,
                tuple(str(f.get("name", "")) for f in fields),
                tuple(str(t.get("qfmt", "")) for t in tmpls),
            )
        return out
    fields: dict[int, list[str]] = {}
    for ntid, _ord, name in _rows(conn, "SELECT ntid, ord, name FROM fields ORDER BY ntid, ord"):
        fields.setdefault(int(ntid), []).append(str(name))
    templates: dict[int, list[str]] = {}
    for ntid, config in _rows(conn, "SELECT ntid, config FROM templates ORDER BY ntid, ord"):
        qfmt = _protobuf(bytes(config or b"")).get(1, [b""])[0]
        templates.setdefault(int(ntid), []).append(bytes(qfmt).decode("utf-8", "replace"))
    out = {}
    for ntid, name, config in _rows(conn, "SELECT id, name, config FROM notetypes"):
        kind = _protobuf(bytes(config or b"")).get(1, [0])[0]
        out[int(ntid)] = NoteType(
            int(ntid),
            str(name),
            kind == 1,
            tuple(fields.get(int(ntid), ())),
            tuple(templates.get(int(ntid), ())),
        )
    return out


def cloze_notetype_ids(conn: Any) -> set[int]:
    """The ids of the note types of the cloze kind in an open Anki collection (none when
    its schema is not one read here)."""
    import sqlite3

    try:
        schema = int(conn.execute("SELECT ver FROM col").fetchone()[0])
        if schema not in KNOWN_SCHEMAS:
            return set()
        return {t.id for t in _notetypes(conn, schema).values() if t.cloze}
    except (sqlite3.DatabaseError, TypeError, ValueError, KeyError):
        return set()


def _decks(conn: Any, schema: int) -> dict[int, str]:
    if schema == 11:
        decks = json.loads(conn.execute("SELECT decks FROM col").fetchone()[0] or "{}")
        return {int(d["id"]): str(d.get("name", "Default")) for d in decks.values()}
    return {
        int(i): str(n).replace("\x1f", "::") for i, n in _rows(conn, "SELECT id, name FROM decks")
    }


#: A card in a filtered deck belongs to its original deck (`odid`).
_CARDS_SQL = """
SELECT nid, ord, CASE WHEN odid != 0 THEN odid ELSE did END, queue FROM cards ORDER BY nid, ord
"""


def read_package(path: Any) -> tuple[AnkiPackage, MediaSource]:
    """Read an Anki package (`.apkg` or `.colpkg`): its notes, cards, note types, decks and
    media list. Refuses damaged and hostile packages with a `FlashcardsError`."""
    import sqlite3
    import zipfile
    from pathlib import Path

    from flashcards.anki_package import collection_bytes
    from flashcards.errors import FlashcardsError

    path = Path(path)
    data, _name = collection_bytes(path)  # not a zip, no collection, not SQLite: refused there
    with zipfile.ZipFile(path) as archive:
        if sum(info.file_size for info in archive.infolist()) > MAX_PACKAGE_BYTES:
            raise FlashcardsError(
                f"{path}: the package unpacks to more than {MAX_PACKAGE_BYTES // 1024**3} GB; "
                "refused (a damaged or hostile package)"
            )
        members, compressed = _media_map(archive, path)
    if data[18:20] == b"\x02\x02":  # WAL mode: an in-memory database needs a rollback journal
        data = data[:18] + b"\x01\x01" + data[20:]
    conn = sqlite3.connect(":memory:")
    try:
        conn.deserialize(data)
        try:
            schema = int(conn.execute("SELECT ver FROM col").fetchone()[0])
        except (sqlite3.DatabaseError, TypeError) as error:
            raise FlashcardsError(f"{path}: not an Anki collection ({error})") from None
        if schema not in KNOWN_SCHEMAS:
            raise FlashcardsError(
                f"{path}: the collection has schema version {schema}, which flashcards does not "
                "read (it reads 11 and 18); export it again from a current Anki"
            )
        notetypes = _notetypes(conn, schema)
        decks = _decks(conn, schema)
        notes = tuple(
            AnkiNote(int(i), str(g), int(m), tuple(str(f).split("\x1f")), tuple(str(t).split()))
            for i, g, m, f, t in _rows(
                conn, "SELECT id, guid, mid, flds, tags FROM notes ORDER BY id"
            )
        )
        cards = tuple(
            AnkiCard(int(n), int(o), int(d), int(q)) for n, o, d, q in _rows(conn, _CARDS_SQL)
        )
    except sqlite3.DatabaseError as error:
        raise FlashcardsError(f"{path}: the Anki collection cannot be read ({error})") from None
    except (ValueError, KeyError, TypeError, AttributeError, IndexError) as error:
        # hand-edited or hostile JSON and protobuf: wrong types where Anki writes objects
        raise FlashcardsError(f"{path}: the Anki collection is damaged ({error})") from None
    finally:
        conn.close()
    package = AnkiPackage(notetypes, decks, notes, cards, frozenset(members))
    return package, MediaSource(path, members, compressed)
