"""Tests of the readings CSV reader.

Expected UTC instants are worked out by hand from the published clock rules and written
with `calendar.timegm`, which knows nothing about time zones:

- United States: daylight saving time starts on the second Sunday of March at 02:00 local
  time and ends on the first Sunday of November at 02:00 (15 U.S.C. § 260a, as amended by
  the Energy Policy Act of 2005, § 110). In 2025: 9 March and 2 November. Pacific
  standard time is UTC-8, Pacific daylight time UTC-7.
- United Kingdom: summer time starts on the last Sunday of March and ends on the last
  Sunday of October, both at 01:00 UTC (The Summer Time Order 2002, SI 2002/262). In 2025:
  30 March and 26 October. GMT is UTC+0, BST UTC+1.
"""

from __future__ import annotations

import calendar
import re
from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tariffs.errors import ReadingsError
from tariffs.io.readings import csv_reader
from tariffs.io.readings.csv_reader import parse_readings_csv, read_readings_csv
from tariffs.model.readings import Readings

HEADER = "start,kwh\n"
ALLOWED = r"start, kwh, kvarh, export_kwh, kw"


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> int:
    """UTC epoch seconds of a UTC wall time."""
    return calendar.timegm((year, month, day, hour, minute, 0))


def parse(text: str, timezone: str = "Europe/London", **options: object) -> Readings:
    return parse_readings_csv(text, "readings.csv", timezone, **options)  # type: ignore[arg-type]


def quarter_hours(date_text: str, hours: range, suffix: str = "") -> list[str]:
    """Starts every 15 minutes through the given wall-clock hours of one date."""
    return [
        f"{date_text}T{hour:02d}:{minute:02d}{suffix}"
        for hour in hours
        for minute in (0, 15, 30, 45)
    ]


def csv_of(starts: list[str], values: list[str] | None = None) -> str:
    values = values or ["1"] * len(starts)
    return HEADER + "".join(
        f"{start},{value}\n" for start, value in zip(starts, values, strict=True)
    )


# --- the common case ---------------------------------------------------------------------


def test_a_small_file_is_read_exactly(tmp_path: Path) -> None:
    path = tmp_path / "readings.csv"
    path.write_text(
        "start,kwh,kvarh\n2025-07-01T00:00,12.5,4.1\n2025-07-01T00:15,12.1,4.0\n",
        encoding="utf-8",
    )
    readings = read_readings_csv(path, "Asia/Shanghai")
    # 00:00 in Shanghai (UTC+8, no daylight saving time) is 16:00 UTC the day before.
    assert readings == Readings(
        source=str(path),
        interval_seconds=900,
        starts=[utc(2025, 6, 30, 16, 0), utc(2025, 6, 30, 16, 15)],
        scale=3,
        kwh=[12500, 12100],
        kvarh=[4100, 4000],
    )
    assert readings.export_kwh is None
    assert readings.kw is None
    assert readings.total() == Decimal("24.6")
    assert readings.total("kvarh") == Decimal("8.1")


def test_byte_order_mark_and_crlf_line_ends_are_accepted(tmp_path: Path) -> None:
    path = tmp_path / "readings.csv"
    path.write_bytes(
        b"\xef\xbb\xbfstart,kwh\r\n2025-01-15T10:00,1.5\r\n2025-01-15T10:30,2.25\r\n\r\n\r\n"
    )
    readings = read_readings_csv(path, "Europe/London")
    assert readings.interval_seconds == 1800
    assert readings.starts == [utc(2025, 1, 15, 10, 0), utc(2025, 1, 15, 10, 30)]
    assert readings.kwh == [1500, 2250]


def test_optional_columns_in_any_order_padded_header() -> None:
    text = (
        "kw , export_kwh,start,kwh,kvarh\n"
        "3.5,0.25,2025-01-15T10:00,1,0\n"
        "4,0,2025-01-15T10:05,2,0.5\n"
    )
    readings = parse(text)
    assert readings.interval_seconds == 300
    assert readings.kw == [3500, 4000]
    assert readings.export_kwh == [250, 0]
    assert readings.kwh == [1000, 2000]
    assert readings.kvarh == [0, 500]


def test_scale_follows_the_most_decimal_places_in_the_file() -> None:
    text = "start,kwh,kvarh\n2025-01-15T10:00,1.5,0.123456\n2025-01-15T10:15,2,7.10\n"
    readings = parse(text)
    assert readings.scale == 6
    assert readings.kwh == [1_500_000, 2_000_000]
    assert readings.kvarh == [123_456, 7_100_000]


def test_nine_decimal_places_are_the_most() -> None:
    readings = parse(csv_of(["2025-01-15T10:00", "2025-01-15T10:15"], ["0.000000001", "1"]))
    assert readings.scale == 9
    assert readings.kwh == [1, 1_000_000_000]


def test_other_spellings_of_numbers_are_read_exactly() -> None:
    values = ["1.25E+1", " 7.5 ", "+3", "-0", ".5", "2.", "1e-3", "0012.5"]
    starts = [f"2025-01-15T10:{minute:02d}" for minute in range(0, 40, 5)]
    readings = parse(csv_of(starts, values))
    assert readings.kwh == [12500, 7500, 3000, 0, 500, 2000, 1, 12500]
    assert readings.scale == 3


def test_fast_and_slow_paths_agree() -> None:
    starts = [f"2025-01-15T{hour:02d}:00" for hour in range(6)]
    plain = ["1.250", "0.000", "10.500", "3.333", "0.001", "99.999"]
    padded = [f" {value}" for value in plain]
    mixed = ["1.25", "0", "10.5", "3.333", "0.001", "99.999"]
    expected = [1250, 0, 10500, 3333, 1, 99999]
    for values in (plain, padded, mixed):
        assert parse(csv_of(starts, values)).kwh == expected


def test_start_spellings() -> None:
    starts = [
        "2025-01-15T10:00",
        "2025-01-15 10:15",
        "2025-01-15T10:30:00",
        " 2025-01-15T10:45 ",
        "2025-01-15T11:00:00.000",
    ]
    readings = parse(csv_of(starts))
    assert readings.starts == [utc(2025, 1, 15, 10, minute) for minute in (0, 15, 30, 45)] + [
        utc(2025, 1, 15, 11, 0)
    ]


