"""Benchmark the take-home sheet.

1. In process: build the sheet for all eight platforms and both devices, median of 20 (QR matrices and
   fonts cached by a first build; target under 60 ms).
2. Whole process: `safetyhelper sheet ... -o FILE` for all platforms and devices against
   `python -c "import reportlab.pdfgen.canvas"`, run alternately; medians and the median of the per-pair
   ratios (target: at most 3, issue 10).
3. QR codes from cold: a fresh process makes the code of every guide URL in the pack (level M).

Run: .venv/bin/python bench/bench_sheet.py
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from ptyrun import compile_package
from safetyhelper.content import load_content
from safetyhelper.sheet import cli_session, sheet_pdf

EXE = str(Path(sys.executable).parent / "safetyhelper")


def in_process(runs: int = 20) -> list[float]:
    pack = load_content()
    session = cli_session(pack, [p.id for p in pack.platforms + pack.devices])
    sheet_pdf(session)  # warm: fonts registered, QR matrices cached
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        sheet_pdf(session)
        times.append(time.perf_counter() - t)
    return times


def whole_process(runs: int = 10) -> tuple[list[float], list[float], list[float]]:
    out = Path(tempfile.mkdtemp()) / "sheet.pdf"
    args = [EXE, "sheet"]
    pack = load_content()
    for p in pack.platforms:
        args += ["--platform", p.id]
    for d in pack.devices:
        args += ["--device", d.id]
    args += ["-o", str(out)]
    ref = [sys.executable, "-c", "import reportlab.pdfgen.canvas"]
    ours, theirs, ratios = [], [], []
    for _ in range(runs):
        t = time.perf_counter()
        subprocess.run(ref, check=True)
        r = time.perf_counter() - t
        t = time.perf_counter()
        subprocess.run(args, check=True, capture_output=True)
        o = time.perf_counter() - t
        out.unlink()  # the sheet command never writes over a file
        ours.append(o), theirs.append(r), ratios.append(o / r)
    return ours, theirs, ratios


def qr_cold(runs: int = 10) -> tuple[list[float], int]:
    """Milliseconds a fresh process takes to make every guide's code (import of safetyhelper.qr included)."""
    code = (
        "import time; from safetyhelper.content import load_content; "
        "urls = [l.url for l in load_content().links]; t = time.perf_counter(); "
        "from safetyhelper.qr import qr_matrix; [qr_matrix(u) for u in urls]; "
        "print((time.perf_counter() - t) * 1000, len(urls))"
    )
    out = [subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True).stdout.split()
           for _ in range(runs)]
    return [float(ms) for ms, _ in out], int(out[0][1])


def main() -> None:
    compile_package()
    times = in_process()
    print(f"sheet for 8 platforms + 2 devices, in process, median of {len(times)}: "
          f"{statistics.median(times) * 1000:.1f} ms (target < 60 ms)")
    ours, theirs, ratios = whole_process()
    print(f"whole process, {len(ours)} alternating runs:")
    print(f"  safetyhelper sheet ... -o FILE          median {statistics.median(ours) * 1000:.0f} ms")
    print(f"  python -c 'import reportlab.pdfgen.canvas' median {statistics.median(theirs) * 1000:.0f} ms")
    print(f"  ratio (median of per-pair ratios) {statistics.median(ratios):.2f} (target <= 3)")
    qr, count = qr_cold()
    print(f"QR codes for all {count} guide URLs, fresh process, median of {len(qr)}: {statistics.median(qr):.1f} ms")


if __name__ == "__main__":
    main()
