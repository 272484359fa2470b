"""The staff PIN: digits 0-9 only, sane scrypt costs, and a lockout kept on disk so a crash does not reset it."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import not_a_file, run_cli
from safetyhelper.config import (
    PIN_LOCK_FILE,
    ConfigError,
    PinLock,
    check_pin,
    hash_pin,
    load_config,
)

PIN = "2468"
HASH = hash_pin(PIN)


@pytest.fixture(autouse=True)
def state(tmp_path, monkeypatch) -> Path:
    """Each test has its own state folder (where the lock file lives), never the developer's."""
    folder = tmp_path / "state"
    monkeypatch.setenv("XDG_STATE_HOME", str(folder))
    return folder / "safetyhelper"


def lock_file(state: Path) -> Path:
    return state / PIN_LOCK_FILE


def in_a_new_process(code: str) -> subprocess.CompletedProcess:
    """Run ``code`` in a fresh interpreter (same state folder), as the app would after a restart."""
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, env=dict(os.environ))


def scrypt_hash(pin: str, n: int, r: int, p: int) -> str:
    salt = bytes(range(16))
    digest = hashlib.scrypt(pin.encode(), salt=salt, n=n, r=r, p=p, dklen=32, maxmem=2**30)
    return f"scrypt${n}${r}${p}${salt.hex()}${digest.hex()}"


# ---------------------------------------------------------------- the lockout survives a crash


def test_wrong_tries_in_one_process_still_lock_a_new_one(state):
    result = in_a_new_process(
        "from safetyhelper.config import PinLock\n"
        "lock = PinLock()\n"
        f"print([lock.attempt('1111', {HASH!r}) for _ in range(5)])\n"
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[False, False, False, False, False]"
    after_restart = PinLock()
    assert 50 < after_restart.locked_for() <= 60
    assert not after_restart.attempt(PIN, HASH)  # even the right PIN, while locked


def test_the_count_carries_over_a_restart(state):
    result = in_a_new_process(
        f"from safetyhelper.config import PinLock\nlock = PinLock()\nfor _ in range(3): lock.attempt('1111', {HASH!r})\n"
    )
    assert result.returncode == 0, result.stderr
    lock = PinLock()
    assert lock.locked_for() == 0
    assert not lock.attempt("1111", HASH) and lock.locked_for() == 0  # the fourth
    assert not lock.attempt("1111", HASH) and lock.locked_for() > 50  # the fifth, across two processes


def test_a_crash_while_the_pin_is_checked_still_counts(state):
    # The process dies the moment scrypt is called (as if killed during the check), before any result.
    result = in_a_new_process(
        "import hashlib, os, sys\n"
        "from safetyhelper.config import PinLock\n"
        "lock = PinLock()\n"
        "sys.setprofile(lambda frame, event, arg: os._exit(70) if event == 'c_call' and arg is hashlib.scrypt else None)\n"
        f"lock.attempt('1111', {HASH!r})\n"
        "os._exit(0)\n"
    )
    assert result.returncode == 70, result.stderr
    assert json.loads(lock_file(state).read_text())["wrong"] == 1


def test_the_right_pin_clears_the_count(state):
    lock = PinLock()
    for _ in range(4):
        assert not lock.attempt("1111", HASH)
    assert lock.attempt(PIN, HASH)
    assert json.loads(lock_file(state).read_text()) == {"wrong": 0, "locked_until": 0.0}
    restarted = PinLock()
    for _ in range(4):
        assert not restarted.attempt("1111", HASH)
    assert restarted.locked_for() == 0


def test_the_lock_file_is_private_and_holds_two_numbers_only(state):
    PinLock().attempt("1111", HASH)
    path = lock_file(state)
    assert (path.stat().st_mode & 0o777) == 0o600
    data = json.loads(path.read_text())
    assert data == {"wrong": 1, "locked_until": 0.0}
    assert sorted(p.name for p in state.iterdir()) == [PIN_LOCK_FILE]  # no temporary file left behind


def test_the_lock_ends_by_the_wall_clock_and_a_clock_put_back_gives_one_lock_only(state):
    now = [1_700_000_000.0]
    lock = PinLock(clock=lambda: now[0])
    for _ in range(5):
        lock.attempt("1111", HASH)
    assert json.loads(lock_file(state).read_text())["locked_until"] == now[0] + 60
    now[0] -= 86_400  # the clock goes back a day: still one minute, not a day and a minute
    assert PinLock(clock=lambda: now[0]).locked_for() == 60
    now[0] += 61
    assert PinLock(clock=lambda: now[0]).attempt(PIN, HASH)


@pytest.mark.parametrize(
    "garbage",
    [
        b"",
        b"not json at all",
        b"\xff\xfe\x00",
        b"[1, 2]",
        b'{"wrong": "3", "locked_until": 0}',
        b'{"wrong": true, "locked_until": 0}',
        b'{"wrong": 99, "locked_until": 0}',
        b'{"wrong": -1, "locked_until": 0}',
        b'{"wrong": 0, "locked_until": NaN}',
        b'{"wrong": 0, "locked_until": 0, "note": "x"}',
        b"[" * 100_000,
        b" " * 10_000,
    ],
    ids=lambda garbage: repr(garbage[:40]) + (f"...({len(garbage)} bytes)" if len(garbage) > 40 else ""),
)
def test_a_garbled_lock_file_counts_as_one_lock_and_then_heals(state, garbage):
    state.mkdir(parents=True)
    lock_file(state).write_bytes(garbage)
    now = [1_700_000_000.0]
    lock = PinLock(clock=lambda: now[0])
    assert lock.locked_for() == 60  # fail safe: one lock, no error
    assert not lock.attempt(PIN, HASH)
    assert PinLock(clock=lambda: now[0]).locked_for() == 60  # the file now says so too: not a second lock
    now[0] += 61
    assert lock.attempt(PIN, HASH)
    assert json.loads(lock_file(state).read_text()) == {"wrong": 0, "locked_until": 0.0}


@pytest.mark.parametrize("kind", ["folder", "fifo"])
def test_a_lock_file_that_cannot_be_read_counts_as_one_lock(state, kind):
    path = lock_file(state)
    state.mkdir(parents=True)
    not_a_file(path, kind)
    now = [1_700_000_000.0]
    lock = PinLock(clock=lambda: now[0])
    assert lock.locked_for() == 60  # never blocks on the FIFO, never raises
    now[0] += 30
    assert lock.locked_for() == 30  # counted once, not again at every look
    now[0] += 31
    assert lock.attempt(PIN, HASH)
    for _ in range(5):
        lock.attempt("1111", HASH)
    assert lock.locked_for() == 60  # still counting, in memory if need be


def test_a_missing_or_unwritable_state_folder_is_no_problem(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "new" / "deeper"))
    lock = PinLock()
    assert lock.locked_for() == 0 and not lock.attempt("1111", HASH)
    assert (tmp_path / "new" / "deeper" / "safetyhelper" / PIN_LOCK_FILE).is_file()
    # /proc/self cannot hold new folders, even for root: the count stays in memory.
    lock = PinLock(path="/proc/self/safetyhelper/pin-lock.json")
    for _ in range(5):
        assert not lock.attempt("1111", HASH)
    assert lock.locked_for() > 50


