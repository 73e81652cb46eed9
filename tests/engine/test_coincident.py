"""Demand measured at declared coincident peaks (``measured_at: coincident_peaks``)."""

from __future__ import annotations

import datetime as dt
import json
import textwrap
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tariffs import AccountError, Bill, ReadingsError, parse_tariff, price
from tariffs.cli import main
from tariffs.engine.coincident import resolve_peaks
from tariffs.model.account import Account, CoincidentPeak
from tariffs.model.readings import Readings

HOUSTON = ZoneInfo("America/Chicago")

BODY = """\
versions:
  "2025-01-01":
    charges:
      - {kind: energy, price_per_kwh: "0"}
      - kind: demand
        code: demand.cp
        label: Coincident peak demand
        price_per_kw: "5.50"
        measured_at: coincident_peaks
"""


def tariff(body: str = BODY, timezone: str = "America/Chicago") -> object:
    head = f"id: t\nname: Test\ncurrency: USD\ntimezone: {timezone}\nreference: test\n"
    return parse_tariff(head + textwrap.dedent(body), "t.yaml")


def quarter_hours(
    first: dt.date, days: int, kwh: Callable[[dt.datetime], Decimal], zone: ZoneInfo = HOUSTON
) -> Readings:
    """15-minute readings from local midnight of ``first``; ``kwh`` of each local start."""
    start = int(dt.datetime(first.year, first.month, first.day, tzinfo=zone).timestamp())
    end = start + days * 86400 + 3600 * 2  # past the end; cut at the last local midnight
    last = dt.datetime.combine(first + dt.timedelta(days=days), dt.time(), zone).timestamp()
    starts = list(range(start, min(end, int(last)), 900))
    values = [
        int(kwh(dt.datetime.fromtimestamp(t, zone).replace(tzinfo=None)) * 1000) for t in starts
    ]
    return Readings(source="mem.csv", interval_seconds=900, starts=starts, scale=3, kwh=values)


