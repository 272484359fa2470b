"""The take-home sheet: real PDF text extraction (pypdfium2), rasterising and decoding (zxing-cpp)."""

from __future__ import annotations

import datetime as dt
import re

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
import pytest
import zxingcpp

from conftest import override_with, run_cli, shipped_text
from safetyhelper.content import load_content
from safetyhelper.session import Outcome, Session
from safetyhelper.checks import discreet_problems, font_characters, font_problems
from safetyhelper.sheet import (
    DISCREET_MARKS,
    MARKS,
    MIN_CODE_WIDTH,
    PHONE_REMINDER,
    SheetOptions,
    cli_session,
    font_file_characters,
    save_pdf,
    sheet_pdf,
)

PACK = load_content()
ALL = [p.id for p in PACK.guided]
TODAY = dt.date(2026, 11, 24)


def pdf_text(pdf: bytes) -> str:
    doc = pdfium.PdfDocument(pdf)
    return "\n".join(doc[i].get_textpage().get_text_range() for i in range(len(doc)))


def flat(text: str) -> str:
    """Text with line breaks and hyphen-free wraps joined, for phrase searches."""
    # pdfium reports a hyphen that ends a line as U+FFFE (it guesses a soft hyphen): it was a real "-".
    return re.sub(r"\s+", " ", text.replace("\r", "").replace("\ufffe", "-"))


def decode_pages(pdf: bytes, dpi: int = 150) -> list[str]:
    doc = pdfium.PdfDocument(pdf)
    found = []
    for i in range(len(doc)):
        image = doc[i].render(scale=dpi / 72, grayscale=True).to_pil()
        found += [r.text for r in zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.QRCode)]
    return found


def font_sizes(pdf: bytes) -> list[tuple[float, str]]:
    """(font size, character) for every printable character in the PDF."""
    doc = pdfium.PdfDocument(pdf)
    out = []
    for i in range(len(doc)):
        tp = doc[i].get_textpage()
        for j in range(tp.count_chars()):
            ch = chr(pdfium_c.FPDFText_GetUnicode(tp, j))
            if not ch.isspace() and ch != "\x00":
                out.append((pdfium_c.FPDFText_GetFontSize(tp, j), ch))
    return out


def full_session() -> Session:
    s = Session(PACK)
    s.choose(ALL)
    outcomes = {"public": Outcome.DONE, "recheck": Outcome.AT_HOME, "location": Outcome.NOT_NOW, "sharing": Outcome.AT_HOME,
                "phone": Outcome.NOT_NOW, "security": Outcome.DONE, "safety-tools": Outcome.NOT_RELEVANT}
    assert set(outcomes) == {i.id for i in PACK.items}
    for item_id, outcome in outcomes.items():
        s.record(item_id, outcome)
    return s


@pytest.fixture(scope="module")
def full_pdf() -> bytes:
    return sheet_pdf(full_session(), today=TODAY)


def relevant_urls(session: Session) -> set[str]:
    """The addresses of every chosen guide for an item not marked 'not relevant' (those have no codes)."""
    return {gs.guide.url for item in PACK.items if session.outcome(item.id) is not Outcome.NOT_RELEVANT
            for gs in session.guides_for(item)}


def test_every_qr_code_on_a_sheet_with_everything_decodes_to_its_url(full_pdf):
    found = decode_pages(full_pdf, dpi=150)
    # The plan on page 1 repeats the codes of what is left to do; the codes of a 'not relevant' item are left out.
    expected = relevant_urls(full_session())
    assert set(found) == expected and len(found) >= len(expected)
    assert expected < {g.url for p in PACK.guided for g in p.guides}


def test_sheet_text_holds_each_item_outcome_and_url(full_pdf):
    text = flat(pdf_text(full_pdf))
    assert "Staying safe online: your plan" in text and "Made with Clean Slate on 24 November 2026" in text
    assert "✓ Done: What you post can travel" in text
    assert "☐ To do: Check your settings again" in text
    assert "☐ When it is safe: Turn off location" in text
    assert "Not needed: Block, mute and report" in text
    assert "Open these on a phone that only you use" in text
    assert "Could be noticed:" in text
    assert f"Guides checked on {PACK.oldest_checked.day} {PACK.oldest_checked:%B %Y}" in text
    nospace = text.replace(" ", "")
    for url in relevant_urls(full_session()):
        assert url in nospace, url  # URLs may wrap across lines
    for hid in PACK.organisation.helplines:
        assert PACK.helpline(hid).number in text


