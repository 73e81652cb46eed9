"""Energy priced hour by hour from a price series (real-time or day-ahead prices)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal

from tariffs.engine.charges.context import Carried, Context, Priced, Setting
from tariffs.engine.measures import EnergyByHour
from tariffs.errors import UnsupportedFeatureError
from tariffs.model.bill import Line
from tariffs.model.charges import DynamicEnergyCharge
from tariffs.model.readings import to_decimal

__all__ = ["needs", "price_dynamic_energy"]

_BY_HOUR = EnergyByHour()


def needs(charge: DynamicEnergyCharge, setting: Setting) -> tuple[EnergyByHour, ...]:
    """The segment's energy by local clock hour."""
    return (_BY_HOUR,)


def price_dynamic_energy(
    charge: DynamicEnergyCharge, ctx: Context, earlier: Sequence[Line], carried: Carried
) -> Priced:
    """Sum each hour's kWh times that hour's price, exactly.

    The hour of an interval is its local wall-clock hour counted from January 1 00:00 of
    its year; a year with more hours than the series has prices (a leap year priced with
    8760 prices) is refused rather than priced with an invented price.
    """
    usage = ctx.usage
    by_hour = usage.measured[_BY_HOUR]  # local hour number since the epoch → kWh
    assert isinstance(by_hour, dict)  # noqa: S101 - the engine measured what needs() asked
    if not by_hour:
        return Priced()
    if usage.loss_kwh:
        raise UnsupportedFeatureError(
            "hourly prices with losses", ctx.tariff.source, "losses have no hour of their own"
        )
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
    line = ctx.line("energy", charge.code or "energy.dynamic",
                    charge.label or "Energy, hourly prices", quantity, "kWh", None,
                    amount, (("prices", "hourly"),))  # fmt: skip
    if ctx.recorder is not None:
        ctx.note(line, every_period=True, hours=len(by_hour),
                 words=[f"{len(by_hour)} local clock hours, each hour's kWh × (its price + "
                        f"{charge.adder_per_kwh:f} adder)"])  # fmt: skip
    return Priced([line])


def _leap(year: int) -> bool:
    return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)
