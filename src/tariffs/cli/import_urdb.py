"""``tariffs import-urdb``: convert a URDB JSON record to a YAML tariff table."""

from __future__ import annotations

import argparse
from typing import Any

from tariffs.cli.options import add_output_option, add_past_enddate_option, write_output

__all__ = ["add_parser", "run"]


def add_parser(commands: Any) -> None:
    """Add ``import-urdb`` to the subcommands of the ``tariffs`` parser."""
    sub = commands.add_parser("import-urdb", help="convert a URDB JSON record to a YAML table")
    sub.add_argument("urdb", metavar="URDB.json", help="URDB JSON record")
    sub.add_argument(
        "--timezone",
        required=True,
        metavar="ZONE",
        help="IANA time zone of the tariff's clock hours (URDB records carry none)",
    )
    add_past_enddate_option(sub)
    sub.add_argument("--id", help="tariff id (default: urdb-<label>)")
    add_output_option(sub, metavar="FILE.yaml")


def run(args: argparse.Namespace) -> int:
    """``tariffs import-urdb``: the YAML table, or an error naming the field refused."""
    from tariffs.io.urdb import convert_urdb_file, urdb_to_yaml

    yaml_text = convert_urdb_file(
        args.urdb,
        lambda record: urdb_to_yaml(
            record,
            timezone=args.timezone,
            source=args.urdb,
            tariff_id=args.id,
            past_enddate=args.past_enddate,
            unpriced_attributes=args.unpriced_attributes,
        ),
    )
    write_output(yaml_text, args.output)
    return 0
