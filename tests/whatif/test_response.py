"""Tests of the price response (`tariffs.whatif.response`) and ``portfolio --elasticity``.

The worked example is one day (2025-07-01, Asia/Shanghai) of hourly readings: 1.000 kWh
in each peak hour (08:00-20:00, 12 hours) and 0.500 kWh in each valley hour (12 hours),
so 12 kWh of peak and 6 kWh of valley. The current tariff is flat at 0.5 CNY/kWh
(18 × 0.5 = 9.00); the proposed one prices peak at 1.0 and valley at 0.25
(12 × 1.0 = 12.00 and 6 × 0.25 = 1.50, 13.50 in all). The average prices are so, by
hand: current 0.5 in both periods; proposed 12.00 / 12 = 1.0 and 1.50 / 6 = 0.25; the
ratios are r[peak] = 2 and r[valley] = 1/2.
"""

from __future__ import annotations

import csv
import io
import json
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tables import flat_yaml, peak_valley_yaml
from tariffs import ScenarioError, parse_tariff, price
from tariffs.cli import main
from tariffs.model.account import Account
from tariffs.model.readings import Readings
from tariffs.whatif.portfolio import PortfolioAccount, price_account
from tariffs.whatif.response import (
    check_periods,
    load_elasticity,
    parse_elasticity_yaml,
    respond,
)

JULY_FIRST = 1751299200  # 2025-07-01T00:00 Asia/Shanghai
CURRENT = parse_tariff(flat_yaml("flat", "0.5"))
PROPOSED = parse_tariff(peak_valley_yaml("tou", "1.0", "0.25"))
PEAK = range(8, 20)


def day(kwh: list[int]) -> Readings:
    """Hourly readings of 2025-07-01 from local midnight [kWh × 1000]."""
    return Readings("day.csv", 3600, [JULY_FIRST + 3600 * i for i in range(24)], 3, kwh)


def worked_day() -> Readings:
    return day([1000 if hour in PEAK else 500 for hour in range(24)])


def elasticity(body: str) -> object:
    return parse_elasticity_yaml(body, "e.yaml")


def responded(readings: Readings, body: str, proposed: str = "tou") -> tuple[Readings, dict]:
    tariff = PROPOSED if proposed == "tou" else parse_tariff(proposed)
    result, periods = respond(
        readings,
        parse_elasticity_yaml(body, "e.yaml"),
        CURRENT,
        tariff,
        price(CURRENT, readings),
        price(tariff, readings),
    )
    return result, {p.period: p for p in periods}


def period_sums(readings: Readings) -> tuple[int, int]:
    peak = sum(v for hour, v in enumerate(readings.kwh) if hour in PEAK)
    return peak, sum(readings.kwh) - peak


MATRIX = """
form: {form}
periods:
  peak: {{own: -0.1, cross: {{valley: 0.05}}}}
  valley: {{own: -0.2, cross: {{peak: 0.1}}}}
"""


def test_worked_example_linear() -> None:
    # peak:   1 + (-0.1)(2 - 1) + 0.05(1/2 - 1) = 0.875; 12 kWh × 0.875 = 10.5 kWh
    # valley: 1 + (-0.2)(1/2 - 1) + 0.1(2 - 1) = 1.2;    6 kWh × 1.2 = 7.2 kWh
    result, periods = responded(worked_day(), MATRIX.format(form="linear"))
    assert periods["peak"].responded_kwh == Decimal("10.500")
    assert periods["valley"].responded_kwh == Decimal("7.200")
    assert periods["peak"].current_price_per_kwh == Decimal("0.5000")
    assert periods["peak"].proposed_price_per_kwh == Decimal("1.0000")
    assert periods["valley"].proposed_price_per_kwh == Decimal("0.2500")
    # -1.5 kWh over 12 equal peak hours: 0.875 each; +1.2 over 12 valley hours: 0.6 each.
    assert result.kwh == [875 if hour in PEAK else 600 for hour in range(24)]
    # Priced by the engine: 10.5 × 1.0 = 10.50 and 7.2 × 0.25 = 1.80.
    assert sum(b.total for b in price(PROPOSED, result)) == Decimal("12.30")


