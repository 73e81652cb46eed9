"""Prices from a monthly price file (电网代理购电), worked out by hand.

China's industrial and commercial customers outside the market are billed on the grid's
agency purchase price (国家发展改革委办公厅 发改办价格〔2021〕809号), published every
month: the purchase price, the line-loss cost, the transmission and distribution price by
voltage level, the system operation charge and the funds. A ``price_file`` charge reads
them from a CSV by month and voltage level; each component is its own line, and the
components in ``time_of_use`` are billed by period at price × ratio.
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tariffs import price
from tariffs.errors import AccountError, TariffFileError
from tariffs.io.readings.csv_reader import parse_readings_csv
from tariffs.io.tables import load_account, load_tariff, parse_tariff
from tariffs.model.account import Account
from tariffs.model.bill import Bill
from tariffs.model.tariff import Tariff

EXAMPLE = Path(__file__).parents[1] / "examples" / "agency"
CENT = Decimal("0.01")

PERIODS = """    periods:
      - windows:
          valley: ["00:00-08:00"]
          flat: ["08:00-10:00", "12:00-14:00", "19:00-24:00"]
          peak: ["10:00-12:00", "14:00-19:00"]
"""


def table(charge: str, tariff_id: str = "agency") -> str:
    return (
        f"id: {tariff_id}\nname: agency\ncurrency: CNY\ntimezone: Asia/Shanghai\n"
        'reference: written for the tests\nversions:\n  "2025-01-01":\n'
        + PERIODS + "    charges:\n" + charge
    )  # fmt: skip


def month_of_readings(kwh_of_hour: dict[int, str], month: int = 7, days: int = 31) -> str:
    """15-minute readings of 2025-``month``, each interval of hour h giving kwh_of_hour[h]."""
    rows = ["start,kwh"]
    start = dt.datetime(2025, month, 1)
    for quarter in range(days * 96):
        at = start + dt.timedelta(minutes=15 * quarter)
        rows.append(f"{at:%Y-%m-%dT%H:%M},{kwh_of_hour[at.hour]}")
    return "\n".join(rows) + "\n"


def amounts(bill: Bill) -> dict[str, Decimal]:
    return {line.code: line.amount for line in bill.lines}


def test_the_example_factory_is_billed_component_by_component() -> None:
    """The shipped example: a 10 kV factory, 25 kWh every 15 minutes, July and August."""
    tariff = load_tariff(EXAMPLE / "cn-agency-10kv.yaml")
    readings = parse_readings_csv(
        (EXAMPLE / "readings.csv").read_text(encoding="utf-8"), "r.csv", "Asia/Shanghai"
    )
    july, august = price(tariff, readings, load_account(EXAMPLE / "account.yaml"))
    # A day: valley 8 h, flat 9 h, peak 7 h, × 4 intervals × 25 kWh: 800, 900, 700 kWh;
    # July, 31 days: 24800, 27900, 21700 kWh; 74400 kWh in all.
    assert amounts(july) == {
        "energy.purchase.valley": Decimal("3885.52"),  # 24800 × 0.41230 × 0.38 = 3885.5152
        "energy.purchase.flat": Decimal("11503.17"),  # 27900 × 0.41230
        "energy.purchase.peak": Decimal("15209.75"),  # 21700 × 0.41230 × 1.7 = 15209.747
        "energy.line_loss": Decimal("1130.88"),  # 74400 × 0.01520
        "energy.transmission": Decimal("13726.80"),  # 74400 × 0.18450 (10 kV row)
        "energy.system_operation": Decimal("2090.64"),  # 74400 × 0.02810
        "energy.funds": Decimal("2135.28"),  # 74400 × 0.02870
    }
    assert july.total == Decimal("49682.04")
    # August's prices: purchase 0.40180, line loss 0.01480, system operation -0.00350.
    assert amounts(august) == {
        "energy.purchase.valley": Decimal("3786.56"),  # 24800 × 0.40180 × 0.38 = 3786.5632
        "energy.purchase.flat": Decimal("11210.22"),  # 27900 × 0.40180
        "energy.purchase.peak": Decimal("14822.40"),  # 21700 × 0.40180 × 1.7 = 14822.402
        "energy.line_loss": Decimal("1101.12"),  # 74400 × 0.01480
        "energy.transmission": Decimal("13726.80"),  # 74400 × 0.18450
        "energy.system_operation": Decimal("-260.40"),  # 74400 × -0.00350: a refund
        "energy.funds": Decimal("2135.28"),  # 74400 × 0.02870
    }
    assert august.total == Decimal("46521.98")
    rates = {line.code: line.rate for line in august.lines}
    assert rates["energy.purchase.peak"] == Decimal("0.683060")  # 0.40180 × 1.7, exact


def test_a_factory_with_a_daily_shape(tmp_path: Path) -> None:
    """12.5 kWh per quarter hour at night, 30.25 in flat hours, 41.75 in peak hours."""
    shutil_copy(EXAMPLE / "agency-2025.csv", tmp_path / "agency-2025.csv")
    charge = (
        "      - kind: price_file\n        file: agency-2025.csv\n        time_of_use: [purchase]\n"
        '        ratios: {peak: "1.7", flat: "1", valley: "0.38"}\n'
    )
    (tmp_path / "agency.yaml").write_text(table(charge), encoding="utf-8")
    shape = {h: "12.5" for h in range(8)}
    shape.update({h: "30.25" for h in (8, 9, 12, 13, 19, 20, 21, 22, 23)})
    shape.update({h: "41.75" for h in (10, 11, 14, 15, 16, 17, 18)})
    readings = parse_readings_csv(month_of_readings(shape), "r.csv", "Asia/Shanghai")
    (bill,) = price(
        load_tariff(tmp_path / "agency.yaml"), readings, Account(account_id="F", voltage_kv=10)
    )
    # Valley 31 × 32 × 12.5 = 12400 kWh; flat 31 × 36 × 30.25 = 33759; peak 31 × 28 ×
    # 41.75 = 36239; 82398 kWh in all.
    assert bill.energy_kwh == Decimal("82398")
    assert amounts(bill) == {
        "energy.purchase.valley": Decimal("1942.76"),  # 12400 × 0.156674 = 1942.7576
        "energy.purchase.flat": Decimal("13918.84"),  # 33759 × 0.41230 = 13918.8357
        "energy.purchase.peak": Decimal("25400.28"),  # 36239 × 0.700910 = 25400.27749
        "energy.line_loss": Decimal("1252.45"),  # 82398 × 0.01520 = 1252.4496
        "energy.transmission": Decimal("15202.43"),  # 82398 × 0.18450 = 15202.431
        "energy.system_operation": Decimal("2315.38"),  # 82398 × 0.02810 = 2315.3838
        "energy.funds": Decimal("2364.82"),  # 82398 × 0.02870 = 2364.8226
    }
    assert bill.total == Decimal("62396.96")


def shutil_copy(source: Path, target: Path) -> None:
    target.write_bytes(source.read_bytes())


def write_price_file(directory: Path, rows: list[str]) -> None:
    text = "month,voltage_kv,component,price_per_kwh\n" + "\n".join(rows) + "\n"
    (directory / "prices.csv").write_text(text, encoding="utf-8")


@given(
    kwh=st.decimals(min_value=0, max_value=100, places=3),
    component_prices=st.lists(
        st.decimals(min_value=-1, max_value=2, places=5), min_size=1, max_size=5
    ),
)
def test_flat_load_lines_are_kwh_times_each_price(
    tmp_path_factory: pytest.TempPathFactory, kwh: Decimal, component_prices: list[Decimal]
) -> None:
    """A flat load: each component line is kWh × its price; their sum kWh × Σ prices."""
    directory = tmp_path_factory.mktemp("flat")
    names = [f"c{i}" for i in range(len(component_prices))]
    write_price_file(
        directory, [f"2025-07,10,{n},{p}" for n, p in zip(names, component_prices, strict=True)]
    )
    (directory / "t.yaml").write_text(
        table("      - {kind: price_file, file: prices.csv, voltage_kv: 10}\n", "t"),
        encoding="utf-8",
    )
    readings = parse_readings_csv(
        "start,kwh\n" + "".join(f"2025-07-01T{h:02d}:00,{kwh}\n" for h in range(24)),
        "r.csv",
        "Asia/Shanghai",
    )
    (bill,) = price(load_tariff(directory / "t.yaml"), readings)
    total_kwh = kwh * 24
    if not total_kwh:
        assert list(bill.lines) == []
        return
    assert [line.code for line in bill.lines] == [f"energy.{n}" for n in names]
    for line, component_price in zip(bill.lines, component_prices, strict=True):
        assert line.quantity == total_kwh
        assert line.amount == (total_kwh * component_price).quantize(CENT, ROUND_HALF_UP)
    exact = total_kwh * sum(component_prices, Decimal(0))
    assert abs(sum(line.amount for line in bill.lines) - exact) <= CENT / 2 * len(names)


@given(
    flat_price=st.decimals(min_value=0, max_value=2, places=4),
    kwh_of_hour=st.lists(st.integers(min_value=0, max_value=50), min_size=24, max_size=24),
)
def test_time_of_use_ratios_price_like_period_prices(
    tmp_path_factory: pytest.TempPathFactory, flat_price: Decimal, kwh_of_hour: list[int]
) -> None:
    """A file's price × ratios bills as an energy charge with the period prices written."""
    directory = tmp_path_factory.mktemp("tou")
    write_price_file(directory, [f"2025-07,10,purchase,{flat_price}"])
    (directory / "t.yaml").write_text(
        table(
            "      - {kind: price_file, file: prices.csv, voltage_kv: 10, time_of_use: [purchase],"
            ' ratios: {peak: "1.7", flat: "1", valley: "0.38"}}\n',
            "t",
        ),
        encoding="utf-8",
    )
    written = table(
        "      - kind: energy\n        code: energy.purchase\n        prices:\n"
        f'          peak: "{flat_price * Decimal("1.7")}"\n'
        f'          flat: "{flat_price}"\n'
        f'          valley: "{flat_price * Decimal("0.38")}"\n',
        "w",
    )
    readings = parse_readings_csv(
        "start,kwh\n" + "".join(f"2025-07-01T{h:02d}:00,{kwh_of_hour[h]}\n" for h in range(24)),
        "r.csv",
        "Asia/Shanghai",
    )
    (from_file,) = price(load_tariff(directory / "t.yaml"), readings)
    (from_yaml,) = price(parse_tariff(written), readings)
    assert from_file.total == from_yaml.total
    assert sorted(amounts(from_file).values()) == sorted(amounts(from_yaml).values())


