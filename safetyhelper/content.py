"""The content pack: reading the files, checking them against the model, and the rules across files.

The pack is a folder of TOML files (see docs/content-format.md). The shipped pack sits in the package
(``safetyhelper/content`` in a wheel, ``content/`` beside the package in a source checkout). An organisation
can override any file with its own folder (``--content DIR`` or ``SAFETYHELPER_CONTENT``): a file there
replaces the shipped file with the same relative path, and a new platform or device file is added.

Every problem is reported as one :class:`ContentError` naming the file, the line where one can be found,
the field and what was expected. The files' shape is declared in safetyhelper.model (its names are
re-exported here for every caller); the rules that need more than one value are the ``rule_`` functions
below. Nothing here imports Textual.
"""

from __future__ import annotations

import datetime as _dt
import os
import re
import tomllib
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import urlsplit

import msgspec

from safetyhelper.files import UnreadableFile, read_limited
from safetyhelper.model import (
    STALE_AFTER_DAYS,  # noqa: F401  (the model's names are the content's, for every caller)
    FILE_MODELS,
    ID_PATTERN,
    MAX_CHARS,
    MAX_URL_BYTES,
    MAX_WORD,
    NotApplicable,
    URL_PATTERN,
    Checklist,
    ContentPack,
    Guide,
    Guides,
    GuideTable,
    Helpline,
    Helplines,
    Item,
    Link,
    Organisation,
    PhoneCheckFile,
    PlanFile,
    Question,
    Rule,
    Platform,
    Staff,
    Step,
    Topic,
    TopicGuide,
    platform_model,
)

ENV_CONTENT = "SAFETYHELPER_CONTENT"

TOP_FILES = (
    "checklist.toml", "helplines.toml", "guides.toml", "organisation.toml", "staff.toml", "plan.toml", "phone-check.toml",
)
KIND_DIRS = ("accounts", "platforms", "devices")
FieldPath = tuple[str | int, ...]
GuideTableT = TypeVar("GuideTableT", bound=GuideTable)


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
    if best is not None and best_score < len(want) and want[best_score].isdigit():
        return _element_line(text.splitlines(), best, int(want[best_score])) or best
    return best


def _element_line(lines: list[str], start: int, index: int) -> int | None:
    """The line where element ``index`` of the array opened at line ``start`` (``key = [`` alone) begins, for
    arrays written one element to a line, as the pack writes its steps; None otherwise."""
    if not lines[start - 1].split("#", 1)[0].rstrip().endswith("["):
        return None
    seen = -1
    for lineno in range(start + 1, len(lines) + 1):
        item = lines[lineno - 1].strip()
        if item.startswith("]"):
            return None
        if item[:1] in ('"', "{", "'"):
            seen += 1
            if seen == index:
                return lineno
    return None


# --------------------------------------------------------------------------- checking one file's shape


_AT_RE = re.compile(r"^(?P<msg>.*?)(?: - at `\$(?P<path>[^`]*)`)?$", re.S)
_PATH_PART_RE = re.compile(r"\.([^.\[]+)|\[(\d+)\]")


def _parse_path(raw: str) -> FieldPath:
    return tuple(key if key else int(index) for key, index in _PATH_PART_RE.findall(raw))


def _value_at(data: Any, path: FieldPath) -> Any:
    for part in path:
        try:
            data = data[part]
        except (KeyError, IndexError, TypeError):
            return None
    return data


def _unwrap(info: Any) -> Any:
    """Type info without its description (msgspec wraps an Annotated type in Metadata)."""
    while isinstance(info, msgspec.inspect.Metadata):
        info = info.type
    if isinstance(info, msgspec.inspect.UnionType):
        return msgspec.inspect.UnionType(tuple(_unwrap(t) for t in info.types))
    return info


