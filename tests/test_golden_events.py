"""Golden bills for a meter change inside a period (换表) and a tier allowance that changes
inside the year (一户多人口).

Every amount is worked out by hand in the comments, the exact product first, rounded
half-up to the fen; a bill's total is the sum of its rounded lines.

**Meter change.** From a date, the account's meter has another multiplier (倍率: the CT
ratio × the PT ratio) and other losses (变损). One readings file holds the register
quantities of both meters: the intervals before the change are multiplied by the old
multiplier, those from the change by the new one. Each part's losses are its own; the
bill lists what each meter read, and the parts add up to the bill's ``energy_kwh`` and
``loss_kwh``.

**Allowance change.** A household's extra tier allowance rises from a date (a larger
family registered). The ladder's count goes on (the kWh already counted in the year stay
counted); only the bounds move. No published rule was found for how an annual ladder's
bounds follow a change during the year, so the account declares it
(``tier_allowance_year``): ``prorated`` (each month of the tier year adds the allowance
in force on its first day) or ``full`` (the year adds 12 × the allowance in force).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from decimal import Decimal
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from tables import flat_body, table_yaml
from tariffs import Account, Bill, Readings, load_account, load_tariff, parse_tariff, price
from tariffs.io.readings.csv_reader import parse_readings_csv
from tariffs.io.render.bills import bill_to_dict, bills_to_csv, bills_to_table

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"

# Peak 08:00-22:00 (14 hours a day) at 0.80, valley 22:00-08:00 (10 hours) at 0.40.
TOU = """\
id: meter-example
name: Meter change example
currency: CNY
timezone: Asia/Shanghai
reference: test table
versions:
  "2025-01-01":
    periods:
      - windows:
          peak: ["08:00-22:00"]
          valley: ["22:00-08:00"]
    charges:
      - kind: energy
        prices: {peak: "0.80", valley: "0.40"}
