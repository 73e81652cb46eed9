"""Charts of comparisons and portfolios, as PNG or SVG bytes.

Plotting is optional: it needs matplotlib (``pip install 'tariffs[plot]'``), which is
imported only when a chart is drawn; nothing else in the package needs it. Amounts are
exact `Decimal` everywhere else; a chart turns them into floats only to draw them.
"""

from __future__ import annotations

import importlib
import io
import os
from typing import TYPE_CHECKING, Any

from tariffs.errors import OutputError
from tariffs.whatif.compare import LINE_KINDS, Comparison, WhatIf
from tariffs.whatif.portfolio import PortfolioResult

__all__ = [
    "chart_format",
    "comparison_chart",
    "comparison_months_chart",
    "portfolio_chart",
    "portfolio_group_chart",
    "portfolio_months_chart",
    "require_matplotlib",
]

_INSTALL_HINT = "install the plot extra: python -m pip install 'tariffs[plot]'"


def require_matplotlib() -> None:
    """Check that matplotlib can be imported.

    Raises:
        OutputError: It cannot, with how to install it.
    """
    _figure_class()


def _figure_class() -> Any:
    try:
        module = importlib.import_module("matplotlib.figure")
    except ImportError:
        raise OutputError(
            f"charts need matplotlib, which is not installed; {_INSTALL_HINT}"
        ) from None
    return module.Figure


def chart_format(path: str | os.PathLike[str]) -> str:
    """The image format a chart file name asks for: ``png`` or ``svg``.

    Raises:
        OutputError: The name ends in something else.

    >>> chart_format("compare.svg")
    'svg'
    """
    suffix = os.fspath(path).rsplit(".", 1)[-1].lower() if "." in os.fspath(path) else ""
    if suffix not in {"png", "svg"}:
        raise OutputError(f"{os.fspath(path)}: a chart is written as .png or .svg")
    return suffix


def _render(figure: Any, image_format: str) -> bytes:
    matplotlib = importlib.import_module("matplotlib")
    buffer = io.BytesIO()
    # No creation date and a fixed salt for the ids of an SVG file, so that the same
    # chart gives the same bytes.
    metadata = {"Date": None} if image_format == "svg" else {}
    with matplotlib.rc_context({"svg.hashsalt": "tariffs"}):
        figure.savefig(buffer, format=image_format, metadata=metadata)
    return buffer.getvalue()


def comparison_chart(comparison: Comparison | WhatIf, image_format: str = "png") -> bytes:
    """Draw a comparison: stacked cost by line kind per tariff, and cost per billing period.

    With scenarios, the first panel shows each tariff's total under every scenario
    beside the base case.

    Args:
        comparison: A comparison, or a base case with scenarios.
        image_format: ``png`` or ``svg``.

    Raises:
        OutputError: matplotlib is not installed.
    """
    figure_class = _figure_class()
    base = comparison.base if isinstance(comparison, WhatIf) else comparison
    scenarios = comparison.scenarios if isinstance(comparison, WhatIf) else ()
    panels = 3 if scenarios else 2
    figure = figure_class(figsize=(10, 4 * panels), layout="constrained")
    axes = figure.subplots(panels, 1)
    names = [result.tariff for result in base.results]
    positions = list(range(len(names)))

    stacked = axes[0]
    kinds = [k for k in LINE_KINDS if any(k in r.by_kind for r in base.results)]
    kinds += sorted({k for r in base.results for k in r.by_kind} - set(kinds))
    rows = [[float(r.by_kind.get(kind, 0)) for r in base.results] for kind in kinds]
    _stack(stacked, [float(p) for p in positions], rows, [{"label": kind} for kind in kinds])
    stacked.set_xticks(positions, names, rotation=20, ha="right")
    stacked.set_ylabel(f"cost [{base.currency}]")
    stacked.set_title("Cost by line kind, cheapest first")
    stacked.axhline(0, color="black", linewidth=0.5)
    stacked.legend(**_BESIDE)

    monthly = axes[1]
    for result in base.results:
        monthly.plot(
            [period.start.isoformat() for period in result.periods],
            [float(period.total) for period in result.periods],
            marker="o",
            label=result.tariff,
        )
    monthly.set_ylabel(f"bill [{base.currency}]")
    monthly.set_title("Bill per billing period (by first day)")
    monthly.tick_params(axis="x", labelrotation=30)
    monthly.legend(**_BESIDE)

    if scenarios:
        grouped = axes[2]
        cases = [("base", base)] + [(s.scenario.name, s.comparison) for s in scenarios]
        width = 0.8 / len(cases)
        for index, (label, case) in enumerate(cases):
            totals = []
            for name in names:
                found = case.get(name)
                totals.append(float(found.total) if found is not None else 0.0)
            grouped.bar(
                [p + (index - (len(cases) - 1) / 2) * width for p in positions],
                totals,
                width=width,
                label=label,
            )
        grouped.set_xticks(positions, names, rotation=20, ha="right")
        grouped.set_ylabel(f"total [{base.currency}]")
        grouped.set_title("Totals under each scenario")
        grouped.legend(**_BESIDE)
    return _render(figure, image_format)


