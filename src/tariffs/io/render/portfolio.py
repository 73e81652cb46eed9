"""Render the revenue impact of a proposed tariff on a portfolio: text table, JSON or CSV.

Pure: each function takes a `PortfolioResult` of `tariffs.whatif.portfolio` (from
`price_portfolio` or `summarize`) and returns text ending in a newline. This is what
``tariffs portfolio`` prints.
"""

from __future__ import annotations

import csv
import io
import json
import textwrap
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from tariffs.io.render.labels import header, point_label, unit_label
from tariffs.io.render.text import align_table, decimal_text, number, signed_text

if TYPE_CHECKING:
    from tariffs.whatif.portfolio import AccountOutcome, Impact, PortfolioResult
    from tariffs.whatif.response import ResponseGroup, ResponseSummary

__all__ = ["portfolio_to_csv", "portfolio_to_json", "portfolio_to_table"]

#: The columns of `portfolio_to_csv`; the grouping columns come after ``account_id``.
CSV_COLUMNS = (
    "account_id", "status", "current_tariff", "proposed_tariff", "energy_kwh",
    "current_total", "proposed_total", "change", "change_percent", "bills", "error",
)  # fmt: skip


def portfolio_to_csv(
    result: PortfolioResult, outcomes: Sequence[AccountOutcome] | None = None
) -> str:
    """One CSV row per account: its groups, status, totals under both tariffs, change.

    Args:
        result: The portfolio's summary.
        outcomes: The per-account outcomes, in the order to write them (default: the
            accounts priced, then the failed ones, as in ``result``).

    Returns:
        A header (`CSV_COLUMNS` with the grouping columns after ``account_id``),
        then a row per account; a failed account has status ``failed``, its error and
        no change.
    """
    if outcomes is None:
        outcomes = result.accounts + result.failed + result.not_migrated
    if result.detailed:
        return _detailed_csv(result, outcomes)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    groups = list(result.group_columns)
    writer.writerow([CSV_COLUMNS[0], *groups, *CSV_COLUMNS[1:], *_response_header(result)])
    for outcome in outcomes:
        writer.writerow(
            [
                outcome.account_id,
                *(outcome.groups.get(column, "") for column in groups),
                "ok" if outcome.ok else "failed",
                result.current,
                result.proposed,
                decimal_text(outcome.energy_kwh),
                decimal_text(outcome.current_total),
                decimal_text(outcome.proposed_total),
                decimal_text(outcome.change) if outcome.ok else "",
                decimal_text(outcome.change_percent) if outcome.ok else "",
                str(outcome.bills) if outcome.ok else "",
                outcome.error or "",
                *_response_cells(result, outcome),
            ]
        )
    return out.getvalue()


#: The columns a price response adds at the end of each CSV row.
RESPONSE_CSV_COLUMNS = (
    "responded_energy_kwh", "responded_proposed_total", "responded_change", "response_error",
)  # fmt: skip


def _response_header(result: PortfolioResult) -> list[str]:
    return list(RESPONSE_CSV_COLUMNS) if result.response is not None else []


def _response_cells(result: PortfolioResult, outcome: AccountOutcome) -> list[str]:
    if result.response is None:
        return []
    if not outcome.ok:
        return ["", "", "", ""]
    return [
        decimal_text(outcome.responded_kwh),
        decimal_text(outcome.responded_total),
        decimal_text(outcome.responded_change),
        outcome.response_error or "",
    ]


def _moved_text(outcome: AccountOutcome) -> str:
    """The lines that moved most, as ``code +change`` separated by ``; ``."""
    return "; ".join(
        f"{code} {signed_text(proposed - current)}"
        for code, current, proposed in outcome.moved_lines()
    )


def _status(outcome: AccountOutcome) -> str:
    if outcome.error is not None:
        return "failed"
    return "not_migrated" if outcome.not_migrated is not None else "ok"


def _bands(result: PortfolioResult, outcome: AccountOutcome) -> list[str]:
    from tariffs.whatif.portfolio import band_of

    return [
        band_of(outcome, bands) if outcome.ok else ""
        for bands in (result.usage_bands, result.change_bands)
        if bands is not None
    ]


