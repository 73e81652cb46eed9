"""The benchmark scripts still run, and their own checks of exactness still pass.

Each script is run at a tiny size: the figures are not looked at (they belong to the
scripts' output, not to tests), but every check a script makes before timing (bills
against a slow classification of every interval, every timed call's bills against the
checked ones, the reader against the generated values) must hold, and every case must
print its row.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def run(script: str, *args: str, cwd: Path = ROOT) -> str:
    done = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / script), *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        env={**os.environ, "PYTHONPATH": str(ROOT / "src")},
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_pricing_benchmark_checks_its_bills_and_prints_every_case() -> None:
    out = run("run.py", "--repeat", "2", "--startup-runs", "1")
    for case in (
        "hourly, 3-period TOU + fixed",
        "15-min, cn-sh-industrial-two-part",
        "read CSV, new start column",
        "read CSV, seen",
        "peak RSS above the interpreter",
        "hourly year, 3-period TOU    tariffs ",
        "15-min year, TOU + demand    tariffs, first meter of a new axis",
        "15-min year, TOU + demand    tariffs, nothing kept",
        "15-min year, cn-sh two-part  tariffs, first meter of a new axis",
        "15-min year, cn-sh two-part  tariffs, nothing kept",
        "targets (issue 16)",
    ):
        assert case in out
    targets = out[out.index("targets (issue 16)") :].splitlines()
    for figure in (
        "cold hourly 3-period TOU / SAM, time",
        "ratebook / cold hourly 3-period TOU, times",
        "cold 15-min cn-sh two-part / SAM, time",
        "100,000 customer-months, s",
        "start-up, s",
    ):
        (line,) = [line for line in targets if line.startswith(figure)]
        # measured and met or not, or why it was not measured
        assert " met " in line or "not met" in line or "not measured" in line or "run " in line
    # Each cold ratio is shown again with nothing kept (the first call of a process).
    shown = [line for line in targets if line.startswith("  the same, nothing kept")]
    assert len(shown) == 3
    assert all("ms nothing kept, " in line or "not measured" in line for line in shown)


def test_reading_benchmark_runs() -> None:
    out = run("read_csv.py", "--repeat", "2", "--long-accounts", "2")
    assert "read a year, Europe/London +offsets, starts seen" in out
    assert "read a long file, 2 account-years" in out
    assert "tariffs price, JSON, bytecode cached" in out
    assert "tariffs price, JSON, no bytecode" in out
    assert "tariffs price, the README's example, bytecode cached" in out


def test_batch_benchmark_prices_every_account(tmp_path: Path) -> None:
    out = run("batch.py", "--accounts", "4", "--months", "1", "--workdir", str(tmp_path))
    rows = [line.split() for line in out.splitlines() if line.startswith(("dir ", "long "))]
    assert [row[:2] for row in rows] == [["dir", "4"], ["long", "4"]]
    assert [row[6] for row in rows] == ["0", "0"]  # failures


def test_batch_benchmark_on_a_local_dask_cluster(tmp_path: Path) -> None:
    out = run(
        "batch.py", "--accounts", "4", "--months", "1", "--layout", "dir",
        "--dask-workers", "2", "--workdir", str(tmp_path),
    )  # fmt: skip
    rows = [line.split() for line in out.splitlines() if line.startswith("dir ")]
    assert [row[:2] for row in rows] == [["dir", "4"]]
    assert [row[6] for row in rows] == ["0"]  # failures
    each = next(line for line in out.splitlines() if "peak RSS of each Dask worker" in line)
    assert len(each.split(":")[1].split(",")) == 2


def test_before_after_compares_identical_bills_of_two_trees() -> None:
    # The baseline is this tree itself, so the test needs no second checkout.
    out = run("before_after.py", "--baseline", str(ROOT), "--quick")
    lines = out.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("figure"))
    assert lines[start].split()[1:] == ["unit", "baseline", "current", "ratio", "rounds"]
    rows = {}
    for line in lines[start + 2 :]:
        if line.startswith("host reference per round"):
            break
        name, unit, _, _, ratio, _ = line.rsplit(None, 5)
        assert unit in {"ms", "rows/s"}
        rows[name] = ratio
    for figure in (
        "price warm, hourly, 3-period TOU + fixed, median",
        "price cold, 15-min, cn-sh-industrial-two-part, min",
        "read CSV, 15-min year with kvarh, repeated, median",
        "tariffs price CLI, bytecode cached, median",
        "tariffs price CLI, no bytecode, median",
        "host reference, a pure-Python loop, median",
    ):
        assert float(rows[figure]) > 0
    assert "bills identical in both trees" in out


def test_startup_stages_add_up_for_two_trees() -> None:
    # The baseline is this tree itself, so the test needs no second checkout.
    out = run("startup.py", "--baseline", str(ROOT), "--rounds", "1")
    lines = out.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("stage, ms"))
    rows = {}
    for line in lines[start + 2 :]:
        if line.startswith("bills identical"):
            break
        title, baseline, _, _, current, _, _ = line.rsplit(None, 6)
        rows[title.strip()] = (float(baseline), float(current))
    assert {"yaml", "the package, with the price command", "total of the stages"} <= set(rows)
    stages = [value for title, value in rows.items() if title != "total of the stages"]
    for tree in (0, 1):
        named = sum(value[tree] for value in stages[:8])
        assert abs(named - rows["total of the stages"][tree]) < 0.5  # each rounded to 0.1
    assert "bills identical in every child" in out


@pytest.mark.parametrize("script", ["peers.py", "fuzz_campaign.py", "worker_memory.py"])
def test_other_scripts_start(script: str) -> None:
    assert "usage" in run(script, "--help").lower()
