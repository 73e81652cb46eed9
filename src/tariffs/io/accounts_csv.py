"""Accounts CSV files, and the readings file of each account in a readings directory.

An accounts CSV has an ``account_id`` column and any of the account fields
(`ACCOUNT_COLUMNS`: ``capacity_kva``, ``contract_demand_kw``, ...). Empty cells leave a
field out; ``critical_peak_days`` are dates separated by ``;``. Two commands read one:

- ``tariffs batch`` (`iter_accounts_csv`): the file is streamed row by row, and its only
  other column is ``tariff`` (`ACCOUNTS_CSV_COLUMNS`);
- ``tariffs portfolio`` (`read_accounts_csv`, `parse_accounts_csv`): every other column is
  a grouping column (customer class, voltage, region, ...).

Both read the file with one reader, so both refuse the same things at the same place: a
file without ``account_id``, a column twice, a row of the wrong length, an empty id or an
id twice stop the reading (`AccountError`, ``file:line[:column]``); a row whose fields are
not valid is kept with its message (`account_from_cells`), to be reported as a failed
account while the others are priced.

A readings directory holds one readings CSV per account, ``<directory>/<account_id>.csv``
(`readings_file`, `read_readings_file`).
"""

from __future__ import annotations

import csv
import io
import os
from array import array
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any, TextIO

from pydantic import ValidationError

from tariffs.errors import AccountError, InputError, ReadingsError
from tariffs.io.readings.csv_reader import read_readings_csv
from tariffs.model.account import Account
from tariffs.model.common import unprintable_in_id
from tariffs.model.readings import Readings

__all__ = [
    "ACCOUNTS_CSV_COLUMNS",
    "ACCOUNT_COLUMNS",
    "AccountRow",
    "PortfolioAccount",
    "account_from_cells",
    "account_row",
    "accounts_csv_header",
    "check_accounts_csv",
    "count_accounts_csv_rows",
    "iter_account_cells",
    "iter_accounts_csv",
    "parse_accounts_csv",
    "read_accounts_csv",
    "read_readings_file",
    "readings_file",
    "require_readings_dir",
]

#: Account fields an accounts CSV may carry as columns (other columns group accounts).
ACCOUNT_COLUMNS = (
    "account_id", "capacity_kva", "contract_demand_kw", "basic_charge_method",
    "service_start", "service_end", "meter_read_day", "tier_allowance_kwh_per_month",
    "critical_peak_days", "year_to_date_kwh", "meter_multiplier", "metering", "gross_readings",
)  # fmt: skip

#: Columns an accounts CSV of a batch may have: the account fields, and ``tariff``.
ACCOUNTS_CSV_COLUMNS = (*ACCOUNT_COLUMNS, "tariff")

#: Account fields that do not fit in one CSV cell.
_NESTED_FIELDS = ("demand_history_kw", "losses")


def account_from_cells(
    cells: dict[str, str], source: str, line: int, header: list[str]
) -> tuple[Account | None, str | None]:
    """The account of one row of an accounts CSV, or why the row is not valid.

    Args:
        cells: Column name → the row's cell, stripped.
        source: The file's name, for the message.
        line: The row's line in the file.
        header: The column names in file order (for the column of the message).

    Returns:
        The account and None, or None and the first problem as ``file:line[:column]:
        field: message``.
    """
    data: dict[str, object] = {}
    for name, value in cells.items():
        if name in ACCOUNT_COLUMNS and value:
            data[name] = (
                [day.strip() for day in value.split(";") if day.strip()]
                if name == "critical_peak_days"
                else value
            )
    try:
        return Account.model_validate(data), None
    except ValidationError as exc:
        first = exc.errors(include_url=False)[0]
        message = str(first["msg"]).removeprefix("Value error, ")
        location = first["loc"]
        name = str(location[0]) if location else ""
        column = header.index(name) + 1 if name in header else None
        where = f"{source}:{line}" + (f":{column}" if column else "")
        return None, f"{where}: {name + ': ' if name else ''}{message}"


# -- the one reader --------------------------------------------------------------------


def _open(source: str) -> TextIO:
    try:
        return open(source, encoding="utf-8-sig", newline="")
    except FileNotFoundError:
        raise AccountError("no such accounts file", file=source) from None
    except OSError as exc:
        raise AccountError(f"cannot read the accounts file: {exc.strerror}", file=source) from None