def _type_at(model: Any, path: FieldPath) -> Any:
    """msgspec's type info for the value at ``path`` of ``model`` (a union resolves to its table or its
    text, whichever the path needs)."""
    info = _unwrap(msgspec.inspect.type_info(model))
    for part in path:
        while isinstance(info, msgspec.inspect.UnionType):
            want = msgspec.inspect.StructType if isinstance(part, str) else (msgspec.inspect.ListType, msgspec.inspect.VarTupleType)
            info = next((t for t in info.types if isinstance(t, want)), info.types[0])
        if isinstance(info, msgspec.inspect.StructType) and isinstance(part, str):
            info = _unwrap(next((f.type for f in info.fields if f.encode_name == part), None))
        elif isinstance(info, (msgspec.inspect.ListType, msgspec.inspect.VarTupleType)) and isinstance(part, int):
            info = _unwrap(info.item_type)
        else:
            return None
    return info


def _struct_keys(info: Any) -> tuple[str, ...]:
    while isinstance(info, msgspec.inspect.UnionType):
        info = next((t for t in info.types if isinstance(t, msgspec.inspect.StructType)), None)
    return tuple(f.encode_name for f in info.fields) if isinstance(info, msgspec.inspect.StructType) else ()


def _expected(info: Any, value: Any, key: str) -> str:
    """What was wrong with ``value``, for a field of type ``info`` named ``key``: in the content's words."""
    I = msgspec.inspect
    options = info.types if isinstance(info, I.UnionType) else (info,)
    options = tuple(t for t in options if not isinstance(t, I.NoneType))
    got = _kind(value)
    if len(options) == 2 and {type(t) for t in options} == {I.StrType, I.StructType}:
        if isinstance(value, str):
            return _expected(next(t for t in options if isinstance(t, I.StrType)), value, "text")
        if isinstance(value, dict):
            return "expected a table with these keys: " + ", ".join(_struct_keys(info))
        return f"expected text or {{ text = ..., warning = ... }}, got {got}"
    if len(options) == 1:
        info = options[0]
    if isinstance(info, I.StrType):
        if not isinstance(value, str):
            return f"expected text in quotes, got {got}"
        if info.pattern == ID_PATTERN:
            return f"expected an id of lower-case letters, digits and hyphens, got {shown(value)}"
        if info.pattern == URL_PATTERN and info.max_length is not None and len(value) > info.max_length:
            return url_problem(value) or f"expected an https:// URL of at most {MAX_URL_BYTES} bytes"
        if info.pattern == URL_PATTERN:
            return f"expected an https:// URL, got {shown(value)}"
        if not value.strip():
            return "expected text, got an empty string"
        if info.max_length is not None and len(value) > info.max_length:
            return f"too long: {len(value):,} characters, at most {info.max_length:,} for a {key}; make it shorter"
        return f"expected text, got {shown(value)}"
    if isinstance(info, I.DateType):
        return f"expected a date like 2026-11-24 (no quotes), got {got}"
    if isinstance(info, I.BoolType):
        return f"expected true or false, got {got}"
    if isinstance(info, I.LiteralType):
        return f"expected one of {', '.join(map(str, info.values))}, got {shown(value)}"
    if isinstance(info, (I.ListType, I.VarTupleType)):
        if isinstance(value, list) and not value:
            if key == "steps":
                return "expected at least one step, got an empty list"
            return "expected at least one entry, got an empty list"
        if isinstance(_unwrap(info.item_type), I.StructType):
            return f"expected a list of [[{key}]] tables, got {got}"
        return f"expected a list, got {got}"
    if isinstance(info, (I.StructType, I.DictType)):
        return f"expected a table, got {got}"
    return f"not valid here: got {got}"


