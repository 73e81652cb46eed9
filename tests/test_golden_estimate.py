"""Golden bills of estimated readings (``--estimate``), worked out by hand.

Tariff ``cn-zj-residential-tou`` (peak 08-22 at 0.568, valley 22-08 at 0.288 CNY/kWh; the
kWh here stay in the first annual tier, so no tier line). Readings: hourly, Tuesday
2025-07-01 to Monday 2025-07-14 (Asia/Shanghai, no daylight saving time), kWh by hour:

- every valley hour 2.000, every peak hour 1.000, except on day ``d`` of July:
- 07:00 (valley) 2.000 + 0.1 × d; 08:00 (peak) 1.000 + 0.1 × d; 09:00 (peak) 1.000 +
  0.001 × (d − 1);
- on July 14 the hours 07, 08 and 09 are missing (empty cells): 3 missing hours, one
  valley and two peak.

What was read (days 1 to 13 whole, Σd = 91, Σ(d − 1) = 78; July 14 without its 3 hours):

- valley: 13 × 20 + 0.1 × 91 = 269.1, and July 14: 20 − 2 = 18 → 287.100 kWh;
- peak: 13 × 14 + 0.1 × 91 + 0.001 × 78 = 191.178, and July 14: 14 − 2 = 12 → 203.178 kWh.

Each bill is July 1 to 15 (a partial period, 14 of 31 days) and says what was estimated.
"""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest

from tariffs.cli import main

READ_VALLEY = Decimal("287.100")
READ_PEAK = Decimal("203.178")


def write_readings(path: Path) -> None:
    rows = ["start,kwh"]
    for d in range(1, 15):
        for hour in range(24):
            kwh = Decimal(1) if 8 <= hour < 22 else Decimal(2)
            if hour in (7, 8):
                kwh += Decimal("0.1") * d
            if hour == 9:
                kwh += Decimal("0.001") * (d - 1)
            missing = d == 14 and hour in (7, 8, 9)
            rows.append(f"2025-07-{d:02d}T{hour:02d}:00," + ("" if missing else f"{kwh:.3f}"))
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")


def bill_of(tmp_path: Path, capsys: pytest.CaptureFixture[str], method: str) -> dict[str, object]:
    readings = tmp_path / "readings.csv"
    write_readings(readings)
    argv = ["price", str(readings), "--tariff", "cn-zj-residential-tou", "--format", "json"]
    code = main([*argv, "--estimate", method])
    out, err = capsys.readouterr()
    assert code == 0, err
    (bill,) = json.loads(out)["bills"]
    assert isinstance(bill, dict)
    return bill


def check(
    bill: dict[str, object],
    estimated: tuple[str, str, str],
    amounts: tuple[str, str, str],
    method: str,
) -> None:
    """``estimated``: the valley 07:00 and peak 08:00, 09:00 values; ``amounts``: peak,
    valley and total, worked out in the test's comments."""
    valley_07, peak_08, peak_09 = (Decimal(value) for value in estimated)
    peak = READ_PEAK + peak_08 + peak_09
    valley = READ_VALLEY + valley_07
    lines = {line["code"]: line for line in bill["lines"]}  # type: ignore[attr-defined]
    assert Decimal(lines["energy.peak"]["quantity"]) == peak
    assert Decimal(lines["energy.valley"]["quantity"]) == valley
    assert (lines["energy.peak"]["amount"], lines["energy.valley"]["amount"]) == amounts[:2]
    assert bill["total"] == amounts[2]
    assert set(lines) == {"energy.peak", "energy.valley"}
    kwh = valley_07 + peak_08 + peak_09
    assert bill["estimated_intervals"] == 3
    assert Decimal(str(bill["estimated_kwh"])) == kwh
    assert bill["energy_kwh"] == str(peak + valley)
    assert bill["warnings"] == [
        "partial period: 2025-07-01 to 2025-07-15 (14 of 31 days)",
        f"estimated readings: 3 intervals ({kwh} kWh) in this period were estimated, not "
        f"read (--estimate {method})",
    ]


