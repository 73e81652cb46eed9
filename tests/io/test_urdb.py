"""OpenEI URDB records as tariffs: parsing, field mapping, refusals, YAML, real records.

Expected values are worked out by hand from the records written in each test, or from the
published load files; they are never taken from the code under test.
"""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import json
import pickle
import re
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tariffs import Tariff, load_tariff, parse_readings_csv, parse_tariff, price
from tariffs.errors import ReadingsError, TariffFileError, UnsupportedFeatureError
from tariffs.io.safe_yaml import parse_yaml
from tariffs.io.urdb import (
    _dump_yaml,
    _validate,
    load_urdb_tariff,
    parse_urdb,
    read_urdb,
    urdb_to_tariff_data,
    urdb_to_yaml,
)
from tariffs.model.account import CoincidentPeak
from tariffs.model.readings import Readings

D = Decimal
DATA = Path(__file__).parents[1] / "data" / "urdb"
SOURCE = "rate.json"
FLAT = [[0] * 24 for _ in range(12)]


def record(**fields: Any) -> dict[str, Any]:
    """A small flat record (0.10 $/kWh), with the fields of a test on top."""
    base: dict[str, Any] = {
        "label": "ABC123",
        "utility": "Test Utility",
        "name": "Test Rate",
        "energyratestructure": [[{"rate": D("0.10"), "unit": "kWh"}]],
        "energyweekdayschedule": FLAT,
        "energyweekendschedule": FLAT,
    }
    base.update(fields)
    return base


def tariff_of(data: dict[str, Any], timezone: str = "UTC", **options: Any) -> Tariff:
    return Tariff.model_validate(
        urdb_to_tariff_data(data, timezone=timezone, source=SOURCE, **options)
    )


def only_version(tariff: Tariff) -> Any:
    assert len(tariff.versions) == 1
    return next(iter(tariff.versions.values()))


def hourly(start: dt.datetime, values: list[str], timezone: str = "UTC") -> Readings:
    rows = [
        f"{(start + dt.timedelta(hours=i)).isoformat(timespec='minutes')},{value}"
        for i, value in enumerate(values)
    ]
    return parse_readings_csv("start,kwh\n" + "\n".join(rows) + "\n", "readings.csv", timezone)


def quarter_hourly(start: dt.datetime, values: list[str]) -> Readings:
    rows = [
        f"{(start + dt.timedelta(minutes=15 * i)).isoformat(timespec='minutes')},{value}"
        for i, value in enumerate(values)
    ]
    return parse_readings_csv("start,kwh\n" + "\n".join(rows) + "\n", "readings.csv", "UTC")


def amounts(bills: list[Any], kind: str) -> Decimal:
    return sum((line.amount for b in bills for line in b.lines if line.kind == kind), D(0))


def month_rows(month_index: int, weekday: list[int], weekend: list[int]) -> dict[str, Any]:
    """Schedules that are all period 0 except one month (0-based) written out."""
    weekday_rows = [[0] * 24 for _ in range(12)]
    weekend_rows = [[0] * 24 for _ in range(12)]
    weekday_rows[month_index] = weekday
    weekend_rows[month_index] = weekend
    return {"energyweekdayschedule": weekday_rows, "energyweekendschedule": weekend_rows}


# -- parsing ------------------------------------------------------------------------------


def test_parse_keeps_decimals_exact() -> None:
    data = parse_urdb('{"fixedmonthlycharge": 0.10, "eiaid": 6452}', SOURCE)
    assert str(data["fixedmonthlycharge"]) == "0.10"
    assert data["eiaid"] == 6452 and isinstance(data["eiaid"], int)


def test_prices_stay_exact_in_the_tariff() -> None:
    data = parse_urdb(
        '{"energyratestructure": [[{"rate": 0.10, "adj": 0.0119}]], "label": "x"}', SOURCE
    )
    charge = only_version(tariff_of(data)).charges[0]
    # 0.10 + 0.0119, added exactly: not 0.1119000000000000054...
    assert str(charge.price_per_kwh) == "0.1119"


def test_parse_envelope() -> None:
    data = parse_urdb('{"items": [{"label": "abc", "fixedmonthlycharge": 5}]}', SOURCE)
    assert data == {"label": "abc", "fixedmonthlycharge": 5}


@pytest.mark.parametrize(
    "text",
    [
        json.dumps('{"label": "abc", "fixedmonthlycharge": 7.57}'),
        json.dumps('{"items": [{"label": "abc", "fixedmonthlycharge": 7.57}]}'),
    ],
    ids=["bare", "envelope"],
)
def test_parse_json_string_encodings(text: str) -> None:
    data = parse_urdb(text, SOURCE)
    assert data == {"label": "abc", "fixedmonthlycharge": D("7.57")}


@pytest.mark.parametrize("count", [0, 2])
def test_envelope_must_hold_one_record(count: int) -> None:
    text = json.dumps({"items": [{"label": str(i)} for i in range(count)]})
    with pytest.raises(
        TariffFileError,
        match=rf"^rate\.json:1:11: items: the 'items' envelope holds {count} rate",
    ):
        parse_urdb(text, SOURCE)


def test_not_json_names_line_and_column() -> None:
    with pytest.raises(TariffFileError, match=r"^rate\.json:2:14: not valid JSON"):
        parse_urdb('{"label": "x",\n "name": "y" "z"}', SOURCE)


def test_not_a_record() -> None:
    with pytest.raises(TariffFileError, match=r"expected a URDB rate record \(a JSON object\)"):
        parse_urdb("[1, 2]", SOURCE)


def test_non_finite_numbers_are_refused() -> None:
    with pytest.raises(
        TariffFileError,
        match=r"^rate\.json:1:24: fixedmonthlycharge: NaN is not a finite number; JSON numbers",
    ):
        parse_urdb('{"fixedmonthlycharge": NaN}', SOURCE)


def test_binary_floats_are_refused() -> None:
    data = json.loads('{"label": "x", "energyratestructure": [[{"rate": 0.1}]]}')
    with pytest.raises(TariffFileError, match=r"energyratestructure\[0\]\[0\]\.rate: .*float"):
        urdb_to_tariff_data(data, timezone="UTC", source=SOURCE)


# -- identity, dates, time zone -----------------------------------------------------------


def test_identity_and_reference() -> None:
    tariff = tariff_of(
        record(label="5550D6FD", uri="https://openei.org/x", source="https://utility.example/r")
    )
    assert tariff.id == "urdb-5550d6fd"
    assert tariff.currency == "USD"
    assert tariff.name == "Test Utility: Test Rate"
    for part in ("https://openei.org/x", "5550D6FD", "Test Utility", "Test Rate"):
        assert part in tariff.reference
    assert tariff_of(record(), tariff_id="my-rate").id == "my-rate"


def test_id_from_the_file_stem_without_a_label(tmp_path: Path) -> None:
    data = record()
    del data["label"]
    path = tmp_path / "Sample Flat Rate.json"
    path.write_text(json.dumps({"items": [data]}, default=str), encoding="utf-8")
    assert load_urdb_tariff(path, timezone="UTC").id == "sample-flat-rate"


def test_time_zone_is_required(tmp_path: Path) -> None:
    path = tmp_path / "rate.json"
    path.write_text('{"label": "x"}', encoding="utf-8")
    with pytest.raises(
        TariffFileError,
        match=r"rate\.json: URDB records carry no time zone; give the utility's "
        r"\(e\.g\. --timezone America/Denver\), or, for readings on local standard time all "
        r"year as SAM, REopt and OpenStudio-HPXML load files are, its fixed-offset zone "
        r"\(e\.g\. --timezone Etc/GMT\+7 for Mountain standard time\)$",
    ):
        load_urdb_tariff(path)


def test_unknown_time_zone() -> None:
    with pytest.raises(TariffFileError, match=r"unknown time zone 'Mars/Olympus'"):
        tariff_of(record(), timezone="Mars/Olympus")


def test_load_sets_the_source(tmp_path: Path) -> None:
    path = tmp_path / "rate.json"
    path.write_text('{"label": "x", "fixedmonthlycharge": 5}', encoding="utf-8")
    tariff = load_urdb_tariff(path, timezone="UTC")
    assert tariff.source == str(path)


@pytest.mark.parametrize(
    ("startdate", "timezone", "expected"),
    [
        # 1433116800 is 2015-06-01T00:00Z: URDB stores UTC midnights, so the UTC date is
        # the effective date even for a tariff in New York (where it is still May 31).
        (1433116800, "America/New_York", dt.date(2015, 6, 1)),
        (1433116800, "UTC", dt.date(2015, 6, 1)),
        (D("1401580800.0"), "UTC", dt.date(2014, 6, 1)),
        ("2017-01-01 00:00:00", "America/New_York", dt.date(2017, 1, 1)),
        (None, "UTC", dt.date(1970, 1, 1)),
    ],
)
def test_version_is_keyed_by_startdate(startdate: Any, timezone: str, expected: dt.date) -> None:
    data = record() if startdate is None else record(startdate=startdate)
    assert list(tariff_of(data, timezone).versions) == [expected]