def test_offsets_are_converted_to_utc() -> None:
    starts = [
        "2025-07-01T00:00+08:00",
        "2025-06-30T17:15+0100",
        "2025-06-30T16:30Z",
        "2025-06-30T11:45-05",
    ]
    readings = parse(csv_of(starts), "Asia/Shanghai")
    assert readings.starts == [utc(2025, 6, 30, 16, minute) for minute in (0, 15, 30, 45)]


def test_given_interval_and_a_single_row() -> None:
    readings = parse(csv_of(["2025-01-15T10:00"]), interval_seconds=900)
    assert readings.interval_seconds == 900
    assert readings.starts == [utc(2025, 1, 15, 10)]
    assert readings.end == utc(2025, 1, 15, 10, 15)


def test_given_interval_need_not_be_inferable() -> None:
    starts = ["2025-01-15T00:00", "2025-01-15T02:00", "2025-01-15T04:00"]
    readings = parse(csv_of(starts), interval_seconds=7200)
    assert readings.interval_seconds == 7200
    assert readings.starts == [utc(2025, 1, 15, hour) for hour in (0, 2, 4)]


def test_allowed_gaps_are_recorded() -> None:
    starts = [
        "2025-01-15T10:00",
        "2025-01-15T10:15",
        "2025-01-15T11:00",
        "2025-01-15T11:15",
        "2025-01-15T12:00",
    ]
    readings = parse(csv_of(starts), allow_gaps=True)
    assert readings.starts == [
        utc(2025, 1, 15, 10, 0),
        utc(2025, 1, 15, 10, 15),
        utc(2025, 1, 15, 11, 0),
        utc(2025, 1, 15, 11, 15),
        utc(2025, 1, 15, 12, 0),
    ]
    assert readings.gaps == (
        (utc(2025, 1, 15, 10, 30), utc(2025, 1, 15, 11, 0)),
        (utc(2025, 1, 15, 11, 30), utc(2025, 1, 15, 12, 0)),
    )


def test_exact_total_equals_the_decimal_sum_of_the_column_text() -> None:
    values = ["0.001", "123456789012345", "0.999999999", "7.25", "0", "3.3", "1e2"]
    starts = [f"2025-01-15T10:{minute:02d}" for minute in range(0, 35, 5)]
    readings = parse(csv_of(starts, values))
    assert readings.total() == Decimal("123456789012456.550999999")
    assert readings.total() == sum(Decimal(value) for value in values)


# --- daylight saving time ----------------------------------------------------------------


def test_spring_forward_local_time_los_angeles() -> None:
    # 2025-03-09: 01:59:59 PST is followed by 03:00 PDT, so 02:00-02:45 are absent.
    starts = quarter_hours("2025-03-09", range(0, 2)) + quarter_hours("2025-03-09", range(3, 24))
    readings = parse(csv_of(starts), "America/Los_Angeles")
    assert len(readings) == 23 * 4
    # 00:00 PST = 08:00 UTC; 23:45 PDT = 06:45 UTC next day.
    assert readings.starts == list(range(utc(2025, 3, 9, 8), utc(2025, 3, 10, 7), 900))
    assert readings.starts[8] == utc(2025, 3, 9, 10)  # 03:00 PDT
    assert readings.gaps == ()


def test_spring_forward_local_time_london() -> None:
    # 2025-03-30: 00:59:59 GMT is followed by 02:00 BST, so 01:00-01:45 are absent.
    starts = quarter_hours("2025-03-30", range(0, 1)) + quarter_hours("2025-03-30", range(2, 24))
    readings = parse(csv_of(starts), "Europe/London")
    assert len(readings) == 23 * 4
    assert readings.starts == list(range(utc(2025, 3, 30, 0), utc(2025, 3, 30, 23), 900))
    assert readings.starts[4] == utc(2025, 3, 30, 1)  # 02:00 BST


def test_fall_back_with_offsets_los_angeles() -> None:
    # 2025-11-02: 01:00-01:59 happens twice, first in PDT (-07:00), then in PST (-08:00).
    starts = quarter_hours("2025-11-02", range(0, 2), "-07:00") + quarter_hours(
        "2025-11-02", range(1, 24), "-08:00"
    )
    readings = parse(csv_of(starts), "America/Los_Angeles")
    assert len(readings) == 25 * 4
    assert readings.starts == list(range(utc(2025, 11, 2, 7), utc(2025, 11, 3, 8), 900))


def test_fall_back_with_offsets_london() -> None:
    starts = quarter_hours("2025-10-26", range(0, 2), "+01:00") + quarter_hours(
        "2025-10-26", range(1, 24), "+00:00"
    )
    readings = parse(csv_of(starts), "Europe/London")
    assert len(readings) == 25 * 4
    assert readings.starts == list(range(utc(2025, 10, 25, 23), utc(2025, 10, 27, 0), 900))


@pytest.mark.parametrize(
    ("timezone", "date_text", "first", "second"),
    [
        ("America/Los_Angeles", "2025-11-02", "-07:00", "-08:00"),
        ("Europe/London", "2025-10-26", "+01:00", "+00:00"),
    ],
)
def test_fall_back_without_offsets_is_ambiguous(
    timezone: str, date_text: str, first: str, second: str
) -> None:
    starts = quarter_hours(date_text, range(0, 2)) + quarter_hours(date_text, range(1, 24))
    # Rows 2-5 are 00:00-00:45; row 6 is the first 01:00.
    pattern = (
        rf"^readings\.csv:6: {date_text}T01:00 is ambiguous in {timezone}: .*write the UTC "
        rf"offset, {date_text}T01:00\{first} for the first or {date_text}T01:00\{second}"
    )
    with pytest.raises(ReadingsError, match=pattern):
        parse(csv_of(starts), timezone)


@pytest.mark.parametrize(
    ("timezone", "date_text", "skipped_hour", "line"),
    [("America/Los_Angeles", "2025-03-09", 2, 10), ("Europe/London", "2025-03-30", 1, 6)],
)
def test_a_skipped_local_time_does_not_exist(
    timezone: str, date_text: str, skipped_hour: int, line: int
) -> None:
    starts = quarter_hours(date_text, range(0, 24))
    pattern = (
        rf"^readings\.csv:{line}: {date_text}T{skipped_hour:02d}:00 does not exist in {timezone}"
    )
    with pytest.raises(ReadingsError, match=pattern):
        parse(csv_of(starts), timezone)