def _next_row(reader: Any, source: str, line: int | None) -> list[str] | None:
    """The next row of a `csv.reader`, None at the end; decoding errors are located."""
    try:
        row: list[str] | None = next(reader, None)
    except (UnicodeDecodeError, csv.Error) as exc:
        raise AccountError(
            f"cannot read the accounts file: {exc}", file=source, line=line
        ) from None
    return row


def _header(reader: Any, source: str, *, group_columns: bool) -> list[str]:
    """The checked column names of an accounts CSV (its first line).

    Args:
        reader: A `csv.reader` of the file, at its start.
        source: The file's name, for messages.
        group_columns: Whether columns other than the account fields are grouping
            columns (else only `ACCOUNTS_CSV_COLUMNS` are allowed).
    """
    header = [name.strip() for name in _next_row(reader, source, None) or []]
    if not header:
        raise AccountError("the accounts file is empty", file=source)
    if "account_id" not in header:
        raise AccountError(
            f"no account_id column (columns: {', '.join(header)})", file=source, line=1
        )
    for index, name in enumerate(header):
        if group_columns and name in _NESTED_FIELDS:
            raise AccountError(
                f"column {name!r} cannot be given in an accounts CSV; leave it out",
                file=source,
                line=1,
                column=index + 1,
            )
        if not group_columns and name not in ACCOUNTS_CSV_COLUMNS:
            raise AccountError(
                f"column {name!r} is not an account field; allowed: "
                f"{', '.join(ACCOUNTS_CSV_COLUMNS)}",
                file=source,
                line=1,
                column=index + 1,
            )
        if header.count(name) > 1:
            raise AccountError(f"column {name!r} appears twice", file=source, line=1)
    return header


def _rows(
    reader: Any, header: list[str], source: str, *, unique: bool = True
) -> Iterator[tuple[str, tuple[str, ...], int]]:
    """The rows after the header: ``(account_id, cells, line)``, blank rows left out.

    A row's line is the line it starts on (a quoted cell may hold line ends). The file
    is checked as a file (lengths, ids), not yet as accounts; with ``unique`` False an
    id twice is let through (the caller checks it, e.g. `check_accounts_csv`).
    """
    id_column = header.index("account_id")
    seen: dict[str, int] = {}
    while True:
        line: int = reader.line_num + 1
        row = _next_row(reader, source, reader.line_num)
        if row is None:
            return
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != len(header):
            raise AccountError(
                f"{len(row)} cells for {len(header)} columns", file=source, line=line
            )
        cells = tuple(cell.strip() for cell in row)
        account_id = cells[id_column]
        if not account_id:
            raise AccountError("empty account_id", file=source, line=line, column=id_column + 1)
        problem = unprintable_in_id(account_id)
        if problem is not None:
            raise AccountError(problem, file=source, line=line, column=id_column + 1)
        if unique:
            if account_id in seen:
                raise AccountError(
                    f"account_id {account_id!r} appears twice (first at line {seen[account_id]})",
                    file=source,
                    line=line,
                    column=id_column + 1,
                )
            seen[account_id] = line
        yield account_id, cells, line


# -- batch: streamed, with a tariff column ---------------------------------------------


@dataclass(frozen=True, slots=True)
class AccountRow:
    """One row of an accounts CSV.

    Attributes:
        account_id: The account id.
        account: The validated account, or None when the row is not valid.
        tariff: The ``tariff`` cell (an id or a path), or None when empty or absent.
        line: The row's line in the file.
        error: Why the row is not valid (with file:line:column), or None.
    """

    account_id: str
    account: Account | None
    tariff: str | None
    line: int
    error: str | None = None


def iter_account_cells(
    path: str | os.PathLike[str], *, unique: bool = True
) -> Iterator[tuple[str, tuple[str, ...], int, list[str]]]:
    """The rows of a batch's accounts CSV, not yet validated: ``(account_id, cells, line, header)``.

    The file is read row by row (never whole) and checked as a file; `account_row` makes
    the account of a row when it is needed. An id twice is refused only with ``unique``
    (which keeps every id read until the end, to name the line of its first row).

    Raises:
        AccountError: As `iter_accounts_csv`.
    """
    source = os.fspath(path)
    with _open(source) as stream:
        reader = csv.reader(stream)
        header = _header(reader, source, group_columns=False)
        for account_id, cells, line in _rows(reader, header, source, unique=unique):
            yield account_id, cells, line, header


