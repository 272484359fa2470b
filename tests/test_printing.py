"""Printing through a real CUPS queue (cups-pdf): the printed PDF's QR codes must decode.

`.ci/run` installs cups, cups-client and printer-driver-cups-pdf, starts cupsd and adds the queue
`safetyhelper-pdf`; it sets SAFETYHELPER_REQUIRE_CUPS=1 so that in CI this test runs or fails, never skips.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import time
from pathlib import Path

import pytest

from conftest import run_cli
from safetyhelper.content import load_content
from safetyhelper.printing import (
    JobWaiting,
    PrinterNotReady,
    PrintError,
    cancel_job,
    print_pdf,
    queue_state,
    waiting_jobs,
)
from safetyhelper.sheet import cli_session, sheet_pdf
from test_sheet import decode_pages

QUEUE = "safetyhelper-pdf"
PACK = load_content()


def cups_ready() -> str | None:
    """None when the queue can take jobs, else why not."""
    if shutil.which("lp") is None or shutil.which("lpstat") is None:
        return "CUPS client (lp, lpstat) is not installed"
    out = subprocess.run(["lpstat", "-p", QUEUE], capture_output=True, text=True)
    if out.returncode != 0:
        return f"no CUPS queue {QUEUE!r} (is cupsd running? .ci/run sets it up): {out.stderr.strip()}"
    return None


@pytest.fixture
def cups():
    why = cups_ready()
    if why:
        if os.environ.get("SAFETYHELPER_REQUIRE_CUPS") == "1":
            pytest.fail(f"CUPS is required here but not ready: {why}")
        pytest.skip(why)


def cups_pdf_out_dir() -> Path:
    out = "${HOME}/PDF"
    conf = Path("/etc/cups/cups-pdf.conf")
    if conf.exists():
        for line in conf.read_text().splitlines():
            if line.startswith("Out "):
                out = line.split(None, 1)[1].strip()
    return Path(out.replace("${HOME}", str(Path.home())))


def wait_for_new_pdf(folder: Path, before: set[Path], job: str | None = None, timeout: float = 60) -> Path:
    """The PDF cups-pdf wrote for ``job`` (its queue's PPD labels files "...-job_<n>.pdf")."""
    number = job.rsplit("-", 1)[-1] if job else None
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        new = set(folder.glob("*.pdf")) - before if folder.exists() else set()
        if number and any(p.name.endswith(f"-job_{number}.pdf") for p in new):
            new = {p for p in new if p.name.endswith(f"-job_{number}.pdf")}
        for path in new:
            if path.stat().st_size > 0 and path.read_bytes().rstrip().endswith(b"%%EOF"):
                return path
        time.sleep(0.2)
    raise AssertionError(f"CUPS wrote no PDF into {folder} within {timeout} s")


def test_a_real_print_through_cups_scans_and_leaves_nothing_behind(cups, tmp_path):
    out_dir = cups_pdf_out_dir()
    before = set(out_dir.glob("*.pdf")) if out_dir.exists() else set()
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    ids = ["facebook", "whatsapp", "android"]
    args = ["sheet", *sum((["--platform", i] for i in ids[:2]), []), "--device", ids[2], "--print", "--printer", QUEUE]
    result = run_cli(*args, env={"TMPDIR": str(tmp)})
    assert result.returncode == 0, result.stderr
    job = re.search(r"job (\S+)", result.stdout).group(1)
    assert job.startswith(QUEUE)
    printed = wait_for_new_pdf(out_dir, before, job)
    assert printed.name.startswith("Document"), printed.name  # the neutral job title, nothing of the session
    expected = {g.url for pid in PACK.with_accounts(ids) for g in PACK.platform(pid).guides}  # Android brings Google
    assert "google-account" in PACK.with_accounts(ids)
    assert set(decode_pages(printed.read_bytes(), dpi=200)) == expected  # the plan repeats some codes
    assert list(tmp.iterdir()) == []  # no file of the session in the temp folder
    printed.unlink()


def test_print_pdf_returns_the_job_id(cups):
    job = print_pdf(sheet_pdf(cli_session(PACK, ["x"])), QUEUE)
    assert re.fullmatch(rf"{QUEUE}-\d+", job)


def test_an_unknown_printer_is_a_clear_message(cups):
    with pytest.raises(PrintError) as info:
        print_pdf(b"%PDF-1.4\n", "no-such-printer")
    assert "not printed" in str(info.value) and "Traceback" not in str(info.value)


def test_no_lp_on_the_machine_says_so_and_offers_saving(tmp_path):
    empty = tmp_path / "bin"
    empty.mkdir()
    result = run_cli("sheet", "--platform", "x", "--print", env={"PATH": str(empty)})
    assert result.returncode == 1
    assert "no printing system" in result.stderr and "Save it with -o FILE instead" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_print_failure_still_saves_when_asked(tmp_path):
    empty = tmp_path / "bin"
    empty.mkdir()
    out = tmp_path / "sheet.pdf"
    result = run_cli("sheet", "--platform", "x", "--print", "-o", str(out), env={"PATH": str(empty)})
    assert result.returncode == 1 and out.read_bytes().startswith(b"%PDF")


def test_the_global_printer_option_is_used_and_its_error_is_one_clean_line(cups):
    result = run_cli("--printer", "no-such-printer", "sheet", "--platform", "x", "--print")
    assert result.returncode == 1
    line = result.stderr.strip()
    assert line.startswith("safetyhelper: The sheet was not printed: there is no printer called no-such-printer.")
    assert "lp:" not in line and "Error -" not in line and len(line.splitlines()) == 1


# --------------------------------------------------------------------------- a paused queue, a stopped CUPS


def lpstat_o() -> str:
    """What `lpstat -o` lists: the jobs CUPS holds that have not printed yet."""
    return subprocess.run(["lpstat", "-o"], capture_output=True, text=True, env=dict(os.environ, LC_ALL="C")).stdout


@pytest.fixture
def queue_restored(cups):
    """Whatever a test does to the queue, it is started and accepting again afterwards, and any job the
    test left waiting on it is cancelled first (so that nothing prints when it starts again)."""
    before = set(waiting_jobs(QUEUE))
    try:
        yield QUEUE
    finally:
        for job in set(waiting_jobs(QUEUE)) - before:
            subprocess.run(["cancel", job], capture_output=True)
        subprocess.run(["cupsaccept", QUEUE], capture_output=True)
        subprocess.run(["cupsenable", QUEUE], capture_output=True, check=True)


@pytest.fixture
def paused_queue(queue_restored):
    """The real queue, paused (`cupsdisable`): CUPS still takes jobs for it and prints them later."""
    subprocess.run(["cupsdisable", QUEUE], capture_output=True, check=True)
    return QUEUE


@pytest.fixture
def lp_that_pauses_the_queue_first(queue_restored, tmp_path, monkeypatch):
    """An `lp` first on PATH that pauses the queue and then runs the real `lp`: the queue is paused
    between safetyhelper's check and the sending, as when someone pauses it at that moment."""
    real_lp, disable = shutil.which("lp"), shutil.which("cupsdisable")
    folder = tmp_path / "lp-bin"
    folder.mkdir()
    script = folder / "lp"
    script.write_text(f'#!/bin/sh\n"{disable}" {QUEUE} || exit 1\nexec "{real_lp}" "$@"\n')
    script.chmod(0o755)
    path = f"{folder}{os.pathsep}{os.environ['PATH']}"
    monkeypatch.setenv("PATH", path)
    return path


def test_queue_state_reads_the_real_queue(queue_restored):
    state = queue_state(QUEUE)
    assert state.exists and state.enabled and state.accepting and state.ready
    subprocess.run(["cupsdisable", QUEUE], check=True)
    state = queue_state(QUEUE)
    assert state.exists and not state.enabled and state.accepting and not state.ready
    assert not queue_state("no-such-printer-anywhere").exists


PAUSED = (
    f"The printer {QUEUE} is paused, so the sheet was not sent: it would print later, when nobody is there to "
    "pick it up."
)


def test_the_cli_sends_nothing_to_a_paused_printer(paused_queue):
    result = run_cli("sheet", "--platform", "x", "--print", "--printer", QUEUE)
    assert result.returncode == 1
    assert result.stderr.strip() == f"safetyhelper: {PAUSED} Save it with -o FILE instead."
    assert waiting_jobs(QUEUE) == [] and QUEUE not in lpstat_o()  # nothing waits to print later


def test_the_cli_sends_nothing_to_a_paused_default_printer(paused_queue):
    # LPDEST makes the queue the default for lp and for `lpstat -d` alike.
    result = run_cli("sheet", "--platform", "x", "--print", env={"LPDEST": QUEUE})
    assert result.returncode == 1
    assert PAUSED in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert waiting_jobs(QUEUE) == [] and QUEUE not in lpstat_o()


def test_print_pdf_sends_nothing_to_a_queue_that_refuses_jobs(queue_restored):
    subprocess.run(["cupsreject", QUEUE], check=True)
    with pytest.raises(PrinterNotReady) as info:
        print_pdf(sheet_pdf(cli_session(PACK, ["x"])), QUEUE)
    assert str(info.value) == f"The printer {QUEUE} is not taking jobs just now, so the sheet was not sent."
    assert waiting_jobs(QUEUE) == []


def test_a_job_sent_to_a_paused_queue_is_found_and_cancelled(paused_queue):
    sent = subprocess.run(
        ["lp", "-d", QUEUE, "-t", "Document"], input=sheet_pdf(cli_session(PACK, ["x"])), capture_output=True, check=True
    )
    job = re.search(rb"request id is (\S+)", sent.stdout).group(1).decode()
    assert job in waiting_jobs(QUEUE) and job in lpstat_o().split()
    cancel_job(job)
    assert job not in waiting_jobs() and job not in lpstat_o().split()


def test_print_pdf_says_when_the_queue_was_paused_while_sending(lp_that_pauses_the_queue_first):
    with pytest.raises(JobWaiting) as info:
        print_pdf(sheet_pdf(cli_session(PACK, ["x"])), QUEUE)
    job = info.value.job
    assert job.startswith(f"{QUEUE}-") and job in lpstat_o().split()
    assert "is paused" in str(info.value) and f"cancel {job}" in str(info.value)
    cancel_job(job)
    assert job not in lpstat_o().split()


def test_the_cli_says_when_the_queue_was_paused_while_sending(lp_that_pauses_the_queue_first):
    result = run_cli("sheet", "--platform", "x", "--print", "--printer", QUEUE, env={"PATH": lp_that_pauses_the_queue_first})
    assert result.returncode == 1
    job = re.search(r"\(job (\S+)\) is waiting", result.stderr).group(1)
    assert job in lpstat_o().split()
    assert f"Cancel it with: cancel {job}." in result.stderr and len(result.stderr.strip().splitlines()) == 1


NOT_RUNNING = "The printing system (CUPS) is not running, so the sheet was not printed."


def no_scheduler(tmp_path: Path) -> str:
    """A CUPS_SERVER socket where no scheduler listens (lp and lpstat both honour CUPS_SERVER)."""
    return str(tmp_path / "no-cupsd-here.sock")


@pytest.mark.parametrize("printer", [["--printer", QUEUE], []], ids=["named printer", "default printer"])
def test_a_stopped_scheduler_is_named_by_the_cli(cups, tmp_path, printer):
    result = run_cli("sheet", "--platform", "x", "--print", *printer, env={"CUPS_SERVER": no_scheduler(tmp_path)})
    assert result.returncode == 1
    assert result.stderr.strip() == f"safetyhelper: {NOT_RUNNING} Save it with -o FILE instead."


def test_a_stopped_scheduler_is_named_by_print_pdf(cups, tmp_path, monkeypatch):
    monkeypatch.setenv("CUPS_SERVER", no_scheduler(tmp_path))
    for printer in (QUEUE, None):
        with pytest.raises(PrintError) as info:
            print_pdf(b"%PDF-1.4\n", printer)
        assert str(info.value) == NOT_RUNNING
