"""Kiosk mode: the staff PIN guards leaving and the staff screens; signals and crashes do not reach a shell."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import run_cli
from safetyhelper.config import PIN_LOCK_FILE, PinLock, hash_pin
from safetyhelper.content import load_content
from safetyhelper.kiosk import NEEDS_STAFF, restart_pause
from safetyhelper.tui.app import make_app
from safetyhelper.tui.screens.pin import PinDialog
from safetyhelper.tui.screens.start import StartScreen
from textual.widgets import Input
from test_e2e_tmux import EXE, Tmux

PACK = load_content()
PIN = "2468"
HASH = hash_pin(PIN)
ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(autouse=True)
def own_state_folder(tmp_path, monkeypatch):
    """The PIN lockout is kept in the state folder: each test has its own, never the developer's."""
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))


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


async def test_the_pin_field_takes_only_the_digits_0_to_9():
    app = make_app(PACK, kiosk=True, pin_hash=HASH)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("ctrl+q")
        await pilot.pause()
        field = app.screen.query_one("#pin", Input)
        await pilot.press("\u0662", "\u0664", "\u0666", "\u0668", "\u06f2", "\uff12", "a")  # Arabic-Indic, Persian, full-width
        await pilot.pause()
        assert field.value == ""
        await pilot.press("2", "\u0664", "4", "6", "8")
        await pilot.pause()
        assert field.value == PIN
        await pilot.press("enter")
        await pilot.pause()
    assert app.return_code == 0


async def test_wrong_pins_in_one_app_lock_the_next_one():
    app = make_app(PACK, kiosk=True, pin_hash=HASH)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("ctrl+q")
        for _ in range(5):
            await enter_pin(pilot, "0000")
    app = make_app(PACK, kiosk=True, pin_hash=HASH)  # as after a crash and a restart
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("ctrl+q")
        await pilot.pause()
        assert "Too many wrong tries" in str(app.screen.query_one("#pin-message").render())
        await enter_pin(pilot, PIN)
        assert isinstance(app.screen, PinDialog) and app.return_code is None


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


def test_wrong_pins_still_lock_the_prompt_after_the_app_crashes(kiosk_tmux):
    t = kiosk_tmux
    t.wait_for("Start a new session")
    t.keys("C-q")
    t.wait_for("Staff PIN to leave the app")
    for _ in range(5):
        t.keys(*"0000", "Enter")
    t.wait_for("Too many wrong tries")
    pids = child_pids()
    assert len(pids) == 1
    os.kill(pids[0], signal.SIGKILL)
    end = time.monotonic() + 20
    while time.monotonic() < end and (child_pids() in ([], pids)):
        time.sleep(0.1)
    t.wait_for("Start a new session")
    t.keys("C-q")
    screen = t.wait_for("Too many wrong tries")  # the new app knows of the five wrong tries
    assert "Staff PIN to leave the app" in screen and not t.marker.exists()
    assert PinLock(path=t.tmp / "state" / "safetyhelper" / PIN_LOCK_FILE).locked_for() > 0


# ---------------------------------------------------------------- a crash loop


def test_restart_pause_doubles_with_each_fast_crash():
    assert [restart_pause(n) for n in range(6)] == [1, 1, 2, 4, 8, 8]
    assert [restart_pause(n, 0.01, 0.05) for n in (1, 2, 3, 4)] == [0.01, 0.02, 0.04, 0.05]


SUPERVISOR = """\
import sys
from safetyhelper.config import Config
from safetyhelper.kiosk import supervise

runs, pin_hash = sys.argv[1], sys.argv[2]
# An app that fails at start, counting its starts.
child = [sys.executable, "-c", "import sys; open(sys.argv[1], 'a').write('run' + chr(10)); sys.exit(1)", runs]
sys.exit(supervise([], Config(values={"pin_hash": pin_hash}), command=child, pause=0.01, max_pause=0.05))
"""


def starts(path: Path) -> int:
    return len(path.read_text().splitlines()) if path.exists() else 0


@pytest.fixture
def crash_loop_tmux(tmp_path):
    """The wrapper in a real terminal (tmux) around an app that always fails at start."""
    if shutil.which("tmux") is None:
        pytest.skip("tmux is not installed (.ci/run installs it)")
    script = tmp_path / "supervisor.py"
    script.write_text(SUPERVISOR)
    t = Tmux(tmp_path)
    t.sock += "-crash-loop"
    t.runs = tmp_path / "runs"
    t.marker = tmp_path / "exit-code"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TEXTUAL", "SAFETYHELPER"))}
    env.update(TERM="xterm-256color", HOME=str(tmp_path), XDG_STATE_HOME=str(tmp_path / "state"))
    cmd = f"{sys.executable} {script} {t.runs} '{HASH}'; echo $? > {t.marker}; sleep 60"
    subprocess.run(
        ["tmux", "-L", t.sock, "-f", "/dev/null", "new-session", "-d", "-s", "e2e", "-x", "100", "-y", "40", cmd],
        check=True,
        env=env,
    )
    yield t
    subprocess.run(["tmux", "-L", t.sock, "kill-server"], capture_output=True)


