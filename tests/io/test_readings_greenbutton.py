"""Tests of the Green Button (ESPI) XML reader.

The sample files under ``tests/data/greenbutton`` (see its SOURCES.md) are checked against
their published totals and, reading by reading, against another parser's output kept in
``expected_parse/``. Small feeds built here cover each rule and each error; their expected
values are worked out by hand from the values written into them.
"""

from __future__ import annotations

import random
import re
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tariffs.errors import ReadingsError
from tariffs.io.readings.greenbutton import parse_greenbutton, read_greenbutton

DATA = Path(__file__).parents[1] / "data" / "greenbutton"
INLAND = DATA / "Inland_Single_Family_Jan_1_2011_to_Jan_1_2012_RetailCustomer_9.xml"
HOURLY = DATA / "TestGBDataHourlyNineDaysBinnedDaily.xml"
DAILY = DATA / "TestGBDataOneYearDailyBinnedMonthly.xml"
ABRIDGED = DATA / "electric_containerized_abridged.xml"


def utc(year: int, month: int, day: int, hour: int = 0) -> int:
    """UTC epoch seconds of a date and hour."""
    return int(datetime(year, month, day, hour, tzinfo=UTC).timestamp())


JULY = utc(2025, 7, 1)  # 2025-07-01T00:00Z
HOUR = 3600


# --- expected_parse oracle -----------------------------------------------------------------

_ORACLE_LINE = re.compile(
    r"^\s*(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\+00:00), (?:(\d+) days?, )?(\d+):(\d\d):(\d\d): "
    r"(\d+) Wh",
    re.MULTILINE,
)


def oracle(name: str) -> list[tuple[int, int, int]]:
    """(UTC start, duration [s], Wh) per reading, from the other parser's output."""
    text = (DATA / "expected_parse" / name).read_text(encoding="utf-8")
    rows = []
    for match in _ORACLE_LINE.finditer(text):
        start = int(datetime.fromisoformat(match.group(1)).timestamp())
        days, hours, minutes, seconds = (int(group or 0) for group in match.group(2, 3, 4, 5))
        duration = int(
            timedelta(days=days, hours=hours, minutes=minutes, seconds=seconds).total_seconds()
        )
        rows.append((start, duration, int(match.group(6))))
    return rows


# --- sample files ------------------------------------------------------------------------


def test_inland_year_of_hourly_readings() -> None:
    readings = read_greenbutton(INLAND)
    assert readings.source == str(INLAND)
    assert len(readings) == 8760
    assert readings.interval_seconds == 3600
    assert readings.scale == 3
    # Sum of the file's values: 8,343,306 Wh.
    assert readings.total() == Decimal("8343.306")
    assert sum(readings.kwh) == 8_343_306
    assert readings.starts[0] == utc(2011, 1, 1, 8)
    assert readings.starts[-1] == utc(2012, 1, 1, 7)
    assert readings.gaps == ()
    assert readings.kvarh is None and readings.export_kwh is None and readings.kw is None


def test_inland_year_parses_in_well_under_a_second() -> None:
    data = INLAND.read_bytes()
    best = float("inf")
    for _ in range(3):
        started = time.perf_counter()
        parse_greenbutton(data, INLAND.name)
        best = min(best, time.perf_counter() - started)
    assert best < 1.0


def test_hourly_nine_days_matches_expected_parse_reading_by_reading() -> None:
    readings = read_greenbutton(HOURLY)
    expected = oracle("TestGBDataHourlyNineDaysBinnedDaily.txt")
    assert len(expected) == 216
    assert {duration for _, duration, _ in expected} == {3600}
    assert readings.interval_seconds == 3600
    assert readings.starts == [start for start, _, _ in expected]
    # Wh are kWh × 1000: at scale 3 the integers are the Wh values themselves.
    assert readings.scale == 3
    assert readings.kwh == [wh for _, _, wh in expected]
    assert readings.total() == Decimal("199.563")  # overallConsumptionLastPeriod 199563 Wh
    assert readings.starts[0] == utc(2014, 1, 1, 5)
    assert readings.starts[-1] == utc(2014, 1, 10, 4)


def test_abridged_file_has_a_gap_that_is_refused_by_default() -> None:
    # Block 1 ends with the reading of 11:00-12:00 UTC; block 2 starts at 20:00 UTC. The
    # first reading of block 2 is on line 139 of the file.
    with pytest.raises(
        ReadingsError,
        match=r"electric_containerized_abridged\.xml:139: IntervalBlock 2, IntervalReading 1: "
        r"gap: no readings from 2011-01-01T12:00Z to 2011-01-01T20:00Z \(8 intervals missing\)",
    ):
        read_greenbutton(ABRIDGED)


