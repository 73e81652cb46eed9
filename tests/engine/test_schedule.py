"""Tests of the schedule compiler: day tables, seasons, day types, UTC offsets, local days.

Expected day tables are read off the published windows by hand (REFERENCE_TARIFFS.md of
the project documents for the bundled tables, the YAML text for the small tables below);
a day table is written as ``(start, end, period)`` in local clock minutes.

Expected UTC instants of clock changes are worked out by hand from the published rules and
written with `calendar.timegm`, which knows nothing about time zones:

- United States: daylight saving time starts on the second Sunday of March at 02:00 local
  time and ends on the first Sunday of November at 02:00 (15 U.S.C. § 260a, as amended by
  the Energy Policy Act of 2005, § 110). In 2025: 9 March, 02:00 PST = 10:00 UTC, and
  2 November, 02:00 PDT = 09:00 UTC. Pacific standard time is UTC-8, daylight time UTC-7.
- United Kingdom: summer time starts on the last Sunday of March and ends on the last
  Sunday of October, both at 01:00 UTC (The Summer Time Order 2002, SI 2002/262). In 2024:
  31 March and 27 October; in 2025: 30 March and 26 October. GMT is UTC+0, BST UTC+1.
- New South Wales: daylight saving time runs from the first Sunday of October to the
  first Sunday of April (Standard Time Act 1987 (NSW), s. 4), so it spans the new year:
  from 2024-10-06 to 2025-04-06 Sydney is at UTC+11 (AEDT), otherwise UTC+10.
- Kiribati's Line Islands moved across the date line at the end of 1994: in the IANA time
  zone database (file ``australasia``), Pacific/Kiritimati is ``-10:00 ... 1994 Dec 31``
  then ``14:00``, so local 1994-12-31 was skipped and the offset changed from UTC-10 to
  UTC+14 at 1994-12-31 00:00 local = 10:00 UTC, within a day of the new year.
"""

from __future__ import annotations

import calendar
import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tariffs import load_tariff, parse_tariff
from tariffs.engine.schedule import Schedule, compile_schedule, local_days, utc_offset_runs
from tariffs.model.common import window_spans
from tariffs.model.tariff import Version

HOUR = 3600

Run = tuple[int, int, str]


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> int:
    """UTC epoch seconds of a UTC wall time."""
    return calendar.timegm((year, month, day, hour, minute, 0))


def version_of(body: str, timezone: str = "Asia/Shanghai") -> Version:
    """The single version of a small tariff whose version body is ``body`` (YAML, indented)."""
    text = (
        "id: schedule-test\n"
        "name: Schedule test\n"
        "currency: CNY\n"
        f"timezone: {timezone}\n"
        "reference: written for the tests\n"
        "versions:\n"
        '  "2020-01-01":\n' + body
    )
    return parse_tariff(text, "schedule-test.yaml").versions[dt.date(2020, 1, 1)]


def named_runs(schedule: Schedule, day: dt.date, event: bool = False) -> list[Run]:
    """The runs of a day table with period names instead of indexes."""
    table = schedule.day(day, event)
    return [(start, end, schedule.period_names[index]) for start, end, index in table.runs]


def hours(*runs: tuple[float, float, str]) -> list[Run]:
    """Runs written in clock hours, turned into minutes."""
    return [(int(start * 60), int(end * 60), name) for start, end, name in runs]


def season_name(schedule: Schedule, day: dt.date) -> str:
    return schedule.season_names[schedule.season_of(day)]


def day_type_name(schedule: Schedule, day: dt.date) -> str:
    return schedule.day_type_names[schedule.day_type_of(day)]


def assert_covers_day(runs: list[Run]) -> None:
    """Runs cover [0, 1440) in order, without gaps, and neighbours differ in period."""
    assert runs[0][0] == 0
    assert runs[-1][1] == 1440
    for (_, end, name), (start, _, next_name) in zip(runs, runs[1:], strict=False):
        assert end == start
        assert name != next_name
    assert all(start < end for start, end, _ in runs)


# -- day tables --------------------------------------------------------------------------

SHANGHAI_INDUSTRIAL = compile_schedule(
    load_tariff("cn-sh-industrial-two-part").versions[dt.date(2022, 1, 1)]
)
GUANGDONG_COMMERCIAL = compile_schedule(
    load_tariff("cn-gd-commercial-tou").versions[dt.date(2021, 10, 1)]
)


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        # July and August: summer periods, 12-14 critical peak inside the peak 08-15.
        (
            dt.date(2025, 7, 15),
            hours(
                (0, 6, "valley"),
                (6, 8, "flat"),
                (8, 12, "peak"),
                (12, 14, "critical_peak"),
                (14, 15, "peak"),
                (15, 18, "flat"),
                (18, 21, "peak"),
                (21, 22, "flat"),
                (22, 24, "valley"),
            ),
        ),
        # September: summer periods without critical peak.
        (
            dt.date(2025, 9, 30),
            hours(
                (0, 6, "valley"),
                (6, 8, "flat"),
                (8, 15, "peak"),
                (15, 18, "flat"),
                (18, 21, "peak"),
                (21, 22, "flat"),
                (22, 24, "valley"),
            ),
        ),
        # January: other-season periods, 19-21 critical peak inside the peak 18-21.
        (
            dt.date(2025, 1, 1),
            hours(
                (0, 6, "valley"),
                (6, 8, "flat"),
                (8, 11, "peak"),
                (11, 18, "flat"),
                (18, 19, "peak"),
                (19, 21, "critical_peak"),
                (21, 22, "flat"),
                (22, 24, "valley"),
            ),
        ),
        # June: other-season periods, no critical peak.
        (
            dt.date(2025, 6, 30),
            hours(
                (0, 6, "valley"),
                (6, 8, "flat"),
                (8, 11, "peak"),
                (11, 18, "flat"),
                (18, 21, "peak"),
                (21, 22, "flat"),
                (22, 24, "valley"),
            ),
        ),
    ],
)
def test_shanghai_industrial_day_tables(day: dt.date, expected: list[Run]) -> None:
    runs = named_runs(SHANGHAI_INDUSTRIAL, day)
    assert runs == expected
    assert_covers_day(runs)