def test_qr_codes_are_vectors_at_least_25mm(full_pdf):
    doc = pdfium.PdfDocument(full_pdf)
    for i in range(len(doc)):
        kinds = {obj.type for obj in doc[i].get_objects()}
        assert pdfium_c.FPDF_PAGEOBJ_IMAGE not in kinds  # no bitmaps anywhere
    assert MIN_CODE_WIDTH >= 25 * 72 / 25.4 - 1e-6
    # Decoding at 150 dpi would fail for a tiny code; also check the drawn size from the render, on every
    # page (the plan's codes are the smallest).
    seen = 0
    for i in range(len(doc)):
        image = doc[i].render(scale=150 / 72, grayscale=True).to_pil()
        for r in zxingcpp.read_barcodes(image):
            side_px = abs(r.position.top_right.x - r.position.top_left.x)
            assert side_px / 150 * 25.4 >= 25, r.text  # finder-to-finder width in mm
            seen += 1
    assert seen


def test_one_platform_and_all_layouts_do_not_overlap():
    for ids in (["snapchat"], ALL):
        for options in (SheetOptions(), SheetOptions(large_print=True)):
            pdf = sheet_pdf(cli_session(PACK, ids), options, today=TODAY)
            doc = pdfium.PdfDocument(pdf)
            for i in range(len(doc)):
                tp = doc[i].get_textpage()
                boxes = [tp.get_rect(k) for k in range(tp.count_rects())]
                for a in range(len(boxes)):
                    for b in range(a + 1, len(boxes)):
                        l1, b1, r1, t1 = boxes[a]
                        l2, b2, r2, t2 = boxes[b]
                        overlap_w = min(r1, r2) - max(l1, l2)
                        overlap_h = min(t1, t2) - max(b1, b2)
                        assert overlap_w <= 0.5 or overlap_h <= 0.5, (ids, options, i, boxes[a], boxes[b])
            assert set(decode_pages(pdf)) == {g.url for pid in ids for g in PACK.platform(pid).guides}


def test_item_headings_are_never_alone_at_the_bottom_of_a_page(full_pdf):
    doc = pdfium.PdfDocument(full_pdf)
    for i in range(len(doc)):
        lines = [l for l in doc[i].get_textpage().get_text_range().splitlines() if l.strip()]
        body = [l for l in lines if not l.startswith("Guides checked on")]
        assert body, f"page {i + 1} is empty"
        last = body[-1]
        assert not re.match(r"^(✓|☐|–) ", last), f"page {i + 1} ends with a heading: {last}"


def test_discreet_sheet_reveals_nothing(tmp_path):
    pdf = sheet_pdf(full_session(), SheetOptions(discreet=True), today=TODAY)
    text = flat(pdf_text(pdf)).lower()
    assert PACK.organisation.discreet_title.lower() in text
    for word in [PACK.organisation.name.lower(), "abuse", "domestic", "violence", "could be noticed", "when it is safe"]:
        assert word not in text, word
    for h in PACK.helplines:
        assert h.number not in text and h.name.lower() not in text
    meta = pdfium.PdfDocument(pdf).get_metadata_dict()
    assert PACK.organisation.name not in " ".join(meta.values())


def test_discreet_sheet_has_helplines_only_when_asked():
    pdf = sheet_pdf(full_session(), SheetOptions(discreet=True, helplines=True), today=TODAY)
    text = flat(pdf_text(pdf))
    for hid in PACK.organisation.helplines:
        assert PACK.helpline(hid).number in text
    assert PACK.organisation.name not in text


def test_no_helplines_option():
    pdf = sheet_pdf(full_session(), SheetOptions(helplines=False), today=TODAY)
    text = flat(pdf_text(pdf))
    assert "Help and advice" not in text and "0808 2000 247" not in text


def test_large_print_has_no_text_under_16pt():
    pdf = sheet_pdf(cli_session(PACK, ["facebook", "iphone"]), SheetOptions(large_print=True), today=TODAY)
    sizes = font_sizes(pdf)
    assert sizes and min(size for size, _ in sizes) >= 16 - 0.01
    normal = font_sizes(sheet_pdf(cli_session(PACK, ["facebook"]), today=TODAY))
    assert min(size for size, _ in normal) < 16  # the check can tell the difference


