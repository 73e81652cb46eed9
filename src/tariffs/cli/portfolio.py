"""``tariffs portfolio``: price many accounts under a current and a proposed tariff.

Argument parsing, ``--resume`` and progress only; the work is done by
`tariffs.whatif.portfolio`, the rendering by `tariffs.io.render.portfolio` and
`tariffs.io.render.plot`.
"""

from __future__ import annotations

import argparse
import csv
import io
import sys
import time
from collections.abc import Sequence
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from tariffs.cli.options import (
    _UsageError,
    add_format_option,
    add_many_accounts_options,
    add_output_option,
    add_tariff_lookup_options,
    check_plot,
    dask_client,
    many_accounts_estimate,
    positive,
    write_output,
)
from tariffs.cli.progress import ProgressBar
from tariffs.cli.terminal import note, progress_wanted
from tariffs.errors import InputError
from tariffs.io.atomic import write_atomic
from tariffs.io.coincident_peaks import read_coincident_peaks
from tariffs.io.render.portfolio import portfolio_to_csv, portfolio_to_json, portfolio_to_table
from tariffs.io.safe_json import parse_json
from tariffs.io.tables import load_tariff
from tariffs.model.common import check_ascii_digits

if TYPE_CHECKING:
    from tariffs.whatif.portfolio import AccountOutcome

__all__ = ["add_parser", "run"]


def add_parser(commands: Any) -> None:
    """Add ``portfolio`` to the subcommands of the ``tariffs`` parser."""
    sub = commands.add_parser(
        "portfolio",
        help="price many accounts under a current and a proposed tariff",
        description=(
            "Price every account of ACCOUNTS.csv (readings in DIR/<account_id>.csv) under "
            "the current and the proposed tariff, and report the revenue change."
        ),
    )
    sub.add_argument("--accounts", required=True, metavar="ACCOUNTS.csv", help="accounts CSV")
    sub.add_argument("--readings-dir", required=True, metavar="DIR", help="readings directory")
    sub.add_argument("--current", required=True, metavar="TARIFF", help="current tariff")
    sub.add_argument("--proposed", required=True, metavar="TARIFF", help="proposed tariff")
    add_tariff_lookup_options(sub)
    add_many_accounts_options(sub)
    sub.add_argument(
        "--top", type=positive, default=10, metavar="N", help="most affected accounts to list"
    )
    add_format_option(
        sub,
        {
            "table": "the summary",
            "json": "the summary and every account",
            "csv": "one row per account",
        },
        default="table",
        not_offered="the summary needs every account (tariffs batch writes one bill per line)",
    )
    add_output_option(sub)
    sub.add_argument(
        "--resume",
        action="store_true",
        help="with --output (csv or json): keep the accounts already priced there",
    )
    sub.add_argument("--plot", metavar="FILE.png|svg", help="draw the bill-change histogram")


class _ProgressBar(ProgressBar):
    """Accounts done of all the accounts."""

    def __init__(self, stream: TextIO) -> None:
        super().__init__(stream, every_seconds=0.1)

    def __call__(self, done: int, total: int) -> None:
        share = Fraction(done, total) if total else Fraction(1)
        self.draw(share, f"pricing accounts {done}/{total}", final=done >= total)


def _decimal(value: object, where: str) -> Decimal:
    """A number of an earlier output: text of ASCII digits, finite (never a float)."""
    try:
        result = Decimal(check_ascii_digits(value)) if isinstance(value, str) else None
    except (InvalidOperation, ValueError):
        result = None
    if result is None or not result.is_finite():
        raise InputError(f"--resume: not a number: {value!r}", file=where)
    return result


def _count(value: object, where: str) -> int:
    """A count of an earlier output: text of ASCII digits."""
    if not (isinstance(value, str) and value.isascii() and value.isdigit()):
        raise InputError(f"--resume: not a count of bills: {value!r}", file=where)
    return int(value)


def _previous_outcomes(
    path: str, fmt: str, current: str, proposed: str, groups: dict[str, dict[str, str]]
) -> dict[str, AccountOutcome]:
    """The accounts priced in an earlier output (failed ones are priced again)."""
    from tariffs.whatif.portfolio import AccountOutcome

    target = Path(path)
    if not target.exists():
        return {}
    try:
        text = target.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"--resume: cannot read: {exc}", file=path) from None
    found: dict[str, AccountOutcome] = {}
    mismatch = InputError(
        f"--resume: this output was not written for {current} -> {proposed}; give another --output",
        file=path,
    )
    if fmt == "json":
        try:
            document = parse_json(text, path, error=InputError, max_values=None).data
        except InputError as exc:
            inside = f"{exc.path}: " if exc.path else ""
            raise InputError(
                f"--resume: not a portfolio JSON output: {inside}{exc.message}",
                file=path,
                line=exc.line,
                column=exc.column,
            ) from None
        try:
            if (document["current"], document["proposed"]) != (current, proposed):
                raise mismatch
            entries = [(e["account_id"], e) for e in document["accounts"]]
        except (KeyError, TypeError):
            raise InputError("--resume: not a portfolio JSON output", file=path) from None
    else:
        rows = list(csv.DictReader(io.StringIO(text)))
        if rows and not {"account_id", "status", "current_tariff"} <= set(rows[0]):
            raise InputError("--resume: not a portfolio CSV output", file=path)
        entries = []
        for row in rows:
            if (row["current_tariff"], row["proposed_tariff"]) != (current, proposed):
                raise mismatch
            if row["status"] == "ok":
                entries.append((row["account_id"], row))
    for account_id, entry in entries:
        if not isinstance(account_id, str) or account_id not in groups:
            continue
        try:
            found[account_id] = AccountOutcome(
                account_id=account_id,
                groups=groups[account_id],
                energy_kwh=_decimal(entry["energy_kwh"], path),
                current_total=_decimal(entry["current_total"], path),
                proposed_total=_decimal(entry["proposed_total"], path),
                bills=_count(entry["bills"], path),
            )
        except KeyError as exc:
            raise InputError(
                f"--resume: account {account_id} has no {exc.args[0]!r}; not a portfolio output",
                file=path,
            ) from None
    return found


