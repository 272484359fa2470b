"""Property tests: whatever a content file holds, loading ends in a pack or one ContentError, never a crash."""

from __future__ import annotations

import datetime as dt
import shutil
import tempfile
from pathlib import Path

import tomlkit
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import NOT_A_FILE, not_a_file, override_with, run_cli, shipped_text
from safetyhelper.config import KEYS as CONFIG_KEYS, ConfigError, load_config
from safetyhelper.content import ContentError, load_content

FILES = ["checklist.toml", "helplines.toml", "guides.toml", "organisation.toml", "staff.toml", "plan.toml", "platforms/x.toml",
         "accounts/google-account.toml"]
KEYS = ["name", "id", "title", "why", "url", "checked", "steps", "topics", "topic", "item", "privacy", "location",
        "security", "blocking", "reporting", "helpline", "guide", "nations", "status", "platform", "points",
        "helplines", "text", "warning", "note", "contact", "discreet_title", "number", "hours", "about", "zz",
        "sharing", "phone", "account", "does", "intro", "question", "rule", "answers", "items", "reason", "not_now",
        "needs_account"]

scalars = st.one_of(
    st.text(max_size=30),
    st.integers(),
    st.booleans(),
    st.floats(allow_nan=False, allow_infinity=False),
    st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2100, 1, 1)),
    st.sampled_from(["https://example.org/a", "http://example.org", "ftp://x", "https://" + "a" * 130]),
)
values = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.sampled_from(KEYS), inner, max_size=5),
    max_leaves=20,
)
documents = st.dictionaries(st.sampled_from(KEYS), values, max_size=6)


def _load_with(rel: str, data: bytes) -> None:
    folder = Path(tempfile.mkdtemp())
    try:
        path = folder / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        try:
            load_content(folder)
        except ContentError as err:
            # The error names the broken file, or (for an id another file refers to) that other file.
            assert str(err).startswith(str(path)) or ": unknown " in str(err), str(err)
            assert "\n" not in str(err).strip() or "TOML" in str(err)
            assert len(str(err)) < len(str(path)) + 400, "a bad value is echoed in full"
    finally:
        shutil.rmtree(folder)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rel=st.sampled_from(FILES), doc=documents)
def test_arbitrary_toml_documents_never_crash(rel, doc):
    _load_with(rel, tomlkit.dumps(doc).encode())


@settings(max_examples=150, deadline=None)
@given(rel=st.sampled_from(FILES), data=st.binary(max_size=200))
def test_arbitrary_bytes_never_crash(rel, data):
    _load_with(rel, data)


edit = st.tuples(st.sampled_from(["delete", "insert", "replace", "drop_line", "dup_line"]), st.floats(0, 1),
                 st.text(max_size=12))


def _apply(text: str, edits: list) -> str:
    for kind, where, new in edits:
        pos = int(where * len(text))
        lines = text.splitlines(keepends=True)
        li = min(int(where * len(lines)), len(lines) - 1) if lines else 0
        if kind == "delete":
            text = text[:pos] + text[pos + len(new) + 1 :]
        elif kind == "insert":
            text = text[:pos] + new + text[pos:]
        elif kind == "replace":
            text = text[:pos] + new + text[pos + len(new) :]
        elif kind == "drop_line" and lines:
            text = "".join(lines[:li] + lines[li + 1 :])
        elif kind == "dup_line" and lines:
            text = "".join(lines[: li + 1] + lines[li:])
    return text


@settings(max_examples=200, deadline=None)
@given(rel=st.sampled_from(FILES), edits=st.lists(edit, min_size=1, max_size=4))
def test_arbitrary_edits_of_valid_files_never_crash(rel, edits):
    _load_with(rel, _apply(shipped_text(rel), edits).encode("utf-8", "surrogatepass"))