def test_clocks_going_back_at_midnight_repeat_the_last_hour_of_the_day_before() -> None:
    # Chile resumes standard time (UTC-4) at 24:00 of the Saturday before the first Sunday of
    # April (tz database, file southamerica, "Rule Chile 2023 max - Apr Sun>=2 3:00u"): in
    # 2025, 2025-04-05T23:00-23:59 happens first at UTC-3, then at UTC-4.
    starts = ["2025-04-05T22:00", "2025-04-05T23:00", "2025-04-06T00:00"]
    with pytest.raises(
        ReadingsError,
        match=r"^readings\.csv:3: 2025-04-05T23:00 is ambiguous in America/Santiago: .*"
        r"2025-04-05T23:00-03:00 for the first or 2025-04-05T23:00-04:00 for the second",
    ):
        parse(csv_of(starts), "America/Santiago")
    with_offsets = [
        "2025-04-05T22:00-03:00",
        "2025-04-05T23:00-03:00",
        "2025-04-05T23:00-04:00",
        "2025-04-06T00:00-04:00",
    ]
    readings = parse(csv_of(with_offsets), "America/Santiago")
    assert readings.starts == [utc(2025, 4, 6, hour) for hour in (1, 2, 3, 4)]


def test_a_year_of_quarter_hours_with_offsets(tmp_path: Path) -> None:
    zone = ZoneInfo("Europe/London")
    first = utc(2024, 12, 31, 0)  # 2025-01-01T00:00 GMT
    count = 365 * 96
    rows = []
    for index in range(count):
        local = datetime.fromtimestamp(first + index * 900, zone)
        rows.append(f"{local.isoformat(timespec='minutes')},{index % 1000}.{index % 7}5,0.5,1\n")
    path = tmp_path / "year.csv"
    path.write_text("start,kwh,kvarh,kw\n" + "".join(rows), encoding="utf-8")
    readings = read_readings_csv(path, "Europe/London")
    assert len(readings) == count
    assert readings.starts == list(range(first, first + count * 900, 900))
    assert readings.total() == sum(
        Decimal(f"{index % 1000}.{index % 7}5") for index in range(count)
    )
    assert readings.total("kvarh") == Decimal(count) / 2


def test_half_a_year_of_local_time_across_spring_forward() -> None:
    zone = ZoneInfo("Europe/London")
    first = utc(2025, 1, 1, 0)
    count = 181 * 48
    rows = [
        datetime.fromtimestamp(first + index * 1800, zone).strftime("%Y-%m-%dT%H:%M") + ",1\n"
        for index in range(count)
    ]
    readings = parse(HEADER + "".join(rows))
    assert readings.starts == list(range(first, first + count * 1800, 1800))


# --- errors ------------------------------------------------------------------------------

TWO_ROWS = HEADER + "2025-01-15T10:00,1\n2025-01-15T10:15,1\n"

