"""The take-home safety sheet: an A4 PDF built in memory with reportlab (no Textual, nothing on disk).

QR codes are drawn as vector squares from the same cached matrices the screen uses. The text font is
DejaVu Sans, shipped in the package, so every letter in the content pack prints (the content check
fails on any character the font lacks).
"""

from __future__ import annotations

import datetime as dt
import io
import secrets
from bisect import bisect_right
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Iterable

from reportlab.lib import colors
from reportlab.lib.enums import TA_LEFT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont, TTFontFile
from reportlab.platypus import (
    Flowable,
    KeepTogether,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)
from xml.sax.saxutils import escape

from safetyhelper.content import ContentPack, Platform
from safetyhelper.files import write_new
from safetyhelper.qr import QUIET_ZONE, qr_matrix
from safetyhelper.session import Outcome, Session

FONT_DIR = Path(__file__).resolve().parent / "fonts"
FONT = "DejaVuSans"
FONT_BOLD = "DejaVuSans-Bold"
FONT_FILES = {FONT: "DejaVuSans.ttf", FONT_BOLD: "DejaVuSans-Bold.ttf"}

#: The printed size of a QR code, quiet zone included. The code itself (without the quiet zone) is at
#: least 36 mm * 45/53 = 30.6 mm wide for the largest code the content check allows (version 7).
QR_SIZE = 36 * mm
QR_SIZE_LARGE = 44 * mm
MIN_CODE_WIDTH = 25 * mm

MARKS = {
    Outcome.DONE: "✓ Done",
    Outcome.AT_HOME: "☐ To do",
    Outcome.NOT_NOW: "☐ When it is safe",
    Outcome.NOT_RELEVANT: "– Not needed",
}
DISCREET_MARKS = {**MARKS, Outcome.NOT_NOW: "☐ Later"}

PHONE_REMINDER = "Open these on a phone that only you use. Point the phone's camera at a code to open the guide."


@dataclass(frozen=True, slots=True)
class SheetOptions:
    #: Neutral title, no organisation name, nothing that names the service or why; no warnings.
    discreet: bool = False
    #: Body text at least 16 pt, one column.
    large_print: bool = False
    #: Print the helplines box. None means: yes, unless discreet (a discreet sheet has them only if asked).
    helplines: bool | None = None

    @property
    def with_helplines(self) -> bool:
        return (not self.discreet) if self.helplines is None else self.helplines


# --------------------------------------------------------------------------- fonts


@lru_cache(maxsize=1)
def register_fonts() -> None:
    for name, filename in FONT_FILES.items():
        pdfmetrics.registerFont(TTFont(name, str(FONT_DIR / filename)))
    pdfmetrics.registerFontFamily(FONT, normal=FONT, bold=FONT_BOLD, italic=FONT, boldItalic=FONT_BOLD)


def font_file_characters() -> frozenset[int]:
    """Code points both sheet fonts can draw, read from the font files themselves (slow: about 30 ms).
    safetyhelper/fonts/coverage.txt holds the same list for the checks at every load."""
    sets = [set(TTFontFile(str(FONT_DIR / f)).charToGlyph) for f in FONT_FILES.values()]
    return frozenset(set.intersection(*sets))


# --------------------------------------------------------------------------- flowables


class QRCode(Flowable):
    """A QR code drawn as vector squares on a white square (the quiet zone is part of the matrix)."""

    def __init__(self, url: str, size: float):
        super().__init__()
        self.url = url
        self.matrix = qr_matrix(url)
        self.size = size
        assert (len(self.matrix) - 2 * QUIET_ZONE) * size / len(self.matrix) >= MIN_CODE_WIDTH

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        return self.size, self.size

    def draw(self) -> None:
        # The squares as PDF path operators, made once per code and size (a sheet has dozens of codes of
        # thousands of squares; building them through the canvas API each time is most of the cost).
        self.canv.addLiteral(_qr_path(self.url, self.size))


