"""Tests of comparing tariffs (`tariffs.whatif.compare`) and of ``tariffs compare``.

The tariffs are written for the tests (Asia/Shanghai, CNY, each line rounded half-up to
0.01 CNY), and the readings are 1 kWh in every hour of July 2025 (744 kWh: 372 kWh in
the peak hours 08-20 and 372 kWh in the valley hours 20-08), unless a test says
otherwise. Worked out by hand:

- ``flat``: energy 744 × 0.5 = 372.00, surcharge 744 × 0.01 = 7.44; total 379.44;
  379.44 / 744 = 0.51 CNY/kWh.
- ``tou`` (peak 1.0, valley 0.2): 372.00 + 74.40 = 446.40 (0.6 CNY/kWh).
- ``tou-cheap`` (peak 0.6, valley 0.3): 223.20 + 111.60 = 334.80 (0.45 CNY/kWh).
- ``tou-b`` (peak 1.0, valley 0.1): 372.00 + 37.20 = 409.20.

Against ``flat``: ``tou-cheap`` saves 44.64 CNY, 44.64 / 379.44 = 11.76 % → 11.8 %;
31 days are not a year of bills, so there is no annual figure unless one is asked for:
× 365 / 31 days = 525.60 CNY a year. ``tou`` costs 66.96 more: −17.6 %.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
import shlex
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from strategies import ReadingsCase, readings_cases, tariff_specs
from tables import flat_body, peak_valley_body, table_yaml
from tariffs import AccountError, InputError, Readings, Tariff, load_tariff, parse_tariff
from tariffs.cli import main
from tariffs.model.account import Account
from tariffs.model.eligibility import assess
from tariffs.whatif.compare import (
    Crossing,
    break_even_consumption,
    break_even_shift,
    compare_scenarios,
    compare_tariffs,
    percent_of,
)
from tariffs.whatif.scenarios import parse_scenario

JULY_FIRST = 1751299200  # 2025-07-01T00:00 Asia/Shanghai (UTC+8)
JULY_HOURS = 744

TABLES = {
    "flat": flat_body("0.5")
    + '      - {kind: surcharge, code: fund.test, price_per_kwh: "0.01"}\n',
    "flat-plain": flat_body("0.5"),
    "flat-six": flat_body("0.6"),
    "tou": peak_valley_body("1.0", "0.2"),
    "tou-cheap": peak_valley_body("0.6", "0.3"),
    "tou-b": peak_valley_body("1.0", "0.1"),
    "tiered": """\
    charges:
      - kind: energy
        tiers: {reset: monthly, bounds_kwh: ["100"]}
        price_per_kwh: ["0.4", "1.0"]
""",
}


def table_text(
    tariff_id: str, currency: str = "CNY", timezone: str = "Asia/Shanghai", body: str = ""
) -> str:
    name = f"{tariff_id} for the tests"
    body = body or TABLES[tariff_id]
    return table_yaml(tariff_id, body, name=name, currency=currency, timezone=timezone)


def tariff(tariff_id: str, **options: str) -> Tariff:
    return parse_tariff(table_text(tariff_id, **options), f"{tariff_id}.yaml")


def hourly(hours: int, kwh_units: int = 1000, start: int = JULY_FIRST) -> Readings:
    return Readings(
        "july.csv", 3600, [start + 3600 * i for i in range(hours)], 3, [kwh_units] * hours
    )


def july() -> Readings:
    return hourly(JULY_HOURS)


# -- comparing --------------------------------------------------------------------------


def test_ranking_savings_and_breakdown() -> None:
    comparison = compare_tariffs(
        [tariff("flat"), tariff("tou"), tariff("tou-cheap")], july(), current="flat"
    )
    ranked = [(r.tariff, r.total, r.savings, r.savings_percent) for r in comparison.results]
    assert ranked == [
        ("tou-cheap", Decimal("334.80"), Decimal("44.64"), Decimal("11.8")),
        ("flat", Decimal("379.44"), Decimal("0.00"), Decimal("0.0")),
        ("tou", Decimal("446.40"), Decimal("-66.96"), Decimal("-17.6")),
    ]
    flat = comparison.get("flat")
    assert flat is not None
    assert flat.by_kind == {"energy": Decimal("372.00"), "surcharge": Decimal("7.44")}
    assert flat.average_price_per_kwh == Decimal("0.5100")
    assert flat.energy_kwh == Decimal("744.000")
    assert flat.days == 31
    assert [(p.start, p.end, p.total) for p in flat.periods] == [
        (dt.date(2025, 7, 1), dt.date(2025, 8, 1), Decimal("379.44"))
    ]
    cheap = comparison.get("tou-cheap")
    assert cheap is not None
    assert cheap.by_line == {"energy.peak": Decimal("223.20"), "energy.valley": Decimal("111.60")}
    assert cheap.average_price_per_kwh == Decimal("0.4500")
    recommendation = comparison.recommendation
    assert recommendation is not None
    assert recommendation.annual_savings is None
    # The codes differ (energy vs energy.peak / energy.valley): the reason is the kind.
    assert recommendation.text == (
        "tou-cheap saves 44.64 CNY over 31 days (11.8 %; not a year of bills, so no annual "
        "figure), mostly from energy charges"
    )
    asked = compare_tariffs(
        [tariff("flat"), tariff("tou"), tariff("tou-cheap")],
        july(),
        current="flat",
        annualise=True,
    ).recommendation
    assert asked is not None
    assert asked.annual_savings == Decimal("525.60")
    assert asked.text == (
        "tou-cheap saves 44.64 CNY over 31 days (11.8 %; about 525.60 CNY/yr at this rate), "
        "mostly from energy charges"
    )


def test_the_reason_names_a_line_both_tariffs_bill() -> None:
    """tou-b's valley price is 0.1 lower: 372 × 0.1 = 37.20 CNY, 37.20 / 446.40 = 8.3 %."""
    comparison = compare_tariffs([tariff("tou"), tariff("tou-b")], july(), current="tou")
    assert comparison.recommendation is not None
    assert comparison.recommendation.main_source == "Valley energy"
    assert comparison.recommendation.text == (
        "tou-b saves 37.20 CNY over 31 days (8.3 %; not a year of bills, so no annual "
        "figure), mostly from valley energy"
    )


