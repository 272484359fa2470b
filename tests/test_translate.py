"""Take-home sheets in Welsh, Polish and Romanian, and Welsh first with English (issue 14, first part): the
pack's translations are overlay files of words only, English where one is missing (and reported), checked
like every content file; the sheet's own words come from gettext catalogues (Babel). Every code on a
translated sheet opens the same page as in English, and a discreet sheet tells nothing in any language."""

from __future__ import annotations

import re
import subprocess

import pytest

from conftest import override_with, run_cli
from safetyhelper.content import ContentError, load_content
from safetyhelper.session import Outcome
from safetyhelper.sheet import DRAFT_NOTE, SheetOptions, cli_session, sheet_pdf
from safetyhelper.translate import CATALOGUES, catalogue, languages, load_translation, load_translations
from test_sheet import decode_pages

PACK = load_content()
CODES = ["cy", "pl", "ro"]
IDS = ["facebook", "whatsapp", "iphone"]

LOCALE = '''name = "Testish"
english_name = "Test"
reviewed = false
draft_note = "Draft words."
telling_words = ["badword"]
'''


def pdftotext(pdf: bytes, tmp_path, name: str = "sheet.pdf") -> str:
    path = tmp_path / name
    path.write_bytes(pdf)
    out = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    return " ".join(out.split())


def test_the_shipped_translations_load_and_are_drafts():
    assert languages(PACK) == ["en", "cy", "pl", "ro", "cy+en"]
    for t in load_translations(PACK):
        assert t.draft and t.info.draft_note
        assert t.share > 0.95, (t.code, t.share, t.missing[:5])
        # Words only: ids, addresses, dates and actions are the English pack's.
        for en, tr in zip(PACK.guided, t.pack.guided):
            for g_en, g_tr in zip(en.guides, tr.guides):
                assert (g_tr.url, g_tr.checked, [s.does for s in g_tr.steps]) == (g_en.url, g_en.checked, [s.does for s in g_en.steps])
                assert [s.discreet for s in g_tr.steps] == [s.discreet for s in g_en.steps]
        assert [i.id for i in t.pack.items] == [i.id for i in PACK.items]


@pytest.mark.parametrize("code", CODES)
def test_each_sheet_language_prints_its_words_and_every_code_opens_the_english_page(tmp_path, code):
    session = cli_session(PACK, IDS)
    english = sheet_pdf(session, SheetOptions())
    translated = sheet_pdf(session, SheetOptions(language=code))
    t = load_translation(PACK, code)
    text = pdftotext(translated, tmp_path)
    words = catalogue(code)
    assert words.gettext("Your plan") != "Your plan" and words.gettext("Your plan") in text
    for item in t.pack.items:
        assert " ".join(item.title.split()) in text, item.title
    first = t.pack.platform("facebook").guide("privacy").steps[1].text
    assert " ".join(first.split())[:40] in text
    assert t.info.draft_note in text and DRAFT_NOTE in text  # a draft says so, in its language and in English
    assert set(decode_pages(translated)) == set(decode_pages(english))


def test_a_welsh_first_bilingual_sheet_has_welsh_then_english(tmp_path):
    session = cli_session(PACK, IDS)
    text = pdftotext(sheet_pdf(session, SheetOptions(language="cy+en")), tmp_path)
    cy = catalogue("cy").gettext("Staying safe online: your plan")
    assert cy != "Staying safe online: your plan"
    assert text.index(cy) < text.index("Staying safe online: your plan")
    assert set(decode_pages(sheet_pdf(session, SheetOptions(language="cy+en")))) == set(decode_pages(sheet_pdf(session, SheetOptions())))


@pytest.mark.parametrize("code", CODES)
def test_a_discreet_sheet_tells_nothing_in_any_language(tmp_path, code):
    from safetyhelper.checks import TELLING_WORDS

    session = cli_session(PACK, IDS)
    for item in PACK.items:
        session.record(item.id, Outcome.NOT_NOW)
    low = pdftotext(sheet_pdf(session, SheetOptions(language=code, discreet=True)), tmp_path).lower()
    t = load_translation(PACK, code)
    for word in (*TELLING_WORDS, *t.info.telling_words, PACK.organisation.name.lower()):
        assert word not in low, word


SOURCES = ["sheet.py", "translate.py", "session.py", "plan.py", "adb.py", "phonescan.py", *sorted(
    str(p.relative_to(CATALOGUES.parent)) for p in (CATALOGUES.parent / "tui").rglob("*.py"))]


def forms(value) -> tuple[str, ...]:
    """A message's forms: one, or one per plural form (ngettext)."""
    return value if isinstance(value, tuple) else (value,)


