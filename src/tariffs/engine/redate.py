"""Re-dating readings into another year: a load shape priced under this year's tariff.

Analysts price a typical-year or historical load shape (a 2013 meter, a 2007 simulation)
under a tariff in force today. `redate` moves whole local days of one source year into a
target year, keeping each interval's wall-clock time of day and every reading exactly
(nothing is scaled, filled or invented), and says on every bill what it did
(`Readings.notes`). Two alignments, declared by the caller:

``weekday`` (the default, as REopt's ``weekday_rotation`` in ``load_alignment.jl``)
    Each day keeps its weekday. The shift is ``(weekday of 1 January of the target
    year − weekday of 1 January of the source year) mod 7`` days (0–6), and source day
    ``j`` of the year lands on target day ``j − shift``. A source year with readings on
    its 1 January and its 31 December is rotated as a whole (readings missing from either
    day leave a gap where that day lands, billed only with ``allow_gaps``):
    its first ``shift`` days move to the end of the target year, where their weekday is
    one off (a year of 365 days is 52 weeks and a day); the note names them. A leap
    source year priced in a common target year leaves out its 31 December, as REopt's
    default ``truncate_dec31`` does, so that every other day keeps its weekday; a common
    source year in a leap target year leaves the target's 31 December without readings
    (the bill says that its readings do not cover the period). A part of a year is moved
    by the same shift, and refused if a day would fall before 1 January.
``date``
    Each day keeps its month and day of the month. A source 29 February has no day in a
    common target year and is left out; a leap target year's 29 February has no readings
    from a common source year, a gap that is billed only with ``allow_gaps``.

Every day left out is named on the bill with its kWh. Days on which the clocks change
(in the source or the target year) are refused: a wall-clock day of 23 or 25 hours has no
one-to-one image on an ordinary day. Readings on a clock without changes (a fixed-offset
zone such as ``Etc/GMT+7``, as SAM and REopt load files are on local standard time) are
always accepted.
"""

from __future__ import annotations

import datetime as dt
from bisect import bisect_left
from typing import Literal
from zoneinfo import ZoneInfo

from tariffs.engine.clock import local_day_offsets, standard_time
from tariffs.errors import ReadingsError
from tariffs.model.bill import BillWarning
from tariffs.model.readings import QUANTITY_COLUMNS, Readings, to_decimal

__all__ = ["ALIGNMENTS", "Alignment", "redate"]

Alignment = Literal["weekday", "date"]

#: The alignments `redate` offers, the default first.
ALIGNMENTS: tuple[Alignment, ...] = ("weekday", "date")

_FIRST_YEAR = 1900
_LAST_YEAR = 9998


