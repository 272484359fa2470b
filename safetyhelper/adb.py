"""Talking to an Android phone through Debian's ``adb``, leaving no trace on this computer (no Textual).

adb keeps a key pair (``~/.android/adbkey``) and runs a server that logs. An AdbSession points all of that
at a private temporary folder (HOME, ANDROID_USER_HOME, ANDROID_SDK_HOME, TMPDIR), runs its own server in
the foreground on a free loopback port (so it never meets, or stops, an adb server someone else runs), and on
close stops that server and removes the folder. Nothing adb prints is logged.

The key is new each time, so the phone asks "Allow USB debugging?" each time: that is the price of keeping
nothing here. Allowed without "Always allow from this computer" (the prepare steps say so), the phone does
not keep the key either; the undo steps revoke the list only if it was ticked (the list can be evidence).
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import threading
import time
from dataclasses import dataclass

from safetyhelper.translate import N_, _

#: adb's state words (``adb devices``) and what we call them.
READY = "device"
STATES = ("device", "unauthorized", "authorizing", "offline", "no permissions", "recovery", "sideload", "bootloader", "connecting")


class PhoneProblem(Exception):
    """Why a scan cannot go on, in plain words, with what to do. ``state`` names it for --json and tests."""

    def __init__(self, state: str, message: str):
        self.state = state
        super().__init__(message)


#: state -> what to tell the caseworker (one line each, plain words).
PROBLEMS = {
    "no-adb": N_("This computer cannot scan phones: the adb program is not installed. Ask your admin (Debian: apt install adb)."),
    "adb-failed": N_("adb did not start on this computer. Try again; if it keeps failing, ask your admin."),
    "no-phone": N_("No phone found. Connect the phone with a USB cable that carries data, unlock it, and check that USB debugging is on."),
    "unauthorised": N_("The phone has not allowed this computer. Unlock the phone. Look for \u201cAllow USB debugging?\u201d and tap Allow, then try again."),
    "waiting": N_("Now look at the phone: unlock it. When it asks \u201cAllow USB debugging?\u201d, tap Allow."),
    "offline": N_("The phone is connected but not answering. Unplug the cable, unlock the phone, and plug it in again."),
    "several": N_("More than one phone is connected. Unplug the others, or choose one with --serial."),
    "not-found": N_("That phone is not connected. Check the cable, or run without --serial to find it."),
    "no-permission": N_("This computer is not allowed to use the phone's USB connection. Ask your admin to set up the Android udev rules."),
    "other-mode": N_("The phone is not started normally. Restart it, unlock it, and try again."),
    "lost": N_("The phone stopped answering during the scan. Unplug it, unlock it, and try again."),
    "refused": N_("The phone would not answer one of the scan\u2019s questions, so this scan cannot tell you anything. Restart the phone and try again; if it happens again, a specialist can look."),
    "cancelled": N_("The scan was stopped."),
}

_STATE_PROBLEM = {
    "unauthorized": "unauthorised", "authorizing": "unauthorised", "offline": "offline", "connecting": "offline",
    "no permissions": "no-permission", "recovery": "other-mode", "sideload": "other-mode", "bootloader": "other-mode",
}


def problem(state: str) -> PhoneProblem:
    return PhoneProblem(state, _(PROBLEMS[state]))


@dataclass(frozen=True)
class Device:
    serial: str
    state: str


def parse_devices(text: str) -> list[Device]:
    """The phones in ``adb devices`` output: one "SERIAL<tab>STATE[ details]" line each."""
    found = []
    for line in text.splitlines():
        if "\t" not in line or line.startswith(("List of devices", "*")):
            continue
        serial, rest = line.split("\t", 1)
        state = rest.strip()
        state = next((s for s in STATES if state == s or state.startswith(s + " ")), state.split(" ")[0])
        found.append(Device(serial.strip(), state))
    return found


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def private_parent() -> str | None:
    """Where the private folder goes: the user's runtime folder (in memory, emptied at logout) when there is
    one, else the system's temporary folder."""
    runtime = os.environ.get("XDG_RUNTIME_DIR")
    if runtime and os.path.isdir(runtime) and os.access(runtime, os.W_OK | os.X_OK):
        return runtime
    return None


