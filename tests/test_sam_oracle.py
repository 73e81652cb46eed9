"""Differential tests: URDB records priced here and by NREL SAM's utility-rate engine.

The oracle is ``PySAM.Utilityrate5`` (package ``nrel-pysam``, the ``oracle`` extra), the
bill calculator of NREL's System Advisor Model, run standalone: a load [kW per time
step] and zero generation for one year, no escalation, inflation or degradation, one
analysis year. SAM reads the record with NREL's own URDB reader,
``PySAM.UtilityRateTools.URDBv8_to_ElectricityRates``; this side reads the same record
with `tariffs.io.urdb.urdb_to_tariff_data` and prices it with `tariffs.price`.
Monthly energy, flat demand, time-of-use demand, fixed and minimum charges are compared
with SAM's ``charge_w_sys_*_ym`` outputs.

What SAM does, from its source (NREL/ssc ``ssc/cmod_utilityrate5.cpp``, ``ur_calc``, and
``shared/lib_utility_rate_equations.cpp``, ``rate_data::setup_energy_rates``) and checked
by the named tests below:

* Its year has 8760 hours (8760 × steps per hour values), months of 31, 28, 31, ... days,
  no daylight saving time, and January 1 on a Monday; 2018 is such a year, so the readings
  here are 2018, in a zone without DST.
* A time step of a 15-minute load takes the period of its clock hour; demand is the
  highest load [kW] of one time step in the month (or in a period).
* Under the default metering option (0, net energy metering) a month's kWh of all periods
  are counted on one tier ladder and each tier's kWh are shared between periods in
  proportion to their kWh: the ``proportional`` method this project's URDB import uses.
  Under net billing and buy-all-sell-all (options 2 to 4) SAM fills the tiers in time
  order: the ``chronological`` method.
* All periods of a month must have the same tier bounds; ``kWh daily`` bounds are
  multiplied by the days of the month.

Where the two differ by a convention, a named test shows the difference on a minimal
example and says why. The differences: amounts here are rounded to the cent line by line
and a minimum bill tops up that rounded sum, while SAM adds unrounded doubles; a fixed
charge per day is billed per day of the month here and as 365/12 days every month by
NREL's reader; demand is measured over the record's ``demandwindow`` here and over one
time step of the load by SAM (and a record without ``demandwindow`` is measured over 15
minutes here, so hourly readings are refused); SAM refuses periods whose tier bounds
differ in a month, which are priced here on the merged ladder.

Tolerance: per month and charge kind, the exact amount here (quantity × rate of the lines,
before rounding) is within half a cent of SAM's. The kWh of a tier shared between periods
are whole 0.001 kWh here (SAM keeps the real shares), which moves an amount by less than
0.002 kWh × the price spread per tier, under 0.003 with the prices drawn here (≤ 0.5/kWh).
"""

from __future__ import annotations

import copy
import datetime as dt
import random
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import PySAM.Utilityrate5 as utilityrate5
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from PySAM.UtilityRateTools import URDBv8_to_ElectricityRates

from tariffs import Bill, Readings, ReadingsError, Tariff, price
from tariffs.io.urdb import urdb_to_tariff_data

#: A non-leap year that starts on a Monday, like SAM's year (see the module docstring).
YEAR = 2018
#: Zones without daylight saving time: SAM's hours are clock hours of a year without DST.
ZONES = ("UTC", "Etc/GMT+5", "Etc/GMT-8")
KINDS = ("ec", "dc_fixed", "dc_tou", "fixed", "minimum")
HALF_CENT = Decimal("0.005")
#: The most the whole-0.001-kWh shares of tiers move a month's energy charge (docstring).
SHARES = Decimal("0.003")
#: The suite's profiles (tests/conftest.py) run 25 examples by default and in CI, 1000
#: under ``long``; each example here prices a year twice, so it runs a quarter of them.
ORACLE_EXAMPLES = max(12, settings.default.max_examples // 4)
SOURCE = "oracle.json"


# -- the two engines ---------------------------------------------------------------------


def as_floats(value: Any) -> Any:
    """The record with float numbers, as NREL's reader expects JSON to be loaded."""
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, list):
        return [as_floats(item) for item in value]
    if isinstance(value, dict):
        return {key: as_floats(item) for key, item in value.items()}
    return value


