"""Golden bills of exported energy under each metering rule, worked out by hand.

One small time-of-use tariff (USD, UTC): ``offpeak`` 00:00-12:00 at 0.10/kWh, ``peak``
12:00-24:00 at 0.20/kWh, and a fixed charge of 5.00 a month. Three monthly bills, January
to March 2018, from hourly readings that are zero but for these hours (kWh):

=========  ==============  ===========  ==============  ===========
month      offpeak import  peak import  offpeak export  peak export
=========  ==============  ===========  ==============  ===========
January    100             50           10              120
February   100             80           0               130
March      100             50           0               20
=========  ==============  ===========  ==============  ===========

In January and February the peak exports exceed the peak imports. Every expected line is
written as quantity × rate = amount beside it; totals are the sums of the lines.
Nothing is taken from the engine.
"""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from tariffs import (
    Account,
    AccountError,
    Bill,
    Readings,
    Tariff,
    load_tariff,
    price,
    read_readings_csv,
)
from tariffs.cli import main
from tariffs.errors import UnsupportedFeatureError

YEAR = 2018
HOURS = (31 + 28 + 31) * 24

#: (month, day, hour) → kWh imported.
IMPORTS = {(1, 1, 0): 100, (1, 1, 18): 50, (2, 1, 0): 100, (2, 1, 18): 80, (3, 1, 0): 100,
           (3, 1, 18): 50}  # fmt: skip
#: (month, day, hour) → kWh exported.
EXPORTS = {(1, 2, 6): 10, (1, 2, 12): 120, (2, 2, 12): 130, (3, 2, 12): 20}


def column(values: dict[tuple[int, int, int], int]) -> list[int]:
    found = [0] * HOURS
    for (month, day, hour), kwh in values.items():
        found[(dt.date(YEAR, month, day) - dt.date(YEAR, 1, 1)).days * 24 + hour] = kwh * 1000
    return found


def readings(exports: dict[tuple[int, int, int], int] | None = EXPORTS) -> Readings:
    start = int(dt.datetime(YEAR, 1, 1, tzinfo=ZoneInfo("UTC")).timestamp())
    return Readings(
        source="solar.csv",
        interval_seconds=3600,
        starts=list(range(start, start + HOURS * 3600, 3600)),
        scale=3,
        kwh=column(IMPORTS),
        export_kwh=None if exports is None else column(exports),
    )


def tariff(exports: dict[str, Any] | None, **charge: Any) -> Tariff:
    version: dict[str, Any] = {
        "periods": [{"windows": {"offpeak": ["00:00-12:00"], "peak": ["12:00-24:00"]}}],
        "charges": [
            {"kind": "energy", "prices": {"peak": "0.20", "offpeak": "0.10"}, **charge},
            {"kind": "fixed", "amount": "5.00", "per": "month"},
        ],
    }
    if exports is not None:
        version["exports"] = exports
    return Tariff.model_validate(
        {
            "id": "solar-tou",
            "name": "Solar TOU",
            "currency": "USD",
            "timezone": "UTC",
            "reference": "a test tariff",
            "versions": {"2018-01-01": version},
        }
    )


def lines(bill: Bill) -> list[tuple[str, str, str | None, str]]:
    return [
        (line.code, str(line.quantity), None if line.rate is None else str(line.rate),
         str(line.amount))
        for line in bill.lines
    ]  # fmt: skip


FIXED = ("fixed", "1", "5.00", "5.00")
NET_METERING = {"metering": "net_metering", "true_up_month": 2, "true_up_price_per_kwh": "0.03"}
NET_BILLING = {"metering": "net_billing", "prices": {"peak": "0.08", "offpeak": "0.04"}}