ERRORS = {
    # header
    "empty file": ("", {}, r"^readings\.csv:1: empty header.*allowed: " + ALLOWED),
    "empty header": ("\nx\n", {}, r"^readings\.csv:1: empty header"),
    "unknown column": (
        "start,kwh,kWh\n",
        {},
        r"^readings\.csv:1: unknown column 'kWh'; allowed: " + ALLOWED,
    ),
    "data instead of header": (
        "2025-01-15T10:00,1\n",
        {},
        r"^readings\.csv:1: unknown column '2025-01-15T10:00'",
    ),
    "nameless column": (
        "start,kwh,\n",
        {},
        r"^readings\.csv:1: column 3 of the header has no name; allowed: " + ALLOWED,
    ),
    "repeated column": (
        "start,kwh,kvarh,kwh\n",
        {},
        r"^readings\.csv:1: column 'kwh' appears twice; allowed, each once: " + ALLOWED,
    ),
    "missing kwh": ("start,kvarh\n", {}, r"^readings\.csv:1: missing column 'kwh'"),
    "missing start": ("kwh\n", {}, r"^readings\.csv:1: missing column 'start'"),
    # shape
    "no rows": (HEADER, {}, r"^readings\.csv:2: no readings"),
    "no rows, trailing empty lines": (HEADER + "\n\n", {}, r"^readings\.csv:2: no readings"),
    "empty line": (
        HEADER + "2025-01-15T10:00,1\n\n2025-01-15T10:15,1\n",
        {},
        r"^readings\.csv:3: empty line; only empty lines at the end",
    ),
    "too many fields": (
        HEADER + "2025-01-15T10:00,1\n2025-01-15T10:15,1,2\n",
        {},
        r"^readings\.csv:3: 3 fields, expected 2 as in the header \(start,kwh\)",
    ),
    "a single field": (
        HEADER + "2025-01-15T10:00,1\n2025-01-15T10:15\n",
        {},
        r"^readings\.csv:3: 1 field, expected 2 as in the header \(start,kwh\)",
    ),
    "too few fields": (
        "start,kwh,kvarh\n2025-01-15T10:00,1,0\n2025-01-15T10:15,1\n",
        {},
        r"^readings\.csv:3: 2 fields, expected 3",
    ),
    "lone carriage return": (
        "start,kwh\r\n2025-01-15T10:00,1\r2025-01-15T10:15,1\r\n",
        {},
        r"^readings\.csv:2: carriage return without a line feed",
    ),
    # starts
    "bad start": (
        HEADER + "2025-01-15T10:00,1\n15/01/2025 10:15,1\n",
        {},
        r"^readings\.csv:3: start '15/01/2025 10:15' is not valid; expected a date and time "
        r"such as 2025-07-01T00:15",
    ),
    "empty start": (HEADER + "2025-01-15T10:00,1\n,1\n", {}, r"^readings\.csv:3: start is empty"),
    "no such date": (
        HEADER + "2025-02-29T10:00,1\n2025-02-29T10:15,1\n",
        {},
        r"^readings\.csv:2: start '2025-02-29T10:00' is not a valid date",
    ),
    "hour 24": (
        HEADER + "2025-01-15T23:45,1\n2025-01-15T24:00,1\n",
        {},
        r"^readings\.csv:3: start '2025-01-15T24:00' is not valid",
    ),
    "offset then none": (
        HEADER + "2025-01-15T10:00Z,1\n2025-01-15T10:15Z,1\n2025-01-15T10:30,1\n",
        {},
        r"^readings\.csv:4: 2025-01-15T10:30 has no UTC offset but row 2 has one; "
        r"write an offset on every row or on none",
    ),
    "none then offset": (
        HEADER + "2025-01-15T10:00,1\n2025-01-15T10:15+00:00,1\n",
        {},
        r"^readings\.csv:3: 2025-01-15T10:15\+00:00 has a UTC offset but row 2 has none",
    ),
    "duplicate": (
        HEADER + "2025-01-15T10:00,1\n2025-01-15T10:15,1\n2025-01-15T10:15,1\n",
        {},
        r"^readings\.csv:4: 2025-01-15T10:15 appears twice \(first at row 3\)$",
    ),
    "duplicate in first two rows": (
        HEADER + "2025-01-15T10:00,1\n2025-01-15T10:00,1\n",
        {},
        r"^readings\.csv:3: 2025-01-15T10:00 appears twice \(first at row 2\)$",
    ),
    "duplicate instant written two ways": (
        HEADER + "2025-01-15T10:00Z,1\n2025-01-15T10:15Z,1\n2025-01-15T11:15+01:00,1\n",
        {},
        r"^readings\.csv:4: 2025-01-15T11:15\+01:00 appears twice \(first at row 3\)$",
    ),
    "out of order": (
        HEADER + "2025-01-15T10:00,1\n2025-01-15T10:15,1\n2025-01-15T09:45,1\n",
        {},
        r"^readings\.csv:4: 2025-01-15T09:45 is earlier than 2025-01-15T10:15 on row 3; "
        r"rows must be in time order",
    ),
    "overlap": (
        HEADER + "2025-01-15T10:00,1\n2025-01-15T10:15,1\n2025-01-15T10:20,1\n",
        {},
        r"^readings\.csv:4: 2025-01-15T10:20 is only 5 minutes after 2025-01-15T10:15 on "
        r"row 3, so intervals of 15 minutes overlap",
    ),
    "mixed interval lengths": (
        HEADER + "2025-01-15T10:00,1\n2025-01-15T10:15,1\n2025-01-15T10:40,1\n",
        {},
        r"^readings\.csv:4: 2025-01-15T10:40 is 25 minutes after 2025-01-15T10:15 on row 3, "
        r"not a whole number of intervals of 15 minutes \(mixed interval lengths\)",
    ),
    "gap": (
        HEADER + "2025-01-15T10:00,1\n2025-01-15T10:15,1\n2025-01-15T11:00,1\n",
        {},
        r"^readings\.csv:4: gap: no readings from 2025-01-15T10:30 to 2025-01-15T11:00 "
        r"\(2 intervals missing\); use --allow-gaps to bill the readings without them$",
    ),
    "gap of one interval with offsets": (
        HEADER + "2025-07-15T10:00+01:00,1\n2025-07-15T10:15+01:00,1\n2025-07-15T10:45+01:00,1\n",
        {},
        r"^readings\.csv:4: gap: no readings from 2025-07-15T10:30\+01:00 to "
        r"2025-07-15T10:45\+01:00 \(1 interval missing\); "
        r"use --allow-gaps to bill the readings without them$",
    ),
    "misaligned": (
        HEADER + "2025-01-15T10:05,1\n2025-01-15T10:20,1\n",
        {},
        r"^readings\.csv:2: 2025-01-15T10:05 does not start an interval: with intervals of "
        r"15 minutes, starts must be whole multiples of 15 minutes after midnight on the "
        r"clock in Europe/London",
    ),
    "misaligned with the given interval": (
        HEADER + "2025-01-15T10:30,1\n2025-01-15T11:30,1\n",
        {"interval_seconds": 3600},
        r"^readings\.csv:2: 2025-01-15T10:30 does not start an interval: with intervals of "
        r"1 hour",
    ),
    "misaligned on the local clock": (
        # 10:00 UTC is 15:30 in Kolkata (UTC+05:30), not on an hour of the local clock.
        HEADER + "2025-01-15T10:00Z,1\n2025-01-15T11:00Z,1\n",
        {"timezone": "Asia/Kolkata"},
        r"^readings\.csv:2: 2025-01-15T10:00Z does not start an interval: with intervals of "
        r"1 hour, .* on the clock in Asia/Kolkata",
    ),
    "interval not inferable": (
        HEADER + "2025-01-15T10:00,1\n2025-01-15T12:00,1\n",
        {},
        r"^readings\.csv:3: the first two readings, 2025-01-15T10:00 and 2025-01-15T12:00, "
        r"are 2 hours apart, so the interval length cannot be inferred; allowed: 5, 15, 30 "
        r"or 60 minutes",
    ),
    "single row": (
        HEADER + "2025-01-15T10:00,1\n",
        {},
        r"^readings\.csv:2: only one reading, so the interval length cannot be inferred",
    ),
    # values
    "empty value": (
        HEADER + "2025-01-15T10:00,1\n2025-01-15T10:15,\n",
        {},
        r"^readings\.csv:3: kwh is empty; expected a number of 0 or more, such as 12\.5, "
        r"or use --allow-gaps to bill an empty kwh as a missing interval$",
    ),
    "not a number": (
        "start,kwh,kvarh\n2025-01-15T10:00,1,0\n2025-01-15T10:15,1,n/a\n",
        {},
        r"^readings\.csv:3: kvarh is 'n/a', not a number; expected a number of 0 or more",
    ),
    "nan": (
        "start,kwh,kw\n2025-01-15T10:00,1,NaN\n2025-01-15T10:15,1,0\n",
        {},
        r"^readings\.csv:2: kw is 'NaN', not a finite number",
    ),
    "infinity": (
        "start,kwh,export_kwh\n2025-01-15T10:00,1,0\n2025-01-15T10:15,1,-Infinity\n",
        {},
        r"^readings\.csv:3: export_kwh is '-Infinity', not a finite number",
    ),
    "negative": (
        HEADER + "2025-01-15T10:00,1\n2025-01-15T10:15,-0.5\n",
        {},
        r"^readings\.csv:3: kwh is '-0\.5', a negative value; expected a number of 0 or more",
    ),
    "too many decimal places": (
        HEADER + "2025-01-15T10:00,1\n2025-01-15T10:15,0.1234567891\n",
        {},
        r"^readings\.csv:3: kwh is '0\.1234567891', with 10 decimal places; at most 9 are "
        r"allowed",
    ),
    "too many decimal places in exponent notation": (
        HEADER + "2025-01-15T10:00,1\n2025-01-15T10:15,1e-10\n",
        {},
        r"^readings\.csv:3: kwh is '1e-10', with 10 decimal places",
    ),
    "too large": (
        HEADER + "2025-01-15T10:00,1\n2025-01-15T10:15,1e15\n",
        {},
        r"^readings\.csv:3: kwh is '1e15', too large; at most 15 digits before the decimal",
    ),
    "huge exponent": (
        HEADER + "2025-01-15T10:00,1\n2025-01-15T10:15,1e-99999999999999999999\n",
        {},
        r"^readings\.csv:3: kwh is '1e-99999999999999999999', out of range",
    ),
    "digit group separator": (
        HEADER + "2025-01-15T10:00,1\n2025-01-15T10:15,1_000\n",
        {},
        r"^readings\.csv:3: kwh is '1_000', not a number",
    ),
    "decimal comma": (
        HEADER + "2025-01-15T10:00,1\n2025-01-15T10:15,1;5\n",
        {},
        r"^readings\.csv:3: kwh is '1;5', not a number",
    ),
    "non-ASCII digits": (
        HEADER + "2025-01-15T10:00,1\n2025-01-15T10:15,\u0661\u0662\n",
        {},
        r"^readings\.csv:3: kwh is '\u0661\u0662', which holds the non-ASCII digit '\u0661' "
        r"\(U\+0661\); write ASCII digits$",
    ),
    # the earliest line wins
    "value before a later duplicate": (
        HEADER + "2025-01-15T10:00,x\n2025-01-15T10:15,1\n2025-01-15T10:15,1\n",
        {},
        r"^readings\.csv:2: kwh is 'x', not a number",
    ),
    "value before a later bad line": (
        HEADER + "2025-01-15T10:00,1\n2025-01-15T10:15,-1\n2025-01-15T10:30,1,1\n",
        {},
        r"^readings\.csv:3: kwh is '-1', a negative value",
    ),
    "start before a value on the same line": (
        HEADER + "2025-01-15T10:00,1\n2025-01-15T10:77,-1\n",
        {},
        r"^readings\.csv:3: start '2025-01-15T10:77' is not valid",
    ),
    "misaligned before a later gap": (
        HEADER + "2025-01-15T10:05,1\n2025-01-15T10:20,1\n2025-01-15T11:05,1\n",
        {"interval_seconds": 900},
        r"^readings\.csv:2: 2025-01-15T10:05 does not start an interval",
    ),
    # arguments
    "interval not dividing a day": (
        TWO_ROWS,
        {"interval_seconds": 7},
        r"^readings\.csv: interval of 7 s does not divide a day \(86400 s\)",
    ),
    "interval zero": (TWO_ROWS, {"interval_seconds": 0}, r"^readings\.csv: interval of 0 s"),
    "unknown zone": (
        TWO_ROWS,
        {"timezone": "Europe/Atlantis"},
        r"^readings\.csv: unknown time zone 'Europe/Atlantis'; expected an IANA name",
    ),
}


