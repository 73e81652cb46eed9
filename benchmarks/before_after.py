"""The speed of two trees of the package, measured in one run, interleaved; one table.

Run: ``python benchmarks/before_after.py --baseline PATH [--rounds N] [--repeat N]
[--cli-runs N] [--quick]``. ``PATH`` is the root of another checkout of the project, the
code before a change (``git worktree add ../baseline <commit>``); the other tree is this
checkout. Both are measured by this script's code, through the public API they share.

The host's speed changes by up to 2x from minute to minute, so figures from two runs
cannot be compared. Here every measurement is made once per round for each tree, the
baseline first and this checkout right after (A B A B ...), so that a slow minute falls on
both. Each measurement runs in a fresh child process, ``sys.executable`` with
``PYTHONPATH=<tree>/src`` (which comes before the editable install's path); the child
checks that ``tariffs.__file__`` is in that tree, and the parent checks it again.
Bytecode is written into a temporary ``PYTHONPYCACHEPREFIX``, never into either tree.

Measurements, each case on readings built in memory with a fixed seed (a year from
1 January 2025, Asia/Shanghai; the shape of `run.py`'s readings):

- ``warm``: `price` repeated on the same readings, as for the meters of a billing run
  after the first (the bill plan of the time axis is kept); median and fastest call;
- ``cold``: the same with the plans of time axes forgotten before each call, as for the
  first meter of a new time axis: the bill and segment plans (all that the earlier
  tree's `tariffs.pricing.clear_caches` forgets; in this tree the stores `bill_plans`,
  `segment_plans` and `plan_runs` of `tariffs.engine._kept`). Compiled schedules and
  resolved prices stay, as they do for a tariff already used in the run;
  cases: an hourly year under a three-period time-of-use tariff with a monthly fixed
  charge (the YAML below), a 15-minute year under ``cn-zj-residential-tou``, and a
  15-minute year with kvarh under ``cn-sh-industrial-two-part`` with an account;
- ``read CSV``: rows per second of `read_readings_csv` on a generated 15-minute year file
  (``start,kwh,kvarh``): the first read in a process, then repeated reads (whose start
  column the reader has seen);
- ``tariffs price``: wall time of ``python -m tariffs price examples/readings.csv --tariff
  cn-sh-industrial-two-part --account examples/account.yaml --format json`` run from the
  tree's root, with the bytecode cached and with none (every module compiled at start,
  as where ``PYTHONDONTWRITEBYTECODE`` is set).

A speed figure only counts for identical bills: each child hashes (sha256) the bills'
JSON of every case, the parent compares the hashes of the two trees, and the CLI's
output likewise; if any differ, the script says where and exits 1, without a table.

The table gives, per figure, the baseline's value, this checkout's and their ratio
(current / baseline: for times below 1.00 is faster, for rows per second above 1.00 is
faster), pooled over the rounds, with the lowest and highest ratio of a single round.
The host reference is a fixed pure-Python loop timed in every child: it tells a slow
minute from slow code, and its ratio near 1.00 shows the trees met the same host.
"""

from __future__ import annotations

import argparse
import datetime as dt
import difflib
import hashlib
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from loads import reference_loop_ms, shaped_kwh

ROOT = Path(__file__).resolve().parents[1]
YEAR = 2025
TIMEZONE = "Asia/Shanghai"
SEED = 7
DAYS_OF_YEAR = (dt.date(YEAR + 1, 1, 1) - dt.date(YEAR, 1, 1)).days
QUICK_DAYS = 31
KINDS = ("warm", "cold", "read")
CLI_ARGS = (
    "price", "examples/readings.csv", "--tariff", "cn-sh-industrial-two-part",
    "--account", "examples/account.yaml", "--format", "json",
)  # fmt: skip

THREE_PERIOD_TOU = """\
id: bench-three-period-tou
name: Benchmark, three-period time of use with a monthly fixed charge
currency: CNY
timezone: Asia/Shanghai
reference: benchmarks/before_after.py; hours and prices illustrative (those of peers.py)
versions:
  "2025-01-01":
    day_types:
      workday: {weekdays: [mon, tue, wed, thu, fri]}
      weekend: {weekdays: [sat, sun]}
    periods:
      - day_types: [workday]
        windows:
          peak: ["16:00-21:00"]
          flat: ["07:00-16:00", "21:00-23:00"]
          valley: ["23:00-07:00"]
      - day_types: [weekend]
        windows:
          flat: ["07:00-23:00"]
          valley: ["23:00-07:00"]
    charges:
      - kind: fixed
        code: service
        label: Service charge
        amount: "12.50"
        per: month
      - kind: energy
        label: Energy
        prices:
          peak: "0.2870"
          flat: "0.1420"
          valley: "0.0850"
"""


