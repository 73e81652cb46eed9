"""The basic charge by contract demand on each side of the 105 % allowance (两部制).

The rule as published (State Grid 国家电网财〔2016〕633号, repeated by NDRC
发改办价格〔2016〕1583号): "用户实际最大需量超过合同确定值105%时,超过105%部分的基本电费加一倍
收取;未超过合同确定值105%的,按合同确定值收取". Up to 105 % of the contract demand the
contract demand is billed; above it, the part beyond 105 % is billed at twice the price
and, by the textbook reading (the table's default, ``billed_up_to: allowance``), the
105 % itself at the price.

Every case below: contract 1,000 kW, price 1.00 CNY per kW-month, a June of 15-minute
readings that are zero except one quarter hour whose kWh set the maximum demand
(kWh × 4 = kW). Expected amounts are worked out in the comments.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from tables import table_yaml
from tariffs import Account, Readings, parse_tariff, price

JUNE_START = 1748707200  # 2025-06-01T00:00+08:00 as UTC epoch seconds
QUARTERS = 30 * 96


def basic_table(billed_up_to: str | None) -> str:
    """A version with one basic charge by contract demand at 1.00 CNY/kW, 105 % at 2×."""
    up_to = "" if billed_up_to is None else f", billed_up_to: {billed_up_to}"
    body = (
        "    charges:\n"
        "      - kind: basic\n"
        "        code: basic\n"
        "        label: Basic charge\n"
        '        demand_price_per_kw: "1.00"\n'
        f'        overrun: {{above_percent: "105", price_multiplier: "2"{up_to}}}\n'
    )
    return table_yaml("t-contract-demand", body)


def june_with_demand(demand_kw: int) -> Readings:
    """June 2025 in quarters, all zero but one quarter of ``demand_kw`` / 4 kWh."""
    kwh = [0] * QUARTERS
    kwh[100] = demand_kw * 1000 // 4  # scale 3: demand_kw / 4 kWh
    return Readings(
        source="june.csv",
        interval_seconds=900,
        starts=list(range(JUNE_START, JUNE_START + QUARTERS * 900, 900)),
        scale=3,
        kwh=kwh,
    )


def basic_lines(demand_kw: int, billed_up_to: str | None) -> dict[str, tuple[Decimal, Decimal]]:
    tariff = parse_tariff(basic_table(billed_up_to), source="t.yaml")
    account = Account(
        account_id="F-1", contract_demand_kw=Decimal(1000), basic_charge_method="contract_demand"
    )
    (bill,) = price(tariff, june_with_demand(demand_kw), account)
    lines = {}
    for line in bill.lines:
        if line.code.startswith("basic"):
            assert line.quantity is not None
            lines[line.code] = (line.quantity, line.amount)
    return lines


@pytest.mark.parametrize(
    ("demand_kw", "expected"),
    [
        # Below the contract: the contract demand is billed, 1000 × 1.00 = 1000.00.
        (800, {"basic.demand": ("1000", "1000.00")}),
        # Between 100 % and 105 %: still the contract demand, 1000 × 1.00 = 1000.00.
        (1040, {"basic.demand": ("1000", "1000.00")}),
        # Exactly 105 % (1050 kW): not above it, so no overrun; 1000.00.
        (1050, {"basic.demand": ("1000", "1000.00")}),
        # Just above: 1050 × 1.00 = 1050.00 and (1052 − 1050) × 2.00 = 4.00.
        (1052, {"basic.demand": ("1050", "1050.00"), "basic.overrun": ("2", "4.00")}),
        # The textbook case: 1050 × 1.00 + (1300 − 1050) × 2.00 = 1050 + 500 = 1550.00.
        (1300, {"basic.demand": ("1050", "1050.00"), "basic.overrun": ("250", "500.00")}),
    ],
)
@pytest.mark.parametrize("billed_up_to", [None, "allowance"])
def test_textbook_reading_is_the_default(
    demand_kw: int, expected: dict[str, tuple[str, str]], billed_up_to: str | None
) -> None:
    lines = basic_lines(demand_kw, billed_up_to)
    assert {code: (q.normalize(), a) for code, (q, a) in lines.items()} == {
        code: (Decimal(q), Decimal(a)) for code, (q, a) in expected.items()
    }


def test_contract_reading_bills_the_contract_demand_below_the_excess() -> None:
    # 1000 × 1.00 + (1300 − 1050) × 2.00 = 1000 + 500 = 1500.00: the 50 kW between
    # 100 % and 105 % are not billed under this reading.
    lines = basic_lines(1300, "contract")
    assert lines["basic.demand"][1] == Decimal("1000.00")
    assert lines["basic.overrun"][1] == Decimal("500.00")
    assert sum(amount for _, amount in lines.values()) == Decimal("1500.00")