def sam_model(
    record: dict[str, Any], kwh_milli: Sequence[int], steps_per_hour: int
) -> utilityrate5.Utilityrate5:
    """A standalone Utilityrate5 case: the record's rates, the load, no system."""
    model = utilityrate5.new()
    model.Lifetime.analysis_period = 1
    model.Lifetime.inflation_rate = 0
    model.Lifetime.system_use_lifetime_output = 0
    model.SystemOutput.degradation = (0,)
    model.SystemOutput.gen = (0.0,) * len(kwh_milli)
    model.ElectricityRates.rate_escalation = (0,)
    model.Load.load_escalation = (0,)
    # NREL's reader adds 1 to the schedules in place: give it a copy.
    model.ElectricityRates.assign(URDBv8_to_ElectricityRates(as_floats(copy.deepcopy(record))))
    # Load in kW: the kWh of a step × steps per hour.
    model.Load.load = tuple(value * steps_per_hour / 1000 for value in kwh_milli)
    return model


def sam_charges(model: utilityrate5.Utilityrate5) -> dict[str, list[Decimal]]:
    """SAM's monthly charges by kind, for year 1 (row 0 of the outputs is year 0)."""
    model.execute(0)
    outputs = model.Outputs
    return {
        kind: [Decimal(repr(value)) for value in getattr(outputs, f"charge_w_sys_{kind}_ym")[1]]
        for kind in KINDS
    }


def readings_of(kwh_milli: Sequence[int], steps_per_hour: int, timezone: str) -> Readings:
    """The load as readings from local midnight of January 1, exact to 0.001 kWh."""
    start = int(dt.datetime(YEAR, 1, 1, tzinfo=ZoneInfo(timezone)).timestamp())
    step = 3600 // steps_per_hour
    return Readings(
        source="oracle.csv",
        interval_seconds=step,
        starts=list(range(start, start + len(kwh_milli) * step, step)),
        scale=3,
        kwh=list(kwh_milli),
    )


def tariff_of(record: dict[str, Any], timezone: str) -> Tariff:
    return Tariff.model_validate(urdb_to_tariff_data(record, timezone=timezone, source=SOURCE))


def kind_of(code: str, kind: str) -> str:
    """SAM's name of a line's charge kind."""
    if kind == "energy":
        return "ec"
    if kind == "demand":
        return "dc_fixed" if code.startswith("demand.flat") else "dc_tou"
    if kind in ("fixed", "minimum"):
        return kind
    raise AssertionError(f"a {kind} line ({code}) has no counterpart in SAM's outputs")


@dataclass
class Priced:
    """This side's charges by SAM's kinds: exact (before rounding) and as billed."""

    exact: dict[str, list[Decimal]]
    billed: dict[str, list[Decimal]]
    lines: list[int]
    bills: list[Bill]


def our_charges(tariff: Tariff, readings: Readings) -> Priced:
    bills = price(tariff, readings)
    assert [bill.period_start for bill in bills] == [dt.date(YEAR, m, 1) for m in range(1, 13)]
    exact = {kind: [Decimal(0)] * 12 for kind in KINDS}
    billed = {kind: [Decimal(0)] * 12 for kind in KINDS}
    for month, bill in enumerate(bills):
        for line in bill.lines:
            kind = kind_of(line.code, line.kind)
            if kind in ("ec", "dc_fixed", "dc_tou"):
                assert line.quantity is not None and line.rate is not None
                exact[kind][month] += line.quantity * line.rate
            else:
                exact[kind][month] += line.amount
            billed[kind][month] += line.amount
    return Priced(exact, billed, [len(bill.lines) for bill in bills], bills)


