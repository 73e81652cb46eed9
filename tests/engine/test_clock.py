"""The time-zone scanner against `zoneinfo` itself, instant by instant and day by day.

The reference is slow and independent of the scanner: `datetime.fromtimestamp` for the
offset at an instant, and PEP 495 folds (``fold=0`` and ``fold=1`` of a wall time give
different offsets exactly when the clocks skip or repeat it) for the days.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from strategies import DST_CHANGE_DAYS
from tariffs.engine.clock import local_day_offsets, utc_offset, utc_offset_runs

#: Whole-hour DST (two rules), half-hour DST (Lord Howe: +10:30 and +11:00), none.
ZONES = ("America/Los_Angeles", "Europe/London", "Australia/Lord_Howe", "Asia/Shanghai")
FIRST = int(dt.datetime(1990, 1, 1, tzinfo=dt.UTC).timestamp())
LAST = int(dt.datetime(2041, 1, 1, tzinfo=dt.UTC).timestamp())
DAY = 86400


def reference_offset(timezone: str, utc: int) -> int:
    delta = dt.datetime.fromtimestamp(utc, ZoneInfo(timezone)).utcoffset()
    assert delta is not None
    return int(delta.total_seconds())


def reference_day_offset(timezone: str, day: dt.date) -> int | None:
    """The day's offset if every probed wall time has it under both folds, else None.

    Probes are every quarter hour and the last second of the day; a change of offset
    inside the day shows at one of them, since no zone changes its offset twice in a day.
    """
    zone = ZoneInfo(timezone)
    midnight = dt.datetime(day.year, day.month, day.day)
    probes = [midnight + dt.timedelta(minutes=15 * k) for k in range(96)]
    probes.append(midnight + dt.timedelta(seconds=DAY - 1))
    offsets = {
        probe.replace(tzinfo=zone, fold=fold).utcoffset() for probe in probes for fold in (0, 1)
    }
    if len(offsets) != 1:
        return None
    (offset,) = offsets
    assert offset is not None
    return int(offset.total_seconds())


#: Months in which these zones change their clocks (northern and southern rules).
CHANGE_MONTHS = (3, 4, 9, 10, 11)


def reference_change_days(timezone: str, year: int) -> list[dt.date]:
    """The days of a year's change months whose offset is not constant, by the references."""
    found = []
    for month in CHANGE_MONTHS:
        first = dt.date(year, month, 1)
        following = dt.date(year, month + 1, 1)
        ends = [
            int(dt.datetime(d.year, d.month, d.day, tzinfo=dt.UTC).timestamp())
            for d in (first, following)
        ]
        if reference_offset(timezone, ends[0] - DAY) == reference_offset(timezone, ends[1] + DAY):
            continue  # no change this month (these zones change at most once a month)
        days = (first + dt.timedelta(days=k) for k in range((following - first).days))
        found += [day for day in days if reference_day_offset(timezone, day) is None]
    return found


@st.composite
def zone_instants(draw: st.DrawFn) -> tuple[str, int]:
    """A zone and an instant of 1990-2040, most often within two days of a clock change."""
    timezone = draw(st.sampled_from(ZONES), label="timezone")
    if draw(st.integers(min_value=0, max_value=3), label="kind"):
        year = draw(st.integers(min_value=1990, max_value=2040), label="year")
        changes = reference_change_days(timezone, year)
        if changes:
            day = draw(st.sampled_from(changes), label="change day")
            midnight = int(dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC).timestamp())
            return timezone, draw(
                st.integers(min_value=midnight - DAY, max_value=midnight + 2 * DAY)
            )
    return timezone, draw(st.integers(min_value=FIRST, max_value=LAST), label="instant")


@given(zone_instants(), st.integers(min_value=0, max_value=3 * DAY), st.data())
def test_runs_have_the_offset_of_every_instant(
    case: tuple[str, int], before: int, data: st.DataObject
) -> None:
    timezone, instant = case
    after = data.draw(st.integers(min_value=1, max_value=3 * DAY), label="after")
    start, end = instant - before, instant + after
    runs = utc_offset_runs(timezone, start, end)
    assert runs[0][0] == start and runs[-1][1] == end
    assert all(run[1] == following[0] for run, following in zip(runs, runs[1:], strict=False))
    (offset,) = [offset for run_start, run_end, offset in runs if run_start <= instant < run_end]
    assert offset == reference_offset(timezone, instant)
    for run_start, run_end, offset in runs:
        assert run_start < run_end
        inside = data.draw(st.integers(min_value=run_start, max_value=run_end - 1), label="inside")
        for moment in (run_start, inside, run_end - 1):
            assert reference_offset(timezone, moment) == offset
    # Every boundary between runs is a change of offset, at that very second.
    for run, following in zip(runs, runs[1:], strict=False):
        assert run[2] != following[2]


@given(zone_instants())
def test_offset_at_an_instant(case: tuple[str, int]) -> None:
    timezone, instant = case
    assert utc_offset(ZoneInfo(timezone), instant) == reference_offset(timezone, instant)


@given(zone_instants())
def test_local_day_offsets(case: tuple[str, int]) -> None:
    """The week around the instant's date, day by day."""
    timezone, instant = case
    middle = dt.datetime.fromtimestamp(instant, dt.UTC).date()
    for k in range(-3, 4):
        day = middle + dt.timedelta(days=k)
        offsets = local_day_offsets(timezone, day.year)
        assert len(offsets) == (dt.date(day.year + 1, 1, 1) - dt.date(day.year, 1, 1)).days
        assert offsets[day.timetuple().tm_yday - 1] == reference_day_offset(timezone, day)


