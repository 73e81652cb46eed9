"""The same bills priced by tariffs and by the other engines installed; prints one table.

Run: ``python benchmarks/peers.py [--repeat N] [--budget SECONDS]``. The peers are optional
installs (``pip install -e '.[oracle,peers]'``; ratebook needs Python 3.12 or later and
tariff-core 3.13 or later): NREL SAM's bill calculator (``PySAM.Utilityrate5``), ratebook
and tariff-core. A peer that is not installed gets a "not installed" line.

Cases, one customer-year in 2018 (a year that starts on a Monday, as SAM's does), UTC:

* 8,760 hourly intervals under a three-period time-of-use tariff with a monthly fixed
  charge;
* 35,040 15-minute intervals under the same energy prices with a flat monthly demand
  charge and an on-peak demand charge (15-minute demand).

Every engine reads the tariff from one URDB-shaped record (SAM through NREL's own reader,
``PySAM.UtilityRateTools.URDBv8_to_ElectricityRates``; ratebook through
``ratebook.urdb.tariff_from_v8``); tariff-core, which has no URDB reader, gets the same
prices written as its plan. Before timing, each peer's annual total is checked against
this engine's, and any difference is printed (never fatal). Timed: this engine's
``price`` with the readings in memory, repeated as in a billing run of many meters on one
time axis (the bill plan of the axis is kept from the first call), and again with every
kept plan forgotten before each call (``first meter of an axis``); SAM's ``execute``
call only, with every input set up in advance; ratebook's ``estimate_annual`` on an
8,760-value tuple of Decimals; tariff-core's ``bill`` for each of the 12 months, with its
interval objects built in advance. ``ratio`` is an engine's median over this engine's
median (above 1: slower).

Totals differ by design where the engines' conventions do: this engine rounds each line
to the cent (SAM adds unrounded amounts, so a year of lines can differ by a few cents),
and tariff-core bills a monthly fixed charge as 12/365 of it per day.
"""

from __future__ import annotations

import argparse
import copy
import datetime as dt
import importlib.util
import json
import math
import os
import platform
import random
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

from tariffs import Readings, Tariff, price
from tariffs.io.urdb import urdb_to_tariff_data

YEAR = 2018
CENT = Decimal("0.01")

# -- the tariff, as a URDB record ---------------------------------------------------------

OFF_PEAK, SHOULDER, PEAK = 0, 1, 2
PRICES_PER_KWH = {OFF_PEAK: Decimal("0.0850"), SHOULDER: Decimal("0.1420"), PEAK: Decimal("0.2870")}
#: Clock hours of each period: weekdays 16-21 peak, 07-16 and 21-23 shoulder; weekends
#: 07-23 shoulder; off-peak otherwise.
WEEKDAY_HOURS = [OFF_PEAK] * 7 + [SHOULDER] * 9 + [PEAK] * 5 + [SHOULDER] * 2 + [OFF_PEAK]
WEEKEND_HOURS = [OFF_PEAK] * 7 + [SHOULDER] * 16 + [OFF_PEAK]
FIXED_PER_MONTH = Decimal("12.50")
FLAT_DEMAND_PER_KW = Decimal("8.40")
PEAK_DEMAND_PER_KW = Decimal("13.20")


def urdb_record(*, demand: bool) -> dict[str, Any]:
    """The benchmark tariff as a URDB rate record (numbers as Decimal, as parse_urdb reads)."""
    record: dict[str, Any] = {
        "label": "benchmark-tou",
        "name": "Three-period time of use" + (" with demand" if demand else ""),
        "energyratestructure": [[{"rate": PRICES_PER_KWH[p]}] for p in (OFF_PEAK, SHOULDER, PEAK)],
        "energyweekdayschedule": [list(WEEKDAY_HOURS) for _ in range(12)],
        "energyweekendschedule": [list(WEEKEND_HOURS) for _ in range(12)],
        "fixedchargefirstmeter": FIXED_PER_MONTH,
        "fixedchargeunits": "$/month",
    }
    if demand:
        on_peak = [1 if p == PEAK else 0 for p in WEEKDAY_HOURS]
        record.update(
            {
                "flatdemandstructure": [[{"rate": FLAT_DEMAND_PER_KW}]],
                "flatdemandmonths": [0] * 12,
                "demandratestructure": [[{"rate": Decimal(0)}], [{"rate": PEAK_DEMAND_PER_KW}]],
                "demandweekdayschedule": [list(on_peak) for _ in range(12)],
                "demandweekendschedule": [[0] * 24 for _ in range(12)],
                "demandwindow": 15,
            }
        )
    return record


