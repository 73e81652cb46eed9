"""Tests of `tariffs.engine.explain`: every explained number reproduces its line.

The laws are checked on every bundled table under several accounts, on URDB records and
on small tables written for the tests (a ratchet, an annual ladder, a capacity change):
the explained bills are the bills `price` gives; each exact amount rounds to the line's
amount; quantity × rate (× the month share) is the exact amount; the kWh of the periods
listed add up to the line's kWh; the tier pieces add up to the kWh on the ladder and each
lies between its bounds; the demand window's kWh × 60 / window is the line's kW, and its
intervals are the readings'; a percentage line's base is the sum of the lines it names.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from strategies import readings_cases, tariff_specs
from tables import table_yaml
from tariffs import (
    Account,
    AccountError,
    TariffsError,
    UnsupportedFeatureError,
    load_tariff,
    parse_tariff,
    price,
)
from tariffs.engine.explain import BillExplanation, DemandFacts, PeriodFacts, Reason, explain
from tariffs.io.render.labels import REASON_KEYS, has_latin, reason_text
from tariffs.model.bill import round_amount
from tariffs.model.readings import Readings, to_decimal
from tariffs.model.tariff import Tariff

ROOT = Path(__file__).resolve().parents[2]
TABLES = sorted((ROOT / "tariff_tables").rglob("*.yaml"))
URDB = sorted((ROOT / "tests" / "data" / "urdb").glob("*.json"))


def _priced_records() -> list[Path]:
    """The URDB records the engine prices (the others are refused when loaded)."""
    found = []
    for record in URDB:
        try:
            load_tariff(str(record), timezone="America/Denver", past_enddate=True)
        except UnsupportedFeatureError:
            continue
        found.append(record)
    return found


PRICED_URDB = _priced_records()

ACCOUNTS: dict[str, dict[str, Any] | None] = {
    "contract": {"account_id": "F-001", "capacity_kva": 1250, "contract_demand_kw": 600,
                 "basic_charge_method": "contract_demand"},
    "capacity": {"account_id": "F-002", "capacity_kva": 800, "contract_demand_kw": 500,
                 "basic_charge_method": "capacity", "service_start": "2025-06-10",
                 "service_end": "2025-08-20"},
    "actual": {"account_id": "F-003", "capacity_kva": 2000, "contract_demand_kw": 900,
               "basic_charge_method": "actual_demand", "meter_read_day": 15,
               "losses": {"kwh_per_month": 1200, "kvarh_per_month": 300, "percent": "1.5"}},
    "household": {"account_id": "H-001", "tier_allowance_kwh_per_month": 100,
                  "year_to_date_kwh": 1830, "critical_peak_days": ["2025-07-15"]},
    "none": None,
}  # fmt: skip


def readings_from(start: dt.datetime, days: int, step_minutes: int = 15) -> Readings:
    """``days`` of readings from ``start``, kWh and kvarh from integer formulas (scale 3)."""
    first = int(start.timestamp())
    step = step_minutes * 60
    count = days * 86400 // step
    kwh = [
        (20 + 60 * (8 <= (i * step // 3600) % 24 < 22)) * 1000 + (i * 7919) % 23000
        for i in range(count)
    ]
    return Readings(
        source="load.csv",
        interval_seconds=step,
        starts=list(range(first, first + count * step, step)),
        scale=3,
        kwh=kwh,
        kvarh=[value * (30 + (i * 31) % 40) // 100 for i, value in enumerate(kwh)],
        export_kwh=[(i * 13) % 500 for i in range(count)],
    )


SHANGHAI = dt.timezone(dt.timedelta(hours=8))
QUARTER = readings_from(dt.datetime(2025, 6, 1, tzinfo=SHANGHAI), 92)


def account_of(name: str) -> Account | None:
    data = ACCOUNTS[name]
    return None if data is None else Account.model_validate(data)


def exact(value: Decimal | Fraction) -> Fraction:
    return Fraction(value)


#: The facts of a reason that are words to be written in Chinese, not data to keep.
_WORDS = frozenset({"unit", "energy", "per", "scope", "mode", "method"})


def _data(value: object) -> list[str]:
    """The data of a reason's facts: names, ids, dates, numbers (nested reasons' too)."""
    if isinstance(value, Reason):
        return [d for key, item in value.params.items() if key not in _WORDS for d in _data(item)]
    if isinstance(value, str):
        return [value]
    if isinstance(value, tuple | list):
        return [d for item in value for d in _data(item)]
    return [] if isinstance(value, bool) else [str(value)]


def chinese_words(reason: str) -> str:
    """A reason in Chinese less its data; it has a key, and Chinese words only are left.

    What stays as written is data: period, season and day-type names a table chose,
    line codes, account ids, files, dates and times, numbers, currency codes.
    """
    assert isinstance(reason, Reason) and reason.key in REASON_KEYS, reason
    chinese = reason_text(reason, "zh")
    words = chinese
    for piece in sorted(set(_data(reason)), key=len, reverse=True):
        if piece:
            words = words.replace(piece, "")
    assert not has_latin(words), (chinese, words)
    return words


def check_laws(explained: list[BillExplanation], tariff: Tariff, readings: Readings) -> None:
    """Every law of the module docstring, on every line of every explained bill.

    And every reason has a key and is written in Chinese from its facts.
    """
    scale = readings.scale
    index_of = {start: i for i, start in enumerate(readings.starts)}
    for bill_explained in explained:
        bill = bill_explained.bill
        assert len(bill_explained.lines) == len(bill.lines)
        # The intervals listed for the bill's segments are the bill's kWh, read once.
        read = sum(
            (p.read_kwh for segment in bill_explained.segments for p in segment["periods"]),
            Decimal(0),
        )
        assert read == bill.energy_kwh
        tiers: dict[tuple[str, int], list[Any]] = defaultdict(list)
        earlier: list[tuple[str, Decimal]] = []
        for item in bill_explained.lines:
            line, facts = item.line, item.facts
            assert item.exact_amount is not None, line.code
            for reason in item.because:
                chinese_words(reason)
            mode, places = item.rounding
            if line.code == "rounding" and tariff.rounding.per == "bill":
                # The total alone is rounded to places; the lines add up to it.
                assert (mode, places) == (tariff.rounding.mode, tariff.places)
                assert sum((other.amount for other in bill.lines), Decimal(0)) == bill.total
                assert round_amount(facts["lines_sum"], places, mode) == bill.total
                assert facts["lines_sum"] + line.amount == bill.total
                assert item.because, line.code
                continue
            # Each line is rounded to line_places (places, unless the total alone is).
            assert (mode, places) == (tariff.rounding.mode, tariff.line_places)
            assert round_amount(item.exact_amount, places, mode) == line.amount, line.code
            assert item.because, line.code
            # quantity × rate × share = the exact amount (a credit is negative).
            if line.rate is not None and line.quantity is not None:
                if line.kind == "fixed":
                    product = exact(facts["count"]) * exact(line.rate)
                else:
                    product = exact(line.quantity) * exact(line.rate)
                    product *= facts.get("month_share", Fraction(1))
                if facts.get("credit"):
                    product = -product
                assert product == exact(item.exact_amount), line.code
            periods: list[PeriodFacts] = facts.get("periods", [])
            tier = facts.get("tier")
            if periods:
                kwh = sum((p.kwh for p in periods), Decimal(0))
                assert all(p.intervals > 0 for p in periods)
                if tier is None:
                    assert kwh == line.quantity, line.code
                elif tier["bucket_kwh"] is not None:
                    assert kwh == tier["bucket_kwh"], line.code
            if "intervals" in facts and "read_kwh" in facts and line.kind == "surcharge":
                assert facts["kwh"] == line.quantity
            if tier is not None:
                low = Decimal(0) if tier["tier"] == 1 else tier["bounds_kwh"][tier["tier"] - 2]
                bounds = tier["bounds_kwh"]
                high = None if tier["tier"] > len(bounds) else bounds[tier["tier"] - 1]
                position, total = tier["counted_before_kwh"], tier["total_kwh"]
                top = position + total if high is None else min(position + total, high)
                assert tier["tier_kwh"] == max(Decimal(0), top - max(position, low)), line.code
                key = (line.code.rsplit(".tier", 1)[0] if tier["method"] == "per_period"
                       else line.code.split(".")[0], tier["tier"])  # fmt: skip
                tiers[key].append((tier, line.quantity))
            demand = facts.get("demand")
            if demand is not None:
                assert isinstance(demand, DemandFacts)
                assert demand.demand_kw == facts["measured_kw"], line.code
                if demand.start is not None and not demand.metered:
                    assert demand.window_kwh * 60 / demand.window_minutes == demand.demand_kw
                    assert demand.intervals * readings.interval_seconds == (
                        demand.window_minutes * 60
                    )
                    first = index_of[int(demand.start.timestamp())]
                    column = readings.kvarh if demand.reactive else readings.kwh
                    assert column is not None
                    window = column[first : first + demand.intervals]
                    assert to_decimal(sum(window), scale) == demand.window_kwh
                if demand.start is not None and demand.metered:
                    assert readings.kw is not None
                    first = index_of[int(demand.start.timestamp())]
                    assert to_decimal(readings.kw[first], scale) == demand.demand_kw
                if "billing_kw" in facts:
                    assert facts["billing_kw"] >= facts["measured_kw"]
                    if "tiers_kw" not in facts:
                        assert line.quantity == facts["billing_kw"]
            base = facts.get("base_lines")
            if base is not None:
                summed = sum((amount for _, amount in base), Decimal(0))
                if line.kind == "minimum":  # what the minimum made up of the base
                    assert facts["minimum"] - summed == item.exact_amount, line.code
                else:
                    assert line.quantity == summed, line.code
                for pair in base:
                    assert pair in earlier, (line.code, pair)
            earlier.append((line.code, line.amount))
        # The pieces of one tier add up to the kWh the tier holds.
        for (_, _), pieces in tiers.items():
            tier_kwh = {tier["tier_kwh"] for tier, _ in pieces}
            if pieces[0][0]["method"] in ("proportional", "chronological", "per_period"):
                if len(bill_explained.segments) == 1 and len(tier_kwh) == 1:
                    assert sum(quantity for _, quantity in pieces) == tier_kwh.pop()


def explained_or_refused(
    tariff: Tariff, readings: Readings, account: Account | None
) -> list[BillExplanation] | None:
    """The explanation, or None when `price` refuses too (with the same error)."""
    try:
        bills = price(tariff, readings, account)
    except TariffsError as error:
        with pytest.raises(type(error)):
            explain(tariff, readings, account)
        return None
    explained = explain(tariff, readings, account)
    assert [item.bill for item in explained] == bills
    return explained


@pytest.mark.parametrize("account", sorted(ACCOUNTS))
@pytest.mark.parametrize("table", TABLES, ids=[t.stem for t in TABLES])
def test_every_bundled_table_is_explained_by_its_own_numbers(table: Path, account: str) -> None:
    tariff = load_tariff(str(table))
    explained = explained_or_refused(tariff, QUARTER, account_of(account))
    if explained is None:
        # Only a two-part table refuses, and only an account without its contract data.
        assert "industrial" in table.stem and account in ("household", "none")
        return
    check_laws(explained, tariff, QUARTER)


@pytest.mark.parametrize("record", PRICED_URDB, ids=[r.stem[:30] for r in PRICED_URDB])
def test_urdb_records_are_explained_by_their_own_numbers(record: Path) -> None:
    assert len(PRICED_URDB) >= 8  # most of the records of tests/data/urdb
    tariff = load_tariff(str(record), timezone="America/Denver", past_enddate=True)
    readings = readings_from(dt.datetime(2025, 1, 1, tzinfo=dt.UTC), 75)
    explained = explained_or_refused(tariff, readings, None)
    assert explained is not None
    check_laws(explained, tariff, readings)


RATCHET = table_yaml(
    "ratchet",
    """\
    demand_window: {minutes: 30, sliding: true}
    charges:
      - kind: energy
        price_per_kwh: "0.1"
      - kind: demand
        price_per_kw: "10"
        minimum_kw: 50
        ratchet: {percent: 80, lookback_months: 11}
      - kind: tax
        percent: 5