def test_shanghai_industrial_season_of_day_table() -> None:
    assert SHANGHAI_INDUSTRIAL.season_names == ["summer", "other"]
    assert SHANGHAI_INDUSTRIAL.day(dt.date(2025, 7, 1), False).season == 0
    assert SHANGHAI_INDUSTRIAL.day(dt.date(2025, 10, 1), False).season == 1


def test_window_crossing_midnight_is_split_at_both_ends_of_the_day() -> None:
    version = version_of(
        "    periods:\n"
        "      - windows:\n"
        '          night: ["21:30-07:15"]\n'
        '          day: ["07:15-21:30"]\n'
        "    charges:\n"
        '      - {kind: energy, prices: {night: "0.3", day: "0.6"}}\n'
    )
    runs = named_runs(compile_schedule(version), dt.date(2025, 3, 3))
    assert runs == [(0, 435, "night"), (435, 1290, "day"), (1290, 1440, "night")]


def test_window_ending_at_midnight_and_whole_day_window() -> None:
    version = version_of(
        "    seasons:\n"
        "      summer: {months: [6, 7, 8]}\n"
        "      rest: {months: [1, 2, 3, 4, 5, 9, 10, 11, 12]}\n"
        "    periods:\n"
        "      - seasons: [summer]\n"
        "        windows:\n"
        '          late: ["22:00-00:00"]\n'
        '          early: ["00:00-22:00"]\n'
        "      - seasons: [rest]\n"
        "        windows:\n"
        '          flat: ["00:00-24:00"]\n'
        "    charges:\n"
        '      - {kind: energy, prices: {late: "0.3", early: "0.6", flat: "0.5"}}\n'
    )
    schedule = compile_schedule(version)
    assert named_runs(schedule, dt.date(2025, 7, 1)) == [(0, 1320, "early"), (1320, 1440, "late")]
    assert named_runs(schedule, dt.date(2025, 1, 1)) == [(0, 1440, "flat")]


def test_guangdong_override_every_day_of_july_to_september() -> None:
    expected = hours(
        (0, 8, "valley"),
        (8, 10, "flat"),
        (10, 11, "peak"),
        (11, 12, "critical_peak"),
        (12, 14, "flat"),
        (14, 15, "peak"),
        (15, 17, "critical_peak"),
        (17, 19, "peak"),
        (19, 24, "flat"),
    )
    for day in (dt.date(2025, 7, 1), dt.date(2025, 8, 31), dt.date(2025, 9, 13)):
        assert named_runs(GUANGDONG_COMMERCIAL, day) == expected
        # Every day of the months already has the critical peak; an event changes nothing.
        assert named_runs(GUANGDONG_COMMERCIAL, day, event=True) == expected


def test_guangdong_override_on_event_days_only_outside_july_to_september() -> None:
    ordinary = hours(
        (0, 8, "valley"),
        (8, 10, "flat"),
        (10, 12, "peak"),
        (12, 14, "flat"),
        (14, 19, "peak"),
        (19, 24, "flat"),
    )
    event = hours(
        (0, 8, "valley"),
        (8, 10, "flat"),
        (10, 11, "peak"),
        (11, 12, "critical_peak"),
        (12, 14, "flat"),
        (14, 15, "peak"),
        (15, 17, "critical_peak"),
        (17, 19, "peak"),
        (19, 24, "flat"),
    )
    for day in (dt.date(2025, 6, 30), dt.date(2025, 10, 1), dt.date(2026, 1, 5)):
        assert named_runs(GUANGDONG_COMMERCIAL, day) == ordinary
        assert named_runs(GUANGDONG_COMMERCIAL, day, event=True) == event


OVERRIDES = version_of(
    "    seasons:\n"
    "      summer: {months: [6, 7, 8]}\n"
    "      winter: {months: [1, 2, 3, 4, 5, 9, 10, 11, 12]}\n"
    "    periods:\n"
    "      - windows:\n"
    '          base: ["00:00-09:00", "12:00-13:00", "17:00-24:00"]\n'
    '          peak: ["09:00-12:00", "13:00-17:00"]\n'
    "    overrides:\n"
    # Replaces only peak: the base period 12:00-13:00 inside the window stays base.
    "      - period: super\n"
    '        windows: ["10:00-15:00"]\n'
    "        seasons: [summer]\n"
    "        replaces: [peak]\n"
    # No replaces: takes every minute of its window, the base period too; July only.
    "      - period: event\n"
    '        windows: ["16:00-18:00"]\n'
    "        months: [7]\n"
    # Crosses midnight, on declared event days only, replacing the base period.
    "      - period: night_event\n"
    '        windows: ["23:00-01:00"]\n'
    "        days: events\n"
    "        replaces: [base]\n"
    "    charges:\n"
    "      - kind: energy\n"
    '        prices: {base: "0.3", peak: "0.6", super: "0.9", event: "1.2", night_event: "1.5"}\n'
)


