"""Terminal conventions of the ``tariffs`` command: -q/-v, colour, and what -v reports.

The global options ``-q/--quiet``, ``-v/--verbose`` and ``--color WHEN`` are taken before
or after the subcommand alike (``tariffs -v price ...`` and ``tariffs price ... -v``):
`add_global_options` adds them to the parser of ``tariffs`` and to every subcommand's.

- ``-q``: no progress bar and no notes on stderr; errors are still written.
- ``-v``: notes on stderr of what was read (each readings file: its intervals and span;
  each tariff: its file and the versions in force) and how long the command took, from
  its arguments read to its output written.
- Colour (the ``error:`` and ``warning:`` prefixes, the total rows of a bill table, a
  comparison's recommendation) is used on a stream only when it is a terminal, never
  when it is piped or written to a file, never when ``NO_COLOR`` is set to any
  non-empty value (https://no-color.org), and on any stream when ``FORCE_COLOR`` is set
  to a non-empty value (https://force-color.org). ``--color always`` or ``never``
  overrides both, as the NO_COLOR convention asks of a per-run option; ``auto`` (the
  default) follows them.
  Without colour every output is byte for byte what it is without this module.

The CLI stays on `argparse` rather than click or typer (with rich for tables): the
start-up of ``tariffs price`` imports only the modules of that one command, which a
framework's import would dwarf; the whole command line, its usage errors (exit code 2)
and the completion scripts (`tariffs.cli.completion`) are built on one argparse parser;
and no runtime dependency is added for text a few lines can lay out.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TextIO
from zoneinfo import ZoneInfo

if TYPE_CHECKING:
    from tariffs.model.tariff import Tariff

__all__ = [
    "COLORS",
    "Settings",
    "add_global_options",
    "check_global_options",
    "color_on",
    "days_of",
    "error_text",
    "note",
    "note_readings",
    "note_tariff",
    "paint_table",
    "progress_wanted",
    "reset",
    "settings",
]

#: The choices of ``--color``.
COLORS = ("auto", "always", "never")

_RESET = "\033[0m"
_STYLES = {"error": "\033[1;31m", "warning": "\033[33m", "total": "\033[1m"}
#: Line prefixes coloured by `paint_table` (each with the space after it).
_PREFIXES = (
    ("warning: ", "warning"),
    ("not applicable: ", "warning"),
    ("Recommendation: ", "total"),
)


@dataclass
class Settings:
    """The global options of the command being run (set once by `tariffs.cli.main`)."""

    quiet: bool = False
    verbose: bool = False
    color: str = "auto"


#: The global options in force; the defaults are those of a run without them.
settings = Settings()


def add_global_options(parser: argparse.ArgumentParser, *, top: bool) -> None:
    """Add ``-q/--quiet``, ``-v/--verbose`` and ``--color WHEN`` to ``parser``.

    Args:
        parser: The parser of ``tariffs`` (``top``) or of one of its subcommands.
        top: Whether ``parser`` is that of ``tariffs``: it holds the defaults and shows
            the options in its usage and help. A subcommand's parser sets only what is
            given after the subcommand (so that an option given before it is not reset),
            and its help says that they are taken there too, leaving its usage line as
            it was.
    """
    target: Any = parser
    if top:
        target = parser.add_argument_group("terminal options (before or after the command)")
    else:
        note_text = (
            "-q/--quiet, -v/--verbose and --color WHEN (see 'tariffs --help') are taken here too."
        )
        parser.epilog = f"{parser.epilog}\n\n{note_text}" if parser.epilog else note_text

    def shown(text: str) -> str:
        return text if top else argparse.SUPPRESS

    def default(value: object) -> object:
        return value if top else argparse.SUPPRESS

    target.add_argument(
        "-q",
        "--quiet",
        action="store_true",
        default=default(False),
        help=shown("no progress or notes on stderr; errors are still written"),
    )
    target.add_argument(
        "-v",
        "--verbose",
        action="store_true",
        default=default(False),
        help=shown(
            "say on stderr what was read (files, tariff versions, intervals) and the time taken"
        ),
    )
    target.add_argument(
        "--color",
        choices=COLORS,
        default=default("auto"),
        help=shown(
            "colour on a terminal: auto (the default; never when piped or with NO_COLOR "
            "set), always, or never"
        ),
    )


def check_global_options(args: argparse.Namespace) -> Settings:
    """The settings that ``args`` give, made the ones in force.

    Raises:
        ValueError: ``-q`` and ``-v`` are both given (the CLI's usage error says so).
    """
    found = Settings(
        quiet=getattr(args, "quiet", False),
        verbose=getattr(args, "verbose", False),
        color=getattr(args, "color", "auto"),
    )
    if found.quiet and found.verbose:
        raise ValueError("-q/--quiet and -v/--verbose are opposites: give one or the other")
    settings.quiet, settings.verbose, settings.color = found.quiet, found.verbose, found.color
    return found


def reset() -> None:
    """Back to the settings of a run without global options (each `main` call starts so)."""
    settings.quiet, settings.verbose, settings.color = False, False, "auto"


def _is_terminal(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):  # no isatty, or closed
        return False


def color_on(stream: TextIO) -> bool:
    """Whether text written to ``stream`` is coloured (see the module's docstring)."""
    if settings.color != "auto":
        return settings.color == "always"
    if os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    return _is_terminal(stream) and os.environ.get("TERM") != "dumb"


def _paint(text: str, style: str) -> str:
    return f"{_STYLES[style]}{text}{_RESET}"


def error_text(message: str, stream: TextIO | None = None) -> str:
    """``tariffs: error: MESSAGE``, its ``error:`` in red when ``stream`` is coloured.

    ``stream`` is stderr when not given.

    >>> import io
    >>> error_text("no such readings file", io.StringIO())
    'tariffs: error: no such readings file'
    """
    prefix = "error:"
    if color_on(sys.stderr if stream is None else stream):
        prefix = _paint(prefix, "error")
    return f"tariffs: {prefix} {message}"


def paint_table(text: str, stream: TextIO | None = None) -> str:
    """A text table of bills or of a comparison, coloured for ``stream``.

    The ``warning:`` prefix of a bill's warning and the ``not applicable:`` prefix of a
    tariff left out of a comparison turn yellow; the ``total`` rows and the ``Total of N
    bills`` line of a bill table, and the ``Recommendation:`` of a comparison, bold.
    ``stream`` is stdout when not given; when it is not coloured, ``text`` is returned as
    it is.
    """
    if not color_on(sys.stdout if stream is None else stream):
        return text
    lines = []
    for line in text.split("\n"):
        for prefix, style in _PREFIXES:
            if line.startswith(prefix):
                line = _paint(prefix[:-1], style) + line[len(prefix) - 1 :]
                break
        else:
            if line.startswith(("total ", "Total of ")):
                line = _paint(line, "total")
        lines.append(line)
    return "\n".join(lines)


def progress_wanted(stream: TextIO) -> bool:
    """Whether a progress bar is drawn on ``stream``: a terminal, and ``-q`` not given."""
    return not settings.quiet and _is_terminal(stream)


def note(text: str) -> None:
    """With ``-v``, write ``tariffs: TEXT`` on stderr (nothing otherwise)."""
    if settings.verbose:
        print(f"tariffs: {text}", file=sys.stderr)


def _local(instant: int, zone: ZoneInfo) -> str:
    return dt.datetime.fromtimestamp(instant, zone).strftime("%Y-%m-%dT%H:%M")


def note_readings(path: str, timezone: str, starts: list[int], interval_seconds: int) -> None:
    """With ``-v``: the readings file read, its number of intervals and their span.

    Args:
        path: The readings file.
        timezone: The zone the span is shown in (the tariff's).
        starts: The intervals' starts [s since the epoch].
        interval_seconds: The length of every interval [s].
    """
    if not settings.verbose:
        return
    count = len(starts)
    span = ""
    if starts:
        zone = ZoneInfo(timezone)
        first, end = _local(starts[0], zone), _local(starts[-1] + interval_seconds, zone)
        span = f", {first} to {end} ({timezone}, end exclusive)"
    minutes = f"{interval_seconds // 60} min" if interval_seconds % 60 == 0 else ""
    length = minutes or f"{interval_seconds} s"
    noun = "interval" if count == 1 else "intervals"
    note(f"read {path}: {count} {noun} of {length}{span}")


def days_of(spans: Iterable[tuple[dt.date, dt.date]]) -> list[dt.date]:
    """The first and the last day of each span [start, end) (the days to find versions on).

    >>> days_of([(dt.date(2025, 7, 1), dt.date(2025, 8, 1))])
    [datetime.date(2025, 7, 1), datetime.date(2025, 7, 31)]
    """
    return [day for start, end in spans for day in (start, end - dt.timedelta(days=1))]


def note_tariff(tariff: Tariff, days: Iterable[dt.date]) -> None:
    """With ``-v``: the tariff read, the file it came from and the versions in force.

    Args:
        tariff: The tariff.
        days: The days priced (each bill's first and last day): the versions shown are
            those in force on them.
    """
    if not settings.verbose:
        return
    found = sorted({at[0] for day in days if (at := tariff.version_at(day)) is not None})
    if not found:
        in_force = "no version in force on the days priced"
    else:
        noun = "version" if len(found) == 1 else "versions"
        in_force = f"{noun} {', '.join(day.isoformat() for day in found)} in force"
    note(f"tariff {tariff.id} from {tariff.source}: {in_force}")
