""""Is something watching this phone?": the guided check, one check at a time, and the Android cable scan.

The check's words are phone-check.toml's; the scan is safetyhelper.adb and safetyhelper.phonescan, run in a
thread. Leaving the scan screen (quick exit included) stops the scan and removes everything adb wrote.
"""

from __future__ import annotations

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Button, ContentSwitcher, RadioButton, RadioSet, Static

from safetyhelper.model import PhoneCheck
from safetyhelper.session import Outcome
from safetyhelper.translate import N_, _, long_date, ngettext, screen_language
from safetyhelper.tui.screens.dialog import Dialog
from safetyhelper.tui.screens.item import OUTCOME_BINDINGS, OUTCOMES, SCROLL_BINDINGS, ScrollKeys, checked_line, outcome_box
from safetyhelper.tui.widgets.footer import KeyFooter
from safetyhelper.tui.widgets.steps import StepList

#: The device whose check offers the cable scan.
SCANNABLE = "android"


def open_phone_check(app, device: str | None = None) -> None:
    """Open the check for ``device``; with none given, the one phone picked, else ask which phone."""
    phone = app.pack.phone_check
    if phone is None:
        return
    devices = [d for d in app.pack.devices if phone.for_device(d.id)]
    if device is None:
        picked = [d.id for d in devices if d.id in app.session.chosen]
        device = picked[0] if len(picked) == 1 else None
    if device is not None:
        app.push_screen(PhoneCheckScreen(device))
        return

    def chosen(answer: str | None) -> None:
        if answer:
            app.push_screen(PhoneCheckScreen(answer))

    app.push_screen(WhichPhone([(d.id, d.name) for d in devices]), chosen)


class WhichPhone(Dialog[str | None]):
    """Which phone to check: a number key or a click; c closes it."""

    BINDINGS = [Binding("c", "close", N_("Close"))]

    def __init__(self, devices: list[tuple[str, str]]) -> None:
        super().__init__()
        self.devices = devices

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Static(_("Which phone shall we check?"), classes="heading")
            for n, (did, name) in enumerate(self.devices, 1):
                yield Button(Content(f"{n} {name}"), id=f"device-{did}")
            yield Button(_("c Close"), id="close")

    def on_key(self, event) -> None:
        if event.character and event.character.isdigit() and 1 <= int(event.character) <= len(self.devices):
            event.stop()
            self.dismiss(self.devices[int(event.character) - 1][0])

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        bid = event.button.id or ""
        self.dismiss(bid.removeprefix("device-") if bid.startswith("device-") else None)

    def action_close(self) -> None:
        self.dismiss(None)


class CheckPage(Vertical):
    """One check: what it can do, the steps (with their warnings), and how it went (always in sight)."""

    def __init__(self, check: PhoneCheck, *, id: str) -> None:
        super().__init__(id=id)
        self.check = check

    def compose(self) -> ComposeResult:
        with VerticalScroll(can_focus=False, classes="check-text"):
            yield Static(self.check.why, markup=False, classes="why")
            if self.check.note:
                yield Static(self.check.note, markup=False, classes="muted")
            yield StepList(self.check.steps)
            yield Static(checked_line(self.check.checked), markup=False, classes="muted")
        yield outcome_box(self.app.session.phone_checks.get(self.check.id))

    @on(RadioSet.Changed)
    def _record(self, event: RadioSet.Changed) -> None:
        self.app.session.record_check(self.check.id, OUTCOMES[event.index])