def test_override_replaces_only_the_named_period_in_its_season() -> None:
    schedule = compile_schedule(OVERRIDES)
    assert named_runs(schedule, dt.date(2025, 6, 10)) == hours(
        (0, 9, "base"),
        (9, 10, "peak"),
        (10, 12, "super"),
        (12, 13, "base"),
        (13, 15, "super"),
        (15, 17, "peak"),
        (17, 24, "base"),
    )
    # Winter: neither the summer override nor the July one.
    assert named_runs(schedule, dt.date(2025, 10, 10)) == hours(
        (0, 9, "base"),
        (9, 12, "peak"),
        (12, 13, "base"),
        (13, 17, "peak"),
        (17, 24, "base"),
    )


def test_override_by_month_without_replaces_takes_the_whole_window() -> None:
    schedule = compile_schedule(OVERRIDES)
    assert named_runs(schedule, dt.date(2025, 7, 10)) == hours(
        (0, 9, "base"),
        (9, 10, "peak"),
        (10, 12, "super"),
        (12, 13, "base"),
        (13, 15, "super"),
        (15, 16, "peak"),
        (16, 18, "event"),
        (18, 24, "base"),
    )
    # August is summer too, but not July.
    assert named_runs(schedule, dt.date(2025, 8, 10)) == hours(
        (0, 9, "base"),
        (9, 10, "peak"),
        (10, 12, "super"),
        (12, 13, "base"),
        (13, 15, "super"),
        (15, 17, "peak"),
        (17, 24, "base"),
    )


def test_event_override_crossing_midnight_applies_on_event_days_only() -> None:
    schedule = compile_schedule(OVERRIDES)
    plain = named_runs(schedule, dt.date(2025, 10, 10), event=False)
    event = named_runs(schedule, dt.date(2025, 10, 10), event=True)
    assert plain[0] == (0, 540, "base")
    assert event == hours(
        (0, 1, "night_event"),
        (1, 9, "base"),
        (9, 12, "peak"),
        (12, 13, "base"),
        (13, 17, "peak"),
        (17, 23, "base"),
        (23, 24, "night_event"),
    )
    for runs in (plain, event):
        assert_covers_day(runs)


def test_event_and_ordinary_day_tables_are_cached_apart() -> None:
    schedule = compile_schedule(OVERRIDES)
    day = dt.date(2025, 11, 4)
    first = schedule.day(day, True)
    second = schedule.day(day, False)
    assert first != second
    assert schedule.day(day, True) is first
    assert schedule.day(day, False) is second


def test_compile_schedule_caches_per_version() -> None:
    assert compile_schedule(OVERRIDES) is compile_schedule(OVERRIDES)


# -- seasons ------------------------------------------------------------------------------


def test_seasons_by_months() -> None:
    schedule = compile_schedule(load_tariff("cn-hydro-seasonal-tou").versions[dt.date(2024, 1, 1)])
    # wet June to October, dry December to April, normal May and November.
    expected = {
        dt.date(2025, 1, 1): "dry",
        dt.date(2025, 4, 30): "dry",
        dt.date(2025, 5, 1): "normal",
        dt.date(2025, 5, 31): "normal",
        dt.date(2025, 6, 1): "wet",
        dt.date(2025, 10, 31): "wet",
        dt.date(2025, 11, 1): "normal",
        dt.date(2025, 11, 30): "normal",
        dt.date(2025, 12, 1): "dry",
        dt.date(2024, 2, 29): "dry",
    }
    for day, name in expected.items():
        assert season_name(schedule, day) == name, day


RANGES = version_of(
    "    seasons:\n"
    '      winter: {ranges: [["11-15", "03-01"]]}\n'
    '      summer: {ranges: [["06-01", "09-16"]]}\n'
    '      shoulder: {ranges: [["03-01", "06-01"], ["09-16", "11-15"]]}\n'
    "    charges:\n"
    '      - {kind: energy, price_per_kwh: "0.5"}\n'
)


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (dt.date(2025, 11, 14), "shoulder"),
        (dt.date(2025, 11, 15), "winter"),  # start inclusive
        (dt.date(2025, 12, 31), "winter"),
        (dt.date(2026, 1, 1), "winter"),  # across the new year
        (dt.date(2026, 2, 28), "winter"),
        (dt.date(2024, 2, 29), "winter"),  # a leap day
        (dt.date(2026, 3, 1), "shoulder"),  # end exclusive
        (dt.date(2025, 5, 31), "shoulder"),
        (dt.date(2025, 6, 1), "summer"),
        (dt.date(2025, 9, 15), "summer"),
        (dt.date(2025, 9, 16), "shoulder"),
    ],
)
def test_seasons_by_ranges_crossing_the_new_year(day: dt.date, expected: str) -> None:
    assert season_name(compile_schedule(RANGES), day) == expected


