"""The Android cable scan: what it reads from the phone, what it finds, and how it says so (no Textual).

It reads, through adb (safetyhelper.adb): the installed apps with the app store that installed each; the
device admins, device owner and profile owner; the enabled accessibility services and notification
listeners; and signs of a rooted or debuggable build. It matches the package names against Echap's
indicators (safetyhelper.indicators). It never says the phone is safe: a scan finds only what it knows.
Nothing of a scan is written anywhere; the result lives in memory until it is shown.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field

from safetyhelper.adb import AdbSession, PhoneProblem
from safetyhelper.indicators import CREDIT, PACKAGE_NAME, App, Indicators
from safetyhelper.translate import N_, _, ngettext

#: The commands the scan runs on the phone, by what they read.
COMMANDS = {
    "packages": "pm list packages -i",
    "third_party": "pm list packages -3",
    "device_policy": "dumpsys device_policy",
    "accessibility": "settings get secure enabled_accessibility_services",
    "notifications": "settings get secure enabled_notification_listeners",
    "debuggable": "getprop ro.debuggable",
    "build_tags": "getprop ro.build.tags",
    "boot_state": "getprop ro.boot.verifiedbootstate",
    "su": "command -v su",
}

#: Apps that give root to other apps: on a phone they mean it was rooted (so monitoring apps can read
#: everything).
ROOT_APPS = {
    "com.topjohnwu.magisk": "Magisk", "eu.chainfire.supersu": "SuperSU", "me.weishu.kernelsu": "KernelSU",
    "me.bmax.apatch": "APatch", "com.koushikdutta.superuser": "Superuser", "com.noshufou.android.su": "Superuser",
    "com.kingroot.kinguser": "KingRoot",
}
PLAY_STORE = "com.android.vending"

#: What each kind of access lets an app do, in plain words.
POWERS = {
    "device-owner": N_("It manages the whole phone (device owner)."),
    "profile-owner": N_("It manages a work profile on the phone (profile owner)."),
    "device-admin": N_("It is a device admin app: it can lock the phone and may stop itself being removed."),
    "accessibility": N_("It can read the screen and act for you (accessibility)."),
    "notifications": N_("It can read every notification, and so messages as they arrive (notification access)."),
}
KIND_WORDS = {
    "stalkerware": N_("It is a known spying app (stalkerware): it can secretly send your messages, calls, photos or location to someone."),
    "watchware": N_("It is a known family-tracking app: it can show someone where the phone is and what it does."),
}
ROOT_WORDS = {
    "root-app": N_("An app that gives full control of the phone is installed ({name})."),
    "su": N_("The phone has a \u201csu\u201d program: it has been rooted."),
    "debuggable": N_("The phone's system is a debug build (ro.debuggable=1)."),
    "test-keys": N_("The phone's system is not signed by its maker (test-keys)."),
    "unlocked": N_("The phone's bootloader is unlocked (verified boot: orange)."),
}
WARNING = N_(
    "Do not remove or turn off anything yet. Removing a monitoring app can tell the person who put it there, "
    "and it can destroy evidence. Make a plan first. A specialist service can help."
)
LIMITS = N_(
    "A scan finds only apps it knows, by their names. Some monitoring apps hide under other names, and some "
    "watching needs no app at all (a shared account, or a known password). If you are still worried, a "
    "specialist can look."
)


@dataclass
class Finding:
    """One app worth telling about: a known monitoring app, or an app with powerful access."""

    package: str
    #: "stalkerware" or "watchware" for a known app, else "" (an app with powerful access).
    kind: str = ""
    name: str = ""
    #: Keys of POWERS it holds.
    powers: list[str] = field(default_factory=list)
    #: The app store that installed it; "" if none says (it came with the phone, or from a file).
    installer: str = ""
    third_party: bool = False

    @property
    def from_outside_store(self) -> bool:
        return self.third_party and self.installer != PLAY_STORE


@dataclass
class ScanResult:
    #: How many apps are installed, and how many were installed by the user.
    apps: int
    user_apps: int
    #: How many known monitoring apps the indicators can find by name.
    known: int
    indicators_date: str
    found: list[Finding]
    access: list[Finding]
    root: list[str]
    credit: str = CREDIT

    @property
    def exit_code(self) -> int:
        """0 nothing known found, 1 something found (a known app, or signs the phone was rooted)."""
        return 1 if self.found or self.root else 0

    def to_dict(self) -> dict:
        data = asdict(self)
        data["exit_code"] = self.exit_code
        return data


# --------------------------------------------------------------------------- reading what adb says


def parse_packages(text: str) -> dict[str, str]:
    """``pm list packages -i`` lines ("package:NAME  installer=WHO") -> {name: installer or ""}."""
    found: dict[str, str] = {}
    for line in text.splitlines():
        line = line.strip()
        if not line.startswith("package:"):
            continue
        name, _sep, rest = line[len("package:"):].partition(" ")
        installer = rest.strip().removeprefix("installer=").strip()
        found[name.strip()] = "" if installer in ("", "null") else installer
    return found


_COMPONENT = re.compile(rf"ComponentInfo\{{({PACKAGE_NAME})/")
_ADMIN_LINE = re.compile(rf"^\s+({PACKAGE_NAME})/[A-Za-z0-9_.$]+:?\s*$")


_POLICY_SECTIONS = (
    ("device owner", "device-owner"), ("profile owner", "profile-owner"),
    ("enabled device admins", "device-admin"), ("active admins", "device-admin"),
)


def parse_device_policy(text: str) -> dict[str, set[str]]:
    """``dumpsys device_policy`` -> {"device-owner": {...}, "profile-owner": {...}, "device-admin": {...}}."""
    found: dict[str, set[str]] = {"device-owner": set(), "profile-owner": set(), "device-admin": set()}
    # The dump is one tree by indentation: a section holds the lines indented deeper than its heading, and
    # a component named anywhere else (a later section) is not an admin.
    section, depth = "", -1
    for line in text.splitlines():
        if not line.strip():
            continue
        indent = len(line) - len(line.lstrip())
        if section and indent <= depth:
            section = ""
        head = line.strip().lower()
        for start, name in _POLICY_SECTIONS:
            if head.startswith(start):
                section, depth = name, indent
        if not section:
            continue
        for package in _COMPONENT.findall(line):
            found[section].add(package)
        admin = _ADMIN_LINE.match(line)
        if admin and section == "device-admin":
            found[section].add(admin.group(1))
    return found


def parse_components(text: str) -> set[str]:
    """A settings value "pkg/cls:pkg/cls" (or "null") -> the package names."""
    text = text.strip()
    if text in ("", "null"):
        return set()
    return {part.split("/", 1)[0].strip() for part in text.split(":") if "/" in part}


def root_signs(out: dict[str, str], packages: dict[str, str]) -> list[str]:
    signs = [f"root-app:{ROOT_APPS[p]}" for p in sorted(packages) if p in ROOT_APPS]
    if out["su"].strip().startswith("/"):
        signs.append("su")
    if out["debuggable"].strip() == "1":
        signs.append("debuggable")
    if "test-keys" in out["build_tags"]:
        signs.append("test-keys")
    if out["boot_state"].strip() == "orange":
        signs.append("unlocked")
    return signs


def analyse(out: dict[str, str], indicators: Indicators) -> ScanResult:
    """What the outputs of COMMANDS show, matched against the indicators."""
    packages = parse_packages(out["packages"])
    third_party = set(parse_packages(out["third_party"]))
    powers: dict[str, list[str]] = {}
    for power, names in parse_device_policy(out["device_policy"]).items():
        for package in names:
            powers.setdefault(package, []).append(power)
    for power in ("accessibility", "notifications"):
        for package in parse_components(out[power]):
            powers.setdefault(package, []).append(power)

    def finding(package: str, app: App | None) -> Finding:
        return Finding(
            package, app.kind if app else "", app.name if app else "",
            sorted(powers.get(package, []), key=list(POWERS).index), packages.get(package, ""), package in third_party,
        )

    # Every package the phone names: installed for this user, or holding access (a work profile's owner
    # or another user's admin may not be in this user's list).
    named = set(packages) | set(powers)
    found = [finding(p, app) for p in sorted(named) if (app := indicators.match(p)) is not None]
    found.sort(key=lambda f: (f.kind != "stalkerware", f.name.lower()))
    known = {f.package for f in found}
    access = [finding(p, None) for p in sorted(powers) if p not in known]
    access.sort(key=lambda f: (not f.from_outside_store, f.package))
    return ScanResult(
        apps=len(packages), user_apps=len(third_party), known=indicators.android_apps,
        indicators_date=indicators.date.isoformat(), found=found, access=access, root=root_signs(out, packages),
    )


#: Commands that fail on a phone without what they look for (``command -v su`` on a phone not rooted).
MAY_FAIL = {"su"}


def scan(session: AdbSession, indicators: Indicators, serial: str | None = None, *, progress=None, waiting=None) -> ScanResult:
    """Scan the one connected phone (or ``serial``). PhoneProblem when there is no phone ready.
    ``progress(done, total)`` is called after each command, and ``waiting(message)`` while the phone has
    not yet allowed this computer, for a screen to show."""
    if serial is not None and ":" in serial:
        session.connect(serial)  # a phone reached over the network (and the fake phone in tests)
    chosen = session.choose(serial, waiting=waiting)
    out = {}
    for n, (key, command) in enumerate(COMMANDS.items(), 1):
        out[key] = session.shell(chosen, command, may_fail=key in MAY_FAIL)
        if progress is not None:
            progress(n, len(COMMANDS))
    if not out["packages"].strip():
        raise PhoneProblem("lost", _("The phone did not list its apps. Unlock it and try again."))
    return analyse(out, indicators)


# --------------------------------------------------------------------------- the words


def root_text(sign: str) -> str:
    key, _sep, name = sign.partition(":")
    return _(ROOT_WORDS[key]).format(name=name)


def finding_lines(f: Finding) -> list[str]:
    """How one finding is told: its name and kind, where it came from, and what it can do."""
    title = f"{f.name} ({f.package})" if f.name else f.package
    lines = [title]
    if f.kind:
        lines.append("  " + _(KIND_WORDS[f.kind]))
    if f.from_outside_store:
        lines.append("  " + _("It was not installed from the Play Store."))
    lines.extend("  " + _(POWERS[p]) for p in f.powers)
    return lines


def report_lines(result: ScanResult) -> list[str]:
    """The whole result in plain words. It never says the phone is safe."""
    lines: list[str] = []
    if result.found:
        lines.append(ngettext(
            "Found {n} known monitoring app:", "Found {n} known monitoring apps:", len(result.found)).format(n=len(result.found)))
        for f in result.found:
            lines.extend(finding_lines(f))
    else:
        lines.append(ngettext(
            "None of the {n} known monitoring app was found.", "None of the {n} known monitoring apps was found.",
            result.known).format(n=result.known))
    if result.root:
        lines.append(_("Signs that the phone's own protections were changed (rooted, unlocked or a test build):"))
        lines.extend("  " + root_text(sign) for sign in result.root)
    if result.access:
        lines.append(_("Apps with strong access to the phone (check that you know each one):"))
        for f in result.access:
            lines.extend(finding_lines(f))
    lines.append(ngettext("{n} app is installed; you or someone else added {u}.", "{n} apps are installed; you or someone else added {u}.",
                          result.apps).format(n=result.apps, u=result.user_apps))
    if result.found or result.root or result.access:
        lines.append(_(WARNING))
    lines.append(_(LIMITS))
    lines.append(_("Known apps: {credit}, list of {date}.").format(credit=result.credit, date=result.indicators_date))
    return lines