def august_2015_days(first: int, last: int) -> Readings:
    """Hourly readings of 1 kWh from 2015-08-``first`` to 2015-08-``last`` (UTC)."""
    start = dt.datetime(2015, 8, first, tzinfo=dt.UTC)
    return hourly(start, ["1"] * 24 * (last - first + 1))


def test_enddate_is_the_last_day_in_force() -> None:
    # 1440975600 is 2015-08-30T23:00Z: its UTC date, 2015-08-30, is the last day of the
    # record; the table is withdrawn from 2015-08-31.
    tariff = tariff_of(record(startdate=1433116800, enddate=1440975600))
    assert (tariff.withdrawn, tariff.past_withdrawal) == (dt.date(2015, 8, 31), "refuse")
    assert tariff.description is not None
    assert "The record's enddate is 2015-08-30: bills after it are refused." in (tariff.description)
    # Up to 2015-08-30 it prices: 30 days x 24 h x 1 kWh x 0.10 = 72.00.
    (bill,) = price(tariff, august_2015_days(1, 30))
    assert bill.total == D("72.00")
    with pytest.raises(TariffFileError) as caught:
        price(tariff, august_2015_days(1, 31))
    assert str(caught.value) == (
        "urdb-abc123: tariff urdb-abc123 has no version in force on 2015-08-31: it is "
        "withdrawn from 2015-08-31; price readings of its time, re-date them (--as-year), "
        "or price past the withdrawal knowingly (past_withdrawal: warn; for a URDB "
        "record's enddate, --past-enddate)"
    )


def test_past_enddate_prices_under_the_record_and_says_so() -> None:
    tariff = tariff_of(record(startdate=1433116800, enddate=1440975600), past_enddate=True)
    assert (tariff.withdrawn, tariff.past_withdrawal) == (dt.date(2015, 8, 31), "warn")
    # 31 days x 24 h x 1 kWh x 0.10 = 74.40
    (bill,) = price(tariff, august_2015_days(1, 31))
    assert bill.total == D("74.40")
    assert bill.warnings == (
        "priced after the tariff was withdrawn: from 2015-08-31 under its last version "
        "(withdrawn from 2015-08-31; past_withdrawal: warn)",
    )


def test_enddate_before_startdate_is_refused() -> None:
    with pytest.raises(TariffFileError, match=r"enddate: the record ends \(2015-05-31\) before"):
        tariff_of(record(startdate=1433116800, enddate=1433030400))


@pytest.mark.parametrize(
    ("startdate", "message"),
    [
        (
            "2017-01-01T00:00:00+08:00",
            "'2017-01-01T00:00:00+08:00' has a time of day or a UTC offset, which would be "
            "dropped; expected a date YYYY-MM-DD (with at most the time 00:00:00) or epoch "
            "seconds",
        ),
        (
            "2017-01-01 08:00:00",
            "'2017-01-01 08:00:00' has a time of day or a UTC offset, which would be dropped; "
            "expected a date YYYY-MM-DD (with at most the time 00:00:00) or epoch seconds",
        ),
        (
            "\uff12\uff10\uff11\uff17-01-01",
            "'\uff12\uff10\uff11\uff17-01-01' holds the non-ASCII digit '\uff12' (U+FF12); "
            "write ASCII digits",
        ),
        ("2017-02-30", "'2017-02-30' is not a date: day is out of range for month"),
    ],
)
def test_urdb_date_with_a_time_or_other_digits_is_refused(startdate: str, message: str) -> None:
    # A date as text is the date, or the date at midnight ("2017-01-01 00:00:00", as URDB
    # writes it): a time of day or an offset would be dropped, so it is refused.
    with pytest.raises(TariffFileError) as caught:
        tariff_of(record(startdate=startdate))
    assert str(caught.value) == f"rate.json: startdate: {message}"


def test_urdb_date_at_midnight_is_the_date() -> None:
    for startdate in ["2017-01-01", "2017-01-01T00:00:00", "2017-01-01 00:00"]:
        assert list(tariff_of(record(startdate=startdate)).versions) == [dt.date(2017, 1, 1)]


def test_urdb_number_with_non_ascii_digits_is_refused() -> None:
    # Decimal("\uff10.\uff11\uff10") is 0.10: the rule for numbers is ASCII digits only.
    with pytest.raises(TariffFileError) as caught:
        tariff_of(record(energyratestructure=[[{"rate": "\uff10.\uff11\uff10"}]]))
    assert str(caught.value) == (
        "rate.json: energyratestructure[0][0].rate: '\uff10.\uff11\uff10' holds the "
        "non-ASCII digit '\uff10' (U+FF10); write ASCII digits"
    )


@pytest.mark.parametrize(
    ("rate", "adj", "message", "written"),
    [
        # 9E+23 + 9E+23 = 1.8E+24: 25 digits before the point.
        (
            "9e23",
            "9e23",
            "rate + adj = 9E+23 + 9E+23 is 1.8E+24, which is too large: at most 24 digits "
            "before the point (a derived price)",
            None,
        ),
        # A written rate or adj beyond the limits is refused where it is written, before any
        # sum: 1E-30 has 30 decimal places, 1E+50 has 51 digits before the point. (Two numbers
        # within the limits never sum to more than 18 places, so only the size of a sum can
        # exceed them.)
        (
            "0.1",
            "1e-30",
            None,
            "energyratestructure[0][0].adj: 1E-30 has 30 decimal places; at most 18 are allowed",
        ),
        (
            "1e50",
            "1e-60",
            None,
            "energyratestructure[0][0].rate: 1E+50 is too large: at most 24 digits before the "
            "point",
        ),
    ],
)
def test_urdb_derived_price_rate_plus_adj_beyond_the_limits(
    rate: str, adj: str, message: str | None, written: str | None
) -> None:
    structure = [[{"rate": D(rate), "adj": D(adj)}]]
    with pytest.raises(TariffFileError) as caught:
        tariff_of(record(energyratestructure=structure))
    expected = f"energyratestructure[0][0]: {message}" if message else written
    assert str(caught.value) == f"rate.json: {expected}"


def test_export_rules_are_named_in_the_description() -> None:
    tariff = tariff_of(record(dgrules="Net Metering"))
    assert tariff.description is not None
    assert "Exported energy is not credited (the record's rule for it: Net Metering)" in (
        tariff.description
    )


# -- energy -------------------------------------------------------------------------------


def test_flat_energy_is_rate_plus_adjustment() -> None:
    data = record(energyratestructure=[[{"rate": D("0.07531"), "adj": D("0.0119")}]])
    version = only_version(tariff_of(data))
    assert version.periods is None and version.seasons is None and version.day_types is None
    assert version.charges[0].price_per_kwh == D("0.08721")


def summer_peak_record() -> dict[str, Any]:
    """p1 on weekdays 16:00-20:00 in June to September, p0 otherwise."""
    peak_day = [0] * 16 + [1] * 4 + [0] * 4
    weekday = [peak_day if 5 <= m <= 8 else [0] * 24 for m in range(12)]
    return record(
        energyratestructure=[[{"rate": D("0.10")}], [{"rate": D("0.30")}]],
        energyweekdayschedule=weekday,
        energyweekendschedule=FLAT,
    )


def test_time_of_use_seasons_day_types_and_windows() -> None:
    version = only_version(tariff_of(summer_peak_record()))
    assert {name: season.months for name, season in version.seasons.items()} == {
        "jan_feb_mar_apr_may_oct_nov_dec": [1, 2, 3, 4, 5, 10, 11, 12],
        "jun_jul_aug_sep": [6, 7, 8, 9],
    }
    assert version.day_types["weekday"].weekdays == ["mon", "tue", "wed", "thu", "fri"]
    assert version.day_types["weekend"].weekdays == ["sat", "sun"]
    windows = {(rule.seasons[0], rule.day_types[0]): rule.windows for rule in version.periods}
    assert windows[("jun_jul_aug_sep", "weekday")] == {
        "p0": ["00:00-16:00", "20:00-24:00"],
        "p1": ["16:00-20:00"],
    }
    assert windows[("jun_jul_aug_sep", "weekend")] == {"p0": ["00:00-24:00"]}
    assert windows[("jan_feb_mar_apr_may_oct_nov_dec", "weekday")] == {"p0": ["00:00-24:00"]}
    assert version.charges[0].prices == {"p0": D("0.10"), "p1": D("0.30")}


