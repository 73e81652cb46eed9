"""Estimated readings: the missing intervals of `Readings.gaps` filled by a declared method.

Never applied unless asked (``--estimate METHOD[:PARAM]``). Each function returns readings
without gaps whose `Readings.estimated` lists the spans that were filled and whose
`Readings.estimated_by` names the method; every bill over an estimated interval says how
many intervals and kWh were estimated, and by which method. The methods are of the kind
meter data management systems offer for validation, estimation and editing (VEE): a
copy of typical earlier data ("sliding" interval data, Itron IEE MDM,
https://docs.itrontotal.com/IEEMDM/Content/Topics/mdm_ee_sliding.htm), a historical
average, and a spread of a register difference over the intervals ("Integer + Remainder"
and "Equal Spread", AVEVA Measurement Advisor, "Meter data estimation",
https://docs.aveva.com/bundle/measurement-advisor-cloud/page/365270.html; boundary
register reads in Itron IEE, https://docs.itrontotal.com/IEEMDM/Content/Topics/252711.htm).
The rules below are this project's own, declared here:

- ``same-day-last-week[:W]``: each missing interval takes the values of the same clock
  interval (on the tariff zone's wall clock) 7 days earlier; if that one was not read
  either, 14 days earlier, ... up to ``W`` weeks (default 1). Only read values are used,
  never estimated ones; none within ``W`` weeks is refused.
- ``like-days[:N]``: the average of the same clock interval over the ``N`` most recent
  earlier days of the same day type (Monday to Friday, or Saturday and Sunday) that have
  it read, looked for within the ``N`` weeks before the missing day (default ``N`` = 4).
  The average is exact (a fraction), then rounded half to even to the readings' decimal
  places; fewer than ``N`` such days is refused.
- ``register:FILE``: pro-rata from register reads. ``FILE`` is a CSV of
  ``time,register_kwh`` rows (the meter's cumulative kWh register at interval boundaries),
  read by `tariffs.io.readings.register.read_register` and given to `estimate` as
  `RegisterReads`. The intervals missing
  between two consecutive register reads share ``later − earlier − the kWh read between
  them`` flat: each gets the whole units (``10**-scale`` kWh) of the share, and the units
  left over go one each to the first missing intervals, so that the register difference
  is conserved exactly. A difference lower than the kWh read, a register that goes down,
  and a missing interval without register reads around it are refused. The register says
  nothing of kvarh, exports or demand: readings with those columns are refused.

With the first two methods, the kvarh, export_kwh and kw columns are estimated the same way
from the same intervals as kwh.
"""

from __future__ import annotations

import datetime as dt
from bisect import bisect_left
from dataclasses import dataclass, replace
from decimal import Decimal
from fractions import Fraction
from typing import Any
from zoneinfo import ZoneInfo

from tariffs.errors import ReadingsError
from tariffs.model.bill import BillWarning
from tariffs.model.readings import QUANTITY_COLUMNS, Readings, RegisterReads

__all__ = ["METHODS", "Estimate", "estimate", "parse_estimate"]

#: The estimation methods of ``--estimate``.
METHODS = ("same-day-last-week", "like-days", "register")

_DAY = dt.timedelta(days=1)


@dataclass(frozen=True, slots=True)
class Estimate:
    """A declared estimation method.

    Attributes:
        method: One of `METHODS`.
        count: ``same-day-last-week``: weeks to look back (default 1); ``like-days``: the
            number of like days averaged (default 4); unused by ``register``.
        register: ``register``: the CSV file of register reads.
    """

    method: str
    count: int = 0
    register: str | None = None

    def describe(self) -> str:
        """The method as written on the command line.

        >>> Estimate("like-days", 4).describe()
        'like-days:4'
        """
        if self.method == "register":
            return f"register:{self.register}"
        return f"{self.method}:{self.count}"


def parse_estimate(text: str) -> Estimate:
    """``METHOD[:PARAM]`` as an `Estimate`.

    Raises:
        ValueError: Not a method, or a parameter that does not fit it.

    >>> parse_estimate("same-day-last-week")
    Estimate(method='same-day-last-week', count=1, register=None)
    >>> parse_estimate("like-days:3").count
    3
    """
    method, _, param = text.partition(":")
    if method not in METHODS:
        raise ValueError(f"{method!r} is not an estimation method ({', '.join(METHODS)})")
    if method == "register":
        if not param:
            raise ValueError("register needs the CSV of register reads: register:FILE")
        return Estimate(method, register=param)
    if not param:
        return Estimate(method, 1 if method == "same-day-last-week" else 4)
    if not param.isdigit() or int(param) < 1 or int(param) > 52:
        raise ValueError(f"{method}:{param}: expected a whole number from 1 to 52")
    return Estimate(method, int(param))


