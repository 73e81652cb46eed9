"""What the ``tariffs`` subcommands share: options, argument types, reading and writing.

Every option that more than one command takes is defined here once (an ``add_*``
function), so that its name, choices, metavar and help cannot drift between commands:
the readings options of the commands that price one readings file (``price``,
``compare``), the options of the commands that price many accounts (``portfolio``,
``batch``), how tariffs are found (``--tables``, ``--timezone``, ``--past-enddate``),
``--readings-format`` and ``--usage-point``, ``--format`` (each name means the same in
every command: `FORMATS`), ``--output``, dates and minutes; `read_readings`,
`write_output` and the usage error (exit code 2) that any command may raise.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import re
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from tariffs.cli.terminal import note_readings
from tariffs.engine.estimate import Estimate, parse_estimate
from tariffs.engine.estimate import estimate as estimate_gaps
from tariffs.engine.reclock import WallClock
from tariffs.engine.redate import ALIGNMENTS, Alignment, redate
from tariffs.errors import ReadingsError
from tariffs.io.atomic import write_atomic
from tariffs.io.readings.layout import CsvLayout, parse_columns, parse_units
from tariffs.io.render.labels import LANGUAGES
from tariffs.model.common import check_ascii_digits
from tariffs.model.common import parse_date as plain_date
from tariffs.model.exports import METERING_RULES
from tariffs.model.readings import CLOCKS, Clock, Readings

__all__ = [
    "FORMATS",
    "READINGS_FORMATS",
    "TEXT_FORMATS",
    "StdoutClosed",
    "_UsageError",
    "add_columns_options",
    "add_allow_gaps_option",
    "add_event_day_option",
    "add_format_option",
    "add_interval_option",
    "add_many_accounts_options",
    "add_metering_option",
    "add_output_option",
    "add_past_enddate_option",
    "add_readings_format_options",
    "add_readings_options",
    "add_span_options",
    "add_tables_option",
    "add_tariff_lookup_options",
    "add_timezone_option",
    "check_dates_in_order",
    "check_plot",
    "check_workbook",
    "layout_of",
    "many_accounts_estimate",
    "flush_stdout",
    "parse_as_year",
    "parse_date",
    "parse_minutes",
    "positive",
    "read_readings",
    "whole_number",
    "write_output",
    "write_stdout",
]


_AS_YEAR = re.compile(r"(?:(\d{4}):)?(\d{4})", re.ASCII)


class _UsageError(Exception):
    """A command-line usage error (exit code 2).

    The message says what is wrong, without the command's name: `tariffs.cli.main`
    writes the usage line of the command (``prog``, by default the subcommand being
    run), ``PROG: MESSAGE`` and where its help is.
    """

    def __init__(self, message: str, *, prog: str | None = None) -> None:
        super().__init__(message)
        self.prog = prog


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
        raise argparse.ArgumentTypeError(
            f"not a number of minutes that divides a day: {text!r}; give the interval length "
            "in whole minutes, such as 5, 15, 30 or 60"
        )
    return value


def _at_least(text: str, least: int) -> int:
    """An argument that is a whole number of ``least`` or more, in ASCII digits."""
    try:
        value = _ascii_integer(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if value < least:
        raise argparse.ArgumentTypeError(f"must be {least} or more: {text!r}")
    return value


def positive(text: str) -> int:
    """An argument that is a whole number of 1 or more."""
    return _at_least(text, 1)


def whole_number(text: str) -> int:
    """An argument that is a whole number of 0 or more (an index)."""
    return _at_least(text, 0)


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


def check_dates_in_order(args: argparse.Namespace) -> None:
    """Refuse (usage error) ``--from`` on or after ``--to``, showing the dates as typed.

    ``--to`` is exclusive, so ``--from`` equal to ``--to`` bills no day at all: refused
    like ``--from`` after ``--to``.
    """
    start, end = getattr(args, "start", None), getattr(args, "end", None)
    if start is None or end is None or start < end:
        return
    relation = "the same day as" if start == end else "after"
    raise _UsageError(
        f"--from {args.start_text} is {relation} --to {args.end_text}; "
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


def add_coincident_peaks_option(sub: argparse.ArgumentParser) -> None:
    """``--coincident-peaks FILE.csv``, into ``args.coincident_peaks``."""
    sub.add_argument(
        "--coincident-peaks",
        metavar="FILE.csv",
        help="declared coincident-peak intervals (rows start[,hours]) where demand charges "
        "measured at coincident peaks measure, besides each account's own",
    )


def add_past_enddate_option(sub: argparse.ArgumentParser) -> None:
    """``--past-enddate``: price bills after a URDB record's enddate, each saying so."""
    sub.add_argument(
        "--past-enddate",
        action="store_true",
        help="URDB: price bills after the record's enddate under it (each bill says so) "
        "instead of refusing them",
    )
    sub.add_argument(
        "--unpriced-attributes",
        action="store_true",
        help="URDB: price a record whose energyattrs/demandattrs/fixedattrs hold entries "
        "that may change prices, and list each on every bill as 'not priced: ...' "
        "instead of refusing the record",
    )