def extracted(*files: str) -> set[str]:
    from babel.messages.extract import extract_from_file

    out = set()
    for name in files:
        found = extract_from_file("python", str(CATALOGUES.parent / name),
                                  keywords={"_": None, "N_": None, "ngettext": (1, 2)})
        out |= {message for _, message, _, _ in found}
    return out


def test_every_catalogue_keeps_its_placeholders_welsh_has_every_message_and_each_has_the_sheets():
    """Welsh is a screen language too: every message. Polish and Romanian are sheet languages: every message a
    sheet prints (sheet.py, and the warning prefix in translate.py)."""
    from babel.messages.pofile import read_po

    template = read_po((CATALOGUES / "safetyhelper.pot").open("rb"))
    ids = {m.id for m in template if m.id}
    sheet = extracted("sheet.py", "translate.py")
    assert "Your plan" in sheet and "Could be noticed: " in sheet and sheet <= ids
    for code in CODES:
        cat = read_po((CATALOGUES / code / "LC_MESSAGES" / "safetyhelper.po").open("rb"))
        have = {m.id: m.string for m in cat if m.id}
        assert set(have) == ids, code
        assert [m.id for m in cat if m.id and m.fuzzy] == [], code  # a fuzzy entry is never used: fix or empty it
        needed = ids if code == "cy" else sheet
        assert [msgid for msgid in needed if not all(forms(have[msgid]))] == [], code
        for msgid, text in have.items():
            for form in forms(text):
                if form:
                    want = set().union(*(re.findall(r"{\w+}", x) for x in forms(msgid)))
                    assert set(re.findall(r"{\w+}", form)) == want, (code, msgid, form)


def test_the_template_holds_every_message_the_code_marks():
    """The .pot is made from the code (pybabel extract -k N_ -k _): no message is added without it."""
    from babel.messages.pofile import read_po

    fresh = extracted(*SOURCES)
    shipped = {m.id for m in read_po((CATALOGUES / "safetyhelper.pot").open("rb")) if m.id}
    assert fresh == shipped and len(fresh) > 150


# ---------------------------------------------------------------- checked like every content file


def with_locale(tmp_path, files: dict[str, str]):
    return load_content(override_with(tmp_path, {"locales/xx/locale.toml": LOCALE, **{f"locales/xx/{k}": v for k, v in files.items()}}))


def test_a_missing_translation_falls_back_to_english_and_is_reported(tmp_path):
    pack = with_locale(tmp_path, {"checklist.toml": '[[item]]\nid = "public"\ntitle = "Xx public"\n'})
    t = load_translation(pack, "xx")
    assert t.pack.items[0].title == "Xx public"
    assert t.pack.items[0].why == PACK.items[0].why  # English where it has none
    assert "checklist.toml: item public.why" in t.missing and t.share < 0.01
    result = run_cli("content", "check", "--content", str(tmp_path))
    assert result.returncode == 0, result.stderr
    assert "xx Testish (Test): 0% of" in result.stdout and "checklist.toml: item public.why" in result.stdout


@pytest.mark.parametrize(
    ("rel", "text", "says", "field"),
    [
        ("platforms/facebook.toml", '[privacy]\ntitle = "X"\nurl = "https://example.org/"\n', "url cannot be translated", "privacy.url"),
        ("checklist.toml", '[[item]]\nid = "public"\nsteps = ["One."]\n', "1 steps, but the English has", "item[0].steps"),
        ("checklist.toml", '[[item]]\nid = "nothing"\ntitle = "X"\n', "unknown item 'nothing'", "item[0].id"),
        ("platforms/facebook.toml", '[phone]\ntitle = "X"\n', "no English guide for 'phone'", "phone"),
        ("platforms/myspace.toml", '[privacy]\ntitle = "X"\n', "no English file platforms/myspace.toml", ""),
        ("checklist.toml", '[[item]]\nid = "public"\ntitle = "Find a badword here"\n', "says 'badword'", "item[0].title"),
        ("checklist.toml", '[[item]]\nid = "public"\ntitle = "বাংলা"\n', "not in the sheet font", "item[0].title"),
    ],
)
def test_a_bad_translation_is_one_line_naming_file_and_field(tmp_path, rel, text, says, field):
    pack = with_locale(tmp_path, {rel: text})
    with pytest.raises(ContentError) as info:
        load_translation(pack, "xx")
    err = info.value
    assert says in err.message and err.file.endswith(rel), (err.file, err.message)
    assert err.field == field, err.field
    result = run_cli("content", "check", "--content", str(tmp_path))
    assert result.returncode == 2 and len(result.stderr.strip().splitlines()) == 1 and says in result.stderr