def estimate(
    readings: Readings,
    timezone: str,
    declared: Estimate,
    register: RegisterReads | None = None,
) -> Readings:
    """The readings with every gap filled by ``declared`` (see the module).

    Readings without gaps are returned unchanged. ``register`` is for the ``register``
    method: the reads of `Estimate.register` (`tariffs.io.readings.register.read_register`).

    Raises:
        ReadingsError: An interval the method cannot estimate, or bad register reads.
    """
    if not readings.gaps:
        return readings
    zone = ZoneInfo(timezone)
    step = readings.interval_seconds
    missing = [s for a, b in readings.gaps for s in range(a, b, step)]
    columns = ["kwh", *(name for name in QUANTITY_COLUMNS if getattr(readings, name) is not None)]
    if declared.method == "register":
        if len(columns) > 1:
            raise ReadingsError(
                f"--estimate register estimates kWh only, and the readings have "
                f"{', '.join(columns[1:])}: use same-day-last-week or like-days",
                file=readings.source,
            )
        if register is None:
            raise TypeError("the register method needs the register reads")
        reads = _register_units(register, readings)
        values = {"kwh": _register_shares(readings, reads, missing, register.source)}
    else:
        values = {name: [] for name in columns}
        for start in missing:
            sources = _sources(readings, zone, start, declared)
            for name in columns:
                column: list[int] = getattr(readings, name)
                total = sum(column[i] for i in sources)
                values[name].append(round(Fraction(total, len(sources))))
    return _merged(readings, missing, values, declared)


def _local(instant: int, zone: ZoneInfo) -> str:
    return dt.datetime.fromtimestamp(instant, zone).strftime("%Y-%m-%dT%H:%M")


def _index(readings: Readings, instant: int) -> int | None:
    """The index of the interval read at ``instant``, or None."""
    i = bisect_left(readings.starts, instant)
    return i if i < len(readings.starts) and readings.starts[i] == instant else None


def _days_back(instant: int, zone: ZoneInfo, days: int) -> int | None:
    """The start of the same wall-clock interval ``days`` earlier, or None if it did not exist.

    An ambiguous wall time (the repeated hour) is taken on the same side as ``instant``.
    """
    here = dt.datetime.fromtimestamp(instant, zone)
    wall = here.replace(tzinfo=None) - days * _DAY
    there = wall.replace(tzinfo=zone, fold=here.fold)
    back = int(there.timestamp())
    if dt.datetime.fromtimestamp(back, zone).replace(tzinfo=None) != wall:
        return None  # a wall time skipped by a change of clocks
    return back


def _sources(readings: Readings, zone: ZoneInfo, start: int, declared: Estimate) -> list[int]:
    """The indexes of the read intervals that estimate the one at ``start``."""
    if declared.method == "same-day-last-week":
        for week in range(1, declared.count + 1):
            back = _days_back(start, zone, 7 * week)
            index = None if back is None else _index(readings, back)
            if index is not None:
                return [index]
        weeks = "week" if declared.count == 1 else f"{declared.count} weeks"
        raise ReadingsError(
            f"cannot estimate the interval at {_local(start, zone)}: the same clock interval "
            f"was not read in the {weeks} before it (--estimate {declared.describe()}; "
            "allow more weeks, or use like-days or register)",
            file=readings.source,
        )
    weekend = dt.datetime.fromtimestamp(start, zone).weekday() >= 5
    found: list[int] = []
    for days in range(1, 7 * declared.count + 1):
        back = _days_back(start, zone, days)
        if back is None or (dt.datetime.fromtimestamp(back, zone).weekday() >= 5) != weekend:
            continue
        index = _index(readings, back)
        if index is not None:
            found.append(index)
            if len(found) == declared.count:
                return found
    kind = "weekend" if weekend else "weekday"
    raise ReadingsError(
        f"cannot estimate the interval at {_local(start, zone)}: {len(found)} of the "
        f"{declared.count} earlier {kind}s needed have the same clock interval read within "
        f"{declared.count} weeks before it (--estimate {declared.describe()})",
        file=readings.source,
    )


@dataclass(frozen=True, slots=True)
class _Read:
    instant: int
    units: int  # register [kWh × 10**scale]
    line: int


