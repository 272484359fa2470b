"""Pick the apps and devices the service user uses."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import Screen

from safetyhelper.tui.widgets.footer import KeyFooter
from textual.widgets import Button, SelectionList, Static
from textual.widgets.selection_list import Selection

from safetyhelper.translate import N_, _


class ChooseScreen(Screen):
    SCOPED_CSS = False  # the rules name this screen's own ids
    DEFAULT_CSS = """
    #choose { height: 1fr; }
    #platforms { height: 1fr; margin: 0 1; }
    """

    BINDINGS = [
        ("n", "next", N_("Next")),
        ("b", "back", N_("Back")),
    ]

    def compose(self) -> ComposeResult:
        pack = self.app.pack
        session = self.app.session
        with Vertical(id="choose"):
            yield Static(_("Which apps and phones do they use?"), classes="heading")
            yield Static(_("Space or click to pick. Pick as many as you like."), classes="muted")
            options = [
                Selection(Content(p.name), p.id, p.id in session.chosen, id=f"pick-{p.id}")
                for p in pack.accounts + pack.platforms
            ] + [
                Selection(Content(_("{device} (phone settings)").format(device=d.name)), d.id, d.id in session.chosen, id=f"pick-{d.id}")
                for d in pack.devices
            ]
            yield SelectionList[str](*options, id="platforms")
            with Horizontal(classes="buttons"):
                yield Button(_("Back"), id="back")
                yield Button(_("Next"), id="next", variant="primary")
        yield KeyFooter()

    @property
    def selection_list(self) -> SelectionList[str]:
        return self.query_one("#platforms", SelectionList)

    @on(SelectionList.SelectedChanged)
    def _store(self) -> None:
        picks = self.selection_list
        before = set(self.app.session.chosen)
        added = [pid for pid in picks.selected if pid not in before]
        # A phone or app that signs in with an account (an iPhone, an Apple Account) picks that account too;
        # it can be unticked again.
        for pid in self.app.pack.with_accounts(added):
            if pid not in added and pid not in picks.selected:
                picks.select(pid)
        self.app.session.choose(picks.selected)

    @on(Button.Pressed, "#next")
    def action_next(self) -> None:
        self.app.session.choose(self.selection_list.selected)
        self.app.show_questions()

    @on(Button.Pressed, "#back")
    def action_back(self) -> None:
        """Back to the start: nothing has been done yet, so this ends the session."""
        self.app.action_quick_exit()