def test_a_year_of_readings_gives_savings_per_year() -> None:
    """10 kWh every hour of 2025: 87600 kWh, 43800 in the peak and 43800 in the valley.

    tou: 43800 × 1.0 + 43800 × 0.2 = 52560.00; tou-b: 43800 + 4380 = 48180.00; savings
    4380.00 CNY over the 365 days, 4380 / 52560 = 8.33 % → 8.3 %.
    """
    start = JULY_FIRST - 181 * 86400  # 2025-01-01T00:00 Asia/Shanghai
    year = hourly(8760, 10_000, start)
    comparison = compare_tariffs([tariff("tou"), tariff("tou-b")], year, current="tou")
    assert comparison.recommendation is not None
    assert comparison.recommendation.annual_savings == Decimal("4380.00")
    assert comparison.recommendation.text == (
        "tou-b saves 4,380.00 CNY/yr (8.3 %), mostly from valley energy"
    )


def test_annual_savings_come_from_a_year_of_bills_even_in_a_leap_year() -> None:
    """10 kWh every hour of 2028 (366 days): 43920 kWh peak, 43920 valley; tou-b saves
    43920 × 0.1 = 4392.00 a year, not 4392 × 365 / 366 = 4380.00."""
    start = JULY_FIRST + (184 + 365 + 365) * 86400  # 2028-01-01T00:00 Asia/Shanghai
    year = hourly(8784, 10_000, start)
    comparison = compare_tariffs([tariff("tou"), tariff("tou-b")], year, current="tou")
    assert comparison.recommendation is not None
    assert comparison.recommendation.annual_savings == Decimal("4392.00")
    assert comparison.recommendation.text.startswith("tou-b saves 4,392.00 CNY/yr (8.3 %)")


def test_a_year_short_of_a_day_is_not_a_year() -> None:
    """2025-01-01 to 2025-12-31 (364 days): no annual figure."""
    start = JULY_FIRST - 181 * 86400
    short = hourly(8760 - 24, 10_000, start)
    comparison = compare_tariffs([tariff("tou"), tariff("tou-b")], short, current="tou")
    assert comparison.recommendation is not None
    assert comparison.recommendation.annual_savings is None
    assert "over 364 days" in comparison.recommendation.text
    assert "no annual figure" in comparison.recommendation.text


def test_recommendation_to_stay_and_without_a_current_tariff() -> None:
    stay = compare_tariffs([tariff("flat"), tariff("tou-cheap")], july(), current="tou-cheap")
    assert stay.recommendation is not None
    assert stay.recommendation.text == "stay on tou-cheap: no tariff priced costs less"
    plain = compare_tariffs([tariff("tou"), tariff("flat"), tariff("tou-cheap")], july())
    assert plain.results[0].savings is None
    assert plain.recommendation is not None
    assert plain.recommendation.text == (
        "tou-cheap is the cheapest of 3 tariff(s) priced: 334.80 CNY, 44.64 CNY less than flat"
    )


def test_tariffs_that_cannot_be_priced_are_not_applicable() -> None:
    industrial = load_tariff("cn-sh-industrial-two-part")
    comparison = compare_tariffs(
        [
            tariff("flat"),
            tariff("usd", currency="USD", body=TABLES["flat"]),
            tariff("utc", timezone="UTC", body=TABLES["flat"]),
            industrial,
        ],
        july(),
    )
    assert [r.tariff for r in comparison.results] == ["flat"]
    reasons = {item.tariff: item.reason for item in comparison.not_applicable}
    assert list(reasons) == ["cn-sh-industrial-two-part", "usd", "utc"]
    # The reason names the tariff file (no account was given), then what is missing.
    assert reasons["cn-sh-industrial-two-part"].endswith(
        "cn-sh-industrial-two-part.yaml: tariff cn-sh-industrial-two-part needs "
        "'basic_charge_method' (capacity | contract_demand | actual_demand), and no account "
        "was given"
    )
    assert reasons["usd"] == "its currency USD differs from CNY of flat"
    assert reasons["utc"] == "its time zone UTC differs from Asia/Shanghai of flat"


def test_a_current_tariff_that_cannot_be_priced_is_reported_beside_the_others() -> None:
    """The others are still ranked (flat 379.44), with no savings against it."""
    industrial = load_tariff("cn-sh-industrial-two-part")
    comparison = compare_tariffs(
        [tariff("flat"), industrial], july(), current="cn-sh-industrial-two-part"
    )
    assert [(r.tariff, r.total, r.savings) for r in comparison.results] == [
        ("flat", Decimal("379.44"), None)
    ]
    (failed,) = comparison.failed
    assert failed.tariff == "cn-sh-industrial-two-part"
    assert "needs 'basic_charge_method'" in failed.reason
    assert comparison.not_applicable == ()
    assert comparison.recommendation is not None
    assert comparison.recommendation.text == (
        "flat is the cheapest of 1 tariff(s) priced: 379.44 CNY; the current tariff "
        "cn-sh-industrial-two-part could not be priced, so no savings are given"
    )
    with pytest.raises(AccountError, match=r"cn-sh-industrial-two-part .*needs"):
        compare_tariffs([industrial], july(), current="cn-sh-industrial-two-part")


