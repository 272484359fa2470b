"""The content shape declared once (safetyhelper/model.py): the JSON Schemas for editors, the `#:schema`
lines, an independent validator (Taplo) that agrees with the loader, and the docs' field table."""

from __future__ import annotations

import json
import random
import re
import shutil
import subprocess
import sys
from pathlib import Path

import msgspec
import pytest
import tomlkit
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import content_error, override_with, run_cli, shipped_text
from safetyhelper.content import ContentError, load_content, shipped_content_dir
from safetyhelper.schema import SCHEMA_DIR, SCHEMA_FILES, field_reference, schema_line, schema_text, schemas

ROOT = Path(__file__).resolve().parent.parent
SHIPPED = shipped_content_dir()
PACK = load_content()
TOPICS = tuple(t.id for t in PACK.topics)
TAPLO = shutil.which("taplo", path=str(Path(sys.executable).parent)) or shutil.which("taplo")
DOCS = ROOT / "docs" / "content-format.md"


def kind_of(rel: str) -> str:
    return rel.split("/", 1)[0] if "/" in rel else rel


def shipped_files() -> list[str]:
    """The shipped content files with a schema (translations under locales/ are overlays of words, checked
    by the loader against the English files)."""
    return sorted(str(p.relative_to(SHIPPED)) for p in SHIPPED.rglob("*.toml") if p.relative_to(SHIPPED).parts[0] != "locales")


def taplo_check(folder: Path, *files: str) -> subprocess.CompletedProcess:
    assert TAPLO, "taplo is a test dependency (pip install taplo)"
    return subprocess.run([TAPLO, "check", *files], cwd=folder, capture_output=True, text=True, timeout=60)


# --------------------------------------------------------------------------- the shipped schemas


def test_the_shipped_schemas_are_the_ones_the_models_make():
    made = schemas(TOPICS)
    on_disk = {p.name for p in (SHIPPED / SCHEMA_DIR).glob("*.json")}
    assert on_disk == set(made) == set(SCHEMA_FILES.values())
    for name, schema in made.items():
        assert (SHIPPED / SCHEMA_DIR / name).read_text(encoding="utf-8") == schema_text(schema), (
            f"{name} is out of date: run `safetyhelper content schema --out content/schemas`"
        )


def test_every_shipped_file_starts_with_its_schema_line():
    for rel in shipped_files():
        first = (SHIPPED / rel).read_text(encoding="utf-8").splitlines()[0]
        assert first == schema_line(kind_of(rel)), rel
        target = (SHIPPED / rel).parent / first.removeprefix("#:schema ")
        assert target.resolve().is_file(), rel


def test_schemas_describe_every_field_and_forbid_unknown_keys():
    for name, schema in schemas(TOPICS).items():
        for def_name, definition in schema["$defs"].items():
            assert definition.get("additionalProperties") is False, (name, def_name)
            assert definition.get("description"), (name, def_name)
            for prop, spec in definition["properties"].items():
                assert spec.get("description"), (name, def_name, prop)
    platform = schemas(TOPICS)["platform.schema.json"]
    top = platform["$defs"][platform["$ref"].rsplit("/", 1)[1]]
    assert set(top["required"]) == {"name", *TOPICS}  # a platform covers every topic
    device = schemas(TOPICS)["device.schema.json"]
    assert set(device["$defs"][device["$ref"].rsplit("/", 1)[1]]["required"]) == {"name", *TOPICS}  # or not_applicable


def test_the_command_writes_the_schemas_for_the_pack_in_use(tmp_path):
    # A new topic: its schema comes before any platform file covers it (then the pack would not load yet).
    checklist = shipped_text("checklist.toml").replace("[[item]]", '[[topic]]\nid = "money"\ntitle = "Money"\n\n[[item]]', 1)
    folder = override_with(tmp_path / "pack", {"checklist.toml": checklist})
    out = tmp_path / "out"
    result = run_cli("content", "schema", "--content", str(folder), "--out", str(out))
    assert result.returncode == 0, result.stderr
    assert sorted(p.name for p in out.iterdir()) == sorted(set(SCHEMA_FILES.values()))
    platform = json.loads((out / "platform.schema.json").read_text())
    assert "money" in platform["$defs"]["PlatformFile"]["properties"]  # the organisation's own topic