def test_abridged_file_with_gaps_allowed_matches_expected_parse() -> None:
    readings = read_greenbutton(ABRIDGED, allow_gaps=True)
    expected = oracle("electric_containerized_abridged.txt")
    assert len(readings) == 8
    assert readings.starts == [start for start, _, _ in expected]
    assert readings.kwh == [wh for _, _, wh in expected]
    assert readings.total() == Decimal("4.086")  # 450+430+418+410+595+591+611+581 Wh
    assert readings.gaps == ((utc(2011, 1, 1, 12), utc(2011, 1, 1, 20)),)


def test_daily_file_with_daylight_saving_days_is_refused() -> None:
    # The other parser shows the reason: local days of 23 and 25 hours.
    expected = oracle("TestGBDataOneYearDailyBinnedMonthly.txt")
    assert len(expected) == 444
    assert sorted({duration for _, duration, _ in expected}) == [82800, 86400, 90000]
    assert (utc(2013, 3, 10, 5), 82800) in {(start, duration) for start, duration, _ in expected}
    # 2013-03-10 is the 10th reading of the third (March) block, on line 785.
    with pytest.raises(
        ReadingsError,
        match=r"TestGBDataOneYearDailyBinnedMonthly\.xml:785: IntervalBlock 3, "
        r"IntervalReading 10: intervals of different lengths: 86400 and 82800 s .*"
        r"daylight-saving",
    ):
        read_greenbutton(DAILY)


# --- building small feeds ------------------------------------------------------------------

BASE = "https://example.test/espi/1_1/resource"


@dataclass
class Meter:
    """One MeterReading: its ReadingType fields and its blocks of (start, duration, value)."""

    blocks: Sequence[Sequence[tuple[int, int | None, int | str | None]]]
    uom: int | None = 72
    flow: int | None = 1
    power: int | None = 0
    accumulation: int | None = 4
    interval: int | None = 3600


@dataclass
class Point:
    """One UsagePoint and its meters."""

    meters: list[Meter]
    kind: int | None = 0
    title: str = "Home"
    links: bool = True
    extra: list[str] = field(default_factory=list)


def _element(name: str, value: object) -> str:
    return "" if value is None else f"<{name}>{value}</{name}>"


def _entry(links: dict[str, list[str]], title: str, content: str) -> str:
    link_lines = "".join(
        f'    <link rel="{rel}" href="{href}"/>\n' for rel, hrefs in links.items() for href in hrefs
    )
    return (
        "  <entry>\n"
        f"{link_lines}"
        f"    <title>{title}</title>\n"
        f"    <content>\n{content}    </content>\n"
        "  </entry>\n"
    )


def _block(readings: Sequence[tuple[int, int | None, int | str | None]]) -> str:
    lines = ['      <IntervalBlock xmlns="http://naesb.org/espi">\n']
    for start, duration, value in readings:
        lines.append("        <IntervalReading>\n")
        lines.append("          <timePeriod>\n")
        if duration is not None:
            lines.append(f"            <duration>{duration}</duration>\n")
        lines.append(f"            <start>{start}</start>\n")
        lines.append("          </timePeriod>\n")
        if value is not None:
            lines.append(f"          <value>{value}</value>\n")
        lines.append("        </IntervalReading>\n")
    lines.append("      </IntervalBlock>\n")
    return "".join(lines)


def feed(*points: Point, usage_points: bool = True) -> bytes:
    """A Green Button feed with the given usage points, linked as the standard does."""
    entries = []
    reading_type_number = 0
    for point_number, point in enumerate(points, 1):
        point_href = f"{BASE}/RetailCustomer/1/UsagePoint/{point_number}"
        if usage_points:
            kind = (
                ""
                if point.kind is None
                else (f"<ServiceCategory><kind>{point.kind}</kind></ServiceCategory>")
            )
            entries.append(
                _entry(
                    {"self": [point_href], "related": [f"{point_href}/MeterReading"]},
                    point.title,
                    f'      <UsagePoint xmlns="http://naesb.org/espi">{kind}</UsagePoint>\n',
                )
            )
        for meter_number, meter in enumerate(point.meters, 1):
            reading_type_number += 1
            meter_href = f"{point_href}/MeterReading/{meter_number}"
            type_href = f"{BASE}/ReadingType/{reading_type_number}"
            fields = "".join(
                _element(name, value)
                for name, value in (
                    ("accumulationBehaviour", meter.accumulation),
                    ("flowDirection", meter.flow),
                    ("intervalLength", meter.interval),
                    ("powerOfTenMultiplier", meter.power),
                    ("uom", meter.uom),
                )
            )
            links = (
                {
                    "self": [meter_href],
                    "up": [f"{point_href}/MeterReading"],
                    "related": [f"{meter_href}/IntervalBlock", type_href],
                }
                if point.links
                else {}
            )
            entries.append(
                _entry(
                    links,
                    f"Meter {meter_number}",
                    '      <MeterReading xmlns="http://naesb.org/espi"/>\n',
                )
            )
            entries.append(
                _entry(
                    {"self": [type_href]} if point.links else {},
                    "Type of Meter Reading Data",
                    f'      <ReadingType xmlns="http://naesb.org/espi">\n{fields}\n'
                    "      </ReadingType>\n",
                )
            )
            for block_number, readings in enumerate(meter.blocks, 1):
                block_links = (
                    {
                        "self": [f"{meter_href}/IntervalBlock/{block_number}"],
                        "up": [f"{meter_href}/IntervalBlock"],
                    }
                    if point.links
                    else {}
                )
                entries.append(_entry(block_links, "", _block(readings)))
        entries.extend(point.extra)
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<feed xmlns="http://www.w3.org/2005/Atom">\n' + "".join(entries) + "</feed>\n"
    ).encode()


