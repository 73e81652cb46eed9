"""Demand charges as US tariffs write them.

Flat monthly, seasonal, time-of-use and tiered, with ratchets and a minimum billing demand.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from decimal import Decimal
from fractions import Fraction

from tariffs.engine.charges.context import Carried, Context, Priced, Setting, prorated
from tariffs.engine.charges.energy import tier_split
from tariffs.engine.coincident import peaks_in_bill
from tariffs.engine.measures import MaxDemand
from tariffs.engine.schedule import compile_demand_schedule
from tariffs.errors import ReadingsError
from tariffs.model.bill import Line
from tariffs.model.charges import DemandCharge
from tariffs.model.common import window_spans

__all__ = ["billing_demand", "needs", "price_demand", "ratchet_floor"]

_HUNDRED = Decimal(100)


def needs(charge: DemandCharge, setting: Setting) -> tuple[MaxDemand, ...]:
    """The bill's maximum demand: per priced period, within declared hours, or overall.

    Raises:
        ReadingsError: The demand window does not fit the period boundaries.
    """
    if charge.months is not None and setting.period_start.month not in charge.months:
        return ()
    return tuple(_measures(charge, setting).values())


def _measures(charge: DemandCharge, setting: Setting | Context) -> dict[str, MaxDemand]:
    """Each measure of the charge, by period name (``""``: the charge as a whole)."""
    window = setting.version.demand_window
    if charge.prices is not None:
        version = setting.version
        schedule = (
            compile_demand_schedule(version, setting.tariff.source)
            if version.demand_periods
            else setting.schedule
        )
        if schedule.granularity_minutes % window.minutes:
            raise ReadingsError(
                f"tariff {setting.tariff.id}: {window.minutes}-minute demand windows do not "
                "fit its period boundaries; time-of-use demand cannot be measured exactly",
                file=setting.tariff.source,
            )
        names = schedule.period_names
        by_schedule = schedule if version.demand_periods else None
        return {
            period: MaxDemand(window.minutes, window.sliding,
                              frozenset({names.index(period)}), None, by_schedule)
            for period in charge.prices
        }  # fmt: skip
    hours = None if charge.hours is None else tuple(window_spans(charge.hours))
    if charge.measured_at == "coincident_peaks":
        assert setting.period_end is not None  # noqa: S101 - bills know their end
        at = peaks_in_bill(
            setting.coincident_peaks, setting.period_start, setting.period_end,
            charge.code or "demand", setting.tariff.id, setting.tariff.source, hours,
        )  # fmt: skip
        return {"": MaxDemand(window.minutes, window.sliding, at=at)}
    return {"": MaxDemand(window.minutes, window.sliding, None, hours)}


def ratchet_floor(charge: DemandCharge, ctx: Context, carried: Carried) -> Decimal:
    """The least billing demand the ratchet and ``minimum_kw`` allow [kW]."""
    floor = charge.minimum_kw or Decimal(0)
    ratchet = charge.ratchet
    if ratchet is None:
        return floor
    year, month = ctx.period_start.year, ctx.period_start.month
    code = charge.code or "demand"
    highest = Decimal(0)
    for back in range(1, ratchet.lookback_months + 1):
        index = year * 12 + month - 1 - back
        key = (index // 12, index % 12 + 1)
        if ratchet.months is not None and key[1] not in ratchet.months:
            continue
        # This charge's own measured demand of earlier bills in the run, else the
        # account's history of earlier months.
        earlier = carried.demand_kw.get((code, *key))
        if earlier is None:
            earlier = ctx.demand_history_kw.get(key, Decimal(0))
        highest = max(highest, earlier)
    return max(floor, highest * ratchet.percent / _HUNDRED)


def billing_demand(
    charge: DemandCharge, ctx: Context, carried: Carried, measured_kw: Decimal
) -> Decimal:
    """Billing demand: the measured maximum, raised to the ratchet and minimum [kW]."""
    return max(measured_kw, ratchet_floor(charge, ctx, carried))


def price_demand(
    charge: DemandCharge, ctx: Context, earlier: Sequence[Line], carried: Carried
) -> Priced:
    """Price a demand charge of one segment (per-month prices × the segment's month share)."""
    if charge.months is not None and ctx.period_start.month not in charge.months:
        return Priced()
    code = charge.code or "demand"
    label = charge.label or "Demand"
    share = ctx.month_fraction
    measures = _measures(charge, ctx)
    lines: list[Line] = []
    if charge.prices is not None:
        for period, spec in charge.prices.items():
            demand_kw = ctx.demand_kw(measures[period])
            prices = spec if isinstance(spec, list) else [spec]
            lines.extend(_tiered(charge, ctx, f"{code}.{period}",
                                 f"{period.replace('_', ' ').capitalize()} demand", demand_kw,
                                 demand_kw, prices, share))  # fmt: skip
        return Priced(lines)
    measured = ctx.demand_kw(measures[""])
    billed = billing_demand(charge, ctx, carried, measured)
    new_carried = None
    if charge.ratchet is not None and ctx.last_segment:
        key = (code, ctx.period_start.year, ctx.period_start.month)
        kept = max(carried.demand_kw.get(key, measured), measured)
        new_carried = replace(carried, demand_kw={**carried.demand_kw, key: kept})
    flat = charge.price_per_kw
    assert flat is not None  # noqa: S101 - the schema requires price_per_kw without prices
    prices = flat if isinstance(flat, list) else [flat]
    return Priced(
        _tiered(charge, ctx, code, label, billed, measured, prices, share), carried=new_carried
    )


def _tiered(
    charge: DemandCharge,
    ctx: Context,
    code: str,
    label: str,
    billed: Decimal,
    measured: Decimal,
    prices: list[Decimal],
    share: Fraction,
) -> list[Line]:
    note = "" if billed == measured else f" (billing demand; measured {measured} kW)"
    partial = "" if share == 1 else f" (× {share} of a month)"
    if not charge.tiers_kw:
        return [
            ctx.line("demand", code, f"{label}{note}{partial}", billed, "kW", prices[0],
                     prorated(billed * prices[0], share))
        ]  # fmt: skip
    lines = []
    for tier, quantity in enumerate(tier_split(Decimal(0), billed, charge.tiers_kw), start=1):
        if quantity or tier == 1:
            rate = prices[tier - 1]
            lines.append(
                ctx.line("demand", f"{code}.tier{tier}", f"{label}, tier {tier}{note}{partial}",
                         quantity, "kW", rate, prorated(quantity * rate, share))
            )  # fmt: skip
    return lines