@dataclass(frozen=True)
class Case:
    """One pricing case: a tariff (bundled id, or None for `THREE_PERIOD_TOU`), readings."""

    name: str
    tariff_id: str | None
    step_minutes: int
    kvarh: bool
    account: bool


CASES = (
    Case("hourly, 3-period TOU + fixed", None, 60, False, False),
    Case("15-min, cn-zj-residential-tou", "cn-zj-residential-tou", 15, False, False),
    Case("15-min, cn-sh-industrial-two-part", "cn-sh-industrial-two-part", 15, True, True),
)
#: The case whose tariff and account price the readings read from CSV.
CSV_CASE = CASES[2]
CSV_NAME = "read CSV, cn-sh-industrial-two-part"


# -- shared by the parent and the children (standard library only) ------------------------


def year_of_values(
    step_minutes: int, days: int, *, kvarh: bool, seed: int = SEED
) -> tuple[list[int], list[int], list[int] | None]:
    """Starts and values of `days` days of readings from local midnight on 1 January.

    The shape of `run.py`'s ``year_of_readings``: more by day than by night, and noise.

    Returns:
        Interval starts [UTC epoch s], energy per interval [0.001 kWh] and reactive
        energy per interval [0.001 kvarh] (half the energy) or None.
    """
    zone = ZoneInfo(TIMEZONE)
    first = dt.datetime(YEAR, 1, 1, tzinfo=zone)
    start = int(first.timestamp())
    end = int((first + dt.timedelta(days=days)).timestamp())
    starts = list(range(start, end, step_minutes * 60))
    kwh = shaped_kwh(starts, step_minutes, seed)
    return starts, kwh, [v // 2 for v in kwh] if kvarh else None


def sha256(data: str | bytes) -> str:
    return hashlib.sha256(data.encode() if isinstance(data, str) else data).hexdigest()


# -- the child: one measurement of one tree -----------------------------------------------


def child(
    kind: str, label: str, src: Path, workdir: Path, repeat: int, days: int
) -> dict[str, Any]:
    """Measure `kind` with the package of `src`; the figures and the bills' hashes.

    The bills' JSON of every case is left in ``workdir/bills`` for a diff, named by
    `label`, `kind` and case.
    """
    import tariffs

    imported = Path(tariffs.__file__).resolve()
    if not imported.is_relative_to(src.resolve()):
        raise SystemExit(f"imported {imported}, not the package under {src}")
    result: dict[str, Any] = {
        "tariffs_file": str(imported),
        "reference_ms": reference_loop_ms(),
        "cases": {},
    }
    if kind == "read":
        result["cases"][CSV_NAME] = read_csv_case(workdir, repeat, days)
    else:
        for case in CASES:
            result["cases"][case.name] = pricing_case(case, kind == "cold", repeat, days)
    bills = workdir / "bills"
    for name, figures in result["cases"].items():
        (bills / f"{label}-{kind}-{slug(name)}.json").write_text(
            figures.pop("json"), encoding="utf-8"
        )
    return result


def slug(name: str) -> str:
    return "".join(c if c.isalnum() else "-" for c in name)


def build_case(case: Case, days: int) -> tuple[Any, Any, Any]:
    """The tariff, readings and account of `case`, with the package imported."""
    from decimal import Decimal

    from tariffs import Account, Readings, load_tariff, parse_tariff

    if case.tariff_id is None:
        tariff = parse_tariff(THREE_PERIOD_TOU, "three-period-tou.yaml")
    else:
        tariff = load_tariff(case.tariff_id)
    assert tariff.timezone == TIMEZONE, "the readings start at local midnight in TIMEZONE"
    starts, kwh, kvarh = year_of_values(case.step_minutes, days, kvarh=case.kvarh)
    readings = Readings(
        source="benchmark",
        interval_seconds=case.step_minutes * 60,
        starts=starts,
        scale=3,
        kwh=kwh,
        kvarh=kvarh,
    )
    account = None
    if case.account:
        account = Account(
            account_id="F-001",
            capacity_kva=Decimal(1250),
            contract_demand_kw=Decimal(600),
            basic_charge_method="contract_demand",
        )
    return tariff, readings, account


def pricing_case(case: Case, cold: bool, repeat: int, days: int) -> dict[str, Any]:
    """`price` on one case, `repeat` timed calls after an untimed first one."""
    from tariffs import bills_to_json, price

    clear_caches = _axis_plans_forgetter()
    tariff, readings, account = build_case(case, days)
    bills = price(tariff, readings, account)
    text = bills_to_json(bills)
    seconds = []
    for _ in range(repeat):
        if cold:
            clear_caches()
        started = time.perf_counter()
        again = price(tariff, readings, account)
        seconds.append(time.perf_counter() - started)
        if again != bills:
            raise SystemExit(f"{case.name}: a timed call priced differently")
    return {"sha256": sha256(text), "json": text, "seconds": seconds, "rows": len(readings)}


def _axis_plans_forgetter() -> Any:
    """A function forgetting the plans derived from time axes, in either tree."""
    try:
        from tariffs.engine import _kept  # type: ignore[attr-defined, unused-ignore]
    except ImportError:  # the tree before the engine's stores: its clear_caches does it
        from tariffs.pricing import clear_caches

        return clear_caches

    def forget() -> None:
        for store in (_kept.bill_plans, _kept.segment_plans, _kept.plan_runs):
            store.clear()

    return forget


def read_csv_case(workdir: Path, repeat: int, days: int) -> dict[str, Any]:
    """`read_readings_csv` on the generated file: the first read, then `repeat` more."""
    from tariffs import bills_to_json, price, read_readings_csv

    path = workdir / "year.csv"
    started = time.perf_counter()
    readings = read_readings_csv(path, TIMEZONE)
    first = time.perf_counter() - started
    expected = year_of_values(15, days, kvarh=True)
    if (readings.starts, readings.kwh, readings.kvarh) != expected:
        raise SystemExit(f"{path}: the reader read other values than were written")
    seconds = []
    for _ in range(repeat):
        started = time.perf_counter()
        again = read_readings_csv(path, TIMEZONE)
        seconds.append(time.perf_counter() - started)
        if again != readings:
            raise SystemExit(f"{path}: a timed read read differently")
    tariff, _, account = build_case(CSV_CASE, days)
    text = bills_to_json(price(tariff, readings, account))
    return {
        "sha256": sha256(text),
        "json": text,
        "first_seconds": [first],
        "seconds": seconds,
        "rows": len(readings),
    }


# -- the parent: both trees, round by round -----------------------------------------------


class BillsDifferError(Exception):
    """The two trees gave different bills (or CLI output) for the same case."""


@dataclass(frozen=True)
class Tree:
    """One package tree: a label, the checkout's root and its ``src``."""

    label: str
    root: Path

    @property
    def src(self) -> Path:
        return self.root / "src"

    def describe(self) -> str:
        """The root, its commit and whether tracked files have uncommitted changes."""
        git = ["git", "--no-optional-locks", "-C", str(self.root)]
        try:
            commit = subprocess.run(
                [*git, "rev-parse", "--short", "HEAD"], capture_output=True, text=True, check=True
            ).stdout.strip()
            changed = subprocess.run(
                [*git, "status", "--porcelain", "--untracked-files=no"],
                capture_output=True,
                text=True,
                check=True,
            ).stdout.strip()
        except (OSError, subprocess.CalledProcessError):
            return f"{self.root} (not a git checkout)"
        return f"{self.root} ({commit}{', with uncommitted changes' if changed else ''})"


def child_env(tree: Tree, pycache: Path, *, bytecode: bool = True) -> dict[str, str]:
    """The environment of a child process that must import the package of `tree`."""
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"PYTHONPATH", "PYTHONDONTWRITEBYTECODE", "PYTHONPYCACHEPREFIX"}
        and key != "TARIFFS_PATH"  # bundled tables only, in both trees
    }
    env["PYTHONPATH"] = str(tree.src)
    env["PYTHONPYCACHEPREFIX"] = str(pycache)
    if not bytecode:
        env["PYTHONDONTWRITEBYTECODE"] = "1"
    return env


