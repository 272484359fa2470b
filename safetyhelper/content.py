"""The content pack: loading, validation and the typed, immutable model.

The pack is a folder of TOML files (see docs/content-format.md). The shipped pack sits in the package
(``safetyhelper/content`` in a wheel, ``content/`` beside the package in a source checkout). An organisation
can override any file with its own folder (``--content DIR`` or ``SAFETYHELPER_CONTENT``): a file there
replaces the shipped file with the same relative path, and a new platform or device file is added.

Every problem is reported as one :class:`ContentError` naming the file, the line where one can be found,
the field and what was expected. Nothing here imports Textual.
"""

from __future__ import annotations

import datetime as _dt
import os
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator
from urllib.parse import urlsplit

ENV_CONTENT = "SAFETYHELPER_CONTENT"

#: The most bytes a guide URL may have: a QR code of version 7 at error-correction level M holds 122
#: bytes. That is 45 modules, 53 with the 4-module quiet zone: 53 columns and 27 rows of half blocks,
#: which still scans from a terminal held up to a phone.
MAX_URL_BYTES = 122
#: Guides checked longer ago than this are reported as due for a check.
STALE_AFTER_DAYS = 180

TOP_FILES = ("checklist.toml", "helplines.toml", "guides.toml", "organisation.toml", "staff.toml")
KIND_DIRS = ("platforms", "devices")
NATIONS = ("England", "Scotland", "Wales", "Northern Ireland")
GUIDE_STATUSES = ("ok", "check")
_ID_RE = re.compile(r"^[a-z0-9][a-z0-9-]*$")

FieldPath = tuple[str | int, ...]


class ContentError(Exception):
    """One problem in the content pack, as one line a person can act on."""

    def __init__(self, file: Path | str, message: str, *, field: FieldPath = (), line: int | None = None):
        self.file = str(file)
        self.field = _dotted(field)
        self.line = line
        self.message = message
        super().__init__(str(self))

    def __str__(self) -> str:
        where = self.file + (f", line {self.line}" if self.line else "")
        what = f"{self.field}: " if self.field else ""
        return f"{where}: {what}{self.message}"


def _dotted(path: FieldPath) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


# --------------------------------------------------------------------------- model


@dataclass(frozen=True, slots=True)
class Step:
    text: str
    #: Set when someone watching the account could notice this step: says who and how.
    warning: str | None = None
    #: False for a step to leave off discreet sheets (it would tell what the sheet is for).
    discreet: bool = True

    @property
    def noticeable(self) -> bool:
        return self.warning is not None


@dataclass(frozen=True, slots=True)
class Topic:
    id: str
    title: str


@dataclass(frozen=True, slots=True)
class Item:
    id: str
    title: str
    why: str
    topics: tuple[str, ...]
    steps: tuple[Step, ...]


@dataclass(frozen=True, slots=True)
class TopicGuide:
    """One platform's or device's guide for one topic: steps and the official help page."""

    topic: str
    title: str
    url: str
    checked: _dt.date
    steps: tuple[Step, ...]
    note: str | None = None


@dataclass(frozen=True, slots=True)
class Platform:
    """A platform (app or site) or a device; ``kind`` says which."""

    id: str
    name: str
    kind: str  # "platform" or "device"
    guides: tuple[TopicGuide, ...]

    def guide(self, topic: str) -> TopicGuide | None:
        return next((g for g in self.guides if g.topic == topic), None)


@dataclass(frozen=True, slots=True)
class Guide:
    """A general guide (not one platform topic), such as Refuge's tech-safety guides."""

    id: str
    title: str
    url: str
    checked: _dt.date
    status: str
    about: str
    platform: str | None = None


@dataclass(frozen=True, slots=True)
class Helpline:
    id: str
    name: str
    number: str
    hours: str
    nations: tuple[str, ...]
    about: str
    checked: _dt.date
    url: str | None = None


@dataclass(frozen=True, slots=True)
class Organisation:
    name: str
    contact: str
    discreet_title: str
    helplines: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Staff:
    title: str
    points: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Link:
    """Every URL in the pack, with where it lives, for QR codes, the link checker and the summary."""

    url: str
    title: str
    checked: _dt.date
    file: str
    field: str


