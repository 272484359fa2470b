"""The summary's sheet actions in the app: save as PDF, print through CUPS, and a print failure."""

from __future__ import annotations

import re
import stat

from textual.widgets import Checkbox, Input, Static
from textual.widgets._toast import Toast

from conftest import run_cli
from safetyhelper.config import load_config
from safetyhelper.content import load_content
from safetyhelper.printing import waiting_jobs
from safetyhelper.tui.app import make_app
from safetyhelper.tui.screens.sheet_dialog import SheetDialog, YesNoDialog
from safetyhelper.tui.screens.start import StartScreen
from safetyhelper.tui.screens.summary import SummaryScreen
from test_printing import (  # noqa: F401  (cups and the queue fixtures are fixtures)
    QUEUE,
    cups,
    cups_pdf_out_dir,
    lp_that_pauses_the_queue_first,
    lpstat_o,
    paused_queue,
    queue_restored,
    wait_for_new_pdf,
)
from test_sheet import decode_pages, flat, font_sizes, pdf_text
from test_tui import visible_text, walk_to_summary

PACK = load_content()
CHOSEN = ["apple-account", "facebook", "instagram", "iphone"]  # what walk_to_summary picks (the iPhone brings its account)


def expected_urls() -> set[str]:
    """The codes on a sheet of walk_to_summary(["1", "2", "3", "1", "4"]): every chosen guide of the policy's
    first four items' topics; the others are "not relevant", so their codes are left out."""
    wanted = {"public", "recheck", "location", "security"}
    topics = {t for item in PACK.items if item.id in wanted for t in item.topics}
    return {g.url for pid in CHOSEN for g in PACK.platform(pid).guides if g.topic in topics}


async def test_save_as_pdf_from_the_summary(tmp_path):
    app = make_app(PACK)
    target = tmp_path / "sheet.pdf"
    async with app.run_test(size=(100, 36)) as pilot:
        await walk_to_summary(pilot, ["1", "2", "3", "1", "4"])
        assert isinstance(app.screen, SummaryScreen)
        await pilot.press("s")
        await pilot.pause()
        assert isinstance(app.screen, SheetDialog)
        app.screen.query_one("#path").value = str(target)
        await pilot.click("#discreet")
        await pilot.click("#go")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, SummaryScreen)
        assert app.session.outcomes  # the session is still there
    pdf = target.read_bytes()
    text = flat(pdf_text(pdf))
    assert PACK.organisation.discreet_title in text and PACK.organisation.name not in text
    assert "☐ Later: Turn off location" in text
    assert set(decode_pages(pdf)) == expected_urls()


async def test_save_never_overwrites(tmp_path):
    app = make_app(PACK)
    target = tmp_path / "sheet.pdf"
    target.write_bytes(b"keep me")
    async with app.run_test(size=(100, 36)) as pilot:
        await walk_to_summary(pilot, ["1", "1", "1", "1", "1"])
        await pilot.press("s")
        await pilot.pause()
        app.screen.query_one("#path").value = str(target)
        await pilot.click("#go")
        await app.workers.wait_for_complete()
        await pilot.pause()
    assert target.read_bytes() == b"keep me"


async def test_print_from_the_summary_through_cups(cups, tmp_path):
    out_dir = cups_pdf_out_dir()
    before = set(out_dir.glob("*.pdf")) if out_dir.exists() else set()
    app = make_app(PACK, printer=QUEUE)
    async with app.run_test(size=(100, 36)) as pilot:
        await walk_to_summary(pilot, ["1", "2", "3", "1", "4"])
        await pilot.press("p")
        await pilot.pause()
        await pilot.click("#go")
        await app.workers.wait_for_complete()
        await pilot.pause()
        shown = " ".join(visible_text(app).split())
    job = re.search(rf"Sent to the printer\. Job ({QUEUE}-\d+)", shown)
    assert job, shown  # the job number stays on the summary, not just in a toast
    printed = wait_for_new_pdf(out_dir, before, job.group(1))
    assert set(decode_pages(printed.read_bytes(), dpi=200)) == expected_urls()
    printed.unlink()


