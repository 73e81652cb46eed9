"""The laws of billing, as properties over generated tariffs and readings.

Each test states one law. Expected values come from the readings and the drawn tariff
choices (`strategies.TariffSpec`), worked out here with `zoneinfo` and `Decimal`
arithmetic, never from the engine's own aggregation.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import ROUND_DOWN, ROUND_HALF_EVEN, ROUND_HALF_UP, ROUND_UP, Decimal
from zoneinfo import ZoneInfo

from hypothesis import example, given
from hypothesis import strategies as st

from strategies import (
    DST_CHANGE_DAYS,
    ReadingsCase,
    TariffSpec,
    TierSpec,
    local_midnight_utc,
    readings_cases,
    tariff_specs,
)
from tables import table_yaml
from tariffs import Account, Bill, Line, Readings, Tariff, bills_to_json, parse_tariff, price
from tariffs.io.readings.csv_reader import parse_readings_csv

ROUNDING_MODES = {
    None: ROUND_HALF_UP,
    "half_up": ROUND_HALF_UP,
    "half_even": ROUND_HALF_EVEN,
    "down": ROUND_DOWN,
    "up": ROUND_UP,
}

#: Codes of the lines of the increment method (递增法) that add the upper-tier increments.
INCREMENT_CODE = re.compile(r"\.tier\d+$")


# -- independent reference computations ------------------------------------------------


def local_dates(readings: Readings, timezone: str) -> list[dt.date]:
    """The local date of every interval start, one `zoneinfo` conversion per interval."""
    zone = ZoneInfo(timezone)
    return [dt.datetime.fromtimestamp(t, zone).date() for t in readings.starts]


def kwh_of_bill(readings: Readings, dates: Sequence[dt.date], bill: Bill) -> Decimal:
    """Exact kWh of the intervals whose local date lies in the bill's dates [kWh]."""
    units = sum(
        value
        for value, day in zip(readings.kwh, dates, strict=True)
        if bill.period_start <= day < bill.period_end
    )
    return Decimal(units).scaleb(-readings.scale)


def kwh_by_wall_clock_period(
    readings: Readings, timezone: str, period_of_hour: Sequence[str], bill: Bill
) -> dict[str, Decimal]:
    """Slow reference: each interval of the bill classified by its local wall-clock hour."""
    zone = ZoneInfo(timezone)
    units: Counter[str] = Counter()
    for start, value in zip(readings.starts, readings.kwh, strict=True):
        local = dt.datetime.fromtimestamp(start, zone)
        if bill.period_start <= local.date() < bill.period_end and value:
            units[period_of_hour[local.hour]] += value
    return {name: Decimal(count).scaleb(-readings.scale) for name, count in units.items()}


def energy_lines(bills: Iterable[Bill], kinds: Sequence[str] = ("energy",)) -> list[Line]:
    """Every line of the given kinds, across bills."""
    return [line for bill in bills for line in bill.lines if line.kind in kinds]


def exact_charge(bills: Iterable[Bill], kinds: Sequence[str] = ("energy",)) -> Decimal:
    """Sum of quantity × rate of the lines of the given kinds, before any rounding."""
    return sum(
        (line.quantity * line.rate for line in energy_lines(bills, kinds)),
        Decimal(0),
    )


def quantity_by_code(
    bills: Iterable[Bill], kinds: Sequence[str] = ("energy",)
) -> dict[str, Decimal]:
    """Quantity per line code, summed across bills, zero entries left out."""
    totals: dict[str, Decimal] = {}
    for line in energy_lines(bills, kinds):
        totals[line.code] = totals.get(line.code, Decimal(0)) + line.quantity
    return {code: value for code, value in totals.items() if value}


def with_kwh(readings: Readings, kwh: list[int]) -> Readings:
    """The same intervals with other kWh values."""
    return Readings(
        source=readings.source,
        interval_seconds=readings.interval_seconds,
        starts=readings.starts,
        scale=readings.scale,
        kwh=kwh,
        kvarh=readings.kvarh,
        export_kwh=readings.export_kwh,
    )


