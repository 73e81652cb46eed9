"""Speed and memory of ``tariffs batch`` on many customer-months of 15-minute readings.

Run: ``python benchmarks/batch.py [--accounts 8334] [--months 12] [--layout dir|long|both]
[--workers N | --dask-workers N] [--workdir DIR] [--link] [--baseline DIR [--rounds N]]``.

With ``--baseline DIR`` (another checkout, e.g. ``git worktree add ../base <commit>``)
each round runs the batch with that checkout's package and then with this one's, on the
same generated readings, so that a slow minute of the host falls on both; at the end it
says whether every output was byte for byte the same, and gives the best and median of
each tree's seconds, CPU time a customer-month and worker RSS, with the ratio of the
medians. The child checks that ``tariffs`` was imported from the tree it was given.

It generates the readings into a temporary directory under ``--workdir`` (removed at the
end): a directory of one file per account (``--readings-dir``) and/or one long file of
all accounts (``--readings``), with an accounts CSV that alternates two tariffs. Each
account's values come from one of a few dozen random years, so that generating gigabytes
stays quick; with ``--link`` (directory layout) each account's file is a symbolic link to
one of those years, which is how 10^6 customer-months of 15-minute readings (about 70 GB
as files) fit on the disk: each file is still opened, read and parsed. Before generating,
the disk space needed is estimated; when the free space is short, the run is scaled down
to what fits and the time of the full size is projected from it (and the output says so).

Printed per layout: customer-months, seconds (process start of the batch to its end),
customer-months per second, peak RSS of the batch's main process and of its largest
worker process (`resource.getrusage`), failures, and the CPU time of the main process and
of the workers (with the wall time they would take on idle cores: the load of other
programs on the machine shows as wall time above it). Target: 100,000 customer-months in
at most 60 s on two cores.

With ``--dask-workers N`` the batch runs on a local Dask cluster of N worker processes
(one thread each) through ``--scheduler``, as on any cluster, and the peak RSS and CPU
time of each worker are asked of the workers at the end: a batch of more accounts should
show the same worker RSS (flat in the number of accounts).
"""

from __future__ import annotations

import argparse
import calendar
import datetime as dt
import hashlib
import json
import os
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
TARGET_CUSTOMER_MONTHS = 100_000
TARGET_SECONDS = 60.0
_VARIANTS = 48
_TARIFFS = ("cn-zj-residential-tou", "cn-bj-residential")