def check_import(tree: Tree, pycache: Path) -> None:
    """A child started as the CLI's is, from the tree's root, imports that tree's package."""
    done = subprocess.run(
        [sys.executable, "-c", "import tariffs; print(tariffs.__file__)"],
        capture_output=True,
        text=True,
        cwd=tree.root,
        env=child_env(tree, pycache),
        check=True,
    )
    imported = Path(done.stdout.strip()).resolve()
    if not imported.is_relative_to(tree.src.resolve()):
        raise SystemExit(f"{tree.label}: a child imported {imported}, not {tree.src}")


def run_child(
    tree: Tree, kind: str, workdir: Path, pycache: Path, repeat: int, days: int
) -> dict[str, Any]:
    command = [
        sys.executable, str(Path(__file__).resolve()), "--child", kind, "--label", tree.label,
        "--src", str(tree.src),
        "--workdir", str(workdir), "--repeat", str(repeat), "--days", str(days),
    ]  # fmt: skip
    done = subprocess.run(
        command,
        capture_output=True,
        text=True,
        cwd=tree.root,
        env=child_env(tree, pycache),
        timeout=900,
        check=False,
    )
    if done.returncode != 0:
        raise SystemExit(f"{tree.label}, {kind}: the child failed:\n{done.stderr}")
    result: dict[str, Any] = json.loads(done.stdout.splitlines()[-1])
    imported = Path(result["tariffs_file"])
    if not imported.is_relative_to(tree.src.resolve()):
        raise SystemExit(f"{tree.label}: the child imported {imported}, not {tree.src}")
    return result


