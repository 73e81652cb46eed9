"""Bill plans and interval classifications kept between calls (the speed of a billing run).

Plans depend on the time axis, never on the values read: meters read on the same
intervals share them, and a shared plan must price each meter as if it were the first.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from tariffs import Account, Readings, load_tariff, price, pricing, usage
from tariffs.pricing import clear_caches


def year(seed: int, *, step: int = 3600, zone: str = "Asia/Shanghai", days: int = 365) -> Readings:
    rng = random.Random(seed)  # noqa: S311 - test data
    start = int(dt.datetime(2025, 1, 1, tzinfo=ZoneInfo(zone)).timestamp())
    starts = list(range(start, start + days * 86400, step))
    return Readings(
        source=f"meter-{seed}.csv",
        interval_seconds=step,
        starts=starts,
        scale=3,
        kwh=[rng.randrange(0, 5000) for _ in starts],
    )


def cold(*args: object, **kwargs: object) -> object:
    clear_caches()
    return price(*args, **kwargs)  # type: ignore[arg-type]


def test_meters_on_the_same_axis_share_plans_but_not_values() -> None:
    tariff = load_tariff("cn-zj-residential-tou")
    first, second = year(1), year(2)
    assert first.axis == second.axis
    clear_caches()
    price(tariff, first)
    held = len(pricing._CALENDARS)
    warm = price(tariff, second)
    assert len(pricing._CALENDARS) == held  # the second meter used the first one's plans
    assert warm == cold(tariff, second)
    assert warm != cold(tariff, first)
    assert sum(bill.energy_kwh for bill in warm) == second.total()


@pytest.mark.parametrize(
    "account",
    [
        Account(account_id="a", service_start=dt.date(2025, 3, 17)),
        Account(account_id="b", service_end=dt.date(2025, 8, 9)),
        Account(account_id="c", meter_read_day=12),
        Account(account_id="d", meter_multiplier=Decimal(40)),
    ],
)
def test_plans_are_kept_per_account_calendar(account: Account) -> None:
    tariff = load_tariff("cn-zj-residential-tou")
    readings = year(3)
    clear_caches()
    plain = price(tariff, readings)
    with_account = price(tariff, readings, account)
    assert with_account == cold(tariff, readings, account)
    assert plain == cold(tariff, readings)
    assert [b.period_start for b in with_account] != [b.period_start for b in plain] or (
        account.meter_multiplier != 1
    )


def test_plans_are_kept_per_dates_and_event_days() -> None:
    tariff = load_tariff("cn-sh-industrial-two-part")
    readings = year(4, step=900, days=60)
    account = Account(account_id="F", capacity_kva=Decimal(800), basic_charge_method="capacity")
    readings = Readings(
        source=readings.source,
        interval_seconds=900,
        starts=readings.starts,
        scale=3,
        kwh=readings.kwh,
        kvarh=[v // 3 for v in readings.kwh],
    )
    clear_caches()
    price(tariff, readings, account)
    later = price(tariff, readings, account, start=dt.date(2025, 1, 20))
    assert later == cold(tariff, readings, account, start=dt.date(2025, 1, 20))
    assert later != price(tariff, readings, account)


def test_plans_are_kept_per_event_days() -> None:
    tariff = load_tariff("cn-gd-commercial-tou")  # critical peak on declared event days
    readings = year(4, step=900, days=60, zone="Asia/Shanghai")
    clear_caches()
    plain = price(tariff, readings)
    tuesday = [dt.date(2025, 1, 14)]
    event = price(tariff, readings, event_days=tuesday)
    assert event == cold(tariff, readings, event_days=tuesday)
    assert any(line.code.endswith("critical_peak") for line in event[0].lines)
    assert not any(line.code.endswith("critical_peak") for line in plain[0].lines)
    assert price(tariff, readings) == plain


def test_readings_with_gaps_have_their_own_axis() -> None:
    tariff = load_tariff("cn-zj-residential-tou")
    full = year(5, days=40)
    cut = [i for i in range(len(full.starts)) if not 300 <= i < 420]
    gapped = Readings(
        source="gapped.csv",
        interval_seconds=3600,
        starts=[full.starts[i] for i in cut],
        scale=3,
        kwh=[full.kwh[i] for i in cut],
        gaps=((full.starts[300], full.starts[420]),),
    )
    assert gapped.axis is not None and gapped.axis != full.axis
    clear_caches()
    price(tariff, full)
    bills = price(tariff, gapped)
    assert bills == cold(tariff, gapped)
    assert sum(b.energy_kwh for b in bills) == gapped.total()
    assert any("120 intervals missing" in w for b in bills for w in b.warnings)


def test_starts_that_break_the_invariant_are_never_shared() -> None:
    uneven = Readings("uneven.csv", 3600, [0, 3600, 10800, 14400], 3, [1, 2, 3, 4])
    assert uneven.axis is None
    undeclared_gap = Readings("gap.csv", 3600, [0, 3600, 10800], 3, [1, 2, 3])
    assert undeclared_gap.axis is None
    # The same first start, interval and count as the one before: still told apart.
    assert Readings("even.csv", 3600, [0, 3600, 7200], 3, [1, 2, 3]).axis == (0, 3600, 3, ())
    assert Readings("late.csv", 3600, [0, 3600, 9000], 3, [1, 2, 3]).axis is None


def test_kept_plans_are_bounded_by_the_intervals_they_cover(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(pricing, "_CALENDARS_LIMIT", 3 * 24 * 40)
    monkeypatch.setattr(usage, "_PLANS_LIMIT", 3 * 24 * 40)
    tariff = load_tariff("cn-zj-residential-tou")
    clear_caches()
    for shift in range(10):  # ten different axes of 40 days each
        readings = year(6, days=40)
        moved = Readings(
            source="m.csv",
            interval_seconds=3600,
            starts=[t + shift * 86400 for t in readings.starts],
            scale=3,
            kwh=readings.kwh,
        )
        warm = price(tariff, moved)
        assert pricing._CALENDARS_HELD[0] <= 3 * 24 * 40
        assert usage._PLANS_HELD[0] <= 3 * 24 * 40
        assert 1 <= len(pricing._CALENDARS) <= 3
    assert warm == cold(tariff, moved)


def test_the_csv_reader_gives_the_axis_it_checked() -> None:
    from tariffs.readings.csv_reader import parse_readings_csv

    text = "start,kwh\n" + "".join(
        f"2025-03-0{day}T{hour:02d}:00,1.5\n" for day in (1, 2, 4) for hour in range(24)
    )
    readings = parse_readings_csv(text, "r.csv", "UTC", interval_seconds=3600, allow_gaps=True)
    given = readings.axis
    assert given == readings._uniform_axis()  # what the full check of the starts finds
    assert given is not None and given[3] == ((1740960000, 1741046400),)  # March 3 missing