def test_without_seasons_and_day_types_every_day_is_alike() -> None:
    version = version_of('    charges:\n      - {kind: energy, price_per_kwh: "0.5"}\n')
    schedule = compile_schedule(version)
    assert schedule.season_names == ["all"]
    assert schedule.day_type_names == ["all"]
    assert schedule.period_names == ["all"]
    for day in (dt.date(2025, 1, 1), dt.date(2025, 7, 5), dt.date(2024, 2, 29)):
        assert schedule.season_of(day) == 0
        assert schedule.day_type_of(day) == 0
        assert named_runs(schedule, day) == [(0, 1440, "all")]


# -- day types ----------------------------------------------------------------------------

DAY_TYPES = version_of(
    "    day_types:\n"
    "      workday: {weekdays: [mon, tue, wed, thu, fri]}\n"
    "      weekend: {weekdays: [sat, sun]}\n"
    "      holiday:\n"
    "        dates: [2025-10-01, 2025-10-02]\n"
    "        rrules:\n"
    "          - FREQ=YEARLY;BYMONTH=1;BYMONTHDAY=1\n"
    "          - FREQ=YEARLY;BYMONTH=12;BYMONTHDAY=25\n"
    "          - FREQ=YEARLY;BYMONTH=11;BYDAY=+4TH\n"
    "          - FREQ=YEARLY;BYMONTH=5;BYDAY=-1MO\n"
    "    periods:\n"
    "      - day_types: [workday]\n"
    "        windows:\n"
    '          base: ["00:00-08:00", "20:00-24:00"]\n'
    '          high: ["08:00-20:00"]\n'
    "      - day_types: [weekend, holiday]\n"
    "        windows:\n"
    '          base: ["00:00-24:00"]\n'
    "    charges:\n"
    '      - {kind: energy, prices: {base: "0.3", high: "0.6"}}\n'
)


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (dt.date(2025, 1, 1), "holiday"),  # Wednesday, by the rule BYMONTHDAY=1
        (dt.date(2026, 1, 1), "holiday"),  # Thursday: the rule holds in every year
        (dt.date(2025, 1, 2), "workday"),  # Thursday
        (dt.date(2025, 1, 4), "weekend"),  # Saturday
        (dt.date(2025, 1, 5), "weekend"),  # Sunday
        (dt.date(2025, 1, 6), "workday"),  # Monday
        (dt.date(2025, 10, 1), "holiday"),  # Wednesday, listed date
        (dt.date(2025, 10, 2), "holiday"),  # Thursday, listed date
        (dt.date(2025, 10, 3), "workday"),  # Friday
        (dt.date(2024, 10, 1), "workday"),  # Tuesday: the dates are of 2025 only
        (dt.date(2022, 12, 25), "holiday"),  # Sunday: the holiday wins over the weekend
        (dt.date(2021, 12, 25), "holiday"),  # Saturday
        # Fourth Thursday of November (U.S. Thanksgiving Day, 5 U.S.C. § 6103(a)).
        (dt.date(2025, 11, 27), "holiday"),
        (dt.date(2025, 11, 20), "workday"),  # the third Thursday
        (dt.date(2024, 11, 28), "holiday"),
        (dt.date(2024, 11, 29), "workday"),  # Friday after
        # Last Monday of May (Memorial Day, 5 U.S.C. § 6103(a)), BYDAY=-1MO.
        (dt.date(2025, 5, 26), "holiday"),
        (dt.date(2025, 5, 19), "workday"),
        (dt.date(2026, 5, 25), "holiday"),
    ],
)
def test_day_types_by_weekday_and_holidays(day: dt.date, expected: str) -> None:
    assert day_type_name(compile_schedule(DAY_TYPES), day) == expected


def test_a_date_that_is_a_holiday_of_two_day_types_is_refused() -> None:
    with pytest.raises(ValueError, match=r"holiday_a.*holiday_b"):
        version = version_of(
            "    day_types:\n"
            "      every_day: {weekdays: [mon, tue, wed, thu, fri, sat, sun]}\n"
            "      holiday_a: {dates: [2025-07-04]}\n"
            '      holiday_b: {rrules: ["FREQ=YEARLY;BYMONTH=7;BYMONTHDAY=4"]}\n'
            '    charges:\n      - {kind: energy, price_per_kwh: "0.5"}\n'
        )
        compile_schedule(version).day_type_of(dt.date(2025, 7, 4))


def test_holiday_day_table_follows_the_holiday_rule_not_the_weekday() -> None:
    schedule = compile_schedule(DAY_TYPES)
    assert named_runs(schedule, dt.date(2025, 1, 1)) == [(0, 1440, "base")]  # a Wednesday
    assert named_runs(schedule, dt.date(2025, 1, 2)) == hours(
        (0, 8, "base"), (8, 20, "high"), (20, 24, "base")
    )


# -- the shipped CN holiday calendar -------------------------------------------------------

