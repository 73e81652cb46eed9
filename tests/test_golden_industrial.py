"""Golden bills for the two industrial reference tariffs, worked out by hand.

Tariffs: ``cn-sh-industrial-two-part`` (两部制大工业: energy by time of use, a basic charge
on capacity or demand, two fund lines, power-factor adjustment at standard 0.90) and
``cn-hydro-seasonal-tou`` (丰枯 seasons times time of use, one fund line, power-factor
adjustment at standard 0.85), as specified in ``REFERENCE_TARIFFS.md`` of the project
documents. Prices, hours and ratios below are quoted from there.

Every expected number is derived here, by hand: each expected line is written as
``quantity × rate = amount`` with the exact product in a comment, and the builders check
that the written amount is that product (prorated where the period is partial) rounded
half-up to 0.01 CNY. A bill's total is the sum of its rounded lines and the power-factor
base is the sum of the rounded lines it covers, both written out beside it and checked by
`bill`. Nothing is taken from the engine.

Readings are 15-minute intervals (local time, Asia/Shanghai, no daylight saving time) built
from a load that depends only on the hour of the day, so that every period's kWh is
hours × 4 quarters × kWh per quarter × days; a single raised quarter ("spike") sets the
maximum demand where a test needs one. Reactive energy is a fixed multiple of the active
energy, so the month's power factor is the same for every month of a test.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal, localcontext
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest

from tariffs.cli import main

CENT = Decimal("0.01")

SH_TARIFF = "cn-sh-industrial-two-part"
HYDRO_TARIFF = "cn-hydro-seasonal-tou"

# --------------------------------------------------------------------------------------
# Published prices (REFERENCE_TARIFFS.md). Derived prices are exact: never rounded.
# --------------------------------------------------------------------------------------

SH_FLAT = Decimal("0.6200")  # CNY/kWh
SH_PEAK = SH_FLAT * Decimal("1.6")  # 0.992
SH_VALLEY = SH_FLAT * Decimal("0.4")  # 0.248
SH_CRITICAL_PEAK = SH_PEAK * Decimal("1.2")  # 1.1904
SH_RENEWABLE_FUND = Decimal("0.0190")  # CNY/kWh
SH_OTHER_FUNDS = Decimal("0.0100")  # CNY/kWh
CAPACITY_PRICE = Decimal("25.50")  # CNY per kVA per month
DEMAND_PRICE = Decimal("40.80")  # CNY per kW per month
OVERRUN_PRICE = DEMAND_PRICE * 2  # 81.60 CNY per kW above 105 % of contract demand
LOAD_FACTOR_DISCOUNT_RATE = Decimal("-0.10")

HYDRO_BASE = Decimal("0.5800")  # CNY/kWh
HYDRO_WET = HYDRO_BASE * Decimal("0.90")  # June to October
HYDRO_DRY = HYDRO_BASE * Decimal("1.20")  # December to April
HYDRO_NORMAL = HYDRO_BASE * Decimal("1.00")  # May and November
HYDRO_FUND = Decimal("0.0290")  # CNY/kWh

# Periods, hours [start, end) local time. Each map must cover the 24 hours exactly once.
Windows = Mapping[str, tuple[tuple[int, int], ...]]

#: Shanghai summer (July to September): peak 08-15 and 18-21; flat 06-08, 15-18, 21-22;
#: valley 22-06. In July and August 12-14 is critical peak instead of peak.
SH_JULY_AUGUST: Windows = {
    "critical_peak": ((12, 14),),  # 2 h
    "peak": ((8, 12), (14, 15), (18, 21)),  # 4 + 1 + 3 = 8 h
    "flat": ((6, 8), (15, 18), (21, 22)),  # 2 + 3 + 1 = 6 h
    "valley": ((22, 24), (0, 6)),  # 8 h
}
SH_SEPTEMBER: Windows = {
    "peak": ((8, 15), (18, 21)),  # 7 + 3 = 10 h
    "flat": ((6, 8), (15, 18), (21, 22)),  # 6 h
    "valley": ((22, 24), (0, 6)),  # 8 h
}
#: Other months: peak 08-11 and 18-21; flat 06-08, 11-18, 21-22; valley 22-06.
SH_OTHER: Windows = {
    "peak": ((8, 11), (18, 21)),  # 3 + 3 = 6 h
    "flat": ((6, 8), (11, 18), (21, 22)),  # 2 + 7 + 1 = 10 h
    "valley": ((22, 24), (0, 6)),  # 8 h
}
#: January and December: 19-21 is critical peak instead of peak.
SH_JANUARY_DECEMBER: Windows = {
    "critical_peak": ((19, 21),),  # 2 h
    "peak": ((8, 11), (18, 19)),  # 3 + 1 = 4 h
    "flat": ((6, 8), (11, 18), (21, 22)),  # 10 h
    "valley": ((22, 24), (0, 6)),  # 8 h
}
#: Hydro: peak 07-11 and 19-23; flat 11-19; valley 23-07.
HYDRO_WINDOWS: Windows = {
    "peak": ((7, 11), (19, 23)),  # 8 h
    "flat": ((11, 19),),  # 8 h
    "valley": ((23, 24), (0, 7)),  # 8 h
}

# --------------------------------------------------------------------------------------
# 1983 power-factor tables, the rows used here, percent of the month's charges (positive
# is 增收, negative is 减收). Source: 《功率因数调整电费办法》, 水利电力部、国家物价局
# (83)水电财字第215号 (1983). Read from the published tables as reproduced at
#   http://aiicanw.cn/xx/dqdz/50308.html (table for standard 0.90, in full), and
#   http://wgbc.cn/zxjs/205.html (功率因数调整电费增减查对表, standards 0.90 / 0.85 / 0.80
#   side by side, with the kvarh/kWh ratio of each row).
# --------------------------------------------------------------------------------------

POWER_FACTOR_PERCENT_STANDARD_0_90 = {
    "0.97": "-0.75",  # 0.95 to 1.00: 减收 0.75
    "0.93": "-0.45",
    "0.90": "0.00",
    "0.89": "0.5",
    "0.86": "2.0",
    "0.80": "5.0",
}
POWER_FACTOR_PERCENT_STANDARD_0_85 = {
    "0.97": "-1.1",  # 0.94 to 1.00: 减收 1.1; kvarh/kWh 0.2280-0.2717
    "0.93": "-0.95",  # kvarh/kWh 0.3794-0.4107
    "0.66": "9.5",  # kvarh/kWh 1.1231-1.1536
    "0.65": "10",  # kvarh/kWh 1.1537-1.1847
}

# --------------------------------------------------------------------------------------
# Helpers (hand arithmetic checks, readings and accounts, running the CLI).
# --------------------------------------------------------------------------------------


def round_to_cents(amount: Decimal) -> Decimal:
    """Round a money amount half-up to 0.01 CNY, the rule of every reference tariff."""
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class ExpectedLine:
    """One expected bill line: kind, unit of the quantity, quantity, rate, amount [CNY]."""

    kind: str
    unit: str
    quantity: Decimal
    rate: Decimal
    amount: Decimal


def checked_line(
    kind: str, unit: str, quantity: Decimal, rate: Decimal, amount: str, exact_amount: Decimal
) -> ExpectedLine:
    """Build an expected line; the written amount must be the exact amount rounded."""
    written_amount = Decimal(amount)
    assert written_amount == round_to_cents(exact_amount), (
        f"hand arithmetic: {kind} {quantity} × {rate} = {exact_amount}, not {written_amount}"
    )
    return ExpectedLine(kind, unit, quantity, rate, written_amount)


def energy(quantity_kwh: Decimal | int | str, price_per_kwh: Decimal, amount: str) -> ExpectedLine:
    """An energy line: kWh of one period × its exact price."""
    quantity = Decimal(quantity_kwh)
    return checked_line("energy", "kWh", quantity, price_per_kwh, amount, quantity * price_per_kwh)


def fund(quantity_kwh: Decimal | int | str, price_per_kwh: Decimal, amount: str) -> ExpectedLine:
    """A fund line (政府性基金及附加): all kWh × the fund's price."""
    quantity = Decimal(quantity_kwh)
    return checked_line(
        "surcharge", "kWh", quantity, price_per_kwh, amount, quantity * price_per_kwh
    )


