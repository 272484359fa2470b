"""A plan that fits the person (issue 13): a few yes / no / not sure questions put the right items first,
with a reason for each move; nothing is removed; the answers stay in memory, are never printed on a sheet,
and go into the case note in neutral words."""

from __future__ import annotations

import itertools
import json
import subprocess

import pytest

from conftest import content_error, override_with, run_cli, shipped_text
from safetyhelper.content import load_content
from safetyhelper.model import ANSWERS
from safetyhelper.plan import AnswerError, make_plan
from safetyhelper.session import Outcome, Session
from safetyhelper.sheet import SheetOptions, cli_session, sheet_pdf
from safetyhelper.tui.app import make_app
from safetyhelper.tui.screens.item import ItemScreen
from safetyhelper.tui.screens.questions import QuestionsScreen
from safetyhelper.tui.screens.start import StartScreen
from screen_qr import screen_text
from test_sheet import pdf_text

PACK = load_content()
QUESTIONS = [q.id for q in PACK.plan.question]
DEFAULT = [i.id for i in PACK.items]


def order(answers: dict[str, str]) -> list[str]:
    return [p.item.id for p in make_plan(PACK, answers).items]


def test_the_shipped_questions_are_the_eight_of_the_issue():
    assert QUESTIONS == ["lives-together", "had-phone", "knows-passwords", "shared-plan", "shared-accounts",
                         "children", "smart-home", "knows-things"]


def test_every_combination_of_answers_keeps_every_item_moves_only_with_a_reason_and_is_deterministic():
    """All 3^8 = 6,561 ways to answer every question (and no answers at all)."""
    combos = [dict(zip(QUESTIONS, values)) for values in itertools.product(ANSWERS, repeat=len(QUESTIONS))]
    assert len(combos) == 3 ** 8
    for answers in [{}, *combos]:
        plan = make_plan(PACK, answers)
        ids = [p.item.id for p in plan.items]
        assert sorted(ids) == sorted(DEFAULT) and len(ids) == len(set(ids)), answers  # every item, once
        assert plan == make_plan(PACK, dict(reversed(list(answers.items())))), answers  # same answers, same plan
        moved = [p for p in plan.items if p.reason]
        # The moved items come first, each with a reason; the rest keep the checklist's own order.
        assert [p.item.id for p in plan.items[: len(moved)]] == [p.item.id for p in moved], answers
        assert [p.item.id for p in plan.items[len(moved):]] == [i for i in DEFAULT if i not in {p.item.id for p in moved}]
        for p in plan.items:
            assert not p.not_now or any(s.noticeable for s in p.item.steps)
    # Every rule names a question, items and topics that exist (the loader refuses anything else).
    items, topics = set(DEFAULT), {t.id for t in PACK.topics}
    for rule in PACK.plan.rule:
        assert rule.question in QUESTIONS and set(rule.items) <= items and set(rule.topics) <= topics


def test_no_answers_or_only_no_keep_the_checklists_own_order():
    assert order({}) == DEFAULT
    assert order(dict.fromkeys(QUESTIONS, "no")) == DEFAULT
    assert not make_plan(PACK, {}).moved


@pytest.mark.parametrize(
    ("answers", "first"),
    [
        ({"had-phone": "yes"}, ["phone"]),
        ({"knows-passwords": "yes"}, ["security"]),
        ({"knows-passwords": "unsure"}, ["security"]),  # not sure counts: the safer reading
        ({"shared-accounts": "yes"}, ["sharing", "security"]),
        ({"shared-plan": "yes"}, ["sharing", "location"]),
        ({"lives-together": "yes"}, ["safety-tools"]),
        ({"had-phone": "yes", "knows-passwords": "yes", "lives-together": "yes"}, ["phone", "safety-tools", "security"]),
        ({"knows-things": "unsure", "shared-plan": "yes"}, ["phone", "sharing", "location"]),
    ],
)
def test_answers_put_the_right_items_first_each_with_a_plain_reason(answers, first):
    plan = make_plan(PACK, answers)
    assert [p.item.id for p in plan.items[: len(first)]] == first
    assert [p.item.id for p in plan.moved] == first
    for p in plan.moved:
        assert p.reason and p.reason[0].isupper() and len(p.reason) <= 120


def test_living_together_offers_not_now_first_for_changes_someone_could_notice():
    plan = make_plan(PACK, {"lives-together": "yes"})
    flagged = {p.item.id for p in plan.items if p.not_now}
    assert flagged == {i.id for i in PACK.items if any(s.noticeable for s in i.steps)}
    assert "security" in flagged and "recheck" not in flagged
    assert not any(p.not_now for p in make_plan(PACK, {"lives-together": "no"}).items)


def test_a_password_or_shared_accounts_ask_for_the_email_account():
    assert make_plan(PACK, {"knows-passwords": "yes"}).needs_account
    assert make_plan(PACK, {"shared-accounts": "unsure"}).needs_account
    assert not make_plan(PACK, {"had-phone": "yes"}).needs_account


