"""``tariffs correct``: re-price issued bills from corrected inputs, show the difference.

The bills issued are read from their JSON (`tariffs.io.issued`); the readings, the
account and the tariff given are priced exactly as ``tariffs price`` prices them, over the
span of the issued bills unless ``--from``/``--to`` say otherwise; the correction bill
(退补电费) shows each line issued, corrected and the difference.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence

from tariffs.cli.options import (
    add_format_option,
    add_lang_option,
    add_metering_option,
    add_output_option,
    add_readings_options,
    write_output,
)
from tariffs.cli.price import _price_all, _price_parts
from tariffs.cli.terminal import paint_table
from tariffs.engine.submeters import has_parts
from tariffs.errors import InputError
from tariffs.io.coincident_peaks import read_coincident_peaks
from tariffs.io.issued import load_issued_bills
from tariffs.io.render.corrections import (
    corrections_to_csv,
    corrections_to_json,
    corrections_to_table,
)
from tariffs.io.tables import load_account, load_tariff
from tariffs.model.bill import Bill
from tariffs.whatif.corrections import Correction, correct

__all__ = ["add_parser", "run"]


def add_parser(commands: object) -> None:
    """Add ``correct`` to the subcommands of the ``tariffs`` parser."""
    sub = commands.add_parser(  # type: ignore[attr-defined]
        "correct",
        help="re-price issued bills from corrected readings, account or tariff (退补电费)",
    )
    sub.add_argument(
        "issued",
        metavar="ISSUED.json",
        help="the bills issued, as tariffs price --format json wrote them (.jsonl: one bill "
        "a line, as --format jsonl)",
    )
    add_readings_options(sub)
    add_metering_option(sub)
    add_format_option(
        sub,
        {
            "table": "",
            "json": "the corrections and their total difference",
            "csv": "one row per line, a total and a settlement row per period",
        },
        default="table",
    )
    add_output_option(sub)
    add_lang_option(sub)
    sub.add_argument("--tariff", required=True, help="tariff YAML/JSON file or tariff id")
    sub.add_argument(
        "--tariff-changed",
        action="store_true",
        help="allow the corrected bills to be under another tariff id than the issued ones "
        "(a new version of the same tariff needs no option)",
    )


def _check_accounts(issued: Sequence[Bill], account_id: str | None, source: str) -> None:
    """Refuse issued bills of another account than the one priced again, naming both."""
    for bill in issued:
        if bill.account != account_id:
            priced = f"account {account_id}" if account_id is not None else "no account"
            hint = "" if account_id is not None else " (give --account)"
            raise InputError(
                f"the bill of {bill.period_start} to {bill.period_end} was issued to account "
                f"{bill.account}, but the correction is priced for {priced}{hint}",
                file=source,
            )


def _render(corrections: Sequence[Correction], fmt: str, lang: str = "en") -> str:
    if fmt == "json":
        return corrections_to_json(corrections, lang)
    if fmt == "csv":
        return corrections_to_csv(corrections, lang)
    return corrections_to_table(corrections, lang)


def run(args: argparse.Namespace) -> int:
    """``tariffs correct``: the correction bills, as a table, JSON or CSV."""
    issued = load_issued_bills(args.issued)
    if not issued:
        raise InputError("no bills to correct", file=args.issued)
    tariff = load_tariff(
        args.tariff,
        args.tables,
        timezone=args.timezone,
        past_enddate=args.past_enddate,
        unpriced_attributes=args.unpriced_attributes,
    )
    account = load_account(args.account) if args.account else None
    _check_accounts(issued, None if account is None else account.account_id, args.issued)
    if args.start is None:
        args.start = min(bill.period_start for bill in issued)
    if args.end is None:
        args.end = max(bill.period_end for bill in issued)
    peaks = (
        read_coincident_peaks(args.coincident_peaks, tariff.timezone)
        if args.coincident_peaks
        else []
    )
    if has_parts(account):
        assert account is not None  # noqa: S101 - has_parts says so
        corrected = _price_parts(args, tariff, account, peaks)
    else:
        (corrected,) = _price_all(args, [tariff], account, peaks)
    try:
        corrections = correct(issued, corrected, tariff_changed=args.tariff_changed)
    except InputError as exc:
        raise InputError(exc.message, file=args.issued) from None
    text = _render(corrections, args.format, args.lang)
    if args.format == "table" and args.output is None:
        text = paint_table(text)
    write_output(text, args.output)
    return 0