# -- random URDB records and loads -------------------------------------------------------


def prices(low: int, high: int, places: int) -> st.SearchStrategy[Decimal]:
    """Prices from ``low`` to ``high`` units of ``10**-places``."""
    return st.integers(low, high).map(lambda value: Decimal(value).scaleb(-places))


@st.composite
def ladders(
    draw: st.DrawFn,
    bounds: list[Decimal],
    price: st.SearchStrategy[Decimal],
    unit: str | None = None,
) -> list[dict[str, Any]]:
    """The tiers of one period: a price per tier, ``max`` on all but the last."""
    tiers: list[dict[str, Any]] = []
    for index in range(len(bounds) + 1):
        tier: dict[str, Any] = {"rate": draw(price)}
        if draw(st.booleans()) and draw(st.booleans()):
            tier["adj"] = draw(price)
        if index < len(bounds):
            tier["max"] = bounds[index]
        if unit is not None:
            tier["unit"] = unit
        tiers.append(tier)
    return tiers


@st.composite
def schedules(draw: st.DrawFn, periods: int) -> list[list[int]]:
    """12 months × 24 hours of 0-based periods, months grouped into up to 3 seasons."""
    hour_periods = st.integers(0, periods - 1)
    days = draw(
        st.lists(
            st.one_of(
                st.lists(hour_periods, min_size=24, max_size=24),
                st.tuples(st.integers(0, 23), st.integers(1, 24), hour_periods, hour_periods).map(
                    lambda c: [c[2] if c[0] <= hour < c[1] else c[3] for hour in range(24)]
                ),
            ),
            min_size=1,
            max_size=3,
        )
    )
    seasons = draw(st.lists(st.integers(0, len(days) - 1), min_size=12, max_size=12))
    return [list(days[season]) for season in seasons]


def sorted_bounds(low: int, high: int, most: int) -> st.SearchStrategy[list[Decimal]]:
    return st.lists(st.integers(low, high), max_size=most, unique=True).map(
        lambda values: [Decimal(value) for value in sorted(values)]
    )


@st.composite
def urdb_records(draw: st.DrawFn, demand_window_minutes: int) -> dict[str, Any]:
    """A URDB record of the shapes both engines price.

    Time-of-use energy with 1 to 4 periods and 0 to 2 tier bounds shared by all periods
    (in kWh or kWh daily), flat demand by month, time-of-use demand, a fixed charge per
    month and a minimum bill per month or per year.
    """
    energy_periods = draw(st.integers(1, 4))
    unit = draw(st.sampled_from([None, "kWh", "kWh daily"]))
    bounds = draw(sorted_bounds(5, 60, 2) if unit == "kWh daily" else sorted_bounds(50, 3000, 2))
    energy_price = prices(500, 25_000, 5)
    record: dict[str, Any] = {
        "label": "oracle",
        "energyratestructure": [
            draw(ladders(bounds, energy_price, unit)) for _ in range(energy_periods)
        ],
        "energyweekdayschedule": draw(schedules(energy_periods)),
        "energyweekendschedule": draw(schedules(energy_periods)),
    }
    demand_price = prices(0, 2_000, 2)
    if draw(st.booleans()):
        structures = draw(st.integers(1, 2))
        record["flatdemandstructure"] = [
            draw(ladders(draw(sorted_bounds(5, 80, 2)), demand_price)) for _ in range(structures)
        ]
        record["flatdemandmonths"] = draw(
            st.lists(st.integers(0, structures - 1), min_size=12, max_size=12)
        )
    if draw(st.booleans()):
        demand_periods = draw(st.integers(1, 3))
        demand_bounds = draw(sorted_bounds(5, 80, 1))
        record["demandratestructure"] = [
            draw(ladders(demand_bounds, demand_price)) for _ in range(demand_periods)
        ]
        record["demandweekdayschedule"] = draw(schedules(demand_periods))
        record["demandweekendschedule"] = draw(schedules(demand_periods))
    if "flatdemandstructure" in record or "demandratestructure" in record:
        record["demandwindow"] = demand_window_minutes
    if draw(st.booleans()):
        record["fixedchargefirstmeter"] = draw(prices(1, 40_000, 2))
        record["fixedchargeunits"] = "$/month"
    minimum = draw(st.sampled_from([None, "$/month", "$/year"]))
    if minimum is not None:
        high = 400_000 if minimum == "$/month" else 5_000_000
        record["mincharge"] = draw(prices(1, high, 2))
        record["minchargeunits"] = minimum
    return record