def run(args: argparse.Namespace) -> int:
    """``tariffs portfolio``: the revenue impact of a proposed tariff."""
    from tariffs.whatif.portfolio import price_accounts, read_accounts_csv, summarize

    if args.resume and not args.output:
        raise _UsageError("--resume needs --output")
    if args.resume and args.format == "table":
        raise _UsageError("--resume reads back --format csv or json output")
    image_format = check_plot(args.plot)
    current = load_tariff(
        args.current,
        args.tables,
        timezone=args.timezone,
        past_enddate=args.past_enddate,
        unpriced_attributes=args.unpriced_attributes,
    )
    proposed = load_tariff(
        args.proposed,
        args.tables,
        timezone=args.timezone,
        past_enddate=args.past_enddate,
        unpriced_attributes=args.unpriced_attributes,
    )
    peaks = (
        read_coincident_peaks(args.coincident_peaks, current.timezone)
        if args.coincident_peaks
        else []
    )
    if current.currency != proposed.currency:
        raise InputError(
            f"tariff {current.id} bills in {current.currency} and {proposed.id} in "
            f"{proposed.currency}; a portfolio compares one currency"
        )
    accounts, group_columns = read_accounts_csv(args.accounts, args.readings_dir)
    previous: dict[str, AccountOutcome] = {}
    if args.resume:
        previous = _previous_outcomes(
            args.output,
            args.format,
            current.id,
            proposed.id,
            {entry.account_id: entry.groups for entry in accounts},
        )
    pending = [entry for entry in accounts if entry.account_id not in previous]
    done: dict[str, AccountOutcome] = dict(previous)
    note(f"tariff {current.id} from {current.source} (current)")
    note(f"tariff {proposed.id} from {proposed.source} (proposed)")
    kept = f", {len(previous)} of them read back from {args.output}" if previous else ""
    note(f"read {args.accounts}: {len(accounts)} accounts{kept}; readings in {args.readings_dir}")

    def render(outcomes: Sequence[AccountOutcome]) -> str:
        result = summarize(
            outcomes, current.id, proposed.id, current.currency, group_columns, top=args.top
        )
        if args.format == "json":
            return portfolio_to_json(result)
        if args.format == "csv":
            return portfolio_to_csv(result, outcomes)
        return portfolio_to_table(result)

    last_checkpoint = time.monotonic()

    def checkpoint(chunk: list[AccountOutcome]) -> None:
        nonlocal last_checkpoint
        for outcome in chunk:
            done[outcome.account_id] = outcome
        if args.output and args.format != "table" and time.monotonic() - last_checkpoint > 30:
            ordered = [done[e.account_id] for e in accounts if e.account_id in done]
            write_output(render(ordered), args.output)
            last_checkpoint = time.monotonic()

    bar = _ProgressBar(sys.stderr) if progress_wanted(sys.stderr) else None
    try:
        with dask_client(args) as client:
            fresh = price_accounts(
                pending,
                current,
                proposed,
                workers=args.workers,
                client=client,
                interval_seconds=args.interval * 60 if args.interval else None,
                allow_gaps=args.allow_gaps,
                start=args.start,
                end=args.end,
                event_days=args.event_days,
                coincident_peaks=peaks,
                estimate=many_accounts_estimate("tariffs portfolio", args),
                progress=bar,
                on_outcomes=checkpoint,
            )
    finally:
        if bar is not None:
            bar.close()
    by_id = {**previous, **{outcome.account_id: outcome for outcome in fresh}}
    outcomes = [by_id[entry.account_id] for entry in accounts]
    write_output(render(outcomes), args.output)
    failed = [outcome for outcome in outcomes if not outcome.ok]
    if image_format is not None:
        from tariffs.io.render.plot import portfolio_chart

        result = summarize(outcomes, current.id, proposed.id, current.currency, group_columns)
        write_atomic(args.plot, portfolio_chart(result, image_format))
    for outcome in failed:
        print(f"tariffs: account {outcome.account_id} failed: {outcome.error}", file=sys.stderr)
    if failed:
        print(
            f"tariffs: {len(failed)} of {len(outcomes)} accounts failed; the others were priced",
            file=sys.stderr,
        )
        return 1
    return 0
