"""Rounding per bill (``rounding: {per: bill}``) against rounding per line, by hand.

Per line (the default), each line is rounded to the currency's minor unit and the total
is their sum. Per bill, each line is carried to ``line_places`` and only the total is
rounded, once, to ``places``; a line ``rounding`` holds the difference, so that the lines
still add up to the total. No published rule for either was found to cite; both are
declared options of the table (a bill total to the 分, 0.01 CNY, or to the 角, 0.1 CNY).

Every amount is worked out by hand in the comments.
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_DOWN, ROUND_HALF_EVEN, ROUND_HALF_UP, Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tables import peak_valley_yaml
from tariffs import Bill, parse_tariff, price
from tariffs.errors import TariffFileError
from tariffs.io.readings.csv_reader import parse_readings_csv

# Peak 08:00-20:00 (12 hours) at 0.56875, valley 20:00-08:00 (12 hours) at 0.28875, and a
# fixed 10 CNY a month, prorated by actual days.
TABLE = peak_valley_yaml("rounding-test", "0.56875", "0.28875").replace(
    '        prices: {peak: "0.56875", valley: "0.28875"}\n',
    '        prices: {peak: "0.56875", valley: "0.28875"}\n'
    '      - {kind: fixed, amount: "10", per: month}\n',
)
assert "kind: fixed" in TABLE


def table(rounding: str | None) -> str:
    if rounding is None:
        return TABLE
    text = TABLE.replace(
        "reference: written for the tests\n",
        f"reference: written for the tests\nrounding: {rounding}\n",
    )
    assert "rounding:" in text
    return text


def one_day(kwh: str = "1") -> str:
    """``kwh`` in every hour of 2025-07-01 (1 of July's 31 days)."""
    rows = ["start,kwh"]
    rows += [f"2025-07-01T{hour:02d}:00,{kwh}" for hour in range(24)]
    return "\n".join(rows) + "\n"


def bill_of(rounding: str | None, readings: str | None = None) -> Bill:
    (bill,) = price(
        parse_tariff(table(rounding)),
        parse_readings_csv(readings or one_day(), "r.csv", "Asia/Shanghai"),
    )
    return bill


def amounts(bill: Bill) -> list[tuple[str, Decimal]]:
    return [(line.code, line.amount) for line in bill.lines]


# Exact amounts of the day:
#   peak   12 kWh × 0.56875 = 6.825
#   valley 12 kWh × 0.28875 = 3.465
#   fixed  10 × 1/31        = 0.32258064...


def test_per_line_rounds_each_line() -> None:
    # 6.825 → 6.83, 3.465 → 3.47, 0.3225… → 0.32 (half-up); total 10.62.
    bill = bill_of(None)
    assert amounts(bill) == [
        ("energy.peak", Decimal("6.83")),
        ("energy.valley", Decimal("3.47")),
        ("fixed", Decimal("0.32")),
    ]
    assert bill.total == Decimal("10.62")


def test_per_bill_rounds_the_total_once_to_the_fen() -> None:
    # Lines to 4 places: 6.8250, 3.4650, 0.3226 (0.32258… half-up); sum 10.6126.
    # Total to the fen: 10.61 (half-up); rounding line 10.61 − 10.6126 = −0.0026.
    # Per line the same bill is 10.62: one fen more.
    bill = bill_of("{per: bill, line_places: 4}")
    assert amounts(bill) == [
        ("energy.peak", Decimal("6.8250")),
        ("energy.valley", Decimal("3.4650")),
        ("fixed", Decimal("0.3226")),
        ("rounding", Decimal("-0.0026")),
    ]
    assert bill.total == Decimal("10.61")
    assert str(bill.total) == "10.61"
    assert bill.lines[-1].kind == "adjustment"


def test_per_bill_to_the_jiao() -> None:
    # Sum 10.6126 to one place: 10.6; rounding line −0.0126.
    bill = bill_of("{per: bill, places: 1, line_places: 4}")
    assert amounts(bill)[-1] == ("rounding", Decimal("-0.0126"))
    assert str(bill.total) == "10.6"
    # Rounded down to the jiao: also 10.6; up: 10.7 (rounding +0.0874).
    assert str(bill_of("{per: bill, places: 1, line_places: 4, mode: down}").total) == "10.6"
    up = bill_of("{per: bill, places: 1, line_places: 4, mode: up}")
    assert str(up.total) == "10.7"
    assert amounts(up)[-1] == ("rounding", Decimal("0.0874"))


def test_per_bill_lines_default_to_six_places() -> None:
    # 0.322580645… → 0.322581; sum 6.825 + 3.465 + 0.322581 = 10.612581 → 10.61.
    bill = bill_of("{per: bill}")
    assert amounts(bill)[2:] == [
        ("fixed", Decimal("0.322581")),
        ("rounding", Decimal("-0.002581")),
    ]
    assert bill.total == Decimal("10.61")


@pytest.mark.parametrize(
    ("rounding", "message"),
    [
        ("{line_places: 4}", r"'line_places' is for 'per: bill'"),
        ("{per: bill, places: 2, line_places: 1}", r"line_places 1 is fewer than the total's"),
        (
            "{per: bill, line_places: 1}",
            r"line_places 1 is fewer than the total's places 2 "
            r"\(the minor unit of CNY\)",
        ),
        ("{per: total}", r"rounding\.per: Input should be 'line' or 'bill'"),
    ],
)
def test_unclear_rounding_is_refused(rounding: str, message: str) -> None:
    with pytest.raises(TariffFileError, match=message):
        parse_tariff(table(rounding))


_MODES = {"half_up": ROUND_HALF_UP, "half_even": ROUND_HALF_EVEN, "down": ROUND_DOWN}


@given(
    kwh=st.lists(st.integers(0, 99_999), min_size=24, max_size=24),
    places=st.integers(0, 2),
    mode=st.sampled_from(sorted(_MODES)),
)
def test_per_bill_total_is_the_exact_sum_rounded_once(
    kwh: list[int], places: int, mode: str
) -> None:
    # kWh to 3 places × prices to 5 places: every energy amount has at most 8 places, so
    # lines carried to 9 places are exact; the fixed line over the whole month is 10.
    rows = ["start,kwh"]
    start = dt.datetime(2025, 7, 1)
    month = [start + dt.timedelta(hours=h) for h in range(31 * 24)]
    rows += [f"{t:%Y-%m-%dT%H:%M},{Decimal(kwh[t.hour]).scaleb(-3)}" for t in month]
    bill = bill_of(
        f"{{per: bill, places: {places}, mode: {mode}, line_places: 9}}", "\n".join(rows) + "\n"
    )
    peak = sum(Decimal(kwh[h]).scaleb(-3) for h in range(8, 20)) * 31
    valley = sum(Decimal(kwh[h]).scaleb(-3) for h in [*range(8), *range(20, 24)]) * 31
    exact = peak * Decimal("0.56875") + valley * Decimal("0.28875") + 10
    unit = Decimal(1).scaleb(-places)
    # The lines, the rounding line included, add up to the total exactly.
    assert sum(line.amount for line in bill.lines) == bill.total
    assert sum(line.amount for line in bill.lines[:-1]) == exact
    assert bill.total == exact.quantize(unit, rounding=_MODES[mode])
    if mode == "down":
        assert Decimal(0) <= exact - bill.total < unit
    else:
        assert abs(bill.total - exact) <= unit / 2


def test_the_shipped_example_rounds_the_total_once_to_the_jiao() -> None:
    """examples/rounding/: one day of 1 kWh an hour, the total to the 角 (0.1 CNY)."""
    from pathlib import Path

    from tariffs import load_tariff, read_readings_csv

    example = Path(__file__).resolve().parents[1] / "examples" / "rounding"
    tariff = load_tariff(example / "rounding-per-bill.yaml")
    (bill,) = price(tariff, read_readings_csv(example / "one-day.csv", tariff.timezone))
    assert [(line.code, line.amount) for line in bill.lines] == [
        ("energy.peak", Decimal("6.8250")),  # 12 × 0.56875
        ("energy.valley", Decimal("3.4650")),  # 12 × 0.28875
        ("fixed", Decimal("0.3226")),  # 10 × 1/31 = 0.32258… → 0.3226 (line_places 4)
        ("rounding", Decimal("-0.0126")),  # 10.6126 → 10.6 (half-up to 0.1)
    ]
    assert bill.total == Decimal("10.6")
