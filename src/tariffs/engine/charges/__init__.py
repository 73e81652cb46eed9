"""Charge kinds: each a pure function of a segment's `Context` returning bill lines."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tariffs.engine.adjustments.minimum import price_minimum
from tariffs.engine.adjustments.power_factor import price_power_factor, price_reactive
from tariffs.engine.adjustments.tax import price_discount, price_tax
from tariffs.engine.charges.basic import price_basic
from tariffs.engine.charges.context import Context
from tariffs.engine.charges.demand import price_demand
from tariffs.engine.charges.dynamic import price_dynamic_energy
from tariffs.engine.charges.energy import price_energy
from tariffs.engine.charges.fixed import price_fixed
from tariffs.engine.charges.surcharge import price_export_credit, price_surcharge
from tariffs.model.bill import Line

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
