"""The guided phone check and the cable scan on screen: reached from the phone item and the palette, one
check at a time with outcomes, the scan of a fake phone through real adb, and quick exit at every point."""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

import pytest

from fakephone import FakePhone
from safetyhelper.content import load_content
from safetyhelper.session import Outcome
from safetyhelper.tui.app import make_app
from safetyhelper.tui.screens.item import ItemScreen
from safetyhelper.tui.screens.phone import PhoneCheckScreen, ScanScreen, WhichPhone
from safetyhelper.tui.screens.start import StartScreen
from test_phone_scan import CLEAN, STALKERWARE, adb_folders, our_adb_servers
from test_tui import pick
from test_tui import visible_text as _screen


def visible_text(app) -> str:
    """The screen's words with each run of spaces and line breaks as one space (wrapped lines join)."""
    return " ".join(_screen(app).split())
from screen_qr import decode_screen

PACK = load_content()
PHONE = PACK.phone_check
ANDROID = PHONE.for_device("android")
IPHONE = PHONE.for_device("iphone")


@pytest.fixture(autouse=True)
def _no_real_usb(monkeypatch):
    monkeypatch.setenv("ADB_USB", "0")
    monkeypatch.setenv("ADB_EMU", "0")


async def to_phone_item(pilot, devices: list[str]) -> None:
    await pilot.press("s")
    await pick(pilot, devices)
    await pilot.press("n", "n")
    screen = pilot.app.screen
    assert isinstance(screen, ItemScreen)
    await screen.show([p.item.id for p in screen.order].index("phone"))
    await pilot.pause()


async def test_from_the_phone_item_each_android_check_in_turn_with_outcomes():
    app = make_app(PACK)
    async with app.run_test(size=(100, 32)) as pilot:
        await to_phone_item(pilot, ["facebook"])  # no phone picked: the app asks which
        assert "Press p to check" in visible_text(app)
        await pilot.press("p")
        await pilot.pause()
        assert isinstance(app.screen, WhichPhone)
        await pilot.press("1")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, PhoneCheckScreen) and screen.device == "android"
        text = visible_text(app)
        assert "Before you start" in text and "Do not remove or turn off anything yet" in text
        assert "0808 2000 247" in text  # the helplines, before anything
        assert "press c to scan" in text
        await pilot.press("n")
        await pilot.pause()
        assert f"Check 1 of {len(ANDROID)}: {ANDROID[0].title}" in visible_text(app)
        await pilot.press("n")  # no outcome yet: stays, and says so
        await pilot.pause()
        assert screen.index == 1
        assert "Could be noticed" in visible_text(app)
        for n, check in enumerate(ANDROID):
            await pilot.press("1" if n % 2 == 0 else "3", "n")
        await pilot.pause()
        assert isinstance(app.screen, ItemScreen)  # back where it was opened
        assert app.session.phone_checks == {
            c.id: (Outcome.DONE if n % 2 == 0 else Outcome.NOT_NOW) for n, c in enumerate(ANDROID)}
        note = app.session.case_note()
        assert "Phone check:" in note and f"- {ANDROID[0].title}: Done together." in note


async def test_an_iphone_picked_opens_its_check_directly_with_no_cable_scan():
    app = make_app(PACK)
    async with app.run_test(size=(100, 32)) as pilot:
        await to_phone_item(pilot, ["iphone"])
        await pilot.press("p")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, PhoneCheckScreen) and screen.device == "iphone"
        assert "Cable scan" not in visible_text(app) and "press c" not in visible_text(app)
        await pilot.press("c")
        await pilot.pause()
        assert app.screen is screen
        titles = [c.title for c in IPHONE]
        assert any("Safety Check" in t for t in titles)


async def test_p_does_nothing_on_items_without_the_phone_topic():
    app = make_app(PACK)
    async with app.run_test(size=(100, 32)) as pilot:
        await pilot.press("s")
        await pick(pilot, ["android"])
        await pilot.press("n", "n")
        assert "phone" not in app.screen.item.topics
        await pilot.press("p")
        await pilot.pause()
        assert isinstance(app.screen, ItemScreen)


async def test_the_qr_code_of_a_check_scans_to_its_guide():
    app = make_app(PACK)
    async with app.run_test(size=(120, 40)) as pilot:
        app.push_screen(PhoneCheckScreen("iphone"))
        await pilot.pause()
        await pilot.press("n", "q")
        await pilot.pause()
        assert decode_screen(app.export_screenshot(), 120, 40) == [IPHONE[0].url]


