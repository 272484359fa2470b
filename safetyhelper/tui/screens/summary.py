"""The summary: the outcome of every item, what to take home, and what to do next."""

from __future__ import annotations

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widgets import Button, Static

from safetyhelper.tui.widgets.footer import KeyFooter
from safetyhelper.printing import PrintError, choose_printer, print_pdf
from safetyhelper.session import Outcome
from safetyhelper.sheet import save_pdf, sheet_pdf
from safetyhelper.tui.screens.sheet_dialog import BusyDialog, SheetDialog, SheetRequest, YesNoDialog


class SummaryScreen(Screen):
    SCOPED_CSS = False  # the rules name this screen's own ids
    DEFAULT_CSS = """
    #summary .outcome, #summary .take-home { padding: 0 1; }
    #sheet-status { text-align: center; width: 100%; }
    #summary .outcome.not-now { color: $text-warning; }
    #summary .outcome.none { color: $text-muted; }
    """

    BINDINGS = [
        ("b", "back", "Back"),
        ("p", "print_sheet", "Print"),
        ("s", "save_sheet", "Save PDF"),
        ("c", "case_note", "Case note"),
        ("e", "end", "End session"),
    ]

    def compose(self) -> ComposeResult:
        session = self.app.session
        with VerticalScroll(id="summary"):
            yield Static("Summary", classes="heading")
            names = ", ".join(p.name for p in session.chosen_platforms) or "No apps or phones picked"
            yield Static(names, markup=False, classes="muted")
            for item in self.app.pack.items:
                outcome = session.outcome(item.id)
                label = outcome.label if outcome else "Not covered"
                yield Static(f"{item.title}: {label}", markup=False, classes=f"outcome {outcome.value if outcome else 'none'}")
            home = session.to_take_home()
            if home:
                yield Static("To take home", classes="subheading")
                for item in home:
                    when = " (when it is safe)" if session.outcome(item.id) is Outcome.NOT_NOW else ""
                    yield Static(f"- {item.title}{when}", markup=False, classes="take-home")
            with Horizontal(id="sheet-actions", classes="buttons"):
                yield Button("Print take-home sheet", id="print-sheet")
                yield Button("Save as PDF", id="save-pdf")
            yield Static("", id="sheet-status", markup=False, classes="muted")
            with Horizontal(classes="buttons"):
                yield Button("Case note", id="case-note", variant="primary")
                yield Button("End session", id="end-session", variant="warning")
        yield KeyFooter()

    def action_back(self) -> None:
        self.app.pop_screen()

    @on(Button.Pressed, "#case-note")
    def action_case_note(self) -> None:
        from safetyhelper.tui.screens.note import CaseNoteScreen

        self.app.push_screen(CaseNoteScreen())

    @on(Button.Pressed, "#end-session")
    def action_end(self) -> None:
        self.app.action_quick_exit()

    # ---------------------------------------------------------------- the take-home sheet

    @on(Button.Pressed, "#print-sheet")
    def action_print_sheet(self) -> None:
        self.app.push_screen(SheetDialog(save=False, **self.app.sheet_defaults), self._chosen)

    @on(Button.Pressed, "#save-pdf")
    def action_save_sheet(self) -> None:
        self.app.push_screen(SheetDialog(save=True, **self.app.sheet_defaults), self._chosen)

    def _chosen(self, request: SheetRequest | None) -> None:
        if request is not None:
            self._busy = BusyDialog("Making the sheet...", 2)
            self.app.push_screen(self._busy)
            self._sheet_worker(request)

    @work(thread=True, exclusive=True, group="sheet")
    def _sheet_worker(self, request: SheetRequest) -> None:
        """Make the sheet, then save it (request.path) or print it; never after the session was wiped."""
        session = self.app.session
        generation = session.generation
        pdf = sheet_pdf(session, request.options)
        if session.generation != generation:
            return  # quick exit or idle reset while the sheet was being made: nothing goes anywhere
        if request.path is not None:
            self.app.call_from_thread(self._busy.advance, "Saving...")
            try:
                saved = save_pdf(pdf, request.path)
            except OSError as exc:
                self.app.call_from_thread(self._done, f"Not saved: {exc.strerror or exc}", "error")
            else:
                self.app.call_from_thread(self._done, f"Saved to {saved}")
            return
        self.app.call_from_thread(self._busy.advance, "Sending it to the printer...")
        try:
            job = print_pdf(pdf, choose_printer(None, self.app.printer))
        except PrintError as exc:
            self.app.call_from_thread(self._print_failed, str(exc))
        else:
            self.app.call_from_thread(self._done, f"Sent to the printer. Job {job}.")

    def _done(self, message: str, severity: str = "information") -> None:
        if not self.is_attached:
            return  # the session was wiped meanwhile: say nothing about it
        self.app.pop_screen()  # the progress dialog
        self.query_one("#sheet-status", Static).update(message)
        self.notify(message, severity=severity, timeout=8)

    def _print_failed(self, message: str) -> None:
        if not self.is_attached:
            return
        self.app.pop_screen()

        def answer(save: bool | None) -> None:
            if save:
                self.action_save_sheet()

        self.app.push_screen(YesNoDialog(f"{message} Save the sheet as a PDF instead?", "Save as PDF", "Not now"), answer)
