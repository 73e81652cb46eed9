"""What a batch worker keeps as it prices more accounts, in one process (no Dask).

Run: ``python benchmarks/worker_memory.py [--accounts 20000] [--months 1] [--every 2000]
[--trace] [--workdir DIR]``.

The accounts are generated as `batch.py --link` does (each account's readings file a
symbolic link to one of a few dozen generated years; two tariffs alternating) and priced
in chunks of 16 as a worker process prices them: each chunk pickled and unpickled (so
that, as on a worker, each chunk brings its own copy of each tariff) and its results
pickled. Every ``--every`` accounts it prints the RSS, the value keys held, the entries
and weight of every store of `tariffs.engine._kept`, and with ``--trace`` the memory
traced by `tracemalloc` (and, at the end, the allocations that grew most, by traceback).
Flat figures are what a worker must show; see README.md (Batch).
"""

from __future__ import annotations

import argparse
import gc
import pickle
import shutil
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

from batch import generate

from tariffs.engine import _kept
from tariffs.io.tables import load_tariff
from tariffs.runs.batch import BatchItem, directory_items, price_batch_items


def rss_mb() -> float:
    """The resident set size of this process now [MB] (Linux; 0 elsewhere)."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--accounts", type=int, default=20_000)
    parser.add_argument("--months", type=int, default=1)
    parser.add_argument("--every", type=int, default=2_000)
    parser.add_argument("--trace", action="store_true", help="trace allocations (slower)")
    parser.add_argument("--workdir", default=tempfile.gettempdir())
    args = parser.parse_args()
    directory = Path(tempfile.mkdtemp(prefix="tariffs-worker-memory-", dir=args.workdir))
    try:
        generate(directory, args.accounts, args.months, "dir", link=True)
        items = directory_items(directory / "accounts.csv", directory / "readings", load_tariff)
        if args.trace:
            tracemalloc.start(12)
        first: tracemalloc.Snapshot | None = None
        chunk: list[BatchItem] = []
        priced = 0
        mark = args.every
        started = time.perf_counter()
        for item in items:
            chunk.append(item)
            if len(chunk) < 16 and priced + len(chunk) < args.accounts:
                continue
            sent = pickle.loads(pickle.dumps(chunk))  # noqa: S301 - our own items
            pickle.dumps(price_batch_items(sent))
            priced += len(chunk)
            chunk = []
            if priced < mark and priced < args.accounts:
                continue
            mark += args.every
            gc.collect()
            traced = tracemalloc.get_traced_memory()[0] / 1e6 if args.trace else 0.0
            kept = {name: held[:2] for name, held in _kept.sizes().items() if held[0]}
            print(
                f"{priced:>8} accounts {time.perf_counter() - started:>6.0f} s "
                f"RSS {rss_mb():6.1f} MB traced {traced:6.2f} MB "
                f"value keys {len(_kept._VALUE_KEYS)} stores (entries, weight) {kept}",
                flush=True,
            )
            if args.trace:
                snapshot = tracemalloc.take_snapshot()
                if first is None:
                    first = snapshot
                elif priced >= args.accounts:
                    for stat in snapshot.compare_to(first, "traceback")[:8]:
                        print(f"{stat.size_diff / 1e3:+10.1f} kB {stat.count_diff:+8} objects")
                        for line in stat.traceback.format()[-6:]:
                            print("     ", line)
    finally:
        shutil.rmtree(directory, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
