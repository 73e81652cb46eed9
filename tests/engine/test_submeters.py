"""Laws of sub-meter subtraction (套扣) and of splits (定比 / 定量).

- Conservation: the kWh of the main bill and of every part add up, period by period, to
  what the main meter read times its multiplier, exactly.
- A sub-meter that reads zero changes nothing on the main bill.
- 定比 0 % is no split: the main bill is the bill without a split.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from hypothesis import given, reject
from hypothesis import strategies as st

from tariffs.engine.pricing import price
from tariffs.engine.submeters import price_submetered
from tariffs.errors import ReadingsError
from tariffs.io.tables import parse_tariff
from tariffs.model.account import Account
from tariffs.model.readings import Readings

TOU = parse_tariff(
    """
id: tou
name: Two periods
currency: CNY
timezone: Asia/Shanghai
reference: test
versions:
  "2025-01-01":
    periods:
      - windows:
          peak: ["08:00-20:00"]
          valley: ["20:00-08:00"]
    charges:
      - kind: energy
        prices: {peak: "0.8", valley: "0.3"}
      - kind: fixed
        amount: "10"
"""
)
FLAT = parse_tariff(
    """
id: flat
name: One price
currency: CNY
timezone: Asia/Shanghai
reference: test
versions:
  "2025-01-01":
    charges:
      - kind: energy
        price_per_kwh: "0.65"
"""
)
#: Local midnight of 2025-06-28 in Asia/Shanghai (UTC+8): the readings cross a month end.
FIRST = int(dt.datetime(2025, 6, 28, tzinfo=dt.UTC).timestamp()) - 8 * 3600


def _readings(source: str, kwh: list[int]) -> Readings:
    return Readings(source, 3600, [FIRST + 3600 * h for h in range(len(kwh))], 3, kwh)


@st.composite
def _meters(draw: st.DrawFn) -> tuple[list[int], list[int], list[int]]:
    """Main-meter kWh per hour, and two sub-meters that never read more than it."""
    hours = draw(st.integers(24 * 4, 24 * 6))
    main = draw(st.lists(st.integers(0, 50_000), min_size=hours, max_size=hours))
    first = [draw(st.integers(0, value)) for value in main]
    second = [draw(st.integers(0, value - taken)) for value, taken in zip(main, first, strict=True)]
    return main, first, second


@given(
    _meters(),
    st.sampled_from(["1", "40", "0.5"]),
    st.one_of(
        st.none(),
        st.decimals(0, 1, places=2).map(lambda r: {"ratio": str(r)}),
        st.integers(0, 300).map(lambda q: {"kwh_per_month": q}),
    ),
)
def test_sub_meter_subtraction_conserves_kwh(
    meters: tuple[list[int], list[int], list[int]], multiplier: str, split: dict[str, object] | None
) -> None:
    main, first, second = meters
    data: dict[str, object] = {
        "account_id": "A",
        "meter_multiplier": multiplier,
        # The sub-meters' CTs are those of the main meter: multiplied, they never read
        # more than it.
        "sub_meters": [
            {"id": "S1", "tariff": "flat", "meter_multiplier": multiplier},
            {"id": "S2", "tariff": "tou", "meter_multiplier": multiplier},
        ],
    }
    if split is not None:
        data["split"] = {**split, "tariff": "flat"}
    account = Account.model_validate(data)
    subs = {"S1": _readings("s1", first), "S2": _readings("s2", second)}
    try:
        bills = price_submetered(
            TOU, _readings("m", main), account, subs, {"flat": FLAT, "tou": TOU}
        )
    except ReadingsError as exc:
        # A fixed quantity above what a period has left is refused (tested as such in
        # tests/test_golden_submeter.py); such draws say nothing of conservation.
        assert "定量" in str(exc)  # noqa: PT017
        reject()
    mains = [bill for bill in bills if bill.metered is not None and bill.part_of is None]
    assert len(mains) == 2  # June and July
    for bill in mains:
        parts = [b for b in bills if b.part_of is not None and b.period_start == bill.period_start]
        assert len(parts) == len(bill.subtracted) == 2 + (split is not None)
        assert bill.metered is not None
        assert bill.energy_kwh + sum(p.energy_kwh for p in parts) == bill.metered.energy_kwh
        assert [p.energy_kwh for p in parts] == [s.energy_kwh for s in bill.subtracted]
        assert bill.metered.energy_kwh == bill.metered.register_kwh * Decimal(multiplier)
    read = sum(main) * Decimal(multiplier) / 1000
    assert sum(bill.energy_kwh for bill in bills) == read


@given(_meters(), st.sampled_from([None, "0.15", "0"]))
def test_a_sub_meter_of_zero_changes_nothing(
    meters: tuple[list[int], list[int], list[int]], ratio: str | None
) -> None:
    main = meters[0]
    data: dict[str, object] = {"account_id": "A", "sub_meters": [{"id": "S", "tariff": "flat"}]}
    alone: dict[str, object] = {"account_id": "A"}
    if ratio is not None:
        data["split"] = alone["split"] = {"ratio": ratio, "tariff": "flat"}
    zero = _readings("s", [0] * len(main))
    with_sub = price_submetered(
        TOU, _readings("m", main), Account.model_validate(data), {"S": zero}, {"flat": FLAT}
    )
    without = (
        price_submetered(TOU, _readings("m", main), Account.model_validate(alone), {},
                         {"flat": FLAT})
        if ratio is not None
        else price(TOU, _readings("m", main), Account.model_validate(alone))
    )  # fmt: skip
    main_with = [b for b in with_sub if b.part_of is None]
    main_without = [b for b in without if b.part_of is None]
    assert [b.lines for b in main_with] == [b.lines for b in main_without]
    assert all(b.total == 0 for b in with_sub if b.part_of and b.part_of.kind == "sub_meter")


@given(_meters())
def test_a_ratio_of_zero_is_no_split(meters: tuple[list[int], list[int], list[int]]) -> None:
    main = meters[0]
    account = Account.model_validate({"account_id": "A", "split": {"ratio": "0", "tariff": "flat"}})
    bills = price_submetered(TOU, _readings("m", main), account, {}, {"flat": FLAT})
    plain = price(TOU, _readings("m", main), Account.model_validate({"account_id": "A"}))
    assert [b.lines for b in bills if b.part_of is None] == [b.lines for b in plain]
    assert [b.energy_kwh for b in bills if b.part_of is not None] == [Decimal(0)] * len(plain)
