"""The summary: the outcome of every item, what to take home, and what to do next."""

from __future__ import annotations

import threading
from pathlib import Path

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widgets import Button, Checkbox, Static

from safetyhelper.tui.widgets.footer import KeyFooter
from safetyhelper.printing import JobWaiting, NoDefaultPrinter, PrintError, cancel_job, choose_printer, print_pdf
from safetyhelper.content import ContentError
from safetyhelper.session import Outcome
from safetyhelper.sheet import SaveError, SheetOptions, save_in_folder, save_pdf, sheet_pdf
from safetyhelper.tui.screens.sheet_dialog import BusyDialog, SheetDialog, SheetRequest, YesNoDialog
from safetyhelper.translate import N_, _

#: Kiosk mode with no save folder set (marked here: translate with ``_()`` where it is shown).
SAVING_OFF = N_("Saving is turned off on this computer. Print the sheet instead.")


class SummaryScreen(Screen):
    SCOPED_CSS = False  # the rules name this screen's own ids
    DEFAULT_CSS = """
    #summary .outcome, #summary .take-home { padding: 0 1; }
    #sheet-status { text-align: center; width: 100%; }
    #summary .outcome.not-now { color: $text-warning; }
    #summary .outcome.none { color: $text-muted; }
    #summary .general-about { padding: 0 1 0 5; }
    """

    BINDINGS = [
        ("b", "back", N_("Back")),
        ("p", "print_sheet", N_("Print")),
        ("s", "save_sheet", N_("Save PDF")),
        ("g", "other_guides", N_("Other guides")),
        ("c", "case_note", N_("Case note")),
        ("e", "end", N_("End session")),
    ]

    def compose(self) -> ComposeResult:
        session = self.app.session
        with VerticalScroll(id="summary"):
            yield Static(_("Summary"), classes="heading")
            names = ", ".join(p.name for p in session.chosen_platforms) or _("No apps or phones picked")
            yield Static(names, markup=False, classes="muted")
            for item in session.items:  # the plan's order
                outcome = session.outcome(item.id)
                label = outcome.label if outcome else _("Not covered")
                line = _("{item}: {outcome}").format(item=item.title, outcome=label)
                yield Static(line, markup=False, classes=f"outcome {outcome.value if outcome else 'none'}")
            phone = self.app.pack.phone_check
            if phone is not None and session.phone_checks:
                yield Static(_("Phone check"), classes="subheading")
                for check in phone.check:
                    outcome = session.phone_checks.get(check.id)
                    if outcome is not None:
                        line = _("{item}: {outcome}").format(item=check.title, outcome=outcome.label)
                        yield Static(line, markup=False, classes=f"outcome {outcome.value}")
            home = session.to_take_home()
            if home:
                yield Static(_("To take home"), classes="subheading")
                for item in home:
                    if session.outcome(item.id) is Outcome.NOT_NOW:
                        line = _("- {item} (when it is safe)").format(item=item.title)
                    else:
                        line = f"- {item.title}"
                    yield Static(line, markup=False, classes="take-home")
            with Horizontal(id="sheet-actions", classes="buttons"):
                yield Button(_("Print take-home sheet"), id="print-sheet")
                yield Button(_("Save as PDF"), id="save-pdf")
            yield Static("", id="sheet-status", markup=False, classes="muted")
            with Horizontal(classes="buttons"):
                yield Button(_("Case note"), id="case-note", variant="primary")
                yield Button(_("End session"), id="end-session", variant="warning")
            offered = session.offered_general
            if offered:
                yield Static(_("Other guides: g shows their QR codes. Tick one to put it on the sheet."), classes="subheading")
                for guide in offered:
                    yield Checkbox(guide.title, guide.id in session.general, name=guide.id, classes="general-guide")
                    yield Static(guide.about, markup=False, classes="muted general-about")
        yield KeyFooter()

    def action_back(self) -> None:
        self.app.pop_screen()

    @on(Checkbox.Changed, ".general-guide")
    def _general_changed(self, event: Checkbox.Changed) -> None:
        self.app.session.set_general(event.checkbox.name, event.value)

    def action_other_guides(self) -> None:
        from safetyhelper.tui.screens.qr import QRScreen

        guides = self.app.session.offered_general
        if guides:
            self.app.push_screen(QRScreen([(g.title, g.url) for g in guides]))

    @on(Button.Pressed, "#case-note")
    def action_case_note(self) -> None:
        from safetyhelper.tui.screens.note import CaseNoteScreen

        self.app.push_screen(CaseNoteScreen())

    @on(Button.Pressed, "#end-session")
    def action_end(self) -> None:
        self.app.action_quick_exit()

    # ---------------------------------------------------------------- the take-home sheet

    def _can_save(self) -> bool:
        """Saving is allowed everywhere except on a kiosk with no save folder set."""
        return not self.app.kiosk or bool(self.app.save_folder)

    #: The printer chosen in the print dialog in this session (forgotten with the screen at quick exit).
    _printer: str | None = None

    def _sheet_dialog(
        self, save: bool, options: SheetOptions | None = None, *, path: Path | None = None, message: str | None = None
    ) -> SheetDialog:
        """The options dialog: with the configured defaults, or with ``options`` carried over (after a print
        that failed, so that a discreet sheet stays discreet; after a refused save, with the path typed)."""
        if options is None:
            choices = dict(self.app.sheet_defaults)
            # The sheet starts in the screen's language (a Welsh screen offers a Welsh sheet); it can change.
            from safetyhelper.translate import screen_language

            choices["language"] = screen_language()
        else:
            choices = dict(discreet=options.discreet, large_print=options.large_print, helplines=options.with_helplines,
                           language=options.language)
        folder = self.app.save_folder if save and self.app.kiosk else None
        return SheetDialog(
            save=save, save_folder=folder, path=path, printer=self._printer, configured_printer=self.app.printer,
            message=message, **choices,
        )

    @on(Button.Pressed, "#print-sheet")
    def action_print_sheet(self) -> None:
        self._offer_print()

    def _offer_print(self, options: SheetOptions | None = None, message: str | None = None) -> None:
        if options is None:
            self._clear_status()
        self.app.push_screen(self._sheet_dialog(False, options, message=message), self._chosen)

    def _clear_status(self) -> None:
        """A new sheet action starts (not one carried on from the last): the last one's line ("Saved to ...")
        would read as this one's result."""
        if self.is_attached:
            self.query_one("#sheet-status", Static).update("")

    @on(Button.Pressed, "#save-pdf")
    def action_save_sheet(self) -> None:
        self._offer_save()

    def _offer_save(self, options: SheetOptions | None = None, *, path: Path | None = None, message: str | None = None) -> None:
        if not self._can_save():
            self._say(_(SAVING_OFF), "warning")
            return
        if options is None:
            self._clear_status()
        self.app.push_screen(self._sheet_dialog(True, options, path=path, message=message), self._chosen)

    def _chosen(self, request: SheetRequest | None) -> None:
        if request is None:
            return
        if request.printer is not None:
            self._printer = request.printer
        stop = threading.Event()
        busy = BusyDialog(_("Making the sheet..."), 2)

        def stopped(result: bool | None) -> None:
            if result:
                stop.set()
                self._say(_("Stopping..."))

        self.app.push_screen(busy, stopped)
        self._sheet_worker(request, busy, stop)

    @work(thread=True, exclusive=True, group="sheet")
    def _sheet_worker(self, request: SheetRequest, busy: BusyDialog, stop: threading.Event) -> None:
        """Make the sheet, then save it or print it; never after the session was wiped, nor after C."""
        session = self.app.session
        generation = session.generation
        try:
            pdf = sheet_pdf(session, request.options)
        except ContentError as exc:  # a translation that does not load: say so, in one line
            self.app.call_from_thread(self._done, busy, _("The sheet could not be made in that language: {error}").format(error=exc))
            return
        if session.generation != generation:
            return  # quick exit or idle reset while the sheet was being made: nothing goes anywhere
        if stop.is_set():
            if request.save:
                stopped_message = _("Stopped. The sheet was not saved.")
            else:
                stopped_message = _("Stopped. The sheet was not sent to the printer.")
            self.app.call_from_thread(self._done, busy, stopped_message)
            return
        if request.save:
            self.app.call_from_thread(busy.advance, _("Saving..."))
            try:
                if request.folder is not None:
                    saved = save_in_folder(pdf, request.folder)
                    message = _("Saved as {name} in {folder}.").format(name=saved.name, folder=request.folder)
                else:
                    saved = save_pdf(pdf, request.path)
                    message = _("Saved to {path}").format(path=saved)
            except FileExistsError as exc:  # made meanwhile: the dialog again, with the choices and the path
                self.app.call_from_thread(self._save_refused, busy, str(exc), request)
            except SaveError as exc:
                self.app.call_from_thread(self._done, busy, str(exc), "error")
            except OSError as exc:
                self.app.call_from_thread(self._done, busy, _("Not saved: {error}").format(error=exc.strerror or exc), "error")
            else:
                self.app.call_from_thread(self._done, busy, message)
            return
        self.app.call_from_thread(busy.advance, _("Checking the printer and sending the sheet..."))
        try:
            job = print_pdf(pdf, request.printer or choose_printer(self._printer, self.app.printer))
        except JobWaiting as exc:
            self.app.call_from_thread(self._job_waiting, busy, exc, request.options)
        except PrintError as exc:
            self.app.call_from_thread(self._print_failed, busy, exc, request.options)
        else:
            self.app.call_from_thread(self._done, busy, _("Sent to the printer. Job {job}.").format(job=job))

    def _say(self, message: str, severity: str = "information") -> None:
        """Show ``message`` in the status line and as a notice, never read as markup (it can hold a typed path)."""
        if not self.is_attached:
            return
        self.query_one("#sheet-status", Static).update(message)
        self.notify(message, severity=severity, timeout=8, markup=False)

    def _done(self, busy: BusyDialog, message: str, severity: str = "information") -> None:
        if not self.is_attached:
            return  # the session was wiped meanwhile: say nothing about it
        busy.finish()
        self._say(message, severity)

    def _save_refused(self, busy: BusyDialog, message: str, request: SheetRequest) -> None:
        if not self.is_attached:
            return
        busy.finish()
        self._offer_save(request.options, path=request.path, message=message)

    def _print_failed(self, busy: BusyDialog, error: PrintError, options: SheetOptions) -> None:
        if not self.is_attached:
            return
        busy.finish()
        message = str(error)
        self._say(message, "error")
        if isinstance(error, NoDefaultPrinter) and error.printers:
            self._offer_print(options, message)  # the dialog lists the printers CUPS knows
            return
        if not self._can_save():
            return

        def answer(save: bool | None) -> None:
            if save:
                self._offer_save(options)

        question = _("{message} Save the sheet as a PDF instead?").format(message=message)
        self.app.push_screen(YesNoDialog(question, _("Save as PDF"), _("Not now")), answer)

    def _job_waiting(self, busy: BusyDialog, waiting: JobWaiting, options: SheetOptions) -> None:
        """The printer was paused while the sheet went to it: offer to take the job back (and save instead)."""
        if not self.is_attached:
            return
        busy.finish()
        told = _(
            "The printer {printer} is paused, so the sheet (job {job}) is waiting: "
            "it would print later, when nobody is there to pick it up."
        ).format(printer=waiting.printer, job=waiting.job)
        self._say(told, "warning")
        can_save = self._can_save()
        if can_save:
            question = _("{message} Stop the job and save the sheet as a PDF instead?").format(message=told)
            yes = _("Stop it and save a PDF")
        else:
            question = _("{message} Stop the job?").format(message=told)
            yes = _("Stop the job")

        def answer(stop: bool | None) -> None:
            if stop:
                self._cancel_worker(waiting.job, options if can_save else None)

        self.app.push_screen(YesNoDialog(question, yes, _("Leave it")), answer)

    @work(thread=True, group="cancel-job")
    def _cancel_worker(self, job: str, options: SheetOptions | None) -> None:
        try:
            cancel_job(job)
        except PrintError as exc:
            self.app.call_from_thread(self._say, str(exc), "error")
        else:
            self.app.call_from_thread(self._cancelled, job, options)

    def _cancelled(self, job: str, options: SheetOptions | None) -> None:
        if not self.is_attached:
            return
        self._say(_("Job {job} was stopped. It will not print.").format(job=job))
        if options is not None:
            self._offer_save(options)
