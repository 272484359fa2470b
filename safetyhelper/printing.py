"""Printing through CUPS with `lp` (no Textual).

The PDF goes to `lp` on its standard input, so no file of the session is written by safetyhelper at all;
CUPS spools its own copy (see the README's privacy section for what CUPS keeps). The job title is neutral.

Before anything is sent, the printer's queue is checked with `lpstat`: a paused (disabled) queue still takes
jobs and prints them later, when nobody is there to pick the sheet up, so nothing is sent to one. If the
queue was paused while the sheet was being sent, print_pdf says so (JobWaiting) and cancel_job takes the
job back.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from dataclasses import dataclass

#: The CUPS job title: never a file name or anything about the session.
JOB_TITLE = "Document"
ENV_PRINTER = "SAFETYHELPER_PRINTER"

#: What the caseworker is told when the CUPS scheduler is not there (lp then says "does not exist").
NOT_RUNNING = "The printing system (CUPS) is not running, so the sheet was not printed."
NO_DEFAULT = "The sheet was not printed: no printer is set up as the default; choose a printer."


class PrintError(Exception):
    """Printing failed; the message is one plain sentence for the caseworker."""


class NoDefaultPrinter(PrintError):
    """No printer was named and CUPS has no default: the caseworker chooses one of ``printers``."""

    def __init__(self, printers: tuple[str, ...] = ()) -> None:
        super().__init__(NO_DEFAULT)
        self.printers = printers


class PrinterNotReady(PrintError):
    """The printer is paused or not taking jobs: nothing was sent."""

    def __init__(self, message: str, printer: str) -> None:
        super().__init__(message)
        self.printer = printer


class JobWaiting(PrintError):
    """The sheet was sent, but the printer was paused meanwhile: the job waits in CUPS and would print
    later. ``job`` can be taken back with cancel_job."""

    def __init__(self, job: str, printer: str) -> None:
        super().__init__(
            f"The printer {printer} is paused, so the sheet (job {job}) is waiting: it would print later, "
            f"when nobody is there to pick it up. Cancel it with: cancel {job}."
        )
        self.job = job
        self.printer = printer


@dataclass(frozen=True)
class QueueState:
    """What `lpstat` says about one printer (or class)."""

    printer: str
    #: False: CUPS knows no printer of that name.
    exists: bool
    #: False: the queue is paused (disabled): jobs wait and print when it is started again.
    enabled: bool = False
    #: False: the queue refuses new jobs.
    accepting: bool = False

    @property
    def ready(self) -> bool:
        return self.exists and self.enabled and self.accepting


def lp_path() -> str | None:
    return shutil.which("lp")


def choose_printer(option: str | None = None, configured: str | None = None) -> str | None:
    """The printer to use: the option, then configuration (file or SAFETYHELPER_PRINTER), else None for
    the system default."""
    return option or configured or os.environ.get(ENV_PRINTER) or None


def _cups(tool: str, *args: str, timeout: float = 10.0) -> subprocess.CompletedProcess | None:
    """Run a CUPS client tool with untranslated output; None if it is not there or does not answer."""
    exe = shutil.which(tool)
    if not exe:
        return None
    env = dict(os.environ, LC_ALL="C", LANG="C")
    env.pop("LANGUAGE", None)
    try:
        return subprocess.run([exe, *args], capture_output=True, text=True, timeout=timeout, env=env)
    except (OSError, subprocess.TimeoutExpired):
        return None


def scheduler_running() -> bool | None:
    """True or False from `lpstat -r`; None when that cannot be asked."""
    proc = _cups("lpstat", "-r")
    if proc is None:
        return None
    out = proc.stdout.lower()
    if "not running" in out:
        return False
    if "is running" in out:
        return True
    return None


def default_printer() -> str | None:
    proc = _cups("lpstat", "-d")
    if proc is None:
        return None
    m = re.search(r"system default destination:\s*(\S+)", proc.stdout, re.IGNORECASE)
    return m.group(1) if m else None


def printers() -> tuple[str, ...]:
    """Every printer (and lpoptions instance) CUPS knows, from `lpstat -e`; () when none or no answer."""
    proc = _cups("lpstat", "-e")
    if proc is None or proc.returncode != 0:
        return ()
    return tuple(line.strip() for line in proc.stdout.splitlines() if line.strip() and not line[0].isspace())


@dataclass(frozen=True)
class PrinterChoice:
    """What the print dialog shows: the printer a sheet would go to, and the others CUPS knows."""

    #: The printer named by the option or configuration, else CUPS's default; None when there is neither.
    printer: str | None
    #: Every printer CUPS knows (the one above among them when it exists).
    known: tuple[str, ...]
    #: True when ``printer`` is CUPS's default rather than a named one.
    is_default: bool = False
    #: The scheduler is known not to be running (then ``known`` is empty).
    no_scheduler: bool = False


def printer_choice(configured: str | None = None) -> PrinterChoice:
    """The printer a sheet would go to now, and the choices, asking CUPS (two quick `lpstat` calls)."""
    known = printers()
    named = choose_printer(None, configured)
    if named:
        return PrinterChoice(named, known)
    default = default_printer()
    if default:
        return PrinterChoice(default, known, is_default=True)
    return PrinterChoice(None, known, no_scheduler=not known and scheduler_running() is False)


def queue_state(printer: str | None = None) -> QueueState:
    """The state of ``printer`` (None: the system default) from `lpstat -p` and `lpstat -a`.

    Raises PrintError, in one plain sentence, when it cannot be known: no CUPS client, the scheduler is not
    running, no default printer, or lpstat fails for another reason."""
    if shutil.which("lpstat") is None:
        raise PrintError("This computer has no printing system (CUPS 'lpstat' was not found).")
    if not printer:
        printer = default_printer()
        if printer is None:
            if scheduler_running() is False:
                raise PrintError(NOT_RUNNING)
            raise NoDefaultPrinter(printers())
    queue = printer.split("/", 1)[0]  # "name/instance" (lpoptions) is the queue "name"
    proc = _cups("lpstat", "-p", queue, "-a", queue)
    if proc is None:
        raise PrintError("The printing system did not answer, so the sheet was not printed.")
    if proc.returncode != 0 or not proc.stdout.strip():
        if scheduler_running() is False:
            raise PrintError(NOT_RUNNING)
        if "invalid destination" in proc.stderr.lower() or not proc.stderr.strip():
            return QueueState(printer, exists=False)
        reason = re.sub(r"^\S*lpstat:\s*", "", proc.stderr.strip().splitlines()[0]).strip().rstrip(".")
        raise PrintError(f"The sheet was not printed: the printer could not be checked ({reason}).")
    enabled = accepting = False
    for line in proc.stdout.splitlines():
        if line[:1].isspace():
            continue  # the reason given when the queue was paused: free text
        words = line.split()
        if len(words) >= 3 and words[0] == "printer" and words[1] == queue:
            enabled = "disabled" not in words[2:4]
        elif len(words) >= 2 and words[0] == queue:
            accepting = words[1] == "accepting"
    return QueueState(printer, exists=True, enabled=enabled, accepting=accepting)


def check_ready(printer: str | None = None) -> QueueState:
    """The queue's state if it can print now; else PrintError saying why, and nothing is sent."""
    state = queue_state(printer)
    if not state.exists:
        raise PrintError(f"The sheet was not printed: there is no printer called {state.printer}.")
    if not state.enabled:
        raise PrinterNotReady(
            f"The printer {state.printer} is paused, so the sheet was not sent: it would print later, "
            "when nobody is there to pick it up.",
            state.printer,
        )
    if not state.accepting:
        raise PrinterNotReady(
            f"The printer {state.printer} is not taking jobs just now, so the sheet was not sent.", state.printer
        )
    return state