def test_the_sheet_command_takes_a_language_and_refuses_an_unknown_one(tmp_path):
    out = tmp_path / "pl.pdf"
    result = run_cli("sheet", "--device", "iphone", "--language", "pl", "-o", str(out))
    assert result.returncode == 0, result.stderr
    assert catalogue("pl").gettext("Your plan") in pdftotext(out.read_bytes(), tmp_path, "x.pdf")
    bad = run_cli("sheet", "--device", "iphone", "--language", "xx", "-o", str(tmp_path / "x.pdf"))
    assert bad.returncode == 2 and "unknown language 'xx'" in bad.stderr and len(bad.stderr.strip().splitlines()) == 1


# ---------------------------------------------------------------- the screen in Welsh (the caseworker's language)


@pytest.fixture
def welsh_screen():
    from safetyhelper.translate import set_screen_language

    set_screen_language("cy")
    try:
        yield load_translation(PACK, "cy").pack
    finally:
        set_screen_language("en")


def english_left(text: str, code: str = "cy") -> list[str]:
    """The app's own English messages (of three words or more, with a different translation) still on screen."""
    from babel.messages.pofile import read_po

    cat = read_po((CATALOGUES / code / "LC_MESSAGES" / "safetyhelper.po").open("rb"))
    flat = " ".join(text.split())
    left = []
    for m in cat:
        if not m.id or not all(forms(m.string)) or m.string == m.id:
            continue
        for piece in (p for english in forms(m.id) for p in re.split(r"{\w+}", english)):
            piece = " ".join(piece.split())
            if len(piece.split()) >= 3 and piece in flat:
                left.append(piece)
    return left


async def test_the_start_checklist_and_summary_are_welsh_with_no_english_left(welsh_screen):
    from safetyhelper.tui.app import make_app
    from safetyhelper.tui.screens.summary import SummaryScreen
    from screen_qr import screen_text

    app = make_app(welsh_screen)
    async with app.run_test(size=(120, 40)) as pilot:
        seen = []
        seen.append(screen_text(app.export_screenshot(), 120, 40))
        await pilot.press("s")
        await pilot.pause()
        seen.append(screen_text(app.export_screenshot(), 120, 40))
        await pilot.press(*["down"] * [p.id for p in PACK.guided].index("facebook"), "space", "n")
        await pilot.pause()
        seen.append(screen_text(app.export_screenshot(), 120, 40))  # the questions
        await pilot.press("1", "n")
        await pilot.pause()
        seen.append(screen_text(app.export_screenshot(), 120, 40))  # the first item
        for _ in PACK.items:
            await pilot.press("2", "n")
            await pilot.pause()
        assert isinstance(app.screen, SummaryScreen)
        seen.append(screen_text(app.export_screenshot(), 120, 40))
        note = app.session.case_note()
    for text in seen:
        assert english_left(text) == [], english_left(text)
    assert welsh_screen.items[0].title in " ".join(" ".join(seen).split()) or any(
        " ".join(i.title.split()) in " ".join(" ".join(seen).split()) for i in welsh_screen.items)
    assert english_left(note) == [] and "Checklist:" not in note


def test_an_unknown_screen_language_is_refused_before_the_app_starts():
    from safetyhelper.cli import screen_pack
    from safetyhelper.config import load_config

    cfg = load_config(None, options={"language": "xx"})
    with pytest.raises(Exception, match="unknown language 'xx'"):
        screen_pack(PACK, cfg)
    from safetyhelper.config import ConfigError

    with pytest.raises(ConfigError, match="expected a language code"):
        load_config(None, options={"language": "c y"})


def test_starting_with_an_unknown_language_is_one_line_and_exit_2():
    result = run_cli("--language", "xx")
    assert result.returncode == 2 and "unknown language 'xx'" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_a_language_whose_screens_are_not_translated_is_offered_for_sheets_only():
    from safetyhelper.cli import screen_pack
    from safetyhelper.config import load_config
    from safetyhelper.translate import screen_ready

    assert screen_ready("en") and screen_ready("cy")
    if not screen_ready("pl"):
        with pytest.raises(Exception, match="not translated into 'pl' yet"):
            screen_pack(PACK, load_config(None, options={"language": "pl"}))
    # Welsh is complete: the pack on screen is the Welsh one.
    from safetyhelper.translate import set_screen_language

    try:
        welsh = screen_pack(PACK, load_config(None, options={"language": "cy"}))
        assert welsh.items[0].title == load_translation(PACK, "cy").pack.items[0].title != PACK.items[0].title
    finally:
        set_screen_language("en")