def test_worked_example_constant() -> None:
    # peak:   2^-0.1 × (1/2)^0.05 = 2^-0.15 = 0.90125046...; 12 × that = 10.81500555 kWh
    #         → 10.815 (half-up to 0.001 kWh), a change of -1.185 kWh;
    # valley: (1/2)^-0.2 × 2^0.1 = 2^0.3 = 1.23114441...; 6 × that = 7.38686648 → 7.387,
    #         a change of +1.387 kWh.
    result, periods = responded(worked_day(), MATRIX.format(form="constant"))
    assert periods["peak"].responded_kwh == Decimal("10.815")
    assert periods["valley"].responded_kwh == Decimal("7.387")
    # Spread by largest remainder over equal intervals, earliest first on ties:
    # 1185 units / 12 = 98 rest 9, so the first 9 peak hours (08..16) lose 99, the last 3
    # lose 98; 1387 / 12 = 115 rest 7, so valley hours 00..06 gain 116, the others 115.
    expected = []
    for hour in range(24):
        if hour in PEAK:
            expected.append(1000 - (99 if hour < 17 else 98))
        else:
            expected.append(500 + (116 if hour < 7 else 115))
    assert result.kwh == expected
    # 10.815 × 1.0 = 10.815 → 10.82; 7.387 × 0.25 = 1.84675 → 1.85; 12.67 in all.
    assert sum(b.total for b in price(PROPOSED, result)) == Decimal("12.67")


def test_period_total_is_exact_with_unequal_intervals() -> None:
    kwh = [7, 0, 13, 250, 1, 999, 3, 2, 1000, 1, 0, 17, 555, 4, 6, 8, 10, 12, 14, 16, 3, 1, 1, 1]
    result, periods = responded(day(kwh), MATRIX.format(form="constant"))
    peak, valley = period_sums(result)
    assert Decimal(peak) / 1000 == periods["peak"].responded_kwh
    assert Decimal(valley) / 1000 == periods["valley"].responded_kwh
    # An interval without energy gains none, and none goes below zero.
    assert [v for v, before in zip(result.kwh, kwh, strict=True) if before == 0] == [0, 0]
    assert min(result.kwh) >= 0


hours = st.lists(st.integers(0, 5000), min_size=24, max_size=24)
# Both periods with kWh, so that each has an average price for the cross terms.
both = hours.filter(lambda kwh: all(period_sums(day(kwh))))


@given(hours, st.sampled_from(["constant", "linear"]))
def test_zero_elasticity_is_the_static_result(kwh: list[int], form: str) -> None:
    body = f"form: {form}\nperiods:\n  peak: {{own: 0, cross: {{valley: 0}}}}\n  valley: {{}}\n"
    result, _ = responded(day(kwh), body)
    assert result.kwh == kwh
    assert price(PROPOSED, result) == price(PROPOSED, day(kwh))


@given(hours, st.sampled_from(["constant", "linear"]))
def test_an_unchanged_price_leaves_its_period_unchanged(kwh: list[int], form: str) -> None:
    # Proposed peak 0.5 = the current flat price; valley falls to 0.25.
    same_peak = peak_valley_yaml("tou", "0.5", "0.25")
    body = f"form: {form}\nperiods:\n  peak: {{own: -0.3}}\n  valley: {{own: -0.3}}\n"
    result, _ = responded(day(kwh), body, proposed=same_peak)
    assert [result.kwh[h] for h in PEAK] == [kwh[h] for h in PEAK]


@given(both, st.sampled_from(["constant", "linear"]))
def test_conserve_keeps_the_total_kwh(kwh: list[int], form: str) -> None:
    body = MATRIX.format(form=form) + "conserve: true\n"
    result, _ = responded(day(kwh), body)
    assert sum(result.kwh) == sum(kwh)


@given(hours.filter(lambda kwh: sum(kwh[8:20]) > 100), st.sampled_from(["constant", "linear"]))
def test_a_price_rise_with_negative_own_elasticity_lowers_the_kwh(
    kwh: list[int], form: str
) -> None:
    # The peak price doubles (0.5 → 1.0): -0.1 × ... lowers peak kWh.
    body = f"form: {form}\nperiods:\n  peak: {{own: -0.1}}\n"
    result, _ = responded(day(kwh), body)
    assert period_sums(result)[0] < period_sums(day(kwh))[0]
    assert period_sums(result)[1] == period_sums(day(kwh))[1]


