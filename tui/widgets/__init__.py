"""Widgets shared by the screens (each of its own in a module of this package)."""

from __future__ import annotations

from typing import Any

from textual.screen import Screen
from textual.widgets import Footer as TextualFooter


class Footer(TextualFooter):
    """Textual's footer, rebuilt only when the keys it shows change.

    Textual rebuilds the footer's keys on every refresh of the bindings: each focus change,
    a screen resumed, three times before the first frame of the deck list. Building them
    is the costliest part of a frame, and most of those refreshes change nothing it shows.
    """

    _shown: tuple[Any, ...] | None = None

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
