"""Numbered steps, with the 'could be noticed' warning shown before each flagged step."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Static

from safetyhelper.content import Step

NOTICE_PREFIX = "Could be noticed: "


class StepList(Vertical):
    """Each step on its own row, the number in a column of its own so wrapped lines hang under the text."""

    DEFAULT_CSS = """
    StepList { height: auto; padding: 0 1; }
    StepList > Horizontal { height: auto; }
    StepList .mark { width: 3; color: $text-muted; }
    StepList .text { width: 1fr; }
    StepList .notice { color: $text-warning; background: $warning-muted; padding: 0 1; margin-left: 3; }
    """

    def __init__(self, steps: tuple[Step, ...], *, numbered: bool = True, id: str | None = None) -> None:
        super().__init__(id=id)
        self.steps = steps
        self.numbered = numbered

    def compose(self) -> ComposeResult:
        for n, step in enumerate(self.steps, start=1):
            if step.warning:
                yield Static(NOTICE_PREFIX + step.warning, markup=False, classes="notice")
            with Horizontal():
                yield Static(f"{n}." if self.numbered else "-", markup=False, classes="mark")
                yield Static(step.text, markup=False, classes="text")
