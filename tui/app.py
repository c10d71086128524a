"""FlashcardsApp: wires the collection, the decks and the screens together.

The first screen is drawn before any deck is read: the deck list comes from the collection,
and the decks are loaded and synced in a worker that refreshes it when done.
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from textual import events
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.message import Message
from textual.notifications import Notification, SeverityLevel
from textual.screen import Screen
from textual.worker import Worker, WorkerState

from flashcards.cards import Card, Deck
from flashcards.errors import Problem
from flashcards.session import DEFAULT_LEECH_THRESHOLD
from flashcards.text import plural
from tui.backend import Backend, card_index, in_decks

if TYPE_CHECKING:
    from flashcards.answers.verdict import Verdict
    from flashcards.config import Settings
    from flashcards.store import Store
    from flashcards.stored import RebuiltDecks
    from tui.screens.decks import DecksScreen

#: Runs the editor on a file at a line; blocking, returns when the editor exits.
EditorRunner = Callable[[Path, int], None]
#: Counts work done: (done, total).
Progress = Callable[[int, int], None]
#: Loads the decks, reporting files read: (decks, problems). Called in a worker thread.
DeckLoader = Callable[[Progress | None], tuple[list[Deck], list[Problem]]]
#: Takes the day's backup of the collection, passing a failure's message to its argument.
#: Called in a worker thread once the first screen is drawn.
DailyBackup = Callable[[Callable[[str], None]], object]
#: Checks a math answer in place of `flashcards.answers.check_answer` (tests give one):
#: (expected, given, the card's options, the deck's macros) -> Verdict.
Checker = Callable[[str, str, dict[str, Any], dict[str, str] | None], "Verdict"]


#: New cards a press of `n` adds to today's limit (for this run of the app only).
MORE_NEW = 20


@dataclass(frozen=True, slots=True)
class NewCardsWaiting:
    """Decks whose new cards today's new-card limit leaves out."""

    #: The decks asked for (None: every deck).
    decks: tuple[str, ...] | None
    #: New cards they have that the limit leaves out.
    count: int


@dataclass(frozen=True, slots=True)
class Edited:
    """What editing the deck file of the card on screen came to, to tell the learner."""

    message: str
    severity: SeverityLevel = "information"
    #: Seconds the message stays (None: the app's default).
    timeout: float | None = None
    #: The file changed and was read and synced again.
    reloaded: bool = False
    #: The card as it is now, with its deck (None: gone from the deck, or not reloaded).
    now: tuple[Card, Deck] | None = None


@dataclass(frozen=True, slots=True)
class StudyOptions:
    """What to study: some decks (and their sub-decks), a tag, or a quiz."""

    decks: tuple[str, ...] | None = None
    tag: str | None = None
    quiz: bool = False
    count: int = 20
    seed: int | None = None
    leech_threshold: int = DEFAULT_LEECH_THRESHOLD
    #: Show only the decks loaded from the given paths (not every deck of the collection).
    only_loaded: bool = False


def system_opener(path: Path) -> None:
    """Open a file with the system viewer (`open` on macOS, `xdg-open` elsewhere)."""
    opener = "open" if sys.platform == "darwin" else "xdg-open"
    try:
        subprocess.run(
            [opener, str(path)],
            check=False,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            timeout=30,
        )
    except subprocess.SubprocessError as error:
        raise OSError(str(error)) from error


def system_editor(path: Path, line: int) -> None:
    """Open `$VISUAL` or `$EDITOR` (default `vi`) at `path:line` and wait for it."""
    import shlex

    editor = os.environ.get("VISUAL") or os.environ.get("EDITOR") or "vi"
    command = [*shlex.split(editor)]
    name = Path(command[0]).name
    if name in ("code", "codium", "subl", "zed"):
        command += ["--wait", "--goto", f"{path}:{line}"] if name != "subl" else [f"{path}:{line}"]
    else:
        command += [f"+{line}", str(path)]
    subprocess.run(command, check=False)


