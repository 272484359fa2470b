"""Kiosk mode: the staff PIN guards leaving and the staff screens; signals and crashes do not reach a shell."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import time
from pathlib import Path

import pytest

from conftest import run_cli
from safetyhelper.config import hash_pin
from safetyhelper.content import load_content
from safetyhelper.tui.app import make_app
from safetyhelper.tui.screens.pin import PinDialog
from safetyhelper.tui.screens.start import StartScreen
from test_e2e_tmux import EXE, Tmux

PACK = load_content()
PIN = "2468"
HASH = hash_pin(PIN)
ROOT = Path(__file__).resolve().parent.parent


async def enter_pin(pilot, pin: str) -> None:
    await pilot.press(*pin, "enter")
    await pilot.pause()


async def test_leaving_needs_the_pin():
    app = make_app(PACK, kiosk=True, pin_hash=HASH)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("ctrl+q")
        await pilot.pause()
        assert isinstance(app.screen, PinDialog)
        await pilot.press("escape")  # cancel: still running
        await pilot.pause()
        assert isinstance(app.screen, StartScreen) and app.return_code is None
        await pilot.press("ctrl+q")
        await enter_pin(pilot, "1357")
        assert isinstance(app.screen, PinDialog) and app.return_code is None
        assert "not right" in str(app.screen.query_one("#pin-message").render())
        await enter_pin(pilot, PIN)
    assert app.return_code == 0


async def test_five_wrong_pins_lock_the_prompt():
    app = make_app(PACK, kiosk=True, pin_hash=HASH)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("ctrl+q")
        for _ in range(5):
            await enter_pin(pilot, "0000")
        assert "Too many wrong tries" in str(app.screen.query_one("#pin-message").render())
        await enter_pin(pilot, PIN)  # right, but locked
        assert isinstance(app.screen, PinDialog) and app.return_code is None
        assert app.pin_lock.locked_for() > 50


async def test_staff_screens_need_the_pin_and_ctrl_c_z_do_nothing():
    app = make_app(PACK, kiosk=True, pin_hash=HASH)
    async with app.run_test(size=(80, 24)) as pilot:
        for key in ("ctrl+c", "ctrl+z", "ctrl+backslash"):
            await pilot.press(key)
        await pilot.pause()
        assert isinstance(app.screen, StartScreen) and app.return_code is None
        await pilot.press("g")
        await pilot.pause()
        assert isinstance(app.screen, PinDialog)
        await enter_pin(pilot, PIN)
        assert type(app.screen).__name__ == "StaffScreen"


async def test_without_kiosk_no_pin_is_asked():
    app = make_app(PACK)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("g")
        await pilot.pause()
        assert type(app.screen).__name__ == "StaffScreen"


def test_kiosk_without_a_pin_refuses_to_start(tmp_path):
    cfg = tmp_path / "config.toml"
    cfg.write_text("kiosk = true\n")
    result = run_cli("--config", str(cfg))
    assert result.returncode == 2 and "needs a staff PIN" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


# ---------------------------------------------------------------- a real terminal


@pytest.fixture
def kiosk_tmux(tmp_path):
    if shutil.which("tmux") is None:
        pytest.skip("tmux is not installed (.ci/run installs it)")
    cfg = tmp_path / "config.toml"
    cfg.write_text(f'kiosk = true\npin_hash = "{HASH}"\n')
    t = Tmux(tmp_path)
    t.sock += "-kiosk"
    marker = tmp_path / "exit-code"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TEXTUAL", "SAFETYHELPER"))}
    env.update(TERM="xterm-256color", HOME=str(tmp_path), XDG_STATE_HOME=str(tmp_path / "state"))
    cmd = f"{EXE} --config {cfg}; echo $? > {marker}; sleep 60"
    subprocess.run(
        ["tmux", "-L", t.sock, "-f", "/dev/null", "new-session", "-d", "-s", "e2e", "-x", "100", "-y", "40", cmd],
        check=True,
        env=env,
    )
    t.marker = marker
    yield t
    subprocess.run(["tmux", "-L", t.sock, "kill-server"], capture_output=True)


def child_pids() -> list[int]:
    out = subprocess.run(["pgrep", "-f", "safetyhelper.*--kiosk-child"], capture_output=True, text=True).stdout
    return [int(p) for p in out.split()]


def test_kiosk_in_a_real_terminal_ignores_ctrl_c_z_backslash_and_survives_a_crash(kiosk_tmux):
    t = kiosk_tmux
    t.wait_for("Start a new session")
    t.keys("C-c", "C-z", "C-\\")
    time.sleep(1.0)
    screen = t.screen()
    assert "Start a new session" in screen and not t.marker.exists()
    # A crash: kill the app process outright. The wrapper logs it and starts the app again.
    pids = child_pids()
    assert len(pids) == 1
    os.kill(pids[0], signal.SIGKILL)
    end = time.monotonic() + 20
    while time.monotonic() < end and (child_pids() in ([], pids)):
        time.sleep(0.1)
    screen = t.wait_for("Start a new session")
    assert "Traceback" not in screen and not t.marker.exists()
    log = (t.tmp / "state" / "safetyhelper" / "kiosk.log").read_text()
    assert "exited with code -9; restarted" in log and len(log.splitlines()) == 1
    # Leaving needs the PIN.
    t.keys("C-q")
    t.wait_for("Staff PIN to leave the app")
    t.keys(*PIN, "Enter")
    end = time.monotonic() + 15
    while not t.marker.exists() and time.monotonic() < end:
        time.sleep(0.1)
    assert t.marker.read_text().strip() == "0"


# ---------------------------------------------------------------- starting it at login


def test_the_systemd_user_unit_is_valid():
    unit = ROOT / "contrib" / "systemd" / "safetyhelper-kiosk.service"
    if shutil.which("systemd-analyze") is None:
        pytest.skip("systemd-analyze is not installed")
    result = subprocess.run(["systemd-analyze", "verify", str(unit)], capture_output=True, text=True)
    assert result.returncode == 0 and result.stderr.strip() == "", result.stderr
    text = unit.read_text()
    assert "ExecStart=/usr/bin/env safetyhelper --kiosk" in text and "Restart=always" in text
