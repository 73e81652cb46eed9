"""``tariffs compare``: price readings under several tariffs, ranked; scenarios and break-even.

Argument parsing only; the work is done by `tariffs.whatif.compare` and
`tariffs.whatif.scenarios`, the rendering by `tariffs.io.render.comparison` and
`tariffs.io.render.plot`.
"""

from __future__ import annotations

import argparse
import re
import sys
from dataclasses import replace
from pathlib import Path
from typing import Any

from tariffs.cli.options import (
    _UsageError,
    add_format_option,
    add_lang_option,
    add_metering_option,
    add_output_option,
    add_readings_options,
    check_plot,
    check_workbook,
    read_readings,
    read_readings_of,
    write_output,
)
from tariffs.cli.terminal import days_of, note_tariff, paint_table
from tariffs.errors import InputError, ScenarioError, TariffsError, UnsupportedFeatureError
from tariffs.io.atomic import write_atomic
from tariffs.io.coincident_peaks import read_coincident_peaks
from tariffs.io.render.comparison import (
    comparison_to_csv,
    comparison_to_json,
    comparison_to_table,
)
from tariffs.io.render.sensitivity import grid_failures, grid_to_csv, grid_to_json, grid_to_table
from tariffs.io.tables import iter_table_files, load_account, load_tariff
from tariffs.model.account import Account
from tariffs.model.readings import Readings
from tariffs.model.tariff import Tariff
from tariffs.whatif.compare import (
    BreakEvenFailure,
    Comparison,
    ConsumptionBreakEven,
    NotApplicable,
    ShiftBreakEven,
    WhatIf,
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
from tariffs.whatif.sensitivity import (
    MAX_CELLS,
    GridAxis,
    check_axes,
    parse_grid_axis,
    sensitivity_grid,
)

__all__ = ["add_parser", "run"]

_BREAK_EVEN_HELP = (
    "break-even against the current (or first) tariff: 'shift:FROM->TO' (the least "
    "share of FROM energy, to 0.1 %%, to move for each tariff to cost less), or "
    "'consumption' (the kWh at which the cheaper tariff changes, scaling the load); "
    "repeatable"
)


def add_parser(commands: Any) -> None:
    """Add ``compare`` to the subcommands of the ``tariffs`` parser."""
    sub = commands.add_parser(
        "compare",
        help="price readings under several tariffs, ranked; scenarios and break-even",
        description=(
            "Price the readings under each tariff and rank them, cheapest first. With "
            "--tables DIR and no --tariff, every tariff table in DIR is tried."
        ),
    )
    add_readings_options(sub)
    add_metering_option(sub)
    add_format_option(
        sub,
        {
            "table": "",
            "json": "the ranked results, each with its bills",
            "csv": "one row per scenario and tariff",
            "xlsx": "a sheet of the CSV's rows and a sheet of each tariff's billing periods "
            "by cost segment",
        },
        default="table",
        not_offered="a comparison is one ranked result, not a stream of records",
    )
    add_output_option(sub)
    add_lang_option(sub)
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
    sub.add_argument(
        "--grid",
        action="append",
        default=[],
        metavar="AXIS",
        help=(
            "a sensitivity grid axis (once for a row per value, twice for rows × "
            "columns): shift:0,10,20,30,40%%:peak->valley, scale:0.9,1.0,1.1 (factors), "
            "scale:-10,0,10,20%% (growth), cap:400,500kW; a range FIRST..LAST:STEP may "
            "stand for a list (shift:0..40:10%%:peak->valley); at most "
            f"{MAX_CELLS} cells; not with --scenario or --break-even"
        ),
    )
    sub.add_argument(
        "--plot",
        metavar="FILE.png|svg",
        help="draw the comparison (with --grid: a heat map of the grid and its break-even)",
    )
    sub.add_argument(
        "--plot-months",
        metavar="FILE.png|svg",
        help="draw each billing period's cost per tariff, stacked by energy per "
        "time-of-use period and the other line kinds (demand, fixed, ...)",
    )
    sub.add_argument(
        "--ignore-eligibility",
        action="store_true",
        help=(
            "rank every tariff that can be priced, even those whose eligibility excludes "
            "the account or needs a fact the account does not state"
        ),
    )
    sub.add_argument(
        "--annualise",
        action="store_true",
        help=(
            "give savings (and break-even kWh) per year even when the bills do not cover "
            "exactly one year, extrapolated × 365 / days; without it only a year of bills "
            "gives annual figures"
        ),
    )


def _load_tariffs(
    args: argparse.Namespace,
) -> tuple[list[Tariff], list[NotApplicable], str | None]:
    tariffs: list[Tariff] = []
    skipped: list[NotApplicable] = []
    if args.tariffs:
        tariffs = [
            load_tariff(
                name,
                args.tables,
                timezone=args.timezone,
                past_enddate=args.past_enddate,
                unpriced_attributes=args.unpriced_attributes,
            )
            for name in args.tariffs
        ]
    elif args.tables:
        where: dict[str, Path] = {}
        for directory in args.tables:
            if not Path(directory).is_dir():
                raise InputError("no such directory of tariff tables", file=directory)
            for path in iter_table_files(Path(directory)):
                try:
                    tariff = load_tariff(
                        path,
                        timezone=args.timezone,
                        past_enddate=args.past_enddate,
                        unpriced_attributes=args.unpriced_attributes,
                    )
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
        raise _UsageError("give --tariff (repeatable), or --tables DIR to try every tariff in DIR")
    current_id = None
    if args.current:
        current = next((t for t in tariffs if t.id == args.current), None)
        if current is None:
            current = load_tariff(
                args.current,
                args.tables,
                timezone=args.timezone,
                past_enddate=args.past_enddate,
                unpriced_attributes=args.unpriced_attributes,
            )
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
        f"--break-even {text!r}: write 'shift:FROM->TO' (e.g. shift:peak->valley) or 'consumption'"
    )