def decks_screen() -> DecksScreen:
    """The first screen: the deck list."""
    from tui.screens.decks import DecksScreen

    return DecksScreen()


class SyncProgress(Message):
    """How far the deck worker has got, posted from its thread.

    Posting never waits for the screens: the worker may hold the store's lock while it
    reports (a sync reports inside its transaction), and a screen that reads the store at that
    moment would otherwise wait for the worker while the worker waits for the screen.
    """

    def __init__(self, text: str) -> None:
        super().__init__()
        self.text = text


class FlashcardsApp(App[None]):
    """The study app: the deck list, reviews, quizzes, and the summary."""

    # The deck list's style sheet is read with the app's: loaded with its screen instead,
    # it made Textual parse every style sheet again before the first frame.
    CSS_PATH = ["app.tcss", "screens/decks.tcss"]
    TITLE = "flashcards"
    # The deck list is the base screen itself, not pushed over an empty one: the first frame
    # drawn is the deck list's, and one screen fewer is mounted and drawn at start.
    MODES = {"decks": decks_screen}
    DEFAULT_MODE = "decks"
    BINDINGS = [
        Binding("question_mark", "help", "Help", key_display="?"),
        Binding("ctrl+t", "toggle_theme", "Theme", show=False),
        Binding("s", "stats", "Stats", show=False),
        Binding("ctrl+q", "quit", "Quit", show=False, priority=True),
    ]

    def __init__(
        self,
        store: Store | Backend,
        decks: Sequence[Deck] | None = None,
        problems: Sequence[Problem] = (),
        *,
        today: date,
        settings: Settings | None = None,
        options: StudyOptions | None = None,
        deck_loader: DeckLoader | None = None,
        editor: EditorRunner | None = None,
        opener: Callable[[Path], None] | None = None,
        checker: Checker | None = None,
        roots: Sequence[Path] = (),
        clock: Callable[[], float] | None = None,
        exit_after_first_screen: bool = False,
        daily_backup: DailyBackup | None = None,
        on_first_screen: Callable[[], None] | None = None,
        stored_decks: Iterable[str] = (),
    ) -> None:
        super().__init__()
        self.store = store
        self.backend: Backend = as_backend(store, settings, roots)
        self.decks: list[Deck] = list(decks or [])
        self.problems: list[Problem] = list(problems)
        self.today = today
        self.settings = settings
        self.options = options or StudyOptions(
            leech_threshold=(
                DEFAULT_LEECH_THRESHOLD if settings is None else settings.leech_threshold
            )
        )
        self.deck_loader = deck_loader
        self.editor: EditorRunner = editor or system_editor
        #: Opens an image file in a viewer (injectable, so tests open nothing).
        self.opener = opener or system_opener
        self.checker = checker
        #: Seconds on a monotonic clock: time per card and per session (tests fix it).
        self.clock = clock or time.monotonic
        self.exit_after_first_screen = exit_after_first_screen
        self.daily_backup = daily_backup
        #: Called once the first screen is drawn (the study command resumes the garbage
        #: collector it paused for start-up).
        self.on_first_screen = on_first_screen
        #: With `options.only_loaded`, the decks the collection holds from the given paths:
        #: the deck list shows them (with their counts) until the files are read.
        self.stored_decks = frozenset(stored_decks)
        #: Decks of another machine (their files are not here), rebuilt from the text the
        #: collection keeps: studied like the others, but not editable here.
        self.elsewhere: list[Deck] = []
        #: Cards due here that the other machines' stored text, read again, did not have.
        self.unreadable: set[str] = set()
        self.cards: dict[str, tuple[Card, Deck]] = card_index(self.decks)
        self.decks_ready = decks is not None
        self._initial_decks = decks
        self._loading_started = False
        #: The quiz asked for on the command line has started (once the decks are read).
        self._quiz_started = False
        #: The answer checker's worker process was started ahead of a math card.
        self._warmed = False
        #: New cards that wait for today's limit, offered with `n` on the deck list.
        self.more_new: NewCardsWaiting | None = None
        #: What grade 3 (Hard) does was said once, where the grades first showed.
        self.grades_explained = False
        #: The thread the screens run in (`notify` from another one is handed over to it).
        self._ui_thread = threading.get_ident()
        #: Notices shown in the screen's NoticeBar (on a screen that has one), oldest first.
        self.notices: list[Notification] = []

    # -- start-up ---------------------------------------------------------------------------

    def on_mount(self) -> None:
        self._ui_thread = threading.get_ident()

    def on_ready(self) -> None:
        # Textual sends Ready after the first layout, but that frame may still be held back
        # by a batch of updates: the frame that reaches the terminal comes with the next
        # refresh, after which this runs.
        self.call_after_refresh(self.first_screen_drawn)

    def first_screen_drawn(self) -> None:
        """Called once the first screen is on the terminal: now back up the collection (the
        day's first start) and read the decks.

        Work in a thread still takes the GIL from the screen, so it starts only after the
        first frame is out.
        """
        if self.on_first_screen is not None:
            self.on_first_screen()
            self.on_first_screen = None
        if self.exit_after_first_screen:
            self.exit()
            return
        if self._loading_started:
            return
        self._loading_started = True
        if self._initial_decks is not None:
            self.load_decks_worker(sync_only=True)
        elif self.deck_loader is not None:
            self.load_decks_worker()
        else:
            self.decks_ready = True
            if self.daily_backup is not None:
                self.run_worker(self._backup, thread=True, group="backup", exit_on_error=False)

    def _backup(self) -> None:
        """The day's backup (in a worker), before the sync writes: a failure only warns."""
        if self.daily_backup is None:
            return

        def warn(message: str) -> None:
            with contextlib.suppress(RuntimeError):  # the app is closing: nobody to tell
                self.call_from_thread(
                    self.notify, message, severity="warning", markup=False, timeout=10
                )

        try:
            self.daily_backup(warn)
        except Exception as error:  # a backup problem never stops the decks from loading
            warn(f"no daily backup: {error}")

    def load_decks_worker(self, sync_only: bool = False) -> None:
        self.run_worker(
            lambda: self._load_and_sync(sync_only), thread=True, group="decks", exit_on_error=False
        )

    def _load_and_sync(
        self, sync_only: bool
    ) -> tuple[list[Deck], list[Problem], RebuiltDecks | None]:
        self._backup()
        if sync_only or self.deck_loader is None:
            decks, problems = self.decks, self.problems
        else:
            decks, problems = self.deck_loader(self._progress("reading deck files"))
        self.backend.sync(decks, self._progress("syncing cards"))
        # Opened on some paths, the app studies those alone; else every deck of the
        # collection, those of other machines from their stored text.
        elsewhere = None if self.options.only_loaded else self.backend.decks_elsewhere(decks)
        return decks, problems, elsewhere

    def _progress(self, what: str) -> Progress:
        """A progress callback for a worker thread: the deck list's heading shows it."""
        last = [0.0]

        def report(done: int, total: int) -> None:
            now = time.monotonic()
            if total and done < total and now - last[0] < 0.2:
                return  # a few updates a second are enough, and cheap for the screen
            last[0] = now
            text = f"{what} {done}/{total}…" if total else ""
            self.post_message(SyncProgress(text))  # thread-safe, and it never blocks

        return report

    def on_sync_progress(self, message: SyncProgress) -> None:
        self._show_progress(message.text)

    def _show_progress(self, text: str) -> None:
        from tui.screens.decks import DecksScreen

        for screen in self.screen_stack:
            if isinstance(screen, DecksScreen):
                screen.show_loading(text)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.worker.group != "decks":
            return
        if event.state is WorkerState.SUCCESS:
            decks, problems, elsewhere = event.worker.result
            self.decks, self.problems = list(decks), list(problems)
            if elsewhere is not None:
                self.elsewhere = list(elsewhere.decks)
            self.cards = card_index(self.decks, self.elsewhere)
            self.decks_ready = True
            if elsewhere is not None:
                self._tell_elsewhere(elsewhere)
            self._tell_unknown_tag()
            self.post_message_to_screens()
        elif event.state is WorkerState.ERROR:
            self.decks_ready = True
            self.notify(
                f"Could not load the decks: {event.worker.error}", severity="error", markup=False
            )
            self.post_message_to_screens()

    def _tell_unknown_tag(self) -> None:
        """Say so when `--tag` names a tag no card has (a typo leaves every count empty)."""
        tag = self.options.tag
        if tag is None or any(
            tag in (*deck.tags, *card.note.tags) for card, deck in self.cards.values()
        ):
            return
        self.notify(
            f"No card has the tag `{tag}`, so nothing is studied. A card's tags are given "
            "as `{.tag}` at the end of its first line, or as `tags:` in its deck's front "
            "matter.",
            title="Unknown tag",
            severity="warning",
            timeout=10,
            markup=False,
        )

    def _tell_elsewhere(self, rebuilt: RebuiltDecks) -> None:
        """Say which decks come from another machine, which were synced from a path on this
        one outside the deck folders, and which cannot be studied here."""
        away = sorted(d.name for d in rebuilt.decks if not d.path.is_file())
        here = sorted(d.name for d in rebuilt.decks if d.path.is_file())
        if away:
            self.notify(
                f"Not on this machine, studied from the text stored at their last sync: "
                f"{', '.join(away)}. Edit them where their files are.",
                title=f"{plural(len(away), 'deck')} from another machine",
                timeout=8,
                markup=False,
            )
        if here:
            self.notify(
                f"Synced from a path outside the deck folders, studied from the text stored "
                f"at their last sync: {', '.join(here)}. To edit them, open their folder with "
                "`flashcards study FOLDER`, or add it to `deck_folders` in the settings.",
                title=f"{plural(len(here), 'deck')} outside the deck folders",
                timeout=8,
                markup=False,
            )
        if rebuilt.without_text:
            names = ", ".join(rebuilt.without_text)
            self.notify(
                f"{names}: synced on another machine before the collection kept deck text, so "
                "their cards are counted but cannot be studied here. Run `flashcards sync` "
                "once on the machine that has the files.",
                title="Decks not available here",
                severity="warning",
                timeout=15,
                markup=False,
            )
        if rebuilt.unmatched:
            self.notify(
                f"{plural(rebuilt.unmatched, 'card')} of other machines' decks are not in their "
                "stored text and cannot be studied here until those machines sync again.",
                severity="warning",
                timeout=15,
                markup=False,
            )

    def take_in_new_decks_elsewhere(self) -> None:
        """Rebuild other machines' decks from the collection again, for decks another
        machine synced since the app read them (one shared collection, the app open here);
        say which are new."""
        if self.options.only_loaded or not self.decks_ready:
            return
        rebuilt = self.backend.decks_elsewhere(self.decks)
        known = {d.name for d in self.elsewhere}
        self.elsewhere = list(rebuilt.decks)
        self.cards = card_index(self.decks, self.elsewhere)
        new = sorted(d.name for d in rebuilt.decks if d.name not in known)
        if new:
            self.notify(
                f"Synced by another machine while this app was open, studied from the text "
                f"stored at that sync: {', '.join(new)}.",
                title=f"{plural(len(new), 'deck')} from another machine",
                timeout=8,
                markup=False,
            )

    def is_elsewhere(self, deck: Deck) -> bool:
        """True for a deck of another machine, rebuilt from the collection's stored text."""
        return any(deck is d for d in self.elsewhere)

    def post_message_to_screens(self) -> None:
        """Tell the deck list the decks changed."""
        from tui.screens.decks import DecksScreen

        for screen in self.screen_stack:
            if isinstance(screen, DecksScreen):
                screen.decks_changed()
        if self.options.quiz and not self._quiz_started:
            self._quiz_started = True
            self.start_quiz(self.options.decks)

    # -- what screens ask for ---------------------------------------------------------------

    def scope(self, decks: Sequence[str] | None) -> tuple[str, ...] | None:
        """The decks a study covers: those chosen, else the app's own (`options.decks`),
        else, opened on paths (`only_loaded`), every deck read from them, since the rest of
        the collection is not studied here (its new cards would take the daily limit). None:
        the whole collection."""
        if decks:
            return tuple(decks)
        if self.options.decks:
            return self.options.decks
        if self.options.only_loaded:
            names = {d.name for d in self.decks} if self.decks_ready else self.stored_decks
            return tuple(sorted(names))
        return None

    def start_study(self, decks: Sequence[str] | None) -> None:
        from tui.screens.review import ReviewScreen

        chosen = self.scope(decks)
        self.more_new = None  # offered again below if this deck's new cards wait
        if chosen == ():
            self.notify("Nothing due here today.", title="All done")
            return
        queue, graded = self.backend.queue(self.today, chosen, self.options.tag)
        due = len(queue)
        missing = {c for c in queue if c not in self.cards}
        if missing - self.unreadable:  # read again only for cards not looked for yet
            self.take_in_new_decks_elsewhere()
            self.unreadable |= {c for c in missing if c not in self.cards}
        queue = [c for c in queue if c in self.cards]
        if due and not queue and not self.options.only_loaded:
            # Cards of another machine's decks synced before the collection kept deck text.
            self.notify(
                f"{plural(due, 'card')} due here {'is' if due == 1 else 'are'} in decks whose "
                "files are not on this machine, and the collection has no text of them yet. "
                "Run `flashcards sync` once on the machine that has the files.",
                title="Not available here",
                severity="warning",
                timeout=10,
            )
            return
        if not queue:
            waiting = self.backend.new_waiting(self.today, chosen, self.options.tag)
            if waiting:
                # Anki's custom study: more new cards today, the setting unchanged.
                self.more_new = NewCardsWaiting(chosen, waiting)
                self.notify(
                    f"Today's new-card limit is used up; {plural(waiting, 'new card')} "
                    f"{'waits' if waiting == 1 else 'wait'} here. Press n to study "
                    f"{MORE_NEW} more today (the setting stays as it is).",
                    title="Nothing due",
                    timeout=10,
                )
            else:
                self.notify("Nothing due here today.", title="All done")
            self.screen.refresh_bindings()  # `n` shows only while it is offered
            return
        self.push_screen(ReviewScreen(queue, graded=graded))

    def study_more_new(self) -> None:
        """Raise today's new-card limit by `MORE_NEW` for this run of the app only, and study
        the decks that had none left."""
        from tui.screens.decks import DecksScreen

        if self.more_new is None:
            return
        decks, self.more_new = self.more_new.decks, None
        self.backend.allow_more_new(MORE_NEW)
        for screen in self.screen_stack:
            if isinstance(screen, DecksScreen):
                screen.refresh_counts()
        self.start_study(decks or None)

    def start_quiz(self, decks: Sequence[str] | None, cards: Sequence[str] | None = None) -> None:
        import random

        from flashcards.quiz import quiz_round
        from tui.screens.quiz import QuizScreen

        chosen = tuple(decks) if decks else None
        if cards is None:

            def pool() -> list[str]:
                tag = self.options.tag
                return [
                    cid
                    for cid, (card, deck) in self.cards.items()
                    if (chosen is None or in_decks(deck.name, chosen))
                    and (tag is None or tag in (*deck.tags, *card.note.tags))
                ]

            found = pool()
            if not found:  # perhaps a deck another machine synced since the app read them
                self.take_in_new_decks_elsewhere()
                found = pool()
            cards = quiz_round(found, self.options.count, random.Random(self.options.seed))
        if not cards:
            self.notify("No cards to quiz on.", severity="warning")
            return
        self.push_screen(QuizScreen(list(cards)))

    def reload_after_edit(self) -> None:
        """Read the decks again and sync, after the learner edited a file."""
        if self.deck_loader is None:
            return
        decks, problems = self.deck_loader(None)
        self.backend.sync(decks)
        self.decks, self.problems = list(decks), list(problems)
        self.cards = card_index(self.decks, self.elsewhere)

    def edit_card(self, card: Card, deck: Deck) -> Edited:
        """Open the card's deck file in the editor at its line, and when the file changed,
        read the decks again and sync them; say what came of it."""
        from textual.app import SuspendNotSupported

        from flashcards.decks import builtin_decks_dir
        from flashcards.errors import FlashcardsError

        path, line = deck.path, card.note.line
        if not self.is_elsewhere(deck) and not path.exists():
            return Edited(f"{path}: the deck file is no longer there.", "warning")
        if self.is_elsewhere(deck) and path.is_file():
            # Its file is here, outside the folders read: an edit would not be synced.
            return Edited(
                f"This card's deck file, {path}, is outside the deck folders this app reads, "
                "so it is studied from the text stored at its last sync. To edit it, run "
                f"`flashcards study {synced_root(deck)}`, or add that folder to `deck_folders` "
                "in the settings.",
                "warning",
                timeout=10,
            )
        if self.is_elsewhere(deck):
            # Never open an editor on a path this machine does not have.
            return Edited(
                f"This card's deck file is not on this machine: it was synced from {path} on "
                "another one, and is studied here from the text stored then. Edit it there "
                "and sync.",
                "warning",
                timeout=10,
            )
        if path.absolute().is_relative_to(builtin_decks_dir().absolute()):
            return Edited(
                "This is a built-in deck, installed with the app: changes there are lost on "
                "the next upgrade. Copy its file into one of your deck folders "
                "(`deck_folders` in the settings) and edit the copy.",
                "warning",
                timeout=10,
            )
        before = _file_bytes(path)
        try:
            try:
                with self.suspend():
                    self.editor(path, line)
            except SuspendNotSupported:
                self.editor(path, line)  # headless (tests): nothing to hand over
        except Exception as error:  # noqa: BLE001 - a failing editor must not end the session
            return Edited(f"Could not run the editor: {error}", "error")
        if _file_bytes(path) == before:
            return Edited("No change.")
        try:
            self.reload_after_edit()
        except FlashcardsError as error:
            return Edited(f"The edited deck was not synced: {error}", "error")
        now = self.cards.get(card.id) or _same_place(self.cards.values(), path, line, card.ordinal)
        if now is None:
            return Edited(
                "The card is gone from the deck after the edit.", "warning", reloaded=True
            )
        return Edited("Edited; the card is shown as it is now.", reloaded=True, now=now)

    def check_answer(self, card: Card, deck: Deck, given: str) -> Verdict:
        """Check a math answer (runs in a worker thread)."""
        spec = card.note.math
        assert spec is not None
        if self.checker is not None:
            return self.checker(spec.expected, given, spec.options(), deck.macro_map)
        from flashcards.answers import check_answer

        return check_answer(spec.expected, given, **spec.options(), macros=deck.macro_map)

    def warm_up_checker(self) -> None:
        """Start the checker's worker process ahead of the first math card."""
        if self.checker is not None or self._warmed:
            return
        self._warmed = True

        def warm() -> None:
            try:
                from flashcards.answers import warm_up
            except ImportError:
                return
            warm_up()

        self.run_worker(warm, thread=True, group="warm-up", exit_on_error=False)

    @property
    def tomorrow(self) -> date:
        return self.today + timedelta(days=1)

    def on_resize(self, event: events.Resize) -> None:
        # Before Textual lays the screens out again: a footer below the minimum size says so.
        from tui.widgets import Footer

        if self.screen_stack:
            for footer in self.screen.query(Footer):
                footer.terminal_resized(event.size.width, event.size.height)

    # -- notices ----------------------------------------------------------------------------

    def notify(
        self,
        message: str,
        *,
        title: str = "",
        severity: SeverityLevel = "information",
        timeout: float | None = None,
        markup: bool = True,
    ) -> Notification | None:
        """A notice: in the screen's NoticeBar, a line of its layout (never over the card),
        when it has one; else one of Textual's toasts. Returns the notice shown in a bar, for
        `dismiss_notices`."""
        from tui.widgets.notices import NoticeBar

        if threading.get_ident() != self._ui_thread:
            # Textual's notify may be called from any thread; the screen only from its own.
            self.call_from_thread(
                self.notify, message, title=title, severity=severity, timeout=timeout
            )
            return None
        bars = list(self.screen.query(NoticeBar)) if self.screen_stack else []
        if not bars:
            super().notify(message, title=title, severity=severity, timeout=timeout, markup=markup)
            return None
        notice = Notification(
            message, title, severity, self.NOTIFICATION_TIMEOUT if timeout is None else timeout
        )
        self.notices = [n for n in self.notices if not n.has_expired] + [notice]
        bars[0].show(self.notices)
        return notice

    def dismiss_notices(self, notices: Iterable[Notification | None]) -> None:
        """Take these notices off the screen (those about a card that is no longer shown)."""
        gone = {n.identity for n in notices if n is not None}
        if not gone:
            return
        self.notices = [n for n in self.notices if n.identity not in gone]
        self.show_notices()

    def show_notices(self) -> None:
        """Redraw the notices in the current screen's NoticeBar (a screen just shown)."""
        from tui.widgets.notices import NoticeBar

        for bar in self.screen.query(NoticeBar):
            bar.show(self.notices)

    # -- global actions ---------------------------------------------------------------------

    def action_help(self) -> None:
        from tui.screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen())

    def action_stats(self) -> None:
        from tui.screens.stats import StatsScreen

        if not isinstance(self.screen, StatsScreen):
            self.push_screen(StatsScreen())

    def get_system_commands(self, screen: Screen[Any]) -> Iterable[SystemCommand]:
        """The command palette: the app's own commands, then Textual's."""
        from tui.screens.decks import DecksScreen

        if isinstance(screen, DecksScreen):
            yield SystemCommand("Study all decks", "Today's queue of every deck", screen.study_all)
            yield SystemCommand(
                "Quiz all decks", "A practice round of random cards", screen.quiz_all
            )
            yield SystemCommand(
                "Deck problems", "Show or hide the problems found", screen.action_problems
            )
        yield SystemCommand(
            "Statistics", "Today, the streak, what is due, the hardest cards", self.action_stats
        )
        yield SystemCommand("Help", "Every key, and what the grades mean", self.action_help)
        yield SystemCommand(
            "Light or dark", "Switch between the light and dark theme", self.action_toggle_theme
        )
        yield from super().get_system_commands(screen)

    def action_toggle_theme(self) -> None:
        self.theme = "textual-light" if self.theme == "textual-dark" else "textual-dark"


