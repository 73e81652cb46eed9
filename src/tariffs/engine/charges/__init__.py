"""Charge kinds: each a pure function of a segment's `Context`, returning `Priced` lines.

Every kind is one module (here, or in `tariffs.engine.adjustments` for the kinds that
adjust earlier lines) with a price function and, where it needs more than the usage's
totals, a ``needs`` function naming the measures the engine must take for it
(`tariffs.engine.measures`). `KINDS` maps each ``kind`` of the tariff format to both.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from tariffs.engine.adjustments import minimum, power_factor, tax
from tariffs.engine.charges import basic, demand, dynamic, energy, fixed, price_file, surcharge
from tariffs.engine.charges.context import Carried, Context, Priced, Setting
from tariffs.engine.measures import Measure
from tariffs.model.bill import Line

__all__ = ["KINDS", "ChargeKind", "Context", "price_charge"]


@dataclass(frozen=True, slots=True)
class ChargeKind:
    """How one kind of charge is priced.

    Attributes:
        price: ``(charge, ctx, earlier lines, carried) -> Priced``.
        needs: ``(charge, setting) -> measures`` the engine takes before pricing, or
            None for a kind that needs nothing measured from the intervals.
        needs_per_bill: Whether ``needs`` reads the setting's account or billing period
            (else it reads only the charge and the version, and the engine asks once per
            version).
    """

    price: Callable[[Any, Context, Sequence[Line], Carried], Priced]
    needs: Callable[[Any, Setting], tuple[Measure, ...]] | None = None
    needs_per_bill: bool = False


#: Charge kind → how it is priced.
KINDS: dict[str, ChargeKind] = {
    "energy": ChargeKind(energy.price_energy, energy.needs),
    "surcharge": ChargeKind(surcharge.price_surcharge),
    "export_credit": ChargeKind(surcharge.price_export_credit),
    "fixed": ChargeKind(fixed.price_fixed),
    "tax": ChargeKind(tax.price_tax),
    "discount": ChargeKind(tax.price_discount),
    "minimum": ChargeKind(minimum.price_minimum),
    "basic": ChargeKind(basic.price_basic, basic.needs, needs_per_bill=True),
    "demand": ChargeKind(demand.price_demand, demand.needs, needs_per_bill=True),
    "power_factor": ChargeKind(power_factor.price_power_factor),
    "reactive": ChargeKind(power_factor.price_reactive, power_factor.needs_reactive),
    "dynamic_energy": ChargeKind(dynamic.price_dynamic_energy, dynamic.needs),
    "price_file": ChargeKind(price_file.price_price_file),
}


def price_charge(
    charge: Any, ctx: Context, earlier: Sequence[Line] = (), carried: Carried | None = None
) -> Priced:
    """Price one charge of any kind on a segment."""
    return KINDS[charge.kind].price(charge, ctx, earlier, carried or Carried())
