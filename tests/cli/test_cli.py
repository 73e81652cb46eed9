"""Tests of the ``tariffs`` command line (CONTRACT.md, "Command line" and "JSON bill").

Commands run in-process through `tariffs.cli.main`, and once through the installed
``tariffs`` console script. Expected amounts are worked out by hand from the published
prices of the bundled tables (REFERENCE_TARIFFS.md of the project documents), each line
rounded half-up to 0.01 CNY:

Readings are hourly, Asia/Shanghai local time, with a constant kWh in every hour of a
month: July 0.5 kWh (× 744 h = 372 kWh), August 0.25 kWh (186 kWh), September 0.4 kWh
(× 720 h = 288 kWh).

``cn-bj-residential`` (monthly tiers: up to 240 kWh at 0.4883, 240 to 400 at 0.5383):

- July: 240 × 0.4883 = 117.192 → 117.19; 132 × 0.5383 = 71.0556 → 71.06; total 188.25.
- August: 186 × 0.4883 = 90.8238 → 90.82; total 90.82.
- September: 240 × 0.4883 → 117.19; 48 × 0.5383 = 25.8384 → 25.84; total 143.03.
- All three bills: 188.25 + 90.82 + 143.03 = 422.10.

July alone under the other tables:

- ``cn-zj-residential`` (annual tier 1 up to 2760 kWh at 0.538): 372 × 0.538 = 200.136
  → 200.14.
- ``cn-sh-residential`` (annual tier 1 up to 3120 kWh at 0.617): 372 × 0.617 = 229.524
  → 229.52.
- ``cn-gd-commercial-tou`` (flat 0.65; peak 1.7 × 0.65 = 1.105; valley 0.38 × 0.65 =
  0.247; critical peak 1.25 × 1.105 = 1.38125, every day of July at 11-12 and 15-17). Per
  day: valley 00-08 = 8 h, flat 08-10, 12-14, 19-24 = 9 h, peak 10-11, 14-15, 17-19 = 4 h,
  critical peak 3 h; × 0.5 kWh × 31 days: valley 124 kWh × 0.247 = 30.628 → 30.63; flat
  139.5 × 0.65 = 90.675 → 90.68; peak 62 × 1.105 = 68.51; critical peak 46.5 × 1.38125 =
  64.228125 → 64.23; total 254.05.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import os
import re
import shutil
import subprocess
from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from tariffs.cli import main

LINE_KINDS = {
    "fixed",
    "energy",
    "demand",
    "capacity",
    "power_factor",
    "surcharge",
    "tax",
    "discount",
    "minimum",
    "export_credit",
    "adjustment",
}
BILL_KEYS = {"account", "tariff", "currency", "period", "energy_kwh", "lines", "total", "warnings"}
LINE_KEYS = {"kind", "code", "label", "quantity", "unit", "rate", "amount"}

JULY_TO_SEPTEMBER = {(2025, 7): "0.5", (2025, 8): "0.25", (2025, 9): "0.4"}

BEIJING_JULY_LINES = {
    (Decimal("240"), Decimal("0.4883"), Decimal("117.19")),
    (Decimal("132"), Decimal("0.5383"), Decimal("71.06")),
}


# -- helpers ------------------------------------------------------------------------------


def write_readings(path: Path, kwh_per_hour: dict[tuple[int, int], str]) -> Path:
    """Hourly readings, local time, with a constant kWh in each hour of each month."""
    rows = ["start,kwh"]
    for (year, month), kwh in sorted(kwh_per_hour.items()):
        moment = dt.datetime(year, month, 1)
        while moment.month == month:
            rows.append(f"{moment:%Y-%m-%dT%H:%M},{kwh}")
            moment += dt.timedelta(hours=1)
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path


@pytest.fixture
def three_months(tmp_path: Path) -> Path:
    return write_readings(tmp_path / "readings.csv", JULY_TO_SEPTEMBER)


@pytest.fixture
def july(tmp_path: Path) -> Path:
    return write_readings(tmp_path / "july.csv", {(2025, 7): "0.5"})


def run(capsys: pytest.CaptureFixture[str], *argv: object) -> tuple[int, str, str]:
    """Run the command in-process: exit code, stdout, stderr."""
    code = main([str(arg) for arg in argv])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def assert_input_error(result: tuple[int, str, str], *patterns: str) -> str:
    """Exit code 1, nothing on stdout, one line on stderr matching every pattern."""
    code, out, err = result
    assert code == 1, err
    assert out == ""
    lines = err.splitlines()
    assert len(lines) == 1, err
    for pattern in patterns:
        assert re.search(pattern, lines[0]), (pattern, lines[0])
    return lines[0]


def assert_usage_error(result: tuple[int, str, str]) -> None:
    code, out, err = result
    assert code == 2, err
    assert out == ""
    assert err.strip()


def _no_number(text: str) -> Any:
    raise AssertionError(f"a JSON number {text}: money and quantities must be strings")


def load_json(text: str) -> Any:
    """Parse JSON that must hold no JSON numbers (money and quantities are strings)."""
    return json.loads(text, parse_float=_no_number, parse_int=_no_number)


def check_bill(bill: dict[str, Any]) -> None:
    """A bill has the contract's shape, and its total is the sum of its line amounts."""
    assert set(bill) == BILL_KEYS
    assert set(bill["period"]) == {"start", "end"}
    start = dt.date.fromisoformat(bill["period"]["start"])
    end = dt.date.fromisoformat(bill["period"]["end"])
    assert start < end
    assert isinstance(bill["energy_kwh"], str)
    Decimal(bill["energy_kwh"])
    assert isinstance(bill["warnings"], list)
    amounts = []
    for line in bill["lines"]:
        assert set(line) == LINE_KEYS
        assert line["kind"] in LINE_KINDS
        for key in ("quantity", "rate"):
            assert line[key] is None or isinstance(line[key], str)
        assert isinstance(line["amount"], str)
        amount = Decimal(line["amount"])
        assert amount.as_tuple().exponent == -2  # CNY: rounded to 0.01
        amounts.append(amount)
    assert isinstance(bill["total"], str)
    assert Decimal(bill["total"]) == sum(amounts, Decimal(0))


