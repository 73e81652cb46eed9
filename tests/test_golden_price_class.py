"""Golden bills of a sub-meter and a split billed under another price class of one table.

The table (examples/price-class/example-10kv-classes.yaml) prices two price classes
(用电分类): ``large_industry`` (大工业用电: peak 0.8000, valley 0.3000, basic charge
25.50 a kVA) and ``commercial`` (一般工商业用电: 0.6500 a kWh); the renewable energy
surcharge (0.0190 a kWh) has no class and prices both. The factory's main meter is on
the first class, its canteen sub-meter and 15 % of the rest (定比) on ``commercial``.

June 2025 (30 days), the readings of examples/submeter/: main meter 2.0 kWh an hour
08:00-20:00 (peak) and 1.0 otherwise, × 100; canteen 15.0 kWh an hour 10:00-13:00.

- main meter: peak 30 × 12 × 2.0 × 100 = 72000, valley 36000; 108000 kWh.
- canteen: 30 × 3 × 15.0 = 1350 kWh (peak); left: peak 70650, valley 36000.
- 定比 15 %: peak 10597.5, valley 5400; 15997.5 kWh.
- main bill (large_industry): peak 60052.5 × 0.80 = 48042.00; valley 30600 × 0.30 =
  9180.00; basic 630 × 25.50 = 16065.00; surcharge 90652.5 × 0.0190 = 1722.3975 →
  1722.40; total 75009.40.
- canteen (commercial): 1350 × 0.65 = 877.50; surcharge 1350 × 0.0190 = 25.65; 903.15.
- offices (commercial): 15997.5 × 0.65 = 10398.375 → 10398.38; surcharge 15997.5 ×
  0.0190 = 303.9525 → 303.95; 10702.33.
- all three: 75009.40 + 903.15 + 10702.33 = 86614.88 CNY.
"""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tariffs.engine.pricing import price
from tariffs.engine.submeters import price_submetered
from tariffs.errors import AccountError, TariffFileError
from tariffs.io.tables import load_tariff, parse_tariff
from tariffs.model.account import Account
from tariffs.model.readings import Readings

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "price-class"
TABLE = EXAMPLE / "example-10kv-classes.yaml"
ARGS = [
    str(ROOT / "examples" / "submeter" / "factory-main.csv"),
    "--tariff",
    str(TABLE),
    "--account",
    str(EXAMPLE / "account.yaml"),
]


def tariffs(*argv: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603 - the interpreter running the tests
        [sys.executable, "-m", "tariffs", *argv], capture_output=True, text=True, check=False
    )


def amounts(bill: dict[str, object]) -> dict[str, str]:
    lines = bill["lines"]
    assert isinstance(lines, list)
    return {line["code"]: line["amount"] for line in lines}


def test_a_sub_meter_and_a_split_on_the_commercial_class_of_the_same_table() -> None:
    done = tariffs("price", *ARGS, "--format", "json")
    assert (done.returncode, done.stderr) == (0, "")
    document = json.loads(done.stdout)
    main, canteen, offices = document["bills"]
    assert [bill["tariff"] for bill in (main, canteen, offices)] == ["example-10kv-classes"] * 3
    assert [bill["price_class"] for bill in (main, canteen, offices)] == [
        "large_industry", "commercial", "commercial",
    ]  # fmt: skip
    assert amounts(main) == {
        "energy.peak": "48042.00",  # 60052.5 × 0.80
        "energy.valley": "9180.00",  # 30600 × 0.30
        "basic.capacity": "16065.00",  # 630 × 25.50
        "fund.renewable": "1722.40",  # 90652.5 × 0.0190 = 1722.3975
    }
    assert main["total"] == "75009.40"
    assert amounts(canteen) == {"energy": "877.50", "fund.renewable": "25.65"}
    assert canteen["total"] == "903.15"
    assert amounts(offices) == {"energy": "10398.38", "fund.renewable": "303.95"}
    assert offices["total"] == "10702.33"
    assert document["total"] == "86614.88"
    assert main["subtracted"] == [
        {"kind": "sub_meter", "meter": "CANTEEN", "tariff": "example-10kv-classes",
         "energy_kwh": "1350.000", "price_class": "commercial"},
        {"kind": "ratio", "meter": "M-10KV", "tariff": "example-10kv-classes",
         "energy_kwh": "15997.500", "ratio": "0.15", "price_class": "commercial"},
    ]  # fmt: skip
    # 90652.5 + 1350 + 15997.5 = 108000: every kWh billed once.
    assert main["metered"]["energy_kwh"] == "108000.000"


