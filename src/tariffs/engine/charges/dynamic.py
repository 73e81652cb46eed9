"""Energy priced hour by hour from a price series (real-time or day-ahead prices)."""

from __future__ import annotations

import datetime as dt
from bisect import bisect_left
from decimal import Decimal

from tariffs.engine.charges.context import Context
from tariffs.engine.schedule import utc_offset_runs
from tariffs.errors import UnsupportedFeatureError
from tariffs.model.bill import Line
from tariffs.model.charges import DynamicEnergyCharge
from tariffs.model.readings import to_decimal

__all__ = ["price_dynamic_energy"]


def price_dynamic_energy(charge: DynamicEnergyCharge, ctx: Context) -> list[Line]:
    """Sum each hour's kWh times that hour's price, exactly.

    The hour of an interval is its local wall-clock hour counted from January 1 00:00 of
    its year; a year with more hours than the series has prices (a leap year priced with
    8760 prices) is refused rather than priced with an invented price.
    """
    usage = ctx.usage
    readings = usage.readings
    starts, kwh = readings.starts, readings.kwh
    if usage.first == usage.last:
        return []
    if usage.loss_kwh:
        raise UnsupportedFeatureError(
            "hourly prices with losses", ctx.tariff.source, "losses have no hour of their own"
        )
    by_hour: dict[int, int] = {}  # local hour number since the epoch → kWh
    for run_start, run_end, offset in utc_offset_runs(
        ctx.tariff.timezone, starts[usage.first], starts[usage.last - 1] + 1
    ):
        lo = bisect_left(starts, run_start, usage.first, usage.last)
        hi = bisect_left(starts, run_end, lo, usage.last)
        for i in range(lo, hi):
            hour = (starts[i] + offset) // 3600
            by_hour[hour] = by_hour.get(hour, 0) + kwh[i]
    prices = charge.hourly_prices_per_kwh
    amount = Decimal(0)
    year_starts: dict[int, int] = {}
    for hour, value in by_hour.items():
        year = dt.datetime.fromtimestamp(hour * 3600, dt.UTC).year
        if year not in year_starts:
            year_starts[year] = int(dt.datetime(year, 1, 1, tzinfo=dt.UTC).timestamp()) // 3600
        index = hour - year_starts[year]
        if index >= len(prices):
            raise UnsupportedFeatureError(
                "hourly_prices_per_kwh",
                ctx.tariff.source,
                f"hour {index} of {year} has no price: {len(prices)} prices cannot price a "
                f"year of {24 * (366 if _leap(year) else 365)} hours",
            )
        amount += to_decimal(value, usage.scale) * (prices[index] + charge.adder_per_kwh)
    quantity = to_decimal(usage.total_kwh, usage.scale)
    return [
        ctx.line("energy", charge.code or "energy.dynamic", charge.label or "Energy, hourly prices",
                 quantity, "kWh", None, amount)
    ]  # fmt: skip


def _leap(year: int) -> bool:
    return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)
