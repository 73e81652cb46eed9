"""Golden bills of sub-meters (套扣) and of the split of a mixed-use meter (定比 / 定量).

The rule of a split, 供电营业规则 (电力工业部令第8号, 1996) 第七十条: where meters cannot be
installed per price class, one total meter is read and the kWh of each class are worked
out by a ratio or a fixed quantity (比例或定量), each priced at its class's price.

The example (examples/submeter/): a factory at 10 kV, main meter M-10KV with multiplier
100, June 2025 (30 days), hourly register readings of 2.0 kWh in 08:00-20:00 (peak) and
1.0 kWh otherwise (valley); the canteen's sub-meter (multiplier 1) reads 15.0 kWh in each
hour 10:00-13:00 (peak) and 0 otherwise.

- main meter: peak 30 × 12 × 2.0 × 100 = 72000 kWh, valley 30 × 12 × 1.0 × 100 = 36000;
  108000 kWh in all (1080.000 read × 100).
- canteen: 30 × 3 × 15.0 = 1350 kWh, all peak; less it: peak 70650, valley 36000.
- 定比 15 % of that: peak 70650 × 0.15 = 10597.5, valley 36000 × 0.15 = 5400; 15997.5.
- main bill: peak 70650 − 10597.5 = 60052.5 × 0.80 = 48042.00; valley 30600 × 0.30 =
  9180.00; basic charge 630 kVA × 25.50 = 16065.00; total 73287.00.
- canteen bill: 1350 × 0.65 = 877.50. Split bill: 15997.5 × 0.65 = 10398.375 → 10398.38.
- 60052.5 + 30600 + 1350 + 15997.5 = 108000: every kWh billed once.
"""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest

from tariffs.engine.pricing import price
from tariffs.engine.submeters import price_submetered
from tariffs.errors import AccountError, ReadingsError, UnsupportedFeatureError
from tariffs.io.tables import load_account, load_tariff, parse_tariff
from tariffs.model.account import Account
from tariffs.model.readings import Readings

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "submeter"
ARGS = [
    str(EXAMPLE / "factory-main.csv"),
    "--tariff",
    str(EXAMPLE / "example-factory-10kv.yaml"),
    "--account",
    str(EXAMPLE / "factory-account.yaml"),
]


def tariffs(*argv: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603 - the interpreter running the tests
        [sys.executable, "-m", "tariffs", *argv], capture_output=True, text=True, check=False
    )


def test_factory_with_a_canteen_and_a_ratio_split() -> None:
    done = tariffs("price", *ARGS, "--format", "json")
    assert (done.returncode, done.stderr) == (0, "")
    main, canteen, offices = json.loads(done.stdout)["bills"]
    assert [(line["code"], line["quantity"], line["amount"]) for line in main["lines"]] == [
        ("energy.peak", "60052.500", "48042.00"),
        ("energy.valley", "30600.000", "9180.00"),
        ("basic.capacity", "630", "16065.00"),
    ]
    assert main["total"] == "73287.00"
    assert main["metered"] == {
        "meter": "M-10KV",
        "register_kwh": "1080.000",
        "multiplier": "100",
        "energy_kwh": "108000.000",
    }
    assert main["subtracted"] == [
        {"kind": "sub_meter", "meter": "CANTEEN", "tariff": "example-commercial",
         "energy_kwh": "1350.000"},
        {"kind": "ratio", "meter": "M-10KV", "tariff": "example-commercial",
         "energy_kwh": "15997.500", "ratio": "0.15"},
    ]  # fmt: skip
    assert (canteen["tariff"], canteen["total"], canteen["energy_kwh"]) == (
        "example-commercial", "877.50", "1350.000",
    )  # fmt: skip
    assert canteen["metered"]["meter"] == "CANTEEN"
    assert canteen["part_of"]["kind"] == "sub_meter"
    assert (offices["total"], offices["energy_kwh"], offices["part_of"]["ratio"]) == (
        "10398.38", "15997.500", "0.15",
    )  # fmt: skip
    assert "metered" not in offices
    assert json.loads(done.stdout)["total"] == "84562.88"  # 73287.00 + 877.50 + 10398.38
    parts = sum(Decimal(bill["energy_kwh"]) for bill in (main, canteen, offices))
    assert parts == Decimal(main["metered"]["energy_kwh"]) == Decimal(108000)