def test_counts_follow_each_languages_plural_rules():
    """ngettext picks the form by the catalogue's Plural-Forms (Babel's CLDR rules: Welsh has five gettext
    forms); English says 1 second, 2 seconds."""
    from safetyhelper.translate import set_screen_language
    from safetyhelper.tui.screens.idle import idle_text

    assert "In 1 second this" in idle_text(1) and "In 2 seconds this" in idle_text(2)
    cy = catalogue("cy")
    assert "nplurals=5" in cy.info()["plural-forms"]
    set_screen_language("cy")
    try:
        for n in (0, 1, 2, 3, 6, 11):
            text = idle_text(n)
            assert f"Ymhen {n} eiliad" in text and "second" not in text, text
    finally:
        set_screen_language("en")


@pytest.mark.parametrize("code", CODES)
def test_each_shipped_mo_is_what_its_po_compiles_to(code):
    """The app reads the compiled .mo (fast); it must never drift from the .po that translators edit."""
    import io

    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    folder = CATALOGUES / code / "LC_MESSAGES"
    buf = io.BytesIO()
    write_mo(buf, read_po((folder / "safetyhelper.po").open("rb"), locale=code))
    assert (folder / "safetyhelper.mo").read_bytes() == buf.getvalue(), f"run: pybabel compile -d safetyhelper/locale -D safetyhelper -l {code}"


# ---------------------------------------------------------------- review findings (26 November)


def test_a_note_with_the_languages_own_telling_word_stays_off_a_discreet_sheet(tmp_path):
    polish = (PACK.sources[0] + "/locales/pl/platforms/facebook.toml")
    text = open(polish, encoding="utf-8").read()
    assert "note = " in text
    text = re.sub(r'^note = "', 'note = "Przemoc domowa: ', text, count=1, flags=re.M)
    folder = override_with(tmp_path / "org", {"locales/pl/locale.toml": open(PACK.sources[0] + "/locales/pl/locale.toml", encoding="utf-8").read(),
                                             "locales/pl/platforms/facebook.toml": text})
    pack = load_content(folder)
    session = cli_session(pack, ["facebook"])
    low = pdftotext(sheet_pdf(session, SheetOptions(language="pl", discreet=True)), tmp_path).lower()
    assert "przemoc" not in low
    assert "przemoc" in pdftotext(sheet_pdf(session, SheetOptions(language="pl")), tmp_path, "o.pdf").lower()


def test_an_english_file_the_organisation_replaced_is_not_given_the_old_translation(tmp_path):
    from conftest import shipped_text

    english = shipped_text("platforms/facebook.toml").replace('"Open the Facebook app."', '"Open Facebook on a computer."', 1)
    pack = load_content(override_with(tmp_path, {"platforms/facebook.toml": english}))
    t = load_translation(pack, "pl")
    fb = t.pack.platform("facebook").guide("privacy")
    assert fb.steps[0].text == "Open Facebook on a computer."  # English, not the old Polish step
    assert "platforms/facebook.toml: privacy.steps" in t.missing


def test_a_folder_that_is_not_a_language_code_is_one_line_and_a_broken_locale_is_not_offered(tmp_path):
    folder = override_with(tmp_path / "bad", {"locales/pt-BR/locale.toml": LOCALE})
    result = run_cli("content", "check", "--content", str(folder))
    assert result.returncode == 2 and "not a language code" in result.stderr and len(result.stderr.strip().splitlines()) == 1
    broken = override_with(tmp_path / "broken", {"locales/de/locale.toml": 'name = "Deutsch"\n'})
    pack = load_content(broken)
    from safetyhelper.translate import language_name

    assert "de" not in languages(pack) and language_name(pack, "de") == "de"


def test_a_language_babel_does_not_know_gets_its_dates_in_figures(tmp_path):
    import datetime as dt

    from safetyhelper.translate import long_date

    assert long_date(dt.date(2026, 11, 26), "qq") == "2026-11-26"
    assert long_date(dt.date(2026, 11, 26), "cy") == "26 Tachwedd 2026"


async def test_a_number_with_the_focus_on_a_button_answers_nothing():
    from safetyhelper.tui.app import make_app

    app = make_app(PACK)
    async with app.run_test(size=(100, 36)) as pilot:
        await pilot.press("s", "space", "n")
        await pilot.pause()
        app.screen.query_one("#next").focus()
        await pilot.press("1")
        assert app.session.answers == {}
