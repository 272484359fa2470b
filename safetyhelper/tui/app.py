"""The safetyhelper Textual app: a thin layer over the domain (content, session, QR)."""

from __future__ import annotations

import datetime as dt
import time
from typing import ClassVar

from textual import events
from textual.app import App
from textual.binding import Binding

from safetyhelper.clipboard import Clipboard, choose_method
from safetyhelper.config import Config, PinLock
from safetyhelper.content import ContentPack
from safetyhelper.session import Session
from safetyhelper.tui.commands import GuideCommands
from safetyhelper.tui.screens.start import StartScreen
from safetyhelper.tui.themes import HIGH_CONTRAST
from safetyhelper.translate import N_, _

QUICK_EXIT_KEY = "escape"
SESSION_MODE = "session"
DEFAULT_IDLE_MINUTES = 10.0


class SafetyApp(App[int]):
    """Steps a caseworker and a service user through the checklist."""

    TITLE = "Online safety check"
    CSS_PATH = "app.tcss"
    COMMANDS: ClassVar = App.COMMANDS | {GuideCommands}
    BINDINGS = [
        Binding(QUICK_EXIT_KEY, "quick_exit", N_("Quick exit"), priority=True, id="quick-exit"),
        Binding("ctrl+t", "toggle_contrast", N_("Contrast"), id="contrast"),
    ]

    def __init__(
        self,
        pack: ContentPack,
        *,
        idle_seconds: float = DEFAULT_IDLE_MINUTES * 60,
        today: dt.date | None = None,
        printer: str | None = None,
        sheet_defaults: dict[str, bool] | None = None,
        theme: str | None = None,
        kiosk: bool = False,
        pin_hash: str | None = None,
        save_folder: str | None = None,
    ) -> None:
        super().__init__()
        #: Kiosk mode: the only folder sheets may be saved to (None: saving is turned off on a kiosk).
        self.save_folder = save_folder
        #: Kiosk mode: leaving the app and the staff screens need the staff PIN; no suspend.
        self.kiosk = kiosk
        self.pin_hash = pin_hash
        self.pin_lock = PinLock()
        self.pack = pack
        #: The CUPS printer from the option or configuration; None means the system default.
        self.printer = printer
        #: Default sheet options (discreet, large_print) from configuration.
        self.sheet_defaults = dict(sheet_defaults or {})
        #: Fixed in tests so that the content-status line does not age; None means the real date.
        self.today = today
        self.session = Session(pack)
        self.idle_seconds = idle_seconds
        self._last_input = time.monotonic()
        self._idle_warning = None
        self._session_mode = False
        #: The only way the app copies (the case note, selected text): see safetyhelper.clipboard.
        self.clipboard_guard = Clipboard(choose_method(), write_terminal=self._write_terminal)
        self.register_theme(HIGH_CONTRAST)
        if theme:
            self.theme = theme

    # Two modes: "start" (the plain start screen and staff screens) and "session" (everything of a
    # session, added when one begins). Ending a session removes the whole "session" mode at once.
    MODES: ClassVar = {"start": StartScreen}
    DEFAULT_MODE: ClassVar[str] = "start"

    def on_mount(self) -> None:
        # Every second (more often for very short idle times in tests), for the warning's countdown.
        self.set_interval(min(1.0, max(self.idle_warning_seconds / 4, 0.05)), self._check_idle)

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, (events.Key, events.MouseDown, events.MouseScrollDown, events.MouseScrollUp)):
            self._last_input = time.monotonic()
        await super().on_event(event)

    # ---------------------------------------------------------------- the flow

    def begin_session(self) -> None:
        from safetyhelper.tui.screens.choose import ChooseScreen

        self.session.wipe()
        self._drop_session_screens()
        self.add_mode(SESSION_MODE, ChooseScreen)
        self._session_mode = True
        self.switch_mode(SESSION_MODE)

    def show_questions(self) -> None:
        """After picking apps and phones: the plan's questions (optional), then the checklist."""
        plan = self.pack.plan
        if plan is None or not plan.question:
            self.show_checklist()
            return
        from safetyhelper.tui.screens.questions import QuestionsScreen

        self.push_screen(QuestionsScreen())

    def show_checklist(self) -> None:
        from safetyhelper.tui.screens.item import ItemScreen

        self.push_screen(ItemScreen(0))

    @property
    def has_session_screens(self) -> bool:
        """True while any screen of a session exists (until quick exit, idle reset or the end)."""
        return self._session_mode

    def _drop_session_screens(self) -> None:
        if self._session_mode:
            self._session_mode = False
            self.remove_mode(SESSION_MODE)

    # ---------------------------------------------------------------- safety

    def action_quick_exit(self) -> None:
        """Wipe the session at once and go back to a plain start screen."""
        self.session.wipe()
        self._idle_warning = None
        self.clear_notifications()
        self.switch_mode("start")
        self._drop_session_screens()
        while len(self.screen_stack) > 1:  # a staff screen or a guide opened from the start screen
            self.pop_screen()
        self._wipe_clipboard()

    # ---------------------------------------------------------------- the clipboard

    def copy_to_clipboard(self, text: str) -> bool:  # type: ignore[override]
        """Copy only where the copy is known to work and can be wiped again (never into tmux's or
        screen's paste buffers). Returns True when it was copied. Textual's own copy (selected text,
        Ctrl+C in an input) comes through here too."""
        self._clipboard = text  # Textual's in-app clipboard, for pasting within the app
        return self.clipboard_guard.copy(text)

    def _write_terminal(self, code: str) -> None:
        if self._driver is not None:
            self._driver.write(code)

    def _wipe_clipboard(self) -> None:
        self._clipboard = ""
        self.clipboard_guard.wipe()

    def exit(self, *args, **kwargs) -> None:  # type: ignore[override]
        self._wipe_clipboard()  # while the terminal is still ours
        super().exit(*args, **kwargs)

    def action_command_palette(self) -> None:
        """Ctrl+P opens the palette and closes it again (Esc is the quick exit, so nothing may need it
        to close). Never a second palette: one may be open under a dialog."""
        from textual.command import CommandPalette

        if isinstance(self.screen, CommandPalette):
            self.screen.dismiss()
        elif not any(isinstance(s, CommandPalette) for s in self.screen_stack) and self.use_command_palette:
            from safetyhelper.tui.commands import Palette

            self.push_screen(Palette(id="--command-palette"))

    @property
    def idle_warning_seconds(self) -> float:
        """How long before the idle reset its warning shows: a minute, or a quarter of the idle time."""
        return min(60.0, self.idle_seconds / 4)

    def _check_idle(self) -> None:
        """Warn before the idle reset with a countdown (any key or click keeps the session), then reset."""
        left = self.idle_seconds - (time.monotonic() - self._last_input)
        warning = self._idle_warning
        showing = warning is not None and warning in self.screen_stack
        there_is_something = not self.session.is_empty or self.current_mode != "start" or len(self.screen_stack) > 1
        if left > self.idle_warning_seconds or not there_is_something:
            if showing:
                warning.dismiss()  # a key or click somewhere: the session carries on
            self._idle_warning = None
            return
        if left <= 0:
            self._last_input = time.monotonic()
            self.action_quick_exit()
            return
        if showing:
            warning.count_down(left)
        else:
            from safetyhelper.tui.screens.idle import IdleWarning

            self._idle_warning = IdleWarning(left)
            self.push_screen(self._idle_warning)

    def get_system_commands(self, screen):
        """Only the theme from Textual's own palette commands: its Screenshot would write the screen
        (a session) to disk, and Quit goes through action_quit anyway."""
        from textual.app import SystemCommand

        yield SystemCommand(_("Theme"), _("Change the colours (high-contrast is one choice)"), self.action_change_theme)
        yield SystemCommand(_("Quit"), _("Leave safetyhelper"), self.action_quit)

    def action_screenshot(self, filename: str | None = None, path: str | None = None) -> None:
        """Never write a picture of the screen to disk: it could hold a session."""

    def deliver_screenshot(self, *args, **kwargs) -> None:  # type: ignore[override]
        """As action_screenshot: nothing of a session reaches disk."""

    # ---------------------------------------------------------------- kiosk mode

    def with_staff_pin(self, then, heading: str) -> None:
        """Run ``then`` at once, or in kiosk mode only after the staff PIN is given. ``heading`` is the
        PIN dialog's whole, translated heading ("Staff PIN to leave the app"), never a piece of one."""
        if not self.kiosk:
            then()
            return
        from safetyhelper.tui.screens.pin import PinDialog

        def answered(ok: bool | None) -> None:
            if ok:
                then()

        self.push_screen(PinDialog(heading), answered)

    async def action_quit(self) -> None:
        if self.kiosk:
            self.with_staff_pin(lambda: self.exit(0), _("Staff PIN to leave the app"))
            return
        await super().action_quit()

    def action_help_quit(self) -> None:
        if self.kiosk:
            return  # Ctrl+C does nothing in kiosk mode
        super().action_help_quit()

    def action_suspend_process(self) -> None:
        if not self.kiosk:
            super().action_suspend_process()

    def action_toggle_contrast(self) -> None:
        self.theme = "textual-dark" if self.theme == HIGH_CONTRAST.name else HIGH_CONTRAST.name