# 2026 Spring Festival (国办发明电〔2025〕7号): days off 15 to 23 February, make-up workdays
# Saturday 14 and Saturday 28 February.
CN_DAY_TYPES = (
    "    day_types:\n"
    "      workday: {weekdays: [mon, tue, wed, thu, fri], workdays: CN}\n"
    "      weekend: {weekdays: [sat, sun]}\n"
    "      holiday: {holidays: CN}\n"
    '    charges:\n      - {kind: energy, price_per_kwh: "0.5"}\n'
)


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (dt.date(2026, 2, 13), "workday"),  # Friday
        (dt.date(2026, 2, 14), "workday"),  # Saturday, make-up workday (调休上班)
        (dt.date(2026, 2, 15), "holiday"),  # Sunday, first day off
        (dt.date(2026, 2, 16), "holiday"),  # Monday, day off
        (dt.date(2026, 2, 21), "holiday"),  # Saturday inside the span
        (dt.date(2026, 2, 23), "holiday"),  # Monday, last day off
        (dt.date(2026, 2, 24), "workday"),  # Tuesday
        (dt.date(2026, 2, 28), "workday"),  # Saturday, make-up workday
        (dt.date(2026, 3, 1), "weekend"),  # Sunday
        (dt.date(2026, 3, 7), "weekend"),  # Saturday
        (dt.date(2022, 12, 31), "holiday"),  # Saturday, 元旦 2023 of the 2023 notice
    ],
)
def test_cn_calendar_days_take_their_day_types(day: dt.date, expected: str) -> None:
    assert day_type_name(compile_schedule(version_of(CN_DAY_TYPES)), day) == expected


def test_cn_holidays_may_take_the_weekend_rules() -> None:
    schedule = compile_schedule(
        version_of(
            "    day_types:\n"
            "      workday: {weekdays: [mon, tue, wed, thu, fri], workdays: CN}\n"
            "      weekend: {weekdays: [sat, sun], holidays: CN}\n"
            '    charges:\n      - {kind: energy, price_per_kwh: "0.5"}\n'
        )
    )
    assert day_type_name(schedule, dt.date(2026, 2, 16)) == "weekend"  # Monday, day off
    assert day_type_name(schedule, dt.date(2026, 2, 14)) == "workday"  # Saturday, worked
    assert day_type_name(schedule, dt.date(2026, 3, 2)) == "workday"  # Monday


def test_dates_written_in_the_calendar_type_add_to_the_calendar() -> None:
    # 除夕 2024 (9 February) is not a day off in the notice, which only encourages it.
    schedule = compile_schedule(
        version_of(CN_DAY_TYPES.replace("{holidays: CN}", "{holidays: CN, dates: [2024-02-09]}"))
    )
    assert day_type_name(schedule, dt.date(2024, 2, 9)) == "holiday"
    assert day_type_name(schedule, dt.date(2024, 2, 10)) == "holiday"
    assert day_type_name(schedule, dt.date(2024, 2, 8)) == "workday"


def test_a_date_of_another_type_that_the_calendar_gives_a_type_is_refused() -> None:
    version = version_of(
        CN_DAY_TYPES.replace(
            "      holiday: {holidays: CN}\n",
            "      holiday: {holidays: CN}\n      event: {dates: [2026-02-14]}\n",
        )
    )
    with pytest.raises(
        ValueError,
        match=r"2026-02-14 is a holiday of two day types, 'workday' and 'event' "
        r"\(a CN make-up workday, then a date\)",
    ):
        compile_schedule(version).day_type_of(dt.date(2026, 2, 14))


def test_a_day_of_a_year_the_calendar_does_not_cover_is_refused() -> None:
    schedule = compile_schedule(version_of(CN_DAY_TYPES))
    with pytest.raises(
        ValueError, match=r"day_types\.workday\.workdays: .*covers 2020-2026, not 2027"
    ):
        schedule.day_type_of(dt.date(2027, 3, 1))


# -- granularity --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("windows", "overrides", "expected"),
    [
        ('base: ["00:00-24:00"]', "", 1440),
        ('base: ["22:00-08:00"]\n          high: ["08:00-22:00"]', "", 120),
        ('base: ["23:00-07:00"]\n          high: ["07:00-23:00"]', "", 60),
        ('base: ["21:30-07:00"]\n          high: ["07:00-21:30"]', "", 30),
        ('base: ["20:00-08:15"]\n          high: ["08:15-20:00"]', "", 15),
        # 22:40 is 1360 = 2^4 × 5 × 17 minutes; 1440 = 2^5 × 3^2 × 5; the gcd is 80.
        ('base: ["22:40-24:00"]\n          high: ["00:00-22:40"]', "", 80),
        # An override boundary at 17:05 counts too: gcd(..., 1025) = 5.
        (
            'base: ["22:00-08:00"]\n          high: ["08:00-22:00"]',
            '    overrides:\n      - {period: top, windows: ["17:05-18:00"]}\n',
            5,
        ),
    ],
)
def test_granularity_minutes(windows: str, overrides: str, expected: int) -> None:
    names = [line.split(":")[0].strip() for line in windows.splitlines()]
    if overrides:
        names.append("top")
    prices = ", ".join(f'{name}: "0.5"' for name in names)
    version = version_of(
        "    periods:\n"
        "      - windows:\n"
        f"          {windows}\n"
        f"{overrides}"
        "    charges:\n"
        f"      - {{kind: energy, prices: {{{prices}}}}}\n"
    )
    assert compile_schedule(version).granularity_minutes == expected


