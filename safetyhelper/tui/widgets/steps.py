"""Numbered steps, with the 'could be noticed' warning shown before each flagged step.

One widget draws the whole list (wrapped by hand so that lines hang under their text): a screen of steps
costs one widget, not three per step, which keeps every key press quick.
"""

from __future__ import annotations

import textwrap

from rich.text import Text
from textual.geometry import Size
from textual.widget import Widget

from safetyhelper.content import Step

NOTICE_PREFIX = "Could be noticed: "


class StepList(Widget):
    COMPONENT_CLASSES = {"step-list--mark", "step-list--notice"}
    DEFAULT_CSS = """
    StepList { height: auto; padding: 0 1; }
    StepList > .step-list--mark { color: $text-muted; }
    StepList > .step-list--notice { color: $text-warning; background: $warning-muted; }
    """
    INDENT = 3

    def __init__(self, steps: tuple[Step, ...], *, numbered: bool = True, id: str | None = None) -> None:
        super().__init__(id=id)
        self.steps = steps
        self.numbered = numbered
        self._cache: tuple[int, list[tuple[str, str]]] | None = None

    def lines(self, width: int) -> list[tuple[str, str]]:
        """(kind, text) per screen line at ``width``: kind is "mark" (a line starting a step), "text"
        (a continuation) or "notice"."""
        if self._cache and self._cache[0] == width:
            return self._cache[1]
        room = max(width - self.INDENT, 10)
        out: list[tuple[str, str]] = []
        for n, step in enumerate(self.steps, start=1):
            if step.warning:
                if out:
                    out.append(("text", ""))  # a gap, so the warning reads as the next step's, not the last's
                for line in textwrap.wrap(NOTICE_PREFIX + step.warning, room - 2):
                    out.append(("notice", " " * self.INDENT + f" {line} ".ljust(room)))
            mark = (f"{n}." if self.numbered else "-").ljust(self.INDENT)
            for i, line in enumerate(textwrap.wrap(step.text, room)):
                out.append(("mark", mark + line) if i == 0 else ("text", " " * self.INDENT + line))
        self._cache = (width, out)
        return out

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return len(self.lines(width))

    def render(self) -> Text:
        mark_style = self.get_component_rich_style("step-list--mark")
        notice_style = self.get_component_rich_style("step-list--notice")
        text = Text(no_wrap=True, overflow="crop", end="")
        for i, (kind, line) in enumerate(self.lines(self.content_size.width)):
            if i:
                text.append("\n")
            if kind == "notice":
                text.append(line[: self.INDENT])
                text.append(line[self.INDENT :], notice_style)
            elif kind == "mark":
                text.append(line[: self.INDENT], mark_style)
                text.append(line[self.INDENT :])
            else:
                text.append(line)
        return text

    def notices(self) -> list[str]:
        """The warnings as written (for tests and screen readers of the source)."""
        return [s.warning for s in self.steps if s.warning]
