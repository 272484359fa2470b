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
from safetyhelper.printing import PrintError, print_pdf
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
    expected = sorted(g.url for pid in ids for g in PACK.platform(pid).guides)
    assert sorted(decode_pages(printed.read_bytes(), dpi=200)) == expected
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
    assert line.startswith("safetyhelper: The sheet was not printed: The printer or class does not exist")
    assert "lp:" not in line and "Error -" not in line and len(line.splitlines()) == 1
