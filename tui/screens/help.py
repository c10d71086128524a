"""HelpScreen: the keys of every screen, and what the grades mean."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Markdown

from tui.review_flow import HARD_NOTE

HELP = f"""\
# Keys

**Decks**: ↑/↓ or j/k move · Enter or a click studies the deck (or *All decks*) ·
z starts a quiz · p shows the deck problems · q quits.

**Study**, question: Space or Enter shows the answer · letters a, b, c… pick options of a
choice card, Enter submits · math and text cards: type the answer, Enter checks it (an
answer that cannot be read stays in the box to fix), Esc shows the answer without one;
Tab leaves the answer box, Enter goes back to it.

**Study**, answer shown: 0-5 grade · Enter accepts the proposed grade · a accepts a
rejected math or text answer as right and remembers it: it counts as right from then on.

Any time outside an answer box: u undo the last grade, suspension or burial ·
! suspend · - bury until tomorrow · e edit in `$EDITOR` · i card info · o open the image ·
q end the session (Esc too, from a question). A quiz asks before ending early.

Everywhere outside an answer box: s statistics · ? this help · Ctrl+P command palette ·
Ctrl+T light/dark · Ctrl+Q quit.

# Grades (SM-2)

| key | meaning |
| --- | --- |
| 5 | perfect |
| 4 | correct after a hesitation |
| 3 | correct with serious difficulty |
| 2 | wrong, but the answer seemed easy once seen |
| 1 | wrong, but remembered once seen |
| 0 | complete blackout |

Grades below 4 bring the card back in the same session; below 3 the card starts over.
{HARD_NOTE} This is SM-2's same-day rule, unlike Anki's Hard.
"""


class HelpScreen(ModalScreen[None]):
    """Every key, and what the grades mean."""

    BINDINGS = [Binding("escape,q,question_mark", "close", "Close")]
    CSS_PATH = "help.tcss"

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help") as box:
            box.border_subtitle = "Esc closes"
            yield Markdown(HELP)

    def action_close(self) -> None:
        self.dismiss()
