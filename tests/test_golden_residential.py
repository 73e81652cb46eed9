"""Golden bills for six reference tariffs, worked out by hand.

Tariffs: ``cn-bj-residential``, ``cn-zj-residential``, ``cn-zj-residential-tou``,
``cn-sh-residential``, ``cn-sh-residential-tou`` and ``cn-gd-commercial-tou``, as specified
in ``REFERENCE_TARIFFS.md`` of the project documents (prices, bounds and hours below are
quoted from there; see each tariff's ``reference`` field for the published basis).

Every expected number is derived here, by hand, from the published prices: each expected
line is written as ``quantity × rate = amount`` with the exact product in a comment, and
`line` checks that the written amount is that product rounded half-up to 0.01 CNY. The
bill total is the sum of its rounded lines, written out beside it. Nothing is taken from
the engine.

Readings are built from simple patterns (a constant kWh in each hour of the day, or one
that depends only on the hour), so that every period sum is hours × kWh × days. All times
are local (Asia/Shanghai, no daylight saving time); billing periods are calendar months.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

import pytest

from tariffs.cli import main

CENT = Decimal("0.01")

#: Gives the kWh read in the hour that starts at ``hour`` o'clock (local) on ``day``.
KwhOfHour = Callable[[date, int], Decimal]


def round_to_cents(amount: Decimal) -> Decimal:
    """Round a money amount half-up to 0.01 CNY, the rule of every reference tariff."""
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class ExpectedLine:
    """One expected bill line: quantity [kWh], rate [CNY/kWh] and amount [CNY]."""

    quantity_kwh: Decimal
    rate_per_kwh: Decimal
    amount: Decimal


def line(quantity_kwh: Decimal | int | str, rate_per_kwh: str, amount: str) -> ExpectedLine:
    """Build an expected line and check the hand-written amount against its arithmetic."""
    quantity = Decimal(quantity_kwh)
    rate = Decimal(rate_per_kwh)
    written_amount = Decimal(amount)
    assert written_amount == round_to_cents(quantity * rate), (
        f"hand arithmetic: {quantity} × {rate} = {quantity * rate}, not {written_amount}"
    )
    return ExpectedLine(quantity, rate, written_amount)


@dataclass(frozen=True)
class ExpectedBill:
    """One expected monthly bill."""

    start: date
    end: date
    energy_kwh: Decimal
    lines: Mapping[str, ExpectedLine]
    total: Decimal


def bill(
    start: date,
    end: date,
    energy_kwh: Decimal | int | str,
    lines: Mapping[str, ExpectedLine],
    total: str,
) -> ExpectedBill:
    """Build an expected bill and check that the written total is the sum of its lines."""
    written_total = Decimal(total)
    assert written_total == sum((expected.amount for expected in lines.values()), Decimal(0)), (
        f"hand arithmetic: the lines of {start} do not add up to {written_total}"
    )
    return ExpectedBill(start, end, Decimal(energy_kwh), lines, written_total)


def month(year: int, month_number: int) -> tuple[date, date]:
    """First day of a calendar month and first day of the next one (exclusive end)."""
    start = date(year, month_number, 1)
    end = date(year + 1, 1, 1) if month_number == 12 else date(year, month_number + 1, 1)
    return start, end


def write_readings(
    path: Path, first_day: date, end_day: date, kwh_of_hour: KwhOfHour
) -> dict[date, Decimal]:
    """Write hourly readings ``[first_day, end_day)`` as a ``start,kwh`` CSV.

    Returns:
        The kWh of the readings in each calendar month, keyed by the month's first day,
        summed here from the same pattern (not by the engine).
    """
    rows = ["start,kwh"]
    kwh_by_month: dict[date, Decimal] = {}
    day = first_day
    while day < end_day:
        for hour in range(24):
            energy_kwh = Decimal(kwh_of_hour(day, hour))
            rows.append(f"{day.isoformat()}T{hour:02d}:00,{energy_kwh}")
            month_start = day.replace(day=1)
            kwh_by_month[month_start] = kwh_by_month.get(month_start, Decimal(0)) + energy_kwh
        day += timedelta(days=1)
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return kwh_by_month


def write_account(path: Path, yaml_text: str) -> Path:
    """Write an account YAML file and return its path."""
    path.write_text(yaml_text, encoding="utf-8")
    return path


def price_json(
    capsys: pytest.CaptureFixture[str],
    readings_path: Path,
    tariff_id: str,
    account_path: Path | None = None,
) -> dict[str, Any]:
    """Run ``tariffs price ... --format json`` in process and return the parsed output."""
    arguments = ["price", str(readings_path), "--tariff", tariff_id, "--format", "json"]
    if account_path is not None:
        arguments += ["--account", str(account_path)]
    exit_code = main(arguments)
    captured = capsys.readouterr()
    assert exit_code == 0, captured.err
    output: dict[str, Any] = json.loads(captured.out)
    return output


def assert_bills(
    output: dict[str, Any],
    kwh_by_month: Mapping[date, Decimal],
    expected_bills: list[ExpectedBill],
    expected_total: str,
    *,
    lines_cover_energy: bool = True,
) -> None:
    """Compare the engine's bills with the hand-computed ones, line by line.

    Args:
        output: Parsed JSON output of ``tariffs price``.
        kwh_by_month: kWh of the readings per month, summed from the pattern.
        expected_bills: The hand-computed bills, in order.
        expected_total: Sum of the expected bill totals, written out by hand.
        lines_cover_energy: Every kWh appears in exactly one line, so the line quantities
            add up to the bill's kWh (false for the increment lines of Zhejiang's TOU
            variant, which bill some kWh a second time).
    """
    bills = output["bills"]
    assert [(b["period"]["start"], b["period"]["end"]) for b in bills] == [
        (expected.start.isoformat(), expected.end.isoformat()) for expected in expected_bills
    ]
    for actual, expected in zip(bills, expected_bills, strict=True):
        where = expected.start.isoformat()
        # Every kWh read is billed: energy_kwh equals the readings and the hand count.
        assert Decimal(actual["energy_kwh"]) == expected.energy_kwh, where
        assert kwh_by_month[expected.start.replace(day=1)] == expected.energy_kwh, where
        codes = [actual_line["code"] for actual_line in actual["lines"]]
        assert sorted(codes) == sorted(expected.lines), where
        for actual_line in actual["lines"]:
            expected_line = expected.lines[actual_line["code"]]
            context = f"{where} {actual_line['code']}"
            assert actual_line["kind"] == "energy", context
            assert actual_line["unit"] == "kWh", context
            assert Decimal(actual_line["quantity"]) == expected_line.quantity_kwh, context
            assert Decimal(actual_line["rate"]) == expected_line.rate_per_kwh, context
            assert Decimal(actual_line["amount"]) == expected_line.amount, context
        assert Decimal(actual["total"]) == expected.total, where
        line_amounts = [Decimal(actual_line["amount"]) for actual_line in actual["lines"]]
        assert sum(line_amounts, Decimal(0)) == Decimal(actual["total"]), where
        if lines_cover_energy:
            line_quantities = [Decimal(actual_line["quantity"]) for actual_line in actual["lines"]]
            assert sum(line_quantities, Decimal(0)) == Decimal(actual["energy_kwh"]), where
    written_total = Decimal(expected_total)
    assert written_total == sum((expected.total for expected in expected_bills), Decimal(0))
    assert Decimal(output["total"]) == written_total
    assert sum((Decimal(b["total"]) for b in bills), Decimal(0)) == Decimal(output["total"])


def constant(energy_kwh: str) -> KwhOfHour:
    """Pattern: the same kWh in every hour."""
    value = Decimal(energy_kwh)
    return lambda day, hour: value


# --------------------------------------------------------------------------------------
# cn-bj-residential: monthly tiers, up to 240 kWh at 0.4883; 240 to 400 at 0.5383;
# above 400 at 0.7883 (CNY/kWh).
# --------------------------------------------------------------------------------------


def test_bj_month_below_first_bound(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A June of 150 kWh stays in tier 1; 73.245 rounds half-up (half-even would give .24)."""
    # 1 kWh in each hour 19..23 (5 hours) of 30 days = 150 kWh.
    kwh_by_month = write_readings(
        tmp_path / "readings.csv",
        date(2025, 6, 1),
        date(2025, 7, 1),
        lambda day, hour: Decimal(1) if hour >= 19 else Decimal(0),
    )
    output = price_json(capsys, tmp_path / "readings.csv", "cn-bj-residential")
    june = bill(
        *month(2025, 6),
        150,
        {"energy.tier1": line(150, "0.4883", "73.25")},  # 150 × 0.4883 = 73.245
        total="73.25",
    )
    assert_bills(output, kwh_by_month, [june], "73.25")