def add_tables_option(sub: argparse.ArgumentParser) -> None:
    """``--tables DIR`` (repeatable), into ``args.tables``."""
    sub.add_argument(
        "--tables",
        action="append",
        default=[],
        metavar="DIR",
        help="directory of tariff tables to search for ids (repeatable)",
    )


def add_timezone_option(sub: argparse.ArgumentParser) -> None:
    """``--timezone ZONE``: the time zone of URDB JSON tariffs, which carry none."""
    sub.add_argument(
        "--timezone",
        metavar="ZONE",
        help="time zone of URDB JSON tariffs, which carry none (e.g. America/Denver)",
    )


def add_tariff_lookup_options(sub: argparse.ArgumentParser) -> None:
    """How tariffs are found and read: ``--tables``, ``--timezone``, ``--past-enddate``."""
    add_tables_option(sub)
    add_timezone_option(sub)
    add_past_enddate_option(sub)


def add_interval_option(sub: argparse.ArgumentParser) -> None:
    """``--interval MINUTES``, into ``args.interval``."""
    sub.add_argument(
        "--interval",
        type=parse_minutes,
        metavar="MINUTES",
        help="interval length when it cannot be inferred",
    )


def add_allow_gaps_option(sub: argparse.ArgumentParser) -> None:
    """``--allow-gaps`` and ``--estimate METHOD[:PARAM]``, into ``args.allow_gaps``/``estimate``."""
    sub.add_argument(
        "--allow-gaps", action="store_true", help="bill incomplete readings; the bill says so"
    )
    sub.add_argument(
        "--estimate",
        type=_estimate_type,
        metavar="METHOD[:PARAM]",
        help="estimate missing intervals (gaps accepted): same-day-last-week[:WEEKS], "
        "like-days[:N] or register:FILE; the bill counts them",
    )


def many_accounts_estimate(prog: str, args: argparse.Namespace) -> Estimate | None:
    """``--estimate`` of a command that prices many accounts: not from one register file.

    Raises:
        _UsageError: ``register:FILE``, the register reads of one meter.
    """
    declared: Estimate | None = getattr(args, "estimate", None)
    if declared is not None and declared.method == "register":
        raise _UsageError(
            f"--estimate register:FILE reads the register of one meter, and {prog} prices "
            "many accounts; use same-day-last-week or like-days"
        )
    return declared