""",
)


def test_a_ratchet_says_which_demand_won() -> None:
    tariff = parse_tariff(RATCHET, "ratchet.yaml")
    # June's demand sets the ratchet of the months after it: history says 900 kW in May.
    account = Account(account_id="R", demand_history_kw={"2025-05": 900})
    explained = explain(tariff, QUARTER, account)
    check_laws(explained, tariff, QUARTER)
    june = explained[0].lines[1]
    # The ratchet: 80 % × 900 kW = 720 kW, above June's measured maximum (about 400 kW).
    assert june.facts["ratchet"]["highest_kw"] == 900
    assert june.facts["ratchet"]["ratchet_kw"] == 720
    assert june.line.quantity == 720
    assert june.facts["measured_kw"] < 720
    assert any("the ratchet's 720 kW is billed" in text for text in june.because)
    demand = june.facts["demand"]
    assert demand.sliding and demand.window_minutes == 30 and demand.intervals == 2


ANNUAL = table_yaml(
    "annual",
    """\
    charges:
      - kind: energy
        tiers:
          reset: annual
          bounds_kwh: [60000, 120000]
        price_per_kwh: ["0.5", "0.6", "0.8"]
""",
)


def test_an_annual_ladder_names_the_year_to_date() -> None:
    tariff = parse_tariff(ANNUAL, "annual.yaml")
    account = Account(account_id="Y", year_to_date_kwh=Decimal(50000))
    explained = explain(tariff, QUARTER, account)
    check_laws(explained, tariff, QUARTER)
    june = explained[0]
    first = june.lines[0].facts["tier"]
    # 50000 kWh before June: tier 1 holds the 10000 kWh left below 60000.
    assert first["counted_before_kwh"] == 50000 and first["tier"] == 1
    assert first["tier_kwh"] == 10000
    assert june.lines[0].line.quantity == 10000
    july = explained[1].lines[0].facts["tier"]
    assert july["counted_before_kwh"] == 50000 + june.bill.energy_kwh


def test_the_industrial_example_explains_its_basic_charge() -> None:
    tariff = load_tariff("cn-sh-industrial-two-part")
    from tariffs import load_account, read_readings_csv

    readings = read_readings_csv(str(ROOT / "examples" / "readings.csv"), tariff.timezone)
    account = load_account(str(ROOT / "examples" / "account.yaml"))
    (july,) = explain(tariff, readings, account)
    check_laws([july], tariff, readings)
    basic = next(item for item in july.lines if item.line.code == "basic.demand")
    # Contract demand 600 kW × 40.80 CNY/kW = 24480.00 CNY, a whole month (31 of 31 days).
    assert basic.line.quantity == 600 and basic.line.rate == Decimal("40.80")
    assert basic.exact_amount == Decimal("24480.00") and basic.facts["month_share"] == 1
    assert basic.facts["method"] == "contract_demand"
    # The floor: 40 % of 1250 kVA = 500 kW, under the contract's 600 kW.
    assert basic.facts["floor_kw"] == 500
    # The maximum demand: readings.csv row 2025-07-30T09:00 has 155.96 kWh in 15 minutes,
    # 155.96 × 60 / 15 = 623.84 kW, under the overrun allowance 105 % × 600 = 630 kW.
    demand = basic.facts["demand"]
    assert demand.start == dt.datetime(2025, 7, 30, 9, 0, tzinfo=demand.start.tzinfo)
    assert demand.window_kwh == Decimal("155.960") and demand.demand_kw == Decimal("623.840")
    assert basic.because == (
        "maximum demand 623.840 kW over 15-minute clock-aligned windows, in the window from "
        "2025-07-30T09:00 (1 interval, 155.960 kWh × 60 / 15)",
        "basic_charge_method contract_demand of account F-001",
        "floor: 40 % of 1250 kVA = 500 kW",
        "contract demand 600 kW, at least the floor 500 kW: 600 kW",
        "overrun allowance 105 % of 600 kW = 630 kW; measured 623.840 kW is not above it",
        "600 kW × 40.80 = 24480.00 CNY",
    )
    # The power factor: 324268.330 kWh and 136192.570 kvarh give
    # 324268.33 / √(324268.33² + 136192.57²) = 0.9219... → 0.92: -0.30 % of the energy
    # and basic lines, 136152.41 + 53114.65 + 16697.64 + 40497.34 + 24480.00 = 270942.04.
    factor = july.lines[-1]
    assert factor.facts["power_factor"] == Decimal("0.92")
    assert factor.facts["percent"] == Decimal("-0.30")
    assert factor.line.quantity == Decimal("270942.04")
    assert factor.exact_amount == Decimal("-812.82612")  # 270942.04 × -0.003
    peak = july.lines[0]
    (period,) = peak.facts["periods"]
    # Peak: 08:00-12:00, 14:00-15:00 and 18:00-21:00, 8 hours × 4 intervals × 31 days.
    assert period.intervals == 8 * 4 * 31
    assert period.windows == ("08:00-12:00", "14:00-15:00", "18:00-21:00")
    # Critical peak: the table's summer override of peak at 12:00-14:00 in July and August,
    # 2 hours × 4 intervals × 31 days.
    critical = next(item for item in july.lines if item.line.code == "energy.critical_peak")
    (period,) = critical.facts["periods"]
    assert period.intervals == 2 * 4 * 31
    assert period.overrides == ("override 12:00-14:00 in months 7, 8, replacing peak",)


def test_a_capacity_change_is_explained_by_its_days() -> None:
    tariff = load_tariff("cn-sh-industrial-two-part")
    account = Account.model_validate({
        "account_id": "C", "capacity_kva": 1000, "basic_charge_method": "capacity",
        "capacity_changes": [{"from": "2025-06-11", "capacity_kva": 630}],
    })  # fmt: skip
    explained = explained_or_refused(tariff, QUARTER, account)
    assert explained is not None
    check_laws(explained, tariff, QUARTER)
    june = [item for item in explained[0].lines if item.line.unit == "kVA"]
    # 1000 kVA for June 1-10 (10 of 30 days), then 630 kVA for 20 days.
    assert [(item.line.quantity, item.facts["days"]) for item in june] == [(1000, 10), (630, 20)]
    assert [item.facts["month_share"] for item in june] == [Fraction(1, 3), Fraction(2, 3)]


def test_pricing_without_explaining_is_unchanged() -> None:
    """`price` builds no recorder: its bills equal the explained ones, line for line."""
    tariff = load_tariff("cn-sh-industrial-two-part")
    account = account_of("contract")
    assert price(tariff, QUARTER, account) == [
        item.bill for item in explain(tariff, QUARTER, account)
    ]


def test_a_refused_bill_is_refused_when_explained() -> None:
    tariff = load_tariff("cn-sh-industrial-two-part")
    with pytest.raises(AccountError, match="basic_charge_method"):
        explain(tariff, QUARTER, Account(account_id="X"))


@settings(suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_generated_tariffs_are_explained_by_their_own_numbers(data: st.DataObject) -> None:
    """Any drawn tariff (flat or by period, every tier method, extras) on any drawn readings."""
    case = data.draw(readings_cases())
    spec = data.draw(tariff_specs(case.timezone, month_kwh_hint=case.month_kwh_hint))
    tariff = parse_tariff(spec.yaml_text())
    allowance = data.draw(st.none() | st.integers(0, 300))
    account = (
        None
        if allowance is None
        else Account(account_id="A-1", tier_allowance_kwh_per_month=Decimal(allowance))
    )
    explained = explained_or_refused(tariff, case.readings, account)
    if explained is not None:
        check_laws(explained, tariff, case.readings)


TWO_VERSIONS = table_yaml(
    "two-versions",
    """\
    charges:
      - kind: energy
        tiers: {reset: monthly, bounds_kwh: [20000]}
        price_per_kwh: ["0.5", "0.7"]
      - kind: fixed
        per: month
        amount: "31"
  "2025-07-16":
    charges:
      - kind: energy
        tiers: {reset: monthly, bounds_kwh: [20000]}
        price_per_kwh: ["0.6", "0.8"]
      - kind: fixed
        per: month
        amount: "31"
