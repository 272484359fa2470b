"""Echap's stalkerware indicators: the known monitoring apps a phone scan looks for (no Textual).

The indicators are Echap's stalkerware-indicators (github.com/AssoEchap/stalkerware-indicators, CC-BY 4.0):
``ioc.yaml`` (stalkerware) and ``watchware.yaml`` (family-tracking apps). A dated snapshot ships in the package
as compact JSON (read in well under a millisecond); ``safetyhelper phone indicators update`` fetches the
current files, checks their shape and replaces the user's copy atomically. Only Android package names are
used: certificates, websites and C2 domains need more than a phone scan over adb can see.
"""

from __future__ import annotations

import datetime as _dt
import json
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from safetyhelper.files import UnreadableFile, read_limited, write_atomic

CREDIT = "Echap — stalkerware-indicators (CC BY 4.0)"
SOURCE = "github.com/AssoEchap/stalkerware-indicators"
RAW_BASE = "https://raw.githubusercontent.com/AssoEchap/stalkerware-indicators/master"
FILES = ("ioc.yaml", "watchware.yaml")
KINDS = ("stalkerware", "watchware")
FILE_NAME = "indicators.json"
#: Fewer apps than this in a fetched set means the fetch went wrong (the snapshot of June 2026 has 174).
MIN_APPS = 50
#: The most bytes read of one fetched file (ioc.yaml is about 95 kB in 2026).
MAX_BYTES = 8 * 1024 * 1024
FORMAT = 1
#: An Android package name: two or more dot-separated parts of letters, digits and underscores.
PACKAGE_NAME = r"[A-Za-z0-9_]+(?:\.[A-Za-z0-9_]+)+"
PACKAGE = re.compile(PACKAGE_NAME)


class IndicatorError(Exception):
    """A problem with an indicator file, as one line (where, and what)."""


@dataclass(frozen=True)
class App:
    """One known monitoring app: its name, kind ("stalkerware" or "watchware") and Android package names."""

    name: str
    kind: str
    packages: tuple[str, ...]


@dataclass(frozen=True)
class Indicators:
    apps: tuple[App, ...]
    #: Where the set came from, and when: the commit date of the snapshot, or the day it was fetched.
    date: _dt.date
    source: str
    commit: str = ""
    #: "shipped" or the path of the user's updated copy.
    origin: str = "shipped"
    _by_package: dict[str, App] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        for app in self.apps:
            for package in app.packages:
                # A package in both files (5 in June 2026) is reported as stalkerware, the more serious kind.
                known = self._by_package.get(package)
                if known is None or (app.kind == "stalkerware" and known.kind != "stalkerware"):
                    self._by_package[package] = app

    def match(self, package: str) -> App | None:
        """The known app with this exact package name (no prefix matching: no false positives)."""
        return self._by_package.get(package)

    @property
    def android_apps(self) -> int:
        """How many known apps can be found by their Android package names."""
        return sum(1 for app in self.apps if app.packages)

    @property
    def packages(self) -> frozenset[str]:
        return frozenset(self._by_package)

    def to_json(self) -> bytes:
        data = {
            "format": FORMAT, "source": self.source, "commit": self.commit, "date": self.date.isoformat(),
            "licence": "CC-BY-4.0", "credit": CREDIT,
            "apps": [[a.name, a.kind, list(a.packages)] for a in self.apps],
        }
        return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode()


def shipped_path() -> Path:
    return Path(__file__).resolve().parent / "data" / FILE_NAME


def user_path() -> Path:
    """The user's updated copy, in the user data folder (SAFETYHELPER_DATA_DIR for tests and kiosks)."""
    base = os.environ.get("SAFETYHELPER_DATA_DIR")
    if not base:
        from platformdirs import user_data_dir

        base = user_data_dir("safetyhelper", appauthor=False)
    return Path(base) / FILE_NAME


def parse_json(raw: bytes, where: str) -> Indicators:
    """A snapshot from its JSON, or IndicatorError saying what is wrong with it."""
    try:
        data = json.loads(raw)
    except (ValueError, RecursionError) as exc:
        raise IndicatorError(f"{where}: not a valid indicator snapshot ({exc.__class__.__name__})") from None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise IndicatorError(f"{where}: not an indicator snapshot of format {FORMAT}")
    try:
        date = _dt.date.fromisoformat(data["date"])
        apps = tuple(_app(entry, where, f"apps[{n}]") for n, entry in enumerate(data["apps"]))
        source, commit = str(data["source"]), str(data.get("commit", ""))
    except (KeyError, TypeError, ValueError) as exc:
        raise IndicatorError(f"{where}: broken indicator snapshot ({exc.__class__.__name__}: {exc})") from None
    return Indicators(apps, date, source, commit)


def _app(entry: Any, where: str, fld: str) -> App:
    if not (isinstance(entry, list) and len(entry) == 3 and isinstance(entry[2], list)):
        raise IndicatorError(f"{where}: {fld}: expected [name, kind, [packages]]")
    name, kind, packages = entry
    return _checked_app(name, kind, packages, where, fld)


