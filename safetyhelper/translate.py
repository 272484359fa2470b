"""Translations: the content pack in another language, and the sheet's own words.

The English pack is the single source of ids, web addresses, dates, step actions and the number and order
of steps. A translation is a folder ``content/locales/<code>/`` of overlay files with the same relative
names as the English files, holding only words (titles, "why", steps and warnings, notes, helpline hours
and descriptions, the organisation's contact line and discreet title), and a ``locale.toml`` that names the
language, says whether a native speaker reviewed it, and lists the words a discreet sheet must not hold in
that language. Anything missing falls back to English and is counted as missing. A translation that adds a
key that is not a word field (a URL, a date, an action) or names an id the English pack lacks is refused
with one line.

The app's own words (screens, the case note, the sheet's "Your plan", "To do", ...) come from gettext
catalogues in ``safetyhelper/locale/<code>/LC_MESSAGES/safetyhelper.po``, made and compiled to ``.mo`` with
Babel (``pybabel extract``/``update``/``compile``).
"""

from __future__ import annotations

import contextlib
import contextvars
import gettext as _gettext
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Any, TypeVar, Union

from msgspec import Meta
from msgspec.structs import replace

from safetyhelper.content import ContentError, ContentPack, _File, _strip, read_toml
from safetyhelper.model import (
    About,
    Contact,
    DiscreetTitle,
    Hours,
    Id,
    Name,
    Note,
    Point,
    Step,
    StepText,
    Title,
    WarningText,
    Why,
    _Model,
)

LOCALES = "locales"
ENGLISH = "en"
CATALOGUES = Path(__file__).resolve().parent / "locale"
DOMAIN = "safetyhelper"
GuideT = TypeVar("GuideT")


# --------------------------------------------------------------------------- the overlay files' shape


class LocaleInfo(_Model):
    """locales/<code>/locale.toml: the language, and how far to trust the translation."""

    name: Annotated[Name, Meta(description="The language's own name, for example Cymraeg.")]
    english_name: Annotated[Name, Meta(description="Its name in English, for example Welsh.")]
    reviewed: Annotated[Union[bool, Name], Meta(description='false while it is a draft; else "by whom, when".')]
    draft_note: Annotated[Note, Meta(description="One sentence a draft sheet prints in this language: anything unclear can be explained.")]
    telling_words: Annotated[tuple[str, ...], Meta(description="Words (lower case, or their start) that must not print on a discreet sheet in this language.")] = ()


class StepWords(_Model):
    text: StepText
    warning: WarningText | None = None


StepsWords = tuple[Union[StepText, StepWords], ...]


class TopicWords(_Model):
    id: Id
    title: Title


class ItemWords(_Model):
    id: Id
    title: Title | None = None
    why: Why | None = None
    steps: StepsWords | None = None


class ChecklistWords(_Model):
    topic: tuple[TopicWords, ...] = ()
    item: tuple[ItemWords, ...] = ()


class GuideWords(_Model):
    title: Title | None = None
    note: Note | None = None
    steps: StepsWords | None = None


class CheckWords(GuideWords, kw_only=True):
    id: Id
    why: Why | None = None


class PhoneCheckWords(_Model):
    title: Title | None = None
    intro: About | None = None
    prepare: GuideWords | None = None
    undo: GuideWords | None = None
    check: tuple[CheckWords, ...] = ()


class HelplineWords(_Model):
    id: Id
    hours: Hours | None = None
    about: About | None = None


class HelplinesWords(_Model):
    helpline: tuple[HelplineWords, ...] = ()


class QuestionWords(_Model):
    id: Id
    text: Title | None = None
    note: Title | None = None


class RuleWords(_Model):
    reason: Title


class PlanWords(_Model):
    intro: About | None = None
    question: tuple[QuestionWords, ...] = ()
    #: One per English rule, in the same order (rules have no ids).
    rule: tuple[RuleWords, ...] = ()


