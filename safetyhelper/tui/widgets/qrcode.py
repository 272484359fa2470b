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
    """Draws the QR code of ``data`` at a whole-number scale; never wraps or clips."""

    DEFAULT_CSS = """
    QRCode { width: auto; height: auto; }
    """

    def __init__(self, data: str, *, scale: int = 1, id: str | None = None) -> None:
        super().__init__(id=id)
        self.data = data
        self.matrix = qr_matrix(data)
        self._scale = scale
        self._strips: list[Strip] = []
        self._build()

    @property
    def scale(self) -> int:
        return self._scale

    @scale.setter
    def scale(self, value: int) -> None:
        if value != self._scale:
            self._scale = value
            self._build()
            self.refresh(layout=True)

    def size_at(self, scale: int) -> Size:
        return Size(*terminal_size(self.matrix, scale))

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
