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
from typing import Iterable, Mapping

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
    PageBreak,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from safetyhelper.checks import telling_word
from safetyhelper.content import ContentPack, Item
from safetyhelper.files import write_new
from safetyhelper.qr import QUIET_ZONE, qr_matrix
from safetyhelper.session import GuideStep, Outcome, Session
from safetyhelper.translate import ENGLISH, N_, NOTICE_PREFIX, _, long_date, pack_in, words_in

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
    Outcome.DONE: N_("✓ Done"),
    Outcome.AT_HOME: N_("☐ To do"),
    Outcome.NOT_NOW: N_("☐ When it is safe"),
    Outcome.NOT_RELEVANT: N_("– Not needed"),
}
DISCREET_MARKS = {**MARKS, Outcome.NOT_NOW: N_("☐ Later")}

PHONE_REMINDER = N_("Open these on a phone that only you use. Point the phone's camera at a code to open the guide.")

# NOTICE_PREFIX, which starts a step's warning on an ordinary sheet as on the screen, lives in translate.py:
# the screen need not load the sheet's modules for it.
#: Every warning on a discreet sheet: the real ones could tell a reader what the sheet is for.
DISCREET_WARNING = N_("Heads-up: other people may see that this changed.")
#: The nations a helpline serves, as the helplines box names them.
NATIONS = (N_("England"), N_("Scotland"), N_("Wales"), N_("Northern Ireland"))
#: Above a draft translation, in English after the draft note in its own language.
DRAFT_NOTE = "This is a draft translation. If anything is unclear, ask the person who gave you this sheet."

WARNING_COLOUR = colors.HexColor("#7a4a00")
WARNING_TINT = colors.HexColor("#fbf0dc")
BAR_COLOUR = colors.HexColor("#b36b00")
NOTE_COLOUR = colors.HexColor("#404040")


@dataclass(frozen=True, slots=True)
class SheetOptions:
    #: Neutral title, no organisation name, nothing that names the service or why. Every warning is kept,
    #: in neutral words (DISCREET_WARNING); steps, notes and general guides that could tell are left out.
    discreet: bool = False
    #: Body text at least 16 pt, one column.
    large_print: bool = False
    #: Print the helplines box. None means: yes, unless discreet (a discreet sheet has them only if asked).
    helplines: bool | None = None
    #: The sheet's language: "en", a translation's code ("cy", "pl", "ro"), or two joined with "+" for a
    #: bilingual sheet, the first language first ("cy+en": Welsh, then English).
    language: str = "en"

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