class StaffWords(_Model):
    title: Title | None = None
    points: tuple[Point, ...] | None = None


class OrganisationWords(_Model):
    contact: Contact | None = None
    discreet_title: DiscreetTitle | None = None


# --------------------------------------------------------------------------- loading one language


@dataclass
class Translation:
    """A language's pack (English where a field is missing) and what is missing."""

    code: str
    info: LocaleInfo
    pack: ContentPack
    #: How many of the English word fields the translation gives, of how many.
    translated: int = 0
    total: int = 0
    #: "file: field" of each word field left in English.
    missing: list[str] = field(default_factory=list)

    @property
    def draft(self) -> bool:
        return self.info.reviewed is False

    @property
    def share(self) -> float:
        return self.translated / self.total if self.total else 1.0


def locale_dirs(pack: ContentPack) -> dict[str, Path]:
    """code -> folder of every translation (shipped, and the organisation's, which wins)."""
    out: dict[str, Path] = {}
    for source in pack.sources:
        base = Path(source) / LOCALES
        if base.is_dir():
            for entry in sorted(base.iterdir()):
                # A language code as gettext and Babel read it (cy, pl, ro, fil): a folder named otherwise is
                # not a translation (content check says so).
                if entry.is_dir() and (entry / "locale.toml").exists() and re.fullmatch(r"[a-z]{2,3}", entry.name):
                    out[entry.name] = entry
    return out


def bad_locale_dirs(pack: ContentPack) -> list[Path]:
    """Folders under locales/ that are not named with a language code (refused by content check)."""
    out = []
    for source in pack.sources:
        base = Path(source) / LOCALES
        if base.is_dir():
            out += [e for e in sorted(base.iterdir()) if e.is_dir() and not re.fullmatch(r"[a-z]{2,3}", e.name)]
    return out


def locale_infos(pack: ContentPack) -> dict[str, LocaleInfo | None]:
    """code -> its locale.toml as read, or None when that file is broken (content check names the problem)."""
    out: dict[str, LocaleInfo | None] = {}
    for code, folder in locale_dirs(pack).items():
        try:
            out[code] = _read(folder / "locale.toml", LocaleInfo)[1]
        except ContentError:
            out[code] = None
    return out


def languages(pack: ContentPack) -> list[str]:
    """The sheet languages on offer: English, each translation whose locale.toml reads, and Welsh-first
    bilingual (cy+en). A broken translation is not offered."""
    codes = [code for code, info in locale_infos(pack).items() if info is not None]
    return [ENGLISH, *codes, *(["cy+en"] if "cy" in codes else [])]


def language_name(pack: ContentPack, code: str) -> str:
    """How the sheet dialog names a language: "Polski (Polish)", "Cymraeg + English"."""
    parts = code.split("+")
    infos = locale_infos(pack)
    names = []
    for part in parts:
        info = infos.get(part)
        if part == ENGLISH:
            names.append("English")
        elif info is None:
            names.append(part)
        else:
            names.append(f"{info.name} ({info.english_name})" if len(parts) == 1 else info.name)
    return " + ".join(names)


def draft_languages(pack: ContentPack) -> list[str]:
    """The names of the translations not yet reviewed ("Cymraeg (Welsh)"); a broken locale.toml counts."""
    return [code if info is None else f"{info.name} ({info.english_name})"
            for code, info in locale_infos(pack).items() if info is None or info.reviewed is False]


#: Keys of the English pack that a translation must not give: they are not words.
NOT_WORDS = ("url", "checked", "does", "discreet", "verified", "unverified", "number", "nations", "name",
             "not_applicable", "account", "status", "platform", "helplines", "topics")