def _detailed_csv(result: PortfolioResult, outcomes: Sequence[AccountOutcome]) -> str:
    """The CSV of a portfolio with a tariff per account, migrations or bands."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    groups = list(result.group_columns)
    given = (("usage_band", result.usage_bands), ("change_band", result.change_bands))
    bands = [name for name, band in given if band is not None]
    writer.writerow(
        [
            CSV_COLUMNS[0], *groups, *CSV_COLUMNS[1:-1], *bands, "lines_moved", "error",
            *_response_header(result),
        ]
    )  # fmt: skip
    for outcome in outcomes:
        writer.writerow(
            [
                outcome.account_id,
                *(outcome.groups.get(column, "") for column in groups),
                _status(outcome),
                outcome.current_tariff or "",
                outcome.proposed_tariff or "",
                decimal_text(outcome.energy_kwh),
                decimal_text(outcome.current_total),
                decimal_text(outcome.proposed_total),
                decimal_text(outcome.change) if outcome.ok else "",
                decimal_text(outcome.change_percent) if outcome.ok else "",
                str(outcome.bills) if outcome.ok else "",
                *_bands(result, outcome),
                _moved_text(outcome) if outcome.ok else "",
                outcome.error or outcome.not_migrated or "",
                *_response_cells(result, outcome),
            ]
        )
    return out.getvalue()


def _outcome_dict(outcome: AccountOutcome, result: PortfolioResult | None = None) -> dict[str, Any]:
    if result is not None and result.detailed:
        return _detailed_outcome_dict(outcome, result)
    if not outcome.ok:
        return {"account_id": outcome.account_id, "groups": outcome.groups, "error": outcome.error}
    document = {
        "account_id": outcome.account_id,
        "groups": outcome.groups,
        "energy_kwh": number(outcome.energy_kwh),
        "current_total": number(outcome.current_total),
        "proposed_total": number(outcome.proposed_total),
        "change": number(outcome.change),
        "change_percent": number(outcome.change_percent),
        "bills": str(outcome.bills),
    }
    if result is not None and result.response is not None:
        document["response"] = _account_response(outcome)
    return document


def _account_response(outcome: AccountOutcome) -> dict[str, Any]:
    """An account's price response, beside its static figures."""
    if outcome.response_error is not None:
        return {"error": outcome.response_error}
    return {
        "energy_kwh": number(outcome.responded_kwh),
        "proposed_total": number(outcome.responded_total),
        "change": number(outcome.responded_change),
        "periods": [
            {
                "period": period.period,
                "energy_kwh": number(period.energy_kwh),
                "responded_kwh": number(period.responded_kwh),
                "current_price_per_kwh": number(period.current_price_per_kwh),
                "proposed_price_per_kwh": number(period.proposed_price_per_kwh),
            }
            for period in outcome.response_periods
        ],
    }


def _detailed_outcome_dict(outcome: AccountOutcome, result: PortfolioResult) -> dict[str, Any]:
    document = _outcome_dict(outcome)
    if result.response is not None and outcome.ok:
        document["response"] = _account_response(outcome)
    document["current_tariff"] = outcome.current_tariff
    document["proposed_tariff"] = outcome.proposed_tariff
    if outcome.not_migrated is not None:
        document["not_migrated"] = outcome.not_migrated
    if not outcome.ok:
        return document
    for name, bands in (("usage_band", result.usage_bands), ("change_band", result.change_bands)):
        if bands is not None:
            document[name] = _bands(result, outcome)[0 if name == "usage_band" else -1]
    document["lines_moved"] = [
        {
            "code": code,
            "current": number(current),
            "proposed": number(proposed),
            "change": number(proposed - current),
        }
        for code, current, proposed in outcome.moved_lines()
    ]
    return document


def _impact_dict(impact: Impact) -> dict[str, Any]:
    return {
        "change": {name: number(value) for name, value in impact.change.items()},
        "change_percent": {name: number(value) for name, value in impact.change_percent.items()},
        "change_bands": {name: str(count) for name, count in impact.change_bands.items()},
    }