@lru_cache(maxsize=256)
def _qr_path(url: str, size: float) -> str:
    """PDF operators that paint a white square, then every run of dark modules of ``url``'s code."""
    matrix = qr_matrix(url)
    n = len(matrix)
    m = size / n
    ops = ["q", "1 g", f"0 0 {size:.3f} {size:.3f} re f", "0 g"]
    for r, row in enumerate(matrix):
        y = size - (r + 1) * m
        col = 0
        while col < n:
            if row[col]:
                start = col
                while col < n and row[col]:
                    col += 1
                ops.append(f"{start * m:.3f} {y:.3f} {(col - start) * m:.3f} {m:.3f} re")
            else:
                col += 1
    ops += ["f", "Q"]
    return "\n".join(ops)


@lru_cache(maxsize=8192)
def wrap_text(text: str, font: str, size: float, width: float) -> tuple[str, ...]:
    """Greedy word wrap to ``width`` points; a word longer than a line (a URL) breaks between characters.

    A long word is broken in time linear in its length (any length: the sheet must never hang)."""
    space = pdfmetrics.stringWidth(" ", font, size)
    lines: list[str] = []
    line, line_w = "", 0.0
    for word in text.split():
        w = pdfmetrics.stringWidth(word, font, size)
        if line and line_w + space + w <= width:
            line, line_w = f"{line} {word}", line_w + space + w
            continue
        if line:
            lines.append(line)
        if w > width:  # break a long word into the longest pieces that fit (at least one character each)
            pieces = _break_word(word, font, size, width)
            lines.extend(pieces[:-1])
            word = pieces[-1]
            w = pdfmetrics.stringWidth(word, font, size)
        line, line_w = word, w
    if line:
        lines.append(line)
    return tuple(lines)


def _break_word(word: str, font: str, size: float, width: float) -> list[str]:
    """``word`` cut into pieces, each the longest run of characters from where the last ended whose
    width is at most ``width`` (at least one character). The cut is found with a bisection over prefix
    widths summed from per-character widths, then confirmed with stringWidth on the piece itself (the
    sums can differ from it in the last bit), so the pieces are those measuring each prefix would give."""
    char_w: dict[str, float] = {}
    prefix = [0.0]
    total = 0.0
    for ch in word:
        cw = char_w.get(ch)
        if cw is None:
            cw = char_w[ch] = pdfmetrics.stringWidth(ch, font, size)
        total += cw
        prefix.append(total)
    n = len(word)
    pieces: list[str] = []
    start = 0
    while start < n:
        # The largest end with prefix[end] - prefix[start] <= width, by the sums ...
        end = bisect_right(prefix, prefix[start] + width, start + 1) - 1
        end = min(max(end, start + 1), n)
        # ... then exactly, by measuring the piece (a step or two at most).
        while end > start + 1 and pdfmetrics.stringWidth(word[start:end], font, size) > width:
            end -= 1
        while end < n and pdfmetrics.stringWidth(word[start : end + 1], font, size) <= width:
            end += 1
        pieces.append(word[start:end])
        start = end
    return pieces


def _rest_of(text: str, lines: tuple[str, ...]) -> tuple[str, str]:
    """``text`` split where ``lines`` (its first lines from wrap_text) end: (head, tail).

    wrap_text keeps every non-space character in order and only drops or adds spaces, so the cut is
    after as many non-space characters as the lines hold; a word broken across the cut stays broken."""
    count = sum(len(line) - line.count(" ") for line in lines)
    pos = 0
    if count:
        seen = 0
        for pos, ch in enumerate(text, 1):
            if not ch.isspace():
                seen += 1
                if seen == count:
                    break
    return text[:pos], text[pos:]


