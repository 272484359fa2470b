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

from safetyhelper.files import UnreadableFile, read_limited

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
_ID_RE = re.compile(r"^[a-z0-9][a-z0-9-]{0,59}$")
#: The most characters each kind of text may have (keyed by its field name), so that every text fits
#: the screen and the sheet; "text" (a step) is also the default. The longest word outside a URL is
#: MAX_WORD characters: longer ones would have to break mid-word on a line.
MAX_CHARS = {
    "id": 60, "name": 80, "title": 120, "discreet_title": 80, "text": 600, "warning": 400, "why": 1200,
    "note": 600, "about": 600, "contact": 300, "number": 40, "hours": 160, "points": 600, "url": 300,
}
MAX_WORD = 60

FieldPath = tuple[str | int, ...]


class ContentError(Exception):
    """One problem in the content pack, as one line a person can act on."""

    def __init__(self, file: Path | str, message: str, *, field: FieldPath = (), line: int | None = None):
        self.file = str(file)
        self.field = _dotted(field)
        if len(self.field) > 80:
            self.field = self.field[:79] + "…"
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
    """Relative name -> file to read; files in ``override`` replace shipped files of the same name.

    In the override folder, anything at a content file's name counts, even a folder, a FIFO or a broken
    link: reading it then says what is wrong, instead of quietly using the shipped file."""
    files: dict[str, Path] = {}
    for folder in (base, override):
        if folder is None:
            continue
        present = os.path.lexists if folder is override else os.path.isfile
        for name in TOP_FILES:
            if present(folder / name):
                files[name] = folder / name
        for kind in KIND_DIRS:
            sub = folder / kind
            if folder is override and os.path.lexists(sub) and not sub.is_dir():
                raise ContentError(sub, "expected a folder of .toml files, but it is not a folder (or a broken link)")
            if sub.is_dir():
                with os.scandir(sub) as entries:
                    names = sorted(e.name for e in entries if e.name.endswith(".toml"))
                for name in names:
                    files[f"{kind}/{name}"] = sub / name
    return files


