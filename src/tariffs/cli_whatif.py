"""Command-line what-if commands: ``compare`` (and their options).

Parsing and rendering only; the work is done by the library.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from tariffs.cli import price_all, write_output
from tariffs.documents import load_account, load_tariff
from tariffs.render import bill_to_dict, number

__all__ = ["COMMANDS", "add_parsers"]


def add_parsers(commands: Any, readings_options: Callable[[argparse.ArgumentParser], None]) -> None:
    """Add the what-if subcommands to the ``tariffs`` parser."""
    sub = commands.add_parser("compare", help="price readings under several tariffs, ranked")
    readings_options(sub)
    sub.add_argument(
        "--tariff",
        action="append",
        required=True,
        dest="tariffs",
        help="tariff file or id (repeat for each tariff)",
    )


def cmd_compare(args: argparse.Namespace) -> int:
    tariffs = [load_tariff(name, args.tables, timezone=args.timezone) for name in args.tariffs]
    account = load_account(args.account) if args.account else None
    priced = price_all(args, tariffs, account)
    ranked = sorted(
        zip(tariffs, priced, strict=True),
        key=lambda item: (sum((b.total for b in item[1]), Decimal(0)), item[0].id),
    )
    if args.format == "json":
        document = {
            "results": [
                {
                    "tariff": tariff.id,
                    "currency": tariff.currency,
                    "total": number(sum((b.total for b in bills), Decimal(0))),
                    "bills": [bill_to_dict(b) for b in bills],
                }
                for tariff, bills in ranked
            ]
        }
        text = json.dumps(document, ensure_ascii=False, indent=2) + "\n"
    elif args.format == "csv":
        rows = ["rank,tariff,currency,total"]
        for rank, (tariff, bills) in enumerate(ranked, start=1):
            total = number(sum((b.total for b in bills), Decimal(0)))
            rows.append(f"{rank},{tariff.id},{tariff.currency},{total}")
        text = "\n".join(rows) + "\n"
    else:
        rows = []
        for rank, (tariff, bills) in enumerate(ranked, start=1):
            total = number(sum((b.total for b in bills), Decimal(0)))
            rows.append(f"{rank}. {tariff.id}: {total} {tariff.currency}")
        text = "\n".join(rows) + "\n"
    write_output(text, args.output)
    return 0


COMMANDS: dict[str, Callable[[argparse.Namespace], int]] = {"compare": cmd_compare}
