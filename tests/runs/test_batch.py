"""Tests of batch pricing (`tariffs.runs.batch`) and of ``tariffs batch``.

Hand-worked case: the tariff ``flat-half`` charges 0.5 CNY/kWh, each line rounded half-up
to 0.01 CNY. Account F-i (i = 1, 2, 3) uses i × 0.010 kWh in every 15 minutes of
2025-07-31 and 2025-08-01 (Asia/Shanghai), so each of its two bills (July, August) has
96 intervals: 0.960 × i kWh, and 0.48 × i CNY.

The other cases compare the bills of a batch with those of `tariffs.price`, account by
account, under bundled tariffs with tiers, time-of-use periods and account fields.
"""

from __future__ import annotations

import datetime as dt
import gc
import io
import json
import os
import pickle
import random
import re
import sys
import tracemalloc
from collections.abc import Sequence
from functools import partial
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import tariffs.cli.batch as cli_batch
import tariffs.io.accounts_csv as accounts_csv_module
import tariffs.runs.batch as batch_module
from tables import flat_yaml
from tariffs import Account, AccountError, ReadingsError, load_tariff, price
from tariffs.cli import main
from tariffs.engine import _kept
from tariffs.engine._kept import clear_caches, sizes
from tariffs.io.accounts_csv import check_accounts_csv
from tariffs.io.readings.csv_reader import read_readings_csv
from tariffs.io.render.bills import (
    BATCH_CSV_COLUMNS,
    batch_csv_rows,
    bill_to_dict,
    bills_to_jsonl,
)
from tariffs.runs.batch import (
    BatchItem,
    LongReadingsFile,
    ReadingsChangedError,
    ReadingsRows,
    ReadingsSpan,
    iter_accounts_csv,
    price_batch,
    price_batch_item,
)

ZONE = "Asia/Shanghai"

FLAT_HALF = flat_yaml("flat-half", "0.5", name="Flat 0.5")


# -- building inputs ---------------------------------------------------------------------


def starts(first: dt.datetime, count: int) -> list[str]:
    """Local 15-minute interval starts from `first`, as written in a readings CSV."""
    return [(first + dt.timedelta(minutes=15 * k)).strftime("%Y-%m-%dT%H:%M") for k in range(count)]


def random_values(count: int, seed: int) -> list[str]:
    rng = random.Random(seed)  # noqa: S311 - test data
    return [
        f"{value // 1000}.{value % 1000:03d}"
        for value in (rng.randrange(0, 2500) for _ in range(count))
    ]


Rows = list[tuple[str, str]]