def test_net_metering_nets_each_period_rolls_kwh_over_and_trues_up() -> None:
    """Per period netting, kWh credit carried, true-up in February at 0.03/kWh."""
    bills = price(tariff(NET_METERING), readings())
    january, february, march = bills
    # January, offpeak: 100 imported - 10 exported = 90 kWh × 0.10 = 9.00. Peak: 50
    # imported - 120 exported: 0 kWh billed (no line), 70 kWh credit carried out.
    assert lines(january) == [
        ("energy.offpeak", "90.000", "0.10", "9.00"),
        FIXED,
        ("net_metering.exported.offpeak", "10.000", None, "0.00"),
        ("net_metering.exported.peak", "120.000", None, "0.00"),
        ("net_metering.credit_out.peak", "70.000", None, "0.00"),
    ]
    assert january.total == Decimal("14.00")  # 9.00 + 5.00
    # February: offpeak 100 × 0.10 = 10.00. Peak: 80 imported, 130 exported + 70 carried
    # in = 200 of credit, 0 billed, 120 left; the true-up month pays 120 × 0.03 = 3.60.
    assert lines(february) == [
        ("energy.offpeak", "100.000", "0.10", "10.00"),
        FIXED,
        ("net_metering.exported.peak", "130.000", None, "0.00"),
        ("net_metering.credit_in.peak", "70.000", None, "0.00"),
        ("net_metering.credit_out.peak", "120.000", None, "0.00"),
        ("net_metering.true_up.peak", "120.000", "0.03", "-3.60"),
    ]
    assert february.total == Decimal("11.40")  # 10.00 + 5.00 - 3.60
    # March starts with no credit: peak 50 - 20 = 30 × 0.20 = 6.00; offpeak 10.00.
    assert lines(march) == [
        ("energy.offpeak", "100.000", "0.10", "10.00"),
        ("energy.peak", "30.000", "0.20", "6.00"),
        FIXED,
        ("net_metering.exported.peak", "20.000", None, "0.00"),
    ]
    assert march.total == Decimal("21.00")  # 10.00 + 6.00 + 5.00
    # The bills still report every kWh imported.
    assert [bill.energy_kwh for bill in bills] == [Decimal("150"), Decimal("180"), Decimal("150")]


def test_net_metering_forfeits_credit_at_a_zero_true_up_price() -> None:
    """A true-up price of 0 (the default) forfeits the credit: a 0.00 line says so."""
    terms = {"metering": "net_metering", "true_up_month": 2}
    february = price(tariff(terms), readings())[1]
    assert lines(february)[-1] == ("net_metering.true_up.peak", "120.000", "0", "0.00")
    assert february.lines[-1].label == "True-up: kWh credit forfeited (peak)"
    assert february.total == Decimal("15.00")  # 10.00 + 5.00


def test_net_billing_credits_every_exported_kwh_at_its_period_price() -> None:
    """Imports at the buy prices; exports at 0.08 (peak) and 0.04 (offpeak)."""
    january, february, march = price(tariff(NET_BILLING), readings())
    assert lines(january) == [
        ("energy.offpeak", "100.000", "0.10", "10.00"),  # 100 × 0.10
        ("energy.peak", "50.000", "0.20", "10.00"),  # 50 × 0.20
        FIXED,
        ("net_billing.export.offpeak", "10.000", "0.04", "-0.40"),  # 10 × 0.04
        ("net_billing.export.peak", "120.000", "0.08", "-9.60"),  # 120 × 0.08
    ]
    assert january.total == Decimal("15.00")  # 10 + 10 + 5 - 0.40 - 9.60
    assert lines(february)[-1] == ("net_billing.export.peak", "130.000", "0.08", "-10.40")
    assert february.total == Decimal("20.60")  # 10 + 16 + 5 - 10.40
    assert march.total == Decimal("23.40")  # 10 + 10 + 5 - 20 × 0.08


def test_net_billing_without_carry_over_pays_a_negative_bill() -> None:
    """Without carry-over, a month whose credit exceeds its charges is a negative bill."""
    terms = {"metering": "net_billing", "price_per_kwh": "0.30"}
    january = price(tariff(terms), readings())[0]
    # 10.00 + 10.00 + 5.00 - 10 × 0.30 - 120 × 0.30 = 25.00 - 3.00 - 36.00 = -14.00
    assert january.total == Decimal("-14.00")