@pytest.mark.parametrize(("text", "options", "pattern"), list(ERRORS.values()), ids=list(ERRORS))
def test_errors_name_the_line_and_what_is_allowed(
    text: str, options: dict[str, object], pattern: str
) -> None:
    options = dict(options)
    timezone = str(options.pop("timezone", "Europe/London"))
    with pytest.raises(ReadingsError, match=pattern) as caught:
        parse(text, timezone, **options)
    error = caught.value
    assert error.file == "readings.csv"
    line = re.match(r"readings\.csv:(\d+):", str(error))
    assert error.line == (int(line.group(1)) if line else None)


def test_a_gap_is_an_error_unless_allowed_even_with_a_given_interval() -> None:
    text = HEADER + "2025-01-15T10:00,1\n2025-01-15T11:00,1\n"
    with pytest.raises(ReadingsError, match=r"^readings\.csv:3: gap: .*\(3 intervals missing\)"):
        parse(text, interval_seconds=900)
    readings = parse(text, interval_seconds=900, allow_gaps=True)
    assert readings.gaps == ((utc(2025, 1, 15, 10, 15), utc(2025, 1, 15, 11)),)


def test_a_nul_byte_is_not_text(tmp_path: Path) -> None:
    path = tmp_path / "readings.csv"
    path.write_bytes(b"start,kwh\n2025-01-15T10:00,1\x00\n")
    with pytest.raises(ReadingsError, match=r"readings\.csv:2: not a text CSV file"):
        read_readings_csv(path, "UTC")


def test_invalid_utf8_is_not_text(tmp_path: Path) -> None:
    path = tmp_path / "readings.csv"
    path.write_bytes(b"start,kwh\n2025-01-15T10:00,1\n2025-01-15T10:15,\xff\n")
    with pytest.raises(
        ReadingsError, match=r"readings\.csv:3: not a text CSV file: invalid UTF-8 at byte 46"
    ):
        read_readings_csv(path, "UTC")


def test_a_missing_file_is_a_readings_error(tmp_path: Path) -> None:
    path = tmp_path / "absent.csv"
    with pytest.raises(ReadingsError, match=r"absent\.csv: cannot read the file"):
        read_readings_csv(path, "UTC")


def test_an_error_anywhere_rejects_the_whole_file() -> None:
    good = [f"2025-01-15T{hour:02d}:{minute:02d}" for hour in range(24) for minute in (0, 30)]
    values = ["1"] * len(good)
    values[-1] = "-1"
    with pytest.raises(ReadingsError, match=rf"^readings\.csv:{len(good) + 1}: kwh is '-1'"):
        parse(csv_of(good, values))