async def test_a_print_failure_offers_saving_and_keeps_the_session(tmp_path):
    app = make_app(PACK, printer="no-such-printer-anywhere")
    async with app.run_test(size=(100, 36)) as pilot:
        await walk_to_summary(pilot, ["1", "2", "3", "1", "4"])
        outcomes = dict(app.session.outcomes)
        await pilot.press("p")
        await pilot.pause()
        await pilot.click("#go")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, YesNoDialog)
        assert "not printed" in app.screen.question or "no printing system" in app.screen.question
        await pilot.click("#yes")
        await pilot.pause()
        assert isinstance(app.screen, SheetDialog) and app.screen.save
        assert app.session.outcomes == outcomes


# --------------------------------------------------------------------------- helpers


def status(app) -> str:
    """The summary's status line, as it is drawn (also under a dialog)."""
    summary = next(s for s in app.screen_stack if isinstance(s, SummaryScreen))
    return str(summary.query_one("#sheet-status", Static).render())


def toasts(app) -> list[str]:
    """The text of every notice on the screen, as drawn."""
    return [toast.render().plain for toast in app.screen.query(Toast)]


async def settle(app, pilot) -> None:
    await app.workers.wait_for_complete()
    await pilot.pause()


async def print_with(app, pilot, *ticks: str) -> None:
    """From the summary: Print, tick the given options, and go."""
    await pilot.press("p")
    await pilot.pause()
    assert isinstance(app.screen, SheetDialog) and not app.screen.save
    for tick in ticks:
        await pilot.click(tick)
    await pilot.click("#go")
    await settle(app, pilot)


def helpline_texts() -> list[str]:
    return [t for hid in PACK.organisation.helplines for t in (PACK.helpline(hid).name, PACK.helpline(hid).number)]


# --------------------------------------------------------------------------- a failed print keeps the choices


async def test_a_failed_discreet_print_is_saved_discreet(tmp_path):
    app = make_app(PACK, printer="no-such-printer-anywhere")
    target = tmp_path / "sheet.pdf"
    async with app.run_test(size=(100, 36)) as pilot:
        await walk_to_summary(pilot, ["1", "2", "3", "1", "4"])
        await print_with(app, pilot, "#discreet")
        assert isinstance(app.screen, YesNoDialog)
        await pilot.click("#yes")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, SheetDialog) and dialog.save
        assert dialog.query_one("#discreet", Checkbox).value and not dialog.query_one("#helplines", Checkbox).value
        dialog.query_one("#path", Input).value = str(target)
        await pilot.click("#go")
        await settle(app, pilot)
        assert isinstance(app.screen, SummaryScreen)
    text = flat(pdf_text(target.read_bytes()))
    assert PACK.organisation.discreet_title in text
    assert PACK.organisation.name not in text
    for helpline in helpline_texts():
        assert helpline not in text


async def test_a_failed_print_carries_large_print_and_helplines_to_the_save(tmp_path):
    app = make_app(PACK, printer="no-such-printer-anywhere")
    target = tmp_path / "sheet.pdf"
    async with app.run_test(size=(100, 36)) as pilot:
        await walk_to_summary(pilot, ["1", "2", "3", "1", "4"])
        await print_with(app, pilot, "#discreet", "#large-print", "#helplines")
        await pilot.click("#yes")
        await pilot.pause()
        dialog = app.screen
        assert [dialog.query_one(f"#{i}", Checkbox).value for i in ("discreet", "large-print", "helplines")] == [True] * 3
        dialog.query_one("#path", Input).value = str(target)
        await pilot.click("#go")
        await settle(app, pilot)
    pdf = target.read_bytes()
    text = flat(pdf_text(pdf))
    assert PACK.organisation.name not in text and all(h in text for h in helpline_texts())
    assert min(size for size, _ in font_sizes(pdf)) >= 16


# --------------------------------------------------------------------------- a paused printer


async def test_the_app_sends_nothing_to_a_paused_printer(paused_queue):
    app = make_app(PACK, printer=QUEUE)
    async with app.run_test(size=(100, 36)) as pilot:
        await walk_to_summary(pilot, ["1", "2", "3", "1", "4"])
        await print_with(app, pilot)
        assert isinstance(app.screen, YesNoDialog)
        assert app.screen.question.startswith(
            f"The printer {QUEUE} is paused, so the sheet was not sent: it would print later, when nobody is there "
            "to pick it up."
        )
        assert "Save the sheet as a PDF instead?" in app.screen.question
        assert waiting_jobs(QUEUE) == [] and QUEUE not in lpstat_o()  # nothing waits to print later
        await pilot.click("#no")
        await pilot.pause()
        assert "is paused" in status(app) and "Sent to the printer" not in status(app)