def load_milli_kwh(steps_per_hour: int, seed: int = 7) -> list[int]:
    """A year of load with a daily shape and noise, in 0.001 kWh per interval."""
    rng = random.Random(seed)
    values = []
    for index in range(8760 * steps_per_hour):
        hour = index // steps_per_hour % 24
        base = 900 if 8 <= hour < 22 else 350
        values.append((base + rng.randrange(0, 1400)) // steps_per_hour)
    return values


# -- the engines --------------------------------------------------------------------------


@dataclass
class Engine:
    """One engine's work on one case: a timed call and the annual total it gives."""

    name: str
    call: Callable[[], object]
    annual_total: Callable[[object], Decimal]


def cents(value: Decimal | float) -> Decimal:
    return Decimal(repr(value) if isinstance(value, float) else value).quantize(
        CENT, rounding=ROUND_HALF_UP
    )


def tariffs_engine(record: dict[str, Any], kwh_milli: list[int], steps: int) -> Engine:
    tariff = Tariff.model_validate(urdb_to_tariff_data(record, timezone="UTC", source="bench"))
    start = int(dt.datetime(YEAR, 1, 1, tzinfo=dt.UTC).timestamp())
    step = 3600 // steps
    readings = Readings(
        source="benchmark",
        interval_seconds=step,
        starts=list(range(start, start + len(kwh_milli) * step, step)),
        scale=3,
        kwh=list(kwh_milli),
    )

    def total(bills: object) -> Decimal:
        return sum((bill.total for bill in bills), Decimal(0))  # type: ignore[attr-defined]

    return Engine("tariffs", lambda: price(tariff, readings), total)


def tariffs_cold_engine(record: dict[str, Any], kwh_milli: list[int], steps: int) -> Engine:
    """This engine as for the first meter on a time axis: no bill plan kept from before."""
    from tariffs.engine.pricing import clear_caches

    warm = tariffs_engine(record, kwh_milli, steps)

    def call() -> object:
        clear_caches()
        return warm.call()

    return Engine("tariffs, first meter of an axis", call, warm.annual_total)


def as_floats(value: Any) -> Any:
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, list):
        return [as_floats(item) for item in value]
    if isinstance(value, dict):
        return {key: as_floats(item) for key, item in value.items()}
    return value


def sam_engine(record: dict[str, Any], kwh_milli: list[int], steps: int) -> Engine | str:
    if importlib.util.find_spec("PySAM") is None:
        return "not installed (pip install nrel-pysam)"
    import PySAM.Utilityrate5 as utilityrate5
    from PySAM.UtilityRateTools import URDBv8_to_ElectricityRates

    model = utilityrate5.new()
    model.Lifetime.analysis_period = 1
    model.Lifetime.inflation_rate = 0
    model.Lifetime.system_use_lifetime_output = 0
    model.SystemOutput.degradation = (0,)
    model.SystemOutput.gen = (0.0,) * len(kwh_milli)
    model.ElectricityRates.rate_escalation = (0,)
    model.Load.load_escalation = (0,)
    model.ElectricityRates.assign(URDBv8_to_ElectricityRates(as_floats(copy.deepcopy(record))))
    model.Load.load = tuple(value * steps / 1000 for value in kwh_milli)  # kW

    def run() -> object:
        model.execute(0)
        return model

    def total(done: object) -> Decimal:
        return cents(sum(model.Outputs.utility_bill_w_sys_ym[1]))

    return Engine("SAM Utilityrate5 (execute only)", run, total)


def ratebook_engine(record: dict[str, Any], kwh_milli: list[int], steps: int) -> Engine | str:
    if importlib.util.find_spec("ratebook") is None:
        return "not installed (pip install ratebook; Python 3.12 or later)"
    from ratebook import estimate_annual, supported
    from ratebook.urdb import tariff_from_v8

    tariff = tariff_from_v8(copy.deepcopy(record))
    report = supported(tariff, single_window=False)
    if not report.fully_supported:
        return f"refuses this tariff: {'; '.join(report.reasons)}"
    if steps != 1:
        return "prices hourly loads only (estimate_annual takes 8,760 hourly values)"
    hourly = tuple(Decimal(value).scaleb(-3) for value in kwh_milli)

    def total(result: object) -> Decimal:
        return cents(result.total)  # type: ignore[attr-defined]

    return Engine("ratebook", lambda: estimate_annual(tariff, hourly, YEAR), total)


def tariff_core_plan(*, demand: bool) -> dict[str, Any]:
    """The benchmark tariff written as a tariff-core plan."""
    names = {OFF_PEAK: "off_peak", SHOULDER: "shoulder", PEAK: "peak"}

    def windows(hours: list[int], period: int, days: str) -> list[dict[str, Any]]:
        found = []
        start = 0
        for hour in range(1, 25):
            if hour == 24 or hours[hour] != hours[start]:
                if hours[start] == period:
                    found.append({"days": days, "time": [f"{start:02d}:00", f"{hour:02d}:00"]})
                start = hour
        return found

    components: list[dict[str, Any]] = [
        {"kind": "fixed", "label": "supply", "unit": "per_month", "rate": str(FIXED_PER_MONTH)}
    ]
    for period, name in names.items():
        components.append(
            {
                "kind": "usage",
                "period": name,
                "rate": str(PRICES_PER_KWH[period]),
                "schedule": windows(WEEKDAY_HOURS, period, "weekdays")
                + windows(WEEKEND_HOURS, period, "weekends"),
            }
        )
    if demand:
        common = {"method": "max_interval_avg", "measure": "kW", "unit": "per_kw_per_month"}
        components.append({"kind": "demand", **common, "rate": str(FLAT_DEMAND_PER_KW)})
        components.append(
            {
                "kind": "demand",
                **common,
                "rate": str(PEAK_DEMAND_PER_KW),
                "schedule": windows(WEEKDAY_HOURS, PEAK, "weekdays"),
            }
        )
    return {"commodity": "electricity", "currency": "USD", "timezone": "UTC",
            "components": components}  # fmt: skip


