"""Pricing: billing periods, proration, version changes, adjustments, demand, losses.

Every expected amount is worked out by hand in the comment beside it.
"""

from __future__ import annotations

import datetime as dt
import textwrap
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from tariffs import AccountError, Bill, ReadingsError, UnsupportedFeatureError, parse_tariff, price
from tariffs.engine.pricing import billing_periods
from tariffs.model.account import Account
from tariffs.model.readings import Readings

SHANGHAI = ZoneInfo("Asia/Shanghai")


def tariff(body: str, *, extra: str = "", timezone: str = "Asia/Shanghai") -> object:
    head = f"id: t\nname: Test\ncurrency: CNY\ntimezone: {timezone}\nreference: test\n{extra}"
    return parse_tariff(head + textwrap.dedent(body), "t.yaml")


def hourly(
    first: dt.date,
    days: int,
    kwh_of_hour: object = lambda day, hour: Decimal(1),
    *,
    kvarh_of_hour: object = None,
    export_of_hour: object = None,
    step_minutes: int = 60,
) -> Readings:
    """Readings from local midnight of ``first`` for ``days`` days (Asia/Shanghai)."""
    start = int(dt.datetime(first.year, first.month, first.day, tzinfo=SHANGHAI).timestamp())
    step = step_minutes * 60
    count = days * 86400 // step
    starts, kwh, kvarh, export = [], [], [], []
    for i in range(count):
        t = start + i * step
        local = dt.datetime.fromtimestamp(t, SHANGHAI)
        starts.append(t)
        kwh.append(int(Decimal(kwh_of_hour(local.date(), local.hour)) * 1000))  # type: ignore[operator]
        if kvarh_of_hour is not None:
            kvarh.append(int(Decimal(kvarh_of_hour(local.date(), local.hour)) * 1000))  # type: ignore[operator]
        if export_of_hour is not None:
            export.append(int(Decimal(export_of_hour(local.date(), local.hour)) * 1000))  # type: ignore[operator]
    return Readings(
        source="mem.csv",
        interval_seconds=step,
        starts=starts,
        scale=3,
        kwh=kwh,
        kvarh=kvarh or None,
        export_kwh=export or None,
    )


def lines(bill: Bill) -> dict[str, tuple[Decimal | None, Decimal | None, Decimal]]:
    return {line.code: (line.quantity, line.rate, line.amount) for line in bill.lines}


FLAT = """\
versions:
  "2025-01-01":
    charges:
      - kind: energy
        price_per_kwh: "0.5"
"""


def test_billing_periods_by_meter_read_day() -> None:
    assert billing_periods(dt.date(2025, 1, 1), dt.date(2025, 2, 28), read_day=15) == [
        (dt.date(2024, 12, 15), dt.date(2025, 1, 15)),
        (dt.date(2025, 1, 15), dt.date(2025, 2, 15)),
        (dt.date(2025, 2, 15), dt.date(2025, 3, 15)),
    ]


def test_meter_read_day_bills_partial_first_and_last_periods() -> None:
    bills = price(
        tariff(FLAT),
        hourly(dt.date(2025, 1, 1), 59),  # Jan 1 to Feb 28, 1 kWh an hour
        Account(account_id="A", meter_read_day=15),
    )
    periods = [(b.period_start, b.period_end) for b in bills]
    assert periods == [
        (dt.date(2025, 1, 1), dt.date(2025, 1, 15)),
        (dt.date(2025, 1, 15), dt.date(2025, 2, 15)),
        (dt.date(2025, 2, 15), dt.date(2025, 3, 1)),
    ]
    # 14, 31 and 14 days of 24 kWh.
    assert [b.energy_kwh for b in bills] == [Decimal(336), Decimal(744), Decimal(336)]
    assert "partial period" in bills[0].warnings[0]
    assert bills[1].warnings == ()


def test_from_and_to_select_days_to_exclusive() -> None:
    bills = price(
        tariff(FLAT),
        hourly(dt.date(2025, 1, 1), 90),
        start=dt.date(2025, 2, 1),
        end=dt.date(2025, 3, 1),
    )
    assert [(b.period_start, b.period_end) for b in bills] == [
        (dt.date(2025, 2, 1), dt.date(2025, 3, 1))
    ]
    assert bills[0].energy_kwh == Decimal(28 * 24)


