"""Text pieces every renderer shares: decimals as plain text, and aligned text tables."""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Container, Sequence
from decimal import Decimal

__all__ = ["align_table", "decimal_text", "display_width", "number", "signed_text"]


def number(value: Decimal | None) -> str | None:
    """A Decimal as plain text (never exponent notation), None as None.

    >>> number(Decimal("1E+2"))
    '100'
    """
    if value is None:
        return None
    return format(value, "f")


def decimal_text(value: Decimal | None) -> str:
    """A Decimal as plain text for a table or CSV cell; None as the empty cell.

    >>> decimal_text(Decimal("1E+2")), decimal_text(None)
    ('100', '')
    """
    return "" if value is None else format(value, "f")


def signed_text(value: Decimal | None) -> str:
    """Like `decimal_text`, with a ``+`` before a positive value (a change).

    >>> signed_text(Decimal("2.50")), signed_text(Decimal("-1")), signed_text(Decimal(0))
    ('+2.50', '-1', '0')
    """
    if value is None:
        return ""
    return ("+" if value > 0 else "") + format(value, "f")


def display_width(text: str) -> int:
    """Columns a text takes in a terminal.

    East Asian Wide and Fullwidth characters (CJK ideographs, fullwidth forms) take two
    columns; combining marks, which draw on the character before them, and the zero
    width format characters take none; every other character takes one (Unicode
    Standard Annex #11, East Asian Width: https://www.unicode.org/reports/tr11/). ASCII
    text is as wide as it is long.

    >>> display_width("峰 peak"), display_width("ｋＷｈ"), display_width("e\u0301")
    (7, 6, 1)
    """
    width = 0
    for char in text:
        if unicodedata.combining(char) or unicodedata.category(char) in ("Mn", "Me", "Cf"):
            continue
        width += 2 if unicodedata.east_asian_width(char) in "WF" else 1
    return width


def align_table(
    rows: Sequence[Sequence[str]],
    *,
    right: Container[int] = (),
    rules_after: Container[int] = (0,),
    width: Callable[[str], int] = display_width,
) -> list[str]:
    """Lay out rows as text lines: columns padded to one width, two spaces apart.

    Args:
        rows: The header row, then the data rows; every row has the same number of cells.
        right: Indexes of the columns aligned right (the others align left).
        rules_after: Indexes of the rows followed by a rule of dashes (default: the header).
        width: How many terminal columns a text takes (default `display_width`: a wide
            CJK character takes two, a combining mark none), so that the columns line up
            on a terminal whatever script the labels are in.

    Returns:
        One string per line, trailing spaces removed.

    >>> align_table([["tariff", "total"], ["flat", "9.50"], ["tou", "10.25"]], right=(1,))
    ['tariff  total', '------  -----', 'flat     9.50', 'tou     10.25']
    """
    widths = [max(width(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = []
    for n, row in enumerate(rows):
        cells = []
        for i, cell in enumerate(row):
            fill = " " * (widths[i] - width(cell))
            cells.append(fill + cell if i in right else cell + fill)
        lines.append("  ".join(cells).rstrip())
        if n in rules_after:
            lines.append("  ".join("-" * w for w in widths))
    return lines
