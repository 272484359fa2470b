"""The start screen: plain, with nothing of any session on it."""

from __future__ import annotations

import datetime as dt

from textual import on
from textual.app import ComposeResult
from textual.containers import Center, Vertical
from textual.screen import Screen
from textual.widgets import Button, Static

from safetyhelper.tui.widgets.footer import KeyFooter
from safetyhelper.content import STALE_AFTER_DAYS
from safetyhelper.translate import N_, _, long_date, screen_language


def content_status(oldest: dt.date, today: dt.date | None = None) -> tuple[str, bool]:
    """The status line for staff and whether the guides are due for a check."""
    today = today or dt.date.today()
    date = long_date(oldest, screen_language())
    stale = (today - oldest).days > STALE_AFTER_DAYS
    if stale:
        # One message, not two sentences joined: days is STALE_AFTER_DAYS (always more than one).
        line = _("Guides checked on {date}. Some are more than {days} days old: ask your admin to check them.")
    else:
        line = _("Guides checked on {date}.")
    return line.format(date=date, days=STALE_AFTER_DAYS), stale


class StartScreen(Screen):
    BINDINGS = [
        ("s", "start", N_("Start")),
        ("g", "staff", N_("Staff guide")),
        ("l", "links", N_("Check links")),
    ]

    def compose(self) -> ComposeResult:
        pack = self.app.pack
        status, stale = content_status(pack.oldest_checked, self.app.today)
        with Vertical(id="start"):
            yield Static(_("Online safety check"), id="start-title")
            yield Static(
                _("Go through online safety together, one step at a time. Nothing you choose here is kept."),
                markup=False,
                classes="lead",
            )
            with Center():
                yield Button(_("Start a new session"), id="start-session", variant="primary")
            with Center():
                yield Button(_("Staff quick guide"), id="staff-guide")
            with Center():
                yield Button(_("Check guide links"), id="check-links")
            yield Static(status, markup=False, id="content-status", classes="stale" if stale else "")
            yield Static("", markup=False, id="translation-status")
        yield KeyFooter()

    def on_mount(self) -> None:
        self.call_after_refresh(self._say_drafts)

    def _say_drafts(self) -> None:
        """For staff: which sheet languages are draft translations (read after the screen is drawn)."""
        from safetyhelper.translate import draft_languages

        drafts = draft_languages(self.app.pack)
        if drafts and self.is_attached:
            self.query_one("#translation-status", Static).update(
                _("Draft translation (not yet checked by a native speaker): {languages} sheets.").format(
                    languages=", ".join(drafts)
                )
            )

    @on(Button.Pressed, "#start-session")
    def action_start(self) -> None:
        self.app.begin_session()

    @on(Button.Pressed, "#staff-guide")
    def action_staff(self) -> None:
        from safetyhelper.tui.screens.staff import StaffScreen

        self.app.with_staff_pin(lambda: self.app.push_screen(StaffScreen()), _("Staff PIN to open the staff guide"))

    @on(Button.Pressed, "#check-links")
    def action_links(self) -> None:
        """Staff only, and never during a session (this screen is only shown when none is running)."""
        from safetyhelper.tui.screens.links import LinkCheckScreen

        self.app.with_staff_pin(lambda: self.app.push_screen(LinkCheckScreen()), _("Staff PIN to check the guide links"))
