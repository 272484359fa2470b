"""A guide's QR code, full screen, big enough to scan with a phone held up to the screen."""

from __future__ import annotations

import math

from textual.app import ComposeResult
from textual.containers import Center, Vertical
from textual.screen import Screen
from textual.widgets import Static

from safetyhelper.tui.widgets.footer import KeyFooter
from safetyhelper.tui.widgets.qrcode import QRCode

REMINDER = "Open it on a phone that only you use. Opening a link leaves it in the browser history."
TOO_SMALL = "This window is too small to show the code without breaking it. Make it bigger, or type the address:"


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
    """


    BINDINGS = [
        ("b", "app.pop_screen", "Back"),
        ("q", "app.pop_screen", "Close"),
        ("left", "move(-1)", "Previous"),
        ("right", "move(1)", "Next guide"),
    ]

    def __init__(self, guides: list[tuple[str, str]], index: int = 0) -> None:
        super().__init__()
        self.guides = guides
        self.index = index

    def compose(self) -> ComposeResult:
        title, url = self.guides[self.index]
        with Vertical(id="qr-body"):
            with Center(id="qr-holder"):
                yield QRCode(url, id="qr-code")
            with Vertical(id="qr-text"):
                yield Static(title, markup=False, id="qr-title")
                yield Static("", markup=False, id="qr-too-small")
                yield Static(url, markup=False, id="qr-url")
                yield Static(REMINDER, markup=False, id="qr-reminder")
                if len(self.guides) > 1:
                    yield Static(
                        f"Guide {self.index + 1} of {len(self.guides)}: left and right arrows for the others.",
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
        self.fit()

    def on_resize(self) -> None:
        self.fit()

    def _text_rows(self, width: int) -> int:
        title, url = self.guides[self.index]
        rows = sum(math.ceil(len(t) / max(width, 1)) for t in (title, url, REMINDER))
        return rows + (1 if len(self.guides) > 1 else 0)

    def fit(self) -> None:
        """Choose the biggest layout that shows the whole code: stacked or side by side, at 2x or 1x."""
        width, height = self.app.size.width, self.app.size.height - 1  # the footer
        code = self.code
        layout = None
        for scale in (2, 1):
            cols, rows = code.size_at(scale)
            if cols <= width and rows + self._text_rows(width) <= height:
                layout = ("stacked", scale)
                break
            side_text = width - cols - 2
            if side_text >= 24 and rows <= height and self._text_rows(side_text) <= height:
                layout = ("side", scale)
                break
        too_small = self.query_one("#qr-too-small", Static)
        if layout is None:
            self.set_class(True, "-too-small")
            too_small.update(TOO_SMALL)
            return
        self.set_class(False, "-too-small")
        too_small.update("")
        self.set_class(layout[0] == "side", "-side")
        code.scale = layout[1]

    def action_move(self, step: int) -> None:
        self.app.switch_screen(QRScreen(self.guides, (self.index + step) % len(self.guides)))
