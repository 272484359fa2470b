"""Benchmark the link checker: 30 URLs on a local server that takes 0.5 s to answer each request.

Checked one after another they would take 15 s; with the default pool of 8 threads the ideal is
0.5 s x 30 / 8 = 1.9 s (really 4 rounds: 2.0 s). Prints each run, then the medians of 3 runs.

Run: .venv/bin/python bench/bench_links.py [runs]
"""

from __future__ import annotations

import datetime as dt
import http.server
import inspect
import math
import statistics
import sys
import threading
import time

from safetyhelper.content import Link
from safetyhelper.links import check_links

URLS = 30
DELAY = 0.5


class SlowHandler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, so the session's connection pool is used

    def do_HEAD(self) -> None:
        time.sleep(DELAY)
        self.send_response(200)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, format: str, *args) -> None:  # noqa: A002 - the stdlib's name
        pass


class Server(http.server.ThreadingHTTPServer):
    # The stdlib's listen backlog of 5 drops connections when 8 arrive at once (then the client's
    # SYN is retried after 1 s), which would measure the server, not the checker.
    request_queue_size = 64
    daemon_threads = True


def main(runs: int = 3) -> None:
    server = Server(("127.0.0.1", 0), SlowHandler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    port = server.server_address[1]
    links = [
        Link(f"http://127.0.0.1:{port}/guide/{i}", f"Guide {i}", dt.date(2026, 1, 1), "bench.toml", f"guide[{i}].url")
        for i in range(URLS)
    ]
    workers = inspect.signature(check_links).parameters["workers"].default
    serial = DELAY * URLS
    ideal = serial / workers
    rounds = math.ceil(URLS / workers) * DELAY
    print(f"{URLS} URLs, {DELAY} s each, pool of {workers} (the default)")
    totals = []
    for run in range(1, runs + 1):
        started = time.perf_counter()
        results = check_links(links)
        total = time.perf_counter() - started
        assert all(r.status == "ok" for r in results), [r for r in results if r.status != "ok"]
        totals.append(total)
        print(f"  run {run}: {total:.2f} s")
    server.shutdown()
    median = statistics.median(totals)
    print(f"total time (median of {runs}): {median:.2f} s")
    print(f"sum of the delays:             {serial:.2f} s")
    print(f"speed-up (sum / total):        {serial / median:.1f}x")
    print(f"ideal ({DELAY} s x {URLS} / {workers}):".ljust(31) + f"{ideal:.2f} s  ({rounds:.2f} s in whole rounds of {workers})")
    print(f"total / ideal:                 {median / ideal:.2f}")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 3)