def portfolio_to_json(result: PortfolioResult) -> str:
    """The portfolio as a JSON document (money, quantities and counts as strings).

    Returns:
        The tariffs, currency, counts and revenue totals; ``groups`` (per grouping
        column, one summary per value); ``distribution`` of the bill changes with their
        percentiles; ``most_affected``; ``accounts`` priced and ``failed`` with errors.
    """
    distribution = result.distribution
    groups: dict[str, list[dict[str, Any]]] = {column: [] for column in result.summary_columns}
    for group in result.groups:
        impact = {"impact": _impact_dict(group.impact)} if group.impact is not None else {}
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
                **impact,
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
        "most_affected": [_outcome_dict(outcome, result) for outcome in result.most_affected],
        "accounts": [_outcome_dict(outcome, result) for outcome in result.accounts],
        "failed": [
            {"account_id": outcome.account_id, "error": outcome.error} for outcome in result.failed
        ],
    }
    if result.detailed:
        document["accounts_not_migrated"] = str(len(result.not_migrated))
        document["most_affected_percent"] = [
            _outcome_dict(outcome, result) for outcome in result.most_affected_percent
        ]
        document["not_migrated"] = [
            _outcome_dict(outcome, result) for outcome in result.not_migrated
        ]
    if result.response is not None:
        document["response"] = _response_dict(result.response)
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


def _response_group_dict(group: ResponseGroup) -> dict[str, Any]:
    return {
        "energy_kwh": number(group.energy_kwh),
        "responded_kwh": number(group.responded_kwh),
        "current_total": number(group.current_total),
        "proposed_total": number(group.proposed_total),
        "responded_total": number(group.responded_total),
        "change": number(group.change),
        "change_percent": number(group.change_percent),
    }


def _response_dict(response: ResponseSummary) -> dict[str, Any]:
    """The revenue with a price response: totals, groups, failures and the rule."""
    groups: dict[str, list[dict[str, Any]]] = {}
    for group in response.groups:
        groups.setdefault(group.column, []).append(
            {"value": group.value, **_response_group_dict(group)}
        )
    elasticity = response.elasticity
    return {
        "elasticity": elasticity.source,
        "form": elasticity.form,
        "conserve": elasticity.conserve,
        "reference": elasticity.reference,
        "rule": response.rule,
        **_response_group_dict(response.total),
        "groups": groups,
        "failed": [{"account_id": a, "error": e} for a, e in response.failed],
    }


def _response_lines(
    result: PortfolioResult, response: ResponseSummary, lang: str = "en"
) -> list[str]:
    """The static and the responded revenue side by side, in total and per group."""
    currency = unit_label(result.currency, lang) or result.currency
    total = response.total
    names = [
        "", header("pf.kwh", lang), header("pf.current_money", lang, currency=currency),
        header("pf.proposed_money", lang, currency=currency),
        header("pf.change_money", lang, currency=currency), header("pf.change_percent", lang),
    ]  # fmt: skip
    rows = [
        names,
        [
            header("pf.static", lang),
            decimal_text(total.energy_kwh),
            decimal_text(total.current_total),
            decimal_text(total.proposed_total),
            signed_text(total.proposed_total - total.current_total),
            signed_text(result.change_percent),
        ],
        [
            header("pf.with_response", lang),
            decimal_text(total.responded_kwh),
            decimal_text(total.current_total),
            decimal_text(total.responded_total),
            signed_text(total.change),
            signed_text(total.change_percent),
        ],
    ]
    elasticity = response.elasticity
    conserved = "pf.conserved" if elasticity.conserve else "pf.not_conserved"
    lines = [
        header(
            "pf.response", lang, source=elasticity.source,
            form=header(f"pf.form_{elasticity.form}", lang), conserved=header(conserved, lang),
        ),
        *align_table(rows, right=range(1, 6)),
    ]  # fmt: skip
    if lang == "en":
        lines += textwrap.wrap(response.rule, 90)
    else:
        lines.append(header("pf.response_rule", lang))
        if elasticity.conserve:
            lines.append(header("pf.response_rule_conserve", lang))
    if response.failed:
        lines.append(header("pf.response_failed", lang, count=len(response.failed)))
        lines += [f"  {account}: {error}" for account, error in response.failed]
    for column in result.summary_columns:
        rows = [
            [
                column, header("pf.kwh", lang), header("pf.kwh_with_response", lang),
                header("pf.proposed_money", lang, currency=currency),
                header("pf.with_response_money", lang, currency=currency),
                header("pf.change_money", lang, currency=currency),
                header("pf.change_percent", lang),
            ]
        ]  # fmt: skip
        for group in response.groups:
            if group.column != column:
                continue
            rows.append(
                [
                    group.value or header("pf.blank", lang),
                    decimal_text(group.energy_kwh),
                    decimal_text(group.responded_kwh),
                    decimal_text(group.proposed_total),
                    decimal_text(group.responded_total),
                    signed_text(group.change),
                    signed_text(group.change_percent),
                ]
            )
        lines += [
            "",
            header("pf.response_by", lang, column=column),
            *align_table(rows, right=range(1, 7)),
        ]
    return lines


