"""The organisation's configuration (no Textual): a TOML file, environment variables and options.

Precedence, highest first: command-line option, environment variable, configuration file, default.
The file lives in the user's config folder (platformdirs), or wherever ``--config FILE`` says. It holds
settings only, never anything of a session. The kiosk PIN is stored as a salted scrypt hash.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from safetyhelper.content import ContentError, find_line, hidden_character, read_toml, shown
from safetyhelper.files import UnreadableFile, read_limited, write_atomic

APP_NAME = "safetyhelper"
ENV_CONFIG = "SAFETYHELPER_CONFIG"

#: scrypt cost: 2**14 x 8 x 1 takes about 50 ms here; enough to make guessing a short PIN offline slow.
SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**14, 8, 1
#: The scrypt costs a stored hash may name: N a power of two in this range, r and p in theirs. Anything
#: else is refused before it is tried (a huge N or r would take gigabytes of memory).
SCRYPT_N_RANGE, SCRYPT_R_RANGE, SCRYPT_P_RANGE = (2**14, 2**20), (1, 32), (1, 16)
#: A PIN is ASCII digits only (``\d`` would take Arabic-Indic and other digits a UK keyboard cannot type).
PIN_RE = re.compile(r"^[0-9]{4,12}\Z")
HASH_RE = re.compile(r"^scrypt\$([0-9]{1,8})\$([0-9]{1,3})\$([0-9]{1,3})\$([0-9a-f]{32})\$([0-9a-f]{64})\Z")


class ConfigError(ContentError):
    """A problem in the configuration: one line naming the file, line, field and what was expected."""


def default_config_path() -> Path:
    from platformdirs import user_config_path

    return user_config_path(APP_NAME) / "config.toml"


def state_dir() -> Path:
    """Where the kiosk wrapper logs crashes (never session data)."""
    from platformdirs import user_state_path

    return user_state_path(APP_NAME)


# --------------------------------------------------------------------------- settings


def _bool(raw: str) -> bool:
    low = raw.strip().lower()
    if low in ("1", "true", "yes", "on"):
        return True
    if low in ("0", "false", "no", "off"):
        return False
    raise ValueError("expected true or false")


def _minutes(value: Any) -> float:
    if isinstance(value, str):
        try:
            if len(value) > 40:
                raise ValueError
            value = float(value)
        except ValueError:
            raise ValueError(f"expected a number of minutes, got {shown(value)}") from None
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value != value:
        raise ValueError("expected a number of minutes")
    if not 0 < value <= 24 * 60:
        raise ValueError(f"expected minutes between 0 and 1440, got {shown(value)}")
    return float(value)


def _text(value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ValueError("expected text in quotes")
    if len(value) > 4096:
        raise ValueError(f"too long: {len(value):,} characters")
    problem = hidden_character(value)
    if problem:
        raise ValueError(problem)
    return value.strip()


def _flag(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str):
        return _bool(value)
    raise ValueError("expected true or false")


def _theme(value: Any) -> str:
    name = _text(value)
    if not re.fullmatch(r"[a-z0-9][a-z0-9-]*", name):
        raise ValueError(f"expected a theme name such as high-contrast, got {shown(name)}")
    return name


def _language(value: Any) -> str:
    code = _text(value).lower()
    if not re.fullmatch(r"[a-z]{2,3}", code):
        raise ValueError(f"expected a language code such as en or cy, got {shown(code)}")
    return code


def _pin_hash(value: Any) -> str:
    text = _text(value)
    if not HASH_RE.match(text):
        raise ValueError("expected a hash made by 'safetyhelper config set-pin' (never the PIN itself)")
    problem = scrypt_cost_problem(text)
    if problem:
        raise ValueError(f"{problem}; make a new one with 'safetyhelper config set-pin'")
    return text


@dataclass(frozen=True)
class Setting:
    key: str
    env: str | None
    parse: Callable[[Any], Any]
    default: Any
    help: str


SETTINGS: tuple[Setting, ...] = (
    Setting("printer", "SAFETYHELPER_PRINTER", _text, None, "CUPS printer for take-home sheets (default: the system default)"),
    Setting("idle_minutes", "SAFETYHELPER_IDLE_MINUTES", _minutes, 10.0, "wipe the session after this many idle minutes"),
    Setting("content", "SAFETYHELPER_CONTENT", _text, None, "folder of the organisation's own content files"),
    Setting("theme", "SAFETYHELPER_THEME", _theme, "textual-dark", "the colour theme (high-contrast for low vision)"),
    Setting("language", "SAFETYHELPER_LANGUAGE", _language, "en", "the caseworker's screen language (en, or a translation such as cy)"),
    Setting("discreet", "SAFETYHELPER_DISCREET", _flag, False, "make discreet sheets by default"),
    Setting("large_print", "SAFETYHELPER_LARGE_PRINT", _flag, False, "make large-print sheets by default"),
    Setting("kiosk", "SAFETYHELPER_KIOSK", _flag, False, "kiosk mode: staff PIN to leave, no suspend"),
    Setting("save_folder", "SAFETYHELPER_SAVE_FOLDER", _text, None, "kiosk mode: the only folder sheets may be saved to"),
    Setting("pin_hash", None, _pin_hash, None, "the kiosk PIN as a salted scrypt hash (set with config set-pin)"),
)
KEYS = tuple(s.key for s in SETTINGS)


@dataclass
class Config:
    values: dict[str, Any] = field(default_factory=dict)
    #: key -> "default", "file", "environment" or "option"
    sources: dict[str, str] = field(default_factory=dict)
    path: Path | None = None

    def __getattr__(self, key: str) -> Any:
        try:
            return self.values[key]
        except KeyError:
            raise AttributeError(key) from None


def read_config_file(path: Path, *, must_exist: bool = False) -> dict[str, Any]:
    """Parse and validate the file; a missing file is an empty configuration (unless ``must_exist``).

    Only a regular file of at most 1 MB is read (never a FIFO, a device or a link loop), and every text
    in it must be free of control characters."""
    label = str(path)
    if not must_exist and not os.path.lexists(path):
        return {}
    text, data = read_toml(path, label, ConfigError)
    out = {}
    for key, value in data.items():
        setting = next((s for s in SETTINGS if s.key == key), None)
        if setting is None:
            raise ConfigError(
                label, "unknown key: expected one of " + ", ".join(KEYS), field=(key,), line=find_line(text, (key,))
            )
        try:
            out[key] = setting.parse(value)
        except (ValueError, TypeError, OverflowError) as exc:
            raise ConfigError(label, str(exc), field=(key,), line=find_line(text, (key,))) from None
    return out


def load_config(
    path: str | os.PathLike[str] | None = None,
    options: dict[str, Any] | None = None,
    environ: dict[str, str] | None = None,
) -> Config:
    """Settings in force. ``options`` holds only the options given on the command line (None = not given)."""
    environ = os.environ if environ is None else environ
    explicit = path or environ.get(ENV_CONFIG)
    config_path = Path(explicit) if explicit else default_config_path()
    try:
        from_file = read_config_file(config_path, must_exist=bool(explicit))
    except ConfigError as exc:
        if explicit and exc.message.endswith(": not found"):
            raise ConfigError(config_path, "configuration file not found (from --config or SAFETYHELPER_CONFIG)") from None
        raise
    cfg = Config(path=config_path)
    for s in SETTINGS:
        value, source = s.default, "default"
        if s.key in from_file:
            value, source = from_file[s.key], "file"
        if s.env and environ.get(s.env, "") != "":
            try:
                value, source = s.parse(environ[s.env]), "environment"
            except (ValueError, TypeError, OverflowError) as exc:
                raise ConfigError(f"environment variable {s.env}", str(exc)) from None
        opt = (options or {}).get(s.key)
        if opt is not None:
            try:
                value, source = s.parse(opt), "option"
            except (ValueError, TypeError, OverflowError) as exc:
                raise ConfigError(f"option --{s.key.replace('_', '-')}", str(exc)) from None
        cfg.values[s.key] = value
        cfg.sources[s.key] = source
    return cfg


def show(cfg: Config) -> str:
    lines = [f"Configuration file: {cfg.path}" + ("" if cfg.path and cfg.path.exists() else " (not there: defaults)")]
    width = max(len(k) for k in KEYS)
    for s in SETTINGS:
        value = cfg.values[s.key]
        if s.key == "pin_hash":
            shown = "set" if value else "not set"
        elif value is None:
            shown = "(none)"
        elif isinstance(value, bool):
            shown = "true" if value else "false"
        elif isinstance(value, float):
            shown = f"{value:g}"
        else:
            shown = str(value)
        lines.append(f"  {s.key.ljust(width)}  {shown.ljust(16)}  from {cfg.sources[s.key]}")
    return "\n".join(lines)


# --------------------------------------------------------------------------- the kiosk PIN


def hash_pin(pin: str, *, salt: bytes | None = None) -> str:
    if not PIN_RE.match(pin):
        raise ValueError("a PIN is 4 to 12 digits (0 to 9)")
    import hashlib  # here: only setting or checking a PIN needs them, not every start
    import secrets

    salt = salt or secrets.token_bytes(16)
    digest = hashlib.scrypt(pin.encode(), salt=salt, n=SCRYPT_N, r=SCRYPT_R, p=SCRYPT_P, dklen=32)
    return f"scrypt${SCRYPT_N}${SCRYPT_R}${SCRYPT_P}${salt.hex()}${digest.hex()}"


def scrypt_cost_problem(stored: str) -> str | None:
    """What is wrong with the scrypt costs a stored hash names (one phrase), or None if they are in range."""
    m = HASH_RE.match(stored)
    if not m:
        return "expected a hash made by 'safetyhelper config set-pin' (never the PIN itself)"
    n, r, p = int(m[1]), int(m[2]), int(m[3])
    (n_lo, n_hi), (r_lo, r_hi), (p_lo, p_hi) = SCRYPT_N_RANGE, SCRYPT_R_RANGE, SCRYPT_P_RANGE
    if not (n_lo <= n <= n_hi and n & (n - 1) == 0):
        return f"scrypt cost N must be a power of two from {n_lo} to {n_hi}, not {n}"
    if not r_lo <= r <= r_hi:
        return f"scrypt block size r must be from {r_lo} to {r_hi}, not {r}"
    if not p_lo <= p <= p_hi:
        return f"scrypt parallelism p must be from {p_lo} to {p_hi}, not {p}"
    return None


def check_pin(pin: str, stored: str | None) -> bool:
    """Whether ``pin`` is the PIN ``stored`` was made from. A PIN that is not 4 to 12 digits 0-9, a malformed
    hash and a hash naming scrypt costs out of range are refused without running scrypt."""
    if not stored or not PIN_RE.match(pin):
        return False
    m = HASH_RE.match(stored)
    if not m or scrypt_cost_problem(stored):
        return False
    n, r, p, salt, digest = int(m[1]), int(m[2]), int(m[3]), bytes.fromhex(m[4]), m[5]
    maxmem = 128 * r * (n + p + 2) + 2**20  # what scrypt needs; OpenSSL's default allows only N <= 2**14
    import hashlib
    import hmac

    try:
        got = hashlib.scrypt(pin.encode(), salt=salt, n=n, r=r, p=p, dklen=32, maxmem=maxmem).hex()
    except (ValueError, MemoryError):
        return False
    return hmac.compare_digest(got, digest)


def write_setting(path: Path, key: str, value: Any) -> None:
    """Set one key in the configuration file, keeping its comments and layout; atomic replace, 0600."""
    import tomlkit

    if key not in KEYS:
        raise ValueError(f"unknown setting {key}")
    path.parent.mkdir(parents=True, exist_ok=True)
    doc = tomlkit.parse(path.read_text(encoding="utf-8")) if path.exists() else tomlkit.document()
    doc[key] = value
    write_atomic(path, tomlkit.dumps(doc).encode("utf-8"), mode=0o600)


#: In the state folder: the count of wrong PINs and the end of a lock. Two numbers, never session data.
PIN_LOCK_FILE = "pin-lock.json"


class PinLock:
    """Counts wrong PINs: after ``limit`` wrong tries in a row the prompt is locked for ``seconds``.

    The count and the end of the lock (wall-clock time) live in a small file (``path``; by default
    pin-lock.json in the state folder), so a crash or a restart of the app does not reset them, and the
    kiosk wrapper and the app share them. A try is counted, and written, before the PIN is checked, so a
    crash during the check still counts; the right PIN clears the count. A file that cannot be read or
    makes no sense counts as one lock (fail safe), without a word to the user. If the file cannot be
    written, the count is kept in memory."""

    def __init__(
        self,
        limit: int = 5,
        seconds: float = 60.0,
        clock: Callable[[], float] | None = None,
        path: str | os.PathLike[str] | None = None,
    ):
        import time

        self.limit = limit
        self.seconds = seconds
        self.clock = clock or time.time
        self.path = Path(path) if path is not None else state_dir() / PIN_LOCK_FILE
        self.wrong = 0
        self.locked_until = 0.0
        self._unreadable: object = None  # the bad file (or error) already counted as a lock
        self._unsaved = False  # the last write failed: what is in memory is the truth

    def locked_for(self) -> float:
        self._load()
        return max(0.0, min(self.locked_until - self.clock(), self.seconds))

    def attempt(self, pin: str, stored: str | None) -> bool:
        if self.locked_for() > 0:
            return False
        self.wrong += 1
        if self.wrong >= self.limit:
            self.wrong = 0
            self.locked_until = self.clock() + self.seconds
        self._save()  # counted before the check: a crash while checking still counts
        if check_pin(pin, stored):
            self.wrong, self.locked_until = 0, 0.0
            self._save()
            return True
        return False

    def _load(self) -> None:
        if self._unsaved:
            return
        if not os.path.lexists(self.path):
            return  # nothing recorded: what is in memory stands
        try:
            raw: object = read_limited(self.path, 4096)
        except UnreadableFile as exc:
            raw = ("unreadable", str(exc))
        state = _parse_pin_lock(raw, self.limit) if isinstance(raw, bytes) else None
        now = self.clock()
        if state is not None:
            self.wrong, self.locked_until = state
            self._unreadable = None
        elif raw != self._unreadable:  # garbage, or unreadable: one lock, counted once
            self._unreadable = raw
            self.wrong, self.locked_until = 0, now + self.seconds
            self._save()
        if self.locked_until > now + self.seconds:  # the clock was put back: one lock from now
            self.locked_until = now + self.seconds
            self._save()

    def _save(self) -> None:
        import json

        data = json.dumps({"wrong": self.wrong, "locked_until": self.locked_until}).encode()
        try:
            self.path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
            write_atomic(self.path, data, mode=0o600)
        except OSError:
            self._unsaved = True
        else:
            self._unsaved = False


def _parse_pin_lock(raw: bytes, limit: int) -> tuple[int, float] | None:
    """(wrong tries, lock end) from the lock file, or None if it makes no sense."""
    import json
    import math

    try:
        data = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        return None
    if not isinstance(data, dict) or set(data) != {"wrong", "locked_until"}:
        return None
    wrong, until = data["wrong"], data["locked_until"]
    if type(wrong) is not int or not 0 <= wrong < limit:
        return None
    if type(until) not in (int, float) or not math.isfinite(until) or until < 0:
        return None
    return wrong, float(until)


def log_crash(exit_code: int, error_type: str | None, *, restarted: bool = True) -> Path:
    """One line per crash in the state folder: time, exit code, error type. Never session data."""
    folder = state_dir()
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "kiosk.log"
    stamp = dt.datetime.now().isoformat(timespec="seconds")
    then = "restarted" if restarted else "stopped until a staff PIN"
    with open(path, "a", encoding="utf-8") as log:  # a crash log, not session data
        log.write(f"{stamp} exited with code {exit_code}" + (f" ({error_type})" if error_type else "") + f"; {then}\n")
    return path
