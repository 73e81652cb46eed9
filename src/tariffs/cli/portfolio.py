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
from dataclasses import dataclass, replace
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from tariffs.cli.options import (
    _UsageError,
    add_format_option,
    add_lang_option,
    add_many_accounts_options,
    add_output_option,
    add_portfolio_accounts_options,
    add_tariff_lookup_options,
    check_plot,
    check_workbook,
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
from tariffs.whatif.migrations import (
    CURRENT_COLUMN,
    ChangeBands,
    Migration,
    UsageBands,
    parse_edges,
    parse_migration_options,
    read_migration_csv,
)

if TYPE_CHECKING:
    from tariffs.model.account import CoincidentPeak
    from tariffs.model.tariff import Tariff
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
    add_portfolio_accounts_options(sub)
    sub.add_argument(
        "--proposed",
        action="append",
        default=[],
        metavar="TARIFF|VALUE=TARIFF",
        help="proposed tariff; VALUE=TARIFF (repeated) with --migrate-by: per value",
    )
    sub.add_argument(
        "--migrate-by",
        metavar="COLUMN",
        help="the column of --proposed VALUE=TARIFF: a grouping column, or tariff",
    )
    sub.add_argument(
        "--migrate",
        metavar="FILE.csv",
        help="proposed tariff per value: rows COLUMN,proposed_tariff or from_tariff,to_tariff",
    )
    sub.add_argument(
        "--bands", metavar="KWH,KWH,...", help="usage band edges [kWh], with --bands-per"
    )
    sub.add_argument(
        "--bands-per", choices=("month", "year"), help="the usage of --bands: per month or year"
    )
    sub.add_argument("--change-bands", metavar="PCT,PCT,...", help="bill change band edges [%%]")
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
            "xlsx": "a summary sheet, a sheet of the CSV's rows and one of the failures",
        },
        default="table",
        not_offered="the summary needs every account (tariffs batch writes one bill per line)",
    )
    add_output_option(sub)
    add_lang_option(sub)
    sub.add_argument(
        "--resume",
        action="store_true",
        help="with --output (csv or json): keep the accounts already priced there",
    )
    sub.add_argument("--plot", metavar="FILE.png|svg", help="draw the bill-change histogram")
    sub.add_argument(
        "--plot-months",
        metavar="FILE.png|svg",
        help="draw the revenue of each month under the current and the proposed tariff, "
        "and its change",
    )
    sub.add_argument(
        "--elasticity",
        metavar="FILE.yaml",
        help="also price the load after this price response (own and cross elasticities "
        "by period of the proposed tariff), beside the static result",
    )


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

    if not args.proposed and not args.migrate:
        raise _UsageError("--proposed or --migrate is needed")
    if args.resume and not args.output:
        raise _UsageError("--resume needs --output")
    if args.resume and args.format not in ("csv", "json"):
        raise _UsageError("--resume reads back --format csv or json output")
    if args.resume and args.plot_months:
        raise _UsageError(
            "--plot-months needs the months of every account, which an output read back "
            "by --resume does not hold; leave out one of them"
        )
    if args.resume and args.elasticity:
        raise _UsageError(
            "--resume reads back static results only; it cannot be used with --elasticity"
        )
    image_format = check_plot(args.plot)
    months_format = check_plot(args.plot_months)
    workbook = check_workbook(args)
    from tariffs.whatif.response import check_periods, load_elasticity, summarize_response

    elasticity = load_elasticity(args.elasticity) if args.elasticity else None
    args.response = elasticity  # for both runs (`_pricing_options`, `_run_detailed`)
    detailed = _detailed_options(args)
    if detailed is not None:
        return _run_detailed(args, detailed, image_format, months_format)
    if args.current is None:
        raise _UsageError("--current is needed (or a tariff column in the accounts file)")
    current = _load(args, args.current)
    proposed = _load(args, args.proposed[0])
    if elasticity is not None:
        check_periods(elasticity, proposed)
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

    def render(outcomes: Sequence[AccountOutcome]) -> str | bytes:
        result = summarize(
            outcomes, current.id, proposed.id, current.currency, group_columns, top=args.top
        )
        if elasticity is not None:
            result = replace(result, response=summarize_response(result, elasticity))
        if workbook:
            from tariffs.io.render.xlsx import portfolio_workbook

            return portfolio_workbook(result, outcomes)
        if args.format == "json":
            return portfolio_to_json(result)
        if args.format == "csv":
            return portfolio_to_csv(result, outcomes)
        return portfolio_to_table(result, args.lang)

    last_checkpoint = time.monotonic()

    def checkpoint(chunk: list[AccountOutcome]) -> None:
        nonlocal last_checkpoint
        for outcome in chunk:
            done[outcome.account_id] = outcome
        if (
            args.output
            and args.format in ("csv", "json")
            and time.monotonic() - last_checkpoint > 30
        ):
            ordered = [done[e.account_id] for e in accounts if e.account_id in done]
            _write(render(ordered), args.output)
            last_checkpoint = time.monotonic()

    bar = _ProgressBar(sys.stderr) if progress_wanted(sys.stderr) else None
    try:
        with dask_client(args) as client:
            fresh = price_accounts(
                pending,
                current,
                proposed,
                client=client,
                **_pricing_options(args, peaks),
                progress=bar,
                on_outcomes=checkpoint,
            )
    finally:
        if bar is not None:
            bar.close()
    by_id = {**previous, **{outcome.account_id: outcome for outcome in fresh}}
    outcomes = [by_id[entry.account_id] for entry in accounts]
    _write(render(outcomes), args.output)
    failed = [outcome for outcome in outcomes if not outcome.ok]
    if image_format is not None or months_format is not None:
        from tariffs.io.render.plot import portfolio_chart, portfolio_months_chart

        result = summarize(outcomes, current.id, proposed.id, current.currency, group_columns)
        if image_format is not None:
            write_atomic(args.plot, portfolio_chart(result, image_format))
        if months_format is not None:
            write_atomic(args.plot_months, portfolio_months_chart(result, months_format))
    response_failed = _response_failures(outcomes)
    for outcome in failed:
        print(f"tariffs: account {outcome.account_id} failed: {outcome.error}", file=sys.stderr)
    if failed:
        print(
            f"tariffs: {len(failed)} of {len(outcomes)} accounts failed; the others were priced",
            file=sys.stderr,
        )
        return 1
    return response_failed