def _register_units(register: RegisterReads, readings: Readings) -> list[_Read]:
    """The register reads in units of the readings, checked against their intervals."""
    step, origin, scale = readings.interval_seconds, readings.starts[0], readings.scale
    found = []
    for read in register.reads:
        if (read.instant - origin) % step:
            raise ReadingsError(
                f"register read at {read.time_text} is not at the boundary of an interval "
                f"of the readings ({step // 60} minutes)",
                file=register.source,
                line=read.line,
            )
        exponent = read.kwh.as_tuple().exponent
        if isinstance(exponent, int) and -exponent > scale:
            raise ReadingsError(
                f"register_kwh {read.text} has more decimal places than the readings ({scale})",
                file=register.source,
                line=read.line,
            )
        found.append(_Read(read.instant, int(read.kwh.scaleb(scale)), read.line))
    return found


def _kwh(units: int, scale: int) -> str:
    return str(Decimal(units).scaleb(-scale))


def _register_shares(
    readings: Readings, reads: list[_Read], missing: list[int], path: str
) -> list[int]:
    """The kWh of each missing interval, shared flat between consecutive register reads."""
    step, scale = readings.interval_seconds, readings.scale
    zone_note = readings.source
    shares: list[int] = []
    k = 0
    at = 0  # the register pair (reads[at], reads[at + 1]) around missing[k]
    while k < len(missing):
        start = missing[k]
        while at + 1 < len(reads) and reads[at + 1].instant < start + step:
            at += 1
        if at + 1 >= len(reads) or reads[at].instant > start:
            raise ReadingsError(
                f"no register reads at or before and at or after the missing interval "
                f"starting at UTC {dt.datetime.fromtimestamp(start, dt.UTC):%Y-%m-%dT%H:%M} "
                f"of {zone_note}: cannot estimate it from the register",
                file=path,
            )
        low, high = reads[at], reads[at + 1]
        group = [s for s in missing[k:] if s < high.instant]
        i = bisect_left(readings.starts, low.instant)
        j = bisect_left(readings.starts, high.instant)
        read = sum(readings.kwh[i:j])
        left = high.units - low.units - read
        if left < 0:
            raise ReadingsError(
                f"register rises by {_kwh(high.units - low.units, scale)} kWh from line "
                f"{low.line} to line {high.line}, less than the {_kwh(read, scale)} kWh read "
                f"between them in {readings.source}",
                file=path,
                line=high.line,
            )
        whole, extra = divmod(left, len(group))
        shares.extend(whole + (1 if n < extra else 0) for n in range(len(group)))
        k += len(group)
    return shares


def _merged(
    readings: Readings, missing: list[int], values: dict[str, list[int]], declared: Estimate
) -> Readings:
    """The read and the estimated intervals in time order, gaps now estimated."""
    starts: list[int] = []
    merged: dict[str, list[int]] = {name: [] for name in values}
    i = 0
    read = readings.starts
    for k, start in enumerate(missing):
        j = bisect_left(read, start, i)
        starts.extend(read[i:j])
        for name, column in merged.items():
            column.extend(getattr(readings, name)[i:j])
            column.append(values[name][k])
        starts.append(start)
        i = j
    starts.extend(read[i:])
    for name, column in merged.items():
        column.extend(getattr(readings, name)[i:])
    filled: dict[str, Any] = dict(merged)
    return replace(
        readings,
        starts=starts,
        gaps=(),
        estimated=readings.estimated + readings.gaps,
        estimated_by=declared.describe(),
        **filled,
    )


def estimated_in(readings: Readings, start: int, end: int) -> tuple[int, int]:
    """``(intervals, kWh × 10**scale)`` estimated among the intervals starting in ``[start, end)``.

    >>> r = Readings("r.csv", 3600, [0, 3600, 7200], 3, [1000, 250, 1500],
    ...              estimated=((3600, 7200),), estimated_by="like-days:4")
    >>> estimated_in(r, 0, 10800)
    (1, 250)
    """
    count = units = 0
    for a, b in readings.estimated:
        i = bisect_left(readings.starts, max(a, start))
        j = bisect_left(readings.starts, min(b, end))
        if i < j:
            count += j - i
            units += sum(readings.kwh[i:j])
    return count, units


def estimated_warning(count: int, kwh: Decimal, method: str | None) -> BillWarning:
    """The bill's line on its estimated intervals.

    >>> estimated_warning(12, Decimal("3.000"), "like-days:4")
    'estimated readings: 12 intervals (3.000 kWh) in this period were estimated, not read (--estimate like-days:4)'
    """  # noqa: E501
    return BillWarning(
        f"estimated readings: {count} interval{'' if count == 1 else 's'} ({kwh} kWh) in "
        f"this period {'was' if count == 1 else 'were'} estimated, not read "
        f"(--estimate {method})",
        "estimated",
        (("count", f"{count}"), ("kwh", f"{kwh}"), ("method", f"{method}")),
    )