def _words_only(f: _File, value: Any, path: tuple = ()) -> None:
    """Refuse, in one line, a key that is not a word field (a URL, a date, an action...)."""
    if isinstance(value, dict):
        for key, inner in value.items():
            if key in NOT_WORDS and not (key == "name" and f.label.endswith("locale.toml")):
                raise f.fail(path + (key,), f"{key} cannot be translated: a translation gives words only, and the English "
                                            f"pack keeps the {key}")
            _words_only(f, inner, path + (key,))
    elif isinstance(value, list):
        for n, inner in enumerate(value):
            _words_only(f, inner, path + (n,))


def _read(path: Path, model: Any) -> tuple[_File, Any]:
    text, data = read_toml(path, str(path))
    f = _File(str(path), text, _strip(data))
    if model is not LocaleInfo:
        _words_only(f, f.data)
    return f, f.shape(model)


def _steps(f: _File, fld: tuple, english: tuple[Step, ...], words: StepsWords | None, t: Translation, where: str) -> tuple[Step, ...]:
    t.total += sum(1 + (s.warning is not None) for s in english)
    if words is None:
        t.missing.append(f"{where}.steps")
        return english
    if len(words) != len(english):
        raise f.fail(fld, f"{len(words)} steps, but the English has {len(english)}: translate each step, in the same order")
    out = []
    for n, (step, word) in enumerate(zip(english, words)):
        text, warning = (word, None) if isinstance(word, str) else (word.text, word.warning)
        if step.warning is not None and warning is None:
            raise f.fail(fld + (n,), f"step {n + 1} has a warning in English: write it as {{ text = \"...\", warning = \"...\" }}")
        if step.warning is None and warning is not None:
            raise f.fail(fld + (n, "warning"), f"step {n + 1} has no warning in English: a translation cannot add one")
        t.translated += 1 + (warning is not None)
        out.append(replace(step, text=text, warning=warning))
    return tuple(out)


def _guide(t: Translation, f: _File | None, fld: tuple, g: GuideT, w: GuideWords | None, where: str) -> GuideT:
    """A guide table with its translated title, note and steps (English where ``w`` has none)."""
    return replace(
        g,
        title=_field(t, g.title, w.title if w else None, f"{where}.title"),
        note=_field(t, g.note, w.note if w else None, f"{where}.note"),
        steps=_steps(f, (*fld, "steps"), g.steps, w.steps if w else None, t, where),
    )


def _field(t: Translation, english: str | None, word: str | None, where: str) -> str | None:
    if english is None:
        return None
    t.total += 1
    if word is None:
        t.missing.append(where)
        return english
    t.translated += 1
    return word