class PhoneCheckScreen(ScrollKeys, Screen):
    """Before anything, the warning and the helplines; then each check of one phone in turn."""

    SCOPED_CSS = False
    DEFAULT_CSS = """
    #phone-title { height: auto; }
    #phone-pages { height: 1fr; }
    #phone-pages .why { padding: 1 1 0 1; }
    #phone-pages .check-text { height: 1fr; }
    #phone-intro .intro { padding: 1 1 0 1; text-style: bold; }
    """
    BINDINGS = [
        ("n", "next", N_("Next")),
        ("b", "back", N_("Back")),
        ("q", "qr", N_("QR code")),
        ("c", "scan", N_("Cable scan")),
        *SCROLL_BINDINGS,
        *OUTCOME_BINDINGS,
    ]

    def __init__(self, device: str) -> None:
        super().__init__()
        self.device = device
        self.index = 0  # 0: before anything; 1..n: the checks

    @property
    def checks(self) -> tuple[PhoneCheck, ...]:
        return self.app.pack.phone_check.for_device(self.device)

    @property
    def device_name(self) -> str:
        found = self.app.pack.platform(self.device)
        return found.name if found else self.device

    def _title(self) -> str:
        phone = self.app.pack.phone_check
        if self.index == 0:
            step = _("Before you start")
        else:
            step = _("Check {number} of {total}: {title}").format(
                number=self.index, total=len(self.checks), title=self.checks[self.index - 1].title)
        return f"{phone.title} · {self.device_name}\n{step}"

    def compose(self) -> ComposeResult:
        phone = self.app.pack.phone_check
        yield Static(self._title(), markup=False, id="phone-title", classes="heading")
        with ContentSwitcher(id="phone-pages", initial="phone-intro"):
            with VerticalScroll(id="phone-intro", can_focus=False):
                yield Static(phone.intro, markup=False, classes="intro")
                lines = [f"{h.name}: {h.number}" for hid in self.app.pack.organisation.helplines
                         if (h := self.app.pack.helpline(hid)) is not None]
                yield Static(_("Specialist help"), classes="subheading")
                yield Static("\n".join(lines), markup=False, classes="muted")
                yield Static(_("The checks"), classes="subheading")
                yield Static("\n".join(f"{n}. {c.title}" for n, c in enumerate(self.checks, 1)), markup=False, classes="muted")
                if self.device == SCANNABLE:
                    yield Static(_("Optional: press c to scan this phone with a USB cable for known monitoring apps."), classes="muted")
                yield Static(_("Press n to start."), classes="muted")
            for n, check in enumerate(self.checks, 1):
                yield CheckPage(check, id=f"check-{n}")
        yield KeyFooter()

    def check_action(self, action: str, parameters: tuple) -> bool | None:
        if action == "scan":
            return self.device == SCANNABLE
        if action in ("outcome", "qr"):
            return self.index > 0 or action == "qr"
        return True

    def scroll_target(self) -> VerticalScroll:
        return self.page

    @property
    def page(self) -> VerticalScroll:
        """The scrolling text on show."""
        if self.index == 0:
            return self.query_one("#phone-intro", VerticalScroll)
        return self.query_one(f"#check-{self.index}", CheckPage).query_one(".check-text", VerticalScroll)

    def show(self, index: int) -> None:
        self.index = index
        self.query_one("#phone-title", Static).update(self._title())
        self.query_one("#phone-pages", ContentSwitcher).current = "phone-intro" if index == 0 else f"check-{index}"
        self.refresh_bindings()

    def action_next(self) -> None:
        if self.index > 0 and self.checks[self.index - 1].id not in self.app.session.phone_checks:
            self.notify(_("Choose how this step went first: press 1, 2, 3 or 4."), severity="warning")
            return
        if self.index < len(self.checks):
            self.show(self.index + 1)
            return
        done = sum(1 for c in self.checks if self.app.session.phone_checks.get(c.id) is Outcome.DONE)
        self.app.pop_screen()
        self.app.notify(ngettext("Phone check: {done} of {total} check done together.",
                                 "Phone check: {done} of {total} checks done together.", len(self.checks)).format(
            done=done, total=len(self.checks)))

    def action_back(self) -> None:
        if self.index == 0:
            self.app.pop_screen()
        else:
            self.show(self.index - 1)

    def action_outcome(self, index: int) -> None:
        if self.index == 0:
            return
        self.query_one(f"#check-{self.index}", CheckPage).query_one(f"#outcome-{OUTCOMES[index].value}", RadioButton).value = True
        self.app.session.record_check(self.checks[self.index - 1].id, OUTCOMES[index])

    def action_qr(self) -> None:
        from safetyhelper.tui.screens.qr import QRScreen

        if self.index == 0:
            codes = [(f"{self.device_name}: {c.title}", c.url) for c in self.checks]
        else:
            check = self.checks[self.index - 1]
            codes = [(f"{self.device_name}: {check.title}", check.url)]
        self.app.push_screen(QRScreen(codes))

    def action_scan(self) -> None:
        if self.device == SCANNABLE:
            self.app.push_screen(ScanScreen())


