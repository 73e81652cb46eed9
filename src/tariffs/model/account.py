"""Schema of an account file: the contract data a tariff may need."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Literal

from pydantic import Field, PrivateAttr, field_validator, model_validator

from tariffs.model.common import (
    NonNegativeDecimal,
    PlainDate,
    StrictModel,
    WholeNumber,
    check_ascii_digits,
)

__all__ = ["Account", "Losses"]


_YEAR_MONTH = re.compile(r"^[0-9]{4}-(0[1-9]|1[0-2])$")


class Losses(StrictModel):
    """Losses added to metered quantities before pricing (meter on the low-voltage side).

    Attributes:
        kwh_per_month: Fixed active loss per month, prorated by days of service [kWh].
        kvarh_per_month: Fixed reactive loss per month, prorated likewise [kvarh].
        percent: Active and reactive loss as a percentage of the metered quantity [%].
    """

    kwh_per_month: NonNegativeDecimal = Decimal(0)
    kvarh_per_month: NonNegativeDecimal = Decimal(0)
    percent: NonNegativeDecimal = Decimal(0)


class Account(StrictModel):
    """Contract data of one customer (CONTRACT.md "Account file").

    Attributes:
        account_id: The customer's account number.
        capacity_kva: Contracted transformer capacity [kVA].
        contract_demand_kw: Contracted maximum demand (合同最大需量) [kW].
        basic_charge_method: How the basic charge (基本电费) is billed.
        service_start: First day of service, when the account opened mid-period.
        service_end: Last day of service (inclusive), when it closed mid-period.
        meter_read_day: Day of the month on which billing periods start (calendar
            months when left out).
        tier_allowance_kwh_per_month: Extra tier allowance (一户多人口) [kWh/month].
        critical_peak_days: Declared critical-peak event days.
        year_to_date_kwh: Annual-tier kWh before the first bill priced [kWh].
        demand_history_kw: Maximum demand of earlier months, ``"YYYY-MM"`` → kW, for
            demand ratchets.
        meter_multiplier: Metering multiplier (倍率 = CT ratio × PT ratio): readings are
            register quantities and are multiplied by it before pricing.
        losses: Transformer and line losses (变损, 线损) added to the metered quantities.
    """

    account_id: str = Field(min_length=1)
    capacity_kva: NonNegativeDecimal | None = None
    contract_demand_kw: NonNegativeDecimal | None = None
    basic_charge_method: Literal["capacity", "contract_demand", "actual_demand"] | None = None
    service_start: PlainDate | None = None
    service_end: PlainDate | None = None
    meter_read_day: WholeNumber | None = Field(default=None, ge=1, le=28)
    tier_allowance_kwh_per_month: NonNegativeDecimal = Decimal(0)
    critical_peak_days: list[PlainDate] = Field(default_factory=list)
    year_to_date_kwh: NonNegativeDecimal = Decimal(0)
    demand_history_kw: dict[str, NonNegativeDecimal] = Field(default_factory=dict)
    meter_multiplier: NonNegativeDecimal = Decimal(1)
    losses: Losses | None = None

    _source: str | None = PrivateAttr(default=None)

    @property
    def source(self) -> str | None:
        """The account file, when the account was loaded from one."""
        return self._source

    @field_validator("meter_multiplier")
    @classmethod
    def _multiplier(cls, value: Decimal) -> Decimal:
        if value <= 0:
            raise ValueError(f"meter_multiplier must be above 0, found {value}")
        exponent = value.normalize().as_tuple().exponent
        if isinstance(exponent, int) and exponent < -6:
            raise ValueError(
                f"meter_multiplier {value} has {-exponent} decimal places: readings to 0.001 "
                "times it needs more than 9 decimal places; at most 6 are allowed"
            )
        return value

    @field_validator("demand_history_kw")
    @classmethod
    def _months(cls, value: dict[str, Decimal]) -> dict[str, Decimal]:
        for key in value:
            check_ascii_digits(key)
            if not _YEAR_MONTH.match(key):
                raise ValueError(f"demand_history_kw keys are months 'YYYY-MM', found {key!r}")
        return value

    @model_validator(mode="after")
    def _check(self) -> Account:
        if self.service_start and self.service_end and self.service_end < self.service_start:
            raise ValueError(
                f"service_end {self.service_end} is before service_start {self.service_start}"
            )
        if (
            self.capacity_kva is not None
            and self.contract_demand_kw is not None
            and self.contract_demand_kw > self.capacity_kva
        ):
            raise ValueError(
                f"contract_demand_kw {self.contract_demand_kw} is above capacity_kva "
                f"{self.capacity_kva}; a contract demand cannot exceed the transformer capacity"
            )
        return self