def hourly(
    values: Sequence[int | str | None], first: int = JULY
) -> list[tuple[int, int | None, int | str | None]]:
    """Consecutive hourly readings."""
    return [(first + index * HOUR, HOUR, value) for index, value in enumerate(values)]


def parse(data: bytes, **options: object) -> object:
    return parse_greenbutton(data, "gb.xml", **options)  # type: ignore[arg-type]


def line_of(data: bytes, text: bytes, occurrence: int = 1) -> int:
    """1-based line of the n-th occurrence of some text in the data."""
    offset = -1
    for _ in range(occurrence):
        offset = data.index(text, offset + 1)
    return data.count(b"\n", 0, offset) + 1


# --- columns, units and scale ------------------------------------------------------------


def test_one_meter_in_watt_hours() -> None:
    readings = parse_greenbutton(feed(Point([Meter([hourly([1500, 0, 2250])])])), "gb.xml")
    assert readings.source == "gb.xml"
    assert readings.starts == [JULY, JULY + HOUR, JULY + 2 * HOUR]
    assert readings.interval_seconds == HOUR
    assert readings.scale == 3
    assert readings.kwh == [1500, 0, 2250]  # 1.5, 0, 2.25 kWh
    assert readings.total() == Decimal("3.750")


def test_delivered_received_and_reactive_energy_fill_their_columns() -> None:
    point = Point(
        [
            Meter([hourly([1000, 2000])], flow=1),
            Meter([hourly([300, 0])], flow=19),
            Meter([hourly([450, 600])], uom=73, flow=None),
        ]
    )
    readings = parse_greenbutton(feed(point), "gb.xml")
    assert readings.kwh == [1000, 2000]
    assert readings.export_kwh == [300, 0]
    assert readings.kvarh == [450, 600]
    assert readings.kw is None
    assert readings.total("export_kwh") == Decimal("0.300")
    assert readings.total("kvarh") == Decimal("1.050")


def test_power_in_watts_fills_kw() -> None:
    point = Point(
        [Meter([hourly([1000, 2000])]), Meter([hourly([1500, 2500])], uom=38, accumulation=12)]
    )
    readings = parse_greenbutton(feed(point), "gb.xml")
    assert readings.kw == [1500, 2500]  # 1.5 and 2.5 kW


def test_missing_flow_direction_means_delivered() -> None:
    readings = parse_greenbutton(feed(Point([Meter([hourly([7])], flow=None)])), "gb.xml")
    assert readings.kwh == [7]


def test_power_of_ten_three_is_kilowatt_hours() -> None:
    readings = parse_greenbutton(feed(Point([Meter([hourly([12, 3])], power=3)])), "gb.xml")
    assert readings.scale == 3
    assert readings.kwh == [12000, 3000]  # 12 kWh and 3 kWh
    assert readings.total() == Decimal("15.000")


def test_negative_power_of_ten_widens_the_scale_exactly() -> None:
    # 12345 × 10**-4 Wh = 1.2345 Wh = 0.0012345 kWh: seven decimal places of kWh.
    readings = parse_greenbutton(feed(Point([Meter([hourly([12345, 1])], power=-4)])), "gb.xml")
    assert readings.scale == 7
    assert readings.kwh == [12345, 1]
    assert readings.total() == Decimal("0.0012346")


def test_scale_is_shared_by_all_columns() -> None:
    point = Point([Meter([hourly([5])], power=-1), Meter([hourly([2])], flow=19, power=3)])
    readings = parse_greenbutton(feed(point), "gb.xml")
    # 5 × 0.1 Wh = 0.0005 kWh (scale 4); 2 kWh received = 20000 × 10**-4.
    assert readings.scale == 4
    assert readings.kwh == [5]
    assert readings.export_kwh == [20000]


def test_power_of_ten_beyond_nine_decimal_places_is_refused() -> None:
    with pytest.raises(
        ReadingsError,
        match=r"gb\.xml:\d+: ReadingType 1 'Type of Meter Reading Data': powerOfTenMultiplier -7 "
        r"needs 10 decimal places of kWh; at most 9 are kept",
    ):
        parse(feed(Point([Meter([hourly([1])], power=-7)])))