@dataclass(frozen=True, slots=True)
class ContentPack:
    topics: tuple[Topic, ...]
    items: tuple[Item, ...]
    platforms: tuple[Platform, ...]
    devices: tuple[Platform, ...]
    guides: tuple[Guide, ...]
    helplines: tuple[Helpline, ...]
    organisation: Organisation
    staff: Staff
    links: tuple[Link, ...]
    #: The folders the pack was read from, shipped first, then the override folder if any.
    sources: tuple[str, ...] = field(default=())
    #: (relative name, path) of every file read, e.g. ("platforms/x.toml", "/.../x.toml").
    files: tuple[tuple[str, str], ...] = field(default=())

    def platform(self, pid: str) -> Platform | None:
        return next((p for p in self.platforms + self.devices if p.id == pid), None)

    def helpline(self, hid: str) -> Helpline | None:
        return next((h for h in self.helplines if h.id == hid), None)

    def topic(self, tid: str) -> Topic | None:
        return next((t for t in self.topics if t.id == tid), None)

    @property
    def oldest_checked(self) -> _dt.date:
        return min(link.checked for link in self.links)

    def stale_links(self, today: _dt.date | None = None) -> tuple[Link, ...]:
        today = today or _dt.date.today()
        return tuple(l for l in self.links if (today - l.checked).days > STALE_AFTER_DAYS)


# --------------------------------------------------------------------------- where things live


def shipped_content_dir() -> Path:
    """The content pack that ships with safetyhelper (inside the wheel, or beside the package)."""
    here = Path(__file__).resolve().parent
    inside = here / "content"
    if (inside / "checklist.toml").is_file():
        return inside
    return here.parent / "content"


def content_files(base: Path, override: Path | None) -> dict[str, Path]:
    """Relative name -> file to read; files in ``override`` replace shipped files of the same name."""
    files: dict[str, Path] = {}
    for folder in (base, override):
        if folder is None:
            continue
        for name in TOP_FILES:
            if (folder / name).is_file():
                files[name] = folder / name
        for kind in KIND_DIRS:
            sub = folder / kind
            if sub.is_dir():
                for f in sorted(sub.glob("*.toml")):
                    files[f"{kind}/{f.name}"] = f
    return files


def _check_override_dir(override: Path) -> None:
    if not override.is_dir():
        raise ContentError(override, "content folder not found (from --content or SAFETYHELPER_CONTENT)")
    for f in sorted(override.glob("*.toml")):
        if f.name not in TOP_FILES:
            raise ContentError(
                f, "not a content file name: expected one of " + ", ".join(TOP_FILES) + " (or platforms/, devices/)"
            )


# --------------------------------------------------------------------------- line finding


_HEADER_RE = re.compile(r"^\s*(\[\[?)\s*([^\]]+?)\s*\]\]?\s*(#.*)?$")
_KEY_RE = re.compile(r"^\s*([A-Za-z0-9_\-\"'. ]+?)\s*=")


def _split_key(key: str) -> list[str]:
    return [p.strip().strip("\"'") for p in key.split(".")]


def find_line(text: str, path: FieldPath) -> int | None:
    """Best-effort line number of ``path`` in TOML source ``text`` (1-based), or None.

    Tracks table headers (``[a.b]``, ``[[a]]`` with their index) and ``key =`` lines, and returns the line
    whose full key path shares the longest prefix with ``path``.
    """
    want = [str(p) for p in path]
    if not want:
        return None
    current: list[str] = []
    counts: dict[str, int] = {}
    best, best_score = None, 0
    for lineno, line in enumerate(text.splitlines(), start=1):
        m = _HEADER_RE.match(line)
        if m:
            parts = _split_key(m.group(2))
            if m.group(1) == "[[":
                key = ".".join(parts)
                counts[key] = counts.get(key, -1) + 1
                current = parts + [str(counts[key])]
            else:
                current = parts
            here = current
        else:
            k = _KEY_RE.match(line)
            if not k or line.lstrip().startswith("#"):
                continue
            here = current + _split_key(k.group(1))
        score = 0
        for a, b in zip(here, want):
            if a != b:
                break
            score += 1
        if score > best_score:
            best, best_score = lineno, score
    return best


# --------------------------------------------------------------------------- reading one file