def test_the_days_of_a_change_are_the_only_ones_without_an_offset() -> None:
    for timezone, days in DST_CHANGE_DAYS.items():
        offsets = local_day_offsets(timezone, 2025)
        changes = [
            dt.date(2025, 1, 1) + dt.timedelta(days=k) for k, o in enumerate(offsets) if o is None
        ]
        assert tuple(changes) == days
    # Lord Howe moves by half an hour: back on 6 April, forward on 5 October 2025.
    lord_howe = local_day_offsets("Australia/Lord_Howe", 2025)
    assert [k for k, o in enumerate(lord_howe) if o is None] == [95, 277]
    assert lord_howe[94] == 11 * 3600 and lord_howe[96] == 10 * 3600 + 1800
    assert set(local_day_offsets("Asia/Shanghai", 2025)) == {8 * 3600}


def test_a_skipped_day_has_no_offset() -> None:
    """Kiritimati skipped 31 December 1994 (-10:00 to +14:00): that day has no wall time."""
    offsets = local_day_offsets("Pacific/Kiritimati", 1994)
    assert offsets[-1] is None
    assert offsets[-2] == -10 * 3600
    assert local_day_offsets("Pacific/Kiritimati", 1995)[0] == 14 * 3600


@pytest.mark.parametrize(
    ("timezone", "year"),
    [
        ("America/Sao_Paulo", 2015),  # changes at midnight, both ways
        ("America/Havana", 2025),  # forward at 00:00, back at 01:00
        ("America/Santiago", 2025),  # at 24:00
        ("Asia/Beirut", 2025),  # at 00:00
        ("Antarctica/Troll", 2025),  # by two hours
        ("Pacific/Apia", 2011),  # skipped 30 December 2011
        ("Pacific/Kiritimati", 1994),  # skipped 31 December 1994
    ],
)
def test_every_day_of_a_year_with_odd_changes(timezone: str, year: int) -> None:
    first = dt.date(year, 1, 1)
    expected = tuple(
        reference_day_offset(timezone, first + dt.timedelta(days=k))
        for k in range((dt.date(year + 1, 1, 1) - first).days)
    )
    assert local_day_offsets(timezone, year) == expected


@pytest.mark.parametrize(
    "zone", ["UTC", "GMT", "UCT", "Universal", "Zulu", "Greenwich", "Etc/GMT+7", "Etc/GMT-14"]
)
def test_fixed_offset_zones_have_one_run_a_year(zone: str) -> None:
    # The tz database's fixed-offset zones are read without a scan: one run, the offset
    # the zone has at every instant of the year (checked hour by hour here).
    from tariffs.engine.clock import _scan_year

    (run,) = _scan_year(zone, 2025)
    start = int(dt.datetime(2025, 1, 1, tzinfo=dt.UTC).timestamp()) - 86400
    assert run[0] == start
    hours = range(start, start + 367 * 86400, 3600)
    assert {utc_offset(ZoneInfo(zone), t) for t in hours} == {run[1]}


#: Zones whose offsets changed in odd ways, or never since 1991, or by minutes.
FILE_ZONES = (
    "Asia/Shanghai",
    "Asia/Kolkata",
    "Asia/Kathmandu",
    "Europe/Moscow",
    "Europe/London",
    "America/Sao_Paulo",
    "America/Havana",
    "Pacific/Apia",
    "Pacific/Kiritimati",
    "Antarctica/Troll",
    "Africa/Casablanca",
    "Australia/Lord_Howe",
)


@pytest.mark.parametrize("timezone", FILE_ZONES)
@pytest.mark.parametrize("year", [1970, 1994, 2011, 2014, 2025, 2037, 2045])
def test_the_zone_files_instants_give_the_runs_of_the_six_hour_scan(
    timezone: str, year: int
) -> None:
    # Where the zone's file lists every change of the year, the offsets are asked only
    # at those instants; the runs must be those of sampling every 6 hours and bisecting.
    from tariffs.engine.clock import _sampled_year, _scan_year

    zone = ZoneInfo(timezone)
    start = int(dt.datetime(year, 1, 1, tzinfo=dt.UTC).timestamp()) - DAY
    end = int(dt.datetime(year + 1, 1, 1, tzinfo=dt.UTC).timestamp()) + DAY
    sampled = _sampled_year(zone, start, end, [(start, utc_offset(zone, start))])
    assert _scan_year(timezone, year) == sampled
    # and each run's offset is the zone's at its first and last second
    ends = [t for t, _ in sampled[1:]] + [end]
    for (t, offset), after in zip(sampled, ends, strict=True):
        assert reference_offset(timezone, t) == offset == reference_offset(timezone, after - 1)


def test_a_zone_without_a_readable_file_is_sampled(monkeypatch: pytest.MonkeyPatch) -> None:
    from tariffs.engine import clock
    from tariffs.engine.pricing import clear_caches

    clear_caches()
    with_file = clock._scan_year("Asia/Shanghai", 1988)  # daylight saving 1986 to 1991
    assert len(with_file) == 3  # the start, April and September
    monkeypatch.setattr(clock, "_zone_file", lambda timezone: None)
    clear_caches()  # the file's instants are kept
    assert clock.zone_file_transitions("Asia/Shanghai") is None
    assert clock._scan_year("Asia/Shanghai", 1988) == with_file


def test_a_zone_file_tells_whether_a_daylight_saving_rule_follows() -> None:
    from tariffs.engine.clock import zone_file_transitions

    shanghai = zone_file_transitions("Asia/Shanghai")
    london = zone_file_transitions("Europe/London")
    assert shanghai is not None and london is not None
    assert not shanghai[1] and london[1]
    # Shanghai's last change: back to standard time on 1991-09-15 at 02:00 CDT (UTC+9)
    assert shanghai[0][-1] == int(dt.datetime(1991, 9, 14, 17, tzinfo=dt.UTC).timestamp())