def test_fixed_monthly_charge_prorated_by_actual_days_or_days_over_30() -> None:
    body = FLAT + '      - kind: fixed\n        amount: "10"\n        per: month\n'
    account = Account(account_id="A", service_start=dt.date(2025, 7, 11))
    readings = hourly(dt.date(2025, 7, 1), 31)
    (bill,) = price(tariff(body), readings, account)
    # Service from July 11: 21 of 31 days; 10 × 21/31 = 6.774... → 6.77.
    assert lines(bill)["fixed"][2] == Decimal("6.77")
    assert bill.energy_kwh == Decimal(21 * 24)
    (bill,) = price(tariff(body, extra="proration: days_over_30\n"), readings, account)
    # 10 × 21/30 = 7.00.
    assert lines(bill)["fixed"] == (Decimal("0.7"), Decimal("10"), Decimal("7.00"))
    # A whole month is never prorated; 31 days / 30 is capped at one month.
    (bill,) = price(tariff(body, extra="proration: days_over_30\n"), readings)
    assert lines(bill)["fixed"] == (Decimal(1), Decimal("10"), Decimal("10.00"))


def test_fixed_per_day_and_per_bill() -> None:
    body = FLAT + (
        '      - {kind: fixed, code: fixed.daily, amount: "0.25", per: day}\n'
        '      - {kind: fixed, code: fixed.meter, amount: "3", per: bill}\n'
    )
    (bill,) = price(tariff(body), hourly(dt.date(2025, 7, 1), 31))
    assert lines(bill)["fixed.daily"] == (Decimal(31), Decimal("0.25"), Decimal("7.75"))
    assert lines(bill)["fixed.meter"] == (Decimal(1), Decimal(3), Decimal("3.00"))


def test_tax_and_minimum_apply_to_earlier_lines() -> None:
    body = FLAT + (
        '      - {kind: fixed, amount: "2", per: month}\n'
        '      - {kind: minimum, amount: "30", per: month, applies_to: [energy, fixed]}\n'
        '      - {kind: tax, code: tax.vat, percent: "13"}\n'
    )
    # One bill for the whole of July, 0.1 kWh an hour.
    readings = hourly(dt.date(2025, 7, 1), 31, lambda d, h: Decimal("0.1"))
    (bill,) = price(tariff(body), readings)
    # Energy 74.4 kWh × 0.5 = 37.20; fixed 2.00; 39.20 ≥ 30: no minimum line.
    assert "minimum" not in lines(bill)
    # VAT 13 % of 39.20 = 5.096 → 5.10.
    assert lines(bill)["tax.vat"] == (Decimal("39.20"), Decimal("0.13"), Decimal("5.10"))
    readings = hourly(dt.date(2025, 7, 1), 31, lambda d, h: Decimal("0.01"))
    (bill,) = price(tariff(body), readings)
    # Energy 7.44 × 0.5 = 3.72; fixed 2.00; minimum 30 − 5.72 = 24.28; VAT 13 % of 30 = 3.90.
    assert lines(bill)["minimum"][2] == Decimal("24.28")
    assert lines(bill)["tax.vat"][2] == Decimal("3.90")
    assert bill.total == Decimal("33.90")


def test_export_credit_and_missing_export_column() -> None:
    body = FLAT + '      - {kind: export_credit, price_per_kwh: "0.2"}\n'
    readings = hourly(dt.date(2025, 7, 1), 1, export_of_hour=lambda d, h: Decimal("0.5"))
    (bill,) = price(tariff(body), readings)
    # 24 × 0.5 = 12 kWh exported × 0.2 = 2.40 credit.
    assert lines(bill)["export_credit"] == (Decimal(12), Decimal("0.2"), Decimal("-2.40"))
    (bill,) = price(tariff(body), hourly(dt.date(2025, 7, 1), 1))
    assert "export_credit" not in lines(bill)
    assert any("no export_kwh column" in w for w in bill.warnings)


