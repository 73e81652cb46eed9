"""Tests of Excel workbooks (`tariffs.io.render.xlsx`) and of ``--format xlsx``.

The law: a workbook holds what the CSV output holds. Every cell of the ``accounts`` sheet
(portfolio) and of the ``results`` sheet (compare), read back with openpyxl, is the CSV's
cell: a number cell's double, written with the shortest digits that give it back
(``repr``), is the CSV's decimal, and its number format shows the CSV's places; text is
the CSV's text. Amounts Excel cannot hold exactly are refused, never rounded.

The numbers are worked by hand:

- The portfolio: ``flat-a`` at 0.5 CNY/kWh now, ``flat-b`` at 0.6 proposed. A-1 reads
  1 kWh and A-2 2 kWh every hour of July and August 2025 (62 days, 1488 hours): A-1 uses
  1488 kWh, 744.00 → 892.80 CNY (+148.80, +20.0 %), in 2 bills; A-2 2976 kWh,
  1488.00 → 1785.60 (+297.60, +20.0 %). July alone (744 h): A-1 372.00 → 446.40, A-2
  744.00 → 892.80; August the same.
- The comparison (`readings` of test_plot, 1 kWh every hour of July and August): ``tou``
  prices 08:00-20:00 at 1.0 and the rest at 0.2, ``tou-cheap`` at 0.6 and 0.3. July has
  31 × 12 = 372 peak and 372 valley kWh: tou 372.00 + 74.40 = 446.40, tou-cheap
  223.20 + 111.60 = 334.80; August the same.
"""

from __future__ import annotations

import csv
import datetime as dt
import importlib
import io
import re
import subprocess
import sys
import time
import zipfile
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from hypothesis import given
from hypothesis import strategies as st
from tests.io.test_plot import readings, tariffs

from tables import flat_yaml
from tariffs import OutputError
from tariffs.cli import main
from tariffs.io.render.comparison import comparison_to_csv
from tariffs.io.render.portfolio import portfolio_to_csv
from tariffs.io.render.xlsx import (
    MAX_DIGITS,
    Sheet,
    Table,
    comparison_workbook,
    portfolio_workbook,
    require_openpyxl,
    workbook_bytes,
)
from tariffs.whatif.compare import compare_scenarios
from tariffs.whatif.portfolio import AccountOutcome, summarize
from tariffs.whatif.scenarios import parse_scenario

MISSING = (
    "xlsx workbooks need openpyxl, which is not installed; install the xlsx extra: "
    "python -m pip install 'tariffs[xlsx]'"
)


def load(data: bytes) -> Any:
    return openpyxl.load_workbook(io.BytesIO(data))


def places_of(number_format: str) -> int:
    """The places a number format ``0``, ``0.00`` shows."""
    assert re.fullmatch(r"0(\.0+)?", number_format), number_format
    return len(number_format) - 2 if "." in number_format else 0


def shown(cell: Any) -> str | None:
    """A cell as the CSV writes it: a number at its format's places, text as it is."""
    if cell.value is None:
        return None
    if cell.is_date:
        assert cell.number_format == "yyyy-mm-dd"
        return str(cell.value.date().isoformat())
    if cell.data_type == "n":
        exact = Decimal(repr(cell.value))
        return f"{exact:.{places_of(cell.number_format)}f}"
    assert cell.data_type == "s"
    return str(cell.value)


def assert_sheet_is_the_csv(sheet: Any, text: str, numeric: set[str] | None = None) -> None:
    rows = list(csv.reader(io.StringIO(text)))
    cells = list(sheet.iter_rows())
    assert len(cells) == len(rows)
    header = rows[0]
    assert [cell.value for cell in cells[0]] == header
    assert all(cell.font.bold for cell in cells[0])
    for row, sheet_row in zip(rows[1:], cells[1:], strict=True):
        for name, text_cell, cell in zip(header, row, sheet_row, strict=True):
            assert shown(cell) == (text_cell or None), (name, text_cell, cell.value)
            if numeric is not None and text_cell:
                assert (cell.data_type == "n") == (name in numeric), name