class StepBlock(Flowable):
    """One numbered step as one block: its warning first (when it has one), then the step itself, with the
    number on the block's first line and, for a warned step, a bar in the warning colour down the left of
    both (the warning's lines on a light tint). No gap inside a block; steps are spaced by spaceBefore.

    A block is kept whole on a page (the warning always travels with its step) unless it is taller than
    KEEP_WHOLE; then, and only then, it splits between lines as Text does, so any length still prints.
    ``parts`` is one or two (text, colour) pairs, each wrapped on its own.
    """

    #: Blocks up to this height (points, about half a page) never split across pages.
    KEEP_WHOLE = 360.0

    def __init__(self, parts, style: ParagraphStyle, *, label: str = "", bar: bool = False):
        super().__init__()
        self.parts = tuple(parts)
        self.style = style
        self.label = label
        self.bar = bar
        self.font = style.fontName
        self.spaceBefore = style.spaceBefore
        self.spaceAfter = style.spaceAfter
        self._lines: tuple[tuple[str, ...], ...] = ()
        self._wrapped_for: float | None = None

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        self.width = avail_width
        st = self.style
        width = max(avail_width - st.leftIndent - st.rightIndent, 10.0)
        if width != self._wrapped_for:
            self._lines = tuple(wrap_text(text, self.font, st.fontSize, width) for text, _ in self.parts)
            self._wrapped_for = width
        self.height = sum(len(lines) for lines in self._lines) * st.leading
        return avail_width, self.height

    def split(self, avail_width: float, avail_height: float) -> list[Flowable]:
        self.wrap(avail_width, avail_height)
        total = sum(len(lines) for lines in self._lines)
        fit = int((avail_height + 1e-7) / self.style.leading)
        if fit >= total:
            return [self]
        if self.height <= self.KEEP_WHOLE:
            return []  # moved whole to the next page: a warning never leaves its step
        frame = getattr(self, "_frame", None)
        at_top = bool(frame is not None and getattr(frame, "_atTop", False))
        if fit == total - 1 and fit >= 3:
            fit -= 1  # no widow
        if fit == 0 or (fit == 1 and not at_top):
            return []
        head_parts, tail_parts, head_lines, tail_lines = [], [], [], []
        left = fit
        for (text, colour), lines in zip(self.parts, self._lines):
            if left >= len(lines) and (left or not lines):
                head_parts.append((text, colour))
                head_lines.append(lines)
                left -= len(lines)
            elif left > 0:
                h, t = _rest_of(text, lines[:left])
                head_parts.append((h, colour))
                head_lines.append(lines[:left])
                tail_parts.append((t, colour))
                tail_lines.append(lines[left:])
                left = 0
            else:
                tail_parts.append((text, colour))
                tail_lines.append(lines)
        head = StepBlock(head_parts, self.style, label=self.label, bar=self.bar)
        head.spaceAfter = 0
        tail = StepBlock(tail_parts, self.style, bar=self.bar)
        tail.spaceBefore = 0
        for part, part_lines in ((head, head_lines), (tail, tail_lines)):
            part._lines, part._wrapped_for = tuple(part_lines), self._wrapped_for
        return [head, tail]

    def draw(self) -> None:
        c = self.canv
        st = self.style
        lead = st.leading
        if not self.height:
            return
        if self.bar:
            c.saveState()
            y = self.height
            for (_, colour), lines in zip(self.parts, self._lines):
                if colour is WARNING_COLOUR and lines:  # the warning's lines on a light tint
                    c.setFillColor(WARNING_TINT)
                    c.rect(st.leftIndent - 2, y - len(lines) * lead, self.width - st.leftIndent + 2, len(lines) * lead,
                           stroke=0, fill=1)
                y -= len(lines) * lead
            c.setFillColor(BAR_COLOUR)
            c.rect(st.leftIndent - st.fontSize * 0.5, 0, max(st.fontSize * 0.16, 1.6), self.height, stroke=0, fill=1)
            c.restoreState()
        # First baseline: one leading down, less the descent (as a Paragraph places it).
        y = self.height - lead + (lead - st.fontSize) / 2 + st.fontSize * 0.2
        c.setFont(self.font, st.fontSize)
        if self.label:
            c.setFillColor(st.textColor)
            c.drawRightString(st.leftIndent - st.fontSize * 0.8, y, self.label)
        for (_, colour), lines in zip(self.parts, self._lines):
            if not lines:
                continue
            text = c.beginText(st.leftIndent, y)
            text.setFont(self.font, st.fontSize, lead)
            text.setFillColor(colour)
            for line in lines:
                text.textLine(line)
            c.drawText(text)
            y -= len(lines) * lead


