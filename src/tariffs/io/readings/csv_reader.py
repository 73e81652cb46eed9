"""Read interval readings from a CSV file into exact `Readings`.

The format is the "Readings CSV" of the contract::

    start,kwh,kvarh
    2025-07-01T00:00,12.5,4.1
    2025-07-01T00:15,12.1,4.0

- The header names the columns: ``start`` and ``kwh`` always, ``kvarh``, ``export_kwh``
  and ``kw`` when present, in any order, each once. Names may be padded with spaces.
- ``start`` is the interval start in ISO 8601: ``2025-07-01T00:15``, with or without
  seconds, with a ``T`` or a space between date and time. Without a UTC offset it is wall
  time in the given IANA time zone, and must be neither skipped nor repeated by a clock
  change; with one (``+08:00``, ``+0800``, ``+08`` or ``Z``) it is an instant. Either every
  row has an offset or none does. Every start is a whole number of intervals after
  midnight on the zone's clock.
- Quantities are non-negative decimal numbers. Plain ``12.5`` is the common form;
  a sign (``+12.5``, ``-0``), surrounding spaces and exponent notation (``1.25E+1``) are
  accepted too, because each is read exactly as a `Decimal`. At most 9 decimal places and
  15 digits before the decimal point. The scale of the result is the most decimal places
  written in any quantity (``12.50`` counts 2), and at least 3.
- An empty ``kwh`` cell is a missing reading: refused, or with ``allow_gaps`` a missing
  interval (a gap, recorded in `Readings.gaps`; the row's other values must be empty too).
- Lines end with LF or CRLF; empty lines at the end are ignored; a UTF-8 byte order mark
  at the start is ignored. Fields are not quoted.

Every problem is a `ReadingsError` whose ``line`` is the line of the file (the header is
line 1). When a file has several problems, the one on the earliest line is reported; the
file is rejected as a whole.

The common case takes a fast path that makes no `Decimal` or `datetime` object per row
and runs no Python loop per row (about 2 million rows a second): the shape of the file
(the commas and line ends) is checked by one ``bytes.translate`` of the whole text; the
text is split into fields once; a column of plain values with at most 3 decimals is read
by one look-up of each text in a table kept across files (`_PlainUnits`), any other
column of values with the same number of decimal places is checked by a few byte
operations on the whole column and converted with `int` in bulk; the column of starts is
compared with the text it must have, made from one template per day, and turned into
`range` objects. Dates, whether their UTC offset is constant, and a column of starts
with its parsed starts are kept across files (a batch reads the same days again and
again). A file in fixed columns (every line as long as the first, each field where the
first line's is) whose column of starts is one already read takes a faster path still,
with no field cut out a row: each column of characters is one strided slice of the
bytes (`_read_fixed_width`). Anything else takes the exact slow path: whole days of
starts compared one day at a time, or timestamps split into a date and a time of day and
read row by row, and each value read on its own; the slow path finds and words every
problem.

Rows cut out of a longer file (the rows of one account in a file of many) are read with
`parse_readings_bytes` and its ``line_offset``, so that messages name the longer file's
lines.
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from fractions import Fraction
from functools import partial
from itertools import repeat
from typing import NamedTuple
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from tariffs.engine import _kept
from tariffs.engine.clock import (
    StandardTime,
    local_day_offsets,
    standard_time,
    utc_offset,
    utc_offset_runs,
)
from tariffs.errors import ReadingsError
from tariffs.io.readings._file import read_bytes
from tariffs.io.readings.layout import CsvLayout, decimal_places
from tariffs.model.bill import BillWarning
from tariffs.model.common import non_ascii_digit
from tariffs.model.readings import QUANTITY_COLUMNS, Readings

__all__ = [
    "ALLOWED_COLUMNS",
    "INFERABLE_INTERVALS_SECONDS",
    "parse_readings_bytes",
    "parse_readings_csv",
    "parse_readings_header",
    "read_on_standard_time",
    "read_readings_csv",
    "read_year_of_values",
]

#: Every column a readings CSV may have, required ones first.
ALLOWED_COLUMNS = ("start", "kwh", *QUANTITY_COLUMNS)

#: Interval lengths [s] that are inferred from the first two rows (5, 15, 30, 60 minutes).
INFERABLE_INTERVALS_SECONDS = (300, 900, 1800, 3600)

_REQUIRED_COLUMNS = ("start", "kwh")
_SECONDS_PER_DAY = 86400
_MINIMUM_SCALE = 3
_MAXIMUM_DECIMAL_PLACES = 9
_MAXIMUM_INTEGER_DIGITS = 15
_FIRST_YEAR = 1900
_LAST_YEAR = 9998
_UNIX_EPOCH_ORDINAL = date(1970, 1, 1).toordinal()
_UNIX_EPOCH = datetime(1970, 1, 1)
_LAST_ORDINAL = date(_LAST_YEAR, 12, 31).toordinal()

_ALLOWED_TEXT = ", ".join(ALLOWED_COLUMNS)
_NUMBER_EXAMPLE = "expected a number of 0 or more, such as 12.5"
_START_EXAMPLE = "expected a date and time such as 2025-07-01T00:15 or 2025-07-01T00:15+08:00"

_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})", re.ASCII)
_TIME = re.compile(
    r"[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.0+)?)?(?:(Z)|([+-])(\d{2})(?::?(\d{2}))?)?", re.ASCII
)
_PLAIN_NUMBER = re.compile(r"(\d{1,15})(?:\.(\d{1,9}))?", re.ASCII)
_PLAIN_UP_TO_MILLI = re.compile(r"(\d{1,15})(?:\.(\d{1,3}))?", re.ASCII)
_PLAIN_UNITS_LIMIT = 1 << 15
#: Values of a column looked up before it is read by looking up each (`_plain_units`).
_SAMPLE = 64
_ANY_NUMBER = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?", re.ASCII)
_NOT_FINITE = frozenset(("nan", "snan", "inf", "infinity"))
_DIGITS = b"0123456789"
_DIGITS_TO_NINES = bytes.maketrans(_DIGITS, b"9" * len(_DIGITS))
_TOO_MANY_DIGITS = b"9" * (_MAXIMUM_INTEGER_DIGITS + 1)
# Every byte but the field and line separators, deleted to see the file's shape.
_ALL_BUT_SEPARATORS = bytes(byte for byte in range(256) if byte not in b",\n")

# Parsed pieces of a timestamp, cached by their text. A day is (local midnight as seconds
# since the epoch on the local clock, the zone's UTC offset [s] when it is the same all
# day, else None); a time of day is (seconds after midnight, written UTC offset [s] or
# None). Text that is not valid maps to _INVALID.
_Day = tuple[int, int | None]
_TimeOfDay = tuple[int, int | None]
_INVALID: tuple[int, int | None] = (-1, None)


class _Problem(NamedTuple):
    """One thing wrong with the file; the earliest (line, rank) is reported."""

    line: int
    rank: int
    message: str


# Ranks order problems found on the same line: a start that cannot be read, then one
# that does not follow the previous row, then one off the interval grid, then values.

_RANK_START = 1
_RANK_SEQUENCE = 2
_RANK_ALIGNMENT = 3
_RANK_VALUE = 4


def read_readings_csv(
    path: str | os.PathLike[str],
    timezone: str,
    *,
    interval_seconds: int | None = None,
    allow_gaps: bool = False,
    layout: CsvLayout | None = None,
) -> Readings:
    """Read a readings CSV file.

    Args:
        path: The CSV file, UTF-8 (a byte order mark is accepted).
        timezone: IANA name of the zone that local ``start`` times are written in, and
            whose clock interval starts must be aligned to (e.g. ``Europe/London``).
        interval_seconds: Length of every interval [s]; it must divide a day. When None,
            it is inferred from the first two rows and must be 5, 15, 30 or 60 minutes.
        allow_gaps: Accept missing intervals and record them in `Readings.gaps` instead
            of rejecting the file.
        layout: The file's own column names and units, when they are not the
            contract's (see `CsvLayout`); the bills say how the columns were read.

    Returns:
        The readings, with ``source`` set to ``str(path)``.

    Raises:
        ReadingsError: The file cannot be read, is not UTF-8 text, or breaks the format;
            the message names the line.

    A file larger than a few megabytes is read in pieces of whole lines, each parsed as
    the rows of a longer file (`read_pieces`): what is held at once is the readings
    themselves and one piece, not the whole text and every field of it.
    """
    try:
        size = os.path.getsize(path)
    except OSError:
        size = 0  # read_bytes says why the file cannot be read
    if size <= PIECE_BYTES:
        return parse_readings_bytes(
            read_bytes(path),
            str(path),
            timezone,
            interval_seconds=interval_seconds,
            allow_gaps=allow_gaps,
            layout=layout,
        )
    return read_pieces(
        path, timezone, interval_seconds=interval_seconds, allow_gaps=allow_gaps, layout=layout
    )


def read_on_standard_time(
    path: str | os.PathLike[str],
    timezone: str,
    *,
    interval_seconds: int | None = None,
    allow_gaps: bool = False,
    layout: CsvLayout | None = None,
) -> Readings:
    """Read a readings CSV whose starts are on ``timezone``'s standard time all year.

    SAM, REopt and OS-HPXML write a year as 8760 hourly values on local standard time,
    with no clock changes. A start written without a UTC offset is read on the clock of
    the zone's standard time (`tariffs.engine.clock.standard_time`: ``Etc/GMT+7`` for
    ``America/Denver``), so every hour of the file is there, spring and autumn; the
    readings are instants, priced on the clock of ``timezone`` (in summer, 14:00
    standard time is 15:00 in Denver), and every bill says so (`Readings.notes`). A start
    written with a UTC offset is that instant, as in `read_readings_csv`.

    Raises:
        ReadingsError: As `read_readings_csv`; also when the zone's standard time is not a
            whole number of hours (no ``Etc`` zone is on it: write the offset on every row
            instead), or differs between the years of the file.
    """
    _zone(timezone, str(path))  # an unknown zone is named as the reader names it

    def read_on(standard: StandardTime) -> tuple[Readings, dict[int, StandardTime]]:
        if standard.zone is None:
            raise ReadingsError(
                f"the standard time of {timezone} is UTC{standard.text}, which no "
                f"fixed-offset zone is on: write the offset {standard.text} on every row "
                "instead of --clock standard",
                file=str(path),
            )
        readings = read_readings_csv(
            path, standard.zone, interval_seconds=interval_seconds, allow_gaps=allow_gaps,
            layout=layout,
        )  # fmt: skip
        if not readings.starts:
            return readings, {}
        first = readings.starts[0] + standard.offset
        last = readings.starts[-1] + readings.interval_seconds - 1 + standard.offset
        years = range(_utc_year(first), _utc_year(last) + 1)
        return readings, {year: standard_time(timezone, year) for year in years}

    guess = standard_time(timezone, date.today().year)
    readings, found = read_on(guess)
    if {standard.offset for standard in found.values()} - {guess.offset}:
        # The zone's standard time was another in the file's years: read on that one.
        guess = next(iter(found.values()))
        readings, found = read_on(guess)
    if len({standard.offset for standard in found.values()}) > 1:
        named = ", ".join(f"UTC{standard.text} in {year}" for year, standard in found.items())
        raise ReadingsError(
            f"the standard time of {timezone} changes between the years of the file "
            f"({named}): --clock standard needs one; write the UTC offset on every row",
            file=str(path),
        )
    note = BillWarning(
        f"readings on the standard time of {timezone} all year (UTC{guess.text}, "
        f"{guess.zone}), priced on the clock of {timezone}",
        "standard_time",
        (("timezone", timezone), ("offset", f"UTC{guess.text}"), ("zone", f"{guess.zone}")),
    )
    return replace(readings, notes=(*readings.notes, note))


#: The largest file of values only that is read [bytes]: a year of 5-minute values,
#: 105 408 rows, with room for several columns of long numbers.
MAX_YEAR_OF_VALUES_BYTES = 32 * 1024 * 1024


def read_year_of_values(
    path: str | os.PathLike[str],
    timezone: str,
    year: int,
    *,
    interval_seconds: int | None = None,
    on_standard_time: bool = False,
    allow_gaps: bool = False,
    layout: CsvLayout | None = None,
) -> Readings:
    r"""Read a CSV of values only, without a start column: one year of intervals.

    SAM and REopt take a year as 8760 hourly values (8784 in a leap year), one a line,
    with or without a header line. Row *k* is the interval that starts *k* intervals after
    January 1 00:00 of ``year`` on the clock of ``timezone`` (with ``on_standard_time``,
    of its standard time, as those tools write a year): the rows follow each other in
    time, with no hour skipped or repeated, whatever the clocks do. The interval is the
    year divided by the number of rows, and must be 5, 15, 30 or 60 minutes; given
    (``interval_seconds``), the rows must fill the year at it. A first line that is not a
    number is the header (the file's column names, which ``layout`` may map); without one
    the column is ``kwh``. Each bill says how the rows were dated (`Readings.notes`).

    >>> import tempfile, pathlib
    >>> file = pathlib.Path(tempfile.mkdtemp()) / "year.csv"
    >>> _ = file.write_text("\n".join(["0.5"] * 8760) + "\n")
    >>> readings = read_year_of_values(file, "Asia/Shanghai", 2025)
    >>> len(readings), readings.interval_seconds, readings.starts[0]  # 2024-12-31T16:00Z
    (8760, 3600, 1735660800)

    Raises:
        ReadingsError: The rows do not make the year, the file has a start column, or a
            row breaks the format (the message names the file's line).
    """
    source = str(path)
    try:
        size = os.path.getsize(path)
    except OSError:
        size = 0  # read_bytes says why the file cannot be read
    if size > MAX_YEAR_OF_VALUES_BYTES:
        raise ReadingsError(
            f"{size:,} bytes is more than a year of values takes (at most "
            f"{MAX_YEAR_OF_VALUES_BYTES:,}); a longer file needs a start column",
            file=source,
        )
    text = _decode(read_bytes(path), source, 0, 1).removeprefix("\ufeff")
    lines = text.splitlines()
    while lines and not lines[-1].strip():
        lines.pop()
    header: str | None = None
    if lines and not _ANY_NUMBER.fullmatch(lines[0].split(",", 1)[0].strip()):
        header = lines.pop(0)
        names = {name.strip() for name in header.split(",")}
        mapped = set(layout.columns) if layout is not None else set()
        if {"start", "end"} & (names | mapped):
            raise ReadingsError(
                "the file has a start column, and a year of values has none: leave out "
                "the year of the values",
                file=source,
                line=1,
            )
    elif layout is not None and layout.columns:
        raise ReadingsError(
            "the file has no header line, so its one column is kwh: leave out --columns",
            file=source,
        )
    if on_standard_time:
        standard = standard_time(timezone, year)
        if standard.zone is None:
            raise ReadingsError(
                f"the standard time of {timezone} is UTC{standard.text}, which no "
                "fixed-offset zone is on: date the rows with a start column, the offset "
                f"{standard.text} on every row",
                file=source,
            )
        clock, clock_name = _zone(standard.zone, source), f"{standard.zone}, UTC{standard.text}"
    else:
        clock, clock_name = _zone(timezone, source), timezone
    first = int(datetime(year, 1, 1, tzinfo=clock).timestamp())
    span = int(datetime(year + 1, 1, 1, tzinfo=clock).timestamp()) - first
    count = len(lines)
    hourly = span // 3600
    if interval_seconds is None:
        interval_seconds = span // count if count and span % count == 0 else None
        if interval_seconds not in INFERABLE_INTERVALS_SECONDS:
            raise ReadingsError(
                f"{count:,} rows are not the year {year} in intervals of 5, 15, 30 or 60 "
                f"minutes on the clock of {clock_name}: {hourly:,} hourly values, "
                f"{hourly * 2:,} of 30 minutes, {hourly * 4:,} of 15 or {hourly * 12:,} of 5",
                file=source,
            )
    elif count * interval_seconds != span:
        raise ReadingsError(
            f"{count:,} rows of {interval_seconds // 60} minutes are not the year {year} on "
            f"the clock of {clock_name}, which has {span // interval_seconds:,} of them",
            file=source,
        )
    step = timedelta(seconds=interval_seconds)
    moment = datetime(year, 1, 1, tzinfo=clock).astimezone(UTC)
    rows = ["start," + (header if header is not None else "kwh")]
    for line in lines:
        rows.append(f"{moment:%Y-%m-%dT%H:%M}Z,{line}")
        moment += step
    readings = parse_readings_bytes(
        ("\n".join(rows) + "\n").encode(),
        source,
        timezone if not on_standard_time else str(standard.zone),
        interval_seconds=interval_seconds,
        allow_gaps=allow_gaps,
        line_offset=0 if header is not None else -1,
        layout=layout,
    )
    text = (
        f"readings: {count:,} values without starts, dated from {year}-01-01T00:00 on the "
        f"clock of {clock_name}, every {interval_seconds // 60} minutes"
    )
    if on_standard_time:
        text += f", priced on the clock of {timezone}"
    facts = (
        ("count", f"{count:,}"),
        ("year", f"{year}"),
        ("clock", f"{clock_name}"),
        ("minutes", f"{interval_seconds // 60}"),
        ("priced_on", f"{timezone}" if on_standard_time else ""),
    )
    note = BillWarning(text, "undated_values", facts)
    return replace(readings, notes=(*readings.notes, note))


def _utc_year(instant: int) -> int:
    return (_UNIX_EPOCH + timedelta(seconds=instant)).year


#: The size of the pieces a large readings file is read in [bytes] (some 100 000 rows).
PIECE_BYTES = 2 * 1024 * 1024


def read_pieces(
    path: str | os.PathLike[str],
    timezone: str,
    *,
    interval_seconds: int | None = None,
    allow_gaps: bool = False,
    layout: CsvLayout | None = None,
    piece_bytes: int = PIECE_BYTES,
) -> Readings:
    """Read a readings CSV file in pieces of whole lines, as `read_readings_csv` reads it.

    Each piece is parsed with the header, as the rows of a longer file (its messages name
    the file's lines); the pieces are then joined: the interval found in the first is
    given to the others, the rows on each side of a join must follow each other as rows
    inside a piece do (checked by parsing those two rows), and the quantities are brought
    to the largest scale of any piece. The result, and every message, is the same as for
    the file read whole.

    Raises:
        ReadingsError: As `read_readings_csv`.
    """
    source = str(path)
    try:
        file = open(path, "rb")  # noqa: SIM115 - closed below, pieces are read in a loop
    except OSError as error:
        raise ReadingsError(f"cannot read the file: {error.strerror}", file=source) from error
    with file:
        header = file.readline(piece_bytes)
        if not header.endswith(b"\n"):  # no line end in a whole piece: read it whole
            return parse_readings_bytes(
                header + file.read(),
                source,
                timezone,
                interval_seconds=interval_seconds,
                allow_gaps=allow_gaps,
                layout=layout,
            )
        header_text = _decode(header, source, 0, 1)
        kwh_position = _kwh_position(header_text, layout)
        rows_before = 0  # data rows before the current piece
        bytes_before = len(header)
        carry = b""
        joined = _Joined()
        last_row = ""
        while True:
            block = file.read(piece_bytes)
            data = carry + block
            if block:
                cut = data.rfind(b"\n")
                if cut < 0:
                    carry = data
                    continue
                piece, carry = data[: cut + 1], data[cut + 1 :]
            else:
                piece, carry = data, b""
            if not piece:
                break
            more = bool(block)
            if more and not joined.started and piece.count(b"\n") < 2:
                carry = piece + carry  # the first piece infers the interval: two rows at least
                continue
            text = _decode(piece, source, bytes_before, rows_before + 2)
            if not more and joined.started and not text.strip():
                break  # only the empty lines allowed at the end of the file
            rows = text.count("\n") + (0 if text.endswith("\n") else 1)
            interval = joined.interval or interval_seconds  # the first piece's, once found
            if more and not text[text.rfind("\n", 0, len(text) - 1) + 1 :].strip():
                # A blank line at the end of a piece would pass for the end of the file:
                # read the file whole, which says where the blank line is.
                file.seek(0)
                return parse_readings_bytes(
                    file.read(),
                    source,
                    timezone,
                    interval_seconds=interval_seconds,
                    allow_gaps=allow_gaps,
                    layout=layout,
                )
            first_row = text[: text.find("\n")] if "\n" in text else text
            if joined.started:
                # The piece's first row after the last row before it, checked first: what
                # is wrong with the two (a duplicate, a row out of order, a gap) is on the
                # piece's first line, and reported as the whole file would report it.
                pair = f"{header_text}{last_row}\n{first_row}\n"
                _parse(pair, source, timezone, interval, allow_gaps, rows_before - 1, layout)
            try:
                part: Readings | None = _parse(
                    header_text + text, source, timezone, interval, allow_gaps, rows_before, layout
                )
            except ReadingsError as error:
                if not (allow_gaps and error.message == _NO_ROWS):
                    raise
                if not joined.started and not more:
                    raise  # no reading in the whole file: said at the file's first row
                if not joined.started:  # every row empty: the first piece reads on
                    carry = piece + carry
                    continue
                part = None  # every row a missing reading: the gap spans the piece
            if part is not None:
                joined.add(part)
                kept = _last_kept_row(text, kwh_position)
                if kept is not None:
                    last_row = kept
            rows_before += rows
            bytes_before += len(piece)
            if not more:
                break
    return joined.readings(source)


_NO_ROWS = "no readings: the file has a header but no rows"


def _kwh_position(header: str, layout: CsvLayout | None) -> int:
    """The field of ``kwh`` in each row (-1 when the header has none: refused anyway)."""
    names = [name.strip() for name in header.lstrip("\ufeff").rstrip("\r\n").split(",")]
    wanted = "kwh" if layout is None else layout.file_column("kwh")
    return names.index(wanted) if wanted in names else -1


def _last_kept_row(text: str, kwh_position: int) -> str | None:
    """The last row of a piece whose ``kwh`` is not empty (an empty one is a gap)."""
    end = len(text.rstrip("\r\n"))
    while end > 0:
        start = text.rfind("\n", 0, end) + 1
        row = text[start:end]
        fields = row.rstrip("\r").split(",")
        if row.strip() and 0 <= kwh_position < len(fields) and fields[kwh_position].strip():
            return row
        end = start - 1
    return None


def _decode(data: bytes, source: str, bytes_before: int, first_line: int) -> str:
    """The text of a piece of the file; its first line is line `first_line` of the file."""
    nul = data.find(b"\x00")
    if nul >= 0:
        raise ReadingsError(
            "not a text CSV file: it contains a NUL byte",
            file=source,
            line=_line_of(data, nul) + first_line - 1,
        )
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise ReadingsError(
            f"not a text CSV file: invalid UTF-8 at byte {bytes_before + error.start}; "
            "save it as UTF-8",
            file=source,
            line=_line_of(data, error.start) + first_line - 1,
        ) from error


class _Joined:
    """The readings of the pieces of one file read so far, joined as they come.

    Values are kept once per distinct value (meters repeat a few thousand values): a
    list of ints holds 8 bytes a row for the reference and some 28 for each int object,
    and a reading repeated shares its object. Starts are all distinct.
    """

    def __init__(self) -> None:
        self.interval = 0  # 0 until the first piece is added
        self.notes: tuple[str, ...] = ()
        self.starts: list[int] = []
        self.columns: dict[str, list[int] | None] = {}
        self.gaps: list[tuple[int, int]] = []
        self.scale = 0
        self._shared: dict[int, int] = {}

    @property
    def started(self) -> bool:
        return bool(self.interval)

    def add(self, part: Readings) -> None:
        if not self.started:
            self.interval, self.notes, self.scale = part.interval_seconds, part.notes, part.scale
            self.columns = {
                name: ([] if getattr(part, name) is not None else None)
                for name in ("kwh", *QUANTITY_COLUMNS)
            }
        elif part.starts[0] != self.starts[-1] + self.interval:
            # The two rows were parsed as a pair when the piece was read: a gap, allowed.
            self.gaps.append((self.starts[-1] + self.interval, part.starts[0]))
        if part.scale > self.scale:  # written with more decimal places: lift what is held
            self._shared = {}
            for column in self.columns.values():
                if column is not None:
                    column[:] = self._share(column, part.scale - self.scale)
            self.scale = part.scale
        self.starts.extend(part.starts)
        self.gaps.extend(part.gaps)
        for name, column in self.columns.items():
            if column is not None:
                column.extend(self._share(getattr(part, name), self.scale - part.scale))

    def _share(self, values: list[int], places: int) -> Iterator[int]:
        """The values lifted by ``places`` decimal places, each distinct value once."""
        if places:
            lift = 10**places
            values = [value * lift for value in values]
        return map(self._shared.setdefault, values, values)

    def readings(self, source: str) -> Readings:
        if not self.started:  # a header alone: said at the first row, as read whole
            raise ReadingsError(_NO_ROWS, file=source, line=2)
        gaps = tuple(self.gaps)
        starts = self.starts
        return Readings(
            source=source,
            interval_seconds=self.interval,
            starts=starts,
            scale=self.scale,
            kwh=self.columns["kwh"] or [],
            kvarh=self.columns["kvarh"],
            export_kwh=self.columns["export_kwh"],
            kw=self.columns["kw"],
            gaps=gaps,
            notes=self.notes,
            axis_checked=(starts[0], self.interval, len(starts), gaps),
        )


def parse_readings_bytes(
    data: bytes,
    source: str,
    timezone: str,
    *,
    interval_seconds: int | None = None,
    allow_gaps: bool = False,
    line_offset: int = 0,
    layout: CsvLayout | None = None,
) -> Readings:
    r"""Parse the bytes of a readings CSV file (UTF-8, a byte order mark is accepted).

    >>> data = b"start,kwh\n2025-07-01T00:00,1\n2025-07-01T01:00,2\n"
    >>> parse_readings_bytes(data, "r.csv", "UTC").kwh
    [1000, 2000]

    Args:
        data: The file's bytes.
        source: File name used in messages and kept in `Readings.source`.
        timezone: IANA name of the zone that local ``start`` times are written in.
        interval_seconds: Length of every interval [s], or None to infer it.
        allow_gaps: Accept missing intervals and record them in `Readings.gaps`.
        line_offset: Added to every line number in messages, for rows cut out of a
            longer file (0 for a whole file).
        layout: The file's own column names and units (see `CsvLayout`), or None.

    Raises:
        ReadingsError: The bytes are not UTF-8 text or break the format; the message
            names the line.
    """
    nul = data.find(b"\x00")
    if nul >= 0:
        raise ReadingsError(
            "not a text CSV file: it contains a NUL byte",
            file=source,
            line=_line_of(data, nul) + line_offset,
        )
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise ReadingsError(
            f"not a text CSV file: invalid UTF-8 at byte {error.start}; save it as UTF-8",
            file=source,
            line=_line_of(data, error.start) + line_offset,
        ) from error
    return _parse(text, source, timezone, interval_seconds, allow_gaps, line_offset, layout)


def parse_readings_csv(
    text: str,
    source: str,
    timezone: str,
    *,
    interval_seconds: int | None = None,
    allow_gaps: bool = False,
    layout: CsvLayout | None = None,
) -> Readings:
    r"""Parse the text of a readings CSV file.

    >>> readings = parse_readings_csv(
    ...     "start,kwh\n2025-07-01T00:00,1.5\n2025-07-01T00:15,2\n", "r.csv", "UTC"
    ... )
    >>> readings.interval_seconds, readings.starts, readings.kwh, readings.scale
    (900, [1751328000, 1751328900], [1500, 2000], 3)

    Args:
        text: The whole file as text.
        source: File name used in messages and kept in `Readings.source`.
        timezone: IANA name of the zone that local ``start`` times are written in, and
            whose clock interval starts must be aligned to.
        interval_seconds: Length of every interval [s]; it must divide a day. When None,
            it is inferred from the first two rows and must be 5, 15, 30 or 60 minutes.
        allow_gaps: Accept missing intervals and record them in `Readings.gaps` instead
            of rejecting the file.
        layout: The file's own column names and units (see `CsvLayout`), or None.

    Returns:
        Exact readings: starts as UTC epoch seconds, quantities as integers in units of
        ``10**-scale`` where ``scale`` is the larger of 3 and the most decimal places
        written in any quantity of the file.

    Raises:
        ReadingsError: The file breaks the format; the message names the line and says
            what was found and what is allowed.
    """
    return _parse(text, source, timezone, interval_seconds, allow_gaps, 0, layout)


def parse_readings_header(line: str, source: str, *, line_number: int = 1) -> list[str]:
    """Check the header line of a readings CSV and return its column names.

    >>> parse_readings_header(" start, kwh,kvarh", "r.csv")
    ['start', 'kwh', 'kvarh']

    Args:
        line: The header line, without its line end.
        source: File name used in messages.
        line_number: The line of the header in the file.

    Raises:
        ReadingsError: A column is unknown, unnamed or repeated, or a required one is
            missing.
    """
    return _parse_header(line, source, line_number)


def _parse(
    text: str,
    source: str,
    timezone: str,
    interval_seconds: int | None,
    allow_gaps: bool,
    line_offset: int,
    layout: CsvLayout | None = None,
) -> Readings:
    """Parse the text of a readings CSV; line numbers in messages are moved by the offset."""
    zone = _zone(timezone, source)
    if interval_seconds is not None:
        _check_interval(interval_seconds, source)
    if text.startswith("\ufeff"):
        text = text[1:]
    if "\r" in text:
        text = text.replace("\r\n", "\n")
        carriage_return = text.find("\r")
        if carriage_return >= 0:
            raise ReadingsError(
                "carriage return without a line feed; lines must end with LF or CRLF",
                file=source,
                line=text.count("\n", 0, carriage_return) + 1 + line_offset,
            )
    first_row = 2 + line_offset  # the line of the first data row
    # The text is cut, not split into lines: the body is split into fields once, below.
    header_end = text.find("\n")
    if header_end < 0:
        header, body = text, ""
    else:
        header = text[:header_end]
        body = text[header_end + 1 : _end_of_rows(text, header_end + 1)]
    if layout is None:
        names: list[str | None] = list(_parse_header(header, source, 1 + line_offset))
    else:
        names = _parse_header_by_layout(header, source, 1 + line_offset, layout)
    header_names = [name.strip() for name in header.split(",")]
    width = len(names)
    rows = body.count("\n") + 1 if body else 0
    if layout is None and rows >= 2:
        fixed = _read_fixed_width(body, names, rows, timezone, interval_seconds, first_row)
        if fixed is not None:
            return _fixed_width_readings(source, *fixed)

    problems: list[_Problem | None] = []
    if _fields_per_line_are(body, rows, width):
        # Every line has `width` fields, so the fields of all lines, split at once and
        # sliced, give the columns (one split, no list of lines).
        fields = body.replace("\n", ",").split(",") if body else []
    else:
        lines = body.split("\n")
        for index, line in enumerate(lines):
            if line.count(",") != width - 1:
                problems.append(_Problem(index + first_row, 0, _shape_message(line, header_names)))
                del lines[index:]
                break
        fields = ",".join(lines).split(",") if lines else []
    columns = [fields[position::width] for position in range(width)]
    shape_problems = len(problems)
    # The interval is inferred from the first two rows of the file, also when one of them
    # is an empty reading that allow_gaps turns into a gap.
    first_two_texts = columns[names.index("start")][:2]
    kept_rows: list[int] | None = None
    if allow_gaps:
        columns, kept_rows, problem = _empty_cells_as_gaps(columns, names, first_row)
        problems.append(problem)
        shape_problems = len(problems)

    parser = _StartParser(zone, timezone, first_row)
    start_texts = columns[names.index("start")]
    interval = interval_seconds
    inference_problem: _Problem | None = None
    if interval is None and len(first_two_texts) >= 2:
        first_two, problem = parser.parse(first_two_texts, None)
        if problem is None:
            step = first_two[1] - first_two[0]
            if step in INFERABLE_INTERVALS_SECONDS:
                interval = step
            else:
                problem = _Problem(
                    first_row + 1,
                    _RANK_SEQUENCE,
                    _inference_message(first_two_texts, step, first_row),
                )
        inference_problem = problem  # on a line of the file: not moved below
    starts, problem = parser.parse(start_texts, interval)
    problems.append(problem)
    gaps: tuple[tuple[int, int], ...] = ()
    if interval is not None:
        gaps, problem = _check_sequence(starts, start_texts, interval, allow_gaps, parser)
        problems.append(problem)

    parsed: dict[str, _Column] = {}
    for position, name in enumerate(names):
        if name is not None and name != "start":
            label = header_names[position]
            units = _plain_units(columns[position]) if layout is None else None
            column: _Column | None
            if units is not None:
                column, problem = _Column(_MINIMUM_SCALE, units=units), None
            else:
                column, problem = _parse_column(
                    columns[position], name, _RANK_VALUE + position, first_row, label
                )
                if column is not None and problem is None and parser.remembered and layout is None:
                    column = _keep_plain_units(columns[position], column)
            if column is not None and layout is not None and interval is not None:
                factor = layout.factor(name, interval)
                if factor != 1:
                    column, problem = _convert(
                        column,
                        columns[position],
                        factor,
                        f"{label} ({layout.units[name]})",
                        _RANK_VALUE + position,
                        first_row,
                    )
            problems.append(problem)
            if column is not None:
                parsed[name] = column

    if kept_rows is not None:
        problems[shape_problems:] = _lines_before_removal(
            problems[shape_problems:], kept_rows, first_row
        )
    problems.append(inference_problem)
    found = [problem for problem in problems if problem is not None]  # earliest line wins
    if found:
        first = min(found)
        raise ReadingsError(first.message, file=source, line=first.line)
    if not starts:
        raise ReadingsError(
            "no readings: the file has a header but no rows", file=source, line=first_row
        )
    if interval is None:
        raise ReadingsError(
            "only one reading, so the interval length cannot be inferred; "
            "give the interval length (e.g. 15 minutes: --interval 15, "
            "or interval_seconds=900 in Python)",
            file=source,
            line=first_row,
        )
    scale = max([_MINIMUM_SCALE, *(column.places for column in parsed.values())])
    notes: tuple[str, ...] = ()
    if layout is not None:
        notes = (layout.describe(interval),)
        if layout.marks_interval_end:
            # Each timestamp is the end of its interval: the interval starts one earlier.
            starts = [start - interval for start in starts]
            gaps = tuple((first - interval, after - interval) for first, after in gaps)
    readings = Readings(
        source=source,
        interval_seconds=interval,
        starts=starts,
        scale=scale,
        kwh=parsed["kwh"].to_units(scale),
        kvarh=parsed["kvarh"].to_units(scale) if "kvarh" in parsed else None,
        export_kwh=parsed["export_kwh"].to_units(scale) if "export_kwh" in parsed else None,
        kw=parsed["kw"].to_units(scale) if "kw" in parsed else None,
        gaps=gaps,
        notes=notes,
        # The sequence of starts was checked above (one interval apart except across the
        # gaps), so the time axis needs no second look at every start.
        axis_checked=(starts[0], interval, len(starts), gaps),
    )
    return readings


def _read_fixed_width(
    body: str,
    names: Sequence[str | None],
    rows: int,
    timezone: str,
    interval_seconds: int | None,
    first_row: int,
) -> tuple[int, list[int], dict[str, list[int]]] | None:
    """The rows of a file in fixed columns, if they are its common case; else None.

    Fixed columns: every line is as long as the first, and each field starts and ends
    where the first line's does, so that a column of characters is one slice of the
    bytes with the line's length as the step (no field is cut out a row). The common
    case: the column of starts is, character for character, one already parsed from
    another file and remembered with its starts (`_StartParser._remembered_span`), with
    no change of UTC offset between its days; each quantity column holds plain values
    with the dot in the same place on every line and at most 3 decimals (``0.125``,
    ``12``). Each character of the file is checked: the starts by one comparison of
    their column, joined, with the remembered text; a value's digits by
    ``bytes.isdigit`` of their columns and its dot by comparison. The digits of a value
    are read as one machine word (up to 8 digits, put side by side by slice
    assignments) and looked up in `_PackedUnits`.

    Returns:
        The interval [s], the starts (UTC epoch seconds) and each quantity column in
        units of ``10**-3``: what the general path gives such a file, at scale 3.
    """
    try:
        raw = body.encode("ascii")
    except UnicodeEncodeError:
        return None
    length = raw.find(b"\n")
    stride = length + 1
    if length <= 0 or len(raw) != rows * stride - 1 or raw[length::stride] != b"\n" * (rows - 1):
        return None
    bounds: list[tuple[int, int]] = []
    begin = 0
    for _ in range(len(names) - 1):
        comma = raw.find(b",", begin, length)
        if comma < 0 or raw[comma::stride] != b"," * rows:
            return None
        bounds.append((begin, comma))
        begin = comma + 1
    bounds.append((begin, length))
    if raw.find(b",", begin, length) >= 0:
        return None
    begin, end = bounds[names.index("start")]
    first_text = body[begin:end]
    last_text = body[len(raw) - length + begin : len(raw) - length + end]
    interval = interval_seconds
    if interval is None:
        second = body[stride + begin : stride + end]
        parser = _StartParser(ZoneInfo(timezone), timezone, first_row)
        first_two, problem = parser.parse([first_text, second], None)
        if problem is not None or first_two[1] - first_two[0] not in INFERABLE_INTERVALS_SECONDS:
            return None
        interval = first_two[1] - first_two[0]
    key = (timezone, interval, rows, first_text, last_text)
    found: tuple[str, list[int], bool] | None = _kept.reader_spans.get(key)
    if found is None or not found[2] or found[0] != _column_text(raw, stride, begin, end, rows):
        return None
    columns: dict[str, list[int]] = {}
    for name, (begin, end) in zip(names, bounds, strict=True):
        if name is not None and name != "start":
            units = _fixed_width_units(raw, stride, begin, end, rows)
            if units is None:
                return None
            columns[name] = units
    return interval, list(found[1]), columns


def _column_text(raw: bytes, stride: int, begin: int, end: int, rows: int) -> str:
    """The field at ``begin:end`` of every line of fixed columns, joined by newlines."""
    width = end - begin
    joined = bytearray(rows * (width + 1) - 1)
    for offset in range(width):
        joined[offset :: width + 1] = raw[begin + offset :: stride]
    joined[width :: width + 1] = b"\n" * (rows - 1)
    return joined.decode("ascii")


def _fixed_width_units(
    raw: bytes, stride: int, begin: int, end: int, rows: int
) -> list[int] | None:
    """A quantity column of fixed columns in units of ``10**-3``, if every value is plain.

    Plain as in `_plain_units`, and written alike on every line: the same number of
    digits before the dot, and after it (at most 3), or no dot. Else None.

    Each value is looked up by the word of its digits. Where most of the column's words
    are not kept yet (64 spread over it are looked up first), the column is read in bulk
    (its digits joined, one `int` each) and its words kept at once, rather than one
    look-up that misses at a time.
    """
    field = raw[begin:end]
    dot = field.find(b".")
    digit_offsets = [offset for offset in range(len(field)) if offset != dot]
    places = 0 if dot < 0 else len(field) - dot - 1
    if dot >= 0 and (dot == 0 or not 1 <= places <= 3 or raw[begin + dot :: stride] != b"." * rows):
        return None
    digits = len(digit_offsets)
    if not 1 <= digits <= 8:
        return None
    size = 4 if digits <= 4 else 8
    packed = bytearray(rows * size)
    for place, offset in enumerate(digit_offsets):
        column = raw[begin + offset :: stride]
        if not column.isdigit():
            return None
        packed[place::size] = column
    table = _PACKED_UNITS.get((digits, places))
    if table is None:
        table = _PACKED_UNITS.setdefault((digits, places), _PackedUnits(size, digits, places))
    words = memoryview(packed).cast("I" if size == 4 else "Q")
    sample = words[:: max(1, rows // _SAMPLE)]
    if sum(word in table for word in sample) >= len(sample) - len(sample) // 16:
        return list(map(table.__getitem__, words))
    joined = bytearray(rows * (digits + 1) - 1)
    for place, offset in enumerate(digit_offsets):
        joined[place :: digits + 1] = raw[begin + offset :: stride]
    joined[digits :: digits + 1] = b"\n" * (rows - 1)
    units = list(map(int, joined.split(b"\n")))
    if table.lift != 1:
        units = [value * table.lift for value in units]
    table.keep(words, units)
    return units


class _PackedUnits(dict[int, int]):
    """Values by the machine word of their digits (`_read_fixed_width`), in units of 10**-3.

    One table per count of digits and of decimal places; together they keep at most
    `_PLAIN_UNITS_LIMIT` values (all forgotten when that is passed).
    """

    __slots__ = ("digits", "lift", "size")
    held = 0  # the values kept by every table

    def __init__(self, size: int, digits: int, places: int) -> None:
        super().__init__()
        self.size = size
        self.digits = digits
        self.lift: int = 10 ** (_MINIMUM_SCALE - places)

    def keep(self, words: Iterable[int], units: list[int]) -> None:
        """Keep the units of many words at once (within the bound of every table)."""
        before = len(self)
        self.update(zip(words, units, strict=True))
        _PackedUnits.held += len(self) - before
        if _PackedUnits.held > _PLAIN_UNITS_LIMIT:
            _clear_packed_units()

    def __missing__(self, word: int) -> int:
        text = word.to_bytes(self.size, sys.byteorder)[: self.digits]
        units = int(text) * self.lift
        if _PackedUnits.held >= _PLAIN_UNITS_LIMIT:
            _clear_packed_units()
        self[word] = units
        _PackedUnits.held += 1
        return units


_PACKED_UNITS: dict[tuple[int, int], _PackedUnits] = {}


def _clear_packed_units() -> None:
    for table in _PACKED_UNITS.values():
        table.clear()
    _PackedUnits.held = 0


_kept.register_table(
    "reader_words", _clear_packed_units, lambda: _PackedUnits.held, _PLAIN_UNITS_LIMIT
)


def _fixed_width_readings(
    source: str, interval: int, starts: list[int], columns: dict[str, list[int]]
) -> Readings:
    """The readings of `_read_fixed_width`, as the general path of `_parse` makes them."""
    return Readings(
        source=source,
        interval_seconds=interval,
        starts=starts,
        scale=_MINIMUM_SCALE,
        kwh=columns["kwh"],
        kvarh=columns.get("kvarh"),
        export_kwh=columns.get("export_kwh"),
        kw=columns.get("kw"),
        axis_checked=(starts[0], interval, len(starts), ()),
    )


def _end_of_rows(text: str, start: int) -> int:
    """Where the rows end: before the empty (or blank) lines at the end, which are allowed."""
    end = len(text)
    while end > start:
        cut = text.rfind("\n", start, end)
        if text[max(cut + 1, start) : end].strip():
            break
        end = max(cut, start)
    return end


def _fields_per_line_are(body: str, rows: int, width: int) -> bool:
    """Whether every line of the body has exactly `width` fields.

    Fast because the separators are picked out of the whole text by one C-level
    ``bytes.translate`` and compared with the sequence they must form, instead of
    counting the commas of each line in a Python loop.
    """
    if not rows:
        return True
    try:
        raw = body.encode("ascii")
    except UnicodeEncodeError:
        return set(map(str.count, body.split("\n"), repeat(","))) == {width - 1}
    separators = raw.translate(None, _ALL_BUT_SEPARATORS)
    return separators == (b"," * (width - 1) + b"\n") * (rows - 1) + b"," * (width - 1)


def _zone(timezone: str, source: str) -> ZoneInfo:
    """The zone named `timezone`, or a ReadingsError saying what is allowed."""
    try:
        return ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError, OSError) as error:
        raise ReadingsError(
            f"unknown time zone {timezone!r}; expected an IANA name such as Europe/London",
            file=source,
        ) from error


def _check_interval(interval_seconds: int, source: str) -> None:
    """Reject an interval length that is not a whole divisor of a day."""
    if (
        isinstance(interval_seconds, bool)
        or not isinstance(interval_seconds, int)
        or interval_seconds <= 0
        or _SECONDS_PER_DAY % interval_seconds
    ):
        raise ReadingsError(
            f"interval of {interval_seconds!r} s does not divide a day (86400 s); "
            "expected e.g. 300, 900, 1800 or 3600",
            file=source,
        )


def _line_of(data: bytes, offset: int) -> int:
    """1-based line number of a byte offset."""
    return data.count(b"\n", 0, offset) + 1


def _parse_header(line: str, source: str, line_number: int) -> list[str]:
    """Column names of the header line, checked against the contract."""
    if not line.strip():
        raise ReadingsError(
            f"empty header; the first line must name the columns, e.g. start,kwh "
            f"(allowed: {_ALLOWED_TEXT})",
            file=source,
            line=line_number,
        )
    names = [name.strip() for name in line.split(",")]
    seen: set[str] = set()
    for position, name in enumerate(names, start=1):
        if not name:
            message = f"column {position} of the header has no name; allowed: {_ALLOWED_TEXT}"
        elif name not in ALLOWED_COLUMNS:
            message = (
                f"unknown column {name!r}; allowed: {_ALLOWED_TEXT} "
                "(the first line must name the columns; a file with its own names: "
                "--columns, --ignore-columns)"
            )
        elif name in seen:
            message = f"column {name!r} appears twice; allowed, each once: {_ALLOWED_TEXT}"
        else:
            seen.add(name)
            continue
        raise ReadingsError(message, file=source, line=line_number)
    for name in _REQUIRED_COLUMNS:
        if name not in seen:
            raise ReadingsError(
                f"missing column {name!r}; required: start, kwh; allowed: {_ALLOWED_TEXT}",
                file=source,
                line=line_number,
            )
    return names


def _parse_header_by_layout(
    line: str, source: str, line_number: int, layout: CsvLayout
) -> list[str | None]:
    """The contract name of each of the file's columns (None: not read), by the layout.

    Every column must be accounted for: mapped, ignored, or named as in the contract and
    not mapped from another column. The timestamp column is called ``start`` here, also
    when it holds interval ends (the starts are moved once they are read).
    """
    if not line.strip():
        raise ReadingsError(
            "empty header; the first line must name the columns", file=source, line=line_number
        )
    file_names = [name.strip() for name in line.split(",")]
    header = ",".join(file_names)
    renamed = {column: name for name, column in layout.columns.items()}
    for name, column in layout.columns.items():
        if column not in file_names:
            raise ReadingsError(
                f"columns: {name}={column}, but the header has no column {column!r} "
                f"(columns: {header})",
                file=source,
                line=line_number,
            )
    for column in layout.ignore:
        if column not in file_names:
            raise ReadingsError(
                f"columns: {column!r} is to be ignored, but the header has no such column "
                f"(columns: {header})",
                file=source,
                line=line_number,
            )
    names: list[str | None] = []
    seen: set[str] = set()
    for position, column in enumerate(file_names, start=1):
        if not column:
            raise ReadingsError(
                f"column {position} of the header has no name", file=source, line=line_number
            )
        if column in seen:
            raise ReadingsError(
                f"column {column!r} appears twice in the header", file=source, line=line_number
            )
        seen.add(column)
        if column in renamed:
            name = renamed[column]
            names.append("start" if name == "end" else name)
        elif column in layout.ignore:
            names.append(None)
        elif (
            column in ALLOWED_COLUMNS
            and column not in layout.columns
            and not (column == "start" and layout.marks_interval_end)
        ):
            names.append(column)
        elif column in ALLOWED_COLUMNS:
            given = layout.columns.get(column, layout.columns.get("end"))
            raise ReadingsError(
                f"column {column!r} and column {given!r} would both be read as "
                f"{'start' if column == 'start' else column}; leave one out "
                "(--ignore-columns)",
                file=source,
                line=line_number,
            )
        else:
            raise ReadingsError(
                f"column {column!r} is neither mapped nor ignored: read it as a readings "
                f"column (e.g. --columns kwh={column}) or leave it out "
                f"(--ignore-columns {column})",
                file=source,
                line=line_number,
            )
    for required in ("start", "kwh"):
        if required not in names:
            wanted = "start (or end)" if required == "start" else required
            raise ReadingsError(
                f"no column is read as {wanted}; map one (e.g. {required}=<column>) "
                f"(columns: {header})",
                file=source,
                line=line_number,
            )
    return names


def _convert(
    column: _Column,
    texts: Sequence[str],
    factor: Fraction,
    label: str,
    rank: int,
    first_row: int,
) -> tuple[_Column | None, _Problem | None]:
    """A column's values multiplied by `factor` (a unit conversion), exactly.

    A converted value that is not a finite decimal, or that has more decimal places or
    digits than a written one may, is refused at its line.
    """
    values = column.to_units(column.places)
    numerator, denominator = factor.numerator, factor.denominator
    shift, rest = decimal_places(denominator)
    lift = 10**shift // (denominator // rest)
    if rest != 1:
        for index, value in enumerate(values):
            if value * numerator % rest:
                return None, _Problem(
                    index + first_row,
                    rank,
                    f"{label} is {texts[index].strip()!r}; × {factor} (the unit's factor over "
                    "the interval) is not a finite decimal; give energy per interval instead",
                )
    converted = [value * numerator // rest * lift for value in values]
    places = column.places + shift
    if places > _MAXIMUM_DECIMAL_PLACES:
        # More places than a written value may have: exact only if the extra ones are 0.
        extra = 10 ** (places - _MAXIMUM_DECIMAL_PLACES)
        for index, value in enumerate(converted):
            if value % extra:
                return None, _Problem(
                    index + first_row,
                    rank,
                    f"{label} is {texts[index].strip()!r}: converted, it has more than "
                    f"{_MAXIMUM_DECIMAL_PLACES} decimal places",
                )
        converted = [value // extra for value in converted]
        places = _MAXIMUM_DECIMAL_PLACES
    limit = 10 ** (_MAXIMUM_INTEGER_DIGITS + places)
    for index, value in enumerate(converted):
        if value >= limit:
            return None, _Problem(
                index + first_row,
                rank,
                f"{label} is {texts[index].strip()!r}: converted, it has more than "
                f"{_MAXIMUM_INTEGER_DIGITS} digits before the decimal point",
            )
    return _Column(places, units=converted), None


def _shape_message(line: str, names: list[str]) -> str:
    """Why a data line does not fit the header."""
    if not line.strip():
        return "empty line; only empty lines at the end of the file are allowed"
    count = line.count(",") + 1
    return (
        f"{count} field{'' if count == 1 else 's'}, expected {len(names)} as in the header "
        f"({','.join(names)})"
    )


def _inference_message(start_texts: Sequence[str], step: int, first_row: int) -> str:
    """Why the interval length could not be inferred from the first two rows."""
    first, second = start_texts[0].strip(), start_texts[1].strip()
    if step == 0:
        return f"{second} appears twice (first at row {first_row})"
    if step < 0:
        return f"{second} is earlier than {first} on row {first_row}; rows must be in time order"
    return (
        f"the first two readings, {first} and {second}, are {_duration(step)} apart, so the "
        "interval length cannot be inferred; allowed: 5, 15, 30 or 60 minutes, "
        "or give the interval length (e.g. --interval 15)"
    )


def _duration(seconds: int) -> str:
    """A length of time in words: '15 minutes', '1 hour', '90 seconds'."""
    if seconds % 3600 == 0:
        count, unit = seconds // 3600, "hour"
    elif seconds % 60 == 0:
        count, unit = seconds // 60, "minute"
    else:
        count, unit = seconds, "second"
    return f"{count} {unit}" + ("" if count == 1 else "s")


def _once(texts: Sequence[str], index: int) -> bool:
    """Whether no other row of the same date has the start of row ``index``."""
    text = texts[index].strip()
    date = text[:10]
    for step in (-1, 1):
        other = index + step
        while 0 <= other < len(texts) and texts[other][:10] == date:
            if texts[other].strip() == text:
                return False
            other += step
    return True


def _format_offset(seconds: int) -> str:
    """A UTC offset as written in ISO 8601: ``+08:00``, ``-07:00``."""
    sign = "-" if seconds < 0 else "+"
    hours, rest = divmod(abs(seconds), 3600)
    minutes, rest = divmod(rest, 60)
    return f"{sign}{hours:02d}:{minutes:02d}" + (f":{rest:02d}" if rest else "")


def _seconds(delta: timedelta | None) -> int:
    """Whole seconds of a UTC offset."""
    if delta is None:  # pragma: no cover - ZoneInfo always knows its offset
        raise ValueError("time zone gave no UTC offset")
    return delta.days * _SECONDS_PER_DAY + delta.seconds


def _date_text(ordinal: int) -> str:
    """A proleptic Gregorian ordinal as ``YYYY-MM-DD``."""
    return date.fromordinal(ordinal).isoformat()


def _local_day(timezone: str, date_text: str) -> _Day:
    """Parse a date: its local midnight [s] and the zone's offset if constant, or invalid.

    The midnight is counted in seconds on the local clock; the UTC offset [s] is given
    when every wall time of the day occurs once and with it, else None
    (`tariffs.engine.clock.local_day_offsets`); text that is not a date gives `_INVALID`.
    Kept across files (`tariffs.engine._kept.reader_days`): a batch of accounts reads the
    same days again and again.
    """
    key = (timezone, date_text)
    found: _Day | None = _kept.reader_days.get(key)
    if found is None:
        found = _kept.reader_days.keep(key, _parse_local_day(timezone, date_text))
    return found


def _parse_local_day(timezone: str, date_text: str) -> _Day:
    match = _DATE.fullmatch(date_text)
    if match is None:
        return _INVALID
    year, month, day_of_month = map(int, match.groups())
    if not _FIRST_YEAR <= year <= _LAST_YEAR:
        return _INVALID
    try:
        calendar_day = date(year, month, day_of_month)
    except ValueError:
        return _INVALID
    ordinal = calendar_day.toordinal()
    base = (ordinal - _UNIX_EPOCH_ORDINAL) * _SECONDS_PER_DAY
    return base, local_day_offsets(timezone, year)[ordinal - date(year, 1, 1).toordinal()]


class _StartParser:
    """Turn ``start`` texts into UTC epoch seconds, with caches for days and times."""

    def __init__(self, zone: ZoneInfo, timezone: str, first_row: int = 2) -> None:
        self.zone = zone
        self.timezone = timezone
        self.first_row = first_row
        self.days: dict[str, _Day] = {}
        self.times: dict[str, _TimeOfDay] = {}
        self.utc_day_offsets: dict[int, int | None] = {}
        # Whether the rows carry UTC offsets; decided by the first row.
        self.with_offsets: bool | None = None
        self.day_templates: dict[tuple[str, str, int], str] = {}
        # The first row off the interval grid; parsing goes on so that a row that also
        # overlaps its predecessor is reported as an overlap.
        self.misaligned: _Problem | None = None
        # Whether the last parse took only whole-day blocks, each starting one interval
        # after the one before: then the starts need no check of their sequence.
        self.contiguous = False
        # Whether the last parse found its column of starts kept from another file (a
        # run of meters read over the same intervals: see `_keep_plain_units`).
        self.remembered = False

    def parse(
        self, texts: Sequence[str], interval: int | None
    ) -> tuple[list[int], _Problem | None]:
        """Parse texts of consecutive rows, the first on line `first_row`.

        Whole days written in one style take the block path (one text comparison per
        day); other days are parsed row by row.

        Args:
            texts: The ``start`` field of each row.
            interval: Interval length [s] that starts must be aligned to on the local
                clock, or None to leave alignment unchecked.

        Returns:
            The UTC starts of the rows before the first problem that stops parsing, and
            the first problem.
        """
        self.with_offsets = None
        self.misaligned = None
        self.contiguous = True
        starts: list[int] = []
        # Days are taken as blocks when every interval starts on a whole minute.
        block_interval = interval if interval is not None and interval % 60 == 0 else 0
        if block_interval and texts:
            span = self._remembered_span(texts, block_interval)
            if span is not None:
                return span, None
        index = 0
        count = len(texts)
        while index < count:
            if block_interval:
                taken = self._parse_block(texts, index, block_interval, starts)
                if taken:
                    index += taken
                    continue
            self.contiguous = False
            index, problem = self._parse_rows(texts, index, interval, starts)
            if problem is not None:
                return starts, min(problem, self.misaligned or problem)
        return starts, self.misaligned

    def _remembered_span(self, texts: Sequence[str], interval: int) -> list[int] | None:
        """`_parse_span`, for a column of starts already parsed from another file.

        The meters of a billing run are read over the same intervals, so their files'
        ``start`` columns are the same text. The text of a column that parsed is kept with
        its starts; a column equal to it (one C-level comparison) gets a copy of them.
        """
        key = (self.timezone, interval, len(texts), texts[0], texts[-1])
        joined = "\n".join(texts)
        found: tuple[str, list[int], bool] | None = _kept.reader_spans.get(key)
        if found is not None and found[0] == joined:
            self.with_offsets, self.contiguous, self.remembered = False, found[2], True
            return list(found[1])
        span = self._parse_span(texts, interval, joined)
        if span is not None:
            _kept.reader_spans.keep(key, (joined, span, self.contiguous), len(texts))
            return list(span)
        return None

    def _parse_span(self, texts: Sequence[str], interval: int, joined: str) -> list[int] | None:
        """All rows at once, if they are the file's common case; else None (and no change).

        The common case: starts without a UTC offset, in the style of the first row, every
        interval from the first one on, over days whose UTC offset does not change. The
        expected text of the whole column is made from the day's template with one
        ``str.replace`` per day, and compared with the rows joined, once; the UTC starts
        are one `range` per run of days with the same offset (one for a zone without
        daylight saving time).
        """
        text = texts[0]
        date_text, time_text = text[:10], text[10:]
        day = self.days.get(date_text) or self._day(date_text)
        time = self.times.get(time_text) or self._time(time_text)
        if day is _INVALID or time is _INVALID or time[1] is not None or time[0] % interval:
            return None
        per_day = _SECONDS_PER_DAY // interval
        first_slot = time[0] // interval
        count = len(texts)
        first_day = day[0] // _SECONDS_PER_DAY + _UNIX_EPOCH_ORDINAL
        last_day = first_day + (first_slot + count - 1) // per_day
        if last_day > _LAST_ORDINAL:
            return None
        date_texts = [_date_text(ordinal) for ordinal in range(first_day, last_day + 1)]
        days = [self.days.get(date) or self._day(date) for date in date_texts]
        if any(day_info is _INVALID or day_info[1] is None for day_info in days):
            return None
        template = self._day_template(time_text, interval)
        stride = len(text) + 1  # a row and its newline; dates are all 10 characters long
        expected = "\n".join([template.replace("\x00", date) for date in date_texts])
        # Compared in place (no copy of a slice): same length, and a prefix from the slot.
        if len(joined) != count * stride - 1 or not expected.startswith(
            joined, first_slot * stride
        ):
            return None
        starts: list[int] = []
        slot = first_slot
        left = count
        for base, offset in days:
            taken = min(per_day - slot, left)
            first_utc = base + slot * interval - (offset or 0)
            if starts and starts[-1] + interval != first_utc:
                self.contiguous = False
            starts.extend(range(first_utc, first_utc + taken * interval, interval))
            slot, left = 0, left - taken
        self.with_offsets = False
        return starts

    def _parse_block(
        self, texts: Sequence[str], index: int, interval: int, starts: list[int]
    ) -> int:
        """Take the rest of a local day at once if its rows are exactly as expected.

        Expected means: every interval of the day from this row on, in order, written in
        the style of this row (separator, seconds, offset), on a day whose UTC offset does
        not change. Returns how many rows were taken, 0 if the rows are anything else.

        Fast because the day's texts are checked by one comparison of two strings: the
        rows joined, and the day's template (made once per style) with the date put in
        by one ``str.replace``; no string is built per row.
        """
        text = texts[index]
        date_text = text[:10]
        day = self.days.get(date_text) or self._day(date_text)
        time_text = text[10:]
        time = self.times.get(time_text) or self._time(time_text)
        if day is _INVALID or time is _INVALID:
            return 0
        base, day_offset = day
        time_of_day, written_offset = time
        with_offsets = written_offset is not None
        if time_of_day % interval or self.with_offsets not in (None, with_offsets):
            return 0
        template = self._day_template(time_text, interval)
        stride = len(time_text) + 2  # placeholder, time text, newline
        first_slot = time_of_day // interval
        taken = min(_SECONDS_PER_DAY // interval - first_slot, len(texts) - index)
        expected = template[first_slot * stride : (first_slot + taken) * stride - 1]
        # Rows hold no newline (they were split at newlines), so equal joined texts
        # mean equal rows.
        if "\n".join(texts[index : index + taken]) != expected.replace("\x00", date_text):
            return 0
        if written_offset is None:
            if day_offset is None:
                return 0
            first_utc = base + time_of_day - day_offset
        else:
            first_utc = base + time_of_day - written_offset
            # Rows written with the offset that the zone keeps all day are the zone's own
            # wall times of that day, on the grid. Otherwise the zone's offset is looked up
            # at both ends; the tz database never changes a zone's offset twice within two
            # days, so equal ends mean no change between.
            if written_offset != day_offset:
                zone_offset = utc_offset(self.zone, first_utc)
                if (first_utc + zone_offset) % interval or zone_offset != utc_offset(
                    self.zone, first_utc + (taken - 1) * interval
                ):
                    return 0
        self.with_offsets = with_offsets
        if starts and starts[-1] + interval != first_utc:
            self.contiguous = False
        starts.extend(range(first_utc, first_utc + taken * interval, interval))
        return taken

    def _day_template(self, time_text: str, interval: int) -> str:
        """Texts of every interval of a day in the style of `time_text`, one a line.

        Each line is a NUL (where the date goes) and the time text, so every line has
        the same length and a run of slots is a slice.
        """
        key = (time_text[0], time_text[6:], interval)
        template = self.day_templates.get(key)
        if template is None:
            separator, rest = key[0], key[1]
            template = "\n".join(
                f"\x00{separator}{seconds // 3600:02d}:{seconds // 60 % 60:02d}{rest}"
                for seconds in range(0, _SECONDS_PER_DAY, interval)
            )
            self.day_templates[key] = template
        return template

    def _parse_rows(
        self, texts: Sequence[str], index: int, interval: int | None, starts: list[int]
    ) -> tuple[int, _Problem | None]:
        """Parse rows one by one from `index` up to the first row of another date.

        Returns:
            The index of the next row to parse, and the first problem found, if any.
        """
        alignment = interval if interval is not None else 1
        date_of_block = texts[index][:10]
        count = len(texts)
        while index < count:
            text = texts[index]
            date_text = text[:10]
            if date_text != date_of_block:
                break
            time_text = text[10:]
            day = self.days.get(date_text) or self._day(date_text)
            time = self.times.get(time_text) or self._time(time_text)
            if day is _INVALID or time is _INVALID:
                parsed = self._parse_slowly(text)
                if isinstance(parsed, str):
                    return index, _Problem(index + self.first_row, _RANK_START, parsed)
                day, time = parsed
            base, day_offset = day
            time_of_day, written_offset = time
            with_offsets = written_offset is not None
            if self.with_offsets is None:
                self.with_offsets = with_offsets
            elif self.with_offsets != with_offsets:
                return index, self._mixed(index, text, has_offset=with_offsets)
            if written_offset is None:
                if day_offset is not None:
                    utc = base + time_of_day - day_offset
                else:
                    converted = self._local_in_transition(
                        base + time_of_day, text.strip(), once=partial(_once, texts, index)
                    )
                    if isinstance(converted, str):
                        return index, _Problem(index + self.first_row, _RANK_START, converted)
                    utc = converted
                if time_of_day % alignment and self.misaligned is None:
                    self.misaligned = self._misaligned(index, text, interval)
            else:
                utc = base + time_of_day - written_offset
                if (utc + self._zone_offset(utc)) % alignment and self.misaligned is None:
                    self.misaligned = self._misaligned(index, text, interval)
            starts.append(utc)
            index += 1
        return index, None

    def _day(self, date_text: str) -> _Day:
        """Parse a date: local midnight [s], and the offset if constant (cached)."""
        day = _local_day(self.timezone, date_text)
        self.days[date_text] = day
        return day

    def _zone_offset(self, utc: int) -> int:
        """The zone's UTC offset [s] at a UTC instant, kept per UTC day without a change."""
        utc_day = utc // _SECONDS_PER_DAY
        if utc_day in self.utc_day_offsets:
            offset = self.utc_day_offsets[utc_day]
        else:
            start = utc_day * _SECONDS_PER_DAY
            runs = utc_offset_runs(self.timezone, start, start + _SECONDS_PER_DAY)
            offset = runs[0][2] if len(runs) == 1 else None
            self.utc_day_offsets[utc_day] = offset
        return utc_offset(self.zone, utc) if offset is None else offset

    def _time(self, time_text: str) -> _TimeOfDay:
        """Parse and cache a time of day with its separator: ``T00:15``, ``T00:15Z``."""
        time = _INVALID
        match = _TIME.fullmatch(time_text)
        if match is not None:
            hour, minute, second, zulu, sign, offset_hours, offset_minutes = match.groups()
            seconds = int(second) if second else 0
            if int(hour) <= 23 and int(minute) <= 59 and seconds <= 59:
                time_of_day = int(hour) * 3600 + int(minute) * 60 + seconds
                if zulu:
                    time = (time_of_day, 0)
                elif sign is None:
                    time = (time_of_day, None)
                elif int(offset_hours) <= 23 and int(offset_minutes or 0) <= 59:
                    offset = int(offset_hours) * 3600 + int(offset_minutes or 0) * 60
                    time = (time_of_day, -offset if sign == "-" else offset)
        self.times[time_text] = time
        return time

    def _parse_slowly(self, text: str) -> tuple[_Day, _TimeOfDay] | str:
        """Parse a start that missed the fast path, or say what is wrong with it."""
        stripped = text.strip()
        if not stripped:
            return f"start is empty; {_START_EXAMPLE}"
        date_text = stripped[:10]
        day = self.days.get(date_text)
        if day is None:
            day = self._day(date_text)
        time_text = stripped[10:]
        time = self.times.get(time_text)
        if time is None:
            time = self._time(time_text)
        if day is not _INVALID and time is not _INVALID:
            return day, time
        if day is _INVALID and _DATE.fullmatch(date_text) and _TIME.fullmatch(time_text):
            return (
                f"start {stripped!r} is not a valid date between "
                f"{_FIRST_YEAR} and {_LAST_YEAR}; {_START_EXAMPLE}"
            )
        other = non_ascii_digit(stripped)
        if other is not None:
            return f"start {stripped!r} holds {other}; write ASCII digits"
        return f"start {stripped!r} is not valid; {_START_EXAMPLE}"

    def _local_in_transition(
        self, local: int, text: str, *, once: Callable[[], bool] | None = None
    ) -> int | str:
        """UTC of a local wall time on a day when the clocks change, or why there is none.

        By PEP 495, ``fold=0`` applies the offset from before the change and ``fold=1``
        the one after; they differ only for a wall time that is skipped (the offset grows)
        or repeated (the offset shrinks). ``once`` says whether the file has a repeated
        wall time only once, as a file on standard time all year has.
        """
        wall = (_UNIX_EPOCH + timedelta(seconds=local)).replace(tzinfo=self.zone)
        before = _seconds(wall.utcoffset())
        after = _seconds(wall.replace(fold=1).utcoffset())
        if before == after:
            return local - before
        if before < after:
            return (
                f"{text} does not exist in {self.timezone}: the clocks skip it when they "
                "move forward; a file in local time leaves the skipped times out, and "
                + self._on_standard_time(wall.year)
            )
        message = (
            f"{text} is ambiguous in {self.timezone}: the clocks pass it twice when they "
            f"move back; write the UTC offset, {text}{_format_offset(before)} for the first "
            f"or {text}{_format_offset(after)} for the second, on every row"
        )
        if once is not None and once():
            message += "; the file has it once, and " + self._on_standard_time(wall.year)
        return message

    def _on_standard_time(self, year: int) -> str:
        """How to read a file on the zone's standard time all year (no clock changes)."""
        standard = standard_time(self.timezone, year)
        way = (
            f"a file on standard time all year (8760 hourly values, as SAM, REopt and "
            f"OS-HPXML write) is on the clock of UTC{standard.text}"
        )
        if standard.zone is None:
            return (
                f"{way}: write the offset {standard.text} on every row, to price its instants "
                f"on the clock of {self.timezone}"
            )
        return (
            f"{way}, the fixed-offset zone {standard.zone}: read it with --clock standard "
            f"(or write the offset {standard.text} on every row), to price its instants on "
            f"the clock of {self.timezone}, or price the tariff on standard time all year "
            f"too, as SAM and REopt do (a URDB record: --timezone {standard.zone})"
        )

    def _mixed(self, index: int, text: str, *, has_offset: bool) -> _Problem:
        """The problem of a row that differs from the first row in having an offset."""
        if has_offset:
            message = f"{text.strip()} has a UTC offset but row {self.first_row} has none"
        else:
            message = f"{text.strip()} has no UTC offset but row {self.first_row} has one"
        message += "; write an offset on every row or on none"
        return _Problem(index + self.first_row, _RANK_START, message)

    def _misaligned(self, index: int, text: str, interval: int | None) -> _Problem:
        """The problem of a start that is not on an interval boundary of the local clock."""
        length = _duration(interval or 1)
        return _Problem(
            index + self.first_row,
            _RANK_ALIGNMENT,
            f"{text.strip()} does not start an interval: with intervals of {length}, starts "
            f"must be whole multiples of {length} after midnight on the clock in "
            f"{self.timezone}",
        )

    def format_instant(self, utc: int) -> str:
        """A UTC instant in the style of the file: local time, with the offset if used."""
        local = datetime.fromtimestamp(utc, self.zone)
        text = local.strftime("%Y-%m-%dT%H:%M")
        if local.second:
            text += f":{local.second:02d}"
        if self.with_offsets:
            text += _format_offset(_seconds(local.utcoffset()))
        return text


def _empty_cells_as_gaps(
    columns: list[list[str]], names: Sequence[str | None], first_row: int
) -> tuple[list[list[str]], list[int] | None, _Problem | None]:
    """With gaps allowed, drop the rows whose ``kwh`` cell is empty: missing intervals.

    Such a row must have every quantity cell empty (a ``kvarh`` without its ``kwh`` is
    refused, not dropped). The dropped rows leave holes in the starts, which the sequence
    check records as gaps.

    Returns:
        The columns without those rows; the indices (in the file's rows) of the rows
        kept, or None when none was dropped; the first problem, if any.
    """
    kwh = columns[names.index("kwh")]
    if all(cell.strip() for cell in kwh):
        return columns, None, None
    quantities = [
        position for position, name in enumerate(names) if name is not None and name != "start"
    ]
    kept: list[int] = []
    for index, cell in enumerate(kwh):
        if cell.strip():
            kept.append(index)
            continue
        for position in quantities:
            if columns[position][index].strip():
                message = (
                    f"kwh is empty but {names[position]} is not; a missing interval has "
                    "every value empty"
                )
                return columns, None, _Problem(index + first_row, _RANK_VALUE, message)
    return [[column[index] for index in kept] for column in columns], kept, None


def _lines_before_removal(
    problems: Sequence[_Problem | None], kept_rows: Sequence[int], first_row: int
) -> list[_Problem | None]:
    """Problems found after rows were dropped, moved back to the lines of the file."""
    moved: list[_Problem | None] = []
    for problem in problems:
        if problem is not None and 0 <= problem.line - first_row < len(kept_rows):
            line = kept_rows[problem.line - first_row] + first_row
            problem = problem._replace(line=line)
        moved.append(problem)
    return moved


def _check_sequence(
    starts: list[int],
    start_texts: Sequence[str],
    interval: int,
    allow_gaps: bool,
    parser: _StartParser,
) -> tuple[tuple[tuple[int, int], ...], _Problem | None]:
    """Check that starts follow each other by one interval; collect allowed gaps.

    Returns:
        The gaps ``(first missing start, next start)`` when `allow_gaps`, and the first
        problem among the given starts, if any.
    """
    count = len(starts)
    if parser.contiguous or not count:
        return (), None
    if starts == list(range(starts[0], starts[0] + count * interval, interval)):
        return (), None
    gaps: list[tuple[int, int]] = []
    previous = starts[0]
    for index in range(1, count):
        current = starts[index]
        step = current - previous
        if step != interval:
            line = index + parser.first_row
            text, previous_text = start_texts[index].strip(), start_texts[index - 1].strip()
            if step > 0 and step % interval == 0:
                if allow_gaps:
                    gaps.append((previous + interval, current))
                    previous = current
                    continue
                missing = step // interval - 1
                message = (
                    f"gap: no readings from {parser.format_instant(previous + interval)} "
                    f"to {parser.format_instant(current)} ({missing} interval"
                    f"{'' if missing == 1 else 's'} missing); use --allow-gaps to bill "
                    "the readings without them"
                )
            elif step == 0:
                message = f"{text} appears twice (first at row {line - 1})"
            elif step < 0:
                message = (
                    f"{text} is earlier than {previous_text} on row {line - 1}; "
                    "rows must be in time order"
                )
            elif step < interval:
                message = (
                    f"{text} is only {_duration(step)} after {previous_text} on row "
                    f"{line - 1}, so intervals of {_duration(interval)} overlap"
                )
            else:
                message = (
                    f"{text} is {_duration(step)} after {previous_text} on row {line - 1}, "
                    f"not a whole number of intervals of {_duration(interval)} "
                    "(mixed interval lengths)"
                )
            return tuple(gaps), _Problem(line, _RANK_SEQUENCE, message)
        previous = current
    return tuple(gaps), None


class _Column:
    """The values of one quantity column, checked, waiting for the file's scale.

    Either ``digits`` holds the column's values joined by newlines, all with exactly
    ``places`` decimal places (the fast path), or ``numbers`` holds each value as
    ``(coefficient, exponent)`` meaning ``coefficient * 10**exponent``.
    """

    __slots__ = ("digits", "numbers", "places", "units")

    def __init__(
        self,
        places: int,
        digits: str | None = None,
        numbers: list[tuple[int, int]] | None = None,
        units: list[int] | None = None,
    ) -> None:
        self.places = places
        self.digits = digits
        self.numbers = numbers
        self.units = units  # or the values as integers in units of 10**-places

    def to_units(self, scale: int) -> list[int]:
        """The values as integers in units of ``10**-scale``; `scale` >= `places`."""
        if self.units is not None:
            if scale == self.places:
                return self.units
            lift = 10 ** (scale - self.places)
            return [value * lift for value in self.units]
        if self.numbers is not None:
            return [
                coefficient * 10 ** (exponent + scale) for coefficient, exponent in self.numbers
            ]
        digits = self.digits or ""
        if not digits:
            return []
        if self.places:
            digits = digits.replace(".", "")
        if scale > self.places:
            zeros = "0" * (scale - self.places)
            digits = digits.replace("\n", zeros + "\n") + zeros
        return list(map(int, digits.split("\n")))


class _NotPlain(Exception):
    """A value that is not plain with at most 3 decimal places (`_PlainUnits`)."""


class _PlainUnits(dict[str, int]):
    r"""Plain values with at most 3 decimal places, by their text, in units of ``10**-3``.

    Kept across files (a batch reads the same few thousand values again and again), at
    most `_PLAIN_UNITS_LIMIT` of them (all forgotten when that is passed). A text that is
    not yet kept is read here; one that is not plain (``\d{1,15}``, then a dot and 1 to
    3 digits, ASCII) raises `_NotPlain`, and the column is read as before.
    """

    __slots__ = ()

    def __missing__(self, text: str) -> int:
        match = _PLAIN_UP_TO_MILLI.fullmatch(text)
        if match is None:
            raise _NotPlain
        whole, fraction = match.groups()
        units = int(whole) * 1000 + (int(fraction.ljust(3, "0")) if fraction else 0)
        if len(self) >= _PLAIN_UNITS_LIMIT:
            self.clear()
        self[text] = units
        return units


_PLAIN_UNITS = _PlainUnits()
_kept.register_table("reader_values", _PLAIN_UNITS.clear, _PLAIN_UNITS.__len__, _PLAIN_UNITS_LIMIT)


def _plain_units(texts: Sequence[str]) -> list[int] | None:
    """A column of plain values with at most 3 decimals in units of ``10**-3``, or None.

    The common case of a quantity column, at one dictionary look-up a value: no check of
    its shape, no `int` and no new int object a row (a repeated value shares its object).
    The result is what `_parse_column` and `_Column.to_units` give at the minimum scale
    (3): such a column never lifts the scale. Any other column (a value with more
    decimals, a sign, an exponent, spaces, an empty cell, text) gives None.

    Only a column whose values are mostly known already is read so: 64 values spread
    over it are looked up first, and unless all but a few are kept, None. A file with
    thousands of values not met before is read in bulk by `_parse_column`; where its
    column of starts was kept from another file (a run of meters: more files like it
    will come), its values are kept too (`_keep_plain_units`), and the next files look
    them up. A single file pays nothing for the table.
    """
    count = len(texts)
    if not count:
        return None
    sample = texts[:: max(1, count // _SAMPLE)]
    if sum(text in _PLAIN_UNITS for text in sample) < len(sample) - len(sample) // 16:
        return None
    try:
        return list(map(_PLAIN_UNITS.__getitem__, texts))
    except _NotPlain:
        return None


def _keep_plain_units(texts: Sequence[str], column: _Column) -> _Column:
    """The column read in bulk, as units of ``10**-3``, its values kept by their text.

    Only a column of plain values with the same places (at most 3) on every line, read
    by the fast path of `_parse_column` (``digits``): each text's units are what
    `_PlainUnits` would read from it. The table forgets everything past its bound.
    """
    if column.digits is None or column.places > _MINIMUM_SCALE:
        return column
    units = column.to_units(_MINIMUM_SCALE)
    _PLAIN_UNITS.update(zip(texts, units, strict=True))
    if len(_PLAIN_UNITS) > _PLAIN_UNITS_LIMIT:
        _PLAIN_UNITS.clear()
    return _Column(_MINIMUM_SCALE, units=units)


def _is_uniform(joined: str, count: int, places: int) -> bool:
    r"""Whether `count` newline-joined values are all plain with exactly `places` decimals.

    Plain is ``\d{1,15}``, then a dot and `places` digits when `places` > 0: what the
    regular expression ``\d{1,15}(\.\d{places})?`` (ASCII digits) matches. Fast because
    the whole column is checked by a few C-level byte operations instead of a regular
    expression that steps through every character:

    - deleting the digits must leave exactly one dot per value (or none) and the
      newlines between values: no other character, no empty value;
    - with every digit turned into ``9``, each value's end must read ``.999`` (for 3
      places): one such text per value, found by ``bytes.count``;
    - no value starts with the dot, and no run of 16 digits (the most decimals are 9,
      so such a run can only be a whole part of more than 15 digits).
    """
    try:
        raw = joined.encode("ascii")
    except UnicodeEncodeError:
        return False
    if places:
        if raw.translate(None, _DIGITS) != b".\n" * (count - 1) + b".":
            return False
        shape = raw.translate(_DIGITS_TO_NINES)
        ending = b"." + b"9" * places
        return (
            shape.count(ending + b"\n") == count - 1
            and shape.endswith(ending)
            and not shape.startswith(b".")
            and b"\n." not in shape
            and _TOO_MANY_DIGITS not in shape
        )
    return (
        bool(raw)
        and raw.translate(None, _DIGITS) == b"\n" * (count - 1)
        and not raw.startswith(b"\n")
        and not raw.endswith(b"\n")
        and b"\n\n" not in raw
        and _TOO_MANY_DIGITS not in raw.translate(_DIGITS_TO_NINES)
    )


def _parse_column(
    texts: Sequence[str], name: str, rank: int, first_row: int, label: str | None = None
) -> tuple[_Column | None, _Problem | None]:
    """Check the values of one quantity column, the first on line `first_row`.

    `name` is the contract's name of the column, `label` the file's (when they differ).
    """
    if not texts:
        return _Column(0, digits=""), None
    first = texts[0]
    dot = first.find(".")
    places = 0 if dot < 0 else len(first) - dot - 1
    if places <= _MAXIMUM_DECIMAL_PLACES:
        joined = "\n".join(texts)
        if _is_uniform(joined, len(texts), places):
            return _Column(places, digits=joined), None
    numbers: list[tuple[int, int]] = []
    append = numbers.append
    most_places = 0
    for index, text in enumerate(texts):
        match = _PLAIN_NUMBER.fullmatch(text)
        if match is not None:
            whole, fraction = match.groups()
            if fraction:
                append((int(whole + fraction), -len(fraction)))
                most_places = max(most_places, len(fraction))
            else:
                append((int(whole), 0))
            continue
        number = _parse_number(text, name, label)
        if isinstance(number, str):
            return None, _Problem(index + first_row, rank, number)
        append(number)
        most_places = max(most_places, -number[1])
    return _Column(most_places, numbers=numbers), None


def _parse_number(text: str, name: str, label: str | None = None) -> tuple[int, int] | str:
    """A value in any accepted spelling as ``(coefficient, exponent)``, or what is wrong.

    Messages call the column `label` (the file's name for it) when given, else `name`.
    """
    is_kwh = name == "kwh"
    name = label or name
    stripped = text.strip()
    if not stripped:
        if is_kwh:
            return (
                f"{name} is empty; {_NUMBER_EXAMPLE}, or use --allow-gaps to bill an empty "
                "kwh as a missing interval"
            )
        return f"{name} is empty; {_NUMBER_EXAMPLE}"
    if not _ANY_NUMBER.fullmatch(stripped):
        if stripped.lower().lstrip("+-") in _NOT_FINITE:
            return f"{name} is {stripped!r}, not a finite number; {_NUMBER_EXAMPLE}"
        other = non_ascii_digit(stripped)
        if other is not None:
            return f"{name} is {stripped!r}, which holds {other}; write ASCII digits"
        return f"{name} is {stripped!r}, not a number; {_NUMBER_EXAMPLE}"
    try:
        value = Decimal(stripped)
    except ArithmeticError:  # an exponent beyond what Decimal can hold
        return f"{name} is {stripped!r}, out of range; {_NUMBER_EXAMPLE}"
    if value < 0:
        return f"{name} is {stripped!r}, a negative value; {_NUMBER_EXAMPLE}"
    _, digits, exponent = value.as_tuple()
    if not isinstance(exponent, int):  # pragma: no cover - finite by the pattern above
        return f"{name} is {stripped!r}, not a finite number; {_NUMBER_EXAMPLE}"
    if -exponent > _MAXIMUM_DECIMAL_PLACES:
        return (
            f"{name} is {stripped!r}, with {-exponent} decimal places; "
            f"at most {_MAXIMUM_DECIMAL_PLACES} are allowed"
        )
    if value and value.adjusted() >= _MAXIMUM_INTEGER_DIGITS:
        return (
            f"{name} is {stripped!r}, too large; at most {_MAXIMUM_INTEGER_DIGITS} digits "
            "before the decimal point are allowed"
        )
    coefficient = int("".join(map(str, digits)))
    if exponent < 0:
        return coefficient, exponent
    # Nonzero values are below 10**15 here, so the power stays small; zero is zero.
    return (coefficient * 10**exponent if coefficient else 0), 0
