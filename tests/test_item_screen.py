"""The checklist item screen, driven with Pilot at 80x24: warnings inside their own step's block, arrow
keys that scroll without Tab while Left/Right keep changing tabs, the footer naming those keys, and a sign
when the tabs run off the edge."""

from __future__ import annotations

import re

from textual.containers import VerticalScroll
from textual.widgets import RadioSet

from safetyhelper.content import Step, load_content
from safetyhelper.tui.app import make_app
from safetyhelper.tui.screens.item import ItemScreen
from safetyhelper.tui.widgets.steps import NOTICE_PREFIX, StepList
from screen_qr import screen_text

PACK = load_content()
ALL = [p.id for p in PACK.guided]
SIZE = (80, 24)


def visible_text(app) -> str:
    w, h = app.size
    return screen_text(app.export_screenshot(), w, h)


def tab_row(app) -> str:
    """The line of the screen with the tab labels (under the item's title)."""
    return visible_text(app).splitlines()[1]


SECURITY = [i.id for i in PACK.items].index("security")


async def open_item(pilot, ids: list[str], item: int = SECURITY) -> None:
    """Start a session, pick ``ids`` and go to checklist item ``item`` (0-based; by default account
    security, the longest step lists). A phone brings the account it signs in with."""
    app = pilot.app
    await pilot.press("s")
    if not app.focused:
        await pilot.press("tab")
    pos = 0
    for pid in sorted(ids, key=ALL.index):  # tick each by moving down the list, as a caseworker would
        await pilot.press(*(["down"] * (ALL.index(pid) - pos)), "space")
        pos = ALL.index(pid)
    await pilot.press("n", "n")  # past the plan's questions: the usual order
    await pilot.pause()
    assert app.session.chosen == PACK.with_accounts(ids)
    for _ in range(item):
        await pilot.press("1", "n")
    await pilot.pause()
    assert isinstance(app.screen, ItemScreen) and app.screen.index == item


def scroller(app) -> VerticalScroll:
    return app.screen.tabs.active_pane.query_one(VerticalScroll)


# 4. A warning belongs to its own step -----------------------------------------------------------------


def test_a_warning_opens_its_own_numbered_block_and_its_step_follows_directly():
    steps = (
        Step("Open the app."),
        Step("Log out the device you do not know.", warning="Anyone using it is logged out and will notice."),
        Step("Change your password.", warning="Anyone who knew the old one can no longer get in."),
        Step("Check the email address on the account."),
    )
    lines = StepList(steps).lines(60)
    texts = [text for _, text in lines]
    for n, step in enumerate(steps, start=1):
        start = next(i for i, t in enumerate(texts) if t.startswith(f"{n}."))
        if n > 1:
            assert texts[start - 1].strip() == "", f"no blank line before step {n}"
        if step.warning:
            # The number is on the warning's first line; the step's own text comes directly after the warning.
            assert NOTICE_PREFIX in texts[start], texts[start]
            notice_end = start
            while lines[notice_end + 1][0] == "notice":
                notice_end += 1
            after = texts[notice_end + 1]
            assert step.text.split()[0] in after and texts[notice_end + 1].strip(), "the step must follow its warning"
            # A bar joins the warning to the step's text: every line of the block has it, at the same column.
            block = texts[start : notice_end + 2]
            column = block[0].index("▌")
            assert all(line[column] == "▌" for line in block), block
        else:
            assert NOTICE_PREFIX not in texts[start]
    # No warning line ever follows a step's text in the same block (it would read as that step's).
    for (kind, _), (next_kind, _) in zip(lines, lines[1:]):
        assert not (kind in ("mark", "text", "flagged") and next_kind == "notice")


async def test_on_screen_the_warning_line_carries_its_step_number_and_the_step_is_right_below():
    app = make_app(PACK)
    async with app.run_test(size=SIZE) as pilot:
        await open_item(pilot, ["facebook"])
        await pilot.press("right")
        await pilot.pause()
        assert app.screen.tabs.active == "pane-facebook"
        guide = PACK.platform("facebook").guide("security")
        n, flagged = next((n, s) for n, s in enumerate(guide.steps, start=1) if s.warning)
        lines = [re.sub(r"[\s▁▂▃▄▅▆▇█]+$", "", line) for line in visible_text(app).splitlines()]  # less the scroll bar
        at = next(i for i, line in enumerate(lines) if NOTICE_PREFIX in line)
        assert lines[at].lstrip().startswith(f"{n}."), lines[at]
        assert lines[at - 1].strip() == "", "a blank line separates the block from the step before"
        # Read on: the number, the whole warning, then at once the step's own text.
        joined = " ".join(" ".join(line.replace("▌", " ") for line in lines[at : at + 6]).split())
        warning = " ".join((NOTICE_PREFIX + flagged.warning).split())
        assert joined.startswith(f"{n}. {warning} {flagged.text.split('.')[0]}"), joined


# 5. Scrolling by keyboard -------------------------------------------------------------------------------