@dataclass(frozen=True)
class Load:
    """A year of load drawn from a seed: the shape is random, the size and zeros chosen."""

    seed: int
    peak_milli_kwh_per_hour: int
    zero_percent: int

    def values(self, steps_per_hour: int) -> list[int]:
        rng = random.Random(self.seed)  # noqa: S311 - test data, not secrets
        high = self.peak_milli_kwh_per_hour // steps_per_hour
        return [
            0 if rng.randrange(100) < self.zero_percent else rng.randrange(high + 1)
            for _ in range(8760 * steps_per_hour)
        ]


loads = st.builds(
    Load,
    seed=st.integers(0, 2**32 - 1),
    peak_milli_kwh_per_hour=st.sampled_from([4_000, 40_000, 400_000, 4_000_000]),
    zero_percent=st.sampled_from([0, 10, 90]),
)


# -- the differential properties ---------------------------------------------------------


def assert_agree(record: dict[str, Any], load: Load, steps_per_hour: int, timezone: str) -> None:
    kwh_milli = load.values(steps_per_hour)
    model = sam_model(record, kwh_milli, steps_per_hour)
    theirs = sam_charges(model)
    ours = our_charges(
        tariff_of(record, timezone), readings_of(kwh_milli, steps_per_hour, timezone)
    )
    # The same months: SAM's monthly kWh are the bills' kWh (to float precision).
    for bill, their_kwh in zip(ours.bills, model.Outputs.year1_monthly_load, strict=True):
        assert abs(bill.energy_kwh - Decimal(repr(their_kwh))) < Decimal("0.000001")
    for kind in ("ec", "dc_fixed", "dc_tou", "fixed"):
        for month in range(12):
            difference = ours.exact[kind][month] - theirs[kind][month]
            assert abs(difference) < HALF_CENT, (kind, month + 1, ours.exact[kind], theirs[kind])
    # A minimum bill tops up the sum of rounded lines here and of unrounded amounts in
    # SAM (see test_lines_are_rounded_to_the_cent_before_they_are_added): the two differ
    # by at most half a cent per line counted, plus the shares' error of each month.
    annual = record.get("minchargeunits") == "$/year"
    for month in range(12):
        if annual:
            slack = HALF_CENT * sum(ours.lines) + SHARES * 12
        else:
            slack = HALF_CENT * ours.lines[month] + SHARES
        difference = ours.billed["minimum"][month] - theirs["minimum"][month]
        assert abs(difference) <= slack, (month + 1, ours.billed["minimum"], theirs["minimum"])
    our_total = sum(bill.total for bill in ours.bills)
    their_total = sum(sum(theirs[kind]) for kind in KINDS)
    assert abs(our_total - their_total) <= HALF_CENT * sum(ours.lines) + SHARES * 12


@settings(max_examples=ORACLE_EXAMPLES)
@given(record=urdb_records(60), load=loads, timezone=st.sampled_from(ZONES))
def test_hourly_year_agrees_with_sam(record: dict[str, Any], load: Load, timezone: str) -> None:
    assert_agree(record, load, 1, timezone)


@settings(max_examples=ORACLE_EXAMPLES)
@given(record=urdb_records(15), load=loads, timezone=st.sampled_from(ZONES))
def test_fifteen_minute_year_agrees_with_sam(
    record: dict[str, Any], load: Load, timezone: str
) -> None:
    assert_agree(record, load, 4, timezone)