@pytest.mark.parametrize(
    ("tariffs", "current", "message"),
    [
        ([], None, r"no tariffs to compare"),
        (["flat", "flat"], None, r"tariff flat is given twice"),
        (["flat"], "tou", r"the current tariff tou is not among the tariffs compared"),
    ],
)
def test_bad_comparisons(tariffs: list[str], current: str | None, message: str) -> None:
    with pytest.raises(InputError, match=message):
        compare_tariffs([tariff(t) for t in tariffs], july(), current=current)


def test_percent_of() -> None:
    assert percent_of(Decimal("1"), Decimal("3")) == Decimal("33.3")
    assert percent_of(Decimal("-1"), Decimal("8")) == Decimal("-12.5")  # half-up: -12.5
    assert percent_of(Decimal("5"), Decimal("0")) is None


@st.composite
def tariff_sets(draw: st.DrawFn) -> tuple[ReadingsCase, list[Tariff]]:
    """Readings and 2 to 4 generated tariffs of one zone and currency, ids t0, t1, ..."""
    case = draw(readings_cases(max_days=40))
    count = draw(st.integers(2, 4))
    tariffs = []
    for index in range(count):
        spec = draw(tariff_specs(case.timezone, month_kwh_hint=case.month_kwh_hint))
        text = spec.yaml_text().replace("id: generated", f"id: t{index}")
        text = text.replace('currency: "USD"', 'currency: "CNY"')
        tariffs.append(parse_tariff(text))
    return case, tariffs


@given(tariff_sets(), st.randoms(use_true_random=False))
def test_the_ranking_does_not_depend_on_the_order_of_the_tariffs(
    drawn: tuple[ReadingsCase, list[Tariff]], random: Any
) -> None:
    case, tariffs = drawn
    shuffled = list(tariffs)
    random.shuffle(shuffled)
    current = random.choice(tariffs).id
    first = compare_tariffs(tariffs, case.readings, current=current)
    second = compare_tariffs(shuffled, case.readings, current=current)
    assert first == second
    totals = [result.total for result in first.results]
    assert totals == sorted(totals)


# -- scenarios ---------------------------------------------------------------------------


def test_scenarios_beside_the_base_case() -> None:
    """Half of each day's 12 peak kWh move to the valley: 186 kWh in July.

    tou: 186 × 1.0 + 558 × 0.2 = 297.60; tou-cheap: 186 × 0.6 + 558 × 0.3 = 279.00; flat
    is unchanged, 379.44.
    """
    whatif = compare_scenarios(
        [tariff("tou"), tariff("flat"), tariff("tou-cheap")],
        july(),
        [parse_scenario("shift:50%:peak->valley")],
        current="tou",
    )
    assert [(r.tariff, r.total) for r in whatif.base.results] == [
        ("tou-cheap", Decimal("334.80")),
        ("flat", Decimal("379.44")),
        ("tou", Decimal("446.40")),
    ]
    (case,) = whatif.scenarios
    assert case.steps[0].quantities == {"moved_kwh": Decimal("186.000")}
    assert [(r.tariff, r.total) for r in case.comparison.results] == [
        ("tou-cheap", Decimal("279.00")),
        ("tou", Decimal("297.60")),
        ("flat", Decimal("379.44")),
    ]


# -- break-even ---------------------------------------------------------------------------


def test_break_even_shift() -> None:
    """One day, 1 kWh an hour. flat-plain: 24 × 0.5 = 12.00. tou: 12 + 12 × 0.2 = 14.40.

    Moving p % of the 12 peak kWh: tou = 14.40 − 12 × p/100 × 0.8, below 12.00 when
    p > 25. At 25.0 %: 9.00 + 3.00 = 12.00, not less. At 25.1 %: 3.012 kWh move, peak
    8.988 → 8.99, valley 15.012 × 0.2 = 3.0024 → 3.00; 11.99 < 12.00.
    """
    day = hourly(24)
    found = break_even_shift(
        tariff("tou"), tariff("flat-plain"), day, from_periods=["peak"], to=["valley"],
        reference=tariff("tou"),
    )  # fmt: skip
    assert (found.tariff, found.against, found.shift) == ("tou", "flat-plain", "peak->valley")
    assert found.percent == Decimal("25.1")
    assert (found.cost, found.against_cost) == (Decimal("11.99"), Decimal("12.00"))
    already = break_even_shift(
        tariff("flat-plain"), tariff("tou"), day, from_periods=["peak"], to=["valley"]
    )
    assert already.percent == Decimal(0)
    # tou-cheap at 100 %: 24 × 0.3 = 7.20, still below flat-plain's 12.00.
    never = break_even_shift(
        tariff("flat-plain"), tariff("tou-cheap"), day, from_periods=["peak"], to=["valley"]
    )
    assert never.percent is None
    assert (never.cost, never.against_cost) == (Decimal("12.00"), Decimal("7.20"))


def test_break_even_consumption() -> None:
    """tiered (0.4 up to 100 kWh a month, 1.0 above) against flat-six (0.6).

    Up to 100 kWh tiered is cheaper; above, tiered = 40 + (E − 100) = E − 60 against
    0.6 E: equal at 0.4 E = 60, E = 150 kWh. At 149: 89.00 < 89.40; at 150: 90.00 each,
    so from 150 kWh flat-six costs no more. 31 days are not a year: no annual figure,
    unless asked for: 150 × 365 / 31 = 1766.1 → 1766.
    """
    found = break_even_consumption(tariff("tiered"), tariff("flat-six"), july())
    assert found.energy_kwh == Decimal("744.000")
    assert found.days == 31
    assert found.searched_up_to_kwh == Decimal("2232.000")
    assert found.crossings == (Crossing(Decimal("150.000"), None, "tiered", "flat-six"),)
    asked = break_even_consumption(tariff("tiered"), tariff("flat-six"), july(), annualise=True)
    assert asked.crossings == (Crossing(Decimal("150.000"), Decimal(1766), "tiered", "flat-six"),)


