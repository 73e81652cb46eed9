"""Re-dating readings into another year (`tariffs.engine.redate`).

The readings of each test are hourly, and each day's 24 readings hold the day's number in
its year (1 January: 1 kWh, 2 January: 2 kWh, ...) spread over the day, so that where a
day lands can be read from the kWh of the target day. Weekdays of 1 January, from the
calendar: 2013 Tuesday, 2016 Friday, 2024 Monday, 2025 Wednesday, 2028 Saturday.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from tables import flat_body, table_yaml
from tariffs import Readings, parse_tariff, price
from tariffs.engine.redate import redate
from tariffs.errors import ReadingsError

ZONE = "Asia/Shanghai"
HOUR = 3600


def year_of_days(year: int, zone: str = ZONE, first: int = 1, last: int | None = None) -> Readings:
    """Hourly readings of days ``first``..``last`` (1-based) of ``year``; day n has n kWh.

    In a zone with clock changes the readings are 24 hours apart per "day" of readings,
    not per local day; only the refusal of such zones is tested with them.
    """
    tz = ZoneInfo(zone)
    days = (dt.date(year + 1, 1, 1) - dt.date(year, 1, 1)).days
    last = days if last is None else last
    start = int(dt.datetime(year, 1, 1, tzinfo=tz).timestamp()) + (first - 1) * 86400
    count = (last - first + 1) * 24
    # The day's kWh sit in its first hour; its other hours read zero.
    kwh = []
    for day in range(first, last + 1):
        kwh.extend([day * 1000] + [0] * 23)
    return Readings(
        source="year.csv",
        interval_seconds=HOUR,
        starts=list(range(start, start + count * HOUR, HOUR)),
        scale=3,
        kwh=kwh,
    )


def kwh_by_date(readings: Readings, zone: str = ZONE) -> dict[dt.date, int]:
    """Whole kWh of each local date."""
    tz = ZoneInfo(zone)
    found: dict[dt.date, int] = {}
    for start, value in zip(readings.starts, readings.kwh, strict=True):
        day = dt.datetime.fromtimestamp(start, tz).date()
        found[day] = found.get(day, 0) + value
    return {day: value // 1000 for day, value in found.items()}


def test_weekday_rotation_of_a_common_year() -> None:
    # 2013 begins on a Tuesday, 2025 on a Wednesday: shift (2 - 1) mod 7 = 1 day, so
    # 2013-01-02 (Wednesday, day 2) is 2025-01-01, and 2013-01-01 wraps to 2025-12-31.
    moved = redate(year_of_days(2013), ZONE, 2025)
    by_date = kwh_by_date(moved)
    assert len(by_date) == 365
    assert by_date[dt.date(2025, 1, 1)] == 2
    assert by_date[dt.date(2025, 12, 30)] == 365  # 2013-12-31
    assert by_date[dt.date(2025, 12, 31)] == 1  # 2013-01-01, wrapped
    for day in range(2, 366):  # every day but the wrapped one keeps its weekday
        source = dt.date(2013, 1, 1) + dt.timedelta(days=day - 1)
        target = dt.date(2025, 1, 1) + dt.timedelta(days=day - 2)
        assert by_date[target] == day
        assert source.weekday() == target.weekday()
    assert sum(moved.kwh) == sum(year_of_days(2013).kwh) == 365 * 366 // 2 * 1000
    assert moved.notes == (
        "readings re-dated from 2013 to 2025, weekdays kept: each day moved 1 day earlier "
        "in the year (2013-01-02 is 2025-01-01)",
        "the year is rotated: 2013-01-01 is 2025-12-31, a day of another weekday",
    )
    assert moved.gaps == ()
    # The time of day is kept: each day's kWh still sit in its first hour.
    first = dt.datetime.fromtimestamp(moved.starts[0], ZoneInfo(ZONE))
    assert (first.hour, moved.kwh[0], moved.kwh[1]) == (0, 2000, 0)


def test_weekday_rotation_of_a_leap_year_leaves_out_its_31_december() -> None:
    # 2016 (Friday) to 2025 (Wednesday): shift (2 - 4) mod 7 = 5 days. 2016-12-31 (day
    # 366) has no day in a 365-day year and is left out: 366 kWh.
    moved = redate(year_of_days(2016), ZONE, 2025)
    by_date = kwh_by_date(moved)
    assert len(by_date) == 365
    assert by_date[dt.date(2025, 1, 1)] == 6  # 2016-01-06, a Wednesday
    assert dt.date(2016, 1, 6).weekday() == dt.date(2025, 1, 1).weekday() == 2
    # Source day j (0-based) lands on (j - 5) mod 365: 2016-12-30 (j = 364) on 359,
    # 2025-12-26; 2016-01-01..05 (j = 0..4) wrap to 2025-12-27..31.
    assert by_date[dt.date(2025, 12, 26)] == 365
    assert [by_date[dt.date(2025, 12, d)] for d in range(27, 32)] == [1, 2, 3, 4, 5]
    assert sum(by_date.values()) == 366 * 367 // 2 - 366
    assert "2016-12-31 was left out: 24 readings, 366.000 kWh" in moved.notes
    assert moved.notes[1] == (
        "the year is rotated: 2016-01-01 is 2025-12-27, 2016-01-02 is 2025-12-28, "
        "2016-01-03 is 2025-12-29, 2016-01-04 is 2025-12-30, 2016-01-05 is 2025-12-31, "
        "a day of another weekday"
    )


def test_date_alignment_leaves_out_29_february_in_a_common_year() -> None:
    moved = redate(year_of_days(2016), ZONE, 2025, align="date")
    by_date = kwh_by_date(moved)
    assert len(by_date) == 365
    assert by_date[dt.date(2025, 2, 28)] == 59
    assert by_date[dt.date(2025, 3, 1)] == 61  # 2016-03-01 is day 61
    assert by_date[dt.date(2025, 12, 31)] == 366
    assert sum(by_date.values()) == 366 * 367 // 2 - 60
    assert moved.notes == (
        "readings re-dated from 2016 to 2025, month and day kept",
        "2016-02-29 was left out: 24 readings, 60.000 kWh",
    )


def test_date_alignment_into_a_leap_year_needs_gaps_allowed_for_29_february() -> None:
    with pytest.raises(ReadingsError) as caught:
        redate(year_of_days(2013), ZONE, 2024, align="date")
    assert str(caught.value) == (
        "year.csv: the re-dated readings have none from 2024-02-29T00:00 to "
        "2024-03-01T00:00; bill it as a gap with --allow-gaps, or keep weekdays instead "
        "(--align weekday)"
    )
    moved = redate(year_of_days(2013), ZONE, 2024, align="date", allow_gaps=True)
    feb29 = int(dt.datetime(2024, 2, 29, tzinfo=ZoneInfo(ZONE)).timestamp())
    assert moved.gaps == ((feb29, feb29 + 86400),)
    assert kwh_by_date(moved)[dt.date(2024, 3, 1)] == 60  # 2013-03-01 is day 60


def test_weekday_rotation_into_a_leap_year_leaves_its_31_december_unread() -> None:
    # 2013 (Tuesday) to 2024 (Monday): shift (0 - 1) mod 7 = 6 days; 365 days fill
    # 2024-01-01..2024-12-30 and 2024-12-31 has no readings: December is billed as a
    # partial period, and says so.
    moved = redate(year_of_days(2013), ZONE, 2024)
    by_date = kwh_by_date(moved)
    assert min(by_date) == dt.date(2024, 1, 1) and max(by_date) == dt.date(2024, 12, 30)
    assert by_date[dt.date(2024, 1, 1)] == 7  # 2013-01-07, a Monday
    text = table_yaml("t-flat", flat_body("1.00")).replace('"2025-01-01":', '"2024-01-01":')
    tariff = parse_tariff(text, source="t.yaml")
    bills = price(tariff, moved, end=dt.date(2025, 1, 1))
    december = bills[-1]
    assert december.period_start == dt.date(2024, 12, 1)
    assert december.warnings[0].startswith("readings re-dated from 2013 to 2024")
    assert december.warnings[-1] == "partial period: 2024-12-01 to 2024-12-31 (30 of 31 days)"


def test_a_part_of_a_year_moves_by_the_shift_and_may_not_leave_the_year() -> None:
    # June 2013 (days 152..181) to 2025: one day earlier, 2025-05-31..2025-06-29.
    june = redate(year_of_days(2013, first=152, last=181), ZONE, 2025)
    by_date = kwh_by_date(june)
    assert min(by_date) == dt.date(2025, 5, 31) and by_date[dt.date(2025, 5, 31)] == 152
    assert max(by_date) == dt.date(2025, 6, 29)
    with pytest.raises(ReadingsError) as caught:
        redate(year_of_days(2013, first=1, last=31), ZONE, 2025)
    assert str(caught.value) == (
        "year.csv: 2013-01-01 would fall outside 2025 when weekdays are aligned (a shift "
        "of 1 days); re-date by date instead (--align date), or re-date a whole year"
    )
    by_date = kwh_by_date(redate(year_of_days(2013, first=1, last=31), ZONE, 2025, align="date"))
    assert by_date[dt.date(2025, 1, 1)] == 1


def test_several_years_need_the_source_year_named() -> None:
    both = year_of_days(2012)
    later = year_of_days(2013)
    joined = Readings(
        source="two.csv",
        interval_seconds=HOUR,
        starts=both.starts + later.starts,
        scale=3,
        kwh=both.kwh + later.kwh,
    )
    with pytest.raises(ReadingsError) as caught:
        redate(joined, ZONE, 2025)
    assert str(caught.value) == (
        "two.csv: the readings span 2012 to 2013; re-dating moves one calendar year: name "
        "it (e.g. --as-year 2013:2025)"
    )
    moved = redate(joined, ZONE, 2025, source_year=2013)
    assert sum(moved.kwh) == sum(later.kwh)
    # 2012 has 366 days: 366 × 367 / 2 = 67,161 kWh not used.
    assert "8784 readings outside 2013 were not used (67161.000 kWh)" in moved.notes
    with pytest.raises(ReadingsError, match="no readings in 2030 to re-date"):
        redate(joined, ZONE, 2025, source_year=2030)


def test_clock_changes_are_refused_and_a_fixed_offset_zone_is_not() -> None:
    with pytest.raises(ReadingsError) as caught:
        redate(year_of_days(2013, "America/Denver"), "America/Denver", 2025)
    # 2013-03-10 (a Sunday, DST begins) would be 2025-03-09, when DST begins in 2025 too;
    # the first day refused is the first moved that has a change in either year.
    assert "the clocks change on" in str(caught.value)
    assert str(caught.value).endswith(
        "in America/Denver; re-date readings on a clock without changes (the fixed-offset "
        "zone of America/Denver's standard time, Etc/GMT+7; a URDB record: --timezone "
        "Etc/GMT+7)"
    )
    # Sydney's standard time is its winter's (July's) +10:00: Etc/GMT-10.
    with pytest.raises(ReadingsError) as caught:
        redate(year_of_days(2013, "Australia/Sydney"), "Australia/Sydney", 2025)
    assert str(caught.value).endswith("Etc/GMT-10; a URDB record: --timezone Etc/GMT-10)")
    moved = redate(year_of_days(2013, "Etc/GMT+7"), "Etc/GMT+7", 2025)
    assert kwh_by_date(moved, "Etc/GMT+7")[dt.date(2025, 1, 1)] == 2


def test_readings_in_the_target_year_already_are_kept_as_they_are() -> None:
    readings = year_of_days(2025)
    moved = redate(readings, ZONE, 2025)
    assert moved.starts == readings.starts and moved.kwh == readings.kwh
    assert moved.notes == ("readings re-dated from 2025 to 2025, weekdays and dates kept",)


@pytest.mark.parametrize("align", ["weekday", "date"])
@pytest.mark.parametrize("source", [2011, 2012, 2013, 2016, 2020])
@pytest.mark.parametrize("target", [2024, 2025, 2026, 2028])
def test_kwh_are_kept_or_said_to_be_left_out(source: int, target: int, align: str) -> None:
    readings = year_of_days(source)
    # allow_gaps: a common year into a leap year by date leaves 29 February unread.
    moved = redate(readings, ZONE, target, align=align, allow_gaps=True)  # type: ignore[arg-type]
    left_out = [note for note in moved.notes if "was left out" in note]
    left_kwh = sum(Decimal(note.split(", ")[1].split()[0]) for note in left_out)
    assert Decimal(sum(moved.kwh)) / 1000 + left_kwh == Decimal(sum(readings.kwh)) / 1000
    assert all(start % HOUR == 0 for start in moved.starts)
    assert moved.starts == sorted(set(moved.starts))
    assert {dt.datetime.fromtimestamp(s, ZoneInfo(ZONE)).year for s in moved.starts} == {target}
