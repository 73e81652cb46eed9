"""Excel workbooks of portfolios and comparisons (``--format xlsx``), as xlsx bytes.

Workbooks are optional: they need openpyxl (``pip install 'tariffs[xlsx]'``), which is
imported only when a workbook is written; nothing else in the package needs it.

What a cell holds:

- A number is a number cell, which Excel keeps as a binary double. An amount is written
  only when the double gives it back: it has at most 15 significant digits (what Excel
  shows of a number) and the shortest decimal of the double is the amount itself. Each
  number cell's format shows the places of its amount (``0.00`` for 12.50, ``0`` for a
  count), so that the cell shows what the CSV writes. An amount of more digits is refused
  (`OutputError` naming the sheet and cell): written as text it would drop out of
  Excel's sums unseen, and written as a double it would be rounded.
- A date is a date cell (``yyyy-mm-dd``).
- Text is text: a leading ``=`` never makes a formula.

Header rows are bold, the header of a sheet of rows stays in view (frozen pane), and each
column is as wide as its longest cell (within limits).

The same workbook gives the same bytes: its created and modified times are given by the
caller (from the data, never the clock) and every member of the zip file carries that
time too.
"""

from __future__ import annotations

import csv
import datetime as dt
import importlib
import io
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from tariffs.errors import OutputError
from tariffs.io.render.text import decimal_text

if TYPE_CHECKING:
    from tariffs.whatif.compare import Comparison, WhatIf
    from tariffs.whatif.portfolio import AccountOutcome, PortfolioResult
    from tariffs.whatif.response import ResponseSummary

__all__ = [
    "MAX_DIGITS",
    "MAX_ROWS",
    "Sheet",
    "Table",
    "batch_workbook",
    "comparison_workbook",
    "portfolio_workbook",
    "require_openpyxl",
    "typed_csv",
    "workbook_bytes",
]

#: The significant digits of a number that a double and Excel's display keep exactly.
MAX_DIGITS = 15

#: The rows of an Excel sheet, its header row included.
MAX_ROWS = 1_048_576

#: The time of a workbook whose data carries no date (the start of the zip format's time).
NO_DATE = dt.datetime(1980, 1, 1)

_INSTALL_HINT = "install the xlsx extra: python -m pip install 'tariffs[xlsx]'"

#: The characters of an Excel cell's text (openpyxl would cut a longer one).
_MAX_TEXT = 32_767

#: Column widths [characters]: at least, at most.
_WIDTHS = (8, 60)

Value = str | int | Decimal | dt.date | None


@dataclass(frozen=True, slots=True)
class Table:
    """Rows under one header row, with an optional bold caption above them.

    Attributes:
        header: The column names.
        rows: The rows, each as long as the header or shorter.
        caption: A line above the header (``By class``), or None.
    """

    header: tuple[str, ...]
    rows: tuple[tuple[Value, ...], ...]
    caption: str | None = None


@dataclass(frozen=True, slots=True)
class Sheet:
    """One sheet: its tables, one under the other with a blank row between.

    The first row stays in view: the header of a sheet of one table without a caption
    (a sheet of rows), else the caption of the first table.
    """

    name: str
    tables: tuple[Table, ...]


def require_openpyxl() -> None:
    """Check that openpyxl can be imported.

    Raises:
        OutputError: It cannot, with how to install it.
    """
    _openpyxl()


def _openpyxl() -> Any:
    try:
        return importlib.import_module("openpyxl")
    except ImportError:
        raise OutputError(
            f"xlsx workbooks need openpyxl, which is not installed; {_INSTALL_HINT}"
        ) from None


