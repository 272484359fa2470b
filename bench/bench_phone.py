"""Benchmark the phone scan's parts (issue 15).

1. Reading the indicator list: the shipped compact JSON snapshot (target: well under 10 ms), alternating each
   read with the reference, parsing Echap's own YAML files with PyYAML (libyaml when present), which is what
   the app would do without a snapshot. Needs the YAML files: pass their folder (default
   ../shared/data/echap-stalkerware-indicators beside the checkout); without it, the JSON alone is timed.
2. A whole scan of a fake phone on loopback through the real adb (start a private server, connect, nine
   shell commands, match, stop the server, remove the folder), alternating with the reference: the same
   private adb doing only `adb devices` (the fixed cost of a private server), so the ratio shows what the
   scan itself adds. Needs adb (Debian: apt install adb).

Run: .venv/bin/python bench/bench_phone.py [rounds] [yaml-folder]
"""

from __future__ import annotations

import os
import shutil
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))


def bench_indicators(rounds: int, yaml_dir: Path) -> None:
    from safetyhelper import indicators as ind

    path = ind.shipped_path()
    have_yaml = all((yaml_dir / name).is_file() for name in ind.FILES)
    texts = {name: (yaml_dir / name).read_text() for name in ind.FILES} if have_yaml else {}
    ours, reference = [], []
    for _ in range(rounds):
        t0 = time.perf_counter()
        ind._read(path, "shipped")
        t1 = time.perf_counter()
        if have_yaml:
            ind.from_yaml(texts, date=ind.load(path).date)
        t2 = time.perf_counter()
        ours.append(t1 - t0)
        reference.append(t2 - t1)
    med = statistics.median(ours)
    print(f"indicator snapshot (JSON, {path.stat().st_size:,} bytes): median {med * 1e3:.2f} ms over {rounds} reads (target < 10 ms)")
    if have_yaml:
        import yaml

        ref = statistics.median(reference)
        loader = "libyaml" if getattr(yaml, "__with_libyaml__", False) else "pure Python"
        print(f"reference, Echap's YAML parsed and checked ({loader}): median {ref * 1e3:.2f} ms; ratio {ref / med:.0f}x slower")
    else:
        print(f"(no YAML files in {yaml_dir}: reference not run)")


def bench_scan(rounds: int) -> None:
    if shutil.which("adb") is None:
        print("adb not installed: scan not timed")
        return
    from fakephone import FakePhone
    from safetyhelper import indicators as ind
    from safetyhelper.adb import AdbSession
    from safetyhelper.phonescan import scan
    from test_phone_scan import STALKERWARE

    os.environ["ADB_USB"] = os.environ["ADB_EMU"] = "0"
    known = ind.load(ind.shipped_path())
    ours, reference = [], []
    with FakePhone(STALKERWARE) as phone:
        for _ in range(rounds):
            t0 = time.perf_counter()
            with AdbSession() as session:
                scan(session, known, phone.serial)
            t1 = time.perf_counter()
            with AdbSession() as session:
                session.devices()
            t2 = time.perf_counter()
            ours.append(t1 - t0)
            reference.append(t2 - t1)
    med, ref = statistics.median(ours), statistics.median(reference)
    print(f"whole scan of a fake phone through real adb: median {med * 1e3:.0f} ms over {rounds} (max {max(ours) * 1e3:.0f} ms)")
    print(f"reference, a private adb server started and stopped: median {ref * 1e3:.0f} ms; ratio {med / ref:.2f}")


def main() -> None:
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 20
    default = Path(__file__).resolve().parent.parent.parent / "shared" / "data" / "echap-stalkerware-indicators"
    yaml_dir = Path(sys.argv[2]) if len(sys.argv) > 2 else default
    bench_indicators(max(rounds, 50), yaml_dir)
    bench_scan(rounds)


if __name__ == "__main__":
    main()
