"""The summary: the outcome of every item, what to take home, and what to do next."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widgets import Button, Static

from safetyhelper.tui.widgets.footer import KeyFooter
from safetyhelper.session import Outcome


class SummaryScreen(Screen):
    BINDINGS = [
        ("b", "back", "Back"),
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
                # The take-home sheet (its own issue) plugs in here.
                yield Button("Print take-home sheet", id="print-sheet", disabled=True, tooltip="Coming soon")
                yield Button("Save as PDF", id="save-pdf", disabled=True, tooltip="Coming soon")
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
