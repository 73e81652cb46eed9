"""Command-line what-if commands: ``compare`` (scenarios, break-even) and ``portfolio``.

Parsing and rendering only; the work is done by `tariffs.whatif.compare`,
`tariffs.whatif.scenarios`, `tariffs.whatif.portfolio` and `tariffs.io.render.plot`.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import re
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import replace
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from pathlib import Path
from typing import Any, TextIO

from tariffs.cli.main import (
    _UsageError,
    add_many_accounts_options,
    positive,
    read_readings,
    write_output,
)
from tariffs.cli.progress import ProgressBar
from tariffs.errors import InputError, OutputError, TariffsError
from tariffs.io.render.bills import bill_to_dict, number
from tariffs.io.tables import iter_table_files, load_account, load_tariff
from tariffs.model.account import Account
from tariffs.model.readings import Readings
from tariffs.model.tariff import Tariff
from tariffs.whatif.compare import (
    Comparison,
    ConsumptionBreakEven,
    NotApplicable,
    ShiftBreakEven,
    TariffCost,
    WhatIf,
    break_even_consumption,
    break_even_shift,
    compare_scenarios,
)
from tariffs.whatif.scenarios import (
    Scenario,
    StepReport,
    load_scenarios,
    parse_scenario,
    profile_names,
)

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


def _write_bytes(data: bytes, output: str) -> None:
    """Write all of ``data`` or nothing: a temporary file renamed into place."""
    target = Path(output)
    try:
        handle, temporary = tempfile.mkstemp(dir=target.parent or Path("."), prefix=".tariffs-")
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
        os.replace(temporary, target)
    except OSError as exc:
        raise OutputError(f"{output}: cannot write: {exc.strerror or exc}") from None


def _check_plot(path: str | None) -> str | None:
    if path is None:
        return None
    from tariffs.io.render.plot import chart_format, require_matplotlib

    image_format = chart_format(path)
    require_matplotlib()
    return image_format


def _text(value: Decimal | None) -> str:
    return "" if value is None else format(value, "f")


def _signed(value: Decimal | None) -> str:
    if value is None:
        return ""
    return ("+" if value > 0 else "") + format(value, "f")


def _table(rows: Sequence[Sequence[str]], right: Sequence[int] = ()) -> list[str]:
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = []
    for n, row in enumerate(rows):
        cells = [
            cell.rjust(widths[i]) if i in right else cell.ljust(widths[i])
            for i, cell in enumerate(row)
        ]
        lines.append("  ".join(cells).rstrip())
        if n == 0:
            lines.append("  ".join("-" * w for w in widths))
    return lines


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
    found: list[BreakEven] = []
    for kind, source, target in specs:
        for tariff in others:
            if kind == "consumption":
                found.append(
                    break_even_consumption(
                        tariff,
                        reference,
                        readings,
                        account,
                        start=args.start,
                        end=args.end,
                        event_days=args.event_days,
                    )
                )
            else:
                found.append(
                    break_even_shift(
                        tariff,
                        reference,
                        readings,
                        account,
                        from_periods=source,
                        to=target,
                        start=args.start,
                        end=args.end,
                        event_days=args.event_days,
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
        text = _compare_json(whatif, break_evens)
    elif args.format == "csv":
        text = _compare_csv(whatif, break_evens)
    else:
        text = _compare_table(whatif, break_evens)
    if image_format is not None:
        from tariffs.io.render.plot import comparison_chart

        chart = comparison_chart(whatif, image_format)
    write_output(text, args.output)
    if image_format is not None:
        _write_bytes(chart, args.plot)
    return 0


def _result_dict(result: TariffCost, current: bool) -> dict[str, Any]:
    document: dict[str, Any] = {
        "tariff": result.tariff,
        "name": result.name,
        "currency": result.currency,
        "total": number(result.total),
        "energy_kwh": number(result.energy_kwh),
        "days": str(result.days),
        "average_price_per_kwh": number(result.average_price_per_kwh),
        "by_kind": {kind: number(amount) for kind, amount in result.by_kind.items()},
        "periods": [
            {
                "start": period.start.isoformat(),
                "end": period.end.isoformat(),
                "energy_kwh": number(period.energy_kwh),
                "total": number(period.total),
            }
            for period in result.periods
        ],
    }
    if current:
        document["savings"] = number(result.savings)
        document["savings_percent"] = number(result.savings_percent)
    document["bills"] = [bill_to_dict(bill) for bill in result.bills]
    return document


def _comparison_dict(comparison: Comparison, base: Comparison | None = None) -> dict[str, Any]:
    results = []
    for result in comparison.results:
        entry = _result_dict(result, comparison.current is not None)
        if base is not None:
            before = base.get(result.tariff)
            entry["change_from_base"] = number(result.total - before.total) if before else None
        results.append(entry)
    document: dict[str, Any] = {"results": results}
    if comparison.current is not None:
        document["current"] = comparison.current
        recommendation = comparison.recommendation
        if recommendation is not None:
            document["recommendation"] = {
                "tariff": recommendation.tariff,
                "savings": number(recommendation.savings),
                "savings_percent": number(recommendation.savings_percent),
                "annual_savings": number(recommendation.annual_savings),
                "main_source": recommendation.main_source,
                "text": recommendation.text,
            }
    if comparison.not_applicable:
        document["not_applicable"] = [
            {"tariff": item.tariff, "reason": item.reason} for item in comparison.not_applicable
        ]
    return document


def _steps_dict(steps: Sequence[StepReport]) -> list[dict[str, Any]]:
    return [
        {
            "step": report.step,
            **{name: number(value) for name, value in report.quantities.items()},
            "notes": list(report.notes),
        }
        for report in steps
    ]


def _break_even_dict(found: BreakEven) -> dict[str, Any]:
    if isinstance(found, ShiftBreakEven):
        return {
            "kind": "shift",
            "tariff": found.tariff,
            "against": found.against,
            "shift": found.shift,
            "percent": number(found.percent),
            "total": number(found.cost),
            "against_total": number(found.against_cost),
        }
    return {
        "kind": "consumption",
        "tariff": found.tariff,
        "against": found.against,
        "energy_kwh": number(found.energy_kwh),
        "days": str(found.days),
        "searched_up_to_kwh": number(found.searched_up_to_kwh),
        "crossings": [
            {
                "energy_kwh": number(crossing.energy_kwh),
                "annual_kwh": number(crossing.annual_kwh),
                "cheaper_below": crossing.cheaper_below,
                "cheaper_above": crossing.cheaper_above,
            }
            for crossing in found.crossings
        ],
    }


def _compare_json(whatif: WhatIf, break_evens: Sequence[BreakEven]) -> str:
    document = _comparison_dict(whatif.base)
    if whatif.scenarios:
        document["scenarios"] = []
        for case in whatif.scenarios:
            entry = {"name": case.scenario.name, "steps": _steps_dict(case.steps)}
            entry.update(_comparison_dict(case.comparison, whatif.base))
            document["scenarios"].append(entry)
    if break_evens:
        document["break_even"] = [_break_even_dict(found) for found in break_evens]
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


def _break_even_cell(found: BreakEven) -> str:
    if isinstance(found, ShiftBreakEven):
        return "never" if found.percent is None else format(found.percent, "f")
    return ";".join(
        f"{number(c.energy_kwh)}:{c.cheaper_below}->{c.cheaper_above}" for c in found.crossings
    )


def _compare_csv(whatif: WhatIf, break_evens: Sequence[BreakEven]) -> str:
    cases = [("base", whatif.base)] + [(s.scenario.name, s.comparison) for s in whatif.scenarios]
    kinds: list[str] = []
    starts: list[str] = []
    for _, comparison in cases:
        for result in comparison.results:
            kinds.extend(k for k in result.by_kind if k not in kinds)
            for period in result.periods:
                if period.start.isoformat() not in starts:
                    starts.append(period.start.isoformat())
    starts.sort()
    columns = {
        f"break_even {found.shift if isinstance(found, ShiftBreakEven) else 'consumption'}"
        for found in break_evens
    }
    header = [
        "scenario", "rank", "tariff", "currency", "total", "energy_kwh",
        "average_price_per_kwh", "savings", "savings_percent", "change_from_base",
    ]  # fmt: skip
    header += [f"kind:{kind}" for kind in kinds] + [f"period:{start}" for start in starts]
    header += sorted(columns) + ["not_applicable"]
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=header, lineterminator="\n")
    writer.writeheader()
    for name, comparison in cases:
        for rank, result in enumerate(comparison.results, start=1):
            row: dict[str, str] = {
                "scenario": name,
                "rank": str(rank),
                "tariff": result.tariff,
                "currency": result.currency,
                "total": _text(result.total),
                "energy_kwh": _text(result.energy_kwh),
                "average_price_per_kwh": _text(result.average_price_per_kwh),
                "savings": _text(result.savings),
                "savings_percent": _text(result.savings_percent),
            }
            before = whatif.base.get(result.tariff)
            if name != "base" and before is not None:
                row["change_from_base"] = _text(result.total - before.total)
            for kind, amount in result.by_kind.items():
                row[f"kind:{kind}"] = _text(amount)
            for period in result.periods:
                row[f"period:{period.start.isoformat()}"] = _text(period.total)
            if name == "base":
                for found in break_evens:
                    if found.tariff == result.tariff:
                        label = found.shift if isinstance(found, ShiftBreakEven) else "consumption"
                        row[f"break_even {label}"] = _break_even_cell(found)
            writer.writerow(row)
        for item in comparison.not_applicable:
            writer.writerow(
                {"scenario": name, "tariff": item.tariff, "not_applicable": item.reason}
            )
    return out.getvalue()


def _ranking_lines(comparison: Comparison, base: Comparison | None) -> list[str]:
    currency = comparison.currency
    header = ["rank", "tariff", f"total {currency}", "kWh", f"{currency}/kWh"]
    if comparison.current is not None:
        header += [f"savings {currency}", "savings %"]
    if base is not None:
        header += [f"vs base {currency}"]
    rows = [header]
    for rank, result in enumerate(comparison.results, start=1):
        row = [
            str(rank),
            result.tariff,
            _text(result.total),
            _text(result.energy_kwh),
            _text(result.average_price_per_kwh),
        ]
        if comparison.current is not None:
            row += [_text(result.savings), _text(result.savings_percent)]
        if base is not None:
            before = base.get(result.tariff)
            row += [_signed(result.total - before.total) if before else ""]
        rows.append(row)
    lines = _table(rows, right=range(2, len(header)))
    for item in comparison.not_applicable:
        lines.append(f"not applicable: {item.tariff}: {item.reason}")
    return lines


def _compare_table(whatif: WhatIf, break_evens: Sequence[BreakEven]) -> str:
    base = whatif.base
    currency = base.currency
    parts = ["\n".join(_ranking_lines(base, None))]
    kinds: list[str] = []
    for result in base.results:
        kinds.extend(k for k in result.by_kind if k not in kinds)
    rows = [["tariff", *kinds]]
    for result in base.results:
        rows.append([result.tariff, *(_text(result.by_kind.get(k)) for k in kinds)])
    parts.append(
        "\n".join([f"Cost by line kind ({currency})", *_table(rows, range(1, len(kinds) + 1))])
    )
    starts = sorted({p.start for r in base.results for p in r.periods})
    if len(starts) > 1:
        rows = [["tariff", *(s.isoformat() for s in starts)]]
        for result in base.results:
            by_start = {p.start: p.total for p in result.periods}
            rows.append([result.tariff, *(_text(by_start.get(s)) for s in starts)])
        title = f"Cost per billing period, by first day ({currency})"
        parts.append("\n".join([title, *_table(rows, range(1, len(starts) + 1))]))
    if base.recommendation is not None:
        parts.append(f"Recommendation: {base.recommendation.text}")
    for case in whatif.scenarios:
        lines = [f"Scenario {case.scenario.name!r} ({case.scenario.text})"]
        for report in case.steps:
            quantities = ", ".join(
                f"{name} {format(value, 'f')}" for name, value in report.quantities.items()
            )
            lines.append(f"  {report.step}: {quantities}")
            lines.extend(f"  note: {note}" for note in report.notes)
        lines.extend(_ranking_lines(case.comparison, base))
        if case.comparison.recommendation is not None:
            lines.append(f"Recommendation: {case.comparison.recommendation.text}")
        parts.append("\n".join(lines))
    if break_evens:
        lines = ["Break-even"]
        for found in break_evens:
            if isinstance(found, ShiftBreakEven):
                if found.percent is None:
                    lines.append(
                        f"  {found.tariff} does not cost less than {found.against} even when "
                        f"all {found.shift.split('->')[0]} energy is shifted ({found.shift})"
                    )
                elif found.percent == 0:
                    lines.append(
                        f"  {found.tariff} already costs less than {found.against} "
                        f"({_text(found.cost)} vs {_text(found.against_cost)} {currency})"
                    )
                else:
                    lines.append(
                        f"  {found.tariff} costs less than {found.against} from "
                        f"{found.percent} % shifted {found.shift} ({_text(found.cost)} vs "
                        f"{_text(found.against_cost)} {currency})"
                    )
                continue
            if not found.crossings:
                lines.append(
                    f"  {found.tariff} vs {found.against}: the cheaper does not change from "
                    f"1 to {_text(found.searched_up_to_kwh)} kWh over {found.days} days"
                )
            for crossing in found.crossings:
                lines.append(
                    f"  {found.tariff} vs {found.against}: from {_text(crossing.energy_kwh)} kWh "
                    f"over {found.days} days (about {_text(crossing.annual_kwh)} kWh/yr), "
                    f"{crossing.cheaper_above} costs less ({crossing.cheaper_below} below)"
                )
        parts.append("\n".join(lines))
    return "\n\n".join(parts) + "\n"


# -- portfolio -------------------------------------------------------------------------


class _ProgressBar(ProgressBar):
    """Accounts done of all the accounts."""

    def __init__(self, stream: TextIO) -> None:
        super().__init__(stream, every_seconds=0.1)

    def __call__(self, done: int, total: int) -> None:
        share = Fraction(done, total) if total else Fraction(1)
        self.draw(share, f"pricing accounts {done}/{total}", final=done >= total)


_ACCOUNT_CSV = (
    "account_id", "status", "current_tariff", "proposed_tariff", "energy_kwh",
    "current_total", "proposed_total", "change", "change_percent", "bills", "error",
)  # fmt: skip


def _portfolio_csv(result: Any, outcomes: Sequence[Any]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    groups = list(result.group_columns)
    writer.writerow([_ACCOUNT_CSV[0], *groups, *_ACCOUNT_CSV[1:]])
    for outcome in outcomes:
        writer.writerow(
            [
                outcome.account_id,
                *(outcome.groups.get(column, "") for column in groups),
                "ok" if outcome.ok else "failed",
                result.current,
                result.proposed,
                _text(outcome.energy_kwh),
                _text(outcome.current_total),
                _text(outcome.proposed_total),
                _text(outcome.change) if outcome.ok else "",
                _text(outcome.change_percent) if outcome.ok else "",
                str(outcome.bills) if outcome.ok else "",
                outcome.error or "",
            ]
        )
    return out.getvalue()


def _outcome_dict(outcome: Any) -> dict[str, Any]:
    if not outcome.ok:
        return {"account_id": outcome.account_id, "groups": outcome.groups, "error": outcome.error}
    return {
        "account_id": outcome.account_id,
        "groups": outcome.groups,
        "energy_kwh": number(outcome.energy_kwh),
        "current_total": number(outcome.current_total),
        "proposed_total": number(outcome.proposed_total),
        "change": number(outcome.change),
        "change_percent": number(outcome.change_percent),
        "bills": str(outcome.bills),
    }


def _portfolio_json(result: Any, outcomes: Sequence[Any]) -> str:
    distribution = result.distribution
    groups: dict[str, list[dict[str, Any]]] = {column: [] for column in result.group_columns}
    for group in result.groups:
        groups[group.column].append(
            {
                "value": group.value,
                "accounts": str(group.accounts),
                "energy_kwh": number(group.energy_kwh),
                "current_total": number(group.current_total),
                "proposed_total": number(group.proposed_total),
                "change": number(group.change),
                "change_percent": number(group.change_percent),
                "current_price_per_kwh": number(group.current_price_per_kwh),
                "proposed_price_per_kwh": number(group.proposed_price_per_kwh),
            }
        )
    document = {
        "current": result.current,
        "proposed": result.proposed,
        "currency": result.currency,
        "accounts_priced": str(len(result.accounts)),
        "accounts_failed": str(len(result.failed)),
        "energy_kwh": number(result.energy_kwh),
        "current_total": number(result.current_total),
        "proposed_total": number(result.proposed_total),
        "change": number(result.change),
        "change_percent": number(result.change_percent),
        "current_price_per_kwh": number(result.current_price_per_kwh),
        "proposed_price_per_kwh": number(result.proposed_price_per_kwh),
        "groups": groups,
        "distribution": {
            "accounts": str(distribution.accounts),
            "pay_more": str(distribution.pay_more),
            "pay_less": str(distribution.pay_less),
            "unchanged": str(distribution.unchanged),
            "largest_increase": number(distribution.largest_increase),
            "largest_decrease": number(distribution.largest_decrease),
            "change_percentiles": {
                f"p{p}": number(v) for p, v in distribution.change_percentiles.items()
            },
            "change_percent_percentiles": {
                f"p{p}": number(v) for p, v in distribution.change_percent_percentiles.items()
            },
        },
        "most_affected": [_outcome_dict(outcome) for outcome in result.most_affected],
        "accounts": [_outcome_dict(outcome) for outcome in outcomes if outcome.ok],
        "failed": [
            {"account_id": outcome.account_id, "error": outcome.error}
            for outcome in outcomes
            if not outcome.ok
        ],
    }
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


def _portfolio_table(result: Any) -> str:
    currency = result.currency
    distribution = result.distribution
    lines = [
        f"Portfolio: {len(result.accounts)} account(s) priced, {len(result.failed)} failed; "
        f"{result.current} -> {result.proposed} ({currency})",
        f"Revenue: current {_text(result.current_total)}, proposed "
        f"{_text(result.proposed_total)}, change {_signed(result.change)} "
        f"({_signed(result.change_percent)} %)",
        f"Energy: {_text(result.energy_kwh)} kWh; average price "
        f"{_text(result.current_price_per_kwh)} -> {_text(result.proposed_price_per_kwh)} "
        f"{currency}/kWh",
    ]
    parts = ["\n".join(lines)]
    for column in result.group_columns:
        rows = [
            [
                column, "accounts", "kWh", f"current {currency}", f"proposed {currency}",
                f"change {currency}", "change %", f"{currency}/kWh now", f"{currency}/kWh new",
            ]
        ]  # fmt: skip
        for group in result.groups:
            if group.column != column:
                continue
            rows.append(
                [
                    group.value or "(blank)",
                    str(group.accounts),
                    _text(group.energy_kwh),
                    _text(group.current_total),
                    _text(group.proposed_total),
                    _signed(group.change),
                    _signed(group.change_percent),
                    _text(group.current_price_per_kwh),
                    _text(group.proposed_price_per_kwh),
                ]
            )
        parts.append("\n".join([f"By {column}", *_table(rows, range(1, 9))]))
    lines = [
        f"Bill changes: {distribution.pay_more} pay more, {distribution.pay_less} pay less, "
        f"{distribution.unchanged} unchanged"
    ]
    if distribution.change_percentiles:
        rows = [["percentile", f"change {currency}", "change %"]]
        for p, value in distribution.change_percentiles.items():
            share = distribution.change_percent_percentiles.get(p)
            rows.append([f"p{p}", _signed(value), _signed(share)])
        lines += _table(rows, (1, 2))
    parts.append("\n".join(lines))
    if result.most_affected:
        rows = [["account", f"current {currency}", f"proposed {currency}", "change", "change %"]]
        for outcome in result.most_affected:
            rows.append(
                [
                    outcome.account_id,
                    _text(outcome.current_total),
                    _text(outcome.proposed_total),
                    _signed(outcome.change),
                    _signed(outcome.change_percent),
                ]
            )
        parts.append("\n".join(["Most affected accounts", *_table(rows, range(1, 5))]))
    if result.failed:
        parts.append(
            "\n".join(["Failed accounts"] + [f"  {o.account_id}: {o.error}" for o in result.failed])
        )
    return "\n\n".join(parts) + "\n"


def _decimal(value: Any, where: str) -> Decimal:
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise InputError(f"not a number: {value!r}", file=where) from None


def _previous_outcomes(
    path: str, fmt: str, current: str, proposed: str, groups: dict[str, dict[str, str]]
) -> dict[str, Any]:
    """The accounts priced in an earlier output (failed ones are priced again)."""
    from tariffs.whatif.portfolio import AccountOutcome

    target = Path(path)
    if not target.exists():
        return {}
    try:
        text = target.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"--resume: cannot read: {exc}", file=path) from None
    found: dict[str, Any] = {}
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
    previous: dict[str, Any] = {}
    if args.resume:
        previous = _previous_outcomes(
            args.output,
            args.format,
            current.id,
            proposed.id,
            {entry.account_id: entry.groups for entry in accounts},
        )
    pending = [entry for entry in accounts if entry.account_id not in previous]
    done: dict[str, Any] = dict(previous)

    def render(outcomes: Sequence[Any]) -> str:
        result = summarize(
            outcomes, current.id, proposed.id, current.currency, group_columns, top=args.top
        )
        if args.format == "json":
            return _portfolio_json(result, outcomes)
        if args.format == "csv":
            return _portfolio_csv(result, outcomes)
        return _portfolio_table(result)

    last_checkpoint = time.monotonic()

    def checkpoint(chunk: list[Any]) -> None:
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
        _write_bytes(portfolio_chart(result, image_format), args.plot)
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
