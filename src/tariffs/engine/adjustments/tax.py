"""Percentage charges on earlier lines: taxes and percentage surcharges."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from tariffs.engine.charges.context import Carried, Context, Priced, matches
from tariffs.model.bill import Line
from tariffs.model.charges import DiscountCharge, TaxCharge

__all__ = ["price_discount", "price_tax"]


def price_tax(charge: TaxCharge, ctx: Context, earlier: Sequence[Line], carried: Carried) -> Priced:
    """``percent`` of the sum of the (rounded) earlier lines it applies to."""
    base = sum((line.amount for line in earlier if matches(line, charge.applies_to)), Decimal(0))
    rate = charge.percent / 100
    return Priced([
        ctx.line(
            "tax",
            charge.code or "tax",
            charge.label or f"Tax {charge.percent} %",
            base,
            ctx.tariff.currency,
            rate,
            base * rate,
        )
    ])  # fmt: skip


def price_discount(
    charge: DiscountCharge, ctx: Context, earlier: Sequence[Line], carried: Carried
) -> Priced:
    """``percent`` off the sum of the (rounded) earlier lines it applies to, as a negative line."""
    if charge.months is not None and ctx.period_start.month not in charge.months:
        return Priced()
    base = sum((line.amount for line in earlier if matches(line, charge.applies_to)), Decimal(0))
    rate = -charge.percent / 100
    label = charge.label or f"Discount {charge.percent} %"
    code = charge.code or "discount"
    return Priced([ctx.line("discount", code, label, base, ctx.tariff.currency, rate, base * rate)])