def outcomes() -> list[AccountOutcome]:
    july, august = dt.date(2025, 7, 1), dt.date(2025, 8, 1)
    return [
        AccountOutcome(
            "A-1", {"class": "x"}, Decimal("1488.000"), Decimal("744.00"), Decimal("892.80"), 2,
            months=((july, Decimal("372.00"), Decimal("446.40")),
                    (august, Decimal("372.00"), Decimal("446.40"))),
        ),
        AccountOutcome(
            "A-2", {"class": "y"}, Decimal("2976.000"), Decimal("1488.00"), Decimal("1785.60"), 2,
            months=((july, Decimal("744.00"), Decimal("892.80")),
                    (august, Decimal("744.00"), Decimal("892.80"))),
        ),
        AccountOutcome("=HYPERLINK(1)", {"class": "y"}, error="no such readings file"),
    ]  # fmt: skip


def test_the_accounts_sheet_is_the_csv() -> None:
    result = summarize(outcomes(), "flat-a", "flat-b", "CNY", ["class"])
    book = load(portfolio_workbook(result, outcomes()))
    assert book.sheetnames == ["summary", "accounts", "failures"]
    numbers = {"energy_kwh", "current_total", "proposed_total", "change", "change_percent"}
    assert_sheet_is_the_csv(
        book["accounts"], portfolio_to_csv(result, outcomes()), numbers | {"bills"}
    )
    accounts = book["accounts"]
    assert accounts.freeze_panes == "A2"
    # A-1's row: 744.00 is shown with two places, 1488.000 kWh with three.
    assert (accounts["G2"].value, accounts["G2"].number_format) == (744, "0.00")
    assert (accounts["F2"].value, accounts["F2"].number_format) == (1488, "0.000")
    assert (accounts["I2"].value, accounts["I2"].number_format) == (pytest.approx(148.8), "0.00")
    # A text that starts with '=' stays text: never a formula.
    assert (accounts["A4"].value, accounts["A4"].data_type) == ("=HYPERLINK(1)", "s")
    failures = book["failures"]
    assert [[c.value for c in row] for row in failures.iter_rows()] == [
        ["account_id", "error"],
        ["=HYPERLINK(1)", "no such readings file"],
    ]


def summary_values(sheet: Any) -> dict[str, Any]:
    """The summary's two-column rows (label → value), and each table's caption row."""
    found: dict[str, Any] = {}
    for row in sheet.iter_rows(values_only=True):
        if row[0] is not None:
            found.setdefault(str(row[0]), row[1:])
    return found


def test_the_summary_sheet_by_hand() -> None:
    result = summarize(outcomes(), "flat-a", "flat-b", "CNY", ["class"])
    sheet = load(portfolio_workbook(result, outcomes()))["summary"]
    values = summary_values(sheet)
    # 1488 + 2976 = 4464 kWh; 744.00 + 1488.00 = 2232.00 now; 892.80 + 1785.60 = 2678.40
    # proposed; +446.40 (+20.0 %); 2232.00 / 4464 = 0.5 and 2678.40 / 4464 = 0.6 CNY/kWh.
    assert values["current tariff"][0] == "flat-a"
    assert values["accounts priced"][0] == 2
    assert values["accounts failed"][0] == 1
    assert values["energy [kWh]"][0] == 4464
    assert values["current total [CNY]"][0] == 2232
    assert values["proposed total [CNY]"][0] == pytest.approx(2678.4)
    assert values["change [CNY]"][0] == pytest.approx(446.4)
    assert values["change [%]"][0] == 20
    assert values["proposed price [CNY/kWh]"][0] == pytest.approx(0.6)
    # By class: x is A-1, y is A-2 (the failed account is not in a group's totals).
    assert values["By class"] == (None,) * 8
    assert values["x"][:5] == (1, 1488, 744, pytest.approx(892.8), pytest.approx(148.8))
    assert values["y"][:5] == (1, 2976, 1488, pytest.approx(1785.6), pytest.approx(297.6))
    assert values["pay more"][0] == 2 and values["pay less"][0] == 0
    assert values["largest increase [CNY]"][0] == pytest.approx(297.6)
    # Nearest rank of [148.80, 297.60]: p50 → the first, p75 → the second.
    assert values["p50"][:2] == (pytest.approx(148.8), 20)
    assert values["p75"][:2] == (pytest.approx(297.6), 20)
    captions = [row[0].value for row in sheet.iter_rows() if row[0].value and row[0].font.bold]
    assert captions[:3] == ["Portfolio", "revenue", "By class"]
    # Every number of the summary shows at its places, exactly.
    for row in sheet.iter_rows():
        for cell in row:
            if cell.data_type == "n" and cell.value is not None:
                exact = Decimal(repr(cell.value))
                assert exact == exact.quantize(Decimal(1).scaleb(-places_of(cell.number_format)))