#: How `check_accounts_csv` hashes an id (equal ids, equal hashes; 64 bits are kept).
_id_hash = hash


def check_accounts_csv(path: str | os.PathLike[str]) -> None:
    """Read a batch's accounts CSV through once, as a file, before any account is priced.

    The rows are streamed (never held), so a large file costs one more read; what it
    buys is that a file refused as a whole (a row of the wrong length, an empty id, an
    id twice, at any line) is refused before a bill of its earlier rows is written.

    That no id is there twice is checked with 8 bytes per account (a 64-bit hash of each
    id, in arrays), not the ids themselves: when no two hashes are equal, no two ids
    are. Only a file with two equal hashes, or refused for another reason, is read
    again keeping its ids (`iter_account_cells`), which refuses it at its first error in
    file order with the message of its line, or passes when the hashes only collided.

    Raises:
        AccountError: As `iter_accounts_csv`.
    """
    source = os.fspath(path)
    parts = [array("Q") for _ in range(256)]
    try:
        for account_id, _, _, _ in iter_account_cells(source, unique=False):
            hashed = _id_hash(account_id) & 0xFFFF_FFFF_FFFF_FFFF
            parts[hashed & 0xFF].append(hashed >> 8)
    except AccountError:
        pass
    else:
        if all(len(set(part)) == len(part) for part in parts):
            return
    del parts
    for _ in iter_account_cells(source):
        pass


def account_row(
    account_id: str, cells: Sequence[str], line: int, header: list[str], source: str
) -> AccountRow:
    """The validated row of one account (see `iter_account_cells`)."""
    named = dict(zip(header, cells, strict=True))
    account, error = account_from_cells(named, source, line, header)
    return AccountRow(account_id, account, named.get("tariff") or None, line, error)


def iter_accounts_csv(path: str | os.PathLike[str], *, unique: bool = True) -> Iterator[AccountRow]:
    """Read a batch's accounts CSV row by row (never whole), each row validated.

    The file has an ``account_id`` column, and any of the account fields
    (`ACCOUNTS_CSV_COLUMNS`: ``capacity_kva``, ``contract_demand_kw``, ...) and
    ``tariff``. A row whose fields are not valid is yielded with its error, to be
    reported as a failed account.

    Args:
        path: The accounts CSV file (UTF-8).
        unique: Refuse an id twice (keeping every id read); False when the file was
            checked as a whole first (`check_accounts_csv`).

    Yields:
        One row per account, in file order.

    Raises:
        AccountError: The file cannot be read, has no ``account_id`` column, a column
            that is not an account field, a row of the wrong length, an empty account
            id, or an id twice (file:line).
    """
    source = os.fspath(path)
    for account_id, cells, line, header in iter_account_cells(source, unique=unique):
        yield account_row(account_id, cells, line, header, source)


def accounts_csv_header(path: str | os.PathLike[str]) -> list[str] | None:
    """The column names of an accounts CSV, or None when its first line cannot be read."""
    try:
        with open(path, encoding="utf-8-sig", newline="") as stream:
            return [name.strip() for name in next(csv.reader(stream), [])]
    except (OSError, UnicodeDecodeError, csv.Error):
        return None


def count_accounts_csv_rows(path: str | os.PathLike[str]) -> int:
    """Lines after the header (an upper bound of the accounts, for progress); 0 if unreadable."""
    try:
        with open(path, "rb") as stream:
            return max(0, sum(1 for _ in stream) - 1)
    except OSError:
        return 0


# -- portfolio: whole, with grouping columns -------------------------------------------


@dataclass(frozen=True, slots=True)
class PortfolioAccount:
    """One account of a portfolio, with where its readings are.

    Attributes:
        account_id: The account id.
        account: The validated account, or None when its row is not valid.
        groups: Grouping column → value, in the file's column order.
        readings: The readings file, or readings already in memory.
        error: Why the row is not valid (with file:line:column), or None.
    """

    account_id: str
    account: Account | None
    groups: dict[str, str]
    readings: str | Readings
    error: str | None = None


