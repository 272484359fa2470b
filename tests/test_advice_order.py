"""The advice keeps a safe order (issue 12): steps say what they do (`does`), and the content check refuses a
list of steps that changes the password or turns on two-step before the recovery details are checked, that
blocks or reports before a record is kept, or that checks devices only before the password changes. Words
that give a discreet sheet away are refused."""

from __future__ import annotations

import pytest

from conftest import content_error, run_cli
from safetyhelper.content import load_content

HEAD = """\
name = "Test phone"

[security]
title = "Lock your account"
url = "https://example.org/help/security"
checked = 2026-01-01
unverified = "Not tried on a phone yet."
steps = [
"""
TAIL = "]\n" + "".join(f'\n[{t}]\nnot_applicable = "Not in this test device."\n' for t in ("privacy", "location", "blocking", "reporting", "sharing", "phone"))


def device(*steps: str) -> str:
    return HEAD + "".join(f"  {s}\n" if s.startswith("#") else f"  {s},\n" for s in steps) + TAIL


RECOVERY = '{ text = "Check the email and phone on the account are yours.", does = "check-recovery" }'
EMAIL = '{ text = "Make sure your email account is yours alone.", does = "secure-email" }'
PASSWORD = '{ text = "Change your password.", warning = "The app may message the email or phone on the account.", does = "change-password" }'
TWO_STEP = '{ text = "Turn on two-step verification.", does = "two-step" }'
DEVICES = '{ text = "Log out devices you do not use yourself.", does = "end-sessions" }'
LOOK = '{ text = "Look at the devices signed in.", does = "check-devices" }'
RECORD = '{ text = "Keep a copy of the messages first.", does = "keep-record" }'
BLOCK = '{ text = "Block them.", does = "block" }'
PASSCODE = '{ text = "Change the passcode.", warning = "Anyone who knew it will notice.", does = "change-passcode" }'
UNLOCK = '{ text = "Remove fingerprints that are not yours.", does = "check-unlock" }'
REPORT = '{ text = "Report the post.", does = "report" }'


@pytest.mark.parametrize(
    "steps",
    [
        (RECOVERY, PASSWORD, TWO_STEP, DEVICES),
        (EMAIL, PASSWORD, DEVICES),
        (LOOK, RECOVERY, PASSWORD, DEVICES),  # looking first is fine when the log-out comes after
        (RECORD, BLOCK, REPORT),
        (PASSCODE, UNLOCK),
        ('"A plain step."', RECOVERY, TWO_STEP),
    ],
)
def test_a_safe_order_loads(tmp_path, steps):
    from conftest import override_with

    folder = override_with(tmp_path, {"devices/testphone.toml": device(*steps)})
    assert load_content(folder).platform("testphone").guide("security").steps[-1].does is not None


@pytest.mark.parametrize(
    ("steps", "bad_step", "says"),
    [
        ((PASSWORD, RECOVERY), 1, "recovery before password: step 1 does 'change-password', but step 2"),
        ((PASSWORD,), 1, "add a step with does = 'check-recovery' or does = 'secure-email' before it"),
        ((TWO_STEP, RECOVERY, PASSWORD), 1, "recovery before two-step: step 1 does 'two-step'"),
        ((RECOVERY, DEVICES, PASSWORD), 3, "devices after the password: step 2 does 'end-sessions' before step 3 does 'change-password'"),
        ((BLOCK, RECORD), 1, "record before blocking: step 1 does 'block'"),
        ((RECORD, BLOCK, REPORT, RECORD), None, None),  # fine: a record came first
        ((REPORT,), 1, "record before reporting"),
        ((UNLOCK, PASSCODE), 2, "fingerprints and faces after the passcode: step 1 does 'check-unlock' before step 2"),
        ((UNLOCK, PASSCODE, UNLOCK), None, None),  # fine: checked again after
    ],
)
def test_an_unsafe_order_is_one_line_naming_the_steps(tmp_path, steps, bad_step, says):
    text = device(*steps)
    if says is None:
        from conftest import override_with

        load_content(override_with(tmp_path, {"devices/testphone.toml": text}))
        return
    err = content_error(tmp_path, "devices/testphone.toml", text)
    assert err.file.endswith("testphone.toml") and err.line is not None
    assert err.field == f"security.steps[{bad_step - 1}].does", err.field
    assert says in err.message, err.message


def test_the_checklist_items_are_held_to_the_order_too(tmp_path):
    from conftest import shipped_text

    text = shipped_text("checklist.toml").replace("[[item]]", "[[item]]", 1)
    text += '\n[[item]]\nid = "extra"\ntitle = "Extra"\nwhy = "Why."\ntopics = ["security"]\nsteps = [\n  ' + PASSWORD + ",\n]\n"
    err = content_error(tmp_path, "checklist.toml", text)
    assert "recovery before password" in err.message and err.field.startswith("item[")


def test_an_unknown_action_is_named(tmp_path):
    err = content_error(tmp_path, "devices/testphone.toml", device('{ text = "Do it.", does = "change-pasword" }'))
    assert "expected one of" in err.message and "change-password" in err.message and err.field == "security.steps[0].does"


def test_the_command_gives_one_line_and_exit_2(tmp_path):
    from conftest import override_with

    folder = override_with(tmp_path, {"devices/testphone.toml": device(PASSWORD, RECOVERY)})
    result = run_cli("content", "check", "--content", str(folder))
    assert result.returncode == 2 and len(result.stderr.strip().splitlines()) == 1
    assert "recovery before password" in result.stderr and "testphone.toml" in result.stderr


