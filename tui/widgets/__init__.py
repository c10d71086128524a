"""Widgets shared by the screens (each of its own in a module of this package)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import Footer as TextualFooter
from textual.widgets import Static
from textual.widgets._footer import FooterKey

#: From this many columns the footer shows every key with its full label; below it (a phone
#: in a browser is about 45 columns), the keys that fit, with short labels.
FULL_FOOTER_WIDTH = 80

#: The footer's short labels, for a terminal narrower than `FULL_FOOTER_WIDTH`.
SHORT_LABELS = {
    "Show answer": "answer",
    "More new cards": "more new",
    "Retry missed": "retry",
    "Hide problems": "hide",
}
#: The actions whose keys a narrow footer keeps first, most needed first; the others follow
#: in their own order, and help (`?`, which lists every key) always comes last.
NEEDED = (
    "reveal",
    "submit_choice",
    "focus_answer",
    "cancel_check",
    "give_up",
    "grade",
    "fsrs_grade",
    "study",
    "more_new",
    "quiz",
    "back",
    "retry",
    "undo",
    "leave",
    "app.quit",
    "quit",
)
GRADE_ACTIONS = ("grade", "fsrs_grade")
HELP_ACTIONS = ("help", "app.help")


@dataclass(frozen=True, slots=True)
class FooterItem:
    """One key a screen offers in its footer (a shown binding, as plain data)."""

    key: str
    display: str
    description: str
    action: str
    enabled: bool


@dataclass(frozen=True, slots=True)
class ShownKey:
    """One key in a narrow footer: its label is short, and "" for a grade but the last."""

    key: str
    display: str
    label: str
    action: str
    enabled: bool
    description: str


def _stem(action: str) -> str:
    return action.split("(", 1)[0]


def _width(keys: Iterable[ShownKey]) -> int:
    """Columns the keys take in a compact footer: key, space, label, then a space."""
    return sum(len(k.display) + (len(k.label) + 1 if k.label else 0) + 1 for k in keys)


def _short(item: FooterItem, label: str | None = None) -> ShownKey:
    text = SHORT_LABELS.get(item.description, item.description.lower()) if label is None else label
    return ShownKey(item.key, item.display, text, item.action, item.enabled, item.description)


def narrow_footer(items: Iterable[FooterItem], width: int) -> list[ShownKey]:
    """The keys a footer `width` columns wide shows, in the screen's order: the most needed
    that fit (see `NEEDED`), with short labels, the grades as one group (`0 1 2 3 4 5
    grade`), help last. Empty when not even one key and help fit."""
    groups: list[list[ShownKey]] = []
    grades: list[ShownKey] = []
    help_keys: list[ShownKey] = []
    seen: set[str] = set()
    for item in items:
        if item.action in seen:
            continue  # one key an action, as Textual's footer shows them
        seen.add(item.action)
        if _stem(item.action) in GRADE_ACTIONS:
            if not grades:
                groups.append(grades)
            grades.append(_short(item, ""))
        elif item.action in HELP_ACTIONS:
            help_keys.append(_short(item))
        else:
            groups.append([_short(item)])
    if grades:
        last = grades[-1]
        grades[-1] = ShownKey(
            last.key, last.display, "grade", last.action, last.enabled, last.description
        )
    budget = width - _width(help_keys)

    def need(index: int) -> tuple[int, int]:
        stem = _stem(groups[index][0].action)
        return (NEEDED.index(stem) if stem in NEEDED else len(NEEDED), index)

    chosen: set[int] = set()
    used = 0
    for index in sorted(range(len(groups)), key=need):
        cost = _width(groups[index])
        if used + cost <= budget:
            chosen.add(index)
            used += cost
    if not chosen:
        return []
    return [k for i, group in enumerate(groups) if i in chosen for k in group] + help_keys


def size_message(size: tuple[int, int]) -> str:
    """What the footer says on a terminal too narrow for even one key."""
    return f"Too narrow ({size[0]}×{size[1]})"


class Footer(TextualFooter):
    """Textual's footer, rebuilt only when the keys it shows change; narrower than
    `FULL_FOOTER_WIDTH`, the keys that fit with short labels (`narrow_footer`).

    Textual rebuilds the footer's keys on every refresh of the bindings: each focus change,
    a screen resumed, three times before the first frame of the deck list. Building them
    is the costliest part of a frame, and most of those refreshes change nothing it shows.
    """

    DEFAULT_CSS = """
    Footer.-narrow FooterKey {
        margin-right: 1;
    }
    Footer.-narrow FooterKey.-grade {
        margin-right: 1;
    }
    """

    _shown: tuple[Any, ...] | None = None
    #: The terminal size a narrow footer was built for (None: built full width).
    _narrow: tuple[int, int] | None = None

    def _wanted(self, size: tuple[int, int] | None = None) -> tuple[int, int] | None:
        """The size to build a narrow footer for, or None for the full footer."""
        columns, rows = size or (self.app.size.width, self.app.size.height)
        return (columns, rows) if columns < FULL_FOOTER_WIDTH else None

    def compose(self) -> ComposeResult:
        self._narrow = self._wanted()
        self.set_class(self._narrow is not None, "-narrow")
        self.set_class(self._narrow is not None or self.compact, "-compact")
        if self._narrow is None:
            yield from super().compose()
            return
        if not self._bindings_ready:
            return
        items = [
            FooterItem(b.key, self.app.get_key_display(b), b.description, b.action, enabled)
            for (_, b, enabled, _tooltip) in self.screen.active_bindings.values()
            if b.show
        ]
        shown = narrow_footer(items, self._narrow[0])
        if not shown:
            yield Static(size_message(self._narrow), classes="too-small", markup=False)
            return
        for k in shown:
            yield FooterKey(
                k.key,
                k.display,
                k.label,
                k.action,
                disabled=not k.enabled,
                tooltip=k.description,
                classes="-grade" if _stem(k.action) in GRADE_ACTIONS else "",
            )

    def terminal_resized(self, columns: int, rows: int) -> None:
        """Rebuild when a narrow footer's size changed, or the terminal crossed the width."""
        if self._narrow != self._wanted((columns, rows)):
            self._rebuild()

    def _rebuild(self) -> None:
        self._shown = None
        # in the footer's own context (its keys bind data to it), not the app's
        self.call_later(self.recompose)

    def bindings_changed(self, screen: Screen[Any]) -> None:
        if self.is_attached and screen is self.screen and screen.app.app_focus:
            if self._narrow != self._wanted():
                self._shown = None  # resized while another screen was on top
            shown = tuple(
                (key, b.action, b.description, b.show, enabled, tooltip)
                for key, (_, b, enabled, tooltip) in screen.active_bindings.items()
            )
            if shown == self._shown:
                return
            self._shown = shown
        super().bindings_changed(screen)
