"""Checks of a whole content pack that run at every load (no Textual, no reportlab).

Structure and types are checked while the files are read (safetyhelper.content). These checks look at
the text itself: every letter must be one the sheet font can print (else it prints as a box), and no
text that prints on a discreet sheet may name abuse or the service. They run whenever a pack is
loaded, by the app, ``sheet`` and ``content check`` alike, so an organisation's folder can never slip
past them. Both are a few milliseconds: the font's letters are read from a small shipped list.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Iterator

from safetyhelper.content import ContentError, ContentPack, FieldPath, Step, find_line, read_toml, shown

#: The list of code points the sheet fonts (DejaVu Sans and its bold) both have, as hex ranges.
FONT_COVERAGE = Path(__file__).resolve().parent / "fonts" / "coverage.txt"

#: Word stems a discreet sheet must never hold, anywhere in a word ("abus" catches abuse, abuser,
#: abusive); the organisation's name is checked too.
TELLING_WORDS = ("abus", "domestic", "violen", "refuge", "women's aid", "womensaid", "stalk", "harass",
                 "danger", "unsafe", "999", "caseworker", "partner", "escape", "threat", "proof", "evidence",
                 "quick exit", "hide where", "the other person", "safety check")


@dataclass(frozen=True, slots=True)
class TextField:
    """One piece of text in the pack that a person may see or print."""

    file: str
    path: FieldPath
    text: str
    #: True when it can print on a discreet sheet.
    discreet: bool


@lru_cache(maxsize=1)
def font_characters() -> frozenset[int]:
    """Code points both sheet fonts can draw (from the shipped list; a test checks it against the fonts)."""
    out: set[int] = set()
    for line in FONT_COVERAGE.read_text(encoding="ascii").splitlines():
        if line and not line.startswith("#"):
            first, last = line.split("-")
            out.update(range(int(first, 16), int(last, 16) + 1))
    return frozenset(out)


def text_fields(pack: ContentPack) -> Iterator[TextField]:
    """Every piece of text in the pack a person may see or print, with where it is."""
    files = dict(pack.files)
    check = files.get("checklist.toml", "checklist.toml")
    for i, t in enumerate(pack.topics):
        yield TextField(check, ("topic", i, "title"), t.title, True)
    for i, it in enumerate(pack.items):
        yield TextField(check, ("item", i, "title"), it.title, True)
        yield TextField(check, ("item", i, "why"), it.why, False)
        yield from _steps(check, ("item", i, "steps"), it.steps)
    for p in pack.guided:
        f = files.get(f"{p.kind}s/{p.id}.toml", p.id)
        yield TextField(f, ("name",), p.name, True)
        for g in p.guides:
            yield TextField(f, (g.topic, "title"), g.title, True)
            yield TextField(f, (g.topic, "url"), g.url, True)
            if g.note:
                yield TextField(f, (g.topic, "note"), g.note, False)
            yield from _steps(f, (g.topic, "steps"), g.steps)
    f = files.get("guides.toml", "guides.toml")
    for i, gd in enumerate(pack.guides):
        for key in ("title", "url", "about"):
            yield TextField(f, ("guide", i, key), getattr(gd, key), False)
    f = files.get("helplines.toml", "helplines.toml")
    for i, h in enumerate(pack.helplines):
        for key in ("name", "number", "hours", "about", "url"):
            if getattr(h, key):
                yield TextField(f, ("helpline", i, key), getattr(h, key), False)
    f = files.get("organisation.toml", "organisation.toml")
    o = pack.organisation
    for key in ("name", "contact", "discreet_title"):
        yield TextField(f, (key,), getattr(o, key), key == "discreet_title")
    f = files.get("staff.toml", "staff.toml")
    yield TextField(f, ("title",), pack.staff.title, False)
    for i, point in enumerate(pack.staff.points):
        yield TextField(f, ("points", i), point, False)


def _steps(file: str, path: FieldPath, steps: tuple[Step, ...]) -> Iterator[TextField]:
    for j, step in enumerate(steps):
        yield TextField(file, path + (j,), step.text, step.discreet)
        if step.warning:
            yield TextField(file, path + (j, "warning"), step.warning, False)


def font_problems(pack: ContentPack) -> list[ContentError]:
    """Every piece of text holding a character the sheet font lacks (it would print as a box)."""
    have = font_characters()
    problems = []
    for tf in text_fields(pack):
        # A set of the text's characters first: most texts are a few dozen distinct letters, checked at once.
        missing = {ord(ch) for ch in set(tf.text)} - have - {10, 9}
        if not missing:
            continue
        for ch in tf.text:
            if ord(ch) in missing:
                problems.append(
                    _error(tf, f"character {shown(ch)} (U+{ord(ch):04X}) is not in the sheet font (DejaVu Sans): "
                           "it would print as a box")
                )
                break
    return problems


def telling_word(text: str, pack: ContentPack, extra: tuple[str, ...] = ()) -> str | None:
    """The first word in ``text`` that a discreet sheet must not hold (it names abuse, the service or the
    organisation; ``extra``: the same words in a translation's language), or None."""
    low = text.lower()
    return next((word for word in (*TELLING_WORDS, *extra, pack.organisation.name.lower()) if word in low), None)


def discreet_problems(pack: ContentPack, extra_words: tuple[str, ...] = ()) -> list[ContentError]:
    """Text that can print on a discreet sheet but names abuse or the service (in English, or in
    ``extra_words``, a translation's own words)."""
    problems = []
    for tf in text_fields(pack):
        word = telling_word(tf.text, pack, extra_words) if tf.discreet else None
        if word:
            problems.append(_error(tf, f"says {word!r}, but this text prints on discreet sheets: reword it"))
    return problems


def pack_problems(pack: ContentPack) -> list[ContentError]:
    """Every problem the whole-pack checks find (empty for a good pack)."""
    return font_problems(pack) + discreet_problems(pack)


def _error(tf: TextField, message: str) -> ContentError:
    """A ContentError for ``tf`` with its line in the file (read again: this is only the error path)."""
    line = None
    try:
        text, _ = read_toml(Path(tf.file), tf.file)
        line = find_line(text, tf.path)
    except ContentError:
        pass
    return ContentError(tf.file, message, field=tf.path, line=line)
