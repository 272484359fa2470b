"""Benchmark the app in a real pseudo-terminal (100x40).

1. Launch to first screen drawn: `safetyhelper` against a minimal Textual app showing one label, run
   alternately; median of each and the median ratio (target: at most 1.25); and the same with Welsh screens
   (SAFETYHELPER_LANGUAGE=cy), in the same alternation.
2. Key press to the next checklist screen drawn (target: under 50 ms median), in English and in Welsh.
3. Peak memory (max RSS) of both.

Run: .venv/bin/python bench/bench_app.py [runs]
"""

from __future__ import annotations

import statistics
import time
import sys
from pathlib import Path

from ptyrun import PtyProgram, compile_package

from safetyhelper.content import load_content
from safetyhelper.translate import catalogue

HERE = Path(__file__).resolve().parent
EXE = str(Path(sys.executable).parent / "safetyhelper")
REF = [sys.executable, str(HERE / "reference_app.py")]
MARKER = "Online safety check"
ITEMS = len(load_content().items)
WELSH = {"SAFETYHELPER_LANGUAGE": "cy"}


def words(code: str, message: str) -> str:
    return catalogue(code).gettext(message)
#: Seconds between a screen being drawn and the next key: far quicker than any person, but long enough
#: for the app's background work (building the later checklist items) to finish as it would in use.
READ_PAUSE = 0.5


def launch(argv: list[str], env: dict[str, str] | None = None) -> tuple[float, int]:
    prog = PtyProgram(argv, env=env)
    try:
        drawn = prog.wait_for(words((env or {}).get("SAFETYHELPER_LANGUAGE", "en"), MARKER) if argv == [EXE] else MARKER)
    except BaseException:
        prog.stop()
        raise
    elapsed = drawn - prog.started
    return elapsed, prog.stop()


def key_to_screen(sessions: int, code: str = "en") -> tuple[list[float], list[float]]:
    """(first item after the questions, each next item) in seconds."""
    prog = PtyProgram([EXE], env={"SAFETYHELPER_LANGUAGE": code})
    try:
        return _walk(prog, sessions, code)
    finally:
        prog.stop()


def _walk(prog: PtyProgram, sessions: int, code: str) -> tuple[list[float], list[float]]:
    w = lambda message: words(code, message)  # noqa: E731
    step_of = lambda n: w("Step {number} of {total}: {title}").split("{title}")[0].format(number=n, total=ITEMS).rstrip(": ")  # noqa: E731
    prog.wait_for(w("Start a new session"))
    first, samples = [], []
    for _ in range(sessions):
        prog.send("s")
        prog.wait_for(w("Which apps and phones do they use?")[:12])
        prog.send(" ")
        prog.send("n")
        prog.wait_for(w("Skip questions"))
        time.sleep(READ_PAUSE)
        t = prog.send("n")  # no answers: the usual order
        first.append(prog.wait_for(step_of(1)) - t)
        for step in range(2, ITEMS + 1):
            time.sleep(READ_PAUSE)  # a person reads the screen before answering
            prog.send("1")
            prog.wait_for(w("Done together"))
            t = prog.send("n")
            samples.append(prog.wait_for(step_of(step)) - t)
        prog.send("1")
        prog.send("\x1b")  # quick exit
        prog.wait_for(w("Start a new session"))
    return first, samples


def main() -> None:
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 15
    compile_package()
    launch(REF), launch([EXE])  # warm the file cache
    ours, ref, ratios, mem_ours, mem_ref, welsh, welsh_ratios = [], [], [], [], [], [], []
    for _ in range(runs):
        r, mr = launch(REF)
        o, mo = launch([EXE])
        c, _ = launch([EXE], WELSH)
        ref.append(r), ours.append(o), ratios.append(o / r), mem_ref.append(mr), mem_ours.append(mo)
        welsh.append(c), welsh_ratios.append(c / r)
    first, keys = key_to_screen(max(3, runs // 3))
    _, keys_cy = key_to_screen(max(2, runs // 5), "cy")
    print(f"launch to first screen, {runs} alternating runs each:")
    print(f"  safetyhelper        median {statistics.median(ours) * 1000:7.1f} ms")
    print(f"  minimal Textual app median {statistics.median(ref) * 1000:7.1f} ms")
    print(f"  ratio (median of per-pair ratios) {statistics.median(ratios):.2f}  (target <= 1.25)")
    print(f"  with Welsh screens  median {statistics.median(welsh) * 1000:7.1f} ms, ratio {statistics.median(welsh_ratios):.2f}")
    print(f"key press to next checklist item drawn, {len(keys)} presses:")
    print(f"  median {statistics.median(keys) * 1000:.1f} ms, max {max(keys) * 1000:.1f} ms  (target < 50 ms median)")
    print(f"  with Welsh screens: median {statistics.median(keys_cy) * 1000:.1f} ms, {len(keys_cy)} presses")
    print(f"key press on the questions to the first checklist item drawn, {len(first)} presses:")
    print(f"  median {statistics.median(first) * 1000:.1f} ms")
    print("peak memory (max RSS):")
    print(f"  safetyhelper {statistics.median(mem_ours) / 1024:.1f} MiB, minimal Textual app {statistics.median(mem_ref) / 1024:.1f} MiB")


if __name__ == "__main__":
    main()