# -- conventions, each on a minimal example worked by hand --------------------------------


def sparse_load(steps_per_hour: int, usage: dict[tuple[dt.date, int, int], int]) -> list[int]:
    """A year of zeros but for ``usage``: (date, hour, step of the hour) → 0.001 kWh."""
    values = [0] * (8760 * steps_per_hour)
    for (day, hour, step), value in usage.items():
        index = ((day - dt.date(YEAR, 1, 1)).days * 24 + hour) * steps_per_hour + step
        values[index] = value
    return values


def two_periods(first: list[dict[str, Any]], second: list[dict[str, Any]]) -> dict[str, Any]:
    """Period 0 from 12:00 to 24:00 and period 1 from 00:00 to 12:00, every day."""
    hours = [[1] * 12 + [0] * 12 for _ in range(12)]
    return {
        "label": "oracle",
        "energyratestructure": [first, second],
        "energyweekdayschedule": hours,
        "energyweekendschedule": copy.deepcopy(hours),
    }


def tiers(bound: str, low: str, high: str) -> list[dict[str, Any]]:
    return [{"max": Decimal(bound), "rate": Decimal(low)}, {"rate": Decimal(high)}]


JANUARY_1 = dt.date(YEAR, 1, 1)
#: 50 kWh at 00:00 (period 1), then 150 kWh from 12:00 to 15:00 (period 0).
TIERED_USAGE = {
    (JANUARY_1, 0, 0): 50_000,
    (JANUARY_1, 12, 0): 50_000,
    (JANUARY_1, 13, 0): 50_000,
    (JANUARY_1, 14, 0): 50_000,
}
TIERED = two_periods(tiers("100", "0.10", "0.20"), tiers("100", "0.30", "0.60"))


def test_sam_counts_january_first_as_a_monday() -> None:
    """SAM's year starts on a Monday (NREL/ssc ``util::translate_schedule`` with start day 0).

    So do 2018's readings here. Period 0 on weekdays and 1 on weekends, at 1.00/kWh and 0:
    SAM's hourly schedule (1-based) shows five weekdays then a weekend from January 1,
    and January's 23 weekdays × 24 h × 1 kWh bill 552.00 on both sides.
    """
    record = {
        "label": "oracle",
        "energyratestructure": [[{"rate": Decimal(1)}], [{"rate": Decimal(0)}]],
        "energyweekdayschedule": [[0] * 24 for _ in range(12)],
        "energyweekendschedule": [[1] * 24 for _ in range(12)],
    }
    kwh_milli = [1000] * 8760
    model = sam_model(record, kwh_milli, 1)
    theirs = sam_charges(model)
    first_week = [int(model.Outputs.year1_hourly_ec_tou_schedule[24 * day]) for day in range(7)]
    assert first_week == [1, 1, 1, 1, 1, 2, 2]
    assert dt.date(YEAR, 1, 1).weekday() == 0  # Monday
    ours = our_charges(tariff_of(record, "UTC"), readings_of(kwh_milli, 1, "UTC"))
    assert abs(theirs["ec"][0] - Decimal("552")) < HALF_CENT
    assert ours.billed["ec"][0] == Decimal("552.00")


def test_sam_net_metering_shares_tiers_between_periods_in_proportion() -> None:
    """SAM's default metering shares each tier between periods by their kWh.

    NREL/ssc ``ur_calc`` ("prorate based on total net per period / total net"), as the
    URDB import here does (``method: proportional``). January: 200 kWh, 150 in period 0
    (0.10 to 100 kWh, then 0.20) and 50 in period 1 (0.30, then 0.60); tier 1 holds 100
    kWh, tier 2 holds 100. Period 0 takes 3/4 of each: 75 × 0.10 + 75 × 0.20 = 22.50;
    period 1 takes 1/4: 25 × 0.30 + 25 × 0.60 = 22.50; together 45.00.
    """
    kwh_milli = sparse_load(1, TIERED_USAGE)
    theirs = sam_charges(sam_model(TIERED, kwh_milli, 1))
    ours = our_charges(tariff_of(TIERED, "UTC"), readings_of(kwh_milli, 1, "UTC"))
    assert abs(theirs["ec"][0] - Decimal("45")) < HALF_CENT
    assert ours.billed["ec"][0] == Decimal("45.00")