def test_the_command_says_in_one_line_when_it_cannot_write(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    result = run_cli("content", "schema", "--out", str(blocker / "schemas"))
    assert result.returncode != 0 and "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1 and "cannot write the schemas" in result.stderr


# --------------------------------------------------------------------------- Taplo agrees with the loader


def test_taplo_accepts_every_shipped_file():
    result = taplo_check(SHIPPED, *shipped_files())
    assert result.returncode == 0, result.stdout + result.stderr


BROKEN = {
    "unknown key": ("platforms/x.toml", lambda t: t.replace("\nurl = ", '\ncolour = "red"\nurl = ', 1)),
    "wrong type": ("platforms/x.toml", lambda t: re.sub(r'\ntitle = "[^"]*"', "\ntitle = 5", t, count=1)),
    "missing required": ("helplines.toml", lambda t: re.sub(r'\nhours = "[^"]*"', "", t, count=1)),
    "empty steps": ("devices/iphone.toml", lambda t: re.sub(r"steps = \[.*?\n\]", "steps = []", t, count=1, flags=re.S)),
    "bad id": ("checklist.toml", lambda t: t.replace('id = "public"', 'id = "Public Posts"', 1)),
    "bad status": ("guides.toml", lambda t: t.replace('status = "ok"', 'status = "fine"', 1)),
    "bad nation": ("helplines.toml", lambda t: t.replace('"England"', '"Narnia"', 1)),
    "not https": ("platforms/x.toml", lambda t: t.replace('url = "https://', 'url = "ftp://', 1)),
    "blank text": ("staff.toml", lambda t: re.sub(r'\ntitle = "[^"]*"', '\ntitle = "   "', t, count=1)),
    "too long": ("organisation.toml", lambda t: re.sub(r'\ndiscreet_title = "[^"]*"', '\ndiscreet_title = "' + "a " * 60 + '"', t, count=1)),
    "step table typo": ("checklist.toml", lambda t: t.replace("warning = ", "warnin = ", 1)),
    "not a date": ("guides.toml", lambda t: t.replace("checked = 2026-11-24", 'checked = "last week"', 1)),
}


@pytest.mark.parametrize("case", sorted(BROKEN))
def test_a_broken_file_is_refused_by_both_the_schema_and_content_check(tmp_path, case):
    rel, breaks = BROKEN[case]
    text = breaks(shipped_text(rel))
    assert text != shipped_text(rel), case
    # Taplo, in a copy of the shipped pack (with its schemas) where the broken file replaces the real one.
    copy = tmp_path / "pack"
    shutil.copytree(SHIPPED, copy)
    (copy / rel).write_text(text, encoding="utf-8")
    result = taplo_check(copy, rel)
    assert result.returncode != 0, (case, result.stdout + result.stderr)
    # The loader, as an override: one error naming the file, the line and the field.
    err = content_error(tmp_path / "override", rel, text)
    assert err.file.endswith(rel.split("/")[-1]) and err.line and err.field, (case, str(err))
    result = run_cli("content", "check", "--content", str(tmp_path / "override"))
    assert result.returncode == 2 and len(result.stderr.strip().splitlines()) == 1, (case, result.stderr)


@pytest.mark.parametrize(
    ("case", "expected"),
    [
        ("unknown key", "privacy.colour: unknown key: expected one of title, url, checked, steps, note"),
        ("wrong type", "expected text in quotes, got a number"),
        ("missing required", "hours: missing (required)"),
        ("bad id", "expected an id of lower-case letters, digits and hyphens, got 'Public Posts'"),
        ("bad status", "status: expected one of check, ok, got 'fine'"),
        ("bad nation", "nations[0]: expected one of England, Northern Ireland, Scotland, Wales, got 'Narnia'"),
        ("blank text", "title: expected text, got an empty string"),
        ("too long", "discreet_title: too long: 119 characters, at most 80 for a discreet_title"),
        ("step table typo", "unknown key: expected one of text, warning, discreet"),
        ("not a date", "checked: expected a date like 2026-11-24 (no quotes), got text"),
    ],
)
def test_the_loaders_errors_say_what_was_expected_in_plain_words(tmp_path, case, expected):
    rel, breaks = BROKEN[case]
    err = content_error(tmp_path, rel, breaks(shipped_text(rel)))
    assert expected in str(err), str(err)
    assert "`" not in str(err) and "$." not in str(err)  # none of the library's own wording


# --------------------------------------------------------------------------- the docs


def test_the_docs_field_table_is_the_one_the_models_make():
    text = DOCS.read_text(encoding="utf-8")
    start, end = "<!-- fields: made by `safetyhelper content schema --markdown` -->", "<!-- fields: end -->"
    assert start in text and end in text
    block = text.split(start, 1)[1].split(end, 1)[0].strip()
    assert block == field_reference(TOPICS).strip(), "docs/content-format.md: run `safetyhelper content schema --markdown`"


def test_the_markdown_command_prints_the_table():
    result = run_cli("content", "schema", "--markdown")
    assert result.returncode == 0 and result.stdout == field_reference(TOPICS)


# --------------------------------------------------------------------------- fuzzing the model

FILES = ["checklist.toml", "helplines.toml", "guides.toml", "organisation.toml", "staff.toml", "platforms/x.toml", "devices/iphone.toml"]
leaf = st.one_of(
    st.text(max_size=20), st.integers(), st.integers(min_value=10**40, max_value=10**60), st.booleans(),
    st.floats(allow_nan=False, allow_infinity=False), st.dates(), st.datetimes(), st.lists(st.text(max_size=5), max_size=3),
    st.dictionaries(st.sampled_from(["text", "warning", "discreet", "id", "zz"]), st.text(max_size=5), max_size=3),
)


def _paths(value, prefix=()):
    yield prefix
    if isinstance(value, dict):
        for k, v in value.items():
            yield from _paths(v, prefix + (k,))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from _paths(v, prefix + (i,))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rel=st.sampled_from(FILES), pick=st.randoms(use_true_random=False), new=leaf, drop=st.booleans())
def test_a_real_file_with_any_one_value_changed_gives_one_plain_error_or_loads(tmp_path_factory, rel, pick, new, drop):
    """Any one value of a shipped file replaced (or removed): the pack loads, or one ContentError with the
    file, a line and the field's path, in our words, not the library's."""
    data = tomlkit.parse(shipped_text(rel)).unwrap()
    paths = [p for p in _paths(data) if p]
    path = pick.choice(paths)
    parent = data
    for part in path[:-1]:
        parent = parent[part]
    if drop and isinstance(parent, dict):
        del parent[path[-1]]
    else:
        parent[path[-1]] = new
    try:
        text = tomlkit.dumps(data)
    except Exception:  # tomlkit cannot write every value (a datetime in a list): nothing to test
        return
    folder = override_with(tmp_path_factory.mktemp("fuzz"), {rel: text})
    try:
        load_content(folder)
        return  # it loaded: the change was valid
    except ContentError as exc:
        err = exc
    message = str(err)
    assert err.file.endswith(rel.split("/")[-1]) or ": unknown " in message, message
    assert "`" not in message and "$." not in message and "\n" not in message, message
    assert len(message) < len(err.file) + 400, message