# -- the command ------------------------------------------------------------------------


def _no_number(text: str) -> Any:
    raise AssertionError(f"a JSON number {text}: money and quantities must be strings")


def load_json(text: str) -> Any:
    return json.loads(text, parse_float=_no_number, parse_int=_no_number)


def run(capsys: pytest.CaptureFixture[str], *argv: object) -> tuple[int, str, str]:
    code = main([str(arg) for arg in argv])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.fixture
def tables(tmp_path: Path) -> Path:
    directory = tmp_path / "tables"
    directory.mkdir()
    for tariff_id in ("flat", "tou", "tou-cheap"):
        (directory / f"{tariff_id}.yaml").write_text(table_text(tariff_id), encoding="utf-8")
    (directory / "usd.yaml").write_text(
        table_text("usd", currency="USD", body=TABLES["flat"]), encoding="utf-8"
    )
    (directory / "broken.yaml").write_text("id: broken\nname: [\n", encoding="utf-8")
    return directory


@pytest.fixture
def july_csv(tmp_path: Path) -> Path:
    path = tmp_path / "july.csv"
    rows = ["start,kwh"]
    moment = dt.datetime(2025, 7, 1)
    while moment.month == 7:
        rows.append(f"{moment:%Y-%m-%dT%H:%M},1")
        moment += dt.timedelta(hours=1)
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path


def test_compare_every_table_of_a_directory(
    capsys: pytest.CaptureFixture[str], july_csv: Path, tables: Path
) -> None:
    code, out, err = run(
        capsys, "compare", july_csv, "--tables", tables, "--current", "flat", "--format", "json"
    )
    assert (code, err) == (0, "")
    document = load_json(out)
    assert list(document) == ["results", "current", "recommendation", "not_applicable"]
    results = document["results"]
    assert [(r["tariff"], r["total"], r["savings"]) for r in results] == [
        ("tou-cheap", "334.80", "44.64"),
        ("flat", "379.44", "0.00"),
        ("tou", "446.40", "-66.96"),
    ]
    assert results[1]["by_kind"] == {"energy": "372.00", "surcharge": "7.44"}
    assert results[1]["average_price_per_kwh"] == "0.5100"
    assert results[1]["periods"] == [
        {"start": "2025-07-01", "end": "2025-08-01", "energy_kwh": "744.000", "total": "379.44"}
    ]
    assert document["recommendation"]["annual_savings"] is None
    code, out, err = run(
        capsys, "compare", july_csv, "--tables", tables, "--current", "flat", "--format",
        "json", "--annualise",
    )  # fmt: skip
    assert load_json(out)["recommendation"]["annual_savings"] == "525.60"
    reasons = {item["tariff"]: item["reason"] for item in document["not_applicable"]}
    assert reasons["usd"] == "its currency USD differs from CNY of flat"
    assert str(tables / "broken.yaml") in reasons
    assert reasons[str(tables / "broken.yaml")].startswith(f"{tables / 'broken.yaml'}:")


def test_compare_scenarios_json_csv_and_table(
    capsys: pytest.CaptureFixture[str], july_csv: Path, tables: Path
) -> None:
    argv: list[object] = ["compare", july_csv, "--tables", tables, "--current", "tou"]
    argv += ["--tariff", "tou", "--tariff", "flat", "--tariff", "tou-cheap"]
    argv += ["--scenario", "shift:50%:peak->valley"]
    code, out, err = run(capsys, *argv, "--format", "json")
    assert (code, err) == (0, "")
    document = load_json(out)
    (scenario,) = document["scenarios"]
    assert scenario["name"] == "shift:50%:peak->valley"
    assert scenario["steps"] == [
        {"step": "shift:50%:peak->valley", "moved_kwh": "186.000", "notes": []}
    ]
    assert [(r["tariff"], r["total"], r["change_from_base"]) for r in scenario["results"]] == [
        ("tou-cheap", "279.00", "-55.80"),
        ("tou", "297.60", "-148.80"),
        ("flat", "379.44", "0.00"),
    ]
    code, out, err = run(capsys, *argv, "--format", "csv")
    assert (code, err) == (0, "")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert [(r["scenario"], r["rank"], r["tariff"], r["total"]) for r in rows] == [
        ("base", "1", "tou-cheap", "334.80"),
        ("base", "2", "flat", "379.44"),
        ("base", "3", "tou", "446.40"),
        ("shift:50%:peak->valley", "1", "tou-cheap", "279.00"),
        ("shift:50%:peak->valley", "2", "tou", "297.60"),
        ("shift:50%:peak->valley", "3", "flat", "379.44"),
    ]
    assert rows[1]["kind:surcharge"] == "7.44"
    assert rows[1]["period:2025-07-01"] == "379.44"
    assert rows[4]["change_from_base"] == "-148.80"
    code, out, err = run(capsys, *argv)
    assert (code, err) == (0, "")
    assert "Recommendation: tou-cheap saves 111.60 CNY over 31 days (25.0 %" in out
    assert "Scenario 'shift:50%:peak->valley'" in out
    assert "-148.80" in out


