"""Pydantic models of the YAML contract: tariffs, charges, calendars and accounts."""

from tariffs.schema.account import Account
from tariffs.schema.calendar import DayType, Override, PeriodRule, Season
from tariffs.schema.charges import (
    LINE_KINDS,
    Charge,
    EnergyCharge,
    ExportCreditCharge,
    FixedCharge,
    MinimumCharge,
    PriceRef,
    SurchargeCharge,
    TaxCharge,
    Tiers,
)
from tariffs.schema.tariff import Rounding, Tariff, Version

__all__ = [
    "LINE_KINDS",
    "Account",
    "Charge",
    "DayType",
    "EnergyCharge",
    "ExportCreditCharge",
    "FixedCharge",
    "MinimumCharge",
    "Override",
    "PeriodRule",
    "PriceRef",
    "Rounding",
    "Season",
    "SurchargeCharge",
    "Tariff",
    "TaxCharge",
    "Tiers",
    "Version",
]
