"""``--clock standard``: load files on local standard time all year (SAM, REopt, OS-HPXML).

Such a file has every hour of the year, 8760 of them, and no clock changes. Read on the
clock of a zone whose clocks change it is refused where the clocks skip an hour; with
``--clock standard`` its starts are read on the zone's standard time (``Etc/GMT+7`` for
``America/Denver``) and priced, as instants, on the zone's own clock.
"""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from pathlib import Path

import pytest

from tariffs.cli import main

# Off-peak 0.10 $/kWh, and 0.30 $/kWh in the clock hour 15:00 to 16:00, every day.
TOU = {
    "label": "tou",
    "energyratestructure": [[{"rate": 0.10, "unit": "kWh"}], [{"rate": 0.30, "unit": "kWh"}]],
    "energyweekdayschedule": [[1 if hour == 15 else 0 for hour in range(24)]] * 12,
    "energyweekendschedule": [[1 if hour == 15 else 0 for hour in range(24)]] * 12,
}
FLAT = {"label": "flat", "energyratestructure": [[{"rate": 0.10, "unit": "kWh"}]]}


def write(tmp_path: Path, name: str, text: str) -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def record(tmp_path: Path, data: dict[str, object]) -> str:
    return write(tmp_path, f"{data['label']}.json", json.dumps(data))


def july_day(offset: str = "") -> str:
    """2025-07-01, hourly on standard time: 1 kWh an hour, 2 at 14:00 and 3 at 15:00."""
    rows = ["start,kwh"]
    for hour in range(24):
        kwh = {14: 2, 15: 3}.get(hour, 1)
        rows.append(f"2025-07-01T{hour:02d}:00{offset},{kwh}")
    return "\n".join(rows) + "\n"


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(argv)
    out, err = capsys.readouterr()
    return code, out, err


def energy_lines(out: str) -> list[tuple[str, Decimal, Decimal]]:
    (bill,) = json.loads(out)["bills"]
    return [
        (line["code"], Decimal(line["quantity"]), Decimal(line["amount"]))
        for line in bill["lines"]
        if line["kind"] == "energy"
    ]


def test_standard_time_hours_fall_an_hour_later_on_a_summer_clock(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    readings = write(tmp_path, "day.csv", july_day())
    tariff = record(tmp_path, TOU)
    argv = ["price", readings, "--tariff", tariff, "--format", "json"]
    code, out, err = run([*argv, "--timezone", "America/Denver", "--clock", "standard"], capsys)
    assert (code, err) == (0, "")
    # 14:00 MST is 15:00 MDT: its 2 kWh are peak, 2 × 0.30 = 0.60; the other 25 kWh
    # (22 × 1 and the 3 of 15:00 MST, 16:00 MDT) are off-peak, 25 × 0.10 = 2.50.
    assert energy_lines(out) == [
        ("energy.p0", Decimal("25.000"), Decimal("2.50")),
        ("energy.p1", Decimal("2.000"), Decimal("0.60")),
    ]
    (bill,) = json.loads(out)["bills"]
    assert bill["warnings"][0] == (
        "readings on the standard time of America/Denver all year (UTC-07:00, Etc/GMT+7), "
        "priced on the clock of America/Denver"
    )
    # SAM's reading: the schedule on standard time too, hour h of the file in hour h of
    # the schedule: 15:00's 3 kWh are peak, 3 × 0.30 = 0.90, and 24 × 0.10 = 2.40.
    code, out, err = run([*argv, "--timezone", "Etc/GMT+7"], capsys)
    assert (code, err) == (0, "")
    assert energy_lines(out) == [
        ("energy.p0", Decimal("24.000"), Decimal("2.40")),
        ("energy.p1", Decimal("3.000"), Decimal("0.90")),
    ]


def test_standard_clock_prices_as_the_offset_written_on_every_row(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    tariff = record(tmp_path, TOU)
    common = ["--tariff", tariff, "--timezone", "America/Denver", "--format", "json"]
    plain = write(tmp_path, "plain.csv", july_day())
    with_offsets = write(tmp_path, "offsets.csv", july_day("-07:00"))
    code, by_option, err = run(["price", plain, *common, "--clock", "standard"], capsys)
    assert (code, err) == (0, "")
    code, by_offsets, err = run(["price", with_offsets, *common], capsys)
    assert (code, err) == (0, "")
    (one,), (two,) = json.loads(by_option)["bills"], json.loads(by_offsets)["bills"]
    assert one["warnings"][0].startswith("readings on the standard time of America/Denver")
    one["warnings"] = one["warnings"][1:]
    one["readings"] = two["readings"] = None  # the file names differ
    assert one == two
    # A start with an offset is that instant under --clock standard too.
    code, again, err = run(["price", with_offsets, *common, "--clock", "standard"], capsys)
    assert (code, err) == (0, "")
    assert energy_lines(again) == energy_lines(by_offsets)


def sam_year(year: int) -> str:
    """A year of hourly values on standard time, as SAM writes one: every hour, 1 kWh."""
    start = dt.datetime(year, 1, 1)
    hours = (dt.datetime(year + 1, 1, 1) - start) // dt.timedelta(hours=1)
    rows = ["start,kwh"]
    rows.extend(f"{start + dt.timedelta(hours=h):%Y-%m-%dT%H:%M},1" for h in range(hours))
    return "\n".join(rows) + "\n"


def test_a_year_on_standard_time_is_priced_whole(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    readings = write(tmp_path, "year.csv", sam_year(2025))
    argv = ["price", readings, "--tariff", record(tmp_path, FLAT), "--timezone", "America/Denver"]
    code, out, err = run([*argv, "--format", "json"], capsys)
    assert code == 1 and out == ""
    # Line 1 is the header, line 2 is hour 0 of January 1: 2025-03-09T02:00 is hour
    # 67 days × 24 + 2 = 1610 of the year, line 1612.
    assert err.startswith(
        f"tariffs: error: {readings}:1612: 2025-03-09T02:00 does not exist in America/Denver"
    )
    assert "read it with --clock standard" in err
    code, out, err = run([*argv, "--clock", "standard", "--format", "json"], capsys)
    assert (code, err) == (0, "")
    bills = json.loads(out)["bills"]
    # Each month's hours on Denver's clock: every reading billed once, 8760 kWh × 0.10.
    assert sum(Decimal(bill["energy_kwh"]) for bill in bills) == Decimal(8760)
    assert sum(Decimal(bill["total"]) for bill in bills) == Decimal("876.00")
    # January 1 00:00 standard time is 00:00 on the clock of Denver (winter); the last
    # hour, December 31 23:00, too: the year is the calendar year on both clocks.
    assert (bills[0]["period"]["start"], bills[-1]["period"]["end"]) == (
        "2025-01-01",
        "2026-01-01",
    )
    # In summer the first hour of a month on standard time, 00:00, is 01:00 on the clock
    # of Denver; the last hour of June, 23:00 standard, is July 1 00:00 there.
    july = next(bill for bill in bills if bill["period"]["start"] == "2025-07-01")
    assert Decimal(july["energy_kwh"]) == Decimal(31 * 24)