async def test_a_printer_paused_while_sending_is_told_and_the_job_stopped(lp_that_pauses_the_queue_first, tmp_path):
    app = make_app(PACK, printer=QUEUE)
    async with app.run_test(size=(100, 36)) as pilot:
        await walk_to_summary(pilot, ["1", "2", "3", "1", "4"])
        await print_with(app, pilot, "#discreet")
        assert isinstance(app.screen, YesNoDialog)
        job = re.search(r"\(job (\S+)\) is waiting", app.screen.question).group(1)
        assert "when nobody is there to pick it up" in app.screen.question
        assert job in lpstat_o().split()  # it really waits in CUPS
        assert "Sent to the printer" not in status(app)
        await pilot.click("#yes")
        await settle(app, pilot)
        assert job not in lpstat_o().split()  # taken back: it will not print later
        assert f"Job {job} was stopped" in status(app)
        dialog = app.screen  # and saving is offered, still discreet
        assert isinstance(dialog, SheetDialog) and dialog.save and dialog.query_one("#discreet", Checkbox).value
        await pilot.press("c")
        await pilot.pause()
        assert isinstance(app.screen, SummaryScreen)


# --------------------------------------------------------------------------- kiosk mode: the save folder

SHEET_NAME = re.compile(r"sheet-[0-9a-f]{16}\.pdf")


async def test_kiosk_saves_only_into_the_save_folder_under_new_random_names(tmp_path):
    folder = tmp_path / "usb"
    folder.mkdir()
    config_file = tmp_path / "config.toml"
    config_file.write_text("kiosk = true\n")
    config = load_config(config_file, environ={"SAFETYHELPER_SAVE_FOLDER": str(folder)})
    assert config.sources["save_folder"] == "environment"
    app = make_app(PACK, config)
    async with app.run_test(size=(100, 36)) as pilot:
        await walk_to_summary(pilot, ["1", "2", "3", "1", "4"])
        messages = []
        for _ in range(2):
            await pilot.press("s")
            await pilot.pause()
            dialog = app.screen
            assert isinstance(dialog, SheetDialog) and dialog.save
            assert not dialog.query(Input)  # nothing to type: no path can be tried
            await pilot.click("#discreet")
            await pilot.click("#go")
            await settle(app, pilot)
            messages.append(status(app))
    saved = sorted(folder.iterdir())
    assert len(saved) == 2 and all(SHEET_NAME.fullmatch(p.name) for p in saved)
    for path in saved:
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
        assert PACK.organisation.name not in flat(pdf_text(path.read_bytes()))
    first, second = messages
    assert first.startswith("Saved as sheet-") and second.startswith("Saved as sheet-")
    new_names = [re.search(r"sheet-[0-9a-f]+\.pdf", m).group(0) for m in messages]
    assert sorted(new_names) == [p.name for p in saved]
    assert new_names[0] not in second  # a message never names another file
    assert "exist" not in first + second


async def test_kiosk_without_a_save_folder_never_saves(tmp_path):
    app = make_app(PACK, kiosk=True, printer="no-such-printer-anywhere")
    async with app.run_test(size=(100, 36)) as pilot:
        await walk_to_summary(pilot, ["1", "2", "3", "1", "4"])
        await pilot.press("s")
        await pilot.pause()
        assert isinstance(app.screen, SummaryScreen)
        assert status(app).startswith("Saving is turned off on this computer.")
        await print_with(app, pilot)
        assert isinstance(app.screen, SummaryScreen)  # no "save instead?" question
        assert "not printed" in status(app) and "PDF" not in status(app)


