"""Demand charges as US tariffs write them.

Flat monthly, seasonal, time-of-use and tiered, with ratchets and a minimum billing demand.
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

from tariffs.engine.charges.context import Context, prorated
from tariffs.engine.charges.energy import tier_split
from tariffs.engine.measures import max_demand, within_windows
from tariffs.engine.schedule import Schedule, compile_demand_schedule
from tariffs.engine.usage import Usage, aggregate
from tariffs.errors import ReadingsError
from tariffs.model.bill import Line
from tariffs.model.charges import DemandCharge
from tariffs.model.common import window_spans

__all__ = ["billing_demand", "price_demand", "ratchet_floor"]

_HUNDRED = Decimal(100)


def ratchet_floor(charge: DemandCharge, ctx: Context) -> Decimal:
    """The least billing demand the ratchet and ``minimum_kw`` allow [kW]."""
    floor = charge.minimum_kw or Decimal(0)
    ratchet = charge.ratchet
    if ratchet is None:
        return floor
    year, month = ctx.period_start.year, ctx.period_start.month
    highest = Decimal(0)
    for back in range(1, ratchet.lookback_months + 1):
        index = year * 12 + month - 1 - back
        key = (index // 12, index % 12 + 1)
        if ratchet.months is not None and key[1] not in ratchet.months:
            continue
        # This charge's own measured demand of earlier bills in the run, else the
        # account's history of earlier months.
        earlier = ctx.carried.get(_history_key(charge, *key))
        if earlier is None:
            earlier = ctx.demand_history_kw.get(key, Decimal(0))
        highest = max(highest, earlier)
    return max(floor, highest * ratchet.percent / _HUNDRED)


def _history_key(charge: DemandCharge, year: int, month: int) -> str:
    return f"demand:{charge.code or 'demand'}:{year:04d}-{month:02d}"


def billing_demand(charge: DemandCharge, ctx: Context, measured_kw: Decimal) -> Decimal:
    """Billing demand: the measured maximum, raised to the ratchet and minimum [kW]."""
    return max(measured_kw, ratchet_floor(charge, ctx))


def price_demand(charge: DemandCharge, ctx: Context) -> list[Line]:
    """Price a demand charge of one segment (per-month prices × the segment's month share)."""
    if charge.months is not None and ctx.period_start.month not in charge.months:
        return []
    code = charge.code or "demand"
    label = charge.label or "Demand"
    window = ctx.version.demand_window
    usages = ctx.bill_usages or [ctx.usage]
    share = ctx.month_fraction
    lines: list[Line] = []
    if charge.prices is not None:
        schedule, usages = _demand_usages(ctx)
        if schedule.granularity_minutes % window.minutes:
            raise ReadingsError(
                f"tariff {ctx.tariff.id}: {window.minutes}-minute demand windows do not fit "
                "its period boundaries; time-of-use demand cannot be measured exactly",
                file=ctx.tariff.source,
            )
        names = schedule.period_names
        for period, spec in charge.prices.items():
            demand_kw = max_demand(
                usages, window.minutes, sliding=window.sliding,
                periods={names.index(period)}, tariff_id=ctx.tariff.id,
            )  # fmt: skip
            prices = spec if isinstance(spec, list) else [spec]
            lines.extend(_tiered(charge, ctx, f"{code}.{period}",
                                 f"{period.replace('_', ' ').capitalize()} demand", demand_kw,
                                 demand_kw, prices, share))  # fmt: skip
        return lines
    if charge.hours is not None:
        spans = window_spans(charge.hours)
        usages = [within_windows(usage, spans) for usage in usages]
    measured = max_demand(usages, window.minutes, sliding=window.sliding, tariff_id=ctx.tariff.id)
    billed = billing_demand(charge, ctx, measured)
    if charge.ratchet is not None and ctx.last_segment:
        key = _history_key(charge, ctx.period_start.year, ctx.period_start.month)
        ctx.carried[key] = max(ctx.carried.get(key, measured), measured)
    flat = charge.price_per_kw
    assert flat is not None  # noqa: S101 - the schema requires price_per_kw without prices
    prices = flat if isinstance(flat, list) else [flat]
    return _tiered(charge, ctx, code, label, billed, measured, prices, share)


def _demand_usages(ctx: Context) -> tuple[Schedule, list[Usage]]:
    """The schedule demand periods follow, and the bill's usage classified by it."""
    version = ctx.version
    usages = ctx.bill_usages or [ctx.usage]
    if not version.demand_periods:
        return ctx.schedule, usages
    schedule = compile_demand_schedule(version, ctx.tariff.source)
    classified = []
    for usage in usages:
        if usage.first == usage.last:
            continue
        starts = usage.readings.starts
        classified.append(
            aggregate(usage.readings, schedule, ctx.tariff.timezone, starts[usage.first],
                      starts[usage.last - 1] + 1)
        )  # fmt: skip
    return schedule, classified


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
