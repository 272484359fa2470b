"""Command line: ``safetyhelper`` starts the app; sub-commands serve staff and the organisation's admin.

Every expected failure is one clear line on stderr and a non-zero exit code, never a traceback.
"""

from __future__ import annotations

import argparse
import json
import os
import datetime as dt
import sys
from pathlib import Path
from typing import Sequence

from safetyhelper import links_cli, phone_cli
from safetyhelper.config import Config, ConfigError, hash_pin, load_config, show, write_setting
from safetyhelper.content import ENV_CONTENT, STALE_AFTER_DAYS, ContentError, ContentPack, load_content

EXIT_CONTENT = 2
EXIT_USAGE = 2


class UsageError(Exception):
    """A bad option value: one line, exit code 2."""


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
        help="wipe the session after N minutes with no key or mouse (default 10; or set SAFETYHELPER_IDLE_MINUTES)",
    )
    parser.add_argument("--config", metavar="FILE", default=None, help="the configuration file to use")
    parser.add_argument("--theme", metavar="NAME", default=None, help="colour theme, e.g. high-contrast")
    parser.add_argument(
        "--language", dest="screen_language", metavar="CODE", default=None,
        help="the screen's language: en (the default) or a translation such as cy (or set SAFETYHELPER_LANGUAGE)",
    )
    parser.add_argument("--kiosk", action="store_true", default=None, help="kiosk mode: a staff PIN to leave")
    parser.add_argument("--kiosk-child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--printer", metavar="NAME", default=None, help="the CUPS printer for take-home sheets")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    content = sub.add_parser("content", help="check the content pack, or write its schemas for editors")
    content_sub = content.add_subparsers(dest="content_command", metavar="ACTION", required=True)
    content_sub.add_parser(
        "check", parents=[content_opt], help="validate the content pack and print a summary"
    )
    schema = content_sub.add_parser(
        "schema", parents=[content_opt], help="write a JSON Schema per kind of content file, for editors (Taplo)"
    )
    schema.add_argument("--out", metavar="DIR", default="schemas", help="the folder to write them in (default: ./schemas)")
    schema.add_argument("--markdown", action="store_true", help="print the field reference (Markdown) instead")
    config = sub.add_parser("config", help="check, show or change the configuration")
    config_sub = config.add_subparsers(dest="config_command", metavar="ACTION", required=True)
    config_sub.add_parser("check", help="validate the configuration file")
    config_sub.add_parser("show", help="print the settings in force and where each came from")
    config_sub.add_parser("set-pin", help="set the staff PIN for kiosk mode (stored as a salted hash)")

    sheet = sub.add_parser(
        "sheet", parents=[content_opt], help="make a take-home sheet without the app (every item 'to do')"
    )
    sheet.add_argument("--platform", action="append", default=[], metavar="ID", help="a platform id (repeat)")
    sheet.add_argument("--device", action="append", default=[], metavar="ID", help="a device id (repeat)")
    sheet.add_argument("--discreet", action="store_true", help="neutral title, no organisation, no helplines unless asked")
    sheet.add_argument("--large-print", action="store_true", help="body text 16 pt or more, one column")
    helplines = sheet.add_mutually_exclusive_group()
    helplines.add_argument("--helplines", dest="helplines", action="store_true", default=None, help="print the helplines box")
    helplines.add_argument("--no-helplines", dest="helplines", action="store_false", help="leave the helplines out")
    sheet.add_argument("-o", "--output", metavar="FILE", help="save the sheet as this PDF file")
    sheet.add_argument("--print", dest="do_print", action="store_true", help="send the sheet to a printer (CUPS)")
    sheet.add_argument(
        "--printer", metavar="NAME", default=argparse.SUPPRESS,
        help="the CUPS printer (default: configured, then the system default)",
    )
    sheet.add_argument(
        "--language", metavar="CODE", default="en",
        help="the sheet's language: en, a translation such as cy, pl or ro, or cy+en for Welsh first, then English",
    )
    sheet.add_argument(
        "--answer", action="append", default=[], metavar="ID=VALUE",
        help="an answer to one of the plan's questions (yes, no or unsure; repeat): the sheet follows that order",
    )
    plan = sub.add_parser(
        "plan", parents=[content_opt],
        help="print the checklist in the order the plan's answers give, with the reason for each move",
    )
    plan.add_argument(
        "--answer", action="append", default=[], metavar="ID=VALUE",
        help="a question id and yes, no or unsure (repeat); questions not given are not answered",
    )
    plan.add_argument("--json", action="store_true", help="print JSON, for scripts")
    links_cli.add_parser(sub, content_opt)
    phone_cli.add_parser(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.kiosk_child:
        from safetyhelper.kiosk import ignore_terminal_signals, redirect_errors_to_wrapper

        redirect_errors_to_wrapper()
        ignore_terminal_signals()
    try:
        cfg = load_config(
            args.config,
            options={
                "content": getattr(args, "content", None),
                "idle_minutes": args.idle_minutes,
                "printer": getattr(args, "printer", None),
                "theme": args.theme,
                "language": args.screen_language,
                "kiosk": True if args.kiosk else None,
            },
        )
        override = cfg.content
        if args.command == "content" and args.content_command == "schema":
            return content_schema(args, override)
        if args.command == "content":
            return content_check(override)
        if args.command == "sheet":
            return make_sheet(args, override, cfg)
        if args.command == "plan":
            return plan_command(args, override)
        if args.command == "config":
            return config_command(args, cfg)
        if args.command == "links":
            return links_cli.run(args, override)
        if args.command == "phone":
            return phone_cli.run(args, override)
        if cfg.kiosk and not cfg.pin_hash:
            raise UsageError("kiosk mode needs a staff PIN first: run 'safetyhelper config set-pin'")
        if cfg.kiosk and not args.kiosk_child:
            from safetyhelper.kiosk import supervise

            return supervise(argv if argv is not None else sys.argv[1:], cfg)
        return run_app(override, cfg)
    except UsageError as exc:
        print(f"safetyhelper: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except ConfigError as exc:
        print(f"safetyhelper: config error: {exc}", file=sys.stderr)
        return EXIT_CONTENT
    except ContentError as exc:
        print(f"safetyhelper: content error: {exc}", file=sys.stderr)
        return EXIT_CONTENT
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # Output piped into something that stopped reading (like `| head`): not an error to report.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0


def run_app(override: str | None, cfg: Config) -> int:
    pack = load_content(override)
    check_theme(cfg)
    pack = screen_pack(pack, cfg)
    from safetyhelper.tui.app import run  # Textual loads only when the app starts

    return run(pack, cfg)


def screen_pack(pack: ContentPack, cfg: Config) -> ContentPack:
    """The pack in the caseworker's screen language, with the app's own words set to it (English: as is)."""
    code = cfg.values.get("language") or "en"
    if code == "en":
        return pack
    from safetyhelper.translate import load_translation, locale_dirs, screen_ready, set_screen_language

    where = {"file": str(cfg.path), "environment": "environment variable SAFETYHELPER_LANGUAGE",
             "option": "option --language"}.get(cfg.sources.get("language", ""), "language")
    if code not in locale_dirs(pack):
        raise UsageError(f"{where}: unknown language {code!r}: expected one of en, {', '.join(locale_dirs(pack))}")
    if not screen_ready(code):
        raise UsageError(f"{where}: the screens are not translated into {code!r} yet (its sheets are: choose it in "
                         "the sheet dialog, or use 'safetyhelper sheet --language')")
    set_screen_language(code)
    return load_translation(pack, code).pack


def check_theme(cfg: Config) -> None:
    from safetyhelper.tui.themes import theme_names

    if cfg.theme not in theme_names():
        where = {"file": str(cfg.path), "environment": "environment variable SAFETYHELPER_THEME", "option": "option --theme"}
        raise ConfigError(
            where.get(cfg.sources["theme"], "theme"),
            f"unknown theme {cfg.theme!r}: expected one of {', '.join(theme_names())}",
            field=("theme",) if cfg.sources["theme"] == "file" else (),
        )


def config_command(args: argparse.Namespace, cfg: Config) -> int:
    if args.config_command == "check":
        check_theme(cfg)
        where = cfg.path if cfg.path and cfg.path.exists() else f"{cfg.path} (not there: defaults)"
        print(f"Configuration OK: {where}")
        return 0
    if args.config_command == "show":
        print(show(cfg))
        return 0
    # set-pin
    import getpass

    if sys.stdin.isatty():
        first = getpass.getpass("New staff PIN (4 to 12 digits): ")
        second = getpass.getpass("Type it again: ")
    else:
        lines = sys.stdin.read().splitlines() + ["", ""]
        first, second = lines[0].strip(), lines[1].strip()
    if first != second:
        raise UsageError("config set-pin: the two PINs are not the same; nothing was changed")
    try:
        hashed = hash_pin(first)
    except ValueError as exc:
        raise UsageError(f"config set-pin: {exc}; nothing was changed") from None
    assert cfg.path is not None
    try:
        write_setting(cfg.path, "pin_hash", hashed)
    except OSError as exc:
        print(f"safetyhelper: cannot write {cfg.path}: {exc.strerror or exc}; the PIN was not changed", file=sys.stderr)
        return 1
    print(f"Staff PIN set (stored as a salted hash) in {cfg.path}")
    return 0


def content_check(override: str | None) -> int:
    pack = load_content(override)  # every check runs at every load
    from safetyhelper.translate import load_translations

    translations = load_translations(pack)  # a broken translation is one line, before anything is printed
    print(summary(pack))
    print("\n".join(translation_lines(translations)))
    print("  " + phone_cli.indicators_status())
    stale = pack.stale_links()
    if stale:
        print(f"warning: {len(stale)} guide(s) checked more than {STALE_AFTER_DAYS} days ago:")
        for link in stale:
            print(f"  {link.checked}  {link.file}: {link.field}  {link.url}")
    return 0


def content_schema(args: argparse.Namespace, override: str | None) -> int:
    """Write the schemas (platform files' topics from the pack in use), or print the field reference."""
    from safetyhelper.content import pack_topics
    from safetyhelper.schema import field_reference, write_schemas

    topics = pack_topics(override)
    if args.markdown:
        print(field_reference(topics), end="")
        return 0
    try:
        written = write_schemas(Path(args.out).expanduser(), topics)
    except OSError as exc:
        raise UsageError(f"cannot write the schemas in {args.out}: {exc.strerror or exc}") from None
    print(f"Wrote {len(written)} schemas in {args.out}: " + ", ".join(p.name for p in written))
    return 0


def make_sheet(args: argparse.Namespace, override: str | None, cfg: Config) -> int:
    pack = load_content(override)
    for option, wanted, kind in (("--platform", args.platform, pack.accounts + pack.platforms), ("--device", args.device, pack.devices)):
        valid = [p.id for p in kind]
        for pid in wanted:
            if pid not in valid:
                raise UsageError(f"{option}: unknown id {pid!r}; expected one of {', '.join(valid)}")
    if not args.platform and not args.device:
        raise UsageError("sheet: name at least one --platform or --device")
    if not args.output and not args.do_print:
        raise UsageError("sheet: say where the sheet goes: -o FILE, --print, or both")
    from safetyhelper.sheet import SaveError, SheetOptions, cli_session, save_pdf, sheet_pdf

    from safetyhelper.translate import languages

    offered = languages(pack)
    if args.language not in offered:
        raise UsageError(f"--language: unknown language {args.language!r}; expected one of {', '.join(offered)}")
    options = SheetOptions(
        discreet=args.discreet or cfg.discreet, large_print=args.large_print or cfg.large_print, helplines=args.helplines,
        language=args.language,
    )
    pdf = sheet_pdf(cli_session(pack, [*args.platform, *args.device], parse_answers(pack, args.answer)), options)
    status = 0
    if args.output:
        try:
            saved = save_pdf(pdf, args.output)
        except FileExistsError as exc:
            print(f"safetyhelper: cannot save: {exc}", file=sys.stderr)
            return 1
        except OSError as exc:
            print(f"safetyhelper: cannot save {args.output}: {exc.strerror or exc}", file=sys.stderr)
            return 1
        except SaveError as exc:  # "~someone" with no such user or home folder
            print(f"safetyhelper: cannot save {args.output}: {exc}", file=sys.stderr)
            return 1
        print(f"Saved the sheet to {saved}")
    if args.do_print:
        from safetyhelper.printing import NoDefaultPrinter, PrintError, choose_printer, print_pdf

        try:
            job = print_pdf(pdf, choose_printer(None, cfg.printer))
        except PrintError as exc:
            hint = "" if args.output else " Save it with -o FILE instead."
            if isinstance(exc, NoDefaultPrinter) and exc.printers:
                hint = f" Printers: {', '.join(exc.printers)} (use --printer NAME).{hint}"
            print(f"safetyhelper: {exc}{hint}", file=sys.stderr)
            status = 1
        else:
            print(f"Sent to the printer: job {job}")
    return status


def parse_answers(pack: ContentPack, raw: Sequence[str]) -> dict[str, str]:
    """``--answer ID=VALUE`` options as the plan's answers; UsageError (one line) for anything else."""
    from safetyhelper.plan import AnswerError, check_answers

    answers: dict[str, str] = {}
    for option in raw:
        qid, sep, value = option.partition("=")
        if not sep:
            raise UsageError(f"--answer {option!r}: expected ID=VALUE, for example knows-passwords=yes")
        answers[qid.strip()] = value.strip().lower()
    if answers and pack.plan is None:
        raise UsageError("--answer: this content pack has no plan.toml")
    if pack.plan is not None:
        try:
            check_answers(pack.plan, answers)
        except AnswerError as exc:
            raise UsageError(f"--answer: {exc}") from None
    return answers


def plan_command(args: argparse.Namespace, override: str | None) -> int:
    """The checklist in the plan's order for the given answers: for staff training, and for scripts."""
    from safetyhelper.plan import make_plan

    pack = load_content(override)
    answers = parse_answers(pack, args.answer)
    plan = make_plan(pack, answers)
    if args.json:
        out = {
            "answers": answers,
            "items": [
                {"id": p.item.id, "title": p.item.title, "topics": list(p.item.topics), "reason": p.reason,
                 "not_now_first": p.not_now}
                for p in plan.items
            ],
            "needs_account": plan.needs_account,
        }
        print(json.dumps(out, indent=2, ensure_ascii=False))
        return 0
    given = ", ".join(f"{q}={a}" for q, a in answers.items()) or "none (the checklist's own order)"
    print(f"Answers: {given}")
    for n, p in enumerate(plan.items, start=1):
        extra = " [not now offered first]" if p.not_now else ""
        print(f"{n}. {p.item.title} ({', '.join(p.item.topics)}){extra}")
        if p.reason:
            print(f"   {p.reason}")
    if plan.needs_account:
        print("Pick their email account too: every reset goes through it.")
    return 0


def translation_lines(translations) -> list[str]:
    """Per language: the share of the English word fields it gives, whether it is a draft, what is missing."""
    if not translations:
        return ["  translations:    none"]
    out = ["  translations (sheet languages; English where a field is missing):"]
    for t in translations:
        state = "draft translation (not reviewed)" if t.draft else f"reviewed {t.info.reviewed}"
        out.append(f"    {t.code} {t.info.name} ({t.info.english_name}): {t.share:.0%} of {t.total} word fields "
                   f"({t.translated}); {state}")
        if t.missing:
            out.append(f"      missing ({len(t.missing)}):")
            out += [f"        {where}" for where in t.missing]
    return out


def coverage_table(pack: ContentPack) -> list[str]:
    """Platforms and devices by topics: a guide (yes) or not applicable (n/a). Every cell is one of the two:
    the check fails on a gap."""
    topics = [t.id for t in pack.topics]
    rows = pack.guided
    first = max(len(p.name) for p in rows) + 2
    widths = [max(len(t), 3) + 2 for t in topics]
    out = ["  coverage (yes: a guide; n/a: does not apply, with a reason):"]
    out.append("    " + " " * first + "".join(t.ljust(w) for t, w in zip(topics, widths)).rstrip())
    for p in rows:
        na = {t for t, _ in p.not_applicable}
        cells = ["n/a" if t in na else "yes" for t in topics]
        out.append("    " + p.name.ljust(first) + "".join(c.ljust(w) for c, w in zip(cells, widths)).rstrip())
    return out


def summary(pack: ContentPack, today: dt.date | None = None) -> str:
    today = today or dt.date.today()
    oldest = pack.oldest_checked
    to_check = [g.id for g in pack.guides if g.status == "check"]
    noticeable = sum(
        1
        for p in pack.guided
        for g in p.guides
        for s in g.steps
        if s.noticeable
    ) + sum(1 for it in pack.items for s in it.steps if s.noticeable)
    lines = [
        "Content pack OK",
        "  read from:       " + " + ".join(pack.sources),
        f"  checklist items: {len(pack.items)}",
        f"  accounts:        {len(pack.accounts)} ({', '.join(p.name for p in pack.accounts)})",
        f"  platforms:       {len(pack.platforms)} ({', '.join(p.name for p in pack.platforms)})",
        f"  devices:         {len(pack.devices)} ({', '.join(p.name for p in pack.devices)})",
        f"  general guides:  {len(pack.guides)}"
        + (f" ({len(to_check)} marked for checking: {', '.join(to_check)})" if to_check else ""),
        f"  helplines:       {len(pack.helplines)}",
        f"  URLs:            {len(pack.links)} ({len({l.url for l in pack.links})} different)",
        f"  steps flagged as noticeable: {noticeable}",
        f"  oldest checked:  {oldest.isoformat()} ({(today - oldest).days} days ago)",
    ]
    lines += coverage_table(pack)
    unverified = pack.unverified_guides()
    if unverified:
        lines.append(f"  not yet tried on a phone: {len(unverified)} guides (try them, then say verified = \"how\"):")
        by_platform: dict[str, list[str]] = {}
        for platform, guide in unverified:
            by_platform.setdefault(platform.name, []).append(guide.topic)
        lines += [f"    {name}: {', '.join(topics)}" for name, topics in by_platform.items()]
    return "\n".join(lines)
