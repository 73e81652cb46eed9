"""``price`` with readings of another year (``--as-year``, ``--align``), with hourly
readings under a demand tariff (``--demand-window readings``), and with a URDB record past
its enddate (``--past-enddate``).

The readings are written here: a year of hourly readings of 2013 (Asia/Shanghai) whose
kWh are 1 an hour, so a month's energy is its hours.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from tariffs.cli import main


def hourly_year(path: Path, year: int = 2013) -> Path:
    lines = ["start,kwh"]
    hour = dt.datetime(year, 1, 1)
    while hour.year == year:
        lines.append(f"{hour:%Y-%m-%dT%H:%M},1")
        hour += dt.timedelta(hours=1)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(argv)
    out, err = capsys.readouterr()
    return code, out, err


def test_readings_of_2013_are_refused_under_a_2025_table_and_priced_re_dated(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    readings = str(hourly_year(tmp_path / "y2013.csv"))
    argv = ["price", readings, "--tariff", "cn-sh-residential", "--format", "json"]
    code, out, err = run(argv, capsys)
    assert (code, out) == (1, "")
    assert "has no version in force on 2013-01-01" in err
    code, out, err = run([*argv, "--as-year", "2025"], capsys)
    assert (code, err) == (0, "")
    bills = json.loads(out)["bills"]
    assert len(bills) == 12
    assert bills[0]["period"]["start"] == "2025-01-01"
    # The energy of the year is kept: 8,760 hours of 1 kWh.
    assert sum(float(b["energy_kwh"]) for b in bills) == 8760
    assert bills[0]["warnings"][0] == (
        "readings re-dated from 2013 to 2025, weekdays kept: each day moved 1 day earlier "
        "in the year (2013-01-02 is 2025-01-01)"
    )
    code, out, err = run([*argv, "--as-year", "2025", "--align", "date"], capsys)
    assert code == 0
    assert json.loads(out)["bills"][0]["warnings"] == [
        "readings re-dated from 2013 to 2025, month and day kept"
    ]


@pytest.mark.parametrize("text", ["25", "2025-01", "x:2025", "2013:", "2013:2025:1"])
def test_as_year_that_is_not_a_year_is_a_usage_error(
    text: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    readings = str(hourly_year(tmp_path / "y2013.csv"))
    code, out, err = run(
        ["price", readings, "--tariff", "cn-sh-residential", "--as-year", text], capsys
    )
    assert (code, out) == (2, "")
    assert f"not a year YYYY, or SOURCE:YEAR: {text!r}" in err


def test_as_year_in_other_digits_names_the_digit(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    readings = str(hourly_year(tmp_path / "y2013.csv"))
    code, out, err = run(
        ["price", readings, "--tariff", "cn-sh-residential", "--as-year", "２０２５"], capsys
    )
    assert (code, out) == (2, "")
    assert "'２０２５' holds the non-ASCII digit '２' (U+FF12); write ASCII digits" in err


def test_as_year_names_the_source_year_of_a_longer_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    first = hourly_year(tmp_path / "a.csv", 2012).read_text(encoding="utf-8")
    second = hourly_year(tmp_path / "b.csv", 2013).read_text(encoding="utf-8")
    both = tmp_path / "both.csv"
    both.write_text(first + second.split("\n", 1)[1], encoding="utf-8")
    argv = ["price", str(both), "--tariff", "cn-sh-residential", "--format", "json"]
    code, out, err = run([*argv, "--as-year", "2025"], capsys)
    assert (code, out) == (1, "")
    assert err == (
        f"tariffs: error: {both}: the readings span 2012 to 2013; re-dating moves one "
        "calendar year: name it (e.g. --as-year 2013:2025)\n"
    )
    code, out, err = run([*argv, "--as-year", "2013:2025"], capsys)
    assert code == 0
    warnings = json.loads(out)["bills"][0]["warnings"]
    assert "8784 readings outside 2013 were not used (8784.000 kWh)" in warnings


DEMAND_TABLE = """\
id: t-demand
name: demand over 15 minutes
currency: CNY
timezone: Asia/Shanghai
reference: written for the tests
versions:
  "2013-01-01":
    demand_window: {minutes: 15}
    charges:
      - {kind: energy, price_per_kwh: "0.50"}
      - {kind: demand, price_per_kw: "10"}
"""


def test_hourly_readings_under_a_demand_tariff_by_declaration(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    readings = str(hourly_year(tmp_path / "y2013.csv"))
    table = tmp_path / "t-demand.yaml"
    table.write_text(DEMAND_TABLE, encoding="utf-8")
    argv = ["price", readings, "--tariff", str(table), "--to", "2013-02-01"]
    code, out, err = run(argv, capsys)
    assert (code, out) == (1, "")
    assert "(--demand-window readings)" in err
    code, out, err = run([*argv, "--demand-window", "readings", "--format", "json"], capsys)
    assert (code, err) == (0, "")
    (bill,) = json.loads(out)["bills"]
    # January: 744 kWh at 0.50 = 372.00; demand 1 kW (1 kWh over an hour) at 10 = 10.00.
    assert bill["total"] == "382.00"
    assert bill["warnings"] == [
        "demand measured over the readings' 60-minute intervals, not the tariff's "
        "15-minute clock-aligned window (declared: demand window of the readings, a "
        "deviation from the tariff)"
    ]


URDB_RECORD = {
    "label": "ENDS2015",
    "utility": "Test Utility",
    "name": "Ended rate",
    "startdate": 1420070400,  # 2015-01-01T00:00Z
    "enddate": 1451520000,  # 2015-12-31T00:00Z: the last day in force
    "energyratestructure": [[{"rate": 0.1, "unit": "kWh"}]],
    "energyweekdayschedule": [[0] * 24] * 12,
    "energyweekendschedule": [[0] * 24] * 12,
}


def test_urdb_record_past_its_enddate(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    record = tmp_path / "ended.json"
    record.write_text(json.dumps(URDB_RECORD), encoding="utf-8")
    lines = ["start,kwh"] + [f"2016-01-01T{h:02d}:00,1" for h in range(24)]
    readings = tmp_path / "day.csv"
    readings.write_text("\n".join(lines) + "\n", encoding="utf-8")
    argv = ["price", str(readings), "--tariff", str(record), "--timezone", "UTC"]
    argv += ["--to", "2016-01-02"]
    code, out, err = run(argv, capsys)
    assert (code, out) == (1, "")
    assert "has no version in force on 2016-01-01: it is withdrawn from 2016-01-01" in err
    code, out, err = run([*argv, "--past-enddate", "--format", "json"], capsys)
    assert (code, err) == (0, "")
    (bill,) = json.loads(out)["bills"]
    assert bill["total"] == "2.40"  # 24 kWh at 0.10
    assert bill["warnings"] == [
        "partial period: 2016-01-01 to 2016-01-02 (1 of 31 days)",
        "priced after the tariff was withdrawn: from 2016-01-01 under its last version "
        "(withdrawn from 2016-01-01; past_withdrawal: warn)",
    ]
