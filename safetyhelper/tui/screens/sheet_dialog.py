"""Dialogs for the take-home sheet: its options (and where to save), progress, and a yes/no question.

Esc is the app-wide quick exit (a priority binding), so every dialog here closes with C instead, and says so.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Checkbox, Input, Label, ProgressBar, RadioButton, RadioSet, Static

from safetyhelper.printing import PrinterChoice, printer_choice
from safetyhelper.sheet import SaveError, SheetOptions, expand_path
from safetyhelper.translate import N_, _
from safetyhelper.tui.screens.dialog import Dialog

#: The line under each dialog: its own close key, and the quick exit.
CLOSE_HINT = N_("C cancels · Esc is quick exit")


@dataclass(frozen=True)
class SheetRequest:
    options: SheetOptions
    #: Where to save, as typed, for "Save as PDF"; None for printing (or in kiosk mode).
    path: Path | None = None
    #: Kiosk mode: the save folder; the sheet gets a new random name in it.
    folder: Path | None = None
    #: Printing: the printer chosen in the dialog; None for the configured one, else CUPS's default.
    printer: str | None = None

    @property
    def save(self) -> bool:
        return self.path is not None or self.folder is not None


def default_save_path(today: dt.date | None = None) -> Path:
    """A plain file name that says nothing about what the sheet is."""
    today = today or dt.date.today()
    docs = Path.home() / "Documents"
    return (docs if docs.is_dir() else Path.home()) / f"sheet-{today.isoformat()}.pdf"


class SheetDialog(Dialog[SheetRequest | None]):
    """Options for the sheet; with ``save=True`` also the file to save to (in kiosk mode: the save folder,
    fixed, and no path to type)."""

    BINDINGS = [Binding("c", "cancel", N_("Cancel"), show=False)]

    def __init__(
        self,
        *,
        save: bool,
        discreet: bool = False,
        large_print: bool = False,
        helplines: bool | None = None,
        save_folder: str | Path | None = None,
        path: str | Path | None = None,
        printer: str | None = None,
        configured_printer: str | None = None,
        message: str | None = None,
        language: str = "en",
    ) -> None:
        super().__init__()
        self.save = save
        #: The path typed last time (the dialog opens again with it after a refused save).
        self._path = path
        #: The printer chosen last time in this session, and the one configured for the app.
        self._printer = printer
        self._configured = configured_printer
        #: What CUPS said, once asked (printing only): the printer a sheet would go to, and the others.
        self.choice: PrinterChoice | None = None
        self._message = message
        self._discreet = discreet
        self._large = large_print
        self._helplines = (not discreet) if helplines is None else helplines
        #: The sheet's language, and those on offer (English first; translations from the content pack).
        self._language = language
        self.save_folder = Path(save_folder) if save_folder is not None else None

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Label(_("Save the take-home sheet") if self.save else _("Print the take-home sheet"), classes="heading")
            if self._message:
                yield Static(self._message, markup=False, id="dialog-message")
            yield Checkbox(_("Discreet"), self._discreet, id="discreet")
            yield Static(discreet_text(self._discreet), markup=False, id="discreet-what", classes="muted")
            yield Checkbox(_("Large print"), self._large, id="large-print")
            yield Checkbox(_("Helplines"), self._helplines, id="helplines")
            if len(self._languages) > 1:
                yield Button(self._language_label(), id="language", classes="language")
            if self.save and self.save_folder is not None:
                yield Label(_("It is saved in {folder} with a new name.").format(folder=self.save_folder), markup=False, id="save-where")
            elif self.save:
                yield Label(_("Save to:"))
                yield Input(str(self._path or default_save_path()), id="path")
            else:
                yield Static(_("Printer: checking..."), markup=False, id="printer")
                yield RadioSet(id="printers")
            with Horizontal(classes="buttons"):
                yield Button(_("Save") if self.save else _("Print"), id="go", variant="primary")
                yield Button(_("Cancel"), id="cancel")
            hint = _(CLOSE_HINT)
            if self.save and self.save_folder is None:
                hint = _("C cancels (when you are not typing) · Esc is quick exit")
            yield Static(hint, markup=False, classes="muted close-hint")

    @property
    def _languages(self) -> list[str]:
        from safetyhelper.translate import languages

        if not hasattr(self, "_offered"):
            self._offered = languages(self.app.pack)
        return self._offered

    def _language_label(self) -> str:
        from safetyhelper.translate import language_name

        return _("Sheet language: {language} (press to change)").format(language=language_name(self.app.pack, self._language))

    @on(Button.Pressed, "#language")
    def _next_language(self) -> None:
        """Each press moves to the next language on offer (English, each translation, Welsh and English)."""
        offered = self._languages
        self._language = offered[(offered.index(self._language) + 1) % len(offered)] if self._language in offered else offered[0]
        self.query_one("#language", Button).label = self._language_label()

    def on_mount(self) -> None:
        if not self.save:
            self.query_one("#printers", RadioSet).display = False
            self._ask_cups()

    @work(thread=True, exclusive=True, group="printer-choice")
    def _ask_cups(self) -> None:
        choice = printer_choice(self._configured)
        self.app.call_from_thread(self._show_printers, choice)

    def _show_printers(self, choice: PrinterChoice) -> None:
        """Say which printer the sheet goes to; list the others CUPS knows to choose from."""
        if not self.is_attached:
            return
        self.choice = choice
        line = self.query_one("#printer", Static)
        radios = self.query_one("#printers", RadioSet)
        current = self._printer or choice.printer
        if choice.no_scheduler:
            line.update(_("Printer: none. The printing system (CUPS) is not running."))
            return
        if not choice.known and current is None:
            line.update(_("Printer: none. No printer is set up on this computer."))
            return
        if current is None:
            line.update(_("No printer is set as the default. Choose one:"))
        elif current not in choice.known:
            if choice.known:
                line.update(_("Printer: {printer} (the printing system does not know it). Or choose:").format(printer=current))
            else:
                line.update(_("Printer: {printer}").format(printer=current))
        elif choice.is_default and current == choice.printer:
            line.update(_("Printer: {printer} (the default)").format(printer=current))
        else:
            line.update(_("Printer: {printer}").format(printer=current))
        if len(choice.known) > 1 or (choice.known and current not in choice.known):
            for name in choice.known:
                radios.mount(RadioButton(name, value=name == current, name=name))
            radios.display = True

    @on(RadioSet.Changed, "#printers")
    def _printer_changed(self, event: RadioSet.Changed) -> None:
        self._printer = event.pressed.name
        self.query_one("#printer", Static).update(_("Printer: {printer}").format(printer=self._printer))

    @on(Checkbox.Changed, "#discreet")
    def _discreet_changed(self, event: Checkbox.Changed) -> None:
        # A discreet sheet has helplines only if asked for: switching discreet on turns them off, and says so.
        helplines = self.query_one("#helplines", Checkbox)
        self._unticked = event.value and helplines.value
        helplines.value = not event.value
        self._explain()

    @on(Checkbox.Changed, "#helplines")
    def _helplines_changed(self, event: Checkbox.Changed) -> None:
        if event.value:
            self._unticked = False
        self._explain()

    def _explain(self) -> None:
        """Say what Discreet changes, and what the helplines box would give away on a discreet sheet."""
        discreet = self.query_one("#discreet", Checkbox).value
        text = discreet_text(discreet)
        if discreet and getattr(self, "_unticked", False):
            # The leading space joins it to the sentence before (a translation may drop it).
            text += _(" Helplines were unticked: tick them to keep the numbers.")
        if discreet and self.query_one("#helplines", Checkbox).value:
            text += _(" The helplines box names services such as the National Domestic Abuse Helpline, so it tells what the sheet is for.")
        self.query_one("#discreet-what", Static).update(text)

    @on(Button.Pressed, "#go")
    @on(Input.Submitted, "#path")
    def _go(self) -> None:
        options = SheetOptions(
            discreet=self.query_one("#discreet", Checkbox).value,
            large_print=self.query_one("#large-print", Checkbox).value,
            helplines=self.query_one("#helplines", Checkbox).value,
            language=self._language,
        )
        if self.save and self.save_folder is not None:
            self.dismiss(SheetRequest(options, folder=self.save_folder))
            return
        if not self.save:
            choice = self.choice
            if choice is not None and self._printer is None and choice.printer is None and choice.known:
                self.notify(_("Choose a printer first."), severity="warning", markup=False)
                return
            self.dismiss(SheetRequest(options, printer=self._printer))
            return
        path = None
        if self.save:
            raw = self.query_one("#path", Input).value.strip()
            if not raw:
                self.notify(_("Type where to save the sheet."), severity="warning", markup=False)
                return
            try:
                path = expand_path(raw)
            except SaveError as exc:
                why = str(exc)
                self.notify(_("{problem} on this computer, so the sheet cannot be saved there.").format(problem=why[:1].upper() + why[1:]),
                            severity="error", timeout=8, markup=False)
                return
            if path.exists() or path.is_symlink():
                if path.is_dir():
                    refused = _("{path} is a folder; add a file name such as sheet.pdf.").format(path=raw)
                else:
                    refused = _("{path} is already there. Choose another name.").format(path=raw)
                self.notify(refused, severity="error", timeout=8, markup=False)
                return
        self.dismiss(SheetRequest(options, path))

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)


def discreet_text(discreet: bool) -> str:
    """What ticking Discreet changes on the sheet, in the dialog's words."""
    if discreet:
        return _("A plain title with no organisation name. Warnings say only that others may see a change. "
                 "Guides from support services are left out.")
    return _("Discreet gives a plain title, no organisation name and neutral warnings.")


