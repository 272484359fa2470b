"""The warning before the idle reset: a countdown, and any key or click keeps the session."""

from __future__ import annotations

import math

from textual import events
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Static

from safetyhelper.tui.screens.dialog import Dialog
from safetyhelper.translate import _, ngettext


def idle_text(seconds_left: float) -> str:
    n = max(0, math.ceil(seconds_left))
    text = ngettext(
        "No key has been pressed for a while. In {count} second this session will be cleared and nothing of it kept.",
        "No key has been pressed for a while. In {count} seconds this session will be cleared and nothing of it kept.",
        n,
    )
    return text.format(count=n)


class IdleWarning(Dialog[None]):
    """Shown a little before the idle reset. Any key or click closes it and keeps the session (Esc stays
    the quick exit: the app takes it first)."""

    def __init__(self, seconds_left: float) -> None:
        super().__init__()
        self.seconds_left = seconds_left

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Static(_("Still there?"), classes="heading")
            yield Static(idle_text(self.seconds_left), id="idle-countdown", markup=False)
            yield Static(_("Press any key or click to carry on. Esc is quick exit."), classes="muted")

    def count_down(self, seconds_left: float) -> None:
        self.seconds_left = seconds_left
        self.query_one("#idle-countdown", Static).update(idle_text(seconds_left))

    def on_key(self, event: events.Key) -> None:
        event.stop()
        event.prevent_default()
        self.dismiss()

    def on_mouse_down(self, event: events.MouseDown) -> None:
        event.stop()
        self.dismiss()
