"""The staff quick reference, drawn from the social media policy."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Static

from safetyhelper.tui.widgets.footer import KeyFooter
from safetyhelper.tui.screens.start import content_status


class StaffScreen(Screen):
    SCOPED_CSS = False  # the rules name this screen's own ids
    DEFAULT_CSS = """
    #staff .point { padding: 0 1; }
    """

    BINDINGS = [("b", "app.pop_screen", "Back")]

    def compose(self) -> ComposeResult:
        pack = self.app.pack
        with VerticalScroll(id="staff"):
            yield Static(pack.staff.title, markup=False, classes="heading")
            for point in pack.staff.points:
                yield Static("- " + point, markup=False, classes="point")
            yield Static(content_status(pack.oldest_checked, self.app.today)[0], markup=False, classes="muted")
        yield KeyFooter()
