"""The plain values a deck is made of: notes, the cards they make, and decks."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from flashcards.identity import card_id
from flashcards.kinds import CardKind  # its home; also importable from here


@dataclass(frozen=True, slots=True)
class Choice:
    """One option of a choice card."""

    text: str
    correct: bool


#: How a math card compares answers, and the forms it may require (MathSpec.mode / .form).
ANSWER_MODES = ("expression", "equation", "antiderivative", "any_antiderivative", "set", "list")
ANSWER_FORMS = ("simplified", "factored", "expanded")


@dataclass(frozen=True, slots=True)
class MathSpec:
    """What a math card expects and how the typed answer is checked.

    The fields other than `accept` and `reject` are exactly the keyword options of
    `flashcards.answers.check_answer`, so a card's declarations reach it unchanged.
    """

    expected: str
    definitions: tuple[str, ...] = ()
    assumptions: tuple[str, ...] = ()
    names: tuple[str, ...] = ()
    mode: str = "expression"
    form: str | None = None
    rel_tol: float | None = None
    abs_tol: float | None = None
    #: Numbers are compared after rounding both to this many significant figures.
    sig_figs: int | None = None
    #: Example answers that must be accepted / rejected, with their deck lines.
    accept: tuple[tuple[str, int], ...] = ()
    reject: tuple[tuple[str, int], ...] = ()

    def options(self) -> dict[str, Any]:
        """The keyword options for `check_answer`."""
        return {
            "definitions": self.definitions,
            "assumptions": self.assumptions,
            "names": self.names,
            "mode": self.mode,
            "form": self.form,
            "rel_tol": self.rel_tol,
            "abs_tol": self.abs_tol,
            "sig_figs": self.sig_figs,
        }


@dataclass(frozen=True, slots=True)
class TextSpec:
    """What a typed-text card expects."""

    answer: str
    alternatives: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class ImageRef:
    """An image a note shows, as written in the deck (relative to the deck file)."""

    src: str
    alt: str
    line: int


@dataclass(frozen=True, slots=True)
class Note:
    """One written entry of a deck; it makes one or more cards.

    `front` and `back` are Markdown source. For a cloze note `front` holds the text
    with its `{{cN::...}}` deletions and `back` any extra text shown after.
    """

    id: str
    kind: CardKind
    front: str
    back: str
    line: int
    end_line: int
    tags: tuple[str, ...] = ()
    explicit_id: bool = False
    choices: tuple[Choice, ...] = ()
    math: MathSpec | None = None
    text: TextSpec | None = None
    images: tuple[ImageRef, ...] = ()
    #: Cloze numbers in order of first appearance (cloze notes only).
    cloze_numbers: tuple[int, ...] = ()

    @property
    def ordinals(self) -> tuple[int, ...]:
        """The ordinals of the cards this note makes."""
        if self.kind is CardKind.CLOZE:
            return tuple(sorted(self.cloze_numbers))
        if self.kind is CardKind.REVERSIBLE:
            return (0, 1)
        return (0,)

    @property
    def cards(self) -> tuple[Card, ...]:
        return tuple(Card(self, ordinal) for ordinal in self.ordinals)


@dataclass(frozen=True, slots=True)
class Card:
    """One studied item: a note seen from one side or with one cloze number hidden."""

    note: Note
    ordinal: int

    @property
    def id(self) -> str:
        return card_id(self.note.id, self.ordinal)

    @property
    def kind(self) -> CardKind:
        return self.note.kind

    @property
    def siblings(self) -> tuple[str, ...]:
        """Ids of the other cards of the same note."""
        return tuple(card_id(self.note.id, o) for o in self.note.ordinals if o != self.ordinal)


@dataclass(frozen=True, slots=True)
class Deck:
    """One deck file, parsed."""

    name: str
    path: Path
    notes: tuple[Note, ...] = ()
    description: str = ""
    sources: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    #: LaTeX macros from the front matter: name (with backslash) -> replacement.
    macros: tuple[tuple[str, str], ...] = ()
    #: Card-option defaults from the front matter (answer-block keys).
    defaults: tuple[tuple[str, Any], ...] = field(default=())
    #: The file's text as parsed (line ends normalised): sync stores it, so that a machine
    #: without the file rebuilds the deck from it (`flashcards.stored`). Not compared: the
    #: deck is its parsed values.
    text: str = field(default="", compare=False, repr=False)

    @property
    def cards(self) -> tuple[Card, ...]:
        return tuple(card for note in self.notes for card in note.cards)

    @property
    def macro_map(self) -> dict[str, str]:
        return dict(self.macros)
