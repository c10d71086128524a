"""Widgets shared by the screens (each of its own in a module of this package)."""

from __future__ import annotations

from typing import Any

from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import Footer as TextualFooter
from textual.widgets import Static

#: The smallest terminal the screens are laid out for (columns, rows).
MIN_SIZE = (80, 24)


def too_small(size: tuple[int, int]) -> bool:
    """Whether a terminal of `size` is below `MIN_SIZE` (either way)."""
    return size[0] < MIN_SIZE[0] or size[1] < MIN_SIZE[1]


def size_message(size: tuple[int, int]) -> str:
    """What the footer says on a terminal below the minimum size, instead of its keys cut
    mid-word."""
    return f"Make the terminal at least {MIN_SIZE[0]}×{MIN_SIZE[1]} (now {size[0]}×{size[1]})"


class Footer(TextualFooter):
    """Textual's footer, rebuilt only when the keys it shows change.

    Textual rebuilds the footer's keys on every refresh of the bindings: each focus change,
    a screen resumed, three times before the first frame of the deck list. Building them
    is the costliest part of a frame, and most of those refreshes change nothing it shows.
    """

    _shown: tuple[Any, ...] | None = None
    #: The terminal size the footer was built for, when it was too small (else None).
    _small: tuple[int, int] | None = None

    def compose(self) -> ComposeResult:
        if self._small is None and too_small(self.app.size):
            self._small = (self.app.size.width, self.app.size.height)
        if self._small is not None:
            yield Static(size_message(self._small), classes="too-small", markup=False)
            return
        yield from super().compose()

    def terminal_resized(self, columns: int, rows: int) -> None:
        """Rebuild when the terminal crossed the minimum size (or changed below it)."""
        size = (columns, rows)
        if (self._small is not None or too_small(size)) and self._small != size:
            self._shown = None
            self._small = size if too_small(size) else None
            # in the footer's own context (its keys bind data to it), not the app's
            self.call_later(self.recompose)

    def bindings_changed(self, screen: Screen[Any]) -> None:
        if self.is_attached and screen is self.screen and screen.app.app_focus:
            shown = tuple(
                (key, b.action, b.description, b.show, enabled, tooltip)
                for key, (_, b, enabled, tooltip) in screen.active_bindings.items()
            )
            if shown == self._shown:
                return
            self._shown = shown
        super().bindings_changed(screen)
