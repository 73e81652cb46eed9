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
time axis (the bill plan of the axis is kept from the calls before; each timed call
follows an untimed one of the same meter), as the first meter of a new time axis (what is
kept per axis forgotten before each call, what the tariff gives alone kept: ``first meter
of a new axis``), and with nothing kept (``nothing kept``, the first call of a process);
SAM's ``execute``
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
import os
import platform
import random
import statistics
import subprocess
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
    """One engine's work on one case: a timed call and the annual total it gives.

    ``before`` runs before each timed call, untimed (e.g. forgetting kept plans).
    """

    name: str
    call: Callable[[], object]
    annual_total: Callable[[object], Decimal]
    before: Callable[[], object] | None = None

    def run(self) -> object:
        if self.before is not None:
            self.before()
        return self.call()

    def timed_call(self) -> float:
        if self.before is not None:
            self.before()
        t0 = time.perf_counter()
        self.call()
        return time.perf_counter() - t0


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

    def call() -> object:
        return price(tariff, readings)

    # Repeated: each timed call follows an untimed one of the same meter, as in a run
    # (interleaved with the cold calls, it would otherwise follow a cold one).
    return Engine("tariffs", call, total, before=call)


#: The names of this engine's cold calls: the first meter of a new time axis (what is
#: kept per axis forgotten, what the tariff gives alone kept, as in a billing run), and
#: the first call of a process (every kept store forgotten).
NEW_AXIS, NOTHING_KEPT = "tariffs, first meter of a new axis", "tariffs, nothing kept"


def tariffs_cold_engines(record: dict[str, Any], kwh_milli: list[int], steps: int) -> list[Engine]:
    """This engine as for the first meter on a new time axis, and with nothing kept."""
    from tariffs.engine._kept import forget_time_axes
    from tariffs.engine.pricing import clear_caches

    warm = tariffs_engine(record, kwh_milli, steps)
    return [
        Engine(NEW_AXIS, warm.call, warm.annual_total, forget_time_axes),
        Engine(NOTHING_KEPT, warm.call, warm.annual_total, clear_caches),
    ]


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


# -- the two-part case: cn-sh-industrial-two-part, and SAM on its prices ------------------

TWO_PART_YEAR = 2025  # the tariff's versions start in 2022; SAM's schedules need no weekday
#: The tariff's energy prices [CNY/kWh] (the YAML: flat 0.6200; peak 1.6 × flat = 0.992;
#: valley 0.4 × flat = 0.248; critical peak 1.2 × peak = 1.1904), plus its two surcharges
#: per kWh (0.0190 + 0.0100 = 0.0290), which SAM can only add to the energy prices.
TWO_PART_PRICES = {
    "flat": Decimal("0.6200"),
    "peak": Decimal("0.992"),
    "valley": Decimal("0.248"),
    "critical_peak": Decimal("1.1904"),
}
TWO_PART_SURCHARGES = Decimal("0.0290")
TWO_PART_DEMAND_PER_KW = Decimal("40.80")  # basic charge by maximum demand [CNY/kW·month]
#: Capacity of the account [kVA]: its floor (40 %, 2 kW) stays below the load's monthly
#: maximum demand (about 2.3 kW), and its kWh per kVA below the load-factor discount's 260.
TWO_PART_CAPACITY_KVA = Decimal(5)


def two_part_record() -> dict[str, Any]:
    """SAM's equivalent of cn-sh-industrial-two-part: its periods hour by hour each month,
    energy prices with the surcharges, and a flat demand charge at the basic charge's
    price by maximum demand (15-minute window). The power-factor adjustment has no
    equivalent in SAM; the check leaves its line out."""
    from tariffs import load_tariff
    from tariffs.engine.schedule import compile_schedule

    tariff = load_tariff("cn-sh-industrial-two-part")
    version = tariff.version_at(dt.date(TWO_PART_YEAR, 1, 1))
    assert version is not None
    schedule = compile_schedule(version[1], tariff.source)
    names = list(schedule.period_names)
    months = []
    for month in range(1, 13):
        table = schedule.day(dt.date(TWO_PART_YEAR, month, 15), False)
        hours = [next(p for a, b, p in table.runs if a <= hour * 60 < b) for hour in range(24)]
        assert all(a % 60 == 0 for a, _, _ in table.runs), "SAM's schedules are hourly"
        months.append(hours)
    return {
        "label": "cn-sh-industrial-two-part-sam",
        "name": "cn-sh-industrial-two-part, energy and demand",
        "energyratestructure": [
            [{"rate": TWO_PART_PRICES[name] + TWO_PART_SURCHARGES}] for name in names
        ],
        "energyweekdayschedule": [list(hours) for hours in months],
        "energyweekendschedule": [list(hours) for hours in months],
        "flatdemandstructure": [[{"rate": TWO_PART_DEMAND_PER_KW}]],
        "flatdemandmonths": [0] * 12,
        "demandwindow": 15,
    }


