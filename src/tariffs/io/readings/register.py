"""Register reads: a CSV of ``time,register_kwh`` rows, for ``--estimate register:FILE``.

- The header is ``time,register_kwh``; blank lines are skipped.
- ``time`` is ISO 8601: without a UTC offset a wall-clock time of the tariff's zone, which
  must exist there and not be repeated by a change of clocks; with one, an instant.
- ``register_kwh`` is the meter's cumulative kWh register, a decimal number of 0 or more,
  read exactly.
- Times strictly increase, and the register never goes down (a meter change or a
  rollover is not guessed at).

Every error names the file and the line.
"""

from __future__ import annotations

import csv
import datetime as dt
from decimal import Decimal, InvalidOperation
from zoneinfo import ZoneInfo

from tariffs.errors import ReadingsError
from tariffs.model.readings import RegisterRead, RegisterReads

__all__ = ["read_register"]


def read_register(path: str, timezone: str) -> RegisterReads:
    """The register reads of ``path``, checked (see the module).

    Raises:
        ReadingsError: The file cannot be read, or a line is not a valid register read.
    """
    zone = ZoneInfo(timezone)
    try:
        with open(path, newline="", encoding="utf-8-sig") as handle:
            rows = list(csv.reader(handle))
    except (OSError, UnicodeDecodeError) as error:
        reason = error.strerror if isinstance(error, OSError) else "not UTF-8 text"
        raise ReadingsError(f"cannot read register reads: {reason}", file=path) from None
    if not rows or [cell.strip() for cell in rows[0]] != ["time", "register_kwh"]:
        raise ReadingsError("expected the header time,register_kwh", file=path, line=1)
    reads: list[RegisterRead] = []
    for line, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != 2:
            raise ReadingsError(f"expected 2 cells, found {len(row)}", file=path, line=line)
        time_text, text = row[0].strip(), row[1].strip()
        instant = _instant(time_text, zone, path, line)
        try:
            kwh = Decimal(text)
        except InvalidOperation:
            kwh = Decimal("NaN")
        if not kwh.is_finite() or not (text.isascii() and text.replace(".", "", 1).isdigit()):
            raise ReadingsError(
                f"register_kwh {text!r} is not a number of 0 or more", file=path, line=line
            )
        if reads and instant <= reads[-1].instant:
            raise ReadingsError(
                f"register read at {time_text} is not after the one of line {reads[-1].line}",
                file=path,
                line=line,
            )
        if reads and kwh < reads[-1].kwh:
            raise ReadingsError(
                f"register goes down from {reads[-1].text} kWh (line {reads[-1].line}) to "
                f"{text} kWh",
                file=path,
                line=line,
            )
        reads.append(RegisterRead(instant, kwh, line, text, time_text))
    return RegisterReads(path, tuple(reads))


def _instant(text: str, zone: ZoneInfo, path: str, line: int) -> int:
    """UTC epoch seconds of an ISO 8601 time; without an offset, a wall time of ``zone``."""
    try:
        moment = dt.datetime.fromisoformat(text)
    except ValueError:
        raise ReadingsError(
            f"time {text!r} is not an ISO 8601 date and time", file=path, line=line
        ) from None
    if moment.tzinfo is not None:
        return int(moment.timestamp())
    first = moment.replace(tzinfo=zone, fold=0)
    second = moment.replace(tzinfo=zone, fold=1)
    if dt.datetime.fromtimestamp(first.timestamp(), zone).replace(tzinfo=None) != moment:
        raise ReadingsError(f"time {text} does not exist in {zone.key}", file=path, line=line)
    if first.timestamp() != second.timestamp():
        raise ReadingsError(
            f"time {text} is ambiguous in {zone.key}; write it with its UTC offset",
            file=path,
            line=line,
        )
    return int(first.timestamp())