def test_kvarh_follows_each_interval() -> None:
    readings = Readings(
        "day.csv",
        3600,
        [JULY_FIRST + 3600 * i for i in range(24)],
        3,
        [1000 if hour in PEAK else 500 for hour in range(24)],
        kvarh=[400] * 24,
    )
    result, _ = responded(readings, MATRIX.format(form="linear"))
    # Peak 1.000 → 0.875 kWh: kvarh 0.4 × 0.875 = 0.350; valley 0.5 → 0.6: 0.4 × 1.2 = 0.480.
    assert result.kvarh == [350 if hour in PEAK else 480 for hour in range(24)]


# -- refusals --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "match"),
    [
        ("periods:\n  peak: {own: -6}\n", r"e\.yaml:2:.*outside -5\.\.5"),
        ("periods:\n  peak:\n    cross: {valley: 5.5}\n  valley: {}\n", r"e\.yaml:3:.*valley"),
        ("periods:\n  peak:\n    cross: {peak: 1}\n", r"e\.yaml:3:.*itself"),
        ("periods:\n  peak:\n    cross: {valley: 1}\n", r"e\.yaml:3:.*no entry of its own"),
        ("form: cubic\nperiods:\n  peak: {}\n", r"e\.yaml:1:.*form"),
        ("periods: {}\n", r"e\.yaml:1:.*periods"),
        ("- peak\n", r"e\.yaml:1: expected a mapping"),
    ],
)
def test_bad_elasticity_files(body: str, match: str) -> None:
    with pytest.raises(ScenarioError, match=match):
        parse_elasticity_yaml(body, "e.yaml")


def test_unknown_period_is_refused_at_its_line() -> None:
    declared = parse_elasticity_yaml("periods:\n  peak: {}\n  shoulder: {own: -1}\n", "e.yaml")
    with pytest.raises(ScenarioError, match=r"e\.yaml:3: period 'shoulder' is not a period"):
        check_periods(declared, PROPOSED)


def test_a_negative_kwh_is_refused_never_clipped() -> None:
    # Linear: 1 + (-5)(2 - 1) = -4, so 12 kWh would become -48 kWh.
    with pytest.raises(ScenarioError, match=r"e\.yaml:3: period 'peak'.*negative"):
        responded(worked_day(), "form: linear\nperiods:\n  peak: {own: -5}\n")


def test_a_cross_term_to_a_period_without_kwh_is_refused() -> None:
    no_valley = [1000 if hour in PEAK else 0 for hour in range(24)]
    body = "periods:\n  peak: {cross: {valley: 0.1}}\n  valley: {}\n"
    with pytest.raises(ScenarioError, match=r"e\.yaml:2: .*'valley', which has no kWh"):
        responded(day(no_valley), body)
    # Its own elasticity alone is no refusal: a period without kWh keeps none.
    result, _ = responded(day(no_valley), "periods:\n  valley: {own: -1}\n")
    assert result.kwh == no_valley


def test_a_failed_response_keeps_the_static_result() -> None:
    entry = PortfolioAccount("A", Account(account_id="A"), {}, worked_day())
    outcome = price_account(
        entry,
        CURRENT,
        PROPOSED,
        response=parse_elasticity_yaml("form: linear\nperiods:\n  peak: {own: -5}\n", "e.yaml"),
    )
    assert outcome.ok
    assert outcome.proposed_total == Decimal("13.50")
    assert outcome.responded_total is None
    assert outcome.response_error is not None and "negative" in outcome.response_error


# -- the command -----------------------------------------------------------------------