def _response_failures(outcomes: Sequence[AccountOutcome]) -> int:
    """Say on stderr each account whose price response failed; 1 if any did."""
    failed = [o for o in outcomes if o.ok and o.response_error is not None]
    for outcome in failed:
        print(f"tariffs: account {outcome.account_id}: {outcome.response_error}", file=sys.stderr)
    if failed:
        print(
            f"tariffs: the price response of {len(failed)} account(s) failed; the revenue "
            "with response is not given where they are",
            file=sys.stderr,
        )
        return 1
    return 0


def _write(output: str | bytes, path: str | None) -> None:
    """Write text to stdout or ``path``, or a workbook to ``path``, whole or not at all."""
    if isinstance(output, bytes):
        assert path is not None  # noqa: S101 - check_workbook asked for --output
        write_atomic(path, output)
    else:
        write_output(output, path)


def _pricing_options(args: argparse.Namespace, peaks: Sequence[CoincidentPeak]) -> dict[str, Any]:
    """The options of `price_accounts` that the command line gives, for every run of it."""
    return {
        "workers": args.workers,
        "interval_seconds": args.interval * 60 if args.interval else None,
        "allow_gaps": args.allow_gaps,
        "start": args.start,
        "end": args.end,
        "event_days": args.event_days,
        "coincident_peaks": peaks,
        "estimate": many_accounts_estimate("tariffs portfolio", args),
        "response": getattr(args, "response", None),
    }


def _load(args: argparse.Namespace, name: str) -> Tariff:
    return load_tariff(
        name,
        args.tables,
        timezone=args.timezone,
        past_enddate=args.past_enddate,
        unpriced_attributes=args.unpriced_attributes,
    )


@dataclass(frozen=True, slots=True)
class _Detailed:
    migration: Migration | None
    usage_bands: UsageBands | None
    change_bands: ChangeBands | None


def _detailed_options(args: argparse.Namespace) -> _Detailed | None:
    """The options of migrations and bands, None when none is given (nor a tariff column)."""
    from tariffs.io.accounts_csv import accounts_csv_header

    pairs = [value for value in args.proposed if "=" in value]
    if args.migrate and args.proposed:
        raise _UsageError("--migrate and --proposed cannot be given together")
    if pairs and len(pairs) != len(args.proposed):
        raise _UsageError("--proposed: give one TARIFF, or VALUE=TARIFF options, not both")
    if len(args.proposed) > 1 and not pairs:
        raise _UsageError("--proposed: one TARIFF, or VALUE=TARIFF options with --migrate-by")
    if pairs and not args.migrate_by:
        raise _UsageError(
            "--proposed VALUE=TARIFF needs --migrate-by COLUMN (a grouping column, or tariff)"
        )
    if args.migrate_by and not pairs:
        raise _UsageError("--migrate-by needs --proposed VALUE=TARIFF options")
    if (args.bands is None) != (args.bands_per is None):
        raise _UsageError("--bands and --bands-per go together (kWh per month or per year)")
    migration = (
        read_migration_csv(args.migrate)
        if args.migrate
        else parse_migration_options(pairs, args.migrate_by)
        if pairs
        else None
    )
    usage = (
        UsageBands(parse_edges(args.bands, "--bands"), args.bands_per)
        if args.bands is not None
        else None
    )
    change = (
        ChangeBands(parse_edges(args.change_bands, "--change-bands"))
        if args.change_bands is not None
        else None
    )
    header = accounts_csv_header(args.accounts) or []
    if migration is None and usage is None and change is None and CURRENT_COLUMN not in header:
        return None
    if args.resume:
        raise _UsageError(
            "--resume reads back the output of one tariff pair; it cannot be used with a "
            "tariff column, --migrate, --proposed VALUE=TARIFF or bands"
        )
    return _Detailed(migration, usage, change)