BreakEven = ShiftBreakEven | ConsumptionBreakEven | BreakEvenFailure


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
            try:
                if kind == "consumption":
                    found.append(
                        break_even_consumption(
                            tariff, reference, readings, account, annualise=args.annualise, **span
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
                            **span,
                        )  # fmt: skip
                    )
            except (InputError, UnsupportedFeatureError) as exc:
                shift = f"{','.join(source)}->{','.join(target)}" if kind == "shift" else None
                found.append(
                    BreakEvenFailure(
                        tariff.id,
                        reference.id,
                        "shift" if kind == "shift" else "consumption",
                        shift,
                        str(exc),
                    )
                )
    return found


def _grid_axes(args: argparse.Namespace) -> list[GridAxis]:
    """The ``--grid`` axes, checked before anything is read or priced."""
    if args.scenarios or args.scenario_file:
        raise _UsageError(
            "tariffs compare: --grid makes its cells' scenarios; it does not take --scenario "
            "or --scenarios (give the other step as the grid's second axis)"
        )
    if args.break_even:
        raise _UsageError(
            "tariffs compare: --grid finds its own break-even between cells; it does not "
            "take --break-even"
        )
    if args.lang != "en":
        raise _UsageError(
            f"tariffs compare: a --grid is printed in English only; it does not take "
            f"--lang {args.lang} (the bills of a comparison without --grid do)"
        )
    axes = []
    for text in args.grid:
        try:
            axes.append(parse_grid_axis(text))
        except ScenarioError as exc:
            raise ScenarioError(f"--grid: {exc.message}") from None
    try:
        check_axes(axes)
    except ScenarioError as exc:
        raise ScenarioError(f"--grid: {exc.message}") from None
    return axes


def _comparison_options(
    args: argparse.Namespace, current_id: str | None, reference: Tariff
) -> dict[str, Any]:
    """The options of ``compare`` that every comparison takes: of scenarios and of a grid.

    The coincident peaks are read on the clock of ``reference`` (the current tariff, or
    the first).
    """
    peaks = (
        read_coincident_peaks(args.coincident_peaks, reference.timezone)
        if args.coincident_peaks
        else []
    )
    return {
        "current": current_id,
        "start": args.start,
        "end": args.end,
        "event_days": args.event_days,
        "demand_window": args.demand_window,
        "annualise": args.annualise,
        "ignore_eligibility": args.ignore_eligibility,
        "coincident_peaks": peaks,
        "metering": args.metering,
    }


def _noted(base: Comparison, tariffs: list[Tariff], skipped: list[NotApplicable]) -> Comparison:
    """The base case with the tables that could not be loaded, each tariff noted on stderr."""
    for tariff in tariffs:
        periods = [p for r in base.results if r.tariff == tariff.id for p in r.periods]
        note_tariff(tariff, days_of((period.start, period.end) for period in periods))
    if not skipped:
        return base
    merged = tuple(sorted(base.not_applicable + tuple(skipped), key=lambda n: n.tariff))
    return replace(base, not_applicable=merged)