def two_part_engine(kwh_milli: list[int], *, cold: str | None = None) -> Engine:
    """This engine on cn-sh-industrial-two-part, basic charge by actual demand.

    ``cold``: None (repeated calls), `NEW_AXIS` or `NOTHING_KEPT`.
    """
    from zoneinfo import ZoneInfo

    from tariffs import Account, load_tariff
    from tariffs.engine._kept import forget_time_axes
    from tariffs.engine.pricing import clear_caches

    tariff = load_tariff("cn-sh-industrial-two-part")
    start = int(dt.datetime(TWO_PART_YEAR, 1, 1, tzinfo=ZoneInfo(tariff.timezone)).timestamp())
    readings = Readings(
        source="benchmark",
        interval_seconds=900,
        starts=list(range(start, start + len(kwh_milli) * 900, 900)),
        scale=3,
        kwh=list(kwh_milli),
        kvarh=[value // 2 for value in kwh_milli],
    )
    account = Account(
        account_id="B-1", capacity_kva=TWO_PART_CAPACITY_KVA, basic_charge_method="actual_demand"
    )

    def total(bills: object) -> Decimal:
        # Every line but the power-factor adjustment, which SAM has no equivalent of.
        return sum(
            (
                line.amount
                for bill in bills  # type: ignore[attr-defined]
                for line in bill.lines
                if line.kind != "power_factor"
            ),
            Decimal(0),
        )

    def call() -> object:
        return price(tariff, readings, account)

    return Engine(
        cold or "tariffs",
        call,
        total,
        before={NEW_AXIS: forget_time_axes, NOTHING_KEPT: clear_caches, None: call}[cold],
    )


# -- timing and the table -----------------------------------------------------------------

#: (case, intervals an hour, demand charges, the two-part tariff)
CASES = [
    ("hourly year, 3-period TOU", 1, False, False),
    ("15-min year, TOU + demand", 4, True, False),
    ("15-min year, cn-sh two-part", 4, True, True),
]
PEERS = ("SAM Utilityrate5", "ratebook", "tariff-core")


@dataclass
class Row:
    """What one engine measured on one case, in one process."""

    case: str
    engine: str
    python: str
    times: list[float]
    total: str
    check: str
    counted: bool

    @property
    def best(self) -> float:
        return min(self.times)

    @property
    def median(self) -> float:
        return statistics.median(self.times)


def interleaved(engines: list[Engine], repeat: int, budget: float) -> list[list[float]]:
    """Times of each engine's calls, one call of each engine per round (A B C A B C ...).

    A slow minute of the host then falls on every engine alike. An engine that has spent
    ``budget`` seconds (and made 3 calls) is left out of later rounds.
    """
    for engine in engines:
        engine.run()  # warm up
    times: list[list[float]] = [[] for _ in engines]
    spent = [0.0] * len(engines)
    for _ in range(repeat):
        for index, engine in enumerate(engines):
            if len(times[index]) >= 3 and spent[index] >= budget:
                continue
            elapsed = engine.timed_call()
            times[index].append(elapsed)
            spent[index] += elapsed
    return times


def tolerance(bills: object) -> Decimal:
    """Half a cent for each line of this engine's bills: what rounding each line may move."""
    lines = sum(len(bill.lines) for bill in bills)  # type: ignore[attr-defined]
    return CENT * lines / 2


def measure(repeat: int, budget: float, only: tuple[str, ...] = PEERS) -> list[Row]:
    """Each case by this engine (repeated and cold) and by each peer in ``only`` installed.

    Every peer's annual total is checked against this engine's first: the same, or
    within half a cent a line of this engine's bills (it rounds each line; SAM adds
    unrounded amounts). A peer outside that is timed but not counted.
    """
    rows: list[Row] = []
    python = platform.python_version()
    for case, steps, demand, two_part in CASES:
        if two_part and "SAM Utilityrate5" not in only:
            continue  # only SAM prices an equivalent of the two-part tariff
        kwh_milli = load_milli_kwh(steps)
        if two_part:
            record = two_part_record()
            ours = two_part_engine(kwh_milli)
            colds = [two_part_engine(kwh_milli, cold=NEW_AXIS),
                     two_part_engine(kwh_milli, cold=NOTHING_KEPT)]  # fmt: skip
        else:
            record = urdb_record(demand=demand)
            ours = tariffs_engine(record, kwh_milli, steps)
            colds = tariffs_cold_engines(record, kwh_milli, steps)
        bills = ours.call()
        our_total = ours.annual_total(bills)
        allowed = tolerance(bills)
        candidates: list[tuple[str, Engine | str]] = []
        if "SAM Utilityrate5" in only:
            candidates.append(("SAM Utilityrate5", sam_engine(record, kwh_milli, steps)))
        if "ratebook" in only and not two_part:
            candidates.append(("ratebook", ratebook_engine(record, kwh_milli, steps)))
        if "tariff-core" in only and not two_part:
            candidates.append(("tariff-core", tariff_core_engine(demand, kwh_milli, steps)))
        engines = [ours, *colds]
        checks = [("this engine", True)] + [("the same bills as repeated", True)] * len(colds)
        totals = [our_total] * len(engines)
        for cold in colds:
            assert cold.run() == bills, f"{cold.name}: priced differently"
        for name, found in candidates:
            if isinstance(found, str):
                rows.append(Row(case, name, python, [], "", found, False))
                continue
            their_total = found.annual_total(found.run())
            totals.append(their_total)
            difference = their_total - our_total
            if not difference:
                checks.append(("same total", True))
            elif abs(difference) <= allowed:
                checks.append((f"total {difference:+} (within {allowed})", True))
            else:
                checks.append((f"total {difference:+}: outside {allowed}, not counted", False))
            engines.append(found)
        times = interleaved(engines, repeat, budget)
        for engine, spent, total, (check, counted) in zip(
            engines, times, totals, checks, strict=True
        ):
            rows.append(Row(case, engine.name, python, spent, f"{total}", check, counted))
    return rows


def peer_rows(python: str | None, repeat: int, budget: float) -> list[Row]:
    """`measure` in another Python (where ratebook and tariff-core install), on this tree."""
    if not python:
        return []
    if not Path(python).exists():
        print(f"peers' Python {python} not found: ratebook and tariff-core not measured")
        return []
    done = subprocess.run(
        [python, str(Path(__file__).resolve()), "--json", "--repeat", str(repeat),
         "--budget", str(budget), "--only", "ratebook,tariff-core"],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1] / "src")},
        check=False,
    )  # fmt: skip
    if done.returncode != 0:
        print(f"peers' Python {python} failed:\n{done.stderr}")
        return []
    return [Row(**row) for row in json.loads(done.stdout)]


