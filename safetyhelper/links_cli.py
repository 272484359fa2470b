"""``safetyhelper links check``: check every guide link in the content pack, for the organisation's admin.

Wiring in cli.py: ``links_cli.add_parser(sub, content_opt)`` beside the other sub-commands, and
``if args.command == "links": return links_cli.run(args, override)`` in ``main``. Content errors are
raised as ContentError, which ``main`` turns into one line and exit code 2.
"""

from __future__ import annotations

import argparse
import datetime as dt
import math
import sys
import time
from typing import TYPE_CHECKING, TextIO

from safetyhelper.content import load_content, shipped_content_dir

if TYPE_CHECKING:
    from safetyhelper.links import LinkResult

# safetyhelper.links (and requests, ~0.2 s to import) loads only when the check runs, not every time
# cli.py builds its parser: the app's launch time stays as it was.

EXIT_USAGE = 2
EXIT_NO_NETWORK = 2
BAR_WIDTH = 30


def add_parser(subparsers, content_parent: argparse.ArgumentParser) -> argparse.ArgumentParser:
    """Add ``links check`` to the top-level sub-command parsers."""
    links = subparsers.add_parser("links", help="check the guide links in the content pack")
    links_sub = links.add_subparsers(dest="links_command", metavar="ACTION", required=True)
    check = links_sub.add_parser(
        "check",
        parents=[content_parent],
        help="check that every guide link still works",
        description=(
            "Request every URL in the content pack once and report which work, which have moved, which are "
            "broken and which could not be reached. Exit code 0: all work (moved pages are listed); "
            "1: some are broken or unreachable; 2: nothing could be checked (no network) or a bad option."
        ),
    )
    check.add_argument("--timeout", metavar="S", default="10", help="seconds to wait for each request (default 10)")
    check.add_argument("--deadline", metavar="S", default="120", help="seconds for the whole check (default 120)")
    check.add_argument("--json", action="store_true", help="print the results as JSON instead of a table")
    check.add_argument(
        "--update",
        action="store_true",
        help="write today's date as the checked date of every link that works, in its content file",
    )
    # Only for tests: lets a test pack point at a local http:// server. Never for the shipped pack.
    check.add_argument("--allow-http", action="store_true", default=False, help=argparse.SUPPRESS)
    return links


def _seconds(option: str, raw: object) -> float | None:
    """The option as seconds, or None after printing one clear line."""
    try:
        value = float(str(raw))
    except ValueError:
        print(f"safetyhelper: {option}: expected a number of seconds, got {str(raw)!r}", file=sys.stderr)
        return None
    if not math.isfinite(value) or value <= 0:
        print(f"safetyhelper: {option}: expected a number of seconds above 0, got {str(raw)!r}", file=sys.stderr)
        return None
    return value


class _Progress:
    """A bar on a terminal, one plain line per link otherwise; always on stderr."""

    def __init__(self, stream: TextIO):
        self.stream = stream
        self.tty = stream.isatty()
        self.drawn = False

    def __call__(self, done: int, total: int, result: LinkResult) -> None:
        if self.tty:
            filled = BAR_WIDTH * done // max(total, 1)
            self.stream.write(f"\r[{'#' * filled}{'.' * (BAR_WIDTH - filled)}] {done}/{total}")
            self.drawn = True
        else:
            self.stream.write(f"checked {done}/{total}: {result.url} {result.status}\n")
        self.stream.flush()

    def finish(self) -> None:
        if self.drawn:
            self.stream.write("\n")
            self.stream.flush()


def run(args: argparse.Namespace, override: str | None) -> int:
    timeout = _seconds("--timeout", getattr(args, "timeout", "10"))
    if timeout is None:
        return EXIT_USAGE
    deadline = _seconds("--deadline", getattr(args, "deadline", "120"))
    if deadline is None:
        return EXIT_USAGE
    pack = load_content(override, allow_http=getattr(args, "allow_http", False))
    from safetyhelper.links import check_links, exit_code, no_network, render_table, to_json
    distinct = len({link.url for link in pack.links})

    bar = _Progress(sys.stderr)
    started = time.monotonic()
    try:
        results = check_links(pack.links, timeout=timeout, deadline=deadline, progress=bar)
    finally:
        bar.finish()
    elapsed = time.monotonic() - started

    if no_network(results):
        if getattr(args, "json", False):
            print(to_json(results))
        print(
            f"safetyhelper: no network: none of the {distinct} guide links could be reached "
            "(this machine looks offline)",
            file=sys.stderr,
        )
        return EXIT_NO_NETWORK

    print(to_json(results) if getattr(args, "json", False) else render_table(results, elapsed))

    if getattr(args, "update", False):
        code = _update(results, json_mode=getattr(args, "json", False))
        if code:
            return code
    return exit_code(results)


def _update(results: list[LinkResult], *, json_mode: bool) -> int:
    """Write the checked dates; the list of files goes to stdout (stderr with --json, to keep it JSON)."""
    from safetyhelper.links import UpdateError, update_checked_dates

    out = sys.stderr if json_mode else sys.stdout
    try:
        changed = update_checked_dates(results, dt.date.today())
        failures: list = []
    except UpdateError as exc:
        changed, failures = exc.changed, exc.failures
    shipped = shipped_content_dir().resolve()
    if changed:
        print(f"Updated the checked date of working links in {len(changed)} file(s):", file=out)
        for path in changed:
            note = ""
            if path.resolve().is_relative_to(shipped):
                note = "  (the shipped content: an upgrade of safetyhelper replaces it)"
            print(f"  {path}{note}", file=out)
    elif not failures:
        print("No checked dates changed (no working link, or all already dated today).", file=out)
    for path, why in failures:
        print(f"safetyhelper: cannot update {path}: {why} (the file is unchanged)", file=sys.stderr)
    return EXIT_USAGE if failures else 0
