"""Tests of the 1983 power-factor adjustment tables and the exact monthly power factor."""

from __future__ import annotations

import math
from decimal import ROUND_HALF_UP, Decimal, localcontext
from fractions import Fraction

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from tariffs.engine.adjustments.power_factor_tables import (
    STANDARD_TABLES,
    PowerFactorStep,
    PowerFactorTable,
    _rounded_from_square,
    power_factor,
    power_factor_table,
)

# ---------------------------------------------------------------------------------------
# The published tables, typed out row by row (percent of the month's charges; positive is
# 增收, negative is 减收).
#
# Source: 《功率因数调整电费办法》, 水利电力部、国家物价局 (83)水电财字第215号, 1983-12-02,
# 附表一 (standard 0.90), 附表二 (standard 0.85), 附表三 (standard 0.80). Read from:
#   - http://aiicanw.cn/xx/dqdz/50308.html (附表一 in full: 0.90 to 1.00, 0.89 to 0.65, and
#     "功率因数自0.64及以下，每降低0.01电费增加2%");
#   - http://wgbc.cn/zxjs/205.html (功率因数调整电费增减查对表, the three standards side by
#     side: rows 1.00 to 0.93, 0.66 to 0.59 and 0.32 to 0.26);
#   - https://777doc.com/doc-5713324.html (text of the rules, standards and their scope).
# Rows between the ones shown are the tables' own steps (0.5 % per 0.01 down to 0.70, 0.65
# and 0.60 respectively; 1 % per 0.01 for the next five rows; then 2 % per 0.01).
# ---------------------------------------------------------------------------------------

TABLE_0_90 = {
    "1.00": "-0.75", "0.99": "-0.75", "0.98": "-0.75", "0.97": "-0.75", "0.96": "-0.75",
    "0.95": "-0.75", "0.94": "-0.60", "0.93": "-0.45", "0.92": "-0.30", "0.91": "-0.15",
    "0.90": "0.00",
    "0.89": "0.5", "0.88": "1.0", "0.87": "1.5", "0.86": "2.0", "0.85": "2.5",
    "0.84": "3.0", "0.83": "3.5", "0.82": "4.0", "0.81": "4.5", "0.80": "5.0",
    "0.79": "5.5", "0.78": "6.0", "0.77": "6.5", "0.76": "7.0", "0.75": "7.5",
    "0.74": "8.0", "0.73": "8.5", "0.72": "9.0", "0.71": "9.5", "0.70": "10.0",
    "0.69": "11", "0.68": "12", "0.67": "13", "0.66": "14", "0.65": "15",
    "0.64": "17", "0.63": "19", "0.62": "21", "0.61": "23", "0.60": "25",
    "0.59": "27", "0.58": "29", "0.57": "31", "0.56": "33", "0.55": "35",
    "0.54": "37", "0.53": "39", "0.52": "41", "0.51": "43", "0.50": "45",
}  # fmt: skip

TABLE_0_85 = {
    "1.00": "-1.10", "0.99": "-1.10", "0.98": "-1.10", "0.97": "-1.10", "0.96": "-1.10",
    "0.95": "-1.10", "0.94": "-1.10", "0.93": "-0.95", "0.92": "-0.80", "0.91": "-0.65",
    "0.90": "-0.50", "0.89": "-0.40", "0.88": "-0.30", "0.87": "-0.20", "0.86": "-0.10",
    "0.85": "0.00",
    "0.84": "0.5", "0.83": "1.0", "0.82": "1.5", "0.81": "2.0", "0.80": "2.5",
    "0.79": "3.0", "0.78": "3.5", "0.77": "4.0", "0.76": "4.5", "0.75": "5.0",
    "0.74": "5.5", "0.73": "6.0", "0.72": "6.5", "0.71": "7.0", "0.70": "7.5",
    "0.69": "8.0", "0.68": "8.5", "0.67": "9.0", "0.66": "9.5", "0.65": "10.0",
    "0.64": "11", "0.63": "12", "0.62": "13", "0.61": "14", "0.60": "15",
    "0.59": "17", "0.58": "19", "0.57": "21", "0.56": "23", "0.55": "25",
    "0.54": "27", "0.53": "29", "0.52": "31", "0.51": "33", "0.50": "35",
}  # fmt: skip