def test_the_comparison_workbook_is_the_csv_and_its_periods() -> None:
    whatif = compare_scenarios(
        tariffs(), readings(), [parse_scenario("shift:30%:peak->valley")], current="tou"
    )
    book = load(comparison_workbook(whatif))
    assert book.sheetnames == ["results", "periods"]
    assert_sheet_is_the_csv(book["results"], comparison_to_csv(whatif))
    periods = [[c.value for c in row] for row in book["periods"].iter_rows()]
    july, august, september = (dt.datetime(2025, m, 1) for m in (7, 8, 9))
    assert periods == [
        ["rank", "tariff", "period_start", "period_end", "energy_kwh", "energy.peak",
         "energy.valley", "total"],
        [1, "tou-cheap", july, august, 744, pytest.approx(223.2), pytest.approx(111.6),
         pytest.approx(334.8)],
        [1, "tou-cheap", august, september, 744, pytest.approx(223.2), pytest.approx(111.6),
         pytest.approx(334.8)],
        [2, "tou", july, august, 744, 372, pytest.approx(74.4), pytest.approx(446.4)],
        [2, "tou", august, september, 744, 372, pytest.approx(74.4), pytest.approx(446.4)],
    ]  # fmt: skip
    cell = book["periods"]["C2"]
    assert cell.is_date and cell.number_format == "yyyy-mm-dd"


def test_the_same_data_gives_the_same_bytes(monkeypatch: pytest.MonkeyPatch) -> None:
    whatif = compare_scenarios(tariffs(), readings(), [], current="tou")
    first = comparison_workbook(whatif)
    later = time.time() + 3 * 86400
    monkeypatch.setattr(time, "time", lambda: later)
    monkeypatch.setattr(time, "localtime", lambda *_: time.gmtime(later))
    again = comparison_workbook(whatif)
    assert again == first
    # The workbook is dated by its data (the end of the last bill), not by the clock.
    with zipfile.ZipFile(io.BytesIO(first)) as archive:
        core = archive.read("docProps/core.xml").decode()
        assert {info.date_time for info in archive.infolist()} == {(2025, 9, 1, 0, 0, 0)}
    assert core.count("2025-09-01T00:00:00Z") == 2
    result = summarize(outcomes(), "flat-a", "flat-b", "CNY", ["class"])
    assert portfolio_workbook(result, outcomes()) == portfolio_workbook(result, outcomes())


@given(
    digits=st.integers(min_value=-(10**MAX_DIGITS) + 1, max_value=10**MAX_DIGITS - 1),
    places=st.integers(min_value=0, max_value=6),
)
def test_every_amount_of_up_to_15_digits_comes_back_as_it_was(digits: int, places: int) -> None:
    amount = Decimal(digits).scaleb(-places)
    sheet = Sheet("s", (Table(("amount",), ((amount,),)),))
    cell = load(workbook_bytes([sheet]))["s"]["A2"]
    assert Decimal(repr(cell.value)) == amount
    assert f"{Decimal(repr(cell.value)):.{places_of(cell.number_format)}f}" == f"{amount:f}"


@pytest.mark.parametrize(
    ("amount", "digits"),
    [
        (Decimal("1234567890123.4567"), "17 significant digits"),
        (Decimal("0.1234567890123456"), "16 significant digits"),
        (Decimal("1000000000000000"), "16 digits before the point"),
    ],
)
def test_an_amount_excel_cannot_hold_is_refused(amount: Decimal, digits: str) -> None:
    sheet = Sheet("accounts", (Table(("id", "total"), (("A-1", Decimal(1)), ("A-2", amount))),))
    with pytest.raises(OutputError, match=rf"^accounts!B3: {amount:f} has {digits}, more than"):
        workbook_bytes([sheet])


