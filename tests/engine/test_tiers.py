"""Tier conventions: bound units, proration, allowances, the ladder across bills, and the
laws every tier method obeys. Expected amounts are worked out by hand beside each value.
"""

from __future__ import annotations

import datetime as dt
import textwrap
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st
from test_pricing import hourly

from tariffs import Bill, parse_tariff, price
from tariffs.engine.charges.energy import tier_split
from tariffs.model.account import Account


def tariff(body: str) -> object:
    head = "id: t\nname: Test\ncurrency: CNY\ntimezone: Asia/Shanghai\nreference: test\n"
    return parse_tariff(head + textwrap.dedent(body), "t.yaml")


def amounts(bill: Bill) -> dict[str, tuple[Decimal | None, Decimal]]:
    return {line.code: (line.quantity, line.amount) for line in bill.lines}


def test_daily_bounds_scale_with_days_of_service() -> None:
    body = """\
    versions:
      "2025-01-01":
        charges:
          - kind: energy
            tiers: {bounds_kwh: ["10"], bound_unit: kwh_per_day}
            price_per_kwh: ["0.5", "1"]
    """
    # June 2025, 30 days of 24 kWh = 720 kWh; bound 10 kWh/day × 30 = 300.
    (bill,) = price(tariff(body), hourly(dt.date(2025, 6, 1), 30))
    assert amounts(bill) == {
        "energy.tier1": (Decimal(300), Decimal("150.00")),
        "energy.tier2": (Decimal(420), Decimal("420.00")),
    }


def test_hours_use_bounds_scale_with_maximum_demand() -> None:
    body = """\
    versions:
      "2025-01-01":
        charges:
          - kind: energy
            tiers: {bounds_kwh: ["200"], bound_unit: kwh_per_kw}
            price_per_kwh: ["0.1", "0.05"]
    """
    # 15-minute data, 1 kWh each (4 kW) except one 2 kWh interval (8 kW max demand).
    readings = hourly(dt.date(2025, 6, 1), 30, step_minutes=15)
    readings.kwh[5] = 2000
    (bill,) = price(tariff(body), readings)
    # 2881 kWh; bound 200 kWh/kW × 8 kW = 1600 kWh.
    assert amounts(bill) == {
        "energy.tier1": (Decimal(1600), Decimal("160.00")),
        "energy.tier2": (Decimal(1281), Decimal("64.05")),
    }


MONTHLY_PRORATED = """\
versions:
  "2025-01-01":
    charges:
      - kind: energy
        tiers: {bounds_kwh: ["240", "400"], proration: days}
        price_per_kwh: ["0.4883", "0.5383", "0.7883"]
"""


def test_monthly_bounds_prorated_by_days_of_service() -> None:
    account = Account(account_id="A", service_start=dt.date(2025, 7, 15))
    (bill,) = price(tariff(MONTHLY_PRORATED), hourly(dt.date(2025, 7, 1), 31), account)
    # 17 of 31 days: bounds 240 × 17/31 = 131.6 → 132 and 400 × 17/31 = 219.35 → 219
    # (rounded half-up to whole kWh); 17 × 24 = 408 kWh = 132 + 87 + 189.
    assert amounts(bill) == {
        "energy.tier1": (Decimal(132), Decimal("64.46")),  # 132 × 0.4883 = 64.4556
        "energy.tier2": (Decimal(87), Decimal("46.83")),  # 87 × 0.5383 = 46.8321
        "energy.tier3": (Decimal(189), Decimal("148.99")),  # 189 × 0.7883 = 148.9887
    }


def test_prorated_bounds_of_a_whole_period_equal_the_unprorated_ones() -> None:
    readings = hourly(dt.date(2025, 7, 1), 31)
    unprorated = MONTHLY_PRORATED.replace(", proration: days", "")
    assert price(tariff(MONTHLY_PRORATED), readings) == price(tariff(unprorated), readings)


ANNUAL = """\
versions:
  "2025-01-01":
    charges:
      - kind: energy
        tiers: {bounds_kwh: ["2760", "4800"], reset: annual, proration: PRORATION}
        price_per_kwh: ["0.538", "0.588", "0.838"]
"""