""",
)


def test_a_bill_cut_by_a_new_version_explains_each_segment() -> None:
    tariff = parse_tariff(TWO_VERSIONS, "two-versions.yaml")
    explained = explain(tariff, QUARTER, None)
    check_laws(explained, tariff, QUARTER)
    july = explained[1]
    # July 1-15 under the first version (15 of 31 days), July 16-31 under the second.
    assert [(s["start"], s["days"]) for s in july.segments] == [
        (dt.date(2025, 7, 1), 15),
        (dt.date(2025, 7, 16), 16),
    ]
    assert [s["month_share"] for s in july.segments] == [Fraction(15, 31), Fraction(16, 31)]
    fixed = [item for item in july.lines if item.line.kind == "fixed"]
    # 31 CNY a month: 31 × 15/31 = 15.00 and 31 × 16/31 = 16.00.
    assert [item.line.amount for item in fixed] == [Decimal("15.00"), Decimal("16.00")]
    assert [item.facts["count"] for item in fixed] == [Fraction(15, 31), Fraction(16, 31)]
    # The second segment's ladder starts where the first one's kWh left it.
    first, second = (
        next(i for i in july.lines[n:] if "tier" in i.facts) for n in (0, len(july.lines) // 2)
    )
    assert first.facts["tier"]["counted_before_kwh"] == 0
    first_kwh = sum((p.read_kwh for p in july.segments[0]["periods"]), Decimal(0))
    assert second.facts["tier"]["counted_before_kwh"] == first_kwh


SUSPENDED = table_yaml(
    "suspended",
    """\
    charges:
      - kind: basic
        capacity_price_per_kva: "30"
        suspension: {min_days: 15}
