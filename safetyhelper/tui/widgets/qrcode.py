"""A QR code drawn with half blocks: ▀ with the top module as foreground and the bottom module as
background, always black on white whatever the theme (the one place colours are fixed)."""

from __future__ import annotations

from rich.segment import Segment
from rich.style import Style
from textual.geometry import Size
from textual.strip import Strip
from textual.widget import Widget

from safetyhelper.qr import half_block_rows, qr_matrix, terminal_size

DARK = "#000000"
LIGHT = "#ffffff"
_STYLES = {
    (top, bottom): Style(color=DARK if top else LIGHT, bgcolor=DARK if bottom else LIGHT)
    for top in (True, False)
    for bottom in (True, False)
}


class QRCode(Widget):
    """Draws the QR code of ``data`` at an error-correction level and a whole-number scale; never wraps or
    clips. Level M unless the screen chooses L to make the code fit (see QRScreen.fit)."""

    DEFAULT_CSS = """
    QRCode { width: auto; height: auto; }
    """

    def __init__(self, data: str, *, scale: int = 1, level: str = "M", id: str | None = None) -> None:
        super().__init__(id=id)
        self.data = data
        self._level = level
        self.matrix = qr_matrix(data, level)
        self._scale = scale
        self._strips: list[Strip] = []
        self._build()

    @property
    def scale(self) -> int:
        return self._scale

    @property
    def level(self) -> str:
        return self._level

    def show_at(self, level: str, scale: int) -> None:
        """Draw at error-correction ``level`` and ``scale`` from now on."""
        if (level, scale) != (self._level, self._scale):
            self._level, self._scale = level, scale
            self.matrix = qr_matrix(self.data, level)
            self._build()
            self.refresh(layout=True)

    def size_at(self, scale: int, level: str | None = None) -> Size:
        matrix = self.matrix if level in (None, self._level) else qr_matrix(self.data, level)
        return Size(*terminal_size(matrix, scale))

    def _build(self) -> None:
        strips = []
        for row in half_block_rows(self.matrix, self._scale):
            segments = []
            # Merge runs of the same pair into one segment: fewer segments, same cells.
            run_pair, run_len = row[0], 0
            for pair in row:
                if pair == run_pair:
                    run_len += 1
                else:
                    segments.append(Segment("▀" * run_len, _STYLES[run_pair]))
                    run_pair, run_len = pair, 1
            segments.append(Segment("▀" * run_len, _STYLES[run_pair]))
            strips.append(Strip(segments, len(row)))
        self._strips = strips

    def get_content_width(self, container: Size, viewport: Size) -> int:
        return self.size_at(self._scale).width

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return self.size_at(self._scale).height

    def render_line(self, y: int) -> Strip:
        if 0 <= y < len(self._strips):
            return self._strips[y]
        return Strip.blank(self.size.width)
