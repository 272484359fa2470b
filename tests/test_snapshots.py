"""Snapshots of the main screens at 80x24 and 120x40 (pytest-textual-snapshot).

Update after an intended change with: pytest tests/test_snapshots.py --snapshot-update
"""

from __future__ import annotations

import datetime as dt

import pytest

from safetyhelper.content import load_content
from safetyhelper.tui.app import make_app
from safetyhelper.tui.screens.qr import QRScreen

PACK = load_content()
TODAY = dt.date(2026, 11, 24)
SIZES = [(80, 24), (120, 40)]


def app():
    return make_app(PACK, today=TODAY)


def pick_keys(ids: list[str]) -> list[str]:
    order = [p.id for p in PACK.guided]
    keys, pos = [], 0
    for pid in sorted(ids, key=order.index):
        keys += ["down"] * (order.index(pid) - pos) + ["space"]
        pos = order.index(pid)
    return keys


PICK = pick_keys(["facebook", "instagram", "iphone"])


@pytest.mark.parametrize("size", SIZES)
def test_start_screen(snap_compare, size):
    """A plain start screen: title, 'Start a new session', 'Staff quick guide', 'Check guide links', the date the guides were
    checked, and the footer with Esc for quick exit. Nothing about any person or session."""
    assert snap_compare(app(), terminal_size=size)


@pytest.mark.parametrize("size", SIZES)
def test_checklist_item(snap_compare, size):
    """Step 6 of 7 (account security) after picking Facebook, Instagram and iPhone (which picks its Apple
    Account), on the Facebook tab (the Apple Account's tab comes first): numbered steps, a highlighted 'Could
    be noticed' warning above each flagged step, the outcome box with 1-4, and the footer with Next, Back, QR
    code and Quick exit."""
    before = [i.id for i in PACK.items].index("security")
    keys = ["s", *PICK, "n", "n", *["1", "n"] * before, "right", "right"]
    assert snap_compare(app(), press=keys, terminal_size=size)


@pytest.mark.parametrize("size", SIZES)
def test_qr_view(snap_compare, size):
    """The Facebook blocking guide's QR code in black and white with a white quiet zone, whole and
    unclipped, with the guide's title, its URL as text and the reminder to open it on a phone only the
    service user uses. Beside the code at 80x24, below it at 120x40."""
    guide = PACK.platform("facebook").guide("blocking")

    async def run_before(pilot):
        await pilot.app.push_screen(QRScreen([(f"Facebook: {guide.title}", guide.url)]))

    assert snap_compare(app(), run_before=run_before, terminal_size=size)


@pytest.mark.parametrize("size", SIZES)
def test_summary(snap_compare, size):
    """The summary after a full session: each item with its outcome (one 'Not now (could be noticed)'),
    the take-home list with '(when it is safe)', the sheet buttons, Case note and End session."""
    keys = ["s", *PICK, "n", "n", "1", "n", "2", "n", "3", "n", "2", "n", "1", "n", "1", "n", "2", "n"]
    assert snap_compare(app(), press=keys, terminal_size=size)


@pytest.mark.parametrize("size", SIZES)
def test_questions(snap_compare, size):
    """The plan's optional questions after picking apps: the intro, eight numbered questions each with
    1 Yes, 2 No, 3 Not sure below it (the first answered Yes, the second Not sure, highlighted), the focus
    marker on the third, and the footer with Next, Skip questions and Back. At 120x40 the line saying
    what the answers put first shows below the questions."""
    keys = ["s", *PICK, "n", "1", "3"]
    assert snap_compare(app(), press=keys, terminal_size=size)


@pytest.fixture
def welsh():
    """Welsh screens (the caseworker's language) with the Welsh pack; English again afterwards."""
    from safetyhelper.translate import load_translation, set_screen_language

    set_screen_language("cy")
    try:
        yield make_app(load_translation(PACK, "cy").pack, today=TODAY)
    finally:
        set_screen_language("en")


@pytest.mark.parametrize("screen", ["start", "item", "summary"])
def test_welsh_screens(snap_compare, welsh, screen):
    """In Welsh at 80x24: the start screen (title, buttons, the checked date in Welsh, the draft-translation
    line, a Welsh footer with Esc first); the first checklist item after picking Facebook and skipping the
    questions (Welsh title 'Cam 1 o 7', tabs, steps, outcome box); and the summary after a full session
    (every outcome in Welsh, the take-home list, the sheet buttons)."""
    keys = {
        "start": [],
        "item": ["s", *pick_keys(["facebook"]), "n", "s"],
        "summary": ["s", *pick_keys(["facebook"]), "n", "s", *["2", "n"] * len(PACK.items)],
    }[screen]
    assert snap_compare(welsh, press=keys, terminal_size=(80, 24))