def test_compare_break_even(
    capsys: pytest.CaptureFixture[str], july_csv: Path, tables: Path
) -> None:
    """tou against flat, moving p % of the 372 peak kWh: 446.40 − 2.976 p < 379.44 when
    p > 22.5. At 22.5 %: 83.7 kWh move, 288.30 + 91.14 = 379.44, not less. At 22.6 %:
    2.712 kWh a day, 84.072 kWh: 287.928 → 287.93, 456.072 × 0.2 = 91.2144 → 91.21;
    379.14. tou-cheap already costs less.
    """
    code, out, err = run(
        capsys, "compare", july_csv, "--tables", tables, "--current", "flat",
        "--tariff", "flat", "--tariff", "tou", "--tariff", "tou-cheap",
        "--break-even", "shift:peak->valley", "--format", "json",
    )  # fmt: skip
    assert (code, err) == (0, "")
    found = load_json(out)["break_even"]
    assert [(f["tariff"], f["against"], f["percent"], f["total"]) for f in found] == [
        ("tou", "flat", "22.6", "379.14"),
        ("tou-cheap", "flat", "0", "334.80"),
    ]


def test_a_tariff_needing_account_fields_is_listed_not_fatal(
    capsys: pytest.CaptureFixture[str], july_csv: Path
) -> None:
    code, out, err = run(
        capsys, "compare", july_csv, "--tariff", "cn-bj-residential",
        "--tariff", "cn-sh-industrial-two-part",
    )  # fmt: skip
    assert (code, err) == (0, "")
    assert "not applicable: cn-sh-industrial-two-part: " in out


@pytest.mark.parametrize(
    "options",
    [
        [],  # neither --tariff nor --tables
        ["--tariff", "cn-bj-residential", "--break-even", "shift:peak"],
        ["--tariff", "cn-bj-residential", "--break-even", "later"],
    ],
)
def test_compare_usage_errors(
    capsys: pytest.CaptureFixture[str], july_csv: Path, options: list[str]
) -> None:
    code, out, err = run(capsys, "compare", july_csv, *options)
    assert code == 2
    assert out == ""
    assert err.startswith("usage: tariffs compare [-h]")
    last = err.splitlines()[-1]
    assert last.startswith("tariffs compare: ")
    assert last.endswith("; see 'tariffs compare --help'")


def test_compare_bad_scenarios_are_input_errors(
    capsys: pytest.CaptureFixture[str], july_csv: Path, tmp_path: Path
) -> None:
    scenarios = tmp_path / "scenarios.yaml"
    scenarios.write_text("scenarios:\n  a:\n    - {kind: scale, factor: -2}\n", encoding="utf-8")
    code, out, err = run(
        capsys, "compare", july_csv, "--tariff", "cn-bj-residential", "--scenarios", scenarios
    )
    assert (code, out) == (1, "")
    assert err.startswith(f"tariffs: error: {scenarios}:3:")
    code, out, err = run(
        capsys, "compare", july_csv, "--tariff", "cn-bj-residential", "--scenario", "cap:lots"
    )
    assert (code, out) == (1, "")
    assert "'cap:lots' is not understood" in err


def test_declared_event_days() -> None:
    """2025-10-15, 1 kWh an hour, cn-gd-commercial-tou (REFERENCE_TARIFFS.md).

    Valley 00-08: 8 × 0.247 = 1.976 → 1.98; flat 08-10, 12-14, 19-24: 9 × 0.65 = 5.85;
    peak 10-12, 14-19: 7 × 1.105 = 7.735 → 7.74; total 15.57. Declared as an event day,
    11-12 and 15-17 are critical peak: peak 4 × 1.105 = 4.42, critical peak 3 × 1.38125 =
    4.14375 → 4.14; total 16.39. Shifting all critical-peak energy to the valley moves
    3 kWh on the event day and nothing without it.
    """
    gd = load_tariff("cn-gd-commercial-tou")
    day = hourly(24, start=JULY_FIRST + 106 * 86400)  # 2025-10-15T00:00+08:00
    event = [dt.date(2025, 10, 15)]
    assert compare_tariffs([gd], day).results[0].total == Decimal("15.57")
    assert compare_tariffs([gd], day, event_days=event).results[0].total == Decimal("16.39")
    scenario = parse_scenario("shift:100%:critical_peak->valley")
    plain = compare_scenarios([gd], day, [scenario])
    declared = compare_scenarios([gd], day, [scenario], event_days=event)
    assert plain.scenarios[0].steps[0].quantities["moved_kwh"] == Decimal("0.000")
    assert declared.scenarios[0].steps[0].quantities["moved_kwh"] == Decimal("3.000")


# -- scenarios on every customer ------------------------------------------------------------

DEMAND_TOU = peak_valley_body("1.0", "0.2") + '      - {kind: demand, price_per_kw: "10"}\n'


def factory_day() -> Readings:
    """2025-07-01, hourly: 10 kWh each hour, the meter's kW 20 each hour (15-min windows).

    Hourly intervals cannot give a 15-minute demand, so the meter's kw column is what the
    demand charge bills; without it the tariff cannot be priced.
    """
    return Readings(
        "factory.csv", 3600, [JULY_FIRST + 3600 * i for i in range(24)], 3,
        [10_000] * 24, kvarh=[5_000] * 24, kw=[20_000] * 24,
    )  # fmt: skip


def test_a_shift_keeps_the_meter_kw_of_a_factory() -> None:
    """shift:50%:peak->valley on the factory day, tariff ``demand-tou``.

    Base: 120 kWh peak × 1.0 + 120 kWh valley × 0.2 = 144.00; demand 20 kW × 10 CNY for
    1 of July's 31 days: 200 / 31 = 6.4516 → 6.45.
    Shift: each peak hour gives 5 kWh, the 60 kWh spread over 12 valley hours (+5 each):
    peak 60 × 1.0 + valley 180 × 0.2 = 96.00. The meter's kW follow the kWh: peak hours
    20 × 5/10 = 10 kW, valley hours 20 × 15/10 = 30 kW; demand 300 / 31 = 9.677 → 9.68.
    """
    demand = tariff("demand-tou", body=DEMAND_TOU)
    whatif = compare_scenarios(
        [demand], factory_day(), [parse_scenario("shift:50%:peak->valley")], current="demand-tou"
    )
    base = whatif.base.get("demand-tou")
    assert base is not None
    (case,) = whatif.scenarios
    shifted = case.comparison.get("demand-tou")
    assert shifted is not None
    assert base.by_kind["energy"] == Decimal("144.00")
    assert shifted.by_kind["energy"] == Decimal("96.00")
    assert (base.by_kind["demand"], shifted.by_kind["demand"]) == (
        Decimal("6.45"),
        Decimal("9.68"),
    )
    assert case.steps[0].notes == ()


