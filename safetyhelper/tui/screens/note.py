"""The case note: a short plain-text note for the case file, copied only where the copy can be trusted.

The note is copied when the app can confirm the copy and wipe it again (safetyhelper.clipboard): a
system clipboard tool, or a terminal known to honour OSC 52 outside tmux and screen. Otherwise nothing
is copied and the screen says so: the note is shown selected, ready to copy with the mouse, or to type.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import Static, TextArea

from safetyhelper.tui.widgets.footer import KeyFooter
from safetyhelper.translate import N_, _

COPIED = N_("Copied to the clipboard: paste it into the case system. It holds no names. Quick exit (Esc) empties the clipboard.")
NOT_COPIED = N_(
    "Not copied: this computer gives no clipboard the app can empty again. The note is selected below: "
    "copy it with the mouse or type it into the case system. It holds no names."
)


class CaseNoteScreen(Screen):
    SCOPED_CSS = False  # the rules name this screen's own ids
    DEFAULT_CSS = """
    #note { height: 1fr; }
    #note-status { height: auto; }
    #note-text { height: 1fr; margin: 1 1 0 1; background: $surface; }
    """

    BINDINGS = [
        # Priority: the note's text box must not take these keys first.
        Binding("b", "app.pop_screen", N_("Back"), priority=True),
        Binding("c", "copy", N_("Copy again"), priority=True),
    ]

    def compose(self) -> ComposeResult:
        with Vertical(id="note"):
            yield Static(_("Case note"), classes="heading")
            yield Static("", id="note-status", markup=False, classes="muted")
            yield TextArea(self.app.session.case_note(), read_only=True, soft_wrap=True, id="note-text")
        yield KeyFooter()

    def on_mount(self) -> None:
        note = self.query_one("#note-text", TextArea)
        note.select_all()
        note.focus()
        self.action_copy()

    def action_copy(self) -> None:
        copied = self.app.copy_to_clipboard(self.app.session.case_note())
        self.query_one("#note-status", Static).update(_(COPIED) if copied else _(NOT_COPIED))
        self.notify(_("Case note copied.") if copied else _("Not copied: the note is on the screen."), markup=False)
