"""The case note: a short plain-text note for the case file, copied to the clipboard."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Static

from safetyhelper.tui.widgets.footer import KeyFooter


class CaseNoteScreen(Screen):
    SCOPED_CSS = False  # the rules name this screen's own ids
    DEFAULT_CSS = """
    #note-text { padding: 1 2; background: $surface; }
    """

    BINDINGS = [
        ("b", "app.pop_screen", "Back"),
        ("c", "copy", "Copy again"),
    ]

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="note"):
            yield Static("Case note", classes="heading")
            yield Static(
                "Copied to the clipboard: paste it into the case system. It holds no names.",
                classes="muted",
            )
            yield Static(self.app.session.case_note(), markup=False, id="note-text")
        yield KeyFooter()

    def on_mount(self) -> None:
        self.action_copy()

    def action_copy(self) -> None:
        self.app.copy_to_clipboard(self.app.session.case_note())
        self.notify("Case note copied.")