def test_a_text_longer_than_a_cell_is_refused_not_cut() -> None:
    sheet = Sheet("failures", (Table(("error",), (("x" * 32_768,),)),))
    with pytest.raises(OutputError, match=r"^failures!A2: a text of 32768 characters, more than"):
        workbook_bytes([sheet])
    # 32767 characters fit whole.
    fits = Sheet("failures", (Table(("error",), (("x" * 32_767,),)),))
    assert load(workbook_bytes([fits]))["failures"]["A2"].value == "x" * 32_767


def test_an_integer_excel_cannot_hold_is_refused() -> None:
    sheet = Sheet("s", (Table(("bills",), ((10**15,),)),))
    with pytest.raises(OutputError, match=r"^s!A2: 1000000000000000 has more than 15 digits"):
        workbook_bytes([sheet])


def test_a_text_a_workbook_cannot_hold_is_refused() -> None:
    sheet = Sheet("failures", (Table(("error",), (("bad \x07 byte",),)),))
    with pytest.raises(OutputError, match=r"^failures!A2: 'bad \\x07 byte' cannot be written"):
        workbook_bytes([sheet])


def hide_openpyxl(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "openpyxl", None)


def test_without_openpyxl(monkeypatch: pytest.MonkeyPatch) -> None:
    hide_openpyxl(monkeypatch)
    with pytest.raises(OutputError, match=re.escape(MISSING)):
        require_openpyxl()
    with pytest.raises(OutputError, match=re.escape(MISSING)):
        workbook_bytes([])
    # Nothing else of the package needs it: the module itself imports without it.
    monkeypatch.delitem(sys.modules, "tariffs.io.render.xlsx")
    assert importlib.import_module("tariffs.io.render.xlsx").MAX_DIGITS == 15


# -- the commands ------------------------------------------------------------------------


@pytest.fixture
def files(tmp_path: Path) -> dict[str, Path]:
    tables = tmp_path / "tables"
    tables.mkdir()
    for tariff_id, unit_price in (("flat-a", "0.5"), ("flat-b", "0.6")):
        (tables / f"{tariff_id}.yaml").write_text(
            flat_yaml(tariff_id, unit_price), encoding="utf-8"
        )
    rows = ["start,kwh"]
    moment = dt.datetime(2025, 7, 1)
    while moment.month < 9:
        rows.append(f"{moment:%Y-%m-%dT%H:%M},1")
        moment += dt.timedelta(hours=1)
    text = "\n".join(rows) + "\n"
    directory = tmp_path / "readings"
    directory.mkdir()
    (directory / "A-1.csv").write_text(text, encoding="utf-8")
    (directory / "A-2.csv").write_text(text.replace(",1\n", ",2\n"), encoding="utf-8")
    accounts = tmp_path / "accounts.csv"
    accounts.write_text("account_id,class\nA-1,x\nA-2,y\nA-3,y\n", encoding="utf-8")
    # A batch's accounts file has account fields only, no grouping columns.
    batch = tmp_path / "batch.csv"
    batch.write_text("account_id\nA-1\nA-2\nA-3\n", encoding="utf-8")
    readings_file = directory / "A-1.csv"
    return {
        "tables": tables, "accounts": accounts, "dir": directory, "readings": readings_file,
        "batch": batch,
    }  # fmt: skip


def portfolio_argv(files: dict[str, Path], *options: object) -> list[str]:
    return [str(a) for a in (
        "portfolio", "--accounts", files["accounts"], "--readings-dir", files["dir"],
        "--tables", files["tables"], "--current", "flat-a", "--proposed", "flat-b",
        "--workers", "1", *options,
    )]  # fmt: skip


def compare_argv(files: dict[str, Path], *options: object) -> list[str]:
    return [str(a) for a in (
        "compare", files["readings"], "--tables", files["tables"], "--current", "flat-a",
        *options,
    )]  # fmt: skip