def test_the_table_names_the_price_class_of_each_bill() -> None:
    done = tariffs("price", *ARGS)
    assert done.returncode == 0, done.stderr
    titles = [line for line in done.stdout.splitlines() if "(end exclusive)" in line]
    assert titles == [
        "example-10kv-classes (large_industry)  2025-06-01 to 2025-07-01 (end exclusive)"
        "  account F-032",
        "example-10kv-classes (commercial)  2025-06-01 to 2025-07-01 (end exclusive)"
        "  account F-032",
    ] + ["example-10kv-classes (commercial)  2025-06-01 to 2025-07-01 (end exclusive)"
         "  account F-032"]  # fmt: skip
    assert (
        "less sub-meter CANTEEN (套扣): 1350.000 kWh billed under example-10kv-classes "
        "(commercial)" in done.stdout
    )


def _hourly(day: dt.date, values: list[int]) -> Readings:
    """Hourly readings [0.001 kWh] from local midnight of ``day`` (Asia/Shanghai)."""
    first = int(dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC).timestamp()) - 8 * 3600
    return Readings("r.csv", 3600, [first + 3600 * h for h in range(len(values))], 3, values)


def test_a_table_priced_without_parts_bills_its_first_class() -> None:
    # 24 hours of 1.000 kWh on 2 June: peak 12 × 1 = 12 kWh × 0.80 = 9.60, valley 12 ×
    # 0.30 = 3.60; surcharge 24 × 0.0190 = 0.456 → 0.46; basic 630 × 25.50 × 1/30 (one
    # day of June) = 535.50. No commercial line.
    table = load_tariff(TABLE)
    account = Account.model_validate(
        {"account_id": "F", "capacity_kva": 630, "basic_charge_method": "capacity"}
    )
    (bill,) = price(table, _hourly(dt.date(2025, 6, 2), [1000] * 24), account)
    assert bill.price_class == "large_industry"
    assert {line.code: line.amount for line in bill.lines} == {
        "energy.peak": Decimal("9.60"),
        "energy.valley": Decimal("3.60"),
        "basic.capacity": Decimal("535.50"),
        "fund.renewable": Decimal("0.46"),
    }


def test_a_table_without_price_classes_bills_as_before() -> None:
    table = load_tariff(ROOT / "examples" / "submeter" / "example-commercial.yaml")
    assert table.for_price_class() is table
    (bill,) = price(table, _hourly(dt.date(2025, 6, 2), [1000] * 24))
    assert bill.price_class is None  # and the JSON has no price_class key
    assert [line.amount for line in bill.lines] == [Decimal("15.60")]  # 24 × 0.65


HEAD = (
    "id: t\nname: t\ncurrency: CNY\ntimezone: Asia/Shanghai\nreference: r\n{classes}"
    'versions:\n  "2025-01-01":\n    charges:\n'
    '      - {{kind: energy, price_per_kwh: "0.5"}}\n'
    '      - {{kind: energy, price_per_kwh: "0.6", price_class: {name}}}\n'
)