def _check_override_dir(override: Path) -> None:
    if not override.is_dir():
        what = "is not a folder" if os.path.lexists(override) else "not found"
        raise ContentError(override, f"content folder {what} (from --content or SAFETYHELPER_CONTENT)")
    with os.scandir(override) as entries:
        names = sorted(e.name for e in entries if e.name.endswith(".toml"))
    for name in names:
        if name not in TOP_FILES:
            raise ContentError(
                override / name,
                "not a content file name: expected one of " + ", ".join(TOP_FILES) + " (or platforms/, devices/)",
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
        return self.bounded(value.strip(), fld + (key,), key)

    def bounded(self, value: str, fld: FieldPath, key: str) -> str:
        """``value`` if it is no longer than its kind of text may be, and no word is too long to print."""
        limit = MAX_CHARS.get(key, MAX_CHARS["text"])
        if len(value) > limit:
            raise self.fail(fld, f"too long: {len(value):,} characters, at most {limit:,} for a {key}; make it shorter")
        if key != "url" and value:
            word = max(value.split(), key=len, default="")
            if len(word) > MAX_WORD:
                raise self.fail(
                    fld, f"has a word of {len(word):,} characters ({shown(word, 40)}); at most {MAX_WORD} fit a line"
                )
        return value

    def ident(self, table: dict, key: str, fld: FieldPath) -> str:
        value = self.text_field(table, key, fld)
        assert value is not None
        if not _ID_RE.match(value):
            raise self.fail(fld + (key,), f"expected an id of lower-case letters, digits and hyphens, got {shown(value)}")
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
                raise self.fail(fld + (key, i), f"expected one of {', '.join(choices)}, got {shown(entry)}")
            out.append(self.bounded(entry.strip(), fld + (key, i), key))
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
                out.append(Step(self.bounded(entry.strip(), where, "text")))
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


_HOST_LABEL = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$")


def url_problem(url: str, *, allow_http: bool = False) -> str | None:
    """Why ``url`` cannot be used as a guide URL, or None if it can.

    A guide URL is https:// (http:// only for test packs on a local server), with a host that is a real
    domain name (letters, digits and hyphens, with a dot), no user name or password, no spaces and no
    invisible characters, and small enough for a QR code that scans from a terminal."""
    hidden = hidden_character(url)
    if hidden:
        return f"the address {hidden}"
    if any(c.isspace() for c in url):
        return f"expected a web address with no spaces, got {shown(url)}"
    try:
        parts = urlsplit(url)
        parts.port  # raises for a port that is not a number
    except ValueError as exc:
        return f"expected a valid web address, got {shown(url)} ({exc})"
    schemes = ("https", "http") if allow_http else ("https",)
    if parts.scheme not in schemes:
        return f"expected an https:// URL, got {shown(url)}"
    if "@" in parts.netloc:
        return f"the address must not hold a user name or password (before @), got {shown(url)}"
    host = parts.hostname or ""
    if not host:
        return f"the address has no host name (like www.example.org), got {shown(url)}"
    if not _valid_host(host, local=allow_http):
        return f"the host {shown(host, 60)} is not a valid domain name (like www.example.org)"
    size = len(url.encode("utf-8"))
    if size > MAX_URL_BYTES:
        return (
            f"URL is {size} bytes; at most {MAX_URL_BYTES} fit a QR code that scans well from a terminal "
            "(version 7, level M)"
        )
    return None


def _valid_host(host: str, *, local: bool) -> bool:
    if local and (host == "localhost" or re.fullmatch(r"[0-9.]+|[0-9a-f:]+", host)):
        return True  # a test pack's local server
    labels = host.rstrip(".").split(".")
    return (
        len(host) <= 253
        and len(labels) >= 2
        and all(_HOST_LABEL.match(label) for label in labels)
        and not labels[-1].isdigit()
    )


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
    text, data = read_toml(path, label, ContentError)
    return _Reader(path, text, data, label)


def read_toml(path: Path, label: str, error: type[ContentError] = ContentError) -> tuple[str, dict[str, Any]]:
    """Read and parse one TOML file safely: only a regular file of at most 1 MB (never a FIFO, a device
    or a link loop), UTF-8 with or without a BOM, every text free of control characters. Any problem is
    one ``error`` naming the file and, where there is one, the line and field."""
    try:
        raw = read_limited(path)
    except UnreadableFile as exc:
        raise error(label, f"cannot read the file: {exc}") from None
    return parse_toml(raw, label, error)


def parse_toml(raw: bytes, label: str, error: type[ContentError] = ContentError) -> tuple[str, dict[str, Any]]:
    """(text, data) of TOML source ``raw``; see read_toml."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise error(label, "not UTF-8 text", line=line) from None
    text = text.removeprefix("\ufeff")  # a byte-order mark some Windows editors add
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        msg = str(exc)
        m = re.search(r"\(at line (\d+), column \d+\)$", msg)
        line = int(m.group(1)) if m else None
        if line is None and msg.endswith("(at end of document)"):
            line = max(1, len(text.splitlines()))
            msg += " (the file ends too soon)"
        msg = re.sub(r"\s*\(at (line \d+, column \d+|end of document)\)", "", msg)
        raise error(label, f"TOML syntax error: {msg}", line=line) from None
    except RecursionError:
        raise error(label, "TOML syntax error: tables or lists nested too deeply") from None
    except ValueError as exc:  # an integer of thousands of digits
        if "digits" in str(exc):
            raise error(label, "a number is far too long (more than 4,300 digits)") from None
        raise error(label, f"TOML syntax error: {shown(str(exc))}") from None
    problem = _hidden_characters(data, ())
    if problem:
        fld, message = problem
        raise error(label, message, field=fld, line=find_line(text, fld))
    return text, data


#: Characters no content or setting may hold: control codes (C0 but tab and new line, DEL, C1), which
#: can retitle or reprogram a terminal; bidirectional overrides and isolates, which make text read
#: differently from what it is; zero-width and other invisible characters, which hide in words and links.
_HIDDEN = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u115f\u1160\u17b4\u17b5\u180e\u200b-\u200f\u2028-\u202e"
    "\u2060-\u206f\u3164\ufe00-\ufe0f\ufeff\uffa0\ufff9-\ufffb]"
)


def hidden_character(text: str) -> str | None:
    """A description of the first control, direction or invisible character in ``text``, or None."""
    m = _HIDDEN.search(text)
    if m is None:
        return None
    ch = m.group()
    return f"holds an invisible or control character (U+{ord(ch):04X}) at position {m.start() + 1}: remove it"


def _hidden_characters(value: Any, fld: FieldPath) -> tuple[FieldPath, str] | None:
    if isinstance(value, str):
        problem = hidden_character(value)
        return (fld, problem) if problem else None
    if isinstance(value, dict):
        for key, entry in value.items():
            problem = hidden_character(key)
            if problem:
                return fld, f"a key {problem}"
            found = _hidden_characters(entry, fld + (key,))
            if found:
                return found
    elif isinstance(value, list):
        for i, entry in enumerate(value):
            found = _hidden_characters(entry, fld + (i,))
            if found:
                return found
    return None


def shown(value: Any, limit: int = 80) -> str:
    """``value`` as it may be echoed in an error: quoted, escaped, and never more than ``limit``
    characters."""
    if isinstance(value, int) and not isinstance(value, bool) and value.bit_length() > 256:
        return f"a number of about {round(value.bit_length() * 0.30103)} digits"
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


# --------------------------------------------------------------------------- the pack


def _unique(reader: _Reader, seen: dict[str, FieldPath], value: str, fld: FieldPath) -> None:
    if value in seen:
        raise reader.fail(fld, f"duplicate id {shown(value)} (already used at {_dotted(seen[value])})")
    seen[value] = fld


def load_content(
    override: str | os.PathLike[str] | None = None,
    *,
    base: str | os.PathLike[str] | None = None,
    today: _dt.date | None = None,
    allow_http: bool = False,
) -> ContentPack:
    """Load and validate the content pack, including the whole-pack checks in safetyhelper.checks.
    Raises ContentError on the first problem.

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
                raise r.fail(fld + ("topics", j), f"unknown topic {shown(tid)}: expected one of {', '.join(topic_ids)}")
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
            raise ContentError(r.label, f"duplicate id {shown(pid)}: {all_ids[pid]} has the same name")
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
            raise r.fail(fld + ("status",), f"expected one of {', '.join(GUIDE_STATUSES)}, got {shown(status)}")
        plat = r.text_field(g, "platform", fld, optional=True)
        if plat is not None and plat not in platform_ids:
            raise r.fail(fld + ("platform",), f"unknown platform {shown(plat)}: expected one of {', '.join(platform_ids)}")
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
            raise r.fail(("helplines", j), f"unknown helpline {shown(hid)}: expected one of {', '.join(helpline_ids)}")
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

    pack = ContentPack(
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
    # The checks of the text itself (font, discreet words) run at every load, not only `content check`.
    from safetyhelper.checks import pack_problems

    problems = pack_problems(pack)
    if problems:
        raise problems[0]
    return pack