def print_rows(rows: list[Row]) -> None:
    """The table: each case by each engine, with the ratio to this engine in its process."""
    header = (
        f"{'case':28} {'engine':34} {'python':>6} {'median ms':>10} {'min ms':>9} "
        f"{'runs':>5} {'ratio':>8}  check"
    )
    print(header)
    print("-" * (len(header) + 30))
    for row in rows:
        if not row.times:
            print(f"{row.case:28} {row.engine:34} {row.python:>6} {row.check}")
            continue
        ours = next(
            r for r in rows if (r.case, r.python, r.engine) == (row.case, row.python, "tariffs")
        )
        print(
            f"{row.case:28} {row.engine:34} {row.python:>6} {row.median * 1e3:>10.2f} "
            f"{row.best * 1e3:>9.2f} {len(row.times):>5} {row.best / ours.best:>8.2f}  "
            f"{row.check}"
        )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=30, help="rounds of timed calls")
    parser.add_argument(
        "--budget", type=float, default=20.0, help="seconds per engine and case (3 calls or more)"
    )
    parser.add_argument(
        "--peers-python",
        default=os.environ.get("TARIFFS_PEERS_PYTHON"),
        help="a Python (3.13 or later) where ratebook and tariff-core are installed, when "
        "they are not here (default: $TARIFFS_PEERS_PYTHON)",
    )
    parser.add_argument("--only", default=",".join(PEERS), help=argparse.SUPPRESS)
    parser.add_argument("--json", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    rows = measure(args.repeat, args.budget, tuple(args.only.split(",")))
    if args.json:
        print(json.dumps([row.__dict__ for row in rows]))
        return 0
    print(
        f"python {platform.python_version()} on {platform.machine()}, "
        f"{os.cpu_count()} cpus, load average {' '.join(f'{v:.2f}' for v in os.getloadavg())}, "
        f"{dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC"
    )
    print_rows(compare_with_peers(args.repeat, args.budget, args.peers_python))
    return 0


def compare_with_peers(repeat: int, budget: float, peers_python: str | None) -> list[Row]:
    """Every case by this engine and the peers installed here, then by those of the peers'
    Python that are not installed here (each ratio within one process)."""
    here = [name for name in ("ratebook", "tariff-core")
            if importlib.util.find_spec(name.replace("-", "_")) is not None]  # fmt: skip
    rows = measure(repeat, budget)
    if len(here) < 2 and peers_python:
        rows = [row for row in rows if row.engine not in ("ratebook", "tariff-core")]
        rows += peer_rows(peers_python, repeat, budget)
    return rows


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
    sys.exit(main())