def split(readings: Readings, index: int) -> tuple[Readings, Readings]:
    """The readings cut in two before interval ``index``."""

    def part(low: int, high: int | None) -> Readings:
        def cut(column: list[int] | None) -> list[int] | None:
            return None if column is None else column[low:high]

        return Readings(
            source=readings.source,
            interval_seconds=readings.interval_seconds,
            starts=readings.starts[low:high],
            scale=readings.scale,
            kwh=readings.kwh[low:high],
            kvarh=cut(readings.kvarh),
            export_kwh=cut(readings.export_kwh),
        )

    return part(0, index), part(index, None)


def summary(bill: Bill) -> str:
    """A bill in one line of text, for assertion messages: code quantity × rate = amount."""
    lines = "; ".join(
        f"{line.code} {line.quantity} × {line.rate} = {line.amount}" for line in bill.lines
    )
    return f"{bill.period_start}..{bill.period_end} total {bill.total}: {lines}"


def kwh_billed_by_period(bill: Bill, spec: TariffSpec) -> dict[str, Decimal]:
    """Energy-line kWh of a TOU bill per period, summed over tiers (increments left out)."""
    totals: dict[str, Decimal] = {}
    increment = spec.tiers is not None and spec.tiers.method == "increment"
    for line in energy_lines([bill]):
        if increment and INCREMENT_CODE.search(line.code):
            continue
        period = line.code.split(".")[1]
        totals[period] = totals.get(period, Decimal(0)) + line.quantity
    return {name: value for name, value in totals.items() if value}


def hourly_case(kwh_by_hour: dict[int, int], day: dt.date = dt.date(2025, 1, 1)) -> ReadingsCase:
    """One UTC day of hourly readings, zero but in the hours given [0.001 kWh]."""
    begin = local_midnight_utc(day, "UTC")
    readings = Readings(
        source="mem",
        interval_seconds=3600,
        starts=list(range(begin, begin + 86400, 3600)),
        scale=3,
        kwh=[kwh_by_hour.get(hour, 0) for hour in range(24)],
    )
    return ReadingsCase(readings=readings, timezone="UTC", first_day=day, days=1)


def tou_spec(
    method: str, bound_kwh: str, *periods: tuple[str, int, int, Sequence[str]]
) -> TariffSpec:
    """A UTC time-of-use tariff, one tier bound, nothing but energy.

    Args:
        method: The tier method.
        bound_kwh: The one tier bound [kWh].
        periods: ``(name, first hour, hour after the last, tier prices)``, covering the day.
    """
    period_of_hour = [""] * 24
    for name, first, after, _ in periods:
        period_of_hour[first:after] = [name] * (after - first)
    return TariffSpec(
        timezone="UTC",
        currency="CNY",
        rounding_places=None,
        rounding_mode=None,
        windows=tuple(
            (name, (f"{first:02d}:00-{after:02d}:00",)) for name, first, after, _ in periods
        ),
        period_of_hour=tuple(period_of_hour),
        flat_prices=None,
        period_prices=tuple(
            (name, tuple(Decimal(p) for p in prices)) for name, _, _, prices in periods
        ),
        tiers=TierSpec((Decimal(bound_kwh),), method, "monthly"),
    )


#: Peak and valley each read 1.500 kWh; tier 1 ends at 1.001 kWh (proportional split).
#: Peak is billed 0.501 kWh in tier 1 (2.505 → 2.51) and 0.999 kWh in tier 2 (4.995 →
#: 5.00): 7.51. Raising valley's hour by 0.001 kWh moves 0.001 kWh of peak to tier 2:
#: 2.50 + 5.00 = 7.50, though the exact amount is 7.500 both times.
PROPORTIONAL_EVEN_SPLIT = (
    hourly_case({0: 1500, 12: 1500}),
    tou_spec("proportional", "1.001", ("peak", 0, 12, ["5", "5"]), ("valley", 12, 24, ["0", "0"])),
)

#: Valley's 5.005 kWh come after peak's 4.995 kWh; tier 1 ends at 10 kWh (chronological).
#: Raising peak's hour by 0.001 kWh pushes 0.001 kWh of valley into tier 2 at the same
#: price: 5.005 exact both times, but 5.01 rounded before and 5.00 + 0.00 after.
CHRONOLOGICAL_AT_THE_BOUND = (
    hourly_case({0: 4995, 12: 5005}),
    tou_spec("chronological", "10", ("peak", 0, 12, ["0", "1"]), ("valley", 12, 24, ["1", "1"])),
)

