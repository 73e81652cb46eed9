"""Render a solved design (`tariffs.whatif.design.Design`): a text table or JSON."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from tariffs.io.render.text import align_table, number, signed_text

if TYPE_CHECKING:
    from tariffs.whatif.design import Design, Trial

__all__ = ["design_to_json", "design_to_table", "why"]


def why(design: Design) -> str:
    """Why the solved value is the one reported, in one sentence."""
    solution = design.solution
    unknown = design.unknown
    solved = unknown.text(solution.solved.value)
    grid = f"value of {unknown.places} decimal places" if unknown.places else "whole number"
    if solution.exact:
        return (
            f"{solved} gives the target to the cent; of the values that do, it is the one "
            "nearest the value written"
        )
    side = [t for t in (solution.below, solution.above) if t is not None]
    others = ", ".join(
        f"{unknown.text(t.value)} is {signed_text(t.revenue - solution.target)}" for t in side
    )
    return (
        f"no {grid} gives the target to the cent (revenue moves in steps between "
        f"neighbouring values); {solved} is the nearest, "
        f"{signed_text(solution.difference)} {design.currency} off ({others})"
    )


def _trial(design: Design, trial: Trial | None) -> dict[str, Any] | None:
    if trial is None:
        return None
    return {
        "value": design.unknown.text(trial.value),
        "revenue": number(trial.revenue),
        "difference": number(trial.revenue - design.solution.target),
    }


def design_to_json(design: Design) -> str:
    """The design as a JSON document (money and values as strings)."""
    unknown = design.unknown
    solution = design.solution
    document = {
        "tariff": design.tariff,
        "currency": design.currency,
        "solve": unknown.path,
        "where": unknown.where,
        "kind": unknown.kind,
        "written": unknown.written,
        "step": number(unknown.step),
        "range": {"low": unknown.text(unknown.low), "high": _maybe(design, unknown.high)},
        "target": {
            "kind": "neutral" if design.neutral else "revenue",
            "revenue": number(solution.target),
        },
        "current_revenue": number(design.current_revenue),
        "solved": _trial(design, solution.solved),
        "below": _trial(design, solution.below),
        "above": _trial(design, solution.above),
        "original": _trial(design, solution.original),
        "exact": solution.exact,
        "reason": why(design),
        "revenue_rises_with_value": solution.increasing,
        "accounts": str(design.accounts),
        "energy_kwh": number(design.energy_kwh),
        "pricings": str(solution.pricings),
    }
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


def _maybe(design: Design, value: Any) -> str | None:
    return None if value is None else design.unknown.text(value)


def design_to_table(design: Design) -> str:
    """The design as text: the solved value between its neighbours, and why."""
    unknown = design.unknown
    solution = design.solution
    currency = design.currency
    target = (
        f"revenue-neutral: the current revenue of {design.accounts} accounts, "
        f"{number(solution.target)} {currency}"
        if design.neutral
        else f"{number(solution.target)} {currency} (current revenue "
        f"{number(design.current_revenue)} {currency})"
    )
    rows = [["", unknown.kind, f"revenue {currency}", f"to target {currency}"]]
    for label, trial in (
        ("one step below", solution.below),
        ("solved", solution.solved),
        ("one step above", solution.above),
        ("as written", solution.original),
    ):
        if trial is None:
            continue
        rows.append(
            [
                label,
                unknown.text(trial.value),
                number(trial.revenue) or "",
                signed_text(trial.revenue - solution.target),
            ]
        )
    lines = [
        f"design {design.tariff}: {unknown.path} ({unknown.kind}, written {unknown.written}; "
        f"values of step {number(unknown.step)})",
        f"target: {target}",
        "",
        *align_table(rows, right=(1, 2, 3)),
        "",
        f"solved: {unknown.path} = {unknown.text(solution.solved.value)}: {why(design)}",
        f"priced {solution.pricings} values over {design.accounts} accounts, "
        f"{number(design.energy_kwh)} kWh",
    ]
    return "\n".join(lines) + "\n"