def test_weekday_is_monday_to_friday() -> None:
    tariff = tariff_of(summer_peak_record())
    # 2025-07-04 is a Friday, 2025-07-05 a Saturday: 1 kWh and 2 kWh at 16:00.
    values = ["0"] * 48
    values[16], values[24 + 16] = "1", "2"
    bills = price(tariff, hourly(dt.datetime(2025, 7, 4), values))
    lines = {line.code: line for line in bills[0].lines}
    assert lines["energy.p1"].quantity == D("1") and lines["energy.p1"].amount == D("0.30")
    assert lines["energy.p0"].quantity == D("2") and lines["energy.p0"].amount == D("0.20")


def test_leap_years_keep_february_29() -> None:
    peak_day = [0] * 16 + [1] * 4 + [0] * 4
    data = record(
        energyratestructure=[[{"rate": D("0.10")}], [{"rate": D("0.30")}]],
        **month_rows(1, peak_day, [0] * 24),
    )
    tariff = tariff_of(data)
    # February 2024 has 29 days (696 hours), 21 of them weekdays (Feb 29 is a Thursday):
    # p1 = 21 × 4 h × 1 kWh = 84 kWh, p0 = 696 − 84 = 612 kWh.
    bills = price(tariff, hourly(dt.datetime(2024, 2, 1), ["1"] * 696))
    assert len(bills) == 1 and bills[0].energy_kwh == D("696")
    lines = {line.code: line for line in bills[0].lines}
    assert lines["energy.p1"].quantity == D("84") and lines["energy.p1"].amount == D("25.20")
    assert lines["energy.p0"].quantity == D("612") and lines["energy.p0"].amount == D("61.20")


@pytest.mark.parametrize(
    ("unit", "bound_unit"),
    [("kWh", "kwh"), ("kWh daily", "kwh_per_day"), ("kWh/kW", "kwh_per_kw")],
)
def test_tier_units(unit: str, bound_unit: str) -> None:
    data = record(
        energyratestructure=[
            [
                {"max": 1000, "rate": D("0.07531"), "adj": D("0.0119"), "unit": unit},
                {"rate": D("0.09613"), "adj": D("0.0119"), "unit": unit},
            ]
        ]
    )
    charge = only_version(tariff_of(data)).charges[0]
    assert charge.price_per_kwh == [D("0.08721"), D("0.10803")]
    assert charge.tiers.bounds_kwh == [D("1000")]
    assert charge.tiers.bound_unit == bound_unit
    assert charge.tiers.method == "proportional" and charge.tiers.reset == "monthly"


def test_other_tier_units_are_refused() -> None:
    data = record(
        energyratestructure=[[{"max": 300, "rate": 1, "unit": "kWh/kW daily"}, {"rate": 2}]]
    )
    with pytest.raises(UnsupportedFeatureError) as caught:
        tariff_of(data)
    assert caught.value.feature == "energyratestructure[0][0].unit"


def weekend_period_record(structure: list[list[dict[str, Any]]]) -> dict[str, Any]:
    """p0 on weekdays, p1 on weekends, every month."""
    return record(
        energyratestructure=structure,
        energyweekdayschedule=FLAT,
        energyweekendschedule=[[1] * 24 for _ in range(12)],
    )


def test_periods_with_different_tier_counts_share_one_ladder() -> None:
    # The OpenStudio-HPXML "Sample Tiered Time-of-Use Rate" structure.
    data = weekend_period_record(
        [
            [{"max": 150, "rate": D("0.06")}, {"rate": D("0.08")}],
            [{"max": 150, "rate": D("0.09")}, {"max": 300, "rate": D("0.11")}, {"rate": D("0.13")}],
        ]
    )
    charge = only_version(tariff_of(data)).charges[0]
    assert charge.tiers.bounds_kwh == [D("150"), D("300")]
    assert charge.prices == {
        "p0": [D("0.06"), D("0.08"), D("0.08")],
        "p1": [D("0.09"), D("0.11"), D("0.13")],
    }


def test_periods_with_different_bounds_are_merged() -> None:
    data = weekend_period_record(
        [
            [{"max": 100, "rate": D("0.05")}, {"rate": D("0.07")}],
            [{"max": 150, "rate": D("0.09")}, {"rate": D("0.13")}],
        ]
    )
    charge = only_version(tariff_of(data)).charges[0]
    assert charge.tiers.bounds_kwh == [D("100"), D("150")]
    assert charge.prices == {
        "p0": [D("0.05"), D("0.07"), D("0.07")],
        "p1": [D("0.09"), D("0.09"), D("0.13")],
    }


def test_tiered_time_of_use_priced_by_hand() -> None:
    data = weekend_period_record(
        [
            [{"max": 150, "rate": D("0.06")}, {"rate": D("0.08")}],
            [{"max": 150, "rate": D("0.09")}, {"max": 300, "rate": D("0.11")}, {"rate": D("0.13")}],
        ]
    )
    # July 2025: 300 kWh on Tuesday 1st (p0) and 100 kWh on Saturday 5th (p1).
    values = ["0"] * (31 * 24)
    values[0], values[4 * 24] = "300", "100"
    bills = price(tariff_of(data), hourly(dt.datetime(2025, 7, 1), values))
    # 400 kWh: tiers of 150, 150 and 100 kWh, shared 3/4 to p0 and 1/4 to p1.
    # p0: 112.5 × 0.06 = 6.75, 112.5 × 0.08 = 9.00, 75 × 0.08 = 6.00
    # p1: 37.5 × 0.09 = 3.375 → 3.38, 37.5 × 0.11 = 4.125 → 4.13, 25 × 0.13 = 3.25
    assert amounts(bills, "energy") == D("32.51")
    assert sum(line.quantity for line in bills[0].lines) == D("400")


def test_a_tier_without_max_before_the_last_is_malformed() -> None:
    data = record(energyratestructure=[[{"rate": 1}, {"rate": 2}]])
    with pytest.raises(
        TariffFileError, match=r"energyratestructure\[0\]\[0\]\.max: every tier but the last"
    ):
        tariff_of(data)


def test_a_last_tier_with_a_max_is_malformed() -> None:
    data = record(energyratestructure=[[{"max": 500, "rate": 1}]])
    with pytest.raises(TariffFileError, match=r"the last tier has max 500"):
        tariff_of(data)


def test_a_no_bound_sentinel_on_the_last_tier_is_no_bound() -> None:
    # SAM and PySAM write 1e38 for "no upper bound".
    data = record(energyratestructure=[[{"max": 100, "rate": 1}, {"max": D("1e38"), "rate": 2}]])
    charge = only_version(tariff_of(data)).charges[0]
    assert charge.tiers.bounds_kwh == [D("100")]


def test_a_schedule_naming_a_missing_period_is_malformed() -> None:
    weekday = [[0] * 24 for _ in range(12)]
    weekday[3][7] = 2
    data = record(
        energyratestructure=[[{"rate": 1}], [{"rate": 2}]],
        energyweekdayschedule=weekday,
    )
    with pytest.raises(TariffFileError, match=r"energyweekdayschedule\[3\]\[7\]: period 2 has"):
        tariff_of(data)


@pytest.mark.parametrize(
    ("rules", "expected"),
    [
        ({}, "net_metering"),  # no rule: net metering, as NREL's reader assumes
        ({"usenetmetering": True}, "net_metering"),
        ({"usenetmetering": False}, "net_billing"),
        ({"dgrules": "Net Metering"}, "net_metering"),
        ({"dgrules": "Net Billing Instantaneous"}, "net_billing"),
        ({"dgrules": "Buy All Sell All"}, "buy_all_sell_all"),
    ],
)
def test_sell_prices_are_the_export_prices_under_the_records_rule(
    rules: dict[str, Any], expected: str
) -> None:
    data = record(energyratestructure=[[{"rate": D("0.0015"), "sell": D("0.0699")}]], **rules)
    tariff = tariff_of(data)
    exports = only_version(tariff).exports
    assert (exports.metering, exports.price_per_kwh, exports.prices) == (
        expected,
        D("0.0699"),
        None,
    )
    assert tariff.description is not None
    assert "not credited" not in tariff.description


def test_sell_prices_by_period() -> None:
    weekday = [[0] * 12 + [1] * 12 for _ in range(12)]
    data = record(
        energyratestructure=[
            [{"rate": D("0.10"), "sell": D("0.03")}],
            [
                {"rate": D("0.20"), "max": D(500), "sell": D("0.05")},
                {"rate": D("0.25"), "sell": D("0.05")},
            ],
        ],
        energyweekdayschedule=weekday,
        energyweekendschedule=weekday,
        dgrules="Net Billing Instantaneous",
    )
    exports = only_version(tariff_of(data)).exports
    assert exports.prices == {"p0": D("0.03"), "p1": D("0.05")}
    assert exports.metering == "net_billing"