def test_bj_month_exactly_at_first_bound(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """240 kWh fill tier 1 exactly; tier 2 has no kWh and so no line."""
    # 1 kWh in each hour 00..07 (8 hours) of 30 days = 240 kWh.
    kwh_by_month = write_readings(
        tmp_path / "readings.csv",
        date(2025, 6, 1),
        date(2025, 7, 1),
        lambda day, hour: Decimal(1) if hour < 8 else Decimal(0),
    )
    output = price_json(capsys, tmp_path / "readings.csv", "cn-bj-residential")
    june = bill(
        *month(2025, 6),
        240,
        {"energy.tier1": line(240, "0.4883", "117.19")},  # 240 × 0.4883 = 117.192
        total="117.19",
    )
    assert_bills(output, kwh_by_month, [june], "117.19")


def test_bj_month_crossing_both_bounds(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A June of 540 kWh is split 240 / 160 / 140 over the three monthly tiers."""
    # 0.75 kWh × 24 hours × 30 days = 540 kWh.
    kwh_by_month = write_readings(
        tmp_path / "readings.csv", date(2025, 6, 1), date(2025, 7, 1), constant("0.75")
    )
    output = price_json(capsys, tmp_path / "readings.csv", "cn-bj-residential")
    june = bill(
        *month(2025, 6),
        540,
        {
            "energy.tier1": line(240, "0.4883", "117.19"),  # 240 × 0.4883 = 117.192
            "energy.tier2": line(400 - 240, "0.5383", "86.13"),  # 160 × 0.5383 = 86.128
            "energy.tier3": line(540 - 400, "0.7883", "110.36"),  # 140 × 0.7883 = 110.362
        },
        total="313.68",  # 117.19 + 86.13 + 110.36
    )
    assert_bills(output, kwh_by_month, [june], "313.68")


def test_bj_two_months_reset_tiers(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Monthly tiers start afresh: August's 186 kWh are tier 1 after July's 372 kWh."""
    # July: 0.5 kWh × 24 × 31 = 372 kWh; August: 0.25 kWh × 24 × 31 = 186 kWh.
    kwh_by_month = write_readings(
        tmp_path / "readings.csv",
        date(2025, 7, 1),
        date(2025, 9, 1),
        lambda day, hour: Decimal("0.5") if day.month == 7 else Decimal("0.25"),
    )
    output = price_json(capsys, tmp_path / "readings.csv", "cn-bj-residential")
    july = bill(
        *month(2025, 7),
        372,
        {
            "energy.tier1": line(240, "0.4883", "117.19"),  # 240 × 0.4883 = 117.192
            "energy.tier2": line(372 - 240, "0.5383", "71.06"),  # 132 × 0.5383 = 71.0556
        },
        total="188.25",  # 117.19 + 71.06
    )
    august = bill(
        *month(2025, 8),
        186,
        {"energy.tier1": line(186, "0.4883", "90.82")},  # 186 × 0.4883 = 90.8238
        total="90.82",
    )
    assert_bills(output, kwh_by_month, [july, august], "279.07")  # 188.25 + 90.82


def test_bj_allowance_raises_monthly_bounds(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """An allowance of 100 kWh per month moves the bounds to 340 / 500 kWh."""
    # 0.75 kWh × 24 hours × 30 days = 540 kWh: 340 / 160 / 40.
    kwh_by_month = write_readings(
        tmp_path / "readings.csv", date(2025, 6, 1), date(2025, 7, 1), constant("0.75")
    )
    account = write_account(
        tmp_path / "account.yaml", "account_id: BJ-ALLOWANCE\ntier_allowance_kwh_per_month: 100\n"
    )
    output = price_json(capsys, tmp_path / "readings.csv", "cn-bj-residential", account)
    june = bill(
        *month(2025, 6),
        540,
        {
            "energy.tier1": line(240 + 100, "0.4883", "166.02"),  # 340 × 0.4883 = 166.022
            "energy.tier2": line(500 - 340, "0.5383", "86.13"),  # 160 × 0.5383 = 86.128
            "energy.tier3": line(540 - 500, "0.7883", "31.53"),  # 40 × 0.7883 = 31.532
        },
        total="283.68",  # 166.02 + 86.13 + 31.53
    )
    assert_bills(output, kwh_by_month, [june], "283.68")


# --------------------------------------------------------------------------------------
# cn-zj-residential: annual tiers on kWh since January 1; tier 1 up to 2760 kWh, tier 2
# from 2760 to 4800, tier 3 above 4800; 0.538 / 0.588 / 0.838 CNY/kWh.
# --------------------------------------------------------------------------------------


def summer_heavy(day: date, hour: int) -> Decimal:
    """Pattern for a whole year: 1 kWh per hour June to September, 0.5 kWh otherwise."""
    return Decimal(1) if 6 <= day.month <= 9 else Decimal("0.5")


def test_zj_whole_year(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Twelve bills of 2025; 2760 is crossed in July and 4800 in October.

    Monthly kWh and the year's cumulative kWh at the end of each month:
    Jan 372 (372), Feb 336 (708), Mar 372 (1080), Apr 360 (1440), May 372 (1812),
    Jun 720 (2532), Jul 744 (3276), Aug 744 (4020), Sep 720 (4740), Oct 372 (5112),
    Nov 360 (5472), Dec 372 (5844).
    """
    kwh_by_month = write_readings(
        tmp_path / "readings.csv", date(2025, 1, 1), date(2026, 1, 1), summer_heavy
    )
    output = price_json(capsys, tmp_path / "readings.csv", "cn-zj-residential")
    expected = [
        # 0.5 × 24 × 31 = 372; 372 × 0.538 = 200.136
        bill(*month(2025, 1), 372, {"energy.tier1": line(372, "0.538", "200.14")}, "200.14"),
        # 0.5 × 24 × 28 = 336; 336 × 0.538 = 180.768
        bill(*month(2025, 2), 336, {"energy.tier1": line(336, "0.538", "180.77")}, "180.77"),
        bill(*month(2025, 3), 372, {"energy.tier1": line(372, "0.538", "200.14")}, "200.14"),
        # 0.5 × 24 × 30 = 360; 360 × 0.538 = 193.68
        bill(*month(2025, 4), 360, {"energy.tier1": line(360, "0.538", "193.68")}, "193.68"),
        bill(*month(2025, 5), 372, {"energy.tier1": line(372, "0.538", "200.14")}, "200.14"),
        # 1 × 24 × 30 = 720; cumulative 2532; 720 × 0.538 = 387.36
        bill(*month(2025, 6), 720, {"energy.tier1": line(720, "0.538", "387.36")}, "387.36"),
        bill(
            *month(2025, 7),
            744,  # 1 × 24 × 31; cumulative 2532 → 3276 crosses 2760
            {
                "energy.tier1": line(2760 - 2532, "0.538", "122.66"),  # 228 × 0.538 = 122.664
                "energy.tier2": line(3276 - 2760, "0.588", "303.41"),  # 516 × 0.588 = 303.408
            },
            "426.07",  # 122.66 + 303.41
        ),
        # cumulative 4020; 744 × 0.588 = 437.472
        bill(*month(2025, 8), 744, {"energy.tier2": line(744, "0.588", "437.47")}, "437.47"),
        # cumulative 4740; 720 × 0.588 = 423.36
        bill(*month(2025, 9), 720, {"energy.tier2": line(720, "0.588", "423.36")}, "423.36"),
        bill(
            *month(2025, 10),
            372,  # cumulative 4740 → 5112 crosses 4800
            {
                "energy.tier2": line(4800 - 4740, "0.588", "35.28"),  # 60 × 0.588 = 35.28
                "energy.tier3": line(5112 - 4800, "0.838", "261.46"),  # 312 × 0.838 = 261.456
            },
            "296.74",  # 35.28 + 261.46
        ),
        # 360 × 0.838 = 301.68
        bill(*month(2025, 11), 360, {"energy.tier3": line(360, "0.838", "301.68")}, "301.68"),
        # 372 × 0.838 = 311.736
        bill(*month(2025, 12), 372, {"energy.tier3": line(372, "0.838", "311.74")}, "311.74"),
    ]
    # 200.14 + 180.77 + 200.14 + 193.68 + 200.14 + 387.36 + 426.07 + 437.47 + 423.36
    # + 296.74 + 301.68 + 311.74 = 3559.29
    assert_bills(output, kwh_by_month, expected, "3559.29")


def test_zj_allowance_and_year_to_date(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Allowance 100 kWh/month moves the annual bounds to 3960 / 6000; 3800 kWh already used.

    Readings September to December 2025, 1 kWh every hour: 720, 744, 720, 744 kWh.
    Cumulative: 3800 → 4520 (crosses 3960) → 5264 → 5984 → 6728 (crosses 6000).
    """
    kwh_by_month = write_readings(
        tmp_path / "readings.csv", date(2025, 9, 1), date(2026, 1, 1), constant("1")
    )
    account = write_account(
        tmp_path / "account.yaml",
        "account_id: ZJ-ALLOWANCE\ntier_allowance_kwh_per_month: 100\nyear_to_date_kwh: 3800\n",
    )
    output = price_json(capsys, tmp_path / "readings.csv", "cn-zj-residential", account)
    tier1_bound = 2760 + 100 * 12  # 3960
    tier2_bound = 4800 + 100 * 12  # 6000
    expected = [
        bill(
            *month(2025, 9),
            720,
            {
                "energy.tier1": line(tier1_bound - 3800, "0.538", "86.08"),  # 160 × 0.538
                "energy.tier2": line(4520 - tier1_bound, "0.588", "329.28"),  # 560 × 0.588
            },
            "415.36",  # 86.08 + 329.28
        ),
        # 744 × 0.588 = 437.472
        bill(*month(2025, 10), 744, {"energy.tier2": line(744, "0.588", "437.47")}, "437.47"),
        # 720 × 0.588 = 423.36; cumulative 5984, still below 6000
        bill(*month(2025, 11), 720, {"energy.tier2": line(720, "0.588", "423.36")}, "423.36"),
        bill(
            *month(2025, 12),
            744,
            {
                "energy.tier2": line(tier2_bound - 5984, "0.588", "9.41"),  # 16 × 0.588 = 9.408
                "energy.tier3": line(6728 - tier2_bound, "0.838", "610.06"),  # 728 × 0.838
            },  # 728 × 0.838 = 610.064
            "619.47",  # 9.41 + 610.06
        ),
    ]
    assert_bills(output, kwh_by_month, expected, "1895.66")  # 415.36+437.47+423.36+619.47


def test_zj_year_to_date_pushes_first_month_across_bound(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """With 2700 kWh used before March, March's first 60 kWh are tier 1 and the rest tier 2."""
    # 0.5 kWh every hour: March 372 kWh (cumulative 2700 → 3072), April 360 (→ 3432).
    kwh_by_month = write_readings(
        tmp_path / "readings.csv", date(2025, 3, 1), date(2025, 5, 1), constant("0.5")
    )
    account = write_account(
        tmp_path / "account.yaml", "account_id: ZJ-YTD\nyear_to_date_kwh: 2700\n"
    )
    output = price_json(capsys, tmp_path / "readings.csv", "cn-zj-residential", account)
    expected = [
        bill(
            *month(2025, 3),
            372,
            {
                "energy.tier1": line(2760 - 2700, "0.538", "32.28"),  # 60 × 0.538 = 32.28
                "energy.tier2": line(3072 - 2760, "0.588", "183.46"),  # 312 × 0.588 = 183.456
            },
            "215.74",  # 32.28 + 183.46
        ),
        # 360 × 0.588 = 211.68
        bill(*month(2025, 4), 360, {"energy.tier2": line(360, "0.588", "211.68")}, "211.68"),
    ]
    assert_bills(output, kwh_by_month, expected, "427.42")  # 215.74 + 211.68


def test_zj_year_to_date_counts_only_in_its_year(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """4700 kWh before December 2025 push December into tiers 2 and 3; January 2026 restarts."""
    # 0.5 kWh every hour: December 372 kWh (cumulative 4700 → 5072); January 372 (new year).
    kwh_by_month = write_readings(
        tmp_path / "readings.csv", date(2025, 12, 1), date(2026, 2, 1), constant("0.5")
    )
    account = write_account(
        tmp_path / "account.yaml", "account_id: ZJ-YEAR\nyear_to_date_kwh: 4700\n"
    )
    output = price_json(capsys, tmp_path / "readings.csv", "cn-zj-residential", account)
    expected = [
        bill(
            *month(2025, 12),
            372,
            {
                "energy.tier2": line(4800 - 4700, "0.588", "58.80"),  # 100 × 0.588 = 58.8
                "energy.tier3": line(5072 - 4800, "0.838", "227.94"),  # 272 × 0.838 = 227.936
            },
            "286.74",  # 58.80 + 227.94
        ),
        # 372 × 0.538 = 200.136
        bill(*month(2026, 1), 372, {"energy.tier1": line(372, "0.538", "200.14")}, "200.14"),
    ]
    assert_bills(output, kwh_by_month, expected, "486.88")  # 286.74 + 200.14


def test_zj_account_opened_mid_year_has_full_bounds(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """An account opened on 2025-07-10 still has the whole 2760 kWh of tier 1 for 2025.

    2 kWh every hour from July 10: July 22 days × 48 = 1056 kWh, August 31 × 48 = 1488
    (cumulative 2544), September 30 × 48 = 1440 (cumulative 3984, crosses 2760). Bounds
    prorated by months of service would give a different split.
    """
    kwh_by_month = write_readings(
        tmp_path / "readings.csv", date(2025, 7, 10), date(2025, 10, 1), constant("2")
    )
    account = write_account(
        tmp_path / "account.yaml", "account_id: ZJ-NEW\nservice_start: 2025-07-10\n"
    )
    output = price_json(capsys, tmp_path / "readings.csv", "cn-zj-residential", account)
    expected = [
        # The July period starts at the service start (a partial billing period).
        bill(
            date(2025, 7, 10),
            date(2025, 8, 1),
            1056,
            {"energy.tier1": line(1056, "0.538", "568.13")},  # 1056 × 0.538 = 568.128
            "568.13",
        ),
        # 1488 × 0.538 = 800.544
        bill(*month(2025, 8), 1488, {"energy.tier1": line(1488, "0.538", "800.54")}, "800.54"),
        bill(
            *month(2025, 9),
            1440,
            {
                "energy.tier1": line(2760 - 2544, "0.538", "116.21"),  # 216 × 0.538 = 116.208
                "energy.tier2": line(3984 - 2760, "0.588", "719.71"),  # 1224 × 0.588 = 719.712
            },
            "835.92",  # 116.21 + 719.71
        ),
    ]
    assert_bills(output, kwh_by_month, expected, "2204.59")  # 568.13 + 800.54 + 835.92


# --------------------------------------------------------------------------------------
# cn-zj-residential-tou (increment method): peak 08-22 at 0.568, valley 22-08 at 0.288 on
# all kWh; then + 0.05 on the kWh in tier 2 and + 0.30 on the kWh in tier 3 (annual tiers
# on the cumulative kWh of both periods, bounds 2760 / 4800).
# --------------------------------------------------------------------------------------


def zj_peak_and_valley(day: date, hour: int) -> Decimal:
    """Pattern: 1 kWh in each peak hour (08-22, 14 h), 2 kWh in each valley hour (10 h).

    Per day: peak 14 kWh, valley 20 kWh, 34 kWh in all.
    """
    return Decimal(1) if 8 <= hour < 22 else Decimal(2)


def test_zj_tou_first_months_cross_tier_two(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """January to April 2025; 2760 is crossed in March.

    Jan 31 days: peak 434, valley 620, 1054 kWh (cumulative 1054); Feb 28 days: 392 /
    560, 952 (2006); Mar: 434 / 620, 1054 (3060: 754 in tier 1, 300 in tier 2); Apr 30
    days: 420 / 600, 1020 (4080, all tier 2).
    """
    kwh_by_month = write_readings(
        tmp_path / "readings.csv", date(2025, 1, 1), date(2025, 5, 1), zj_peak_and_valley
    )
    output = price_json(capsys, tmp_path / "readings.csv", "cn-zj-residential-tou")
    peak_31_days = line(14 * 31, "0.568", "246.51")  # 434 × 0.568 = 246.512
    valley_31_days = line(20 * 31, "0.288", "178.56")  # 620 × 0.288 = 178.56
    expected = [
        bill(
            *month(2025, 1),
            1054,
            {"energy.peak": peak_31_days, "energy.valley": valley_31_days},
            "425.07",  # 246.51 + 178.56
        ),
        bill(
            *month(2025, 2),
            952,
            {
                "energy.peak": line(14 * 28, "0.568", "222.66"),  # 392 × 0.568 = 222.656
                "energy.valley": line(20 * 28, "0.288", "161.28"),  # 560 × 0.288 = 161.28
            },
            "383.94",  # 222.66 + 161.28
        ),
        bill(
            *month(2025, 3),
            1054,
            {
                "energy.peak": peak_31_days,
                "energy.valley": valley_31_days,
                "energy.tier2": line(3060 - 2760, "0.05", "15.00"),  # 300 × 0.05 = 15
            },
            "440.07",  # 246.51 + 178.56 + 15.00
        ),
        bill(
            *month(2025, 4),
            1020,
            {
                "energy.peak": line(14 * 30, "0.568", "238.56"),  # 420 × 0.568 = 238.56
                "energy.valley": line(20 * 30, "0.288", "172.80"),  # 600 × 0.288 = 172.8
                "energy.tier2": line(1020, "0.05", "51.00"),  # 1020 × 0.05 = 51
            },
            "462.36",  # 238.56 + 172.80 + 51.00
        ),
    ]
    # 425.07 + 383.94 + 440.07 + 462.36 = 1711.44
    assert_bills(output, kwh_by_month, expected, "1711.44", lines_cover_energy=False)


def test_zj_tou_month_crossing_into_tier_three(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """4500 kWh used before July; July's 1054 kWh are 300 in tier 2 and 754 in tier 3.

    Tier 3 is 0.30 above tier 1 (not 0.05 + 0.30): the increments do not stack.
    """
    kwh_by_month = write_readings(
        tmp_path / "readings.csv", date(2025, 7, 1), date(2025, 8, 1), zj_peak_and_valley
    )
    account = write_account(
        tmp_path / "account.yaml", "account_id: ZJ-TOU\nyear_to_date_kwh: 4500\n"
    )
    output = price_json(capsys, tmp_path / "readings.csv", "cn-zj-residential-tou", account)
    july = bill(
        *month(2025, 7),
        1054,  # peak 14 × 31 = 434, valley 20 × 31 = 620; cumulative 4500 → 5554
        {
            "energy.peak": line(434, "0.568", "246.51"),  # 434 × 0.568 = 246.512
            "energy.valley": line(620, "0.288", "178.56"),  # 620 × 0.288 = 178.56
            "energy.tier2": line(4800 - 4500, "0.05", "15.00"),  # 300 × 0.05 = 15
            "energy.tier3": line(5554 - 4800, "0.30", "226.20"),  # 754 × 0.30 = 226.2
        },
        "666.27",  # 246.51 + 178.56 + 15.00 + 226.20
    )
    assert_bills(output, kwh_by_month, [july], "666.27", lines_cover_energy=False)


# --------------------------------------------------------------------------------------
# cn-sh-residential: annual tiers, tier 1 up to 3120 kWh, tier 2 from 3120 to 4800, tier 3
# above 4800; 0.617 / 0.667 / 0.917 CNY/kWh.
# --------------------------------------------------------------------------------------


def test_sh_whole_year(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Twelve bills of 2025 with the summer-heavy pattern; 3120 crossed in July, 4800 in October.

    Cumulative kWh at the end of each month: Jan 372, Feb 708, Mar 1080, Apr 1440,
    May 1812, Jun 2532, Jul 3276, Aug 4020, Sep 4740, Oct 5112, Nov 5472, Dec 5844.
    """
    kwh_by_month = write_readings(
        tmp_path / "readings.csv", date(2025, 1, 1), date(2026, 1, 1), summer_heavy
    )
    output = price_json(capsys, tmp_path / "readings.csv", "cn-sh-residential")
    expected = [
        # 372 × 0.617 = 229.524
        bill(*month(2025, 1), 372, {"energy.tier1": line(372, "0.617", "229.52")}, "229.52"),
        # 336 × 0.617 = 207.312
        bill(*month(2025, 2), 336, {"energy.tier1": line(336, "0.617", "207.31")}, "207.31"),
        bill(*month(2025, 3), 372, {"energy.tier1": line(372, "0.617", "229.52")}, "229.52"),
        # 360 × 0.617 = 222.12
        bill(*month(2025, 4), 360, {"energy.tier1": line(360, "0.617", "222.12")}, "222.12"),
        bill(*month(2025, 5), 372, {"energy.tier1": line(372, "0.617", "229.52")}, "229.52"),
        # 720 × 0.617 = 444.24
        bill(*month(2025, 6), 720, {"energy.tier1": line(720, "0.617", "444.24")}, "444.24"),
        bill(
            *month(2025, 7),
            744,  # cumulative 2532 → 3276 crosses 3120
            {
                "energy.tier1": line(3120 - 2532, "0.617", "362.80"),  # 588 × 0.617 = 362.796
                "energy.tier2": line(3276 - 3120, "0.667", "104.05"),  # 156 × 0.667 = 104.052
            },
            "466.85",  # 362.80 + 104.05
        ),
        # 744 × 0.667 = 496.248
        bill(*month(2025, 8), 744, {"energy.tier2": line(744, "0.667", "496.25")}, "496.25"),
        # 720 × 0.667 = 480.24
        bill(*month(2025, 9), 720, {"energy.tier2": line(720, "0.667", "480.24")}, "480.24"),
        bill(
            *month(2025, 10),
            372,  # cumulative 4740 → 5112 crosses 4800
            {
                "energy.tier2": line(4800 - 4740, "0.667", "40.02"),  # 60 × 0.667 = 40.02
                "energy.tier3": line(5112 - 4800, "0.917", "286.10"),  # 312 × 0.917 = 286.104
            },
            "326.12",  # 40.02 + 286.10
        ),
        # 360 × 0.917 = 330.12
        bill(*month(2025, 11), 360, {"energy.tier3": line(360, "0.917", "330.12")}, "330.12"),
        # 372 × 0.917 = 341.124
        bill(*month(2025, 12), 372, {"energy.tier3": line(372, "0.917", "341.12")}, "341.12"),
    ]
    # 229.52 + 207.31 + 229.52 + 222.12 + 229.52 + 444.24 + 466.85 + 496.25 + 480.24
    # + 326.12 + 330.12 + 341.12 = 4002.93
    assert_bills(output, kwh_by_month, expected, "4002.93")


def test_sh_month_ending_exactly_on_bound(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """2748 kWh before March plus March's 372 kWh reach 3120 exactly: all of March is tier 1."""
    # 0.5 kWh every hour: March 372 (cumulative 2748 → 3120), April 360 (→ 3480, tier 2).
    kwh_by_month = write_readings(
        tmp_path / "readings.csv", date(2025, 3, 1), date(2025, 5, 1), constant("0.5")
    )
    account = write_account(
        tmp_path / "account.yaml", "account_id: SH-EDGE\nyear_to_date_kwh: 2748\n"
    )
    output = price_json(capsys, tmp_path / "readings.csv", "cn-sh-residential", account)
    expected = [
        # 372 × 0.617 = 229.524
        bill(*month(2025, 3), 372, {"energy.tier1": line(372, "0.617", "229.52")}, "229.52"),
        # 360 × 0.667 = 240.12
        bill(*month(2025, 4), 360, {"energy.tier2": line(360, "0.667", "240.12")}, "240.12"),
    ]
    assert_bills(output, kwh_by_month, expected, "469.64")  # 229.52 + 240.12


# --------------------------------------------------------------------------------------
# cn-sh-residential-tou: peak 06-22 at 0.617 / 0.677 / 0.977, valley 22-06 at 0.307 / 0.337
# / 0.487 (tiers 1/2/3); the kWh of each tier are split between peak and valley in
# proportion to the month's peak and valley kWh. The readings below make every split
# exact in whole kWh, so the rounding of split quantities to 0.001 kWh (largest
# remainder) does not change any number here.
# --------------------------------------------------------------------------------------


def test_sh_tou_whole_year(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Twelve bills of 2025, peak : valley = 3 : 1 every month; crossings in July and October.

    0.75 kWh in each peak hour (16 h → 12 kWh a day), 0.5 kWh in each valley hour (8 h →
    4 kWh a day): 16 kWh a day, of which 3/4 peak. A 31-day month has peak 372, valley 124
    (496 kWh); a 30-day month 360 / 120 (480); February 336 / 112 (448).
    Cumulative: Jan 496, Feb 944, Mar 1440, Apr 1920, May 2416, Jun 2896, Jul 3392,
    Aug 3888, Sep 4368, Oct 4864, Nov 5344, Dec 5840.
    July: tier 1 = 3120 − 2896 = 224 → peak 168, valley 56; tier 2 = 3392 − 3120 = 272 →
    peak 204, valley 68 (peak 168 + 204 = 372, valley 56 + 68 = 124).
    October: tier 2 = 4800 − 4368 = 432 → peak 324, valley 108; tier 3 = 4864 − 4800 = 64
    → peak 48, valley 16 (peak 324 + 48 = 372, valley 108 + 16 = 124).
    """
    kwh_by_month = write_readings(
        tmp_path / "readings.csv",
        date(2025, 1, 1),
        date(2026, 1, 1),
        lambda day, hour: Decimal("0.75") if 6 <= hour < 22 else Decimal("0.5"),
    )
    output = price_json(capsys, tmp_path / "readings.csv", "cn-sh-residential-tou")
    tier1_31_days = {
        "energy.peak.tier1": line(372, "0.617", "229.52"),  # 372 × 0.617 = 229.524
        "energy.valley.tier1": line(124, "0.307", "38.07"),  # 124 × 0.307 = 38.068
    }  # 229.52 + 38.07 = 267.59
    tier1_30_days = {
        "energy.peak.tier1": line(360, "0.617", "222.12"),  # 360 × 0.617 = 222.12
        "energy.valley.tier1": line(120, "0.307", "36.84"),  # 120 × 0.307 = 36.84
    }  # 222.12 + 36.84 = 258.96
    expected = [
        bill(*month(2025, 1), 496, tier1_31_days, "267.59"),
        bill(
            *month(2025, 2),
            448,
            {
                "energy.peak.tier1": line(336, "0.617", "207.31"),  # 336 × 0.617 = 207.312
                "energy.valley.tier1": line(112, "0.307", "34.38"),  # 112 × 0.307 = 34.384
            },
            "241.69",  # 207.31 + 34.38
        ),
        bill(*month(2025, 3), 496, tier1_31_days, "267.59"),
        bill(*month(2025, 4), 480, tier1_30_days, "258.96"),
        bill(*month(2025, 5), 496, tier1_31_days, "267.59"),
        bill(*month(2025, 6), 480, tier1_30_days, "258.96"),
        bill(
            *month(2025, 7),
            496,
            {
                "energy.peak.tier1": line(224 * 3 // 4, "0.617", "103.66"),  # 168 × 0.617
                "energy.valley.tier1": line(224 // 4, "0.307", "17.19"),  # 56 × 0.307
                "energy.peak.tier2": line(272 * 3 // 4, "0.677", "138.11"),  # 204 × 0.677
                "energy.valley.tier2": line(272 // 4, "0.337", "22.92"),  # 68 × 0.337
            },  # = 103.656, 17.192, 138.108, 22.916
            "281.88",  # 103.66 + 17.19 + 138.11 + 22.92
        ),
        bill(
            *month(2025, 8),
            496,
            {
                "energy.peak.tier2": line(372, "0.677", "251.84"),  # 372 × 0.677 = 251.844
                "energy.valley.tier2": line(124, "0.337", "41.79"),  # 124 × 0.337 = 41.788
            },
            "293.63",  # 251.84 + 41.79
        ),
        bill(
            *month(2025, 9),
            480,
            {
                "energy.peak.tier2": line(360, "0.677", "243.72"),  # 360 × 0.677 = 243.72
                "energy.valley.tier2": line(120, "0.337", "40.44"),  # 120 × 0.337 = 40.44
            },
            "284.16",  # 243.72 + 40.44
        ),
        bill(
            *month(2025, 10),
            496,
            {
                "energy.peak.tier2": line(432 * 3 // 4, "0.677", "219.35"),  # 324 × 0.677
                "energy.valley.tier2": line(432 // 4, "0.337", "36.40"),  # 108 × 0.337
                "energy.peak.tier3": line(64 * 3 // 4, "0.977", "46.90"),  # 48 × 0.977
                "energy.valley.tier3": line(64 // 4, "0.487", "7.79"),  # 16 × 0.487
            },  # = 219.348, 36.396, 46.896, 7.792
            "310.44",  # 219.35 + 36.40 + 46.90 + 7.79
        ),
        bill(
            *month(2025, 11),
            480,
            {
                "energy.peak.tier3": line(360, "0.977", "351.72"),  # 360 × 0.977 = 351.72
                "energy.valley.tier3": line(120, "0.487", "58.44"),  # 120 × 0.487 = 58.44
            },
            "410.16",  # 351.72 + 58.44
        ),
        bill(
            *month(2025, 12),
            496,
            {
                "energy.peak.tier3": line(372, "0.977", "363.44"),  # 372 × 0.977 = 363.444
                "energy.valley.tier3": line(124, "0.487", "60.39"),  # 124 × 0.487 = 60.388
            },
            "423.83",  # 363.44 + 60.39
        ),
    ]
    # 267.59 + 241.69 + 267.59 + 258.96 + 267.59 + 258.96 + 281.88 + 293.63 + 284.16
    # + 310.44 + 410.16 + 423.83 = 3566.48
    assert_bills(output, kwh_by_month, expected, "3566.48")


def test_sh_tou_split_in_thirds(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Peak : valley = 2 : 1 (shares of 1/3, not exact decimals) with 3000 kWh already used.

    0.5 kWh every hour of March: peak 16 h × 0.5 × 31 = 248, valley 8 h × 0.5 × 31 = 124,
    372 kWh; cumulative 3000 → 3372. Tier 1 = 120 → peak 80, valley 40; tier 2 = 252 →
    peak 168, valley 84. Both tier quantities are multiples of 3, so the split is exact.
    """
    kwh_by_month = write_readings(
        tmp_path / "readings.csv", date(2025, 3, 1), date(2025, 4, 1), constant("0.5")
    )
    account = write_account(
        tmp_path / "account.yaml", "account_id: SH-TOU\nyear_to_date_kwh: 3000\n"
    )
    output = price_json(capsys, tmp_path / "readings.csv", "cn-sh-residential-tou", account)
    march = bill(
        *month(2025, 3),
        372,
        {
            "energy.peak.tier1": line(120 * 2 // 3, "0.617", "49.36"),  # 80 × 0.617 = 49.36
            "energy.valley.tier1": line(120 // 3, "0.307", "12.28"),  # 40 × 0.307 = 12.28
            "energy.peak.tier2": line(252 * 2 // 3, "0.677", "113.74"),  # 168 × 0.677 = 113.736
            "energy.valley.tier2": line(252 // 3, "0.337", "28.31"),  # 84 × 0.337 = 28.308
        },
        "203.69",  # 49.36 + 12.28 + 113.74 + 28.31
    )
    assert_bills(output, kwh_by_month, [march], "203.69")


def test_sh_tou_month_spanning_three_tiers(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """One March crosses both 3120 and 4800 after 3100 kWh already used: all six lines.

    4 kWh in each peak hour (16 h → 64 a day), 2 kWh in each valley hour (8 h → 16 a day):
    peak 64 × 31 = 1984, valley 16 × 31 = 496, 2480 kWh, peak share 4/5. Cumulative 3100 →
    5580: tier 1 = 20 → 16 / 4; tier 2 = 1680 → 1344 / 336; tier 3 = 780 → 624 / 156
    (peak 16 + 1344 + 624 = 1984, valley 4 + 336 + 156 = 496).
    """
    kwh_by_month = write_readings(
        tmp_path / "readings.csv",
        date(2025, 3, 1),
        date(2025, 4, 1),
        lambda day, hour: Decimal(4) if 6 <= hour < 22 else Decimal(2),
    )
    account = write_account(
        tmp_path / "account.yaml", "account_id: SH-BIG\nyear_to_date_kwh: 3100\n"
    )
    output = price_json(capsys, tmp_path / "readings.csv", "cn-sh-residential-tou", account)
    march = bill(
        *month(2025, 3),
        2480,
        {
            "energy.peak.tier1": line(20 * 4 // 5, "0.617", "9.87"),  # 16 × 0.617 = 9.872
            "energy.valley.tier1": line(20 // 5, "0.307", "1.23"),  # 4 × 0.307 = 1.228
            "energy.peak.tier2": line(1680 * 4 // 5, "0.677", "909.89"),  # 1344 × 0.677
            "energy.valley.tier2": line(1680 // 5, "0.337", "113.23"),  # 336 × 0.337
            "energy.peak.tier3": line(780 * 4 // 5, "0.977", "609.65"),  # 624 × 0.977
            "energy.valley.tier3": line(780 // 5, "0.487", "75.97"),  # 156 × 0.487
        },  # = 909.888, 113.232, 609.648, 75.972
        "1719.84",  # 9.87 + 1.23 + 909.89 + 113.23 + 609.65 + 75.97
    )
    assert_bills(output, kwh_by_month, [march], "1719.84")


# --------------------------------------------------------------------------------------
# cn-gd-commercial-tou: flat 0.6500; peak = 1.7 × 0.65 = 1.105; valley = 0.38 × 0.65 =
# 0.247; critical peak = 1.25 × 1.105 = 1.38125 (exact prices, only amounts rounded).
# Peak 10-12 and 14-19, valley 00-08, flat the rest; critical peak 11-12 and 15-17 every
# day of July to September, and on the account's critical_peak_days in other months.
# --------------------------------------------------------------------------------------

FLAT_PRICE = "0.6500"
PEAK_PRICE = str(Decimal("1.7") * Decimal(FLAT_PRICE))  # 1.105
VALLEY_PRICE = str(Decimal("0.38") * Decimal(FLAT_PRICE))  # 0.247
CRITICAL_PEAK_PRICE = str(Decimal("1.25") * Decimal(PEAK_PRICE))  # 1.38125


def ten_plus_hour(day: date, hour: int) -> Decimal:
    """Pattern: 10 + hour kWh in each hour (10 kWh at 00:00 ... 33 kWh at 23:00).

    Each hour has its own kWh, so a misclassified hour changes the period sums. Per day
    (516 kWh): valley hours 0-7: 10 + ... + 17 = 108.
    Ordinary day: peak 10, 11, 14-18: 20 + 21 + 24 + 25 + 26 + 27 + 28 = 171;
    flat 8, 9, 12, 13, 19-23: 18 + 19 + 22 + 23 + 29 + 30 + 31 + 32 + 33 = 237.
    Critical-peak day: critical 11, 15, 16: 21 + 25 + 26 = 72; peak 10, 14, 17, 18:
    20 + 24 + 27 + 28 = 99; flat 237 as above.
    """
    return Decimal(10 + hour)


def test_gd_july_every_day_critical_peak(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """July 2025: every day has critical peak at 11-12 and 15-17, no account needed.

    31 days × (valley 108, flat 237, peak 99, critical 72) = 3348 / 7347 / 3069 / 2232,
    15996 kWh (= 31 × 516).
    """
    assert Decimal(CRITICAL_PEAK_PRICE) == Decimal("1.38125")
    kwh_by_month = write_readings(
        tmp_path / "readings.csv", date(2025, 7, 1), date(2025, 8, 1), ten_plus_hour
    )
    output = price_json(capsys, tmp_path / "readings.csv", "cn-gd-commercial-tou")
    july = bill(
        *month(2025, 7),
        31 * 516,
        {
            "energy.critical_peak": line(31 * 72, CRITICAL_PEAK_PRICE, "3082.95"),  # 2232 × 1.38125
            "energy.peak": line(31 * 99, PEAK_PRICE, "3391.25"),  # 3069 × 1.105 = 3391.245
            "energy.flat": line(31 * 237, FLAT_PRICE, "4775.55"),  # 7347 × 0.65 = 4775.55
            "energy.valley": line(31 * 108, VALLEY_PRICE, "826.96"),  # 3348 × 0.247 = 826.956
        },  # 2232 × 1.38125 = 3082.95 exactly; 3391.245 rounds half-up (half-even: .24)
        "12076.71",  # 3082.95 + 3391.25 + 4775.55 + 826.96
    )
    assert_bills(output, kwh_by_month, [july], "12076.71")


def doubled_on_twelfth(day: date, hour: int) -> Decimal:
    """Pattern: `ten_plus_hour`, doubled on the 12th of the month (a distinct day)."""
    return ten_plus_hour(day, hour) * (2 if day.day == 12 else 1)


def test_gd_march_with_declared_critical_peak_day(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """March 2025 with critical_peak_days [2025-03-12]: critical peak on that day only.

    30 ordinary days × (108, 237, 171) = valley 3240, flat 7110, peak 5130; the 12th with
    doubled kWh: valley 216, flat 474, peak 198, critical 144. Totals: valley 3456,
    flat 7584, peak 5328, critical 144; 16512 kWh (= 30 × 516 + 2 × 516).
    """
    kwh_by_month = write_readings(
        tmp_path / "readings.csv", date(2025, 3, 1), date(2025, 4, 1), doubled_on_twelfth
    )
    account = write_account(
        tmp_path / "account.yaml", "account_id: GD-EVENT\ncritical_peak_days: [2025-03-12]\n"
    )
    output = price_json(capsys, tmp_path / "readings.csv", "cn-gd-commercial-tou", account)
    march = bill(
        *month(2025, 3),
        30 * 516 + 2 * 516,
        {
            "energy.critical_peak": line(2 * 72, CRITICAL_PEAK_PRICE, "198.90"),  # 144 × 1.38125
            "energy.peak": line(30 * 171 + 2 * 99, PEAK_PRICE, "5887.44"),  # 5328 × 1.105
            "energy.flat": line(30 * 237 + 2 * 237, FLAT_PRICE, "4929.60"),  # 7584 × 0.65
            "energy.valley": line(30 * 108 + 2 * 108, VALLEY_PRICE, "853.63"),  # 3456 × 0.247
        },  # = 198.9, 5887.44, 4929.6, 853.632
        "11869.57",  # 198.90 + 5887.44 + 4929.60 + 853.63
    )
    assert_bills(output, kwh_by_month, [march], "11869.57")


def test_gd_march_without_critical_peak_day(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The same March readings without an account: no critical peak, so no such line.

    Valley 3456, flat 7584 as above; peak 30 × 171 + 2 × 171 = 5472; 16512 kWh.
    """
    kwh_by_month = write_readings(
        tmp_path / "readings.csv", date(2025, 3, 1), date(2025, 4, 1), doubled_on_twelfth
    )
    output = price_json(capsys, tmp_path / "readings.csv", "cn-gd-commercial-tou")
    march = bill(
        *month(2025, 3),
        16512,
        {
            "energy.peak": line(32 * 171, PEAK_PRICE, "6046.56"),  # 5472 × 1.105 = 6046.56
            "energy.flat": line(32 * 237, FLAT_PRICE, "4929.60"),  # 7584 × 0.65 = 4929.6
            "energy.valley": line(32 * 108, VALLEY_PRICE, "853.63"),  # 3456 × 0.247 = 853.632
        },
        "11829.79",  # 6046.56 + 4929.60 + 853.63
    )
    assert_bills(output, kwh_by_month, [march], "11829.79")


def test_gd_september_to_october(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Critical peak runs through September 30 and stops on October 1 (1 kWh every hour).

    September (30 days): critical 3 h × 30 = 90, peak 4 h × 30 = 120, flat 9 h × 30 = 270,
    valley 8 h × 30 = 240 (720 kWh). October (31 days, ordinary): peak 7 × 31 = 217,
    flat 9 × 31 = 279, valley 8 × 31 = 248 (744 kWh).
    """
    kwh_by_month = write_readings(
        tmp_path / "readings.csv", date(2025, 9, 1), date(2025, 11, 1), constant("1")
    )
    output = price_json(capsys, tmp_path / "readings.csv", "cn-gd-commercial-tou")
    expected = [
        bill(
            *month(2025, 9),
            720,
            {
                "energy.critical_peak": line(90, CRITICAL_PEAK_PRICE, "124.31"),  # 124.3125
                "energy.peak": line(120, PEAK_PRICE, "132.60"),  # 120 × 1.105 = 132.6
                "energy.flat": line(270, FLAT_PRICE, "175.50"),  # 270 × 0.65 = 175.5
                "energy.valley": line(240, VALLEY_PRICE, "59.28"),  # 240 × 0.247 = 59.28
            },  # 90 × 1.38125 = 124.3125
            "491.69",  # 124.31 + 132.60 + 175.50 + 59.28
        ),
        bill(
            *month(2025, 10),
            744,
            {
                "energy.peak": line(217, PEAK_PRICE, "239.79"),  # 217 × 1.105 = 239.785
                "energy.flat": line(279, FLAT_PRICE, "181.35"),  # 279 × 0.65 = 181.35
                "energy.valley": line(248, VALLEY_PRICE, "61.26"),  # 248 × 0.247 = 61.256
            },
            "482.40",  # 239.79 + 181.35 + 61.26
        ),
    ]
    assert_bills(output, kwh_by_month, expected, "974.09")  # 491.69 + 482.40