async def test_kiosk_says_when_the_save_folder_is_not_there(tmp_path):
    folder = tmp_path / "usb-stick-not-in"
    app = make_app(PACK, kiosk=True, save_folder=str(folder))
    async with app.run_test(size=(100, 36)) as pilot:
        await walk_to_summary(pilot, ["1", "2", "3", "1", "4"])
        await pilot.press("s")
        await pilot.pause()
        await pilot.click("#go")
        await settle(app, pilot)
        assert status(app) == (
            f"The save folder {folder} is not there. If it is a USB stick, check that it is plugged in."
        )
    assert not folder.exists()


async def test_outside_kiosk_mode_the_save_path_is_typed_as_before(tmp_path):
    app = make_app(PACK, save_folder=str(tmp_path))  # the setting only counts in kiosk mode
    async with app.run_test(size=(100, 36)) as pilot:
        await walk_to_summary(pilot, ["1", "1", "1", "1", "1"])
        await pilot.press("s")
        await pilot.pause()
        assert app.screen.query_one("#path", Input).value.endswith(".pdf")


# --------------------------------------------------------------------------- typed paths


async def test_a_path_for_a_user_that_does_not_exist_is_a_plain_message(tmp_path):
    app = make_app(PACK)
    async with app.run_test(size=(100, 36), notifications=True) as pilot:
        await walk_to_summary(pilot, ["1", "1", "1", "1", "1"])
        await pilot.press("s")
        await pilot.pause()
        app.screen.query_one("#path", Input).value = "~no-such-user-safetyhelper/x.pdf"
        await pilot.click("#go")
        await settle(app, pilot)
        assert app.is_running and isinstance(app.screen, SheetDialog)  # still there, to type another place
        assert any("There is no home folder ~no-such-user-safetyhelper" in t for t in toasts(app))


def test_the_cli_says_plainly_when_a_home_folder_does_not_exist():
    result = run_cli("sheet", "--platform", "x", "-o", "~no-such-user-safetyhelper/x.pdf")
    assert result.returncode == 1
    assert result.stderr.strip() == (
        "safetyhelper: cannot save ~no-such-user-safetyhelper/x.pdf: there is no home folder ~no-such-user-safetyhelper"
    )


async def test_a_typed_path_is_shown_as_typed_never_as_markup(tmp_path):
    target = tmp_path / "[@click=app.quit]x.pdf"
    app = make_app(PACK)
    async with app.run_test(size=(160, 36), notifications=True) as pilot:
        await walk_to_summary(pilot, ["1", "1", "1", "1", "1"])
        await pilot.press("s")
        await pilot.pause()
        app.screen.query_one("#path", Input).value = str(target)
        await pilot.click("#go")
        await settle(app, pilot)
        assert status(app) == f"Saved to {target}"
        assert f"Saved to {target}" in toasts(app)
        for toast in app.screen.query(Toast):
            await pilot.click(toast)  # a click on the notice runs nothing
        await pilot.pause()
        assert app.is_running
    assert target.read_bytes().startswith(b"%PDF")


# --------------------------------------------------------------------------- closing dialogs


async def test_each_sheet_dialog_closes_with_c_and_says_so():
    app = make_app(PACK, printer="no-such-printer-anywhere")
    async with app.run_test(size=(100, 36)) as pilot:
        await walk_to_summary(pilot, ["1", "2", "3", "1", "4"])
        for key in ("p", "s"):
            await pilot.press(key)
            await pilot.pause()
            assert isinstance(app.screen, SheetDialog)
            assert "C cancels" in visible_text(app) and "Esc is quick exit" in visible_text(app)
            await pilot.press("c")
            await pilot.pause()
            assert isinstance(app.screen, SummaryScreen)
        await print_with(app, pilot)
        assert isinstance(app.screen, YesNoDialog)
        assert "C means “Not now”" in visible_text(app) and "Esc is quick exit" in visible_text(app)
        await pilot.press("c")
        await pilot.pause()
        assert isinstance(app.screen, SummaryScreen) and app.session.outcomes


async def test_esc_in_a_sheet_dialog_is_still_the_quick_exit():
    app = make_app(PACK)
    async with app.run_test(size=(100, 36)) as pilot:
        await walk_to_summary(pilot, ["1", "2", "3", "1", "4"])
        await pilot.press("p")
        await pilot.pause()
        assert isinstance(app.screen, SheetDialog)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, StartScreen) and app.session.is_empty