class _Reader:
    """Typed access to one parsed TOML file, raising ContentError with file, line and field."""

    def __init__(self, path: Path, text: str, data: dict[str, Any], label: str):
        self.path = path
        self.text = text
        self.data = data
        self.label = label

    def fail(self, fld: FieldPath, message: str) -> ContentError:
        return ContentError(self.label, message, field=fld, line=find_line(self.text, fld))

    def table(self, value: Any, fld: FieldPath, allowed: tuple[str, ...], required: tuple[str, ...]) -> dict:
        if not isinstance(value, dict):
            raise self.fail(fld, f"expected a table, got {_kind(value)}")
        for key in value:
            if key not in allowed:
                raise self.fail(fld + (key,), "unknown key: expected one of " + ", ".join(allowed))
        for key in required:
            if key not in value:
                raise self.fail(fld + (key,), "missing (required)")
        return value

    def text_field(self, table: dict, key: str, fld: FieldPath, *, optional: bool = False) -> str | None:
        if key not in table:
            if optional:
                return None
            raise self.fail(fld + (key,), "missing (required)")
        value = table[key]
        if not isinstance(value, str):
            raise self.fail(fld + (key,), f"expected text in quotes, got {_kind(value)}")
        if not value.strip():
            raise self.fail(fld + (key,), "expected text, got an empty string")
        return value.strip()

    def ident(self, table: dict, key: str, fld: FieldPath) -> str:
        value = self.text_field(table, key, fld)
        assert value is not None
        if not _ID_RE.match(value):
            raise self.fail(fld + (key,), f"expected an id of lower-case letters, digits and hyphens, got {value!r}")
        return value

    def text_list(self, table: dict, key: str, fld: FieldPath, *, choices: tuple[str, ...] = ()) -> tuple[str, ...]:
        value = table.get(key)
        if not isinstance(value, list):
            raise self.fail(fld + (key,), f"expected a list of text, got {_kind(value)}")
        if not value:
            raise self.fail(fld + (key,), "expected at least one entry, got an empty list")
        out = []
        for i, entry in enumerate(value):
            if not isinstance(entry, str) or not entry.strip():
                raise self.fail(fld + (key, i), f"expected text, got {_kind(entry)}")
            if choices and entry not in choices:
                raise self.fail(fld + (key, i), f"expected one of {', '.join(choices)}, got {entry!r}")
            out.append(entry.strip())
        return tuple(out)

    def date(self, table: dict, key: str, fld: FieldPath, today: _dt.date) -> _dt.date:
        if key not in table:
            raise self.fail(fld + (key,), "missing (required): the date this was checked, like 2026-11-24")
        value = table[key]
        if isinstance(value, _dt.datetime) or not isinstance(value, _dt.date):
            raise self.fail(fld + (key,), f"expected a date like 2026-11-24 (no quotes), got {_kind(value)}")
        if value > today:
            raise self.fail(fld + (key,), f"checked date {value.isoformat()} is in the future (today is {today})")
        return value

    def url(self, table: dict, key: str, fld: FieldPath, *, allow_http: bool, optional: bool = False) -> str | None:
        value = self.text_field(table, key, fld, optional=optional)
        if value is None:
            return None
        problem = url_problem(value, allow_http=allow_http)
        if problem:
            raise self.fail(fld + (key,), problem)
        return value

    def steps(self, table: dict, key: str, fld: FieldPath) -> tuple[Step, ...]:
        value = table.get(key)
        if not isinstance(value, list):
            raise self.fail(fld + (key,), f"expected a list of steps, got {_kind(value)}")
        if not value:
            raise self.fail(fld + (key,), "expected at least one step, got an empty list")
        out = []
        for i, entry in enumerate(value):
            where = fld + (key, i)
            if isinstance(entry, str):
                if not entry.strip():
                    raise self.fail(where, "expected the text of a step, got an empty string")
                out.append(Step(entry.strip()))
            elif isinstance(entry, dict):
                self.table(entry, where, ("text", "warning", "discreet"), ("text",))
                text = self.text_field(entry, "text", where)
                warning = self.text_field(entry, "warning", where, optional=True)
                discreet = entry.get("discreet", True)
                if not isinstance(discreet, bool):
                    raise self.fail(where + ("discreet",), f"expected true or false, got {_kind(discreet)}")
                assert text is not None
                out.append(Step(text, warning, discreet))
            else:
                raise self.fail(where, f"expected text or {{ text = ..., warning = ... }}, got {_kind(entry)}")
        return tuple(out)

    def array_of_tables(self, key: str) -> list:
        value = self.data.get(key)
        if not isinstance(value, list) or not value:
            raise self.fail((key,), f"expected at least one [[{key}]] table")
        return value