@pytest.mark.parametrize(
    ("fields", "feature", "detail"),
    [
        (
            {"dgrules": "Net Billing Hourly"},
            "dgrules",
            "imports and exports netted hour by hour",
        ),
        ({"dgrules": "Net Banking"}, "dgrules", "a rule for exports this importer does not know"),
        (
            {"dgrules": "Net Billing Instantaneous", "usenetmetering": True},
            "usenetmetering",
            "usenetmetering true contradicts dgrules 'Net Billing Instantaneous'",
        ),
        (
            {
                "energyratestructure": [
                    [
                        {"rate": D("0.10"), "max": D(100), "sell": D("0.02")},
                        {"rate": D("0.20"), "sell": D("0.04")},
                    ]
                ]
            },
            "energyratestructure[0]",
            "sell prices that differ between the tiers of a period (0.02, 0.04)",
        ),
        (
            {"energyratestructure": [[{"rate": D("0.10"), "sell": D("-0.02")}]]},
            "energyratestructure[0][0].sell",
            "a negative sell price (-0.02)",
        ),
    ],
)
def test_sell_prices_that_cannot_be_priced_are_refused_by_name(
    fields: dict[str, Any], feature: str, detail: str
) -> None:
    data = record(energyratestructure=[[{"rate": D("0.10"), "sell": D("0.05")}]])
    data.update(fields)
    with pytest.raises(UnsupportedFeatureError) as caught:
        tariff_of(data)
    assert caught.value.feature == feature
    assert detail in caught.value.detail


def test_zero_sell_prices_are_fine() -> None:
    data = record(energyratestructure=[[{"rate": D("0.10"), "sell": D("0.0")}]])
    assert only_version(tariff_of(data)).charges[0].price_per_kwh == D("0.10")


def test_unknown_tier_fields_are_refused() -> None:
    data = record(energyratestructure=[[{"rate": 1, "discount": 2}]])
    with pytest.raises(UnsupportedFeatureError) as caught:
        tariff_of(data)
    assert caught.value.feature == "energyratestructure[0][0].discount"


def test_real_time_pricing() -> None:
    prices = [D("0.05")] * 8760
    prices[5] = D("0.50")
    data = {
        "name": "RTP",
        "realtimepricing": prices,
        "fixedchargefirstmeter": 9,
        "fixedchargeunits": "$/month",
    }
    version = only_version(tariff_of(data))
    dynamic = version.charges[0]
    assert dynamic.kind == "dynamic_energy" and dynamic.hourly_prices_per_kwh == prices
    # 2025-01-01, 24 hours of 1 kWh: 23 × 0.05 + 0.50 at 05:00.
    bills = price(tariff_of(data), hourly(dt.datetime(2025, 1, 1), ["1"] * 24))
    assert amounts(bills, "energy") == D("1.65")


def test_real_time_pricing_needs_a_price_per_hour() -> None:
    with pytest.raises(UnsupportedFeatureError) as caught:
        tariff_of({"name": "RTP", "realtimepricing": [D("0.05")] * 100})
    assert caught.value.feature == "realtimepricing"


def test_real_time_pricing_next_to_an_energy_structure_is_refused() -> None:
    with pytest.raises(UnsupportedFeatureError, match="would bill every kWh twice"):
        tariff_of(record(realtimepricing=[D("0.05")] * 8760))


# -- fixed and minimum charges ------------------------------------------------------------


@pytest.mark.parametrize(
    ("fields", "amount", "per"),
    [
        ({"fixedmonthlycharge": D("7.57")}, D("7.57"), "month"),
        ({"fixedchargefirstmeter": 13, "fixedchargeunits": "$/month"}, D("13"), "month"),
        ({"fixedchargefirstmeter": D("0.25"), "fixedchargeunits": "$/day"}, D("0.25"), "day"),
    ],
)
def test_fixed_charges(fields: dict[str, Any], amount: Decimal, per: str) -> None:
    charges = only_version(tariff_of(record(**fields))).charges
    assert [(c.kind, c.amount, c.per) for c in charges[1:]] == [("fixed", amount, per)]


def test_a_daily_fixed_charge_bills_every_day() -> None:
    data = record(fixedchargefirstmeter=D("0.25"), fixedchargeunits="$/day")
    bills = price(tariff_of(data), hourly(dt.datetime(2025, 7, 1), ["0"] * (31 * 24)))
    assert amounts(bills, "fixed") == D("7.75")  # 31 days × 0.25


@pytest.mark.parametrize(
    ("fields", "feature"),
    [
        ({"fixedchargefirstmeter": 100, "fixedchargeunits": "$/year"}, "fixedchargeunits"),
        (
            {"fixedchargefirstmeter": 5, "fixedchargeunits": "$/month", "fixedchargeeaaddl": 2},
            "fixedchargeeaaddl",
        ),
        ({"mincharge": 10, "minchargeunits": "$/kWh"}, "minchargeunits"),
        (
            {
                "flatdemandstructure": [[{"rate": 5}]],
                "flatdemandmonths": [0] * 12,
                "flatdemandunit": "kVA",
            },
            "flatdemandunit",
        ),
    ],
)
def test_unsupported_units_are_refused(fields: dict[str, Any], feature: str) -> None:
    with pytest.raises(UnsupportedFeatureError) as caught:
        tariff_of(record(**fields))
    assert caught.value.feature == feature


@pytest.mark.parametrize(
    ("fields", "amount", "per"),
    [
        ({"mincharge": 15, "minchargeunits": "$/month"}, D("15"), "month"),
        ({"mincharge": D("0.5"), "minchargeunits": "$/day"}, D("0.5"), "day"),
        ({"mincharge": 200, "minchargeunits": "$/year"}, D("200"), "year"),
        ({"minmonthlycharge": D("1.0")}, D("1.0"), "month"),
        ({"annualmincharge": D("12.0")}, D("12.0"), "year"),
    ],
)
def test_minimum_charges(fields: dict[str, Any], amount: Decimal, per: str) -> None:
    charges = only_version(tariff_of(record(**fields))).charges
    assert [(c.kind, c.amount, c.per) for c in charges[1:]] == [("minimum", amount, per)]


def test_a_monthly_minimum_makes_up_the_difference() -> None:
    data = record(
        fixedchargefirstmeter=8, fixedchargeunits="$/month", mincharge=15, minchargeunits="$/month"
    )
    values = ["0"] * (31 * 24)
    values[0] = "10"
    bills = price(tariff_of(data), hourly(dt.datetime(2025, 7, 1), values))
    # 10 kWh × 0.10 = 1.00 energy + 8.00 fixed = 9.00 < 15.00: a 6.00 minimum line.
    assert amounts(bills, "minimum") == D("6.00") and bills[0].total == D("15.00")


# -- demand -------------------------------------------------------------------------------


def test_flat_demand_by_season() -> None:
    data = record(
        flatdemandstructure=[
            [{"rate": D("7.76"), "adj": D("1.38")}],
            [{"rate": D("10.08"), "adj": D("1.43")}],
        ],
        flatdemandmonths=[0, 0, 0, 0, 0, 1, 1, 1, 1, 0, 0, 0],
        flatdemandunit="kW",
    )
    charges = [c for c in only_version(tariff_of(data)).charges if c.kind == "demand"]
    assert [(c.price_per_kw, c.months) for c in charges] == [
        (D("9.14"), [1, 2, 3, 4, 5, 10, 11, 12]),
        (D("11.51"), [6, 7, 8, 9]),
    ]


def test_tiered_flat_demand() -> None:
    data = record(
        flatdemandstructure=[
            [{"max": 50, "rate": 0}, {"max": 2000, "rate": D("12.49")}, {"rate": D("11.99")}]
        ],
        flatdemandmonths=[0] * 12,
    )
    (charge,) = [c for c in only_version(tariff_of(data)).charges if c.kind == "demand"]
    assert charge.tiers_kw == [D("50"), D("2000")]
    assert charge.price_per_kw == [D("0"), D("12.49"), D("11.99")]
    assert charge.months is None


def test_flat_demand_priced_by_hand() -> None:
    data = record(flatdemandstructure=[[{"rate": D("9.14")}]], flatdemandmonths=[0] * 12)
    values = ["1"] * (31 * 96)
    values[100] = "5"  # 5 kWh in 15 minutes: 20 kW
    bills = price(tariff_of(data), quarter_hourly(dt.datetime(2025, 7, 1), values))
    assert amounts(bills, "demand") == D("182.80")  # 20 kW × 9.14