def load_translation(pack: ContentPack, code: str) -> Translation:
    """``pack`` in language ``code``; ContentError (one line, with file, line and field) for a bad file."""
    pack = pack.english or pack  # a translation is always made from the English pack
    dirs = locale_dirs(pack)
    if code not in dirs:
        raise ContentError(LOCALES, f"no translation {code!r}: expected one of {', '.join(dirs) or '(none)'}")
    folder = dirs[code]
    _, info = _read(folder / "locale.toml", LocaleInfo)
    t = Translation(code, info, pack)
    english_files = dict(pack.files)
    roots = [Path(src).resolve() for src in pack.sources]  # shipped first, then the organisation's folder

    def source_of(path: Path) -> int:
        path = path.resolve()
        return max((n for n, root in enumerate(roots) if path.is_relative_to(root)), default=0)

    mine = source_of(folder)
    present: dict[str, Path] = {}
    for path in sorted(folder.rglob("*.toml")):
        rel = path.relative_to(folder).as_posix()
        if rel == "locale.toml":
            continue
        if rel not in english_files:
            raise ContentError(path, f"no English file {rel} to translate: use the same names as the English pack")
        if source_of(Path(english_files[rel])) > mine:
            # The organisation replaced this English file: a translation of the shipped one would put the old
            # words back. Its words print in English (and are listed as missing) until it is translated too.
            continue
        present[rel] = path

    # checklist.toml
    topics, items = list(pack.topics), list(pack.items)
    if "checklist.toml" in present:
        f, words = _read(present["checklist.toml"], ChecklistWords)
        by_topic = {w.id: (n, w) for n, w in enumerate(words.topic)}
        by_item = {w.id: (n, w) for n, w in enumerate(words.item)}
        for key, known, table in (("topic", pack.topics, by_topic), ("item", pack.items, by_item)):
            for wid, (n, _w) in table.items():
                if wid not in {x.id for x in known}:
                    raise f.fail((key, n, "id"), f"unknown {key} {wid!r}: the English checklist has no such {key}")
    else:
        f, by_topic, by_item = None, {}, {}
    for k, topic in enumerate(topics):
        w = by_topic.get(topic.id, (None, None))[1]
        topics[k] = replace(topic, title=_field(t, topic.title, w.title if w else None, f"checklist.toml: topic {topic.id}.title"))
    for k, item in enumerate(items):
        n, w = by_item.get(item.id, (None, None))
        where = f"checklist.toml: item {item.id}"
        steps = _steps(f, ("item", n, "steps"), item.steps, w.steps if w else None, t, where)
        items[k] = replace(
            item,
            title=_field(t, item.title, w.title if w else None, f"{where}.title"),
            why=_field(t, item.why, w.why if w else None, f"{where}.why"),
            steps=steps,
        )

    # accounts/, platforms/, devices/
    def guided(kind: str, platforms: tuple) -> tuple:
        out = []
        for p in platforms:
            rel = f"{kind}/{p.id}.toml"
            words: dict[str, GuideWords] = {}
            f = None
            if rel in present:
                text, data = read_toml(present[rel], str(present[rel]))
                f = _File(str(present[rel]), text, _strip(data))
                _words_only(f, f.data)
                for topic, value in f.data.items():
                    if p.guide(topic) is None:
                        raise f.fail((topic,), f"no English guide for {topic!r} in {rel}: translate only the guides it has")
                    words[topic] = _check(f, value, GuideWords, (topic,))
            guides = []
            for g in p.guides:
                guides.append(_guide(t, f, (g.topic,), g, words.get(g.topic), f"{rel}: {g.topic}"))
            out.append(replace(p, guides=tuple(guides)))
        return tuple(out)

    accounts, platforms, devices = guided("accounts", pack.accounts), guided("platforms", pack.platforms), guided("devices", pack.devices)

    # helplines.toml
    lines = list(pack.helplines)
    hw: dict[str, HelplineWords] = {}
    if "helplines.toml" in present:
        f, words = _read(present["helplines.toml"], HelplinesWords)
        for n, w in enumerate(words.helpline):
            if pack.helpline(w.id) is None:
                raise f.fail(("helpline", n, "id"), f"unknown helpline {w.id!r}: the English pack has no such helpline")
            hw[w.id] = w
    for k, h in enumerate(lines):
        w = hw.get(h.id)
        lines[k] = replace(
            h,
            hours=_field(t, h.hours, w.hours if w else None, f"helplines.toml: {h.id}.hours"),
            about=_field(t, h.about, w.about if w else None, f"helplines.toml: {h.id}.about"),
        )

    # organisation.toml
    org = pack.organisation
    ow = _read(present["organisation.toml"], OrganisationWords)[1] if "organisation.toml" in present else None
    org = replace(
        org,
        contact=_field(t, org.contact, ow.contact if ow else None, "organisation.toml: contact"),
        discreet_title=_field(t, org.discreet_title, ow.discreet_title if ow else None, "organisation.toml: discreet_title"),
    )

    # plan.toml and staff.toml: shown on screen only (never on a sheet)
    plan = pack.plan
    if plan is not None:
        f, pw = _read(present["plan.toml"], PlanWords) if "plan.toml" in present else (None, None)
        questions = {q.id: q for q in pw.question} if pw else {}
        unknown = sorted(set(questions) - {q.id for q in plan.question})
        if unknown:
            raise f.fail(("question",), f"unknown question {unknown[0]!r}: the English plan has no such question")
        if pw and pw.rule and len(pw.rule) != len(plan.rule):
            raise f.fail(("rule",), f"{len(pw.rule)} rules, but the English plan has {len(plan.rule)}: give a reason for each, in order")
        plan = replace(
            plan,
            intro=_field(t, plan.intro, pw.intro if pw else None, "plan.toml: intro"),
            question=tuple(
                replace(q, text=_field(t, q.text, getattr(questions.get(q.id), "text", None), f"plan.toml: {q.id}.text"),
                        note=_field(t, q.note, getattr(questions.get(q.id), "note", None), f"plan.toml: {q.id}.note"))
                for q in plan.question
            ),
            rule=tuple(
                replace(r, reason=_field(t, r.reason, pw.rule[n].reason if pw and pw.rule else None, f"plan.toml: rule {n + 1}.reason"))
                for n, r in enumerate(plan.rule)
            ),
        )
    phone = pack.phone_check
    if phone is not None:
        f, cw = _read(present["phone-check.toml"], PhoneCheckWords) if "phone-check.toml" in present else (None, None)
        checks = {c.id: (n, c) for n, c in enumerate(cw.check)} if cw else {}
        unknown = sorted(set(checks) - {c.id for c in phone.check})
        if unknown:
            raise f.fail(("check", checks[unknown[0]][0], "id"), f"unknown check {unknown[0]!r}: the English phone check has no such check")
        translated = []
        for c in phone.check:
            n, w = checks.get(c.id, (None, None))
            where = f"phone-check.toml: {c.id}"
            c = _guide(t, f, ("check", n), c, w, where)
            translated.append(replace(c, why=_field(t, c.why, w.why if w else None, f"{where}.why")))
        phone = replace(
            phone,
            title=_field(t, phone.title, cw.title if cw else None, "phone-check.toml: title"),
            intro=_field(t, phone.intro, cw.intro if cw else None, "phone-check.toml: intro"),
            prepare=_guide(t, f, ("prepare",), phone.prepare, cw.prepare if cw else None, "phone-check.toml: prepare"),
            undo=_guide(t, f, ("undo",), phone.undo, cw.undo if cw else None, "phone-check.toml: undo"),
            check=tuple(translated),
        )

    staff = pack.staff
    f, sw = _read(present["staff.toml"], StaffWords) if "staff.toml" in present else (None, None)
    if sw and sw.points is not None and len(sw.points) != len(staff.points):
        raise f.fail(("points",), f"{len(sw.points)} points, but the English has {len(staff.points)}: translate each, in order")
    staff = replace(
        staff,
        title=_field(t, staff.title, sw.title if sw else None, "staff.toml: title"),
        points=tuple(_field(t, p, sw.points[n] if sw and sw.points else None, f"staff.toml: point {n + 1}")
                     for n, p in enumerate(staff.points)),
    )

    t.pack = replace(
        pack, english=pack, plan=plan, staff=staff, phone_check=phone, topics=tuple(topics), items=tuple(items), accounts=accounts, platforms=platforms, devices=devices,
        helplines=tuple(lines), organisation=org,
        # Errors in the translated words name the translation's own files.
        files=tuple((name, str(present.get(name, path))) for name, path in pack.files),
    )
    _check_discreet(t)
    return t