"""


def hourly(first: dt.datetime, end: dt.datetime, kwh: str | list[str] = "1") -> Readings:
    """``kwh`` in every hour from ``first`` to ``end`` (local time, Asia/Shanghai).

    A list of values is repeated, hour after hour.
    """
    values = [kwh] if isinstance(kwh, str) else kwh
    rows = ["start,kwh"]
    hour = first
    while hour < end:
        rows.append(f"{hour:%Y-%m-%dT%H:%M},{values[len(rows) % len(values)]}")
        hour += dt.timedelta(hours=1)
    return parse_readings_csv("\n".join(rows) + "\n", "hourly.csv", "Asia/Shanghai")


def lines(bill: Bill) -> list[tuple[str, str, Decimal | None, Decimal | None, Decimal]]:
    return [(ln.code, ln.label, ln.quantity, ln.rate, ln.amount) for ln in bill.lines]


# -- Meter change --------------------------------------------------------------------------

# The old meter: CT 100/5 (× 20), a transformer loss of 310 kWh a month. From 15 March a
# new meter M2, CT 1000/5 (× 200), 620 kWh a month and 1 % of its kWh.
METER_CHANGE = {
    "account_id": "M-1",
    "meter_multiplier": 20,
    "losses": {"kwh_per_month": 310},
    "meter_changes": [
        {
            "from": "2025-03-15",
            "meter": "M2",
            "meter_multiplier": 200,
            "losses": {"kwh_per_month": 620, "percent": 1},
        }
    ],
}


def march_bill(account: dict[str, object], tariff: str = TOU) -> Bill:
    (bill,) = price(
        parse_tariff(tariff, "meter-example.yaml"),
        hourly(dt.datetime(2025, 3, 1), dt.datetime(2025, 4, 1)),
        Account.model_validate(account),
    )
    return bill


def test_a_meter_change_bills_each_part_with_its_multiplier_and_losses() -> None:
    # Register readings: 1 kWh in every hour of March 2025 (31 days).
    # Old meter, 1 to 14 March (14 days): 336 kWh read (196 peak, 140 valley) × 20
    #   = 6720 kWh (3920 peak, 2800 valley); losses 310 × 14/31 = 140 kWh.
    # M2, 15 to 31 March (17 days): 408 kWh read (238 peak, 170 valley) × 200
    #   = 81600 kWh (47600 peak, 34000 valley); losses 620 × 17/31 = 340 kWh plus
    #   1 % of 81600 = 816: 1156 kWh.
    # Metered 88320 kWh (51520 peak, 36800 valley); losses 140 + 1156 = 1296 kWh, shared
    # as the metered kWh: peak 1296 × 51520/88320 = 1296 × 7/12 = 756, valley 540.
    # Peak 51520 + 756 = 52276 kWh × 0.80 = 41820.80
    # Valley 36800 + 540 = 37340 kWh × 0.40 = 14936.00
    # Total 56756.80.
    bill = march_bill(METER_CHANGE)
    assert lines(bill) == [
        ("energy.peak", "Peak energy", Decimal("52276.000"), Decimal("0.80"), Decimal("41820.80")),
        (
            "energy.valley",
            "Valley energy",
            Decimal("37340.000"),
            Decimal("0.40"),
            Decimal("14936.00"),
        ),
    ]
    assert bill.total == Decimal("56756.80")
    assert bill.energy_kwh == Decimal(88320)
    assert bill.loss_kwh == Decimal(1296)
    old, new = bill.meters
    assert (old.meter, old.start, old.end) == (None, dt.date(2025, 3, 1), dt.date(2025, 3, 15))
    assert (old.register_kwh, old.multiplier, old.energy_kwh, old.loss_kwh) == (
        Decimal(336),
        Decimal(20),
        Decimal(6720),
        Decimal(140),
    )
    assert (new.meter, new.start, new.end) == ("M2", dt.date(2025, 3, 15), dt.date(2025, 4, 1))
    assert (new.register_kwh, new.multiplier, new.energy_kwh, new.loss_kwh) == (
        Decimal(408),
        Decimal(200),
        Decimal(81600),
        Decimal(1156),
    )
    # The text bill and the JSON bill show both readings.
    text = bills_to_table([bill])
    assert "meter 2025-03-01 to 2025-03-15: 336.000 kWh read × 20 = 6720.000 kWh, " in text
    assert "+ 140.000 kWh losses" in text
    assert "meter M2 2025-03-15 to 2025-04-01: 408.000 kWh read × 200 = 81600.000 kWh" in text
    # The CSV has a row per meter (its text quoted: it holds a comma).
    rows = bills_to_csv([bill]).splitlines()
    assert rows[-2:] == [
        'M-1,meter-example,CNY,2025-03-01,2025-04-01,meter,meter,"'
        "meter 2025-03-01 to 2025-03-15: 336.000 kWh read × 20 = 6720.000 kWh, "
        '+ 140.000 kWh losses",6720.000,kWh,20,',
        'M-1,meter-example,CNY,2025-03-01,2025-04-01,meter,meter,"'
        "meter M2 2025-03-15 to 2025-04-01: 408.000 kWh read × 200 = 81600.000 kWh, "
        '+ 1156.000 kWh losses",81600.000,kWh,200,',
    ]
    assert bill_to_dict(bill)["meters"][1] == {
        "meter": "M2",
        "period": {"start": "2025-03-15", "end": "2025-04-01"},
        "register_kwh": "408.000",
        "multiplier": "200",
        "energy_kwh": "81600.000",
        "loss_kwh": "1156.000",
    }


def test_a_meter_change_without_losses_multiplies_each_part() -> None:
    # Flat 0.50: (336 × 20 + 408 × 200) = 88320 kWh × 0.50 = 44160.00; no losses at all.
    account = {
        "account_id": "M-2",
        "meter_multiplier": 20,
        "meter_changes": [{"from": "2025-03-15", "meter_multiplier": 200}],
    }
    flat = table_yaml("flat", flat_body("0.50"))
    bill = march_bill(account, flat)
    assert lines(bill) == [
        ("energy", "Energy", Decimal("88320.000"), Decimal("0.50"), Decimal("44160.00"))
    ]
    assert bill.loss_kwh is None
    assert [m.loss_kwh for m in bill.meters] == [None, None]


def test_multipliers_with_decimals_are_exact_on_one_scale() -> None:
    # × 0.5 then × 2.5 from 15 March: 336 × 0.5 = 168 and 408 × 2.5 = 1020, 1188 kWh.
    account = {
        "account_id": "M-3",
        "meter_multiplier": "0.5",
        "meter_changes": [{"from": "2025-03-15", "meter_multiplier": "2.5"}],
    }
    bill = march_bill(account)
    assert bill.energy_kwh == Decimal(1188)
    assert [m.energy_kwh for m in bill.meters] == [Decimal(168), Decimal(1020)]
    # 14 × (14 × 0.5) + 17 × (14 × 2.5) = 98 + 595 = 693 peak kWh × 0.80 = 554.40;
    # 14 × 5 + 17 × 25 = 70 + 425 = 495 valley kWh × 0.40 = 198.00.
    assert [ln.amount for ln in bill.lines] == [Decimal("554.40"), Decimal("198.00")]


def test_a_meter_change_on_a_period_boundary_leaves_one_meter_per_bill() -> None:
    account = {**METER_CHANGE, "meter_changes": [{"from": "2025-04-01", "meter_multiplier": 200}]}
    march, april = price(
        parse_tariff(TOU, "meter-example.yaml"),
        hourly(dt.datetime(2025, 3, 1), dt.datetime(2025, 5, 1)),
        Account.model_validate(account),
    )
    # March: 744 × 20 = 14880 kWh, losses 310; April: 720 × 200 = 144000, losses 310.
    assert [(m.multiplier, m.energy_kwh, m.loss_kwh) for m in march.meters] == [
        (Decimal(20), Decimal(14880), Decimal(310))
    ]
    assert [(m.multiplier, m.energy_kwh, m.loss_kwh) for m in april.meters] == [
        (Decimal(200), Decimal(144000), Decimal(310))
    ]


def test_a_meter_change_and_a_version_change_in_one_bill_add_up() -> None:
    # A price change from 20 March cuts the bill into two segments; the meter changes on
    # 15 March. M2's days are in both segments and its readings are one part of the bill.
    # 1-14 March: 6720 kWh × 0.50 = 3360.00 (+ 140 kWh losses × 0.50 = 70.00);
    # 15-19 March: 5 × 24 × 200 = 24000 kWh; 20-31 March: 12 × 24 × 200 = 57600 kWh.
    # M2's losses: 620 × 5/31 = 100 + 1 % of 24000 = 240 → 340 in the first segment,
    # 620 × 12/31 = 240 + 576 = 816 in the second; 1156 in all, as one part.
    # First segment: (6720 + 24000) + (140 + 340) = 31200 kWh × 0.50 = 15600.00;
    # second: 57600 + 816 = 58416 kWh × 0.60 = 35049.60. Total 50649.60.
    two_versions = """\
