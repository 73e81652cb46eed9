"""Which tariff each account of a portfolio is on, which it moves to, and its bands.

Pricing staff run a portfolio with a current tariff per account (the ``tariff`` column
of the accounts CSV, `CURRENT_COLUMN`; ``--current`` for the rows that leave it empty)
and a migration: a proposed tariff per value of one column, the customer class say, or
per current tariff (`Migration`). An account whose value has no proposed tariff is not
migrated: it is listed as such, never priced under a tariff it was not given, and never
dropped.

Bands sort accounts by usage (`UsageBands`: kWh per month, or per year over a year of
bills) and by the percentage change of their bill (`ChangeBands`). Each band is
``[lower, upper)``; a value below the first edge is in the band "below" it, so that every
account falls in exactly one band; an account that cannot be placed (no bill, not a year
of bills, no current bill to take a percentage of) is in a band that says so.
"""

from __future__ import annotations

import csv
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Literal

from tariffs.errors import InputError
from tariffs.model.common import check_ascii_digits

__all__ = [
    "CURRENT_COLUMN",
    "ChangeBands",
    "Migration",
    "UsageBands",
    "parse_edges",
    "parse_migration_options",
    "read_migration_csv",
]

#: The column of the accounts CSV that names an account's current tariff; as the key of
#: a `Migration`, it maps current tariffs (by id) to proposed ones.
CURRENT_COLUMN = "tariff"

_PROPOSED_HEADERS = ("proposed_tariff", "to_tariff")
_CURRENT_HEADERS = ("from_tariff", "current_tariff", CURRENT_COLUMN)


@dataclass(frozen=True, slots=True)
class Migration:
    """A proposed tariff per value of one column.

    Attributes:
        column: The grouping column matched, or `CURRENT_COLUMN` to match the id of the
            account's current tariff.
        proposed: Value → proposed tariff (an id or a path).
        source: Where the mapping came from, for messages.
    """

    column: str
    proposed: dict[str, str]
    source: str

    def proposed_for(self, value: str) -> str | None:
        """The proposed tariff for a value of the column, None when not migrated."""
        return self.proposed.get(value)


def read_migration_csv(path: str | os.PathLike[str]) -> Migration:
    """Read a migration file: ``COLUMN,proposed_tariff`` rows, or ``from_tariff,to_tariff``.

    The first header names the column matched (a grouping column of the accounts CSV, or
    ``from_tariff`` for the current tariff's id); the second is ``proposed_tariff`` or
    ``to_tariff``.

    Raises:
        InputError: The file cannot be read, has other than two columns, a row with an
            empty cell or a value twice (file:line).
    """
    source = os.fspath(path)
    try:
        with open(source, encoding="utf-8-sig", newline="") as stream:
            rows = list(csv.reader(stream))
    except FileNotFoundError:
        raise InputError("no such migration file", file=source) from None
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise InputError(f"cannot read the migration file: {exc}", file=source) from None
    header = [name.strip() for name in rows[0]] if rows else []
    if len(header) != 2 or header[1] not in _PROPOSED_HEADERS or not header[0]:
        raise InputError(
            f"the header must be COLUMN,proposed_tariff or from_tariff,to_tariff; "
            f"found {','.join(header) or 'nothing'}",
            file=source,
            line=1,
        )
    column = CURRENT_COLUMN if header[0] in _CURRENT_HEADERS else header[0]
    proposed: dict[str, str] = {}
    seen: dict[str, int] = {}
    for line, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        cells = [cell.strip() for cell in row]
        if len(cells) != 2 or not all(cells):
            raise InputError(
                f"expected two cells, {header[0]} and {header[1]}, both given; found {row!r}",
                file=source,
                line=line,
            )
        if cells[0] in seen:
            raise InputError(
                f"{header[0]} {cells[0]!r} appears twice (first at line {seen[cells[0]]})",
                file=source,
                line=line,
            )
        seen[cells[0]] = line
        proposed[cells[0]] = cells[1]
    return Migration(column, proposed, source)