def test_annual_bounds_prorated_by_months_for_an_account_opened_mid_year() -> None:
    account = Account(account_id="A", service_start=dt.date(2025, 10, 10))
    readings = hourly(dt.date(2025, 10, 10), 83, lambda d, h: Decimal(1))
    bills = price(tariff(ANNUAL.replace("PRORATION", "months")), readings, account)
    # October to December: 3 of 12 months → bounds 690 and 1200. 83 days × 24 = 1992 kWh.
    # Oct 10–31: 528 kWh (tier 1); Nov: 720 → 162 tier 1 (to 690), 510 tier 2 (to 1200),
    # 48 tier 3; Dec (Dec 1–31): 744 kWh tier 3.
    assert [amounts(b) for b in bills] == [
        {"energy.tier1": (Decimal(528), Decimal("284.06"))},  # 528 × 0.538 = 284.064
        {
            "energy.tier1": (Decimal(162), Decimal("87.16")),  # 87.156
            "energy.tier2": (Decimal(510), Decimal("299.88")),  # 299.88
            "energy.tier3": (Decimal(48), Decimal("40.22")),  # 40.224
        },
        {"energy.tier3": (Decimal(744), Decimal("623.47"))},  # 623.472
    ]


def test_annual_bounds_prorated_by_days() -> None:
    account = Account(account_id="A", service_start=dt.date(2025, 7, 1))
    readings = hourly(dt.date(2025, 7, 1), 31, lambda d, h: Decimal(4))
    (bill,) = price(tariff(ANNUAL.replace("PRORATION", "days")), readings, account)
    # 184 of 365 days: 2760 × 184/365 = 1391.34 → 1391; 4800 × 184/365 = 2419.73 → 2420.
    # July: 31 × 96 = 2976 kWh = 1391 + 1029 + 556.
    assert amounts(bill) == {
        "energy.tier1": (Decimal(1391), Decimal("748.36")),  # 748.358
        "energy.tier2": (Decimal(1029), Decimal("605.05")),  # 605.052
        "energy.tier3": (Decimal(556), Decimal("465.93")),  # 465.928
    }


def test_year_start_month_resets_the_ladder() -> None:
    body = ANNUAL.replace("proration: PRORATION", "start_month: 7")
    readings = hourly(dt.date(2025, 6, 1), 61, lambda d, h: Decimal(4))
    june, july = price(tariff(body), readings)
    # June: 2880 kWh in the tier year from July 2024: 2760 + 120.
    assert amounts(june)["energy.tier2"][0] == Decimal(120)
    # July starts a new tier year: 2976 kWh = 2760 + 216.
    assert amounts(july)["energy.tier1"][0] == Decimal(2760)
    assert amounts(july)["energy.tier2"][0] == Decimal(216)


INCREMENT = """\
versions:
  "2025-01-01":
    periods:
      - windows: {peak: ["08:00-22:00"], valley: ["22:00-08:00"]}
    charges:
      - kind: energy
        tiers: {bounds_kwh: ["2760", "4800"], reset: annual, method: increment,
                increments_per_kwh: ["0.05", "0.30"]}
        prices: {peak: "0.568", valley: "0.288"}
"""


def _energy_exact(bills: list[Bill]) -> Decimal:
    return sum(
        (line.quantity * line.rate for b in bills for line in b.lines
         if line.quantity is not None and line.rate is not None),
        Decimal(0),
    )  # fmt: skip


@given(
    st.lists(st.integers(min_value=0, max_value=40), min_size=12, max_size=12),
    st.lists(st.integers(min_value=0, max_value=40), min_size=12, max_size=12),
)
def test_increment_ladder_month_by_month_equals_the_ladder_on_the_year(
    peak_per_hour: list[int], valley_per_hour: list[int]
) -> None:
    """Billing the year month by month gives the same exact charge as one bill for the year."""

    def kwh(day: dt.date, hour: int) -> Decimal:
        values = peak_per_hour if 8 <= hour < 22 else valley_per_hour
        return Decimal(values[day.month - 1]) / 10

    readings = hourly(dt.date(2025, 1, 1), 365, kwh)
    monthly = price(tariff(INCREMENT), readings)
    assert len(monthly) == 12
    # The ladder on the year's total: every kWh at its period's tier-1 price, plus the
    # increments on the year's kWh above each bound.
    total_kwh = sum((b.energy_kwh for b in monthly), Decimal(0))
    peak = sum((line.quantity or 0 for b in monthly for line in b.lines
                if line.code == "energy.peak"), Decimal(0))  # fmt: skip
    valley = total_kwh - peak
    tier2, tier3 = tier_split(Decimal(0), total_kwh, [Decimal(2760), Decimal(4800)])[1:]
    expected = (
        peak * Decimal("0.568") + valley * Decimal("0.288")
        + tier2 * Decimal("0.05") + tier3 * Decimal("0.30")
    )  # fmt: skip
    assert _energy_exact(monthly) == expected


