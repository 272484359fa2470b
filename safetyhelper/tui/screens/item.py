"""The checklist items: why each matters, what to do, each chosen app's steps, and the outcome.

One screen serves every item. The first item's body is built at once and the others just after, while
the caseworker reads; moving on then only switches which body shows, so a key press redraws at once.
"""

from __future__ import annotations

from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import ContentSwitcher, RadioButton, RadioSet, Static, TabbedContent, TabPane, Tabs
from textual.widgets.tabbed_content import ContentTabs

from safetyhelper.tui.widgets.footer import KeyFooter
from safetyhelper.content import Item
from safetyhelper.plan import PlanItem
from safetyhelper.session import GuideStep, Outcome, Session
from safetyhelper.translate import N_, _, long_date, ngettext, screen_language
from safetyhelper.tui.widgets.steps import StepList

OUTCOMES = list(Outcome)
#: 1 to 4 record the outcome of what is on show (the outcome box shows the numbers, so not the footer).
OUTCOME_BINDINGS = [
    Binding("1", "outcome(0)", N_("Done together"), show=False),
    Binding("2", "outcome(1)", N_("To do at home"), show=False),
    Binding("3", "outcome(2)", N_("Not now"), show=False),
    Binding("4", "outcome(3)", N_("Not relevant"), show=False),
]


def outcome_box(current: Outcome | None) -> RadioSet:
    """The box of the four outcomes (a checklist item's, or a phone check's), ``current`` chosen."""
    box = RadioSet(
        *(RadioButton(Content(f"{n} {o.label}"), value=o is current, id=f"outcome-{o.value}") for n, o in enumerate(OUTCOMES, 1)),
        classes="outcome-box",
    )
    box.border_title = _("How did it go? Press 1, 2, 3 or 4")
    return box


def checked_line(day) -> str:
    """Under a guide's steps: q shows its QR code, and when the guide was checked."""
    return _("Press q for the QR code of the official guide (checked {date}).").format(date=long_date(day, screen_language()))


class PaneScroll(VerticalScroll, can_focus=False):
    """A tab's scrolling text. It never takes focus: the screen's arrow keys scroll whichever pane is on
    show, so Tab is not needed first, and Left/Right stay with the tabs."""


class HiddenTabs(Widget):
    """Beside the tab row when the tabs do not all fit: how many tabs are out of sight on that side
    ("← 2 more", "5 more →"). A click moves to the nearest hidden tab."""

    DEFAULT_CSS = """
    HiddenTabs { dock: right; width: 10; height: 1; display: none; color: $text-accent; text-style: bold; }
    HiddenTabs.-left { dock: left; }
    """
    #: The narrowest each side may be ("← 10 more").
    WIDTH = 10

    def __init__(self, side: str) -> None:
        super().__init__(classes=f"-{side}")
        self.side = side
        self.count = 0

    def show_count(self, count: int, width: int) -> None:
        self.display = width > 0 and (count > 0 or self.side == "right")
        if self.styles.width is None or self.styles.width.value != width:
            self.styles.width = width
        if count != self.count:
            self.count = count
            self.refresh()

    def render(self) -> Text:
        if not self.count:
            return Text("", end="")
        if self.side == "left":
            return Text(ngettext("← {count} more", "← {count} more", self.count).format(count=self.count), end="")
        return Text(ngettext("{count} more →", "{count} more →", self.count).format(count=self.count).rjust(self.size.width), end="")

    def on_click(self, event: events.Click) -> None:
        event.stop()
        row = self.parent
        if isinstance(row, Tabs) and isinstance(row.parent, TabbedContent):
            body = row.parent.parent
            if isinstance(body, ItemBody) and body.tab_window is not None:
                lo, hi = body.tab_window
                tabs = [t for t in row.query("#tabs-list > Tab") if t.display]
                target = lo - 1 if self.side == "left" else hi + 1
                if 0 <= target < len(tabs):
                    row.active = tabs[target].id or ""