def prorated(monthly_amount: Decimal, days_of_service: int | None) -> Decimal:
    """Monthly basic charge × min(days of service / 30, 1); None is a whole month."""
    if days_of_service is None or days_of_service >= 30:
        return monthly_amount
    return monthly_amount * days_of_service / 30


def capacity_charge(
    capacity_kva: Decimal | int | str, amount: str, *, days_of_service: int | None = None
) -> ExpectedLine:
    """``basic.capacity``: capacity [kVA] × 25.50, prorated in a partial month."""
    quantity = Decimal(capacity_kva)
    exact = prorated(quantity * CAPACITY_PRICE, days_of_service)
    return checked_line("capacity", "kVA", quantity, CAPACITY_PRICE, amount, exact)


def demand_charge(
    demand_kw: Decimal | int | str,
    price_per_kw: Decimal,
    amount: str,
    *,
    days_of_service: int | None = None,
) -> ExpectedLine:
    """``basic.demand`` (40.80) or ``basic.overrun`` (81.60) [kW], prorated when partial."""
    quantity = Decimal(demand_kw)
    exact = prorated(quantity * price_per_kw, days_of_service)
    return checked_line("demand", "kW", quantity, price_per_kw, amount, exact)


def load_factor_discount(demand_charges: str, amount: str) -> ExpectedLine:
    """``basic.load_factor_discount``: −10 % of the demand-based basic lines [CNY]."""
    quantity = Decimal(demand_charges)
    return checked_line(
        "discount",
        "CNY",
        quantity,
        LOAD_FACTOR_DISCOUNT_RATE,
        amount,
        quantity * LOAD_FACTOR_DISCOUNT_RATE,
    )


def power_factor_adjustment(base: str, percent: str, amount: str) -> ExpectedLine:
    """``power_factor``: base [CNY] × the table's percent / 100."""
    quantity = Decimal(base)
    rate = Decimal(percent) / 100
    return checked_line("power_factor", "CNY", quantity, rate, amount, quantity * rate)


#: Kinds of the lines a power-factor adjustment applies to (funds are never part of it).
POWER_FACTOR_BASE_KINDS = frozenset({"energy", "capacity", "demand", "discount"})


@dataclass(frozen=True)
class ExpectedBill:
    """One expected bill of a billing period ``[start, end)``."""

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
    """Build an expected bill and check its hand arithmetic.

    The written total must be the sum of the line amounts, the energy lines must cover the
    bill's kWh exactly once, and the power-factor base must be the sum of the energy, basic
    and discount lines.
    """
    written_total = Decimal(total)
    assert written_total == sum((line.amount for line in lines.values()), Decimal(0)), (
        f"hand arithmetic: the lines of {start} do not add up to {written_total}"
    )
    energy_quantities = [line.quantity for line in lines.values() if line.kind == "energy"]
    assert sum(energy_quantities, Decimal(0)) == Decimal(energy_kwh), (
        f"hand arithmetic: the energy lines of {start} do not add up to {energy_kwh} kWh"
    )
    if "power_factor" in lines:
        base = sum(
            (line.amount for line in lines.values() if line.kind in POWER_FACTOR_BASE_KINDS),
            Decimal(0),
        )
        assert lines["power_factor"].quantity == base, (
            f"hand arithmetic: the power-factor base of {start} is {base}"
        )
    return ExpectedBill(start, end, Decimal(energy_kwh), lines, written_total)


def month(year: int, month_number: int) -> tuple[date, date]:
    """First day of a calendar month and first day of the next one (exclusive end)."""
    start = date(year, month_number, 1)
    end = date(year + 1, 1, 1) if month_number == 12 else date(year, month_number + 1, 1)
    return start, end


#: Gives (kWh, kvarh) of the 15-minute interval starting at ``hour``:``15 × quarter``.
Pattern = Callable[[date, int, int], tuple[Decimal, Decimal]]


@dataclass
class MonthTotals:
    """Sums of the written readings in one calendar month, counted from the pattern."""

    energy_kwh: Decimal = Decimal(0)
    reactive_kvarh: Decimal = Decimal(0)
    max_interval_kwh: Decimal = Decimal(0)

    @property
    def max_demand_kw(self) -> Decimal:
        """Largest 15-minute kWh × 4 [kW]."""
        return self.max_interval_kwh * 4


def write_readings(
    path: Path, first_day: date, end_day: date, pattern: Pattern
) -> dict[date, MonthTotals]:
    """Write 15-minute readings ``[first_day, end_day)`` as a ``start,kwh,kvarh`` CSV.

    Returns:
        The totals of the readings per calendar month, keyed by the month's first day.
    """
    rows = ["start,kwh,kvarh"]
    totals: dict[date, MonthTotals] = {}
    day = first_day
    while day < end_day:
        month_totals = totals.setdefault(day.replace(day=1), MonthTotals())
        for hour in range(24):
            for quarter in range(4):
                energy_kwh, reactive_kvarh = pattern(day, hour, quarter)
                rows.append(
                    f"{day.isoformat()}T{hour:02d}:{15 * quarter:02d},{energy_kwh},{reactive_kvarh}"
                )
                month_totals.energy_kwh += energy_kwh
                month_totals.reactive_kvarh += reactive_kvarh
                month_totals.max_interval_kwh = max(month_totals.max_interval_kwh, energy_kwh)
        day += timedelta(days=1)
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return totals


def load_by_hour(windows: Windows, kwh_per_quarter: Mapping[str, str]) -> list[Decimal]:
    """The kWh of each quarter-hour, by hour of the day, from a per-period load."""
    by_hour: list[Decimal | None] = [None] * 24
    for period, spans in windows.items():
        for start, end in spans:
            for hour in range(start, end):
                assert by_hour[hour] is None, f"hour {hour} is in two periods"
                by_hour[hour] = Decimal(kwh_per_quarter[period])
    assert all(value is not None for value in by_hour), "the periods leave hours uncovered"
    return [value for value in by_hour if value is not None]


def hourly_load(
    windows: Windows,
    kwh_per_quarter: Mapping[str, str],
    kvarh_per_kwh: str,
    spikes: Mapping[tuple[date, int, int], str] | None = None,
) -> Pattern:
    """Pattern: a load that depends on the period of the hour, with optional spikes.

    Args:
        windows: The periods' hours.
        kwh_per_quarter: kWh in each 15-minute interval of each period.
        kvarh_per_kwh: Reactive energy per kWh, the same in every interval.
        spikes: kWh of single intervals ``(day, hour, quarter)`` that differ.
    """
    by_hour = load_by_hour(windows, kwh_per_quarter)
    ratio = Decimal(kvarh_per_kwh)
    spike_kwh = {key: Decimal(value) for key, value in (spikes or {}).items()}

    def pattern(day: date, hour: int, quarter: int) -> tuple[Decimal, Decimal]:
        energy_kwh = spike_kwh.get((day, hour, quarter), by_hour[hour])
        return energy_kwh, energy_kwh * ratio

    return pattern


def rounded_power_factor(totals: MonthTotals) -> Decimal:
    """PF = kWh / √(kWh² + kvarh²), rounded half-up to 2 decimals, worked out independently.

    The square root is taken to 40 digits and the result then checked exactly (with
    fractions, no square root): PF rounds to p when
    (p − 0.005)² (kWh² + kvarh²) ≤ kWh² < (p + 0.005)² (kWh² + kvarh²).
    """
    active, reactive = totals.energy_kwh, totals.reactive_kvarh
    with localcontext() as context:
        context.prec = 40
        value = active / (active * active + reactive * reactive).sqrt()
    rounded = value.quantize(CENT, rounding=ROUND_HALF_UP)
    active_squared = Fraction(active) ** 2
    apparent_squared = active_squared + Fraction(reactive) ** 2
    half_cent = Fraction(1, 200)
    low, high = Fraction(rounded) - half_cent, Fraction(rounded) + half_cent
    assert low * low * apparent_squared <= active_squared < high * high * apparent_squared
    return rounded


def write_account(path: Path, yaml_text: str) -> Path:
    """Write an account YAML file and return its path."""
    path.write_text(yaml_text, encoding="utf-8")
    return path


