"""``safetyhelper phone``: the Android cable scan and its indicator list, from the command line.

``phone scan [--serial S] [--json]`` exits 0 when no known monitoring app was found, 1 when something was
found, 2 when there is no phone ready (one line says what to do). ``phone indicators update`` fetches Echap's
current lists; ``phone indicators show`` says which list is in use. Wiring in cli.py as for links_cli.
"""

from __future__ import annotations

import argparse
import json
import sys

EXIT_FOUND = 1
EXIT_NO_PHONE = 2


def add_parser(subparsers) -> argparse.ArgumentParser:
    phone = subparsers.add_parser("phone", help="scan an Android phone on a USB cable for known monitoring apps")
    phone_sub = phone.add_subparsers(dest="phone_command", metavar="ACTION", required=True)
    scan = phone_sub.add_parser(
        "scan",
        help="scan the connected Android phone (USB debugging on) for known monitoring apps",
        description=(
            "Read the phone's apps and their access through adb and match them against Echap's stalkerware "
            "indicators. Nothing is kept on this computer. Exit code 0: no known monitoring app found (this "
            "does not mean the phone is safe); 1: something found; 2: no phone ready."
        ),
    )
    scan.add_argument("--serial", metavar="S", help="the phone to scan, when more than one is connected (HOST:PORT reaches one over the network)")
    scan.add_argument("--json", action="store_true", help="print JSON, for scripts")
    scan.add_argument("--allow-wait", metavar="SECONDS", type=float, default=90.0,
                      help="how long to wait for someone to unlock the phone and tap Allow (default 90)")
    indicators = phone_sub.add_parser("indicators", help="show or update the list of known monitoring apps")
    ind_sub = indicators.add_subparsers(dest="indicators_command", metavar="ACTION", required=True)
    ind_sub.add_parser("show", help="say which list is in use, its date and size")
    update = ind_sub.add_parser(
        "update", help="fetch Echap's current lists and replace the copy in the user data folder (atomically)",
    )
    update.add_argument("--from", dest="base", metavar="URL", default=None,
                        help="where ioc.yaml and watchware.yaml are (default: Echap's GitHub repository)")
    return phone


def run(args: argparse.Namespace, override: str | None = None) -> int:
    from safetyhelper import indicators as ind
    from safetyhelper.adb import PhoneProblem

    try:
        if args.phone_command == "indicators":
            if args.indicators_command == "update":
                found = ind.update(args.base or ind.RAW_BASE)
                print(f"Updated: {found.android_apps} known apps ({len(found.packages)} package names), "
                      f"fetched {found.date.isoformat()}, saved to {found.origin}")
                return 0
            print(indicator_line(ind.load()))
            return 0
        indicators, warning = ind.load_for_scan()
        if warning:
            print(f"safetyhelper: warning: {warning}", file=sys.stderr)
        return scan_command(args, indicators, override)
    except ind.IndicatorError as exc:
        print(f"safetyhelper: indicators: {exc}", file=sys.stderr)
        return EXIT_NO_PHONE
    except PhoneProblem as exc:
        if getattr(args, "json", False):
            print(json.dumps({"state": exc.state, "message": str(exc), "exit_code": EXIT_NO_PHONE}))
        print(f"safetyhelper: {exc}", file=sys.stderr)
        return EXIT_NO_PHONE


def indicator_line(found) -> str:
    from safetyhelper.indicators import CREDIT  # not at import: cli.py imports this module at every start

    where = "shipped snapshot" if found.origin == "shipped" else f"updated copy {found.origin}"
    return (f"known monitoring apps: {found.android_apps} ({len(found.packages)} package names), "
            f"list of {found.date.isoformat()} ({where}); {CREDIT}")


def indicators_status() -> str:
    """The line `content check` prints about the indicator list: its date, or what is wrong with it."""
    from safetyhelper import indicators as ind

    try:
        return indicator_line(ind.load())
    except ind.IndicatorError as exc:
        return f"warning: known monitoring apps: {exc} (run: safetyhelper phone indicators update)"


def undo_lines(override: str | None) -> list[str]:
    """The steps that undo what the scan needed on the phone (phone-check.toml), as plain text."""
    from safetyhelper.content import load_content
    from safetyhelper.translate import NOTICE_PREFIX, _

    undo = load_content(override).phone_check.undo
    lines = ["", undo.title + ":"]
    for n, step in enumerate(undo.steps, 1):
        notice = f" ({_(NOTICE_PREFIX).strip()} {step.warning})" if step.warning else ""
        lines.append(f"{n}. {step.text}{notice}")
    return lines


def scan_command(args: argparse.Namespace, indicators, override: str | None = None) -> int:
    from safetyhelper.adb import AdbSession
    from safetyhelper.phonescan import report_lines, scan

    said: list[str] = []

    def waiting(message: str) -> None:
        if not said:  # once: the wait goes on until Allow is tapped
            said.append(message)
            print(message, file=sys.stderr, flush=True)

    with AdbSession(allow_seconds=max(0.0, min(args.allow_wait, 3600.0))) as session:
        result = scan(session, indicators, args.serial, waiting=waiting)
    if args.json:
        print(json.dumps(result.to_dict(), ensure_ascii=False, indent=1))
    else:
        print("\n".join(report_lines(result) + undo_lines(override)))
    return EXIT_FOUND if result.exit_code else 0
