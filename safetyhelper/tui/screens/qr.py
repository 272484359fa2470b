"""A guide's QR code, full screen, big enough to scan with a phone held up to the screen."""

from __future__ import annotations

import math
import os
import sys

from textual.app import App, ComposeResult
from textual.containers import Center, Vertical
from textual.screen import Screen
from textual.widgets import Static

from safetyhelper.qr import LEVELS, block_drawing_problem, split_address
from safetyhelper.tui.widgets.footer import KeyFooter
from safetyhelper.tui.widgets.qrcode import QRCode
from safetyhelper.translate import N_, _

REMINDER = N_("Open it on a phone that only you use. Opening a link leaves it in the browser history.")
TOO_SMALL = N_("This window is too small to show the code without breaking it. Make it bigger, or type the address:")
NO_BLOCKS = N_("The code cannot be shown: {reason}. Type the address:")


def terminal_problem(app: App) -> str | None:
    """Why this terminal cannot draw a code (its locale or output is not UTF-8), or None.

    Only a real terminal can lack UTF-8: a headless app (tests, screenshots) draws into SVG."""
    if app.is_headless:
        return None
    stream = sys.__stderr__  # what Textual's Linux driver writes to
    return block_drawing_problem(
        os.environ, utf8_mode=bool(sys.flags.utf8_mode), output_encoding=getattr(stream, "encoding", None)
    )


class QRScreen(Screen):
    """Shows one of ``guides`` (title, url) at a time; left and right move between them."""
    SCOPED_CSS = False  # the rules name this screen's own ids
    DEFAULT_CSS = """
    /* The code on a fixed white quiet zone (its own widget), the text below it or beside it. */
    QRScreen { align: center middle; }
    #qr-body { height: auto; width: 100%; }
    #qr-holder { height: auto; width: 100%; }
    #qr-text { height: auto; width: 100%; }
    #qr-text Static { text-align: center; width: 100%; }
    #qr-title { text-style: bold; }
    #qr-reminder { color: $text-warning; }
    #qr-too-small { display: none; color: $text-warning; }
    QRScreen.-side #qr-body { layout: horizontal; }
    QRScreen.-side #qr-holder { width: auto; }
    QRScreen.-side #qr-text { width: 1fr; padding: 0 1; }
    QRScreen.-side #qr-text Static { text-align: left; }
    QRScreen.-too-small #qr-holder { display: none; }
    QRScreen.-too-small #qr-too-small { display: block; }
    QRScreen.-no-blocks #qr-holder { display: none; }
    QRScreen.-no-blocks #qr-too-small { display: block; }
    """


    BINDINGS = [
        ("b", "app.pop_screen", N_("Back")),
        ("q", "app.pop_screen", N_("Close")),
        ("left", "move(-1)", N_("Previous")),
        ("right", "move(1)", N_("Next guide")),
    ]

    def __init__(self, guides: list[tuple[str, str]], index: int = 0) -> None:
        super().__init__()
        self.guides = guides
        self.index = index
        self.no_blocks: str | None = None  # the reason, when this terminal cannot draw a code

    def compose(self) -> ComposeResult:
        title, url = self.guides[self.index]
        with Vertical(id="qr-body"):
            with Center(id="qr-holder"):
                yield QRCode(url, id="qr-code")
            with Vertical(id="qr-text"):
                yield Static(title, markup=False, id="qr-title")
                yield Static("", markup=False, id="qr-too-small")
                yield Static(url, markup=False, id="qr-url")
                yield Static(_(REMINDER), markup=False, id="qr-reminder")
                if len(self.guides) > 1:
                    yield Static(
                        _("Guide {number} of {count}: left and right arrows for the others.").format(
                            number=self.index + 1, count=len(self.guides)
                        ),
                        markup=False,
                        id="qr-count",
                        classes="muted",
                    )
        yield KeyFooter()

    @property
    def code(self) -> QRCode:
        return self.query_one("#qr-code", QRCode)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "move":
            return len(self.guides) > 1
        return True

    def on_mount(self) -> None:
        self.no_blocks = terminal_problem(self.app)
        self.fit()

    def on_resize(self) -> None:
        self.fit()

    def _text_rows(self, width: int) -> int:
        title, url = self.guides[self.index]
        rows = sum(math.ceil(len(t) / max(width, 1)) for t in (title, _(REMINDER)))
        rows += len(split_address(url, width))
        return rows + (1 if len(self.guides) > 1 else 0)

    def _layout(self, width: int, height: int) -> tuple[str, str, int, int] | None:
        """(arrangement, level, scale, text width) of the biggest layout that shows the whole code, or None.

        Level M wherever it fits at any scale; level L only where M does not fit at all."""
        code = self.code
        for level in LEVELS:
            for scale in (2, 1):
                cols, rows = code.size_at(scale, level)
                if cols <= width and rows + self._text_rows(width) <= height:
                    return ("stacked", level, scale, width)
                side_text = width - cols - 2
                if side_text >= 24 and rows <= height and self._text_rows(side_text) <= height:
                    return ("side", level, scale, side_text)
        return None

    def fit(self) -> None:
        """Choose the biggest layout that shows the whole code: stacked or side by side, at 2x or 1x, at level
        M or else L. With none, or where the terminal cannot draw the blocks, say why and show the address."""
        width, height = self.app.size.width, self.app.size.height - 1  # the footer
        url = self.guides[self.index][1]
        layout = None if self.no_blocks else self._layout(width, height)
        too_small = self.query_one("#qr-too-small", Static)
        address = self.query_one("#qr-url", Static)
        self.set_class(bool(self.no_blocks), "-no-blocks")
        self.set_class(layout is None and not self.no_blocks, "-too-small")
        if layout is None:
            self.set_class(False, "-side")
            too_small.update(_(NO_BLOCKS).format(reason=self.no_blocks) if self.no_blocks else _(TOO_SMALL))
            address.update("\n".join(split_address(url, width)))
            return
        arrangement, level, scale, text_width = layout
        too_small.update("")
        address.update("\n".join(split_address(url, text_width)))
        self.set_class(arrangement == "side", "-side")
        self.code.show_at(level, scale)

    def action_move(self, step: int) -> None:
        self.app.switch_screen(QRScreen(self.guides, (self.index + step) % len(self.guides)))