def price_json(
    capsys: pytest.CaptureFixture[str], readings_path: Path, tariff_id: str, account_path: Path
) -> dict[str, Any]:
    """Run ``tariffs price ... --format json --account ...`` in process; parse the output."""
    exit_code = main(
        [
            "price",
            str(readings_path),
            "--tariff",
            tariff_id,
            "--format",
            "json",
            "--account",
            str(account_path),
        ]
    )
    captured = capsys.readouterr()
    assert exit_code == 0, captured.err
    output: dict[str, Any] = json.loads(captured.out)
    return output


def assert_bills(
    output: dict[str, Any],
    totals: Mapping[date, MonthTotals],
    expected_bills: list[ExpectedBill],
    expected_total: str,
    *,
    tariff_id: str,
    account_id: str,
) -> None:
    """Compare the engine's bills with the hand-computed ones, line by line.

    Args:
        output: Parsed JSON output of ``tariffs price``.
        totals: Totals of the readings per month, counted from the pattern.
        expected_bills: The hand-computed bills, in order.
        expected_total: Sum of the expected bill totals, written out by hand.
        tariff_id: The tariff priced.
        account_id: The account's id.
    """
    bills = output["bills"]
    assert [(b["period"]["start"], b["period"]["end"]) for b in bills] == [
        (expected.start.isoformat(), expected.end.isoformat()) for expected in expected_bills
    ]
    for actual, expected in zip(bills, expected_bills, strict=True):
        where = expected.start.isoformat()
        assert actual["tariff"] == tariff_id, where
        assert actual["account"] == account_id, where
        assert actual["currency"] == "CNY", where
        # Every kWh read is billed once: energy_kwh equals the readings and the hand count.
        assert totals[expected.start.replace(day=1)].energy_kwh == expected.energy_kwh, where
        assert Decimal(actual["energy_kwh"]) == expected.energy_kwh, where
        codes = [actual_line["code"] for actual_line in actual["lines"]]
        assert len(codes) == len(set(codes)), f"{where}: a code appears twice: {codes}"
        assert sorted(codes) == sorted(expected.lines), where
        for actual_line in actual["lines"]:
            expected_line = expected.lines[actual_line["code"]]
            context = f"{where} {actual_line['code']}"
            assert actual_line["kind"] == expected_line.kind, context
            assert actual_line["unit"] == expected_line.unit, context
            assert Decimal(actual_line["quantity"]) == expected_line.quantity, context
            assert Decimal(actual_line["rate"]) == expected_line.rate, context
            assert Decimal(actual_line["amount"]) == expected_line.amount, context
        assert Decimal(actual["total"]) == expected.total, where
        line_amounts = [Decimal(actual_line["amount"]) for actual_line in actual["lines"]]
        assert sum(line_amounts, Decimal(0)) == Decimal(actual["total"]), where
        energy_quantities = [
            Decimal(actual_line["quantity"])
            for actual_line in actual["lines"]
            if actual_line["kind"] == "energy"
        ]
        assert sum(energy_quantities, Decimal(0)) == Decimal(actual["energy_kwh"]), where
    written_total = Decimal(expected_total)
    assert written_total == sum((expected.total for expected in expected_bills), Decimal(0))
    assert Decimal(output["total"]) == written_total
    assert sum((Decimal(b["total"]) for b in bills), Decimal(0)) == Decimal(output["total"])


def sh_account(
    account_id: str,
    method: str,
    capacity_kva: int,
    contract_demand_kw: int | None = None,
    extra: str = "",
) -> str:
    """YAML text of a two-part account."""
    text = (
        f"account_id: {account_id}\ncapacity_kva: {capacity_kva}\nbasic_charge_method: {method}\n"
    )
    if contract_demand_kw is not None:
        text += f"contract_demand_kw: {contract_demand_kw}\n"
    return text + extra


# --------------------------------------------------------------------------------------
# cn-sh-industrial-two-part, July 2025: one set of kWh readings, three basic-charge methods.
#
# Per quarter: valley 25 kWh, flat 75, peak 100, critical peak 125; on July 15 the quarter
# 13:00-13:15 (critical peak) reads 170 kWh instead. Per day: valley 8 h × 4 × 25 = 800,
# flat 6 × 4 × 75 = 1800, peak 8 × 4 × 100 = 3200, critical 2 × 4 × 125 = 1000; 6800 kWh.
# July (31 days): valley 24800, flat 55800, peak 99200, critical 31000 + 45 = 31045;
# 210845 kWh. Maximum demand D = 170 × 4 = 680 kW. kWh / kVA = 210845 / 1000 < 260.
# --------------------------------------------------------------------------------------

JULY_KWH = 24800 + 55800 + 99200 + 31045  # 210845
JULY_SPIKE = {(date(2025, 7, 15), 13, 0): "170"}


def write_july(tmp_path: Path, kvarh_per_kwh: str) -> dict[date, MonthTotals]:
    """Write the July 2025 readings with the given reactive ratio."""
    pattern = hourly_load(
        SH_JULY_AUGUST,
        {"valley": "25", "flat": "75", "peak": "100", "critical_peak": "125"},
        kvarh_per_kwh,
        JULY_SPIKE,
    )
    return write_readings(tmp_path / "readings.csv", date(2025, 7, 1), date(2025, 8, 1), pattern)


def july_energy_and_funds() -> dict[str, ExpectedLine]:
    """The July energy and fund lines, the same under every basic-charge method."""
    return {
        # 31045 × 1.1904 = 36955.968
        "energy.critical_peak": energy(31 * 1000 + 45, SH_CRITICAL_PEAK, "36955.97"),
        "energy.peak": energy(31 * 3200, SH_PEAK, "98406.40"),  # 99200 × 0.992 = 98406.4
        "energy.flat": energy(31 * 1800, SH_FLAT, "34596.00"),  # 55800 × 0.62 = 34596
        "energy.valley": energy(31 * 800, SH_VALLEY, "6150.40"),  # 24800 × 0.248 = 6150.4
        # Energy lines: 36955.97 + 98406.40 + 34596.00 + 6150.40 = 176108.77
        "fund.renewable": fund(JULY_KWH, SH_RENEWABLE_FUND, "4006.06"),  # 210845 × 0.019
        "fund.other": fund(JULY_KWH, SH_OTHER_FUNDS, "2108.45"),  # 210845 × 0.01 = 2108.45
    }  # 210845 × 0.019 = 4006.055, half-up 4006.06


