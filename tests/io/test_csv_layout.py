"""Readings CSVs in their own layout: column names, units, interval-end timestamps.

Every file here is written in the test; the expected quantities are worked out by hand
from the values written (for example 2.5 kW over a 15-minute interval is 0.625 kWh).
"""

from __future__ import annotations

import re

import pytest

from tariffs.errors import ReadingsError
from tariffs.io.readings.csv_reader import parse_readings_csv
from tariffs.io.readings.layout import CsvLayout, parse_columns, parse_units
from tariffs.model.readings import to_decimal

UTC_2025_07_01 = 1751328000


def kwh_of(readings_kwh: list[int], scale: int) -> list[str]:
    return [format(to_decimal(value, scale).normalize(), "f") for value in readings_kwh]


def test_renamed_columns_read_as_the_contract_and_the_bill_note_says_so() -> None:
    text = "timestamp_source,value\n2025-07-01T00:00,1.5\n2025-07-01T01:00,2\n"
    layout = CsvLayout(columns={"start": "timestamp_source", "kwh": "value"})
    readings = parse_readings_csv(text, "r.csv", "UTC", layout=layout)
    assert readings.starts == [UTC_2025_07_01, UTC_2025_07_01 + 3600]
    assert kwh_of(readings.kwh, readings.scale) == ["1.5", "2"]
    assert readings.notes == ("readings columns: start from 'timestamp_source'; kwh from 'value'",)


def test_without_a_layout_the_same_file_is_refused() -> None:
    text = "timestamp_source,value\n2025-07-01T00:00,1.5\n"
    with pytest.raises(ReadingsError, match=r"^r\.csv:1: unknown column 'timestamp_source'"):
        parse_readings_csv(text, "r.csv", "UTC")


@pytest.mark.parametrize(
    ("unit", "values", "expected"),
    [
        ("Wh", ["1500", "250.5"], ["1.5", "0.2505"]),
        ("MWh", ["0.0015", "2"], ["1.5", "2000"]),
        # Power averaged over 15 minutes: a quarter of an hour.
        ("kW", ["2.5", "4"], ["0.625", "1"]),
        ("W", ["2500", "1"], ["0.625", "0.00025"]),
        ("MW", ["0.001", "1"], ["0.25", "250"]),
        ("kWh", ["2.5", "4"], ["2.5", "4"]),
    ],
)
def test_units_convert_exactly(unit: str, values: list[str], expected: list[str]) -> None:
    rows = [f"2025-07-01T00:{15 * i:02d},{value}" for i, value in enumerate(values)]
    text = "start,kwh\n" + "\n".join(rows) + "\n"
    readings = parse_readings_csv(text, "r.csv", "UTC", layout=CsvLayout(units={"kwh": unit}))
    assert kwh_of(readings.kwh, readings.scale) == expected


def test_every_quantity_column_takes_its_own_units() -> None:
    text = "start,kwh,kvarh,export_kwh,kw\n2025-07-01T00:00,1000,2,3000,4000\n"
    layout = CsvLayout(units={"kwh": "Wh", "kvarh": "kvar", "export_kwh": "Wh", "kw": "W"})
    readings = parse_readings_csv(text, "r.csv", "UTC", interval_seconds=1800, layout=layout)
    assert kwh_of(readings.kwh, readings.scale) == ["1"]
    assert readings.kvarh is not None and kwh_of(readings.kvarh, readings.scale) == ["1"]
    assert readings.export_kwh is not None
    assert kwh_of(readings.export_kwh, readings.scale) == ["3"]
    # A demand column in W is kW / 1000 and is not multiplied by the interval.
    assert readings.kw is not None and kwh_of(readings.kw, readings.scale) == ["4"]


def test_kw_over_five_minutes_is_exact_where_it_can_be_and_refused_where_not() -> None:
    # 1.2 kW over 1/12 h is 0.1 kWh exactly; 1 kW is 1/12 kWh, not a finite decimal.
    text = "start,kwh\n2025-07-01T00:00,1.2\n2025-07-01T00:05,1\n"
    layout = CsvLayout(units={"kwh": "kW"})
    with pytest.raises(ReadingsError) as caught:
        parse_readings_csv(text, "r.csv", "UTC", layout=layout)
    assert str(caught.value) == (
        "r.csv:3: kwh (kW) is '1'; × 1/12 (the unit's factor over the interval) is not a "
        "finite decimal; give energy per interval instead"
    )
    readings = parse_readings_csv(text.replace(",1\n", ",2.4\n"), "r.csv", "UTC", layout=layout)
    assert kwh_of(readings.kwh, readings.scale) == ["0.1", "0.2"]


def test_converted_values_keep_the_limits_of_written_ones() -> None:
    text = "start,kwh\n2025-07-01T00:00,1\n2025-07-01T01:00,0.000000001\n"
    with pytest.raises(ReadingsError, match=r"^r\.csv:3: kwh \(Wh\) is '0\.000000001': "):
        parse_readings_csv(text, "r.csv", "UTC", layout=CsvLayout(units={"kwh": "Wh"}))
    big = "start,kwh\n2025-07-01T00:00,1\n2025-07-01T01:00,999999999999999\n"
    with pytest.raises(ReadingsError, match=r"more than 15 digits before the decimal point"):
        parse_readings_csv(big, "r.csv", "UTC", layout=CsvLayout(units={"kwh": "MWh"}))