def test_version_change_inside_a_period_splits_energy_by_time_and_fixed_by_days() -> None:
    body = """\
    versions:
      "2025-01-01":
        charges:
          - {kind: energy, price_per_kwh: "0.5"}
          - {kind: fixed, amount: "10", per: month}
      "2025-07-16":
        charges:
          - {kind: energy, price_per_kwh: "0.6"}
          - {kind: fixed, amount: "10", per: month}
    """
    (bill,) = price(tariff(body), hourly(dt.date(2025, 7, 1), 31))
    energy = [
        (line.quantity, line.rate, line.amount) for line in bill.lines if line.kind == "energy"
    ]
    # July 1–15: 360 kWh × 0.5 = 180.00; July 16–31: 384 kWh × 0.6 = 230.40.
    assert energy == [
        (Decimal(360), Decimal("0.5"), Decimal("180.00")),
        (Decimal(384), Decimal("0.6"), Decimal("230.40")),
    ]
    fixed = [line.amount for line in bill.lines if line.kind == "fixed"]
    # 10 × 15/31 = 4.838... → 4.84; 10 × 16/31 = 5.161... → 5.16.
    assert fixed == [Decimal("4.84"), Decimal("5.16")]
    assert bill.energy_kwh == Decimal(744)


def test_readings_before_the_first_version_are_refused() -> None:
    with pytest.raises(Exception, match=r"no version in force on 2024-12-01"):
        price(tariff(FLAT), hourly(dt.date(2024, 12, 1), 2))


def test_gaps_allowed_are_reported_on_the_bill() -> None:
    full = hourly(dt.date(2025, 7, 1), 2)
    keep = [i for i in range(48) if not 10 <= i < 13]
    readings = Readings(
        source="mem.csv",
        interval_seconds=3600,
        starts=[full.starts[i] for i in keep],
        scale=3,
        kwh=[full.kwh[i] for i in keep],
        gaps=((full.starts[10], full.starts[13]),),
    )
    (bill,) = price(tariff(FLAT), readings)
    assert bill.energy_kwh == Decimal(45)
    assert any("3 intervals missing" in w for w in bill.warnings)


def test_chronological_tiers_split_the_crossing_interval() -> None:
    body = """\
    versions:
      "2025-01-01":
        periods:
          - windows: {peak: ["08:00-22:00"], valley: ["22:00-08:00"]}
        charges:
          - kind: energy
            tiers: {bounds_kwh: ["10.5"], method: chronological}
            prices: {peak: ["1", "2"], valley: ["0.5", "1.5"]}
    """
    (bill,) = price(tariff(body), hourly(dt.date(2025, 7, 1), 1))
    # 1 kWh an hour from 00:00: valley hours 0–7 (8 kWh, tier 1), then peak from 08:00;
    # the bound 10.5 falls in the 10:00 hour: peak tier 1 = 2.5 kWh, then 11.5 peak kWh in
    # tier 2 (hours 10:30–22:00), then 2 valley kWh (22–24) in tier 2.
    assert lines(bill) == {
        "energy.valley.tier1": (Decimal("8.000"), Decimal("0.5"), Decimal("4.00")),
        "energy.peak.tier1": (Decimal("2.500"), Decimal("1"), Decimal("2.50")),
        "energy.peak.tier2": (Decimal("11.500"), Decimal("2"), Decimal("23.00")),
        "energy.valley.tier2": (Decimal("2.000"), Decimal("1.5"), Decimal("3.00")),
    }


def test_per_period_tiers_give_each_period_its_own_ladder() -> None:
    body = """\
    versions:
      "2025-01-01":
        periods:
          - windows: {peak: ["08:00-22:00"], valley: ["22:00-08:00"]}
        charges:
          - kind: energy
            tiers: {bounds_kwh: ["5"], method: per_period}
            prices: {peak: ["1", "2"], valley: ["0.5", "1.5"]}
    """
    (bill,) = price(tariff(body), hourly(dt.date(2025, 7, 1), 1))
    # Peak 14 kWh: 5 + 9; valley 10 kWh: 5 + 5.
    assert lines(bill) == {
        "energy.peak.tier1": (Decimal(5), Decimal("1"), Decimal("5.00")),
        "energy.peak.tier2": (Decimal(9), Decimal("2"), Decimal("18.00")),
        "energy.valley.tier1": (Decimal(5), Decimal("0.5"), Decimal("2.50")),
        "energy.valley.tier2": (Decimal(5), Decimal("1.5"), Decimal("7.50")),
    }


