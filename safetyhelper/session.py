"""One session with a service user, held in memory only (no Textual, no disk, no logs).

A session records which platforms and devices the service user uses, the answers to the plan's questions
(which order the checklist) and an outcome for each checklist item. It holds no names and no personal
details. ``wipe()`` forgets everything at once (quick exit, idle
reset).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import Enum

from safetyhelper.content import ContentPack, Guide, Item, Platform, TopicGuide
from safetyhelper.plan import ANSWER_WORDS, Plan, check_answers, make_plan
from safetyhelper.translate import N_, _, long_date, screen_language


class Outcome(Enum):
    """What the caseworker records for a checklist item."""

    DONE = "done"
    AT_HOME = "home"
    NOT_NOW = "not-now"
    NOT_RELEVANT = "not-relevant"

    @property
    def label(self) -> str:
        return _(_LABELS[self][0])

    @property
    def sheet_text(self) -> str:
        """How a take-home sheet says it."""
        return _(_LABELS[self][1])


#: (on screen, on a take-home sheet), marked here and translated by ``label`` and ``sheet_text``.
_LABELS = {
    Outcome.DONE: (N_("Done together"), N_("Done")),
    Outcome.AT_HOME: (N_("To do at home"), N_("To do")),
    Outcome.NOT_NOW: (N_("Not now (could be noticed)"), N_("When it is safe")),
    Outcome.NOT_RELEVANT: (N_("Not relevant"), N_("Not needed")),
}


@dataclass(frozen=True, slots=True)
class GuideStep:
    """One platform's or device's guide for a topic, as shown for a checklist item."""

    platform: Platform
    guide: TopicGuide


@dataclass
class Session:
    pack: ContentPack
    #: Platform and device ids the service user uses, in the pack's order.
    chosen: list[str] = field(default_factory=list)
    #: General guide ids (guides.toml, such as Refuge's) chosen for the take-home sheet, in the pack's order.
    general: list[str] = field(default_factory=list)
    #: Checklist item id -> outcome.
    outcomes: dict[str, Outcome] = field(default_factory=dict)
    #: The plan's question id -> "yes", "no" or "unsure" (a question not answered is left out).
    answers: dict[str, str] = field(default_factory=dict)
    #: The phone check's check id -> outcome (phone-check.toml).
    phone_checks: dict[str, Outcome] = field(default_factory=dict)
    #: The day the session started (the case note gives the date only).
    started: dt.date = field(default_factory=dt.date.today)
    #: Goes up at every wipe, so work started before a quick exit can tell it must not finish.
    generation: int = 0

    def choose(self, ids: list[str] | set[str] | tuple[str, ...]) -> None:
        wanted = set(ids)
        unknown = wanted - {p.id for p in self.pack.guided}
        if unknown:
            raise ValueError(f"unknown platform or device: {', '.join(sorted(unknown))}")
        self.chosen = [p.id for p in self.pack.guided if p.id in wanted]

    @property
    def offered_general(self) -> list[Guide]:
        """The general guides the app offers: those marked ok (a guide marked "check" waits for the admin)."""
        return [g for g in self.pack.guides if g.status == "ok"]

    def set_general(self, guide_id: str, chosen: bool) -> None:
        """Put a general guide on the take-home sheet, or take it off."""
        offered = [g.id for g in self.offered_general]
        if guide_id not in offered:
            raise ValueError(f"unknown general guide: {guide_id}")
        wanted = (set(self.general) | {guide_id}) if chosen else (set(self.general) - {guide_id})
        self.general = [gid for gid in offered if gid in wanted]

    @property
    def general_guides(self) -> list[Guide]:
        """The general guides chosen for the sheet, in the pack's order."""
        return [g for g in self.offered_general if g.id in self.general]

    @property
    def chosen_platforms(self) -> list[Platform]:
        return [p for p in self.pack.guided if p.id in self.chosen]

    def record(self, item_id: str, outcome: Outcome) -> None:
        if not any(i.id == item_id for i in self.pack.items):
            raise ValueError(f"unknown checklist item: {item_id}")
        self.outcomes[item_id] = outcome

    def outcome(self, item_id: str) -> Outcome | None:
        return self.outcomes.get(item_id)

    def record_check(self, check_id: str, outcome: Outcome) -> None:
        """Record how one check of "Is something watching this phone?" went."""
        phone = self.pack.phone_check
        if phone is None or not any(c.id == check_id for c in phone.check):
            raise ValueError(f"unknown phone check: {check_id}")
        self.phone_checks[check_id] = outcome

    def guides_for(self, item: Item) -> list[GuideStep]:
        """The chosen platforms' and devices' guides for this item's topics, in order."""
        out = []
        for p in self.chosen_platforms:
            for topic in item.topics:
                g = p.guide(topic)
                if g is not None:
                    out.append(GuideStep(p, g))
        return out

    def answer(self, question_id: str, answer: str | None) -> None:
        """Record an answer to one of the plan's questions (None takes it back)."""
        if answer is None:
            self.answers.pop(question_id, None)
            return
        if self.pack.plan is not None:
            check_answers(self.pack.plan, {question_id: answer})
        self.answers[question_id] = answer

    @property
    def plan(self) -> Plan:
        """The checklist in the order the answers give (the checklist's own order without answers)."""
        return make_plan(self.pack, self.answers)

    @property
    def items(self) -> list[Item]:
        """The checklist items in the plan's order: every item, always."""
        return [p.item for p in self.plan.items]

    @property
    def complete(self) -> bool:
        return all(i.id in self.outcomes for i in self.pack.items)

    @property
    def is_empty(self) -> bool:
        return not self.chosen and not self.outcomes and not self.general and not self.answers and not self.phone_checks

    def wipe(self) -> None:
        """Forget everything about this session."""
        self.chosen.clear()
        self.general.clear()
        self.outcomes.clear()
        self.answers.clear()
        self.phone_checks.clear()
        self.started = dt.date.today()
        self.generation += 1

    def to_take_home(self) -> list[Item]:
        return [i for i in self.items if self.outcomes.get(i.id) in (Outcome.AT_HOME, Outcome.NOT_NOW)]

    def case_note(self) -> str:
        """A short plain-text note for the case file: date, what was covered, the plan's answers in neutral
        words and the order they gave, outcomes. No names."""
        names = ", ".join(p.name for p in self.chosen_platforms) or _("none chosen")
        lines = [
            _("Online safety session, {date}.").format(date=long_date(self.started, screen_language())),
            _("Apps and devices covered: {names}.").format(names=names),
        ]
        plan = self.pack.plan
        if plan is not None and self.answers:
            lines.append(_("Questions:"))
            lines += [
                _("- {question}: {answer}.").format(question=q.note, answer=_(ANSWER_WORDS[self.answers[q.id]]).lower())
                for q in plan.question if q.id in self.answers
            ]
            moved = [p.item.title for p in self.plan.moved]
            lines.append(
                _("Order: {items} first, then the rest.").format(items="; ".join(moved)) if moved
                else _("Order: the usual order.")
            )
        lines.append(_("Checklist:"))
        for item in self.items:
            o = self.outcomes.get(item.id)
            lines.append(_("- {item}: {outcome}.").format(item=item.title, outcome=o.label if o else _("not covered")))
        phone = self.pack.phone_check
        if phone is not None and self.phone_checks:
            lines.append(_("Phone check:"))
            lines += [
                _("- {item}: {outcome}.").format(item=c.title, outcome=self.phone_checks[c.id].label)
                for c in phone.check if c.id in self.phone_checks
            ]
        put_off = [i.title for i in self.items if self.outcomes.get(i.id) is Outcome.NOT_NOW]
        if put_off:
            lines.append(_("Put off because a change could be noticed: {items}.").format(items="; ".join(put_off)))
        return "\n".join(lines)
