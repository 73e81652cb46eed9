"""Tariff tables that would misprice are refused at load, with file:line:column and path."""

from __future__ import annotations

import datetime as dt
import json
import re
import subprocess
import sys
import textwrap
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from tariffs import TariffFileError, load_tariff, parse_tariff
from tariffs.model.common import (
    NestedValueError,
    check_derived_price,
    exact_decimal,
    parse_date,
)
from tariffs.model.tariff import resolve_prices, tidy_price

HEAD = """\
id: t
name: Test tariff
currency: CNY
timezone: Asia/Shanghai
reference: test
"""


def write(tmp_path: Path, body: str, name: str = "t.yaml") -> Path:
    path = tmp_path / name
    path.write_text(HEAD + textwrap.dedent(body), encoding="utf-8")
    return path


def test_valid_time_of_use_table_loads(tmp_path: Path) -> None:
    tariff = load_tariff(
        write(
            tmp_path,
            """\
            versions:
              "2025-01-01":
                periods:
                  - windows:
                      peak: ["08:00-22:00"]
                      valley: ["22:00-08:00"]
                charges:
                  - kind: energy
                    prices: {peak: "0.568", valley: "0.288"}
            """,
        )
    )
    version = next(iter(tariff.versions.values()))
    assert version.period_names == ["peak", "valley"]
    assert tariff.places == 2


def test_overlapping_periods_are_refused(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        """\
        versions:
          "2025-01-01":
            periods:
              - windows:
                  peak: ["08:00-22:00"]
                  valley: ["21:00-08:00"]
            charges:
              - kind: energy
                prices: {peak: "0.5", valley: "0.3"}
        """,
    )
    with pytest.raises(
        TariffFileError,
        match=r"t\.yaml:8:5: versions\.2025-01-01: .*21:00 is in "
        r"both period 'peak' and period 'valley'",
    ):
        load_tariff(path)


def test_uncovered_hour_is_refused(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        """\
        versions:
          "2025-01-01":
            periods:
              - windows:
                  peak: ["08:00-22:00"]
                  valley: ["22:00-07:00"]
            charges:
              - kind: energy
                prices: {peak: "0.5", valley: "0.3"}
        """,
    )
    with pytest.raises(TariffFileError, match=r"t\.yaml:8:5: .*07:00-08:00 is in no period"):
        load_tariff(path)


def test_uncovered_day_type_in_one_season_is_refused(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        """\
        versions:
          "2025-01-01":
            seasons:
              summer: {months: [6, 7, 8]}
              winter: {months: [1, 2, 3, 4, 5, 9, 10, 11, 12]}
            day_types:
              weekday: {weekdays: [mon, tue, wed, thu, fri]}
              weekend: {weekdays: [sat, sun]}
            periods:
              - seasons: [summer]
                windows: {on_peak: ["12:00-18:00"], off_peak: ["18:00-12:00"]}
              - seasons: [winter]
                day_types: [weekday]
                windows: {off_peak: ["00:00-24:00"]}
            charges:
              - kind: energy
                prices: {on_peak: "0.3", off_peak: "0.1"}
        """,
    )
    with pytest.raises(
        TariffFileError,
        match=r"season 'winter', day type 'weekend': "
        r"00:00-24:00 is in no period",
    ):
        load_tariff(path)


def test_price_for_undefined_period_and_period_without_price(tmp_path: Path) -> None:
    body = """\
        versions:
          "2025-01-01":
            periods:
              - windows: {peak: ["08:00-22:00"], valley: ["22:00-08:00"]}
            charges:
              - kind: energy
                prices: {peak: "0.5", valley: "0.3", shoulder: "0.4"}
        """
    with pytest.raises(
        TariffFileError,
        match=r"price for period 'shoulder', which the schedule "
        r"does not define",
    ):
        load_tariff(write(tmp_path, body))
    body = body.replace(', shoulder: "0.4"', "").replace('valley: "0.3"', "")
    with pytest.raises(TariffFileError, match=r"no price for period 'valley'.*unbilled"):
        load_tariff(write(tmp_path, body))