def _shape_error(label: str, text: str, data: Any, model: Any, error: msgspec.ValidationError, prefix: FieldPath = ()) -> ContentError:
    """A ContentError with file, line, field and what was expected, from msgspec's message and path."""
    m = _AT_RE.match(str(error))
    assert m is not None
    message, fld = m.group("msg"), _parse_path(m.group("path") or "")
    missing = re.match(r"Object missing required field `(.+)`$", message)
    unknown = re.match(r"Object contains unknown field `(.+)`$", message)
    if missing:
        fld += (missing.group(1),)
        why = "missing (required)"
        if isinstance(_type_at(model, fld), msgspec.inspect.DateType):
            why += ": the date this was checked, like 2026-11-24"
    elif unknown:
        keys = _struct_keys(_type_at(model, fld))
        fld += (unknown.group(1),)
        why = "unknown key: expected one of " + ", ".join(keys)
    else:
        info = _type_at(model, fld)
        key = next((p for p in reversed(fld) if isinstance(p, str)), "text")
        why = _expected(info, _value_at(data, fld), key) if info is not None else message
    full = prefix + fld
    return ContentError(label, why, field=full, line=find_line(text, full))


def check_shape(label: str, text: str, data: Any, model: Any, prefix: FieldPath = ()) -> Any:
    """``data`` (a parsed file, or a part of one at ``prefix``) as ``model``; ContentError if it does not fit."""
    try:
        return msgspec.convert(data, model)
    except msgspec.ValidationError as exc:
        raise _shape_error(label, text, data, model, exc, prefix) from None


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


# --------------------------------------------------------------------------- rules across values and files


class _File:
    """One content file as read: its label (path), source text and parsed data, for errors with lines."""

    def __init__(self, label: str, text: str, data: dict[str, Any]):
        self.label, self.text, self.data = label, text, data

    def fail(self, fld: FieldPath, message: str) -> ContentError:
        return ContentError(self.label, message, field=fld, line=find_line(self.text, fld))

    def shape(self, model: Any, *, words: bool = True) -> Any:
        """The file as ``model`` (its shape checked), then the words checked (no word too long for a line).
        ``words=False`` leaves the words to the caller (after the parts it checks on their own)."""
        shaped = check_shape(self.label, self.text, self.data, model)
        if words:
            rule_words_fit(self, (), self.data)
        return shaped