DEMAND = """\
versions:
  "2025-01-01":
    demand_window: {minutes: 15}
    charges:
      - kind: demand
        price_per_kw: "10"
        ratchet: {percent: "80", lookback_months: 11}
"""


def test_demand_ratchet_from_account_history_and_from_earlier_bills() -> None:
    readings = hourly(
        dt.date(2025, 7, 1),
        62,
        lambda d, h: Decimal(75) if d.month == 7 else Decimal(25),
        step_minutes=15,
    )
    account = Account(account_id="A", demand_history_kw={"2025-06": Decimal(500)})
    july, august = price(tariff(DEMAND), readings, account)
    # July: 75 kWh per 15 min = 300 kW measured; ratchet 80 % × 500 = 400 kW → 4000.00.
    assert lines(july)["demand"] == (Decimal("400.0"), Decimal("10"), Decimal("4000.00"))
    # August: 100 kW measured; ratchet 80 % × max(500, 300) = 400 → 4000.00.
    assert lines(august)["demand"][2] == Decimal("4000.00")
    # Without history, August's ratchet comes from July in the same run: 80 % × 300 = 240.
    _, august = price(tariff(DEMAND), readings)
    assert lines(august)["demand"] == (Decimal("240.0"), Decimal("10"), Decimal("2400.00"))


def test_tiered_and_time_of_use_demand() -> None:
    body = """\
    versions:
      "2025-01-01":
        periods:
          - windows: {on_peak: ["12:00-18:00"], off_peak: ["18:00-12:00"]}
        charges:
          - {kind: energy, price_per_kwh: "0"}
          - {kind: demand, code: demand.flat, price_per_kw: ["10", "8"], tiers_kw: ["100"]}
          - kind: demand
            code: demand.tou
            prices: {on_peak: "5", off_peak: "1"}
    """
    # 15-minute data: 40 kWh (160 kW) in on-peak hours, 20 kWh (80 kW) otherwise.
    readings = hourly(
        dt.date(2025, 7, 1),
        31,
        lambda d, h: Decimal(40) if 12 <= h < 18 else Decimal(20),
        step_minutes=15,
    )
    (bill,) = price(tariff(body), readings)
    got = lines(bill)
    # 160 kW: 100 × 10 + 60 × 8 = 1480.
    assert got["demand.flat.tier1"][2] == Decimal("1000.00")
    assert got["demand.flat.tier2"] == (Decimal(60), Decimal(8), Decimal("480.00"))
    # On-peak 160 kW × 5 = 800; off-peak 80 kW × 1 = 80.
    assert got["demand.tou.on_peak"][2] == Decimal("800.00")
    assert got["demand.tou.off_peak"][2] == Decimal("80.00")


def test_hourly_readings_cannot_give_fifteen_minute_demand() -> None:
    with pytest.raises(
        ReadingsError,
        match=r"mem\.csv: tariff t bills demand over 15-minute "
        r"windows, which intervals of 60 min cannot give",
    ):
        price(tariff(DEMAND), hourly(dt.date(2025, 7, 1), 2))


def test_readings_that_straddle_a_period_boundary_are_refused() -> None:
    body = """\
    versions:
      "2025-01-01":
        periods:
          - windows: {peak: ["08:30-22:00"], valley: ["22:00-08:30"]}
        charges:
          - kind: energy
            prices: {peak: "1", valley: "0.5"}
    """
    with pytest.raises(
        ReadingsError,
        match=r"intervals of 60 min cannot be split at the "
        r"30-minute period boundaries",
    ):
        price(tariff(body), hourly(dt.date(2025, 7, 1), 1))


