"""``tariffs validate``: check tariff tables (files or directories)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from tariffs.cli.options import (
    _UsageError,
    add_past_enddate_option,
    add_timezone_option,
    write_stdout,
)
from tariffs.errors import TariffsError
from tariffs.io.tables import iter_table_files, load_tariff, resolve_tariff_path

__all__ = ["add_parser", "run"]


def add_parser(commands: Any) -> None:
    """Add ``validate`` to the subcommands of the ``tariffs`` parser."""
    sub = commands.add_parser("validate", help="check tariff tables (files or directories)")
    sub.add_argument(
        "paths", nargs="+", metavar="TARIFF_OR_DIR", help="tariff files, ids or directories"
    )
    add_timezone_option(sub)
    add_past_enddate_option(sub)


def run(args: argparse.Namespace) -> int:
    """``tariffs validate``: one line per table; 1 when any is refused (on stderr)."""
    files: list[Path] = []
    for name in args.paths:
        path = Path(name)
        if path.is_dir():
            files.extend(iter_table_files(path))
        else:
            files.append(resolve_tariff_path(name))
    if not files:
        raise _UsageError("no tariff files found")
    failures = 0
    seen: dict[str, Path] = {}
    for file in files:
        try:
            tariff = load_tariff(
                file,
                timezone=args.timezone,
                past_enddate=args.past_enddate,
                unpriced_attributes=args.unpriced_attributes,
            )
        except TariffsError as exc:
            failures += 1
            print(str(exc), file=sys.stderr)
            continue
        if tariff.id in seen:
            failures += 1
            print(f"{file}: id {tariff.id!r} is also the id of {seen[tariff.id]}", file=sys.stderr)
            continue
        seen[tariff.id] = file
        write_stdout(f"{file}: ok ({tariff.id})\n")
    return 1 if failures else 0