def test_sam_net_billing_fills_tiers_in_time_order() -> None:
    """Under net billing and buy-all-sell-all SAM fills the ladder in time order.

    Its metering options 2 to 4 price each time step as it comes (NREL/ssc
    ``ur_calc_timestep``): the ``chronological`` method here, not the URDB import's
    proportional one. January as in the proportional test: the 50 kWh of period 1 come
    first, 50 × 0.30 = 15.00; then period 0's first 50 kWh finish tier 1, 50 × 0.10 =
    5.00, and its last 100 kWh are tier 2, 100 × 0.20 = 20.00; together 40.00 (45.00
    proportional).
    """
    kwh_milli = sparse_load(1, TIERED_USAGE)
    model = sam_model(TIERED, kwh_milli, 1)
    model.ElectricityRates.ur_metering_option = 4  # buy all, sell all
    theirs = sam_charges(model)
    data = urdb_to_tariff_data(TIERED, timezone="UTC", source=SOURCE)
    version = next(iter(data["versions"].values()))
    version["charges"][0]["tiers"]["method"] = "chronological"
    chronological = our_charges(Tariff.model_validate(data), readings_of(kwh_milli, 1, "UTC"))
    imported = our_charges(tariff_of(TIERED, "UTC"), readings_of(kwh_milli, 1, "UTC"))
    assert abs(theirs["ec"][0] - Decimal("40")) < HALF_CENT
    assert chronological.billed["ec"][0] == Decimal("40.00")
    assert imported.billed["ec"][0] == Decimal("45.00")


def test_sam_refuses_tier_bounds_that_differ_between_periods() -> None:
    """SAM needs one set of tier bounds per month; here the periods' bounds are merged.

    NREL/ssc ``setup_energy_rates`` stops with "Tiers should have the same Max. Usage
    across Periods". Here period 0 (0.10 to 100 kWh, then 0.20) and period 1 (0.30 to 200
    kWh, then 0.60) share the ladder 100, 200: period 0 prices it 0.10, 0.20, 0.20 and
    period 1 0.30, 0.30, 0.60. January's 200 kWh fill 100 and 100: period 0 (3/4) pays
    75 × 0.10 + 75 × 0.20 = 22.50, period 1 (1/4) 25 × 0.30 + 25 × 0.30 = 15.00; 37.50.
    """
    record = two_periods(tiers("100", "0.10", "0.20"), tiers("200", "0.30", "0.60"))
    kwh_milli = sparse_load(1, TIERED_USAGE)
    with pytest.raises(Exception, match=r"same Max\. Usage across Periods"):
        sam_charges(sam_model(record, kwh_milli, 1))
    ours = our_charges(tariff_of(record, "UTC"), readings_of(kwh_milli, 1, "UTC"))
    assert ours.billed["ec"][0] == Decimal("37.50")


def test_lines_are_rounded_to_the_cent_before_they_are_added() -> None:
    """Each line is rounded half-up to the cent here; SAM adds unrounded amounts.

    The design rounds once, per line, where the tariff says (default: half-up to the
    minor unit); a minimum bill then tops up the sum of rounded lines. SAM keeps doubles.
    January: 1 kWh in period 1 at 0.005 and 1 kWh in period 0 at 0.015, minimum bill
    1.00. Here 0.005 → 0.01 and 0.015 → 0.02: energy 0.03, minimum 0.97. SAM: energy
    0.02, minimum 0.98. February has no kWh: a minimum of 1.00 on both sides.
    """
    record = two_periods([{"rate": Decimal("0.015")}], [{"rate": Decimal("0.005")}])
    record["mincharge"] = Decimal("1.00")
    record["minchargeunits"] = "$/month"
    kwh_milli = sparse_load(1, {(JANUARY_1, 0, 0): 1000, (JANUARY_1, 12, 0): 1000})
    theirs = sam_charges(sam_model(record, kwh_milli, 1))
    ours = our_charges(tariff_of(record, "UTC"), readings_of(kwh_milli, 1, "UTC"))
    assert abs(theirs["ec"][0] - Decimal("0.02")) < Decimal("0.000001")
    assert abs(theirs["minimum"][0] - Decimal("0.98")) < Decimal("0.000001")
    assert ours.billed["ec"][0] == Decimal("0.03")
    assert ours.billed["minimum"][0] == Decimal("0.97")
    assert abs(theirs["minimum"][1] - Decimal("1")) < Decimal("0.000001")
    assert ours.billed["minimum"][1] == Decimal("1.00")


