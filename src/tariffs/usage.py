"""Aggregate interval readings into the usage of one billing segment.

This is the only place that walks intervals. It works on plain lists of ints: each local
day is cut into runs of one period by its day table, and each run is a slice of the
readings, summed by `sum` over the slice. The cost grows with days × runs per day, not
with the number of intervals.
"""

from __future__ import annotations

import datetime as dt
from bisect import bisect_left
from dataclasses import dataclass, field, replace
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from tariffs.errors import ReadingsError
from tariffs.readings.model import Readings, to_decimal
from tariffs.schedule import Schedule, local_days
from tariffs.schema.account import Losses

__all__ = ["Usage", "add_losses", "aggregate", "check_resolution", "split_in_proportion"]


@dataclass(frozen=True, slots=True)
class Usage:
    """What a billing segment consumed, exactly, in integer units of ``10**-scale``.

    Attributes:
        readings: The readings the usage was taken from.
        first: Index of the first interval of the segment in `readings`.
        last: Index just after the last interval.
        scale: Quantities are in units of ``10**-scale``.
        total_kwh: Imported energy of the segment.
        energy: ``(season_index, period_index)`` → imported energy.
        slices: ``(season_index, period_index, first, last, minute)`` in time order: the
            intervals ``readings.kwh[first:last]`` are all in that season and period, and
            the first of them starts at local minute ``minute`` of its day.
        kvarh: Reactive energy of the segment, or None without a kvarh column.
        export_kwh: Exported energy of the segment, or None without an export column.
        dates: The local dates that have at least one interval in the segment.
        loss_kwh: Losses included in `total_kwh` and `energy` [kWh].
        complete: Whether `slices` cover every interval from `first` to `last` (False
            for usage cut down to some hours).
    """

    readings: Readings
    first: int
    last: int
    scale: int
    total_kwh: int
    energy: dict[tuple[int, int], int]
    slices: list[tuple[int, int, int, int, int]]
    kvarh: int | None
    export_kwh: int | None
    dates: list[dt.date] = field(default_factory=list)
    loss_kwh: Decimal = Decimal(0)
    complete: bool = True


def check_resolution(readings: Readings, schedule: Schedule, tariff_id: str) -> None:
    """Refuse readings whose intervals would straddle a period boundary of the schedule.

    Raises:
        ReadingsError: The interval length does not divide every period boundary.
    """
    step_minutes, remainder = divmod(readings.interval_seconds, 60)
    if remainder or schedule.granularity_minutes % step_minutes:
        raise ReadingsError(
            f"intervals of {readings.interval_seconds // 60} min cannot be split at the "
            f"{schedule.granularity_minutes}-minute period boundaries of tariff {tariff_id}; "
            "give readings at a finer interval",
            file=readings.source,
        )


