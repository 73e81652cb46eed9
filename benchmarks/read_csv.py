"""Speed of reading readings CSV files; prints a table of figures and the targets.

Run: ``python benchmarks/read_csv.py [--repeat N]``.

Cases, each on files generated into a temporary directory (removed at the end):

- a year of 15-minute readings of one meter (35,040 rows), read from the file with
  `read_readings_csv`, in a zone without daylight saving time and in one with it; each
  first as a file whose ``start`` column the reader has not seen, then as the next meter
  of a billing run, whose ``start`` column equals the last file's (it is compared, not
  parsed again);
- a long file of many accounts (``account_id,start,kwh``), cut into accounts and read
  account by account, as ``tariffs batch --readings`` does in its worker processes;
- ``tariffs price`` on the year file, from process start to the JSON on stdout (with
  hyperfine when it is installed, else the median of repeated runs), with the package's
  bytecode cached (as after ``pip install .`` or a first run) and without it (every run
  compiling the modules, as where ``PYTHONDONTWRITEBYTECODE`` is set).

Targets: reading at 1,000,000 rows per second or more; ``tariffs price`` on 35,040 rows in
0.5 s or less.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from tariffs.engine._kept import reader_spans  # noqa: E402
from tariffs.io.readings.csv_reader import read_readings_csv  # noqa: E402
from tariffs.runs.batch import LongReadingsFile  # noqa: E402

TARGET_ROWS_PER_SECOND = 1_000_000
TARGET_PRICE_SECONDS = 0.5
#: ``tariffs price`` of the README's example (a month of the two-part factory) [s].
TARGET_EXAMPLE_SECONDS = 0.25
EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
EXAMPLE_ARGS = (
    str(EXAMPLES / "readings.csv"), "--tariff", "cn-sh-industrial-two-part",
    "--account", str(EXAMPLES / "account.yaml"),
)  # fmt: skip


def year_csv(year: int, timezone: str, seed: int, *, offsets: bool = False) -> str:
    """A year of 15-minute readings in local time, values with 3 decimals.

    With `offsets`, every start carries its UTC offset (``+01:00``), as a file in a zone
    with daylight saving time must, to tell the repeated hour apart.
    """
    rng = random.Random(seed)
    zone = ZoneInfo(timezone)
    start = dt.datetime(year, 1, 1, tzinfo=zone).astimezone(dt.UTC)
    end = dt.datetime(year + 1, 1, 1, tzinfo=zone).astimezone(dt.UTC)
    lines = ["start,kwh"]
    moment = start
    while moment < end:
        local = moment.astimezone(zone)
        value = rng.randrange(0, 3000)
        stamp = f"{local:%Y-%m-%dT%H:%M}" + (local.isoformat()[-6:] if offsets else "")
        lines.append(f"{stamp},{value // 1000}.{value % 1000:03d}")
        moment += dt.timedelta(minutes=15)
    return "\n".join(lines) + "\n"


def best_and_median(call: object, repeat: int) -> tuple[float, float]:
    assert callable(call)
    call()  # warm: caches of days and zones, as in a batch
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        call()
        times.append(time.perf_counter() - started)
    return min(times), statistics.median(times)


def price_seconds(
    path: Path, repeat: int, *, bytecode: bool, arguments: Sequence[str] | None = None
) -> tuple[float, str]:
    """Median seconds of ``tariffs price`` on `path`, process start to JSON out.

    ``arguments`` replace the readings and tariff (`path` still names the directory of
    the hyperfine export).

    With `bytecode`, the package's modules are compiled first (as ``pip install .`` does,
    or any first run where Python may write its cache); without, every run compiles them
    from source (their cache removed, writing forbidden), as for an editable install on a
    machine where ``PYTHONDONTWRITEBYTECODE`` is set.
    """
    command = [
        sys.executable, "-m", "tariffs", "price",
        *(arguments or (str(path), "--tariff", "cn-zj-residential-tou")), "--format", "json",
    ]  # fmt: skip
    import tariffs

    package = Path(tariffs.__file__).parent
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    env.pop("PYTHONPYCACHEPREFIX", None)
    if bytecode:
        subprocess.run([sys.executable, "-m", "compileall", "-q", str(package)], check=True)
    else:  # the package's cache only (a build product); other packages keep theirs
        for cache in package.rglob("__pycache__"):
            shutil.rmtree(cache)
    hyperfine = shutil.which("hyperfine")
    if hyperfine:
        export = path.parent / "hyperfine.json"
        subprocess.run(
            [hyperfine, "--warmup", "2", "--runs", str(repeat), "--export-json", str(export),
             "--style", "none", " ".join(command)],
            check=True, stdout=subprocess.DEVNULL, env=env,
        )  # fmt: skip
        result = json.loads(export.read_text())["results"][0]
        return result["median"], "hyperfine median"
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL, env=env)
        times.append(time.perf_counter() - started)
    return statistics.median(times), "median of runs"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--long-accounts", type=int, default=60, help="accounts in the long file")
    args = parser.parse_args()
    print(f"python {platform.python_version()} on {platform.machine()}; load {os.getloadavg()}")
    header = f"{'case':50} {'rows':>10} {'best ms':>9} {'median ms':>10} {'rows/s (best)':>14}"
    print(header)
    print("-" * len(header))
    directory = Path(tempfile.mkdtemp(prefix="tariffs-read-bench-"))
    try:
        for timezone in ("Asia/Shanghai", "Europe/London"):
            path = directory / f"year-{timezone.replace('/', '-')}.csv"
            offsets = timezone != "Asia/Shanghai"
            path.write_text(year_csv(2025, timezone, seed=1, offsets=offsets), encoding="utf-8")
            readings = read_readings_csv(path, timezone)
            for seen in (False, True):

                def read(p: Path = path, z: str = timezone, seen: bool = seen) -> object:
                    if not seen:
                        reader_spans.clear()  # a start column the reader has not parsed before
                    return read_readings_csv(p, z)

                best, median = best_and_median(read, args.repeat)
                name = f"read a year, {timezone}" + (" +offsets" if offsets else "")
                name += ", starts seen" if seen else ""
                print(
                    f"{name:50} {len(readings):>10,} "
                    f"{best * 1e3:>9.1f} {median * 1e3:>10.1f} {len(readings) / best:>14,.0f}"
                )

        # A long file: the same year for many accounts, each with its own values.
        long_path = directory / "long.csv"
        with open(long_path, "w", encoding="utf-8") as stream:
            stream.write("account_id,start,kwh\n")
            for number in range(args.long_accounts):
                body = year_csv(2025, "Asia/Shanghai", seed=number % 7).split("\n", 1)[1]
                prefix = f"A-{number:05d},"
                stream.write(prefix + body[:-1].replace("\n", "\n" + prefix) + "\n")

        def read_long() -> int:
            rows = 0
            with LongReadingsFile(long_path) as long_file:
                for _, part in long_file:
                    rows += len(part.read("Asia/Shanghai"))
            return rows

        rows = read_long()
        best, median = best_and_median(read_long, max(3, args.repeat // 5))
        print(
            f"{f'read a long file, {args.long_accounts} account-years':50} {rows:>10,} "
            f"{best * 1e3:>9.1f} {median * 1e3:>10.1f} {rows / best:>14,.0f}"
        )

        year = directory / "year-Asia-Shanghai.csv"
        for bytecode in (True, False):
            seconds, how = price_seconds(year, args.repeat, bytecode=bytecode)
            name = f"tariffs price, JSON, {'bytecode cached' if bytecode else 'no bytecode'}"
            print(f"{name:50} {35040:>10,} {seconds * 1e3:>9.0f}  ({how})")
        seconds, how = price_seconds(year, args.repeat, bytecode=True, arguments=EXAMPLE_ARGS)
        name = "tariffs price, the README's example, bytecode cached"
        print(f"{name:50} {'':>10} {seconds * 1e3:>9.0f}  ({how})")
        print(
            f"targets: reading >= {TARGET_ROWS_PER_SECOND:,} rows/s; "
            f"tariffs price of a year <= {TARGET_PRICE_SECONDS} s; "
            f"of the README's example <= {TARGET_EXAMPLE_SECONDS} s"
        )
    finally:
        shutil.rmtree(directory, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
