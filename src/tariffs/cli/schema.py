"""``tariffs schema``: the JSON Schema of the tariff table or of the account file."""

from __future__ import annotations

import argparse
from typing import Any

from tariffs.cli.options import add_output_option, write_output

__all__ = ["add_parser", "run"]

#: The schemas ``tariffs schema`` gives (`tariffs.model.json_schema.KINDS`).
_KINDS = ("tariff", "account")


def add_parser(commands: Any) -> None:
    """Add ``schema`` to the subcommands of the ``tariffs`` parser."""
    sub = commands.add_parser(
        "schema",
        help="print the JSON Schema of the tariff table or of the account file",
        description=(
            "Print the JSON Schema of a tariff table (the default) or of an account file, "
            "for editors that check YAML as it is typed: save it next to the files and "
            "start each file with '# yaml-language-server: $schema=tariff.schema.json'. "
            "The schema checks keys and the type of each value; what depends on several "
            "fields (seasons that cover the year, a price for every period) is checked by "
            "'tariffs validate'."
        ),
    )
    sub.add_argument(
        "kind",
        nargs="?",
        choices=_KINDS,
        default="tariff",
        help="tariff (default): a tariff table; account: an account file",
    )
    add_output_option(sub)


def run(args: argparse.Namespace) -> int:
    """``tariffs schema``: the schema as indented JSON, on stdout or into ``--output``."""
    from tariffs.model.json_schema import json_schema_text

    write_output(json_schema_text(args.kind), args.output)
    return 0