#: Three periods read 0.163 kWh each; tier 1 ends at 0.488 kWh (proportional split), and
#: only valley's tier 2 has a price (10 per kWh). The one 0.001 kWh of tier 2 is billed
#: to valley (0.01). Raising peak by 0.001 kWh makes tier 2 0.002 kWh, billed 0.001 to
#: peak and 0.001 to flat, none to valley: 0.00, though valley's share of tier 2 grew
#: from 1/3 to 163/490 of a larger tier (exactly, 0.0033 → 0.0067).
PROPORTIONAL_THREE_WAY = (
    hourly_case({0: 163, 8: 163, 16: 163}),
    tou_spec(
        "proportional",
        "0.488",
        ("peak", 0, 8, ["0", "0"]),
        ("flat", 8, 16, ["0", "0"]),
        ("valley", 16, 24, ["0", "10"]),
    ),
)


@st.composite
def scenarios(
    draw: st.DrawFn, readings_options: dict[str, object] | None = None, **tariff_options: object
) -> tuple[ReadingsCase, TariffSpec]:
    """Readings and a tariff in the same time zone, tier bounds sized to the readings."""
    case = draw(readings_cases(**(readings_options or {})))  # type: ignore[arg-type]
    spec = draw(
        tariff_specs(case.timezone, month_kwh_hint=case.month_kwh_hint, **tariff_options)  # type: ignore[arg-type]
    )
    return case, spec


def accounts() -> st.SearchStrategy[Account | None]:
    """No account, or one with an extra monthly tier allowance (一户多人口)."""
    return st.none() | st.builds(
        Account,
        account_id=st.just("A-1"),
        tier_allowance_kwh_per_month=st.integers(0, 300).map(Decimal),
    )


# -- 1. a bill's total is the sum of its rounded lines ---------------------------------


@given(scenarios())
def test_total_is_the_sum_of_rounded_line_amounts(
    scenario: tuple[ReadingsCase, TariffSpec],
) -> None:
    case, spec = scenario
    bills = price(parse_tariff(spec.yaml_text()), case.readings)
    mode = ROUNDING_MODES[spec.rounding_mode]
    cent = Decimal("0.01")
    assert bills
    for bill in bills:
        running = Decimal(0)
        for line in bill.lines:
            assert line.amount.as_tuple().exponent >= -2, line  # type: ignore[operator]
            if line.kind in {"energy", "surcharge", "tax"}:
                assert line.quantity is not None and line.rate is not None
                assert line.amount == (line.quantity * line.rate).quantize(cent, mode), line
            if line.kind == "export_credit":
                assert line.quantity is not None and line.rate is not None
                assert line.amount == (-(line.quantity * line.rate)).quantize(cent, mode), line
            running += line.amount
        assert bill.total == running
    document = bills_to_json(bills)
    grand_total = sum((bill.total for bill in bills), Decimal(0))
    assert f'"total": "{grand_total:f}"\n}}\n' in document


# -- 2. every kWh is billed exactly once -----------------------------------------------


@example(scenario=PROPORTIONAL_EVEN_SPLIT, account=None)
@example(scenario=PROPORTIONAL_THREE_WAY, account=None)
@given(scenarios(), accounts())
def test_every_kwh_is_billed_once(
    scenario: tuple[ReadingsCase, TariffSpec], account: Account | None
) -> None:
    case, spec = scenario
    readings = case.readings
    bills = price(parse_tariff(spec.yaml_text()), readings, account)
    dates = local_dates(readings, case.timezone)
    for bill in bills:
        assert bill.energy_kwh == kwh_of_bill(readings, dates, bill)
        quantities = [line.quantity for line in energy_lines([bill])]
        if spec.tiers is not None and spec.tiers.method == "increment":
            quantities = [
                line.quantity
                for line in energy_lines([bill])
                if not INCREMENT_CODE.search(line.code)
            ]
        assert sum(quantities, Decimal(0)) == bill.energy_kwh
        if spec.period_of_hour is not None:
            # Each kWh is billed in the period it was read in, whatever the tier method.
            expected = kwh_by_wall_clock_period(readings, case.timezone, spec.period_of_hour, bill)
            assert kwh_billed_by_period(bill, spec) == expected
    # Bills are consecutive and cover every day read.
    assert bills[0].period_start == case.first_day
    assert bills[-1].period_end == case.first_day + dt.timedelta(days=case.days)
    for earlier, later in zip(bills, bills[1:], strict=False):
        assert earlier.period_end == later.period_start
    total = sum((bill.energy_kwh for bill in bills), Decimal(0))
    assert total == Decimal(sum(readings.kwh)).scaleb(-3)