id: two-prices
name: Two prices
currency: CNY
timezone: Asia/Shanghai
reference: test table
versions:
  "2025-01-01":
    charges:
      - kind: energy
        price_per_kwh: "0.50"
  "2025-03-20":
    charges:
      - kind: energy
        price_per_kwh: "0.60"
"""
    bill = march_bill(METER_CHANGE, two_versions)
    assert [(ln.quantity, ln.amount) for ln in bill.lines] == [
        (Decimal("31200.000"), Decimal("15600.00")),
        (Decimal("58416.000"), Decimal("35049.60")),
    ]
    assert bill.total == Decimal("50649.60")
    assert [(m.start, m.end, m.energy_kwh, m.loss_kwh) for m in bill.meters] == [
        (dt.date(2025, 3, 1), dt.date(2025, 3, 15), Decimal(6720), Decimal(140)),
        (dt.date(2025, 3, 15), dt.date(2025, 4, 1), Decimal(81600), Decimal(1156)),
    ]


def test_a_meter_change_in_a_partial_period() -> None:
    # Service from 10 March: 22 of 31 days. The old meter reads 10 to 14 March (5 days,
    # 5/31 of a month): 120 kWh read × 20 = 2400, losses 310 × 5/31 = 50. M2 as before:
    # 81600 kWh and 1156 losses. Peak 5 × 14 × 20 + 47600 = 49000, valley 5 × 10 × 20 +
    # 34000 = 35000; losses 1206 shared 49000 : 35000 = 7 : 5: 703.5 and 502.5.
    # Peak 49703.5 × 0.80 = 39762.80; valley 35502.5 × 0.40 = 14201.00.
    bill = march_bill({**METER_CHANGE, "service_start": "2025-03-10"})
    assert [(m.start, m.register_kwh, m.loss_kwh) for m in bill.meters] == [
        (dt.date(2025, 3, 10), Decimal(120), Decimal(50)),
        (dt.date(2025, 3, 15), Decimal(408), Decimal(1156)),
    ]
    assert [(ln.quantity, ln.amount) for ln in bill.lines] == [
        (Decimal("49703.500"), Decimal("39762.80")),
        (Decimal("35502.500"), Decimal("14201.00")),
    ]


def test_reactive_energy_follows_the_meter_change_too() -> None:
    # Register: 1 kWh and 0.5 kvarh in every hour of March. × 20 with a reactive loss of
    # 31 kvarh a month, then × 200 from 15 March with 1 % losses.
    # kvarh: 336 × 0.5 = 168 × 20 = 3360, loss 31 × 14/31 = 14; 204 × 200 = 40800, loss
    # 1 % = 408. 3360 + 14 + 40800 + 408 = 44582 kvarh × 0.02 = 891.64.
    # kWh: 6720 (no active loss before) + 81600 + 816 = 89136 × 0.50 = 44568.00.
    rows = ["start,kwh,kvarh"]
    hour = dt.datetime(2025, 3, 1)
    while hour < dt.datetime(2025, 4, 1):
        rows.append(f"{hour:%Y-%m-%dT%H:%M},1,0.5")
        hour += dt.timedelta(hours=1)
    readings = parse_readings_csv("\n".join(rows) + "\n", "march.csv", "Asia/Shanghai")
    body = flat_body("0.50") + '      - {kind: reactive, price_per_kvarh: "0.02"}\n'
    tariff = parse_tariff(table_yaml("reactive", body), "reactive.yaml")
    account = Account.model_validate(
        {
            "account_id": "M-6",
            "meter_multiplier": 20,
            "losses": {"kvarh_per_month": 31},
            "meter_changes": [
                {"from": "2025-03-15", "meter_multiplier": 200, "losses": {"percent": 1}}
            ],
        }
    )
    (bill,) = price(tariff, readings, account)
    assert [(ln.code, ln.quantity, ln.amount) for ln in bill.lines] == [
        ("energy", Decimal("89136.000"), Decimal("44568.00")),
        ("reactive", Decimal("44582.000"), Decimal("891.64")),
    ]
    assert bill.total == Decimal("45459.64")
    assert [m.loss_kwh for m in bill.meters] == [Decimal(0), Decimal(816)]


def reconciles(bill: Bill, register: Readings, account: Account) -> None:
    """energy_kwh = Σ each part's register kWh × its multiplier; the losses add up too."""
    assert bill.energy_kwh == sum((m.energy_kwh for m in bill.meters), Decimal(0))
    for meter in bill.meters:
        assert meter.energy_kwh == meter.register_kwh * meter.multiplier
    assert sum((m.register_kwh for m in bill.meters), Decimal(0)) == register.total()
    if bill.loss_kwh is not None:
        assert bill.loss_kwh == sum((m.loss_kwh or Decimal(0) for m in bill.meters), Decimal(0))
        priced = sum((ln.quantity or 0 for ln in bill.lines if ln.unit == "kWh"), Decimal(0))
        assert priced == bill.energy_kwh + bill.loss_kwh