def test_reference_to_undefined_price(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        """\
        versions:
          "2025-01-01":
            periods:
              - windows: {peak: ["08:00-22:00"], valley: ["22:00-08:00"]}
            charges:
              - kind: energy
                prices: {peak: {of: flat, ratio: "1.6"}, valley: "0.3"}
        """,
    )
    with pytest.raises(
        TariffFileError,
        match=r"refers to 'flat', which is neither a base price "
        r"nor a period",
    ):
        load_tariff(path)


def test_tier_bounds_must_increase(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        """\
        versions:
          "2025-01-01":
            charges:
              - kind: energy
                tiers: {bounds_kwh: [400, 240]}
                price_per_kwh: ["0.4883", "0.5383", "0.7883"]
        """,
    )
    with pytest.raises(
        TariffFileError,
        match=r"t\.yaml:10:\d+: versions\.2025-01-01\.charges"
        r"\[0\]\.tiers: tier bounds must increase strictly, found 400 then 240",
    ):
        load_tariff(path)


def test_wrong_number_of_tier_prices(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        """\
        versions:
          "2025-01-01":
            charges:
              - kind: energy
                tiers: {bounds_kwh: [240, 400]}
                price_per_kwh: ["0.4883", "0.5383"]
        """,
    )
    with pytest.raises(
        TariffFileError, match=r"needs a list of 3 prices \(one per tier\), found 2"
    ):
        load_tariff(path)


def test_unknown_key_is_refused_at_its_line(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        """\
        versions:
          "2025-01-01":
            charges:
              - kind: energy
                price_per_kwh: "0.5"
                prise: "0.6"
        """,
    )
    with pytest.raises(
        TariffFileError,
        match=r"t\.yaml:11:16: versions\.2025-01-01\.charges\[0\]"
        r"\.prise: Extra inputs are not permitted",
    ):
        load_tariff(path)


def test_negative_price_is_refused(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        """\
        versions:
          "2025-01-01":
            charges:
              - kind: energy
                price_per_kwh: "-0.5"
        """,
    )
    with pytest.raises(TariffFileError, match=r"t\.yaml:10:\d+: .*must be 0 or more, found -0\.5"):
        load_tariff(path)


def test_yaml_one_one_boolean_key_is_refused(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        """\
        versions:
          "2025-01-01":
            periods:
              - windows: {on: ["08:00-22:00"], off: ["22:00-08:00"]}
            charges:
              - kind: energy
                price_per_kwh: "0.5"
        """,
    )
    with pytest.raises(TariffFileError, match=r"t\.yaml:9:\d+: .*(true/false|quote)"):
        load_tariff(path)


def test_versions_must_be_in_increasing_order(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        """\
        versions:
          "2025-07-01":
            charges: [{kind: energy, price_per_kwh: "0.5"}]
          "2025-01-01":
            charges: [{kind: energy, price_per_kwh: "0.4"}]
        """,
    )
    with pytest.raises(
        TariffFileError,
        match=r"versions must be in increasing date order, found "
        r"2025-07-01 then 2025-01-01",
    ):
        load_tariff(path)


def test_critical_peak_window_outside_its_season(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        """\
        versions:
          "2025-01-01":
            seasons:
              summer: {months: [7, 8, 9]}
              other: {months: [1, 2, 3, 4, 5, 6, 10, 11, 12]}
            periods:
              - windows: {peak: ["08:00-22:00"], valley: ["22:00-08:00"]}
            overrides:
              - period: critical_peak
                seasons: [summer]
                months: [1]
                windows: ["19:00-21:00"]
            charges:
              - kind: energy
                prices: {peak: "0.9", valley: "0.3", critical_peak: "1.2"}
        """,
    )
    with pytest.raises(TariffFileError, match=r"overrides\[0\]: month 1 is outside its seasons"):
        load_tariff(path)


def test_unknown_power_factor_table(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        """\
        versions:
          "2025-01-01":
            charges:
              - kind: energy
                price_per_kwh: "0.5"
              - kind: power_factor
                table: "1983-0.95"
        """,
    )
    with pytest.raises(
        TariffFileError,
        match=r"unknown power-factor table '1983-0\.95'; known: "
        r"1983-0\.90, 1983-0\.85, 1983-0\.80",
    ):
        load_tariff(path)