def test_the_table_shows_what_was_subtracted() -> None:
    done = tariffs("price", *ARGS)
    assert done.returncode == 0, done.stderr
    assert "meter M-10KV read 1080.000 kWh × 100 = 108000.000 kWh" in done.stdout
    assert "less sub-meter CANTEEN (套扣): 1350.000 kWh billed under example-commercial" in (
        done.stdout
    )
    assert "less 定比 15 %: 15997.500 kWh billed under example-commercial" in done.stdout


def _hourly(source: str, day: dt.date, days: int, values: list[str]) -> Readings:
    """Hourly readings from local midnight of ``day`` (Asia/Shanghai, UTC+8)."""
    first = int(dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC).timestamp()) - 8 * 3600
    kwh = [int(Decimal(values[h % len(values)]) * 1000) for h in range(24 * days)]
    return Readings(source, 3600, [first + 3600 * h for h in range(24 * days)], 3, kwh)


def test_a_fixed_quantity_split_prorated_over_a_partial_month() -> None:
    # 定量 2,000 kWh a month at the commercial price; readings 1-10 June (10 of 30 days),
    # 10 kWh every hour: 2400 kWh. Actual days: 2000 × 10/30 = 666.666… → 666.667 kWh
    # (half-up, to the readings' 0.001 kWh); it is shared by the hours' kWh (all equal:
    # 240 hours, 2.777… each, the odd units to the earliest), the main meter keeps
    # 2400 − 666.667 = 1733.333 kWh.
    main_tariff = load_tariff(EXAMPLE / "example-factory-10kv.yaml")
    commercial = load_tariff(EXAMPLE / "example-commercial.yaml")
    account = Account.model_validate(
        {"account_id": "F-1", "capacity_kva": 100, "basic_charge_method": "capacity",
         "split": {"kwh_per_month": 2000, "tariff": "c"}}
    )  # fmt: skip
    readings = _hourly("m.csv", dt.date(2025, 6, 1), 10, ["10"])
    main, part = price_submetered(main_tariff, readings, account, {}, {"c": commercial})
    assert part.energy_kwh == Decimal("666.667")
    assert part.lines[0].amount == Decimal("433.33")  # 666.667 × 0.65 = 433.33355
    assert main.energy_kwh == Decimal("1733.333")
    assert main.subtracted[0].kind == "fixed"
    # Shared by the hours: 666667 units / 240 = 2777 each (666480), the 187 units left go
    # to the earliest hours: days 1-7 (168) and hours 00-18 of day 8. Peak hours
    # (08-20) among them: 7 × 12 + 11 = 95. Peak share 120 × 2.777 + 0.095 = 333.335;
    # the main bill's peak 1200 − 333.335 = 866.665, valley 1200 − 333.332 = 866.668.
    quantities = {line.code: line.quantity for line in main.lines}
    assert quantities["energy.peak"] == Decimal("866.665")
    assert quantities["energy.valley"] == Decimal("866.668")
    assert main.energy_kwh + part.energy_kwh == Decimal(2400)


def test_a_fixed_quantity_above_what_remains_is_refused() -> None:
    account = Account.model_validate(
        {"account_id": "F-1", "split": {"kwh_per_month": 3000, "tariff": "c"}}
    )
    commercial = load_tariff(EXAMPLE / "example-commercial.yaml")
    readings = _hourly("m.csv", dt.date(2025, 6, 1), 30, ["1"])  # 720 kWh
    with pytest.raises(ReadingsError, match=r"2025-06-01 to 2025-07-01: .*3000.000 kWh"):
        price_submetered(commercial, readings, account, {}, {"c": commercial})


def test_a_sub_meter_above_the_main_meter_is_refused_with_the_interval(tmp_path: Path) -> None:
    lines = (EXAMPLE / "canteen.csv").read_text().splitlines()
    # 2025-06-03T11:00: the canteen reads 300.0 kWh; the main meter 2.0 × 100 = 200.
    at = lines.index("2025-06-03T11:00,15.0")
    lines[at] = "2025-06-03T11:00,300.0"
    (tmp_path / "canteen.csv").write_text("\n".join(lines) + "\n")
    account = (EXAMPLE / "factory-account.yaml").read_text()
    for name in ("example-commercial.yaml",):
        (tmp_path / name).write_text((EXAMPLE / name).read_text())
    (tmp_path / "account.yaml").write_text(account)
    done = tariffs(
        "price", ARGS[0], "--tariff", ARGS[2], "--account", str(tmp_path / "account.yaml")
    )
    assert (done.returncode, done.stdout) == (1, "")
    assert "canteen.csv: interval 2025-06-03T11:00: sub-meter CANTEEN reads 300.000 kWh" in (
        done.stderr
    )
    assert "more than the 200.000 kWh the main meter" in done.stderr


