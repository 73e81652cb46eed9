"""Tests of rendering portfolios (`tariffs.io.render.portfolio`).

The summary by hand: four accounts in input order, 1 and 2 in group x, 3 (failed) and 4
in group y, 20 kWh each:

- 1: 10.00 → 12.00 (+2.00, +20.0 %); 2: 20.00 → 15.00 (−5.00, −25.0 %); 4: 5.00 → 5.00;
- revenue 35.00 → 32.00, −3.00, −3 / 35 = −8.57 → −8.6 %; 60 kWh, 35 / 60 = 0.5833 →
  32 / 60 = 0.5333 CNY/kWh;
- x: 40 kWh, 30.00 → 27.00, −10.0 %, 0.7500 → 0.6750; y: 20 kWh, 5.00 → 5.00, 0.2500;
- changes sorted −5.00, 0.00, 2.00; nearest rank ⌈3 p / 100⌉: p5, p10, p25 → the 1st,
  p50 → the 2nd, p75, p90, p95 → the 3rd;
- the two most affected: 2 (5.00 either way), then 1 (2.00).
"""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest

import tariffs
from tables import flat_yaml
from tariffs.cli import main
from tariffs.io.render.portfolio import portfolio_to_csv, portfolio_to_json, portfolio_to_table
from tariffs.whatif.portfolio import (
    AccountOutcome,
    PortfolioAccount,
    PortfolioResult,
    price_accounts,
    summarize,
)

OUTCOMES = [
    AccountOutcome("1", {"g": "x"}, Decimal(20), Decimal("10.00"), Decimal("12.00"), 1),
    AccountOutcome("2", {"g": "x"}, Decimal(20), Decimal("20.00"), Decimal("15.00"), 1),
    AccountOutcome("3", {"g": "y"}, error="broken"),
    AccountOutcome("4", {"g": "y"}, Decimal(20), Decimal("5.00"), Decimal("5.00"), 1),
]


def result() -> PortfolioResult:
    return summarize(OUTCOMES, "a", "b", "CNY", ["g"], top=2)


def test_table() -> None:
    assert portfolio_to_table(result()) == (
        "Portfolio: 3 account(s) priced, 1 failed; a -> b (CNY)\n"
        "Revenue: current 35.00, proposed 32.00, change -3.00 (-8.6 %)\n"
        "Energy: 60 kWh; average price 0.5833 -> 0.5333 CNY/kWh\n"
        "\n"
        "By g\n"
        "g  accounts  kWh  current CNY  proposed CNY  change CNY  change %  CNY/kWh now"
        "  CNY/kWh new\n"
        "-  --------  ---  -----------  ------------  ----------  --------  -----------"
        "  -----------\n"
        "x         2   40        30.00         27.00       -3.00     -10.0       0.7500"
        "       0.6750\n"
        "y         1   20         5.00          5.00        0.00       0.0       0.2500"
        "       0.2500\n"
        "\n"
        "Bill changes: 1 pay more, 1 pay less, 1 unchanged\n"
        "percentile  change CNY  change %\n"
        "----------  ----------  --------\n"
        "p5               -5.00     -25.0\n"
        "p10              -5.00     -25.0\n"
        "p25              -5.00     -25.0\n"
        "p50               0.00       0.0\n"
        "p75              +2.00     +20.0\n"
        "p90              +2.00     +20.0\n"
        "p95              +2.00     +20.0\n"
        "\n"
        "Most affected accounts\n"
        "account  current CNY  proposed CNY  change  change %\n"
        "-------  -----------  ------------  ------  --------\n"
        "2              20.00         15.00   -5.00     -25.0\n"
        "1              10.00         12.00   +2.00     +20.0\n"
        "\n"
        "Failed accounts\n"
        "  3: broken\n"
    )


HEADER = (
    "account_id,g,status,current_tariff,proposed_tariff,energy_kwh,current_total,"
    "proposed_total,change,change_percent,bills,error\n"
)
ROWS = {
    "1": "1,x,ok,a,b,20,10.00,12.00,2.00,20.0,1,\n",
    "2": "2,x,ok,a,b,20,20.00,15.00,-5.00,-25.0,1,\n",
    "3": "3,y,failed,a,b,,,,,,,broken\n",
    "4": "4,y,ok,a,b,20,5.00,5.00,0.00,0.0,1,\n",
}


def test_csv_in_the_order_of_the_outcomes_given() -> None:
    text = portfolio_to_csv(result(), OUTCOMES)
    assert text == HEADER + ROWS["1"] + ROWS["2"] + ROWS["3"] + ROWS["4"]


def test_csv_of_the_result_alone_lists_the_priced_then_the_failed() -> None:
    text = portfolio_to_csv(result())
    assert text == HEADER + ROWS["1"] + ROWS["2"] + ROWS["4"] + ROWS["3"]


def _priced(
    account_id: str, current: str, proposed: str, change: str, percent: str
) -> dict[str, object]:
    return {
        "account_id": account_id, "groups": {"g": "x"}, "energy_kwh": "20",
        "current_total": current, "proposed_total": proposed, "change": change,
        "change_percent": percent, "bills": "1",
    }  # fmt: skip