def _check(f: _File, value: Any, model: Any, prefix: tuple) -> Any:
    from safetyhelper.content import check_shape

    return check_shape(f.label, f.text, value, model, prefix)


def _check_discreet(t: Translation) -> None:
    """No text that prints on a discreet sheet holds a telling word, in English or in this language."""
    from safetyhelper.checks import discreet_problems

    extra = tuple(w.lower() for w in t.info.telling_words)
    from safetyhelper.checks import font_problems

    problems = font_problems(t.pack) + discreet_problems(t.pack, extra_words=extra)
    if problems:
        raise problems[0]


def load_translations(pack: ContentPack) -> list[Translation]:
    """Every translation of ``pack`` (for `content check`)."""
    bad = bad_locale_dirs(pack)
    if bad:
        raise ContentError(bad[0], "not a language code: name a translation's folder like cy, pl or ro (lower-case letters)")
    return [load_translation(pack, code) for code in locale_dirs(pack)]


def pack_in(pack: ContentPack, code: str) -> tuple[ContentPack, Translation | None]:
    """``pack`` in one language (English: itself)."""
    if code == ENGLISH:
        return pack.english or pack, None
    t = load_translation(pack, code)
    return t.pack, t


# --------------------------------------------------------------------------- the sheet's own words


_current: contextvars.ContextVar[_gettext.NullTranslations | None] = contextvars.ContextVar(
    "safetyhelper_translation", default=None
)
#: The screen's language (the caseworker's), for the whole process; a sheet sets its own with ``words_in``.
_screen: _gettext.NullTranslations = _gettext.NullTranslations()
_screen_code = ENGLISH