def refusal(tmp_path: Path, rows: list[str], charge: str, account: Account | None) -> str:
    write_price_file(tmp_path, rows)
    (tmp_path / "t.yaml").write_text(table(charge, "t"), encoding="utf-8")
    readings = parse_readings_csv(
        "start,kwh\n2025-08-01T00:00,1\n2025-08-01T01:00,1\n", "r.csv", "Asia/Shanghai"
    )
    with pytest.raises((TariffFileError, AccountError)) as caught:
        price(load_tariff(tmp_path / "t.yaml"), readings, account)
    return str(caught.value)


def test_a_month_a_voltage_or_a_voltage_of_the_account_missing_is_refused(
    tmp_path: Path,
) -> None:
    charge = "      - {kind: price_file, file: prices.csv}\n"
    at_10 = Account(account_id="F", voltage_kv=10)
    where = f"{tmp_path / 'prices.csv'}"
    assert refusal(tmp_path, ["2025-07,10,purchase,0.4"], charge, at_10) == (
        f"{where}: has no prices for 2025-08"
    )
    assert refusal(tmp_path, ["2025-08,35,purchase,0.4"], charge, at_10) == (
        f"{where}: has no prices for 2025-08 at 10 kV (levels of 2025-08: 35 kV)"
    )
    assert refusal(tmp_path, ["2025-08,10,purchase,0.4"], charge, Account(account_id="F")) == (
        f"{tmp_path / 't.yaml'}: tariff t prices by voltage level from "
        f"{where} and needs 'voltage_kv', and account F lacks it"
    )