def test_net_billing_carries_money_over_and_forfeits_it_at_the_true_up() -> None:
    """Carry-over of money credit; the February true-up forfeits what is left."""
    terms = {
        "metering": "net_billing",
        "price_per_kwh": "0.30",
        "carry_over": True,
        "true_up_month": 2,
        "true_up": "forfeit",
    }
    january, february, march = price(tariff(terms), readings())
    # January: 25.00 of charges - 39.00 of credit (130 kWh × 0.30) = -14.00: carried out.
    assert lines(january)[-3:] == [
        ("net_billing.export.offpeak", "10.000", "0.30", "-3.00"),
        ("net_billing.export.peak", "120.000", "0.30", "-36.00"),
        ("net_billing.credit_out", "14.00", None, "14.00"),
    ]
    assert january.total == Decimal("0.00")
    # February: 31.00 of charges - 130 × 0.30 = 39.00 → -8.00; the 14.00 carried in
    # finds nothing to reduce; the true-up forfeits 14.00 + 8.00 = 22.00, bringing the
    # bill to 0.00.
    assert lines(february)[-3:] == [
        ("net_billing.export.peak", "130.000", "0.30", "-39.00"),
        ("net_billing.credit_in", "14.00", None, "0.00"),
        ("net_billing.true_up", "22.00", None, "8.00"),
    ]
    assert february.total == Decimal("0.00")
    # March starts with nothing carried: 25.00 - 20 × 0.30 = 19.00.
    assert march.total == Decimal("19.00")
    assert not any(line.code.startswith("net_billing.credit") for line in march.lines)


def test_net_billing_carry_over_reduces_a_later_bill_and_pays_at_the_true_up() -> None:
    """A carried credit reduces the next bill; the March true-up pays out the rest."""
    terms = {
        "metering": "net_billing",
        "price_per_kwh": "0.30",
        "carry_over": True,
        "true_up_month": 3,
    }
    bills = price(tariff(terms), readings(exports={(1, 2, 12): 120, (3, 2, 12): 20}))
    january, february, march = bills
    # January: 25.00 - 120 × 0.30 = -11.00, carried out.
    assert lines(january)[-1] == ("net_billing.credit_out", "11.00", None, "11.00")
    # February: 31.00 of charges, 11.00 carried in and used: 20.00.
    assert lines(february)[-1] == ("net_billing.credit_in", "11.00", None, "-11.00")
    assert february.total == Decimal("20.00")
    # March: 25.00 - 20 × 0.30 = 19.00, nothing carried, nothing to true up.
    assert march.total == Decimal("19.00")
    assert [line.code for line in march.lines][-1] == "net_billing.export.peak"


def test_buy_all_sell_all_sells_the_generation_of_gross_readings() -> None:
    """Gross readings (kwh the load, export_kwh the generation), generation sold."""
    terms = {"metering": "buy_all_sell_all", "prices": {"peak": "0.08", "offpeak": "0.04"}}
    gross = Account(account_id="solar-1", gross_readings=True)
    january, february, march = price(tariff(terms), readings(), gross)
    assert lines(january)[-2:] == [
        ("buy_all_sell_all.sold.offpeak", "10.000", "0.04", "-0.40"),  # 10 × 0.04
        ("buy_all_sell_all.sold.peak", "120.000", "0.08", "-9.60"),  # 120 × 0.08
    ]
    # The same amounts as net billing: 10 + 10 + 5 - 10.00; 31 - 10.40; 25 - 1.60.
    assert [b.total for b in (january, february, march)] == [
        Decimal("15.00"),
        Decimal("20.60"),
        Decimal("23.40"),
    ]


def test_buy_all_sell_all_refuses_readings_not_declared_gross() -> None:
    terms = {"metering": "buy_all_sell_all", "price_per_kwh": "0.05"}
    with pytest.raises(AccountError, match="gross_readings: true"):
        price(tariff(terms), readings())


