"""Benchmark the app in a real pseudo-terminal (100x40).

1. Launch to first screen drawn: `safetyhelper` against a minimal Textual app showing one label, run
   alternately; median of each and the median ratio (target: at most 1.25).
2. Key press to the next checklist screen drawn (target: under 50 ms median).
3. Peak memory (max RSS) of both.

Run: .venv/bin/python bench/bench_app.py [runs]
"""

from __future__ import annotations

import statistics
import time
import sys
from pathlib import Path

from ptyrun import PtyProgram, compile_package

HERE = Path(__file__).resolve().parent
EXE = str(Path(sys.executable).parent / "safetyhelper")
REF = [sys.executable, str(HERE / "reference_app.py")]
MARKER = "Online safety check"
#: Seconds between a screen being drawn and the next key: far quicker than any person, but long enough
#: for the app's background work (building the later checklist items) to finish as it would in use.
READ_PAUSE = 0.5


def launch(argv: list[str]) -> tuple[float, int]:
    prog = PtyProgram(argv)
    try:
        drawn = prog.wait_for(MARKER)
    except BaseException:
        prog.stop()
        raise
    elapsed = drawn - prog.started
    return elapsed, prog.stop()


def key_to_screen(sessions: int) -> tuple[list[float], list[float]]:
    """(first item after the pick list, each next item) in seconds."""
    prog = PtyProgram([EXE])
    try:
        return _walk(prog, sessions)
    finally:
        prog.stop()


def _walk(prog: PtyProgram, sessions: int) -> tuple[list[float], list[float]]:
    prog.wait_for("Start a new session")
    first, samples = [], []
    for _ in range(sessions):
        prog.send("s")
        prog.wait_for("Which apps")
        prog.send(" ")
        t = prog.send("n")
        first.append(prog.wait_for("Step 1 of 5") - t)
        for step in range(2, 6):
            time.sleep(READ_PAUSE)  # a person reads the screen before answering
            prog.send("1")
            prog.wait_for("Done together")
            t = prog.send("n")
            samples.append(prog.wait_for(f"Step {step} of 5") - t)
        prog.send("1")
        prog.send("\x1b")  # quick exit
        prog.wait_for("Start a new session")
    return first, samples


def main() -> None:
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 15
    compile_package()
    launch(REF), launch([EXE])  # warm the file cache
    ours, ref, ratios, mem_ours, mem_ref = [], [], [], [], []
    for _ in range(runs):
        r, mr = launch(REF)
        o, mo = launch([EXE])
        ref.append(r), ours.append(o), ratios.append(o / r), mem_ref.append(mr), mem_ours.append(mo)
    first, keys = key_to_screen(max(3, runs // 3))
    print(f"launch to first screen, {runs} alternating runs each:")
    print(f"  safetyhelper        median {statistics.median(ours) * 1000:7.1f} ms")
    print(f"  minimal Textual app median {statistics.median(ref) * 1000:7.1f} ms")
    print(f"  ratio (median of per-pair ratios) {statistics.median(ratios):.2f}  (target <= 1.25)")
    print(f"key press to next checklist item drawn, {len(keys)} presses:")
    print(f"  median {statistics.median(keys) * 1000:.1f} ms, max {max(keys) * 1000:.1f} ms  (target < 50 ms median)")
    print(f"key press on the pick list to the first checklist item drawn, {len(first)} presses:")
    print(f"  median {statistics.median(first) * 1000:.1f} ms")
    print("peak memory (max RSS):")
    print(f"  safetyhelper {statistics.median(mem_ours) / 1024:.1f} MiB, minimal Textual app {statistics.median(mem_ref) / 1024:.1f} MiB")


if __name__ == "__main__":
    main()