def portfolio_chart(result: PortfolioResult, image_format: str = "png") -> bytes:
    """Draw the histogram of the bill changes of a portfolio.

    Args:
        result: A priced portfolio.
        image_format: ``png`` or ``svg``.

    Raises:
        OutputError: matplotlib is not installed.
    """
    figure_class = _figure_class()
    figure = figure_class(figsize=(8, 4.5), layout="constrained")
    axes = figure.subplots()
    changes = [float(change) for change in result.distribution.changes]
    if changes:
        axes.hist(changes, bins=min(50, max(5, len(changes) // 10)))
    axes.axvline(0, color="black", linewidth=0.8)
    axes.set_xlabel(f"bill change, {result.proposed} minus {result.current} [{result.currency}]")
    axes.set_ylabel("accounts")
    _whole_counts(axes)
    distribution = result.distribution
    axes.set_title(
        f"{distribution.pay_more} pay more, {distribution.pay_less} pay less, "
        f"{distribution.unchanged} unchanged"
    )
    return _render(figure, image_format)


def portfolio_group_chart(result: PortfolioResult, column: str, image_format: str = "png") -> bytes:
    """Draw the histogram of the bill changes of each group of one column, stacked.

    Args:
        result: A priced portfolio.
        column: A grouping column of ``result`` (the customer class, say).
        image_format: ``png`` or ``svg``.

    Raises:
        OutputError: matplotlib is not installed.
    """
    figure_class = _figure_class()
    values = [group.value for group in result.groups if group.column == column]
    rows = max(1, len(values))
    figure = figure_class(figsize=(8, 1.2 + 2.0 * rows), layout="constrained")
    axes_list = figure.subplots(rows, 1, sharex=True, squeeze=False)[:, 0]
    for axes, value in zip(axes_list, values, strict=False):
        changes = [
            float(outcome.change)
            for outcome in result.accounts
            if outcome.groups.get(column, "") == value
        ]
        axes.hist(changes, bins=min(50, max(5, len(changes) // 10)))
        axes.axvline(0, color="black", linewidth=0.8)
        axes.set_ylabel("accounts")
        _whole_counts(axes)
        axes.set_title(f"{column} {value or '(blank)'}: {len(changes)} accounts", fontsize=9)
    axes_list[-1].set_xlabel(f"bill change, proposed minus current [{result.currency}]")
    return _render(figure, image_format)


def _stack(
    axes: Any, positions: list[float], rows: list[list[float]], styles: list[dict[str, Any]]
) -> list[Any]:
    """Stacked bars: row i of ``rows`` is one segment's height at each position.

    Positive heights stack up from 0 and negative ones down from 0, so a credit shows
    below the axis. Returns the bar container of each segment.
    """
    up = [0.0] * len(positions)
    down = [0.0] * len(positions)
    containers = []
    for heights, style in zip(rows, styles, strict=True):
        bottoms = [up[i] if h >= 0 else down[i] for i, h in enumerate(heights)]
        containers.append(_unstick_empty(axes.bar(positions, heights, bottom=bottoms, **style)))
        for i, h in enumerate(heights):
            if h >= 0:
                up[i] += h
            else:
                down[i] += h
    return containers


#: A legend beside its panel (right of it, top-aligned), so that it never covers a bar.
_BESIDE: dict[str, Any] = {"fontsize": "small", "loc": "upper left", "bbox_to_anchor": (1.01, 1)}


def _unstick_empty(container: Any) -> Any:
    """A bar container whose zero-height bars do not pin the y limits.

    A stacked segment that is 0 for a tariff is a bar of no height on top of the stack;
    matplotlib keeps an axis limit from passing a bar's base, so it would cut the axis at
    the top of that stack, flush with the frame.
    """
    for patch in container.patches:
        if patch.get_height() == 0:
            patch.sticky_edges.y.clear()
    return container


def _whole_counts(axes: Any) -> None:
    """Ticks of whole numbers on the y axis (a count of accounts)."""
    ticker = importlib.import_module("matplotlib.ticker")
    axes.yaxis.set_major_locator(ticker.MaxNLocator(integer=True))


def comparison_months_chart(comparison: Comparison | WhatIf, image_format: str = "png") -> bytes:
    """Draw when and where the costs arise: each billing period's cost per tariff.

    One panel per tariff of the base case, cheapest first, on one cost axis: a bar per
    billing period (labelled by its first day), stacked by segment
    (`tariffs.whatif.months`): the energy cost of each time-of-use period, then each other
    line kind (demand, fixed, tax, ...); a segment has the same colour in every panel.

    Args:
        comparison: A comparison, or a base case with scenarios (the base case is drawn).
        image_format: ``png`` or ``svg``.

    Raises:
        OutputError: matplotlib is not installed.
    """
    from tariffs.whatif.months import bill_segments, segment_names

    figure_class = _figure_class()
    matplotlib = importlib.import_module("matplotlib")
    base = comparison.base if isinstance(comparison, WhatIf) else comparison
    results = base.results
    segments = segment_names(bill for result in results for bill in result.bills)
    # Ten segments or fewer take the ten default colours, more the twenty of tab20.
    palette = matplotlib.colormaps["tab10" if len(segments) <= 10 else "tab20"]
    colour = {name: palette(i % palette.N) for i, name in enumerate(segments)}
    panels = max(1, len(results))
    figure = figure_class(figsize=(10, 1.2 + 2.8 * panels), layout="constrained")
    axes_list = figure.subplots(panels, 1, sharey=True, squeeze=False)[:, 0]
    handles: dict[str, Any] = {}
    for axes, result in zip(axes_list, results, strict=False):
        splits = [bill_segments(bill) for bill in result.bills]
        positions = [float(i) for i in range(len(splits))]
        rows = [[float(split.get(name, 0)) for split in splits] for name in segments]
        each = [{"label": name, "color": colour[name], "width": 0.6} for name in segments]
        for name, container in zip(segments, _stack(axes, positions, rows, each), strict=True):
            handles.setdefault(name, container)
        axes.set_xticks(positions, [bill.period_start.isoformat() for bill in result.bills])
        # At least three bars' room, so that one billing period is not one wide block.
        room = max(0.0, (3 - len(positions)) / 2)
        axes.set_xlim(-0.5 - room, len(positions) - 0.5 + room)
        axes.tick_params(axis="x", labelrotation=30, labelsize="small")
        axes.axhline(0, color="black", linewidth=0.5)
        axes.set_ylabel(f"cost [{base.currency}]")
        axes.set_title(f"{result.tariff}: {result.total} {base.currency}", fontsize=10)
    if not results:
        axes_list[0].set_title("no tariff could be priced")
    figure.suptitle("Cost per billing period, by time-of-use period and line kind")
    if handles:
        figure.legend(
            list(handles.values()), list(handles), loc="outside lower center",
            ncols=min(5, len(handles)), fontsize="small",
        )  # fmt: skip
    return _render(figure, image_format)


def portfolio_months_chart(result: PortfolioResult, image_format: str = "png") -> bytes:
    """Draw the revenue of each month under the current and the proposed tariff.

    The upper panel has two bars a month, current and proposed (the accounts priced, each
    bill in the month its period starts, `tariffs.whatif.months`); the lower panel the
    change of each month, proposed minus current.

    Args:
        result: A priced portfolio.
        image_format: ``png`` or ``svg``.

    Raises:
        OutputError: matplotlib is not installed.
    """
    from tariffs.whatif.months import sum_months

    figure_class = _figure_class()
    months = sum_months(outcome.months for outcome in result.accounts)
    figure = figure_class(figsize=(10, 7), layout="constrained")
    revenue, change = figure.subplots(2, 1, sharex=True)
    positions = list(range(len(months)))
    width = 0.4
    revenue.bar(
        [p - width / 2 for p in positions],
        [float(now) for _, now, _ in months],
        width=width,
        label=f"current: {result.current}",
    )
    revenue.bar(
        [p + width / 2 for p in positions],
        [float(new) for _, _, new in months],
        width=width,
        label=f"proposed: {result.proposed}",
    )
    revenue.set_ylabel(f"revenue [{result.currency}]")
    revenue.set_title(
        f"Revenue by month, {len(result.accounts)} accounts: current "
        f"{result.current_total}, proposed {result.proposed_total} {result.currency}"
    )
    revenue.legend(fontsize="small")
    differences = [float(new - now) for _, now, new in months]
    change.bar(
        positions,
        differences,
        width=0.6,
        color=["tab:red" if d > 0 else "tab:green" for d in differences],
    )
    change.axhline(0, color="black", linewidth=0.8)
    change.set_ylabel(f"change [{result.currency}]")
    change.set_title("Change by month, proposed minus current (red: more revenue)")
    change.set_xticks(positions, [f"{month:%Y-%m}" for month, _, _ in months])
    change.tick_params(axis="x", labelrotation=30)
    return _render(figure, image_format)


# -- sensitivity grids -------------------------------------------------------------------

if TYPE_CHECKING:
    from tariffs.whatif.sensitivity import GridCell, SensitivityGrid


def _cell_value(cell: GridCell, tariff: str | None, savings: bool) -> float:
    """What a heat map cell shows, as a float for the drawing; NaN for no value."""
    if cell.error is not None:
        return float("nan")
    cost = cell.cheapest if tariff is None else cell.comparison.get(tariff)
    if cost is None:
        return float("nan")
    amount = cost.savings if savings else cost.total
    return float("nan") if amount is None else float(amount)


def _cell_label(cell: GridCell, tariff: str | None, savings: bool) -> str:
    if cell.error is not None:
        return "failed"
    cost = cell.cheapest if tariff is None else cell.comparison.get(tariff)
    if cost is None:
        return "n/a"
    amount = cost.savings if savings else cost.total
    text = "" if amount is None else format(amount, "f")
    return f"{cost.tariff}\n{text}" if tariff is None else text


def sensitivity_figure(grid: SensitivityGrid) -> Any:
    """The heat map of a sensitivity grid, as a matplotlib figure.

    Two axes: one cell per grid cell (rows: the first axis' values, top to bottom;
    columns: the second's), coloured by the saving of the cell's cheapest tariff against
    the current one (by its total without a current tariff) and annotated with that
    tariff and the value; savings are coloured on a scale centred on 0 (green saves, red
    costs more). One axis: a row per tariff, a column per value, each cell its saving (or
    total). Each break-even mark found is one line, placed between the two
    cells it lies between in proportion to its value and labelled with that value (the
    labels are the exact values; only the place of the line between the cells' centres
    is drawn to scale).

    Raises:
        OutputError: matplotlib is not installed.
    """
    figure_class = _figure_class()
    base = grid.base
    savings = base.current is not None
    what = f"saving against {base.current}" if savings else "total"
    if len(grid.axes) == 2:
        rows_axis, columns_axis = grid.axes
        width = len(columns_axis.values)
        cells = [list(grid.cells[i : i + width]) for i in range(0, len(grid.cells), width)]
        labels = [[_cell_label(cell, None, savings) for cell in row] for row in cells]
        values = [[_cell_value(cell, None, savings) for cell in row] for row in cells]
        row_labels = [rows_axis.label(value) for value in rows_axis.values]
        title = f"Cheapest tariff per cell and its {what} [{base.currency}]"
        y_name = rows_axis.name
    else:
        (columns_axis,) = grid.axes
        priced = [t for t in grid.tariffs if any(c.comparison.get(t) for c in grid.cells)]
        labels = [[_cell_label(cell, t, savings) for cell in grid.cells] for t in priced]
        values = [[_cell_value(cell, t, savings) for cell in grid.cells] for t in priced]
        row_labels = priced
        title = f"{what.capitalize()} of each tariff [{base.currency}]"
        y_name = "tariff"
    height = len(row_labels)
    figure = figure_class(
        figsize=(max(6.0, 1.6 * len(columns_axis.values) + 2), max(3.0, 0.8 * height + 2)),
        layout="constrained",
    )
    axes = figure.subplots()
    if savings:
        # Centred on 0: green saves, yellow the same, red costs more than the current one.
        norm = importlib.import_module("matplotlib.colors").CenteredNorm(vcenter=0)
        image = axes.imshow(values, cmap="RdYlGn", norm=norm, aspect="auto")
    else:
        image = axes.imshow(values, cmap="viridis_r", aspect="auto")
    figure.colorbar(image, ax=axes, label=f"{what} [{base.currency}]")
    for i, row in enumerate(labels):
        for j, text in enumerate(row):
            axes.text(j, i, text, ha="center", va="center", fontsize=8)
    axes.set_xticks(
        range(len(columns_axis.values)), [columns_axis.label(v) for v in columns_axis.values]
    )
    axes.set_yticks(range(height), row_labels)
    axes.set_xlabel(columns_axis.name)
    axes.set_ylabel(y_name)
    axes.set_title(title)
    labelled = False
    for mark in grid.marks:
        if mark.value is None:
            continue
        along = grid.axes[mark.axis]
        low = along.values[mark.low_index]
        high = along.values[mark.low_index + 1]
        place = mark.low_index + float((mark.value - low) / (high - low))
        label = None if labelled else "break-even (cheapest changes; exact value shown)"
        labelled = True
        if len(grid.axes) == 2 and mark.axis == 0:
            j = mark.fixed_index or 0
            axes.plot([j - 0.5, j + 0.5], [place, place], color="black", linewidth=2, label=label)
            axes.text(j + 0.45, place, along.label(mark.value), ha="right", va="bottom", fontsize=7)
        else:
            held = mark.fixed_index
            span = [held - 0.5, held + 0.5] if held is not None else [-0.5, height - 0.5]
            axes.plot([place, place], span, color="black", linewidth=2, label=label)
            axes.text(place, span[0], along.label(mark.value), ha="left", va="top", fontsize=7)
    if labelled:
        axes.legend(loc="upper right", fontsize="small")
    return figure


def sensitivity_chart(grid: SensitivityGrid, image_format: str = "png") -> bytes:
    """Draw the heat map of a sensitivity grid (`sensitivity_figure`) as PNG or SVG bytes.

    Raises:
        OutputError: matplotlib is not installed.
    """
    return _render(sensitivity_figure(grid), image_format)