# --- properties --------------------------------------------------------------------------

START = utc(2025, 1, 15)
STARTS_TEXT = [f"2025-01-15T{index // 12:02d}:{index % 12 * 5:02d}" for index in range(288)]

plain_decimals = st.integers(0, 9).flatmap(
    lambda places: st.lists(
        st.decimals(min_value=0, max_value=10**6, places=places, allow_nan=False),
        min_size=1,
        max_size=60,
    )
)
mixed_decimals = st.lists(
    st.integers(0, 9).flatmap(
        lambda places: st.decimals(min_value=0, max_value=10**6, places=places, allow_nan=False)
    ),
    min_size=1,
    max_size=60,
)


@given(values=st.one_of(plain_decimals, mixed_decimals), exponent_notation=st.booleans())
def test_the_total_is_the_exact_sum(values: list[Decimal], exponent_notation: bool) -> None:
    texts = [str(value) if exponent_notation else format(value, "f") for value in values]
    readings = parse(csv_of(STARTS_TEXT[: len(values)], texts), interval_seconds=300)
    assert readings.total() == sum(values)
    assert len(readings) == len(values)


ZONES = ["UTC", "America/Los_Angeles", "Europe/London", "Asia/Kolkata", "Australia/Sydney"]
# Instants near clock changes of 2025 (UTC): US spring and fall, UK spring and fall, Sydney
# (first Sunday of April and of October).
NEAR_CHANGES = [
    utc(2025, 3, 9, 10),
    utc(2025, 11, 2, 9),
    utc(2025, 3, 30, 1),
    utc(2025, 10, 26, 1),
    utc(2025, 4, 5, 16),
    utc(2025, 10, 4, 16),
    utc(2025, 7, 1),
]


