"""Differential tests of exported energy: URDB records priced here and by NREL SAM.

The oracle and the set-up are those of ``tests/test_sam_oracle.py`` (PySAM.Utilityrate5,
one 2018 year, zones without DST), now with a generation profile: SAM gets the load and
the generation [kW per step] and nets them in every step; the readings here are what a
bidirectional meter reads, ``kwh`` = max(load - generation, 0) and ``export_kwh`` =
max(generation - load, 0) per step, or, for buy-all-sell-all, the gross load and
generation of two meters (``gross_readings: true``).

SAM's metering options (``ur_metering_option``, from the variable's own description in
NREL/ssc ``ssc/cmod_utilityrate5.cpp``: "0=net energy metering, 1=net energy metering
with $ credits, 2=net billing, 3=net billing with carryover to next month, 4=buy all -
sell all"), and NREL's URDB reader (``PySAM.UtilityRateTools.URDBv8_to_ElectricityRates``)
reads ``dgrules`` "Net Metering" as 0, "Net Billing Instantaneous" as 2, "Net Billing
Hourly" as 3 and "Buy All Sell All" as 4. What is compared, month by month, with SAM's
``utility_bill_w_sys_ym``:

* option 0 and ``net_metering`` on one-period records, flat or tiered, the year-end
  true-up at SAM's defaults (December, 0: forfeited) or at a drawn month and price;
* option 2 and ``net_billing`` ("Net Billing Instantaneous");
* option 4 and ``buy_all_sell_all``.

Not modelled here: option 1 (net metering with the credit carried in money) and
option 3 (net billing whose credit is carried to the next month). Each convention that
differs is named by a test below on a minimal example worked by hand: the true-up month
(0-based there, 1-based here), option 3's credit applied from the next month on, option
1's money credit, SAM's true-up counted across periods, the periods SAM applies carried
credit to (so time-of-use net metering is compared on examples), and tiers filled in time order
under net billing (``test_sam_net_billing_fills_tiers_in_time_order`` in
``tests/test_sam_oracle.py``). Rounding: here each line is rounded to the cent, SAM adds
unrounded amounts; the tolerance is half a cent per line of the month.
"""

from __future__ import annotations

import copy
import datetime as dt
import random
from decimal import Decimal
from typing import Any

import PySAM.Utilityrate5 as utilityrate5
from hypothesis import given, settings
from hypothesis import strategies as st

from tariffs import Account, Bill, Readings, Tariff, price
from tariffs.io.urdb import urdb_to_tariff_data
from test_sam_oracle import (
    HALF_CENT,
    ORACLE_EXAMPLES,
    SOURCE,
    YEAR,
    ZONES,
    prices,
    readings_of,
    sam_model,
    sparse_load,
    two_periods,
)

RULES = {"net_metering": 0, "net_billing": 2, "buy_all_sell_all": 4}
DG_RULES = {
    "net_metering": "Net Metering",
    "net_billing": "Net Billing Instantaneous",
    "buy_all_sell_all": "Buy All Sell All",
}
GROSS = Account(account_id="solar", gross_readings=True)
JANUARY_1 = dt.date(YEAR, 1, 1)
FEBRUARY_1 = dt.date(YEAR, 2, 1)


# -- the two engines with generation ------------------------------------------------------


def sam_bills(
    record: dict[str, Any],
    load_milli: list[int],
    generation_milli: list[int],
    option: int,
    **rates: Any,
) -> list[Decimal]:
    """SAM's monthly bills of year 1 under a metering option."""
    model: utilityrate5.Utilityrate5 = sam_model(record, load_milli, 1)
    model.SystemOutput.gen = tuple(value / 1000 for value in generation_milli)
    model.ElectricityRates.ur_metering_option = option
    for name, value in rates.items():
        setattr(model.ElectricityRates, name, value)
    model.execute(0)
    return [Decimal(repr(value)) for value in model.Outputs.utility_bill_w_sys_ym[1]]


def metered(load_milli: list[int], generation_milli: list[int], gross: bool) -> Readings:
    """The readings of the load and generation: two gross meters or one net meter."""
    if gross:
        imported, exported = load_milli, generation_milli
    else:
        imported = [max(a - b, 0) for a, b in zip(load_milli, generation_milli, strict=True)]
        exported = [max(b - a, 0) for a, b in zip(load_milli, generation_milli, strict=True)]
    base = readings_of(imported, 1, "UTC")
    return Readings(
        source="oracle.csv",
        interval_seconds=base.interval_seconds,
        starts=base.starts,
        scale=3,
        kwh=imported,
        export_kwh=exported,
    )