class Beside(Flowable):
    """Two columns: ``left`` (a QR code and its address) and, beside it, ``right`` (a guide's heading, note and
    steps). It splits inside the right column only, and the first part always holds the whole left column
    and at least one step: a code is always on the page where its steps begin. The rest goes on under an
    empty left column, so the steps keep their place across the page break."""

    def __init__(self, left: list[Flowable], right: list[Flowable], left_width: float, gap: float, *,
                 space_before: float = 0.0):
        super().__init__()
        self.left = list(left)
        self.right = list(right)
        self.left_width = left_width
        self.gap = gap
        self.spaceBefore = space_before
        self.spaceAfter = 0

    @staticmethod
    def _stack(flowables: list[Flowable], width: float) -> tuple[list[tuple[Flowable, float, float]], float]:
        """Each flowable wrapped at ``width``, with its top's distance from the column's top; and the height."""
        out, y, prev = [], 0.0, None
        for f in flowables:
            if prev is not None:
                y += max(prev.getSpaceAfter(), f.getSpaceBefore())
            _, h = f.wrap(width, 1e9)
            out.append((f, y, h))
            y += h
            prev = f
        return out, y

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        self.width = avail_width
        self._rw = max(avail_width - self.left_width - self.gap, 20.0)
        self._left, self._lh = self._stack(self.left, self.left_width)
        self._right, rh = self._stack(self.right, self._rw)
        self.height = max(self._lh, rh)
        return avail_width, self.height

    def split(self, avail_width: float, avail_height: float) -> list[Flowable]:
        self.wrap(avail_width, avail_height)
        if self.height <= avail_height + 1e-7:
            return [self]
        if self._lh > avail_height + 1e-7:
            return []
        frame = getattr(self, "_frame", None)
        at_top = bool(frame is not None and getattr(frame, "_atTop", False))
        head: list[Flowable] = []
        rest: list[Flowable] = []
        y = 0.0
        for i, (f, _, h) in enumerate(self._right):
            gap = max(head[-1].getSpaceAfter(), f.getSpaceBefore()) if head else 0.0
            room = avail_height - y - gap
            if h <= room + 1e-7:
                head.append(f)
                y += gap + h
                continue
            parts = f.split(self._rw, room) if room > 0 else []
            if len(parts) > 1:
                head.append(parts[0])
                rest = [*parts[1:], *(g for g, _, _ in self._right[i + 1:])]
            else:
                rest = [g for g, _, _ in self._right[i:]]
            break
        if not rest:
            return [self]
        has_steps = any(isinstance(f, StepBlock) for f in self.right)
        if not head or (has_steps and not any(isinstance(f, StepBlock) for f in head) and not at_top):
            return []  # never a code and a heading without a step under them
        first = Beside(self.left, head, self.left_width, self.gap, space_before=self.spaceBefore)
        return [first, Beside([], rest, self.left_width, self.gap)]

    def draw(self) -> None:
        for f, y, h in self._left:
            f.drawOn(self.canv, 0, self.height - y - h)
        x = self.left_width + self.gap
        for f, y, h in self._right:
            f.drawOn(self.canv, x, self.height - y - h)


# --------------------------------------------------------------------------- the sheet


class _Styles:
    def __init__(self, large: bool):
        body = 16 if large else 10.5
        small = 16 if large else 8.5
        self.body_size = body
        base = ParagraphStyle("body", fontName=FONT, fontSize=body, leading=body * 1.25, alignment=TA_LEFT)
        self.body = base
        self.small = ParagraphStyle("small", parent=base, fontSize=small, leading=small * 1.25)
        self.title = ParagraphStyle("title", parent=base, fontName=FONT_BOLD, fontSize=body * 1.9, leading=body * 2.3, spaceAfter=2)
        self.h1 = ParagraphStyle("h1", parent=base, fontName=FONT_BOLD, fontSize=body * 1.4, leading=body * 1.8, spaceBefore=body * 0.9, spaceAfter=body * 0.3)
        self.h2 = ParagraphStyle("h2", parent=base, fontName=FONT_BOLD, fontSize=body * 1.1, leading=body * 1.45, spaceBefore=body * 0.6, spaceAfter=body * 0.2)
        self.h3 = ParagraphStyle("h3", parent=base, fontName=FONT_BOLD, spaceBefore=body * 0.3)
        #: A numbered step (its warning, if any, is part of the same block); a small gap between steps.
        self.step = ParagraphStyle("step", parent=base, leftIndent=body * 2.3, spaceBefore=body * 0.3)
        self.note = ParagraphStyle("note", parent=self.small, textColor=NOTE_COLOUR, spaceBefore=body * 0.2)
        self.ref = ParagraphStyle("ref", parent=base, spaceBefore=body * 0.5)
        self.caption = ParagraphStyle("caption", parent=base, fontName=FONT_BOLD, keepWithNext=0)
        self.url = ParagraphStyle("url", parent=self.small)


def _p(text: str, style: ParagraphStyle, label: str = "") -> Text:
    return Text(text, style, label=label)