def test_time_of_use_demand() -> None:
    afternoon = [0] * 15 + [1] * 5 + [0] * 4
    weekday = [afternoon for _ in range(12)]
    data = record(
        demandratestructure=[[{"rate": 0}], [{"rate": D("8.4")}]],
        demandweekdayschedule=weekday,
        demandweekendschedule=FLAT,
        demandrateunit="kW",
    )
    version = only_version(tariff_of(data))
    assert version.demand_periods[0].windows == {
        "d0": ["00:00-15:00", "20:00-24:00"],
        "d1": ["15:00-20:00"],
    }
    (charge,) = [c for c in version.charges if c.kind == "demand"]
    assert charge.prices == {"d1": D("8.4")}  # d0 is priced at 0 and adds nothing
    assert version.demand_window.minutes == 15
    assert "15-minute windows" in (tariff_of(data).description or "")
    # July 2025 at 1 kWh per 15 minutes (4 kW), but 3 kWh (12 kW) on Tuesday 1st at 16:00
    # (d1) and 5 kWh (20 kW) on Saturday 5th at 16:00 (d0, weekend).
    values = ["1"] * (31 * 96)
    values[16 * 4], values[4 * 96 + 16 * 4] = "3", "5"
    bills = price(tariff_of(data), quarter_hourly(dt.datetime(2025, 7, 1), values))
    assert amounts(bills, "demand") == D("100.80")  # 12 kW × 8.4


def test_demand_windows() -> None:
    data = record(flatdemandstructure=[[{"rate": 5}]], flatdemandmonths=[0] * 12)
    assert only_version(tariff_of({**data, "demandwindow": 30})).demand_window.minutes == 30
    with pytest.raises(UnsupportedFeatureError) as caught:
        tariff_of({**data, "demandwindow": 7})
    assert caught.value.feature == "demandwindow"


def quarter_hourly_reactive(start: dt.datetime, kwh: list[str], kvarh: list[str]) -> Readings:
    rows = [
        f"{(start + dt.timedelta(minutes=15 * i)).isoformat(timespec='minutes')},{a},{b}"
        for i, (a, b) in enumerate(zip(kwh, kvarh, strict=True))
    ]
    text = "start,kwh,kvarh\n" + "\n".join(rows) + "\n"
    return parse_readings_csv(text, "readings.csv", "UTC")


def test_reactive_power_charge_is_priced_per_kvar_of_maximum_reactive_demand() -> None:
    """``demandreactivepowercharge`` [$/kVAR] bills the month's maximum reactive demand."""
    data = record(demandreactivepowercharge=D("0.51"))
    tariff = tariff_of(data)
    version = only_version(tariff)
    (charge,) = [c for c in version.charges if c.kind == "reactive"]
    assert charge.price_per_kvar == D("0.51") and charge.price_per_kvarh is None
    # No window in the record: 15 minutes, said in the description, with the rule.
    assert version.demand_window.minutes == 15
    assert "15-minute windows" in (tariff.description or "")
    assert "maximum reactive demand [kvar]" in (tariff.description or "")
    # July 2025: 1 kWh and 0.5 kvarh per 15 minutes, but 2.25 kvarh on the 10th at 14:15
    # (9 kvar) and 2 kvarh in each quarter of the 20th 08:00 hour (8 kvar).
    kwh = ["1"] * (31 * 96)
    kvarh = ["0.5"] * (31 * 96)
    kvarh[9 * 96 + 14 * 4 + 1] = "2.25"
    for quarter in range(4):
        kvarh[19 * 96 + 8 * 4 + quarter] = "2"
    readings = quarter_hourly_reactive(dt.datetime(2025, 7, 1), kwh, kvarh)
    (bill,) = price(tariff, readings)
    (line,) = [line for line in bill.lines if line.code == "reactive"]
    # 2.25 kvarh ÷ 0.25 h = 9 kvar; 9 × 0.51 = 4.59.
    assert (line.quantity, line.unit, line.rate, line.amount) == (
        D(9),
        "kvar",
        D("0.51"),
        D("4.59"),
    )
    # 2976 kWh × 0.10 = 297.60 of energy; 302.19 in all.
    assert bill.total == D("302.19")
    # Over 60-minute windows the 20th's hour has 8 kvarh (8 kvar) and the 10th's hour
    # 0.5 × 3 + 2.25 = 3.75 kvarh: 8 kvar × 0.51 = 4.08.
    (hourly_bill,) = price(tariff_of({**data, "demandwindow": 60}), readings)
    (line,) = [line for line in hourly_bill.lines if line.code == "reactive"]
    assert (line.quantity, line.amount) == (D(8), D("4.08"))


def test_reactive_power_charge_needs_reactive_readings() -> None:
    tariff = tariff_of(record(demandreactivepowercharge=D("2.7")))
    readings = quarter_hourly(dt.datetime(2025, 7, 1), ["1"] * 96)
    with pytest.raises(
        ReadingsError,
        match=r"^readings\.csv: tariff urdb-abc123 has a reactive demand charge \(per kvar\), "
        r"which needs reactive readings: the readings have no kvarh column$",
    ):
        price(tariff, readings)


@pytest.mark.parametrize("value", [D("-0.51"), -1])
def test_negative_reactive_power_charge_is_refused(value: Any) -> None:
    with pytest.raises(UnsupportedFeatureError) as caught:
        tariff_of(record(demandreactivepowercharge=value))
    assert caught.value.feature == "demandreactivepowercharge"
    assert "a negative reactive demand charge" in str(caught.value)


def test_lookback_ratchet() -> None:
    data = record(
        flatdemandstructure=[[{"rate": 10}]],
        flatdemandmonths=[0] * 12,
        lookbackPercent=D("0.8"),
        lookbackRange=11,
    )
    (charge,) = [c for c in only_version(tariff_of(data)).charges if c.kind == "demand"]
    assert charge.ratchet.percent == D("80") and charge.ratchet.lookback_months == 11
    assert charge.ratchet.months is None
    # January 2025 peaks at 25 kWh in 15 minutes (100 kW); February stays at 4 kW, so its
    # billing demand is 80 % of 100 kW.
    values = ["1"] * (59 * 96)
    values[10] = "25"
    bills = price(tariff_of(data), quarter_hourly(dt.datetime(2025, 1, 1), values))
    assert [amounts([b], "demand") for b in bills] == [D("1000.00"), D("800.00")]


def test_monthly_ratchet_percentages_with_a_lookback_range() -> None:
    data = record(
        flatdemandstructure=[[{"rate": 10}]],
        flatdemandmonths=[0] * 12,
        demandratchetpercentage=[D("0.35")] * 12,
        lookbackrange=11,
    )
    (charge,) = [c for c in only_version(tariff_of(data)).charges if c.kind == "demand"]
    assert charge.ratchet.percent == D("35") and charge.ratchet.lookback_months == 11


@pytest.mark.parametrize(
    ("fields", "feature"),
    [
        (
            {"demandratchetpercentage": [D("0.35")] * 6 + [D("0.5")] * 6, "lookbackRange": 11},
            "demandratchetpercentage",
        ),
        ({"demandratchetpercentage": [D("0.35")] * 12}, "demandratchetpercentage"),
        ({"lookbackPercent": D("0.8")}, "lookbackPercent"),
        ({"lookbackPercent": D("0.8"), "lookbackMonths": [1] * 3 + [0] * 9}, "lookbackMonths"),
    ],
    ids=["different-by-month", "no-range", "no-range-lookback", "lookback-months"],
)
def test_ratchets_that_do_not_fit_are_refused(fields: dict[str, Any], feature: str) -> None:
    data = record(flatdemandstructure=[[{"rate": 10}]], flatdemandmonths=[0] * 12, **fields)
    with pytest.raises(UnsupportedFeatureError) as caught:
        tariff_of(data)
    assert caught.value.feature == feature


def test_empty_lookback_fields_are_fine() -> None:
    data = record(lookbackmonths=[0] * 12, lookbackpercent=D("0.0"), lookbackrange=0)
    assert [c.kind for c in only_version(tariff_of(data)).charges] == ["energy"]


# -- refusals and metadata ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("fueladjustmentsmonthly", [D("0.01")] * 12),
        ("fixedattrs", [{"Customer credit": "-5.00"}]),
        ("energyattrs", [{"DWR-BC": "0.00539"}, {"TOU-winter:Off-Peak": "4"}]),
        ("demandattrs", [{"Power-Factor-Adjustment-Rate-$": "0.00005"}]),
        ("somethingnew", "a value"),
    ],
)
def test_fields_that_would_price_are_refused_by_name(field: str, value: Any) -> None:
    with pytest.raises(UnsupportedFeatureError) as caught:
        tariff_of(record(**{field: value}))
    assert caught.value.feature == field
    assert caught.value.where == SOURCE
    assert str(caught.value).startswith(f"rate.json: {field}: not supported, refusing to price (")


