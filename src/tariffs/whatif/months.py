"""When and where costs arise: bills split into cost segments, revenue summed by month.

A *segment* of a bill is one part of its total: the energy cost of each time-of-use
period (the line code of the energy charge without its tier, such as ``energy.peak`` or
``energy.summer.valley``; ``energy`` for a flat price), then every other line kind
(``fixed``, ``demand``, ``capacity``, ``tax``, ...) as one segment each. The segments of
a bill add up to its total exactly: every line is in exactly one segment.

A *month* of a portfolio is the calendar month in which a bill's period starts: a bill
from 15 July to 15 August counts in July. Both tariffs are summed alike, bill by bill, so
the months of each add up to its total exactly.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from decimal import Decimal

from tariffs.model.bill import Bill
from tariffs.whatif.compare import LINE_KINDS

__all__ = ["bill_segments", "month_of", "months_of_bills", "segment_names", "sum_months"]

_TIER = re.compile(r"tier[0-9]+", re.ASCII)


def _segment(kind: str, code: str) -> str:
    """The segment of a line: the energy line's code without tiers, else the line kind.

    >>> _segment("energy", "energy.peak.tier2"), _segment("tax", "tax.vat")
    ('energy.peak', 'tax')
    """
    if kind != "energy":
        return kind
    return ".".join(part for part in code.split(".") if not _TIER.fullmatch(part)) or kind


def bill_segments(bill: Bill) -> dict[str, Decimal]:
    """The bill's total split into segments [currency], in the order the lines come.

    Every line is in one segment, so the values add up to ``bill.total``.
    """
    segments: dict[str, Decimal] = {}
    for line in bill.lines:
        name = _segment(line.kind, line.code)
        segments[name] = segments.get(name, Decimal(0)) + line.amount
    return segments


def segment_names(bills: Iterable[Bill]) -> list[str]:
    """The segments of some bills in report order: energy ones first, then line kinds.

    The energy segments come in the order they are first met; the other kinds in the
    order of `tariffs.whatif.compare.LINE_KINDS`, unknown kinds last by name.
    """
    energy: list[str] = []
    kinds: set[str] = set()
    for bill in bills:
        for line in bill.lines:
            name = _segment(line.kind, line.code)
            if line.kind == "energy":
                if name not in energy:
                    energy.append(name)
            else:
                kinds.add(name)
    ordered = [kind for kind in LINE_KINDS if kind in kinds]
    return energy + ordered + sorted(kinds - set(ordered))


def month_of(day: dt.date) -> dt.date:
    """The first day of the month of ``day``.

    >>> month_of(dt.date(2025, 7, 15))
    datetime.date(2025, 7, 1)
    """
    return day.replace(day=1)


def months_of_bills(bills: Iterable[Bill]) -> dict[dt.date, Decimal]:
    """The bills' totals summed by the month their periods start in, in month order."""
    months: dict[dt.date, Decimal] = {}
    for bill in bills:
        month = month_of(bill.period_start)
        months[month] = months.get(month, Decimal(0)) + bill.total
    return dict(sorted(months.items()))


def sum_months(
    months: Iterable[Sequence[tuple[dt.date, Decimal, Decimal]]],
) -> list[tuple[dt.date, Decimal, Decimal]]:
    """Add up (month, current, proposed) entries of many accounts, in month order."""
    totals: dict[dt.date, list[Decimal]] = {}
    for entries in months:
        for month, current, proposed in entries:
            found = totals.setdefault(month, [Decimal(0), Decimal(0)])
            found[0] += current
            found[1] += proposed
    return [(month, now, new) for month, (now, new) in sorted(totals.items())]