def tab_window(widths: list[int], width: int, active: int, first: int) -> tuple[int, int, int]:
    """Which tabs to show whole in a row ``width`` wide that cannot hold them all: (first, last, width of
    the right-hand indicator, which takes up what the whole tabs leave). The row moves as little as it
    can: it keeps ``first`` while the ``active`` tab is in sight, else brings the active tab just into
    sight at the edge it was hidden beyond."""
    n = len(widths)

    def last_shown(lo: int) -> tuple[int, int]:
        room = width - (HiddenTabs.WIDTH if lo > 0 else 0)
        if sum(widths[lo:]) <= room:
            return n - 1, room - sum(widths[lo:])
        hi, used = lo, widths[lo]
        while hi + 1 < n and used + widths[hi + 1] <= room - HiddenTabs.WIDTH:
            hi += 1
            used += widths[hi]
        return hi, room - used

    first = min(max(first, 0), n - 1)
    if active < first:
        first = active
    hi, spare = last_shown(first)
    while active > hi and first < active:
        first += 1
        hi, spare = last_shown(first)
    # At the end of the row, show as many whole tabs as fit before the active one.
    while hi == n - 1 and first > 0 and last_shown(first - 1)[0] == n - 1:
        first -= 1
        hi, spare = last_shown(first)
    return first, hi, max(spare, 0)


def guides_by_platform(session: Session, item: Item) -> dict[str, list[GuideStep]]:
    out: dict[str, list[GuideStep]] = {}
    for gs in session.guides_for(item):
        out.setdefault(gs.platform.id, []).append(gs)
    return out