def set_screen_language(code: str) -> None:
    """Show the app's own words in ``code`` from now on (English: the words as written)."""
    global _screen, _screen_code
    _screen, _screen_code = catalogue(code), code


def screen_language() -> str:
    return _screen_code


@lru_cache(maxsize=8)
def catalogue(code: str) -> _gettext.NullTranslations:
    """The app's words for ``code``, from its compiled catalogue (``pybabel compile`` makes the .mo from the
    .po; a test checks that each shipped .mo is exactly what the .po compiles to). English, or a language with
    no catalogue: the words as written."""
    if code == ENGLISH:
        return _gettext.NullTranslations()
    return _gettext.translation(DOMAIN, localedir=str(CATALOGUES), languages=[code], fallback=True)


def screen_ready(code: str) -> bool:
    """True when every message of the app's own (screens and sheet) is translated into ``code``: only then
    is it offered as the screen's language (a sheet falls back to English word by word instead)."""
    path = CATALOGUES / code / "LC_MESSAGES" / f"{DOMAIN}.po"
    if code == ENGLISH:
        return True
    if not path.is_file():
        return False
    from babel.messages.pofile import read_po

    with path.open("rb") as f:
        return all(m.string for m in read_po(f) if m.id)


@contextlib.contextmanager
def words_in(code: str) -> Iterator[None]:
    """Within the block, ``_()`` gives the sheet's words in ``code``."""
    token = _current.set(catalogue(code))
    try:
        yield
    finally:
        _current.reset(token)


def N_(message: str) -> str:
    """Marks ``message`` for the catalogues where it is defined; ``_()`` translates it where it is used."""
    return message


def ngettext(singular: str, plural: str, count: int) -> str:
    """The form of a message for ``count``, by the plural rules of the language in use (Welsh has several
    forms, Polish three): the catalogue's Plural-Forms, from Babel's CLDR data."""
    return (_current.get() or _screen).ngettext(singular, plural, count)


#: Starts a step's warning, on the screen and on an ordinary sheet.
NOTICE_PREFIX = N_("Could be noticed: ")


def _(message: str) -> str:
    """``message`` in the language of the sheet being made (``words_in``), else in the screen's language."""
    return (_current.get() or _screen).gettext(message)


def long_date(day, code: str) -> str:
    """"25 November 2026" in ``code``'s words (Babel's CLDR data for other languages)."""
    if code == ENGLISH:
        return f"{day.day} {day:%B %Y}"
    from babel.core import UnknownLocaleError
    from babel.dates import format_date

    try:
        return format_date(day, format="d MMMM y", locale=code)
    except (UnknownLocaleError, ValueError):  # a language Babel has no data for: the date in figures
        return day.isoformat()