def test_a_scenario_that_fails_is_reported_beside_the_others() -> None:
    """cap:0.5kW cannot hold 24 kWh a day (12 kWh of room); scale:2 doubles every bill:
    flat 2 × 379.44 = 758.88."""
    whatif = compare_scenarios(
        [tariff("flat"), tariff("tou")],
        july(),
        [parse_scenario("cap:0.5kW"), parse_scenario("scale:2")],
        current="flat",
    )
    failed, scaled = whatif.scenarios
    assert failed.error is not None
    assert "cannot be held under 0.5 kW" in failed.error
    assert failed.comparison.results == ()
    assert scaled.error is None
    assert [(r.tariff, r.total) for r in scaled.comparison.results] == [
        ("flat", Decimal("758.88")),
        ("tou", Decimal("892.80")),
    ]


def test_period_names_come_from_the_tariff_that_defines_them() -> None:
    """A flat current tariff, shift:20%:peak->valley: tou's peak 08-20 gives 20 % of its
    12 kWh a day, 2.4 kWh, to its valley; in July 74.4 kWh.

    tou: (372 − 74.4) × 1.0 + (372 + 74.4) × 0.2 = 297.60 + 89.28 = 386.88; flat-plain
    is unchanged, 744 × 0.5 = 372.00.
    """
    whatif = compare_scenarios(
        [tariff("flat-plain"), tariff("tou")],
        july(),
        [parse_scenario("shift:20%:peak->valley")],
        current="flat-plain",
    )
    (case,) = whatif.scenarios
    assert case.error is None
    assert case.steps[0].quantities == {"moved_kwh": Decimal("74.400")}
    assert case.steps[0].notes == (
        "periods peak, valley are those of tariff tou (flat-plain has no period 'peak')",
    )
    assert [(r.tariff, r.total) for r in case.comparison.results] == [
        ("flat-plain", Decimal("372.00")),
        ("tou", Decimal("386.88")),
    ]


def test_compare_writes_every_result_and_exits_1_when_something_failed(
    capsys: pytest.CaptureFixture[str], july_csv: Path
) -> None:
    for fmt in ("table", "json", "csv"):
        code, out, err = run(
            capsys, "compare", july_csv, "--tariff", "cn-bj-residential", "--scenario",
            "cap:0.5kW", "--scenario", "scale:2", "--format", fmt,
        )  # fmt: skip
        assert code == 1
        assert err.startswith("tariffs: scenario 'cap:0.5kW' failed: ")
        assert "cannot be held under 0.5 kW" in err
        if fmt == "json":
            failed, scaled = load_json(out)["scenarios"]
            assert set(failed) == {"name", "error"}
            assert scaled["results"][0]["tariff"] == "cn-bj-residential"
        elif fmt == "csv":
            rows = list(csv.DictReader(io.StringIO(out)))
            assert [(r["scenario"], r["tariff"], bool(r["error"])) for r in rows] == [
                ("base", "cn-bj-residential", False),
                ("scale:2", "cn-bj-residential", False),
                ("cap:0.5kW", "", True),
            ]
        else:
            assert "Scenario 'cap:0.5kW' (cap:0.5kW)\n  failed: " in out
            assert "Scenario 'scale:2' (scale:2)" in out


# -- eligibility ----------------------------------------------------------------------------

EXAMPLES = Path(__file__).parents[2] / "examples"


def with_eligibility(
    tariff_id: str, block: str, base: str = "flat-plain", body: str = ""
) -> Tariff:
    """A test table with an ``eligibility`` block (YAML lines of the block's body)."""
    text = table_text(tariff_id, body=body or TABLES[base]).replace(
        "versions:\n", "eligibility:\n" + block + "versions:\n", 1
    )
    return parse_tariff(text, f"{tariff_id}.yaml")