def test_seasons_must_cover_the_year_once(tmp_path: Path) -> None:
    body = """\
        versions:
          "2025-01-01":
            seasons:
              summer: {ranges: [["06-15", "09-15"]]}
              winter: {ranges: [["09-15", "06-01"]]}
            charges: [{kind: energy, price_per_kwh: "0.5"}]
        """
    with pytest.raises(TariffFileError, match=r"06-01 is in no season"):
        load_tariff(write(tmp_path, body))
    with pytest.raises(
        TariffFileError,
        match=r"06-15 is in both season 'summer' and season "
        r"'winter'",
    ):
        load_tariff(write(tmp_path, body.replace('"06-01"', '"07-15"')))


def test_id_must_equal_file_stem(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        """\
        versions:
          "2025-01-01":
            charges: [{kind: energy, price_per_kwh: "0.5"}]
        """,
        name="other.yaml",
    )
    with pytest.raises(
        TariffFileError,
        match=r"other\.yaml:1:5: id: id 't' differs from the file "
        r"name 'other'",
    ):
        load_tariff(path)


def test_unknown_time_zone_suggests_the_right_spelling(tmp_path: Path) -> None:
    path = tmp_path / "t.yaml"
    path.write_text(
        HEAD.replace("Asia/Shanghai", "asia/shanghai")
        + 'versions:\n  "2025-01-01":\n    charges: [{kind: energy, price_per_kwh: "0.5"}]\n',
        encoding="utf-8",
    )
    with pytest.raises(
        TariffFileError,
        match=r"t\.yaml:4:11: timezone: unknown time zone "
        r"'asia/shanghai' \(did you mean 'Asia/Shanghai'\?\)",
    ):
        load_tariff(path)


def test_window_syntax_errors() -> None:
    text = HEAD + textwrap.dedent(
        """\
        versions:
          "2025-01-01":
            periods:
              - windows: {all: ["08:00-08:00"]}
            charges: [{kind: energy, price_per_kwh: "0.5"}]
        """
    )
    with pytest.raises(TariffFileError, match=r"window '08:00-08:00' is empty"):
        parse_tariff(text, "w.yaml")
    with pytest.raises(TariffFileError, match=r"window '8-9' is not of the form 'HH:MM-HH:MM'"):
        parse_tariff(text.replace("08:00-08:00", "8-9"), "w.yaml")


def test_derived_prices_are_exact_and_never_rounded() -> None:
    resolved = resolve_prices(
        {
            "flat": Decimal("0.6500"),
            "peak": _ref("flat", "1.7"),
            "critical_peak": _ref("peak", "1.25"),
        },
        {},
    )
    # 0.65 × 1.7 = 1.105; 1.105 × 1.25 = 1.38125 (five decimals kept).
    assert resolved["peak"] == [Decimal("1.105")]
    assert resolved["critical_peak"] == [Decimal("1.38125")]
    assert str(tidy_price(Decimal("0.62") * Decimal("1.6"))) == "0.9920"


def test_price_references_in_a_cycle_are_refused() -> None:
    with pytest.raises(ValueError, match="cycle"):
        resolve_prices({"a": _ref("b", "1"), "b": _ref("a", "1")}, {})


def _ref(of: str, ratio: str) -> object:
    from tariffs.model.charges import PriceRef

    return PriceRef(of=of, ratio=Decimal(ratio))


WITHDRAWN_BODY = """\
versions:
  "2025-01-01":
    charges: [{kind: energy, price_per_kwh: "0.5"}]
"""


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ("withdrawn: 2025-01-01\n", r"withdrawn \(2025-01-01\) must be after the last version"),
        ("withdrawn: 2024-06-01\n", r"withdrawn \(2024-06-01\) must be after the last version"),
        ("past_withdrawal: warn\n", r"past_withdrawal is warn, but no withdrawn date is given"),
        ("withdrawn: 2026-01-01\npast_withdrawal: ignore\n", r"past_withdrawal"),
    ],
)
def test_withdrawal_dates_and_policy_are_checked(tmp_path: Path, extra: str, message: str) -> None:
    path = write(tmp_path, extra + WITHDRAWN_BODY)
    with pytest.raises(TariffFileError, match=message):
        load_tariff(path)