def test_granularity_of_the_bundled_tables() -> None:
    # Every boundary of both tables falls on a whole hour (REFERENCE_TARIFFS.md).
    assert SHANGHAI_INDUSTRIAL.granularity_minutes == 60
    assert GUANGDONG_COMMERCIAL.granularity_minutes == 60


# -- UTC offsets --------------------------------------------------------------------------

PST, PDT = -8 * HOUR, -7 * HOUR
GMT, BST = 0, HOUR


def test_utc_offset_runs_los_angeles_spring_forward() -> None:
    start, end = utc(2025, 3, 9), utc(2025, 3, 10)
    change = utc(2025, 3, 9, 10)
    assert utc_offset_runs("America/Los_Angeles", start, end) == [
        (start, change, PST),
        (change, end, PDT),
    ]


def test_utc_offset_runs_los_angeles_fall_back() -> None:
    start, end = utc(2025, 11, 2), utc(2025, 11, 3)
    change = utc(2025, 11, 2, 9)
    assert utc_offset_runs("America/Los_Angeles", start, end) == [
        (start, change, PDT),
        (change, end, PST),
    ]


def test_utc_offset_runs_los_angeles_whole_year() -> None:
    start, end = utc(2025, 1, 1, 8), utc(2026, 1, 1, 8)
    assert utc_offset_runs("America/Los_Angeles", start, end) == [
        (start, utc(2025, 3, 9, 10), PST),
        (utc(2025, 3, 9, 10), utc(2025, 11, 2, 9), PDT),
        (utc(2025, 11, 2, 9), end, PST),
    ]


def test_utc_offset_runs_london_2025() -> None:
    start, end = utc(2025, 1, 1), utc(2026, 1, 1)
    assert utc_offset_runs("Europe/London", start, end) == [
        (start, utc(2025, 3, 30, 1), GMT),
        (utc(2025, 3, 30, 1), utc(2025, 10, 26, 1), BST),
        (utc(2025, 10, 26, 1), end, GMT),
    ]


def test_utc_offset_runs_london_across_the_new_year() -> None:
    start, end = utc(2024, 10, 1), utc(2025, 4, 1)
    assert utc_offset_runs("Europe/London", start, end) == [
        (start, utc(2024, 10, 27, 1), BST),
        (utc(2024, 10, 27, 1), utc(2025, 3, 30, 1), GMT),
        (utc(2025, 3, 30, 1), end, BST),
    ]


def test_utc_offset_runs_do_not_split_at_the_new_year() -> None:
    # Los Angeles stays on PST from November to March.
    start, end = utc(2024, 12, 31), utc(2025, 1, 2)
    assert utc_offset_runs("America/Los_Angeles", start, end) == [(start, end, PST)]
    # Sydney keeps daylight time across the new year.
    start, end = utc(2024, 12, 1), utc(2025, 2, 1)
    assert utc_offset_runs("Australia/Sydney", start, end) == [(start, end, 11 * HOUR)]


def test_utc_offset_runs_with_a_change_next_to_the_new_year() -> None:
    start, end = utc(1994, 12, 25), utc(1995, 1, 10)
    change = utc(1994, 12, 31, 10)
    assert utc_offset_runs("Pacific/Kiritimati", start, end) == [
        (start, change, -10 * HOUR),
        (change, end, 14 * HOUR),
    ]


def test_local_days_across_a_skipped_local_day() -> None:
    # Hourly from 1994-12-30 00:00 local (UTC-10) = 10:00 UTC to 1995-01-02 00:00 local
    # (UTC+14) = 1995-01-01 10:00 UTC: 48 hours, on local 1994-12-30 and 1995-01-01.
    starts = every(3600, utc(1994, 12, 30, 10), utc(1995, 1, 1, 10))
    days = list(local_days(starts, 0, len(starts), "Pacific/Kiritimati"))
    assert_wall_clock(days, starts, "Pacific/Kiritimati")
    # One offset on each local day: each day is yielded once.
    assert days == [
        (dt.date(1994, 12, 30), utc(1994, 12, 30, 10), 0, 24),
        (dt.date(1995, 1, 1), utc(1994, 12, 31, 10), 24, 48),
    ]


def test_utc_offset_runs_starting_or_ending_at_a_change() -> None:
    change = utc(2025, 3, 9, 10)
    assert utc_offset_runs("America/Los_Angeles", change, change + HOUR) == [
        (change, change + HOUR, PDT)
    ]
    assert utc_offset_runs("America/Los_Angeles", change - HOUR, change) == [
        (change - HOUR, change, PST)
    ]
    assert utc_offset_runs("America/Los_Angeles", change - 1, change + 1) == [
        (change - 1, change, PST),
        (change, change + 1, PDT),
    ]


def test_utc_offset_runs_without_daylight_time_and_empty_span() -> None:
    start, end = utc(2024, 6, 1), utc(2026, 6, 1)
    assert utc_offset_runs("Asia/Shanghai", start, end) == [(start, end, 8 * HOUR)]
    assert utc_offset_runs("Asia/Shanghai", end, end) == []
    assert utc_offset_runs("Asia/Shanghai", end, start) == []


# -- local days ---------------------------------------------------------------------------


def every(step_seconds: int, start: int, end: int) -> list[int]:
    return list(range(start, end, step_seconds))


