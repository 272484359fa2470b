"""The checklist items: why each matters, what to do, each chosen app's steps, and the outcome.

One screen serves every item. The first item's body is built at once and the others just after, while
the caseworker reads; moving on then only switches which body shows, so a key press redraws at once.
"""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import ContentSwitcher, RadioButton, RadioSet, Static, TabbedContent, TabPane, Tabs

from safetyhelper.tui.widgets.footer import KeyFooter
from safetyhelper.content import Item
from safetyhelper.session import GuideStep, Outcome, Session
from safetyhelper.tui.widgets.steps import StepList

OUTCOMES = list(Outcome)


def guides_by_platform(session: Session, item: Item) -> dict[str, list[GuideStep]]:
    out: dict[str, list[GuideStep]] = {}
    for gs in session.guides_for(item):
        out.setdefault(gs.platform.id, []).append(gs)
    return out


class ItemBody(Widget):
    """One item: tabs ('Why it matters' with the general steps, then one per chosen app or phone) and
    the outcome box. Each item has its own outcome box, so it always shows that item's answer."""

    DEFAULT_CSS = "ItemBody { height: 1fr; layout: vertical; }"

    def __init__(self, item: Item, session: Session, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.item = item
        self.session = session

    def compose(self) -> ComposeResult:
        with TabbedContent(classes="item-tabs"):
            with TabPane(Content("Why it matters"), id="pane-why"):
                with VerticalScroll():
                    yield Static(self.item.why, markup=False, classes="why")
                    yield Static("What to do", classes="subheading")
                    yield StepList(self.item.steps, numbered=False)
                    hint = "Use the tabs above for each app's steps." if self.session.chosen else "No apps or phones were picked."
                    yield Static(hint, classes="muted")
            for pid, guides in guides_by_platform(self.session, self.item).items():
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
        current = self.session.outcome(self.item.id)
        with RadioSet(classes="outcome-box") as outcomes:
            outcomes.border_title = "How did it go? Press 1, 2, 3 or 4"
            for n, outcome in enumerate(OUTCOMES, start=1):
                yield RadioButton(Content(f"{n} {outcome.label}"), value=outcome is current, id=f"outcome-{outcome.value}")

    @property
    def outcomes(self) -> RadioSet:
        return self.query_one(RadioSet)

    @on(RadioSet.Changed)
    def _record(self, event: RadioSet.Changed) -> None:
        self.session.record(self.item.id, OUTCOMES[event.index])


class ItemScreen(Screen):
    SCOPED_CSS = False  # the rules name this screen's own ids
    DEFAULT_CSS = """
    #item-title { height: 1; }
    #item-holder { height: 1fr; }
    .item-tabs { height: 1fr; }
    .item-tabs TabPane { padding: 0; }
    .why { padding: 1 1 0 1; }
    .outcome-box { layout: grid; grid-size: 2; grid-rows: 1; height: 4; }
    """

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

    def __init__(self, index: int = 0) -> None:
        super().__init__()
        self.index = index

    @property
    def item(self) -> Item:
        return self.app.pack.items[self.index]

    def _title(self) -> Content:
        return Content(f"Step {self.index + 1} of {len(self.app.pack.items)}: {self.item.title}")

    def compose(self) -> ComposeResult:
        yield Static(self._title(), id="item-title", classes="heading")
        with ContentSwitcher(id="item-holder", initial=f"item-{self.index}"):
            yield ItemBody(self.item, self.app.session, id=f"item-{self.index}")
        yield KeyFooter()

    @property
    def holder(self) -> ContentSwitcher:
        return self.query_one("#item-holder", ContentSwitcher)

    @property
    def body(self) -> ItemBody:
        """The item on show."""
        return self.holder.query_one(f"#item-{self.index}", ItemBody)

    @property
    def tabs(self) -> TabbedContent:
        """The tabs of the item on show."""
        return self.body.query_one(TabbedContent)

    def on_mount(self) -> None:
        self.call_after_refresh(self._build_the_rest)

    async def _build(self, index: int) -> None:
        if self.holder.query(f"#item-{index}"):
            return
        body = ItemBody(self.app.pack.items[index], self.app.session, id=f"item-{index}")
        body.display = False
        await self.holder.mount(body)

    async def _build_the_rest(self) -> None:
        for index in range(len(self.app.pack.items)):
            if not self.is_attached:
                return
            await self._build(index)

    async def show(self, index: int) -> None:
        """Move to another item in place."""
        await self._build(index)
        self.index = index
        self.query_one("#item-title", Static).update(self._title())
        self.holder.current = f"item-{index}"
        self.tabs.query_one(Tabs).focus()

    def action_outcome(self, index: int) -> None:
        self.body.query_one(f"#outcome-{OUTCOMES[index].value}", RadioButton).value = True
        self.app.session.record(self.item.id, OUTCOMES[index])

    async def action_next(self) -> None:
        if self.app.session.outcome(self.item.id) is None:
            self.notify("Choose how this step went first: press 1, 2, 3 or 4.", severity="warning")
            return
        if self.index + 1 < len(self.app.pack.items):
            await self.show(self.index + 1)
        else:
            from safetyhelper.tui.screens.summary import SummaryScreen

            self.app.push_screen(SummaryScreen())

    async def action_back(self) -> None:
        if self.index == 0:
            self.app.pop_screen()
        else:
            await self.show(self.index - 1)

    def action_qr(self) -> None:
        from safetyhelper.tui.screens.qr import QRScreen

        pid = (self.tabs.active or "").removeprefix("pane-")
        guides = guides_by_platform(self.app.session, self.item).get(pid)
        if not guides:
            self.notify("Pick an app tab first, then press q.", severity="information")
            return
        self.app.push_screen(QRScreen([(f"{g.platform.name}: {g.guide.title}", g.guide.url) for g in guides]))
