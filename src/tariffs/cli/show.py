"""``tariffs show``: describe a tariff in words."""

from __future__ import annotations

import argparse
from typing import Any

from tariffs.cli.options import add_tariff_lookup_options, write_stdout
from tariffs.io.render.describe import describe_tariff
from tariffs.io.tables import load_tariff

__all__ = ["add_parser", "run"]


def add_parser(commands: Any) -> None:
    """Add ``show`` to the subcommands of the ``tariffs`` parser."""
    sub = commands.add_parser("show", help="describe a tariff in words")
    sub.add_argument("tariff", metavar="TARIFF", help="tariff YAML/JSON file or tariff id")
    add_tariff_lookup_options(sub)


def run(args: argparse.Namespace) -> int:
    """``tariffs show``: seasons, periods and prices of the tariff, on stdout."""
    write_stdout(
        describe_tariff(
            load_tariff(
                args.tariff,
                args.tables,
                timezone=args.timezone,
                past_enddate=args.past_enddate,
                unpriced_attributes=args.unpriced_attributes,
            )
        )
    )
    return 0
