"""Kiosk mode (no Textual): a wrapper that runs the app in a child process and restarts it if it crashes.

The child runs with ``--kiosk-child``: the terminal's job-control signals are ignored there and in the
wrapper, so Ctrl+C, Ctrl+Z and Ctrl+\\ never drop to a shell. Textual draws on the terminal, but the
child's Python error output (where a traceback would go) is a pipe to the wrapper, never the screen.
After a crash the wrapper puts the terminal back as it was, logs one line (time, exit code, error type:
no session data) to the user's state folder and starts the app again, waiting longer after each crash
that comes soon after a start (1 s, 2 s, 4 s, at most 8 s). After a few fast crashes in a row it stops, shows one
calm line and waits for the staff PIN (digits only, not shown, with the same lockout as the app) before it
tries again.
"""

from __future__ import annotations

import math
import os
import re
import signal
import subprocess
import sys
import threading
import time
from typing import Sequence

from safetyhelper.config import Config, PinLock, log_crash

EXIT_CONTENT = 2
#: The wait before starting the app again after a crash; it doubles with each fast crash in a row.
RESTART_PAUSE = 1.0
MAX_RESTART_PAUSE = 8.0
#: A crash this soon after the app started is a fast crash; this many in a row and the wrapper stops.
FAST_CRASH_SECONDS = 10.0
FAST_CRASH_LIMIT = 3
NEEDS_STAFF = "This computer needs attention from staff."
PIN_PROMPT = "Staff PIN: "
CLEAR = "\x1b[2J\x1b[H"
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


def app_command(argv: Sequence[str]) -> list[str]:
    """The command that runs the app itself in kiosk mode, under the wrapper."""
    child = [sys.executable, "-m", "safetyhelper", *argv, "--kiosk-child"]
    if "--kiosk" not in argv:
        child.append("--kiosk")
    return child


def restart_pause(fast_crashes: int, pause: float = RESTART_PAUSE, max_pause: float = MAX_RESTART_PAUSE) -> float:
    """The wait before the next start: ``pause``, doubled for each fast crash in a row after the first."""
    return min(max_pause, pause * 2 ** max(0, fast_crashes - 1))


def supervise(
    argv: Sequence[str],
    cfg: Config,
    *,
    command: Sequence[str] | None = None,
    pause: float = RESTART_PAUSE,
    max_pause: float = MAX_RESTART_PAUSE,
    fast_seconds: float = FAST_CRASH_SECONDS,
    fast_limit: int = FAST_CRASH_LIMIT,
) -> int:
    """Run the app until it is left with the staff PIN (exit 0); restart it after any crash, backing off
    while it keeps crashing soon after starting. After ``fast_limit`` such crashes in a row, show one calm
    line and start it again only after the staff PIN. The caller has checked that a PIN is set.
    ``command`` runs instead of the app (tests)."""
    ignore_terminal_signals()
    child = list(command) if command is not None else app_command(argv)
    lock = PinLock()
    terminal = _terminal_state()
    fast = 0
    while True:
        started = time.monotonic()
        code, errors = _run_child(child)
        if code == 0:
            return 0
        _restore_terminal(terminal)
        if code == EXIT_CONTENT:
            # A content or configuration error: restarting would only fail again. Show its one line.
            lines = errors.decode("utf-8", "replace").strip().splitlines()
            print(lines[-1] if lines else "safetyhelper: could not start", file=sys.stderr)
            return EXIT_CONTENT
        fast = fast + 1 if time.monotonic() - started < fast_seconds else 0
        stop = fast >= fast_limit
        try:
            log_crash(code, error_type(errors), restarted=not stop)
        except OSError:
            pass  # no state folder: the kiosk keeps running all the same
        if stop:
            if not wait_for_staff(cfg.pin_hash, lock):
                return 1  # no terminal to ask on
            fast = 0
            continue
        time.sleep(restart_pause(fast, pause, max_pause))


def wait_for_staff(pin_hash: str | None, lock: PinLock) -> bool:
    """Show one calm line and ask for the staff PIN until it is given (True). False only when there is no
    terminal left to ask on. Wrong PINs count in the same lockout as the app's PIN prompt."""
    message = ""
    while True:
        wait = lock.locked_for()
        if wait > 0:
            _show(f"Too many wrong tries. Try again in {math.ceil(wait)} seconds.", prompt=False)
            time.sleep(min(wait, 1.0))
            _discard_typing()
            message = ""
            continue
        _show(message)
        pin = _read_pin()
        if pin is None:
            return False
        if not pin:
            message = ""
            continue
        if lock.attempt(pin, pin_hash):
            _write(CLEAR)
            return True
        message = "That PIN is not right."


def _write(text: str) -> None:
    try:
        sys.stdout.write(text)
        sys.stdout.flush()
    except OSError:
        pass


def _show(message: str, *, prompt: bool = True) -> None:
    _write(CLEAR + NEEDS_STAFF + "\r\n\r\n" + (message + "\r\n" if message else "") + (PIN_PROMPT if prompt else ""))


def _read_pin() -> str | None:
    """One line typed on the terminal, not shown: digits 0-9 only (anything else is ignored, Ctrl+C and
    Ctrl+Z included), Backspace deletes, Enter ends. None at the end of input."""
    try:
        import termios

        fd = sys.stdin.fileno()
        saved = termios.tcgetattr(fd)
    except Exception:  # not a terminal: read one line as it comes
        try:
            line = sys.stdin.readline()
        except (OSError, ValueError):
            return None
        return line.strip() if line else None
    raw = termios.tcgetattr(fd)
    raw[3] &= ~(termios.ECHO | termios.ICANON | termios.ISIG | termios.IEXTEN)
    raw[6][termios.VMIN], raw[6][termios.VTIME] = 1, 0
    digits: list[str] = []
    escape = ""  # inside a key's escape sequence (F5 is ESC [ 1 5 ~): its digits are not typed digits
    try:
        termios.tcsetattr(fd, termios.TCSANOW, raw)
        while True:
            byte = os.read(fd, 1)
            if not byte:
                return None
            char = byte[0]
            if escape == "esc" and char in (0x5B, 0x4F):  # ESC [ or ESC O
                escape = "csi" if char == 0x5B else "ss3"
                continue
            if escape == "csi":
                escape = "csi" if not 0x40 <= char <= 0x7E else ""
                continue
            if escape == "ss3":
                escape = ""
                continue
            escape = "esc" if char == 27 else ""
            if char in (10, 13):
                return "".join(digits)
            if char in (8, 127):
                del digits[-1:]
            elif char == 21:  # Ctrl+U: start again
                digits.clear()
            elif 48 <= char <= 57 and len(digits) < 12:
                digits.append(chr(char))
    except OSError:
        return None  # the terminal went away
    finally:
        try:
            termios.tcsetattr(fd, termios.TCSANOW, saved)
        except Exception:
            pass


def _discard_typing() -> None:
    """Drop whatever was typed while the PIN prompt was locked."""
    try:
        import termios

        termios.tcflush(sys.stdin.fileno(), termios.TCIFLUSH)
    except Exception:
        pass


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
