"""Who may take a tariff: the ``eligibility`` block of a table, and its assessment.

A table may say which customers it is for: their customer classes, the supply voltage
[kV], the contracted capacity [kVA] and the contract demand [kW]. Each is a condition on
a fact the account file states (``customer_class``, ``voltage_kv``, ``capacity_kva``,
``contract_demand_kw``). A ``mandatory`` block says from where the tariff is the one the
customer must take (information for the adviser; it excludes no other tariff).

Chinese rule used in the examples: the NDRC notice on the third regulatory period of
provincial transmission and distribution prices (国家发展改革委《关于第三监管周期省级电网
输配电价及有关事项的通知》, 发改价格〔2023〕526号) sets, for users on commercial and
industrial (工商业) prices, single-part pricing up to 100 kVA of capacity, a choice of
single-part or two-part between 100 and 315 kVA, and two-part pricing from 315 kVA (a
user already on single-part pricing there may keep it). As a table of the two-part
tariff::

    eligibility:
      customer_classes: [commercial, industrial]
      capacity_kva: {above: 100}
      mandatory: {capacity_kva: {min: 315}}
      note: two-part is optional above 100 kVA, mandatory from 315 kVA (发改价格〔2023〕526号)

Pure: no I/O. `assess` tells an account's standing under a table's block.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Literal

from pydantic import Field, field_validator, model_validator

from tariffs.model.common import NonNegativeDecimal, StrictModel

if TYPE_CHECKING:
    from tariffs.model.account import Account

__all__ = ["Assessment", "Conditions", "Eligibility", "Range", "assess", "check_class_name"]

#: A customer class: lower-case letters, digits and ``_`` (e.g. ``residential``).
CLASS_PATTERN = r"^[a-z][a-z0-9_]*$"
_CLASS = re.compile(CLASS_PATTERN)

#: Condition → (account field, unit) of each numeric condition, in the order assessed.
NUMERIC_FACTS = {
    "voltage_kv": ("voltage_kv", "kV"),
    "capacity_kva": ("capacity_kva", "kVA"),
    "contract_demand_kw": ("contract_demand_kw", "kW"),
}


def check_class_name(name: str) -> str:
    """A customer class name, or a `ValueError` that says what one is."""
    if not _CLASS.match(name):
        raise ValueError(
            f"{name!r} is not a customer class: lower-case letters, digits and '_', "
            "starting with a letter (e.g. industrial)"
        )
    return name


class Range(StrictModel):
    """A range of a quantity: at least one bound, inclusive (min, max) or not (above, below).

    Attributes:
        min: The least value allowed.
        above: Values must be above this one.
        max: The largest value allowed.
        below: Values must be below this one.
    """

    min: NonNegativeDecimal | None = None
    above: NonNegativeDecimal | None = None
    max: NonNegativeDecimal | None = None
    below: NonNegativeDecimal | None = None

    @model_validator(mode="after")
    def _check(self) -> Range:
        if all(bound is None for bound in (self.min, self.above, self.max, self.below)):
            raise ValueError("a range needs at least one of min, above, max, below")
        if self.min is not None and self.above is not None:
            raise ValueError("give min or above, not both")
        if self.max is not None and self.below is not None:
            raise ValueError("give max or below, not both")
        low = self.min if self.min is not None else self.above
        high = self.max if self.max is not None else self.below
        if low is not None and high is not None:
            closed = self.min is not None and self.max is not None
            if low > high or (low == high and not closed):
                raise ValueError(f"the range holds no value: from {low} to {high}")
        return self

    def holds(self, value: Decimal) -> bool:
        """Whether ``value`` is in the range."""
        return (
            (self.min is None or value >= self.min)
            and (self.above is None or value > self.above)
            and (self.max is None or value <= self.max)
            and (self.below is None or value < self.below)
        )

    def text(self, unit: str) -> str:
        """The range in words, e.g. ``above 100 kVA and below 315 kVA``."""
        parts = []
        if self.min is not None:
            parts.append(f"at least {self.min} {unit}")
        if self.above is not None:
            parts.append(f"above {self.above} {unit}")
        if self.max is not None:
            parts.append(f"at most {self.max} {unit}")
        if self.below is not None:
            parts.append(f"below {self.below} {unit}")
        return " and ".join(parts)


class Conditions(StrictModel):
    """Conditions on the customer's facts; every condition given must hold.

    Attributes:
        customer_classes: The account's ``customer_class`` must be one of these.
        voltage_kv: Range of the account's supply voltage ``voltage_kv`` [kV].
        capacity_kva: Range of the account's contracted capacity ``capacity_kva`` [kVA].
        contract_demand_kw: Range of the account's ``contract_demand_kw`` [kW].
    """

    customer_classes: list[str] | None = Field(default=None, min_length=1)
    voltage_kv: Range | None = None
    capacity_kva: Range | None = None
    contract_demand_kw: Range | None = None

    @field_validator("customer_classes")
    @classmethod
    def _classes(cls, value: list[str] | None) -> list[str] | None:
        for name in value or []:
            check_class_name(name)
        return value

    @model_validator(mode="after")
    def _some(self) -> Conditions:
        if all(getattr(self, name) is None for name in ("customer_classes", *NUMERIC_FACTS)):
            raise ValueError(
                "give at least one of customer_classes, voltage_kv, capacity_kva, "
                "contract_demand_kw"
            )
        return self


class Eligibility(Conditions):
    """Who may take a tariff (the table's ``eligibility`` block).

    Attributes:
        mandatory: Where the tariff must be taken (e.g. two-part from 315 kVA); said in
            a comparison, never used to exclude another tariff.
        note: The rule in words, with its source; shown beside every exclusion.
    """

    mandatory: Conditions | None = None
    note: str | None = Field(default=None, min_length=1)


@dataclass(frozen=True, slots=True)
class Assessment:
    """An account's standing under a tariff's eligibility.

    Attributes:
        status: ``eligible``, ``ineligible`` (a condition fails) or ``unknown`` (none
            fails, but the account lacks a fact that one needs).
        reasons: Each condition that fails, in words.
        failures: Each condition that fails, as facts (see `facts`), beside `reasons`.
        needs: The account facts missing for the conditions that could not be checked.
        mandatory: Every ``mandatory`` condition holds for the account.
        note: The table's note of the rule.
    """

    status: Literal["eligible", "ineligible", "unknown"]
    reasons: tuple[str, ...] = ()
    needs: tuple[str, ...] = ()
    mandatory: bool = False
    note: str | None = None
    failures: tuple[tuple[tuple[str, str], ...], ...] = dataclasses.field(default=(), compare=False)

    def facts(self) -> tuple[tuple[str, str], ...]:
        """The failed conditions as ``(name, text)`` facts, numbered (for a bill's warning).

        Each failure ``n`` has ``reason.n.field`` and ``reason.n.found``, and either
        ``reason.n.allowed`` (the classes) or ``reason.n.unit`` and its bounds
        (``reason.n.min``, ``above``, ``max``, ``below``); ``note`` is the table's note.
        """
        out = [
            (f"reason.{n}.{name}", text)
            for n, failure in enumerate(self.failures)
            for name, text in failure
        ]
        if self.note:
            out.append(("note", self.note))
        return tuple(out)

    @property
    def text(self) -> str:
        """The standing in words: the conditions that fail, or the facts needed."""
        if self.status == "ineligible":
            text = "; ".join(self.reasons)
        elif self.status == "unknown":
            text = f"eligibility unknown: needs {', '.join(self.needs)} in the account"
        else:
            text = "eligible"
        return f"{text} ({self.note})" if self.note and self.status != "eligible" else text


def _check(conditions: Conditions, account: Account | None) -> tuple[list[str], list[str]]:
    """The conditions that fail and the facts missing, in the order of the block."""
    failed, missing, _ = _checked(conditions, account)
    return failed, missing


def _checked(
    conditions: Conditions, account: Account | None
) -> tuple[list[str], list[str], list[tuple[tuple[str, str], ...]]]:
    """`_check`, with each failure's facts too (`Assessment.facts`)."""
    failed: list[str] = []
    missing: list[str] = []
    facts: list[tuple[tuple[str, str], ...]] = []
    if conditions.customer_classes is not None:
        found = account.customer_class if account is not None else None
        if found is None:
            missing.append("customer_class")
        elif found not in conditions.customer_classes:
            failed.append(
                f"customer_class {found} is not one of {', '.join(conditions.customer_classes)}"
            )
            allowed = ",".join(conditions.customer_classes)
            facts.append((("field", "customer_class"), ("found", found), ("allowed", allowed)))
    for name, (field, unit) in NUMERIC_FACTS.items():
        wanted: Range | None = getattr(conditions, name)
        if wanted is None:
            continue
        value: Decimal | None = getattr(account, field) if account is not None else None
        if value is None:
            missing.append(field)
        elif not wanted.holds(value):
            failed.append(f"{field} {value} {unit} is not {wanted.text(unit)}")
            bounds = tuple(
                (bound, f"{getattr(wanted, bound)}")
                for bound in ("min", "above", "max", "below")
                if getattr(wanted, bound) is not None
            )
            facts.append((("field", field), ("found", f"{value}"), ("unit", unit), *bounds))
    return failed, missing, facts


def assess(eligibility: Eligibility | None, account: Account | None) -> Assessment:
    """An account's standing under a tariff's ``eligibility`` block.

    Args:
        eligibility: The table's block; None: everyone may take the tariff.
        account: The customer's facts; None: no fact is known.

    Returns:
        ``ineligible`` when a condition fails, else ``unknown`` when a fact a condition
        needs is missing, else ``eligible`` (with ``mandatory`` when every mandatory
        condition holds).
    """
    if eligibility is None:
        return Assessment("eligible")
    failed, missing, facts = _checked(eligibility, account)
    if failed:
        return Assessment(
            "ineligible",
            tuple(failed),
            tuple(missing),
            note=eligibility.note,
            failures=tuple(facts),
        )
    if missing:
        return Assessment("unknown", (), tuple(missing), note=eligibility.note)
    mandatory = False
    if eligibility.mandatory is not None:
        not_met, unknown = _check(eligibility.mandatory, account)
        mandatory = not not_met and not unknown
    return Assessment("eligible", mandatory=mandatory, note=eligibility.note)
