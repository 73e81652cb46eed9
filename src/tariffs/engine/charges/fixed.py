"""Fixed charges: per bill, per day of service, per month (prorated)."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from fractions import Fraction

from tariffs.engine.charges.context import Carried, Context, Priced, Reason, decimal_or_rounded
from tariffs.model.bill import Line
from tariffs.model.charges import FixedCharge

__all__ = ["per_unit", "price_fixed"]

_NOTHING = Priced()


def per_unit(per: str, ctx: Context) -> tuple[Fraction, str] | None:
    """How many units of ``per`` this segment bills, exactly, and the unit's name.

    None for ``bill`` in a segment after the first (a per-bill amount is billed once).
    """
    if per == "bill":
        return (Fraction(1), "bill") if ctx.first_segment else None
    if per == "day":
        return Fraction(ctx.segment_days), "day"
    return ctx.month_fraction, "month"


def price_fixed(
    charge: FixedCharge, ctx: Context, earlier: Sequence[Line], carried: Carried
) -> Priced:
    """A fixed amount, prorated for per-month charges in a partial period."""
    units = per_unit(charge.per, ctx)
    if units is None:
        return _NOTHING
    count, unit = units
    if count.denominator == 1:  # whole units (the usual bill): exact in Decimal already
        quantity = Decimal(count.numerator)
        exact: Decimal | Fraction = charge.amount * quantity
    else:
        quantity = decimal_or_rounded(count)
        exact = Fraction(charge.amount) * count
    line = ctx.line(
        "fixed", charge.code or "fixed", charge.label or "Fixed charge", quantity, unit,
        charge.amount, exact,
    )  # fmt: skip
    if ctx.recorder is not None:
        words = [
            Reason(
                f"{charge.amount:f} per {charge.per}",
                "fixed_per",
                amount=f"{charge.amount:f}",
                per=charge.per,
            )
        ]
        if charge.per == "month" and count != 1:
            days, of = ctx.segment_days, (ctx.period_end - ctx.period_start).days
            base = "30" if ctx.tariff.proration == "days_over_30" else f"{of}"
            words.append(
                Reason(
                    f"prorated: {count} of a month ({days} of {base} days)",
                    "fixed_prorated",
                    share=f"{count}",
                    days=str(days),
                    of=base,
                )
            )
        elif charge.per == "day":
            words.append(Reason(f"{ctx.segment_days} days of service", "fixed_days",
                                days=str(ctx.segment_days)))  # fmt: skip
        ctx.note(line, per=charge.per, count=count, words=words)
    return Priced([line])
