"""The app, driven by keys with Textual's Pilot: the whole flow, quick exit, idle reset and QR codes."""

from __future__ import annotations

import asyncio
import re

import pytest

from safetyhelper.content import load_content
from textual.widgets import RadioButton
from safetyhelper.session import Outcome
from safetyhelper.tui.app import HIGH_CONTRAST, make_app
from safetyhelper.tui.screens.choose import ChooseScreen
from safetyhelper.tui.screens.item import ItemScreen
from safetyhelper.tui.screens.questions import QuestionsScreen
from safetyhelper.tui.screens.note import CaseNoteScreen
from safetyhelper.tui.screens.qr import QRScreen
from safetyhelper.tui.screens.start import StartScreen
from safetyhelper.tui.screens.summary import SummaryScreen
from screen_qr import decode_screen, screen_text

PACK = load_content()


def visible_text(app) -> str:
    w, h = app.size
    return screen_text(app.export_screenshot(), w, h)


async def pick(pilot, ids: list[str]) -> None:
    """On the choose screen, tick the given ids by moving down the list with the keyboard."""
    order = [p.id for p in PACK.guided]
    await pilot.press("tab") if not pilot.app.focused else None
    pos = 0
    for pid in sorted(ids, key=order.index):
        target = order.index(pid)
        await pilot.press(*(["down"] * (target - pos)), "space")
        pos = target


#: The five items of the policy's appendix, which the outcome lists of walk_to_summary stand for.
POLICY_ITEMS = ["public", "recheck", "location", "security", "safety-tools"]


async def walk_to_summary(pilot, outcomes: list[str], others: str = "4") -> None:
    """Pick Facebook, Instagram and iPhone (which brings its Apple Account), then answer the policy's items
    in turn with ``outcomes`` (keys, in POLICY_ITEMS order) and every other item with ``others``, stopping
    after the last item ``outcomes`` answers (the summary, when all five are given)."""
    keys = dict(zip(POLICY_ITEMS, outcomes))
    await pilot.press("s")
    await pick(pilot, ["facebook", "instagram", "iphone"])
    await pilot.press("n", "n")  # past the plan's questions, unanswered: the usual order
    for item in PACK.items:
        if not keys:
            break
        await pilot.press(keys.pop(item.id, others), "n")
    await pilot.pause()


async def test_a_whole_session_by_keys_records_every_outcome():
    app = make_app(PACK)
    async with app.run_test(size=(80, 24)) as pilot:
        assert isinstance(app.screen, StartScreen)
        await pilot.press("s")
        assert isinstance(app.screen, ChooseScreen)
        await pick(pilot, ["facebook", "instagram", "iphone"])
        await pilot.pause()
        # The iPhone signs in with an Apple Account: picking it picked that too.
        assert app.session.chosen == ["apple-account", "facebook", "instagram", "iphone"]
        await pilot.press("n")
        assert isinstance(app.screen, QuestionsScreen)  # optional: Next with no answers keeps the usual order
        await pilot.press("n")
        assert isinstance(app.screen, ItemScreen) and app.screen.index == 0
        assert f"Step 1 of {len(PACK.items)}" in visible_text(app)
        # Next is refused until an outcome is chosen.
        await pilot.press("n")
        assert app.screen.index == 0
        for key in ["1", "2", "3", "2", "3", "4", "1"]:
            await pilot.press(key, "n")
        await pilot.pause()
        assert isinstance(app.screen, SummaryScreen)
        assert [i.id for i in PACK.items] == ["public", "recheck", "location", "sharing", "phone", "security", "safety-tools"]
        assert app.session.outcomes == {
            "public": Outcome.DONE,
            "recheck": Outcome.AT_HOME,
            "location": Outcome.NOT_NOW,
            "sharing": Outcome.AT_HOME,
            "phone": Outcome.NOT_NOW,
            "security": Outcome.NOT_RELEVANT,
            "safety-tools": Outcome.DONE,
        }
        text = visible_text(app)
        assert "Not now (could be noticed)" in text and "when it is safe" in text
        await pilot.press("c")
        await pilot.pause()
        assert isinstance(app.screen, CaseNoteScreen)
        assert app.clipboard == app.session.case_note()
        assert "Apple Account (iCloud), Facebook, Instagram, iPhone" in app.clipboard