def test_fixed_charge_per_day_is_billed_per_day_of_the_month() -> None:
    """A fixed charge in $/day is billed for the month's days here, 365/12 days in SAM.

    NREL's reader (``URDBv8_to_ElectricityRates``) turns ``fixedchargeunits`` "$/day"
    into a monthly charge × 365/12. At 1.00/day: here January 31.00 and February 28.00;
    SAM 30.4166... every month. Over the year both bill 365.00.
    """
    record: dict[str, Any] = {
        "label": "oracle",
        "energyratestructure": [[{"rate": Decimal("0.1")}]],
        "energyweekdayschedule": [[0] * 24 for _ in range(12)],
        "energyweekendschedule": [[0] * 24 for _ in range(12)],
        "fixedchargefirstmeter": Decimal("1.00"),
        "fixedchargeunits": "$/day",
    }
    kwh_milli = [1000] * 8760
    theirs = sam_charges(sam_model(record, kwh_milli, 1))
    ours = our_charges(tariff_of(record, "UTC"), readings_of(kwh_milli, 1, "UTC"))
    assert ours.billed["fixed"][:2] == [Decimal("31.00"), Decimal("28.00")]
    for month in range(12):
        assert abs(theirs["fixed"][month] - Decimal(365) / 12) < Decimal("0.000001")
    assert sum(ours.billed["fixed"]) == Decimal("365.00")
    assert abs(sum(theirs["fixed"]) - Decimal(365)) < Decimal("0.000001")


def flat_demand(window_minutes: int | None) -> dict[str, Any]:
    record: dict[str, Any] = {
        "label": "oracle",
        "energyratestructure": [[{"rate": Decimal("0.1")}]],
        "energyweekdayschedule": [[0] * 24 for _ in range(12)],
        "energyweekendschedule": [[0] * 24 for _ in range(12)],
        "flatdemandstructure": [[{"rate": Decimal(10)}]],
        "flatdemandmonths": [0] * 12,
    }
    if window_minutes is not None:
        record["demandwindow"] = window_minutes
    return record


def test_sam_measures_demand_over_one_time_step_not_the_demand_window() -> None:
    """SAM's demand is the highest load of one time step; here, of the record's window.

    NREL/ssc ``ur_month::update_net_and_peak`` keeps the highest power of a step and
    does not read ``demandwindow``. 15-minute readings, a 60-minute window, 10.00/kW, and
    2 kWh from 00:15 to 00:30 on January 1: SAM sees 2 × 4 = 8 kW, 80.00; here the hour
    from 00:00 holds 2 kWh, 2 kW, 20.00.
    """
    record = flat_demand(60)
    kwh_milli = sparse_load(4, {(JANUARY_1, 0, 1): 2000})
    theirs = sam_charges(sam_model(record, kwh_milli, 4))
    ours = our_charges(tariff_of(record, "UTC"), readings_of(kwh_milli, 4, "UTC"))
    assert abs(theirs["dc_fixed"][0] - Decimal("80")) < Decimal("0.000001")
    assert ours.billed["dc_fixed"][0] == Decimal("20.00")


