"""ReviewScreen: one card at a time, in phases, each with its own keys.

The phases and which keys work in each, the verdict's words and the choice marks are the
rules of `tui.review_flow`; this screen draws what they say. The footer shows only the keys
of the current phase.

`QuizScreen` subclasses this screen: it logs practice answers instead of reviews.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.content import Content
from textual.notifications import Notification, SeverityLevel
from textual.reactive import reactive
from textual.screen import Screen
from textual.widgets import Input, LoadingIndicator, Markdown, ProgressBar, Static
from textual.worker import get_current_worker

from flashcards.cards import Card, CardKind, Deck
from flashcards.latex import fit_formulas
from flashcards.report import answer_seconds
from flashcards.session import Session, buried_until
from tui import review_flow
from tui.backend import LogEntry
from tui.render import (
    ShownImage,
    back_source,
    expected_text,
    front_source,
    plain,
    side_markdown,
)
from tui.review_flow import GRADE_SHORT, PROPOSED, Checked
from tui.widgets import Footer
from tui.widgets.choice import ChoiceOption, option_text
from tui.widgets.notices import NoticeBar

__all__ = ["ReviewScreen", "Undoable"]

#: Columns around a card's text: the card box's border and padding, a scroll bar, and the
#: Markdown paragraphs' own margins.
CARD_MARGINS = 10


@dataclass(frozen=True, slots=True)
class Undoable:
    """One step `u` can take back: a grade (its log entry), a suspension or a burial, with
    the session and counts as they were before it."""

    action: str  # "grade", "suspend" or "bury"
    card_id: str
    session: Session
    stats: dict[str, float]
    entry: LogEntry | None = None
    #: An answer this grade's 'accept anyway' added to the card's accepted answers.
    accepted: str | None = None


class ReviewScreen(Screen[None]):
    """Study today's queue: every graded review is committed before the next card shows."""

    CSS_PATH = "review.tcss"
    practice = False
    #: Enter within this time after the verdict shows does not accept the proposed grade.
    enter_guard_seconds = 0.3
    #: The clock of the Enter guard (tests replace it to press keys at exact moments).
    guard_clock = staticmethod(time.monotonic)

    BINDINGS = [
        Binding("space", "reveal", "Show answer"),
        Binding("enter", "reveal", "Show answer", show=False),
        Binding("enter", "submit_choice", "Submit"),
        # Enter and `a` after a checked answer: the verdict says what they do, and the
        # footer keeps its room for the grades, `u` and `!`.
        Binding("enter", "accept_grade", "Accept", show=False),
        Binding("enter", "focus_answer", "Answer"),
        *(Binding(str(g), f"grade({g})", f"{GRADE_SHORT[g]}") for g in range(6)),
        Binding("a", "accept_anyway", "It's right", show=False),
        # Under FSRS: Anki's four buttons (review_flow.FSRS_KEYS).
        *(Binding(str(k), f"fsrs_grade({k})", name) for k, name in review_flow.FSRS_KEYS.items()),
        Binding("escape", "cancel_check", "Cancel"),
        Binding("escape", "give_up", "Show answer"),
        Binding("u", "undo", "Undo"),
        Binding("exclamation_mark", "suspend", "Suspend", key_display="!"),
        Binding("minus", "bury", "Bury", key_display="-"),
        Binding("e", "edit", "Edit"),
        Binding("i", "info", "Info"),
        Binding("o", "open_image", "Image"),
        # The same keys once the answer shows, kept out of the footer to leave room for grades.
        Binding("minus", "bury('quiet')", "Bury", show=False),
        Binding("e", "edit('quiet')", "Edit", show=False),
        Binding("i", "info('quiet')", "Info", show=False),
        Binding("o", "open_image('quiet')", "Image", show=False),
        Binding("up", "scroll_card(-1)", "Scroll", show=False),
        Binding("down", "scroll_card(1)", "Scroll", show=False),
        Binding("pageup", "scroll_card(-10)", "Scroll", show=False),
        Binding("pagedown", "scroll_card(10)", "Scroll", show=False),
        Binding("q", "leave", "End"),
        # Esc ends the session only from a question: pressed again after Esc showed an
        # answer, it must not throw the rest of the session (or a quiz) away.
        Binding("escape", "leave('escape')", "End", show=False),
    ]

    phase: reactive[str] = reactive("question", init=False)
    #: The text width the card's formulas were last fitted to.
    _fitted_width = 0

    def __init__(self, queue: list[str], graded: list[str] | None = None) -> None:
        super().__init__()
        self.session = Session.start(queue, graded or ())
        self.total = len(self.session.pending)
        self.undo_stack: list[Undoable] = []
        self.card: Card | None = None
        self.deck: Deck | None = None
        self.images: list[ShownImage] = []
        self.shown_at = 0.0
        self.verdict_at = 0.0
        self.typed = ""
        self.checked: Checked | None = None
        self.proposed: int | None = None
        #: The session's numbers for the summary; `seconds` is the time spent answering,
        #: the sum of the answers' logged times (`flashcards.report.answer_seconds`).
        self.stats: dict[str, float] = {"reviewed": 0, "correct": 0, "seconds": 0.0}
        self.choices: list[ChoiceOption] = []
        #: The answer 'accept anyway' is adding while its grade is saved.
        self._accepting: str | None = None
        #: Whether each ungraded card is new, read from the collection once (see `_is_new`).
        self._new: dict[str, bool | None] = {}
        #: Notices about the card on screen, taken away when another card shows.
        self._card_notices: list[Notification | None] = []
        #: The card sides as rendered, before fitting their formulas to the width.
        self._sides: dict[str, str] = {}

    # -- layout -----------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        with Horizontal(id="top"):
            yield ProgressBar(total=max(1, self.total), show_eta=False, id="progress")
            yield Static("", id="remaining", classes="quiet")
        yield Static("", id="meta", classes="quiet")
        with VerticalScroll(id="card"):
            yield Markdown("", id="front")
            yield VerticalScroll(id="choices")
            yield Input(
                placeholder=review_flow.answer_prompt(CardKind.MATH),
                id="answer",
                select_on_focus=False,
            )
            yield Static("", id="preview", classes="quiet")
            yield LoadingIndicator(id="spinner")
            yield Static("", id="verdict")
            yield Markdown("", id="back")
        yield NoticeBar()
        yield Footer(show_command_palette=False, compact=True)

    def on_mount(self) -> None:
        self.app.show_notices()
        self.show_next()

    def card_notice(
        self,
        message: str,
        *,
        severity: SeverityLevel = "information",
        timeout: float | None = None,
        markup: bool = False,
    ) -> None:
        """A notice about the card on screen: it goes when another card shows (or the
        session ends), instead of staying over the next cards."""
        self._card_notices.append(
            self.app.notify(message, severity=severity, timeout=timeout, markup=markup)
        )

    def dismiss_card_notices(self) -> None:
        notices, self._card_notices = self._card_notices, []
        self.app.dismiss_notices(notices)

    # -- bindings per phase -----------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action not in review_flow.REVIEW_ACTIONS:
            return True
        return review_flow.allowed(action, parameters, self._situation())

    def _situation(self) -> review_flow.Situation:
        """The screen as the phase rules see it."""
        return review_flow.Situation(
            phase=self.phase,
            kind=self.card.kind if self.card else None,
            choices=len(self.choices),
            proposed=self.proposed is not None,
            can_accept_anyway=self._can_accept_anyway(),
            can_undo=bool(self.undo_stack),
            has_image=any(i.path for i in self.images),
            can_edit=self.app.deck_loader is not None,
            practice=self.practice,
            scheduler=self._scheduler(),
        )

    def _scheduler(self) -> str:
        """The scheduler of the shown card's deck ("sm2" or "fsrs"), from the collection."""
        return "sm2" if self.deck is None else self.app.backend.scheduler(self.deck.name)

    def watch_phase(self, _old: str, _new: str) -> None:
        self.refresh_bindings()

    def on_descendant_blur(self, event: events.DescendantBlur) -> None:
        # Leaving the answer box (Tab, a click) turns the keys back into commands.
        if self.phase == "typing" and event.widget is self._answer_box():
            self.phase = "question"

    def on_descendant_focus(self, event: events.DescendantFocus) -> None:
        if self.phase == "question" and event.widget is self._answer_box():
            self.phase = "typing"

    def _answer_box(self) -> Input | None:
        return self.query_one("#answer", Input) if self.is_mounted else None

    # -- showing a card ---------------------------------------------------------------------

    def show_next(self) -> None:
        card_id = self.session.current
        while card_id is not None and card_id not in self.app.cards:
            self.session = self.session.skip(card_id)  # removed from the decks meanwhile
            card_id = self.session.current
        if card_id is None:
            self.finish()
            return
        card, deck = self.app.cards[card_id]
        self.show_card(card, deck)
        self._maybe_warm_up()

    def show_card(self, card: Card, deck: Deck) -> None:
        self.dismiss_card_notices()
        self.card, self.deck = card, deck
        self.typed, self.checked, self.proposed = "", None, None
        self.shown_at = self.app.clock()
        tags = " ".join(f"#{plain(t)}" for t in dict.fromkeys((*deck.tags, *card.note.tags)))
        where = plain(deck.name)
        if card.kind is CardKind.REVERSIBLE:
            where += "  ·  reverse" if card.ordinal == 1 else ""
        if self._scheduler() == "fsrs":
            where += "  ·  FSRS: 1 Again 2 Hard 3 Good 4 Easy"
        # Content: deck names and tags are untrusted text, never markup
        self.query_one("#meta", Static).update(Content(f"{where}   {tags}".rstrip()))
        front, self.images = side_markdown(front_source(card), deck.macro_map, deck.path)
        if card.kind is CardKind.CLOZE:
            front = front or "(empty)"
        self._show_markdown("#front", front)
        self._show_markdown("#back", "")
        self.query_one("#back").display = False
        self.query_one("#verdict", Static).update("")
        self.query_one("#verdict").display = True
        self.query_one("#preview", Static).update("")
        self.query_one("#spinner").display = False
        answer = self.query_one("#answer", Input)
        answer.value = ""
        answer.disabled = False
        self._build_choices(card)
        self._update_progress()
        if card.kind in (CardKind.MATH, CardKind.TEXT):
            answer.placeholder = review_flow.answer_prompt(card.kind)
            answer.display = True
            self.query_one("#preview").display = card.kind is CardKind.MATH
            self.phase = "typing"
            answer.focus()
        else:
            answer.display = False
            self.query_one("#preview").display = False
            self.phase = "question"
            self.set_focus(None)
        self.query_one("#card", VerticalScroll).scroll_home(animate=False)
        # What the footer offers depends on the card too (undo, image, edit), not only on
        # the phase: a phase that stays the same does not refresh it.
        self.refresh_bindings()

    def _build_choices(self, card: Card) -> None:
        box = self.query_one("#choices", VerticalScroll)
        box.remove_children()
        self.choices = []
        if card.kind is CardKind.CHOICE:
            for i, choice in enumerate(card.note.choices):
                text, _ = side_markdown(choice.text, self.deck.macro_map if self.deck else None)
                self.choices.append(ChoiceOption(i, plain(option_text(text))))
            box.mount_all(self.choices)
            box.display = True
        else:
            box.display = False

    def _update_progress(self) -> None:
        done = len(self.session.done)
        total = max(self.total, done + len(self.session.pending))
        bar = self.query_one("#progress", ProgressBar)
        bar.update(total=max(1, total), progress=done)
        new = review = repeat = 0
        for cid in self.session.pending:
            if cid in self.session.graded:
                repeat += 1
            elif self.practice:
                review += 1
            elif (is_new := self._is_new(cid)) is None:
                continue
            elif is_new:
                new += 1
            else:
                review += 1
        if self.practice:
            text = f"{len(self.session.pending)} left"
        else:
            text = f"{new} new · {review} review · {repeat} repeat"
        self.query_one("#remaining", Static).update(text)

    def _is_new(self, card_id: str) -> bool | None:
        """Whether a card not graded in this session is new (None: not in the collection).

        Read once per card: such a card's state stays as it was until it is graded (an undo
        puts it back), and the count is redrawn for every card shown.
        """
        if card_id not in self._new:
            try:
                self._new[card_id] = self.app.backend.state(card_id).is_new
            except KeyError:
                self._new[card_id] = None
        return self._new[card_id]

    def _maybe_warm_up(self) -> None:
        """Start the answer checker when a math card is among the next few."""
        for cid in self.session.pending[:4]:
            entry = self.app.cards.get(cid)
            if entry and entry[0].kind is CardKind.MATH:
                self.app.warm_up_checker()
                return

    def show_back(self) -> None:
        assert self.card is not None and self.deck is not None
        card, deck = self.card, self.deck
        if card.kind is CardKind.CLOZE:
            front, _ = side_markdown(front_source(card, reveal=True), deck.macro_map, deck.path)
            self._show_markdown("#front", front)
        back, images = side_markdown(back_source(card), deck.macro_map, deck.path)
        self.images += images
        if back.strip():
            self._show_markdown("#back", back)
            self.query_one("#back").display = True

    def _show_markdown(self, selector: str, markdown: str) -> None:
        """Show a card side, its formulas fitted to the card's width (see `fit_formulas`):
        on a phone, a formula wider than the card breaks after a top-level sign, not inside."""
        self._sides[selector] = markdown
        self._fitted_width = self._text_width()
        self.query_one(selector, Markdown).update(fit_formulas(markdown, self._fitted_width))

    def _text_width(self) -> int:
        """Columns of a card's text: the card box less its border, padding and scroll bar,
        and the Markdown's own margins."""
        return max(10, self.app.size.width - CARD_MARGINS)

    def on_resize(self, event: events.Resize) -> None:
        if self._sides and self._text_width() != self._fitted_width:
            for selector, markdown in self._sides.items():
                self._show_markdown(selector, markdown)

    # -- question phase ---------------------------------------------------------------------

    def action_reveal(self) -> None:
        self.show_back()
        self.proposed = None
        self.verdict_at = self.guard_clock()
        verdict = self.query_one("#verdict", Static)
        verdict.update("")
        verdict.remove_class("right", "wrong")
        verdict.display = False
        self.phase = "verdict"
        self._explain_grades()

    def _explain_grades(self) -> None:
        """The first time grades show in this app (not in a quiz, where no grade brings a
        card back), a line above the footer's grade keys says what Hard does; it goes when
        the next card shows. Not in the card: it is about the keys, not this answer."""
        if self.app.grades_explained or self.practice:
            return
        self.app.grades_explained = True
        fsrs = self._scheduler() == "fsrs"
        self.card_notice(
            review_flow.FSRS_HARD_NOTE if fsrs else review_flow.HARD_NOTE, timeout=3600
        )

    @on(ChoiceOption.Clicked)
    def choice_clicked(self, event: ChoiceOption.Clicked) -> None:
        self.toggle_choice(event.index)

    def toggle_choice(self, index: int) -> None:
        if self.phase != "question" or not (0 <= index < len(self.choices)):
            return
        option = self.choices[index]
        option.selected = not option.selected
        option.show()

    def on_key(self, event: events.Key) -> None:
        # Letters pick choices (numbers are grades); only while the question is up.
        if (
            self.phase == "question"
            and self.card is not None
            and self.card.kind is CardKind.CHOICE
            and event.character
            and len(event.character) == 1
            and "a" <= event.character <= "z"
        ):
            index = ord(event.character) - ord("a")
            if index < len(self.choices):
                event.stop()
                event.prevent_default()
                self.toggle_choice(index)

    def action_submit_choice(self) -> None:
        assert self.card is not None
        if not any(o.selected for o in self.choices):
            last = chr(ord("a") + len(self.choices) - 1)
            self.card_notice(f"Pick your answer first: a-{last} tick options, then Enter.")
            return
        selected = [o.selected for o in self.choices]
        correct = [c.correct for c in self.card.note.choices]
        marks, right = review_flow.mark_choices(selected, correct)
        for option, mark in zip(self.choices, marks, strict=False):
            option.mark = mark
            option.show()
        picked = review_flow.picked_letters(selected)
        self.typed = picked
        self.checked = Checked(right, "correct" if right else "wrong", "", picked)
        self.show_verdict()

    def action_focus_answer(self) -> None:
        self.query_one("#answer", Input).focus()
        self.phase = "typing"

    # -- typing and checking ----------------------------------------------------------------

    @on(Input.Changed, "#answer")
    def preview_reading(self, event: Input.Changed) -> None:
        if self.card is None or self.card.kind is not CardKind.MATH or self.phase != "typing":
            return
        preview = _reading_preview(event.value, self.card, self.deck)
        self.query_one("#preview", Static).update(Content(preview))

    @on(Input.Submitted, "#answer")
    def submit_answer(self, event: Input.Submitted) -> None:
        event.stop()
        if self.phase != "typing" or self.card is None:
            return
        self.typed = event.value
        if not self.typed.strip():
            self.card_notice("Type an answer, or press Esc to see it.")
            return
        if self._accepted_before(self.typed):
            self.checked = review_flow.ACCEPTED_BEFORE
            self.show_verdict()
            return
        if self.card.kind is CardKind.TEXT:
            spec = self.card.note.text
            self.checked = (
                review_flow.judged_text(self.card.kind, self.typed, spec.answer, spec.alternatives)
                if spec is not None
                else Checked(False, "wrong", "", self.typed)
            )
            self.show_verdict()
            return
        self.phase = "checking"
        self.query_one("#answer", Input).disabled = True
        self.query_one("#spinner").display = True
        self.query_one("#verdict", Static).update("checking…")
        self.run_check(self.card, self.deck, self.typed)

    @work(thread=True, exclusive=True, group="answers", exit_on_error=False)
    def run_check(self, card: Card, deck: Deck | None, typed: str) -> None:
        try:
            checked = review_flow.checked_from_verdict(self.app.check_answer(card, deck, typed))
        except Exception as error:  # noqa: BLE001 - the checker failing must not end the session
            checked = Checked(False, "error", f"The answer could not be checked: {error}", "")
        if not get_current_worker().is_cancelled:
            self.app.call_from_thread(self.answer_checked, card.id, typed, checked)

    def answer_checked(self, card_id: str, typed: str, checked: Checked) -> None:
        if self.phase != "checking" or self.card is None or self.card.id != card_id:
            return  # cancelled, or another card by now
        self.typed = typed
        if checked.status == "unreadable":
            # A typo (an unclosed bracket, a stray sign) is not an answer: back to the box.
            # The line under the box usually says already what cannot be read, and where.
            why = checked.feedback.strip().splitlines()[0] if checked.feedback.strip() else ""
            shown = str(self.query_one("#preview", Static).render())
            why = "" if not why or why.rstrip(".") in shown else f" ({why.rstrip('.')})"
            self._back_to_typing(
                f"Could not read that answer{why}: fix it and press Enter, or Esc to see the "
                "answer."
            )
            return
        self.checked = checked
        self.show_verdict()

    def _back_to_typing(self, message: str) -> None:
        self.query_one("#spinner").display = False
        self.query_one("#verdict", Static).update(Content(message))
        answer = self.query_one("#answer", Input)
        answer.disabled = False
        self.phase = "typing"
        answer.focus()

    def action_cancel_check(self) -> None:
        self.workers.cancel_group(self, "answers")
        self._back_to_typing("Check cancelled; edit and press Enter again.")

    def action_give_up(self) -> None:
        self.typed = self.query_one("#answer", Input).value
        self.checked = Checked(False, "skipped", "", self.typed)
        self.show_verdict(gave_up=True)

    def show_verdict(self, gave_up: bool = False) -> None:
        assert self.card is not None and self.deck is not None and self.checked is not None
        checked = self.checked
        self.query_one("#spinner").display = False
        self.query_one("#preview").display = False  # the verdict says how it was read
        answer = self.query_one("#answer", Input)
        answer.disabled = True
        self.set_focus(None)
        self.proposed = PROPOSED[checked.accepted]
        lines = review_flow.verdict_lines(
            checked,
            self.card.kind,
            expected_text(self.card, self.deck),
            gave_up=gave_up,
            can_accept=self._can_accept_anyway(),
            scheduler=self._scheduler(),
        )
        verdict = self.query_one("#verdict", Static)
        verdict.display = True
        verdict.update(Content(plain("\n".join(lines))))
        verdict.set_class(checked.accepted, "right")
        verdict.set_class(not checked.accepted, "wrong")
        self.show_back()
        self.verdict_at = self.guard_clock()
        self.phase = "verdict"
        self._explain_grades()

    # -- verdict phase: grading -------------------------------------------------------------

    def action_accept_grade(self) -> None:
        # An Enter that arrives right after the verdict was typed ahead of it: never a grade.
        if self.guard_clock() - self.verdict_at < self.enter_guard_seconds:
            return
        if self.proposed is not None:
            self.action_grade(self.proposed)

    def _saved(self, what: str, write: Callable[..., object], *args: object) -> bool:
        """Run one write to the collection; on failure say so and go on (nothing changed)."""
        from flashcards.errors import FlashcardsError

        try:
            write(*args)
        except FlashcardsError as error:
            self.notify(
                f"{what} was not saved: {error}", severity="error", markup=False, timeout=10
            )
            return False
        return True

    def _accepted_before(self, typed: str) -> bool:
        """Whether the learner accepted this very answer for the card before (`a`)."""
        assert self.card is not None
        try:
            accepted = self.app.backend.accepted_answers(self.card.id)
        except Exception:  # noqa: BLE001 - the checker still judges the answer
            return False
        return review_flow.accepted_before(self.card.kind, typed, accepted)

    def _can_accept_anyway(self) -> bool:
        """Whether the learner may overrule the rejected answer on screen (see
        `review_flow.can_accept_anyway`)."""
        kind = self.card.kind if self.card else None
        return review_flow.can_accept_anyway(self.practice, kind, self.checked, self.typed)

    def action_accept_anyway(self) -> None:
        assert self.card is not None
        answer = self.typed.strip()
        added: list[bool] = []
        if not self._saved(
            "The accepted answer",
            lambda: added.append(bool(self.app.backend.add_accepted_answer(self.card.id, answer))),
        ):
            return
        self.checked = Checked(True, "correct", review_flow.ACCEPTED_NOW, self.typed)
        self.notify("Accepted; `flashcards check` lists it for the deck's author.")
        # undoing this grade takes the answer back too (unless it was accepted before)
        self._accepting = answer if added and added[0] else None
        try:
            self.action_grade(PROPOSED[True])
        finally:
            self._accepting = None

    def action_fsrs_grade(self, key: int) -> None:
        """A key 1-4 under FSRS: the button's SM-2 grade is what the log records."""
        self.action_grade(review_flow.grade_of_key(key, "fsrs"))

    def action_grade(self, grade: int) -> None:
        if self.phase != "verdict" or self.card is None:
            return
        card = self.card
        seconds = answer_seconds(self.shown_at, self.app.clock())
        kind = "practice" if self.practice else self.session.kind_of(card.id)
        verdict = self.checked.status if self.checked else None
        from flashcards.errors import FlashcardsError

        try:
            entry = self.app.backend.grade(
                card.id,
                grade,
                self.app.today,
                kind,
                answer=self.typed or None,
                verdict=verdict,
                seconds=seconds,
            )
        except FlashcardsError as error:
            # full disk, read-only folder, locked too long: the grade is not saved, so the
            # card stays on screen to grade again, and the session goes on
            self.card_notice(
                f"The grade was not saved: {error}", severity="error", markup=False, timeout=10
            )
            return
        self._remember("grade", card.id, entry, accepted=self._accepting)
        self.stats["reviewed"] += 1
        self.stats["correct"] += int(review_flow.recalled(grade))
        self.stats["seconds"] += seconds
        self.after_grade(card, grade, entry)

    def after_grade(self, card: Card, grade: int, entry: LogEntry) -> None:
        """Move the session on; a grade that made the card a leech (the collection suspended
        it) says so, and the card leaves the session."""
        if entry.leech:
            self.notify(
                f"This card has lapsed {entry.after.lapses} times: it is a leech and is "
                "suspended. Consider rewriting it (e).",
                title="Leech",
                severity="warning",
                timeout=8,
            )
        self.session = self.session.after_grade(card.id, grade, suspended=entry.leech)
        self.show_next()

    # -- any phase --------------------------------------------------------------------------

    def _remember(
        self,
        action: str,
        card_id: str,
        entry: LogEntry | None = None,
        accepted: str | None = None,
    ) -> None:
        """Keep what `u` needs to take this step back."""
        stats = dict(self.stats)
        self.undo_stack.append(Undoable(action, card_id, self.session, stats, entry, accepted))

    def action_undo(self) -> None:
        if not self.undo_stack:
            return
        step = self.undo_stack[-1]
        backend = self.app.backend
        if step.action == "grade":
            assert step.entry is not None
            if not self._saved("The undo", backend.undo, step.entry):
                return
            entry = step.entry
            if entry.kind == "review" and backend.state(entry.card_id) != entry.before:
                self.notify("Undo did not restore the card's state.", severity="error")
            if step.accepted is not None:
                self._saved(
                    "Forgetting the accepted answer",
                    backend.remove_accepted_answer,
                    step.card_id,
                    step.accepted,
                )
            message = "Undone; the card is shown again."
        elif step.action == "suspend":
            if not self._saved("The undo", backend.unsuspend, step.card_id):
                return
            message = "Unsuspended; the card is shown again."
        else:
            if not self._saved("The undo", backend.unbury, step.card_id):
                return
            message = "No longer buried; the card is shown again."
        self.undo_stack.pop()
        self.session = step.session
        self.stats.update(step.stats)
        self.notify(message)
        self.show_next()

    def action_suspend(self) -> None:
        assert self.card is not None
        card_id = self.card.id
        if not self._saved("The suspension", self.app.backend.suspend, card_id):
            return
        self._remember("suspend", card_id)
        self.notify("Suspended: it will not come again (u takes it back; `flashcards suspended`).")
        self.session = self.session.skip(card_id)
        self.show_next()

    def action_bury(self, _quiet: str = "") -> None:
        assert self.card is not None
        card_id = self.card.id
        if not self._saved("Burying", self.app.backend.bury, card_id, buried_until(self.app.today)):
            return
        self._remember("bury", card_id)
        self.notify("Buried until tomorrow (u takes it back).")
        self.session = self.session.skip(card_id)
        self.show_next()

    def action_edit(self, _quiet: str = "") -> None:
        assert self.card is not None and self.deck is not None
        card = self.card
        edited = self.app.edit_card(card, self.deck)
        self.notify(edited.message, severity=edited.severity, timeout=edited.timeout, markup=False)
        if not edited.reloaded:
            return
        if edited.now is None:
            self.session = self.session.skip(card.id)
            self.show_next()
            return
        new_card, new_deck = edited.now
        if new_card.id != card.id:
            self.session = self.session.replace_card(card.id, new_card.id)
        self.show_card(new_card, new_deck)

    def action_info(self, _quiet: str = "") -> None:
        assert self.card is not None and self.deck is not None
        from tui.screens.info import InfoScreen

        self.app.push_screen(InfoScreen(self.card, self.deck))

    def action_open_image(self, _quiet: str = "") -> None:
        paths = [i.path for i in self.images if i.path]
        if paths:
            self.open_file(paths[0])

    @work(thread=True, exit_on_error=False)
    def open_file(self, path: Path) -> None:
        try:
            self.app.opener(path)
        except OSError as error:
            self.app.call_from_thread(
                self.card_notice,
                f"Could not open the image: {error}",
                severity="error",
                markup=False,
            )

    def action_scroll_card(self, lines: int) -> None:
        """Scroll a card longer than the screen (the answer box keeps its own keys)."""
        self.query_one("#card", VerticalScroll).scroll_relative(y=lines, animate=False)

    def action_leave(self, _key: str = "") -> None:
        self.finish()

    def finish(self) -> None:
        from tui.screens.summary import SummaryScreen

        self.dismiss_card_notices()
        self.phase = "done"
        self.app.switch_screen(SummaryScreen(dict(self.stats)))


def _reading_preview(typed: str, card: Card, deck: Deck | None = None) -> str:
    """How the checker will read the input (its grammar only, no sympy); "" for no input.

    The reading is the check's own: with the card's expected answer and options, so a σ the
    expected answer writes as a function (the logistic σ(x)) is one here too.
    """
    if not typed.strip():
        return ""
    try:
        from flashcards.answers import read_answer
        from flashcards.answers.grammar import error_text
    except ImportError:
        return ""
    spec = card.note.math
    if spec is None:
        return ""
    macros = deck.macro_map if deck is not None else None
    try:
        reading = read_answer(typed, expected=spec.expected, **spec.options(), macros=macros)
    except Exception as error:  # noqa: BLE001 - the preview never stops typing
        return f"cannot read this yet: {error}"
    return plain(f"read as: {reading.pretty}" if reading.ok else error_text(reading))
