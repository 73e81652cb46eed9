"""Minimum bills."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

from tariffs.bill import Line
from tariffs.charges.context import Context, matches
from tariffs.charges.fixed import per_unit
from tariffs.schema.charges import MinimumCharge

__all__ = ["price_minimum"]


def price_minimum(charge: MinimumCharge, ctx: Context) -> list[Line]:
    """Make up the difference when the lines it applies to sum to less than the minimum."""
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
