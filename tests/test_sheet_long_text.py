"""The sheet never fails and never hangs on long text: paragraphs split across pages, long words break in
linear time, and everything at the content check's limits prints (real PDFs, text read back with pypdfium2)."""

from __future__ import annotations

from msgspec.structs import replace
import datetime as dt
import functools
import math
import re

import pypdfium2 as pdfium
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics

from safetyhelper.checks import font_characters
from safetyhelper.content import MAX_CHARS, MAX_URL_BYTES, MAX_WORD, ContentPack, Step, load_content
from safetyhelper.sheet import (
    FONT,
    FONT_BOLD,
    SheetOptions,
    Text,
    _Styles,
    cli_session,
    register_fonts,
    sheet_pdf,
    wrap_text,
)

PACK = load_content()
TODAY = dt.date(2026, 11, 24)
PLATFORM = "x"  # one platform keeps these sheets small (and quick)
FRAME_TOP = A4[1] - 16 * mm  # the sheet's margins
FRAME_BOTTOM = 20 * mm
FRAME_HEIGHT = FRAME_TOP - FRAME_BOTTOM
USABLE_HEIGHT = FRAME_HEIGHT - 12  # a frame pads its content by 6 pt top and bottom
LINE_WIDTH = A4[0] - 36 * mm


def pages_text(pdf: bytes) -> list[str]:
    """Each page's text without its footer (drawn first, so it would sit inside a word broken over pages)."""
    doc = pdfium.PdfDocument(pdf)
    pages = [doc[i].get_textpage().get_text_range() for i in range(len(doc))]
    footer = re.compile(r"^Guides checked on .* Page \d+$")
    return ["\n".join(l for l in p.splitlines() if not footer.match(l.strip())) for p in pages]


def squeeze(text: str) -> str:
    """The text with all white space taken out (a broken word reads back across lines)."""
    return re.sub(r"\s+", "", text.replace("\ufffe", "-"))


