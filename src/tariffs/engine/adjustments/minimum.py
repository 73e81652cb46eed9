"""Minimum bills."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import replace
from decimal import Decimal
from fractions import Fraction

from tariffs.engine.charges.context import Carried, Context, Priced, Reason, matches
from tariffs.engine.charges.fixed import per_unit
from tariffs.model.bill import Line
from tariffs.model.charges import MinimumCharge

__all__ = ["price_minimum"]


def price_minimum(
    charge: MinimumCharge, ctx: Context, earlier: Sequence[Line], carried: Carried
) -> Priced:
    """Make up the difference when the lines it applies to sum to less than the minimum."""
    if charge.per == "year":
        return _annual(charge, ctx, earlier, carried)
    units = per_unit(charge.per, ctx)
    if units is None:
        return Priced()
    count, _ = units
    minimum = ctx.amount(Fraction(charge.amount) * count)
    base = sum((line.amount for line in earlier if matches(line, charge.applies_to)), Decimal(0))
    if base >= minimum:
        return Priced()
    line = ctx.line(
        "minimum",
        charge.code or "minimum",
        charge.label or f"Minimum bill {minimum}",
        None,
        None,
        None,
        minimum - base,
    )
    if ctx.recorder is not None:
        ctx.note(
            line, minimum=minimum,
            base_lines=[(item.code, item.amount) for item in earlier
                        if matches(item, charge.applies_to)],
            words=[Reason(f"minimum {minimum:f} ({charge.amount:f} per {charge.per} × {count}) "
                          f"less the base {base:f} = {minimum - base:f} made up", "minimum",
                          minimum=f"{minimum:f}", amount=f"{charge.amount:f}", per=charge.per,
                          count=f"{count}", base=f"{base:f}", made_up=f"{minimum - base:f}")],
        )  # fmt: skip
    return Priced([line])


def _annual(
    charge: MinimumCharge, ctx: Context, earlier: Sequence[Line], carried: Carried
) -> Priced:
    """Add up the lines of the bills that start in a year; bill the shortfall on the last.

    The last bill of a year is the one whose period reaches January 1 of the next year. A
    run that ends before then has no annual minimum line. The year so far is carried
    from bill to bill (`Carried.minimum`).
    """
    code = charge.code or "minimum"
    year = ctx.period_start.year
    base = sum((line.amount for line in earlier if matches(line, charge.applies_to)), Decimal(0))
    amount, days = carried.minimum.get((code, year), (Decimal(0), 0))
    amount, days = amount + base, days + ctx.segment_days
    carried = replace(carried, minimum={**carried.minimum, (code, year): (amount, days)})
    if not ctx.last_segment or ctx.period_end < dt.date(year + 1, 1, 1):
        return Priced(carried=carried)
    days_in_year = (dt.date(year + 1, 1, 1) - dt.date(year, 1, 1)).days
    minimum = ctx.amount(Fraction(charge.amount) * Fraction(min(days, days_in_year), days_in_year))
    if amount >= minimum:
        return Priced(carried=carried)
    line = ctx.line("minimum", code, charge.label or f"Annual minimum {minimum} ({year})",
                    None, None, None, minimum - amount)  # fmt: skip
    if ctx.recorder is not None:
        ctx.note(line, minimum=minimum, year_amount=amount, days=days,
                 words=[Reason(f"annual minimum {minimum:f} ({charge.amount:f} × "
                               f"{min(days, days_in_year)} of {days_in_year} days) less the "
                               f"{amount:f} billed in {year} = {minimum - amount:f} made up",
                               "annual_minimum", minimum=f"{minimum:f}",
                               amount=f"{charge.amount:f}", days=str(min(days, days_in_year)),
                               year_days=str(days_in_year), billed=f"{amount:f}",
                               year=str(year), made_up=f"{minimum - amount:f}")])  # fmt: skip
    return Priced([line], carried=carried)