def make_app(
    pack: ContentPack,
    config: Config | None = None,
    *,
    idle_minutes: float | None = None,
    today: dt.date | None = None,
    printer: str | None = None,
    kiosk: bool | None = None,
    pin_hash: str | None = None,
    save_folder: str | None = None,
) -> SafetyApp:
    """The one way to build the app: the CLI, the tests and the snapshots all call this.

    Settings come from ``config`` (see safetyhelper.config); keyword arguments override them (tests)."""
    values = dict(config.values) if config else {}
    minutes = idle_minutes if idle_minutes is not None else values.get("idle_minutes") or DEFAULT_IDLE_MINUTES
    return SafetyApp(
        pack,
        idle_seconds=minutes * 60,
        today=today,
        printer=printer or values.get("printer"),
        sheet_defaults={k: bool(values.get(k)) for k in ("discreet", "large_print")},
        theme=values.get("theme"),
        kiosk=bool(kiosk if kiosk is not None else values.get("kiosk")),
        pin_hash=pin_hash or values.get("pin_hash"),
        save_folder=save_folder or values.get("save_folder"),
    )


def run(pack: ContentPack, config: Config | None = None) -> int:
    """Run the app. If it fails, say so in one line: Textual's own crash report shows local variables,
    which could put something of the session on the screen (SAFETYHELPER_DEBUG=1 shows it in full)."""
    import io
    import os
    import sys

    from safetyhelper.kiosk import error_type

    app = make_app(pack, config)
    if os.environ.get("SAFETYHELPER_DEBUG") == "1":
        app.run()
        return app.return_code or 0
    errors, real = io.StringIO(), sys.stderr
    sys.stderr = errors  # Textual draws on sys.__stderr__; only error reports land here
    try:
        app.run()
    finally:
        sys.stderr = real
        app._wipe_clipboard()  # after a crash too (a clipboard tool needs no terminal)
    code = app.return_code or 0
    if code:
        kind = error_type(errors.getvalue().encode()) or "an internal error"
        print(f"safetyhelper: stopped because of {kind}; nothing was saved", file=sys.stderr)
    return code