# -- 3. splitting a period leaves energy-only charges unchanged ------------------------


@given(st.data())
def test_splitting_the_readings_leaves_energy_charges_unchanged(data: st.DataObject) -> None:
    case, spec = data.draw(scenarios(tiers=False, extras=False))
    readings = case.readings
    cut = data.draw(st.integers(1, len(readings) - 1), label="cut")
    first, second = split(readings, cut)
    tariff = parse_tariff(spec.yaml_text())
    whole_bills = price(tariff, readings)
    part_bills = price(tariff, first) + price(tariff, second)
    assert exact_charge(part_bills) == exact_charge(whole_bills)
    assert quantity_by_code(part_bills) == quantity_by_code(whole_bills)


# -- 4. scaling readings by k scales energy charges by k -------------------------------


@given(st.data())
def test_scaling_readings_scales_energy_charges(data: st.DataObject) -> None:
    case, spec = data.draw(scenarios(tiers=False))
    factor = data.draw(st.integers(2, 7), label="factor")
    readings = case.readings
    scaled = with_kwh(readings, [value * factor for value in readings.kwh])
    tariff = parse_tariff(spec.yaml_text())
    kinds = ("energy", "surcharge")
    base_bills, scaled_bills = price(tariff, readings), price(tariff, scaled)
    assert exact_charge(scaled_bills, kinds) == factor * exact_charge(base_bills, kinds)
    expected = {code: factor * value for code, value in quantity_by_code(base_bills, kinds).items()}
    assert quantity_by_code(scaled_bills, kinds) == expected


# -- 5. a TOU tariff with one price everywhere is the flat tariff ----------------------


@given(
    scenarios(
        time_of_use=True,
        uniform_prices=True,
        tier_methods=("proportional", "chronological", "increment"),
        price_places=3,
        rounding_places=6,
    )
)
def test_time_of_use_with_one_price_bills_as_flat(
    scenario: tuple[ReadingsCase, TariffSpec],
) -> None:
    # Prices with at most 3 decimals times kWh with 3 decimals have at most 6: rounding
    # line amounts to 6 places is then exact, so the totals must agree to the last digit.
    case, spec = scenario
    time_of_use_bills = price(parse_tariff(spec.yaml_text()), case.readings)
    flat_bills = price(parse_tariff(spec.flat_variant().yaml_text()), case.readings)
    assert len(time_of_use_bills) == len(flat_bills)
    for tou_bill, flat_bill in zip(time_of_use_bills, flat_bills, strict=True):
        assert tou_bill.energy_kwh == flat_bill.energy_kwh
        assert exact_charge([tou_bill]) == exact_charge([flat_bill])
        assert tou_bill.total == flat_bill.total


# -- 6. DST days: each interval once, classified by its wall-clock hour ----------------


@given(
    scenarios(
        readings_options={
            "timezone": st.sampled_from(sorted(DST_CHANGE_DAYS)),
            "cover_dst_change": True,
            "max_days": 40,
        },
        tiers=False,
    )
)
def test_dst_days_price_each_interval_once_in_its_wall_clock_period(
    scenario: tuple[ReadingsCase, TariffSpec],
) -> None:
    case, spec = scenario
    readings = case.readings
    bills = price(parse_tariff(spec.yaml_text()), readings)
    dates = local_dates(readings, case.timezone)
    assert sum((bill.energy_kwh for bill in bills), Decimal(0)) == readings.total()
    for bill in bills:
        assert bill.energy_kwh == kwh_of_bill(readings, dates, bill)
        lines = energy_lines([bill])
        assert sum((line.quantity for line in lines), Decimal(0)) == bill.energy_kwh
        if spec.period_of_hour is not None:
            expected = kwh_by_wall_clock_period(readings, case.timezone, spec.period_of_hour, bill)
            found = {f"energy.{name}": value for name, value in expected.items()}
            assert quantity_by_code([bill]) == found


