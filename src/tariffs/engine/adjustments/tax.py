"""Percentage charges on earlier lines: taxes and percentage surcharges."""

from __future__ import annotations

from decimal import Decimal

from tariffs.engine.charges.context import Context, matches
from tariffs.model.bill import Line
from tariffs.model.charges import DiscountCharge, TaxCharge

__all__ = ["price_discount", "price_tax"]


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


def price_discount(charge: DiscountCharge, ctx: Context) -> list[Line]:
    """``percent`` off the sum of the (rounded) earlier lines it applies to, as a negative line."""
    if charge.months is not None and ctx.period_start.month not in charge.months:
        return []
    base = sum((line.amount for line in ctx.lines if matches(line, charge.applies_to)), Decimal(0))
    rate = -charge.percent / 100
    label = charge.label or f"Discount {charge.percent} %"
    code = charge.code or "discount"
    return [ctx.line("discount", code, label, base, ctx.tariff.currency, rate, base * rate)]