""",
)


def test_a_short_suspension_is_explained_as_billed_in_full() -> None:
    tariff = parse_tariff(SUSPENDED, "suspended.yaml")
    account = Account.model_validate({
        "account_id": "S", "capacity_kva": 1000, "basic_charge_method": "capacity",
        "capacity_changes": [{"from": "2025-06-11", "suspended_kva": 400},
                             {"from": "2025-06-21", "suspended_kva": 0}],
    })  # fmt: skip
    explained = explain(tariff, QUARTER, account)
    check_laws(explained, tariff, QUARTER)
    june = explained[0].lines
    # June 1-10 and 21-30 at 1000 kVA; June 11-20 600 kVA in service and 400 kVA suspended
    # for 10 days, under the 15 of min_days: billed in full, 30 CNY/kVA × 10/30 of a month.
    assert [(item.line.code, item.line.quantity, item.facts["days"]) for item in june] == [
        ("basic.capacity", 1000, 10),
        ("basic.capacity", 600, 10),
        ("basic.suspended", 400, 10),
        ("basic.capacity", 1000, 10),
    ]
    suspended = june[2]
    assert suspended.line.rate == 30 and suspended.exact_amount == 4000  # 400 × 30 × 1/3
    assert suspended.facts["suspended_kva"] == 400
    assert suspended.because[0] == (
        "basic_charge_method capacity: from 2025-06-11 to 2025-06-21 (exclusive), 1000 kVA "
        "contracted, 400 kVA suspended (capacity changes of account S)"
    )


def test_a_load_factor_discount_names_its_base() -> None:
    tariff = load_tariff("cn-sh-industrial-two-part")
    account = Account(account_id="L", capacity_kva=Decimal(500), contract_demand_kw=Decimal(300),
                      basic_charge_method="contract_demand")  # fmt: skip
    explained = explain(tariff, QUARTER, account)
    check_laws(explained, tariff, QUARTER)
    june = {item.line.code: item for item in explained[0].lines}
    discount = june["basic.load_factor_discount"]
    # June: 191455.440 kWh / 500 kVA = 382.9 kWh/kVA ≥ 260: 10 % off the basic lines.
    codes = [code for code, _ in discount.facts["base_lines"]]
    assert codes[:2] == ["basic.demand", "basic.overrun"]  # 396 kW > 105 % × 300 = 315 kW
    others = [code for code in june if code.startswith("basic.") and code != discount.line.code]
    assert codes == others
    assert discount.line.rate == Decimal("-0.1")


def test_a_meter_reported_demand_is_found_in_the_kw_column() -> None:
    tariff = load_tariff("cn-sh-industrial-two-part")
    kw = [1000 * (100 + (i * 37) % 400) for i in range(len(QUARTER.starts))]
    kw[5000] = 777_000  # 777 kW at interval 5000, above every other (at most 499 kW)
    readings = Readings(
        source="meter.csv", interval_seconds=QUARTER.interval_seconds, starts=QUARTER.starts,
        scale=3, kwh=QUARTER.kwh, kvarh=QUARTER.kvarh, kw=kw,
    )  # fmt: skip
    account = Account(account_id="K", capacity_kva=Decimal(2000),
                      basic_charge_method="actual_demand")  # fmt: skip
    explained = explain(tariff, readings, account)
    check_laws(explained, tariff, readings)
    month = next(b for b in explained if b.bill.period_start.month == 7)  # interval 5000
    basic = next(item for item in month.lines if item.line.code == "basic.demand")
    demand = basic.facts["demand"]
    assert demand.metered and demand.demand_kw == 777
    assert int(demand.start.timestamp()) == QUARTER.starts[5000]
    assert basic.line.quantity == 800  # the floor, 40 % of 2000 kVA, above 777 kW


def test_rounding_once_per_bill_is_explained() -> None:
    # rounding: {per: bill, places: 1, line_places: 4}: the lines are carried to 4 places
    # and the total is rounded once, to the 角, by the rounding line.
    #   peak   12 kWh × 0.56875 = 6.825
    #   valley 12 kWh × 0.28875 = 3.465
    #   fixed  10 × 1/31 = 0.32258... → 0.3226
    # The lines add up to 10.6126; rounded half-up to 1 place, 10.6; difference -0.0126.
    from tariffs import parse_readings_csv
    from test_golden_rounding import one_day, table

    tariff = parse_tariff(table("{per: bill, places: 1, line_places: 4}"))
    readings = parse_readings_csv(one_day(), "r.csv", "Asia/Shanghai")
    (bill,) = explain(tariff, readings)
    check_laws([bill], tariff, readings)
    fixed, rounding = bill.lines[-2], bill.lines[-1]
    assert fixed.rounding == ("half_up", 4)
    assert fixed.because[-1] == (
        "10 × 1/31 month = 10/31 ≈ 0.32258065 CNY, rounded half-up to 4 places: 0.3226"
    )
    assert (rounding.line.code, rounding.line.amount) == ("rounding", Decimal("-0.0126"))
    assert rounding.facts == {"lines_sum": Decimal("10.6126"), "total": Decimal("10.6")}
    assert rounding.because == (
        "the other lines add up to 10.6126 CNY; the total is rounded half-up once, to 1 "
        "place: 10.6, and this line holds the difference, -0.0126",
    )


def test_a_tariff_the_account_may_not_take_is_explained_with_its_warning() -> None:
    # The household table is for customer_class residential; the factory is industrial:
    # price warns on every bill, and the explained bills are those bills, warning included.
    examples = ROOT / "examples"
    tariff = load_tariff(str(examples / "eligibility" / "household.yaml"))
    account = Account.model_validate(
        {"account_id": "F-2500", "customer_class": "industrial", "capacity_kva": 2500}
    )
    readings = readings_from(dt.datetime(2025, 7, 1), 31)
    priced = price(tariff, readings, account)
    explained = explain(tariff, readings, account)
    assert [item.bill for item in explained] == priced
    assert (
        explained[0]
        .bill.warnings[-1]
        .startswith(
            "account F-2500 may not take tariff household: customer_class industrial is not one of "
            "residential"
        )
    )
    check_laws(explained, tariff, readings)


def test_a_vat_line_is_explained_by_the_lines_it_taxes() -> None:
    # Exclusive prices: 240 kWh × 0.5000 = 120.00; VAT 13 % × 120.00 = 15.60.
    body = (
        '    charges:\n      - {kind: energy, price_per_kwh: "0.5000"}\n'
        '    vat: {rate: "0.13", prices: exclusive}\n'
    )
    tariff = parse_tariff(table_yaml("vat-test", body))
    first = int(dt.datetime(2025, 7, 1, tzinfo=SHANGHAI).timestamp())
    readings = Readings(
        source="load.csv",
        interval_seconds=3600,
        starts=list(range(first, first + 24 * 3600, 3600)),
        scale=3,
        kwh=[10_000] * 24,
    )
    (bill,) = explain(tariff, readings)
    check_laws([bill], tariff, readings)
    vat = bill.lines[-1]
    assert (vat.line.code, vat.exact_amount, vat.facts) == (
        "vat",
        Decimal("15.6000"),
        {"base": Decimal("120.00")},
    )
    assert vat.because[-1] == ("120.00 × 0.13 = 15.6000 CNY, rounded half-up to 2 places: 15.60")