def test_withdrawn_table_loads_and_its_default_policy_round_trips(tmp_path: Path) -> None:
    tariff = load_tariff(write(tmp_path, "withdrawn: 2026-01-01\n" + WITHDRAWN_BODY))
    assert str(tariff.withdrawn) == "2026-01-01"
    assert tariff.past_withdrawal == "refuse"
    # ``refuse`` is the default and may be written without a withdrawal date.
    plain = load_tariff(write(tmp_path, "past_withdrawal: refuse\n" + WITHDRAWN_BODY))
    assert plain.withdrawn is None
    assert type(plain).model_validate(plain.model_dump()) == plain


# -- derived prices pass the checks of written ones ---------------------------------------


def test_a_ratio_of_a_ratio_below_zero_is_refused_with_its_path() -> None:
    # peak = 0.60 × 1.5 = 0.9000; valley = 0.9000 × -0.5 = -0.4500.
    with pytest.raises(NestedValueError) as caught:
        resolve_prices(
            {"peak": _ref("flat", "1.5"), "valley": _ref("peak", "-0.5")},
            {"flat": Decimal("0.60")},
        )
    assert str(caught.value) == (
        "valley = -0.5 × peak (0.9000) is -0.4500: a derived price must be 0 or more"
    )
    assert caught.value.path == ("prices", "valley")


def test_a_tier_price_referring_to_a_tiered_period_names_both_tiers() -> None:
    # shoulder tier 2 = 0.5 × peak tier 2 (0.7) = 0.3500; tier 3 = 1E+23 × peak tier 3 (20)
    # = 2E+24, 25 digits before the point (shown with 4 decimals, as ratios of periods are).
    with pytest.raises(NestedValueError) as caught:
        resolve_prices(
            {
                "peak": [Decimal("0.5"), Decimal("0.7"), Decimal("20")],
                "shoulder": [_ref("peak", "0.5"), _ref("peak", "0.5"), _ref("peak", "1e23")],
            },
            {},
        )
    assert str(caught.value) == (
        "shoulder tier 3 = 1E+23 × peak tier 3 (20) is 2000000000000000000000000.0000, which is "
        "too large: at most 24 digits before the point (a derived price)"
    )
    assert caught.value.path == ("prices", "shoulder", 2)


def test_derived_prices_within_the_limits_are_kept_exactly() -> None:
    # 0.60 × 1E-17 = 6E-18: 18 decimal places, the most allowed; 0.5 × 9E+23 = 4.5E+23:
    # 24 digits before the point, the most allowed.
    resolved = resolve_prices(
        {"a": _ref("flat", "1e-17"), "b": _ref("big", "0.5")},
        {"flat": Decimal("0.60"), "big": Decimal("9e23")},
    )
    assert resolved == {"a": [Decimal("6E-18")], "b": [Decimal("4.5E+23")]}


def test_hourly_prices_plus_an_adder_may_be_negative() -> None:
    # Hourly market prices may be negative; -0.5 + 0.1 = -0.4 is a price the engine bills.
    from tariffs.model.charges import DynamicEnergyCharge

    charge = DynamicEnergyCharge(
        kind="dynamic_energy",
        hourly_prices_per_kwh=[Decimal("-0.5")] + [Decimal("0.3")] * 8759,
        adder_per_kwh=Decimal("0.1"),
    )
    assert charge.adder_per_kwh == Decimal("0.1")


def test_a_derived_zero_is_never_minus_zero() -> None:
    assert str(check_derived_price(Decimal("0.60") * Decimal("-0"), "p = -0 × flat")) == "0.00"