async def test_the_palette_opens_the_check_from_the_start_screen_and_quick_exit_wipes_it():
    app = make_app(PACK)
    async with app.run_test(size=(100, 32)) as pilot:
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"check this phone android")
        await pilot.pause(0.5)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, PhoneCheckScreen) and app.screen.device == "android"
        await pilot.press("n", "2")
        assert not app.session.is_empty
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, StartScreen) and len(app.screen_stack) == 1
        assert app.session.is_empty and app.session.phone_checks == {}


async def wait_for(pilot, condition, seconds: float = 15) -> None:
    end = time.monotonic() + seconds
    while not condition() and time.monotonic() < end:
        await pilot.pause(0.1)


async def test_the_cable_scan_of_a_phone_with_stalkerware_shows_it_and_the_undo_steps():
    before = adb_folders()
    app = make_app(PACK)
    with FakePhone(STALKERWARE) as phone:
        async with app.run_test(size=(100, 40)) as pilot:
            app.push_screen(ScanScreen(serial=phone.serial))
            await pilot.pause()
            text = visible_text(app)
            assert "Only scan with the phone's owner here" in text and "156 known" in text
            await pilot.press("s")
            await wait_for(pilot, lambda: app.screen.result is not None)
            result = app.screen.query_one("#scan-result").render()
            shown = str(result)
            assert "TheTruthSpy (com.systemservice)" in shown and "known spying app" in shown
            assert "Do not remove or turn off anything yet" in shown
            assert "safe" not in shown.lower()
            assert "Something was found." in str(app.screen.query_one("#scan-status").render())
            assert app.screen.query_one("#scan-after").has_class("shown"), "the undo steps show after a scan"
            assert "Echap" in shown and "CC BY 4.0" in shown
    assert adb_folders() == before and our_adb_servers() == []


async def test_no_phone_is_said_plainly_and_the_scan_can_be_tried_again():
    app = make_app(PACK)
    async with app.run_test(size=(100, 32)) as pilot:
        app.push_screen(ScanScreen(serial="127.0.0.1:9"))  # nothing listens there
        await pilot.pause()
        await pilot.press("s")
        await wait_for(pilot, lambda: not app.screen.running)
        status = str(app.screen.query_one("#scan-status").render())
        assert "Press s to try again" in status and app.screen.result is None
    assert our_adb_servers() == []


async def test_quick_exit_during_a_scan_stops_adb_and_leaves_nothing():
    before = adb_folders()
    app = make_app(PACK)
    with FakePhone(STALKERWARE, delay=0.3) as phone:
        async with app.run_test(size=(100, 32)) as pilot:
            app.push_screen(ScanScreen(serial=phone.serial))
            await pilot.pause()
            await pilot.press("s")
            await wait_for(pilot, lambda: len(phone.commands) >= 2)
            assert phone.commands and our_adb_servers(), "the scan was under way"
            await pilot.press("escape")
            await pilot.pause()
            assert isinstance(app.screen, StartScreen) and app.session.is_empty
            await wait_for(pilot, lambda: not our_adb_servers() and adb_folders() == before)
            await pilot.pause(1.5)  # the phone would have answered by now: nothing may show
            assert "TheTruthSpy" not in visible_text(app) and isinstance(app.screen, StartScreen)
        assert len(phone.commands) < 9, "the scan stopped part way"
    assert adb_folders() == before, "the private adb folder is removed"
    assert our_adb_servers() == [], "the adb server the scan started is stopped"


async def test_the_screen_says_to_tap_allow_while_it_waits_then_scans():
    app = make_app(PACK)
    with FakePhone(CLEAN, authorised=False, allow_after=1.5) as phone:
        async with app.run_test(size=(100, 32)) as pilot:
            app.push_screen(ScanScreen(serial=phone.serial, allow_seconds=20))
            await pilot.pause()
            await pilot.press("s")
            await wait_for(pilot, lambda: "Now look at the phone" in str(app.screen.query_one("#scan-status").render()), 10)
            assert "tap Allow" in str(app.screen.query_one("#scan-status").render())
            await wait_for(pilot, lambda: app.screen.result is not None)
            assert app.screen.result.exit_code == 0
            assert "None of the 156 known monitoring apps was found." in str(app.screen.query_one("#scan-result").render())
    assert our_adb_servers() == []