def our_bills(
    record: dict[str, Any],
    load_milli: list[int],
    generation_milli: list[int],
    rule: str,
    timezone: str = "UTC",
    **terms: Any,
) -> list[Bill]:
    data = urdb_to_tariff_data(record, timezone=timezone, source=SOURCE)
    version = next(iter(data["versions"].values()))
    version["exports"].update(terms)
    gross = rule == "buy_all_sell_all"
    readings = metered(load_milli, generation_milli, gross)
    if timezone != "UTC":
        readings = Readings(
            source=readings.source,
            interval_seconds=3600,
            starts=readings_of(load_milli, 1, timezone).starts,
            scale=3,
            kwh=readings.kwh,
            export_kwh=readings.export_kwh,
        )
    return price(Tariff.model_validate(data), readings, GROSS if gross else None)


def assert_agree(ours: list[Bill], theirs: list[Decimal]) -> None:
    assert [bill.period_start.month for bill in ours] == list(range(1, 13))
    for month, (bill, their_total) in enumerate(zip(ours, theirs, strict=True), start=1):
        slack = HALF_CENT * len(bill.lines)
        assert abs(bill.total - their_total) <= slack, (month, bill.total, their_total)


# -- random records, loads and generation -------------------------------------------------


@st.composite
def export_records(
    draw: st.DrawFn, rule: str, tiered: bool = False, most_periods: int = 3
) -> dict[str, Any]:
    """A record of one to ``most_periods`` periods, each with a buy and a sell price.

    With ``tiered``, two tiers on the month's kWh (the same bound in every period, as
    SAM requires). Every day of the year has the same hours in each period.
    """
    periods = draw(st.integers(1, most_periods))
    row = draw(st.lists(st.integers(0, periods - 1), min_size=24, max_size=24))
    structure = [
        [{"rate": draw(prices(0, 5000, 4)), "sell": draw(prices(1, 3000, 4))}]
        for _ in range(periods)
    ]
    if tiered:  # one bound for every period (SAM's condition), a second price above it
        bound = draw(prices(50, 900, 0))
        for period in structure:
            sell = period[0]["sell"]
            period[0]["max"] = bound
            period.append({"rate": draw(prices(0, 5000, 4)), "sell": sell})
    record: dict[str, Any] = {
        "label": "oracle",
        "energyratestructure": structure,
        "energyweekdayschedule": [list(row) for _ in range(12)],
        "energyweekendschedule": [list(row) for _ in range(12)],
        "dgrules": DG_RULES[rule],
    }
    if draw(st.booleans()):
        record["fixedchargefirstmeter"] = draw(prices(1, 4000, 2))
        record["fixedchargeunits"] = "$/month"
    return record


def profiles(seed: int, solar_kw: int) -> tuple[list[int], list[int]]:
    """A year of hourly load and of generation from 07:00 to 18:00 [0.001 kWh]."""
    rng = random.Random(seed)  # noqa: S311 - test data, not secrets
    load = [rng.randrange(3000) for _ in range(8760)]
    generation = [
        rng.randrange(solar_kw * 1000) if 7 <= hour % 24 < 18 else 0 for hour in range(8760)
    ]
    return load, generation


SEEDS = st.integers(0, 2**32 - 1)
SOLAR_KW = st.sampled_from([1, 4, 12])


@settings(max_examples=ORACLE_EXAMPLES)
@given(data=st.data(), seed=SEEDS, solar_kw=SOLAR_KW, timezone=st.sampled_from(ZONES))
def test_net_metering_agrees_with_sam_month_by_month(
    data: st.DataObject, seed: int, solar_kw: int, timezone: str
) -> None:
    """One period, flat or tiered: SAM applies carried kWh credit to other periods than
    the one that earned it (`test_sam_applies_credit_to_its_rollover_periods`), so time
    of use is compared on the minimal examples below."""
    tiered = data.draw(st.booleans())
    record = data.draw(export_records("net_metering", tiered=tiered, most_periods=1))
    load, generation = profiles(seed, solar_kw)
    theirs = sam_bills(record, load, generation, RULES["net_metering"])
    assert_agree(our_bills(record, load, generation, "net_metering", timezone), theirs)


@settings(max_examples=ORACLE_EXAMPLES)
@given(data=st.data(), seed=SEEDS, solar_kw=SOLAR_KW)
def test_flat_net_metering_true_up_agrees_with_sam(
    data: st.DataObject, seed: int, solar_kw: int
) -> None:
    """One period, a true-up month and price: SAM's ``ur_nm_credit_month`` is 0-based."""
    record = data.draw(export_records("net_metering"))
    record["energyratestructure"] = record["energyratestructure"][:1]
    record["energyweekdayschedule"] = [[0] * 24 for _ in range(12)]
    record["energyweekendschedule"] = [[0] * 24 for _ in range(12)]
    month = data.draw(st.integers(1, 12))
    rate = data.draw(prices(0, 900, 4))
    load, generation = profiles(seed, solar_kw)
    theirs = sam_bills(
        record,
        load,
        generation,
        0,
        ur_nm_credit_month=month - 1,
        ur_nm_yearend_sell_rate=float(rate),
    )
    ours = our_bills(
        record, load, generation, "net_metering", true_up_month=month, true_up_price_per_kwh=rate
    )
    assert_agree(ours, theirs)