MULTIPLIERS = st.sampled_from(["1", "20", "40", "0.5", "1.25", "200"])
LOSSES = st.one_of(
    st.none(),
    st.builds(
        lambda kwh, percent: {"kwh_per_month": kwh, "percent": percent},
        st.sampled_from(["0", "100", "333.3", "1000"]),
        st.sampled_from(["0", "1", "1.5", "2.75"]),
    ),
)


@settings(max_examples=40, deadline=None)
@given(
    multiplier=MULTIPLIERS,
    losses=LOSSES,
    day=st.integers(2, 31),
    kwh=st.lists(st.decimals("0", "9.999", places=3).map(str), min_size=1, max_size=30),
)
def test_a_meter_change_that_changes_nothing_bills_alike(
    multiplier: str, losses: dict[str, str] | None, day: int, kwh: list[str]
) -> None:
    """The same multiplier and losses before and after: the bill of no change."""
    readings = hourly(dt.datetime(2025, 3, 1), dt.datetime(2025, 4, 1), kwh)
    tariff = parse_tariff(TOU, "meter-example.yaml")
    plain: dict[str, object] = {"account_id": "M-4", "meter_multiplier": multiplier}
    if losses is not None:
        plain["losses"] = losses
    change: dict[str, object] = {"from": f"2025-03-{day:02d}", "meter_multiplier": multiplier}
    if losses is not None:
        change["losses"] = losses
    changed = {**plain, "meter_changes": [change]}
    (without,) = price(tariff, readings, Account.model_validate(plain))
    (bill,) = price(tariff, readings, Account.model_validate(changed))
    assert len(bill.meters) == 2
    assert replace(bill, meters=()) == without
    reconciles(bill, readings, Account.model_validate(changed))


