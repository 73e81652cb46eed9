"""A coincident-peaks CSV: the declared system-peak intervals of a run.

One row per interval, with a header: ``start`` (ISO 8601 date and time; local time in
the tariff's time zone without a UTC offset) and, optionally, ``hours`` (its length,
1 when the column or the cell is left out)::

    start,hours
    2025-06-23T17:00,0.25
    2025-07-14T16:30,0.25

Demand charges written ``measured_at: coincident_peaks`` measure demand only in these
intervals (`tariffs.engine.coincident`). Each error names the file and the line.
"""

from __future__ import annotations

import csv
import io
import os
from pathlib import Path

from pydantic import ValidationError

from tariffs.engine.coincident import resolve_peaks
from tariffs.errors import AccountError
from tariffs.model.account import CoincidentPeak

__all__ = ["read_coincident_peaks"]

_MAX_BYTES = 10 * 1024 * 1024
_COLUMNS = ("start", "hours")


def read_coincident_peaks(
    path: str | os.PathLike[str], timezone: str | None = None
) -> list[CoincidentPeak]:
    """Read a coincident-peaks CSV file.

    Args:
        path: The CSV file.
        timezone: The tariff's IANA time zone: when given, each local start is checked to
            exist and be unambiguous in it, and the intervals not to overlap.

    Raises:
        AccountError: The file is missing, too large (over 10 MiB), not UTF-8, has no
            ``start`` column, another column, a row of the wrong length, a value that is
            not valid, an interval twice or overlapping another, a local start that a
            clock change makes ambiguous or skips, or no interval at all (file:line).
    """
    source = os.fspath(path)
    file = Path(path)
    if not file.is_file():
        raise AccountError("no such coincident-peaks file", file=source)
    if file.stat().st_size > _MAX_BYTES:
        raise AccountError("the coincident-peaks file is larger than 10 MiB", file=source)
    try:
        text = file.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise AccountError(f"not UTF-8 text (byte {exc.start})", file=source) from None
    rows = csv.reader(io.StringIO(text, newline=""))
    header = next(rows, None)
    if header is None:
        raise AccountError("empty file; expected a header start[,hours]", file=source, line=1)
    names = [name.strip() for name in header]
    unknown = [name for name in names if name not in _COLUMNS]
    if "start" not in names or unknown or len(set(names)) != len(names):
        raise AccountError(
            f"header {','.join(names)!r}: expected the columns start and, optionally, hours",
            file=source,
            line=1,
        )
    peaks: list[CoincidentPeak] = []
    first_line: dict[str, int] = {}
    for row in rows:
        line = rows.line_num
        if not row or all(not cell.strip() for cell in row):
            continue
        if len(row) != len(names):
            raise AccountError(
                f"{len(row)} cells, expected {len(names)} ({','.join(names)})",
                file=source,
                line=line,
            )
        cells = {name: cell.strip() for name, cell in zip(names, row, strict=True)}
        start = cells["start"]
        if start in first_line:
            raise AccountError(
                f"{start} appears twice (first at line {first_line[start]})",
                file=source,
                line=line,
            )
        first_line[start] = line
        data = {"start": start, **({"hours": cells["hours"]} if cells.get("hours") else {})}
        try:
            peaks.append(CoincidentPeak.model_validate(data))
        except ValidationError as exc:
            error = exc.errors(include_url=False)[0]
            field = error["loc"][0] if error["loc"] else "start"
            message = str(error["msg"]).removeprefix("Value error, ")
            raise AccountError(f"{field}: {message}", file=source, line=line) from None
        if timezone is not None:
            try:
                resolve_peaks(peaks[-1:], timezone)
            except AccountError as exc:
                raise AccountError(exc.message, file=source, line=line) from None
    if not peaks:
        raise AccountError("no coincident peak in the file", file=source)
    if timezone is not None:
        try:
            resolve_peaks(peaks, timezone)
        except AccountError as exc:
            raise AccountError(exc.message, file=source) from None
    return peaks
