"""Tests of cost segments and months (`tariffs.whatif.months`).

The law: every line of a bill is in exactly one segment, so a bill's segments add up to
its total, under every shipped tariff table; a tiered energy charge is one segment per
time-of-use period, whatever its tiers.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest

from tariffs import load_tariff, price
from tariffs.cli.options import read_readings
from tariffs.model.account import Account
from tariffs.model.bill import Bill, Line
from tariffs.whatif.months import bill_segments, months_of_bills, segment_names, sum_months

ROOT = Path(__file__).resolve().parents[2]
TABLES = sorted((ROOT / "tariff_tables").rglob("*.yaml"))


def bill(start: dt.date, *lines: tuple[str, str, str]) -> Bill:
    return Bill(
        account=None, tariff="t", currency="CNY", period_start=start,
        period_end=start + dt.timedelta(days=30), energy_kwh=Decimal(0),
        lines=tuple(Line(kind, code, code, None, None, None, Decimal(amount))
                    for kind, code, amount in lines),
    )  # fmt: skip


@pytest.mark.parametrize("path", TABLES, ids=lambda path: path.stem)
def test_the_segments_of_every_shipped_table_add_up_to_the_bill(path: Path) -> None:
    tariff = load_tariff(path)
    readings = read_readings(str(ROOT / "examples" / "readings.csv"), tariff.timezone)
    account = Account(
        account_id="A-1",
        capacity_kva=Decimal(1000),
        contract_demand_kw=Decimal(800),
        basic_charge_method="capacity",
    )
    bills = price(tariff, readings, account)
    assert bills
    for priced in bills:
        segments = bill_segments(priced)
        assert sum(segments.values(), Decimal(0)) == priced.total
        assert set(segments) == set(segment_names([priced]))
        assert not any("tier" in name for name in segments)


def test_tiers_join_their_period_and_other_kinds_are_one_segment_each() -> None:
    july = bill(
        dt.date(2025, 7, 1),
        ("energy", "energy.peak.tier1", "60.00"), ("energy", "energy.valley.tier1", "10.00"),
        ("energy", "energy.peak.tier2", "30.00"), ("fixed", "fixed.meter", "5.00"),
        ("fixed", "fixed.service", "2.50"), ("tax", "tax.vat", "10.00"),
    )  # fmt: skip
    # peak: 60.00 + 30.00 = 90.00; fixed: 5.00 + 2.50 = 7.50; in all 117.50.
    assert july.total == Decimal("117.50")
    assert bill_segments(july) == {
        "energy.peak": Decimal("90.00"), "energy.valley": Decimal("10.00"),
        "fixed": Decimal("7.50"), "tax": Decimal("10.00"),
    }  # fmt: skip
    demand = bill(dt.date(2025, 8, 1), ("demand", "demand.max", "1"), ("energy", "energy", "0"))
    # Energy segments first (as met), then kinds in the report order of line kinds.
    assert segment_names([july, demand]) == [
        "energy.peak", "energy.valley", "energy", "fixed", "demand", "tax",
    ]  # fmt: skip


def test_months_are_the_months_bills_start_in() -> None:
    bills = [
        bill(dt.date(2025, 7, 15), ("energy", "energy", "40.00")),
        bill(dt.date(2025, 7, 1), ("energy", "energy", "10.00")),
        bill(dt.date(2025, 8, 14), ("energy", "energy", "5.00")),
    ]
    # 15 July and 1 July are both July: 40.00 + 10.00.
    assert months_of_bills(bills) == {
        dt.date(2025, 7, 1): Decimal("50.00"), dt.date(2025, 8, 1): Decimal("5.00"),
    }  # fmt: skip
    july, august = dt.date(2025, 7, 1), dt.date(2025, 8, 1)
    found = sum_months(
        [
            [(july, Decimal("1.00"), Decimal("2.00"))],
            [(august, Decimal("3.00"), Decimal("4.00")), (july, Decimal("0.50"), Decimal("0.25"))],
        ]
    )
    # July: 1.00 + 0.50 and 2.00 + 0.25.
    assert found == [
        (july, Decimal("1.50"), Decimal("2.25")),
        (august, Decimal("3.00"), Decimal("4.00")),
    ]