def test_portfolio_writes_a_workbook(
    capsys: pytest.CaptureFixture[str], files: dict[str, Path], tmp_path: Path
) -> None:
    target = tmp_path / "portfolio.xlsx"
    code = main(portfolio_argv(files, "--format", "xlsx", "--output", target))
    captured = capsys.readouterr()
    # A-3 has no readings file: it fails, is listed, and the others are written.
    assert code == 1 and captured.out == ""
    assert "account A-3 failed" in captured.err
    main(portfolio_argv(files, "--format", "csv"))
    text = capsys.readouterr().out
    book = load(target.read_bytes())
    assert book.sheetnames == ["summary", "accounts", "failures"]
    assert_sheet_is_the_csv(book["accounts"], text)
    # 1488 kWh × 0.5 = 744.00 now, × 0.6 = 892.80 proposed (see the module).
    assert [c.value for c in book["accounts"][2]][:9] == [
        "A-1", "x", "ok", "flat-a", "flat-b", 1488, 744, pytest.approx(892.8),
        pytest.approx(148.8),
    ]  # fmt: skip
    first = target.read_bytes()
    main(portfolio_argv(files, "--format", "xlsx", "--output", target))
    capsys.readouterr()
    assert target.read_bytes() == first


def test_compare_writes_a_workbook(
    capsys: pytest.CaptureFixture[str], files: dict[str, Path], tmp_path: Path
) -> None:
    target = tmp_path / "compare.xlsx"
    assert main(compare_argv(files, "--format", "xlsx", "--output", target)) == 0
    assert capsys.readouterr().out == ""
    main(compare_argv(files, "--format", "csv"))
    book = load(target.read_bytes())
    assert_sheet_is_the_csv(book["results"], capsys.readouterr().out)
    # flat-a: 744 kWh × 0.5 = 372.00 each month.
    assert [c.value for c in book["periods"][2]][1:] == [
        "flat-a", dt.datetime(2025, 7, 1), dt.datetime(2025, 8, 1), 744, 372, 372,
    ]  # fmt: skip
    first = target.read_bytes()
    assert main(compare_argv(files, "--format", "xlsx", "--output", target)) == 0
    assert target.read_bytes() == first


def test_compare_writes_a_grid_workbook_and_its_month_chart(
    capsys: pytest.CaptureFixture[str], files: dict[str, Path], tmp_path: Path
) -> None:
    target, chart = tmp_path / "grid.xlsx", tmp_path / "months.png"
    grid = ("--grid", "scale:0.9,1.0,1.2")
    code = main(compare_argv(files, *grid, "--format", "xlsx", "--output", target,
                             "--plot-months", chart))  # fmt: skip
    assert code == 0
    assert capsys.readouterr().out == ""
    assert main(compare_argv(files, *grid, "--format", "csv")) == 0
    text = capsys.readouterr().out
    book = load(target.read_bytes())
    assert book.sheetnames == ["grid"]
    assert_sheet_is_the_csv(book["grid"], text)
    rows = list(book["grid"].iter_rows(values_only=True))
    header = rows[0]
    totals = {(r[header.index("scale")], r[header.index("tariff")]): r[header.index("total")]
              for r in rows[1:]}  # fmt: skip
    # July and August: 1488 kWh × 1.2 = 1785.6 kWh; flat-a × 0.5 = 892.80, flat-b × 0.6 = 1071.36.
    assert totals[(1.2, "flat-a")] == 892.8 and totals[(1.2, "flat-b")] == 1071.36
    assert chart.read_bytes().startswith(b"\x89PNG")


def batch_argv(files: dict[str, Path], *options: object) -> list[str]:
    return [str(a) for a in (
        "batch", "--accounts", files["batch"], "--readings-dir", files["dir"],
        "--tables", files["tables"], "--tariff", "flat-a", "--workers", "1", *options,
    )]  # fmt: skip


def test_batch_writes_a_workbook(
    capsys: pytest.CaptureFixture[str], files: dict[str, Path], tmp_path: Path
) -> None:
    target = tmp_path / "bills.xlsx"
    code = main(batch_argv(files, "--format", "xlsx", "--output", target))
    captured = capsys.readouterr()
    # A-3 has no readings file: listed on stderr, as with CSV; the others are written.
    assert (code, captured.out) == (1, "")
    assert "account A-3 failed" in captured.err
    main(batch_argv(files))
    text = capsys.readouterr().out
    book = load(target.read_bytes())
    assert book.sheetnames == ["bills"]
    assert_sheet_is_the_csv(book["bills"], text, {"energy_kwh", "total"})
    # A-2 in August: 2 kWh × 744 hours = 1488 kWh × 0.5 = 744.00 CNY.
    assert [c.value for c in book["bills"][5]][:7] == [
        "A-2", "flat-a", "CNY", dt.datetime(2025, 8, 1), dt.datetime(2025, 9, 1), 1488, 744,
    ]  # fmt: skip
    first = target.read_bytes()
    main(batch_argv(files, "--format", "xlsx", "--output", target))
    capsys.readouterr()
    assert target.read_bytes() == first