def test_same_day_last_week(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # July 14 takes July 7 (d = 7): 07:00 2 + 0.7 = 2.700; 08:00 1 + 0.7 = 1.700;
    # 09:00 1 + 0.006 = 1.006 (5.406 kWh estimated).
    # peak 203.178 + 1.700 + 1.006 = 205.884 × 0.568 = 116.942112 → 116.94
    # valley 287.100 + 2.700 = 289.800 × 0.288 = 83.4624 → 83.46; total 200.40
    bill = bill_of(tmp_path, capsys, "same-day-last-week")
    check(bill, ("2.700", "1.700", "1.006"), ("116.94", "83.46", "200.40"), "same-day-last-week:1")


def test_like_days(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # The 4 weekdays before Monday July 14: Fri 11, Thu 10, Wed 9, Tue 8 (the weekend of
    # 12 and 13 is another day type); mean d = 9.5, mean d − 1 = 8.5.
    # 07:00 2 + 0.95 = 2.950; 08:00 1 + 0.95 = 1.950; 09:00 1 + 0.0085 = 1.0085, to 3
    # places half to even: 1.008 (half up would give 1.009). 5.908 kWh estimated.
    # peak 203.178 + 1.950 + 1.008 = 206.136 × 0.568 = 117.085248 → 117.09
    # valley 287.100 + 2.950 = 290.050 × 0.288 = 83.5344 → 83.53; total 200.62
    bill = bill_of(tmp_path, capsys, "like-days")
    check(bill, ("2.950", "1.950", "1.008"), ("117.09", "83.53", "200.62"), "like-days:4")


def test_register_pro_rata(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # Register 1000.000 at July 14 06:00 and 1008.000 at 12:00: 8.000 kWh, of which the
    # hours 06, 10 and 11 read 2 + 1 + 1 = 4.000; 4.000 kWh over the 3 missing hours,
    # flat: 4000 units = 3 × 1333 + 1, the one left over to the first: 1.334, 1.333, 1.333.
    # The read of July 1 00:00 makes a pair without missing hours: not used.
    # peak 203.178 + 1.333 + 1.333 = 205.844 × 0.568 = 116.919392 → 116.92
    # valley 287.100 + 1.334 = 288.434 × 0.288 = 83.068992 → 83.07; total 199.99
    register = tmp_path / "register.csv"
    register.write_text(
        "time,register_kwh\n2025-07-01T00:00,500.00\n2025-07-14T06:00,1000.000\n"
        "2025-07-14T12:00,1008\n",
        encoding="utf-8",
    )
    method = f"register:{register}"
    bill = bill_of(tmp_path, capsys, method)
    check(bill, ("1.334", "1.333", "1.333"), ("116.92", "83.07", "199.99"), method)


def test_without_estimate_the_gap_is_refused_or_left_unbilled(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    readings = tmp_path / "readings.csv"
    write_readings(readings)
    argv = ["price", str(readings), "--tariff", "cn-zj-residential-tou", "--format", "json"]
    assert main(argv) == 1
    capsys.readouterr()
    assert main([*argv, "--allow-gaps"]) == 0
    (bill,) = json.loads(capsys.readouterr().out)["bills"]
    assert "estimated_intervals" not in bill and "estimated_kwh" not in bill
    assert Decimal(bill["energy_kwh"]) == READ_PEAK + READ_VALLEY


def test_the_example_files_are_these_readings(tmp_path: Path) -> None:
    examples = Path(__file__).resolve().parent.parent / "examples"
    write_readings(tmp_path / "readings.csv")
    assert (examples / "estimate-readings.csv").read_text(encoding="utf-8") == (
        tmp_path / "readings.csv"
    ).read_text(encoding="utf-8")
    assert (examples / "estimate-register.csv").read_text(encoding="utf-8") == (
        "time,register_kwh\n2025-07-14T06:00,1000.000\n2025-07-14T12:00,1008.000\n"
    )


def test_batch_estimates_as_price_does(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # The bill of `test_like_days` (200.62, 3 intervals, 5.908 kWh estimated) for A1.
    (tmp_path / "dir").mkdir()
    write_readings(tmp_path / "dir" / "A1.csv")
    accounts = tmp_path / "accounts.csv"
    accounts.write_text("account_id,tariff\nA1,cn-zj-residential-tou\n", encoding="utf-8")
    argv = ["batch", "--accounts", str(accounts), "--readings-dir", str(tmp_path / "dir")]
    code = main([*argv, "--format", "jsonl", "--workers", "1", "--estimate", "like-days"])
    out, err = capsys.readouterr()
    assert code == 0, err
    bill = json.loads(out)
    assert (bill["account_id"], bill["total"]) == ("A1", "200.62")
    assert (bill["estimated_intervals"], bill["estimated_kwh"]) == (3, "5.908")
    # One register file is one meter's: a usage error for many accounts.
    assert main([*argv, "--estimate", "register:r.csv"]) == 2
    assert "reads the register of one meter" in capsys.readouterr().err
