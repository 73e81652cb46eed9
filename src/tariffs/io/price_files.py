"""Read the CSV price files that ``price_file`` charges name, exactly.

A price file has one row per month, voltage level and component::

    month,voltage_kv,component,price_per_kwh
    2025-07,10,purchase,0.41230
    2025-07,10,line_loss,0.01520

Every row is checked and located (``file:line``); prices are read as exact decimals
(the same rule as the numbers of a tariff: ASCII digits, at most 24 digits before the
point and 18 after; a component may be negative, as a system operation charge can be).
Each month and voltage level must list every component the file names, once.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
import re
from decimal import Decimal, localcontext
from pathlib import Path
from zoneinfo import ZoneInfo

from tariffs.errors import TariffFileError
from tariffs.io.safe_yaml import YamlDocument
from tariffs.model.charges import DynamicEnergyCharge, PriceFileCharge, PriceSeries, PriceTable
from tariffs.model.common import WIDE_CONTEXT, check_derived_price, exact_decimal
from tariffs.model.tariff import Tariff

__all__ = [
    "HEADER",
    "MAX_PRICE_FILE_BYTES",
    "MAX_SERIES_FILE_BYTES",
    "SERIES_HEADER",
    "attach_price_files",
    "read_price_file",
    "read_price_series",
]

#: The header every price file starts with.
HEADER = ("month", "voltage_kv", "component", "price_per_kwh")
#: The largest price file read: ample for decades of months × levels × components.
MAX_PRICE_FILE_BYTES = 4 * 1024 * 1024

_MONTH = re.compile(r"^[0-9]{4}-(0[1-9]|1[0-2])$")
_COMPONENT = re.compile(r"^[a-z][a-z0-9_]*$")


def read_price_file(path: str | os.PathLike[str], shown: str | None = None) -> PriceTable:
    """Read a price file: (month, voltage level) → component → price [currency/kWh].

    Args:
        path: The file.
        shown: How messages name the file (its path when left out).

    >>> import tempfile, pathlib
    >>> file = pathlib.Path(tempfile.mkdtemp()) / "agency.csv"
    >>> rows = ["month,voltage_kv,component,price_per_kwh", "2025-07,10,purchase,0.4"]
    >>> _ = file.write_text(chr(10).join(rows) + chr(10))
    >>> table = read_price_file(file, "agency.csv")
    >>> table.components, table.prices
    (('purchase',), {('2025-07', Decimal('10')): {'purchase': Decimal('0.4')}})

    Raises:
        TariffFileError: The file is missing, too large, or a row breaks the format
            (the message names the file and its line).
    """
    source, rows = _rows(path, shown, MAX_PRICE_FILE_BYTES, HEADER)
    components: list[str] = []
    prices: dict[tuple[str, Decimal], dict[str, Decimal]] = {}
    first_line: dict[tuple[str, Decimal, str], int] = {}
    for number, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != len(HEADER):
            raise TariffFileError(
                f"expected {len(HEADER)} fields ({','.join(HEADER)}), found {len(row)}",
                file=source,
                line=number,
            )
        month, voltage_text, component, price_text = (cell.strip() for cell in row)
        if not _MONTH.fullmatch(month):
            raise TariffFileError(
                f"month {month!r} is not a month written YYYY-MM", file=source, line=number
            )
        voltage = _number(voltage_text, "voltage_kv", source, number)
        if voltage < 0:
            raise TariffFileError(
                f"voltage_kv {voltage_text} is negative", file=source, line=number
            )
        if not _COMPONENT.fullmatch(component):
            raise TariffFileError(
                f"component {component!r} is not a name (lowercase letters, digits and _, "
                "starting with a letter)",
                file=source,
                line=number,
            )
        price = _number(price_text, "price_per_kwh", source, number)
        key = (month, voltage)
        seen = first_line.get((month, voltage, component))
        if seen is not None:
            raise TariffFileError(
                f"{component} of {month} at {voltage_text} kV is given twice "
                f"(first at line {seen})",
                file=source,
                line=number,
            )
        first_line[(month, voltage, component)] = number
        if component not in components:
            components.append(component)
        prices.setdefault(key, {})[component] = price
    if not prices:
        raise TariffFileError("has a header and no prices", file=source)
    for (month, voltage), given in prices.items():
        missing = [c for c in components if c not in given]
        if missing:
            raise TariffFileError(
                f"{month} at {voltage} kV has no {missing[0]} price; every month and "
                f"voltage level needs every component of the file ({', '.join(components)})",
                file=source,
            )
    return PriceTable(source, tuple(components), prices)


def _number(text: str, column: str, source: str, line: int) -> Decimal:
    try:
        return exact_decimal(text)
    except ValueError as exc:
        raise TariffFileError(f"{column}: {exc}", file=source, line=line) from None


def attach_price_files(tariff: Tariff, directory: Path, document: YamlDocument) -> None:
    """Read the price file of every ``price_file`` charge, relative to ``directory``.

    Files shared by several charges are read once.

    Raises:
        TariffFileError: A file cannot be read or breaks the format, or a charge's
            ``time_of_use`` names a component the file does not have.
    """
    read: dict[str, PriceTable] = {}
    series: dict[str, PriceSeries] = {}
    for date, version in tariff.versions.items():
        for index, charge in enumerate(version.charges):
            if isinstance(charge, DynamicEnergyCharge) and charge.prices_file is not None:
                shown = os.fspath(directory / charge.prices_file)
                if shown not in series:
                    series[shown] = read_price_series(shown, tariff.timezone, shown)
                _check_adder(charge, series[shown], document, f"versions.{date}.charges[{index}]")
                charge.attach(series[shown])
                continue
            if not isinstance(charge, PriceFileCharge):
                continue
            path = directory / charge.file
            shown = os.fspath(path)
            if shown not in read:
                read[shown] = read_price_file(path, shown)
            table = read[shown]
            unknown = [c for c in charge.time_of_use if c not in table.components]
            if unknown:
                at = document.locate(("versions", str(date), "charges", index, "time_of_use"))
                raise TariffFileError(
                    f"time_of_use names {unknown[0]!r}, which {shown} does not price "
                    f"(components: {', '.join(table.components)})",
                    file=document.source,
                    line=at[0] if at else None,
                    column=at[1] if at else None,
                    path=f"versions.{date}.charges[{index}].time_of_use",
                )
            charge.attach(table)


#: The header of a file of interval prices (real-time or day-ahead).
SERIES_HEADER = ("start", "price_per_kwh")
#: The lengths a price interval may have [s]: 5, 15 or 60 minutes.
SERIES_INTERVALS = (300, 900, 3600)
#: The largest file of interval prices read (a year of 5-minute prices is about 3 MB).
MAX_SERIES_FILE_BYTES = 16 * 1024 * 1024

_START = re.compile(
    r"^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}(:00)?([+-][0-9]{2}:[0-9]{2}|Z)?$"
)


def read_price_series(
    path: str | os.PathLike[str], timezone: str, shown: str | None = None
) -> PriceSeries:
    """Read a file of interval prices: rows ``start,price_per_kwh``, uniform intervals.

    A start without an offset is local time in ``timezone``; a local time the clocks skip
    or pass twice is refused (write its offset). The interval (5, 15 or 60 minutes) is
    that of the first two rows; every later start must follow the one before by it.

    Raises:
        TariffFileError: The file is missing, too large, or a row breaks the format
            (the message names the file and its line).
    """
    source, rows = _rows(path, shown, MAX_SERIES_FILE_BYTES, SERIES_HEADER)
    zone = ZoneInfo(timezone)
    starts: list[int] = []
    prices: list[Decimal] = []
    interval = 0
    for number, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != len(SERIES_HEADER):
            raise TariffFileError(
                f"expected 2 fields (start,price_per_kwh), found {len(row)}",
                file=source,
                line=number,
            )
        start_text, price_text = (cell.strip() for cell in row)
        start = _instant(start_text, zone, timezone, source, number)
        if starts:
            step = start - starts[-1]
            if not interval:
                if step not in SERIES_INTERVALS:
                    raise TariffFileError(
                        f"{start_text} is {step // 60 if step > 0 else step} min after the "
                        "start before; price intervals are 5, 15 or 60 minutes",
                        file=source,
                        line=number,
                    )
                interval = step
            elif step != interval:
                raise TariffFileError(
                    f"{start_text} does not follow the start before by {interval // 60} min "
                    "(a gap, a repeat or a change of interval); every interval needs a price",
                    file=source,
                    line=number,
                )
        starts.append(start)
        prices.append(_number(price_text, "price_per_kwh", source, number))
    if len(starts) < 2:
        raise TariffFileError(
            "needs at least two prices (their starts give the interval length)", file=source
        )
    return PriceSeries(source, starts[0], interval, tuple(prices))


def _rows(
    path: str | os.PathLike[str], shown: str | None, limit: int, header: tuple[str, ...]
) -> tuple[str, list[list[str]]]:
    """How messages name the file, and its CSV rows, the first checked to be ``header``."""
    source = shown if shown is not None else os.fspath(path)
    rows = list(csv.reader(io.StringIO(_text(path, source, limit), newline="")))
    if not rows or tuple(cell.strip() for cell in rows[0]) != header:
        raise TariffFileError(
            f"the first line must be the header {','.join(header)}", file=source, line=1
        )
    return source, rows


def _text(path: str | os.PathLike[str], source: str, limit: int) -> str:
    try:
        size = os.path.getsize(path)
        if size > limit:
            raise TariffFileError(
                f"{size:,} bytes is more than a price file may have (at most {limit:,})",
                file=source,
            )
        raw = Path(path).read_bytes()
    except OSError as exc:
        raise TariffFileError(f"cannot read the price file: {exc.strerror}", file=source) from None
    try:
        return raw.decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise TariffFileError("is not UTF-8 text", file=source, line=line) from None


def _check_adder(
    charge: DynamicEnergyCharge, prices: PriceSeries, document: YamlDocument, where: str
) -> None:
    """Every price + the adder must be a number the engine carries exactly."""
    if not charge.adder_per_kwh:
        return
    for word, price in (("lowest", min(prices.prices)), ("highest", max(prices.prices))):
        with localcontext(WIDE_CONTEXT):
            value = price + charge.adder_per_kwh
        formula = f"the {word} price {price} + adder_per_kwh {charge.adder_per_kwh}"
        try:
            check_derived_price(value, formula, negative=True)
        except ValueError as exc:
            raise TariffFileError(
                f"{exc} ({prices.source})", file=document.source, path=f"{where}.adder_per_kwh"
            ) from None


def _instant(text: str, zone: ZoneInfo, timezone: str, source: str, line: int) -> int:
    """A start as UTC epoch seconds."""
    if not _START.fullmatch(text):
        raise TariffFileError(
            f"start {text!r} is not a time written YYYY-MM-DDTHH:MM (with an optional "
            "offset such as +08:00)",
            file=source,
            line=line,
        )
    try:
        when = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError as exc:
        raise TariffFileError(f"start {text!r}: {exc}", file=source, line=line) from None
    if when.tzinfo is not None:
        return int(when.timestamp())
    wall = when.replace(tzinfo=zone)
    before, after = wall.utcoffset(), wall.replace(fold=1).utcoffset()
    if before != after:
        back = wall.astimezone(dt.UTC).astimezone(zone).replace(tzinfo=None)
        what = "pass twice" if back == when else "skip"
        raise TariffFileError(
            f"start {text} is a local time the clocks of {timezone} {what}; write its UTC offset",
            file=source,
            line=line,
        )
    return int(wall.timestamp())
