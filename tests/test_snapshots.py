"""Byte-identical output of the ``tariffs`` command on fixed inputs, against stored snapshots.

Every bundled table is priced on fixed loads (a 15-minute year with reactive and exported
energy, an hourly year of energy alone) under several accounts, and the examples, the URDB
records of ``tests/data/urdb`` and the comparison, portfolio and batch commands are run
on them. The stored outputs in ``tests/data/snapshots/`` were made by the engine before
the package was reorganised (see CHANGES.md) and reviewed then; a change to any byte of a
bill fails here. A deliberate change of output regenerates them with
``python tests/test_snapshots.py --write`` and is reviewed in the diff.

The loads are made from integer formulas (no randomness), so that they are the same on
every machine.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tariffs.cli import main

ROOT = Path(__file__).resolve().parents[1]
SNAPSHOTS = ROOT / "tests" / "data" / "snapshots"
TABLES = sorted((ROOT / "tariff_tables").rglob("*.yaml"))
URDB = ROOT / "tests" / "data" / "urdb"


def _load_15min(path: Path, zone_offset: str = "") -> None:
    """A 2025 year of 15-minute readings (Asia/Shanghai local time) with kvarh and export."""
    lines = ["start,kwh,kvarh,export_kwh"]
    moment = dt.datetime(2025, 1, 1)
    step = dt.timedelta(minutes=15)
    for i in range(365 * 96):
        hour = moment.hour
        base = 20 + 60 * (8 <= hour < 22) + 25 * (10 <= hour < 15)
        kwh = base * 100 + (i * 7919) % 2300 + (moment.month * 137) % 900
        kvarh = kwh * (30 + (i * 31) % 40) // 100
        export = (i * 13) % 500 if 10 <= hour < 15 else 0
        lines.append(
            f"{moment:%Y-%m-%dT%H:%M}{zone_offset},{kwh // 100}.{kwh % 100:02d},"
            f"{kvarh // 100}.{kvarh % 100:02d},{export // 100}.{export % 100:02d}"
        )
        moment += step
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def _load_hourly(path: Path, zone_offset: str = "") -> None:
    """A 2025 year of hourly energy of a household (local time of the tariff)."""
    lines = ["start,kwh"]
    moment = dt.datetime(2025, 1, 1)
    for i in range(365 * 24):
        hour = moment.hour
        shape = (3, 2, 2, 2, 2, 3, 6, 9, 8, 6, 5, 5, 6, 5, 5, 6, 8, 12, 15, 14, 12, 9, 6, 4)
        seasonal = 100 + 60 * (moment.month in (1, 2, 7, 8, 12))
        wh = shape[hour] * seasonal + (i * 104729) % 250
        lines.append(f"{moment:%Y-%m-%dT%H:%M}{zone_offset},{wh // 1000}.{wh % 1000:03d}")
        moment += dt.timedelta(hours=1)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


_ACCOUNTS = {
    "contract": (
        "account_id: F-001\ncapacity_kva: 1250\ncontract_demand_kw: 600\n"
        "basic_charge_method: contract_demand\n"
    ),
    "capacity": (
        "account_id: F-002\ncapacity_kva: 800\ncontract_demand_kw: 500\n"
        "basic_charge_method: capacity\nservice_start: 2025-03-10\nservice_end: 2025-11-20\n"
    ),
    "actual": (
        "account_id: F-003\ncapacity_kva: 2000\ncontract_demand_kw: 900\n"
        "basic_charge_method: actual_demand\nmeter_read_day: 15\n"
        "losses:\n  kwh_per_month: 1200\n  kvarh_per_month: 300\n  percent: 1.5\n"
    ),
    "household": (
        "account_id: H-001\ntier_allowance_kwh_per_month: 100\nyear_to_date_kwh: 1830\n"
        "critical_peak_days: [2025-07-15, 2025-08-12]\n"
    ),
}


def _cases(work: Path) -> Iterator[tuple[str, list[str]]]:
    """``(snapshot name, argv)`` of every case, with the inputs written into ``work``."""
    quarter, hourly, hourly_utc = work / "quarter.csv", work / "hourly.csv", work / "utc.csv"
    _load_15min(quarter)
    _load_hourly(hourly)
    _load_hourly(hourly_utc, "+00:00")
    quarter_utc = work / "quarter-utc.csv"
    _load_15min(quarter_utc, "+00:00")
    accounts = {}
    for name, text in _ACCOUNTS.items():
        accounts[name] = work / f"{name}.yaml"
        accounts[name].write_text(text, encoding="utf-8")
    for table in TABLES:
        tariff = table.stem
        yield f"show-{tariff}", ["show", str(table)]
        for account in ("contract", "capacity", "actual", "household", None):
            extra = [] if account is None else ["--account", str(accounts[account])]
            for load, path in (("quarter", quarter), ("hourly", hourly)):
                yield (
                    f"price-{tariff}-{load}-{account or 'none'}",
                    ["price", str(path), "--tariff", str(table), "--format", "json", *extra],
                )
        yield (
            f"price-{tariff}-quarter-contract-csv",
            ["price", str(quarter), "--tariff", str(table), "--format", "csv",
             "--account", str(accounts["contract"])],
        )  # fmt: skip
        yield (
            f"price-{tariff}-quarter-household-table",
            ["price", str(quarter), "--tariff", str(table), "--from", "2025-06-20",
             "--to", "2025-09-03", "--event-day", "2025-07-22",
             "--account", str(accounts["household"])],
        )  # fmt: skip
        # The same bills in Chinese (--lang zh): labels, headers, units and warnings.
        yield (
            f"price-{tariff}-quarter-household-table-zh",
            ["price", str(quarter), "--tariff", str(table), "--from", "2025-06-20",
             "--to", "2025-09-03", "--event-day", "2025-07-22",
             "--account", str(accounts["household"]), "--lang", "zh"],
        )  # fmt: skip
    example = ROOT / "examples"
    for fmt in ("table", "json", "csv"):
        yield (
            f"example-{fmt}",
            ["price", str(example / "readings.csv"), "--tariff", "cn-sh-industrial-two-part",
             "--account", str(example / "account.yaml"), "--format", fmt],
        )  # fmt: skip
    for fmt in ("table", "csv"):
        yield (
            f"example-{fmt}-zh",
            ["price", str(example / "readings.csv"), "--tariff", "cn-sh-industrial-two-part",
             "--account", str(example / "account.yaml"), "--format", fmt, "--lang", "zh"],
        )  # fmt: skip
    for record in sorted(URDB.glob("*.json")):
        for load, path in (("hourly", hourly_utc), ("quarter", quarter_utc)):
            yield (
                f"urdb-{load}-{record.stem[:40]}",
                ["price", str(path), "--tariff", str(record), "--timezone", "America/Denver",
                 "--past-enddate", "--format", "json"],
            )  # fmt: skip
        yield f"urdb-show-{record.stem[:40]}", ["show", str(record), "--timezone", "UTC"]
    # Records whose attributes may change prices, priced with them declared not priced.
    for stem in ("pge_e19_secondary", "sce_gs2_tou_b", "sdge_tou_a_primary"):
        (record,) = URDB.glob(f"{stem}_*.json")
        yield (
            f"urdb-unpriced-{record.stem[:40]}",
            ["price", str(quarter_utc), "--tariff", str(record), "--timezone", "America/Denver",
             "--past-enddate", "--unpriced-attributes", "--to", "2025-03-01", "--format", "csv"],
        )  # fmt: skip
    residential = [str(t) for t in TABLES if "residential" in t.stem]
    for fmt in ("table", "json", "csv"):
        yield (
            f"compare-{fmt}",
            ["compare", str(hourly), *(x for t in residential for x in ("--tariff", t)),
             "--current", residential[0], "--account", str(accounts["household"]),
             "--format", fmt],
        )  # fmt: skip
    yield (
        "compare-scenario",
        ["compare", str(quarter), "--tariff", "cn-gd-commercial-tou", "--tariff",
         "cn-sh-industrial-two-part", "--current", "cn-gd-commercial-tou",
         "--account", str(accounts["contract"]), "--scenario", "shift:20%:peak->valley",
         "--scenario", "scale:1.1"],
    )  # fmt: skip
    yield (
        "compare-break-even",
        ["compare", str(hourly), "--tariff", "cn-zj-residential", "--tariff",
         "cn-zj-residential-tou", "--current", "cn-zj-residential", "--break-even",
         "consumption"],
    )  # fmt: skip
    readings_dir = work / "meters"
    readings_dir.mkdir()
    rows = ["account_id,class,region"]
    for k in range(6):
        _load_hourly(readings_dir / f"M-{k}.csv")
        text = (readings_dir / f"M-{k}.csv").read_text(encoding="utf-8").splitlines()
        scaled = [text[0]]
        for line in text[1:]:
            start, kwh = line.split(",")
            wh = int(kwh.replace(".", "")) * (k + 1)
            scaled.append(f"{start},{wh // 1000}.{wh % 1000:03d}")
        (readings_dir / f"M-{k}.csv").write_text("\n".join(scaled) + "\n", encoding="utf-8")
        rows.append(f"M-{k},{'large' if k % 2 else 'small'},r{k % 3}")
    rows.append("M-9,small,r0")  # no readings file: a failed account
    accounts_csv = work / "accounts.csv"
    accounts_csv.write_text("\n".join(rows) + "\n", encoding="utf-8")
    for fmt in ("table", "json", "csv"):
        yield (
            f"portfolio-{fmt}",
            ["portfolio", "--accounts", str(accounts_csv), "--readings-dir", str(readings_dir),
             "--current", "cn-zj-residential", "--proposed", "cn-zj-residential-tou",
             "--workers", "1", "--format", fmt],
        )  # fmt: skip
    batch_csv = work / "batch.csv"
    batch_csv.write_text(
        "account_id,tariff\n"
        + "".join(f"M-{k},{'' if k % 2 else 'cn-zj-residential'}\n" for k in (*range(6), 9)),
        encoding="utf-8",
    )
    for fmt in ("csv", "jsonl"):
        yield (
            f"batch-{fmt}",
            ["batch", "--accounts", str(batch_csv), "--readings-dir", str(readings_dir),
             "--tariff", "cn-sh-residential-tou", "--workers", "1", "--format", fmt],
        )  # fmt: skip


def _run(argv: list[str], work: Path) -> str:
    """What the command prints (stdout, then stderr and the exit code), paths made relative."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(argv)
    text = f"{out.getvalue()}--- stderr\n{err.getvalue()}--- exit {code}\n"
    return text.replace(str(work), "WORK").replace(str(ROOT), "ROOT")


