"""Command-line what-if commands: ``compare`` (scenarios, break-even) and ``portfolio``.

Argument parsing only; the work is done by `tariffs.whatif.compare`,
`tariffs.whatif.scenarios` and `tariffs.whatif.portfolio`, the rendering by
`tariffs.io.render.comparison`, `tariffs.io.render.portfolio` and `tariffs.io.render.plot`.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import re
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import replace
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from tariffs.cli.main import (
    _UsageError,
    add_many_accounts_options,
    positive,
    read_readings,
    write_output,
)
from tariffs.cli.progress import ProgressBar
from tariffs.errors import InputError, TariffsError
from tariffs.io.atomic import write_atomic
from tariffs.io.render.comparison import (
    comparison_to_csv,
    comparison_to_json,
    comparison_to_table,
)
from tariffs.io.render.portfolio import portfolio_to_csv, portfolio_to_json, portfolio_to_table
from tariffs.io.tables import iter_table_files, load_account, load_tariff
from tariffs.model.account import Account
from tariffs.model.readings import Readings
from tariffs.model.tariff import Tariff
from tariffs.whatif.compare import (
    Comparison,
    ConsumptionBreakEven,
    NotApplicable,
    ShiftBreakEven,
    break_even_consumption,
    break_even_shift,
    compare_scenarios,
)
from tariffs.whatif.scenarios import (
    Scenario,
    load_scenarios,
    parse_scenario,
    profile_names,
)

if TYPE_CHECKING:
    from tariffs.whatif.portfolio import AccountOutcome

__all__ = ["COMMANDS", "add_parsers"]

_BREAK_EVEN_HELP = (
    "break-even against the current (or first) tariff: 'shift:FROM->TO' (the least "
    "share of FROM energy, to 0.1 %%, to move for each tariff to cost less), or "
    "'consumption' (the kWh at which the cheaper tariff changes, scaling the load); "
    "repeatable"
)


def add_parsers(commands: Any, readings_options: Callable[[argparse.ArgumentParser], None]) -> None:
    """Add the what-if subcommands to the ``tariffs`` parser."""
    sub = commands.add_parser(
        "compare",
        help="price readings under several tariffs, ranked; scenarios and break-even",
        description=(
            "Price the readings under each tariff and rank them, cheapest first. With "
            "--tables DIR and no --tariff, every tariff table in DIR is tried."
        ),
    )
    readings_options(sub)
    sub.add_argument(
        "--tariff",
        action="append",
        default=[],
        dest="tariffs",
        help="tariff file or id (repeat for each tariff)",
    )
    sub.add_argument("--current", metavar="TARIFF", help="the customer's current tariff")
    sub.add_argument(
        "--scenario",
        action="append",
        default=[],
        dest="scenarios",
        metavar="STEPS",
        help=(
            "a what-if scenario, steps joined by '+': shift:20%%:peak->valley, "
            "shift:3kWh:08:00-11:00->22:00-06:00, scale:1.1, cap:500kW, solar:100kWp"
            "[:06:00-18:00], solar:FILE.csv, pf:0.95 (repeatable)"
        ),
    )
    sub.add_argument(
        "--scenarios", dest="scenario_file", metavar="FILE.yaml", help="named scenarios (YAML)"
    )
    sub.add_argument(
        "--break-even", action="append", default=[], metavar="SPEC", help=_BREAK_EVEN_HELP
    )
    sub.add_argument("--plot", metavar="FILE.png|svg", help="draw the comparison")

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
    sub.add_argument("--tables", action="append", default=[], metavar="DIR")
    sub.add_argument("--timezone", metavar="ZONE", help="time zone of URDB JSON tariffs")
    add_many_accounts_options(sub)
    sub.add_argument(
        "--top", type=positive, default=10, metavar="N", help="most affected accounts to list"
    )
    sub.add_argument("--format", choices=["table", "json", "csv"], default="table")
    sub.add_argument("--output", metavar="FILE", help="write here instead of stdout")
    sub.add_argument(
        "--resume",
        action="store_true",
        help="with --output (csv or json): keep the accounts already priced there",
    )
    sub.add_argument("--plot", metavar="FILE.png|svg", help="draw the bill-change histogram")


def _check_plot(path: str | None) -> str | None:
    if path is None:
        return None
    from tariffs.io.render.plot import chart_format, require_matplotlib

    image_format = chart_format(path)
    require_matplotlib()
    return image_format


# -- compare ---------------------------------------------------------------------------


def _load_tariffs(
    args: argparse.Namespace,
) -> tuple[list[Tariff], list[NotApplicable], str | None]:
    tariffs: list[Tariff] = []
    skipped: list[NotApplicable] = []
    if args.tariffs:
        tariffs = [load_tariff(name, args.tables, timezone=args.timezone) for name in args.tariffs]
    elif args.tables:
        where: dict[str, Path] = {}
        for directory in args.tables:
            if not Path(directory).is_dir():
                raise InputError("no such directory of tariff tables", file=directory)
            for path in iter_table_files(Path(directory)):
                try:
                    tariff = load_tariff(path, timezone=args.timezone)
                except TariffsError as exc:
                    skipped.append(NotApplicable(str(path), str(exc)))
                    continue
                if tariff.id in where:
                    skipped.append(
                        NotApplicable(
                            str(path), f"id {tariff.id} is also the id of {where[tariff.id]}"
                        )
                    )
                    continue
                where[tariff.id] = path
                tariffs.append(tariff)
    else:
        raise _UsageError(
            "tariffs compare: give --tariff (repeatable), or --tables DIR to try every "
            "tariff in DIR"
        )
    current_id = None
    if args.current:
        current = next((t for t in tariffs if t.id == args.current), None)
        if current is None:
            current = load_tariff(args.current, args.tables, timezone=args.timezone)
            if all(t.id != current.id for t in tariffs):
                tariffs.insert(0, current)
        current_id = current.id
    if not tariffs:
        raise InputError(
            "no tariff could be loaded: "
            + "; ".join(f"{item.tariff}: {item.reason}" for item in skipped)
        )
    return tariffs, skipped, current_id


def _break_even_spec(text: str) -> tuple[str, list[str], list[str]]:
    spec = text.strip()
    if spec.lower() == "consumption":
        return "consumption", [], []
    match = re.fullmatch(r"shift:(.+)->(.+)", spec)
    if match:
        source = [item.strip() for item in match.group(1).split(",") if item.strip()]
        target = [item.strip() for item in match.group(2).split(",") if item.strip()]
        if source and target:
            return "shift", source, target
    raise _UsageError(
        f"tariffs compare: --break-even {text!r}: write 'shift:FROM->TO' "
        "(e.g. shift:peak->valley) or 'consumption'"
    )


BreakEven = ShiftBreakEven | ConsumptionBreakEven


def _break_evens(
    args: argparse.Namespace,
    specs: list[tuple[str, list[str], list[str]]],
    tariffs: list[Tariff],
    reference: Tariff,
    comparison: Comparison,
    readings: Readings,
    account: Account | None,
) -> list[BreakEven]:
    others = [t for t in tariffs if t.id != reference.id and comparison.get(t.id) is not None]
    others.sort(key=lambda t: t.id)
    span = {"start": args.start, "end": args.end, "event_days": args.event_days}
    found: list[BreakEven] = []
    for kind, source, target in specs:
        for tariff in others:
            if kind == "consumption":
                found.append(break_even_consumption(tariff, reference, readings, account, **span))
            else:
                found.append(
                    break_even_shift(
                        tariff, reference, readings, account, from_periods=source, to=target, **span
                    )
                )
    return found


def cmd_compare(args: argparse.Namespace) -> int:
    """``tariffs compare``: rank tariffs, with scenarios and break-even."""
    image_format = _check_plot(args.plot)
    specs = [_break_even_spec(text) for text in args.break_even]
    scenarios: list[Scenario] = [parse_scenario(text) for text in args.scenarios]
    if args.scenario_file:
        scenarios.extend(load_scenarios(args.scenario_file))
    tariffs, skipped, current_id = _load_tariffs(args)
    account = load_account(args.account) if args.account else None
    reference = next(t for t in tariffs if t.id == (current_id or tariffs[0].id))
    readings = read_readings(
        args.readings,
        reference.timezone,
        interval_minutes=args.interval,
        allow_gaps=args.allow_gaps,
        readings_format=args.readings_format,
        usage_point=args.usage_point,
    )
    profiles = {name: read_readings(name, reference.timezone) for name in profile_names(scenarios)}
    whatif = compare_scenarios(
        tariffs,
        readings,
        scenarios,
        account,
        current=current_id,
        profiles=profiles,
        start=args.start,
        end=args.end,
        event_days=args.event_days,
    )
    if skipped:
        base = whatif.base
        merged = tuple(sorted(base.not_applicable + tuple(skipped), key=lambda n: n.tariff))
        whatif = replace(whatif, base=replace(base, not_applicable=merged))
    break_evens = _break_evens(args, specs, tariffs, reference, whatif.base, readings, account)
    if args.format == "json":
        text = comparison_to_json(whatif, break_evens)
    elif args.format == "csv":
        text = comparison_to_csv(whatif, break_evens)
    else:
        text = comparison_to_table(whatif, break_evens)
    if image_format is not None:
        from tariffs.io.render.plot import comparison_chart

        chart = comparison_chart(whatif, image_format)
    write_output(text, args.output)
    if image_format is not None:
        write_atomic(args.plot, chart)
    return 0


# -- portfolio -------------------------------------------------------------------------


class _ProgressBar(ProgressBar):
    """Accounts done of all the accounts."""

    def __init__(self, stream: TextIO) -> None:
        super().__init__(stream, every_seconds=0.1)

    def __call__(self, done: int, total: int) -> None:
        share = Fraction(done, total) if total else Fraction(1)
        self.draw(share, f"pricing accounts {done}/{total}", final=done >= total)


def _decimal(value: object, where: str) -> Decimal:
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise InputError(f"not a number: {value!r}", file=where) from None


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
            document = json.loads(text)
            if (document["current"], document["proposed"]) != (current, proposed):
                raise mismatch
            entries = [(e["account_id"], e) for e in document["accounts"]]
        except (ValueError, KeyError, TypeError):
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
        if account_id not in groups:
            continue
        found[account_id] = AccountOutcome(
            account_id=account_id,
            groups=groups[account_id],
            energy_kwh=_decimal(entry["energy_kwh"], path),
            current_total=_decimal(entry["current_total"], path),
            proposed_total=_decimal(entry["proposed_total"], path),
            bills=int(entry["bills"]),
        )
    return found


def cmd_portfolio(args: argparse.Namespace) -> int:
    """``tariffs portfolio``: the revenue impact of a proposed tariff."""
    from tariffs.whatif.portfolio import price_accounts, read_accounts_csv, summarize

    if args.resume and not args.output:
        raise _UsageError("tariffs portfolio: --resume needs --output")
    if args.resume and args.format == "table":
        raise _UsageError("tariffs portfolio: --resume reads back --format csv or json output")
    image_format = _check_plot(args.plot)
    current = load_tariff(args.current, args.tables, timezone=args.timezone)
    proposed = load_tariff(args.proposed, args.tables, timezone=args.timezone)
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

    bar = _ProgressBar(sys.stderr) if sys.stderr.isatty() else None
    try:
        fresh = price_accounts(
            pending,
            current,
            proposed,
            workers=args.workers,
            interval_seconds=args.interval * 60 if args.interval else None,
            allow_gaps=args.allow_gaps,
            start=args.start,
            end=args.end,
            event_days=args.event_days,
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


COMMANDS: dict[str, Callable[[argparse.Namespace], int]] = {
    "compare": cmd_compare,
    "portfolio": cmd_portfolio,
}
