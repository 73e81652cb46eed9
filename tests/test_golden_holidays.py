"""Golden bills of time-of-use tables priced on the shipped CN holiday calendar.

Every amount is worked out by hand in the comments, the exact product first, rounded
half-up to the fen; a bill's total is the sum of its rounded lines.

The days come from the State Council notices, typed here from their text:

- 2024 (国办发明电〔2023〕7号, https://www.gov.cn/zhengce/zhengceku/202310/content_6911528.htm):
  春节 2月10日至17日放假调休, 共8天; 2月4日 (星期日)、2月18日 (星期日) 上班.
- 2026 (国办发明电〔2025〕7号, https://www.gov.cn/zhengce/zhengceku/202511/content_7047091.htm):
  春节 2月15日至23日放假调休, 共9天; 2月14日 (周六)、2月28日 (周六) 上班.

The table (examples/cn-holiday-tou.yaml): working days valley 00-08 (8 h), flat 08-10,
12-14, 19-24 (9 h), peak 10-12, 14-19 (7 h); weekends valley 00-08 (8 h), flat 08-24
(16 h); days off valley all day (24 h). Peak 1.1050, flat 0.6500, valley 0.2470 CNY/kWh.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

from tariffs import Bill, load_tariff, price
from tariffs.io.readings.csv_reader import parse_readings_csv, read_readings_csv

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
TARIFF = load_tariff(EXAMPLES / "cn-holiday-tou.yaml")


def hourly(first: dt.date, end: dt.date) -> str:
    """1 kWh in every hour from ``first`` to ``end`` (exclusive), local time."""
    rows = ["start,kwh"]
    hour = dt.datetime.combine(first, dt.time())
    while hour.date() < end:
        rows.append(f"{hour:%Y-%m-%dT%H:%M},1.000")
        hour += dt.timedelta(hours=1)
    return "\n".join(rows) + "\n"


def amounts(bill: Bill) -> dict[str, tuple[Decimal | None, Decimal]]:
    return {line.code: (line.quantity, line.amount) for line in bill.lines}


def test_spring_festival_2024_with_two_sunday_make_up_workdays() -> None:
    # 2024-02-03 (Saturday) to 2024-02-18 (Sunday), 16 days:
    #   weekend 1 day: 3 Feb;
    #   working days 7: 4 Feb (Sunday, 调休上班), 5-9 Feb, 18 Feb (Sunday, 调休上班);
    #   days off 8: 10-17 Feb.
    # peak   = 7 days × 7 h = 49 kWh              × 1.1050 = 54.145  → 54.15
    # flat   = 7 × 9 + 1 × 16 = 79 kWh            × 0.6500 = 51.35
    # valley = 7 × 8 + 1 × 8 + 8 × 24 = 256 kWh   × 0.2470 = 63.232  → 63.23
    # total 54.15 + 51.35 + 63.23 = 168.73; 49 + 79 + 256 = 384 = 16 × 24 kWh.
    # Without the calendar, 4 and 18 Feb would be weekends and 12-16 Feb working days.
    readings = parse_readings_csv(
        hourly(dt.date(2024, 2, 3), dt.date(2024, 2, 19)), "r.csv", "Asia/Shanghai"
    )
    tariff = TARIFF.model_copy(
        update={"versions": {dt.date(2024, 1, 1): TARIFF.versions[dt.date(2026, 1, 1)]}}
    )
    (bill,) = price(tariff, readings)
    assert amounts(bill) == {
        "energy.valley": (Decimal("256.000"), Decimal("63.23")),
        "energy.flat": (Decimal("79.000"), Decimal("51.35")),
        "energy.peak": (Decimal("49.000"), Decimal("54.15")),
    }
    assert bill.total == Decimal("168.73")
    assert bill.energy_kwh == Decimal("384.000")


def test_the_example_spring_festival_2026() -> None:
    # examples/spring-festival-readings.csv: 1 kWh an hour, 2026-02-09 (Monday) to
    # 2026-02-22 (Sunday), 14 days: working days 9-13 Feb and 14 Feb (Saturday, 调休上班)
    # = 6; days off 15-22 Feb = 8; no weekend day.
    # peak   = 6 × 7 = 42 kWh            × 1.1050 = 46.41
    # flat   = 6 × 9 = 54 kWh            × 0.6500 = 35.10
    # valley = 6 × 8 + 8 × 24 = 240 kWh  × 0.2470 = 59.28
    # total 140.79.
    readings = read_readings_csv(EXAMPLES / "spring-festival-readings.csv", "Asia/Shanghai")
    (bill,) = price(TARIFF, readings)
    assert amounts(bill) == {
        "energy.valley": (Decimal("240.000"), Decimal("59.28")),
        "energy.flat": (Decimal("54.000"), Decimal("35.10")),
        "energy.peak": (Decimal("42.000"), Decimal("46.41")),
    }
    assert bill.total == Decimal("140.79")
