"""Render a sensitivity grid as a text table, JSON or CSV.

Pure: each function takes a `SensitivityGrid` of `tariffs.whatif.sensitivity` and returns
text ending in a newline. This is what ``tariffs compare --grid`` prints.

The table shows, rows × columns, the cheapest tariff of each cell with its total and its
saving against the current tariff (a grid of one axis: a row per value, a column per
tariff), then the total of each tariff per cell, the break-even marks and the cells that
failed. JSON gives both the cheapest per cell and each tariff's totals; CSV gives one row
per cell and tariff, as ``tariffs compare`` gives one per scenario and tariff.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from tariffs.io.render.text import align_table, decimal_text, number

if TYPE_CHECKING:
    from tariffs.whatif.compare import TariffCost
    from tariffs.whatif.sensitivity import BreakEvenMark, GridCell, SensitivityGrid

__all__ = ["grid_failures", "grid_to_csv", "grid_to_json", "grid_to_table"]


def _where(grid: SensitivityGrid, cell: GridCell) -> str:
    """A cell in words: ``shift peak->valley 10%, growth +5%``."""
    return ", ".join(
        axis.describe(value) for axis, value in zip(grid.axes, cell.values, strict=True)
    )


def _mark_text(grid: SensitivityGrid, mark: BreakEvenMark) -> str:
    axis = grid.axes[mark.axis]
    low, high = axis.values[mark.low_index], axis.values[mark.low_index + 1]
    held = ""
    if mark.fixed_index is not None:
        other = grid.axes[1 - mark.axis]
        held = f"at {other.describe(other.values[mark.fixed_index])}: "
    between = f"between {axis.label(low)} and {axis.label(high)}"
    if mark.value is None:
        return f"  {held}{axis.describe(low)}..{axis.label(high)}: failed: {mark.error}"
    return (
        f"  {held}from {axis.describe(mark.value)} ({between}, to "
        f"{_plain(mark.resolution)}{axis.unit}) {mark.cheaper_above} is the cheapest "
        f"({mark.cheaper_below} below)"
    )


def _plain(value: Decimal) -> str:
    return format(value, "f")


def _cheapest_text(cell: GridCell) -> str:
    if cell.error is not None:
        return "failed"
    best = cell.cheapest
    if best is None:
        return "n/a"
    text = f"{best.tariff} {decimal_text(best.total)}"
    if best.savings is not None and best.savings != 0:
        text += f" saves {decimal_text(best.savings)}"
    return text


def _total_text(cell: GridCell, tariff: str) -> str:
    if cell.error is not None:
        return "failed"
    found = cell.comparison.get(tariff)
    return decimal_text(found.total) if found is not None else "n/a"


def _priced(grid: SensitivityGrid) -> list[str]:
    """The tariffs priced in at least one cell, in the order given."""
    seen = {r.tariff for cell in grid.cells for r in cell.comparison.results}
    return [t for t in grid.tariffs if t in seen]


def _notes(grid: SensitivityGrid) -> list[str]:
    """The tariffs left out of the readings as read, once; then what differs per cell."""
    base = grid.base
    lines = [f"not applicable: {item.tariff}: {item.reason}" for item in base.not_applicable]
    for ineligible in base.ineligible:
        word = "not ranked" if ineligible.standing.status == "unknown" else "not eligible"
        lines.append(f"{word}: {ineligible.tariff}: {ineligible.standing.text}")
    known = {(item.tariff, item.reason) for item in base.not_applicable}
    known |= {(item.tariff, item.standing.text) for item in base.ineligible}
    for cell in grid.cells:
        where = _where(grid, cell)
        if cell.error is not None:
            lines.append(f"failed: {where}: {cell.error}")
            continue
        comparison = cell.comparison
        lines.extend(
            f"not applicable at {where}: {item.tariff}: {item.reason}"
            for item in comparison.not_applicable
            if (item.tariff, item.reason) not in known
        )
        lines.extend(
            f"failed at {where}: the current tariff {item.tariff}: {item.reason}"
            for item in comparison.failed
        )
        lines.extend(
            f"not ranked at {where}: {item.tariff}: {item.standing.text}"
            for item in comparison.ineligible
            if (item.tariff, item.standing.text) not in known
        )
    return lines


def grid_to_table(grid: SensitivityGrid) -> str:
    """The grid as human-readable text tables.

    Returns:
        A title; with two axes, the cheapest tariff per cell (rows: the first axis'
        values; columns: the second's), each with its total and its saving against the
        current tariff, then one table of totals per tariff; with one axis, one table of
        a row per value with each tariff's total, the cheapest and its saving. Then the
        break-even marks, and the cells or tariffs that failed or do not apply.
    """
    base = grid.base
    currency = base.currency
    names = " × ".join(axis.name for axis in grid.axes)
    title = f"Sensitivity grid: {names}"
    if base.current is not None:
        title += f"; savings against {base.current} in the same cell"
    parts = [title]
    priced = _priced(grid)
    if len(grid.axes) == 1:
        (axis,) = grid.axes
        header = [axis.name, *(f"{t} {currency}" for t in priced), "cheapest"]
        if base.current is not None:
            header.append(f"saves {currency}")
        rows = [header]
        for cell in grid.cells:
            best = cell.cheapest
            row = [axis.label(cell.values[0]), *(_total_text(cell, t) for t in priced)]
            row.append(best.tariff if best is not None else _cheapest_text(cell))
            if base.current is not None:
                row.append(decimal_text(best.savings) if best is not None else "")
            rows.append(row)
        parts.append("\n".join(align_table(rows, right=range(1, len(priced) + 1))))
    else:
        rows_axis, columns_axis = grid.axes
        corner = f"{rows_axis.name} \\ {columns_axis.name}"
        labels = [columns_axis.label(value) for value in columns_axis.values]
        width = len(columns_axis.values)

        def table(heading: str, text_of: Any) -> str:
            rows = [[corner, *labels]]
            for i, value in enumerate(rows_axis.values):
                row_cells = grid.cells[i * width : (i + 1) * width]
                rows.append([rows_axis.label(value), *(text_of(cell) for cell in row_cells)])
            return "\n".join([heading, *align_table(rows, right=range(1, width + 1))])

        saving = f" and its saving against {base.current}" if base.current is not None else ""
        parts.append(
            table(f"Cheapest tariff per cell: its total {currency}{saving}", _cheapest_text)
        )
        for tariff in priced:
            parts.append(
                table(f"Total {currency} under {tariff}", lambda c, t=tariff: _total_text(c, t))
            )
    if grid.marks:
        lines = [
            "Break-even (the least value, to the step shown, at which the cheapest tariff "
            "changes, found by pricing between neighbouring cells)"
        ]
        lines += [_mark_text(grid, mark) for mark in grid.marks]
        parts.append("\n".join(lines))
    notes = _notes(grid)
    if notes:
        parts.append("\n".join(notes))
    return "\n\n".join(parts) + "\n"


# -- JSON ------------------------------------------------------------------------------


def _cost_dict(cost: TariffCost | None) -> dict[str, Any] | None:
    if cost is None:
        return None
    return {"tariff": cost.tariff, "total": number(cost.total), "savings": number(cost.savings)}


def _nested(grid: SensitivityGrid, value_of: Any) -> list[Any]:
    values = [value_of(cell) for cell in grid.cells]
    if len(grid.axes) == 1:
        return values
    width = len(grid.axes[1].values)
    return [values[i : i + width] for i in range(0, len(values), width)]


def _cell_dict(cell: GridCell) -> dict[str, Any]:
    document: dict[str, Any] = {
        "index": list(cell.index),
        "values": [number(value) for value in cell.values],
        "scenario": cell.scenario.name,
    }
    if cell.error is not None:
        document["error"] = cell.error
        return document
    comparison = cell.comparison
    document["steps"] = [
        {
            "step": report.step,
            **{name: number(value) for name, value in report.quantities.items()},
            "notes": list(report.notes),
        }
        for report in cell.steps
    ]
    document["cheapest"] = _cost_dict(cell.cheapest)
    document["results"] = [
        {
            "rank": rank,
            "tariff": cost.tariff,
            "total": number(cost.total),
            "energy_kwh": number(cost.energy_kwh),
            "average_price_per_kwh": number(cost.average_price_per_kwh),
            "savings": number(cost.savings),
            "savings_percent": number(cost.savings_percent),
        }
        for rank, cost in enumerate(comparison.results, start=1)
    ]
    if comparison.recommendation is not None:
        document["recommendation"] = {
            "tariff": comparison.recommendation.tariff,
            "annual_savings": number(comparison.recommendation.annual_savings),
            "text": comparison.recommendation.text,
        }
    if comparison.not_applicable:
        document["not_applicable"] = [
            {"tariff": item.tariff, "reason": item.reason} for item in comparison.not_applicable
        ]
    if comparison.failed:
        document["failed"] = [
            {"tariff": item.tariff, "error": item.reason} for item in comparison.failed
        ]
    if comparison.ineligible:
        document["not_eligible"] = [
            {"tariff": item.tariff, "status": item.standing.status, "text": item.standing.text}
            for item in comparison.ineligible
        ]
    return document


def _mark_dict(grid: SensitivityGrid, mark: BreakEvenMark) -> dict[str, Any]:
    axis = grid.axes[mark.axis]
    document: dict[str, Any] = {
        "along": axis.text,
        "between": [
            number(axis.values[mark.low_index]),
            number(axis.values[mark.low_index + 1]),
        ],
    }
    if mark.fixed_index is not None:
        other = grid.axes[1 - mark.axis]
        document["at"] = {"axis": other.text, "value": number(other.values[mark.fixed_index])}
    document.update(
        {
            "value": number(mark.value),
            "resolution": number(mark.resolution),
            "cheaper_below": mark.cheaper_below,
            "cheaper_above": mark.cheaper_above,
        }
    )
    if mark.error is not None:
        document["error"] = mark.error
    return document


def grid_to_json(grid: SensitivityGrid) -> str:
    """The grid as a JSON document (money and quantities as strings).

    Returns:
        ``{"axes": [...], "currency", "current", "cells": [...], "cheapest": [[...]],
        "totals": {tariff: [[...]]}, "break_even": [...]}``: each axis with its ``kind``,
        ``text``, ``values`` and ``labels``; each cell with its ``index``, ``values``,
        ``scenario`` (its steps, as ``--scenario`` takes them), step reports, ``cheapest``,
        ranked ``results`` and ``recommendation``, or its ``error``; ``cheapest`` and each
        tariff's ``totals`` as nested lists, rows first (one list with one axis; null for
        a cell that failed or a tariff not priced in it); each break-even mark with the
        axis it lies ``along``, the cell values it lies ``between``, the other axis'
        value it is ``at``, its ``value`` and ``resolution``, or its ``error``.
    """
    base = grid.base
    priced = _priced(grid)

    def total_of(tariff: str) -> Any:
        def value(cell: GridCell) -> str | None:
            found = cell.comparison.get(tariff)
            return number(found.total) if found is not None else None

        return value

    document: dict[str, Any] = {
        "axes": [
            {
                "kind": axis.kind,
                "text": axis.text,
                "name": axis.name,
                **(
                    {"from": list(axis.from_periods), "to": list(axis.to)}
                    if axis.kind == "shift"
                    else {}
                ),
                **({"growth": True} if axis.growth else {}),
                "values": [number(value) for value in axis.values],
                "labels": [axis.label(value) for value in axis.values],
            }
            for axis in grid.axes
        ],
        "currency": base.currency,
        "current": base.current,
        "cells": [_cell_dict(cell) for cell in grid.cells],
        "cheapest": _nested(grid, lambda cell: _cost_dict(cell.cheapest)),
        "totals": {tariff: _nested(grid, total_of(tariff)) for tariff in priced},
        "break_even": [_mark_dict(grid, mark) for mark in grid.marks],
    }
    if base.not_applicable:
        document["not_applicable"] = [
            {"tariff": item.tariff, "reason": item.reason} for item in base.not_applicable
        ]
    if base.ineligible:
        document["not_eligible"] = [
            {"tariff": item.tariff, "status": item.standing.status, "text": item.standing.text}
            for item in base.ineligible
        ]
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


# -- CSV -------------------------------------------------------------------------------


def _axis_columns(grid: SensitivityGrid) -> list[str]:
    return [axis.name for axis in grid.axes]


def grid_to_csv(grid: SensitivityGrid) -> str:
    """The grid as CSV: one row per cell and tariff, ranked within the cell.

    Returns:
        A header, then for each cell (rows first) its ranked tariffs: ``scenario`` (the
        cell's steps, as ``tariffs compare`` names a scenario), a column per axis with
        the cell's value, ``rank``, ``tariff``, ``currency``, ``total``, ``energy_kwh``,
        ``average_price_per_kwh``, ``savings``, ``savings_percent`` and ``cheapest`` (the
        cell's first tariff); a row per tariff that does not apply or is not ranked in the
        cell (``not_applicable``), and a row per failed cell or current tariff
        (``error``). The tariffs that do not apply to the readings as read (or whose file
        could not be loaded) come first, as rows of scenario ``base``. The break-even
        marks are in the table and the JSON.
    """
    axes = _axis_columns(grid)
    header = [
        "scenario", *axes, "rank", "tariff", "currency", "total", "energy_kwh",
        "average_price_per_kwh", "savings", "savings_percent", "cheapest",
        "not_applicable", "error",
    ]  # fmt: skip
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=header, lineterminator="\n")
    writer.writeheader()
    for item in grid.base.not_applicable:
        writer.writerow({"scenario": "base", "tariff": item.tariff, "not_applicable": item.reason})
    for cell in grid.cells:
        where = {"scenario": cell.scenario.name}
        where.update({name: _plain(value) for name, value in zip(axes, cell.values, strict=True)})
        if cell.error is not None:
            writer.writerow({**where, "error": cell.error})
            continue
        comparison = cell.comparison
        best = cell.cheapest
        for rank, cost in enumerate(comparison.results, start=1):
            writer.writerow(
                {
                    **where,
                    "rank": str(rank),
                    "tariff": cost.tariff,
                    "currency": cost.currency,
                    "total": decimal_text(cost.total),
                    "energy_kwh": decimal_text(cost.energy_kwh),
                    "average_price_per_kwh": decimal_text(cost.average_price_per_kwh),
                    "savings": decimal_text(cost.savings),
                    "savings_percent": decimal_text(cost.savings_percent),
                    "cheapest": best.tariff if best is not None else "",
                }
            )
        for item in comparison.not_applicable:
            writer.writerow({**where, "tariff": item.tariff, "not_applicable": item.reason})
        for ineligible in comparison.ineligible:
            writer.writerow(
                {**where, "tariff": ineligible.tariff, "not_applicable": ineligible.standing.text}
            )
        for failure in comparison.failed:
            writer.writerow({**where, "tariff": failure.tariff, "error": failure.reason})
    return out.getvalue()


def grid_failures(grid: SensitivityGrid) -> Sequence[str]:
    """What could not be priced, one line each (for stderr).

    Returns:
        A line per failed cell, per current tariff that failed in a cell, and per
        break-even search that failed.
    """
    lines = []
    for cell in grid.cells:
        where = _where(grid, cell)
        if cell.error is not None:
            lines.append(f"grid cell {where} failed: {cell.error}")
        lines.extend(
            f"grid cell {where}: the current tariff {item.tariff} could not be priced: "
            f"{item.reason}"
            for item in cell.comparison.failed
        )
    for mark in grid.marks:
        if mark.error is not None:
            lines.append(f"break-even{_mark_text(grid, mark)}")
    return lines