def run_cli(tree: Tree, env: dict[str, str], workdir: Path) -> tuple[float, str]:
    """Wall time [s] of ``tariffs price`` from the tree's root, and its output's sha256.

    The output is left in ``workdir/bills`` for a diff.
    """
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "tariffs", *CLI_ARGS],
        capture_output=True,
        cwd=tree.root,
        env=env,
        timeout=300,
        check=False,
    )
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"{tree.label}: tariffs price failed:\n{done.stderr.decode()}")
    (workdir / "bills" / f"{tree.label}-cli.json").write_bytes(done.stdout)
    return seconds, sha256(done.stdout)


class Digests:
    """The first hash seen per case; every later one, of either tree, must equal it."""

    def __init__(self, workdir: Path) -> None:
        self.workdir = workdir
        self.first: dict[str, tuple[str, str]] = {}

    def check(self, case: str, digest: str, where: str) -> None:
        if case not in self.first:
            self.first[case] = (digest, where)
            return
        expected, first_where = self.first[case]
        if digest != expected:
            raise BillsDifferError(
                f"{case}: the bills of {where} differ from those of {first_where} "
                f"(sha256 {digest[:12]} != {expected[:12]})\n{self.diff()}"
            )

    def diff(self) -> str:
        """The start of a diff of the two trees' last bills JSON, per case written."""
        bills = self.workdir / "bills"
        lines: list[str] = []
        for path in sorted(bills.glob("baseline-*.json")):
            other = bills / path.name.replace("baseline-", "current-", 1)
            if not other.exists():
                continue
            lines += difflib.unified_diff(
                path.read_text(encoding="utf-8").splitlines(),
                other.read_text(encoding="utf-8").splitlines(),
                str(path.name),
                str(other.name),
                lineterm="",
            )
        return "\n".join(lines[:60])


#: Samples per tree label, per figure key, per round: a list of seconds.
Samples = dict[str, dict[str, list[list[float]]]]