def test_a_crash_loop_stops_after_three_fast_crashes_until_the_staff_pin(crash_loop_tmux):
    t = crash_loop_tmux
    screen = t.wait_for(NEEDS_STAFF)
    assert starts(t.runs) == 3 and "Staff PIN:" in screen and "Traceback" not in screen
    log = (t.tmp / "state" / "safetyhelper" / "kiosk.log").read_text().splitlines()
    assert [line.split("; ")[-1] for line in log] == ["restarted", "restarted", "stopped until a staff PIN"]
    assert all("exited with code 1" in line for line in log)
    # Ctrl+C, Ctrl+Z, Ctrl+\ do nothing; a wrong PIN is not shown, is refused and counts in the lockout.
    t.keys("C-c", "C-z", "C-\\")
    t.keys(*"1357", "Enter")
    screen = t.wait_for("That PIN is not right.")
    assert NEEDS_STAFF in screen and "1357" not in screen and not t.marker.exists()
    assert starts(t.runs) == 3  # not started again without the PIN
    lock_file = t.tmp / "state" / "safetyhelper" / PIN_LOCK_FILE
    assert json.loads(lock_file.read_text())["wrong"] == 1
    # The right PIN (letters and the digits a key like F5 sends are ignored): three more tries from a clean count,
    # then it stops again.
    t.keys("F5", *"2x4y68", "Enter")
    end = time.monotonic() + 20
    while starts(t.runs) < 6 and time.monotonic() < end:
        time.sleep(0.05)
    screen = t.wait_for(NEEDS_STAFF, gone="not right")
    assert starts(t.runs) == 6 and "Staff PIN:" in screen and not t.marker.exists()
    assert json.loads(lock_file.read_text())["wrong"] == 0
    assert len((t.tmp / "state" / "safetyhelper" / "kiosk.log").read_text().splitlines()) == 6


def test_the_wrappers_pin_prompt_keeps_the_apps_lockout(tmp_path):
    state = tmp_path / "state"
    lock = PinLock(seconds=5, path=state / "safetyhelper" / PIN_LOCK_FILE)
    for _ in range(5):
        lock.attempt("0000", HASH)  # five wrong tries in the app (a short lock), just before it started crashing
    if shutil.which("tmux") is None:
        pytest.skip("tmux is not installed (.ci/run installs it)")
    script = tmp_path / "supervisor.py"
    script.write_text(SUPERVISOR)
    runs = tmp_path / "runs"
    t = Tmux(tmp_path)
    t.sock += "-locked"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TEXTUAL", "SAFETYHELPER"))}
    env.update(TERM="xterm-256color", HOME=str(tmp_path), XDG_STATE_HOME=str(state))
    cmd = f"{sys.executable} {script} {runs} '{HASH}'; sleep 60"
    subprocess.run(
        ["tmux", "-L", t.sock, "-f", "/dev/null", "new-session", "-d", "-s", "e2e", "-x", "100", "-y", "40", cmd],
        check=True,
        env=env,
    )
    try:
        screen = t.wait_for("Too many wrong tries")
        assert NEEDS_STAFF in screen and "Staff PIN:" not in screen and starts(runs) == 3
        screen = t.wait_for("Staff PIN:", gone="Too many")  # the lock over, the prompt comes
        t.keys(*PIN, "Enter")
        end = time.monotonic() + 20
        while starts(runs) < 6 and time.monotonic() < end:
            time.sleep(0.05)
        t.wait_for(NEEDS_STAFF)
        assert starts(runs) == 6
    finally:
        subprocess.run(["tmux", "-L", t.sock, "kill-server"], capture_output=True)


def test_a_crash_loop_without_a_terminal_stops_and_waits_for_the_pin_on_its_input(tmp_path):
    script = tmp_path / "supervisor.py"
    script.write_text(SUPERVISOR)
    runs = tmp_path / "runs"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TEXTUAL", "SAFETYHELPER"))}
    env["XDG_STATE_HOME"] = str(tmp_path / "state")
    result = subprocess.run(
        [sys.executable, str(script), str(runs), HASH],
        input="1111\n2468\n",  # a wrong PIN, the right one, then nothing more: it cannot ask again
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert result.returncode == 1 and starts(runs) == 6
    assert result.stdout.count(NEEDS_STAFF) == 3 and "That PIN is not right." in result.stdout


# ---------------------------------------------------------------- starting it at login


def test_the_systemd_user_unit_is_valid():
    unit = ROOT / "contrib" / "systemd" / "safetyhelper-kiosk.service"
    if shutil.which("systemd-analyze") is None:
        pytest.skip("systemd-analyze is not installed")
    result = subprocess.run(["systemd-analyze", "verify", str(unit)], capture_output=True, text=True)
    assert result.returncode == 0 and result.stderr.strip() == "", result.stderr
    text = unit.read_text()
    assert "ExecStart=/usr/bin/env safetyhelper --kiosk" in text and "Restart=always" in text


async def test_the_pin_dialog_closes_with_c_and_says_so():
    app = make_app(PACK, kiosk=True, pin_hash=HASH)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("s", "ctrl+q")
        await pilot.pause()
        assert isinstance(app.screen, PinDialog)
        assert "C cancels · Esc is quick exit" in " ".join(str(w.render()) for w in app.screen.query("Static"))
        await pilot.press("1", "2", "c")
        await pilot.pause()
        assert not isinstance(app.screen, PinDialog) and app.return_code is None
        assert app.session is not None and app.has_session_screens  # the session is still there
