"""Charge kinds: each a pure function of a segment's `Context` returning bill lines."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tariffs.bill import Line
from tariffs.charges.basic import price_basic
from tariffs.charges.context import Context
from tariffs.charges.demand import price_demand
from tariffs.charges.dynamic import price_dynamic_energy
from tariffs.charges.energy import price_energy
from tariffs.charges.fixed import price_fixed
from tariffs.charges.minimum import price_minimum
from tariffs.charges.power_factor import price_power_factor, price_reactive
from tariffs.charges.surcharge import price_export_credit, price_surcharge
from tariffs.charges.tax import price_discount, price_tax

__all__ = ["PRICERS", "Context", "price_charge"]

#: Charge kind → the function that prices it.
PRICERS: dict[str, Callable[[Any, Context], list[Line]]] = {
    "energy": price_energy,
    "surcharge": price_surcharge,
    "export_credit": price_export_credit,
    "fixed": price_fixed,
    "tax": price_tax,
    "discount": price_discount,
    "minimum": price_minimum,
    "basic": price_basic,
    "demand": price_demand,
    "power_factor": price_power_factor,
    "reactive": price_reactive,
    "dynamic_energy": price_dynamic_energy,
}


def price_charge(charge: Any, ctx: Context) -> list[Line]:
    """Price one charge of any kind on a segment."""
    return PRICERS[charge.kind](charge, ctx)
