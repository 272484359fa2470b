"""A few optional questions after picking apps and phones: the answers put the most useful steps first.

Each question is answered yes, no or not sure (1, 2, 3), or left alone; s skips them all (the checklist's
own order). The answers live in the session, in memory only: quick exit and idle reset wipe them.
"""

from __future__ import annotations

from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Button, Static

from safetyhelper.model import ANSWERS, Question
from safetyhelper.plan import ANSWER_WORDS
from safetyhelper.session import Session
from safetyhelper.translate import N_, _
from safetyhelper.tui.widgets.footer import KeyFooter


class QuestionRow(Widget, can_focus=True):
    """One question, and its three answers on the line below (the chosen one highlighted)."""

    DEFAULT_CSS = """
    QuestionRow { height: auto; padding: 0 1 0 1; margin-bottom: 1; border-left: tall transparent; }
    QuestionRow:focus { background: $boost; border-left: tall $accent; }
    """

    def __init__(self, number: int, question: Question, session: Session) -> None:
        super().__init__(id=f"question-{question.id}")
        self.number = number
        self.question = question
        self.session = session
        #: (first column, last column, answer) of each answer on the last line, for clicks.
        self._spans: list[tuple[int, int, str]] = []

    def render(self) -> Text:
        chosen = self.session.answers.get(self.question.id)
        text = Text(f"{self.number}. {self.question.text}\n", style="bold" if self.has_focus else "")
        text.append("   ")
        column, self._spans = 3, []
        for key, answer in enumerate(ANSWERS, start=1):
            label = f" {key} {_(ANSWER_WORDS[answer])} "
            style = "reverse bold" if answer == chosen else ""
            text.append(label, style=style)
            self._spans.append((column, column + len(label), answer))
            text.append("  ")
            column += len(label) + 2
        return text

    def on_focus(self) -> None:
        self.refresh()

    def on_blur(self) -> None:
        self.refresh()

    def set_answer(self, answer: str) -> None:
        """Answer it; the same answer again takes it back."""
        again = self.session.answers.get(self.question.id) == answer
        self.session.answer(self.question.id, None if again else answer)
        self.refresh()

    def on_click(self, event: events.Click) -> None:
        self.focus()
        at = event.get_content_offset(self)
        if at is None or at.y != self.content_size.height - 1:  # the answers are on the last line
            return
        for first, last, answer in self._spans:
            if first <= at.x < last:
                self.set_answer(answer)
                self.screen.plan_changed()
                return


class QuestionsScreen(Screen):
    SCOPED_CSS = False  # the rules name this screen's own ids
    DEFAULT_CSS = """
    #questions { height: 1fr; }
    #plan-preview { padding: 0 1; height: auto; max-height: 3; }
    #questions-screen .buttons { margin-top: 0; }
    #plan-account { padding: 0 1; color: $text-warning; }
    """

    BINDINGS = [
        ("n", "next", N_("Next")),
        ("s", "skip", N_("Skip questions")),
        ("b", "back", N_("Back")),
        Binding("down", "move(1)", N_("Move"), key_display="↑↓", priority=True),
        Binding("up", "move(-1)", N_("Move up"), show=False, priority=True),
        Binding("1", "answer('yes')", N_("Yes"), show=False),
        Binding("2", "answer('no')", N_("No"), show=False),
        Binding("3", "answer('unsure')", N_("Not sure"), show=False),
    ]

    def compose(self) -> ComposeResult:
        plan = self.app.pack.plan
        with VerticalScroll(id="questions"):
            yield Static(_("A few questions (you can skip them)"), classes="heading")
            yield Static(plan.intro, markup=False, classes="muted")
            yield Static(_("↑↓ to move, then 1 Yes, 2 No or 3 Not sure. The same key again takes an answer back."), classes="muted")
            for number, question in enumerate(plan.question, start=1):
                yield QuestionRow(number, question, self.app.session)
        # Below the questions, always in sight: what the answers put first, and the buttons.
        yield Static("", id="plan-preview", markup=False)
        yield Static("", id="plan-account", markup=False)
        with Horizontal(classes="buttons"):
            yield Button(_("Back"), id="back")
            yield Button(_("Skip questions"), id="skip")
            yield Button(_("Next"), id="next", variant="primary")
        yield KeyFooter()

    @property
    def rows(self) -> list[QuestionRow]:
        return list(self.query(QuestionRow))

    def on_mount(self) -> None:
        self.rows[0].focus()
        self.plan_changed()

    def plan_changed(self) -> None:
        """Say, in a line, what the answers so far put first (and ask for the email account if needed)."""
        session = self.app.session
        plan = session.plan
        moved = [p.item.title for p in plan.moved]
        self.query_one("#plan-preview", Static).update(
            _("The checklist will start with: {items}.").format(items="; ".join(moved)) if moved
            else _("The checklist keeps its usual order.")
        )
        account = ""
        if plan.needs_account and not any(p.kind == "account" for p in session.chosen_platforms):
            account = _("No email account is picked. Press b to go back and pick theirs: every reset goes through it.")
        line = self.query_one("#plan-account", Static)
        line.update(account)
        line.display = bool(account)

    def _focused_row(self) -> QuestionRow | None:
        return self.focused if isinstance(self.focused, QuestionRow) else None

    def action_move(self, step: int) -> None:
        rows = self.rows
        row = self._focused_row()
        at = rows.index(row) + step if row else 0
        target = rows[max(0, min(at, len(rows) - 1))]
        target.focus()
        target.scroll_visible(animate=False)

    def action_answer(self, answer: str) -> None:
        row = self._focused_row()
        if row is None:  # the focus is on a button: a number answers nothing (move to a question first)
            return
        row.set_answer(answer)
        self.plan_changed()
        rows = self.rows
        if row is not rows[-1]:
            self.action_move(1)

    @on(Button.Pressed, "#next")
    def action_next(self) -> None:
        self.app.show_checklist()

    @on(Button.Pressed, "#skip")
    def action_skip(self) -> None:
        """The checklist's own order: any answers given are taken back."""
        self.app.session.answers.clear()
        for row in self.rows:
            row.refresh()
        self.plan_changed()
        self.app.show_checklist()

    @on(Button.Pressed, "#back")
    def action_back(self) -> None:
        self.app.pop_screen()