def test_season_multiplier_on_a_flat_price_derived_from_a_base_price(tmp_path: Path) -> None:
    # With base 2: flat = 0.5 × 2 = 1.0, and 1.0 × 9E+23 = 9.0E+23 has 24 digits before
    # the point, the most allowed. With base 40: 20.0 × 9E+23 = 1.8E+25 has 26.
    body = """\
        versions:
          "2025-01-01":
            base_prices: {base: "%s"}
            charges:
              - kind: energy
                price_per_kwh: {of: base, ratio: "0.5"}
                season_multipliers: {all: "9e23"}
        """
    assert load_tariff(write(tmp_path, body % "2"))
    with pytest.raises(TariffFileError) as caught:
        load_tariff(write(tmp_path, body % "40"))
    assert str(caught.value) == (
        f"{tmp_path / 't.yaml'}:12:35: versions.2025-01-01.charges[0].season_multipliers.all: "
        "price_per_kwh in season all = 20.0 × 9E+23 is 18000000000000000000000000.0000, which "
        "is too large: at most 24 digits before the point (a derived price)"
    )


# -- one rule for numbers and dates -------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "digit"),
    [
        ("\uff10.568", "'\uff10' (U+FF10)"),  # FULLWIDTH DIGIT ZERO
        ("0.\u0665", "'\u0665' (U+0665)"),  # ARABIC-INDIC DIGIT FIVE
        ("\u0967\u0968", "'\u0967' (U+0967)"),  # DEVANAGARI DIGITS ONE, TWO
        ("2\u00b2", "'\u00b2' (U+00B2)"),  # SUPERSCRIPT TWO
    ],
)
def test_numbers_hold_ascii_digits_only(text: str, digit: str) -> None:
    with pytest.raises(ValueError) as caught:
        exact_decimal(text)
    assert str(caught.value) == f"{text!r} holds the non-ASCII digit {digit}; write ASCII digits"


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (
            "2025-01-01T00:00+08:00",
            "'2025-01-01T00:00+08:00' is a date and time with a UTC offset; only a date is "
            "allowed here, written YYYY-MM-DD (such as 2025-01-01)",
        ),
        (
            "2025-01-01T00:00",
            "'2025-01-01T00:00' is a date and time; only a date is allowed here, written "
            "YYYY-MM-DD (such as 2025-01-01)",
        ),
        ("20250101", "'20250101' is not a date YYYY-MM-DD, such as 2025-01-01"),
        ("2025-1-1", "'2025-1-1' is not a date YYYY-MM-DD, such as 2025-01-01"),
        (
            "2025-0\u0661-01",
            "'2025-0\u0661-01' holds the non-ASCII digit '\u0661' (U+0661); write ASCII digits",
        ),
        (
            dt.datetime(2025, 1, 1),
            "expected a date, found the date and time 2025-01-01T00:00:00; a date is written "
            "YYYY-MM-DD, such as 2025-01-01",
        ),
        (
            True,
            "expected a date written YYYY-MM-DD (such as 2025-01-01), found the boolean True",
        ),
    ],
)
def test_dates_are_plain_year_month_day(value: object, message: str) -> None:
    with pytest.raises(ValueError) as caught:
        parse_date(value)
    assert str(caught.value) == message


def test_every_date_of_a_tariff_follows_the_rule(tmp_path: Path) -> None:
    # A holiday, an event day, a version and a withdrawal date; each with an offset.
    body = """\
        withdrawn: "2026-01-01"
        versions:
          "2025-01-01":
            event_days: ["2025-12-15"]
            day_types:
              work: {weekdays: [mon, tue, wed, thu, fri, sat, sun]}
              holiday: {dates: ["2025-10-01"]}
            charges: [{kind: energy, price_per_kwh: "0.5"}]
        """
    tariff = load_tariff(write(tmp_path, body))
    version = tariff.versions[dt.date(2025, 1, 1)]
    assert (tariff.withdrawn, version.event_days) == (dt.date(2026, 1, 1), [dt.date(2025, 12, 15)])
    for date, line_column in [
        ("2026-01-01", "6:12"),
        ("2025-01-01", "8:3"),
        ("2025-12-15", "9:18"),
        ("2025-10-01", "12:25"),
    ]:
        path = write(tmp_path, body.replace(f'"{date}"', f'"{date}T00:00Z"'))
        with pytest.raises(TariffFileError, match=rf"^{re.escape(str(path))}:{line_column}: "):
            load_tariff(path)