def _run_grid(
    args: argparse.Namespace, image_format: str | None, months_format: str | None, workbook: bool
) -> int:
    """``tariffs compare --grid``: every tariff priced in every cell of the grid."""
    axes = _grid_axes(args)
    tariffs, skipped, current_id = _load_tariffs(args)
    account = load_account(args.account) if args.account else None
    reference = next(t for t in tariffs if t.id == (current_id or tariffs[0].id))
    readings = read_readings_of(args, args.readings, reference.timezone, "tariffs compare")
    grid = sensitivity_grid(
        readings, tariffs, axes, account, **_comparison_options(args, current_id, reference)
    )
    grid = replace(grid, base=_noted(grid.base, tariffs, skipped))
    text: str | bytes
    if workbook:
        from tariffs.io.render.xlsx import grid_workbook

        text = grid_workbook(grid)
    elif args.format == "json":
        text = grid_to_json(grid)
    elif args.format == "csv":
        text = grid_to_csv(grid)
    else:
        text = grid_to_table(grid)
        if args.output is None:
            text = paint_table(text)
    if image_format is not None:
        from tariffs.io.render.plot import sensitivity_chart

        chart = sensitivity_chart(grid, image_format)
    if months_format is not None:
        from tariffs.io.render.plot import comparison_months_chart

        months_chart = comparison_months_chart(grid.base, months_format)
    if isinstance(text, bytes):
        write_atomic(args.output, text)
    else:
        write_output(text, args.output)
    if image_format is not None:
        write_atomic(args.plot, chart)
    if months_format is not None:
        write_atomic(args.plot_months, months_chart)
    failures = list(grid_failures(grid))
    for failure in failures:
        print(f"tariffs: {failure}", file=sys.stderr)
    return 1 if failures else 0


def run(args: argparse.Namespace) -> int:
    """``tariffs compare``: rank tariffs, with scenarios and break-even."""
    image_format = check_plot(args.plot)
    months_format = check_plot(args.plot_months)
    workbook = check_workbook(args)
    if args.grid:
        return _run_grid(args, image_format, months_format, workbook)
    specs = [_break_even_spec(text) for text in args.break_even]
    if specs and args.demand_window == "readings":
        raise _UsageError(
            "tariffs compare: --break-even prices at the tariffs' own demand windows; "
            "it does not take --demand-window readings"
        )
    scenarios: list[Scenario] = [parse_scenario(text) for text in args.scenarios]
    if args.scenario_file:
        scenarios.extend(load_scenarios(args.scenario_file))
    tariffs, skipped, current_id = _load_tariffs(args)
    account = load_account(args.account) if args.account else None
    reference = next(t for t in tariffs if t.id == (current_id or tariffs[0].id))
    if args.coincident_peaks and specs:
        raise _UsageError(
            "tariffs compare: --break-even takes the coincident peaks of the account "
            "(coincident_peaks), not --coincident-peaks"
        )
    readings = read_readings_of(args, args.readings, reference.timezone, "tariffs compare")
    profiles = {name: read_readings(name, reference.timezone) for name in profile_names(scenarios)}
    whatif = compare_scenarios(
        tariffs,
        readings,
        scenarios,
        account,
        profiles=profiles,
        **_comparison_options(args, current_id, reference),
    )
    whatif = replace(whatif, base=_noted(whatif.base, tariffs, skipped))
    break_evens = _break_evens(args, specs, tariffs, reference, whatif.base, readings, account)
    text: str | bytes
    if workbook:
        from tariffs.io.render.xlsx import comparison_workbook

        text = comparison_workbook(whatif, break_evens, args.lang)
    elif args.format == "json":
        text = comparison_to_json(whatif, break_evens, args.lang)
    elif args.format == "csv":
        text = comparison_to_csv(whatif, break_evens, args.lang)
    else:
        text = comparison_to_table(whatif, break_evens, args.lang)
        if args.output is None:
            text = paint_table(text)
    if image_format is not None:
        from tariffs.io.render.plot import comparison_chart

        chart = comparison_chart(whatif, image_format)
    if months_format is not None:
        from tariffs.io.render.plot import comparison_months_chart

        months_chart = comparison_months_chart(whatif, months_format)
    if isinstance(text, bytes):
        write_atomic(args.output, text)
    else:
        write_output(text, args.output)
    if image_format is not None:
        write_atomic(args.plot, chart)
    if months_format is not None:
        write_atomic(args.plot_months, months_chart)
    return _report_failures(whatif, break_evens)


def _report_failures(whatif: WhatIf, break_evens: list[BreakEven]) -> int:
    """Say on stderr what could not be priced; 1 if anything failed, else 0.

    The comparison is written in full first: a failed scenario or a current tariff that
    could not be priced is a row of its own, and the exit code says the run failed.
    """
    failures = [
        f"the current tariff {item.tariff} could not be priced: {item.reason}"
        for item in whatif.base.failed
    ]
    for case in whatif.scenarios:
        if case.error is not None:
            failures.append(f"scenario {case.scenario.name!r} failed: {case.error}")
        failures.extend(
            f"scenario {case.scenario.name!r}: the current tariff {item.tariff} could not be "
            f"priced: {item.reason}"
            for item in case.comparison.failed
        )
    for found in break_evens:
        if isinstance(found, BreakEvenFailure):
            spec = f"shift:{found.shift}" if found.shift is not None else found.kind
            failures.append(
                f"break-even {spec} of {found.tariff} against {found.against} failed: {found.error}"
            )
    for failure in failures:
        print(f"tariffs: {failure}", file=sys.stderr)
    return 1 if failures else 0