def _column_letter(index: int) -> str:
    """The letters of a 1-based column index.

    >>> _column_letter(1), _column_letter(28)
    ('A', 'AB')
    """
    letters = ""
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def _number(value: Decimal | int, where: str) -> tuple[int | float, str]:
    """The cell value of an exact number and its number format, or a refusal."""
    if isinstance(value, int):
        if abs(value) >= 10**MAX_DIGITS:
            raise OutputError(
                f"{where}: {value} has more than {MAX_DIGITS} digits, more than an Excel "
                "number holds exactly; use --format csv or json"
            )
        return value, "0"
    if not value.is_finite():
        raise OutputError(f"{where}: {value} is not a number an Excel cell can hold")
    normal = value.normalize()
    digits = len(normal.as_tuple().digits)
    places = max(0, -int(value.as_tuple().exponent))
    fits = digits <= MAX_DIGITS and normal.adjusted() < MAX_DIGITS
    double = float(value)
    if normal.adjusted() >= MAX_DIGITS:
        raise OutputError(
            f"{where}: {decimal_text(value)} has {normal.adjusted() + 1} digits before the "
            f"point, more than the {MAX_DIGITS} an Excel number holds exactly; use --format "
            "csv or json"
        )
    if not fits or Decimal(repr(double)) != value:
        raise OutputError(
            f"{where}: {decimal_text(value)} has {digits} significant digits, more than the "
            f"{MAX_DIGITS} an Excel number holds exactly; use --format csv or json"
        )
    number_format = "0" if places == 0 else "0." + "0" * places
    if places == 0:
        return int(value), number_format
    return double, number_format


def _text_width(value: Value, shown: str | None = None) -> int:
    if shown is not None:
        return len(shown)
    if value is None:
        return 0
    if isinstance(value, dt.date):
        return 10
    return max((len(part) for part in str(value).split("\n")), default=0)


def workbook_bytes(sheets: Sequence[Sheet], *, stamp: dt.datetime = NO_DATE) -> bytes:
    """Write sheets into an xlsx workbook.

    Args:
        sheets: The sheets, in order (names up to 31 characters, as Excel allows).
        stamp: The workbook's created and modified time, and that of its zip members:
            a time of the data (the last day priced, say), so that the same data gives
            the same bytes.

    Raises:
        OutputError: openpyxl is not installed; a sheet has more rows than Excel's; an
            amount has more digits than an Excel number holds exactly, or a text holds
            characters a workbook cannot (each named by sheet and cell).
    """
    openpyxl = _openpyxl()
    styles = importlib.import_module("openpyxl.styles")
    bold = styles.Font(bold=True)
    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    for sheet in sheets:
        rows = sum(
            (table.caption is not None) + 1 + len(table.rows) for table in sheet.tables
        ) + max(0, len(sheet.tables) - 1)
        if rows > MAX_ROWS:
            raise OutputError(
                f"sheet {sheet.name} would have {rows} rows and an Excel sheet holds "
                f"{MAX_ROWS}; use --format csv or json"
            )
        worksheet = workbook.create_sheet(sheet.name[:31])
        widths: dict[int, int] = {}
        row_number = 0
        for index, table in enumerate(sheet.tables):
            if index:
                row_number += 1
            if table.caption is not None:
                row_number += 1
                cell = _put(worksheet, row_number, 1, table.caption, sheet.name)
                cell.font = bold
            row_number += 1
            for column, name in enumerate(table.header, start=1):
                cell = _put(worksheet, row_number, column, name, sheet.name)
                cell.font = bold
                widths[column] = max(widths.get(column, 0), len(name))
            for row in table.rows:
                row_number += 1
                for column, value in enumerate(row, start=1):
                    shown = _put_value(worksheet, row_number, column, value, sheet.name)
                    widths[column] = max(widths.get(column, 0), _text_width(value, shown))
        if sheet.tables:
            worksheet.freeze_panes = "A2"
        for column, width in widths.items():
            low, high = _WIDTHS
            worksheet.column_dimensions[_column_letter(column)].width = min(
                high, max(low, width + 2)
            )
    workbook.properties.creator = "tariffs"
    workbook.properties.created = stamp
    workbook.properties.modified = stamp
    return _fixed_zip(_save(workbook), stamp)


def _stamp(days: Sequence[dt.date]) -> dt.datetime:
    """A workbook's time from its data: midnight of its last day (`NO_DATE` without one)."""
    return dt.datetime.combine(max(days), dt.time()) if days else NO_DATE


def _put(worksheet: Any, row: int, column: int, text: str, sheet: str) -> Any:
    """A text cell (never a formula)."""
    if len(text) > _MAX_TEXT:
        raise OutputError(
            f"{sheet}!{_column_letter(column)}{row}: a text of {len(text)} characters, more "
            f"than the {_MAX_TEXT} an Excel cell holds; use --format csv or json"
        )
    illegal = importlib.import_module("openpyxl.utils.exceptions").IllegalCharacterError
    try:
        cell = worksheet.cell(row=row, column=column, value=text)
    except illegal:
        raise OutputError(
            f"{sheet}!{_column_letter(column)}{row}: {text!r} cannot be written in a "
            "workbook: it holds a control character that Excel does not allow"
        ) from None
    cell.data_type = "s"
    return cell