def _checked_app(name: Any, kind: Any, packages: Any, where: str, fld: str) -> App:
    if not isinstance(name, str) or not name.strip() or len(name) > 100:
        raise IndicatorError(f"{where}: {fld}.name: expected a name of 1 to 100 characters")
    if kind not in KINDS:
        raise IndicatorError(f"{where}: {fld}.type: expected one of {', '.join(KINDS)}, not {str(kind)[:40]!r}")
    if not isinstance(packages, list) or not all(isinstance(p, str) and _package_name(p) for p in packages):
        raise IndicatorError(f"{where}: {fld}.packages: expected a list of Android package names")
    return App(name.strip(), kind, tuple(packages))


def _package_name(text: str) -> bool:
    return len(text) <= 255 and PACKAGE.fullmatch(text) is not None


def load(path: Path | None = None) -> Indicators:
    """The indicators in use: the user's updated copy if there is one and it is not older than the shipped
    snapshot (a newer release may ship a newer one), else the shipped snapshot. A broken user copy raises
    IndicatorError (``content check`` and ``phone indicators show`` say so; the update replaces it)."""
    if path is not None:
        return _read(path, origin="shipped" if path == shipped_path() else str(path))
    shipped = _read(shipped_path(), origin="shipped")
    user = user_path()
    if not os.path.lexists(user):
        return shipped
    mine = _read(user, origin=str(user))
    return mine if mine.date >= shipped.date else shipped


def load_for_scan() -> tuple[Indicators, str | None]:
    """The indicators for a scan, and a warning when the user's copy is broken: the scan then uses the
    shipped snapshot rather than not running at all."""
    try:
        return load(), None
    except IndicatorError as exc:
        return load(shipped_path()), f"{exc}; using the list shipped with safetyhelper"


def _read(path: Path, origin: str) -> Indicators:
    try:
        raw = read_limited(path, MAX_BYTES)
    except UnreadableFile as exc:
        raise IndicatorError(f"{path}: {exc}") from None
    found = parse_json(raw, str(path))
    return Indicators(found.apps, found.date, found.source, found.commit, origin)


# --------------------------------------------------------------------------- Echap's YAML files


def from_yaml(texts: dict[str, str], *, date: _dt.date, source: str = SOURCE, commit: str = "") -> Indicators:
    """Indicators from the text of Echap's ioc.yaml and watchware.yaml, with their shape checked: each
    entry a table with a name, a type and a list of package names. One line on the first problem."""
    import yaml  # only the update reads YAML

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    apps: list[App] = []
    for name in FILES:
        try:
            data = yaml.load(texts[name], Loader=loader)
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            line = f", line {mark.line + 1}" if mark is not None else ""
            raise IndicatorError(f"{name}{line}: not valid YAML ({getattr(exc, 'problem', None) or 'parse error'})") from None
        except RecursionError:
            raise IndicatorError(f"{name}: nested too deeply") from None
        if not isinstance(data, list):
            raise IndicatorError(f"{name}: expected a list of apps at the top, not {type(data).__name__}")
        for n, entry in enumerate(data):
            if not isinstance(entry, dict):
                raise IndicatorError(f"{name}: entry {n + 1}: expected a table with name, type and packages")
            label = str(entry.get("name", ""))[:40] or f"entry {n + 1}"
            apps.append(_checked_app(entry.get("name"), entry.get("type"), entry.get("packages", []), name, label))
    if len(apps) < MIN_APPS:
        raise IndicatorError(f"{FILES[0]}: only {len(apps)} apps (at least {MIN_APPS} expected): kept the old snapshot")
    return Indicators(tuple(apps), date, source, commit)


def save(indicators: Indicators, path: Path) -> None:
    """Write the snapshot to ``path`` in one step (files.write_atomic): a failure leaves the old file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(path, indicators.to_json(), mode=0o644)


def fetch(base: str = RAW_BASE, *, timeout: float = 20.0, today: _dt.date | None = None) -> Indicators:
    """Fetch ioc.yaml and watchware.yaml from ``base`` and check them. IndicatorError on any problem."""
    import requests

    texts: dict[str, str] = {}
    for name in FILES:
        url = f"{base.rstrip('/')}/{name}"
        try:
            with requests.get(url, timeout=timeout, stream=True) as response:
                if response.status_code != 200:
                    raise IndicatorError(f"{url}: the server answered {response.status_code}: kept the old snapshot")
                body = bytearray()
                for chunk in response.iter_content(65536):
                    body += chunk
                    if len(body) > MAX_BYTES:
                        raise IndicatorError(f"{url}: more than {MAX_BYTES // (1024 * 1024)} MB: kept the old snapshot")
        except requests.RequestException as exc:
            raise IndicatorError(f"{url}: could not fetch ({exc.__class__.__name__}): kept the old snapshot") from None
        try:
            texts[name] = bytes(body).decode("utf-8")
        except UnicodeDecodeError:
            raise IndicatorError(f"{url}: not UTF-8 text: kept the old snapshot") from None
    return from_yaml(texts, date=today or _dt.date.today(), source=base)


def update(base: str = RAW_BASE, *, path: Path | None = None, today: _dt.date | None = None) -> Indicators:
    """Fetch, check, and replace the user's snapshot atomically; the old one stays on any problem."""
    fresh = fetch(base, today=today)
    target = path or user_path()
    found = Indicators(fresh.apps, fresh.date, fresh.source, fresh.commit, str(target))
    save(found, target)
    return found
