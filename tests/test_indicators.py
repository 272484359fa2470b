"""Echap's indicator list: the shipped snapshot, the update against a real local HTTP server, and bad
input of every kind (one line, exit 2, the old snapshot kept)."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import NOT_A_FILE, not_a_file, run_cli
from safetyhelper import indicators as ind
from safetyhelper.phonescan import parse_components, parse_device_policy, parse_packages

SNAPSHOT = ind.load(ind.shipped_path())


def yaml_apps(n: int, *, kind: str = "stalkerware", prefix: str = "org.example") -> str:
    return "".join(
        f"- name: App {i}\n  type: {kind}\n  packages:\n  - {prefix}.app{i}\n  - {prefix}.app{i}.helper\n"
        f"  certificates:\n  - {i:040X}\n  websites:\n  - app{i}.example.org\n"
        for i in range(n)
    )


GOOD = {"ioc.yaml": yaml_apps(60), "watchware.yaml": yaml_apps(5, kind="watchware", prefix="org.family")}


@pytest.fixture
def data_dir(tmp_path, monkeypatch):
    folder = tmp_path / "data"
    monkeypatch.setenv("SAFETYHELPER_DATA_DIR", str(folder))
    return folder


def serve(httpserver, files: dict[str, str | bytes], status: int = 200) -> str:
    for name, body in files.items():
        httpserver.expect_request(f"/echap/{name}").respond_with_data(body, status=status)
    return httpserver.url_for("/echap")


def test_the_shipped_snapshot_is_dated_credited_and_quick_to_read():
    raw = json.loads(ind.shipped_path().read_bytes())
    assert raw["date"] == "2026-06-21" and raw["commit"].startswith("a04c5c1")
    assert raw["licence"] == "CC-BY-4.0" and "Echap" in raw["credit"]
    assert len(SNAPSHOT.apps) == 174 and SNAPSHOT.android_apps == 156 and len(SNAPSHOT.packages) == 641
    assert SNAPSHOT.match("com.systemservice").name == "TheTruthSpy"
    assert SNAPSHOT.match("com.life360.android.safetymapd").kind == "watchware"
    assert ind.shipped_path().stat().st_size < 32_000


def test_an_update_replaces_the_users_copy_and_is_then_used(httpserver, data_dir):
    base = serve(httpserver, GOOD)
    done = run_cli("phone", "indicators", "update", "--from", base, env={"SAFETYHELPER_DATA_DIR": str(data_dir)})
    assert done.returncode == 0, done.stderr
    assert "Updated: 65 known apps (130 package names)" in done.stdout
    saved = data_dir / ind.FILE_NAME
    found = ind.load()
    assert found.origin == str(saved) and found.date == dt.date.today()
    assert found.match("org.family.app3").kind == "watchware" and found.match("com.systemservice") is None
    assert [p.name for p in data_dir.iterdir()] == [ind.FILE_NAME], "no temporary file left beside it"
    shown = run_cli("phone", "indicators", "show", env={"SAFETYHELPER_DATA_DIR": str(data_dir)})
    assert "known monitoring apps: 65" in shown.stdout and "updated copy" in shown.stdout


@pytest.mark.parametrize(
    "files, status, said",
    [
        ({"ioc.yaml": "- name: [unclosed\n", "watchware.yaml": GOOD["watchware.yaml"]}, 200, "ioc.yaml, line"),
        ({"ioc.yaml": "name: not a list\n", "watchware.yaml": GOOD["watchware.yaml"]}, 200, "expected a list of apps"),
        ({"ioc.yaml": yaml_apps(3), "watchware.yaml": "[]\n"}, 200, "only 3 apps"),
        ({"ioc.yaml": "- name: X\n  type: adware\n  packages: [a.b]\n" + yaml_apps(60), "watchware.yaml": "[]"}, 200, "type: expected one of stalkerware, watchware"),
        ({"ioc.yaml": "- name: X\n  type: stalkerware\n  packages: [not a package]\n" + yaml_apps(60), "watchware.yaml": "[]"}, 200, "packages: expected a list of Android package names"),
        ({"ioc.yaml": "- 7\n", "watchware.yaml": "[]"}, 200, "entry 1: expected a table"),
        ({"ioc.yaml": b"\xff\xfe bad bytes", "watchware.yaml": "[]"}, 200, "not UTF-8"),
        ({"ioc.yaml": "[" * 5000, "watchware.yaml": "[]"}, 200, "ioc.yaml"),
        (GOOD, 404, "the server answered 404"),
    ],
)
def test_a_bad_update_is_refused_in_one_line_and_the_old_snapshot_kept(httpserver, data_dir, files, status, said):
    data_dir.mkdir()
    old = ind.Indicators(SNAPSHOT.apps, dt.date(2026, 6, 21), ind.SOURCE)
    ind.save(old, data_dir / ind.FILE_NAME)
    before = (data_dir / ind.FILE_NAME).read_bytes()
    base = serve(httpserver, files, status)
    done = run_cli("phone", "indicators", "update", "--from", base, env={"SAFETYHELPER_DATA_DIR": str(data_dir)})
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1 and "Traceback" not in done.stderr
    assert said in done.stderr
    assert (data_dir / ind.FILE_NAME).read_bytes() == before
    assert sorted(p.name for p in data_dir.iterdir()) == [ind.FILE_NAME]


def test_an_update_bigger_than_the_limit_is_refused(httpserver, data_dir, monkeypatch):
    monkeypatch.setattr(ind, "MAX_BYTES", 1000)
    base = serve(httpserver, {"ioc.yaml": "#" * 5000, "watchware.yaml": "[]"})
    with pytest.raises(ind.IndicatorError, match="more than"):
        ind.update(base)
    assert not (data_dir / ind.FILE_NAME).exists()


def test_no_network_is_one_line(data_dir):
    done = run_cli("phone", "indicators", "update", "--from", "http://127.0.0.1:9/echap",
                   env={"SAFETYHELPER_DATA_DIR": str(data_dir)})
    assert done.returncode == 2 and "could not fetch" in done.stderr and done.stderr.count("\n") == 1


@pytest.mark.parametrize("kind", ["fifo", "dev-zero link", "folder", "garbage", "deep", "wrong-format"])
def test_a_broken_users_copy_is_one_line_and_content_check_says_so(tmp_path, kind):
    folder = tmp_path / "data"
    folder.mkdir()
    target = folder / ind.FILE_NAME
    if kind in NOT_A_FILE:
        not_a_file(target, kind)
    elif kind == "garbage":
        target.write_bytes(b"\x00\x01not json")
    elif kind == "deep":
        target.write_text("[" * 100_000)
    else:
        target.write_text(json.dumps({"format": 99}))
    env = {"SAFETYHELPER_DATA_DIR": str(folder)}
    done = run_cli("phone", "indicators", "show", env=env)
    assert done.returncode == 2 and done.stderr.count("\n") == 1 and "Traceback" not in done.stderr
    assert str(target) in done.stderr
    checked = run_cli("content", "check", env=env)
    assert checked.returncode == 0
    assert "warning: known monitoring apps:" in checked.stdout and "phone indicators update" in checked.stdout


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=400))
def test_the_parsers_of_what_a_phone_prints_never_fail(text):
    packages = parse_packages(text)
    assert all(isinstance(k, str) for k in packages)
    assert isinstance(parse_components(text), set)
    assert set(parse_device_policy(text)) == {"device-owner", "profile-owner", "device-admin"}


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=300), st.text(max_size=100))
def test_any_fetched_text_is_checked_or_refused_with_one_indicator_error(ioc, watch):
    try:
        found = ind.from_yaml({"ioc.yaml": ioc, "watchware.yaml": watch}, date=dt.date(2026, 11, 26))
    except ind.IndicatorError as exc:
        assert "\n" not in str(exc)
    else:
        assert len(found.apps) >= ind.MIN_APPS


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=300))
def test_any_snapshot_bytes_are_read_or_refused_with_one_indicator_error(raw):
    try:
        ind.parse_json(raw, "x.json")
    except ind.IndicatorError as exc:
        assert str(exc).startswith("x.json: ") and "\n" not in str(exc)