def _run_detailed(
    args: argparse.Namespace,
    options: _Detailed,
    image_format: str | None,
    months_format: str | None = None,
) -> int:
    """A portfolio with a tariff per account, a migration or bands."""
    from tariffs.whatif.portfolio import (
        MIGRATION,
        PER_ACCOUNT,
        AccountOutcome,
        assign_tariffs,
        price_assigned,
        read_accounts_csv,
        summarize,
    )

    current = _load(args, args.current) if args.current else None
    proposed = _load(args, args.proposed[0]) if options.migration is None else None
    accounts, group_columns = read_accounts_csv(args.accounts, args.readings_dir)
    migration = options.migration
    if migration is not None and migration.column not in (CURRENT_COLUMN, *group_columns):
        raise InputError(
            f"{migration.source} maps column {migration.column!r}, which the accounts file "
            "does not have (grouping columns: "
            f"{', '.join(c for c in group_columns if c != CURRENT_COLUMN) or 'none'})",
            file=args.accounts,
            line=1,
        )
    plan = assign_tariffs(
        accounts,
        current=current,
        proposed=proposed,
        migration=migration,
        load=lambda name: _load(args, name),
    )
    if args.response is not None:
        from tariffs.whatif.response import check_periods_of_any

        check_periods_of_any(
            args.response, [item[2] for item in plan if not isinstance(item, AccountOutcome)]
        )
    currencies = sorted(
        {t.currency for item in plan if not isinstance(item, AccountOutcome) for t in item[1:]}
    )
    if len(currencies) > 1:
        raise InputError(
            f"the tariffs bill in {', '.join(currencies)}; a portfolio compares one currency"
        )
    first = next((item for item in plan if not isinstance(item, AccountOutcome)), None)
    timezone = current.timezone if current else first[1].timezone if first else "UTC"
    currency = currencies[0] if currencies else (current.currency if current else "")
    peaks = read_coincident_peaks(args.coincident_peaks, timezone) if args.coincident_peaks else []
    columns = [column for column in group_columns if column != CURRENT_COLUMN]
    current_label = (
        current.id if current is not None and CURRENT_COLUMN not in group_columns else PER_ACCOUNT
    )
    proposed_label = f"{MIGRATION}{migration.source}" if migration is not None else ""
    if proposed is not None:
        proposed_label = proposed.id
    note(f"read {args.accounts}: {len(accounts)} accounts; readings in {args.readings_dir}")
    bar = _ProgressBar(sys.stderr) if progress_wanted(sys.stderr) else None
    try:
        with dask_client(args) as client:
            outcomes = price_assigned(
                plan,
                client=client,
                **_pricing_options(args, peaks),
                progress=bar,
            )
    finally:
        if bar is not None:
            bar.close()
    result = summarize(
        outcomes,
        current_label,
        proposed_label,
        currency,
        columns,
        top=args.top,
        usage_bands=options.usage_bands,
        change_bands=options.change_bands,
        detailed=True,
    )
    if args.response is not None:
        from tariffs.whatif.response import summarize_response

        result = replace(result, response=summarize_response(result, args.response))
    text: str | bytes
    if args.format == "xlsx":
        from tariffs.io.render.xlsx import portfolio_workbook

        text = portfolio_workbook(result, outcomes)
    elif args.format == "json":
        text = portfolio_to_json(result)
    elif args.format == "csv":
        text = portfolio_to_csv(result, outcomes)
    else:
        text = portfolio_to_table(result, args.lang)
    _write(text, args.output)
    if image_format is not None:
        from tariffs.io.render.plot import portfolio_chart, portfolio_group_chart

        by = migration.column if migration is not None and migration.column in columns else None
        by = by or (columns[0] if columns else None)
        chart = (
            portfolio_group_chart(result, by, image_format)
            if by is not None
            else portfolio_chart(result, image_format)
        )
        write_atomic(args.plot, chart)
    if months_format is not None:
        from tariffs.io.render.plot import portfolio_months_chart

        write_atomic(args.plot_months, portfolio_months_chart(result, months_format))
    for outcome in result.not_migrated:
        note(f"account {outcome.account_id} not migrated: {outcome.not_migrated}")
    response_failed = _response_failures(outcomes)
    for outcome in result.failed:
        print(f"tariffs: account {outcome.account_id} failed: {outcome.error}", file=sys.stderr)
    if result.failed:
        print(
            f"tariffs: {len(result.failed)} of {len(outcomes)} accounts failed; "
            "the others were priced",
            file=sys.stderr,
        )
        return 1
    return response_failed