def _steps(steps, st: _Styles, options: SheetOptions) -> list[Flowable]:
    """Numbered steps, one block each; a step that could be noticed has its warning inside its own block,
    before the action (in neutral words on a discreet sheet, which also leaves out steps not for it)."""
    out: list[Flowable] = []
    shown = [s for s in steps if s.discreet or not options.discreet]
    for n, step in enumerate(shown, 1):
        parts = [(step.text, colors.black)]
        if step.warning:
            warning = _(DISCREET_WARNING) if options.discreet else _(NOTICE_PREFIX) + step.warning
            parts.insert(0, (warning, WARNING_COLOUR))
        out.append(StepBlock(parts, st.step, label=f"{n}.", bar=bool(step.warning)))
    return out


def _names(names: list[str]) -> str:
    return names[0] if len(names) == 1 else _("{names} and {last}").format(names=", ".join(names[:-1]), last=names[-1])


def _code_column(url: str, size: float, st: _Styles) -> list[Flowable]:
    """A code with its address under it, as text."""
    return [QRCode(url, size), _p(url, st.url)]


def _guide_block(gs: GuideStep, st: _Styles, options: SheetOptions, pack: ContentPack, size: float,
                 telling: tuple[str, ...] = ()) -> Beside:
    """A guide's code and address on the left; beside it its heading, note (as the screen shows it) and steps."""
    g = gs.guide
    right: list[Flowable] = [_p(f"{gs.platform.name}: {g.title}", st.h3)]
    if g.note and not (options.discreet and telling_word(g.note, pack, telling)):
        right.append(_p(_("Note: {note}").format(note=g.note), st.note))
    right += _steps(g.steps, st, options)
    return Beside(_code_column(g.url, size, st), right, size, 5 * mm, space_before=st.body_size * 0.9)


def _plan_codes(session: Session, item: Item) -> list[GuideStep]:
    """For the plan: one code per chosen app or phone with a guide for ``item`` (its first topic that has one)."""
    first: dict[str, GuideStep] = {}
    for gs in session.guides_for(item):
        first.setdefault(gs.platform.id, gs)
    return list(first.values())


def _codes_grid(codes: list[GuideStep], st: _Styles, *, large: bool, with_address: bool = False) -> Table:
    """Codes at the smallest allowed size, four to a row, each with the app's name (and, in ordinary print,
    the guide's title; and the address when it is printed nowhere else) under it."""
    cols = 4
    width = A4[0] - 36 * mm
    cells = []
    for gs in codes:
        cell: list[Flowable] = [QRCode(gs.guide.url, QR_SIZE), _p(gs.platform.name, st.caption)]
        if not large:
            cell.append(_p(gs.guide.title, st.small))
        if with_address:
            cell.append(_p(gs.guide.url, st.url))
        cells.append(cell)
    rows = [cells[i: i + cols] + [""] * (cols - len(cells[i: i + cols])) for i in range(0, len(cells), cols)]
    table = Table(rows, colWidths=[width / cols] * cols, hAlign="LEFT")
    table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (-1, -1), 6),
                ("TOPPADDING", (0, 0), (-1, -1), 2),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 6),
            ]
        )
    )
    return table


def _plan(session: Session, st: _Styles, options: SheetOptions) -> list[Flowable]:
    """Page 1: what is left to do (to do, then when it is safe), each item with its codes; then, briefly,
    what is done and what is not needed."""
    order = session.items  # the plan's order
    outcome = {i.id: session.outcome(i.id) or Outcome.AT_HOME for i in order}
    out: list[Flowable] = []
    lead: list[Flowable] = [_p(_("Your plan"), st.h1)]
    shown: dict[tuple[str, ...], str] = {}
    groups = ((Outcome.AT_HOME, _("To do")), (Outcome.NOT_NOW, _("Later") if options.discreet else _("When it is safe")))
    for kind, heading in groups:
        items = [i for i in order if outcome[i.id] is kind]
        if not items:
            continue
        lead.append(_p(heading, st.h2))
        for item in items:
            entry = [*lead, _p(f"☐ {item.title}", st.h3)]
            lead = []
            codes = _plan_codes(session, item)
            key = tuple(gs.guide.url for gs in codes)
            if not codes:
                entry.append(_p(_("Follow the steps below."), st.body))
            elif key in shown:
                entry.append(_p(_("Use the same codes as for “{item}” above.").format(item=shown[key]), st.body))
            else:
                shown[key] = item.title
                entry.append(_codes_grid(codes, st, large=options.large_print))
            out.append(KeepTogether(entry))
    brief = []
    for kind, word in ((Outcome.DONE, _("Done")), (Outcome.NOT_RELEVANT, _("Not needed"))):
        titles = [i.title for i in order if outcome[i.id] is kind]
        if titles:
            brief.append(_p(f"{word}: {'; '.join(titles)}.", st.body))
    if lead:  # nothing left to do
        out.append(KeepTogether([*lead, *(brief[:1] or [_p(_("Nothing left to do."), st.body)])]))
        brief = brief[1:]
    if brief:
        brief[0].spaceBefore = st.body_size * 0.6
    return out + brief