def test_the_run_and_the_account_declare_the_rule_over_the_tariff() -> None:
    """The tariff's rule is the default; the account's replaces it; the run's, both."""
    terms = {**NET_BILLING, "true_up_month": 2, "true_up_price_per_kwh": "0.03"}
    table = tariff(terms)
    on_net_metering = Account(account_id="a-1", metering="net_metering")
    assert price(table, readings())[1].total == Decimal("20.60")  # net billing
    assert price(table, readings(), on_net_metering)[1].total == Decimal("11.40")
    assert price(table, readings(), metering="net_metering")[1].total == Decimal("11.40")
    assert price(table, readings(), on_net_metering, metering="net_billing")[1].total == Decimal(
        "20.60"
    )


def test_a_rule_the_tariff_has_no_terms_for_is_refused() -> None:
    with pytest.raises(UnsupportedFeatureError, match="needs the version's export terms"):
        price(tariff(None), readings(), metering="net_metering")
    only_net_metering = tariff({"metering": "net_metering"})
    with pytest.raises(UnsupportedFeatureError, match="credits exports at a price"):
        price(only_net_metering, readings(), metering="net_billing")


def test_readings_without_an_export_column_export_nothing_and_say_so() -> None:
    bills = price(tariff(NET_METERING), readings(exports=None))
    assert bills[0].total == Decimal("25.00")  # 10 + 10 + 5, as without the rule
    assert bills[0].warnings == (
        "the readings have no export_kwh column: nothing exported (metering net_metering)",
    )


@pytest.mark.parametrize(
    ("terms", "charge", "message"),
    [
        ({"metering": "net_billing"}, {}, "credits exports at a price"),
        ({"metering": "net_billing", "prices": {"peak": "0.08"}}, {}, "none for 'offpeak'"),
        (
            {"metering": "net_billing", "prices": {"peak": "0.08", "shoulder": "0.05"}},
            {},
            "period 'shoulder', which the schedule does not define",
        ),
        ({"metering": "net_metering", "carry_over": True}, {}, "carry_over goes with"),
        (
            {"metering": "net_metering"},
            {"tiers": {"bounds_kwh": [100], "method": "chronological"}},
            "chronological tiers",
        ),
    ],
)
def test_export_terms_that_cannot_be_priced_are_refused(
    terms: dict[str, Any], charge: dict[str, Any], message: str
) -> None:
    if "tiers" in charge:
        charge = {"prices": {"peak": ["0.20", "0.30"], "offpeak": ["0.10", "0.15"]}, **charge}
    with pytest.raises(ValueError, match=message):
        tariff(terms, **charge)


def test_an_export_credit_charge_beside_export_terms_is_refused() -> None:
    """Both would credit the same kWh."""
    data = tariff(NET_BILLING).model_dump(mode="json", exclude_none=True)
    version = data["versions"]["2018-01-01"]
    version["charges"].append({"kind": "export_credit", "price_per_kwh": "0.05"})
    with pytest.raises(ValueError, match="an export_credit charge and exports both credit"):
        Tariff.model_validate(data)


# -- the example of a solar household (examples/solar-*.{yaml,csv}) ----------------------

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


def run_example(capsys: pytest.CaptureFixture[str], *options: str) -> list[dict[str, Any]]:
    argv = [
        "price",
        str(EXAMPLES / "solar-readings.csv"),
        "--tariff",
        str(EXAMPLES / "solar-net-metering.yaml"),
        "--format",
        "json",
        *options,
    ]
    assert main(argv) == 0
    bills: list[dict[str, Any]] = json.loads(capsys.readouterr().out)["bills"]
    return bills