def _strip(value: Any) -> Any:
    """``value`` with every text stripped of spaces at its ends (as the app shows it)."""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, dict):
        return {k: _strip(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_strip(v) for v in value]
    return value


def rule_unique_ids(f: _File, key: str, ids: list[str]) -> None:
    """No two tables of one kind share an id."""
    seen: dict[str, int] = {}
    for i, value in enumerate(ids):
        if value in seen:
            raise f.fail((key, i, "id"), f"duplicate id {shown(value)} (already used at {key}[{seen[value]}].id)")
        seen[value] = i


def rule_known(f: _File, fld: FieldPath, value: str, known: list[str], what: str) -> None:
    """An id that names something defined elsewhere (a topic, a platform, a helpline) must exist."""
    if value not in known:
        raise f.fail(fld, f"unknown {what} {shown(value)}: expected one of {', '.join(known) or '(none yet)'}")


def rule_checked_not_in_future(f: _File, fld: FieldPath, checked: _dt.date, today: _dt.date) -> None:
    if checked > today:
        raise f.fail(fld, f"checked date {checked.isoformat()} is in the future (today is {today})")


def rule_covered(f: _File, topic: str, table: dict | None) -> None:
    """Every platform and device covers every topic: a guide, or `not_applicable = "why"`."""
    if table is None:
        raise f.fail((topic,), f'missing: no [{topic}] table. Add the guide for this topic, or say why it does not '
                               f'apply: [{topic}] with not_applicable = "..."')


def rule_says_how_sure(f: _File, fld: FieldPath, table: GuideTable) -> None:
    """Each guide says how sure we are of its steps: `verified = "how"` or `unverified = "why"`, not both."""
    if (table.verified is None) == (table.unverified is None):
        both = "both" if table.verified is not None else "neither"
        raise f.fail(fld, f'has {both} of verified and unverified: say how the steps were tried (verified = "on a phone, '
                          'iOS 26.1") or why they are not yet confirmed (unverified = "...")')


def rule_url(f: _File, fld: FieldPath, url: str | None, allow_http: bool) -> None:
    """A guide address: https (http only for test packs), a real host, nothing hidden, fits a QR code."""
    if url is not None:
        problem = url_problem(url, allow_http=allow_http)
        if problem:
            raise f.fail(fld, problem)


def rule_words_fit(f: _File, fld: FieldPath, value: Any) -> None:
    """No word outside a URL is longer than MAX_WORD characters (longer ones break mid-word on a line)."""
    if isinstance(value, str):
        if fld and fld[-1] == "url":
            return
        word = max(value.split(), key=len, default="")
        if len(word) > MAX_WORD:
            raise f.fail(fld, f"has a word of {len(word):,} characters ({shown(word, 40)}); at most {MAX_WORD} fit a line")
    elif isinstance(value, dict):
        for key, entry in value.items():
            rule_words_fit(f, fld + (key,), entry)
    elif isinstance(value, list):
        for i, entry in enumerate(value):
            rule_words_fit(f, fld + (i,), entry)


#: The safe order of a list of steps, as (rule name, what must come first, what must come after, why).
#: Each is checked wherever the later kind of step appears.
ORDER_RULES = (
    ("recovery before password", ("check-recovery", "secure-email"), "change-password",
     "the app tells the email or phone on the account that the password changed, and whoever reads them can "
     "change it back"),
    ("recovery before two-step", ("check-recovery", "secure-email"), "two-step",
     "the codes must go to a phone and email that are hers"),
    ("record before blocking", ("keep-record",), "block", "blocking can hide messages she may need later"),
    ("record before reporting", ("keep-record",), "report", "a report can get posts removed that she may need later"),
)

#: Checks that must come after a change (or be repeated after it), as (rule name, the checks, the change, why).
AFTER_RULES = (
    ("devices after the password", ("end-sessions", "check-devices"), "change-password",
     "some apps stay signed in after a new password"),
    ("fingerprints and faces after the passcode", ("check-unlock",), "change-passcode",
     "anyone who knew the old passcode could have added a fingerprint or face"),
)


def rule_safe_order(f: _File, fld: FieldPath, steps: tuple[Step, ...]) -> None:
    """Steps that change security come in an order that cannot tip anyone off or lock her out: recovery details
    before the password and two-step, a record before blocking or reporting; the devices signed in checked
    (or logged out) after the password changes, and the phone's fingerprints and faces after its passcode."""
    does = [s.does for s in steps]
    for name, first, later, why in ORDER_RULES:
        if later not in does:
            continue
        at = does.index(later)
        if not any(d in first for d in does[:at]):
            wanted = " or ".join(f"does = {shown(d)}" for d in first)
            before = [i for i, d in enumerate(does) if d in first]
            where = f"step {before[0] + 1} ({wanted}) must come before it" if before else f"add a step with {wanted} before it"
            raise f.fail(fld + (at, "does"), f"{name}: step {at + 1} does {shown(later)}, but {where}: {why}")
    for name, again, changed, why in AFTER_RULES:
        if changed not in does:
            continue
        at = does.index(changed)
        checks = [i for i, d in enumerate(does) if d in again]
        if checks and not any(i > at for i in checks):
            raise f.fail(
                fld + (at, "does"),
                f"{name}: step {checks[-1] + 1} does {shown(does[checks[-1]])} before step {at + 1} does "
                f"{shown(changed)}; do it after (or again after): {why}",
            )


def _guide_rules(f: _File, fld: FieldPath, table: GuideTableT, today: _dt.date, allow_http: bool) -> GuideTableT:
    """A guide table's own rules (a date not in the future, how sure, its URL, steps in a safe order); the
    table back with every step as a Step."""
    rule_checked_not_in_future(f, (*fld, "checked"), table.checked, today)
    rule_says_how_sure(f, fld, table)
    rule_url(f, (*fld, "url"), table.url, allow_http)
    steps = _as_steps(table.steps)
    rule_safe_order(f, (*fld, "steps"), steps)
    return msgspec.structs.replace(table, steps=steps)


def _as_steps(entries: tuple[str | Step, ...]) -> tuple[Step, ...]:
    return tuple(Step(e) if isinstance(e, str) else e for e in entries)


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

    def read(name: str) -> _File:
        label = str(files[name])
        text, data = read_toml(files[name], label, ContentError)
        return _File(label, text, _strip(data))

    links: list[Link] = []

    # checklist.toml: topics and items
    f = read("checklist.toml")
    checklist: Checklist = f.shape(Checklist)
    rule_unique_ids(f, "topic", [t.id for t in checklist.topic])
    rule_unique_ids(f, "item", [i.id for i in checklist.item])
    topic_order = [t.id for t in checklist.topic]
    items = []
    for i, item in enumerate(checklist.item):
        for j, tid in enumerate(item.topics):
            rule_known(f, ("item", i, "topics", j), tid, topic_order, "topic")
        steps = _as_steps(item.steps)
        rule_safe_order(f, ("item", i, "steps"), steps)
        items.append(msgspec.structs.replace(item, steps=steps))

    # platforms/ and devices/: a name, and one guide table per topic
    kinds: dict[str, list[Platform]] = {kind: [] for kind in KIND_DIRS}
    all_ids: dict[str, str] = {}
    signs_in_with: list[tuple[_File, str]] = []
    for name in sorted(n for n in files if "/" in n):
        kind_dir, filename = name.split("/", 1)
        pid = filename[: -len(".toml")]
        f = read(name)
        if not re.match(ID_PATTERN, pid):
            raise ContentError(f.label, "file name must be an id of lower-case letters, digits and hyphens")
        if pid in all_ids:
            raise ContentError(f.label, f"duplicate id {shown(pid)}: {all_ids[pid]} has the same name")
        all_ids[pid] = f.label
        shaped = f.shape(platform_model(tuple(topic_order)), words=False)
        guides, not_applicable = [], []
        for tid in topic_order:
            raw = getattr(shaped, tid.replace("-", "_"))
            rule_covered(f, tid, raw)
            if "not_applicable" in raw:
                na: NotApplicable = check_shape(f.label, f.text, raw, NotApplicable, (tid,))
                not_applicable.append((tid, na.not_applicable))
                continue
            table: GuideTable = check_shape(f.label, f.text, raw, GuideTable, (tid,))
            guide = TopicGuide(**msgspec.structs.asdict(_guide_rules(f, (tid,), table, today, allow_http)), topic=tid)
            guides.append(guide)
            links.append(Link(guide.url, guide.title, guide.checked, f.label, f"{tid}.url"))
        rule_words_fit(f, (), f.data)
        if not guides:
            raise f.fail((), "expected a guide for at least one topic, not only not_applicable")
        kinds[kind_dir].append(
            Platform(pid, shaped.name, kind_dir[:-1], tuple(guides), tuple(not_applicable), shaped.account)
        )
        if shaped.account is not None:
            signs_in_with.append((f, shaped.account))
    if not kinds["platforms"]:
        raise ContentError(base_dir / "platforms", "expected at least one platform file")
    platform_ids = [p.id for p in kinds["accounts"] + kinds["platforms"]]
    for f, account in signs_in_with:
        rule_known(f, ("account",), account, [p.id for p in kinds["accounts"]], "account (a file in accounts/)")

    # guides.toml
    f = read("guides.toml")
    general: Guides = f.shape(Guides)
    rule_unique_ids(f, "guide", [g.id for g in general.guide])
    for i, guide in enumerate(general.guide):
        rule_checked_not_in_future(f, ("guide", i, "checked"), guide.checked, today)
        rule_url(f, ("guide", i, "url"), guide.url, allow_http)
        if guide.platform is not None:
            rule_known(f, ("guide", i, "platform"), guide.platform, platform_ids, "platform")
        links.append(Link(guide.url, guide.title, guide.checked, f.label, f"guide[{i}].url"))

    # helplines.toml
    f = read("helplines.toml")
    helplines: Helplines = f.shape(Helplines)
    rule_unique_ids(f, "helpline", [h.id for h in helplines.helpline])
    for i, line in enumerate(helplines.helpline):
        rule_checked_not_in_future(f, ("helpline", i, "checked"), line.checked, today)
        rule_url(f, ("helpline", i, "url"), line.url, allow_http)
        if line.url:
            links.append(Link(line.url, line.name, line.checked, f.label, f"helpline[{i}].url"))
    helpline_ids = [h.id for h in helplines.helpline]

    # organisation.toml and staff.toml
    f = read("organisation.toml")
    organisation: Organisation = f.shape(Organisation)
    for j, hid in enumerate(organisation.helplines):
        rule_known(f, ("helplines", j), hid, helpline_ids, "helpline")
    staff: Staff = read("staff.toml").shape(Staff)

    # plan.toml: questions, and rules that name questions, items and topics that exist
    f = read("plan.toml")
    plan: PlanFile = f.shape(PlanFile)
    rule_unique_ids(f, "question", [q.id for q in plan.question])
    question_ids = [q.id for q in plan.question]
    item_ids = [i.id for i in items]
    for i, rule in enumerate(plan.rule):
        rule_known(f, ("rule", i, "question"), rule.question, question_ids, "question")
        for j, iid in enumerate(rule.items):
            rule_known(f, ("rule", i, "items", j), iid, item_ids, "checklist item")
        for j, tid in enumerate(rule.topics):
            rule_known(f, ("rule", i, "topics", j), tid, topic_order, "topic")
        if not rule.items and not rule.topics and not rule.not_now and not rule.needs_account:
            raise f.fail(("rule", i), "this rule changes nothing: give it items, topics, not_now or needs_account")

    # phone-check.toml: the guided phone check, one guide per check, each for a device that exists
    f = read("phone-check.toml")
    phone: PhoneCheckFile = f.shape(PhoneCheckFile)
    rule_unique_ids(f, "check", [c.id for c in phone.check])
    device_ids = [p.id for p in kinds["devices"]]
    checks = []
    for i, check in enumerate(phone.check):
        rule_known(f, ("check", i, "device"), check.device, device_ids, "device (a file in devices/)")
        checks.append(_guide_rules(f, ("check", i), check, today, allow_http))
        links.append(Link(check.url, check.title, check.checked, f.label, f"check[{i}].url"))
    phone = msgspec.structs.replace(
        phone, check=tuple(checks),
        prepare=_guide_rules(f, ("prepare",), phone.prepare, today, allow_http),
        undo=_guide_rules(f, ("undo",), phone.undo, today, allow_http),
    )
    for name in ("prepare", "undo"):
        table = getattr(phone, name)
        links.append(Link(table.url, table.title, table.checked, f.label, f"{name}.url"))

    pack = ContentPack(
        topics=checklist.topic,
        items=tuple(items),
        platforms=tuple(kinds["platforms"]),
        devices=tuple(kinds["devices"]),
        accounts=tuple(kinds["accounts"]),
        guides=general.guide,
        helplines=helplines.helpline,
        organisation=organisation,
        staff=staff,
        plan=plan,
        phone_check=phone,
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


def pack_topics(override: str | os.PathLike[str] | None = None) -> tuple[str, ...]:
    """The topic ids of the checklist in use (the override's checklist.toml, else the shipped one), read
    from that file alone: the schemas can be made before the platform files cover a new topic."""
    base_dir = shipped_content_dir()
    override_dir = Path(override) if override is not None else None
    if override_dir is not None:
        _check_override_dir(override_dir)
    path = content_files(base_dir, override_dir)["checklist.toml"]
    text, data = read_toml(path, str(path), ContentError)
    checklist: Checklist = _File(str(path), text, _strip(data)).shape(Checklist)
    return tuple(t.id for t in checklist.topic)