def check_bills_document(document: dict[str, Any]) -> None:
    assert set(document) == {"bills", "total"}
    for bill in document["bills"]:
        check_bill(bill)
    assert isinstance(document["total"], str)
    total = sum((Decimal(bill["total"]) for bill in document["bills"]), Decimal(0))
    assert Decimal(document["total"]) == total


def line_triples(bill: dict[str, Any]) -> set[tuple[Decimal, Decimal, Decimal]]:
    return {
        (Decimal(line["quantity"]), Decimal(line["rate"]), Decimal(line["amount"]))
        for line in bill["lines"]
    }


def periods(document: dict[str, Any]) -> list[tuple[str, str]]:
    return [(bill["period"]["start"], bill["period"]["end"]) for bill in document["bills"]]


def write_flat_tariff(directory: Path, tariff_id: str, price: str) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"{tariff_id}.yaml"
    path.write_text(
        f"id: {tariff_id}\n"
        "name: Flat test tariff\n"
        "currency: CNY\n"
        "timezone: Asia/Shanghai\n"
        "reference: written for the tests\n"
        "versions:\n"
        '  "2025-01-01":\n'
        "    charges:\n"
        f'      - {{kind: energy, price_per_kwh: "{price}"}}\n',
        encoding="utf-8",
    )
    return path


# -- price: success -----------------------------------------------------------------------


def test_price_json(capsys: pytest.CaptureFixture[str], three_months: Path) -> None:
    code, out, err = run(
        capsys, "price", three_months, "--tariff", "cn-bj-residential", "--format", "json"
    )
    assert (code, err) == (0, "")
    document = load_json(out)
    check_bills_document(document)
    assert periods(document) == [
        ("2025-07-01", "2025-08-01"),
        ("2025-08-01", "2025-09-01"),
        ("2025-09-01", "2025-10-01"),
    ]
    july, august, september = document["bills"]
    assert [bill["total"] for bill in document["bills"]] == ["188.25", "90.82", "143.03"]
    assert document["total"] == "422.10"
    assert line_triples(july) == BEIJING_JULY_LINES
    assert line_triples(august) == {(Decimal("186"), Decimal("0.4883"), Decimal("90.82"))}
    assert line_triples(september) == {
        (Decimal("240"), Decimal("0.4883"), Decimal("117.19")),
        (Decimal("48"), Decimal("0.5383"), Decimal("25.84")),
    }
    assert [Decimal(bill["energy_kwh"]) for bill in document["bills"]] == [372, 186, 288]
    for bill in document["bills"]:
        assert bill["tariff"] == "cn-bj-residential"
        assert bill["currency"] == "CNY"
        assert bill["account"] is None
        assert bill["warnings"] == []


def test_price_json_with_account(
    capsys: pytest.CaptureFixture[str], july: Path, tmp_path: Path
) -> None:
    account = tmp_path / "account.yaml"
    account.write_text("account_id: F-001\n", encoding="utf-8")
    code, out, err = run(
        capsys,
        "price",
        july,
        "--tariff",
        "cn-bj-residential",
        "--account",
        account,
        "--format",
        "json",
    )
    assert (code, err) == (0, "")
    document = load_json(out)
    check_bills_document(document)
    assert [bill["account"] for bill in document["bills"]] == ["F-001"]
    assert document["total"] == "188.25"


