"""Random keys and key bursts (fixed seeds), in normal and kiosk mode: the app must never crash.

A crash loses the session (and in kiosk mode used to reset the PIN lockout). The audit's random runs
crashed 6 times in 12; each seed here drives the real app through Pilot for a few hundred keys, some
pressed in bursts with no pause between them (like a child on the keyboard, or a stuck key).
"""

from __future__ import annotations

import random

import pytest  # noqa: F401 - the fixture below

from safetyhelper.config import hash_pin
from safetyhelper.content import load_content
from safetyhelper.tui.app import make_app

PACK = load_content()

#: Keys with a weight: the app's own keys often, Esc (which ends everything) rarely, so runs go deep.
KEYS = {
    **{k: 6 for k in "sn1234bqpceg"},  # not l: the link check would go out to the network
    **{k: 3 for k in ["space", "enter", "tab", "shift+tab", "up", "down", "left", "right"]},
    **{k: 2 for k in ["ctrl+p", "pagedown", "pageup", "home", "end", "backspace", "delete", "ctrl+t"]},
    **{k: 1 for k in ["ctrl+z", "ctrl+backslash", "ctrl+s", "ctrl+a", "f1", "escape"]},
    **{k: 1 for k in list("xyz0789~[]/@.-") + ["ctrl+e", "ctrl+v", "ctrl+w"]},
}
#: Outside kiosk mode Ctrl+Q and Ctrl+C leave the app (that is no crash, but it ends the run).
QUIT_KEYS = {"ctrl+q": 1, "ctrl+c": 1}
PRESSES = 200


@pytest.fixture(autouse=True)
def nowhere_to_write(tmp_path, monkeypatch):
    """Random keys may reach Save or Print: saves land in a temporary home, prints go to a printer that
    does not exist (CUPS refuses at once), and the PIN lockout's state stays in a temporary folder."""
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.setenv("ADB_USB", "0")  # a cable scan reached by chance never meets a real phone
    monkeypatch.setenv("ADB_EMU", "0")
    monkeypatch.delenv("DISPLAY", raising=False)
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)


async def drive(app, seed: int, first=None) -> set[str]:
    """Press random keys (after ``first(app)``, if given); return the names of the screens the run saw."""
    rng = random.Random(seed)
    keys = {**KEYS, **(QUIT_KEYS if app.kiosk else {})}
    names, weights = list(keys), list(keys.values())
    async with app.run_test(size=(rng.choice([80, 100, 120]), rng.choice([24, 30, 40]))) as pilot:
        if first is not None:
            first(app)
            await pilot.pause()
        pressed = 0
        seen: set[str] = set()
        while pressed < PRESSES and app.is_running:
            seen.add(type(app.screen).__name__)
            burst = rng.choice([1, 1, 1, 2, 3, 8])
            keys = rng.choices(names, weights, k=burst)
            if rng.random() < 0.25:  # now and then an answer and "next", so runs get through a session
                keys, burst = [rng.choice("1234"), "n"], 1
            if burst == 1:
                await pilot.press(*keys)
            else:  # a burst: the keys arrive together, as the terminal would send them
                for key in keys:
                    app._driver.send_message(_key_event(app, key))
                await pilot.pause(0)
            pressed += burst
            if rng.random() < 0.05:
                await pilot.pause(0.05)
        await pilot.pause()
    assert app.return_code in (None, 0), f"seed {seed}: the app crashed (exit {app.return_code})"
    print(f"seed {seed}: screens {sorted(seen)}")
    return seen


def _key_event(app, key: str):
    """The key event Pilot would send (textual.app.App._press_keys), without waiting after it."""
    import unicodedata

    from textual import events
    from textual.keys import REPLACED_KEYS, _character_to_key, _get_unicode_name_from_key

    if len(key) == 1 and not key.isalnum():
        key = _character_to_key(key)
    try:
        char = unicodedata.lookup(_get_unicode_name_from_key(REPLACED_KEYS.get(key, key)))
    except KeyError:
        char = key if len(key) == 1 else None
    event = events.Key(key, char)
    event.set_sender(app)
    return event


async def test_random_keys_never_crash_the_app():
    seen: set[str] = set()
    for seed in (1, 2, 3):
        seen |= await drive(make_app(PACK, printer="safetyhelper-no-such-printer"), seed)
    # The runs went deep enough to mean something: into a session, and the palette. (Which screens a
    # seed reaches can vary a little with timing: bursts arrive while the app is still drawing.)
    assert {"ChooseScreen", "ItemScreen", "Palette"} <= seen, sorted(seen)


async def test_random_keys_never_crash_the_kiosk():
    seen: set[str] = set()
    for seed in (11, 12, 13):
        seen |= await drive(make_app(PACK, printer="safetyhelper-no-such-printer", kiosk=True, pin_hash=PIN_HASH), seed)
    assert {"ItemScreen", "Palette", "PinDialog"} <= seen, sorted(seen)


async def test_random_keys_in_the_phone_check_and_cable_scan_never_crash():
    from safetyhelper.tui.screens.phone import ScanScreen, open_phone_check

    seen: set[str] = set()
    for seed, first in ((21, lambda app: open_phone_check(app, "android")), (22, lambda app: open_phone_check(app, "iphone")),
                        (23, lambda app: app.push_screen(ScanScreen()))):
        seen |= await drive(make_app(PACK, printer="safetyhelper-no-such-printer"), seed, first)
    assert {"PhoneCheckScreen", "ScanScreen"} <= seen, sorted(seen)


PIN_HASH = hash_pin("97531864")
