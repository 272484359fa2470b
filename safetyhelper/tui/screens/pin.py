"""The staff PIN prompt for kiosk mode: digits 0-9 only. Five wrong tries lock it for a minute, across restarts
(the count is kept by config.PinLock in the state folder)."""

from __future__ import annotations

import math

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Input, Static

from safetyhelper.tui.screens.dialog import Dialog
from safetyhelper.translate import N_, _, ngettext


class PinInput(Input):
    """The PIN field takes digits only, so other keys (C to cancel) reach the dialog."""

    def check_consume_key(self, key: str, character: str | None) -> bool:
        return character is not None and character in "0123456789"

    def _on_key(self, event) -> None:
        if event.is_printable and (event.character or "") not in "0123456789":
            # Not typed into the field (Input's own handler would swallow it): the dialog's keys get it.
            event.prevent_default()


class PinDialog(Dialog[bool]):
    # Esc stays the app's quick exit; C closes this dialog.
    BINDINGS = [("c", "cancel", N_("Cancel"))]

    def __init__(self, heading: str) -> None:
        """``heading``: the whole, translated heading ("Staff PIN to leave the app")."""
        super().__init__()
        self.heading = heading

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Static(self.heading, classes="heading")
            yield PinInput(password=True, restrict=r"[0-9]{0,12}", max_length=12, id="pin", placeholder=_("PIN"))
            yield Static("", id="pin-message", classes="muted")
            with Horizontal(classes="buttons"):
                yield Button(_("OK"), id="ok", variant="primary")
                yield Button(_("Cancel"), id="cancel")
            yield Static(_("C cancels · Esc is quick exit"), classes="muted")

    def on_mount(self) -> None:
        self._show_lock()

    def _show_lock(self) -> bool:
        wait = self.app.pin_lock.locked_for()
        if wait > 0:
            count = math.ceil(wait)
            self.query_one("#pin-message", Static).update(
                ngettext("Too many wrong tries. Try again in {count} second.",
                         "Too many wrong tries. Try again in {count} seconds.", count).format(count=count)
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
            self.query_one("#pin-message", Static).update(_("That PIN is not right."))

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(False)
