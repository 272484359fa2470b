"""Textual's Footer, redrawn only when the keys it shows really change.

The stock Footer rebuilds all its keys on every bindings update (each focus change, each mount), several
times per key press here; this one compares what it would show first, which keeps key presses quick.
"""

from __future__ import annotations

from textual.screen import Screen
from textual.widgets import Footer


class KeyFooter(Footer):
    _shown: tuple = ()

    def _signature(self, screen: Screen) -> tuple:
        return tuple(
            (key, ab.binding.description, ab.enabled)
            for key, ab in screen.active_bindings.items()
            if ab.binding.show or key == self.app.COMMAND_PALETTE_BINDING
        )

    def bindings_changed(self, screen: Screen) -> None:
        if screen.app.app_focus and self.is_attached and screen is self.screen:
            shown = self._signature(screen)
            if self._bindings_ready and shown == self._shown:
                return
            self._shown = shown
        super().bindings_changed(screen)
