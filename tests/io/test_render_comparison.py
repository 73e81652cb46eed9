"""Tests of rendering comparisons (`tariffs.io.render.comparison`).

Two tariffs written for the tests (Asia/Shanghai, CNY, lines rounded half-up to 0.01),
and 1 kWh in every hour of 2025-07-01 (24 kWh: 12 in the peak hours 08-20, 12 in the
valley hours 20-08). By hand:

- ``flat-a`` at 0.5 CNY/kWh: 24 × 0.5 = 12.00 (0.5000 CNY/kWh);
- ``tou`` at peak 1.0, valley 0.2: 12.00 + 2.40 = 14.40 (0.6000 CNY/kWh), 2.40 more
  than flat-a: savings −2.40, −2.40 / 12.00 = −20.0 %;
- scenario: half the 08:00-20:00 energy moved to 20:00-08:00 (6 kWh): tou 6 × 1.0 +
  18 × 0.2 = 9.60 (−4.80 from base), flat-a unchanged at 12.00; tou saves 2.40 =
  20.0 % of 12.00 (one day is not a year of bills: no annual figure);
- shift break-even: moving s % of the 12 peak kWh saves 0.8 × 0.12 s CNY under tou, so
  tou costs less than 12.00 above s = 25; at 25.1 % (3.012 kWh) it costs
  8.988 → 8.99 + 15.012 × 0.2 = 3.0024 → 3.00, 11.99 in all;
- consumption break-even: two energy prices proportional to kWh never cross, searched
  up to 3 × 24 = 72 kWh.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import replace
from decimal import Decimal
from pathlib import Path

import pytest

import tariffs
from tables import flat_yaml, peak_valley_yaml
from tariffs import Readings, Tariff, parse_tariff
from tariffs.cli import main
from tariffs.io.render.comparison import (
    comparison_to_csv,
    comparison_to_json,
    comparison_to_table,
)
from tariffs.whatif.compare import (
    ConsumptionBreakEven,
    Crossing,
    NotApplicable,
    ShiftBreakEven,
    WhatIf,
    break_even_consumption,
    break_even_shift,
    compare_scenarios,
    compare_tariffs,
)
from tariffs.whatif.scenarios import parse_scenario

FLAT = flat_yaml("flat-a", "0.5", name="Flat 0.5")
TOU = peak_valley_yaml("tou", "1.0", "0.2", name="Peak and valley")

JULY_FIRST = 1751299200  # 2025-07-01T00:00 Asia/Shanghai (UTC+8)
SHIFT = "shift:50%:08:00-20:00->20:00-08:00"

BreakEven = ShiftBreakEven | ConsumptionBreakEven
Render = Callable[[WhatIf, Sequence[BreakEven]], str]


def flat() -> Tariff:
    return parse_tariff(FLAT, "flat-a.yaml")


def tou() -> Tariff:
    return parse_tariff(TOU, "tou.yaml")


def day() -> Readings:
    return Readings("day.csv", 3600, [JULY_FIRST + 3600 * h for h in range(24)], 3, [1000] * 24)


def whatif() -> tuple[WhatIf, list[BreakEven]]:
    readings = day()
    result = compare_scenarios([flat(), tou()], readings, [parse_scenario(SHIFT)], current="flat-a")
    found = [
        break_even_shift(tou(), flat(), readings, from_periods=["peak"], to=["valley"]),
        break_even_consumption(tou(), flat(), readings),
    ]
    return result, found


RANKING = """\
rank  tariff  total CNY     kWh  CNY/kWh  savings CNY  savings %
----  ------  ---------  ------  -------  -----------  ---------
1     flat-a      12.00  24.000   0.5000         0.00        0.0
2     tou         14.40  24.000   0.6000        -2.40      -20.0

Cost by line kind (CNY)
tariff  energy
------  ------
flat-a   12.00
tou      14.40