@settings(max_examples=40, deadline=None)
@given(
    before=MULTIPLIERS,
    after=MULTIPLIERS,
    losses=LOSSES,
    day=st.integers(2, 31),
    kwh=st.lists(st.decimals("0", "9.999", places=3).map(str), min_size=1, max_size=30),
)
def test_a_meter_change_reconciles(
    before: str, after: str, losses: dict[str, str] | None, day: int, kwh: list[str]
) -> None:
    readings = hourly(dt.datetime(2025, 3, 1), dt.datetime(2025, 4, 1), kwh)
    account = Account.model_validate(
        {
            "account_id": "M-5",
            "meter_multiplier": before,
            "meter_changes": [
                {"from": f"2025-03-{day:02d}", "meter_multiplier": after, "losses": losses or {}}
            ],
        }
    )
    (bill,) = price(parse_tariff(TOU, "meter-example.yaml"), readings, account)
    reconciles(bill, readings, account)
    assert bill.total == sum((ln.amount for ln in bill.lines), Decimal(0))


def test_the_example_meter_change_account() -> None:
    account = load_account(EXAMPLES / "meter-change-account.yaml")
    (bill,) = price(
        load_tariff(EXAMPLES / "example-capacity.yaml"),
        hourly(dt.datetime(2025, 7, 1), dt.datetime(2025, 8, 1), "2"),
        account,
    )
    # 1-15 July: 15 × 24 × 2 = 720 kWh read × 40 = 28800; 16-31 July: 768 kWh read × 80
    # = 61440. Losses: 1550 × 15/31 = 750, then 3100 × 16/31 = 1600 + 2 % of 61440 =
    # 1228.8: 2828.8. Energy (28800 + 61440 + 750 + 2828.8) = 93818.8 kWh × 0.62
    # = 58167.656 → 58167.66. Capacity 630 kVA × 25.50 = 16065.00. Total 74232.66.
    assert [(ln.code, ln.quantity, ln.amount) for ln in bill.lines] == [
        ("energy", Decimal("93818.800"), Decimal("58167.66")),
        ("basic.capacity", Decimal(630), Decimal("16065.00")),
    ]
    assert bill.total == Decimal("74232.66")
    assert [(m.meter, m.energy_kwh, m.loss_kwh) for m in bill.meters] == [
        ("E-2019-0417", Decimal(28800), Decimal(750)),
        ("E-2025-0716", Decimal(61440), Decimal("2828.8")),
    ]