def test_price_time_of_use_json(capsys: pytest.CaptureFixture[str], july: Path) -> None:
    code, out, _ = run(
        capsys, "price", july, "--tariff", "cn-gd-commercial-tou", "--format", "json"
    )
    assert code == 0
    document = load_json(out)
    check_bills_document(document)
    (bill,) = document["bills"]
    assert line_triples(bill) == {
        (Decimal("124"), Decimal("0.247"), Decimal("30.63")),
        (Decimal("139.5"), Decimal("0.65"), Decimal("90.68")),
        (Decimal("62"), Decimal("1.105"), Decimal("68.51")),
        (Decimal("46.5"), Decimal("1.38125"), Decimal("64.23")),
    }
    assert bill["total"] == document["total"] == "254.05"


def test_price_table(capsys: pytest.CaptureFixture[str], three_months: Path) -> None:
    code, out, err = run(capsys, "price", three_months, "--tariff", "cn-bj-residential")
    assert (code, err) == (0, "")
    assert "cn-bj-residential" in out
    for amount in ("117.19", "71.06", "188.25", "90.82", "25.84", "143.03", "422.10"):
        assert re.search(rf"(?<![\d.]){re.escape(amount)}(?![\d.])", out), amount
    for day in ("2025-07-01", "2025-08-01", "2025-09-01", "2025-10-01"):
        assert day in out


def test_price_csv(capsys: pytest.CaptureFixture[str], three_months: Path) -> None:
    code, out, err = run(
        capsys, "price", three_months, "--tariff", "cn-bj-residential", "--format", "csv"
    )
    assert (code, err) == (0, "")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert rows
    for key in ("tariff", "period_start", "period_end", "kind", "quantity", "rate", "amount"):
        assert key in rows[0]
    totals: dict[str, Decimal] = {}
    sums: dict[str, Decimal] = {}
    for row in rows:
        assert row["tariff"] == "cn-bj-residential"
        if row["kind"] == "total":
            totals[row["period_start"]] = Decimal(row["amount"])
        else:
            assert row["kind"] in LINE_KINDS
            sums[row["period_start"]] = sums.get(row["period_start"], Decimal(0)) + Decimal(
                row["amount"]
            )
    assert totals == {
        "2025-07-01": Decimal("188.25"),
        "2025-08-01": Decimal("90.82"),
        "2025-09-01": Decimal("143.03"),
    }
    assert sums == totals
    july_lines = {
        (Decimal(row["quantity"]), Decimal(row["rate"]), Decimal(row["amount"]))
        for row in rows
        if row["period_start"] == "2025-07-01" and row["kind"] != "total"
    }
    assert july_lines == BEIJING_JULY_LINES


# -- --from / --to ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("options", "expected_periods", "expected_total"),
    [
        (
            ["--from", "2025-08-01"],
            [("2025-08-01", "2025-09-01"), ("2025-09-01", "2025-10-01")],
            "233.85",  # 90.82 + 143.03
        ),
        (["--to", "2025-08-01"], [("2025-07-01", "2025-08-01")], "188.25"),  # --to exclusive
        (
            ["--to", "2025-09-01"],
            [("2025-07-01", "2025-08-01"), ("2025-08-01", "2025-09-01")],
            "279.07",  # 188.25 + 90.82
        ),
        (["--from", "2025-08-01", "--to", "2025-09-01"], [("2025-08-01", "2025-09-01")], "90.82"),
        (["--from", "2025-06-01", "--to", "2025-12-01"], None, "422.10"),
    ],
)
def test_from_and_to_select_months(
    capsys: pytest.CaptureFixture[str],
    three_months: Path,
    options: list[str],
    expected_periods: list[tuple[str, str]] | None,
    expected_total: str,
) -> None:
    code, out, err = run(
        capsys,
        "price",
        three_months,
        "--tariff",
        "cn-bj-residential",
        "--format",
        "json",
        *options,
    )
    assert (code, err) == (0, "")
    document = load_json(out)
    check_bills_document(document)
    if expected_periods is None:  # dates beyond the readings: the months read
        expected_periods = [
            ("2025-07-01", "2025-08-01"),
            ("2025-08-01", "2025-09-01"),
            ("2025-09-01", "2025-10-01"),
        ]
    assert periods(document) == expected_periods
    assert document["total"] == expected_total


def test_dates_without_readings_are_an_input_error(
    capsys: pytest.CaptureFixture[str], three_months: Path
) -> None:
    result = run(
        capsys, "price", three_months, "--tariff", "cn-bj-residential", "--from", "2026-01-01"
    )
    assert_input_error(result, re.escape(str(three_months)))


# -- --output -----------------------------------------------------------------------------


