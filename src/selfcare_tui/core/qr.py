"""A QR code as lines of terminal text, so a phone can take a payment link off the screen.

Two module rows share one text row (upper and lower half blocks), so the code is half as tall
as it is wide and a payment link fits beside its text at 80x24. A dark module is drawn with a
block character and a light one is left blank: on the terminal's default background (NO_COLOR)
the code reads as printed, and a screen that may use colour sets dark on light explicitly.
No Textual here: anything that prints text can show it.
"""

from __future__ import annotations

import segno

QUIET_ZONE = 2
"""Light modules around the code. The standard asks for 4; phone cameras read 2 reliably, and
4 would make a payment link's code too tall for a 24-line terminal."""

_HALVES = {
    (False, False): " ",
    (True, False): "▀",
    (False, True): "▄",
    (True, True): "█",
}


def qr_matrix(data: str, *, border: int = QUIET_ZONE) -> list[list[bool]]:
    """Rows of modules, True for dark, with `border` light modules on every side.

    Low error correction keeps the code small: a screen does not get smudged like paper.
    """
    code = segno.make(data, error="l", boost_error=False, micro=False)
    return [[bool(module) for module in row] for row in code.matrix_iter(border=border)]


def qr_lines(data: str, *, border: int = QUIET_ZONE) -> list[str]:
    """The code as text, one line per two module rows; all lines have the same length."""
    matrix = qr_matrix(data, border=border)
    if len(matrix) % 2:
        matrix.append([False] * len(matrix[0]))
    return [
        "".join(_HALVES[top, bottom] for top, bottom in zip(upper, lower, strict=True))
        for upper, lower in zip(matrix[::2], matrix[1::2], strict=True)
    ]


def qr_text(data: str, *, border: int = QUIET_ZONE) -> str:
    return "\n".join(qr_lines(data, border=border))