def _portfolio_accounts(
    reader: Any, readings_dir: str | os.PathLike[str], source: str
) -> tuple[list[PortfolioAccount], list[str]]:
    header = _header(reader, source, group_columns=True)
    groups = [name for name in header if name not in ACCOUNT_COLUMNS]
    id_column = header.index("account_id") + 1
    accounts: list[PortfolioAccount] = []
    for account_id, row, line in _rows(reader, header, source):
        readings = readings_file(
            readings_dir, account_id, source=source, line=line, column=id_column
        )
        cells = dict(zip(header, row, strict=True))
        account, error = account_from_cells(cells, source, line, header)
        accounts.append(
            PortfolioAccount(
                account_id=account_id,
                account=account,
                groups={name: cells[name] for name in groups},
                readings=readings,
                error=error,
            )
        )
    return accounts, groups


def parse_accounts_csv(
    text: str, readings_dir: str | os.PathLike[str], source: str = "<accounts>"
) -> tuple[list[PortfolioAccount], list[str]]:
    """Read the accounts of a portfolio from CSV text.

    Args:
        text: The CSV text: an ``account_id`` column, account fields, grouping columns.
        readings_dir: The directory of the readings files, ``<account_id>.csv``.
        source: The file name, for messages.

    Returns:
        The accounts in file order (a row that is not valid is kept, with its error, so
        that it is reported as a failed account), and the grouping columns.

    Raises:
        AccountError: The file has no ``account_id`` column, a column the CSV cannot
            hold, a row of the wrong length, an empty or unusable account id, or an id
            twice.
    """
    return _portfolio_accounts(csv.reader(io.StringIO(text.lstrip("\ufeff"))), readings_dir, source)


def read_accounts_csv(
    path: str | os.PathLike[str], readings_dir: str | os.PathLike[str]
) -> tuple[list[PortfolioAccount], list[str]]:
    """Read the accounts of a portfolio from a CSV file (see `parse_accounts_csv`).

    Raises:
        AccountError: The file cannot be read or is not a valid accounts file.
    """
    source = os.fspath(path)
    with _open(source) as stream:
        return _portfolio_accounts(csv.reader(stream), readings_dir, source)


# -- readings directories --------------------------------------------------------------


def require_readings_dir(path: str | os.PathLike[str]) -> None:
    """Check that a readings directory is there.

    Raises:
        InputError: It is not a directory.
    """
    if not os.path.isdir(path):
        raise InputError("no such directory of readings", file=os.fspath(path))


def readings_file(
    readings_dir: str | os.PathLike[str],
    account_id: str,
    *,
    source: str,
    line: int,
    column: int | None = None,
    extension: str = ".csv",
) -> str:
    r"""The readings file of an account: ``<readings_dir>/<account_id>.csv``.

    The directory is kept as given (``./r`` gives ``./r/A-1.csv``), and the name is
    joined as text, not as a `pathlib.Path` (pathlib interns every part of every path it
    parses: the table of interned strings would grow with the number of accounts).

    Args:
        readings_dir: The directory of readings files.
        account_id: The account id.
        source: The accounts file that names the account, for the message.
        line: The account's line there.
        column: The ``account_id`` column there.
        extension: The file name's extension (``.xml`` for Green Button readings).

    Raises:
        AccountError: The id cannot name a file in the directory (it holds ``/`` or
            ``\``, or is ``.`` or ``..``).
    """
    if "/" in account_id or "\\" in account_id or account_id in {".", ".."}:
        raise AccountError(
            f"account_id {account_id!r} cannot name a readings file",
            file=source,
            line=line,
            column=column,
        )
    return os.path.join(os.fspath(readings_dir), f"{account_id}{extension}")


def read_readings_file(
    path: str, timezone: str, *, interval_seconds: int | None = None, allow_gaps: bool = False
) -> Readings:
    """Read an account's readings file (see `tariffs.io.readings.csv_reader`).

    Raises:
        ReadingsError: There is no such file, or it breaks the readings format.
    """
    if not os.path.isfile(path):
        raise ReadingsError("no such readings file", file=path)
    return read_readings_csv(
        path, timezone, interval_seconds=interval_seconds, allow_gaps=allow_gaps
    )
