"""Repeatable speed measurements of pricing; prints a table of figures.

Run: ``python benchmarks/run.py [--repeat N]``. Each case first checks its bills against
a slow, obvious computation (every interval classified with `datetime`/`zoneinfo`), then
times the pricing call with the readings already in memory.

Two figures per case. ``median``, ``p95`` and ``min`` are repeated calls, as in a
billing run where many meters share one time axis (or one meter is priced under several
tariffs): the bill plan of the axis (dates, versions, which interval is in which period)
is built once and kept. ``min`` is the fastest call: on a shared host whose speed changes
from minute to minute it is the steadiest figure of the cost. ``cold ms`` is the median
of calls made after forgetting every kept plan, as for the first meter of a run. Every
timed call's bills are compared with the checked ones.

Then the peers' table of `peers.py`: the same bills by the other engines installed
(NREL SAM, ratebook, tariff-core), with the ratio of their time to this engine's.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from loads import reference_loop_ms, shaped_kwh

from tariffs import Account, Bill, Readings, Tariff, load_tariff, price
from tariffs.engine._kept import reader_spans
from tariffs.engine.pricing import clear_caches
from tariffs.io.readings.csv_reader import parse_readings_csv
from tariffs.io.urdb import urdb_to_tariff_data


def year_of_readings(
    year: int, step_minutes: int, timezone: str, *, kvarh: bool = False, seed: int = 7
) -> Readings:
    """A year of readings with a daily shape and noise, exact to 0.001 kWh."""
    zone = ZoneInfo(timezone)
    start = int(dt.datetime(year, 1, 1, tzinfo=zone).timestamp())
    end = int(dt.datetime(year + 1, 1, 1, tzinfo=zone).timestamp())
    step = step_minutes * 60
    starts = list(range(start, end, step))
    kwh = shaped_kwh(starts, step_minutes, seed)
    return Readings(
        source="benchmark",
        interval_seconds=step,
        starts=starts,
        scale=3,
        kwh=kwh,
        kvarh=[v // 2 for v in kwh] if kvarh else None,
    )


def slow_energy_by_period(tariff: Tariff, readings: Readings) -> dict[tuple[str, str], int]:
    """Classify every interval with zoneinfo and the version's windows, one by one."""
    from tariffs.engine.schedule import compile_schedule

    zone = ZoneInfo(tariff.timezone)
    version = next(iter(tariff.versions.values()))
    schedule = compile_schedule(version)
    totals: dict[tuple[str, str], int] = {}
    for t, value in zip(readings.starts, readings.kwh, strict=True):
        local = dt.datetime.fromtimestamp(t, zone)
        table = schedule.day(local.date(), False)
        minute = local.hour * 60 + local.minute
        period = next(p for a, b, p in table.runs if a <= minute < b)
        month = f"{local.year}-{local.month:02d}"
        key = (month, schedule.period_names[period])
        totals[key] = totals.get(key, 0) + value
    return totals


def three_period_tou(timezone: str) -> Tariff:
    """The three-period time-of-use tariff with a monthly fixed charge of `peers.py`."""
    from peers import urdb_record

    data = urdb_to_tariff_data(urdb_record(demand=False), timezone=timezone, source="peers.py")
    return Tariff.model_validate(data)


def check(tariff: Tariff, readings: Readings, account: Account | None) -> list[Bill]:
    """The bills' energy quantities per month and period equal the slow classification."""
    slow = slow_energy_by_period(tariff, readings)
    clear_caches()
    bills = price(tariff, readings, account)
    fast: dict[tuple[str, str], Decimal] = {}
    for bill in bills:
        month = bill.period_start.strftime("%Y-%m")
        for line in bill.lines:
            if (
                line.kind == "energy"
                and line.code.count(".") == 1
                and ".tier" not in line.code
                and line.quantity is not None
            ):
                period = line.code.split(".")[1]
                fast[(month, period)] = fast.get((month, period), Decimal(0)) + line.quantity
        assert bill.total == sum(line.amount for line in bill.lines)
    if fast:
        expected = {k: Decimal(v).scaleb(-readings.scale) for k, v in slow.items() if v}
        assert fast == expected, "fast and slow classification differ"
    total = sum(b.energy_kwh for b in bills)
    assert total == readings.total(), "energy billed differs from energy read"
    return bills