def assert_wall_clock(
    days: list[tuple[dt.date, int, int, int]], starts: list[int], timezone: str
) -> None:
    """Each interval is yielded once, on its local date, at its local clock minute."""
    zone = ZoneInfo(timezone)
    covered = [index for _, _, first, last in days for index in range(first, last)]
    assert covered == list(range(len(starts)))
    for date, day_start, first, last in days:
        assert first < last
        for index in range(first, last):
            local = dt.datetime.fromtimestamp(starts[index], zone)
            assert local.date() == date
            assert starts[index] - day_start == local.hour * 3600 + local.minute * 60


def test_local_days_los_angeles_spring_forward() -> None:
    # 2025-03-08 00:00 PST (08:00 UTC) to 2025-03-11 00:00 PDT (07:00 UTC): 71 hours.
    starts = every(900, utc(2025, 3, 8, 8), utc(2025, 3, 11, 7))
    assert len(starts) == 284
    days = list(local_days(starts, 0, len(starts), "America/Los_Angeles"))
    assert days == [
        (dt.date(2025, 3, 8), utc(2025, 3, 8, 8), 0, 96),
        # 00:00-02:00 PST: 8 intervals, midnight at 08:00 UTC.
        (dt.date(2025, 3, 9), utc(2025, 3, 9, 8), 96, 104),
        # 03:00-24:00 PDT: 84 intervals, the PDT midnight is 07:00 UTC.
        (dt.date(2025, 3, 9), utc(2025, 3, 9, 7), 104, 188),
        (dt.date(2025, 3, 10), utc(2025, 3, 10, 7), 188, 284),
    ]
    assert_wall_clock(days, starts, "America/Los_Angeles")


def test_local_days_los_angeles_fall_back() -> None:
    # 2025-11-01 00:00 PDT (07:00 UTC) to 2025-11-04 00:00 PST (08:00 UTC): 73 hours.
    starts = every(900, utc(2025, 11, 1, 7), utc(2025, 11, 4, 8))
    assert len(starts) == 292
    days = list(local_days(starts, 0, len(starts), "America/Los_Angeles"))
    assert days == [
        (dt.date(2025, 11, 1), utc(2025, 11, 1, 7), 0, 96),
        # 00:00-02:00 PDT (the first 01:00-02:00): 8 intervals.
        (dt.date(2025, 11, 2), utc(2025, 11, 2, 7), 96, 104),
        # 01:00-24:00 PST (the second 01:00-02:00 on): 92 intervals, midnight 08:00 UTC.
        (dt.date(2025, 11, 2), utc(2025, 11, 2, 8), 104, 196),
        (dt.date(2025, 11, 3), utc(2025, 11, 3, 8), 196, 292),
    ]
    assert_wall_clock(days, starts, "America/Los_Angeles")


def test_local_days_london_spring_forward_hourly() -> None:
    # 2025-03-29 00:00 GMT to 2025-03-31 00:00 BST (2025-03-30 23:00 UTC): 47 hours.
    starts = every(3600, utc(2025, 3, 29), utc(2025, 3, 30, 23))
    days = list(local_days(starts, 0, len(starts), "Europe/London"))
    assert days == [
        (dt.date(2025, 3, 29), utc(2025, 3, 29), 0, 24),
        (dt.date(2025, 3, 30), utc(2025, 3, 30), 24, 25),  # 00:00 GMT
        (dt.date(2025, 3, 30), utc(2025, 3, 29, 23), 25, 47),  # 02:00-24:00 BST
    ]
    assert_wall_clock(days, starts, "Europe/London")


def test_local_days_london_fall_back_half_hourly() -> None:
    # 2025-10-26 00:00 BST (2025-10-25 23:00 UTC) to 2025-10-27 00:00 GMT: 25 hours.
    starts = every(1800, utc(2025, 10, 25, 23), utc(2025, 10, 27))
    assert len(starts) == 50
    days = list(local_days(starts, 0, len(starts), "Europe/London"))
    assert days == [
        (dt.date(2025, 10, 26), utc(2025, 10, 25, 23), 0, 4),  # 00:00-02:00 BST
        (dt.date(2025, 10, 26), utc(2025, 10, 26), 4, 50),  # 01:00-24:00 GMT
    ]
    assert_wall_clock(days, starts, "Europe/London")


def test_local_days_of_a_slice_and_with_a_gap() -> None:
    starts = every(900, utc(2025, 3, 8, 8), utc(2025, 3, 11, 7))
    days = list(local_days(starts, 100, 150, "America/Los_Angeles"))
    assert days == [
        (dt.date(2025, 3, 9), utc(2025, 3, 9, 8), 100, 104),
        (dt.date(2025, 3, 9), utc(2025, 3, 9, 7), 104, 150),
    ]
    assert list(local_days(starts, 150, 150, "America/Los_Angeles")) == []
    # A whole missing local day (2025-06-02) is not yielded.
    gapped = every(3600, utc(2025, 6, 1, 7), utc(2025, 6, 2, 7)) + every(
        3600, utc(2025, 6, 3, 7), utc(2025, 6, 4, 7)
    )
    days = list(local_days(gapped, 0, len(gapped), "America/Los_Angeles"))
    assert days == [
        (dt.date(2025, 6, 1), utc(2025, 6, 1, 7), 0, 24),
        (dt.date(2025, 6, 3), utc(2025, 6, 3, 7), 24, 48),
    ]
    assert_wall_clock(days, gapped, "America/Los_Angeles")