def months_csv(months: int, seed: int) -> str:
    """Rows of 15-minute readings (no header) from 2025-01-01, Asia/Shanghai local time."""
    rng = random.Random(seed)
    days = sum(calendar.monthrange(2025 + (m // 12), m % 12 + 1)[1] for m in range(months))
    first = dt.datetime(2025, 1, 1)
    lines = []
    for day in range(days):
        date_text = (first + dt.timedelta(days=day)).strftime("%Y-%m-%d")
        for slot in range(96):
            value = rng.randrange(0, 1200)
            lines.append(
                f"{date_text}T{slot // 4:02d}:{slot % 4 * 15:02d},"
                f"{value // 1000}.{value % 1000:03d}"
            )
    return "\n".join(lines) + "\n"


def estimate_bytes(accounts: int, months: int, layout: str, link: bool = False) -> int:
    if link:
        return _VARIANTS * months * 2976 * 23 + accounts * 4096
    rows = accounts * months * 2976  # 31 days of 96 intervals, at most
    per_row = 23 + (10 if layout == "long" else 0)
    return rows * per_row


def generate(directory: Path, accounts: int, months: int, layout: str, link: bool = False) -> None:
    variants = [months_csv(months, seed) for seed in range(_VARIANTS)]
    with open(directory / "accounts.csv", "w", encoding="utf-8") as stream:
        stream.write("account_id,tariff\n")
        for number in range(accounts):
            stream.write(f"C{number:06d},{_TARIFFS[number % 2]}\n")
    if layout == "dir":
        readings = directory / "readings"
        readings.mkdir()
        if link:
            years = directory / "years"
            years.mkdir()
            for seed, body in enumerate(variants):
                (years / f"{seed}.csv").write_text("start,kwh\n" + body, encoding="utf-8")
            for number in range(accounts):
                target = Path("..", "years", f"{number % _VARIANTS}.csv")
                (readings / f"C{number:06d}.csv").symlink_to(target)
            return
        for number in range(accounts):
            with open(readings / f"C{number:06d}.csv", "w", encoding="utf-8") as stream:
                stream.write("start,kwh\n")
                stream.write(variants[number % _VARIANTS])
    else:
        with open(directory / "long.csv", "w", encoding="utf-8") as stream:
            stream.write("account_id,start,kwh\n")
            for number in range(accounts):
                prefix = f"C{number:06d},"
                body = variants[number % _VARIANTS]
                stream.write(prefix + body[:-1].replace("\n", "\n" + prefix) + "\n")


def run_cli(argv: list[str]) -> int:
    """Run ``tariffs batch`` here and report time and peak memory as JSON on stderr.

    ``--bench-tree DIR`` first: the package of that checkout (``DIR/src``), checked to be
    the one imported (not the editable install); else this checkout's.
    """
    tree = ROOT
    if argv[:1] == ["--bench-tree"]:
        tree, argv = Path(argv[1]).resolve(), argv[2:]
    sys.path.insert(0, str(tree / "src"))
    import tariffs
    from tariffs.cli.batch import COMMANDS, add_parsers

    if not Path(tariffs.__file__).resolve().is_relative_to(tree / "src"):
        raise SystemExit(f"tariffs was imported from {tariffs.__file__}, not from {tree}")

    parser = argparse.ArgumentParser(prog="tariffs")
    add_parsers(parser.add_subparsers(dest="command"), lambda sub: None)
    dask_workers = 0
    if argv[:1] == ["--bench-dask"]:
        dask_workers, argv = int(argv[1]), argv[2:]
    if not dask_workers:
        args = parser.parse_args(argv)
        started = time.perf_counter()
        code = COMMANDS["batch"](args)
        seconds = time.perf_counter() - started
        workers = resource.getrusage(resource.RUSAGE_CHILDREN)
        worker_kb, worker_cpu = [workers.ru_maxrss], workers.ru_utime + workers.ru_stime
    else:
        import logging

        import dask
        import distributed

        from tariffs.runs.cluster import LOG_LENGTH

        # As `tariffs.runs.cluster` starts a local cluster (and as a scheduler for many
        # accounts is best started): short developers' logs.
        with (
            dask.config.set({"distributed.admin.low-level-log-length": LOG_LENGTH}),
            distributed.LocalCluster(
                n_workers=dask_workers, threads_per_worker=1, processes=True,
                dashboard_address=":0", silence_logs=logging.ERROR,
            ) as cluster,
            distributed.Client(cluster, set_as_default=False) as client,
        ):  # fmt: skip
            args = parser.parse_args([*argv, "--scheduler", cluster.scheduler_address])
            started = time.perf_counter()
            code = COMMANDS["batch"](args)
            seconds = time.perf_counter() - started
            usage = client.run(_own_usage)
        worker_kb = [kb for kb, _ in usage.values()]
        worker_cpu = sum(cpu for _, cpu in usage.values())
    main = resource.getrusage(resource.RUSAGE_SELF)
    report = {
        "code": code,
        "seconds": seconds,
        "main_kb": main.ru_maxrss,
        "worker_kb": max(worker_kb),
        "each_worker_kb": worker_kb,
        "main_cpu": main.ru_utime + main.ru_stime,
        "worker_cpu": worker_cpu,
    }
    print("BENCH " + json.dumps(report), file=sys.stderr)
    return 0


def _own_usage() -> tuple[int, float]:
    """A worker's peak RSS [KiB] and CPU time [s] (run on each Dask worker)."""
    import resource

    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_maxrss, usage.ru_utime + usage.ru_stime


def measure(
    directory: Path,
    layout: str,
    workers: int,
    accounts: int,
    months: int,
    dask: bool = False,
    tree: Path = ROOT,
) -> dict[str, Any]:
    output = directory / "bills.csv"
    source = (
        ["--readings-dir", str(directory / "readings")]
        if layout == "dir"
        else ["--readings", str(directory / "long.csv")]
    )
    where = ["--bench-dask", str(workers)] if dask else []
    command = [
        sys.executable, __file__, "--run-cli", "--bench-tree", str(tree), *where, "batch", *source,
        "--accounts", str(directory / "accounts.csv"),
        *([] if dask else ["--workers", str(workers)]), "--output", str(output),
    ]  # fmt: skip
    started = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    wall = time.perf_counter() - started
    lines = done.stderr.splitlines()
    report = json.loads(next(line for line in lines if line.startswith("BENCH "))[6:])
    failures = sum(1 for line in lines if " failed: " in line)
    with open(output, "rb") as stream:
        digest = hashlib.sha256()
        bills = -1
        for line in stream:
            digest.update(line)
            bills += 1
    expected = accounts * months
    if bills != expected or report["code"] != 0:
        print(f"  unexpected: {bills} bills for {expected}; exit code {report['code']}")
        print("\n".join(lines[-5:]))
    return {
        "customer_months": bills,
        "seconds": wall,
        "main_mb": report["main_kb"] / 1024,
        "worker_mb": report["worker_kb"] / 1024,
        "each_worker_mb": [kb / 1024 for kb in report["each_worker_kb"]],
        "main_cpu": report["main_cpu"],
        "worker_cpu": report["worker_cpu"],
        "failures": failures,
        "sha256": digest.hexdigest(),
    }


def _report(
    layout: str,
    name: str,
    result: dict[str, Any],
    args: argparse.Namespace,
    size: int,
    generated: float,
    named: bool,
) -> None:
    rate = result["customer_months"] / result["seconds"]
    cpu = result["main_cpu"] + result["worker_cpu"]
    label = f"{layout} {name}" if named else layout
    print(
        f"{label:13} {result['customer_months']:>15,.0f} {result['seconds']:>8.1f} "
        f"{rate:>8.0f} {result['main_mb']:>8.0f} {result['worker_mb']:>10.0f} "
        f"{result['failures']:>9.0f} {result['main_cpu']:>9.1f}/{result['worker_cpu']:<9.1f}"
        f"{1000 * cpu / max(1, result['customer_months']):>8.3f}"
        f"  {time.strftime('%H:%M:%S', time.gmtime())} UTC"
        f" (generated {size / 1e9:.2f} GB in {generated:.0f} s)"
    )
    if args.dask_workers:
        each = ", ".join(f"{mb:.0f}" for mb in result["each_worker_mb"])
        print(f"  peak RSS of each Dask worker: {each} MB")
    print(
        f"  CPU time in all {cpu:.0f} s: on {args.workers} idle cores at best "
        f"{cpu / args.workers:.0f} s; load now {os.getloadavg()[0]:.2f}"
    )


def _compare(results: dict[str, list[dict[str, Any]]]) -> None:
    """Best and median of each tree, the ratio this / baseline; the outputs must match."""
    digests = {result["sha256"] for runs in results.values() for result in runs}
    same = "identical" if len(digests) == 1 else "DIFFERENT (the trees' outputs differ)"
    print(f"  outputs of every run: {same}")

    def cpu_per_cm(result: dict[str, Any]) -> float:
        cpu = result["main_cpu"] + result["worker_cpu"]
        return 1000 * cpu / max(1, result["customer_months"])

    for figure, of in (
        ("seconds", lambda result: result["seconds"]),
        ("CPU ms/customer-month", cpu_per_cm),
        ("worker MB", lambda result: result["worker_mb"]),
    ):
        base = sorted(of(result) for result in results["baseline"])
        this = sorted(of(result) for result in results["this"])
        print(
            f"  {figure:22} baseline best {base[0]:8.3f} median {statistics.median(base):8.3f}"
            f"  this best {this[0]:8.3f} median {statistics.median(this):8.3f}"
            f"  ratio of medians {statistics.median(this) / statistics.median(base):.2f}"
        )


def main() -> int:
    if len(sys.argv) > 1 and sys.argv[1] == "--run-cli":
        return run_cli(sys.argv[2:])
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--accounts", type=int, default=8334)
    parser.add_argument("--months", type=int, default=12)
    parser.add_argument("--layout", choices=["dir", "long", "both"], default="both")
    where = parser.add_mutually_exclusive_group()
    where.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    where.add_argument(
        "--dask-workers", type=int, help="a local Dask cluster of N workers, via --scheduler"
    )
    parser.add_argument("--workdir", default=tempfile.gettempdir())
    parser.add_argument(
        "--baseline",
        metavar="DIR",
        help="another checkout of the package, measured on the same readings before this "
        "one in each round (outputs checked identical)",
    )
    parser.add_argument("--rounds", type=int, default=1, help="runs of each tree")
    parser.add_argument(
        "--link",
        action="store_true",
        help=(
            "with --layout dir: each account's file a symbolic link to one of the generated "
            "years (every file is still read and parsed), so that 10^6 customer-months fit "
            "on the disk"
        ),
    )
    args = parser.parse_args()
    if args.link and args.layout != "dir":
        parser.error("--link needs --layout dir")
    if args.dask_workers:
        args.workers = args.dask_workers
    on = "Dask workers (a local cluster)" if args.dask_workers else "workers"
    print(
        f"{os.cpu_count()} CPUs, {args.workers} {on}; load {os.getloadavg()}; "
        f"{args.accounts} accounts x {args.months} months of 15-minute readings"
    )
    header = (
        f"{'layout':13} {'customer-months':>15} {'seconds':>8} {'cm/s':>8} "
        f"{'main MB':>8} {'worker MB':>10} {'failures':>9} {'CPU s main/workers':>19}"
        f" {'CPU ms/cm':>9}"
    )
    print(header)
    print("-" * len(header))
    layouts = ["dir", "long"] if args.layout == "both" else [args.layout]
    trees = [("this", ROOT)] if args.baseline is None else [
        ("baseline", Path(args.baseline).resolve()), ("this", ROOT),
    ]  # fmt: skip
    for layout in layouts:
        accounts = args.accounts
        needed = estimate_bytes(accounts, args.months, layout, args.link)
        free = shutil.disk_usage(args.workdir).free
        if needed * 1.25 + (2 << 30) > free:
            accounts = max(1, int(accounts * (free - (2 << 30)) / (needed * 1.25)))
            print(
                f"  {layout}: {needed / 1e9:.1f} GB needed, {free / 1e9:.1f} GB free: "
                f"scaled down to {accounts} accounts"
            )
        directory = Path(tempfile.mkdtemp(prefix="tariffs-batch-bench-", dir=args.workdir))
        results: dict[str, list[dict[str, Any]]] = {name: [] for name, _ in trees}
        try:
            started = time.perf_counter()
            generate(directory, accounts, args.months, layout, args.link)
            generated = time.perf_counter() - started
            size = sum(
                path.stat().st_size
                for path in directory.rglob("*")
                if path.is_file() and not path.is_symlink()
            )
            for _ in range(args.rounds):
                for name, tree in trees:
                    result = measure(
                        directory, layout, args.workers, accounts, args.months,
                        bool(args.dask_workers), tree,
                    )  # fmt: skip
                    results[name].append(result)
                    _report(layout, name, result, args, size, generated, len(trees) > 1)
        finally:
            shutil.rmtree(directory, ignore_errors=True)
        if len(trees) > 1:
            _compare(results)
        if accounts != args.accounts:
            rate = max(r["customer_months"] / r["seconds"] for r in results["this"])
            projected = args.accounts * args.months / rate
            print(
                f"  projected for {args.accounts * args.months:,} customer-months: "
                f"{projected:.0f} s"
            )
    print(
        f"target: {TARGET_CUSTOMER_MONTHS:,} customer-months in {TARGET_SECONDS:.0f} s "
        f"({TARGET_CUSTOMER_MONTHS / TARGET_SECONDS:.0f} cm/s)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
