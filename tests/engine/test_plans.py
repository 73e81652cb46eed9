"""Bill plans and interval classifications kept between calls (the speed of a billing run).

Plans depend on the time axis, never on the values read: meters read on the same
intervals share them, and a shared plan must price each meter as if it were the first.
"""

from __future__ import annotations

import datetime as dt
import random
from bisect import bisect_left
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from tariffs import Account, Readings, Tariff, load_tariff, price
from tariffs.engine import _kept
from tariffs.engine._kept import sizes
from tariffs.engine.pricing import clear_caches
from tariffs.errors import TariffsError


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
    held = sizes()["bill_plans"][0]
    warm = price(tariff, second)
    assert sizes()["bill_plans"][0] == held  # the second meter used the first one's plans
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
    # Priced all the same, and nothing is kept for them.
    start = int(dt.datetime(2025, 3, 1, tzinfo=ZoneInfo("Asia/Shanghai")).timestamp())
    starts = [start + 3600 * hour for hour in range(48) if hour != 30]
    broken = Readings("broken.csv", 3600, starts, 3, [1000] * len(starts))
    assert broken.axis is None
    clear_caches()
    bills = price(load_tariff("cn-zj-residential-tou"), broken)
    assert sum(b.energy_kwh for b in bills) == Decimal(47)
    assert sizes()["bill_plans"][0] == 0 and sizes()["segment_plans"][0] == 0


