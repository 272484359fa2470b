"""The organisation's configuration (no Textual): a TOML file, environment variables and options.

Precedence, highest first: command-line option, environment variable, configuration file, default.
The file lives in the user's config folder (platformdirs), or wherever ``--config FILE`` says. It holds
settings only, never anything of a session. The kiosk PIN is stored as a salted scrypt hash.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import os
import re
import secrets
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from safetyhelper.content import ContentError, find_line
from safetyhelper.files import write_atomic

APP_NAME = "safetyhelper"
ENV_CONFIG = "SAFETYHELPER_CONFIG"

#: scrypt cost: 2**14 x 8 x 1 takes about 50 ms here; enough to make guessing a short PIN offline slow.
SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**14, 8, 1
PIN_RE = re.compile(r"^\d{4,12}$")
HASH_RE = re.compile(r"^scrypt\$(\d+)\$(\d+)\$(\d+)\$([0-9a-f]{32})\$([0-9a-f]{64})$")


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
            value = float(value)
        except ValueError:
            raise ValueError(f"expected a number of minutes, got {value!r}") from None
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value != value:
        raise ValueError("expected a number of minutes")
    if not 0 < value <= 24 * 60:
        raise ValueError(f"expected minutes between 0 and 1440, got {value:g}")
    return float(value)


def _text(value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ValueError("expected text in quotes")
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
        raise ValueError(f"expected a theme name such as high-contrast, got {name!r}")
    return name


def _pin_hash(value: Any) -> str:
    text = _text(value)
    if not HASH_RE.match(text):
        raise ValueError("expected a hash made by 'safetyhelper config set-pin' (never the PIN itself)")
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
    Setting("discreet", "SAFETYHELPER_DISCREET", _flag, False, "make discreet sheets by default"),
    Setting("large_print", "SAFETYHELPER_LARGE_PRINT", _flag, False, "make large-print sheets by default"),
    Setting("kiosk", "SAFETYHELPER_KIOSK", _flag, False, "kiosk mode: staff PIN to leave, no suspend"),
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


def read_config_file(path: Path) -> dict[str, Any]:
    """Parse and validate the file; a missing file is an empty configuration."""
    label = str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return {}
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(label, f"cannot read the file: {getattr(exc, 'strerror', None) or exc}") from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        msg = str(exc)
        m = re.search(r"\(at line (\d+), column \d+\)$", msg)
        msg = re.sub(r"\s*\(at (line \d+, column \d+|end of document)\)$", "", msg)
        raise ConfigError(label, f"TOML syntax error: {msg}", line=int(m.group(1)) if m else None) from None
    out = {}
    for key, value in data.items():
        setting = next((s for s in SETTINGS if s.key == key), None)
        if setting is None:
            raise ConfigError(
                label, "unknown key: expected one of " + ", ".join(KEYS), field=(key,), line=find_line(text, (key,))
            )
        try:
            out[key] = setting.parse(value)
        except (ValueError, TypeError) as exc:
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
    if explicit and not config_path.is_file():
        raise ConfigError(config_path, "configuration file not found (from --config or SAFETYHELPER_CONFIG)")
    from_file = read_config_file(config_path)
    cfg = Config(path=config_path)
    for s in SETTINGS:
        value, source = s.default, "default"
        if s.key in from_file:
            value, source = from_file[s.key], "file"
        if s.env and environ.get(s.env, "") != "":
            try:
                value, source = s.parse(environ[s.env]), "environment"
            except (ValueError, TypeError) as exc:
                raise ConfigError(f"environment variable {s.env}", str(exc)) from None
        opt = (options or {}).get(s.key)
        if opt is not None:
            try:
                value, source = s.parse(opt), "option"
            except (ValueError, TypeError) as exc:
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
        raise ValueError("a PIN is 4 to 12 digits")
    salt = salt or secrets.token_bytes(16)
    digest = hashlib.scrypt(pin.encode(), salt=salt, n=SCRYPT_N, r=SCRYPT_R, p=SCRYPT_P, dklen=32)
    return f"scrypt${SCRYPT_N}${SCRYPT_R}${SCRYPT_P}${salt.hex()}${digest.hex()}"


def check_pin(pin: str, stored: str | None) -> bool:
    if not stored:
        return False
    m = HASH_RE.match(stored)
    if not m:
        return False
    n, r, p, salt, digest = int(m[1]), int(m[2]), int(m[3]), bytes.fromhex(m[4]), m[5]
    try:
        got = hashlib.scrypt(pin.encode(), salt=salt, n=n, r=r, p=p, dklen=32).hex()
    except ValueError:
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


class PinLock:
    """Counts wrong PINs: after ``limit`` wrong tries in a row the prompt is locked for ``seconds``."""

    def __init__(self, limit: int = 5, seconds: float = 60.0, clock: Callable[[], float] | None = None):
        import time

        self.limit = limit
        self.seconds = seconds
        self.clock = clock or time.monotonic
        self.wrong = 0
        self.locked_until = 0.0

    def locked_for(self) -> float:
        return max(0.0, self.locked_until - self.clock())

    def attempt(self, pin: str, stored: str | None) -> bool:
        if self.locked_for() > 0:
            return False
        if check_pin(pin, stored):
            self.wrong = 0
            return True
        self.wrong += 1
        if self.wrong >= self.limit:
            self.wrong = 0
            self.locked_until = self.clock() + self.seconds
        return False


def log_crash(exit_code: int, error_type: str | None) -> Path:
    """One line per crash in the state folder: time, exit code, error type. Never session data."""
    folder = state_dir()
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "kiosk.log"
    stamp = dt.datetime.now().isoformat(timespec="seconds")
    with open(path, "a", encoding="utf-8") as log:  # a crash log, not session data
        log.write(f"{stamp} exited with code {exit_code}" + (f" ({error_type})" if error_type else "") + "; restarted\n")
    return path