def test_every_shipped_security_guide_checks_recovery_before_the_password():
    pack = load_content()
    for p in pack.guided:
        g = p.guide("security")
        if g is None:  # its security guide is the account's it signs in with (an iPhone's Apple Account)
            assert p.account and pack.platform(p.account).guide("security"), p.id
            continue
        does = [s.does for s in g.steps]
        assert "check-recovery" in does, p.id
        if "change-password" not in does:  # WhatsApp has no password: a PIN and an email, checked first
            continue
        at = does.index("change-password")
        assert {"check-recovery", "secure-email"} & set(does[:at]), p.id
        password = g.steps[at]
        assert password.warning and ("email" in password.warning and "phone" in password.warning), p.id
    for p in pack.accounts + pack.platforms:
        for topic in ("blocking", "reporting"):
            if p.guide(topic) is None:
                continue
            does = [s.does for s in p.guide(topic).steps]
            assert does[0] == "keep-record", (p.id, topic)


@pytest.mark.parametrize("word", ["proof", "evidence", "quick exit", "hide where", "the other person", "safety check"])
def test_words_that_give_a_discreet_sheet_away_are_refused(tmp_path, word):
    err = content_error(tmp_path, "devices/testphone.toml", device(f'"Keep it as {word} for later."'))
    assert f"says {word!r}" in err.message and err.field == "security.steps[0]"


# ---------------------------------------------------------------- how sure we are (issue 12, part 5)


def test_each_guide_says_how_sure_we_are(tmp_path):
    text = device(RECOVERY)
    neither = text.replace('unverified = "Not tried on a phone yet."\n', "")
    err = content_error(tmp_path / "neither", "devices/testphone.toml", neither)
    assert err.field == "security" and "neither of verified and unverified" in err.message and err.line == 3
    both = text.replace('unverified = "Not tried on a phone yet."\n', 'unverified = "No."\nverified = "On a phone."\n')
    err = content_error(tmp_path / "both", "devices/testphone.toml", both)
    assert "both of verified and unverified" in err.message


def test_content_check_and_the_staff_guide_list_the_unverified_guides_and_service_users_never_see_them():
    pack = load_content()
    unverified = pack.unverified_guides()
    assert unverified and all(g.unverified for _, g in unverified)
    result = run_cli("content", "check")
    assert f"not yet tried on a phone: {len(unverified)} guides" in result.stdout
    assert "    Facebook: " in result.stdout
    # Never on a sheet.
    from safetyhelper.sheet import cli_session, sheet_pdf
    from test_sheet import flat, pdf_text

    text = flat(pdf_text(sheet_pdf(cli_session(pack, [p.id for p in pack.guided]))))
    for _, g in unverified[:5]:
        assert g.unverified.split(".")[0] not in text


async def test_the_staff_guide_lists_them_and_the_checklist_does_not():
    from safetyhelper.tui.app import make_app
    from safetyhelper.tui.screens.staff import StaffScreen
    from test_tui import pick, visible_text

    pack = load_content()
    first_platform, first_guide = pack.unverified_guides()[0]
    app = make_app(pack)
    async with app.run_test(size=(120, 60)) as pilot:
        await pilot.press("g")
        await pilot.pause()
        assert isinstance(app.screen, StaffScreen)
        texts = [str(w.render()) for w in app.screen.query("Static")]
        assert any(t.startswith(f"- {first_platform.name}: {first_guide.title}. {first_guide.unverified}") for t in texts)
        await pilot.press("escape", "s")
        await pick(pilot, [first_platform.id])
        await pilot.press("n", "n")
        await pilot.pause()
        assert "Try each step" not in visible_text(app) and "Nobody has tried" not in visible_text(app)


# ---------------------------------------------------------------- every topic covered, or a reason (issue 12, part 3)


def test_a_topic_with_neither_a_guide_nor_a_reason_is_a_gap(tmp_path):
    text = device(RECOVERY).replace('\n[blocking]\nnot_applicable = "Not in this test device."\n', "")
    err = content_error(tmp_path, "devices/testphone.toml", text)
    assert err.field == "blocking" and "missing: no [blocking] table" in err.message and "not_applicable" in err.message


def test_not_applicable_is_a_table_of_its_own_with_a_reason(tmp_path):
    text = device(RECOVERY).replace('[blocking]\nnot_applicable = "Not in this test device."', '[blocking]\nnot_applicable = ""')
    err = content_error(tmp_path / "empty", "devices/testphone.toml", text)
    assert err.field == "blocking.not_applicable" and "empty" in err.message
    text = device(RECOVERY).replace('[blocking]\nnot_applicable = "Not in this test device."', '[blocking]\nnot_applicable = "No."\ntitle = "Block"')
    err = content_error(tmp_path / "mixed", "devices/testphone.toml", text)
    assert err.field == "blocking.title" and "unknown key: expected one of not_applicable" in err.message


def test_content_check_prints_the_coverage_table():
    pack = load_content()
    result = run_cli("content", "check")
    assert "coverage (yes: a guide; n/a: does not apply, with a reason):" in result.stdout
    rows = {line.strip().split("  ")[0]: line.split() for line in result.stdout.splitlines() if line.startswith("    ")}
    for p in pack.guided:
        na = {t for t, _ in p.not_applicable}
        assert p.name in rows, p.name
        cells = rows[p.name][-len(pack.topics):]
        assert cells == ["n/a" if t.id in na else "yes" for t in pack.topics], p.name
    iphone = pack.platform("iphone")
    assert {t for t, _ in iphone.not_applicable} == {"privacy", "security", "blocking", "reporting"}
    assert all(why for _, why in iphone.not_applicable)


def test_an_order_error_names_the_line_of_the_step_itself(tmp_path):
    text = device('"Open Settings."', "# a comment between steps", PASSWORD, RECOVERY)
    err = content_error(tmp_path, "devices/testphone.toml", text)
    assert err.line == text.splitlines().index("  " + PASSWORD + ",") + 1