@settings(max_examples=ORACLE_EXAMPLES)
@given(
    data=st.data(),
    seed=SEEDS,
    solar_kw=SOLAR_KW,
    rule=st.sampled_from(["net_billing", "buy_all_sell_all"]),
)
def test_net_billing_and_buy_all_sell_all_agree_with_sam_month_by_month(
    data: st.DataObject, seed: int, solar_kw: int, rule: str
) -> None:
    record = data.draw(export_records(rule))
    load, generation = profiles(seed, solar_kw)
    theirs = sam_bills(record, load, generation, RULES[rule])
    assert_agree(our_bills(record, load, generation, rule), theirs)


# -- conventions, each on a minimal example worked by hand --------------------------------

#: Period 0 from 12:00 at 0.20 (sell 0.05), period 1 before 12:00 at 0.10 (sell 0.05).
TWO = two_periods(
    [{"rate": Decimal("0.20"), "sell": Decimal("0.05")}],
    [{"rate": Decimal("0.10"), "sell": Decimal("0.05")}],
)


def flat(rate: str, sell: str, **fields: Any) -> dict[str, Any]:
    hours = [[0] * 24 for _ in range(12)]
    return {
        "label": "oracle",
        "energyratestructure": [[{"rate": Decimal(rate), "sell": Decimal(sell)}]],
        "energyweekdayschedule": hours,
        "energyweekendschedule": copy.deepcopy(hours),
        **fields,
    }


def test_the_true_up_month_is_zero_based_in_sam() -> None:
    """``ur_nm_credit_month`` 1 is February, ``true_up_month: 2`` here.

    January: 100 kWh used at 00:00, 300 generated at 12:00: 200 kWh of credit. February:
    100 used, 20 generated: 80 net, taken from the credit, 120 left, paid at 0.03 in
    February: 120 × 0.03 = 3.60 off; the February bill is -3.60 on both sides.
    """
    load = sparse_load(1, {(JANUARY_1, 0, 0): 100_000, (FEBRUARY_1, 0, 0): 100_000})
    generation = sparse_load(1, {(JANUARY_1, 12, 0): 300_000, (FEBRUARY_1, 12, 0): 20_000})
    record = flat("0.20", "0.05", dgrules="Net Metering")
    theirs = sam_bills(record, load, generation, 0, ur_nm_credit_month=1,
                       ur_nm_yearend_sell_rate=0.03)  # fmt: skip
    ours = our_bills(record, load, generation, "net_metering", true_up_month=2,
                     true_up_price_per_kwh=Decimal("0.03"))  # fmt: skip
    assert abs(theirs[1] - Decimal("-3.60")) < HALF_CENT
    assert ours[1].total == Decimal("-3.60")
    assert ours[1].lines[-1].code == "net_metering.true_up.all"


def test_sam_net_metering_with_money_credit_is_not_modelled() -> None:
    """Option 1 carries the excess as money at the buy price; here credit is in kWh.

    January: 100 kWh used at 00:00 (0.10), 160 generated at 12:00 (period 0, 0.20): the
    period-0 surplus of 160 kWh. Option 0 and ``net_metering`` bill January 100 × 0.10 =
    10.00 and carry 160 kWh of period 0; option 1 values the month's net excess at the
    buy price and takes it off the same bill: 2.00.
    """
    load = sparse_load(1, {(JANUARY_1, 0, 0): 100_000})
    generation = sparse_load(1, {(JANUARY_1, 12, 0): 160_000})
    option_0 = sam_bills(TWO, load, generation, 0)
    option_1 = sam_bills(TWO, load, generation, 1)
    ours = our_bills({**TWO, "dgrules": "Net Metering"}, load, generation, "net_metering")
    assert abs(option_0[0] - Decimal("10")) < HALF_CENT
    assert abs(option_1[0] - Decimal("2")) < HALF_CENT
    assert ours[0].total == Decimal("10.00")
    assert ours[0].lines[-1].code == "net_metering.credit_out.p0"
    assert ours[0].lines[-1].quantity == Decimal("160.000")