def url_problem(url: str, *, allow_http: bool = False) -> str | None:
    """Why ``url`` cannot be used as a guide URL, or None if it can."""
    try:
        parts = urlsplit(url)
        parts.port  # raises for a port that is not a number
    except ValueError as exc:
        return f"expected a valid web address, got {url!r} ({exc})"
    schemes = ("https", "http") if allow_http else ("https",)
    if parts.scheme not in schemes:
        return f"expected an https:// URL, got {url!r}"
    if not parts.netloc or any(c.isspace() for c in url):
        return f"expected a full web address with no spaces, got {url!r}"
    size = len(url.encode("utf-8"))
    if size > MAX_URL_BYTES:
        return (
            f"URL is {size} bytes; at most {MAX_URL_BYTES} fit a QR code that scans well from a terminal "
            "(version 7, level M)"
        )
    return None


def _kind(value: Any) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, str):
        return "empty text" if not value.strip() else "text"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, _dt.datetime):
        return "a date and time"
    if isinstance(value, (_dt.date, _dt.time)):
        return "a date" if isinstance(value, _dt.date) else "a time"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a table"
    return type(value).__name__


def _read(path: Path, label: str) -> _Reader:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ContentError(label, f"cannot read the file: {exc.strerror or exc}") from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise ContentError(label, "not UTF-8 text", line=line) from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        msg = str(exc)
        m = re.search(r"\(at line (\d+), column \d+\)$", msg)
        line = int(m.group(1)) if m else None
        msg = re.sub(r"\s*\(at (line \d+, column \d+|end of document)\)$", "", msg)
        raise ContentError(label, f"TOML syntax error: {msg}", line=line) from None
    except RecursionError:
        raise ContentError(label, "TOML syntax error: tables or lists nested too deeply") from None
    return _Reader(path, text, data, label)


# --------------------------------------------------------------------------- the pack


def _unique(reader: _Reader, seen: dict[str, FieldPath], value: str, fld: FieldPath) -> None:
    if value in seen:
        raise reader.fail(fld, f"duplicate id {value!r} (already used at {_dotted(seen[value])})")
    seen[value] = fld


