"""The routes abusers really use (issue 12, part 3): the email accounts themselves (accounts/), shared and
family set-ups (topic `sharing`) and the phone itself (topic `phone`), in the shipped pack, in the order the
check enforces, on the screen and on the sheet. A phone or app that signs in with an account picks it."""

from __future__ import annotations

import pypdfium2 as pdfium
import pytest

from conftest import content_error, override_with, run_cli, shipped_text
from safetyhelper.content import load_content
from safetyhelper.sheet import SheetOptions, cli_session, sheet_pdf
from safetyhelper.tui.app import make_app
from test_sheet import flat

PACK = load_content()
EMAIL_ACCOUNTS = ("google-account", "microsoft-account", "apple-account")


def does(platform_id: str, topic: str) -> list[str | None]:
    return [s.does for s in PACK.platform(platform_id).guide(topic).steps]


def test_the_email_accounts_come_first_and_are_accounts():
    assert {p.id for p in PACK.accounts} == set(EMAIL_ACCOUNTS)
    assert all(p.kind == "account" for p in PACK.accounts)
    assert [p.id for p in PACK.guided[: len(PACK.accounts)]] == [p.id for p in PACK.accounts]


@pytest.mark.parametrize("pid", EMAIL_ACCOUNTS)
def test_each_email_account_closes_every_way_in_before_the_password(pid):
    d = does(pid, "security")
    password = d.index("change-password")
    # Recovery details and forwarding rules, filters or delegated access are checked before the password
    # changes: forwarding keeps copying her mail to someone after any new password.
    assert "check-recovery" in d[:password] and "check-forwarding" in d[:password], (pid, d)
    assert "two-step" in d[password:], (pid, d)
    assert any(x in ("end-sessions", "check-devices") for x in d[password:]), (pid, d)
    assert "connected-apps" in d, (pid, d)
    steps = PACK.platform(pid).guide("security").steps
    warning = steps[password].warning
    assert warning and "email" in warning and "phone" in warning, pid


def test_every_phone_has_a_phone_guide_in_the_safe_order_and_a_warning_before_removing_anything():
    for phone in PACK.devices:
        d = [s.does for s in phone.guide("phone").steps]
        assert d.index("change-passcode") < max(i for i, x in enumerate(d) if x == "check-unlock"), phone.id
        looks = [s for s in phone.guide("phone").steps if s.does == "check-phone-apps"]
        assert looks, phone.id
        # Removing a monitoring app or profile can tell whoever put it there: at least one look says so.
        assert any(s.warning and "remov" in s.warning.lower() for s in looks), phone.id


def test_every_phone_and_email_account_has_a_sharing_guide():
    for p in (*PACK.devices, *PACK.accounts):
        guide = p.guide("sharing")
        assert guide is not None, p.id
        assert any(s.does == "stop-sharing" and s.warning for s in guide.steps), p.id


def test_apps_and_accounts_leave_the_phone_topic_to_the_phone_guides_with_a_reason():
    for p in (*PACK.accounts, *PACK.platforms):
        reasons = dict(p.not_applicable)
        assert "phone" in reasons and reasons["phone"].strip(), p.id


def test_phones_and_google_apps_sign_in_with_their_account_whose_guide_has_the_security_steps():
    assert PACK.platform("iphone").account == "apple-account"
    assert PACK.platform("android").account == "google-account"
    assert PACK.platform("youtube").account == "google-account"
    for pid in ("iphone", "android", "youtube"):
        p = PACK.platform(pid)
        assert p.guide("security") is None and "security" in dict(p.not_applicable), pid
        assert PACK.platform(p.account).guide("security") is not None
    assert PACK.with_accounts(["iphone", "facebook"]) == ["apple-account", "facebook", "iphone"]
    assert PACK.with_accounts(["facebook"]) == ["facebook"]


def test_an_account_that_does_not_exist_is_one_line_naming_the_field(tmp_path):
    text = shipped_text("devices/iphone.toml").replace('account = "apple-account"', 'account = "apple-acount"')
    err = content_error(tmp_path, "devices/iphone.toml", text)
    assert err.field == "account" and "unknown account" in err.message and "apple-account" in err.message
    assert err.line == text.splitlines().index('account = "apple-acount"') + 1
    result = run_cli("content", "check", "--content", str(tmp_path))
    assert result.returncode == 2 and len(result.stderr.strip().splitlines()) == 1


def test_an_organisation_can_add_its_own_account(tmp_path):
    mail = shipped_text("accounts/microsoft-account.toml").replace(
        'name = "Microsoft account (Outlook, Hotmail)"', 'name = "Work email"'
    )
    folder = override_with(tmp_path, {"accounts/work-email.toml": mail})
    pack = load_content(folder)
    assert pack.platform("work-email").kind == "account" and "Work email" in [p.name for p in pack.accounts]
    result = run_cli("content", "check", "--content", str(folder))
    assert result.returncode == 0 and "Work email" in result.stdout


def test_the_sheet_for_an_iphone_carries_the_apple_account_and_the_new_topics():
    pdf = sheet_pdf(cli_session(PACK, ["iphone"]), SheetOptions())
    doc = pdfium.PdfDocument(pdf)
    text = flat("\n".join(doc[i].get_textpage().get_text_range() for i in range(len(doc))))
    apple, iphone = PACK.platform("apple-account"), PACK.platform("iphone")
    for item_id in ("sharing", "phone"):
        assert next(i.title for i in PACK.items if i.id == item_id) in text
    for guide in (apple.guide("security"), iphone.guide("phone"), iphone.guide("sharing")):
        assert guide.title in text, guide.title
        assert flat(guide.steps[0].text)[:40] in text, guide.steps[0].text


async def test_picking_a_phone_picks_its_account_which_can_be_unticked():
    app = make_app(PACK)
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.press("s")
        picks = app.screen.selection_list
        order = [p.id for p in PACK.guided]
        await pilot.press("tab") if not app.focused else None
        await pilot.press(*(["down"] * order.index("iphone")), "space")
        await pilot.pause()
        assert app.session.chosen == ["apple-account", "iphone"]
        assert set(picks.selected) == {"apple-account", "iphone"}
        # Untick the account: it stays unticked while other picks change.
        await pilot.press(*(["up"] * (order.index("iphone") - order.index("apple-account"))), "space")
        await pilot.press(*(["down"] * (order.index("facebook") - order.index("apple-account"))), "space")
        await pilot.pause()
        assert app.session.chosen == ["facebook", "iphone"]


async def test_the_screen_shows_the_phone_and_sharing_guides_with_their_warnings():
    from screen_qr import screen_text

    app = make_app(PACK)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("s")
        order = [p.id for p in PACK.guided]
        await pilot.press("tab") if not app.focused else None
        await pilot.press(*(["down"] * order.index("iphone")), "space", "n", "n")
        ids = [i.id for i in PACK.items]
        for item_id in ("sharing", "phone"):
            while app.screen.item.id != item_id:
                await pilot.press("1", "n")
            await pilot.pause()
            app.screen.tabs.active = "pane-iphone"
            await pilot.pause()
            text = " ".join(screen_text(app.export_screenshot(), 120, 40).replace("▌", " ").split())
            guide = PACK.platform("iphone").guide(item_id)
            assert f"Step {ids.index(item_id) + 1} of {len(ids)}" in text
            assert guide.title in text and " ".join(guide.steps[0].text.split()[:6]) in text, text
            flagged = next(s for s in guide.steps if s.warning)
            assert "Could be noticed: " + " ".join(flagged.warning.split()[:5]) in text, text
