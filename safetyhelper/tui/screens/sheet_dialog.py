"""Dialogs for the take-home sheet: its options (and where to save), progress, and a yes/no question."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Checkbox, Input, Label, ProgressBar, Static

from safetyhelper.sheet import SheetOptions
from safetyhelper.tui.screens.dialog import Dialog


@dataclass(frozen=True)
class SheetRequest:
    options: SheetOptions
    #: Where to save, for "Save as PDF"; None for printing.
    path: Path | None = None


def default_save_path(today: dt.date | None = None) -> Path:
    """A plain file name that says nothing about what the sheet is."""
    today = today or dt.date.today()
    docs = Path.home() / "Documents"
    return (docs if docs.is_dir() else Path.home()) / f"sheet-{today.isoformat()}.pdf"


class SheetDialog(Dialog[SheetRequest | None]):
    """Options for the sheet; with ``save=True`` also the file to save to."""

    BINDINGS = [("escape", "cancel", "Cancel")]

    def __init__(self, *, save: bool, discreet: bool = False, large_print: bool = False) -> None:
        super().__init__()
        self.save = save
        self._discreet = discreet
        self._large = large_print

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Label("Save the take-home sheet" if self.save else "Print the take-home sheet", classes="heading")
            yield Checkbox("Discreet: plain title, no organisation name", self._discreet, id="discreet")
            yield Checkbox("Large print", self._large, id="large-print")
            yield Checkbox("Helplines", not self._discreet, id="helplines")
            if self.save:
                yield Label("Save to:")
                yield Input(str(default_save_path()), id="path")
            with Horizontal(classes="buttons"):
                yield Button("Save" if self.save else "Print", id="go", variant="primary")
                yield Button("Cancel", id="cancel")

    @on(Checkbox.Changed, "#discreet")
    def _discreet_changed(self, event: Checkbox.Changed) -> None:
        # A discreet sheet has helplines only if asked for: switching discreet on turns them off.
        self.query_one("#helplines", Checkbox).value = not event.value

    @on(Button.Pressed, "#go")
    @on(Input.Submitted, "#path")
    def _go(self) -> None:
        options = SheetOptions(
            discreet=self.query_one("#discreet", Checkbox).value,
            large_print=self.query_one("#large-print", Checkbox).value,
            helplines=self.query_one("#helplines", Checkbox).value,
        )
        path = None
        if self.save:
            raw = self.query_one("#path", Input).value.strip()
            if not raw:
                self.notify("Type where to save the sheet.", severity="warning")
                return
            path = Path(raw).expanduser()
        self.dismiss(SheetRequest(options, path))

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)


class BusyDialog(Dialog[None]):
    """Progress while a worker builds and prints or saves the sheet."""

    def __init__(self, message: str, steps: int) -> None:
        super().__init__()
        self.message = message
        self.steps = steps

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Static(self.message, id="busy-message")
            yield ProgressBar(total=self.steps, show_eta=False, id="busy-progress")

    def advance(self, message: str) -> None:
        self.query_one("#busy-message", Static).update(message)
        self.query_one("#busy-progress", ProgressBar).advance(1)


class YesNoDialog(Dialog[bool]):
    BINDINGS = [("escape", "no", "No")]

    def __init__(self, question: str, yes: str = "Yes", no: str = "No") -> None:
        super().__init__()
        self.question = question
        self.yes = yes
        self.no = no

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Static(self.question, markup=False, id="question")
            with Horizontal(classes="buttons"):
                yield Button(self.yes, id="yes", variant="primary")
                yield Button(self.no, id="no")

    @on(Button.Pressed, "#yes")
    def _yes(self) -> None:
        self.dismiss(True)

    @on(Button.Pressed, "#no")
    def action_no(self) -> None:
        self.dismiss(False)
