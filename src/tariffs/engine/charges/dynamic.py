"""Energy priced hour by hour from a price series (real-time or day-ahead prices)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal
from zoneinfo import ZoneInfo

from tariffs.engine.charges.context import Carried, Context, Priced, Reason, Setting
from tariffs.engine.measures import EnergyByHour, EnergyByStart
from tariffs.errors import TariffFileError, UnsupportedFeatureError
from tariffs.model.bill import Line
from tariffs.model.charges import DynamicEnergyCharge
from tariffs.model.readings import to_decimal

__all__ = ["needs", "price_dynamic_energy"]

_BY_HOUR = EnergyByHour()
_BY_START = EnergyByStart()


def needs(
    charge: DynamicEnergyCharge, setting: Setting
) -> tuple[EnergyByHour | EnergyByStart, ...]:
    """The segment's energy by local clock hour, or by interval for a file of prices."""
    return (_BY_START,) if charge.prices_file is not None else (_BY_HOUR,)


def price_dynamic_energy(
    charge: DynamicEnergyCharge, ctx: Context, earlier: Sequence[Line], carried: Carried
) -> Priced:
    """Sum each hour's kWh times that hour's price, exactly.

    The hour of an interval is its local wall-clock hour counted from January 1 00:00 of
    its year; a year with more hours than the series has prices (a leap year priced with
    8760 prices) is refused rather than priced with an invented price.
    """
    if charge.prices_file is not None:
        return _from_file(charge, ctx)
    usage = ctx.usage
    by_hour = usage.measured[_BY_HOUR]  # local hour number since the epoch → kWh
    assert isinstance(by_hour, dict)  # noqa: S101 - the engine measured what needs() asked
    if not by_hour:
        return Priced()
    if usage.loss_kwh:
        raise UnsupportedFeatureError(
            "hourly prices with losses", ctx.tariff.source, "losses have no hour of their own"
        )
    prices = charge.hourly_prices_per_kwh or []
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
                 words=[Reason(f"{len(by_hour)} local clock hours, each hour's kWh × (its "
                               f"price + {charge.adder_per_kwh:f} adder)", "hourly_prices",
                               hours=str(len(by_hour)),
                               adder=f"{charge.adder_per_kwh:f}")])  # fmt: skip
    return Priced([line])


def _from_file(charge: DynamicEnergyCharge, ctx: Context) -> Priced:
    """Each reading interval at the price of the price interval that holds it, exactly.

    A reading interval longer than the price interval, or across two of them, is refused
    (the readings would need splitting by an invented shape); a reading interval before
    the first price or after the last is refused, naming the first one.
    """
    usage = ctx.usage
    series = charge.series
    if series is None:
        raise ValueError(
            f"prices file {charge.prices_file} was not read; load the tariff from its file"
        )
    measured = usage.measured[_BY_START]
    assert isinstance(measured, tuple)  # noqa: S101 - the engine measured what needs() asked
    reading_seconds, by_start = measured
    if not by_start:
        return Priced()
    if usage.loss_kwh:
        raise UnsupportedFeatureError(
            "interval prices with losses", ctx.tariff.source, "losses have no interval of their own"
        )
    step, first = series.interval_seconds, series.first_start
    if reading_seconds > step:
        raise TariffFileError(
            f"price intervals of {step // 60} min cannot price readings of "
            f"{reading_seconds // 60} min; give readings at {step // 60} min or finer",
            file=series.source,
        )
    by_index: dict[int, int] = {}
    for start, value in sorted(by_start.items()):
        index, offset = divmod(start - first, step)
        if index < 0 or index >= len(series.prices):
            raise TariffFileError(
                f"no price for the reading interval from {_shown(start, ctx)}: the prices run "
                f"from {_shown(first, ctx)} to {_shown(first + step * len(series.prices), ctx)}",
                file=series.source,
            )
        if offset + reading_seconds > step:
            raise TariffFileError(
                f"the reading interval from {_shown(start, ctx)} spans two price intervals; "
                "the readings must start on the price intervals' boundaries",
                file=series.source,
            )
        by_index[index] = by_index.get(index, 0) + value
    amount = Decimal(0)
    for index, value in by_index.items():
        amount += to_decimal(value, usage.scale) * (series.prices[index] + charge.adder_per_kwh)
    quantity = to_decimal(usage.total_kwh, usage.scale)
    line = ctx.line("energy", charge.code or "energy.dynamic",
                    charge.label or "Energy, interval prices", quantity, "kWh", None,
                    amount)  # fmt: skip
    if ctx.recorder is not None:
        ctx.note(line, every_period=True, intervals=len(by_index),
                 words=[Reason(f"{len(by_index)} price intervals of {step // 60} min from "
                               f"{series.source}, each interval's kWh × (its price + "
                               f"{charge.adder_per_kwh:f} adder)", "interval_prices",
                               intervals=str(len(by_index)), minutes=str(step // 60),
                               source=str(series.source),
                               adder=f"{charge.adder_per_kwh:f}")])  # fmt: skip
    return Priced([line])


def _shown(instant: int, ctx: Context) -> str:
    """A UTC instant as local time of the tariff, as the readings write it."""
    zone = ZoneInfo(ctx.tariff.timezone)
    return dt.datetime.fromtimestamp(instant, zone).strftime("%Y-%m-%dT%H:%M")


def _leap(year: int) -> bool:
    return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)
