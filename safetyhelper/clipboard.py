"""Copying the case note, only where the copy is known to work and can be wiped again (no Textual).

A terminal app has two ways to reach a clipboard: a system clipboard tool it runs itself (wl-copy on
Wayland, xclip or xsel on X), or the terminal's OSC 52 code. OSC 52 is silently ignored by the Linux
console and by many terminals, and tmux and screen keep what it carries in their own paste buffers,
which the app can never empty again (tmux ignores an empty OSC 52). So:

- a system tool is used when there is one for the session's display: the copy is confirmed, and
  :meth:`Clipboard.wipe` empties it again;
- otherwise OSC 52 only in a terminal known to honour it and never inside tmux or screen;
- otherwise nothing is copied, and the caseworker is told the note is on the screen to select or type.
"""

from __future__ import annotations

import base64
import os
import shutil
import subprocess
from dataclasses import dataclass
from typing import Callable, Mapping

#: Terminals known to honour an OSC 52 write by default (identified by their own environment variables).
_OSC52_TERM_PROGRAMS = ("WezTerm", "ghostty")
_OSC52_TERMS = ("xterm-kitty", "foot", "foot-extra", "alacritty", "xterm-ghostty", "wezterm")


@dataclass(frozen=True)
class Method:
    """How a copy is made: a command to run (text on its standard input), or OSC 52 (command empty)."""

    name: str
    command: tuple[str, ...] = ()
    clear: tuple[str, ...] = ()

    @property
    def osc52(self) -> bool:
        return not self.command


def inside_multiplexer(environ: Mapping[str, str]) -> bool:
    """True inside tmux or GNU screen, whose paste buffers keep whatever OSC 52 carries."""
    term = environ.get("TERM", "")
    return bool(environ.get("TMUX") or environ.get("STY") or term.startswith(("screen", "tmux")))


def choose_method(environ: Mapping[str, str] | None = None, which: Callable[[str], str | None] = shutil.which) -> Method | None:
    """The way to copy on this computer, or None when no copy can be made and wiped again."""
    env = os.environ if environ is None else environ
    if env.get("WAYLAND_DISPLAY") and which("wl-copy"):
        return Method("wl-copy", (which("wl-copy") or "wl-copy",), (which("wl-copy") or "wl-copy", "--clear"))
    if env.get("DISPLAY"):
        if which("xclip"):
            cmd = (which("xclip") or "xclip", "-selection", "clipboard", "-in")
            return Method("xclip", cmd, cmd)
        if which("xsel"):
            exe = which("xsel") or "xsel"
            return Method("xsel", (exe, "--clipboard", "--input"), (exe, "--clipboard", "--clear"))
    if inside_multiplexer(env):
        return None
    if (
        env.get("TERM_PROGRAM") in _OSC52_TERM_PROGRAMS
        or env.get("TERM", "") in _OSC52_TERMS
        or env.get("KITTY_WINDOW_ID")
        or env.get("WT_SESSION")
    ):
        return Method("terminal")
    return None


def osc52(text: str) -> str:
    """The OSC 52 code that puts ``text`` on the terminal's clipboard."""
    return f"\x1b]52;c;{base64.b64encode(text.encode('utf-8')).decode('ascii')}\a"


class Clipboard:
    """Copies through one method and remembers whether there is something of ours to wipe."""

    def __init__(self, method: Method | None, write_terminal: Callable[[str], None] | None = None):
        self.method = method
        self.write_terminal = write_terminal
        #: True after a copy, until wiped.
        self.holds_ours = False

    def copy(self, text: str) -> bool:
        """Put ``text`` on the clipboard; True only when the copy is known to have been made."""
        if self.method is None:
            return False
        if self.method.osc52:
            if self.write_terminal is None:
                return False
            self.write_terminal(osc52(text))
            self.holds_ours = True
            return True
        self.holds_ours = True  # set first: a tool that fails half-way may still have taken the text
        return _run(self.method.command, text)

    def wipe(self) -> None:
        """Empty the clipboard if the app put something there (quick exit, idle reset, quitting)."""
        if not self.holds_ours or self.method is None:
            return
        if self.method.osc52:
            if self.write_terminal is not None:
                # A space, not an empty payload: some terminals ignore an empty OSC 52.
                self.write_terminal(osc52(" "))
        else:
            _run(self.method.clear, "")
        self.holds_ours = False


def _run(command: tuple[str, ...], text: str) -> bool:
    try:
        proc = subprocess.run(
            command,
            input=text.encode("utf-8"),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            timeout=3,
            close_fds=True,
        )
    except (OSError, subprocess.TimeoutExpired):
        return False
    return proc.returncode == 0