def test_the_solar_example_under_net_metering(capsys: pytest.CaptureFixture[str]) -> None:
    """Each day: offpeak 7.8 kWh imported, peak 4.8; 6 h of exports at 0.9, 1.4, 1.8 kWh.

    January (31 days): offpeak 241.8 - 167.4 exported = 74.4 × 0.12 = 8.928 → 8.93; peak
    148.8 × 0.32 = 47.616 → 47.62; fixed 10.00: 66.55. February (28 days): offpeak 218.4
    imported, 235.2 exported: 0 billed, 16.8 kWh carried; peak 134.4 × 0.32 = 43.008 →
    43.01: 53.01. March: offpeak 241.8 imported, 334.8 exported + 16.8 carried in: 109.8
    kWh left, paid at the March true-up: 109.8 × 0.025 = 2.745 → 2.75 off; peak 47.62:
    47.62 + 10.00 - 2.75 = 54.87.
    """
    account = str(EXAMPLES / "solar-account.yaml")
    bills = run_example(capsys, "--account", account)
    assert [bill["total"] for bill in bills] == ["66.55", "53.01", "54.87"]
    assert [bill["energy_kwh"] for bill in bills] == ["390.600", "352.800", "390.600"]
    march = {line["code"]: line for line in bills[2]["lines"]}
    assert march["net_metering.true_up.offpeak"]["quantity"] == "109.800"
    assert march["net_metering.true_up.offpeak"]["amount"] == "-2.75"


def test_the_solar_example_under_net_billing(capsys: pytest.CaptureFixture[str]) -> None:
    """January with ``--metering net_billing``: 241.8 × 0.12 = 29.016 → 29.02 offpeak,
    47.62 peak, 10.00 fixed, 167.4 exported × 0.04 = 6.696 → -6.70: 79.94."""
    bills = run_example(capsys, "--metering", "net_billing")
    assert bills[0]["total"] == "79.94"
    assert bills[0]["lines"][-1] == {
        "kind": "export_credit",
        "code": "net_billing.export.offpeak",
        "label": "Export credit (offpeak)",
        "quantity": "167.400",
        "unit": "kWh",
        "rate": "0.04",
        "amount": "-6.70",
    }


def test_show_describes_the_export_terms(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["show", str(EXAMPLES / "solar-net-metering.yaml")]) == 0
    text = capsys.readouterr().out
    assert "  Exports: net metering (exports net the imports of their own period" in text
    assert "    export prices: peak 0.08 USD/kWh, offpeak 0.04 USD/kWh\n" in text
    assert "    true-up: kWh credit left on the Mar bill paid at 0.025 USD/kWh\n" in text