def sheet_pdf(session: Session, options: SheetOptions = SheetOptions(), *, today: dt.date | None = None) -> bytes:
    """The take-home sheet for ``session`` as PDF bytes (in memory; nothing touches the disk).

    Page 1 is the plan: the items left to do (to do, then when it is safe), each with its codes, and what is
    done. The steps follow, item by item: the item's own advice, then each chosen app's steps for it beside
    its code, each app's steps printed once (a later item that needs them says where they are). Items
    marked not relevant have no steps and no codes. Then the general guides chosen, and the helplines.

    In another language (``options.language``) every word comes from that translation (English where it
    has none); a bilingual sheet ("cy+en") prints the whole sheet in the first language, then in the
    second. Raises ContentError for a translation that does not load."""
    register_fonts()
    today = today or dt.date.today()
    st = _Styles(options.large_print)
    story: list[Flowable] = []
    title = footer = page_word = ""
    chosen, general, outcomes, answers = list(session.chosen), list(session.general), dict(session.outcomes), dict(session.answers)
    for n, code in enumerate(options.language.split("+")):
        pack, translation = pack_in(session.pack, code)
        # Copies: the sheet may be made in a worker thread while a quick exit wipes the session.
        view = Session(pack, chosen=list(chosen), general=list(general), outcomes=dict(outcomes),
                       answers=dict(answers), started=session.started)
        with words_in(code):
            if not n:
                page_word = _("Page {page}")
            part, part_title, part_footer = _story(view, options, st, today, code, draft=translation is not None and translation.draft,
                                                   draft_note=translation.info.draft_note if translation else "",
                                                   telling=tuple(w.lower() for w in translation.info.telling_words) if translation else ())
        if n:
            story.append(PageBreak())
        story += part
        title = title or part_title
        footer = f"{footer} / {part_footer}" if footer else part_footer

    def on_page(canvas, doc) -> None:
        canvas.saveState()
        canvas.setFont(FONT, st.small.fontSize)
        canvas.drawString(doc.leftMargin, 10 * mm, footer)
        canvas.drawRightString(A4[0] - doc.rightMargin, 10 * mm, page_word.format(page=doc.page))
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