def parse_migration_options(values: Sequence[str], column: str) -> Migration:
    """The migration of repeated ``--proposed VALUE=TARIFF`` options.

    Raises:
        InputError: An option without ``=``, with an empty side, or a value twice.
    """
    proposed: dict[str, str] = {}
    for value in values:
        key, sep, tariff = (part.strip() for part in value.partition("="))
        if not sep or not key or not tariff:
            raise InputError(f"--proposed {value!r}: expected VALUE=TARIFF")
        if key in proposed:
            raise InputError(f"--proposed: {key!r} is given twice")
        proposed[key] = tariff
    return Migration(column, proposed, "--proposed")


def parse_edges(text: str, what: str) -> tuple[Decimal, ...]:
    """Band edges from ``0,1000,5000``: decimals, strictly increasing.

    >>> parse_edges("0,1000,5000", "--bands")
    (Decimal('0'), Decimal('1000'), Decimal('5000'))

    Raises:
        InputError: Not a list of increasing numbers.
    """
    edges: list[Decimal] = []
    for cell in text.split(","):
        try:
            edge = Decimal(check_ascii_digits(cell.strip()))
        except (InvalidOperation, ValueError):
            raise InputError(f"{what} {text!r}: {cell.strip()!r} is not a number") from None
        if not edge.is_finite():
            raise InputError(f"{what} {text!r}: {cell.strip()!r} is not a number")
        if edges and edge <= edges[-1]:
            raise InputError(f"{what} {text!r}: the edges must increase")
        edges.append(edge)
    return tuple(edges)


def _labels(edges: Sequence[Decimal], unit: str) -> list[str]:
    labels = [f"below {edges[0]}{unit}"]
    labels += [f"{low} to {high}{unit}" for low, high in zip(edges, edges[1:], strict=False)]
    labels.append(f"{edges[-1]}{unit} and above")
    return labels


def _band(edges: Sequence[Decimal], at_least: Callable[[Decimal], bool], unit: str) -> str:
    """The label of the band of a value, given ``at_least(edge)`` (value ≥ edge, exactly)."""
    labels = _labels(edges, unit)
    index = 0
    for edge in edges:
        if not at_least(edge):
            break
        index += 1
    return labels[index]


@dataclass(frozen=True, slots=True)
class UsageBands:
    """Usage bands [kWh per month, or per year].

    Attributes:
        edges: The band edges [kWh], increasing.
        per: ``month``: an account's kWh per bill (the billing periods are months),
            compared exactly as kWh ≥ edge × bills; ``year``: its kWh over bills that
            cover exactly one year (the first day to the same day a year later, no day
            missing); other accounts are in the band ``not a year of bills``.
    """

    edges: tuple[Decimal, ...]
    per: Literal["month", "year"]

    @property
    def labels(self) -> list[str]:
        """The bands in order, then the band of accounts that cannot be placed."""
        return [*_labels(self.edges, self.unit), self.unplaced]

    @property
    def unit(self) -> str:
        """The unit of the labels."""
        return f" kWh/{self.per}"

    @property
    def unplaced(self) -> str:
        """The band of an account without the usage asked for."""
        return "no bill" if self.per == "month" else "not a year of bills"

    def band(self, energy_kwh: Decimal, bills: int, year_of_bills: bool) -> str:
        """The band of an account's energy over its bills."""
        if self.per == "month":
            if bills == 0:
                return self.unplaced
            return _band(self.edges, lambda edge: energy_kwh >= edge * bills, self.unit)
        if not year_of_bills:
            return self.unplaced
        return _band(self.edges, lambda edge: energy_kwh >= edge, self.unit)


@dataclass(frozen=True, slots=True)
class ChangeBands:
    """Bands of the bill change [%], exact (not the rounded percentage).

    Attributes:
        edges: The band edges [%], increasing.
    """

    edges: tuple[Decimal, ...]
    unplaced: str = "no current bill"

    @property
    def labels(self) -> list[str]:
        """The bands in order, then the band of accounts without a current bill."""
        return [*_labels(self.edges, " %"), self.unplaced]

    def band(self, change: Decimal, current_total: Decimal) -> str:
        """The band of ``change`` as a share of a current bill above 0."""
        if current_total <= 0:
            return self.unplaced
        return _band(self.edges, lambda edge: change * 100 >= edge * current_total, " %")
