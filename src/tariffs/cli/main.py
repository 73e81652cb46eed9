"""The ``tariffs`` command: parse arguments, run one subcommand, map errors to exit codes.

Exit codes: 0 success; 1 bad input (a message on stderr naming the file and line or row);
2 usage error; 141 when stdout is a pipe that the reader closed early (``tariffs price
... | head -1``), with nothing more written, as the shell reports a command that
SIGPIPE ends. No pricing logic lives here.

A usage error writes the usage line of the command it concerns (the subcommand's own),
then one line that ends with where that command's help is::

    usage: tariffs batch [-h] (--readings-dir DIR | --readings FILE) ...
    tariffs batch: --resume needs --output; see 'tariffs batch --help'

The global options ``-q/--quiet``, ``-v/--verbose`` and ``--color`` are taken before or
after the subcommand (`tariffs.cli.terminal`).

Each subcommand is a module of this package with two entry points: ``add_parser(commands)``
adds its parser to the subcommands, and ``run(args)`` runs it and returns the exit code.
Only the module of the subcommand being run is imported (all of them for ``--help`` or an
unknown subcommand), so that ``tariffs price`` does not pay for the others at start-up.
"""

from __future__ import annotations

import argparse
import gc
import importlib
import os
import sys
import time
from collections.abc import Callable, Sequence
from typing import Any, NamedTuple

from tariffs.cli.options import (
    StdoutClosed,
    _UsageError,
    add_event_day_option,
    add_many_accounts_options,
    add_readings_options,
    check_dates_in_order,
    flush_stdout,
    positive,
    read_readings,
    write_output,
    write_stdout,
)
from tariffs.cli.terminal import add_global_options, check_global_options, error_text, note, reset
from tariffs.errors import TariffsError

#: The exit code when stdout is a pipe closed by its reader: 128 + SIGPIPE (13), what
#: the shell reports for a command that the signal ends.
EXIT_BROKEN_PIPE = 141

# Re-exported: the command modules imported these from here before they had a module of
# their own (`tariffs.cli.batch` still does).
__all__ = [
    "COMMANDS",
    "EXIT_BROKEN_PIPE",
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
    "explain": "tariffs.cli.explain",
    "batch": "tariffs.cli.batch",
    "compare": "tariffs.cli.compare",
    "correct": "tariffs.cli.correct",
    "portfolio": "tariffs.cli.portfolio",
    "design": "tariffs.cli.design",
    "validate": "tariffs.cli.validate",
    "import-urdb": "tariffs.cli.import_urdb",
    "show": "tariffs.cli.show",
    "tables": "tariffs.cli.tables",
    "schema": "tariffs.cli.schema",
    "completion": "tariffs.cli.completion",
}


class Command(NamedTuple):
    """The two entry points of a subcommand's module."""

    add_parser: Callable[[Any], None]
    run: Callable[[argparse.Namespace], int]


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        raise _UsageError(message, prog=self.prog)

    def print_help(self, file: Any = None) -> None:
        """``--help``: as argparse, but a closed stdout ends quietly (argparse ignores it)."""
        if file is not None:
            super().print_help(file)
            return
        write_stdout(self.format_help())


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
    words = iter(argv)
    for word in words:
        if word in ("-h", "--help"):
            return None
        if word == "--color":
            next(words, None)  # its value, not a command
        elif not word.startswith("-"):
            return word if word in COMMANDS else None
    return None


class _Version(argparse.Action):
    """``--version``: the installed package's version, read only when asked for."""

    def __init__(self, option_strings: Sequence[str], dest: str, **kwargs: Any) -> None:
        super().__init__(option_strings, dest, nargs=0, help="print the version and exit")

    def __call__(self, parser: argparse.ArgumentParser, *_: Any) -> None:
        from importlib.metadata import version

        write_stdout(f"tariffs {version('tariffs')}\n")
        parser.exit()


def _parser(commands: dict[str, Command]) -> _Parser:
    parser = _Parser(prog="tariffs", description="Exact, itemised electricity bills.")
    parser.add_argument("--version", action=_Version)
    add_global_options(parser, top=True)
    subparsers = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    for entry in commands.values():
        entry.add_parser(subparsers)
    for sub in subparsers.choices.values():
        add_global_options(sub, top=False)
    return parser