def measure(
    trees: Sequence[Tree], args: argparse.Namespace, workdir: Path, days: int
) -> tuple[Samples, dict[str, int], Digests]:
    """Every measurement of every round, the trees alternating; the samples and rows."""
    pycache = workdir / "pycache"
    no_pycache = workdir / "no-pycache"  # stays empty: every module compiled at start
    samples: Samples = {tree.label: {} for tree in trees}
    rows: dict[str, int] = {}
    digests = Digests(workdir)

    def add(tree: Tree, key: str, round_: int, values: list[float]) -> None:
        per_round = samples[tree.label].setdefault(key, [])
        while len(per_round) <= round_:
            per_round.append([])
        per_round[round_].extend(values)

    for tree in trees:  # untimed: the import path, the bytecode written, the CLI's output
        check_import(tree, pycache)
        _, digest = run_cli(tree, child_env(tree, pycache), workdir)
        digests.check("tariffs price output", digest, f"{tree.label}, first run")
    for round_ in range(args.rounds):
        print(f"round {round_ + 1} of {args.rounds} ...", file=sys.stderr, flush=True)
        for kind in KINDS:
            for tree in trees:
                result = run_child(tree, kind, workdir, pycache, args.repeat, days)
                add(tree, "reference", round_, [result["reference_ms"] / 1e3])
                for name, figures in result["cases"].items():
                    where = f"{tree.label}, {kind}, round {round_ + 1}"
                    digests.check(name, figures["sha256"], where)
                    rows[name] = figures["rows"]
                    add(tree, f"{kind} {name}", round_, figures["seconds"])
                    if "first_seconds" in figures:
                        add(tree, f"first {name}", round_, figures["first_seconds"])
        for mode, bytecode in (("cached", True), ("no bytecode", False)):
            for _ in range(args.cli_runs):
                for tree in trees:
                    env = child_env(tree, pycache if bytecode else no_pycache, bytecode=bytecode)
                    seconds, digest = run_cli(tree, env, workdir)
                    where = f"{tree.label}, round {round_ + 1}"
                    digests.check("tariffs price output", digest, where)
                    add(tree, f"cli {mode}", round_, [seconds])
    return samples, rows, digests


@dataclass(frozen=True)
class Figure:
    """One row of the table: a name, a unit, a value per tree and per round."""

    name: str
    unit: str
    baseline: float
    current: float
    round_ratios: list[float]

    @property
    def ratio(self) -> float:
        return self.current / self.baseline


def figure(
    samples: Samples,
    key: str,
    name: str,
    stat: Callable[[list[float]], float],
    rows: int | None = None,
) -> Figure:
    """A figure of `key`'s samples: ``stat`` of the times in ms, or rows/s if `rows`."""

    def value(seconds: list[float]) -> float:
        return rows / stat(seconds) if rows is not None else stat(seconds) * 1e3

    before, after = samples["baseline"][key], samples["current"][key]
    return Figure(
        name=name,
        unit="rows/s" if rows is not None else "ms",
        baseline=value([s for part in before for s in part]),
        current=value([s for part in after for s in part]),
        round_ratios=[value(a) / value(b) for b, a in zip(before, after, strict=True)],
    )


def figures(samples: Samples, rows: dict[str, int]) -> list[Figure]:
    median = statistics.median
    table = []
    for kind in ("warm", "cold"):
        for case in CASES:
            key = f"{kind} {case.name}"
            table.append(figure(samples, key, f"price {kind}, {case.name}, median", median))
            table.append(figure(samples, key, f"price {kind}, {case.name}, min", min))
    csv_rows = rows[CSV_NAME]
    name = "read CSV, 15-min year with kvarh"
    table += [
        figure(samples, f"first {CSV_NAME}", f"{name}, first read", median, csv_rows),
        figure(samples, f"read {CSV_NAME}", f"{name}, repeated, median", median, csv_rows),
        figure(samples, f"read {CSV_NAME}", f"{name}, repeated, best", min, csv_rows),
        figure(samples, "cli cached", "tariffs price CLI, bytecode cached, median", median),
        figure(samples, "cli cached", "tariffs price CLI, bytecode cached, min", min),
        figure(samples, "cli no bytecode", "tariffs price CLI, no bytecode, median", median),
        figure(samples, "reference", "host reference, a pure-Python loop, median", median),
    ]
    return table


def number(value: float, unit: str) -> str:
    if unit == "rows/s":
        return f"{value:,.0f}"
    return f"{value:.2f}" if value < 10 else f"{value:.1f}" if value < 100 else f"{value:.0f}"


