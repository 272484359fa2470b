"""One checklist item: why it matters, what to do, each chosen app's steps, and the outcome."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Footer, RadioButton, RadioSet, Static, TabbedContent, TabPane

from safetyhelper.content import Item
from safetyhelper.session import GuideStep, Outcome
from safetyhelper.tui.widgets.steps import StepList

OUTCOMES = list(Outcome)


class ItemScreen(Screen):
    BINDINGS = [
        ("n", "next", "Next"),
        ("b", "back", "Back"),
        ("q", "qr", "QR code"),
        # The outcome box shows these numbers itself, so they stay out of the footer.
        Binding("1", "outcome(0)", "Done together", show=False),
        Binding("2", "outcome(1)", "To do at home", show=False),
        Binding("3", "outcome(2)", "Not now", show=False),
        Binding("4", "outcome(3)", "Not relevant", show=False),
    ]

    def __init__(self, index: int) -> None:
        super().__init__()
        self.index = index
        self.item: Item = self.app.pack.items[index]

    def _guides_by_platform(self) -> dict[str, list[GuideStep]]:
        out: dict[str, list[GuideStep]] = {}
        for gs in self.app.session.guides_for(self.item):
            out.setdefault(gs.platform.id, []).append(gs)
        return out

    def compose(self) -> ComposeResult:
        total = len(self.app.pack.items)
        yield Static(
            Content(f"Step {self.index + 1} of {total}: {self.item.title}"), id="item-title", classes="heading"
        )
        with TabbedContent(id="item-tabs"):
            with TabPane(Content("Why it matters"), id="pane-why"):
                with VerticalScroll():
                    yield Static(self.item.why, markup=False, classes="why")
                    yield Static("What to do", classes="subheading")
                    yield StepList(self.item.steps, numbered=False)
                    if not self.app.session.chosen:
                        yield Static("No apps or phones were picked.", classes="muted")
                    else:
                        yield Static("Use the tabs above for each app's steps.", classes="muted")
            for pid, guides in self._guides_by_platform().items():
                with TabPane(Content(guides[0].platform.name), id=f"pane-{pid}"):
                    with VerticalScroll():
                        for gs in guides:
                            yield Static(gs.guide.title, markup=False, classes="subheading")
                            if gs.guide.note:
                                yield Static(gs.guide.note, markup=False, classes="muted")
                            yield StepList(gs.guide.steps)
                            yield Static(
                                f"Press q for the QR code of the official guide (checked {gs.guide.checked:%d %b %Y}).",
                                markup=False,
                                classes="muted",
                            )
        current = self.app.session.outcome(self.item.id)
        with RadioSet(id="outcome") as outcomes:
            outcomes.border_title = "How did it go? Press 1, 2, 3 or 4"
            for n, outcome in enumerate(OUTCOMES, start=1):
                yield RadioButton(Content(f"{n} {outcome.label}"), value=outcome is current, id=f"outcome-{outcome.value}")
        yield Footer()

    @property
    def tabs(self) -> TabbedContent:
        return self.query_one("#item-tabs", TabbedContent)

    @property
    def outcome_set(self) -> RadioSet:
        return self.query_one("#outcome", RadioSet)

    @on(RadioSet.Changed, "#outcome")
    def _record(self, event: RadioSet.Changed) -> None:
        self.app.session.record(self.item.id, OUTCOMES[event.index])

    def action_outcome(self, index: int) -> None:
        button = self.query_one(f"#outcome-{OUTCOMES[index].value}", RadioButton)
        button.value = True
        self.app.session.record(self.item.id, OUTCOMES[index])

    def action_next(self) -> None:
        if self.app.session.outcome(self.item.id) is None:
            self.notify("Choose how this step went first: press 1, 2, 3 or 4.", severity="warning")
            return
        self.app.show_item(self.index + 1)

    def action_back(self) -> None:
        self.app.pop_screen()

    def action_qr(self) -> None:
        from safetyhelper.tui.screens.qr import QRScreen

        pid = (self.tabs.active or "").removeprefix("pane-")
        guides = self._guides_by_platform().get(pid)
        if not guides:
            self.notify("Pick an app tab first, then press q.", severity="information")
            return
        self.app.push_screen(QRScreen([(f"{g.platform.name}: {g.guide.title}", g.guide.url) for g in guides]))