def test_a_charge_of_a_class_the_table_does_not_declare_is_refused_at_its_line() -> None:
    refusal = (
        r"t\.yaml:11:59: versions\.2025-01-01\.charges\[1\]\.price_class: price_class 'shop' "
        r"is not a price class of the table \(the table's price_classes are home, work\)"
    )
    with pytest.raises(TariffFileError, match=refusal):
        parse_tariff(HEAD.format(classes="price_classes: [home, work]\n", name="shop"), "t.yaml")
    with pytest.raises(TariffFileError, match=r"the table declares no price_classes"):
        parse_tariff(HEAD.format(classes="", name="shop"), "t.yaml")
    with pytest.raises(TariffFileError, match=r"price class 'home' is listed twice"):
        parse_tariff(HEAD.format(classes="price_classes: [home, home]\n", name="home"), "t.yaml")


def test_a_part_naming_a_class_the_tariff_lacks_is_refused() -> None:
    table = load_tariff(TABLE)
    account = Account.model_validate(
        {"account_id": "F", "capacity_kva": 630, "basic_charge_method": "capacity",
         "split": {"ratio": "0.5", "tariff": "example-10kv-classes", "price_class": "shop"}}
    )  # fmt: skip
    with pytest.raises(AccountError, match=r"split\.price_class: tariff example-10kv-classes "
                       r"has no price class 'shop' \(its price_classes are large_industry, "
                       r"commercial\)"):  # fmt: skip
        price_submetered(table, _hourly(dt.date(2025, 6, 2), [1000] * 24), account, {}, {})


CLASSES = parse_tariff(
    "id: two\nname: two\ncurrency: CNY\ntimezone: Asia/Shanghai\nreference: r\n"
    "price_classes: [home, shop]\n"
    'versions:\n  "2025-01-01":\n'
    '    periods:\n      - windows: {peak: ["08:00-20:00"], valley: ["20:00-08:00"]}\n'
    "    charges:\n"
    '      - {kind: energy, price_class: home, prices: {peak: "0.61", valley: "0.37"}}\n'
    '      - {kind: energy, price_class: shop, price_per_kwh: "0.83"}\n'
    '      - {kind: surcharge, code: fund, price_per_kwh: "0.019"}\n'
    '      - {kind: fixed, price_class: shop, amount: "12.5", per: bill}\n',
    "two.yaml",
)


@given(
    main=st.lists(st.integers(0, 9_000), min_size=24, max_size=24),
    shares=st.lists(st.integers(0, 100), min_size=24, max_size=24),
    ratio=st.sampled_from(["0", "0.15", "0.333", "1"]),
    sub_class=st.sampled_from([None, "home", "shop"]),
)
def test_kwh_are_conserved_and_each_part_is_priced_by_its_class_alone(
    main: list[int], shares: list[int], ratio: str, sub_class: str | None
) -> None:
    """Main + parts = what the main meter read, exactly; each part's bill equals its
    readings priced under a table of its class's charges and the shared ones only."""
    sub = [value * share // 100 for value, share in zip(main, shares, strict=True)]
    day = dt.date(2025, 6, 2)
    account = Account.model_validate(
        {"account_id": "F",
         "sub_meters": [{"id": "S", "tariff": "two", "price_class": sub_class}],
         "split": {"ratio": ratio, "tariff": "two", "price_class": "shop"}}
    )  # fmt: skip
    bills = price_submetered(CLASSES, _hourly(day, main), account, {"S": _hourly(day, sub)}, {})
    first, sub_bill, split_bill = bills
    assert [b.price_class for b in bills] == ["home", sub_class or "home", "shop"]
    read = Decimal(sum(main)) / 1000
    assert first.energy_kwh + sub_bill.energy_kwh + split_bill.energy_kwh == read
    assert first.energy_kwh + sum(s.energy_kwh for s in first.subtracted) == read
    for bill, name in ((sub_bill, sub_class or "home"), (split_bill, "shop")):
        kinds = [line.kind for line in bill.lines]
        assert ("fixed" in kinds) == (name == "shop")  # the shop's fixed charge, its alone
        periods = [line for line in bill.lines if line.code in ("energy.peak", "energy.valley")]
        assert not periods or name == "home"
    # The sub-meter's bill is its own readings priced under its class.
    (alone,) = price(CLASSES.for_price_class(sub_class), _hourly(day, sub))
    assert sub_bill.lines == alone.lines
