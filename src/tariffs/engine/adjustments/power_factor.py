"""Power-factor adjustment (功率因数调整电费) and reactive-energy charges."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from tariffs.engine.adjustments.power_factor_tables import power_factor, power_factor_table
from tariffs.engine.charges.context import (
    Carried,
    Context,
    Priced,
    Reason,
    Setting,
    matches,
    prorated,
)
from tariffs.engine.measures import MaxDemand
from tariffs.errors import ReadingsError
from tariffs.model.bill import BillWarning, Line
from tariffs.model.charges import PowerFactorCharge, ReactiveCharge

__all__ = ["needs_reactive", "price_power_factor", "price_reactive"]


def _kvarh(ctx: Context, what: str) -> Decimal:
    try:
        return ctx.bill_total("kvarh")
    except ValueError:
        raise ReadingsError(
            f"tariff {ctx.tariff.id} has {what}, which needs reactive energy: "
            "the readings have no kvarh column",
            file=ctx.usage.source,
        ) from None


def price_power_factor(
    charge: PowerFactorCharge, ctx: Context, earlier: Sequence[Line], carried: Carried
) -> Priced:
    """Adjust the base lines by the period's power factor and the standard table.

    The power factor is taken from the totals of the whole billing period, rounded
    half-up to 2 decimals; the percentage applies to the rounded amounts of the lines
    in ``applies_to`` priced before this charge.
    """
    kvarh = _kvarh(ctx, f"a power-factor adjustment ({charge.table})")
    kwh = ctx.bill_total("total_kwh")
    table = power_factor_table(charge.table)
    if kwh == 0 and kvarh == 0:
        return Priced(
            warnings=(
                BillWarning("no energy in the period: no power-factor adjustment", "no_energy"),
            )
        )
    factor = power_factor(kwh, kvarh)
    percent = table.percent(factor)
    base = sum((line.amount for line in earlier if matches(line, charge.applies_to)), Decimal(0))
    rate = percent / 100
    sign = "+" if percent > 0 else ""
    label = charge.label or (
        f"Power factor {factor} (standard {table.standard}): {sign}{percent} %"
    )
    terms = (
        ("power_factor", f"{factor}"),
        ("standard", f"{table.standard}"),
        ("percent", f"{sign}{percent}"),
    )
    line = ctx.line("power_factor", charge.code or "power_factor", label, base,
                    ctx.tariff.currency, rate, base * rate, terms)  # fmt: skip
    if ctx.recorder is not None:
        what = (
            "every line before it"
            if charge.applies_to is None
            else (f"the lines {', '.join(charge.applies_to)} before it")
        )
        ctx.note(
            line, kwh=kwh, kvarh=kvarh, power_factor=factor, table=charge.table,
            standard=table.standard, percent=percent,
            base_lines=[(item.code, item.amount) for item in earlier
                        if matches(item, charge.applies_to)],
            words=[Reason(f"power factor = kWh / √(kWh² + kvarh²) of the bill = {kwh:f} / "
                          f"√({kwh:f}² + {kvarh:f}²), rounded half-up to 2 places: {factor}",
                          "power_factor", kwh=f"{kwh:f}", kvarh=f"{kvarh:f}",
                          factor=f"{factor}"),
                   Reason(f"table {charge.table} (standard {table.standard}): {factor} gives "
                          f"{percent} %, applied to {what}", "power_factor_table",
                          table=str(charge.table), standard=f"{table.standard}",
                          factor=f"{factor}", percent=f"{percent}",
                          lines=tuple(charge.applies_to or ()),
                          every=charge.applies_to is None)],
        )  # fmt: skip
    return Priced([line])


def _reactive_demand(setting: Setting | Context) -> MaxDemand:
    window = setting.version.demand_window
    return MaxDemand(window.minutes, window.sliding, reactive=True)


def needs_reactive(charge: ReactiveCharge, setting: Setting) -> tuple[MaxDemand, ...]:
    """The bill's maximum reactive demand, for a charge per kvar; nothing per kvarh."""
    if charge.price_per_kvar is None:
        return ()
    return (_reactive_demand(setting),)


def price_reactive(
    charge: ReactiveCharge, ctx: Context, earlier: Sequence[Line], carried: Carried
) -> Priced:
    """Charge the segment's kvarh above ``free_kvarh_per_kwh`` × kWh, or the bill's kvar.

    Per kvar, the bill's maximum reactive demand [kvar] is priced per month like a flat
    demand charge: a segment that is part of a month pays its share of the month.
    """
    if charge.price_per_kvar is not None:
        kvar = ctx.demand_kw(_reactive_demand(ctx))
        share = ctx.month_fraction
        window = ctx.version.demand_window
        partial = "" if share == 1 else f" (× {share} of a month)"
        label = (
            charge.label or f"Reactive demand (maximum kvar over {window.minutes}-minute windows)"
        ) + partial
        exact = prorated(kvar * charge.price_per_kvar, share)
        line = ctx.line("power_factor", charge.code or "reactive", label, kvar, "kvar",
                        charge.price_per_kvar, exact)  # fmt: skip
        if ctx.recorder is not None:
            ctx.note(line, measure=_reactive_demand(ctx), measured_kw=kvar, month_share=share,
                     days=ctx.segment_days, period_days=(ctx.period_end - ctx.period_start).days,
                     proration=ctx.tariff.proration)  # fmt: skip
        return Priced([line])
    assert charge.price_per_kvarh is not None  # noqa: S101 - the schema requires one price
    if ctx.usage.kvarh is None:
        _kvarh(ctx, "a reactive-energy charge")
    kvarh = ctx.quantity(ctx.usage.kvarh or 0)
    kwh = ctx.quantity(ctx.usage.total_kwh)
    billed = max(Decimal(0), kvarh - charge.free_kvarh_per_kwh * kwh)
    label = charge.label or f"Reactive energy above {charge.free_kvarh_per_kwh} kvarh/kWh"
    line = ctx.line("power_factor", charge.code or "reactive", label, billed, "kvarh",
                    charge.price_per_kvarh, billed * charge.price_per_kvarh)  # fmt: skip
    if ctx.recorder is not None:
        free = charge.free_kvarh_per_kwh * kwh
        ctx.note(line, kwh=kwh, kvarh=kvarh,
                 words=[Reason(f"{kvarh:f} kvarh less the free {charge.free_kvarh_per_kwh:f} × "
                               f"{kwh:f} kWh = {free:f} kvarh: {billed:f} kvarh billed",
                               "reactive_free", kvarh=f"{kvarh:f}",
                               free_per=f"{charge.free_kvarh_per_kwh:f}", kwh=f"{kwh:f}",
                               free=f"{free:f}", billed=f"{billed:f}")])  # fmt: skip
    return Priced([line])