# -- 7. using more never costs less ----------------------------------------------------


@dataclass(frozen=True)
class Raise:
    """Readings, a tariff, and one interval's kWh raised by ``extra_units`` [0.001 kWh]."""

    case: ReadingsCase
    spec: TariffSpec
    account: Account | None
    index: int
    extra_units: int


@st.composite
def raises(draw: st.DrawFn) -> Raise:
    """A tariff without export credits, tier prices non-decreasing in every period."""
    case, spec = draw(scenarios(export_credit=False, increasing_tier_prices=True))
    return Raise(
        case=case,
        spec=spec,
        account=draw(accounts()),
        index=draw(st.integers(0, len(case.readings) - 1)),
        extra_units=draw(st.integers(1, 50_000)),
    )


@example(Raise(*PROPORTIONAL_EVEN_SPLIT, account=None, index=12, extra_units=1))
@example(Raise(*CHRONOLOGICAL_AT_THE_BOUND, account=None, index=0, extra_units=1))
@example(Raise(*PROPORTIONAL_THREE_WAY, account=None, index=0, extra_units=1))
@given(raises())
def test_raising_an_interval_never_lowers_the_bill(case: Raise) -> None:
    """Using more never costs less, up to the two roundings a tariff declares.

    The law holds exactly for exact amounts split exactly. A bill rounds each line on its
    own (the tariff's declared rounding), so its total may fall by up to half a minor
    unit per line when a line's exact amount crosses a rounding boundary (pinned:
    ``PROPORTIONAL_EVEN_SPLIT``, ``CHRONOLOGICAL_AT_THE_BOUND``); and a proportional split
    shares each tier's kWh between periods in whole units of the readings' resolution,
    so one unit may move to a cheaper period (pinned: ``PROPORTIONAL_THREE_WAY``). Both
    bounds are stated here exactly; beyond them, a fall is a bug.
    """
    readings = case.case.readings
    raised = readings.kwh.copy()
    raised[case.index] += case.extra_units
    tariff = parse_tariff(case.spec.yaml_text())
    before = price(tariff, readings, case.account)
    after = price(tariff, with_kwh(readings, raised), case.account)
    assert len(before) == len(after)
    unit = Decimal(1).scaleb(-readings.scale)
    for old, new in zip(before, after, strict=True):
        change = f"\nbefore: {summary(old)}\nafter:  {summary(new)}"
        rates = [line.rate for line in [*old.lines, *new.lines] if line.rate is not None]
        tiers = 1 + max((line.code.count(".tier") for line in new.lines), default=0)
        split_slack = unit * max((abs(r) for r in rates), default=Decimal(0)) * tiers * 2
        assert exact_charge([new]) >= exact_charge([old]) - split_slack, (
            "energy charge fell" + change
        )
        rounding_slack = Decimal("0.005") * (len(old.lines) + len(new.lines))
        assert new.total >= old.total - rounding_slack - split_slack, "bill total fell" + change


# -- 8. JSON output is deterministic ---------------------------------------------------


@given(scenarios())
def test_json_output_is_byte_identical_across_runs(
    scenario: tuple[ReadingsCase, TariffSpec],
) -> None:
    case, spec = scenario
    first = bills_to_json(price(parse_tariff(spec.yaml_text()), case.readings)).encode()
    second = bills_to_json(price(parse_tariff(spec.yaml_text()), case.readings)).encode()
    assert first == second


# -- 9. dump and load give the tariff back ---------------------------------------------


@given(
    st.sampled_from(("Asia/Shanghai", "UTC", "America/Los_Angeles", "Europe/London")).flatmap(
        tariff_specs
    )
)
def test_tariff_dump_and_load_round_trip(spec: TariffSpec) -> None:
    tariff = parse_tariff(spec.yaml_text())
    reloaded = Tariff.model_validate(tariff.model_dump(mode="python"))
    assert reloaded.model_dump(mode="python") == tariff.model_dump(mode="python")
    assert reloaded == tariff


