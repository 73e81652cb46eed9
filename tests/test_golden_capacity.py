"""Golden bills for reductions (减容), suspensions (暂停) and interlocked transformers (互锁).

The rules, as published in 供电营业规则 (电力工业部令第8号, 1996). The wording of the 2024
rules (国家发展改革委令第14号) on the same points could not be found, so the minimum
length of a suspension and the yearly limit are not built in: the tariff declares them
(``suspension.min_days``, ``suspension.max_days_per_year``), and the share of a suspended
part that is billed is declared by the account (``suspended_billed_percent``, 0 by
default).

- 第二十三条 (减容), item 1: "减容必须是整台或整组变压器的停止或更换小容量变压器用电。
  ……从加封之日起，按原计费方式减收其相应容量的基本电费。" From the day of the change
  the reduced capacity is billed.
- 第二十三条, item 5: "减容期满后的用户以及新装、增容用户，二年内不得申办减容或暂停。如确需
  继续办理减容或暂停的，减少或暂停部分容量的基本电费应按百分之五十计算收取。" The 50 %.
- 第二十四条 (暂停), item 2: "按变压器容量计收基本电费的用户，暂停用电必须是整台或整组变压器
  停止运行。……从加封之日起，按原计费方式减收其相应容量的基本电费。" The suspended
  capacity is not billed.
- 第二十四条, item 4: "暂停时间少于十五天者，暂停期间基本电费照收。" A suspension under
  the minimum is billed as if the capacity had not been suspended.
- 第八十五条: "在受电装置一次侧装有连锁装置互为备用的变压器（含高压电动机），按可能同时
  使用的变压器（含高压电动机）容量之和的最大值计算其基本电费。"

(Quoted from the texts of articles 23, 24 and 85 of the 1996 rules as reproduced on a
government service page, hyxxzfwzxzwfww.gov.cn "暂停恢复", and on the pages
d736.com/news/show-2697.html and m.zhaokaoti.com, which gives the worked exercise of the
interlock test below.)

A basic charge by capacity is a monthly price per kVA, so each state is billed for its
days: kVA × price × days ÷ days of the period (the default proration, ``actual_days``).
Every amount below is worked out by hand, the exact product in a comment, rounded half-up
to the fen; the total is the sum of the rounded lines.

The tariff: energy at 0.60 CNY/kWh, capacity at 25.50 CNY per kVA per month, suspensions
under 15 days billed in full. Readings: 1 kWh in every hour of July 2025 (744 kWh,
744 × 0.60 = 446.40).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest

from tables import table_yaml
from tariffs import (
    Account,
    Bill,
    Readings,
    load_account,
    load_tariff,
    parse_tariff,
    price,
    read_readings_csv,
)
from tariffs.io.readings.csv_reader import parse_readings_csv

TARIFF = table_yaml(
    "capacity-example",
    """\
    charges:
      - kind: energy
        price_per_kwh: "0.60"
      - kind: basic
        capacity_price_per_kva: "25.50"
        suspension: {min_days: 15}