def words(n: int) -> str:
    """``n`` characters of distinct, numbered words: 'w0000 w0001 ...'."""
    return " ".join(f"w{i:04d}" for i in range(n // 6 + 1))[:n].rstrip()


def no_repeat_word(n: int) -> str:
    """One word of ``n`` characters that does not repeat within a line (so a lost piece would show)."""
    alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
    return "".join(alphabet[(i * 7 + i // len(alphabet)) % len(alphabet)] for i in range(n))


def with_step(pack: ContentPack, *, text: str | None = None, warning: str | None = None, index: int = 0,
              pid: str = PLATFORM, guide: int = 0) -> ContentPack:
    """``pack`` with one step of one platform guide changed (the shipped objects are frozen; nothing on disk)."""
    platform = pack.platform(pid)
    g = platform.guides[guide]
    step = g.steps[index]
    step = replace(step, text=step.text if text is None else text,
                               warning=step.warning if warning is None else warning)
    g = replace(g, steps=g.steps[:index] + (step,) + g.steps[index + 1:])
    platform = replace(platform, guides=platform.guides[:guide] + (g,) + platform.guides[guide + 1:])
    return _with_platform(pack, platform)


def _with_platform(pack: ContentPack, platform) -> ContentPack:
    swap = lambda ps: tuple(platform if p.id == platform.id else p for p in ps)  # noqa: E731
    return replace(pack, platforms=swap(pack.platforms), devices=swap(pack.devices))


def with_item(pack: ContentPack, index: int, **changes) -> ContentPack:
    items = list(pack.items)
    items[index] = replace(items[index], **changes)
    return replace(pack, items=tuple(items))


def build(pack: ContentPack, options: SheetOptions = SheetOptions(), ids=(PLATFORM,)) -> bytes:
    pdf = sheet_pdf(cli_session(pack, list(ids)), options, today=TODAY)
    assert pdf.startswith(b"%PDF") and pdf.rstrip().endswith(b"%%EOF")
    return pdf


def assert_text_inside_the_frame(pdf: bytes) -> None:
    """Every character but the footer sits between the top and bottom margins: nothing ran off a page."""
    doc = pdfium.PdfDocument(pdf)
    for i in range(len(doc)):
        tp = doc[i].get_textpage()
        for k in range(tp.count_rects()):
            left, bottom, right, top = tp.get_rect(k)
            if top < 15 * mm:
                continue  # the footer ("Guides checked on ...", "Page n") at 10 mm
            where = (i, tp.get_text_bounded(left, bottom, right, top))
            assert FRAME_BOTTOM <= bottom and top <= FRAME_TOP, where  # the frame's 6 pt padding to spare


# ---------------------------------------------------------------- Text.split itself


def test_text_splits_between_lines_with_the_label_and_space_before_on_the_first_part_only():
    register_fonts()
    st_ = _Styles(large=True)
    style = ParagraphStyle("spaced", parent=st_.step, spaceBefore=5, spaceAfter=7)
    text = words(2205)
    t = Text(text, style, label="3.")
    _, height = t.wrap(LINE_WIDTH, FRAME_HEIGHT)
    assert height > FRAME_HEIGHT  # taller than a page
    lines = t._lines
    head, tail = t.split(LINE_WIDTH, 200)
    assert head.label == "3." and tail.label == ""
    assert (head.spaceBefore, head.spaceAfter) == (5, 0) and (tail.spaceBefore, tail.spaceAfter) == (0, 7)
    assert head.wrap(LINE_WIDTH, 200)[1] <= 200
    tail.wrap(LINE_WIDTH, FRAME_HEIGHT)
    assert head._lines + tail._lines == lines
    assert (head.text + tail.text).split() == text.split()
    # Each part wraps to the same lines again from its own text.
    assert wrap_text(head.text, t.font, style.fontSize, LINE_WIDTH - style.leftIndent) == head._lines
    assert wrap_text(tail.text, t.font, style.fontSize, LINE_WIDTH - style.leftIndent) == tail._lines
    # The tail splits again; a paragraph that fits comes back whole; too little room gives nothing.
    again = tail.split(LINE_WIDTH, 300)
    assert len(again) == 2 and again[0]._lines + again[1]._lines == tail._lines
    short = Text("three short words", st_.step, label="1.")
    assert short.split(LINE_WIDTH, 100) == [short]
    assert t.split(LINE_WIDTH, style.leading * 0.9) == []
    assert t.split(LINE_WIDTH, style.leading * 1.5) == []  # no single line left at the foot of a page


def test_a_word_broken_across_the_split_stays_one_word():
    register_fonts()
    st_ = _Styles(large=False)
    word = no_repeat_word(3000)
    t = Text(word, st_.step)
    t.wrap(LINE_WIDTH, FRAME_HEIGHT)
    head, tail = t.split(LINE_WIDTH, st_.step.leading * 5)
    assert len(head._lines) == 5 and head.text + tail.text == word
    assert tail.wrap(LINE_WIDTH / 2, FRAME_HEIGHT)[1] > 0 and "".join(tail._lines) == tail.text  # rewraps narrower


def test_wrap_text_breaks_long_words_between_characters_into_the_longest_pieces_that_fit():
    register_fonts()
    size, width = 10.5, 100.0
    lines = wrap_text("a " + no_repeat_word(500) + " end", FONT, size, width)
    assert lines[0] == "a" and lines[-1].endswith("end")
    assert "".join(lines[1:-1]) + lines[-1].removesuffix(" end").removesuffix("end") == no_repeat_word(500)
    for line, after in zip(lines[1:-1], lines[2:]):
        assert pdfmetrics.stringWidth(line, FONT, size) <= width
        assert pdfmetrics.stringWidth(line + after[0], FONT, size) > width  # longest that fits
    assert wrap_text("one two three", FONT, size, width) == ("one two three",)
    assert wrap_text("W" * 3, FONT, 40, 10.0) == ("W", "W", "W")  # a character wider than a line still prints


def _simple_wrap(text: str, font: str, size: float, width: float) -> tuple[str, ...]:
    """The plain way to wrap (as the sheet did before): measure every prefix of a long word, longest
    first. Right, but cubic in the word's length; a reference for short texts only."""
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
        while w > width:
            cut = len(word)
            while cut > 1 and pdfmetrics.stringWidth(word[:cut], font, size) > width:
                cut -= 1
            lines.append(word[:cut])
            word = word[cut:]
            w = pdfmetrics.stringWidth(word, font, size)
        line, line_w = word, w
    if line:
        lines.append(line)
    return tuple(lines)


@settings(max_examples=150, deadline=None)
@given(
    text=st.text(alphabet=st.sampled_from("Wmil. \n\u00e9\u0175\u2014"), max_size=300),
    bold=st.booleans(),
    size=st.sampled_from([8.5, 10.5, 16, 22.4]),
    width=st.floats(10, 500),
    cut=st.integers(0, 300),
)
def test_wrap_text_gives_the_same_lines_as_the_simple_wrap(text, bold, size, width, cut):
    register_fonts()
    font = FONT_BOLD if bold else FONT
    if text.strip() and cut:  # sometimes a width that some prefix fills exactly
        prefix = text.split()[0][:cut]
        width = max(pdfmetrics.stringWidth(prefix, font, size), 10.0)
    assert wrap_text(text, font, size, width) == _simple_wrap(text, font, size, width)


# ---------------------------------------------------------------- whole sheets


def test_a_2205_character_step_in_large_print_prints_whole_across_pages():
    text = words(2205)
    assert len(text) == 2205
    pdf = build(with_step(PACK, text=text), SheetOptions(large_print=True))
    pages = pages_text(pdf)
    squeezed = [squeeze(p) for p in pages]
    for w in text.split():
        assert any(w in p for p in squeezed), w
    first = text.split()[0]
    last = text.split()[-1]
    on = lambda w: next(i for i, p in enumerate(squeezed) if w in p)  # noqa: E731
    assert on(last) > on(first)  # it did go over a page
    assert_text_inside_the_frame(pdf)
    for page in pages:  # no item heading left alone at the foot of a page
        body = [l for l in page.splitlines() if l.strip() and not l.startswith("Guides checked on")]
        assert body and not re.match(r"^(✓|☐|–) ", body[-1]), body[-1]


def test_a_long_warning_and_a_long_step_print_on_ordinary_and_large_sheets():
    pack = with_step(PACK, text=words(3000), warning=words(2500), index=1)
    for options in (SheetOptions(), SheetOptions(large_print=True)):
        pdf = build(pack, options)
        squeezed = squeeze("".join(pages_text(pdf)))
        assert "Couldbenoticed:w0000" in squeezed
        assert words(2500).split()[-1] in squeezed and words(3000).split()[-1] in squeezed
        assert_text_inside_the_frame(pdf)


def test_a_5000_character_word_prints():
    word = no_repeat_word(5000)
    for options in (SheetOptions(), SheetOptions(large_print=True)):
        pdf = build(with_step(PACK, text=word), options)
        assert word in squeeze("".join(pages_text(pdf)))
        assert_text_inside_the_frame(pdf)


def test_a_20000_character_word_prints():
    word = no_repeat_word(20000)
    pdf = build(with_step(PACK, text=word), SheetOptions(large_print=True))
    assert word in squeeze("".join(pages_text(pdf)))


def _at_limit(field: str, word: str = "W") -> str:
    """Text as long as the content check lets ``field`` be, in words as long as it allows, of a wide letter."""
    n = MAX_CHARS[field]
    chunk = word * (MAX_WORD - 1) + "m"
    return " ".join([chunk] * (n // (MAX_WORD + 1) + 1))[:n]


def _everything_at_its_limit(pack: ContentPack) -> ContentPack:
    url = "https://example.org/" + "a" * (MAX_URL_BYTES - len("https://example.org/"))
    step = Step(text=_at_limit("text"), warning=_at_limit("warning"))
    platforms = tuple(
        replace(
            p,
            name=_at_limit("name"),
            guides=tuple(replace(g, title=_at_limit("title"), url=url, steps=(step,) * len(g.steps))
                         for g in p.guides),
        )
        for p in pack.platforms
    )
    helplines = tuple(
        replace(h, name=_at_limit("name"), number=_at_limit("number", "8"), hours=_at_limit("hours"),
                            nations=("England",))
        for h in pack.helplines
    )
    org = replace(pack.organisation, name=_at_limit("name"), contact=_at_limit("contact"),
                              discreet_title=_at_limit("discreet_title"))
    return replace(
        pack,
        platforms=platforms,
        helplines=helplines,
        organisation=org,
        topics=tuple(replace(t, title=_at_limit("title")) for t in pack.topics),
        items=tuple(replace(i, title=_at_limit("title"), steps=(step,) * len(i.steps)) for i in pack.items),
    )


@pytest.mark.parametrize("large", [False, True])
@pytest.mark.parametrize("discreet", [False, True])
def test_every_printed_text_at_the_content_checks_limits_prints(large, discreet):
    """Headings of a long platform name and guide title, helplines, captions, the contact line: all at
    their longest (words of the longest allowed, in a wide letter) still make a sheet."""
    pack = _everything_at_its_limit(PACK)
    pdf = build(pack, SheetOptions(large_print=large, discreet=discreet, helplines=True), ids=(PLATFORM, "iphone"))
    squeezed = squeeze("".join(pages_text(pdf)))
    assert squeeze(pack.platform(PLATFORM).name + ":" + pack.platform(PLATFORM).guides[0].title) in squeezed
    assert squeeze(pack.helplines[0].number) in squeezed and squeeze(pack.helplines[0].hours) in squeezed
    assert_text_inside_the_frame(pdf)


# ---------------------------------------------------------------- any text at all

FONT_CHARS = sorted(chr(c) for c in font_characters())
GUIDE_STEPS = [(gi, si) for gi, g in enumerate(PACK.platform(PLATFORM).guides) for si in range(len(g.steps))]
#: A device with guides for some items only: the others print the item's own steps.
DEVICE = "iphone"
OWN_STEPS = [i for i, item in enumerate(PACK.items) if not any(PACK.platform(DEVICE).guide(t) for t in item.topics)]

_fragments = st.text(
    alphabet=st.one_of(st.sampled_from(FONT_CHARS), st.sampled_from(" \n"), st.sampled_from("Wmil.")),
    min_size=1,
    max_size=200,
)
#: Up to 6,000 characters (a page or two): a drawn fragment, repeated (a fragment without a space makes
#: one long word).
any_text = st.tuples(_fragments, st.integers(1, 400)).map(lambda t: (t[0] * t[1])[:6000])


@functools.cache
def _pages(options: SheetOptions, ids: tuple[str, ...]) -> int:
    return len(pdfium.PdfDocument(build(PACK, options, ids)))


def _page_bound(options: SheetOptions, ids: tuple[str, ...], text: str) -> int:
    """Pages the sheet may have: the shipped pack's, plus what ``text`` can take. Greedy wrapping fills
    any two lines in a row to more than a line's width, and a group moved whole wastes a page at most."""
    base = _pages(options, ids)
    st_ = _Styles(options.large_print)
    size = st_.body_size
    width = LINE_WIDTH - st_.step.leftIndent
    squeezed_w = pdfmetrics.stringWidth(" ".join(("Could be noticed: " + text).split()), FONT, size)
    lines = 2 * math.ceil(squeezed_w / width) + 2
    return base + 2 + math.ceil(lines * st_.step.leading / USABLE_HEIGHT)


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(
    text=any_text,
    where=st.sampled_from(["step", "warning", "item step", "why"]),
    guide_step=st.sampled_from(GUIDE_STEPS),
    item=st.sampled_from(OWN_STEPS),
    large=st.booleans(),
    discreet=st.booleans(),
)
def test_any_text_the_font_has_makes_a_sheet(text, where, guide_step, item, large, discreet):
    """One step, warning or item text replaced by any text of the font's letters (spaces, new lines,
    combining marks, wide letters, one long word ...), on every kind of sheet."""
    register_fonts()
    gi, si = guide_step
    ids = (PLATFORM,)
    if where == "step":
        pack = with_step(PACK, text=text, guide=gi, index=si)
    elif where == "warning":
        pack = with_step(PACK, warning=text, guide=gi, index=si)
    elif where == "item step":
        steps = PACK.items[item].steps
        pack = with_item(PACK, item, steps=(replace(steps[0], text=text), *steps[1:]))
        ids = (DEVICE,)
    else:  # "why" is not printed on the sheet today; it must not break it if it ever is
        pack = with_item(PACK, item, why=text)
    options = SheetOptions(large_print=large, discreet=discreet)
    pdf = build(pack, options, ids)
    doc = pdfium.PdfDocument(pdf)
    assert 1 <= len(doc) <= _page_bound(options, ids, text)
    assert f"Page {len(doc)}" in doc[len(doc) - 1].get_textpage().get_text_range()
