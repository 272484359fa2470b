"""End to end: the installed `safetyhelper` in a real terminal (tmux, 100x40), driven with send-keys."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

from safetyhelper.content import load_content

PACK = load_content()
ITEMS = len(PACK.items)
#: Down presses from the top of the choose list to Facebook: the email accounts come first.
TO_FACEBOOK = ["Down"] * [p.id for p in PACK.guided].index("facebook")

EXE = Path(sys.executable).parent / "safetyhelper"
pytestmark = pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed (.ci/run installs it)")


class Tmux:
    def __init__(self, tmp_path: Path):
        # One socket per test: a server from the test before may still be shutting down on a shared name
        # ("server exited unexpectedly" when the next test starts on it).
        self.sock = f"safetyhelper-e2e-{os.getpid()}-{uuid.uuid4().hex[:8]}"
        self.tmp = tmp_path

    def run(self, *args: str) -> str:
        return subprocess.run(["tmux", "-L", self.sock, *args], capture_output=True, text=True, check=True).stdout

    def screen(self) -> str:
        return self.run("capture-pane", "-p", "-t", "e2e")

    def wait_for(self, text: str, timeout: float = 15, gone: str | None = None) -> str:
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            screen = self.screen()
            if text in screen and (gone is None or gone not in screen):
                return screen
            time.sleep(0.1)
        raise AssertionError(f"{text!r} never appeared; screen was:\n{self.screen()}")

    def keys(self, *keys: str) -> None:
        for k in keys:
            self.run("send-keys", "-t", "e2e", k)
            time.sleep(0.08)


@pytest.fixture
def tmux(tmp_path):
    t = Tmux(tmp_path)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TEXTUAL", "SAFETYHELPER"))}
    marker = tmp_path / "exit-code"
    cmd = f"{EXE}; echo $? > {marker}; sleep 60"
    subprocess.run(
        ["tmux", "-L", t.sock, "-f", "/dev/null", "new-session", "-d", "-s", "e2e", "-x", "100", "-y", "40", cmd],
        check=True,
        # ADB_USB=0: a cable scan started here never meets a real phone on this machine.
        env={**env, "TERM": "xterm-256color", "HOME": str(tmp_path), "ADB_USB": "0", "ADB_EMU": "0"},
    )
    t.marker = marker
    yield t
    subprocess.run(["tmux", "-L", t.sock, "kill-server"], capture_output=True)


def test_a_session_in_a_real_terminal_ending_with_quick_exit(tmux):
    assert EXE.exists(), f"{EXE} is not installed"
    tmux.wait_for("Start a new session")
    tmux.keys("s")
    tmux.wait_for("Which apps and phones")
    tmux.keys(*TO_FACEBOOK, "Space", "Down", "Space", "n")  # Facebook and Instagram (after the email accounts)
    tmux.wait_for("A few questions")
    tmux.keys("n")  # the plan's questions are optional
    screen = tmux.wait_for(f"Step 1 of {ITEMS}")
    assert "Facebook" in screen and "Instagram" in screen
    for key in ["1", "2", "3", "1", "2", "1"]:
        tmux.keys(key, "n")
    tmux.wait_for(f"Step {ITEMS} of {ITEMS}")
    tmux.keys("4", "n")
    screen = tmux.wait_for("Summary")
    assert "Not now (could be noticed)" in screen and "Facebook, Instagram" in screen
    tmux.keys("Escape")
    screen = tmux.wait_for("Start a new session", gone="Summary")
    assert "Facebook" not in screen and "Instagram" not in screen
    tmux.keys("C-q")
    end = time.monotonic() + 10
    while not tmux.marker.exists() and time.monotonic() < end:
        time.sleep(0.1)
    assert tmux.marker.read_text().strip() == "0"
    assert list(tmux.tmp.iterdir()) == [tmux.marker]  # nothing of the session reached disk


def test_the_phone_check_and_a_cable_scan_with_no_phone_in_a_real_terminal(tmux):
    from test_phone_scan import adb_folders, our_adb_servers

    before = adb_folders()
    tmux.wait_for("Start a new session")
    tmux.keys("C-p")
    tmux.wait_for("🔎")
    tmux.run("send-keys", "-t", "e2e", "-l", "check this phone android")
    tmux.wait_for("Check this phone: Android phone")
    tmux.keys("Enter")
    screen = tmux.wait_for("Before you start")
    assert "Do not remove or turn off anything yet" in " ".join(screen.split())
    tmux.keys("n", "1")
    tmux.wait_for("Check 1 of")
    tmux.keys("c")
    tmux.wait_for("Scan an Android phone with a USB cable")
    tmux.keys("s")
    screen = tmux.wait_for("No phone found", timeout=20)
    assert "safe" not in screen.lower().replace("safety", "")
    tmux.keys("Escape")
    screen = tmux.wait_for("Start a new session", gone="No phone found")
    assert "Android" not in screen
    assert our_adb_servers() == [] and adb_folders() == before
    assert list(tmux.tmp.iterdir()) == [], "nothing in the app's HOME"


def test_no_case_note_in_any_tmux_buffer_with_set_clipboard_on(tmp_path):
    """tmux with `set-clipboard on` keeps whatever OSC 52 carries in its paste buffers, and ignores the
    empty OSC 52 that used to 'clear' it. The note must never reach tmux: none of its buffers may hold it,
    during the session, after quick exit or after quitting."""
    sock = f"safetyhelper-clip-{os.getpid()}-{uuid.uuid4().hex[:8]}"
    conf = tmp_path / "tmux.conf"
    conf.write_text("set -g set-clipboard on\n")
    home = tmp_path / "home"
    home.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TEXTUAL", "SAFETYHELPER", "DISPLAY", "WAYLAND"))}
    t = Tmux(home)
    t.sock = sock
    subprocess.run(
        ["tmux", "-L", sock, "-f", str(conf), "new-session", "-d", "-s", "e2e", "-x", "100", "-y", "40",
         f"{EXE}; sleep 60"],
        check=True,
        env={**env, "TERM": "xterm-256color", "HOME": str(home)},
    )

    def buffers() -> str:
        names = t.run("list-buffers", "-F", "#{buffer_name}").split()
        return "\n".join(t.run("show-buffer", "-b", name) for name in names)

    try:
        assert t.run("show-options", "-g", "set-clipboard").split()[-1] == "on"
        t.wait_for("Start a new session")
        t.keys("s")
        t.wait_for("Which apps and phones")
        t.keys("Space", "n")
        t.wait_for("A few questions")
        t.keys("n")
        t.wait_for(f"Step 1 of {ITEMS}")
        for key in ["1", "2", "3", "1", "2", "1", "4"]:
            t.keys(key, "n")
        t.wait_for("Summary")
        t.keys("c")
        screen = t.wait_for("opied")  # the note's status line, "Copied ..." or "Not copied" (the summary footer also says "Case note")
        assert "Not copied" in screen  # the truth: inside tmux nothing is copied
        t.keys("c")  # "Copy again"
        time.sleep(0.5)
        assert "Online safety session" not in buffers()
        t.keys("Escape")
        t.wait_for("Start a new session", gone="Case note")
        t.keys("C-q")
        time.sleep(0.5)
        assert "Online safety session" not in buffers() and "Checklist" not in buffers()
    finally:
        subprocess.run(["tmux", "-L", sock, "kill-server"], capture_output=True)