def load_content(
    override: str | os.PathLike[str] | None = None,
    *,
    base: str | os.PathLike[str] | None = None,
    today: _dt.date | None = None,
    allow_http: bool = False,
) -> ContentPack:
    """Load and validate the content pack. Raises ContentError on the first problem.

    ``override`` is the organisation's folder (files there replace shipped files of the same name);
    ``allow_http`` is only for test packs whose URLs point at a local server.
    """
    today = today or _dt.date.today()
    base_dir = Path(base) if base is not None else shipped_content_dir()
    override_dir = Path(override) if override is not None else None
    if override_dir is not None:
        _check_override_dir(override_dir)
    files = content_files(base_dir, override_dir)
    for name in TOP_FILES:
        if name not in files:
            raise ContentError(base_dir / name, "missing content file")

    def reader(name: str) -> _Reader:
        return _read(files[name], str(files[name]))

    links: list[Link] = []

    # checklist.toml: topics and items
    r = reader("checklist.toml")
    r.table(r.data, (), ("topic", "item"), ("topic", "item"))
    topics: list[Topic] = []
    topic_ids: dict[str, FieldPath] = {}
    for i, t in enumerate(r.array_of_tables("topic")):
        fld = ("topic", i)
        r.table(t, fld, ("id", "title"), ("id", "title"))
        tid = r.ident(t, "id", fld)
        _unique(r, topic_ids, tid, fld + ("id",))
        topics.append(Topic(tid, r.text_field(t, "title", fld) or ""))
    items: list[Item] = []
    item_ids: dict[str, FieldPath] = {}
    for i, it in enumerate(r.array_of_tables("item")):
        fld = ("item", i)
        r.table(it, fld, ("id", "title", "why", "topics", "steps"), ("id", "title", "why", "topics", "steps"))
        iid = r.ident(it, "id", fld)
        _unique(r, item_ids, iid, fld + ("id",))
        item_topics = r.text_list(it, "topics", fld)
        for j, tid in enumerate(item_topics):
            if tid not in topic_ids:
                raise r.fail(fld + ("topics", j), f"unknown topic {tid!r}: expected one of {', '.join(topic_ids)}")
        items.append(
            Item(
                iid,
                r.text_field(it, "title", fld) or "",
                r.text_field(it, "why", fld) or "",
                item_topics,
                r.steps(it, "steps", fld),
            )
        )
    topic_order = tuple(t.id for t in topics)

    # platforms/ and devices/
    kinds: dict[str, list[Platform]] = {"platforms": [], "devices": []}
    all_ids: dict[str, str] = {}
    for name in sorted(n for n in files if "/" in n):
        kind_dir, filename = name.split("/", 1)
        pid = filename[: -len(".toml")]
        r = reader(name)
        if not _ID_RE.match(pid):
            raise ContentError(r.label, "file name must be an id of lower-case letters, digits and hyphens")
        if pid in all_ids:
            raise ContentError(r.label, f"duplicate id {pid!r}: {all_ids[pid]} has the same name")
        all_ids[pid] = r.label
        required = ("name",) + (topic_order if kind_dir == "platforms" else ())
        r.table(r.data, (), ("name",) + topic_order, required)
        guides = []
        for tid in topic_order:
            if tid not in r.data:
                continue
            fld = (tid,)
            g = r.table(
                r.data[tid], fld, ("title", "url", "checked", "steps", "note"), ("title", "url", "checked", "steps")
            )
            guide = TopicGuide(
                topic=tid,
                title=r.text_field(g, "title", fld) or "",
                url=r.url(g, "url", fld, allow_http=allow_http) or "",
                checked=r.date(g, "checked", fld, today),
                steps=r.steps(g, "steps", fld),
                note=r.text_field(g, "note", fld, optional=True),
            )
            guides.append(guide)
            links.append(Link(guide.url, guide.title, guide.checked, r.label, f"{tid}.url"))
        if not guides:
            raise r.fail((), "expected at least one topic table: " + ", ".join(topic_order))
        kinds[kind_dir].append(
            Platform(pid, r.text_field(r.data, "name", ()) or "", kind_dir[:-1], tuple(guides))
        )
    if not kinds["platforms"]:
        raise ContentError(base_dir / "platforms", "expected at least one platform file")

    # guides.toml
    r = reader("guides.toml")
    r.table(r.data, (), ("guide",), ("guide",))
    general: list[Guide] = []
    guide_ids: dict[str, FieldPath] = {}
    platform_ids = [p.id for p in kinds["platforms"]]
    for i, g in enumerate(r.array_of_tables("guide")):
        fld = ("guide", i)
        keys = ("id", "title", "url", "checked", "status", "about", "platform")
        r.table(g, fld, keys, keys[:-1])
        gid = r.ident(g, "id", fld)
        _unique(r, guide_ids, gid, fld + ("id",))
        status = r.text_field(g, "status", fld)
        if status not in GUIDE_STATUSES:
            raise r.fail(fld + ("status",), f"expected one of {', '.join(GUIDE_STATUSES)}, got {status!r}")
        plat = r.text_field(g, "platform", fld, optional=True)
        if plat is not None and plat not in platform_ids:
            raise r.fail(fld + ("platform",), f"unknown platform {plat!r}: expected one of {', '.join(platform_ids)}")
        guide = Guide(
            gid,
            r.text_field(g, "title", fld) or "",
            r.url(g, "url", fld, allow_http=allow_http) or "",
            r.date(g, "checked", fld, today),
            status or "",
            r.text_field(g, "about", fld) or "",
            plat,
        )
        general.append(guide)
        links.append(Link(guide.url, guide.title, guide.checked, r.label, f"guide[{i}].url"))

    # helplines.toml
    r = reader("helplines.toml")
    r.table(r.data, (), ("helpline",), ("helpline",))
    helplines: list[Helpline] = []
    helpline_ids: dict[str, FieldPath] = {}
    for i, h in enumerate(r.array_of_tables("helpline")):
        fld = ("helpline", i)
        keys = ("id", "name", "number", "hours", "nations", "about", "checked", "url")
        r.table(h, fld, keys, keys[:-1])
        hid = r.ident(h, "id", fld)
        _unique(r, helpline_ids, hid, fld + ("id",))
        line = Helpline(
            hid,
            r.text_field(h, "name", fld) or "",
            r.text_field(h, "number", fld) or "",
            r.text_field(h, "hours", fld) or "",
            r.text_list(h, "nations", fld, choices=NATIONS),
            r.text_field(h, "about", fld) or "",
            r.date(h, "checked", fld, today),
            r.url(h, "url", fld, allow_http=allow_http, optional=True),
        )
        helplines.append(line)
        if line.url:
            links.append(Link(line.url, line.name, line.checked, r.label, f"helpline[{i}].url"))

    # organisation.toml
    r = reader("organisation.toml")
    keys = ("name", "contact", "discreet_title", "helplines")
    r.table(r.data, (), keys, keys)
    org_lines = r.text_list(r.data, "helplines", ())
    for j, hid in enumerate(org_lines):
        if hid not in helpline_ids:
            raise r.fail(("helplines", j), f"unknown helpline {hid!r}: expected one of {', '.join(helpline_ids)}")
    organisation = Organisation(
        r.text_field(r.data, "name", ()) or "",
        r.text_field(r.data, "contact", ()) or "",
        r.text_field(r.data, "discreet_title", ()) or "",
        org_lines,
    )

    # staff.toml
    r = reader("staff.toml")
    r.table(r.data, (), ("title", "points"), ("title", "points"))
    staff = Staff(r.text_field(r.data, "title", ()) or "", r.text_list(r.data, "points", ()))

    return ContentPack(
        topics=tuple(topics),
        items=tuple(items),
        platforms=tuple(kinds["platforms"]),
        devices=tuple(kinds["devices"]),
        guides=tuple(general),
        helplines=tuple(helplines),
        organisation=organisation,
        staff=staff,
        links=tuple(links),
        sources=tuple(str(p) for p in (base_dir, override_dir) if p is not None),
        files=tuple((name, str(path)) for name, path in sorted(files.items())),
    )