def test_sh_july_capacity_method_power_factor_surcharge(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """July, basic charge on 1000 kVA; PF 0.86 adds 2.0 % to energy + basic charge.

    kvarh = 0.6 × kWh: PF = 1 / √1.36 = 0.857… → 0.86.
    """
    totals = write_july(tmp_path, "0.6")
    july = totals[date(2025, 7, 1)]
    assert july.max_demand_kw == 680
    assert rounded_power_factor(july) == Decimal("0.86")
    account = write_account(
        tmp_path / "account.yaml", sh_account("SH-JULY-CAP", "capacity", 1000, 600)
    )
    expected = bill(
        *month(2025, 7),
        JULY_KWH,
        {
            **july_energy_and_funds(),
            "basic.capacity": capacity_charge(1000, "25500.00"),  # 1000 × 25.50
            # 176108.77 + 25500.00 = 201608.77; × 0.02 = 4032.1754
            "power_factor": power_factor_adjustment(
                "201608.77", POWER_FACTOR_PERCENT_STANDARD_0_90["0.86"], "4032.18"
            ),
        },
        "211755.46",  # 176108.77 + 25500.00 + 4006.06 + 2108.45 + 4032.18
    )
    output = price_json(capsys, tmp_path / "readings.csv", SH_TARIFF, account)
    assert_bills(
        output, totals, [expected], "211755.46", tariff_id=SH_TARIFF, account_id="SH-JULY-CAP"
    )


def test_sh_july_contract_demand_with_overrun_and_power_factor_reduction(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """July, contract demand 600 kW; D = 680 kW exceeds 105 % (630 kW) by 50 kW; PF 0.97.

    kvarh = 0.25 × kWh: PF = 1 / √1.0625 = 0.970… → 0.97, a reduction of 0.75 %.
    """
    totals = write_july(tmp_path, "0.25")
    july = totals[date(2025, 7, 1)]
    assert july.max_demand_kw == 680
    assert rounded_power_factor(july) == Decimal("0.97")
    account = write_account(
        tmp_path / "account.yaml", sh_account("SH-JULY-CD", "contract_demand", 1000, 600)
    )
    expected = bill(
        *month(2025, 7),
        JULY_KWH,
        {
            **july_energy_and_funds(),
            # max(600, 0.40 × 1000 = 400) = 600 kW; D = 680 > 630, so the allowance
            # 1.05 × 600 = 630 kW is billed at the price: 630 × 40.80 = 25704
            "basic.demand": demand_charge(630, DEMAND_PRICE, "25704.00"),
            # 680 − 1.05 × 600 = 50 kW × 81.60 = 4080
            "basic.overrun": demand_charge(680 - Decimal("1.05") * 600, OVERRUN_PRICE, "4080.00"),
            # 176108.77 + 25704.00 + 4080.00 = 205892.77; × −0.0075 = −1544.195775
            "power_factor": power_factor_adjustment(
                "205892.77", POWER_FACTOR_PERCENT_STANDARD_0_90["0.97"], "-1544.20"
            ),
        },
        "210463.08",  # 205892.77 + 4006.06 + 2108.45 − 1544.20
    )
    output = price_json(capsys, tmp_path / "readings.csv", SH_TARIFF, account)
    assert_bills(
        output, totals, [expected], "210463.08", tariff_id=SH_TARIFF, account_id="SH-JULY-CD"
    )


def july_actual_demand_bill() -> ExpectedBill:
    """The July bill under actual demand with PF exactly 0.90 (kvarh = 0.48 × kWh)."""
    return bill(
        *month(2025, 7),
        JULY_KWH,
        {
            **july_energy_and_funds(),
            # max(D = 680, 0.40 × 1000 = 400) = 680 kW × 40.80 = 27744
            "basic.demand": demand_charge(680, DEMAND_PRICE, "27744.00"),
            # 176108.77 + 27744.00 = 203852.77; × 0 = 0
            "power_factor": power_factor_adjustment(
                "203852.77", POWER_FACTOR_PERCENT_STANDARD_0_90["0.90"], "0.00"
            ),
        },
        "209967.28",  # 203852.77 + 4006.06 + 2108.45 + 0.00
    )


def test_sh_july_actual_demand_power_factor_exactly_standard(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """July, actual demand 680 kW; PF rounds to exactly 0.90: a power-factor line of 0.00.

    kvarh = 0.48 × kWh: PF = 1 / √1.2304 = 0.9015… → 0.90 (0.895 ≤ PF < 0.905, checked
    exactly by `rounded_power_factor`).
    """
    totals = write_july(tmp_path, "0.48")
    july = totals[date(2025, 7, 1)]
    assert july.max_demand_kw == 680
    assert rounded_power_factor(july) == Decimal("0.90")
    account = write_account(
        tmp_path / "account.yaml", sh_account("SH-JULY-AD", "actual_demand", 1000)
    )
    expected = july_actual_demand_bill()
    output = price_json(capsys, tmp_path / "readings.csv", SH_TARIFF, account)
    assert_bills(
        output, totals, [expected], "209967.28", tariff_id=SH_TARIFF, account_id="SH-JULY-AD"
    )


def test_sh_july_service_ending_on_last_day_is_not_more_than_a_month(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """service_end 2025-07-31: 31 days of service, min(31 / 30, 1) = 1; same bill as above."""
    totals = write_july(tmp_path, "0.48")
    account = write_account(
        tmp_path / "account.yaml",
        sh_account("SH-JULY-END", "actual_demand", 1000, extra="service_end: 2025-07-31\n"),
    )
    # The period ends on the day after service_end, 2025-08-01: the whole of July.
    expected = july_actual_demand_bill()
    output = price_json(capsys, tmp_path / "readings.csv", SH_TARIFF, account)
    assert_bills(
        output, totals, [expected], "209967.28", tariff_id=SH_TARIFF, account_id="SH-JULY-END"
    )


# --------------------------------------------------------------------------------------
# cn-sh-industrial-two-part, other seasons.
# --------------------------------------------------------------------------------------


def test_sh_april_no_critical_peak_contract_demand_raised_to_forty_percent(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """April: no critical peak; contract 300 kW is raised to 40 % of 1000 kVA = 400 kW.

    The overrun is measured against the raised contract demand: D = 440 kW exceeds
    1.05 × 400 = 420 kW by 20 kW (not 440 − 315 = 125 kW). PF 0.93: −0.45 %.

    Per quarter: valley 30 kWh, flat 60, peak 100; 2025-04-10 09:30-09:45 (peak) reads 110.
    Per day: valley 8 h × 4 × 30 = 960, flat 10 × 4 × 60 = 2400, peak 6 × 4 × 100 = 2400.
    April (30 days): valley 28800, flat 72000, peak 72000 + 10 = 72010; 172810 kWh.
    kvarh = 0.4 × kWh: PF = 1 / √1.16 = 0.928… → 0.93.
    """
    pattern = hourly_load(
        SH_OTHER,
        {"valley": "30", "flat": "60", "peak": "100"},
        "0.4",
        {(date(2025, 4, 10), 9, 2): "110"},
    )
    totals = write_readings(tmp_path / "readings.csv", date(2025, 4, 1), date(2025, 5, 1), pattern)
    april = totals[date(2025, 4, 1)]
    assert april.max_demand_kw == 440
    assert rounded_power_factor(april) == Decimal("0.93")
    account = write_account(
        tmp_path / "account.yaml", sh_account("SH-APRIL", "contract_demand", 1000, 300)
    )
    expected = bill(
        *month(2025, 4),
        172810,
        {
            "energy.peak": energy(72010, SH_PEAK, "71433.92"),  # 72010 × 0.992 = 71433.92
            "energy.flat": energy(72000, SH_FLAT, "44640.00"),  # 72000 × 0.62 = 44640
            "energy.valley": energy(28800, SH_VALLEY, "7142.40"),  # 28800 × 0.248 = 7142.4
            # max(300, 0.40 × 1000) = 400 kW; D = 440 > 420: the allowance 1.05 × 400 =
            # 420 kW × 40.80 = 17136
            "basic.demand": demand_charge(420, DEMAND_PRICE, "17136.00"),
            # 440 − 1.05 × 400 = 20 kW × 81.60 = 1632
            "basic.overrun": demand_charge(440 - Decimal("1.05") * 400, OVERRUN_PRICE, "1632.00"),
            "fund.renewable": fund(172810, SH_RENEWABLE_FUND, "3283.39"),  # × 0.019 = 3283.39
            "fund.other": fund(172810, SH_OTHER_FUNDS, "1728.10"),  # × 0.01 = 1728.1
            # 71433.92 + 44640.00 + 7142.40 + 17136.00 + 1632.00 = 141984.32;
            # × −0.0045 = −638.92944
            "power_factor": power_factor_adjustment(
                "141984.32", POWER_FACTOR_PERCENT_STANDARD_0_90["0.93"], "-638.93"
            ),
        },
        "146356.88",  # 141984.32 + 3283.39 + 1728.10 − 638.93
    )
    output = price_json(capsys, tmp_path / "readings.csv", SH_TARIFF, account)
    assert_bills(
        output, totals, [expected], "146356.88", tariff_id=SH_TARIFF, account_id="SH-APRIL"
    )


def december_january(day: date, hour: int, quarter: int) -> tuple[Decimal, Decimal]:
    """Pattern: December load, and 1.5 times it in January; kvarh = 0.75 × kWh.

    December per quarter: valley 40 kWh, flat 80, peak 150, critical peak (19-21) 180.
    """
    december = hourly_load(
        SH_JANUARY_DECEMBER,
        {"valley": "40", "flat": "80", "peak": "150", "critical_peak": "180"},
        "0.75",
    )
    energy_kwh, reactive_kvarh = december(day, hour, quarter)
    scale = Decimal("1.5") if day.month == 1 else Decimal(1)
    return energy_kwh * scale, reactive_kvarh * scale


def test_sh_december_january_critical_evening_actual_demand_floor(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """December and January: critical peak 19-21; actual demand with its 40 % floor.

    Capacity 2000 kVA, floor 0.40 × 2000 = 800 kW. December D = 180 × 4 = 720 kW is below
    the floor, so 800 kW are billed; January D = 270 × 4 = 1080 kW is billed as measured.

    December per day: valley 8 h × 4 × 40 = 1280, flat 10 × 4 × 80 = 3200, peak
    4 × 4 × 150 = 2400, critical 2 × 4 × 180 = 1440; 8320 kWh. × 31 days: valley 39680,
    flat 99200, peak 74400, critical 44640; 257920 kWh. January = 1.5 × December:
    valley 59520, flat 148800, peak 111600, critical 66960; 386880 kWh.
    kvarh = 0.75 × kWh: PF = 1 / √1.5625 = 0.8 exactly, +5.0 %.
    """
    totals = write_readings(
        tmp_path / "readings.csv", date(2025, 12, 1), date(2026, 2, 1), december_january
    )
    december, january = totals[date(2025, 12, 1)], totals[date(2026, 1, 1)]
    assert december.max_demand_kw == 720
    assert january.max_demand_kw == 1080
    assert rounded_power_factor(december) == rounded_power_factor(january) == Decimal("0.80")
    account = write_account(
        tmp_path / "account.yaml", sh_account("SH-WINTER", "actual_demand", 2000)
    )
    surcharge_percent = POWER_FACTOR_PERCENT_STANDARD_0_90["0.80"]
    expected = [
        bill(
            *month(2025, 12),
            257920,
            {
                # 44640 × 1.1904 = 53139.456
                "energy.critical_peak": energy(44640, SH_CRITICAL_PEAK, "53139.46"),
                "energy.peak": energy(74400, SH_PEAK, "73804.80"),  # × 0.992 = 73804.8
                "energy.flat": energy(99200, SH_FLAT, "61504.00"),  # × 0.62 = 61504
                "energy.valley": energy(39680, SH_VALLEY, "9840.64"),  # × 0.248 = 9840.64
                # max(720, 800) = 800 kW × 40.80 = 32640
                "basic.demand": demand_charge(800, DEMAND_PRICE, "32640.00"),
                "fund.renewable": fund(257920, SH_RENEWABLE_FUND, "4900.48"),  # × 0.019
                "fund.other": fund(257920, SH_OTHER_FUNDS, "2579.20"),  # × 0.01 = 2579.2
                # 53139.46 + 73804.80 + 61504.00 + 9840.64 + 32640.00 = 230928.90;
                # × 0.05 = 11546.445, half-up 11546.45 (half-even would give .44)
                "power_factor": power_factor_adjustment("230928.90", surcharge_percent, "11546.45"),
            },  # 257920 × 0.019 = 4900.48
            "249955.03",  # 230928.90 + 4900.48 + 2579.20 + 11546.45
        ),
        bill(
            *month(2026, 1),
            386880,
            {
                # 66960 × 1.1904 = 79709.184
                "energy.critical_peak": energy(66960, SH_CRITICAL_PEAK, "79709.18"),
                "energy.peak": energy(111600, SH_PEAK, "110707.20"),  # × 0.992 = 110707.2
                "energy.flat": energy(148800, SH_FLAT, "92256.00"),  # × 0.62 = 92256
                "energy.valley": energy(59520, SH_VALLEY, "14760.96"),  # × 0.248 = 14760.96
                # max(1080, 800) = 1080 kW × 40.80 = 44064
                "basic.demand": demand_charge(1080, DEMAND_PRICE, "44064.00"),
                "fund.renewable": fund(386880, SH_RENEWABLE_FUND, "7350.72"),  # × 0.019
                "fund.other": fund(386880, SH_OTHER_FUNDS, "3868.80"),  # × 0.01 = 3868.8
                # 79709.18 + 110707.20 + 92256.00 + 14760.96 + 44064.00 = 341497.34;
                # × 0.05 = 17074.867
                "power_factor": power_factor_adjustment("341497.34", surcharge_percent, "17074.87"),
            },  # 386880 × 0.019 = 7350.72
            "369791.73",  # 341497.34 + 7350.72 + 3868.80 + 17074.87
        ),
    ]
    output = price_json(capsys, tmp_path / "readings.csv", SH_TARIFF, account)
    # 249955.03 + 369791.73 = 619746.76
    assert_bills(output, totals, expected, "619746.76", tariff_id=SH_TARIFF, account_id="SH-WINTER")


# --------------------------------------------------------------------------------------
# cn-sh-industrial-two-part, load-factor discount, September 2025 (summer, no critical
# peak). Capacity 690 kVA; per quarter: valley 40 kWh, flat 50, peak 87.5.
# Per day: valley 8 h × 4 × 40 = 1280, flat 6 × 4 × 50 = 1200, peak 10 × 4 × 87.5 = 3500;
# 5980 kWh. September (30 days): valley 38400, flat 36000, peak 105000; 179400 kWh, and
# 179400 / 690 = 260 exactly. D = 87.5 × 4 = 350 kW; 40 % of capacity = 276 kW.
# kvarh = 0.5 × kWh: PF = 1 / √1.25 = 0.894… → 0.89, +0.5 %.
# --------------------------------------------------------------------------------------

SEPTEMBER_LOAD = {"valley": "40", "flat": "50", "peak": "87.5"}


def september_energy(valley_kwh: Decimal | int = 38400) -> dict[str, ExpectedLine]:
    """September's energy lines; the valley may be a hair below 38400 kWh."""
    return {
        "energy.peak": energy(105000, SH_PEAK, "104160.00"),  # 105000 × 0.992 = 104160
        "energy.flat": energy(36000, SH_FLAT, "22320.00"),  # 36000 × 0.62 = 22320
        # 38400 × 0.248 = 9523.2 (and 38399.996 × 0.248 = 9523.199008)
        "energy.valley": energy(valley_kwh, SH_VALLEY, "9523.20"),
    }  # energy lines: 104160.00 + 22320.00 + 9523.20 = 136003.20


def september_funds(energy_kwh: Decimal | int = 179400) -> dict[str, ExpectedLine]:
    """September's fund lines: 179400 × 0.019 = 3408.6; 179400 × 0.01 = 1794."""
    return {
        "fund.renewable": fund(energy_kwh, SH_RENEWABLE_FUND, "3408.60"),
        "fund.other": fund(energy_kwh, SH_OTHER_FUNDS, "1794.00"),
    }


def write_september(
    tmp_path: Path, spikes: Mapping[tuple[date, int, int], str] | None = None
) -> dict[date, MonthTotals]:
    """Write September 2025 readings; check D and PF by hand."""
    pattern = hourly_load(SH_SEPTEMBER, SEPTEMBER_LOAD, "0.5", spikes)
    totals = write_readings(tmp_path / "readings.csv", date(2025, 9, 1), date(2025, 10, 1), pattern)
    september = totals[date(2025, 9, 1)]
    assert september.max_demand_kw == 350
    assert rounded_power_factor(september) == Decimal("0.89")
    return totals


def test_sh_load_factor_discount_at_260_with_contract_demand_and_overrun(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """kWh / kVA = 260 exactly: the discount takes 10 % of basic.demand + basic.overrun.

    Contract 300 kW (above 276); D = 350 kW exceeds 1.05 × 300 = 315 kW by 35 kW.
    """
    totals = write_september(tmp_path)
    assert totals[date(2025, 9, 1)].energy_kwh / 690 == 260
    account = write_account(
        tmp_path / "account.yaml", sh_account("SH-LF-260", "contract_demand", 690, 300)
    )
    expected = bill(
        *month(2025, 9),
        179400,
        {
            **september_energy(),
            **september_funds(),
            # D = 350 > 315: the allowance 1.05 × 300 = 315 kW × 40.80 = 12852
            "basic.demand": demand_charge(315, DEMAND_PRICE, "12852.00"),
            # 350 − 315 = 35 kW × 81.60 = 2856
            "basic.overrun": demand_charge(350 - Decimal("1.05") * 300, OVERRUN_PRICE, "2856.00"),
            # (12852.00 + 2856.00) × −0.10 = −1570.8
            "basic.load_factor_discount": load_factor_discount("15708.00", "-1570.80"),
            # 136003.20 + 12852.00 + 2856.00 − 1570.80 = 150140.40; × 0.005 = 750.702
            "power_factor": power_factor_adjustment(
                "150140.40", POWER_FACTOR_PERCENT_STANDARD_0_90["0.89"], "750.70"
            ),
        },
        "156093.70",  # 150140.40 + 3408.60 + 1794.00 + 750.70
    )
    output = price_json(capsys, tmp_path / "readings.csv", SH_TARIFF, account)
    assert_bills(
        output, totals, [expected], "156093.70", tariff_id=SH_TARIFF, account_id="SH-LF-260"
    )


def test_sh_no_load_factor_discount_just_below_260(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """kWh / kVA a hair below 260 (179399.996 / 690): no discount line.

    The last quarter of September (valley) reads 39.996 kWh instead of 40: valley
    38399.996 kWh, 179399.996 kWh in all, 259.99999… kWh per kVA.
    """
    totals = write_september(tmp_path, {(date(2025, 9, 30), 23, 3): "39.996"})
    assert totals[date(2025, 9, 1)].energy_kwh == Decimal("179399.996")
    assert totals[date(2025, 9, 1)].energy_kwh / 690 < 260
    account = write_account(
        tmp_path / "account.yaml", sh_account("SH-LF-BELOW", "contract_demand", 690, 300)
    )
    expected = bill(
        *month(2025, 9),
        Decimal("179399.996"),
        {
            # 38399.996 × 0.248 = 9523.199008
            **september_energy(Decimal("38399.996")),
            # 179399.996 × 0.019 = 3408.599924; × 0.01 = 1793.99996
            **september_funds(Decimal("179399.996")),
            # the allowance 1.05 × 300 = 315 kW × 40.80 = 12852
            "basic.demand": demand_charge(315, DEMAND_PRICE, "12852.00"),
            "basic.overrun": demand_charge(35, OVERRUN_PRICE, "2856.00"),
            # 136003.20 + 12852.00 + 2856.00 = 151711.20; × 0.005 = 758.556
            "power_factor": power_factor_adjustment(
                "151711.20", POWER_FACTOR_PERCENT_STANDARD_0_90["0.89"], "758.56"
            ),
        },
        "157672.36",  # 151711.20 + 3408.60 + 1794.00 + 758.56
    )
    output = price_json(capsys, tmp_path / "readings.csv", SH_TARIFF, account)
    assert_bills(
        output, totals, [expected], "157672.36", tariff_id=SH_TARIFF, account_id="SH-LF-BELOW"
    )


def test_sh_load_factor_discount_at_260_with_actual_demand(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """kWh / kVA = 260 under actual demand: 10 % off the one demand line (350 kW)."""
    totals = write_september(tmp_path)
    account = write_account(
        tmp_path / "account.yaml", sh_account("SH-LF-ACTUAL", "actual_demand", 690)
    )
    expected = bill(
        *month(2025, 9),
        179400,
        {
            **september_energy(),
            **september_funds(),
            # max(350, 276) = 350 kW × 40.80 = 14280
            "basic.demand": demand_charge(350, DEMAND_PRICE, "14280.00"),
            "basic.load_factor_discount": load_factor_discount("14280.00", "-1428.00"),
            # 136003.20 + 14280.00 − 1428.00 = 148855.20; × 0.005 = 744.276
            "power_factor": power_factor_adjustment(
                "148855.20", POWER_FACTOR_PERCENT_STANDARD_0_90["0.89"], "744.28"
            ),
        },
        "154802.08",  # 148855.20 + 3408.60 + 1794.00 + 744.28
    )
    output = price_json(capsys, tmp_path / "readings.csv", SH_TARIFF, account)
    assert_bills(
        output, totals, [expected], "154802.08", tariff_id=SH_TARIFF, account_id="SH-LF-ACTUAL"
    )


def test_sh_capacity_method_never_gets_load_factor_discount(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """kWh / kVA = 260 under the capacity method: no discount line."""
    totals = write_september(tmp_path)
    account = write_account(tmp_path / "account.yaml", sh_account("SH-LF-CAP", "capacity", 690))
    expected = bill(
        *month(2025, 9),
        179400,
        {
            **september_energy(),
            **september_funds(),
            "basic.capacity": capacity_charge(690, "17595.00"),  # 690 × 25.50 = 17595
            # 136003.20 + 17595.00 = 153598.20; × 0.005 = 767.991
            "power_factor": power_factor_adjustment(
                "153598.20", POWER_FACTOR_PERCENT_STANDARD_0_90["0.89"], "767.99"
            ),
        },
        "159568.79",  # 153598.20 + 3408.60 + 1794.00 + 767.99
    )
    output = price_json(capsys, tmp_path / "readings.csv", SH_TARIFF, account)
    assert_bills(
        output, totals, [expected], "159568.79", tariff_id=SH_TARIFF, account_id="SH-LF-CAP"
    )


# --------------------------------------------------------------------------------------
# cn-sh-industrial-two-part, partial months: basic charge × days of service / 30.
#
# October 2025 (31 days, other season), service from October 15: 17 days (15 to 31).
# Capacity 1000 kVA, contract 500 kW. Per quarter: valley 30 kWh, flat 70, peak 140; on
# October 20 the quarter 09:15-09:30 (peak) reads 140.051 kWh. Per day: valley 8 h × 4 × 30
# = 960, flat 10 × 4 × 70 = 2800, peak 6 × 4 × 140 = 3360. 17 days: valley 16320, flat
# 47600, peak 57120 + 0.051 = 57120.051; 121040.051 kWh. D = 140.051 × 4 = 560.204 kW.
# kvarh = 0.6 × kWh: PF 0.86, +2.0 %.
# --------------------------------------------------------------------------------------

OCTOBER_PARTIAL_KWH = Decimal("121040.051")


def write_october_partial(tmp_path: Path, account_yaml: str) -> dict[date, MonthTotals]:
    """Write the October readings from the 15th and the account; check D and PF by hand."""
    pattern = hourly_load(
        SH_OTHER,
        {"valley": "30", "flat": "70", "peak": "140"},
        "0.6",
        {(date(2025, 10, 20), 9, 1): "140.051"},
    )
    totals = write_readings(
        tmp_path / "readings.csv", date(2025, 10, 15), date(2025, 11, 1), pattern
    )
    october = totals[date(2025, 10, 1)]
    assert october.energy_kwh == OCTOBER_PARTIAL_KWH
    assert october.max_demand_kw == Decimal("560.204")
    assert rounded_power_factor(october) == Decimal("0.86")
    write_account(tmp_path / "account.yaml", account_yaml)
    return totals


def october_partial_bill(
    basic_lines: dict[str, ExpectedLine], pf_base: str, pf_amount: str, total: str
) -> ExpectedBill:
    """The October bill from the 15th, with the given basic and power-factor lines."""
    return bill(
        date(2025, 10, 15),
        date(2025, 11, 1),
        OCTOBER_PARTIAL_KWH,
        {
            # 57120.051 × 0.992 = 56663.090592
            "energy.peak": energy("57120.051", SH_PEAK, "56663.09"),
            "energy.flat": energy(47600, SH_FLAT, "29512.00"),  # 47600 × 0.62 = 29512
            "energy.valley": energy(16320, SH_VALLEY, "4047.36"),  # 16320 × 0.248 = 4047.36
            # Energy lines: 56663.09 + 29512.00 + 4047.36 = 90222.45
            # 121040.051 × 0.019 = 2299.760969; × 0.01 = 1210.40051
            "fund.renewable": fund(OCTOBER_PARTIAL_KWH, SH_RENEWABLE_FUND, "2299.76"),
            "fund.other": fund(OCTOBER_PARTIAL_KWH, SH_OTHER_FUNDS, "1210.40"),
            **basic_lines,
            "power_factor": power_factor_adjustment(
                pf_base, POWER_FACTOR_PERCENT_STANDARD_0_90["0.86"], pf_amount
            ),
        },
        total,
    )


def test_sh_partial_month_capacity(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Service from 2025-10-15: 1000 kVA × 25.50 × 17/30; quantity and rate unprorated."""
    totals = write_october_partial(
        tmp_path,
        sh_account("SH-OCT-CAP", "capacity", 1000, 500, "service_start: 2025-10-15\n"),
    )
    expected = october_partial_bill(
        # 1000 × 25.50 × 17 / 30 = 25500 × 17 / 30 = 14450
        {"basic.capacity": capacity_charge(1000, "14450.00", days_of_service=17)},
        "104672.45",  # 90222.45 + 14450.00; × 0.02 = 2093.449
        "2093.45",
        "110276.06",  # 104672.45 + 2299.76 + 1210.40 + 2093.45
    )
    output = price_json(capsys, tmp_path / "readings.csv", SH_TARIFF, tmp_path / "account.yaml")
    assert_bills(
        output, totals, [expected], "110276.06", tariff_id=SH_TARIFF, account_id="SH-OCT-CAP"
    )


def test_sh_partial_month_contract_demand_with_overrun(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Service from 2025-10-15: demand and overrun lines each × 17/30, rounded once.

    D = 560.204 kW exceeds 1.05 × 500 = 525 kW by 35.204 kW. Rounding the unprorated
    overrun first (2872.6464 → 2872.65, × 17/30 = 1627.835 → 1627.84) would be a cent off.
    """
    totals = write_october_partial(
        tmp_path,
        sh_account("SH-OCT-CD", "contract_demand", 1000, 500, "service_start: 2025-10-15\n"),
    )
    expected = october_partial_bill(
        {
            # D = 560.204 > 525: the allowance 1.05 × 500 = 525 kW;
            # 525 × 40.80 × 17 / 30 = 21420 × 17 / 30 = 12138
            "basic.demand": demand_charge(525, DEMAND_PRICE, "12138.00", days_of_service=17),
            # 35.204 × 81.60 × 17 / 30 = 2872.6464 × 17 / 30 = 1627.83296
            "basic.overrun": demand_charge(
                Decimal("560.204") - Decimal("1.05") * 500,
                OVERRUN_PRICE,
                "1627.83",
                days_of_service=17,
            ),
        },
        "103988.28",  # 90222.45 + 12138.00 + 1627.83; × 0.02 = 2079.7656
        "2079.77",
        "109578.21",  # 103988.28 + 2299.76 + 1210.40 + 2079.77
    )
    output = price_json(capsys, tmp_path / "readings.csv", SH_TARIFF, tmp_path / "account.yaml")
    assert_bills(
        output, totals, [expected], "109578.21", tariff_id=SH_TARIFF, account_id="SH-OCT-CD"
    )


def test_sh_partial_month_actual_demand(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Service from 2025-10-15: 560.204 kW × 40.80 × 17/30, rounded once."""
    totals = write_october_partial(
        tmp_path,
        sh_account("SH-OCT-AD", "actual_demand", 1000, extra="service_start: 2025-10-15\n"),
    )
    expected = october_partial_bill(
        # max(560.204, 400) × 40.80 × 17 / 30 = 22856.3232 × 17 / 30 = 12951.91648
        {"basic.demand": demand_charge("560.204", DEMAND_PRICE, "12951.92", days_of_service=17)},
        "103174.37",  # 90222.45 + 12951.92; × 0.02 = 2063.4874
        "2063.49",
        "108748.02",  # 103174.37 + 2299.76 + 1210.40 + 2063.49
    )
    output = price_json(capsys, tmp_path / "readings.csv", SH_TARIFF, tmp_path / "account.yaml")
    assert_bills(
        output, totals, [expected], "108748.02", tariff_id=SH_TARIFF, account_id="SH-OCT-AD"
    )


def test_sh_partial_month_service_end_in_june(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """service_end 2025-06-20: 20 days (June 1-20), × 20/30; the period ends on June 21.

    Capacity 800 kVA (40 % = 320 kW), contract 400 kW; D = 100 × 4 = 400 kW ≤ 420 kW: no
    overrun. Per quarter: valley 20 kWh, flat 50, peak 100. Per day: valley 8 h × 4 × 20 =
    640, flat 10 × 4 × 50 = 2000, peak 6 × 4 × 100 = 2400. 20 days: valley 12800, flat
    40000, peak 48000; 100800 kWh. kvarh = 0.25 × kWh: PF 0.97, −0.75 %.
    """
    pattern = hourly_load(SH_OTHER, {"valley": "20", "flat": "50", "peak": "100"}, "0.25")
    totals = write_readings(tmp_path / "readings.csv", date(2025, 6, 1), date(2025, 6, 21), pattern)
    june = totals[date(2025, 6, 1)]
    assert june.max_demand_kw == 400
    assert rounded_power_factor(june) == Decimal("0.97")
    account = write_account(
        tmp_path / "account.yaml",
        sh_account("SH-JUNE-END", "contract_demand", 800, 400, "service_end: 2025-06-20\n"),
    )
    expected = bill(
        date(2025, 6, 1),
        date(2025, 6, 21),
        100800,
        {
            "energy.peak": energy(48000, SH_PEAK, "47616.00"),  # 48000 × 0.992 = 47616
            "energy.flat": energy(40000, SH_FLAT, "24800.00"),  # 40000 × 0.62 = 24800
            "energy.valley": energy(12800, SH_VALLEY, "3174.40"),  # 12800 × 0.248 = 3174.4
            # 400 × 40.80 × 20 / 30 = 16320 × 2 / 3 = 10880
            "basic.demand": demand_charge(400, DEMAND_PRICE, "10880.00", days_of_service=20),
            "fund.renewable": fund(100800, SH_RENEWABLE_FUND, "1915.20"),  # × 0.019 = 1915.2
            "fund.other": fund(100800, SH_OTHER_FUNDS, "1008.00"),  # × 0.01 = 1008
            # 47616.00 + 24800.00 + 3174.40 + 10880.00 = 86470.40; × −0.0075 = −648.528
            "power_factor": power_factor_adjustment(
                "86470.40", POWER_FACTOR_PERCENT_STANDARD_0_90["0.97"], "-648.53"
            ),
        },
        "88745.07",  # 86470.40 + 1915.20 + 1008.00 − 648.53
    )
    output = price_json(capsys, tmp_path / "readings.csv", SH_TARIFF, account)
    assert_bills(
        output, totals, [expected], "88745.07", tariff_id=SH_TARIFF, account_id="SH-JUNE-END"
    )


# --------------------------------------------------------------------------------------
# cn-hydro-seasonal-tou: price = 0.58 × season × period. Per quarter: peak 61.3 kWh, flat
# 47.9, valley 18.7. Per day: peak 8 h × 4 × 61.3 = 1961.6, flat 8 × 4 × 47.9 = 1532.8,
# valley 8 × 4 × 18.7 = 598.4; 4092.8 kWh. A 31-day month: peak 60809.6, flat 47516.8,
# valley 18550.4; 126876.8 kWh. A 30-day month: peak 58848, flat 45984, valley 17952;
# 122784 kWh. Funds 0.029 on all kWh; power factor at standard 0.85 on the energy lines.
# --------------------------------------------------------------------------------------

HYDRO_LOAD = {"peak": "61.3", "flat": "47.9", "valley": "18.7"}
HYDRO_31_DAYS_KWH = Decimal("126876.8")


def write_hydro(
    tmp_path: Path, first_day: date, end_day: date, kvarh_per_kwh: str, account_id: str
) -> dict[date, MonthTotals]:
    """Write hydro readings ``[first_day, end_day)`` and an account with only its id."""
    pattern = hourly_load(HYDRO_WINDOWS, HYDRO_LOAD, kvarh_per_kwh)
    totals = write_readings(tmp_path / "readings.csv", first_day, end_day, pattern)
    write_account(tmp_path / "account.yaml", f"account_id: {account_id}\n")
    return totals


def price_hydro(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> dict[str, Any]:
    """Price the written hydro readings and account."""
    return price_json(capsys, tmp_path / "readings.csv", HYDRO_TARIFF, tmp_path / "account.yaml")


def test_hydro_wet_july_power_factor_reduction(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """July (wet, × 0.90); kvarh = 0.4 × kWh: PF 0.93 against 0.85, −0.95 % of energy."""
    totals = write_hydro(tmp_path, date(2025, 7, 1), date(2025, 8, 1), "0.4", "HY-WET")
    assert rounded_power_factor(totals[date(2025, 7, 1)]) == Decimal("0.93")
    peak = HYDRO_WET * Decimal("1.5")  # 0.58 × 0.90 × 1.5 = 0.783
    valley = HYDRO_WET * Decimal("0.5")  # 0.58 × 0.90 × 0.5 = 0.261
    assert (peak, HYDRO_WET, valley) == (Decimal("0.783"), Decimal("0.522"), Decimal("0.261"))
    expected = bill(
        *month(2025, 7),
        HYDRO_31_DAYS_KWH,
        {
            "energy.wet.peak": energy("60809.6", peak, "47613.92"),  # = 47613.9168
            "energy.wet.flat": energy("47516.8", HYDRO_WET, "24803.77"),  # = 24803.7696
            "energy.wet.valley": energy("18550.4", valley, "4841.65"),  # = 4841.6544
            "fund.government": fund(HYDRO_31_DAYS_KWH, HYDRO_FUND, "3679.43"),  # 3679.4272
            # 47613.92 + 24803.77 + 4841.65 = 77259.34; × −0.0095 = −733.96373
            "power_factor": power_factor_adjustment(
                "77259.34", POWER_FACTOR_PERCENT_STANDARD_0_85["0.93"], "-733.96"
            ),
        },
        "80204.81",  # 77259.34 + 3679.43 − 733.96
    )
    output = price_hydro(tmp_path, capsys)
    assert_bills(
        output, totals, [expected], "80204.81", tariff_id=HYDRO_TARIFF, account_id="HY-WET"
    )


def test_hydro_dry_january_power_factor_surcharge(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """January (dry, × 1.20); kvarh = 1.13 × kWh: PF 0.66 against 0.85, +9.5 % of energy.

    PF = 1 / √(1 + 1.2769) = 0.6627… → 0.66 (the table's kvarh/kWh 1.1231-1.1536 row).
    """
    totals = write_hydro(tmp_path, date(2025, 1, 1), date(2025, 2, 1), "1.13", "HY-DRY")
    assert rounded_power_factor(totals[date(2025, 1, 1)]) == Decimal("0.66")
    peak = HYDRO_DRY * Decimal("1.5")  # 0.58 × 1.20 × 1.5 = 1.044
    valley = HYDRO_DRY * Decimal("0.5")  # 0.58 × 1.20 × 0.5 = 0.348
    assert (peak, HYDRO_DRY, valley) == (Decimal("1.044"), Decimal("0.696"), Decimal("0.348"))
    expected = bill(
        *month(2025, 1),
        HYDRO_31_DAYS_KWH,
        {
            "energy.dry.peak": energy("60809.6", peak, "63485.22"),  # = 63485.2224
            "energy.dry.flat": energy("47516.8", HYDRO_DRY, "33071.69"),  # = 33071.6928
            "energy.dry.valley": energy("18550.4", valley, "6455.54"),  # = 6455.5392
            "fund.government": fund(HYDRO_31_DAYS_KWH, HYDRO_FUND, "3679.43"),  # 3679.4272
            # 63485.22 + 33071.69 + 6455.54 = 103012.45; × 0.095 = 9786.18275
            "power_factor": power_factor_adjustment(
                "103012.45", POWER_FACTOR_PERCENT_STANDARD_0_85["0.66"], "9786.18"
            ),
        },
        "116478.06",  # 103012.45 + 3679.43 + 9786.18
    )
    output = price_hydro(tmp_path, capsys)
    assert_bills(
        output, totals, [expected], "116478.06", tariff_id=HYDRO_TARIFF, account_id="HY-DRY"
    )


def test_hydro_normal_may_power_factor_reduction(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """May (normal, × 1.00); kvarh = 0.25 × kWh: PF 0.97 against 0.85, −1.1 % of energy."""
    totals = write_hydro(tmp_path, date(2025, 5, 1), date(2025, 6, 1), "0.25", "HY-NORMAL")
    assert rounded_power_factor(totals[date(2025, 5, 1)]) == Decimal("0.97")
    peak = HYDRO_NORMAL * Decimal("1.5")  # 0.58 × 1.5 = 0.87
    valley = HYDRO_NORMAL * Decimal("0.5")  # 0.58 × 0.5 = 0.29
    expected = bill(
        *month(2025, 5),
        HYDRO_31_DAYS_KWH,
        {
            "energy.normal.peak": energy("60809.6", peak, "52904.35"),  # = 52904.352
            "energy.normal.flat": energy("47516.8", HYDRO_NORMAL, "27559.74"),  # = 27559.744
            "energy.normal.valley": energy("18550.4", valley, "5379.62"),  # = 5379.616
            "fund.government": fund(HYDRO_31_DAYS_KWH, HYDRO_FUND, "3679.43"),  # 3679.4272
            # 52904.35 + 27559.74 + 5379.62 = 85843.71; × −0.011 = −944.28081
            "power_factor": power_factor_adjustment(
                "85843.71", POWER_FACTOR_PERCENT_STANDARD_0_85["0.97"], "-944.28"
            ),
        },
        "88578.86",  # 85843.71 + 3679.43 − 944.28
    )
    output = price_hydro(tmp_path, capsys)
    assert_bills(
        output, totals, [expected], "88578.86", tariff_id=HYDRO_TARIFF, account_id="HY-NORMAL"
    )


def test_hydro_october_to_november_season_change(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """October is wet and November normal; kvarh = 1.17 × kWh: PF 0.65, +10 % each month.

    PF = 1 / √(1 + 1.3689) = 0.6497… → 0.65 (the table's kvarh/kWh 1.1537-1.1847 row).
    """
    totals = write_hydro(tmp_path, date(2025, 10, 1), date(2025, 12, 1), "1.17", "HY-AUTUMN")
    assert rounded_power_factor(totals[date(2025, 10, 1)]) == Decimal("0.65")
    assert rounded_power_factor(totals[date(2025, 11, 1)]) == Decimal("0.65")
    surcharge_percent = POWER_FACTOR_PERCENT_STANDARD_0_85["0.65"]
    expected = [
        bill(
            *month(2025, 10),
            HYDRO_31_DAYS_KWH,
            {
                "energy.wet.peak": energy("60809.6", HYDRO_WET * Decimal("1.5"), "47613.92"),
                "energy.wet.flat": energy("47516.8", HYDRO_WET, "24803.77"),
                "energy.wet.valley": energy("18550.4", HYDRO_WET * Decimal("0.5"), "4841.65"),
                "fund.government": fund(HYDRO_31_DAYS_KWH, HYDRO_FUND, "3679.43"),
                # 77259.34 (as in July) × 0.10 = 7725.934
                "power_factor": power_factor_adjustment("77259.34", surcharge_percent, "7725.93"),
            },
            "88664.70",  # 77259.34 + 3679.43 + 7725.93
        ),
        bill(
            *month(2025, 11),
            122784,
            {
                # 58848 × 0.87 = 51197.76; 45984 × 0.58 = 26670.72; 17952 × 0.29 = 5206.08
                "energy.normal.peak": energy(58848, HYDRO_NORMAL * Decimal("1.5"), "51197.76"),
                "energy.normal.flat": energy(45984, HYDRO_NORMAL, "26670.72"),
                "energy.normal.valley": energy(17952, HYDRO_NORMAL * Decimal("0.5"), "5206.08"),
                "fund.government": fund(122784, HYDRO_FUND, "3560.74"),  # × 0.029 = 3560.736
                # 51197.76 + 26670.72 + 5206.08 = 83074.56; × 0.10 = 8307.456
                "power_factor": power_factor_adjustment("83074.56", surcharge_percent, "8307.46"),
            },
            "94942.76",  # 83074.56 + 3560.74 + 8307.46
        ),
    ]
    output = price_hydro(tmp_path, capsys)
    # 88664.70 + 94942.76 = 183607.46
    assert_bills(
        output, totals, expected, "183607.46", tariff_id=HYDRO_TARIFF, account_id="HY-AUTUMN"
    )
