"""Value-added tax and the invoice split (金额 / 税额 / 价税合计), worked out by hand.

Chinese catalogue prices include 13 % VAT (财政部 税务总局 海关总署公告2019年第39号, the rate
since 2019-04-01). A version's ``vat`` says whether its prices include the tax and which
part of an inclusive total is rounded; each bill then carries its invoice split. Prices
that exclude the tax get a ``vat`` line of rate × the other lines.
"""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tables import flat_body, table_yaml
from tariffs import Bill, parse_tariff, price
from tariffs.errors import TariffFileError
from tariffs.io.readings.csv_reader import parse_readings_csv
from tariffs.io.render.bills import bills_to_csv, bills_to_json, bills_to_table


def vat_table(price_per_kwh: str, vat: str, *, rounding: str = "", tariff_id: str = "vat") -> str:
    body = flat_body(price_per_kwh) + f"    vat: {vat}\n"
    text = table_yaml(tariff_id, body)
    if rounding:
        text = text.replace("versions:\n", f"rounding: {rounding}\nversions:\n", 1)
    return text


def one_day(kwh: str = "10") -> str:
    """``kwh`` in every hour of 2025-07-01."""
    rows = ["start,kwh", *(f"2025-07-01T{hour:02d}:00,{kwh}" for hour in range(24))]
    return "\n".join(rows) + "\n"


def bill_of(table: str, readings: str | None = None) -> Bill:
    (bill,) = price(
        parse_tariff(table), parse_readings_csv(readings or one_day(), "r.csv", "Asia/Shanghai")
    )
    return bill


def split(bill: Bill) -> tuple[Decimal, Decimal, Decimal]:
    assert bill.invoice is not None
    return bill.invoice.net, bill.invoice.tax, bill.invoice.gross


def test_inclusive_prices_are_split_on_the_invoice() -> None:
    # 240 kWh × 0.5680 (VAT included) = 136.32, the bill's total.
    # Tax = 136.32 × 0.13 / 1.13 = 15.6828..., rounded half-up: 15.68; the amount
    # excluding tax is the rest, 136.32 - 15.68 = 120.64.
    bill = bill_of(vat_table("0.5680", '{rate: "0.13", prices: inclusive}'))
    assert [line.amount for line in bill.lines] == [Decimal("136.32")]
    assert bill.total == Decimal("136.32")
    assert split(bill) == (Decimal("120.64"), Decimal("15.68"), Decimal("136.32"))
    # Rounding the amount excluding tax instead: 136.32 / 1.13 = 120.6371..., 120.64;
    # the tax is the rest, 15.68: half-up rounds the two complementary parts alike.
    bill = bill_of(vat_table("0.5680", '{rate: "0.13", prices: inclusive, rounded: net}'))
    assert split(bill) == (Decimal("120.64"), Decimal("15.68"), Decimal("136.32"))


def test_which_part_is_rounded_matters_when_rounding_down() -> None:
    # rounding mode down: tax 15.6828... → 15.68, net the rest 120.64; or net
    # 120.6371... → 120.63 and the tax the rest, 15.69.
    table = vat_table("0.5680", '{rate: "0.13", prices: inclusive}', rounding="{mode: down}")
    assert split(bill_of(table)) == (Decimal("120.64"), Decimal("15.68"), Decimal("136.32"))
    table = vat_table(
        "0.5680", '{rate: "0.13", prices: inclusive, rounded: net}', rounding="{mode: down}"
    )
    assert split(bill_of(table)) == (Decimal("120.63"), Decimal("15.69"), Decimal("136.32"))


def test_exclusive_prices_get_a_vat_line() -> None:
    # 240 kWh × 0.5000 = 120.00; VAT 13 % of it = 15.60; total 135.60.
    bill = bill_of(vat_table("0.5000", '{rate: "0.13", prices: exclusive}'))
    assert [(line.code, line.quantity, line.rate, line.amount) for line in bill.lines] == [
        ("energy", Decimal("240.000"), Decimal("0.5000"), Decimal("120.00")),
        ("vat", Decimal("120.00"), Decimal("0.13"), Decimal("15.60")),
    ]
    assert bill.lines[1].label == "VAT 13 %"
    assert bill.total == Decimal("135.60")
    assert split(bill) == (Decimal("120.00"), Decimal("15.60"), Decimal("135.60"))


