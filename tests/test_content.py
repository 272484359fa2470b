"""The content pack: the shipped pack is sound, and every validation rule names file, line and field."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import tomlkit

from conftest import content_error, override_with, run_cli, shipped_text
from safetyhelper.content import MAX_URL_BYTES, ContentError, find_line, load_content

POLICY_PLATFORMS = {"facebook", "x", "instagram", "linkedin", "snapchat", "youtube"}
TOPICS = ("privacy", "location", "sharing", "phone", "security", "blocking", "reporting")

DEVICE = """\
name = "Test phone"

[location]
title = "Turn off location"
url = "https://example.org/help/location"
checked = 2026-01-01
unverified = "Not tried on a phone yet."
steps = [
  "Open Settings.",
  { text = "Turn off Location.", warning = "Anyone who shares your location will see it stop." },
]
[privacy]
not_applicable = "Not in this test device."

[security]
not_applicable = "Not in this test device."

[blocking]
not_applicable = "Not in this test device."

[reporting]
not_applicable = "Not in this test device."

[sharing]
not_applicable = "Not in this test device."

[phone]
not_applicable = "Not in this test device."
"""


# ---------------------------------------------------------------- the shipped pack


def test_shipped_pack_loads_with_everything_the_policy_names():
    pack = load_content()
    # The policy's five, and shared set-ups and the phone itself (issue 12), before the account's password.
    assert [i.id for i in pack.items] == ["public", "recheck", "location", "sharing", "phone", "security", "safety-tools"]
    ids = {p.id for p in pack.platforms}
    assert POLICY_PLATFORMS | {"whatsapp", "tiktok"} <= ids
    assert {d.id for d in pack.devices} >= {"iphone", "android"}
    for p in pack.guided:
        # Every topic: a guide, or a reason it does not apply.
        assert {g.topic for g in p.guides} | {t for t, _ in p.not_applicable} == set(TOPICS), p.id
        for g in p.guides:
            assert g.steps and g.url.startswith("https://") and len(g.url.encode()) <= MAX_URL_BYTES
            assert g.checked <= dt.date.today()
    for d in pack.devices:
        assert {"location", "sharing", "phone"} <= {g.topic for g in d.guides}, d.id
    womens_aid = [g for g in pack.guides if "womensaid.org.uk/wp-content" in g.url]
    assert womens_aid and womens_aid[0].status == "check"
    assert any("refugetechsafety.org" in g.url for g in pack.guides)
    assert pack.organisation.discreet_title and pack.staff.points


def test_shipped_pack_flags_noticeable_steps_where_someone_could_notice():
    pack = load_content()
    security_item = next(i for i in pack.items if i.id == "security")
    assert any(s.noticeable for s in security_item.steps)
    for p in pack.guided:
        for g in p.guides:
            if g.topic in ("blocking", "security", "sharing", "phone"):
                assert any(s.noticeable for s in g.steps), f"{p.id}: {g.topic} is never flagged"


def test_every_helpline_the_organisation_prints_exists_and_names_uk_nations():
    pack = load_content()
    for hid in pack.organisation.helplines:
        assert pack.helpline(hid) is not None
    assert any(h.number.startswith("999") or h.number == "999" for h in pack.helplines)


def test_content_check_command_passes_and_summarises():
    result = run_cli("content", "check")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "Content pack OK" in out
    assert f"checklist items: {len(load_content().items)}" in out and "accounts:        3" in out
    assert re.search(r"platforms:\s+\d+ \(Facebook", out)
    assert "URLs:" in out and "oldest checked:" in out
    assert "marked for checking" in out


def test_content_check_warns_about_guides_checked_over_180_days_ago(tmp_path):
    old = (dt.date.today() - dt.timedelta(days=200)).isoformat()
    override_with(tmp_path, {"devices/testphone.toml": DEVICE.replace("2026-01-01", old)})
    result = run_cli("content", "check", "--content", str(tmp_path))
    assert result.returncode == 0, result.stderr
    assert "warning: 1 guide(s) checked more than 180 days ago" in result.stdout
    assert "testphone.toml" in result.stdout and old in result.stdout


# ---------------------------------------------------------------- every rule: file, line, field


def test_toml_syntax_error_names_file_and_line(tmp_path):
    err = content_error(tmp_path, "devices/testphone.toml", DEVICE.replace('title = "Turn off location"', "title = "))
    assert err.file.endswith("testphone.toml") and err.line == 4
    assert "TOML syntax error" in str(err)


def test_unknown_key_is_rejected_with_its_field(tmp_path):
    err = content_error(tmp_path, "devices/testphone.toml", DEVICE.replace("steps = [", 'colour = "red"\nsteps = ['))
    assert err.file.endswith("testphone.toml") and err.field == "location.colour" and err.line == 8
    assert "unknown key" in err.message and "steps" in err.message


def test_unknown_topic_table_is_rejected(tmp_path):
    err = content_error(tmp_path, "devices/testphone.toml", DEVICE.replace("[location]", "[locaton]"))
    assert err.field == "locaton" and err.line == 3 and "unknown key" in err.message


def test_missing_required_field(tmp_path):
    err = content_error(tmp_path, "devices/testphone.toml", DEVICE.replace('url = "https://example.org/help/location"\n', ""))
    assert err.file.endswith("testphone.toml") and err.field == "location.url" and "missing" in err.message
    assert err.line == 3  # the table that lacks it


def test_platform_must_cover_every_topic(tmp_path):
    doc = tomlkit.parse(shipped_text("platforms/facebook.toml"))
    del doc["reporting"]
    text = tomlkit.dumps(doc)
    err = content_error(tmp_path, "platforms/facebook.toml", text)
    assert err.file.endswith("facebook.toml") and err.field == "reporting" and "missing" in err.message


def test_duplicate_item_ids(tmp_path):
    text = shipped_text("checklist.toml").replace('id = "recheck"', 'id = "public"')
    err = content_error(tmp_path, "checklist.toml", text)
    assert err.file.endswith("checklist.toml") and err.field == "item[1].id" and "duplicate id 'public'" in err.message
    assert err.line == text.splitlines().index('id = "public"', text.splitlines().index('id = "public"') + 1) + 1


def test_device_with_the_same_id_as_a_platform_is_a_duplicate(tmp_path):
    err = content_error(tmp_path, "devices/facebook.toml", DEVICE)
    assert "duplicate id 'facebook'" in err.message


def test_url_must_be_https(tmp_path):
    err = content_error(tmp_path, "devices/testphone.toml", DEVICE.replace("https://example.org", "http://example.org"))
    assert err.field == "location.url" and err.line == 5 and "https://" in err.message


def test_url_too_long_for_a_terminal_qr_code(tmp_path):
    long = "https://example.org/" + "a" * (MAX_URL_BYTES - 19)
    assert len(long) == MAX_URL_BYTES + 1
    err = content_error(tmp_path, "devices/testphone.toml", DEVICE.replace("https://example.org/help/location", long))
    assert err.field == "location.url" and err.line == 5
    assert f"{MAX_URL_BYTES + 1} bytes" in err.message and "version 7" in err.message


def test_url_at_the_limit_is_accepted(tmp_path):
    ok = "https://example.org/" + "a" * (MAX_URL_BYTES - 20)
    override_with(tmp_path, {"devices/testphone.toml": DEVICE.replace("https://example.org/help/location", ok)})
    assert load_content(tmp_path).platform("testphone").guide("location").url == ok


def test_checked_date_in_the_future(tmp_path):
    future = (dt.date.today() + dt.timedelta(days=1)).isoformat()
    err = content_error(tmp_path, "devices/testphone.toml", DEVICE.replace("2026-01-01", future))
    assert err.field == "location.checked" and err.line == 6 and "future" in err.message


def test_checked_must_be_a_date(tmp_path):
    err = content_error(tmp_path, "devices/testphone.toml", DEVICE.replace("2026-01-01", '"last week"'))
    assert err.field == "location.checked" and "expected a date" in err.message


def test_empty_steps(tmp_path):
    text = re.sub(r"steps = \[.*?\n\]", "steps = []", DEVICE, flags=re.S)
    err = content_error(tmp_path, "devices/testphone.toml", text)
    assert err.field == "location.steps" and err.line == 8 and "at least one step" in err.message


def test_empty_step_text(tmp_path):
    err = content_error(tmp_path, "devices/testphone.toml", DEVICE.replace('"Open Settings."', '"  "'))
    assert err.field == "location.steps[0]" and "empty" in err.message


def test_item_refers_to_a_topic_that_does_not_exist(tmp_path):
    text = shipped_text("checklist.toml").replace('topics = ["location"]', 'topics = ["whereabouts"]')
    err = content_error(tmp_path, "checklist.toml", text)
    assert err.file.endswith("checklist.toml") and err.field == "item[2].topics[0]"
    assert "unknown topic 'whereabouts'" in err.message and err.line is not None


def test_organisation_refers_to_a_helpline_that_does_not_exist(tmp_path):
    text = re.sub(r"helplines = \[", 'helplines = ["no-such-line", ', shipped_text("organisation.toml"))
    err = content_error(tmp_path, "organisation.toml", text)
    assert err.file.endswith("organisation.toml") and err.field == "helplines[0]"
    assert "unknown helpline 'no-such-line'" in err.message and err.line is not None


def test_guide_refers_to_a_platform_that_does_not_exist(tmp_path):
    text = shipped_text("guides.toml").replace('platform = "facebook"', 'platform = "myspace"', 1)
    err = content_error(tmp_path, "guides.toml", text)
    assert err.file.endswith("guides.toml") and re.fullmatch(r"guide\[\d+\]\.platform", err.field)
    assert "unknown platform 'myspace'" in err.message


def test_helpline_nation_must_be_a_uk_nation(tmp_path):
    text = shipped_text("helplines.toml").replace('"England"', '"Narnia"', 1)
    err = content_error(tmp_path, "helplines.toml", text)
    assert err.file.endswith("helplines.toml") and ".nations[" in err.field and "Narnia" in err.message


def test_not_utf8(tmp_path):
    override_with(tmp_path, {})
    (tmp_path / "staff.toml").write_bytes(b'title = "caf\xe9"\npoints = ["x"]\n')
    with pytest.raises(ContentError) as info:
        load_content(tmp_path)
    assert info.value.file.endswith("staff.toml") and "UTF-8" in info.value.message and info.value.line == 1


# ---------------------------------------------------------------- command line: exit 2, one line


def test_broken_content_exits_2_with_one_clear_line(tmp_path):
    override_with(tmp_path, {"devices/testphone.toml": DEVICE.replace("https://", "http://")})
    result = run_cli("content", "check", "--content", str(tmp_path))
    assert result.returncode == 2
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "testphone.toml, line 5: location.url: expected an https:// URL" in lines[0]
    assert "Traceback" not in result.stderr


def test_starting_the_app_with_broken_content_exits_2(tmp_path):
    override_with(tmp_path, {"staff.toml": "title = 3\npoints = [\"x\"]\n"})
    result = run_cli("--content", str(tmp_path))
    assert result.returncode == 2 and "staff.toml, line 1: title: expected text" in result.stderr
    assert "Traceback" not in result.stderr


def test_missing_override_folder(tmp_path):
    result = run_cli("content", "check", "--content", str(tmp_path / "nope"))
    assert result.returncode == 2 and "content folder not found" in result.stderr


def test_misspelt_override_file_is_not_silently_ignored(tmp_path):
    override_with(tmp_path, {"helpline.toml": shipped_text("helplines.toml")})
    err = pytest.raises(ContentError, load_content, tmp_path).value
    assert err.file.endswith("helpline.toml") and "helplines.toml" in err.message


# ---------------------------------------------------------------- the override folder


def test_folder_with_only_organisation_and_helplines_overrides_them(tmp_path):
    org = shipped_text("organisation.toml")
    org = re.sub(r'(?m)^name = ".*"$', 'name = "Harbour Support"', org)
    helplines = shipped_text("helplines.toml")
    override_with(tmp_path, {"organisation.toml": org, "helplines.toml": helplines})
    pack = load_content(tmp_path)
    assert pack.organisation.name == "Harbour Support"
    assert len(pack.platforms) >= 8  # everything else still comes from the shipped pack
    assert str(tmp_path) in pack.sources


def test_override_by_environment_variable_and_option(tmp_path):
    org = re.sub(r'(?m)^name = ".*"$', 'name = "Harbour Support"', shipped_text("organisation.toml"))
    override_with(tmp_path, {"organisation.toml": org, "devices/testphone.toml": DEVICE})
    by_env = run_cli("content", "check", env={"SAFETYHELPER_CONTENT": str(tmp_path)})
    by_opt = run_cli("--content", str(tmp_path), "content", "check")
    for result in (by_env, by_opt):
        assert result.returncode == 0, result.stderr
        assert "Test phone" in result.stdout and str(tmp_path) in result.stdout


def test_override_replaces_a_platform_file(tmp_path):
    text = re.sub(r'(?m)^name = ".*"$', 'name = "Facebook (our version)"', shipped_text("platforms/facebook.toml"))
    override_with(tmp_path, {"platforms/facebook.toml": text})
    assert load_content(tmp_path).platform("facebook").name == "Facebook (our version)"


# ---------------------------------------------------------------- line finder


def test_find_line_follows_tables_and_arrays_of_tables():
    text = '[[item]]\nid = "a"\n\n[[item]]\nid = "b"\nwhy = "x"\n[privacy]\nurl = "u"\n'
    assert find_line(text, ("item", 1, "why")) == 6
    assert find_line(text, ("item", 0, "id")) == 2
    assert find_line(text, ("privacy", "url")) == 8
    assert find_line(text, ("nothing",)) is None


@pytest.mark.parametrize("bad", ["https://[broken/page", "https://example.org:port/x"])
def test_malformed_urls_are_a_content_error_not_a_crash(tmp_path, bad):
    err = content_error(tmp_path, "devices/testphone.toml", DEVICE.replace("https://example.org/help/location", bad))
    assert err.field == "location.url" and "expected a valid web address" in err.message


def test_output_into_a_closed_pipe_is_not_a_traceback():
    import subprocess
    import sys

    proc = subprocess.Popen(
        [sys.executable, "-m", "safetyhelper", "content", "check"], stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    proc.stdout.close()  # like `| head -0`
    stderr = proc.stderr.read().decode()
    assert proc.wait(timeout=60) == 0 and "Traceback" not in stderr, stderr
