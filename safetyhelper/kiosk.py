"""Kiosk mode (no Textual): a wrapper that runs the app in a child process and restarts it if it crashes.

The child runs with ``--kiosk-child``: the terminal's job-control signals are ignored there and in the
wrapper, so Ctrl+C, Ctrl+Z and Ctrl+\\ never drop to a shell. The child's standard error goes to the
wrapper, never to the screen; after a crash the wrapper logs one line (time, exit code, error type: no
session data) to the user's state folder and starts the app again.
"""

from __future__ import annotations

import re
import signal
import subprocess
import sys
import time
from typing import Sequence

from safetyhelper.config import Config, log_crash

EXIT_CONTENT = 2
RESTART_PAUSE = 1.0
_ERROR_TYPE = re.compile(r"\b([A-Z][A-Za-z0-9_]*(?:Error|Exception|Interrupt|Exit))\b")


def ignore_terminal_signals() -> None:
    for name in ("SIGINT", "SIGTSTP", "SIGQUIT", "SIGTTOU", "SIGTTIN"):
        sig = getattr(signal, name, None)
        if sig is not None:
            signal.signal(sig, signal.SIG_IGN)


def error_type(stderr: bytes) -> str | None:
    """The exception class named last in the child's error output (its type only, never its message)."""
    found = _ERROR_TYPE.findall(stderr.decode("utf-8", "replace"))
    return found[-1] if found else None


def supervise(argv: Sequence[str], cfg: Config) -> int:
    """Run the app until it is left with the staff PIN (exit 0); restart it after any crash."""
    if not cfg.pin_hash:
        print("safetyhelper: kiosk mode needs a staff PIN first: run 'safetyhelper config set-pin'", file=sys.stderr)
        return EXIT_CONTENT
    ignore_terminal_signals()
    child = [sys.executable, "-m", "safetyhelper", *argv, "--kiosk-child"]
    if "--kiosk" not in argv:
        child.append("--kiosk")
    while True:
        proc = subprocess.run(child, stderr=subprocess.PIPE)
        if proc.returncode == 0:
            return 0
        if proc.returncode == EXIT_CONTENT:
            # A content or configuration error: restarting would only fail again. Show its one line.
            line = proc.stderr.decode("utf-8", "replace").strip().splitlines()
            print(line[-1] if line else "safetyhelper: could not start", file=sys.stderr)
            return EXIT_CONTENT
        log_crash(proc.returncode, error_type(proc.stderr))
        time.sleep(RESTART_PAUSE)
