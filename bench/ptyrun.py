"""Run a terminal program in a real pseudo-terminal and watch what it draws (for the benchmarks)."""

from __future__ import annotations

import fcntl
import os
import pty
import select
import signal
import struct
import subprocess
import termios
import time


class PtyProgram:
    def __init__(self, argv: list[str], cols: int = 100, rows: int = 40, env: dict[str, str] | None = None):
        self.master, slave = pty.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
        full_env = {**os.environ, "TERM": "xterm-256color", **(env or {})}
        self.started = time.perf_counter()
        self.proc = subprocess.Popen(argv, stdin=slave, stdout=slave, stderr=slave, env=full_env, start_new_session=True)
        os.close(slave)
        self.buffer = b""

    def wait_for(self, marker: str, timeout: float = 30.0) -> float:
        """Seconds (perf_counter) at which ``marker`` first appeared in the output since the last call."""
        want = marker.encode()
        end = time.perf_counter() + timeout
        while time.perf_counter() < end:
            if want in self.buffer:
                self.buffer = self.buffer[self.buffer.index(want) + len(want) :]
                return time.perf_counter()
            ready, _, _ = select.select([self.master], [], [], 0.05)
            if ready:
                try:
                    self.buffer += os.read(self.master, 65536)
                except OSError:
                    break
        raise TimeoutError(f"{marker!r} never appeared")

    def send(self, keys: str) -> float:
        self.buffer = b""
        t = time.perf_counter()
        os.write(self.master, keys.encode())
        return t

    def stop(self) -> int:
        """End the program; return its peak memory (max RSS) in KiB."""
        try:
            os.killpg(self.proc.pid, signal.SIGTERM)
        except ProcessLookupError:
            pass
        _, _, usage = os.wait4(self.proc.pid, 0)
        self.proc.returncode = 0
        os.close(self.master)
        return usage.ru_maxrss


def compile_package() -> None:
    """Byte-compile safetyhelper as `pip install .` does at install time. An editable install run with
    PYTHONDONTWRITEBYTECODE=1 (as on the development machine) would otherwise compile every module from
    source at every start, which no installed copy does."""
    import compileall
    from pathlib import Path

    import safetyhelper

    compileall.compile_dir(str(Path(safetyhelper.__file__).parent), quiet=1)