class Text(Flowable):
    """One paragraph of plain text in one font, optionally with a label (like "3.") hanging to its left.

    Much lighter than a Paragraph (no markup), and its line breaks are cached across sheets. It splits
    between lines across frames and pages (any length prints; the label stays with the first part).
    """

    def __init__(self, text: str, style: ParagraphStyle, *, label: str = "", font: str | None = None):
        super().__init__()
        self.text = text
        self.style = style
        self.label = label
        self.font = font or style.fontName
        self.spaceBefore = style.spaceBefore
        self.spaceAfter = style.spaceAfter
        self._lines: tuple[str, ...] = ()
        self._wrapped_for: float | None = None

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        self.width = avail_width
        width = max(avail_width - self.style.leftIndent - self.style.rightIndent, 10.0)
        if width != self._wrapped_for:
            self._lines = wrap_text(self.text, self.font, self.style.fontSize, width)
            self._wrapped_for = width
        self.height = len(self._lines) * self.style.leading
        return avail_width, self.height

    def split(self, avail_width: float, avail_height: float) -> list[Flowable]:
        """The lines that fit in ``avail_height`` and the rest, as two Texts; [] if too few lines fit
        (reportlab then moves this to the next frame). Never one line alone at the foot of a frame, or
        (for a paragraph of four lines or more) at the head of the next."""
        self.wrap(avail_width, avail_height)
        lines = self._lines
        fit = int((avail_height + 1e-7) / self.style.leading)
        if fit >= len(lines):
            return [self]
        frame = getattr(self, "_frame", None)
        at_top = bool(frame is not None and getattr(frame, "_atTop", False))
        if fit == len(lines) - 1 and fit >= 3:
            fit -= 1  # no widow
        if fit == 0 or (fit == 1 and not at_top):
            return []
        head_text, tail_text = _rest_of(self.text, lines[:fit])
        head = Text(head_text, self.style, label=self.label, font=self.font)
        head.spaceAfter = 0
        tail = Text(tail_text, self.style, font=self.font)
        tail.spaceBefore = 0
        for part, part_lines in ((head, lines[:fit]), (tail, lines[fit:])):
            part._lines, part._wrapped_for = part_lines, self._wrapped_for
        return [head, tail]

    def draw(self) -> None:
        c = self.canv
        st = self.style
        c.setFont(self.font, st.fontSize)
        c.setFillColor(st.textColor)
        # First baseline: one leading down, less the descent (as a Paragraph places it).
        y = self.height - st.leading + (st.leading - st.fontSize) / 2 + st.fontSize * 0.2
        if self.label:
            c.drawRightString(st.leftIndent - st.fontSize * 0.35, y, self.label)
        text = c.beginText(st.leftIndent, y)
        text.setFont(self.font, st.fontSize, st.leading)
        for line in self._lines:
            text.textLine(line)
        c.drawText(text)


# --------------------------------------------------------------------------- the sheet


class _Styles:
    def __init__(self, large: bool):
        body = 16 if large else 10.5
        self.body_size = body
        base = ParagraphStyle("body", fontName=FONT, fontSize=body, leading=body * 1.3, alignment=TA_LEFT)
        self.body = base
        self.small = ParagraphStyle("small", parent=base, fontSize=16 if large else 8.5, leading=(16 if large else 8.5) * 1.25)
        self.title = ParagraphStyle("title", parent=base, fontName=FONT_BOLD, fontSize=body * 1.9, leading=body * 2.3, spaceAfter=2)
        self.h1 = ParagraphStyle("h1", parent=base, fontName=FONT_BOLD, fontSize=body * 1.4, leading=body * 1.8, spaceBefore=body * 0.9, spaceAfter=body * 0.3)
        self.h2 = ParagraphStyle("h2", parent=base, fontName=FONT_BOLD, fontSize=body * 1.1, leading=body * 1.45, spaceBefore=body * 0.6)
        self.h3 = ParagraphStyle("h3", parent=base, fontName=FONT_BOLD, spaceBefore=body * 0.3)
        self.step = ParagraphStyle("step", parent=base, leftIndent=body * 1.8)
        self.warning = ParagraphStyle(
            "warning", parent=base, leftIndent=body * 1.8, spaceBefore=body * 0.4, textColor=colors.HexColor("#7a4a00")
        )
        self.caption = ParagraphStyle("caption", parent=base, fontName=FONT_BOLD, keepWithNext=0)
        self.url = ParagraphStyle("url", parent=self.small)


def _p(text: str, style: ParagraphStyle, label: str = "") -> Text:
    return Text(text, style, label=label)


