"""Compile a tariff version's calendar into day tables, and find the local days of readings.

A day table is the list of runs ``(start_minute, end_minute, period_index)`` that cover a
local day, plus the day's season. Tables are built once per distinct kind of day (season,
day type, applicable overrides) and cached, so that classifying a year of readings costs a
few dictionary look-ups per day, not per interval.
"""

from __future__ import annotations

import datetime as dt
from bisect import bisect_left
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import groupby
from math import gcd

from dateutil.rrule import rrulestr

from tariffs.calendars import calendar
from tariffs.engine import _kept
from tariffs.engine._kept import value_key
from tariffs.engine.clock import utc_offset_runs
from tariffs.errors import TariffFileError
from tariffs.model.calendar import WEEKDAYS
from tariffs.model.common import parse_window, window_spans
from tariffs.model.tariff import Version

__all__ = [
    "DayTable",
    "Schedule",
    "compile_demand_schedule",
    "compile_schedule",
    "local_day_spans",
    "local_days",
    "utc_offset_runs",
]

_EPOCH_ORDINAL = dt.date(1970, 1, 1).toordinal()


@dataclass(frozen=True, slots=True)
class DayTable:
    """How one local day is divided into periods.

    Attributes:
        season: Index into `Schedule.season_names`.
        runs: ``(start_minute, end_minute, period_index)`` covering ``[0, 1440)`` in order.
    """

    season: int
    runs: tuple[tuple[int, int, int], ...]

    def offsets(self, step_seconds: int) -> tuple[tuple[int, int, int, int], ...]:
        """The runs as interval offsets of a whole day of readings.

        Returns ``(first, last, period_index, start_minute)`` per run, for intervals of
        ``step_seconds`` that divide every boundary (checked before aggregation).
        """
        key = (self, step_seconds)
        found: tuple[tuple[int, int, int, int], ...] | None = _kept.day_offsets.get(key)
        if found is None:
            step_minutes = step_seconds // 60
            found = tuple(
                (start // step_minutes, end // step_minutes, period, start)
                for start, end, period in self.runs
            )
            _kept.day_offsets.keep(key, found)
        return found


class Schedule:
    """The compiled calendar of one tariff version.

    Attributes:
        period_names: Period names; a run's period index points here.
        season_names: Season names; a day table's season index points here.
        granularity_minutes: The greatest common divisor of every period boundary: readings
            whose interval does not divide it cannot be split between periods exactly.
    """

    def __init__(
        self, version: Version, source: str | None = None, key: tuple[object, ...] = ()
    ) -> None:
        #: The schedule as a value: what it is compiled from (see `compile_schedule`).
        self.key = key or (value_key(version), source, "energy")
        self.version = version
        self.source = source
        self.period_names = version.period_names
        self.season_names = version.season_names
        self.day_type_names = version.day_type_names
        self._period_index = {name: i for i, name in enumerate(self.period_names)}
        self._season_of_day = _season_table(version, self.season_names)
        self._weekday_type = _weekday_types(version, self.day_type_names)
        self._holiday_types = [
            (self.day_type_names.index(name), day_type)
            for name, day_type in (version.day_types or {}).items()
            if day_type.lists_days
        ]
        self._holidays_by_year: dict[int, dict[dt.date, int]] = {}
        self._tables: dict[tuple[int, int, int, bool], DayTable] = {}
        # The month matters to a day table only through overrides limited to months;
        # without any, one table serves a season and day type in every month.
        self._by_month = any(override.months is not None for override in version.overrides)
        self._has_events = any(override.days == "events" for override in version.overrides)
        self.granularity_minutes = self._granularity()
        #: Whether every day of a month has the same day table when no event day is
        #: declared (no day types, no holidays, seasons by whole months).
        self.month_uniform = (
            not self._holiday_types
            and len(set(self._weekday_type)) == 1
            and all(season.months is not None for season in (version.seasons or {}).values())
        )

    def __eq__(self, other: object) -> bool:
        """Schedules compiled from the same version, file and purpose are equal."""
        return isinstance(other, Schedule) and other.key == self.key

    def __hash__(self) -> int:
        return hash(self.key)

    def _granularity(self) -> int:
        step = 1440
        for rule in self.version.periods or []:
            for windows in rule.windows.values():
                for window in windows:
                    start, end = parse_window(window)
                    step = gcd(step, start, end)
        for override in self.version.overrides:
            for window in override.windows:
                start, end = parse_window(window)
                step = gcd(step, start, end)
        return step

    def season_of(self, day: dt.date) -> int:
        """Season index of a local date."""
        return self._season_of_day[(day.month, day.day)]

    def day_type_of(self, day: dt.date) -> int:
        """Day type index of a local date: a holiday type if the date is one, else by weekday."""
        if self._holiday_types:
            holidays = self._holidays_by_year.get(day.year)
            if holidays is None:
                holidays = self._holidays(day.year)
                self._holidays_by_year[day.year] = holidays
            if day in holidays:
                return holidays[day]
        return self._weekday_type[day.weekday()]

    def _holidays(self, year: int) -> dict[dt.date, int]:
        found: dict[dt.date, int] = {}
        why: dict[dt.date, str] = {}
        start = dt.datetime(year, 1, 1)
        end = dt.datetime(year, 12, 31, 23, 59)
        for index, day_type in self._holiday_types:
            name = self.day_type_names[index]
            days = {d: "a date" for d in day_type.dates or [] if d.year == year}
            for rule in day_type.rrules or []:
                days.update(
                    (o.date(), "a date")
                    for o in rrulestr(rule, dtstart=start).between(start, end, inc=True)
                )
            for field in ("holidays", "workdays"):
                code = getattr(day_type, field)
                if code is None:
                    continue
                try:
                    listed = _calendar_days(code, field, year)
                except ValueError as exc:
                    raise TariffFileError(
                        str(exc), file=self.source, path=f"day_types.{name}.{field}"
                    ) from None
                for day, reason in listed.items():
                    days.setdefault(day, reason)
            for day, reason in days.items():
                if day in found and found[day] != index:
                    raise TariffFileError(
                        f"{day} is a holiday of two day types, "
                        f"{self.day_type_names[found[day]]!r} and {name!r} "
                        f"({why[day]}, then {reason}); a day must have one day type",
                        file=self.source,
                        path="day_types",
                    )
                found[day] = index
                why[day] = reason
        return found

    def day(self, day: dt.date, event: bool) -> DayTable:
        """The day table of a local date; ``event`` tells whether it is a declared event day."""
        key = (self.key, day, event)
        found: DayTable | None = _kept.day_tables.get(key)
        if found is None:
            found = _kept.day_tables.keep(key, self._day(day, event))
        return found

    def _day(self, day: dt.date, event: bool) -> DayTable:
        season = self.season_of(day)
        day_type = self.day_type_of(day)
        month = day.month if self._by_month else 0
        key = (season, day_type, month, event and self._has_events)
        table = self._tables.get(key)
        if table is None:
            table = self._build(season, day_type, day.month, event)
            self._tables[key] = table
        return table

    def _build(self, season: int, day_type: int, month: int, event: bool) -> DayTable:
        season_name = self.season_names[season]
        day_type_name = self.day_type_names[day_type]
        owner = [0] * 1440
        for rule in self.version.periods or []:
            if rule.seasons is not None and season_name not in rule.seasons:
                continue
            if rule.day_types is not None and day_type_name not in rule.day_types:
                continue
            for period, windows in rule.windows.items():
                index = self._period_index[period]
                for start, end in window_spans(windows):
                    owner[start:end] = [index] * (end - start)
        for override in self.version.overrides:
            if override.months is not None and month not in override.months:
                continue
            if override.seasons is not None and season_name not in override.seasons:
                continue
            if override.day_types is not None and day_type_name not in override.day_types:
                continue
            if override.days == "events" and not event:
                continue
            index = self._period_index[override.period]
            replaces = (
                None
                if override.replaces is None
                else {self._period_index[p] for p in override.replaces}
            )
            for start, end in window_spans(override.windows):
                for minute in range(start, end):
                    if replaces is None or owner[minute] in replaces:
                        owner[minute] = index
        runs: list[tuple[int, int, int]] = []
        start = 0
        for owned, minutes in groupby(owner):
            end = start + sum(1 for _ in minutes)
            runs.append((start, end, owned))
            start = end
        return DayTable(season, tuple(runs))


def _calendar_days(code: str, field: str, year: int) -> dict[dt.date, str]:
    """The days of ``year`` that a shipped calendar gives a day type, and why."""
    shipped = calendar(code)
    if field == "holidays":
        return {
            day: f"a {code} day off ({'、'.join(festivals)})"
            for day, festivals in shipped.days_off(year).items()
        }
    return {day: f"a {code} make-up workday" for day in shipped.workdays(year)}


def _season_table(version: Version, names: list[str]) -> dict[tuple[int, int], int]:
    table: dict[tuple[int, int], int] = {}
    leap = dt.date(2000, 1, 1)
    days = [leap + dt.timedelta(days=i) for i in range(366)]
    if not version.seasons:
        return {(d.month, d.day): 0 for d in days}
    for index, name in enumerate(names):
        spec = version.seasons[name]
        if spec.months is not None:
            for d in days:
                if d.month in spec.months:
                    table[(d.month, d.day)] = index
        for first, last in spec.ranges or []:
            start = (int(first[:2]), int(first[3:]))
            end = (int(last[:2]), int(last[3:]))
            for d in days:
                key = (d.month, d.day)
                inside = start <= key < end if end > start else (key >= start or key < end)
                if inside:
                    table[key] = index
    return table


def _weekday_types(version: Version, names: list[str]) -> list[int]:
    if not version.day_types:
        return [0] * 7
    table = [0] * 7
    for index, name in enumerate(names):
        for weekday in version.day_types[name].weekdays or []:
            table[WEEKDAYS.index(weekday)] = index
    return table


def compile_schedule(version: Version, source: str | None = None) -> Schedule:
    """Compile a version's calendar, once per version object (versions are immutable).

    Args:
        version: The tariff version.
        source: The tariff file, for errors found while classifying days.
    """
    key = (value_key(version), source, "energy")
    found: Schedule | None = _kept.schedules.get(key)
    if found is None:
        found = _kept.schedules.keep(key, Schedule(version, source, key))
    return found


def compile_demand_schedule(version: Version, source: str | None = None) -> Schedule:
    """The schedule of a version's ``demand_periods`` (its energy schedule without them)."""
    if not version.demand_periods:
        return compile_schedule(version, source)

    key = (value_key(version), source, "demand")
    found: Schedule | None = _kept.schedules.get(key)
    if found is None:
        periods = {"periods": version.demand_periods, "overrides": []}
        found = Schedule(version.model_copy(update=periods), source, key)
        _kept.schedules.keep(key, found)
    return found


def local_days(
    starts: list[int], lo: int, hi: int, timezone: str
) -> Iterator[tuple[dt.date, int, int, int]]:
    """The local days that the intervals ``starts[lo:hi]`` fall on.

    Yields:
        ``(date, day_start_utc, first, last)``: intervals ``starts[first:last]`` start on
        local ``date``, whose midnight under the offset in force for them is
        ``day_start_utc``. A day with a UTC-offset change (DST) is yielded once per offset,
        each time with the midnight that maps its intervals to their wall-clock minutes.
    """
    if lo >= hi:
        return
    step = starts[lo + 1] - starts[lo] if hi - lo > 1 else 0
    for run_start, run_end, offset in utc_offset_runs(timezone, starts[lo], starts[hi - 1] + 1):
        i = bisect_left(starts, run_start, lo, hi)
        stop = bisect_left(starts, run_end, i, hi)
        # Without gaps in the run, the day boundaries are found by arithmetic, not search.
        regular = step > 0 and stop > i and starts[stop - 1] - starts[i] == (stop - 1 - i) * step
        while i < stop:
            day_number = (starts[i] + offset) // 86400
            day_start = day_number * 86400 - offset
            if regular:
                j = min(stop, i + -(-(day_start + 86400 - starts[i]) // step))
            else:
                j = bisect_left(starts, day_start + 86400, i, stop)
            yield _date_of(day_number), day_start, i, j
            i = j


def _date_of(day_number: int) -> dt.date:
    return dt.date.fromordinal(_EPOCH_ORDINAL + day_number)


def local_day_spans(
    starts: list[int], lo: int, hi: int, timezone: str, *, whole_months: bool = False
) -> Iterator[tuple[dt.date, int, int, int, int]]:
    """Like `local_days`, but whole days without gaps are marked, and may come in spans.

    Yields:
        ``(date, day_start_utc, first, last, days)``: ``days`` is 0 for a day that is not
        whole (first or last day, a gap, a DST change), else the number of whole days from
        ``date`` that ``starts[first:last]`` cover: 1, or with ``whole_months`` up to the
        rest of the month (a month of days at once, without a step per day).
    """
    if lo >= hi:
        return
    step = starts[lo + 1] - starts[lo] if hi - lo > 1 else 0
    if step <= 0 or 86400 % step:
        for date, day_start, first, last in local_days(starts, lo, hi, timezone):
            yield date, day_start, first, last, 0
        return
    per_day = 86400 // step
    for run_start, run_end, offset in utc_offset_runs(timezone, starts[lo], starts[hi - 1] + 1):
        i = bisect_left(starts, run_start, lo, hi)
        stop = bisect_left(starts, run_end, i, hi)
        regular = stop > i and starts[stop - 1] - starts[i] == (stop - 1 - i) * step
        if not regular:
            for date, day_start, first, last in local_days(starts, i, stop, timezone):
                whole = last - first == per_day and starts[first] == day_start
                yield (
                    date,
                    day_start,
                    first,
                    last,
                    int(whole and starts[last - 1] - starts[first] == 86400 - step),
                )
            continue
        while i < stop:
            day_number = (starts[i] + offset) // 86400
            day_start = day_number * 86400 - offset
            date = _date_of(day_number)
            if starts[i] != day_start or stop - i < per_day:
                j = min(stop, i + -(-(day_start + 86400 - starts[i]) // step))
                yield date, day_start, i, j, 0
                i = j
                continue
            days = 1
            if whole_months:
                left_in_month = _days_in_month(date.year, date.month) - date.day + 1
                days = min(left_in_month, (stop - i) // per_day)
            yield date, day_start, i, i + days * per_day, days
            i += days * per_day


def _days_in_month(year: int, month: int) -> int:
    following = dt.date(year + (month == 12), month % 12 + 1, 1)
    return (following - dt.date(year, month, 1)).days
