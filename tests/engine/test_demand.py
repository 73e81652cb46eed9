"""Tests of maximum demand: window lengths, clock-aligned and sliding windows, kw columns.

Demand over a window is the kWh of the window × 60 / window minutes [kW]. Every expected
value below is that arithmetic done by hand on a few non-baseline intervals; the baseline
of every day is 0.1 kWh per interval, so a window of baseline intervals is small.

Lord Howe Island shifts its clock by 30 minutes: standard time UTC+10:30, daylight time
UTC+11:00 from the first Sunday of October at 02:00 (IANA time zone database, file
``australasia``, rules ``LH``). In 2025 the change is on 5 October at 02:00 local standard
time = 2025-10-04 15:30 UTC.

The small tariff has two periods, ``night`` (22:00 to 08:00 and 20:00 to 24:00 local) and
``day`` (08:00 to 20:00), so that per-period demand can be checked.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from decimal import Decimal

import pytest

from tariffs import parse_tariff
from tariffs.engine import measures
from tariffs.engine.measures import max_demand
from tariffs.engine.schedule import Schedule, compile_schedule
from tariffs.engine.usage import Plan, plan_segment
from tariffs.engine.usage import usage_of as sum_plan
from tariffs.errors import ReadingsError
from tariffs.model.readings import Readings

SOURCE = "meter.csv"
BASELINE = "0.1"


def schedule_for(timezone: str) -> Schedule:
    tariff = parse_tariff(
        "id: demand-test\n"
        "name: Demand test\n"
        "currency: CNY\n"
        f"timezone: {timezone}\n"
        "reference: written for the tests\n"
        "versions:\n"
        '  "2025-01-01":\n'
        "    periods:\n"
        "      - windows:\n"
        '          night: ["00:00-08:00", "20:00-24:00"]\n'
        '          day: ["08:00-20:00"]\n'
        "    charges:\n"
        '      - {kind: energy, prices: {night: "0.3", day: "0.6"}}\n',
        "demand-test.yaml",
    )
    return compile_schedule(tariff.versions[dt.date(2025, 1, 1)])


SHANGHAI = schedule_for("Asia/Shanghai")
NIGHT = SHANGHAI.period_names.index("night")
DAY = SHANGHAI.period_names.index("day")


def local_start(day: dt.date, timezone_hours: float) -> int:
    """UTC epoch seconds of local midnight in a zone at a fixed offset [h]."""
    return calendar.timegm((day.year, day.month, day.day, 0, 0, 0)) - int(timezone_hours * 3600)


def units(text: str) -> int:
    """A quantity in units of 10**-3 (the readings' scale)."""
    return int(Decimal(text) * 1000)


def day_readings(
    step_minutes: int,
    peaks: dict[str, str],
    *,
    day: dt.date = dt.date(2025, 7, 1),
    days: int = 1,
    timezone_hours: float = 8,
    kw: dict[str, str] | None = None,
    kw_baseline: str = "0.5",
    missing: tuple[str, ...] = (),
) -> Readings:
    """Whole local days of readings at ``step_minutes``, 0.1 kWh except at ``peaks``.

    ``peaks`` and ``kw`` are keyed by local ``"HH:MM"`` on the first day, or
    ``"D HH:MM"`` on day D (1-based); ``missing`` intervals are left out (a gap).
    """
    first = local_start(day, timezone_hours)
    step = step_minutes * 60
    starts: list[int] = []
    kwh: list[int] = []
    kw_values: list[int] = []
    gaps: list[tuple[int, int]] = []
    for index in range(days * 1440 // step_minutes):
        minute = index * step_minutes
        clock = f"{minute % 1440 // 60:02d}:{minute % 60:02d}"
        keys = {f"{minute // 1440 + 1} {clock}"} | ({clock} if minute < 1440 else set())
        start = first + index * step
        if keys & set(missing):
            gaps.append((start, start + step))
            continue
        starts.append(start)
        kwh.append(units(next((peaks[k] for k in keys if k in peaks), BASELINE)))
        kw_values.append(units(next((kw[k] for k in keys if k in kw), kw_baseline)) if kw else 0)
    return Readings(
        source=SOURCE,
        interval_seconds=step,
        starts=starts,
        scale=3,
        kwh=kwh,
        kw=kw_values if kw else None,
        gaps=tuple(gaps),
    )


class Planned:
    """A segment's readings and its plan: what the engine measures demand from."""

    def __init__(self, readings: Readings, plan: Plan) -> None:
        self.readings = readings
        self.plan = plan

    @property
    def total_kwh(self) -> int:
        return sum_plan(self.readings, self.plan).total_kwh

    def runs_of(self, periods: frozenset[int] | None) -> list[slice]:
        return self.plan.runs_of(periods)


def aggregate(
    readings: Readings, schedule: Schedule, timezone: str, start: int, end: int
) -> Planned:
    return Planned(readings, plan_segment(readings, schedule, timezone, start, end, frozenset()))


def usage_of(
    readings: Readings, schedule: Schedule = SHANGHAI, timezone: str = "Asia/Shanghai"
) -> Planned:
    return aggregate(readings, schedule, timezone, readings.starts[0], readings.end)


def within_windows(usage: Planned, spans: list[tuple[int, int]]) -> Planned:
    return Planned(usage.readings, measures.within_windows(usage.plan, usage.readings, spans))


def demand(
    usages: list[Planned],
    window_minutes: int,
    *,
    sliding: bool = False,
    periods: set[int] | None = None,
) -> Decimal:
    (readings,) = {id(usage.readings): usage.readings for usage in usages}.values()
    return max_demand(
        readings,
        [usage.plan for usage in usages],
        window_minutes,
        sliding=sliding,
        periods=periods,
        tariff_id="demand-test",
    )


# -- 15-minute data ----------------------------------------------------------------------


def test_fifteen_minute_data_demand_is_the_largest_interval_times_four() -> None:
    usage = usage_of(day_readings(15, {"09:00": "2.5", "03:15": "1.234"}))
    assert demand([usage], 15) == Decimal("10")  # 2.5 kWh × 4
    assert demand([usage], 15, sliding=True) == Decimal("10")


def test_fifteen_minute_demand_is_exact() -> None:
    usage = usage_of(day_readings(15, {"03:15": "1.234", "17:45": "1.233"}))
    result = demand([usage], 15)
    assert result == Decimal("4.936")  # 1.234 × 4, not a float
    assert isinstance(result, Decimal)


# -- 5-minute data: clock-aligned against sliding ----------------------------------------


def test_five_minute_data_clock_aligned_sums_three_aligned_intervals() -> None:
    # [10:00, 10:15): 0.1 + 0.1 + 1.0 = 1.2 kWh; [10:15, 10:30): 1.0 + 0.1 + 0.1 = 1.2 kWh.
    usage = usage_of(day_readings(5, {"10:10": "1.0", "10:15": "1.0"}))
    assert demand([usage], 15) == Decimal("4.8")  # 1.2 × 4


def test_five_minute_data_sliding_takes_any_three_consecutive_intervals() -> None:
    # 10:05 + 10:10 + 10:15 = 0.1 + 1.0 + 1.0 = 2.1 kWh.
    usage = usage_of(day_readings(5, {"10:10": "1.0", "10:15": "1.0"}))
    assert demand([usage], 15, sliding=True) == Decimal("8.4")  # 2.1 × 4


def test_five_minute_data_aligned_peak_is_the_same_either_way() -> None:
    # 10:15 + 10:20 + 10:25 = 3.0 kWh, one aligned window.
    usage = usage_of(day_readings(5, {"10:15": "1", "10:20": "1", "10:25": "1"}))
    assert demand([usage], 15) == Decimal("12")
    assert demand([usage], 15, sliding=True) == Decimal("12")


def test_windows_across_midnight() -> None:
    # Day 1 23:50 and 23:55, day 2 00:00, all in the night period.
    usage = usage_of(day_readings(5, {"1 23:50": "1", "1 23:55": "1", "2 00:00": "1"}, days=2))
    # Aligned: [23:45, 24:00) = 0.1 + 1 + 1 = 2.1 kWh; [00:00, 00:15) = 1 + 0.1 + 0.1.
    assert demand([usage], 15) == Decimal("8.4")
    # Sliding: 23:50 + 23:55 + 00:00 = 3 kWh.
    assert demand([usage], 15, sliding=True) == Decimal("12")


def test_windows_do_not_join_intervals_across_a_gap() -> None:
    # 10:10 is missing: 10:05 and 10:15 are not consecutive.
    usage = usage_of(
        day_readings(5, {"10:05": "1", "10:15": "1", "10:20": "1"}, missing=("10:10",))
    )
    # Aligned: [10:00, 10:15) = 0.1 + 1 = 1.1; [10:15, 10:30) = 1 + 1 + 0.1 = 2.1 kWh.
    assert demand([usage], 15) == Decimal("8.4")
    # Sliding: 10:15 + 10:20 + 10:25 = 2.1 kWh; 10:05 + 10:15 + 10:20 (3 kWh) is not a window.
    assert demand([usage], 15, sliding=True) == Decimal("8.4")


# -- 30- and 60-minute windows ----------------------------------------------------------

HALF_HOUR_PEAKS = {"10:00": "1", "10:15": "2", "10:30": "3", "10:45": "0.5", "11:00": "2"}


@pytest.mark.parametrize(
    ("window_minutes", "sliding", "expected"),
    [
        (15, False, "12"),  # 3 kWh × 4
        # [10:00, 10:30) = 3, [10:30, 11:00) = 3.5, [11:00, 11:30) = 2.1 kWh; × 2
        (30, False, "7"),
        # 10:15 + 10:30 = 5 kWh; × 2
        (30, True, "10"),
        # [10:00, 11:00) = 1 + 2 + 3 + 0.5 = 6.5 kWh; [11:00, 12:00) = 2.3 kWh; × 1
        (60, False, "6.5"),
        # 10:15 + 10:30 + 10:45 + 11:00 = 7.5 kWh; × 1
        (60, True, "7.5"),
    ],
)
def test_thirty_and_sixty_minute_windows_from_fifteen_minute_data(
    window_minutes: int, sliding: bool, expected: str
) -> None:
    usage = usage_of(day_readings(15, HALF_HOUR_PEAKS))
    assert demand([usage], window_minutes, sliding=sliding) == Decimal(expected)


def test_sixty_minute_windows_are_aligned_to_the_local_clock() -> None:
    # Asia/Kolkata is UTC+05:30: local hours start at half past a UTC hour.
    schedule = schedule_for("Asia/Kolkata")
    readings = day_readings(30, {"10:00": "1", "10:30": "1", "11:00": "1.5"}, timezone_hours=5.5)
    usage = usage_of(readings, schedule, "Asia/Kolkata")
    # Local [10:00, 11:00) = 2 kWh, [11:00, 12:00) = 1.6 kWh. (UTC-aligned hours would
    # pair 10:30 and 11:00: 2.5 kWh.)
    assert demand([usage], 60) == Decimal("2")
    # Sliding: 10:30 + 11:00 = 2.5 kWh.
    assert demand([usage], 60, sliding=True) == Decimal("2.5")
    # 30-minute windows on 30-minute data: the largest interval × 2.
    assert demand([usage], 30) == Decimal("3")


def test_clock_aligned_windows_follow_a_half_hour_clock_change() -> None:
    # Quarter hours from 2025-10-05 00:00 local (UTC+10:30) = 2025-10-04 13:30 UTC to
    # 2025-10-07 00:00 local (UTC+11) = 2025-10-06 13:00 UTC; the change lies inside.
    schedule = schedule_for("Australia/Lord_Howe")
    first = calendar.timegm((2025, 10, 4, 13, 30, 0))
    end = calendar.timegm((2025, 10, 6, 13, 0, 0))
    starts = list(range(first, end, 900))
    # Local 2025-10-06 10:00 to 11:00 (UTC+11) = 2025-10-05 23:00 to 24:00 UTC: 1 kWh each.
    peak_start = calendar.timegm((2025, 10, 5, 23, 0, 0))
    kwh = [1000 if peak_start <= start < peak_start + 3600 else 100 for start in starts]
    readings = Readings(source=SOURCE, interval_seconds=900, starts=starts, scale=3, kwh=kwh)
    usage = usage_of(readings, schedule, "Australia/Lord_Howe")
    # The local hour [10:00, 11:00) holds 4 kWh: 4 kW over a 60-minute window.
    assert demand([usage], 60) == Decimal("4")
    # Local half hours [10:00, 10:30) and [10:30, 11:00) hold 2 kWh: 4 kW.
    assert demand([usage], 30) == Decimal("4")


# -- readings too coarse for the window --------------------------------------------------


@pytest.mark.parametrize(
    ("step_minutes", "window_minutes"),
    [(60, 15), (30, 15), (15, 10), (60, 30), (20, 30)],
)
def test_readings_coarser_than_the_window_are_refused(
    step_minutes: int, window_minutes: int
) -> None:
    usage = usage_of(day_readings(step_minutes, {}))
    message = (
        f"{SOURCE}: tariff demand-test bills demand over {window_minutes}-minute windows, "
        f"which intervals of {step_minutes} min cannot give; give readings at "
        f"{window_minutes} minutes or finer (or a kw column), or measure demand over the "
        "readings' intervals as a declared deviation (--demand-window readings)"
    )
    for sliding in (False, True):
        with pytest.raises(ReadingsError, match=f"^{re.escape(message)}$") as caught:
            demand([usage], window_minutes, sliding=sliding)
        assert caught.value.file == SOURCE


def test_hourly_data_with_fifteen_minute_window_names_the_file() -> None:
    usage = usage_of(day_readings(60, {"09:00": "3"}))
    with pytest.raises(ReadingsError, match=r"^meter\.csv: .*15-minute windows.*60 min"):
        demand([usage], 15)


# -- a meter-reported kw column ----------------------------------------------------------


def test_kw_column_is_used_as_reported() -> None:
    # kWh at 03:00 would give 3 × 4 = 12 kW; the meter reports 6 kW there.
    readings = day_readings(
        15, {"03:00": "3.0", "09:00": "0.2"}, kw={"03:00": "6.0", "09:00": "7.25"}
    )
    usage = usage_of(readings)
    assert demand([usage], 15) == Decimal("7.25")
    assert demand([usage], 30) == Decimal("7.25")
    assert demand([usage], 15, sliding=True) == Decimal("7.25")
    assert demand([usage], 15, periods={NIGHT}) == Decimal("6.0")
    assert demand([usage], 15, periods={DAY}) == Decimal("7.25")


def test_kw_column_makes_hourly_data_usable() -> None:
    readings = day_readings(60, {"09:00": "40"}, kw={"09:00": "55.5"})
    assert demand([usage_of(readings)], 15) == Decimal("55.5")


# -- demand by period, and over several segments -----------------------------------------


def test_demand_within_periods() -> None:
    usage = usage_of(day_readings(15, {"03:00": "5", "09:00": "2", "21:45": "4"}))
    assert demand([usage], 15, periods={DAY}) == Decimal("8")  # 2 × 4
    assert demand([usage], 15, periods={NIGHT}) == Decimal("20")  # 5 × 4
    assert demand([usage], 15, periods={DAY, NIGHT}) == Decimal("20")
    assert demand([usage], 15) == Decimal("20")


def test_clock_aligned_demand_within_periods_from_five_minute_data() -> None:
    # 07:55 is night, 08:00 and 08:05 are day (the day period starts at 08:00).
    usage = usage_of(day_readings(5, {"07:55": "1", "08:00": "1", "08:05": "1"}))
    # Night: [07:45, 08:00) = 0.1 + 0.1 + 1 = 1.2 kWh. Day: [08:00, 08:15) = 2.1 kWh.
    assert demand([usage], 15, periods={NIGHT}) == Decimal("4.8")
    assert demand([usage], 15, periods={DAY}) == Decimal("8.4")
    assert demand([usage], 15) == Decimal("8.4")
    # Sliding over the whole day: 07:55 + 08:00 + 08:05 = 3 kWh.
    assert demand([usage], 15, sliding=True) == Decimal("12")


def test_demand_by_period_for_meters_read_on_the_same_intervals() -> None:
    # Night runs from 20:00 to 08:00 the next morning; its intervals across midnight are
    # one range. Two meters on one time axis share the ranges, never the values.
    first = day_readings(15, {"1 23:45": "6", "2 00:00": "5", "2 09:00": "2"}, days=3)
    second = day_readings(15, {"1 07:45": "1", "3 19:45": "4", "3 20:00": "0.5"}, days=3)
    one, two = usage_of(first), usage_of(second)
    assert one.runs_of(frozenset({NIGHT})) is two.runs_of(frozenset({NIGHT}))
    assert [(r.start, r.stop) for r in one.runs_of(frozenset({NIGHT}))] == [
        (0, 32), (80, 128), (176, 224), (272, 288)
    ]  # fmt: skip
    assert demand([one], 15, periods={NIGHT}) == Decimal("24")  # 6 × 4
    assert demand([one], 15, periods={DAY}) == Decimal("8")  # 2 × 4
    assert demand([two], 15, periods={NIGHT}) == Decimal("4")  # 1 × 4 (20:00 is 0.5)
    assert demand([two], 15, periods={DAY}) == Decimal("16")  # 4 × 4 at 19:45


def test_demand_over_several_segments_and_only_inside_them() -> None:
    readings = day_readings(15, {"1 09:00": "2", "2 10:00": "3", "3 11:00": "9"}, days=3)
    first_day = local_start(dt.date(2025, 7, 1), 8)
    day_seconds = 86400
    one = aggregate(readings, SHANGHAI, "Asia/Shanghai", first_day, first_day + day_seconds)
    two = aggregate(
        readings, SHANGHAI, "Asia/Shanghai", first_day + day_seconds, first_day + 2 * day_seconds
    )
    assert demand([one], 15) == Decimal("8")  # 2 × 4
    assert demand([two], 15) == Decimal("12")  # 3 × 4
    assert demand([one, two], 15) == Decimal("12")  # the 9 kWh of day 3 is outside both


# -- demand within declared clock hours (coincident peak) --------------------------------


def test_demand_within_declared_hours() -> None:
    # 03:00 (night) 5 kWh, 17:00 (day) 2 kWh, 20:30 (night) 3 kWh.
    usage = usage_of(day_readings(15, {"03:00": "5", "17:00": "2", "20:30": "3"}))
    four_to_nine = within_windows(usage, [(16 * 60, 21 * 60)])
    assert demand([four_to_nine], 15) == Decimal("12")  # 20:30: 3 × 4
    assert demand([four_to_nine], 15, periods={DAY}) == Decimal("8")  # 17:00: 2 × 4
    four_to_eight = within_windows(usage, [(16 * 60, 20 * 60)])
    assert demand([four_to_eight], 15) == Decimal("8")
    two_spans = within_windows(usage, [(0, 4 * 60), (16 * 60, 18 * 60)])
    assert demand([two_spans], 15) == Decimal("20")  # 03:00: 5 × 4
    # The energy of the segment is not touched.
    assert four_to_nine.total_kwh == usage.total_kwh


def test_clock_aligned_demand_within_declared_hours_from_five_minute_data() -> None:
    # 15:55 just before the declared hours, 16:00 and 16:05 inside them.
    usage = usage_of(day_readings(5, {"15:55": "1", "16:00": "1", "16:05": "1"}))
    declared = within_windows(usage, [(16 * 60, 21 * 60)])
    # [16:00, 16:15) = 1 + 1 + 0.1 = 2.1 kWh.
    assert demand([declared], 15) == Decimal("8.4")
    # Over the whole day, sliding: 15:55 + 16:00 + 16:05 = 3 kWh.
    assert demand([usage], 15, sliding=True) == Decimal("12")