TABLE_0_80 = {
    "1.00": "-1.30", "0.99": "-1.30", "0.98": "-1.30", "0.97": "-1.30", "0.96": "-1.30",
    "0.95": "-1.30", "0.94": "-1.30", "0.93": "-1.30", "0.92": "-1.30", "0.91": "-1.15",
    "0.90": "-1.00", "0.89": "-0.90", "0.88": "-0.80", "0.87": "-0.70", "0.86": "-0.60",
    "0.85": "-0.50", "0.84": "-0.40", "0.83": "-0.30", "0.82": "-0.20", "0.81": "-0.10",
    "0.80": "0.00",
    "0.79": "0.5", "0.78": "1.0", "0.77": "1.5", "0.76": "2.0", "0.75": "2.5",
    "0.74": "3.0", "0.73": "3.5", "0.72": "4.0", "0.71": "4.5", "0.70": "5.0",
    "0.69": "5.5", "0.68": "6.0", "0.67": "6.5", "0.66": "7.0", "0.65": "7.5",
    "0.64": "8.0", "0.63": "8.5", "0.62": "9.0", "0.61": "9.5", "0.60": "10.0",
    "0.59": "11", "0.58": "12", "0.57": "13", "0.56": "14", "0.55": "15",
    "0.54": "17", "0.53": "19", "0.52": "21", "0.51": "23", "0.50": "25",
}  # fmt: skip

PUBLISHED = {"1983-0.90": TABLE_0_90, "1983-0.85": TABLE_0_85, "1983-0.80": TABLE_0_80}

# Rows 0.32 to 0.26 of the side-by-side table (http://wgbc.cn/zxjs/205.html), columns for
# the standards 0.90 / 0.85 / 0.80.
LOW_ROWS = {
    "0.32": ("81", "71", "61"),
    "0.31": ("83", "73", "63"),
    "0.30": ("85", "75", "65"),
    "0.29": ("87", "77", "67"),
    "0.28": ("89", "79", "69"),
    "0.27": ("91", "81", "71"),
    "0.26": ("93", "83", "73"),
}

HUNDREDTHS = [Decimal(n).scaleb(-2) for n in range(101)]


def table_rows() -> list[tuple[str, str, str]]:
    return [
        (name, power_factor_text, percent_text)
        for name, rows in PUBLISHED.items()
        for power_factor_text, percent_text in rows.items()
    ]


# --- the tables --------------------------------------------------------------------------


def test_published_tables_are_complete_from_1_00_to_0_50() -> None:
    expected_keys = {f"{n / 100:.2f}" for n in range(50, 101)}
    for rows in PUBLISHED.values():
        assert set(rows) == expected_keys


@pytest.mark.parametrize(("name", "power_factor_text", "percent_text"), table_rows())
def test_percent_matches_published_row(
    name: str, power_factor_text: str, percent_text: str
) -> None:
    table = STANDARD_TABLES[name]
    assert table.percent(Decimal(power_factor_text)) == Decimal(percent_text)


@pytest.mark.parametrize("power_factor_text", sorted(LOW_ROWS))
def test_percent_matches_published_low_rows(power_factor_text: str) -> None:
    names = ("1983-0.90", "1983-0.85", "1983-0.80")
    for name, percent_text in zip(names, LOW_ROWS[power_factor_text], strict=True):
        table = STANDARD_TABLES[name]
        assert table.percent(Decimal(power_factor_text)) == Decimal(percent_text)


