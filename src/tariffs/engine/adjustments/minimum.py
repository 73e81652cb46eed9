"""Minimum bills."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from fractions import Fraction

from tariffs.engine.charges.context import Context, matches
from tariffs.engine.charges.fixed import per_unit
from tariffs.model.bill import Line
from tariffs.model.charges import MinimumCharge

__all__ = ["price_minimum"]


def price_minimum(charge: MinimumCharge, ctx: Context) -> list[Line]:
    """Make up the difference when the lines it applies to sum to less than the minimum."""
    if charge.per == "year":
        return _annual(charge, ctx)
    units = per_unit(charge.per, ctx)
    if units is None:
        return []
    count, _ = units
    minimum = ctx.amount(Fraction(charge.amount) * count)
    base = sum((line.amount for line in ctx.lines if matches(line, charge.applies_to)), Decimal(0))
    if base >= minimum:
        return []
    return [
        ctx.line(
            "minimum",
            charge.code or "minimum",
            charge.label or f"Minimum bill {minimum}",
            None,
            None,
            None,
            minimum - base,
        )
    ]


def _annual(charge: MinimumCharge, ctx: Context) -> list[Line]:
    """Add up the lines of the bills that start in a year; bill the shortfall on the last.

    The last bill of a year is the one whose period reaches January 1 of the next year. A
    run that ends before then has no annual minimum line.
    """
    code = charge.code or "minimum"
    year = ctx.period_start.year
    key = f"minimum:{code}:{year}"
    base = sum((line.amount for line in ctx.lines if matches(line, charge.applies_to)), Decimal(0))
    ctx.carried[key] = ctx.carried.get(key, Decimal(0)) + base
    ctx.carried[key + ":days"] = ctx.carried.get(key + ":days", Decimal(0)) + ctx.segment_days
    if not ctx.last_segment or ctx.period_end < dt.date(year + 1, 1, 1):
        return []
    days_in_year = (dt.date(year + 1, 1, 1) - dt.date(year, 1, 1)).days
    days = min(ctx.carried[key + ":days"], Decimal(days_in_year))
    minimum = ctx.amount(Fraction(charge.amount) * Fraction(int(days), days_in_year))
    total = ctx.carried[key]
    if total >= minimum:
        return []
    return [
        ctx.line("minimum", code, charge.label or f"Annual minimum {minimum} ({year})",
                 None, None, None, minimum - total)
    ]  # fmt: skip