def _group_lines(result: PortfolioResult, column: str, lang: str = "en") -> list[str]:
    currency = unit_label(result.currency, lang) or result.currency
    rows = [
        [
            column, header("pf.accounts", lang), header("pf.kwh", lang),
            header("pf.current_money", lang, currency=currency),
            header("pf.proposed_money", lang, currency=currency),
            header("pf.change_money", lang, currency=currency), header("pf.change_percent", lang),
            header("pf.price_now", lang, currency=currency),
            header("pf.price_new", lang, currency=currency),
        ]
    ]  # fmt: skip
    for group in result.groups:
        if group.column != column:
            continue
        rows.append(
            [
                group.value or header("pf.blank", lang),
                str(group.accounts),
                decimal_text(group.energy_kwh),
                decimal_text(group.current_total),
                decimal_text(group.proposed_total),
                signed_text(group.change),
                signed_text(group.change_percent),
                decimal_text(group.current_price_per_kwh),
                decimal_text(group.proposed_price_per_kwh),
            ]
        )
    return [header("pf.by", lang, column=column), *align_table(rows, right=range(1, 9))]


def _tariff_label(label: str, lang: str) -> str:
    """A tariff of the title: its id, or the words of a tariff per account or a migration."""
    from tariffs.whatif.portfolio import MIGRATION, PER_ACCOUNT

    if label == PER_ACCOUNT:
        return header("pf.per_account", lang)
    if label.startswith(MIGRATION):
        return header("pf.migration", lang, source=label[len(MIGRATION) :])
    return label


