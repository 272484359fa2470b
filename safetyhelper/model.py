"""The content model: the shape of every content file, declared once (no Textual).

These msgspec Structs are the one place the files' shape lives: types, required fields, choices and text
limits. safetyhelper.content checks each parsed file against them (and adds the rules that need more than
one value); safetyhelper.schema makes the editors' JSON Schemas and the docs' field tables from them. They are
also the typed, immutable model the rest of the app uses.
"""

from __future__ import annotations

import datetime as _dt
from functools import lru_cache
from collections.abc import Iterable
from typing import Annotated, Any, Literal, Union

import msgspec
from msgspec import Meta, Struct

#: The most bytes a guide URL may have: a QR code of version 7 at error-correction level M holds 122
#: bytes. That is 45 modules, 53 with the 4-module quiet zone: 53 columns and 27 rows of half blocks,
#: which still scans from a terminal held up to a phone.
MAX_URL_BYTES = 122
#: Guides checked longer ago than this are reported as due for a check.
STALE_AFTER_DAYS = 180

#: The most characters each kind of text may have (keyed by its field name), so that every text fits
#: the screen and the sheet; "text" (a step) is also the default. The longest word outside a URL is
#: MAX_WORD characters: longer ones would have to break mid-word on a line.
MAX_CHARS = {
    "id": 60, "name": 80, "title": 120, "discreet_title": 80, "text": 600, "warning": 400, "why": 1200,
    "note": 600, "about": 600, "contact": 300, "number": 40, "hours": 160, "points": 600, "url": 300,
}
MAX_WORD = 60


#: Text must have something in it besides spaces.
NOT_BLANK = r"\S"
ID_PATTERN = r"^[a-z0-9][a-z0-9-]{0,59}$"
URL_PATTERN = r"^https?://"


def _text(kind: str) -> Any:
    """Text of one kind: not blank, at most MAX_CHARS[kind] characters."""
    return Annotated[str, Meta(min_length=1, max_length=MAX_CHARS[kind], pattern=NOT_BLANK)]


Id = Annotated[str, Meta(pattern=ID_PATTERN, max_length=MAX_CHARS["id"], description="An id: lower-case letters, digits and hyphens.")]
Url = Annotated[str, Meta(pattern=URL_PATTERN, max_length=MAX_URL_BYTES, description=f"An https:// address of at most {MAX_URL_BYTES} bytes.")]
Date = Annotated[_dt.date, Meta(description="A date like 2026-11-24 (no quotes).")]
Name = _text("name")
Title = _text("title")
StepText = _text("text")
WarningText = _text("warning")
Why = _text("why")
Note = _text("note")
About = _text("about")
Contact = _text("contact")
Number = _text("number")
Hours = _text("hours")
Point = _text("points")
DiscreetTitle = _text("discreet_title")
Nation = Literal["England", "Scotland", "Wales", "Northern Ireland"]
#: What a step that changes account or phone security does. The content check holds every list of steps to
#: a safe order of these (see content.rule_safe_order).
Action = Literal[
    "secure-email",  # make sure the email account itself is hers and safe
    "check-recovery",  # recovery email, phone, contacts, backup codes, passkeys: hers alone
    "change-password",
    "two-step",  # turn on (or check) two-step verification
    "end-sessions",  # log out other devices or sessions
    "check-devices",  # look at the devices and sessions signed in
    "connected-apps",  # apps and sites linked to the account
    "location-off",
    "stop-sharing",  # stop sharing location or other things with people
    "keep-record",  # keep a copy of what happened, somewhere private
    "block",
    "report",
    "check-forwarding",  # email forwarding, filters and delegated access: nothing copies her mail to anyone
    "change-passcode",  # the phone's own passcode: one only she knows
    "check-unlock",  # fingerprints and faces that unlock the phone: hers alone
    "check-phone-apps",  # device management, profiles, admin, accessibility or monitoring apps
]
ACTIONS: tuple[str, ...] = Action.__args__
GuideStatus = Literal["ok", "check"]



class _Model(Struct, frozen=True, forbid_unknown_fields=True, omit_defaults=True):
    """Every content table: immutable, and an unknown key is an error (a typo never passes silently)."""


class Step(_Model):
    """A step written as a table, when it needs a warning or must stay off discreet sheets."""

    text: Annotated[StepText, Meta(description="What to do, in one or two short sentences.")]
    warning: Annotated[WarningText | None, Meta(description="Set when someone watching the account could notice this step: who, and how.")] = None
    discreet: Annotated[bool, Meta(description="false leaves the step off discreet sheets (it would tell what the sheet is for).")] = True
    does: Annotated[Action | None, Meta(description="What the step changes, for a step that changes account or phone security; the content check keeps these in a safe order.")] = None

    @property
    def noticeable(self) -> bool:
        return self.warning is not None


