"""Aggregate interval readings into the usage of one billing segment.

This is the only place that walks intervals. It works on plain lists of ints: each local
day is cut into runs of one period by its day table, and each run is a slice of the
readings, summed by `sum` over the slice. The cost grows with days × runs per day, not
with the number of intervals.
"""

from __future__ import annotations

import datetime as dt
from bisect import bisect_left
from dataclasses import dataclass, field

from tariffs.errors import ReadingsError
from tariffs.readings.model import Readings
from tariffs.schedule import Schedule, local_days

__all__ = ["Usage", "aggregate"]


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
        slices: ``(season_index, period_index, first, last)`` in time order: the
            intervals ``readings.kwh[first:last]`` are all in that season and period.
        kvarh: Reactive energy of the segment, or None without a kvarh column.
        export_kwh: Exported energy of the segment, or None without an export column.
        dates: The local dates that have at least one interval in the segment.
    """

    readings: Readings
    first: int
    last: int
    scale: int
    total_kwh: int
    energy: dict[tuple[int, int], int]
    slices: list[tuple[int, int, int, int]]
    kvarh: int | None
    export_kwh: int | None
    dates: list[dt.date] = field(default_factory=list)


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
    slices: list[tuple[int, int, int, int]] = []
    dates: list[dt.date] = []
    for date, day_start, lo, hi in local_days(starts, first, last, timezone):
        if not dates or dates[-1] != date:
            dates.append(date)
        table = schedule.day(date, date in event_days)
        season = table.season
        for run_start, run_end, period in table.runs:
            a = bisect_left(starts, day_start + run_start * 60, lo, hi)
            b = bisect_left(starts, day_start + run_end * 60, a, hi)
            if a < b:
                key = (season, period)
                energy[key] = energy.get(key, 0) + sum(kwh[a:b])
                slices.append((season, period, a, b))
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