def tariff_core_engine(demand: bool, kwh_milli: list[int], steps: int) -> Engine | str:
    if importlib.util.find_spec("tariff_core") is None:
        return "not installed (pip install tariff-core; Python 3.13 or later)"
    from tariff_core import BillingPeriod, Interval, bill, parse_plan

    plan = parse_plan(json.dumps(tariff_core_plan(demand=demand)))
    step = dt.timedelta(hours=1) / steps
    start = dt.datetime(YEAR, 1, 1, tzinfo=dt.UTC)
    months = []
    index = 0
    for month in range(1, 13):
        end = dt.datetime(YEAR + month // 12, month % 12 + 1, 1, tzinfo=dt.UTC)
        intervals = []
        while start + step * index < end:
            quantity = Decimal(kwh_milli[index]).scaleb(-3)
            intervals.append(Interval(start + step * (index + 1), step, "general", "kWh", quantity))
            index += 1
        period_start = dt.datetime(YEAR, month, 1, tzinfo=dt.UTC)
        months.append((intervals, BillingPeriod(period_start, end)))

    def run() -> object:
        return [bill(plan, intervals, period=period) for intervals, period in months]

    def total(bills: object) -> Decimal:
        return sum((b.total_rounded for b in bills), Decimal(0))  # type: ignore[attr-defined]

    return Engine("tariff-core", run, total)


# -- timing and the table -----------------------------------------------------------------


def timed(call: Callable[[], object], repeat: int, budget_seconds: float) -> list[float]:
    """Times of ``repeat`` calls after a warm-up, fewer (at least 3) past the budget."""
    call()
    times: list[float] = []
    spent = 0.0
    while len(times) < repeat and (len(times) < 3 or spent < budget_seconds):
        t0 = time.perf_counter()
        call()
        times.append(time.perf_counter() - t0)
        spent += times[-1]
    return times


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=30, help="timed calls per engine")
    parser.add_argument(
        "--budget", type=float, default=20.0, help="seconds per engine and case (3 calls or more)"
    )
    args = parser.parse_args()

    print(
        f"python {platform.python_version()} on {platform.machine()}, "
        f"{os.cpu_count()} cpus, load average {' '.join(f'{v:.2f}' for v in os.getloadavg())}"
    )
    compare_with_peers(args.repeat, args.budget)
    return 0


def compare_with_peers(repeat: int, budget: float) -> None:
    """Print the table: each case by each engine installed, with the ratio to this one."""
    header = (
        f"{'case':30} {'engine':32} {'intervals':>9} {'median ms':>10} {'p95 ms':>9} "
        f"{'runs':>5} {'ratio':>7}"
    )
    cases = [("hourly year, 3-period TOU", 1, False), ("15-min year, TOU + demand", 4, True)]
    notes: list[str] = []
    print(header)
    print("-" * len(header))
    for case, steps, demand in cases:
        record = urdb_record(demand=demand)
        kwh_milli = load_milli_kwh(steps)
        ours = tariffs_engine(record, kwh_milli, steps)
        our_total = ours.annual_total(ours.call())
        candidates: list[tuple[str, Engine | str]] = [
            ("tariffs, first meter of an axis", tariffs_cold_engine(record, kwh_milli, steps)),
            ("SAM Utilityrate5", sam_engine(record, kwh_milli, steps)),
            ("ratebook", ratebook_engine(record, kwh_milli, steps)),
            ("tariff-core", tariff_core_engine(demand, kwh_milli, steps)),
        ]
        engines = [ours]
        absent = []
        for name, found in candidates:
            if isinstance(found, str):
                absent.append(f"{case:30} {name:32} {found}")
                continue
            their_total = found.annual_total(found.call())
            if their_total != our_total:
                notes.append(
                    f"{case}: {found.name} annual total {their_total}, tariffs {our_total} "
                    f"(difference {their_total - our_total:+})"
                )
            engines.append(found)
        our_median = None
        for engine in engines:
            times = timed(engine.call, repeat, budget)
            median = statistics.median(times)
            p95 = sorted(times)[math.ceil(0.95 * len(times)) - 1]  # nearest rank
            our_median = our_median or median
            print(
                f"{case:30} {engine.name:32} {len(kwh_milli):>9} {median * 1e3:>10.2f} "
                f"{p95 * 1e3:>9.2f} {len(times):>5} {median / our_median:>7.2f}"
            )
        for line in absent:
            print(line)
        print(f"{case:30} {'annual total, tariffs':32} {our_total}")
    for note in notes:
        print("differs:", note)


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
    sys.exit(main())
