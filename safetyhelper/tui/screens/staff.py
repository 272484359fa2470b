"""The staff quick reference, drawn from the social media policy."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Static

from safetyhelper.tui.widgets.footer import KeyFooter
from safetyhelper.tui.screens.start import content_status
from safetyhelper.translate import N_, _


class StaffScreen(Screen):
    SCOPED_CSS = False  # the rules name this screen's own ids
    DEFAULT_CSS = """
    #staff .point { padding: 0 1; }
    """

    BINDINGS = [("b", "app.pop_screen", N_("Back"))]

    def compose(self) -> ComposeResult:
        pack = self.app.pack
        with VerticalScroll(id="staff"):
            yield Static(pack.staff.title, markup=False, classes="heading")
            for point in pack.staff.points:
                yield Static("- " + point, markup=False, classes="point")
            yield Static(content_status(pack.oldest_checked, self.app.today)[0], markup=False, classes="muted")
            unverified = pack.unverified_guides()
            if unverified:
                yield Static(_("Guides to try on a phone ({count})").format(count=len(unverified)), classes="subheading")
                yield Static(
                    _(
                        "Nobody has yet followed these steps on a real phone. Try them before you rely on them, and tell "
                        "your admin what you find. Service users never see this list."
                    ),
                    markup=False,
                    classes="muted",
                )
                for platform, guide in unverified:
                    yield Static(f"- {platform.name}: {guide.title}. {guide.unverified}", markup=False, classes="point")
        yield KeyFooter()
