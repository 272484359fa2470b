"""The fake phone (tests/fakephone.py) against Debian's real ``adb`` client, in a private environment.

Each test gets its own adb server (own port, own HOME for ~/.android/adbkey, own TMPDIR for the server
log adb.<uid>.log), which is always killed at the end. adb must be installed (CI installs it).
"""

from __future__ import annotations

import os
import socket
import subprocess
import time
from pathlib import Path

import pytest

from fakephone import FakePhone, Reply

PACKAGES = "package:com.whatsapp installer=com.android.vending\npackage:com.example.spy installer=null\n"
OUTPUTS = {"pm list packages -i": PACKAGES, "getprop ro.debuggable": "0\n"}

#: adb reads these from the environment; none of the developer's own may leak into a test.
_ADB_VARS = (
    "ANDROID_SERIAL",
    "ADB_VENDOR_KEYS",
    "ANDROID_ADB_SERVER_ADDRESS",
    "ANDROID_ADB_LOG_PATH",
    "ADB_SERVER_SOCKET",
    "ADB_TRACE",
    "ANDROID_SDK_HOME",
    "ANDROID_USER_HOME",
)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _port_open(port: int) -> bool:
    with socket.socket() as s:
        s.settimeout(0.5)
        return s.connect_ex(("127.0.0.1", port)) == 0


