"""Tests of who may take a tariff (`tariffs.model.eligibility`): ranges, conditions, standing."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from pydantic import ValidationError

from tariffs.model.account import Account
from tariffs.model.eligibility import Eligibility, Range, assess

TWO_PART: dict[str, Any] = {
    "customer_classes": ["commercial", "industrial"],
    "capacity_kva": {"above": 100},
    "mandatory": {"capacity_kva": {"min": 315}},
    "note": "two-part is optional above 100 kVA, mandatory from 315 kVA",
}


def account(**facts: Any) -> Account:
    return Account.model_validate({"account_id": "F-1", **facts})


@pytest.mark.parametrize(
    ("bounds", "inside", "outside"),
    [
        ({"min": 100}, ["100", "2500"], ["99.99"]),
        ({"above": 100}, ["100.01"], ["100", "0"]),
        ({"max": 35}, ["35", "0"], ["35.001"]),
        ({"below": 1}, ["0.4"], ["1", "10"]),
        ({"above": 100, "below": 315}, ["101", "314.9"], ["100", "315"]),
        ({"min": 10, "max": 10}, ["10"], ["9.9", "10.1"]),
    ],
)
def test_a_range_holds_its_bounds(bounds: dict[str, int], inside: list[str], outside: list[str]):
    wanted = Range.model_validate(bounds)
    assert all(wanted.holds(Decimal(value)) for value in inside)
    assert not any(wanted.holds(Decimal(value)) for value in outside)


@pytest.mark.parametrize(
    ("bounds", "message"),
    [
        ({}, "a range needs at least one of min, above, max, below"),
        ({"min": 1, "above": 1}, "give min or above, not both"),
        ({"max": 1, "below": 1}, "give max or below, not both"),
        ({"above": 315, "below": 100}, "the range holds no value: from 315 to 100"),
        ({"min": 5, "below": 5}, "the range holds no value: from 5 to 5"),
    ],
)
def test_a_range_that_holds_nothing_is_refused(bounds: dict[str, int], message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        Range.model_validate(bounds)


def test_conditions_need_one_condition_and_class_names() -> None:
    with pytest.raises(ValidationError, match="give at least one of customer_classes"):
        Eligibility.model_validate({"note": "nothing"})
    with pytest.raises(ValidationError, match="'Large industry' is not a customer class"):
        Eligibility.model_validate({"customer_classes": ["Large industry"]})
    with pytest.raises(ValidationError, match="'Shop' is not a customer class"):
        account(customer_class="Shop")


def test_the_standing_of_accounts_under_the_two_part_rule() -> None:
    """A 2,500 kVA factory must take it; a 200 kVA shop may; an 80 kVA shop may not; a
    household may not; an account without its class cannot be known to."""
    rule = Eligibility.model_validate(TWO_PART)
    factory = assess(rule, account(customer_class="industrial", capacity_kva=2500))
    assert (factory.status, factory.mandatory) == ("eligible", True)
    shop = assess(rule, account(customer_class="commercial", capacity_kva=200))
    assert (shop.status, shop.mandatory) == ("eligible", False)
    small = assess(rule, account(customer_class="commercial", capacity_kva=80))
    assert small.status == "ineligible"
    assert small.reasons == ("capacity_kva 80 kVA is not above 100 kVA",)
    assert small.text == (
        "capacity_kva 80 kVA is not above 100 kVA (two-part is optional above 100 kVA, "
        "mandatory from 315 kVA)"
    )
    home = assess(rule, account(customer_class="residential"))
    # A condition that fails decides, even with a fact missing for another one.
    assert home.status == "ineligible"
    assert home.reasons == ("customer_class residential is not one of commercial, industrial",)
    assert home.needs == ("capacity_kva",)
    unknown = assess(rule, account(capacity_kva=2500))
    assert (unknown.status, unknown.needs) == ("unknown", ("customer_class",))
    assert unknown.text.startswith("eligibility unknown: needs customer_class in the account")
    nobody = assess(rule, None)
    assert nobody.needs == ("customer_class", "capacity_kva")


def test_voltage_and_contract_demand() -> None:
    rule = Eligibility.model_validate(
        {"voltage_kv": {"max": 35}, "contract_demand_kw": {"min": 100, "below": 500}}
    )
    assert assess(rule, account(voltage_kv=10, contract_demand_kw=100)).status == "eligible"
    high = assess(rule, account(voltage_kv=110, contract_demand_kw=500))
    assert high.reasons == (
        "voltage_kv 110 kV is not at most 35 kV",
        "contract_demand_kw 500 kW is not at least 100 kW and below 500 kW",
    )
    assert assess(None, None).status == "eligible"


def test_show_says_who_may_take_the_tariff() -> None:
    from pathlib import Path

    from tariffs.io.render.describe import describe_tariff
    from tariffs.io.tables import load_tariff

    example = Path(__file__).parents[2] / "examples" / "eligibility" / "large-two-part.yaml"
    text = describe_tariff(load_tariff(example))
    assert (
        "Eligibility: customer class commercial or industrial; capacity_kva above 100 kVA; "
        "mandatory where capacity_kva at least 315 kVA (two-part is optional above 100 kVA "
        "and mandatory from 315 kVA, 发改价格〔2023〕526号).\n"
    ) in text