# -- Allowance change ----------------------------------------------------------------------

# Zhejiang's annual ladder: 2760 and 4800 kWh a year, 0.538 / 0.588 / 0.838 CNY/kWh.
ZHEJIANG = """\
id: zj-annual
name: Annual tiers
currency: CNY
timezone: Asia/Shanghai
reference: test table
versions:
  "2025-01-01":
    charges:
      - kind: energy
        label: Energy
        tiers:
          reset: annual
          bounds_kwh: [2760, 4800]
        price_per_kwh: ["0.538", "0.588", "0.838"]
"""

# 2500 kWh used from January to May; from 1 July 100 kWh a month more (a larger family).
HOUSEHOLD = {
    "account_id": "Z-9",
    "year_to_date_kwh": 2500,
    "tier_allowance_changes": [{"from": "2025-07-01", "tier_allowance_kwh_per_month": 100}],
}


def june_july(account: dict[str, object], tariff: str = ZHEJIANG) -> list[Bill]:
    """1 kWh in every hour of June (720) and July (744) 2025."""
    return price(
        parse_tariff(tariff, "zj-annual.yaml"),
        hourly(dt.datetime(2025, 6, 1), dt.datetime(2025, 8, 1)),
        Account.model_validate(account),
    )


def test_an_allowance_rise_prorated_continues_the_ladder() -> None:
    # June, before the change: bounds 2760 / 4800, counted 2500 before.
    #   2500 → 3220: 260 kWh tier 1 × 0.538 = 139.88; 460 kWh tier 2 × 0.588 = 270.48.
    # July, prorated: January to June add 0, July to December 6 × 100 = 600: bounds
    # 3360 / 5400. The count goes on from 3220 (not restarted): 3220 → 3964.
    #   140 kWh tier 1 (the 3360 - 3220 left of it) × 0.538 = 75.32;
    #   604 kWh tier 2 × 0.588 = 355.152 → 355.15. July's total 430.47.
    june, july = june_july(HOUSEHOLD)
    assert lines(june) == [
        (
            "energy.tier1",
            "Energy, tier 1 (0 to 2760 kWh per year; 2500 kWh counted before)",
            Decimal("260.000"),
            Decimal("0.538"),
            Decimal("139.88"),
        ),
        (
            "energy.tier2",
            "Energy, tier 2 (2760 to 4800 kWh per year; 2500 kWh counted before)",
            Decimal("460.000"),
            Decimal("0.588"),
            Decimal("270.48"),
        ),
    ]
    assert lines(july) == [
        (
            "energy.tier1",
            "Energy, tier 1 (0 to 3360 kWh per year; 3220.000 kWh counted before)",
            Decimal("140.000"),
            Decimal("0.538"),
            Decimal("75.32"),
        ),
        (
            "energy.tier2",
            "Energy, tier 2 (3360 to 5400 kWh per year; 3220.000 kWh counted before)",
            Decimal("604.000"),
            Decimal("0.588"),
            Decimal("355.15"),
        ),
    ]
    assert july.total == Decimal("430.47")


def test_an_allowance_rise_in_full_from_the_change() -> None:
    # full: July's bounds add 12 × 100 = 1200: 3960 / 6000. From 3220: 740 kWh tier 1
    # × 0.538 = 398.12; 4 kWh tier 2 × 0.588 = 2.352 → 2.35. Total 400.47. June as before.
    june, july = june_july({**HOUSEHOLD, "tier_allowance_year": "full"})
    assert june.total == Decimal("410.36")  # 139.88 + 270.48
    assert [(ln.code, ln.quantity, ln.amount) for ln in july.lines] == [
        ("energy.tier1", Decimal("740.000"), Decimal("398.12")),
        ("energy.tier2", Decimal("4.000"), Decimal("2.35")),
    ]
    assert july.total == Decimal("400.47")