async def test_going_back_keeps_the_answer_and_lets_it_change():
    app = make_app(PACK)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("s")
        await pick(pilot, ["x"])
        await pilot.press("n", "n", "2", "n", "b")
        assert app.screen.index == 0
        assert app.session.outcome("public") is Outcome.AT_HOME
        await pilot.press("3")
        assert app.session.outcome("public") is Outcome.NOT_NOW


async def test_mouse_works_too():
    app = make_app(PACK)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.click("#start-session")
        await pilot.pause()
        assert isinstance(app.screen, ChooseScreen)
        await pilot.click("#next")
        await pilot.pause()
        assert isinstance(app.screen, QuestionsScreen)
        await pilot.click("#next")
        await pilot.pause()
        assert isinstance(app.screen, ItemScreen)
        await pilot.click("#outcome-done")
        assert app.session.outcome("public") is Outcome.DONE


async def test_noticeable_steps_show_their_warning_before_the_step():
    app = make_app(PACK)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("s")
        await pick(pilot, ["facebook"])
        at = [i.id for i in PACK.items].index("security")
        await pilot.press("n", "n", *(["1", "n"] * at))
        assert app.screen.item.id == "security"
        app.screen.tabs.active = "pane-facebook"
        await pilot.pause()
        guide = PACK.platform("facebook").guide("security")
        flagged = next(s for s in guide.steps if s.warning)
        text = " ".join(visible_text(app).split())  # joins wrapped lines
        # The first words of each (a long step wraps, and each line of its block starts with the bar).
        warning_at = text.find("Could be noticed: " + " ".join(flagged.warning.split()[:5]))
        step_at = text.find(" ".join(flagged.text.split()[:5]))
        assert warning_at != -1, "the warning is not on screen"
        assert step_at != -1 and warning_at < step_at, "the warning must come before its step"


@pytest.mark.parametrize("screen_keys", [[], ["s"], ["s", "space", "n"], ["s", "space", "n", "1", "3"], ["s", "space", "n", "n", "q"], None])
async def test_quick_exit_wipes_the_session_from_every_screen(screen_keys):
    app = make_app(PACK)
    async with app.run_test(size=(80, 24)) as pilot:
        if screen_keys is None:  # from the summary and case note
            await walk_to_summary(pilot, ["1", "3", "2", "1", "4"])
            await pilot.press("c")
        else:
            await pilot.press(*screen_keys)
            if screen_keys[-1:] == ["q"]:
                await pilot.press("right", "q")
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, StartScreen)
        assert app.session.is_empty and app.session.chosen == [] and app.session.outcomes == {}
        assert app.current_mode == "start" and len(app.screen_stack) == 1
        assert not app.has_session_screens  # every screen of the session is gone
        assert app.clipboard == ""
        text = visible_text(app)
        for p in PACK.guided:
            assert p.name not in text


async def test_idle_reset_wipes_the_session():
    app = make_app(PACK, idle_minutes=2 / 60)  # two seconds
    async with app.run_test(size=(80, 24)) as pilot:
        await walk_to_summary(pilot, ["1", "1"])
        assert app.session.chosen and isinstance(app.screen, ItemScreen)
        await asyncio.sleep(3)
        await pilot.pause()
        assert isinstance(app.screen, StartScreen)
        assert app.session.is_empty
        text = visible_text(app)
        assert "Facebook" not in text and "Instagram" not in text and "iPhone" not in text


