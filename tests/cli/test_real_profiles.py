"""Real load profiles and the Green Button samples, priced with documented options only.

Each file was written by somebody else (see tests/data/urdb/SOURCES.md and
tests/data/greenbutton/SOURCES.md): four load profiles (a London household's half hours
of 2013; NREL's RSF office, hour-ending kW of 2011; the BDG2 office "Fox_office_Brandy",
hourly kWh of 2016 to 2017 with one empty value; OpenStudio-HPXML's simulated Denver
house of 2007) and the four Green Button samples. None of them prices as it is: they are
of other years, name their columns otherwise, or follow another clock. Each is priced
here under a bundled CN tariff and under a URDB record, and the energy billed is
reconciled with a sum of the file worked out here, independently of the engine.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import re
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from tariffs.cli import main

DATA = Path(__file__).parents[1] / "data"
LOADS = DATA / "urdb" / "loads"
URDB = DATA / "urdb"
GREENBUTTON = DATA / "greenbutton"

LONDON = LOADS / "residential_london_lcl_MAC000060_2013_30min_kwh.csv"
RSF = LOADS / "commercial_nrel_rsf_2011_hourly_kw.csv"
BDG2 = LOADS / "commercial_bdg2_fox_office_brandy_hourly_kwh.csv"
HPXML = LOADS / "residential_simulated_openstudio_hpxml_testdata_2007_hourly_kwh.csv"

JACKSON = URDB / "jackson_emc_A_residential_senior_5a0b28045457a3ea2aca608e.json"
PSCO = URDB / "psco_residential_demand_rd_5a679442682bea21e990a0d4.json"
NIPSCO = URDB / "nipsco_rate724_gs_large_5c5afec35457a3130fde39de.json"
GEORGIA = URDB / "georgia_power_tou_gsd10_5d55886c5457a3221535a087.json"
FPL = URDB / "fpl_rs1_residential_5550d6fd5457a3187e8b4567.json"
PYSAM = URDB / "pysam_urdb_rate_539f6a23ec4f024411ec8beb.json"

RSF_LAYOUT = [
    "--columns",
    "end=timestamp_source,kwh=total_building_kw",
    "--units",
    "kwh=kW",
    "--ignore-columns",
    "pv_kw,building_net_kw",
]
HPXML_LAYOUT = [
    "--columns",
    "start=timestamp_start",
    "--ignore-columns",
    "pv_1kw_kwh,pv_10kw_kwh,source_label",
]


def price_json(argv: list[str], capsys: pytest.CaptureFixture[str]) -> list[dict[str, object]]:
    code = main(["price", *argv, "--format", "json"])
    out, err = capsys.readouterr()
    assert (code, err) == (0, ""), err
    bills: list[dict[str, object]] = json.loads(out)["bills"]
    return bills


def column_sum(path: Path, column: str, keep: object = None) -> Decimal:
    """The exact sum of a CSV column, over the rows whose first cell ``keep`` accepts."""
    total = Decimal(0)
    with path.open(encoding="utf-8", newline="") as file:
        for row in csv.DictReader(file):
            stamp = next(iter(row.values()))
            if row[column] and (keep is None or keep(stamp)):  # type: ignore[operator]
                total += Decimal(row[column])
    return total


def billed_kwh(bills: list[dict[str, object]]) -> Decimal:
    return sum((Decimal(str(bill["energy_kwh"])) for bill in bills), Decimal(0))


def lines_add_up(bills: list[dict[str, object]]) -> bool:
    return all(
        sum((Decimal(line["amount"]) for line in bill["lines"]), Decimal(0))  # type: ignore[attr-defined]
        == Decimal(str(bill["total"]))
        for bill in bills
    )


# -- the four load profiles ----------------------------------------------------------------


def test_london_2013_is_refused_as_it_is_and_priced_with_its_layout_and_year(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code = main(["price", str(LONDON), "--tariff", "cn-sh-residential"])
    _, err = capsys.readouterr()
    assert code == 1
    assert f"{LONDON}:1: unknown column 'timestamp_source'" in err
    argv = [str(LONDON), "--columns", "start=timestamp_source", "--as-year", "2025"]
    argv += ["--align", "date"]
    bills = price_json([*argv, "--tariff", "cn-sh-residential"], capsys)
    assert len(bills) == 12
    year = column_sum(LONDON, "kwh")
    assert year.quantize(Decimal("0.1")) == Decimal("3870.6")  # as SOURCES.md says
    assert billed_kwh(bills) == year
    # By hand: Shanghai's annual tiers (0.617 to 3,120 kWh, then 0.667 to 4,800), each
    # month's kWh being the same month of 2013 (dates kept), rounded per tier line.
    before = Decimal(0)
    for month, bill in enumerate(bills, start=1):
        kwh = column_sum(LONDON, "kwh", lambda stamp, m=month: stamp[5:7] == f"{m:02d}")
        first = max(Decimal(0), min(kwh, Decimal(3120) - before))
        amount = (first * Decimal("0.617")).quantize(Decimal("0.01"), ROUND_HALF_UP)
        if kwh > first:
            second = (kwh - first) * Decimal("0.667")
            amount += second.quantize(Decimal("0.01"), ROUND_HALF_UP)
        assert Decimal(str(bill["total"])) == amount, month
        before += kwh
    assert bills[0]["warnings"] == [
        "readings columns: start from 'timestamp_source'",
        "readings re-dated from 2013 to 2025, month and day kept",
    ]
    # Under a URDB record (no enddate) on a clock without changes, weekdays kept.
    argv = [str(LONDON), "--columns", "start=timestamp_source", "--as-year", "2025"]
    bills = price_json([*argv, "--tariff", str(JACKSON), "--timezone", "UTC"], capsys)
    assert len(bills) == 12
    assert billed_kwh(bills) == year
    assert lines_add_up(bills)


def rsf_january(stamp: str) -> bool:
    """Hour-ending stamps of January 2011: from 01-01T01:00 to 02-01T00:00."""
    return "2011-01-01T01:00" <= stamp <= "2011-02-01T00:00"


def test_rsf_hour_ending_kw_under_a_demand_record_by_hand(
    capsys: pytest.CaptureFixture[str],
) -> None:
    argv = [str(RSF), *RSF_LAYOUT, "--as-year", "2025", "--align", "date", "--allow-gaps"]
    argv += ["--tariff", str(NIPSCO), "--timezone", "Etc/GMT+7", "--to", "2025-02-01"]
    code = main(["price", *argv])
    _, err = capsys.readouterr()
    assert code == 1
    assert "(--demand-window readings)" in err
    (bill,) = price_json([*argv, "--demand-window", "readings"], capsys)
    energy = column_sum(RSF, "total_building_kw", rsf_january)  # kW × 1 h
    peak = Decimal(0)
    with RSF.open(encoding="utf-8") as file:
        for row in csv.DictReader(file):
            if rsf_january(row["timestamp_source"]):
                peak = max(peak, Decimal(row["total_building_kw"]))
    assert (energy, peak) == (Decimal(371810), Decimal(1734))
    # By hand, with the record's rates: energy tiers 30,000 kWh at 0.084598, 70,000 at
    # 0.076898, the rest at 0.073348; demand: 50 kW free, the rest at 12.49 $/kW;
    # 954.50 a month.
    amounts = [
        Decimal(30000) * Decimal("0.084598"),
        Decimal(70000) * Decimal("0.076898"),
        (energy - 100000) * Decimal("0.073348"),
        (peak - 50) * Decimal("12.49"),
        Decimal("954.50"),
    ]
    total = sum(a.quantize(Decimal("0.01"), ROUND_HALF_UP) for a in amounts)
    assert Decimal(str(bill["total"])) == total == Decimal("49845.18")
    assert bill["warnings"] == [
        "readings columns: start = the interval end in 'timestamp_source' less 60 min; kwh "
        "from 'total_building_kw', kW averaged over each interval (× 1 to kWh); not read: "
        "pv_kw, building_net_kw",
        "readings re-dated from 2011 to 2025, month and day kept",
        "demand measured over the readings' 60-minute intervals, not the tariff's 15-minute "
        "clock-aligned window (declared: demand window of the readings, a deviation from "
        "the tariff)",
    ]


def test_rsf_under_a_cn_tariff_a_whole_year_rotated(capsys: pytest.CaptureFixture[str]) -> None:
    argv = [str(RSF), *RSF_LAYOUT, "--as-year", "2025", "--allow-gaps"]
    bills = price_json([*argv, "--tariff", "cn-gd-commercial-tou"], capsys)
    assert len(bills) == 12
    assert billed_kwh(bills) == column_sum(RSF, "total_building_kw") == Decimal(2345624)
    # 2011-12-31 23:00-24:00 is not in the file; rotated four days, it is a gap at the
    # end of 2025-12-27, and the December bill says so.
    assert (
        "incomplete readings: 1 interval missing in this period was not billed (gaps "
        "allowed; 2025-12-27T23:00 to 2025-12-28T00:00)"
    ) in bills[-1]["warnings"]  # type: ignore[attr-defined]
    assert lines_add_up(bills)


def test_bdg2_office_with_its_empty_value(capsys: pytest.CaptureFixture[str]) -> None:
    argv = [str(BDG2), "--columns", "start=timestamp_source", "--as-year", "2016:2025"]
    code = main(["price", *argv, "--tariff", "cn-gd-commercial-tou"])
    _, err = capsys.readouterr()
    assert code == 1
    # 2016-03-23 16:00 is hour 82 × 24 + 16 = 1,984 of the file (from 0): line 1,986.
    assert f"{BDG2}:1986: kwh is empty" in err and "--allow-gaps" in err
    argv.append("--allow-gaps")
    # 2016 is a leap year: re-dated into 2025 with weekdays kept, its 31 December is
    # left out; the empty value of 2016-03-23 16:00 is a gap.
    expected = column_sum(BDG2, "kwh", lambda s: s.startswith("2016-")) - column_sum(
        BDG2, "kwh", lambda s: s.startswith("2016-12-31")
    )
    outside = column_sum(BDG2, "kwh", lambda s: s.startswith("2017-"))
    for tariff in (["cn-gd-commercial-tou"], [str(GEORGIA), "--timezone", "Etc/GMT+7"]):
        extra = ["--demand-window", "readings"] if tariff[0] == str(GEORGIA) else []
        bills = price_json([*argv, *extra, "--tariff", *tariff], capsys)
        assert len(bills) == 12
        assert billed_kwh(bills) == expected
        assert lines_add_up(bills)
        warnings = bills[0]["warnings"]
        assert any(str(w).startswith("2016-12-31 was left out: 24 readings") for w in warnings)  # type: ignore[attr-defined]
        assert f"8760 readings outside 2016 were not used ({outside:.3f} kWh)" in warnings  # type: ignore[operator]


def test_openstudio_hpxml_house_of_2007(capsys: pytest.CaptureFixture[str]) -> None:
    argv = [str(HPXML), *HPXML_LAYOUT, "--as-year", "2025"]
    year = column_sum(HPXML, "kwh")
    assert year.quantize(Decimal("0.1")) == Decimal("5289.1")  # as SOURCES.md says
    for tariff in (
        ["cn-sh-residential-tou"],
        [str(PSCO), "--timezone", "Etc/GMT+7", "--demand-window", "readings"],
    ):
        bills = price_json([*argv, "--tariff", *tariff], capsys)
        assert len(bills) == 12
        assert billed_kwh(bills) == year
        assert lines_add_up(bills)
        assert bills[0]["warnings"][:2] == [  # type: ignore[index]
            "readings columns: start from 'timestamp_start'; not read: pv_1kw_kwh, "
            "pv_10kw_kwh, source_label",
            "readings re-dated from 2007 to 2025, weekdays kept: each day moved 2 days "
            "earlier in the year (2007-01-03 is 2025-01-01)",
        ]


# -- the Green Button samples --------------------------------------------------------------


def expected_parse(name: str) -> list[tuple[int, Decimal]]:
    """Another project's parse of a sample: (UTC start, Wh) per reading.

    Its lines read ``2013-01-01 05:00:00+00:00, 1 day, 0:00:00: 21021 Wh($2.56347)``.
    """
    rows = []
    text = (GREENBUTTON / "expected_parse" / f"{name}.txt").read_text(encoding="utf-8")
    for line in text.splitlines():
        match = re.fullmatch(r"\s*(\S+ \S+), .*: (\d+) Wh.*", line)
        if match is not None:
            start = dt.datetime.fromisoformat(match.group(1))
            rows.append((int(start.timestamp()), Decimal(match.group(2))))
    return rows


def test_inland_household_of_2011_on_its_own_clock(capsys: pytest.CaptureFixture[str]) -> None:
    path = GREENBUTTON / "Inland_Single_Family_Jan_1_2011_to_Jan_1_2012_RetailCustomer_9.xml"
    # Its hours start at 08:00 UTC, local midnight on Pacific standard time.
    argv = [str(path), "--as-year", "2025"]
    cn = price_json(
        [*argv, "--wall-clock", "Etc/GMT+8", "--tariff", "cn-sh-residential-tou"], capsys
    )
    us = price_json(
        [*argv, "--timezone", "Etc/GMT+8", "--past-enddate", "--tariff", str(FPL)], capsys
    )
    for bills in (cn, us):
        assert len(bills) == 12
        assert billed_kwh(bills) == Decimal("8343.306")  # 8,343,306 Wh, as SOURCES.md says
        assert lines_add_up(bills)
    assert cn[0]["warnings"][0] == (  # type: ignore[index]
        "readings moved from the wall clock of Etc/GMT+8 to that of Asia/Shanghai: each "
        "interval keeps its local date and time"
    )


def test_nine_hourly_days_of_2014(capsys: pytest.CaptureFixture[str]) -> None:
    path = GREENBUTTON / "TestGBDataHourlyNineDaysBinnedDaily.xml"
    argv = [str(path), "--as-year", "2025"]
    for tariff in (
        ["cn-zj-residential-tou"],
        [str(GEORGIA), "--timezone", "Etc/GMT+5", "--demand-window", "readings"],
    ):
        (bill,) = price_json([*argv, "--tariff", *tariff], capsys)
        assert billed_kwh([bill]) == Decimal("199.563")  # 199,563 Wh
        assert lines_add_up([bill])


def test_daily_readings_that_follow_local_days(capsys: pytest.CaptureFixture[str]) -> None:
    path = GREENBUTTON / "TestGBDataOneYearDailyBinnedMonthly.xml"
    code = main(["price", str(path), "--tariff", "cn-sh-residential"])
    _, err = capsys.readouterr()
    assert code == 1 and "intervals of different lengths: 86400 and 82800 s" in err
    # Days of 2013 on New York's clock, by the other project's parse of the file.
    zone = ZoneInfo("America/New_York")
    days = [
        (start, wh)
        for start, wh in expected_parse("TestGBDataOneYearDailyBinnedMonthly")
        if dt.datetime.fromtimestamp(start, zone).year == 2013
    ]
    assert len(days) == 365
    expected = sum((wh for _, wh in days), Decimal(0)) / 1000
    argv = [str(path), "--wall-clock", "America/New_York", "--as-year", "2013:2025"]
    for tariff in (
        ["cn-sh-residential"],
        [str(FPL), "--timezone", "Etc/GMT+5", "--past-enddate"],
    ):
        bills = price_json([*argv, "--tariff", *tariff], capsys)
        assert len(bills) == 12
        assert billed_kwh(bills) == expected
        assert lines_add_up(bills)


def test_two_blocks_with_a_gap_between(capsys: pytest.CaptureFixture[str]) -> None:
    path = GREENBUTTON / "electric_containerized_abridged.xml"
    argv = [str(path), "--allow-gaps", "--as-year", "2025", "--align", "date"]
    for tariff in (
        ["cn-bj-residential"],
        [str(PYSAM), "--timezone", "Etc/GMT+8", "--demand-window", "readings"],
    ):
        (bill,) = price_json([*argv, "--tariff", *tariff], capsys)
        assert billed_kwh([bill]) == Decimal("4.086")  # 4,086 Wh
        assert lines_add_up([bill])
        assert any("gap" in str(w) for w in bill["warnings"])  # type: ignore[attr-defined]