def test_losses_and_meter_multiplier() -> None:
    body = """\
    versions:
      "2025-01-01":
        periods:
          - windows: {peak: ["08:00-20:00"], valley: ["20:00-08:00"]}
        charges:
          - kind: energy
            prices: {peak: "1", valley: "0.5"}
    """
    account = Account.model_validate(
        {
            "account_id": "A",
            "meter_multiplier": 200,
            "losses": {"kwh_per_month": "310", "percent": "1"},
        }
    )
    (bill,) = price(
        tariff(body), hourly(dt.date(2025, 7, 1), 31, lambda d, h: Decimal("0.01")), account
    )
    # Metered: 0.01 × 200 = 2 kWh an hour; 31 days × 12 h × 2 = 744 kWh peak and 744 valley.
    assert bill.energy_kwh == Decimal(1488)
    # Loss: 310 (a whole month) + 1 % × 1488 = 324.88 kWh, shared half and half.
    assert bill.loss_kwh == Decimal("324.88")
    assert lines(bill)["energy.peak"] == (Decimal("906.44"), Decimal(1), Decimal("906.44"))
    assert lines(bill)["energy.valley"] == (Decimal("906.44"), Decimal("0.5"), Decimal("453.22"))


BASIC = """\
versions:
  "2025-01-01":
    charges:
      - {kind: energy, price_per_kwh: "0.5"}
      - kind: basic
        capacity_price_per_kva: "25.5"
        demand_price_per_kw: "40.8"
        floor_percent_of_capacity: "40"
      - {kind: power_factor, table: "1983-0.90"}
"""


def test_basic_charge_needs_the_account_fields_it_uses() -> None:
    readings = hourly(dt.date(2025, 7, 1), 1, kvarh_of_hour=lambda d, h: 0, step_minutes=15)
    with pytest.raises(
        AccountError,
        match=r"tariff t needs 'basic_charge_method' "
        r"\(capacity \| contract_demand \| actual_demand\), and no account",
    ):
        price(tariff(BASIC), readings)
    with pytest.raises(
        AccountError,
        match=r"tariff t needs 'capacity_kva' \(basic charge by "
        r"capacity\), and account A lacks it",
    ):
        price(tariff(BASIC), readings, Account(account_id="A", basic_charge_method="capacity"))


def test_power_factor_needs_kvarh() -> None:
    account = Account(account_id="A", basic_charge_method="capacity", capacity_kva=Decimal(100))
    with pytest.raises(
        ReadingsError,
        match=r"mem\.csv: tariff t has a power-factor adjustment "
        r"\(1983-0\.90\), which needs reactive energy",
    ):
        price(tariff(BASIC), hourly(dt.date(2025, 7, 1), 1, step_minutes=15), account)


def test_power_factor_adjustment_line() -> None:
    account = Account(account_id="A", basic_charge_method="capacity", capacity_kva=Decimal(100))
    # 1 kWh and 0.75 kvarh per quarter hour: PF = 1 / 1.25 = 0.80 → +5 % (0.90 table).
    readings = hourly(
        dt.date(2025, 7, 1), 1, kvarh_of_hour=lambda d, h: Decimal("0.75"), step_minutes=15
    )
    (bill,) = price(tariff(BASIC), readings, account)
    # The readings cover July 1 only, a partial period of 1 of 31 days (actual-days
    # proration): energy 96 × 0.5 = 48.00; basic 100 kVA × 25.5 × 1/31 = 82.258 → 82.26.
    got = lines(bill)
    assert got["basic.capacity"][2] == Decimal("82.26")
    base = Decimal("48.00") + Decimal("82.26")
    assert got["power_factor"] == (base, Decimal("0.05"), Decimal("6.51"))  # 130.26 × 5 % = 6.513


def test_per_period_tiers_with_annual_reset_are_refused() -> None:
    body = """\
    versions:
      "2025-01-01":
        periods:
          - windows: {peak: ["08:00-22:00"], valley: ["22:00-08:00"]}
        charges:
          - kind: energy
            tiers: {bounds_kwh: ["5"], method: per_period, reset: annual}
            prices: {peak: ["1", "2"], valley: ["0.5", "1.5"]}
    """
    with pytest.raises(UnsupportedFeatureError, match=r"per_period with reset annual"):
        price(tariff(body), hourly(dt.date(2025, 7, 1), 1))