def test_every_refused_field_is_named() -> None:
    data = record(fueladjustmentsmonthly=[1] * 12, demandattrs=[{"Voltage discount": "-0.1"}])
    with pytest.raises(UnsupportedFeatureError, match=r"also refused: demandattrs"):
        tariff_of(data)


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("coincidentratestructure", [[{"rate": 0}]]),
        ("demandreactivepowercharge", 0),
        ("fueladjustmentsmonthly", [0] * 12),
        ("energyattrs", [{"TOU-winter:Off-Peak": "1"}, {"TOU-summer:Peak ": "2"}]),
        ("somethingnew", ""),
        ("peakkwcapacitymin", 500),
        ("voltagecategory", "Primary"),
        ("approved", True),
    ],
)
def test_empty_fields_and_metadata_are_accepted(field: str, value: Any) -> None:
    assert [c.kind for c in only_version(tariff_of(record(**{field: value}))).charges] == ["energy"]


def test_a_record_with_nothing_to_price() -> None:
    with pytest.raises(TariffFileError, match=r"the record has nothing to price"):
        tariff_of({"label": "x", "name": "empty"})


# -- YAML ---------------------------------------------------------------------------------


def test_yaml_quotes_decimals_times_and_dates() -> None:
    data = summer_peak_record()
    data["startdate"] = 1433116800
    data["energyratestructure"] = [[{"rate": D("0.10")}], [{"rate": D("0.30")}]]
    text = urdb_to_yaml(data, timezone="UTC", source=SOURCE)
    assert 'p0: "0.10"' in text
    assert '"16:00-20:00"' in text
    assert '"2015-06-01":' in text
    assert parse_tariff(text) == tariff_of(data)


def test_yaml_of_odd_text_loads_back() -> None:
    data = record(name="on", utility='Say "yes" & no\nthanks', label="No")
    text = urdb_to_yaml(data, timezone="UTC", source=SOURCE)
    loaded = parse_tariff(text)
    assert loaded == tariff_of(data)
    assert loaded.name == 'Say "yes" & no\nthanks: on'


#: Text that a YAML reader could take for something else, or that needs escapes.
ODD_TEXTS = [
    "on", "Off", "yEs", "Y", "n", "tRUE", "NULL", "nUll", "~", "-.5", "1e5", "+1", ".iNf",
    "0x1F", "010", "18:00", "16:00-20:00", "2025-01-01", "<<", "=", "# not a comment", "a: b",
    "- item", "[x]", "{x}", "&anchor", "*alias", "!tag", "|", ">", "%", "@", "`", "'", '"',
    "---", "...", "tab\there", "two\nlines", "carriage\rreturn", "next\x85line", "\u2028",
    "delete\x7f", "bom\ufeff", "\x00", "é ü 中文", "emoji \U0001f600", "spaced  out", "x " * 90,
]  # fmt: skip


@pytest.mark.parametrize("text", ODD_TEXTS)
def test_yaml_keeps_odd_text(text: str) -> None:
    data = record(name=text, utility="U")
    loaded = parse_tariff(urdb_to_yaml(data, timezone="UTC", source=SOURCE))
    assert loaded == tariff_of(data)
    assert loaded.name.endswith(text.strip())


def _as_loaded(value: Any) -> Any:
    """What the project's loader gives back for dumped data: decimals become their text."""
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, list):
        return [_as_loaded(item) for item in value]
    if isinstance(value, dict):
        return {key: _as_loaded(item) for key, item in value.items()}
    return value


# Any text, and text made of what YAML gives a meaning to (words, numbers, indicators).
_TEXTS = st.text() | st.text(alphabet="yesnoYNOtrfalTRFul~.-+019eE_x:#&*!|>'\"%@` ,[]{}?<=\n\t")
_SCALARS = st.one_of(
    _TEXTS, st.decimals(allow_nan=False, allow_infinity=False), st.integers(), st.booleans(),
    st.none(),
)  # fmt: skip
_VALUES = st.recursive(
    _SCALARS,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(_TEXTS, inner, max_size=4),
    max_leaves=12,
)


@given(st.dictionaries(_TEXTS, _VALUES, max_size=6))
def test_dumped_yaml_loads_back(data: dict[str, Any]) -> None:
    assert parse_yaml(_dump_yaml(data), "t.yaml").data == _as_loaded(data)


def test_yaml_refuses_floats() -> None:
    with pytest.raises(TypeError, match="binary float"):
        _dump_yaml({"price": 0.1})


def test_yaml_writes_no_aliases() -> None:
    shared = ["mon", "tue"]
    text = _dump_yaml({"a": {"weekdays": shared}, "b": {"weekdays": shared}})
    assert text == "a:\n  weekdays: [mon, tue]\nb:\n  weekdays: [mon, tue]\n"


# -- the real records ---------------------------------------------------------------------

#: Each real record: the field it is refused for, or None when it loads and prices.
RECORDS: dict[str, str | None] = {
    "aps_saver_choice_plus_residential_5a5935475457a3ad69423a82.json": None,
    "entergy_ar_lps_tou_5a592c995457a3371c423a7d.json": None,
    "fpl_rs1_residential_5550d6fd5457a3187e8b4567.json": None,
    "georgia_power_tou_gsd10_5d55886c5457a3221535a087.json": None,
    "jackson_emc_A_residential_senior_5a0b28045457a3ea2aca608e.json": None,
    "nipsco_rate724_gs_large_5c5afec35457a3130fde39de.json": None,
    "psco_residential_demand_rd_5a679442682bea21e990a0d4.json": None,
    "pysam_urdb_rate_539f6a23ec4f024411ec8beb.json": None,
    # voltage discounts among the demand attributes (and a sell price); its coincident
    # demand of $0.79/kW is priced at declared coincident peaks
    "peco_gs_ht_53ac8daa5257a3406ac32a35.json": "demandattrs",
    # a power-factor adjustment rate among the demand attributes
    "pge_e19_secondary_5cef0a415457a33576f60fe2.json": "demandattrs",
    # voltage discounts and a climate credit among the energy attributes
    "sce_gs2_tou_b_55fc81d7682bea28da64f9ae.json": "energyattrs",
    "sce_tou8_optionB_56bbe2205457a34d2a8b456a.json": None,
    # DWR bond charge among the energy attributes (its coincident demand is priced at 0)
    "sdge_tou_a_primary_5c3932b2b718b33d2eb90074.json": "energyattrs",
    # a ratchet percentage without lookbackRange (its reactive power charge is priced)
    "wallingford_primary_northford_539f6a23ec4f024411ec8bf9.json": "demandratchetpercentage",
}

#: The records refused for their attributes, with ``unpriced_attributes``: the field they
#: are refused for then, or None when they price (each attribute listed on every bill).
WITH_UNPRICED: dict[str, str | None] = {
    # its sell price is the export price of net metering (no dgrules: net metering)
    "peco_gs_ht_53ac8daa5257a3406ac32a35.json": None,
    "pge_e19_secondary_5cef0a415457a33576f60fe2.json": None,
    "sce_gs2_tou_b_55fc81d7682bea28da64f9ae.json": None,
    "sdge_tou_a_primary_5c3932b2b718b33d2eb90074.json": None,
}

#: docs/urdb-fields.md, whose "Deliberate refusals" name what records are refused for.
FIELDS_DOC = Path(__file__).parents[2] / "docs" / "urdb-fields.md"


def deliberate_refusals() -> set[str]:
    """The features the doc lists as refused on purpose (without indexes)."""
    text = FIELDS_DOC.read_text(encoding="utf-8")
    section = text.split("## Deliberate refusals", 1)[1].split("\n## ", 1)[0]
    return set(re.findall(r"^\| `([^`]+)` \|", section, re.MULTILINE))


def assert_deliberate(feature: str) -> None:
    """A refusal of a real record is one that docs/urdb-fields.md lists as deliberate."""
    assert re.sub(r"\[[0-9]+\]", "", feature) in deliberate_refusals(), feature


#: Loaded records that bill demand (or kWh per kW), measured over 15 minutes by default.
BILLS_DEMAND = {
    "aps_saver_choice_plus_residential_5a5935475457a3ad69423a82.json",
    "entergy_ar_lps_tou_5a592c995457a3371c423a7d.json",
    "georgia_power_tou_gsd10_5d55886c5457a3221535a087.json",
    "nipsco_rate724_gs_large_5c5afec35457a3130fde39de.json",
    "psco_residential_demand_rd_5a679442682bea21e990a0d4.json",
    "pysam_urdb_rate_539f6a23ec4f024411ec8beb.json",
    "sce_tou8_optionB_56bbe2205457a34d2a8b456a.json",
}

#: Loaded records with a reactive power charge [$/kVAR]: they need a kvarh column.
BILLS_REACTIVE = {"sce_tou8_optionB_56bbe2205457a34d2a8b456a.json"}

# The load is Tempe, Arizona, in local time: Phoenix keeps no daylight saving time.
LOAD_ZONE = "America/Phoenix"