def waiting_jobs(printer: str | None = None) -> list[str]:
    """The ids of jobs not yet printed (`lpstat -o`), on ``printer`` or on every printer."""
    proc = _cups("lpstat", "-o", *([printer.split("/", 1)[0]] if printer else []))
    if proc is None or proc.returncode != 0:
        return []
    return [line.split()[0] for line in proc.stdout.splitlines() if line.strip() and not line[0].isspace()]


def cancel_job(job: str) -> None:
    """Take a job back from CUPS before it prints (with its spooled file where CUPS allows). Raises
    PrintError if it could not be cancelled and is still waiting."""
    if shutil.which("cancel") is None:
        raise PrintError(f"Job {job} could not be stopped: CUPS 'cancel' was not found.")
    proc = _cups("cancel", "-x", job)
    if proc is None or proc.returncode != 0:
        proc = _cups("cancel", job)  # -x (remove its file too) may need more rights than cancelling
    if job in waiting_jobs():
        why = (proc.stderr.strip().splitlines() or [""])[0] if proc is not None else "no answer"
        why = re.sub(r"^\S*cancel:\s*", "", why).strip().rstrip(".")
        raise PrintError(f"Job {job} could not be stopped" + (f": {why}." if why else "."))


def print_pdf(pdf: bytes, printer: str | None = None, *, timeout: float = 60.0) -> str:
    """Send ``pdf`` to CUPS; return the job id (like ``PDF-12``).

    Nothing is sent to a printer that is paused or not taking jobs (PrinterNotReady). If the printer was
    paused while the sheet went to it, the job is left waiting and JobWaiting (with the job id) is raised.
    Raises PrintError otherwise."""
    exe = lp_path()
    if exe is None:
        raise PrintError("This computer has no printing system (CUPS 'lp' was not found).")
    state = check_ready(printer)
    cmd = [exe, "-t", JOB_TITLE, "-d", state.printer]  # the printer just checked, even for the default
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
        low = reason.lower()
        if ("does not exist" in low or "no default destination" in low) and scheduler_running() is False:
            raise PrintError(NOT_RUNNING)
        if "no default destination" in low:
            raise NoDefaultPrinter(printers())
        raise PrintError(f"The sheet was not printed: {reason}.")
    m = re.search(r"request id is (\S+)", stdout)
    if not m:
        raise PrintError("The printing system did not give a job number.")
    job = m.group(1)
    try:
        after = queue_state(state.printer)
    except PrintError:
        return job
    if after.exists and not after.enabled and job in waiting_jobs(state.printer):
        raise JobWaiting(job, state.printer)
    return job
