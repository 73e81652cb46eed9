"""Laws of demand billing, and calendars that change inside a bill.

Expected amounts are worked out by hand beside each value.
"""

from __future__ import annotations

import datetime as dt
import textwrap
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st
from test_pricing import hourly

from tariffs import parse_tariff, price
from tariffs.engine.adjustments.power_factor_tables import STANDARD_TABLES
from tariffs.model.account import Account


def tariff(body: str) -> object:
    head = "id: t\nname: Test\ncurrency: CNY\ntimezone: Asia/Shanghai\nreference: test\n"
    return parse_tariff(head + textwrap.dedent(body), "t.yaml")


@given(
    st.lists(st.integers(min_value=0, max_value=400), min_size=96, max_size=96),
    st.integers(min_value=0, max_value=2000),
    st.integers(min_value=0, max_value=100),
    st.integers(min_value=0, max_value=300),
)
def test_billing_demand_is_at_least_actual_and_equal_without_floor(
    quarter_kwh: list[int], history_kw: int, percent: int, minimum_kw: int
) -> None:
    body = f"""\
    versions:
      "2025-01-01":
        charges:
          - kind: demand
            price_per_kw: "1"
            minimum_kw: "{minimum_kw}"
            ratchet: {{percent: "{percent}", lookback_months: 11}}
    """
    readings = hourly(dt.date(2025, 7, 1), 1, lambda d, h: Decimal(0), step_minutes=15)
    readings.kwh[:] = [value * 1000 for value in quarter_kwh]
    account = Account(account_id="A", demand_history_kw={"2025-05": Decimal(history_kw)})
    (bill,) = price(tariff(body), readings, account)
    (line,) = bill.lines
    actual = Decimal(max(quarter_kwh) * 4)
    floor = max(Decimal(minimum_kw), Decimal(history_kw) * percent / 100)
    assert line.quantity is not None
    assert line.quantity >= actual
    # Equal to the actual demand unless the ratchet or the minimum lifts it.
    assert line.quantity == max(actual, floor)


@given(st.sampled_from(sorted(STANDARD_TABLES)))
def test_power_factor_adjustment_is_zero_at_exactly_the_standard(table: str) -> None:
    standard = STANDARD_TABLES[table].standard
    assert STANDARD_TABLES[table].percent(standard) == 0


def test_holiday_and_weekend_deep_valley() -> None:
    body = """\
    versions:
      "2025-01-01":
        day_types:
          workday: {weekdays: [mon, tue, wed, thu, fri]}
          weekend: {weekdays: [sat, sun]}
          holiday: {dates: ["2025-10-01"], rrules: ["FREQ=YEARLY;BYMONTH=5;BYMONTHDAY=1"]}
        periods:
          - day_types: [workday]
            windows: {peak: ["08:00-22:00"], valley: ["22:00-08:00"]}
          - day_types: [weekend, holiday]
            windows: {valley: ["08:00-22:00", "22:00-02:00", "06:00-08:00"],
                      deep_valley: ["02:00-06:00"]}
        charges:
          - kind: energy
            prices: {peak: "1", valley: "0.5", deep_valley: "0.2"}
    """
    # 2025-05-01 (a Thursday, holiday by rule) and 2025-05-02 (a Friday, a workday).
    (bill,) = price(tariff(body), hourly(dt.date(2025, 5, 1), 2))
    got = {line.code: line.quantity for line in bill.lines}
    # May 1: 4 deep-valley hours, 20 valley; May 2: 14 peak, 10 valley.
    assert got == {
        "energy.deep_valley": Decimal(4),
        "energy.valley": Decimal(30),
        "energy.peak": Decimal(14),
    }


def test_a_bill_across_a_season_change_is_split_by_the_readings() -> None:
    body = """\
    versions:
      "2025-01-01":
        seasons:
          summer: {ranges: [["06-15", "09-15"]]}
          winter: {ranges: [["09-15", "06-15"]]}
        charges:
          - kind: energy
            price_per_kwh: "0.5"
            season_multipliers: {summer: "1.2", winter: "1"}
    """
    (bill,) = price(tariff(body), hourly(dt.date(2025, 6, 1), 30))
    got = {line.code: (line.quantity, line.rate, line.amount) for line in bill.lines}
    # June 1–14: 336 kWh at 0.5; June 15–30: 384 kWh at 0.6.
    assert got == {
        "energy.summer": (Decimal(384), Decimal("0.6000"), Decimal("230.40")),
        "energy.winter": (Decimal(336), Decimal("0.5"), Decimal("168.00")),
    }