def test_every_record_file_is_classified() -> None:
    assert sorted(p.name for p in DATA.glob("*.json")) == sorted(RECORDS)


@pytest.fixture(scope="module")
def office_2023() -> tuple[Readings, Readings]:
    """A measured year of an office, hourly, and the same spread evenly over quarter hours.

    Calendar 2017 of the BDG2 office "Fox_office_Brandy", moved to 2023 so that every
    record's start date is in force: both years are common years starting on a Sunday, so
    every date keeps its weekday. The quarter-hour load splits each hour's kWh into four
    equal parts, exactly, to price the records that bill 15-minute demand.
    """
    assert dt.date(2017, 1, 1).weekday() == dt.date(2023, 1, 1).weekday() == 6
    with (DATA / "loads" / "commercial_bdg2_fox_office_brandy_hourly_kwh.csv").open() as file:
        rows = [r for r in csv.DictReader(file) if r["timestamp_source"].startswith("2017-")]
    assert len(rows) == 8760
    hours = [("2023" + r["timestamp_source"][4:16], D(r["kwh"])) for r in rows]
    hourly_text = "start,kwh\n" + "".join(f"{start},{kwh}\n" for start, kwh in hours)
    quarter_lines = []
    for start, kwh in hours:
        for quarter in range(4):
            quarter_lines.append(f"{start[:14]}{15 * quarter:02d},{kwh / 4}\n")
    quarter_text = "start,kwh\n" + "".join(quarter_lines)
    return (
        parse_readings_csv(hourly_text, "office-2023.csv", LOAD_ZONE),
        parse_readings_csv(quarter_text, "office-2023-15min.csv", LOAD_ZONE),
    )


def check_bills(bills: list[Any], readings: Readings) -> None:
    assert len(bills) == 12
    assert sum(b.energy_kwh for b in bills) == readings.total()
    for bill in bills:
        assert bill.total == sum(line.amount for line in bill.lines)
        energy = [line for line in bill.lines if line.kind == "energy"]
        assert sum(line.quantity for line in energy) == bill.energy_kwh


@pytest.mark.parametrize("name", sorted(RECORDS))
def test_real_record(name: str, office_2023: tuple[Readings, Readings]) -> None:
    path = DATA / name
    refused = RECORDS[name]
    if refused is not None:
        with pytest.raises(UnsupportedFeatureError) as caught:
            load_urdb_tariff(path, timezone=LOAD_ZONE)
        assert caught.value.feature == refused
        assert caught.value.where == str(path)
        assert_deliberate(refused)
        return
    hourly_load, quarter_load = office_2023
    # The records ended before 2023: priced past their enddate, declared.
    if load_urdb_tariff(path, timezone=LOAD_ZONE).withdrawn is not None:
        with pytest.raises(TariffFileError, match=r"it is withdrawn from"):
            price(load_urdb_tariff(path, timezone=LOAD_ZONE), hourly_load)
    tariff = load_urdb_tariff(path, timezone=LOAD_ZONE, past_enddate=True)
    if name in BILLS_DEMAND:
        with pytest.raises(ReadingsError, match=r"cannot give"):
            price(tariff, hourly_load)
        readings = quarter_load
    else:
        readings = hourly_load
    if name in BILLS_REACTIVE:
        with pytest.raises(ReadingsError, match=r"needs reactive readings: .* no kvarh column"):
            price(tariff, readings)
        # A power factor of 1/√2 in every interval: kvarh = kWh, so that the maximum
        # reactive demand of a month [kvar] is its maximum demand [kW].
        readings = dataclasses.replace(readings, kvarh=list(readings.kwh))
    bills = price(tariff, readings)
    check_bills(bills, readings)
    if name in BILLS_REACTIVE:
        for bill in bills:
            by_code = {line.code: line for line in bill.lines}
            assert by_code["reactive"].unit == "kvar"
            assert by_code["reactive"].quantity == by_code["demand.flat"].quantity
    # The YAML table loads to the same tariff and prices the same bills.
    data = parse_urdb(path.read_text(encoding="utf-8"), str(path))
    text = urdb_to_yaml(data, timezone=LOAD_ZONE, source=str(path), past_enddate=True)
    from_yaml = parse_tariff(text)
    assert from_yaml == tariff
    assert price(from_yaml, readings) == bills


def test_attribute_refusals_are_the_records_with_unpriced_attributes() -> None:
    attributes = {"energyattrs", "demandattrs", "fixedattrs"}
    assert sorted(WITH_UNPRICED) == sorted(n for n, f in RECORDS.items() if f in attributes)


@pytest.mark.parametrize("name", sorted(WITH_UNPRICED))
def test_real_record_with_unpriced_attributes(
    name: str, office_2023: tuple[Readings, Readings]
) -> None:
    path = DATA / name
    refused = WITH_UNPRICED[name]
    if refused is not None:
        with pytest.raises(UnsupportedFeatureError) as caught:
            load_urdb_tariff(path, timezone=LOAD_ZONE, unpriced_attributes=True)
        assert caught.value.feature == refused
        assert_deliberate(refused)
        return
    tariff = load_urdb_tariff(path, timezone=LOAD_ZONE, past_enddate=True, unpriced_attributes=True)
    record = read_urdb(path)
    # Each entry of the attribute fields that is not a period label is listed.
    written = [
        (key, " ".join(str(k).split()))
        for key in ("energyattrs", "demandattrs", "fixedattrs")
        for entry in record.get(key) or []
        for k in entry
        if not str(k).upper().startswith("TOU-")
    ]
    assert [tuple(text.split(": ")[:2]) for text in tariff.unpriced] == written
    _, quarter_load = office_2023
    # A record with coincident demand (PECO's) is priced at one declared peak a month.
    coincident = any(
        getattr(charge, "measured_at", None) == "coincident_peaks"
        for version in tariff.versions.values()
        for charge in version.charges
    )
    peaks = [CoincidentPeak(start=f"2023-{month:02d}-15T17:00") for month in range(1, 13)]
    bills = price(tariff, quarter_load, coincident_peaks=peaks if coincident else ())
    check_bills(bills, quarter_load)
    for bill in bills:
        notes = [w.removeprefix("not priced: ") for w in bill.warnings if "not priced" in w]
        assert notes == list(tariff.unpriced)
    data = parse_urdb(path.read_text(encoding="utf-8"), str(path))
    text = urdb_to_yaml(
        data, timezone=LOAD_ZONE, source=str(path), past_enddate=True, unpriced_attributes=True
    )
    assert parse_tariff(text) == tariff


#: Every record that converts to a table: the real ones and OpenStudio-HPXML's samples.
CONVERTED = [name for name, refused in sorted(RECORDS.items()) if refused is None] + sorted(
    f"openstudio_hpxml/{path.name}" for path in (DATA / "openstudio_hpxml").glob("*.json")
)


@pytest.mark.parametrize("name", CONVERTED)
def test_yaml_file_loads_to_an_equal_tariff(name: str, tmp_path: Path) -> None:
    path = DATA / name
    tariff = load_urdb_tariff(path, timezone=LOAD_ZONE)
    data = parse_urdb(path.read_text(encoding="utf-8"), str(path))
    table = tmp_path / f"{tariff.id}.yaml"
    table.write_text(urdb_to_yaml(data, timezone=LOAD_ZONE, source=str(path)), encoding="utf-8")
    assert table.read_text(encoding="utf-8").startswith(
        f"# Tariff table converted from the URDB rate record in {path.name}.\n"
    )
    assert load_tariff(table).model_dump() == tariff.model_dump()


def test_fpl_rs1_priced_by_hand(office_2023: tuple[Readings, Readings]) -> None:
    """FPL RS-1: 1000 kWh at 0.07531 + 0.0119, the rest at 0.09613 + 0.0119, 7.57 a month."""
    tariff = load_urdb_tariff(
        DATA / "fpl_rs1_residential_5550d6fd5457a3187e8b4567.json",
        timezone=LOAD_ZONE,
        past_enddate=True,  # the record ends 2015-08-30; the load is of 2023
    )
    with (DATA / "loads" / "commercial_bdg2_fox_office_brandy_hourly_kwh.csv").open() as file:
        monthly = [D(0)] * 12
        for row in csv.DictReader(file):
            if row["timestamp_source"].startswith("2017-"):
                monthly[int(row["timestamp_source"][5:7]) - 1] += D(row["kwh"])
    cent = D("0.01")
    expected = [
        (D(1000) * D("0.08721")).quantize(cent, ROUND_HALF_UP)
        + ((kwh - 1000) * D("0.10803")).quantize(cent, ROUND_HALF_UP)
        + D("7.57")
        for kwh in monthly
    ]
    bills = price(tariff, office_2023[0])
    assert [b.total for b in bills] == expected