def test_interval_end_timestamps_are_moved_to_starts() -> None:
    # Hour-ending: the row stamped 01:00 is the hour 00:00-01:00.
    text = "hour_ending,kw\n2025-07-01T01:00,3\n2025-07-01T02:00,4\n2025-07-01T04:00,5\n"
    layout = CsvLayout(columns={"end": "hour_ending", "kwh": "kw"}, units={"kwh": "kW"})
    readings = parse_readings_csv(text, "r.csv", "UTC", layout=layout, allow_gaps=True)
    assert readings.starts == [UTC_2025_07_01, UTC_2025_07_01 + 3600, UTC_2025_07_01 + 3 * 3600]
    # The hour 02:00-03:00 (stamped 03:00) is missing.
    assert readings.gaps == ((UTC_2025_07_01 + 2 * 3600, UTC_2025_07_01 + 3 * 3600),)
    assert kwh_of(readings.kwh, readings.scale) == ["3", "4", "5"]
    assert readings.notes == (
        "readings columns: start = the interval end in 'hour_ending' less 60 min; kwh from "
        "'kw', kW averaged over each interval (× 1 to kWh)",
    )


def test_ignored_columns_are_named_on_the_bill_and_others_must_be_accounted_for() -> None:
    text = "start,kwh,pv_kw,label\n2025-07-01T00:00,1,-3,a\n2025-07-01T01:00,2,-4,b\n"
    layout = CsvLayout(ignore=("pv_kw", "label"))
    readings = parse_readings_csv(text, "r.csv", "UTC", layout=layout)
    assert kwh_of(readings.kwh, readings.scale) == ["1", "2"]
    assert readings.notes == ("readings columns: not read: pv_kw, label",)
    with pytest.raises(ReadingsError) as caught:
        parse_readings_csv(text, "r.csv", "UTC", layout=CsvLayout(ignore=("pv_kw",)))
    assert str(caught.value) == (
        "r.csv:1: column 'label' is neither mapped nor ignored: read it as a readings "
        "column (e.g. --columns kwh=label) or leave it out (--ignore-columns label)"
    )


@pytest.mark.parametrize(
    ("header", "layout", "message"),
    [
        (
            "start,kwh",
            CsvLayout(columns={"kwh": "value"}),
            "r.csv:1: columns: kwh=value, but the header has no column 'value' "
            "(columns: start,kwh)",
        ),
        (
            "start,kwh",
            CsvLayout(ignore=("pv",)),
            "r.csv:1: columns: 'pv' is to be ignored, but the header has no such column "
            "(columns: start,kwh)",
        ),
        (
            "start,kwh,value",
            CsvLayout(columns={"kwh": "value"}),
            "r.csv:1: column 'kwh' and column 'value' would both be read as kwh; leave one "
            "out (--ignore-columns)",
        ),
        (
            "start,end_time,kwh",
            CsvLayout(columns={"end": "end_time"}),
            "r.csv:1: column 'start' and column 'end_time' would both be read as start; "
            "leave one out (--ignore-columns)",
        ),
        (
            "time,kwh",
            CsvLayout(ignore=("time",)),
            "r.csv:1: no column is read as start (or end); map one (e.g. start=<column>) "
            "(columns: time,kwh)",
        ),
        (
            "start,value,value",
            CsvLayout(columns={"kwh": "value"}),
            "r.csv:1: column 'value' appears twice in the header",
        ),
    ],
)
def test_header_that_does_not_fit_the_layout(header: str, layout: CsvLayout, message: str) -> None:
    text = header + "\n" + ",".join(["2025-07-01T00:00", *["1"] * header.count(",")]) + "\n"
    with pytest.raises(ReadingsError) as caught:
        parse_readings_csv(text, "r.csv", "UTC", interval_seconds=3600, layout=layout)
    assert str(caught.value) == message


def test_value_messages_name_the_files_column() -> None:
    text = "when,energy\n2025-07-01T00:00,1\n2025-07-01T01:00,x\n"
    layout = CsvLayout(columns={"start": "when", "kwh": "energy"})
    with pytest.raises(ReadingsError) as caught:
        parse_readings_csv(text, "r.csv", "UTC", layout=layout)
    assert str(caught.value).startswith("r.csv:3: energy is 'x', not a number")


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"columns": {"kwhs": "v"}}, "unknown readings column 'kwhs'"),
        ({"columns": {"start": "a", "end": "b"}}, "both start and end are mapped"),
        ({"columns": {"start": "a", "kwh": "a"}}, "column 'a' is mapped twice"),
        ({"columns": {"kwh": " v"}}, "must not be empty or padded"),
        ({"units": {"start": "kW"}}, "only quantity columns have units"),
        ({"units": {"kwh": "kwh"}}, "unknown unit 'kwh' for kwh; allowed: kWh, Wh, MWh"),
        ({"units": {"kvarh": "kWh"}}, "unknown unit 'kWh' for kvarh"),
        ({"units": {"kw": "kWh"}}, "unknown unit 'kWh' for kw; allowed: kW, W, MW"),
        ({"columns": {"kwh": "v"}, "ignore": ("v",)}, "both mapped (to kwh) and ignored"),
        ({"ignore": ("a", "a")}, "a column is ignored twice"),
    ],
)
def test_a_layout_that_cannot_be_is_refused(kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=re.escape(message)):
        CsvLayout(**kwargs)  # type: ignore[arg-type]


def test_option_texts() -> None:
    assert parse_columns("end=timestamp_source, kwh=value") == {
        "end": "timestamp_source",
        "kwh": "value",
    }
    assert parse_units("kwh=kW") == {"kwh": "kW"}
    for text, message in (
        ("kwh", "'kwh' is not NAME=COLUMN"),
        ("kwh=", "'kwh=' is not NAME=COLUMN"),
        ("kwh=a,kwh=b", "kwh is given twice"),
    ):
        with pytest.raises(ValueError, match=re.escape(message)):
            parse_columns(text)