def test_a_bill_rounded_once_splits_its_rounded_total() -> None:
    # rounding per bill to the 角: 240 × 0.5683 = 136.392 carried, the total 136.4
    # (rounding line +0.008). Tax = 136.4 × 0.13 / 1.13 = 15.6920..., to the 角 15.7;
    # net 120.7.
    table = vat_table(
        "0.5683", '{rate: "0.13", prices: inclusive}', rounding="{per: bill, places: 1}"
    )
    bill = bill_of(table)
    assert bill.total == Decimal("136.4")
    assert split(bill) == (Decimal("120.7"), Decimal("15.7"), Decimal("136.4"))


def test_the_invoice_in_every_format() -> None:
    bill = bill_of(vat_table("0.5680", '{rate: "0.13", prices: inclusive}'))
    document = json.loads(bills_to_json([bill]))["bills"][0]
    assert document["invoice"] == {
        "rate": "0.13", "prices": "inclusive", "rounded": "tax",
        "net": "120.64", "tax": "15.68", "gross": "136.32",
    }  # fmt: skip
    rows = [row.split(",") for row in bills_to_csv([bill]).splitlines()]
    assert [row[5:] for row in rows if row[5] == "invoice"] == [
        ["invoice", "invoice.net", "Amount excluding VAT (金额)", "", "", "", "120.64"],
        ["invoice", "invoice.tax", "VAT 13 % (税额)", "", "", "0.13", "15.68"],
        ["invoice", "invoice.gross", "Total including VAT (价税合计)", "", "", "", "136.32"],
    ]
    table = bills_to_table([bill]).splitlines()
    assert table[-4:-1] == [
        "invoice.net    Amount excluding VAT (金额)                                 120.64",
        "invoice.tax    VAT 13 % (税额)                                   0.13       15.68",
        "invoice.gross  Total including VAT (价税合计)                              136.32",
    ]
    # A bill without vat has no invoice, in any format.
    plain = bill_of(table_yaml("plain", flat_body("0.5680")))
    assert plain.invoice is None
    assert "invoice" not in json.loads(bills_to_json([plain]))["bills"][0]
    assert ",invoice," not in bills_to_csv([plain])


@given(
    kwh=st.integers(0, 200_000).map(lambda n: Decimal(n).scaleb(-3)),
    net_price=st.integers(1, 20_000).map(lambda n: Decimal(n).scaleb(-4)),
    rounded=st.sampled_from(["tax", "net"]),
    mode=st.sampled_from(["half_up", "half_even", "down", "up"]),
)
def test_inclusive_and_exclusive_prices_of_the_same_net_price_agree(
    kwh: Decimal, net_price: Decimal, rounded: str, mode: str
) -> None:
    # The same net price, once with the tax added to it (× 1.13, exact) and once without:
    # the exact net amounts are equal, so the invoices' amounts excluding tax differ only
    # by rounding: the inclusive line (half a cent) and its split (half a cent, 1/1.13
    # of it in net terms) against the exclusive line (half a cent), at most 1 cent in
    # all; down and up move each rounding by up to a whole cent, 2 cents in all.
    readings = one_day(str(kwh))
    gross_price = net_price * Decimal("1.13")
    inclusive = bill_of(
        vat_table(
            f"{gross_price}", f'{{rate: "0.13", prices: inclusive, rounded: {rounded}}}',
            rounding=f"{{mode: {mode}}}",
        ),
        readings,
    )  # fmt: skip
    exclusive = bill_of(
        vat_table(
            f"{net_price}", '{rate: "0.13", prices: exclusive}', rounding=f"{{mode: {mode}}}"
        ),
        readings,
    )
    for bill in (inclusive, exclusive):
        net, tax, gross = split(bill)
        assert net + tax == gross == bill.total  # the parts always add up
    limit = Decimal("0.01") if mode in ("half_up", "half_even") else Decimal("0.03")
    assert abs(split(inclusive)[0] - split(exclusive)[0]) <= limit


def test_vat_refusals() -> None:
    with pytest.raises(TariffFileError, match="rounded: net is for inclusive prices"):
        parse_tariff(vat_table("0.5", '{rate: "0.13", prices: exclusive, rounded: net}'))
    with pytest.raises(TariffFileError, match="a vat line on exclusive prices and rounding per"):
        parse_tariff(vat_table("0.5", '{rate: "0.13", prices: exclusive}', rounding="{per: bill}"))
    with pytest.raises(TariffFileError, match="less than 1"):
        parse_tariff(vat_table("0.5", '{rate: "1.13", prices: inclusive}'))
    with pytest.raises(TariffFileError, match="vat.rate: Input should be greater than 0"):
        parse_tariff(vat_table("0.5", '{rate: "0", prices: inclusive}'))