def test_unknown_questions_and_answers_are_refused():
    with pytest.raises(AnswerError, match="unknown question 'pets'"):
        make_plan(PACK, {"pets": "yes"})
    with pytest.raises(AnswerError, match="unknown answer 'maybe'"):
        make_plan(PACK, {"had-phone": "maybe"})
    s = Session(PACK)
    with pytest.raises(AnswerError):
        s.answer("had-phone", "perhaps")
    assert s.answers == {}


# ---------------------------------------------------------------- plan.toml is checked like every file


@pytest.mark.parametrize(
    ("old", "new", "field", "says"),
    [
        ('items = ["phone"]', 'items = ["phones"]', "rule[0].items[0]", "unknown checklist item 'phones'"),
        ('question = "had-phone"', 'question = "had-fone"', "rule[0].question", "unknown question 'had-fone'"),
        ('items = ["phone"]', 'topics = ["phone-itself"]', "rule[0].topics[0]", "unknown topic 'phone-itself'"),
        ('items = ["phone"]', 'items = ["phone"]\nanswers = ["perhaps"]', "rule[0].answers[0]", "expected one of"),
        ('id = "children"', 'id = "had-phone"', "question[5].id", "duplicate id 'had-phone'"),
    ],
)
def test_a_broken_plan_is_one_line_naming_file_line_and_field(tmp_path, old, new, field, says):
    text = shipped_text("plan.toml")
    assert old in text
    err = content_error(tmp_path, "plan.toml", text.replace(old, new, 1))
    assert err.file.endswith("plan.toml") and err.line is not None
    assert err.field == field and says in err.message, (err.field, err.message)
    result = run_cli("content", "check", "--content", str(tmp_path))
    assert result.returncode == 2 and len(result.stderr.strip().splitlines()) == 1


def test_a_rule_that_changes_nothing_is_refused(tmp_path):
    text = shipped_text("plan.toml") + '\n[[rule]]\nquestion = "children"\nreason = "Nothing."\n'
    err = content_error(tmp_path, "plan.toml", text)
    assert "changes nothing" in err.message and err.field.startswith("rule[")


def test_an_organisation_can_write_its_own_questions(tmp_path):
    mine = '''intro = "Two questions."

[[question]]
id = "new-phone"
text = "Did they give you your phone?"
note = "Phone came from them"

[[question]]
id = "moved"
text = "Have you moved house lately?"
note = "Moved house lately"

[[rule]]
question = "new-phone"
items = ["phone"]
reason = "First: a phone someone gave you may have been set up by them."

[[rule]]
question = "moved"
answers = ["yes"]
topics = ["location"]
reason = "Early: a new address is worth keeping to yourself."
'''
    pack = load_content(override_with(tmp_path, {"plan.toml": mine}))
    assert [p.item.id for p in make_plan(pack, {"moved": "yes", "new-phone": "unsure"}).moved] == ["phone", "location"]
    assert not make_plan(pack, {"moved": "unsure"}).moved  # this rule takes yes only


# ---------------------------------------------------------------- the command


def test_the_plan_command_prints_the_order_with_reasons_and_json():
    result = run_cli("plan", "--answer", "had-phone=yes", "--answer", "knows-passwords=Unsure")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "Answers: had-phone=yes, knows-passwords=unsure"
    assert lines[1].startswith("1. Your phone's lock and apps") and "First:" in lines[2]
    assert lines[3].startswith("2. Lock your account")
    assert sum(1 for line in lines if line[:1].isdigit()) == len(DEFAULT)
    data = json.loads(run_cli("plan", "--json", "--answer", "children=yes").stdout)
    assert [i["id"] for i in data["items"]] == order({"children": "yes"})
    assert data["items"][0]["reason"] and data["items"][-1]["reason"] is None
    assert run_cli("plan").stdout.startswith("Answers: none")


@pytest.mark.parametrize(
    ("answer", "says"),
    [("pets=yes", "unknown question 'pets'"), ("had-phone=maybe", "unknown answer 'maybe'"), ("had-phone", "expected ID=VALUE")],
)
def test_the_plan_command_refuses_bad_answers_in_one_line(answer, says):
    result = run_cli("plan", "--answer", answer)
    assert result.returncode == 2 and says in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1 and "Traceback" not in result.stderr


# ---------------------------------------------------------------- the session, the sheet, the case note


def answered_session() -> Session:
    s = cli_session(PACK, ["facebook", "iphone"], {"had-phone": "yes", "knows-passwords": "yes", "lives-together": "unsure"})
    return s


def test_the_sheet_follows_the_plan_and_never_prints_an_answer_or_a_reason(tmp_path):
    s = answered_session()
    assert s.items[0].id == "phone"
    secrets = [q.text for q in PACK.plan.question] + [q.note for q in PACK.plan.question]
    secrets += [r.reason for r in PACK.plan.rule] + ["Not sure", "not now is offered", "A few questions", PACK.plan.intro]
    for options in (SheetOptions(), SheetOptions(discreet=True), SheetOptions(large_print=True)):
        pdf = tmp_path / "sheet.pdf"
        pdf.write_bytes(sheet_pdf(s, options))
        text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
        flat = " ".join(text.split())
        for secret in secrets:
            assert " ".join(secret.split()) not in flat, secret
        # The steps follow the plan: the phone's section before the account's, before what you post.
        steps = flat[flat.index("Your steps"):]
        titles = [i.title for i in s.items]
        at = [steps.index(t) for t in titles]
        assert at == sorted(at), titles
    assert s.answers  # printing took nothing away