@st.composite
def aligned_sequences(draw: st.DrawFn) -> tuple[str, int, list[int]]:
    """A zone, an interval and starts aligned to it on the zone's clock, one apart."""
    timezone = draw(st.sampled_from(ZONES))
    interval = draw(st.sampled_from([300, 900, 1800, 3600]))
    zone = ZoneInfo(timezone)
    first = draw(st.sampled_from(NEAR_CHANGES)) + draw(st.integers(-86400, 86400))
    local_offset = int(datetime.fromtimestamp(first, zone).utcoffset() // timedelta(seconds=1))
    first -= (first + local_offset) % interval
    count = draw(st.integers(2, 150))
    return timezone, interval, [first + index * interval for index in range(count)]


def is_ambiguous(instant: int, zone: ZoneInfo) -> bool:
    local = datetime.fromtimestamp(instant, zone)
    return local.utcoffset() != local.replace(fold=1 - local.fold).utcoffset()


@given(sequence=aligned_sequences())
def test_starts_with_offsets_round_trip(sequence: tuple[str, int, list[int]]) -> None:
    timezone, interval, starts = sequence
    zone = ZoneInfo(timezone)
    texts = [datetime.fromtimestamp(start, zone).isoformat(timespec="minutes") for start in starts]
    readings = parse(csv_of(texts), timezone)
    assert readings.interval_seconds == interval
    assert readings.starts == starts


@given(sequence=aligned_sequences())
def test_starts_in_local_time_round_trip_unless_ambiguous(
    sequence: tuple[str, int, list[int]],
) -> None:
    timezone, interval, starts = sequence
    zone = ZoneInfo(timezone)
    texts = [datetime.fromtimestamp(start, zone).strftime("%Y-%m-%dT%H:%M") for start in starts]
    ambiguous = [index for index, start in enumerate(starts) if is_ambiguous(start, zone)]
    if ambiguous:
        line = ambiguous[0] + 2
        with pytest.raises(ReadingsError, match=rf"^readings\.csv:{line}: .* is ambiguous"):
            parse(csv_of(texts), timezone, interval_seconds=interval)
    else:
        readings = parse(csv_of(texts), timezone, interval_seconds=interval)
        assert readings.starts == starts


@given(sequence=aligned_sequences(), data=st.data())
def test_gaps_are_the_missing_spans(
    sequence: tuple[str, int, list[int]], data: st.DataObject
) -> None:
    timezone, interval, starts = sequence
    kept = sorted(data.draw(st.sets(st.sampled_from(starts), min_size=1, max_size=len(starts))))
    zone = ZoneInfo(timezone)
    texts = [datetime.fromtimestamp(start, zone).isoformat(timespec="minutes") for start in kept]
    expected_gaps = tuple(
        (previous + interval, current)
        for previous, current in zip(kept, kept[1:], strict=False)
        if current - previous > interval
    )
    readings = parse(csv_of(texts), timezone, interval_seconds=interval, allow_gaps=True)
    assert readings.starts == kept
    assert readings.gaps == expected_gaps
    if expected_gaps:
        with pytest.raises(ReadingsError, match=r"gap: no readings from"):
            parse(csv_of(texts), timezone, interval_seconds=interval)


def test_a_start_column_seen_before_gives_the_same_starts_and_nothing_else() -> None:
    """Files of one billing run share their start column; each still gets its own list."""
    days = [f"2025-03-{day:02d}" for day in range(1, 11)]
    starts_text = [f"{day}T{hour:02d}:{minute:02d}" for day in days for hour in range(24)
                   for minute in (0, 30)]  # fmt: skip
    first = parse_readings_csv(
        "start,kwh\n" + "".join(f"{t},1.5\n" for t in starts_text), "a.csv", "Asia/Shanghai"
    )
    second = parse_readings_csv(
        "start,kwh\n" + "".join(f"{t},2\n" for t in starts_text), "b.csv", "Asia/Shanghai"
    )
    assert second.starts == first.starts and second.starts is not first.starts
    assert second.kwh == [2000] * len(starts_text) and second.source == "b.csv"
    # Same rows, first and last start, but one start repeated in the middle: refused.
    broken = list(starts_text)
    broken[100] = broken[99]
    with pytest.raises(ReadingsError) as caught:
        parse_readings_csv(
            "start,kwh\n" + "".join(f"{t},1\n" for t in broken), "c.csv", "Asia/Shanghai"
        )
    assert caught.value.line == 102


# -- plain values by their text ----------------------------------------------------------

value_texts = st.one_of(
    st.integers(0, 10**6).map(str),
    st.builds(
        lambda whole, fraction: f"{whole}.{fraction}",
        st.integers(0, 99_999).map(str) | st.sampled_from(["00", "007", "0" * 15]),
        st.text("0123456789", min_size=0, max_size=5),
    ),
    st.sampled_from(["+1.5", " 2.5", "2.5 ", "1e3", "1.25E+1", ".5", "2.", "-0", "0.000"]),
)


@given(values=st.lists(value_texts, min_size=2, max_size=12), kvarh=st.booleans())
def test_plain_values_read_by_their_text_equal_the_slow_path(
    values: list[str], kvarh: bool
) -> None:
    # The slow twin: every column read by `_parse_column` and `_Column.to_units`.
    starts = [f"2025-01-15T{hour:02d}:00" for hour in range(len(values))]
    second = [f"{index % 7}.{index:04d}" for index in range(len(values))] if kvarh else None
    text = "start,kwh,kvarh\n" if second else HEADER
    text += "".join(
        f"{start},{value}" + (f",{second[index]}" if second else "") + "\n"
        for index, (start, value) in enumerate(zip(starts, values, strict=True))
    )
    # The values kept beforehand, as by files read before: the column is looked up.
    for known in [*values, *(second or [])]:
        try:
            csv_reader._PLAIN_UNITS[known]
        except csv_reader._NotPlain:
            pass
    looked_up: list[bool] = []
    by_text = csv_reader._plain_units

    def spied(texts: list[str]) -> list[int] | None:
        found = by_text(texts)
        looked_up.append(found is not None)
        return found

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(csv_reader, "_plain_units", spied)
        patch.setattr(csv_reader, "_read_fixed_width", lambda *arguments: None)  # tested below
        try:
            expected: Readings | str = parse(text, "UTC")
        except ReadingsError as error:
            expected = str(error)
    plain = re.compile(r"\d{1,15}(\.\d{1,3})?")
    if all(plain.fullmatch(value) for value in values):
        assert looked_up[0]  # the kwh column took the look-up
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(csv_reader, "_plain_units", lambda texts: None)
        try:
            slow: Readings | str = parse(text, "UTC")
        except ReadingsError as error:
            slow = str(error)
    assert expected == slow


def test_plain_values_by_their_text_worked_by_hand() -> None:
    starts = [f"2025-01-15T10:{minute:02d}" for minute in (0, 15, 30, 45)]
    readings = parse(csv_of(starts, ["12.5", "007.250", "0", "1.001"]))
    # kWh × 1000: 12.5 → 12500, 7.25 → 7250, 0 → 0, 1.001 → 1001.
    assert (readings.kwh, readings.scale) == ([12500, 7250, 0, 1001], 3)
    lifted = parse("start,kwh,kvarh\n2025-01-15T10:00,1.5,0.1234\n2025-01-15T10:15,2,0\n", "UTC")
    # A kvarh of 4 decimal places makes the scale 4: 1.5 kWh → 15000, 2 → 20000.
    assert (lifted.kwh, lifted.kvarh, lifted.scale) == ([15000, 20000], [1234, 0], 4)


def test_plain_values_are_kept_for_files_like_one_read_before_and_bounded(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from tariffs.engine._kept import reader_spans

    monkeypatch.setattr(csv_reader, "_PLAIN_UNITS_LIMIT", 5)
    csv_reader._PLAIN_UNITS.clear()
    reader_spans.clear()
    starts = [f"2025-01-15T{hour:02d}:00" for hour in range(20)]
    # Four values again and again, of two widths (not fixed columns), one decimal each.
    few = [("0.5", "10.5", "2.5", "30.5")[hour % 4] for hour in range(20)]
    units = [(500, 10500, 2500, 30500)[hour % 4] for hour in range(20)]
    # A file alone keeps nothing; its column of starts is kept (reader_spans).
    assert parse(csv_of(starts, few), "UTC").kwh == units
    assert len(csv_reader._PLAIN_UNITS) == 0
    # A file with the same starts: a run of meters; its 4 values are kept.
    assert parse(csv_of(starts, few), "UTC").kwh == units
    assert dict(csv_reader._PLAIN_UNITS) == {"0.5": 500, "10.5": 10500, "2.5": 2500, "30.5": 30500}
    assert parse(csv_of(starts, few), "UTC").kwh == units  # looked up
    # 20 values, 16 of them new: read in bulk, and more than the bound: nothing is kept.
    many = [f"{hour}.5" for hour in range(20)]
    assert parse(csv_of(starts, many), "UTC").kwh == [hour * 1000 + 500 for hour in range(20)]
    assert len(csv_reader._PLAIN_UNITS) == 0
    csv_reader._PLAIN_UNITS.clear()


# -- fixed columns -----------------------------------------------------------------------


def quarter_hour_starts(count: int) -> list[str]:
    """Starts every 15 minutes from 2025-01-15 00:00, as a meter writes them."""
    first = datetime(2025, 1, 15)
    return [(first + timedelta(minutes=15 * k)).strftime("%Y-%m-%dT%H:%M") for k in range(count)]


def fixed_text(starts: list[str], columns: dict[str, list[str]]) -> str:
    names = list(columns)
    rows = zip(starts, *columns.values(), strict=True)
    return f"start,{','.join(names)}\n" + "".join(",".join(row) + "\n" for row in rows)


def read_twice_and_slow(text: str, timezone: str) -> tuple[object, object, object, bool]:
    """The file read twice (the second with its start column remembered) and read slowly.

    Also says whether the second read took the path of fixed columns. A third read, whose
    values' words the second kept, must look them up and read the same.
    """
    taken: list[bool] = []
    fixed = csv_reader._read_fixed_width

    def spied(*arguments: Any) -> Any:
        found = fixed(*arguments)
        taken.append(found is not None)
        return found

    def attempt() -> object:
        try:
            return parse(text, timezone)
        except ReadingsError as error:
            return str(error)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(csv_reader, "_read_fixed_width", spied)
        first, second = attempt(), attempt()
        third = attempt()
    assert third == second
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(csv_reader, "_read_fixed_width", lambda *arguments: None)
        patch.setattr(csv_reader, "_plain_units", lambda texts: None)
        slow = attempt()
    return first, second, slow, taken[-1:] == [True]


fixed_formats = st.sampled_from(["{:.3f}", "{:.1f}", "{:07.3f}", "{:.0f}", "{:.2f}"])
# What a row may be spoiled by: still the same length, or not.
spoilers = st.sampled_from(["1.2x5", " 1.25", "1,250", ".1250", "1.2500", "+1.25", "12.5E", "1.2"])


@given(
    values=st.lists(st.integers(0, 9_999), min_size=2, max_size=40),
    form=fixed_formats,
    second=st.one_of(st.none(), fixed_formats),
    spoil=st.one_of(st.none(), st.tuples(st.integers(0, 39), spoilers, st.booleans())),
    timezone=st.sampled_from(["Asia/Shanghai", "UTC"]),
)
def test_fixed_columns_read_as_the_slow_path_reads_them(
    values: list[int],
    form: str,
    second: str | None,
    spoil: tuple[int, str, bool] | None,
    timezone: str,
) -> None:
    columns = {"kwh": [form.format(value / 1000) for value in values]}
    if second is not None:
        columns["kvarh"] = [second.format(value / 700) for value in reversed(values)]
    if spoil is not None:
        row, text, in_kwh = spoil
        column = columns["kwh" if in_kwh or second is None else "kvarh"]
        column[row % len(values)] = text
    text = fixed_text(quarter_hour_starts(len(values)), columns)
    first, again, slow, fast = read_twice_and_slow(text, timezone)
    assert first == again == slow
    if spoil is None and len({len(line) for line in text.splitlines()[1:]}) == 1:
        assert fast  # every line alike: the second read took the path of fixed columns


def test_fixed_columns_worked_by_hand() -> None:
    starts = ["2031-03-04T00:00", "2031-03-04T00:30", "2031-03-04T01:00", "2031-03-04T01:30"]
    text = fixed_text(
        starts,
        {
            "kvarh": ["0.50", "1.25", "0.00", "9.99"],
            "kwh": ["012.125", "000.500", "100.000", "007.001"],
        },
    )
    first, second, slow, fast = read_twice_and_slow(text, "Asia/Shanghai")
    assert fast and first == second == slow
    assert isinstance(second, Readings)
    # 2031-03-04 00:00 in Shanghai (UTC+8) is 2031-03-03 16:00 UTC; then every 30 minutes.
    assert second.starts == [utc(2031, 3, 3, 16, 0) + 1800 * k for k in range(4)]
    # kWh × 1000: 12.125 → 12125, 0.5 → 500, 100 → 100000, 7.001 → 7001.
    assert second.kwh == [12125, 500, 100_000, 7001]
    # kvarh × 1000: 0.50 → 500, 1.25 → 1250, 0.00 → 0, 9.99 → 9990.
    assert second.kvarh == [500, 1250, 0, 9990]
    assert (second.scale, second.interval_seconds, second.gaps) == (3, 1800, ())


@pytest.mark.parametrize(
    "spoiled",
    ["1.2x5", "12.50", "1,250", "1.25 ", " 1.25", "+1.25", "1.2E1", "١.250", "1.250", "10.25"],
)
def test_a_row_spoiled_in_fixed_columns_is_read_as_the_slow_path_reads_it(spoiled: str) -> None:
    # Every value 5 characters long, as is each spoiled one: the columns stay fixed.
    values = ["0.125", "1.500", "9.999", "0.000", "2.250", "7.125"]
    values[3] = spoiled
    first, second, slow, fast = read_twice_and_slow(
        fixed_text(quarter_hour_starts(6), {"kwh": values}), "Asia/Shanghai"
    )
    assert first == second == slow
    # Only a value written like the others (1.250) keeps the fast path.
    assert fast == (spoiled == "1.250")


@pytest.mark.parametrize("spoiled", ["2025-01-15T00:31", "2025-01-15T00:30", "2025-01-15 00:45"])
def test_a_start_spoiled_in_fixed_columns_is_read_as_the_slow_path_reads_it(spoiled: str) -> None:
    starts = quarter_hour_starts(6)
    parse(fixed_text(starts, {"kwh": ["0.125"] * 6}), "Asia/Shanghai")  # remembered
    starts[3] = spoiled  # 00:45 in every case, written otherwise
    first, second, slow, fast = read_twice_and_slow(
        fixed_text(starts, {"kwh": ["0.125"] * 6}), "Asia/Shanghai"
    )
    assert first == second == slow
    assert not fast


def test_the_values_kept_for_fixed_columns_are_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(csv_reader, "_PLAIN_UNITS_LIMIT", 3)
    monkeypatch.setattr(csv_reader._PackedUnits, "held", 0)
    monkeypatch.setattr(csv_reader, "_PACKED_UNITS", {})
    values = [f"{k}.{k}5" for k in range(10)]  # 0.05, 1.15, ..., 9.95
    first, second, slow, fast = read_twice_and_slow(
        fixed_text(quarter_hour_starts(10), {"kwh": values}), "UTC"
    )
    assert fast and first == second == slow
    assert isinstance(second, Readings)
    # kWh × 1000: k.k5 → 1000 k + 100 k + 50.
    assert second.kwh == [1100 * k + 50 for k in range(10)]
    # 10 values read at once past the bound of 3: none is kept.
    assert sum(map(len, csv_reader._PACKED_UNITS.values())) == csv_reader._PackedUnits.held == 0
    # 3 values are kept, then looked up; a fourth one met alone empties the tables first.
    three = fixed_text(quarter_hour_starts(3), {"kwh": ["0.05", "1.15", "2.25"]})
    parse(three, "UTC")
    parse(three, "UTC")  # remembered starts: the fixed columns' path
    assert csv_reader._PackedUnits.held == 3
    assert parse(three, "UTC").kwh == [50, 1150, 2250]  # looked up
    four = fixed_text(quarter_hour_starts(3), {"kwh": ["0.05", "1.15", "3.35"]})
    # 2 of 3 known is too few to look each up: read in bulk; 4 values: past the bound.
    assert parse(four, "UTC").kwh == [50, 1150, 3350]
    assert csv_reader._PackedUnits.held == 0