def _server_pids(port: int) -> list[int]:
    """Processes whose command line names our server port (``adb -L tcp:PORT fork-server server ...``)."""
    pids = []
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            argv = (proc / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if any(arg.endswith(f"tcp:{port}".encode()) for arg in argv):
            pids.append(int(proc.name))
    return pids


class Adb:
    """The real adb client with a private HOME, TMPDIR and server port."""

    def __init__(self, home: Path, port: int):
        self.home = home
        self.port = port
        self.env = {k: v for k, v in os.environ.items() if k not in _ADB_VARS}
        # HOME: adb 29 keeps its key in $HOME/.android (ANDROID_SDK_HOME / ANDROID_USER_HOME are not read);
        # TMPDIR: the server log $TMPDIR/adb.<uid>.log. ADB_USB/ADB_EMU/ADB_MDNS=0: the private server
        # leaves a developer's real phone (USB), emulators (ports 5555-5585) and mDNS alone.
        self.env.update(
            HOME=str(home),
            TMPDIR=str(home),
            ANDROID_ADB_SERVER_PORT=str(port),
            ADB_USB="0",
            ADB_EMU="0",
            ADB_MDNS="0",
        )

    def __call__(self, *args: str, timeout: float = 30) -> subprocess.CompletedProcess:
        """Run adb; stdout/stderr decoded as UTF-8 without newline translation (text=True would turn CRLF into LF)."""
        done = subprocess.run(
            ["adb", *args], env=self.env, capture_output=True, timeout=timeout, stdin=subprocess.DEVNULL
        )
        done.stdout = done.stdout.decode("utf-8")
        done.stderr = done.stderr.decode("utf-8")
        return done

    def states(self) -> dict[str, str]:
        """serial -> state, from ``adb devices``."""
        out = self("devices").stdout
        return dict(line.split("\t", 1) for line in out.splitlines()[1:] if "\t" in line)

    def wait_for_state(self, serial: str, state: str, timeout: float = 5) -> dict[str, str]:
        """Poll ``adb devices`` until ``serial`` is in ``state`` (adb may need a moment after connect)."""
        end = time.monotonic() + timeout
        while True:
            states = self.states()
            if states.get(serial) == state or time.monotonic() > end:
                return states
            time.sleep(0.05)

    def kill_server(self) -> None:
        self("kill-server")
        end = time.monotonic() + 5
        while (_port_open(self.port) or _server_pids(self.port)) and time.monotonic() < end:
            time.sleep(0.05)


@pytest.fixture
def adb(tmp_path_factory):
    home = tmp_path_factory.mktemp("adbhome")
    client = Adb(home, _free_port())
    try:
        started = client("start-server")
        assert started.returncode == 0, started.stderr
        yield client
    finally:
        client.kill_server()


@pytest.fixture
def phone():
    with FakePhone(OUTPUTS) as fake:
        yield fake


def test_authorised_phone_answers_shell_commands(adb, phone):
    connected = adb("connect", phone.serial)
    assert connected.stdout == f"connected to {phone.serial}\n"
    assert adb.wait_for_state(phone.serial, "device").get(phone.serial) == "device"

    packages = adb("-s", phone.serial, "shell", "pm", "list", "packages", "-i")
    debuggable = adb("-s", phone.serial, "shell", "getprop ro.debuggable")

    # Output comes back byte for byte (\n stays \n), nothing on stderr.
    assert (packages.returncode, packages.stdout, packages.stderr) == (0, PACKAGES, "")
    assert (debuggable.returncode, debuggable.stdout, debuggable.stderr) == (0, "0\n", "")
    # adb joins the words of the command with single spaces.
    assert phone.commands == ["pm list packages -i", "getprop ro.debuggable"]


def test_devices_lists_model_and_state(adb, phone):
    adb("connect", phone.serial)
    adb.wait_for_state(phone.serial, "device")
    listing = adb("devices", "-l").stdout.splitlines()
    line = next(line for line in listing if line.startswith(phone.serial))
    assert line.split()[1:5] == ["device", "product:fakeproduct", "model:Pixel_7", "device:fakedevice"]


def test_unknown_command_and_big_output(adb):
    big = "".join(f"package:com.example.app{i} installer=null\n" for i in range(20000))  # > 256 KiB: many WRTEs
    with FakePhone({"pm list packages": big, "crlf": "a\r\nb"}) as fake:
        adb("connect", fake.serial)
        adb.wait_for_state(fake.serial, "device")
        assert adb("-s", fake.serial, "shell", "pm list packages").stdout == big
        assert adb("-s", fake.serial, "shell", "crlf").stdout == "a\r\nb"
        unknown = adb("-s", fake.serial, "shell", "dumpsys", "package")
        # shell_v2: the shell's complaint on stderr and its exit code come back apart from stdout.
        assert (unknown.returncode, unknown.stdout, unknown.stderr) == (
            127, "", "/system/bin/sh: dumpsys: inaccessible or not found\n")
        assert fake.commands == ["pm list packages", "crlf", "dumpsys package"]
        assert fake.services[0].startswith("shell,v2,") and fake.services[0].endswith(",raw:pm list packages")


def test_a_failing_command_gives_its_exit_code_and_stderr(adb):
    replies = {"dumpsys device_policy": Reply("partial\n", "Permission Denial: can't dump\n", 255),
               "command -v su": Reply("", "", 1)}
    with FakePhone(replies) as fake:
        adb("connect", fake.serial)
        adb.wait_for_state(fake.serial, "device")
        denied = adb("-s", fake.serial, "shell", "dumpsys device_policy")
        assert (denied.returncode, denied.stdout, denied.stderr) == (255, "partial\n", "Permission Denial: can't dump\n")
        assert adb("-s", fake.serial, "shell", "command -v su").returncode == 1


def test_an_old_phone_without_the_shell_protocol(adb):
    """Android 6 and older: plain ``shell:``; stderr arrives in stdout and adb exits 0 whatever happened."""
    with FakePhone({"getprop ro.debuggable": "1\n", "command -v su": Reply("", "", 1)}, shell_v2=False) as fake:
        adb("connect", fake.serial)
        adb.wait_for_state(fake.serial, "device")
        assert adb("-s", fake.serial, "shell", "getprop ro.debuggable").stdout == "1\n"
        unknown = adb("-s", fake.serial, "shell", "dumpsys package")
        assert (unknown.returncode, unknown.stdout) == (0, "/system/bin/sh: dumpsys: inaccessible or not found\n")
        assert adb("-s", fake.serial, "shell", "command -v su").returncode == 0
        assert fake.services == ["shell:getprop ro.debuggable", "shell:dumpsys package", "shell:command -v su"]


def test_unauthorised_phone(adb):
    with FakePhone({"getprop ro.debuggable": "0\n"}, authorised=False) as fake:
        connected = adb("connect", fake.serial)
        # adb 29 says so on stdout but still exits 0.
        assert connected.stdout == f"failed to authenticate to {fake.serial}\n"
        assert adb.wait_for_state(fake.serial, "unauthorized").get(fake.serial) == "unauthorized"

        shell = adb("-s", fake.serial, "shell", "getprop ro.debuggable")
        assert shell.returncode != 0
        assert shell.stdout == ""
        assert shell.stderr.startswith("error: device unauthorized.\n")
        assert fake.commands == []


def test_kill_server_leaves_nothing_running(tmp_path):
    adb = Adb(tmp_path, _free_port())
    try:
        assert adb("start-server").returncode == 0
        assert _port_open(adb.port)
        assert _server_pids(adb.port)
        with FakePhone(OUTPUTS) as fake:
            adb("connect", fake.serial)
            assert adb("-s", fake.serial, "shell", "getprop ro.debuggable").stdout == "0\n"
            adb.kill_server()
    finally:
        adb.kill_server()
    assert not _port_open(adb.port)
    assert _server_pids(adb.port) == []
    # Everything adb wrote is inside the private HOME: the key and the server log.
    assert (tmp_path / ".android" / "adbkey").is_file()
    assert (tmp_path / f"adb.{os.getuid()}.log").is_file()


def test_five_commands_share_one_connection(adb, phone):
    """adb keeps one transport to the phone and opens a stream per command (the speed of a whole scan is
    measured in bench/bench_phone.py, not here)."""
    adb("connect", phone.serial)
    adb.wait_for_state(phone.serial, "device")
    for _ in range(5):
        assert adb("-s", phone.serial, "shell", "getprop ro.debuggable").stdout == "0\n"
    assert phone.connections == 1
    assert phone.commands == ["getprop ro.debuggable"] * 5
