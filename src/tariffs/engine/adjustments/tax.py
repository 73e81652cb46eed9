"""Percentage charges on earlier lines: taxes and percentage surcharges."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from tariffs.engine.charges.context import Carried, Context, Priced, Reason, matches
from tariffs.model.bill import Line
from tariffs.model.charges import DiscountCharge, TaxCharge

__all__ = ["price_discount", "price_tax"]


def price_tax(charge: TaxCharge, ctx: Context, earlier: Sequence[Line], carried: Carried) -> Priced:
    """``percent`` of the sum of the (rounded) earlier lines it applies to."""
    base = sum((line.amount for line in earlier if matches(line, charge.applies_to)), Decimal(0))
    rate = charge.percent / 100
    line = ctx.line(
        "tax",
        charge.code or "tax",
        charge.label or f"Tax {charge.percent} %",
        base,
        ctx.tariff.currency,
        rate,
        base * rate,
    )
    if ctx.recorder is not None:
        _note(ctx, line, charge.applies_to, earlier, charge.percent)
    return Priced([line])


def _note(
    ctx: Context,
    line: Line,
    applies_to: list[str] | None,
    earlier: Sequence[Line],
    percent: Decimal,
) -> None:
    """Note the lines a percentage applies to (when a bill is explained)."""
    what = "every line" if applies_to is None else f"the lines {', '.join(applies_to)}"
    ctx.note(
        line,
        percent=percent,
        applies_to=applies_to,
        base_lines=[(item.code, item.amount) for item in earlier if matches(item, applies_to)],
        words=[
            Reason(
                f"{percent:f} % of the rounded amounts of {what} priced before it",
                "percent_of",
                percent=f"{percent:f}",
                lines=tuple(applies_to or ()),
                every=applies_to is None,
            )
        ],  # fmt: skip
    )


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
    line = ctx.line("discount", code, label, base, ctx.tariff.currency, rate, base * rate)
    if ctx.recorder is not None:
        _note(ctx, line, charge.applies_to, earlier, -charge.percent)
    return Priced([line])