def _story(session: Session, options: SheetOptions, st: _Styles, today: dt.date, code: str, *, draft: bool,
           draft_note: str, telling: tuple[str, ...] = ()) -> tuple[list[Flowable], str, str]:
    """The whole sheet in one language (the words set by ``words_in``): its flowables, title and footer."""
    pack = session.pack
    size = QR_SIZE_LARGE if options.large_print else QR_SIZE
    marks = DISCREET_MARKS if options.discreet else MARKS
    platforms = session.chosen_platforms
    used = [g for p in platforms for g in p.guides]
    checked = min((g.checked for g in used), default=pack.oldest_checked)
    title = pack.organisation.discreet_title if options.discreet else _("Staying safe online: your plan")
    story: list[Flowable] = [_p(title, st.title)]
    made = long_date(today, code)
    story.append(_p(made if options.discreet else _("Made with {organisation} on {date}").format(
        organisation=pack.organisation.name, date=made), st.body))
    if draft:
        story.append(_p(draft_note, st.note))
        story.append(_p(DRAFT_NOTE, st.note))
    story.append(Spacer(1, st.body_size * 0.6))
    story.append(_p(_(PHONE_REMINDER), st.body))
    story += _plan(session, st, options)
    # The steps, item by item: the item's own advice, then its apps' guides. A guide's steps print once,
    # under the first item still to do (to do or when it is safe) that uses it; every other item that uses
    # it says where they are. An item done together shows the codes of guides whose steps print nowhere
    # else, to check again. A heading always travels with its first step (a small KeepTogether).
    order = session.items  # the plan's order (the answers behind it never print)
    outcomes = {i.id: session.outcome(i.id) or Outcome.AT_HOME for i in order}
    home: dict[tuple[str, str], Item] = {}  # (platform id, topic) -> the item whose section has its steps
    for item in order:
        if outcomes[item.id] in (Outcome.AT_HOME, Outcome.NOT_NOW):
            for gs in session.guides_for(item):
                home.setdefault((gs.platform.id, gs.guide.topic), item)
    lead: list[Flowable] = [_p(_("Your steps"), st.h1)]
    printed: set[tuple[str, str]] = set()
    for item in order:
        outcome = outcomes[item.id]
        if outcome is Outcome.NOT_RELEVANT:
            continue
        body: list[Flowable] = _steps(item.steps, st, options)
        refs: dict[tuple[str, str], list[str]] = {}
        blocks: list[Flowable] = []
        codes_only: list[GuideStep] = []
        for gs in session.guides_for(item):
            key = (gs.platform.id, gs.guide.topic)
            where = home.get(key)
            if where is None:
                codes_only.append(gs)
            elif where is item and key not in printed:
                printed.add(key)
                blocks.append(_guide_block(gs, st, options, pack, size, telling))
            else:
                names = refs.setdefault((where.title, "above" if key in printed else "below"), [])
                if gs.platform.name not in names:
                    names.append(gs.platform.name)
        for (where, direction), names in refs.items():
            said = _("{names}: the steps are under “{item}” above.") if direction == "above" else _(
                "{names}: the steps are under “{item}” below.")
            body.append(_p(said.format(names=_names(names), item=where), st.ref))
        if codes_only:
            body.append(_p(_("Done together. To check again, open the app's own guide:"), st.ref))
            body.append(_codes_grid(codes_only, st, large=options.large_print, with_address=True))
        body += blocks
        heading = [*lead, _p(f"{_(marks[outcome])}: {item.title}", st.h2)]
        lead = []
        story.append(KeepTogether(heading + body[:1]))
        story.extend(body[1:])

    general = [g for g in session.general_guides
               if not (options.discreet and any(telling_word(t, pack, telling) for t in (g.title, g.about, g.url)))]
    lead = [_p(_("Other guides"), st.h1)]
    for g in general:
        block = Beside(_code_column(g.url, size, st), [_p(g.title, st.h3), _p(g.about, st.body)], size, 5 * mm,
                       space_before=st.body_size * 0.9)
        story.append(KeepTogether([*lead, block]))
        lead = []

    if options.with_helplines:
        story.append(_helplines(pack, st, discreet=options.discreet))
    if not options.discreet:
        story.append(Spacer(1, st.body_size))
        story.append(_p(pack.organisation.contact, st.body))

    footer = _("Guides checked on {date}").format(date=long_date(checked, code))
    return story, title, footer


def _escape(text: str) -> str:
    """``text`` safe inside a Paragraph's markup (xml.sax.saxutils.escape would import urllib and http)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _helplines(pack: ContentPack, st: _Styles, *, discreet: bool) -> Flowable:
    rows = []
    for hid in pack.organisation.helplines:
        h = pack.helpline(hid)
        if h is None:
            continue
        text = f"<b>{_escape(h.name)}</b>: {_escape(h.number)}. {_escape(h.hours)}"
        if len(h.nations) < 4:
            text += f" ({_escape(', '.join(_(n) for n in h.nations))})"
        rows.append([Paragraph(text, st.body)])
    box = Table([[_p(_("Useful numbers") if discreet else _("Help and advice"), st.h2)], *rows], colWidths=[A4[0] - 36 * mm])
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


def cli_session(pack: ContentPack, ids: Iterable[str], answers: Mapping[str, str] | None = None) -> Session:
    """A session for a sheet made from the command line: every item 'to do', in the order the plan's
    ``answers`` give. A phone or app brings the account it signs in with (an iPhone its Apple Account)."""
    session = Session(pack)
    session.choose(pack.with_accounts(ids))
    for qid, answer in (answers or {}).items():
        session.answer(qid, answer)
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