def portfolio_to_table(result: PortfolioResult, lang: str = "en") -> str:
    """The portfolio as human-readable text.

    Args:
        result: The portfolio priced.
        lang: ``en``, or ``zh``: Chinese titles, headers and units
            (`tariffs.io.render.labels`); ids, grouping columns and their values, the
            lines moved and the errors stay as written.

    Returns:
        The revenue change in total, a table per grouping column, the distribution of
        bill changes (percentiles), the most affected accounts and the failed ones.
    """
    currency = unit_label(result.currency, lang) or result.currency
    distribution = result.distribution
    lines = [
        header("pf.title", lang, priced=len(result.accounts), failed=len(result.failed),
               current=_tariff_label(result.current, lang),
               proposed=_tariff_label(result.proposed, lang), currency=currency),
        header("pf.revenue", lang, current=decimal_text(result.current_total),
               proposed=decimal_text(result.proposed_total), change=signed_text(result.change),
               percent=signed_text(result.change_percent)),
        header("pf.energy", lang, kwh=decimal_text(result.energy_kwh),
               now=decimal_text(result.current_price_per_kwh),
               new=decimal_text(result.proposed_price_per_kwh), currency=currency),
    ]  # fmt: skip
    if result.detailed:
        lines.append(header("pf.not_migrated_count", lang, count=len(result.not_migrated)))
    parts = ["\n".join(lines)]
    if result.response is not None:
        parts.append("\n".join(_response_lines(result, result.response, lang)))
    parts.extend("\n".join(_group_lines(result, column, lang)) for column in result.summary_columns)
    if result.detailed:
        parts.extend(
            "\n".join(_impact_lines(result, column, lang)) for column in result.summary_columns
        )
    lines = [
        header("pf.changes", lang, more=distribution.pay_more, less=distribution.pay_less,
               same=distribution.unchanged)
    ]  # fmt: skip
    if distribution.change_percentiles:
        rows = [
            [
                header("pf.percentile", lang),
                header("pf.change_money", lang, currency=currency),
                header("pf.change_percent", lang),
            ]
        ]
        for p, value in distribution.change_percentiles.items():
            share = distribution.change_percent_percentiles.get(p)
            rows.append([point_label(f"p{p}", lang), signed_text(value), signed_text(share)])
        lines += align_table(rows, right=(1, 2))
    parts.append("\n".join(lines))
    if result.most_affected:
        rows = [
            [
                header("pf.account", lang),
                header("pf.current_money", lang, currency=currency),
                header("pf.proposed_money", lang, currency=currency),
                header("pf.change", lang),
                header("pf.change_percent", lang),
            ]
        ]
        for outcome in result.most_affected:
            rows.append(
                [
                    outcome.account_id,
                    decimal_text(outcome.current_total),
                    decimal_text(outcome.proposed_total),
                    signed_text(outcome.change),
                    signed_text(outcome.change_percent),
                ]
            )
        if result.detailed:
            title = header("pf.most_affected", lang)
            parts.append(_detailed_affected(result, result.most_affected, title, lang))
            title = header("pf.most_affected_percent", lang)
            parts.append(_detailed_affected(result, result.most_affected_percent, title, lang))
        else:
            title = header("pf.most_affected", lang)
            parts.append("\n".join([title, *align_table(rows, right=range(1, 5))]))
    if result.not_migrated:
        parts.append(
            "\n".join(
                [header("pf.not_migrated", lang)]
                + [f"  {o.account_id}: {o.not_migrated}" for o in result.not_migrated]
            )
        )
    if result.failed:
        parts.append(
            "\n".join(
                [header("pf.failed", lang)]
                + [f"  {o.account_id}: {o.error}" for o in result.failed]
            )
        )
    return "\n\n".join(parts) + "\n"


def _impact_lines(result: PortfolioResult, column: str, lang: str = "en") -> list[str]:
    """The bill-impact distribution of each group of a column (and its change bands)."""
    from tariffs.whatif.portfolio import IMPACT_POINTS

    currency = unit_label(result.currency, lang) or result.currency
    names = [name for _, name in IMPACT_POINTS]
    bands = result.change_bands.labels if result.change_bands is not None else []
    head = [
        column,
        *(
            header("pf.point_money", lang, point=point_label(n, lang), currency=currency)
            for n in names
        ),
        *(header("pf.point_percent", lang, point=point_label(n, lang)) for n in names),
        *bands,
    ]
    rows = [head]
    for group in result.groups:
        if group.column != column or group.impact is None:
            continue
        impact = group.impact
        rows.append(
            [
                group.value or header("pf.blank", lang),
                *(signed_text(impact.change.get(n)) for n in names),
                *(signed_text(impact.change_percent.get(n)) for n in names),
                *(str(impact.change_bands.get(b, 0)) for b in bands),
            ]
        )
    title = header("pf.impact", lang, column=column)
    return [title, *align_table(rows, right=range(1, len(head)))]


def _detailed_affected(
    result: PortfolioResult, outcomes: Sequence[AccountOutcome], title: str, lang: str = "en"
) -> str:
    currency = unit_label(result.currency, lang) or result.currency
    rows = [
        [
            header("pf.account", lang), header("pf.current_tariff", lang),
            header("pf.proposed_tariff", lang), header("pf.current_money", lang, currency=currency),
            header("pf.proposed_money", lang, currency=currency), header("pf.change", lang),
            header("pf.change_percent", lang), header("pf.moved", lang),
        ]
    ]  # fmt: skip
    for outcome in outcomes:
        rows.append(
            [
                outcome.account_id,
                outcome.current_tariff or "",
                outcome.proposed_tariff or "",
                decimal_text(outcome.current_total),
                decimal_text(outcome.proposed_total),
                signed_text(outcome.change),
                signed_text(outcome.change_percent),
                _moved_text(outcome),
            ]
        )
    return "\n".join([title, *align_table(rows, right=range(3, 7))])
