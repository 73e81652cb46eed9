"""What the ``tariffs`` subcommands share: options, argument types, reading and writing.

The readings options of the commands that price one readings file (``price``,
``compare``), the options of the commands that price many accounts (``portfolio``,
``batch``), ``--event-day``, dates and minutes; `read_readings`, `write_output` and the
usage error (exit code 2) that any command may raise.
"""

from __future__ import annotations

import argparse
import datetime as dt
import re
import sys
from pathlib import Path

from tariffs.engine.redate import ALIGNMENTS, Alignment, redate
from tariffs.errors import ReadingsError
from tariffs.io.atomic import write_atomic
from tariffs.model.common import check_ascii_digits
from tariffs.model.common import parse_date as plain_date
from tariffs.model.readings import Readings

__all__ = [
    "_UsageError",
    "add_event_day_option",
    "add_past_enddate_option",
    "add_many_accounts_options",
    "add_readings_options",
    "add_span_options",
    "parse_as_year",
    "check_dates_in_order",
    "check_plot",
    "parse_date",
    "parse_minutes",
    "positive",
    "read_readings",
    "whole_number",
    "write_output",
]


_AS_YEAR = re.compile(r"(?:(\d{4}):)?(\d{4})", re.ASCII)


class _UsageError(Exception):
    """A command-line usage error (exit code 2)."""