def redate(
    readings: Readings,
    timezone: str,
    year: int,
    *,
    align: Alignment = "weekday",
    source_year: int | None = None,
    allow_gaps: bool = False,
) -> Readings:
    """The readings of one local calendar year moved into ``year``.

    Args:
        readings: The readings to move.
        timezone: IANA zone whose local days are moved (the tariff's zone).
        year: The target year.
        align: ``weekday`` or ``date`` (see the module docstring).
        source_year: The year of the readings to move. None: the one year the readings
            lie in (refused if they span two). Given: readings outside it are left out,
            and the bill says how many.
        allow_gaps: Accept a target day without readings inside the re-dated span (a
            leap target year's 29 February under ``date``), billed as a gap.

    Returns:
        The re-dated readings, whose `Readings.notes` say what was done.

    Raises:
        ReadingsError: No readings in the source year, readings spanning two years without
            ``source_year``, a clock change on a day that is moved, a day that would fall
            outside the target year, or a gap without ``allow_gaps``.
    """
    if align not in ALIGNMENTS:
        raise ValueError(f"align must be one of {', '.join(ALIGNMENTS)}, not {align!r}")
    source = readings.source
    if not _FIRST_YEAR <= year <= _LAST_YEAR:
        raise ReadingsError(f"cannot re-date into {year}: years {_FIRST_YEAR}..{_LAST_YEAR}")
    if not readings.starts:
        raise ReadingsError("no readings to re-date", file=source)
    zone = ZoneInfo(timezone)
    first_year = _local_date(readings.starts[0], zone).year
    last_year = _local_date(readings.end - 1, zone).year
    if source_year is None:
        if first_year != last_year:
            raise ReadingsError(
                f"the readings span {first_year} to {last_year}; re-dating moves one "
                f"calendar year: name it (e.g. --as-year {last_year}:{year})",
                file=source,
            )
        source_year = first_year
    elif not _FIRST_YEAR <= source_year <= _LAST_YEAR:
        raise ReadingsError(f"cannot re-date from {source_year}: years {_FIRST_YEAR}..{_LAST_YEAR}")
    days = _Days(readings, zone, timezone, source_year)
    if days.first_index == days.last_index:
        raise ReadingsError(
            f"no readings in {source_year} to re-date (the readings run from "
            f"{first_year} to {last_year})",
            file=source,
        )
    target_days = _year_length(year)
    mapping, notes = _mapping(days, source_year, year, align)
    target_midnights = _midnights(zone, year)
    target_offsets = local_day_offsets(timezone, year)

    blocks: list[tuple[int, int, int, int]] = []  # (target day, i0, i1, shift [s])
    left_out: list[tuple[int, int, int]] = []  # (source day, i0, i1)
    for day in range(days.count):
        i0, i1 = days.bounds(day)
        if i0 == i1:
            continue
        target = mapping[day]
        if target is None:
            left_out.append((day, i0, i1))
            continue
        if not 0 <= target < target_days:
            raise ReadingsError(
                f"{_name(source_year, day)} would fall outside {year} when weekdays are "
                f"aligned (a shift of {days.shift_of(source_year, year)} days); "
                "re-date by date instead (--align date), or re-date a whole year",
                file=source,
            )
        for when, offsets, index in (
            (source_year, days.offsets, day),
            (year, target_offsets, target),
        ):
            if offsets[index] is None:
                standard = standard_time(timezone, when)
                clock = (
                    f"a fixed-offset zone, as {timezone}'s standard time UTC{standard.text}"
                    if standard.zone is None
                    else f"the fixed-offset zone of {timezone}'s standard time, "
                    f"{standard.zone}; a URDB record: --timezone {standard.zone}"
                )
                raise ReadingsError(
                    f"cannot re-date {_name(source_year, day)} to {_name(year, target)}: "
                    f"the clocks change on {_name(when, index)} in {timezone}; re-date "
                    f"readings on a clock without changes ({clock})",
                    file=source,
                )
        blocks.append((target, i0, i1, target_midnights[target] - days.midnights[day]))
    blocks.sort()

    starts: list[int] = []
    columns: dict[str, list[int] | None] = {
        name: ([] if getattr(readings, name) is not None else None)
        for name in ("kwh", *QUANTITY_COLUMNS)
    }
    for _, i0, i1, shift in blocks:
        starts.extend(start + shift for start in readings.starts[i0:i1])
        for name, column in columns.items():
            if column is not None:
                column.extend(getattr(readings, name)[i0:i1])
    gaps = _gaps(starts, readings.interval_seconds)
    if gaps and not allow_gaps:
        a, b = gaps[0]
        raise ReadingsError(
            f"the re-dated readings have none from {_local_time(a, zone)} to "
            f"{_local_time(b, zone)}; bill it as a gap with --allow-gaps"
            + (", or keep weekdays instead (--align weekday)" if align == "date" else ""),
            file=source,
        )
    notes.insert(0, _what_was_done(source_year, year, align))
    outside = days.first_index + (len(readings.starts) - days.last_index)
    if outside:
        kwh = _kwh(readings, 0, days.first_index, days.last_index, len(readings.starts))
        notes.append(
            BillWarning(
                f"{outside} readings outside {source_year} were not used ({kwh} kWh)",
                "redate_outside",
                (("count", f"{outside}"), ("year", f"{source_year}"), ("kwh", kwh)),
            )
        )
    for day, i0, i1 in left_out:
        notes.append(
            BillWarning(
                f"{_name(source_year, day)} was left out: {i1 - i0} readings, "
                f"{_kwh(readings, i0, i1)} kWh",
                "redate_left_out",
                (
                    ("day", _name(source_year, day)),
                    ("count", f"{i1 - i0}"),
                    ("kwh", _kwh(readings, i0, i1)),
                ),
            )
        )
    return Readings(
        source=source,
        interval_seconds=readings.interval_seconds,
        starts=starts,
        scale=readings.scale,
        kwh=columns["kwh"] or [],
        kvarh=columns["kvarh"],
        export_kwh=columns["export_kwh"],
        kw=columns["kw"],
        gaps=tuple(gaps),
        notes=(*readings.notes, *notes),
    )