def test_edited_files_give_one_line_and_exit_2_from_the_command(tmp_path):
    """The command line, not just the loader: a few broken edits, each one line on stderr and exit 2."""
    broken = {
        "checklist.toml": shipped_text("checklist.toml").replace("[[item]]", "[[item]\n", 1),
        "staff.toml": "points = 5\ntitle = [1]\n",
        "platforms/x.toml": shipped_text("platforms/x.toml").replace("checked = ", "checked = 99", 1),
    }
    for rel, text in broken.items():
        folder = override_with(tmp_path / rel.replace("/", "_"), {rel: text})
        result = run_cli("content", "check", "--content", str(folder))
        assert result.returncode == 2, (rel, result.stdout)
        assert len(result.stderr.strip().splitlines()) == 1 and "Traceback" not in result.stderr
        assert rel.split("/")[-1] in result.stderr


# ---------------------------------------------------------------- the audit's inputs (issue 9)

#: Text with the characters that break terminals and readers: control codes, bidi, zero-width, markup.
nasty_text = st.text(
    alphabet=st.sampled_from(list("ab [/]@=~\\\"'\n\t") + ["\x1b", "\x07", "\x9b", "\u202e", "\u2066", "\u200b", "\ufeff", "\x00", "é", "ŵ"]),
    max_size=40,
)
class Digits(str):
    """A TOML integer literal of up to 6,000 digits (as text: Python will not print such an int)."""


huge_ints = st.builds(lambda sign, n: Digits(sign + "9" * n), st.sampled_from(["", "-", "+"]), st.integers(1, 6000))


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rel=st.sampled_from(FILES), key=st.sampled_from(KEYS), value=st.one_of(nasty_text, huge_ints))
def test_hidden_characters_and_huge_numbers_anywhere_never_crash(rel, key, value):
    """A value planted in a real file: it loads, or gives one ContentError naming the file."""
    text = shipped_text(rel)
    planted = f"{key} = {value}\n" if isinstance(value, Digits) else tomlkit.dumps({key: value})
    # Put it at the top, where a key belongs to the file itself (or to its first table).
    _load_with(rel, (planted + text).encode("utf-8", "surrogatepass"))


@settings(max_examples=30, deadline=None)
@given(rel=st.sampled_from(FILES), depth=st.integers(1, 6000), kind=st.sampled_from(["[", "{ a = "]))
def test_deep_nesting_never_crashes(rel, depth, kind):
    closer = "]" if kind == "[" else " }"
    _load_with(rel, f"zz = {kind * depth}1{closer * depth}\n".encode())


@settings(max_examples=40, deadline=None)
@given(rel=st.sampled_from(FILES + ["devices/fake.toml"]), kind=st.sampled_from(NOT_A_FILE))
def test_files_that_are_not_files_give_one_error_at_once(rel, kind):
    folder = Path(tempfile.mkdtemp())
    try:
        path = folder / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        not_a_file(path, kind)
        try:
            load_content(folder)
        except ContentError as err:
            assert str(err).startswith(str(path)) and "\n" not in str(err), str(err)
        else:
            raise AssertionError(f"{kind} at {rel} was read as content")
    finally:
        shutil.rmtree(folder)


config_values = st.one_of(nasty_text, huge_ints, st.floats(), st.booleans(), st.lists(st.integers(), max_size=3),
                          st.dictionaries(st.text(max_size=5), st.integers(), max_size=2))


@settings(max_examples=150, deadline=None)
@given(doc=st.dictionaries(st.sampled_from([*CONFIG_KEYS, "zz"]), config_values, max_size=4))
def test_arbitrary_config_files_never_crash(doc):
    folder = Path(tempfile.mkdtemp())
    try:
        path = folder / "config.toml"
        text = "".join(f"{k} = {v}\n" if isinstance(v, Digits) else tomlkit.dumps({k: v}) for k, v in doc.items())
        path.write_text(text, encoding="utf-8")
        try:
            load_config(path, environ={})
        except ConfigError as err:
            assert "\n" not in str(err) and len(str(err)) < 400, str(err)
    finally:
        shutil.rmtree(folder)