def test_output_writes_the_file_and_no_temporary(
    capsys: pytest.CaptureFixture[str], three_months: Path, tmp_path: Path
) -> None:
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    target = out_dir / "bill.json"
    code, out, err = run(
        capsys,
        "price",
        three_months,
        "--tariff",
        "cn-bj-residential",
        "--format",
        "json",
        "--output",
        target,
    )
    assert (code, out, err) == (0, "", "")
    assert sorted(os.listdir(out_dir)) == ["bill.json"]
    document = load_json(target.read_text(encoding="utf-8"))
    check_bills_document(document)
    assert document["total"] == "422.10"
    # The same text as on stdout.
    _, stdout_text, _ = run(
        capsys, "price", three_months, "--tariff", "cn-bj-residential", "--format", "json"
    )
    assert target.read_text(encoding="utf-8") == stdout_text


def test_output_replaces_an_existing_file(
    capsys: pytest.CaptureFixture[str], july: Path, tmp_path: Path
) -> None:
    target = tmp_path / "out" / "bill.csv"
    target.parent.mkdir()
    target.write_text("previous\n", encoding="utf-8")
    code, out, _ = run(
        capsys,
        "price",
        july,
        "--tariff",
        "cn-bj-residential",
        "--format",
        "csv",
        "--output",
        target,
    )
    assert (code, out) == (0, "")
    assert "188.25" in target.read_text(encoding="utf-8")
    assert sorted(os.listdir(target.parent)) == ["bill.csv"]