def _steps(steps, st: _Styles, options: SheetOptions) -> list[Flowable]:
    """Numbered steps; before each one that could be noticed, its warning (left out when discreet)."""
    out: list[Flowable] = []
    shown = [s for s in steps if s.discreet or not options.discreet]
    for n, step in enumerate(shown, 1):
        if step.warning and not options.discreet:
            out.append(_p(f"Could be noticed: {step.warning}", st.warning))
        out.append(_p(step.text, st.step, f"{n}."))
    return out


def sheet_pdf(session: Session, options: SheetOptions = SheetOptions(), *, today: dt.date | None = None) -> bytes:
    """The take-home sheet for ``session`` as PDF bytes (in memory; nothing touches the disk)."""
    register_fonts()
    pack = session.pack
    today = today or dt.date.today()
    st = _Styles(options.large_print)
    marks = DISCREET_MARKS if options.discreet else MARKS
    platforms = session.chosen_platforms
    used = [g for p in platforms for g in p.guides]
    checked = min((g.checked for g in used), default=pack.oldest_checked)
    title = pack.organisation.discreet_title if options.discreet else "Staying safe online: your plan"
    story: list[Flowable] = [_p(title, st.title)]
    made = f"{today.day} {today:%B %Y}"
    story.append(_p(made if options.discreet else f"Made with {pack.organisation.name} on {made}", st.body))
    story.append(Spacer(1, st.body_size * 0.6))
    story.append(_p(PHONE_REMINDER, st.body))

    # The checklist: each item's outcome, then the chosen apps' steps for it. Groups are kept whole on a
    # page (KeepTogether of a flat list): a heading always travels with its first block of steps.
    lead: list[Flowable] = [_p("Your checklist", st.h1)]
    for item in pack.items:
        outcome = session.outcome(item.id) or Outcome.AT_HOME
        groups: list[list[Flowable]] = []
        if outcome is not Outcome.NOT_RELEVANT:
            guides = session.guides_for(item)
            if not guides:
                groups.append(_steps(item.steps, st, options))
            for gs in guides:
                groups.append([_p(f"{gs.platform.name}: {gs.guide.title}", st.h3), *_steps(gs.guide.steps, st, options)])
        heading = [*lead, _p(f"{marks[outcome]}: {item.title}", st.h2)]
        lead = []
        first, rest = (groups[0], groups[1:]) if groups else ([], [])
        story.append(KeepTogether(heading + first))
        story.extend(KeepTogether(g) for g in rest)

    # The official guides, as QR codes with a caption and the address as text.
    lead = [_p("Official guides", st.h1)]
    for p in platforms:
        story.append(KeepTogether(lead + _guides_block(p, st, pack, large=options.large_print)))
        lead = []

    if options.with_helplines:
        story.append(_helplines(pack, st, discreet=options.discreet))
    if not options.discreet:
        story.append(Spacer(1, st.body_size))
        story.append(_p(pack.organisation.contact, st.body))

    footer = f"Guides checked on {checked.day} {checked:%B %Y}"

    def on_page(canvas, doc) -> None:
        canvas.saveState()
        canvas.setFont(FONT, st.small.fontSize)
        canvas.drawString(doc.leftMargin, 10 * mm, footer)
        canvas.drawRightString(A4[0] - doc.rightMargin, 10 * mm, f"Page {doc.page}")
        canvas.restoreState()

    out = io.BytesIO()
    doc = SimpleDocTemplate(
        out,
        pagesize=A4,
        leftMargin=18 * mm,
        rightMargin=18 * mm,
        topMargin=16 * mm,
        bottomMargin=20 * mm,
        title=title,
        author="",
        subject="",
        creator="",
        producer="",
    )
    doc.build(story, onFirstPage=on_page, onLaterPages=on_page)
    return out.getvalue()