def test_sam_true_up_counts_the_excess_across_periods() -> None:
    """SAM credits later imports period by period but pays the true-up on the month's net.

    January: 100 kWh at 00:00 (period 1), 160 generated at 12:00 (period 0): period 0
    carries 160 kWh, SAM's count of excess is the net of all periods, 60. February: 100
    kWh at 00:00 (period 1, 10.00) and 50 at 12:00 (period 0, taken from its credit on
    both sides): SAM's count is used up (60 - 150 < 0), period 0 here keeps 110 kWh. The
    March true-up at 0.03 pays nothing in SAM and 110 × 0.03 = 3.30 here.
    """
    load = sparse_load(1, {(JANUARY_1, 0, 0): 100_000, (FEBRUARY_1, 0, 0): 100_000,
                           (FEBRUARY_1, 12, 0): 50_000})  # fmt: skip
    generation = sparse_load(1, {(JANUARY_1, 12, 0): 160_000})
    theirs = sam_bills(TWO, load, generation, 0, ur_nm_credit_month=2,
                       ur_nm_yearend_sell_rate=0.03)  # fmt: skip
    ours = our_bills({**TWO, "dgrules": "Net Metering"}, load, generation, "net_metering",
                     true_up_month=3, true_up_price_per_kwh=Decimal("0.03"))  # fmt: skip
    assert [
        abs(value - expected) < HALF_CENT
        for value, expected in zip(theirs[:3], (10, 10, 0), strict=True)
    ] == [True] * 3
    assert [bill.total for bill in ours[:3]] == [Decimal("10.00"), Decimal("10.00"),
                                                 Decimal("-3.30")]  # fmt: skip


def test_sam_net_billing_with_carry_over_credits_the_next_month() -> None:
    """Option 3 takes a month's credit off the next bill; here it nets the same month.

    January: 100 kWh at 00:00 (0.20) = 20.00, 300 exported at 0.05 = 15.00. February:
    100 kWh = 20.00, 20 exported = 1.00. Option 3 bills January 20.00 and February
    20.00 - 15.00 = 5.00 (its 1.00 carried on); ``net_billing`` with ``carry_over`` bills
    January 20.00 - 15.00 = 5.00 and February 20.00 - 1.00 = 19.00.
    """
    load = sparse_load(1, {(JANUARY_1, 0, 0): 100_000, (FEBRUARY_1, 0, 0): 100_000})
    generation = sparse_load(1, {(JANUARY_1, 12, 0): 300_000, (FEBRUARY_1, 12, 0): 20_000})
    record = flat("0.20", "0.05", dgrules="Net Billing Instantaneous")
    theirs = sam_bills(record, load, generation, 3)
    ours = our_bills(record, load, generation, "net_billing", carry_over=True)
    assert abs(theirs[0] - Decimal("20")) < HALF_CENT
    assert abs(theirs[1] - Decimal("5")) < HALF_CENT
    assert [ours[0].total, ours[1].total] == [Decimal("5.00"), Decimal("19.00")]


def test_sam_applies_credit_to_its_rollover_periods() -> None:
    """A period's kWh credit stays with the period here; SAM moves it to other periods.

    SAM applies kWh credit carried from earlier months to the periods of its weekday
    schedule at 00:00, 05:00, 11:00 and 17:00 (NREL/ssc ``cmod_utilityrate5.cpp``:
    "rollover periods considered from weekday schedule at 12a [0], 6a [5], 12p [11], and
    6p [17]", ``ur_month::ec_rollover_periods``), not to the period that earned it.
    Period 0 (0.20) all year but the mornings of December, which are period 1 (0.10).
    November: 10 kWh used at 00:00 and 170 generated at 12:00, both period 0: 160 kWh of
    period-0 credit. December: 100 kWh at 00:00, period 1: SAM takes it off the credit
    and bills 0. Here the credit is period 0's and December bills 100 × 0.10 = 10.00;
    the 160 kWh are forfeited at the December true-up (price 0).
    """
    november, december = dt.date(YEAR, 11, 1), dt.date(YEAR, 12, 1)
    mornings = [[0] * 24 for _ in range(11)] + [[1] * 12 + [0] * 12]
    record = {
        "label": "oracle",
        "energyratestructure": [
            [{"rate": Decimal("0.20"), "sell": Decimal("0.05")}],
            [{"rate": Decimal("0.10"), "sell": Decimal("0.05")}],
        ],
        "energyweekdayschedule": mornings,
        "energyweekendschedule": copy.deepcopy(mornings),
        "dgrules": "Net Metering",
    }
    load = sparse_load(1, {(november, 0, 0): 10_000, (december, 0, 0): 100_000})
    generation = sparse_load(1, {(november, 12, 0): 170_000})
    theirs = sam_bills(record, load, generation, 0)
    ours = our_bills(record, load, generation, "net_metering")
    assert abs(theirs[11]) < HALF_CENT
    assert ours[11].total == Decimal("10.00")
    assert [(line.code, line.quantity) for line in ours[11].lines][-3:] == [
        ("net_metering.credit_in.p0", Decimal("160.000")),
        ("net_metering.credit_out.p0", Decimal("160.000")),
        ("net_metering.true_up.p0", Decimal("160.000")),
    ]