def test_kept_plans_are_bounded_by_the_intervals_they_cover(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(_kept.bill_plans, "limit", 3 * 24 * 40)
    monkeypatch.setattr(_kept.segment_plans, "limit", 3 * 24 * 40)
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
        assert sizes()["bill_plans"][1] <= 3 * 24 * 40
        assert sizes()["segment_plans"][1] <= 3 * 24 * 40
        assert 1 <= sizes()["bill_plans"][0] <= 3
    assert warm == cold(tariff, moved)


def test_the_csv_reader_gives_the_axis_it_checked() -> None:
    from tariffs.io.readings.csv_reader import parse_readings_csv

    text = "start,kwh\n" + "".join(
        f"2025-03-0{day}T{hour:02d}:00,1.5\n" for day in (1, 2, 4) for hour in range(24)
    )
    readings = parse_readings_csv(text, "r.csv", "UTC", interval_seconds=3600, allow_gaps=True)
    given = readings.axis
    assert given == readings._uniform_axis()  # what the full check of the starts finds
    assert given is not None and given[3] == ((1740960000, 1741046400),)  # March 3 missing


_TABLES = (
    "cn-bj-residential",
    "cn-gd-commercial-tou",
    "cn-hydro-seasonal-tou",
    "cn-sh-residential-tou",
    "cn-zj-residential-tou",
)


_CALENDARS_DRAWN = st.tuples(
    st.sampled_from([None, 1, 9, 28]),
    st.one_of(st.none(), st.dates(dt.date(2024, 12, 1), dt.date(2026, 1, 31))),
    st.one_of(st.none(), st.dates(dt.date(2024, 12, 1), dt.date(2026, 1, 31))),
    st.one_of(st.none(), st.dates(dt.date(2024, 12, 1), dt.date(2026, 1, 31))),
)


@given(
    table=st.sampled_from(_TABLES),
    step=st.sampled_from([900, 1800, 3600]),
    first_day=st.dates(dt.date(2025, 1, 1), dt.date(2025, 10, 31)),
    first_slot=st.integers(0, 95),
    days=st.integers(1, 75),
    calendars=st.lists(_CALENDARS_DRAWN, min_size=2, max_size=3),
    seeds=st.tuples(st.integers(0, 99), st.integers(100, 199)),
)
@settings(suppress_health_check=[HealthCheck.too_slow])
def test_kept_plans_price_every_meter_as_the_first(
    table: str,
    step: int,
    first_day: dt.date,
    first_slot: int,
    days: int,
    calendars: list[tuple[int | None, dt.date | None, dt.date | None, dt.date | None]],
    seeds: tuple[int, int],
) -> None:
    """Bills priced with plans kept from other meters, accounts and calls equal cold ones.

    Two meters on one time axis, each under two or three account calendars (read day,
    service start and end, an event day), priced cold one by one, then all again in turn
    with every plan kept.
    """
    tariff = load_tariff(table)
    zone = ZoneInfo(tariff.timezone)
    start = int(dt.datetime.combine(first_day, dt.time(), zone).timestamp())
    start += first_slot * 900 // step * step
    count = days * 86400 // step
    meters = []
    for seed in seeds:
        rng = random.Random(seed)  # noqa: S311 - test data
        meters.append(
            Readings(
                source=f"m{seed}.csv",
                interval_seconds=step,
                starts=list(range(start, start + count * step, step)),
                scale=3,
                kwh=[rng.randrange(0, 3000) for _ in range(count)],
            )
        )
    runs = []
    for read_day, service_start, service_end, event_day in calendars:
        if service_start and service_end and service_end < service_start:
            service_start, service_end = service_end, service_start
        account = Account(
            account_id="A", meter_read_day=read_day, service_start=service_start,
            service_end=service_end,
        )  # fmt: skip
        for meter in meters:
            runs.append((meter, account, [] if event_day is None else [event_day]))
    expected: list[object] = []
    for meter, account, event_days in runs:
        try:
            expected.append(cold(tariff, meter, account, event_days=event_days))
        except TariffsError as error:  # e.g. service after the readings: refused warm too
            expected.append(str(error))
    event(f"{sum(isinstance(found, list) for found in expected)} of {len(runs)} priced")
    clear_caches()
    for (meter, account, event_days), bills in zip(runs * 2, expected * 2, strict=True):
        try:
            assert price(tariff, meter, account, event_days=event_days) == bills
        except TariffsError as error:
            assert str(error) == bills


def test_a_charge_in_two_versions_takes_each_versions_base_prices() -> None:
    """Prices by ratio resolve against the version priced, even for one shared charge."""
    from tariffs import parse_tariff

    text = (
        "id: shared-charge\nname: Shared charge\ncurrency: CNY\ntimezone: Asia/Shanghai\n"
        "reference: written for the tests\nversions:\n"
        + "".join(
            f'  "{date}":\n'
            "    periods:\n"
            "      - windows:\n"
            '          peak: ["08:00-22:00"]\n'
            '          valley: ["22:00-08:00"]\n'
            f'    base_prices: {{flat: "{flat}"}}\n'
            "    charges:\n"
            "      - kind: energy\n"
            '        prices: {peak: {of: flat, ratio: "1.5"}, valley: {of: flat, ratio: "0.5"}}\n'
            '      - {kind: fixed, amount: "10", per: month}\n'
            for date, flat in (("2025-01-01", "0.6"), ("2025-02-01", "0.8"))
        )
    )
    tariff = parse_tariff(text, "shared.yaml")
    (first_date, first), (second_date, second) = tariff.versions.items()
    shared = tariff.model_copy(
        update={
            "versions": {
                first_date: first,
                second_date: second.model_copy(update={"charges": first.charges}),
            }
        }
    )
    assert shared.versions[second_date].charges[0] is first.charges[0]
    readings = year(7, days=59)  # January and February
    clear_caches()
    expected = price(tariff, readings)
    assert price(shared, readings) == expected
    rates = {line.code: line.rate for line in expected[1].lines if line.kind == "energy"}
    assert rates == {"energy.peak": Decimal("1.2"), "energy.valley": Decimal("0.4")}


def test_readings_with_other_values_keep_their_axis_and_only_values_change() -> None:
    readings = year(1)
    doubled = readings.with_values(kwh=[2 * value for value in readings.kwh], kvarh=None)
    assert doubled.axis == readings.axis and doubled.starts is readings.starts
    assert doubled.kwh == [2 * value for value in readings.kwh] and doubled.kvarh is None
    with pytest.raises(TypeError, match="not a quantity column: starts"):
        readings.with_values(starts=readings.starts[1:])


@pytest.mark.parametrize(
    "tariff_name",
    [
        "cn-sh-industrial-two-part",  # seasons, overrides limited to months
        "cn-gd-commercial-tou",  # an override on event days
        "cn-zj-residential-tou",
        "examples/cn-holiday-tou.yaml",  # holidays and make-up workdays
    ],
)
@pytest.mark.parametrize("zone", [None, "America/New_York", "Europe/London"])
@pytest.mark.parametrize("step", [900, 3600])
def test_a_plan_of_year_codes_is_the_plan_of_day_tables(
    tariff_name: str, zone: str | None, step: int
) -> None:
    # The plan copies whole days' codes from the year's (a week of day tables at a time);
    # its slow twin places every day by its own day table. Both must classify every
    # interval alike: the sums of each key, the key taken as the rest, the slices.
    from tariffs.engine.schedule import compile_schedule
    from tariffs.engine.usage import _build_plan, _build_plan_by_days

    tariff, timezone, readings, _, events = axis_with_a_gap(tariff_name, zone, step, "")
    starts, column = readings.starts, readings.kwh
    for version in tariff.versions.values():
        schedule = compile_schedule(version, tariff.source)
        assert schedule.codes_known()  # else _build_plan is its slow twin, compared to itself
        for first, last in [(0, len(starts)), (17, len(starts) - 5), (200, 3000)]:
            for event_days in (frozenset(), events):
                args = (starts, step, schedule, timezone, starts[first], starts[last - 1] + 1)
                clear_caches()
                fast = _build_plan(*args, event_days, None)
                clear_caches()
                slow = _build_plan_by_days(*args, event_days, None)
                assert (fast.first, fast.last, fast.rest) == (slow.first, slow.last, slow.rest)
                sums = [(key, add(column)) for key, add in fast.sums]
                assert sums == [(key, add(column)) for key, add in slow.sums]
                # Again: a key's first sum selects by its mask, the next ones by its index list.
                assert [(key, add(column)) for key, add in fast.sums] == sums
                assert fast.slices() == slow.slices()
                assert fast.runs_of(None) == slow.runs_of(None)


@pytest.mark.parametrize(
    "tariff_id", ["cn-zj-residential-tou", "cn-gd-commercial-tou", "cn-sh-residential-tou"]
)
@pytest.mark.parametrize("step", [3600, 900])
def test_each_store_forgotten_alone_prices_as_a_cold_call(tariff_id: str, step: int) -> None:
    """A store that forgets (at its bound) while the others keep never changes a bill.

    The day tables of a year (``year_days``) outlive the schedule that built them when
    ``schedules`` forgets first; a new, equal schedule must still know every code of them.
    """
    tariff = load_tariff(tariff_id)
    readings = year(11, step=step)
    expected = cold(tariff, readings)
    assert sum(bill.energy_kwh for bill in expected) == readings.total()
    stores = [value for value in vars(_kept).values() if isinstance(value, _kept.Store)]
    for store in stores:
        clear_caches()
        price(tariff, readings)  # fill every store
        store.clear()
        assert price(tariff, readings) == expected, store.name
        for kept in stores:  # and forget the plans too, so that they are built again
            if kept.name in {"bill_plans", "segment_plans", "plan_runs"}:
                kept.clear()
        store.clear()
        assert price(tariff, readings) == expected, store.name


@pytest.mark.parametrize(
    "tariff_name",
    ["cn-sh-industrial-two-part", "cn-zj-residential-tou", "examples/cn-holiday-tou.yaml"],
)
@pytest.mark.parametrize("zone", [None, "America/New_York", "Europe/London"])
@pytest.mark.parametrize("step", [900, 3600])
def test_a_segment_planned_from_its_span_is_the_segment_planned_alone(
    tariff_name: str, zone: str | None, step: int
) -> None:
    # The bills of a call take their segments' codes from one coding of the whole span
    # (`SpanCodes`); each plan must be the one the segment gets alone: the same whole
    # days, slices, sums and rest. Segments start and end at local midnights (months, and
    # days inside one) or at the span's ends; one that cuts a day is planned alone.
    from tariffs.engine.pricing import local_midnight
    from tariffs.engine.schedule import compile_schedule
    from tariffs.engine.usage import SpanCodes, _build_plan

    tariff, timezone, readings, gap, events = axis_with_a_gap(tariff_name, zone, step, "span")
    local = ZoneInfo(timezone)
    starts = readings.starts
    cuts = [starts[0]]
    cuts += [local_midnight(dt.date(2025, month, 1), local) for month in range(1, 13)]
    cuts += [
        local_midnight(dt.date(2025, 6, 17), local),
        local_midnight(dt.date(2026, 1, 1), local),
    ]
    cuts += [starts[-1] + step]
    cuts.sort()
    column = readings.kwh
    schedule = compile_schedule(tariff.versions[next(iter(tariff.versions))], tariff.source)
    cut_inside = 0
    for event_days in (frozenset(), events):
        clear_caches()
        span = SpanCodes(readings, schedule, timezone, cuts[0], cuts[-1], event_days)
        pairs = list(zip(cuts, cuts[1:], strict=False))
        pairs.append((cuts[3] + 3 * step, cuts[5]))  # starts inside a day: planned alone
        for t0, t1 in pairs:
            first = bisect_left(starts, t0)
            last = bisect_left(starts, t1, first)
            if first == last:
                continue
            fast = span.plan(first, last, None)
            if fast is None:  # only where the segment cuts a day or a slice of the span
                assert (t0, t1) == pairs[-1]
                cut_inside += 1
                continue
            slow = _build_plan(starts, step, schedule, timezone, t0, t1, event_days, None)
            assert (fast.first, fast.last, fast.rest) == (slow.first, slow.last, slow.rest)
            # The same whole days with the same tables (a run of them may be cut otherwise:
            # a gap elsewhere in the span's offset run leaves its days one by one).
            assert days_of(fast.blocks, step) == days_of(slow.blocks, step)
            assert fast.others == slow.others
            sums = [(key, add(column)) for key, add in slow.sums]
            assert [(key, add(column)) for key, add in fast.sums] == sums
            assert [(key, add(column)) for key, add in fast.sums] == sums  # by index lists
            assert fast.slices() == slow.slices()
    # The segment from 03:00 of a day is planned alone, unless the gap left that day's
    # intervals to start there (then the span's slice starts there too).
    assert cut_inside == 2 or gap <= bisect_left(starts, cuts[3] + 3 * step) <= gap + 1


def days_of(blocks: list[tuple[int, tuple[object, ...]]], step: int) -> list[tuple[int, object]]:
    """Each whole day of a plan's blocks: its first interval and its day table."""
    per_day = 86400 // step
    return [
        (lo + day * per_day, table) for lo, tables in blocks for day, table in enumerate(tables)
    ]


def axis_with_a_gap(
    tariff_name: str, zone: str | None, step: int, seed: str
) -> tuple[Tariff, str, Readings, int, frozenset[dt.date]]:
    """A tariff (bundled, or a file of the project) and its zone, 400 days of readings from
    20 December 2024 05:00 with a gap somewhere in the year, where the gap starts, and 20
    event days of 2025."""
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    tariff = load_tariff(
        root / tariff_name if tariff_name.endswith(".yaml") else tariff_name  # type: ignore[arg-type]
    )
    timezone = zone or tariff.timezone
    rng = random.Random(f"{seed} {tariff_name} {zone} {step}".strip())  # noqa: S311 - test data
    start = int(dt.datetime(2024, 12, 20, 5, tzinfo=ZoneInfo(timezone)).timestamp())
    starts = list(range(start, start + 400 * 86400, step))
    gap = rng.randrange(len(starts) - 2000)
    del starts[gap : gap + rng.randrange(1, 1000)]
    kwh = [rng.randrange(0, 5000) for _ in starts]
    events = frozenset(
        dt.date(2025, 1, 1) + dt.timedelta(days=rng.randrange(365)) for _ in range(20)
    )
    readings = Readings(source="gap.csv", interval_seconds=step, starts=starts, scale=3, kwh=kwh)
    return tariff, timezone, readings, gap, events