class BusyDialog(Dialog[bool]):
    """Progress while a worker builds and prints or saves the sheet. C stops it: the dialog closes with
    True, and the worker sends or saves nothing if it has not done so yet."""

    BINDINGS = [Binding("c", "stop", N_("Stop"), show=False)]

    def __init__(self, message: str, steps: int) -> None:
        super().__init__()
        self.message = message
        self.steps = steps
        self._finished = False

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Static(self.message, markup=False, id="busy-message")
            yield ProgressBar(total=self.steps, show_eta=False, id="busy-progress")
            yield Static(_("C stops it · Esc is quick exit"), markup=False, classes="muted close-hint")

    def advance(self, message: str) -> None:
        if not self.is_attached:
            return
        self.query_one("#busy-message", Static).update(message)
        self.query_one("#busy-progress", ProgressBar).advance(1)

    def finish(self) -> None:
        """Close without calling back (the work is done); later if another screen is on top just now."""
        self._finished = True
        if self.is_attached and self.app.screen is self:
            self.app.pop_screen()

    def on_screen_resume(self) -> None:
        if self._finished and self.app.screen is self:
            self.app.pop_screen()

    def action_stop(self) -> None:
        if not self._finished:
            self.dismiss(True)


class YesNoDialog(Dialog[bool]):
    """A question with two answers; C gives the "no" answer."""

    BINDINGS = [Binding("c", "no", N_("No"), show=False)]

    def __init__(self, question: str, yes: str | None = None, no: str | None = None) -> None:
        super().__init__()
        self.question = question
        #: The answers' labels (translated here, when the dialog is made, not when the module is imported).
        self.yes = _("Yes") if yes is None else yes
        self.no = _("No") if no is None else no

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Static(self.question, markup=False, id="question")
            with Horizontal(classes="buttons"):
                yield Button(self.yes, id="yes", variant="primary")
                yield Button(self.no, id="no")
            yield Static(_("C means “{answer}” · Esc is quick exit").format(answer=self.no), markup=False, classes="muted close-hint")

    @on(Button.Pressed, "#yes")
    def _yes(self) -> None:
        self.dismiss(True)

    @on(Button.Pressed, "#no")
    def action_no(self) -> None:
        self.dismiss(False)