def write_inputs(
    directory: Path,
    accounts: dict[str, Rows],
    account_lines: Sequence[str],
    header: str = "account_id,tariff",
) -> tuple[Path, Path, Path]:
    """Write the readings directory, the long file and the accounts CSV of `accounts`."""
    readings_dir = directory / "readings"
    readings_dir.mkdir(parents=True, exist_ok=True)
    long_lines = ["account_id,start,kwh"]
    for account_id, rows in accounts.items():
        lines = ["start,kwh", *(f"{start},{value}" for start, value in rows)]
        (readings_dir / f"{account_id}.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
        long_lines += [f"{account_id},{start},{value}" for start, value in rows]
    long_file = directory / "long.csv"
    long_file.write_text("\n".join(long_lines) + "\n", encoding="utf-8")
    accounts_csv = directory / "accounts.csv"
    accounts_csv.write_text("\n".join([header, *account_lines]) + "\n", encoding="utf-8")
    return readings_dir, long_file, accounts_csv


def flat_case(directory: Path) -> tuple[Path, Path, Path, Path]:
    tables = directory / "tables"
    tables.mkdir(parents=True)
    (tables / "flat-half.yaml").write_text(FLAT_HALF, encoding="utf-8")
    first = dt.datetime(2025, 7, 31)
    accounts = {
        f"F-{i}": [(start, f"0.{10 * i:03d}") for start in starts(first, 192)] for i in (1, 2, 3)
    }
    readings_dir, long_file, accounts_csv = write_inputs(
        directory, accounts, ["F-1,", "F-2,", "F-3,"]
    )
    return tables, readings_dir, long_file, accounts_csv


def mixed_case(directory: Path) -> tuple[Path, Path, Path, dict[str, Account], dict[str, str]]:
    """Accounts under bundled tariffs with tiers and time of use, over a month boundary."""
    first = dt.datetime(2025, 7, 10)
    count = 96 * 40
    tariff_of = {
        "R-1": "cn-bj-residential",
        "R-2": "cn-zj-residential-tou",
        "R-3": "cn-sh-residential-tou",
        "R-4": "cn-gd-commercial-tou",
    }
    accounts = {
        account_id: list(zip(starts(first, count), random_values(count, seed), strict=True))
        for seed, account_id in enumerate(tariff_of)
    }
    fields = {
        "R-1": Account(account_id="R-1", tier_allowance_kwh_per_month=100),
        "R-2": Account(account_id="R-2", year_to_date_kwh=2500),
        "R-3": Account(account_id="R-3"),
        "R-4": Account(account_id="R-4"),
    }
    readings_dir, long_file, accounts_csv = write_inputs(
        directory,
        accounts,
        [
            "R-1,cn-bj-residential,100,",
            "R-2,,,2500",
            "R-3,cn-sh-residential-tou,,",
            "R-4,cn-gd-commercial-tou,,",
        ],
        header="account_id,tariff,tier_allowance_kwh_per_month,year_to_date_kwh",
    )
    return readings_dir, long_file, accounts_csv, fields, tariff_of


def run(*argv: str) -> int:
    return main(["batch", *argv])


def jsonl(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


# -- the same bills as `price` -----------------------------------------------------------


@pytest.mark.parametrize("workers", ["1", "2"])
def test_directory_and_long_file_give_the_bills_of_price(tmp_path: Path, workers: str) -> None:
    readings_dir, long_file, accounts_csv, fields, tariff_of = mixed_case(tmp_path)
    by_dir = tmp_path / "by-dir.jsonl"
    by_long = tmp_path / "by-long.jsonl"
    common = ["--accounts", str(accounts_csv), "--tariff", "cn-zj-residential-tou"]
    common += ["--format", "jsonl", "--workers", workers]
    assert run("--readings-dir", str(readings_dir), *common, "--output", str(by_dir)) == 0
    assert run("--readings", str(long_file), *common, "--output", str(by_long)) == 0

    expected = []
    for account_id, tariff_id in tariff_of.items():
        tariff = load_tariff(tariff_id)
        readings = read_readings_csv(readings_dir / f"{account_id}.csv", tariff.timezone)
        bills = price(tariff, readings, fields[account_id])
        assert len(bills) == 2  # July and August
        expected += [{"account_id": account_id, **bill_to_dict(bill)} for bill in bills]
    assert jsonl(by_dir) == expected
    assert jsonl(by_long) == expected


def test_csv_rows_are_the_bills_worked_by_hand(tmp_path: Path) -> None:
    tables, readings_dir, long_file, accounts_csv = flat_case(tmp_path)
    expected = ["account_id,tariff,currency,period_start,period_end,energy_kwh,total,warnings"]
    for i, energy, total in ((1, "0.960", "0.48"), (2, "1.920", "0.96"), (3, "2.880", "1.44")):
        # Each day is a partial billing period of its month, 1 of 31 days.
        for start, end in (("2025-07-31", "2025-08-01"), ("2025-08-01", "2025-08-02")):
            warning = f"partial period: {start} to {end} (1 of 31 days)"
            expected.append(f"F-{i},flat-half,CNY,{start},{end},{energy},{total},{warning}")
    for source in (["--readings-dir", str(readings_dir)], ["--readings", str(long_file)]):
        output = tmp_path / "bills.csv"
        code = run(
            *source, "--accounts", str(accounts_csv), "--tariff", "flat-half",
            "--tables", str(tables), "--output", str(output),
        )  # fmt: skip
        assert code == 0
        assert output.read_text(encoding="utf-8").splitlines() == expected


def test_stdout_without_output(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    tables, _, long_file, _ = flat_case(tmp_path)
    code = run("--readings", str(long_file), "--tariff", "flat-half", "--tables", str(tables))
    captured = capsys.readouterr()
    assert code == 0
    assert captured.err == ""  # no progress bar when stderr is not a terminal
    assert captured.out.splitlines()[1].startswith("F-1,flat-half,CNY,2025-07-31,2025-08-01,")


# -- failures ----------------------------------------------------------------------------


def test_failing_accounts_are_reported_and_the_others_priced(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    tables, readings_dir, _, accounts_csv = flat_case(tmp_path)
    bad = readings_dir / "F-2.csv"
    lines = bad.read_text(encoding="utf-8").splitlines()
    lines[6] = lines[6].split(",")[0] + ",-1"  # line 7 of the file
    bad.write_text("\n".join(lines) + "\n", encoding="utf-8")
    accounts_csv.write_text(
        "account_id,tariff,year_to_date_kwh\nF-1,,\nF-2,,\nF-3,,many\nF-4,,\nF-5,no-such-tariff,\n",
        encoding="utf-8",
    )
    output = tmp_path / "bills.csv"
    code = run(
        "--readings-dir", str(readings_dir), "--accounts", str(accounts_csv),
        "--tariff", "flat-half", "--tables", str(tables), "--output", str(output),
    )  # fmt: skip
    err = capsys.readouterr().err.splitlines()
    assert code == 1
    assert err[0] == (
        f"tariffs: account F-2 failed: {bad}:7: kwh is '-1', a negative value; "
        "expected a number of 0 or more, such as 12.5"
    )
    assert re.fullmatch(
        rf"tariffs: account F-3 failed: {re.escape(str(accounts_csv))}:4:3: "
        r"year_to_date_kwh: .*",
        err[1],
    )
    assert err[2] == (
        f"tariffs: account F-4 failed: {readings_dir / 'F-4.csv'}: no such readings file"
    )
    assert err[3].startswith(
        f"tariffs: account F-5 failed: {accounts_csv}:6: tariff no-such-tariff: no tariff file"
    )
    assert err[4] == "tariffs: 4 of 5 accounts failed; the others were priced"
    assert len(err) == 5
    written = output.read_text(encoding="utf-8").splitlines()
    assert [line.split(",")[0] for line in written[1:]] == ["F-1", "F-1"]


def test_an_empty_tariff_cell_without_a_default_fails_at_its_row(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    tables, readings_dir, _, accounts_csv = flat_case(tmp_path)
    accounts_csv.write_text("account_id,tariff\nF-1,flat-half\nF-2,\n", encoding="utf-8")
    code = run(
        "--readings-dir", str(readings_dir), "--accounts", str(accounts_csv),
        "--tables", str(tables), "--workers", "1", "--format", "jsonl",
    )  # fmt: skip
    out, err = capsys.readouterr()
    assert code == 1
    assert [json.loads(line)["account_id"] for line in out.splitlines()] == ["F-1", "F-1"]
    assert err.splitlines() == [
        f"tariffs: account F-2 failed: {accounts_csv}:3: no tariff: the tariff cell is empty "
        "and no default tariff is given",
        "tariffs: 1 of 2 accounts failed; the others were priced",
    ]


def test_long_file_messages_name_its_lines(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    tables, _, long_file, _ = flat_case(tmp_path)
    lines = long_file.read_text(encoding="utf-8").splitlines()
    # F-1 has lines 2..193, F-2 lines 194..385, F-3 lines 386..577.
    lines[199] = lines[198]  # line 200 repeats line 199
    lines[400] = lines[400].rsplit(",", 1)[0] + ",x"  # line 401
    long_file.write_text("\n".join(lines) + "\n", encoding="utf-8")
    code = run("--readings", str(long_file), "--tariff", "flat-half", "--tables", str(tables))
    err = capsys.readouterr().err.splitlines()
    assert code == 1
    assert err == [
        f"tariffs: account F-2 failed: {long_file}:200: 2025-07-31T01:15 appears twice "
        "(first at row 199)",
        f"tariffs: account F-3 failed: {long_file}:401: kwh is 'x', not a number; "
        "expected a number of 0 or more, such as 12.5",
        "tariffs: 2 of 3 accounts failed; the others were priced",
    ]


def test_long_file_lines_of_one_row_accounts(tmp_path: Path) -> None:
    data = "account_id,start,kwh\nA,2025-07-01T00:00,1\nB,2025-07-01T00:00,1\n"
    path = tmp_path / "long.csv"
    path.write_text(data, encoding="utf-8")
    with LongReadingsFile(path) as long_file:
        parts = list(long_file)
    assert [(account_id, rows.first_line) for account_id, rows in parts] == [("A", 2), ("B", 3)]
    with pytest.raises(ReadingsError, match=r"long\.csv:3: only one reading"):
        parts[1][1].read(ZONE)


def read_all(path: Path) -> list[str]:
    """Cut a long file into accounts and read each one, as a batch does."""
    with LongReadingsFile(path) as opened:
        return [account_id for account_id, rows in opened if rows.read(ZONE) is not None]


def test_rows_of_an_account_must_be_together(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    tables, _, long_file, _ = flat_case(tmp_path)
    lines = long_file.read_text(encoding="utf-8").splitlines()
    moved = lines.pop(192)  # F-1's last row, moved after F-2's rows (to line 385)
    lines.insert(384, moved)
    long_file.write_text("\n".join(lines) + "\n", encoding="utf-8")
    # Where the search for the end of F-1's rows stops decides which is seen first: a row
    # of F-2 among F-1's rows (line 193), or F-1 again after F-2 (line 385).
    message = (
        r"long\.csv:(193: the rows of account F-1 must be together: this row is of F-2, and "
        r"account F-1 has rows again after it|385: the rows of account F-1 must be together: "
        r"they start again here, after other accounts \(first at line 2\))$"
    )
    with pytest.raises(ReadingsError, match=message):
        read_all(long_file)
    output = tmp_path / "bills.csv"
    for workers in ("1", "2"):
        code = run(
            "--readings", str(long_file), "--tariff", "flat-half", "--tables", str(tables),
            "--output", str(output), "--workers", workers,
        )  # fmt: skip
        assert code == 1
        assert re.fullmatch("tariffs: error: .*" + message + "\n", capsys.readouterr().err)
        assert not output.exists()
        assert list(tmp_path.glob(".bills.csv.*")) == []


def test_an_account_that_comes_back_later_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def long_file(rows_of_b: int) -> Path:
        text = "account_id,start,kwh\n"
        for account_id, count in (("A", 2), ("B", rows_of_b), ("A", 2)):
            text += "".join(
                f"{account_id},{start},1\n" for start in starts(dt.datetime(2025, 7, 1), count)
            )
        path = tmp_path / "long.csv"
        path.write_text(text, encoding="utf-8")
        return path

    # In one block: A's first and last rows are found, with B's in between.
    with pytest.raises(
        ReadingsError,
        match=r"long\.csv:4: the rows of account A must be together: this row is of B, "
        r"and account A has rows again after it$",
    ):
        read_all(long_file(2))
    # A comes back blocks later.
    monkeypatch.setattr(batch_module, "_READ_BLOCK_BYTES", 64)
    with pytest.raises(
        ReadingsError,
        match=r"long\.csv:44: the rows of account A must be together: they start again "
        r"here, after other accounts \(first at line 2\)$",
    ):
        read_all(long_file(40))


@pytest.mark.parametrize("block_bytes", [7, 64, 1000, 4 << 20])
def test_long_file_blocks_cut_anywhere(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, block_bytes: int
) -> None:
    rows = {
        account_id: [
            f"{start},{index}" for index, start in enumerate(starts(dt.datetime(2025, 7, 1), count))
        ]
        for account_id, count in (("A", 3), ("BB", 1), ("C", 30), ("D", 2))
    }
    text = "account_id,start,kwh\r\n" + "".join(
        f"{account_id},{row}\r\n" for account_id, lines in rows.items() for row in lines
    )
    path = tmp_path / "long.csv"
    path.write_bytes(text.rstrip("\r\n").encode() + b"\r\n\r\n\n")  # blank lines at the end
    monkeypatch.setattr(batch_module, "_READ_BLOCK_BYTES", block_bytes)
    with LongReadingsFile(path) as opened:
        parts = [
            (account_id, part.first_line, part.lines, len(part.read(ZONE, interval_seconds=900)))
            for account_id, part in opened
        ]
    assert parts == [("A", 2, 3, 3), ("BB", 5, 1, 1), ("C", 6, 30, 30), ("D", 36, 2, 2)]


@settings(max_examples=40, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    counts=st.lists(st.integers(1, 30), min_size=1, max_size=8),
    block_bytes=st.integers(1, 400),
    ending=st.sampled_from(["\n", "", "\n\n", "\r\n"]),
)
def test_long_file_parts_for_any_blocks(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    counts: list[int],
    block_bytes: int,
    ending: str,
) -> None:
    # Account ids that are prefixes of each other ("A", "AA", ...) must not be confused.
    ids = ["A" * (number + 1) if number % 2 else f"A{number}" for number in range(len(counts))]
    lines = ["account_id,start,kwh"]
    for account_id, count in zip(ids, counts, strict=True):
        lines += [f"{account_id},{start},1" for start in starts(dt.datetime(2025, 7, 1), count)]
    path = tmp_path / "long.csv"
    path.write_text("\n".join(lines) + ending, encoding="utf-8")
    monkeypatch.setattr(batch_module, "_READ_BLOCK_BYTES", block_bytes)
    first_lines = [2 + sum(counts[:number]) for number in range(len(counts))]
    with LongReadingsFile(path) as opened:
        parts = [(account_id, rows.first_line, rows.lines) for account_id, rows in opened]
    assert parts == list(zip(ids, first_lines, counts, strict=True))


@settings(max_examples=40, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    counts=st.lists(st.integers(1, 30), min_size=1, max_size=6),
    block_bytes=st.integers(1, 400),
    ending=st.sampled_from(["\n", "", "\n\n", "\r\n"]),
    mark=st.sampled_from(["", "\ufeff"]),
)
def test_long_file_parts_by_position_read_what_the_rows_read(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    counts: list[int],
    block_bytes: int,
    ending: str,
    mark: str,
) -> None:
    ids = ["A" * (number + 1) if number % 2 else f"A{number}" for number in range(len(counts))]
    lines = [f"{mark}account_id,start,kwh"]
    for number, (account_id, count) in enumerate(zip(ids, counts, strict=True)):
        lines += [
            f"{account_id},{start},{number}.{index:03d}"
            for index, start in enumerate(starts(dt.datetime(2025, 7, 1), count))
        ]
    path = tmp_path / "long.csv"
    path.write_text("\n".join(lines) + ending, encoding="utf-8")
    monkeypatch.setattr(batch_module, "_READ_BLOCK_BYTES", block_bytes)
    with LongReadingsFile(path) as opened:
        by_rows = list(opened)
    with LongReadingsFile(path, by_position=True) as opened:
        by_position = list(opened)
    assert [account_id for account_id, _ in by_position] == ids
    for (_, rows), (_, span) in zip(by_rows, by_position, strict=True):
        assert isinstance(rows, ReadingsRows) and isinstance(span, ReadingsSpan)
        assert (span.first_line, span.lines, span.size) == (
            rows.first_line,
            rows.lines,
            len(rows.rows),
        )
        assert span.read(ZONE, interval_seconds=900) == rows.read(ZONE, interval_seconds=900)


def items_by_position(tmp_path: Path) -> tuple[Path, list[BatchItem]]:
    """The long file of `flat_case`, and its accounts as items read by position."""
    _, _, long_file, _ = flat_case(tmp_path)
    with LongReadingsFile(long_file, by_position=True) as opened:
        parts = list(opened)
    tariff = load_tariff("cn-bj-residential")
    return long_file, [
        BatchItem(account_id, tariff, Account(account_id=account_id), part)
        for account_id, part in parts
    ]


def test_a_long_file_changed_while_the_batch_reads_it_stops_the_batch(tmp_path: Path) -> None:
    long_file, items = items_by_position(tmp_path)
    long_file.write_text("account_id,start,kwh\nF-9,2025-07-31T00:00,1\n", encoding="utf-8")
    with pytest.raises(ReadingsChangedError, match=r"long\.csv:2: the file changed while"):
        list(price_batch(items, workers=1))


def test_a_long_file_changed_in_place_to_the_same_size_stops_the_batch(tmp_path: Path) -> None:
    # The rows are where they were, of the same length and account, but other values:
    # the file's time of last change tells (the size alone would not).
    long_file, items = items_by_position(tmp_path)
    text = long_file.read_text(encoding="utf-8")
    changed = text.replace(",1.", ",2.", 1) if ",1." in text else text.replace(",0", ",1", 1)
    assert changed != text and len(changed) == len(text)
    status = long_file.stat()
    long_file.write_text(changed, encoding="utf-8")
    os.utime(long_file, ns=(status.st_atime_ns, status.st_mtime_ns + 1_000_000_000))
    with pytest.raises(ReadingsChangedError, match=r"long\.csv:\d+: the file changed while"):
        list(price_batch(items, workers=1))


@pytest.mark.parametrize(
    ("header", "message"),
    [
        ("start,kwh", r"long\.csv:1: the first column is 'start'"),
        ("account_id,start,kwh,kwh", r"long\.csv:1: column 'kwh' appears twice"),
        ("account_id,start", r"long\.csv:1: missing column 'kwh'"),
    ],
)
def test_long_file_header(tmp_path: Path, header: str, message: str) -> None:
    path = tmp_path / "long.csv"
    path.write_text(header + "\n", encoding="utf-8")
    with pytest.raises(ReadingsError, match=message):
        LongReadingsFile(path)


def test_long_file_empty_line_in_the_middle(tmp_path: Path) -> None:
    path = tmp_path / "long.csv"
    path.write_text(
        "account_id,start,kwh\nA,2025-07-01T00:00,1\n\nB,2025-07-01T00:00,1\n\n\n",
        encoding="utf-8",
    )
    with (
        LongReadingsFile(path) as opened,
        pytest.raises(ReadingsError, match=r"long\.csv:3: empty line; only empty lines at the end"),
    ):
        list(opened)


def test_long_file_accounts_without_rows_and_rows_without_accounts(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    tables, _, long_file, accounts_csv = flat_case(tmp_path)
    accounts_csv.write_text("account_id,tariff\nF-1,\nF-3,\nF-9,\n", encoding="utf-8")
    code = run(
        "--readings", str(long_file), "--accounts", str(accounts_csv),
        "--tariff", "flat-half", "--tables", str(tables),
    )  # fmt: skip
    err = capsys.readouterr().err.splitlines()
    assert code == 1
    assert err == [
        f"tariffs: account F-2 failed: {long_file}:194: account F-2 has no row in {accounts_csv}",
        f"tariffs: account F-9 failed: {accounts_csv}:4: no readings of account F-9 in {long_file}",
        "tariffs: 2 of 4 accounts failed; the others were priced",
    ]


def test_accounts_csv_problems_name_the_line(tmp_path: Path) -> None:
    path = tmp_path / "accounts.csv"
    path.write_text("account_id,tariff,capacity_kw\nA,,1\n", encoding="utf-8")
    with pytest.raises(AccountError, match=r"accounts\.csv:1:3: column 'capacity_kw' is not"):
        list(iter_accounts_csv(path))
    path.write_text("account_id,tariff\nA,x\n\nB,y\nA,z\n", encoding="utf-8")
    rows = iter_accounts_csv(path)
    assert [next(rows).account_id, next(rows).account_id] == ["A", "B"]
    with pytest.raises(AccountError, match=r"accounts\.csv:5:1: account_id 'A' appears twice"):
        next(rows)


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        ("F-1,\nF-2,\nF-1,\n", "4:1: account_id 'F-1' appears twice (first at line 2)"),
        ("F-1,\nF-2,\n,flat-half\n", "4:1: empty account_id"),
        ("F-1,\nF-2,\nF-3,,\n", "4: 3 cells for 2 columns"),
    ],
)
@pytest.mark.parametrize("output_format", ["jsonl", "csv"])
def test_an_accounts_csv_refused_at_a_later_line_writes_no_bill(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    rows: str,
    message: str,
    output_format: str,
) -> None:
    # The file is refused as a whole, so no account of it is priced: not even the rows
    # before the bad one, whose bills would otherwise be written before the refusal; and
    # stdout stays empty, without even the CSV header.
    tables, readings_dir, _, accounts_csv = flat_case(tmp_path)
    accounts_csv.write_text("account_id,tariff\n" + rows, encoding="utf-8")
    code = run(
        "--readings-dir", str(readings_dir), "--accounts", str(accounts_csv),
        "--tariff", "flat-half", "--tables", str(tables), "--workers", "1",
        "--format", output_format,
    )  # fmt: skip
    out, err = capsys.readouterr()
    assert code == 1
    assert out == ""
    assert err == f"tariffs: error: {accounts_csv}:{message}\n"


@pytest.mark.parametrize("hashes", ["distinct", "all equal"])
@pytest.mark.parametrize(
    ("rows", "message"),
    [
        ("F-1,\nF-2,\nF-3,\n", None),
        ("F-1,\nF-2,\nF-1,\nF-3,,\n", "4:1: account_id 'F-1' appears twice (first at line 2)"),
        ("F-1,\nF-2,,\nF-1,\n", "3: 3 cells for 2 columns"),
        ("F-1,\nF-2,\nF-3,\nF-2,\n", "5:1: account_id 'F-2' appears twice (first at line 3)"),
    ],
)
def test_the_accounts_csv_check_refuses_its_first_error_whatever_the_hashes_of_the_ids(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, rows: str, message: str | None, hashes: str
) -> None:
    # The check keeps a hash of each id, not the id: equal hashes (here every id's, as
    # if all collided) make it read the file again keeping the ids, which refuses the
    # first error in file order, or passes when the ids are all different.
    if hashes == "all equal":
        monkeypatch.setattr(accounts_csv_module, "_id_hash", lambda account_id: 7)
    path = tmp_path / "accounts.csv"
    path.write_text("account_id,tariff\n" + rows, encoding="utf-8")
    if message is None:
        check_accounts_csv(path)
        return
    with pytest.raises(AccountError) as refused:
        check_accounts_csv(path)
    assert str(refused.value) == f"{path}:{message}"


def test_an_accounts_csv_changed_while_a_batch_reads_it_is_refused(tmp_path: Path) -> None:
    # The file is read again after the check without keeping its ids: an id written
    # twice in between would be priced twice, so a file changed in between is refused.
    _, readings_dir, _, accounts_csv = flat_case(tmp_path)
    accounts_csv.write_text("account_id,tariff\nF-1,x\nF-2,x\n", encoding="utf-8")

    def lookup(name: str) -> Any:
        accounts_csv.write_text("account_id,tariff\nF-1,x\nF-1,x\nF-2,x\n", encoding="utf-8")
        return load_tariff("cn-bj-residential")

    items = batch_module.directory_items(accounts_csv, readings_dir, lookup)
    assert next(items).account_id == "F-1"  # the file is written again here
    with pytest.raises(AccountError) as refused:
        list(items)
    assert str(refused.value) == (
        f"{accounts_csv}: the accounts file changed while the batch read it; run the batch again"
    )


def test_an_account_id_that_does_not_print_is_refused_where_it_is_read(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # An id names its account on one line of stderr and in a file name; a line end, a
    # control or format character, or a space other than U+0020 would split or hide it.
    tables, readings_dir, long_file, accounts_csv = flat_case(tmp_path)
    options = ["--tariff", "flat-half", "--tables", str(tables), "--workers", "1"]
    for written, shown, code_point in [
        ('"F\n1"', "'F\\n1'", "000A"),
        ("F\x1d1", "'F\\x1d1'", "001D"),
        ("F\u200b1", "'F\\u200b1'", "200B"),
        ("F\u00a01", "'F\\xa01'", "00A0"),
    ]:
        accounts_csv.write_text(f"account_id,tariff\nF-1,\n{written},\n", encoding="utf-8")
        code = run("--readings-dir", str(readings_dir), "--accounts", str(accounts_csv), *options)
        out, err = capsys.readouterr()
        assert (code, out) == (1, "")
        assert err == (
            f"tariffs: error: {accounts_csv}:3:1: account_id {shown} holds U+{code_point}, "
            "which does not print; an account id is printable text\n"
        )
    long_file.write_text("account_id,start,kwh\nF\x1d1,2025-07-31T00:00,1\n", encoding="utf-8")
    code = run("--readings", str(long_file), *options)
    out, err = capsys.readouterr()
    assert (code, out) == (1, "")
    assert err == (
        f"tariffs: error: {long_file}:2: account_id 'F\\x1d1' holds U+001D, which does not "
        "print; an account id is printable text\n"
    )
    with pytest.raises(ValueError, match=r"account_id 'F\\u200b1' holds U\+200B"):
        Account(account_id="F\u200b1")


# -- resume and atomic output ------------------------------------------------------------


def test_resume_prices_only_the_accounts_not_yet_written(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    tables, readings_dir, _, accounts_csv = flat_case(tmp_path)
    good = (readings_dir / "F-2.csv").read_text(encoding="utf-8")
    (readings_dir / "F-2.csv").write_text("start,kwh\n", encoding="utf-8")
    output = tmp_path / "bills.jsonl"
    arguments = [
        "--readings-dir", str(readings_dir), "--accounts", str(accounts_csv),
        "--tariff", "flat-half", "--tables", str(tables), "--format", "jsonl",
        "--output", str(output),
    ]  # fmt: skip
    assert run(*arguments) == 1
    first = output.read_text(encoding="utf-8")
    assert [bill["account_id"] for bill in jsonl(output)] == ["F-1", "F-1", "F-3", "F-3"]
    capsys.readouterr()

    # Fix F-2, and break the others: a resumed batch must not read them again.
    (readings_dir / "F-2.csv").write_text(good, encoding="utf-8")
    (readings_dir / "F-1.csv").unlink()
    (readings_dir / "F-3.csv").unlink()
    assert run(*arguments, "--resume") == 0
    assert capsys.readouterr().err == ""
    text = output.read_text(encoding="utf-8")
    assert text.startswith(first)
    added = [json.loads(line) for line in text[len(first) :].splitlines()]
    assert [(bill["account_id"], bill["total"]) for bill in added] == [
        ("F-2", "0.96"),
        ("F-2", "0.96"),
    ]
    assert run(*arguments, "--resume") == 0  # nothing left to price
    assert output.read_text(encoding="utf-8") == text


def test_resume_refuses_an_output_of_another_kind(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    tables, _, long_file, _ = flat_case(tmp_path)
    output = tmp_path / "bills.csv"
    output.write_text("account,total\nA,1\n", encoding="utf-8")
    code = run(
        "--readings", str(long_file), "--tariff", "flat-half", "--tables", str(tables),
        "--output", str(output), "--resume",
    )  # fmt: skip
    assert code == 1
    assert "bills.csv:1: --resume: not a batch CSV output" in capsys.readouterr().err
    assert output.read_text(encoding="utf-8") == "account,total\nA,1\n"


@pytest.mark.parametrize(
    ("line", "message"),
    [
        # 64 levels are allowed; the 65th bracket is at column 65, with no RecursionError.
        (
            "[" * 100_000 + "]" * 100_000,
            ":2:65: --resume: not a batch JSON lines output (each "
            "line an object with an account_id): nesting is deeper than the limit of 64 levels",
        ),
        (
            '{"account_id": NaN}',
            ":2:16: --resume: not a batch JSON lines output (each line an "
            "object with an account_id): account_id: NaN is not a finite number",
        ),
        (
            '{"account_id": 7}',
            ":2: --resume: not a batch JSON lines output (each line an "
            "object with an account_id)\n",
        ),
        (
            '{"account_id": "F-1", "account_id": "F-2"}',
            ":2:23: --resume: not a batch JSON lines "
            "output (each line an object with an account_id): account_id: duplicate key",
        ),
    ],
    ids=["deep", "nan", "not_text", "twice"],
)
def test_resume_refuses_a_json_lines_output_that_is_not_ours_at_its_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], line: str, message: str
) -> None:
    tables, _, long_file, _ = flat_case(tmp_path)
    output = tmp_path / "bills.jsonl"
    before = '{"account_id": "F-1"}\n' + line + "\n"
    output.write_text(before, encoding="utf-8")
    code = run(
        "--readings", str(long_file), "--tariff", "flat-half", "--tables", str(tables),
        "--format", "jsonl", "--output", str(output), "--resume",
    )  # fmt: skip
    assert code == 1
    assert f"tariffs: error: {output}{message}" in capsys.readouterr().err
    assert output.read_text(encoding="utf-8") == before


@pytest.mark.parametrize("stop", [RuntimeError("a bug"), KeyboardInterrupt()])
def test_a_stopped_batch_leaves_the_output_as_it_was(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    stop: BaseException,
) -> None:
    tables, _, long_file, _ = flat_case(tmp_path)
    output = tmp_path / "bills.csv"
    output.write_text("an earlier output\n", encoding="utf-8")
    real_price = batch_module.price

    def price_or_stop(tariff: Any, readings: Any, account: Any, **options: Any) -> Any:
        if account.account_id == "F-3":  # after F-1 and F-2 were written
            raise stop
        return real_price(tariff, readings, account, **options)

    monkeypatch.setattr(batch_module, "price", price_or_stop)
    arguments = [
        "--readings", str(long_file), "--tariff", "flat-half", "--tables", str(tables),
        "--output", str(output), "--workers", "1",
    ]  # fmt: skip
    if isinstance(stop, KeyboardInterrupt):
        assert run(*arguments) == 130
        assert capsys.readouterr().err == (f"tariffs: interrupted; {output} was left as it was\n")
    else:
        with pytest.raises(RuntimeError, match="a bug"):
            run(*arguments)
    assert output.read_text(encoding="utf-8") == "an earlier output\n"
    assert sorted(path.name for path in tmp_path.iterdir()) == [
        "accounts.csv", "bills.csv", "long.csv", "readings", "tables",
    ]  # fmt: skip


def test_a_bug_in_a_worker_process_stops_the_batch(tmp_path: Path) -> None:
    tariff = load_tariff("cn-bj-residential")
    items = [
        BatchItem("A", tariff, Account(account_id="A"), 42),  # type: ignore[arg-type]
        BatchItem("B", tariff, Account(account_id="B"), str(tmp_path / "missing.csv")),
    ]
    with pytest.raises(TypeError):
        list(price_batch(items, workers=2))


# -- order, pickling, memory, progress ---------------------------------------------------


def many_accounts(
    directory: Path, count: int, first: dt.datetime = dt.datetime(2025, 7, 1), days: int = 1
) -> tuple[Path, Path, Path]:
    accounts = {
        f"M{number:04d}": list(
            zip(starts(first, 96 * days), random_values(96 * days, number), strict=True)
        )
        for number in range(count)
    }
    return write_inputs(
        directory,
        accounts,
        [
            f"{account_id},{('cn-bj-residential', 'cn-zj-residential-tou')[n % 2]}"
            for n, account_id in enumerate(accounts)
        ],
    )


def test_output_order_is_the_order_of_the_accounts(tmp_path: Path) -> None:
    readings_dir, long_file, accounts_csv = many_accounts(tmp_path, 60)
    outputs = []
    for workers in ("1", "2", "2"):
        for source in (["--readings-dir", str(readings_dir)], ["--readings", str(long_file)]):
            output = tmp_path / "bills.csv"
            code = run(
                *source, "--accounts", str(accounts_csv), "--workers", workers,
                "--output", str(output),
            )  # fmt: skip
            assert code == 0
            outputs.append(output.read_bytes())
    assert all(output == outputs[0] for output in outputs)
    ids = [line.split(b",")[0].decode() for line in outputs[0].splitlines()[1:]]
    assert ids == [f"M{number:04d}" for number in range(60)]


def test_items_and_results_pickle(tmp_path: Path) -> None:
    readings_dir, long_file, _ = many_accounts(tmp_path, 2)
    tariff = load_tariff("cn-zj-residential-tou")
    with LongReadingsFile(long_file) as opened:
        rows = [part for _, part in opened]
    items = [
        BatchItem("M0000", tariff, Account(account_id="M0000"), str(readings_dir / "M0000.csv")),
        BatchItem("M0001", tariff, Account(account_id="M0001"), rows[1]),
    ]
    results = [price_batch_item(pickle.loads(pickle.dumps(item))) for item in items]  # noqa: S301
    assert all(result.ok and len(result.bills) == 1 for result in results)
    assert pickle.loads(pickle.dumps(results)) == results  # noqa: S301
    assert isinstance(rows[1], ReadingsRows)
    assert results == list(price_batch(items, workers=2))


def peak_traced_memory(arguments: Sequence[str]) -> int:
    run(*arguments)  # warm caches (tariffs, their schedules, days of the readings)
    gc.collect()
    tracemalloc.start()
    try:
        assert run(*arguments) == 0
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


@pytest.mark.parametrize("layout", ["dir", "long"])
def test_memory_does_not_grow_with_the_number_of_accounts(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, layout: str
) -> None:
    # Tariffs are loaded once for both runs: loading one is a large passing peak of its own.
    loaded: dict[str, Any] = {}

    def load_once(name: str, *_: object, **__: object) -> Any:
        if name not in loaded:
            loaded[name] = load_tariff(name)
        return loaded[name]

    monkeypatch.setattr(cli_batch, "load_tariff", load_once)
    monkeypatch.setattr(batch_module, "_READ_BLOCK_BYTES", 16 << 10)
    peaks = []
    for count in (40, 160):
        # Two days over a month's end: two bills per account.
        readings_dir, long_file, accounts_csv = many_accounts(
            tmp_path / str(count), count, dt.datetime(2025, 7, 31), days=2
        )
        source = (
            ["--readings-dir", str(readings_dir)]
            if layout == "dir"
            else ["--readings", str(long_file)]
        )
        output = tmp_path / str(count) / "bills.jsonl"
        arguments = [
            *source, "--accounts", str(accounts_csv), "--workers", "1",
            "--format", "jsonl", "--output", str(output),
        ]  # fmt: skip
        peaks.append(peak_traced_memory(arguments))
        assert len(output.read_text(encoding="utf-8").splitlines()) == 2 * count
    # Keeping each account's results, or its output, until the end would add about 2.6 kB
    # per account (over 300 kB for the 120 more); the ids are not kept either (the check
    # of the accounts CSV keeps a hash of each, 8 bytes; a long file's reader the ids it
    # has read, to refuse an account whose rows start again).
    assert peaks[1] - peaks[0] < 128 << 10, peaks


def test_progress_bar_on_a_terminal_only(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    tables, _, long_file, _ = flat_case(tmp_path)
    terminal = Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    output = tmp_path / "bills.csv"
    code = run(
        "--readings", str(long_file), "--tariff", "flat-half", "--tables", str(tables),
        "--output", str(output),
    )  # fmt: skip
    assert code == 0
    shown = terminal.getvalue()
    assert shown.startswith("\rpricing: ")
    assert re.search(r"\rpricing: 3 accounts, 0 failed \[#{30}\] 100 % \d+ s\n$", shown)


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--readings-dir", "x"], "--readings-dir needs --accounts"),
        (["--readings", "x", "--tariff", "t", "--resume"], "--resume needs --output"),
        (["--readings", "x"], "give --tariff, or --accounts with a tariff column"),
        (["--readings", "x", "--readings-dir", "y"], "not allowed with argument"),
        (["--tariff", "t"], "one of the arguments --readings-dir --readings is required"),
    ],
)
def test_usage_errors(
    arguments: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(*arguments) == 2
    assert message in capsys.readouterr().err


def test_accounts_without_a_tariff_column_need_a_tariff(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _, readings_dir, _, accounts_csv = flat_case(tmp_path)
    accounts_csv.write_text("account_id\nF-1\n", encoding="utf-8")
    assert run("--readings-dir", str(readings_dir), "--accounts", str(accounts_csv)) == 2
    assert "has no tariff column; give --tariff" in capsys.readouterr().err


def worker_chunks(chunks: Sequence[list[BatchItem]]) -> int:
    """Price chunks as a worker process does: each chunk unpickled, its results pickled.

    A worker is sent a fresh copy of every tariff with each chunk (pickling keeps one
    copy per chunk), and sends the bills back; returns how many were priced.
    """
    priced = 0
    for chunk in chunks:
        results = batch_module.price_batch_items(pickle.loads(pickle.dumps(chunk)))  # noqa: S301 - our own items
        pickle.dumps(results)
        priced += sum(len(result.bills) for result in results)
    return priced


def test_a_worker_keeps_nothing_per_chunk_or_account(tmp_path: Path) -> None:
    # What a worker keeps between chunks must not grow with the accounts it has priced:
    # every kept store holds the same entries and weight after 4 times more accounts of
    # the same meters' intervals, no value key outlives its tariff copy, and the memory
    # traced stays within a margin far below what one chunk's tariffs weigh (each copy of
    # a bundled tariff is tens of kB, so keeping each chunk's would add about 1 MB).
    readings_dir, _, accounts_csv = many_accounts(tmp_path, 8, dt.datetime(2025, 7, 31), days=2)
    loaded = {name: load_tariff(name) for name in ("cn-bj-residential", "cn-zj-residential-tou")}
    rows = list(iter_accounts_csv(accounts_csv))

    def chunks(first: int, count: int) -> list[list[BatchItem]]:
        # 16 accounts a chunk, each under its own id, read from one of the 8 files.
        return [
            [
                BatchItem(
                    f"A{number:06d}",
                    loaded[rows[number % 8].tariff or ""],
                    Account(account_id=f"A{number:06d}"),
                    str(readings_dir / f"{rows[number % 8].account_id}.csv"),
                )
                for number in range(start, start + 16)
            ]
            for start in range(first * 16, (first + count) * 16, 16)
        ]

    warm, more = chunks(0, 8), chunks(8, 32)
    clear_caches()
    assert worker_chunks(warm) == 2 * 8 * 16  # two bills per account (July, August)
    gc.collect()
    tracemalloc.start()
    try:
        assert worker_chunks(warm) == 2 * 8 * 16
        gc.collect()
        kept, keys, traced = sizes(), len(_kept._VALUE_KEYS), tracemalloc.get_traced_memory()[0]
        assert worker_chunks(more) == 2 * 32 * 16
        gc.collect()
        assert sizes() == kept
        assert len(_kept._VALUE_KEYS) == keys
        assert tracemalloc.get_traced_memory()[0] - traced < 64 << 10
    finally:
        tracemalloc.stop()


# -- rows rendered where the accounts are priced ------------------------------------------


@pytest.mark.parametrize("workers", [1, 2])
def test_rows_are_rendered_where_the_accounts_are_priced(tmp_path: Path, workers: int) -> None:
    readings_dir, _, _, fields, tariff_of = mixed_case(tmp_path)
    items = [
        BatchItem(
            account_id,
            load_tariff(tariff_id),
            fields[account_id],
            str(readings_dir / f"{account_id}.csv"),
        )
        for account_id, tariff_id in tariff_of.items()
    ]
    items.append(BatchItem("X-1", items[0].tariff, Account(account_id="X-1"), "missing.csv"))
    plain = list(price_batch(items, workers=workers))
    rendered = list(price_batch(items, workers=workers, render=partial(batch_csv_rows, lang="zh")))
    assert [result.account_id for result in rendered] == [*tariff_of, "X-1"]
    for bare, result in zip(plain[:-1], rendered[:-1], strict=True):
        assert len(bare.bills) == 2 and result.bills == () and result.error is None
        assert result.rows == batch_csv_rows(bare.account_id, bare.bills, "zh")
    assert rendered[-1] == plain[-1]  # a failed account: its error, no rows
    assert rendered[-1].rows is None and "missing.csv" in (rendered[-1].error or "")


@pytest.mark.parametrize("output_format", ["csv", "jsonl"])
def test_every_layout_and_worker_count_writes_the_same_bytes(
    tmp_path: Path, output_format: str
) -> None:
    readings_dir, long_file, accounts_csv, fields, tariff_of = mixed_case(tmp_path)
    outputs = []
    for workers in ("1", "2"):
        for source in (["--readings-dir", str(readings_dir)], ["--readings", str(long_file)]):
            output = tmp_path / f"bills.{output_format}"
            code = run(
                *source, "--accounts", str(accounts_csv), "--tariff", "cn-zj-residential-tou",
                "--workers", workers, "--format", output_format, "--output", str(output),
            )  # fmt: skip
            assert code == 0
            outputs.append(output.read_bytes())
    # The bills of `price`, rendered here in this process, one account after another.
    expected = ",".join(BATCH_CSV_COLUMNS) + "\n" if output_format == "csv" else ""
    for account_id, tariff_id in tariff_of.items():
        tariff = load_tariff(tariff_id)
        readings = read_readings_csv(readings_dir / f"{account_id}.csv", tariff.timezone)
        bills = price(tariff, readings, fields[account_id])
        if output_format == "csv":
            expected += batch_csv_rows(account_id, bills)
        else:
            expected += bills_to_jsonl(bills, account_id)
    assert outputs == [expected.encode("utf-8")] * 4