def test_coincident_peak_demand_is_measured_only_in_its_hours() -> None:
    body = """\
    versions:
      "2025-01-01":
        charges:
          - {kind: energy, price_per_kwh: "0"}
          - {kind: demand, code: demand.coincident, price_per_kw: "2", hours: ["16:00-19:00"]}
    """

    # 15-minute data: 50 kWh (200 kW) at 12:00-13:00, 30 kWh (120 kW) at 17:00, else 10.
    def kwh(day: dt.date, hour: int) -> Decimal:
        return Decimal(50) if hour == 12 else Decimal(30) if hour == 17 else Decimal(10)

    (bill,) = price(tariff(body), hourly(dt.date(2025, 7, 1), 31, kwh, step_minutes=15))
    # Only 16:00–19:00 counts: 120 kW × 2 = 240.00.
    assert lines(bill)["demand.coincident"] == (Decimal(120), Decimal(2), Decimal("240.00"))


def test_demand_periods_separate_from_energy_periods() -> None:
    body = """\
    versions:
      "2025-01-01":
        periods:
          - windows: {all_day: ["00:00-24:00"]}
        demand_periods:
          - windows: {on_peak: ["12:00-18:00"], off_peak: ["18:00-12:00"]}
        charges:
          - {kind: energy, prices: {all_day: "0.1"}}
          - kind: demand
            prices: {on_peak: "10", off_peak: "1"}
    """

    def kwh(day: dt.date, hour: int) -> Decimal:
        return Decimal(25) if hour == 20 else Decimal(20) if hour == 13 else Decimal(5)

    (bill,) = price(tariff(body), hourly(dt.date(2025, 7, 1), 31, kwh, step_minutes=15))
    # On-peak maximum 80 kW × 10 = 800; off-peak 100 kW × 1 = 100.
    assert lines(bill)["demand.on_peak"][2] == Decimal("800.00")
    assert lines(bill)["demand.off_peak"][2] == Decimal("100.00")


def test_seasonal_discount_applies_only_in_its_months() -> None:
    body = FLAT + (
        '      - {kind: discount, code: discount.summer, percent: "10", months: [7, 8],'
        " applies_to: [energy]}\n"
    )
    june, july = price(tariff(body), hourly(dt.date(2025, 6, 1), 61))
    assert "discount.summer" not in lines(june)
    # July 744 kWh × 0.5 = 372.00; 10 % off = −37.20.
    assert lines(july)["discount.summer"] == (Decimal("372.00"), Decimal("-0.1"), Decimal("-37.20"))


def test_event_days_given_for_the_run() -> None:
    body = """\
    versions:
      "2025-01-01":
        periods:
          - windows: {flat: ["00:00-24:00"]}
        overrides:
          - {period: critical_peak, windows: ["18:00-20:00"], days: events}
        charges:
          - kind: energy
            prices: {flat: "0.5", critical_peak: "2"}
    """
    readings = hourly(dt.date(2025, 7, 1), 31)
    (plain,) = price(tariff(body), readings)
    assert "energy.critical_peak" not in lines(plain)
    (event,) = price(tariff(body), readings, event_days=[dt.date(2025, 7, 3), dt.date(2025, 7, 9)])
    # Two event days × 2 hours × 1 kWh = 4 kWh at 2.00.
    assert lines(event)["energy.critical_peak"] == (Decimal(4), Decimal(2), Decimal("8.00"))
    assert lines(event)["energy.flat"][0] == Decimal(740)


def test_annual_minimum_is_billed_on_the_last_bill_of_the_year() -> None:
    body = FLAT + '      - {kind: minimum, amount: "400", per: year}\n'
    readings = hourly(dt.date(2025, 1, 1), 365, lambda d, h: Decimal("0.05"))
    bills = price(tariff(body), readings)
    # 365 × 24 × 0.05 = 438 kWh × 0.5 = 219.00 in the year; minimum 400 → 181.00 in December.
    assert [b for b in bills if "minimum" in lines(b)] == [bills[-1]]
    assert lines(bills[-1])["minimum"][2] == Decimal("181.00")


def test_hourly_prices() -> None:
    prices = ", ".join(f'"{Decimal(h % 24) / 100}"' for h in range(8760))
    body = f"""\
    versions:
      "2025-01-01":
        charges:
          - kind: dynamic_energy
            hourly_prices_per_kwh: [{prices}]
            adder_per_kwh: "0.01"
    """
    (bill,) = price(tariff(body), hourly(dt.date(2025, 7, 1), 2))
    # Each local hour h costs h/100 + 0.01 per kWh; 1 kWh an hour for two days:
    # 2 × (sum of 0..23 / 100 + 24 × 0.01) = 2 × (2.76 + 0.24) = 6.00.
    assert lines(bill)["energy.dynamic"] == (Decimal(48), None, Decimal("6.00"))
    with pytest.raises(UnsupportedFeatureError, match=r"hour 8760 of 2024 has no price"):
        price(
            tariff(body.replace('"2025-01-01"', '"2024-01-01"')), hourly(dt.date(2024, 12, 31), 1)
        )


