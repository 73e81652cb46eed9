"""Render the revenue impact of a proposed tariff on a portfolio: text table, JSON or CSV.

Pure: each function takes a `PortfolioResult` of `tariffs.whatif.portfolio` (from
`price_portfolio` or `summarize`) and returns text ending in a newline. This is what
``tariffs portfolio`` prints.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from tariffs.io.render.text import align_table, decimal_text, number, signed_text

if TYPE_CHECKING:
    from tariffs.whatif.portfolio import AccountOutcome, PortfolioResult

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
        outcomes = result.accounts + result.failed
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    groups = list(result.group_columns)
    writer.writerow([CSV_COLUMNS[0], *groups, *CSV_COLUMNS[1:]])
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
            ]
        )
    return out.getvalue()


def _outcome_dict(outcome: AccountOutcome) -> dict[str, Any]:
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


def portfolio_to_json(result: PortfolioResult) -> str:
    """The portfolio as a JSON document (money, quantities and counts as strings).

    Returns:
        The tariffs, currency, counts and revenue totals; ``groups`` (per grouping
        column, one summary per value); ``distribution`` of the bill changes with their
        percentiles; ``most_affected``; ``accounts`` priced and ``failed`` with errors.
    """
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
        "accounts": [_outcome_dict(outcome) for outcome in result.accounts],
        "failed": [
            {"account_id": outcome.account_id, "error": outcome.error} for outcome in result.failed
        ],
    }
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


def _group_lines(result: PortfolioResult, column: str) -> list[str]:
    currency = result.currency
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
                decimal_text(group.energy_kwh),
                decimal_text(group.current_total),
                decimal_text(group.proposed_total),
                signed_text(group.change),
                signed_text(group.change_percent),
                decimal_text(group.current_price_per_kwh),
                decimal_text(group.proposed_price_per_kwh),
            ]
        )
    return [f"By {column}", *align_table(rows, right=range(1, 9))]


def portfolio_to_table(result: PortfolioResult) -> str:
    """The portfolio as human-readable text.

    Returns:
        The revenue change in total, a table per grouping column, the distribution of
        bill changes (percentiles), the most affected accounts and the failed ones.
    """
    currency = result.currency
    distribution = result.distribution
    lines = [
        f"Portfolio: {len(result.accounts)} account(s) priced, {len(result.failed)} failed; "
        f"{result.current} -> {result.proposed} ({currency})",
        f"Revenue: current {decimal_text(result.current_total)}, proposed "
        f"{decimal_text(result.proposed_total)}, change {signed_text(result.change)} "
        f"({signed_text(result.change_percent)} %)",
        f"Energy: {decimal_text(result.energy_kwh)} kWh; average price "
        f"{decimal_text(result.current_price_per_kwh)} -> "
        f"{decimal_text(result.proposed_price_per_kwh)} {currency}/kWh",
    ]
    parts = ["\n".join(lines)]
    parts.extend("\n".join(_group_lines(result, column)) for column in result.group_columns)
    lines = [
        f"Bill changes: {distribution.pay_more} pay more, {distribution.pay_less} pay less, "
        f"{distribution.unchanged} unchanged"
    ]
    if distribution.change_percentiles:
        rows = [["percentile", f"change {currency}", "change %"]]
        for p, value in distribution.change_percentiles.items():
            share = distribution.change_percent_percentiles.get(p)
            rows.append([f"p{p}", signed_text(value), signed_text(share)])
        lines += align_table(rows, right=(1, 2))
    parts.append("\n".join(lines))
    if result.most_affected:
        rows = [["account", f"current {currency}", f"proposed {currency}", "change", "change %"]]
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
        parts.append("\n".join(["Most affected accounts", *align_table(rows, right=range(1, 5))]))
    if result.failed:
        parts.append(
            "\n".join(["Failed accounts"] + [f"  {o.account_id}: {o.error}" for o in result.failed])
        )
    return "\n\n".join(parts) + "\n"