def test_surcharge_continues_at_two_percent_per_hundredth_down_to_zero() -> None:
    # "每降低0.01电费增加2%" has no floor: at 0.00 the 0.90 table is 17 % at 0.64 plus
    # 64 × 2 %, the 0.85 table 17 % at 0.59 plus 59 × 2 %, the 0.80 table 17 % at 0.54
    # plus 54 × 2 %.
    assert STANDARD_TABLES["1983-0.90"].percent(Decimal("0.00")) == Decimal("145")
    assert STANDARD_TABLES["1983-0.85"].percent(Decimal("0.00")) == Decimal("135")
    assert STANDARD_TABLES["1983-0.80"].percent(Decimal("0.00")) == Decimal("125")


@pytest.mark.parametrize("name", sorted(STANDARD_TABLES))
def test_zero_at_exactly_the_standard(name: str) -> None:
    table = STANDARD_TABLES[name]
    result = table.percent(table.standard)
    assert result == 0
    assert not result.is_signed()


@pytest.mark.parametrize("name", sorted(STANDARD_TABLES))
def test_lower_power_factor_never_gives_lower_percent(name: str) -> None:
    table = STANDARD_TABLES[name]
    percents = [table.percent(value) for value in HUNDREDTHS]
    assert all(lower >= higher for lower, higher in zip(percents, percents[1:], strict=False))


@pytest.mark.parametrize("name", sorted(STANDARD_TABLES))
def test_percent_has_two_decimals(name: str) -> None:
    table = STANDARD_TABLES[name]
    assert all(table.percent(value).as_tuple().exponent == -2 for value in HUNDREDTHS)


def test_standard_tables_by_name() -> None:
    assert sorted(STANDARD_TABLES) == ["1983-0.80", "1983-0.85", "1983-0.90"]
    for name, standard in (("1983-0.90", "0.90"), ("1983-0.85", "0.85"), ("1983-0.80", "0.80")):
        table = power_factor_table(name)
        assert table is STANDARD_TABLES[name]
        assert table.name == name
        assert table.standard == Decimal(standard)
        assert "(83)水电财字第215号" in table.reference


def test_standard_tables_cannot_be_replaced() -> None:
    with pytest.raises(TypeError):
        STANDARD_TABLES["1983-0.90"] = STANDARD_TABLES["1983-0.85"]  # type: ignore[index]


def test_unknown_table_name_lists_the_known_names() -> None:
    with pytest.raises(
        LookupError,
        match=r"unknown power-factor table '1983-0\.95'; known tables: "
        r"1983-0\.80, 1983-0\.85, 1983-0\.90",
    ) as caught:
        power_factor_table("1983-0.95")
    assert not isinstance(caught.value, KeyError)


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (Decimal("0.895"), r"power factor 0\.895 has more than two decimals"),
        (Decimal("1.01"), r"power factor 1\.01 is outside 0\.00 to 1\.00"),
        (Decimal("-0.01"), r"power factor -0\.01 is outside 0\.00 to 1\.00"),
        (Decimal("NaN"), r"power factor must be a finite number"),
        (Decimal("Infinity"), r"power factor must be a finite number"),
        (0.9, r"power factor must be a Decimal, got float"),
        (True, r"power factor must be a Decimal, got bool"),
    ],
)
def test_percent_refuses_what_is_not_a_rounded_power_factor(value: object, message: str) -> None:
    table = STANDARD_TABLES["1983-0.90"]
    with pytest.raises(ValueError, match=message):
        table.percent(value)  # type: ignore[arg-type]


def test_percent_takes_trailing_zeros_as_the_same_value() -> None:
    table = STANDARD_TABLES["1983-0.85"]
    assert table.percent(Decimal("0.9")) == table.percent(Decimal("0.900")) == Decimal("-0.5")
    assert table.percent(Decimal("1")) == Decimal("-1.10")