def test_welsh_and_polish_round_trip(tmp_path):
    org = re.sub(r'(?m)^name = ".*"$', 'name = "Cymorth Ŵyr a Ŷd — Pomoc ąłż"', shipped_text("organisation.toml"))
    override_with(tmp_path, {"organisation.toml": org})
    pack = load_content(tmp_path)  # the font check runs at every load
    assert font_problems(pack) == []
    pdf = sheet_pdf(cli_session(pack, ["x"]), today=TODAY)
    text = pdf_text(pdf)
    assert "Cymorth Ŵyr a Ŷd — Pomoc ąłż" in text
    assert "ŵ" in "Cymorth Ŵyr".lower() and "ŷ" in "Ŷd".lower()


def test_the_shipped_font_list_is_the_fonts_own():
    """The checks read the letters the fonts have from fonts/coverage.txt (fast); it must match them."""
    assert font_characters() == font_file_characters()


def test_the_sheets_own_words_are_in_the_font():
    have = font_characters()
    fixed = "".join(MARKS.values()) + "".join(DISCREET_MARKS.values()) + PHONE_REMINDER
    assert [ch for ch in fixed if ord(ch) not in have] == []


def test_shipped_pack_prints_every_character_and_nothing_telling_on_discreet_sheets():
    assert font_problems(PACK) == []
    assert discreet_problems(PACK) == []


# ---------------------------------------------------------------- command line


def test_sheet_command_writes_a_pdf(tmp_path):
    out = tmp_path / "sheet.pdf"
    result = run_cli("sheet", "--platform", "facebook", "--platform", "instagram", "--device", "iphone", "-o", str(out))
    assert result.returncode == 0, result.stderr
    pdf = out.read_bytes()
    assert pdf.startswith(b"%PDF")
    assert (out.stat().st_mode & 0o777) == 0o600
    text = flat(pdf_text(pdf))
    assert "☐ To do: What you post can travel" in text  # every item 'to do'
    # The iPhone brings the Apple Account it signs in with (its security guide is there).
    ids = ["apple-account", "facebook", "instagram", "iphone"]
    assert set(decode_pages(pdf)) == {g.url for pid in ids for g in PACK.platform(pid).guides}
    assert [p.name for p in tmp_path.iterdir()] == ["sheet.pdf"]  # no temp file left beside it


@pytest.mark.parametrize(
    "args, message",
    [
        (["--platform", "myspace", "-o", "x.pdf"], "--platform: unknown id 'myspace'; expected one of apple-account, google-account, microsoft-account, facebook"),
        (["--device", "facebook", "-o", "x.pdf"], "--device: unknown id 'facebook'; expected one of android, iphone"),
        (["-o", "x.pdf"], "name at least one --platform or --device"),
        (["--platform", "x"], "-o FILE, --print, or both"),
    ],
)
def test_sheet_command_bad_input_is_one_line_and_exit_2(tmp_path, args, message):
    result = run_cli("sheet", *args, cwd=tmp_path)
    assert result.returncode == 2
    assert message in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "x.pdf").exists()


def test_sheet_command_cannot_save_into_a_missing_folder(tmp_path):
    result = run_cli("sheet", "--platform", "x", "-o", str(tmp_path / "no" / "such" / "sheet.pdf"))
    assert result.returncode == 1 and "cannot save" in result.stderr and "Traceback" not in result.stderr


def test_checklist_steps_carry_their_warnings_and_emergency_advice_only_on_ordinary_sheets():
    normal = flat(pdf_text(sheet_pdf(cli_session(PACK, ["iphone"]), today=TODAY)))
    tools = next(i for i in PACK.items if i.id == "safety-tools")
    warned = next(s for s in tools.steps if s.warning)
    assert "Could be noticed: " + " ".join(warned.warning.split()[:8]) in normal
    assert "call 999" in normal
    discreet = flat(pdf_text(sheet_pdf(cli_session(PACK, ["iphone"]), SheetOptions(discreet=True), today=TODAY))).lower()
    for word in ("999", "caseworker", "could be noticed", "abus", "danger", "partner"):
        assert word not in discreet, word


def test_a_sheet_is_never_saved_over_a_file_or_through_a_link(tmp_path):
    pdf = sheet_pdf(cli_session(PACK, ["x"]), today=TODAY)
    existing = tmp_path / "precious.txt"
    existing.write_text("keep")
    link = tmp_path / "link.pdf"
    link.symlink_to(tmp_path / "elsewhere.pdf")
    for target in (existing, link):
        with pytest.raises(FileExistsError):
            save_pdf(pdf, target)
    assert existing.read_text() == "keep" and not (tmp_path / "elsewhere.pdf").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["link.pdf", "precious.txt"]  # no temp file left
    result = run_cli("sheet", "--platform", "x", "-o", str(existing))
    assert result.returncode == 1 and "already exists" in result.stderr and existing.read_text() == "keep"
