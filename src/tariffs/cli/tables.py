"""``tariffs tables``: every tariff that can be named by its id, and its versions.

The tables are those the id lookup searches (`tariffs.io.tables.named_tables`): the
``--tables`` directories, then ``TARIFFS_PATH``, then the bundled tables. A table that
does not load is reported on stderr with its error (exit code 1) and the others are still
listed.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from tariffs.cli.options import (
    add_format_option,
    add_output_option,
    add_tables_option,
    parse_date,
    write_output,
)
from tariffs.cli.terminal import error_text
from tariffs.errors import TariffFileError, TariffsError
from tariffs.io.render.catalogue import (
    TableSummary,
    summarize,
    tables_to_csv,
    tables_to_json,
    tables_to_table,
)
from tariffs.io.tables import load_tariff, named_tables

__all__ = ["add_parser", "run"]


def add_parser(commands: Any) -> None:
    """Add ``tables`` to the subcommands of the ``tariffs`` parser."""
    sub = commands.add_parser(
        "tables",
        help="list the tariffs that can be named by id, with their versions",
        description=(
            "List every tariff that --tariff can name by its id: those of the --tables "
            "directories, of TARIFFS_PATH, and the bundled ones, sorted by id. An id found "
            "in more than one directory is listed once, with the file the id names (the "
            "first found, in that order). Each line gives the versions and the one in force "
            "on the day looked at. A table that does not load is reported on stderr (exit "
            "code 1), and the others are still listed."
        ),
    )
    add_tables_option(sub)
    sub.add_argument(
        "--on",
        type=parse_date,
        metavar="DATE",
        help="the day whose version in force is shown (default: today in each tariff's time zone)",
    )
    add_format_option(
        sub,
        {"table": "", "json": "an object per tariff", "csv": "one row per tariff"},
        default="table",
        not_offered="the list is one short document",
    )
    add_output_option(sub)
    # For the completion scripts (`tariffs.cli.completion`): the ids alone, one a line,
    # found without loading a table, so that a shell can offer them at once.
    sub.add_argument("--ids", action="store_true", help=argparse.SUPPRESS)


def _utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _today(timezone: str) -> dt.date:
    """Today's date in ``timezone`` (a table's versions start on its own local dates)."""
    return _utc_now().astimezone(ZoneInfo(timezone)).date()


def run(args: argparse.Namespace) -> int:
    """``tariffs tables``: the list on stdout (or ``--output``); errors on stderr."""
    if args.ids:
        ids = sorted(named_tables(args.tables))
        write_output("".join(f"{tariff_id}\n" for tariff_id in ids), None)
        return 0
    failures = 0
    for directory in args.tables:
        if not Path(directory).is_dir():
            failures += 1
            error = TariffFileError("not a directory of tariff tables (--tables)", file=directory)
            print(error_text(str(error)), file=sys.stderr)
    summaries: list[TableSummary] = []
    found = named_tables(args.tables)
    for path in (found[tariff_id] for tariff_id in sorted(found)):
        try:
            tariff = load_tariff(path)
        except TariffsError as exc:
            failures += 1
            print(error_text(str(exc)), file=sys.stderr)
            continue
        on = args.on if args.on is not None else _today(tariff.timezone)
        summaries.append(summarize(tariff, os.fspath(path), on))
    render = {"json": tables_to_json, "csv": tables_to_csv}.get(args.format, tables_to_table)
    write_output(render(summaries), args.output)
    return 1 if failures else 0
