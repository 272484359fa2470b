"""The print and save dialog tells what it will do: the printer it uses (and the others CUPS knows when
there is no default), what Discreet changes, a refused save that keeps the dialog; and the other guides
(Refuge, Women's Aid, Apple) are reachable from the summary and the palette."""

from __future__ import annotations

import os
import re

import pytest
from textual.widgets import Checkbox, Input, RadioButton, RadioSet, Static

from conftest import run_cli
from safetyhelper.content import load_content
from safetyhelper.printing import NoDefaultPrinter, default_printer, print_pdf, printer_choice
from safetyhelper.tui.app import make_app
from safetyhelper.tui.screens.qr import QRScreen
from safetyhelper.tui.screens.sheet_dialog import SheetDialog, YesNoDialog
from safetyhelper.tui.screens.start import StartScreen
from safetyhelper.tui.screens import summary as summary_module
from safetyhelper.tui.screens.summary import SummaryScreen
from screen_qr import decode_screen
from test_printing import QUEUE, cups, cups_pdf_out_dir, wait_for_new_pdf  # noqa: F401  (cups is a fixture)
from test_tui import visible_text, walk_to_summary
from test_tui_sheet import settle, status

PACK = load_content()


@pytest.fixture
def no_default_printer(cups, monkeypatch):
    """CUPS runs with the test queue and no default printer (as .ci/run sets it up)."""
    for var in ("LPDEST", "PRINTER", "SAFETYHELPER_PRINTER"):
        monkeypatch.delenv(var, raising=False)
    if default_printer() is not None:
        pytest.fail(f"this test needs CUPS without a default printer, but the default is {default_printer()}")


def dialog_text(app) -> str:
    return " ".join(visible_text(app).split())


def printer_line(app) -> str:
    """The dialog's printer line as drawn (the screen wraps it inside the dialog's border)."""
    return str(app.screen.query_one("#printer", Static).render())


async def open_print_dialog(app, pilot) -> SheetDialog:
    await pilot.press("p")
    await pilot.pause()
    dialog = app.screen
    assert isinstance(dialog, SheetDialog) and not dialog.save
    await app.workers.wait_for_complete()
    await pilot.pause()
    return dialog


# --------------------------------------------------------------------------- the printer


def test_with_no_default_printing_names_the_printers_cups_knows(no_default_printer):
    with pytest.raises(NoDefaultPrinter) as info:
        print_pdf(b"%PDF-1.4\n", None)
    assert QUEUE in info.value.printers
    choice = printer_choice(None)
    assert choice.printer is None and QUEUE in choice.known
    result = run_cli("sheet", "--platform", "x", "--print")
    assert result.returncode == 1
    assert f"Printers: {QUEUE}" in result.stderr and "--printer NAME" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


async def test_with_no_default_the_dialog_offers_the_printers_and_prints_on_the_chosen_one(no_default_printer):
    out_dir = cups_pdf_out_dir()
    before = set(out_dir.glob("*.pdf")) if out_dir.exists() else set()
    app = make_app(PACK)
    async with app.run_test(size=(100, 40)) as pilot:
        await walk_to_summary(pilot, ["1", "2", "3", "1", "4"])
        dialog = await open_print_dialog(app, pilot)
        assert printer_line(app) == "No printer is set as the default. Choose one:"
        radios = dialog.query_one("#printers", RadioSet)
        assert radios.display and QUEUE in [b.name for b in radios.query(RadioButton)]
        # Print without a choice: the dialog stays and asks for one.
        await pilot.click("#go")
        await pilot.pause()
        assert app.screen is dialog
        button = next(b for b in radios.query(RadioButton) if b.name == QUEUE)
        await pilot.click(button)
        await pilot.pause()
        assert printer_line(app) == f"Printer: {QUEUE}"
        await pilot.click("#go")
        await settle(app, pilot)
        assert isinstance(app.screen, SummaryScreen)
        job = re.search(rf"Sent to the printer\. Job ({QUEUE}-\d+)", status(app))
        assert job, status(app)
        # The choice is kept for the rest of the session: the next dialog names it.
        await open_print_dialog(app, pilot)
        assert printer_line(app) == f"Printer: {QUEUE}"
    wait_for_new_pdf(out_dir, before, job.group(1)).unlink()


async def test_the_print_dialog_names_the_configured_printer(cups):
    app = make_app(PACK, printer=QUEUE)
    async with app.run_test(size=(100, 40)) as pilot:
        await walk_to_summary(pilot, ["1", "1", "1", "1", "1"])
        dialog = await open_print_dialog(app, pilot)
        assert printer_line(app) == f"Printer: {QUEUE}"
        assert not dialog.query_one("#printers", RadioSet).display  # the only printer: nothing to choose


async def test_an_unknown_configured_printer_is_named_as_unknown(cups):
    app = make_app(PACK, printer="no-such-printer-anywhere")
    async with app.run_test(size=(100, 40)) as pilot:
        await walk_to_summary(pilot, ["1", "1", "1", "1", "1"])
        await open_print_dialog(app, pilot)
        assert printer_line(app).startswith("Printer: no-such-printer-anywhere (the printing system does not know it)")


# --------------------------------------------------------------------------- status, discreet, refused saves