def synced_root(deck: Deck) -> Path:
    """The folder a deck was most likely synced from: the ancestor of its file that many
    levels up as its name has parts (`ml::rl` from `ml/rl.md`), else the file's folder."""
    levels = len(deck.name.split("::"))
    parents = deck.path.parents
    return parents[levels - 1] if levels <= len(parents) else deck.path.parent


def as_backend(
    store: Store | Backend, settings: Settings | None = None, roots: Sequence[Path] = ()
) -> Backend:
    """The store as a Backend (used as is when it already is one)."""
    from flashcards.store import Store

    if not isinstance(store, Store):
        return store
    from tui.store_backend import StoreBackend

    return StoreBackend(store, settings, roots)


def _file_bytes(path: Path) -> bytes | None:
    """A deck file's content, to tell whether an edit changed it (None: unreadable)."""
    try:
        return path.read_bytes()
    except OSError:
        return None


def _same_place(
    cards: Iterable[tuple[Card, Deck]], path: Path, line: int, ordinal: int
) -> tuple[Card, Deck] | None:
    """The card now written at the edited card's file and line (its id changed)."""
    best = None
    for card, deck in cards:
        if deck.path == path and card.ordinal == ordinal:
            distance = abs(card.note.line - line)
            if best is None or distance < best[0]:
                best = (distance, (card, deck))
    return best[1] if best and best[0] <= 3 else None