def test_an_allowance_change_in_a_month_counts_from_the_next() -> None:
    # prorated, a change from 15 June: June's bill (from 1 June) has no allowance yet;
    # July's counts June at 0 (in force on 1 June) and July to December at 100: 600, as
    # with a change from 1 July. With a change from 1 June, June's own bill has
    # 7 × 100 = 700 (June to December): bounds 3460, all 720 of June in tier 1
    # (2500 → 3220) × 0.538 = 387.36.
    mid_june = {
        **HOUSEHOLD,
        "tier_allowance_changes": [{"from": "2025-06-15", "tier_allowance_kwh_per_month": 100}],
    }
    june, july = june_july(mid_june)
    assert june.total == Decimal("410.36")
    assert july.total == Decimal("430.47")
    first_june = {
        **HOUSEHOLD,
        "tier_allowance_changes": [{"from": "2025-06-01", "tier_allowance_kwh_per_month": 100}],
    }
    june, _ = june_july(first_june)
    assert [(ln.label, ln.amount) for ln in june.lines] == [
        ("Energy, tier 1 (0 to 3460 kWh per year; 2500 kWh counted before)", Decimal("387.36"))
    ]


def test_an_allowance_change_on_monthly_tiers_applies_from_the_next_bill() -> None:
    # Beijing's monthly ladder 240 / 400 at 0.4883 / 0.5383 / 0.7883. 50 kWh a month from
    # 10 June: June's bill (from 1 June) keeps 240 / 400; July's is 290 / 450.
    # July, 744 kWh: 290 × 0.4883 = 141.607 → 141.61; 160 × 0.5383 = 86.128 → 86.13;
    # 294 × 0.7883 = 231.7602 → 231.76. Total 459.50.
    monthly = (
        ZHEJIANG.replace("reset: annual", "reset: monthly")
        .replace("[2760, 4800]", "[240, 400]")
        .replace('["0.538", "0.588", "0.838"]', '["0.4883", "0.5383", "0.7883"]')
    )
    june, july = june_july(
        {
            "account_id": "B-1",
            "tier_allowance_changes": [{"from": "2025-06-10", "tier_allowance_kwh_per_month": 50}],
        },
        monthly,
    )
    assert [ln.quantity for ln in june.lines] == [Decimal(240), Decimal(160), Decimal(320)]
    assert [(ln.quantity, ln.amount) for ln in july.lines] == [
        (Decimal(290), Decimal("141.61")),
        (Decimal(160), Decimal("86.13")),
        (Decimal(294), Decimal("231.76")),
    ]
    assert july.total == Decimal("459.50")


@settings(max_examples=30, deadline=None)
@given(
    allowance=st.sampled_from(["0", "50", "91.67", "100"]),
    month=st.integers(1, 12),
    day=st.integers(1, 28),
    year_rule=st.sampled_from(["prorated", "full"]),
    reset=st.sampled_from(["annual", "monthly"]),
)
def test_an_allowance_change_that_changes_nothing_bills_alike(
    allowance: str, month: int, day: int, year_rule: str, reset: str
) -> None:
    """The same allowance before and after the change: the bill of no change."""
    tariff = ZHEJIANG.replace("reset: annual", f"reset: {reset}")
    plain = {
        "account_id": "Z-8",
        "year_to_date_kwh": 2500,
        "tier_allowance_kwh_per_month": allowance,
        "tier_allowance_year": year_rule,
    }
    changed = {
        **plain,
        "tier_allowance_changes": [
            {"from": f"2025-{month:02d}-{day:02d}", "tier_allowance_kwh_per_month": allowance}
        ],
    }
    assert june_july(changed, tariff) == june_july(plain, tariff)


def test_the_example_household_account() -> None:
    account = load_account(EXAMPLES / "household-allowance.yaml")
    june, july = price(
        parse_tariff(ZHEJIANG, "zj-annual.yaml"),
        hourly(dt.datetime(2025, 6, 1), dt.datetime(2025, 8, 1)),
        account,
    )
    # As test_an_allowance_rise_prorated_continues_the_ladder: the example is HOUSEHOLD.
    assert (june.total, july.total) == (Decimal("410.36"), Decimal("430.47"))
