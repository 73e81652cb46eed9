"""Estimated readings (`tariffs.engine.estimate`): laws and the edges of each method."""

from __future__ import annotations

import datetime as dt
from fractions import Fraction
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tariffs.engine.estimate import Estimate, estimate, estimated_in, parse_estimate
from tariffs.errors import ReadingsError
from tariffs.io.readings.register import read_register
from tariffs.model.readings import Readings

ZONE = "Asia/Shanghai"
HOUR = 3600
#: Tuesday 2025-07-01 00:00 in Shanghai (UTC+8), as UTC epoch seconds.
T0 = int(dt.datetime(2025, 7, 1, tzinfo=ZoneInfo(ZONE)).timestamp())


def with_gaps(values: list[int], missing: set[int], kvarh: list[int] | None = None) -> Readings:
    """Hourly readings from `T0` of ``values``, without the hours of ``missing``."""
    kept = [i for i in range(len(values)) if i not in missing]
    gaps: list[tuple[int, int]] = []
    for i in sorted(missing):
        start = T0 + i * HOUR
        if gaps and gaps[-1][1] == start:
            gaps[-1] = (gaps[-1][0], start + HOUR)
        else:
            gaps.append((start, start + HOUR))
    return Readings(
        "r.csv",
        HOUR,
        [T0 + i * HOUR for i in kept],
        3,
        [values[i] for i in kept],
        kvarh=None if kvarh is None else [kvarh[i] for i in kept],
        gaps=tuple(gaps),
    )


def write_register(tmp_path: object, rows: list[tuple[int, int]]) -> str:
    """A register CSV of (UTC epoch seconds, kWh × 1000) rows, with UTC offsets."""
    path = f"{tmp_path}/register.csv"
    lines = ["time,register_kwh"]
    for instant, units in rows:
        moment = dt.datetime.fromtimestamp(instant, dt.UTC).isoformat()
        lines.append(f"{moment},{units // 1000}.{units % 1000:03d}")
    with open(path, "w", encoding="utf-8") as handle:
        handle.write("\n".join(lines) + "\n")
    return path


DAYS = 21
values_of_three_weeks = st.lists(st.integers(0, 10**6), min_size=24 * DAYS, max_size=24 * DAYS)
#: Missing hours, all in the last week (so that a week and four like days are before).
missing_in_the_last_week = st.sets(st.integers(24 * 14, 24 * DAYS - 1), max_size=40)


@given(values_of_three_weeks, st.sampled_from(["same-day-last-week", "like-days:4"]))
def test_without_gaps_nothing_changes(values: list[int], method: str) -> None:
    readings = with_gaps(values, set())
    assert estimate(readings, ZONE, parse_estimate(method)) is readings


def test_without_gaps_the_register_changes_nothing(tmp_path: object) -> None:
    readings = with_gaps([1000] * 48, set())
    path = write_register(tmp_path, [(T0, 0), (T0 + 48 * HOUR, 48000)])
    assert (
        estimate(readings, ZONE, Estimate("register", register=path), read_register(path, ZONE))
        is readings
    )