def _parsers(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    """The parser of ``tariffs`` and of each subcommand, by their ``prog``."""
    found = {parser.prog: parser}
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            found.update({sub.prog: sub for sub in action.choices.values()})
    return found


def _report_usage_error(
    parser: argparse.ArgumentParser, error: _UsageError, command_name: str | None
) -> None:
    """The usage line of the command concerned, the message, and where its help is."""
    prog = error.prog or (f"tariffs {command_name}" if command_name else parser.prog)
    concerned = _parsers(parser).get(prog, parser)
    sys.stderr.write(concerned.format_usage())
    print(f"{prog}: {error}; see '{prog} --help'", file=sys.stderr)


def _run(parser: _Parser, commands: dict[str, Command], words: list[str]) -> int:
    args: argparse.Namespace | None = None
    try:
        args, extra = parser.parse_known_args(words)
        if extra:
            # argparse leaves them to the top-level parser; they are the subcommand's.
            raise _UsageError(f"unrecognized arguments: {' '.join(extra)}")
        check_dates_in_order(args)
        try:
            check_global_options(args)
        except ValueError as exc:
            raise _UsageError(str(exc)) from None
        started = time.monotonic()
        code = commands[args.command].run(args)
        note(f"tariffs {args.command}: done in {time.monotonic() - started:.3f} s")
        return code
    except SystemExit as exc:  # --help and --version exit through argparse
        return exc.code if isinstance(exc.code, int) else 0
    except _UsageError as exc:
        _report_usage_error(parser, exc, getattr(args, "command", None))
        return 2
    except TariffsError as exc:
        print(error_text(str(exc)), file=sys.stderr)
        return 1
    except MemoryError:
        # Nothing has been written (outputs are written whole at the end): say what ran
        # out of memory on which input, not a traceback.
        print(error_text(_out_of_memory(args)), file=sys.stderr)
        return 1


def _out_of_memory(args: argparse.Namespace | None) -> str:
    """The message for a command that ran out of memory, naming its input files."""
    if args is None:
        return "out of memory"
    inputs = [
        str(value)
        for name in ("readings", "readings_dir", "accounts")
        if (value := getattr(args, name, None))
    ]
    where = f" on {', '.join(inputs)}" if inputs else ""
    return (
        f"out of memory in tariffs {args.command}{where}; price fewer days at a time "
        "(--from, --to), or give the process more memory"
    )


def _discard_stdout() -> None:
    """Point stdout at the null device, so that nothing left in its buffer is written.

    Without it, the interpreter's last flush of stdout, at exit, would fail on the closed
    pipe again and print a message. A stdout with no file descriptor (captured in a
    test) is left as it is.
    """
    try:
        descriptor = sys.stdout.fileno()
    except (AttributeError, OSError, ValueError):
        return
    null = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(null, descriptor)
    finally:
        os.close(null)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code (0 ok, 1 bad input, 2 usage, 141 pipe).

    A reader that closes stdout early (``| head``) ends the command quietly: no
    traceback and no message, exit code `EXIT_BROKEN_PIPE`; a batch stops its workers
    and leaves its ``--output`` as it was.
    """
    words = list(argv) if argv is not None else sys.argv[1:]
    reset()
    name = _command_of(words)
    commands = {name: command(name)} if name is not None else {n: command(n) for n in COMMANDS}
    parser = _parser(commands)
    try:
        code = _run(parser, commands, words)
        flush_stdout()  # here, so that a closed pipe is seen now and not at exit
    except StdoutClosed:
        _discard_stdout()
        return EXIT_BROKEN_PIPE
    return code


def run() -> None:
    """Console entry point (``tariffs`` and ``python -m tariffs``).

    What the command made is garbage once it returns; the process leaves it to its end
    instead of to the collector's last passes at exit (``gc.freeze``: about 30 ms of a
    short command such as ``tariffs price``). Outputs are written and closed by then, and
    exit handlers still run.
    """
    code = main()
    gc.freeze()
    sys.exit(code)