def test_reactive_charge_above_free_ratio() -> None:
    body = FLAT + '      - {kind: reactive, price_per_kvarh: "0.02", free_kvarh_per_kwh: "0.5"}\n'
    readings = hourly(dt.date(2025, 7, 1), 1, kvarh_of_hour=lambda d, h: Decimal("0.75"))
    (bill,) = price(tariff(body), readings)
    # 24 kWh, 18 kvarh; free 12 kvarh; 6 kvarh × 0.02 = 0.12.
    assert lines(bill)["reactive"] == (Decimal(6), Decimal("0.02"), Decimal("0.12"))


REACTIVE_DEMAND = FLAT + '      - {kind: reactive, price_per_kvar: "0.51"}\n'


def reactive_peak(day: dt.date, hour: int) -> Decimal:
    """0.5 kvarh per quarter hour, 3 per quarter in July 10th's 14:00 hour (12 kvar)."""
    return Decimal(3) if (day.month, day.day, hour) == (7, 10, 14) else Decimal("0.5")


def test_reactive_demand_charge_bills_the_maximum_kvar_of_the_month() -> None:
    readings = hourly(dt.date(2025, 7, 1), 31, kvarh_of_hour=reactive_peak, step_minutes=15)
    (bill,) = price(tariff(REACTIVE_DEMAND), readings)
    # 31 × 96 quarter hours at 1 kWh: 2976 kWh × 0.5 = 1488.00. The 15-minute window of
    # most kvarh has 3 kvarh: 3 ÷ 0.25 h = 12 kvar; 12 × 0.51 = 6.12.
    assert lines(bill) == {
        "energy": (Decimal(2976), Decimal("0.5"), Decimal("1488.00")),
        "reactive": (Decimal(12), Decimal("0.51"), Decimal("6.12")),
    }
    (line,) = [line for line in bill.lines if line.code == "reactive"]
    assert (line.kind, line.unit) == ("power_factor", "kvar")
    assert line.label == "Reactive demand (maximum kvar over 15-minute windows)"
    assert bill.total == Decimal("1494.12")


def test_reactive_demand_follows_the_demand_window() -> None:
    body = REACTIVE_DEMAND.replace(
        '  "2025-01-01":\n', '  "2025-01-01":\n    demand_window: {minutes: 30}\n'
    )
    readings = hourly(dt.date(2025, 7, 1), 31, kvarh_of_hour=reactive_peak, step_minutes=15)
    (bill,) = price(tariff(body), readings)
    # A 30-minute window of the peak hour holds 3 + 3 kvarh: 6 ÷ 0.5 h = 12 kvar again;
    # the other windows 1 kvarh (2 kvar). 12 × 0.51 = 6.12.
    assert lines(bill)["reactive"] == (Decimal(12), Decimal("0.51"), Decimal("6.12"))
    # One quarter of 3 kvarh alone (14:15): its window 14:00-14:30 holds 0.5 + 3 = 3.5
    # kvarh, 7 kvar; 7 × 0.51 = 3.57.
    start = int(dt.datetime(2025, 7, 1, tzinfo=SHANGHAI).timestamp())
    peak = int(dt.datetime(2025, 7, 10, 14, 15, tzinfo=SHANGHAI).timestamp())
    starts = [start + 900 * i for i in range(31 * 96)]
    kvarh = [3000 if t == peak else 500 for t in starts]
    one = Readings("mem.csv", 900, starts, 3, [1000] * len(starts), kvarh=kvarh)
    (bill,) = price(tariff(body), one)
    assert lines(bill)["reactive"] == (Decimal(7), Decimal("0.51"), Decimal("3.57"))