# ---------------------------------------------------------------- digits 0 to 9 only


#: Arabic-Indic, Persian and full-width digits (a UK keyboard types none of them), a newline, a space, too few, too many.
OTHER_PINS = ["\u0661\u0662\u0663\u0664", "\u06f1\u06f2\u06f3\u06f4", "\uff11\uff12\uff13\uff14", "12\u06634", "1234\n", " 1234", "123", "1" * 13]


@pytest.mark.parametrize("pin", OTHER_PINS)
def test_a_pin_is_4_to_12_of_the_digits_0_to_9(pin):
    with pytest.raises(ValueError, match="4 to 12 digits"):
        hash_pin(pin)
    assert not check_pin(pin, HASH)


def test_set_pin_refuses_digits_a_uk_keyboard_cannot_type(tmp_path):
    path = tmp_path / "config.toml"
    path.write_text('printer = "office"\n')
    result = run_cli("--config", str(path), "config", "set-pin", input="\u0661\u0662\u0663\u0664\n" * 2)  # Arabic-Indic 1234
    assert result.returncode == 2 and "4 to 12 digits (0 to 9)" in result.stderr
    assert path.read_text() == 'printer = "office"\n'


# ---------------------------------------------------------------- scrypt costs in a sane range


@pytest.mark.parametrize(
    "n, r, p, words",
    [
        (2**13, 8, 1, "N must be a power of two from 16384 to 1048576, not 8192"),
        (2**21, 8, 1, "N must be a power of two from 16384 to 1048576, not 2097152"),
        (3 * 2**14, 8, 1, "N must be a power of two"),
        (2**14, 0, 1, "r must be from 1 to 32, not 0"),
        (2**14, 33, 1, "r must be from 1 to 32, not 33"),
        (2**14, 8, 0, "p must be from 1 to 16, not 0"),
        (2**14, 8, 17, "p must be from 1 to 16, not 17"),
    ],
)
def test_config_check_refuses_scrypt_costs_out_of_range(tmp_path, n, r, p, words):
    stored = f"scrypt${n}${r}${p}${'ab' * 16}${'cd' * 32}"
    path = tmp_path / "config.toml"
    path.write_text(f'kiosk = true\npin_hash = "{stored}"\n')
    with pytest.raises(ConfigError) as info:
        load_config(path, environ={})
    assert info.value.field == "pin_hash" and info.value.line == 2 and words in info.value.message
    result = run_cli("--config", str(path), "config", "check")
    assert result.returncode == 2 and "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "pin_hash" in lines[0] and words in lines[0] and str(path) in lines[0]
    assert not check_pin(PIN, stored)


def test_config_check_refuses_a_huge_n_in_one_line(tmp_path):
    path = tmp_path / "config.toml"
    path.write_text(f'pin_hash = "scrypt${2**40}$8$1${"ab" * 16}${"cd" * 32}"\n')
    result = run_cli("--config", str(path), "config", "check")
    assert result.returncode == 2 and len(result.stderr.strip().splitlines()) == 1 and "pin_hash" in result.stderr


def test_check_pin_refuses_costs_out_of_range_without_trying_them():
    calls = []

    def watch(frame, event, arg):
        if event == "c_call" and arg is hashlib.scrypt:
            calls.append(arg)

    # Real hashes of the right PIN, made with costs out of range: if check_pin tried them, they would match.
    cheap_n = scrypt_hash(PIN, 2**10, 8, 1)
    many_p = scrypt_hash(PIN, 2**14, 1, 17)
    huge_n = f"scrypt${2**24}$8$1${'ab' * 16}${'cd' * 32}"  # 16 GiB if it were tried
    sys.setprofile(watch)
    try:
        results = [check_pin(PIN, cheap_n), check_pin(PIN, many_p), check_pin(PIN, huge_n)]
    finally:
        sys.setprofile(None)
    assert results == [False, False, False] and calls == []


def test_costs_in_range_above_openssls_default_memory_still_work():
    stored = scrypt_hash(PIN, 2**16, 8, 1)  # 64 MiB: more than OpenSSL allows without maxmem
    assert check_pin(PIN, stored) and not check_pin("1111", stored)
