"""Command line: ``safetyhelper`` starts the app; sub-commands serve staff and the organisation's admin.

Every expected failure is one clear line on stderr and a non-zero exit code, never a traceback.
"""

from __future__ import annotations

import argparse
import os
import datetime as dt
import sys
from typing import Sequence

from safetyhelper.content import ENV_CONTENT, STALE_AFTER_DAYS, ContentError, ContentPack, load_content, override_from_env

EXIT_CONTENT = 2
EXIT_USAGE = 2
ENV_IDLE = "SAFETYHELPER_IDLE_MINUTES"


class UsageError(Exception):
    """A bad option value: one line, exit code 2."""


def idle_minutes(option: str | None) -> float:
    raw = option if option is not None else os.environ.get(ENV_IDLE)
    source = "--idle-minutes" if option is not None else ENV_IDLE
    if raw is None or raw == "":
        return 10.0
    try:
        value = float(raw)
    except ValueError:
        raise UsageError(f"{source}: expected a number of minutes, got {raw!r}") from None
    if not 0 < value <= 24 * 60:
        raise UsageError(f"{source}: expected minutes between 0 and 1440, got {raw!r}")
    return value


def _parser() -> argparse.ArgumentParser:
    content_opt = argparse.ArgumentParser(add_help=False)
    content_opt.add_argument(
        "--content",
        metavar="DIR",
        default=argparse.SUPPRESS,
        help=f"folder whose files override the shipped content of the same name (or set {ENV_CONTENT})",
    )
    parser = argparse.ArgumentParser(
        prog="safetyhelper",
        description="Go through online safety with a service user, step by step. With no command, start the app.",
        parents=[content_opt],
    )
    parser.add_argument(
        "--idle-minutes",
        metavar="N",
        default=None,
        help=f"wipe the session after N minutes with no key or mouse (default 10; or set {ENV_IDLE})",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    content = sub.add_parser("content", help="check the content pack")
    content_sub = content.add_subparsers(dest="content_command", metavar="ACTION", required=True)
    content_sub.add_parser(
        "check", parents=[content_opt], help="validate the content pack and print a summary"
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    override = override_from_env(getattr(args, "content", None))
    try:
        if args.command == "content":
            return content_check(override)
        return run_app(override, idle_minutes(args.idle_minutes))
    except UsageError as exc:
        print(f"safetyhelper: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except ContentError as exc:
        print(f"safetyhelper: content error: {exc}", file=sys.stderr)
        return EXIT_CONTENT
    except KeyboardInterrupt:
        return 130


def run_app(override: str | None, idle: float) -> int:
    pack = load_content(override)
    from safetyhelper.tui.app import run  # Textual loads only when the app starts

    return run(pack, idle_minutes=idle)


def content_check(override: str | None) -> int:
    pack = load_content(override)
    print(summary(pack))
    stale = pack.stale_links()
    if stale:
        print(f"warning: {len(stale)} guide(s) checked more than {STALE_AFTER_DAYS} days ago:")
        for link in stale:
            print(f"  {link.checked}  {link.file}: {link.field}  {link.url}")
    return 0


def summary(pack: ContentPack, today: dt.date | None = None) -> str:
    today = today or dt.date.today()
    oldest = pack.oldest_checked
    to_check = [g.id for g in pack.guides if g.status == "check"]
    noticeable = sum(
        1
        for p in pack.platforms + pack.devices
        for g in p.guides
        for s in g.steps
        if s.noticeable
    ) + sum(1 for it in pack.items for s in it.steps if s.noticeable)
    lines = [
        "Content pack OK",
        "  read from:       " + " + ".join(pack.sources),
        f"  checklist items: {len(pack.items)}",
        f"  platforms:       {len(pack.platforms)} ({', '.join(p.name for p in pack.platforms)})",
        f"  devices:         {len(pack.devices)} ({', '.join(p.name for p in pack.devices)})",
        f"  general guides:  {len(pack.guides)}"
        + (f" ({len(to_check)} marked for checking: {', '.join(to_check)})" if to_check else ""),
        f"  helplines:       {len(pack.helplines)}",
        f"  URLs:            {len(pack.links)} ({len({l.url for l in pack.links})} different)",
        f"  steps flagged as noticeable: {noticeable}",
        f"  oldest checked:  {oldest.isoformat()} ({(today - oldest).days} days ago)",
    ]
    return "\n".join(lines)