def _estimate_type(text: str) -> Estimate:
    try:
        return parse_estimate(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


#: The readings formats of ``--readings-format``.
READINGS_FORMATS = ("csv", "greenbutton")


def add_readings_format_options(sub: argparse.ArgumentParser, default: str) -> None:
    """``--readings-format {csv,greenbutton}`` and ``--usage-point N`` (Green Button).

    Args:
        sub: The subcommand's parser.
        default: What the help says is read without ``--readings-format``.
    """
    sub.add_argument(
        "--readings-format",
        choices=READINGS_FORMATS,
        help=f"readings format (default: {default})",
    )
    sub.add_argument(
        "--usage-point",
        type=whole_number,
        metavar="N",
        help="Green Button: the usage point to price (0-based, in file order)",
    )


#: What each ``--format`` name gives, the same in every command that offers it.
FORMATS = {
    "table": "text to read",
    "json": "one JSON document",
    "jsonl": "JSON lines, one JSON object a line",
    "csv": "CSV with a header line",
    "xlsx": "an Excel workbook written to --output FILE.xlsx (the xlsx extra)",
}

#: The formats of `FORMATS` that are text; a command's help says why it does not give
#: one of these. A workbook is given only by the commands of many rows to sum.
TEXT_FORMATS = ("table", "json", "jsonl", "csv")


def add_lang_option(sub: argparse.ArgumentParser) -> None:
    """``--lang``: the language of the labels, headers and units of the output."""
    sub.add_argument(
        "--lang",
        choices=list(LANGUAGES),
        default="en",
        help="language of line labels, table headers and units: en (default) or zh "
        "(Chinese terms of docs/glossary.md); JSON keys, codes and kinds never change",
    )


def add_format_option(
    sub: argparse.ArgumentParser,
    rows: dict[str, str],
    *,
    default: str,
    not_offered: str = "",
) -> None:
    """``--format``: the formats of a command, each described, and why others are not.

    Args:
        sub: The subcommand's parser.
        rows: Each format the command gives (names of `FORMATS`, in the order of the
            choices) and what one of its objects or rows is, e.g. ``{"csv": "one row per
            bill"}`` ("" when the format's own description says it all).
        default: The format without ``--format``.
        not_offered: Why the formats of `TEXT_FORMATS` not in ``rows`` are not given.
    """
    unknown = set(rows) - set(FORMATS)
    if unknown:
        raise ValueError(f"not formats: {sorted(unknown)}")
    described = "; ".join(
        f"{name}: {FORMATS[name]}" + (f", {what}" if what else "") for name, what in rows.items()
    )
    missing = [name for name in TEXT_FORMATS if name not in rows]
    text = f"{described} (default: {default})"
    if missing:
        names = " and ".join(missing)
        verb = "is" if len(missing) == 1 else "are"
        text += f"; {names} {verb} not offered: {not_offered}"
    sub.add_argument("--format", choices=list(rows), default=default, help=text.replace("%", "%%"))


def add_output_option(sub: argparse.ArgumentParser, metavar: str = "FILE") -> None:
    """``--output FILE``: written whole or not at all (`write_output`)."""
    sub.add_argument(
        "--output",
        metavar=metavar,
        help="write here instead of stdout; the file is only ever replaced whole, never "
        "left half written",
    )


def add_portfolio_accounts_options(sub: argparse.ArgumentParser) -> None:
    """The accounts of ``portfolio`` and ``design``: accounts CSV, readings, current tariff."""
    sub.add_argument("--accounts", required=True, metavar="ACCOUNTS.csv", help="accounts CSV")
    sub.add_argument("--readings-dir", required=True, metavar="DIR", help="readings directory")
    sub.add_argument(
        "--current",
        metavar="TARIFF",
        help="current tariff (of the rows without a tariff cell in ACCOUNTS.csv)",
    )


def add_many_accounts_options(sub: argparse.ArgumentParser) -> None:
    """Options of the commands that price many accounts (``portfolio``, ``batch``)."""
    add_interval_option(sub)
    add_allow_gaps_option(sub)
    add_span_options(sub, describe=True)
    add_event_day_option(sub, "a declared critical-peak event day, for every account")
    add_coincident_peaks_option(sub)
    where = sub.add_mutually_exclusive_group()
    where.add_argument(
        "--workers", type=positive, metavar="N", help="worker processes (default: CPU count)"
    )
    where.add_argument(
        "--scheduler",
        metavar="tcp://HOST:PORT",
        help="price on the Dask cluster of this scheduler ('dask scheduler', joined by "
        "'dask worker' processes; the dask extra)",
    )
    where.add_argument(
        "--dask-workers",
        type=positive,
        metavar="N",
        help="price on a local Dask cluster of N worker processes started for the run",
    )


def add_metering_option(sub: argparse.ArgumentParser) -> None:
    """``--metering RULE``: the metering rule of exported energy for the run."""
    sub.add_argument(
        "--metering",
        choices=METERING_RULES,
        help="price exports under this metering rule instead of the account's metering "
        "or the tariff's exports.metering",
    )


def add_readings_options(sub: argparse.ArgumentParser) -> None:
    """Options of the commands that price one readings file (``price``, ``compare``)."""
    sub.add_argument(
        "readings", help="interval readings: CSV, or Green Button XML (by extension .xml)"
    )
    sub.add_argument("--account", metavar="ACCOUNT.yaml", help="account YAML file")
    add_tables_option(sub)
    add_interval_option(sub)
    add_allow_gaps_option(sub)
    add_readings_format_options(sub, "by the file's extension: .xml is greenbutton, else csv")
    add_event_day_option(sub, "a declared critical-peak event day")
    add_coincident_peaks_option(sub)
    add_timezone_option(sub)
    add_past_enddate_option(sub)
    sub.add_argument(
        "--wall-clock",
        metavar="ZONE",
        help="price each reading at its wall-clock time in ZONE (e.g. the meter's "
        "America/Los_Angeles), moved to the same local time in the tariff's zone; the bill "
        "says so",
    )
    sub.add_argument(
        "--clock",
        choices=CLOCKS,
        default=CLOCKS[0],
        help="CSV: the clock of starts written without a UTC offset: the tariff zone's "
        "local time (default), or its standard time all year, as SAM, REopt and OS-HPXML "
        "write 8760 hourly values; the bill says so",
    )
    sub.add_argument(
        "--year",
        type=_year_type,
        metavar="YEAR",
        help="CSV of values only, without a start column (8760 hourly values, as SAM and "
        "REopt take a year): the year they are of, from January 1 00:00 on the --clock; "
        "the bill says so",
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
    add_columns_options(sub)
    add_span_options(sub, describe=True)


def _year_type(text: str) -> int:
    if not re.fullmatch(r"[0-9]{4}", text) or not 1900 <= int(text) <= 9997:
        raise argparse.ArgumentTypeError(f"{text!r} is not a year from 1900 to 9997")
    return int(text)


def _columns_type(text: str) -> dict[str, str]:
    try:
        return parse_columns(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def _units_type(text: str) -> dict[str, str]:
    try:
        return parse_units(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def _names_type(text: str) -> tuple[str, ...]:
    names = tuple(name.strip() for name in text.split(","))
    if not all(names):
        raise argparse.ArgumentTypeError(f"{text!r} is not a list of column names (a,b,c)")
    return names


def add_columns_options(sub: argparse.ArgumentParser) -> None:
    """``--columns``, ``--units``, ``--ignore-columns``: a readings CSV's own layout."""
    sub.add_argument(
        "--columns",
        type=_columns_type,
        metavar="NAME=COLUMN,...",
        help="CSV: the file's column for start (or end, when timestamps mark interval "
        "ends), kwh, kvarh, export_kwh, kw (e.g. end=timestamp_source,kwh=value)",
    )
    sub.add_argument(
        "--units",
        type=_units_type,
        metavar="NAME=UNIT,...",
        help="CSV: units of quantity columns: kwh in kWh, Wh, MWh, or kW, W, MW averaged "
        "over each interval (e.g. kwh=kW)",
    )
    sub.add_argument(
        "--ignore-columns",
        type=_names_type,
        metavar="COLUMN,...",
        help="CSV: the file's columns that are not readings, left out knowingly",
    )


def layout_of(prog: str, args: argparse.Namespace) -> CsvLayout | None:
    """The `CsvLayout` that ``--columns``, ``--units`` and ``--ignore-columns`` declare.

    Raises:
        _UsageError: The three do not make a layout (a name mapped twice, say).
    """
    columns = getattr(args, "columns", None)
    units = getattr(args, "units", None)
    ignore = getattr(args, "ignore_columns", None)
    if columns is None and units is None and ignore is None:
        return None
    try:
        return CsvLayout(columns=columns or {}, units=units or {}, ignore=ignore or ())
    except ValueError as error:
        raise _UsageError(f"{prog}: --columns/--units/--ignore-columns: {error}") from None


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
    layout: CsvLayout | None = None,
    wall_clock: str | None = None,
    clock: Clock = "local",
    year: int | None = None,
    estimate: Estimate | None = None,
) -> Readings:
    """Read a readings file with the reader its extension (or ``readings_format``) names.

    With ``as_year`` (source year or None, target year), the readings are then re-dated
    in ``timezone`` (`tariffs.engine.redate.redate`). A ``layout`` (the CSV's own column
    names and units) is for CSV files only. With ``wall_clock`` (a zone), the readings
    are first moved from its wall clock to that of ``timezone``
    (`tariffs.engine.reclock.reclock`). With ``clock="standard"``, the starts of a CSV
    file written without a UTC offset are read on ``timezone``'s standard time all year
    (`read_on_standard_time`). With ``year``, the CSV has values only, one year of them
    from January 1 00:00 (`read_year_of_values`). With ``estimate``, gaps are accepted and
    then filled by its method (`tariffs.engine.estimate.estimate`), after any re-dating.
    """
    allow_gaps = allow_gaps or estimate is not None
    csv = (readings_format or ("greenbutton" if path.lower().endswith(".xml") else "csv")) == (
        "csv"
    )
    if year is not None and not csv:
        raise _UsageError(
            f"--year dates a CSV of values only, and {path} is read as Green Button, whose "
            "readings have their starts; leave it out"
        )
    if clock == "standard":
        if wall_clock is not None:
            raise _UsageError(
                f"--clock standard reads the starts on the standard time of {timezone}, "
                f"and --wall-clock {wall_clock} on the clock of {wall_clock}: give one "
                "(--wall-clock with a zone on standard time all year, such as Etc/GMT+8, "
                "keeps the file's hours on the tariff's clock)"
            )
        if not csv:
            raise _UsageError(
                f"--clock standard is for CSV readings, and {path} is read as Green Button, "
                "whose starts are instants (UTC); leave it out"
            )
    moved = None if wall_clock is None else WallClock(wall_clock, timezone, path)
    readings = _read(
        path,
        timezone,
        interval_minutes,
        allow_gaps,
        readings_format,
        usage_point,
        layout,
        moved,
        on_standard_time=clock == "standard",
        year=year,
    )
    if as_year is not None:
        source_year, year = as_year
        readings = redate(
            readings, timezone, year, align=align, source_year=source_year, allow_gaps=allow_gaps
        )
    if estimate is not None:
        register = None
        if estimate.register is not None:
            from tariffs.io.readings.register import read_register

            register = read_register(estimate.register, timezone)
        readings = estimate_gaps(readings, timezone, estimate, register)
    note_readings(path, timezone, readings.starts, readings.interval_seconds)
    return readings


def _read(
    path: str,
    timezone: str,
    interval_minutes: int | None,
    allow_gaps: bool,
    readings_format: str | None,
    usage_point: int | None,
    layout: CsvLayout | None = None,
    clock: WallClock | None = None,
    *,
    on_standard_time: bool = False,
    year: int | None = None,
) -> Readings:
    kind = readings_format or ("greenbutton" if path.lower().endswith(".xml") else "csv")
    if usage_point is not None and kind != "greenbutton":
        raise _UsageError(
            f"--usage-point {usage_point} is for Green Button readings, and {path} is read "
            "as csv; leave it out, or give --readings-format greenbutton"
        )
    interval = interval_minutes * 60 if interval_minutes else None
    if not Path(path).is_file():
        raise ReadingsError("no such readings file", file=path)
    if kind == "greenbutton":
        if layout is not None:
            raise ReadingsError(
                "--columns, --units and --ignore-columns are for CSV readings; a Green "
                "Button file names its own quantities and units",
                file=path,
            )
        from tariffs.io.readings.greenbutton import read_greenbutton

        return read_greenbutton(
            path, allow_gaps=allow_gaps, usage_point=usage_point, wall_clock=clock
        )
    from tariffs.io.readings.csv_reader import (
        read_on_standard_time,
        read_readings_csv,
        read_year_of_values,
    )

    if year is not None:
        values = read_year_of_values(
            path,
            timezone if clock is None else clock.source_timezone,
            year,
            interval_seconds=interval,
            on_standard_time=on_standard_time,
            allow_gaps=allow_gaps,
            layout=layout,
        )
        return values if clock is None else clock.move_readings(values)
    if on_standard_time:
        return read_on_standard_time(
            path, timezone, interval_seconds=interval, allow_gaps=allow_gaps, layout=layout
        )
    # Starts without a UTC offset are wall-clock times: with --wall-clock, of its zone.
    readings = read_readings_csv(
        path,
        timezone if clock is None else clock.source_timezone,
        interval_seconds=interval,
        allow_gaps=allow_gaps,
        layout=layout,
    )
    if clock is None:
        return readings
    return clock.move_readings(readings)


class StdoutClosed(Exception):  # noqa: N818 - an event, not a failure
    """The reader of stdout closed it early (a pipe into ``head``): end quietly.

    Raised instead of `BrokenPipeError` by the writes to stdout of the commands, so that
    `tariffs.cli.main` ends only these quietly (exit code 141), and a broken pipe of
    anything else (a worker process) is still an error.
    """


def write_stdout(text: str) -> None:
    """Write ``text`` to stdout.

    Raises:
        StdoutClosed: Its reader closed it.
    """
    try:
        sys.stdout.write(text)
    except BrokenPipeError:
        raise StdoutClosed from None


def flush_stdout() -> None:
    """Flush stdout (a closed pipe then shows now, not at exit).

    Raises:
        StdoutClosed: Its reader closed it.
    """
    try:
        sys.stdout.flush()
    except BrokenPipeError:
        raise StdoutClosed from None


def write_output(text: str, output: str | None) -> None:
    """Write ``text`` to stdout, or all of it or nothing to ``output`` (`write_atomic`).

    Raises:
        StdoutClosed: The reader of stdout closed it.
    """
    if output is None:
        write_stdout(text)
        return
    write_atomic(output, text)


def check_workbook(args: argparse.Namespace) -> bool:
    """Whether ``--format xlsx`` is asked for, checked before any work.

    Raises:
        _UsageError: No ``--output FILE.xlsx`` is given (a workbook is not written to a
            terminal or a pipe), or its name does not end in ``.xlsx``.
        OutputError: openpyxl cannot be imported.
    """
    if getattr(args, "format", None) != "xlsx":
        return False
    output = getattr(args, "output", None)
    if output is None:
        raise _UsageError(
            "--format xlsx writes a binary workbook, which is not written to stdout; "
            "give --output FILE.xlsx"
        )
    if not str(output).lower().endswith(".xlsx"):
        raise _UsageError(f"--format xlsx: --output {output} must end in .xlsx")
    from tariffs.io.render.xlsx import require_openpyxl

    require_openpyxl()
    return True


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


@contextlib.contextmanager
def dask_client(args: argparse.Namespace) -> Iterator[Any]:
    """The checked Dask client that ``--scheduler`` or ``--dask-workers`` asks for, or None.

    Raises:
        _UsageError: The ``dask`` extra is not installed.
        ClusterError: The cluster cannot run the work (`tariffs.runs.cluster.cluster`).
    """
    scheduler = getattr(args, "scheduler", None)
    local_workers = getattr(args, "dask_workers", None)
    if scheduler is None and local_workers is None:
        yield None
        return
    option = "--scheduler" if scheduler is not None else "--dask-workers"
    try:
        import distributed  # noqa: F401 - only to say that it is missing
    except ImportError:
        raise _UsageError(f"{option} needs Dask: pip install 'tariffs[dask]'") from None
    from tariffs.runs.cluster import cluster

    with cluster(scheduler, local_workers=local_workers) as client:
        yield client


def read_readings_of(
    args: argparse.Namespace, path: str, timezone: str, prog: str = "tariffs price"
) -> Readings:
    """The readings file ``path`` read with every readings option of ``args``.

    The one place where the options of `add_readings_options` reach `read_readings`, so
    that each command that reads one readings file (``price``, ``explain``, ``compare``,
    ``correct``, a sub-meter's file) reads it alike.
    """
    return read_readings(
        path,
        timezone,
        interval_minutes=args.interval,
        allow_gaps=args.allow_gaps,
        readings_format=args.readings_format,
        usage_point=args.usage_point,
        as_year=args.as_year,
        align=args.align,
        wall_clock=args.wall_clock,
        clock=args.clock,
        year=args.year,
        estimate=args.estimate,
        layout=layout_of(prog, args),
    )