class AdbSession:
    """A private adb: its own folder and its own server, both gone after ``close`` (use it with ``with``).

    Clients reach the server only through ADB_SERVER_SOCKET, with which adb never starts a server of its
    own: if ours is gone, a command fails instead of leaving a new server behind."""

    #: How long to wait for the person to unlock the phone and tap Allow.
    ALLOW_SECONDS = 90.0

    def __init__(self, adb: str | None = None, *, timeout: float = 30.0, allow_seconds: float | None = None):
        found = adb or os.environ.get("SAFETYHELPER_ADB") or shutil.which("adb")
        if not found or not shutil.which(found):
            raise problem("no-adb")
        self.adb = found
        self.timeout = timeout
        if allow_seconds is not None:
            self.ALLOW_SECONDS = allow_seconds
        self.home = tempfile.mkdtemp(prefix="safetyhelper-adb-", dir=private_parent())  # mode 0700
        self.port = _free_port()
        base = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"), "LANG": "C", "LC_ALL": "C",
            "HOME": self.home, "ANDROID_USER_HOME": os.path.join(self.home, ".android"),
            "ANDROID_SDK_HOME": self.home, "ANDROID_EMULATOR_HOME": self.home, "TMPDIR": self.home,
            "ANDROID_ADB_LOG_PATH": os.path.join(self.home, "adb.log"),
            "ADB_MDNS": "0",  # no looking for phones on the network: only the cable (or --serial HOST:PORT)
        }
        # Tests set ADB_USB=0 and ADB_EMU=0 so a scan of a fake phone never meets a real one.
        base.update({k: os.environ[k] for k in ("ADB_USB", "ADB_EMU") if k in os.environ})
        self.server_env = {**base, "ANDROID_ADB_SERVER_PORT": str(self.port)}
        self.env = {**base, "ADB_SERVER_SOCKET": f"tcp:127.0.0.1:{self.port}"}
        self._lock = threading.Lock()
        self._running: subprocess.Popen | None = None
        self._cancelled = False
        self.server: subprocess.Popen | None = None

    def __enter__(self) -> "AdbSession":
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def start(self) -> None:
        """Start our own adb server in the foreground (we hold its process, so we can always stop it)."""
        try:
            with self._lock:
                if self._cancelled:
                    raise problem("cancelled")
                # util-linux's setpriv (always there on Debian) gives the server SIGKILL if this process
                # dies first, so it cannot outlive a crash; no preexec_fn, which is unsafe with threads.
                setpriv = shutil.which("setpriv")
                wrapper = [setpriv, "--pdeathsig", "KILL"] if setpriv else []
                try:
                    server = subprocess.Popen(
                        [*wrapper, self.adb, "nodaemon", "server"], env=self.server_env, cwd=self.home,
                        stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                        start_new_session=True,
                    )
                except OSError:
                    raise problem("adb-failed") from None
                self.server = server
            deadline = time.monotonic() + 10
            while server.poll() is None and time.monotonic() < deadline:
                if self._cancelled:
                    raise problem("cancelled")
                try:
                    socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
                    return
                except OSError:
                    time.sleep(0.02)
            raise problem("adb-failed")
        except BaseException:
            self.close()
            raise

    def run(self, *args: str, timeout: float | None = None) -> subprocess.CompletedProcess[str]:
        """Run one adb command against our server; its output stays in memory."""
        with self._lock:
            if self._cancelled:
                raise problem("cancelled")
            try:
                proc = subprocess.Popen(
                    [self.adb, *args], env=self.env, cwd=self.home, stdin=subprocess.DEVNULL,
                    stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, errors="replace",
                )
            except OSError:
                raise problem("adb-failed") from None
            self._running = proc
        try:
            out, err = proc.communicate(timeout=timeout or self.timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.communicate()
            raise problem("lost") from None
        finally:
            self._running = None
        if self._cancelled:
            raise problem("cancelled")
        return subprocess.CompletedProcess(proc.args, proc.returncode, out, err)

    def devices(self) -> list[Device]:
        return parse_devices(self.run("devices").stdout)

    def connect(self, address: str) -> None:
        """Reach a phone over the network (``adb connect HOST:PORT``); tests use this for a fake phone."""
        self.run("connect", address, timeout=15)

    def choose(self, serial: str | None = None, *, wait: float = 3.0, waiting=None) -> str:
        """The serial of the one phone ready to scan, or PhoneProblem saying what to do. Waits up to
        ``wait`` seconds for a phone that is still connecting, and up to ALLOW_SECONDS for the person to
        unlock the phone and tap Allow (``waiting(message)`` is called while it waits, to say so)."""
        start = time.monotonic()
        while True:
            devices = self.devices()
            if serial is not None:
                devices = [d for d in devices if d.serial == serial]
            waited = time.monotonic() - start
            if len(devices) == 1 and devices[0].state in ("unauthorized", "authorizing") and waited < self.ALLOW_SECONDS:
                if waiting is not None:
                    message = PROBLEMS["waiting"]
                    waiting(_(message))
                time.sleep(0.25)
                continue
            # A phone just plugged in may take a moment to show; a phone named by --serial is there or not.
            pending = any(d.state in ("connecting", "offline") for d in devices) or (not devices and serial is None)
            if not pending or waited >= wait:
                break
            time.sleep(0.1)
        if not devices:
            raise problem("not-found" if serial is not None else "no-phone")
        if len(devices) > 1:
            raise problem("several")
        device = devices[0]
        if device.state != READY:
            raise problem(_STATE_PROBLEM.get(device.state, "offline"))
        return device.serial

    def shell(self, serial: str, command: str, *, may_fail: bool = False) -> str:
        """The output of a shell command on the phone. PhoneProblem if the phone went away, or if the
        command failed (unless ``may_fail``): a failed read must never look like "nothing found"."""
        done = self.run("-s", serial, "shell", command)
        if done.returncode != 0:
            said = (done.stderr or "").lower()
            if "unauthorized" in said:
                raise problem("unauthorised")
            if "not found" in said and "device" in said:
                raise problem("not-found")
            if not may_fail:
                # The phone said no (its shell's exit code) if it is still there; otherwise it went away.
                still_there = any(d.serial == serial and d.state == READY for d in self.devices())
                raise problem("refused" if still_there else "lost")
        return done.stdout

    def cancel(self) -> None:
        """Stop at once (quick exit), from any thread: no new command starts, the running one and our
        server are killed (no waiting on adb), and the folder is removed."""
        with self._lock:
            self._cancelled = True
            running, server = self._running, self.server
        for proc in (running, server):
            if proc is not None and proc.poll() is None:
                proc.kill()
        if server is not None:
            try:
                server.wait(timeout=1)
            except subprocess.TimeoutExpired:
                pass
        shutil.rmtree(self.home, ignore_errors=True)

    def close(self) -> None:
        """Stop our adb server and remove the private folder (the adb key and anything adb wrote)."""
        with self._lock:
            server, self.server = self.server, None
        if server is not None:
            if server.poll() is None:
                try:
                    subprocess.run([self.adb, "kill-server"], env=self.env, cwd=self.home, timeout=5,
                                   stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
                except (OSError, subprocess.TimeoutExpired):
                    pass
            try:
                server.wait(timeout=3)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()
        shutil.rmtree(self.home, ignore_errors=True)