def test_malformed_table_is_refused() -> None:
    with pytest.raises(ValueError, match=r"last surcharge band must reach 0\.00"):
        PowerFactorTable(
            name="broken",
            standard=Decimal("0.90"),
            reference="test",
            reduction_steps=(),
            surcharge_steps=(PowerFactorStep(Decimal("0.70"), Decimal("0.5")),),
        )
    with pytest.raises(ValueError, match=r"reduction limit 0\.85 does not rise"):
        PowerFactorTable(
            name="broken",
            standard=Decimal("0.90"),
            reference="test",
            reduction_steps=(PowerFactorStep(Decimal("0.85"), Decimal("0.15")),),
            surcharge_steps=(PowerFactorStep(Decimal("0.00"), Decimal("2")),),
        )
    with pytest.raises(ValueError, match=r"standard 1\.00 is not between 0 and 1"):
        PowerFactorTable(
            name="broken",
            standard=Decimal("1.00"),
            reference="test",
            reduction_steps=(),
            surcharge_steps=(PowerFactorStep(Decimal("0.00"), Decimal("2")),),
        )


# --- the power factor --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("energy_kwh", "reactive_kvarh", "expected"),
    [
        ("300", "400", "0.60"),  # 3-4-5 triangle: 300 / 500
        ("400", "300", "0.80"),  # 400 / 500
        ("120.000", "50.000", "0.92"),  # 5-12-13: 120 / 130 = 0.923...
        ("1250.5", "0", "1.00"),
        ("0", "17.25", "0.00"),
        ("0.001", "0", "1.00"),
    ],
)
def test_power_factor_of_exact_triangles(
    energy_kwh: str, reactive_kvarh: str, expected: str
) -> None:
    result = power_factor(Decimal(energy_kwh), Decimal(reactive_kvarh))
    assert result == Decimal(expected)
    assert result.as_tuple().exponent == -2


def boundary_pair(numerator: int, digits: int, *, above: bool) -> tuple[Decimal, Decimal]:
    """Quantities whose power factor is within 10**-digits of numerator / 200, on one side.

    With kWh = a and kvarh = q, PF = a / √(a² + q²) is above a / 200 exactly when
    q² < (200² − a²), scaled by 10**(2 × digits): take q as the integer square root of that
    (above) or one more (below). 200² − a² is not a square for odd a, so neither is equal.
    """
    scaled_square = (200 * 200 - numerator * numerator) * 10 ** (2 * digits)
    reactive = math.isqrt(scaled_square)
    assert reactive * reactive < scaled_square < (reactive + 1) ** 2
    if not above:
        reactive += 1
    # Built from text: the constructor is exact, where scaleb() would round to 28 digits.
    return Decimal(f"{numerator * 10**digits}E-{digits}"), Decimal(f"{reactive}E-{digits}")


def distance_to(energy_kwh: Decimal, reactive_kvarh: Decimal, boundary: Decimal) -> Decimal:
    with localcontext() as context:
        context.prec = 120
        apparent_kvah = (energy_kwh * energy_kwh + reactive_kvarh * reactive_kvarh).sqrt()
        return abs(energy_kwh / apparent_kvah - boundary)


@pytest.mark.parametrize(
    ("numerator", "above", "expected"),
    [
        (179, True, "0.90"),  # just above 0.895 rounds up
        (179, False, "0.89"),  # just below 0.895 rounds down
        (199, True, "1.00"),  # just above 0.995
        (199, False, "0.99"),
        (1, True, "0.01"),  # just above 0.005
        (1, False, "0.00"),
        (129, True, "0.65"),  # just above 0.645
        (129, False, "0.64"),
    ],
)
def test_power_factor_tells_apart_the_two_sides_of_a_rounding_boundary(
    numerator: int, above: bool, expected: str
) -> None:
    energy_kwh, reactive_kvarh = boundary_pair(numerator, 40, above=above)
    # The construction really is closer to the boundary than 28 digits can resolve.
    boundary = Decimal(numerator) / 200
    assert distance_to(energy_kwh, reactive_kvarh, boundary) < Decimal("1e-38")
    assert power_factor(energy_kwh, reactive_kvarh) == Decimal(expected)