@pytest.mark.parametrize(
    ("uom", "name"), [(169, "therm"), (42, "m3"), (71, "VAh"), (999, "unknown unit")]
)
def test_unsupported_unit_is_refused_by_name(uom: int, name: str) -> None:
    data = feed(Point([Meter([hourly([1])], uom=uom)]))
    with pytest.raises(
        ReadingsError,
        match=rf"gb\.xml:{line_of(data, b'<uom>')}: ReadingType 1 'Type of Meter Reading Data': "
        rf"uom {uom} \({name}\) is not supported: expected 72 \(Wh\), 73 \(VArh\) or 38 \(W\)",
    ):
        parse(data)


def test_missing_unit_is_refused() -> None:
    with pytest.raises(ReadingsError, match=r"the ReadingType has no uom"):
        parse(feed(Point([Meter([hourly([1])], uom=None)])))


def test_register_readings_are_refused() -> None:
    with pytest.raises(
        ReadingsError,
        match=r"accumulationBehaviour 1 \(bulkQuantity\) is not supported: energy must be "
        r"given per interval",
    ):
        parse(feed(Point([Meter([hourly([1])], accumulation=1)])))


def test_other_flow_directions_of_energy_are_refused() -> None:
    with pytest.raises(ReadingsError, match=r"flowDirection 20 \(total\) is not supported"):
        parse(feed(Point([Meter([hourly([1])], flow=20)])))


def test_net_energy_alone_is_refused() -> None:
    with pytest.raises(
        ReadingsError,
        match=r"MeterReading 1 'Meter 1': net energy \(flowDirection 4\) is not supported on "
        r"its own",
    ):
        parse(feed(Point([Meter([hourly([1])], flow=4)])))


def test_net_energy_beside_delivered_and_received_is_left_aside() -> None:
    point = Point(
        [
            Meter([hourly([5, 1])], flow=1),
            Meter([hourly([2, 3])], flow=19),
            Meter([hourly([3, 2])], flow=4),  # |5-2|, |1-3|: implied by the other two
        ]
    )
    readings = parse_greenbutton(feed(point), "gb.xml")
    assert readings.kwh == [5, 1]
    assert readings.export_kwh == [2, 3]


def test_two_meters_for_one_column_are_refused() -> None:
    point = Point([Meter([hourly([1])]), Meter([hourly([2])])])
    with pytest.raises(
        ReadingsError,
        match=r"MeterReading 2 'Meter 2': 2 MeterReadings hold energy delivered to the customer "
        r"\(Wh, flowDirection 1\): MeterReading 1 'Meter 1', MeterReading 2 'Meter 2'; "
        r"expected one",
    ):
        parse(feed(point))


def test_received_energy_alone_is_refused() -> None:
    with pytest.raises(
        ReadingsError,
        match=r"no readings of energy delivered to the customer \(Wh, flowDirection 1\); found "
        r"only energy received from the customer",
    ):
        parse(feed(Point([Meter([hourly([1])], flow=19)])))


def test_columns_must_cover_the_same_intervals() -> None:
    point = Point([Meter([hourly([1, 2, 3])]), Meter([hourly([1, 2])], flow=19)])
    with pytest.raises(
        ReadingsError,
        match=r"energy received from the customer \(Wh, flowDirection 19\) has no reading at "
        r"2025-07-01T02:00Z, but energy delivered",
    ):
        parse(feed(point))
    point = Point([Meter([hourly([1, 2])]), Meter([hourly([1, 2, 3])], flow=19)])
    with pytest.raises(
        ReadingsError,
        match=r"IntervalBlock 2, IntervalReading 3: energy received from the customer "
        r"\(Wh, flowDirection 19\) has a reading at 2025-07-01T02:00Z, but",
    ):
        parse(feed(point))


def test_columns_must_have_the_same_interval_length() -> None:
    quarter_hours = [(JULY + index * 900, 900, 1) for index in range(8)]
    point = Point([Meter([hourly([1, 2])]), Meter([quarter_hours], uom=73, interval=900)])
    with pytest.raises(
        ReadingsError, match=r"reactive energy \(VArh\) has intervals of 900 s, but .* 3600 s"
    ):
        parse(feed(point))


# --- order, duplicates, overlaps and gaps ------------------------------------------------


def test_blocks_and_readings_in_any_order_are_sorted() -> None:
    first_block = hourly([1, 2, 3])
    second_block = list(reversed(hourly([4, 5], first=JULY + 3 * HOUR)))
    readings = parse_greenbutton(feed(Point([Meter([second_block, first_block])])), "gb.xml")
    assert readings.starts == [JULY + index * HOUR for index in range(5)]
    assert readings.kwh == [1, 2, 3, 4, 5]


def test_duplicate_reading_across_blocks_is_refused() -> None:
    data = feed(Point([Meter([hourly([1, 2]), hourly([9], first=JULY + HOUR)])]))
    # The duplicate is the third IntervalReading of the file, the first of block 2.
    expected_line = line_of(data, b"<IntervalReading>", 3)
    with pytest.raises(
        ReadingsError,
        match=rf"gb\.xml:{expected_line}: IntervalBlock 2, IntervalReading 1: "
        r"2025-07-01T01:00Z appears twice \(first at IntervalBlock 1, IntervalReading 2\)",
    ):
        parse(data)


