"""Percentage charges on earlier lines: taxes and percentage surcharges."""

from __future__ import annotations

from decimal import Decimal

from tariffs.bill import Line
from tariffs.charges.context import Context, matches
from tariffs.schema.charges import TaxCharge

__all__ = ["price_tax"]


def price_tax(charge: TaxCharge, ctx: Context) -> list[Line]:
    """``percent`` of the sum of the (rounded) earlier lines it applies to."""
    base = sum((line.amount for line in ctx.lines if matches(line, charge.applies_to)), Decimal(0))
    rate = charge.percent / 100
    return [
        ctx.line(
            "tax",
            charge.code or "tax",
            charge.label or f"Tax {charge.percent} %",
            base,
            ctx.tariff.currency,
            rate,
            base * rate,
        )
    ]