def july_load(at: dt.datetime) -> Decimal:
    # 25 kWh a quarter hour (100 kW) at noon every day: the customer's own peak. On July 14
    # 16:00-17:00 (the declared system peak) the quarters are 10, 12, 14 and 11 kWh.
    if at.hour == 12:
        return Decimal(25)
    if at.date() == dt.date(2025, 7, 14) and at.hour == 16:
        return Decimal([10, 12, 14, 11][at.minute // 15])
    return Decimal(2)


def cp_line(bill: Bill) -> tuple[Decimal | None, Decimal | None, Decimal]:
    (line,) = [line for line in bill.lines if line.code == "demand.cp"]
    return line.quantity, line.rate, line.amount


def test_demand_is_measured_only_in_the_declared_interval() -> None:
    account = Account(account_id="A", coincident_peaks=["2025-07-14T16:00"])
    (bill,) = price(tariff(), quarter_hours(dt.date(2025, 7, 1), 31, july_load), account)
    # The highest quarter hour inside 16:00-17:00 is 14 kWh = 56 kW; the noon peak of
    # 100 kW is outside it. 56 kW × 5.50 = 308.00.
    assert cp_line(bill) == (Decimal(56), Decimal("5.50"), Decimal("308.00"))


def test_the_run_declares_peaks_besides_the_account() -> None:
    # The run's 15-minute peak at 16:30 (14 kWh = 56 kW), next to the account's 12:00 one
    # on July 2 (25 kWh = 100 kW): the maximum of both is billed, 100 × 5.50 = 550.00.
    account = Account(
        account_id="A", coincident_peaks=[{"start": "2025-07-02T12:00", "hours": "0.25"}]
    )
    run = [CoincidentPeak(start="2025-07-14T16:30", hours=Decimal("0.25"))]
    readings = quarter_hours(dt.date(2025, 7, 1), 31, july_load)
    (bill,) = price(tariff(), readings, account, coincident_peaks=run)
    assert cp_line(bill) == (Decimal(100), Decimal("5.50"), Decimal("550.00"))
    (alone,) = price(tariff(), readings, coincident_peaks=run)
    assert cp_line(alone) == (Decimal(56), Decimal("5.50"), Decimal("308.00"))


def test_a_bill_without_a_declared_peak_is_refused() -> None:
    readings = quarter_hours(dt.date(2025, 7, 1), 62, july_load)  # July and August
    account = Account(account_id="A", coincident_peaks=["2025-07-14T16:00"])
    with pytest.raises(
        AccountError,
        match=r"no coincident-peak interval is declared in the bill 2025-08-01 to 2025-08-31: "
        r"the system's peak hours are what is missing; declare them with "
        r"--coincident-peaks FILE.csv",
    ):
        price(tariff(), readings, account)
    with pytest.raises(AccountError, match=r"in the bill 2025-07-01 to 2025-07-31"):
        price(tariff(), readings)


def test_months_limit_the_charge_and_its_need_of_peaks() -> None:
    body = BODY + "        months: [7]\n"
    readings = quarter_hours(dt.date(2025, 7, 1), 62, july_load)
    account = Account(account_id="A", coincident_peaks=["2025-07-14T16:00"])
    july, august = price(tariff(body), readings, account)
    assert cp_line(july) == (Decimal(56), Decimal("5.50"), Decimal("308.00"))
    assert [line.code for line in august.lines] == ["energy"]


def test_readings_that_miss_part_of_a_peak_are_refused() -> None:
    full = quarter_hours(dt.date(2025, 7, 1), 31, july_load)
    cut = full.starts.index(int(dt.datetime(2025, 7, 14, 16, 30, tzinfo=HOUSTON).timestamp()))
    gap = (full.starts[cut], full.starts[cut] + 900)
    holed = Readings(
        source="mem.csv",
        interval_seconds=900,
        starts=full.starts[:cut] + full.starts[cut + 1 :],
        scale=3,
        kwh=full.kwh[:cut] + full.kwh[cut + 1 :],
        gaps=(gap,),
    )
    account = Account(account_id="A", coincident_peaks=["2025-07-14T16:00"])
    with pytest.raises(
        ReadingsError, match=r"do not cover the coincident peak at 2025-07-14T21:00 UTC \(3 of 4"
    ):
        price(tariff(), holed, account)


def test_a_peak_off_the_demand_windows_is_refused() -> None:
    account = Account(account_id="A", coincident_peaks=["2025-07-14T16:05"])
    with pytest.raises(ReadingsError, match=r"not a whole number of 15-minute demand windows"):
        price(tariff(), quarter_hours(dt.date(2025, 7, 1), 31, july_load), account)


def test_sixty_minute_window_inside_a_peak_of_one_hour() -> None:
    body = BODY.replace('"2025-01-01":\n', '"2025-01-01":\n    demand_window: {minutes: 60}\n')
    account = Account(account_id="A", coincident_peaks=["2025-07-14T16:00"])
    (bill,) = price(tariff(body), quarter_hours(dt.date(2025, 7, 1), 31, july_load), account)
    # The hour's kWh, 10 + 12 + 14 + 11 = 47 kWh over 60 min = 47 kW; 47 × 5.50 = 258.50.
    assert cp_line(bill) == (Decimal(47), Decimal("5.50"), Decimal("258.50"))


def test_local_starts_that_do_not_exist_or_repeat_are_refused() -> None:
    spring = CoincidentPeak(start="2025-03-09T02:30")
    fall = CoincidentPeak(start="2025-11-02T01:30")
    with pytest.raises(AccountError, match=r"2025-03-09T02:30 does not exist in America/Chicago"):
        resolve_peaks([spring], "America/Chicago")
    with pytest.raises(AccountError, match=r"2025-11-02T01:30 is ambiguous in America/Chicago"):
        resolve_peaks([fall], "America/Chicago")
    # With its offset the repeated hour is one instant: 01:30 CST = 07:30 UTC.
    (peak,) = resolve_peaks([CoincidentPeak(start="2025-11-02T01:30-06:00")], "America/Chicago")
    assert peak.start == int(dt.datetime(2025, 11, 2, 7, 30, tzinfo=dt.UTC).timestamp())


def test_overlapping_peaks_are_refused() -> None:
    peaks = [CoincidentPeak(start="2025-07-14T16:00"), CoincidentPeak(start="2025-07-14T16:30")]
    with pytest.raises(AccountError, match=r"2025-07-14T16:00 and 2025-07-14T16:30 overlap"):
        resolve_peaks(peaks, "America/Chicago")


@pytest.mark.parametrize(
    ("peak", "message"),
    [
        ({"start": "2025-07-14"}, r"not a date and time"),
        ({"start": "2025-07-14T16:00:30"}, r"starts on a whole minute"),
        ({"start": "2025-07-14T16:00", "hours": "0"}, r"whole number of minutes above 0"),
        ({"start": "2025-07-14T16:00", "hours": "0.001"}, r"whole number of minutes above 0"),
    ],
)
def test_bad_declarations_are_refused(peak: dict[str, str], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        Account(account_id="A", coincident_peaks=[peak])


def test_measured_at_goes_with_one_price() -> None:
    body = """\
    versions:
      "2025-01-01":
        periods:
          - windows: {peak: ["12:00-18:00"], other: ["18:00-12:00"]}
        charges:
          - kind: demand
            prices: {peak: "10", other: "1"}
            measured_at: coincident_peaks
    """
    with pytest.raises(Exception, match=r"measured_at: coincident_peaks goes with price_per_kw"):
        tariff(body)


@given(
    loads=st.lists(st.integers(0, 40), min_size=96, max_size=96),
    hour=st.integers(0, 23),
)
def test_coincident_demand_is_at_most_the_month_maximum(loads: list[int], hour: int) -> None:
    # The law: demand inside some intervals never exceeds the maximum over all of them.
    body = BODY + '      - {kind: demand, code: demand.max, price_per_kw: "1"}\n'
    readings = quarter_hours(
        dt.date(2025, 7, 1), 1, lambda at: Decimal(loads[at.hour * 4 + at.minute // 15])
    )
    account = Account(account_id="A", coincident_peaks=[f"2025-07-01T{hour:02d}:00"])
    (bill,) = price(tariff(body), readings, account)
    got = {line.code: line.quantity for line in bill.lines}
    assert got["demand.cp"] == Decimal(max(loads[hour * 4 : hour * 4 + 4]) * 4)
    assert got["demand.cp"] <= got["demand.max"]  # type: ignore[operator]


CP_TABLE = """\
id: {id}
name: Test
currency: USD
timezone: America/Chicago
reference: test
versions:
  "2025-01-01":
    charges:
      - {{kind: energy, price_per_kwh: "0"}}
      - {{kind: demand, code: demand.cp, price_per_kw: "{price}"{extra}}}
"""


def test_price_and_compare_read_the_declared_peaks_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    readings = quarter_hours(dt.date(2025, 7, 1), 31, july_load)
    rows = [
        f"{dt.datetime.fromtimestamp(t, HOUSTON).strftime('%Y-%m-%dT%H:%M')},"
        f"{Decimal(kwh).scaleb(-3)}"
        for t, kwh in zip(readings.starts, readings.kwh, strict=True)
    ]
    (tmp_path / "r.csv").write_text("start,kwh\n" + "\n".join(rows) + "\n", encoding="utf-8")
    (tmp_path / "cp.yaml").write_text(
        CP_TABLE.format(id="cp", price="5.50", extra=", measured_at: coincident_peaks"),
        encoding="utf-8",
    )
    (tmp_path / "flat.yaml").write_text(
        CP_TABLE.format(id="flat", price="4", extra=""), encoding="utf-8"
    )
    (tmp_path / "peaks.csv").write_text("start,hours\n2025-07-14T16:00,1\n", encoding="utf-8")
    base = [str(tmp_path / "r.csv"), "--format", "json", "--coincident-peaks"]
    argv = ["price", *base, str(tmp_path / "peaks.csv"), "--tariff", str(tmp_path / "cp.yaml")]
    assert main(argv) == 0
    (bill,) = json.loads(capsys.readouterr().out)["bills"]
    # 56 kW at the declared peak × 5.50 = 308.00.
    assert bill["total"] == "308.00"
    argv = ["compare", *base, str(tmp_path / "peaks.csv")]
    argv += ["--tariff", str(tmp_path / "cp.yaml"), "--tariff", str(tmp_path / "flat.yaml")]
    assert main(argv) == 0
    results = json.loads(capsys.readouterr().out)["results"]
    # flat: the month's 100 kW at noon × 4 = 400.00; cp 308.00 is cheaper.
    assert [(r["tariff"], r["total"]) for r in results] == [("cp", "308.00"), ("flat", "400.00")]
    # A batch and a portfolio take the run's peaks for every account.
    readings_dir = tmp_path / "readings"
    readings_dir.mkdir()
    (readings_dir / "A1.csv").write_text((tmp_path / "r.csv").read_text(), encoding="utf-8")
    accounts = tmp_path / "accounts.csv"
    accounts.write_text(f"account_id,tariff\nA1,{tmp_path / 'cp.yaml'}\n", encoding="utf-8")
    peaks = ["--coincident-peaks", str(tmp_path / "peaks.csv"), "--workers", "1"]
    batch = ["batch", "--accounts", str(accounts), "--readings-dir", str(readings_dir)]
    assert main([*batch, "--format", "jsonl", *peaks]) == 0
    (line,) = capsys.readouterr().out.splitlines()
    assert json.loads(line)["total"] == "308.00"
    accounts.write_text("account_id,class\nA1,x\n", encoding="utf-8")
    portfolio = ["portfolio", "--accounts", str(accounts), "--readings-dir", str(readings_dir)]
    portfolio += ["--current", str(tmp_path / "flat.yaml"), "--proposed", str(tmp_path / "cp.yaml")]
    assert main([*portfolio, "--format", "json", *peaks]) == 0
    result = json.loads(capsys.readouterr().out)
    assert (result["current_total"], result["proposed_total"]) == ("400.00", "308.00")


def test_peaks_are_not_read_by_a_tariff_that_does_not_measure_at_them() -> None:
    # The account's peak falls in the hour the clocks skip; a tariff without a coincident
    # charge prices the account all the same. A day: 4 × 25 at noon + 92 × 2 = 284 kWh;
    # 31 days 8804, and July 14 16:00 has 10 + 12 + 14 + 11 = 47 instead of 8: 8843 × 1.
    body = 'versions:\n  "2025-01-01":\n    charges:\n      - {kind: energy, price_per_kwh: "1"}\n'
    account = Account(account_id="A", coincident_peaks=["2025-03-09T02:30"])
    (bill,) = price(tariff(body), quarter_hours(dt.date(2025, 7, 1), 31, july_load), account)
    assert bill.total == Decimal("8843.00")
    with pytest.raises(AccountError, match=r"2025-03-09T02:30 does not exist"):
        price(tariff(), quarter_hours(dt.date(2025, 7, 1), 31, july_load), account)