def test_power_factor_near_0_895_with_meter_resolution() -> None:
    # √7959 = 89.2132...: kvarh 89.213 per 179 kWh is just above 0.895, 89.214 just below.
    assert power_factor(Decimal("179.000"), Decimal("89.213")) == Decimal("0.90")
    assert power_factor(Decimal("179.000"), Decimal("89.214")) == Decimal("0.89")


def test_exact_half_rounds_up() -> None:
    # A power factor exactly on a boundary cannot come from decimal quantities, so the tie
    # is checked on the exact square: 0.895² = 0.801025 rounds half-up to 0.90.
    assert _rounded_from_square(Fraction(179, 200) ** 2) == Decimal("0.90")
    assert _rounded_from_square(Fraction(179, 200) ** 2 - Fraction(1, 10**60)) == Decimal("0.89")
    assert _rounded_from_square(Fraction(199, 200) ** 2) == Decimal("1.00")
    assert _rounded_from_square(Fraction(1, 200) ** 2) == Decimal("0.01")
    assert _rounded_from_square(Fraction(1)) == Decimal("1.00")
    assert _rounded_from_square(Fraction(0)) == Decimal("0.00")


def test_power_factor_undefined_without_energy() -> None:
    with pytest.raises(ValueError, match=r"^power factor undefined: no energy$"):
        power_factor(Decimal("0"), Decimal("0.000"))


@pytest.mark.parametrize(
    ("energy_kwh", "reactive_kvarh", "message"),
    [
        (Decimal("-1"), Decimal("1"), r"energy_kwh must not be negative, got -1"),
        (Decimal("1"), Decimal("-0.5"), r"reactive_kvarh must not be negative, got -0\.5"),
        (1.0, Decimal("1"), r"energy_kwh must be a Decimal, got float"),
        (Decimal("1"), Decimal("NaN"), r"reactive_kvarh must be a finite number"),
    ],
)
def test_power_factor_refuses_bad_quantities(
    energy_kwh: object, reactive_kvarh: object, message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        power_factor(energy_kwh, reactive_kvarh)  # type: ignore[arg-type]


quantities = st.integers(min_value=0, max_value=10**12).map(lambda n: Decimal(n).scaleb(-3))


@given(energy_kwh=quantities, reactive_kvarh=quantities)
def test_power_factor_agrees_with_high_precision_decimal(
    energy_kwh: Decimal, reactive_kvarh: Decimal
) -> None:
    assume(energy_kwh > 0 or reactive_kvarh > 0)
    with localcontext() as context:
        context.prec = 80
        apparent_kvah = (energy_kwh * energy_kwh + reactive_kvarh * reactive_kvarh).sqrt()
        true_value = energy_kwh / apparent_kvah
        hundredths = true_value * 100
        # Stay away from rounding boundaries, where 80 digits could be misled.
        assume(abs(abs(hundredths - math.floor(hundredths)) - Decimal("0.5")) > Decimal("1e-60"))
        expected = true_value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    assert power_factor(energy_kwh, reactive_kvarh) == expected


@given(
    energy_kwh=quantities,
    reactive_kvarh=quantities,
    factor=st.integers(min_value=1, max_value=10**6),
)
def test_power_factor_does_not_depend_on_scale(
    energy_kwh: Decimal, reactive_kvarh: Decimal, factor: int
) -> None:
    assume(energy_kwh > 0 or reactive_kvarh > 0)
    scaled = power_factor(energy_kwh * factor, reactive_kvarh * factor)
    assert scaled == power_factor(energy_kwh, reactive_kvarh)
    assert Decimal("0.00") <= scaled <= Decimal("1.00")
