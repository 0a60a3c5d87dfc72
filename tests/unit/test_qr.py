"""The terminal QR code: read back from its half blocks, it is segno's symbol module for module,
with three finder patterns and a light quiet zone (no decoder is at hand to scan it)."""

from __future__ import annotations

import pytest
import segno

from selfcare_tui.core.qr import QUIET_ZONE, qr_lines, qr_text

LINK = (
    "http://127.0.0.1:45678/processor/checkout/PS18790b2c1d2e3f4a5b6c7d8e"
    "?token=Zk3v1q0cP9yWmH2aL8uT6rXbN4eJ7sD5fG1hK0lQwEo"
)
_TOP = {" ": False, "▀": True, "▄": False, "█": True}
_BOTTOM = {" ": False, "▀": False, "▄": True, "█": True}

FINDER = [
    [True] * 7,
    [True, False, False, False, False, False, True],
    [True, False, True, True, True, False, True],
    [True, False, True, True, True, False, True],
    [True, False, True, True, True, False, True],
    [True, False, False, False, False, False, True],
    [True] * 7,
]


def modules(lines: list[str]) -> list[list[bool]]:
    """Undo the half blocks: two rows of modules per line."""
    rows: list[list[bool]] = []
    for line in lines:
        rows.append([_TOP[c] for c in line])
        rows.append([_BOTTOM[c] for c in line])
    return rows


def symbol(data: str) -> list[list[bool]]:
    code = segno.make(data, error="l", boost_error=False, micro=False)
    return [[bool(m) for m in row] for row in code.matrix]


def block(rows: list[list[bool]], top: int, left: int, size: int = 7) -> list[list[bool]]:
    return [row[left : left + size] for row in rows[top : top + size]]


@pytest.mark.parametrize("data", ["INV100000036", LINK])
@pytest.mark.parametrize("border", [QUIET_ZONE, 4])
def test_the_text_is_the_symbol_with_its_quiet_zone(data: str, border: int) -> None:
    lines = qr_lines(data, border=border)
    inner = symbol(data)
    size = len(inner) + 2 * border

    assert {len(line) for line in lines} == {size}
    assert len(lines) == (size + 1) // 2  # two module rows a line
    assert set("".join(lines)) <= set(_TOP)

    rows = modules(lines)
    assert all(not any(row) for row in rows[size:])  # the padding row under an odd size
    rows = rows[:size]
    for index, row in enumerate(rows):
        inside = border <= index < border + len(inner)
        if not inside:
            assert not any(row), f"quiet zone row {index} has a dark module"
        else:
            assert not any(row[:border]) and not any(row[-border:])
            assert row[border:-border] == inner[index - border]


def test_finder_patterns_mark_three_corners() -> None:
    rows = modules(qr_lines(LINK))
    b = QUIET_ZONE
    n = len(symbol(LINK))
    assert block(rows, b, b) == FINDER
    assert block(rows, b, b + n - 7) == FINDER
    assert block(rows, b + n - 7, b) == FINDER
    assert block(rows, b + n - 7, b + n - 7) != FINDER  # the fourth corner has none


def test_a_payment_link_fits_beside_its_text_at_80x24() -> None:
    lines = qr_lines(LINK)
    assert len(lines) <= 23 and len(lines[0]) <= 46
    assert qr_text(LINK) == "\n".join(lines)