def test_local_days_across_the_new_year_in_shanghai() -> None:
    # Asia/Shanghai is UTC+8 all year: local midnight is 16:00 UTC the day before.
    starts = every(1800, utc(2024, 12, 30, 16), utc(2025, 1, 1, 16))
    days = list(local_days(starts, 0, len(starts), "Asia/Shanghai"))
    assert days == [
        (dt.date(2024, 12, 31), utc(2024, 12, 30, 16), 0, 48),
        (dt.date(2025, 1, 1), utc(2024, 12, 31, 16), 48, 96),
    ]


@given(
    timezone=st.sampled_from(["America/Los_Angeles", "Europe/London", "Asia/Shanghai"]),
    first=st.integers(utc(2024, 10, 20), utc(2025, 11, 10)),
    step_seconds=st.sampled_from([300, 900, 1800, 3600]),
    count=st.integers(1, 1500),
)
def test_local_days_yield_every_interval_once_at_its_wall_clock(
    timezone: str, first: int, step_seconds: int, count: int
) -> None:
    start = first - first % step_seconds
    starts = every(step_seconds, start, start + count * step_seconds)
    days = list(local_days(starts, 0, len(starts), timezone))
    assert_wall_clock(days, starts, timezone)


# -- the fast paths of a schedule against their slow twins ---------------------------------


def _bundled_and_urdb_versions() -> list[tuple[str, Version]]:
    """Every version of every bundled table and of every URDB record kept for the tests."""
    from pathlib import Path

    from tariffs.errors import UnsupportedFeatureError
    from tariffs.io.tables import BUNDLED_TABLES
    from tariffs.io.urdb import load_urdb_tariff

    found = []
    for path in sorted(BUNDLED_TABLES.rglob("*.yaml")):
        tariff = load_tariff(str(path))
        found.extend((f"{tariff.id} {day}", version) for day, version in tariff.versions.items())
    for path in sorted((Path(__file__).parents[1] / "data" / "urdb").glob("*.json")):
        try:
            tariff = load_urdb_tariff(
                path, timezone="America/New_York", past_enddate=True, unpriced_attributes=True
            )
        except UnsupportedFeatureError:  # refused records are tested where they are read
            continue
        found.extend((f"{path.stem} {day}", version) for day, version in tariff.versions.items())
    return found


VERSIONS = _bundled_and_urdb_versions()


def _day_by_minutes(schedule: Schedule, season: int, day_type: int, month: int) -> tuple:
    """A day table painted minute by minute, as the version's text reads (no event day)."""
    version = schedule.version
    season_name = schedule.season_names[season]
    type_name = schedule.day_type_names[day_type]
    index = {name: i for i, name in enumerate(schedule.period_names)}
    owner = [0] * 1440
    for rule in version.periods or []:
        if rule.seasons is not None and season_name not in rule.seasons:
            continue
        if rule.day_types is not None and type_name not in rule.day_types:
            continue
        for period, windows in rule.windows.items():
            for start, end in window_spans(windows):
                owner[start:end] = [index[period]] * (end - start)
    for override in version.overrides:
        if (
            (override.months is not None and month not in override.months)
            or (override.seasons is not None and season_name not in override.seasons)
            or (override.day_types is not None and type_name not in override.day_types)
            or override.days == "events"
        ):
            continue
        replaces = None if override.replaces is None else {index[p] for p in override.replaces}
        for start, end in window_spans(override.windows):
            owner[start:end] = [
                index[override.period] if replaces is None or o in replaces else o
                for o in owner[start:end]
            ]
    runs = []
    for minute, period in enumerate(owner):
        if runs and runs[-1][2] == period:
            runs[-1][1] = minute + 1
        else:
            runs.append([minute, minute + 1, period])
    return tuple(tuple(run) for run in runs)


@pytest.mark.parametrize(("name", "version"), VERSIONS, ids=[name for name, _ in VERSIONS])
def test_day_tables_equal_the_version_painted_minute_by_minute(name: str, version: Version) -> None:
    schedule = Schedule(version, name)
    for season in range(len(schedule.season_names)):
        for day_type in range(len(schedule.day_type_names)):
            for month in range(1, 13):
                built = schedule._build(season, day_type, month, False)
                assert built.season == season
                assert built.runs == _day_by_minutes(schedule, season, day_type, month), (
                    name, season, day_type, month,
                )  # fmt: skip


@pytest.mark.parametrize(("name", "version"), VERSIONS, ids=[name for name, _ in VERSIONS])
def test_a_year_of_days_equals_each_date_asked_alone(name: str, version: Version) -> None:
    schedule = Schedule(version, name)
    for year in (2024, 2025):  # a leap year and a common one, starting on other weekdays
        for step in (900, 3600):
            if schedule.granularity_minutes % (step // 60):
                continue
            tables, codes = Schedule(version, name).year_days(year, step)
            day = dt.date(year, 1, 1)
            alone = []
            while day.year == year:
                alone.append(schedule.day(day, False))
                day += dt.timedelta(days=1)
            assert tables == tuple(alone), (name, year, step)
            assert codes == b"".join(schedule.pattern(table, step) for table in alone)