async def test_not_now_after_a_failed_print_leaves_no_old_saved_line(tmp_path):
    app = make_app(PACK, printer="no-such-printer-anywhere")
    async with app.run_test(size=(100, 40)) as pilot:
        await walk_to_summary(pilot, ["1", "2", "3", "1", "4"])
        await pilot.press("s")
        await pilot.pause()
        app.screen.query_one("#path", Input).value = str(tmp_path / "first.pdf")
        await pilot.click("#go")
        await settle(app, pilot)
        assert status(app).startswith("Saved to")
        await open_print_dialog(app, pilot)
        assert status(app) == ""  # a new action: the old result is gone
        await pilot.click("#go")
        await settle(app, pilot)
        assert isinstance(app.screen, YesNoDialog)
        failure = app.screen.question.split(" Save the sheet", 1)[0]
        await pilot.click("#no")
        await pilot.pause()
        assert "Saved to" not in status(app)
        assert status(app) == failure  # why it did not print, and nothing older


async def test_a_save_over_an_existing_file_keeps_the_dialog_and_its_choices(tmp_path):
    target = tmp_path / "sheet.pdf"
    target.write_bytes(b"keep me")
    app = make_app(PACK)
    async with app.run_test(size=(100, 40)) as pilot:
        await walk_to_summary(pilot, ["1", "2", "3", "1", "4"])
        await pilot.press("s")
        await pilot.pause()
        dialog = app.screen
        dialog.query_one("#path", Input).value = str(target)
        await pilot.click("#discreet")
        await pilot.click("#large-print")
        await pilot.click("#go")
        await settle(app, pilot)
        assert app.screen is dialog  # still open, nothing chosen is lost
        assert dialog.query_one("#discreet", Checkbox).value and dialog.query_one("#large-print", Checkbox).value
        assert dialog.query_one("#path", Input).value == str(target)
        dialog.query_one("#path", Input).value = str(tmp_path / "other.pdf")
        await pilot.pause(0.3)  # a Button ignores a second click while it still shows the first
        await pilot.click("#go")
        await settle(app, pilot)
        assert isinstance(app.screen, SummaryScreen)
    assert target.read_bytes() == b"keep me"
    assert (tmp_path / "other.pdf").read_bytes().startswith(b"%PDF")


async def test_a_file_made_while_the_sheet_was_being_built_reopens_the_dialog_with_the_choices(tmp_path, monkeypatch):
    target = tmp_path / "sheet.pdf"
    real_sheet_pdf = summary_module.sheet_pdf

    def sheet_pdf_while_someone_makes_the_file(*args, **kwargs):
        target.write_bytes(b"made meanwhile")  # after the dialog's own check, before the save
        return real_sheet_pdf(*args, **kwargs)

    monkeypatch.setattr(summary_module, "sheet_pdf", sheet_pdf_while_someone_makes_the_file)
    app = make_app(PACK)
    async with app.run_test(size=(100, 40)) as pilot:
        await walk_to_summary(pilot, ["1", "2", "3", "1", "4"])
        await pilot.press("s")
        await pilot.pause()
        app.screen.query_one("#path", Input).value = str(target)
        await pilot.click("#discreet")
        await pilot.click("#go")
        await settle(app, pilot)
        dialog = app.screen
        assert isinstance(dialog, SheetDialog) and dialog.save
        assert dialog.query_one("#discreet", Checkbox).value
        assert dialog.query_one("#path", Input).value == str(target)
        assert "already exists" in dialog_text(app)
    assert target.read_bytes() == b"made meanwhile"


async def test_ticking_discreet_says_what_changes_and_that_helplines_were_unticked():
    app = make_app(PACK, printer="no-such-printer-anywhere")
    async with app.run_test(size=(100, 40)) as pilot:
        await walk_to_summary(pilot, ["1", "1", "1", "1", "1"])
        dialog = await open_print_dialog(app, pilot)
        assert dialog.query_one("#helplines", Checkbox).value
        await pilot.click("#discreet")
        await pilot.pause()
        said = str(dialog.query_one("#discreet-what", Static).render())
        assert "Warnings say only that others may see a change" in said
        assert "Helplines were unticked" in said
        assert not dialog.query_one("#helplines", Checkbox).value
        await pilot.click("#helplines")  # ticked again, on a discreet sheet: say what the box gives away
        await pilot.pause()
        said = str(dialog.query_one("#discreet-what", Static).render())
        assert "Helplines were unticked" not in said and "tells what the sheet is for" in said


# --------------------------------------------------------------------------- other guides


async def test_other_guides_are_on_the_summary_with_their_codes_and_go_on_the_sheet_when_ticked():
    offered = [g for g in PACK.guides if g.status == "ok"]
    assert offered
    app = make_app(PACK)
    size = (100, 40)
    async with app.run_test(size=size) as pilot:
        await walk_to_summary(pilot, ["1", "2", "3", "1", "4"])
        listed = [str(c.label) for c in app.screen.query(Checkbox)]
        assert listed == [g.title for g in offered]  # a guide marked "check" (not confirmed) is not offered
        box = next(c for c in app.screen.query(Checkbox) if c.name == "refuge-tech-safety")
        box.focus()
        await pilot.press("space")
        await pilot.pause()
        assert app.session.general == ["refuge-tech-safety"]
        await pilot.press("g")
        await pilot.pause()
        assert isinstance(app.screen, QRScreen)
        seen = []
        for _ in offered:
            seen += decode_screen(app.export_screenshot(), *size)
            await pilot.press("right")
            await pilot.pause()
        assert sorted(seen) == sorted(g.url for g in offered)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, StartScreen) and app.session.general == []


async def test_the_palette_finds_the_other_guides():
    app = make_app(PACK)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"other refuge tech safety")
        await pilot.pause(0.5)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, QRScreen)
        assert decode_screen(app.export_screenshot(), 120, 40) == [next(g.url for g in PACK.guides if g.id == "refuge-tech-safety")]
