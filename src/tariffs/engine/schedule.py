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

from tariffs.calendars import calendar
from tariffs.engine import _kept
from tariffs.engine._kept import value_key
from tariffs.engine.clock import utc_offset_runs
from tariffs.errors import TariffFileError
from tariffs.model.calendar import WEEKDAYS
from tariffs.model.common import window_spans
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
        #: The season of each date, ``(month, day)`` → index, made on first use.
        self._season_of_day: dict[tuple[int, int], int] | None = None
        #: The season of each month, or None for a month of more than one season.
        by_months = _month_seasons(version, self.season_names)
        if by_months is None:  # seasons by dates: from the table of every date
            by_months = []
            for days in _LEAP_MONTHS:
                seasons = set(map(self._season_table().get, days))
                by_months.append(
                    next(iter(seasons)) if len(seasons) == 1 and None not in seasons else None
                )
        self._month_season: list[int | None] = by_months
        self._weekday_type = _weekday_types(version, self.day_type_names)
        self._holiday_types = [
            (self.day_type_names.index(name), day_type)
            for name, day_type in (version.day_types or {}).items()
            if day_type.lists_days
        ]
        self._holidays_by_year: dict[int, dict[dt.date, int]] = {}
        self._tables: dict[tuple[int, int, int, bool], DayTable] = {}
        self._code_keys: dict[int, tuple[int, int]] = {}
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
        # A window across midnight is two spans, (start, 1440) and (0, end): the same gcd.
        step = 1440
        for rule in self.version.periods or []:
            for windows in rule.windows.values():
                for start, end in self._spans(windows):
                    step = gcd(step, start, end)
        for override in self.version.overrides:
            for start, end in self._spans(override.windows):
                step = gcd(step, start, end)
        return step

    def season_of(self, day: dt.date) -> int:
        """Season index of a local date."""
        return self._season_table()[(day.month, day.day)]

    def _season_table(self) -> dict[tuple[int, int], int]:
        table = self._season_of_day
        if table is None:
            table = self._season_of_day = _season_table(self.version, self.season_names)
        return table

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
                from dateutil.rrule import rrulestr  # here: only rules need dateutil

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
        return self._table(self.season_of(day), self.day_type_of(day), day.month, event)

    def _table(self, season: int, day_type: int, month: int, event: bool) -> DayTable:
        key = (season, day_type, month if self._by_month else 0, event and self._has_events)
        table = self._tables.get(key)
        if table is None:
            table = self._build(season, day_type, month, event)
            self._tables[key] = table
        return table

    def codes_known(self) -> bool:
        """Whether every (season, period) has a one-byte code (see `year_days`)."""
        return len(self.season_names) * len(self.period_names) < 255

    def code_keys(self) -> dict[int, tuple[int, int]]:
        """``code → (season, period)`` of every code a day table can have (see `pattern`).

        Worked out from the code alone (``season × len(period_names) + period``), never
        from the day tables this object has built: `year_days` may come from the store,
        built by an equal schedule, and its codes must still all be known.
        """
        if not self._code_keys:
            width = len(self.period_names)
            self._code_keys = {
                season * width + period: (season, period)
                for season in range(len(self.season_names))
                for period in range(width)
            }
        return self._code_keys

    def pattern(self, table: DayTable, step_seconds: int) -> bytes:
        """A whole day of intervals of ``step_seconds`` as one byte each: its key's code.

        The code of ``(season, period)`` is ``season × len(period_names) + period``.
        """
        width = len(self.period_names)
        return b"".join(
            bytes((table.season * width + period,)) * (last - first)
            for first, last, period, _ in table.offsets(step_seconds)
        )

    def year_days(self, year: int, step_seconds: int) -> tuple[tuple[DayTable, ...], bytes]:
        """The day table of every date of ``year``, and the code of every interval of it.

        Tables are 1 January first, none for an event day; codes (`pattern`) one byte an
        interval, day after day. Equal to `day` of each date: a month in one season takes
        its week of tables seven days at a time; holidays, and months with more than one
        season, day by day.
        """
        key = (self.key, year, step_seconds)
        found: tuple[tuple[DayTable, ...], bytes] | None = _kept.year_days.get(key)
        if found is None:
            found = self._year_days(year, step_seconds)
            _kept.year_days.keep(key, found, len(found[0]))
        return found

    def _year_days(self, year: int, step_seconds: int) -> tuple[tuple[DayTable, ...], bytes]:
        tables: list[DayTable] = []
        patterns: dict[int, bytes] = {}
        weeks: dict[tuple[int, int], tuple[list[DayTable], bytes]] = {}
        codes = bytearray()

        def pattern_of(table: DayTable) -> bytes:
            found = patterns.get(id(table))
            if found is None:
                found = patterns[id(table)] = self.pattern(table, step_seconds)
            return found

        for month in range(1, 13):
            first = dt.date(year, month, 1)
            count = _days_in_month(year, month)
            season = self._month_season[month - 1]
            if season is None:
                days = [self._day(first + dt.timedelta(days=i), False) for i in range(count)]
                tables.extend(days)
                codes += b"".join(pattern_of(table) for table in days)
                continue
            # A week of the season, Monday first, made once for the months that share it,
            # and turned to start on the month's first weekday.
            key = (season, month if self._by_month else 0)
            found = weeks.get(key)
            if found is None:
                week = [self._table(season, self._weekday_type[i], month, False) for i in range(7)]
                found = weeks[key] = (week, b"".join(pattern_of(table) for table in week))
            week, week_codes = found
            weekday = first.weekday()
            cut = weekday * len(week_codes) // 7
            tables.extend(((week[weekday:] + week[:weekday]) * 5)[:count])
            codes += ((week_codes[cut:] + week_codes[:cut]) * 5)[: count * len(week_codes) // 7]
        if self._holiday_types:
            start = dt.date(year, 1, 1).toordinal()
            per_day = 86400 // step_seconds
            holidays = self._holidays_by_year.get(year)
            if holidays is None:
                holidays = self._holidays_by_year[year] = self._holidays(year)
            for day in holidays:
                if day.year != year:
                    continue
                index = day.toordinal() - start
                tables[index] = self._day(day, False)
                codes[index * per_day : (index + 1) * per_day] = pattern_of(tables[index])
        return tuple(tables), bytes(codes)

    def _spans(self, windows: list[str]) -> list[tuple[int, int]]:
        """`window_spans` of a list of windows, parsed once (`tariffs.engine._kept.windows`)."""
        key = tuple(windows)
        found: list[tuple[int, int]] | None = _kept.windows.get(key)
        if found is None:
            found = _kept.windows.keep(key, window_spans(windows))
        return found

    def _build(self, season: int, day_type: int, month: int, event: bool) -> DayTable:
        season_name = self.season_names[season]
        day_type_name = self.day_type_names[day_type]
        # The day in slots of the granularity, which divides every boundary (a slot an
        # hour for an hourly schedule, not a minute).
        g = self.granularity_minutes
        owner = [0] * (1440 // g)
        for rule in self.version.periods or []:
            if rule.seasons is not None and season_name not in rule.seasons:
                continue
            if rule.day_types is not None and day_type_name not in rule.day_types:
                continue
            for period, windows in rule.windows.items():
                index = self._period_index[period]
                for start, end in self._spans(windows):
                    owner[start // g : end // g] = [index] * ((end - start) // g)
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
            for start, end in self._spans(override.windows):
                a, b = start // g, end // g
                if replaces is None:
                    owner[a:b] = [index] * (b - a)
                else:
                    owner[a:b] = [index if o in replaces else o for o in owner[a:b]]
        runs: list[tuple[int, int, int]] = []
        start = 0
        for owned, slots in groupby(owner):
            end = start + len(list(slots)) * g
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


#: ``(month, day)`` of every date of a leap year, in order.
_LEAP_YEAR_DAYS = tuple(
    (day.month, day.day) for day in (dt.date(2000, 1, 1) + dt.timedelta(days=i) for i in range(366))
)
#: The same, month by month.
_LEAP_MONTHS = tuple(
    tuple(day for day in _LEAP_YEAR_DAYS if day[0] == month) for month in range(1, 13)
)


def _season_table(version: Version, names: list[str]) -> dict[tuple[int, int], int]:
    table: dict[tuple[int, int], int] = {}
    days = _LEAP_YEAR_DAYS
    if not version.seasons:
        return dict.fromkeys(days, 0)
    for index, name in enumerate(names):
        spec = version.seasons[name]
        if spec.months is not None:
            for month in sorted(set(spec.months)):
                table.update(dict.fromkeys(_LEAP_MONTHS[month - 1], index))
        for first, last in spec.ranges or []:
            start = (int(first[:2]), int(first[3:]))
            end = (int(last[:2]), int(last[3:]))
            for key in days:
                inside = start <= key < end if end > start else (key >= start or key < end)
                if inside:
                    table[key] = index
    return table


def _month_seasons(version: Version, names: list[str]) -> list[int | None] | None:
    """The season of each month where every season is given by whole months, else None.

    A month that no season lists has None, as a month of more than one season has.
    """
    if not version.seasons:
        return [0] * 12
    if any(spec.ranges or spec.months is None for spec in version.seasons.values()):
        return None
    found: list[int | None] = [None] * 12
    for index, name in enumerate(names):
        for month in version.seasons[name].months or []:
            found[month - 1] = index
    return found


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
    starts: list[int],
    lo: int,
    hi: int,
    timezone: str,
    *,
    whole_months: bool = False,
    whole_runs: bool = False,
) -> Iterator[tuple[dt.date, int, int, int, int]]:
    """Like `local_days`, but whole days without gaps are marked, and may come in spans.

    Yields:
        ``(date, day_start_utc, first, last, days)``: ``days`` is 0 for a day that is not
        whole (first or last day, a gap, a DST change), else the number of whole days from
        ``date`` that ``starts[first:last]`` cover: 1, with ``whole_months`` up to the
        rest of the month (a month of days at once, without a step per day), with
        ``whole_runs`` every whole day up to the next gap or change of UTC offset.
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
            if whole_runs:
                days = (stop - i) // per_day
            elif whole_months:
                left_in_month = _days_in_month(date.year, date.month) - date.day + 1
                days = min(left_in_month, (stop - i) // per_day)
            yield date, day_start, i, i + days * per_day, days
            i += days * per_day


def _days_in_month(year: int, month: int) -> int:
    following = dt.date(year + (month == 12), month % 12 + 1, 1)
    return (following - dt.date(year, month, 1)).days
