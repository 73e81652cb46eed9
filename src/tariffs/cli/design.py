"""``tariffs design``: solve one number of a proposed table for a revenue over a portfolio.

Argument parsing and files only; the work is done by `tariffs.whatif.design` (the
accounts priced as `tariffs portfolio` prices them, with the same options), the
rendering by `tariffs.io.render.design`.
"""

from __future__ import annotations

import argparse
from decimal import Decimal, InvalidOperation
from functools import partial
from typing import Any

from tariffs.cli.options import (
    _UsageError,
    add_format_option,
    add_many_accounts_options,
    add_output_option,
    add_portfolio_accounts_options,
    add_tariff_lookup_options,
    dask_client,
    write_output,
)
from tariffs.cli.terminal import note
from tariffs.errors import InputError, TariffFileError
from tariffs.model.common import check_ascii_digits

__all__ = ["add_parser", "run"]


def add_parser(commands: Any) -> None:
    """Add ``design`` to the subcommands of the ``tariffs`` parser."""
    sub = commands.add_parser(
        "design",
        help="solve a price, ratio, tier bound or amount of a proposed tariff for a revenue",
        description=(
            "Find the value of one number of the proposed tariff (--solve PATH) that makes "
            "the revenue of the accounts of ACCOUNTS.csv (readings in DIR/<account_id>.csv) "
            "their current revenue (--target neutral) or a stated revenue, at the number's "
            "decimal places; report it with its neighbours, and write the solved tariff."
        ),
    )
    add_portfolio_accounts_options(sub)
    sub.add_argument(
        "--proposed",
        required=True,
        metavar="TARIFF",
        help="proposed tariff, a YAML table: the one with the number solved for",
    )
    sub.add_argument(
        "--solve",
        required=True,
        metavar="PATH",
        help="the number of the proposed table to solve for, e.g. base_prices.flat, "
        "charges[energy].prices.peak, charges[energy].tiers.bounds_kwh[1], "
        "charges[fixed].amount (list items counted from 1; versions[DATE]. first for a "
        "table of several versions)",
    )
    sub.add_argument(
        "--target",
        required=True,
        type=parse_target,
        metavar="neutral|REVENUE",
        help="neutral: the current revenue of the same accounts; or a revenue [currency]",
    )
    sub.add_argument(
        "--places",
        type=_places,
        metavar="N",
        help="decimal places of the solved value (default: as many as written in the table)",
    )
    sub.add_argument(
        "--write-table",
        metavar="FILE.yaml",
        help="write the solved tariff: the proposed table with the number replaced",
    )
    add_tariff_lookup_options(sub)
    add_many_accounts_options(sub)
    add_format_option(
        sub,
        {"table": "the solved value, its neighbours and why", "json": "the same"},
        default="table",
        not_offered="a design is one summary, not rows of accounts or bills",
    )
    add_output_option(sub)


def parse_target(text: str) -> Decimal | None:
    """``--target``: ``neutral`` (None) or a revenue in the currency.

    >>> parse_target("neutral"), parse_target("1234.50")
    (None, Decimal('1234.50'))
    """
    if text == "neutral":
        return None
    try:
        value = Decimal(check_ascii_digits(text.strip()))
    except (InvalidOperation, ValueError):
        value = None
    if value is None or not value.is_finite():
        raise argparse.ArgumentTypeError(
            f"not neutral or a revenue: {text!r} (e.g. --target 125000.00)"
        )
    return value


def _places(text: str) -> int:
    if not (text.isascii() and text.isdigit()):
        raise argparse.ArgumentTypeError(f"not a number of decimal places: {text!r}")
    return int(text)


def run(args: argparse.Namespace) -> int:
    """``tariffs design``: the value of one number that hits the revenue aimed at."""
    from pathlib import Path

    from tariffs.cli.portfolio import _load, _pricing_options
    from tariffs.io.atomic import write_atomic
    from tariffs.io.coincident_peaks import read_coincident_peaks
    from tariffs.io.render.design import design_to_json, design_to_table
    from tariffs.io.safe_yaml import parse_yaml, read_yaml_text
    from tariffs.io.tables import resolve_tariff_path, tariff_from_document
    from tariffs.model.tariff import Tariff
    from tariffs.whatif.design import design_tariff, find_unknown
    from tariffs.whatif.portfolio import (
        AccountOutcome,
        assign_tariffs,
        price_assigned,
        read_accounts_csv,
    )

    if args.write_table and args.output:
        if Path(args.output).resolve() == Path(args.write_table).resolve():
            raise _UsageError("--write-table and --output name the same file")
    current = _load(args, args.current) if args.current else None
    path = resolve_tariff_path(args.proposed, args.tables)
    if path.suffix.lower() not in (".yaml", ".yml"):
        raise _UsageError(
            f"--proposed {args.proposed}: a design changes a YAML table; convert a URDB "
            "record first (tariffs import-urdb)"
        )
    text = read_yaml_text(path, error=TariffFileError)
    document = parse_yaml(text, str(path), error=TariffFileError)
    proposed = tariff_from_document(document, stem=path.stem)
    unknown = find_unknown(document, args.solve, places=args.places)
    if args.write_table and Path(args.write_table).stem != proposed.id:
        raise _UsageError(
            f"--write-table {args.write_table}: name the file {proposed.id}.yaml (a table's "
            "id is its file name), in a directory of its own"
        )
    accounts, _ = read_accounts_csv(args.accounts, args.readings_dir)
    plan = assign_tariffs(
        accounts,
        current=current,
        proposed=proposed,
        migration=None,
        load=lambda name: _load(args, name),
    )
    currencies = sorted(
        {t.currency for item in plan if not isinstance(item, AccountOutcome) for t in item[1:]}
    )
    if len(currencies) > 1:
        raise InputError(
            f"the tariffs bill in {', '.join(currencies)}; a design compares one currency"
        )
    timezone = current.timezone if current is not None else proposed.timezone
    peaks = read_coincident_peaks(args.coincident_peaks, timezone) if args.coincident_peaks else []
    if current is not None:
        note(f"tariff {current.id} from {current.source} (current)")
    note(f"tariff {proposed.id} from {proposed.source} (proposed): {unknown.where}")
    note(f"read {args.accounts}: {len(accounts)} accounts; readings in {args.readings_dir}")
    options = _pricing_options(args, peaks)
    with dask_client(args) as client:

        def price_portfolio(tariff: Tariff, *, proposed_only: bool = False) -> list[AccountOutcome]:
            trial = [
                item if isinstance(item, AccountOutcome) else (item[0], item[1], tariff)
                for item in plan
            ]
            return price_assigned(trial, client=client, proposed_only=proposed_only, **options)

        design = design_tariff(
            text,
            document,
            unknown,
            price_portfolio,
            target=args.target,
            price_proposed=partial(price_portfolio, proposed_only=True),
        )
    rendered = design_to_json(design) if args.format == "json" else design_to_table(design)
    if args.write_table:
        write_atomic(args.write_table, design.table)
    write_output(rendered, args.output)
    return 0