def test_compare_ranks_only_the_tariffs_a_factory_may_take(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """The example factory (2,500 kVA, industrial): the single-part tariff is for less than
    315 kVA and the household tariff for households; only the two-part one is ranked, and
    it is the one the factory must take. Asked to ignore eligibility, the household price
    (the cheapest per kWh, 0.617) ranks first and the single-part second."""
    here = EXAMPLES / "eligibility"
    argv = [
        "compare", EXAMPLES / "readings.csv",
        "--tariff", here / "small-commercial-tou.yaml",
        "--tariff", here / "large-two-part.yaml",
        "--tariff", here / "household.yaml",
        "--account", here / "factory-account.yaml",
    ]  # fmt: skip
    code, out, err = run(capsys, *argv)
    assert (code, err) == (0, "")
    assert "1     large-two-part" in out
    assert "\n2 " not in out
    assert (
        "not eligible: household: customer_class industrial is not one of residential "
        "(residential prices are for households only)\n"
    ) in out
    assert (
        "not eligible: small-commercial-tou: capacity_kva 2500 kVA is not below 315 kVA "
        "(single-part is for capacities below 315 kVA, 发改价格〔2023〕526号)\n"
    ) in out
    assert "mandatory: this account must take large-two-part by its eligibility\n" in out
    code, out, err = run(capsys, *argv, "--format", "json")
    document = load_json(out)
    assert [r["tariff"] for r in document["results"]] == ["large-two-part"]
    assert [(n["tariff"], n["status"], n["needs"]) for n in document["not_eligible"]] == [
        ("household", "ineligible", []),
        ("small-commercial-tou", "ineligible", []),
    ]
    assert document["not_eligible"][1]["reasons"] == ["capacity_kva 2500 kVA is not below 315 kVA"]
    assert document["mandatory"] == ["large-two-part"]
    code, out, err = run(capsys, *argv, "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert [(r["rank"], r["tariff"], r["not_eligible"][:12]) for r in rows] == [
        ("1", "large-two-part", ""),
        ("", "household", "customer_cla"),
        ("", "small-commercial-tou", "capacity_kva"),
    ]
    code, out, err = run(capsys, *argv, "--ignore-eligibility", "--format", "json")
    assert [r["tariff"] for r in load_json(out)["results"]] == [
        "household", "small-commercial-tou", "large-two-part"
    ]  # fmt: skip
    assert "not_eligible" not in load_json(out)
    household = load_json(out)["results"][0]["bills"][0]
    assert household["warnings"][-1] == (
        "account F-2500 may not take tariff household: customer_class industrial is not one "
        "of residential (residential prices are for households only); priced as asked"
    )


def test_an_account_without_a_fact_leaves_the_tariff_unranked() -> None:
    """No customer_class: ``homes`` is listed as unknown, not ranked; ``flat-plain`` is."""
    homes = with_eligibility("homes", "  customer_classes: [residential]\n")
    account = Account.model_validate({"account_id": "A-1"})
    comparison = compare_tariffs([tariff("flat-plain"), homes], july(), account)
    assert [r.tariff for r in comparison.results] == ["flat-plain"]
    (item,) = comparison.ineligible
    assert (item.tariff, item.standing.status, item.standing.needs) == (
        "homes", "unknown", ("customer_class",)
    )  # fmt: skip
    ignored = compare_tariffs(
        [tariff("flat-plain"), homes], july(), account, ignore_eligibility=True
    )
    assert [r.tariff for r in ignored.results] == ["flat-plain", "homes"]
    with pytest.raises(InputError, match="homes: eligibility unknown: needs customer_class"):
        compare_tariffs([homes], july(), account)


def test_the_current_tariff_is_priced_even_when_the_account_may_not_take_it() -> None:
    """The customer pays it now: it stays the baseline, and the comparison says so."""
    homes = with_eligibility("homes", "  customer_classes: [residential]\n", base="tou")
    account = Account.model_validate({"account_id": "A-1", "customer_class": "commercial"})
    comparison = compare_tariffs([homes, tariff("flat-plain")], july(), account, current="homes")
    assert [r.tariff for r in comparison.results] == ["flat-plain", "homes"]
    assert comparison.current_ineligible is not None
    assert comparison.current_ineligible.reasons == (
        "customer_class commercial is not one of residential",
    )
    # Staying is no advice: 446.40 − 372.00 = 74.40 less, 74.40 / 446.40 = 16.67 % → 16.7.
    assert comparison.recommendation is not None
    assert comparison.recommendation.tariff == "flat-plain"
    assert comparison.recommendation.text == (
        "move from homes, which the account may not take: flat-plain saves 74.40 CNY over "
        "31 days (16.7 %; not a year of bills, so no annual figure), mostly from energy "
        "charges"
    )
    # Even when every tariff it may take costs more (tou: 446.40 against 372.00).
    cheap_homes = with_eligibility("homes", "  customer_classes: [residential]\n")
    dearer = compare_tariffs([cheap_homes, tariff("tou")], july(), account, current="homes")
    assert dearer.recommendation is not None
    assert dearer.recommendation.tariff == "tou"
    assert dearer.recommendation.text == (
        "move from homes, which the account may not take: tou is the cheapest tariff it may "
        "take, 74.40 CNY more"
    )


CLASSES = ["residential", "commercial", "industrial"]


@st.composite
def eligibility_blocks(draw: st.DrawFn) -> str:
    """The body of an eligibility block: some classes and/or a capacity range."""
    lines = ""
    if draw(st.booleans()):
        chosen = draw(st.lists(st.sampled_from(CLASSES), min_size=1, unique=True))
        lines += f"  customer_classes: [{', '.join(chosen)}]\n"
    if not lines or draw(st.booleans()):
        bound = draw(st.sampled_from(["min", "above", "max", "below"]))
        lines += f"  capacity_kva: {{{bound}: {draw(st.sampled_from([100, 315, 1000]))}}}\n"
    return lines


@given(
    st.lists(st.one_of(st.none(), eligibility_blocks()), min_size=1, max_size=4),
    st.one_of(st.none(), st.sampled_from(CLASSES)),
    st.one_of(st.none(), st.sampled_from([50, 100, 315, 2500])),
)
def test_an_ineligible_tariff_is_never_ranked_nor_recommended(
    blocks: list[str | None], customer_class: str | None, capacity: int | None
) -> None:
    prices = ["0.5", "0.6", "0.4", "0.7"]
    tariffs = [
        parse_tariff(table_text(f"t{i}", body=flat_body(prices[i])))
        if block is None
        else with_eligibility(f"t{i}", block, body=flat_body(prices[i]))
        for i, block in enumerate(blocks)
    ]
    facts = {"customer_class": customer_class, "capacity_kva": capacity}
    account = Account.model_validate(
        {"account_id": "A-1", **{k: v for k, v in facts.items() if v is not None}}
    )
    standing = {t.id: assess(t.eligibility, account).status for t in tariffs}
    if all(status != "eligible" for status in standing.values()):
        with pytest.raises(InputError, match="no tariff could be priced"):
            compare_tariffs(tariffs, july(), account)
        return
    comparison = compare_tariffs(tariffs, july(), account)
    assert all(standing[r.tariff] == "eligible" for r in comparison.results)
    assert {i.tariff for i in comparison.ineligible} == {
        t for t, status in standing.items() if status != "eligible"
    }
    assert comparison.recommendation is not None
    assert standing[comparison.recommendation.tariff] == "eligible"


def test_compare_exits_1_after_the_output_when_the_current_tariff_cannot_be_priced(
    capsys: pytest.CaptureFixture[str], july_csv: Path
) -> None:
    """Without an account the two-part tariff needs basic_charge_method: cn-bj-residential
    is still ranked, and the run says the current tariff failed."""
    code, out, err = run(
        capsys, "compare", july_csv, "--tariff", "cn-bj-residential",
        "--current", "cn-sh-industrial-two-part", "--format", "json",
    )  # fmt: skip
    assert code == 1
    assert err.startswith(
        "tariffs: the current tariff cn-sh-industrial-two-part could not be priced: "
    )
    document = load_json(out)
    assert [r["tariff"] for r in document["results"]] == ["cn-bj-residential"]
    assert document["failed"][0]["tariff"] == "cn-sh-industrial-two-part"
    assert "basic_charge_method" in document["failed"][0]["error"]


def test_a_break_even_that_fails_is_reported_beside_the_others(
    capsys: pytest.CaptureFixture[str], july_csv: Path
) -> None:
    """Neither tariff has a period 'noon': that break-even fails, the consumption one is
    found, and the run exits 1 after the whole output."""
    argv = [
        "compare", july_csv, "--tariff", "cn-bj-residential", "--tariff", "cn-zj-residential",
        "--break-even", "shift:noon->valley", "--break-even", "consumption",
    ]  # fmt: skip
    code, out, err = run(capsys, *argv)
    assert code == 1
    assert err.startswith(
        "tariffs: break-even shift:noon->valley of cn-zj-residential against "
        "cn-bj-residential failed: "
    )
    assert "has no period 'noon'" in err
    assert "  cn-zj-residential vs cn-bj-residential (noon->valley): failed: " in out
    assert "  cn-zj-residential vs cn-bj-residential: " in out
    code, out, err = run(capsys, *argv, "--format", "json")
    failed, found = load_json(out)["break_even"]
    assert (failed["kind"], failed["shift"], set(failed)) == (
        "shift", "noon->valley", {"kind", "tariff", "against", "shift", "error"}
    )  # fmt: skip
    assert found["kind"] == "consumption"
    code, out, err = run(capsys, *argv, "--format", "csv")
    rows = {row["tariff"]: row for row in csv.DictReader(io.StringIO(out))}
    assert rows["cn-zj-residential"]["break_even noon->valley"].startswith("failed: ")


@given(
    day=st.lists(st.integers(0, 40_000), min_size=24, max_size=24),
    load_factor=st.integers(1, 3),
    pf=st.integers(0, 2),
)
def test_a_scenario_of_zero_change_prices_as_the_readings_as_read(
    day: list[int], load_factor: int, pf: int
) -> None:
    """scale:1, shift:0 %, a cap above the peak and the three together change no bill.

    A factory of any load (the same day three times), with a meter kW column (its kWh ×
    a load factor, as kW) and kvarh: every tariff prices each scenario exactly as the
    readings as read, with the same ranking, savings and recommendation.
    """
    readings = Readings(
        "factory.csv", 3600, [JULY_FIRST + 3600 * i for i in range(72)], 3, day * 3,
        kvarh=[pf * v // 2 for v in day * 3], kw=[load_factor * v for v in day * 3],
    )  # fmt: skip
    above = Decimal(load_factor * max(day) + 1).scaleb(-3)  # kW above the highest demand
    scenarios = [
        "scale:1",
        "shift:0%:peak->valley",
        f"cap:{above}kW",
        f"scale:1+shift:0%:peak->valley+cap:{above}kW",
    ]
    tariffs = [tariff("flat"), tariff("tou"), tariff("demand-tou", body=DEMAND_TOU)]
    whatif = compare_scenarios(
        tariffs, readings, [parse_scenario(text) for text in scenarios], current="flat"
    )
    assert len(whatif.base.results) == 3
    for case in whatif.scenarios:
        assert case.error is None
        assert case.comparison == whatif.base, case.scenario
        for result, base in zip(case.comparison.results, whatif.base.results, strict=True):
            assert (result.tariff, result.total, result.savings) == (
                base.tariff,
                base.total,
                base.savings,
            )


def test_the_scenarios_example_prints_what_its_readme_shows(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """examples/scenarios/README.md: each command is run and prints what is shown under it
    (stdout, then stderr); one that reports a failure on stderr exits with 1."""
    text = (EXAMPLES / "scenarios" / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"^```console\n(.*?)^```$", text, re.M | re.S)
    assert len(blocks) == 2
    monkeypatch.chdir(EXAMPLES.parent)
    for block in blocks:
        command, _, shown = block.removeprefix("$ ").partition("\n")
        argv = shlex.split(command)
        assert argv[0] == "tariffs"
        code = main(argv[1:])
        captured = capsys.readouterr()
        assert captured.out + captured.err == shown, command
        assert code == (1 if "\ntariffs: scenario " in shown else 0), command
    # The failed scenario and the tariff that does not apply are shown beside the others;
    # the shorter-than-a-year comparison gives an annual figure only when asked.
    assert "failed: examples/scenarios/factory-hourly.csv: scenario step 'cap:100kW'" in text
    assert "not applicable: basic-charge:" in text
    assert "not a year of bills, so no annual figure" in blocks[0]
    assert "about 72,877.55 CNY/yr at this rate" in blocks[1]