#: A list of steps: each is plain text or a Step table. In a loaded pack every entry is a Step.
Steps = Annotated[tuple[Union[StepText, Step], ...], Meta(min_length=1, description="At least one step, in order.")]


class Topic(_Model):
    """A topic that platform and device guides cover."""

    id: Annotated[Id, Meta(description="The topic's id: the table name in platform and device files.")]
    title: Annotated[Title, Meta(description="How the topic is named on screen and on the sheet.")]


class Item(_Model):
    """One checklist item, shown in the file's order."""

    id: Annotated[Id, Meta(description="The item's id.")]
    title: Annotated[Title, Meta(description="A short title.")]
    why: Annotated[Why, Meta(description="Why it matters, in one or two short sentences.")]
    topics: Annotated[tuple[Id, ...], Meta(min_length=1, description="Which platform and device topics to show for this item (topic ids).")]
    steps: Annotated[Steps, Meta(description="What to do, in general (at least one step).")]


class Checklist(_Model):
    """checklist.toml: the topics, then the checklist items."""

    topic: Annotated[tuple[Topic, ...], Meta(min_length=1, description="The topics ([[topic]] tables).")]
    item: Annotated[tuple[Item, ...], Meta(min_length=1, description="The checklist items ([[item]] tables), in order.")]


class GuideTable(_Model):
    """One platform's or device's guide for one topic (a table named after the topic)."""

    title: Annotated[Title, Meta(description="A short heading for this guide.")]
    url: Annotated[Url, Meta(description="The official help page: the QR code's target.")]
    checked: Annotated[Date, Meta(description="The date the address and steps were checked.")]
    steps: Annotated[Steps, Meta(description="Short numbered steps, in order (the app numbers them).")]
    note: Annotated[Note | None, Meta(description="Optional: say when no official page exists and the code goes to a help centre instead.")] = None
    verified: Annotated[Note | None, Meta(description='How the steps were tried, e.g. "on a phone, iOS 26.1, 2026-11-30". Give this or unverified; staff see it, service users never do.')] = None
    unverified: Annotated[Note | None, Meta(description="Why the steps are not yet confirmed (for example: the menu path was seen only on other websites). Staff see it in the staff guide and content check.")] = None


class TopicGuide(GuideTable, frozen=True):
    """A GuideTable as loaded, with the topic it is for (its table's name)."""

    topic: str = ""


class Platform(Struct, frozen=True):
    """A platform (app or site) or a device, as loaded: ``kind`` says which; the id is the file name."""

    id: str
    name: str
    kind: str  # "account", "platform" or "device"
    guides: tuple[TopicGuide, ...]
    #: (topic, why) for each topic that does not apply here.
    not_applicable: tuple[tuple[str, str], ...] = ()
    #: The id of the account it signs in with (picking it picks that account too), if any.
    account: str | None = None

    def guide(self, topic: str) -> TopicGuide | None:
        return next((g for g in self.guides if g.topic == topic), None)


class Guide(_Model):
    """A general guide (not one platform's topic), such as Refuge's tech-safety guides."""

    id: Annotated[Id, Meta(description="The guide's id.")]
    title: Annotated[Title, Meta(description="The guide's title.")]
    url: Annotated[Url, Meta(description="Its address.")]
    checked: Annotated[Date, Meta(description="The date the address was checked.")]
    status: Annotated[GuideStatus, Meta(description='"ok", or "check" while it must be confirmed before use (then it is not offered).')]
    about: Annotated[About, Meta(description="One short sentence for staff.")]
    platform: Annotated[Id | None, Meta(description="Optional: the id of the platform it is about.")] = None


class Guides(_Model):
    """guides.toml: general guides."""

    guide: Annotated[tuple[Guide, ...], Meta(min_length=1, description="The guides ([[guide]] tables).")]


class Helpline(_Model):
    """A helpline for the sheet's helplines box."""

    id: Annotated[Id, Meta(description="The helpline's id.")]
    name: Annotated[Name, Meta(description="Its name.")]
    number: Annotated[Number, Meta(description="The phone number, as it is dialled.")]
    hours: Annotated[Hours, Meta(description="When it answers.")]
    nations: Annotated[tuple[Nation, ...], Meta(min_length=1, description="Where it serves: any of England, Scotland, Wales, Northern Ireland.")]
    about: Annotated[About, Meta(description="One short sentence.")]
    checked: Annotated[Date, Meta(description="The date the number was checked.")]
    url: Annotated[Url | None, Meta(description="Optional: its web address.")] = None