def text_fields(pack: ContentPack) -> Iterator[tuple[str, str, str]]:
    """(file, field, text) for every piece of text in the pack a person may see or print."""
    files = dict(pack.files)
    check = files.get("checklist.toml", "checklist.toml")
    for i, t in enumerate(pack.topics):
        yield check, f"topic[{i}].title", t.title
    for i, it in enumerate(pack.items):
        yield check, f"item[{i}].title", it.title
        yield check, f"item[{i}].why", it.why
        yield from _step_fields(check, f"item[{i}].steps", it.steps)
    for p in pack.platforms + pack.devices:
        f = files.get(f"{p.kind}s/{p.id}.toml", p.id)
        yield f, "name", p.name
        for g in p.guides:
            yield f, f"{g.topic}.title", g.title
            yield f, f"{g.topic}.url", g.url
            if g.note:
                yield f, f"{g.topic}.note", g.note
            yield from _step_fields(f, f"{g.topic}.steps", g.steps)
    f = files.get("guides.toml", "guides.toml")
    for i, gd in enumerate(pack.guides):
        for key in ("title", "url", "about"):
            yield f, f"guide[{i}].{key}", getattr(gd, key)
    f = files.get("helplines.toml", "helplines.toml")
    for i, h in enumerate(pack.helplines):
        for key in ("name", "number", "hours", "about", "url"):
            if getattr(h, key):
                yield f, f"helpline[{i}].{key}", getattr(h, key)
    f = files.get("organisation.toml", "organisation.toml")
    o = pack.organisation
    for key in ("name", "contact", "discreet_title"):
        yield f, key, getattr(o, key)
    f = files.get("staff.toml", "staff.toml")
    yield f, "title", pack.staff.title
    for i, point in enumerate(pack.staff.points):
        yield f, f"points[{i}]", point


def _step_fields(file: str, field: str, steps: tuple[Step, ...]) -> Iterator[tuple[str, str, str]]:
    for j, step in enumerate(steps):
        yield file, f"{field}[{j}]" + ("" if step.discreet else ".not-discreet"), step.text
        if step.warning:
            yield file, f"{field}[{j}].warning", step.warning