def test_record_without_demand_window_is_not_priced_on_hourly_readings() -> None:
    """Without ``demandwindow`` demand is measured over 15 minutes here; SAM uses the step.

    The import takes 15 minutes, the schema's default, and hourly readings cannot give a
    15-minute maximum, so pricing refuses; SAM bills the hour's average: 2 kWh in an
    hour, 2 kW × 10.00 = 20.00.
    """
    record = flat_demand(None)
    kwh_milli = sparse_load(1, {(JANUARY_1, 5, 0): 2000})
    theirs = sam_charges(sam_model(record, kwh_milli, 1))
    assert abs(theirs["dc_fixed"][0] - Decimal("20")) < Decimal("0.000001")
    with pytest.raises(ReadingsError, match=r"15-minute windows"):
        price(tariff_of(record, "UTC"), readings_of(kwh_milli, 1, "UTC"))


def test_sam_does_not_model_the_reactive_power_charge() -> None:
    """SAM has no reactive power charge, so there is nothing to compare it with.

    ``PySAM.Utilityrate5`` takes a load in kW and no reactive quantity, and its
    ``ElectricityRates`` inputs have no price per kVAR; NREL's reader
    ``URDBv8_to_ElectricityRates`` does not read ``demandreactivepowercharge``: it gives the
    same rates with and without it, so SAM's bill leaves the charge out. Here the record's
    charge is a ``reactive`` line per kvar of maximum reactive demand, priced by hand in
    tests/io/test_urdb.py and tests/engine/test_pricing.py.
    """
    record = flat_demand(15)
    with_reactive = {**record, "demandreactivepowercharge": Decimal("0.51")}
    theirs = URDBv8_to_ElectricityRates(as_floats(copy.deepcopy(with_reactive)))
    assert theirs == URDBv8_to_ElectricityRates(as_floats(copy.deepcopy(record)))
    inputs = [name.lower() for name in dir(utilityrate5.new().ElectricityRates)]
    assert not [name for name in inputs if "kvar" in name or "reactive" in name]
    kwh_milli = sparse_load(4, {(JANUARY_1, 0, 1): 2000})
    assert sam_charges(sam_model(with_reactive, kwh_milli, 4)) == sam_charges(
        sam_model(record, kwh_milli, 4)
    )
    (version,) = tariff_of(with_reactive, "UTC").versions.values()
    (charge,) = [c for c in version.charges if c.kind == "reactive"]
    assert charge.price_per_kvar == Decimal("0.51")


def test_sam_does_not_model_coincident_demand() -> None:
    """SAM has no coincident-peak demand charge, so there is nothing to compare it with.

    ``PySAM.Utilityrate5``'s ``ElectricityRates`` inputs have no coincident-peak price or
    hours, and NREL's reader ``URDBv8_to_ElectricityRates`` does not read
    ``coincidentratestructure``, ``coincidentrateschedule`` or ``coincidentrateunit``: it
    gives the same rates with and without them, so SAM's bill leaves the charge out. Here
    the record's charge is a demand charge measured at declared coincident peaks, priced by
    hand in tests/io/test_urdb_fields.py and tests/engine/test_coincident.py.
    """
    record = flat_demand(15)
    coincident = {
        **record,
        "coincidentratestructure": [[{"rate": Decimal("0.79")}]],
        "coincidentrateschedule": [[0] * 24 for _ in range(12)],
        "coincidentrateunit": "kW",
    }
    theirs = URDBv8_to_ElectricityRates(as_floats(copy.deepcopy(coincident)))
    assert theirs == URDBv8_to_ElectricityRates(as_floats(copy.deepcopy(record)))
    inputs = [name.lower() for name in dir(utilityrate5.new().ElectricityRates)]
    assert not [name for name in inputs if "coincid" in name or name.startswith("ur_cp")]
    (version,) = tariff_of(coincident, "UTC").versions.values()
    (charge,) = [c for c in version.charges if getattr(c, "measured_at", None)]
    assert charge.price_per_kw == Decimal("0.79")
