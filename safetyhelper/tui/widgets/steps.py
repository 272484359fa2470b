"""Numbered steps. A step that someone watching the account could notice carries its warning inside its
own numbered block, before the action, joined to it by a bar in the warning colour:

     3. Tap Password and security.

     4. ▌ Could be noticed: anyone using your account on that device is
        ▌ logged out. If they use it, they will notice.
        ▌ Tap a device you do not know, then tap Log out.

A blank line separates every numbered block, so a warning never reads as the step before's.

One widget draws the whole list (wrapped by hand so that lines hang under their text): a screen of steps
costs one widget, not three per step, which keeps every key press quick. Content is appended to a rich
Text as plain strings, never parsed as markup.
"""

from __future__ import annotations

import textwrap

from rich.text import Text
from textual.geometry import Size
from textual.widget import Widget

from safetyhelper.content import Step
from safetyhelper.translate import NOTICE_PREFIX  # one message for the screen and the sheet
from safetyhelper.translate import _

#: Joins a step's warning to the step's own text.
BAR = "▌ "


class StepList(Widget):
    COMPONENT_CLASSES = {"step-list--mark", "step-list--notice", "step-list--bar"}
    DEFAULT_CSS = """
    StepList { height: auto; padding: 0 1; }
    StepList > .step-list--mark { color: $text-muted; }
    StepList > .step-list--notice { color: $text-warning; background: $warning-muted; }
    StepList > .step-list--bar { color: $text-warning; }
    """
    INDENT = 3

    def __init__(self, steps: tuple[Step, ...], *, numbered: bool = True, id: str | None = None) -> None:
        super().__init__(id=id)
        self.steps = steps
        self.numbered = numbered
        self._cache: tuple[int, list[tuple[str, str]]] | None = None

    def lines(self, width: int) -> list[tuple[str, str]]:
        """(kind, text) per screen line at ``width``. Kinds:

        - "mark": the first line of a step with no warning (it starts with the step's number);
        - "notice": a line of a warning (the first one starts with the step's number), after the bar;
        - "flagged": a line of a warned step's own text, after the bar, directly below its warning;
        - "text": a continuation line of a step with no warning;
        - "gap": the blank line between two numbered blocks.
        """
        if self._cache and self._cache[0] == width:
            return self._cache[1]
        room = max(width - self.INDENT, 10)
        pad = " " * self.INDENT
        out: list[tuple[str, str]] = []
        for n, step in enumerate(self.steps, start=1):
            if out:
                out.append(("gap", ""))
            mark = (f"{n}." if self.numbered else "-").ljust(self.INDENT)
            if step.warning:
                inner = max(room - len(BAR), 8)
                for i, line in enumerate(textwrap.wrap(_(NOTICE_PREFIX) + step.warning, inner - 1)):
                    out.append(("notice", (mark if i == 0 else pad) + BAR + f"{line} ".ljust(inner)))
                for line in textwrap.wrap(step.text, inner):
                    out.append(("flagged", pad + BAR + line))
            else:
                for i, line in enumerate(textwrap.wrap(step.text, room)):
                    out.append(("mark", mark + line) if i == 0 else ("text", pad + line))
        self._cache = (width, out)
        return out

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return len(self.lines(width))

    def render(self) -> Text:
        mark_style = self.get_component_rich_style("step-list--mark")
        notice_style = self.get_component_rich_style("step-list--notice")
        bar_style = self.get_component_rich_style("step-list--bar")
        text = Text(no_wrap=True, overflow="crop", end="")
        cut = self.INDENT + len(BAR)
        for i, (kind, line) in enumerate(self.lines(self.content_size.width)):
            if i:
                text.append("\n")
            if kind in ("notice", "flagged"):
                text.append(line[: self.INDENT], mark_style)
                text.append(line[self.INDENT : cut], bar_style)
                text.append(line[cut:], notice_style if kind == "notice" else None)
            elif kind == "mark":
                text.append(line[: self.INDENT], mark_style)
                text.append(line[self.INDENT :])
            else:
                text.append(line)
        return text

    def notices(self) -> list[str]:
        """The warnings as written (for tests and screen readers of the source)."""
        return [s.warning for s in self.steps if s.warning]
