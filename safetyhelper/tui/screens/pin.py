"""The staff PIN prompt for kiosk mode: digits 0-9 only. Five wrong tries lock it for a minute, across restarts
(the count is kept by config.PinLock in the state folder)."""

from __future__ import annotations

import math

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Input, Static

from safetyhelper.tui.screens.dialog import Dialog


class PinDialog(Dialog[bool]):
    BINDINGS = [("escape", "cancel", "Cancel")]

    def __init__(self, purpose: str) -> None:
        super().__init__()
        self.purpose = purpose

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Static(f"Staff PIN to {self.purpose}", classes="heading")
            yield Input(password=True, restrict=r"[0-9]{0,12}", max_length=12, id="pin", placeholder="PIN")
            yield Static("", id="pin-message", classes="muted")
            with Horizontal(classes="buttons"):
                yield Button("OK", id="ok", variant="primary")
                yield Button("Cancel", id="cancel")

    def on_mount(self) -> None:
        self._show_lock()

    def _show_lock(self) -> bool:
        wait = self.app.pin_lock.locked_for()
        if wait > 0:
            self.query_one("#pin-message", Static).update(
                f"Too many wrong tries. Try again in {math.ceil(wait)} seconds."
            )
            self.set_timer(min(wait, 1.0), self._show_lock)
            return True
        self.query_one("#pin-message", Static).update("")
        return False

    @on(Input.Submitted, "#pin")
    @on(Button.Pressed, "#ok")
    def _check(self) -> None:
        field = self.query_one("#pin", Input)
        pin, field.value = field.value, ""
        if self._show_lock():
            return
        if self.app.pin_lock.attempt(pin, self.app.pin_hash):
            self.dismiss(True)
            return
        if not self._show_lock():
            self.query_one("#pin-message", Static).update("That PIN is not right.")

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(False)