def test_json() -> None:
    text = portfolio_to_json(result())
    assert text.startswith('{\n  "current": "a",\n  "proposed": "b",\n')
    assert text.endswith("\n}\n")
    percentiles = {"p5": "-5.00", "p10": "-5.00", "p25": "-5.00", "p50": "0.00"}
    percentiles |= {"p75": "2.00", "p90": "2.00", "p95": "2.00"}
    shares = {"p5": "-25.0", "p10": "-25.0", "p25": "-25.0", "p50": "0.0"}
    shares |= {"p75": "20.0", "p90": "20.0", "p95": "20.0"}
    one = _priced("1", "10.00", "12.00", "2.00", "20.0")
    two = _priced("2", "20.00", "15.00", "-5.00", "-25.0")
    four = _priced("4", "5.00", "5.00", "0.00", "0.0")
    four["groups"] = {"g": "y"}
    assert json.loads(text) == {
        "current": "a", "proposed": "b", "currency": "CNY",
        "accounts_priced": "3", "accounts_failed": "1", "energy_kwh": "60",
        "current_total": "35.00", "proposed_total": "32.00",
        "change": "-3.00", "change_percent": "-8.6",
        "current_price_per_kwh": "0.5833", "proposed_price_per_kwh": "0.5333",
        "groups": {
            "g": [
                {
                    "value": "x", "accounts": "2", "energy_kwh": "40",
                    "current_total": "30.00", "proposed_total": "27.00",
                    "change": "-3.00", "change_percent": "-10.0",
                    "current_price_per_kwh": "0.7500", "proposed_price_per_kwh": "0.6750",
                },
                {
                    "value": "y", "accounts": "1", "energy_kwh": "20",
                    "current_total": "5.00", "proposed_total": "5.00",
                    "change": "0.00", "change_percent": "0.0",
                    "current_price_per_kwh": "0.2500", "proposed_price_per_kwh": "0.2500",
                },
            ]
        },
        "distribution": {
            "accounts": "3", "pay_more": "1", "pay_less": "1", "unchanged": "1",
            "largest_increase": "2.00", "largest_decrease": "-5.00",
            "change_percentiles": percentiles, "change_percent_percentiles": shares,
        },
        "most_affected": [two, one],
        "accounts": [one, two, four],
        "failed": [{"account_id": "3", "error": "broken"}],
    }  # fmt: skip


def test_exported_from_the_package() -> None:
    assert tariffs.portfolio_to_table is portfolio_to_table
    assert tariffs.portfolio_to_json is portfolio_to_json
    assert tariffs.portfolio_to_csv is portfolio_to_csv


@pytest.mark.parametrize("fmt", ["table", "json", "csv"])
def test_the_cli_prints_what_the_library_renders(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], fmt: str
) -> None:
    """A-1 uses 24 kWh (12.00 → 14.40), A-3 48 kWh (24.00 → 28.80); A-2 has no readings."""
    for tariff_id, unit_price in (("flat-a", "0.5"), ("flat-b", "0.6")):
        text = flat_yaml(tariff_id, unit_price, name=f"Flat {unit_price}")
        (tmp_path / f"{tariff_id}.yaml").write_text(text, encoding="utf-8")
    readings = tmp_path / "readings"
    readings.mkdir()
    for account_id, kwh in (("A-1", 1), ("A-3", 2)):
        rows = ["start,kwh"] + [f"2025-07-01T{h:02d}:00,{kwh}" for h in range(24)]
        (readings / f"{account_id}.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    accounts = tmp_path / "accounts.csv"
    accounts.write_text("account_id,class\nA-1,home\nA-2,shop\nA-3,shop\n", encoding="utf-8")
    code = main(
        [
            "portfolio", "--accounts", str(accounts), "--readings-dir", str(readings),
            "--tables", str(tmp_path), "--current", "flat-a", "--proposed", "flat-b",
            "--workers", "1", "--format", fmt,
        ]
    )  # fmt: skip
    assert code == 1  # A-2 failed
    printed = capsys.readouterr().out

    current = tariffs.load_tariff(tmp_path / "flat-a.yaml")
    proposed = tariffs.load_tariff(tmp_path / "flat-b.yaml")
    entries = [
        PortfolioAccount(
            account_id,
            tariffs.Account(account_id=account_id),
            {"class": group},
            str(readings / f"{account_id}.csv"),
        )
        for account_id, group in (("A-1", "home"), ("A-2", "shop"), ("A-3", "shop"))
    ]
    outcomes = price_accounts(entries, current, proposed, workers=1)
    summary = summarize(outcomes, "flat-a", "flat-b", "CNY", ["class"])
    assert (summary.current_total, summary.proposed_total) == (Decimal("36.00"), Decimal("43.20"))
    assert [o.account_id for o in summary.failed] == ["A-2"]
    if fmt == "csv":
        assert printed == portfolio_to_csv(summary, outcomes)
        assert [line.split(",")[0] for line in printed.splitlines()[1:]] == ["A-1", "A-2", "A-3"]
    elif fmt == "json":
        assert printed == portfolio_to_json(summary)
    else:
        assert printed == portfolio_to_table(summary)