def _guides_block(platform: Platform, st: _Styles, pack: ContentPack, *, large: bool) -> list[Flowable]:
    size = QR_SIZE_LARGE if large else QR_SIZE
    cells = []
    for g in platform.guides:
        topic = pack.topic(g.topic)
        caption = [_p(g.title, st.caption), _p(g.url, st.url)]
        if topic:
            caption.insert(0, _p(topic.title, st.small))
        cells.append((QRCode(g.url, size), caption))
    width = A4[0] - 36 * mm
    if large:
        rows = [[code, caption] for code, caption in cells]
        table = Table(rows, colWidths=[size + 4 * mm, width - size - 4 * mm])
    else:
        cols = 3
        rows = []
        for i in range(0, len(cells), cols):
            chunk = cells[i : i + cols]
            rows.append([code for code, _ in chunk] + [""] * (cols - len(chunk)))
            rows.append([caption for _, caption in chunk] + [""] * (cols - len(chunk)))
        table = Table(rows, colWidths=[width / cols] * cols)
    table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 2),
                ("RIGHTPADDING", (0, 0), (-1, -1), 6),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
            ]
        )
    )
    return [_p(platform.name, st.h2), table]


def _helplines(pack: ContentPack, st: _Styles, *, discreet: bool) -> Flowable:
    rows = []
    for hid in pack.organisation.helplines:
        h = pack.helpline(hid)
        if h is None:
            continue
        text = f"<b>{escape(h.name)}</b>: {escape(h.number)}. {escape(h.hours)}"
        if len(h.nations) < 4:
            text += f" ({escape(', '.join(h.nations))})"
        rows.append([Paragraph(text, st.body)])
    box = Table([[_p("Useful numbers" if discreet else "Help and advice", st.h2)], *rows], colWidths=[A4[0] - 36 * mm])
    box.setStyle(
        TableStyle(
            [
                ("BOX", (0, 0), (-1, -1), 1, colors.black),
                ("LEFTPADDING", (0, 0), (-1, -1), 8),
                ("RIGHTPADDING", (0, 0), (-1, -1), 8),
            ]
        )
    )
    return KeepTogether([Spacer(1, st.body_size), box])


def cli_session(pack: ContentPack, ids: Iterable[str]) -> Session:
    """A session for a sheet made from the command line: every item 'to do'."""
    session = Session(pack)
    session.choose(list(ids))
    for item in pack.items:
        session.record(item.id, Outcome.AT_HOME)
    return session


class SaveError(Exception):
    """The sheet could not be saved; the message is a plain phrase or sentence, naming no other file."""


def expand_path(raw: str | Path) -> Path:
    """``raw`` with ``~`` expanded; SaveError (not Path's RuntimeError) for a ``~user`` with no home folder."""
    try:
        return Path(raw).expanduser()
    except RuntimeError:  # no such user, or no home folder
        raise SaveError(f"there is no home folder {str(raw).split('/', 1)[0]}") from None


def save_pdf(pdf: bytes, path: str | Path) -> Path:
    """Write the sheet where the caseworker asked, readable by its owner only (0600), in one step.
    Never over an existing file (nothing is lost) and never through a link."""
    target = expand_path(path)
    if target.is_dir():
        raise IsADirectoryError(f"{target} is a folder; give a file name such as sheet.pdf")
    try:
        return write_new(target, pdf, mode=0o600)
    except FileExistsError:
        raise FileExistsError(f"{target} already exists; choose another name") from None


def save_in_folder(pdf: bytes, folder: str | Path) -> Path:
    """Kiosk mode: save ``pdf`` in ``folder`` under a new random name that says nothing (never over a file,
    readable by its owner only). Errors never name any other file: the next person learns nothing."""
    try:
        where: Path | None = expand_path(folder)
    except SaveError:
        where = None
    if where is None or not where.is_dir():
        raise SaveError(f"The save folder {folder} is not there. If it is a USB stick, check that it is plugged in.")
    for _ in range(8):
        target = where / f"sheet-{secrets.token_hex(8)}.pdf"
        try:
            return write_new(target, pdf, mode=0o600)
        except FileExistsError:
            continue  # a name already taken: draw another, say nothing
        except OSError as exc:
            raise SaveError(f"The sheet could not be saved in the save folder: {exc.strerror or 'an error'}.") from None
    raise SaveError("The sheet could not be saved in the save folder. Try again.")