class ScanScreen(ScrollKeys, Screen):
    """The optional Android cable scan: what it needs and does, then the scan, the result and the undo steps.

    The scan runs in a thread. Quick exit or Back cancels its AdbSession (made here, on the screen's own
    thread, before the thread starts, so there is always something to cancel): adb is killed and its
    folder removed; a result or message that comes after that is dropped."""

    SCOPED_CSS = False
    DEFAULT_CSS = """
    #scan { height: 1fr; }
    #scan-status { padding: 0 1; height: auto; max-height: 3; text-style: bold; }
    ScanScreen .buttons { height: auto; margin-top: 0; }
    #scan-result { padding: 0 1; }
    #scan-after { display: none; }
    #scan-after.shown { display: block; height: auto; }
    """
    BINDINGS = [
        ("s", "start", N_("Start scan")),
        ("b", "back", N_("Back")),
        ("q", "qr", N_("QR code")),
        *SCROLL_BINDINGS,
    ]

    def __init__(self, serial: str | None = None, *, allow_seconds: float | None = None) -> None:
        super().__init__()
        #: The phone to scan when more than one is connected (HOST:PORT reaches one over the network).
        self.serial = serial
        #: How long to wait for Allow on the phone (None: AdbSession's default).
        self.allow_seconds = allow_seconds
        self.adb = None  # the AdbSession of a scan under way
        self.running = False
        self.result = None

    def compose(self) -> ComposeResult:
        from safetyhelper import indicators as ind

        phone = self.app.pack.phone_check
        self.indicators, warning = ind.load_for_scan()
        about = _("It reads the list of apps on the phone and what each can do, and looks for {n} known "
                  "monitoring apps (Echap's list of {date}). Nothing is kept on this computer.").format(
            n=self.indicators.android_apps, date=long_date(self.indicators.date, screen_language()))
        yield Static(_("Scan an Android phone with a USB cable (optional)"), id="scan-title", classes="heading")
        with VerticalScroll(id="scan", can_focus=False):
            yield Static(about, markup=False, classes="lead")
            if warning:
                yield Static(warning, markup=False, classes="muted")
            yield Static(_("Only scan with the phone's owner here, and only if they agree."), classes="muted")
            yield Static(phone.prepare.title, markup=False, classes="subheading")
            if phone.prepare.note:
                yield Static(phone.prepare.note, markup=False, classes="muted")
            yield StepList(phone.prepare.steps)
            yield Static("", id="scan-result", markup=False)
            with Vertical(id="scan-after"):
                yield Static(phone.undo.title, markup=False, classes="subheading")
                if phone.undo.note:
                    yield Static(phone.undo.note, markup=False, classes="muted")
                yield StepList(phone.undo.steps)
        yield Static(_("Press s to start the scan."), id="scan-status")
        with Horizontal(classes="buttons"):
            yield Button(_("Back"), id="scan-back")
            yield Button(_("Start scan"), id="scan-start", variant="primary")
        yield KeyFooter()

    def scroll_target(self) -> VerticalScroll:
        return self.query_one("#scan", VerticalScroll)

    def _status(self, text: str) -> None:
        self.query_one("#scan-status", Static).update(Content(text))

    @on(Button.Pressed, "#scan-start")
    def action_start(self) -> None:
        from safetyhelper.adb import AdbSession, PhoneProblem

        if self.running:
            return
        try:
            self.adb = AdbSession(allow_seconds=self.allow_seconds)
        except PhoneProblem as exc:
            self._status(str(exc))
            return
        self.running = True
        self.result = None
        self.query_one("#scan-result", Static).update("")
        self.query_one("#scan-after").remove_class("shown")
        self._status(_("Looking for the phone…"))
        self._scan(self.app, self.adb, self.app.session.generation)

    @work(thread=True, exclusive=True, exit_on_error=False)
    def _scan(self, app, adb, generation: int) -> None:
        """In a thread: never raises (a traceback could show the scan's data), only hands back a result
        or a message, which ``_show`` drops if the screen or the session has gone."""
        from safetyhelper.adb import PhoneProblem, problem
        from safetyhelper.phonescan import scan

        def post(*args) -> None:
            try:
                app.call_from_thread(self._show, generation, *args)
            except Exception:  # noqa: BLE001 - the app is closing: nothing to show
                pass

        try:
            with adb:
                result = scan(adb, self.indicators, self.serial,
                              progress=lambda done, total: post("status", _("Reading the phone ({done} of {total})…").format(done=done, total=total)),
                              waiting=lambda message: post("status", message))
        except PhoneProblem as exc:
            if exc.state != "cancelled":
                post("failed", str(exc))
        except Exception:  # noqa: BLE001
            post("failed", str(problem("adb-failed")))
        else:
            post("done", result)

    def _show(self, generation: int, kind: str, value) -> None:
        if generation != self.app.session.generation or not self.is_attached:
            return  # a quick exit or Back came first: show nothing
        if kind == "status":
            if self.running:
                self._status(value)
            return
        self.running = False
        self.adb = None
        if kind == "failed":
            self._status(value + " " + _("Press s to try again."))
            return
        from safetyhelper.phonescan import report_lines

        self.result = value
        self._status(_("Something was found.") if value.exit_code else _("The scan is finished."))
        self.query_one("#scan-result", Static).update("\n".join(report_lines(value)))
        self.query_one("#scan-after").add_class("shown")
        self.scroll_target().scroll_to_widget(self.query_one("#scan-result"), top=True, animate=False)

    def on_unmount(self) -> None:
        self._stop()

    def _stop(self) -> None:
        adb, self.adb = self.adb, None
        if adb is not None:
            adb.cancel()
        self.running = False
        self.result = None

    @on(Button.Pressed, "#scan-back")
    def action_back(self) -> None:
        self._stop()
        self.app.pop_screen()

    def action_qr(self) -> None:
        from safetyhelper.tui.screens.qr import QRScreen

        phone = self.app.pack.phone_check
        self.app.push_screen(QRScreen([(t.title, t.url) for t in (phone.prepare, phone.undo)]))
