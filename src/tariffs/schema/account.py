"""Schema of an account file: the contract data a tariff may need."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Literal

from pydantic import Field, model_validator

from tariffs.schema.common import NonNegativeDecimal, StrictModel

__all__ = ["Account"]


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
    """

    account_id: str = Field(min_length=1)
    capacity_kva: NonNegativeDecimal | None = None
    contract_demand_kw: NonNegativeDecimal | None = None
    basic_charge_method: Literal["capacity", "contract_demand", "actual_demand"] | None = None
    service_start: dt.date | None = None
    service_end: dt.date | None = None
    meter_read_day: int | None = Field(default=None, ge=1, le=28)
    tier_allowance_kwh_per_month: NonNegativeDecimal = Decimal(0)
    critical_peak_days: list[dt.date] = Field(default_factory=list)
    year_to_date_kwh: NonNegativeDecimal = Decimal(0)

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