def write_portfolio(tmp_path: Path) -> list[str]:
    tables = tmp_path / "tables"
    tables.mkdir()
    (tables / "flat.yaml").write_text(flat_yaml("flat", "0.5"), encoding="utf-8")
    (tables / "tou.yaml").write_text(peak_valley_yaml("tou", "1.0", "0.25"), encoding="utf-8")
    readings = tmp_path / "readings"
    readings.mkdir()
    rows = ["start,kwh"]
    for hour in range(24):
        rows.append(f"2025-07-01T{hour:02d}:00,{'1.0' if hour in PEAK else '0.5'}")
    for account in ("A", "B"):
        (readings / f"{account}.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    (tmp_path / "accounts.csv").write_text("account_id,class\nA,x\nB,y\n", encoding="utf-8")
    (tmp_path / "e.yaml").write_text(MATRIX.format(form="linear"), encoding="utf-8")
    return [
        "portfolio", "--accounts", str(tmp_path / "accounts.csv"),
        "--readings-dir", str(readings), "--tables", str(tables),
        "--current", "flat", "--proposed", "tou", "--workers", "1",
    ]  # fmt: skip


def test_portfolio_shows_the_response_beside_the_static_result(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args = write_portfolio(tmp_path)
    elasticity = ["--elasticity", str(tmp_path / "e.yaml")]
    assert main([*args, "--format", "json"]) == 0
    static = json.loads(capsys.readouterr().out)
    assert main([*args, *elasticity, "--format", "json"]) == 0
    document = json.loads(capsys.readouterr().out)
    # The static result is unchanged: two accounts of 13.50 proposed, 9.00 now.
    assert document["proposed_total"] == static["proposed_total"] == "27.00"
    assert document["current_total"] == "18.00"
    # With response: 12.30 each (the worked example), 24.60, a change of +6.60.
    response = document["response"]
    assert response["responded_total"] == "24.60"
    assert response["proposed_total"] == "27.00"
    assert response["change"] == "6.60"
    assert response["responded_kwh"] == "35.400"
    assert response["form"] == "linear"
    assert "largest remainder" in response["rule"]
    assert [g["responded_total"] for g in response["groups"]["class"]] == ["12.30", "12.30"]
    account = document["accounts"][0]["response"]
    assert account["proposed_total"] == "12.30"
    assert [p["responded_kwh"] for p in account["periods"]] == ["10.500", "7.200"]

    assert main([*args, *elasticity, "--format", "csv"]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert list(rows[0])[-4:] == [
        "responded_energy_kwh", "responded_proposed_total", "responded_change", "response_error",
    ]  # fmt: skip
    assert rows[0]["proposed_total"] == "13.50"
    assert rows[0]["responded_proposed_total"] == "12.30"
    assert rows[0]["responded_change"] == "3.30"

    assert main([*args, *elasticity]) == 0
    table = capsys.readouterr().out
    assert "Revenue: current 18.00, proposed 27.00, change +9.00" in table
    assert "Price response: " in table
    assert "with response  35.400        18.00         24.60       +6.60" in table


def test_portfolio_elasticity_refusals(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    args = write_portfolio(tmp_path)
    (tmp_path / "bad.yaml").write_text("periods:\n  shoulder: {own: -1}\n", encoding="utf-8")
    assert main([*args, "--elasticity", str(tmp_path / "bad.yaml")]) == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "bad.yaml:2: period 'shoulder' is not a period of the proposed tariff tou" in (
        captured.err
    )
    assert main([*args, "--elasticity", str(tmp_path / "e.yaml"), "--resume", "--output",
                 str(tmp_path / "o.csv"), "--format", "csv"]) == 2  # fmt: skip
    # A response that fails in an account: the static result is written, exit code 1.
    (tmp_path / "neg.yaml").write_text("form: linear\nperiods:\n  peak: {own: -5}\n", "utf-8")
    assert main([*args, "--elasticity", str(tmp_path / "neg.yaml"), "--format", "json"]) == 1
    captured = capsys.readouterr()
    document = json.loads(captured.out)
    assert document["proposed_total"] == "27.00"
    assert document["response"]["responded_total"] is None
    assert len(document["response"]["failed"]) == 2
    assert "tariffs: account A: price response:" in captured.err


def test_example_elasticity_file_loads() -> None:
    example = Path(__file__).parents[2] / "examples" / "portfolio" / "elasticity.yaml"
    declared = load_elasticity(example)
    assert declared.form == "constant"
    assert set(declared.matrix) == {"peak", "valley"}


def strip_response(document: object) -> object:
    """The document without its ``response`` keys (at any depth)."""
    if isinstance(document, dict):
        return {k: strip_response(v) for k, v in document.items() if k != "response"}
    if isinstance(document, list):
        return [strip_response(v) for v in document]
    return document


def test_the_response_is_printed_in_chinese(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args = write_portfolio(tmp_path)
    assert main([*args, "--elasticity", str(tmp_path / "e.yaml"), "--lang", "zh"]) == 0
    table = capsys.readouterr().out
    section = table[table.index("价格响应：") :].split("\n\n")[0]
    assert "线性" in section and "总电量可变" in section
    # static 27.00 proposed against 18.00 now (+9.00); with response 24.60 (+6.60).
    static = next(line for line in section.splitlines() if line.startswith("静态"))
    responded = next(line for line in section.splitlines() if line.startswith("考虑价格响应"))
    assert static.split()[1:] == ["36.000", "18.00", "27.00", "+9.00", "+50.0"]
    assert responded.split()[1:] == ["35.400", "18.00", "24.60", "+6.60", "+36.7"]
    assert "with response" not in table and "Price response" not in table


def test_a_workbook_shows_the_response_beside_the_static_result(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import openpyxl

    args = write_portfolio(tmp_path)
    target = tmp_path / "portfolio.xlsx"
    elasticity = ["--elasticity", str(tmp_path / "e.yaml")]
    assert main([*args, *elasticity, "--format", "xlsx", "--output", str(target)]) == 0
    capsys.readouterr()
    book = openpyxl.load_workbook(target)
    accounts = list(book["accounts"].iter_rows(values_only=True))
    header = accounts[0]
    first = dict(zip(header, accounts[1], strict=True))
    # The worked example: 13.50 static, 12.30 with response, 9.00 now (+3.30); as numbers.
    assert first["proposed_total"] == 13.5
    assert first["responded_proposed_total"] == pytest.approx(12.3)
    assert first["responded_change"] == pytest.approx(3.3)
    assert first["responded_energy_kwh"] == pytest.approx(17.7)
    summary = list(book["summary"].iter_rows(values_only=True))
    caption = next(i for i, row in enumerate(summary) if str(row[0]).startswith("Price response"))
    assert "linear" in summary[caption][0]
    names = summary[caption + 1]
    portfolio = dict(zip(names, summary[caption + 2], strict=False))
    # Two accounts: 27.00 static, 24.60 with response, 18.00 now: change +6.60.
    assert portfolio["group"] == "portfolio"
    assert portfolio["proposed_total"] == 27
    assert portfolio["responded_total"] == pytest.approx(24.6)
    assert portfolio["change"] == pytest.approx(6.6)
    assert portfolio["responded_kwh"] == pytest.approx(35.4)


EXAMPLE = Path(__file__).parents[2] / "examples" / "portfolio"


def example_args() -> list[str]:
    return [
        "portfolio", "--accounts", str(EXAMPLE / "accounts.csv"),
        "--readings-dir", str(EXAMPLE / "readings"), "--tables", str(EXAMPLE / "tariffs"),
        "--current", "cn-sh-residential", "--migrate", str(EXAMPLE / "migration.csv"),
        "--workers", "1", "--format", "json",
    ]  # fmt: skip


def test_the_example_migration_keeps_its_static_result(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(example_args()) == 0
    static = json.loads(capsys.readouterr().out)
    assert main([*example_args(), "--elasticity", str(EXAMPLE / "elasticity.yaml")]) == 0
    document = json.loads(capsys.readouterr().out)
    assert strip_response(document) == static
    response = document["response"]
    assert response["failed"] == []
    # The revenue with response is the sum of the accounts' (five priced, F-1 not migrated).
    accounts = [a["response"] for a in document["accounts"]]
    assert len(accounts) == 5
    assert sum(Decimal(a["proposed_total"]) for a in accounts) == Decimal(
        response["responded_total"]
    )
    for account in accounts:
        # Each account's periods add up to its kWh with response (no interval uncovered).
        assert sum(Decimal(p["responded_kwh"]) for p in account["periods"]) == Decimal(
            account["energy_kwh"]
        )
    for column in ("class", "district"):
        groups = response["groups"][column]
        assert sum(Decimal(g["responded_total"]) for g in groups) == Decimal(
            response["responded_total"]
        )


def test_a_migration_refuses_a_period_of_no_proposed_tariff(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "s.yaml"
    path.write_text("periods:\n  peak: {}\n  shoulder: {own: -1}\n", encoding="utf-8")
    assert main([*example_args(), "--elasticity", str(path)]) == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    assert (
        "s.yaml:3: period 'shoulder' is not a period of any proposed tariff "
        "(cn-gd-commercial-tou, cn-sh-residential-tou)"
    ) in captured.err


@pytest.mark.parametrize(("first", "count"), [(0, 24), (0, 48), (5, 30), (13, 3)])
def test_each_interval_is_in_the_period_of_its_hour(first: int, count: int) -> None:
    from tariffs.whatif.response import _classify

    starts = [JULY_FIRST + 3600 * (first + i) for i in range(count)]
    readings = Readings("r.csv", 3600, starts, 3, [1] * count)
    names = _classify(readings, PROPOSED, frozenset(), None)
    hours = [(first + i) % 24 for i in range(count)]
    assert names == ["peak" if hour in PEAK else "valley" for hour in hours]


def test_price_portfolio_gives_the_response_beside_the_static_result() -> None:
    from tariffs.whatif.portfolio import price_portfolio

    entries = [PortfolioAccount(a, Account(account_id=a), {}, worked_day()) for a in "AB"]
    declared = parse_elasticity_yaml(MATRIX.format(form="linear"), "e.yaml")
    result = price_portfolio(entries, CURRENT, PROPOSED, workers=1, response=declared)
    # Static: 2 × 13.50; with response: 2 × 12.30 (the worked example).
    assert result.proposed_total == Decimal("27.00")
    assert result.response is not None
    assert result.response.total.responded_total == Decimal("24.60")
    assert result.response.total.responded_kwh == Decimal("35.400")
    static = price_portfolio(entries, CURRENT, PROPOSED, workers=1)
    assert static.response is None
    assert static.proposed_total == result.proposed_total


def test_current_prices_of_other_periods_are_weighted_by_kwh() -> None:
    # The current tariff's peak is 10:00-18:00 at 0.8, its valley 0.4; 1 kWh every hour.
    # The proposed peak (08:00-20:00, 12 kWh) holds 8 kWh of current peak and 4 of
    # current valley: (8 × 0.8 + 4 × 0.4) / 12 = 8 / 12 = 2/3 → shown 0.6667; the proposed
    # valley is all current valley: 0.4. Ratios: peak 1.0 / (2/3) = 1.5, valley
    # 0.25 / 0.4 = 0.625. Linear: peak 1 − 0.2 × 0.5 = 0.9 → 12 × 0.9 = 10.8 kWh;
    # valley 1 − 0.4 × (0.625 − 1) = 1.15 → 12 × 1.15 = 13.8 kWh.
    current = parse_tariff(peak_valley_yaml("now", "0.8", "0.4", peak_hours="10:00-18:00"))
    readings = day([1000] * 24)
    result, report = respond(
        readings,
        parse_elasticity_yaml(
            "form: linear\nperiods:\n  peak: {own: -0.2}\n  valley: {own: -0.4}\n", "e.yaml"
        ),
        current,
        PROPOSED,
        price(current, readings),
        price(PROPOSED, readings),
    )
    periods = {p.period: p for p in report}
    assert periods["peak"].current_price_per_kwh == Decimal("0.6667")
    assert periods["valley"].current_price_per_kwh == Decimal("0.4000")
    assert periods["peak"].responded_kwh == Decimal("10.800")
    assert periods["valley"].responded_kwh == Decimal("13.800")
    assert period_sums(result) == (10800, 13800)


elasticities = st.decimals(min_value=-5, max_value=5, places=2)


@given(both, elasticities, elasticities, elasticities, elasticities, st.booleans())
def test_any_constant_response_keeps_every_period_exact_and_non_negative(
    kwh: list[int], own_peak: Decimal, cross_peak: Decimal, own_valley: Decimal,
    cross_valley: Decimal, conserve: bool,
) -> None:  # fmt: skip
    body = (
        f"form: constant\nconserve: {str(conserve).lower()}\nperiods:\n"
        f"  peak: {{own: {own_peak}, cross: {{valley: {cross_peak}}}}}\n"
        f"  valley: {{own: {own_valley}, cross: {{peak: {cross_valley}}}}}\n"
    )
    result, periods = responded(day(kwh), body)
    assert min(result.kwh) >= 0
    peak, valley = period_sums(result)
    assert (Decimal(peak) / 1000, Decimal(valley) / 1000) == (
        periods["peak"].responded_kwh,
        periods["valley"].responded_kwh,
    )
    if conserve:
        assert peak + valley == sum(kwh)