class Helplines(_Model):
    """helplines.toml: helplines."""

    helpline: Annotated[tuple[Helpline, ...], Meta(min_length=1, description="The helplines ([[helpline]] tables).")]


class Organisation(_Model):
    """organisation.toml: who made the sheet, and what a discreet sheet is called."""

    name: Annotated[Name, Meta(description="The organisation's name (never on a discreet sheet).")]
    contact: Annotated[Contact, Meta(description="How to reach the organisation, in one line.")]
    discreet_title: Annotated[DiscreetTitle, Meta(description="The title of a discreet sheet: nothing that tells what it is for.")]
    helplines: Annotated[tuple[Id, ...], Meta(min_length=1, description="Helpline ids to print on sheets, in order.")]


class Staff(_Model):
    """staff.toml: the staff quick guide."""

    title: Annotated[Title, Meta(description="The guide's title.")]
    points: Annotated[tuple[Point, ...], Meta(min_length=1, description="Short points, in order.")]


Answer = Literal["yes", "no", "unsure"]
ANSWERS: tuple[str, ...] = Answer.__args__


class Question(_Model):
    """One of the plan's questions, answered yes, no or not sure (or not at all)."""

    id: Annotated[Id, Meta(description="The question's id, named by the rules.")]
    text: Annotated[Title, Meta(description="The question as the caseworker asks it: plain words, no blame.")]
    note: Annotated[Title, Meta(description="How the case note names it, in neutral words (for example \"Lives with them or sees them often\").")]


class Rule(_Model):
    """What an answer changes: items (or every item of a topic) move earlier, with a reason."""

    question: Annotated[Id, Meta(description="The question's id.")]
    reason: Annotated[Title, Meta(description="One line shown beside each item it moves (never on a sheet), for example \"First, because they may know a password of yours\".")]
    answers: Annotated[tuple[Answer, ...], Meta(min_length=1, description='The answers that apply it: "yes", "no" or "unsure" (default: yes and not sure).')] = ("yes", "unsure")
    items: Annotated[tuple[Id, ...], Meta(description="Checklist item ids to move earlier, in this order.")] = ()
    topics: Annotated[tuple[Id, ...], Meta(description="Topic ids: every item that covers one moves earlier too.")] = ()
    not_now: Annotated[bool, Meta(description="true offers \"not now\" first for every item with a step someone could notice.")] = False
    needs_account: Annotated[bool, Meta(description="true says so when no email account (accounts/) is picked: every reset goes through it.")] = False


class PlanFile(_Model):
    """plan.toml: the optional questions after picking apps, and how the answers order the checklist."""

    intro: Annotated[About, Meta(description="One or two sentences above the questions.")]
    question: Annotated[tuple[Question, ...], Meta(min_length=1, description="The questions ([[question]] tables), in order.")]
    rule: Annotated[tuple[Rule, ...], Meta(description="The rules ([[rule]] tables); earlier rules win when two move the same item.")] = ()


class PhoneCheck(GuideTable, frozen=True, kw_only=True):
    """One check of "Is something watching this phone?": a guide for one device, with what it can do."""

    id: Annotated[Id, Meta(description="The check's id.")]
    device: Annotated[Id, Meta(description="The device it is for: a file name in devices/ (android, iphone).")]
    why: Annotated[Why, Meta(description="What such an app or setting can do, in one to three short sentences.")]


class PhoneCheckFile(_Model):
    """phone-check.toml: the guided "Is something watching this phone?" check, screen only (never on a sheet)."""

    title: Annotated[Title, Meta(description="The check's title.")]
    intro: Annotated[About, Meta(description="Shown before anything: removing a monitoring app can tell the person who put it there and destroy evidence; look and write down first.")]
    prepare: Annotated[GuideTable, Meta(description="Getting an Android phone ready for the optional cable scan (USB debugging).")]
    undo: Annotated[GuideTable, Meta(description="After the cable scan: undoing what it needed (USB debugging, Developer options).")]
    check: Annotated[tuple[PhoneCheck, ...], Meta(min_length=1, description="The checks ([[check]] tables), in order.")]

    def for_device(self, device: str) -> tuple[PhoneCheck, ...]:
        return tuple(c for c in self.check if c.device == device)


class Link(Struct, frozen=True):
    """Every URL in the pack, with where it lives, for QR codes, the link checker and the summary."""

    url: str
    title: str
    checked: _dt.date
    file: str
    field: str


