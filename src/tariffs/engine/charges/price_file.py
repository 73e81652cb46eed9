"""Energy priced by components of a monthly price file (电网代理购电)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal

from tariffs.engine.charges.context import Carried, Context, Priced, Reason
from tariffs.errors import AccountError, TariffFileError
from tariffs.model.bill import Line
from tariffs.model.charges import PriceFileCharge

__all__ = ["component_prices", "price_price_file"]


def component_prices(charge: PriceFileCharge, ctx: Context) -> tuple[str, dict[str, Decimal]]:
    """The month billed and its component prices at the charge's voltage level.

    Raises:
        TariffFileError: The segment is not within one calendar month (the engine cuts
            bills at each month's 1st), or the file has no rows for the month or the
            voltage level.
        AccountError: Neither the charge nor the account gives a voltage.
    """
    table = charge.table
    start = ctx.segment_start or ctx.period_start
    if ctx.segment_start is None:
        last = ctx.period_end - dt.timedelta(days=1)
    else:
        last = start + dt.timedelta(days=max(ctx.segment_days, 1) - 1)
    if (start.year, start.month) != (last.year, last.month):
        # The engine cuts a bill at each 1st of a month under a price file: never here.
        raise TariffFileError(
            f"the segment {start} to {last} spans two months; prices of "
            f"{table.source} are by calendar month",
            file=ctx.tariff.source,
        )
    month = f"{start.year:04d}-{start.month:02d}"
    voltage = charge.voltage_kv
    if voltage is None:
        voltage = ctx.account.voltage_kv if ctx.account is not None else None
    if voltage is None:
        account = ctx.account
        who = f"account {account.account_id} lacks it" if account else "no account was given"
        raise AccountError(
            f"tariff {ctx.tariff.id} prices by voltage level from {table.source} and needs "
            f"'voltage_kv', and {who}",
            file=account.source if account is not None and account.source else ctx.tariff.source,
        )
    prices = table.prices.get((month, voltage))
    if prices is None:
        levels = sorted({v for m, v in table.prices if m == month})
        if not levels:
            raise TariffFileError(f"has no prices for {month}", file=table.source)
        raise TariffFileError(
            f"has no prices for {month} at {voltage} kV (levels of {month}: "
            f"{', '.join(f'{v} kV' for v in levels)})",
            file=table.source,
        )
    return month, prices


def price_price_file(
    charge: PriceFileCharge, ctx: Context, earlier: Sequence[Line], carried: Carried
) -> Priced:
    """One line per component: kWh × the month's price, by period for time-of-use ones.

    A bill across two calendar months is priced in one segment a month (the engine cuts
    it at the 1st): each month's lines carry their month's prices and kWh, the month in
    the label (``Energy purchase peak (2025-07)``) and in the terms.

    A component in ``time_of_use`` is billed on each period's kWh at the month's price
    × the period's ratio, exactly (never rounded before the line's amount); the others
    on all the segment's kWh at the month's price.
    """
    usage = ctx.usage
    if not usage.total_kwh:
        return Priced()
    month, prices = component_prices(charge, ctx)
    code = charge.code or "energy"
    label = charge.label or "Energy"
    # A bill across months has each component's lines once a month, each naming its month.
    last = ctx.period_end - dt.timedelta(days=1)
    across = (ctx.period_start.year, ctx.period_start.month) != (last.year, last.month)
    suffix, terms = (f" ({month})", (("month", month),)) if across else ("", ())
    by_period: dict[int, int] = {}
    for (_, period), value in sorted(usage.energy.items()):
        by_period[period] = by_period.get(period, 0) + value
    source = charge.table.source
    lines: list[Line] = []
    for component in charge.table.components:
        price = prices[component]
        named = f"{label} {component.replace('_', ' ')}"
        if component not in charge.time_of_use:
            quantity = ctx.quantity(usage.total_kwh)
            lines.append(
                ctx.line(
                    "energy",
                    f"{code}.{component}",
                    named + suffix,
                    quantity,
                    "kWh",
                    price,
                    quantity * price,
                    terms,
                )  # fmt: skip
            )
            ctx.note(lines[-1], month=month,
                     words=[Reason(f"{month} price of {component} in {source}", "price_file",
                                   month=month, component=component,
                                   source=str(source))])  # fmt: skip
            continue
        ratios = charge.ratios or {}
        for period, value in sorted(by_period.items()):
            if not value:
                continue
            name = ctx.schedule.period_names[period]
            ratio = ratios[name]
            rate = price * ratio
            quantity = ctx.quantity(value)
            lines.append(
                ctx.line(
                    "energy",
                    f"{code}.{component}.{name}",
                    f"{named} {name}{suffix}",
                    quantity,
                    "kWh",
                    rate,
                    quantity * rate,
                    terms,
                )  # fmt: skip
            )
            said = Reason(
                f"{month} price of {component} in {source}: {price:f} × {name} ratio {ratio:f}",
                "price_file_ratio", month=month, component=component, source=str(source),
                price=f"{price:f}", period=name, ratio=f"{ratio:f}",
            )  # fmt: skip
            ctx.note(lines[-1], month=month, words=[said])
    return Priced(lines)