RTP = Path(__file__).parents[1] / "examples" / "rtp"


def test_the_example_day_ahead_prices_from_a_file() -> None:
    """0.75 kWh a quarter hour from 20:00 to 08:00, 1.5 from 08:00 to 20:00; hourly prices."""
    tariff = load_tariff(RTP / "rtp-day-ahead.yaml")
    readings = parse_readings_csv(
        (RTP / "readings.csv").read_text(encoding="utf-8"), "r.csv", "Asia/Shanghai"
    )
    (bill,) = price(tariff, readings)
    # Night hours 0-7 and 20-23: 3 kWh each at Σ prices 1.78 + 1.47 = 3.25, + 12 × 0.03
    # adder = 3.61; × 3 kWh = 10.83. Day hours 8-19: 6 kWh each at Σ prices 6.47 + 0.36 =
    # 6.83; × 6 = 40.98. 51.81 in all, on 12 × 3 + 12 × 6 = 108 kWh.
    assert [(line.code, line.quantity, line.amount) for line in bill.lines] == [
        ("energy.dynamic", Decimal("108.000"), Decimal("51.81"))
    ]


@given(
    day_prices=st.lists(st.decimals(min_value=-1, max_value=2, places=4), min_size=24, max_size=24),
    kwh=st.lists(st.integers(min_value=0, max_value=40), min_size=96, max_size=96),
)
def test_a_prices_file_prices_as_the_hourly_list(
    tmp_path_factory: pytest.TempPathFactory, day_prices: list[Decimal], kwh: list[int]
) -> None:
    """A file of the hours of 2025-07-01 prices 15-minute readings of that day as the
    8760 hourly prices of the year that hold the same prices for those hours."""
    directory = tmp_path_factory.mktemp("rtp")
    (directory / "p.csv").write_text(
        "start,price_per_kwh\n"
        + "".join(f"2025-07-01T{h:02d}:00,{p}\n" for h, p in enumerate(day_prices)),
        encoding="utf-8",
    )
    body = '  "2025-01-01":\n    charges:\n      - kind: dynamic_energy\n'
    head = "name: rtp\ncurrency: CNY\ntimezone: Asia/Shanghai\nreference: tests\nversions:\n"
    (directory / "f.yaml").write_text(
        f"id: f\n{head}{body}        prices_file: p.csv\n", encoding="utf-8"
    )
    # 2025-07-01 00:00 is hour 181 × 24 of the year.
    hourly = ["0"] * 8760
    for h, p in enumerate(day_prices):
        hourly[181 * 24 + h] = str(p)
    listed = Tariff.model_validate(
        {"id": "y", "name": "rtp", "currency": "CNY", "timezone": "Asia/Shanghai",
         "reference": "tests", "versions": {"2025-01-01": {"charges": [
             {"kind": "dynamic_energy", "hourly_prices_per_kwh": hourly}]}}}
    )  # fmt: skip
    rows = "".join(f"2025-07-01T{q // 4:02d}:{q % 4 * 15:02d},{kwh[q]}\n" for q in range(96))
    readings = parse_readings_csv("start,kwh\n" + rows, "r.csv", "Asia/Shanghai")
    (from_file,) = price(load_tariff(directory / "f.yaml"), readings)
    (from_list,) = price(listed, readings)
    assert from_file.total == from_list.total
    exact = sum((Decimal(kwh[q]) * day_prices[q // 4] for q in range(96)), Decimal(0))
    assert from_file.total == exact.quantize(CENT, ROUND_HALF_UP)


def test_show_and_validate_name_the_price_files(capsys: pytest.CaptureFixture[str]) -> None:
    from tariffs.cli import main

    agency, rtp = EXAMPLE / "cn-agency-10kv.yaml", RTP / "rtp-day-ahead.yaml"
    assert main(["validate", str(agency), str(rtp)]) == 0
    assert capsys.readouterr().out == (
        f"{agency}: ok (cn-agency-10kv)\n{rtp}: ok (rtp-day-ahead)\n"
    )
    assert main(["show", str(agency)]) == 0
    shown = capsys.readouterr().out
    assert (
        f"energy: components from the price file {EXAMPLE / 'agency-2025.csv'}, by calendar "
        "month, at the account's voltage_kv (2025-07 to 2025-08, 2 months)"
    ) in shown
    assert "energy.purchase.<period>: the month's price × ratio (peak × 1.7, flat × 1, " in shown
    assert "energy.system_operation: the month's price on every kWh" in shown
    assert main(["show", str(rtp)]) == 0
    assert (
        "energy.dynamic: each interval's kWh × its price + 0.0300 CNY/kWh, 24 prices of 60 min "
        f"from the prices file {RTP / 'day-ahead-2025-07-01.csv'}"
    ) in capsys.readouterr().out


def test_a_bill_across_two_months_takes_each_month_s_prices() -> None:
    """The example factory read on the 15th: 15 July to 14 August, July's rows for its July
    days and August's for its August days, each component's lines once a month."""
    tariff = load_tariff(EXAMPLE / "cn-agency-10kv.yaml")
    readings = parse_readings_csv(
        (EXAMPLE / "readings.csv").read_text(encoding="utf-8"), "r.csv", "Asia/Shanghai"
    )
    account = load_account(EXAMPLE / "account-read-15th.yaml")
    (bill,) = price(tariff, readings, account, start=dt.date(2025, 7, 15), end=dt.date(2025, 8, 15))
    assert (bill.period_start, bill.period_end) == (dt.date(2025, 7, 15), dt.date(2025, 8, 15))
    # A day: valley 800, flat 900, peak 700 kWh (2400). July 15-31: 17 days; August 1-14: 14.
    rows = [(line.code, line.label, line.quantity, line.amount) for line in bill.lines]
    assert rows == [
        # July: 13600, 15300, 11900 kWh; 40800 in all.
        ("energy.purchase.valley", "Energy purchase valley (2025-07)", Decimal("13600.000"),
         Decimal("2130.77")),  # 13600 × 0.41230 × 0.38 = 2130.7664
        ("energy.purchase.flat", "Energy purchase flat (2025-07)", Decimal("15300.000"),
         Decimal("6308.19")),  # 15300 × 0.41230
        ("energy.purchase.peak", "Energy purchase peak (2025-07)", Decimal("11900.000"),
         Decimal("8340.83")),  # 11900 × 0.41230 × 1.7 = 8340.829
        ("energy.line_loss", "Energy line loss (2025-07)", Decimal("40800.000"),
         Decimal("620.16")),  # 40800 × 0.01520
        ("energy.transmission", "Energy transmission (2025-07)", Decimal("40800.000"),
         Decimal("7527.60")),  # 40800 × 0.18450
        ("energy.system_operation", "Energy system operation (2025-07)", Decimal("40800.000"),
         Decimal("1146.48")),  # 40800 × 0.02810
        ("energy.funds", "Energy funds (2025-07)", Decimal("40800.000"),
         Decimal("1170.96")),  # 40800 × 0.02870
        # August: 11200, 12600, 9800 kWh; 33600 in all.
        ("energy.purchase.valley", "Energy purchase valley (2025-08)", Decimal("11200.000"),
         Decimal("1710.06")),  # 11200 × 0.40180 × 0.38 = 1710.0608
        ("energy.purchase.flat", "Energy purchase flat (2025-08)", Decimal("12600.000"),
         Decimal("5062.68")),  # 12600 × 0.40180
        ("energy.purchase.peak", "Energy purchase peak (2025-08)", Decimal("9800.000"),
         Decimal("6693.99")),  # 9800 × 0.40180 × 1.7 = 6693.988
        ("energy.line_loss", "Energy line loss (2025-08)", Decimal("33600.000"),
         Decimal("497.28")),  # 33600 × 0.01480
        ("energy.transmission", "Energy transmission (2025-08)", Decimal("33600.000"),
         Decimal("6199.20")),  # 33600 × 0.18450
        ("energy.system_operation", "Energy system operation (2025-08)", Decimal("33600.000"),
         Decimal("-117.60")),  # 33600 × -0.00350
        ("energy.funds", "Energy funds (2025-08)", Decimal("33600.000"),
         Decimal("964.32")),  # 33600 × 0.02870
    ]  # fmt: skip
    # July 27244.99 + August 21009.93; 40800 + 33600 = 74400 kWh, each billed once.
    assert bill.total == Decimal("48254.92")
    assert bill.energy_kwh == Decimal("74400.000")
    assert [dict(line.terms)["month"] for line in bill.lines] == ["2025-07"] * 7 + ["2025-08"] * 7


def test_a_bill_across_two_months_in_chinese_names_each_month() -> None:
    from tariffs.io.render.labels import line_label

    tariff = load_tariff(EXAMPLE / "cn-agency-10kv.yaml")
    readings = parse_readings_csv(
        (EXAMPLE / "readings.csv").read_text(encoding="utf-8"), "r.csv", "Asia/Shanghai"
    )
    account = load_account(EXAMPLE / "account-read-15th.yaml")
    (bill,) = price(tariff, readings, account, start=dt.date(2025, 7, 15), end=dt.date(2025, 8, 15))
    labels = [line_label(line, "zh") for line in bill.lines]
    assert labels[0] == "2025年7月代理购电电费（谷）"
    assert labels[7 + 2] == "2025年8月代理购电电费（峰）"
    assert labels[-1] == "2025年8月政府性基金及附加"


@given(
    july=st.lists(st.decimals(min_value=-1, max_value=2, places=5), min_size=2, max_size=2),
    august=st.lists(st.decimals(min_value=-1, max_value=2, places=5), min_size=2, max_size=2),
    kwh_of_hour=st.lists(st.integers(min_value=0, max_value=50), min_size=24, max_size=24),
    first_day=st.integers(min_value=2, max_value=28),
)
def test_a_bill_across_two_months_is_each_month_priced_alone(
    tmp_path_factory: pytest.TempPathFactory,
    july: list[Decimal],
    august: list[Decimal],
    kwh_of_hour: list[int],
    first_day: int,
) -> None:
    """Meter read on day d: the bill d July to d August has, month by month, the lines of
    that month's days priced alone at its prices; its kWh are every kWh read, once."""
    directory = tmp_path_factory.mktemp("across")
    rows = [f"2025-07,10,c{i},{p}" for i, p in enumerate(july)]
    rows += [f"2025-08,10,c{i},{p}" for i, p in enumerate(august)]
    write_price_file(directory, rows)
    (directory / "t.yaml").write_text(
        table("      - {kind: price_file, file: prices.csv, voltage_kv: 10}\n", "t"),
        encoding="utf-8",
    )
    tariff = load_tariff(directory / "t.yaml")
    start, end = dt.date(2025, 7, first_day), dt.date(2025, 8, first_day)
    text = "start,kwh\n" + "".join(
        f"{start + dt.timedelta(days=d)}T{h:02d}:00,{kwh_of_hour[h]}\n"
        for d in range((end - start).days)
        for h in range(24)
    )
    readings = parse_readings_csv(text, "r.csv", "Asia/Shanghai")
    account = Account.model_validate({"account_id": "A", "meter_read_day": first_day})
    (bill,) = price(tariff, readings, account, start=start, end=end)
    first_of_august = dt.date(2025, 8, 1)
    (alone_july,) = price(tariff, readings, start=start, end=first_of_august)
    (alone_august,) = price(tariff, readings, start=first_of_august, end=end)
    alone = [*alone_july.lines, *alone_august.lines]
    assert [(line.quantity, line.rate, line.amount) for line in bill.lines] == [
        (line.quantity, line.rate, line.amount) for line in alone
    ]
    assert bill.energy_kwh == alone_july.energy_kwh + alone_august.energy_kwh
    assert bill.energy_kwh == Decimal(sum(kwh_of_hour) * (end - start).days)
