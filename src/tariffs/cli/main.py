"""The ``tariffs`` command: parse arguments, call the library, render, map errors to exit codes.

Exit codes: 0 success; 1 bad input (a message on stderr naming the file and line or row);
2 usage error. No pricing logic lives here.
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from tariffs.engine.pricing import price
from tariffs.errors import ReadingsError, TariffFileError, TariffsError
from tariffs.io.atomic import write_atomic
from tariffs.io.render.bills import bills_to_csv, bills_to_json, bills_to_table
from tariffs.io.render.describe import describe_tariff
from tariffs.io.tables import iter_table_files, load_account, load_tariff
from tariffs.model.account import Account
from tariffs.model.bill import Bill
from tariffs.model.readings import Readings
from tariffs.model.tariff import Tariff

__all__ = ["main"]


class _UsageError(Exception):
    """A command-line usage error (exit code 2)."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        raise _UsageError(f"{self.prog}: {message}")


def _minutes(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value <= 0 or 1440 % value:
        raise argparse.ArgumentTypeError(f"not a number of minutes that divides a day: {text!r}")
    return value


def positive(text: str) -> int:
    """An argument that is a whole number of 1 or more."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be 1 or more: {text!r}")
    return value


def add_event_day_option(sub: argparse.ArgumentParser, text: str) -> None:
    """``--event-day DATE`` (repeatable), into ``args.event_days``."""
    sub.add_argument(
        "--event-day",
        dest="event_days",
        action="append",
        type=_date,
        default=[],
        metavar="DATE",
        help=f"{text} (repeatable)",
    )


def add_many_accounts_options(sub: argparse.ArgumentParser) -> None:
    """Options of the commands that price many accounts (``portfolio``, ``batch``)."""
    sub.add_argument(
        "--interval",
        type=_minutes,
        metavar="MINUTES",
        help="interval length when it cannot be inferred",
    )
    sub.add_argument("--allow-gaps", action="store_true")
    sub.add_argument("--from", dest="start", type=_date, metavar="DATE")
    sub.add_argument("--to", dest="end", type=_date, metavar="DATE")
    add_event_day_option(sub, "a declared critical-peak event day, for every account")
    sub.add_argument(
        "--workers", type=positive, metavar="N", help="worker processes (default: CPU count)"
    )


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date YYYY-MM-DD: {text!r}") from None


#: Subcommands that live in their own modules, imported only when used (or for --help),
#: so that ``tariffs price`` does not pay for them at start-up.
_PLUGINS = {
    "compare": "tariffs.cli.whatif",
    "portfolio": "tariffs.cli.whatif",
    "batch": "tariffs.cli.batch",
}
_BUILTIN = ("price", "validate", "show", "import-urdb")


def _command_of(argv: Sequence[str]) -> str | None:
    """The subcommand named in ``argv`` when it is a built-in one, else None (load all)."""
    for word in argv:
        if not word.startswith("-"):
            return word if word in _BUILTIN else None
    return None


def _plugins(command: str | None) -> list[Any]:
    names = sorted(set(_PLUGINS.values())) if command is None else []
    return [importlib.import_module(name) for name in names]


def _parser(command: str | None = None) -> _Parser:
    parser = _Parser(prog="tariffs", description="Exact, itemised electricity bills.")
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    def readings_options(sub: argparse.ArgumentParser) -> None:
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
            type=_minutes,
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
        sub.add_argument(
            "--usage-point",
            type=int,
            metavar="N",
            help="Green Button: the usage point to price (0-based, in file order)",
        )
        sub.add_argument(
            "--from", dest="start", type=_date, metavar="DATE", help="first local date to bill"
        )
        sub.add_argument(
            "--to",
            dest="end",
            type=_date,
            metavar="DATE",
            help="local date after the last day billed (exclusive)",
        )
        sub.add_argument("--format", choices=["table", "json", "csv"], default="table")
        sub.add_argument("--output", metavar="FILE", help="write here instead of stdout")

    sub = commands.add_parser("price", help="price readings under one tariff")
    readings_options(sub)
    sub.add_argument("--tariff", required=True, help="tariff YAML/JSON file or tariff id")

    for module in _plugins(command):
        module.add_parsers(commands, readings_options)

    sub = commands.add_parser("validate", help="check tariff tables (files or directories)")
    sub.add_argument("paths", nargs="+", metavar="TARIFF_OR_DIR")
    sub.add_argument("--timezone", metavar="ZONE", help="time zone of URDB JSON tariffs")

    sub = commands.add_parser("import-urdb", help="convert a URDB JSON record to a YAML table")
    sub.add_argument("urdb", metavar="URDB.json")
    sub.add_argument(
        "--timezone",
        required=True,
        metavar="ZONE",
        help="IANA time zone of the tariff's clock hours (URDB records carry none)",
    )
    sub.add_argument("--id", help="tariff id (default: urdb-<label>)")
    sub.add_argument("--output", metavar="FILE.yaml", help="write here instead of stdout")

    sub = commands.add_parser("show", help="describe a tariff in words")
    sub.add_argument("tariff")
    sub.add_argument("--tables", action="append", default=[], metavar="DIR")
    sub.add_argument("--timezone", metavar="ZONE", help="time zone of a URDB JSON tariff")
    return parser


def read_readings(
    path: str,
    timezone: str,
    *,
    interval_minutes: int | None = None,
    allow_gaps: bool = False,
    readings_format: str | None = None,
    usage_point: int | None = None,
) -> Readings:
    """Read a readings file with the reader its extension (or ``readings_format``) names."""
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


def _render(bills: Sequence[Bill], fmt: str) -> str:
    if fmt == "json":
        return bills_to_json(bills)
    if fmt == "csv":
        return bills_to_csv(bills)
    return bills_to_table(bills)


def price_all(
    args: argparse.Namespace, tariffs: list[Tariff], account: Account | None
) -> list[list[Bill]]:
    readings_by_zone: dict[str, Readings] = {}
    results = []
    for tariff in tariffs:
        readings = readings_by_zone.get(tariff.timezone)
        if readings is None:
            readings = read_readings(
                args.readings,
                tariff.timezone,
                interval_minutes=args.interval,
                allow_gaps=args.allow_gaps,
                readings_format=args.readings_format,
                usage_point=args.usage_point,
            )
            readings_by_zone[tariff.timezone] = readings
        results.append(
            price(
                tariff,
                readings,
                account,
                start=args.start,
                end=args.end,
                event_days=args.event_days,
            )
        )
    return results


def _cmd_price(args: argparse.Namespace) -> int:
    tariff = load_tariff(args.tariff, args.tables, timezone=args.timezone)
    account = load_account(args.account) if args.account else None
    (bills,) = price_all(args, [tariff], account)
    write_output(_render(bills, args.format), args.output)
    return 0


def _cmd_validate(args: argparse.Namespace) -> int:
    from tariffs.io.tables import resolve_tariff_path

    files: list[Path] = []
    for name in args.paths:
        path = Path(name)
        if path.is_dir():
            files.extend(iter_table_files(path))
        else:
            files.append(resolve_tariff_path(name))
    if not files:
        raise _UsageError("tariffs validate: no tariff files found")
    failures = 0
    seen: dict[str, Path] = {}
    for file in files:
        try:
            tariff = load_tariff(file, timezone=args.timezone)
        except TariffsError as exc:
            failures += 1
            print(str(exc), file=sys.stderr)
            continue
        if tariff.id in seen:
            failures += 1
            print(f"{file}: id {tariff.id!r} is also the id of {seen[tariff.id]}", file=sys.stderr)
            continue
        seen[tariff.id] = file
        print(f"{file}: ok ({tariff.id})")
    return 1 if failures else 0


def _cmd_show(args: argparse.Namespace) -> int:
    sys.stdout.write(describe_tariff(load_tariff(args.tariff, args.tables, timezone=args.timezone)))
    return 0


def _cmd_import_urdb(args: argparse.Namespace) -> int:
    from tariffs.io.urdb import parse_urdb, urdb_to_yaml

    path = Path(args.urdb)
    if not path.is_file():
        raise TariffFileError("no such URDB file", file=args.urdb)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise TariffFileError(f"cannot read: {exc}", file=args.urdb) from None
    record = parse_urdb(text, args.urdb)
    yaml_text = urdb_to_yaml(record, timezone=args.timezone, source=args.urdb, tariff_id=args.id)
    write_output(yaml_text, args.output)
    return 0


_COMMANDS = {
    "price": _cmd_price,
    "validate": _cmd_validate,
    "show": _cmd_show,
    "import-urdb": _cmd_import_urdb,
}


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code (0 ok, 1 bad input, 2 usage)."""
    words = list(argv) if argv is not None else sys.argv[1:]
    command = _command_of(words)
    parser = _parser(command)
    try:
        args = parser.parse_args(words)
        handlers: dict[str, Callable[[argparse.Namespace], int]] = dict(_COMMANDS)
        for module in _plugins(command):
            handlers.update(module.COMMANDS)
        return handlers[args.command](args)
    except SystemExit as exc:  # --help and --version exit through argparse
        return exc.code if isinstance(exc.code, int) else 0
    except _UsageError as exc:
        print(str(exc), file=sys.stderr)
        print("Try 'tariffs --help'.", file=sys.stderr)
        return 2
    except TariffsError as exc:
        print(f"tariffs: error: {exc}", file=sys.stderr)
        return 1


def run() -> None:
    """Console entry point."""
    sys.exit(main())
