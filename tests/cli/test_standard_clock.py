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


# -- a year of values without starts: --year ---------------------------------------------


def values(count: int, header: str | None = None) -> str:
    """``count`` rows of 1 kWh, the value of row k being 1 + (k mod 3)/4."""
    rows = [header] if header is not None else []
    rows.extend(f"{1 + (k % 3) / 4}" for k in range(count))
    return "\n".join(rows) + "\n"


def test_a_year_of_values_prices_as_the_same_year_with_starts(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # The same 8760 values, once with a start column (SAM's hours on standard time) and
    # once bare: under --clock standard both are the same instants.
    bare = write(tmp_path, "bare.csv", values(8760))
    start = dt.datetime(2025, 1, 1)
    dated = ["start,kwh"] + [
        f"{start + dt.timedelta(hours=k):%Y-%m-%dT%H:%M},{value}"
        for k, value in enumerate(values(8760).split())
    ]
    with_starts = write(tmp_path, "dated.csv", "\n".join(dated) + "\n")
    tariff = record(tmp_path, TOU)
    common = ["--tariff", tariff, "--timezone", "America/Denver", "--format", "json"]
    lines_by_clock: dict[str, list[object]] = {}
    for clock in ("standard", "local"):
        code, by_year, err = run(
            ["price", bare, *common, "--year", "2025", "--clock", clock], capsys
        )
        assert (code, err) == (0, "")
        year_bills = json.loads(by_year)["bills"]
        assert len(year_bills) == 12
        # 8760 values, a third each of 1, 1.25 and 1.5 kWh: 2920 × 3.75 = 10950 kWh.
        assert sum(Decimal(bill["energy_kwh"]) for bill in year_bills) == Decimal(10950)
        expected = (
            "readings: 8,760 values without starts, dated from 2025-01-01T00:00 on the clock "
            + (
                "of Etc/GMT+7, UTC-07:00, every 60 minutes, priced on the clock of America/Denver"
                if clock == "standard"
                else "of America/Denver, every 60 minutes"
            )
        )
        assert all(bill["warnings"][0] == expected for bill in year_bills)
        if clock == "standard":
            code, by_starts, err = run(["price", with_starts, *common, "--clock", clock], capsys)
            assert (code, err) == (0, "")
            for one, two in zip(year_bills, json.loads(by_starts)["bills"], strict=True):
                assert one["warnings"][1:] == two["warnings"][1:]
                assert one["lines"] == two["lines"]
                assert one["total"] == two["total"]
        else:
            # Row k is k hours after January 1 00:00 on Denver's clock, which is standard
            # time in January: the same instants as on standard time, the same bills.
            assert [bill["lines"] for bill in year_bills] == lines_by_clock["standard"]
        lines_by_clock[clock] = [bill["lines"] for bill in year_bills]


def test_a_year_of_values_with_a_header_and_columns(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    tariff = record(tmp_path, FLAT)
    common = ["--tariff", tariff, "--timezone", "Asia/Shanghai", "--format", "json"]
    # A leap year: 8784 hours; the header names the column, mapped to kwh, in kW.
    load = write(tmp_path, "load.csv", values(8784, "load_kw"))
    code, out, err = run(
        ["price", load, *common, "--year", "2024", "--columns", "kwh=load_kw", "--units",
         "kwh=kW"],
        capsys,
    )  # fmt: skip
    assert (code, err) == (0, "")
    bills = json.loads(out)["bills"]
    # 8784 = 3 × 2928 values of 1, 1.25, 1.5 kW for an hour each: 2928 × 3.75 kWh.
    assert sum(Decimal(bill["energy_kwh"]) for bill in bills) == Decimal(10980)
    assert bills[1]["period"] == {"start": "2024-02-01", "end": "2024-03-01"}
    # 35 040 values are a year of 15 minutes.
    quarter = write(tmp_path, "quarter.csv", values(35040, "kwh"))
    code, out, err = run(["price", quarter, *common, "--year", "2025"], capsys)
    assert (code, err) == (0, "")
    bills = json.loads(out)["bills"]
    assert bills[0]["warnings"][0].endswith("every 15 minutes")
    # January: 31 × 96 = 2976 quarter hours, a third each of 1, 1.25, 1.5 kWh.
    assert bills[0]["energy_kwh"] == "3720.000"
    assert sum(Decimal(bill["energy_kwh"]) for bill in bills) == Decimal(35040 // 3 * 15) / 4


def test_explain_reads_the_readings_as_price_does(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # --year and --clock are options of every command that reads one readings file.
    bare = write(tmp_path, "bare.csv", values(8760))
    tariff = record(tmp_path, TOU)
    common = [bare, "--tariff", tariff, "--timezone", "America/Denver", "--format", "json"]
    options = ["--year", "2025", "--clock", "standard"]
    code, priced, err = run(["price", *common, *options], capsys)
    assert (code, err) == (0, "")
    code, explained, err = run(["explain", *common, *options], capsys)
    assert (code, err) == (0, "")
    for bill, explained_bill in zip(
        json.loads(priced)["bills"], json.loads(explained)["bills"], strict=True
    ):
        assert explained_bill["warnings"] == bill["warnings"]
        assert [
            {key: value for key, value in line.items() if key != "explanation"}
            for line in explained_bill["lines"]
        ] == bill["lines"]