def print_table(table: list[Figure], samples: Samples) -> None:
    width = max(len(row.name) for row in table)
    header = (
        f"{'figure':{width}} {'unit':>6} {'baseline':>11} {'current':>11} {'ratio':>6} "
        f"{'rounds':>11}"
    )
    print(header)
    print("-" * len(header))
    for row in table:
        low, high = min(row.round_ratios), max(row.round_ratios)
        spread = f"{low:.2f}" if len(row.round_ratios) == 1 else f"{low:.2f}-{high:.2f}"
        print(
            f"{row.name:{width}} {row.unit:>6} {number(row.baseline, row.unit):>11} "
            f"{number(row.current, row.unit):>11} {row.ratio:>6.2f} {spread:>11}"
        )
    reference = {label: samples[label]["reference"] for label in ("baseline", "current")}
    per_round = [
        f"{statistics.median(b) * 1e3:.0f}/{statistics.median(a) * 1e3:.0f}"
        for b, a in zip(reference["baseline"], reference["current"], strict=True)
    ]
    print(
        "host reference per round, ms (baseline/current; lower is a faster host): "
        + ", ".join(per_round)
    )


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--baseline", type=Path, help="root of the checkout to compare with")
    parser.add_argument("--rounds", type=int, default=5, help="rounds of every measurement")
    parser.add_argument("--repeat", type=int, default=30, help="timed calls per child")
    parser.add_argument("--cli-runs", type=int, default=3, help="CLI runs per tree and round")
    parser.add_argument("--quick", action="store_true", help="a month, one round, 2 calls")
    parser.add_argument("--child", choices=KINDS, help=argparse.SUPPRESS)
    parser.add_argument("--label", help=argparse.SUPPRESS)
    parser.add_argument("--src", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--workdir", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--days", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        result = child(args.child, args.label, args.src, args.workdir, args.repeat, args.days)
        print(json.dumps(result))
        return 0

    if args.baseline is None:
        parser.error("--baseline is required")
    if args.quick:
        args.rounds, args.repeat, args.cli_runs = 1, 2, 1
    if min(args.rounds, args.repeat, args.cli_runs) < 1:
        parser.error("--rounds, --repeat and --cli-runs must be at least 1")
    trees = (Tree("baseline", args.baseline.resolve()), Tree("current", ROOT))
    for tree in trees:
        missing = [
            p
            for p in ("src/tariffs/__init__.py", "examples/readings.csv", "examples/account.yaml")
            if not (tree.root / p).exists()
        ]
        if missing:
            parser.error(f"{tree.root} is not a checkout of tariffs: no {', '.join(missing)}")
    days = QUICK_DAYS if args.quick else DAYS_OF_YEAR

    began = time.monotonic()
    print(
        f"tariffs before/after, {dt.datetime.now().astimezone():%Y-%m-%d %H:%M:%S %z}; "
        f"python {platform.python_version()} on {platform.machine()}, {os.cpu_count()} CPUs"
    )
    for tree in trees:
        print(f"{tree.label + ':':10} {tree.describe()}", flush=True)
    print(
        f"rounds: {args.rounds}, baseline then current in each; timed calls per child: "
        f"{args.repeat}; CLI runs per tree, mode and round: {args.cli_runs}; readings: "
        f"{days} days from {YEAR}-01-01 ({TIMEZONE})",
        flush=True,
    )
    workdir = Path(tempfile.mkdtemp(prefix="tariffs-before-after-"))
    try:
        (workdir / "bills").mkdir()
        starts, kwh, kvarh = year_of_values(15, days, kvarh=True)
        zone = ZoneInfo(TIMEZONE)
        lines = ["start,kwh,kvarh"]
        for t, v, q in zip(starts, kwh, kvarh or [], strict=True):
            stamp = f"{dt.datetime.fromtimestamp(t, zone):%Y-%m-%dT%H:%M}"
            lines.append(f"{stamp},{v // 1000}.{v % 1000:03d},{q // 1000}.{q % 1000:03d}")
        (workdir / "year.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
        try:
            samples, rows, digests = measure(trees, args, workdir, days)
        except BillsDifferError as error:
            print(f"BILLS DIFFER, no speed figure counts: {error}", file=sys.stderr)
            return 1
    finally:
        shutil.rmtree(workdir, ignore_errors=True)

    print(
        "price warm: the same readings priced again (the plan of the axis kept); price cold: "
        "the plans of time axes forgotten before each call (the first meter of a new time axis)\n"
        "ratio = current / baseline: for ms below 1.00 is faster, for rows/s above 1.00 is "
        "faster; rounds = the lowest and highest ratio within one round\n"
    )
    print_table(figures(samples, rows), samples)
    print(
        "bills identical in both trees (sha256 of bills_to_json, and of the CLI's output): "
        + "; ".join(f"{case} {digest[:12]}" for case, (digest, _) in digests.first.items())
    )
    print(f"took {time.monotonic() - began:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