async def test_activity_postpones_the_idle_reset():
    app = make_app(PACK, idle_minutes=2 / 60)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("s", "space")
        for _ in range(4):
            await asyncio.sleep(1)
            await pilot.press("down")
        assert isinstance(app.screen, ChooseScreen) and app.session.chosen


async def wait_for_screen(app, pilot, kind, timeout: float = 10.0):
    end = asyncio.get_running_loop().time() + timeout
    while not isinstance(app.screen, kind):
        assert asyncio.get_running_loop().time() < end, f"no {kind.__name__} within {timeout} s"
        await asyncio.sleep(0.05)
    await pilot.pause()
    return app.screen


async def test_the_idle_reset_is_warned_with_a_countdown_and_any_key_keeps_the_session():
    from safetyhelper.tui.screens.idle import IdleWarning

    app = make_app(PACK, idle_minutes=8 / 60)  # eight seconds: the warning shows for the last two
    assert app.idle_warning_seconds == 2
    async with app.run_test(size=(80, 24)) as pilot:
        await walk_to_summary(pilot, ["1", "1"])
        warning = await wait_for_screen(app, pilot, IdleWarning)
        await pilot.pause(0.2)
        text = " ".join(visible_text(app).replace("█", " ").split())
        assert "Still there?" in text and re.search(r"In [12] seconds? this session will be cleared", text)
        assert app.session.chosen and app.session.outcome("public") is Outcome.DONE
        await pilot.press("x")  # any key: it only closes the warning
        await pilot.pause()
        assert not isinstance(app.screen, IdleWarning) and warning not in app.screen_stack
        assert isinstance(app.screen, ItemScreen) and app.screen.index == 2  # "x" did nothing else
        assert app.session.chosen == ["apple-account", "facebook", "instagram", "iphone"]
        # A click keeps it too.
        await wait_for_screen(app, pilot, IdleWarning)
        await pilot.click(offset=(1, 1))
        await pilot.pause()
        assert isinstance(app.screen, ItemScreen) and app.session.chosen


async def test_after_the_countdown_the_session_is_wiped_and_the_warning_gone():
    from safetyhelper.tui.screens.idle import IdleWarning

    app = make_app(PACK, idle_minutes=4 / 60)
    async with app.run_test(size=(80, 24)) as pilot:
        await walk_to_summary(pilot, ["1"])
        await wait_for_screen(app, pilot, IdleWarning)
        await wait_for_screen(app, pilot, StartScreen)
        assert app.session.is_empty and len(app.screen_stack) == 1
        text = visible_text(app)
        assert "Still there" not in text and "Facebook" not in text


async def test_every_guide_url_scans_from_the_screen():
    """Each guide's QR view, screenshotted, rasterised cell by cell and read by zxing-cpp."""
    app = make_app(PACK)
    size = (120, 40)
    async with app.run_test(size=size) as pilot:
        for link in PACK.links:
            await app.push_screen(QRScreen([(link.title, link.url)]))
            await pilot.pause()
            assert not app.screen.has_class("-too-small"), link.url
            assert decode_screen(app.export_screenshot(), *size) == [link.url], link.url
            await app.pop_screen()


async def test_code_doubles_in_size_when_there_is_room_and_still_scans():
    app = make_app(PACK)
    url = PACK.platform("x").guide("blocking").url
    async with app.run_test(size=(200, 60)) as pilot:
        await app.push_screen(QRScreen([("X", url)]))
        await pilot.pause()
        assert app.screen.code.scale == 2
        assert decode_screen(app.export_screenshot(), 200, 60) == [url]


async def test_too_small_shows_the_url_not_a_broken_code():
    app = make_app(PACK)
    url = max((l.url for l in PACK.links), key=len)
    async with app.run_test(size=(60, 20)) as pilot:
        await app.push_screen(QRScreen([("Longest", url)]))
        await pilot.pause()
        assert app.screen.has_class("-too-small")
        text = visible_text(app)
        assert "too small" in text and "▀" not in text
        assert url[:40] in text.replace("\n", "")