@given(values_of_three_weeks, missing_in_the_last_week)
def test_same_day_last_week_copies_the_hour_seven_days_before(
    values: list[int], missing: set[int]
) -> None:
    kvarh = [value // 3 for value in values]
    filled = estimate(with_gaps(values, missing, kvarh), ZONE, parse_estimate("same-day-last-week"))
    # Shanghai has no clock changes: the same clock hour a week before is 168 hours before.
    expected = [values[i - 168] if i in missing else values[i] for i in range(len(values))]
    assert filled.kwh == expected
    assert filled.kvarh == [
        kvarh[i - 168] if i in missing else kvarh[i] for i in range(len(values))
    ]
    assert filled.starts == [T0 + i * HOUR for i in range(len(values))]
    assert filled.gaps == ()
    assert estimated_in(filled, T0, T0 + DAYS * 24 * HOUR) == (
        len(missing),
        sum(values[i - 168] for i in missing),
    )


@given(values_of_three_weeks, missing_in_the_last_week, st.integers(1, 2))
def test_like_days_average_the_hour_over_earlier_days_of_the_same_type(
    values: list[int], missing: set[int], n: int
) -> None:
    filled = estimate(with_gaps(values, missing), ZONE, parse_estimate(f"like-days:{n}"))
    for i in sorted(missing):
        day, hour = divmod(i, 24)
        weekend = (day + 1) % 7 >= 5  # day 0 is a Tuesday (weekday 1)
        like = [
            d
            for d in range(day - 1, -1, -1)
            if ((d + 1) % 7 >= 5) == weekend and d * 24 + hour not in missing
        ][:n]
        mean = Fraction(sum(values[d * 24 + hour] for d in like), n)
        assert filled.kwh[i] == round(mean)  # half to even
        assert abs(filled.kwh[i] - mean) <= Fraction(1, 2)
    assert estimated_in(filled, T0, T0 + DAYS * 24 * HOUR)[0] == len(missing)


@given(
    st.lists(st.integers(0, 5000), min_size=48, max_size=48),
    st.sets(st.integers(1, 46), min_size=1, max_size=46),
    st.integers(0, 10**6),
)
def test_register_pro_rata_conserves_the_register_difference(
    tmp_path_factory: pytest.TempPathFactory, values: list[int], missing: set[int], more: int
) -> None:
    readings = with_gaps(values, missing)
    read = sum(readings.kwh)
    path = write_register(
        tmp_path_factory.mktemp("register"), [(T0, 7000), (T0 + 48 * HOUR, 7000 + read + more)]
    )
    filled = estimate(
        readings, ZONE, Estimate("register", register=path), read_register(path, ZONE)
    )
    assert sum(filled.kwh) == read + more
    shares = [filled.kwh[i] for i in sorted(missing)]
    assert sum(shares) == more
    assert max(shares) - min(shares) <= 1  # flat, to the unit
    assert shares == sorted(shares, reverse=True)  # units left over go to the first
    assert estimated_in(filled, T0, T0 + 48 * HOUR) == (len(missing), more)
    # Counted per bill: the two days' counts add up to the whole.
    day_one = estimated_in(filled, T0, T0 + 24 * HOUR)
    day_two = estimated_in(filled, T0 + 24 * HOUR, T0 + 48 * HOUR)
    assert day_one[0] + day_two[0] == len(missing)
    assert day_one[1] + day_two[1] == more


def test_register_estimates_kwh_only(tmp_path: object) -> None:
    readings = with_gaps([1000] * 48, {5}, kvarh=[100] * 48)
    path = write_register(tmp_path, [(T0, 0), (T0 + 48 * HOUR, 48000)])
    with pytest.raises(ReadingsError, match="estimates kWh only, and the readings have kvarh"):
        estimate(readings, ZONE, Estimate("register", register=path), read_register(path, ZONE))


def test_same_day_last_week_follows_the_wall_clock_across_a_clock_change() -> None:
    # New York springs forward on Sunday 2025-03-09: Monday 03-10 01:00 EDT is 167 hours
    # after Monday 03-03 01:00 EST, which it copies.
    zone = ZoneInfo("America/New_York")
    first = int(dt.datetime(2025, 3, 3, tzinfo=zone).timestamp())
    count = 8 * 24 - 1  # 8 days, one of 23 hours
    values = list(range(1000, 1000 + count))
    missing_start = int(dt.datetime(2025, 3, 10, 1, tzinfo=zone).timestamp())
    k = (missing_start - first) // HOUR
    readings = Readings(
        "r.csv",
        HOUR,
        [first + i * HOUR for i in range(count) if i != k],
        3,
        [v for i, v in enumerate(values) if i != k],
        gaps=((missing_start, missing_start + HOUR),),
    )
    filled = estimate(readings, "America/New_York", parse_estimate("same-day-last-week"))
    assert k == 168  # 7 × 24 hours, less the hour skipped, plus 1: 03-10 01:00
    assert filled.kwh[k] == values[1]  # 03-03 01:00, hour 1


def test_same_day_last_week_goes_back_as_many_weeks_as_declared() -> None:
    values = [i for i in range(24 * DAYS)]
    # Hour 10 of day 20 missing, and of day 13 too: a week back is missing, two weeks is not.
    readings = with_gaps(values, {20 * 24 + 10, 13 * 24 + 10})
    with pytest.raises(ReadingsError, match="not read in the week before it"):
        estimate(readings, ZONE, parse_estimate("same-day-last-week"))
    filled = estimate(readings, ZONE, parse_estimate("same-day-last-week:2"))
    assert filled.kwh[20 * 24 + 10] == values[6 * 24 + 10]  # two weeks back, read
    assert filled.kwh[13 * 24 + 10] == values[6 * 24 + 10]  # one week back


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("guess", "'guess' is not an estimation method"),
        ("like-days:0", "expected a whole number from 1 to 52"),
        ("like-days:x", "expected a whole number from 1 to 52"),
        ("register", "register needs the CSV of register reads"),
    ],
)
def test_parse_estimate_refuses(text: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        parse_estimate(text)


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        ("time,kwh\n", 1, "expected the header time,register_kwh"),
        ("time,register_kwh\n2025-07-01T00:00,ten\n", 2, "'ten' is not a number of 0 or more"),
        ("time,register_kwh\n2025-07-01T00:00,-1\n", 2, "'-1' is not a number of 0 or more"),
        ("time,register_kwh\n2025-07-01,1\n2025-07-01T00:00,2\n", 3, "is not after the one"),
        ("time,register_kwh\n2025-07-01T00:00,1,2\n", 2, "expected 2 cells, found 3"),
        ("time,register_kwh\nsoon,1\n", 2, "'soon' is not an ISO 8601 date and time"),
    ],
)
def test_register_reads_are_refused_at_their_line(
    tmp_path: object, text: str, line: int, message: str
) -> None:
    path = f"{tmp_path}/register.csv"
    with open(path, "w", encoding="utf-8") as handle:
        handle.write(text)
    with pytest.raises(ReadingsError, match=message) as raised:
        read_register(path, ZONE)
    assert (raised.value.file, raised.value.line) == (path, line)


def test_register_times_on_a_changing_clock(tmp_path: object) -> None:
    path = f"{tmp_path}/register.csv"
    for wall, message in [
        ("2025-03-09T02:30", "does not exist in America/New_York"),
        ("2025-11-02T01:30", "is ambiguous in America/New_York"),
    ]:
        with open(path, "w", encoding="utf-8") as handle:
            handle.write(f"time,register_kwh\n{wall},1\n")
        with pytest.raises(ReadingsError, match=message):
            read_register(path, "America/New_York")
    with open(path, "w", encoding="utf-8") as handle:
        handle.write("time,register_kwh\n2025-11-02T01:30-05:00,1\n")
    (read,) = read_register(path, "America/New_York").reads
    assert read.instant == int(dt.datetime(2025, 11, 2, 6, 30, tzinfo=dt.UTC).timestamp())
