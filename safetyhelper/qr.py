"""QR code matrices for guide URLs (no Textual): one cached matrix per URL.

The matrix includes the 4-module quiet zone. Both the terminal view and the printed sheet draw from it.
"""

from __future__ import annotations

from functools import lru_cache

import qrcode
from qrcode.constants import ERROR_CORRECT_M

QUIET_ZONE = 4

Matrix = tuple[tuple[bool, ...], ...]


@lru_cache(maxsize=512)
def qr_matrix(data: str) -> Matrix:
    """The modules of a QR code for ``data`` at error-correction level M, quiet zone included.

    ``True`` is a dark module. The matrix is square; its side is 4 * version + 17 + 2 * QUIET_ZONE.
    """
    code = qrcode.QRCode(error_correction=ERROR_CORRECT_M, border=QUIET_ZONE)
    code.add_data(data.encode("utf-8"))
    code.make(fit=True)
    return tuple(tuple(bool(m) for m in row) for row in code.get_matrix())


def terminal_size(matrix: Matrix, scale: int = 1) -> tuple[int, int]:
    """Columns and rows a matrix needs drawn with half blocks at ``scale`` cells per module across."""
    side = len(matrix) * scale
    return side, (side + 1) // 2


def half_block_rows(matrix: Matrix, scale: int = 1) -> list[list[tuple[bool, bool]]]:
    """Pairs of (top, bottom) modules per character cell: each cell is the upper half block ▀ drawn with
    the top module as foreground and the bottom module as background. ``scale`` repeats each module
    ``scale`` times across and down."""
    rows = [tuple(m for m in row for _ in range(scale)) for row in matrix for _ in range(scale)]
    if len(rows) % 2:
        rows.append(tuple(False for _ in rows[0]))  # light padding: it is quiet zone anyway
    return [list(zip(rows[y], rows[y + 1])) for y in range(0, len(rows), 2)]