def _put_value(worksheet: Any, row: int, column: int, value: Value, sheet: str) -> str | None:
    """Write one value; what a number cell shows (for the column width), else None."""
    if value is None:
        return None
    if isinstance(value, str):
        _put(worksheet, row, column, value, sheet)
        return None
    if isinstance(value, dt.date):
        cell = worksheet.cell(row=row, column=column, value=value)
        cell.number_format = "yyyy-mm-dd"
        return None
    where = f"{sheet}!{_column_letter(column)}{row}"
    number, number_format = _number(value, where)
    cell = worksheet.cell(row=row, column=column, value=number)
    cell.number_format = number_format
    return decimal_text(value) if isinstance(value, Decimal) else str(value)


def _save(workbook: Any) -> bytes:
    """The workbook's xlsx bytes, with the properties as set (openpyxl's save resets them)."""
    writer_module = importlib.import_module("openpyxl.writer.excel")
    buffer = io.BytesIO()
    archive = zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, allowZip64=True)
    writer_module.ExcelWriter(workbook, archive).save()
    return buffer.getvalue()


def _fixed_zip(data: bytes, stamp: dt.datetime) -> bytes:
    """The same zip members, in the same order, each dated ``stamp`` (not the clock)."""
    stamp = max(stamp, NO_DATE)
    when = (stamp.year, stamp.month, stamp.day, stamp.hour, stamp.minute, stamp.second // 2 * 2)
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            member = zipfile.ZipInfo(info.filename, date_time=when)
            member.compress_type = zipfile.ZIP_DEFLATED
            member.external_attr = info.external_attr
            target.writestr(member, source.read(info))
    return out.getvalue()


# -- tables from the CSV outputs ---------------------------------------------------------


def typed_csv(
    text: str, numeric: Callable[[str], bool], dates: Callable[[str], bool] = lambda _: False
) -> Table:
    """A CSV output (header and rows) as a table: its numeric columns' cells as Decimals.

    Args:
        text: What a ``--format csv`` renderer wrote.
        numeric: Whether a column (by name) holds numbers; its empty cells stay empty.
        dates: Whether a column (by name) holds dates ``YYYY-MM-DD``.
    """
    rows = list(csv.reader(io.StringIO(text)))
    header = tuple(rows[0]) if rows else ()
    kinds = ["n" if numeric(name) else "d" if dates(name) else "s" for name in header]
    typed = tuple(tuple(_typed(cell, kinds[i]) for i, cell in enumerate(row)) for row in rows[1:])
    return Table(header, typed)


def _typed(cell: str, kind: str) -> Value:
    if not cell:
        return None
    if kind == "n":
        return Decimal(cell)
    if kind == "d":
        return dt.date.fromisoformat(cell)
    return cell


# -- portfolio ---------------------------------------------------------------------------

#: The numeric columns of ``tariffs portfolio --format csv``.
_PORTFOLIO_NUMBERS = frozenset(
    {
        "energy_kwh", "current_total", "proposed_total", "change", "change_percent", "bills",
        "responded_energy_kwh", "responded_proposed_total", "responded_change",
    }
)  # fmt: skip


def portfolio_workbook(
    result: PortfolioResult, outcomes: Sequence[AccountOutcome] | None = None
) -> bytes:
    """The portfolio as a workbook: sheets ``summary``, ``accounts`` and ``failures``.

    ``summary`` holds the revenue in total, a table per grouping column (and band), the
    bill impact per group of a detailed portfolio, and the distribution of bill changes;
    ``accounts`` is the CSV of ``--format csv`` (`portfolio_to_csv`), one row per account
    with its numbers as number cells; ``failures`` (only when some failed) lists each
    failed account with its error.

    Raises:
        OutputError: openpyxl is not installed, or a number does not fit an Excel cell.
    """
    from tariffs.io.render.portfolio import portfolio_to_csv

    accounts = typed_csv(portfolio_to_csv(result, outcomes), _PORTFOLIO_NUMBERS.__contains__)
    sheets = [
        Sheet("summary", _portfolio_summary(result)),
        Sheet("accounts", (accounts,)),
    ]
    if result.failed:
        failures = tuple((o.account_id, o.error or "") for o in result.failed)
        sheets.append(Sheet("failures", (Table(("account_id", "error"), failures),)))
    months = [month for outcome in result.accounts for month, _, _ in outcome.months]
    stamp = _stamp(months)
    return workbook_bytes(sheets, stamp=stamp)


def _portfolio_summary(result: PortfolioResult) -> tuple[Table, ...]:
    from tariffs.whatif.portfolio import IMPACT_POINTS

    currency = result.currency
    revenue: list[tuple[Value, ...]] = [
        ("current tariff", result.current),
        ("proposed tariff", result.proposed),
        ("currency", currency),
        ("accounts priced", len(result.accounts)),
        ("accounts failed", len(result.failed)),
    ]
    if result.detailed:
        revenue.append(("accounts not migrated", len(result.not_migrated)))
    revenue += [
        ("energy [kWh]", result.energy_kwh),
        (f"current total [{currency}]", result.current_total),
        (f"proposed total [{currency}]", result.proposed_total),
        (f"change [{currency}]", result.change),
        ("change [%]", result.change_percent),
        (f"current price [{currency}/kWh]", result.current_price_per_kwh),
        (f"proposed price [{currency}/kWh]", result.proposed_price_per_kwh),
    ]
    tables = [Table(("revenue", "value"), tuple(revenue), caption="Portfolio")]
    for column in result.summary_columns:
        rows = tuple(
            (
                group.value,
                group.accounts,
                group.energy_kwh,
                group.current_total,
                group.proposed_total,
                group.change,
                group.change_percent,
                group.current_price_per_kwh,
                group.proposed_price_per_kwh,
            )
            for group in result.groups
            if group.column == column
        )
        header = (
            column, "accounts", "energy_kwh", "current_total", "proposed_total", "change",
            "change_percent", "current_price_per_kwh", "proposed_price_per_kwh",
        )  # fmt: skip
        tables.append(Table(header, rows, caption=f"By {column}"))
    if result.detailed:
        names = [name for _, name in IMPACT_POINTS]
        bands = list(result.change_bands.labels) if result.change_bands is not None else []
        for column in result.summary_columns:
            impact_rows = tuple(
                (
                    group.value,
                    *(group.impact.change.get(n) for n in names),
                    *(group.impact.change_percent.get(n) for n in names),
                    *(group.impact.change_bands.get(b, 0) for b in bands),
                )
                for group in result.groups
                if group.column == column and group.impact is not None
            )
            impact_header = (
                column,
                *(f"change {n} [{currency}]" for n in names),
                *(f"change {n} [%]" for n in names),
                *bands,
            )
            tables.append(Table(impact_header, impact_rows, caption=f"Bill impact by {column}"))
    if result.response is not None:
        tables.append(_response_table(result.response))
    distribution = result.distribution
    tables.append(
        Table(
            ("bill changes", "accounts"),
            (
                ("pay more", distribution.pay_more),
                ("pay less", distribution.pay_less),
                ("unchanged", distribution.unchanged),
            ),
            caption="Distribution of bill changes",
        )
    )
    extremes = (
        (f"largest increase [{currency}]", distribution.largest_increase),
        (f"largest decrease [{currency}]", distribution.largest_decrease),
    )
    tables.append(Table(("extreme", "change"), extremes))
    tables.append(
        Table(
            ("percentile", f"change [{currency}]", "change [%]"),
            tuple(
                (f"p{p}", value, distribution.change_percent_percentiles.get(p))
                for p, value in distribution.change_percentiles.items()
            ),
        )
    )
    return tuple(tables)


def _response_table(response: ResponseSummary) -> Table:
    """The revenue with the price response beside the static one, in total and per group."""
    header = (
        "group", "value", "energy_kwh", "responded_kwh", "current_total", "proposed_total",
        "responded_total", "change", "change_percent",
    )  # fmt: skip
    rows = tuple(
        (
            group.column or "portfolio",
            group.value,
            group.energy_kwh,
            group.responded_kwh,
            group.current_total,
            group.proposed_total,
            group.responded_total,
            group.change,
            group.change_percent,
        )
        for group in (response.total, *response.groups)
    )
    caption = (
        f"Price response ({response.elasticity.form}): {response.rule}; "
        "change is with response, against the current total"
    )
    return Table(header, rows, caption=caption)


# -- comparison --------------------------------------------------------------------------


def _comparison_number(name: str) -> bool:
    return name in {
        "rank", "total", "energy_kwh", "average_price_per_kwh", "savings",
        "savings_percent", "change_from_base",
    } or name.startswith(("kind:", "period:"))  # fmt: skip


def comparison_workbook(
    comparison: Comparison | WhatIf, break_evens: Sequence[Any] = (), lang: str = "en"
) -> bytes:
    """The comparison as a workbook: sheets ``results`` and ``periods``.

    ``results`` is the CSV of ``--format csv`` (`comparison_to_csv`), one row per
    scenario and tariff, ranked, with its numbers as number cells; ``periods`` has one
    row per tariff and billing period of the base case: its dates, kWh, the cost of each
    segment (`tariffs.whatif.months`: energy per time-of-use period, then each other
    line kind) and the bill's total, which the segments add up to.

    Raises:
        OutputError: openpyxl is not installed, or a number does not fit an Excel cell.
    """
    from tariffs.io.render.comparison import comparison_to_csv
    from tariffs.whatif.compare import WhatIf
    from tariffs.whatif.months import bill_segments, segment_names

    results = typed_csv(comparison_to_csv(comparison, break_evens, lang), _comparison_number)
    base = comparison.base if isinstance(comparison, WhatIf) else comparison
    bills = [bill for cost in base.results for bill in cost.bills]
    segments = segment_names(bills)
    rows: list[tuple[Value, ...]] = []
    for rank, cost in enumerate(base.results, start=1):
        for bill in cost.bills:
            split = bill_segments(bill)
            rows.append(
                (
                    rank,
                    cost.tariff,
                    bill.period_start,
                    bill.period_end,
                    bill.energy_kwh,
                    *(split.get(name) for name in segments),
                    bill.total,
                )
            )
    header = ("rank", "tariff", "period_start", "period_end", "energy_kwh", *segments, "total")
    periods = Table(header, tuple(rows))
    ends = [bill.period_end for bill in bills]
    stamp = _stamp(ends)
    return workbook_bytes([Sheet("results", (results,)), Sheet("periods", (periods,))], stamp=stamp)


# -- sensitivity grids -------------------------------------------------------------------


def grid_workbook(grid: Any) -> bytes:
    """A sensitivity grid (`tariffs.whatif.sensitivity`) as a workbook: one sheet ``grid``.

    The rows of ``--format csv`` (`grid_to_csv`): one per cell and tariff, the axes'
    values, totals, kWh and savings as number cells; the break-even marks are in the
    table and the JSON, as in the CSV.

    Raises:
        OutputError: openpyxl is not installed, or a number does not fit an Excel cell.
    """
    from tariffs.io.render.sensitivity import grid_to_csv

    axes = {axis.name for axis in grid.axes}
    numbers = axes | {
        "rank", "total", "energy_kwh", "average_price_per_kwh", "savings", "savings_percent",
    }  # fmt: skip
    table = typed_csv(grid_to_csv(grid), numbers.__contains__)
    ends = [bill.period_end for cost in grid.base.results for bill in cost.bills]
    stamp = _stamp(ends)
    return workbook_bytes([Sheet("grid", (table,))], stamp=stamp)


# -- batch -------------------------------------------------------------------------------


def batch_workbook(text: str) -> bytes:
    """The bills of ``tariffs batch --format csv`` as a workbook: one sheet ``bills``.

    One row per bill, the CSV's columns; kWh and totals are number cells, the period's
    dates date cells.

    Args:
        text: The CSV a batch writes (its header, then a row per bill).

    Raises:
        OutputError: openpyxl is not installed; there are more bills than a sheet has
            rows; or a number does not fit an Excel cell.
    """
    bills = typed_csv(
        text, {"energy_kwh", "total"}.__contains__, {"period_start", "period_end"}.__contains__
    )
    ends: list[dt.date] = []
    if "period_end" in bills.header:
        end = bills.header.index("period_end")
        for row in bills.rows:
            value = row[end] if end < len(row) else None
            if isinstance(value, dt.date):
                ends.append(value)
    stamp = _stamp(ends)
    return workbook_bytes([Sheet("bills", (bills,))], stamp=stamp)
