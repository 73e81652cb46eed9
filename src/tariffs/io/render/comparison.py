"""Render a tariff comparison, its scenarios and break-evens as a text table, JSON or CSV.

Pure: each function takes the results of `tariffs.whatif.compare` (a `Comparison` from
`compare_tariffs`, or a `WhatIf` from `compare_scenarios`, and optionally the break-evens
of `break_even_shift` and `break_even_consumption`) and returns text ending in a newline.
This is what ``tariffs compare`` prints.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from tariffs.io.render.bills import bill_to_dict
from tariffs.io.render.labels import (
    advice_text,
    eligibility_text,
    header,
    kind_label,
    line_label,
    unit_label,
)
from tariffs.io.render.text import align_table, decimal_text, display_width, number, signed_text

if TYPE_CHECKING:
    from typing_extensions import TypeIs

    from tariffs.whatif.compare import (
        BreakEvenFailure,
        Comparison,
        ConsumptionBreakEven,
        ScenarioComparison,
        ShiftBreakEven,
        TariffCost,
        WhatIf,
    )
    from tariffs.whatif.scenarios import StepReport

    BreakEven = ShiftBreakEven | ConsumptionBreakEven | BreakEvenFailure

__all__ = ["comparison_to_csv", "comparison_to_json", "comparison_to_table"]


# The result types are imported for type checking only (io does not depend on whatif at
# run time), so they are told apart by their fields.
def _is_whatif(result: Comparison | WhatIf) -> TypeIs[WhatIf]:
    return hasattr(result, "base")


def _is_failure(found: BreakEven) -> TypeIs[BreakEvenFailure]:
    return hasattr(found, "error")


def _is_shift(found: BreakEven) -> TypeIs[ShiftBreakEven]:
    return hasattr(found, "shift") and not _is_failure(found)


def _cases(result: Comparison | WhatIf) -> tuple[Comparison, tuple[ScenarioComparison, ...]]:
    if _is_whatif(result):
        return result.base, result.scenarios
    return result, ()


def _break_even_label(found: BreakEven) -> str:
    if _is_failure(found):
        return found.shift if found.shift is not None else "consumption"
    return found.shift if _is_shift(found) else "consumption"


# -- JSON ------------------------------------------------------------------------------


def _result_dict(result: TariffCost, current: bool, lang: str = "en") -> dict[str, Any]:
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
    document["bills"] = [bill_to_dict(bill, lang) for bill in result.bills]
    return document


def _comparison_dict(
    comparison: Comparison, base: Comparison | None = None, lang: str = "en"
) -> dict[str, Any]:
    results = []
    for result in comparison.results:
        entry = _result_dict(result, comparison.current is not None, lang)
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
                "text": _advice(comparison, lang),
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
            {
                "tariff": item.tariff,
                "status": item.standing.status,
                "reasons": list(item.standing.reasons),
                "needs": list(item.standing.needs),
                "note": item.standing.note,
            }
            for item in comparison.ineligible
        ]
    if comparison.current_ineligible is not None:
        document["current_not_eligible"] = _standing(comparison.current_ineligible, lang)
    if comparison.mandatory:
        document["mandatory"] = list(comparison.mandatory)
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
    if _is_failure(found):
        document: dict[str, Any] = {
            "kind": found.kind,
            "tariff": found.tariff,
            "against": found.against,
        }
        if found.shift is not None:
            document["shift"] = found.shift
        document["error"] = found.error
        return document
    if _is_shift(found):
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


def comparison_to_json(
    result: Comparison | WhatIf, break_evens: Sequence[BreakEven] = (), lang: str = "en"
) -> str:
    """The comparison as a JSON document (money and quantities as strings).

    Args:
        result: A `Comparison`, or a `WhatIf` with its scenarios.
        break_evens: Break-evens to report (`ShiftBreakEven`, `ConsumptionBreakEven`).
        lang: The language of the bills' labels and warnings, of the recommendation's
            ``text`` and of ``current_not_eligible``; keys, codes and numbers never change.

    Returns:
        ``{"results": [...], "current": ..., "recommendation": {...},
        "not_applicable": [...], "scenarios": [...], "break_even": [...]}``, the optional
        keys only where they apply (``failed`` lists a current tariff that could not be
        priced, ``not_eligible`` the tariffs the account may not take, or may not be
        known to take, with ``status`` ``ineligible`` or ``unknown``, the ``reasons``,
        the facts it ``needs`` and the rule's ``note``; ``mandatory`` the tariffs the
        account must take); each scenario has its ``name``, ``steps`` and results with their
        ``change_from_base``, or its ``name`` and ``error`` when it failed.
    """
    base, scenarios = _cases(result)
    document = _comparison_dict(base, lang=lang)
    if scenarios:
        document["scenarios"] = []
        for case in scenarios:
            if case.error is not None:
                document["scenarios"].append({"name": case.scenario.name, "error": case.error})
                continue
            entry = {"name": case.scenario.name, "steps": _steps_dict(case.steps)}
            entry.update(_comparison_dict(case.comparison, base, lang))
            document["scenarios"].append(entry)
    if break_evens:
        document["break_even"] = [_break_even_dict(found) for found in break_evens]
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


# -- CSV -------------------------------------------------------------------------------


def _break_even_cell(found: BreakEven) -> str:
    if _is_failure(found):
        return f"failed: {found.error}"
    if _is_shift(found):
        return "never" if found.percent is None else format(found.percent, "f")
    return ";".join(
        f"{number(c.energy_kwh)}:{c.cheaper_below}->{c.cheaper_above}" for c in found.crossings
    )


def comparison_to_csv(
    result: Comparison | WhatIf, break_evens: Sequence[BreakEven] = (), lang: str = "en"
) -> str:
    """The comparison as CSV: one row per scenario and tariff, ranked.

    Args:
        result: A `Comparison` (its rows are scenario ``base``), or a `WhatIf` with its
            scenarios.
        break_evens: Break-evens to report, one ``break_even <shift>`` or
            ``break_even consumption`` column each, on the base rows.
        lang: The language of the ``not_eligible`` text; the columns never change.

    Returns:
        A header, then per scenario its ranked tariffs (total, kWh, price per kWh,
        savings, change from base, cost by line kind and by billing period) and a row per
        tariff that does not apply; where a tariff is not ranked for its eligibility, a
        ``not_eligible`` column holds a row per such tariff; where something failed, an
        ``error`` column holds a row per current tariff that could not be priced and per
        scenario that failed.
    """
    base, scenarios = _cases(result)
    cases = [("base", base)] + [(s.scenario.name, s.comparison) for s in scenarios]
    kinds: list[str] = []
    starts: list[str] = []
    for _, comparison in cases:
        for cost in comparison.results:
            kinds.extend(k for k in cost.by_kind if k not in kinds)
            for period in cost.periods:
                if period.start.isoformat() not in starts:
                    starts.append(period.start.isoformat())
    starts.sort()
    columns = {f"break_even {_break_even_label(found)}" for found in break_evens}
    header = [
        "scenario", "rank", "tariff", "currency", "total", "energy_kwh",
        "average_price_per_kwh", "savings", "savings_percent", "change_from_base",
    ]  # fmt: skip
    header += [f"kind:{kind}" for kind in kinds] + [f"period:{start}" for start in starts]
    header += sorted(columns) + ["not_applicable"]
    if any(c.ineligible for _, c in cases):
        header.append("not_eligible")
    errors = any(c.failed for _, c in cases) or any(s.error is not None for s in scenarios)
    if errors:
        header.append("error")
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=header, lineterminator="\n")
    writer.writeheader()
    for name, comparison in cases:
        for rank, cost in enumerate(comparison.results, start=1):
            row: dict[str, str] = {
                "scenario": name,
                "rank": str(rank),
                "tariff": cost.tariff,
                "currency": cost.currency,
                "total": decimal_text(cost.total),
                "energy_kwh": decimal_text(cost.energy_kwh),
                "average_price_per_kwh": decimal_text(cost.average_price_per_kwh),
                "savings": decimal_text(cost.savings),
                "savings_percent": decimal_text(cost.savings_percent),
            }
            before = base.get(cost.tariff)
            if name != "base" and before is not None:
                row["change_from_base"] = decimal_text(cost.total - before.total)
            for kind, amount in cost.by_kind.items():
                row[f"kind:{kind}"] = decimal_text(amount)
            for period in cost.periods:
                row[f"period:{period.start.isoformat()}"] = decimal_text(period.total)
            if name == "base":
                for found in break_evens:
                    if found.tariff == cost.tariff:
                        row[f"break_even {_break_even_label(found)}"] = _break_even_cell(found)
            writer.writerow(row)
        for item in comparison.not_applicable:
            writer.writerow(
                {"scenario": name, "tariff": item.tariff, "not_applicable": item.reason}
            )
        for ineligible in comparison.ineligible:
            writer.writerow(
                {
                    "scenario": name,
                    "tariff": ineligible.tariff,
                    "not_eligible": _standing(ineligible.standing, lang),
                }
            )
        for item in comparison.failed:
            writer.writerow({"scenario": name, "tariff": item.tariff, "error": item.reason})
    for case in scenarios:
        if case.error is not None:
            writer.writerow({"scenario": case.scenario.name, "error": case.error})
    return out.getvalue()


# -- text table ------------------------------------------------------------------------


def _currency(comparison: Comparison, lang: str) -> str:
    return unit_label(comparison.currency, lang) or comparison.currency


def _ranking_lines(comparison: Comparison, base: Comparison | None, lang: str = "en") -> list[str]:
    currency = _currency(comparison, lang)
    head = [
        header("rank", lang),
        header("tariff", lang),
        header("cost_total", lang, currency=currency),
        header("kwh", lang),
        header("per_kwh", lang, currency=currency),
    ]
    if comparison.current is not None:
        head += [header("savings", lang, currency=currency), header("savings_percent", lang)]
    if base is not None:
        head += [header("vs_base", lang, currency=currency)]
    rows = [head]
    for rank, result in enumerate(comparison.results, start=1):
        row = [
            str(rank),
            result.tariff,
            decimal_text(result.total),
            decimal_text(result.energy_kwh),
            decimal_text(result.average_price_per_kwh),
        ]
        if comparison.current is not None:
            row += [decimal_text(result.savings), decimal_text(result.savings_percent)]
        if base is not None:
            before = base.get(result.tariff)
            row += [signed_text(result.total - before.total) if before else ""]
        rows.append(row)
    lines = align_table(rows, right=range(2, len(head)), width=display_width)
    for item in comparison.not_applicable:
        lines.append(header("not_applicable", lang, tariff=item.tariff, reason=item.reason))
    for item in comparison.failed:
        lines.append(header("current_failed", lang, tariff=item.tariff, reason=item.reason))
    for ineligible in comparison.ineligible:
        standing = ineligible.standing
        reason = _standing(standing, lang)
        name = "not_ranked" if standing.status == "unknown" else "not_eligible"
        lines.append(header(name, lang, tariff=ineligible.tariff, reason=reason))
    if comparison.current_ineligible is not None:
        reason = _standing(comparison.current_ineligible, lang)
        lines.append(header("current_ineligible", lang, tariff=comparison.current, reason=reason))
    for tariff_id in comparison.mandatory:
        lines.append(header("mandatory", lang, tariff=tariff_id))
    return lines


def _standing(standing: Any, lang: str) -> str:
    """An `Assessment` in words (English as written; Chinese from its facts)."""
    return eligibility_text(standing.status, standing.text, standing.facts(), standing.needs, lang)


def _advice(comparison: Comparison, lang: str) -> str:
    """The recommendation: its text in English; in Chinese, written from its facts."""
    found = comparison.recommendation
    assert found is not None  # noqa: S101 - the callers check
    return advice_text(found.text, found.key, found.facts, lang, _source(comparison, lang))


def _source(comparison: Comparison, lang: str) -> str | None:
    """What the recommendation's savings mostly come from, in a language, or None.

    A line of the current tariff's bills is named by its label in ``lang``
    (`line_label`), a line kind by its column (`kind_label`).
    """
    found = comparison.recommendation
    facts = dict(found.facts) if found is not None else {}
    if "source_kind" not in facts:
        return None
    current = comparison.get(found.current) if found is not None and found.current else None
    if "source_code" in facts and current is not None:
        code = facts["source_code"]
        line = next(
            (line for bill in current.bills for line in bill.lines if line.code == code), None
        )
        if line is not None:
            return line_label(line, lang)
    return kind_label(facts["source_kind"], lang)


def _scenario_lines(case: ScenarioComparison, base: Comparison, lang: str = "en") -> list[str]:
    lines = [header("scenario", lang, scenario=repr(case.scenario.name), text=case.scenario.text)]
    if case.error is not None:
        return [*lines, header("scenario_failed", lang, error=case.error)]
    for report in case.steps:
        quantities = ", ".join(
            f"{name} {format(value, 'f')}" for name, value in report.quantities.items()
        )
        lines.append(f"  {report.step}: {quantities}")
        lines.extend(f"  note: {note}" for note in report.notes)
    lines.extend(_ranking_lines(case.comparison, base, lang))
    if case.comparison.recommendation is not None:
        lines.append(header("recommendation", lang, text=_advice(case.comparison, lang)))
    return lines


def _break_even_lines(found: BreakEven, currency: str) -> list[str]:
    if _is_failure(found):
        return [
            f"  {found.tariff} vs {found.against} ({_break_even_label(found)}): "
            f"failed: {found.error}"
        ]
    if _is_shift(found):
        if found.percent is None:
            return [
                f"  {found.tariff} does not cost less than {found.against} even when "
                f"all {found.shift.split('->')[0]} energy is shifted ({found.shift})"
            ]
        if found.percent == 0:
            return [
                f"  {found.tariff} already costs less than {found.against} "
                f"({decimal_text(found.cost)} vs {decimal_text(found.against_cost)} "
                f"{currency})"
            ]
        return [
            f"  {found.tariff} costs less than {found.against} from "
            f"{found.percent} % shifted {found.shift} ({decimal_text(found.cost)} vs "
            f"{decimal_text(found.against_cost)} {currency})"
        ]
    if not found.crossings:
        return [
            f"  {found.tariff} vs {found.against}: the cheaper does not change from "
            f"1 to {decimal_text(found.searched_up_to_kwh)} kWh over {found.days} days"
        ]
    return [
        f"  {found.tariff} vs {found.against}: from {decimal_text(crossing.energy_kwh)} kWh "
        f"over {found.days} days"
        + (
            f" (about {decimal_text(crossing.annual_kwh)} kWh/yr)"
            if crossing.annual_kwh is not None
            else ""
        )
        + f", {crossing.cheaper_above} costs less ({crossing.cheaper_below} below)"
        for crossing in found.crossings
    ]


def comparison_to_table(
    result: Comparison | WhatIf, break_evens: Sequence[BreakEven] = (), lang: str = "en"
) -> str:
    """The comparison as human-readable text tables.

    Args:
        result: A `Comparison`, or a `WhatIf` with its scenarios.
        break_evens: Break-evens to report, in a closing ``Break-even`` section.
        lang: ``en``, or ``zh``: Chinese headers, titles, line kinds, units, eligibility
            and recommendation (`tariffs.io.render.labels`); the scenarios' steps and
            the break-even sentences stay in English. Columns line up by display width.

    Returns:
        The ranking (cheapest first), the cost by line kind, the cost per billing period
        (when there are several), the recommendation, then each scenario's steps and
        ranking against the base, then the break-evens.
    """
    base, scenarios = _cases(result)
    currency = _currency(base, lang)
    parts = ["\n".join(_ranking_lines(base, None, lang))]
    kinds: list[str] = []
    for cost in base.results:
        kinds.extend(k for k in cost.by_kind if k not in kinds)
    rows = [[header("tariff", lang), *(kind_label(k, lang) for k in kinds)]]
    for cost in base.results:
        rows.append([cost.tariff, *(decimal_text(cost.by_kind.get(k)) for k in kinds)])
    title = header("by_kind", lang, currency=currency)
    table = align_table(rows, right=range(1, len(kinds) + 1), width=display_width)
    parts.append("\n".join([title, *table]))
    starts = sorted({p.start for r in base.results for p in r.periods})
    if len(starts) > 1:
        rows = [[header("tariff", lang), *(s.isoformat() for s in starts)]]
        for cost in base.results:
            by_start = {p.start: p.total for p in cost.periods}
            rows.append([cost.tariff, *(decimal_text(by_start.get(s)) for s in starts)])
        title = header("by_period", lang, currency=currency)
        table = align_table(rows, right=range(1, len(starts) + 1), width=display_width)
        parts.append("\n".join([title, *table]))
    if base.recommendation is not None:
        parts.append(header("recommendation", lang, text=_advice(base, lang)))
    parts.extend("\n".join(_scenario_lines(case, base, lang)) for case in scenarios)
    if break_evens:
        lines = [header("break_even", lang)]
        for found in break_evens:
            lines += _break_even_lines(found, base.currency)
        parts.append("\n".join(lines))
    return "\n\n".join(parts) + "\n"