async def test_qr_key_opens_the_chosen_platforms_guides():
    app = make_app(PACK)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("s")
        await pick(pilot, ["whatsapp"])
        at = [i.id for i in PACK.items].index("safety-tools")  # blocking and reporting
        await pilot.press("n", "n", *(["1", "n"] * at))
        app.screen.tabs.active = "pane-whatsapp"
        await pilot.press("q")
        await pilot.pause()
        wa = PACK.platform("whatsapp")
        assert isinstance(app.screen, QRScreen)
        assert decode_screen(app.export_screenshot(), 120, 40) == [wa.guide("blocking").url]
        await pilot.press("right")
        await pilot.pause()
        assert decode_screen(app.export_screenshot(), 120, 40) == [wa.guide("reporting").url]
        assert "reminder" not in visible_text(app) and "phone that only you use" in visible_text(app)


async def test_command_palette_jumps_to_a_guide():
    app = make_app(PACK)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"snapchat block")
        await pilot.pause(0.5)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, QRScreen)
        assert decode_screen(app.export_screenshot(), 120, 40) == [PACK.platform("snapchat").guide("blocking").url]


async def test_high_contrast_theme_is_registered_and_selectable():
    app = make_app(PACK)
    async with app.run_test(size=(80, 24)) as pilot:
        assert HIGH_CONTRAST.name in app.available_themes
        await pilot.press("ctrl+t")
        assert app.theme == HIGH_CONTRAST.name
        await pilot.press("ctrl+t")
        assert app.theme != HIGH_CONTRAST.name


async def test_start_screen_shows_content_status_and_staff_guide():
    app = make_app(PACK)
    async with app.run_test(size=(80, 24)) as pilot:
        text = visible_text(app)
        oldest = PACK.oldest_checked
        assert f"Guides checked on {oldest.day} {oldest:%B %Y}" in text
        await pilot.press("g")
        await pilot.pause()
        assert PACK.staff.title in visible_text(app)


async def test_palette_offers_no_screenshot_and_screenshots_write_nothing(tmp_path, monkeypatch):
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("XDG_DOWNLOAD_DIR", str(tmp_path))
    app = make_app(PACK)
    async with app.run_test(size=(80, 24)) as pilot:
        await walk_to_summary(pilot, ["1", "2"])
        titles = {c.title for c in app.get_system_commands(app.screen)}
        assert titles == {"Theme", "Quit"}
        app.action_screenshot()
        app.deliver_screenshot(str(tmp_path / "x.svg"))
        await pilot.pause()
    assert list(tmp_path.rglob("*")) == []


async def test_each_item_shows_only_its_own_outcome():
    app = make_app(PACK)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("s")
        await pick(pilot, ["x"])
        await pilot.press("n", "n", "1", "n")
        await pilot.pause()

        def pressed() -> list[str]:
            return [b.id for b in app.screen.body.query(RadioButton) if b.value]

        assert app.screen.index == 1 and pressed() == []  # nothing chosen yet for item 2
        await pilot.press("3")
        assert pressed() == ["outcome-not-now"]
        await pilot.press("b")
        await pilot.pause()
        assert app.screen.index == 0 and pressed() == ["outcome-done"]
        await pilot.click("#item-0 #outcome-home")
        assert app.session.outcome("public") is Outcome.AT_HOME and pressed() == ["outcome-home"]
        assert app.session.outcome("recheck") is Outcome.NOT_NOW


@pytest.mark.parametrize("keys", [[], ["s"], ["s", "space", "n"], ["s", "space", "n", "n"], ["s", "space", "n", "n", *["1", "n"] * 7]])
async def test_quick_exit_is_shown_first_in_the_footer_on_every_screen_at_80_columns(keys):
    app = make_app(PACK)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press(*keys)
        await pilot.pause()
        footer_line = visible_text(app).splitlines()[-1]
        assert footer_line.lstrip().startswith("esc Quick exit"), footer_line