def test_the_case_note_lists_the_answers_in_neutral_words_and_the_order():
    s = answered_session()
    note = s.case_note()
    assert "Questions:" in note
    assert "- They have had or set up a phone, tablet or laptop: yes." in note
    assert "- Lives with them or sees them often: not sure." in note
    assert "Order: Your phone's lock and apps; Block, mute and report; Lock your account first, then the rest." in note
    assert "Questions:" not in Session(PACK).case_note()


def test_wipe_forgets_the_answers():
    s = answered_session()
    s.wipe()
    assert s.answers == {} and s.is_empty and [i.id for i in s.items] == DEFAULT


# ---------------------------------------------------------------- the screens


async def test_a_walk_with_answers_gives_the_planned_order_on_screen_and_in_the_summary():
    app = make_app(PACK)
    async with app.run_test(size=(100, 36)) as pilot:
        await pilot.press("s")
        await pilot.pause()
        await pilot.press(*["down"] * [p.id for p in PACK.guided].index("facebook"), "space", "n")
        await pilot.pause()
        assert isinstance(app.screen, QuestionsScreen)
        text = " ".join(screen_text(app.export_screenshot(), 100, 36).split())
        assert "The checklist keeps its usual order." in text
        assert PACK.plan.question[0].text in text
        # 1: lives together yes, 2: had phone yes, 3: passwords not sure (focus moves on after each answer).
        await pilot.press("1", "1", "3")
        await pilot.pause()
        assert app.session.answers == {"lives-together": "yes", "had-phone": "yes", "knows-passwords": "unsure"}
        text = " ".join(screen_text(app.export_screenshot(), 100, 36).split())
        assert "The checklist will start with: Your phone's lock and apps; Block, mute and report; Lock your account." in text
        assert "No email account is picked" in text  # a password may be known, and no account was picked
        # The same key again takes an answer back.
        await pilot.press("up", "3")
        assert "knows-passwords" not in app.session.answers
        await pilot.press("up", "3", "n")  # the focus moved on: back up, and answer it again
        await pilot.pause()
        assert isinstance(app.screen, ItemScreen)
        expected = order(app.session.answers)
        assert expected[:3] == ["phone", "safety-tools", "security"]
        text = " ".join(screen_text(app.export_screenshot(), 100, 36).split())
        assert f"Step 1 of {len(DEFAULT)}: Your phone's lock and apps" in text
        assert "▶ " + make_plan(PACK, app.session.answers).reason("phone") in text
        # Living together offers "not now" first for a change someone could notice.
        assert app.session.outcome("phone") is Outcome.NOT_NOW
        seen = []
        while isinstance(app.screen, ItemScreen):
            seen.append(app.screen.item.id)
            if app.session.outcome(app.screen.item.id) is None:
                await pilot.press("2")
            await pilot.press("n")
            await pilot.pause()
        assert seen == expected
        summary = screen_text(app.export_screenshot(), 100, 36)
        lines = [line.strip() for line in summary.splitlines()]
        titles = [next(i.title for i in PACK.items if i.id == iid) for iid in expected]
        rows = [next(n for n, line in enumerate(lines) if line.startswith(t + ":")) for t in titles]
        assert rows == sorted(rows)
        # The sheet of this session follows the same order, and holds no answer.
        text = " ".join(pdf_text(sheet_pdf(app.session, SheetOptions())).split())
        steps = text[text.index("Your steps"):]
        at = [steps.index(t) for t in titles]
        assert at == sorted(at), titles
        assert not any(" ".join(q.text.split()) in text for q in PACK.plan.question)


async def test_skipping_the_questions_keeps_the_usual_order_and_takes_answers_back():
    app = make_app(PACK)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("s", "space", "n", "1", "1")
        assert app.session.answers
        await pilot.press("s")
        await pilot.pause()
        assert isinstance(app.screen, ItemScreen) and app.session.answers == {}
        assert app.screen.item.id == DEFAULT[0]


async def test_quick_exit_in_the_questions_wipes_the_answers():
    app = make_app(PACK)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("s", "space", "n", "1", "2", "3")
        assert isinstance(app.screen, QuestionsScreen) and len(app.session.answers) == 3
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, StartScreen) and app.session.answers == {} and app.session.is_empty
        assert not app.has_session_screens
        text = screen_text(app.export_screenshot(), 80, 24)
        assert PACK.plan.question[0].text not in text


async def test_a_click_on_an_answer_records_it():
    app = make_app(PACK)
    async with app.run_test(size=(100, 36)) as pilot:
        await pilot.press("s", "space", "n")
        await pilot.pause()
        row = app.screen.query_one("#question-shared-plan")
        first, last, answer = row._spans[2]
        assert answer == "unsure"
        await pilot.click(row, offset=(first + 2, row.size.height - 1))
        await pilot.pause()
        assert app.session.answers == {"shared-plan": "unsure"}