class ItemBody(Widget):
    """One item: tabs ('Why it matters' with the general steps, then one per chosen app or phone) and
    the outcome box. Each item has its own outcome box, so it always shows that item's answer."""

    DEFAULT_CSS = "ItemBody { height: 1fr; layout: vertical; }"

    def __init__(self, item: Item, session: Session, *, id: str | None = None, planned: PlanItem | None = None) -> None:
        super().__init__(id=id)
        self.item = item
        self.session = session
        #: Where the plan put this item, and why (the answers' reason), if it moved it.
        self.planned = planned
        #: The first and last tab shown whole while the tab row overflows, else None.
        self.tab_window: tuple[int, int] | None = None

    def compose(self) -> ComposeResult:
        with TabbedContent(classes="item-tabs"):
            with TabPane(Content(_("Why it matters")), id="pane-why"):
                with PaneScroll():
                    if self.planned is not None and self.planned.reason:
                        yield Static("▶ " + self.planned.reason, markup=False, classes="plan-reason")
                    if self.planned is not None and self.planned.not_now:
                        yield Static(_("“Not now” is offered first: a change here could be noticed."), markup=False, classes="muted")
                    yield Static(self.item.why, markup=False, classes="why")
                    if ItemScreen.PHONE_TOPIC in self.item.topics and self.session.pack.phone_check is not None:
                        yield Static(_("Press p to check, one step at a time, whether something is watching the phone."), classes="plan-reason")
                    yield Static(_("What to do"), classes="subheading")
                    yield StepList(self.item.steps, numbered=False)
                    hint = _("Use the tabs above for each app's steps.") if self.session.chosen else _("No apps or phones were picked.")
                    yield Static(hint, classes="muted")
            for pid, guides in guides_by_platform(self.session, self.item).items():
                with TabPane(Content(guides[0].platform.name), id=f"pane-{pid}"):
                    with PaneScroll():
                        for gs in guides:
                            yield Static(gs.guide.title, markup=False, classes="subheading")
                            if gs.guide.note:
                                yield Static(gs.guide.note, markup=False, classes="muted")
                            yield StepList(gs.guide.steps)
                            yield Static(checked_line(gs.guide.checked), markup=False, classes="muted")
        yield outcome_box(self.session.outcome(self.item.id))

    def on_mount(self) -> None:
        for row in self.query(ContentTabs):  # else place_tabs adds them
            row.mount(HiddenTabs("left"), HiddenTabs("right"))

    def on_resize(self) -> None:
        self.call_after_refresh(self.place_tabs)

    def on_show(self) -> None:
        self.call_after_refresh(self.place_tabs)

    @on(TabbedContent.TabActivated)
    def _tab_changed(self) -> None:
        self.place_tabs()

    def place_tabs(self) -> None:
        """When the tabs do not all fit, show whole tabs only, with the active one in sight, and say how
        many are out of sight on each side. Textual's Tabs would centre the active tab and cut the tabs
        at both edges, with no sign that there are more."""
        if not self.is_attached or not self.display:
            return
        rows = self.query(ContentTabs)
        row = rows.first(ContentTabs) if rows else None
        if row is None or not row.size.width:
            return
        tabs = [t for t in row.query("#tabs-list > Tab") if t.display]
        indicators = list(row.query(HiddenTabs))
        scrolls = row.query("#tabs-scroll")
        if not tabs or not scrolls:
            return
        if not indicators:  # the first time the row is laid out
            row.mount(HiddenTabs("left"), HiddenTabs("right"))
            self.call_after_refresh(self.place_tabs)
            return
        width = row.size.width
        widths = [t.outer_size.width for t in tabs]
        left, right = sorted(indicators, key=lambda i: i.side)
        scroll = scrolls.first()
        if sum(widths) <= width:
            self.tab_window = None
            left.display = right.display = False
            scroll.scroll_to(x=0, animate=False, force=True)
            return
        active = next((i for i, t in enumerate(tabs) if t is row.active_tab), 0)
        first = self.tab_window[0] if self.tab_window else 0
        lo, hi, spare = tab_window(widths, width, active, first)
        self.tab_window = (lo, hi)
        left.show_count(lo, HiddenTabs.WIDTH)
        right.show_count(len(tabs) - 1 - hi, spare)
        # The row shows exactly the whole tabs lo..hi: stop Textual's own centring now, and scroll once
        # the row has its new width.
        x = sum(widths[:lo])
        scroll.scroll_to(x=scroll.scroll_x, animate=False, force=True)
        self.call_after_refresh(scroll.scroll_to, x=x, animate=False, force=True)

    @property
    def scroller(self) -> VerticalScroll | None:
        """The scrolling text of the tab on show."""
        pane = self.query_one(TabbedContent).active_pane
        found = pane.query(PaneScroll) if pane is not None else None
        return found.first(PaneScroll) if found else None

    @property
    def outcomes(self) -> RadioSet:
        return self.query_one(RadioSet)

    @on(RadioSet.Changed)
    def _record(self, event: RadioSet.Changed) -> None:
        self.session.record(self.item.id, OUTCOMES[event.index])


#: The arrow and page keys scroll the text on show (a screen with ScrollKeys says which in scroll_target).
SCROLL_BINDINGS = [
    Binding("down", "scroll('down')", N_("Scroll"), key_display="↑↓"),
    Binding("up", "scroll('up')", N_("Scroll up"), show=False),
    Binding("pagedown", "scroll('page_down')", N_("Page down"), show=False),
    Binding("pageup", "scroll('page_up')", N_("Page up"), show=False),
    Binding("home", "scroll('home')", N_("Top"), show=False),
    Binding("end", "scroll('end')", N_("Bottom"), show=False),
]


class ScrollKeys:
    """A screen whose arrow and page keys scroll its text at once (no animation: each key press draws)."""

    def scroll_target(self) -> VerticalScroll | None:
        raise NotImplementedError

    def action_scroll(self, how: str) -> None:
        target = self.scroll_target()
        if target is not None:
            getattr(target, f"scroll_{how}")(animate=False)