def aggregate(
    readings: Readings,
    schedule: Schedule,
    timezone: str,
    start: int,
    end: int,
    event_days: frozenset[dt.date] = frozenset(),
) -> Usage:
    """Sum the readings whose interval starts in ``[start, end)`` (UTC epoch seconds).

    Args:
        readings: Validated uniform interval readings.
        schedule: The compiled calendar of the tariff version in force.
        timezone: IANA time zone of the schedule's clock hours.
        start: First second of the segment (UTC epoch seconds).
        end: First second after the segment.
        event_days: Declared event days (critical peak) of the account and tariff.
    """
    starts, kwh = readings.starts, readings.kwh
    first = bisect_left(starts, start)
    last = bisect_left(starts, end, first)
    energy: dict[tuple[int, int], int] = {}
    slices: list[tuple[int, int, int, int, int]] = []
    dates: list[dt.date] = []
    step = readings.interval_seconds
    per_day = 86400 // step
    for date, day_start, lo, hi in local_days(starts, first, last, timezone):
        if not dates or dates[-1] != date:
            dates.append(date)
        table = schedule.day(date, date in event_days)
        season = table.season
        if (
            hi - lo == per_day
            and starts[lo] == day_start
            and starts[hi - 1] == day_start + 86400 - step
        ):
            # A whole day without gaps (the common case): the run boundaries are fixed
            # offsets from the day's first interval, no search needed.
            for a_offset, b_offset, period, minute in table.offsets(step):
                a, b = lo + a_offset, lo + b_offset
                key = (season, period)
                energy[key] = energy.get(key, 0) + sum(kwh[a:b])
                slices.append((season, period, a, b, minute))
            continue
        for run_start, run_end, period in table.runs:
            a = bisect_left(starts, day_start + run_start * 60, lo, hi)
            b = bisect_left(starts, day_start + run_end * 60, a, hi)
            if a < b:
                key = (season, period)
                energy[key] = energy.get(key, 0) + sum(kwh[a:b])
                slices.append((season, period, a, b, (starts[a] - day_start) // 60))
                lo = b
    return Usage(
        readings=readings,
        first=first,
        last=last,
        scale=readings.scale,
        total_kwh=sum(kwh[first:last]),
        energy=energy,
        slices=slices,
        kvarh=None if readings.kvarh is None else sum(readings.kvarh[first:last]),
        export_kwh=None if readings.export_kwh is None else sum(readings.export_kwh[first:last]),
        dates=dates,
    )


def split_in_proportion(total: int, weights: list[int]) -> list[int]:
    """Split the integer ``total`` in proportion to ``weights``; the parts sum to ``total``.

    Remainders go to the largest fractional parts, earlier weights first on ties (the
    largest-remainder method). With all weights zero, the first part takes everything.

    >>> split_in_proportion(10, [1, 1, 1])
    [4, 3, 3]
    """
    weight_sum = sum(weights)
    if weight_sum == 0:
        return [total] + [0] * (len(weights) - 1)
    parts = [total * w // weight_sum for w in weights]
    remainders = [total * w % weight_sum for w in weights]
    order = sorted(range(len(weights)), key=lambda i: (-remainders[i], i))
    for i in order[: total - sum(parts)]:
        parts[i] += 1
    return parts


def _units(value: Fraction, scale: int) -> int:
    """An exact quantity rounded half-up to the readings' resolution, in integer units."""
    return (
        int(
            (Decimal(value.numerator) / Decimal(value.denominator))
            .scaleb(scale)
            .quantize(Decimal(1), rounding=ROUND_HALF_UP)
        )
        if value.denominator != 1
        else value.numerator * 10**scale
    )


def add_losses(usage: Usage, losses: Losses, month_fraction: Fraction) -> Usage:
    """Add transformer and line losses to a segment's metered quantities.

    The loss is ``kwh_per_month`` × the segment's month share plus ``percent`` of the
    metered kWh (likewise for kvarh), rounded half-up to the readings' resolution, and
    shared between the segment's periods in proportion to their metered kWh.
    """
    scale = usage.scale
    metered = Fraction(usage.total_kwh, 10**scale)
    loss = _units(
        Fraction(losses.kwh_per_month) * month_fraction + Fraction(losses.percent) / 100 * metered,
        scale,
    )
    keys = sorted(usage.energy)
    parts = split_in_proportion(loss, [usage.energy[k] for k in keys]) if keys else []
    energy = dict(usage.energy)
    for key, part in zip(keys, parts, strict=True):
        energy[key] += part
    kvarh = usage.kvarh
    if kvarh is not None:
        kvarh += _units(
            Fraction(losses.kvarh_per_month) * month_fraction
            + Fraction(losses.percent) / 100 * Fraction(kvarh, 10**scale),
            scale,
        )
    return replace(
        usage,
        energy=energy,
        total_kwh=usage.total_kwh + (loss if keys else 0),
        kvarh=kvarh,
        loss_kwh=to_decimal(loss if keys else 0, scale),
    )
