"""The summary's sheet actions in the app: save as PDF, print through CUPS, and a print failure."""

from __future__ import annotations

import re

from safetyhelper.content import load_content
from safetyhelper.tui.app import make_app
from safetyhelper.tui.screens.sheet_dialog import SheetDialog, YesNoDialog
from safetyhelper.tui.screens.summary import SummaryScreen
from test_printing import QUEUE, cups, cups_pdf_out_dir, wait_for_new_pdf  # noqa: F401  (cups is a fixture)
from test_sheet import decode_pages, flat, pdf_text
from test_tui import visible_text, walk_to_summary

PACK = load_content()
CHOSEN = ["facebook", "instagram", "iphone"]  # what walk_to_summary picks


def expected_urls() -> list[str]:
    return sorted(g.url for pid in CHOSEN for g in PACK.platform(pid).guides)


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
    assert sorted(decode_pages(pdf)) == expected_urls()


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
    assert sorted(decode_pages(printed.read_bytes(), dpi=200)) == expected_urls()
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