class ItemScreen(ScrollKeys, Screen):
    SCOPED_CSS = False  # the rules name this screen's own ids
    DEFAULT_CSS = """
    #item-title { height: 1; }
    #item-holder { height: 1fr; }
    .item-tabs { height: 1fr; }
    .item-tabs TabPane { padding: 0; }
    .why { padding: 1 1 0 1; }
    """

    BINDINGS = [
        # Left/Right change tabs wherever the focus is (a priority binding is seen before the focused
        # widget's own); the other arrows scroll the tab on show unless the focused widget uses them.
        Binding("left", "tab(-1)", N_("Tabs"), key_display="←→", priority=True),
        Binding("right", "tab(1)", N_("Tabs"), show=False, priority=True),
        ("n", "next", N_("Next")),
        ("b", "back", N_("Back")),
        ("q", "qr", N_("QR code")),
        ("p", "phone_check", N_("Check this phone")),
        *SCROLL_BINDINGS,
        *OUTCOME_BINDINGS,
    ]

    def __init__(self, index: int = 0) -> None:
        super().__init__()
        self.index = index
        self._order: tuple[PlanItem, ...] | None = None

    @property
    def order(self) -> tuple[PlanItem, ...]:
        """The items in the plan's order, as the answers stood when this screen opened (going back to the
        questions and on again opens a new one)."""
        if self._order is None:
            self._order = self.app.session.plan.items
        return self._order

    @property
    def item(self) -> Item:
        return self.order[self.index].item

    def _title(self) -> Content:
        return Content(
            _("Step {number} of {total}: {title}").format(number=self.index + 1, total=len(self.order), title=self.item.title)
        )

    def _body(self, index: int) -> ItemBody:
        return ItemBody(self.order[index].item, self.app.session, id=f"item-{index}", planned=self.order[index])

    def _offer_not_now(self) -> None:
        """The plan offers "not now" first for an item someone could notice: choose it until changed."""
        if self.order[self.index].not_now and self.app.session.outcome(self.item.id) is None:
            self.action_outcome(OUTCOMES.index(Outcome.NOT_NOW))

    def compose(self) -> ComposeResult:
        yield Static(self._title(), id="item-title", classes="heading")
        with ContentSwitcher(id="item-holder", initial=f"item-{self.index}"):
            yield self._body(self.index)
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
        self._offer_not_now()
        self.call_after_refresh(self._build_the_rest)

    async def _build(self, index: int) -> None:
        if self.holder.query(f"#item-{index}"):
            return
        body = self._body(index)
        body.display = False
        await self.holder.mount(body)

    async def _build_the_rest(self) -> None:
        for index in range(len(self.order)):
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
        self._offer_not_now()
        self.refresh_bindings()

    #: The topic whose item offers the guided phone check.
    PHONE_TOPIC = "phone"

    def check_action(self, action: str, parameters: tuple) -> bool | None:
        if action == "phone_check":
            return self.PHONE_TOPIC in self.item.topics and self.app.pack.phone_check is not None
        return True

    def action_phone_check(self) -> None:
        from safetyhelper.tui.screens.phone import open_phone_check

        if self.check_action("phone_check", ()):
            open_phone_check(self.app)

    def action_tab(self, step: int) -> None:
        for tabs in self.tabs.query(Tabs):
            tabs.action_next_tab() if step > 0 else tabs.action_previous_tab()

    def scroll_target(self) -> VerticalScroll | None:
        return self.body.scroller

    def action_outcome(self, index: int) -> None:
        self.body.query_one(f"#outcome-{OUTCOMES[index].value}", RadioButton).value = True
        self.app.session.record(self.item.id, OUTCOMES[index])

    async def action_next(self) -> None:
        if self.app.session.outcome(self.item.id) is None:
            self.notify(_("Choose how this step went first: press 1, 2, 3 or 4."), severity="warning")
            return
        if self.index + 1 < len(self.order):
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
            self.notify(_("Pick an app tab first, then press q."), severity="information")
            return
        codes = [(_("{app}: {guide}").format(app=g.platform.name, guide=g.guide.title), g.guide.url) for g in guides]
        self.app.push_screen(QRScreen(codes))
