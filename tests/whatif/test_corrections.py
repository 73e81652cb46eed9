"""Corrections (退补电费): reading issued bills back, and the laws of `correct`."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tables import peak_valley_yaml
from tariffs import parse_readings_csv, parse_tariff, price
from tariffs.errors import InputError
from tariffs.io.issued import parse_issued_bills
from tariffs.io.render.bills import bills_to_json, bills_to_jsonl
from tariffs.io.render.corrections import (
    corrections_to_csv,
    corrections_to_json,
    corrections_to_table,
)
from tariffs.model.bill import Bill, Invoice, Line
from tariffs.whatif.corrections import NOT_ISSUED, NOT_REPRICED, correct

CODES = ("energy.peak", "energy.valley", "basic.capacity", "fund.renewable", "power_factor")
KINDS = {"energy.peak": "energy", "energy.valley": "energy", "basic.capacity": "capacity",
         "fund.renewable": "surcharge", "power_factor": "power_factor"}  # fmt: skip

cents = st.integers(-(10**9), 10**9).map(lambda n: Decimal(n).scaleb(-2))
kwh = st.integers(0, 10**9).map(lambda n: Decimal(n).scaleb(-3))


@st.composite
def lines(draw: st.DrawFn) -> tuple[Line, ...]:
    codes = draw(st.lists(st.sampled_from(CODES), unique=True, max_size=len(CODES)))
    return tuple(
        Line(KINDS[code], code, code.title(), draw(kwh), "kWh", Decimal("0.6200"), draw(cents))
        for code in codes
    )


def july(account: str | None, body: tuple[Line, ...], energy_kwh: Decimal, tax: Decimal | None,
         month: int = 7) -> Bill:  # fmt: skip
    total = sum((line.amount for line in body), Decimal(0))
    invoice = None
    if tax is not None:
        invoice = Invoice(Decimal("0.13"), "inclusive", "tax", total - tax, tax, total)
    return Bill(account, "t", "CNY", dt.date(2025, month, 1), dt.date(2025, month + 1, 1),
                energy_kwh, body, ("a warning",), invoice=invoice)  # fmt: skip


@st.composite
def bills(draw: st.DrawFn) -> Bill:
    tax = draw(st.none() | cents)
    return july(draw(st.sampled_from(["F-1", None])), draw(lines()), draw(kwh), tax)


@given(st.lists(bills(), max_size=3))
def test_issued_bills_read_back_exactly(written: list[Bill]) -> None:
    # Keyed by account: one bill per account in a file, as one account's output has.
    unique = list({bill.account: bill for bill in written}.values())
    assert parse_issued_bills(bills_to_json(unique), "issued.json") == unique
    text = bills_to_jsonl(unique)
    assert parse_issued_bills(text, "issued.jsonl", json_lines=True) == unique


@given(bills())
def test_repricing_the_same_inputs_corrects_nothing(bill: Bill) -> None:
    (correction,) = correct([bill], [bill])
    assert all(line.difference == 0 for line in correction.lines)
    assert all(line.quantity_difference == 0 for line in correction.lines)
    assert correction.difference == 0 and correction.energy_kwh_difference == 0
    assert correction.settlement == "none"
    if bill.invoice is not None:
        assert correction.invoice_difference == (0, 0, 0)


@given(lines(), lines(), kwh, kwh)
def test_the_laws_of_a_correction(
    issued_lines: tuple[Line, ...], corrected_lines: tuple[Line, ...], was: Decimal, now: Decimal
) -> None:
    issued = july("F-1", issued_lines, was, None)
    corrected = july("F-1", corrected_lines, now, None)
    (correction,) = correct([issued], [corrected])
    # Every line of either bill is there once.
    assert sorted(line.code for line in correction.lines) == sorted(
        {line.code for line in (*issued_lines, *corrected_lines)}
    )
    # issued + difference = corrected, line by line (a missing side is 0).
    for line in correction.lines:
        was_amount = Decimal(0) if line.issued is None else line.issued.amount
        now_amount = Decimal(0) if line.corrected is None else line.corrected.amount
        assert was_amount + line.difference == now_amount
    # The total difference is corrected total − issued total and Σ line differences.
    assert correction.difference == corrected.total - issued.total
    assert correction.difference == sum((line.difference for line in correction.lines),
                                        Decimal(0))  # fmt: skip
    assert correction.energy_kwh_difference == now - was
    # What every format says adds up to the same difference.
    assert json.loads(corrections_to_json([correction]))["difference"] == format(
        correction.difference, "f"
    )


def test_bills_on_one_side_only_are_listed_never_dropped() -> None:
    line = Line("energy", "energy", "Energy", Decimal(10), "kWh", Decimal("0.5"), Decimal("5.00"))
    july_bill = july("F-1", (line,), Decimal(10), None)
    august_bill = july("F-1", (line,), Decimal(10), None, month=8)
    corrections = correct([july_bill], [august_bill])
    assert [c.status for c in corrections] == [NOT_REPRICED, NOT_ISSUED]
    assert [c.difference for c in corrections] == [None, None]
    table = corrections_to_table(corrections)
    assert "not re-priced: the issued bill of this period (5.00 CNY)" in table
    assert "not issued: the corrected bill of this period (5.00 CNY)" in table
    assert json.loads(corrections_to_json(corrections))["difference"] == "0"
    assert [row.split(",")[3] for row in corrections_to_csv(corrections).splitlines()[1:]] == [
        NOT_REPRICED,
        NOT_ISSUED,
    ]


def test_bills_on_one_side_only_are_listed_in_chinese_too() -> None:
    line = Line("energy", "energy", "Energy", Decimal(10), "kWh", Decimal("0.5"), Decimal("5.00"))
    july_bill = july("F-1", (line,), Decimal(10), None)
    august_bill = july("F-1", (line,), Decimal(10), None, month=8)
    table = corrections_to_table(correct([july_bill], [august_bill]), "zh")
    assert table.splitlines()[:2] == [
        "退补电费 t  2025-07-01 至 2025-08-01（不含 2025-08-01）  户号 F-1",
        "not re-priced：本期原发行账单（5.00 元）无对应账单，不计差额",
    ]
    assert "not issued：本期更正账单（5.00 元）无对应账单，不计差额" in table
    # Neither period is corrected: a difference of 0 over 0 periods.
    assert table.splitlines()[-1] == "0 个更正周期的退补差额合计：0 元；无需退补"


def test_a_line_on_one_side_only_has_the_other_empty() -> None:
    energy = Line("energy", "energy", "Energy", Decimal(10), "kWh", Decimal("0.5"), Decimal("5.00"))
    overrun = Line("demand", "basic.overrun", "Overrun", Decimal(2), "kW", Decimal(80),
                   Decimal("160.00"))  # fmt: skip
    (correction,) = correct(
        [july("F-1", (energy,), Decimal(10), None)],
        [july("F-1", (energy, overrun), Decimal(10), None)],
    )
    document = json.loads(corrections_to_json([correction]))["corrections"][0]
    assert document["lines"][1] == {
        "kind": "demand", "code": "basic.overrun", "label": "Overrun", "issued": None,
        "corrected": {"quantity": "2", "unit": "kW", "rate": "80", "amount": "160.00"},
        "quantity_difference": "2", "difference": "160.00",
    }  # fmt: skip
    # 5.00 + 160.00 − 5.00 = +160.00 to collect.
    assert document["total"] == {"issued": "5.00", "corrected": "165.00", "difference": "160.00"}
    row = corrections_to_csv([correction]).splitlines()[2].split(",")
    assert row[8:] == ["", "", "2", "160.00", "2", "160.00"]


def test_the_invoice_split_is_corrected_too() -> None:
    # Issued 113.00 = 100.00 + 13.00 tax; corrected 226.00 = 200.00 + 26.00:
    # net +100.00, tax +13.00, gross +113.00.
    def bill(amount: str, tax: str) -> Bill:
        line = Line("energy", "energy", "Energy", None, None, None, Decimal(amount))
        return july("F-1", (line,), Decimal(1), Decimal(tax))

    (correction,) = correct([bill("113.00", "13.00")], [bill("226.00", "26.00")])
    assert correction.invoice_difference == (Decimal("100.00"), Decimal("13.00"),
                                             Decimal("113.00"))  # fmt: skip
    document = json.loads(corrections_to_json([correction]))["corrections"][0]
    assert document["invoice"]["tax"] == {
        "issued": "13.00", "corrected": "26.00", "difference": "13.00",
    }  # fmt: skip
    assert "VAT (税额)" in corrections_to_table([correction])


def test_another_currency_is_refused() -> None:
    line = Line("energy", "energy", "Energy", None, None, None, Decimal("1.00"))
    bill = july("F-1", (line,), Decimal(1), None)
    other = Bill("F-1", "t", "USD", bill.period_start, bill.period_end, Decimal(1), (line,))
    with pytest.raises(InputError, match="issued bill is in CNY, the corrected one in USD"):
        correct([bill], [other])


def test_two_bills_of_one_period_are_refused() -> None:
    line = Line("energy", "energy", "Energy", None, None, None, Decimal("1.00"))
    bill = july("F-1", (line,), Decimal(1), None)
    with pytest.raises(InputError, match="two issued bills of account F-1"):
        correct([bill, bill], [bill])


# --------------------------------------------------------------------------------------
# Refusals of the issued JSON, each at its line and column.
# --------------------------------------------------------------------------------------

ISSUED = """\
{
  "bills": [
    {
      "account": "F-1",
      "tariff": "t",
      "currency": "CNY",
      "period": {"start": "2025-07-01", "end": "2025-08-01"},
      "energy_kwh": "10.0",
      "lines": [
        {"kind": "energy", "code": "energy", "label": "Energy", "quantity": "10.0",
         "unit": "kWh", "rate": "0.5", "amount": "5.00"}
      ],
      "total": "5.00",
      "warnings": []
    }
  ],
  "total": "5.00"
}
"""


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ('"total": "5.00",', '"total": "5.01",',
         'issued.json:13:16: bills[0].total: the total 5.01 is not the sum of the line '
         'amounts, 5.00'),
        ('"total": "5.00"\n}', '"total": "5.10"\n}',
         "issued.json:17:12: total: the total 5.10 is not the sum of the bills' totals, 5.00"),
        ('"warnings": []', '"warnings": [], "note": "x"',
         "issued.json:14:31: bills[0].note: unknown key 'note' (allowed: account, currency, "),
        ('"start": "2025-07-01"', '"start": "2025-07-32"',
         "issued.json:7:27: bills[0].period.start: not a date: '2025-07-32'"),
        ('"end": "2025-08-01"', '"end": "2025-07-01"',
         "issued.json:7:48: bills[0].period.end: the end 2025-07-01 is not after the start"),
        ('"amount": "5.00"', '"amount": 5.00',
         'issued.json:11:50: bills[0].lines[0].amount: the JSON number 5.00 must be written '
         'as a string ("5.00")'),
        ('"kind": "energy"', '"kind": "energi"',
         "issued.json:10:18: bills[0].lines[0].kind: 'energi' is not one of fixed, energy"),
        ('"currency": "CNY",\n', "",
         "issued.json:3:5: bills[0]: missing key 'currency'"),
    ],
)  # fmt: skip
def test_a_wrong_issued_bill_is_refused_at_its_line(old: str, new: str, message: str) -> None:
    assert old in ISSUED
    with pytest.raises(InputError) as caught:
        parse_issued_bills(ISSUED.replace(old, new, 1), "issued.json")
    assert str(caught.value).startswith(message)


def test_a_wrong_json_line_is_refused_at_its_line() -> None:
    line = Line("energy", "energy", "Energy", Decimal(10), "kWh", Decimal("0.5"), Decimal("5.00"))
    good = bills_to_jsonl([july("F-1", (line,), Decimal(10), None)])
    bad = good.replace('"total": "5.00"', '"total": "6.00"')
    with pytest.raises(InputError) as caught:
        parse_issued_bills(good + bad, "issued.jsonl", json_lines=True)
    assert caught.value.line == 2 and caught.value.path == "total"
    with pytest.raises(InputError) as caught:
        parse_issued_bills(good + "{oops\n", "issued.jsonl", json_lines=True)
    assert caught.value.line == 2


def test_an_invoice_that_does_not_add_up_is_refused() -> None:
    line = Line("energy", "energy", "Energy", None, None, None, Decimal("113.00"))
    text = bills_to_json([july("F-1", (line,), Decimal(1), Decimal("13.00"))])
    with pytest.raises(InputError, match="net 100.00 \\+ tax 13.01 is 113.01, not the gross"):
        parse_issued_bills(text.replace('"tax": "13.00"', '"tax": "13.01"'), "issued.json")


@given(
    st.lists(st.integers(0, 10**6), min_size=24, max_size=24 * 40),
    st.sampled_from(["0.5283", "0.61", "1.000001"]),
)
def test_re_pricing_what_was_issued_through_its_json_corrects_nothing(
    values: list[int], peak: str
) -> None:
    # Issued: the bills priced, written as JSON and read back; corrected: the same
    # readings priced again. Every line, the kWh and the total differ by exactly 0.
    start = dt.datetime(2025, 7, 20)
    rows = ["start,kwh"] + [
        f"{(start + dt.timedelta(hours=n)).isoformat(timespec='minutes')},"
        f"{Decimal(value).scaleb(-3)}"
        for n, value in enumerate(values)
    ]
    tariff = parse_tariff(peak_valley_yaml("tou", peak, "0.3"))
    readings = parse_readings_csv("\n".join(rows) + "\n", "r.csv", tariff.timezone)
    bills = price(tariff, readings)
    issued = parse_issued_bills(bills_to_json(bills), "issued.json")
    corrections = correct(issued, price(tariff, readings))
    assert len(corrections) == len(bills)
    for correction in corrections:
        assert correction.status == "corrected"
        assert {line.difference for line in correction.lines} <= {Decimal(0)}
        assert correction.difference == 0 and correction.energy_kwh_difference == 0


def test_issued_bills_with_estimates_and_parts_read_back_equal() -> None:
    # An estimated bill (corrected once the meter is read) and the bills of a
    # sub-metered account (the main bill with its 套扣 and a sub-meter's bill) are read
    # back as written, so that they can be corrected part by part.
    import dataclasses

    from tariffs.io.issued import parse_issued_bills
    from tariffs.io.render.bills import bills_to_json
    from tariffs.model.bill import MeterReading, Subtraction

    line = Line("energy", "energy", "Energy", Decimal("10.000"), "kWh", Decimal("0.5"),
                Decimal("5.00"))  # fmt: skip
    part = Subtraction("sub_meter", "C1", "commercial", Decimal("2.000"))
    base = july("F-1", (line,), Decimal("10.000"), None)
    bills = [
        dataclasses.replace(base, estimated_intervals=3, estimated_kwh=Decimal("1.500")),
        dataclasses.replace(
            base,
            metered=MeterReading(
                "M1",
                base.period_start,
                base.period_end,
                Decimal("0.12"),
                Decimal(100),
                Decimal("12.000"),
                None,
            ),
            subtracted=(part,),
        ),  # fmt: skip
        dataclasses.replace(base, tariff="commercial", part_of=part),
    ]
    assert parse_issued_bills(bills_to_json(bills), "issued.json") == bills