""",
)


def edited(text: str, old: str, new: str) -> str:
    """``text`` with ``old`` (which must be there, once) replaced by ``new``."""
    assert text.count(old) == 1, old
    return text.replace(old, new)


ENERGY = ("energy", "Energy", Decimal("744.000"), Decimal("0.60"), Decimal("446.40"))


def july_readings() -> Readings:
    """1 kWh in every hour of July 2025, local time (744 hours)."""
    rows = ["start,kwh"]
    hour = dt.datetime(2025, 7, 1)
    while hour < dt.datetime(2025, 8, 1):
        rows.append(f"{hour:%Y-%m-%dT%H:%M},1")
        hour += dt.timedelta(hours=1)
    return parse_readings_csv("\n".join(rows) + "\n", "july.csv", "Asia/Shanghai")


def july_bill(account: dict[str, object], tariff: str = TARIFF) -> Bill:
    (bill,) = price(
        parse_tariff(tariff, "capacity-example.yaml"),
        july_readings(),
        Account.model_validate(account),
    )
    return bill


def lines(bill: Bill) -> list[tuple[str, str, Decimal | None, Decimal | None, Decimal]]:
    return [(ln.code, ln.label, ln.quantity, ln.rate, ln.amount) for ln in bill.lines]


def check_total(bill: Bill, expected: str) -> None:
    assert bill.total == Decimal(expected)
    assert bill.total == sum((ln.amount for ln in bill.lines), Decimal(0))


# Transformers T1 630, T2 630, T3 315 kVA: 1575 kVA contracted. T1 is taken out of
# service (减容) from 10 July: 945 kVA. T3 is suspended (暂停) from 20 July.
REDUCED_AND_SUSPENDED = {
    "account_id": "F-7",
    "basic_charge_method": "capacity",
    "capacity_kva": 1575,
    "capacity_changes": [
        {"from": "2025-07-10", "capacity_kva": 945, "reason": "reduction"},
        {"from": "2025-07-20", "suspended_kva": 315, "reason": "suspension"},
        {"from": "2025-08-20", "suspended_kva": 0, "reason": "restoration"},
    ],
}

# 1–9 July, 9 days at 1575 kVA: 1575 × 25.50 = 40162.50 a month; × 9/31 = 11660.0806… → 11660.08
FIRST_NINE_DAYS = (
    "basic.capacity",
    "Basic charge by capacity, 9 days from 2025-07-01 (× 9/31 of a month)",
    Decimal(1575),
    Decimal("25.50"),
    Decimal("11660.08"),
)
# 10–19 July, 10 days at 945 kVA: 945 × 25.50 = 24097.50; × 10/31 = 7773.3870… → 7773.39
REDUCED_TEN_DAYS = (
    "basic.capacity",
    "Basic charge by capacity, 10 days from 2025-07-10 (× 10/31 of a month)",
    Decimal(945),
    Decimal("25.50"),
    Decimal("7773.39"),
)


def test_a_reduction_and_a_suspension_bill_each_state_for_its_days() -> None:
    bill = july_bill(REDUCED_AND_SUSPENDED)
    # 20–31 July, 12 days: 945 kVA of which 315 suspended for 31 days (20 July to 20
    # August, not under 15): the 630 in service are billed, 630 × 25.50 = 16065.00;
    # × 12/31 = 6218.7096… → 6218.71; the 315 suspended are not (rate 0, amount 0.00).
    assert lines(bill) == [
        ENERGY,
        FIRST_NINE_DAYS,
        REDUCED_TEN_DAYS,
        ("basic.capacity",
         "Basic charge by capacity, 12 days from 2025-07-20 (× 12/31 of a month)",
         Decimal(630), Decimal("25.50"), Decimal("6218.71")),
        ("basic.suspended",
         "Suspended capacity (not billed), 12 days from 2025-07-20 (× 12/31 of a month)",
         Decimal(315), Decimal(0), Decimal("0.00")),
    ]  # fmt: skip
    # 446.40 + 11660.08 + 7773.39 + 6218.71 + 0.00
    check_total(bill, "26098.58")


def test_a_suspension_under_the_minimum_is_billed_in_full() -> None:
    account = dict(REDUCED_AND_SUSPENDED)
    account["capacity_changes"] = [
        {"from": "2025-07-10", "capacity_kva": 945},
        {"from": "2025-07-20", "suspended_kva": 315},
        {"from": "2025-07-30", "suspended_kva": 0},  # 10 days, under 15: 照收
    ]
    bill = july_bill(account)
    # 20–29 July, 10 days: 630 in service, 16065.00 × 10/31 = 5182.2580… → 5182.26; the
    # 315 suspended at the full price, 315 × 25.50 = 8032.50; × 10/31 = 2591.1290… →
    # 2591.13. 30–31 July, 2 days at 945 kVA: 24097.50 × 2/31 = 1554.6774… → 1554.68.
    assert lines(bill) == [
        ENERGY,
        FIRST_NINE_DAYS,
        REDUCED_TEN_DAYS,
        ("basic.capacity",
         "Basic charge by capacity, 10 days from 2025-07-20 (× 10/31 of a month)",
         Decimal(630), Decimal("25.50"), Decimal("5182.26")),
        ("basic.suspended",
         "Suspended capacity (suspended 10 days, under 15: billed in full), 10 days from "
         "2025-07-20 (× 10/31 of a month)",
         Decimal(315), Decimal("25.50"), Decimal("2591.13")),
        ("basic.capacity",
         "Basic charge by capacity, 2 days from 2025-07-30 (× 2/31 of a month)",
         Decimal(945), Decimal("25.50"), Decimal("1554.68")),
    ]  # fmt: skip
    # 446.40 + 11660.08 + 7773.39 + 5182.26 + 2591.13 + 1554.68
    check_total(bill, "29207.94")
    # Without the suspension's lines and with 945 kVA for the 12 days, the basic charge
    # is the same: 5182.26 + 2591.13 + 1554.68 = 9328.07 against 24097.50 × 12/31 =
    # 9328.0645… → 9328.06, one fen apart from rounding three lines instead of one.


def test_a_suspension_billed_at_half_within_two_years() -> None:
    account = dict(REDUCED_AND_SUSPENDED)
    account["capacity_changes"] = [
        {"from": "2025-07-10", "capacity_kva": 945},
        {"from": "2025-07-20", "suspended_kva": 315, "suspended_billed_percent": 50},
    ]
    bill = july_bill(account)
    # The suspension is not ended by a later change: it is not under the minimum. The
    # suspended 315 kVA at 50 %: 25.50 × 50 % = 12.75; 315 × 12.75 = 4016.25; × 12/31 =
    # 1554.6774… → 1554.68.
    assert lines(bill)[-1] == (
        "basic.suspended",
        "Suspended capacity (50 % billed), 12 days from 2025-07-20 (× 12/31 of a month)",
        Decimal(315),
        Decimal("12.75"),
        Decimal("1554.68"),
    )
    # 26098.58 + 1554.68
    check_total(bill, "27653.26")


# 第二十四条, item 3: "暂停期满或每一日历年内累计暂停用电时间超过六个月者，不论用户是否申请恢复
# 用电，供电企业须从期满之日起，按合同约定的容量计收其基本电费。" How many days "six months"
# are is the tariff's to say: ``max_days_per_year``.
def yearly_limit_tariff(days: int) -> str:
    return edited(
        TARIFF,
        "suspension: {min_days: 15}",
        f"suspension: {{min_days: 15, max_days_per_year: {days}}}",
    )


def test_a_suspension_past_the_yearly_limit_is_billed_in_full_from_that_day() -> None:
    # 315 of 945 kVA suspended from 1 January 2025, never restored. January to June are
    # 31 + 28 + 31 + 30 + 31 + 30 = 181 days; with a limit of 185, 1–4 July are days 182
    # to 185, and from 5 July (day 186) the suspended part is billed in full.
    account = {
        "account_id": "F-7",
        "basic_charge_method": "capacity",
        "capacity_kva": 945,
        "capacity_changes": [{"from": "2025-01-01", "suspended_kva": 315}],
    }
    bill = july_bill(account, yearly_limit_tariff(185))
    assert lines(bill) == [
        ENERGY,
        # 630 in service: 630 × 25.50 = 16065.00; × 4/31 = 2072.9032… → 2072.90
        ("basic.capacity",
         "Basic charge by capacity, 4 days from 2025-07-01 (× 4/31 of a month)",
         Decimal(630), Decimal("25.50"), Decimal("2072.90")),
        ("basic.suspended",
         "Suspended capacity (not billed), 4 days from 2025-07-01 (× 4/31 of a month)",
         Decimal(315), Decimal(0), Decimal("0.00")),
        # 16065.00 × 27/31 = 13992.0967… → 13992.10
        ("basic.capacity",
         "Basic charge by capacity, 27 days from 2025-07-05 (× 27/31 of a month)",
         Decimal(630), Decimal("25.50"), Decimal("13992.10")),
        # 315 × 25.50 = 8032.50; × 27/31 = 6996.0483… → 6996.05
        ("basic.suspended",
         "Suspended capacity (over 185 days suspended in 2025: billed in full), 27 days "
         "from 2025-07-05 (× 27/31 of a month)",
         Decimal(315), Decimal("25.50"), Decimal("6996.05")),
    ]  # fmt: skip
    # 446.40 + 2072.90 + 0.00 + 13992.10 + 6996.05
    check_total(bill, "23507.45")


def test_the_yearly_limit_counts_every_suspension_of_the_year_but_short_ones() -> None:
    # Suspended 1–20 March (20 days, counted), 1–10 May (10 days, under 15: billed in
    # full and not counted) and from 1 July. With a limit of 25, 1–5 July bring the count
    # to 25; from 6 July it is over.
    account = {
        "account_id": "F-7",
        "basic_charge_method": "capacity",
        "capacity_kva": 945,
        "capacity_changes": [
            {"from": "2025-03-01", "suspended_kva": 315},
            {"from": "2025-03-21", "suspended_kva": 0},
            {"from": "2025-05-01", "suspended_kva": 315},
            {"from": "2025-05-11", "suspended_kva": 0},
            {"from": "2025-07-01", "suspended_kva": 315},
        ],
    }
    bill = july_bill(account, yearly_limit_tariff(25))
    assert [(ln.code, ln.quantity, ln.rate, ln.amount) for ln in bill.lines[1:]] == [
        # 16065.00 × 5/31 = 2591.1290… → 2591.13
        ("basic.capacity", Decimal(630), Decimal("25.50"), Decimal("2591.13")),
        ("basic.suspended", Decimal(315), Decimal(0), Decimal("0.00")),
        # 16065.00 × 26/31 = 13473.8709… → 13473.87
        ("basic.capacity", Decimal(630), Decimal("25.50"), Decimal("13473.87")),
        # 8032.50 × 26/31 = 6736.9354… → 6736.94
        ("basic.suspended", Decimal(315), Decimal("25.50"), Decimal("6736.94")),
    ]
    assert bill.lines[-1].label.startswith(
        "Suspended capacity (over 25 days suspended in 2025: billed in full), 26 days from "
        "2025-07-06"
    )
    # 446.40 + 2591.13 + 0.00 + 13473.87 + 6736.94
    check_total(bill, "23248.34")


def test_a_reduction_billed_at_half_within_two_years() -> None:
    # 第二十三条, item 5: the reduced part, 1575 − 945 = 630 kVA, at 50 %.
    account = {
        "account_id": "F-7",
        "basic_charge_method": "capacity",
        "capacity_kva": 1575,
        "capacity_changes": [
            {"from": "2025-07-10", "capacity_kva": 945, "reduced_billed_percent": 50}
        ],
    }
    bill = july_bill(account)
    assert lines(bill) == [
        ENERGY,
        FIRST_NINE_DAYS,  # 1575 × 25.50 × 9/31 → 11660.08
        # 945 × 25.50 = 24097.50; × 22/31 = 17101.4516… → 17101.45
        ("basic.capacity",
         "Basic charge by capacity, 22 days from 2025-07-10 (× 22/31 of a month)",
         Decimal(945), Decimal("25.50"), Decimal("17101.45")),
        # 25.50 × 50 % = 12.75; 630 × 12.75 = 8032.50; × 22/31 = 5700.4838… → 5700.48
        ("basic.reduced",
         "Reduced capacity (50 % billed), 22 days from 2025-07-10 (× 22/31 of a month)",
         Decimal(630), Decimal("12.75"), Decimal("5700.48")),
    ]  # fmt: skip
    # 446.40 + 11660.08 + 17101.45 + 5700.48
    check_total(bill, "34908.41")


def test_a_reduction_before_the_period_bills_one_line_at_the_reduced_capacity() -> None:
    account = {
        "account_id": "F-7",
        "basic_charge_method": "capacity",
        "capacity_kva": 1575,
        "capacity_changes": [{"from": "2025-03-01", "capacity_kva": 945}],
    }
    # 945 × 25.50 = 24097.50 for the whole month.
    assert lines(july_bill(account)) == [
        ENERGY,
        ("basic.capacity", "Basic charge by capacity", Decimal(945), Decimal("25.50"),
         Decimal("24097.50")),
    ]  # fmt: skip


def test_a_reduction_and_a_price_change_in_one_bill() -> None:
    # The price of capacity changes on 16 July (30.00 CNY/kVA·month): the bill has two
    # segments, 1–15 July (15/31 of a month) and 16–31 July (16/31). The reduction on
    # 10 July cuts the first: 9 days at 1575 kVA and 6 at 945; the second is all 945 kVA.
    tariff = TARIFF + (
        '  "2025-07-16":\n'
        "    charges:\n"
        "      - kind: energy\n"
        '        price_per_kwh: "0.60"\n'
        "      - kind: basic\n"
        '        capacity_price_per_kva: "30.00"\n'
        "        suspension: {min_days: 15}\n"
    )
    account = {
        "account_id": "F-7",
        "basic_charge_method": "capacity",
        "capacity_kva": 1575,
        "capacity_changes": [{"from": "2025-07-10", "capacity_kva": 945}],
    }
    bill = july_bill(account, tariff)
    assert lines(bill) == [
        # 15 days × 24 h = 360 kWh × 0.60 = 216.00
        ("energy", "Energy", Decimal("360.000"), Decimal("0.60"), Decimal("216.00")),
        FIRST_NINE_DAYS,  # 1575 × 25.50 × 9/31 → 11660.08
        # 945 × 25.50 = 24097.50; × 6/31 = 4664.0322… → 4664.03
        ("basic.capacity",
         "Basic charge by capacity, 6 days from 2025-07-10 (× 6/31 of a month)",
         Decimal(945), Decimal("25.50"), Decimal("4664.03")),
        # 16 days × 24 h = 384 kWh × 0.60 = 230.40
        ("energy", "Energy", Decimal("384.000"), Decimal("0.60"), Decimal("230.40")),
        # 945 × 30.00 = 28350.00; × 16/31 = 14632.2580… → 14632.26
        ("basic.capacity", "Basic charge by capacity (× 16/31 of a month)", Decimal(945),
         Decimal("30.00"), Decimal("14632.26")),
    ]  # fmt: skip
    # 216.00 + 11660.08 + 4664.03 + 230.40 + 14632.26
    check_total(bill, "31402.77")


@pytest.mark.parametrize(
    ("proration", "first", "second"),
    [
        # actual_days: the bill is 27 of 31 days, 27/31 of a month; 5 days of it are
        # 5/31, 22 days 22/31. 1575 × 25.50 = 40162.50 × 5/31 = 6477.8225… → 6477.82;
        # 945 × 25.50 = 24097.50 × 22/31 = 17101.4516… → 17101.45.
        ("actual_days", ("5/31", "6477.82"), ("22/31", "17101.45")),
        # days_over_30: the bill is 27/30 of a month; 5 days of it are 5/30 = 1/6, 22 days
        # 22/30 = 11/15. 40162.50 / 6 = 6693.75; 24097.50 × 11/15 = 17671.50.
        ("days_over_30", ("1/6", "6693.75"), ("11/15", "17671.50")),
    ],
)
def test_a_reduction_in_a_partial_period_shares_the_bill_by_days(
    proration: str, first: tuple[str, str], second: tuple[str, str]
) -> None:
    tariff = edited(TARIFF, "versions:\n", f"proration: {proration}\nversions:\n")
    account = {
        "account_id": "F-7",
        "basic_charge_method": "capacity",
        "capacity_kva": 1575,
        "service_start": "2025-07-05",
        "capacity_changes": [{"from": "2025-07-10", "capacity_kva": 945}],
    }
    bill = july_bill(account, tariff)
    assert lines(bill) == [
        # 27 days × 24 h = 648 kWh × 0.60 = 388.80
        ("energy", "Energy", Decimal("648.000"), Decimal("0.60"), Decimal("388.80")),
        ("basic.capacity",
         f"Basic charge by capacity, 5 days from 2025-07-05 (× {first[0]} of a month)",
         Decimal(1575), Decimal("25.50"), Decimal(first[1])),
        ("basic.capacity",
         f"Basic charge by capacity, 22 days from 2025-07-10 (× {second[0]} of a month)",
         Decimal(945), Decimal("25.50"), Decimal(second[1])),
    ]  # fmt: skip
    check_total(bill, str(Decimal("388.80") + Decimal(first[1]) + Decimal(second[1])))


def test_interlocked_transformers_bill_those_that_can_run_together() -> None:
    # The exercise quoted with 第八十五条: T1 500, T2 630, T3 200 kVA, T1 and T2 interlocked
    # (互为备用). They can run as T1 + T3 = 700 or T2 + T3 = 830 kVA: 830 kVA are billed,
    # not the 1330 of the three. 830 × 25.50 = 21165.00.
    account = {
        "account_id": "F-8",
        "basic_charge_method": "capacity",
        "transformers": [
            {"id": "T1", "capacity_kva": 500, "interlocked_with": "T2"},
            {"id": "T2", "capacity_kva": 630},
            {"id": "T3", "capacity_kva": 200},
        ],
    }
    bill = july_bill(account)
    assert lines(bill) == [
        ENERGY,
        ("basic.capacity",
         "Basic charge by capacity (transformers T2 + T3; T1 interlocked, not counted)",
         Decimal(830), Decimal("25.50"), Decimal("21165.00")),
    ]  # fmt: skip
    check_total(bill, "21611.40")  # 446.40 + 21165.00


def test_a_chain_of_interlocks_bills_the_largest_set_not_the_largest_transformer() -> None:
    # T1 interlocked with T2, and T2 with T3; T1 and T3 may run together. The sets that
    # can run at once: {T1, T3} = 500 + 200 = 700, {T2} = 630 kVA: 700 kVA are billed.
    # 700 × 25.50 = 17850.00.
    account = {
        "account_id": "F-9",
        "basic_charge_method": "capacity",
        "transformers": [
            {"id": "T1", "capacity_kva": 500, "interlocked_with": ["T2"]},
            {"id": "T2", "capacity_kva": 630, "interlocked_with": ["T3"]},
            {"id": "T3", "capacity_kva": 200},
        ],
    }
    (_, basic) = july_bill(account).lines
    assert (basic.quantity, basic.amount) == (Decimal(700), Decimal("17850.00"))
    assert basic.label == (
        "Basic charge by capacity (transformers T1 + T3; T2 interlocked, not counted)"
    )


def test_transformers_without_interlocks_bill_their_sum() -> None:
    account = {
        "account_id": "F-9",
        "basic_charge_method": "capacity",
        "transformers": [{"id": "T1", "capacity_kva": 500}, {"id": "T2", "capacity_kva": 630}],
    }
    (_, basic) = july_bill(account).lines
    # 500 + 630 = 1130 kVA; × 25.50 = 28815.00.
    assert (basic.quantity, basic.amount) == (Decimal(1130), Decimal("28815.00"))
    assert basic.label == "Basic charge by capacity (transformers T1 + T2)"


# --------------------------------------------------------------------------------------
# The example of docs/tariff-format.md ("Capacity changes, suspensions and transformers")
# --------------------------------------------------------------------------------------

ROOT = Path(__file__).resolve().parents[1]


def test_the_example_files_are_the_ones_the_format_guide_shows() -> None:
    guide = (ROOT / "docs" / "tariff-format.md").read_text(encoding="utf-8")
    for name in ("example-capacity.yaml", "capacity-account.yaml"):
        text = (ROOT / "examples" / name).read_text(encoding="utf-8")
        assert f"```yaml\n{text}```" in guide, name


def test_the_example_bills_each_state_and_the_transformers_that_run_together() -> None:
    tariff = load_tariff(ROOT / "examples" / "example-capacity.yaml")
    account = load_account(ROOT / "examples" / "capacity-account.yaml")
    readings = read_readings_csv(ROOT / "examples" / "readings.csv", tariff.timezone)
    # T3 is interlocked with T2: T1 + T2 = 1000 + 630 = 1630 kVA (T1 + T3 = 1400).
    assert account.capacity_kva == Decimal(1630)
    (bill,) = price(tariff, readings, account)
    energy, *basic = lines(bill)
    assert basic == [
        # 1630 × 25.50 = 41565.00; × 9/31 = 12067.2580… → 12067.26
        ("basic.capacity",
         "Basic charge by capacity, 9 days from 2025-07-01 (× 9/31 of a month)",
         Decimal(1630), Decimal("25.50"), Decimal("12067.26")),
        # 1260 × 25.50 = 32130.00; × 10/31 = 10364.5161… → 10364.52
        ("basic.capacity",
         "Basic charge by capacity, 10 days from 2025-07-10 (× 10/31 of a month)",
         Decimal(1260), Decimal("25.50"), Decimal("10364.52")),
        # 630 in service: 16065.00 × 12/31 = 6218.7096… → 6218.71; 630 suspended, 31 days
        ("basic.capacity",
         "Basic charge by capacity, 12 days from 2025-07-20 (× 12/31 of a month)",
         Decimal(630), Decimal("25.50"), Decimal("6218.71")),
        ("basic.suspended",
         "Suspended capacity (not billed), 12 days from 2025-07-20 (× 12/31 of a month)",
         Decimal(630), Decimal(0), Decimal("0.00")),
    ]  # fmt: skip
    # The energy: every kWh of the file at 0.62 (324268.330 kWh, the sum of the file).
    kwh = sum(
        (Decimal(row.split(",")[1]) for row in (ROOT / "examples" / "readings.csv")
         .read_text(encoding="utf-8").splitlines()[1:]),
        Decimal(0),
    )  # fmt: skip
    assert energy[2] == kwh == Decimal("324268.330")
    # 324268.330 × 0.62 = 201046.3646 → 201046.36
    assert energy[4] == Decimal("201046.36")
    # 201046.36 + 12067.26 + 10364.52 + 6218.71 + 0.00
    check_total(bill, "229696.85")