class ContentPack(Struct, frozen=True):
    topics: tuple[Topic, ...]
    items: tuple[Item, ...]
    platforms: tuple[Platform, ...]
    devices: tuple[Platform, ...]
    guides: tuple[Guide, ...]
    helplines: tuple[Helpline, ...]
    organisation: Organisation
    staff: Staff
    links: tuple[Link, ...]
    #: The folders the pack was read from, shipped first, then the override folder if any.
    sources: tuple[str, ...] = ()
    #: (relative name, path) of every file read, e.g. ("platforms/x.toml", "/.../x.toml").
    files: tuple[tuple[str, str], ...] = ()
    #: Email and sign-in accounts (accounts/): platforms that every other account's reset goes through.
    accounts: tuple[Platform, ...] = ()
    #: plan.toml: the questions and the rules that order the checklist by the answers.
    plan: PlanFile | None = None
    #: phone-check.toml: the guided "Is something watching this phone?" check.
    phone_check: PhoneCheckFile | None = None
    #: In a translated pack, the English pack it was made from (a sheet in another language starts there).
    english: "ContentPack | None" = None

    @property
    def guided(self) -> tuple[Platform, ...]:
        """Everything with guides, in the order they are shown: accounts first (every reset goes through
        the email account), then platforms, then devices."""
        return self.accounts + self.platforms + self.devices

    def with_accounts(self, ids: Iterable[str]) -> list[str]:
        """``ids`` and the accounts they sign in with (an iPhone signs in with an Apple Account), in order."""
        wanted = set(ids)
        wanted |= {p.account for p in self.guided if p.id in wanted and p.account}
        return [p.id for p in self.guided if p.id in wanted]

    def platform(self, pid: str) -> Platform | None:
        return next((p for p in self.guided if p.id == pid), None)

    def helpline(self, hid: str) -> Helpline | None:
        return next((h for h in self.helplines if h.id == hid), None)

    def topic(self, tid: str) -> Topic | None:
        return next((t for t in self.topics if t.id == tid), None)

    @property
    def oldest_checked(self) -> _dt.date:
        return min(link.checked for link in self.links)

    def unverified_guides(self) -> list[tuple[Platform, TopicGuide]]:
        """The guides whose steps nobody has yet tried on a real phone (for staff and the admin only)."""
        return [(p, g) for p in self.guided for g in p.guides if g.unverified is not None]

    def stale_links(self, today: _dt.date | None = None) -> tuple[Link, ...]:
        today = today or _dt.date.today()
        return tuple(l for l in self.links if (today - l.checked).days > STALE_AFTER_DAYS)


#: The Struct each top-level file is checked against. A platform or device file is a `name` and one
#: GuideTable per topic: its topics come from checklist.toml, so its schema is made from the pack.
FILE_MODELS: dict[str, type[Struct]] = {
    "checklist.toml": Checklist,
    "guides.toml": Guides,
    "helplines.toml": Helplines,
    "organisation.toml": Organisation,
    "staff.toml": Staff,
    "plan.toml": PlanFile,
    "phone-check.toml": PhoneCheckFile,
}


class NotApplicable(_Model):
    """In place of a topic's guide: the topic does not apply to this platform or device, and why."""

    not_applicable: Annotated[Note, Meta(description="Why this topic does not apply here, in one or two sentences (staff see it).")]


@lru_cache(maxsize=16)
def platform_model(topics: tuple[str, ...], *, for_schema: bool = False) -> type[Struct]:
    """The shape of a platform or device file for ``topics`` (checklist.toml's, so it is built here): a
    `name`, and for every topic a table: its guide (a GuideTable) or `not_applicable = "why"`.

    msgspec checks the file with each topic table as a plain table; content.py then checks each one as a
    GuideTable or a NotApplicable, and that every topic has one. ``for_schema`` types them as GuideTable,
    for the JSON Schema (schema.py offers NotApplicable as the other choice)."""
    fields: list[tuple] = [
        ("name", Annotated[Name, Meta(description="The display name.")]),
        ("account", Annotated[Id | None, Meta(description="Optional: the id of the account (a file in accounts/) it "
                                                  "signs in with, for example google-account. Picking it picks that account too.")],
         msgspec.field(default=None)),
    ]
    for tid in topics:
        what = f'The guide for the topic {tid}, or not_applicable = "why" when it does not apply.'
        kind = GuideTable if for_schema else dict[str, Any]
        fields.append((tid.replace("-", "_"), Annotated[kind | None, Meta(description=what)], msgspec.field(default=None, name=tid)))
    doc = "A platform or device file: its display name and one table per topic."
    return msgspec.defstruct("PlatformFile", fields, bases=(_Model,), module=__name__, namespace={"__doc__": doc})
