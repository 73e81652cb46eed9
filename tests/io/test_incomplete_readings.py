"""Incomplete readings: empty cells, and files that do not cover their billing period."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from tests.tables import flat_yaml

from tariffs.cli import main
from tariffs.errors import ReadingsError
from tariffs.io.readings.csv_reader import parse_readings_csv

FLAT = flat_yaml("flat-test", "0.5000")


def test_an_empty_kwh_is_refused_naming_the_row_and_allow_gaps() -> None:
    text = "start,kwh\n2025-07-01T00:00,1\n2025-07-01T01:00,\n2025-07-01T02:00,3\n"
    with pytest.raises(ReadingsError) as caught:
        parse_readings_csv(text, "r.csv", "UTC")
    assert str(caught.value) == (
        "r.csv:3: kwh is empty; expected a number of 0 or more, such as 12.5, "
        "or use --allow-gaps to bill an empty kwh as a missing interval"
    )


def test_with_allow_gaps_an_empty_kwh_is_a_gap() -> None:
    text = (
        "start,kwh\n2025-07-01T00:00,1\n2025-07-01T01:00,2\n2025-07-01T02:00,\n2025-07-01T03:00,4\n"
    )
    readings = parse_readings_csv(text, "r.csv", "UTC", allow_gaps=True)
    # 2025-07-01T00:00Z is 1751328000 s after the epoch; the 02:00 hour is missing.
    assert readings.starts == [1751328000, 1751328000 + 3600, 1751328000 + 3 * 3600]
    assert readings.kwh == [1000, 2000, 4000]
    assert readings.gaps == ((1751328000 + 7200, 1751328000 + 3 * 3600),)


def test_after_a_dropped_row_errors_still_name_the_file_line() -> None:
    text = (
        "start,kwh\n2025-07-01T00:00,1\n2025-07-01T01:00,1\n2025-07-01T02:00,\n2025-07-01T03:00,x\n"
    )
    with pytest.raises(ReadingsError, match=r"^r\.csv:5: kwh is 'x', not a number"):
        parse_readings_csv(text, "r.csv", "UTC", allow_gaps=True)


def test_an_empty_kwh_with_other_values_is_refused_even_with_allow_gaps() -> None:
    text = "start,kwh,kvarh\n2025-07-01T00:00,1,1\n2025-07-01T01:00,,2\n2025-07-01T02:00,3,1\n"
    with pytest.raises(ReadingsError) as caught:
        parse_readings_csv(text, "r.csv", "UTC", allow_gaps=True)
    assert str(caught.value) == (
        "r.csv:3: kwh is empty but kvarh is not; a missing interval has every value empty"
    )


def _hours(first_hour: int, last_hour: int, empty: frozenset[int] = frozenset()) -> str:
    rows = ["start,kwh"]
    for hour in range(first_hour, last_hour):
        day, hh = divmod(hour, 24)
        rows.append(f"2025-07-{day + 1:02d}T{hh:02d}:00,{'' if hour in empty else '1'}")
    return "\n".join(rows) + "\n"


def _price_json(tmp_path: Path, text: str, *options: str) -> dict[str, object]:
    (tmp_path / "flat-test.yaml").write_text(FLAT)
    (tmp_path / "r.csv").write_text(text)
    out = tmp_path / "out.json"
    code = main(
        [
            "price",
            str(tmp_path / "r.csv"),
            "--tariff",
            str(tmp_path / "flat-test.yaml"),
            "--format",
            "json",
            "--output",
            str(out),
            *options,
        ]
    )
    assert code == 0
    return json.loads(out.read_text())  # type: ignore[no-any-return]


def test_empty_cells_are_billed_as_gaps_and_the_bill_says_so(tmp_path: Path) -> None:
    # 31 days x 24 h = 744 hourly rows, 2 of them empty: 742 kWh at 0.5 = 371.00.
    result = _price_json(tmp_path, _hours(0, 744, frozenset({5, 6})), "--allow-gaps")
    (bill,) = result["bills"]  # type: ignore[misc]
    assert bill["energy_kwh"] == "742.000"
    assert bill["total"] == "371.00"
    assert bill["warnings"] == [
        "incomplete readings: 2 intervals missing in this period were not billed (gaps "
        "allowed; 2025-07-01T05:00 to 2025-07-01T07:00)"
    ]


def test_a_file_that_starts_late_and_stops_early_says_so(tmp_path: Path) -> None:
    # Readings from 07-01 06:00 to 07-31 18:00 (exclusive): 744 - 6 - 6 = 732 hours,
    # 732 kWh at 0.5 = 366.00; the 6 + 6 hours at the ends are not read nor billed.
    result = _price_json(tmp_path, _hours(6, 738))
    (bill,) = result["bills"]  # type: ignore[misc]
    assert bill["energy_kwh"] == "732.000"
    assert bill["total"] == "366.00"
    assert bill["warnings"] == [
        "readings do not cover the period: none from 2025-07-01T00:00 to 2025-07-01T06:00 "
        "and 2025-07-31T18:00 to 2025-08-01T00:00 (12 intervals not billed)"
    ]


def test_a_table_shows_the_coverage_warning(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "flat-test.yaml").write_text(FLAT)
    (tmp_path / "r.csv").write_text(_hours(0, 743))  # stops one hour before 08-01
    assert (
        main(["price", str(tmp_path / "r.csv"), "--tariff", str(tmp_path / "flat-test.yaml")]) == 0
    )
    assert capsys.readouterr().out.endswith(
        "warning: readings do not cover the period: none from 2025-07-31T23:00 to "
        "2025-08-01T00:00 (1 interval not billed)\n"
    )


def test_a_file_covering_its_days_has_no_coverage_warning(tmp_path: Path) -> None:
    result = _price_json(tmp_path, _hours(0, 744))
    (bill,) = result["bills"]  # type: ignore[misc]
    assert bill["warnings"] == []
    assert bill["total"] == "372.00"  # 744 kWh x 0.5


def test_an_empty_second_reading_still_gives_the_interval() -> None:
    # The interval is inferred from the first two starts of the file (1 hour), although
    # the second reading is empty and becomes a gap.
    text = "start,kwh\n2025-07-01T00:00,1.5\n2025-07-01T01:00,\n2025-07-01T02:00,0.5\n"
    readings = parse_readings_csv(text, "r.csv", "UTC", allow_gaps=True)
    assert readings.interval_seconds == 3600
    assert readings.gaps == ((1751328000 + 3600, 1751328000 + 7200),)
    # Two starts 2 hours apart are refused on the line of the second, as without gaps.
    text = "start,kwh\n2025-07-01T00:00,1.5\n2025-07-01T02:00,\n2025-07-01T03:00,0.5\n"
    with pytest.raises(ReadingsError, match=r"^r\.csv:3: the first two readings"):
        parse_readings_csv(text, "r.csv", "UTC", allow_gaps=True)
