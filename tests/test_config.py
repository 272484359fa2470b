"""Configuration: precedence, every validation error, config show/check/set-pin, the PIN hash."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from conftest import run_cli
from safetyhelper.config import (
    ConfigError,
    PinLock,
    check_pin,
    hash_pin,
    load_config,
    read_config_file,
    write_setting,
)

GOOD = """\
# The interview room kiosk
printer = "office"
idle_minutes = 5
theme = "high-contrast"
discreet = true
"""


def cfg_file(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_precedence_option_then_environment_then_file_then_default(tmp_path):
    path = cfg_file(tmp_path, GOOD)
    cfg = load_config(path, environ={})
    assert (cfg.printer, cfg.sources["printer"]) == ("office", "file")
    assert (cfg.large_print, cfg.sources["large_print"]) == (False, "default")
    cfg = load_config(path, environ={"SAFETYHELPER_PRINTER": "hall", "SAFETYHELPER_IDLE_MINUTES": "3"})
    assert (cfg.printer, cfg.sources["printer"]) == ("hall", "environment")
    assert cfg.idle_minutes == 3.0
    cfg = load_config(path, options={"printer": "desk", "idle_minutes": "2"}, environ={"SAFETYHELPER_PRINTER": "hall"})
    assert (cfg.printer, cfg.sources["printer"]) == ("desk", "option")
    assert (cfg.idle_minutes, cfg.sources["idle_minutes"]) == (2.0, "option")
    assert (cfg.theme, cfg.discreet) == ("high-contrast", True)


def test_a_missing_default_file_means_defaults(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "nothing"))
    cfg = load_config(environ={"XDG_CONFIG_HOME": str(tmp_path / "nothing")})
    assert cfg.idle_minutes == 10.0 and cfg.kiosk is False and cfg.pin_hash is None
    assert set(cfg.sources.values()) == {"default"}


@pytest.mark.parametrize(
    "text, field, line, words",
    [
        ('printer = "office"\ncolour = "red"\n', "colour", 2, "unknown key: expected one of printer"),
        ('idle_minutes = "soon"\n', "idle_minutes", 1, "expected a number"),
        ("idle_minutes = 0\n", "idle_minutes", 1, "between 0 and 1440"),
        ("idle_minutes = 5000\n", "idle_minutes", 1, "between 0 and 1440"),
        ("discreet = 3\n", "discreet", 1, "expected true or false"),
        ('printer = ""\n', "printer", 1, "expected text"),
        ('theme = "Bright Pink!"\n', "theme", 1, "expected a theme name"),
        ('pin_hash = "1234"\n', "pin_hash", 1, "never the PIN itself"),
        ("kiosk = yes\n", None, 1, "TOML syntax error"),
    ],
)
def test_every_validation_error_names_file_line_and_field(tmp_path, text, field, line, words):
    path = cfg_file(tmp_path, text)
    with pytest.raises(ConfigError) as info:
        read_config_file(path)
    err = info.value
    assert err.file == str(path) and err.line == line and words in err.message
    if field:
        assert err.field == field
    result = run_cli("--config", str(path), "config", "check")
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1 and str(path) in result.stderr


def test_bad_environment_and_option_values_are_one_line(tmp_path):
    path = cfg_file(tmp_path, GOOD)
    result = run_cli("--config", str(path), "config", "show", env={"SAFETYHELPER_DISCREET": "perhaps"})
    assert result.returncode == 2 and "environment variable SAFETYHELPER_DISCREET: expected true or false" in result.stderr
    result = run_cli("--config", str(path), "--idle-minutes", "x", "config", "show")
    assert result.returncode == 2 and "option --idle-minutes: expected a number of minutes" in result.stderr


def test_unknown_theme_is_caught_by_config_check(tmp_path):
    path = cfg_file(tmp_path, 'theme = "no-such-theme"\n')
    result = run_cli("--config", str(path), "config", "check")
    assert result.returncode == 2 and "unknown theme 'no-such-theme'" in result.stderr and "high-contrast" in result.stderr


def test_missing_config_file_named_by_option(tmp_path):
    result = run_cli("--config", str(tmp_path / "nope.toml"), "config", "check")
    assert result.returncode == 2 and "configuration file not found" in result.stderr


def test_config_show_says_where_each_setting_came_from(tmp_path):
    path = cfg_file(tmp_path, GOOD)
    result = run_cli("--config", str(path), "--theme", "textual-light", "config", "show", env={"SAFETYHELPER_LARGE_PRINT": "yes"})
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert re.search(r"printer\s+office\s+from file", out)
    assert re.search(r"theme\s+textual-light\s+from option", out)
    assert re.search(r"large_print\s+true\s+from environment", out)
    assert re.search(r"kiosk\s+false\s+from default", out)
    assert re.search(r"pin_hash\s+not set", out)
    assert run_cli("--config", str(path), "config", "check").stdout.startswith("Configuration OK")


def test_set_pin_stores_a_salted_hash_never_the_pin(tmp_path):
    path = cfg_file(tmp_path, GOOD)
    result = run_cli("--config", str(path), "config", "set-pin", input="482916\n482916\n")
    assert result.returncode == 0, result.stderr
    text = path.read_text()
    assert "482916" not in text
    assert "# The interview room kiosk" in text and 'printer = "office"' in text  # comments and settings kept
    stored = read_config_file(path)["pin_hash"]
    assert check_pin("482916", stored) and not check_pin("482917", stored)
    assert (path.stat().st_mode & 0o777) == 0o600
    # Another salt, another hash for the same PIN.
    assert hash_pin("482916") != hash_pin("482916")


@pytest.mark.parametrize("entry, words", [("1234\n4321\n", "not the same"), ("12\n12\n", "4 to 12 digits"), ("abcd\nabcd\n", "4 to 12 digits")])
def test_set_pin_refuses_bad_pins_and_changes_nothing(tmp_path, entry, words):
    path = cfg_file(tmp_path, GOOD)
    result = run_cli("--config", str(path), "config", "set-pin", input=entry)
    assert result.returncode == 2 and words in result.stderr
    assert path.read_text() == GOOD


def test_pin_lock_after_five_wrong_tries():
    now = [1000.0]
    lock = PinLock(clock=lambda: now[0])
    stored = hash_pin("2468")
    for _ in range(4):
        assert not lock.attempt("0000", stored)
    assert lock.locked_for() == 0
    assert not lock.attempt("0000", stored)  # the fifth
    assert lock.locked_for() == 60
    assert not lock.attempt("2468", stored)  # even the right PIN, while locked
    now[0] += 61
    assert lock.attempt("2468", stored)


def test_write_setting_creates_the_file(tmp_path):
    path = tmp_path / "new" / "config.toml"
    write_setting(path, "printer", "office")
    assert read_config_file(path) == {"printer": "office"}


def test_an_unknown_theme_stops_the_app_with_one_line_not_a_traceback(tmp_path):
    result = run_cli("--theme", "no-such-theme")
    assert result.returncode == 2 and "option --theme: unknown theme 'no-such-theme'" in result.stderr
    assert "Traceback" not in result.stderr and len(result.stderr.strip().splitlines()) == 1
    path = cfg_file(tmp_path, 'theme = "no-such-theme"\n')
    result = run_cli("--config", str(path))
    assert result.returncode == 2 and f"{path}: theme: unknown theme" in result.stderr


def test_set_pin_where_the_file_cannot_be_written():
    # /proc/self cannot hold new folders, even for root.
    result = run_cli("config", "set-pin", input="2468\n2468\n", env={"XDG_CONFIG_HOME": "/proc/self"})
    assert result.returncode == 1 and "cannot write" in result.stderr and "PIN was not changed" in result.stderr
    assert "Traceback" not in result.stderr
