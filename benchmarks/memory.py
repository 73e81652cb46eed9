"""Peak memory of reading and pricing long readings files: 10^6 and 10^7 15-minute rows.

Each measurement runs in a fresh process (so that one peak does not hide another) that
reads the file with `read_readings_csv` and prices it under a flat table, then prints its
peak resident set size (``ru_maxrss``), the bytes a row that it is above the bare process
(the interpreter with `tariffs` imported and nothing read), and the seconds taken. With
``--limit-mib N`` the child runs under an address-space limit (``RLIMIT_AS``) of N MiB: a
file that does not fit must end in the command's out-of-memory message, never a
traceback.

    python benchmarks/memory.py                  # 10^6 and 10^7 rows
    python benchmarks/memory.py --rows 1000000   # one size
    python benchmarks/memory.py --limit-mib 1024 # under a 1 GiB limit

The files are written once to a temporary directory (10^7 rows is about 210 MB).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import subprocess
import sys
import tempfile
from pathlib import Path

CHILD = r"""
import json, resource, sys, time
limit = int(sys.argv[3])
if limit:
    resource.setrlimit(resource.RLIMIT_AS, (limit * 2**20, limit * 2**20))
import tariffs
from tariffs import parse_tariff, price, read_readings_csv
bare = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
tariff = parse_tariff('''id: flat
name: flat
currency: CNY
timezone: UTC
reference: benchmark
versions:
  "2000-01-01":
    charges: [{kind: energy, price_per_kwh: "0.5"}]
''')
started = time.perf_counter()
readings = read_readings_csv(sys.argv[1], "UTC")
read = time.perf_counter()
read_peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
bills = price(tariff, readings)
done = time.perf_counter()
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
rows = int(sys.argv[2])
print(json.dumps({
    "bare_mib": bare / 1024, "read_mib": read_peak / 1024, "peak_mib": peak / 1024,
    "bytes_per_row": (peak - bare) * 1024 / rows, "read_s": read - started,
    "price_s": done - read, "bills": len(bills),
    "total": str(sum(b.total for b in bills)),
}))
"""


def write_file(path: Path, rows: int) -> None:
    """``rows`` quarter hours from 2000-01-01, kWh cycling through 0.0 ... 9.6."""
    step = dt.timedelta(minutes=15)
    moment = dt.datetime(2000, 1, 1)
    with path.open("w", encoding="utf-8") as file:
        file.write("start,kwh\n")
        for i in range(rows):
            file.write(f"{moment:%Y-%m-%dT%H:%M},{(i % 97) / 10:.1f}\n")
            moment += step


def measure(path: Path, rows: int, limit_mib: int) -> dict[str, object]:
    result = subprocess.run(
        [sys.executable, "-c", CHILD, str(path), str(rows), str(limit_mib)],
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        last = result.stderr.strip().splitlines()[-1:] or ["(nothing on stderr)"]
        return {"error": last[0]}
    figures: dict[str, object] = json.loads(result.stdout)
    return figures


def cli_under_limit(path: Path, limit_mib: int) -> str:
    """What ``tariffs price`` says for the file under the limit (exit code, last line)."""
    code = (
        "import resource, sys; "
        f"resource.setrlimit(resource.RLIMIT_AS, ({limit_mib} * 2**20, {limit_mib} * 2**20)); "
        "from tariffs.cli import main; "
        f"sys.exit(main(['price', {str(path)!r}, '--tariff', 'cn-sh-residential', "
        "'--format', 'csv', '--output', '/dev/null']))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    last = (result.stderr.strip().splitlines() or [""])[-1]
    return f"exit {result.returncode}: {last[:160]}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, action="append")
    parser.add_argument("--limit-mib", type=int, default=0)
    args = parser.parse_args()
    sizes = args.rows or [10**6, 10**7]
    with tempfile.TemporaryDirectory() as folder:
        print(f"{'rows':>10}  {'bare MiB':>8}  {'read MiB':>8}  {'peak MiB':>8}  "
              f"{'B/row':>6}  {'read s':>6}  {'price s':>7}  bills")  # fmt: skip
        for rows in sizes:
            path = Path(folder) / f"r{rows}.csv"
            write_file(path, rows)
            figures = measure(path, rows, args.limit_mib)
            if "error" in figures:
                print(f"{rows:>10}  {figures['error']}")
                if args.limit_mib:
                    print(f"{'':>10}  tariffs price: {cli_under_limit(path, args.limit_mib)}")
                continue
            print(
                f"{rows:>10}  {figures['bare_mib']:>8.0f}  {figures['read_mib']:>8.0f}  "
                f"{figures['peak_mib']:>8.0f}  {figures['bytes_per_row']:>6.0f}  "
                f"{figures['read_s']:>6.1f}  {figures['price_s']:>7.1f}  {figures['bills']}"
            )
            path.unlink()


if __name__ == "__main__":
    main()