def _all(work: Path) -> dict[str, str]:
    return {name: _run(argv, work) for name, argv in _cases(work)}


@pytest.fixture(scope="module")
def outputs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    return _all(tmp_path_factory.mktemp("snapshots"))


def test_every_snapshot_has_a_case(outputs: dict[str, str]) -> None:
    stored = {path.stem for path in SNAPSHOTS.glob("*.txt")}
    assert stored == set(outputs)
    assert len(stored) > 150


def test_bills_are_byte_identical(outputs: dict[str, str]) -> None:
    differ = [
        name
        for name, text in sorted(outputs.items())
        if (SNAPSHOTS / f"{name}.txt").read_bytes().decode("utf-8") != text
    ]
    assert differ == []


def test_snapshots_price_real_bills(outputs: dict[str, str]) -> None:
    """The snapshots are bills, not a stored error: most cases succeed, each table prices."""
    priced = {name for name, text in outputs.items() if text.endswith("--- exit 0\n")}
    for table in TABLES:
        assert f"price-{table.stem}-quarter-contract" in priced
        assert f"price-{table.stem}-quarter-household-table" in priced or "industrial" in table.stem
    assert len(priced) >= 110  # the rest are refusals, kept as snapshots of their messages


if __name__ == "__main__":
    if sys.argv[1:] != ["--write"]:
        sys.exit("usage: python tests/test_snapshots.py --write")
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        made = _all(Path(folder))
    SNAPSHOTS.mkdir(parents=True, exist_ok=True)
    for old in SNAPSHOTS.glob("*.txt"):
        old.unlink()
    for name, text in made.items():
        (SNAPSHOTS / f"{name}.txt").write_bytes(text.encode("utf-8"))
    print(f"{len(made)} snapshots written to {SNAPSHOTS}")
