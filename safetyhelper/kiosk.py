"""Kiosk mode (no Textual): a wrapper that runs the app in a child process and restarts it if it crashes.

The child runs with ``--kiosk-child``: the terminal's job-control signals are ignored there and in the
wrapper, so Ctrl+C, Ctrl+Z and Ctrl+\\ never drop to a shell. Textual draws on the terminal, but the
child's Python error output (where a traceback would go) is a pipe to the wrapper, never the screen.
After a crash the wrapper puts the terminal back as it was, logs one line (time, exit code, error type:
no session data) to the user's state folder and starts the app again.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import threading
import time
from typing import Sequence

from safetyhelper.config import Config, log_crash

EXIT_CONTENT = 2
RESTART_PAUSE = 1.0
ENV_ERROR_FD = "SAFETYHELPER_KIOSK_ERROR_FD"
#: Leave the alternate screen, show the cursor, stop mouse reporting, reset attributes, clear.
TERMINAL_RESET = "\x1b[?1049l\x1b[?25h\x1b[?1000l\x1b[?1002l\x1b[?1003l\x1b[?1006l\x1b[?1015l\x1b[0m\x1b[2J\x1b[H"
_ERROR_TYPE = re.compile(r"\b([A-Z][A-Za-z0-9_]*(?:Error|Exception|Interrupt|Exit))\b")


def ignore_terminal_signals() -> None:
    for name in ("SIGINT", "SIGTSTP", "SIGQUIT", "SIGTTOU", "SIGTTIN"):
        sig = getattr(signal, name, None)
        if sig is not None:
            signal.signal(sig, signal.SIG_IGN)


def redirect_errors_to_wrapper() -> None:
    """In the child: Python's error output goes to the wrapper's pipe (Textual keeps the terminal)."""
    fd = os.environ.pop(ENV_ERROR_FD, None)
    if fd and fd.isdigit():
        sys.stderr = open(int(fd), "w", buffering=1, encoding="utf-8", errors="replace", closefd=True)


def _terminal_state():
    try:
        import termios

        return termios.tcgetattr(sys.stdin.fileno())
    except Exception:  # not a terminal (tests, pipes): nothing to restore
        return None


def _restore_terminal(state) -> None:
    if state is not None:
        import termios

        try:
            termios.tcsetattr(sys.stdin.fileno(), termios.TCSANOW, state)
        except Exception:
            pass
    try:
        sys.stdout.write(TERMINAL_RESET)
        sys.stdout.flush()
    except OSError:
        pass


def error_type(stderr: bytes) -> str | None:
    """The exception class named last in the child's error output (its type only, never its message)."""
    found = _ERROR_TYPE.findall(stderr.decode("utf-8", "replace"))
    return found[-1] if found else None


def supervise(argv: Sequence[str], cfg: Config) -> int:
    """Run the app until it is left with the staff PIN (exit 0); restart it after any crash.
    The caller has checked that a PIN is set."""
    ignore_terminal_signals()
    child = [sys.executable, "-m", "safetyhelper", *argv, "--kiosk-child"]
    if "--kiosk" not in argv:
        child.append("--kiosk")
    terminal = _terminal_state()
    while True:
        code, errors = _run_child(child)
        if code == 0:
            return 0
        _restore_terminal(terminal)
        if code == EXIT_CONTENT:
            # A content or configuration error: restarting would only fail again. Show its one line.
            lines = errors.decode("utf-8", "replace").strip().splitlines()
            print(lines[-1] if lines else "safetyhelper: could not start", file=sys.stderr)
            return EXIT_CONTENT
        try:
            log_crash(code, error_type(errors))
        except OSError:
            pass  # no state folder: the kiosk keeps running all the same
        time.sleep(RESTART_PAUSE)


def _run_child(argv: list[str]) -> tuple[int, bytes]:
    """Run the app; return its exit code and whatever it wrote as Python error output."""
    read_fd, write_fd = os.pipe()
    chunks: list[bytes] = []

    def drain() -> None:
        with os.fdopen(read_fd, "rb") as pipe:
            for chunk in iter(lambda: pipe.read(4096), b""):
                chunks.append(chunk)

    reader = threading.Thread(target=drain, daemon=True)
    reader.start()
    env = {**os.environ, ENV_ERROR_FD: str(write_fd)}
    try:
        proc = subprocess.Popen(argv, pass_fds=(write_fd,), env=env)
    finally:
        os.close(write_fd)
    code = proc.wait()
    reader.join(timeout=5)
    return code, b"".join(chunks)