def test_batch_takes_the_metering_rule_of_the_run(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The January total of the example under net billing (79.94, worked out above)."""
    readings = tmp_path / "readings"
    readings.mkdir()
    (readings / "S-001.csv").write_text(
        (EXAMPLES / "solar-readings.csv").read_text(encoding="utf-8"), encoding="utf-8"
    )
    accounts = tmp_path / "accounts.csv"
    accounts.write_text("account_id\nS-001\n", encoding="utf-8")
    argv = ["batch", "--accounts", str(accounts), "--readings-dir", str(readings),
            "--tariff", str(EXAMPLES / "solar-net-metering.yaml"), "--format", "jsonl",
            "--metering", "net_billing"]  # fmt: skip
    assert main(argv) == 0
    first = json.loads(capsys.readouterr().out.splitlines()[0])
    assert first["total"] == "79.94"


def test_an_accounts_csv_declares_the_metering_rule(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Account S-001 on net billing (79.94 in January), S-002 on the tariff's rule (66.55)."""
    readings = tmp_path / "readings"
    readings.mkdir()
    text = (EXAMPLES / "solar-readings.csv").read_text(encoding="utf-8")
    for account_id in ("S-001", "S-002"):
        (readings / f"{account_id}.csv").write_text(text, encoding="utf-8")
    accounts = tmp_path / "accounts.csv"
    accounts.write_text("account_id,metering\nS-001,net_billing\nS-002,\n", encoding="utf-8")
    argv = ["batch", "--accounts", str(accounts), "--readings-dir", str(readings),
            "--tariff", str(EXAMPLES / "solar-net-metering.yaml"), "--format", "jsonl"]  # fmt: skip
    assert main(argv) == 0
    bills = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    januaries = {bill["account_id"]: bill["total"] for bill in bills if
                 bill["period"]["start"] == "2025-01-01"}  # fmt: skip
    assert januaries == {"S-001": "79.94", "S-002": "66.55"}


def test_credit_carried_in_by_the_account() -> None:
    """March alone, with the 16.8 kWh of offpeak credit February carried out: the March
    bill of the three-month run (54.87, worked out above)."""
    table = load_tariff(str(EXAMPLES / "solar-net-metering.yaml"))
    solar = read_readings_csv(str(EXAMPLES / "solar-readings.csv"), table.timezone)
    account = Account(account_id="S-001", credit_kwh={"offpeak": Decimal("16.8")})
    (march,) = price(table, solar, account, start=dt.date(2025, 3, 1))
    assert march.total == Decimal("54.87")
    assert [line.quantity for line in march.lines if "credit_in" in line.code] == [Decimal("16.8")]


@pytest.mark.parametrize(
    ("terms", "credits", "message"),
    [
        (NET_BILLING, {"credit_kwh": {"peak": "5"}}, "credit_kwh is a kWh credit of net metering"),
        (NET_METERING, {"credit_amount": "3.00"}, "credit_amount is money carried over"),
        (NET_BILLING, {"credit_amount": "3.00"}, "priced under net_billing without carry_over"),
        (NET_METERING, {"credit_kwh": {"peak": "0.0005"}}, "more decimal places than the"),
        (
            {**NET_BILLING, "carry_over": True},
            {"credit_amount": "3.005"},
            "more decimal places than the tariff's amounts",
        ),
    ],
)
def test_credit_the_rule_cannot_use_is_refused(
    terms: dict[str, Any], credits: dict[str, Any], message: str
) -> None:
    account = Account.model_validate({"account_id": "a-1", **credits})
    with pytest.raises(AccountError, match=message):
        price(tariff(terms), readings(), account)


def test_export_lines_are_carried_to_line_places_when_the_bill_is_rounded_once() -> None:
    """``rounding: {per: bill, places: 1}``: lines to 6 places, the total once.

    January: 100 × 0.1017 = 10.17 and 50 × 0.2033 = 10.165 imported; 10 × 0.0417 =
    0.417 and 120 × 0.0833 = 9.996 exported; 10.17 + 10.165 - 0.417 - 9.996 = 9.922,
    9.9 to the 0.1, a rounding line of -0.022.
    """
    data = tariff(
        {"metering": "net_billing", "prices": {"peak": "0.0833", "offpeak": "0.0417"}}
    ).model_dump(mode="json", exclude_none=True)
    data["rounding"] = {"per": "bill", "places": 1}
    version = data["versions"]["2018-01-01"]
    version["charges"] = [{"kind": "energy", "prices": {"peak": "0.2033", "offpeak": "0.1017"}}]
    january = price(Tariff.model_validate(data), readings())[0]
    assert lines(january) == [
        ("energy.offpeak", "100.000", "0.1017", "10.170000"),
        ("energy.peak", "50.000", "0.2033", "10.165000"),
        ("net_billing.export.offpeak", "10.000", "0.0417", "-0.417000"),
        ("net_billing.export.peak", "120.000", "0.0833", "-9.996000"),
        ("rounding", "None", None, "-0.022000"),
    ]
    assert january.total == Decimal("9.9")


def test_explain_says_what_net_metering_netted(capsys: pytest.CaptureFixture[str]) -> None:
    """January offpeak: 241.8 kWh read, 167.4 exported netted them: 74.4 kWh priced."""
    argv = ["explain", str(EXAMPLES / "solar-readings.csv"), "--tariff",
            str(EXAMPLES / "solar-net-metering.yaml"), "--to", "2025-02-01"]  # fmt: skip
    assert main(argv) == 0
    text = capsys.readouterr().out
    assert (
        "241.800 kWh read (2025-01-01 to 2025-01-31; 00:00-16:00, 21:00-24:00) - 167.400 kWh "
        "netted by exports and credit = 74.400 kWh\n"
    ) in text
    assert "losses" not in text