Recommendation: stay on flat-a: no tariff priced costs less
"""


def test_table_of_two_tariffs() -> None:
    comparison = compare_tariffs([tou(), flat()], day(), current="flat-a")
    assert comparison_to_table(comparison) == RANKING


def test_table_without_a_current_tariff_and_with_one_not_applicable() -> None:
    comparison = compare_tariffs([tou(), flat()], day())
    comparison = replace(comparison, not_applicable=(NotApplicable("usd", "bills in USD"),))
    assert comparison_to_table(comparison) == (
        "rank  tariff  total CNY     kWh  CNY/kWh\n"
        "----  ------  ---------  ------  -------\n"
        "1     flat-a      12.00  24.000   0.5000\n"
        "2     tou         14.40  24.000   0.6000\n"
        "not applicable: usd: bills in USD\n"
        "\n"
        "Cost by line kind (CNY)\n"
        "tariff  energy\n"
        "------  ------\n"
        "flat-a   12.00\n"
        "tou      14.40\n"
        "\n"
        "Recommendation: flat-a is the cheapest of 2 tariff(s) priced: 12.00 CNY, "
        "2.40 CNY less than tou\n"
    )


def test_table_with_a_scenario_and_break_evens() -> None:
    result, found = whatif()
    assert comparison_to_table(result, found) == RANKING + (
        "\n"
        f"Scenario {SHIFT!r} ({SHIFT})\n"
        f"  {SHIFT}: moved_kwh 6.000\n"
        "rank  tariff  total CNY     kWh  CNY/kWh  savings CNY  savings %  vs base CNY\n"
        "----  ------  ---------  ------  -------  -----------  ---------  -----------\n"
        "1     tou          9.60  24.000   0.4000         2.40       20.0        -4.80\n"
        "2     flat-a      12.00  24.000   0.5000         0.00        0.0         0.00\n"
        "Recommendation: tou saves 2.40 CNY over 1 day (20.0 %; not a year of bills, so no "
        "annual figure), mostly from energy charges\n"
        "\n"
        "Break-even\n"
        "  tou costs less than flat-a from 25.1 % shifted peak->valley (11.99 vs 12.00 CNY)\n"
        "  tou vs flat-a: the cheaper does not change from 1 to 72.000 kWh over 1 days\n"
    )


def test_break_even_wordings() -> None:
    """Every case of a break-even, built by hand: never, already, and a crossing."""
    comparison = compare_tariffs([tou(), flat()], day(), current="flat-a")
    never = ShiftBreakEven("tou", "flat-a", "valley->peak", None, Decimal("14.40"), Decimal(12))
    already = ShiftBreakEven("flat-a", "tou", "peak->valley", Decimal(0), Decimal(12), Decimal(14))
    crossing = Crossing(Decimal("36.000"), Decimal("13140.000"), "tou", "flat-a")
    crossed = ConsumptionBreakEven("tou", "flat-a", Decimal(24), 1, Decimal(72), (crossing,))
    text = comparison_to_table(comparison, [never, already, crossed])
    assert text.endswith(
        "\n\nBreak-even\n"
        "  tou does not cost less than flat-a even when all valley energy is shifted "
        "(valley->peak)\n"
        "  flat-a already costs less than tou (12 vs 14 CNY)\n"
        "  tou vs flat-a: from 36.000 kWh over 1 days (about 13140.000 kWh/yr), flat-a "
        "costs less (tou below)\n"
    )
    rows = comparison_to_csv(comparison, [never, crossed]).splitlines()
    assert rows[0].endswith(",break_even consumption,break_even valley->peak,not_applicable")
    assert rows[2] == (
        "base,2,tou,CNY,14.40,24.000,0.6000,-2.40,-20.0,,14.40,14.40,36.000:tou->flat-a,never,"
    )


def test_csv_with_a_scenario_and_break_evens() -> None:
    result, found = whatif()
    assert comparison_to_csv(result, found) == (
        "scenario,rank,tariff,currency,total,energy_kwh,average_price_per_kwh,savings,"
        "savings_percent,change_from_base,kind:energy,period:2025-07-01,"
        "break_even consumption,break_even peak->valley,not_applicable\n"
        "base,1,flat-a,CNY,12.00,24.000,0.5000,0.00,0.0,,12.00,12.00,,,\n"
        "base,2,tou,CNY,14.40,24.000,0.6000,-2.40,-20.0,,14.40,14.40,,25.1,\n"
        f"{SHIFT},1,tou,CNY,9.60,24.000,0.4000,2.40,20.0,-4.80,9.60,9.60,,,\n"
        f"{SHIFT},2,flat-a,CNY,12.00,24.000,0.5000,0.00,0.0,0.00,12.00,12.00,,,\n"
    )


def test_csv_of_a_comparison_has_a_row_per_tariff_not_applicable() -> None:
    comparison = compare_tariffs([flat()], day())
    comparison = replace(comparison, not_applicable=(NotApplicable("usd", "bills in USD"),))
    assert comparison_to_csv(comparison) == (
        "scenario,rank,tariff,currency,total,energy_kwh,average_price_per_kwh,savings,"
        "savings_percent,change_from_base,kind:energy,period:2025-07-01,not_applicable\n"
        "base,1,flat-a,CNY,12.00,24.000,0.5000,,,,12.00,12.00,\n"
        "base,,usd,,,,,,,,,,bills in USD\n"
    )


def test_json_with_a_scenario_and_break_evens() -> None:
    result, found = whatif()
    text = comparison_to_json(result, found)
    assert text.endswith("}\n")
    document = json.loads(text)
    assert list(document) == ["results", "current", "recommendation", "scenarios", "break_even"]
    first = document["results"][0]
    assert {key: first[key] for key in ("tariff", "total", "energy_kwh", "days")} == {
        "tariff": "flat-a", "total": "12.00", "energy_kwh": "24.000", "days": "1",
    }  # fmt: skip
    assert (first["savings"], first["savings_percent"]) == ("0.00", "0.0")
    assert first["by_kind"] == {"energy": "12.00"}
    assert first["periods"] == [
        {"start": "2025-07-01", "end": "2025-07-02", "energy_kwh": "24.000", "total": "12.00"}
    ]
    assert [bill["total"] for bill in first["bills"]] == ["12.00"]
    assert document["recommendation"]["text"] == "stay on flat-a: no tariff priced costs less"
    (scenario,) = document["scenarios"]
    assert scenario["name"] == SHIFT
    assert scenario["steps"] == [{"step": SHIFT, "moved_kwh": "6.000", "notes": []}]
    assert [(r["tariff"], r["total"], r["change_from_base"]) for r in scenario["results"]] == [
        ("tou", "9.60", "-4.80"),
        ("flat-a", "12.00", "0.00"),
    ]
    assert document["break_even"] == [
        {
            "kind": "shift", "tariff": "tou", "against": "flat-a", "shift": "peak->valley",
            "percent": "25.1", "total": "11.99", "against_total": "12.00",
        },
        {
            "kind": "consumption", "tariff": "tou", "against": "flat-a", "energy_kwh": "24.000",
            "days": "1", "searched_up_to_kwh": "72.000", "crossings": [],
        },
    ]  # fmt: skip


def test_a_comparison_renders_as_a_whatif_without_scenarios() -> None:
    comparison = compare_tariffs([flat(), tou()], day(), current="flat-a")
    whole = WhatIf(comparison)
    for render in (comparison_to_table, comparison_to_json, comparison_to_csv):
        assert render(comparison) == render(whole)


def test_exported_from_the_package() -> None:
    assert tariffs.comparison_to_table is comparison_to_table
    assert tariffs.comparison_to_json is comparison_to_json
    assert tariffs.comparison_to_csv is comparison_to_csv


@pytest.mark.parametrize(
    ("fmt", "render"),
    [("table", comparison_to_table), ("json", comparison_to_json), ("csv", comparison_to_csv)],
)
def test_the_cli_prints_what_the_library_renders(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], fmt: str, render: Render
) -> None:
    (tmp_path / "flat-a.yaml").write_text(FLAT, encoding="utf-8")
    (tmp_path / "tou.yaml").write_text(TOU, encoding="utf-8")
    rows = ["start,kwh"] + [f"2025-07-01T{h:02d}:00,1" for h in range(24)]
    (tmp_path / "day.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    code = main(
        [
            "compare", str(tmp_path / "day.csv"), "--tables", str(tmp_path),
            "--tariff", "flat-a", "--tariff", "tou", "--current", "flat-a",
            "--scenario", SHIFT, "--break-even", "shift:peak->valley",
            "--break-even", "consumption", "--format", fmt,
        ]
    )  # fmt: skip
    assert code == 0
    result, found = whatif()
    assert capsys.readouterr().out == render(result, found)