@given(
    st.lists(st.integers(min_value=0, max_value=3000), min_size=24, max_size=24),
    st.sampled_from(["proportional", "chronological", "per_period"]),
)
def test_tier_quantities_sum_to_the_bill_kwh(per_hour: list[int], method: str) -> None:
    body = f"""\
    versions:
      "2025-01-01":
        periods:
          - windows: {{peak: ["08:00-22:00"], valley: ["22:00-08:00"]}}
        charges:
          - kind: energy
            tiers: {{bounds_kwh: ["100", "400"], method: {method}}}
            prices: {{peak: ["1", "2", "3"], valley: ["0.5", "1", "1.5"]}}
    """
    readings = hourly(dt.date(2025, 7, 1), 3, lambda d, h: Decimal(per_hour[h]) / 100)
    (bill,) = price(tariff(body), readings)
    assert sum((line.quantity or 0 for line in bill.lines), Decimal(0)) == bill.energy_kwh


@given(st.integers(min_value=0, max_value=23), st.integers(min_value=1, max_value=500))
def test_moving_kwh_to_a_cheaper_period_never_raises_the_bill(hour: int, moved: int) -> None:
    """Move kWh from a peak hour to a valley hour of the same day under every method."""
    for method in ("proportional", "chronological"):
        body = f"""\
        versions:
          "2025-01-01":
            periods:
              - windows: {{peak: ["08:00-22:00"], valley: ["22:00-08:00"]}}
            charges:
              - kind: energy
                tiers: {{bounds_kwh: ["30"], method: {method}}}
                prices: {{peak: ["1", "2"], valley: ["0.5", "1"]}}
        """
        base = hourly(dt.date(2025, 7, 1), 1, lambda d, h: Decimal(2))
        peak_hour = 8 + hour % 14
        valley_hour = 22 + hour % 2
        shifted = hourly(dt.date(2025, 7, 1), 1, lambda d, h: Decimal(2))
        amount = min(moved, base.kwh[peak_hour])
        shifted.kwh[peak_hour] -= amount
        shifted.kwh[valley_hour] += amount
        (before,) = price(tariff(body), base)
        (after,) = price(tariff(body), shifted)
        assert after.total <= before.total, method


@given(
    st.lists(st.integers(min_value=0, max_value=10_000), min_size=1, max_size=4),
    st.lists(st.integers(min_value=0, max_value=10_000), min_size=1, max_size=5),
)
def test_split_table_keeps_both_margins_and_rounds_each_entry_down_or_up(
    rows: list[int], weights: list[int]
) -> None:
    from fractions import Fraction
    from math import ceil, floor

    from tariffs.engine.usage import split_in_proportion, split_table

    total = sum(rows)
    columns = split_in_proportion(total, weights)
    table = split_table(rows, columns)
    assert [sum(row) for row in table] == rows
    assert [sum(row[j] for row in table) for j in range(len(columns))] == columns
    for i, row_total in enumerate(rows):
        for j, column_total in enumerate(columns):
            exact = Fraction(row_total * column_total, total) if total else Fraction(0)
            assert table[i][j] in (floor(exact), ceil(exact))


def test_proportional_split_keeps_each_periods_metered_kwh() -> None:
    body = """\
    versions:
      "2025-01-01":
        periods:
          - windows: {peak: ["06:00-22:00"], valley: ["22:00-06:00"]}
        charges:
          - kind: energy
            tiers: {bounds_kwh: ["1.001", "2.002"]}
            prices: {peak: ["1", "2", "3"], valley: ["0.5", "1", "1.5"]}
    """
    # 0.1 kWh an hour: peak 1.6, valley 0.8 (2 : 1). Tiers 1.001 / 1.001 / 0.398 kWh split
    # 2 : 1 each would round each tier on its own; the peak lines must still add up to 1.6.
    (bill,) = price(tariff(body), hourly(dt.date(2025, 7, 1), 1, lambda d, h: Decimal("0.1")))
    peak = sum((q or 0 for code, (q, _) in amounts(bill).items() if ".peak." in code), Decimal(0))
    valley = sum(
        (q or 0 for code, (q, _) in amounts(bill).items() if ".valley." in code), Decimal(0)
    )
    assert (peak, valley) == (Decimal("1.6"), Decimal("0.8"))