def test_month_days_and_clock_windows_hold_ascii_digits() -> None:
    from tariffs.model.calendar import Season
    from tariffs.model.common import parse_window

    with pytest.raises(ValueError, match=r"holds the non-ASCII digit '\uff10' \(U\+FF10\)"):
        Season(ranges=[("\uff106-01", "10-01")])
    with pytest.raises(ValueError, match=r"holds the non-ASCII digit '\uff10' \(U\+FF10\)"):
        parse_window("\uff10\uff18:00-22:00")


def _decimals(signed: bool) -> st.SearchStrategy[Decimal]:
    """Decimals of a tariff: up to 20 significant digits, 10**-18 to 10**23 (and 0)."""
    sign = st.sampled_from([1, -1]) if signed else st.just(1)
    return st.builds(
        lambda s, c, e: Decimal((0 if s > 0 else 1, tuple(map(int, str(c))), e)),
        sign,
        st.integers(0, 10**20 - 1),
        st.integers(-18, 3),
    )


@given(base=_decimals(signed=False), ratio=_decimals(signed=True), by=_decimals(signed=True))
@example(base=Decimal("0.60"), ratio=Decimal("1.5"), by=Decimal("0.5"))  # accepted
@example(base=Decimal("0.60"), ratio=Decimal("1.5"), by=Decimal("-0"))  # 0, not -0
@example(base=Decimal("0.60"), ratio=Decimal("-0.5"), by=Decimal("1"))  # a below 0
@example(base=Decimal("0.60"), ratio=Decimal("1e20"), by=Decimal("1e10"))  # b too large
def test_a_ratio_of_a_ratio_is_refused_exactly_when_a_written_price_would_be(
    base: Decimal, ratio: Decimal, by: Decimal
) -> None:
    # The law, worked out with fractions: a price is accepted when it is 0 or more, below
    # 10**24, and a whole number of 10**-18; then it is the exact product, never rounded.
    def allowed(value: Fraction) -> bool:
        return value >= 0 and abs(value) < 10**24 and (value * 10**18).denominator == 1

    first = Fraction(base) * Fraction(ratio)
    second = first * Fraction(by)
    prices = {"a": _ref("base", str(ratio)), "b": _ref("a", str(by))}
    if not allowed(first):
        with pytest.raises(NestedValueError, match=r"^a = .*a derived price") as caught:
            resolve_prices(prices, {"base": base})
        assert caught.value.path == ("prices", "a")
    elif not allowed(second):
        with pytest.raises(NestedValueError, match=r"^b = .*a derived price") as caught:
            resolve_prices(prices, {"base": base})
        assert caught.value.path == ("prices", "b")
    else:
        resolved = resolve_prices(prices, {"base": base})
        assert [Fraction(resolved["a"][0]), Fraction(resolved["b"][0])] == [first, second]
        assert not resolved["b"][0].is_signed()


AT_CHARGE = r"t\.yaml:9:9: versions\.2025-01-01\.charges\[0\]\.reactive: "


@pytest.mark.parametrize(
    ("charge", "message"),
    [
        (
            '{kind: reactive, price_per_kvarh: "0.02", price_per_kvar: "0.51"}',
            AT_CHARGE + r"a reactive charge gives one price: price_per_kvarh \(reactive "
            r"energy\) or price_per_kvar \(maximum reactive demand\), not both",
        ),
        (
            "{kind: reactive}",
            AT_CHARGE + r".*or price_per_kvar \(maximum reactive demand\); found neither",
        ),
        (
            '{kind: reactive, price_per_kvar: "0.51", free_kvarh_per_kwh: "0.5"}',
            AT_CHARGE + "free_kvarh_per_kwh is an allowance of reactive energy and goes "
            "with price_per_kvarh, not with price_per_kvar",
        ),
        ('{kind: reactive, price_per_kvar: "-0.51"}', r"t\.yaml:9:\d+: .*kvar.*0 or more"),
    ],
)
def test_a_reactive_charge_has_one_price(tmp_path: Path, charge: str, message: str) -> None:
    body = f"""\
    versions:
      "2025-01-01":
        charges:
          - {charge}
    """
    with pytest.raises(TariffFileError, match=message):
        load_tariff(write(tmp_path, body))