class _Days:
    """The local days of the source year and which readings fall on each."""

    def __init__(self, readings: Readings, zone: ZoneInfo, timezone: str, year: int) -> None:
        self.readings = readings
        self.count = _year_length(year)
        self.midnights = _midnights(zone, year)
        self.offsets = local_day_offsets(timezone, year)
        starts = readings.starts
        self.edges = [bisect_left(starts, midnight) for midnight in self.midnights]
        self.first_index = self.edges[0]
        self.last_index = self.edges[-1]
        # A year with readings on its first and its last day is rotated as a whole (a
        # reading missing from either day is a gap where that day lands).
        self.whole_year = self.first_index < self.edges[1] and self.edges[-2] < self.last_index

    def bounds(self, day: int) -> tuple[int, int]:
        return self.edges[day], self.edges[day + 1]

    @staticmethod
    def shift_of(source_year: int, year: int) -> int:
        return (dt.date(year, 1, 1).weekday() - dt.date(source_year, 1, 1).weekday()) % 7


def _mapping(
    days: _Days, source_year: int, year: int, align: Alignment
) -> tuple[list[int | None], list[str]]:
    """Target day of each source day (None: left out), and what the bill must say."""
    source_days, target_days = days.count, _year_length(year)
    notes: list[str] = []
    jan1 = dt.date(source_year, 1, 1)
    if align == "date":
        mapping: list[int | None] = []
        for day in range(source_days):
            date = jan1 + dt.timedelta(days=day)
            try:
                mapping.append((date.replace(year=year) - dt.date(year, 1, 1)).days)
            except ValueError:  # 29 February into a common year
                mapping.append(None)
        return mapping, notes
    shift = _Days.shift_of(source_year, year)
    length = min(source_days, target_days)
    if days.whole_year:
        mapping = [(day - shift) % length if day < length else None for day in range(source_days)]
        if shift:
            pairs = [
                (_name(source_year, day), _name(year, (day - shift) % length))
                for day in range(shift)
            ]
            moved = ", ".join(f"{a} is {b}" for a, b in pairs)
            notes.append(
                BillWarning(
                    f"the year is rotated: {moved}, a day of another weekday",
                    "redate_rotated",
                    (("moved", ";".join(f"{a}/{b}" for a, b in pairs)),),
                )
            )
    else:
        mapping = [day - shift for day in range(source_days)]
    return mapping, notes


def _what_was_done(source_year: int, year: int, align: Alignment) -> BillWarning:
    facts: tuple[tuple[str, str], ...] = (("from", f"{source_year}"), ("to", f"{year}"))
    if align == "date":
        text = f"readings re-dated from {source_year} to {year}, month and day kept"
        return BillWarning(text, "redated", (*facts, ("kept", "dates")))
    shift = _Days.shift_of(source_year, year)
    if not shift:
        text = f"readings re-dated from {source_year} to {year}, weekdays and dates kept"
        return BillWarning(text, "redated", (*facts, ("kept", "both")))
    first = dt.date(source_year, 1, 1) + dt.timedelta(days=shift)
    return BillWarning(
        f"readings re-dated from {source_year} to {year}, weekdays kept: each day moved "
        f"{shift} day{'' if shift == 1 else 's'} earlier in the year "
        f"({first.isoformat()} is {year}-01-01)",
        "redated",
        (*facts, ("kept", "weekdays"), ("shift", f"{shift}"), ("first", first.isoformat())),
    )


def _gaps(starts: list[int], step: int) -> list[tuple[int, int]]:
    return [(a + step, b) for a, b in zip(starts, starts[1:], strict=False) if b - a != step]


def _midnights(zone: ZoneInfo, year: int) -> list[int]:
    """UTC instants of the local midnights of a year's days, and of the next 1 January."""
    first = dt.date(year, 1, 1)
    return [
        int(dt.datetime.combine(first + dt.timedelta(days=n), dt.time(), zone).timestamp())
        for n in range(_year_length(year) + 1)
    ]


def _year_length(year: int) -> int:
    return (dt.date(year + 1, 1, 1) - dt.date(year, 1, 1)).days


def _name(year: int, day: int) -> str:
    return (dt.date(year, 1, 1) + dt.timedelta(days=day)).isoformat()


def _local_date(utc: int, zone: ZoneInfo) -> dt.date:
    return dt.datetime.fromtimestamp(utc, zone).date()


def _local_time(utc: int, zone: ZoneInfo) -> str:
    return dt.datetime.fromtimestamp(utc, zone).strftime("%Y-%m-%dT%H:%M")


def _kwh(readings: Readings, *bounds: int) -> str:
    """Exact kWh of the readings in index ranges ``[a, b)`` given as pairs of bounds."""
    total = sum(sum(readings.kwh[a:b]) for a, b in zip(bounds[::2], bounds[1::2], strict=True))
    return str(to_decimal(total, readings.scale))