def timed(
    call: Callable[[], object],
    repeat: int,
    expected: object = None,
    before: Callable[[], None] | None = None,
) -> list[float]:
    """Times of ``repeat`` calls (after one untimed call); each result must be ``expected``."""
    call()  # warm caches (compiled schedules)
    times = []
    for _ in range(repeat):
        if before is not None:
            before()
        t0 = time.perf_counter()
        result = call()
        times.append(time.perf_counter() - t0)
        assert expected is None or result == expected, "a timed call priced differently"
    return times


def peak_memory(call: Callable[[], object]) -> int:
    tracemalloc.start()
    call()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=50)
    parser.add_argument(
        "--peers-python",
        default=os.environ.get("TARIFFS_PEERS_PYTHON"),
        help="a Python (3.13 or later) where ratebook and tariff-core are installed, when "
        "they are not here (default: $TARIFFS_PEERS_PYTHON)",
    )
    parser.add_argument(
        "--batch-accounts",
        type=int,
        default=0,
        help="accounts (x 12 months) of a batch.py run for the batch target (0: not run)",
    )
    parser.add_argument(
        "--startup-runs", type=int, default=10, help="runs of tariffs price for start-up (0: none)"
    )
    args = parser.parse_args()

    two_part_account = Account(
        account_id="F-001",
        capacity_kva=Decimal(1250),
        contract_demand_kw=Decimal(600),
        basic_charge_method="contract_demand",
    )
    cases: list[tuple[str, str | Tariff, int, bool, Account | None]] = [
        ("hourly, 3-period TOU + fixed", three_period_tou("America/Chicago"), 60, False, None),
        ("hourly, cn-zj-residential-tou", "cn-zj-residential-tou", 60, False, None),
        ("15-min, cn-zj-residential-tou", "cn-zj-residential-tou", 15, False, None),
        ("15-min, cn-gd-commercial-tou", "cn-gd-commercial-tou", 15, False, None),
        (
            "15-min, cn-sh-industrial-two-part",
            "cn-sh-industrial-two-part",
            15,
            True,
            two_part_account,
        ),
    ]
    print(
        f"python {platform.python_version()} on {platform.machine()}, "
        f"{platform.processor() or 'unknown cpu'}; host speed: {reference_loop_ms():.0f} ms "
        "for a loop of 3 million additions (lower is faster)"
    )
    header = (
        f"{'case':38} {'intervals':>9} {'median ms':>10} {'p95 ms':>8} {'min ms':>7} "
        f"{'intervals/s':>12} {'peak MB':>8} {'cold ms':>8}"
    )
    print(header)
    print("-" * len(header))
    for name, which, step, kvarh, account in cases:
        tariff = which if isinstance(which, Tariff) else load_tariff(which)
        readings = year_of_readings(2025, step, tariff.timezone, kvarh=kvarh)
        bills = check(tariff, readings, account)

        def call(t: Tariff = tariff, r: Readings = readings, a: Account | None = account) -> object:
            return price(t, r, a)

        times = timed(call, args.repeat, bills)
        cold = timed(call, max(5, args.repeat // 5), bills, before=clear_caches)
        median = statistics.median(times)
        p95 = sorted(times)[int(0.95 * (len(times) - 1))]
        clear_caches()
        memory = peak_memory(call)
        print(
            f"{name:38} {len(readings):>9} {median * 1e3:>10.2f} {p95 * 1e3:>8.2f} "
            f"{min(times) * 1e3:>7.2f} {len(readings) / median:>12,.0f} {memory / 1e6:>8.2f} "
            f"{statistics.median(cold) * 1e3:>8.2f}"
        )

    # Reading CSV text already in memory: a file whose start column is new to the reader,
    # and one whose start column equals the last file's (the meters of a billing run).
    tariff = load_tariff("cn-zj-residential-tou")
    readings = year_of_readings(2025, 15, tariff.timezone, kvarh=True)
    zone = ZoneInfo(tariff.timezone)
    rows = ["start,kwh,kvarh"]
    for t, v, q in zip(readings.starts, readings.kwh, readings.kvarh or [], strict=True):
        rows.append(
            f"{dt.datetime.fromtimestamp(t, zone):%Y-%m-%dT%H:%M},"
            f"{Decimal(v).scaleb(-3)},{Decimal(q).scaleb(-3)}"
        )
    text = "\n".join(rows) + "\n"
    parsed = parse_readings_csv(text, "bench.csv", tariff.timezone)
    assert (parsed.starts, parsed.kwh, parsed.kvarh) == (
        readings.starts,
        readings.kwh,
        readings.kvarh,
    ), "the reader read the file differently"
    cases = (("read CSV, new start column", reader_spans.clear), ("read CSV, seen", None))
    for name, before in cases:
        times = timed(
            lambda: parse_readings_csv(text, "bench.csv", tariff.timezone),
            max(5, args.repeat // 5),
            before=before,
        )
        median = statistics.median(times)
        print(
            f"{name:38} {len(readings):>9} {median * 1e3:>10.2f} "
            f"{sorted(times)[int(0.95 * (len(times) - 1))] * 1e3:>8.2f} "
            f"{len(readings) / median:>12,.0f}"
        )
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / "year.csv"
        path.write_text(text, encoding="utf-8")
        grown = process_memory(path)
    measured = f"{grown / 1e6:.1f} MB" if grown >= 0 else "not measured (needs Linux /proc)"
    print(
        f"\npeak RSS above the interpreter with tariffs imported, reading {path.name} "
        f"({len(readings):,} rows with kvarh) and pricing it under "
        f"cn-sh-industrial-two-part: {measured} (target: under 50 MB)"
    )

    # The same work by the other engines installed (skipped with a message when absent).
    from peers import compare_with_peers, print_rows

    print()
    rows = compare_with_peers(args.repeat, 10.0, args.peers_python)
    print_rows(rows)
    print()
    print_targets(rows, batch_seconds(args.batch_accounts), startup_seconds(args.startup_runs))
    return 0


def batch_seconds(accounts: int) -> tuple[float, str] | None:
    """Seconds for 100,000 customer-months at the rate of `batch.py` on ``accounts`` × 12."""
    if accounts <= 0:
        return None
    done = subprocess.run(
        [sys.executable, str(Path(__file__).with_name("batch.py")), "--accounts", str(accounts),
         "--months", "12", "--layout", "dir"],
        check=True, capture_output=True, text=True,
        env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1] / "src")},
    )  # fmt: skip
    row = next(line.split() for line in done.stdout.splitlines() if line.startswith("dir "))
    assert row[6] == "0", f"batch.py had failures: {done.stdout}"
    rate = float(row[3])
    return 100_000 / rate, f"at {rate:.0f} cm/s, batch.py on {row[1]} customer-months"


