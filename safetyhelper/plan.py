"""The plan: the checklist in the order that fits the person, from a few yes / no / not sure answers.

The questions and rules live in the content pack (plan.toml). A rule whose question got one of its answers
moves its items (and every item covering one of its topics) earlier, each with the rule's reason; earlier
rules come first. Nothing is ever removed, and the same answers always give the same plan. The answers are
part of the session: in memory only, never on a sheet.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from safetyhelper.model import ANSWERS, ContentPack, Item, PlanFile
from safetyhelper.translate import N_

#: How each answer is written on screen and in the case note (marked here: translate with ``_()`` where used).
ANSWER_WORDS = {"yes": N_("Yes"), "no": N_("No"), "unsure": N_("Not sure")}


class AnswerError(ValueError):
    """An answer names no question of the plan, or is not yes, no or unsure."""


@dataclass(frozen=True, slots=True)
class PlanItem:
    """A checklist item in the plan's order, and why it moved (None: the checklist's own place)."""

    item: Item
    reason: str | None = None
    #: "not now" is offered first: a rule said so and the item has a step someone could notice.
    not_now: bool = False


@dataclass(frozen=True, slots=True)
class Plan:
    items: tuple[PlanItem, ...]
    #: A rule that applied asks for an email account (every reset goes through it).
    needs_account: bool = False

    @property
    def moved(self) -> tuple[PlanItem, ...]:
        return tuple(p for p in self.items if p.reason is not None)

    def reason(self, item_id: str) -> str | None:
        return next((p.reason for p in self.items if p.item.id == item_id), None)

    def offers_not_now(self, item_id: str) -> bool:
        return any(p.not_now for p in self.items if p.item.id == item_id)


def check_answers(plan: PlanFile, answers: Mapping[str, str]) -> None:
    """Raise AnswerError (one line) for an unknown question id or answer."""
    ids = [q.id for q in plan.question]
    for qid, answer in answers.items():
        if qid not in ids:
            raise AnswerError(f"unknown question {qid!r}: expected one of {', '.join(ids)}")
        if answer not in ANSWERS:
            raise AnswerError(f"{qid}: unknown answer {answer!r}: expected one of {', '.join(ANSWERS)}")


def make_plan(pack: ContentPack, answers: Mapping[str, str]) -> Plan:
    """The checklist ordered by ``answers`` (question id -> "yes", "no" or "unsure"; a question left out was
    not answered). With no answers, or none that a rule takes, it is the checklist's own order."""
    plan = pack.plan
    if plan is None:
        return Plan(tuple(PlanItem(i) for i in pack.items))
    check_answers(plan, answers)
    reasons: dict[str, str] = {}
    not_now = needs_account = False
    for rule in plan.rule:
        if answers.get(rule.question) not in rule.answers:
            continue
        not_now = not_now or rule.not_now
        needs_account = needs_account or rule.needs_account
        moved = list(rule.items) + [i.id for i in pack.items if set(i.topics) & set(rule.topics)]
        for item_id in moved:
            reasons.setdefault(item_id, rule.reason)
    by_id = {i.id: i for i in pack.items}
    order = [by_id[i] for i in reasons] + [i for i in pack.items if i.id not in reasons]
    return Plan(
        tuple(PlanItem(i, reasons.get(i.id), not_now and any(s.noticeable for s in i.steps)) for i in order),
        needs_account,
    )