def test_overlapping_readings_are_refused() -> None:
    readings = [(JULY, HOUR, 1), (JULY + 1800, HOUR, 2)]
    with pytest.raises(
        ReadingsError,
        match=r"IntervalBlock 1, IntervalReading 2: the reading starting 2025-07-01T00:30Z "
        r"begins 1800 s after the one at IntervalBlock 1, IntervalReading 1, so intervals of "
        r"3600 s overlap",
    ):
        parse(feed(Point([Meter([readings])])))


def test_readings_off_the_interval_grid_are_refused_even_with_gaps_allowed() -> None:
    readings = [(JULY, HOUR, 1), (JULY + 5400, HOUR, 2)]
    with pytest.raises(ReadingsError, match=r"begins 5400 s after .* not a whole number of 3600 s"):
        parse(feed(Point([Meter([readings])])), allow_gaps=True)


def test_gap_is_refused_or_recorded() -> None:
    readings = [(JULY, HOUR, 1), (JULY + 3 * HOUR, HOUR, 2), (JULY + 4 * HOUR, HOUR, 3)]
    data = feed(Point([Meter([readings])]))
    with pytest.raises(
        ReadingsError,
        match=r"gap: no readings from 2025-07-01T01:00Z to 2025-07-01T03:00Z \(2 intervals "
        r"missing\)",
    ):
        parse(data)
    allowed = parse_greenbutton(data, "gb.xml", allow_gaps=True)
    assert allowed.starts == [JULY, JULY + 3 * HOUR, JULY + 4 * HOUR]
    assert allowed.gaps == ((JULY + HOUR, JULY + 3 * HOUR),)
    assert allowed.kwh == [1, 2, 3]


def test_mixed_interval_lengths_are_refused() -> None:
    readings = [(JULY, HOUR, 1), (JULY + HOUR, 900, 2)]
    with pytest.raises(
        ReadingsError,
        match=r"IntervalBlock 1, IntervalReading 2: intervals of different lengths: 3600 and "
        r"900 s",
    ):
        parse(feed(Point([Meter([readings])])))


def test_interval_that_does_not_divide_a_day_is_refused() -> None:
    readings = [(JULY, 7000, 1), (JULY + 7000, 7000, 2)]
    with pytest.raises(ReadingsError, match=r"intervals of 7000 s do not divide a day"):
        parse(feed(Point([Meter([readings], interval=7000)])))


def test_daily_intervals_are_accepted() -> None:
    readings = [(JULY, 86400, 10), (JULY + 86400, 86400, 20)]
    result = parse_greenbutton(feed(Point([Meter([readings], interval=86400)])), "gb.xml")
    assert result.interval_seconds == 86400
    assert result.kwh == [10, 20]


def test_duration_falls_back_to_the_interval_length() -> None:
    readings = [(JULY, None, 1), (JULY + 900, None, 2)]
    result = parse_greenbutton(feed(Point([Meter([readings], interval=900)])), "gb.xml")
    assert result.interval_seconds == 900
    assert result.starts == [JULY, JULY + 900]


def test_missing_duration_and_interval_length_is_refused() -> None:
    with pytest.raises(
        ReadingsError, match=r"has no timePeriod/duration, and its ReadingType no intervalLength"
    ):
        parse(feed(Point([Meter([[(JULY, None, 1)]], interval=None)])))


# --- values ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("-5", r"value -5 is negative; readings must be 0 or more"),
        ("12.5", r"value '12\.5' is not an integer of at most 19 digits"),
        ("1_000", r"value '1_000' is not an integer"),
        ("9" * 40, r"value '9{30}\.\.\.' is not an integer of at most 19 digits"),
        (None, r"the IntervalReading has no value"),
    ],
)
def test_bad_values_are_refused_at_their_reading(value: str | None, message: str) -> None:
    data = feed(Point([Meter([hourly([1, value])])]))
    expected_line = line_of(data, b"<IntervalReading>", 2)
    with pytest.raises(
        ReadingsError,
        match=rf"gb\.xml:{expected_line}: IntervalBlock 1, IntervalReading 2: {message}",
    ):
        parse(data)


def test_bad_start_is_refused() -> None:
    with pytest.raises(ReadingsError, match=r"timePeriod/start 'noon' is not an integer"):
        parse(feed(Point([Meter([[("noon", HOUR, 1)]])])))  # type: ignore[list-item]
    with pytest.raises(ReadingsError, match=r"timePeriod/start -3600 is not a time from 1970"):
        parse(feed(Point([Meter([[(-3600, HOUR, 1)]])])))


def test_zero_duration_is_refused() -> None:
    with pytest.raises(ReadingsError, match=r"interval length of 0 s is not a positive number"):
        parse(feed(Point([Meter([[(JULY, 0, 1)]])])))


# --- usage points and links ---------------------------------------------------------------


