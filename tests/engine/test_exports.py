"""The laws of the metering rules of exported energy (`tariffs.engine.exports`).

Readings are hourly, January to June 2018 in UTC, drawn at random; the tariff has two
periods (``offpeak`` 00:00-12:00, ``peak`` 12:00-24:00) with drawn prices. Expected
values are worked out here from the readings' own hours, never from the engine's sums.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import replace
from decimal import ROUND_HALF_UP, Decimal
from typing import Any
from zoneinfo import ZoneInfo

from hypothesis import given
from hypothesis import strategies as st

from strategies import readings_cases, tariff_specs
from tariffs import Account, Bill, Readings, Tariff, parse_tariff, price

YEAR = 2018
MONTHS = 6
DAYS = sum((dt.date(YEAR, m + 1, 1) - dt.date(YEAR, m, 1)).days for m in range(1, MONTHS + 1))
HOURS = DAYS * 24
CENT = Decimal("0.01")
PERIODS = ("offpeak", "peak")


def prices() -> st.SearchStrategy[Decimal]:
    return st.integers(0, 5000).map(lambda value: Decimal(value).scaleb(-4))


def tariff(exports: dict[str, Any] | None, buy: tuple[Decimal, Decimal]) -> Tariff:
    version: dict[str, Any] = {
        "periods": [{"windows": {"offpeak": ["00:00-12:00"], "peak": ["12:00-24:00"]}}],
        "charges": [
            {"kind": "energy", "prices": {"offpeak": str(buy[0]), "peak": str(buy[1])}},
            {"kind": "fixed", "amount": "4.50", "per": "month"},
        ],
    }
    if exports is not None:
        version["exports"] = exports
    return Tariff.model_validate(
        {
            "id": "laws",
            "name": "laws",
            "currency": "USD",
            "timezone": "UTC",
            "reference": "a test tariff",
            "versions": {"2018-01-01": version},
        }
    )


def columns(seed: int, exports: bool = True) -> tuple[list[int], list[int]]:
    """Import and export [0.001 kWh] of each hour: sparse, some months exporting more."""
    chance = random.Random(seed)  # noqa: S311 - test data, not a secret
    kwh = [chance.choice((0, 0, 0, chance.randint(1, 9000))) for _ in range(HOURS)]
    export = [
        chance.choice((0, 0, chance.randint(1, 12000))) if exports else 0 for _ in range(HOURS)
    ]
    return kwh, export


def readings(kwh: list[int], export: list[int] | None) -> Readings:
    start = int(dt.datetime(YEAR, 1, 1, tzinfo=ZoneInfo("UTC")).timestamp())
    return Readings(
        source="laws.csv",
        interval_seconds=3600,
        starts=list(range(start, start + HOURS * 3600, 3600)),
        scale=3,
        kwh=kwh,
        export_kwh=export,
    )


def by_month_and_period(values: list[int]) -> dict[tuple[int, str], Decimal]:
    """kWh of each (month, period), from the hours themselves."""
    found: dict[tuple[int, str], Decimal] = {}
    first = dt.datetime(YEAR, 1, 1)
    for index, value in enumerate(values):
        moment = first + dt.timedelta(hours=index)
        key = (moment.month, "offpeak" if moment.hour < 12 else "peak")
        found[key] = found.get(key, Decimal(0)) + Decimal(value).scaleb(-3)
    return found


def quantity(bill: Bill, code: str) -> Decimal:
    found = [line.quantity for line in bill.lines if line.code == code]
    assert len(found) <= 1
    return found[0] or Decimal(0) if found else Decimal(0)


RULES = (
    {"metering": "net_metering", "true_up_month": 4, "true_up_price_per_kwh": "0.02"},
    {"metering": "net_billing", "prices": {"offpeak": "0.03", "peak": "0.07"}},
    {"metering": "net_billing", "price_per_kwh": "0.9", "carry_over": True, "true_up_month": 3},
    {"metering": "buy_all_sell_all", "prices": {"offpeak": "0.03", "peak": "0.07"}},
)


@given(seed=st.integers(0, 2**32), offpeak=prices(), peak=prices(), rule=st.sampled_from(RULES))
def test_with_no_exports_every_rule_prices_as_without_one(
    seed: int, offpeak: Decimal, peak: Decimal, rule: dict[str, Any]
) -> None:
    """Zero exports: the same bills, line for line, as the tariff without export terms."""
    kwh, export = columns(seed, exports=False)
    account = Account(account_id="a-1", gross_readings=True)
    under_rule = price(tariff(rule, (offpeak, peak)), readings(kwh, export), account)
    today = price(tariff(None, (offpeak, peak)), readings(kwh, export), account)
    assert under_rule == today


@given(data=st.data(), rule=st.sampled_from(RULES))
def test_with_no_exports_generated_tariffs_price_as_without_a_rule(
    data: st.DataObject, rule: dict[str, Any]
) -> None:
    """The same law on generated tariffs and readings (`strategies`): flat or time of
    use, tiers of every method net metering can net, surcharges, fixed, tax, minimum."""
    case = data.draw(readings_cases(max_days=45))
    spec = data.draw(
        tariff_specs(
            case.timezone,
            month_kwh_hint=case.month_kwh_hint,
            tier_methods=("proportional", "per_period", "increment"),
            export_credit=False,
        )
    )
    today = parse_tariff(spec.yaml_text(), "generated.yaml")
    document = today.model_dump(mode="json", exclude_none=True)
    terms = {key: value for key, value in rule.items() if key != "prices"}
    if "prices" in rule or "price_per_kwh" in rule:
        terms["price_per_kwh"] = "0.05"
    for version in document["versions"].values():
        version["exports"] = terms
    under_rule = Tariff.model_validate(document)
    readings = case.readings
    zero = Readings(
        source=readings.source,
        interval_seconds=readings.interval_seconds,
        starts=readings.starts,
        scale=readings.scale,
        kwh=readings.kwh,
        export_kwh=[0] * len(readings.kwh),
    )
    account = Account(account_id="a-1", gross_readings=True)
    assert price(under_rule, zero, account) == price(today, zero, account)


@given(seed=st.integers(0, 2**32), offpeak=prices(), peak=prices())
def test_net_metering_conserves_kwh(seed: int, offpeak: Decimal, peak: Decimal) -> None:
    """Per period and bill: imports - exports - credit in + credit out = kWh billed.

    The credit carried into a bill is what the bill before carried out, and the April
    true-up pays out exactly the credit left; the kWh credits earned (exports beyond
    imports and credit) equal the kWh used by later imports, paid out, and still carried.
    """
    kwh, export = columns(seed)
    bills = price(tariff(RULES[0], (offpeak, peak)), readings(kwh, export))
    imported, exported = by_month_and_period(kwh), by_month_and_period(export)
    carried = {name: Decimal(0) for name in PERIODS}
    for month, bill in enumerate(bills, start=1):
        for name in PERIODS:
            credit_in = quantity(bill, f"net_metering.credit_in.{name}")
            credit_out = quantity(bill, f"net_metering.credit_out.{name}")
            billed = quantity(bill, f"energy.{name}")
            imp = imported.get((month, name), Decimal(0))
            exp = exported.get((month, name), Decimal(0))
            assert credit_in == carried[name]
            assert quantity(bill, f"net_metering.exported.{name}") == exp
            assert billed == max(imp - exp - credit_in, Decimal(0))
            assert credit_out == max(exp + credit_in - imp, Decimal(0))
            assert imp - exp - credit_in + credit_out == billed
            paid = quantity(bill, f"net_metering.true_up.{name}")
            assert paid == (credit_out if month == 4 else 0)
            carried[name] = credit_out - paid
        assert bill.total == sum(line.amount for line in bill.lines)


@given(
    seed=st.integers(0, 2**32),
    offpeak=prices(),
    peak=prices(),
    rule=st.sampled_from(RULES[1::2]),
)
def test_net_billing_credits_each_exported_kwh_at_its_sell_price(
    seed: int, offpeak: Decimal, peak: Decimal, rule: dict[str, Any]
) -> None:
    """Export credit = Σ export kWh × sell price of its period, each line rounded once."""
    kwh, export = columns(seed)
    account = Account(account_id="a-1", gross_readings=True)
    bills = price(tariff(rule, (offpeak, peak)), readings(kwh, export), account)
    exported = by_month_and_period(export)
    sell = {name: Decimal(value) for name, value in rule["prices"].items()}
    sold = rule["metering"] == "buy_all_sell_all"
    prefix = "buy_all_sell_all.sold" if sold else "net_billing.export"
    for month, bill in enumerate(bills, start=1):
        credit = Decimal(0)
        for line in bill.lines:
            if line.kind == "export_credit":
                assert line.quantity is not None and line.rate is not None
                assert line.amount == -(line.quantity * line.rate).quantize(CENT, ROUND_HALF_UP)
                credit += line.quantity * line.rate
        expected = sum(
            (exported.get((month, name), Decimal(0)) * sell[name] for name in PERIODS),
            Decimal(0),
        )
        assert credit == expected
        assert quantity(bill, f"{prefix}.peak") == exported.get((month, "peak"), 0)


@given(seed=st.integers(0, 2**32), offpeak=prices(), peak=prices())
def test_net_billing_carry_over_never_loses_or_invents_money(
    seed: int, offpeak: Decimal, peak: Decimal
) -> None:
    """With carry-over: no bill is negative before the true-up, and the money carried in
    to each bill is what the bill before carried out and did not use."""
    kwh, export = columns(seed)
    bills = price(tariff(RULES[2], (offpeak, peak)), readings(kwh, export))
    carried = Decimal(0)
    for month, bill in enumerate(bills, start=1):
        assert quantity(bill, "net_billing.credit_in") == carried
        before = sum(
            (line.amount for line in bill.lines if line.kind != "adjustment"),
            Decimal(0),
        )
        applied = min(carried, max(before, Decimal(0)))
        left = carried - applied
        excess = max(applied - before, Decimal(0))
        if month == 3:  # the true-up pays out what is left; the bill may be negative
            assert quantity(bill, "net_billing.true_up") == left
            assert bill.total == before - applied - left
            carried = Decimal(0)
        else:
            assert bill.total == max(before - applied, Decimal(0))
            assert quantity(bill, "net_billing.credit_out") == excess
            carried = left + excess


def carried_out(bill: Bill) -> tuple[dict[str, Decimal], Decimal]:
    """The credits a bill carries to the next, read from its lines alone."""
    kwh: dict[str, Decimal] = {}
    money = Decimal(0)
    for line in bill.lines:
        assert line.quantity is not None or line.kind not in ("export_credit", "adjustment")
        name = line.code.rsplit(".", 1)[-1]
        if line.code.startswith("net_metering.credit_out."):
            kwh[name] = kwh.get(name, Decimal(0)) + (line.quantity or 0)
        elif line.code.startswith("net_metering.true_up."):
            kwh[name] = kwh.get(name, Decimal(0)) - (line.quantity or 0)
        elif line.code == "net_billing.credit_in":  # what is left of it: available - used
            money += (line.quantity or 0) + line.amount
        elif line.code == "net_billing.credit_out":
            money += line.quantity or 0
        elif line.code == "net_billing.true_up":
            money = Decimal(0)
    return {name: value for name, value in kwh.items() if value}, money


@given(
    seed=st.integers(0, 2**32),
    offpeak=prices(),
    peak=prices(),
    rule=st.sampled_from(RULES[0:3:2]),
    split=st.integers(2, MONTHS),
)
def test_pricing_in_two_runs_with_the_credit_carried_in_gives_the_same_bills(
    seed: int, offpeak: Decimal, peak: Decimal, rule: dict[str, Any], split: int
) -> None:
    """A billing system prices a month at a time: the credit a bill shows carried out,
    given to the next run as the account's ``credit_kwh`` or ``credit_amount``, gives
    the bills of one run over all the months."""
    kwh, export = columns(seed)
    table = tariff(rule, (offpeak, peak))
    whole = price(table, readings(kwh, export))
    before = price(table, readings(kwh, export), end=dt.date(YEAR, split, 1))
    assert before == whole[: split - 1]
    credit_kwh, credit_amount = carried_out(before[-1])
    account = Account(account_id="a-1", credit_kwh=credit_kwh, credit_amount=credit_amount)
    after = price(table, readings(kwh, export), account, start=dt.date(YEAR, split, 1))
    assert [replace(bill, account=None) for bill in after] == whole[split - 1 :]