def test_batch_resume_does_not_read_a_workbook(
    capsys: pytest.CaptureFixture[str], files: dict[str, Path], tmp_path: Path
) -> None:
    target = tmp_path / "bills.xlsx"
    code = main(batch_argv(files, "--format", "xlsx", "--output", target, "--resume"))
    captured = capsys.readouterr()
    assert (code, captured.out) == (2, "")
    assert "--resume reads back --format csv or jsonl output, not a workbook" in captured.err
    assert not target.exists()


@pytest.mark.parametrize("argv", [portfolio_argv, compare_argv, batch_argv])
@pytest.mark.parametrize(
    ("options", "message"),
    [
        ((), "--format xlsx writes a binary workbook, which is not written to stdout; "
             "give --output FILE.xlsx"),
        (("--output", "out.csv"), "--format xlsx: --output out.csv must end in .xlsx"),
    ],
)  # fmt: skip
def test_a_workbook_needs_an_xlsx_output(
    capsys: pytest.CaptureFixture[str],
    files: dict[str, Path],
    argv: Any,
    options: tuple[str, ...],
    message: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.chdir(tmp_path)
    code = main(argv(files, "--format", "xlsx", *options))
    captured = capsys.readouterr()
    assert (code, captured.out) == (2, "")
    assert message in captured.err
    assert not (tmp_path / "out.csv").exists()


def test_portfolio_resume_does_not_read_a_workbook(
    capsys: pytest.CaptureFixture[str], files: dict[str, Path], tmp_path: Path
) -> None:
    target = tmp_path / "p.xlsx"
    code = main(portfolio_argv(files, "--format", "xlsx", "--output", target, "--resume"))
    captured = capsys.readouterr()
    assert code == 2
    assert "--resume reads back --format csv or json output" in captured.err
    assert not target.exists()


@pytest.mark.parametrize("argv", [portfolio_argv, compare_argv, batch_argv])
def test_a_workbook_without_openpyxl(
    capsys: pytest.CaptureFixture[str],
    files: dict[str, Path],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    argv: Any,
) -> None:
    hide_openpyxl(monkeypatch)
    target = tmp_path / "out.xlsx"
    code = main(argv(files, "--format", "xlsx", "--output", target))
    captured = capsys.readouterr()
    assert (code, captured.out) == (1, "")
    assert captured.err == f"tariffs: error: {MISSING}\n"
    assert not target.exists()


def test_the_finance_example(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """examples/finance/README.md: its commands, and the numbers it shows.

    S-1 reads 4 kWh an hour 09:00-21:00 and 1 kWh the other hours, × 1.3 in July: 12 × 5.2
    + 12 × 1.3 = 78 kWh a day, 31 × 78 = 2418 kWh in July, × 0.6500 = 1571.70 CNY; August
    (× 1.2) 31 × 72 = 2232 kWh, 1450.80; September 30 × 60 = 1800 kWh, 1170.00; in all
    6450 kWh, 4192.50.
    """
    root = Path(__file__).resolve().parents[2]
    monkeypatch.chdir(root)
    example = "examples/finance"
    compare = tmp_path / "compare.xlsx"
    code = main([
        "compare", f"{example}/readings/S-1.csv", "--tables", "examples/portfolio/tariffs",
        "--tariff", "commercial-flat", "--tariff", "cn-gd-commercial-tou",
        "--current", "commercial-flat", "--format", "xlsx", "--output", str(compare),
        "--plot-months", str(tmp_path / "compare-months.png"),
    ])  # fmt: skip
    assert (code, capsys.readouterr().err) == (0, "")
    periods = [[c.value for c in row] for row in load(compare.read_bytes())["periods"].iter_rows()]
    header = periods[0]
    flat = [dict(zip(header, row, strict=True)) for row in periods[1:4]]
    assert [(r["energy_kwh"], r["energy"], r["total"]) for r in flat] == [
        (2418, pytest.approx(1571.7), pytest.approx(1571.7)),
        (2232, pytest.approx(1450.8), pytest.approx(1450.8)),
        (1800, 1170, 1170),
    ]
    for row in periods[4:]:
        values = dict(zip(header, row, strict=True))
        parts = [Decimal(repr(values[name])) for name in header[5:-1] if values[name] is not None]
        assert sum(parts) == Decimal(repr(values["total"]))
    portfolio = tmp_path / "portfolio.xlsx"
    code = main([
        "portfolio", "--accounts", f"{example}/accounts.csv", "--readings-dir",
        f"{example}/readings", "--tables", "examples/portfolio/tariffs",
        "--current", "commercial-flat", "--proposed", "cn-gd-commercial-tou",
        "--workers", "1", "--format", "xlsx", "--output", str(portfolio),
        "--plot-months", str(tmp_path / "portfolio-months.png"),
    ])  # fmt: skip
    assert (code, capsys.readouterr().err) == (0, "")
    book = load(portfolio.read_bytes())
    assert book.sheetnames == ["summary", "accounts"]
    accounts = {row[0]: row for row in book["accounts"].iter_rows(min_row=2, values_only=True)}
    assert accounts["S-1"][5:7] == (6450, pytest.approx(4192.5))
    readme = (root / example / "README.md").read_text(encoding="utf-8")
    for shown in ("2418 kWh × 0.6500 =\n  1571.70", "commercial-flat\n  4192.50 CNY for 6450 kWh"):
        assert shown in readme


def test_a_detailed_portfolio_workbook(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """examples/portfolio with its migration and bands: the same rows as its CSV."""
    monkeypatch.chdir(Path(__file__).resolve().parents[2])
    argv = [
        "portfolio", "--accounts", "examples/portfolio/accounts.csv",
        "--readings-dir", "examples/portfolio/readings", "--tables", "examples/portfolio/tariffs",
        "--current", "cn-sh-residential", "--migrate", "examples/portfolio/migration.csv",
        "--bands", "0,300,1000", "--bands-per", "month", "--change-bands=-10,0,10",
        "--workers", "1",
    ]  # fmt: skip
    target = tmp_path / "detailed.xlsx"
    assert main([*argv, "--format", "xlsx", "--output", str(target)]) == 0
    capsys.readouterr()
    assert main([*argv, "--format", "csv"]) == 0
    text = capsys.readouterr().out
    book = load(target.read_bytes())
    assert_sheet_is_the_csv(book["accounts"], text)
    values = summary_values(book["summary"])
    # F-1 (agricultural) has no proposed tariff: not migrated, and not priced.
    assert values["accounts not migrated"][0] == 1
    for caption in ("By usage band", "By change band", "Bill impact by class"):
        assert caption in values


def test_openpyxl_is_imported_only_for_a_workbook(files: dict[str, Path]) -> None:
    script = (
        "import sys\n"
        "from tariffs.cli import main\n"
        f"main({compare_argv(files, '--format', 'csv')!r})\n"
        "print('openpyxl' in sys.modules, file=sys.stderr)\n"
    )
    done = subprocess.run(  # noqa: S603 - the interpreter running the tests
        [sys.executable, "-c", script], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    assert done.stderr.splitlines()[-1] == "False"


def test_a_sheet_longer_than_excel_allows_is_refused_by_name(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setitem(workbook_bytes.__globals__, "MAX_ROWS", 4)
    # A caption, a header and two rows fill 4 rows; a third row is one too many.
    fits = Table(("a",), ((Decimal(1),), (Decimal(2),)), caption="c")
    assert load(workbook_bytes([Sheet("s", (fits,))]))["s"].max_row == 4
    over = Table(("a",), ((Decimal(1),), (Decimal(2),), (Decimal(3),)), caption="c")
    with pytest.raises(OutputError, match="sheet s would have 5 rows and an Excel sheet holds 4"):
        workbook_bytes([Sheet("s", (over,))])
    # Two tables: a blank row between them counts too (2 + 1 + 2 = 5).
    with pytest.raises(OutputError, match="would have 5 rows"):
        workbook_bytes([Sheet("s", (Table(("a",), ((1,),)), Table(("b",), ((2,),))))])