def test_several_electricity_usage_points_are_listed() -> None:
    data = feed(
        Point([Meter([hourly([1])])], title="Home"),
        Point([Meter([hourly([2])])], title="Shop"),
    )
    with pytest.raises(
        ReadingsError,
        match=r"gb\.xml: the file has 2 electricity UsagePoints with readings; choose one with "
        r"usage_point=N: usage_point=0: UsagePoint 1 'Home' "
        r"\(https://example\.test/.*/UsagePoint/1\); "
        r"usage_point=1: UsagePoint 2 'Shop'",
    ):
        parse(data)
    assert parse_greenbutton(data, "gb.xml", usage_point=1).kwh == [2]
    assert parse_greenbutton(data, "gb.xml", usage_point=0).kwh == [1]
    with pytest.raises(
        ReadingsError, match=r"usage_point=2 is out of range: the file has 2 UsagePoints"
    ):
        parse(data, usage_point=2)


def test_gas_usage_point_is_left_aside() -> None:
    gas = Point([Meter([hourly([40])], uom=169, flow=None)], kind=1, title="Gas")
    electricity = Point([Meter([hourly([3])])], title="Home")
    data = feed(gas, electricity)
    assert parse_greenbutton(data, "gb.xml").kwh == [3]
    with pytest.raises(
        ReadingsError,
        match=r"UsagePoint 1 'Gas': usage_point=0 is a gas service \(ServiceCategory kind 1\), "
        r"not electricity",
    ):
        parse(data, usage_point=0)
    with pytest.raises(
        ReadingsError,
        match=r"no electricity UsagePoint with readings in the file; services found: gas \(1\)",
    ):
        parse(feed(gas))


def test_usage_point_without_service_category_counts_as_electricity() -> None:
    assert parse_greenbutton(feed(Point([Meter([hourly([4])])], kind=None)), "gb.xml").kwh == [4]


def test_feed_without_usage_point_is_one_usage_point() -> None:
    data = feed(Point([Meter([hourly([6])])]), usage_points=False)
    assert parse_greenbutton(data, "gb.xml").kwh == [6]
    with pytest.raises(
        ReadingsError, match=r"usage_point=0 was given, but the file has no UsagePoint"
    ):
        parse(data, usage_point=0)


def test_single_meter_without_links_is_still_read() -> None:
    data = feed(Point([Meter([hourly([1, 2])])], links=False))
    assert parse_greenbutton(data, "gb.xml").kwh == [1, 2]


def test_unlinked_block_among_several_meters_is_refused() -> None:
    data = feed(Point([Meter([hourly([1])]), Meter([hourly([2])], flow=19)], links=False))
    with pytest.raises(
        ReadingsError,
        match=r"IntervalBlock 1: IntervalBlock is linked to no MeterReading: its up link "
        r"'\(none\)' is not a related link of any of the 2 MeterReadings",
    ):
        parse(data)


def test_prefixed_namespace_and_several_blocks_in_one_entry() -> None:
    data = b"""<?xml version="1.0" encoding="UTF-8"?>
<atom:feed xmlns:atom="http://www.w3.org/2005/Atom" xmlns:espi="http://naesb.org/espi">
  <atom:entry>
    <atom:content><espi:UsagePoint><espi:ServiceCategory><espi:kind>0</espi:kind></espi:ServiceCategory></espi:UsagePoint></atom:content>
  </atom:entry>
  <atom:entry>
    <atom:content><espi:MeterReading/></atom:content>
  </atom:entry>
  <atom:entry>
    <atom:content><espi:ReadingType><espi:uom>72</espi:uom><espi:powerOfTenMultiplier>-3</espi:powerOfTenMultiplier></espi:ReadingType></atom:content>
  </atom:entry>
  <atom:entry>
    <atom:content>
      <espi:IntervalBlock>
        <espi:IntervalReading><espi:timePeriod><espi:duration>900</espi:duration><espi:start>1751328900</espi:start></espi:timePeriod><espi:value>250</espi:value></espi:IntervalReading>
      </espi:IntervalBlock>
      <espi:IntervalBlock>
        <espi:IntervalReading><espi:timePeriod><espi:duration>900</espi:duration><espi:start>1751328000</espi:start></espi:timePeriod><espi:value>125</espi:value></espi:IntervalReading>
      </espi:IntervalBlock>
    </atom:content>
  </atom:entry>
</atom:feed>
"""
    readings = parse_greenbutton(data, "gb.xml")
    # 125 mWh and 250 mWh = 0.000125 and 0.00025 kWh, in time order.
    assert readings.scale == 6
    assert readings.starts == [JULY, JULY + 900]
    assert readings.kwh == [125, 250]


# --- files that are not Green Button data -------------------------------------------------

BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
]>
<feed xmlns="http://www.w3.org/2005/Atom"><title>&lol3;</title></feed>
"""


def test_entity_declarations_are_refused() -> None:
    with pytest.raises(
        ReadingsError,
        match=r"gb\.xml:2:1: a document type declaration \(<!DOCTYPE lolz>\) is not allowed",
    ):
        parse(BILLION_LAUGHS)


def test_any_doctype_is_refused() -> None:
    data = b'<?xml version="1.0"?>\n\n  <!DOCTYPE feed SYSTEM "feed.dtd">\n<feed/>\n'
    with pytest.raises(ReadingsError, match=r"gb\.xml:3:3: a document type declaration"):
        parse(data)


def test_malformed_xml_gives_line_and_column() -> None:
    data = b'<feed xmlns="http://www.w3.org/2005/Atom">\n  <entry>\n  </feed>\n'
    with pytest.raises(ReadingsError, match=r"^gb\.xml:3:5: malformed XML: mismatched tag$"):
        parse(data)


def test_truncated_file_is_malformed() -> None:
    data = HOURLY.read_bytes()[:5000]
    with pytest.raises(ReadingsError, match=r"gb\.xml:\d+:\d+: malformed XML: "):
        parse(data)


@pytest.mark.parametrize("data", [b"", b"  \n\t\n", b"\xef\xbb\xbf\n"])
def test_empty_file_is_refused(data: bytes) -> None:
    with pytest.raises(ReadingsError, match=r"^gb\.xml: the file is empty"):
        parse(data)


def test_binary_file_is_refused() -> None:
    data = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01"
    with pytest.raises(ReadingsError, match=r"^gb\.xml: not an XML file"):
        parse(data)


def test_unknown_encoding_is_refused() -> None:
    with pytest.raises(ReadingsError, match=r"^gb\.xml: malformed XML: unknown encoding: bogus"):
        parse(b'<?xml version="1.0" encoding="bogus"?>\n<feed/>\n')


def test_utf16_file_is_read() -> None:
    text = feed(Point([Meter([hourly([8, 9])])])).decode().replace("UTF-8", "UTF-16")
    assert parse_greenbutton(text.encode("utf-16"), "gb.xml").kwh == [8, 9]


def test_other_xml_is_refused() -> None:
    with pytest.raises(
        ReadingsError, match=r"gb\.xml:1: not a Green Button file: the root element is <html>"
    ):
        parse(b"<html><body/></html>")


def test_feed_without_interval_blocks_is_refused() -> None:
    data = (
        b'<feed xmlns="http://www.w3.org/2005/Atom"><entry><content>'
        b'<UsagePoint xmlns="http://naesb.org/espi"/></content></entry></feed>'
    )
    with pytest.raises(
        ReadingsError, match=r"no IntervalBlock found: .* \(resources found: UsagePoint\)"
    ):
        parse(data)


def test_missing_file_is_refused(tmp_path: Path) -> None:
    missing = tmp_path / "missing.xml"
    with pytest.raises(ReadingsError, match=r"missing\.xml: cannot read the file"):
        read_greenbutton(missing)


def test_errors_are_value_errors_with_structure() -> None:
    with pytest.raises(ValueError, match="appears twice") as caught:
        parse(feed(Point([Meter([hourly([1]), hourly([1])])])))
    assert isinstance(caught.value, ReadingsError)
    assert caught.value.file == "gb.xml"
    assert caught.value.path == "IntervalBlock 2, IntervalReading 1"
    assert caught.value.line is not None


# --- properties -----------------------------------------------------------------------------


@given(
    values=st.lists(st.integers(min_value=0, max_value=10**9), min_size=1, max_size=48),
    cuts=st.lists(st.integers(min_value=1, max_value=47), max_size=5),
    order=st.randoms(use_true_random=False),
)
def test_split_and_shuffled_blocks_read_as_the_values_in_time_order(
    values: list[int], cuts: list[int], order: random.Random
) -> None:
    readings = hourly(values)
    bounds = sorted({0, len(readings), *(cut for cut in cuts if cut < len(readings))})
    blocks = [readings[start:end] for start, end in zip(bounds, bounds[1:], strict=False)]
    order.shuffle(blocks)
    result = parse_greenbutton(feed(Point([Meter(blocks)])), "gb.xml")
    assert result.starts == [JULY + index * HOUR for index in range(len(values))]
    assert result.kwh == values
    assert result.total() == Decimal(sum(values)) / 1000


@given(
    values=st.lists(st.integers(min_value=0, max_value=10**6), min_size=1, max_size=6),
    power=st.integers(min_value=-6, max_value=6),
)
def test_total_is_exact_for_any_power_of_ten(values: list[int], power: int) -> None:
    result = parse_greenbutton(feed(Point([Meter([hourly(values)], power=power)])), "gb.xml")
    # sum × 10**power Wh, in kWh.
    assert result.total() == Decimal(sum(values)).scaleb(power - 3)
    assert result.scale == max(3, 3 - power)


# --- magnitudes and namespaces ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("uom", "flow", "column", "unit"),
    [(72, 1, "kwh", "kWh"), (72, 19, "export_kwh", "kWh"), (73, None, "kvarh", "kvarh"),
     (38, 1, "kw", "kW")],
    ids=["kwh", "export_kwh", "kvarh", "kw"],
)  # fmt: skip
def test_every_column_has_at_most_15_digits_before_the_point(
    uom: int, flow: int | None, column: str, unit: str
) -> None:
    # In thousands (powerOfTenMultiplier 3): 10**15 - 1 is 15 digits of kWh (kvarh, kW),
    # the largest allowed; 10**15 is 16. The energy column comes first when it is not
    # the one tested.
    def meters(values: list[int]) -> list[Meter]:
        tested = Meter([hourly(values)], uom=uom, flow=flow, power=3)
        return [tested] if column == "kwh" else [Meter([hourly([1, 2])]), tested]

    largest = parse_greenbutton(feed(Point(meters([10**15 - 1, 1]))), "gb.xml")
    assert getattr(largest, column)[0] == (10**15 - 1) * 10**largest.scale
    data = feed(Point(meters([1, 10**15])))
    with pytest.raises(
        ReadingsError,
        match=rf"gb\.xml:\d+: IntervalBlock \d, IntervalReading 2: value 1000000000000000 with "
        rf"powerOfTenMultiplier 3 is 1E\+15 {unit}, too large; at most 15 digits before",
    ) as caught:
        parse(data)
    # The second reading of the tested meter: the 2nd IntervalReading, or the 4th.
    assert caught.value.line == line_of(data, b"<IntervalReading>", 2 if column == "kwh" else 4)


def test_a_large_multiplier_leaves_room_only_for_zero() -> None:
    # 10**19 Wh would be 10**16 kWh: with a multiplier of 19, only 0 fits.
    assert parse(feed(Point([Meter([hourly([0, 0])], power=19)]))).kwh == [0, 0]  # type: ignore[attr-defined]
    with pytest.raises(ReadingsError, match=r"value 1 with powerOfTenMultiplier 19 is 1E\+16 kWh"):
        parse(feed(Point([Meter([hourly([0, 1])], power=19)])))


def test_resources_of_another_vocabulary_are_left_aside() -> None:
    # A customer record (ESPI's customer schema) beside the usage: its <kind> is not read.
    customer = (
        "  <entry>\n    <content>\n"
        '      <Customer xmlns="http://naesb.org/espi/customer"><kind>residential</kind>'
        "</Customer>\n"
        "    </content>\n  </entry>\n"
    )
    readings = parse_greenbutton(feed(Point([Meter([hourly([5, 6])])], extra=[customer])), "gb.xml")
    assert readings.kwh == [5, 6]


def test_an_espi_name_in_another_namespace_is_refused_not_skipped() -> None:
    # Inside an ESPI IntervalBlock, a reading in another namespace would have been skipped.
    data = (
        feed(Point([Meter([hourly([5, 6, 7])])]))
        .replace(b"<IntervalReading>", b'<IntervalReading xmlns="urn:other">', 3)
        .replace(b'<IntervalReading xmlns="urn:other">', b"<IntervalReading>", 2)
    )
    with pytest.raises(
        ReadingsError,
        match=r"gb\.xml:\d+: IntervalBlock 1: <IntervalReading> is in the namespace 'urn:other'",
    ) as caught:
        parse(data)
    assert caught.value.line == line_of(data, b'<IntervalReading xmlns="urn:other">')


def test_an_espi_resource_in_another_namespace_is_refused() -> None:
    data = feed(Point([Meter([hourly([5, 6])])])).replace(
        b'<ReadingType xmlns="http://naesb.org/espi">', b'<ReadingType xmlns="urn:other">'
    )
    with pytest.raises(
        ReadingsError, match=r"gb\.xml:\d+: <ReadingType> is in the namespace 'urn:other'"
    ) as caught:
        parse(data)
    assert caught.value.line == line_of(data, b"<ReadingType")
    assert caught.value.path is None


@pytest.mark.parametrize("power", [25, -25, 10**18])
def test_a_power_of_ten_outside_the_range_is_refused_at_its_reading_type(power: int) -> None:
    data = feed(Point([Meter([hourly([0, 0])], power=power)]))
    with pytest.raises(
        ReadingsError,
        match=rf"gb\.xml:\d+: ReadingType 1 'Type of Meter Reading Data': powerOfTenMultiplier "
        rf"{power} is outside -24 to 24$",
    ) as caught:
        parse(data)
    assert caught.value.line == line_of(data, b"<powerOfTenMultiplier>")


@pytest.mark.parametrize(
    ("duration", "message"),
    [
        (0, "the interval length of 0 s is not a positive number of seconds"),
        (-3600, "the interval length of -3600 s is not a positive number of seconds"),
        (10**18, "intervals of 1000000000000000000 s do not divide a day"),
    ],
)
def test_absurd_durations_are_refused_at_their_reading(duration: int, message: str) -> None:
    data = feed(Point([Meter([[(JULY, duration, 1), (JULY + HOUR, duration, 1)]])]))
    with pytest.raises(ReadingsError, match=rf"IntervalBlock 1, IntervalReading 1: {message}"):
        parse(data)
