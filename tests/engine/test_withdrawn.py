"""A table withdrawn from a date: bills of days from then on are refused, or, declared
with ``past_withdrawal: warn``, priced under the last version and saying so.

The readings: June 2025 (Asia/Shanghai), hourly, 1 kWh an hour (720 kWh). At 0.50 CNY/kWh
the month is 360.00.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from tables import flat_body, table_yaml
from tariffs import Readings, parse_tariff, price
from tariffs.errors import TariffFileError


def june() -> Readings:
    start = int(dt.datetime(2025, 6, 1, tzinfo=ZoneInfo("Asia/Shanghai")).timestamp())
    count = 30 * 24
    return Readings(
        source="june.csv",
        interval_seconds=3600,
        starts=list(range(start, start + count * 3600, 3600)),
        scale=3,
        kwh=[1000] * count,
    )


def withdrawn_table(withdrawn: str, policy: str | None = None) -> str:
    text = table_yaml("t-withdrawn", flat_body("0.50"))
    head = f"withdrawn: {withdrawn}\n"
    if policy is not None:
        head += f"past_withdrawal: {policy}\n"
    return text.replace("versions:\n", head + "versions:\n")


def test_a_bill_before_the_withdrawal_is_priced_as_usual() -> None:
    (bill,) = price(parse_tariff(withdrawn_table("2025-07-01")), june())
    assert str(bill.total) == "360.00"
    assert bill.warnings == ()


@pytest.mark.parametrize("withdrawn", ["2025-06-01", "2025-06-16", "2025-06-30"])
def test_a_bill_with_days_past_the_withdrawal_is_refused(withdrawn: str) -> None:
    with pytest.raises(TariffFileError) as caught:
        price(parse_tariff(withdrawn_table(withdrawn)), june())
    first = max(dt.date.fromisoformat(withdrawn), dt.date(2025, 6, 1))
    assert f"has no version in force on {first}: it is withdrawn from {withdrawn}" in str(
        caught.value
    )


def test_past_withdrawal_warn_prices_under_the_last_version_and_says_so() -> None:
    (bill,) = price(parse_tariff(withdrawn_table("2025-06-16", "warn")), june())
    assert str(bill.total) == "360.00"
    assert bill.warnings == (
        "priced after the tariff was withdrawn: from 2025-06-16 under its last version "
        "(withdrawn from 2025-06-16; past_withdrawal: warn)",
    )
