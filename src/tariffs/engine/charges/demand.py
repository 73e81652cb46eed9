"""Demand charges as US tariffs write them.

Flat monthly, seasonal, time-of-use and tiered, with ratchets and a minimum billing demand.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from decimal import Decimal
from fractions import Fraction

from tariffs.engine.charges.context import Carried, Context, Priced, Reason, Setting, prorated
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
    return max(floor, _highest_earlier(charge, ctx, carried) * ratchet.percent / _HUNDRED)


def _highest_earlier(charge: DemandCharge, ctx: Context, carried: Carried) -> Decimal:
    """The highest demand of the ratchet's look-back months [kW]."""
    ratchet = charge.ratchet
    assert ratchet is not None  # noqa: S101 - the caller checked
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
    return highest


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
            priced = _tiered(charge, ctx, f"{code}.{period}",
                             f"{period.replace('_', ' ').capitalize()} demand", demand_kw,
                             demand_kw, prices, share)  # fmt: skip
            if ctx.recorder is not None:
                _note(charge, ctx, carried, priced, measures[period], demand_kw, demand_kw)
            lines.extend(priced)
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
    lines = _tiered(charge, ctx, code, label, billed, measured, prices, share)
    if ctx.recorder is not None:
        _note(charge, ctx, carried, lines, measures[""], measured, billed)
    return Priced(lines, carried=new_carried)


def _note(
    charge: DemandCharge,
    ctx: Context,
    carried: Carried,
    lines: list[Line],
    measure: MaxDemand,
    measured: Decimal,
    billed: Decimal,
) -> None:
    """Note what a demand charge's lines were priced from (when a bill is explained)."""
    words: list[Reason] = []
    ratchet: dict[str, object] | None = None
    if charge.ratchet is not None:
        floor = ratchet_floor(charge, ctx, carried)
        highest = _highest_earlier(charge, ctx, carried)
        ratcheted = highest * charge.ratchet.percent / _HUNDRED
        ratchet = {
            "percent": charge.ratchet.percent,
            "lookback_months": charge.ratchet.lookback_months,
            "highest_kw": highest,
            "ratchet_kw": ratcheted,
            "floor_kw": floor,
        }
        if billed == measured:
            won, which = "the measured demand", "measured"
        elif billed == ratcheted:
            won, which = f"the ratchet's {ratcheted:f} kW", "ratchet"
        else:
            won, which = f"minimum_kw {charge.minimum_kw:f}", "minimum"
        words.append(
            Reason(
                f"ratchet: {charge.ratchet.percent} % × {highest:f} kW (highest of the "
                f"{charge.ratchet.lookback_months} months before) = {ratcheted:f} kW"
                + (f", minimum_kw {charge.minimum_kw:f}" if charge.minimum_kw else "")
                + f"; measured {measured:f} kW; {won} is billed",
                "ratchet", percent=f"{charge.ratchet.percent}", highest=f"{highest:f}",
                months=f"{charge.ratchet.lookback_months}", ratchet=f"{ratcheted:f}",
                minimum=f"{charge.minimum_kw:f}" if charge.minimum_kw else "",
                measured=f"{measured:f}", billed=which,
            )
        )  # fmt: skip
    elif charge.minimum_kw is not None:
        won = "minimum_kw" if billed > measured else "the measured demand"
        words.append(
            Reason(
                f"minimum_kw {charge.minimum_kw:f} kW against measured {measured:f} kW: {won} "
                "is billed",
                "minimum_kw", minimum=f"{charge.minimum_kw:f}", measured=f"{measured:f}",
                billed="minimum" if billed > measured else "measured",
            )
        )  # fmt: skip
    for line in lines:
        facts: dict[str, object] = {
            "measure": measure,
            "measured_kw": measured,
            "billing_kw": billed,
            "minimum_kw": charge.minimum_kw,
            "ratchet": ratchet,
            "month_share": ctx.month_fraction,
            "days": ctx.segment_days,
            "period_days": (ctx.period_end - ctx.period_start).days,
            "proration": ctx.tariff.proration,
            "words": list(words),
        }
        if charge.tiers_kw:
            facts["tiers_kw"] = list(charge.tiers_kw)
            tier = int(line.code.rsplit("tier", 1)[1])
            low = Decimal(0) if tier == 1 else charge.tiers_kw[tier - 2]
            span = (
                f"above {low:f}"
                if tier > len(charge.tiers_kw)
                else (f"{low:f} to {charge.tiers_kw[tier - 1]:f}")
            )
            facts["words"] = [
                *words,
                Reason(f"demand tier {tier} is {span} kW", "demand_tier", tier=str(tier),
                       low=f"{low:f}", high="" if tier > len(charge.tiers_kw)
                       else f"{charge.tiers_kw[tier - 1]:f}"),
            ]  # fmt: skip
        ctx.note(line, **facts)


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