def startup_seconds(runs: int) -> tuple[float, str] | None:
    """`read_csv.py`'s end-to-end figure: ``tariffs price`` of the README's example."""
    if runs <= 0:
        return None
    from read_csv import EXAMPLE_ARGS, price_seconds

    with tempfile.TemporaryDirectory() as directory:
        seconds, how = price_seconds(
            Path(directory) / "none.csv", runs, bytecode=True, arguments=EXAMPLE_ARGS
        )
    return seconds, f"tariffs price of the README's example, bytecode cached, {how}"


def print_targets(
    rows: list[Any], batch: tuple[float, str] | None, startup: tuple[float, str] | None
) -> None:
    """Issue 16's figures: each measured value beside its target, met or not.

    The ratios to the peers are of the fastest calls, all measured in this run, each
    engine interleaved with this one in one process and its bills checked first.
    """
    from peers import NEW_AXIS, NOTHING_KEPT

    def row(case: str, engine: str) -> Any | None:
        return next(
            (r for r in rows if r.case == case and r.engine.startswith(engine) and r.times),
            None,
        )

    def ratio(
        case: str, peer: str, *, faster: bool, cold_name: str = NEW_AXIS
    ) -> tuple[float | None, str]:
        theirs = row(case, peer)
        if theirs is None:
            missing = next(
                (r.check for r in rows if r.case == case and r.engine.startswith(peer)), ""
            )
            return None, f"{peer} not measured" + (f": {missing}" if missing else "")
        if not theirs.counted:
            return None, f"{peer}'s bills did not check ({theirs.check})"
        cold = next(
            r for r in rows if (r.case, r.python, r.engine) == (case, theirs.python, cold_name)
        )
        value = theirs.best / cold.best if faster else cold.best / theirs.best
        return value, (
            f"min {cold.best * 1e3:.2f} ms {cold_name.removeprefix('tariffs, ')}, "
            f"{peer} {theirs.best * 1e3:.2f} ms (Python {theirs.python})"
        )

    hourly, two_part = "hourly year, 3-period TOU", "15-min year, cn-sh two-part"
    figures: list[tuple[str, float | None, str, str, bool | None]] = []
    # Cold as the issue has it: the first meter on a new time axis. The same with nothing
    # kept at all (the first call of a process) is shown beside each, not counted.
    for name, (value, note), target, met in [
        ("cold hourly 3-period TOU / SAM, time", ratio(hourly, "SAM", faster=False), "<= 0.50",
         lambda v: v <= 0.5),
        ("  the same, nothing kept", ratio(hourly, "SAM", faster=False, cold_name=NOTHING_KEPT),
         "", None),
        ("ratebook / cold hourly 3-period TOU, times", ratio(hourly, "ratebook", faster=True),
         ">= 5", lambda v: v >= 5),
        ("  the same, nothing kept",
         ratio(hourly, "ratebook", faster=True, cold_name=NOTHING_KEPT), "", None),
        ("cold 15-min cn-sh two-part / SAM, time", ratio(two_part, "SAM", faster=False),
         "<= 0.50", lambda v: v <= 0.5),
        ("  the same, nothing kept",
         ratio(two_part, "SAM", faster=False, cold_name=NOTHING_KEPT), "", None),
    ]:  # fmt: skip
        counted = None if value is None or met is None else met(value)
        figures.append((name, value, target, note, counted))
    for name, measured, limit, missing in [
        ("100,000 customer-months, s", batch, 60.0,
         "run benchmarks/batch.py (or run.py --batch-accounts N)"),
        ("start-up, s", startup, 0.25, "run benchmarks/read_csv.py"),
    ]:  # fmt: skip
        if measured is None:
            figures.append((name, None, f"<= {limit:g}", missing, None))
        else:
            figures.append((name, measured[0], f"<= {limit:g}", measured[1], measured[0] <= limit))
    print(f"targets (issue 16), {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC")
    header = f"{'figure':44} {'measured':>9} {'target':>8}  {'':8} how"
    print(header)
    print("-" * (len(header) + 50))
    for name, value, target, note, met in figures:
        shown = "" if value is None else f"{value:.2f}"
        status = "" if met is None else ("met" if met else "not met")
        print(f"{name:44} {shown:>9} {target:>8}  {status:8} {note}")


_MEMORY_PROBE = """
import sys
from decimal import Decimal
from tariffs import Account, load_tariff, price
from tariffs.io.readings.csv_reader import read_readings_csv

def status(key):
    with open("/proc/self/status") as lines:
        return next(int(line.split()[1]) * 1024 for line in lines if line.startswith(key))

tariff = load_tariff("cn-sh-industrial-two-part")
account = Account(account_id="F", capacity_kva=Decimal(1250), basic_charge_method="capacity")
try:
    with open("/proc/self/clear_refs", "w") as reset:
        reset.write("5")  # the peak RSS (VmHWM) starts again from the RSS now
except OSError:
    print(-1)  # not Linux, or not allowed: not measured
    sys.exit(0)
before = status("VmRSS:")
bills = price(tariff, read_readings_csv(sys.argv[1], tariff.timezone), account)
assert len(bills) == 12
print(status("VmHWM:") - before)
"""


def process_memory(path: Path) -> int:
    """Bytes the peak RSS of a fresh process grows by to read and price one file (Linux)."""
    done = subprocess.run(
        [sys.executable, "-c", _MEMORY_PROBE, str(path)],
        check=True,
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1] / "src")},
    )
    return int(done.stdout)


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    sys.exit(main())