# -- 10. a dated change of capacity that changes nothing changes no bill ---------------

CAPACITY_TARIFF = table_yaml(
    "capacity-law",
    """\
    charges:
      - kind: energy
        price_per_kwh: "0.60"
      - kind: basic
        capacity_price_per_kva: "25.50"
        suspension: {min_days: 15, max_days_per_year: 40}
""",
)
#: Hourly readings from 15 June to 15 August 2025 (three bills, two of them partial).
CAPACITY_READINGS = "start,kwh\n" + "".join(
    f"{dt.datetime(2025, 6, 15) + dt.timedelta(hours=h):%Y-%m-%dT%H:%M},1\n" for h in range(61 * 24)
)
#: The days on which a change may fall: 1 June to 31 August 2025.
CHANGE_DAYS = [dt.date(2025, 6, 1) + dt.timedelta(days=d) for d in range(92)]


@st.composite
def capacity_accounts(draw: st.DrawFn) -> dict[str, object]:
    """An account by capacity with dated reductions, restorations and suspensions."""
    capacity = draw(st.integers(0, 5000))
    days = sorted(draw(st.sets(st.sampled_from(CHANGE_DAYS), max_size=5)))
    changes: list[dict[str, object]] = []
    current, suspended = capacity, 0
    for day in days:
        change: dict[str, object] = {"from": day.isoformat()}
        if draw(st.booleans()):
            current = draw(st.integers(suspended, 5000))
            change["capacity_kva"] = current
        if draw(st.booleans()) or len(change) == 1:
            suspended = draw(st.integers(0, current))
            change["suspended_kva"] = suspended
        if draw(st.booleans()):
            change["suspended_billed_percent"] = draw(st.sampled_from([0, 50, 100, "12.5"]))
        if draw(st.booleans()):
            change["reduced_billed_percent"] = draw(st.sampled_from([0, 50, "12.5"]))
        changes.append(change)
    return {
        "account_id": "C-1",
        "basic_charge_method": "capacity",
        "capacity_kva": capacity,
        "capacity_changes": changes,
        "meter_read_day": draw(st.sampled_from([1, 10, 28])),
    }


def capacity_bills(account: dict[str, object]) -> str:
    readings = parse_readings_csv(CAPACITY_READINGS, "r.csv", "Asia/Shanghai")
    tariff = parse_tariff(CAPACITY_TARIFF, "capacity-law.yaml")
    return bills_to_json(price(tariff, readings, Account.model_validate(account)))


@given(
    capacity_accounts(), st.sampled_from(CHANGE_DAYS), st.sampled_from(["kva", "suspended", "both"])
)
def test_a_change_that_restates_the_capacity_in_force_changes_no_bill(
    account: dict[str, object], day: dt.date, fields: str
) -> None:
    changes = account["capacity_changes"]
    assert isinstance(changes, list)
    if any(change["from"] == day.isoformat() for change in changes):
        return
    # The state in force on the day, worked out from the changes before it.
    capacity, suspended = account["capacity_kva"], 0
    for change in changes:
        if change["from"] < day.isoformat():
            capacity = change.get("capacity_kva", capacity)
            suspended = change.get("suspended_kva", suspended)
    restated: dict[str, object] = {"from": day.isoformat()}
    if fields in ("kva", "both"):
        restated["capacity_kva"] = capacity
    if fields in ("suspended", "both"):
        restated["suspended_kva"] = suspended
    with_it = dict(account)
    with_it["capacity_changes"] = sorted([*changes, restated], key=lambda c: str(c["from"]))
    assert capacity_bills(with_it) == capacity_bills(account)


@given(capacity_accounts())
def test_changes_that_restate_the_first_capacity_give_the_bills_of_no_change(
    account: dict[str, object],
) -> None:
    plain = {key: value for key, value in account.items() if key != "capacity_changes"}
    changes = account["capacity_changes"]
    assert isinstance(changes, list)
    restating = [
        {"from": change["from"], "capacity_kva": account["capacity_kva"]} for change in changes
    ]
    assert capacity_bills({**plain, "capacity_changes": restating}) == capacity_bills(plain)