def test_a_reactive_charge_per_kvar_loads(tmp_path: Path) -> None:
    body = """\
    versions:
      "2025-01-01":
        charges:
          - {kind: reactive, price_per_kvar: "0.51"}
    """
    (charge,) = next(iter(load_tariff(write(tmp_path, body)).versions.values())).charges
    assert charge.price_per_kvar == Decimal("0.51")
    assert charge.price_per_kvarh is None and charge.free_kvarh_per_kwh == 0


@pytest.mark.parametrize(
    ("day_types", "message"),
    [
        (
            "work: {weekdays: [mon, tue, wed, thu, fri], holidays: CN}\n"
            "rest: {weekdays: [sat, sun], holidays: CN}\n"
            "made_up: {workdays: CN}",
            r"day types 'work' and 'rest' both take 'holidays'",
        ),
        (
            "work: {weekdays: [mon, tue, wed, thu, fri], workdays: CN}\n"
            "rest: {weekdays: [sat, sun]}",
            r"day type 'work' takes the CN make-up workdays, but no day type takes its "
            r"holidays: add 'holidays: CN'",
        ),
        (
            "work: {weekdays: [mon, tue, wed, thu, fri]}\n"
            "rest: {weekdays: [sat, sun]}\n"
            "odd: {weekdays: [], dates: [2025-01-01]}",
            r"give either 'weekdays', or 'dates' and/or 'rrules' for a day type",
        ),
    ],
)
def test_calendar_day_types_are_refused_when_unclear(
    tmp_path: Path, day_types: str, message: str
) -> None:
    indented = "".join(f"      {line}\n" for line in day_types.splitlines())
    path = write(
        tmp_path,
        'versions:\n  "2025-01-01":\n    day_types:\n'
        + indented
        + '    charges:\n      - {kind: energy, price_per_kwh: "0.5"}\n',
    )
    with pytest.raises(TariffFileError, match=r"t\.yaml:\d+:\d+: .*" + message):
        load_tariff(path)


def test_models_first_used_in_several_threads_at_once_validate_as_themselves() -> None:
    # Eight threads are the first users of the models, in a fresh interpreter: each must
    # get the same tariff and account (no base class's validator, no refusal), and the
    # same canonical JSON of every version (the engine keys its caches by it).
    script = textwrap.dedent(
        """\
        import json, sys, threading
        from tariffs import load_account, load_tariff
        from tariffs.model.charges import EnergyCharge

        start, results, errors = threading.Barrier(8), [], []

        def first_use():
            start.wait()
            try:
                tariff = load_tariff("cn-sh-industrial-two-part")
                account = load_account("examples/account.yaml")
                charges = [
                    type(charge).__name__
                    for version in tariff.versions.values()
                    for charge in version.charges
                ]
                versions = [v.model_dump_json() for v in tariff.versions.values()]
                energy = [
                    c.model_dump_json()
                    for v in tariff.versions.values()
                    for c in v.charges
                    if isinstance(c, EnergyCharge)
                ]
                results.append([type(tariff).__name__, type(account).__name__,
                                account.capacity_kva is not None, charges, versions, energy])
            except Exception as exc:  # reported, not raised in the thread
                errors.append(repr(exc))

        threads = [threading.Thread(target=first_use) for _ in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        print(json.dumps([errors, results]))
        """
    )
    root = Path(__file__).resolve().parents[2]
    done = subprocess.run(  # noqa: S603
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, cwd=root
    )
    errors, results = json.loads(done.stdout)
    assert errors == []
    assert len(results) == 8
    first = results[0]
    assert first[:3] == ["Tariff", "Account", True]
    assert "EnergyCharge" in first[3]
    assert first[4] and first[5]
    assert all(result == first for result in results)
