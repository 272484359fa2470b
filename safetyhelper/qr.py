"""QR code matrices for guide URLs (no Textual): one cached matrix per URL and error-correction level.

The matrix includes the 4-module quiet zone. Both the terminal view and the printed sheet draw from it: paper
always at level M (it gets smudged and folded), the screen at level L where that is what lets a code fit.
Also here, because the screen needs them and they need no Textual: where to break an address that is shown
as text, and whether this terminal can draw the half blocks a code is made of.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Mapping

QUIET_ZONE = 4

#: Error-correction levels used: M recovers about 15% damage (paper, and the screen where it fits), L about 7%.
LEVELS = ("M", "L")

#: Every code uses this one mask pattern instead of trying all eight and scoring each: trying them was most
#: of the cost of a sheet (~250 ms for 44 codes). Any of the eight masks makes a
#: valid code that any reader decodes; the scoring only avoids patterns that can confuse a weak reader.
#: Pattern 2 ((column % 3) == 0) scored best for 34 of the 51 shipped URLs at level M (27 of 51 at L) and
#: worst for none, and the tests decode every shipped URL, at both levels, from the matrix and the screen.
MASK_PATTERN = 2

Matrix = tuple[tuple[bool, ...], ...]


@lru_cache(maxsize=512)
def qr_matrix(data: str, level: str = "M") -> Matrix:
    """The modules of a QR code for ``data`` at error-correction ``level`` ("M" or "L"), quiet zone included.

    ``True`` is a dark module. The matrix is square; its side is 4 * version + 17 + 2 * QUIET_ZONE. The code
    is the smallest version that holds ``data`` as UTF-8, made by the ``qrcode`` library with mask pattern
    MASK_PATTERN (raises ValueError for data too long for any QR code).
    """
    import qrcode  # here, not at the top: starting the app draws no code
    from qrcode.constants import ERROR_CORRECT_L, ERROR_CORRECT_M
    from qrcode.exceptions import DataOverflowError

    correction = {"M": ERROR_CORRECT_M, "L": ERROR_CORRECT_L}[level]
    code = qrcode.QRCode(error_correction=correction, border=QUIET_ZONE, mask_pattern=MASK_PATTERN)
    code.add_data(data.encode("utf-8"))
    try:
        code.make(fit=True)
    except (DataOverflowError, ValueError):  # qrcode says "Invalid version (was 41...)" past version 40
        raise ValueError(f"{len(data.encode('utf-8'))} bytes is too long for any QR code") from None
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


_AFTER_SEPARATOR = re.compile(r"(?<=[/?])")
_AFTER_HYPHEN = re.compile(r"(?<=-)")


def split_address(url: str, width: int) -> list[str]:
    """``url`` as lines of at most ``width`` characters, for someone to read and type.

    Lines break only after a "/" or a "?", so no word of the address is cut. Only a part between two of
    those that is itself longer than ``width`` is broken further: after a "-" where it has one, and at
    ``width`` as a last resort. The lines joined together give ``url`` back exactly.
    """
    width = max(width, 1)
    pieces: list[str] = []
    for part in filter(None, _AFTER_SEPARATOR.split(url)):
        if len(part) <= width:
            pieces.append(part)
            continue
        for word in filter(None, _AFTER_HYPHEN.split(part)):
            pieces += [word[i : i + width] for i in range(0, len(word), width)]
    lines: list[str] = []
    for piece in pieces:
        if lines and len(lines[-1]) + len(piece) <= width:
            lines[-1] += piece
        else:
            lines.append(piece)
    return lines or [""]


#: What Python itself puts in LC_CTYPE when it starts in the C locale (PEP 538), which says nothing about the
#: terminal: the user's own setting is then in LANG (or nowhere).
_PYTHON_COERCED = {"C.UTF-8", "C.utf8", "UTF-8"}


def _says_utf8(value: str) -> bool:
    return "utf8" in value.lower().replace("-", "").replace("_", "")


def block_drawing_problem(
    environ: Mapping[str, str], *, utf8_mode: bool = False, output_encoding: str | None = "utf-8"
) -> str | None:
    """Why this terminal cannot show a QR code drawn with the half block ▀, or None when it can.

    The terminal's character set is what the locale says, as terminals and tmux read it: the first of
    LC_ALL, LC_CTYPE and LANG that is set. When that is not UTF-8 (LANG=C, POSIX, en_GB.ISO-8859-1, or no
    locale at all) the block arrives as something else, a "_" or "?" or bytes drawn as several characters,
    and the code cannot be scanned. Python started in the C locale sets LC_CTYPE=C.UTF-8 for itself and turns
    on its UTF-8 mode (``utf8_mode``, ``sys.flags.utf8_mode``); that LC_CTYPE is not the terminal's and is
    skipped. Textual writes its output through Python's ``sys.__stderr__`` with no check of its own, so an
    ``output_encoding`` that is not UTF-8 breaks the blocks too.

    The reason is a few words naming the setting, for example "this terminal's LANG=C is not UTF-8".
    """
    for name in ("LC_ALL", "LC_CTYPE", "LANG"):
        value = environ.get(name, "")
        if not value:
            continue
        if name == "LC_CTYPE" and utf8_mode and value in _PYTHON_COERCED:
            continue  # set by Python at start-up, not by the user
        if not _says_utf8(value):
            return f"this terminal's {name}={value} is not UTF-8"
        break
    else:
        return "this terminal has no LANG setting, so it is not UTF-8"
    if output_encoding and not _says_utf8(output_encoding):
        return f"this terminal's output is {output_encoding}, not UTF-8"
    return None