async def test_down_and_pagedown_scroll_the_pane_without_tab():
    app = make_app(PACK)
    async with app.run_test(size=SIZE) as pilot:
        await open_item(pilot, ["facebook", "instagram", "iphone"])
        await pilot.press("right")
        await pilot.pause()
        pane = scroller(app)
        assert pane.max_scroll_y > 0, "the step list must be longer than the screen for this test"
        assert pane.scroll_y == 0
        await pilot.press("down")
        await pilot.pause()
        assert pane.scroll_y == 1
        await pilot.press("pagedown")
        await pilot.pause()
        assert pane.scroll_y > 1
        await pilot.press("end")
        await pilot.pause()
        assert pane.scroll_y == pane.max_scroll_y
        await pilot.press("up")
        await pilot.pause()
        assert pane.scroll_y == pane.max_scroll_y - 1
        await pilot.press("pageup", "home")
        await pilot.pause()
        assert pane.scroll_y == 0
        # The arrows went to the pane, not the outcome box, and recorded nothing.
        assert not isinstance(app.focused, RadioSet)
        assert app.session.outcome("security") is None


async def test_left_and_right_still_change_tabs_after_scrolling_and_wherever_the_focus_is():
    app = make_app(PACK)
    async with app.run_test(size=SIZE) as pilot:
        await open_item(pilot, ["facebook", "instagram", "iphone"])
        tabs = app.screen.tabs
        await pilot.press("right", "right", "down", "pagedown")  # past the Apple Account the iPhone brought
        await pilot.pause()
        assert tabs.active == "pane-facebook" and scroller(app).scroll_y > 0
        await pilot.press("right")
        await pilot.pause()
        assert tabs.active == "pane-instagram"
        await pilot.press("left")
        await pilot.pause()
        assert tabs.active == "pane-facebook"
        # After Tab the focus moves on (to the outcome box), and Left/Right still change tabs.
        await pilot.press("tab")
        await pilot.pause()
        assert app.focused is not None and app.focused is not tabs.query_one("ContentTabs")
        await pilot.press("right")
        await pilot.pause()
        assert tabs.active == "pane-instagram"
        await pilot.press("left", "left", "left")
        await pilot.pause()
        assert tabs.active == "pane-why"
        assert app.session.outcome("security") is None


async def test_footer_shows_the_tab_and_scroll_keys_at_80_columns():
    app = make_app(PACK)
    async with app.run_test(size=SIZE) as pilot:
        await open_item(pilot, ["facebook", "instagram", "iphone"])
        footer = visible_text(app).splitlines()[-1]
        assert "←→ Tabs" in footer and "↑↓ Scroll" in footer, footer
        assert footer.lstrip().startswith("esc Quick exit"), footer
        assert "^p palette" in footer, footer


# 6. Tabs off the edge -----------------------------------------------------------------------------------


def hidden_count(row: str, side: str) -> int:
    pattern = r"← (\d+) more" if side == "left" else r"(\d+) more →"
    found = re.search(pattern, row)
    return int(found.group(1)) if found else 0


def labels(app) -> list[str]:
    return [str(tab.label) for tab in app.screen.tabs.query("ContentTab")]


async def test_a_count_shows_the_tabs_off_the_edge_and_the_active_tab_stays_in_sight():
    app = make_app(PACK)
    async with app.run_test(size=SIZE) as pilot:
        await open_item(pilot, ALL)
        names = labels(app)
        # "Why it matters", and a tab for each pick with a security guide (an iPhone's is its Apple Account's).
        assert len(names) == 1 + sum(1 for pid in ALL if PACK.platform(pid).guide("security"))
        for _ in names:  # right through every tab and round to the first again
            row = tab_row(app)
            shown = [name for name in names if f" {name} " in f" {row} "]
            left, right = hidden_count(row, "left"), hidden_count(row, "right")
            assert left + len(shown) + right == len(names), (row, shown)
            # The tabs in sight are whole and in order: the hidden ones are those before and after them.
            assert shown == names[left : left + len(shown)], row
            assert right or left, row
            active = str(app.screen.tabs.query_one("ContentTabs").active_tab.label)
            assert active in shown, (active, row)
            await pilot.press("right")
            await pilot.pause()
        assert app.screen.tabs.active == "pane-why"
        # Round to the last tab: the count moves to the left-hand side.
        await pilot.press("left")
        await pilot.pause()
        row = tab_row(app)
        assert names[-1] in row and hidden_count(row, "left") > 0 and hidden_count(row, "right") == 0, row
        # A click on a count brings in the nearest hidden tab on that side.
        before = hidden_count(row, "left")
        await pilot.click(offset=(1, 1))
        await pilot.pause()
        assert str(app.screen.tabs.query_one("ContentTabs").active_tab.label) == names[before - 1]
        assert hidden_count(tab_row(app), "left") == before - 1, tab_row(app)


async def test_the_count_goes_when_every_tab_fits():
    app = make_app(PACK)
    async with app.run_test(size=SIZE) as pilot:
        await open_item(pilot, ALL)
        await pilot.press("right", "right")
        await pilot.pause()
        assert "more →" in tab_row(app)
        await pilot.resize_terminal(220, 30)
        await pilot.pause()
        await pilot.pause()
        row = tab_row(app)
        assert "more" not in row and all(name in row for name in labels(app)), row
        await pilot.resize_terminal(*SIZE)
        await pilot.pause()
        await pilot.pause()
        row = tab_row(app)
        assert "more →" in row and "Apple Account (iCloud)" in row, row
        # A new session with three apps at 80x24: they all fit, and no count shows on any tab.
        await pilot.press("escape")
        await pilot.pause()
        await open_item(pilot, ["facebook", "instagram", "iphone"])
        for _ in range(4):
            row = tab_row(app)
            assert all(name in row for name in labels(app)) and "more" not in row, row
            await pilot.press("right")
            await pilot.pause()