def test_reactive_demand_is_measured_from_kvarh_not_from_a_kw_column() -> None:
    readings = hourly(dt.date(2025, 7, 1), 31, kvarh_of_hour=reactive_peak, step_minutes=15)
    with_kw = Readings(readings.source, 900, readings.starts, 3, readings.kwh,
                       kvarh=readings.kvarh, kw=[50_000] * len(readings.starts))  # fmt: skip
    (bill,) = price(tariff(REACTIVE_DEMAND), with_kw)
    assert lines(bill)["reactive"] == (Decimal(12), Decimal("0.51"), Decimal("6.12"))


def test_reactive_demand_of_part_of_a_month_is_its_share() -> None:
    body = REACTIVE_DEMAND + (
        '  "2025-07-16":\n'
        "    charges:\n"
        '      - {kind: energy, price_per_kwh: "0.5"}\n'
        '      - {kind: reactive, price_per_kvar: "1.02"}\n'
    )
    readings = hourly(dt.date(2025, 7, 1), 31, kvarh_of_hour=reactive_peak, step_minutes=15)
    (bill,) = price(tariff(body), readings)
    # The bill's maximum is 12 kvar. July 1-15 at 0.51 for 15/31 of the month:
    # 12 × 0.51 × 15/31 = 2.9613, 2.96; July 16-31 at 1.02 for 16/31: 12 × 1.02 × 16/31
    # = 6.3174, 6.32.
    reactive = [line for line in bill.lines if line.code == "reactive"]
    assert [(line.quantity, line.rate, line.amount) for line in reactive] == [
        (Decimal(12), Decimal("0.51"), Decimal("2.96")),
        (Decimal(12), Decimal("1.02"), Decimal("6.32")),
    ]
    assert reactive[0].label.endswith("(× 15/31 of a month)")


def test_reactive_demand_without_kvarh_is_refused_naming_the_column() -> None:
    with pytest.raises(
        ReadingsError,
        match=r"^mem\.csv: tariff t has a reactive demand charge \(per kvar\), which needs "
        r"reactive readings: the readings have no kvarh column$",
    ):
        price(tariff(REACTIVE_DEMAND), hourly(dt.date(2025, 7, 1), 1, step_minutes=15))


def test_reactive_demand_from_readings_coarser_than_the_window_is_refused() -> None:
    readings = hourly(dt.date(2025, 7, 1), 1, kvarh_of_hour=reactive_peak)
    with pytest.raises(
        ReadingsError,
        match=r"bills reactive demand over 15-minute windows, which intervals of 60 min "
        r"cannot give; give readings at 15 minutes or finer, or",
    ):
        price(tariff(REACTIVE_DEMAND), readings)


def test_per_period_ladders_continue_across_a_version_change() -> None:
    body = """\
    versions:
      "2025-01-01":
        periods:
          - windows: {all_day: ["00:00-24:00"]}
        charges:
          - kind: energy
            tiers: {bounds_kwh: ["200"], method: per_period}
            prices: {all_day: ["1", "2"]}
      "2025-07-16":
        periods:
          - windows: {all_day: ["00:00-24:00"]}
        charges:
          - kind: energy
            tiers: {bounds_kwh: ["200"], method: per_period}
            prices: {all_day: ["1.5", "3"]}
    """
    (bill,) = price(tariff(body), hourly(dt.date(2025, 7, 1), 31, lambda d, h: Decimal("0.5")))
    got = [(line.quantity, line.rate) for line in bill.lines]
    # July 1–15: 180 kWh in tier 1. July 16–31: 192 kWh: 20 more to the bound at the new
    # tier-1 price, then 172 in tier 2.
    assert got == [
        (Decimal(180), Decimal(1)),
        (Decimal(20), Decimal("1.5")),
        (Decimal(172), Decimal(3)),
    ]


def test_hours_do_not_go_with_time_of_use_demand() -> None:
    body = """\
    versions:
      "2025-01-01":
        periods:
          - windows: {on_peak: ["12:00-18:00"], off_peak: ["18:00-12:00"]}
        charges:
          - kind: demand
            prices: {on_peak: "10", off_peak: "1"}
            hours: ["18:00-19:00"]
    """
    with pytest.raises(Exception, match=r"hours goes with price_per_kw, not with prices"):
        tariff(body)
