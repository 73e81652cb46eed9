"""Demand from readings coarser than the tariff's window, as a declared deviation.

A tariff bills demand over 15-minute windows; hourly energy cannot give a 15-minute
maximum, so it is refused, unless the caller declares ``demand_window="readings"``: then
demand is the largest hourly kWh over one hour [kW], and each bill says so.

The readings: June 2025 (Asia/Shanghai), hourly, 1 kWh an hour but for 2025-06-10
14:00-15:00, which holds 90 kWh. Demand over the hour is 90 kW; at 10 CNY/kW, 900.00.
Energy: 719 × 1 + 90 = 809 kWh at 0.50 = 404.50.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from tables import table_yaml
from tariffs import Readings, parse_tariff, price
from tariffs.errors import ReadingsError

BODY = (
    "    demand_window: {minutes: 15}\n"
    "    charges:\n"
    '      - {kind: energy, price_per_kwh: "0.50"}\n'
    '      - {kind: demand, price_per_kw: "10"}\n'
)


def june(step_minutes: int = 60) -> Readings:
    zone = ZoneInfo("Asia/Shanghai")
    start = int(dt.datetime(2025, 6, 1, tzinfo=zone).timestamp())
    per_hour = 60 // step_minutes
    count = 30 * 24 * per_hour
    kwh = [1000 // per_hour] * count  # scale 3: 1 kWh an hour
    peak = int(dt.datetime(2025, 6, 10, 14, tzinfo=zone).timestamp())
    first = (peak - start) // (step_minutes * 60)
    for i in range(first, first + per_hour):
        kwh[i] = 90_000 // per_hour
    return Readings(
        source="june.csv",
        interval_seconds=step_minutes * 60,
        starts=list(range(start, start + count * step_minutes * 60, step_minutes * 60)),
        scale=3,
        kwh=kwh,
    )


def test_hourly_energy_under_a_15_minute_demand_tariff_is_refused() -> None:
    tariff = parse_tariff(table_yaml("t-demand", BODY), source="t.yaml")
    with pytest.raises(ReadingsError) as caught:
        price(tariff, june())
    assert str(caught.value) == (
        "june.csv: tariff t-demand bills demand over 15-minute windows, which intervals "
        "of 60 min cannot give; give readings at 15 minutes or finer (or a kw column), or "
        "measure demand over the readings' intervals as a declared deviation "
        "(--demand-window readings)"
    )


def test_declared_deviation_measures_demand_over_the_hour_and_says_so() -> None:
    tariff = parse_tariff(table_yaml("t-demand", BODY), source="t.yaml")
    (bill,) = price(tariff, june(), demand_window="readings")
    amounts = {line.kind: line.amount for line in bill.lines}
    assert amounts == {"energy": Decimal("404.50"), "demand": Decimal("900.00")}
    assert bill.total == Decimal("1304.50")
    assert bill.warnings == (
        "demand measured over the readings' 60-minute intervals, not the tariff's "
        "15-minute clock-aligned window (declared: demand window of the readings, a "
        "deviation from the tariff)",
    )


def test_readings_fine_enough_are_measured_as_the_tariff_says_even_when_declared() -> None:
    # 15-minute readings: the peak hour is 4 quarters of 22.5 kWh, 90 kW each; the
    # declaration changes nothing and the bill says nothing about it.
    tariff = parse_tariff(table_yaml("t-demand", BODY), source="t.yaml")
    (declared,) = price(tariff, june(15), demand_window="readings")
    (plain,) = price(tariff, june(15))
    assert declared == plain
    assert declared.warnings == ()
    assert {line.kind: line.amount for line in plain.lines}["demand"] == Decimal("900.00")


def test_a_tariff_without_demand_gets_no_deviation_note() -> None:
    body = '    charges:\n      - {kind: energy, price_per_kwh: "0.50"}\n'
    tariff = parse_tariff(table_yaml("t-energy", body), source="t.yaml")
    (bill,) = price(tariff, june(), demand_window="readings")
    assert bill.warnings == ()
    assert bill.total == Decimal("404.50")


def test_intervals_longer_than_an_hour_give_no_demand() -> None:
    zone = ZoneInfo("Asia/Shanghai")
    start = int(dt.datetime(2025, 6, 1, tzinfo=zone).timestamp())
    two_hourly = Readings(
        source="june.csv",
        interval_seconds=7200,
        starts=list(range(start, start + 360 * 7200, 7200)),
        scale=3,
        kwh=[2000] * 360,
    )
    tariff = parse_tariff(table_yaml("t-demand", BODY), source="t.yaml")
    with pytest.raises(ReadingsError, match=r"demand cannot be measured over intervals of 120"):
        price(tariff, two_hourly, demand_window="readings")