def test_one_demand_period_without_schedules_is_the_month_maximum() -> None:
    data = record(demandratestructure=[[{"rate": D("5.5")}]], demandrateunit="kW")
    version = only_version(tariff_of(data))
    assert version.demand_periods is None
    (charge,) = [c for c in version.charges if c.kind == "demand"]
    assert charge.price_per_kw == D("5.5") and charge.prices is None


def test_seasons_follow_the_demand_schedule_too() -> None:
    afternoon = [0] * 15 + [1] * 5 + [0] * 4
    weekday = [afternoon if 5 <= m <= 8 else [0] * 24 for m in range(12)]
    data = record(
        demandratestructure=[[{"rate": 0}], [{"rate": D("8.4")}]],
        demandweekdayschedule=weekday,
        demandweekendschedule=FLAT,
    )
    version = only_version(tariff_of(data))
    assert version.periods is None  # energy is flat
    assert {name: season.months for name, season in version.seasons.items()} == {
        "jan_feb_mar_apr_may_oct_nov_dec": [1, 2, 3, 4, 5, 10, 11, 12],
        "jun_jul_aug_sep": [6, 7, 8, 9],
    }


def test_import_urdb_reads_the_file_as_a_urdb_tariff_is_read(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """One reader of URDB files: a byte order mark is allowed by both, and both refuse a
    missing file with the same words."""
    from tariffs.cli import main

    record = (DATA / "fpl_rs1_residential_5550d6fd5457a3187e8b4567.json").read_bytes()
    with_mark = tmp_path / "marked.json"
    with_mark.write_bytes(b"\xef\xbb\xbf" + record)
    assert main(["import-urdb", str(with_mark), "--timezone", "America/New_York"]) == 0
    imported = capsys.readouterr().out
    assert imported.startswith("#") and "urdb-5550d6fd5457a3187e8b4567" in imported
    assert load_tariff(with_mark, timezone="America/New_York").id == (
        "urdb-5550d6fd5457a3187e8b4567"
    )
    missing = tmp_path / "missing.json"
    assert main(["import-urdb", str(missing), "--timezone", "UTC"]) == 1
    assert capsys.readouterr().err == f"tariffs: error: {missing}: no such tariff file\n"


# -- where a refused or malformed field is written ---------------------------------------------

# An envelope on 7 lines: the record's fields start at column 5.
ENVELOPE = """\
{"items": [
  {
    "label": "abc",
    "energyratestructure": [[{"rate": 0.10, "sell": -0.05}]],
    "energyweekdayschedule": SCHEDULE,
    "energyweekendschedule": SCHEDULE,
    "demandwindow": 7
  }
]}
""".replace("SCHEDULE", json.dumps(FLAT))


def test_a_refused_field_names_its_line_and_column(tmp_path: Path) -> None:
    path = tmp_path / "rate.json"
    path.write_text(ENVELOPE, encoding="utf-8")
    with pytest.raises(UnsupportedFeatureError) as caught:
        load_urdb_tariff(path, timezone="UTC")
    error = caught.value
    # Line 4: '    "energyratestructure": [[{"rate": 0.10, "sell": ' is 52 characters.
    assert (error.feature, error.where, error.line, error.column) == (
        "energyratestructure[0][0].sell",
        str(path),
        4,
        53,
    )
    assert str(error).startswith(f"{path}:4:53: energyratestructure[0][0].sell: not supported")
    # The location survives a process pool's pickling.
    again = pickle.loads(pickle.dumps(error))  # noqa: S301 - the test's own object
    assert (again.feature, again.where, again.line, again.column, str(again)) == (
        error.feature,
        error.where,
        4,
        53,
        str(error),
    )


def test_a_malformed_field_names_its_line_and_column_in_both_readers(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from tariffs.cli import main

    path = tmp_path / "rate.json"
    path.write_text(ENVELOPE.replace(', "sell": -0.05', ""), encoding="utf-8")
    # Line 7: '    "demandwindow": ' is 20 characters; the window 7 is refused by name.
    with pytest.raises(UnsupportedFeatureError, match=r"rate\.json:7:21: demandwindow: "):
        load_urdb_tariff(path, timezone="UTC")
    assert main(["import-urdb", str(path), "--timezone", "UTC"]) == 1
    assert capsys.readouterr().err.startswith(f"tariffs: error: {path}:7:21: demandwindow: ")
    # A period index without a structure: the first hour of the weekday schedule, line 5,
    # after '    "energyweekdayschedule": [[' (31 characters).
    path.write_text(
        ENVELOPE.replace(', "sell": -0.05', "")
        .replace('"demandwindow": 7', '"demandwindow": 15')
        .replace('"energyweekdayschedule": [[0', '"energyweekdayschedule": [[3'),
        encoding="utf-8",
    )
    with pytest.raises(TariffFileError, match=r"rate\.json:5:32: energyweekdayschedule\[0\]\[0\]"):
        load_urdb_tariff(path, timezone="UTC")


def test_a_record_inside_a_json_string_is_not_located_in_the_file() -> None:
    # The record's lines are those of the string, not of the file: the error says where
    # the string is, and where in it the problem is.
    text = json.dumps('{"label": "x",\n "rate": 1e400}')
    with pytest.raises(
        TariffFileError,
        match=r"^rate\.json:1:1: in the JSON string the file holds \(at its line 2, column 10\): "
        r"rate: the number 1e400 is too large",
    ):
        parse_urdb(text, SOURCE)


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        (
            "energyweekdayschedule",
            [["1e999999999"] + [0] * 23] + [[0] * 24] * 11,
            r"energyweekdayschedule\[0\]\[0\]: the number 1e999999999 is too large",
        ),
        (
            "fixedmonthlycharge",
            " 1e-400 ",
            r"fixedmonthlycharge: the number 1e-400 has 400 decimal",
        ),
    ],
    ids=["schedule", "fixed_charge"],
)
def test_numbers_written_as_text_have_the_limits_of_json_numbers(
    field: str, value: Any, message: str
) -> None:
    # Converted to an integer, 1e999999999 would take a billion digits.
    with pytest.raises(TariffFileError, match=rf"^rate\.json: {message}"):
        urdb_to_tariff_data(record(**{field: value}), timezone="UTC", source=SOURCE)


def test_rate_plus_adjustment_is_added_exactly() -> None:
    # The largest numbers of a table: 24 digits before the point, 18 after; the sum has 42
    # digits, more than the 28 of Python's default arithmetic.
    rate, adjustment = "9" * 24, "0." + "0" * 17 + "1"
    tier = {"rate": D(rate), "adj": D(adjustment)}
    data = urdb_to_tariff_data(record(energyratestructure=[[tier]]), timezone="UTC", source=SOURCE)
    price = data["versions"]["1970-01-01"]["charges"][0]["price_per_kwh"]
    assert str(price) == "9" * 24 + "." + "0" * 17 + "1"


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        (
            {"energyratestructure": [[{"rate": D("1e300"), "adj": D("0.05")}]]},
            r"energyratestructure\[0\]\[0\]\.rate: 1E\+300 is too large: at most 24 digits",
        ),
        (
            {"energyratestructure": [[{"rate": D("0.1"), "adj": D("1e-30")}]]},
            r"energyratestructure\[0\]\[0\]\.adj: 1E-30 has 30 decimal places; at most 18",
        ),
        ({"fixedmonthlycharge": D("1e30")}, r"fixedmonthlycharge: 1E\+30 is too large"),
        ({"mincharge": 10**25, "minchargeunits": "$/month"}, r"mincharge: 10{25} is too large"),
    ],
    ids=["rate", "adj", "fixed", "minimum"],
)
def test_prices_and_amounts_beyond_a_tables_numbers_are_refused_at_their_field(
    fields: dict[str, Any], message: str
) -> None:
    # Beyond 24 digits before the point or 18 after, refused where the record writes
    # them (a rate of 1e300 plus an adjustment was a decimal.Inexact traceback).
    with pytest.raises(TariffFileError, match=rf"^rate\.json: {message}"):
        urdb_to_tariff_data(record(**fields), timezone="UTC", source=SOURCE)


def test_an_invalid_converted_table_names_the_table_path_without_pydantic_names() -> None:
    # A tier bound of 1e30 kWh (below the no-bound mark 1e37) is beyond a table's numbers.
    structure = [[{"rate": D("0.1"), "max": D("1e30")}, {"rate": D("0.2")}]]
    data = urdb_to_tariff_data(record(energyratestructure=structure), timezone="UTC", source=SOURCE)
    with pytest.raises(TariffFileError) as caught:
        _validate(data, SOURCE)
    assert str(caught.value) == (
        "rate.json: versions.1970-01-01.charges[0].tiers.bounds_kwh[0]: the converted table is "
        "not valid: 1E+30 is too large: at most 24 digits before the point"
    )
