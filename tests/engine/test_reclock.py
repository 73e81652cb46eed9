"""Readings moved from one wall clock to another (`reclock`), worked out by hand."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from tariffs import Readings
from tariffs.engine.reclock import reclock
from tariffs.errors import ReadingsError

LA = ZoneInfo("America/Los_Angeles")


def hourly(first: dt.datetime, count: int, gaps: tuple[tuple[int, int], ...] = ()) -> Readings:
    start = int(first.timestamp())
    starts = [start + 3600 * i for i in range(count)]
    for a, b in gaps:
        starts = [s for s in starts if not a <= s < b]
    return Readings("r.csv", 3600, starts, 3, [1000] * len(starts), gaps=gaps)


def test_each_hour_keeps_its_wall_clock_time() -> None:
    # 2011-01-01 00:00 in Los Angeles is 08:00Z; in Shanghai 00:00 is 2010-12-31 16:00Z.
    readings = hourly(dt.datetime(2011, 1, 1, tzinfo=LA), 3)
    moved = reclock(readings, "America/Los_Angeles", "Asia/Shanghai")
    shanghai_midnight = int(dt.datetime(2011, 1, 1, tzinfo=ZoneInfo("Asia/Shanghai")).timestamp())
    assert moved.starts == [shanghai_midnight, shanghai_midnight + 3600, shanghai_midnight + 7200]
    assert moved.kwh == readings.kwh
    assert moved.notes == (
        "readings moved from the wall clock of America/Los_Angeles to that of Asia/Shanghai: "
        "each interval keeps its local date and time",
    )


def test_gaps_move_with_the_readings() -> None:
    first = int(dt.datetime(2011, 1, 1, tzinfo=LA).timestamp())
    readings = hourly(dt.datetime(2011, 1, 1, tzinfo=LA), 4, gaps=((first + 3600, first + 7200),))
    moved = reclock(readings, "America/Los_Angeles", "UTC")
    midnight = int(dt.datetime(2011, 1, 1, tzinfo=dt.UTC).timestamp())
    assert moved.starts == [midnight, midnight + 7200, midnight + 10800]
    assert moved.gaps == ((midnight + 3600, midnight + 7200),)


def test_days_stay_days_at_local_midnight() -> None:
    # Two days from midnight on New York's standard time (05:00Z), moved to Shanghai:
    # each starts at Shanghai's midnight of the same date (16:00Z the day before).
    first = int(dt.datetime(2013, 1, 1, 5, tzinfo=dt.UTC).timestamp())
    readings = Readings("r.xml", 86400, [first, first + 86400], 3, [1000, 2000])
    moved = reclock(readings, "Etc/GMT+5", "Asia/Shanghai")
    midnight = int(dt.datetime(2012, 12, 31, 16, tzinfo=dt.UTC).timestamp())
    assert (moved.interval_seconds, moved.starts) == (86400, [midnight, midnight + 86400])
    # The days of 23 and 25 hours of a clock with changes are what the Green Button
    # reader moves before it checks the lengths (tests/cli/test_real_profiles.py).


def test_an_hour_the_clocks_skip_is_refused_naming_it() -> None:
    # 2011-03-13 in Los Angeles: 01:00-03:00 on the wall clock is one hour of readings.
    readings = hourly(dt.datetime(2011, 3, 13, tzinfo=LA), 4)
    with pytest.raises(ReadingsError) as caught:
        reclock(readings, "America/Los_Angeles", "Asia/Shanghai")
    assert str(caught.value) == (
        "r.csv: moved to the wall clock of Asia/Shanghai, the interval from 2011-03-13T01:00 "
        "(America/Los_Angeles) would last 7200 s, not 3600 s as the others: a clock changes "
        "inside it; move readings of a clock without changes instead (--wall-clock "
        "Etc/GMT+8, the standard time of America/Los_Angeles)"
    )


def test_a_wall_time_the_target_clock_skips_is_refused() -> None:
    readings = hourly(dt.datetime(2011, 3, 13, tzinfo=ZoneInfo("Etc/GMT+8")), 4)
    with pytest.raises(ReadingsError) as caught:
        reclock(readings, "Etc/GMT+8", "America/Los_Angeles")
    assert str(caught.value) == (
        "r.csv: cannot move the readings to the wall clock of America/Los_Angeles: "
        "2011-03-13T02:00 there is skipped or repeated by a clock change; price them under a "
        "tariff on standard time all year, Etc/GMT+8 (a URDB record: --timezone Etc/GMT+8), "
        "or price their instants without --wall-clock (a CSV file on standard time all "
        "year is read so with --clock standard, or gives them with a UTC offset on every row)"
    )


def test_the_same_zone_and_unknown_zones() -> None:
    readings = hourly(dt.datetime(2011, 1, 1, tzinfo=LA), 2)
    assert reclock(readings, "America/Los_Angeles", "America/Los_Angeles") is readings
    with pytest.raises(ReadingsError, match="unknown time zone 'Mars/Olympus'"):
        reclock(readings, "Mars/Olympus", "UTC")