def _ascii_integer(text: str) -> int:
    """A whole number in ASCII digits (``int()`` alone reads any Unicode digit)."""
    try:
        check_ascii_digits(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None
    return int(text)


def parse_minutes(text: str) -> int:
    """An argument that is a whole number of minutes dividing a day."""
    try:
        value = _ascii_integer(text)
    except ValueError:
        value = 0
    if value <= 0 or 1440 % value:
        raise argparse.ArgumentTypeError(f"not a number of minutes that divides a day: {text!r}")
    return value


def positive(text: str) -> int:
    """An argument that is a whole number of 1 or more."""
    try:
        value = _ascii_integer(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be 1 or more: {text!r}")
    return value


def whole_number(text: str) -> int:
    """An argument that is a whole number of 0 or more (an index)."""
    try:
        value = _ascii_integer(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"must be 0 or more: {text!r}")
    return value


def parse_as_year(text: str) -> tuple[int | None, int]:
    """``--as-year``: ``YEAR`` (the readings' one year into YEAR) or ``SOURCE:YEAR``."""
    try:
        check_ascii_digits(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None
    match = _AS_YEAR.fullmatch(text)
    if match is None:
        raise argparse.ArgumentTypeError(f"not a year YYYY, or SOURCE:YEAR: {text!r}")
    source, year = match.groups()
    return (int(source) if source else None), int(year)


def parse_date(text: str) -> dt.date:
    """An argument that is a date ``YYYY-MM-DD``, read as every input reads dates.

    Only ``YYYY-MM-DD`` in ASCII digits (`tariffs.model.common.parse_date`): no time, no
    UTC offset, none of the other ISO 8601 forms (``20250101``, ``2025-W01-1``).
    """
    try:
        return plain_date(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


class _DateOption(argparse.Action):
    """A ``YYYY-MM-DD`` option: the date into ``dest``, the text as given into ``dest_text``.

    The text is kept so that a message about the date (`check_dates_in_order`) shows it as
    the user wrote it.
    """

    def __call__(
        self,
        parser: argparse.ArgumentParser,
        namespace: argparse.Namespace,
        values: object,
        option_string: str | None = None,
    ) -> None:
        text = str(values)
        try:
            date = parse_date(text)
        except argparse.ArgumentTypeError as exc:
            raise argparse.ArgumentError(self, str(exc)) from None
        setattr(namespace, self.dest, date)
        setattr(namespace, f"{self.dest}_text", text)


#: ``--from`` and ``--to``: (option, dest, help of the commands that describe them).
_SPAN_OPTIONS = (
    ("--from", "start", "first local date to bill"),
    ("--to", "end", "local date after the last day billed (exclusive)"),
)


def add_span_options(sub: argparse.ArgumentParser, *, describe: bool = False) -> None:
    """``--from DATE`` and ``--to DATE`` (exclusive), into ``args.start`` and ``args.end``."""
    for option, dest, text in _SPAN_OPTIONS:
        sub.add_argument(
            option, dest=dest, action=_DateOption, metavar="DATE", help=text if describe else None
        )


def check_dates_in_order(prog: str, args: argparse.Namespace) -> None:
    """Refuse (usage error) ``--from`` on or after ``--to``, showing the dates as typed.

    ``--to`` is exclusive, so ``--from`` equal to ``--to`` bills no day at all: refused
    like ``--from`` after ``--to``.
    """
    start, end = getattr(args, "start", None), getattr(args, "end", None)
    if start is None or end is None or start < end:
        return
    relation = "the same day as" if start == end else "after"
    raise _UsageError(
        f"{prog}: --from {args.start_text} is {relation} --to {args.end_text}; "
        "--from must be before --to (--to is the day after the last day billed)"
    )


def add_event_day_option(sub: argparse.ArgumentParser, text: str) -> None:
    """``--event-day DATE`` (repeatable), into ``args.event_days``."""
    sub.add_argument(
        "--event-day",
        dest="event_days",
        action="append",
        type=parse_date,
        default=[],
        metavar="DATE",
        help=f"{text} (repeatable)",
    )


def add_past_enddate_option(sub: argparse.ArgumentParser) -> None:
    """``--past-enddate``: price bills after a URDB record's enddate, each saying so."""
    sub.add_argument(
        "--past-enddate",
        action="store_true",
        help="URDB: price bills after the record's enddate under it (each bill says so) "
        "instead of refusing them",
    )


def add_many_accounts_options(sub: argparse.ArgumentParser) -> None:
    """Options of the commands that price many accounts (``portfolio``, ``batch``)."""
    sub.add_argument(
        "--interval",
        type=parse_minutes,
        metavar="MINUTES",
        help="interval length when it cannot be inferred",
    )
    sub.add_argument("--allow-gaps", action="store_true")
    add_span_options(sub)
    add_event_day_option(sub, "a declared critical-peak event day, for every account")
    sub.add_argument(
        "--workers", type=positive, metavar="N", help="worker processes (default: CPU count)"
    )


def add_readings_options(sub: argparse.ArgumentParser) -> None:
    """Options of the commands that price one readings file (``price``, ``compare``)."""
    sub.add_argument("readings", help="interval readings (CSV)")
    sub.add_argument("--account", help="account YAML file")
    sub.add_argument(
        "--tables",
        action="append",
        default=[],
        metavar="DIR",
        help="directory of tariff tables to search for ids (repeatable)",
    )
    sub.add_argument(
        "--interval",
        type=parse_minutes,
        metavar="MINUTES",
        help="interval length when it cannot be inferred",
    )
    sub.add_argument(
        "--allow-gaps", action="store_true", help="bill incomplete readings; the bill says so"
    )
    sub.add_argument(
        "--readings-format",
        choices=["csv", "greenbutton"],
        help="readings format (default: by file extension)",
    )
    add_event_day_option(sub, "a declared critical-peak event day")
    sub.add_argument(
        "--timezone",
        metavar="ZONE",
        help="time zone of URDB JSON tariffs, which carry none (e.g. America/Denver)",
    )
    add_past_enddate_option(sub)
    sub.add_argument(
        "--usage-point",
        type=whole_number,
        metavar="N",
        help="Green Button: the usage point to price (0-based, in file order)",
    )
    sub.add_argument(
        "--as-year",
        type=parse_as_year,
        metavar="[SOURCE:]YEAR",
        help="re-date the readings of one year (SOURCE, when the file holds several) into "
        "YEAR; the bill says so",
    )
    sub.add_argument(
        "--align",
        choices=ALIGNMENTS,
        default=ALIGNMENTS[0],
        help="how --as-year moves days: keeping weekdays (default) or dates",
    )
    sub.add_argument(
        "--demand-window",
        choices=["tariff", "readings"],
        default="tariff",
        help="measure demand over the tariff's window (default), or over the readings' own "
        "intervals where they are coarser, as a declared deviation the bill states",
    )
    add_span_options(sub, describe=True)
    sub.add_argument("--format", choices=["table", "json", "csv"], default="table")
    sub.add_argument("--output", metavar="FILE", help="write here instead of stdout")


def read_readings(
    path: str,
    timezone: str,
    *,
    interval_minutes: int | None = None,
    allow_gaps: bool = False,
    readings_format: str | None = None,
    usage_point: int | None = None,
    as_year: tuple[int | None, int] | None = None,
    align: Alignment = "weekday",
) -> Readings:
    """Read a readings file with the reader its extension (or ``readings_format``) names.

    With ``as_year`` (source year or None, target year), the readings are then re-dated
    in ``timezone`` (`tariffs.engine.redate.redate`).
    """
    readings = _read(path, timezone, interval_minutes, allow_gaps, readings_format, usage_point)
    if as_year is None:
        return readings
    source_year, year = as_year
    return redate(
        readings, timezone, year, align=align, source_year=source_year, allow_gaps=allow_gaps
    )


def _read(
    path: str,
    timezone: str,
    interval_minutes: int | None,
    allow_gaps: bool,
    readings_format: str | None,
    usage_point: int | None,
) -> Readings:
    kind = readings_format or ("greenbutton" if path.lower().endswith(".xml") else "csv")
    interval = interval_minutes * 60 if interval_minutes else None
    if not Path(path).is_file():
        raise ReadingsError("no such readings file", file=path)
    if kind == "greenbutton":
        from tariffs.io.readings.greenbutton import read_greenbutton

        return read_greenbutton(path, allow_gaps=allow_gaps, usage_point=usage_point)
    from tariffs.io.readings.csv_reader import read_readings_csv

    return read_readings_csv(path, timezone, interval_seconds=interval, allow_gaps=allow_gaps)


def write_output(text: str, output: str | None) -> None:
    """Write ``text`` to stdout, or all of it or nothing to ``output`` (`write_atomic`)."""
    if output is None:
        sys.stdout.write(text)
        return
    write_atomic(output, text)


def check_plot(path: str | None) -> str | None:
    """The image format of a ``--plot`` file (None without one), checked before any work.

    Raises:
        OutputError: The file name is not ``.png`` or ``.svg``, or matplotlib cannot be
            imported.
    """
    if path is None:
        return None
    from tariffs.io.render.plot import chart_format, require_matplotlib

    image_format = chart_format(path)
    require_matplotlib()
    return image_format