def test_output_is_untouched_on_error(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    readings = tmp_path / "bad.csv"
    readings.write_text(
        "start,kwh\n2025-07-01T00:00,1\n2025-07-01T01:00,1\n2025-07-01T02:00,-3\n",
        encoding="utf-8",
    )
    target = tmp_path / "out" / "bill.json"
    target.parent.mkdir()
    target.write_text("previous\n", encoding="utf-8")
    result = run(capsys, "price", readings, "--tariff", "cn-bj-residential", "--output", target)
    assert_input_error(result, rf"{re.escape(str(readings))}:4\b")
    assert target.read_text(encoding="utf-8") == "previous\n"
    assert sorted(os.listdir(target.parent)) == ["bill.json"]


def test_output_into_a_missing_directory_is_an_error(
    capsys: pytest.CaptureFixture[str], july: Path, tmp_path: Path
) -> None:
    target = tmp_path / "missing" / "bill.json"
    result = run(capsys, "price", july, "--tariff", "cn-bj-residential", "--output", target)
    assert_input_error(result, re.escape(str(target)))
    assert not target.parent.exists()


def test_output_that_cannot_be_written_leaves_no_temporary_file(
    capsys: pytest.CaptureFixture[str], july: Path, tmp_path: Path
) -> None:
    out_dir = tmp_path / "out"
    target = out_dir / "bill.json"
    target.mkdir(parents=True)  # a directory where the file should go
    result = run(capsys, "price", july, "--tariff", "cn-bj-residential", "--output", target)
    assert_input_error(result, re.escape(str(target)))
    assert sorted(os.listdir(out_dir)) == ["bill.json"]
    assert target.is_dir() and list(target.iterdir()) == []


# -- input errors: exit code 1, one line on stderr ----------------------------------------


def test_holiday_of_two_day_types_is_an_input_error(
    capsys: pytest.CaptureFixture[str], july: Path, tmp_path: Path
) -> None:
    # 2025-07-04 is listed by one holiday day type and made by the other's rule.
    tariff = tmp_path / "two-holidays.yaml"
    tariff.write_text(
        "id: two-holidays\n"
        "name: Two holiday lists\n"
        "currency: CNY\n"
        "timezone: Asia/Shanghai\n"
        "reference: written for the tests\n"
        "versions:\n"
        '  "2025-01-01":\n'
        "    day_types:\n"
        "      every_day: {weekdays: [mon, tue, wed, thu, fri, sat, sun]}\n"
        "      holiday_a: {dates: [2025-07-04]}\n"
        '      holiday_b: {rrules: ["FREQ=YEARLY;BYMONTH=7;BYMONTHDAY=4"]}\n'
        "    charges:\n"
        '      - {kind: energy, price_per_kwh: "0.5"}\n',
        encoding="utf-8",
    )
    result = run(capsys, "price", july, "--tariff", tariff)
    assert_input_error(result, re.escape(str(tariff)), r"holiday_a", r"holiday_b")


def test_bad_tariff_file(capsys: pytest.CaptureFixture[str], july: Path, tmp_path: Path) -> None:
    tariff = tmp_path / "bad-tariff.yaml"
    tariff.write_text(
        "id: bad-tariff\n"
        "name: Bad\n"
        "currency: CNY\n"
        "timezone: Asia/Shanghai\n"
        "reference: written for the tests\n"
        "versions:\n"
        '  "2025-01-01":\n'
        "    charges:\n"
        "      - kind: energy\n"
        '        price_per_kwh: "-0.5"\n',  # line 10, the value at column 24
        encoding="utf-8",
    )
    result = run(capsys, "price", july, "--tariff", tariff)
    line = assert_input_error(result, rf"{re.escape(str(tariff))}:10:24: ")
    assert "price_per_kwh" in line


def test_bad_tariff_yaml_syntax(
    capsys: pytest.CaptureFixture[str], july: Path, tmp_path: Path
) -> None:
    tariff = tmp_path / "broken.yaml"
    tariff.write_text("id: broken\nname: [unclosed\ncurrency: CNY\n", encoding="utf-8")
    result = run(capsys, "price", july, "--tariff", tariff)
    assert_input_error(result, rf"{re.escape(str(tariff))}:\d+")


def test_bad_readings_row(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    readings = tmp_path / "readings.csv"
    readings.write_text(
        "start,kwh\n"
        "2025-07-01T00:00,1\n"
        "2025-07-01T01:00,1\n"
        "2025-07-01T02:00,1\n"
        "2025-07-01T03:00,abc\n"  # line 5
        "2025-07-01T04:00,1\n",
        encoding="utf-8",
    )
    result = run(capsys, "price", readings, "--tariff", "cn-bj-residential")
    line = assert_input_error(result, rf"{re.escape(str(readings))}:5: ")
    assert "abc" in line


def test_duplicate_readings_row(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    readings = tmp_path / "readings.csv"
    readings.write_text(
        "start,kwh\n"
        "2025-07-01T00:00,1\n"
        "2025-07-01T01:00,1\n"
        "2025-07-01T02:00,1\n"
        "2025-07-01T02:00,1\n",  # line 5
        encoding="utf-8",
    )
    result = run(capsys, "compare", readings, "--tariff", "cn-bj-residential")
    assert_input_error(result, rf"{re.escape(str(readings))}:5: ")


def test_bad_account_field(capsys: pytest.CaptureFixture[str], july: Path, tmp_path: Path) -> None:
    account = tmp_path / "account.yaml"
    account.write_text("account_id: F-001\ncapacity_kva: -5\n", encoding="utf-8")
    result = run(capsys, "price", july, "--tariff", "cn-bj-residential", "--account", account)
    line = assert_input_error(result, rf"{re.escape(str(account))}:2:\d+: ")
    assert "capacity_kva" in line


def test_account_lacking_a_field_the_tariff_needs(
    capsys: pytest.CaptureFixture[str], july: Path, tmp_path: Path
) -> None:
    account = tmp_path / "account.yaml"
    account.write_text("account_id: F-009\n", encoding="utf-8")
    result = run(
        capsys, "price", july, "--tariff", "cn-sh-industrial-two-part", "--account", account
    )
    # CONTRACT.md: keys that a tariff needs and the account lacks name both.
    assert_input_error(result, r"cn-sh-industrial-two-part", r"F-009")


@pytest.mark.parametrize("missing", ["readings", "tariff", "account"])
def test_missing_file(
    capsys: pytest.CaptureFixture[str], july: Path, tmp_path: Path, missing: str
) -> None:
    absent = tmp_path / ("absent.csv" if missing == "readings" else "absent.yaml")
    argv: list[object] = ["price", july, "--tariff", "cn-bj-residential"]
    if missing == "readings":
        argv[1] = absent
    elif missing == "tariff":
        argv[3] = absent
    else:
        argv += ["--account", absent]
    assert_input_error(run(capsys, *argv), re.escape(str(absent)))


def test_unknown_tariff_id(capsys: pytest.CaptureFixture[str], july: Path) -> None:
    result = run(capsys, "price", july, "--tariff", "cn-nowhere-at-all")
    assert_input_error(result, r"cn-nowhere-at-all")
    result = run(capsys, "show", "cn-nowhere-at-all")
    assert_input_error(result, r"cn-nowhere-at-all")


# -- usage errors: exit code 2 ------------------------------------------------------------


@pytest.mark.parametrize(
    "argv",
    [
        [],
        ["frobnicate"],
        ["price"],
        ["price", "{readings}"],  # no --tariff
        ["price", "{readings}", "--tariff", "cn-bj-residential", "--bogus"],
        ["price", "{readings}", "--tariff", "cn-bj-residential", "--from", "2025-13-01"],
        ["price", "{readings}", "--tariff", "cn-bj-residential", "--to", "July"],
        ["price", "{readings}", "--tariff", "cn-bj-residential", "--format", "xml"],
        ["compare", "{readings}"],  # no --tariff
        ["validate"],
        ["show"],
    ],
)
def test_usage_errors(capsys: pytest.CaptureFixture[str], july: Path, argv: list[str]) -> None:
    argv = [arg.replace("{readings}", str(july)) for arg in argv]
    assert_usage_error(run(capsys, *argv))


def test_an_interval_of_zero_minutes_is_refused(
    capsys: pytest.CaptureFixture[str], july: Path
) -> None:
    code, out, err = run(capsys, "price", july, "--tariff", "cn-bj-residential", "--interval", "0")
    assert code in (1, 2)
    assert out == ""
    assert "interval" in err


def test_bad_from_date_names_the_option(capsys: pytest.CaptureFixture[str], july: Path) -> None:
    result = run(capsys, "price", july, "--tariff", "cn-bj-residential", "--from", "2025-02-30")
    assert_usage_error(result)
    assert "--from" in result[2]


# -- compare ------------------------------------------------------------------------------

COMPARED = ["cn-gd-commercial-tou", "cn-sh-residential", "cn-bj-residential", "cn-zj-residential"]
RANKED = [
    ("cn-bj-residential", "188.25"),
    ("cn-zj-residential", "200.14"),
    ("cn-sh-residential", "229.52"),
    ("cn-gd-commercial-tou", "254.05"),
]


def compare_json(
    capsys: pytest.CaptureFixture[str], readings: Path, tariffs: Sequence[str], *options: str
) -> dict[str, Any]:
    argv: list[object] = ["compare", readings, "--format", "json", *options]
    for tariff in tariffs:
        argv += ["--tariff", tariff]
    code, out, err = run(capsys, *argv)
    assert (code, err) == (0, "")
    document: dict[str, Any] = load_json(out)
    return document


def test_compare_ranks_cheapest_first(capsys: pytest.CaptureFixture[str], july: Path) -> None:
    document = compare_json(capsys, july, COMPARED)
    assert list(document) == ["results"]
    results = document["results"]
    assert [(result["tariff"], result["total"]) for result in results] == RANKED
    for result in results:
        assert {"tariff", "total", "bills"} <= set(result)
        assert isinstance(result["total"], str)
        for bill in result["bills"]:
            check_bill(bill)
            assert bill["tariff"] == result["tariff"]
        total = sum((Decimal(bill["total"]) for bill in result["bills"]), Decimal(0))
        assert Decimal(result["total"]) == total


@pytest.mark.parametrize(
    "order",
    [
        list(reversed(COMPARED)),
        [COMPARED[2], COMPARED[0], COMPARED[3], COMPARED[1]],
        [COMPARED[1], COMPARED[3], COMPARED[0], COMPARED[2]],
    ],
)
def test_compare_ranking_does_not_depend_on_the_order_of_tariffs(
    capsys: pytest.CaptureFixture[str], july: Path, order: list[str]
) -> None:
    assert compare_json(capsys, july, order) == compare_json(capsys, july, COMPARED)


def test_compare_ties_are_ranked_the_same_in_any_order(
    capsys: pytest.CaptureFixture[str], july: Path, tmp_path: Path
) -> None:
    tables = tmp_path / "tables"
    # Two flat tariffs at the same price: the same total, 372 × 0.5 = 186.00.
    write_flat_tariff(tables, "flat-b", "0.5")
    write_flat_tariff(tables, "flat-a", "0.5")
    forward = compare_json(capsys, july, ["flat-b", "flat-a"], "--tables", str(tables))
    backward = compare_json(capsys, july, ["flat-a", "flat-b"], "--tables", str(tables))
    assert forward == backward
    assert [result["total"] for result in forward["results"]] == ["186.00", "186.00"]


def test_compare_table_and_csv(capsys: pytest.CaptureFixture[str], july: Path) -> None:
    argv: list[object] = ["compare", july]
    for tariff in COMPARED:
        argv += ["--tariff", tariff]
    code, out, err = run(capsys, *argv)
    assert (code, err) == (0, "")
    positions = [out.index(tariff_id) for tariff_id, _ in RANKED]
    assert positions == sorted(positions)
    for _, total in RANKED:
        assert total in out
    code, out, err = run(capsys, *argv, "--format", "csv")
    assert (code, err) == (0, "")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert [(row["tariff"], row["total"]) for row in rows] == RANKED


def test_compare_with_a_bad_tariff_prints_nothing(
    capsys: pytest.CaptureFixture[str], july: Path
) -> None:
    result = run(capsys, "compare", july, "--tariff", "cn-bj-residential", "--tariff", "cn-nowhere")
    assert_input_error(result, r"cn-nowhere")


# -- validate -----------------------------------------------------------------------------


def test_validate_reports_the_bad_file_of_a_directory(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    tables = tmp_path / "tables"
    good = write_flat_tariff(tables, "good-one", "0.5")
    bad = tables / "bad-one.yaml"
    bad.write_text(
        "id: bad-one\n"
        "name: Bad\n"
        "currency: CNY\n"
        "timezone: Asia/Shanghia\n"  # line 4: a misspelt zone
        "reference: written for the tests\n"
        "versions:\n"
        '  "2025-01-01":\n'
        "    charges:\n"
        '      - {kind: energy, price_per_kwh: "0.5"}\n',
        encoding="utf-8",
    )
    code, out, err = run(capsys, "validate", tables)
    assert code == 1
    errors = err.splitlines()
    assert len(errors) == 1
    assert re.search(rf"{re.escape(str(bad))}:4:\d+: ", errors[0])
    assert "Asia/Shanghia" in errors[0]
    assert str(good) in out
    assert str(bad) not in out


def test_validate_good_files_and_directories(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    tables = tmp_path / "tables"
    first = write_flat_tariff(tables / "aa", "first-flat", "0.5")
    second = write_flat_tariff(tables / "bb", "second-flat", "0.6")
    code, out, err = run(capsys, "validate", tables)
    assert (code, err) == (0, "")
    assert str(first) in out and str(second) in out
    code, out, err = run(capsys, "validate", first, second)
    assert (code, err) == (0, "")
    assert len(out.splitlines()) == 2


def test_validate_refuses_an_id_that_differs_from_the_file_name(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = write_flat_tariff(tmp_path, "right-name", "0.5")
    renamed = path.with_name("wrong-name.yaml")
    path.rename(renamed)
    code, out, err = run(capsys, "validate", renamed)
    assert code == 1
    assert re.search(rf"{re.escape(str(renamed))}:1:\d+: ", err)
    assert "right-name" in err


def test_validate_refuses_the_same_id_twice(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    tables = tmp_path / "tables"
    write_flat_tariff(tables / "aa", "twin", "0.5")
    write_flat_tariff(tables / "bb", "twin", "0.6")
    code, _, err = run(capsys, "validate", tables)
    assert code == 1
    assert "twin" in err


# -- show ---------------------------------------------------------------------------------


def test_show_prints_periods_and_prices(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "show", "cn-gd-commercial-tou")
    assert (code, err) == (0, "")
    windows = dict(
        re.findall(r"^\s*(\w+): (\d\d:\d\d-\d\d:\d\d(?:, \d\d:\d\d-\d\d:\d\d)*)$", out, re.M)
    )
    assert windows == {
        "valley": "00:00-08:00",
        "flat": "08:00-10:00, 12:00-14:00, 19:00-24:00",
        "peak": "10:00-12:00, 14:00-19:00",
    }
    prices = {
        name: Decimal(value)
        for name, value in re.findall(r"^\s*(\w+): ([\d.]+) CNY/kWh$", out, re.M)
    }
    assert prices == {
        "flat": Decimal("0.65"),
        "peak": Decimal("1.105"),
        "valley": Decimal("0.247"),
        "critical_peak": Decimal("1.38125"),
    }
    assert "critical_peak" in out and "11:00-12:00, 15:00-17:00" in out
    assert "Asia/Shanghai" in out


def test_show_tiers(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "show", "cn-bj-residential")
    assert (code, err) == (0, "")
    for text in ("0.4883", "0.5383", "0.7883", "240", "400"):
        assert text in out


def test_show_a_file(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    path = write_flat_tariff(tmp_path, "some-flat", "0.5")
    code, out, err = run(capsys, "show", path)
    assert (code, err) == (0, "")
    assert out.startswith("some-flat: ")
    assert re.search(r"\b0\.5 CNY/kWh", out)


# -- --tables and TARIFFS_PATH ------------------------------------------------------------


def price_total(capsys: pytest.CaptureFixture[str], readings: Path, *options: object) -> str:
    code, out, err = run(capsys, "price", readings, "--format", "json", *options)
    assert (code, err) == (0, ""), err
    document = load_json(out)
    check_bills_document(document)
    total: str = document["total"]
    return total


def test_tables_option_finds_an_id(
    capsys: pytest.CaptureFixture[str],
    july: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("TARIFFS_PATH", raising=False)
    tables = tmp_path / "tables"
    write_flat_tariff(tables / "local", "my-flat", "0.5")
    assert_input_error(run(capsys, "price", july, "--tariff", "my-flat"), r"my-flat")
    # 372 kWh × 0.5 = 186.00
    assert price_total(capsys, july, "--tariff", "my-flat", "--tables", tables) == "186.00"
    code, out, _ = run(capsys, "show", "my-flat", "--tables", tables)
    assert code == 0 and out.startswith("my-flat: ")


def test_tariffs_path_finds_an_id(
    capsys: pytest.CaptureFixture[str],
    july: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    elsewhere = tmp_path / "elsewhere"
    write_flat_tariff(tmp_path / "tables", "my-flat", "0.5")
    elsewhere.mkdir()
    monkeypatch.setenv("TARIFFS_PATH", os.pathsep.join([str(elsewhere), str(tmp_path / "tables")]))
    assert price_total(capsys, july, "--tariff", "my-flat") == "186.00"
    code, out, _ = run(capsys, "show", "my-flat")
    assert code == 0 and out.startswith("my-flat: ")
    # Bundled ids are still found.
    assert price_total(capsys, july, "--tariff", "cn-bj-residential") == "188.25"


def test_tables_option_comes_before_tariffs_path(
    capsys: pytest.CaptureFixture[str],
    july: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    write_flat_tariff(tmp_path / "from-env", "my-flat", "0.6")
    write_flat_tariff(tmp_path / "from-option", "my-flat", "0.5")
    monkeypatch.setenv("TARIFFS_PATH", str(tmp_path / "from-env"))
    # 372 × 0.6 = 223.20 from TARIFFS_PATH; 372 × 0.5 = 186.00 from --tables.
    assert price_total(capsys, july, "--tariff", "my-flat") == "223.20"
    options = ("--tariff", "my-flat", "--tables", tmp_path / "from-option")
    assert price_total(capsys, july, *options) == "186.00"


# -- the installed command ----------------------------------------------------------------


def test_installed_console_script_end_to_end(three_months: Path, tmp_path: Path) -> None:
    command = shutil.which("tariffs")
    assert command is not None, "the tariffs console script is not installed on PATH"
    environment = {**os.environ}
    environment.pop("TARIFFS_PATH", None)

    def call(*argv: object) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [command, *(str(arg) for arg in argv)],
            capture_output=True,
            text=True,
            encoding="utf-8",
            env=environment,
            timeout=120,
            check=False,
        )

    done = call("price", three_months, "--tariff", "cn-bj-residential", "--format", "json")
    assert (done.returncode, done.stderr) == (0, "")
    document = load_json(done.stdout)
    check_bills_document(document)
    assert document["total"] == "422.10"

    done = call("price", three_months, "--tariff", tmp_path / "absent.yaml")
    assert done.returncode == 1
    assert done.stdout == ""
    assert len(done.stderr.splitlines()) == 1
    assert str(tmp_path / "absent.yaml") in done.stderr

    done = call("price", three_months)
    assert done.returncode == 2
    assert done.stdout == ""
    assert done.stderr.strip()

    done = call("show", "cn-bj-residential")
    assert done.returncode == 0
    assert done.stdout.startswith("cn-bj-residential: ")


def test_price_csv_carries_the_bills_warnings(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    readings = tmp_path / "day.csv"
    readings.write_text(
        "start,kwh\n2025-07-01T00:00,1.5\n2025-07-01T01:00,2\n2025-07-01T02:00,0.5\n"
        "2025-07-01T03:00,1\n",
        encoding="utf-8",
    )
    code, out, err = run(
        capsys, "price", str(readings), "--tariff", "cn-sh-residential", "--format", "csv"
    )
    assert (code, err) == (0, "")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert [(row["kind"], row["label"], row["amount"]) for row in rows] == [
        ("energy", "Energy, tier 1 (0 to 3120 kWh per year)", "3.09"),  # 5 kWh at 0.617
        ("total", "Bill total", "3.09"),
        ("warning", "partial period: 2025-07-01 to 2025-07-02 (1 of 31 days)", ""),
        (
            "warning",
            "readings do not cover the period: none from 2025-07-01T04:00 to "
            "2025-07-02T00:00 (20 intervals not billed)",
            "",
        ),
    ]


def test_wall_clock_reads_starts_without_an_offset_on_its_own_clock(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Starts without an offset are times of the --wall-clock zone, kept in the tariff's.

    1.5 kWh at 00:00 and 2 kWh at 01:00 on 2025-01-01 in Los Angeles, moved to the same
    wall times in Asia/Shanghai: both in the first two hours of 2025-01-01 there, tier 1
    at 0.617, 3.5 × 0.617 = 2.1595, 2.16. (Read in Shanghai first, they fell at 08:00
    and 09:00 on 2024-12-31.)
    """
    path = tmp_path / "pacific.csv"
    path.write_text("start,kwh\n2025-01-01T00:00,1.5\n2025-01-01T01:00,2\n", encoding="utf-8")
    code, out, err = run(
        capsys, "price", path, "--tariff", "cn-sh-residential", "--wall-clock",
        "America/Los_Angeles", "--format", "json",
    )  # fmt: skip
    assert (code, err) == (0, "")
    (bill,) = json.loads(out)["bills"]
    # The bill is of the day the readings cover (as in docs/readings-format.md).
    assert bill["period"] == {"start": "2025-01-01", "end": "2025-01-02"}
    assert bill["total"] == "2.16"
    assert any("none from 2025-01-01T02:00 to 2025-01-02T00:00" in w for w in bill["warnings"])
