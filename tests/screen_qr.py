"""Read QR codes back off the app's screen: rasterise a Textual SVG screenshot cell by cell and decode.

Each character cell becomes two pixels high (top half, bottom half): a ▀ cell's top half takes the text
colour and its bottom half the background colour, any other cell is its background colour. Then zxing-cpp,
a real decoder, reads the image.
"""

from __future__ import annotations

import html
import re

import zxingcpp
from PIL import Image

CELL_W = 12.2
CELL_H = 24.4
_CLASS_RE = re.compile(r"\.(terminal-(?:\d+-)?r\d+) \{ fill: (#[0-9a-f]{6})")
_RECT_RE = re.compile(
    r'<rect fill="(#[0-9a-f]{6})" x="([\d.]+)" y="([\d.]+)" width="([\d.]+)" height="[\d.]+" shape-rendering="crispEdges"/>'
)
_TEXT_RE = re.compile(r'<text class="(terminal-(?:\d+-)?r\d+)" x="([\d.]+)" y="([\d.]+)" textLength="[\d.]+"[^>]*>([^<]*)</text>')


def screen_cells(svg: str, width: int, height: int) -> list[list[tuple[str, str, str]]]:
    """(char, foreground, background) for every cell of the screenshot."""
    classes = dict(_CLASS_RE.findall(svg))
    cells = [[(" ", "#000000", "#000000") for _ in range(width)] for _ in range(height)]
    for fill, x, y, w in _RECT_RE.findall(svg):
        row = round((float(y) - 1.5) / CELL_H)
        start, end = round(float(x) / CELL_W), round((float(x) + float(w)) / CELL_W)
        if 0 <= row < height:
            for col in range(start, min(end, width)):
                ch, fg, _ = cells[row][col]
                cells[row][col] = (ch, fg, fill)
    for cls, x, y, text in _TEXT_RE.findall(svg):
        row = round((float(y) - 20) / CELL_H)
        col = round(float(x) / CELL_W)
        fg = classes.get(cls, "#000000")
        for i, ch in enumerate(html.unescape(text).replace("\xa0", " ")):
            if 0 <= row < height and 0 <= col + i < width:
                _, _, bg = cells[row][col + i]
                cells[row][col + i] = (ch, fg, bg)
    return cells


def screen_text(svg: str, width: int, height: int) -> str:
    return "\n".join("".join(c[0] for c in row).rstrip() for row in screen_cells(svg, width, height))


def _grey(colour: str) -> int:
    r, g, b = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return (r * 299 + g * 587 + b * 114) // 1000


def rasterise(svg: str, width: int, height: int, scale: int = 4) -> Image.Image:
    cells = screen_cells(svg, width, height)
    img = Image.new("L", (width, height * 2))
    px = img.load()
    for y, row in enumerate(cells):
        for x, (ch, fg, bg) in enumerate(row):
            top = fg if ch == "▀" else bg
            px[x, 2 * y] = _grey(top)
            px[x, 2 * y + 1] = _grey(bg)
    return img.resize((width * scale, height * 2 * scale), Image.NEAREST)


def decode_screen(svg: str, width: int, height: int) -> list[str]:
    return [r.text for r in zxingcpp.read_barcodes(rasterise(svg, width, height))]


def decode_matrix(matrix, scale: int = 4, *, qr_only: bool = False) -> list[str]:
    """Everything zxing-cpp reads in the matrix: any barcode format, or with ``qr_only`` only QR codes
    (as a phone's camera looking for a QR code would)."""
    side = len(matrix)
    img = Image.new("L", (side, side))
    img.putdata([0 if m else 255 for row in matrix for m in row])
    img = img.resize((side * scale, side * scale), Image.NEAREST)
    if qr_only:
        return [r.text for r in zxingcpp.read_barcodes(img, formats=zxingcpp.BarcodeFormat.QRCode)]
    return [r.text for r in zxingcpp.read_barcodes(img)]
