"""Printing through CUPS with `lp` (no Textual).

The PDF goes to `lp` on its standard input, so no file of the session is written by safetyhelper at all;
CUPS spools its own copy (see the README's privacy section for what CUPS keeps). The job title is neutral.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess

#: The CUPS job title: never a file name or anything about the session.
JOB_TITLE = "Document"
ENV_PRINTER = "SAFETYHELPER_PRINTER"


class PrintError(Exception):
    """Printing failed; the message is one plain sentence for the caseworker."""


def lp_path() -> str | None:
    return shutil.which("lp")


def choose_printer(option: str | None = None, configured: str | None = None) -> str | None:
    """The printer to use: the option, then configuration (file or SAFETYHELPER_PRINTER), else None for
    the system default."""
    return option or configured or os.environ.get(ENV_PRINTER) or None


def default_printer() -> str | None:
    exe = shutil.which("lpstat")
    if not exe:
        return None
    try:
        out = subprocess.run([exe, "-d"], capture_output=True, text=True, timeout=10).stdout
    except (OSError, subprocess.TimeoutExpired):
        return None
    m = re.search(r"system default destination:\s*(\S+)", out)
    return m.group(1) if m else None


def print_pdf(pdf: bytes, printer: str | None = None, *, timeout: float = 60.0) -> str:
    """Send ``pdf`` to CUPS; return the job id (like ``PDF-12``). Raises PrintError."""
    exe = lp_path()
    if exe is None:
        raise PrintError("This computer has no printing system (CUPS 'lp' was not found).")
    cmd = [exe, "-t", JOB_TITLE]
    if printer:
        cmd += ["-d", printer]
    try:
        proc = subprocess.run(cmd, input=pdf, capture_output=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        raise PrintError(f"The printing system did not answer within {timeout:.0f} seconds.") from None
    except OSError as exc:
        raise PrintError(f"Could not start 'lp': {exc.strerror or exc}.") from None
    stderr = proc.stderr.decode("utf-8", "replace").strip()
    stdout = proc.stdout.decode("utf-8", "replace")
    if proc.returncode != 0:
        reason = stderr.splitlines()[0] if stderr else f"lp exited with code {proc.returncode}"
        reason = re.sub(r"^\S*lp:\s*(Error\s*-\s*)?", "", reason).strip().rstrip(".")
        if "no default destination" in reason.lower():
            reason = "no printer is set up as the default; choose a printer"
        raise PrintError(f"The sheet was not printed: {reason}.")
    m = re.search(r"request id is (\S+)", stdout)
    if not m:
        raise PrintError("The printing system did not give a job number.")
    return m.group(1)
