"""Pydantic models of the YAML contract: tariffs, charges, calendars and accounts."""

from tariffs.model.account import Account
from tariffs.model.calendar import DayType, Override, PeriodRule, Season
from tariffs.model.charges import (
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
from tariffs.model.tariff import Rounding, Tariff, Version

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
