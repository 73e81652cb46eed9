"""The ``tariffs`` command: parse arguments, run one subcommand, map errors to exit codes.

Exit codes: 0 success; 1 bad input (a message on stderr naming the file and line or row);
2 usage error. No pricing logic lives here.

Each subcommand is a module of this package with two entry points: ``add_parser(commands)``
adds its parser to the subcommands, and ``run(args)`` runs it and returns the exit code.
Only the module of the subcommand being run is imported (all of them for ``--help`` or an
unknown subcommand), so that ``tariffs price`` does not pay for the others at start-up.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Callable, Sequence
from typing import Any, NamedTuple

from tariffs.cli.options import (
    _UsageError,
    add_event_day_option,
    add_many_accounts_options,
    add_readings_options,
    check_dates_in_order,
    positive,
    read_readings,
    write_output,
)
from tariffs.errors import TariffsError

# Re-exported: the command modules imported these from here before they had a module of
# their own (`tariffs.cli.batch` still does).
__all__ = [
    "COMMANDS",
    "Command",
    "_UsageError",
    "add_event_day_option",
    "add_many_accounts_options",
    "command",
    "main",
    "positive",
    "read_readings",
    "run",
    "write_output",
]

#: Every subcommand, in the order of ``tariffs --help``, and the module that defines it.
COMMANDS = {
    "price": "tariffs.cli.price",
    "batch": "tariffs.cli.batch",
    "compare": "tariffs.cli.compare",
    "portfolio": "tariffs.cli.portfolio",
    "validate": "tariffs.cli.validate",
    "import-urdb": "tariffs.cli.import_urdb",
    "show": "tariffs.cli.show",
}


class Command(NamedTuple):
    """The two entry points of a subcommand's module."""

    add_parser: Callable[[Any], None]
    run: Callable[[argparse.Namespace], int]


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        raise _UsageError(f"{self.prog}: {message}")


def command(name: str) -> Command:
    """The entry points of subcommand ``name`` (one of `COMMANDS`), importing its module."""
    module = importlib.import_module(COMMANDS[name])
    if hasattr(module, "add_parser"):
        return Command(module.add_parser, module.run)
    # The form of a module that defined several subcommands: ``add_parsers(commands,
    # readings_options)`` and a ``COMMANDS`` mapping of names to functions.
    add_parsers = module.add_parsers

    def add_parser(commands: Any) -> None:
        add_parsers(commands, add_readings_options)

    return Command(add_parser, module.COMMANDS[name])


def _command_of(argv: Sequence[str]) -> str | None:
    """The subcommand named in ``argv``; None (load all) for an unknown one or ``--help``."""
    for word in argv:
        if word in ("-h", "--help"):
            return None
        if not word.startswith("-"):
            return word if word in COMMANDS else None
    return None


class _Version(argparse.Action):
    """``--version``: the installed package's version, read only when asked for."""

    def __init__(self, option_strings: Sequence[str], dest: str, **kwargs: Any) -> None:
        super().__init__(option_strings, dest, nargs=0, help="print the version and exit")

    def __call__(self, parser: argparse.ArgumentParser, *_: Any) -> None:
        from importlib.metadata import version

        print(f"tariffs {version('tariffs')}")
        parser.exit()


def _parser(commands: dict[str, Command]) -> _Parser:
    parser = _Parser(prog="tariffs", description="Exact, itemised electricity bills.")
    parser.add_argument("--version", action=_Version)
    subparsers = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    for entry in commands.values():
        entry.add_parser(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code (0 ok, 1 bad input, 2 usage)."""
    words = list(argv) if argv is not None else sys.argv[1:]
    name = _command_of(words)
    commands = {name: command(name)} if name is not None else {n: command(n) for n in COMMANDS}
    parser = _parser(commands)
    try:
        args = parser.parse_args(words)
        check_dates_in_order(f"tariffs {args.command}", args)
        return commands[args.command].run(args)
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