def test_price_refuses_an_account_with_sub_meters() -> None:
    account = load_account(EXAMPLE / "factory-account.yaml")
    commercial = load_tariff(EXAMPLE / "example-commercial.yaml")
    readings = _hourly("m.csv", dt.date(2025, 6, 1), 1, ["1"])
    with pytest.raises(AccountError, match=r"factory-account\.yaml: .*price_submetered"):
        price(commercial, readings, account)


def test_a_main_tariff_with_a_demand_charge_is_refused() -> None:
    tariff = parse_tariff(
        """
id: demand
name: Demand
currency: CNY
timezone: Asia/Shanghai
reference: test
versions:
  "2025-01-01":
    charges:
      - kind: energy
        price_per_kwh: "0.5"
      - kind: demand
        price_per_kw: "30"
"""
    )
    account = Account.model_validate(
        {"account_id": "F", "sub_meters": [{"id": "S", "tariff": "demand"}]}
    )
    readings = _hourly("m.csv", dt.date(2025, 6, 1), 1, ["1"])
    with pytest.raises(UnsupportedFeatureError, match="demand charge under sub-meters"):
        price_submetered(tariff, readings, account, {"S": readings}, {"demand": tariff})


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"split": {"ratio": "0.1", "kwh_per_month": 5, "tariff": "t"}}, "exactly one"),
        ({"split": {"ratio": "1.5", "tariff": "t"}}, "fraction from 0 to 1"),
        ({"sub_meters": [{"id": "S", "tariff": "t"}, {"id": "S", "tariff": "t"}]},
         r"declared twice \(first at sub_meters\[0\]\)"),
        ({"sub_meters": [{"id": "S", "tariff": "t"}],
          "meter_changes": [{"from": "2025-01-02", "meter_multiplier": 2}]},
         "meter_changes together with sub_meters"),
    ],
)  # fmt: skip
def test_account_refusals(data: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        Account.model_validate({"account_id": "F", **data})


def test_power_factor_with_a_sub_meter_without_kvarh_is_refused() -> None:
    tariff = parse_tariff(
        """
id: pf
name: Power factor
currency: CNY
timezone: Asia/Shanghai
reference: test
versions:
  "2025-01-01":
    charges:
      - kind: energy
        price_per_kwh: "0.5"
      - kind: power_factor
        table: "1983-0.90"
        applies_to: [energy]
"""
    )
    account = Account.model_validate(
        {"account_id": "F", "sub_meters": [{"id": "S", "tariff": "pf"}]}
    )
    readings = _hourly("m.csv", dt.date(2025, 6, 1), 1, ["1"])
    with pytest.raises(UnsupportedFeatureError, match="sub-meter S, whose readings .* no kvarh"):
        price_submetered(tariff, readings, account, {"S": readings}, {"pf": tariff})


def test_a_main_meter_with_a_gap_is_estimated_when_asked(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # The example's main meter reads 2.0 at 09:00 every day of June; without
    # 2025-06-10T09:00 it is refused, and with --estimate same-day-last-week the hour
    # takes 2.0 from 2025-06-03T09:00: the bills are the example's, the main one saying so.
    import shutil

    from tariffs.cli import main

    example = Path(__file__).resolve().parents[1] / "examples" / "submeter"
    copy = tmp_path / "submeter"
    shutil.copytree(example, copy)
    main_csv = copy / "factory-main.csv"
    rows = main_csv.read_text(encoding="utf-8").splitlines()
    assert "2025-06-10T09:00,2.0" in rows and "2025-06-03T09:00,2.0" in rows
    main_csv.write_text(
        "\n".join(row for row in rows if row != "2025-06-10T09:00,2.0") + "\n", encoding="utf-8"
    )
    argv = ["price", str(main_csv), "--tariff", str(copy / "example-factory-10kv.yaml"),
            "--account", str(copy / "factory-account.yaml"), "--format", "json"]  # fmt: skip
    assert main(argv) == 1
    assert "2025-06-10T09:00" in capsys.readouterr().err
    assert main([*argv, "--estimate", "same-day-last-week"]) == 0
    bills = json.loads(capsys.readouterr().out)["bills"]
    assert [bill["total"] for bill in bills] == ["73287.00", "877.50", "10398.38"]
    assert bills[0]["estimated_intervals"] == 1
